/* The office archive: the staff PC's SQLite database that merges the records of many kiosks,
 * imported bundle by bundle. A second part of the store library (which alone includes
 * sqlite3; the SQLite plumbing is shared with the kiosk's store); its schema is its own,
 * apart from the kiosk's store.
 *
 * Ownership: an archive_t is the caller's from archive_open() until archive_close(). The
 * archive keeps no pointer to anything a caller passes (it copies or uses it during the call
 * only). What it hands out is borrowed: records and rows passed to a callback during that
 * call, archive_errmsg() until the next call on that archive. One thread at a time. */
#ifndef KIOSK_ARCHIVE_H
#define KIOSK_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

typedef struct archive archive_t;

/* Current archive schema version (PRAGMA user_version after archive_open()). */
#define ARCHIVE_SCHEMA_VERSION 3

/* PRAGMA application_id of an archive ("KOAR"): tells an archive from a kiosk's store. */
#define ARCHIVE_APPLICATION_ID 0x4b4f4152

/* Opens or creates the archive at path, applies migrations, and sets WAL, synchronous=FULL,
 * foreign keys and secure_delete (each read back and verified). A database that is not an
 * archive (another application_id, e.g. a kiosk's own store) or has a newer schema is
 * refused with KIOSK_EINVAL and nothing in it is changed. On failure returns a KIOSK_E* code,
 * *out is NULL and err (if not NULL) holds a message naming the path. The caller frees the
 * archive with archive_close(). */
int archive_open(const char *path, archive_t **out, char *err, size_t errlen);

/* Rolls back an unfinished bundle, checkpoints and closes; accepts NULL. */
void archive_close(archive_t *a);

/* Message of the last failure on this archive, naming its path; never NULL. Static storage
 * or owned by a: valid until the next call on a or archive_close(). */
const char *archive_errmsg(const archive_t *a);

/* ---- Trusted kiosks ---- */

/* Trusts kiosk_id (1 to 63 bytes, printable ASCII) with its Ed25519 public signing key as
 * standard base64 (44 characters for 32 bytes; surrounding whitespace ignored). Adds the
 * kiosk, or replaces the key of a kiosk already there (a re-provisioned kiosk); added_utc is
 * the time of the latest call. Returns KIOSK_OK, KIOSK_EINVAL (bad id or key) or a storage
 * error. */
int archive_trust_kiosk(archive_t *a, const char *kiosk_id, const char *sign_pk_base64);

/* Copies the trusted key of kiosk_id (base64, as given to archive_trust_kiosk()) into
 * pk_base64. Returns KIOSK_OK, KIOSK_ENOENT for a kiosk not trusted, KIOSK_ETOOBIG when len
 * is too small (45 bytes is enough), or a storage error. */
int archive_kiosk_key(archive_t *a, const char *kiosk_id, char *pk_base64, size_t len);

/* ---- Importing a bundle ----
 * One bundle is one transaction: archive_begin_bundle(), archive_import_record() for each
 * record, then archive_commit_bundle() (or archive_rollback_bundle() on any failure: then
 * nothing of the bundle stays, and importing it again later starts afresh). */

/* Starts importing bundle number seq of kiosk_id, whose signed manifest hashes to
 * manifest_sha256 (64 hex digits; letters are stored in lower case) and announces records
 * records. Sets *already to true, and leaves no transaction open, when that manifest hash was
 * imported before: nothing to do. (A second bundle with the same seq and another hash is
 * imported: a kiosk that crashed after verifying a copy but before marking its records writes
 * that seq again, with more records; records merge by uuid.) Otherwise opens the transaction,
 * records the bundle with the import time, and sets *bundle_id for archive_import_record().
 * Returns KIOSK_OK; KIOSK_ENOENT when kiosk_id is not trusted (archive_trust_kiosk());
 * KIOSK_EINVAL for a bad argument or when a bundle is already being imported; KIOSK_EBUSY;
 * or a storage error. On an error no transaction is left open. */
int archive_begin_bundle(archive_t *a, const char *kiosk_id, int64_t seq,
                         const char *manifest_sha256, int64_t records, int64_t *bundle_id,
                         bool *already);

/* A bundle of at least this many records into an archive that has none is bulk loaded: its
 * records go in without the indexes, which are built (sorted) before the commit. Nothing else
 * differs, *added included. */
#define ARCHIVE_BULK_MIN 1000

/* Adds rec to the bundle being imported, idempotently by uuid: a record whose uuid is
 * already in the archive (from any bundle) is left as it is and *added is false. A new one
 * is stored with every field of rec (its time as given: utc_ms, offset_min, clock_synced,
 * mono_ms, boot) and, when rec->contact_name or rec->contact_phone is given, a contact row.
 * rec->uuid must be a 36-character UUID and rec->kiosk_id the bundle's kiosk (a kiosk cannot
 * sign records of another). Returns KIOSK_OK, KIOSK_EINVAL (no bundle being imported, another
 * bundle_id, bad uuid, another kiosk, unterminated text, answers not a JSON object, contact
 * details without consent, an unknown kind) or a storage error. An error leaves the bundle's
 * transaction open: the caller rolls it back. */
int archive_import_record(archive_t *a, int64_t bundle_id, const record_t *rec, bool *added);

/* Checks the bundle being imported against its kiosk's hash chain as the archive has it
 * (README "Tamper evidence"): the bundle's first record (first_seq, linking to first_prev)
 * must follow the last record of the bundles imported before (its seq and hash). problem
 * gets "" or what breaks, with sequence numbers: records in no bundle (a gap), or a first
 * record that links to another hash (altered). Nothing is refused: the caller reports it. The
 * kiosk's chain end moves to last_seq and last_hash (when further on) with the bundle's
 * commit. A first bundle, or one that overlaps what was imported (an "all" export, a bundle
 * imported out of order), has nothing to link to: no problem. Returns KIOSK_OK, KIOSK_EINVAL
 * (no bundle being imported, seqs or hashes malformed) or a storage error. */
int archive_check_chain(archive_t *a, int64_t first_seq, const char *first_prev, int64_t last_seq,
                        const char *last_hash, char *problem, size_t len);

/* Commits the bundle being imported: durable when it returns KIOSK_OK (synchronous=FULL).
 * On failure the bundle is rolled back; KIOSK_EINVAL when no bundle is being imported. */
int archive_commit_bundle(archive_t *a);

/* Abandons the bundle being imported (nothing of it stays); accepts NULL and no bundle. */
void archive_rollback_bundle(archive_t *a);

/* ---- Reading ---- */

/* What the archive knows about a record beyond the record itself. */
typedef struct {
    int64_t id;            /* the archive's row id */
    int64_t bundle_id;     /* the bundle that first brought it */
    int64_t bundle_seq;    /* that bundle's sequence number at its kiosk */
    char imported_utc[32]; /* when it was imported, "2026-11-28T13:47:53.123Z" */
} archive_row_t;

typedef int (*archive_record_fn)(const record_t *rec, const archive_row_t *extra, void *ud);

/* Calls cb for every record in (kiosk_id, utc_ms, import order) order. rec->consent is true
 * when a contact row exists. The record and row passed are valid only during the call (the
 * strings borrow SQLite's memory: copy what you keep, never record_clear() them); cb may use
 * the archive. Stops early and returns cb's value when cb returns non-zero; else KIOSK_OK,
 * or KIOSK_ECORRUPT / a storage error. */
int archive_foreach(archive_t *a, archive_record_fn cb, void *ud);

/* archive_foreach() over the records whose ref_code is ref_code, letters matched
 * case-insensitively (two kiosks may have issued the same code: all are passed), in the same
 * order. Returns as archive_foreach(); KIOSK_EINVAL when ref_code is not RECORD_REF_LEN
 * characters. Finding none is not an error: count the calls. */
int archive_find_ref(archive_t *a, const char *ref_code, archive_record_fn cb, void *ud);

/* Number of records in the archive, or a (negative) KIOSK_E* code. */
int64_t archive_record_count(archive_t *a);

/* Records that went into the archive by bulk loads (ARCHIVE_BULK_MIN) since it was opened,
 * including the bundle being imported. */
int64_t archive_bulk_records(archive_t *a);

/* Pages this connection had to write out of its page cache before a commit, since it was
 * opened (SQLite's cache spill count): each is written again later. */
int64_t archive_cache_spills(archive_t *a);

#endif
