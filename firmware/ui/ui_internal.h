/* Internal to the SDL edge: the state behind ui_t, shared by ui.c (opening and closing),
 * text.c (fonts and text), shapes.c and draw.c (painting the view) and input.c (sleeping and
 * input). */
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

/* A feedback face of radius rad: level 0 (worst) to count - 1 (best), coloured and with a
 * mouth from frown to smile; eyes, mouth and outline in dark. */
void ui_draw_face(ui_t *ui, float cx, float cy, float rad, int level, int count, SDL_Color dark);

/* ---- input.c ---- */

/* Registers the wake-up event, opens the wake-up eventfd and, for video drivers that cannot
 * block, our handles of the input devices. Call once the video driver is known. */
void ui_input_open(ui_t *ui);

/* Closes what ui_input_open() opened. */
void ui_input_close(ui_t *ui);

#endif
