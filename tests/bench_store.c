/* Benchmark: one resident's submission as the kiosk makes it (app/saving.c: the record saved
 * with its session count; since schema 5 one commit, the chain head synced after the
 * thank-you), against one bare write of a WAL-like file (a preallocated file overwritten in
 * place, then fdatasync, as SQLite writes its -wal once the file has reached its size), on the
 * same filesystem, interleaved in pairs (the order alternates), on databases of 0, 100,000 and
 * 1,000,000 records; and the staff figures page's query (store_staff_stats()) on each. Each
 * size runs in a child process of its own, whose peak RSS is printed.
 *
 * usage: bench_store DIR [SIZES] [PAIRS]
 *   DIR    where the databases live: DIR/bench-v<schema>-<N>.db, made once by gen_records
 *          (the program beside this one) and kept for the next run (each run adds its saves)
 *   SIZES  comma-separated record counts (default 0,100000,1000000)
 *   PAIRS  submissions and bare writes per size (default 200, after 400 of each to warm up:
 *          the -wal then has its size and is rewritten in place, as on a kiosk that runs)
 *
 * Prints, per size: submission and bare write median/p95/max in microseconds and the ratio of
 * the medians (and of the p95s); the head sync after the thank-you (not in the resident's
 * wait: its own line); the figures' first read and median/p95/max of the reads after it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#include "core/kerr.h"
#include "core/record.h"
#include "store/store.h"

/* Submissions before the measured ones: enough for the -wal to reach its size (SQLite
 * checkpoints it at 1000 pages) and start again from its beginning, so that the measured ones
 * write it as a running kiosk does, in place, like the bare writes. */
#define WARMUP 400
#define FIGURE_READS 21
#define WAL_LIKE_BYTES (4L << 20)  /* a -wal's size after a thousand-page checkpoint */
#define FRAME_BYTES 4120           /* one -wal frame: 24-byte header and a 4096-byte page */
#define GEN_END_MS 1796083200000LL /* gen_records' records end at 2026-12-01T00:00:00Z */

typedef struct {
    double med, p95, max;
} summary_t;

/* Sorts v (n > 0) and summarises it (p95: nearest rank). */
static summary_t summarise(double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_double);
    summary_t s = {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[(n * 95 + 99) / 100 - 1],
                   v[n - 1]};
    return s;
}

static void typical_feedback(record_t *rec, int64_t i)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = RECORD_FEEDBACK;
    snprintf(rec->journey_id, sizeof rec->journey_id, "feedback");
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "kiosk-lobby-01");
    snprintf(rec->pack_id, sizeof rec->pack_id, "riverside-center");
    snprintf(rec->pack_version, sizeof rec->pack_version, "2026.11.3");
    snprintf(rec->lang, sizeof rec->lang, "zh-cn");
    static char answers[] = "{\"topic\":\"facilities\",\"rating\":4,\"comment\":\"The lift "
                            "on the east side has been out of order since Monday.\"}";
    rec->answers_json = answers; /* not owned: rec is never passed to record_clear() */
    rec->time.utc_ms = GEN_END_MS + i * 1000;
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 86400000 + i * 1000;
}

/* What saving.c does for one resident, up to the thank-you. */
static int submit(store_t *st, record_t *rec)
{
#if STORE_SCHEMA_VERSION >= 5
    return store_save_counted(st, rec, "2026-12-01", rec->journey_id, SESSION_COMPLETED);
#else
    const int rc = store_save(st, rec);
    return rc ? rc : store_count_session(st, "2026-12-01", rec->journey_id, SESSION_COMPLETED);
#endif
}

/* What the kiosk does on its next turn, after the thank-you is drawn. */
static int after_thanks(store_t *st)
{
#if STORE_SCHEMA_VERSION >= 5
    return store_sync_head(st);
#else
    (void)st;
    return KIOSK_OK;
#endif
}

/* One frame of a WAL-like file rewritten in place and synced; the file is preallocated. */
static int bare_write(int fd, long i, double *us)
{
    static char frame[FRAME_BYTES];
    memset(frame, (int)('a' + i % 26), sizeof frame);
    const off_t at = (off_t)(i % (WAL_LIKE_BYTES / FRAME_BYTES)) * FRAME_BYTES;
    const double t0 = now_us();
    const bool ok =
        pwrite(fd, frame, sizeof frame, at) == (ssize_t)sizeof frame && fdatasync(fd) == 0;
    *us = now_us() - t0;
    return ok ? KIOSK_OK : KIOSK_EIO;
}

static int open_wal_like(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bench-wal-like.bin", dir);
    const int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    static char zeros[1 << 16];
    for (long off = 0; off < WAL_LIKE_BYTES; off += (long)sizeof zeros)
        if (pwrite(fd, zeros, sizeof zeros, off) != (ssize_t)sizeof zeros)
            return close(fd), -1;
    if (fsync(fd) != 0)
        return close(fd), -1;
    unlink(path); /* the descriptor keeps it while the bench runs */
    return fd;
}

/* Submissions and bare writes, interleaved; lat, bare and head get pairs samples each. */
static int run_pairs(store_t *st, int fd, int pairs, double *lat, double *bare, double *head)
{
    const int64_t base = (int64_t)time(NULL) % 1000000 * 1000;
    for (int i = -WARMUP; i < pairs; i++) {
        for (int half = 0; half < 2; half++) {
            const bool save_now = (half == 0) == (i % 2 == 0);
            double us;
            int rc;
            if (save_now) {
                record_t rec;
                typical_feedback(&rec, base + i + WARMUP);
                const double t0 = now_us();
                rc = submit(st, &rec);
                us = now_us() - t0;
                const double t1 = now_us();
                if (!rc)
                    rc = after_thanks(st);
                if (i >= 0)
                    head[i] = now_us() - t1;
            } else {
                rc = bare_write(fd, i + WARMUP, &us);
            }
            if (rc) {
                fprintf(stderr, "bench_store: %s\n", save_now ? store_errmsg(st) : strerror(errno));
                return rc;
            }
            if (i >= 0)
                (save_now ? lat : bare)[i] = us;
        }
    }
    return KIOSK_OK;
}

/* The figures page's store query, as the kiosk asks it at 2026-12-01 (gen_records' last day). */
static int run_figures(store_t *st, double *first, double *reads)
{
    const int64_t now = GEN_END_MS, day = now - 8 * 3600000LL, week = now - 7 * 86400000LL;
    for (int i = 0; i <= FIGURE_READS; i++) {
        staff_stats_t s;
        memset(&s, 0, sizeof s);
        const double t0 = now_us();
        const int rc = store_staff_stats(st, day, week, &s);
        const double us = now_us() - t0;
        if (rc) {
            fprintf(stderr, "bench_store: %s\n", store_errmsg(st));
            return rc;
        }
        if (i == 0) {
            *first = us;
            printf("  figures: today %lld, week %lld, not exported %lld, requests %lld, "
                   "misuse %lld, timed out %lld\n",
                   (long long)s.records_today, (long long)s.records_week, (long long)s.not_exported,
                   (long long)s.requests_waiting, (long long)s.misuse_flagged,
                   (long long)s.timed_out_week);
        } else {
            reads[i - 1] = us;
        }
    }
    return KIOSK_OK;
}

/* Makes path with n records through gen_records (beside this program) unless it is there. */
static int ensure_db(const char *path, long n)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        return KIOSK_OK;
    char self[PATH_MAX], cmd[3 * PATH_MAX];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return KIOSK_EIO;
    self[len] = '\0';
    snprintf(cmd, sizeof cmd, "'%s/gen_records' '%s' %ld", dirname(self), path, n);
    printf("  making %s: %s\n", path, cmd);
    fflush(stdout);
    return system(cmd) == 0 ? KIOSK_OK : KIOSK_EIO;
}

static void print_summary(const char *what, summary_t s)
{
    printf("  %-34s median %7.0f us  p95 %7.0f us  max %7.0f us\n", what, s.med, s.p95, s.max);
}

/* One size, in the child: prints its lines; the exit status says whether it ran. */
static int bench_size(const char *dir, long n, int pairs)
{
    char path[PATH_MAX], side[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/bench-v%d-%ld.db", dir, STORE_SCHEMA_VERSION, n);
    static const char *const sides[] = {"", "-wal", "-shm", "-head"};
    for (int i = 0; i < 4 && n == 0; i++) { /* the empty database starts empty every run */
        snprintf(side, sizeof side, "%s%s", path, sides[i]);
        unlink(side);
    }
    if (n > 0 && ensure_db(path, n))
        return 1;
    char err[PATH_MAX + 256];
    store_t *st = NULL;
    if (store_open(path, &st, err, sizeof err)) {
        fprintf(stderr, "bench_store: %s\n", err);
        return 1;
    }
    const int fd = open_wal_like(dir);
    double *v = calloc((size_t)pairs * 3 + FIGURE_READS, sizeof *v);
    if (fd < 0 || !v) {
        fprintf(stderr, "bench_store: cannot make the WAL-like file in %s\n", dir);
        return 1;
    }
    double *lat = v, *bare = v + pairs, *head = v + 2 * pairs, *reads = v + 3 * pairs, first = 0;
    printf("== %ld records (%lld in %s), schema %d, %d interleaved pairs\n", n,
           (long long)store_record_count(st), path, STORE_SCHEMA_VERSION, pairs);
    int rc = run_pairs(st, fd, pairs, lat, bare, head);
    if (!rc)
        rc = run_figures(st, &first, reads);
    store_close(st);
    close(fd);
    if (rc)
        return 1;
    const summary_t s = summarise(lat, (size_t)pairs), b = summarise(bare, (size_t)pairs),
                    h = summarise(head, (size_t)pairs), f = summarise(reads, FIGURE_READS);
    print_summary("submission (to the thank-you):", s);
    print_summary("bare write+fdatasync, WAL-like:", b);
    printf("  ratio of medians %.2fx, of p95 %.2fx\n", b.med > 0 ? s.med / b.med : 0.0,
           b.p95 > 0 ? s.p95 / b.p95 : 0.0);
    print_summary("head sync after the thank-you:", h);
    printf("  %-34s %7.0f us\n", "figures query, first read:", first);
    print_summary("figures query, the reads after:", f);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak RSS %ld KiB\n", ru.ru_maxrss);
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_store DIR [SIZES] [PAIRS]\n");
        return 2;
    }
    const char *dir = argv[1];
    const char *sizes = argc > 2 ? argv[2] : "0,100000,1000000";
    const int pairs = argc > 3 ? atoi(argv[3]) : 200;
    if (pairs < 1 || mkdir(dir, 0755) != 0) {
        if (pairs < 1 || errno != EEXIST) {
            fprintf(stderr, "bench_store: bad pairs or cannot make %s\n", dir);
            return 2;
        }
    }
    int failed = 0;
    for (const char *p = sizes; *p;) {
        char *end;
        const long n = strtol(p, &end, 10);
        if (end == p || n < 0) {
            fprintf(stderr, "bench_store: bad sizes %s\n", sizes);
            return 2;
        }
        fflush(stdout);
        const pid_t pid = fork();
        if (pid == 0) {
            const int rc = bench_size(dir, n, pairs);
            fflush(stdout);
            _exit(rc);
        }
        int status = 1;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            failed = 1;
        p = *end == ',' ? end + 1 : end;
    }
    return failed;
}
