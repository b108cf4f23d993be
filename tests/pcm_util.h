/* Test helpers for sound written by SDL's disk audio driver: the raw output (S16 mono at
 * espeak-ng's 22050 Hz) read back and measured in 10 ms windows (non-silent above a threshold),
 * and sox's view of the same file. */
#ifndef KIOSK_TEST_PCM_UTIL_H
#define KIOSK_TEST_PCM_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#define RATE 22050
#define WIN (RATE / 100) /* 10 ms */
#define LOUD 400         /* a window is non-silent when a sample exceeds this */
#define BUFFER_MS 47     /* the device buffer, 1024 samples */

typedef struct {
    short *s;
    long n;
} pcm_t;

static inline pcm_t pcm_read(const char *path)
{
    pcm_t p = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return p;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    p.s = malloc((size_t)bytes + 2);
    p.n = p.s ? (long)fread(p.s, 2, (size_t)bytes / 2, f) : 0;
    fclose(f);
    return p;
}

static inline bool window_loud(const pcm_t *p, long w)
{
    for (long i = w * WIN; i < (w + 1) * WIN && i < p->n; i++) {
        if (abs(p->s[i]) > LOUD)
            return true;
    }
    return false;
}

/* The first non-silent sample at or after from, or -1. */
static inline long first_loud(const pcm_t *p, long from)
{
    for (long i = from < 0 ? 0 : from; i < p->n; i++) {
        if (abs(p->s[i]) > LOUD)
            return i;
    }
    return -1;
}

/* The first sample at or after from that starts 20 ms of silence (a cut), or -1. */
static inline long first_quiet(const pcm_t *p, long from)
{
    long run = 0;
    for (long i = from; i < p->n; i++) {
        run = abs(p->s[i]) > LOUD ? 0 : run + 1;
        if (run >= 2 * WIN)
            return i - run + 1;
    }
    return -1;
}

/* Non-silent stretches: runs of loud windows, a gap shorter than gap_ms joining two (the pauses
 * between words). Fills starts/ends (in samples), returns the count. */
static inline int stretches(const pcm_t *p, long from, long to, int gap_ms, long *starts,
                            long *ends, int max)
{
    int count = 0;
    long quiet = 0, gap = gap_ms / 10;
    bool in = false;
    for (long w = from / WIN; w * WIN < to && w * WIN < p->n; w++) {
        if (window_loud(p, w)) {
            if (!in && count < max)
                starts[count++] = w * WIN;
            in = true;
            quiet = 0;
            ends[count - 1] = (w + 1) * WIN;
        } else if (in && ++quiet >= gap) {
            in = false;
        }
    }
    return count;
}

static inline long ms(long samples)
{
    return samples * 1000 / RATE;
}

/* sox's maximum amplitude (0..1) of the stretch [from, to) of a raw file, in samples (to < 0:
 * to its end); -1 when sox fails. */
static inline double sox_max_amplitude_in(const char *path, long from, long to)
{
    char cmd[PATH_MAX + 192], trim[64] = "";
    if (from > 0 || to >= 0)
        snprintf(trim, sizeof trim, " trim %lds %lds", from, to - from);
    snprintf(cmd, sizeof cmd, "sox -t raw -r %d -e signed -b 16 -c 1 '%s' -n%s stat 2>&1", RATE,
             path, to < 0 ? "" : trim);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    char line[256];
    double v = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "Maximum amplitude:", 18) == 0)
            v = atof(line + 18);
    }
    pclose(f);
    return v;
}

/* sox's view of a whole raw file: its "Maximum amplitude" (0..1), or -1. */
static inline double sox_max_amplitude(const char *path)
{
    return sox_max_amplitude_in(path, 0, -1);
}

#endif
