/* Benchmark: latency of store_save() against a bare 200-byte write + fsync on the same
 * filesystem, so a board's SD card can be judged by the ratio rather than a raw number.
 *
 * usage: bench_store [directory]   (default: $KIOSK_TEST_TMP, else /tmp)
 * Works in a fresh subdirectory and removes it afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#include "core/kerr.h"
#include "core/record.h"
#include "store/store.h"

#define N 200
#define WARMUP 5

/* Sorts v and returns the median; *p95 gets the 95th percentile (nearest rank). */
static double median_p95(double *v, size_t n, double *p95)
{
    qsort(v, n, sizeof *v, compare_double);
    *p95 = v[(n * 95 + 99) / 100 - 1];
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void typical_feedback(record_t *rec, int i)
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
    rec->time.utc_ms = 1795897905123 + (int64_t)i * 60000;
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 86400000 + (int64_t)i * 60000;
}

static int bench_save(const char *dir, double *lat)
{
    char path[PATH_MAX], err[PATH_MAX + 256];
    if (snprintf(path, sizeof path, "%s/bench.db", dir) >= (int)sizeof path)
        return KIOSK_ETOOBIG;
    store_t *st = NULL;
    int rc = store_open(path, &st, err, sizeof err);
    if (rc) {
        fprintf(stderr, "bench_store: %s\n", err);
        return rc;
    }
    for (int i = 0; i < WARMUP + N; i++) {
        record_t rec;
        typical_feedback(&rec, i);
        const double t0 = now_us();
        rc = store_save(st, &rec);
        const double t1 = now_us();
        if (rc) {
            fprintf(stderr, "bench_store: %s\n", store_errmsg(st));
            break;
        }
        if (i >= WARMUP)
            lat[i - WARMUP] = t1 - t0;
    }
    store_close(st);
    unlink(path);
    return rc;
}

static int bench_fsync(const char *dir, double *lat)
{
    char path[PATH_MAX], buf[200];
    if (snprintf(path, sizeof path, "%s/bare.bin", dir) >= (int)sizeof path)
        return KIOSK_ETOOBIG;
    memset(buf, 'k', sizeof buf);
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "bench_store: cannot create %s: %s\n", path, strerror(errno));
        return KIOSK_EIO;
    }
    int rc = KIOSK_OK;
    for (int i = 0; i < WARMUP + N; i++) {
        const double t0 = now_us();
        const ssize_t n = write(fd, buf, sizeof buf);
        const int synced = fsync(fd);
        const double t1 = now_us();
        if (n != (ssize_t)sizeof buf || synced != 0) {
            fprintf(stderr, "bench_store: cannot write %s: %s\n", path, strerror(errno));
            rc = KIOSK_EIO;
            break;
        }
        if (i >= WARMUP)
            lat[i - WARMUP] = t1 - t0;
    }
    close(fd);
    unlink(path);
    return rc;
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : getenv("KIOSK_TEST_TMP");
    if (!root || !*root)
        root = "/tmp";
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/bench-XXXXXX", root) >= (int)sizeof dir || !mkdtemp(dir)) {
        fprintf(stderr, "bench_store: cannot make a directory in %s: %s\n", root, strerror(errno));
        return 1;
    }
    static double save[N], bare[N];
    int rc = bench_save(dir, save);
    if (!rc)
        rc = bench_fsync(dir, bare);
    rmdir(dir);
    if (rc)
        return 1;

    double save_p95, bare_p95;
    const double save_med = median_p95(save, N, &save_p95);
    const double bare_med = median_p95(bare, N, &bare_p95);
    printf("%s: %d saves, %d writes\n", root, N, N);
    printf("save median %.0f us p95 %.0f us max %.0f us; bare fsync median %.0f us p95 %.0f us "
           "max %.0f us; ratio %.1fx\n",
           save_med, save_p95, save[N - 1], bare_med, bare_p95, bare[N - 1],
           bare_med > 0 ? save_med / bare_med : 0.0);
    return 0;
}
