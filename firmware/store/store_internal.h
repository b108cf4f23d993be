/* Internal to the kiosk's store (store_*.c): the store struct, its prepared statements, and
 * the functions one file of the store gives another. Not a public header: use store.h. */
#ifndef KIOSK_STORE_INTERNAL_H
#define KIOSK_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/sqlite_util.h"
#include "store/store.h"

/* Statements prepared once in store_open() and finalized in store_close(). */
enum {
    STMT_REF_EXISTS,
    STMT_INSERT_RECORD,
    STMT_INSERT_CONTACT,
    STMT_UPDATE_ANSWERS,
    STMT_COUNT_SESSION,
    STMT_SESSION_COUNT,
    STMT_RECORD_COUNT,
    STMT_META_GET,
    STMT_META_SET,
    STMT_RECORD_BY_REF,
    STMT_ERASE_CONTACT,
    STMT_CONTACT_COUNT,
    STMT_RETAIN_CONTACTS,
    STMT_RETAIN_RECORDS,
    STMT_COUNT
};

struct store {
    sq_db_t c;          /* the connection, its path and the last message */
    char *marker;       /* "<path>-running" when opened by store_open_checked(), else NULL;
                           malloc'd, freed by store_close() */
    int64_t boot_count; /* from store_note_boot(); 0 until it is called */
    int head_fd;        /* "<path>-head" once written (store_chain.c), else -1 */
    bool head_loaded;   /* head_seq and head_hash read from the file */
    int64_t head_seq;   /* the last head written or read; 0 none */
    bool head_unsynced; /* head_seq is written to the file but not yet synced */
    char head_hash[65];
    sqlite3_stmt *stmt[STMT_COUNT];
};

/* Which check store_open_with_check() runs before anything writes to the file. */
typedef enum { CHECK_NONE, CHECK_QUICK, CHECK_FULL } store_check_t;

/* store_schema.c: store_open() with an optional check first (store_run_check()); *out as
 * store_open(): the caller's until store_close(), NULL on failure. A corrupt
 * file is closed without the checkpoint that closing the last connection makes, so that the
 * file and its WAL stay as they were for store_open_checked() to move aside; problem (may be
 * NULL) then gets the check's first message or the open's error. */
int store_open_with_check(const char *path, store_check_t check, store_t **out, char *problem,
                          size_t problemlen, char *errbuf, size_t errlen);

/* store_recovery.c: runs PRAGMA quick_check or integrity_check; anything but a single "ok" is
 * KIOSK_ECORRUPT with the first message (or SQLite's error) in problem, on one line. */
int store_run_check(store_t *st, store_check_t check, char *problem, size_t problemlen);

/* Whether a failed insert of a salvaged row only loses that row (a value the fresh schema
 * refuses: constraint, type, size); anything else (disk full, I/O) stops the salvage. */
bool store_row_refused(int rc);

/* store_recovery.c: makes the directory entries of path's directory durable; errbuf (may be
 * NULL) gets the message of a failure. */
int store_fsync_dir(const char *path, char *errbuf, size_t errlen);

/* store_pagescan.c: the salvage's pass over the raw pages of the damaged database file at
 * from (and the committed frames of from-wal): every row of a table-leaf page that the fresh
 * schema of records, then contacts, accepts is inserted with its rowid (a contact only beside
 * its record; rows already there are refused by their keys). Inside st's transaction. Sets
 * the rows added, and *promised to the highest rowid the interior pages name (the rows the
 * file's b-trees held at least; 0 when none). Returns a KIOSK_E* code only for a failure of
 * st. */
int store_pagescan(store_t *st, const char *from, int64_t *records, int64_t *contacts,
                   int64_t *promised);

/* store_schema.c: meta keys. meta_get reads key as text (truncated to textlen) or as an
 * integer (either may be NULL); *found says whether the key exists. */
int store_meta_get(store_t *st, const char *key, bool *found, char *text, size_t textlen,
                   int64_t *value);
int store_meta_get_int(store_t *st, const char *key, bool *found, int64_t *value);
/* Writes text, or value when text is NULL. */
int store_meta_set(store_t *st, const char *key, const char *text, int64_t value);
int store_meta_set_int(store_t *st, const char *key, int64_t value);

/* store_save.c: the single integer of a prepared one-row query, 0 when there is no row, or a
 * negative KIOSK_E* code; resets the statement. */
int64_t store_step_count(store_t *st, sqlite3_stmt *stmt, int bind_rc, const char *what);

/* store_chain.c: numbers and hashes record id (just inserted, with its contact) inside the
 * caller's transaction, keeps the new head in meta and sets *seq and hash. The head file is
 * written by store_chain_head_write() after COMMIT. */
int store_chain_seal(store_t *st, int64_t id, int64_t *seq, char hash[65]);
/* store_chain.c: recomputes answers_hash of the record uuid after its answers changed. */
int store_chain_reseal_answers(store_t *st, const char *uuid);
/* store_chain.c: numbers and chains every record in id order (the 3 -> 4 migration). */
int store_chain_migrate(store_t *st);
/* store_chain.c: rewrites the head file "<path>-head" and syncs its data. */
int store_chain_head_write(store_t *st, int64_t seq, const char *hash);
/* store_chain.c: store_chain_head_write() without the sync: st->head_unsynced until
 * store_chain_head_sync() (store_sync_head() in store.h). */
int store_chain_head_put(store_t *st, int64_t seq, const char *hash);
int store_chain_head_sync(store_t *st);

/* store_figures.c: after store_mark_exported() marked every record up to max_id, inside its
 * transaction: the running counts of records not exported (table tallies) are set from the
 * records saved after max_id (none, or the few saved while the export ran). */
int store_tallies_after_export(store_t *st, int64_t max_id);

#endif
