/* Layout: turns the flow's state into the view model for any screen size. Sizes scale with
 * the shorter screen side; texts are wrapped and shrunk until they fit their boxes, so
 * nothing is cut off in any language. This file: the widgets every screen is made of, grids,
 * the focus ring and hit testing; the screens are in layout_resident.c and layout_staff.c. */
#include <stdio.h>
#include <string.h>

#include <linebreak.h>

#include "core/layout_internal.h"

bool rect_overlaps(rect_t a, rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool rect_contains(rect_t o, rect_t i)
{
    return i.x >= o.x && i.y >= o.y && i.x + i.w <= o.x + o.w && i.y + i.h <= o.y + o.h;
}

/* ---- widgets ---- */

int lay_min_px(const ctx_t *x, style_t st)
{
    return S(x, x->f && st == STYLE_MUTED ? PX_SMALL : PX_MIN);
}

widget_t *lay_add(ctx_t *x, widget_kind_t kind, style_t style, rect_t r)
{
    view_t *v = x->v;
    if (v->n == VIEW_MAX_WIDGETS) {
        memset(&x->sink, 0, sizeof x->sink);
        v->text_truncated = true;
        return &x->sink;
    }
    widget_t *w = &v->w[v->n++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->style = style;
    w->r = r;
    w->tr = r;
    w->text = "";
    w->align = ALIGN_CENTER;
    return w;
}

/* Places text in the widget's text box, vertically centred. */
void lay_set_text(ctx_t *x, widget_t *w, const char *text, rect_t box, int max_px, bool bold)
{
    int min_px = lay_min_px(x, w->style);
    fitted_t ft = (w->kind == W_BUTTON || w->kind == W_FACE || w->style == STYLE_TOPBAR)
                      ? lay_fit_short(x, text, box, max_px, min_px, bold)
                      : lay_fit(x, text, box, max_px, min_px, bold);
    w->text = ft.text;
    w->px = ft.px;
    w->bold = bold;
    w->overflow = w->overflow || ft.overflow;
    w->tr = rect(box.x, box.y + (box.h - ft.height) / 2, box.w, ft.height);
}

/* Like lay_set_text(), but wraps rather than shrinks to one line: for grids of answers, whose
 * labels then share one size. */
void lay_place_text(ctx_t *x, widget_t *w, const char *text, rect_t box, int max_px, bool bold)
{
    fitted_t ft = lay_fit(x, text, box, max_px, S(x, PX_MIN), bold);
    w->text = ft.text;
    w->px = ft.px;
    w->bold = bold;
    w->overflow = w->overflow || ft.overflow;
    w->tr = rect(box.x, box.y + (box.h - ft.height) / 2, box.w, ft.height);
}

widget_t *lay_label(ctx_t *x, rect_t r, const char *text, int max_px, bool bold, style_t st,
                    align_t align)
{
    widget_t *w = lay_add(x, W_LABEL, st, r);
    w->align = align;
    lay_set_text(x, w, text, r, max_px, bold);
    return w;
}

/* A label whose height is what its text needs (up to max_h); returns the height used. */
int lay_label_top(ctx_t *x, rect_t r, const char *text, int max_px, bool bold, style_t st,
                  align_t align)
{
    if (!text || !*text)
        return 0;
    fitted_t ft = lay_fit(x, text, r, max_px, lay_min_px(x, st), bold);
    widget_t *w = lay_add(x, W_LABEL, st, rect(r.x, r.y, r.w, ft.height));
    w->text = ft.text;
    w->px = ft.px;
    w->bold = bold;
    w->align = align;
    w->overflow = ft.overflow;
    w->tr = w->r;
    return ft.height;
}

widget_t *lay_button(ctx_t *x, rect_t r, const char *text, style_t st, action_t act, int arg)
{
    widget_t *w = lay_add(x, W_BUTTON, st, r);
    w->action = act;
    w->arg = arg;
    int pad = S(x, 8);
    lay_set_text(x, w, text, inset(r, pad, pad / 2), T(x, PX_BUTTON), st == STYLE_PRIMARY);
    return w;
}

/* A button with a bold first line and a smaller second line (journeys, activities). */
widget_t *lay_button2(ctx_t *x, rect_t r, const char *t1, const char *t2, style_t st, action_t act,
                      int arg, int px1)
{
    if (!t2 || !*t2)
        return lay_button(x, r, t1, st, act, arg);
    widget_t *w = lay_add(x, W_BUTTON, st, r);
    w->action = act;
    w->arg = arg;
    rect_t in = inset(r, S(x, 10), S(x, 6));
    int lh1 = x->tm->line_height(x->tm->user_data, px1, true);
    int min2 = x->f ? S(x, PX_SMALL) : S(x, PX_MIN) * 7 / 8;
    /* The second line keeps what it needs at its least size; the first gets the rest (at most
     * two lines), then the second whatever the first left. */
    int need2 = lay_measure_h(x, t2, rect(in.x, in.y, in.w, in.h), min2, false);
    int h1 = in.h - need2 - S(x, 2) < 2 * lh1 ? in.h - need2 - S(x, 2) : 2 * lh1;
    if (h1 < in.h / 3)
        h1 = in.h / 3;
    int lh_min = x->tm->line_height(x->tm->user_data, S(x, PX_MIN), true);
    if (h1 < lh_min) /* the first text keeps a line before the second gets any */
        h1 = lh_min < in.h ? lh_min : in.h;
    fitted_t f1 = lay_fit_short(x, t1, rect(in.x, in.y, in.w, h1), px1, S(x, PX_MIN), true);
    int h2 = in.h - f1.height - S(x, 2);
    fitted_t f2 = lay_fit(x, t2, rect(in.x, in.y, in.w, h2), T(x, PX_SMALL), min2, false);
    int total = f1.height + S(x, 2) + f2.height;
    int y = in.y + (in.h - total) / 2;
    w->text = f1.text;
    w->px = f1.px;
    w->bold = true;
    w->tr = rect(in.x, y, in.w, f1.height);
    w->text2 = f2.text;
    w->px2 = f2.px;
    w->tr2 = rect(in.x, y + f1.height + S(x, 2), in.w, f2.height);
    w->overflow = f1.overflow || f2.overflow;
    return w;
}

/* The pack's text with {name} placeholders replaced, in the view's buffer. */
const char *lay_fill_vars(const ctx_t *x, const char *src, size_t n, const char *const names[],
                          const char *const values[])
{
    char buf[512];
    content_fill_vars(buf, sizeof buf, src, n, names, values);
    return lay_strdup(x->v, buf);
}

/* ---- grids of choices ---- */

/* Picks columns and rows for n cells in area: cells at least min_w x min_h, as few pages as
 * possible, then the most even shape. */
grid_t lay_grid_shape(int n, rect_t area, int min_w, int min_h, int gap, int max_cols)
{
    grid_t g = {1, 1};
    int max_c = (area.w + gap) / (min_w + gap);
    int max_r = (area.h + gap) / (min_h + gap);
    if (max_c < 1)
        max_c = 1;
    if (max_c > max_cols)
        max_c = max_cols;
    if (max_r < 1)
        max_r = 1;
    if (n <= max_c * max_r) {
        /* Fewest rows that hold all, then as few columns as keep that row count. */
        int rows = (n + max_c - 1) / max_c;
        g.rows = rows;
        g.cols = (n + rows - 1) / rows;
    } else {
        g.cols = max_c;
        g.rows = max_r;
    }
    return g;
}

rect_t lay_cell(rect_t area, grid_t g, int i, int gap, int max_h)
{
    int cw = (area.w - (g.cols - 1) * gap) / g.cols;
    int ch = (area.h - (g.rows - 1) * gap) / g.rows;
    if (ch > max_h)
        ch = max_h;
    int c = i % g.cols, r = i / g.cols;
    return rect(area.x + c * (cw + gap), area.y + r * (ch + gap), cw, ch);
}

/* Previous and More for a paged grid: its last two cells, or the halves of its last cell
 * when it has one column (large text on a narrow screen). */
void lay_page_buttons(ctx_t *x, rect_t area, grid_t g, int max_h, bool back, bool more)
{
    int gap = S(x, GAP), cells = g.cols * g.rows;
    rect_t rp = lay_cell(area, g, cells - 2, gap, max_h),
           rm = lay_cell(area, g, cells - 1, gap, max_h);
    if (g.cols == 1) {
        int half = (rm.w - gap) / 2;
        rp = rect(rm.x, rm.y, half, rm.h);
        rm = rect(rm.x + half + gap, rm.y, rm.w - half - gap, rm.h);
    }
    lay_button(x, rp, str(x, "nav.previous_page"), STYLE_SECONDARY, ACT_PAGE_PREV, 0)->disabled =
        !back;
    lay_button(x, rm, str(x, "nav.more"), STYLE_SECONDARY, ACT_PAGE_NEXT, 0)->disabled = !more;
}

rect_t lay_card(ctx_t *x, action_t backdrop_action)
{
    view_t *v = x->v;
    v->overlay_start = v->n;
    widget_t *bd = lay_add(x, W_PANEL, STYLE_BACKDROP, rect(0, 0, v->width, v->height));
    bd->action = backdrop_action;
    int cw = v->width * 86 / 100;
    if (cw > S(x, 640))
        cw = S(x, 640);
    int ch = v->height * 80 / 100;
    if (ch > S(x, 380))
        ch = S(x, 380);
    rect_t r = rect((v->width - cw) / 2, (v->height - ch) / 2, cw, ch);
    lay_add(x, W_PANEL, STYLE_CARD, r);
    return inset(r, S(x, 20), S(x, 18));
}

bool lay_focusable(const view_t *v, size_t i)
{
    const widget_t *w = &v->w[i];
    return w->action != ACT_NONE && !w->disabled && w->kind != W_PANEL && w->kind != W_PAD &&
           (v->overlay_start == 0 || i >= v->overlay_start);
}

void lay_start(ctx_t *x, view_t *v, int width, int height, bool large_text, bool high_contrast,
               const content_t *c, const char *lang, const text_metrics_t *tm)
{
    v->width = width;
    v->height = height;
    v->n = 0;
    v->overlay_start = 0;
    v->text_used = 0;
    v->text_truncated = false;
    v->large_text = large_text;
    v->high_contrast = high_contrast;
    int side = width < height ? width : height;
    memset(x, 0, sizeof *x);
    x->v = v;
    x->c = c;
    x->tm = tm;
    x->lang = lang;
    /* The view says its language as the pack spells it, and whether it reads right to left. */
    int li = c ? content_language_index(c, lang) : -1;
    snprintf(v->lang, sizeof v->lang, "%s",
             li >= 0 ? content_language((const content_t *)c, (size_t)li)->code : lang ? lang : "");
    v->rtl = li >= 0 && content_language(c, (size_t)li)->rtl;
    x->u = (double)side / REF_SIDE;
    x->t = large_text ? LARGE_TEXT : 1.0;
    init_linebreak(); /* libunibreak's index of its tables: the same every time, fast */
}

/* Counts the focus ring's targets, puts the ring on the want-th (-1: nowhere) and notes the
 * smallest target (side: the screen's shorter side, the most it can be). */
void lay_finish_targets(view_t *v, int side, int want)
{
    v->focus_index = -1;
    v->focusable = 0;
    v->min_target_px = side;
    for (size_t i = 0; i < v->n; i++) {
        widget_t *w = &v->w[i];
        if (w->action != ACT_NONE && w->kind != W_PANEL) {
            int s = w->r.w < w->r.h ? w->r.w : w->r.h;
            if (s < v->min_target_px)
                v->min_target_px = s;
        }
        if (lay_focusable(v, i)) {
            w->focused = want == (int)v->focusable;
            if (w->focused)
                v->focus_index = want;
            v->focusable++;
        }
    }
}

const widget_t *view_hit(const view_t *v, int x, int y)
{
    for (size_t i = v->n; i-- > v->overlay_start;) {
        const widget_t *w = &v->w[i];
        if (x < w->r.x || x >= w->r.x + w->r.w || y < w->r.y || y >= w->r.y + w->r.h)
            continue;
        bool blocks = w->style == STYLE_BACKDROP || w->style == STYLE_CARD;
        if (w->action != ACT_NONE)
            return w->disabled ? NULL : w;
        if (blocks)
            return NULL; /* a prompt covers what is below */
    }
    return NULL;
}

const widget_t *view_focusable(const view_t *v, size_t i)
{
    size_t k = 0;
    for (size_t j = 0; j < v->n; j++)
        if (lay_focusable(v, j) && k++ == i)
            return &v->w[j];
    return NULL;
}
