/* Benchmark: export of N records to a stick directory, by the library alone and through the
 * real kiosk with its progress screen, each in interleaved pairs with `sqlite3 -csv` dumping
 * the same rows from the same database; and the office import of an export of M records.
 * Databases come from gen_records (the kiosk's schema, written straight, chain valid); each
 * round starts from a fresh copy, so every export takes all N records. Every timed run is a
 * child process: its wall time and peak memory (wait4's ru_maxrss) are its own.
 *
 * Usage: bench_export [--rounds R] [--import M] [--import-rounds R] [--db FILE] [--no-kiosk]
 *                     [--import-only] [--import-base STAFF] DIR [N [KIOSK_STAFF]]
 *   DIR        scratch directory (databases, sticks, keys)
 *   N          records exported, default 100,000
 *   KIOSK_STAFF the staff tool: with it, the import is measured (M records, default 1,000,000)
 *   --db FILE  export this database (of gen_records' kiosk "bench-kiosk") instead of making one
 *   --import-only  no export rounds: only the import's
 *   --import-base STAFF  another staff tool (an older build): each import round is a pair of
 *              it and KIOSK_STAFF on the same export, in alternating order, with their ratio
 * gen_records and the kiosk are looked up next to this program (../firmware/kiosk). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/export_source.h"
#include "bench_util.h"
#include "core/kerr.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "usb/export.h"

#define MAX_ROUNDS 64
#define KIOSK_ID "bench-kiosk"

typedef struct {
    double s[MAX_ROUNDS]; /* seconds */
    long rss_kb[MAX_ROUNDS];
    int n;
} series_t;

typedef struct {
    const char *dir, *staff, *db_given, *staff_base;
    bool import_only;
    char here[4096]; /* this program's directory */
    long records, import_records;
    int rounds, import_rounds;
    bool kiosk;
    char db[4200], work[4200], stick[4200], media[4200], keys[4200], config[4200];
    org_keys_t kiosk_keys;
    uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES];
} bench_t;

static int sh(const char *cmd)
{
    const int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "bench_export: failed (%d): %s\n", rc, cmd);
    return rc;
}

static void add(series_t *t, double s, long rss_kb)
{
    if (t->n < MAX_ROUNDS) {
        t->s[t->n] = s;
        t->rss_kb[t->n++] = rss_kb;
    }
}

/* Nearest-rank percentile of n sorted values. */
static double pct(const double *sorted, int n, double p)
{
    int k = (int)(p / 100.0 * n + 0.999999) - 1;
    return sorted[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static void report(const char *what, const series_t *t)
{
    if (t->n == 0)
        return;
    double v[MAX_ROUNDS];
    long rss = 0;
    memcpy(v, t->s, sizeof v);
    qsort(v, (size_t)t->n, sizeof v[0], compare_double);
    for (int i = 0; i < t->n; i++)
        rss = t->rss_kb[i] > rss ? t->rss_kb[i] : rss;
    printf("  %-34s median %7.3f s  p95 %7.3f s  max %7.3f s  peak %6.1f MiB  (%d runs)\n", what,
           pct(v, t->n, 50), pct(v, t->n, 95), v[t->n - 1], (double)rss / 1024.0, t->n);
}

/* The ratio a/b of each pair, as a series (its "seconds" are ratios). */
static void report_ratio(const char *what, const series_t *a, const series_t *b)
{
    series_t r = {0};
    for (int i = 0; i < a->n && i < b->n; i++)
        add(&r, a->s[i] / b->s[i], 0);
    double v[MAX_ROUNDS];
    memcpy(v, r.s, sizeof v);
    qsort(v, (size_t)r.n, sizeof v[0], compare_double);
    if (r.n)
        printf("  %-34s median %6.2fx   p95 %6.2fx   max %6.2fx  (per pair)\n", what,
               pct(v, r.n, 50), pct(v, r.n, 95), v[r.n - 1]);
}

/* Waits for pid; its wall time since t0 (µs) and its peak memory. Returns its exit status. */
static int reap(pid_t pid, double t0, double *s, long *rss_kb)
{
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return -1;
    *s = (now_us() - t0) / 1e6;
    *rss_kb = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs argv with stdout to out_path (NULL: /dev/null); 0 when it exits 0. */
static int run_timed(char *const argv[], const char *out_path, series_t *t)
{
    const double t0 = now_us();
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd =
            open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(126);
        execvp(argv[0], argv);
        _exit(127);
    }
    double s;
    long rss;
    const int rc = pid < 0 ? -1 : reap(pid, t0, &s, &rss);
    if (rc == 0)
        add(t, s, rss);
    else
        fprintf(stderr, "bench_export: %s exited %d\n", argv[0], rc);
    return rc;
}

/* A fresh copy of the generated database (and its head file) for one round. */
static int fresh_copy(bench_t *b)
{
    char cmd[65536];
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' '%s-wal' '%s-shm' '%s/kiosk-export' && cp '%s' '%s' && "
             "{ [ ! -e '%s-head' ] || cp '%s-head' '%s-head'; }",
             b->work, b->work, b->work, b->stick, b->db, b->work, b->db, b->db, b->work);
    return sh(cmd);
}

/* The library's export of every record of the copy, in a child process. */
static int lib_export(bench_t *b, const char *db, const char *stick, bool all, series_t *t)
{
    const double t0 = now_us();
    const pid_t pid = fork();
    if (pid == 0) {
        store_t *st;
        if (store_open(db, &st, NULL, 0) != KIOSK_OK)
            _exit(2);
        export_source_t src = export_source_from_store(st);
        export_opts_t o = {.kiosk_id = KIOSK_ID,
                           .org_box_pk = b->org_box_pk,
                           .kiosk_sign_sk = b->kiosk_keys.sign_sk,
                           .kiosk_sign_pk = b->kiosk_keys.sign_pk,
                           .all = all,
                           .now_utc_ms = 1796100000000};
        export_result_t r;
        char err[512];
        const int rc = export_to_stick(&src, stick, &o, &r, err, sizeof err);
        store_close(st);
        if (rc != KIOSK_OK || r.records == 0) {
            fprintf(stderr, "bench_export: export: %s (%lld records)\n", err, (long long)r.records);
            _exit(3);
        }
        _exit(0);
    }
    double s;
    long rss;
    const int rc = pid < 0 ? -1 : reap(pid, t0, &s, &rss);
    if (rc == 0)
        add(t, s, rss);
    return rc;
}

/* sqlite3 -csv of the rows the export reads (records and their contacts, not yet exported). */
static int baseline(bench_t *b, series_t *t)
{
    char out[4300];
    snprintf(out, sizeof out, "%s/dump.csv", b->stick);
    char *argv[] = {"sqlite3", "-csv", b->work,
                    "SELECT r.*, c.* FROM records AS r LEFT JOIN contacts AS c"
                    " ON c.record_id = r.id WHERE r.exported_at IS NULL ORDER BY r.id",
                    NULL};
    return run_timed(argv, out, t);
}

/* Reads the kiosk's stdout until the export's result: the time from the script's marker
 * (just before it inserts the stick) to that line. */
static double kiosk_wait_export(int fd)
{
    char buf[65536];
    size_t used = 0;
    double start = 0, end = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 600000) <= 0)
            return -1;
        const ssize_t n = read(fd, buf + used, sizeof buf - 1 - used);
        const double now = now_us();
        if (n <= 0)
            return end > start && start > 0 ? (end - start) / 1e6 : -1;
        used += (size_t)n;
        buf[used] = '\0';
        char *nl;
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            if (strcmp(buf, "event=bench-stick") == 0)
                start = now;
            else if (strncmp(buf, "event=export ", 13) == 0 && !end) {
                end = now;
                if (!strstr(buf, "result=0"))
                    fprintf(stderr, "bench_export: kiosk: %s\n", buf);
            }
            used -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, used + 1);
        }
        if (used == sizeof buf - 1)
            used = 0;
    }
}

/* The real kiosk, headless, exporting to a stick its script inserts; its progress screen is
 * drawn as on a kiosk. The time is from the stick to the result line. */
static int kiosk_export(bench_t *b, series_t *t)
{
    char kiosk[4200], pack[4200], script[4300], text[9000];
    snprintf(kiosk, sizeof kiosk, "%s/../firmware/kiosk", b->here);
    snprintf(pack, sizeof pack, "%s", KIOSK_PACK);
    snprintf(script, sizeof script, "%s/export.script", b->dir);
    snprintf(text, sizeof text, "echo event=bench-stick\nstick %s\nexpect screen message\nquit\n",
             b->stick);
    FILE *f = fopen(script, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        return -1;
    int out[2];
    if (pipe(out) != 0)
        return -1;
    const double t0 = now_us();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        close(out[0]);
        char *argv[] = {kiosk,   "--headless", "--config", b->config,  "--pack", pack, "--db",
                        b->work, "--kiosk-id", KIOSK_ID,   "--script", script,   NULL};
        execv(kiosk, argv);
        _exit(127);
    }
    close(out[1]);
    const double s = pid < 0 ? -1 : kiosk_wait_export(out[0]);
    close(out[0]);
    double all;
    long rss;
    const int rc = pid < 0 ? -1 : reap(pid, t0, &all, &rss);
    if (rc != 0 || s < 0) {
        fprintf(stderr, "bench_export: kiosk exited %d (export %.3f s)\n", rc, s);
        return -1;
    }
    add(t, s, rss);
    return 0;
}

/* Keys, the kiosk's configuration and a stick with an export token. */
static int setup(bench_t *b)
{
    char cmd[65536];
    snprintf(b->keys, sizeof b->keys, "%s/keys", b->dir);
    snprintf(b->media, sizeof b->media, "%s/media", b->dir);
    snprintf(b->stick, sizeof b->stick, "%s/media/stick", b->dir);
    snprintf(b->work, sizeof b->work, "%s/work/kiosk.db", b->dir);
    snprintf(b->config, sizeof b->config, "%s/kiosk.json", b->dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s/work' && mkdir -p '%s' '%s' '%s/work'", b->keys,
             b->media, b->dir, b->keys, b->stick, b->dir);
    if (sh(cmd) != 0 || crypto_init() != KIOSK_OK)
        return -1;
    org_keys_t org;
    char err[512];
    crypto_org_keygen(&org);
    crypto_org_keygen(&b->kiosk_keys);
    memcpy(b->org_box_pk, org.box_pk, sizeof b->org_box_pk);
    if (crypto_org_save(&org, b->keys, err, sizeof err) != KIOSK_OK)
        return fprintf(stderr, "bench_export: %s\n", err), -1;
    /* The library's exports are signed with this key: kept for importing them by hand. */
    char pk[CRYPTO_KEY_TEXT], path[4300];
    crypto_key_to_text(b->kiosk_keys.sign_pk, CRYPTO_SIGN_PK_BYTES, pk, sizeof pk);
    snprintf(path, sizeof path, "%s/kiosk-sign.public", b->dir);
    FILE *kf = fopen(path, "w");
    if (!kf || fprintf(kf, "%s\n", pk) < 0 || fclose(kf) != 0)
        return -1;
    if (!b->staff || !b->kiosk)
        return 0;
    char sign[CRYPTO_KEY_TEXT], box[CRYPTO_KEY_TEXT];
    crypto_key_to_text(org.sign_pk, CRYPTO_SIGN_PK_BYTES, sign, sizeof sign);
    crypto_key_to_text(org.box_pk, CRYPTO_BOX_PK_BYTES, box, sizeof box);
    FILE *f = fopen(b->config, "w");
    if (!f)
        return -1;
    fprintf(f,
            "{\"organisation\": {\"signPublicKey\": \"%s\", \"boxPublicKey\": \"%s\"},\n"
            " \"usb\": {\"mountDir\": \"%s\"}}\n",
            sign, box, b->media);
    if (fclose(f) != 0)
        return -1;
    snprintf(cmd, sizeof cmd,
             "%s token --keys '%s' --stick '%s' --kiosk " KIOSK_ID
             " --days 2 --actions export --issued-by bench >/dev/null",
             b->staff, b->keys, b->stick);
    return sh(cmd);
}

static int generate(bench_t *b, const char *db, long n)
{
    char cmd[65536];
    snprintf(cmd, sizeof cmd, "'%s/gen_records' '%s' %ld >/dev/null", b->here, db, n);
    return sh(cmd);
}

/* Export rounds: library and baseline in pairs, then kiosk and baseline in pairs, each pair's
 * order alternating. */
static int export_rounds(bench_t *b)
{
    series_t lib = {0}, base1 = {0}, kiosk = {0}, base2 = {0};
    for (int i = 0; i < b->rounds; i++) {
        for (int k = 0; k < 2; k++) {
            const bool lib_first = i % 2 == 0;
            if (fresh_copy(b) != 0)
                return 1;
            const int rc = k == (lib_first ? 0 : 1) ? lib_export(b, b->work, b->stick, false, &lib)
                                                    : baseline(b, &base1);
            if (rc != 0)
                return 1;
        }
        if (!b->kiosk || !b->staff)
            continue;
        for (int k = 0; k < 2; k++) {
            const bool kiosk_first = i % 2 == 1;
            if (fresh_copy(b) != 0)
                return 1;
            const int rc =
                k == (kiosk_first ? 0 : 1) ? kiosk_export(b, &kiosk) : baseline(b, &base2);
            if (rc != 0)
                return 1;
        }
    }
    printf("export of %ld records (encrypted, signed, synced, read back, marked):\n", b->records);
    report("library alone", &lib);
    report("sqlite3 -csv of the same rows", &base1);
    report_ratio("library / sqlite3 -csv", &lib, &base1);
    if (kiosk.n) {
        report("real kiosk, progress screen", &kiosk);
        report("sqlite3 -csv (its pairs)", &base2);
        report_ratio("kiosk / sqlite3 -csv", &kiosk, &base2);
    }
    return 0;
}

/* The office import of an export of m records into a new archive, timed per round. */
static int import_rounds(bench_t *b)
{
    char db[4300], stick[4300], archive[4300], cmd[65536], pk[CRYPTO_KEY_TEXT];
    snprintf(db, sizeof db, "%s/import-src.db", b->dir);
    snprintf(stick, sizeof stick, "%s/import-stick", b->dir);
    snprintf(archive, sizeof archive, "%s/archive.db", b->dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", stick, stick);
    if (sh(cmd) != 0 || generate(b, db, b->import_records) != 0)
        return 1;
    series_t exp = {0}, imp = {0};
    if (lib_export(b, db, stick, true, &exp) != 0)
        return 1;
    crypto_key_to_text(b->kiosk_keys.sign_pk, CRYPTO_SIGN_PK_BYTES, pk, sizeof pk);
    series_t base = {0};
    for (int i = 0; i < b->import_rounds; i++) {
        for (int k = 0; k < (b->staff_base ? 2 : 1); k++) {
            /* With a base tool, the pair's order alternates: base first in even rounds. */
            const bool as_base = b->staff_base && k == (i % 2 == 0 ? 0 : 1);
            const char *staff = as_base ? b->staff_base : b->staff;
            snprintf(cmd, sizeof cmd,
                     "rm -f '%s' '%s-wal' '%s-shm' '%s-journal' && %s trust --archive '%s' "
                     "--kiosk " KIOSK_ID " --key '%s' >/dev/null",
                     archive, archive, archive, archive, staff, archive, pk);
            if (sh(cmd) != 0)
                return 1;
            char *argv[] = {(char *)staff, "import", "--keys", b->keys,
                            "--archive",   archive,  stick,    NULL};
            if (run_timed(argv, NULL, as_base ? &base : &imp) != 0)
                return 1;
        }
    }
    printf("office import of %ld records (verify, decrypt, merge by uuid, one transaction):\n",
           b->import_records);
    report("export of them (library, --all)", &exp);
    report("kiosk-staff import", &imp);
    if (b->staff_base) {
        report("base kiosk-staff import", &base);
        report_ratio("kiosk-staff / base", &imp, &base);
    }
    return 0;
}

/* The options into b; 0, or 2 for a bad one. */
static int parse_options(int argc, char **argv, bench_t *b)
{
    static const struct option opts[] = {{"rounds", required_argument, NULL, 'r'},
                                         {"import", required_argument, NULL, 'i'},
                                         {"import-rounds", required_argument, NULL, 'I'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"no-kiosk", no_argument, NULL, 'k'},
                                         {"import-only", no_argument, NULL, 'o'},
                                         {"import-base", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r')
            b->rounds = atoi(optarg);
        else if (c == 'i')
            b->import_records = atol(optarg);
        else if (c == 'I')
            b->import_rounds = atoi(optarg);
        else if (c == 'd')
            b->db_given = optarg;
        else if (c == 'k')
            b->kiosk = false;
        else if (c == 'o')
            b->import_only = true;
        else if (c == 'b')
            b->staff_base = optarg;
        else
            return 2;
    }
    if (b->rounds < 1 || b->rounds > MAX_ROUNDS || b->import_rounds < 0 ||
        b->import_rounds > MAX_ROUNDS)
        return 2;
    return 0;
}

int main(int argc, char **argv)
{
    bench_t b = {.records = 100000,
                 .import_records = 1000000,
                 .rounds = 7,
                 .import_rounds = 3,
                 .kiosk = true};
    if (parse_options(argc, argv, &b) != 0)
        return 2;
    b.dir = optind < argc ? argv[optind] : "/tmp";
    if (optind + 1 < argc)
        b.records = atol(argv[optind + 1]);
    b.staff = optind + 2 < argc ? argv[optind + 2] : NULL;
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    snprintf(b.here, sizeof b.here, "%s", dirname(self));
    if (setup(&b) != 0)
        return 1;
    if (b.import_only) {
        if (!b.staff || b.import_rounds < 1 || import_rounds(&b) != 0)
            return 1;
    } else if (b.db_given)
        snprintf(b.db, sizeof b.db, "%s", b.db_given);
    else if (snprintf(b.db, sizeof b.db, "%s/bench-export.db", b.dir) < 0 ||
             generate(&b, b.db, b.records) != 0)
        return 1;
    if (!b.import_only && export_rounds(&b) != 0)
        return 1;
    if (!b.import_only && b.staff && b.import_rounds > 0 && import_rounds(&b) != 0)
        return 1;
    struct rusage self_ru;
    getrusage(RUSAGE_SELF, &self_ru);
    printf("  this benchmark's own peak memory: %.1f MiB\n", (double)self_ru.ru_maxrss / 1024.0);
    return 0;
}
