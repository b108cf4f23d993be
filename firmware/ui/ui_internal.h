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

#define FONT_SLOTS 24
#define TEXT_SLOTS 384
#define INPUT_FDS 32
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
    int px;
    bool bold;
    TTF_Font *font;
} font_slot_t;

typedef struct {
    uint32_t hash;
    int px;
    bool bold;
    SDL_Color color;
    char *text;       /* strdup'd, owned by the slot: freed with it (ui_fonts_close()) */
    SDL_Texture *tex; /* owned by the slot, as text */
    int w, h;
} text_slot_t;

struct ui {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *frame; /* the logical screen; copied rotated to the window */
    SDL_Texture *base;  /* the screen under a prompt, with its backdrop, drawn once */
    uint64_t base_hash; /* what base holds; 0: nothing */
    int phys_w, phys_h; /* window size */
    int log_w, log_h;   /* logical size */
    int rotation;
    /* The palette of the frame being drawn: the view says whether the resident asked for
     * high contrast; ui_draw() sets this before anything is painted. */
    bool high_contrast;
    char font_path[512], bold_path[512];
    long face_index;
    font_slot_t fonts[FONT_SLOTS];
    size_t next_font;
    text_slot_t texts[TEXT_SLOTS];
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

/* ---- text.c ---- */

/* Chooses the font files (the given ones, else the first installed default pair; font_bold
 * NULL: font) and sets ui->metrics. Opens nothing: ui_font() opens on demand. */
void ui_fonts_choose(ui_t *ui, const char *font, const char *font_bold);

/* The font at px (at least 6) and weight, opened on first use. Owned by ui's font slots:
 * valid until FONT_SLOTS other sizes have been asked for, or ui_fonts_close(). NULL when
 * the file cannot be opened (logged). */
TTF_Font *ui_font(ui_t *ui, int px, bool bold);

/* The height of one line of text at px, as the layout measures it. */
int ui_line_height(ui_t *ui, int px, bool bold);

/* Draws text (lines split at '\n') into box with the current renderer target; returns the
 * end x of the last line. Caches one texture per line in ui. */
int ui_draw_text(ui_t *ui, const char *text, SDL_Rect box, int px, bool bold, align_t align,
                 SDL_Color c);

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

/* A plain rectangle, drawn with the current blend mode. */
void ui_fill_rect(ui_t *ui, SDL_Rect r, SDL_Color c);

/* A rectangle with round corners (radius shrunk to fit; under 2: square). */
void ui_fill_round_rect(ui_t *ui, SDL_Rect r, int radius, SDL_Color c);

/* A round rectangle in fill inside a border bw wide in border (no border when bw is 0). */
void ui_fill_framed(ui_t *ui, SDL_Rect r, int bw, int radius, int inner_radius, SDL_Color border,
                    SDL_Color fill);

/* A disc centred on (cx, cy). */
void ui_fill_circle(ui_t *ui, float cx, float cy, float rad, SDL_Color c);

/* ---- input.c ---- */

/* Registers the wake-up event, opens the wake-up eventfd and, for video drivers that cannot
 * block, our handles of the input devices. Call once the video driver is known. */
void ui_input_open(ui_t *ui);

/* Closes what ui_input_open() opened. */
void ui_input_close(ui_t *ui);

#endif
