/* The app's side of the staff screens (the state machine is core/staff.c, its input the staff
 * mode of core/mode.h): what the pages show (figures from the store and the file system, the
 * content packs, the clock, opening hours, the technician's facts), the PIN check, the work
 * the pages hand over (erase, switch packs, set the clock, restart, reboot, power off), the
 * technician's volume and the first boot's self-test. It works on the host below, which the app
 * fills once with pointers into its own state and keeps for the run; it reaches the app only
 * through the host's two callbacks. */
#ifndef KIOSK_STAFF_SCREENS_H
#define KIOSK_STAFF_SCREENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/input_buttons.h"
#include "app/quiet.h"
#include "app/saving.h"
#include "app/speaker.h"
#include "app/volume.h"
#include "audio/audio.h"
#include "core/content.h"
#include "core/flow.h"
#include "core/record.h"
#include "core/staff.h"
#include "system/sysinfo.h"
#include "system/system.h"
#include "ui/ui.h"
#include "usb/packs.h"
#include "usb/sticks.h"

/* Every pointer points into the app's state and stays valid for the run. */
typedef struct {
    staff_t *staff;
    const app_config_t *cfg;
    system_t *sys;
    logring_t *logring;
    ui_t *ui;
    const button_input_t *buttons;
    saving_t *saving;
    quiet_t *quiet;
    content_t *const *content;      /* the pack on screen (a switch replaces it) */
    flow_t *const *flow;            /* the residents' flow (its language; a switch replaces it) */
    const char *content_from;       /* where the pack came from: "installed", "configured", ... */
    usb_sticks_t *const *usb;       /* the USB edge (NULL inside: sticks are off) */
    const pack_check_t *pack_check; /* what a pack must pass beyond its rules (the fonts) */
    record_time_t *wall;            /* the loop's wall clock of this turn */
    bool *dirty;                    /* set when the screen must be drawn again */
    bool *quit;                     /* set when the kiosk should stop (the technician's restart) */
    bool self_testing;              /* the first boot's self-test page is up */
    /* the store's figures on the pages, kept while the database is unchanged (the store they
     * came from, its store_changes() and the local day then); figures_kept: they are */
    bool figures_kept;
    const store_t *figures_store;
    int64_t figures_own, figures_others, figures_day;
    /* the technician's volume: the audio edge (NULL: no device, no volume row), the level in
     * force and its file, and the speaker the sample is said through */
    audio_t *audio;
    volume_t *volume;
    const speaker_t *speaker;
    /* The app's work: the loop's time; loading the installed pack and starting the residents'
     * screens on it (KIOSK_OK, or a code and err); opening the store again; the wall clock. */
    int64_t (*now_ms)(void *ud);
    record_time_t (*read_wall)(void *ud); /* the wall clock now */
    int (*reload_content)(void *ud, char *err, size_t errlen);
    void (*reopen_store)(void *ud);
    void *ud;
} staff_host_t;

/* Fills every page's facts when the screens open (a page opened or Back fills them again, but
 * reads the store's figures only when the database changed since). */
void staff_host_refresh(staff_host_t *h);
/* The figures page (from the store and the file system), read now. Prints "event=figures" on
 * standard output each time the store's figures are read. */
void staff_host_fill_stats(staff_host_t *h);
/* The content page (the pack in use, the one before, the stick's packs). */
void staff_host_fill_content(staff_host_t *h);
/* The hours page's facts (and the attract screen's reopening time) now. */
void staff_host_fill_hours(staff_host_t *h);
/* Performs the pending PIN check, or the work a page handed over, if any. */
void staff_host_process(staff_host_t *h);
/* Does what the staff mode asked for (MODE_STAFF_* flags of its input). */
void staff_host_apply(staff_host_t *h, unsigned fx);
/* When <data dir>/self-test-pending exists (provisioning leaves it for the first boot), opens
 * the technician's self-test page. */
void staff_host_self_test_at_start(staff_host_t *h);
/* Whether staff_host_self_test_at_start() will open the self-test (its storage check needs
 * the database's start-up check to have ended). */
bool staff_host_self_test_due(const staff_host_t *h);

#endif
