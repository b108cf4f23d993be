/* The office archive on SQLite: schema and migrations, trusted kiosks, idempotent bundle
 * imports, and the read-back API. Its SQLite plumbing is the store's (sqlite_util.h). */
#include "store/archive.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/archive_schema.h"
#include "store/sqlite_util.h"

/* The page cache of an archive connection, in KiB; smaller during a bulk load, which only
 * appends (and whose index builds sort in as much memory as the cache). */
#define ARCHIVE_CACHE_KIB 65536
#define ARCHIVE_BULK_CACHE_KIB 16384
/* How long a connection waits for another one's lock. */
#define ARCHIVE_BUSY_MS 5000
/* The most uuids a bulk load keeps (8 bytes each, half the slots used): past it, the rest of
 * the bundle goes in with the indexes. */
#define ARCHIVE_BULK_MAX_SLOTS ((size_t)1 << 22)
#define TEXT_OF(x) #x
#define TEXT(x) TEXT_OF(x)

enum {
    STMT_TRUST,
    STMT_KEY,
    STMT_BUNDLE_SEEN,
    STMT_INSERT_BUNDLE,
    STMT_BUNDLE_TIME,
    STMT_INSERT_RECORD,
    STMT_INSERT_RECORD_BULK,
    STMT_INSERT_CONTACT,
    STMT_RECORD_COUNT,
    STMT_COUNT
};

#define INSERT_RECORD                                                                              \
    "INSERT INTO records(uuid, kind, journey_id, kiosk_id, pack_id, pack_version, lang, answers,"  \
    " ref_code, created_utc, utc_ms, utc_offset_min, clock_synced, mono_ms, boot, misuse,"         \
    " bundle_id, imported_utc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"     \
    " ?14, ?15, ?16, ?17, ?18)"

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_TRUST] =
        "INSERT INTO kiosks(kiosk_id, sign_public_key, added_utc)"
        " VALUES(?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
        " ON CONFLICT(kiosk_id) DO UPDATE SET sign_public_key = excluded.sign_public_key,"
        " added_utc = excluded.added_utc",
    [STMT_KEY] = "SELECT sign_public_key FROM kiosks WHERE kiosk_id = ?1",
    /* Only the hash says "seen": a kiosk that crashed between verifying a stick's copy and
     * marking its records writes the same sequence number again, with more records. */
    [STMT_BUNDLE_SEEN] = "SELECT 1 FROM bundles WHERE manifest_sha256 = ?1"
                         " AND ?2 IS NOT NULL AND ?3 IS NOT NULL",
    [STMT_INSERT_BUNDLE] = "INSERT INTO bundles(kiosk_id, seq, manifest_sha256, records,"
                           " imported_utc) VALUES(?1, ?2, ?3, ?4,"
                           " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    [STMT_BUNDLE_TIME] = "SELECT imported_utc FROM bundles WHERE id = ?1",
    [STMT_INSERT_RECORD] = INSERT_RECORD " ON CONFLICT(uuid) DO NOTHING",
    /* A bulk load (no index on uuid meanwhile): the archive's own set of the bundle's uuids
     * tells a repeated one. */
    [STMT_INSERT_RECORD_BULK] = INSERT_RECORD,
    [STMT_INSERT_CONTACT] = "INSERT INTO contacts(record_id, name, phone) VALUES(?1, ?2, ?3)",
    [STMT_RECORD_COUNT] = "SELECT count(*) FROM records",
};

/* The archive's own columns of the read queries, after the shared ones (sqlite_util.h). */
enum {
    COL_BOOT = SQ_COL_FIRST_OWN,
    COL_MISUSE,
    COL_NAME,
    COL_PHONE,
    COL_HAS_CONTACT,
    COL_ID,
    COL_BUNDLE,
    COL_SEQ,
    COL_IMPORTED
};

#define SELECT_RECORDS                                                                             \
    "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"          \
    " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms, r.boot,"       \
    " r.misuse, c.name, c.phone, c.record_id IS NOT NULL, r.id, r.bundle_id, b.seq,"               \
    " r.imported_utc"                                                                              \
    " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id"                             \
    " LEFT JOIN bundles AS b ON b.id = r.bundle_id"

static const char foreach_sql[] = SELECT_RECORDS " ORDER BY r.kiosk_id, r.utc_ms, r.id";
static const char find_sql[] =
    SELECT_RECORDS " WHERE r.ref_code = ?1 COLLATE NOCASE ORDER BY r.kiosk_id, r.utc_ms, r.id";

/* A bulk load: a large bundle into an empty archive goes into the records table without its
 * indexes, which are built again (sorted, page by page) before the commit: inserted one by one,
 * the uuid's in random order, they took most of the time of a large import and did not fit the
 * page cache. A set of 64-bit hashes of the uuids stands for the unique index meanwhile; a hash
 * seen before (a repeated uuid, or two that hash alike) ends the bulk load there: the indexes
 * are built, and the record goes in as any other. */
typedef struct {
    uint64_t *slots;  /* open addressing; 0 is free (a hash of 0 is stored as 1) */
    size_t mask;      /* slots - 1, a power of two less one */
    size_t used, max; /* stored, and at most (half the slots) */
    char *index_sql;  /* the records table's CREATE INDEX statements, to run again */
} bulk_t;

struct archive {
    sq_db_t c;         /* the connection, its path and the last message */
    int64_t bundle_id; /* the bundle being imported, 0 when none */
    char bundle_kiosk[64];
    char bundle_time[32]; /* its imported_utc, which each of its records takes */
    int64_t utc_day;      /* the day of the last created_utc formatted (none: utc_date_len 0) */
    char utc_date[ISO8601_LEN]; /* its date, up to and with the 'T' */
    size_t utc_date_len;
    bulk_t bulk;          /* slots non-NULL while a bulk load runs */
    int64_t bulk_records; /* records that went in by bulk loads since the open */
    bool journal;         /* a rollback journal for a bulk load: WAL again after the bundle */
    sqlite3_stmt *stmt[STMT_COUNT];
};

/* Sets a pragma and reads it back: a pragma that cannot apply fails silently. */
static int set_pragma(archive_t *a, const char *set, const char *get, int64_t want,
                      const char *name)
{
    int64_t value;
    int err = sq_pragma(&a->c, set, get, &value, "cannot set pragmas of", "cannot read pragmas of");
    if (!err && value != want)
        err = sq_fail(&a->c, KIOSK_EIO, "cannot set %s on %s: it reads back as %lld", name,
                      a->c.path, (long long)value);
    return err;
}

static int set_pragmas(archive_t *a)
{
    int err = sq_set_wal(&a->c);
    if (!err)
        err = set_pragma(a, "PRAGMA synchronous=FULL", "PRAGMA synchronous", 2, "synchronous=FULL");
    if (!err)
        err = set_pragma(a, "PRAGMA foreign_keys=ON", "PRAGMA foreign_keys", 1, "foreign_keys");
    /* The archive holds phone numbers: deleted rows are overwritten, not left in free pages. */
    if (!err)
        err = set_pragma(a, "PRAGMA secure_delete=ON", "PRAGMA secure_delete", 1, "secure_delete");
    /* An import is one transaction per bundle, and its records go into four indexes, the
     * uuid's in random order: with SQLite's default 2 MB cache, pages of a large bundle are
     * spilled to the WAL and written again (11 writes per record at 100,000 records; 60,000
     * spill 55,789 pages). 64 MiB: none at 60,000; at 1M, 4.2 s of system time, not 11.4. */
    if (!err)
        err = set_pragma(a, "PRAGMA cache_size=-" TEXT(ARCHIVE_CACHE_KIB), "PRAGMA cache_size",
                         -ARCHIVE_CACHE_KIB, "cache_size");
    return err;
}

/* Refuses, before anything is written, a database that is not an archive (a kiosk's own store
 * has user_version > 0 and application_id 0) or one with a newer schema. */
static int check_identity(archive_t *a)
{
    int64_t version, app;
    int err = sq_query_int(&a->c, "PRAGMA user_version", &version, "cannot read schema version of");
    if (!err)
        err = sq_query_int(&a->c, "PRAGMA application_id", &app, "cannot read application id of");
    if (err)
        return err;
    if (version == 0 && app == 0) {
        int64_t tables;
        err = sq_query_int(&a->c, "SELECT count(*) FROM sqlite_schema", &tables,
                           "cannot read schema of");
        if (err)
            return err;
        if (tables == 0)
            return KIOSK_OK; /* a new, empty database */
    }
    if (app != ARCHIVE_APPLICATION_ID)
        return sq_fail(
            &a->c, KIOSK_EINVAL,
            "cannot open archive %s: it is not an office archive (a kiosk's own database?"
            " application_id %lld, schema version %lld)",
            a->c.path, (long long)app, (long long)version);
    if (version > ARCHIVE_SCHEMA_VERSION)
        return sq_fail(
            &a->c, KIOSK_EINVAL,
            "cannot open archive %s: its schema version %lld is newer than this tool's %d"
            " (written by a newer staff tool?)",
            a->c.path, (long long)version, ARCHIVE_SCHEMA_VERSION);
    return KIOSK_OK;
}

/* The steps after the open: identity, pragmas, migrations. */
static int setup(void *self)
{
    archive_t *a = self;
    int err = check_identity(a);
    if (!err)
        err = set_pragmas(a);
    return err ? err : archive_schema_migrate(&a->c);
}

static const sq_open_spec_t open_spec = {.noun = "archive",
                                         .busy_ms = ARCHIVE_BUSY_MS,
                                         .refine_cantopen = false,
                                         .setup = setup,
                                         .stmt_sql = stmt_sql,
                                         .nstmt = STMT_COUNT};

int archive_open(const char *path, archive_t **out, char *err, size_t errlen)
{
    assert(out);
    *out = NULL;
    archive_t *a = calloc(1, sizeof *a);
    if (!a)
        return sq_open_nomem("archive", path, err, errlen);
    const int rc_k = sq_open(&a->c, path, &open_spec, a->stmt, a);
    if (!rc_k) {
        *out = a;
        return KIOSK_OK;
    }
    sq_close(&a->c, a->stmt, STMT_COUNT);
    if (err && errlen)
        snprintf(err, errlen, "%s", a->c.errmsg);
    free(a);
    return rc_k;
}

void archive_close(archive_t *a)
{
    if (!a)
        return;
    archive_rollback_bundle(a);
    sq_close(&a->c, a->stmt, STMT_COUNT);
    free(a);
}

const char *archive_errmsg(const archive_t *a)
{
    if (!a)
        return "no archive";
    return a->c.errmsg[0] ? a->c.errmsg : "no error";
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* Runs a prepared write statement to completion and resets it. */
static int step_done(archive_t *a, sqlite3_stmt *stmt, int bind_rc, const char *what)
{
    const int err = sq_step_done(&a->c, stmt, bind_rc, what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return err;
}

/* 1 to 63 bytes, no control characters. */
static bool valid_kiosk_id(const char *id)
{
    if (!id)
        return false;
    const size_t n = strnlen(id, 64);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
            return false;
    return true;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hex digits. */
static bool valid_uuid(const char *u)
{
    if (strnlen(u, RECORD_UUID_LEN + 1) != RECORD_UUID_LEN)
        return false;
    for (int i = 0; i < RECORD_UUID_LEN; i++) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !is_hex(u[i]))
            return false;
    }
    return true;
}

static bool is_b64(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ---- trusted kiosks --------------------------------------------------------------------- */

int archive_trust_kiosk(archive_t *a, const char *kiosk_id, const char *sign_pk_base64)
{
    assert(a);
    if (!valid_kiosk_id(kiosk_id))
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot trust a kiosk in %s: a kiosk id has 1 to 63 bytes", a->c.path);
    /* 32 bytes in standard base64: 43 characters and one '=', whitespace around it. */
    char key[45];
    const char *p = sign_pk_base64 ? sign_pk_base64 : "";
    while (is_space(*p))
        p++;
    size_t n = 0;
    while (p[n] && !is_space(p[n]) && n < sizeof key)
        n++;
    const char *rest = p + n;
    while (is_space(*rest))
        rest++;
    bool ok = n == 44 && !*rest && p[43] == '=';
    for (size_t i = 0; ok && i < 43; i++)
        ok = is_b64(p[i]);
    if (!ok)
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot trust kiosk %s in %s: its key is not 32 bytes of standard base64",
                       kiosk_id, a->c.path);
    memcpy(key, p, 44);
    key[44] = '\0';
    sqlite3_stmt *stmt = a->stmt[STMT_TRUST];
    int rc = sq_bind_text(stmt, 1, kiosk_id);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 2, key);
    return step_done(a, stmt, rc, "cannot trust a kiosk in");
}

int archive_kiosk_key(archive_t *a, const char *kiosk_id, char *pk_base64, size_t len)
{
    assert(a);
    if (!kiosk_id || !pk_base64 || !len)
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot look up a kiosk key in %s: bad argument",
                       a->c.path);
    sqlite3_stmt *stmt = a->stmt[STMT_KEY];
    int rc = sq_bind_text(stmt, 1, kiosk_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    int err = KIOSK_OK;
    if (rc == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(stmt, 0);
        if (!key || snprintf(pk_base64, len, "%s", key) >= (int)len)
            err = sq_fail(&a->c, KIOSK_ETOOBIG, "cannot look up the key of kiosk %s in %s: no room",
                          kiosk_id, a->c.path);
    } else if (rc == SQLITE_DONE) {
        err = sq_fail(&a->c, KIOSK_ENOENT, "kiosk %s is not trusted in %s", kiosk_id, a->c.path);
    } else {
        err = sq_fail_db(&a->c, rc, "cannot look up a kiosk key in");
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return err;
}

/* ---- importing -------------------------------------------------------------------------- */

/* ---- bulk load ---- */

/* The CREATE INDEX statements of the records table (*create, NULL when one of its indexes
 * cannot be made again by a statement: a UNIQUE column's own) and the DROP INDEX statements
 * (*drop), each sqlite3_malloc'd. */
static int index_statements(archive_t *a, char **create, char **drop)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(a->c.db,
                                "SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
                                " AND tbl_name = 'records' ORDER BY rowid",
                                -1, &s, NULL);
    sqlite3_str *c = sqlite3_str_new(a->c.db), *d = sqlite3_str_new(a->c.db);
    bool all = true;
    while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(s, 1);
        all = all && sql;
        sqlite3_str_appendf(c, "%s;", sql ? sql : "");
        sqlite3_str_appendf(d, "DROP INDEX \"%w\";", (const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    *create = sqlite3_str_finish(c);
    *drop = sqlite3_str_finish(d);
    if (!all || rc != SQLITE_DONE || !*create || !*drop) {
        sqlite3_free(*create);
        *create = NULL;
    }
    return rc == SQLITE_DONE ? KIOSK_OK : sq_fail_db(&a->c, rc, "cannot read the indexes of");
}

/* Starts a bulk load when the bundle announces at least ARCHIVE_BULK_MIN records and the
 * archive has none: the records table's indexes are dropped (in the bundle's transaction, so
 * a rollback brings them back). Not starting one (no memory, an older schema) is no error. */
static int bulk_begin(archive_t *a, int64_t records)
{
    int64_t any = 1;
    if (records < ARCHIVE_BULK_MIN)
        return KIOSK_OK;
    int err = sq_query_int(&a->c, "SELECT EXISTS (SELECT 1 FROM records)", &any,
                           "cannot look at the records of");
    if (err || any)
        return err;
    char *create = NULL, *drop = NULL;
    err = index_statements(a, &create, &drop);
    size_t n = 1024;
    while (n < (uint64_t)records * 2 && n < ARCHIVE_BULK_MAX_SLOTS)
        n *= 2;
    uint64_t *slots = !err && create ? calloc(n, sizeof *slots) : NULL;
    if (slots)
        err = sq_exec(&a->c, drop, "cannot set the indexes aside in");
    if (slots && !err)
        err = sq_exec(&a->c, "PRAGMA cache_size=-" TEXT(ARCHIVE_BULK_CACHE_KIB),
                      "cannot set the cache of");
    sqlite3_free(drop);
    if (err || !slots) {
        free(slots);
        sqlite3_free(create);
        return err;
    }
    a->bulk = (bulk_t){.slots = slots, .mask = n - 1, .max = n / 2, .index_sql = create};
    return KIOSK_OK;
}

/* Ends a bulk load (if one runs): the indexes are built again when build is set (before a
 * commit, or when the set of uuids can no longer tell); the cache is as before. */
static int bulk_end(archive_t *a, bool build)
{
    if (!a->bulk.slots)
        return KIOSK_OK;
    const int err =
        build ? sq_exec(&a->c, a->bulk.index_sql, "cannot build the indexes of") : KIOSK_OK;
    sqlite3_exec(a->c.db, "PRAGMA cache_size=-" TEXT(ARCHIVE_CACHE_KIB), NULL, NULL, NULL);
    a->bulk_records += build ? (int64_t)a->bulk.used : 0;
    free(a->bulk.slots);
    sqlite3_free(a->bulk.index_sql);
    memset(&a->bulk, 0, sizeof a->bulk);
    return err;
}

/* FNV-1a of the uuid's text, its bits mixed (MurmurHash3's finalizer); never 0. */
static uint64_t uuid_hash(const char *uuid)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < RECORD_UUID_LEN; i++)
        h = (h ^ (unsigned char)uuid[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

/* Adds the uuid's hash to the bulk load's set: false when it was there, or the set is full. */
static bool bulk_add(bulk_t *b, const char *uuid)
{
    const uint64_t h = uuid_hash(uuid);
    if (b->used >= b->max)
        return false;
    size_t i = h & b->mask;
    for (; b->slots[i]; i = (i + 1) & b->mask)
        if (b->slots[i] == h)
            return false;
    b->slots[i] = h;
    b->used++;
    return true;
}

/* sqlite3_exec() callback: the first column of the first row into ud (16 bytes). */
static int first_text(void *ud, int n, char **values, char **names)
{
    (void)names;
    snprintf(ud, 16, "%s", n > 0 && values[0] ? values[0] : "");
    return 0;
}

/* A bulk load writes its pages once, into the database file, through a rollback journal
 * (which holds only what the bundle changes of the pages already there: new pages are not
 * journaled); in WAL mode they went into the WAL and the checkpoint after the commit copied
 * them again (a third of a 1M-record import's writes and waits). synchronous=EXTRA also syncs
 * the directory once the journal is deleted, so that COMMIT is as durable as in WAL with
 * FULL. Only when the bundle will be a bulk load and no other connection has the archive
 * open (SQLite refuses the switch then; at once, not after the busy timeout): else WAL, as
 * before. A crash meanwhile leaves a journal that SQLite rolls back at the next open, which
 * sets WAL again. */
static void bulk_journal(archive_t *a, int64_t records)
{
    char any[16] = "1", mode[16] = "";
    if (records < ARCHIVE_BULK_MIN ||
        sqlite3_exec(a->c.db, "SELECT EXISTS (SELECT 1 FROM records)", first_text, any, NULL) !=
            SQLITE_OK ||
        strcmp(any, "0") != 0)
        return;
    sqlite3_busy_timeout(a->c.db, 0);
    if (sqlite3_exec(a->c.db, "PRAGMA synchronous=EXTRA", NULL, NULL, NULL) == SQLITE_OK)
        sqlite3_exec(a->c.db, "PRAGMA journal_mode=DELETE", first_text, mode, NULL);
    sqlite3_busy_timeout(a->c.db, ARCHIVE_BUSY_MS);
    a->journal = strcmp(mode, "delete") == 0;
    if (!a->journal)
        sqlite3_exec(a->c.db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
}

/* WAL and synchronous=FULL again after a bundle that had a rollback journal. Should the
 * switch fail (another connection opened the archive meanwhile and reads), the journal and
 * synchronous=EXTRA stay, as durable; it is tried again after the next bundle, and
 * archive_open() sets WAL. */
static void wal_again(archive_t *a)
{
    char mode[16] = "";
    if (!a->journal)
        return;
    sqlite3_exec(a->c.db, "PRAGMA journal_mode=WAL", first_text, mode, NULL);
    if (strcmp(mode, "wal") != 0)
        return;
    sqlite3_exec(a->c.db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    a->journal = false;
}

static void rollback(archive_t *a)
{
    sq_rollback(&a->c);
    wal_again(a);
    bulk_end(a, false); /* the rollback brought the indexes back */
    a->bundle_id = 0;
    a->bundle_kiosk[0] = '\0';
}

/* The bundle's import time, which each of its records takes. */
static int read_bundle_time(archive_t *a)
{
    sqlite3_stmt *stmt = a->stmt[STMT_BUNDLE_TIME];
    int rc = sqlite3_bind_int64(stmt, 1, a->bundle_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    const int err =
        rc == SQLITE_ROW && sq_copy_column(a->bundle_time, sizeof a->bundle_time, stmt, 0)
            ? KIOSK_OK
            : sq_fail_db(&a->c, rc == SQLITE_ROW ? SQLITE_CORRUPT : rc,
                         "cannot read the import time of a bundle in");
    sqlite3_reset(stmt);
    return err;
}

int archive_begin_bundle(archive_t *a, const char *kiosk_id, int64_t seq,
                         const char *manifest_sha256, int64_t records, int64_t *bundle_id,
                         bool *already)
{
    assert(a && bundle_id && already);
    *already = false;
    *bundle_id = 0;
    if (a->bundle_id || !sqlite3_get_autocommit(a->c.db))
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot start a bundle in %s: another one is being imported", a->c.path);
    if (!valid_kiosk_id(kiosk_id))
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot start a bundle in %s: bad kiosk id", a->c.path);
    char hash[65];
    bool ok = manifest_sha256 && strnlen(manifest_sha256, 65) == 64;
    for (int i = 0; ok && i < 64; i++) {
        ok = is_hex(manifest_sha256[i]);
        hash[i] = (char)(manifest_sha256[i] >= 'A' && manifest_sha256[i] <= 'F'
                             ? manifest_sha256[i] - 'A' + 'a'
                             : manifest_sha256[i]);
    }
    hash[64] = '\0';
    if (!ok || seq < 0 || records < 0)
        return sq_fail(
            &a->c, KIOSK_EINVAL,
            "cannot start a bundle of kiosk %s in %s: bad hash, sequence number or count", kiosk_id,
            a->c.path);

    char key[64];
    int err = archive_kiosk_key(a, kiosk_id, key, sizeof key);
    if (err)
        return err;
    bulk_journal(a, records);
    err = sq_exec(&a->c, "BEGIN IMMEDIATE", "cannot start importing a bundle into");
    if (err) {
        wal_again(a);
        return err;
    }
    sqlite3_stmt *stmt = a->stmt[STMT_BUNDLE_SEEN];
    int rc = sq_bind_text(stmt, 1, hash);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 2, kiosk_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 3, seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *already = true;
    else if (rc != SQLITE_DONE)
        err = sq_fail_db(&a->c, rc, "cannot look up bundles in");
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (err || *already) {
        rollback(a);
        return err;
    }
    stmt = a->stmt[STMT_INSERT_BUNDLE];
    rc = sq_bind_text(stmt, 1, kiosk_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 2, seq);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 3, hash);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 4, records);
    err = step_done(a, stmt, rc, "cannot record a bundle in");
    if (err) {
        rollback(a);
        return err;
    }
    a->bundle_id = sqlite3_last_insert_rowid(a->c.db);
    snprintf(a->bundle_kiosk, sizeof a->bundle_kiosk, "%s", kiosk_id);
    err = read_bundle_time(a);
    if (!err)
        err = bulk_begin(a, records);
    if (err) {
        rollback(a);
        return err;
    }
    *bundle_id = a->bundle_id;
    return KIOSK_OK;
}

/* iso8601_format(utc_ms, 0, out), the date taken from the last call when on the same day
 * (a bundle is in time order: snprintf for every record was a twentieth of an import). */
static void format_created(archive_t *a, int64_t utc_ms, char out[ISO8601_LEN])
{
    const int64_t day = utc_ms / 86400000 - (utc_ms % 86400000 < 0);
    const int64_t ms = utc_ms - day * 86400000;
    if (day != a->utc_day || !a->utc_date_len) {
        iso8601_format(utc_ms, 0, out);
        const char *t = strchr(out, 'T');
        a->utc_date_len = t ? (size_t)(t - out) + 1 : 0;
        memcpy(a->utc_date, out, a->utc_date_len);
        a->utc_day = day;
        return;
    }
    char *o = out + a->utc_date_len;
    memcpy(out, a->utc_date, a->utc_date_len);
    const int v[] = {(int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60)};
    for (int i = 0; i < 3; i++) {
        *o++ = (char)('0' + v[i] / 10);
        *o++ = (char)('0' + v[i] % 10);
        *o++ = i < 2 ? ':' : '.';
    }
    *o++ = (char)('0' + ms % 1000 / 100);
    *o++ = (char)('0' + ms % 100 / 10);
    *o++ = (char)('0' + ms % 10);
    memcpy(o, "Z", 2);
}

static int insert_record(archive_t *a, const record_t *rec)
{
    /* In a bulk load, a uuid not in its set is new; else the unique index decides. */
    if (a->bulk.slots && !bulk_add(&a->bulk, rec->uuid)) {
        const int err = bulk_end(a, true);
        if (err)
            return err;
    }
    sqlite3_stmt *stmt = a->stmt[a->bulk.slots ? STMT_INSERT_RECORD_BULK : STMT_INSERT_RECORD];
    char created[ISO8601_LEN];
    format_created(a, rec->time.utc_ms, created);
    int rc = sq_bind_record(stmt, rec, &rec->time, rec->uuid, rec->ref_code, created);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 15, rec->time.boot);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 16, rec->misuse ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 17, a->bundle_id);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 18, a->bundle_time);
    return step_done(a, stmt, rc, "cannot import a record into");
}

int archive_import_record(archive_t *a, int64_t bundle_id, const record_t *rec, bool *added)
{
    assert(a && rec && added);
    *added = false;
    if (!a->bundle_id || bundle_id != a->bundle_id)
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot import a record into %s: bundle %lld is not open", a->c.path,
                       (long long)bundle_id);
    if ((unsigned)rec->kind >= RECORD_KIND_COUNT)
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot import a record into %s: unknown kind %d",
                       a->c.path, (int)rec->kind);
    if (!sq_terminated(rec->uuid, sizeof rec->uuid) || !valid_uuid(rec->uuid))
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot import a record into %s: bad uuid", a->c.path);
    if (!sq_record_fields_terminated(rec) || !sq_terminated(rec->ref_code, sizeof rec->ref_code))
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot import record %s into %s: unterminated text field", rec->uuid,
                       a->c.path);
    if (strcmp(rec->kiosk_id, a->bundle_kiosk) != 0)
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot import record %s into %s: it is from kiosk %s, the bundle from %s",
                       rec->uuid, a->c.path, rec->kiosk_id, a->bundle_kiosk);
    if (!rec->answers_json)
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot import record %s into %s: no answers",
                       rec->uuid, a->c.path);
    const bool has_contact = sq_given(rec->contact_name) || sq_given(rec->contact_phone);
    if (has_contact && !rec->consent)
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot import record %s into %s: contact details without consent",
                       rec->uuid, a->c.path);

    int err = insert_record(a, rec);
    if (err)
        return err;
    if (sqlite3_changes(a->c.db) == 0)
        return KIOSK_OK; /* already there */
    *added = true;
    if (!has_contact)
        return KIOSK_OK;
    sqlite3_stmt *stmt = a->stmt[STMT_INSERT_CONTACT];
    int rc = sqlite3_bind_int64(stmt, 1, sqlite3_last_insert_rowid(a->c.db));
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 2, sq_given(rec->contact_name) ? rec->contact_name : NULL);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 3, sq_given(rec->contact_phone) ? rec->contact_phone : NULL);
    err = step_done(a, stmt, rc, "cannot import contact details into");
    if (err)
        *added = false;
    return err;
}

int archive_commit_bundle(archive_t *a)
{
    assert(a);
    if (!a->bundle_id)
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot commit a bundle to %s: none is being imported",
                       a->c.path);
    int err = bulk_end(a, true);
    if (!err)
        err = sq_exec(&a->c, "COMMIT", "cannot commit a bundle to");
    if (err)
        rollback(a);
    else
        wal_again(a);
    a->bundle_id = 0;
    a->bundle_kiosk[0] = '\0';
    return err;
}

void archive_rollback_bundle(archive_t *a)
{
    if (a)
        rollback(a);
}

/* ---- reading ---------------------------------------------------------------------------- */

/* Fills rec and row from the current row; the strings of rec borrow SQLite's memory. */
static bool row_to_record(sqlite3_stmt *stmt, record_t *rec, archive_row_t *row)
{
    memset(row, 0, sizeof *row);
    if (!sq_row_to_record(stmt, rec) ||
        !sq_copy_column(row->imported_utc, sizeof row->imported_utc, stmt, COL_IMPORTED))
        return false;
    rec->time.boot = sqlite3_column_int64(stmt, COL_BOOT);
    rec->misuse = sqlite3_column_int(stmt, COL_MISUSE) != 0;
    rec->consent = sqlite3_column_int(stmt, COL_HAS_CONTACT) != 0;
    row->id = sqlite3_column_int64(stmt, COL_ID);
    row->bundle_id = sqlite3_column_int64(stmt, COL_BUNDLE);
    row->bundle_seq = sqlite3_column_int64(stmt, COL_SEQ);
    /* The text pointers last: no later column access converts them. */
    rec->answers_json = (char *)sqlite3_column_text(stmt, SQ_COL_ANSWERS);
    rec->contact_name = (char *)sqlite3_column_text(stmt, COL_NAME);
    rec->contact_phone = (char *)sqlite3_column_text(stmt, COL_PHONE);
    return rec->answers_json != NULL;
}

/* Steps a prepared read and hands each row to cb; finalizes stmt. */
static int run_rows(archive_t *a, sqlite3_stmt *stmt, archive_record_fn cb, void *ud)
{
    int ret = KIOSK_OK;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        record_t rec;
        archive_row_t row;
        if (!row_to_record(stmt, &rec, &row)) {
            ret = sq_fail(&a->c, KIOSK_ECORRUPT,
                          "cannot read records from %s: a stored record does not fit a record",
                          a->c.path);
            goto finalize;
        }
        ret = cb(&rec, &row, ud);
        if (ret != 0)
            goto finalize;
    }
    if (rc != SQLITE_DONE)
        ret = sq_fail_db(&a->c, rc, "cannot read records from");
finalize:
    sqlite3_finalize(stmt);
    return ret;
}

int archive_foreach(archive_t *a, archive_record_fn cb, void *ud)
{
    assert(a && cb);
    sqlite3_stmt *stmt = NULL;
    const int rc = sqlite3_prepare_v2(a->c.db, foreach_sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return sq_fail_db(&a->c, rc, "cannot read records from");
    return run_rows(a, stmt, cb, ud);
}

int archive_find_ref(archive_t *a, const char *ref_code, archive_record_fn cb, void *ud)
{
    assert(a && cb);
    if (!ref_code || strnlen(ref_code, RECORD_REF_LEN + 1) != RECORD_REF_LEN)
        return sq_fail(&a->c, KIOSK_EINVAL,
                       "cannot look up a code in %s: a reference code has %d letters", a->c.path,
                       RECORD_REF_LEN);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(a->c.db, find_sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 1, ref_code);
    if (rc != SQLITE_OK) {
        const int err = sq_fail_db(&a->c, rc, "cannot look up a code in");
        sqlite3_finalize(stmt);
        return err;
    }
    return run_rows(a, stmt, cb, ud);
}

int64_t archive_record_count(archive_t *a)
{
    assert(a);
    sqlite3_stmt *stmt = a->stmt[STMT_RECORD_COUNT];
    const int rc = sqlite3_step(stmt);
    const int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0)
                                       : (int64_t)sq_fail_db(&a->c, rc, "cannot count records in");
    sqlite3_reset(stmt);
    return n;
}

int64_t archive_bulk_records(archive_t *a)
{
    assert(a);
    return a->bulk_records + (int64_t)a->bulk.used;
}

int64_t archive_cache_spills(archive_t *a)
{
    assert(a);
    int now = 0, high = 0;
    sqlite3_db_status(a->c.db, SQLITE_DBSTATUS_CACHE_SPILL, &now, &high, 0);
    return now;
}

/* ---- the kiosks' hash chains ---- */

/* Reads the chain end stored for the bundle's kiosk. */
static int chain_end(archive_t *a, int64_t *seq, char hash[65])
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(
        a->c.db, "SELECT chain_seq, chain_hash FROM kiosks WHERE kiosk_id = ?1", -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(s, 1, a->bundle_kiosk);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    int err = KIOSK_OK;
    *seq = 0;
    hash[0] = '\0';
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        const unsigned char *t = sqlite3_column_text(s, 1);
        snprintf(hash, 65, "%s", t ? (const char *)t : "");
    } else if (rc != SQLITE_DONE) {
        err = sq_fail_db(&a->c, rc, "cannot read the hash chain of a kiosk in");
    }
    sqlite3_finalize(s);
    return err;
}

static bool valid_hash(const char *h)
{
    bool ok = h && strnlen(h, 65) == 64;
    for (int i = 0; ok && i < 64; i++)
        ok = (h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f');
    return ok;
}

int archive_check_chain(archive_t *a, int64_t first_seq, const char *first_prev, int64_t last_seq,
                        const char *last_hash, char *problem, size_t len)
{
    assert(a && problem && len);
    problem[0] = '\0';
    if (!a->bundle_id)
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot check a chain in %s: no bundle being imported",
                       a->c.path);
    if (first_seq < 1 || last_seq < first_seq || !valid_hash(first_prev) || !valid_hash(last_hash))
        return sq_fail(&a->c, KIOSK_EINVAL, "cannot check the chain of kiosk %s in %s: bad ends",
                       a->bundle_kiosk, a->c.path);
    int64_t seen = 0;
    char seen_hash[65];
    int err = chain_end(a, &seen, seen_hash);
    if (err)
        return err;
    if (seen > 0 && first_seq == seen + 1 && strcmp(first_prev, seen_hash) != 0)
        snprintf(problem, len,
                 "record %lld does not link to record %lld of the bundle imported before: one of "
                 "them was altered",
                 (long long)first_seq, (long long)seen);
    else if (seen > 0 && first_seq > seen + 1)
        snprintf(problem, len,
                 "records %lld-%lld are in no bundle imported: lost or not yet imported",
                 (long long)seen + 1, (long long)first_seq - 1);
    if (last_seq <= seen)
        return KIOSK_OK;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(
        a->c.db, "UPDATE kiosks SET chain_seq = ?2, chain_hash = ?3 WHERE kiosk_id = ?1", -1, &s,
        NULL);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(s, 1, a->bundle_kiosk);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 2, last_seq);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(s, 3, last_hash);
    err = sq_step_done(&a->c, s, rc, "cannot keep the hash chain of a kiosk in");
    sqlite3_finalize(s);
    return err;
}
