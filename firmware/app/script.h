/* Scripted input for tests, demos and benchmarks (README, "Scripts"): taps, drags, keys and
 * text go in as real events through the UI edge, buttons as edges through the debouncer, waits
 * advance the virtual clock, and expectations stop the run (exit status 3) when the kiosk is
 * not where it should be. It works on the host below, which the app fills once with pointers
 * into its own state and keeps for the run. */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "app/input_buttons.h"
#include "app/quiet.h"
#include "core/flow.h"
#include "core/staff.h"
#include "core/view.h"
#include "ui/ui.h"

/* Every pointer points into the app's state and stays valid for the run. */
typedef struct {
    FILE *file; /* the script; the app opens and closes it */
    int line;   /* the line being run, for messages */
    const app_config_t *cfg;
    ui_t *ui;
    const view_t *view;  /* the view on screen */
    flow_t *const *flow; /* the residents' flow (a pack switch replaces it) */
    const staff_t *staff;
    const quiet_t *quiet;
    const char *notice;     /* the staff notice on the home screen, "" for none */
    int64_t *virtual_ms;    /* the loop's clock in a scripted run */
    int64_t *wall_shift_ms; /* "clock": the wall clock's shift */
    int *wall_synced;       /* "clock": 0 or 1 for the synchronised flag, -1 the kernel's */
    button_input_t *buttons;
    bool timed;       /* a "wait" came since the last input: the next one comes then, even
                         while the screen is settling (a double tap) */
    int *exit_status; /* set to 3 when an expectation fails */
    bool *quit;       /* set when the run must stop */
    /* The app's work: take the buttons' edges now; a stick mounted at path, or a new look at
     * the mounts for a NULL path. */
    void (*buttons_turn)(void *ud);
    void (*stick)(void *ud, const char *path);
    /* an audio output device plugged in (a headset): router_audio_device_added() */
    void (*audio_added)(void *ud);
    /* "hold-startup-check" (first line: the check waits) and "release-startup-check" */
    bool *hold_check;
    void *ud;
} script_t;

/* Runs the next command; false at the end of the script, on "quit" or on a failure. */
bool script_step(script_t *s);
/* A staff page's name in scripts and screenshot names ("menu", "clock", "button-test"; "?"
 * for none): static storage. */
const char *script_staff_page_name(staff_page_t p);

#endif
