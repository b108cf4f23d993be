/* The audio edge through SDL's disk driver: the device's output lands in a raw file (S16 mono at
 * espeak-ng's 22050 Hz), read back and measured here (10 ms windows, non-silent above a
 * threshold), cross-checked with sox. The file's size when a call is made marks the call's
 * place in the output, so timings are in samples of the output, not wall-clock guesses. */
#include "audio/audio.h"
#include "check.h"
#include "pcm_util.h"
#include "core/kerr.h"
#include "scratch_util.h"

#include <math.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static char scratch[PATH_MAX];

typedef struct {
    audio_t *a;
    char path[PATH_MAX];
} rig_t;

static bool rig_open_idle(rig_t *r, const char *name, int volume, bool earcons, int idle_ms)
{
    join(r->path, scratch, name);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", r->path, 1);
    audio_config_t cfg = {
        .device = NULL, .volume = volume, .earcons = earcons, .idle_close_ms = idle_ms};
    char err[256] = "";
    int rc = audio_open(&cfg, &r->a, err, sizeof err);
    if (rc != KIOSK_OK)
        fprintf(stderr, "audio_open: %s\n", err);
    return rc == KIOSK_OK;
}

/* The device kept open throughout: the file's size is then a clock of the output. */
static bool rig_open(rig_t *r, const char *name, int volume, bool earcons)
{
    return rig_open_idle(r, name, volume, earcons, -1);
}

/* Samples written so far: where a call made now lands in the output (within one buffer). */
static long rig_pos(const rig_t *r)
{
    struct stat st;
    return stat(r->path, &st) == 0 ? (long)(st.st_size / 2) : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void rig_wait_quiet(rig_t *r, long extra_ms)
{
    for (int i = 0; i < 400 && audio_speaking(r->a); i++)
        sleep_ms(25);
    sleep_ms(extra_ms);
}

static void say1(rig_t *r, const char *lang, const char *text, const char *prompt)
{
    audio_utterance_t u = {.lang = lang, .text = text, .prompt = prompt};
    audio_say(r->a, &u, 1);
}

static void test_english(void)
{
    rig_t r;
    REQUIRE(rig_open(&r, "en.raw", 100, true));
    long at = rig_pos(&r);
    say1(&r, "en", "Thank you. Your answer has been saved.", NULL);
    CHECK(audio_speaking(r.a));
    rig_wait_quiet(&r, 200);
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    long s[16], e[16];
    int n = stretches(&p, at, p.n, 400, s, e, 16);
    fprintf(stderr, "english: %d stretch(es), first at %ld ms after the call, %ld ms long\n", n,
            n ? ms(s[0] - at) : -1, n ? ms(e[n - 1] - s[0]) : -1);
    CHECK(n >= 1);
    /* About 7 words at 150 wpm: between 1.5 and 5 s of speech. */
    CHECK(n >= 1 && ms(e[n - 1] - s[0]) > 1500 && ms(e[n - 1] - s[0]) < 5000);
    CHECK(sox_max_amplitude(r.path) > 0.1);
    free(p.s);
}

static void test_mandarin(void)
{
    rig_t r;
    REQUIRE(rig_open(&r, "zh.raw", 100, true));
    long at = rig_pos(&r);
    say1(&r, "zh-CN", "ni3 hao3", NULL); /* pinyin text reads with or without the converter */
    rig_wait_quiet(&r, 200);
    long at2 = rig_pos(&r);
    say1(&r, "zh-cn", "您好", NULL);
    rig_wait_quiet(&r, 200);
    bool zh_voice = audio_has_voice(r.a, "zh-cn");
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    long s[16], e[16];
    int n = stretches(&p, at, at2, 300, s, e, 16);
    fprintf(stderr, "mandarin (pinyin text): %d stretch(es), %ld ms\n", n,
            n ? ms(e[n - 1] - s[0]) : -1);
    CHECK(n >= 1 && ms(e[n - 1] - s[0]) > 300 && ms(e[n - 1] - s[0]) < 3000);
    n = stretches(&p, at2, p.n, 300, s, e, 16);
    fprintf(stderr, "mandarin (characters, converter %s): %d stretch(es)\n",
            zh_voice ? "on" : "absent", n);
    if (zh_voice)
        CHECK(n >= 1 && ms(e[n - 1] - s[0]) > 300);
    free(p.s);
}

/* Focus moves: A, 300 ms later B, 300 ms later C; each interrupts the one before. */
static void test_focus_moves(void)
{
    rig_t r;
    REQUIRE(rig_open(&r, "moves.raw", 100, true));
    /* Each begins with a "p" (a closure of silence) so that its onset shows in the output
     * even when it follows a cut-off sentence at once. */
    static const char *const texts[] = {"Please rate the service of the community centre today.",
                                        "Please rate the staff who helped you this morning.",
                                        "Please rate the room."};
    long at[3];
    for (int i = 0; i < 3; i++) {
        at[i] = rig_pos(&r);
        say1(&r, "en", texts[i], NULL);
        if (i < 2)
            sleep_ms(300);
    }
    rig_wait_quiet(&r, 200);
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    int onsets = 0;
    for (int i = 0; i < 3; i++) {
        long next = i < 2 ? at[i + 1] : p.n;
        long cut = i == 0 ? at[0] : first_quiet(&p, at[i]);
        long f = first_loud(&p, cut);
        long lat = f < 0 || (i < 2 && f >= next) ? -1 : ms(f - at[i]);
        fprintf(stderr,
                "move %d: called at %ld ms, previous speech cut %ld ms later, new sound "
                "%ld ms after the call\n",
                i, ms(at[i] - at[0]), ms(cut - at[i]), lat);
        /* Tolerance: the cut within two buffers (94 ms) of the call's place in the file (one
         * buffer being written, one playing), the new sound within 250 ms (synthesis start-up
         * and espeak-ng's lead-in silence). */
        CHECK(cut - at[i] <= 2 * BUFFER_MS * RATE / 1000);
        CHECK(lat >= 0 && lat < 250);
        onsets += lat >= 0;
    }
    CHECK_INT(onsets, 3);
    long s[16], e[16];
    int n = stretches(&p, at[0], p.n, 150, s, e, 16);
    fprintf(stderr, "focus moves: %d non-silent stretches (gaps of 150 ms split them)\n", n);
    free(p.s);
}

static void test_interrupt(void)
{
    rig_t r;
    REQUIRE(rig_open(&r, "stop.raw", 100, true));
    say1(&r, "en", "This is a long sentence that will never be finished by the kiosk today.", NULL);
    sleep_ms(700);
    long at = rig_pos(&r);
    audio_stop(r.a);
    CHECK(!audio_speaking(r.a));
    sleep_ms(500);
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    long last = -1;
    for (long k = 0; k < p.n; k++) {
        if (abs(p.s[k]) > LOUD)
            last = k;
    }
    long gap = ms(last - at);
    fprintf(stderr, "interrupt: last sound %ld ms after the stop (buffer %d ms)\n", gap, BUFFER_MS);
    CHECK(last > 0 && at > 0);
    /* The call lands in the file one buffer early at most (SDL writes after filling), and the
     * buffer being filled plays out: two buffers from the file's size at the call. */
    CHECK(gap <= 2 * BUFFER_MS);
    free(p.s);
}

static int count_loud(const pcm_t *p, long from, long to)
{
    long s[64], e[64];
    return stretches(p, from, to, 30, s, e, 64);
}

static void earcons_case(bool on)
{
    rig_t r;
    REQUIRE(rig_open(&r, on ? "ear_on.raw" : "ear_off.raw", 100, on));
    sleep_ms(100);
    long at = rig_pos(&r);
    audio_earcon(r.a, EARCON_SAVED);
    sleep_ms(400);
    long mid = rig_pos(&r);
    audio_earcon(r.a, EARCON_REFUSED);
    sleep_ms(400);
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    int saved = count_loud(&p, at, mid), refused = count_loud(&p, mid, p.n);
    fprintf(stderr, "earcons %s: %d and %d stretch(es)\n", on ? "on" : "off", saved, refused);
    CHECK_INT(saved, on ? 1 : 0);
    CHECK_INT(refused, on ? 1 : 0);
    free(p.s);
}

static void test_earcons_on(void)
{
    earcons_case(true);
}
static void test_earcons_off(void)
{
    earcons_case(false);
}

static void test_volume(void)
{
    rig_t r;
    REQUIRE(rig_open(&r, "vol0.raw", 0, true));
    say1(&r, "en", "Nobody hears this.", NULL);
    audio_earcon(r.a, EARCON_SAVED);
    rig_wait_quiet(&r, 300);
    long half = rig_pos(&r);
    audio_set_volume(r.a, 50);
    audio_earcon(r.a, EARCON_SAVED);
    sleep_ms(400);
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    int peak0 = 0, peak50 = 0;
    for (long k = 0; k < p.n; k++) {
        int v = abs(p.s[k]);
        if (k < half && v > peak0)
            peak0 = v;
        if (k >= half && v > peak50)
            peak50 = v;
    }
    fprintf(stderr, "volume: peak %d at 0, %d at 50 (earcon amplitude 0.35 = 11468)\n", peak0,
            peak50);
    CHECK_INT(peak0, 0);
    CHECK(peak50 > 11468 / 2 - 200 && peak50 < 11468 / 2 + 200);
    free(p.s);
    /* sox agrees the silent half is silent: its file is the first half. */
}

static bool run_cmd(const char *cmd)
{
    return system(cmd) == 0;
}

static void test_prompts(void)
{
    char ogg[PATH_MAX], opus[PATH_MAX], longf[PATH_MAX], bad[PATH_MAX], wav[PATH_MAX];
    char cmd[4 * PATH_MAX], err[512];
    join(ogg, scratch, "p.ogg");
    join(opus, scratch, "p.opus");
    join(longf, scratch, "long.ogg");
    join(bad, scratch, "bad.ogg");
    join(wav, scratch, "p.wav");
    snprintf(cmd, sizeof cmd,
             "sox -n -r 44100 -c 2 '%s' synth 1.0 sine 440 vol 0.5 && "
             "sox -n -r 22050 -c 1 '%s' synth 61 sine 300 && sox -n -r 48000 -b 16 -c 1 '%s' "
             "synth 1.0 sine 500 vol 0.5",
             ogg, longf, wav);
    REQUIRE(run_cmd(cmd));
    bool have_opus = KIOSK_OPUSENC[0] != '\0';
    if (have_opus) {
        snprintf(cmd, sizeof cmd, "'%s' --quiet '%s' '%s'", KIOSK_OPUSENC, wav, opus);
        CHECK(run_cmd(cmd));
    }
    FILE *f = fopen(bad, "wb");
    REQUIRE(f);
    fputs("OggS this is not audio at all, not even close", f);
    fclose(f);
    CHECK_INT(audio_check_prompt(ogg, err, sizeof err), KIOSK_OK);
    if (have_opus)
        CHECK_INT(audio_check_prompt(opus, err, sizeof err), KIOSK_OK);
    CHECK_INT(audio_check_prompt(longf, err, sizeof err), KIOSK_ETOOBIG);
    CHECK(strstr(err, "long.ogg") != NULL);
    fprintf(stderr, "too long: %s\n", err);
    CHECK_INT(audio_check_prompt(bad, err, sizeof err), KIOSK_ECORRUPT);
    CHECK(strstr(err, "bad.ogg") != NULL);
    fprintf(stderr, "corrupt: %s\n", err);
    join(wav, scratch, "missing.ogg");
    CHECK_INT(audio_check_prompt(wav, err, sizeof err), KIOSK_ENOENT);
    CHECK(strstr(err, "missing.ogg") != NULL);
    /* a FIFO is refused at once (never waited on), a symbolic link is not followed */
    char fifo[PATH_MAX], link[PATH_MAX];
    join(fifo, scratch, "fifo.ogg");
    join(link, scratch, "link.ogg");
    REQUIRE(mkfifo(fifo, 0600) == 0 && symlink(ogg, link) == 0);
    CHECK_INT(audio_check_prompt(fifo, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "not a regular file") != NULL);
    CHECK_INT(audio_check_prompt(link, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "symbolic link") != NULL);

    rig_t r;
    REQUIRE(rig_open(&r, "prompt.raw", 100, true));
    long at[2];
    const char *files[2] = {ogg, opus};
    for (int i = 0; i < (have_opus ? 2 : 1); i++) {
        at[i] = rig_pos(&r);
        say1(&r, "bo", "text ignored", files[i]);
        rig_wait_quiet(&r, 200);
    }
    CHECK(!audio_has_voice(r.a, "bo"));
    CHECK(audio_has_voice(r.a, "en"));
    audio_close(r.a);
    pcm_t p = pcm_read(r.path);
    for (int i = 0; i < (have_opus ? 2 : 1); i++) {
        long s[8], e[8];
        int n = stretches(&p, at[i], i == 0 && have_opus ? at[1] : p.n, 30, s, e, 8);
        fprintf(stderr, "prompt %s: %d stretch(es), %ld ms\n", files[i], n,
                n ? ms(e[0] - s[0]) : -1);
        CHECK(n == 1 && ms(e[0] - s[0]) > 900 && ms(e[0] - s[0]) < 1100);
    }
    free(p.s);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Nobody there: the device closes once nothing has played for idle_close_ms (SDL's audio
 * thread then sleeps), and the next utterance or earcon opens it again and is heard. SDL's disk
 * driver truncates its file on each open, so what is read back is what played since. */
static void test_idle_close(void)
{
    rig_t r;
    REQUIRE(rig_open_idle(&r, "idle.raw", 100, true, 300));
    say1(&r, "en", "Hello.", NULL);
    rig_wait_quiet(&r, 0);
    CHECK(audio_device_open(r.a)); /* still open right after speaking */
    sleep_ms(700);
    CHECK(!audio_device_open(r.a));
    double c0 = cpu_seconds();
    sleep_ms(2000);
    double idle = (cpu_seconds() - c0) / 2.0 * 100.0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    say1(&r, "en", "Please choose how satisfied you are.", NULL);
    long heard = -1;
    for (int i = 0; i < 200 && heard < 0; i++) {
        sleep_ms(5);
        pcm_t p = pcm_read(r.path);
        if (first_loud(&p, 0) >= 0) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            heard = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        }
        free(p.s);
    }
    CHECK(audio_device_open(r.a));
    rig_wait_quiet(&r, 700);
    CHECK(!audio_device_open(r.a));
    audio_earcon(r.a, EARCON_SAVED); /* an earcon alone opens it too */
    sleep_ms(300);
    CHECK(audio_device_open(r.a));
    pcm_t p = pcm_read(r.path);
    CHECK_INT(count_loud(&p, 0, p.n), 1);
    free(p.s);
    audio_close(r.a);
    fprintf(stderr,
            "FIGURES: device closed when idle: CPU %.2f%% of one core; first sound "
            "%ld ms after the say that opened it again (wall clock, file polled every 5 ms)\n",
            idle, heard);
    CHECK(heard >= 0 && heard < 500);
    CHECK(idle < 0.2);
}

static int cmp_long(const void *x, const void *y)
{
    long a = *(const long *)x, b = *(const long *)y;
    return (a > b) - (a < b);
}

/* Figures: latency from audio_say to the first sound (20 calls), CPU and peak RSS while
 * speaking, CPU with the device open and nothing said. */
static void test_figures(void)
{
    rig_t r;
    REQUIRE(rig_open(&r, "fig.raw", 100, true));
    sleep_ms(300);
    double c0 = cpu_seconds();
    sleep_ms(3000);
    double idle = (cpu_seconds() - c0) / 3.0 * 100.0;
    long at[20];
    c0 = cpu_seconds();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 20; i++) {
        at[i] = rig_pos(&r);
        say1(&r, "en", "Please choose how satisfied you are.", NULL);
        sleep_ms(400);
        audio_stop(r.a);
        sleep_ms(150);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double busy = (cpu_seconds() - c0) /
                  ((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9) *
                  100.0;
    audio_close(r.a);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    pcm_t p = pcm_read(r.path);
    long lat[20];
    int got = 0;
    for (int i = 0; i < 20; i++) {
        long f = first_loud(&p, at[i]);
        if (f >= 0 && (i == 19 || f < at[i + 1]))
            lat[got++] = ms(f - at[i]);
    }
    CHECK_INT(got, 20);
    qsort(lat, (size_t)got, sizeof lat[0], cmp_long);
    fprintf(stderr,
            "FIGURES: say-to-sound median %ld ms, p95 %ld ms (file position, +-1 buffer %d ms); "
            "CPU speaking %.1f%%, idle %.2f%% of one core; peak RSS %ld KiB\n",
            got ? lat[got / 2] : -1, got ? lat[got * 95 / 100 - (got * 95 % 100 == 0)] : -1,
            BUFFER_MS, busy, idle, ru.ru_maxrss);
    CHECK(idle < 2.0);
    free(p.s);
}

/* Each case in its own process: espeak-ng 1.51 hangs in espeak_ng_Terminate after a second
 * espeak_ng_Initialize in one process (the kiosk opens the edge once). */
static void run_forked(void (*fn)(void), const char *name)
{
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int before = check_failures;
        fn();
        fprintf(stderr, "%s %s\n", check_failures == before ? "ok  " : "FAIL", name);
        _exit(check_failures != before);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        check_failures++;
}

#define RUN_FORKED(fn) run_forked(fn, #fn)

int main(void)
{
    if (!make_scratch_dir(scratch, "audio"))
        return 1;
    RUN_FORKED(test_english);
    RUN_FORKED(test_mandarin);
    RUN_FORKED(test_focus_moves);
    RUN_FORKED(test_interrupt);
    RUN_FORKED(test_earcons_on);
    RUN_FORKED(test_earcons_off);
    RUN_FORKED(test_volume);
    RUN_FORKED(test_prompts);
    RUN_FORKED(test_figures);
    RUN_FORKED(test_idle_close);
    remove_tree(scratch);
    return check_failures != 0;
}
