/* Tests of the office archive (real SQLite files) and of the staff tool's office commands,
 * called directly with argv arrays: find, csv (parsed back), open311 (parsed back with
 * cJSON) and report. Also writes a sample report of a few hundred records into
 * $KIOSK_TEST_TMP/archive-sample/report.html, for looking at. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/kerr.h"
#include "core/record.h"
#include "staff-office.h"
#include "store/archive.h"
#include "store/store.h"
#include "scratch_util.h"

/* ---- scratch files ------------------------------------------------------------------ */

/* A fresh directory for one test. */
static bool make_test_dir(char dir[PATH_MAX])
{
    return make_scratch_dir(dir, "archive");
}

/* Removes the files a test made in dir (one level: the archive, its -wal/-shm, outputs). */
static void remove_dir(const char *dir, const char *const *names)
{
    char path[PATH_MAX];
    for (; *names; names++) {
        static const char *const sfx[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            char name[256];
            snprintf(name, sizeof name, "%s%s", *names, sfx[i]);
            join(path, dir, name);
            unlink(path);
        }
    }
    rmdir(dir);
}

/* The whole content of a file (malloc'd, NUL-terminated), NULL when unreadable. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(s, cap * 2);
            if (!bigger) {
                free(s);
                s = NULL;
                break;
            }
            s = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (s)
        s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Runs an office command with stdout and stderr sent to files; returns its exit status. A
 * sanitizer's report during the call lands in err_path too: look there when this test stops
 * without a word. */
static int run_captured(int (*fn)(int, char **), int argc, char **argv, const char *out_path,
                        const char *err_path)
{
    fflush(stdout);
    fflush(stderr);
    const int so = dup(1), se = dup(2);
    const int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (so < 0 || se < 0 || fo < 0 || fe < 0)
        abort();
    dup2(fo, 1);
    dup2(fe, 2);
    close(fo);
    close(fe);
    const int rc = fn(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    return rc;
}

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

/* ---- records ------------------------------------------------------------------------ */

/* A well-formed public key text: 43 base64 characters and '='. */
static void fake_key(char out[45], char fill)
{
    memset(out, fill, 43);
    out[43] = '=';
    out[44] = '\0';
}

static void make_uuid(char out[RECORD_UUID_LEN + 1], unsigned kiosk, unsigned long long n)
{
    snprintf(out, RECORD_UUID_LEN + 1, "%08x-0000-4000-8000-%012llx", kiosk, n);
}

/* 2026-11-02T00:00:00+08:00, the sample's first day. */
#define T0_UTC_MS 1793548800000LL

static void make_record(record_t *rec, record_kind_t kind, const char *kiosk, unsigned long long n,
                        const char *answers_json)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = kind;
    static const char *const journeys[] = {"quick_rating", "feedback", "service_request",
                                           "needs_survey_2026", "activities"};
    snprintf(rec->journey_id, sizeof rec->journey_id, "%s", journeys[kind]);
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "%s", kiosk);
    snprintf(rec->pack_id, sizeof rec->pack_id, "default");
    snprintf(rec->pack_version, sizeof rec->pack_version, "2026.11.1");
    snprintf(rec->lang, sizeof rec->lang, "zh-cn");
    make_uuid(rec->uuid, (unsigned)kiosk[strlen(kiosk) - 1], n);
    rec->answers_json = strdup(answers_json);
    rec->time.utc_ms = T0_UTC_MS + (int64_t)n * 60000;
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 5000 + (int64_t)n * 60000;
    rec->time.boot = 3;
}

static void set_contact(record_t *rec, const char *name, const char *phone)
{
    rec->contact_name = name ? strdup(name) : NULL;
    rec->contact_phone = phone ? strdup(phone) : NULL;
    rec->consent = true;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void copy_record(record_t *dst, const record_t *src)
{
    *dst = *src;
    dst->answers_json = dup_or_null(src->answers_json);
    dst->contact_name = dup_or_null(src->contact_name);
    dst->contact_phone = dup_or_null(src->contact_phone);
}

static archive_t *open_archive(const char *path)
{
    archive_t *a = NULL;
    char err[512];
    const int rc = archive_open(path, &a, err, sizeof err);
    if (rc != KIOSK_OK)
        fprintf(stderr, "archive_open: %s\n", err);
    return a;
}

static void trust(archive_t *a, const char *kiosk, char fill)
{
    char key[45];
    fake_key(key, fill);
    CHECK_INT(archive_trust_kiosk(a, kiosk, key), KIOSK_OK);
}

static void hash_of(char out[65], unsigned n)
{
    for (int i = 0; i < 64; i++)
        out[i] = "0123456789abcdef"[(n * 7u + (unsigned)i) % 16u];
    out[64] = '\0';
}

/* Imports recs as one bundle (seq, hash from n); returns how many were added, -1 on error. */
static int import_bundle(archive_t *a, const char *kiosk, int64_t seq, unsigned hash_n,
                         record_t *recs, size_t n)
{
    char hash[65];
    hash_of(hash, hash_n);
    int64_t id;
    bool already;
    int rc = archive_begin_bundle(a, kiosk, seq, hash, (int64_t)n, &id, &already);
    if (rc != KIOSK_OK) {
        fprintf(stderr, "begin: %s\n", archive_errmsg(a));
        return -1;
    }
    if (already)
        return 0;
    int added = 0;
    for (size_t i = 0; i < n; i++) {
        bool was_added;
        rc = archive_import_record(a, id, &recs[i], &was_added);
        if (rc != KIOSK_OK) {
            fprintf(stderr, "import: %s\n", archive_errmsg(a));
            archive_rollback_bundle(a);
            return -1;
        }
        added += was_added;
    }
    return archive_commit_bundle(a) == KIOSK_OK ? added : -1;
}

/* ---- a raw look at the file ------------------------------------------------------------ */

static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t v = -999;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

static const char *raw_text(const char *path, const char *sql, char *out, size_t len)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    snprintf(out, len, "(none)");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(out, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

static bool raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

/* ---- collecting what foreach hands out ------------------------------------------------- */

typedef struct {
    record_t recs[64];
    archive_row_t rows[64];
    int count;
} collected_t;

static int collect(const record_t *rec, const archive_row_t *row, void *ud)
{
    collected_t *c = ud;
    if (c->count >= 64)
        return 1;
    copy_record(&c->recs[c->count], rec);
    c->rows[c->count++] = *row;
    return 0;
}

static void collected_clear(collected_t *c)
{
    for (int i = 0; i < c->count; i++)
        record_clear(&c->recs[i]);
    c->count = 0;
}

static void check_same_record(const record_t *got, const record_t *want)
{
    CHECK_STR(got->uuid, want->uuid);
    CHECK_INT(got->kind, want->kind);
    CHECK_STR(got->journey_id, want->journey_id);
    CHECK_STR(got->kiosk_id, want->kiosk_id);
    CHECK_STR(got->pack_id, want->pack_id);
    CHECK_STR(got->pack_version, want->pack_version);
    CHECK_STR(got->lang, want->lang);
    CHECK_STR(got->answers_json, want->answers_json);
    CHECK_STR(got->ref_code, want->ref_code);
    CHECK_INT(got->time.utc_ms, want->time.utc_ms);
    CHECK_INT(got->time.offset_min, want->time.offset_min);
    CHECK_INT(got->time.clock_synced, want->time.clock_synced);
    CHECK_INT(got->time.mono_ms, want->time.mono_ms);
    CHECK_INT(got->time.boot, want->time.boot);
    CHECK_INT(got->misuse, want->misuse);
    CHECK_INT(got->consent, want->consent);
    if (want->contact_name)
        CHECK_STR(got->contact_name, want->contact_name);
    else
        CHECK(got->contact_name == NULL);
    if (want->contact_phone)
        CHECK_STR(got->contact_phone, want->contact_phone);
    else
        CHECK(got->contact_phone == NULL);
}

/* ---- archive tests ------------------------------------------------------------------ */

static void open_migrates_and_reopens(void)
{
    char dir[PATH_MAX], path[PATH_MAX], kiosk_db[PATH_MAX], bad[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    CHECK_INT(archive_record_count(a), 0);
    archive_close(a);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), ARCHIVE_SCHEMA_VERSION);
    CHECK_INT(raw_int(path, "PRAGMA application_id"), ARCHIVE_APPLICATION_ID);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                            " ('records', 'contacts', 'bundles', 'kiosks')"),
              4);
    /* ref_code is not unique: only the manifest hash and the uuid are. */
    CHECK_INT(raw_int(path, "SELECT sum(i.name = 'uuid') - sum(i.name <> 'uuid') FROM"
                            " pragma_index_list('records') AS l, pragma_index_info(l.name) AS i"
                            " WHERE l.\"unique\""),
              1);
    a = open_archive(path);
    REQUIRE(a);
    char mode[16];
    CHECK_STR(raw_text(path, "PRAGMA journal_mode", mode, sizeof mode), "wal");
    archive_close(a);

    /* A kiosk's own store is refused untouched. */
    join(kiosk_db, dir, "kiosk.db");
    store_t *st = NULL;
    char err[512];
    REQUIRE(store_open(kiosk_db, &st, err, sizeof err) == KIOSK_OK);
    store_close(st);
    a = (archive_t *)1;
    CHECK_INT(archive_open(kiosk_db, &a, err, sizeof err), KIOSK_EINVAL);
    CHECK(a == NULL);
    CHECK(strstr(err, "not an office archive") != NULL);
    CHECK(strstr(err, kiosk_db) != NULL);
    CHECK_INT(raw_int(kiosk_db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_INT(raw_int(kiosk_db, "SELECT count(*) FROM sqlite_schema WHERE name = 'bundles'"), 0);

    /* A newer archive is refused. */
    REQUIRE(raw_exec(path, "PRAGMA user_version = 99"));
    CHECK_INT(archive_open(path, &a, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "newer") != NULL);
    REQUIRE(raw_exec(path, "PRAGMA user_version = 1"));

    /* A missing directory names the path. */
    join(bad, dir, "no/such/dir/office.db");
    CHECK(archive_open(bad, &a, err, sizeof err) != KIOSK_OK);
    CHECK(strstr(err, bad) != NULL);
    static const char *const names[] = {"office.db", "kiosk.db", NULL};
    remove_dir(dir, names);
}

static void kiosk_keys_are_trusted_and_looked_up(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    char key[45], with_space[64], got[64];
    fake_key(key, 'Q');
    snprintf(with_space, sizeof with_space, "  %s\n", key);
    CHECK_INT(archive_trust_kiosk(a, "kiosk-lobby-01", with_space), KIOSK_OK);
    CHECK_INT(archive_kiosk_key(a, "kiosk-lobby-01", got, sizeof got), KIOSK_OK);
    CHECK_STR(got, key);
    CHECK_INT(archive_kiosk_key(a, "kiosk-lobby-01", got, 10), KIOSK_ETOOBIG);
    CHECK_INT(archive_kiosk_key(a, "kiosk-nowhere", got, sizeof got), KIOSK_ENOENT);
    CHECK(strstr(archive_errmsg(a), "kiosk-nowhere") != NULL);
    /* Bad keys and ids. */
    CHECK_INT(archive_trust_kiosk(a, "k2", "short="), KIOSK_EINVAL);
    char bad[45];
    fake_key(bad, '-'); /* URL-safe alphabet: refused */
    CHECK_INT(archive_trust_kiosk(a, "k2", bad), KIOSK_EINVAL);
    CHECK_INT(archive_trust_kiosk(a, "", key), KIOSK_EINVAL);
    CHECK_INT(archive_trust_kiosk(a, "k\n2", key), KIOSK_EINVAL);
    CHECK_INT(archive_kiosk_key(a, "k2", got, sizeof got), KIOSK_ENOENT);
    /* A re-provisioned kiosk: the new key replaces the old; it survives reopening. */
    char key2[45];
    fake_key(key2, 'z');
    CHECK_INT(archive_trust_kiosk(a, "kiosk-lobby-01", key2), KIOSK_OK);
    archive_close(a);
    a = open_archive(path);
    REQUIRE(a);
    CHECK_INT(archive_kiosk_key(a, "kiosk-lobby-01", got, sizeof got), KIOSK_OK);
    CHECK_STR(got, key2);
    archive_close(a);
    static const char *const names[] = {"office.db", NULL};
    remove_dir(dir, names);
}

static void imports_are_idempotent_by_uuid_and_by_bundle(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "kiosk-a", 'A');
    record_t recs[5];
    for (int i = 0; i < 5; i++)
        make_record(&recs[i], RECORD_QUICK_RATING, "kiosk-a", (unsigned long long)i,
                    "{\"rating\":3}");
    set_contact(&recs[4], "Li Wei", "13800000000");
    recs[4].kind = RECORD_ACTIVITY;

    CHECK_INT(import_bundle(a, "kiosk-a", 1, 1, recs, 5), 5);
    CHECK_INT(archive_record_count(a), 5);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM contacts"), 1);

    /* The same manifest again: already. The same (kiosk, seq) with another hash is another
     * bundle (a kiosk that crashed before marking writes the seq again, with more records). */
    char hash[65];
    int64_t id = -1;
    bool already = false;
    hash_of(hash, 1);
    CHECK_INT(archive_begin_bundle(a, "kiosk-a", 9, hash, 5, &id, &already), KIOSK_OK);
    CHECK(already);
    hash_of(hash, 2);
    already = true;
    CHECK_INT(archive_begin_bundle(a, "kiosk-a", 1, hash, 5, &id, &already), KIOSK_OK);
    CHECK(!already);
    archive_rollback_bundle(a);
    /* Upper-case hex is the same hash. */
    hash_of(hash, 1);
    for (char *p = hash; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    already = false;
    CHECK_INT(archive_begin_bundle(a, "kiosk-a", 10, hash, 5, &id, &already), KIOSK_OK);
    CHECK(already);

    /* A new bundle (an export-all stick) with the same records adds nothing. */
    CHECK_INT(import_bundle(a, "kiosk-a", 2, 2, recs, 5), 0);
    CHECK_INT(archive_record_count(a), 5);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM contacts"), 1);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM bundles"), 2);

    /* Refusals. */
    CHECK_INT(archive_begin_bundle(a, "kiosk-unknown", 1, hash, 1, &id, &already), KIOSK_ENOENT);
    hash_of(hash, 3);
    CHECK_INT(archive_begin_bundle(a, "kiosk-a", 3, "abc", 1, &id, &already), KIOSK_EINVAL);
    bool added = true;
    CHECK_INT(archive_import_record(a, 1, &recs[0], &added), KIOSK_EINVAL); /* none open */
    REQUIRE(archive_begin_bundle(a, "kiosk-a", 3, hash, 3, &id, &already) == KIOSK_OK);
    REQUIRE(!already);
    int64_t other;
    CHECK_INT(archive_begin_bundle(a, "kiosk-a", 4, hash, 3, &other, &already), KIOSK_EINVAL);
    record_t r;
    make_record(&r, RECORD_FEEDBACK, "kiosk-b", 77, "{\"topic\":\"SAFETY\"}");
    CHECK_INT(archive_import_record(a, id, &r, &added), KIOSK_EINVAL); /* another kiosk */
    snprintf(r.kiosk_id, sizeof r.kiosk_id, "kiosk-a");
    free(r.answers_json);
    r.answers_json = strdup("[1,2]");
    CHECK_INT(archive_import_record(a, id, &r, &added), KIOSK_EINVAL); /* not an object */
    free(r.answers_json);
    r.answers_json = strdup("{\"topic\":\"SAFETY\"}");
    r.contact_phone = strdup("123");
    CHECK_INT(archive_import_record(a, id, &r, &added), KIOSK_EINVAL); /* no consent */
    free(r.contact_phone);
    r.contact_phone = NULL;
    snprintf(r.uuid, sizeof r.uuid, "not-a-uuid");
    CHECK_INT(archive_import_record(a, id, &r, &added), KIOSK_EINVAL);
    make_uuid(r.uuid, 'a', 77);
    CHECK_INT(archive_import_record(a, id + 1, &r, &added), KIOSK_EINVAL); /* another bundle */
    CHECK_INT(archive_import_record(a, id, &r, &added), KIOSK_OK);
    CHECK(added);
    /* Rolled back: nothing of the bundle stays, and it can come again. */
    archive_rollback_bundle(a);
    CHECK_INT(archive_record_count(a), 5);
    CHECK_INT(import_bundle(a, "kiosk-a", 3, 3, &r, 1), 1);
    CHECK_INT(archive_record_count(a), 6);

    /* A bundle left open at close is rolled back. */
    hash_of(hash, 4);
    record_t r2;
    make_record(&r2, RECORD_FEEDBACK, "kiosk-a", 78, "{}");
    REQUIRE(archive_begin_bundle(a, "kiosk-a", 4, hash, 1, &id, &already) == KIOSK_OK);
    CHECK_INT(archive_import_record(a, id, &r2, &added), KIOSK_OK);
    archive_close(a);
    a = open_archive(path);
    REQUIRE(a);
    CHECK_INT(archive_record_count(a), 6);
    CHECK_INT(import_bundle(a, "kiosk-a", 4, 4, &r2, 1), 1);
    CHECK_INT(archive_record_count(a), 7);
    archive_close(a);
    record_clear(&r);
    record_clear(&r2);
    for (int i = 0; i < 5; i++)
        record_clear(&recs[i]);
    static const char *const names[] = {"office.db", NULL};
    remove_dir(dir, names);
}

static void foreach_gives_back_every_field_in_kiosk_and_time_order(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "kiosk-b", 'B');
    trust(a, "kiosk-a", 'A');
    record_t b[3], k[3];
    make_record(&b[0], RECORD_SERVICE_REQUEST, "kiosk-b", 30,
                "{\"service\":\"LEGAL_AID\",\"forWhom\":\"SELF\",\"urgency\":\"SOON\"}");
    snprintf(b[0].ref_code, sizeof b[0].ref_code, "K7Q4MX");
    set_contact(&b[0], "王小明", "+86 138 0013 8000");
    make_record(&b[1], RECORD_QUICK_RATING, "kiosk-b", 10, "{\"rating\":1}");
    b[1].misuse = true;
    b[1].time.clock_synced = false;
    b[1].time.boot = 7;
    b[1].time.mono_ms = 123;
    make_record(&b[2], RECORD_FEEDBACK, "kiosk-b", 20, "{\"topic\":\"SAFETY\",\"rating\":2}");
    b[2].time.offset_min = -300;
    snprintf(b[2].lang, sizeof b[2].lang, "en");
    make_record(&k[0], RECORD_QUESTIONNAIRE, "kiosk-a", 50,
                "{\"satisfaction\":5,\"wantedServices\":[\"REHAB\",\"SKILLS\"]}");
    make_record(&k[1], RECORD_ACTIVITY, "kiosk-a", 40,
                "{\"activity\":\"ACT_2026_12_TAICHI\",\"action\":\"SIGNUP\",\"consent\":true}");
    set_contact(&k[1], NULL, "13900000000");
    make_record(&k[2], RECORD_QUICK_RATING, "kiosk-a", 45, "{\"rating\":4,\"about\":\"STAFF\"}");
    CHECK_INT(import_bundle(a, "kiosk-b", 1, 11, b, 3), 3);
    CHECK_INT(import_bundle(a, "kiosk-a", 1, 12, k, 3), 3);
    archive_close(a);
    a = open_archive(path);
    REQUIRE(a);
    collected_t c = {0};
    CHECK_INT(archive_foreach(a, collect, &c), 0);
    REQUIRE(c.count == 6);
    /* kiosk-a by time (40, 45, 50), then kiosk-b (10, 20, 30). */
    const record_t *want[6] = {&k[1], &k[2], &k[0], &b[1], &b[2], &b[0]};
    for (int i = 0; i < 6; i++) {
        check_same_record(&c.recs[i], want[i]);
        CHECK(c.rows[i].id > 0);
        CHECK_INT(c.rows[i].bundle_seq, 1);
        CHECK(strlen(c.rows[i].imported_utc) >= 20 && strchr(c.rows[i].imported_utc, 'Z'));
    }
    CHECK(c.rows[0].bundle_id != c.rows[3].bundle_id);
    collected_clear(&c);
    /* The callback's non-zero value stops it. */
    CHECK_INT(archive_foreach(a, collect, &(collected_t){.count = 64}), 1);
    archive_close(a);
    for (int i = 0; i < 3; i++) {
        record_clear(&b[i]);
        record_clear(&k[i]);
    }
    static const char *const names[] = {"office.db", NULL};
    remove_dir(dir, names);
}

static void two_kiosks_with_one_ref_code_are_both_kept_and_found(void)
{
    char dir[PATH_MAX], path[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    join(out, dir, "out.txt");
    join(err, dir, "err.txt");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "kiosk-east", 'E');
    trust(a, "kiosk-west", 'W');
    record_t e, w;
    make_record(&e, RECORD_SERVICE_REQUEST, "kiosk-east", 1,
                "{\"service\":\"ELDER_CARE\",\"forWhom\":\"FAMILY\",\"urgency\":\"URGENT\","
                "\"description\":\"Weekly visits for my mother.\\nShe is 82.\"}");
    set_contact(&e, "Zhang San", "13700000000");
    make_record(&w, RECORD_SERVICE_REQUEST, "kiosk-west", 2,
                "{\"service\":\"LEGAL_AID\",\"forWhom\":\"SELF\",\"urgency\":\"LOW\"}");
    w.time.clock_synced = false;
    snprintf(e.ref_code, sizeof e.ref_code, "K7Q4MX");
    snprintf(w.ref_code, sizeof w.ref_code, "K7Q4MX");
    CHECK_INT(import_bundle(a, "kiosk-east", 1, 21, &e, 1), 1);
    CHECK_INT(import_bundle(a, "kiosk-west", 1, 22, &w, 1), 1);
    collected_t c = {0};
    CHECK_INT(archive_find_ref(a, "k7q4mx", collect, &c), 0);
    REQUIRE(c.count == 2);
    CHECK_STR(c.recs[0].kiosk_id, "kiosk-east");
    CHECK_STR(c.recs[1].kiosk_id, "kiosk-west");
    collected_clear(&c);
    CHECK_INT(archive_find_ref(a, "AAAAAA", collect, &c), 0);
    CHECK_INT(c.count, 0);
    CHECK_INT(archive_find_ref(a, "K7Q", collect, &c), KIOSK_EINVAL);
    archive_close(a);

    char *argv[] = {"find", "--archive", path, "k7q4-mx", NULL};
    CHECK_INT(run_captured(office_find, ARGC(argv), argv, out, err), 0);
    char *text = read_all(out, NULL);
    REQUIRE(text);
    CHECK(strstr(text, "kiosk-east") && strstr(text, "kiosk-west"));
    CHECK(strstr(text, "ELDER_CARE") && strstr(text, "LEGAL_AID"));
    CHECK(strstr(text, "URGENT") && strstr(text, "FAMILY"));
    CHECK(strstr(text, "2026-11-02T00:01:00.000+08:00") != NULL); /* time with offset */
    CHECK(strstr(text, "Zhang San, 13700000000") != NULL);
    CHECK(strstr(text, "none given") != NULL);
    CHECK(strstr(text, "not synchronised") != NULL);
    CHECK(strstr(text, "2 requests have code K7Q4MX") != NULL);
    CHECK(strstr(text, "She is 82.") != NULL);
    free(text);

    char *none[] = {"find", "--archive", path, "AAAAAA", NULL};
    CHECK_INT(run_captured(office_find, ARGC(none), none, out, err), 1);
    text = read_all(err, NULL);
    CHECK(text && strstr(text, path) && strstr(text, "no service request has code AAAAAA"));
    free(text);
    char *badcode[] = {"find", "--archive", path, "K7Q", NULL};
    CHECK_INT(run_captured(office_find, ARGC(badcode), badcode, out, err), 2);
    char *noarg[] = {"find", "K7Q4MX", NULL};
    CHECK_INT(run_captured(office_find, ARGC(noarg), noarg, out, err), 2);
    char *help[] = {"find", "--help", NULL};
    CHECK_INT(run_captured(office_find, ARGC(help), help, out, err), 0);
    text = read_all(out, NULL);
    CHECK(text && strstr(text, "Usage: kiosk-staff find"));
    free(text);
    record_clear(&e);
    record_clear(&w);
    static const char *const names[] = {"office.db", "out.txt", "err.txt", NULL};
    remove_dir(dir, names);
}

/* ---- CSV ---------------------------------------------------------------------------- */

typedef struct {
    char **cells;
    size_t n;
} csv_row_t;

typedef struct {
    csv_row_t *rows;
    size_t n;
} csv_t;

static void csv_free(csv_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->rows[i].n; j++)
            free(t->rows[i].cells[j]);
        free(t->rows[i].cells);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}

static void push_cell(csv_row_t *row, const char *s, size_t len)
{
    row->cells = realloc(row->cells, (row->n + 1) * sizeof *row->cells);
    row->cells[row->n] = malloc(len + 1);
    memcpy(row->cells[row->n], s, len);
    row->cells[row->n++][len] = '\0';
}

/* An RFC 4180 parser: CRLF between records, quoted fields with "" for a quote. Returns false
 * on malformed input (a quote inside an unquoted field, an unterminated quote, a bare LF). */
static bool csv_parse(const char *s, csv_t *t)
{
    memset(t, 0, sizeof *t);
    char *cell = malloc(strlen(s) + 1);
    csv_row_t row = {0};
    while (*s) {
        size_t len = 0;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    goto bad;
                if (*s == '"' && s[1] == '"') {
                    cell[len++] = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    cell[len++] = *s++;
                }
            }
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                if (*s == '"')
                    goto bad;
                cell[len++] = *s++;
            }
        }
        push_cell(&row, cell, len);
        if (*s == ',') {
            s++;
        } else if (s[0] == '\r' && s[1] == '\n') {
            s += 2;
            t->rows = realloc(t->rows, (t->n + 1) * sizeof *t->rows);
            t->rows[t->n++] = row;
            memset(&row, 0, sizeof row);
        } else {
            goto bad;
        }
    }
    free(cell);
    return row.n == 0;
bad:
    free(cell);
    for (size_t j = 0; j < row.n; j++)
        free(row.cells[j]);
    free(row.cells);
    return false;
}

static int column(const csv_t *t, const char *name)
{
    for (size_t i = 0; t->n && i < t->rows[0].n; i++)
        if (strcmp(t->rows[0].cells[i], name) == 0)
            return (int)i;
    return -1;
}

static const csv_row_t *row_of(const csv_t *t, const char *uuid)
{
    for (size_t i = 1; i < t->n; i++)
        if (strcmp(t->rows[i].cells[0], uuid) == 0)
            return &t->rows[i];
    return NULL;
}

static void csv_quotes_guards_and_round_trips_text(void)
{
    char dir[PATH_MAX], path[PATH_MAX], csv[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    join(csv, dir, "records.csv");
    join(out, dir, "out.txt");
    join(err, dir, "err.txt");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "kiosk-a", 'A');
    static const char comment[] = "Good, but \"slow\"\nsecond line; 服务很好，谢谢！";
    cJSON *fb = cJSON_CreateObject();
    cJSON_AddStringToObject(fb, "topic", "SERVICE_QUALITY");
    cJSON_AddNumberToObject(fb, "rating", 3);
    cJSON_AddStringToObject(fb, "comment", comment);
    cJSON_AddBoolToObject(fb, "contactOk", true);
    char *fb_json = cJSON_PrintUnformatted(fb);
    cJSON_Delete(fb);
    record_t recs[4];
    make_record(&recs[0], RECORD_FEEDBACK, "kiosk-a", 1, fb_json);
    set_contact(&recs[0], "=HYPERLINK(\"http://x\")", "+86 138 0000 0000");
    make_record(&recs[1], RECORD_QUESTIONNAIRE, "kiosk-a", 2,
                "{\"satisfaction\":4,\"wantedServices\":[\"REHAB\",\"SKILLS\",\"LEGAL_AID\"],"
                "\"livesAlone\":false,\"household\":3,\"ideas\":\"@SUM(1)\"}");
    make_record(&recs[2], RECORD_SERVICE_REQUEST, "kiosk-a", 3,
                "{\"service\":\"REHAB\",\"forWhom\":\"SELF\",\"urgency\":\"LOW\","
                "\"description\":\"-1 step\"}");
    snprintf(recs[2].ref_code, sizeof recs[2].ref_code, "ACDEFH");
    recs[2].time.offset_min = -330;
    make_record(&recs[3], RECORD_QUICK_RATING, "kiosk-a", 4, "{\"rating\":2}");
    recs[3].misuse = true;
    recs[3].time.clock_synced = false;
    free(fb_json);
    CHECK_INT(import_bundle(a, "kiosk-a", 1, 31, recs, 4), 4);
    archive_close(a);

    char *argv[] = {"csv", "--archive", path, "--out", csv, NULL};
    CHECK_INT(run_captured(office_csv, ARGC(argv), argv, out, err), 0);
    struct stat sb;
    CHECK(stat(csv, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    size_t len;
    char *text = read_all(csv, &len);
    REQUIRE(text);
    CHECK(len > 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0);
    csv_t t;
    REQUIRE(csv_parse(text + 3, &t));
    free(text);
    CHECK_INT(t.n, 5);
    static const char *const fixed[] = {"uuid",    "kiosk_id",     "kind", "journey_id",
                                        "created", "clock_synced", "boot", "misuse",
                                        "lang",    "ref_code"};
    for (size_t i = 0; i < 10; i++)
        CHECK_STR(t.rows[0].cells[i], fixed[i]);
    CHECK_STR(t.rows[0].cells[t.rows[0].n - 2], "contact_name");
    CHECK_STR(t.rows[0].cells[t.rows[0].n - 1], "contact_phone");
    for (size_t i = 1; i < t.n; i++)
        CHECK_INT(t.rows[i].n, t.rows[0].n);
    /* Answer columns in the order first seen: by time, the feedback comes first. */
    CHECK_INT(column(&t, "topic"), 10);
    CHECK(column(&t, "comment") > 0 && column(&t, "wantedServices") > column(&t, "comment"));

    const csv_row_t *r0 = row_of(&t, recs[0].uuid);
    REQUIRE(r0);
    CHECK_STR(r0->cells[column(&t, "comment")], comment);
    CHECK_STR(r0->cells[column(&t, "rating")], "3");
    CHECK_STR(r0->cells[column(&t, "contactOk")], "true");
    CHECK_STR(r0->cells[column(&t, "created")], "2026-11-02T00:01:00.000+08:00");
    CHECK_STR(r0->cells[column(&t, "contact_name")], "'=HYPERLINK(\"http://x\")");
    CHECK_STR(r0->cells[column(&t, "contact_phone")], "'+86 138 0000 0000");
    CHECK_STR(r0->cells[column(&t, "wantedServices")], "");
    const csv_row_t *r1 = row_of(&t, recs[1].uuid);
    REQUIRE(r1);
    CHECK_STR(r1->cells[column(&t, "wantedServices")], "REHAB;SKILLS;LEGAL_AID");
    CHECK_STR(r1->cells[column(&t, "ideas")], "'@SUM(1)");
    CHECK_STR(r1->cells[column(&t, "livesAlone")], "false");
    CHECK_STR(r1->cells[column(&t, "household")], "3");
    CHECK_STR(r1->cells[column(&t, "journey_id")], "needs_survey_2026");
    const csv_row_t *r2 = row_of(&t, recs[2].uuid);
    REQUIRE(r2);
    CHECK_STR(r2->cells[column(&t, "description")], "'-1 step");
    CHECK_STR(r2->cells[column(&t, "ref_code")], "ACDEFH");
    CHECK_STR(r2->cells[column(&t, "created")], "2026-11-01T10:33:00.000-05:30");
    const csv_row_t *r3 = row_of(&t, recs[3].uuid);
    REQUIRE(r3);
    CHECK_STR(r3->cells[column(&t, "misuse")], "true");
    CHECK_STR(r3->cells[column(&t, "clock_synced")], "false");
    CHECK_STR(r3->cells[column(&t, "boot")], "3");
    CHECK_STR(r3->cells[column(&t, "kind")], "quick_rating");
    csv_free(&t);

    /* --kind: only those rows, only their answer columns. */
    char *kind[] = {"csv", "--archive", path, "--kind", "service_request", "--out", csv, NULL};
    CHECK_INT(run_captured(office_csv, ARGC(kind), kind, out, err), 0);
    text = read_all(csv, NULL);
    REQUIRE(text && csv_parse(text + 3, &t));
    CHECK_INT(t.n, 2);
    CHECK(column(&t, "topic") < 0 && column(&t, "service") == 10);
    csv_free(&t);
    free(text);
    /* To stdout. */
    char *to_stdout[] = {"csv", "--archive", path, NULL};
    CHECK_INT(run_captured(office_csv, ARGC(to_stdout), to_stdout, out, err), 0);
    text = read_all(out, NULL);
    REQUIRE(text && csv_parse(text + 3, &t));
    CHECK_INT(t.n, 5);
    csv_free(&t);
    free(text);

    /* Errors name the file and the reason; bad usage is 2. */
    char *bad_kind[] = {"csv", "--archive", path, "--kind", "complaints", NULL};
    CHECK_INT(run_captured(office_csv, ARGC(bad_kind), bad_kind, out, err), 2);
    char missing[PATH_MAX];
    join(missing, dir, "no-such.db");
    char *gone[] = {"csv", "--archive", missing, NULL};
    CHECK_INT(run_captured(office_csv, ARGC(gone), gone, out, err), 1);
    text = read_all(err, NULL);
    CHECK(text && strstr(text, missing) && strstr(text, "No such file"));
    free(text);
    CHECK(access(missing, F_OK) != 0); /* not created */
    char unwritable[PATH_MAX];
    join(unwritable, dir, "no/dir/x.csv");
    char *nowhere[] = {"csv", "--archive", path, "--out", unwritable, NULL};
    CHECK_INT(run_captured(office_csv, ARGC(nowhere), nowhere, out, err), 1);
    text = read_all(err, NULL);
    CHECK(text && strstr(text, unwritable) && strstr(text, "cannot write"));
    free(text);
    char *help[] = {"csv", "--help", NULL};
    CHECK_INT(run_captured(office_csv, ARGC(help), help, out, err), 0);

    for (int i = 0; i < 4; i++)
        record_clear(&recs[i]);
    static const char *const names[] = {"office.db", "records.csv", "out.txt", "err.txt", NULL};
    remove_dir(dir, names);
}

/* ---- Open311 ------------------------------------------------------------------------ */

static size_t utf8_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static const cJSON *attribute(const cJSON *req, const char *code)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(req, "attributes"))
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
            return cJSON_GetObjectItemCaseSensitive(a, "value");
    }
    return NULL;
}

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void open311_is_georeport_v2_json(void)
{
    char dir[PATH_MAX], path[PATH_MAX], json[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "office.db");
    join(json, dir, "requests.json");
    join(out, dir, "out.txt");
    join(err, dir, "err.txt");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "kiosk-a", 'A');

    /* 4,100 three-byte characters and an escape sequence. */
    char *long_text = malloc(4100 * 3 + 16);
    REQUIRE(long_text);
    strcpy(long_text, "\x1b[31m");
    for (int i = 0; i < 4100; i++)
        strcat(long_text + 5 + (size_t)i * 3, "社");
    cJSON *sr = cJSON_CreateObject();
    cJSON_AddStringToObject(sr, "service", "ELDER_CARE");
    cJSON_AddStringToObject(sr, "forWhom", "FAMILY");
    cJSON_AddStringToObject(sr, "urgency", "URGENT");
    cJSON_AddStringToObject(sr, "description", long_text);
    cJSON_AddBoolToObject(sr, "consent", true);
    char *sr_json = cJSON_PrintUnformatted(sr);
    cJSON_Delete(sr);
    free(long_text);

    record_t recs[3];
    make_record(&recs[0], RECORD_SERVICE_REQUEST, "kiosk-a", 1, sr_json);
    snprintf(recs[0].ref_code, sizeof recs[0].ref_code, "K7Q4MX");
    set_contact(&recs[0], "Wang Xiao Ming", "13800138000");
    make_record(&recs[1], RECORD_SERVICE_REQUEST, "kiosk-a", 2,
                "{\"service\":\"LEGAL_AID\",\"forWhom\":\"NEIGHBOUR\",\"urgency\":\"LOW\","
                "\"description\":\"短一点\",\"extra\":[\"A\",\"B\"]}");
    snprintf(recs[1].ref_code, sizeof recs[1].ref_code, "ACDEFH");
    recs[1].time.clock_synced = false;
    recs[1].time.offset_min = 0;
    make_record(&recs[2], RECORD_FEEDBACK, "kiosk-a", 3, "{\"topic\":\"SAFETY\"}");
    free(sr_json);
    CHECK_INT(import_bundle(a, "kiosk-a", 1, 41, recs, 3), 3);
    archive_close(a);

    char *argv[] = {"open311", "--archive", path, "--out", json, NULL};
    CHECK_INT(run_captured(office_open311, ARGC(argv), argv, out, err), 0);
    char *text = read_all(json, NULL);
    REQUIRE(text);
    cJSON *arr = cJSON_Parse(text);
    free(text);
    REQUIRE(cJSON_IsArray(arr));
    CHECK_INT(cJSON_GetArraySize(arr), 2); /* service requests only */
    const cJSON *r0 = cJSON_GetArrayItem(arr, 0), *r1 = cJSON_GetArrayItem(arr, 1);
    CHECK_STR(str_of(r0, "service_request_id"), recs[0].uuid);
    CHECK_STR(str_of(r0, "token"), "K7Q4MX");
    CHECK_STR(str_of(r0, "status"), "open");
    CHECK_STR(str_of(r0, "service_code"), "ELDER_CARE");
    CHECK_STR(str_of(r0, "requested_datetime"), "2026-11-02T00:01:00.000+08:00");
    const char *desc = str_of(r0, "description");
    REQUIRE(desc);
    CHECK_INT(utf8_points(desc), 4000);
    /* The ESC dropped (its "[31m" is text), cut after 3,996 three-byte characters. */
    CHECK_INT(strlen(desc), 4 + 3996 * 3);
    CHECK(strncmp(desc, "[31m社社", 10) == 0);
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(r0, "extended_attributes");
    CHECK_STR(str_of(ext, "channel"), "kiosk");
    CHECK_STR(str_of(ext, "kiosk_id"), "kiosk-a");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ext, "clock_synced")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ext, "description_truncated")));
    const cJSON *v = attribute(r0, "urgency");
    CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "URGENT") == 0);
    v = attribute(r0, "forWhom");
    CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "FAMILY") == 0);
    v = attribute(r0, "consent");
    CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0);
    CHECK(attribute(r0, "service") == NULL && attribute(r0, "description") == NULL);
    CHECK_STR(str_of(r0, "first_name"), "Wang");
    CHECK_STR(str_of(r0, "last_name"), "Xiao Ming");
    CHECK_STR(str_of(r0, "phone"), "13800138000");

    CHECK_STR(str_of(r1, "description"), "短一点");
    CHECK_STR(str_of(r1, "requested_datetime"), "2026-11-01T16:02:00.000Z");
    ext = cJSON_GetObjectItemCaseSensitive(r1, "extended_attributes");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ext, "clock_synced")));
    CHECK(cJSON_GetObjectItemCaseSensitive(ext, "description_truncated") == NULL);
    v = attribute(r1, "extra");
    CHECK(cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2);
    CHECK(!cJSON_HasObjectItem(r1, "phone") && !cJSON_HasObjectItem(r1, "first_name") &&
          !cJSON_HasObjectItem(r1, "last_name"));
    cJSON_Delete(arr);

    char *help[] = {"open311", "--help", NULL};
    CHECK_INT(run_captured(office_open311, ARGC(help), help, out, err), 0);
    char *extra[] = {"open311", "--archive", path, "surplus", NULL};
    CHECK_INT(run_captured(office_open311, ARGC(extra), extra, out, err), 2);
    for (int i = 0; i < 3; i++)
        record_clear(&recs[i]);
    static const char *const names[] = {"office.db", "requests.json", "out.txt", "err.txt", NULL};
    remove_dir(dir, names);
}

/* ---- the sample archive and the report ------------------------------------------------ */

typedef struct {
    uint64_t s;
} rng_t;

static unsigned rnd(rng_t *r, unsigned n)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((r->s >> 33) % n);
}

/* Picks an index from cumulative weights in percent. */
static int pick(rng_t *r, const int *weights, int n)
{
    int x = (int)rnd(r, 100), acc = 0;
    for (int i = 0; i < n; i++) {
        acc += weights[i];
        if (x < acc)
            return i;
    }
    return n - 1;
}

static const char *const services[] = {"PSY_COUNSEL", "EDU_TUTOR",  "REHAB",
                                       "ELDER_CARE",  "DISABILITY", "FAMILY_MEDIATION",
                                       "LEGAL_AID",   "SKILLS",     "OTHER"};
static const char *const topics[] = {"SERVICE_QUALITY", "FACILITIES", "ACTIVITIES",     "SAFETY",
                                     "ENVIRONMENT",     "NEIGHBOURS", "GOV_SUGGESTION", "OTHER"};
static const char *const abouts[] = {"STAFF",    "WAITING",     "CLEANLINESS",
                                     "ACTIVITY", "INFORMATION", "OTHER"};
static const char *const activities[] = {"ACT_2026_12_HEALTH_TALK", "ACT_2026_12_TAICHI",
                                         "ACT_2026_12_CALLIGRAPHY", "ACT_2026_12_JOB_SKILLS",
                                         "ACT_2026_12_CONCERT"};

/* Makes record i of a kiosk's sample: kinds, languages, answers and times varied. */
static void sample_record(rng_t *g, record_t *rec, const char *kiosk, unsigned long long i,
                          int days, bool early_unsynced)
{
    static const int kind_w[] = {55, 15, 12, 10, 8};
    const record_kind_t kind = (record_kind_t)pick(g, kind_w, 5);
    cJSON *o = cJSON_CreateObject();
    switch (kind) {
    case RECORD_QUICK_RATING: {
        static const int face_w[] = {9, 16, 35, 40};
        cJSON_AddNumberToObject(o, "rating", pick(g, face_w, 4) + 1);
        if (rnd(g, 10) < 6)
            cJSON_AddStringToObject(o, "about", abouts[rnd(g, 6)]);
        break;
    }
    case RECORD_FEEDBACK: {
        static const int topic_w[] = {30, 20, 15, 8, 10, 5, 7, 5};
        cJSON_AddStringToObject(o, "topic", topics[pick(g, topic_w, 8)]);
        cJSON_AddNumberToObject(o, "rating", rnd(g, 4) + 1);
        if (rnd(g, 2))
            cJSON_AddStringToObject(o, "comment",
                                    rnd(g, 2) ? "电梯经常坏，希望尽快修好。"
                                              : "The reading room is too cold in the morning.");
        cJSON_AddBoolToObject(o, "contactOk", false);
        break;
    }
    case RECORD_SERVICE_REQUEST: {
        static const int svc_w[] = {14, 12, 10, 22, 8, 9, 10, 10, 5};
        static const int urg_w[] = {45, 35, 20};
        static const char *const urg[] = {"LOW", "SOON", "URGENT"};
        static const char *const who[] = {"SELF", "FAMILY", "NEIGHBOUR", "OTHER"};
        cJSON_AddStringToObject(o, "service", services[pick(g, svc_w, 9)]);
        cJSON_AddStringToObject(o, "forWhom", who[rnd(g, 4)]);
        cJSON_AddStringToObject(o, "urgency", urg[pick(g, urg_w, 3)]);
        if (rnd(g, 3))
            cJSON_AddStringToObject(o, "description",
                                    rnd(g, 2) ? "母亲82岁，独居，需要每周上门探访。"
                                              : "My son needs help with maths homework.");
        const bool consent = rnd(g, 2);
        cJSON_AddBoolToObject(o, "consent", consent);
        if (consent)
            set_contact(rec, rnd(g, 2) ? "李华" : NULL, "13800138000");
        break;
    }
    case RECORD_QUESTIONNAIRE: {
        static const int sat_w[] = {5, 10, 25, 35, 25};
        static const char *const visits[] = {"WEEKLY", "MONTHLY", "RARELY", "FIRST_TIME"};
        static const char *const checks[] = {"YES", "MAYBE", "NO"};
        cJSON_AddNumberToObject(o, "satisfaction", pick(g, sat_w, 5) + 1);
        cJSON *wanted = cJSON_AddArrayToObject(o, "wantedServices");
        for (int k = 0; k < 9; k++)
            if (rnd(g, 4) == 0)
                cJSON_AddItemToArray(wanted, cJSON_CreateString(services[k]));
        cJSON_AddStringToObject(o, "visits", visits[rnd(g, 4)]);
        const bool alone = rnd(g, 3) == 0;
        cJSON_AddBoolToObject(o, "livesAlone", alone);
        if (alone)
            cJSON_AddStringToObject(o, "checkIns", checks[rnd(g, 3)]);
        if (rnd(g, 4))
            cJSON_AddNumberToObject(o, "household", rnd(g, 6) + 1);
        if (rnd(g, 5) == 0)
            cJSON_AddStringToObject(o, "ideas", "多办一些老年人的健康讲座");
        break;
    }
    case RECORD_ACTIVITY: {
        const bool signup = rnd(g, 3) != 0;
        cJSON_AddStringToObject(o, "activity", activities[rnd(g, 5)]);
        cJSON_AddStringToObject(o, "action", signup ? "SIGNUP" : "INTERESTED");
        if (signup) {
            cJSON_AddBoolToObject(o, "consent", true);
            set_contact(rec, "张伟", "13912345678");
        }
        break;
    }
    case RECORD_KIND_COUNT:
        break;
    }
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    char *name = rec->contact_name, *phone = rec->contact_phone;
    const bool consent = rec->consent;
    make_record(rec, kind, kiosk, i, json);
    free(json);
    rec->contact_name = name;
    rec->contact_phone = phone;
    rec->consent = consent;
    /* Opening hours 8:00-20:00, busier mid-morning and afternoon. */
    static const int hour_w[] = {4, 9, 13, 12, 8, 6, 9, 11, 10, 8, 6, 4};
    const int day = (int)rnd(g, (unsigned)days);
    const int hour = 8 + pick(g, hour_w, 12);
    rec->time.utc_ms =
        T0_UTC_MS + ((int64_t)day * 86400 + hour * 3600 + (int64_t)rnd(g, 3600)) * 1000;
    rec->time.mono_ms = (int64_t)rnd(g, 86400000);
    rec->time.clock_synced = !(early_unsynced && day < 2);
    rec->misuse = kind == RECORD_QUICK_RATING && rnd(g, 100) < 4;
    snprintf(rec->lang, sizeof rec->lang, "%s", rnd(g, 100) < 62 ? "zh-cn" : "en");
    if (kind == RECORD_SERVICE_REQUEST)
        for (int k = 0; k < RECORD_REF_LEN; k++)
            rec->ref_code[k] = REFCODE_ALPHABET[rnd(g, 20)];
}

/* Fills an archive with n records of each of two kiosks, in bundles of 50. */
static int make_sample(const char *path, int n1, int n2)
{
    archive_t *a = open_archive(path);
    if (!a)
        return -1;
    trust(a, "kiosk-lobby-01", 'L');
    trust(a, "kiosk-library-02", 'R');
    rng_t g = {20261128};
    int total = 0;
    static const char *const kiosks[] = {"kiosk-lobby-01", "kiosk-library-02"};
    const int counts[] = {n1, n2};
    for (int k = 0; k < 2; k++) {
        int64_t seq = 1;
        for (int done = 0; done < counts[k]; seq++) {
            record_t recs[50];
            const int n = counts[k] - done < 50 ? counts[k] - done : 50;
            for (int i = 0; i < n; i++) {
                memset(&recs[i], 0, sizeof recs[i]);
                sample_record(&g, &recs[i], kiosks[k], (unsigned long long)(done + i), 21, k == 1);
            }
            const int added =
                import_bundle(a, kiosks[k], seq, (unsigned)(k * 1000 + (int)seq), recs, (size_t)n);
            total = added < 0 || total < 0 ? -1 : total + added;
            for (int i = 0; i < n; i++)
                record_clear(&recs[i]);
            done += n;
        }
    }
    archive_close(a);
    return total;
}

static void report_is_self_contained_html_with_a_chart_each(void)
{
    char dir[PATH_MAX], path[PATH_MAX], html[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/archive-sample", tmp_root()) >= (int)sizeof dir)
        abort();
    REQUIRE(mkdir_p(dir));
    join(path, dir, "office.db");
    join(html, dir, "report.html");
    join(out, dir, "out.txt");
    join(err, dir, "err.txt");
    static const char *const old[] = {"office.db", NULL};
    for (const char *const *p = old; *p; p++) {
        char f[PATH_MAX];
        static const char *const sfx[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char name[64];
            snprintf(name, sizeof name, "%s%s", *p, sfx[i]);
            join(f, dir, name);
            unlink(f);
        }
    }
    CHECK_INT(make_sample(path, 300, 150), 450);

    char *argv[] = {"report",
                    "--archive",
                    path,
                    "--out",
                    html,
                    "--title",
                    "Riverside Community Center <2026-11> & kiosks",
                    NULL};
    CHECK_INT(run_captured(office_report, ARGC(argv), argv, out, err), 0);
    struct stat sb;
    CHECK(stat(html, &sb) == 0 && (sb.st_mode & 0777) == 0644);
    char *text = read_all(html, NULL);
    REQUIRE(text);
    CHECK(strncmp(text, "<!DOCTYPE html>", 15) == 0);
    /* Charts: quick by day, by hour, about; topics; service, urgency, for whom; 6 questions
     * charted (ideas is written text, not drawn); activities; languages; misuse; unsynced. */
    const size_t svgs = count_of(text, "<svg");
    CHECK_INT(svgs, 17);
    CHECK_INT(count_of(text, "</svg>"), svgs);
    CHECK_INT(count_of(text, "<title id="), svgs);
    CHECK_INT(count_of(text, "<desc id="), svgs);
    CHECK(strstr(text, "<script") == NULL);
    CHECK(strstr(text, "http:") == NULL && strstr(text, "https:") == NULL);
    CHECK(strstr(text, "src=") == NULL && strstr(text, "href=") == NULL);
    CHECK(strstr(text, "url(") == NULL && strstr(text, "@import") == NULL);
    CHECK(strstr(text, "Riverside Community Center &lt;2026-11&gt; &amp; kiosks") != NULL);
    CHECK(strstr(text, "kiosk-lobby-01") && strstr(text, "kiosk-library-02"));
    CHECK(strstr(text, "2026-11-02</strong> to <strong>2026-11-22") != NULL);
    CHECK(strstr(text, "ELDER_CARE") && strstr(text, "SERVICE_QUALITY"));
    CHECK(strstr(text, "needs_survey_2026") && strstr(text, "wantedServices"));
    CHECK(strstr(text, "13800138000") == NULL && strstr(text, "李华") == NULL); /* no contacts */
    CHECK(strstr(text, "电梯") == NULL);                                        /* no comments */
    free(text);
    fprintf(stderr, "     sample report: %s\n", html);

    /* Text from the data is escaped. */
    char dir2[PATH_MAX], path2[PATH_MAX], html2[PATH_MAX];
    REQUIRE(make_test_dir(dir2));
    join(path2, dir2, "office.db");
    join(html2, dir2, "report.html");
    archive_t *a = open_archive(path2);
    REQUIRE(a);
    trust(a, "k<b>", 'K');
    record_t r;
    make_record(&r, RECORD_FEEDBACK, "k<b>", 1,
                "{\"topic\":\"<img src=x onerror=alert(1)>\",\"rating\":2}");
    snprintf(r.lang, sizeof r.lang, "x\"y'z");
    CHECK_INT(import_bundle(a, "k<b>", 1, 51, &r, 1), 1);
    record_clear(&r);
    archive_close(a);
    char *argv2[] = {"report", "--archive", path2, "--out", html2, NULL};
    CHECK_INT(run_captured(office_report, ARGC(argv2), argv2, out, err), 0);
    text = read_all(html2, NULL);
    REQUIRE(text);
    CHECK(strstr(text, "<img") == NULL && strstr(text, "&lt;img src=x") != NULL);
    CHECK(strstr(text, "k<b>") == NULL && strstr(text, "k&lt;b&gt;") != NULL);
    CHECK(strstr(text, "x&quot;y&#39;z") != NULL);
    free(text);

    /* An empty archive still makes a page; usage errors are 2. */
    static const char *const names2[] = {"office.db", "report.html", NULL};
    remove_dir(dir2, names2);
    REQUIRE(make_test_dir(dir2));
    join(path2, dir2, "office.db");
    join(html2, dir2, "report.html");
    a = open_archive(path2);
    archive_close(a);
    CHECK_INT(run_captured(office_report, ARGC(argv2), argv2, out, err), 0);
    text = read_all(html2, NULL);
    CHECK(text && strstr(text, "no records yet") && !strstr(text, "<svg"));
    free(text);
    char *no_out[] = {"report", "--archive", path2, NULL};
    CHECK_INT(run_captured(office_report, ARGC(no_out), no_out, out, err), 2);
    char *help[] = {"report", "--help", NULL};
    CHECK_INT(run_captured(office_report, ARGC(help), help, out, err), 0);
    remove_dir(dir2, names2);
    unlink(out);
    unlink(err);
}

/* Over 62 days the time charts count weeks (from Monday), over 62 weeks months; gaps are
 * empty columns, not left out. */
static void long_periods_are_counted_by_week_then_by_month(void)
{
    char dir[PATH_MAX], path[PATH_MAX], html[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/archive-sample", tmp_root()) >= (int)sizeof dir)
        abort();
    REQUIRE(mkdir_p(dir));
    join(out, dir, "out.txt");
    join(err, dir, "err.txt");
    static const struct {
        const char *db, *html, *span;
        int days, first_label_day;
        const char *first_label, *last_label;
    } cases[] = {
        /* 2026-11-02 is a Monday. */
        {"weeks.db", "report-weeks.html", "week (from Monday)", 200, 0, "from 11-02 to 05-17",
         "labelled with its Monday"},
        {"months.db", "report-months.html", "month", 500, 0, "from 2026-11 to 2028-03", "2027-06"},
    };
    for (size_t c = 0; c < 2; c++) {
        join(path, dir, cases[c].db);
        join(html, dir, cases[c].html);
        unlink(path);
        archive_t *a = open_archive(path);
        REQUIRE(a);
        trust(a, "kiosk-a", 'A');
        rng_t g = {(uint64_t)c + 7};
        record_t recs[120];
        for (int i = 0; i < 120; i++) {
            memset(&recs[i], 0, sizeof recs[i]);
            sample_record(&g, &recs[i], "kiosk-a", (unsigned long long)i, cases[c].days, false);
        }
        /* The first and the last day for certain, and a gap in the middle. */
        recs[0].time.utc_ms = T0_UTC_MS + 9 * 3600000;
        recs[1].time.utc_ms = T0_UTC_MS + (int64_t)(cases[c].days - 1) * 86400000 + 9 * 3600000;
        CHECK_INT(import_bundle(a, "kiosk-a", 1, 60 + (unsigned)c, recs, 120), 120);
        for (int i = 0; i < 120; i++)
            record_clear(&recs[i]);
        archive_close(a);
        char *argv[] = {"report", "--archive", path, "--out", html, NULL};
        CHECK_INT(run_captured(office_report, ARGC(argv), argv, out, err), 0);
        char *text = read_all(html, NULL);
        REQUIRE(text);
        char want[128];
        snprintf(want, sizeof want, "Quick ratings by %s", cases[c].span);
        CHECK(strstr(text, want) != NULL);
        CHECK(strstr(text, cases[c].first_label) != NULL);
        CHECK(strstr(text, cases[c].last_label) != NULL);
        free(text);
    }
    unlink(out);
    unlink(err);
}

/* A large bundle is one transaction whose records go into the uuid index in random order:
 * its pages are written to the WAL once, at the commit, not spilled from the page cache and
 * written again as the default 2 MB cache overflows (11 writes per record at 100,000 before). */
static void a_large_bundle_is_not_spilled_from_the_page_cache(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_test_dir(dir));
    join(path, dir, "large.db");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "lobby-1", 'L');
    /* One record first: into an empty archive it would be a bulk load (test_archive_import). */
    record_t first;
    make_record(&first, RECORD_FEEDBACK, "lobby-1", 1000000008ULL, "{}");
    CHECK_INT(import_bundle(a, "lobby-1", 1, 76, &first, 1), 1);
    record_clear(&first);
    enum { N = 60000 };
    char hash[65];
    hash_of(hash, 77);
    int64_t id;
    bool already;
    REQUIRE(archive_begin_bundle(a, "lobby-1", 1, hash, N, &id, &already) == KIOSK_OK);
    int failed = 0;
    for (unsigned long long i = 0; i < N; i++) {
        record_t rec;
        make_record(&rec, RECORD_FEEDBACK, "lobby-1", (i * 2654435761ULL) % 1000000007ULL,
                    "{\"topic\":\"FACILITIES\",\"rating\":3,\"comment\":\"the heating in the "
                    "reading room is off again this morning\"}");
        bool added;
        failed += archive_import_record(a, id, &rec, &added) != KIOSK_OK || !added;
        record_clear(&rec);
    }
    CHECK_INT(failed, 0);
    REQUIRE(archive_commit_bundle(a) == KIOSK_OK);
    CHECK_INT(archive_record_count(a), N + 1);
    CHECK(raw_int(path, "PRAGMA page_count") * raw_int(path, "PRAGMA page_size") > 8 * 1024 * 1024);
    CHECK_INT(archive_cache_spills(a), 0);
    archive_close(a);
    remove_dir(dir, (const char *const[]){"large.db", NULL});
}

int main(void)
{
    RUN(open_migrates_and_reopens);
    RUN(kiosk_keys_are_trusted_and_looked_up);
    RUN(imports_are_idempotent_by_uuid_and_by_bundle);
    RUN(a_large_bundle_is_not_spilled_from_the_page_cache);
    RUN(foreach_gives_back_every_field_in_kiosk_and_time_order);
    RUN(two_kiosks_with_one_ref_code_are_both_kept_and_found);
    RUN(csv_quotes_guards_and_round_trips_text);
    RUN(open311_is_georeport_v2_json);
    RUN(report_is_self_contained_html_with_a_chart_each);
    RUN(long_periods_are_counted_by_week_then_by_month);
    return check_failures != 0;
}
