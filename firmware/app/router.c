/* The one router: every input, from the touchscreen, a keyboard, a physical button or a
 * script, becomes an input_t (core/mode.h) and goes to the active mode: the staff screens
 * while they are open, else the attract screen while it is up, else the residents' flow.
 * Waking the kiosk from the attract screen and the staff button's long press are handled
 * here, once, for every device. */
#include "app/router.h"

#include <stdio.h>

#include "core/kerr.h"

#include "app/log.h"
#include "core/mode.h"
#include "system/clock.h"

/* ---- the staff screens: ways in and out ---- */

bool staff_active(const app_t *a)
{
    return a->staff.state != STAFF_CLOSED;
}

static void staff_enter(app_t *a)
{
    int64_t now = now_ms(a);
    if (staff_active(a))
        return;
    /* A resident's unfinished session ends (as if they had left); nothing of it stays. */
    flow_abandon(a->flow, now);
    bool no_pin = (!a->cfg->staff_pin_hash || !a->cfg->staff_pin_hash[0]) &&
                  (!a->cfg->tech_pin_hash || !a->cfg->tech_pin_hash[0]);
    staff_request(&a->staff, no_pin, now);
    log_line("info", "staff button held: PIN asked%s",
             no_pin ? " (no PIN is provisioned: staff.pinHash in the configuration)" : "");
    a->dirty = true;
}

static void staff_open_token(app_t *a, staff_role_t role, bool content_only)
{
    int64_t now = now_ms(a);
    flow_abandon(a->flow, now);
    staff_open_by_token(&a->staff, role, now);
    staff_host_refresh(&a->staff_host);
    if (content_only && a->staff.page == STAFF_PAGE_MENU)
        staff_page(&a->staff, STAFF_PAGE_CONTENT, now);
    log_line("info", "staff screens opened by a %s token on a stick",
             role == STAFF_ROLE_TECHNICIAN ? "technician"
             : content_only                ? "content"
                                           : "staff");
    printf("event=staff-open via=token role=%s\n",
           role == STAFF_ROLE_TECHNICIAN ? "technician" : "staff");
    fflush(stdout);
    a->dirty = true;
}

static void staff_stick_gone(app_t *a)
{
    if (a->staff.state == STAFF_OPEN && a->staff.via == STAFF_VIA_TOKEN && staff_close(&a->staff)) {
        log_line("info", "staff screens closed: the stick that opened them was removed");
        a->dirty = true;
        return;
    }
    if (a->staff.state == STAFF_OPEN) {
        staff_host_fill_content(&a->staff_host); /* the list of packs goes with the stick */
        a->dirty = true;
    }
}

active_mode_t app_active_mode(app_t *a)
{
    if (staff_active(a))
        return (active_mode_t){&mode_staff, &a->staff};
    if (a->quiet.attract)
        return (active_mode_t){&mode_attract, NULL};
    return (active_mode_t){&mode_residents, a->flow};
}

/* The language belongs to the session, which every mode shows in it. The staff screens have
 * no language picker: their language key moves to the next language. */
static unsigned dispatch(app_t *a, const input_t *in)
{
    if (in->kind == IN_LANG && staff_active(a))
        return flow_activate(a->flow, ACT_LANG_NEXT, 0, NULL, now_ms(a)) ? MODE_REDRAW : 0;
    active_mode_t m =
        in->kind == IN_LANG ? (active_mode_t){&mode_residents, a->flow} : app_active_mode(a);
    return m.ops->input(m.self, in, a->view, now_ms(a));
}

static void apply(app_t *a, unsigned fx)
{
    if (fx & ~(unsigned)MODE_REDRAW)
        staff_host_apply(&a->staff_host, fx);
    if (fx)
        a->dirty = true;
}

/* An input that counts as someone at the kiosk: restarts the attract screen's minute. Returns
 * true when it only woke the kiosk (the touch that wakes it does nothing else). */
static bool wakes(app_t *a)
{
    if (!app_wake(a))
        return false;
    a->pressed = -1;
    a->dirty = true;
    return true;
}

void router_input(app_t *a, const input_t *in)
{
    apply(a, dispatch(a, in));
    app_speech_input(&a->speech, a->flow); /* a refused input: its earcon, at once */
}

void router_audio_device_added(app_t *a)
{
    /* A headset plugged in: the resident wants to hear the screen, for the visit. In quiet
     * hours the kiosk stays silent until someone wakes it (app_speech_frame). */
    if (!staff_active(a)) {
        flow_set_speech(a->flow, true);
        a->dirty = true;
    }
    printf("event=audio-device-added\n");
    fflush(stdout);
}

void router_staff_hold(app_t *a)
{
    app_wake(a);
    staff_enter(a);
}

static void touch_down(app_t *a, int x, int y)
{
    const widget_t *w = view_hit(a->view, x, y);
    input_t in = {.kind = IN_TOUCH, .w = w, .x = x, .y = y};
    router_input(a, &in);
    bool surface =
        w && (staff_active(a) ? w->action == ACT_STAFF_CANVAS : w->action == ACT_IME_PAD);
    if (surface) {
        /* The touch test or the writing pad: the finger draws, no button is pressed. */
        a->drawing = true;
        a->drawing_area = w->r;
        w = NULL;
    }
    a->pressed = w ? (int)(w - a->view->w) : -1;
    a->dirty = true;
}

static void touch_up(app_t *a, int x, int y)
{
    if (a->drawing && !staff_active(a))
        router_input(a, &(input_t){.kind = IN_LIFT, .x = x, .y = y, .area = a->drawing_area});
    a->drawing = false;
    const widget_t *w = view_hit(a->view, x, y);
    int idx = w ? (int)(w - a->view->w) : -1;
    bool same = idx >= 0 && idx == a->pressed;
    a->pressed = -1;
    a->dirty = true;
    if (same)
        router_input(a, &(input_t){.kind = IN_ACTIVATE, .w = w});
}

/* A key's meaning: the ui edge's navigation keys come from keyboards, whose Enter is
 * NAV_ENTER (in a text answer it goes on, where a physical Select types the focused key). */
static nav_t key_nav(const ui_event_t *ev)
{
    return ev->kind == UI_EV_NAV && ev->nav == NAV_SELECT ? NAV_ENTER : (nav_t)ev->nav;
}

void router_ui_event(app_t *a, const ui_event_t *ev)
{
    static const input_kind_t kinds[] = {
        [UI_EV_NAV] = IN_NAV,   [UI_EV_FACE] = IN_FACE,           [UI_EV_TEXT] = IN_TEXT,
        [UI_EV_LANG] = IN_LANG, [UI_EV_BACKSPACE] = IN_BACKSPACE, [UI_EV_HELP] = IN_HELP};
    switch (ev->kind) {
    case UI_EV_NONE:
    case UI_EV_WAKE:
        return;
    case UI_EV_QUIT:
        a->quit = true;
        return;
    case UI_EV_REDRAW:
        a->dirty = true;
        return;
    case UI_EV_AUDIO_ADDED:
        router_audio_device_added(a);
        return;
    case UI_EV_STAFF:
        router_staff_hold(a);
        return;
    case UI_EV_MOTION:
        if (a->drawing)
            router_input(a, &(input_t){.kind = IN_DRAG,
                                       .w = view_hit(a->view, ev->x, ev->y),
                                       .x = ev->x,
                                       .y = ev->y,
                                       .area = a->drawing_area});
        return;
    case UI_EV_RELEASE:
        touch_up(a, ev->x, ev->y);
        return;
    case UI_EV_PRESS:
        if (!wakes(a))
            touch_down(a, ev->x, ev->y);
        return;
    case UI_EV_NAV:
    case UI_EV_FACE:
    case UI_EV_TEXT:
    case UI_EV_BACKSPACE:
    case UI_EV_LANG:
    case UI_EV_HELP:
        if (!wakes(a))
            router_input(a, &(input_t){.kind = kinds[ev->kind],
                                       .nav = key_nav(ev),
                                       .face = ev->face,
                                       .text = ev->text});
        return;
    }
}

/* What a physical button means, as the matching key would. */
static input_t button_meaning(const pin_t *pin)
{
    static const nav_t navs[] = {[BUTTON_PREV] = NAV_PREV,
                                 [BUTTON_NEXT] = NAV_NEXT,
                                 [BUTTON_SELECT] = NAV_SELECT,
                                 [BUTTON_BACK] = NAV_BACK,
                                 [BUTTON_HOME] = NAV_HOME};
    switch (pin->action) {
    case BUTTON_FACE:
        return (input_t){.kind = IN_FACE, .face = pin->index};
    case BUTTON_HELP:
        return (input_t){.kind = IN_HELP};
    case BUTTON_PREV:
    case BUTTON_NEXT:
    case BUTTON_SELECT:
    case BUTTON_BACK:
    case BUTTON_HOME:
        return (input_t){.kind = IN_NAV, .nav = navs[pin->action]};
    case BUTTON_STAFF:
    case BUTTON_ACTION_COUNT:
        break;
    }
    return (input_t){.kind = IN_BUTTON};
}

void router_button(app_t *a, const button_event_t *e, const pin_t *pin, const debounce_line_t *line)
{
    if (staff_active(a) && mode_staff_takes_buttons(&a->staff)) {
        /* The button test: every button, every event, only lights up. */
        router_input(a, &(input_t){.kind = IN_BUTTON,
                                   .button = e->pin,
                                   .button_kind = e->kind,
                                   .button_bounces = line->bounces});
        return;
    }
    if (e->kind == BTN_RELEASE && line->stuck_sent)
        log_line("info", "button %s released", button_pin_name(pin).s);
    if (e->kind == BTN_PRESS && pin->action != BUTTON_STAFF && wakes(a))
        return;
    if (e->kind == BTN_PRESS && pin->action == BUTTON_STAFF)
        app_wake(a);
    if (e->kind == BTN_LONG && pin->action == BUTTON_STAFF) {
        printf("event=staff\n");
        fflush(stdout);
        staff_enter(a);
        return;
    }
    if (e->kind != BTN_PRESS)
        return;
    input_t in = button_meaning(pin);
    if (in.kind == IN_BUTTON)
        return;
    /* For the edge-to-frame latency: a script's edges are in virtual time, so the time it
     * waited for the debouncer (at_ns - edge_ns) counts before the real time from here. */
    if (!staff_active(a) && !a->quiet.attract)
        stats_button(&a->stats, clock_mono_us() - (e->at_ns - e->edge_ns) / 1000,
                     a->script.file ? 0 : e->edge_ns);
    router_input(a, &in);
}

/* ---- staff sticks: the USB edge's events become screens ---- */

/* Shows a staff message by keys (the screen follows the language button). */
static void show(app_t *a, const char *body_key, const char *reason_key, int64_t n, double progress,
                 bool done, int64_t until_ms, const char *extra_key, int64_t extra_n)
{
    flow_message_t m = {.progress = progress, .done = done, .until_ms = until_ms};
    snprintf(m.title_key, sizeof m.title_key, "usb.title");
    snprintf(m.body_key, sizeof m.body_key, "%s", body_key);
    if (reason_key)
        snprintf(m.reason_key, sizeof m.reason_key, "usb.reason.%s", reason_key);
    snprintf(m.n, sizeof m.n, "%lld", (long long)n);
    if (extra_key) {
        snprintf(m.extra_key, sizeof m.extra_key, "%s", extra_key);
        snprintf(m.extra_n, sizeof m.extra_n, "%lld", (long long)extra_n);
    }
    flow_show_message(a->flow, &m);
    a->dirty = true;
}

/* The export's result stays two minutes, or until Done. */
static void export_done(app_t *a, const usb_event_t *ev)
{
    const export_result_t *r = ev->result;
    const char *extra = ev->erased >= 0 ? "usb.erased" : NULL;
    int64_t until = now_ms(a) + 120000;
    if (ev->rc != KIOSK_OK)
        show(a, "usb.failed", ev->why, 0, -1, true, until, extra, ev->erased);
    else if (r->records == 0)
        show(a, "usb.nothing", NULL, 0, -1, true, until, extra, ev->erased);
    else
        show(a, "usb.done", NULL, r->records, -1, true, until, extra, ev->erased);
    /* Staff at the kiosk with their stick confirm its time: retention may run up to it (a
     * failure to keep it only delays retention). */
    record_time_t wall = app_wall(a);
    if (ev->rc == KIOSK_OK && a->saving.store &&
        store_confirm_time(a->saving.store, wall.utc_ms, wall.mono_ms, false) != KIOSK_OK)
        log_line("error", "cannot keep the export's time for retention: %s",
                 store_errmsg(a->saving.store));
    printf("event=export result=%d records=%lld seq=%lld\n", ev->rc, (long long)r->records,
           (long long)r->seq);
    fflush(stdout);
}

bool router_stick_event(app_t *a, const usb_event_t *ev)
{
    switch (ev->kind) {
    case USB_EV_REFUSED:
        show(a, "usb.refused", ev->why, 0, -1, true, now_ms(a) + 20000, NULL, 0);
        break;
    case USB_EV_NO_DATABASE:
        show(a, "usb.failed", "no_database", 0, -1, true, now_ms(a) + 20000, NULL, 0);
        break;
    case USB_EV_EXPORT_PROGRESS:
        show(a, "usb.exporting", NULL, ev->total,
             ev->total ? (double)ev->done / (double)ev->total : 0.0, false, INT64_MAX, NULL, 0);
        redraw(a);
        break;
    case USB_EV_EXPORT_DONE:
        export_done(a, ev);
        break;
    case USB_EV_STAFF:
        if (ev->after_export)
            flow_activate(a->flow, ACT_DONE, 0, NULL, now_ms(a));
        staff_open_token(a, ev->technician ? STAFF_ROLE_TECHNICIAN : STAFF_ROLE_STAFF,
                         ev->content_only);
        break;
    case USB_EV_STAFF_GONE:
        staff_stick_gone(a);
        break;
    case USB_EV_CURRENT_GONE:
        /* Back to the residents, if the message is still up. */
        if (flow_screen(a->flow) != SCREEN_MESSAGE)
            return false;
        flow_activate(a->flow, ACT_DONE, 0, NULL, now_ms(a));
        a->dirty = true;
        break;
    }
    return true;
}
