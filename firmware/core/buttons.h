/* Physical buttons, the pure part: the pin map (which GPIO line does what) read from the
 * device configuration, and the debouncer that turns timestamped raw edges into presses,
 * releases, long presses and stuck-button reports. The first edge of a quiet line is acted on
 * at once (at its own timestamp); the bounce after it is ignored for the debounce time. No libgpiod
 * here: the backend feeds edges with the kernel's timestamps, tests feed synthetic ones. */
#ifndef KIOSK_BUTTONS_H
#define KIOSK_BUTTONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse_error.h"

typedef enum {
    BUTTON_FACE,   /* quick-rating face; index: 0 = worst */
    BUTTON_PREV,   /* focus ring backwards */
    BUTTON_NEXT,   /* focus ring forwards */
    BUTTON_SELECT, /* activate the focused target */
    BUTTON_BACK,   /* back one step */
    BUTTON_HOME,   /* leave the journey */
    BUTTON_HELP,   /* help (shows the focus ring where it is) */
    BUTTON_STAFF,  /* staff entry: acts on a long press only */
    BUTTON_ACTION_COUNT
} button_action_t;

typedef enum { BIAS_AS_IS, BIAS_NONE, BIAS_PULL_UP, BIAS_PULL_DOWN } button_bias_t;

#define PINMAP_MAX_PINS 16

typedef struct {
    button_action_t action;
    int index;          /* BUTTON_FACE: which face */
    char chip[64];      /* "gpiochip0", a path, or a chip label such as "pinctrl-bcm2711" */
    char line_name[32]; /* resolve by name ("GPIO17") when set, else by offset */
    int offset;
    bool active_low; /* pressed = line low (a button to ground with a pull-up) */
    button_bias_t bias;
} pin_t;

typedef struct {
    pin_t pins[PINMAP_MAX_PINS];
    size_t n;
    int debounce_ms;   /* bounce window after an edge; quiet this long, a line's next edge
                          counts at once (default 30) */
    int long_press_ms; /* staff button (default 3000) */
    int stuck_s;       /* held longer than this: reported once as stuck (default 120) */
} pinmap_t;

/* "face", "prev", ... as used in the configuration ("unknown" out of range); static. */
const char *button_action_name(button_action_t a);

/* Parses a pin map (JSON, see board/README.md). On failure returns KIOSK_EINVAL and err holds
 * file, JSON path and reason; *map is then empty. */
int pinmap_parse(const char *json, size_t len, const char *filename, pinmap_t *map,
                 content_error_t *err);

/* What the debouncer reports. */
typedef enum {
    BTN_PRESS,   /* became pressed: at the first edge of a quiet line, or after a bounce once
                    the level held for the debounce time */
    BTN_RELEASE, /* became released */
    BTN_LONG,    /* held for long_press_ms: once a press */
    BTN_STUCK,   /* held for stuck_s: once, until released */
} button_event_kind_t;

typedef struct {
    size_t pin; /* index into the pin map */
    button_event_kind_t kind;
    int64_t edge_ns; /* when the level began: the kernel's timestamp of that edge */
    int64_t at_ns;   /* when the event became certain: the edge itself when the line was
                        quiet, else edge + debounce, or a timer */
} button_event_t;

typedef struct {
    bool raw;          /* last level seen (true = pressed) */
    int64_t raw_ns;    /* when it was seen */
    bool stable;       /* debounced level (the level last reported) */
    int64_t stable_ns; /* edge time of the debounced level */
    bool long_sent, stuck_sent;
    uint32_t bounces; /* edges sooner than the debounce time after the previous one: for the
                         technician's button test */
    bool edged;       /* an edge was seen (the level at start lasted an unknown time) */
} debounce_line_t;

typedef struct {
    debounce_line_t line[PINMAP_MAX_PINS];
    size_t n;
    int64_t debounce_ns, long_ns, stuck_ns;
    /* Events decided while feeding edges, waiting to be taken by debouncer_poll(). */
    button_event_t queue[64];
    size_t queued;
} debouncer_t;

/* Starts map's lines in the given levels (initial[i]: pressed; NULL: none pressed) at time
 * now_ns. map and initial are read during the call only: d keeps no pointer. */
void debouncer_init(debouncer_t *d, const pinmap_t *map, const bool *initial, int64_t now_ns);

/* A raw edge of pin: its new level and the kernel's timestamp. Edges of one pin must come in
 * time order; a repeated level is ignored. An edge after at least the debounce time without
 * one is certain at once (debouncer_poll() hands it out at any now_ns); an edge sooner than
 * that is bounce, and the level it leaves counts only once it has held for the debounce
 * time. So a contact that bounces, on closing or on opening, gives one press and one
 * release, also when the press is shorter than the debounce time. */
void debouncer_edge(debouncer_t *d, size_t pin, bool pressed, int64_t ts_ns);

/* Takes the events that are certain at now_ns, oldest first, into out (at most max).
 * Returns how many. */
size_t debouncer_poll(debouncer_t *d, int64_t now_ns, button_event_t *out, size_t max);

/* When the next event could become certain without a new edge (INT64_MAX: never). */
int64_t debouncer_next_deadline(const debouncer_t *d);

#endif
