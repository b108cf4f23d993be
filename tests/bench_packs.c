/* Benchmark: switching the content pack as staff do it (packs_install: read and validate the
 * pack, write it synced, keep the old one, renames and directory syncs; then packs_load, as
 * the kiosk does before showing it) and rolling back, against a bare copy of the same bytes
 * (write, fsync, rename, directory fsync) on the same filesystem.
 *
 * The switches and the baseline are interleaved: every other round the bare copy goes first.
 *
 * usage: bench_packs PACK.json [directory] [--raw]   (default directory: $KIOSK_TEST_TMP, else
 * /tmp; --raw: also one line "raw SWITCH_US ROLLBACK_US BARE_US" a round, for tools/bench)
 * Works in a fresh subdirectory and removes it afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#include "usb/packs.h"
#include "core/kerr.h"

#define N 50
#define WARMUP 3

/* Sorts v and prints its median, p95 (nearest rank) and max; returns the median. */
static double stats(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("%s: median %.0f us, p95 %.0f us, max %.0f us\n", what, med, v[(n * 95 + 99) / 100 - 1],
           v[n - 1]);
    return med;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n > 0 ? malloc((size_t)n) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* The baseline: the same bytes written, synced and renamed into place, the directory synced. */
static int bare_copy(const char *dir, const char *bytes, size_t len)
{
    char tmp[PATH_MAX], dst[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/bare.tmp", dir);
    snprintf(dst, sizeof dst, "%s/bare.json", dir);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int ok = write(fd, bytes, len) == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ok = ok && rename(tmp, dst) == 0 && d >= 0 && fsync(d) == 0;
    if (d >= 0)
        close(d);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    bool raw = argc > 2 && strcmp(argv[argc - 1], "--raw") == 0;
    if (raw)
        argc--;
    if (argc < 2) {
        fprintf(stderr, "usage: bench_packs PACK.json [directory]\n");
        return 2;
    }
    const char *root = argc > 2 ? argv[2] : getenv("KIOSK_TEST_TMP");
    if (!root || !*root)
        root = "/tmp";
    char dir[PATH_MAX - 64], stick[PATH_MAX - 32], a[PATH_MAX], b[PATH_MAX], err[1024];
    char src[PATH_MAX - 16];
    if (snprintf(dir, sizeof dir, "%s/bench-packs-XXXXXX", root) >= (int)sizeof dir ||
        !mkdtemp(dir)) {
        fprintf(stderr, "bench_packs: cannot make a directory in %s: %s\n", root, strerror(errno));
        return 1;
    }
    size_t len = 0;
    char *bytes = slurp(argv[1], &len);
    if (!bytes) {
        fprintf(stderr, "bench_packs: cannot read %s\n", argv[1]);
        return 1;
    }
    /* Two packs on a "stick" (a folder on the same filesystem), switched between. */
    snprintf(stick, sizeof stick, "%s/stick", dir);
    snprintf(src, sizeof src, "%s/" PACKS_STICK_DIR, stick);
    mkdir(stick, 0755);
    mkdir(src, 0755);
    snprintf(a, sizeof a, "%s/a.json", src);
    snprintf(b, sizeof b, "%s/b.json", src);
    FILE *f1 = fopen(a, "wb"), *f2 = fopen(b, "wb");
    if (!f1 || !f2 || fwrite(bytes, 1, len, f1) != len || fwrite(bytes, 1, len, f2) != len) {
        fprintf(stderr, "bench_packs: cannot write the packs in %s\n", src);
        return 1;
    }
    fclose(f1);
    fclose(f2);
    static double install[N], rollback[N], bare[N];
    /* One pack installed first, so that every switch keeps one to go back to. */
    int rc = packs_install(dir, a, NULL, err, sizeof err);
    for (int i = 0; i < WARMUP + N && !rc; i++) {
        /* the baseline first in odd rounds, last in even ones */
        double b0 = now_us();
        rc = i % 2 ? bare_copy(dir, bytes, len) : rc;
        double b1 = now_us();
        double t0 = now_us();
        rc = rc ? rc : packs_install(dir, i % 2 ? a : b, NULL, err, sizeof err);
        content_t *c = NULL;
        char used[PATH_MAX];
        if (!rc)
            rc = packs_load(dir, NULL, NULL, &c, used, sizeof used, NULL, NULL);
        content_free(c);
        double t1 = now_us();
        if (!rc)
            rc = packs_rollback(dir, err, sizeof err);
        double t2 = now_us();
        rc = rc || i % 2 ? rc : bare_copy(dir, bytes, len);
        double t3 = now_us();
        if (i >= WARMUP) {
            install[i - WARMUP] = t1 - t0;
            rollback[i - WARMUP] = t2 - t1;
            bare[i - WARMUP] = i % 2 ? b1 - b0 : t3 - t2;
            if (raw)
                printf("raw %.0f %.0f %.0f\n", install[i - WARMUP], rollback[i - WARMUP],
                       bare[i - WARMUP]);
        }
    }
    if (rc) {
        fprintf(stderr, "bench_packs: %s\n", err);
        return 1;
    }
    printf("pack of %zu bytes, %d switches on %s\n", len, N, root);
    double mi = stats("switch (install + load)", install, N);
    double mr = stats("rollback", rollback, N);
    double mb =
        stats("baseline, write + fsync + rename + directory fsync of the same bytes", bare, N);
    printf("ratio of medians switch/baseline: %.1fx, rollback/baseline: %.1fx\n", mi / mb, mr / mb);
    free(bytes);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
