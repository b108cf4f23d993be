/* The residents' mode: every input goes to the session flow (core/flow.c), whatever device
 * it came from; select acts on the target under the focus ring. */
#include "core/mode.h"

static unsigned changed(bool c)
{
    return c ? MODE_REDRAW : 0;
}

static unsigned activate(flow_t *f, const widget_t *w, int64_t now_ms)
{
    return changed(w && flow_activate(f, w->action, w->arg, w->key_text, now_ms));
}

/* A finger on the writing pad r (the widget with ACT_IME_PAD it went down on), in the pad's
 * own pixels: its longer side is the pad's size, so a character keeps its proportions. */
static unsigned pad(flow_t *f, flow_pad_t ev, rect_t r, int x, int y, int64_t now_ms)
{
    int size = r.w > r.h ? r.w : r.h;
    return changed(size > 0 && flow_pad(f, ev, x - r.x, y - r.y, size, now_ms));
}

/* Whether a keyboard's Enter goes on to the next question: in a text answer, unless the ring
 * is on a control that is not part of the keyboard (Back, Skip, a candidate...), which Enter
 * then selects. It never types the key under the ring. */
static bool enter_goes_on(const flow_t *f, const view_t *v)
{
    const question_t *q = flow_question(f);
    if (!q || (q->type != Q_TEXT && q->type != Q_COMMENT) || flow_overlay(f) != OVERLAY_NONE)
        return false;
    const widget_t *w = flow_focus(f) >= 0 ? view_focusable(v, (size_t)flow_focus(f)) : NULL;
    if (!w)
        return true;
    switch (w->action) {
    case ACT_KEY:
    case ACT_SPACE:
    case ACT_BACKSPACE:
    case ACT_SHIFT:
    case ACT_SYMBOLS:
        return true;
    default:
        return false;
    }
}

static unsigned residents_nav(flow_t *f, nav_t nav, const view_t *v, int64_t now_ms)
{
    if (nav == NAV_ENTER && enter_goes_on(f, v))
        return changed(flow_activate(f, ACT_NEXT, 0, NULL, now_ms));
    if ((nav == NAV_SELECT || nav == NAV_ENTER) && flow_focus(f) >= 0)
        return activate(f, view_focusable(v, (size_t)flow_focus(f)), now_ms);
    return changed(flow_nav(f, nav, v->focusable, now_ms));
}

static unsigned residents_input(void *self, const input_t *in, const view_t *v, int64_t now_ms)
{
    flow_t *f = self;
    switch (in->kind) {
    case IN_TOUCH:
        flow_touched(f); /* a touch hides the focus ring */
        if (in->w && in->w->action == ACT_IME_PAD)
            return pad(f, FLOW_PAD_DOWN, in->w->r, in->x, in->y, now_ms);
        return 0;
    case IN_DRAG:
        return pad(f, FLOW_PAD_MOVE, in->area, in->x, in->y, now_ms);
    case IN_LIFT:
        return pad(f, FLOW_PAD_UP, in->area, in->x, in->y, now_ms);
    case IN_BUTTON:
        return 0;
    case IN_ACTIVATE:
        return activate(f, in->w, now_ms);
    case IN_NAV:
        return residents_nav(f, in->nav, v, now_ms);
    case IN_FACE:
        return changed(in->face >= 0 && flow_face(f, (size_t)in->face, now_ms));
    case IN_TEXT:
        return changed(flow_text(f, in->text, now_ms));
    case IN_BACKSPACE:
        return changed(flow_activate(f, ACT_BACKSPACE, 0, NULL, now_ms));
    case IN_LANG:
        return changed(flow_activate(f, ACT_LANG, 0, NULL, now_ms));
    case IN_HELP:
        /* The first press turns speech on and shows where the ring is; the next ones say the
         * screen again. */
        return changed(flow_help(f, v->focusable, now_ms));
    }
    return 0;
}

static bool residents_tick(void *self, int64_t now_ms)
{
    return flow_tick(self, now_ms);
}

static int64_t residents_deadline(const void *self, int64_t now_ms)
{
    (void)now_ms;
    return flow_next_deadline(self);
}

static void residents_build(const void *self, view_t *v, const mode_frame_t *fr)
{
    view_build(v, self, fr->width, fr->height, fr->tm, fr->now_ms, fr->notice);
}

const mode_ops_t mode_residents = {"residents", residents_input, residents_tick, residents_deadline,
                                   residents_build};

/* The attract screen: the router wakes the kiosk on any input, so the mode itself takes none. */
static unsigned attract_input(void *self, const input_t *in, const view_t *v, int64_t now_ms)
{
    (void)self, (void)in, (void)v, (void)now_ms;
    return 0;
}

static bool attract_tick(void *self, int64_t now_ms)
{
    (void)self, (void)now_ms;
    return false;
}

static int64_t attract_deadline(const void *self, int64_t now_ms)
{
    (void)self, (void)now_ms;
    return INT64_MAX;
}

static void attract_build(const void *self, view_t *v, const mode_frame_t *fr)
{
    (void)self;
    view_build_attract(v, fr->content, fr->lang, fr->reopens, fr->width, fr->height, fr->tm);
}

const mode_ops_t mode_attract = {"attract", attract_input, attract_tick, attract_deadline,
                                 attract_build};
