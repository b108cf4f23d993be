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

void lay_journey_icon(const ctx_t *x, widget_t *w, const char *icon)
{
    if (!icon || !w->text[0])
        return;
    int gap = S(x, 10), tw = lines_width(x, w->text, w->px, w->bold) + 1;
    int dw = w->text2 ? lines_width(x, w->text2, w->px2, false) + 1 : 0;
    int block = w->text2 ? w->tr2.y + w->tr2.h - w->tr.y : w->tr.h;
    int side = block < S(x, 48) ? block : S(x, 48);
    int wide = tw > dw ? tw : dw;
    bool both = side >= S(x, 24) && wide + gap + side <= w->tr.w;
    if (!both) {
        side = w->tr.h < S(x, 48) ? w->tr.h : S(x, 48);
        wide = tw;
        block = w->tr.h;
        if (side < S(x, 22) || wide + gap + side > w->tr.w)
            return;
    }
    int left = w->tr.x + (w->tr.w - wide - gap - side) / 2;
    w->icon = icon;
    w->ir = rect(left, w->tr.y + (block - side) / 2, side, side);
    w->tr = rect(left + side + gap, w->tr.y, wide, w->tr.h);
    if (both && w->text2)
        w->tr2 = rect(left + side + gap, w->tr2.y, wide, w->tr2.h);
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
