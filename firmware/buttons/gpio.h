/* The GPIO edge: the only code that includes libgpiod (v1 or v2, chosen at configure time).
 * Requests the pin map's lines for both edges with the kernel's timestamps, and hands raw
 * edges to the main thread; debouncing is the core's (core/buttons.h). */
#ifndef KIOSK_GPIO_H
#define KIOSK_GPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buttons.h"

typedef struct gpio gpio_t;

typedef struct {
    size_t pin;    /* index into the pin map */
    bool pressed;  /* the line's logical level: active-low is already applied */
    int64_t ts_ns; /* kernel timestamp, CLOCK_MONOTONIC */
} gpio_edge_t;

/* Called with a line of text for the log (a missing chip, a busy line, ...). */
typedef void (*gpio_log_fn)(const char *msg, void *user_data);

/* Requests every pin of map that can be had; each one that cannot (no such chip or line,
 * busy, no permission) is reported once through log and left out, so the kiosk runs on what
 * works. Returns KIOSK_OK with *out set when at least one line was requested, else
 * KIOSK_ENOENT (or KIOSK_EACCES, KIOSK_EBUSY) with *out NULL. *out is the caller's, to free
 * with gpio_close(). The map must outlive *out; log and user_data are used during the call
 * only. */
int gpio_open(const pinmap_t *map, gpio_log_fn log, void *user_data, gpio_t **out);

/* Whether pin was requested, and its level at the time of the request. */
bool gpio_has(const gpio_t *g, size_t pin);
bool gpio_initial(const gpio_t *g, size_t pin);

/* Starts the watcher thread: it sleeps in poll() on the lines, queues their edges, and calls
 * wake (from that thread) so that the main loop drains them with gpio_take(). wake and
 * user_data are kept: valid until gpio_close(). */
int gpio_start(gpio_t *g, void (*wake)(void *user_data), void *user_data);

/* Moves queued edges into out (at most max), oldest first; thread-safe. */
size_t gpio_take(gpio_t *g, gpio_edge_t *out, size_t max);

/* Edges dropped because the queue was full (the debouncer copes: a level seen twice is
 * ignored). */
uint64_t gpio_dropped(const gpio_t *g);

/* Stops the thread, releases the lines and the chips; accepts NULL. */
void gpio_close(gpio_t *g);

/* "libgpiod 1.6.3" or "libgpiod 2.1.3 (v2 API)": a static buffer that each call rewrites (the
 * same text; not for two threads at once). */
const char *gpio_library_version(void);

#endif
