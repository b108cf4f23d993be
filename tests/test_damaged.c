/* The damaged-database suite: real SQLite files of the kiosk's store, damaged on purpose
 * (truncated, bytes flipped in a leaf, an interior page, the header, the freelist, a lost or
 * damaged WAL, a disk that fills up during the quarantine), opened by the real
 * store_open_checked() and by the real kiosk binary. For each: the records recovered against
 * the records stored, any altered, and the staff notice; printed as a table. */
#define _GNU_SOURCE /* memmem */
#include "check.h"
#include "raw_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "core/record.h"
#include "proc_util.h"
#include "scratch_util.h"
#include "store/store.h"
#include "usb/export.h"

enum { STORED = 186, IN_WAL = 24 };

/* ---- Records with known contents ------------------------------------------------------ */

/* Record number i: a padded answer (a page holds a few records), a uuid made from i, and a
 * contact on every fifth. */
static void make_numbered(record_t *rec, int i)
{
    memset(rec, 0, sizeof *rec);
    char pad[601], answers[700];
    memset(pad, 'a' + i % 26, sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    snprintf(answers, sizeof answers, "{\"i\":%d,\"note\":\"%s\"}", i, pad);
    rec->kind = i % 5 == 0 ? RECORD_SERVICE_REQUEST : RECORD_FEEDBACK;
    snprintf(rec->journey_id, sizeof rec->journey_id, "%s", record_kind_name(rec->kind));
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "kiosk-lobby-01");
    snprintf(rec->pack_id, sizeof rec->pack_id, "riverside-center");
    snprintf(rec->pack_version, sizeof rec->pack_version, "2026.11.3");
    snprintf(rec->lang, sizeof rec->lang, "zh-cn");
    rec->answers_json = strdup(answers);
    snprintf(rec->uuid, sizeof rec->uuid, "00000000-0000-4000-8000-%012d", i);
    if (i % 5 == 0) {
        char text[32];
        snprintf(text, sizeof text, "1380000%04d", i);
        rec->contact_phone = strdup(text);
        snprintf(text, sizeof text, "Resident %d", i);
        rec->contact_name = strdup(text);
        rec->consent = true;
    }
    rec->time.utc_ms = 1795897905123 + i;
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 86400123 + i;
}

static bool save_numbered(store_t *st, int first, int last)
{
    for (int i = first; i < last; i++) {
        record_t rec;
        make_numbered(&rec, i);
        const int err = store_save(st, &rec);
        record_clear(&rec);
        if (err != KIOSK_OK)
            return false;
    }
    return true;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

typedef struct {
    int count;        /* records read back */
    int altered;      /* of which not what was stored */
    int contact_lost; /* of which only without their contact (its page was lost) */
    int contacts;
    int wal_only; /* of the records saved only into the WAL (numbers STORED and up) */
} tally_t;

static int tally_record(const record_t *got, void *user_data)
{
    tally_t *t = user_data;
    t->count++;
    t->contacts += got->consent;
    const long i = strtol(got->uuid + 24, NULL, 10);
    t->wal_only += i >= STORED;
    record_t want;
    make_numbered(&want, (int)i);
    const bool same_record = i >= 0 && i < STORED + IN_WAL && got->kind == want.kind &&
                             same_text(got->answers_json, want.answers_json) &&
                             got->time.utc_ms == want.time.utc_ms &&
                             got->time.mono_ms == want.time.mono_ms;
    if (same_record && !got->contact_name && !got->contact_phone && want.contact_name) {
        t->contact_lost++;
    } else if (!same_record || !same_text(got->contact_name, want.contact_name) ||
               !same_text(got->contact_phone, want.contact_phone)) {
        t->altered++;
        if (getenv("DAMAGED_DEBUG"))
            fprintf(stderr, "    altered: %s kind %d/%d utc %lld/%lld name %s/%s ans %.30s\n",
                    got->uuid, got->kind, want.kind, (long long)got->time.utc_ms,
                    (long long)want.time.utc_ms, got->contact_name ? got->contact_name : "-",
                    want.contact_name ? want.contact_name : "-", got->answers_json);
    }
    record_clear(&want);
    return 0;
}

/* ---- Files --------------------------------------------------------------------------- */

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void with_suffix(char out[PATH_MAX], const char *base, const char *suffix)
{
    if (snprintf(out, PATH_MAX, "%s%s", base, suffix) >= PATH_MAX)
        abort();
}

/* XORs len bytes at offset of the file with 0xff. */
static bool flip(const char *path, int64_t offset, int len)
{
    const int fd = open(path, O_RDWR | O_CLOEXEC);
    unsigned char buf[64];
    bool ok = fd >= 0 && len <= (int)sizeof buf &&
              pread(fd, buf, (size_t)len, (off_t)offset) == (ssize_t)len;
    for (int i = 0; ok && i < len; i++)
        buf[i] ^= 0xff;
    ok = ok && pwrite(fd, buf, (size_t)len, (off_t)offset) == (ssize_t)len && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The contents of a file (malloc'd, its length in *len), NULL when it cannot be read. */
static char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    *len = 0;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        const long n = ftell(f);
        buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
        if (buf && (fseek(f, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)n, f) != (size_t)n)) {
            free(buf);
            buf = NULL;
        }
        *len = buf ? (size_t)n : 0;
    }
    if (f)
        fclose(f);
    return buf;
}

/* A page of the records table of the given type ('leaf' or 'internal'), the one in the
 * middle in page order; 0 when there is none. */
static int64_t records_page(const char *path, const char *type)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT pageno FROM dbstat WHERE name = 'records' AND pagetype = '%s' ORDER BY "
             "pageno LIMIT 1 OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name = 'records' "
             "AND pagetype = '%s')",
             type, type);
    const int64_t p = raw_int(path, sql);
    return p < 0 ? 0 : p;
}

/* Copies the database at from and its -wal and -head to to (and to's -wal, -head). */
static bool copy_db(const char *from, const char *to)
{
    char cmd[8 * PATH_MAX + 128];
    snprintf(cmd, sizeof cmd,
             "cp '%s' '%s' && { [ ! -e '%s-wal' ] || cp '%s-wal' '%s-wal'; } && "
             "{ [ ! -e '%s-head' ] || cp '%s-head' '%s-head'; }",
             from, to, from, from, to, from, from, to);
    return system(cmd) == 0;
}

/* ---- One case -------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int stored;       /* records acknowledged */
    int64_t expected; /* records the damaged copy promised (-1 unknown) */
    int recovered, altered, contact_lost, wal_only;
    int64_t chain_lost, chain_altered; /* what the hash chain's check found */
    bool moved;
    char notice[256];
} row_t;

static row_t table[16];
static int rows;

/* A database of STORED records (and, with wal, IN_WAL more saved by a kiosk that then died, so
 * that they are only in the WAL) in a fresh directory. */
static bool build(char dir[PATH_MAX], char path[PATH_MAX], bool wal)
{
    if (!make_scratch_dir(dir, "damaged"))
        return false;
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    if (store_open(path, &st, NULL, 0) != KIOSK_OK)
        return false;
    const bool ok = save_numbered(st, 0, STORED);
    store_close(st);
    if (!ok || !wal)
        return ok;
    fflush(NULL);
    const pid_t pid = fork();
    if (pid == 0) {
        if (store_open(path, &st, NULL, 0) != KIOSK_OK ||
            !save_numbered(st, STORED, STORED + IN_WAL))
            _exit(2);
        _exit(0); /* no store_close(): no checkpoint */
    }
    int status = 0;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

/* The staff notice the real kiosk shows for the database at path ("" when none). */
static void kiosk_notice(const char *name, const char *path, char *notice, size_t len)
{
    char script[PATH_MAX];
    with_suffix(script, path, ".script");
    notice[0] = '\0';
    if (!write_file(script, "expect screen home\n"))
        return;
    char *args[] = {"--headless", "--db", (char *)path, "--script", script, NULL};
    char out[4096], *err = NULL;
    CHECK_INT(run_kiosk(name, args, out, sizeof out, &err), 0);
    const char *at = err ? strstr(err, "staff notice: ") : NULL;
    if (at) {
        at += strlen("staff notice: ");
        snprintf(notice, len, "%.*s", (int)strcspn(at, "\n"), at);
    }
    free(err);
}

/* Opens the damaged database at path with store_open_checked() (and a copy of it with the
 * kiosk), fills a row of the table, and returns it. */
static row_t *measure(const char *name, const char *path, int stored)
{
    row_t *r = &table[rows++];
    memset(r, 0, sizeof *r);
    r->name = name;
    r->stored = stored;
    char copy[PATH_MAX];
    with_suffix(copy, path, ".kiosk");
    CHECK(copy_db(path, copy));

    store_t *st = NULL;
    store_recovery_t rec;
    char err[512] = "";
    CHECK_INT(store_open_checked(path, &st, &rec, err, sizeof err), KIOSK_OK);
    if (!st)
        return r;
    tally_t t = {0};
    CHECK_INT(store_foreach_record(st, tally_record, &t), KIOSK_OK);
    CHECK_INT(t.count, store_record_count(st));
    r->recovered = t.count;
    r->altered = t.altered;
    r->contact_lost = t.contact_lost;
    r->wal_only = t.wal_only;
    r->moved = rec.moved_aside;
    r->expected = rec.expected_records;
    CHECK(rec.chain.verified);
    r->chain_lost = rec.chain.lost.count;
    r->chain_altered = rec.chain.altered.count;
    if (rec.moved_aside) {
        CHECK_INT(t.count, rec.salvaged_records);
        CHECK_INT(t.contacts, rec.salvaged_contacts);
    }
    store_close(st);
    /* No contact without its record. */
    CHECK_INT(raw_int(path, "SELECT count(*) FROM contacts"), t.contacts);
    kiosk_notice(name, copy, r->notice, sizeof r->notice);
    /* A notice exactly when records were set aside, lost or altered. */
    CHECK((rec.moved_aside || r->chain_lost || r->chain_altered) == (r->notice[0] != '\0'));
    return r;
}

static int64_t page_size_of(const char *path)
{
    return raw_int(path, "PRAGMA page_size");
}

static int64_t page_count_of(const char *path)
{
    return raw_int(path, "PRAGMA page_count");
}

/* ---- The cases --------------------------------------------------------------------------- */

static void truncated(bool mid_page)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), pages = page_count_of(path);
    const int64_t kept = pages * 2 / 3; /* whole pages left */
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT sum(ncell) FROM dbstat WHERE name = 'records' AND pagetype = 'leaf' AND "
             "pageno <= %lld",
             (long long)kept);
    const int64_t readable = raw_int(path, sql);
    REQUIRE(truncate(path, (off_t)(ps * kept + (mid_page ? ps / 2 : 0))) == 0);
    row_t *r =
        measure(mid_page ? "truncated mid-page" : "truncated on a page boundary", path, STORED);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    /* Every record on a page before the cut, though the b-tree cannot reach them all. */
    CHECK_INT(r->recovered, readable);
    CHECK(r->expected >= STORED - 10);
    remove_tree(dir);
}

static void truncated_mid_page(void)
{
    truncated(true);
}

static void truncated_on_a_page_boundary(void)
{
    truncated(false);
}

/* Truncated, with the last saves only in the WAL: the scan lays its committed frames over the
 * file's pages. */
static void truncated_with_saves_in_the_wal(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, true));
    const int64_t ps = page_size_of(path);
    struct stat sb;
    REQUIRE(stat(path, &sb) == 0);
    const int64_t pages = sb.st_size / ps; /* the file's own pages, without the WAL's */
    REQUIRE(truncate(path, (off_t)(ps * (pages * 2 / 3) + ps / 2)) == 0);
    row_t *r = measure("truncated, 24 saves in the -wal", path, STORED + IN_WAL);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->wal_only, IN_WAL);
    CHECK_INT(r->expected, STORED + IN_WAL);
    remove_tree(dir);
}

/* A damaged leaf in the file, and a byte of a frame in the middle of its WAL flipped: SQLite
 * ends the WAL there, the scan takes the committed frames before and after that one, and
 * nothing of the damaged frame. */
static void leaf_flipped_and_a_wal_frame_damaged(void)
{
    char dir[PATH_MAX], path[PATH_MAX], wal[PATH_MAX];
    REQUIRE(build(dir, path, true));
    const int64_t ps = page_size_of(path);
    with_suffix(wal, path, "-wal");
    struct stat sb;
    REQUIRE(stat(wal, &sb) == 0);
    const int64_t frame = 24 + ps, frames = (sb.st_size - 32) / frame;
    REQUIRE(frames > 4);
    /* The last frame of a full leaf of records (no later frame holds that page). */
    size_t wal_len = 0;
    unsigned char *w = (unsigned char *)read_bytes(wal, &wal_len);
    REQUIRE(w && (int64_t)wal_len >= 32 + frames * frame);
    int64_t victim = -1;
    for (int64_t k = frames - 2; k >= 1 && victim < 0; k--) {
        const unsigned char *h = w + 32 + k * frame;
        const uint32_t pgno = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | h[2] << 8 | h[3];
        bool later = false;
        for (int64_t l = k + 1; l < frames && !later; l++)
            later = memcmp(w + 32 + l * frame, h, 4) == 0;
        const int64_t content = (int64_t)(h[24 + 5] << 8 | h[24 + 6]);
        const int ncell = h[24 + 3] << 8 | h[24 + 4];
        if (pgno > 1 && h[24] == 13 && !later && ncell >= 2 && ncell <= 6 && content > 0 &&
            content < ps / 2)
            victim = k; /* a leaf of records (a few cells of 700 bytes), not of contacts */
    }
    REQUIRE(victim > 0);
    /* Its newest cell starts where the cell content area does: a byte of its answers. */
    const unsigned char *page = w + 32 + victim * frame + 24;
    const int64_t newest = (int64_t)(page[5] << 8 | page[6]);
    free(w);
    REQUIRE(newest > 0 && newest + 200 < ps);
    REQUIRE(flip(wal, 32 + victim * frame + 24 + newest + 150, 1));
    /* After a reboot SQLite rebuilds its WAL index (the -shm) and checks every frame. */
    char shm[PATH_MAX];
    with_suffix(shm, path, "-shm");
    unlink(shm);
    const int64_t leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0 && flip(path, (leaf - 1) * ps + 3, 4));
    row_t *r = measure("leaf and a -wal frame flipped", path, STORED + IN_WAL);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->recovered - r->wal_only, STORED);
    CHECK(r->wal_only >= IN_WAL - 3); /* only the records of the damaged frame's page */
    remove_tree(dir);
}

static void flipped_leaf_header(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0);
    REQUIRE(flip(path, (leaf - 1) * ps + 3, 4)); /* its cell count and content start */
    row_t *r = measure("flipped bytes: leaf page header", path, STORED);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->recovered, STORED);
    remove_tree(dir);
}

/* A leaf of records overwritten with zeros: its rows are gone, and so must their contact
 * details be (a contact is never salvaged without its record). */
static void zeroed_leaf(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT ncell FROM dbstat WHERE name = 'records' AND pageno = %lld",
             (long long)leaf);
    const int64_t lost = raw_int(path, sql);
    static char zeros[65536];
    const int fd = open(path, O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(pwrite(fd, zeros, (size_t)ps, (off_t)((leaf - 1) * ps)) == (ssize_t)ps);
    close(fd);
    row_t *r = measure("a records leaf zeroed", path, STORED);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->recovered, STORED - lost);
    remove_tree(dir);
}

static void flipped_leaf_payload(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0);
    REQUIRE(flip(path, leaf * ps - 200, 1)); /* one byte of a stored answer */
    row_t *r = measure("flipped byte: leaf payload", path, STORED);
    /* SQLite's checks do not read values; the hash chain does: one record altered. */
    CHECK_INT(r->recovered, STORED);
    CHECK(!r->moved);
    CHECK_INT(r->chain_altered, 1);
    CHECK_INT(r->chain_lost, 0);
    remove_tree(dir);
}

static void flipped_interior(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), inner = records_page(path, "internal");
    REQUIRE(inner > 0);
    REQUIRE(flip(path, (inner - 1) * ps + 3, 4));
    row_t *r = measure("flipped bytes: interior page", path, STORED);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->recovered, STORED);
    CHECK_INT(r->expected, STORED);
    remove_tree(dir);
}

static void flipped_header(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    REQUIRE(flip(path, 16, 2)); /* the page size */
    row_t *r = measure("flipped bytes: file header", path, STORED);
    CHECK(r->moved);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->recovered, STORED);
    remove_tree(dir);
}

static void flipped_freelist(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    sqlite3 *db = NULL;
    REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       "CREATE TABLE junk(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT "
                       "i + 1 FROM c WHERE i < 40) INSERT INTO junk SELECT zeroblob(3000) FROM c;"
                       "DROP TABLE junk; PRAGMA wal_checkpoint(TRUNCATE);",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    const int64_t trunk = raw_int(path, "PRAGMA freelist_count") > 0 ? 0 : -1;
    REQUIRE(trunk == 0);
    /* The first freelist trunk page is named at offset 32 of the header. */
    unsigned char h[4];
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0 && pread(fd, h, 4, 32) == 4);
    close(fd);
    const int64_t first = (int64_t)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
    REQUIRE(first > 1);
    REQUIRE(flip(path, (first - 1) * page_size_of(path) + 4, 2)); /* its leaf count */
    row_t *r = measure("flipped bytes: freelist trunk", path, STORED);
    CHECK(r->moved);
    CHECK_INT(r->recovered, STORED);
    CHECK_INT(r->altered, 0);
    remove_tree(dir);
}

static void wal_deleted(void)
{
    char dir[PATH_MAX], path[PATH_MAX], wal[PATH_MAX];
    REQUIRE(build(dir, path, true));
    with_suffix(wal, path, "-wal");
    REQUIRE(exists(wal));
    REQUIRE(unlink(wal) == 0);
    with_suffix(wal, path, "-shm");
    unlink(wal);
    row_t *r = measure("-wal deleted", path, STORED + IN_WAL);
    /* Not damage SQLite can see: the saves only in the WAL are gone, and the chain's head file
     * names each of them. */
    CHECK_INT(r->recovered, STORED);
    CHECK_INT(r->chain_lost, IN_WAL);
    remove_tree(dir);
}

static void wal_flipped(void)
{
    char dir[PATH_MAX], path[PATH_MAX], wal[PATH_MAX];
    REQUIRE(build(dir, path, true));
    with_suffix(wal, path, "-wal");
    struct stat sb;
    REQUIRE(stat(wal, &sb) == 0 && sb.st_size > 32 + 24 + 4096);
    /* A byte in a frame in the middle of the WAL: its checksum fails, and SQLite ends the
     * WAL before it. */
    const int64_t frame = 24 + page_size_of(path);
    const int64_t frames = (sb.st_size - 32) / frame;
    REQUIRE(flip(wal, 32 + (frames / 2) * frame + 24 + 100, 1));
    row_t *r = measure("-wal frame flipped", path, STORED + IN_WAL);
    CHECK(r->recovered >= STORED && r->recovered < STORED + IN_WAL);
    CHECK_INT(r->chain_lost, STORED + IN_WAL - r->recovered); /* each one named */
    remove_tree(dir);
}

/* Contact details erased before the damage (by reference code) do not come back with the
 * rows read from the raw pages. */
static void erased_contacts_stay_erased(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, false));
    char refs[10][RECORD_REF_LEN + 1];
    int n = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    REQUIRE(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT ref_code FROM records WHERE ref_code IS NOT NULL "
                               "ORDER BY id LIMIT 10",
                               -1, &stmt, NULL) == SQLITE_OK);
    while (n < 10 && sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(refs[n++], sizeof refs[0], "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    REQUIRE(n == 10);
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    for (int i = 0; i < n; i++)
        CHECK_INT(store_erase_contact(st, refs[i]), KIOSK_OK);
    store_close(st);
    const int64_t left = raw_int(path, "SELECT count(*) FROM contacts");
    CHECK_INT(left, STORED / 5 + 1 - 10);
    const int64_t ps = page_size_of(path), inner = records_page(path, "internal");
    REQUIRE(inner > 0 && flip(path, (inner - 1) * ps + 3, 4));
    row_t *r = measure("erased contacts, interior flipped", path, STORED);
    CHECK_INT(r->recovered, STORED);
    CHECK_INT(r->contact_lost, 10); /* the ten without their erased contact */
    CHECK_INT(r->altered, 0);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM contacts"), left);
    remove_tree(dir);
}

/* ---- The journal: a quarantine cut at any step is finished by the next start ---------- */

static void a_move_cut_before_the_rename_is_finished_at_the_next_start(void)
{
    char dir[PATH_MAX], path[PATH_MAX], journal[PATH_MAX], moved[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), inner = records_page(path, "internal");
    REQUIRE(inner > 0 && flip(path, (inner - 1) * ps + 3, 4));
    /* The journal was synced, then the power went: nothing renamed yet. */
    with_suffix(journal, path, "-quarantine");
    with_suffix(moved, path, ".corrupt-20261202T101500Z");
    REQUIRE(write_file(journal, "kiosk-quarantine 1\nmoved kiosk.db.corrupt-20261202T101500Z\n"
                                "problem Tree 3 page 3: btreeInitPage() returns error code 11\n"));
    store_t *st = NULL;
    store_recovery_t rec;
    char err[512] = "x";
    REQUIRE(store_open_checked(path, &st, &rec, err, sizeof err) == KIOSK_OK);
    CHECK_STR(err, "");
    CHECK(rec.resumed);
    CHECK(rec.moved_aside);
    CHECK_STR(rec.moved_to, moved);
    CHECK(strstr(rec.problem, "btreeInitPage") != NULL);
    CHECK_INT(rec.salvaged_records, STORED);
    CHECK_INT(rec.expected_records, STORED);
    CHECK_INT(store_record_count(st), STORED);
    CHECK(exists(moved));
    CHECK(!exists(journal));
    store_close(st);
    remove_tree(dir);
}

static void a_salvage_committed_before_the_journal_went_is_not_repeated(void)
{
    char dir[PATH_MAX], path[PATH_MAX], journal[PATH_MAX];
    REQUIRE(build(dir, path, false));
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0 && flip(path, (leaf - 1) * ps + 3, 4));
    store_t *st = NULL;
    store_recovery_t rec;
    REQUIRE(store_open_checked(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(rec.moved_aside && !rec.resumed);
    const int64_t salvaged = rec.salvaged_records;
    with_suffix(journal, path, "-quarantine");
    CHECK(!exists(journal));
    store_close(st);
    /* The power went after the salvage's COMMIT, before the journal was removed. */
    char text[PATH_MAX + 64];
    snprintf(text, sizeof text, "kiosk-quarantine 1\nmoved %s\nproblem x\n",
             strrchr(rec.moved_to, '/') + 1);
    REQUIRE(write_file(journal, text));
    store_recovery_t again;
    char err[512] = "x";
    REQUIRE(store_open_checked(path, &st, &again, err, sizeof err) == KIOSK_OK);
    CHECK_STR(err, "");
    CHECK(again.resumed);
    CHECK_STR(again.moved_to, rec.moved_to);
    CHECK_INT(again.salvaged_records, salvaged);
    CHECK_INT(again.salvaged_contacts, rec.salvaged_contacts);
    CHECK_INT(again.expected_records, rec.expected_records);
    CHECK_INT(store_record_count(st), salvaged); /* nothing twice */
    CHECK(!exists(journal));
    store_close(st);
    remove_tree(dir);
}

static void a_torn_or_foreign_journal_means_nothing_was_moved(void)
{
    static const char *const journals[] = {
        "",
        "kiosk-quarantine 1\nmov",
        "kiosk-quarantine 1\nmoved ../../etc/kiosk.db.corrupt-x\n",
        "kiosk-quarantine 1\nmoved other.db.corrupt-x\n",
    };
    char dir[PATH_MAX], path[PATH_MAX], journal[PATH_MAX];
    REQUIRE(build(dir, path, false));
    with_suffix(journal, path, "-quarantine");
    for (size_t i = 0; i < sizeof journals / sizeof journals[0]; i++) {
        REQUIRE(write_file(journal, journals[i]));
        store_t *st = NULL;
        store_recovery_t rec;
        char err[512] = "";
        const int rc = store_open_checked(path, &st, &rec, err, sizeof err);
        if (rc != KIOSK_OK)
            fprintf(stderr, "    journal %zu: %s\n", i, err);
        REQUIRE(rc == KIOSK_OK);
        CHECK(!rec.resumed);
        CHECK(!rec.moved_aside);
        CHECK_INT(store_record_count(st), STORED);
        CHECK(!exists(journal));
        store_close(st);
    }
    remove_tree(dir);
}

/* ---- The full disk ------------------------------------------------------------------- */

/* Fills the file system of dir up to leave bytes free (in a file "filler"). */
static bool fill_up(const char *dir, long leave)
{
    char filler[PATH_MAX];
    join(filler, dir, "filler");
    const int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    static char block[4096];
    off_t written = 0;
    while (write(fd, block, sizeof block) == (ssize_t)sizeof block)
        written += (off_t)sizeof block;
    const bool ok = ftruncate(fd, written - leave > 0 ? written - leave : 0) == 0;
    close(fd);
    return ok;
}

/* A disk that fills up during the quarantine: the damaged database is moved aside, but the
 * fresh one cannot be made. The journal stays, every start tries again, and the first one
 * with space finishes the salvage, with the count in the staff notice (the real kiosk). */
static void full_disk_in(const char *dir)
{
    char path[PATH_MAX], journal[PATH_MAX];
    join(path, dir, "kiosk.db");
    with_suffix(journal, path, "-quarantine");
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    REQUIRE(save_numbered(st, 0, STORED));
    store_close(st);
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0 && flip(path, (leaf - 1) * ps + 3, 4));
    /* Room for the check's -shm and the journal, not for a fresh database. */
    REQUIRE(fill_up(dir, 40 * 1024));

    store_recovery_t rec;
    char err[512] = "";
    for (int attempt = 0; attempt < 2; attempt++) {
        const int rc = store_open_checked(path, &st, &rec, err, sizeof err);
        CHECK(rc == KIOSK_EFULL || rc == KIOSK_EIO);
        CHECK(st == NULL);
        CHECK(exists(journal));
        CHECK(rec.moved_aside);
        CHECK(attempt == 0 || rec.resumed);
        CHECK(strstr(err, "quarantine") != NULL);
        fprintf(stderr, "    attempt %d on a full disk: %s\n", attempt + 1, err);
    }
    CHECK(exists(rec.moved_to));

    /* Space comes back: the next start (the real kiosk) finishes the quarantine first. */
    char filler[PATH_MAX];
    join(filler, dir, "filler");
    REQUIRE(unlink(filler) == 0);
    row_t *r = &table[rows++];
    memset(r, 0, sizeof *r);
    r->name = "full disk during quarantine";
    r->stored = STORED;
    kiosk_notice("damaged-full", path, r->notice, sizeof r->notice);
    CHECK(!exists(journal));
    r->moved = true;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    tally_t t = {0};
    CHECK_INT(store_foreach_record(st, tally_record, &t), KIOSK_OK);
    store_close(st);
    r->recovered = t.count;
    r->altered = t.altered;
    r->contact_lost = t.contact_lost;
    r->expected = raw_int(path, "SELECT value FROM meta WHERE key = 'salvage_expected'");
    CHECK_INT(r->recovered, STORED);
    CHECK_INT(r->altered, 0);
    CHECK_INT(r->expected, STORED);
    char want[32];
    snprintf(want, sizeof want, "%d/%d", r->recovered, STORED);
    CHECK(strstr(r->notice, want) != NULL);
}

/* full_disk_in() on a size-limited tmpfs, unmounted whatever happens in it. */
static void full_disk_during_quarantine(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "    skipped: mounting a small tmpfs needs root\n");
        return;
    }
    char dir[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "damaged-full"));
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m") != 0) {
        fprintf(stderr, "    skipped: cannot mount a tmpfs: %s\n", strerror(errno));
        remove_tree(dir);
        return;
    }
    full_disk_in(dir);
    CHECK(umount(dir) == 0);
    remove_tree(dir);
}

/* ---- Quarantined copies: sealed to the organisation, or expired -------------------------- */

static bool read_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    const bool ok = f && fgets(out, (int)len, f);
    if (f)
        fclose(f);
    out[ok ? strcspn(out, "\r\n") : 0] = '\0';
    return ok;
}

/* The names in dir starting with "kiosk.db.corrupt-", at most max. */
static int list_copies(const char *dir, char names[][PATH_MAX], int max)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "cd '%s' && ls kiosk.db.corrupt-* 2>/dev/null", dir);
    FILE *ls = popen(cmd, "r");
    int n = 0;
    while (ls && n < max && fgets(names[n], PATH_MAX, ls)) {
        names[n][strcspn(names[n], "\n")] = '\0';
        n++;
    }
    if (ls)
        pclose(ls);
    return n;
}

/* A kiosk with the organisation's encryption key seals the copy once its salvage is done and
 * removes the plaintext; the office tool opens it into the very bytes that were set aside. */
static void a_quarantined_copy_is_sealed_and_the_office_opens_it(void)
{
    char dir[PATH_MAX], path[PATH_MAX], keys[PATH_MAX], config[PATH_MAX], cmd[6 * PATH_MAX];
    REQUIRE(build(dir, path, true)); /* with saves only in its WAL */
    join(keys, dir, "office-keys");
    snprintf(cmd, sizeof cmd, "%s keygen '%s' >/dev/null", KIOSK_STAFF_BIN, keys);
    REQUIRE(system(cmd) == 0);
    char signpk[200], boxpk[200], file[PATH_MAX + 32], json[1024];
    snprintf(file, sizeof file, "%s/org-sign.public", keys);
    REQUIRE(read_line(file, signpk, sizeof signpk));
    snprintf(file, sizeof file, "%s/org-box.public", keys);
    REQUIRE(read_line(file, boxpk, sizeof boxpk));
    join(config, dir, "kiosk.json");
    snprintf(json, sizeof json,
             "{\"organisation\": {\"signPublicKey\": \"%s\", \"boxPublicKey\": \"%s\"}}\n", signpk,
             boxpk);
    REQUIRE(write_file(config, json));
    /* A leaf in the middle: the saves in the WAL do not touch it. */
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0 && flip(path, (leaf - 1) * ps + 3, 4));
    size_t db_len = 0, wal_len = 0;
    char wal[PATH_MAX];
    with_suffix(wal, path, "-wal");
    char *db_bytes = read_bytes(path, &db_len), *wal_bytes = read_bytes(wal, &wal_len);
    REQUIRE(db_bytes && wal_bytes && wal_len > 0);

    char script[PATH_MAX];
    with_suffix(script, path, ".script");
    REQUIRE(write_file(script, "expect notice yes\nexpect screen home\n"));
    char *args[] = {"--headless", "--config", config, "--db", path, "--script", script, NULL};
    char out[4096], *err = NULL;
    CHECK_INT(run_kiosk("damaged-sealed", args, out, sizeof out, &err), 0);
    CHECK(err && strstr(err, "sealed to the organisation's key") != NULL);
    free(err);

    /* Only the sealed copy is left beside the fresh database. */
    static char names[4][PATH_MAX];
    const int n = list_copies(dir, names, 4);
    CHECK_INT(n, 1);
    REQUIRE(n >= 1);
    CHECK(strstr(names[0], ".sealed") != NULL && !strstr(names[0], ".tmp"));
    char sealed[2 * PATH_MAX], opened[PATH_MAX], opened_wal[PATH_MAX];
    snprintf(sealed, sizeof sealed, "%s/%s", dir, names[0]);
    /* No phone number of the set-aside records in it. */
    size_t sealed_len = 0;
    char *sealed_bytes = read_bytes(sealed, &sealed_len);
    REQUIRE(sealed_bytes);
    CHECK(memmem(sealed_bytes, sealed_len, "13800000005", 11) == NULL);
    CHECK(memmem(db_bytes, db_len, "13800000005", 11) != NULL); /* the needle was there */
    free(sealed_bytes);

    join(opened, dir, "opened.db");
    with_suffix(opened_wal, opened, "-wal");
    snprintf(cmd, sizeof cmd, "%s open-quarantine --keys '%s' '%s' '%s' >/dev/null",
             KIOSK_STAFF_BIN, keys, sealed, opened);
    CHECK(system(cmd) == 0);
    size_t got_len = 0, got_wal_len = 0;
    char *got = read_bytes(opened, &got_len), *got_wal = read_bytes(opened_wal, &got_wal_len);
    CHECK(got && got_len == db_len && memcmp(got, db_bytes, db_len) == 0);
    CHECK(got_wal && got_wal_len == wal_len && memcmp(got_wal, wal_bytes, wal_len) == 0);
    free(got);
    free(got_wal);
    /* Never over an existing file; and a sealed copy with one byte changed is refused. */
    CHECK(system(cmd) != 0);
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s'", opened, opened_wal);
    CHECK(system(cmd) == 0);
    struct stat sb;
    REQUIRE(stat(sealed, &sb) == 0);
    REQUIRE(flip(sealed, sb.st_size / 2, 1));
    snprintf(cmd, sizeof cmd, "%s open-quarantine --keys '%s' '%s' '%s' 2>/dev/null",
             KIOSK_STAFF_BIN, keys, sealed, opened);
    CHECK(system(cmd) != 0);
    free(db_bytes);
    free(wal_bytes);
    remove_tree(dir);
}

/* Without an organisation key the plaintext copy stays until the contact retention period has
 * passed since its move, then goes with its -wal and -shm. */
static void without_a_key_a_copy_is_deleted_after_the_retention_period(void)
{
    char dir[PATH_MAX], path[PATH_MAX], config[PATH_MAX], script[PATH_MAX];
    REQUIRE(build(dir, path, true));
    join(config, dir, "kiosk.json");
    REQUIRE(write_file(config, "{\"retention\": {\"contactMaxDays\": 2}}\n"));
    /* A leaf in the middle: the saves in the WAL do not touch it. */
    const int64_t ps = page_size_of(path), leaf = records_page(path, "leaf");
    REQUIRE(leaf > 0 && flip(path, (leaf - 1) * ps + 3, 4));
    with_suffix(script, path, ".script");
    REQUIRE(write_file(script, "expect screen home\n"));
    char *args[] = {"--headless", "--config", config, "--db", path, "--script", script, NULL};
    char out[4096], *err = NULL;
    CHECK_INT(run_kiosk("damaged-nokey-1", args, out, sizeof out, &err), 0);
    free(err);
    static char names[8][PATH_MAX];
    CHECK(list_copies(dir, names, 8) >= 2); /* the copy and its -wal, kept for now */

    /* Moved aside years before (the stamp in its name), the next start deletes it. */
    char cmd[2 * PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && for f in kiosk.db.corrupt-*; do mv \"$f\" \"kiosk.db.corrupt-"
             "20200101T000000Z${f#kiosk.db.corrupt-????????T??????Z}\"; done",
             dir);
    REQUIRE(system(cmd) == 0);
    /* Expiry goes by retention's confirmed clock, never by a clock that may run ahead: staff
     * confirm the time (as on the clock page) before the next start. */
    store_t *st = NULL;
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    CHECK_INT(store_confirm_time(st, (int64_t)time(NULL) * 1000, 0, true), KIOSK_OK);
    store_close(st);
    err = NULL;
    CHECK_INT(run_kiosk("damaged-nokey-2", args, out, sizeof out, &err), 0);
    CHECK(err && strstr(err, "deleted: moved aside 2 days or more ago") != NULL);
    free(err);
    CHECK_INT(list_copies(dir, names, 8), 0);
    remove_tree(dir);
}

/* ---- The staff export takes the sealed copies ----------------------------------------------- */

static int no_records_begin(void *ctx, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    (void)ctx;
    (void)all;
    *max_id = *count = 0;
    *seq = 1;
    return KIOSK_OK;
}

static const char *no_errmsg(void *ctx)
{
    (void)ctx;
    return "";
}

/* The sealed copies beside the database go into kiosk-export/ on the stick, byte for byte
 * (also when there is no new record); the plaintext of a copy never does; a stick too small
 * for them is an error that leaves no partial file. */
static void the_export_puts_the_sealed_copies_on_the_stick(void)
{
    char dir[PATH_MAX], stick[PATH_MAX], sealed[PATH_MAX], plain[PATH_MAX], onstick[PATH_MAX + 64];
    REQUIRE(make_scratch_dir(dir, "damaged-export"));
    join(stick, dir, "stick");
    REQUIRE(mkdir(stick, 0755) == 0);
    join(sealed, dir, "kiosk.db.corrupt-20261202T101500Z.sealed");
    join(plain, dir, "kiosk.db.corrupt-20261202T101501Z");
    static char bytes[200000];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (char)(i * 7919 % 251);
    FILE *f = fopen(sealed, "wb");
    REQUIRE(f && fwrite(bytes, 1, sizeof bytes, f) == sizeof bytes);
    fclose(f);
    REQUIRE(write_file(plain, "plaintext of a copy not sealed yet"));

    export_source_t src = {.begin = no_records_begin, .errmsg = no_errmsg};
    export_opts_t o = {.kiosk_id = "kiosk-lobby-01", .quarantine_dir = dir};
    export_result_t r;
    char err[512] = "";
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 0);
    CHECK_INT(r.quarantine_files, 1);
    snprintf(onstick, sizeof onstick, "%s/kiosk-export/kiosk.db.corrupt-20261202T101500Z.sealed",
             stick);
    size_t len = 0;
    char *got = read_bytes(onstick, &len);
    CHECK(got && len == sizeof bytes && memcmp(got, bytes, len) == 0);
    free(got);
    snprintf(onstick, sizeof onstick, "%s/kiosk-export/kiosk.db.corrupt-20261202T101501Z", stick);
    CHECK(!exists(onstick));
    /* The next export finds it there and does not write it again. */
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.quarantine_files, 1);

    if (geteuid() == 0) {
        char small[PATH_MAX];
        join(small, dir, "small");
        REQUIRE(mkdir(small, 0755) == 0);
        if (mount("tmpfs", small, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == 0) {
            CHECK_INT(export_to_stick(&src, small, &o, &r, err, sizeof err), KIOSK_EFULL);
            CHECK(strstr(err, "sealed copies") != NULL);
            fprintf(stderr, "    a 64 KiB stick: %s\n", err);
            char cmd[PATH_MAX + 64];
            snprintf(cmd, sizeof cmd, "[ -z \"$(ls -A '%s/kiosk-export')\" ]", small);
            CHECK(system(cmd) == 0); /* nothing half-written left */
            CHECK(umount(small) == 0);
        } else {
            fprintf(stderr, "    full stick skipped: cannot mount a tmpfs: %s\n", strerror(errno));
        }
    }
    remove_tree(dir);
}

static void print_table(void)
{
    fprintf(stderr, "\n%-32s %6s %9s %8s %7s %8s %5s %11s  %s\n", "case", "stored", "recovered",
            "expected", "altered", "no-phone", "moved", "chain l/a", "staff notice");
    for (int i = 0; i < rows; i++) {
        const row_t *r = &table[i];
        char expected[24];
        snprintf(expected, sizeof expected, "%lld", (long long)r->expected);
        char chain[32];
        snprintf(chain, sizeof chain, "%lld/%lld", (long long)r->chain_lost,
                 (long long)r->chain_altered);
        fprintf(stderr, "%-32s %6d %9d %8s %7d %8d %5s %11s  %s\n", r->name, r->stored,
                r->recovered, r->moved ? expected : "-", r->altered, r->contact_lost,
                r->moved ? "yes" : "no", chain, r->notice[0] ? r->notice : "(none)");
    }
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(truncated_mid_page);
    RUN(truncated_on_a_page_boundary);
    RUN(truncated_with_saves_in_the_wal);
    RUN(leaf_flipped_and_a_wal_frame_damaged);
    RUN(flipped_leaf_header);
    RUN(zeroed_leaf);
    RUN(flipped_leaf_payload);
    RUN(flipped_interior);
    RUN(flipped_header);
    RUN(flipped_freelist);
    RUN(wal_deleted);
    RUN(wal_flipped);
    RUN(erased_contacts_stay_erased);
    RUN(full_disk_during_quarantine);
    RUN(a_move_cut_before_the_rename_is_finished_at_the_next_start);
    RUN(a_salvage_committed_before_the_journal_went_is_not_repeated);
    RUN(a_torn_or_foreign_journal_means_nothing_was_moved);
    RUN(a_quarantined_copy_is_sealed_and_the_office_opens_it);
    RUN(without_a_key_a_copy_is_deleted_after_the_retention_period);
    RUN(the_export_puts_the_sealed_copies_on_the_stick);
    print_table();
    return check_failures != 0;
}
