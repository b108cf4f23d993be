/* The staff session: the PIN keypad's rules, the growing waits after wrong PINs, and the
 * screens closing themselves. The PIN check itself is the app's (libsodium); here its result
 * is given. */
#include <string.h>

#include "check.h"
#include "core/staff.h"

static void type(staff_t *s, const char *digits, int64_t now)
{
    for (const char *d = digits; *d; d++)
        staff_digit(s, *d, now);
}

static void right_pin_opens_and_wipes_the_digits(void)
{
    staff_t s = {0};
    CHECK(staff_request(&s, false, 0));
    CHECK_INT(s.state, STAFF_PIN);
    CHECK(!staff_request(&s, false, 0)); /* a second long press changes nothing */
    type(&s, "123", 1);
    CHECK(!staff_ok(&s, 2)); /* too short */
    CHECK(!staff_digit(&s, 'x', 2));
    type(&s, "4", 2);
    CHECK_STR(s.pin, "1234");
    CHECK(staff_delete(&s, 3));
    CHECK_STR(s.pin, "123");
    type(&s, "45", 3);
    CHECK(staff_ok(&s, 4));
    CHECK_INT(s.state, STAFF_CHECKING);
    CHECK(!staff_close(&s)); /* not while the check runs */
    staff_checked(&s, true, 5);
    CHECK_INT(s.state, STAFF_OPEN);
    CHECK_STR(s.pin, ""); /* the digits do not outlive the check */
    CHECK(staff_close(&s));
    CHECK_INT(s.state, STAFF_CLOSED);
}

static void pin_is_bounded(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    for (int i = 0; i < 20; i++)
        staff_digit(&s, '7', 1);
    CHECK_INT((int)strlen(s.pin), STAFF_PIN_MAX);
}

static void wrong_pins_wait_longer_each_time(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    int64_t now = 1000;
    /* Typos are free. */
    for (int i = 1; i < STAFF_FREE_TRIES; i++) {
        type(&s, "0000", now);
        CHECK(staff_ok(&s, now));
        staff_checked(&s, false, now);
        CHECK(s.wrong);
        CHECK_INT(staff_wait_ms(&s, now), 0);
    }
    int64_t expect = STAFF_FIRST_WAIT_MS;
    for (int i = 0; i < 8; i++) {
        type(&s, "0000", now);
        CHECK(staff_ok(&s, now));
        staff_checked(&s, false, now);
        CHECK_INT(staff_wait_ms(&s, now), expect);
        /* While waiting, nothing is taken, not even digits. */
        CHECK(!staff_digit(&s, '1', now + 1));
        CHECK(!staff_ok(&s, now + expect - 1));
        CHECK_INT(staff_next_deadline(&s, now + 1) <= now + 1000, 1); /* the countdown */
        now += expect;
        CHECK(staff_tick(&s, now)); /* the wait is over: redraw */
        CHECK_INT(staff_wait_ms(&s, now), 0);
        expect = expect * 2 > STAFF_MAX_WAIT_MS ? STAFF_MAX_WAIT_MS : expect * 2;
    }
    CHECK_INT(expect, STAFF_MAX_WAIT_MS); /* capped */
    /* The right PIN resets the count. */
    type(&s, "2468", now);
    staff_ok(&s, now);
    staff_checked(&s, true, now);
    CHECK_INT(s.failures, 0);
    staff_close(&s);
    staff_request(&s, false, now);
    type(&s, "0000", now);
    staff_ok(&s, now);
    staff_checked(&s, false, now);
    CHECK_INT(staff_wait_ms(&s, now), 0);
}

static void closing_and_reopening_does_not_reset_the_wait(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    for (int i = 0; i < STAFF_FREE_TRIES; i++) {
        type(&s, "1111", 0);
        staff_ok(&s, 0);
        staff_checked(&s, false, 0);
    }
    CHECK(staff_wait_ms(&s, 0) > 0);
    staff_close(&s);
    staff_request(&s, false, 10);
    CHECK(staff_wait_ms(&s, 10) > 0);
    CHECK(!staff_digit(&s, '1', 10));
}

static void no_pin_provisioned_takes_none(void)
{
    staff_t s = {0};
    staff_request(&s, true, 0);
    CHECK(s.no_pin);
    CHECK(!staff_digit(&s, '1', 1));
    CHECK(!staff_ok(&s, 1));
}

static void screens_close_when_untouched(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    CHECK_INT(staff_next_deadline(&s, 0), STAFF_IDLE_MS);
    type(&s, "12", 1000);
    CHECK(!staff_tick(&s, STAFF_IDLE_MS)); /* the digit was a touch */
    CHECK(staff_tick(&s, 1000 + STAFF_IDLE_MS));
    CHECK_INT(s.state, STAFF_CLOSED);
    CHECK_STR(s.pin, "");
    CHECK_INT(staff_next_deadline(&s, 0), INT64_MAX);
    staff_request(&s, false, 0);
    type(&s, "1234", 0);
    staff_ok(&s, 0);
    staff_checked(&s, true, 0);
    CHECK(staff_tick(&s, STAFF_IDLE_MS));
    CHECK_INT(s.state, STAFF_CLOSED);
}

static staff_t opened(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    type(&s, "1234", 0);
    staff_ok(&s, 0);
    staff_checked(&s, true, 0);
    return s;
}

static void erasing_a_contact_asks_first(void)
{
    staff_t s = opened();
    CHECK(!staff_pending_erase(&s));
    CHECK(!staff_ref_key(&s, 0, 1)); /* not on the figures page */
    CHECK(staff_erase_page(&s, 1));
    CHECK_INT(s.page, STAFF_PAGE_ERASE);
    CHECK(!staff_ref_key(&s, 20, 1)); /* past the alphabet */
    CHECK(!staff_ref_key(&s, -1, 1));
    for (int i = 0; i < 5; i++)
        CHECK(staff_ref_key(&s, i, 1));
    CHECK(!staff_erase_ask(&s, 1)); /* five of six characters */
    CHECK(staff_ref_key(&s, 19, 1));
    CHECK(!staff_ref_key(&s, 0, 1)); /* six is all */
    CHECK_STR(s.ref, "ACDEF9");
    CHECK(staff_ref_delete(&s, 1));
    CHECK(staff_ref_key(&s, 16, 1));
    CHECK_STR(s.ref, "ACDEF3");
    CHECK(staff_erase_ask(&s, 2));
    CHECK_INT(s.page, STAFF_PAGE_CONFIRM);
    CHECK(!staff_pending_erase(&s)); /* nothing before the confirmation */
    CHECK(staff_back(&s, 3));        /* changed their mind */
    CHECK_INT(s.page, STAFF_PAGE_ERASE);
    CHECK_STR(s.ref, "ACDEF3");
    staff_erase_ask(&s, 4);
    CHECK(staff_erase_confirm(&s, 5));
    CHECK_STR(staff_pending_erase(&s), "ACDEF3");
    CHECK(!staff_close(&s)); /* not while the erase runs */
    CHECK(!staff_back(&s, 5));
    staff_erase_done(&s, ERASE_DONE, 6);
    CHECK(!staff_pending_erase(&s));
    CHECK_INT(s.page, STAFF_PAGE_ERASE);
    CHECK_INT(s.erase_result, ERASE_DONE);
    CHECK_STR(s.erased_ref, "ACDEF3");
    CHECK_STR(s.ref, ""); /* ready for the next code */
    CHECK(staff_back(&s, 7));
    CHECK_INT(s.page, STAFF_PAGE_FIGURES);
    CHECK(staff_close(&s));
    CHECK_INT(s.page, STAFF_PAGE_FIGURES); /* the next staff member starts on the figures */
}

int main(void)
{
    RUN(erasing_a_contact_asks_first);
    RUN(right_pin_opens_and_wipes_the_digits);
    RUN(pin_is_bounded);
    RUN(wrong_pins_wait_longer_each_time);
    RUN(closing_and_reopening_does_not_reset_the_wait);
    RUN(no_pin_provisioned_takes_none);
    RUN(screens_close_when_untouched);
    return check_failures != 0;
}
