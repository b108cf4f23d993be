/* Modes: the residents' flow, the staff screens and the attract screen behind one small
 * interface (take an input, advance time, report the next deadline, build the view), so the
 * app's one router hands every input (touch, key, physical button, script) to whichever mode
 * is active and no mode reaches into the app. Pure: time and the view on screen come in as
 * arguments; what a mode cannot do itself (read the store, set the clock, toggle quiet mode)
 * it asks for through the flags its input returns. */
#ifndef KIOSK_MODE_H
#define KIOSK_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buttons.h"
#include "core/content.h"
#include "core/flow.h"
#include "core/staff.h"
#include "core/view.h"

/* One input, whatever device it came from. */
typedef enum {
    IN_TOUCH,     /* a finger went down on target w (NULL: none) at (x, y) */
    IN_DRAG,      /* a finger moved to (x, y) over target w (NULL: none) */
    IN_ACTIVATE,  /* target w was tapped (pressed and released on it), or selected */
    IN_NAV,       /* nav: the focus ring moves, selects, goes back or home */
    IN_FACE,      /* face: a quick-rating face button (0 = worst) */
    IN_TEXT,      /* text: typed UTF-8 (a keyboard or an input method) */
    IN_BACKSPACE, /* the last character typed goes */
    IN_LANG,      /* the next language */
    IN_HELP,      /* speech on and the focus ring; again: say the screen again */
    IN_BUTTON,    /* a physical button's raw event (button, kind), for the button test */
    IN_LIFT       /* the finger that was drawing on a surface (area) was lifted at (x, y) */
} input_kind_t;

typedef struct {
    input_kind_t kind;
    const widget_t *w; /* IN_TOUCH, IN_DRAG, IN_ACTIVATE: in the view on screen */
    int x, y;          /* IN_TOUCH, IN_DRAG, IN_LIFT: logical pixels */
    rect_t area;       /* IN_DRAG, IN_LIFT: the drawing surface the finger went down on */
    nav_t nav;         /* IN_NAV */
    int face;          /* IN_FACE */
    const char *text;  /* IN_TEXT: valid for the call only */
    size_t button;     /* IN_BUTTON: index in the pin map */
    button_event_kind_t button_kind;
    uint32_t button_bounces; /* IN_BUTTON: the debouncer's count of ignored bounces */
} input_t;

/* What a mode's input or tick asks of the app, besides a redraw. */
enum {
    MODE_REDRAW = 1u << 0,          /* the view changed */
    MODE_STAFF_REFRESH = 1u << 1,   /* a page opened: fill its figures from the store */
    MODE_STAFF_CLOCK = 1u << 2,     /* the clock page opened: start it at the local time */
    MODE_STAFF_QUIET = 1u << 3,     /* switch quiet mode by hand, then refill the hours */
    MODE_STAFF_SELF_TEST = 1u << 4, /* the technician finished the first boot's self-test */
    MODE_STAFF_CLOSED = 1u << 5,    /* the staff screens were closed by a staff member */
    MODE_STAFF_VOLUME = 1u << 6     /* the technician's volume: apply staff.volume, sound it */
};

/* What every mode's view is built from, besides the mode's own state. Every pointer is the
 * caller's, read during the build call only. */
typedef struct {
    int width, height;
    const text_metrics_t *tm;
    int64_t now_ms;
    const content_t *content;
    const char *lang;
    const char *notice;     /* residents: a staff notice on the home screen, or NULL */
    const char *reopens;    /* attract: when the centre opens again, or NULL */
    int32_t utc_offset_min; /* local time = UTC + this (dates on the staff pages) */
} mode_frame_t;

/* A mode's operations: static tables; self is the mode's state, owned by the app, and no
 * operation keeps in or v (or the frame) beyond the call. */
typedef struct {
    const char *name; /* static */
    /* Acts on one input; v is the view on screen (targets, the focus ring). Returns MODE_*
     * flags. */
    unsigned (*input)(void *self, const input_t *in, const view_t *v, int64_t now_ms);
    /* Advances time; true when the view changed. */
    bool (*tick)(void *self, int64_t now_ms);
    /* The next moment tick has something to do, INT64_MAX for none. */
    int64_t (*deadline)(const void *self, int64_t now_ms);
    void (*build)(const void *self, view_t *v, const mode_frame_t *frame);
} mode_ops_t;

/* self: a flow_t. */
extern const mode_ops_t mode_residents;
/* self: a staff_t. */
extern const mode_ops_t mode_staff;
/* The staff mode takes physical buttons' raw events (IN_BUTTON) instead of their meaning: the
 * technician's button test is open. */
bool mode_staff_takes_buttons(const staff_t *s);
/* self: unused (NULL). Any input only wakes the kiosk, which the router does. */
extern const mode_ops_t mode_attract;

#endif
