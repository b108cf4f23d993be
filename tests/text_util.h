/* Helpers for the text tests: a headless ui with real fonts, and runs described as text
 * ("LEVEL SCRIPT FILE:FACE 'TEXT'", in visual order) so that a test reads like the screen. */
#ifndef KIOSK_TEST_TEXT_UTIL_H
#define KIOSK_TEST_TEXT_UTIL_H

#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "ui/ui.h"
#include "ui/ui_internal.h"

static inline ui_t *text_open_ui(const char *font)
{
    ui_config_t cfg = {.width = 800, .height = 480, .headless = true, .font = font};
    char err[256];
    ui_t *ui = NULL;
    if (ui_open(&cfg, &ui, err, sizeof err) != 0)
        fprintf(stderr, "  ui_open: %s\n", err);
    return ui;
}

/* The file name (no directory) and face of run r. */
static inline void text_run_font(const font_chain_t *c, const text_run_t *r, char *out, size_t len)
{
    if (r->font < 0) {
        snprintf(out, len, "(none)");
        return;
    }
    font_face_t f = font_chain_face(c, (size_t)r->font);
    char path[512];
    snprintf(path, sizeof path, "%s", f.file);
    snprintf(out, len, "%s:%d%s", basename(path), f.index, f.embolden ? " emboldened" : "");
}

/* The runs of utf8 in lang (paragraph rtl) as "LEVEL SCRIPT FILE:FACE 'TEXT' | ...". */
static inline const char *text_describe(ui_t *ui, const char *lang, bool rtl, const char *utf8,
                                        char *out, size_t len)
{
    ui_set_language(ui, lang, rtl, NULL, 0);
    text_run_t runs[TEXT_MAX_RUNS];
    const font_chain_t *c;
    size_t n = ui_text_runs(ui, utf8, strlen(utf8), false, rtl, runs, TEXT_MAX_RUNS, &c);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        char font[300];
        text_run_font(c, &runs[i], font, sizeof font);
        used += (size_t)snprintf(out + used, len - used, "%s%d %s %s '%.*s'", i ? " | " : "",
                                 runs[i].level, runs[i].script, font, (int)runs[i].len,
                                 utf8 + runs[i].start);
    }
    return out;
}

#endif
