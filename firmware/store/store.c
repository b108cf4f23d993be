/* The record store on SQLite: schema and migrations, durable saves, and the read-back API. */
#include "store/store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/sqlite_err.h"

/* Schema migrations: entry i takes user_version i to i + 1 and runs in its own transaction.
 * Entries are frozen once released; a later schema appends an entry and raises
 * STORE_SCHEMA_VERSION. The kind and outcome lists are spelled out because a CHECK is part
 * of the stored schema: a new record kind or outcome needs a new migration. */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema. */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    "INSERT INTO meta(key, value)"
    "  VALUES('kiosk_schema_created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));"
    "CREATE TABLE records ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK(kind IN ('quick_rating', 'feedback', 'service_request',"
    "                                    'questionnaire', 'activity')),"
    "  journey_id TEXT NOT NULL,"
    "  kiosk_id TEXT NOT NULL,"
    "  pack_id TEXT NOT NULL,"
    "  pack_version TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  answers TEXT NOT NULL CHECK(json_valid(answers) AND json_type(answers) = 'object'),"
    "  ref_code TEXT UNIQUE,"
    "  created_utc TEXT NOT NULL,"
    "  utc_ms INTEGER NOT NULL,"
    "  utc_offset_min INTEGER NOT NULL,"
    "  clock_synced INTEGER NOT NULL CHECK(clock_synced IN (0, 1)),"
    "  mono_ms INTEGER NOT NULL,"
    "  exported_at TEXT"
    ");"
    "CREATE INDEX records_exported_at ON records(exported_at);"
    "CREATE TABLE contacts ("
    "  record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,"
    "  name TEXT,"
    "  phone TEXT,"
    "  consent INTEGER NOT NULL CHECK(consent = 1),"
    "  collected_utc TEXT NOT NULL"
    ");"
    "CREATE TABLE session_outcomes ("
    "  day TEXT NOT NULL,"
    "  journey_id TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK(outcome IN ('completed', 'timed_out', 'abandoned')),"
    "  count INTEGER NOT NULL,"
    "  PRIMARY KEY(day, journey_id, outcome)"
    ") WITHOUT ROWID;",
    /* 1 -> 2: quick ratings pressed too soon after the previous one are kept but flagged. */
    "ALTER TABLE records ADD COLUMN misuse INTEGER NOT NULL DEFAULT 0 CHECK(misuse IN (0, 1));",
    /* 2 -> 3: the boot counter of each record (store_note_boot()). The meta keys boot_count,
     * boot_id and last_utc_ms are written on first use; a database that already has records
     * starts last_utc_ms at their latest time, so the wall clock cannot go back behind them. */
    "ALTER TABLE records ADD COLUMN boot INTEGER NOT NULL DEFAULT 0;"
    "INSERT INTO meta(key, value)"
    "  SELECT 'last_utc_ms', utc_ms FROM records ORDER BY utc_ms DESC LIMIT 1;",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");
_Static_assert(RECORD_KIND_COUNT == 5, "a new record kind needs a migration of the kind CHECK");
_Static_assert(SESSION_OUTCOME_COUNT == 3, "a new outcome needs a migration of the CHECK");

/* How many reference codes store_save() draws before giving up on a service request. */
#define REFCODE_TRIES 16

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

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_REF_EXISTS] = "SELECT 1 FROM records WHERE ref_code = ?1",
    [STMT_INSERT_RECORD] =
        "INSERT INTO records(uuid, kind, journey_id, kiosk_id, pack_id, pack_version, lang,"
        " answers, ref_code, created_utc, utc_ms, utc_offset_min, clock_synced, mono_ms, misuse,"
        " boot) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    [STMT_INSERT_CONTACT] = "INSERT INTO contacts(record_id, name, phone, consent, collected_utc)"
                            " VALUES(?1, ?2, ?3, 1, ?4)",
    [STMT_UPDATE_ANSWERS] = "UPDATE records SET answers = ?2 WHERE uuid = ?1",
    [STMT_COUNT_SESSION] = "INSERT INTO session_outcomes(day, journey_id, outcome, count)"
                           " VALUES(?1, ?2, ?3, 1)"
                           " ON CONFLICT(day, journey_id, outcome) DO UPDATE SET count = count + 1",
    [STMT_SESSION_COUNT] = "SELECT count FROM session_outcomes"
                           " WHERE day = ?1 AND journey_id = ?2 AND outcome = ?3",
    [STMT_RECORD_COUNT] = "SELECT count(*) FROM records",
    [STMT_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [STMT_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [STMT_RECORD_BY_REF] = "SELECT id FROM records WHERE ref_code = ?1",
    [STMT_ERASE_CONTACT] = "DELETE FROM contacts WHERE record_id = ?1",
    [STMT_CONTACT_COUNT] = "SELECT count(*) FROM contacts",
    /* Times are compared as Julian days: exported_at is written by the export code and may
     * carry a fraction or an offset; an unparsable time (NULL) erases nothing. */
    [STMT_RETAIN_CONTACTS] = "DELETE FROM contacts WHERE julianday(collected_utc) < ?2"
                             " OR record_id IN (SELECT id FROM records"
                             "                  WHERE julianday(exported_at) < ?1)",
    [STMT_RETAIN_RECORDS] = "DELETE FROM records WHERE julianday(exported_at) < ?1",
};

/* Columns of the foreach query, in order. */
enum {
    COL_KIND,
    COL_UUID,
    COL_JOURNEY,
    COL_KIOSK,
    COL_PACK,
    COL_PACK_VERSION,
    COL_LANG,
    COL_ANSWERS,
    COL_REF,
    COL_UTC_MS,
    COL_OFFSET,
    COL_SYNCED,
    COL_MONO,
    COL_NAME,
    COL_PHONE,
    COL_HAS_CONTACT,
    COL_MISUSE,
    COL_BOOT
};

static const char foreach_sql[] =
    "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"
    " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"
    " c.name, c.phone, c.record_id IS NOT NULL, r.misuse, r.boot"
    " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id ORDER BY r.id";

struct store {
    sqlite3 *db;
    char *path;
    char *marker;       /* "<path>-running" when opened by store_open_checked(), else NULL */
    int64_t boot_count; /* from store_note_boot(); 0 until it is called */
    sqlite3_stmt *stmt[STMT_COUNT];
    char errmsg[1024];
};

__attribute__((format(printf, 3, 4))) static int fail(store_t *st, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* Translates an errno left by the OS layer into a KIOSK_E* code, or 0 when it says nothing. */
/* Records a failed SQLite call as "<what> <path>: <sqlite message>" and returns its code. */
static int fail_db(store_t *st, int rc, const char *what)
{
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    return fail(st, store_sqlite_code(st->db, rc), "%s %s: %s", what, st->path, msg);
}

/* Runs SQL that returns no rows of interest. */
static int exec_sql(store_t *st, const char *sql, const char *what)
{
    const int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KIOSK_OK : fail_db(st, rc, what);
}

/* Runs a one-row pragma (or query) and copies its first column as text into out. */
static int query_text(store_t *st, const char *sql, char *out, size_t outlen, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    int err = KIOSK_OK;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
        snprintf(out, outlen, "%s", text ? (const char *)text : "");
    } else {
        err = fail_db(st, rc, what); /* before finalize, which resets the message */
    }
    sqlite3_finalize(stmt);
    return err;
}

static int query_int(store_t *st, const char *sql, int64_t *out, const char *what)
{
    char text[32];
    const int err = query_text(st, sql, text, sizeof text, what);
    if (err)
        return err;
    *out = strtoll(text, NULL, 10);
    return KIOSK_OK;
}

/* The directory part of path (".", "/" or the part before the last slash); malloc'd, NULL
 * when out of memory. */
static char *dir_of(const char *path)
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
static int classify_open_failure(store_t *st, int rc)
{
    int code = store_sqlite_code(st->db, rc);
    if ((rc & 0xff) != SQLITE_CANTOPEN || code == KIOSK_EACCES)
        return code;
    char *dir = dir_of(st->path);
    if (!dir)
        return KIOSK_ENOMEM;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        code = store_errno_code(errno) ? store_errno_code(errno) : code;
    else if (!S_ISDIR(sb.st_mode))
        code = KIOSK_ENOENT;
    else if (access(dir, W_OK | X_OK) != 0)
        code = KIOSK_EACCES;
    free(dir);
    return code;
}

/* Sets the durability pragmas and reads each one back: a build of SQLite may change defaults
 * (SQLITE_DEFAULT_WAL_SYNCHRONOUS) and a pragma that cannot apply fails silently. */
static int set_pragmas(store_t *st)
{
    char mode[32];
    int64_t value;
    int err = query_text(st, "PRAGMA journal_mode=WAL", mode, sizeof mode,
                         "cannot set WAL journal mode on");
    if (err)
        return err;
    if (strcmp(mode, "wal") != 0)
        return fail(st, KIOSK_EIO, "cannot set WAL journal mode on %s: journal_mode is '%s'",
                    st->path, mode);

    err = exec_sql(st, "PRAGMA synchronous=FULL", "cannot set synchronous=FULL on");
    if (!err)
        err = query_int(st, "PRAGMA synchronous", &value, "cannot read synchronous of");
    if (err)
        return err;
    if (value != 2)
        return fail(st, KIOSK_EIO, "cannot set synchronous=FULL on %s: synchronous is %lld",
                    st->path, (long long)value);

    err = exec_sql(st, "PRAGMA foreign_keys=ON", "cannot enable foreign keys on");
    if (!err)
        err = query_int(st, "PRAGMA foreign_keys", &value, "cannot read foreign_keys of");
    if (err)
        return err;
    if (value != 1)
        return fail(st, KIOSK_EIO, "cannot enable foreign keys on %s", st->path);

    /* Erased contact details are overwritten, not left in free pages (research note 1.7). */
    err = exec_sql(st, "PRAGMA secure_delete=ON", "cannot enable secure_delete on");
    if (!err)
        err = query_int(st, "PRAGMA secure_delete", &value, "cannot read secure_delete of");
    if (err)
        return err;
    if (value != 1)
        return fail(st, KIOSK_EIO, "cannot enable secure_delete on %s", st->path);
    return KIOSK_OK;
}

static int refuse_newer(store_t *st, int64_t version)
{
    return fail(st, KIOSK_EINVAL,
                "cannot open database %s: its schema version %lld is newer than this "
                "firmware's %d (written by a newer firmware?)",
                st->path, (long long)version, STORE_SCHEMA_VERSION);
}

static int check_not_newer(store_t *st)
{
    int64_t version;
    const int err = query_int(st, "PRAGMA user_version", &version, "cannot read schema version of");
    if (err)
        return err;
    return version > STORE_SCHEMA_VERSION ? refuse_newer(st, version) : KIOSK_OK;
}

/* Applies the missing migrations, each in its own transaction. The version is read again
 * under the write lock, so two programs opening one file do not both migrate it. */
static int migrate(store_t *st)
{
    int64_t version;
    int err = query_int(st, "PRAGMA user_version", &version, "cannot read schema version of");
    if (err)
        return err;
    if (version > STORE_SCHEMA_VERSION)
        return refuse_newer(st, version);
    if (version < 0)
        return fail(st, KIOSK_ECORRUPT, "cannot open database %s: schema version %lld", st->path,
                    (long long)version);

    while (version < STORE_SCHEMA_VERSION) {
        err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start migration of");
        if (err)
            return err;
        err = query_int(st, "PRAGMA user_version", &version, "cannot read schema version of");
        if (err)
            goto rollback;
        if (version > STORE_SCHEMA_VERSION) {
            err = refuse_newer(st, version);
            goto rollback;
        }
        if (version < STORE_SCHEMA_VERSION) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version=%lld", (long long)(version + 1));
            err = exec_sql(st, migrations[version], "cannot migrate schema of");
            if (!err)
                err = exec_sql(st, sql, "cannot set schema version of");
            if (err)
                goto rollback;
            version++;
        }
        err = exec_sql(st, "COMMIT", "cannot commit migration of");
        if (err)
            goto rollback;
    }
    return KIOSK_OK;

rollback:
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

static int prepare_statements(store_t *st)
{
    for (int i = 0; i < STMT_COUNT; i++) {
        const int rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                          &st->stmt[i], NULL);
        if (rc != SQLITE_OK)
            return fail_db(st, rc, "cannot prepare statements for");
    }
    return KIOSK_OK;
}

static int bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(stmt, idx);
    return sqlite3_bind_text64(stmt, idx, s, (sqlite3_uint64)strlen(s), SQLITE_STATIC, SQLITE_UTF8);
}

/* Runs a prepared write statement to completion; the caller resets it. */
static int step_done(store_t *st, sqlite3_stmt *stmt, int bind_rc, const char *what)
{
    const int rc = bind_rc != SQLITE_OK ? bind_rc : sqlite3_step(stmt);
    return rc == SQLITE_DONE ? KIOSK_OK : fail_db(st, rc, what);
}

/* ---- meta keys ------------------------------------------------------------------------ */

/* Reads meta key as text (truncated to outlen) or as an integer (either may be NULL);
 * *found says whether the key exists. */
static int meta_get(store_t *st, const char *key, bool *found, char *text, size_t textlen,
                    int64_t *value)
{
    sqlite3_stmt *stmt = st->stmt[STMT_META_GET];
    int rc = bind_text(stmt, 1, key);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    int err = KIOSK_OK;
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        if (value)
            *value = sqlite3_column_int64(stmt, 0);
        if (text) {
            const unsigned char *t = sqlite3_column_text(stmt, 0);
            snprintf(text, textlen, "%s", t ? (const char *)t : "");
        }
    } else if (rc != SQLITE_DONE) {
        err = fail_db(st, rc, "cannot read meta data of");
    }
    sqlite3_reset(stmt);
    return err;
}

static int meta_get_int(store_t *st, const char *key, bool *found, int64_t *value)
{
    *value = 0;
    return meta_get(st, key, found, NULL, 0, value);
}

static int meta_set(store_t *st, const char *key, const char *text, int64_t value)
{
    sqlite3_stmt *stmt = st->stmt[STMT_META_SET];
    int rc = bind_text(stmt, 1, key);
    if (rc == SQLITE_OK)
        rc = text ? bind_text(stmt, 2, text) : sqlite3_bind_int64(stmt, 2, value);
    const int err = step_done(st, stmt, rc, "cannot write meta data of");
    sqlite3_reset(stmt);
    return err;
}

static int meta_set_int(store_t *st, const char *key, int64_t value)
{
    return meta_set(st, key, NULL, value);
}

/* Which check open_store() runs before anything writes to the file. */
typedef enum { CHECK_NONE, CHECK_QUICK, CHECK_FULL } check_t;

/* Runs PRAGMA quick_check or integrity_check; anything but a single "ok" is KIOSK_ECORRUPT
 * with the first message (or SQLite's error) in problem, on one line for the log. */
static int run_check(store_t *st, check_t check, char *problem, size_t problemlen)
{
    const char *name = check == CHECK_FULL ? "integrity_check" : "quick_check";
    char sql[32];
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    sqlite3_stmt *stmt = NULL;
    int err = KIOSK_OK;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        if (!text || strcmp(text, "ok") != 0) {
            snprintf(problem, problemlen, "%s", text ? text : "(no message)");
            err = fail(st, KIOSK_ECORRUPT, "database %s failed its %s: %s", st->path, name,
                       text ? text : "(no message)");
        }
    } else {
        err = fail_db(st, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "cannot check database");
        if (err == KIOSK_ECORRUPT)
            snprintf(problem, problemlen, "%s",
                     rc == SQLITE_DONE ? "no answer" : sqlite3_errmsg(st->db));
    }
    sqlite3_finalize(stmt);
    for (char *p = problem; err && p && *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return err;
}

/* store_open() with an optional check first. A corrupt file is closed without the
 * checkpoint that closing the last connection makes, so that the file and its WAL stay as
 * they were for store_open_checked() to move aside (and for anyone to look at). */
static int open_store(const char *path, check_t check, store_t **out, char *problem,
                      size_t problemlen, char *errbuf, size_t errlen)
{
    assert(out);
    *out = NULL;
    int err;
    store_t *st = calloc(1, sizeof *st);
    if (!st) {
        err = KIOSK_ENOMEM;
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "cannot open database %s: out of memory",
                     path ? path : "(null)");
        return err;
    }
    if (!path || !*path) {
        /* SQLite would open a private temporary database for "". */
        err = fail(st, KIOSK_EINVAL, "cannot open database: no path given");
        goto free_store;
    }
    st->path = strdup(path);
    if (!st->path) {
        err = fail(st, KIOSK_ENOMEM, "cannot open database %s: out of memory", path);
        goto free_store;
    }

    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        err = classify_open_failure(st, rc);
        const char *why = err == KIOSK_ENOENT   ? " (no such file or directory)"
                          : err == KIOSK_EACCES ? " (permission denied)"
                                                : "";
        fail(st, err, "cannot open database %s: %s%s", path,
             st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc), why);
        goto close_db;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* SQLite falls back to read-only when the file is not writable; saves would fail later. */
    if (sqlite3_db_readonly(st->db, "main") == 1) {
        err =
            fail(st, KIOSK_EACCES, "cannot open database %s for writing: permission denied", path);
        goto close_db;
    }
    sqlite3_busy_timeout(st->db, 2000);

    /* The check reads only; a newer schema is refused before anything, even the journal
     * mode, is changed. */
    err = check == CHECK_NONE ? KIOSK_OK : run_check(st, check, problem, problemlen);
    if (!err)
        err = check_not_newer(st);
    if (!err)
        err = set_pragmas(st);
    if (!err)
        err = migrate(st);
    if (!err)
        err = prepare_statements(st);
    if (err)
        goto close_db;

    st->errmsg[0] = '\0';
    *out = st;
    return KIOSK_OK;

close_db:
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    if (err == KIOSK_ECORRUPT && st->db) {
        sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
        if (problem && problemlen && !problem[0]) {
            size_t n = strnlen(st->errmsg, problemlen - 1);
            memcpy(problem, st->errmsg, n);
            problem[n] = '\0';
        }
    }
    sqlite3_close(st->db); /* a handle exists even when sqlite3_open_v2() failed */
free_store:
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", st->errmsg);
    free(st->path);
    free(st);
    return err;
}

int store_open(const char *path, store_t **out, char *errbuf, size_t errlen)
{
    return open_store(path, CHECK_NONE, out, NULL, 0, errbuf, errlen);
}

/* ---- Start-up check and recovery ------------------------------------------------------ */

/* fail() for the steps without a store: writes the message to errbuf (if any), returns code. */
__attribute__((format(printf, 4, 5))) static int set_err(int code, char *errbuf, size_t errlen,
                                                         const char *fmt, ...)
{
    if (errbuf && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int errno_code(int err)
{
    const int code = store_errno_code(err);
    return code ? code : KIOSK_EIO;
}

/* Makes the directory entries of path's directory durable (a created, renamed or removed
 * file). File systems that cannot sync a directory (EINVAL) are taken as they are. */
static int fsync_dir(const char *path, char *errbuf, size_t errlen)
{
    char *dir = dir_of(path);
    if (!dir)
        return set_err(KIOSK_ENOMEM, errbuf, errlen,
                       "cannot sync the directory of %s: out of memory", path);
    int err = KIOSK_OK;
    const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL)) {
        const int e = errno;
        err = set_err(errno_code(e), errbuf, errlen, "cannot sync directory %s: %s", dir,
                      strerror(e));
    }
    if (fd >= 0)
        close(fd);
    free(dir);
    return err;
}

/* Creates the (empty) "-running" marker durably: the file, then its directory entry. */
static int create_marker(const char *marker, char *errbuf, size_t errlen)
{
    const int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        const int e = errno;
        return set_err(errno_code(e), errbuf, errlen, "cannot create %s: %s", marker, strerror(e));
    }
    if (fsync(fd) != 0) {
        const int e = errno;
        close(fd);
        return set_err(errno_code(e), errbuf, errlen, "cannot sync %s: %s", marker, strerror(e));
    }
    close(fd);
    return fsync_dir(marker, errbuf, errlen);
}

/* The files SQLite keeps next to a database, moved before the database itself: a crash in
 * between leaves a database without its WAL (the check fails again next time), never a WAL
 * without its database, which SQLite would replay into the fresh database made there. */
static const char *const sidecars[] = {"-wal", "-shm", "-journal"};
#define SIDECARS (sizeof sidecars / sizeof sidecars[0])

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0 || errno != ENOENT;
}

static bool with_suffix(char *out, size_t outlen, const char *base, const char *suffix)
{
    const int n = snprintf(out, outlen, "%s%s", base, suffix);
    return n >= 0 && (size_t)n < outlen;
}

/* Picks "<path>.corrupt-YYYYMMDDTHHMMSSZ" (then "-1", "-2"...) so that neither it nor any of
 * its sidecar names exists. */
static int pick_aside_name(const char *path, char *moved, size_t movedlen, char *errbuf,
                           size_t errlen)
{
    struct timespec now;
    struct tm tm;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &now);
    if (!gmtime_r(&now.tv_sec, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)now.tv_sec);
    for (int n = 0; n < 1000; n++) {
        const int len = n == 0 ? snprintf(moved, movedlen, "%s.corrupt-%s", path, stamp)
                               : snprintf(moved, movedlen, "%s.corrupt-%s-%d", path, stamp, n);
        if (len < 0 || (size_t)len + sizeof "-journal" > movedlen)
            return set_err(KIOSK_ETOOBIG, errbuf, errlen,
                           "cannot move database %s aside: path too long", path);
        bool taken = exists(moved);
        for (size_t i = 0; i < SIDECARS && !taken; i++) {
            char side[4096];
            taken = !with_suffix(side, sizeof side, moved, sidecars[i]) || exists(side);
        }
        if (!taken)
            return KIOSK_OK;
    }
    moved[0] = '\0';
    return set_err(KIOSK_EFULL, errbuf, errlen, "cannot move database %s aside: no free name",
                   path);
}

/* Renames path and its sidecars to moved (+ the same suffixes), all or none, and syncs the
 * directory. Nothing is ever deleted. */
static int move_aside(const char *path, const char *moved, char *errbuf, size_t errlen)
{
    char from[SIDECARS + 1][4096], to[SIDECARS + 1][4096];
    bool done[SIDECARS + 1] = {false};
    for (size_t i = 0; i <= SIDECARS; i++) {
        const char *suffix = i < SIDECARS ? sidecars[i] : "";
        if (!with_suffix(from[i], sizeof from[i], path, suffix) ||
            !with_suffix(to[i], sizeof to[i], moved, suffix))
            return set_err(KIOSK_ETOOBIG, errbuf, errlen,
                           "cannot move database %s aside: path too long", path);
    }
    int err = KIOSK_OK;
    for (size_t i = 0; i <= SIDECARS; i++) {
        if (i < SIDECARS && !exists(from[i]))
            continue;
        if (rename(from[i], to[i]) != 0) {
            const int e = errno;
            err = set_err(errno_code(e), errbuf, errlen, "cannot move %s aside to %s: %s", from[i],
                          to[i], strerror(e));
            break;
        }
        done[i] = true;
    }
    if (err) {
        for (size_t i = 0; i <= SIDECARS; i++)
            if (done[i])
                rename(to[i], from[i]);
    }
    const int sync_err = fsync_dir(path, err ? NULL : errbuf, errlen);
    return err ? err : sync_err;
}

/* Columns of table in the fresh database, to copy only the columns both schemas have. */
static bool has_column(store_t *st, const char *table, const char *column)
{
    sqlite3_stmt *stmt = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &stmt,
                           NULL) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 2, column, -1, SQLITE_STATIC) == SQLITE_OK)
        found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

/* A failed insert of a salvaged row that only loses that row (a value the fresh schema
 * refuses); anything else (disk full, I/O) stops the salvage. */
static bool row_refused(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
        return true;
    default:
        return false;
    }
}

/* After this many unreadable rowids in a row the rest of a table is given up. */
#define SALVAGE_MAX_SKIP 100000
#define SALVAGE_MAX_COLUMNS 64

/* Copies the readable rows of table from src into st (inside st's transaction). A rowid
 * table is read one row per SELECT ("the first rowid from next on"), so a bad page costs only
 * its rows: after a read error the walk moves on one rowid at a time, up to max(rowid) when
 * that can be read, and gaps between rowids (deleted records) cost nothing. A WITHOUT ROWID
 * table (session counts) is scanned until the first error. Sets *copied; returns a KIOSK_E*
 * code only for a failure of st. */
static int salvage_table(store_t *st, sqlite3 *src, const char *table, bool by_rowid,
                         int64_t *copied)
{
    *copied = 0;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s* FROM \"%s\"%s", by_rowid ? "rowid, " : "", table,
             by_rowid ? " WHERE rowid >= ?1 ORDER BY rowid LIMIT 1" : "");
    sqlite3_stmt *sel = NULL, *ins = NULL;
    int err = KIOSK_OK;
    if (sqlite3_prepare_v2(src, sql, -1, &sel, NULL) != SQLITE_OK)
        goto done; /* its schema is unreadable: nothing to salvage from this table */

    /* INSERT INTO table(<columns both have>) VALUES(?1, ...) */
    int map[SALVAGE_MAX_COLUMNS], nmap = 0;
    char ins_sql[4096], values[512] = "";
    size_t len = (size_t)snprintf(ins_sql, sizeof ins_sql, "INSERT INTO \"%s\"(", table);
    for (int i = by_rowid ? 1 : 0; i < sqlite3_column_count(sel) && nmap < SALVAGE_MAX_COLUMNS;
         i++) {
        const char *name = sqlite3_column_name(sel, i);
        if (!name || strchr(name, '"') || !has_column(st, table, name))
            continue;
        len += (size_t)snprintf(ins_sql + len, sizeof ins_sql - len, "%s\"%s\"", nmap ? ", " : "",
                                name);
        const size_t vlen = strlen(values);
        snprintf(values + vlen, sizeof values - vlen, "%s?%d", nmap ? ", " : "", nmap + 1);
        map[nmap++] = i;
        if (len >= sizeof ins_sql)
            goto done;
    }
    if (nmap == 0 || (size_t)snprintf(ins_sql + len, sizeof ins_sql - len, ") VALUES(%s)",
                                      values) >= sizeof ins_sql - len)
        goto done;
    int rc = sqlite3_prepare_v2(st->db, ins_sql, -1, &ins, NULL);
    if (rc != SQLITE_OK) {
        err = fail_db(st, rc, "cannot prepare the salvage into");
        goto done;
    }

    int64_t hi = INT64_MAX;
    if (by_rowid) {
        sqlite3_stmt *max = NULL;
        char max_sql[128];
        snprintf(max_sql, sizeof max_sql, "SELECT max(rowid) FROM \"%s\"", table);
        if (sqlite3_prepare_v2(src, max_sql, -1, &max, NULL) == SQLITE_OK &&
            sqlite3_step(max) == SQLITE_ROW && sqlite3_column_type(max, 0) == SQLITE_INTEGER)
            hi = sqlite3_column_int64(max, 0);
        sqlite3_finalize(max);
    }

    int64_t next = 1; /* the store's rowids start at 1 */
    int skipped = 0;
    for (;;) {
        if (by_rowid)
            sqlite3_bind_int64(sel, 1, next);
        rc = sqlite3_step(sel);
        if (rc == SQLITE_ROW && by_rowid && sqlite3_column_int64(sel, 0) < next)
            rc = SQLITE_CORRUPT; /* a b-tree out of order: do not loop */
        if (rc == SQLITE_ROW) {
            const int64_t id = sqlite3_column_int64(sel, 0);
            skipped = 0;
            rc = SQLITE_OK;
            for (int j = 0; j < nmap && rc == SQLITE_OK; j++)
                rc = sqlite3_bind_value(ins, j + 1, sqlite3_column_value(sel, map[j]));
            if (rc == SQLITE_OK)
                rc = sqlite3_step(ins);
            if (rc == SQLITE_DONE)
                (*copied)++;
            else if (!row_refused(rc))
                err = fail_db(st, rc, "cannot store salvaged rows in");
            sqlite3_reset(ins);
            if (err || (by_rowid && id == INT64_MAX))
                break;
            if (by_rowid) {
                sqlite3_reset(sel);
                next = id + 1;
            }
            continue;
        }
        sqlite3_reset(sel);
        if (rc == SQLITE_DONE || !by_rowid)
            break;
        /* An unreadable page: give up rowid next, and seek again from the one after. */
        if (next >= hi || ++skipped > SALVAGE_MAX_SKIP)
            break;
        next++;
    }

done:
    sqlite3_finalize(ins);
    sqlite3_finalize(sel);
    return err;
}

/* Copies what can be read from the database at from (opened read-only; its WAL, moved with
 * it, is read too) into the fresh store st, in one transaction. */
static int salvage(store_t *st, const char *from, int64_t *records, int64_t *contacts)
{
    *records = *contacts = 0;
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        const int err = fail(st, KIOSK_EIO, "cannot open %s to salvage it: %s", from,
                             src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
        sqlite3_close(src);
        return err;
    }
    sqlite3_db_config(src, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
    sqlite3_busy_timeout(src, 2000);
    sqlite3_exec(src, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);

    int64_t n_records = 0, n_contacts = 0, n_other = 0, last_ms = 0;
    bool have_last = false;
    int err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start the salvage into");
    if (err)
        goto close_src;
    err = salvage_table(st, src, "records", true, &n_records);
    if (!err)
        err = salvage_table(st, src, "contacts", true, &n_contacts);
    if (!err)
        err = salvage_table(st, src, "session_outcomes", false, &n_other);
    if (!err)
        err = salvage_table(st, src, "meta", true, &n_other); /* keeps the fresh creation time */
    /* The clock guard covers every salvaged record even when its meta row was lost. */
    if (!err)
        err = meta_get_int(st, "last_utc_ms", &have_last, &last_ms);
    if (!err) {
        int64_t newest = 0;
        err = query_int(st, "SELECT coalesce(max(utc_ms), 0) FROM records", &newest,
                        "cannot read the salvaged records of");
        if (!err && n_records > 0 && (!have_last || newest > last_ms))
            err = meta_set_int(st, "last_utc_ms", newest);
    }
    if (!err)
        err = exec_sql(st, "COMMIT", "cannot commit the salvage into");
    if (err) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    } else {
        *records = n_records;
        *contacts = n_contacts;
    }
close_src:
    sqlite3_close(src);
    return err;
}

int store_open_checked(const char *path, store_t **out, store_recovery_t *rec, char *errbuf,
                       size_t errlen)
{
    assert(out);
    *out = NULL;
    store_recovery_t scratch;
    if (!rec)
        rec = &scratch;
    memset(rec, 0, sizeof *rec);
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!path || !*path)
        return store_open(path, out, errbuf, errlen); /* its refusal and message */

    char *marker = malloc(strlen(path) + sizeof "-running");
    if (!marker)
        return set_err(KIOSK_ENOMEM, errbuf, errlen, "cannot open database %s: out of memory",
                       path);
    strcpy(marker, path);
    strcat(marker, "-running");
    rec->unclean = exists(marker);
    rec->checked_full = rec->unclean;

    store_t *st = NULL;
    int err = open_store(path, rec->unclean ? CHECK_FULL : CHECK_QUICK, &st, rec->problem,
                         sizeof rec->problem, errbuf, errlen);
    if (err && err != KIOSK_ECORRUPT)
        goto free_marker; /* not the file's fault: leave everything as it is */
    /* From here on a crash, even during the recovery, makes the next start a full check. */
    const int marker_err = create_marker(marker, errbuf, errlen);
    if (marker_err) {
        store_close(st);
        err = marker_err;
        goto free_marker;
    }
    if (err == KIOSK_ECORRUPT) {
        err = pick_aside_name(path, rec->moved_to, sizeof rec->moved_to, errbuf, errlen);
        if (!err)
            err = move_aside(path, rec->moved_to, errbuf, errlen);
        if (err) {
            rec->moved_to[0] = '\0';
            goto free_marker;
        }
        rec->moved_aside = true;
        err = open_store(path, CHECK_NONE, &st, NULL, 0, errbuf, errlen);
        if (err)
            goto free_marker;
        if (errbuf && errlen)
            errbuf[0] = '\0';
        const int salvage_err =
            salvage(st, rec->moved_to, &rec->salvaged_records, &rec->salvaged_contacts);
        set_err(salvage_err, errbuf, errlen, "%s", salvage_err ? st->errmsg : "");
        st->errmsg[0] = '\0';
    }
    st->marker = marker;
    *out = st;
    return KIOSK_OK;

free_marker:
    free(marker);
    return err;
}

void store_close(store_t *st)
{
    if (!st)
        return;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    /* The last connection to close checkpoints the WAL into the database and removes it. */
    const int rc = sqlite3_close(st->db);
    if (st->marker && rc == SQLITE_OK && unlink(st->marker) == 0)
        fsync_dir(st->marker, NULL, 0);
    free(st->marker);
    free(st->path);
    free(st);
}

const char *store_library_version(void)
{
    return sqlite3_libversion();
}

const char *store_errmsg(const store_t *st)
{
    if (!st)
        return "no store";
    return st->errmsg[0] ? st->errmsg : "no error";
}

/* Fills buf from the kernel's CSPRNG, retrying after signals and short reads. */
static int fill_random(store_t *st, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        const ssize_t n = getrandom(buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(st, KIOSK_EIO, "cannot draw random bytes for %s: %s", st->path,
                        strerror(errno));
        }
        got += (size_t)n;
    }
    return KIOSK_OK;
}

static bool given(const char *s)
{
    return s && *s;
}

/* True when a fixed-size text field of a record is NUL-terminated within its array. */
static bool terminated(const char *s, size_t cap)
{
    return strnlen(s, cap) < cap;
}

/* Draws a reference code no stored record uses; runs inside the save transaction. */
static int draw_ref_code(store_t *st, char ref[RECORD_REF_LEN + 1])
{
    sqlite3_stmt *stmt = st->stmt[STMT_REF_EXISTS];
    for (int attempt = 0; attempt < REFCODE_TRIES; attempt++) {
        uint8_t bytes[RECORD_REF_LEN];
        int err = fill_random(st, bytes, sizeof bytes);
        if (err)
            return err;
        refcode_format(bytes, ref);
        int rc = bind_text(stmt, 1, ref);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(stmt);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            err = fail_db(st, rc, "cannot look up reference codes in");
        sqlite3_reset(stmt);
        if (err)
            return err;
        if (rc == SQLITE_DONE)
            return KIOSK_OK;
    }
    return fail(st, KIOSK_EFULL, "cannot save record in %s: no free reference code after %d tries",
                st->path, REFCODE_TRIES);
}

static int insert_record(store_t *st, const record_t *rec, const record_time_t *time,
                         const char *uuid, const char *ref, const char *created)
{
    sqlite3_stmt *stmt = st->stmt[STMT_INSERT_RECORD];
    int rc = bind_text(stmt, 1, uuid);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 2, record_kind_name(rec->kind));
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 3, rec->journey_id);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 4, rec->kiosk_id);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 5, rec->pack_id);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 6, rec->pack_version);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 7, rec->lang);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 8, rec->answers_json);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 9, given(ref) ? ref : NULL);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 10, created);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 11, time->utc_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 12, time->offset_min);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 13, time->clock_synced ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 14, time->mono_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 15, rec->misuse ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 16, time->boot);
    return step_done(st, stmt, rc, "cannot save record in");
}

static int insert_contact(store_t *st, const record_t *rec, sqlite3_int64 record_id,
                          const char *collected)
{
    sqlite3_stmt *stmt = st->stmt[STMT_INSERT_CONTACT];
    int rc = sqlite3_bind_int64(stmt, 1, record_id);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 2, given(rec->contact_name) ? rec->contact_name : NULL);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 3, given(rec->contact_phone) ? rec->contact_phone : NULL);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 4, collected);
    return step_done(st, stmt, rc, "cannot save contact details in");
}

/* The uuid, reference code and time are prepared in locals and copied to rec only after
 * COMMIT, so a failed save leaves rec as the caller passed it. A service request always gets
 * a fresh reference code; other kinds store none. consent without a name or phone stores no
 * contact row (and so reads back as false). The wall-clock guard reads and writes meta
 * last_utc_ms inside the save's transaction, so two stores on one file keep it too. */
int store_save(store_t *st, record_t *rec)
{
    assert(st && rec);
    int err;
    char uuid[RECORD_UUID_LEN + 1];
    char ref[RECORD_REF_LEN + 1] = "";
    char created[ISO8601_LEN];
    const bool has_contact = given(rec->contact_name) || given(rec->contact_phone);

    if (!rec->answers_json)
        return fail(st, KIOSK_EINVAL, "cannot save record in %s: no answers", st->path);
    if (has_contact && !rec->consent)
        return fail(st, KIOSK_EINVAL,
                    "cannot save record in %s: contact details given without consent", st->path);
    if (!terminated(rec->uuid, sizeof rec->uuid) ||
        !terminated(rec->journey_id, sizeof rec->journey_id) ||
        !terminated(rec->kiosk_id, sizeof rec->kiosk_id) ||
        !terminated(rec->pack_id, sizeof rec->pack_id) ||
        !terminated(rec->pack_version, sizeof rec->pack_version) ||
        !terminated(rec->lang, sizeof rec->lang))
        return fail(st, KIOSK_EINVAL, "cannot save record in %s: unterminated text field",
                    st->path);

    if (rec->uuid[0]) {
        memcpy(uuid, rec->uuid, sizeof uuid);
    } else {
        uint8_t bytes[16];
        err = fill_random(st, bytes, sizeof bytes);
        if (err)
            return err;
        uuid_format(bytes, uuid);
    }
    record_time_t time = rec->time;
    time.boot = st->boot_count;

    err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start saving a record in");
    if (err)
        return err;
    bool have_last;
    int64_t last_ms;
    err = meta_get_int(st, "last_utc_ms", &have_last, &last_ms);
    if (err)
        goto rollback;
    if (have_last && time.utc_ms < last_ms && !time.clock_synced) {
        /* The clock went backwards (no RTC, no NTP yet): never store an earlier time. A
         * synchronised clock is trusted: it corrects an earlier wrong one. */
        time.utc_ms = last_ms;
    }
    iso8601_format(time.utc_ms, 0, created);
    if (rec->kind == RECORD_SERVICE_REQUEST) {
        err = draw_ref_code(st, ref);
        if (err)
            goto rollback;
    }
    err = insert_record(st, rec, &time, uuid, ref, created);
    sqlite3_reset(st->stmt[STMT_INSERT_RECORD]);
    if (err)
        goto rollback;
    if (has_contact) {
        err = insert_contact(st, rec, sqlite3_last_insert_rowid(st->db), created);
        sqlite3_reset(st->stmt[STMT_INSERT_CONTACT]);
        if (err)
            goto rollback;
    }
    err =
        meta_set_int(st, "last_utc_ms", have_last && last_ms > time.utc_ms ? last_ms : time.utc_ms);
    if (err)
        goto rollback;
    err = exec_sql(st, "COMMIT", "cannot commit record to");
    if (err)
        goto rollback;

    memcpy(rec->uuid, uuid, sizeof rec->uuid);
    if (rec->kind == RECORD_SERVICE_REQUEST)
        memcpy(rec->ref_code, ref, sizeof rec->ref_code);
    rec->time = time;
    return KIOSK_OK;

rollback:
    /* A failed COMMIT may already have rolled back; ROLLBACK keeps st->errmsg as it is. */
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

int store_update_answers(store_t *st, const char *uuid, const char *answers_json)
{
    assert(st);
    if (!uuid || !answers_json)
        return fail(st, KIOSK_EINVAL, "cannot update answers in %s: no uuid or answers", st->path);
    sqlite3_stmt *stmt = st->stmt[STMT_UPDATE_ANSWERS];
    int rc = bind_text(stmt, 1, uuid);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 2, answers_json);
    /* One statement outside BEGIN is one transaction of its own. */
    int err = step_done(st, stmt, rc, "cannot update answers in");
    sqlite3_reset(stmt);
    if (!err && sqlite3_changes(st->db) == 0)
        err = fail(st, KIOSK_ENOENT, "cannot update answers in %s: no record %s", st->path, uuid);
    return err;
}

/* A UTC day as "YYYY-MM-DD"; the shape only, so that counts group cleanly. */
static bool is_day(const char *day)
{
    if (!day || strlen(day) != 10)
        return false;
    for (int i = 0; i < 10; i++) {
        const bool dash = i == 4 || i == 7;
        if (dash ? day[i] != '-' : (day[i] < '0' || day[i] > '9'))
            return false;
    }
    return true;
}

int store_count_session(store_t *st, const char *day, const char *journey_id,
                        session_outcome_t outcome)
{
    assert(st);
    if (!is_day(day) || !journey_id || (unsigned)outcome >= SESSION_OUTCOME_COUNT)
        return fail(st, KIOSK_EINVAL, "cannot count session in %s: bad day, journey or outcome",
                    st->path);
    sqlite3_stmt *stmt = st->stmt[STMT_COUNT_SESSION];
    int rc = bind_text(stmt, 1, day);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 2, journey_id);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 3, session_outcome_name(outcome));
    const int err = step_done(st, stmt, rc, "cannot count session in");
    sqlite3_reset(stmt);
    return err;
}

/* Returns the single integer of a prepared one-row query, 0 when there is no row, or a
 * negative KIOSK_E* code. */
static int64_t step_count(store_t *st, sqlite3_stmt *stmt, int bind_rc, const char *what)
{
    const int rc = bind_rc != SQLITE_OK ? bind_rc : sqlite3_step(stmt);
    int64_t n;
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    else if (rc == SQLITE_DONE)
        n = 0;
    else
        n = fail_db(st, rc, what);
    sqlite3_reset(stmt);
    return n;
}

/* Returns the count, 0 when none, or a negative KIOSK_E* code on failure. */
int64_t store_session_count(store_t *st, const char *day, const char *journey_id,
                            session_outcome_t outcome)
{
    assert(st);
    if (!day || !journey_id || (unsigned)outcome >= SESSION_OUTCOME_COUNT)
        return fail(st, KIOSK_EINVAL, "cannot read session count in %s: bad arguments", st->path);
    sqlite3_stmt *stmt = st->stmt[STMT_SESSION_COUNT];
    int rc = bind_text(stmt, 1, day);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 2, journey_id);
    if (rc == SQLITE_OK)
        rc = bind_text(stmt, 3, session_outcome_name(outcome));
    return step_count(st, stmt, rc, "cannot read session count in");
}

/* Returns the number of records, or a negative KIOSK_E* code on failure. */
int64_t store_record_count(store_t *st)
{
    assert(st);
    return step_count(st, st->stmt[STMT_RECORD_COUNT], SQLITE_OK, "cannot count records in");
}

/* ---- Clock without RTC ------------------------------------------------------------------ */

#define BOOT_ID_MAX 128

int store_note_boot(store_t *st, const char *boot_id, int64_t *boot_count)
{
    assert(st);
    size_t len = boot_id ? strnlen(boot_id, BOOT_ID_MAX + 2) : 0;
    while (len > 0 && (boot_id[len - 1] == '\n' || boot_id[len - 1] == '\r' ||
                       boot_id[len - 1] == ' ' || boot_id[len - 1] == '\t'))
        len--;
    if (len == 0 || len > BOOT_ID_MAX)
        return fail(st, KIOSK_EINVAL, "cannot count boots in %s: boot id empty or too long",
                    st->path);
    char id[BOOT_ID_MAX + 1], stored[BOOT_ID_MAX + 2];
    memcpy(id, boot_id, len);
    id[len] = '\0';

    int err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start counting boots in");
    if (err)
        return err;
    bool have_id, have_count;
    int64_t count = 0;
    err = meta_get(st, "boot_id", &have_id, stored, sizeof stored, NULL);
    if (!err)
        err = meta_get_int(st, "boot_count", &have_count, &count);
    if (!err && (!have_id || strcmp(stored, id) != 0)) {
        count = (have_count && count > 0 ? count : 0) + 1;
        err = meta_set_int(st, "boot_count", count);
        if (!err)
            err = meta_set(st, "boot_id", id, 0);
    }
    if (!err)
        err = exec_sql(st, "COMMIT", "cannot commit the boot count to");
    if (err) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return err;
    }
    st->boot_count = count;
    if (boot_count)
        *boot_count = count;
    return KIOSK_OK;
}

int store_last_utc_ms(store_t *st, int64_t *ms)
{
    assert(st && ms);
    bool found;
    return meta_get_int(st, "last_utc_ms", &found, ms);
}

/* ---- Retention and erasure ------------------------------------------------------------ */

/* Erasing relies on secure_delete (set and checked at open): checked again, and set again if
 * something turned it off, before any personal data is deleted. */
static int ensure_secure_delete(store_t *st)
{
    int64_t value;
    int err = query_int(st, "PRAGMA secure_delete", &value, "cannot read secure_delete of");
    if (!err && value != 1) {
        err = exec_sql(st, "PRAGMA secure_delete=ON", "cannot enable secure_delete on");
        if (!err)
            err = query_int(st, "PRAGMA secure_delete", &value, "cannot read secure_delete of");
        if (!err && value != 1)
            err = fail(st, KIOSK_EIO, "cannot erase in %s: secure_delete is off", st->path);
    }
    return err;
}

/* Copies every frame of the WAL into the database and truncates the -wal file to zero bytes,
 * so that old images of erased pages are gone from it. Waits (busy timeout) for readers. */
static int checkpoint_truncate(store_t *st, const char *what)
{
    int log = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_OK)
        return KIOSK_OK;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return fail(st, KIOSK_EBUSY,
                    "%s %s, but another connection kept the WAL from being truncated: old copies "
                    "stay in %s-wal until the next checkpoint",
                    what, st->path, st->path);
    return fail_db(st, rc, "cannot checkpoint the WAL after erasing in");
}

#define MS_PER_DAY 86400000.0
#define UNIX_EPOCH_JD 2440587.5

/* The Julian day of days before now_utc_ms, the form julianday() compares. */
static double cutoff_jd(int64_t now_utc_ms, int days)
{
    return UNIX_EPOCH_JD + ((double)now_utc_ms - (double)days * MS_PER_DAY) / MS_PER_DAY;
}

int store_apply_retention(store_t *st, int64_t now_utc_ms, const store_retention_t *r,
                          int64_t *contacts_erased, int64_t *records_deleted)
{
    assert(st);
    const store_retention_t defaults = STORE_RETENTION_DEFAULTS;
    if (!r)
        r = &defaults;
    if (contacts_erased)
        *contacts_erased = 0;
    if (records_deleted)
        *records_deleted = 0;
    if (r->contact_after_export_days < 0 || r->contact_max_days < 0 ||
        r->answers_after_export_days < 0)
        return fail(st, KIOSK_EINVAL, "cannot apply retention to %s: negative period", st->path);

    int err = ensure_secure_delete(st);
    if (err)
        return err;
    err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start applying retention to");
    if (err)
        return err;
    int64_t before =
        step_count(st, st->stmt[STMT_CONTACT_COUNT], SQLITE_OK, "cannot count contacts in");
    int64_t after = 0, deleted = 0;
    if (before < 0) {
        err = (int)before;
        goto rollback;
    }
    sqlite3_stmt *stmt = st->stmt[STMT_RETAIN_CONTACTS];
    int rc = sqlite3_bind_double(stmt, 1, cutoff_jd(now_utc_ms, r->contact_after_export_days));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(stmt, 2, cutoff_jd(now_utc_ms, r->contact_max_days));
    err = step_done(st, stmt, rc, "cannot erase contacts in");
    sqlite3_reset(stmt);
    if (err)
        goto rollback;
    stmt = st->stmt[STMT_RETAIN_RECORDS];
    rc = sqlite3_bind_double(stmt, 1, cutoff_jd(now_utc_ms, r->answers_after_export_days));
    err = step_done(st, stmt, rc, "cannot delete exported records in");
    sqlite3_reset(stmt);
    if (err)
        goto rollback;
    deleted = sqlite3_changes64(st->db);
    after = step_count(st, st->stmt[STMT_CONTACT_COUNT], SQLITE_OK, "cannot count contacts in");
    if (after < 0) {
        err = (int)after;
        goto rollback;
    }
    err = exec_sql(st, "COMMIT", "cannot commit retention to");
    if (err)
        goto rollback;
    if (contacts_erased)
        *contacts_erased = before - after;
    if (records_deleted)
        *records_deleted = deleted;
    return checkpoint_truncate(st, "applied retention to");

rollback:
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

int store_erase_contact(store_t *st, const char *ref_code)
{
    assert(st);
    char ref[RECORD_REF_LEN + 1];
    if (!ref_code || strnlen(ref_code, RECORD_REF_LEN + 1) != RECORD_REF_LEN)
        return fail(st, KIOSK_EINVAL,
                    "cannot erase a contact in %s: a reference code has %d letters", st->path,
                    RECORD_REF_LEN);
    for (int i = 0; i <= RECORD_REF_LEN; i++)
        ref[i] = ref_code[i] >= 'a' && ref_code[i] <= 'z' ? (char)(ref_code[i] - 'a' + 'A')
                                                          : ref_code[i];

    int err = ensure_secure_delete(st);
    if (err)
        return err;
    err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start erasing a contact in");
    if (err)
        return err;
    sqlite3_stmt *stmt = st->stmt[STMT_RECORD_BY_REF];
    int rc = bind_text(stmt, 1, ref);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    const sqlite3_int64 id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    if (rc == SQLITE_DONE)
        err = fail(st, KIOSK_ENOENT, "cannot erase a contact in %s: no reference code %s", st->path,
                   ref);
    else if (rc != SQLITE_ROW)
        err = fail_db(st, rc, "cannot look up a reference code in");
    sqlite3_reset(stmt);
    if (err)
        goto rollback;
    stmt = st->stmt[STMT_ERASE_CONTACT];
    err = step_done(st, stmt, sqlite3_bind_int64(stmt, 1, id), "cannot erase a contact in");
    sqlite3_reset(stmt);
    if (!err && sqlite3_changes64(st->db) == 0)
        err = fail(st, KIOSK_ENOENT, "cannot erase a contact in %s: %s has no contact details",
                   st->path, ref);
    if (err)
        goto rollback;
    err = exec_sql(st, "COMMIT", "cannot commit the erasure to");
    if (err)
        goto rollback;
    return checkpoint_truncate(st, "erased the contact of a request in");

rollback:
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

/* Copies a text column into a fixed field; false when it does not fit. */
static bool copy_column(char *dst, size_t cap, sqlite3_stmt *stmt, int col)
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

/* Fills rec from the current row. answers_json, contact_name and contact_phone point into
 * SQLite's row memory, valid until the next step: rec must not be passed to record_clear(). */
static bool row_to_record(sqlite3_stmt *stmt, record_t *rec)
{
    memset(rec, 0, sizeof *rec);
    const int kind = record_kind_from_name((const char *)sqlite3_column_text(stmt, COL_KIND));
    if (kind < 0)
        return false;
    rec->kind = (record_kind_t)kind;
    if (!copy_column(rec->uuid, sizeof rec->uuid, stmt, COL_UUID) ||
        !copy_column(rec->journey_id, sizeof rec->journey_id, stmt, COL_JOURNEY) ||
        !copy_column(rec->kiosk_id, sizeof rec->kiosk_id, stmt, COL_KIOSK) ||
        !copy_column(rec->pack_id, sizeof rec->pack_id, stmt, COL_PACK) ||
        !copy_column(rec->pack_version, sizeof rec->pack_version, stmt, COL_PACK_VERSION) ||
        !copy_column(rec->lang, sizeof rec->lang, stmt, COL_LANG) ||
        !copy_column(rec->ref_code, sizeof rec->ref_code, stmt, COL_REF))
        return false;
    rec->time.utc_ms = sqlite3_column_int64(stmt, COL_UTC_MS);
    rec->time.offset_min = sqlite3_column_int(stmt, COL_OFFSET);
    rec->time.clock_synced = sqlite3_column_int(stmt, COL_SYNCED) != 0;
    rec->time.mono_ms = sqlite3_column_int64(stmt, COL_MONO);
    rec->misuse = sqlite3_column_int(stmt, COL_MISUSE) != 0;
    rec->time.boot = sqlite3_column_int64(stmt, COL_BOOT);
    /* Fetch all text pointers after the copies: no later column access converts them. */
    rec->answers_json = (char *)sqlite3_column_text(stmt, COL_ANSWERS);
    rec->contact_name = (char *)sqlite3_column_text(stmt, COL_NAME);
    rec->contact_phone = (char *)sqlite3_column_text(stmt, COL_PHONE);
    rec->consent = sqlite3_column_int(stmt, COL_HAS_CONTACT) != 0;
    return rec->answers_json != NULL;
}

/* The statement is prepared per call, so a callback may use the store, even another
 * store_foreach_record(). The record_t handed to cb borrows SQLite's memory (see
 * row_to_record()); cb must copy what it keeps. */
/* Runs sql (the foreach columns, with optional ?1 = max id) and calls cb per row. */
static int foreach_sql_run(store_t *st, const char *sql, int64_t max_id,
                           int (*cb)(const record_t *rec, void *user_data), void *user_data)
{
    sqlite3_stmt *stmt = NULL;
    int ret = KIOSK_OK;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return fail_db(st, rc, "cannot read records from");
    if (sqlite3_bind_parameter_count(stmt) > 0)
        sqlite3_bind_int64(stmt, 1, max_id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        record_t rec;
        if (!row_to_record(stmt, &rec)) {
            ret = fail(st, KIOSK_ECORRUPT,
                       "cannot read records from %s: a stored record does not fit a record",
                       st->path);
            goto finalize;
        }
        ret = cb(&rec, user_data);
        if (ret != 0)
            goto finalize;
    }
    if (rc != SQLITE_DONE)
        ret = fail_db(st, rc, "cannot read records from");

finalize:
    sqlite3_finalize(stmt);
    return ret;
}

int store_foreach_record(store_t *st, int (*cb)(const record_t *rec, void *user_data),
                         void *user_data)
{
    assert(st && cb);
    return foreach_sql_run(st, foreach_sql, 0, cb, user_data);
}

/* ---- export ---- */

int store_export_begin(store_t *st, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    assert(st);
    int err = query_int(st, "SELECT coalesce(max(id), 0) FROM records", max_id,
                        "cannot read records from");
    if (!err)
        err = query_int(st,
                        all ? "SELECT count(*) FROM records"
                            : "SELECT count(*) FROM records WHERE exported_at IS NULL",
                        count, "cannot count records in");
    bool found = false;
    int64_t last = 0;
    if (!err)
        err = meta_get_int(st, "export_seq", &found, &last);
    if (!err)
        *seq = (found ? last : 0) + 1;
    return err;
}

int store_foreach_export(store_t *st, bool all, int64_t max_id,
                         int (*cb)(const record_t *rec, void *user_data), void *user_data)
{
    assert(st && cb);
    static const char new_sql[] =
        "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"
        " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"
        " c.name, c.phone, c.record_id IS NOT NULL, r.misuse, r.boot"
        " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id"
        " WHERE r.id <= ?1 AND r.exported_at IS NULL ORDER BY r.id";
    static const char all_sql[] =
        "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"
        " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"
        " c.name, c.phone, c.record_id IS NOT NULL, r.misuse, r.boot"
        " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id"
        " WHERE r.id <= ?1 ORDER BY r.id";
    return foreach_sql_run(st, all ? all_sql : new_sql, max_id, cb, user_data);
}

int store_mark_exported(store_t *st, int64_t max_id, int64_t seq, int64_t now_utc_ms,
                        int64_t *marked)
{
    assert(st);
    char when[ISO8601_LEN];
    iso8601_format(now_utc_ms, 0, when);
    int err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start marking exported records in");
    if (err)
        return err;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "UPDATE records SET exported_at = ?1"
                                " WHERE id <= ?2 AND exported_at IS NULL",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 1, when, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 2, max_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK) {
        err = fail_db(st, rc, "cannot mark exported records in");
        goto rollback;
    }
    if (marked)
        *marked = sqlite3_changes64(st->db);
    err = meta_set_int(st, "export_seq", seq);
    if (err)
        goto rollback;
    err = exec_sql(st, "COMMIT", "cannot commit exported marks to");
    if (err)
        goto rollback;
    return KIOSK_OK;
rollback:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

int store_staff_stats(store_t *st, int64_t day_start_ms, int64_t week_start_ms, staff_stats_t *out)
{
    assert(st && out);
    char week_day[ISO8601_LEN];
    iso8601_format(week_start_ms, 0, week_day);
    week_day[10] = '\0';
    char sql[6][256];
    snprintf(sql[0], sizeof sql[0], "SELECT count(*) FROM records WHERE utc_ms >= %lld",
             (long long)day_start_ms);
    snprintf(sql[1], sizeof sql[1], "SELECT count(*) FROM records WHERE utc_ms >= %lld",
             (long long)week_start_ms);
    snprintf(sql[2], sizeof sql[2], "SELECT count(*) FROM records WHERE exported_at IS NULL");
    snprintf(sql[3], sizeof sql[3],
             "SELECT count(*) FROM records WHERE kind = 'service_request'"
             " AND exported_at IS NULL");
    snprintf(sql[4], sizeof sql[4],
             "SELECT count(*) FROM records WHERE misuse = 1 AND utc_ms >= %lld",
             (long long)week_start_ms);
    snprintf(sql[5], sizeof sql[5],
             "SELECT coalesce(sum(count), 0) FROM session_outcomes"
             " WHERE outcome = 'timed_out' AND day >= '%s'",
             week_day);
    int64_t *dst[6] = {&out->records_today,    &out->records_week,   &out->not_exported,
                       &out->requests_waiting, &out->misuse_flagged, &out->timed_out_week};
    for (int i = 0; i < 6; i++) {
        int err = query_int(st, sql[i], dst[i], "cannot count records in");
        if (err)
            return err;
    }
    char last[64];
    int err = query_text(st,
                         "SELECT coalesce(CAST((julianday(max(exported_at)) - 2440587.5)"
                         " * 86400000 AS INTEGER), 0) FROM records",
                         last, sizeof last, "cannot read the last export from");
    if (err)
        return err;
    out->last_export_ms = strtoll(last, NULL, 10);
    bool found = false;
    err = meta_get(st, "last_export_stick", &found, out->last_export_stick,
                   sizeof out->last_export_stick, NULL);
    if (err)
        return err;
    if (!found)
        out->last_export_stick[0] = '\0';
    return KIOSK_OK;
}

int store_set_last_export_stick(store_t *st, const char *where)
{
    assert(st && where);
    return meta_set(st, "last_export_stick", where, 0);
}
