/* Export bundles: what the kiosk writes is what the office reads (decrypted with the
 * organisation's key, field by field), nothing is marked exported without a verified copy
 * (a stick pulled out at every write, sync and rename), a full or read-only stick, a real
 * exFAT stick checked with fsck.exfat, and altered or cut-off bundles refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "usb/export.h"
#include "app/export_source.h"

/* The export reads the store through the app's record source. */
static int export_store(store_t *st, const char *stick, const export_opts_t *o, export_result_t *r,
                        char *err, size_t errlen)
{
    export_source_t src = export_source_from_store(st);
    return export_to_stick(&src, stick, o, r, err, errlen);
}

static char dir[512];
static org_keys_t org;
static uint8_t kiosk_sk[CRYPTO_SIGN_SK_BYTES], kiosk_pk[CRYPTO_SIGN_PK_BYTES];

static int run(const char *cmd)
{
    int rc = system(cmd);
    return rc;
}

static void make(record_t *rec, int i)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = i % 3 == 0 ? RECORD_SERVICE_REQUEST : RECORD_FEEDBACK;
    snprintf(rec->journey_id, sizeof rec->journey_id, "%s", record_kind_name(rec->kind));
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "lobby-1");
    snprintf(rec->pack_id, sizeof rec->pack_id, "default");
    snprintf(rec->pack_version, sizeof rec->pack_version, "2026.11.1");
    snprintf(rec->lang, sizeof rec->lang, i % 2 ? "zh-cn" : "en");
    char json[256];
    snprintf(json, sizeof json,
             "{\"topic\":\"FACILITIES\",\"n\":%d,\"comment\":\"太冷了 \\\"%d\\\"\"}", i, i);
    rec->answers_json = strdup(json);
    if (i % 4 == 1) {
        rec->consent = true;
        char phone[32];
        snprintf(phone, sizeof phone, "139%08d", i);
        rec->contact_phone = strdup(phone);
        rec->contact_name = strdup("Li");
    }
    rec->time.utc_ms = 1795897905000 + i * 60000;
    rec->time.offset_min = 480;
    rec->time.clock_synced = i % 5 != 0;
    rec->time.mono_ms = 1000 + i;
}

static store_t *fresh_store(const char *name, int n)
{
    char path[700], cmd[3200];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm' '%s-head'", path, path, path, path);
    run(cmd);
    store_t *st = NULL;
    if (store_open(path, &st, NULL, 0) != KIOSK_OK)
        return NULL;
    for (int i = 0; i < n; i++) {
        record_t rec;
        make(&rec, i);
        store_save(st, &rec);
        record_clear(&rec);
    }
    return st;
}

static export_opts_t opts(void)
{
    return (export_opts_t){.kiosk_id = "lobby-1",
                           .org_box_pk = org.box_pk,
                           .kiosk_sign_sk = kiosk_sk,
                           .kiosk_sign_pk = kiosk_pk,
                           .now_utc_ms = 1796000000000};
}

static int64_t unexported(store_t *st)
{
    int64_t max_id, count, seq;
    store_export_begin(st, false, &max_id, &count, &seq);
    return count;
}

/* Reads a bundle back with the organisation's keys: the records in it. */
typedef struct {
    record_t recs[2000];
    int n;
} got_t;

static int collect_line(const char *line, size_t len, void *ud)
{
    got_t *g = ud;
    content_error_t e;
    if (g->n >= 2000 || record_from_json(line, len, &g->recs[g->n], &e) != KIOSK_OK)
        return KIOSK_EINVAL;
    g->n++;
    return 0;
}

static int read_bundle(const char *path, got_t *g, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return KIOSK_ENOENT;
    uint8_t sha[32];
    int rc = bundle_open(fd, org.box_pk, org.box_sk, collect_line, g, sha, err, errlen);
    close(fd);
    return rc;
}

typedef struct {
    const record_t *want;
    int i;
    int mismatches;
} cmp_t;

static int compare(const record_t *rec, void *ud)
{
    cmp_t *c = ud;
    const record_t *w = &c->want[c->i++];
    bool same = strcmp(rec->uuid, w->uuid) == 0 &&
                strcmp(rec->answers_json, w->answers_json) == 0 && rec->kind == w->kind &&
                strcmp(rec->lang, w->lang) == 0 && strcmp(rec->ref_code, w->ref_code) == 0 &&
                rec->time.utc_ms == w->time.utc_ms && rec->time.offset_min == w->time.offset_min &&
                rec->time.clock_synced == w->time.clock_synced &&
                rec->time.mono_ms == w->time.mono_ms && rec->time.boot == w->time.boot &&
                rec->consent == w->consent &&
                ((!rec->contact_phone && !w->contact_phone) ||
                 (rec->contact_phone && w->contact_phone &&
                  strcmp(rec->contact_phone, w->contact_phone) == 0));
    if (!same) {
        fprintf(stderr, "  record %d differs: %s\n", c->i - 1, rec->uuid);
        c->mismatches++;
    }
    return 0;
}

static void export_decrypts_to_what_was_stored(void)
{
    store_t *st = fresh_store("roundtrip", 40);
    REQUIRE(st);
    char stick[600], err[512], path[800];
    snprintf(stick, sizeof stick, "%s/stick-a", dir);
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    export_opts_t o = opts();
    export_result_t r;
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 40);
    CHECK_INT(r.marked, 40);
    CHECK_INT(r.seq, 1);
    CHECK_STR(r.bundle, "lobby-1-000001.bundle");
    CHECK_INT(unexported(st), 0);
    static got_t g;
    g.n = 0;
    snprintf(path, sizeof path, "%s/kiosk-export/%s", stick, r.bundle);
    CHECK_INT(read_bundle(path, &g, err, sizeof err), KIOSK_OK);
    CHECK_INT(g.n, 40);
    cmp_t c = {g.recs, 0, 0};
    store_foreach_record(st, compare, &c);
    CHECK_INT(c.i, 40);
    CHECK_INT(c.mismatches, 0);
    for (int i = 0; i < g.n; i++)
        record_clear(&g.recs[i]);
    /* The manifest is signed by the kiosk and names the bundle's hash. */
    snprintf(path, sizeof path, "%s/kiosk-export/%s", stick, r.manifest);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *payload;
    size_t plen;
    CHECK_INT(crypto_token_open(buf, n, kiosk_pk, &payload, &plen, err, sizeof err), KIOSK_OK);
    CHECK(strstr(payload, "\"records\":40") && strstr(payload, "\"bundleSha256\":"));
    free(payload);
    /* The phone numbers are not readable on the stick. */
    snprintf(cmd, sizeof cmd, "grep -rq 13900000001 '%s'", stick);
    CHECK(run(cmd) != 0);
    /* Nothing new: nothing written. Three more: the next bundle. */
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 0);
    for (int i = 40; i < 43; i++) {
        record_t rec;
        make(&rec, i);
        store_save(st, &rec);
        record_clear(&rec);
    }
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 3);
    CHECK_INT(r.seq, 2);
    /* Everything again on request. */
    o.all = true;
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 43);
    CHECK_INT(r.seq, 3);
    store_close(st);
}

static void altered_or_cut_off_bundles_are_refused(void)
{
    store_t *st = fresh_store("tamper", 30);
    REQUIRE(st);
    char stick[600], err[512], path[800], cmd[1300];
    snprintf(stick, sizeof stick, "%s/stick-t", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    export_opts_t o = opts();
    export_result_t r;
    REQUIRE(export_store(st, stick, &o, &r, err, sizeof err) == KIOSK_OK);
    store_close(st);
    snprintf(path, sizeof path, "%s/kiosk-export/%s", stick, r.bundle);
    static got_t g;
    /* One bit flipped in the middle. */
    int fd = open(path, O_RDWR);
    REQUIRE(fd >= 0);
    unsigned char b;
    CHECK(pread(fd, &b, 1, 300) == 1);
    b ^= 0x10;
    CHECK(pwrite(fd, &b, 1, 300) == 1);
    g.n = 0;
    CHECK_INT(read_bundle(path, &g, err, sizeof err), KIOSK_ECORRUPT);
    for (int i = 0; i < g.n; i++)
        record_clear(&g.recs[i]);
    b ^= 0x10;
    CHECK(pwrite(fd, &b, 1, 300) == 1);
    /* Cut off before its end. */
    struct stat s;
    fstat(fd, &s);
    CHECK(ftruncate(fd, s.st_size - 20) == 0);
    close(fd);
    g.n = 0;
    CHECK_INT(read_bundle(path, &g, err, sizeof err), KIOSK_ECORRUPT);
    for (int i = 0; i < g.n; i++)
        record_clear(&g.recs[i]);
    /* Another organisation cannot read it. */
    org_keys_t other;
    crypto_org_keygen(&other);
    fd = open(path, O_RDONLY);
    uint8_t sha[32];
    CHECK_INT(bundle_open(fd, other.box_pk, other.box_sk, collect_line, &g, sha, err, sizeof err),
              KIOSK_ECORRUPT);
    close(fd);
}

/* A stick pulled out at the n-th file operation: every later one fails with EIO. */
typedef struct {
    int ops, fail_at;
} faults_t;

static bool pulled(faults_t *f)
{
    return f->ops++ >= f->fail_at;
}

static int f_write(void *ctx, int fd, const void *buf, size_t len)
{
    if (pulled(ctx))
        return -EIO;
    return write(fd, buf, len) == (ssize_t)len ? 0 : -errno;
}

static int f_fsync(void *ctx, int fd)
{
    if (pulled(ctx))
        return -EIO;
    return fsync(fd) == 0 ? 0 : -errno;
}

static int f_renameat(void *ctx, int d, const char *from, const char *to)
{
    if (pulled(ctx))
        return -EIO;
    return renameat(d, from, d, to) == 0 ? 0 : -errno;
}

static void stick_pulled_at_any_point_marks_nothing(void)
{
    store_t *st = fresh_store("pulled", 300);
    REQUIRE(st);
    char stick[600], err[512], cmd[1300];
    snprintf(stick, sizeof stick, "%s/stick-p", dir);
    export_opts_t o = opts();
    export_result_t r;
    /* How many operations a whole export does. */
    faults_t count = {0, 1 << 30};
    export_io_t io = {f_write, f_fsync, f_renameat, &count};
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    o.io = &io;
    o.all = true; /* the same records every time, whatever was marked */
    REQUIRE(export_store(st, stick, &o, &r, err, sizeof err) == KIOSK_OK);
    int total = count.ops;
    /* Now fresh: nothing exported yet. */
    store_close(st);
    st = fresh_store("pulled", 300);
    REQUIRE(st);
    o.all = false;
    int failures = 0;
    for (int k = 0; k < total; k++) {
        faults_t f = {0, k};
        io.ctx = &f;
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
        run(cmd);
        int rc = export_store(st, stick, &o, &r, err, sizeof err);
        if (rc != KIOSK_OK) {
            failures++;
            CHECK_INT(unexported(st), 300); /* nothing marked */
            CHECK(strstr(err, "removed") != NULL);
        }
    }
    CHECK_INT(failures, total);
    /* The next good stick takes everything. */
    o.io = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 300);
    CHECK_INT(unexported(st), 0);
    fprintf(stderr, "  stick pulled at each of %d file operations: nothing marked each time\n",
            total);
    store_close(st);
}

static void full_and_read_only_sticks_are_named_and_mark_nothing(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "  skipped: mounting needs root\n");
        return;
    }
    store_t *st = fresh_store("full", 2000);
    REQUIRE(st);
    char stick[600], err[512];
    snprintf(stick, sizeof stick, "%s/stick-full", dir);
    mkdir(stick, 0755);
    umount2(stick, MNT_DETACH);
    if (mount("tmpfs", stick, "tmpfs", 0, "size=64k") != 0) {
        fprintf(stderr, "  skipped: cannot mount a tmpfs here: %s\n", strerror(errno));
        store_close(st);
        return;
    }
    export_opts_t o = opts();
    export_result_t r;
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_EFULL);
    CHECK(strstr(err, "the stick is full") != NULL);
    CHECK_INT(unexported(st), 2000);
    umount2(stick, MNT_DETACH);
    REQUIRE(mount("tmpfs", stick, "tmpfs", MS_RDONLY, "size=4m") == 0);
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_EACCES);
    CHECK(strstr(err, "read-only") != NULL);
    CHECK_INT(unexported(st), 2000);
    umount2(stick, MNT_DETACH);
    store_close(st);
}

static void export_to_a_real_exfat_stick(void)
{
    if (geteuid() != 0 || access("/sbin/mkfs.exfat", X_OK) != 0 ||
        access("/usr/sbin/mount.exfat-fuse", X_OK) != 0) {
        fprintf(stderr, "  skipped: needs root, exfatprogs and exfat-fuse\n");
        return;
    }
    store_t *st = fresh_store("exfat", 500);
    REQUIRE(st);
    char img[600], mnt[600], cmd[6000], err[512], path[900];
    snprintf(img, sizeof img, "%s/stick.img", dir);
    snprintf(mnt, sizeof mnt, "%s/exfat", dir);
    snprintf(cmd, sizeof cmd,
             "umount '%s' 2>/dev/null; rm -f '%s' && truncate -s 32M '%s' && "
             "mkfs.exfat '%s' >/dev/null && mkdir -p '%s' && "
             "L=$(losetup -f --show '%s') && echo $L > '%s.loop' && "
             "mount.exfat-fuse -o nosuid,nodev,noexec $L '%s'",
             mnt, img, img, img, mnt, img, img, mnt);
    if (run(cmd) != 0) {
        fprintf(stderr, "  skipped: cannot mount an exFAT image here\n");
        store_close(st);
        return;
    }
    export_opts_t o = opts();
    export_result_t r;
    CHECK_INT(export_store(st, mnt, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 500);
    snprintf(path, sizeof path, "%s/kiosk-export/%s", mnt, r.bundle);
    static got_t g;
    g.n = 0;
    CHECK_INT(read_bundle(path, &g, err, sizeof err), KIOSK_OK);
    CHECK_INT(g.n, 500);
    for (int i = 0; i < g.n; i++)
        record_clear(&g.recs[i]);
    snprintf(cmd, sizeof cmd,
             "umount '%s' && losetup -d $(cat '%s.loop') && fsck.exfat -n '%s' >/dev/null 2>&1",
             mnt, img, img);
    CHECK(run(cmd) == 0); /* the stick's filesystem is clean */
    store_close(st);
}

/* ---- the export through a record source that is not a store ---- */

typedef struct {
    record_t recs[3];
    int begun, marked_calls;
    bool fail_begin, fail_mark;
} fake_source_t;

static int fake_begin(void *ctx, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    fake_source_t *f = ctx;
    (void)all;
    f->begun++;
    if (f->fail_begin)
        return KIOSK_EIO;
    *max_id = 3;
    *count = 3;
    *seq = 7;
    return KIOSK_OK;
}

static int fake_foreach(void *ctx, bool all, int64_t max_id,
                        int (*fn)(const record_t *rec, void *ud), void *ud)
{
    fake_source_t *f = ctx;
    (void)all;
    for (int64_t i = 0; i < max_id; i++) {
        int rc = fn(&f->recs[i], ud);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

static int fake_mark(void *ctx, int64_t max_id, int64_t seq, int64_t now, int64_t *marked)
{
    fake_source_t *f = ctx;
    (void)seq, (void)now;
    f->marked_calls++;
    if (f->fail_mark)
        return KIOSK_EIO;
    if (marked)
        *marked = max_id;
    return KIOSK_OK;
}

static const char *fake_errmsg(void *ctx)
{
    (void)ctx;
    return "the fake source says no";
}

static void export_reads_any_record_source(void)
{
    static fake_source_t f;
    memset(&f, 0, sizeof f);
    for (int i = 0; i < 3; i++) {
        make(&f.recs[i], i);
        snprintf(f.recs[i].uuid, sizeof f.recs[i].uuid, "00000000-0000-4000-8000-00000000000%d", i);
    }
    export_source_t src = {fake_begin, fake_foreach, fake_mark, fake_errmsg, &f, NULL};
    char stick[600], err[512], path[800], cmd[1300];
    snprintf(stick, sizeof stick, "%s/stick-source", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    export_opts_t o = opts();
    export_result_t r;
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 3);
    CHECK_INT(r.marked, 3);
    CHECK_STR(r.bundle, "lobby-1-000007.bundle");
    static got_t g;
    g.n = 0;
    snprintf(path, sizeof path, "%s/kiosk-export/%s", stick, r.bundle);
    CHECK_INT(read_bundle(path, &g, err, sizeof err), KIOSK_OK);
    CHECK_INT(g.n, 3);
    if (g.n == 3)
        CHECK_STR(g.recs[2].uuid, f.recs[2].uuid);
    for (int i = 0; i < g.n; i++)
        record_clear(&g.recs[i]);

    /* A verified copy whose marks fail: said so, in the source's words. */
    f.fail_mark = true;
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_EIO);
    CHECK_STR(err, "exported, but cannot mark the records: the fake source says no");
    /* A source that cannot begin: nothing written, nothing marked. */
    f.fail_begin = true;
    f.marked_calls = 0;
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_EIO);
    CHECK_STR(err, "cannot read the records: the fake source says no");
    CHECK_INT(f.marked_calls, 0);
    for (int i = 0; i < 3; i++)
        record_clear(&f.recs[i]);
}

/* A slow source: 20,000 records, 10 ms of waiting after every 500 (400 ms in all). */
typedef struct {
    record_t rec;
    int64_t n;
} slow_source_t;

static int slow_begin(void *ctx, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    slow_source_t *s = ctx;
    (void)all;
    *max_id = *count = s->n;
    *seq = 1;
    return KIOSK_OK;
}

static int slow_foreach(void *ctx, bool all, int64_t max_id,
                        int (*fn)(const record_t *rec, void *ud), void *ud)
{
    slow_source_t *s = ctx;
    (void)all;
    for (int64_t i = 0; i < max_id; i++) {
        snprintf(s->rec.uuid, sizeof s->rec.uuid, "00000000-0000-4000-8000-%012d",
                 (int)(i % 1000000));
        if (i % 500 == 499)
            usleep(10000);
        const int rc = fn(&s->rec, ud);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

static int slow_mark(void *ctx, int64_t max_id, int64_t seq, int64_t now, int64_t *marked)
{
    (void)ctx, (void)seq, (void)now;
    *marked = max_id;
    return KIOSK_OK;
}

typedef struct {
    int calls;
    int64_t first_done, last_done, last_total;
    double at[64]; /* seconds, monotonic */
} progress_seen_t;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(int64_t done, int64_t total, void *ud)
{
    progress_seen_t *p = ud;
    if (p->calls == 0)
        p->first_done = done;
    if (p->calls < 64)
        p->at[p->calls] = mono_s();
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

/* The kiosk redraws its progress screen on every report: reports come by time, not by count
 * (the first record, then at most one per EXPORT_PROGRESS_MS, and the last), so a long export
 * redraws a few times a second whatever the number of records. */
static void progress_is_reported_at_most_four_times_a_second(void)
{
    static slow_source_t s;
    make(&s.rec, 1);
    s.n = 20000;
    export_source_t src = {slow_begin, slow_foreach, slow_mark, fake_errmsg, &s, NULL};
    char stick[600], err[512], cmd[1300];
    snprintf(stick, sizeof stick, "%s/stick-progress", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    progress_seen_t seen = {0};
    export_opts_t o = opts();
    o.progress = on_progress;
    o.user_data = &seen;
    export_result_t r;
    const double t0 = mono_s();
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_OK);
    const double took = mono_s() - t0;
    CHECK_INT(r.records, 20000);
    CHECK_INT(seen.first_done, 1);
    CHECK_INT(seen.last_done, 20000);
    CHECK_INT(seen.last_total, 20000);
    /* 400 ms of waiting: the first, at least one in between, and the last. */
    CHECK(seen.calls >= 3);
    CHECK(seen.calls <= 2 + (int)(took * 1000 / EXPORT_PROGRESS_MS) + 1);
    for (int i = 1; i + 1 < seen.calls && i < 64; i++)
        CHECK(seen.at[i] - seen.at[i - 1] >= EXPORT_PROGRESS_MS / 1000.0 - 0.001);
    record_clear(&s.rec);
}

/* The store's source wrapped to save two records while the export reads: they come after the
 * export's snapshot, so they are neither in the bundle nor marked, and the next stick takes
 * exactly them. */
typedef struct {
    store_t *st;
    export_source_t inner;
} saving_source_t;

static int saving_foreach(void *ctx, bool all, int64_t max_id,
                          int (*fn)(const record_t *rec, void *ud), void *ud)
{
    saving_source_t *s = ctx;
    const int rc = s->inner.foreach (s->inner.ctx, all, max_id, fn, ud);
    for (int i = 100; i < 102; i++) {
        record_t rec;
        make(&rec, i);
        store_save(s->st, &rec);
        record_clear(&rec);
    }
    return rc;
}

static int saving_begin(void *ctx, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    saving_source_t *s = ctx;
    return s->inner.begin(s->inner.ctx, all, max_id, count, seq);
}

static int saving_mark(void *ctx, int64_t max_id, int64_t seq, int64_t now, int64_t *marked)
{
    saving_source_t *s = ctx;
    return s->inner.mark_exported(s->inner.ctx, max_id, seq, now, marked);
}

static const char *saving_errmsg(void *ctx)
{
    saving_source_t *s = ctx;
    return s->inner.errmsg(s->inner.ctx);
}

static void records_saved_during_an_export_wait_for_the_next(void)
{
    store_t *st = fresh_store("during", 12);
    REQUIRE(st);
    char stick[600], err[512], cmd[1300];
    snprintf(stick, sizeof stick, "%s/stick-during", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    run(cmd);
    export_opts_t o = opts();
    export_result_t r;
    /* A first export takes 12; five more are saved; the second export's snapshot has those. */
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.marked, 12);
    for (int i = 12; i < 17; i++) {
        record_t rec;
        make(&rec, i);
        store_save(st, &rec);
        record_clear(&rec);
    }
    saving_source_t s = {st, export_source_from_store(st)};
    export_source_t src = {saving_begin, saving_foreach, saving_mark, saving_errmsg, &s, NULL};
    CHECK_INT(export_to_stick(&src, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 5);
    CHECK_INT(r.marked, 5);
    CHECK_INT(unexported(st), 2);
    CHECK_INT(export_store(st, stick, &o, &r, err, sizeof err), KIOSK_OK);
    CHECK_INT(r.records, 2);
    CHECK_INT(r.marked, 2);
    CHECK_INT(unexported(st), 0);
    static got_t g;
    g.n = 0;
    char path[800];
    snprintf(path, sizeof path, "%s/kiosk-export/%s", stick, r.bundle);
    CHECK_INT(read_bundle(path, &g, err, sizeof err), KIOSK_OK);
    CHECK_INT(g.n, 2);
    if (g.n == 2)
        CHECK(strstr(g.recs[0].answers_json, "\"n\":100,") &&
              strstr(g.recs[1].answers_json, "\"n\":101,"));
    for (int i = 0; i < g.n; i++)
        record_clear(&g.recs[i]);
    store_close(st);
}

int main(void)
{
    const char *tmp = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    snprintf(dir, sizeof dir, "%s/export", tmp);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    if (run(cmd) != 0 || crypto_init() != KIOSK_OK)
        return 1;
    crypto_org_keygen(&org);
    org_keys_t k;
    crypto_org_keygen(&k);
    memcpy(kiosk_sk, k.sign_sk, sizeof kiosk_sk);
    memcpy(kiosk_pk, k.sign_pk, sizeof kiosk_pk);
    RUN(export_decrypts_to_what_was_stored);
    RUN(export_reads_any_record_source);
    RUN(progress_is_reported_at_most_four_times_a_second);
    RUN(records_saved_during_an_export_wait_for_the_next);
    RUN(altered_or_cut_off_bundles_are_refused);
    RUN(stick_pulled_at_any_point_marks_nothing);
    RUN(full_and_read_only_sticks_are_named_and_mark_nothing);
    RUN(export_to_a_real_exfat_stick);
    return check_failures != 0;
}
