/* The record store on SQLite: schema and migrations, durable saves, and the read-back API. */
#include "store/store.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"

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
    STMT_COUNT
};

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_REF_EXISTS] = "SELECT 1 FROM records WHERE ref_code = ?1",
    [STMT_INSERT_RECORD] =
        "INSERT INTO records(uuid, kind, journey_id, kiosk_id, pack_id, pack_version, lang,"
        " answers, ref_code, created_utc, utc_ms, utc_offset_min, clock_synced, mono_ms, misuse)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [STMT_INSERT_CONTACT] = "INSERT INTO contacts(record_id, name, phone, consent, collected_utc)"
                            " VALUES(?1, ?2, ?3, 1, ?4)",
    [STMT_UPDATE_ANSWERS] = "UPDATE records SET answers = ?2 WHERE uuid = ?1",
    [STMT_COUNT_SESSION] = "INSERT INTO session_outcomes(day, journey_id, outcome, count)"
                           " VALUES(?1, ?2, ?3, 1)"
                           " ON CONFLICT(day, journey_id, outcome) DO UPDATE SET count = count + 1",
    [STMT_SESSION_COUNT] = "SELECT count FROM session_outcomes"
                           " WHERE day = ?1 AND journey_id = ?2 AND outcome = ?3",
    [STMT_RECORD_COUNT] = "SELECT count(*) FROM records",
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
    COL_MISUSE
};

static const char foreach_sql[] =
    "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"
    " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"
    " c.name, c.phone, c.record_id IS NOT NULL, r.misuse"
    " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id ORDER BY r.id";

struct store {
    sqlite3 *db;
    char *path;
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
static int map_errno(int err)
{
    switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
        return KIOSK_EACCES;
    case ENOSPC:
    case EDQUOT:
        return KIOSK_EFULL;
    case ENOENT:
    case ENOTDIR:
        return KIOSK_ENOENT;
    case ENOMEM:
        return KIOSK_ENOMEM;
    case EIO:
        return KIOSK_EIO;
    default:
        return 0;
    }
}

/* Translates an (extended) SQLite result code once, for every function of this file. */
static int map_sqlite(sqlite3 *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return KIOSK_OK;
    case SQLITE_FULL:
        return KIOSK_EFULL;
    case SQLITE_IOERR: {
        if (rc == SQLITE_IOERR_NOMEM)
            return KIOSK_ENOMEM;
        const int mapped = db ? map_errno(sqlite3_system_errno(db)) : 0;
        return mapped == KIOSK_EFULL || mapped == KIOSK_EACCES ? mapped : KIOSK_EIO;
    }
    case SQLITE_CANTOPEN: {
        const int mapped = db ? map_errno(sqlite3_system_errno(db)) : 0;
        return mapped ? mapped : KIOSK_EIO;
    }
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return KIOSK_EACCES;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return KIOSK_ECORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return KIOSK_EBUSY;
    case SQLITE_NOMEM:
        return KIOSK_ENOMEM;
    case SQLITE_TOOBIG:
        return KIOSK_ETOOBIG;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return KIOSK_EINVAL;
    default:
        return KIOSK_EIO;
    }
}

/* Records a failed SQLite call as "<what> <path>: <sqlite message>" and returns its code. */
static int fail_db(store_t *st, int rc, const char *what)
{
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    return fail(st, map_sqlite(st->db, rc), "%s %s: %s", what, st->path, msg);
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

/* Refines a failed open: SQLite retries a read-write open read-only, so in a directory we may
 * not write to, the errno it keeps is the retry's ENOENT, not the EACCES that mattered. */
static int classify_open_failure(store_t *st, int rc)
{
    int code = map_sqlite(st->db, rc);
    if ((rc & 0xff) != SQLITE_CANTOPEN || code == KIOSK_EACCES)
        return code;
    char *dir = strdup(st->path);
    if (!dir)
        return KIOSK_ENOMEM;
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    struct stat sb;
    if (stat(dir, &sb) != 0)
        code = map_errno(errno) ? map_errno(errno) : code;
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

int store_open(const char *path, store_t **out, char *errbuf, size_t errlen)
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

    /* A newer schema is refused before anything, even the journal mode, is changed. */
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
    sqlite3_close(st->db); /* a handle exists even when sqlite3_open_v2() failed */
free_store:
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", st->errmsg);
    free(st->path);
    free(st);
    return err;
}

void store_close(store_t *st)
{
    if (!st)
        return;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    /* The last connection to close checkpoints the WAL into the database and removes it. */
    sqlite3_close(st->db);
    free(st->path);
    free(st);
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

static int insert_record(store_t *st, const record_t *rec, const char *uuid, const char *ref,
                         const char *created)
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
        rc = sqlite3_bind_int64(stmt, 11, rec->time.utc_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 12, rec->time.offset_min);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 13, rec->time.clock_synced ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 14, rec->time.mono_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 15, rec->misuse ? 1 : 0);
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

/* The uuid and reference code are drawn into locals and copied to rec only after COMMIT, so
 * a failed save leaves rec as the caller passed it. A service request always gets a fresh
 * reference code; other kinds store none. consent without a name or phone stores no contact
 * row (and so reads back as false). */
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
    iso8601_format(rec->time.utc_ms, 0, created);

    err = exec_sql(st, "BEGIN IMMEDIATE", "cannot start saving a record in");
    if (err)
        return err;
    if (rec->kind == RECORD_SERVICE_REQUEST) {
        err = draw_ref_code(st, ref);
        if (err)
            goto rollback;
    }
    err = insert_record(st, rec, uuid, ref, created);
    sqlite3_reset(st->stmt[STMT_INSERT_RECORD]);
    if (err)
        goto rollback;
    if (has_contact) {
        err = insert_contact(st, rec, sqlite3_last_insert_rowid(st->db), created);
        sqlite3_reset(st->stmt[STMT_INSERT_CONTACT]);
        if (err)
            goto rollback;
    }
    err = exec_sql(st, "COMMIT", "cannot commit record to");
    if (err)
        goto rollback;

    memcpy(rec->uuid, uuid, sizeof rec->uuid);
    if (rec->kind == RECORD_SERVICE_REQUEST)
        memcpy(rec->ref_code, ref, sizeof rec->ref_code);
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
int store_foreach_record(store_t *st, int (*cb)(const record_t *rec, void *user_data),
                         void *user_data)
{
    assert(st && cb);
    sqlite3_stmt *stmt = NULL;
    int ret = KIOSK_OK;
    int rc = sqlite3_prepare_v2(st->db, foreach_sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return fail_db(st, rc, "cannot read records from");
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
