/* Physical buttons in the event loop: raw edges (from the GPIO edge's watcher thread, or from
 * a script) go through the core's debouncer, and what becomes certain is acted on exactly as
 * the matching touch or key would be. */
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "app/router.h"
#include "core/kerr.h"
#ifdef KIOSK_HAVE_GPIO
#include "buttons/gpio.h"
#endif

static int64_t now_ns(const app_t *a)
{
    return now_ms(a) * 1000000;
}

static void name_of(const pin_t *pin, char *buf, size_t len)
{
    if (pin->action == BUTTON_FACE)
        snprintf(buf, len, "face %d", pin->index + 1);
    else
        snprintf(buf, len, "%s", button_action_name(pin->action));
}

#ifdef KIOSK_HAVE_GPIO
/* Lines that could not be had: kept until gpio_open() says whether any could. */
typedef struct {
    size_t count;
    char lines[PINMAP_MAX_PINS][512];
} gpio_report_t;

static void gpio_log(const char *msg, void *user_data)
{
    gpio_report_t *r = user_data;
    if (r->count < PINMAP_MAX_PINS)
        snprintf(r->lines[r->count], sizeof r->lines[0], "%s", msg);
    r->count++;
}

static void gpio_wake(void *user_data)
{
    app_t *a = user_data;
    ui_wake(a->ui);
}
#endif

void buttons_open(app_t *a)
{
    const pinmap_t *map = a->cfg->buttons;
    a->buttons = map && map->n > 0;
    if (!a->buttons)
        return;
    bool initial[PINMAP_MAX_PINS] = {false};
#ifdef KIOSK_HAVE_GPIO
    if (!a->script) {
        gpio_report_t report = {.count = 0};
        int rc = gpio_open(map, gpio_log, &report, &a->gpio);
        if (rc != KIOSK_OK) {
            /* One line, not one a button, when there is no GPIO at all (a desktop PC). */
            log_line("warn",
                     "buttons: none of the %zu configured lines could be requested (%s); the "
                     "kiosk runs on touch and keys. First: %s",
                     map->n, kiosk_strerror(rc), report.lines[0]);
        } else {
            for (size_t i = 0; i < report.count && i < PINMAP_MAX_PINS; i++)
                log_line("warn", "%s", report.lines[i]);
            for (size_t i = 0; i < map->n; i++)
                initial[i] = gpio_initial(a->gpio, i);
            if (gpio_start(a->gpio, gpio_wake, a) != KIOSK_OK) {
                log_line("error", "buttons: cannot start the GPIO watcher");
                gpio_close(a->gpio);
                a->gpio = NULL;
            } else {
                log_line("info", "buttons: %s, debounce %d ms", gpio_library_version(),
                         map->debounce_ms);
            }
        }
    }
#endif
    debouncer_init(&a->deb, map, initial, now_ns(a));
}

void buttons_close(app_t *a)
{
#ifdef KIOSK_HAVE_GPIO
    gpio_close(a->gpio);
    a->gpio = NULL;
#endif
    free(a->latency_us);
    a->latency_us = NULL;
}

static void line_of(const pin_t *pin, char *buf, size_t len)
{
    if (pin->line_name[0])
        snprintf(buf, len, "%s", pin->line_name);
    else
        snprintf(buf, len, "line %d", pin->offset);
}

void buttons_fill_test(app_t *a)
{
    staff_tech_t *t = &a->staff.tech;
    const pinmap_t *map = a->cfg->buttons;
    t->nbuttons = 0;
    t->buttons_live = a->gpio != NULL || (a->script && a->buttons);
    if (!a->buttons)
        return;
    for (size_t i = 0; i < map->n && i < sizeof t->buttons / sizeof t->buttons[0]; i++) {
        staff_button_t *b = &t->buttons[i];
        name_of(&map->pins[i], b->name, sizeof b->name);
        line_of(&map->pins[i], b->line, sizeof b->line);
        b->bounces = a->deb.line[i].bounces;
        b->lit = a->deb.line[i].stable;
        t->nbuttons++;
    }
}

/* A certain button event: a stuck line and its release are logged here; the rest goes to the
 * router, which acts on it as the matching touch or key would. */
static void act(app_t *a, const button_event_t *e)
{
    const pin_t *pin = &a->cfg->buttons->pins[e->pin];
    char name[32];
    name_of(pin, name, sizeof name);
    if (e->kind == BTN_STUCK) {
        char line[48];
        if (pin->line_name[0])
            snprintf(line, sizeof line, "%s", pin->line_name);
        else
            snprintf(line, sizeof line, "line %d", pin->offset);
        log_line("warn",
                 "button %s (%s %s) held for %d s: stuck? Reported once, ignored until "
                 "released",
                 name, pin->chip, line, a->cfg->buttons->stuck_s);
        return;
    }
    if (e->kind == BTN_RELEASE && a->deb.line[e->pin].stuck_sent &&
        !(staff_active(a) && mode_staff_takes_buttons(&a->staff)))
        log_line("info", "button %s released", name);
    router_button(a, e, pin, a->deb.line[e->pin].bounces, e->edge_ns);
}

void buttons_process(app_t *a)
{
    if (!a->buttons)
        return;
#ifdef KIOSK_HAVE_GPIO
    if (a->gpio) {
        gpio_edge_t edges[64];
        size_t n;
        while ((n = gpio_take(a->gpio, edges, 64)) > 0)
            for (size_t i = 0; i < n; i++)
                debouncer_edge(&a->deb, edges[i].pin, edges[i].pressed, edges[i].ts_ns);
    }
#endif
    button_event_t ev[16];
    size_t n;
    while ((n = debouncer_poll(&a->deb, now_ns(a), ev, 16)) > 0)
        for (size_t i = 0; i < n; i++) {
            act(a, &ev[i]);
            /* Each press sees the screen the previous one made, and a rating is stored before
             * the next press: presses are never dropped. */
            perform_op(a);
            if (a->dirty)
                redraw(a);
        }
}

int64_t buttons_deadline_ms(const app_t *a)
{
    if (!a->buttons)
        return INT64_MAX;
    int64_t ns = debouncer_next_deadline(&a->deb);
    return ns == INT64_MAX ? INT64_MAX : (ns + 999999) / 1000000;
}

bool buttons_script_press(app_t *a, button_action_t action, int index, int hold_ms)
{
    if (!a->buttons)
        return false;
    const pinmap_t *map = a->cfg->buttons;
    for (size_t i = 0; i < map->n; i++) {
        if (map->pins[i].action != action || (action == BUTTON_FACE && map->pins[i].index != index))
            continue;
        /* A clean press: the edges the backend would queue, in virtual time. */
        debouncer_edge(&a->deb, i, true, now_ns(a));
        a->virtual_ms += hold_ms;
        buttons_process(a);
        debouncer_edge(&a->deb, i, false, now_ns(a));
        a->virtual_ms += map->debounce_ms;
        buttons_process(a);
        return true;
    }
    return false;
}

void buttons_frame_drawn(app_t *a, int64_t frame_done_us)
{
    if (!a->button_at_us || !a->cfg->stats)
        return;
    int64_t lat;
    if (a->button_edge_ns) {
        /* From the kernel's timestamp of the edge: debounce included. */
        lat = frame_done_us - a->button_edge_ns / 1000;
    } else {
        /* Scripted edges live in virtual time: from the moment the press was certain. */
        lat = frame_done_us - a->button_at_us;
    }
    a->button_at_us = 0;
    if (a->latencies == a->latencies_cap) {
        size_t cap = a->latencies_cap ? a->latencies_cap * 2 : 64;
        int64_t *p = realloc(a->latency_us, cap * sizeof *p);
        if (!p)
            return;
        a->latency_us = p;
        a->latencies_cap = cap;
    }
    a->latency_us[a->latencies++] = lat;
}
