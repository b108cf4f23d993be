/* What test_ime and bench_ime share: the engines' configuration of the build tree (the Rime
 * data deployed at build time, Debian's model) and strokes drawn as straight lines. */
#ifndef KIOSK_TEST_IME_UTIL_H
#define KIOSK_TEST_IME_UTIL_H

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "ime/ime_engine.h"

static inline ime_config_t ime_test_config(void)
{
    ime_config_t cfg = {IME_RIME_SHARED_DIR, KIOSK_RIME_DIR, IME_ZINNIA_MODEL};
    return cfg;
}

/* Whether Debian's data packages are installed (else the tests skip). */
static inline bool ime_test_data_present(void)
{
    struct stat st;
    return stat(IME_RIME_SHARED_DIR "/luna_pinyin.schema.yaml", &st) == 0 &&
           stat(IME_ZINNIA_MODEL, &st) == 0;
}

/* Appends a stroke: a straight line from (x0,y0) to (x1,y1) as 9 points. */
static inline void ime_test_line(ime_strokes_t *s, int x0, int y0, int x1, int y1)
{
    for (int i = 0; i <= 8 && s->npoints < IME_MAX_POINTS; i++) {
        s->x[s->npoints] = (int16_t)(x0 + (x1 - x0) * i / 8);
        s->y[s->npoints] = (int16_t)(y0 + (y1 - y0) * i / 8);
        s->npoints++;
    }
    s->stroke_end[s->nstrokes++] = (uint16_t)s->npoints;
}

/* Appends a stroke through three points (a turn, as in the second stroke of 口). */
static inline void ime_test_turn(ime_strokes_t *s, int x0, int y0, int x1, int y1, int x2,
                                 int y2)
{
    ime_test_line(s, x0, y0, x1, y1);
    s->nstrokes--;
    ime_test_line(s, x1, y1, x2, y2);
}

#endif
