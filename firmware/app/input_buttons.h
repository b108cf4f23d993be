/* Physical buttons as an input source of the loop: raw edges (from the GPIO edge's watcher
 * thread, or a script's) go through the core's debouncer, and each event that becomes certain
 * goes to the sink the caller gave, with its pin and its line's debounce state. Stuck lines
 * are logged here. Keeps pointers to the pin map and the sink's data, which the caller owns
 * and keeps until button_input_close(). */
#ifndef KIOSK_INPUT_BUTTONS_H
#define KIOSK_INPUT_BUTTONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buttons.h"
#include "core/staff.h"

typedef struct gpio gpio_t;

/* line: the debouncer's state of the event's line, valid for the call only. */
typedef void (*button_sink_fn)(const button_event_t *e, const pin_t *pin,
                               const debounce_line_t *line, void *user_data);

typedef struct {
    const pinmap_t *map; /* NULL when no pin map is configured */
    gpio_t *gpio;        /* NULL: no GPIO (a desktop, or scripted edges) */
    bool scripted;       /* edges come from a script */
    debouncer_t deb;
    button_sink_fn sink;
    void *sink_data;
} button_input_t;

/* Starts watching the pin map's lines (map NULL or empty: no buttons). scripted: take edges
 * from button_input_edge() only, not from GPIO. wake(wake_data) is called from the watcher
 * thread when edges wait. Failing lines are logged; the kiosk runs on touch and keys. */
void button_input_open(button_input_t *b, const pinmap_t *map, bool scripted, int64_t now_ns,
                       void (*wake)(void *), void *wake_data, button_sink_fn sink, void *sink_data);
/* Closes the GPIO edge (safe to call twice); b itself is the caller's, not NULL. */
void button_input_close(button_input_t *b);
/* Feeds queued GPIO edges to the debouncer and hands what became certain at now_ns to the
 * sink, oldest first. */
void button_input_process(button_input_t *b, int64_t now_ns);
/* The debouncer's next deadline in milliseconds, INT64_MAX when none. */
int64_t button_input_deadline_ms(const button_input_t *b);
/* A scripted edge: pin pressed or released at ts_ns. */
void button_input_edge(button_input_t *b, size_t pin, bool pressed, int64_t ts_ns);
/* The first pin doing action (index for faces), or -1. */
int button_input_find(const button_input_t *b, button_action_t action, int index);
/* A button's name for the log: "face 1", "next", "staff". */
typedef struct {
    char s[32];
} button_name_t;
button_name_t button_pin_name(const pin_t *pin);
/* The technician's button test: each button's name, line and counts. */
void button_input_fill_test(const button_input_t *b, staff_tech_t *t);

#endif
