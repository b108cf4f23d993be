/* Staff sticks in the event loop: a thin adapter over the USB edge (usb/sticks.h). The edge
 * watches the mounts, checks tokens and exports; here its events become screens, between
 * residents only, and the store becomes its record source. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app_internal.h"
#include "app/export_source.h"
#include "core/kerr.h"
#include "usb/sticks.h"

const char *usb_content_stick(const app_t *a)
{
    return usb_sticks_content_stick(a->usb);
}

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
    printf("event=export result=%d records=%lld seq=%lld\n", ev->rc, (long long)r->records,
           (long long)r->seq);
    fflush(stdout);
}

static bool on_event(const usb_event_t *ev, void *ud)
{
    app_t *a = ud;
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

static void wake(void *ud)
{
    const app_t *a = ud;
    ui_wake(a->ui);
}

static void edge_log(const char *level, const char *msg, void *ud)
{
    (void)ud;
    log_line(level, "%s", msg);
}

void usb_open(app_t *a)
{
    const app_config_t *c = a->cfg;
    if (!c->usb_mount_dir || !c->org_sign_pk || !c->org_box_pk)
        return;
    /* The kiosk's own signing key lives next to its database (provisioning makes it). */
    char keydir[4096];
    snprintf(keydir, sizeof keydir, "%s", c->db_path);
    char *slash = strrchr(keydir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(keydir, sizeof keydir, ".");
    usb_sticks_config_t sc = {.mount_dir = c->usb_mount_dir,
                              .kiosk_id = c->kiosk_id,
                              .org_sign_pk = c->org_sign_pk,
                              .org_box_pk = c->org_box_pk,
                              .key_dir = keydir,
                              .watch = !a->script,
                              .wake = wake,
                              .event = on_event,
                              .log = edge_log,
                              .ud = a};
    a->usb = usb_sticks_open(&sc);
}

void usb_close(app_t *a)
{
    usb_sticks_close(a->usb);
    a->usb = NULL;
}

void usb_rescan(app_t *a)
{
    usb_sticks_rescan(a->usb);
}

void usb_stick_inserted(app_t *a, const char *path)
{
    usb_sticks_insert(a->usb, path);
}

void usb_process(app_t *a)
{
    if (!a->usb)
        return;
    if (usb_sticks_changed(a->usb))
        usb_sticks_rescan(a->usb);
    /* Sticks wait for the residents: never over a journey in progress. */
    screen_t s = flow_screen(a->flow);
    while (usb_sticks_pending(a->usb) && (s == SCREEN_HOME || s == SCREEN_MESSAGE ||
                                          s == SCREEN_THANKS || s == SCREEN_OUT_OF_SERVICE)) {
        int64_t wall = a->wall.utc_ms;
        usb_source_t src = usb_source_from_store(a->saving.store);
        usb_sticks_handle_next(a->usb, a->saving.store ? &src : NULL, wall);
        a->dirty = true;
        s = flow_screen(a->flow);
    }
}
