/* Internal to the store library: the SQLite plumbing that the kiosk's store and the office
 * archive share (a connection with its path and last message, one-shot queries, verified
 * pragmas, binding and reading a record's columns). Not a public header: app/, usb/ and
 * tools/ use store.h and archive.h. */
#ifndef KIOSK_SQLITE_UTIL_H
#define KIOSK_SQLITE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/record.h"

/* One open database: embedded first in store_t and archive_t. path is malloc'd and owned
 * (freed by sq_close()); errmsg holds the last failure, "" when none. */
typedef struct {
    sqlite3 *db;
    char *path;
    char errmsg[1024];
} sq_db_t;

/* Writes the message (printf) into c->errmsg and returns code. */
__attribute__((format(printf, 3, 4))) int sq_fail(sq_db_t *c, int code, const char *fmt, ...);

/* Records a failed SQLite call as "<what> <path>: <sqlite message>" and returns its KIOSK_E*
 * code (store_sqlite_code()). */
int sq_fail_db(sq_db_t *c, int rc, const char *what);

/* Runs SQL that returns no rows of interest. */
int sq_exec(sq_db_t *c, const char *sql, const char *what);

/* Rolls back the open transaction, if any; c->errmsg is kept as it is. */
void sq_rollback(sq_db_t *c);

/* Runs a one-row pragma (or query) and copies its first column as text into out ("" for no
 * row or NULL). */
int sq_query_text(sq_db_t *c, const char *sql, char *out, size_t outlen, const char *what);

/* sq_query_text() read as an integer. */
int sq_query_int(sq_db_t *c, const char *sql, int64_t *out, const char *what);

/* Sets the path (copied) and opens it read-write, creating it, with extended result codes
 * and a busy timeout of busy_ms. noun ("database", "archive") names it in messages. A
 * database SQLite can open only read-only is refused (KIOSK_EACCES). With refine_cantopen,
 * a failed open is refined by looking at the directory (SQLite retries read-only, so the
 * errno it keeps may be the retry's ENOENT instead of the EACCES that mattered) and the
 * message says why. On failure c->db may hold a handle: sq_close() it. */
int sq_open_rw(sq_db_t *c, const char *path, const char *noun, int busy_ms, bool refine_cantopen);

/* How to open one kind of database (see sq_open()); read during sq_open() only. */
typedef struct {
    const char *noun;            /* "database", "archive": names it in messages */
    int busy_ms;                 /* the busy timeout */
    bool refine_cantopen;        /* see sq_open_rw() */
    int (*setup)(void *self);    /* checks, pragmas and migrations, after the open */
    const char *const *stmt_sql; /* the statements prepared once */
    int nstmt;
} sq_open_spec_t;

/* sq_open_rw(), then spec->setup(self), then the statements into stmt[]. On success
 * c->errmsg is "". On failure returns the KIOSK_E* code, the message is in c->errmsg and the
 * caller closes c with sq_close(). */
int sq_open(sq_db_t *c, const char *path, const sq_open_spec_t *spec, sqlite3_stmt **stmt,
            void *self);

/* Fails an open before there is a handle to hold a message: writes "cannot open <noun>
 * <path>: out of memory" to errbuf (may be NULL) and returns KIOSK_ENOMEM. */
int sq_open_nomem(const char *noun, const char *path, char *errbuf, size_t errlen);

/* Finalizes n statements (NULL ones too), closes c->db and frees c->path. Returns what
 * sqlite3_close() returned. c itself is the caller's (embedded) and must not be NULL. */
int sq_close(sq_db_t *c, sqlite3_stmt **stmt, int n);

/* Prepares n persistent statements from sql[] into stmt[]. */
int sq_prepare_all(sq_db_t *c, const char *const *sql, sqlite3_stmt **stmt, int n);

/* Sets journal_mode=WAL and checks that it took. */
int sq_set_wal(sq_db_t *c);

/* Runs set, then reads get back into *value (the caller compares it: a pragma that cannot
 * apply fails silently). set_what and get_what start the messages of a failed call. */
int sq_pragma(sq_db_t *c, const char *set, const char *get, int64_t *value, const char *set_what,
              const char *get_what);

/* Binds s as text that the caller keeps alive until the statement is reset; NULL binds NULL. */
int sq_bind_text(sqlite3_stmt *stmt, int idx, const char *s);

/* Runs a prepared write statement to completion (bind_rc: the binds' result, run only when
 * SQLITE_OK). Does not reset the statement. */
int sq_step_done(sq_db_t *c, sqlite3_stmt *stmt, int bind_rc, const char *what);

/* The directory part of path (".", "/" or the part before the last slash), malloc'd: the
 * caller frees it. NULL when out of memory. */
char *sq_dir_of(const char *path);

/* True for a non-NULL, non-empty string. */
bool sq_given(const char *s);

/* True when a fixed-size text field is NUL-terminated within its cap bytes. */
bool sq_terminated(const char *s, size_t cap);

/* True when the record's journey, kiosk, pack, pack version and language fields are
 * NUL-terminated within their arrays. */
bool sq_record_fields_terminated(const record_t *rec);

/* Binds the columns both databases store first, as ?1 to ?14: uuid, kind, journey, kiosk,
 * pack, pack version, language, answers, ref (NULL when empty), created, utc_ms, offset,
 * clock_synced, mono_ms. The strings must stay alive until the statement is reset. */
int sq_bind_record(sqlite3_stmt *stmt, const record_t *rec, const record_time_t *time,
                   const char *uuid, const char *ref, const char *created);

/* Columns 0 to 12 of a record query, in this order, in both databases. */
enum {
    SQ_COL_KIND,
    SQ_COL_UUID,
    SQ_COL_JOURNEY,
    SQ_COL_KIOSK,
    SQ_COL_PACK,
    SQ_COL_PACK_VERSION,
    SQ_COL_LANG,
    SQ_COL_ANSWERS,
    SQ_COL_REF,
    SQ_COL_UTC_MS,
    SQ_COL_OFFSET,
    SQ_COL_SYNCED,
    SQ_COL_MONO,
    SQ_COL_FIRST_OWN /* the first column whose meaning differs */
};

/* Copies a text column into a fixed field; false when it does not fit. */
bool sq_copy_column(char *dst, size_t cap, sqlite3_stmt *stmt, int col);

/* Clears rec and fills it from columns 0 to 12 of the current row, but for answers_json,
 * which the caller fetches after its own columns (see row_to_record in store and archive):
 * text pointers are fetched last so that no later access converts them. False when the kind
 * is unknown or a text does not fit. rec is zeroed without being freed, and the text
 * pointers callers then set borrow the row: valid until the statement steps or resets. */
bool sq_row_to_record(sqlite3_stmt *stmt, record_t *rec);

#endif
