/* The display and touch edge: the only code that includes SDL. Draws a view model, measures
 * text with the real fonts, maps touches, mouse and keys to inputs, saves screenshots.
 *
 * Pointers: no function keeps a pointer it is given beyond the call (ui_open() copies the
 * font paths, ui_draw() draws the view and forgets it); what the ui returns belongs to it and
 * stays valid until ui_close(). One thread uses the ui, except ui_wake(). */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/view.h"

typedef struct ui ui_t;

typedef struct {
    int width, height; /* panel size in pixels, as mounted (before rotation) */
    int rotation;      /* 0, 90, 180 or 270 degrees clockwise */
    bool fullscreen;
    bool headless; /* no display: SDL's dummy video driver, software renderer */
    /* A font file put first in every language's font chain (NULL: none): characters it lacks
     * (Latin letters, digits) come from the chain's other fonts, chosen by fontconfig. */
    const char *font;
    const char *font_bold; /* the same for bold text; NULL: font (unused when font is NULL) */
} ui_config_t;

/* Opens the window (or the headless surface) and the fonts; cfg is read only during the
 * call. On success *out is the caller's, to free with ui_close(). On failure returns a KIOSK_E*
 * code, *out is NULL and err holds a message naming what failed. */
int ui_open(const ui_config_t *cfg, ui_t **out, char *err, size_t errlen);
/* Closes the window and the fonts and frees ui (NULL: nothing). */
void ui_close(ui_t *ui);

/* The logical screen the layout works in (width and height swapped at 90/270). */
void ui_logical_size(const ui_t *ui, int *w, int *h);

/* Sets the language texts are measured and drawn in, until called again: lang is a BCP 47
 * code, compared case-insensitively ("zh-TW" is "zh-tw"); its font chain is the --font file,
 * then families (preferred family names, in order), then fontconfig's choice for the
 * language (the CJK face follows it: zh-cn/zh-Hans Simplified, zh-tw/zh-Hant Traditional,
 * zh-hk Hong Kong, ja, ko), then every other installed font for characters those lack. rtl:
 * the language is written right to left (the paragraph direction text is measured in; ui_draw()
 * draws in the view's). families NULL keeps the families given before; an empty list (n 0)
 * clears them; lang and families are copied. Before the first call the language is zh-cn.
 * Returns true when measurements may have changed (another language, direction or
 * families): a view built before should be built again. */
bool ui_set_language(ui_t *ui, const char *lang, bool rtl, const char *const *families,
                     size_t n_families);

/* For pack authors: the code points of utf8 that no font of lang's chain has (with the
 * families of the last ui_set_language()), each once, in order of appearance; controls, spaces,
 * ZWJ/ZWNJ, variation selectors and bidi marks are not looked for. Writes at most max of them
 * to out and returns how many there are (more than max: out holds the first max). */
size_t ui_missing_glyphs(ui_t *ui, const char *lang, const char *utf8, uint32_t *out, size_t max);

/* Text metrics with the real fonts, in the language of ui_set_language(). Owned by ui; the pointer
 * (and the metrics' user_data, which is ui) stays valid until ui_close(). */
const text_metrics_t *ui_metrics(ui_t *ui);

/* Draws the view (pressed: index of the widget under a finger, or -1) and shows it. v and
 * its texts are read only during the call. */
void ui_draw(ui_t *ui, const view_t *v, int pressed);

/* Faces and icons are SVG files NAME.svg in one directory: by default the installed
 * /usr/share/kiosk/icons if it is there, else the source tree's assets/icons. Sets another
 * directory (NULL: the default) and forgets what was read and drawn; dir is copied. */
void ui_set_icon_dir(ui_t *ui, const char *dir);

/* The first face or icon that could not be drawn since ui_open() or ui_set_icon_dir(), naming
 * it, its file and why ("icon 'x': cannot read DIR/x.svg: No such file or directory"); "" when
 * none. Owned by ui: valid until the next ui_set_icon_dir() or ui_close(). */
const char *ui_icon_problem(const ui_t *ui);

/* How many times a face or icon was rasterised from its file since ui_open(): once per
 * file, size and colour, however many frames show it (the rest come from the cache). */
unsigned ui_icons_rasterised(const ui_t *ui);

/* How the frames since ui_open() were drawn: whole, only the part of the screen whose widgets
 * changed, or not at all (a view the same as the last one). */
typedef struct {
    unsigned whole, part, unchanged;
} ui_frame_counts_t;
ui_frame_counts_t ui_frame_counts(const ui_t *ui);

/* Saves the last drawn frame (logical orientation) as a BMP file. */
int ui_screenshot(ui_t *ui, const char *path);

typedef enum {
    UI_EV_NONE, /* timeout, or an event of no interest */
    UI_EV_QUIT,
    UI_EV_REDRAW,  /* exposed or resized */
    UI_EV_PRESS,   /* finger or mouse down at x, y (logical) */
    UI_EV_RELEASE, /* finger or mouse up at x, y (logical) */
    UI_EV_NAV,     /* nav */
    UI_EV_FACE,    /* face button index */
    UI_EV_TEXT,    /* text (UTF-8) */
    UI_EV_BACKSPACE,
    UI_EV_LANG,
    UI_EV_STAFF,      /* the staff key (long press on the board's staff button) */
    UI_EV_HELP,       /* help: show the focus ring */
    UI_EV_WAKE,       /* another thread called ui_wake() */
    UI_EV_MOTION,     /* a finger (or the mouse with its button down) moved to x, y (logical) */
    UI_EV_AUDIO_ADDED /* an audio output appeared (a USB headset plugged in) */
} ui_event_kind_t;

typedef struct {
    ui_event_kind_t kind;
    int x, y;
    int nav; /* nav_t */
    int face;
    char text[32];
} ui_event_t;

/* Drops the audio-device events waiting (SDL reports every device present when audio starts):
 * later ones are devices plugged in. Call after the audio edge opened. */
void ui_forget_audio_devices(ui_t *ui);

/* Waits up to timeout_ms (-1: for ever, 0: just look) for one event and translates it
 * (UI_EV_NONE for events of no interest). Returns false when no event came. Sleeps in the
 * kernel: an idle kiosk uses no CPU. */
bool ui_wait_event(ui_t *ui, int timeout_ms, ui_event_t *ev);

/* Wakes ui_wait_event() from another thread (GPIO, USB watchers). Thread-safe. */
void ui_wake(ui_t *ui);

/* Injects inputs as real SDL events, for scripted runs: a tap at logical (x, y), a key by
 * SDL key name ("Tab", "Return", "F2", "1"), or typed text. false for an unknown key. */
void ui_inject_tap(ui_t *ui, int x, int y);
/* A finger put down at (x1, y1), moved in steps to (x2, y2) and lifted. */
void ui_inject_drag(ui_t *ui, int x1, int y1, int x2, int y2, int steps);
/* A finger put down at the first of n points (x, y pairs in xy, logical pixels), moved
 * through the others and lifted at the last: a stroke on the writing pad. */
void ui_inject_path(ui_t *ui, const int *xy, size_t n);
bool ui_inject_key(ui_t *ui, const char *name);
void ui_inject_text(ui_t *ui, const char *utf8);

/* The SDL and SDL_ttf versions linked, for the technician ("SDL 2.26.5 · SDL_ttf 2.20.1"). */
void ui_versions(char *buf, size_t len);

/* Name of the video driver in use ("x11", "kmsdrm", "offscreen", ...). Owned by ui, valid
 * until ui_close(). */
const char *ui_driver(const ui_t *ui);

#endif
