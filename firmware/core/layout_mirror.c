/* Right-to-left views: the layout built left to right is mirrored as a whole at the end of
 * each build, so every screen gets its mirror image without a second set of builders. Key
 * grids (letters, digits) keep their order inside the block they form. */
#include "core/layout_internal.h"

void lay_keep_order(ctx_t *x, size_t from)
{
    size_t to = x->v->n;
    if (to > from && x->nkeep < sizeof x->keep / sizeof x->keep[0]) {
        x->keep[x->nkeep].from = from;
        x->keep[x->nkeep].to = to;
        x->nkeep++;
    }
}

/* Mirrors r unless it is empty (an empty rectangle means "none": an icon's, a second text's). */
static void flip(rect_t *r, int width)
{
    if (r->w > 0 || r->h > 0)
        r->x = width - r->x - r->w;
}

/* Moves r by dx unless it is empty. */
static void shift(rect_t *r, int dx)
{
    if (r->w > 0 || r->h > 0)
        r->x += dx;
}

static void mirror_widget(widget_t *w, int width)
{
    flip(&w->r, width);
    flip(&w->tr, width);
    flip(&w->tr2, width);
    flip(&w->ir, width);
    if (w->align == ALIGN_LEFT)
        w->align = ALIGN_RIGHT;
    else if (w->align == ALIGN_RIGHT)
        w->align = ALIGN_LEFT;
}

/* The block keeps its keys' order and places: it only moves to its mirrored place. */
static void move_block(view_t *v, size_t from, size_t to)
{
    int lo = v->w[from].r.x, hi = v->w[from].r.x + v->w[from].r.w;
    for (size_t i = from; i < to; i++) {
        const rect_t *r = &v->w[i].r;
        lo = r->x < lo ? r->x : lo;
        hi = r->x + r->w > hi ? r->x + r->w : hi;
    }
    int dx = (v->width - hi) - lo;
    for (size_t i = from; i < to; i++) {
        widget_t *w = &v->w[i];
        shift(&w->r, dx);
        shift(&w->tr, dx);
        shift(&w->tr2, dx);
        shift(&w->ir, dx);
    }
}

static bool kept(const ctx_t *x, size_t i)
{
    for (size_t k = 0; k < x->nkeep; k++)
        if (i >= x->keep[k].from && i < x->keep[k].to)
            return true;
    return false;
}

void lay_mirror(ctx_t *x)
{
    view_t *v = x->v;
    if (!v->rtl)
        return;
    for (size_t i = 0; i < v->n; i++)
        if (!kept(x, i))
            mirror_widget(&v->w[i], v->width);
    for (size_t k = 0; k < x->nkeep; k++)
        move_block(v, x->keep[k].from, x->keep[k].to);
}
