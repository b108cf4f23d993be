/* The SQLite plumbing shared by the kiosk's store and the office archive. */
#include "store/sqlite_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"
#include "store/sqlite_err.h"

int sq_fail(sq_db_t *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

int sq_fail_db(sq_db_t *c, int rc, const char *what)
{
    const char *msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
    return sq_fail(c, store_sqlite_code(c->db, rc), "%s %s: %s", what, c->path, msg);
}

int sq_exec(sq_db_t *c, const char *sql, const char *what)
{
    const int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KIOSK_OK : sq_fail_db(c, rc, what);
}

void sq_rollback(sq_db_t *c)
{
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int sq_query_text(sq_db_t *c, const char *sql, char *out, size_t outlen, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    int err = KIOSK_OK;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
        snprintf(out, outlen, "%s", text ? (const char *)text : "");
    } else {
        err = sq_fail_db(c, rc, what); /* before finalize, which resets the message */
    }
    sqlite3_finalize(stmt);
    return err;
}

int sq_query_int(sq_db_t *c, const char *sql, int64_t *out, const char *what)
{
    char text[32];
    const int err = sq_query_text(c, sql, text, sizeof text, what);
    if (err)
        return err;
    *out = strtoll(text, NULL, 10);
    return KIOSK_OK;
}

char *sq_dir_of(const char *path)
{
    char *dir = malloc(strlen(path) + 2);
    if (!dir)
        return NULL;
    strcpy(dir, path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    return dir;
}

/* Refines a failed open: SQLite retries a read-write open read-only, so in a directory we may
 * not write to, the errno it keeps is the retry's ENOENT, not the EACCES that mattered. */
static int classify_open_failure(sq_db_t *c, int rc)
{
    int code = store_sqlite_code(c->db, rc);
    if ((rc & 0xff) != SQLITE_CANTOPEN || code == KIOSK_EACCES)
        return code;
    char *dir = sq_dir_of(c->path);
    if (!dir)
        return KIOSK_ENOMEM;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        code = kiosk_from_errno(errno);
    else if (!S_ISDIR(sb.st_mode))
        code = KIOSK_ENOENT;
    else if (access(dir, W_OK | X_OK) != 0)
        code = KIOSK_EACCES;
    free(dir);
    return code;
}

int sq_open_rw(sq_db_t *c, const char *path, const char *noun, int busy_ms, bool refine_cantopen)
{
    if (!path || !*path) /* SQLite would open a private temporary database for "". */
        return sq_fail(c, KIOSK_EINVAL, "cannot open %s: no path given", noun);
    c->path = strdup(path);
    if (!c->path)
        return sq_fail(c, KIOSK_ENOMEM, "cannot open %s %s: out of memory", noun, path);

    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        const int err =
            refine_cantopen ? classify_open_failure(c, rc) : store_sqlite_code(c->db, rc);
        const char *why = !refine_cantopen      ? ""
                          : err == KIOSK_ENOENT ? " (no such file or directory)"
                          : err == KIOSK_EACCES ? " (permission denied)"
                                                : "";
        return sq_fail(c, err, "cannot open %s %s: %s%s", noun, path,
                       c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc), why);
    }
    sqlite3_extended_result_codes(c->db, 1);
    /* SQLite falls back to read-only when the file is not writable; saves would fail later. */
    if (sqlite3_db_readonly(c->db, "main") == 1)
        return sq_fail(c, KIOSK_EACCES, "cannot open %s %s for writing: permission denied", noun,
                       path);
    sqlite3_busy_timeout(c->db, busy_ms);
    return KIOSK_OK;
}

int sq_open(sq_db_t *c, const char *path, const sq_open_spec_t *spec, sqlite3_stmt **stmt,
            void *self)
{
    int err = sq_open_rw(c, path, spec->noun, spec->busy_ms, spec->refine_cantopen);
    if (!err)
        err = spec->setup(self);
    if (!err)
        err = sq_prepare_all(c, spec->stmt_sql, stmt, spec->nstmt);
    if (!err)
        c->errmsg[0] = '\0';
    return err;
}

int sq_open_nomem(const char *noun, const char *path, char *errbuf, size_t errlen)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "cannot open %s %s: out of memory", noun, path ? path : "(null)");
    return KIOSK_ENOMEM;
}

int sq_close(sq_db_t *c, sqlite3_stmt **stmt, int n)
{
    for (int i = 0; i < n; i++)
        sqlite3_finalize(stmt[i]);
    const int rc = sqlite3_close(c->db); /* a handle exists even when sqlite3_open_v2() failed */
    c->db = NULL;
    free(c->path);
    c->path = NULL;
    return rc;
}

int sq_prepare_all(sq_db_t *c, const char *const *sql, sqlite3_stmt **stmt, int n)
{
    for (int i = 0; i < n; i++) {
        const int rc =
            sqlite3_prepare_v3(c->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmt[i], NULL);
        if (rc != SQLITE_OK)
            return sq_fail_db(c, rc, "cannot prepare statements for");
    }
    return KIOSK_OK;
}

int sq_set_wal(sq_db_t *c)
{
    char mode[32];
    const int err = sq_query_text(c, "PRAGMA journal_mode=WAL", mode, sizeof mode,
                                  "cannot set WAL journal mode on");
    if (err)
        return err;
    if (strcmp(mode, "wal") != 0)
        return sq_fail(c, KIOSK_EIO, "cannot set WAL journal mode on %s: journal_mode is '%s'",
                       c->path, mode);
    return KIOSK_OK;
}

int sq_pragma(sq_db_t *c, const char *set, const char *get, int64_t *value, const char *set_what,
              const char *get_what)
{
    const int err = sq_exec(c, set, set_what);
    return err ? err : sq_query_int(c, get, value, get_what);
}

int sq_bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(stmt, idx);
    return sqlite3_bind_text64(stmt, idx, s, (sqlite3_uint64)strlen(s), SQLITE_STATIC, SQLITE_UTF8);
}

int sq_step_done(sq_db_t *c, sqlite3_stmt *stmt, int bind_rc, const char *what)
{
    const int rc = bind_rc != SQLITE_OK ? bind_rc : sqlite3_step(stmt);
    return rc == SQLITE_DONE ? KIOSK_OK : sq_fail_db(c, rc, what);
}

bool sq_given(const char *s)
{
    return s && *s;
}

bool sq_terminated(const char *s, size_t cap)
{
    return strnlen(s, cap) < cap;
}

bool sq_record_fields_terminated(const record_t *rec)
{
    return sq_terminated(rec->journey_id, sizeof rec->journey_id) &&
           sq_terminated(rec->kiosk_id, sizeof rec->kiosk_id) &&
           sq_terminated(rec->pack_id, sizeof rec->pack_id) &&
           sq_terminated(rec->pack_version, sizeof rec->pack_version) &&
           sq_terminated(rec->lang, sizeof rec->lang);
}

int sq_bind_record(sqlite3_stmt *stmt, const record_t *rec, const record_time_t *time,
                   const char *uuid, const char *ref, const char *created)
{
    const char *text[] = {uuid,
                          record_kind_name(rec->kind),
                          rec->journey_id,
                          rec->kiosk_id,
                          rec->pack_id,
                          rec->pack_version,
                          rec->lang,
                          rec->answers_json,
                          sq_given(ref) ? ref : NULL,
                          created};
    int rc = SQLITE_OK;
    for (int i = 0; i < (int)(sizeof text / sizeof text[0]) && rc == SQLITE_OK; i++)
        rc = sq_bind_text(stmt, i + 1, text[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 11, time->utc_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 12, time->offset_min);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 13, time->clock_synced ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 14, time->mono_ms);
    return rc;
}

bool sq_copy_column(char *dst, size_t cap, sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    const size_t len = (size_t)sqlite3_column_bytes(stmt, col);
    if (len >= cap)
        return false;
    if (text)
        memcpy(dst, text, len);
    dst[len] = '\0';
    return true;
}

bool sq_row_to_record(sqlite3_stmt *stmt, record_t *rec)
{
    memset(rec, 0, sizeof *rec);
    const int kind = record_kind_from_name((const char *)sqlite3_column_text(stmt, SQ_COL_KIND));
    if (kind < 0)
        return false;
    rec->kind = (record_kind_t)kind;
    if (!sq_copy_column(rec->uuid, sizeof rec->uuid, stmt, SQ_COL_UUID) ||
        !sq_copy_column(rec->journey_id, sizeof rec->journey_id, stmt, SQ_COL_JOURNEY) ||
        !sq_copy_column(rec->kiosk_id, sizeof rec->kiosk_id, stmt, SQ_COL_KIOSK) ||
        !sq_copy_column(rec->pack_id, sizeof rec->pack_id, stmt, SQ_COL_PACK) ||
        !sq_copy_column(rec->pack_version, sizeof rec->pack_version, stmt, SQ_COL_PACK_VERSION) ||
        !sq_copy_column(rec->lang, sizeof rec->lang, stmt, SQ_COL_LANG) ||
        !sq_copy_column(rec->ref_code, sizeof rec->ref_code, stmt, SQ_COL_REF))
        return false;
    rec->time.utc_ms = sqlite3_column_int64(stmt, SQ_COL_UTC_MS);
    rec->time.offset_min = sqlite3_column_int(stmt, SQ_COL_OFFSET);
    rec->time.clock_synced = sqlite3_column_int(stmt, SQ_COL_SYNCED) != 0;
    rec->time.mono_ms = sqlite3_column_int64(stmt, SQ_COL_MONO);
    return true;
}
