/* The whole kiosk speaking, heard: the real binary, headless, its sound through SDL's disk
 * driver into a raw file, driven by a script of physical button presses with real-time pauses
 * between them ("sleep"). Each time the kiosk hands something to the speaker it prints
 * event=say on stdout; the size of the sound file at that moment marks the place in the output
 * where that call lands (within one 46 ms buffer). The sound must follow the ring: each move's
 * sound (non-silent stretches, one a sentence) starts within 300 ms of it and is over before
 * the next, the first move cutting short the home screen's reading (measured here in 10 ms windows,
 * confirmed with sox). How fast a cut is, within one buffer, is test_audio's (it chooses texts
 * whose onsets show). */
#include "check.h"
#include "pcm_util.h"
#include "proc_util.h"

#include <signal.h>
#include <sys/stat.h>

#define MOVES 7 /* the help button, four moves of the ring, a journey, a move */

static long file_samples(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)(st.st_size / 2) : -1;
}

/* Runs the kiosk on script; at[] gets the sound file's length at the first event=say line
 * after each "move" the script echoes before a button, texts[] the first thing then said.
 * Returns the moves heard. */
static int run_speaking(const char *script, const char *raw, long *at, char texts[][96], int max)
{
    char db[700];
    snprintf(db, sizeof db, "%s/audio-kiosk.db", tmp);
    unlink(db);
    unlink(raw);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", raw, 1);
    char *args[] = {
        "--headless", "--config", KIOSK_BOARD_CONFIG, "--pack",       KIOSK_PACK, "--lang", "en",
        "--db",       db,         "--script",         (char *)script, NULL};
    proc_t p;
    if (!start(&p, "audio-kiosk", args))
        return -1;
    char line[1024];
    bool moved = false;
    int n = 0;
    while (fgets(line, sizeof line, p.out)) {
        if (strcmp(line, "move\n") == 0)
            moved = true;
        if (strncmp(line, "event=say lang=", 15) == 0 && moved && n < max) {
            moved = false;
            at[n] = file_samples(raw);
            const char *t = strstr(line, "text=\"");
            snprintf(texts[n], 96, "%.*s", t ? (int)strcspn(t + 6, "\"") : 0, t ? t + 6 : "");
            n++;
        }
    }
    CHECK_INT(finish(&p, NULL, 0), 0);
    return n;
}

static void speech_follows_the_ring_in_real_time(void)
{
    char script[700], raw[700];
    snprintf(script, sizeof script, "%s/audio-kiosk.script", tmp);
    snprintf(raw, sizeof raw, "%s/audio-kiosk.raw", tmp);
    /* The home screen read in full takes longer than 2 s: the first move cuts it short. The
     * pauses after the others let each be heard whole (the journey's first screen takes about
     * 5 s), but stay under the 4 s after which the edge closes the idle device (reopening it
     * would start the disk driver's file again). */
    REQUIRE(write_file(script, "expect screen home\necho move\nbutton help\nsleep 2000\n"
                               "echo move\nbutton next\nsleep 1500\necho move\nbutton next\n"
                               "sleep 1500\necho move\nbutton next\nsleep 1500\necho move\n"
                               "button next\nsleep 4500\necho move\nbutton select\n"
                               "sleep 6500\necho move\nbutton next\nsleep 1500\n"));
    long at[MOVES + 4];
    char texts[MOVES + 4][96];
    int n = run_speaking(script, raw, at, texts, MOVES + 4);
    CHECK_INT(n, MOVES);
    pcm_t p = pcm_read(raw);
    REQUIRE(p.n > 0 && n == MOVES);
    const double loud = (double)LOUD / 32768.0;
    /* the help button: the screen is heard within 300 ms */
    long onset = first_loud(&p, at[0]);
    fprintf(stderr, "help at 0 ms (\"%s\"): sound %ld ms after\n", texts[0],
            onset < 0 ? -1 : ms(onset - at[0]));
    CHECK(onset >= 0 && ms(onset - at[0]) < 300);
    /* each move after it: its sound (a stretch per sentence) starts within 300 ms of the move
     * and is over before the next move; the first move cuts the home screen's reading short,
     * which would otherwise run on for seconds past the next */
    long s[64], e[64];
    int k = stretches(&p, at[1], p.n, 150, s, e, 64), j = 0;
    for (int i = 1; i < n; i++) {
        long next = i + 1 < n ? at[i + 1] : p.n;
        int first = j;
        while (j < k && s[j] < next)
            j++;
        fprintf(stderr, "move %d at %ld ms (\"%s\"): %d stretch(es)", i, ms(at[i] - at[0]),
                texts[i], j - first);
        for (int m = first; m < j; m++)
            fprintf(stderr, " %ld-%ld", ms(s[m] - at[i]), ms(e[m] - at[i]));
        fprintf(stderr, " ms after it\n");
        CHECK(j > first);
        if (j == first)
            continue;
        CHECK(s[first] >= at[i] - WIN && ms(s[first] - at[i]) < 300);
        CHECK(e[j - 1] < next);
        /* sox hears the same: sound as it starts, silence once it is over */
        CHECK(sox_max_amplitude_in(raw, s[first], s[first] + 5 * WIN) > loud);
        CHECK(sox_max_amplitude_in(raw, e[j - 1], e[j - 1] + 10 * WIN) < loud);
    }
    free(p.s);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(speech_follows_the_ring_in_real_time);
    return check_failures != 0;
}
