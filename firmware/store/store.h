/* The record store: the only code that includes sqlite3. Owns every SQL statement, the
 * schema and its migrations. The kiosk and the staff tools link this same library.
 *
 * Ownership: a store_t is the caller's from store_open()/store_open_checked() until
 * store_close(). The store keeps no pointer to anything a caller passes (paths, records,
 * texts are copied or used during the call only). What it hands out is borrowed, valid as
 * each function says: records passed to a callback during that call, store_errmsg() until
 * the next call on that store. A store_t is used by one thread at a time. */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "core/stats.h"

typedef struct store store_t;

/* Current schema version (PRAGMA user_version after store_open()). */
#define STORE_SCHEMA_VERSION 5

/* Opens or creates the database at path, applies migrations, and sets WAL with
 * synchronous=FULL (read back and verified). On failure returns a KIOSK_E* code, *out is
 * NULL and errbuf (if not NULL) holds a message naming the path. The caller frees the store
 * with store_close(). */
int store_open(const char *path, store_t **out, char *errbuf, size_t errlen);

/* Sequence numbers of the hash chain: how many, and as text ("3, 7-9", cut with "..."). */
typedef struct {
    int64_t count;
    char text[256];
    bool pending; /* internal: the range from..to is not yet in text */
    int64_t from, to;
} store_seq_list_t;

/* What store_chain_verify() found. */
typedef struct {
    bool verified;            /* the verification ran to its end */
    int64_t records;          /* records checked */
    int64_t last_seq;         /* the database's last sequence number */
    int64_t head_seq;         /* the head file's, 0 when it has none */
    bool head_ahead;          /* the head file names records the database lacks (lost -wal) */
    bool head_missing;        /* the database has records but no readable head file */
    int64_t unnumbered;       /* records without a sequence number (not saved by the store) */
    store_seq_list_t lost;    /* numbers given out that no record or deletion accounts for */
    store_seq_list_t altered; /* records that differ from what was sealed */
    int64_t walked_seq;       /* the last seq the walk met and its hash: what a head file */
    char walked_hash[65];     /* behind is brought up to (store_chain_catch_up()) */
} store_chain_report_t;

/* What store_open_checked() found and did, for the staff notice and the log. */
typedef struct {
    bool unclean;              /* "<path>-running" was there: the last shutdown was not clean */
    bool checked_full;         /* PRAGMA integrity_check ran (else quick_check) */
    bool moved_aside;          /* the database failed and was renamed to moved_to */
    char moved_to[4096];       /* "<path>.corrupt-YYYYMMDDTHHMMSSZ[-N]" (its -wal/-shm alongside) */
    int64_t salvaged_records;  /* rows copied from moved_to into the fresh database */
    int64_t salvaged_contacts; /* of which contact rows (contacts table) */
    int64_t expected_records;  /* the highest record id the damaged copy showed (records it
                                  promised, retention's deletions included); -1 unknown */
    bool resumed;              /* an unfinished quarantine of an earlier start was finished */
    char problem[512];         /* the check's first message, or the open's error; "" when ok */
    store_chain_report_t chain; /* store_chain_verify() after the open (and any recovery) */
} store_recovery_t;

/* store_open() for the kiosk's own start-up: checks the database and recovers from
 * corruption instead of refusing to run.
 *
 * The file "<path>-running" (empty) marks an open store: it is created and fsynced (with its
 * directory) here and removed by store_close(). Found at open, it means the last run did not
 * close the store (crash, power cut), and the check is the full PRAGMA integrity_check
 * instead of PRAGMA quick_check. The check runs before any migration writes to the file.
 * Only one program (the kiosk) should open a path this way; tools use store_open().
 *
 * When the open reports a corrupt file (e.g. "file is not a database") or the check does not
 * answer exactly "ok", nothing is deleted: the database is quarantined. The journal
 * "<path>-quarantine" (the copy's name and the problem) is written and synced with its
 * directory; the database and its -wal, -shm (and -journal) files are renamed together to
 * rec->moved_to (a UTC wall-clock stamp, "-1", "-2"... when taken), the directory is fsynced,
 * a fresh database is created at path, and whatever rows can still be read from the copy are
 * copied into it in one transaction: first row by row through SQLite (through its own moved
 * WAL, so committed but uncheckpointed saves count), then from the copy's raw table-leaf pages
 * (store_pagescan.c), by column name and rowid: records with their uuid and every column,
 * their contacts, session counts, and the meta keys (boot counter, last wall-clock time). The
 * same transaction notes the copy's name (meta salvaged_from) and the counts. Then the journal
 * is removed. Rows that cannot be read or break a constraint are skipped; deleted rows never
 * come back.
 *
 * A journal found at open is finished first, before anything writes to path (rec->resumed):
 * the move goes on if the copy is not at its name yet, the salvage runs unless the fresh
 * database notes it, and the journal goes. A journal that does not parse, or names a file that
 * is not a copy of path, was torn before any rename: it is removed and the open goes on as
 * usual.
 *
 * rec (may be NULL) is always filled. Returns KIOSK_OK with a usable *out also after a
 * recovery (rec->moved_aside: the caller shows a staff notice); errbuf then holds "" or, if
 * the copy could not be opened at all, why nothing was salvaged. Returns a KIOSK_E* code, *out
 * NULL and a message naming the path in errbuf when the database cannot be opened for another
 * reason (as store_open(): nothing is moved for KIOSK_EACCES, KIOSK_EIO...), when the journal
 * cannot be written or the files cannot be renamed (then none is: put back, journal removed),
 * or when the fresh database cannot be made or the salvage into it fails (a full disk): then
 * the journal and the copy stay, the marker too, and the next attempt finishes the quarantine.
 * The copy is left to the caller afterwards (the kiosk seals it, see app/quarantine.h). */
int store_open_checked(const char *path, store_t **out, store_recovery_t *rec, char *errbuf,
                       size_t errlen);

/* store_open_checked() up to the hash chain: the check, the marker, any quarantine and
 * salvage; rec->chain is left zero (not verified). For the kiosk, which verifies the chain with
 * store_chain_verify_path() while the store takes answers (app/startup_check.h). */
int store_open_recovered(const char *path, store_t **out, store_recovery_t *rec, char *errbuf,
                         size_t errlen);

/* store_chain_verify() on a read-only connection of its own to the database at path, so that
 * it may run in another thread while a store_t on path saves. The head file is read before the
 * walk's snapshot begins, so a record saved during the walk is never taken for a lost one. It
 * writes nothing: a head file that is behind or missing is brought up afterwards by
 * store_chain_catch_up() on the store_t. stop (may be NULL) is polled during the walk; when it
 * returns true the walk ends with KIOSK_EBUSY (rep->verified false). errbuf (may be
 * NULL) gets why the verification could not finish. */
int store_chain_verify_path(const char *path, bool (*stop)(void *ud), void *ud,
                            store_chain_report_t *rep, char *errbuf, size_t errlen);

/* After store_chain_verify_path(): writes the head file up to rep->walked_seq when it is still
 * behind it or unreadable (not when it is ahead: that is a loss to report, not to cover). */
int store_chain_catch_up(store_t *st, const store_chain_report_t *rep);

/* Verifies the hash chain of the records (store_chain.c; see README "Tamper evidence"): every
 * sequence number from the first kept one to the last given out is a record or a deletion by
 * retention, each record hashes to what was sealed and links to the one before, its answers
 * and its contact (unless erased) match their hashes, and the head file "<path>-head" names
 * no record the database lacks. rep is filled (rep->verified false when the verification could
 * not finish). A head file that is behind (a cut between COMMIT and its write) or missing is
 * brought up to the database's last record. Returns KIOSK_OK (also when it found problems:
 * see rep) or a storage error. */
int store_chain_verify(store_t *st, store_chain_report_t *rep);

/* Reads the head file "<db_path>-head": the last sequence number and hash (hex) acknowledged.
 * KIOSK_ENOENT when there is none, KIOSK_ECORRUPT when neither of its slots is readable. */
int store_chain_head_read(const char *db_path, int64_t *seq, char hash[65]);

/* The chain's ends for an export of the records up to max_id (all, or not yet exported):
 * the first record's seq and prev_hash, the last's seq and hash; 0 and "" when none. */
int store_chain_range(store_t *st, bool all, int64_t max_id, int64_t *first_seq,
                      char first_prev[65], int64_t *last_seq, char last_hash[65]);

/* The chain's head: the last sequence number given out and its hash (the database's, or the
 * head file's when that is ahead); 0 and 64 zeros before the first record. */
int store_chain_head(store_t *st, int64_t *seq, char hash[65]);

/* Checkpoints and closes; accepts NULL. A store from store_open_checked() then removes its
 * "-running" marker (clean shutdown), unless SQLite could not close the database. */
void store_close(store_t *st);

/* Saves one finished session in one transaction and returns only after COMMIT returned
 * (durable under synchronous=FULL). Assigns rec->uuid when empty and, for a service request,
 * a unique rec->ref_code. Contact details go to a separate table so that they can be erased
 * on their own. Returns KIOSK_OK, KIOSK_EFULL (disk full), KIOSK_EIO, KIOSK_EACCES,
 * KIOSK_EINVAL (answers_json not a JSON object) or KIOSK_EBUSY; on error nothing is stored
 * and rec is as the caller passed it.
 *
 * Time: an unsynchronised wall clock never goes backwards in the store. The latest utc_ms
 * saved is kept (meta "last_utc_ms", see store_last_utc_ms()); a record whose clock is not
 * synchronised and whose rec->time.utc_ms is earlier (a board without RTC that rebooted
 * before NTP) is stored at that latest time, still marked unsynchronised; mono_ms, boot and
 * the insertion order tell the true order. A synchronised clock is trusted as it is.
 * rec->time.boot is stamped with the count of store_note_boot() (0 when it was never called
 * on this store). After success rec->time holds what was stored. */
int store_save(store_t *st, record_t *rec);

/* store_save() of a finished session with store_count_session(day, journey_id, outcome) in the
 * same transaction: one commit, one sync, per submission. Nothing is stored or counted on
 * error. Sessions that save nothing (abandoned, timed out) use store_count_session(). */
int store_save_counted(store_t *st, record_t *rec, const char *day, const char *journey_id,
                       session_outcome_t outcome);

/* The chain head file ("<path>-head", see store_chain_verify()) is written after each save's
 * COMMIT but synced later, off the resident's wait: by this call (the kiosk makes it on the
 * loop's turn after the thank-you is drawn), by the next save before it begins, or by
 * store_close(). At most one save's head is unsynced at a time. Returns KIOSK_OK (also when
 * nothing waits) or KIOSK_EIO and friends when the sync fails. */
int store_sync_head(store_t *st);

/* Counts boots: boot_id is the content of /proc/sys/kernel/random/boot_id (trailing
 * whitespace ignored; 1 to 128 characters). When it differs from the one stored (or none is),
 * the stored boot counter is incremented and the id kept, in one transaction; the same id
 * again (the kiosk restarted within one boot) keeps the count. Sets *boot_count (may be NULL)
 * and the count that store_save() stamps from now on. The counter survives reopening and is
 * per database (a recovered database keeps it when its meta row could be salvaged). Returns
 * KIOSK_OK, KIOSK_EINVAL (bad id) or a storage error, on which nothing changes. */
int store_note_boot(store_t *st, const char *boot_id, int64_t *boot_count);

/* Sets *ms to the latest wall-clock time stored (milliseconds since the epoch), 0 when no
 * record was saved yet. Returns KIOSK_OK or a storage error. */
int store_last_utc_ms(store_t *st, int64_t *ms);

/* Replaces the answers of a stored record (the quick rating's follow-up), one transaction. */
int store_update_answers(store_t *st, const char *uuid, const char *answers_json);

/* Counts how a session ended, per UTC day ("2026-11-28") and journey id. */
int store_count_session(store_t *st, const char *day, const char *journey_id,
                        session_outcome_t outcome);

/* Reads a count written by store_count_session(); 0 when none. */
int64_t store_session_count(store_t *st, const char *day, const char *journey_id,
                            session_outcome_t outcome);

/* Calls cb for each stored record in insertion order. The record passed is valid only during
 * the call: its answers_json, contact_name and contact_phone borrow SQLite's row memory (copy
 * what you keep; never record_clear() it). cb may use the store. Stops early and returns cb's
 * value when cb returns non-zero; else KIOSK_OK, or KIOSK_ECORRUPT / a storage error. */
int store_foreach_record(store_t *st, int (*cb)(const record_t *rec, void *user_data),
                         void *user_data);

/* Number of stored records. */
int64_t store_record_count(store_t *st);

/* How long personal data and answers stay, in days (each 0 or more). */
typedef struct {
    int contact_after_export_days; /* contact erased this long after its record was exported
                                      (default 30) */
    int contact_max_days;          /* contact erased this long after it was collected, even
                                      when never exported (default 180) */
    int answers_after_export_days; /* whole record deleted this long after export (default
                                      365); never deleted before it was exported */
} store_retention_t;

#define STORE_RETENTION_DEFAULTS                                                                   \
    ((store_retention_t){.contact_after_export_days = 30,                                          \
                         .contact_max_days = 180,                                                  \
                         .answers_after_export_days = 365})

/* Applies retention at now_utc_ms (pass store_retention_clock()'s now_utc_ms, never the bare
 * wall clock: ages are measured from the stored times records.exported_at and
 * contacts.collected_utc, and a clock that is far ahead erases early, one that is behind
 * erases late). r NULL means STORE_RETENTION_DEFAULTS. In
 * one transaction: erases the contact of every record exported more than
 * contact_after_export_days ago and every contact collected more than contact_max_days ago,
 * and deletes every record (with its contact) exported more than answers_after_export_days
 * ago; then checkpoints the WAL with TRUNCATE so that no old copy of an erased page stays in
 * the -wal file (secure_delete, checked before erasing, zeroes it in the database file).
 * Sets *contacts_erased (contact rows gone, also with their record) and *records_deleted
 * (either may be NULL). Returns KIOSK_OK; KIOSK_EINVAL for a negative period; KIOSK_EBUSY
 * when another connection kept the checkpoint from finishing: the erasure is committed but
 * old copies stay in the -wal until the next checkpoint (call again later, or close); or a
 * storage error, on which nothing was erased. */
int store_apply_retention(store_t *st, int64_t now_utc_ms, const store_retention_t *r,
                          int64_t *contacts_erased, int64_t *records_deleted);

/* Retention's clock. A wall clock can be far ahead (no RTC, a wrong NTP server, a mistyped
 * date), and erasing by it erases early; so retention runs at a time staff have confirmed:
 * meta "trusted_clock" holds the latest confirmed UTC time with the boot counter
 * (store_note_boot()) and the monotonic time since boot (CLOCK_BOOTTIME, record_time_t's
 * mono_ms) it was confirmed at. A clock within STORE_CLOCK_AGREE_MS of the confirmed time
 * plus the monotonic time elapsed since (same boot only) agrees with it. */
#define STORE_CLOCK_AGREE_MS (5 * 60 * 1000)

/* Records that staff confirmed that utc_ms is the time now, at mono_ms of the current boot
 * (the clock page's Set; an export, at its time). may_go_back: the confirmed time replaces the
 * one kept even when earlier (staff corrected a clock that was ahead); otherwise an earlier
 * time keeps the one kept. Returns KIOSK_OK, KIOSK_EINVAL (utc_ms or mono_ms negative) or a
 * storage error, on which the time kept is unchanged. */
int store_confirm_time(store_t *st, int64_t utc_ms, int64_t mono_ms, bool may_go_back);

typedef struct {
    int64_t now_utc_ms; /* the "now" retention may use; 0: none (never confirmed) */
    int64_t trusted_ms; /* the latest confirmed time, plus the monotonic time since when the
                           boot is the same; 0: never confirmed */
    bool held;          /* the wall clock is later than trusted_ms + STORE_CLOCK_AGREE_MS:
                           retention waits for a confirmed clock */
} store_retention_clock_t;

/* The time retention may use with the wall clock *wall: never later than the wall clock, nor
 * than the trusted time (the latest confirmed time, plus, within the same boot, the
 * monotonic time elapsed since). A database that was never confirmed but has exported records
 * trusts its latest export time. When the wall clock is synchronised and agrees with the
 * trusted time (same boot), the wall clock becomes the new confirmed time (kept durably, so
 * that a reboot without RTC starts from it). Fills *out; returns KIOSK_OK or a storage error. */
int store_retention_clock(store_t *st, const record_time_t *wall, store_retention_clock_t *out);

/* Erases the contact details of the service request with reference code ref_code (letters
 * matched case-insensitively), for a resident who asks; the answers stay. Then checkpoints
 * with TRUNCATE as store_apply_retention() does. Returns KIOSK_OK; KIOSK_ENOENT when no
 * record has that code or it has no contact (already erased); KIOSK_EINVAL when ref_code is
 * not RECORD_REF_LEN characters; KIOSK_EBUSY as store_apply_retention() (the contact is
 * erased: a retry then answers KIOSK_ENOENT); or a storage error, on which nothing changed. */
int store_erase_contact(store_t *st, const char *ref_code);

/* ---- export (the USB edge drives it) ---- */

/* Snapshot for an export: the highest record id now (*max_id: records saved later wait for
 * the next stick), how many records the export holds (not yet exported ones, or all), and
 * the sequence number the bundle gets (one more than the last verified export). */
int store_export_begin(store_t *st, bool all, int64_t *max_id, int64_t *count, int64_t *seq);

/* Calls cb for each record of the export (ids up to max_id; not yet exported ones unless
 * all), in id order, as store_foreach_record() does. */
int store_foreach_export(store_t *st, bool all, int64_t max_id,
                         int (*cb)(const record_t *rec, void *user_data), void *user_data);

/* Marks the records up to max_id that were not exported as exported at now_utc_ms and keeps
 * seq as the last export's sequence number, in one transaction. Call it only after the
 * bundle was written, synced and read back verified: a record is never marked without a
 * verified copy. *marked (may be NULL) gets how many. */
int store_mark_exported(store_t *st, int64_t max_id, int64_t seq, int64_t now_utc_ms,
                        int64_t *marked);

/* Message of the last failure on this store; never NULL. Static storage or owned by st: valid
 * until the next call on st or store_close(). */
const char *store_errmsg(const store_t *st);

/* The SQLite library's version, for the technician: static storage, never freed. */
const char *store_library_version(void);

/* The figures of the staff screen that the database holds: records since day_start_ms and
 * week_start_ms (UTC milliseconds), not yet exported, service requests not yet exported,
 * quick ratings flagged as misuse this week, sessions ended by timeout this week, and the time
 * of the last export. Other fields of out are left alone. Its cost does not grow with the
 * records stored (indexes and running counts, schema 5): only with the day's and week's. */
int store_staff_stats(store_t *st, int64_t day_start_ms, int64_t week_start_ms, staff_stats_t *out);

/* What lets a caller keep figures until the database changes: *own counts the rows this store
 * changed, *others changes when another connection committed. Either differs after a change. */
int store_changes(store_t *st, int64_t *own, int64_t *others);

/* Notes where the last export went (the stick's name and who issued its token), for the staff
 * screen's figures. */
int store_set_last_export_stick(store_t *st, const char *where);

#endif
