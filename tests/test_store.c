/* Tests of the record store against real SQLite files, with a fault-injecting VFS shim. */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "core/record.h"
#include "store/store.h"

/* ---- Scratch directories ------------------------------------------------------------ */

static bool mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return false;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

/* Makes a fresh directory under $KIOSK_TEST_TMP (or /tmp) for one test. */
static bool make_test_dir(char dir[PATH_MAX])
{
    const char *root = getenv("KIOSK_TEST_TMP");
    if (!root || !*root)
        root = "/tmp";
    if (!mkdir_p(root))
        return false;
    if (snprintf(dir, PATH_MAX, "%s/store-XXXXXX", root) >= PATH_MAX)
        return false;
    return mkdtemp(dir) != NULL;
}

/* A scratch path too long for PATH_MAX is a broken test setup, not a case to test. */
static void join(char out[PATH_MAX], const char *dir, const char *name)
{
    if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
        abort();
}

static void remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        chmod(path, 0755);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char child[PATH_MAX];
                join(child, path, e->d_name);
                remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- A second, plain SQLite connection to look at what the store wrote ------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 2000);
    return db;
}

/* First column of the first row as an integer; -999 when the query fails. */
static int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int64_t v = -999;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* First column of the first row as text copied into out; "(none)" when there is no row. */
static const char *raw_text(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
    sqlite3_stmt *stmt = NULL;
    snprintf(out, outlen, "(none)");
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(stmt, 0);
        snprintf(out, outlen, "%s", t ? (const char *)t : "(null)");
    }
    sqlite3_finalize(stmt);
    return out;
}

static int64_t count_rows(const char *path, const char *table)
{
    sqlite3 *db = raw_open(path);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    const int64_t n = db ? raw_int(db, sql) : -999;
    sqlite3_close(db);
    return n;
}

/* ---- A VFS shim: counts syncs of the WAL and injects write and sync failures ------- */

typedef struct {
    int wal_syncs;    /* successful xSync calls on a -wal file */
    int wal_write_rc; /* when not SQLITE_OK, every write to a -wal file fails with it */
    int wal_sync_rc;  /* when not SQLITE_OK, every sync of a -wal file fails with it */
} faults_t;

typedef struct {
    sqlite3_file base;
    sqlite3_file *real; /* the underlying file, allocated right after this struct */
    faults_t *faults;
    bool is_wal;
} shim_file_t;

typedef struct {
    sqlite3_vfs vfs;
    sqlite3_vfs *real;
    faults_t faults;
} shim_vfs_t;

#define REAL(f) (((shim_file_t *)(f))->real)

static int shim_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int shim_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}
static int shim_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    const shim_file_t *s = (const shim_file_t *)f;
    if (s->is_wal && s->faults->wal_write_rc != SQLITE_OK)
        return s->faults->wal_write_rc;
    return REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int shim_sync(sqlite3_file *f, int flags)
{
    shim_file_t *s = (shim_file_t *)f;
    if (s->is_wal && s->faults->wal_sync_rc != SQLITE_OK)
        return s->faults->wal_sync_rc;
    const int rc = REAL(f)->pMethods->xSync(REAL(f), flags);
    if (s->is_wal && rc == SQLITE_OK)
        s->faults->wal_syncs++;
    return rc;
}
static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int shim_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}
static int shim_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}
static int shim_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int shim_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int shim_device_characteristics(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int shim_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void shim_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}
static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp);
}
static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_io = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved,
    shim_file_control,
    shim_sector_size,
    shim_device_characteristics,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    shim_vfs_t *shim = vfs->pAppData;
    shim_file_t *s = (shim_file_t *)f;
    s->real = (sqlite3_file *)(s + 1);
    s->faults = &shim->faults;
    s->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    const int rc = shim->real->xOpen(shim->real, name, s->real, flags, out_flags);
    f->pMethods = s->real->pMethods ? &shim_io : NULL;
    return rc;
}

/* Makes the shim SQLite's default VFS, so that store_open() goes through it; the unix VFS
 * functions other than xOpen ignore which sqlite3_vfs they are called with. */
static shim_vfs_t *shim_install(void)
{
    static shim_vfs_t shim;
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    if (!real)
        return NULL;
    memset(&shim, 0, sizeof shim);
    shim.real = real;
    shim.vfs = *real;
    shim.vfs.pNext = NULL;
    shim.vfs.zName = "kiosk-test-shim";
    shim.vfs.pAppData = &shim;
    shim.vfs.szOsFile = (int)sizeof(shim_file_t) + real->szOsFile;
    shim.vfs.xOpen = shim_open;
    if (sqlite3_vfs_register(&shim.vfs, 1) != SQLITE_OK)
        return NULL;
    return &shim;
}

static void shim_remove(shim_vfs_t *shim)
{
    if (!shim)
        return;
    sqlite3_vfs_unregister(&shim->vfs);
    sqlite3_vfs_register(shim->real, 1);
}

/* ---- Records ------------------------------------------------------------------------ */

static void make_record(record_t *rec, record_kind_t kind, const char *answers_json)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = kind;
    snprintf(rec->journey_id, sizeof rec->journey_id, "%s", record_kind_name(kind));
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "kiosk-lobby-01");
    snprintf(rec->pack_id, sizeof rec->pack_id, "riverside-center");
    snprintf(rec->pack_version, sizeof rec->pack_version, "2026.11.3");
    snprintf(rec->lang, sizeof rec->lang, "zh-cn");
    rec->answers_json = answers_json ? strdup(answers_json) : NULL;
    rec->time.utc_ms = 1795897905123; /* 2026-11-28T20:31:45.123Z */
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 86400123;
}

typedef struct {
    record_t recs[8];
    int count;
} collected_t;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Deep-copies every record it is shown, up to the array's size. */
static int collect(const record_t *rec, void *user_data)
{
    collected_t *c = user_data;
    if (c->count >= (int)(sizeof c->recs / sizeof c->recs[0]))
        return 1;
    record_t *dst = &c->recs[c->count++];
    *dst = *rec;
    dst->answers_json = dup_or_null(rec->answers_json);
    dst->contact_name = dup_or_null(rec->contact_name);
    dst->contact_phone = dup_or_null(rec->contact_phone);
    return 0;
}

static void collected_clear(collected_t *c)
{
    for (int i = 0; i < c->count; i++)
        record_clear(&c->recs[i]);
    c->count = 0;
}

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void check_same_record(const record_t *got, const record_t *want)
{
    CHECK_INT(got->kind, want->kind);
    CHECK_STR(got->uuid, want->uuid);
    CHECK_STR(got->journey_id, want->journey_id);
    CHECK_STR(got->kiosk_id, want->kiosk_id);
    CHECK_STR(got->pack_id, want->pack_id);
    CHECK_STR(got->pack_version, want->pack_version);
    CHECK_STR(got->lang, want->lang);
    CHECK_STR(got->answers_json, want->answers_json);
    CHECK(same_text(got->contact_name, want->contact_name));
    CHECK(same_text(got->contact_phone, want->contact_phone));
    CHECK_INT(got->consent, want->consent);
    CHECK_STR(got->ref_code, want->ref_code);
    CHECK_INT(got->time.utc_ms, want->time.utc_ms);
    CHECK_INT(got->time.offset_min, want->time.offset_min);
    CHECK_INT(got->time.clock_synced, want->time.clock_synced);
    CHECK_INT(got->time.mono_ms, want->time.mono_ms);
    CHECK_INT(got->misuse, want->misuse);
}

static bool in_alphabet(const char *code)
{
    if (strlen(code) != RECORD_REF_LEN)
        return false;
    for (const char *p = code; *p; p++)
        if (!strchr(REFCODE_ALPHABET, *p))
            return false;
    return true;
}

/* ---- Tests -------------------------------------------------------------------------- */

static void open_creates_schema_in_wal_mode_with_full_sync(void)
{
    char dir[PATH_MAX], path[PATH_MAX], text[64];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    char err[512] = "";
    REQUIRE(store_open(path, &st, err, sizeof err) == KIOSK_OK);
    REQUIRE(st != NULL);
    CHECK_INT(store_record_count(st), 0);
    CHECK_STR(store_errmsg(st), "no error");

    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_STR(raw_text(db, "PRAGMA journal_mode", text, sizeof text), "wal");
    CHECK_INT(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                          " ('meta', 'records', 'contacts', 'session_outcomes')"),
              4);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM meta WHERE key = 'kiosk_schema_created'"
                          " AND value GLOB '2[0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T*Z'"),
              1);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM pragma_index_list('records')"
                          " WHERE name = 'records_exported_at'"),
              1);
    sqlite3_close(db);
    store_close(st);

    /* Opening again applies nothing twice. */
    REQUIRE(store_open(path, &st, err, sizeof err) == KIOSK_OK);
    store_close(st);
    db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM meta"), 1);
    sqlite3_close(db);
    remove_tree(dir);
}

/* synchronous is a property of a connection, so another connection cannot see the store's
 * setting; what it changes can be seen: under FULL every COMMIT syncs the WAL. */
static void every_commit_syncs_the_wal(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    shim_vfs_t *shim = shim_install();
    REQUIRE(shim != NULL);

    /* The control: a connection with synchronous=NORMAL commits without syncing. */
    join(path, dir, "normal.db");
    sqlite3 *db = raw_open(path);
    CHECK(db != NULL);
    if (db) {
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     " CREATE TABLE t(x);",
                     NULL, NULL, NULL);
        shim->faults.wal_syncs = 0;
        for (int i = 0; i < 5; i++)
            sqlite3_exec(db, "INSERT INTO t VALUES(1)", NULL, NULL, NULL);
        CHECK_INT(shim->faults.wal_syncs, 0);
        sqlite3_close(db);
    }

    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    CHECK(store_open(path, &st, NULL, 0) == KIOSK_OK);
    if (st) {
        shim->faults.wal_syncs = 0;
        for (int i = 0; i < 5; i++) {
            record_t rec;
            make_record(&rec, RECORD_QUICK_RATING, "{\"face\":5}");
            CHECK_INT(store_save(st, &rec), KIOSK_OK);
            record_clear(&rec);
        }
        CHECK(shim->faults.wal_syncs >= 5);
        store_close(st);
    }
    shim_remove(shim);
    remove_tree(dir);
}

static void saved_records_read_back_identical_after_reopen(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);

    record_t want[3];
    make_record(&want[0], RECORD_SERVICE_REQUEST,
                "{\"service\":\"elderly_care\",\"for_whom\":\"parent\",\"urgency\":\"soon\","
                "\"description\":\"电梯坏了, 需要帮助\"}");
    want[0].contact_name = strdup("王小明");
    want[0].contact_phone = strdup("+86 138 0013 8000");
    want[0].consent = true;
    make_record(&want[1], RECORD_FEEDBACK, "{\"topic\":\"facilities\",\"rating\":2}");
    want[1].time.utc_ms = -14182940000; /* a clock that never synced */
    want[1].time.offset_min = -330;
    want[1].time.clock_synced = false;
    want[1].time.mono_ms = 0;
    snprintf(want[1].lang, sizeof want[1].lang, "en");
    make_record(&want[2], RECORD_ACTIVITY, "{}");
    want[2].misuse = true; /* not a quick rating, but the flag must round-trip whatever */
    snprintf(want[2].uuid, sizeof want[2].uuid, "0f1e2d3c-4b5a-4697-8877-665544332211");

    for (int i = 0; i < 3; i++)
        CHECK_INT(store_save(st, &want[i]), KIOSK_OK);
    CHECK_INT(strlen(want[0].uuid), RECORD_UUID_LEN);
    CHECK(want[0].uuid[14] == '4');
    CHECK(in_alphabet(want[0].ref_code));
    CHECK_STR(want[1].ref_code, "");
    CHECK_STR(want[2].uuid, "0f1e2d3c-4b5a-4697-8877-665544332211");
    store_close(st);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    CHECK_INT(store_record_count(st), 3);
    collected_t got = {0};
    CHECK_INT(store_foreach_record(st, collect, &got), 0);
    CHECK_INT(got.count, 3);
    for (int i = 0; i < got.count && i < 3; i++)
        check_same_record(&got.recs[i], &want[i]);
    collected_clear(&got);
    store_close(st);

    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    char text[64];
    CHECK_STR(raw_text(db, "SELECT created_utc FROM records WHERE id = 1", text, sizeof text),
              "2026-11-28T20:31:45.123Z");
    CHECK_STR(raw_text(db, "SELECT kind FROM records WHERE id = 1", text, sizeof text),
              "service_request");
    CHECK_STR(raw_text(db, "SELECT typeof(ref_code) FROM records WHERE id = 2", text, sizeof text),
              "null");
    CHECK_STR(
        raw_text(db, "SELECT typeof(exported_at) FROM records WHERE id = 1", text, sizeof text),
        "null");
    sqlite3_close(db);
    for (int i = 0; i < 3; i++)
        record_clear(&want[i]);
    remove_tree(dir);
}

static int compare_codes(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void service_requests_get_unique_ref_codes_from_the_alphabet(void)
{
    enum { N = 2000 };
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);

    static char codes[N][RECORD_REF_LEN + 1];
    int saved = 0;
    for (int i = 0; i < N; i++) {
        record_t rec;
        make_record(&rec, RECORD_SERVICE_REQUEST, "{\"service\":\"legal_aid\"}");
        const int err = store_save(st, &rec);
        CHECK_INT(err, KIOSK_OK);
        CHECK(in_alphabet(rec.ref_code));
        if (err == KIOSK_OK)
            memcpy(codes[saved++], rec.ref_code, sizeof codes[0]);
        record_clear(&rec);
    }
    CHECK_INT(saved, N);
    qsort(codes, (size_t)saved, sizeof codes[0], compare_codes);
    int duplicates = 0;
    for (int i = 1; i < saved; i++)
        duplicates += strcmp(codes[i - 1], codes[i]) == 0;
    CHECK_INT(duplicates, 0);
    CHECK_INT(store_record_count(st), N);
    store_close(st);

    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "SELECT count(DISTINCT ref_code) FROM records"), N);
    CHECK_INT(raw_int(db, "SELECT count(DISTINCT uuid) FROM records"), N);
    sqlite3_close(db);
    remove_tree(dir);
}

static void contact_is_stored_apart_from_answers(void)
{
    char dir[PATH_MAX], path[PATH_MAX], text[128];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);

    record_t rec;
    make_record(&rec, RECORD_SERVICE_REQUEST, "{\"service\":\"family_mediation\"}");
    rec.contact_phone = strdup("13800138000");
    rec.consent = true;
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    record_clear(&rec);

    /* consent with nothing given stores no contact row. */
    make_record(&rec, RECORD_FEEDBACK, "{\"rating\":4}");
    rec.contact_name = strdup("");
    rec.consent = true;
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    record_clear(&rec);
    store_close(st);

    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM contacts"), 1);
    CHECK_STR(raw_text(db, "SELECT phone FROM contacts", text, sizeof text), "13800138000");
    CHECK_STR(raw_text(db, "SELECT typeof(name) FROM contacts", text, sizeof text), "null");
    CHECK_INT(raw_int(db, "SELECT consent FROM contacts"), 1);
    CHECK_STR(raw_text(db, "SELECT collected_utc FROM contacts", text, sizeof text),
              "2026-11-28T20:31:45.123Z");
    CHECK_INT(raw_int(db, "SELECT count(*) FROM contacts JOIN records ON records.id = record_id"
                          " WHERE records.kind = 'service_request'"),
              1);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM records WHERE answers LIKE '%13800138000%'"), 0);

    /* Erasing a record erases its contact (foreign keys are per connection). */
    sqlite3_exec(db, "PRAGMA foreign_keys=ON; DELETE FROM records WHERE id = 1", NULL, NULL, NULL);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM contacts"), 0);
    sqlite3_close(db);
    remove_tree(dir);
}

static void contact_without_consent_is_refused_and_nothing_stored(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);

    record_t rec;
    make_record(&rec, RECORD_SERVICE_REQUEST, "{\"service\":\"other\"}");
    rec.contact_phone = strdup("13800138000");
    rec.consent = false;
    snprintf(rec.ref_code, sizeof rec.ref_code, "KEEPME");
    CHECK_INT(store_save(st, &rec), KIOSK_EINVAL);
    CHECK_STR(rec.uuid, "");
    CHECK_STR(rec.ref_code, "KEEPME");
    CHECK(strstr(store_errmsg(st), "consent") != NULL);
    record_clear(&rec);

    make_record(&rec, RECORD_FEEDBACK, "{}");
    rec.contact_name = strdup("Li");
    CHECK_INT(store_save(st, &rec), KIOSK_EINVAL);
    record_clear(&rec);

    CHECK_INT(store_record_count(st), 0);
    store_close(st);
    CHECK_INT(count_rows(path, "records"), 0);
    CHECK_INT(count_rows(path, "contacts"), 0);
    remove_tree(dir);
}

static void invalid_answers_are_refused_and_nothing_stored(void)
{
    static const char *const bad[] = {
        "not json", "[1,2,3]", "\"a string\"", "42", "", "{\"open\":", "null",
    };
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        record_t rec;
        make_record(&rec, RECORD_SERVICE_REQUEST, bad[i]);
        rec.contact_name = strdup("Li");
        rec.consent = true;
        CHECK_INT(store_save(st, &rec), KIOSK_EINVAL);
        CHECK_STR(rec.uuid, "");
        CHECK_STR(rec.ref_code, "");
        record_clear(&rec);
    }
    record_t rec;
    make_record(&rec, RECORD_FEEDBACK, NULL);
    CHECK_INT(store_save(st, &rec), KIOSK_EINVAL);
    record_clear(&rec);

    /* A kind outside the enum fails the schema's CHECK, not a crash. */
    make_record(&rec, RECORD_FEEDBACK, "{}");
    rec.kind = RECORD_KIND_COUNT;
    CHECK_INT(store_save(st, &rec), KIOSK_EINVAL);
    record_clear(&rec);

    CHECK_INT(store_record_count(st), 0);
    /* The store still works after the refusals. */
    make_record(&rec, RECORD_FEEDBACK, "{\"rating\":3}");
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    record_clear(&rec);
    CHECK_INT(store_record_count(st), 1);
    store_close(st);
    CHECK_INT(count_rows(path, "contacts"), 0);
    remove_tree(dir);
}

static void duplicate_uuid_is_refused_and_the_first_record_kept(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t rec;
    make_record(&rec, RECORD_FEEDBACK, "{\"rating\":1}");
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    free(rec.answers_json);
    rec.answers_json = strdup("{\"rating\":5}");
    CHECK_INT(store_save(st, &rec), KIOSK_EINVAL);
    record_clear(&rec);
    CHECK_INT(store_record_count(st), 1);
    collected_t got = {0};
    store_foreach_record(st, collect, &got);
    CHECK_INT(got.count, 1);
    if (got.count == 1)
        CHECK_STR(got.recs[0].answers_json, "{\"rating\":1}");
    collected_clear(&got);
    store_close(st);
    remove_tree(dir);
}

static void update_answers_replaces_the_stored_answers(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t rec;
    make_record(&rec, RECORD_QUICK_RATING, "{\"face\":2}");
    REQUIRE(store_save(st, &rec) == KIOSK_OK);

    CHECK_INT(store_update_answers(st, rec.uuid, "{\"face\":2,\"about\":\"waiting_time\"}"),
              KIOSK_OK);
    CHECK_INT(store_update_answers(st, rec.uuid, "[\"not an object\"]"), KIOSK_EINVAL);
    CHECK_INT(store_update_answers(st, "00000000-0000-4000-8000-000000000000", "{}"), KIOSK_ENOENT);
    CHECK(strstr(store_errmsg(st), path) != NULL);
    store_close(st);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    collected_t got = {0};
    store_foreach_record(st, collect, &got);
    CHECK_INT(got.count, 1);
    if (got.count == 1) {
        CHECK_STR(got.recs[0].answers_json, "{\"face\":2,\"about\":\"waiting_time\"}");
        CHECK_STR(got.recs[0].uuid, rec.uuid);
    }
    collected_clear(&got);
    record_clear(&rec);
    store_close(st);
    remove_tree(dir);
}

static void session_counts_increment_per_day_journey_and_outcome(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);

    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_COMPLETED), 0);
    for (int i = 0; i < 3; i++)
        CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_COMPLETED), KIOSK_OK);
    CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_TIMED_OUT), KIOSK_OK);
    CHECK_INT(store_count_session(st, "2026-11-29", "feedback", SESSION_COMPLETED), KIOSK_OK);
    for (int i = 0; i < 2; i++)
        CHECK_INT(store_count_session(st, "2026-11-28", "needs_survey", SESSION_ABANDONED),
                  KIOSK_OK);
    CHECK_INT(store_count_session(st, "28/11/2026", "feedback", SESSION_COMPLETED), KIOSK_EINVAL);
    CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_OUTCOME_COUNT),
              KIOSK_EINVAL);
    store_close(st);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_COMPLETED), 3);
    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_TIMED_OUT), 1);
    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_ABANDONED), 0);
    CHECK_INT(store_session_count(st, "2026-11-29", "feedback", SESSION_COMPLETED), 1);
    CHECK_INT(store_session_count(st, "2026-11-28", "needs_survey", SESSION_ABANDONED), 2);
    CHECK_INT(store_session_count(st, "2026-11-28", "needs_survey", SESSION_COMPLETED), 0);
    CHECK_INT(store_record_count(st), 0);
    store_close(st);
    remove_tree(dir);
}

static int stop_at_second(const record_t *rec, void *user_data)
{
    (void)rec;
    int *seen = user_data;
    return ++*seen == 2 ? 42 : 0;
}

static void foreach_stops_when_the_callback_says_so(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    for (int i = 0; i < 4; i++) {
        record_t rec;
        make_record(&rec, RECORD_QUICK_RATING, "{\"face\":3}");
        CHECK_INT(store_save(st, &rec), KIOSK_OK);
        record_clear(&rec);
    }
    int seen = 0;
    CHECK_INT(store_foreach_record(st, stop_at_second, &seen), 42);
    CHECK_INT(seen, 2);
    store_close(st);
    remove_tree(dir);
}

static void two_stores_on_one_file_see_each_others_records(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *a = NULL, *b = NULL;
    CHECK(store_open(path, &a, NULL, 0) == KIOSK_OK);
    CHECK(store_open(path, &b, NULL, 0) == KIOSK_OK);
    if (a && b) {
        record_t rec;
        make_record(&rec, RECORD_FEEDBACK, "{}");
        CHECK_INT(store_save(a, &rec), KIOSK_OK);
        record_clear(&rec);
        CHECK_INT(store_record_count(b), 1);
    }
    store_close(b);
    store_close(a);
    remove_tree(dir);
}

static void disk_full_during_save_returns_efull_and_stores_nothing(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    shim_vfs_t *shim = shim_install();
    REQUIRE(shim != NULL);
    store_t *st = NULL;
    CHECK(store_open(path, &st, NULL, 0) == KIOSK_OK);
    if (st) {
        record_t rec;
        make_record(&rec, RECORD_SERVICE_REQUEST, "{\"service\":\"other\"}");
        rec.contact_name = strdup("Li");
        rec.consent = true;
        shim->faults.wal_write_rc = SQLITE_FULL;
        CHECK_INT(store_save(st, &rec), KIOSK_EFULL);
        shim->faults.wal_write_rc = SQLITE_OK;
        CHECK_STR(rec.uuid, "");
        CHECK_STR(rec.ref_code, "");
        CHECK(strstr(store_errmsg(st), path) != NULL);
        CHECK_INT(store_record_count(st), 0);

        /* Once there is room again, the same record saves. */
        CHECK_INT(store_save(st, &rec), KIOSK_OK);
        CHECK_INT(store_record_count(st), 1);
        record_clear(&rec);
        store_close(st);
    }
    shim_remove(shim);
    CHECK_INT(count_rows(path, "records"), 1);
    CHECK_INT(count_rows(path, "contacts"), 1);
    remove_tree(dir);
}

static void io_error_on_sync_returns_eio_and_stores_nothing(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    shim_vfs_t *shim = shim_install();
    REQUIRE(shim != NULL);
    store_t *st = NULL;
    CHECK(store_open(path, &st, NULL, 0) == KIOSK_OK);
    if (st) {
        record_t rec;
        make_record(&rec, RECORD_FEEDBACK, "{\"rating\":1}");
        shim->faults.wal_sync_rc = SQLITE_IOERR_FSYNC;
        CHECK_INT(store_save(st, &rec), KIOSK_EIO);
        shim->faults.wal_sync_rc = SQLITE_OK;
        CHECK_STR(rec.uuid, "");
        CHECK_INT(store_record_count(st), 0);
        CHECK_INT(store_save(st, &rec), KIOSK_OK);
        CHECK_INT(store_record_count(st), 1);
        record_clear(&rec);
        store_close(st);
    }
    shim_remove(shim);
    CHECK_INT(count_rows(path, "records"), 1);
    remove_tree(dir);
}

static void open_in_a_missing_directory_fails_naming_the_path(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "no/such/dir/kiosk.db");
    store_t *st = (store_t *)&st; /* must be reset to NULL */
    char err[PATH_MAX + 256] = "";
    const int rc = store_open(path, &st, err, sizeof err);
    CHECK(rc != KIOSK_OK);
    CHECK_INT(rc, KIOSK_ENOENT);
    CHECK(st == NULL);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, "cannot open database") != NULL);
    fprintf(stderr, "    message: %s\n", err);
    remove_tree(dir);
}

static void open_in_a_read_only_directory_fails_naming_the_path(void)
{
    if (geteuid() == 0) {
        fprintf(stderr, "    skipped: root ignores directory permissions\n");
        return;
    }
    char dir[PATH_MAX], ro[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(ro, dir, "ro");
    REQUIRE(mkdir(ro, 0755) == 0);

    /* A database file that exists but may not be written is refused at open, too. */
    join(path, ro, "old.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    store_close(st);
    CHECK(chmod(path, 0444) == 0);
    CHECK(chmod(ro, 0555) == 0);

    char err[PATH_MAX + 256] = "";
    CHECK_INT(store_open(path, &st, err, sizeof err), KIOSK_EACCES);
    CHECK(st == NULL);
    CHECK(strstr(err, path) != NULL);
    fprintf(stderr, "    message: %s\n", err);

    join(path, ro, "kiosk.db");
    err[0] = '\0';
    CHECK_INT(store_open(path, &st, err, sizeof err), KIOSK_EACCES);
    CHECK(st == NULL);
    CHECK(strstr(err, path) != NULL);
    fprintf(stderr, "    message: %s\n", err);
    remove_tree(dir);
}

static void newer_schema_version_is_refused(void)
{
    char dir[PATH_MAX], path[PATH_MAX], text[64];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(db, "CREATE TABLE future(x); PRAGMA user_version=99;", NULL, NULL, NULL) ==
          SQLITE_OK);
    sqlite3_close(db);

    store_t *st = NULL;
    char err[PATH_MAX + 256] = "";
    const int rc = store_open(path, &st, err, sizeof err);
    CHECK(rc != KIOSK_OK);
    CHECK(rc != KIOSK_ECORRUPT); /* newer is not broken: nothing should quarantine it */
    CHECK(st == NULL);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, "99") != NULL);
    fprintf(stderr, "    message: %s\n", err);

    db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "PRAGMA user_version"), 99);
    CHECK_STR(raw_text(db, "PRAGMA journal_mode", text, sizeof text), "delete");
    sqlite3_close(db);
    remove_tree(dir);
}

static void a_file_that_is_not_a_database_is_reported_corrupt(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    char garbage[4096];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)('a' + (i * 7) % 26);
    FILE *f = fopen(path, "wb");
    REQUIRE(f != NULL);
    CHECK(fwrite(garbage, 1, sizeof garbage, f) == sizeof garbage);
    fclose(f);

    store_t *st = NULL;
    char err[PATH_MAX + 256] = "";
    CHECK_INT(store_open(path, &st, err, sizeof err), KIOSK_ECORRUPT);
    CHECK(st == NULL);
    CHECK(strstr(err, path) != NULL);
    fprintf(stderr, "    message: %s\n", err);

    /* The evidence is left as it was. */
    char back[sizeof garbage + 1];
    f = fopen(path, "rb");
    REQUIRE(f != NULL);
    CHECK(fread(back, 1, sizeof back, f) == sizeof garbage);
    fclose(f);
    CHECK(memcmp(back, garbage, sizeof garbage) == 0);
    remove_tree(dir);
}

static void close_and_errmsg_accept_null(void)
{
    store_close(NULL);
    CHECK(store_errmsg(NULL) != NULL);
    store_t *st = (store_t *)&st;
    char err[64] = "";
    CHECK_INT(store_open("", &st, err, sizeof err), KIOSK_EINVAL);
    CHECK(st == NULL);
    CHECK(err[0] != '\0');
}

/* A database written by schema version 1 (before the misuse flag) opens, migrates and keeps
 * its records, which read back as not misused. */
static void version_1_database_migrates_and_keeps_its_records(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    sqlite3 *db = raw_open(path);
    REQUIRE(db);
    const char *v1 =
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE records (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
        " kind TEXT NOT NULL, journey_id TEXT NOT NULL, kiosk_id TEXT NOT NULL,"
        " pack_id TEXT NOT NULL, pack_version TEXT NOT NULL, lang TEXT NOT NULL,"
        " answers TEXT NOT NULL, ref_code TEXT UNIQUE, created_utc TEXT NOT NULL,"
        " utc_ms INTEGER NOT NULL, utc_offset_min INTEGER NOT NULL,"
        " clock_synced INTEGER NOT NULL, mono_ms INTEGER NOT NULL, exported_at TEXT);"
        "CREATE TABLE contacts (record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE"
        " CASCADE, name TEXT, phone TEXT, consent INTEGER NOT NULL CHECK(consent = 1),"
        " collected_utc TEXT NOT NULL);"
        "CREATE TABLE session_outcomes (day TEXT NOT NULL, journey_id TEXT NOT NULL,"
        " outcome TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(day, journey_id, outcome))"
        " WITHOUT ROWID;"
        "INSERT INTO records(uuid, kind, journey_id, kiosk_id, pack_id, pack_version, lang,"
        " answers, created_utc, utc_ms, utc_offset_min, clock_synced, mono_ms) VALUES("
        " '11111111-1111-4111-8111-111111111111', 'quick_rating', 'quick_rating', 'k', 'p',"
        " '1', 'en', '{\"rating\":2}', '2026-11-01T00:00:00.000Z', 1793491200000, 0, 1, 5);"
        "PRAGMA user_version = 1;";
    REQUIRE(sqlite3_exec(db, v1, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);

    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t rec;
    make_record(&rec, RECORD_QUICK_RATING, "{\"rating\":1}");
    rec.misuse = true;
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    collected_t got = {0};
    store_foreach_record(st, collect, &got);
    CHECK_INT(got.count, 2);
    if (got.count == 2) {
        CHECK_STR(got.recs[0].uuid, "11111111-1111-4111-8111-111111111111");
        CHECK(!got.recs[0].misuse);
        CHECK(got.recs[1].misuse);
    }
    collected_clear(&got);
    record_clear(&rec);
    store_close(st);
    db = raw_open(path);
    CHECK_INT(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    sqlite3_close(db);
    remove_tree(dir);
}

int main(void)
{
    RUN(open_creates_schema_in_wal_mode_with_full_sync);
    RUN(every_commit_syncs_the_wal);
    RUN(saved_records_read_back_identical_after_reopen);
    RUN(service_requests_get_unique_ref_codes_from_the_alphabet);
    RUN(contact_is_stored_apart_from_answers);
    RUN(contact_without_consent_is_refused_and_nothing_stored);
    RUN(invalid_answers_are_refused_and_nothing_stored);
    RUN(duplicate_uuid_is_refused_and_the_first_record_kept);
    RUN(update_answers_replaces_the_stored_answers);
    RUN(session_counts_increment_per_day_journey_and_outcome);
    RUN(foreach_stops_when_the_callback_says_so);
    RUN(two_stores_on_one_file_see_each_others_records);
    RUN(disk_full_during_save_returns_efull_and_stores_nothing);
    RUN(io_error_on_sync_returns_eio_and_stores_nothing);
    RUN(open_in_a_missing_directory_fails_naming_the_path);
    RUN(open_in_a_read_only_directory_fails_naming_the_path);
    RUN(newer_schema_version_is_refused);
    RUN(a_file_that_is_not_a_database_is_reported_corrupt);
    RUN(close_and_errmsg_accept_null);
    RUN(version_1_database_migrates_and_keeps_its_records);
    return check_failures != 0;
}
