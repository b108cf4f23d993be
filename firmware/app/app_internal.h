/* Internal to the application: the state of the one event loop, shared by app.c (the loop,
 * store and drawing), script.c (scripted input) and input_buttons.c (physical buttons). */
#ifndef KIOSK_APP_INTERNAL_H
#define KIOSK_APP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "app/input_buttons.h"
#include "app/log.h"
#include "app/quiet.h"
#include "app/saving.h"
#include "app/staff_screens.h"
#include "app/stats.h"
#include "core/buttons.h"
#include "core/content.h"
#include "core/flow.h"
#include "core/mode.h"
#include "core/staff.h"
#include "core/view.h"
#include "store/store.h"
#include "ui/ui.h"

typedef struct system system_t;
typedef struct logring logring_t;
typedef struct usb_sticks usb_sticks_t;

typedef struct {
    const app_config_t *cfg;
    content_t *content;
    char notice[256];
    flow_t *flow;
    saving_t saving; /* the store: open, checked, saving what the flow hands over */
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
    /* the wall clock of this turn (system/clock.c): read when the loop wakes, passed down */
    record_time_t wall;
    bool quit;
    /* automatic screenshots */
    char last_shot_key[160];
    int shot_seq;
    /* measurements: start to first frame; the cost of each frame, press to frame */
    int64_t started_us;
    bool first_frame_done;
    stats_t stats;
    /* physical buttons: raw edges (GPIO or script) through the debouncer */
    button_input_t buttons;
    /* staff sticks */
    usb_sticks_t *usb;
    /* the system edge (service manager, power, backlight, facts) and the technician's log */
    system_t *sys;
    logring_t *logring;
    /* staff screens */
    staff_t staff;
    staff_host_t staff_host; /* what the staff screens' side of the app works on */
    char content_from[16];        /* "installed", "configured" or "built-in" */
    /* opening hours and quiet mode */
    quiet_t quiet;       /* the attract screen's state (last input, staff's override) */
    int backlight_saved; /* the brightness before dimming */
} app_t;


/* Monotonic milliseconds: real, or the script's virtual clock. */
int64_t now_ms(const app_t *a);
void redraw(app_t *a);
/* Performs the storage operation the flow waits for, if any. */
void perform_op(app_t *a);

/* The mode that takes input and draws now: the staff screens while open, else the attract
 * screen while up, else the residents' flow. self points into a. */
typedef struct {
    const mode_ops_t *ops;
    void *self;
} active_mode_t;
active_mode_t app_active_mode(app_t *a);

/* app.c: opens the store if needed and checks there is room. */
void app_check_store(app_t *a);
/* Loads the pack the kiosk should run now (installed, previous, configured) and starts the
 * residents' screens on it; on failure nothing changes and err says why. */
int app_reload_content(app_t *a, char *err, size_t errlen);

/* app.c: someone is at the kiosk (any touch, key or button): the attract screen goes and its
 * minute starts again. Returns true when the attract screen was up (the input that wakes the
 * kiosk does nothing else). */
bool app_wake(app_t *a);

/* router.c: whether the staff screens are open (the PIN keypad included). */
bool staff_active(const app_t *a);

/* script.c: runs the next command; false at the end of the script or on failure. */
bool script_step(app_t *a);
/* A staff page's name in scripts and screenshot names ("menu", "clock", "button-test"). */
const char *script_staff_page_name(staff_page_t p);

/* app.c: feeds the buttons' edges to the debouncer and acts on what became certain. */
void app_buttons_turn(app_t *a);

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
