/* SDL2 edge: window or headless surface, fonts, drawing of the view model, input mapping,
 * rotation for panels mounted sideways, screenshots. Nothing else in the firmware sees SDL. */
#include "ui/ui.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/kerr.h"
#include "core/theme.h"

#define FONT_SLOTS 24
#define TEXT_SLOTS 384
#define INPUT_FDS 32

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
    char *text;
    SDL_Texture *tex;
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
};

/* ---- theme (core/theme.c: the colours and their contrast tests) ---- */

typedef struct {
    SDL_Color fill, border, text;
} sdl_paint_t;

static SDL_Color sdl(rgba_t c)
{
    return (SDL_Color){c.r, c.g, c.b, c.a};
}

/* The palette of the frame being drawn: the view says whether the resident asked for high
 * contrast; ui_draw() sets this before anything is painted. */
static bool high_contrast;

static SDL_Color color(color_t c)
{
    return sdl(theme_color(c, high_contrast));
}

static sdl_paint_t paint_of(const widget_t *w)
{
    paint_t p = theme_paint(w->style, high_contrast);
    return (sdl_paint_t){sdl(p.fill), sdl(p.border), sdl(p.text)};
}

/* ---- fonts and text ---- */

static const char *const default_fonts[][2] = {
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"},
    {"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
     "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"},
};

static TTF_Font *font_get(ui_t *ui, int px, bool bold)
{
    if (px < 6)
        px = 6;
    for (size_t i = 0; i < FONT_SLOTS; i++)
        if (ui->fonts[i].font && ui->fonts[i].px == px && ui->fonts[i].bold == bold)
            return ui->fonts[i].font;
    font_slot_t *s = &ui->fonts[ui->next_font];
    ui->next_font = (ui->next_font + 1) % FONT_SLOTS;
    if (s->font) {
        /* Cached texts were rendered from this font; they stay valid (textures). */
        TTF_CloseFont(s->font);
    }
    s->px = px;
    s->bold = bold;
    s->font = TTF_OpenFontIndex(bold ? ui->bold_path : ui->font_path, px, ui->face_index);
    if (!s->font)
        SDL_Log("kiosk: cannot open font %s at %d px: %s", bold ? ui->bold_path : ui->font_path, px,
                TTF_GetError());
    return s->font;
}

static int metric_width(void *user_data, int px, bool bold, const char *utf8, size_t len)
{
    ui_t *ui = user_data;
    TTF_Font *f = font_get(ui, px, bold);
    char buf[1024];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, utf8, len);
    buf[len] = '\0';
    int w = 0, h = 0;
    if (!f || TTF_SizeUTF8(f, buf, &w, &h) != 0)
        return (int)len * px / 2;
    return w;
}

static int metric_line_height(void *user_data, int px, bool bold)
{
    ui_t *ui = user_data;
    TTF_Font *f = font_get(ui, px, bold);
    /* Noto CJK's line skip is generous (1.45 em); 1.3 em reads well and saves room. */
    int skip = f ? TTF_FontLineSkip(f) : px * 3 / 2;
    int tight = px * 13 / 10;
    return skip < tight ? skip : tight;
}

static uint32_t hash_text(const char *s, int px, bool bold, SDL_Color c)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h = (h ^ (uint32_t)px) * 16777619u;
    h = (h ^ (uint32_t)bold) * 16777619u;
    h = (h ^ (uint32_t)(c.r << 16 | c.g << 8 | c.b)) * 16777619u;
    return h;
}

/* A texture of one line of text, cached; NULL for an empty line or on failure. */
static text_slot_t *text_get(ui_t *ui, const char *line, int px, bool bold, SDL_Color c)
{
    if (!*line)
        return NULL;
    uint32_t h = hash_text(line, px, bold, c);
    text_slot_t *s = &ui->texts[h % TEXT_SLOTS];
    if (s->tex && s->hash == h && s->px == px && s->bold == bold && strcmp(s->text, line) == 0 &&
        memcmp(&s->color, &c, sizeof c) == 0)
        return s;
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    free(s->text);
    memset(s, 0, sizeof *s);
    TTF_Font *f = font_get(ui, px, bold);
    if (!f)
        return NULL;
    SDL_Surface *surf = TTF_RenderUTF8_Blended(f, line, c);
    if (!surf)
        return NULL;
    s->tex = SDL_CreateTextureFromSurface(ui->ren, surf);
    s->w = surf->w;
    s->h = surf->h;
    SDL_FreeSurface(surf);
    s->text = strdup(line);
    if (!s->tex || !s->text) {
        if (s->tex)
            SDL_DestroyTexture(s->tex);
        free(s->text);
        memset(s, 0, sizeof *s);
        return NULL;
    }
    s->hash = h;
    s->px = px;
    s->bold = bold;
    s->color = c;
    return s;
}

/* Draws wrapped text (lines split at '\n') into box; returns the end x of the last line. */
static int draw_text(ui_t *ui, const char *text, SDL_Rect box, int px, bool bold, align_t align,
                     SDL_Color c)
{
    int lh = metric_line_height(ui, px, bold);
    int y = box.y;
    int end_x = box.x;
    char line[1024];
    for (const char *p = text; p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        text_slot_t *t = text_get(ui, line, px, bold, c);
        if (t) {
            int x = align == ALIGN_CENTER  ? box.x + (box.w - t->w) / 2
                    : align == ALIGN_RIGHT ? box.x + box.w - t->w
                                           : box.x;
            /* Centre the glyph box in the line box: Noto CJK's ascent is tall. */
            SDL_Rect dst = {x, y + (lh - t->h) / 2, t->w, t->h};
            SDL_RenderCopy(ui->ren, t->tex, NULL, &dst);
            end_x = x + t->w;
        } else {
            end_x = box.x;
        }
        y += lh;
        p = nl ? nl + 1 : NULL;
    }
    return end_x;
}

/* ---- shapes ---- */

/* A filled rectangle with round corners: three plain rectangles (fast in every renderer)
 * and four small quarter-disc fans. */
static void fill_round_rect(ui_t *ui, SDL_Rect r, int radius, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    SDL_SetRenderDrawBlendMode(ui->ren, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->ren, c.r, c.g, c.b, c.a);
    if (radius < 2) {
        SDL_RenderFillRect(ui->ren, &r);
        SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
        return;
    }
    SDL_Rect parts[3] = {
        {r.x + radius, r.y, r.w - 2 * radius, r.h},
        {r.x, r.y + radius, radius, r.h - 2 * radius},
        {r.x + r.w - radius, r.y + radius, radius, r.h - 2 * radius},
    };
    SDL_RenderFillRects(ui->ren, parts, 3);
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
    enum { SEG = 6 };
    SDL_Vertex v[4 * (SEG + 2)];
    int idx[4 * SEG * 3];
    const float corners[4][2] = {
        {(float)(r.x + r.w - radius), (float)(r.y + radius)},
        {(float)(r.x + radius), (float)(r.y + radius)},
        {(float)(r.x + radius), (float)(r.y + r.h - radius)},
        {(float)(r.x + r.w - radius), (float)(r.y + r.h - radius)},
    };
    int n = 0, ni = 0;
    for (int k = 0; k < 4; k++) {
        int centre = n;
        v[n++] = (SDL_Vertex){{corners[k][0], corners[k][1]}, c, {0, 0}};
        for (int s = 0; s <= SEG; s++) {
            double a = (k * 90.0 + s * 90.0 / SEG) * M_PI / 180.0;
            v[n++] = (SDL_Vertex){{corners[k][0] + (float)(radius * cos(a)),
                                   corners[k][1] - (float)(radius * sin(a))},
                                  c,
                                  {0, 0}};
            if (s > 0) {
                idx[ni++] = centre;
                idx[ni++] = n - 2;
                idx[ni++] = n - 1;
            }
        }
    }
    SDL_RenderGeometry(ui->ren, NULL, v, n, idx, ni);
}

static void fill_circle(ui_t *ui, float cx, float cy, float rad, SDL_Color c)
{
    enum { SEG = 40 };
    SDL_Vertex v[SEG + 1];
    int idx[SEG * 3];
    v[0] = (SDL_Vertex){{cx, cy}, c, {0, 0}};
    for (int i = 0; i < SEG; i++) {
        double a = i * 2.0 * M_PI / SEG;
        v[i + 1] = (SDL_Vertex){{cx + rad * (float)cos(a), cy + rad * (float)sin(a)}, c, {0, 0}};
        idx[i * 3] = 0;
        idx[i * 3 + 1] = i + 1;
        idx[i * 3 + 2] = i + 1 < SEG ? i + 2 : 1;
    }
    SDL_RenderGeometry(ui->ren, NULL, v, SEG + 1, idx, SEG * 3);
}

/* Face colours, worst to best; shapes (the mouth) and words carry the meaning too. */
static SDL_Color face_color(int level, int count)
{
    static const SDL_Color five[5] = {
        {0xd3, 0x2f, 0x2f, 255}, {0xf5, 0x7c, 0x00, 255}, {0xf9, 0xa8, 0x25, 255},
        {0x7c, 0xb3, 0x42, 255}, {0x2e, 0x7d, 0x32, 255},
    };
    static const SDL_Color four[4] = {
        {0xd3, 0x2f, 0x2f, 255},
        {0xf5, 0x7c, 0x00, 255},
        {0x7c, 0xb3, 0x42, 255},
        {0x2e, 0x7d, 0x32, 255},
    };
    if (count == 4)
        return four[level & 3];
    if (count == 3)
        return five[level * 2 > 4 ? 4 : level * 2];
    return five[level < 0 ? 0 : level > 4 ? 4 : level];
}

static void draw_face(ui_t *ui, float cx, float cy, float rad, int level, int count)
{
    SDL_Color dark = color(COLOR_FACE_DARK);
    fill_circle(ui, cx, cy, rad + 2.0f, dark);
    fill_circle(ui, cx, cy, rad, face_color(level, count));
    float er = rad * 0.11f;
    fill_circle(ui, cx - rad * 0.35f, cy - rad * 0.25f, er, dark);
    fill_circle(ui, cx + rad * 0.35f, cy - rad * 0.25f, er, dark);
    /* Mouth: a parabola from frown (worst) to broad smile (best), drawn thick. */
    double t = count > 1 ? (double)level / (count - 1) : 0.5; /* 0..1 */
    double curve = (t - 0.5) * 2.0;                           /* -1..1 */
    float th = rad * 0.075f;
    float mw = rad * 0.55f;
    float my = cy + rad * 0.38f;
    enum { N = 24 };
    SDL_FPoint pts[N + 1];
    for (int i = 0; i <= N; i++) {
        double s = -1.0 + 2.0 * i / N;
        pts[i].x = cx + (float)s * mw;
        pts[i].y = my - (float)((s * s - 0.5) * curve) * rad * 0.32f; /* y grows downwards */
    }
    /* One strip of quads along the curve, with round ends. */
    SDL_Vertex v[2 * (N + 1)];
    int idx[6 * N];
    for (int i = 0; i <= N; i++) {
        int a = i > 0 ? i - 1 : i, b = i < N ? i + 1 : i;
        float dx = pts[b].x - pts[a].x, dy = pts[b].y - pts[a].y;
        float len = sqrtf(dx * dx + dy * dy);
        float nx = len > 0 ? -dy / len * th : 0, ny = len > 0 ? dx / len * th : th;
        v[2 * i] = (SDL_Vertex){{pts[i].x + nx, pts[i].y + ny}, dark, {0, 0}};
        v[2 * i + 1] = (SDL_Vertex){{pts[i].x - nx, pts[i].y - ny}, dark, {0, 0}};
    }
    for (int i = 0; i < N; i++) {
        int k = 2 * i;
        int q[6] = {k, k + 1, k + 2, k + 1, k + 3, k + 2};
        memcpy(&idx[6 * i], q, sizeof q);
    }
    SDL_RenderGeometry(ui->ren, NULL, v, 2 * (N + 1), idx, 6 * N);
    fill_circle(ui, pts[0].x, pts[0].y, th, dark);
    fill_circle(ui, pts[N].x, pts[N].y, th, dark);
}

static SDL_Rect sdl_rect(rect_t r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

static void draw_widget(ui_t *ui, const widget_t *w, double u, bool pressed)
{
    sdl_paint_t p = paint_of(w);
    SDL_Rect r = sdl_rect(w->r);
    int radius = (int)(12 * u);
    int bw = w->style == STYLE_SECONDARY || w->style == STYLE_CODE || w->style == STYLE_CARD ||
                     w->style == STYLE_ALERT
                 ? (int)(3 * u + 0.5)
                 : 0;
    if (w->disabled) {
        p.fill = color(COLOR_BAR_TRACK);
        p.border = p.fill;
        p.text = color(COLOR_DISABLED_TEXT);
    }
    if (pressed) {
        p.fill.r = (Uint8)(p.fill.r * 3 / 4);
        p.fill.g = (Uint8)(p.fill.g * 3 / 4);
        p.fill.b = (Uint8)(p.fill.b * 3 / 4);
    }
    switch (w->kind) {
    case W_PANEL:
        if (w->style == STYLE_BACKDROP || w->style == STYLE_TOPBAR) {
            SDL_SetRenderDrawColor(ui->ren, p.fill.r, p.fill.g, p.fill.b, p.fill.a);
            SDL_RenderFillRect(ui->ren, &r);
        } else {
            if (bw)
                fill_round_rect(ui, r, radius, p.border);
            SDL_Rect in = {r.x + bw, r.y + bw, r.w - 2 * bw, r.h - 2 * bw};
            fill_round_rect(ui, in, radius - bw, p.fill);
        }
        break;
    case W_LABEL:
        if (w->style == STYLE_NOTICE || w->style == STYLE_CODE) {
            if (bw)
                fill_round_rect(ui, r, radius, p.border);
            SDL_Rect in = {r.x + bw, r.y + bw, r.w - 2 * bw, r.h - 2 * bw};
            fill_round_rect(ui, in, w->style == STYLE_NOTICE ? 0 : radius - bw, p.fill);
        }

        draw_text(ui, w->text, sdl_rect(w->tr), w->px, w->bold, w->align, p.text);
        break;
    case W_BUTTON:
    case W_FACE: {
        if (bw)
            fill_round_rect(ui, r, radius, p.border);
        SDL_Rect in = {r.x + bw, r.y + bw, r.w - 2 * bw, r.h - 2 * bw};
        fill_round_rect(ui, in, radius - bw, p.fill);
        if (w->kind == W_FACE) {
            float top = (float)r.y + 8.0f * (float)u;
            float bottom = (float)w->tr.y - 4.0f * (float)u;
            float rad = fminf((float)r.w * 0.36f, (bottom - top) / 2.0f);
            if (rad > 4.0f)
                draw_face(ui, (float)r.x + (float)r.w / 2.0f, (top + bottom) / 2.0f, rad,
                          w->face_level, w->face_count);
        }
        if (w->checked || (w->kind == W_BUTTON && w->align == ALIGN_LEFT &&
                           (w->action == ACT_CHOICE || w->action == ACT_LARGE_TEXT ||
                            w->action == ACT_HIGH_CONTRAST))) {
            /* Tick box: empty when not chosen, ticked when chosen (not colour alone). */
            int box = (int)(30 * u);
            SDL_Rect b = {r.x + (int)(12 * u), r.y + (r.h - box) / 2, box, box};
            fill_round_rect(ui, b, (int)(4 * u), p.text);
            SDL_Rect bi = {b.x + (int)(3 * u), b.y + (int)(3 * u), b.w - (int)(6 * u),
                           b.h - (int)(6 * u)};
            fill_round_rect(ui, bi, (int)(2 * u), p.fill);
            if (w->checked) {
                float x0 = (float)b.x + (float)box * 0.2f, y0 = (float)b.y + (float)box * 0.5f;
                for (int i = 0; i <= 10; i++) {
                    float t = (float)i / 10.0f;
                    fill_circle(ui, x0 + t * (float)box * 0.2f, y0 + t * (float)box * 0.25f,
                                (float)(2.5 * u), p.text);
                    fill_circle(ui, x0 + (float)box * 0.2f + t * (float)box * 0.4f,
                                y0 + (float)box * 0.25f - t * (float)box * 0.5f, (float)(2.5 * u),
                                p.text);
                }
            }
        }
        draw_text(ui, w->text, sdl_rect(w->tr), w->px, w->bold, w->align, p.text);
        if (w->text2)
            draw_text(ui, w->text2, sdl_rect(w->tr2), w->px2, false, w->align, p.text);
        break;
    }
    case W_FIELD: {
        int b = (int)(3 * u + 0.5);
        fill_round_rect(ui, r, (int)(8 * u), color(COLOR_PRIMARY));
        SDL_Rect in = {r.x + b, r.y + b, r.w - 2 * b, r.h - 2 * b};
        fill_round_rect(ui, in, (int)(8 * u) - b, color(COLOR_FIELD));
        bool placeholder = w->style == STYLE_MUTED;
        int end = draw_text(ui, w->text, sdl_rect(w->tr), w->px, false, w->align,
                            placeholder ? color(COLOR_MUTED) : color(COLOR_TEXT));
        if (w->caret) {
            int lh = metric_line_height(ui, w->px, false);
            int lines = 1;
            for (const char *q = w->text; *q; q++)
                lines += *q == '\n';
            int cy = placeholder ? w->tr.y : w->tr.y + (lines - 1) * lh;
            SDL_Rect caret = {placeholder ? w->tr.x - (int)(4 * u) : end + (int)(2 * u),
                              cy + lh / 8, (int)(3 * u + 0.5), lh * 3 / 4};
            SDL_Color c = color(COLOR_PRIMARY);
            SDL_SetRenderDrawColor(ui->ren, c.r, c.g, c.b, 255);
            SDL_RenderFillRect(ui->ren, &caret);
        }
        break;
    }
    case W_BAR: {
        fill_round_rect(ui, r, r.h / 2, color(COLOR_BAR_TRACK));
        SDL_Rect f = r;
        f.w = (int)(r.w * w->fraction);
        if (f.w > 0)
            fill_round_rect(ui, f, r.h / 2, color(COLOR_PRIMARY));
        break;
    }
    }
    if (w->focused) {
        /* The focus ring: a bright band inside a dark one, outside the target, so that one of
         * them stands out on any background (the light screen, the blue bar). */
        int inner = (int)(4 * u + 0.5), outer = (int)(3 * u + 0.5);
        SDL_Color bands[2] = {color(COLOR_FOCUS_INNER), color(COLOR_FOCUS_OUTER)};
        int from[2] = {0, inner}, to[2] = {inner, inner + outer};
        for (int band = 0; band < 2; band++) {
            SDL_SetRenderDrawColor(ui->ren, bands[band].r, bands[band].g, bands[band].b, 255);
            for (int i = from[band]; i < to[band]; i++) {
                SDL_Rect ri = {r.x - 1 - i, r.y - 1 - i, r.w + 2 + 2 * i, r.h + 2 + 2 * i};
                SDL_RenderDrawRect(ui->ren, &ri);
            }
        }
    }
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

/* Identity of what widgets [0, n) draw, to know when a cached layer is still right. */
static uint64_t hash_widgets(const view_t *v, size_t n, int pressed)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++) {
        const widget_t *w = &v->w[i];
        int f[] = {(int)w->kind,
                   (int)w->style,
                   w->r.x,
                   w->r.y,
                   w->r.w,
                   w->r.h,
                   w->tr.x,
                   w->tr.y,
                   w->px,
                   w->px2,
                   w->tr2.y,
                   w->face_level,
                   w->face_count,
                   (int)w->align,
                   w->checked,
                   w->disabled,
                   w->focused,
                   w->caret,
                   (int)i == pressed,
                   (int)(w->fraction * 10000)};
        h = hash_bytes(h, f, sizeof f);
        h = hash_bytes(h, &v->high_contrast, sizeof v->high_contrast);
        h = hash_bytes(h, w->text, strlen(w->text) + 1);
        if (w->text2)
            h = hash_bytes(h, w->text2, strlen(w->text2) + 1);
    }
    return h ? h : 1;
}

void ui_draw(ui_t *ui, const view_t *v, int pressed)
{
    double u = (double)(v->width < v->height ? v->width : v->height) / 480.0;
    high_contrast = v->high_contrast;
    size_t first = 0;
    if (v->overlay_start > 0 && v->overlay_start < v->n) {
        /* A prompt animates over a still screen: draw the screen and the backdrop once into
         * a layer, then only the prompt each frame. */
        size_t base_n = v->overlay_start + (v->w[v->overlay_start].style == STYLE_BACKDROP);
        uint64_t h = hash_widgets(v, base_n, pressed);
        if (!ui->base)
            ui->base = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_ARGB8888,
                                         SDL_TEXTUREACCESS_TARGET, ui->log_w, ui->log_h);
        if (ui->base && h != ui->base_hash) {
            SDL_SetRenderTarget(ui->ren, ui->base);
            SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
            SDL_Color bg = color(COLOR_BACKGROUND);
            SDL_SetRenderDrawColor(ui->ren, bg.r, bg.g, bg.b, 255);
            SDL_RenderClear(ui->ren);
            for (size_t i = 0; i < base_n; i++)
                draw_widget(ui, &v->w[i], u, (int)i == pressed);
            ui->base_hash = h;
        }
        if (ui->base) {
            SDL_SetRenderTarget(ui->ren, ui->frame);
            SDL_SetTextureBlendMode(ui->base, SDL_BLENDMODE_NONE);
            SDL_RenderCopy(ui->ren, ui->base, NULL, NULL);
            first = base_n;
        }
    }
    SDL_SetRenderTarget(ui->ren, ui->frame);
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
    if (first == 0) {
        SDL_Color bg = color(COLOR_BACKGROUND);
        SDL_SetRenderDrawColor(ui->ren, bg.r, bg.g, bg.b, 255);
        SDL_RenderClear(ui->ren);
    }
    for (size_t i = first; i < v->n; i++)
        draw_widget(ui, &v->w[i], u, (int)i == pressed);
    SDL_SetRenderTarget(ui->ren, NULL);
    SDL_Rect dst = {(ui->phys_w - ui->log_w) / 2, (ui->phys_h - ui->log_h) / 2, ui->log_w,
                    ui->log_h};
    SDL_SetTextureBlendMode(ui->frame, SDL_BLENDMODE_NONE);
    if (ui->rotation == 0) {
        SDL_RenderCopy(ui->ren, ui->frame, NULL, &dst); /* the fast path: a plain copy */
    } else {
        SDL_SetRenderDrawColor(ui->ren, 0, 0, 0, 255);
        SDL_RenderClear(ui->ren);
        SDL_RenderCopyEx(ui->ren, ui->frame, NULL, &dst, (double)ui->rotation, NULL, SDL_FLIP_NONE);
    }
    SDL_RenderPresent(ui->ren);
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

/* ---- coordinates ---- */

/* Window (panel) pixel to logical pixel, undoing the rotation. */
static void to_logical(const ui_t *ui, int px, int py, int *lx, int *ly)
{
    int ox = (ui->phys_w - (ui->rotation % 180 ? ui->log_h : ui->log_w)) / 2;
    int oy = (ui->phys_h - (ui->rotation % 180 ? ui->log_w : ui->log_h)) / 2;
    px -= ox;
    py -= oy;
    switch (ui->rotation) {
    case 90:
        *lx = py, *ly = ui->log_h - 1 - px;
        break;
    case 180:
        *lx = ui->log_w - 1 - px, *ly = ui->log_h - 1 - py;
        break;
    case 270:
        *lx = ui->log_w - 1 - py, *ly = px;
        break;
    default:
        *lx = px, *ly = py;
        break;
    }
}

static void to_physical(const ui_t *ui, int lx, int ly, int *px, int *py)
{
    int ox = (ui->phys_w - (ui->rotation % 180 ? ui->log_h : ui->log_w)) / 2;
    int oy = (ui->phys_h - (ui->rotation % 180 ? ui->log_w : ui->log_h)) / 2;
    switch (ui->rotation) {
    case 90:
        *px = ui->log_h - 1 - ly, *py = lx;
        break;
    case 180:
        *px = ui->log_w - 1 - lx, *py = ui->log_h - 1 - ly;
        break;
    case 270:
        *px = ly, *py = ui->log_w - 1 - lx;
        break;
    default:
        *px = lx, *py = ly;
        break;
    }
    *px += ox;
    *py += oy;
}

/* ---- sleeping ---- */

static void close_input_devices(ui_t *ui)
{
    for (size_t i = 0; i < ui->n_input; i++)
        close(ui->input_fds[i]);
    ui->n_input = 0;
}

/* Opens our own read handle of every input device: each open file of an evdev device gets
 * its own copy of the events, so reading ours to wake up takes nothing from SDL's. */
static void open_input_devices(ui_t *ui)
{
    close_input_devices(ui);
    if (ui->inotify_fd < 0) {
        ui->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ui->inotify_fd >= 0 && inotify_add_watch(ui->inotify_fd, "/dev/input",
                                                     IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
            close(ui->inotify_fd);
            ui->inotify_fd = -1;
        }
    }
    DIR *d = opendir("/dev/input");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && ui->n_input < INPUT_FDS) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0)
            ui->input_fds[ui->n_input++] = fd;
    }
    closedir(d);
}

static void drain(int fd)
{
    char buf[1024];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

/* Sleeps until input, a wake-up or the timeout (-1: none), without waking otherwise. */
static void sleep_until_input(ui_t *ui, int timeout_ms)
{
    struct pollfd p[INPUT_FDS + 2];
    nfds_t n = 0;
    p[n++] = (struct pollfd){.fd = ui->wake_fd, .events = POLLIN};
    if (ui->inotify_fd >= 0)
        p[n++] = (struct pollfd){.fd = ui->inotify_fd, .events = POLLIN};
    for (size_t i = 0; i < ui->n_input; i++)
        p[n++] = (struct pollfd){.fd = ui->input_fds[i], .events = POLLIN};
    if (poll(p, n, timeout_ms) <= 0)
        return;
    bool rescan = false;
    for (nfds_t i = 0; i < n; i++) {
        if (p[i].revents & (POLLERR | POLLHUP | POLLNVAL))
            rescan = true; /* an unplugged device */
        else if (p[i].revents & POLLIN) {
            if (p[i].fd == ui->inotify_fd)
                rescan = true;
            drain(p[i].fd);
        }
    }
    if (rescan)
        open_input_devices(ui);
}

/* ---- lifecycle ---- */

int ui_open(const ui_config_t *cfg, ui_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (cfg->rotation % 90 || cfg->rotation < 0 || cfg->rotation > 270) {
        snprintf(err, errlen, "rotation must be 0, 90, 180 or 270, not %d", cfg->rotation);
        return KIOSK_EINVAL;
    }
    ui_t *ui = calloc(1, sizeof *ui);
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return KIOSK_ENOMEM;
    }
    int rc = KIOSK_EIO;
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (cfg->headless && !getenv("SDL_VIDEODRIVER"))
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy"); /* software only: no GPU, no EGL */
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        snprintf(err, errlen, "cannot start SDL video: %s", SDL_GetError());
        goto fail_free;
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        goto fail_sdl;
    }
    snprintf(ui->driver, sizeof ui->driver, "%s", SDL_GetCurrentVideoDriver());
    /* Fonts: the given files, else the first installed default pair. */
    if (cfg->font) {
        snprintf(ui->font_path, sizeof ui->font_path, "%s", cfg->font);
        snprintf(ui->bold_path, sizeof ui->bold_path, "%s",
                 cfg->font_bold ? cfg->font_bold : cfg->font);
    } else {
        for (size_t i = 0; i < sizeof default_fonts / sizeof default_fonts[0]; i++) {
            FILE *f = fopen(default_fonts[i][0], "rb");
            if (!f)
                continue;
            fclose(f);
            snprintf(ui->font_path, sizeof ui->font_path, "%s", default_fonts[i][0]);
            snprintf(ui->bold_path, sizeof ui->bold_path, "%s", default_fonts[i][1]);
            break;
        }
    }
    /* Noto Sans CJK collections: face 2 is Simplified Chinese. */
    ui->face_index = strstr(ui->font_path, "CJK") && strstr(ui->font_path, ".ttc") ? 2 : 0;
    ui->metrics = (text_metrics_t){metric_width, metric_line_height, ui};
    ui->rotation = cfg->rotation;
    ui->phys_w = cfg->width;
    ui->phys_h = cfg->height;
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (cfg->fullscreen) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    }
    ui->win = SDL_CreateWindow("Community kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                               cfg->width, cfg->height, flags);
    if (!ui->win) {
        snprintf(err, errlen, "cannot open a %dx%d window (video driver %s): %s", cfg->width,
                 cfg->height, ui->driver, SDL_GetError());
        goto fail_ttf;
    }
    if (cfg->fullscreen)
        SDL_GetWindowSize(ui->win, &ui->phys_w, &ui->phys_h);
    ui->log_w = ui->rotation % 180 ? ui->phys_h : ui->phys_w;
    ui->log_h = ui->rotation % 180 ? ui->phys_w : ui->phys_h;
    Uint32 rflags = SDL_RENDERER_TARGETTEXTURE |
                    (cfg->headless ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_PRESENTVSYNC);
    ui->ren = SDL_CreateRenderer(ui->win, -1, rflags);
    if (!ui->ren && !cfg->headless)
        ui->ren = SDL_CreateRenderer(ui->win, -1, SDL_RENDERER_TARGETTEXTURE);
    if (!ui->ren) {
        snprintf(err, errlen, "cannot create a renderer: %s", SDL_GetError());
        goto fail_win;
    }
    ui->frame = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                  ui->log_w, ui->log_h);
    if (!ui->frame) {
        snprintf(err, errlen, "cannot create a %dx%d frame texture: %s", ui->log_w, ui->log_h,
                 SDL_GetError());
        goto fail_ren;
    }
    if (!font_get(ui, 24, false) || !font_get(ui, 24, true)) {
        snprintf(err, errlen, "cannot open fonts %s / %s (install fonts-noto-cjk or pass --font)",
                 ui->font_path[0] ? ui->font_path : "(none found)", ui->bold_path);
        rc = KIOSK_ENOENT;
        goto fail_tex;
    }
    ui->wake_event = SDL_RegisterEvents(1);
    ui->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ui->inotify_fd = -1;
    /* X11 and Wayland block in SDL_WaitEventTimeout; the others would poll every 1 ms. */
    ui->own_wait =
        strcmp(ui->driver, "x11") != 0 && strcmp(ui->driver, "wayland") != 0 && ui->wake_fd >= 0;
    if (ui->own_wait)
        open_input_devices(ui);
    SDL_StartTextInput();
    SDL_ShowCursor(cfg->fullscreen ? SDL_DISABLE : SDL_ENABLE);
    *out = ui;
    return KIOSK_OK;
fail_tex:
    SDL_DestroyTexture(ui->frame);
fail_ren:
    SDL_DestroyRenderer(ui->ren);
fail_win:
    SDL_DestroyWindow(ui->win);
fail_ttf:
    for (size_t i = 0; i < FONT_SLOTS; i++)
        if (ui->fonts[i].font)
            TTF_CloseFont(ui->fonts[i].font);
    TTF_Quit();
fail_sdl:
    SDL_Quit();
fail_free:
    free(ui);
    return rc;
}

void ui_close(ui_t *ui)
{
    if (!ui)
        return;
    close_input_devices(ui);
    if (ui->inotify_fd >= 0)
        close(ui->inotify_fd);
    if (ui->wake_fd >= 0)
        close(ui->wake_fd);
    for (size_t i = 0; i < TEXT_SLOTS; i++) {
        if (ui->texts[i].tex)
            SDL_DestroyTexture(ui->texts[i].tex);
        free(ui->texts[i].text);
    }
    for (size_t i = 0; i < FONT_SLOTS; i++)
        if (ui->fonts[i].font)
            TTF_CloseFont(ui->fonts[i].font);
    if (ui->base)
        SDL_DestroyTexture(ui->base);
    SDL_DestroyTexture(ui->frame);
    SDL_DestroyRenderer(ui->ren);
    SDL_DestroyWindow(ui->win);
    TTF_Quit();
    SDL_Quit();
    free(ui);
}

void ui_logical_size(const ui_t *ui, int *w, int *h)
{
    *w = ui->log_w;
    *h = ui->log_h;
}

const text_metrics_t *ui_metrics(ui_t *ui)
{
    return &ui->metrics;
}

void ui_versions(char *buf, size_t len)
{
    SDL_version sdl;
    SDL_GetVersion(&sdl);
    const SDL_version *ttf = TTF_Linked_Version();
    snprintf(buf, len, "SDL %d.%d.%d · SDL_ttf %d.%d.%d", sdl.major, sdl.minor, sdl.patch,
             ttf->major, ttf->minor, ttf->patch);
}

const char *ui_driver(const ui_t *ui)
{
    return ui->driver;
}

/* ---- input ---- */

static void map_key(const SDL_KeyboardEvent *k, ui_event_t *ev)
{
    SDL_Keycode sym = k->keysym.sym;
    bool shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (sym) {
    case SDLK_TAB:
        ev->kind = UI_EV_NAV, ev->nav = shift ? NAV_PREV : NAV_NEXT;
        return;
    case SDLK_RIGHT:
    case SDLK_DOWN:
        ev->kind = UI_EV_NAV, ev->nav = NAV_NEXT;
        return;
    case SDLK_LEFT:
    case SDLK_UP:
        ev->kind = UI_EV_NAV, ev->nav = NAV_PREV;
        return;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        ev->kind = UI_EV_NAV, ev->nav = NAV_SELECT;
        return;
    case SDLK_ESCAPE:
        ev->kind = UI_EV_NAV, ev->nav = NAV_BACK;
        return;
    case SDLK_HOME:
        ev->kind = UI_EV_NAV, ev->nav = NAV_HOME;
        return;
    case SDLK_BACKSPACE:
        ev->kind = UI_EV_BACKSPACE;
        return;
    case SDLK_F2:
        ev->kind = UI_EV_LANG;
        return;
    case SDLK_F12:
        ev->kind = UI_EV_STAFF;
        return;
    default:
        break;
    }
    if (sym >= SDLK_1 && sym <= SDLK_5) {
        /* Face keys; on a text screen the same key also arrives as text. */
        ev->kind = UI_EV_FACE;
        ev->face = (int)(sym - SDLK_1);
    } else if (sym >= SDLK_F5 && sym <= SDLK_F9) {
        ev->kind = UI_EV_FACE;
        ev->face = (int)(sym - SDLK_F5);
    }
}

bool ui_wait_event(ui_t *ui, int timeout_ms, ui_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    SDL_Event e;
    int got;
    if (ui->own_wait) {
        got = SDL_PollEvent(&e);
        if (!got && timeout_ms != 0) {
            sleep_until_input(ui, timeout_ms);
            got = SDL_PollEvent(&e);
        }
    } else {
        got = timeout_ms < 0    ? SDL_WaitEvent(&e)
              : timeout_ms == 0 ? SDL_PollEvent(&e)
                                : SDL_WaitEventTimeout(&e, timeout_ms);
    }
    if (!got)
        return false;
    switch (e.type) {
    case SDL_QUIT:
        ev->kind = UI_EV_QUIT;
        break;
    case SDL_WINDOWEVENT:
        if (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
            e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            ev->kind = UI_EV_REDRAW;
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e.button.button != SDL_BUTTON_LEFT)
            break;
        ev->kind = e.type == SDL_MOUSEBUTTONDOWN ? UI_EV_PRESS : UI_EV_RELEASE;
        to_logical(ui, e.button.x, e.button.y, &ev->x, &ev->y);
        break;
    case SDL_MOUSEMOTION:
        if (!(e.motion.state & SDL_BUTTON_LMASK) || e.motion.which == SDL_TOUCH_MOUSEID)
            break;
        ev->kind = UI_EV_MOTION;
        to_logical(ui, e.motion.x, e.motion.y, &ev->x, &ev->y);
        break;
    case SDL_FINGERMOTION:
        ev->kind = UI_EV_MOTION;
        to_logical(ui, (int)(e.tfinger.x * (float)ui->phys_w),
                   (int)(e.tfinger.y * (float)ui->phys_h), &ev->x, &ev->y);
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        ev->kind = e.type == SDL_FINGERDOWN ? UI_EV_PRESS : UI_EV_RELEASE;
        to_logical(ui, (int)(e.tfinger.x * (float)ui->phys_w),
                   (int)(e.tfinger.y * (float)ui->phys_h), &ev->x, &ev->y);
        break;
    case SDL_KEYDOWN:
        map_key(&e.key, ev);
        break;
    case SDL_TEXTINPUT:
        ev->kind = UI_EV_TEXT;
        snprintf(ev->text, sizeof ev->text, "%s", e.text.text);
        break;
    default:
        if (e.type == ui->wake_event)
            ev->kind = UI_EV_WAKE;
        break;
    }
    return true;
}

void ui_wake(ui_t *ui)
{
    SDL_Event e = {.type = ui->wake_event};
    SDL_PushEvent(&e);
    if (ui->wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(ui->wake_fd, &one, sizeof one);
        (void)n; /* a full counter already wakes the loop */
    }
}

/* Pushes a left-button event at logical (x, y): down, up, or a move with the button held. */
static void push_mouse(ui_t *ui, Uint32 type, int x, int y)
{
    int px, py;
    to_physical(ui, x, y, &px, &py);
    SDL_Event e = {.type = type};
    if (type == SDL_MOUSEMOTION) {
        e.motion.state = SDL_BUTTON_LMASK;
        e.motion.x = px;
        e.motion.y = py;
        e.motion.windowID = SDL_GetWindowID(ui->win);
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.x = px;
        e.button.y = py;
        e.button.windowID = SDL_GetWindowID(ui->win);
    }
    SDL_PushEvent(&e);
}

void ui_inject_tap(ui_t *ui, int x, int y)
{
    push_mouse(ui, SDL_MOUSEBUTTONDOWN, x, y);
    push_mouse(ui, SDL_MOUSEBUTTONUP, x, y);
}

void ui_inject_drag(ui_t *ui, int x1, int y1, int x2, int y2, int steps)
{
    if (steps < 1)
        steps = 1;
    push_mouse(ui, SDL_MOUSEBUTTONDOWN, x1, y1);
    for (int i = 1; i <= steps; i++)
        push_mouse(ui, SDL_MOUSEMOTION, x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps);
    push_mouse(ui, SDL_MOUSEBUTTONUP, x2, y2);
}

bool ui_inject_key(ui_t *ui, const char *name)
{
    SDL_Keycode k = SDL_GetKeyFromName(name);
    if (k == SDLK_UNKNOWN)
        return false;
    SDL_Event e = {.type = SDL_KEYDOWN};
    e.key.keysym.sym = k;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
    e.key.state = SDL_PRESSED;
    e.key.windowID = SDL_GetWindowID(ui->win);
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
    return true;
}

void ui_inject_text(ui_t *ui, const char *utf8)
{
    /* SDL text events carry at most 31 bytes: split on character boundaries. */
    size_t len = strlen(utf8);
    size_t o = 0;
    while (o < len) {
        size_t n = len - o < 31 ? len - o : 31;
        while (n > 0 && o + n < len && ((unsigned char)utf8[o + n] & 0xc0) == 0x80)
            n--;
        if (n == 0)
            n = 1;
        SDL_Event e = {.type = SDL_TEXTINPUT};
        memcpy(e.text.text, utf8 + o, n);
        e.text.text[n] = '\0';
        e.text.windowID = SDL_GetWindowID(ui->win);
        SDL_PushEvent(&e);
        o += n;
    }
}
