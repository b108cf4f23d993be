/* The staff session: getting in with a PIN after a long press of the staff button, the guard
 * that slows down guessing, and the staff screen that closes itself. Pure: the PIN is checked
 * by the app (libsodium, the crypto edge) through a pending check, time comes in as an
 * argument, and the figures shown come from the store through the app. */
#ifndef KIOSK_STAFF_H
#define KIOSK_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

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

/* What the staff screen shows; filled by the app from the store and the file system. A
 * figure that could not be read is -1 and shows as a dash. */
typedef struct {
    int64_t records_today, records_week, not_exported, requests_waiting, misuse_flagged,
        timed_out_week;
    int64_t last_export_ms; /* UTC; 0: never */
    char last_export_stick[64];
    int64_t db_bytes, free_bytes;
    int64_t last_check_ms; /* UTC of the last integrity check; 0: never */
    int64_t moved_aside;   /* damaged databases set aside, kept for staff */
    int64_t now_ms;        /* the kiosk's clock (UTC), shown so staff can compare */
    bool clock_synced;     /* the kernel says the clock is synchronised (NTP) */
} staff_stats_t;

/* The pages of the open staff screen. */
typedef enum {
    STAFF_PAGE_FIGURES, /* counts and storage health */
    STAFF_PAGE_ERASE,   /* a reference code typed on the code's own keypad */
    STAFF_PAGE_CONFIRM, /* "erase the contact details of request ...?" */
    STAFF_PAGE_ERASING  /* the app is erasing (its pending work) */
} staff_page_t;

/* What the last erase did, said on the erase page. */
typedef enum { ERASE_NONE, ERASE_DONE, ERASE_NOT_FOUND, ERASE_FAILED } erase_result_t;

typedef struct {
    staff_state_t state;
    staff_page_t page;
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
} staff_t;

/* A long press of the staff button (or F12): the PIN keypad appears. no_pin: this kiosk has no
 * PIN provisioned. Returns true when the screen changed. */
bool staff_request(staff_t *s, bool no_pin, int64_t now_ms);

/* A digit, the delete key, OK, or Close on the PIN keypad or the staff screen. */
bool staff_digit(staff_t *s, char digit, int64_t now_ms);
bool staff_delete(staff_t *s, int64_t now_ms);
bool staff_ok(staff_t *s, int64_t now_ms); /* a PIN long enough: STAFF_CHECKING */
bool staff_close(staff_t *s);

/* The staff screen's pages: Erase contact details opens the code keypad; a key types one
 * character of REFCODE_ALPHABET (index); Erase asks for confirmation once the code is
 * complete; Confirm makes it the app's pending work; Back goes one page back. */
bool staff_erase_page(staff_t *s, int64_t now_ms);
bool staff_ref_key(staff_t *s, int index, int64_t now_ms);
bool staff_ref_delete(staff_t *s, int64_t now_ms);
bool staff_erase_ask(staff_t *s, int64_t now_ms);
bool staff_erase_confirm(staff_t *s, int64_t now_ms);
bool staff_back(staff_t *s, int64_t now_ms);
/* The erase the app must do (the code), or NULL; then its result. */
const char *staff_pending_erase(const staff_t *s);
void staff_erase_done(staff_t *s, erase_result_t result, int64_t now_ms);

/* The check's result: right opens the staff screen, wrong counts towards the waits and clears
 * the PIN. Either way the typed digits are wiped. */
void staff_checked(staff_t *s, bool right, int64_t now_ms);

/* Milliseconds to wait before the next PIN is taken (0: none). */
int64_t staff_wait_ms(const staff_t *s, int64_t now_ms);

/* Closes the staff screens after STAFF_IDLE_MS untouched, and ends a wait that is over.
 * Returns true when the screen changed. */
bool staff_tick(staff_t *s, int64_t now_ms);
/* When the staff screens next need a redraw: the idle close, or the next second of a wait
 * shown on the keypad (INT64_MAX: nothing). */
int64_t staff_next_deadline(const staff_t *s, int64_t now_ms);

#endif
