/* The staff mode: the PIN keypad and the staff and technician pages (core/staff.c) driven by
 * touch, keys and physical buttons alike. What needs the world (figures from the store, the
 * local time, quiet mode, the self-test's result) is asked of the app through MODE_* flags. */
#include <string.h>

#include "core/mode.h"
#include "core/record.h"

static unsigned changed(bool c)
{
    return c ? MODE_REDRAW : 0;
}

/* A tap (or select) on a staff target. */
static unsigned staff_activate(staff_t *s, const widget_t *w, int64_t now)
{
    switch (w->action) {
    case ACT_STAFF_DIGIT:
        return changed(staff_digit(s, (char)('0' + w->arg), now));
    case ACT_STAFF_DELETE:
        return changed(staff_delete(s, now));
    case ACT_STAFF_OK:
        return changed(staff_ok(s, now));
    case ACT_STAFF_PAGE:
        if (!staff_page(s, (staff_page_t)w->arg, now))
            return 0;
        return MODE_REDRAW | MODE_STAFF_REFRESH |
               (w->arg == STAFF_PAGE_CLOCK ? MODE_STAFF_CLOCK : 0u);
    case ACT_STAFF_REF_KEY:
        return changed(staff_ref_key(s, w->arg, now));
    case ACT_STAFF_REF_DELETE:
        return changed(staff_ref_delete(s, now));
    case ACT_STAFF_ERASE_ASK:
        return changed(staff_erase_ask(s, now));
    case ACT_STAFF_ERASE_CONFIRM:
        return changed(staff_erase_confirm(s, now));
    case ACT_STAFF_BACK:
        if (!staff_back(s, now))
            return 0;
        return MODE_REDRAW | (s->page == STAFF_PAGE_MENU ? MODE_STAFF_REFRESH : 0u);
    case ACT_STAFF_PACK:
        return changed(staff_pack_ask(s, w->arg, now));
    case ACT_STAFF_PACK_CONFIRM:
        return changed(staff_pack_confirm(s, now));
    case ACT_STAFF_CLOCK:
        return changed(staff_clock_adjust(s, w->arg / 2, w->arg % 2 ? 1 : -1, now));
    case ACT_STAFF_CLOCK_SET:
        return changed(staff_clock_set(s, now));
    case ACT_STAFF_QUIET:
        s->last_input_ms = now;
        return MODE_REDRAW | MODE_STAFF_QUIET;
    case ACT_STAFF_POWER:
        return changed(staff_power_ask(s, (staff_work_t)w->arg, now));
    case ACT_STAFF_POWER_CONFIRM:
        return changed(staff_power_confirm(s, now));
    case ACT_STAFF_VOLUME:
        return staff_volume(s, w->arg, now) ? MODE_REDRAW | MODE_STAFF_VOLUME : 0;
    case ACT_STAFF_TOUCH_CLEAR:
        return changed(staff_touch_clear(s, now));
    case ACT_STAFF_SELF_TEST_END:
    case ACT_STAFF_CLOSE: {
        /* Closed any other way (Close, a button, 2 minutes untouched), the self-test ends
         * too, as "closed". */
        unsigned fx = w->action == ACT_STAFF_SELF_TEST_END ? MODE_STAFF_SELF_TEST : 0u;
        return staff_close(s) ? fx | MODE_REDRAW | MODE_STAFF_CLOSED : fx;
    }
    default:
        return 0;
    }
}

/* A touch on the touch test's drawing surface (or a finger moving over it). */
static unsigned canvas(staff_t *s, const widget_t *w, int x, int y, int64_t now)
{
    const rect_t r = w->r;
    if (x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h)
        return 0;
    int col = (x - r.x) * STAFF_TOUCH_COLS / r.w, row = (y - r.y) * STAFF_TOUCH_ROWS / r.h;
    return changed(staff_touch_point(s, x, y, row * STAFF_TOUCH_COLS + col, now));
}

/* The focus ring: previous and next move it, select acts on its target (the first press only
 * shows it), back goes one page back or leaves, home leaves. */
static unsigned staff_nav(staff_t *s, nav_t nav, const view_t *v, int64_t now)
{
    int n = (int)v->focusable;
    switch (nav) {
    case NAV_PREV:
    case NAV_NEXT:
        return changed(staff_focus_move(s, nav == NAV_NEXT ? 1 : -1, n, now));
    case NAV_SELECT:
    case NAV_ENTER: {
        if (s->focus < 0)
            return changed(staff_focus_move(s, 1, n, now));
        const widget_t *w = view_focusable(v, (size_t)s->focus);
        if (!w)
            return MODE_REDRAW;
        unsigned fx = staff_activate(s, w, now);
        if (s->focus >= 0 && s->focus >= n)
            s->focus = 0; /* the page changed under the ring */
        return fx | MODE_REDRAW;
    }
    case NAV_BACK:
        return changed(staff_back(s, now) || staff_close(s));
    case NAV_HOME:
        return changed(staff_close(s));
    }
    return 0;
}

/* Typing on a desktop keyboard: PIN digits, or a reference code's characters in any case. */
static unsigned staff_type(staff_t *s, const char *text, int64_t now)
{
    static const char alphabet[] = REFCODE_ALPHABET;
    bool c = false;
    for (const char *p = text; *p; p++) {
        if (s->state == STAFF_PIN) {
            c = staff_digit(s, *p, now) || c;
            continue;
        }
        char u = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        const char *at = u ? strchr(alphabet, u) : NULL;
        if (at)
            c = staff_ref_key(s, (int)(at - alphabet), now) || c;
    }
    return changed(c);
}

bool mode_staff_takes_buttons(const staff_t *s)
{
    return s->state == STAFF_OPEN && s->page == STAFF_PAGE_TECH_BUTTONS;
}

/* The button test: every button only lights up and counts its presses. */
static unsigned button_test(staff_t *s, const input_t *in, int64_t now)
{
    if (!mode_staff_takes_buttons(s) || in->button >= s->tech.nbuttons)
        return 0;
    staff_button_t *b = &s->tech.buttons[in->button];
    if (in->button_kind == BTN_PRESS)
        b->presses++;
    b->lit = in->button_kind != BTN_RELEASE;
    b->bounces = in->button_bounces;
    s->last_input_ms = now;
    return MODE_REDRAW;
}

static unsigned staff_input(void *self, const input_t *in, const view_t *v, int64_t now)
{
    staff_t *s = self;
    switch (in->kind) {
    case IN_TOUCH:
        staff_focus_hide(s); /* a touch hides the ring */
        return in->w && in->w->action == ACT_STAFF_CANVAS ? canvas(s, in->w, in->x, in->y, now) : 0;
    case IN_DRAG:
        return in->w && in->w->action == ACT_STAFF_CANVAS ? canvas(s, in->w, in->x, in->y, now) : 0;
    case IN_ACTIVATE:
        return in->w ? staff_activate(s, in->w, now) : 0;
    case IN_NAV:
        return staff_nav(s, in->nav, v, now);
    case IN_HELP:
        return changed(staff_focus_move(s, 1, (int)v->focusable, now));
    case IN_TEXT:
        return staff_type(s, in->text, now);
    case IN_BACKSPACE:
        return changed(staff_delete(s, now) || staff_ref_delete(s, now));
    case IN_BUTTON:
        return button_test(s, in, now);
    case IN_FACE:
    case IN_LANG:
    case IN_LIFT:
        return 0;
    }
    return 0;
}

static bool staff_mode_tick(void *self, int64_t now_ms)
{
    return staff_tick(self, now_ms);
}

static int64_t staff_mode_deadline(const void *self, int64_t now_ms)
{
    return staff_next_deadline(self, now_ms);
}

static void staff_build(const void *self, view_t *v, const mode_frame_t *fr)
{
    view_build_staff(v, self, fr->content, fr->lang,
                     &(view_options_t){.utc_offset_min = fr->utc_offset_min}, fr->width, fr->height,
                     fr->tm, fr->now_ms);
}

const mode_ops_t mode_staff = {"staff", staff_input, staff_mode_tick, staff_mode_deadline,
                               staff_build};
