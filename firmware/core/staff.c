/* The staff session (see staff.h). */
#include "core/staff.h"

#include <stdio.h>
#include <string.h>

static void wipe_pin(staff_t *s)
{
    volatile char *p = s->pin;
    for (size_t i = 0; i < sizeof s->pin; i++)
        p[i] = '\0';
}

bool staff_request(staff_t *s, bool no_pin, int64_t now_ms)
{
    if (s->state != STAFF_CLOSED)
        return false;
    wipe_pin(s);
    s->state = STAFF_PIN;
    s->wrong = false;
    s->no_pin = no_pin;
    s->last_input_ms = now_ms;
    return true;
}

int64_t staff_wait_ms(const staff_t *s, int64_t now_ms)
{
    return s->locked_until_ms > now_ms ? s->locked_until_ms - now_ms : 0;
}

bool staff_digit(staff_t *s, char digit, int64_t now_ms)
{
    if (s->state != STAFF_PIN || digit < '0' || digit > '9')
        return false;
    s->last_input_ms = now_ms;
    size_t n = strlen(s->pin);
    if (n >= STAFF_PIN_MAX || s->no_pin || staff_wait_ms(s, now_ms) > 0)
        return false;
    s->pin[n] = digit;
    s->pin[n + 1] = '\0';
    s->wrong = false;
    return true;
}

bool staff_delete(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_PIN)
        return false;
    s->last_input_ms = now_ms;
    size_t n = strlen(s->pin);
    if (n == 0)
        return false;
    s->pin[n - 1] = '\0';
    return true;
}

bool staff_ok(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_PIN)
        return false;
    s->last_input_ms = now_ms;
    if (s->no_pin || strlen(s->pin) < STAFF_PIN_MIN || staff_wait_ms(s, now_ms) > 0)
        return false;
    s->state = STAFF_CHECKING;
    return true;
}

bool staff_close(staff_t *s)
{
    if (s->state == STAFF_CLOSED || s->state == STAFF_CHECKING ||
        (s->state == STAFF_OPEN && s->page == STAFF_PAGE_ERASING))
        return false;
    wipe_pin(s);
    s->state = STAFF_CLOSED;
    s->page = STAFF_PAGE_FIGURES;
    s->ref[0] = '\0';
    s->erase_result = ERASE_NONE;
    s->wrong = false;
    return true;
}

void staff_checked(staff_t *s, bool right, int64_t now_ms)
{
    if (s->state != STAFF_CHECKING)
        return;
    wipe_pin(s);
    s->last_input_ms = now_ms;
    if (right) {
        s->failures = 0;
        s->locked_until_ms = 0;
        s->wrong = false;
        s->state = STAFF_OPEN;
        s->page = STAFF_PAGE_FIGURES;
        return;
    }
    s->failures++;
    s->wrong = true;
    s->state = STAFF_PIN;
    if (s->failures >= STAFF_FREE_TRIES) {
        int64_t wait = STAFF_FIRST_WAIT_MS;
        for (int i = STAFF_FREE_TRIES; i < s->failures && wait < STAFF_MAX_WAIT_MS; i++)
            wait *= 2;
        if (wait > STAFF_MAX_WAIT_MS)
            wait = STAFF_MAX_WAIT_MS;
        s->locked_until_ms = now_ms + wait;
    }
}

bool staff_tick(staff_t *s, int64_t now_ms)
{
    if ((s->state == STAFF_PIN || s->state == STAFF_OPEN) &&
        now_ms - s->last_input_ms >= STAFF_IDLE_MS) {
        staff_close(s);
        return true;
    }
    if (s->locked_until_ms > 0 && now_ms >= s->locked_until_ms) {
        s->locked_until_ms = 0; /* the wait is over: the keypad takes digits again */
        return true;
    }
    return false;
}

int64_t staff_next_deadline(const staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_PIN && s->state != STAFF_OPEN)
        return INT64_MAX;
    int64_t d = s->last_input_ms + STAFF_IDLE_MS;
    if (s->state == STAFF_PIN && staff_wait_ms(s, now_ms) > 0) {
        /* The countdown on the keypad changes every second. */
        int64_t next_second = now_ms + 1000 - (s->locked_until_ms - now_ms) % 1000;
        if (next_second < d)
            d = next_second;
    }
    return d;
}

static bool on_page(staff_t *s, staff_page_t page, int64_t now_ms)
{
    if (s->state != STAFF_OPEN || s->page != page)
        return false;
    s->last_input_ms = now_ms;
    return true;
}

bool staff_erase_page(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_FIGURES, now_ms))
        return false;
    s->page = STAFF_PAGE_ERASE;
    s->ref[0] = '\0';
    s->erase_result = ERASE_NONE;
    return true;
}

bool staff_ref_key(staff_t *s, int index, int64_t now_ms)
{
    static const char alphabet[] = REFCODE_ALPHABET;
    if (!on_page(s, STAFF_PAGE_ERASE, now_ms) || index < 0 || index >= (int)sizeof alphabet - 1)
        return false;
    size_t n = strlen(s->ref);
    if (n >= RECORD_REF_LEN)
        return false;
    s->ref[n] = alphabet[index];
    s->ref[n + 1] = '\0';
    s->erase_result = ERASE_NONE;
    return true;
}

bool staff_ref_delete(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_ERASE, now_ms) || !s->ref[0])
        return false;
    s->ref[strlen(s->ref) - 1] = '\0';
    return true;
}

bool staff_erase_ask(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_ERASE, now_ms) || strlen(s->ref) != RECORD_REF_LEN)
        return false;
    s->page = STAFF_PAGE_CONFIRM;
    return true;
}

bool staff_erase_confirm(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_CONFIRM, now_ms))
        return false;
    s->page = STAFF_PAGE_ERASING;
    return true;
}

bool staff_back(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_OPEN || s->page == STAFF_PAGE_FIGURES || s->page == STAFF_PAGE_ERASING)
        return false;
    s->last_input_ms = now_ms;
    s->page = s->page == STAFF_PAGE_CONFIRM ? STAFF_PAGE_ERASE : STAFF_PAGE_FIGURES;
    return true;
}

const char *staff_pending_erase(const staff_t *s)
{
    return s->state == STAFF_OPEN && s->page == STAFF_PAGE_ERASING ? s->ref : NULL;
}

void staff_erase_done(staff_t *s, erase_result_t result, int64_t now_ms)
{
    if (!staff_pending_erase(s))
        return;
    s->last_input_ms = now_ms;
    snprintf(s->erased_ref, sizeof s->erased_ref, "%s", s->ref);
    s->erase_result = result;
    s->ref[0] = '\0';
    s->page = STAFF_PAGE_ERASE; /* the result, and the keypad for the next code */
}
