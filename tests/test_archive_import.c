/* Tests of the office import's fast paths: the bundle line read without a tree gives exactly
 * what cJSON's reader gives (over many awkward records, mutated lines and older kiosks' lines),
 * and the archive that takes them (real SQLite files). */
#include "check.h"
#include "raw_util.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/kerr.h"
#include "core/record.h"
#include "core/record_json.h"
#include "crypto/sha256.h"
#include "scratch_util.h"
#include "store/archive.h"

/* ---- a small deterministic generator ------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (unsigned)(rng_state % n) : 0;
}

/* Pieces of awkward text: escapes the writer makes, bytes it passes, invalid UTF-8. */
static const char *const pieces[] = {"a",
                                     "Z",
                                     "0",
                                     "9",
                                     " ",
                                     "-",
                                     "\"",
                                     "\\",
                                     "/",
                                     "\n",
                                     "\t",
                                     "\r",
                                     "\b",
                                     "\f",
                                     "\x01",
                                     "\x1f",
                                     "\x7f",
                                     "\xc3\xa9",
                                     "\xe4\xb8\xad",
                                     "\xf0\x9f\x98\x80",
                                     "\xff",
                                     "\x80",
                                     "sealed:1:",
                                     "{",
                                     "}",
                                     ",",
                                     ":",
                                     "u00",
                                     "\\u0041",
                                     "true"};

/* Set when rnd_text() used a control byte that cJSON writes as \u00XX. */
static bool used_control;

/* Random text of up to max pieces into out (cap bytes). */
static void rnd_text(char *out, size_t cap, unsigned max)
{
    size_t n = 0;
    const unsigned k = rnd(max + 1);
    out[0] = '\0';
    for (unsigned i = 0; i < k; i++) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        const size_t m = strlen(p);
        if (n + m >= cap)
            break;
        memcpy(out + n, p, m);
        out[n += m] = '\0';
        used_control |= p[0] == '\x01' || p[0] == '\x1f';
    }
}

/* Mostly plain text of the kind a kiosk writes, sometimes awkward. */
static void some_text(char *out, size_t cap, const char *plain)
{
    if (rnd(10))
        snprintf(out, cap, "%s", plain);
    else
        rnd_text(out, cap, 12);
}

static int64_t rnd_int(void)
{
    static const int64_t edges[] = {0,
                                    1,
                                    -1,
                                    7,
                                    999999999,
                                    1000000000,
                                    1795000000123,
                                    -1795000000123,
                                    999999999999999,
                                    -999999999999999,
                                    1000000000000000,
                                    8999999999999999,
                                    9000000000000001,
                                    INT64_MAX};
    if (rnd(3) == 0)
        return edges[rnd(sizeof edges / sizeof edges[0])];
    return (int64_t)rnd(2000000000) * (rnd(2) ? 1000 : 1) - (rnd(5) == 0 ? 1000000000 : 0);
}

/* Answers as a kiosk has them, and some it never writes. *plain: the writer prints them in
 * the form the fast reader copies (integers of up to nine digits, no \u escape, at most 32
 * levels). */
static char *rnd_answers(bool *plain)
{
    static const char *const fixed[] = {
        "{}",
        "{\"rating\":4}",
        "{\"service\":\"STREETLIGHT\",\"urgency\":\"SOON\"}",
        "{\"comment\":\"sealed:1:QUJD\"}",
        "{\"a\":1.5}",
        "{\"a\":-0}", /* cJSON prints "-0": copied by no one */
        "{\"a\":0}",
        "{\"a\":1e3}",
        "{\"a\":12345678901}",
        "{ \"a\" : 1 }",
        "{\"a\":[1,{\"b\":null,\"c\":[true,false]}],\"d\":{}}",
        "{\"a\":\"\\u00e9\\/x\"}",
        "{\"a\":\"\\u0001\",\"b\":\"\\\"\\\\\\n\"}",
        "{\"a\":\"x\",\"a\":\"y\"}",
        "[1]",
        "\"text\"",
        "{broken",
        "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    };
    static const bool fixed_plain[] = {1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0};
    _Static_assert(sizeof fixed / sizeof fixed[0] == sizeof fixed_plain, "one flag each");
    if (rnd(3)) {
        const unsigned i = rnd(sizeof fixed / sizeof fixed[0]);
        *plain = fixed_plain[i];
        return strdup(fixed[i]);
    }
    used_control = false;
    bool ints = true;
    cJSON *o = cJSON_CreateObject();
    const unsigned n = rnd(5);
    for (unsigned i = 0; i < n; i++) {
        char key[64], text[64];
        rnd_text(key, sizeof key, 4);
        rnd_text(text, sizeof text, 6);
        if (rnd(2))
            cJSON_AddStringToObject(o, key, text);
        else if (rnd(3))
            cJSON_AddNumberToObject(o, key, (double)rnd(1000));
        else
            cJSON_AddNumberToObject(o, key, (ints = false, rnd(1000) / 7.0 + 0.5));
    }
    *plain = ints && !used_control;
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static void rnd_record(record_t *rec, bool *plain)
{
    static const char *const refs[] = {"", "", "3NJF47", "ACDEFH", "0OIL12", "3NJF4", "3njf47"};
    memset(rec, 0, sizeof *rec);
    rec->kind = (record_kind_t)rnd(RECORD_KIND_COUNT);
    snprintf(rec->uuid, sizeof rec->uuid, "%08x-%04x-4%03x-8%03x-%012x", rnd(0xffffffffu),
             rnd(0x10000), rnd(0x1000), rnd(0x1000), rnd(0xffffffffu));
    if (rnd(50) == 0)
        rnd_text(rec->uuid, sizeof rec->uuid, 8);
    some_text(rec->journey_id, sizeof rec->journey_id, "service_request");
    some_text(rec->kiosk_id, sizeof rec->kiosk_id, "library-1");
    some_text(rec->pack_id, sizeof rec->pack_id, "default");
    some_text(rec->pack_version, sizeof rec->pack_version, "2026.11.1");
    some_text(rec->lang, sizeof rec->lang, "zh-cn");
    snprintf(rec->ref_code, sizeof rec->ref_code, "%s", refs[rnd(sizeof refs / sizeof refs[0])]);
    rec->answers_json = rnd_answers(plain);
    rec->time.utc_ms = rnd_int();
    rec->time.offset_min = (int32_t)(rnd(3000) - 1500);
    rec->time.clock_synced = rnd(2);
    rec->time.mono_ms = rnd_int();
    rec->time.boot = rnd_int();
    rec->misuse = rnd(2);
    rec->consent = rnd(2);
    char text[96];
    if (rnd(2)) {
        some_text(text, sizeof text, "Li Wei");
        rec->contact_name = strdup(text);
    }
    if (rnd(2)) {
        some_text(text, sizeof text, "13800138000");
        rec->contact_phone = strdup(text);
    }
}

/* ---- comparing the two readers ------------------------------------------------------- */

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_record(const record_t *a, const record_t *b)
{
    return strcmp(a->uuid, b->uuid) == 0 && a->kind == b->kind &&
           strcmp(a->journey_id, b->journey_id) == 0 && strcmp(a->kiosk_id, b->kiosk_id) == 0 &&
           strcmp(a->pack_id, b->pack_id) == 0 && strcmp(a->pack_version, b->pack_version) == 0 &&
           strcmp(a->lang, b->lang) == 0 && strcmp(a->ref_code, b->ref_code) == 0 &&
           same_text(a->answers_json, b->answers_json) && a->time.utc_ms == b->time.utc_ms &&
           a->time.offset_min == b->time.offset_min &&
           a->time.clock_synced == b->time.clock_synced && a->time.mono_ms == b->time.mono_ms &&
           a->time.boot == b->time.boot && a->misuse == b->misuse && a->consent == b->consent &&
           same_text(a->contact_name, b->contact_name) &&
           same_text(a->contact_phone, b->contact_phone);
}

typedef struct {
    long lines, fast, tree_ok, mismatches;
} tally_t;

/* Reads text (len bytes, copied to a buffer of exactly len: nothing past it may be read) with
 * record_from_json() and with the tree alone; they must agree. Returns whether the fast path
 * took it. */
static bool compare_readers(const char *text, size_t len, tally_t *t)
{
    char *line = malloc(len ? len : 1);
    if (!line)
        abort();
    memcpy(line, text, len);
    record_t fast, tree, both;
    content_error_t e1, e2;
    const bool took = record_from_bundle_line(line, len, &fast);
    const int rc_tree = record_from_json_tree(line, len, &tree, &e1);
    const int rc_both = record_from_json(line, len, &both, &e2);
    t->lines++;
    t->fast += took;
    t->tree_ok += rc_tree == KIOSK_OK;
    bool ok = rc_both == rc_tree && (!took || rc_tree == KIOSK_OK);
    if (ok && took)
        ok = same_record(&fast, &tree);
    if (ok && rc_tree == KIOSK_OK)
        ok = same_record(&both, &tree);
    if (ok && rc_tree != KIOSK_OK)
        ok = strcmp(e1.path, e2.path) == 0 && strcmp(e1.reason, e2.reason) == 0;
    if (!ok && t->mismatches++ < 5)
        fprintf(stderr, "readers differ (fast %d, tree %d, both %d) on: %.*s\n", took, rc_tree,
                rc_both, (int)len, text);
    if (took)
        record_clear(&fast);
    if (rc_tree == KIOSK_OK)
        record_clear(&tree);
    if (rc_both == KIOSK_OK)
        record_clear(&both);
    free(line);
    return took;
}

/* Whether every number the writer put in rec is one the fast path reads (below 1e15). */
static bool numbers_fit(const record_t *rec)
{
    const int64_t v[] = {rec->time.utc_ms, rec->time.mono_ms, rec->time.boot};
    for (size_t i = 0; i < 3; i++)
        if (v[i] <= -1000000000000000 || v[i] >= 1000000000000000)
            return false;
    return true;
}

/* A few ways a line can differ from what this writer writes. */
static size_t mutate(const char *in, size_t len, char *out, unsigned how)
{
    static const char bytes[] = {'"', '\\', ',', '}',  '{',    '0', 'e', '.',
                                 '-', 'u',  ' ', '\0', '\x80', ':', 'n'};
    const size_t at = len ? rnd((unsigned)len) : 0;
    memcpy(out, in, len);
    switch (how % 5) {
    case 0: /* whitespace somewhere */
        memmove(out + at + 1, out + at, len - at);
        out[at] = rnd(2) ? ' ' : '\n';
        return len + 1;
    case 1: /* one byte changed */
        out[at] = bytes[rnd(sizeof bytes)];
        return len;
    case 2: /* cut off */
        return at;
    case 3: /* one byte gone */
        memmove(out + at, out + at + 1, len - at - 1);
        return len ? len - 1 : 0;
    default: /* one byte twice */
        memmove(out + at + 1, out + at, len - at);
        return len + 1;
    }
}

/* Thousands of awkward records through the writer, as written and mutated: the fast reader
 * takes every line the writer writes with plain answers and numbers below 1e15 and gives
 * exactly what the tree gives; on every other line record_from_json() gives what the tree
 * gives. */
static void fast_reader_gives_what_the_tree_gives(void)
{
    tally_t t = {0};
    long written = 0, written_fast = 0, refused = 0;
    for (int i = 0; i < 20000; i++) {
        record_t rec;
        bool plain = false;
        rnd_record(&rec, &plain);
        record_buf_t b = {0};
        if (record_bundle_append(&rec, &b) == KIOSK_OK) {
            const size_t len = b.len - 1; /* without its newline, as bundle_open() hands it */
            written++;
            const bool took = compare_readers(b.bytes, len, &t);
            written_fast += took;
            record_t tree;
            content_error_t e;
            if (record_from_json_tree(b.bytes, len, &tree, &e) == KIOSK_OK) {
                if (plain && numbers_fit(&rec) && !took && refused++ < 5)
                    fprintf(stderr, "fast reader refused: %.*s\n", (int)len, b.bytes);
                record_clear(&tree);
            }
            char *m = malloc(len + 2);
            for (unsigned k = 0; m && k < 3; k++) {
                const size_t n = mutate(b.bytes, len, m, rnd(100));
                compare_readers(m, n, &t);
            }
            free(m);
        }
        free(b.bytes);
        record_clear(&rec);
    }
    fprintf(stderr,
            "  %ld lines (%ld written), %ld taken by the fast reader (%ld written), %ld read by "
            "the tree\n",
            t.lines, written, t.fast, written_fast, t.tree_ok);
    CHECK_INT(t.mismatches, 0);
    CHECK_INT(refused, 0);
    CHECK(written > 15000 && written_fast > written / 10 && t.fast > written_fast);
}

/* Lines of other writers (an older kiosk, a hand-edited or pretty-printed file): read by the
 * tree, exactly as before. */
static void other_layouts_are_read_by_the_tree(void)
{
    static const char *const older[] = {
        /* without "boot" and "misuse" */
        "{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b\",\"kind\":\"feedback\",\"journey\":"
        "\"feedback\",\"kioskId\":\"library-1\",\"pack\":\"default\",\"packVersion\":\"1\","
        "\"lang\":\"en\",\"answers\":{\"rating\":4},\"utcMs\":1795000000123,\"offsetMin\":0,"
        "\"clockSynced\":true,\"monoMs\":1}",
        /* keys in another order, contact before the time */
        "{\"kind\":\"service_request\",\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5c\","
        "\"journey\":\"service_request\",\"kioskId\":\"library-1\",\"contact\":{\"phone\":\"1\","
        "\"name\":\"Li\"},\"pack\":\"default\",\"packVersion\":\"1\",\"lang\":\"en\",\"answers\":"
        "{},\"ref\":\"3NJF47\",\"utcMs\":1795000000123,\"offsetMin\":480,\"clockSynced\":false,"
        "\"monoMs\":1,\"boot\":2,\"misuse\":true}",
        /* pretty-printed */
        "{ \"uuid\": \"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5d\", \"kind\": \"feedback\",\n"
        "  \"journey\": \"feedback\", \"kioskId\": \"library-1\", \"pack\": \"default\",\n"
        "  \"packVersion\": \"1\", \"lang\": \"en\", \"answers\": { \"a\": 1.25 },\n"
        "  \"utcMs\": 1.795e12, \"offsetMin\": 0, \"clockSynced\": true, \"monoMs\": 1,\n"
        "  \"boot\": 1, \"misuse\": false }",
        /* escapes the writer does not make */
        "{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5e\",\"kind\":\"feedbac\\u006b\","
        "\"journey\":\"feed\\/back\",\"kioskId\":\"library-1\",\"pack\":\"caf\\u00e9\","
        "\"packVersion\":\"1\",\"lang\":\"en\",\"answers\":{\"a\":\"\\u4e2d\"},\"utcMs\":1,"
        "\"offsetMin\":0,\"clockSynced\":true,\"monoMs\":1,\"boot\":1,\"misuse\":false,"
        "\"contact\":{\"name\":\"\\ud83d\\ude00\"}}",
        /* a contact with a key the reader ignores */
        "{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5f\",\"kind\":\"feedback\",\"journey\":"
        "\"feedback\",\"kioskId\":\"library-1\",\"pack\":\"default\",\"packVersion\":\"1\","
        "\"lang\":\"en\",\"answers\":{},\"utcMs\":1,\"offsetMin\":0,\"clockSynced\":true,"
        "\"monoMs\":1,\"boot\":1,\"misuse\":false,\"contact\":{\"name\":\"Li\",\"email\":\"x\"}}",
    };
    tally_t t = {0};
    for (size_t i = 0; i < sizeof older / sizeof older[0]; i++) {
        CHECK(!compare_readers(older[i], strlen(older[i]), &t));
        record_t rec;
        content_error_t e;
        CHECK_INT(record_from_json(older[i], strlen(older[i]), &rec, &e), KIOSK_OK);
        record_clear(&rec);
    }
    CHECK_INT(t.tree_ok, (long)(sizeof older / sizeof older[0]));
    CHECK_INT(t.mismatches, 0);
}

/* The fast reader's own values, pinned: escapes decoded, a contact of one field, no ref. */
static void fast_reader_decodes_escapes_and_optional_keys(void)
{
    const char *line =
        "{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b\",\"kind\":\"quick_rating\","
        "\"journey\":\"quick\\\"rating\\\\\",\"kioskId\":\"k\\u0041\",\"pack\":\"p\\/q\","
        "\"packVersion\":\"1\\n2\",\"lang\":\"\xe4\xb8\xad\",\"answers\":{\"a\":[1,\"\\t\"]},"
        "\"utcMs\":-999999999999999,\"offsetMin\":-1440,\"clockSynced\":false,\"monoMs\":007,"
        "\"boot\":-0,\"misuse\":true,\"contact\":{\"phone\":\"\\u001f\\b\"}}";
    record_t rec;
    REQUIRE(record_from_bundle_line(line, strlen(line), &rec));
    CHECK_STR(rec.journey_id, "quick\"rating\\");
    CHECK_STR(rec.kiosk_id, "kA");
    CHECK_STR(rec.pack_id, "p/q");
    CHECK_STR(rec.pack_version, "1\n2");
    CHECK_STR(rec.lang, "\xe4\xb8\xad");
    CHECK_STR(rec.answers_json, "{\"a\":[1,\"\\t\"]}");
    CHECK_STR(rec.ref_code, "");
    CHECK_INT(rec.time.utc_ms, -999999999999999);
    CHECK_INT(rec.time.offset_min, -1440);
    CHECK_INT(rec.time.mono_ms, 7);
    CHECK_INT(rec.time.boot, 0);
    CHECK(rec.misuse && !rec.time.clock_synced && rec.consent && !rec.contact_name);
    CHECK_STR(rec.contact_phone, "\x1f\b");
    record_clear(&rec);
    tally_t t = {0};
    CHECK(compare_readers(line, strlen(line), &t));
    CHECK_INT(t.mismatches, 0);
}

/* ---- the archive ------------------------------------------------------------------------ */

static archive_t *open_archive(const char *path)
{
    archive_t *a = NULL;
    char err[512];
    if (archive_open(path, &a, err, sizeof err) != KIOSK_OK)
        fprintf(stderr, "archive_open: %s\n", err);
    return a;
}

static void trust(archive_t *a, const char *kiosk)
{
    char key[45];
    memset(key, 'K', 43);
    memcpy(key + 43, "=", 2);
    CHECK_INT(archive_trust_kiosk(a, kiosk, key), KIOSK_OK);
}

static void hash_of(char out[65], unsigned n)
{
    for (int i = 0; i < 64; i++)
        out[i] = "0123456789abcdef"[(n * 7u + (unsigned)i) % 16u];
    out[64] = '\0';
}

/* Record n of kiosk k: a rating, a service request with a contact, or a comment. */
static void make_record(record_t *rec, const char *kiosk, unsigned n)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = (record_kind_t)(n % 3 == 0   ? RECORD_QUICK_RATING
                                : n % 3 == 1 ? RECORD_SERVICE_REQUEST
                                             : RECORD_FEEDBACK);
    snprintf(rec->uuid, sizeof rec->uuid, "%08x-0000-4000-8000-%012x", (unsigned)(n * 2654435761u),
             n);
    snprintf(rec->journey_id, sizeof rec->journey_id, "j%u", n % 3);
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "%s", kiosk);
    snprintf(rec->pack_id, sizeof rec->pack_id, "default");
    snprintf(rec->pack_version, sizeof rec->pack_version, "2026.11.1");
    snprintf(rec->lang, sizeof rec->lang, "zh-cn");
    char answers[96];
    snprintf(answers, sizeof answers, "{\"rating\":%u,\"comment\":\"n%u\"}", n % 5, n);
    rec->answers_json = strdup(answers);
    if (rec->kind == RECORD_SERVICE_REQUEST) {
        snprintf(rec->ref_code, sizeof rec->ref_code, "%c%c%c%c%c%c", REFCODE_ALPHABET[n % 20],
                 REFCODE_ALPHABET[n / 20 % 20], REFCODE_ALPHABET[n / 400 % 20], 'A', 'C', 'D');
        char phone[32];
        snprintf(phone, sizeof phone, "138%08u", n);
        rec->contact_phone = strdup(phone);
        rec->consent = true;
    }
    rec->time.utc_ms = 1793548800000LL + (int64_t)n * 60000;
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 5000 + (int64_t)n;
    rec->time.boot = 3;
}

/* Imports records first..first+n-1 (and the uuids of extra[], again) as one bundle that
 * announces announce records; returns how many were added, -1 on an error. */
static long import_range(archive_t *a, unsigned hash_n, unsigned first, unsigned n,
                         const unsigned *again, size_t nagain, int64_t announce)
{
    char hash[65];
    hash_of(hash, hash_n);
    int64_t id;
    bool already;
    if (archive_begin_bundle(a, "lobby-1", hash_n, hash, announce, &id, &already) != KIOSK_OK) {
        fprintf(stderr, "begin: %s\n", archive_errmsg(a));
        return -1;
    }
    long added = 0;
    for (unsigned i = 0; i < n + nagain; i++) {
        record_t rec;
        make_record(&rec, "lobby-1", i < n ? first + i : again[i - n]);
        bool was;
        const int rc = archive_import_record(a, id, &rec, &was);
        record_clear(&rec);
        if (rc != KIOSK_OK) {
            fprintf(stderr, "import: %s\n", archive_errmsg(a));
            archive_rollback_bundle(a);
            return -1;
        }
        added += was;
    }
    return archive_commit_bundle(a) == KIOSK_OK ? added : -1;
}

/* What an archive holds, as one text: every row of records and contacts, and the schema. */
static char *dump(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    char *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(
            db,
            "SELECT group_concat(line, char(10)) FROM (SELECT quote(id) || uuid || kind ||"
            " journey_id || kiosk_id || pack_id || pack_version || lang || answers ||"
            " quote(ref_code) || created_utc || utc_ms || utc_offset_min || clock_synced ||"
            " mono_ms || boot || misuse || bundle_id AS line FROM records"
            " UNION ALL SELECT quote(record_id) || quote(name) || quote(phone) FROM contacts"
            " UNION ALL SELECT type || name || tbl_name || coalesce(sql, '') FROM sqlite_schema"
            " WHERE name NOT LIKE 'sqlite_autoindex%'"
            " ORDER BY 1)",
            -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        out = strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

/* A large bundle into an empty archive is bulk loaded: the same rows, the same schema and the
 * same counts as one that is not (announced too small for it), *added false for every uuid
 * repeated within the bundle (the first repeat ends the bulk load there). */
static void a_bulk_load_stores_what_one_by_one_stores(void)
{
    char dir[PATH_MAX], bulk_path[PATH_MAX], slow_path[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "archive-import"));
    join(bulk_path, dir, "bulk.db");
    join(slow_path, dir, "slow.db");
    static const unsigned again[] = {17, 4000, 17};
    enum { N = 5000 };
    long added[2] = {-1, -1};
    int64_t bulk_records[2] = {-1, -1};
    for (int k = 0; k < 2; k++) {
        archive_t *a = open_archive(k ? slow_path : bulk_path);
        REQUIRE(a);
        trust(a, "lobby-1");
        /* The same bundle; only the one that announces enough records is bulk loaded. */
        added[k] = import_range(a, 1, 0, N, again, 3, k ? ARCHIVE_BULK_MIN - 1 : N);
        bulk_records[k] = archive_bulk_records(a);
        /* A second bundle into an archive that has records: one by one. */
        CHECK_INT(import_range(a, 2, N - 10, 20, NULL, 0, 20000), 10);
        CHECK_INT(archive_bulk_records(a), bulk_records[k]);
        CHECK_INT(archive_record_count(a), N + 10);
        archive_close(a);
    }
    CHECK_INT(added[0], N);
    CHECK_INT(added[1], N);
    CHECK_INT(bulk_records[0], N); /* up to the first repeat: the rest went in one by one */
    CHECK_INT(bulk_records[1], 0);
    char *bulk = dump(bulk_path), *slow = dump(slow_path);
    REQUIRE(bulk && slow);
    CHECK(strcmp(bulk, slow) == 0); /* all but imported_utc, which differs */
    CHECK(strlen(bulk) > N * 100);
    CHECK(strstr(bulk, "CREATE UNIQUE INDEX records_uuid ON records(uuid)") != NULL);
    CHECK_INT(raw_int(bulk_path, "SELECT count(*) FROM contacts"), (N + 2) / 3 + 3);
    CHECK_INT(raw_int(bulk_path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
    free(bulk);
    free(slow);
    remove_tree(dir);
}

/* created_utc is iso8601_format(utc_ms, 0) of each record, whatever the order of their days
 * (the archive reuses the date of the record before when the day is the same). */
static void created_utc_is_the_record_time_in_iso8601(void)
{
    static const int64_t times[] = {
        /* 2026-11-02, UTC, one after the other: the date reused, every digit of the time */
        1793577600000LL, 1793577600000LL + 45296789, 1793577600000LL + 86399999,
        1793577600000LL + 1, 1793577600000LL + 3723004, 1793577600000LL + 37230040,
        /* day edges, both ways, and far ones */
        1793577600000LL - 1, 1793577600000LL + 86400000, 0, -1, -86400000, -86400001, -86399999,
        8999999999999999LL, -8999999999999999LL, 253402300799999LL, 253402300800000LL,
        253402300800000LL + 61001};
    enum { N = sizeof times / sizeof times[0] };
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "archive-import"));
    join(path, dir, "times.db");
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "lobby-1");
    char hash[65];
    hash_of(hash, 5);
    int64_t id;
    bool already, added;
    REQUIRE(archive_begin_bundle(a, "lobby-1", 1, hash, N, &id, &already) == KIOSK_OK);
    for (unsigned i = 0; i < N; i++) {
        record_t rec;
        make_record(&rec, "lobby-1", i);
        rec.time.utc_ms = times[i];
        CHECK_INT(archive_import_record(a, id, &rec, &added), KIOSK_OK);
        record_clear(&rec);
    }
    REQUIRE(archive_commit_bundle(a) == KIOSK_OK);
    archive_close(a);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    REQUIRE(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(db, "SELECT utc_ms, created_utc FROM records ORDER BY id", -1, &stmt,
                               NULL) == SQLITE_OK);
    int rows = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        char want[ISO8601_LEN];
        iso8601_format(sqlite3_column_int64(stmt, 0), 0, want);
        CHECK_STR((const char *)sqlite3_column_text(stmt, 1), want);
        CHECK_INT(sqlite3_column_int64(stmt, 0), times[rows]);
        rows++;
    }
    CHECK_INT(rows, N);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    remove_tree(dir);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* A bulk load goes through a rollback journal and leaves the archive in WAL; killed half way
 * (no rollback, no close), nothing of it stays, the indexes are all there and the next open
 * is in WAL; the bundle then imports in full. With another connection open the switch is
 * refused: the bulk load runs in WAL. */
static void a_bulk_load_killed_half_way_leaves_nothing(void)
{
    char dir[PATH_MAX], path[PATH_MAX], journal[PATH_MAX + 8];
    REQUIRE(make_scratch_dir(dir, "archive-import"));
    join(path, dir, "crash.db");
    snprintf(journal, sizeof journal, "%s-journal", path);
    archive_t *a = open_archive(path);
    REQUIRE(a);
    trust(a, "lobby-1");
    archive_close(a);
    enum { N = 3000 };
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        archive_t *c = open_archive(path);
        char hash[65];
        hash_of(hash, 9);
        int64_t id;
        bool already, added;
        if (!c || archive_begin_bundle(c, "lobby-1", 1, hash, N, &id, &already) != KIOSK_OK)
            _exit(2);
        for (unsigned i = 0; i < N / 2; i++) {
            record_t rec;
            make_record(&rec, "lobby-1", i);
            if (archive_import_record(c, id, &rec, &added) != KIOSK_OK)
                _exit(3);
            record_clear(&rec);
        }
        /* The rows are in the file by now (a small cache spills), under the journal. */
        _exit(exists(journal) && archive_bulk_records(c) == N / 2 ? 0 : 4);
    }
    int status = -1;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    a = open_archive(path);
    REQUIRE(a);
    CHECK_INT(archive_record_count(a), 0);
    CHECK(!exists(journal));
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                            " tbl_name = 'records'"),
              4);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM bundles"), 0);
    CHECK_INT(import_range(a, 9, 0, N, NULL, 0, N), N);
    CHECK_INT(archive_bulk_records(a), N);
    CHECK(!exists(journal));
    archive_close(a);
    CHECK_INT(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    CHECK_INT(raw_int(path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);

    /* Another connection has it open: no switch, and no wait for one. */
    char other_path[PATH_MAX];
    join(other_path, dir, "other.db");
    a = open_archive(other_path);
    REQUIRE(a);
    trust(a, "lobby-1");
    sqlite3 *other = NULL;
    REQUIRE(sqlite3_open_v2(other_path, &other, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "SELECT count(*) FROM kiosks", NULL, NULL, NULL) == SQLITE_OK);
    CHECK_INT(import_range(a, 10, 0, N, NULL, 0, N), N);
    CHECK_INT(archive_bulk_records(a), N);
    char mode[16] = "";
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(other, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    CHECK_STR(mode, "wal");
    sqlite3_close(other);
    archive_close(a);
    remove_tree(dir);
}

/* Schema 2 as released (archive.c's migrations 0 -> 1 -> 2), with rows of every table. */
static const char v2_schema[] =
    "CREATE TABLE kiosks (kiosk_id TEXT PRIMARY KEY, sign_public_key TEXT NOT NULL,"
    " added_utc TEXT NOT NULL, chain_seq INTEGER NOT NULL DEFAULT 0, chain_hash TEXT);"
    "CREATE TABLE bundles (id INTEGER PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES"
    " kiosks(kiosk_id), seq INTEGER NOT NULL, manifest_sha256 TEXT NOT NULL UNIQUE"
    " CHECK(length(manifest_sha256) = 64), records INTEGER NOT NULL CHECK(records >= 0),"
    " imported_utc TEXT NOT NULL);"
    "CREATE INDEX bundles_kiosk_seq ON bundles(kiosk_id, seq);"
    "CREATE TABLE records (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, kind TEXT NOT NULL"
    " CHECK(kind IN ('quick_rating', 'feedback', 'service_request', 'questionnaire',"
    " 'activity')), journey_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, pack_id TEXT NOT NULL,"
    " pack_version TEXT NOT NULL, lang TEXT NOT NULL, answers TEXT NOT NULL"
    " CHECK(json_valid(answers) AND json_type(answers) = 'object'), ref_code TEXT,"
    " created_utc TEXT NOT NULL, utc_ms INTEGER NOT NULL, utc_offset_min INTEGER NOT NULL,"
    " clock_synced INTEGER NOT NULL CHECK(clock_synced IN (0, 1)), mono_ms INTEGER NOT NULL,"
    " boot INTEGER NOT NULL, misuse INTEGER NOT NULL CHECK(misuse IN (0, 1)), bundle_id INTEGER"
    " NOT NULL REFERENCES bundles(id), imported_utc TEXT NOT NULL);"
    "CREATE INDEX records_ref_code ON records(ref_code COLLATE NOCASE);"
    "CREATE INDEX records_kiosk_time ON records(kiosk_id, utc_ms);"
    "CREATE INDEX records_bundle ON records(bundle_id);"
    "CREATE TABLE contacts (record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE"
    " CASCADE, name TEXT, phone TEXT, CHECK(name IS NOT NULL OR phone IS NOT NULL));"
    "INSERT INTO kiosks VALUES('lobby-1', 'KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK=',"
    " '2026-11-30T10:00:00.000Z', 7, NULL);"
    "INSERT INTO bundles VALUES(4, 'lobby-1', 1,"
    " 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 3,"
    " '2026-11-30T10:01:00.000Z');"
    "INSERT INTO records VALUES(10, '00000001-0000-4000-8000-000000000001', 'feedback', 'j',"
    " 'lobby-1', 'default', '1', 'en', '{\"rating\":4}', NULL, '2026-11-30T09:00:00.000Z',"
    " 1796029200000, 480, 1, 5, 2, 0, 4, '2026-11-30T10:01:00.000Z');"
    "INSERT INTO records VALUES(12, '00000001-0000-4000-8000-000000000002', 'service_request',"
    " 'j', 'lobby-1', 'default', '1', 'zh-cn', '{}', 'ACDEFH', '2026-11-30T09:01:00.000Z',"
    " 1796029260000, 480, 0, 6, 2, 1, 4, '2026-11-30T10:01:00.000Z');"
    "INSERT INTO records VALUES(13, '00000001-0000-4000-8000-000000000003', 'activity', 'j',"
    " 'lobby-1', 'default', '1', 'ug', '{\"people\":2}', NULL, '2026-11-30T09:02:00.000Z',"
    " 1796029320000, 480, 1, 7, 2, 0, 4, '2026-11-30T10:01:00.000Z');"
    "INSERT INTO contacts VALUES(12, 'Li', '13800138000');"
    "PRAGMA user_version = 2; PRAGMA application_id = 1263485266;";

/* Schema 2 -> 3 keeps every row (ids, contacts: not deleted by the cascade when the records
 * table is dropped) and each index; the kind is still checked, the uuid still unique, the
 * foreign keys on, and the archive imports on (one by one: it has records). */
static void migration_3_keeps_every_row(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "archive-import"));
    join(path, dir, "v2.db");
    sqlite3 *db = NULL;
    REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, v2_schema, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    char *before = dump(path);
    REQUIRE(before);
    archive_t *a = open_archive(path);
    REQUIRE(a);
    CHECK_INT(archive_record_count(a), 3);
    CHECK_INT(import_range(a, 30, 0, 2000, NULL, 0, 2000), 2000);
    CHECK_INT(archive_bulk_records(a), 0);
    archive_close(a);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), ARCHIVE_SCHEMA_VERSION);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM contacts WHERE record_id = 12 AND name = 'Li'"),
              1);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM records WHERE id IN (10, 12, 13) AND"
                            " bundle_id = 4"),
              3);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                            " tbl_name = 'records' AND sql IS NOT NULL"),
              4);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    CHECK_INT(raw_int(path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
    /* The rows of schema 2, unchanged (the first three records and the contact). */
    char *after = dump(path);
    REQUIRE(after);
    CHECK(strstr(after, "10"
                        "00000001-0000-4000-8000-000000000001feedbackjlobby-1default1en"
                        "{\"rating\":4}NULL2026-11-30T09:00:00.000Z1796029200000480152"
                        "04") != NULL);
    CHECK(strstr(after, "12'Li''13800138000'") != NULL);
    /* Still refused: an unknown kind, a repeated uuid, a contact of no record. */
    REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    CHECK(sqlite3_exec(db, "UPDATE records SET kind = 'other' WHERE id = 10", NULL, NULL, NULL) ==
          SQLITE_CONSTRAINT);
    CHECK(sqlite3_exec(db,
                       "UPDATE records SET uuid = '00000001-0000-4000-8000-000000000002'"
                       " WHERE id = 10",
                       NULL, NULL, NULL) == SQLITE_CONSTRAINT);
    CHECK(sqlite3_exec(db, "INSERT INTO contacts VALUES(99, 'x', NULL)", NULL, NULL, NULL) ==
          SQLITE_CONSTRAINT);
    sqlite3_close(db);
    free(before);
    free(after);
    remove_tree(dir);
}

/* SHA-256 through the CPU's instructions is libsodium's SHA-256: every length from 0 to 300
 * bytes (each padding case), fed whole and in random pieces, and 3 MB at once. */
static void sha256_is_libsodiums(void)
{
    REQUIRE(sodium_init() >= 0);
    enum { BIG = 3 << 20 };
    uint8_t *data = malloc(BIG);
    REQUIRE(data);
    for (size_t i = 0; i < BIG; i++)
        data[i] = (uint8_t)rnd(256);
    int wrong = 0;
    for (size_t i = 0; i <= 301; i++) {
        const size_t len = i <= 300 ? i : BIG;
        uint8_t want[32], whole[32], split[32];
        crypto_hash_sha256(want, data, len);
        sha256_t s;
        sha256_init(&s);
        sha256_update(&s, data, len);
        sha256_final(&s, whole);
        sha256_init(&s);
        for (size_t at = 0; at < len;) {
            const size_t n = len - at < 200 ? len - at : rnd(200);
            sha256_update(&s, data + at, n);
            at += n;
        }
        sha256_final(&s, split);
        wrong += memcmp(whole, want, 32) != 0 || memcmp(split, want, 32) != 0;
    }
    CHECK_INT(wrong, 0);
    fprintf(stderr, "  SHA instructions %s\n", sha256_accelerated() ? "used" : "absent: libsodium");
    free(data);
}

int main(void)
{
    RUN(fast_reader_gives_what_the_tree_gives);
    RUN(other_layouts_are_read_by_the_tree);
    RUN(fast_reader_decodes_escapes_and_optional_keys);
    RUN(a_bulk_load_stores_what_one_by_one_stores);
    RUN(created_utc_is_the_record_time_in_iso8601);
    RUN(a_bulk_load_killed_half_way_leaves_nothing);
    RUN(migration_3_keeps_every_row);
    RUN(sha256_is_libsodiums);
    return check_failures != 0;
}
