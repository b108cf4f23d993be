/* Internal to the SDL edge: the state behind ui_t, shared by ui.c (opening and closing),
 * text.c (fonts and text), icons.c (faces and icons from SVG), shapes.c and draw.c (painting
 * the view) and input.c (sleeping and input). */
#ifndef KIOSK_UI_INTERNAL_H
#define KIOSK_UI_INTERNAL_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/view.h"
#include "ui/abs_pointer.h"
#include "ui/ui.h"

#define FONT_SLOTS 48    /* open fonts: one per file, face, size and weight */
#define FONT_FILES 24    /* font files mapped into memory, each once, shared by its open fonts */
#define WIDTH_SLOTS 4096 /* measured widths kept (text_width_t) */
#define TEXT_SLOTS 384
/* The cached line textures' budget: the screen's own size in pixels (4 bytes each), and never
 * less than this; over it, slots are given up in turn (drawn again when next needed). */
#define TEXT_BUDGET_MIN (4u << 20)
#define INPUT_FDS 32
#define FRAME_RECTS 8 /* parts of the frame drawn apart (frame.c); more: their union */
/* The touch id of the touches read from absolute pointers (input.c). */
#define UI_ABS_TOUCH_ID ((SDL_TouchID)0x4b696f736b)

#define ICON_FILES 48  /* SVG files read (each once) */
#define ICON_SLOTS 128 /* rasterised icons: one per file, size and ink */
#define ICON_NAME 32

/* An SVG file as read, or a file that could not be read (svg NULL: not tried again). */
typedef struct {
    char name[ICON_NAME];
    char *svg; /* SDL_LoadFile()'s, owned by the slot: freed by ui_icons_close() */
} icon_file_t;

/* One icon rasterised at one size in one ink colour. */
typedef struct {
    char name[ICON_NAME];
    int w, h;
    SDL_Color ink;
    SDL_Texture *tex; /* owned by the slot: freed when the slot is reused or ui_icons_close() */
} icon_slot_t;

typedef struct {
    char *file; /* strdup'd, owned by the slot: freed when it is reused or ui_fonts_close() */
    int index;  /* the face in the file (a .ttc collection holds several) */
    int px;
    bool embolden; /* drawn emboldened (TTF_STYLE_BOLD): a bold text in a font with no bold */
    TTF_Font *font;
} font_slot_t;

/* A font file mapped read-only into memory once (text.c): every font opened from it, at any
 * face and size, reads its glyphs from this one copy (memcpy, no read() or lseek() per glyph,
 * and the pages are the page cache's, shared, not heap). */
typedef struct {
    char *file; /* strdup'd, owned; NULL: a free slot */
    const void *data;
    size_t size;
} font_file_t;

/* One measured width: what ui_text_width() gave for a line of text (by a 64-bit hash of its
 * bytes, language and direction), size and weight; kept until the language, the fonts or
 * the families change. */
typedef struct {
    uint64_t hash; /* 0: empty */
    uint32_t len;
    int16_t px;
    bool bold, rtl;
    int w;
} text_width_t;

/* Font fallback chains chosen through fontconfig (fonts.c): opaque. */
typedef struct font_chains font_chains_t;
typedef struct font_chain font_chain_t;

/* A run of one line: the same bidi level, script and font throughout. */
typedef struct {
    size_t start, len; /* bytes of the line */
    int level;         /* bidi embedding level: odd runs right to left */
    char script[5];    /* ISO 15924 tag as HarfBuzz names it: "Arab", "Hani", "Zyyy" */
    int font;          /* index in the chain, -1 when the chain is empty */
} text_run_t;

#define TEXT_MAX_RUNS 64

typedef struct {
    uint32_t hash;
    int px;
    bool bold;
    bool rtl;      /* the paragraph direction it was laid out in */
    char lang[24]; /* the language whose fonts drew it */
    SDL_Color color;
    char *text;       /* strdup'd, owned by the slot: freed with it (ui_fonts_close()) */
    SDL_Texture *tex; /* owned by the slot, as text */
    int w, h;
    int baseline; /* rows from the top */
} text_slot_t;

struct ui {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *frame; /* the logical screen; copied rotated to the window (NULL: the
                           software renderer's window surface is the logical screen) */
    SDL_Texture *base;  /* the screen under a prompt, with its backdrop, drawn once */
    uint64_t base_hash; /* what base holds; 0: nothing */
    /* What the frame holds (frame.c): each widget's identity and the rectangle it may paint,
     * to draw again only the parts a new view changes; shown_valid false: the next frame is
     * drawn whole. part: the frame being drawn is drawn only inside parts, damage the one
     * being drawn now. */
    bool shown_valid;
    size_t shown_n;
    uint64_t shown_global;
    uint64_t shown_hash[VIEW_MAX_WIDGETS];
    SDL_Rect shown_ext[VIEW_MAX_WIDGETS];
    bool part;
    SDL_Rect parts[FRAME_RECTS];
    size_t n_parts;
    SDL_Rect damage;
    bool software; /* the renderer draws into the window's surface, which keeps the last frame */
    ui_frame_counts_t frame_counts;
    int phys_w, phys_h; /* window size */
    int log_w, log_h;   /* logical size */
    int rotation;
    /* The palette of the frame being drawn: the view says whether the resident asked for
     * high contrast; ui_draw() sets this before anything is painted. */
    bool high_contrast;
    /* Fonts: the chains (--font first, then fontconfig's choice for the language), the
     * language measured and drawn in and its direction; frame_rtl is the view's, set by
     * ui_draw() before anything is painted. */
    font_chains_t *chains;
    char lang[24];
    bool rtl, frame_rtl;
    font_slot_t fonts[FONT_SLOTS];
    size_t next_font;
    font_file_t font_files[FONT_FILES];
    unsigned font_files_mapped; /* how many times a font file was read (mapped): once each */
    text_width_t widths[WIDTH_SLOTS];
    unsigned widths_measured; /* lines shaped to be measured (not found in widths) */
    text_slot_t texts[TEXT_SLOTS];
    size_t text_bytes; /* pixels of the cached line textures, 4 bytes each */
    size_t text_sweep; /* the next slot to give up when text_bytes is over its budget */
    text_metrics_t metrics;
    char icon_dir[512];
    icon_file_t icon_files[ICON_FILES];
    size_t n_icon_files;
    icon_slot_t icons[ICON_SLOTS];
    size_t next_icon;
    unsigned icons_rasterised; /* how many times an SVG was rasterised: once per size and ink */
    char icon_problem[768];    /* the first icon that could not be drawn, and why; "" if none */
    Uint32 wake_event;
    char driver[32];
    /* Sleeping without SDL's 1 ms polling, for video drivers that cannot block (kmsdrm,
     * dummy): poll() on a wake-up eventfd and on our own handles of the input devices. */
    bool own_wait;
    int wake_fd;
    int inotify_fd;
    int input_fds[INPUT_FDS];
    size_t n_input;
    /* Absolute pointers among them, read and scaled here (abs_pointer.h): is_abs[i] says
     * input_fds[i] is one; sdl_ids are SDL's own handles of the same devices, whose unscaled
     * mouse events are dropped. */
    bool is_abs[INPUT_FDS];
    abs_pointer_t abs[INPUT_FDS];
    char input_path[INPUT_FDS][300];
    int sdl_ids[INPUT_FDS];
    size_t n_sdl_ids;
};

/* ---- fonts.c: fallback chains through fontconfig ---- */

/* Loads fontconfig's configuration; NULL when it cannot. Free with font_chains_free(). */
font_chains_t *font_chains_new(void);
void font_chains_free(font_chains_t *fc);
/* The font files put first in every chain (font NULL: none; font_bold NULL: font); copied.
 * Forgets the chains built (the pointers font_chain_get() gave are no longer valid). */
void font_chains_set_first(font_chains_t *fc, const char *font, const char *font_bold);
/* The preferred families, in order, copied; returns whether they changed (then the chains
 * built are forgotten, as above). */
bool font_chains_set_families(font_chains_t *fc, const char *const *families, size_t n);
/* The chain for a language (BCP 47, any case) and weight, built on first use. Owned by fc:
 * valid until 8 other chains were asked for, or the first fonts or families change. */
const font_chain_t *font_chain_get(font_chains_t *fc, const char *lang, bool bold);
size_t font_chain_len(const font_chain_t *c);
/* Font i of a chain (i < font_chain_len()); file is owned by the chain, valid as long as it. */
typedef struct {
    const char *file;
    int index;     /* the face in the file */
    int bitmap_px; /* a font of bitmaps only: their pixel size (Noto Color Emoji: 109); else 0 */
    bool embolden; /* a bold chain's font without a bold face: to be emboldened */
} font_face_t;
font_face_t font_chain_face(const font_chain_t *c, size_t i);
/* Whether font i has bitmaps only (colour emoji). */
bool font_chain_bitmap(const font_chain_t *c, size_t i);
/* Whether font i has a glyph for cp. */
bool font_chain_has(const font_chain_t *c, size_t i, uint32_t cp);
/* The first font of the chain with a glyph for cp, or -1. */
int font_chain_find(const font_chain_t *c, uint32_t cp);
/* A BCP 47 code as fontconfig's language: lower case, zh-Hant -> zh-tw, zh-Hans -> zh-cn,
 * zh-Hant-HK -> zh-hk, other languages the language subtag alone ("ug-CN" -> "ug"). */
void font_lang_to_fc(const char *lang, char *out, size_t outlen);

/* ---- runs.c: bidi, script and font runs ---- */

/* Splits the first len bytes of utf8 (one line, no '\n') into at most max runs, in visual
 * order (left to right on screen), in a paragraph of direction rtl, with fonts of chain c.
 * Returns how many; 0 for an empty line or out of memory. */
size_t text_runs(const font_chain_t *c, const char *utf8, size_t len, bool rtl, text_run_t *runs,
                 size_t max);
/* Characters that are not drawn and need no font: controls, ZWJ/ZWNJ, bidi marks,
 * variation selectors, soft hyphens, tags. */
bool text_is_ignorable(uint32_t cp);

/* ---- text.c ---- */

/* Puts the font files given (NULL: none) first in every chain, sets the language to zh-cn
 * (the residents' first) until ui_set_language(), and sets ui->metrics. Opens no font. */
void ui_fonts_choose(ui_t *ui, const char *font, const char *font_bold);

/* The font of the current language's chain that draws its digits (else its first) at px (at
 * least 6) and weight, opened on first use: the one lines are spaced and placed by. Owned by ui's
 * font slots: valid until FONT_SLOTS other fonts or sizes have been asked for, or ui_fonts_close().
 * NULL when there is none or the file cannot be opened (logged). */
TTF_Font *ui_font(ui_t *ui, int px, bool bold);

/* The runs of one line as ui measures and draws it in the current language, in a paragraph of
 * direction rtl: fills runs (at most max) and, when chain is not NULL, *chain (owned by ui,
 * valid until the language, fonts or families change). Returns how many. */
size_t ui_text_runs(ui_t *ui, const char *utf8, size_t len, bool bold, bool rtl, text_run_t *runs,
                    size_t max, const font_chain_t **chain);

/* Width in pixels of the first len bytes of utf8 (one line) drawn at px in a paragraph of
 * direction rtl: the sum of its runs, shaped as drawn. */
int ui_text_width(ui_t *ui, int px, bool bold, bool rtl, const char *utf8, size_t len);

/* One line drawn into a new surface (ARGB8888, transparent around the glyphs), its runs side
 * by side on one baseline, *baseline rows from the top (baseline may be NULL); NULL for an
 * empty line or on failure. The caller frees it. Its width is ui_text_width()'s. */
SDL_Surface *ui_render_line(ui_t *ui, const char *line, int px, bool bold, bool rtl, SDL_Color c,
                            int *baseline);

/* The height of one line of text at px, as the layout measures it. */
int ui_line_height(ui_t *ui, int px, bool bold);

/* Draws text (lines split at '\n') into box with the current renderer target; returns the
 * end x of the last line. Each line is a paragraph right to left when the frame is (the
 * view's rtl) and ltr is false. Caches one texture per line in ui. */
int ui_draw_text(ui_t *ui, const char *text, SDL_Rect box, int px, bool bold, align_t align,
                 SDL_Color c, bool ltr);
/* The same in lang's fonts when lang is not NULL (a widget whose text is in another language
 * than the view's); the current language stays as it was. */
int ui_draw_text_in(ui_t *ui, const char *lang, const char *text, SDL_Rect box, int px, bool bold,
                    align_t align, SDL_Color c, bool ltr);

/* Frees the cached text textures and closes the fonts. */
void ui_fonts_close(ui_t *ui);

/* ---- icons.c ---- */

/* Chooses the directory of the SVG files (dir, else the installed one if it is there, else
 * the source tree's); reads nothing yet. */
void ui_icons_choose(ui_t *ui, const char *dir);

/* Draws the icon NAME (the file NAME.svg) into r, its ink (the colour #1b1b1b of the file)
 * recoloured to ink, anti-aliased; rasterised once per size and ink and cached. false when
 * the file cannot be read or rendered: then nothing is drawn, the reason is logged once and
 * kept for ui_icon_problem(). */
bool ui_draw_icon(ui_t *ui, const char *name, SDL_Rect r, SDL_Color ink);

/* A feedback face, level 0 (worst) to count - 1 (best) of 3 to 5, in the square r: the file
 * face-K.svg of the five-level set (K = level spread over 0..4), its dark parts in dark. A
 * plain disc if the file is missing. */
void ui_draw_face(ui_t *ui, SDL_Rect r, int level, int count, SDL_Color dark);

/* Frees the cached textures and files. */
void ui_icons_close(ui_t *ui);

/* ---- shapes.c: on the renderer's current target, in colour c ---- */

/* A plain rectangle: a translucent colour blended with the current blend mode, an opaque one
 * written as it is (the same pixels). */
void ui_fill_rect(ui_t *ui, SDL_Rect r, SDL_Color c);

/* A rectangle with round corners (radius shrunk to fit; under 2: square). */
void ui_fill_round_rect(ui_t *ui, SDL_Rect r, int radius, SDL_Color c);

/* A round rectangle in fill inside a border bw wide in border (no border when bw is 0). */
void ui_fill_framed(ui_t *ui, SDL_Rect r, int bw, int radius, int inner_radius, SDL_Color border,
                    SDL_Color fill);

/* A disc centred on (cx, cy). */
void ui_fill_circle(ui_t *ui, float cx, float cy, float rad, SDL_Color c);

/* ---- frame.c: the part of the frame a view changes ---- */

typedef enum { FRAME_UNCHANGED, FRAME_PART, FRAME_WHOLE } frame_plan_t;

/* Everything that decides a widget's pixels, as one number (pressed: it is under a finger). */
uint64_t ui_widget_hash(const widget_t *w, bool pressed);
/* Compares v with what the frame holds and remembers v as what it will hold: FRAME_UNCHANGED
 * (nothing to draw), FRAME_PART (only ui->parts, in logical pixels, changed) or FRAME_WHOLE. */
frame_plan_t ui_frame_plan(ui_t *ui, const view_t *v, int pressed);
/* The next frame is drawn whole (the fonts, the icons or the window changed). */
void ui_frame_forget(ui_t *ui);
/* Clips drawing on the frame to r (NULL: no clip), within the part being drawn. */
void ui_clip(ui_t *ui, const SDL_Rect *r);
/* Copies the frame (or only the part drawn, where the window keeps the rest) to the window,
 * turned for the panel, and shows it. */
void ui_present(ui_t *ui);

/* ---- input.c ---- */

/* Registers the wake-up event, opens the wake-up eventfd and, for video drivers that cannot
 * block, our handles of the input devices. Call once the video driver is known. */
void ui_input_open(ui_t *ui);

/* Closes what ui_input_open() opened. */
void ui_input_close(ui_t *ui);

#endif
