/* libgpiod backend of the buttons: one request per pin (so one busy line does not take the
 * others down), both edges, bias and active-low from the pin map, kernel timestamps. A
 * watcher thread sleeps in poll() and queues edges for the main thread. Built against the v1
 * API (libgpiod 1.6, Debian 12) or the v2 API (libgpiod 2.x, Debian 13) by KIOSK_GPIOD_V2. */
#include "buttons/gpio.h"

#include <errno.h>
#include <gpiod.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/kerr.h"

#define QUEUE_SIZE 256
#define CONSUMER "kiosk"

typedef struct {
    bool requested;
    bool initial;
    int fd;
#ifdef KIOSK_GPIOD_V2
    struct gpiod_chip *chip;
    struct gpiod_line_request *req;
    unsigned int offset;
#else
    struct gpiod_chip *chip;
    struct gpiod_line *line;
#endif
} line_t;
/* A pin's chip "auto" means: the first chip (gpiochip0..15) that has a line of its name. */

struct gpio {
    const pinmap_t *map;
    line_t lines[PINMAP_MAX_PINS];
    int stop_fd;
    pthread_t thread;
    bool running;
    void (*wake)(void *user_data);
    void *wake_data;
    pthread_mutex_t lock;
    gpio_edge_t queue[QUEUE_SIZE];
    size_t head, count;
    uint64_t dropped;
#ifdef KIOSK_GPIOD_V2
    struct gpiod_edge_event_buffer *events;
#endif
};

static int errno_to_kiosk(int e)
{
    switch (e) {
    case EACCES:
    case EPERM:
        return KIOSK_EACCES;
    case EBUSY:
        return KIOSK_EBUSY;
    case ENOMEM:
        return KIOSK_ENOMEM;
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return KIOSK_ENOENT;
    default:
        return KIOSK_EIO;
    }
}

static const char *why(int e)
{
    switch (e) {
    case EACCES:
    case EPERM:
        return "permission denied (is the kiosk user in the gpio group?)";
    case EBUSY:
        return "line already in use by another program";
    case ENOENT:
    case ENODEV:
        return "no such chip or line";
    default:
        return strerror(e);
    }
}

static void report(gpio_log_fn log, void *ud, const pin_t *pin, size_t i, const char *what, int e)
{
    char msg[512], line[48], name[32];
    if (pin->line_name[0])
        snprintf(line, sizeof line, "line '%s'", pin->line_name);
    else
        snprintf(line, sizeof line, "line %d", pin->offset);
    if (pin->action == BUTTON_FACE)
        snprintf(name, sizeof name, "face %d", pin->index + 1);
    else
        snprintf(name, sizeof name, "%s", button_action_name(pin->action));
    snprintf(msg, sizeof msg, "button %zu (%s) on %s %s: %s: %s; that button is off, touch works",
             i, name, pin->chip, line, what, why(e));
    if (log)
        log(msg, ud);
}

#ifdef KIOSK_GPIOD_V2

const char *gpio_library_version(void)
{
    static char v[64];
    snprintf(v, sizeof v, "libgpiod %s (v2 API)", gpiod_api_version());
    return v;
}

/* v2 opens chips by path only: accept "gpiochip0", "/dev/gpiochip0" or a chip label. */
static struct gpiod_chip *open_chip(const char *name)
{
    char path[96];
    if (name[0] == '/')
        return gpiod_chip_open(name);
    snprintf(path, sizeof path, "/dev/%s", name);
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (chip || errno != ENOENT)
        return chip;
    for (int i = 0; i < 64; i++) {
        snprintf(path, sizeof path, "/dev/gpiochip%d", i);
        chip = gpiod_chip_open(path);
        if (!chip)
            continue;
        struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
        bool match = info && strcmp(gpiod_chip_info_get_label(info), name) == 0;
        gpiod_chip_info_free(info);
        if (match)
            return chip;
        gpiod_chip_close(chip);
    }
    errno = ENOENT;
    return NULL;
}

static int request_line(gpio_t *g, size_t i, gpio_log_fn log, void *ud)
{
    const pin_t *pin = &g->map->pins[i];
    line_t *l = &g->lines[i];
    int e = 0;
    struct gpiod_line_settings *settings = NULL;
    struct gpiod_line_config *lcfg = NULL;
    struct gpiod_request_config *rcfg = NULL;
    int off = -1;
    if (strcmp(pin->chip, "auto") == 0) {
        /* The chip that has a line of this name: the Pi 5 renumbered its header chip. */
        for (int c = 0; c < 16 && off < 0; c++) {
            char name[16];
            snprintf(name, sizeof name, "gpiochip%d", c);
            if (!(l->chip = open_chip(name)))
                continue;
            off = gpiod_chip_get_line_offset_from_name(l->chip, pin->line_name);
            if (off < 0) {
                gpiod_chip_close(l->chip);
                l->chip = NULL;
            }
        }
        if (!l->chip) {
            report(log, ud, pin, i, "no chip has this line", ENOENT);
            return KIOSK_ENOENT;
        }
    } else {
        l->chip = open_chip(pin->chip);
        if (!l->chip) {
            e = errno;
            report(log, ud, pin, i, "cannot open chip", e);
            return errno_to_kiosk(e);
        }
        off = pin->line_name[0] ? gpiod_chip_get_line_offset_from_name(l->chip, pin->line_name)
                                : pin->offset;
    }
    if (off < 0) {
        e = errno ? errno : ENOENT;
        report(log, ud, pin, i, "cannot find line", e);
        goto fail;
    }
    l->offset = (unsigned int)off;
    settings = gpiod_line_settings_new();
    lcfg = gpiod_line_config_new();
    rcfg = gpiod_request_config_new();
    if (!settings || !lcfg || !rcfg) {
        e = ENOMEM;
        goto fail;
    }
    static const enum gpiod_line_bias biases[] = {GPIOD_LINE_BIAS_AS_IS, GPIOD_LINE_BIAS_DISABLED,
                                                  GPIOD_LINE_BIAS_PULL_UP,
                                                  GPIOD_LINE_BIAS_PULL_DOWN};
    gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
    gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH);
    gpiod_line_settings_set_bias(settings, biases[pin->bias]);
    gpiod_line_settings_set_active_low(settings, pin->active_low);
    gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC);
    gpiod_request_config_set_consumer(rcfg, CONSUMER);
    if (gpiod_line_config_add_line_settings(lcfg, &l->offset, 1, settings) != 0) {
        e = errno;
        goto fail;
    }
    l->req = gpiod_chip_request_lines(l->chip, rcfg, lcfg);
    if (!l->req) {
        e = errno;
        report(log, ud, pin, i, "cannot request line", e);
        goto fail;
    }
    l->initial = gpiod_line_request_get_value(l->req, l->offset) == GPIOD_LINE_VALUE_ACTIVE;
    l->fd = gpiod_line_request_get_fd(l->req);
    l->requested = true;
    gpiod_line_settings_free(settings);
    gpiod_line_config_free(lcfg);
    gpiod_request_config_free(rcfg);
    return KIOSK_OK;
fail:
    gpiod_line_settings_free(settings);
    gpiod_line_config_free(lcfg);
    gpiod_request_config_free(rcfg);
    gpiod_chip_close(l->chip);
    l->chip = NULL;
    return errno_to_kiosk(e);
}

static void release_line(line_t *l)
{
    if (l->req)
        gpiod_line_request_release(l->req);
    if (l->chip)
        gpiod_chip_close(l->chip);
    l->req = NULL;
    l->chip = NULL;
}

/* Reads what the line's fd holds into edges; returns how many, or -1 on error. */
static int read_edges(gpio_t *g, size_t i, gpio_edge_t *out, int max)
{
    line_t *l = &g->lines[i];
    int n = gpiod_line_request_read_edge_events(l->req, g->events, (size_t)max);
    for (int k = 0; k < n; k++) {
        struct gpiod_edge_event *ev =
            gpiod_edge_event_buffer_get_event(g->events, (unsigned long)k);
        out[k] =
            (gpio_edge_t){i, gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE,
                          (int64_t)gpiod_edge_event_get_timestamp_ns(ev)};
    }
    return n;
}

#else /* libgpiod v1 */

const char *gpio_library_version(void)
{
    static char v[64];
    snprintf(v, sizeof v, "libgpiod %s", gpiod_version_string());
    return v;
}

static int request_line(gpio_t *g, size_t i, gpio_log_fn log, void *ud)
{
    const pin_t *pin = &g->map->pins[i];
    line_t *l = &g->lines[i];
    int e;
    if (strcmp(pin->chip, "auto") == 0) {
        /* The chip that has a line of this name: the Pi 5 renumbered its header chip. */
        for (int c = 0; c < 16 && !l->line; c++) {
            char name[16];
            snprintf(name, sizeof name, "gpiochip%d", c);
            if (!(l->chip = gpiod_chip_open_lookup(name)))
                continue;
            if (!(l->line = gpiod_chip_find_line(l->chip, pin->line_name))) {
                gpiod_chip_close(l->chip);
                l->chip = NULL;
            }
        }
        if (!l->chip) {
            report(log, ud, pin, i, "no chip has this line", ENOENT);
            return KIOSK_ENOENT;
        }
    } else {
        /* By name, number, path or label. */
        l->chip = gpiod_chip_open_lookup(pin->chip);
        if (!l->chip) {
            e = errno ? errno : ENOENT;
            report(log, ud, pin, i, "cannot open chip", e);
            return errno_to_kiosk(e);
        }
        l->line = pin->line_name[0] ? gpiod_chip_find_line(l->chip, pin->line_name)
                                    : gpiod_chip_get_line(l->chip, (unsigned int)pin->offset);
    }
    if (!l->line) {
        e = errno ? errno : ENOENT;
        report(log, ud, pin, i, "cannot find line", e);
        goto fail;
    }
    static const int biases[] = {0, GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE,
                                 GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP,
                                 GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN};
    struct gpiod_line_request_config cfg = {
        .consumer = CONSUMER,
        .request_type = GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES,
        .flags = biases[pin->bias] | (pin->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0),
    };
    if (gpiod_line_request(l->line, &cfg, 0) != 0) {
        e = errno;
        report(log, ud, pin, i, "cannot request line", e);
        goto fail;
    }
    int v = gpiod_line_get_value(l->line);
    l->initial = v == 1;
    l->fd = gpiod_line_event_get_fd(l->line);
    if (l->fd < 0) {
        e = errno;
        gpiod_line_release(l->line);
        goto fail;
    }
    l->requested = true;
    return KIOSK_OK;
fail:
    gpiod_chip_close(l->chip);
    l->chip = NULL;
    l->line = NULL;
    return errno_to_kiosk(e);
}

static void release_line(line_t *l)
{
    if (l->line && l->requested)
        gpiod_line_release(l->line);
    if (l->chip)
        gpiod_chip_close(l->chip);
    l->line = NULL;
    l->chip = NULL;
}

static int read_edges(gpio_t *g, size_t i, gpio_edge_t *out, int max)
{
    struct gpiod_line_event ev[16];
    if (max > 16)
        max = 16;
    int n = gpiod_line_event_read_fd_multiple(g->lines[i].fd, ev, (unsigned int)max);
    for (int k = 0; k < n; k++)
        out[k] = (gpio_edge_t){i, ev[k].event_type == GPIOD_LINE_EVENT_RISING_EDGE,
                               (int64_t)ev[k].ts.tv_sec * 1000000000 + ev[k].ts.tv_nsec};
    return n;
}

#endif

int gpio_open(const pinmap_t *map, gpio_log_fn log, void *user_data, gpio_t **out)
{
    *out = NULL;
    gpio_t *g = calloc(1, sizeof *g);
    if (!g)
        return KIOSK_ENOMEM;
    g->map = map;
    g->stop_fd = -1;
    pthread_mutex_init(&g->lock, NULL);
#ifdef KIOSK_GPIOD_V2
    g->events = gpiod_edge_event_buffer_new(16);
    if (!g->events) {
        gpio_close(g);
        return KIOSK_ENOMEM;
    }
#endif
    int last = KIOSK_ENOENT;
    size_t got = 0;
    for (size_t i = 0; i < map->n; i++) {
        g->lines[i].fd = -1;
        int rc = request_line(g, i, log, user_data);
        if (rc == KIOSK_OK)
            got++;
        else
            last = rc;
    }
    if (got == 0) {
        gpio_close(g);
        return last;
    }
    *out = g;
    return KIOSK_OK;
}

bool gpio_has(const gpio_t *g, size_t pin)
{
    return g && pin < g->map->n && g->lines[pin].requested;
}

bool gpio_initial(const gpio_t *g, size_t pin)
{
    return gpio_has(g, pin) && g->lines[pin].initial;
}

static void push(gpio_t *g, const gpio_edge_t *e, int n)
{
    pthread_mutex_lock(&g->lock);
    for (int k = 0; k < n; k++) {
        if (g->count == QUEUE_SIZE) {
            g->head = (g->head + 1) % QUEUE_SIZE; /* drop the oldest */
            g->count--;
            g->dropped++;
        }
        g->queue[(g->head + g->count) % QUEUE_SIZE] = e[k];
        g->count++;
    }
    pthread_mutex_unlock(&g->lock);
}

static void *watch(void *arg)
{
    gpio_t *g = arg;
    struct pollfd p[PINMAP_MAX_PINS + 1];
    size_t idx[PINMAP_MAX_PINS + 1];
    nfds_t n = 0;
    p[n] = (struct pollfd){.fd = g->stop_fd, .events = POLLIN};
    idx[n++] = SIZE_MAX;
    for (size_t i = 0; i < g->map->n; i++) {
        if (!g->lines[i].requested)
            continue;
        p[n] = (struct pollfd){.fd = g->lines[i].fd, .events = POLLIN};
        idx[n++] = i;
    }
    for (;;) {
        /* Sleeps until an edge or the stop signal: no timeout, no polling loop. */
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents)
            break;
        bool any = false;
        for (nfds_t k = 1; k < n; k++) {
            if (!(p[k].revents & POLLIN))
                continue;
            gpio_edge_t edges[16];
            int got = read_edges(g, idx[k], edges, 16);
            if (got > 0) {
                push(g, edges, got);
                any = true;
            }
        }
        if (any && g->wake)
            g->wake(g->wake_data);
    }
    return NULL;
}

int gpio_start(gpio_t *g, void (*wake)(void *user_data), void *user_data)
{
    g->wake = wake;
    g->wake_data = user_data;
    g->stop_fd = eventfd(0, EFD_CLOEXEC);
    if (g->stop_fd < 0)
        return errno_to_kiosk(errno);
    if (pthread_create(&g->thread, NULL, watch, g) != 0) {
        close(g->stop_fd);
        g->stop_fd = -1;
        return KIOSK_ENOMEM;
    }
    g->running = true;
    return KIOSK_OK;
}

size_t gpio_take(gpio_t *g, gpio_edge_t *out, size_t max)
{
    pthread_mutex_lock(&g->lock);
    size_t n = g->count < max ? g->count : max;
    for (size_t k = 0; k < n; k++)
        out[k] = g->queue[(g->head + k) % QUEUE_SIZE];
    g->head = (g->head + n) % QUEUE_SIZE;
    g->count -= n;
    pthread_mutex_unlock(&g->lock);
    return n;
}

uint64_t gpio_dropped(const gpio_t *g)
{
    return g->dropped;
}

void gpio_close(gpio_t *g)
{
    if (!g)
        return;
    if (g->running) {
        uint64_t one = 1;
        if (write(g->stop_fd, &one, sizeof one) == sizeof one)
            pthread_join(g->thread, NULL);
    }
    if (g->stop_fd >= 0)
        close(g->stop_fd);
    for (size_t i = 0; i < PINMAP_MAX_PINS; i++)
        release_line(&g->lines[i]);
#ifdef KIOSK_GPIOD_V2
    gpiod_edge_event_buffer_free(g->events);
#endif
    pthread_mutex_destroy(&g->lock);
    free(g);
}
