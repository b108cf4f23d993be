/* The language picker: with three or more languages the language button opens it, over the
 * whole screen. Every language is a large button in its own name ("English", "简体中文",
 * "ئۇيغۇرچە"), so a resident finds theirs without reading the others; pages as long choice
 * lists do; the current one is marked by a tick (not colour alone); Back leaves it unchanged. */
#include <string.h>

#include "core/layout_internal.h"

/* The pack's optional title for the picker ("language.title"); NULL when it has none. */
static const char *picker_title(const ctx_t *x)
{
    const char *t = str(x, "language.title");
    return t && *t && strcmp(t, "language.title") != 0 ? t : NULL;
}

/* Language i as a button in r: its own name, the current one ticked. */
static void language_button(ctx_t *x, rect_t r, size_t i, bool current)
{
    const language_t *l = content_language(x->c, i);
    widget_t *w = lay_add(x, W_BUTTON, current ? STYLE_SELECTED : STYLE_SECONDARY, r);
    w->action = ACT_LANG_CHOOSE;
    w->arg = (int)i;
    w->checked = current;
    w->lang = l->code; /* 繁體中文 in the Traditional face, whatever the screen's language */
    int pad = S(x, 8);
    /* Room for the tick box on the left for every button, so that the names line up. */
    int room = S(x, 30) + S(x, 14);
    rect_t box = rect(r.x + room, r.y + pad / 2, r.w - room - pad, r.h - pad);
    lay_set_text(x, w, l->name, box, T(x, 30), true);
}

int lay_language_picker(ctx_t *x)
{
    view_t *v = x->v;
    v->overlay_start = v->n;
    lay_add(x, W_PANEL, STYLE_CARD, rect(0, 0, v->width, v->height));
    int m = S(x, MARGIN), gap = S(x, GAP);
    int top = m;
    const char *title = picker_title(x);
    if (title)
        top += lay_label_top(x, rect(m, m, v->width - 2 * m, S(x, 80)), title, T(x, PX_TITLE), true,
                             STYLE_TITLE, ALIGN_CENTER) +
               gap;
    int bot = S(x, BOTTOMBAR_H);
    rect_t area = rect(m, top, v->width - 2 * m, v->height - top - bot - gap);
    int n = (int)content_language_count(x->c);
    int max_h = S(x, 110);
    grid_t g = lay_grid_shape(n, area, T(x, 240), T(x, MIN_TARGET + 20), gap, 3);
    int per_page = g.cols * g.rows, first = 0, shown = n;
    bool paged = per_page < n;
    if (paged) {
        if (g.rows < 2)
            g.rows = 2; /* the languages above, the page buttons below */
        per_page = g.cols * g.rows - (g.cols > 1 ? 2 : 1);
        per_page = per_page < 1 ? 1 : per_page;
        int pages = (n + per_page - 1) / per_page;
        int page = (int)flow_lang_page(x->f) < pages ? (int)flow_lang_page(x->f) : pages - 1;
        first = page * per_page;
        shown = n - first < per_page ? n - first : per_page;
    }
    int current = content_language_index(x->c, x->lang);
    int start = 0;
    for (int k = 0; k < shown; k++) {
        language_button(x, lay_cell(area, g, k, gap, max_h), (size_t)(first + k),
                        first + k == current);
        if (first + k == current)
            start = k;
    }
    if (paged)
        lay_page_buttons(x, area, g, max_h, first > 0, first + shown < n);
    int bh = bot - S(x, 12);
    int bw = S(x, 170) < v->width * 27 / 100 ? S(x, 170) : v->width * 27 / 100;
    lay_button(x, rect(m, v->height - bot + S(x, 6), bw, bh), str(x, "nav.back"), STYLE_SECONDARY,
               ACT_LANG_CLOSE, 0);
    return start;
}
