/* Tests of the record store against real SQLite files, with a fault-injecting VFS shim. */
#include "check.h"
#include "wal_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "core/record.h"
#include "scratch_util.h"
#include "store/sqlite_err.h"
#include "store/store.h"

/* ---- Scratch directories ------------------------------------------------------------ */

/* A fresh directory for one test. */
static bool make_test_dir(char dir[PATH_MAX])
{
    return make_scratch_dir(dir, "store");
}

/* base + suffix, e.g. a database's "-wal" file. */
static void suffixed(char out[PATH_MAX], const char *base, const char *suffix)
{
    if (snprintf(out, PATH_MAX, "%s%s", base, suffix) >= PATH_MAX)
        abort();
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

/* ---- Raw files: what is really on the disk ------------------------------------------ */

static bool file_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* -1 when there is no such file. */
static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* The whole file in a malloc'd buffer (NULL when it cannot be read). Not for a database the
 * process has open: see file_contains(). */
static char *slurp(const char *path, size_t *len)
{
    *len = 0;
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    char *buf = NULL;
    if (fstat(fd, &sb) == 0 && (buf = malloc((size_t)sb.st_size + 1)) != NULL) {
        size_t got = 0;
        while (got < (size_t)sb.st_size) {
            const ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        *len = got;
    }
    close(fd);
    return buf;
}

static bool contains(const char *buf, size_t len, const char *needle)
{
    const size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= len; i++)
        if (buf[i] == needle[0] && memcmp(buf + i, needle, n) == 0)
            return true;
    return false;
}

/* Whether the file at path holds needle anywhere: 1 yes, 0 no (or no file), -1 the test
 * failed. Read in a child process, because closing any descriptor of a file drops all of this
 * process's POSIX locks on it, SQLite's included (sqlite.org/howtocorrupt.html 2.2). */
static int file_contains(const char *path, const char *needle)
{
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        size_t len;
        char *buf = slurp(path, &len);
        _exit(buf && contains(buf, len, needle) ? 1 : 0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* 1 when any of the database's files (itself, -wal, -shm) holds needle. */
static int db_files_contain(const char *path, const char *needle)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    int found = 0;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char file[PATH_MAX];
        suffixed(file, path, suffixes[i]);
        const int r = file_contains(file, needle);
        if (r < 0)
            return -1;
        if (r == 1) {
            fprintf(stderr, "    \"%s\" found in %s\n", needle, file);
            found = 1;
        }
    }
    return found;
}

/* Overwrites page pageno (1-based) of a closed database with pseudo-random bytes. */
static bool garble_page(const char *path, int64_t pageno, int page_size, uint32_t seed)
{
    char *page = malloc((size_t)page_size);
    if (!page)
        return false;
    uint32_t x = seed ? seed : 1;
    for (int i = 0; i < page_size; i++) {
        x ^= x << 13; /* xorshift32 */
        x ^= x >> 17;
        x ^= x << 5;
        page[i] = (char)(x & 0xff);
    }
    const int fd = open(path, O_WRONLY | O_CLOEXEC);
    const bool ok = fd >= 0 &&
                    pwrite(fd, page, (size_t)page_size, (off_t)((pageno - 1) * page_size)) ==
                        (ssize_t)page_size &&
                    fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    free(page);
    return ok;
}

/* A leaf page of the records table (the one at fraction num/den of them in page order) and
 * how many rows it holds, from the dbstat virtual table; false without dbstat. */
static bool records_leaf_page(const char *path, int num, int den, int64_t *pageno, int *ncell)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *stmt = NULL;
    bool ok = false;
    const int64_t leaves = db ? raw_int(db, "SELECT count(*) FROM dbstat"
                                            " WHERE name = 'records' AND pagetype = 'leaf'")
                              : -999;
    if (leaves > 2 &&
        sqlite3_prepare_v2(db,
                           "SELECT pageno, ncell FROM dbstat WHERE name = 'records'"
                           " AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET ?1",
                           -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(stmt, 1, leaves * num / den) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        *pageno = sqlite3_column_int64(stmt, 0);
        *ncell = sqlite3_column_int(stmt, 1);
        ok = true;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return ok;
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
    CHECK_INT(got->time.boot, want->time.boot);
    CHECK_INT(got->misuse, want->misuse);
}

/* Record number i of a larger set: a padded answer (so that a page holds a few records), a
 * uuid made from i, and a contact on every fifth (a service request). */
static void make_numbered(record_t *rec, int i)
{
    char pad[601], answers[700];
    memset(pad, 'a' + i % 26, sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    snprintf(answers, sizeof answers, "{\"i\":%d,\"note\":\"%s\"}", i, pad);
    make_record(rec, i % 5 == 0 ? RECORD_SERVICE_REQUEST : RECORD_FEEDBACK, answers);
    snprintf(rec->uuid, sizeof rec->uuid, "00000000-0000-4000-8000-%012d", i);
    if (i % 5 == 0) {
        char text[32];
        snprintf(text, sizeof text, "1380000%04d", i);
        rec->contact_phone = strdup(text);
        snprintf(text, sizeof text, "Resident %d", i);
        rec->contact_name = strdup(text);
        rec->consent = true;
    }
    rec->time.utc_ms += i;
    rec->time.mono_ms += i;
}

/* Saves records first..last-1 with make_numbered(), keeping their reference codes. */
static bool save_numbered(store_t *st, int first, int last, char (*refs)[RECORD_REF_LEN + 1])
{
    for (int i = first; i < last; i++) {
        record_t rec;
        make_numbered(&rec, i);
        const int err = store_save(st, &rec);
        memcpy(refs[i], rec.ref_code, sizeof refs[i]);
        record_clear(&rec);
        if (err != KIOSK_OK)
            return false;
    }
    return true;
}

typedef struct {
    char (*refs)[RECORD_REF_LEN + 1];
    int n;        /* records first saved */
    bool *seen;   /* by number */
    int count;    /* records read back */
    int contacts; /* of which with a contact */
} salvage_check_t;

/* Checks that a record read back is identical to the numbered record it claims to be. */
static int check_numbered(const record_t *rec, void *user_data)
{
    salvage_check_t *c = user_data;
    const long i = strtol(rec->uuid + 24, NULL, 10);
    CHECK(i >= 0 && i < c->n);
    if (i < 0 || i >= c->n)
        return 0;
    CHECK(!c->seen[i]);
    c->seen[i] = true;
    c->count++;
    c->contacts += rec->consent;
    record_t want;
    make_numbered(&want, (int)i);
    memcpy(want.ref_code, c->refs[i], sizeof want.ref_code);
    check_same_record(rec, &want);
    record_clear(&want);
    return 0;
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

/* The staff screen's figures, counted from a real database. */
static void staff_figures_count_what_staff_need(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    const int64_t day = 1795897905123 - 3600000, week = day - 6 * 86400000LL;
    /* Two today (one a misuse-flagged rating), a service request two days ago, one older
     * than a week; then all exported, then one more request. */
    record_t rec;
    int64_t times[] = {day + 1000, day + 2000, day - 2 * 86400000LL, week - 1000};
    record_kind_t kinds[] = {RECORD_QUICK_RATING, RECORD_QUICK_RATING, RECORD_SERVICE_REQUEST,
                             RECORD_FEEDBACK};
    for (int i = 0; i < 4; i++) {
        make_record(&rec, kinds[i], "{\"rating\":3}");
        rec.time.utc_ms = times[i];
        rec.misuse = i == 1;
        CHECK_INT(store_save(st, &rec), KIOSK_OK);
        record_clear(&rec);
    }
    staff_stats_t s;
    memset(&s, 0, sizeof s);
    CHECK_INT(store_staff_stats(st, day, week, &s), KIOSK_OK);
    CHECK_INT(s.records_today, 2);
    CHECK_INT(s.records_week, 3);
    CHECK_INT(s.not_exported, 4);
    CHECK_INT(s.requests_waiting, 1);
    CHECK_INT(s.misuse_flagged, 1);
    CHECK_INT(s.last_export_ms, 0); /* never */
    CHECK_INT(store_count_session(st, "2026-11-27", "feedback", SESSION_TIMED_OUT), KIOSK_OK);
    CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_TIMED_OUT), KIOSK_OK);
    CHECK_INT(store_count_session(st, "2026-01-01", "feedback", SESSION_TIMED_OUT), KIOSK_OK);
    CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_COMPLETED), KIOSK_OK);
    int64_t max_id, count, seq;
    CHECK_INT(store_export_begin(st, false, &max_id, &count, &seq), KIOSK_OK);
    int64_t marked = 0;
    CHECK_INT(store_mark_exported(st, max_id, seq, 1795897905123, &marked), KIOSK_OK);
    CHECK_INT(marked, 4);
    make_record(&rec, RECORD_SERVICE_REQUEST, "{\"rating\":3}");
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    record_clear(&rec);
    CHECK_INT(store_staff_stats(st, day, week, &s), KIOSK_OK);
    CHECK_INT(s.timed_out_week, 2);
    CHECK_INT(s.not_exported, 1);
    CHECK_INT(s.requests_waiting, 1);
    CHECK(s.last_export_ms > 1795897905123 - 1000 && s.last_export_ms < 1795897905123 + 1000);
    store_close(st);
    remove_tree(dir);
}

/* The running counts behind the staff figures (table tallies) agree with the records. */
static bool tallies_agree(const char *path)
{
    sqlite3 *db = raw_open(path);
    const int64_t ok =
        db ? raw_int(db, "SELECT (SELECT n FROM tallies WHERE name = 'unexported') ="
                         " (SELECT count(*) FROM records WHERE exported_at IS NULL)"
                         " AND (SELECT n FROM tallies WHERE name = 'requests_unexported') ="
                         " (SELECT count(*) FROM records WHERE exported_at IS NULL"
                         " AND kind = 'service_request')")
           : 0;
    sqlite3_close(db);
    return ok == 1;
}

/* A resident's submission (the record and its session's count) is one transaction: one commit
 * in the -wal, where a save and a count apart are two; refused, it stores and counts nothing. */
static void a_submission_and_its_session_count_are_one_commit(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t rec;
    make_record(&rec, RECORD_FEEDBACK, "{\"rating\":4}");
    int before = wal_commits(path);
    CHECK_INT(store_save_counted(st, &rec, "2026-11-28", "feedback", SESSION_COMPLETED), KIOSK_OK);
    CHECK_INT(wal_commits(path) - before, 1);
    CHECK(rec.uuid[0] != '\0');
    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_COMPLETED), 1);
    CHECK_INT(store_record_count(st), 1);
    CHECK_INT(store_sync_head(st), KIOSK_OK);
    int64_t seq = 0;
    char hash[65];
    CHECK_INT(store_chain_head_read(path, &seq, hash), KIOSK_OK);
    CHECK_INT(seq, 1);
    record_clear(&rec);

    /* The way it was: two commits. */
    make_record(&rec, RECORD_FEEDBACK, "{\"rating\":4}");
    before = wal_commits(path);
    CHECK_INT(store_save(st, &rec), KIOSK_OK);
    CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_COMPLETED), KIOSK_OK);
    CHECK_INT(wal_commits(path) - before, 2);
    record_clear(&rec);

    /* A bad day is refused before anything is written; a record the schema refuses takes its
     * count with it. */
    before = wal_commits(path);
    make_record(&rec, RECORD_FEEDBACK, "{\"rating\":4}");
    CHECK_INT(store_save_counted(st, &rec, "28/11/2026", "feedback", SESSION_COMPLETED),
              KIOSK_EINVAL);
    CHECK_STR(rec.uuid, "");
    record_clear(&rec);
    make_record(&rec, RECORD_FEEDBACK, "[4]");
    CHECK_INT(store_save_counted(st, &rec, "2026-11-28", "feedback", SESSION_COMPLETED),
              KIOSK_EINVAL);
    record_clear(&rec);
    CHECK_INT(wal_commits(path), before);
    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_COMPLETED), 2);
    CHECK_INT(store_record_count(st), 2);
    store_close(st);
    remove_tree(dir);
}

/* Saves n records of kind at utc_ms. */
static void save_kind(store_t *st, record_kind_t kind, int n, int64_t utc_ms)
{
    for (int i = 0; i < n; i++) {
        record_t rec;
        make_record(&rec, kind, "{\"rating\":3}");
        rec.time.utc_ms = utc_ms;
        CHECK_INT(store_save(st, &rec), KIOSK_OK);
        record_clear(&rec);
    }
}

/* The figures' running counts of records not exported (and service requests among them)
 * follow saves, an export with records saved while it ran, retention, a delete by hand and a
 * salvage (above); a version 4 database gets them from its records when it migrates. */
static void the_running_counts_follow_saves_exports_deletions_and_migration(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    const int64_t t0 = 1795897905123, day = t0 - 3600000, week = day - 6 * 86400000LL;
    save_kind(st, RECORD_QUICK_RATING, 3, t0);
    save_kind(st, RECORD_SERVICE_REQUEST, 2, t0);
    staff_stats_t s;
    memset(&s, 0, sizeof s);
    CHECK_INT(store_staff_stats(st, day, week, &s), KIOSK_OK);
    CHECK_INT(s.not_exported, 5);
    CHECK_INT(s.requests_waiting, 2);
    CHECK(tallies_agree(path));

    /* An export: two records come while it writes the stick, and stay not exported. */
    int64_t max_id, count, seq, marked;
    CHECK_INT(store_export_begin(st, false, &max_id, &count, &seq), KIOSK_OK);
    save_kind(st, RECORD_SERVICE_REQUEST, 1, t0);
    save_kind(st, RECORD_FEEDBACK, 1, t0);
    CHECK_INT(store_mark_exported(st, max_id, seq, t0, &marked), KIOSK_OK);
    CHECK_INT(marked, 5);
    CHECK_INT(store_staff_stats(st, day, week, &s), KIOSK_OK);
    CHECK_INT(s.not_exported, 2);
    CHECK_INT(s.requests_waiting, 1);
    CHECK(tallies_agree(path));

    /* Retention deletes the exported records a year on: the counts stay. */
    int64_t erased = 0, deleted = 0;
    CHECK_INT(store_apply_retention(st, t0 + 400 * 86400000LL, NULL, &erased, &deleted), KIOSK_OK);
    CHECK_INT(deleted, 5);
    CHECK_INT(store_staff_stats(st, day, week, &s), KIOSK_OK);
    CHECK_INT(s.not_exported, 2);
    CHECK_INT(s.requests_waiting, 1);
    CHECK(tallies_agree(path));
    store_close(st);

    /* A record deleted through the sqlite3 shell: the trigger counts it too. */
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(db, "DELETE FROM records WHERE kind = 'service_request'", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(tallies_agree(path));

    /* Back to version 4, with counts gone: the migration counts the records. */
    db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(db,
                       "DROP TRIGGER records_tally_insert; DROP TRIGGER records_tally_delete;"
                       " DROP TABLE tallies; DROP INDEX records_utc_ms;"
                       " DROP INDEX records_misuse_utc_ms; PRAGMA user_version = 4;",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    save_kind(st, RECORD_SERVICE_REQUEST, 1, t0);
    CHECK_INT(store_staff_stats(st, day, week, &s), KIOSK_OK);
    CHECK_INT(s.not_exported, 2);
    CHECK_INT(s.requests_waiting, 1);
    CHECK_INT(s.records_today, 2);
    CHECK(tallies_agree(path));
    store_close(st);
    remove_tree(dir);
}

/* store_changes() moves with every write, this store's or another connection's, and not with
 * a read: what lets the staff screen keep its figures. */
static void changes_move_with_writes_not_reads(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    int64_t own0, others0, own, others;
    CHECK_INT(store_changes(st, &own0, &others0), KIOSK_OK);
    staff_stats_t s;
    CHECK_INT(store_staff_stats(st, 0, 0, &s), KIOSK_OK);
    CHECK_INT(store_changes(st, &own, &others), KIOSK_OK);
    CHECK(own == own0 && others == others0);
    save_kind(st, RECORD_FEEDBACK, 1, 1795897905123);
    CHECK_INT(store_changes(st, &own, &others), KIOSK_OK);
    CHECK(own != own0);
    own0 = own;
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(db, "UPDATE meta SET value = 'x' WHERE key = 'last_export_stick'", NULL,
                       NULL, NULL) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "INSERT INTO meta(key, value) VALUES('elsewhere', 1)", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(store_changes(st, &own, &others), KIOSK_OK);
    CHECK(own == own0 && others != others0);
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

/* One errno table for the whole firmware (core/kerr.c); the store's SQLite translation
 * delegates to it. The agreed answers: a file too large for the medium is "full", an unknown
 * errno an I/O error. */
static void errno_and_sqlite_codes_translate_through_one_table(void)
{
    CHECK_INT(kiosk_from_errno(ENOSPC), KIOSK_EFULL);
    CHECK_INT(kiosk_from_errno(EDQUOT), KIOSK_EFULL);
    CHECK_INT(kiosk_from_errno(EFBIG), KIOSK_EFULL);
    CHECK_INT(kiosk_from_errno(EIO), KIOSK_EIO);
    CHECK_INT(kiosk_from_errno(EXDEV), KIOSK_EIO); /* says nothing the firmware acts on */
    CHECK_INT(kiosk_from_errno(0), KIOSK_EIO);
    CHECK_INT(kiosk_from_errno(123456), KIOSK_EIO);

    CHECK_INT(store_sqlite_code(NULL, SQLITE_FULL), KIOSK_EFULL);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_IOERR_WRITE), KIOSK_EIO); /* no errno to ask */
    CHECK_INT(store_sqlite_code(NULL, SQLITE_IOERR_NOMEM), KIOSK_ENOMEM);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_CANTOPEN), KIOSK_EIO);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_CORRUPT_VTAB), KIOSK_ECORRUPT);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_READONLY_DBMOVED), KIOSK_EACCES);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_BUSY_SNAPSHOT), KIOSK_EBUSY);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_CONSTRAINT_UNIQUE), KIOSK_EINVAL);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_OK), KIOSK_OK);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_DONE), KIOSK_OK);
    CHECK_INT(store_sqlite_code(NULL, SQLITE_PROTOCOL), KIOSK_EIO); /* unknown to us */
}

/* A write past the file size limit fails with EFBIG behind SQLITE_IOERR_WRITE, a real write
 * of the unix VFS (no shim): the translation asks sqlite3_system_errno() and reports a full
 * medium, as kiosk_from_errno() says. The page cache is kept tiny so that the write happens
 * while the statement runs, where SQLite records the errno. */
static void a_write_past_the_file_size_limit_translates_to_efull(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "big.db");
    fflush(NULL);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        /* The limit applies to this child only; EFBIG instead of the SIGXFSZ that kills. */
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim;
        if (getrlimit(RLIMIT_FSIZE, &lim) != 0)
            _exit(100);
        lim.rlim_cur = 64 * 1024;
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
            _exit(101);
        sqlite3 *db = raw_open(path);
        if (!db || sqlite3_exec(db,
                                "PRAGMA journal_mode=DELETE; PRAGMA cache_size=2;"
                                " CREATE TABLE t(x); BEGIN;",
                                NULL, NULL, NULL) != SQLITE_OK)
            _exit(102);
        const int rc = sqlite3_exec(db,
                                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                                    " FROM n WHERE i < 400) INSERT INTO t SELECT randomblob(4000)"
                                    " FROM n",
                                    NULL, NULL, NULL);
        fprintf(stderr, "    %s (errno %d)\n", sqlite3_errmsg(db), sqlite3_system_errno(db));
        if ((rc & 0xff) != SQLITE_IOERR || sqlite3_system_errno(db) != EFBIG)
            _exit(103); /* not the case this test is about */
        _exit(-store_sqlite_code(db, rc));
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), -KIOSK_EFULL);
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

/* ---- Start-up check and recovery ------------------------------------------------------ */

static void clean_open_and_close_leave_no_marker_and_run_a_quick_check(void)
{
    char dir[PATH_MAX], path[PATH_MAX], marker[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    join(marker, dir, "kiosk.db-running");
    for (int round = 0; round < 2; round++) {
        store_t *st = NULL;
        store_recovery_t rec;
        memset(&rec, 0x55, sizeof rec);
        char err[512] = "x";
        REQUIRE(store_open_checked(path, &st, &rec, err, sizeof err) == KIOSK_OK);
        CHECK(!rec.unclean);
        CHECK(!rec.checked_full);
        CHECK(!rec.moved_aside);
        CHECK_STR(rec.moved_to, "");
        CHECK_STR(rec.problem, "");
        CHECK_INT(rec.salvaged_records, 0);
        CHECK_STR(err, "");
        CHECK(file_exists(marker)); /* while the store is open */
        record_t r;
        make_record(&r, RECORD_FEEDBACK, "{\"rating\":4}");
        CHECK_INT(store_save(st, &r), KIOSK_OK);
        record_clear(&r);
        store_close(st);
        CHECK(!file_exists(marker));
    }
    CHECK_INT(count_rows(path, "records"), 2);

    /* A fault that only the full check sees (an index whose entries do not match its table)
     * passes the quick check of a clean start: nothing is moved. */
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(
              db,
              "CREATE TABLE t(x, y); CREATE INDEX t_x ON t(x); INSERT INTO t VALUES(1, 2);"
              "PRAGMA writable_schema=ON;"
              "UPDATE sqlite_schema SET sql = 'CREATE INDEX t_x ON t(y)' WHERE name = 't_x';",
              NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    store_t *st = NULL;
    store_recovery_t rec;
    REQUIRE(store_open_checked(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(!rec.checked_full);
    CHECK(!rec.moved_aside);
    store_close(st);
    CHECK_INT(count_rows(path, "records"), 2);

    /* The same file after an unclean shutdown gets the full check, which finds the fault. */
    const int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    close(fd);
    char err[512] = "";
    REQUIRE(store_open_checked(path, &st, &rec, err, sizeof err) == KIOSK_OK);
    CHECK(rec.unclean);
    CHECK(rec.checked_full);
    CHECK(rec.moved_aside);
    CHECK(strstr(rec.problem, "missing from index") != NULL);
    CHECK_INT(rec.salvaged_records, 2);
    CHECK_STR(err, "");
    CHECK_INT(store_record_count(st), 2);
    fprintf(stderr, "    problem: %s\n", rec.problem);
    store_close(st);
    CHECK(!file_exists(marker));
    CHECK(file_exists(rec.moved_to));
    remove_tree(dir);
}

static void a_leftover_marker_makes_it_a_full_check(void)
{
    char dir[PATH_MAX], path[PATH_MAX], marker[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    join(marker, dir, "kiosk.db-running");

    /* A kiosk that dies with its store open: the marker stays, the saves are in the WAL. */
    fflush(NULL);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        store_t *st = NULL;
        if (store_open_checked(path, &st, NULL, NULL, 0) != KIOSK_OK)
            _exit(2);
        for (int i = 0; i < 3; i++) {
            record_t r;
            make_record(&r, RECORD_QUICK_RATING, "{\"face\":1}");
            if (store_save(st, &r) != KIOSK_OK)
                _exit(3);
        }
        _exit(0); /* no store_close() */
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(file_exists(marker));

    store_t *st = NULL;
    store_recovery_t rec;
    REQUIRE(store_open_checked(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(rec.unclean);
    CHECK(rec.checked_full);
    CHECK(!rec.moved_aside);
    CHECK_STR(rec.problem, "");
    CHECK_INT(store_record_count(st), 3);
    CHECK(file_exists(marker));
    store_close(st);
    CHECK(!file_exists(marker));

    /* The next start is clean again. */
    REQUIRE(store_open_checked(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(!rec.unclean);
    CHECK(!rec.checked_full);
    store_close(st);
    remove_tree(dir);
}

enum { SALVAGE_N = 300 };

static void a_garbled_page_moves_the_database_aside_and_the_rest_is_salvaged(void)
{
    char dir[PATH_MAX], path[PATH_MAX], marker[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    join(marker, dir, "kiosk.db-running");
    static char refs[SALVAGE_N][RECORD_REF_LEN + 1];
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    REQUIRE(save_numbered(st, 0, SALVAGE_N, refs));
    CHECK_INT(store_count_session(st, "2026-11-28", "feedback", SESSION_COMPLETED), KIOSK_OK);
    int64_t boots = 0;
    CHECK_INT(store_note_boot(st, "boot-one", &boots), KIOSK_OK);
    store_close(st);

    /* Garbage over a leaf page of records in the middle of the file. */
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    const int64_t page_size = raw_int(db, "PRAGMA page_size");
    const int64_t pages = raw_int(db, "PRAGMA page_count");
    sqlite3_close(db);
    int64_t victim = pages / 2;
    int lost_rows = -1;
    const bool known = records_leaf_page(path, 1, 2, &victim, &lost_rows);
    fprintf(stderr, "    %lld pages; garbling page %lld (%d records)\n", (long long)pages,
            (long long)victim, lost_rows);
    REQUIRE(garble_page(path, victim, (int)page_size, 2026));
    size_t bad_len;
    char *bad = slurp(path, &bad_len);
    REQUIRE(bad != NULL);

    store_recovery_t rec;
    char err[512] = "x";
    CHECK_INT(store_open_checked(path, &st, &rec, err, sizeof err), KIOSK_OK);
    CHECK_STR(err, "");
    CHECK(!rec.unclean);
    CHECK(!rec.checked_full);
    CHECK(rec.moved_aside);
    CHECK(rec.problem[0] != '\0' && strcmp(rec.problem, "ok") != 0);
    fprintf(stderr, "    problem: %s\n    moved to: %s\n", rec.problem, rec.moved_to);

    /* "<path>.corrupt-YYYYMMDDTHHMMSSZ", holding exactly the bytes that were there. */
    char prefix[PATH_MAX];
    suffixed(prefix, path, ".corrupt-");
    CHECK(strncmp(rec.moved_to, prefix, strlen(prefix)) == 0);
    const char *stamp = rec.moved_to + strlen(prefix);
    CHECK(strlen(stamp) == 16 && stamp[8] == 'T' && stamp[15] == 'Z');
    size_t moved_len;
    char *moved = slurp(rec.moved_to, &moved_len);
    CHECK(moved != NULL && moved_len == bad_len && memcmp(moved, bad, bad_len) == 0);
    free(moved);
    free(bad);

    /* A good share comes back, identical; only the garbled page's rows are lost. */
    REQUIRE(st != NULL);
    static bool seen[SALVAGE_N];
    memset(seen, 0, sizeof seen);
    salvage_check_t c = {.refs = refs, .n = SALVAGE_N, .seen = seen};
    CHECK_INT(store_foreach_record(st, check_numbered, &c), 0);
    CHECK(tallies_agree(path)); /* the figures' running counts count what was salvaged */
    fprintf(stderr, "    salvaged %lld of %d records, %lld contacts\n",
            (long long)rec.salvaged_records, SALVAGE_N, (long long)rec.salvaged_contacts);
    CHECK_INT(c.count, rec.salvaged_records);
    CHECK_INT(c.contacts, rec.salvaged_contacts);
    CHECK(rec.salvaged_records >= SALVAGE_N * 9 / 10);
    if (known)
        CHECK_INT(rec.salvaged_records, SALVAGE_N - lost_rows);
    CHECK_INT(store_session_count(st, "2026-11-28", "feedback", SESSION_COMPLETED), 1);
    int64_t last = 0;
    CHECK_INT(store_last_utc_ms(st, &last), KIOSK_OK);
    CHECK_INT(last, 1795897905123 + SALVAGE_N - 1);
    CHECK_INT(store_note_boot(st, "boot-one", &boots), KIOSK_OK);
    CHECK_INT(boots, 1); /* the boot counter came across */

    /* The fresh database takes new records and is whole. */
    record_t r;
    make_record(&r, RECORD_FEEDBACK, "{\"rating\":5}");
    CHECK_INT(store_save(st, &r), KIOSK_OK);
    record_clear(&r);
    store_close(st);
    CHECK(!file_exists(marker));
    db = raw_open(path);
    REQUIRE(db != NULL);
    char text[64];
    CHECK_STR(raw_text(db, "PRAGMA integrity_check", text, sizeof text), "ok");
    CHECK_INT(raw_int(db, "SELECT count(*) FROM records"), rec.salvaged_records + 1);
    sqlite3_close(db);
    CHECK(file_exists(rec.moved_to));

    /* Garbled again: a second name is picked the same second or later, never the first. */
    char first[sizeof rec.moved_to];
    memcpy(first, rec.moved_to, sizeof first);
    REQUIRE(garble_page(path, 1, (int)page_size, 7));
    REQUIRE(store_open_checked(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(rec.moved_aside);
    CHECK(strcmp(rec.moved_to, first) != 0);
    CHECK(file_exists(first));
    store_close(st);
    remove_tree(dir);
}

static void saves_only_in_the_wal_are_salvaged_after_a_crash(void)
{
    enum { N = 240, CHECKPOINTED = 200 };
    char dir[PATH_MAX], path[PATH_MAX], side[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    static char refs[N][RECORD_REF_LEN + 1];
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    REQUIRE(save_numbered(st, 0, CHECKPOINTED, refs));
    store_close(st);
    int64_t victim = 0;
    int lost_rows = 0;
    if (!records_leaf_page(path, 1, 3, &victim, &lost_rows)) {
        fprintf(stderr, "    skipped: this SQLite has no dbstat\n");
        remove_tree(dir);
        return;
    }

    /* The kiosk saves 40 more and dies: they are in the WAL only. The reference codes come
     * back through a pipe. */
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    fflush(NULL);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (store_open_checked(path, &st, NULL, NULL, 0) != KIOSK_OK ||
            !save_numbered(st, CHECKPOINTED, N, refs))
            _exit(2);
        const size_t len = sizeof refs[0] * (N - CHECKPOINTED);
        _exit(write(fds[1], (const void *)(refs + CHECKPOINTED), len) == (ssize_t)len ? 0 : 3);
    }
    close(fds[1]);
    const size_t want = sizeof refs[0] * (N - CHECKPOINTED);
    CHECK(read(fds[0], (void *)(refs + CHECKPOINTED), want) == (ssize_t)want);
    close(fds[0]);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    suffixed(side, path, "-wal");
    CHECK(file_size(side) > 0);

    REQUIRE(garble_page(path, victim, 4096, 99));
    store_recovery_t rec;
    REQUIRE(store_open_checked(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(rec.unclean);
    CHECK(rec.checked_full);
    CHECK(rec.moved_aside);
    suffixed(side, rec.moved_to, "-wal");
    CHECK(file_size(side) > 0); /* the WAL went with its database */
    static bool seen[N];
    memset(seen, 0, sizeof seen);
    salvage_check_t c = {.refs = refs, .n = N, .seen = seen};
    CHECK_INT(store_foreach_record(st, check_numbered, &c), 0);
    fprintf(stderr, "    salvaged %lld of %d records (page %lld held %d)\n",
            (long long)rec.salvaged_records, N, (long long)victim, lost_rows);
    CHECK_INT(rec.salvaged_records, N - lost_rows);
    int wal_only = 0;
    for (int i = CHECKPOINTED; i < N; i++)
        wal_only += seen[i];
    CHECK_INT(wal_only, N - CHECKPOINTED);
    store_close(st);
    remove_tree(dir);
}

static void a_file_that_is_not_a_database_is_moved_aside_and_a_fresh_one_opened(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    char garbage[8192];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)('A' + (i * 11) % 26);
    FILE *f = fopen(path, "wb");
    REQUIRE(f != NULL);
    CHECK(fwrite(garbage, 1, sizeof garbage, f) == sizeof garbage);
    fclose(f);

    store_t *st = NULL;
    store_recovery_t rec;
    char err[512] = "x";
    REQUIRE(store_open_checked(path, &st, &rec, err, sizeof err) == KIOSK_OK);
    CHECK(rec.moved_aside);
    CHECK(strstr(rec.problem, "not a database") != NULL);
    CHECK_INT(rec.salvaged_records, 0);
    CHECK_INT(rec.salvaged_contacts, 0);
    fprintf(stderr, "    problem: %s\n", rec.problem);
    CHECK_INT(store_record_count(st), 0);
    record_t r;
    make_record(&r, RECORD_FEEDBACK, "{}");
    CHECK_INT(store_save(st, &r), KIOSK_OK);
    record_clear(&r);
    store_close(st);
    CHECK_INT(count_rows(path, "records"), 1);

    size_t len;
    char *moved = slurp(rec.moved_to, &len);
    CHECK(moved != NULL && len == sizeof garbage && memcmp(moved, garbage, len) == 0);
    free(moved);

    /* A path that cannot be a database at all is an error, not a recovery. */
    char missing[PATH_MAX];
    join(missing, dir, "no/such/kiosk.db");
    st = (store_t *)&st;
    err[0] = '\0';
    CHECK_INT(store_open_checked(missing, &st, &rec, err, sizeof err), KIOSK_ENOENT);
    CHECK(st == NULL);
    CHECK(!rec.moved_aside);
    CHECK(strstr(err, missing) != NULL);
    CHECK_INT(store_open_checked("", &st, NULL, err, sizeof err), KIOSK_EINVAL);

    /* Neither is a database from a newer firmware: it is whole, and stays where it is. */
    char newer[PATH_MAX];
    join(newer, dir, "newer.db");
    sqlite3 *db = raw_open(newer);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(db, "CREATE TABLE future(x); PRAGMA user_version=99;", NULL, NULL, NULL) ==
          SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(store_open_checked(newer, &st, &rec, err, sizeof err), KIOSK_EINVAL);
    CHECK(st == NULL);
    CHECK(!rec.moved_aside);
    CHECK(strstr(err, "99") != NULL);
    db = raw_open(newer);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "PRAGMA user_version"), 99);
    sqlite3_close(db);
    remove_tree(dir);
}

/* ---- Clock without RTC ---------------------------------------------------------------- */

static void the_boot_counter_increments_only_on_a_new_boot_id_and_survives_reopen(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    int64_t n = -1;
    CHECK_INT(store_note_boot(st, "5e2b9c1a-0d4f-4a57-9b51-3f6f7c1e2a10\n", &n), KIOSK_OK);
    CHECK_INT(n, 1);
    CHECK_INT(store_note_boot(st, "5e2b9c1a-0d4f-4a57-9b51-3f6f7c1e2a10", &n), KIOSK_OK);
    CHECK_INT(n, 1); /* the kiosk restarted, the board did not */
    CHECK_INT(store_note_boot(st, "a1c3e5f7-2222-4bbb-8ccc-0123456789ab\n", &n), KIOSK_OK);
    CHECK_INT(n, 2);
    CHECK_INT(store_note_boot(st, "", &n), KIOSK_EINVAL);
    CHECK_INT(store_note_boot(st, "\n", &n), KIOSK_EINVAL);
    CHECK_INT(store_note_boot(st, NULL, &n), KIOSK_EINVAL);
    char longid[200];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    CHECK_INT(store_note_boot(st, longid, &n), KIOSK_EINVAL);
    store_close(st);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    CHECK_INT(store_note_boot(st, "a1c3e5f7-2222-4bbb-8ccc-0123456789ab", &n), KIOSK_OK);
    CHECK_INT(n, 2);
    CHECK_INT(store_note_boot(st, "0bad0bad-3333-4ccc-8ddd-0123456789ab", NULL), KIOSK_OK);
    CHECK_INT(store_note_boot(st, "0bad0bad-3333-4ccc-8ddd-0123456789ab", &n), KIOSK_OK);
    CHECK_INT(n, 3);
    store_close(st);
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "SELECT value FROM meta WHERE key = 'boot_count'"), 3);
    sqlite3_close(db);
    remove_tree(dir);
}

/* A synchronised clock is trusted even when it is earlier than a stored time: it corrects a
 * wrong clock (set by hand into the future), and the stored latest time stays. */
static void a_synchronised_clock_earlier_than_the_last_time_is_trusted(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t a, b;
    make_record(&a, RECORD_FEEDBACK, "{\"n\":1}");
    a.time.utc_ms = 1900000000000; /* 2030: somebody set the clock wrong, unsynchronised */
    a.time.clock_synced = false;
    CHECK_INT(store_save(st, &a), KIOSK_OK);
    make_record(&b, RECORD_FEEDBACK, "{\"n\":2}");
    CHECK_INT(store_save(st, &b), KIOSK_OK); /* NTP: 2026, synchronised */
    CHECK_INT(b.time.utc_ms, 1795897905123);
    CHECK(b.time.clock_synced);
    int64_t last = 0;
    CHECK_INT(store_last_utc_ms(st, &last), KIOSK_OK);
    CHECK_INT(last, 1900000000000);
    record_clear(&a);
    record_clear(&b);
    store_close(st);
    remove_tree(dir);
}

static void a_save_with_an_earlier_wall_clock_is_stored_at_the_last_time_unsynchronised(void)
{
    char dir[PATH_MAX], path[PATH_MAX], text[64];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    int64_t last = -1;
    CHECK_INT(store_last_utc_ms(st, &last), KIOSK_OK);
    CHECK_INT(last, 0); /* nothing saved yet */

    const int64_t t = 1795897905123; /* 2026-11-28T20:31:45.123Z, synchronised */
    record_t a, b, c;
    make_record(&a, RECORD_FEEDBACK, "{\"n\":1}");
    CHECK_INT(store_save(st, &a), KIOSK_OK);
    CHECK_INT(a.time.utc_ms, t);
    CHECK(a.time.clock_synced);
    store_close(st);

    /* Rebooted without RTC: the clock says 1970 plus a minute, not synchronised. */
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    CHECK_INT(store_last_utc_ms(st, &last), KIOSK_OK);
    CHECK_INT(last, t);
    make_record(&b, RECORD_FEEDBACK, "{\"n\":2}");
    b.time.utc_ms = 60000;
    b.time.clock_synced = false;
    b.time.mono_ms = 9000;
    CHECK_INT(store_save(st, &b), KIOSK_OK);
    CHECK_INT(b.time.utc_ms, t);
    CHECK(!b.time.clock_synced);
    CHECK_INT(b.time.mono_ms, 9000);
    /* NTP caught up: later times are taken as they are. */
    make_record(&c, RECORD_FEEDBACK, "{\"n\":3}");
    c.time.utc_ms = t + 5000;
    CHECK_INT(store_save(st, &c), KIOSK_OK);
    CHECK_INT(c.time.utc_ms, t + 5000);
    CHECK(c.time.clock_synced);
    CHECK_INT(store_last_utc_ms(st, &last), KIOSK_OK);
    CHECK_INT(last, t + 5000);
    store_close(st);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    collected_t got = {0};
    CHECK_INT(store_foreach_record(st, collect, &got), 0);
    CHECK_INT(got.count, 3);
    if (got.count == 3) {
        check_same_record(&got.recs[0], &a);
        check_same_record(&got.recs[1], &b);
        check_same_record(&got.recs[2], &c);
        CHECK_INT(got.recs[1].time.utc_ms, t);
        CHECK(!got.recs[1].time.clock_synced);
    }
    collected_clear(&got);
    store_close(st);
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_STR(raw_text(db, "SELECT created_utc FROM records WHERE id = 2", text, sizeof text),
              "2026-11-28T20:31:45.123Z");
    sqlite3_close(db);
    record_clear(&a);
    record_clear(&b);
    record_clear(&c);
    remove_tree(dir);
}

static void the_boot_number_is_stored_and_read_back(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t want[4];
    make_record(&want[0], RECORD_QUICK_RATING, "{\"face\":1}");
    want[0].time.boot = 77; /* ignored: the store stamps its own count */
    CHECK_INT(store_save(st, &want[0]), KIOSK_OK);
    CHECK_INT(want[0].time.boot, 0); /* store_note_boot() never called */
    CHECK_INT(store_note_boot(st, "boot-a", NULL), KIOSK_OK);
    make_record(&want[1], RECORD_QUICK_RATING, "{\"face\":2}");
    CHECK_INT(store_save(st, &want[1]), KIOSK_OK);
    CHECK_INT(want[1].time.boot, 1);
    CHECK_INT(store_note_boot(st, "boot-b", NULL), KIOSK_OK);
    make_record(&want[2], RECORD_SERVICE_REQUEST, "{\"service\":\"legal_aid\"}");
    CHECK_INT(store_save(st, &want[2]), KIOSK_OK);
    CHECK_INT(want[2].time.boot, 2);
    store_close(st);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    CHECK_INT(store_note_boot(st, "boot-b", NULL), KIOSK_OK);
    make_record(&want[3], RECORD_FEEDBACK, "{}");
    CHECK_INT(store_save(st, &want[3]), KIOSK_OK);
    CHECK_INT(want[3].time.boot, 2);
    collected_t got = {0};
    CHECK_INT(store_foreach_record(st, collect, &got), 0);
    CHECK_INT(got.count, 4);
    for (int i = 0; i < got.count && i < 4; i++)
        check_same_record(&got.recs[i], &want[i]);
    collected_clear(&got);
    store_close(st);
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "SELECT group_concat(boot, '') FROM records"), 122);
    sqlite3_close(db);
    for (int i = 0; i < 4; i++)
        record_clear(&want[i]);
    remove_tree(dir);
}

/* A version 2 database (made here by undoing migration 3) gains the boot column, and its
 * clock guard starts at its latest record. */
static void version_2_database_migrates_and_starts_the_clock_guard_at_its_latest_record(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    for (int i = 0; i < 3; i++) {
        record_t r;
        make_record(&r, RECORD_FEEDBACK, "{}");
        r.time.utc_ms += i == 1 ? 1000 : 0;
        CHECK_INT(store_save(st, &r), KIOSK_OK);
        record_clear(&r);
    }
    store_close(st);
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK(sqlite3_exec(
              db,
              "DROP TRIGGER records_tally_insert; DROP TRIGGER records_tally_delete;"
              " DROP TABLE tallies; DROP INDEX records_utc_ms; DROP INDEX records_misuse_utc_ms;"
              " DROP TRIGGER records_chain_gone; DROP TABLE chain_gone;"
              " DROP INDEX records_seq; ALTER TABLE records DROP COLUMN seq;"
              " ALTER TABLE records DROP COLUMN prev_hash;"
              " ALTER TABLE records DROP COLUMN hash;"
              " ALTER TABLE records DROP COLUMN answers_hash;"
              " ALTER TABLE records DROP COLUMN contact_digest;"
              " ALTER TABLE contacts DROP COLUMN nonce;"
              " ALTER TABLE records DROP COLUMN boot; DELETE FROM meta"
              " WHERE key <> 'kiosk_schema_created'; PRAGMA user_version = 2;",
              NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);

    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    int64_t last = 0;
    CHECK_INT(store_last_utc_ms(st, &last), KIOSK_OK);
    CHECK_INT(last, 1795897905123 + 1000);
    record_t r;
    make_record(&r, RECORD_FEEDBACK, "{}");
    r.time.clock_synced = false; /* an unsynchronised clock behind the latest record */
    CHECK_INT(store_save(st, &r), KIOSK_OK);
    CHECK_INT(r.time.utc_ms, 1795897905123 + 1000);
    CHECK(!r.time.clock_synced);
    record_clear(&r);
    store_close(st);
    db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM records WHERE boot = 0"), 4);
    sqlite3_close(db);
    remove_tree(dir);
}

/* ---- Retention and erasure ------------------------------------------------------------ */

#define DAY_MS 86400000LL

/* Sets records.exported_at of the record with uuid to ago_days before now, on the test's
 * own connection, as the export code will; offset_min != 0 writes a local time. */
static bool mark_exported(sqlite3 *db, const char *uuid, int64_t now, double ago_days,
                          int32_t offset_min)
{
    char when[ISO8601_LEN], sql[1024];
    iso8601_format(now - (int64_t)(ago_days * (double)DAY_MS), offset_min, when);
    snprintf(sql, sizeof sql, "UPDATE records SET exported_at = '%s' WHERE uuid = '%s'", when,
             uuid);
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK && sqlite3_changes(db) == 1;
}

static void retention_erases_contacts_and_old_records_by_age(void)
{
    char dir[PATH_MAX], path[PATH_MAX], wal[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    suffixed(wal, path, "-wal");
    const int64_t now = 1795897905123;
    /* name, collected days ago, exported days ago (< 0: never), with a contact */
    static const struct {
        const char *name;
        double collected, exported;
        bool contact;
    } rows[] = {
        {"old_record", 400, 366, false},       /* deleted (answers period) */
        {"old_request", 399, 366, true},       /* deleted with its contact */
        {"kept_record", 398, 364, false},      /* kept */
        {"too_old_unexported", 181, -1, true}, /* contact erased (max period) */
        {"young_unexported", 179, -1, true},   /* contact kept */
        {"exported_long_ago", 60, 31, true},   /* contact erased (after export) */
        {"exported_recently", 59, 29.5, true}, /* contact kept */
    };
    enum { ROWS = sizeof rows / sizeof rows[0] };
    char uuids[ROWS][RECORD_UUID_LEN + 1];
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    for (int i = 0; i < ROWS; i++) { /* in time order: the clock guard would move them */
        record_t r;
        char answers[64];
        snprintf(answers, sizeof answers, "{\"case\":\"%s\"}", rows[i].name);
        make_record(&r, rows[i].contact ? RECORD_SERVICE_REQUEST : RECORD_FEEDBACK, answers);
        r.time.utc_ms = now - (int64_t)(rows[i].collected * (double)DAY_MS);
        if (rows[i].contact) {
            r.contact_phone = strdup("13800138000");
            r.consent = true;
        }
        CHECK_INT(store_save(st, &r), KIOSK_OK);
        memcpy(uuids[i], r.uuid, sizeof uuids[i]);
        record_clear(&r);
    }
    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    for (int i = 0; i < ROWS; i++)
        if (rows[i].exported >= 0)
            CHECK(mark_exported(db, uuids[i], now, rows[i].exported, i % 2 ? 480 : 0));

    int64_t erased = -1, deleted = -1;
    CHECK_INT(store_apply_retention(st, now, NULL, &erased, &deleted), KIOSK_OK);
    CHECK_INT(erased, 3);
    CHECK_INT(deleted, 2);
    CHECK_INT(file_size(wal), 0); /* checkpointed and truncated */
    char sql[1024];
    for (int i = 0; i < ROWS; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM records WHERE uuid = '%s') * 10 +"
                 " (SELECT count(*) FROM contacts JOIN records ON id = record_id"
                 "  WHERE uuid = '%s')",
                 uuids[i], uuids[i]);
        const int64_t want = i < 2 ? 0 : i == 2 || i == 3 || i == 5 ? 10 : 11;
        if (raw_int(db, sql) != want)
            fprintf(stderr, "    case %s\n", rows[i].name);
        CHECK_INT(raw_int(db, sql), want);
    }
    /* Nothing more to do the second time. */
    CHECK_INT(store_apply_retention(st, now, NULL, &erased, &deleted), KIOSK_OK);
    CHECK_INT(erased, 0);
    CHECK_INT(deleted, 0);
    /* Shorter periods: erase contacts as soon as they are exported. */
    const store_retention_t strict = {
        .contact_after_export_days = 0, .contact_max_days = 180, .answers_after_export_days = 365};
    CHECK_INT(store_apply_retention(st, now, &strict, &erased, NULL), KIOSK_OK);
    CHECK_INT(erased, 1);
    const store_retention_t bad = {
        .contact_after_export_days = -1, .contact_max_days = 180, .answers_after_export_days = 1};
    CHECK_INT(store_apply_retention(st, now, &bad, &erased, &deleted), KIOSK_EINVAL);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM contacts"), 1);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM records"), ROWS - 2);
    sqlite3_close(db);
    store_close(st);
    remove_tree(dir);
}

static void erasing_a_contact_by_reference_code_keeps_the_answers(void)
{
    char dir[PATH_MAX], path[PATH_MAX], text[128];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    record_t req, other, quiet;
    make_record(&req, RECORD_SERVICE_REQUEST, "{\"service\":\"elderly_care\"}");
    req.contact_phone = strdup("13800138000");
    req.consent = true;
    make_record(&other, RECORD_SERVICE_REQUEST, "{\"service\":\"legal_aid\"}");
    other.contact_name = strdup("Li");
    other.consent = true;
    make_record(&quiet, RECORD_SERVICE_REQUEST, "{\"service\":\"other\"}");
    CHECK_INT(store_save(st, &req), KIOSK_OK);
    CHECK_INT(store_save(st, &other), KIOSK_OK);
    CHECK_INT(store_save(st, &quiet), KIOSK_OK);

    char lower[RECORD_REF_LEN + 1];
    for (int i = 0; i <= RECORD_REF_LEN; i++)
        lower[i] = req.ref_code[i] >= 'A' && req.ref_code[i] <= 'Z'
                       ? (char)(req.ref_code[i] - 'A' + 'a')
                       : req.ref_code[i];
    CHECK_INT(store_erase_contact(st, lower), KIOSK_OK); /* typed by staff in lower case */
    CHECK_INT(store_erase_contact(st, req.ref_code), KIOSK_ENOENT);
    CHECK(strstr(store_errmsg(st), "no contact") != NULL);
    CHECK_INT(store_erase_contact(st, quiet.ref_code), KIOSK_ENOENT);
    const char *unused = strcmp(req.ref_code, "XXXXXX") && strcmp(other.ref_code, "XXXXXX") &&
                                 strcmp(quiet.ref_code, "XXXXXX")
                             ? "XXXXXX"
                             : "YYYYYY";
    CHECK_INT(store_erase_contact(st, unused), KIOSK_ENOENT);
    CHECK(strstr(store_errmsg(st), "no reference code") != NULL);
    CHECK_INT(store_erase_contact(st, "ABC"), KIOSK_EINVAL);
    CHECK_INT(store_erase_contact(st, NULL), KIOSK_EINVAL);
    CHECK_INT(store_record_count(st), 3);
    store_close(st);

    sqlite3 *db = raw_open(path);
    REQUIRE(db != NULL);
    CHECK_INT(raw_int(db, "SELECT count(*) FROM contacts"), 1);
    CHECK_STR(raw_text(db, "SELECT name FROM contacts", text, sizeof text), "Li");
    snprintf(text, sizeof text,
             "SELECT count(*) FROM records WHERE ref_code = '%s'"
             " AND answers = '{\"service\":\"elderly_care\"}'",
             req.ref_code);
    CHECK_INT(raw_int(db, text), 1);
    sqlite3_close(db);
    record_clear(&req);
    record_clear(&other);
    record_clear(&quiet);
    remove_tree(dir);
}

/* ---- Erased means gone from the files ------------------------------------------------- */

static const char *const secrets[] = {"13912345678", "Zhang Xiuying", "张秀英", "13987654321",
                                      "Wang Jianguo"};
#define SECRETS (sizeof secrets / sizeof secrets[0])

/* Saves a service request with a contact, between ordinary records. */
static void save_request(store_t *st, const char *name, const char *phone, record_t *out)
{
    for (int i = 0; i < 5; i++) {
        record_t r;
        make_record(&r, RECORD_FEEDBACK, "{\"rating\":3}");
        CHECK_INT(store_save(st, &r), KIOSK_OK);
        record_clear(&r);
    }
    make_record(out, RECORD_SERVICE_REQUEST, "{\"service\":\"disability_support\"}");
    out->contact_name = strdup(name);
    out->contact_phone = strdup(phone);
    out->consent = true;
    CHECK_INT(store_save(st, out), KIOSK_OK);
}

/* Two requests: one checkpointed into the database file by a close, one only in the WAL.
 * Checks that their details are in the files before erase() and nowhere after it, while the
 * store is still open (erase() must have cleared the WAL itself) and again after closing. */
static void check_erasure_leaves_no_trace(bool (*erase)(store_t *st, const char *path,
                                                        const record_t reqs[2]))
{
    char dir[PATH_MAX], path[PATH_MAX], wal[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "kiosk.db");
    suffixed(wal, path, "-wal");
    store_t *st = NULL;
    record_t reqs[2];
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    save_request(st, "Zhang Xiuying 张秀英", "13912345678", &reqs[0]);
    store_close(st);
    CHECK_INT(file_contains(path, "13912345678"), 1);
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    save_request(st, "Wang Jianguo", "13987654321", &reqs[1]);
    CHECK_INT(file_contains(wal, "13987654321"), 1);
    for (size_t i = 0; i < SECRETS; i++)
        CHECK_INT(db_files_contain(path, secrets[i]), 1); /* so that the test can fail */

    CHECK(erase(st, path, reqs));
    for (size_t i = 0; i < SECRETS; i++)
        CHECK_INT(db_files_contain(path, secrets[i]), 0);
    CHECK_INT(file_size(wal), 0);
    CHECK_INT(store_record_count(st), 12); /* the answers stay */
    store_close(st);
    for (size_t i = 0; i < SECRETS; i++)
        CHECK_INT(db_files_contain(path, secrets[i]), 0);
    CHECK_INT(count_rows(path, "records"), 12);
    CHECK_INT(count_rows(path, "contacts"), 0);
    record_clear(&reqs[0]);
    record_clear(&reqs[1]);
    remove_tree(dir);
}

static bool erase_by_reference(store_t *st, const char *path, const record_t reqs[2])
{
    (void)path;
    return store_erase_contact(st, reqs[0].ref_code) == KIOSK_OK &&
           store_erase_contact(st, reqs[1].ref_code) == KIOSK_OK;
}

/* Both were exported 31 days ago, as the export code will mark them. */
static bool erase_by_retention(store_t *st, const char *path, const record_t reqs[2])
{
    (void)reqs;
    const int64_t now = 1795897905123 + 31 * DAY_MS;
    sqlite3 *db = raw_open(path);
    if (!db)
        return false;
    char when[ISO8601_LEN], sql[160];
    iso8601_format(now - 31 * DAY_MS, 0, when);
    snprintf(sql, sizeof sql,
             "UPDATE records SET exported_at = '%s' WHERE kind = 'service_request'", when);
    const bool marked = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    int64_t erased = 0, deleted = -1;
    const store_retention_t r = STORE_RETENTION_DEFAULTS;
    const int err = store_apply_retention(st, now, &r, &erased, &deleted);
    CHECK_INT(erased, 2);
    CHECK_INT(deleted, 0);
    return marked && err == KIOSK_OK;
}

static void an_erased_phone_number_is_nowhere_in_the_database_or_wal_files(void)
{
    check_erasure_leaves_no_trace(erase_by_reference);
}

static void a_contact_erased_by_retention_is_nowhere_in_the_database_or_wal_files(void)
{
    check_erasure_leaves_no_trace(erase_by_retention);
}

int main(void)
{
    RUN(open_creates_schema_in_wal_mode_with_full_sync);
    RUN(staff_figures_count_what_staff_need);
    RUN(a_submission_and_its_session_count_are_one_commit);
    RUN(the_running_counts_follow_saves_exports_deletions_and_migration);
    RUN(changes_move_with_writes_not_reads);
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
    RUN(errno_and_sqlite_codes_translate_through_one_table);
    RUN(a_write_past_the_file_size_limit_translates_to_efull);
    RUN(open_in_a_missing_directory_fails_naming_the_path);
    RUN(open_in_a_read_only_directory_fails_naming_the_path);
    RUN(newer_schema_version_is_refused);
    RUN(a_file_that_is_not_a_database_is_reported_corrupt);
    RUN(close_and_errmsg_accept_null);
    RUN(version_1_database_migrates_and_keeps_its_records);
    RUN(clean_open_and_close_leave_no_marker_and_run_a_quick_check);
    RUN(a_leftover_marker_makes_it_a_full_check);
    RUN(a_garbled_page_moves_the_database_aside_and_the_rest_is_salvaged);
    RUN(saves_only_in_the_wal_are_salvaged_after_a_crash);
    RUN(a_file_that_is_not_a_database_is_moved_aside_and_a_fresh_one_opened);
    RUN(the_boot_counter_increments_only_on_a_new_boot_id_and_survives_reopen);
    RUN(a_save_with_an_earlier_wall_clock_is_stored_at_the_last_time_unsynchronised);
    RUN(a_synchronised_clock_earlier_than_the_last_time_is_trusted);
    RUN(the_boot_number_is_stored_and_read_back);
    RUN(version_2_database_migrates_and_starts_the_clock_guard_at_its_latest_record);
    RUN(retention_erases_contacts_and_old_records_by_age);
    RUN(erasing_a_contact_by_reference_code_keeps_the_answers);
    RUN(an_erased_phone_number_is_nowhere_in_the_database_or_wal_files);
    RUN(a_contact_erased_by_retention_is_nowhere_in_the_database_or_wal_files);
    return check_failures != 0;
}
