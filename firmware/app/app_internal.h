/* Internal to the application: the state of the one event loop, shared by app.c (the loop,
 * store and drawing), script.c (scripted input) and input_buttons.c (physical buttons). */
#ifndef KIOSK_APP_INTERNAL_H
#define KIOSK_APP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "core/buttons.h"
#include "core/content.h"
#include "core/flow.h"
#include "core/staff.h"
#include "core/view.h"
#include "store/store.h"
#include "ui/ui.h"

typedef struct gpio gpio_t;
typedef struct system system_t;
typedef struct logring logring_t;
typedef struct usb_sticks usb_sticks_t;

typedef struct {
    const app_config_t *cfg;
    content_t *content;
    char notice[256];
    flow_t *flow;
    store_t *store;
    bool store_ok;
    int64_t store_checked_ms;
    int64_t retention_ms; /* when retention last ran */
    ui_t *ui;
    view_t *view;
    int pressed;  /* widget under a finger, or -1 */
    bool drawing; /* a finger is down on the touch test's drawing surface */
    bool dirty;
    /* scripted runs */
    FILE *script;
    int script_line;
    int64_t virtual_ms; /* script time: advanced by "wait" */
    int exit_status;
    bool quit;
    /* automatic screenshots */
    char last_shot_key[160];
    int shot_seq;
    /* measurements: start to first frame, and the cost of each frame */
    int64_t started_us;
    bool first_frame_done;
    int64_t *frame_us;
    size_t frames, frames_cap;
    /* physical buttons: raw edges (GPIO or script) through the debouncer */
    gpio_t *gpio;
    debouncer_t deb;
    bool buttons;           /* a pin map is configured */
    int64_t button_at_us;   /* when the last button event was acted on (for latency) */
    int64_t button_edge_ns; /* the kernel time of its edge, 0 for scripted edges */
    int64_t *latency_us;
    size_t latencies, latencies_cap;
    /* staff sticks */
    usb_sticks_t *usb;
    /* the system edge (service manager, power, backlight, facts) and the technician's log */
    system_t *sys;
    logring_t *logring;
    /* staff screens */
    staff_t staff;
    int64_t store_checked_utc_ms; /* when the start-up integrity check ran */
    char content_from[16];        /* "installed", "configured" or "built-in" */
    /* opening hours and quiet mode */
    int64_t last_input_ms;           /* the last touch, key or button */
    bool attract;                    /* the attract screen is up (quiet, home untouched) */
    bool quiet_override;             /* staff switched quiet mode by hand ... */
    int64_t quiet_override_until_ms; /* ... until the schedule's next change (UTC) */
    int backlight_saved;             /* the brightness before dimming */
} app_t;

/* The attract screen comes this long after the last input, outside opening hours. */
#define QUIET_ATTRACT_AFTER_MS 60000

__attribute__((format(printf, 2, 3))) void log_line(const char *level, const char *fmt, ...);
int64_t mono_us(void);
/* Monotonic milliseconds: real, or the script's virtual clock. */
int64_t now_ms(const app_t *a);
/* The wall clock for a record: UTC, local offset, whether it is synchronised. */
record_time_t record_time(void);
void activate(app_t *a, const widget_t *w);
void redraw(app_t *a);
/* Performs the storage operation the flow waits for, if any. */
void perform_op(app_t *a);

/* app.c: opens the store if needed and checks there is room. */
void app_check_store(app_t *a);
/* Loads the pack the kiosk should run now (installed, previous, configured) and starts the
 * residents' screens on it; on failure nothing changes and err says why. */
int app_reload_content(app_t *a, char *err, size_t errlen);

/* quiet.c: opening hours, the attract screen and the backlight. */
void quiet_process(app_t *a);
/* An input: the kiosk wakes (and the attract timer starts again). */
void quiet_input(app_t *a);
int64_t quiet_deadline(const app_t *a);
void quiet_fill_hours(app_t *a, staff_hours_t *h);
/* Staff: quiet now / open now until the schedule's next change, or back to the schedule. */
void quiet_toggle(app_t *a);
/* When the centre opens again, for the attract screen (NULL: not known). */
const char *quiet_reopens(const app_t *a);

/* staff_screens.c */
void app_data_dir(const app_t *a, char *buf, size_t len);
void staff_fill_stats(app_t *a);
/* A valid staff or technician token (or one that only allows content updates: the content
 * page) on a stick opened the staff screens. */
void staff_open_token(app_t *a, staff_role_t role, bool content_only);
/* The stick of the staff screens went: they close if it opened them. */
void staff_stick_gone(app_t *a);
/* When <data dir>/self-test-pending exists (provisioning leaves it for the first boot), opens
 * the technician's self-test page. */
void staff_self_test_at_start(app_t *a);
/* The touch test's drawing surface was touched at (x, y). */
void staff_canvas(app_t *a, const widget_t *canvas, int x, int y);
bool staff_active(const app_t *a);
/* The staff button held (or F12): the PIN keypad. */
void staff_enter(app_t *a);
/* Performs the pending PIN check, if any. */
void staff_process(app_t *a);
void staff_activate(app_t *a, const widget_t *w);
/* Text from a desktop keyboard on the staff screens: PIN digits, or a reference code. */
bool staff_type(app_t *a, const char *text);

/* script.c: runs the next command; false at the end of the script or on failure. */
bool script_step(app_t *a);
/* A staff page's name in scripts and screenshot names ("menu", "clock", "button-test"). */
const char *script_staff_page_name(staff_page_t p);

/* input_buttons.c */
void buttons_open(app_t *a);
void buttons_close(app_t *a);
/* Feeds queued GPIO edges to the debouncer and acts on what became certain. */
void buttons_process(app_t *a);
/* Next debouncer deadline in the loop's milliseconds, INT64_MAX when none. */
int64_t buttons_deadline_ms(const app_t *a);
/* A scripted press of the button doing action (index for faces), held for hold_ms. */
bool buttons_script_press(app_t *a, button_action_t action, int index, int hold_ms);
/* Measured edge-to-frame latencies, after a redraw. */
void buttons_frame_drawn(app_t *a, int64_t frame_done_us);
/* The technician's button test: each button's name, line and counts. */
void buttons_fill_test(app_t *a);

/* sticks.c: staff sticks (off unless the configuration names the organisation's keys
 * and a mount directory). */
void usb_open(app_t *a);
void usb_close(app_t *a);
/* Notices new sticks (the watcher thread's flag) and handles waiting ones between residents. */
void usb_process(app_t *a);
/* Looks at the mounts now (scripts; the watcher does it on every mount change). */
void usb_rescan(app_t *a);
/* A stick at path (scripts stand in for a mount with this). */
void usb_stick_inserted(app_t *a, const char *path);
/* The stick whose token allows content updates, while it is in; else NULL. */
const char *usb_content_stick(const app_t *a);

#endif
