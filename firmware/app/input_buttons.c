/* Physical buttons as an input source of the loop (see input_buttons.h). */
#include "app/input_buttons.h"

#include <stdio.h>
#include <string.h>

#include "app/log.h"
#include "core/kerr.h"
#ifdef KIOSK_HAVE_GPIO
#include "buttons/gpio.h"
#endif

static bool enabled(const button_input_t *b)
{
    return b->map && b->map->n > 0;
}

static void name_of(const pin_t *pin, char *buf, size_t len)
{
    if (pin->action == BUTTON_FACE)
        snprintf(buf, len, "face %d", pin->index + 1);
    else
        snprintf(buf, len, "%s", button_action_name(pin->action));
}

button_name_t button_pin_name(const pin_t *pin)
{
    button_name_t n;
    name_of(pin, n.s, sizeof n.s);
    return n;
}

static void line_of(const pin_t *pin, char *buf, size_t len)
{
    if (pin->line_name[0])
        snprintf(buf, len, "%s", pin->line_name);
    else
        snprintf(buf, len, "line %d", pin->offset);
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

static void open_gpio(button_input_t *b, bool *initial, void (*wake)(void *), void *wake_data)
{
    const pinmap_t *map = b->map;
    gpio_report_t report = {.count = 0};
    int rc = gpio_open(map, gpio_log, &report, &b->gpio);
    if (rc != KIOSK_OK) {
        /* One line, not one a button, when there is no GPIO at all (a desktop PC). */
        log_line("warn",
                 "buttons: none of the %zu configured lines could be requested (%s); the "
                 "kiosk runs on touch and keys. First: %s",
                 map->n, kiosk_strerror(rc), report.lines[0]);
        return;
    }
    for (size_t i = 0; i < report.count && i < PINMAP_MAX_PINS; i++)
        log_line("warn", "%s", report.lines[i]);
    for (size_t i = 0; i < map->n; i++)
        initial[i] = gpio_initial(b->gpio, i);
    if (gpio_start(b->gpio, wake, wake_data) != KIOSK_OK) {
        log_line("error", "buttons: cannot start the GPIO watcher");
        gpio_close(b->gpio);
        b->gpio = NULL;
    } else {
        log_line("info", "buttons: %s, debounce %d ms", gpio_library_version(), map->debounce_ms);
    }
}
#endif

void button_input_open(button_input_t *b, const pinmap_t *map, bool scripted, int64_t now_ns,
                       void (*wake)(void *), void *wake_data, button_sink_fn sink, void *sink_data)
{
    *b = (button_input_t){.map = map, .scripted = scripted, .sink = sink, .sink_data = sink_data};
    if (!enabled(b))
        return;
    bool initial[PINMAP_MAX_PINS] = {false};
#ifdef KIOSK_HAVE_GPIO
    if (!scripted)
        open_gpio(b, initial, wake, wake_data);
#else
    (void)wake, (void)wake_data;
#endif
    debouncer_init(&b->deb, map, initial, now_ns);
}

void button_input_close(button_input_t *b)
{
#ifdef KIOSK_HAVE_GPIO
    gpio_close(b->gpio);
#endif
    b->gpio = NULL;
}

void button_input_fill_test(const button_input_t *b, staff_tech_t *t)
{
    t->nbuttons = 0;
    t->buttons_live = b->gpio != NULL || (b->scripted && enabled(b));
    if (!enabled(b))
        return;
    const pinmap_t *map = b->map;
    for (size_t i = 0; i < map->n && i < sizeof t->buttons / sizeof t->buttons[0]; i++) {
        staff_button_t *sb = &t->buttons[i];
        name_of(&map->pins[i], sb->name, sizeof sb->name);
        line_of(&map->pins[i], sb->line, sizeof sb->line);
        sb->bounces = b->deb.line[i].bounces;
        sb->lit = b->deb.line[i].stable;
        t->nbuttons++;
    }
}

/* A line held for the stuck time is reported once and ignored until released. */
static void log_stuck(const button_input_t *b, const pin_t *pin)
{
    char name[32], line[48];
    name_of(pin, name, sizeof name);
    line_of(pin, line, sizeof line);
    log_line("warn",
             "button %s (%s %s) held for %d s: stuck? Reported once, ignored until "
             "released",
             name, pin->chip, line, b->map->stuck_s);
}

void button_input_process(button_input_t *b, int64_t now_ns)
{
    if (!enabled(b))
        return;
#ifdef KIOSK_HAVE_GPIO
    if (b->gpio) {
        gpio_edge_t edges[64];
        size_t n;
        while ((n = gpio_take(b->gpio, edges, 64)) > 0)
            for (size_t i = 0; i < n; i++)
                debouncer_edge(&b->deb, edges[i].pin, edges[i].pressed, edges[i].ts_ns);
    }
#endif
    button_event_t ev[16];
    size_t n;
    while ((n = debouncer_poll(&b->deb, now_ns, ev, 16)) > 0)
        for (size_t i = 0; i < n; i++) {
            const pin_t *pin = &b->map->pins[ev[i].pin];
            if (ev[i].kind == BTN_STUCK)
                log_stuck(b, pin);
            else
                b->sink(&ev[i], pin, &b->deb.line[ev[i].pin], b->sink_data);
        }
}

int64_t button_input_deadline_ms(const button_input_t *b)
{
    if (!enabled(b))
        return INT64_MAX;
    int64_t ns = debouncer_next_deadline(&b->deb);
    return ns == INT64_MAX ? INT64_MAX : (ns + 999999) / 1000000;
}

void button_input_edge(button_input_t *b, size_t pin, bool pressed, int64_t ts_ns)
{
    if (enabled(b) && pin < b->map->n)
        debouncer_edge(&b->deb, pin, pressed, ts_ns);
}

int button_input_find(const button_input_t *b, button_action_t action, int index)
{
    if (!enabled(b))
        return -1;
    for (size_t i = 0; i < b->map->n; i++)
        if (b->map->pins[i].action == action &&
            (action != BUTTON_FACE || b->map->pins[i].index == index))
            return (int)i;
    return -1;
}
