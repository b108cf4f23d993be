/* The staff session: getting in with a PIN after a long press of the staff button, the guard
 * that slows down guessing, and the staff screen that closes itself. Pure: the PIN is checked
 * by the app (libsodium, the crypto edge) through a pending check, time comes in as an
 * argument, and the figures shown come from the store through the app.
 * Ownership: staff_t is a plain value the app owns (no allocation, nothing to free); no
 * function keeps a pointer it is given (texts are copied). */
#ifndef KIOSK_STAFF_H
#define KIOSK_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "core/stats.h"

#define STAFF_PIN_MIN 4
#define STAFF_PIN_MAX 12
/* Wrong PINs allowed before the first wait; then waits double from STAFF_FIRST_WAIT_MS up to
 * STAFF_MAX_WAIT_MS. A typo costs nothing; guessing a 6-digit PIN takes years. */
#define STAFF_FREE_TRIES 3
#define STAFF_FIRST_WAIT_MS 30000
#define STAFF_MAX_WAIT_MS (15 * 60 * 1000)
/* The PIN screen and the staff screen close after this long untouched. */
#define STAFF_IDLE_MS 120000

typedef enum {
    STAFF_CLOSED,   /* residents' screens */
    STAFF_PIN,      /* the PIN keypad */
    STAFF_CHECKING, /* the PIN is being checked (the app's pending work) */
    STAFF_OPEN      /* the staff screen */
} staff_state_t;

/* Who is at the kiosk: staff (the PIN, or a staff token) or a technician (a technician token,
 * or the technician PIN). Technicians see everything staff see, and the technician pages. */
typedef enum { STAFF_ROLE_STAFF = 1, STAFF_ROLE_TECHNICIAN = 2 } staff_role_t;

/* How they got in: the screens opened by a stick close when the stick is pulled out. */
typedef enum {
    STAFF_VIA_PIN,
    STAFF_VIA_TOKEN,
    STAFF_VIA_SELF_TEST /* the first boot after provisioning: the self-test page only */
} staff_via_t;

/* The pages of the open staff screen. */
typedef enum {
    STAFF_PAGE_MENU,            /* the staff screen's first page: one button a task */
    STAFF_PAGE_FIGURES,         /* counts and storage health */
    STAFF_PAGE_ERASE,           /* a reference code typed on the code's own keypad */
    STAFF_PAGE_CONFIRM,         /* "erase the contact details of request ...?" */
    STAFF_PAGE_CONTENT,         /* the active pack, packs on the stick, rollback */
    STAFF_PAGE_CONTENT_CONFIRM, /* "switch to ...?" / "go back to ...?" */
    STAFF_PAGE_CLOCK,           /* the clock, and setting it when it is not synchronised */
    STAFF_PAGE_HOURS,           /* opening hours and quiet mode */
    STAFF_PAGE_TECH,            /* technician: versions, display, network, actions */
    STAFF_PAGE_TECH_BUTTONS,    /* technician: each button lights when pressed */
    STAFF_PAGE_TECH_TOUCH,      /* technician: a grid and a drawing surface */
    STAFF_PAGE_TECH_LOG,        /* technician: the latest log lines */
    STAFF_PAGE_POWER_CONFIRM,   /* "restart / reboot / shut down?" */
    STAFF_PAGE_WORKING,         /* the app does the pending work (see staff_work_t) */
    STAFF_PAGE_SELF_TEST,       /* first boot: storage, clock, display, touch, buttons */
    STAFF_PAGE_COUNT
} staff_page_t;

/* Work a page hands to the app (it needs the store, the file system or the system). */
typedef enum {
    STAFF_WORK_NONE,
    STAFF_WORK_ERASE,         /* erase the contact details of ref */
    STAFF_WORK_PACK_INSTALL,  /* switch to the chosen pack on the stick */
    STAFF_WORK_PACK_ROLLBACK, /* go back to the previous pack */
    STAFF_WORK_SET_CLOCK,     /* set the clock to the edited date and time */
    STAFF_WORK_RESTART,       /* restart the kiosk service */
    STAFF_WORK_REBOOT,
    STAFF_WORK_POWEROFF
} staff_work_t;

/* A content pack found on the stick, as the content page lists it. */
#define STAFF_MAX_PACKS 4
typedef struct {
    char name[64]; /* the file's name on the stick */
    char id[64];   /* the pack's id and version, when it is valid */
    char version[32];
    bool ok;
    char why[72]; /* why it was refused: file, place, reason (cut; the log has it whole) */
} staff_pack_t;

typedef struct {
    char active_id[64], active_version[32];
    char active_from[16];                       /* "installed", "configured", "built-in" */
    char previous_id[64], previous_version[32]; /* "" when there is none to go back to */
    bool stick; /* a stick whose token allows content updates is in */
    staff_pack_t packs[STAFF_MAX_PACKS];
    size_t npacks;
} staff_content_t;

/* Opening hours as the hours page shows them (the app formats them from the configuration). */
typedef struct {
    bool configured;  /* false: always open */
    char week[7][64]; /* Monday first: "08:00–20:00", "" when closed */
    int today;        /* 0 = Monday */
    bool open_now;    /* the schedule says open now */
    bool overridden;  /* staff switched quiet mode by hand until the next change */
    bool quiet;       /* the result: the kiosk is quiet now */
    char until[16];   /* "HH:MM" or "Mon HH:MM": when the schedule next changes; "" never */
} staff_hours_t;

/* The technician's view of a button. */
typedef struct {
    char name[24]; /* "face 1", "next", "staff" */
    char line[32]; /* "GPIO17", or "line 17" */
    uint32_t presses, bounces;
    bool lit; /* pressed now */
} staff_button_t;

#define STAFF_TOUCH_COLS 6
#define STAFF_TOUCH_ROWS 4
#define STAFF_TOUCH_POINTS 64
#define STAFF_LOG_LINES 14
typedef struct {
    char kiosk_id[64];
    char display[96];   /* "800x480, rotation 0, kmsdrm" */
    char versions[192]; /* "kiosk 0.6.0 · SDL 2.26.5 · ..." */
    char system[192];   /* "Debian GNU/Linux 12 (bookworm) · kernel 6.1.0-rpi · host · up 3 d" */
    char network[256];  /* one line an interface */
    char log[STAFF_LOG_LINES][160];
    size_t nlog;
    staff_button_t buttons[16];
    size_t nbuttons;
    bool buttons_live; /* the GPIO lines are watched (else: none could be had) */
    /* the touch test: cells touched (bits, row-major) and the latest points, in screen px */
    uint32_t touched;
    int touch_x[STAFF_TOUCH_POINTS], touch_y[STAFF_TOUCH_POINTS];
    size_t ntouch; /* points kept: the latest STAFF_TOUCH_POINTS */
    size_t touch_total;
} staff_tech_t;

/* The first boot's self-test: what the app measured (storage, clock, display); touch and
 * buttons come from the touch and button tests (staff_corners_touched, staff_buttons_pressed). */
typedef enum { CHECK_TODO, CHECK_PASSED, CHECK_FAILED, CHECK_WARN } check_state_t;
typedef struct {
    check_state_t storage;
    char storage_detail[96]; /* "64 KiB written, synced and read back in 12 ms", or the error */
    int storage_ms;
} staff_self_test_t;

/* Corners of the touch test's grid touched (0..4): worn panels fail at the edges first. */
int staff_corners_touched(const staff_tech_t *t);
/* Buttons pressed at least once on the button test; missing (the caller's, len bytes) gets
 * the names of the others ("help, staff"). */
size_t staff_buttons_pressed(const staff_tech_t *t, char *missing, size_t len);

/* The technician page's volume: steps of STAFF_VOLUME_STEP within 0..100; STAFF_NO_AUDIO in
 * staff_t.volume: the kiosk has no audio device (the page says so and offers no buttons). */
#define STAFF_VOLUME_STEP 10
#define STAFF_VOLUME_MAX 100
#define STAFF_NO_AUDIO (-1)

/* The date and time staff type in, local time: year, month, day, hour, minute. */
enum { CLOCK_YEAR, CLOCK_MONTH, CLOCK_DAY, CLOCK_HOUR, CLOCK_MINUTE, CLOCK_FIELDS };

/* What the last erase did, said on the erase page. */
typedef enum { ERASE_NONE, ERASE_DONE, ERASE_NOT_FOUND, ERASE_FAILED } erase_result_t;

typedef struct {
    staff_state_t state;
    staff_page_t page;
    staff_role_t role;
    staff_via_t via;
    staff_work_t work;       /* the pending work, on STAFF_PAGE_WORKING */
    staff_page_t work_page;  /* the page the work's result is shown on */
    char result[200];        /* what the last work did, said on its page */
    bool result_bad;         /* it failed: say it as an alert */
    int chosen_pack;         /* the pack asked about on STAFF_PAGE_CONTENT_CONFIRM */
    int clock[CLOCK_FIELDS]; /* the date and time being set */
    int focus;               /* the focus ring (physical buttons), or -1 */
    staff_content_t content;
    staff_hours_t hours;
    staff_tech_t tech;
    staff_self_test_t self_test;
    char ref[8];        /* the reference code typed so far */
    char erased_ref[8]; /* the code the last result is about */
    erase_result_t erase_result;
    char pin[STAFF_PIN_MAX + 1]; /* digits typed so far */
    int failures;                /* wrong PINs in a row */
    int64_t locked_until_ms;     /* no PIN is taken before this */
    int64_t last_input_ms;
    bool wrong;          /* the last PIN was wrong: say so on the keypad */
    bool no_pin;         /* no PIN is provisioned: say so, take none */
    staff_stats_t stats; /* the staff screen's figures */
    int volume;          /* the sound's level 0..100 the app set (STAFF_NO_AUDIO: no device) */
} staff_t;

/* A long press of the staff button (or F12): the PIN keypad appears. no_pin: this kiosk has no
 * PIN provisioned. Returns true when the screen changed. */
bool staff_request(staff_t *s, bool no_pin, int64_t now_ms);

/* A valid staff or technician token on a stick: the staff screen opens without a PIN (also
 * over the PIN keypad). Returns true when the screen changed. */
bool staff_open_by_token(staff_t *s, staff_role_t role, int64_t now_ms);

/* The first boot after provisioning: the self-test page opens for the technician without a
 * PIN; from it only the touch and button tests are reachable, and it ends for good (the app
 * removes its flag) when it is finished or closed. */
bool staff_open_self_test(staff_t *s, int64_t now_ms);

/* A page of the menu (or of the technician page). Pages a role may not see are refused. */
bool staff_page(staff_t *s, staff_page_t page, int64_t now_ms);
/* Whether the role may open the page. */
bool staff_may(const staff_t *s, staff_page_t page);

/* The content page: ask about pack i of the list (valid ones only), or about going back to the
 * previous pack (i = -1); Confirm makes it the app's work. */
bool staff_pack_ask(staff_t *s, int i, int64_t now_ms);
bool staff_pack_confirm(staff_t *s, int64_t now_ms);

/* The clock page: starts editing from the kiosk's local time; field up (+1) or down (-1),
 * wrapping, the day kept valid for the month; Set makes it the app's work (only when the
 * clock is not synchronised: a synchronised clock is right, and NTP would undo it). */
void staff_clock_start(staff_t *s, int year, int month, int day, int hour, int minute);
bool staff_clock_adjust(staff_t *s, int field, int delta, int64_t now_ms);
bool staff_clock_set(staff_t *s, int64_t now_ms);
int staff_days_in_month(int year, int month);

/* The technician page's power actions: ask (restart, reboot, power off), then Confirm. */
bool staff_power_ask(staff_t *s, staff_work_t work, int64_t now_ms);
bool staff_power_confirm(staff_t *s, int64_t now_ms);

/* The work the app must do now (STAFF_WORK_NONE: none), then its result: the page it came
 * from shows the message (bad: as an alert; copied, cut to fit s->result; NULL: none). */
staff_work_t staff_pending_work(const staff_t *s);
void staff_work_done(staff_t *s, bool ok, const char *message, int64_t now_ms);

/* The technician page's volume row: delta -1 (down) or +1 (up) moves s->volume one step,
 * clamped to 0..STAFF_VOLUME_MAX; 0 is "Test sound" (the level unchanged). Returns true when the
 * press is taken (the technician page is open and there is an audio device), also at a limit:
 * the app then applies the level and plays a sample at it (MODE_STAFF_VOLUME). */
bool staff_volume(staff_t *s, int delta, int64_t now_ms);

/* The touch test: a point touched on the drawing surface (the view's canvas rect). */
bool staff_touch_point(staff_t *s, int x, int y, int cell, int64_t now_ms);
bool staff_touch_clear(staff_t *s, int64_t now_ms);

/* The focus ring for the physical buttons on the staff screens: dir +1 next, -1 previous,
 * over n targets. Returns true when it moved. A touch hides it (staff_focus_hide). */
bool staff_focus_move(staff_t *s, int dir, int n, int64_t now_ms);
void staff_focus_hide(staff_t *s);

/* A digit, the delete key, OK, or Close on the PIN keypad or the staff screen. */
bool staff_digit(staff_t *s, char digit, int64_t now_ms);
bool staff_delete(staff_t *s, int64_t now_ms);
bool staff_ok(staff_t *s, int64_t now_ms); /* a PIN long enough: STAFF_CHECKING */
bool staff_close(staff_t *s);

/* The erase page (staff_page STAFF_PAGE_ERASE): a key types one character of
 * REFCODE_ALPHABET (index); Erase asks for confirmation once the code is complete; Confirm
 * makes it the app's pending work; Back goes one page back (from the menu: nowhere). */
bool staff_ref_key(staff_t *s, int index, int64_t now_ms);
bool staff_ref_delete(staff_t *s, int64_t now_ms);
bool staff_erase_ask(staff_t *s, int64_t now_ms);
bool staff_erase_confirm(staff_t *s, int64_t now_ms);
bool staff_back(staff_t *s, int64_t now_ms);
/* The erase the app must do (the code: points into s, valid until the next call that changes
 * s), or NULL; then its result. */
const char *staff_pending_erase(const staff_t *s);
void staff_erase_done(staff_t *s, erase_result_t result, int64_t now_ms);

/* The check's result: right opens the staff screen for the PIN's role (0: wrong), wrong counts
 * towards the waits and clears the PIN. Either way the typed digits are wiped. */
void staff_checked(staff_t *s, staff_role_t role, int64_t now_ms);

/* Milliseconds to wait before the next PIN is taken (0: none). */
int64_t staff_wait_ms(const staff_t *s, int64_t now_ms);

/* Closes the staff screens after STAFF_IDLE_MS untouched, and ends a wait that is over.
 * Returns true when the screen changed. */
bool staff_tick(staff_t *s, int64_t now_ms);
/* When the staff screens next need a redraw: the idle close, or the next second of a wait
 * shown on the keypad (INT64_MAX: nothing). */
int64_t staff_next_deadline(const staff_t *s, int64_t now_ms);

#endif
