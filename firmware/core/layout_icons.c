/* Where icons go on buttons (the UI draws them): beside a journey's centred words, or in room
 * taken at the left of a choice; never at the words' cost. */
#include <string.h>

#include "core/layout_internal.h"

/* The width of the widest line of text at px, as drawn. */
static int lines_width(const ctx_t *x, const char *text, int px, bool bold)
{
    int widest = 0;
    for (const char *p = text ? text : ""; *p;) {
        size_t len = strcspn(p, "\n");
        int tw = x->tm->text_width(x->tm->user_data, px, bold, p, len);
        widest = tw > widest ? tw : widest;
        p += len + (p[len] == '\n');
    }
    return widest;
}

/* The icon's side and the width of the words beside it, for mode 2 (as tall as both lines)
 * or 1 (as tall as the first); false when the words leave no room for it. */
static bool journey_fit(const ctx_t *x, const widget_t *w, int mode, int *side, int *wide)
{
    int tw = lines_width(x, w->text, w->px, w->bold) + 1;
    int dw = w->text2 ? lines_width(x, w->text2, w->px2, false) + 1 : 0;
    int block = mode == 2 && w->text2 ? w->tr2.y + w->tr2.h - w->tr.y : w->tr.h;
    *side = block < S(x, 48) ? block : S(x, 48);
    *wide = mode == 2 && dw > tw ? dw : tw;
    return w->text[0] && *side >= S(x, mode == 2 ? 24 : 22) && *wide + S(x, 10) + *side <= w->tr.w;
}

void lay_journey_icons(const ctx_t *x, size_t first)
{
    view_t *v = x->v;
    int mode = 2, side, wide;
    bool any = false;
    for (size_t i = first; i < v->n; i++) {
        const widget_t *w = &v->w[i];
        if (w->action != ACT_JOURNEY || !content_journey(x->c, (size_t)w->arg)->icon)
            continue;
        any = true;
        while (mode > 0 && !journey_fit(x, w, mode, &side, &wide))
            mode--;
    }
    for (size_t i = first; any && mode > 0 && i < v->n; i++) {
        widget_t *w = &v->w[i];
        const char *icon =
            w->action == ACT_JOURNEY ? content_journey(x->c, (size_t)w->arg)->icon : NULL;
        if (!icon)
            continue;
        journey_fit(x, w, mode, &side, &wide);
        int gap = S(x, 10), top = w->tr.y;
        int block = mode == 2 && w->text2 ? w->tr2.y + w->tr2.h - top : w->tr.h;
        int left = w->tr.x + (w->tr.w - wide - gap - side) / 2;
        w->icon = icon;
        w->ir = rect(left, top + (block - side) / 2, side, side);
        w->tr = rect(left + side + gap, w->tr.y, wide, w->tr.h);
        if (mode == 2 && w->text2)
            w->tr2 = rect(left + side + gap, w->tr2.y, wide, w->tr2.h);
    }
}

rect_t lay_icon_room(const ctx_t *x, rect_t r, const char *icon, int left, rect_t *ir)
{
    *ir = rect(0, 0, 0, 0);
    int side = r.h - S(x, 16) < S(x, 40) ? r.h - S(x, 16) : S(x, 40);
    if (!icon || side < S(x, 24) || r.w - left < S(x, 150))
        return r;
    int pad = S(x, 10);
    *ir = rect(r.x + left + pad, r.y + (r.h - side) / 2, side, side);
    int used = left + pad + side;
    return rect(r.x + used, r.y, r.w - used, r.h);
}
