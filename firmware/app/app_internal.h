/* Internal to the application: the state of the one event loop, shared by its three files,
 * app.c (the loop and the wiring of the edges), router.c (every input to the active mode) and
 * render.c (the frame, and how long the loop sleeps). Nothing else includes it: the app's other
 * modules (saving, quiet, buttons, staff screens, script) take their own state or a host of
 * pointers, and never call back into the app but through a host's callbacks. */
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
#include "app/script.h"
#include "app/speaker.h"
#include "app/speaker_audio.h"
#include "app/staff_screens.h"
#include "app/stats.h"
#include "app/volume.h"
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

/* The loop's state: lives on the stack of the run for the run. It owns content, flow, ui,
 * view, usb and the store inside saving (freed in reverse at the end of the run); cfg, sys and
 * logring are app_run()'s, borrowed for the run. */
typedef struct {
    const app_config_t *cfg;
    content_t *content;
    content_t *builtin; /* the built-in pack: the staff strings a pack lacks (loaded once) */
    char notice[512];   /* a recovery's and the hash chain's notices may come together */
    flow_t *flow;
    saving_t saving; /* the store: open, checked, saving what the flow hands over */
    ui_t *ui;
    view_t *view;
    int pressed;         /* widget under a finger, or -1 */
    bool drawing;        /* a finger is down on a drawing surface (touch test, writing pad) */
    rect_t drawing_area; /* ... which is here */
    bool dirty;
    int64_t idle_step_ms; /* the idle countdown's next step (INT64_MAX: none): drawn then */
    /* scripted runs */
    script_t script;    /* scripted input: script.file is NULL in a real run */
    int64_t virtual_ms; /* script time: advanced by "wait" */
    /* script "clock": the wall clock shifted by wall_shift_ms; wall_synced 0 or 1 stands in
     * for the kernel's synchronised flag, -1 keeps it */
    int64_t wall_shift_ms;
    int wall_synced;
    int exit_status;
    /* script "live": the real-time run under way ends at live_until_ms (0: none); the script's
     * clock is the monotonic one shifted by live_shift_ms meanwhile */
    int64_t live_until_ms, live_shift_ms;
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
    stats_t frame_cpu; /* the same frames' CPU time (this thread's), whatever else runs */
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
    pack_check_t pack_check; /* a pack must also pass this (every text drawable), or none */
    char pack_dir[1024];     /* the pack file's directory (recorded prompts are relative to it) */
    char content_from[16];   /* "installed", "configured" or "built-in" */
    /* opening hours and quiet mode */
    /* input methods (the IME edge): the engines' table the flow uses, or none */
    ime_engine_t ime;
    struct ime_engines *ime_handle;
    bool ime_on;
    quiet_t quiet;       /* the attract screen's state (last input, staff's override) */
    int backlight_saved; /* the brightness before dimming */
    /* speech and earcons: what to say after each frame, to which speaker */
    app_speech_t speech;
    audio_t *audio;            /* the audio edge, or NULL: the kiosk runs silent */
    speaker_tee_t speaker_tee; /* the audio edge and the event lines of scripted runs */
    volume_t volume;           /* the level in force (the technician's, kept, or the config's) */
} app_t;

/* Monotonic milliseconds: real, or the script's virtual clock. */
int64_t now_ms(const app_t *a);
/* The wall clock now (clock_wall(), as a script's "clock" command shifts it). */
record_time_t app_wall(const app_t *a);
/* render.c: builds the active mode's view and draws it (with the screenshot of a new screen). */
void redraw(app_t *a);
/* render.c: how long the loop may sleep (-1: until an event), to its next deadline. */
int app_wait_timeout(const app_t *a);
/* render.c: --stats at the end of the run: frame times, and how the frames were drawn. */
void app_stats_print(app_t *a);
/* render.c: one turn of a script's "live" run (script.live_ms): waits in real time. */
void app_live_turn(app_t *a);
/* The mode that takes input and draws now: the staff screens while open, else the attract
 * screen while up, else the residents' flow. self points into a. */
typedef struct {
    const mode_ops_t *ops;
    void *self;
} active_mode_t;
active_mode_t app_active_mode(app_t *a);

/* app.c: someone is at the kiosk (any touch, key or button): the attract screen goes and its
 * minute starts again. Returns true when the attract screen was up (the input that wakes the
 * kiosk does nothing else). */
bool app_wake(app_t *a);

/* router.c: whether the staff screens are open (the PIN keypad included). */
bool staff_active(const app_t *a);

#endif
