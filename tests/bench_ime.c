/* Benchmark of the IME edge on Debian's engines, each figure against a baseline measured in
 * the same run: a pinyin key to its candidates and a 10-stroke character to its candidates
 * (against an empty call through the same kind of table, and as a share of a 33 ms frame),
 * the engines' start (against opening the edge with no engine data), and the peak RSS of a
 * process with both engines loaded and used (against the same process that loads none).
 *
 * usage: bench_ime [RIME_DIR]   (default: the build tree's deployed Rime data) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#include "ime/ime_engine.h"
#include "ime_util.h"

#define KEY_ROUNDS 40 /* "shequfuwu" typed 40 times: 360 keys */
#define STROKE_RUNS 200
#define START_RUNS 20
#define FRAME_US 33333.0

/* Sorts v and prints "median M us, p95 P us, max X us". */
static double report(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_double);
    double med = v[n / 2];
    printf("%s (%zu): median %.1f us, p95 %.1f us, max %.1f us\n", what, n, med,
           v[n * 95 / 100], v[n - 1]);
    return med;
}

static bool empty_engine_fn(void *ctx, char key, ime_output_t *out)
{
    (void)ctx;
    (void)key;
    (void)out;
    return true;
}

/* A synthetic 10-stroke character on a 300 pad: five horizontals, five verticals. */
static void ten_strokes(ime_strokes_t *s)
{
    memset(s, 0, sizeof *s);
    s->size = 300;
    for (int i = 0; i < 5; i++)
        ime_test_line(s, 40, 50 + 50 * i, 260, 50 + 50 * i);
    for (int i = 0; i < 5; i++)
        ime_test_line(s, 50 + 50 * i, 40, 50 + 50 * i, 260);
}

static void bench_keys(const ime_engine_t *e)
{
    static double key[KEY_ROUNDS * 9], base[KEY_ROUNDS * 9];
    static ime_output_t out;
    bool (*volatile empty)(void *, char, ime_output_t *) = empty_engine_fn;
    size_t n = 0;
    for (int r = 0; r < KEY_ROUNDS; r++) {
        for (const char *k = "shequfuwu"; *k; k++, n++) {
            double t0 = now_us();
            e->pinyin_key(e->ctx, *k, &out);
            double t1 = now_us();
            empty(e->ctx, *k, &out);
            double t2 = now_us();
            key[n] = t1 - t0;
            base[n] = t2 - t1;
        }
        e->pinyin_clear(e->ctx);
    }
    double m = report("pinyin key to candidates", key, n);
    report("baseline, an empty call through a function pointer", base, n);
    printf("key median is %.2f%% of a 33 ms frame\n", m / FRAME_US * 100);
}

static void bench_strokes(const ime_engine_t *e)
{
    static double rec[STROKE_RUNS], base[STROKE_RUNS];
    static ime_strokes_t s;
    static ime_output_t out;
    bool (*volatile empty)(void *, char, ime_output_t *) = empty_engine_fn;
    ten_strokes(&s);
    for (int i = 0; i < STROKE_RUNS; i++) {
        double t0 = now_us();
        e->recognize(e->ctx, &s, &out);
        double t1 = now_us();
        empty(e->ctx, 0, &out);
        double t2 = now_us();
        rec[i] = t1 - t0;
        base[i] = t2 - t1;
    }
    printf("10-stroke character (%zu points), first candidate %s\n", s.npoints,
           out.ncandidates ? out.candidate[0] : "(none)");
    double m = report("10-stroke character to candidates", rec, STROKE_RUNS);
    report("baseline, an empty call through a function pointer", base, STROKE_RUNS);
    printf("recognition median is %.2f%% of a 33 ms frame\n", m / FRAME_US * 100);
}

static void bench_start(const ime_config_t *cfg)
{
    static double both[START_RUNS], pinyin[START_RUNS], hand[START_RUNS], none[START_RUNS];
    ime_config_t only_rime = *cfg, only_zinnia = *cfg, nothing = *cfg;
    only_rime.zinnia_model = NULL;
    only_zinnia.rime_user_dir = NULL;
    nothing.rime_user_dir = NULL;
    nothing.zinnia_model = NULL;
    const ime_config_t *cfgs[] = {cfg, &only_rime, &only_zinnia, &nothing};
    double *times[] = {both, pinyin, hand, none};
    for (int i = 0; i < START_RUNS; i++) {
        for (int c = 0; c < 4; c++) {
            ime_engine_t e;
            ime_engines_t *h;
            char err[512];
            double t0 = now_us();
            ime_engines_open(cfgs[c], &e, &h, err, sizeof err);
            times[c][i] = now_us() - t0;
            ime_engines_close(h);
        }
    }
    report("start, both engines", both, START_RUNS);
    report("start, pinyin only (librime on the deployed schemas)", pinyin, START_RUNS);
    report("start, handwriting only (zinnia model)", hand, START_RUNS);
    report("baseline, the edge opened with no engine", none, START_RUNS);
}

/* Peak RSS in kB of a child that opens and uses the engines cfg names (NULL: none). */
static long child_peak_kb(const ime_config_t *cfg)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (cfg) {
            ime_engine_t e;
            ime_engines_t *h;
            char err[512];
            static ime_output_t out;
            static ime_strokes_t s;
            ime_engines_open(cfg, &e, &h, err, sizeof err);
            for (const char *k = "shequfuwuhenhao"; e.pinyin_key && *k; k++)
                e.pinyin_key(e.ctx, *k, &out);
            ten_strokes(&s);
            if (e.recognize)
                e.recognize(e.ctx, &s, &out);
            ime_engines_close(h);
        }
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
        return -1;
    return ru.ru_maxrss;
}

static void bench_rss(const ime_config_t *cfg)
{
    ime_config_t only_rime = *cfg, only_zinnia = *cfg;
    only_rime.zinnia_model = NULL;
    only_zinnia.rime_user_dir = NULL;
    long both = child_peak_kb(cfg), none = child_peak_kb(NULL);
    long pinyin = child_peak_kb(&only_rime), hand = child_peak_kb(&only_zinnia);
    printf("peak RSS with both engines loaded and used: %ld kB (pinyin only %ld kB, handwriting "
           "only %ld kB); baseline, the same process without them: %ld kB; both add %ld kB\n",
           both, pinyin, hand, none, both - none);
}

int main(int argc, char **argv)
{
    if (!ime_test_data_present()) {
        fprintf(stderr, "bench_ime: the data packages are not installed\n");
        return 77;
    }
    ime_config_t cfg = ime_test_config();
    if (argc > 1)
        cfg.rime_user_dir = argv[1];
    ime_engine_t e;
    ime_engines_t *h;
    char err[512];
    double t0 = now_us();
    int have = ime_engines_open(&cfg, &e, &h, err, sizeof err);
    printf("first start of both engines in this process (librime's setup and modules): %.1f us\n",
           now_us() - t0);
    if (have != (IME_HAVE_PINYIN | IME_HAVE_HANDWRITING)) {
        fprintf(stderr, "bench_ime: %s\n", err);
        ime_engines_close(h);
        return 1;
    }
    bench_keys(&e);
    bench_strokes(&e);
    ime_engines_close(h);
    bench_start(&cfg);
    bench_rss(&cfg);
    return 0;
}
