/* Which part of the frame a new view changes, and showing it. The frame texture keeps what the
 * last view drew; each widget's identity (everything that decides its pixels) and the pixels
 * it may touch are kept beside it. A view whose widgets are those of the last one, but for a
 * few, is drawn only inside the rectangles those few covered before and cover now (clipped
 * there: what lies under and over them is drawn again too, so the result is the same pixels
 * as a whole frame), and on the software renderer only those are copied to the window.
 * A view that changes nothing draws nothing. */
#include <string.h>

#include "ui/ui_internal.h"

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return s ? hash_bytes(h, s, strlen(s) + 1) : hash_bytes(h, "", 1) * 31u;
}

uint64_t ui_widget_hash(const widget_t *w, bool pressed)
{
    uint64_t h = 14695981039346656037u;
    int f[] = {(int)w->kind,     (int)w->style,
               (int)w->action,   w->r.x,
               w->r.y,           w->r.w,
               w->r.h,           w->tr.x,
               w->tr.y,          w->tr.w,
               w->tr.h,          w->px,
               w->bold,          (int)w->align,
               w->tr2.x,         w->tr2.y,
               w->tr2.w,         w->tr2.h,
               w->px2,           w->face_level,
               w->face_count,    w->ir.x,
               w->ir.y,          w->ir.w,
               w->ir.h,          w->checked,
               w->disabled,      w->dimmed,
               w->focused,       w->caret,
               w->ltr,           pressed,
               w->text2 != NULL, w->strokes != NULL};
    h = hash_bytes(h, f, sizeof f);
    h = hash_bytes(h, &w->fraction, sizeof w->fraction);
    h = hash_str(h, w->text);
    h = hash_str(h, w->text2);
    h = hash_str(h, w->qr);
    h = hash_str(h, w->icon);
    h = hash_str(h, w->lang);
    if (w->strokes)
        h = hash_bytes(h, w->strokes, sizeof *w->strokes);
    return h ? h : 1;
}

/* What decides every widget's pixels besides the widget itself. */
static uint64_t hash_global(const ui_t *ui, const view_t *v)
{
    uint64_t h = 14695981039346656037u;
    int f[] = {v->width, v->height, v->high_contrast, v->rtl, (int)v->overlay_start};
    h = hash_bytes(h, f, sizeof f);
    return hash_str(h, ui->lang);
}

static SDL_Rect grown(rect_t r, int m)
{
    return (SDL_Rect){r.x - m, r.y - m, r.w + 2 * m, r.h + 2 * m};
}

/* The rectangle a widget may paint: its own, and its focus ring around it when it has one;
 * a plain label's lines (clip_text() in draw.c clips them to its box with room for the glyphs
 * that reach past their lines); a field's text and a pad's strokes are not clipped: the whole
 * screen. */
static SDL_Rect widget_extent(const view_t *v, const widget_t *w)
{
    if (w->kind == W_FIELD || w->kind == W_PAD)
        return (SDL_Rect){0, 0, v->width, v->height};
    double u = (double)(v->width < v->height ? v->width : v->height) / 480.0;
    int ring = (int)(4 * u + 0.5) + (int)(3 * u + 0.5) + 1;
    SDL_Rect r = grown(w->r, w->focused ? ring : 0);
    if (w->kind == W_LABEL) {
        int pad = w->px / 3;
        SDL_Rect clip = grown(w->r, pad), lines = grown(w->tr, pad);
        bool framed = w->style == STYLE_NOTICE || w->style == STYLE_CODE;
        lines.x = clip.x; /* a line wider than its box is clipped to the widget's */
        lines.w = clip.w;
        SDL_Rect text;
        if (!SDL_IntersectRect(&clip, &lines, &text))
            text = (SDL_Rect){w->r.x, w->r.y, 0, 0};
        if (framed)
            SDL_UnionRect(&r, &clip, &r);
        else if (w->focused)
            SDL_UnionRect(&r, &text, &r);
        else
            r = text;
    }
    if (w->icon) {
        SDL_Rect ir = {w->ir.x, w->ir.y, w->ir.w, w->ir.h};
        SDL_UnionRect(&r, &ir, &r);
    }
    return r;
}

/* Adds r to the parts to draw, merged with those it overlaps (each part is drawn from the
 * ground up: an overlap would be drawn twice for nothing); past FRAME_RECTS parts, all become
 * one. */
static void add_part(ui_t *ui, SDL_Rect r)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    for (size_t i = 0; i < ui->n_parts;) {
        if (SDL_HasIntersection(&r, &ui->parts[i])) {
            SDL_UnionRect(&r, &ui->parts[i], &r);
            ui->parts[i] = ui->parts[--ui->n_parts]; /* and look again: r grew */
            i = 0;
        } else {
            i++;
        }
    }
    if (ui->n_parts == FRAME_RECTS) {
        for (size_t i = 1; i < ui->n_parts; i++)
            SDL_UnionRect(&ui->parts[0], &ui->parts[i], &ui->parts[0]);
        ui->n_parts = 1;
        SDL_UnionRect(&ui->parts[0], &r, &ui->parts[0]);
        return;
    }
    ui->parts[ui->n_parts++] = r;
}

frame_plan_t ui_frame_plan(ui_t *ui, const view_t *v, int pressed)
{
    size_t n = v->n < VIEW_MAX_WIDGETS ? v->n : VIEW_MAX_WIDGETS;
    uint64_t global = hash_global(ui, v);
    bool same = ui->shown_valid && ui->shown_n == n && ui->shown_global == global;
    SDL_Rect screen = {0, 0, ui->log_w, ui->log_h};
    ui->n_parts = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = ui_widget_hash(&v->w[i], (int)i == pressed);
        SDL_Rect e = widget_extent(v, &v->w[i]);
        if (same && h != ui->shown_hash[i]) {
            SDL_Rect both, part;
            SDL_UnionRect(&ui->shown_ext[i], &e, &both); /* where it was and where it is */
            if (SDL_IntersectRect(&both, &screen, &part))
                add_part(ui, part);
        }
        ui->shown_hash[i] = h;
        ui->shown_ext[i] = e;
    }
    ui->shown_n = n;
    ui->shown_global = global;
    ui->shown_valid = true;
    if (!same)
        return FRAME_WHOLE;
    return ui->n_parts ? FRAME_PART : FRAME_UNCHANGED;
}

void ui_frame_forget(ui_t *ui)
{
    ui->shown_valid = false;
}

/* The clip of the frame being drawn: r within the part drawn (r NULL: that part; none when
 * the frame is drawn whole). */
void ui_clip(ui_t *ui, const SDL_Rect *r)
{
    if (!r && !ui->part) {
        SDL_RenderSetClipRect(ui->ren, NULL);
        return;
    }
    SDL_Rect c = r ? *r : ui->damage;
    if (r && ui->part && !SDL_IntersectRect(r, &ui->damage, &c))
        c = (SDL_Rect){ui->damage.x, ui->damage.y, 0, 0}; /* nothing of r is drawn */
    if (c.w <= 0 || c.h <= 0)
        c = (SDL_Rect){-1, -1, 1, 1}; /* an empty clip: SDL takes w 0 as "no clip" */
    SDL_RenderSetClipRect(ui->ren, &c);
}

void ui_present(ui_t *ui)
{
    SDL_SetRenderTarget(ui->ren, NULL);
    if (!ui->frame) { /* drawn straight into the window's surface */
        SDL_RenderPresent(ui->ren);
        return;
    }
    SDL_Rect dst = {(ui->phys_w - ui->log_w) / 2, (ui->phys_h - ui->log_h) / 2, ui->log_w,
                    ui->log_h};
    SDL_SetTextureBlendMode(ui->frame, SDL_BLENDMODE_NONE);
    if (ui->rotation == 0 && ui->part && ui->software) {
        /* The window's surface keeps the last frame: only the parts drawn are copied. */
        for (size_t i = 0; i < ui->n_parts; i++) {
            SDL_Rect src = ui->parts[i];
            SDL_Rect to = {dst.x + src.x, dst.y + src.y, src.w, src.h};
            SDL_RenderCopy(ui->ren, ui->frame, &src, &to);
        }
    } else if (ui->rotation == 0) {
        SDL_RenderCopy(ui->ren, ui->frame, NULL, &dst); /* the fast path: a plain copy */
    } else {
        SDL_SetRenderDrawColor(ui->ren, 0, 0, 0, 255);
        SDL_RenderClear(ui->ren);
        SDL_RenderCopyEx(ui->ren, ui->frame, NULL, &dst, (double)ui->rotation, NULL, SDL_FLIP_NONE);
    }
    SDL_RenderPresent(ui->ren);
}

ui_frame_counts_t ui_frame_counts(const ui_t *ui)
{
    return ui->frame_counts;
}
