/* Painting for the SDL edge: the theme's colours, each kind of widget (its shapes from shapes.c,
 * its faces and icons from icons.c), the frame of a view (rotated to the panel) and screenshots
 * of it. */
#include <math.h>
#include <qrencode.h>
#include <string.h>

#include "core/kerr.h"
#include "core/theme.h"
#include "ui/ui_internal.h"

/* ---- theme (core/theme.c: the colours and their contrast tests) ---- */

typedef struct {
    SDL_Color fill, border, text;
} sdl_paint_t;

static SDL_Color sdl(rgba_t c)
{
    return (SDL_Color){c.r, c.g, c.b, c.a};
}

static SDL_Color color(const ui_t *ui, color_t c)
{
    return sdl(theme_color(c, ui->high_contrast));
}

static bool same_color(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* The colours of a widget as drawn: greyed when disabled, darker while pressed. */
static sdl_paint_t widget_paint(const ui_t *ui, const widget_t *w, bool pressed)
{
    paint_t t = theme_paint(w->style, ui->high_contrast);
    sdl_paint_t p = {sdl(t.fill), sdl(t.border), sdl(t.text)};
    if (w->disabled || w->dimmed) {
        p.fill = color(ui, COLOR_BAR_TRACK);
        p.border = p.fill;
        p.text = color(ui, COLOR_DISABLED_TEXT);
    }
    if (pressed) {
        bool edged = !same_color(p.border, p.fill);
        p.fill.r = (Uint8)(p.fill.r * 3 / 4);
        p.fill.g = (Uint8)(p.fill.g * 3 / 4);
        p.fill.b = (Uint8)(p.fill.b * 3 / 4);
        if (!edged)
            p.border = p.fill;
    }
    return p;
}

/* ---- widgets ---- */

static SDL_Rect sdl_rect(rect_t r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

/* The edge of a widget whose theme gives it one (a border unlike its fill): what makes a white
 * key or choice stand out from the ground at 3:1 (WCAG 1.4.11). Keys, smaller, get a thinner
 * one. */
static int border_width(const widget_t *w, sdl_paint_t p, double u)
{
    if (same_color(p.border, p.fill))
        return 0;
    return w->style == STYLE_KEY ? (int)(2 * u + 0.5) : (int)(3 * u + 0.5);
}

static void draw_panel(ui_t *ui, const widget_t *w, sdl_paint_t p, double u)
{
    SDL_Rect r = sdl_rect(w->r);
    if (w->style == STYLE_BACKDROP || w->style == STYLE_TOPBAR) {
        ui_fill_rect(ui, r, p.fill);
    } else if (w->style == STYLE_KEY) { /* a stripe of a staff table, not a key */
        ui_fill_round_rect(ui, r, (int)(12 * u), color(ui, COLOR_STRIPE));
    } else {
        int radius = (int)(12 * u), bw = border_width(w, p, u);
        ui_fill_framed(ui, r, bw, radius, radius - bw, p.border, p.fill);
    }
}

/* A button's words are clipped to the button and a label's to its own box (with room for
 * the glyphs that reach above and below their lines): a text the layout could not fit is
 * never drawn over its neighbours. */
static void clip_text(ui_t *ui, const widget_t *w)
{
    SDL_Rect r = sdl_rect(w->r);
    if (w->kind == W_LABEL) {
        int pad = w->px / 3;
        r = (SDL_Rect){r.x - pad, r.y - pad, r.w + 2 * pad, r.h + 2 * pad};
    }
    ui_clip(ui, &r);
}

static void draw_label(ui_t *ui, const widget_t *w, sdl_paint_t p, double u)
{
    if (w->style == STYLE_NOTICE || w->style == STYLE_CODE) {
        int radius = (int)(12 * u), bw = border_width(w, p, u);
        ui_fill_framed(ui, sdl_rect(w->r), bw, radius, w->style == STYLE_NOTICE ? 0 : radius - bw,
                       p.border, p.fill);
    }
    clip_text(ui, w);
    ui_draw_text_in(ui, w->lang, w->text, sdl_rect(w->tr), w->px, w->bold, w->align, p.text,
                    w->ltr);
    ui_clip(ui, NULL);
}

/* A face button's face, between the top of the button and its words. */
static void draw_button_face(ui_t *ui, const widget_t *w, double u)
{
    SDL_Rect r = sdl_rect(w->r);
    float top = (float)r.y + 8.0f * (float)u;
    float bottom = (float)w->tr.y - 4.0f * (float)u;
    int side = (int)fminf((float)r.w * 0.72f, bottom - top);
    if (side > 8)
        ui_draw_face(
            ui,
            (SDL_Rect){r.x + (r.w - side) / 2, (int)((top + bottom) / 2.0f) - side / 2, side, side},
            w->face_level, w->face_count, color(ui, COLOR_FACE_DARK));
}

static bool has_tick_box(const widget_t *w)
{
    return w->checked || (w->kind == W_BUTTON && w->align != ALIGN_CENTER &&
                          (w->action == ACT_CHOICE || w->action == ACT_LARGE_TEXT ||
                           w->action == ACT_HIGH_CONTRAST));
}

/* Tick box: empty when not chosen, ticked when chosen (not colour alone). It goes on the side
 * the layout left room on: the left, or the right in a mirrored (right-to-left) view. */
static void draw_tick_box(ui_t *ui, const widget_t *w, sdl_paint_t p, double u)
{
    SDL_Rect r = sdl_rect(w->r);
    int box = (int)(30 * u);
    bool right = w->r.x + w->r.w - (w->tr.x + w->tr.w) > w->tr.x - w->r.x;
    SDL_Rect b = {right ? r.x + r.w - (int)(12 * u) - box : r.x + (int)(12 * u),
                  r.y + (r.h - box) / 2, box, box};
    ui_fill_round_rect(ui, b, (int)(4 * u), p.text);
    SDL_Rect bi = {b.x + (int)(3 * u), b.y + (int)(3 * u), b.w - (int)(6 * u), b.h - (int)(6 * u)};
    ui_fill_round_rect(ui, bi, (int)(2 * u), p.fill);
    if (!w->checked)
        return;
    float x0 = (float)b.x + (float)box * 0.2f, y0 = (float)b.y + (float)box * 0.5f;
    for (int i = 0; i <= 10; i++) {
        float t = (float)i / 10.0f;
        ui_fill_circle(ui, x0 + t * (float)box * 0.2f, y0 + t * (float)box * 0.25f,
                       (float)(2.5 * u), p.text);
        ui_fill_circle(ui, x0 + (float)box * 0.2f + t * (float)box * 0.4f,
                       y0 + (float)box * 0.25f - t * (float)box * 0.5f, (float)(2.5 * u), p.text);
    }
}

/* A button or a face button: its frame, face, tick box and words. */
static void draw_button(ui_t *ui, const widget_t *w, sdl_paint_t p, double u)
{
    int radius = (int)(12 * u), bw = border_width(w, p, u);
    ui_fill_framed(ui, sdl_rect(w->r), bw, radius, radius - bw, p.border, p.fill);
    if (w->kind == W_FACE)
        draw_button_face(ui, w, u);
    if (w->icon)
        ui_draw_icon(ui, w->icon, sdl_rect(w->ir), p.text);
    if (has_tick_box(w))
        draw_tick_box(ui, w, p, u);
    clip_text(ui, w);
    ui_draw_text_in(ui, w->lang, w->text, sdl_rect(w->tr), w->px, w->bold, w->align, p.text,
                    w->ltr);
    if (w->text2)
        ui_draw_text_in(ui, w->lang, w->text2, sdl_rect(w->tr2), w->px2, false, w->align, p.text,
                        w->ltr);
    ui_clip(ui, NULL);
}

/* A text field: its frame, the text or the placeholder, and the caret after the text (before
 * the placeholder). */
static void draw_field(ui_t *ui, const widget_t *w, double u)
{
    SDL_Rect r = sdl_rect(w->r);
    int b = (int)(3 * u + 0.5);
    ui_fill_framed(ui, r, b, (int)(8 * u), (int)(8 * u) - b, color(ui, COLOR_PRIMARY),
                   color(ui, COLOR_FIELD));
    bool placeholder = w->style == STYLE_MUTED;
    int end = ui_draw_text(ui, w->text, sdl_rect(w->tr), w->px, false, w->align,
                           placeholder ? color(ui, COLOR_MUTED) : color(ui, COLOR_TEXT), w->ltr);
    if (!w->caret)
        return;
    int lh = ui_line_height(ui, w->px, false);
    int lines = 1;
    for (const char *q = w->text; *q; q++)
        lines += *q == '\n';
    int cy = placeholder ? w->tr.y : w->tr.y + (lines - 1) * lh;
    int cw = (int)(3 * u + 0.5);
    /* In a right-to-left field the text starts at the right and ends at its left edge. */
    int cx = ui->frame_rtl && !w->ltr
                 ? (placeholder ? w->tr.x + w->tr.w + (int)(4 * u) - cw : end - (int)(2 * u) - cw)
                 : (placeholder ? w->tr.x - (int)(4 * u) : end + (int)(2 * u));
    SDL_Rect caret = {cx, cy + lh / 8, cw, lh * 3 / 4};
    SDL_Color c = color(ui, COLOR_PRIMARY);
    c.a = 255;
    ui_fill_rect(ui, caret, c);
}

/* A QR code of w->qr (libqrencode, error correction M: a smudged screen still scans), black
 * modules on white in both palettes (cameras read dark on light), with the four-module quiet
 * zone the standard asks for, in whole pixels per module, centred in the widget. Nothing is
 * drawn when the text does not encode (out of memory, too long). */
static void draw_qr(ui_t *ui, const widget_t *w)
{
    QRcode *qr = w->qr ? QRcode_encodeString(w->qr, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
    if (!qr)
        return;
    int side = w->r.w < w->r.h ? w->r.w : w->r.h;
    int mod = side / (qr->width + 8);
    if (mod > 0) {
        int full = mod * (qr->width + 8);
        SDL_Rect bg = {w->r.x + (w->r.w - full) / 2, w->r.y + (w->r.h - full) / 2, full, full};
        SDL_SetRenderDrawColor(ui->ren, 255, 255, 255, 255);
        SDL_RenderFillRect(ui->ren, &bg);
        SDL_SetRenderDrawColor(ui->ren, 0, 0, 0, 255);
        for (int y = 0; y < qr->width; y++)
            for (int x = 0; x < qr->width; x++)
                if (qr->data[y * qr->width + x] & 1) {
                    SDL_Rect m = {bg.x + (x + 4) * mod, bg.y + (y + 4) * mod, mod, mod};
                    SDL_RenderFillRect(ui->ren, &m);
                }
    }
    QRcode_free(qr);
}

/* The writing pad: a framed box with a faint cross to centre the character on, the hint while
 * empty, and the strokes as round-capped lines scaled from the pad's own units. */
static void draw_pad(ui_t *ui, const widget_t *w, double u)
{
    SDL_Rect r = sdl_rect(w->r);
    int b = (int)(3 * u + 0.5);
    ui_fill_framed(ui, r, b, (int)(8 * u), (int)(8 * u) - b, color(ui, COLOR_PRIMARY),
                   color(ui, COLOR_FIELD));
    SDL_Color guide = color(ui, COLOR_BAR_TRACK);
    int t = (int)(2 * u + 0.5);
    ui_fill_rect(ui, (SDL_Rect){r.x + r.w / 2 - t / 2, r.y + b, t, r.h - 2 * b}, guide);
    ui_fill_rect(ui, (SDL_Rect){r.x + b, r.y + r.h / 2 - t / 2, r.w - 2 * b, t}, guide);
    const ime_strokes_t *s = w->strokes;
    if (!s || s->size <= 0)
        return;
    SDL_Color ink = color(ui, COLOR_TEXT);
    float scale = (float)r.w / (float)s->size, rad = (float)(5 * u);
    size_t from = 0;
    for (size_t k = 0; k < s->nstrokes; k++) {
        size_t to = s->stroke_end[k];
        for (size_t i = from; i < to; i++) {
            float x0 = (float)r.x + (float)s->x[i] * scale,
                  y0 = (float)r.y + (float)s->y[i] * scale;
            float x1 = i + 1 < to ? (float)r.x + (float)s->x[i + 1] * scale : x0;
            float y1 = i + 1 < to ? (float)r.y + (float)s->y[i + 1] * scale : y0;
            float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
            int steps = (int)(len / (rad * 0.5f)) + 1;
            for (int j = 0; j <= steps; j++)
                ui_fill_circle(ui, x0 + dx * (float)j / (float)steps,
                               y0 + dy * (float)j / (float)steps, rad, ink);
        }
        from = to;
    }
}

/* A progress bar, filled from the start of the reading direction. */
static void draw_bar(ui_t *ui, const widget_t *w)
{
    SDL_Rect r = sdl_rect(w->r);
    ui_fill_round_rect(ui, r, r.h / 2, color(ui, COLOR_BAR_TRACK));
    SDL_Rect f = r;
    f.w = (int)(r.w * w->fraction);
    if (ui->frame_rtl) /* a right-to-left language fills from the right */
        f.x = r.x + r.w - f.w;
    if (f.w > 0)
        ui_fill_round_rect(ui, f, r.h / 2, color(ui, COLOR_PRIMARY));
}

/* The focus ring: a bright band inside a dark one, outside the target, so that one of them
 * stands out on any background (the light screen, the blue bar). */
static void draw_focus_ring(ui_t *ui, SDL_Rect r, double u)
{
    int inner = (int)(4 * u + 0.5), outer = (int)(3 * u + 0.5);
    SDL_Color bands[2] = {color(ui, COLOR_FOCUS_INNER), color(ui, COLOR_FOCUS_OUTER)};
    int from[2] = {0, inner}, to[2] = {inner, inner + outer};
    for (int band = 0; band < 2; band++) {
        SDL_SetRenderDrawColor(ui->ren, bands[band].r, bands[band].g, bands[band].b, 255);
        for (int i = from[band]; i < to[band]; i++) {
            SDL_Rect ri = {r.x - 1 - i, r.y - 1 - i, r.w + 2 + 2 * i, r.h + 2 + 2 * i};
            SDL_RenderDrawRect(ui->ren, &ri);
        }
    }
}

static void draw_widget(ui_t *ui, const widget_t *w, double u, bool pressed)
{
    sdl_paint_t p = widget_paint(ui, w, pressed);
    switch (w->kind) {
    case W_PANEL:
        draw_panel(ui, w, p, u);
        break;
    case W_LABEL:
        draw_label(ui, w, p, u);
        break;
    case W_BUTTON:
    case W_FACE:
        draw_button(ui, w, p, u);
        break;
    case W_FIELD:
        draw_field(ui, w, u);
        break;
    case W_BAR:
        draw_bar(ui, w);
        break;
    case W_PAD:
        draw_pad(ui, w, u);
        break;
    case W_QR:
        draw_qr(ui, w);
        break;
    }
    if (w->focused)
        draw_focus_ring(ui, sdl_rect(w->r), u);
}

/* ---- frames ---- */

/* Draws widgets [from, to) of the view on the current target; in a part of the frame, only
 * those that reach into it. */
static void draw_widgets(ui_t *ui, const view_t *v, size_t from, size_t to, int pressed)
{
    double u = (double)(v->width < v->height ? v->width : v->height) / 480.0;
    for (size_t i = from; i < to; i++) {
        if (ui->part && !SDL_HasIntersection(&ui->shown_ext[i], &ui->damage))
            continue;
        draw_widget(ui, &v->w[i], u, (int)i == pressed);
    }
}

/* The ground under everything: the whole target, or the part being drawn. */
static void clear_to_background(ui_t *ui)
{
    SDL_Color bg = color(ui, COLOR_BACKGROUND);
    SDL_SetRenderDrawColor(ui->ren, bg.r, bg.g, bg.b, 255);
    if (!ui->part) {
        SDL_RenderClear(ui->ren);
        return;
    }
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_NONE);
    SDL_RenderFillRect(ui->ren, &ui->damage);
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
}

/* A prompt animates over a still screen: draws the screen and the backdrop once into a
 * layer, then copies the layer (or the part being drawn) to the frame. Returns how many
 * widgets the layer holds (0 when there is no prompt or no layer). */
static size_t draw_base_layer(ui_t *ui, const view_t *v, int pressed)
{
    if (v->overlay_start == 0 || v->overlay_start >= v->n)
        return 0;
    size_t base_n = v->overlay_start + (v->w[v->overlay_start].style == STYLE_BACKDROP);
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < base_n; i++) /* ui_frame_plan() hashed them */
        h = (h ^ ui->shown_hash[i]) * 1099511628211u;
    h = h ? h : 1;
    if (!ui->base)
        ui->base = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                     ui->log_w, ui->log_h);
    if (!ui->base)
        return 0;
    if (h != ui->base_hash) {
        bool part = ui->part;
        ui->part = false; /* the layer is drawn whole */
        SDL_SetRenderTarget(ui->ren, ui->base);
        ui_clip(ui, NULL);
        SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
        clear_to_background(ui);
        draw_widgets(ui, v, 0, base_n, pressed);
        ui->base_hash = h;
        ui->part = part;
    }
    SDL_SetRenderTarget(ui->ren, ui->frame);
    ui_clip(ui, NULL);
    SDL_SetTextureBlendMode(ui->base, SDL_BLENDMODE_NONE);
    SDL_RenderCopy(ui->ren, ui->base, NULL, NULL);
    return base_n;
}

void ui_draw(ui_t *ui, const view_t *v, int pressed)
{
    ui->high_contrast = v->high_contrast;
    ui->frame_rtl = v->rtl;
    frame_plan_t plan = ui_frame_plan(ui, v, pressed);
    if (plan == FRAME_UNCHANGED) {
        ui->frame_counts.unchanged++;
        return; /* the frame and the window show it already */
    }
    ui->part = plan == FRAME_PART;
    ui->frame_counts.whole += !ui->part;
    ui->frame_counts.part += ui->part;
    size_t n = ui->part ? ui->n_parts : 1;
    for (size_t k = 0; k < n; k++) { /* each part from the ground up, clipped to it */
        ui->damage = ui->part ? ui->parts[k] : (SDL_Rect){0, 0, ui->log_w, ui->log_h};
        size_t first = draw_base_layer(ui, v, pressed);
        SDL_SetRenderTarget(ui->ren, ui->frame);
        ui_clip(ui, NULL);
        SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
        if (first == 0)
            clear_to_background(ui);
        draw_widgets(ui, v, first, v->n, pressed);
    }
    ui_present(ui);
    ui->part = false;
}

int ui_screenshot(ui_t *ui, const char *path)
{
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, ui->log_w, ui->log_h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return KIOSK_ENOMEM;
    SDL_SetRenderTarget(ui->ren, ui->frame);
    int rc = SDL_RenderReadPixels(ui->ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    SDL_SetRenderTarget(ui->ren, NULL);
    if (rc == 0)
        rc = SDL_SaveBMP(s, path);
    if (rc != 0)
        SDL_Log("kiosk: cannot save screenshot %s: %s", path, SDL_GetError());
    SDL_FreeSurface(s);
    return rc == 0 ? KIOSK_OK : KIOSK_EIO;
}
