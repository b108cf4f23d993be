/* The session state machine with a fake clock: journeys, visibleIf, back and skip, idle
 * timeout, the record handed to the store, and what happens when the store fails. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "pack_util.h"

static content_t *pack;

static bool act(flow_t *f, action_t a, int arg, int64_t t)
{
    return flow_activate(f, a, arg, NULL, t);
}

/* Completes the pending save as the store would. */
static record_t *pending(flow_t *f, op_kind_t want)
{
    record_t *rec = NULL;
    op_kind_t op = flow_pending_op(f, &rec);
    return op == want ? rec : NULL;
}

static void type(flow_t *f, const char *s, int64_t t)
{
    flow_text(f, s, t);
}

static void quick_rating_is_saved_at_once_and_followup_joins_it(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    REQUIRE(f);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(flow_face(f, 2, 100));
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    CHECK_INT(rec->kind, RECORD_QUICK_RATING);
    CHECK_STR(rec->answers_json, "{\"rating\":3}");
    CHECK_STR(rec->kiosk_id, "k1");
    CHECK_STR(rec->pack_id, "default");
    CHECK_STR(rec->lang, "en");
    /* Nothing else is accepted while the save runs. */
    CHECK(!flow_face(f, 1, 110));
    strcpy(rec->uuid, "00000000-0000-4000-8000-000000000001");
    flow_op_done(f, KIOSK_OK, 120);
    char journey[64];
    session_outcome_t outcome;
    CHECK(flow_take_outcome(f, journey, &outcome));
    CHECK_STR(journey, "quick_rating");
    CHECK_INT(outcome, SESSION_COMPLETED);
    CHECK_INT(flow_screen(f), SCREEN_QUESTION);
    CHECK_STR(flow_question(f)->name, "about");
    CHECK(act(f, ACT_CHOICE, 0, 200));
    rec = pending(f, OP_UPDATE_ANSWERS);
    REQUIRE(rec);
    CHECK_STR(rec->uuid, "00000000-0000-4000-8000-000000000001");
    CHECK_STR(rec->answers_json, "{\"rating\":3,\"about\":\"STAFF\"}");
    flow_op_done(f, KIOSK_OK, 210);
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    CHECK(!flow_take_outcome(f, journey, &outcome)); /* counted once */
    /* The thank-you screen returns home by itself. */
    CHECK(!flow_tick(f, 210 + 7000));
    CHECK(flow_tick(f, 210 + 8000));
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    flow_free(f);
}

static void feedback_record_holds_codes_and_contact_only_with_consent(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    CHECK(act(f, ACT_LANG, 0, 1));
    CHECK_STR(flow_lang(f), "zh-cn");
    CHECK(act(f, ACT_JOURNEY, 0, 2));
    CHECK_STR(flow_question(f)->name, "topic");
    CHECK(!flow_can_next(f)); /* required */
    CHECK(!flow_can_skip(f));
    act(f, ACT_CHOICE, 1, 3);
    CHECK_STR(flow_question(f)->name, "rating");
    act(f, ACT_CHOICE, 3, 4);
    CHECK_STR(flow_question(f)->name, "comment");
    type(f, "太冷了 too cold", 5);
    CHECK(act(f, ACT_NEXT, 0, 6));
    CHECK_STR(flow_question(f)->name, "contactOk");
    act(f, ACT_CHOICE, 1, 7);
    CHECK_STR(flow_question(f)->name, "name");
    type(f, "Li", 8);
    act(f, ACT_NEXT, 0, 9);
    CHECK_STR(flow_question(f)->name, "phone");
    type(f, "138-0013 8000", 10); /* the keypad field keeps digits only */
    act(f, ACT_NEXT, 0, 11);
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    CHECK_INT(rec->kind, RECORD_FEEDBACK);
    CHECK_STR(rec->journey_id, "feedback");
    CHECK_STR(rec->lang, "zh-cn");
    CHECK_STR(rec->answers_json, "{\"topic\":\"FACILITIES\",\"rating\":4,\"comment\":\"太冷了 too "
                                 "cold\",\"contactOk\":true}");
    CHECK_STR(rec->contact_name, "Li");
    CHECK_STR(rec->contact_phone, "13800138000");
    CHECK(rec->consent);
    flow_op_done(f, KIOSK_OK, 20);
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    CHECK_STR(flow_lang(f), "zh-cn");
    CHECK(act(f, ACT_DONE, 0, 30));
    /* The next resident starts fresh, in the kiosk's language. */
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK_STR(flow_lang(f), "en");
    flow_free(f);
}

static void answers_hidden_by_visible_if_are_not_stored(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 0, 1);
    act(f, ACT_CHOICE, 0, 2);
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_SKIP, 0, 4);
    act(f, ACT_CHOICE, 1, 5); /* consent yes */
    CHECK_STR(flow_question(f)->name, "name");
    type(f, "Zhang", 6);
    act(f, ACT_BACK, 0, 7);
    CHECK_STR(flow_question(f)->name, "contactOk");
    act(f, ACT_CHOICE, 0, 8); /* changed mind: no */
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    CHECK(rec->contact_name == NULL);
    CHECK(rec->contact_phone == NULL);
    CHECK(!rec->consent);
    CHECK_STR(rec->answers_json,
              "{\"topic\":\"SERVICE_QUALITY\",\"rating\":1,\"contactOk\":false}");
    flow_free(f);
}

/* Walks the feedback journey to its end with contactOk = yes or no, checking that the
 * progress total never grows and that the last question is "n of n". */
static void progress_walk(bool contact)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 0, 1);
    size_t n, total, last_total = SIZE_MAX, steps = 0;
    for (int64_t t = 2; !pending(f, OP_SAVE) && t < 40; t++) {
        flow_progress(f, &n, &total);
        CHECK(total <= last_total);
        CHECK_INT(n, ++steps);
        last_total = total;
        const question_t *q = flow_question(f);
        if (q->type == Q_BOOLEAN)
            act(f, ACT_CHOICE, contact, t);
        else if (q->type == Q_TEXT && q->input == INPUT_TEL)
            type(f, "13800138000", t), act(f, ACT_NEXT, 0, t);
        else if (q->type == Q_TEXT || q->type == Q_COMMENT)
            type(f, "Li", t), act(f, ACT_NEXT, 0, t);
        else
            act(f, ACT_CHOICE, 0, t);
        if (pending(f, OP_SAVE) && contact)
            CHECK_INT(n, total); /* "6 of 6" on the last question */
        /* Declined, the journey ends at "4 of 6": the total is an upper bound. */
        CHECK(n <= total);
    }
    CHECK_INT(steps, contact ? 6 : 4);
    flow_free(f);
}

static void the_progress_total_never_grows_in_a_journey(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 0, 1);
    size_t n, total;
    flow_progress(f, &n, &total);
    CHECK_INT(total, 6); /* name and phone may show: they wait for contactOk */
    flow_free(f);
    progress_walk(true);
    progress_walk(false);
}

static void questionnaire_progress_back_and_skip(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 2, 1);
    size_t n, total;
    flow_progress(f, &n, &total);
    CHECK_INT(n, 1);
    CHECK_INT(total, 7); /* checkIns may show: it waits for livesAlone */
    act(f, ACT_CHOICE, 4, 2);
    CHECK_STR(flow_question(f)->name, "wantedServices");
    CHECK(!flow_can_next(f) || flow_can_skip(f));
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_CHOICE, 2, 4);
    act(f, ACT_CHOICE, 2, 5); /* untick */
    act(f, ACT_NEXT, 0, 6);
    CHECK_STR(flow_question(f)->name, "visits");
    CHECK(act(f, ACT_BACK, 0, 7));
    CHECK_STR(flow_question(f)->name, "wantedServices");
    CHECK(flow_answer(f)->multi == 1); /* kept on the way back */
    act(f, ACT_NEXT, 0, 8);
    act(f, ACT_SKIP, 0, 9);
    CHECK_STR(flow_question(f)->name, "livesAlone");
    act(f, ACT_CHOICE, 1, 10);
    CHECK_STR(flow_question(f)->name, "checkIns");
    flow_progress(f, &n, &total);
    CHECK_INT(n, 5);
    CHECK_INT(total, 7);
    act(f, ACT_SKIP, 0, 11);
    CHECK_STR(flow_question(f)->name, "household");
    flow_progress(f, &n, &total);
    CHECK_INT(n, 6);
    CHECK_INT(total, 7);
    type(f, "12345", 12); /* maxLength 2 */
    CHECK_STR(flow_answer(f)->text, "12");
    act(f, ACT_NEXT, 0, 13);
    act(f, ACT_SKIP, 0, 14);
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    CHECK_STR(rec->answers_json, "{\"satisfaction\":5,\"wantedServices\":[\"PSY_COUNSEL\"],"
                                 "\"livesAlone\":true,\"household\":12}");
    flow_free(f);
}

static void idle_timeout_discards_unfinished_session(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 1, 1000);
    act(f, ACT_CHOICE, 0, 2000);
    CHECK_INT(flow_next_deadline(f), 62000);
    CHECK(!flow_tick(f, 61999));
    CHECK(flow_tick(f, 62000));
    CHECK_INT(flow_overlay(f), OVERLAY_IDLE);
    CHECK_INT(flow_idle_seconds_left(f, 62000), 15);
    CHECK_INT(flow_idle_seconds_left(f, 70500), 7);
    /* A touch anywhere keeps the session and answers. */
    CHECK(flow_activate(f, ACT_IDLE_CONTINUE, 0, NULL, 71000));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK_STR(flow_question(f)->name, "forWhom");
    CHECK(flow_tick(f, 131000));
    CHECK_INT(flow_overlay(f), OVERLAY_IDLE);
    CHECK(!flow_tick(f, 145999));
    CHECK(flow_tick(f, 146000));
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    char journey[64];
    session_outcome_t outcome;
    CHECK(flow_take_outcome(f, journey, &outcome));
    CHECK_STR(journey, "service_request");
    CHECK_INT(outcome, SESSION_TIMED_OUT);
    /* Nothing of that resident is left: a new session starts empty. */
    act(f, ACT_JOURNEY, 1, 150000);
    CHECK(!flow_answer(f)->set);
    record_t *rec;
    CHECK_INT(flow_pending_op(f, &rec), OP_NONE);
    flow_free(f);
}

static void idle_home_returns_to_the_kiosk_language(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    CHECK_INT(flow_next_deadline(f), INT64_MAX); /* nothing to wait for: sleep */
    act(f, ACT_LANG, 0, 1000);
    CHECK_INT(flow_next_deadline(f), 61000);
    CHECK(flow_tick(f, 61000));
    CHECK_STR(flow_lang(f), "en");
    CHECK_INT(flow_next_deadline(f), INT64_MAX);
    /* A language chosen for a visit lasts through Home and Back on the first page... */
    act(f, ACT_LANG, 0, 70000);
    act(f, ACT_JOURNEY, 0, 70100);
    act(f, ACT_HOME, 0, 70200);
    CHECK_STR(flow_lang(f), "zh-cn");
    act(f, ACT_JOURNEY, 0, 70300);
    act(f, ACT_BACK, 0, 70400);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK_STR(flow_lang(f), "zh-cn");
    /* ...and the quick rating's follow-up and Home from it... */
    flow_face(f, 3, 70500);
    flow_op_done(f, KIOSK_OK, 70500);
    CHECK_INT(flow_screen(f), SCREEN_QUESTION);
    act(f, ACT_HOME, 0, 70600);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK_STR(flow_lang(f), "zh-cn");
    /* ...until the home screen is left untouched for the idle time. */
    CHECK(flow_tick(f, 70600 + 60000));
    CHECK_STR(flow_lang(f), "en");
    /* The thank-you's Done ends the visit too. */
    act(f, ACT_LANG, 0, 200000);
    flow_face(f, 3, 200100);
    flow_op_done(f, KIOSK_OK, 200100);
    act(f, ACT_SKIP, 0, 200200);
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    CHECK_STR(flow_lang(f), "zh-cn");
    act(f, ACT_DONE, 0, 200300);
    CHECK_STR(flow_lang(f), "en");
    flow_free(f);
}

/* Large text and high contrast: chosen from a prompt on any screen, kept through the
 * resident's session, gone for the next resident (after thanks, a timeout, or an idle home). */
static void display_choices_last_one_session(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    CHECK(act(f, ACT_DISPLAY, 0, 1));
    CHECK_INT(flow_overlay(f), OVERLAY_DISPLAY);
    CHECK(!act(f, ACT_JOURNEY, 0, 2)); /* the prompt covers the screen */
    CHECK(act(f, ACT_LARGE_TEXT, 0, 2));
    CHECK(act(f, ACT_HIGH_CONTRAST, 0, 3));
    CHECK(flow_large_text(f) && flow_high_contrast(f));
    CHECK(act(f, ACT_HIGH_CONTRAST, 0, 4)); /* a switch: again turns it off */
    CHECK(!flow_high_contrast(f));
    CHECK(act(f, ACT_HIGH_CONTRAST, 0, 5));
    CHECK(act(f, ACT_DISPLAY_CLOSE, 0, 6));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    /* Through a journey and its questions. */
    act(f, ACT_JOURNEY, 0, 7);
    CHECK_INT(flow_screen(f), SCREEN_QUESTION);
    act(f, ACT_CHOICE, 0, 8);
    CHECK(flow_large_text(f) && flow_high_contrast(f));
    /* The back button closes the prompt without changing anything. */
    act(f, ACT_DISPLAY, 0, 9);
    CHECK(flow_nav(f, NAV_BACK, 3, 10));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK(flow_large_text(f));
    /* Home, or Back on the first page, ends the journey, not the visit: the choices stay. */
    act(f, ACT_HOME, 0, 11);
    act(f, ACT_LEAVE_GO, 0, 12);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(flow_large_text(f) && flow_high_contrast(f));
    act(f, ACT_JOURNEY, 0, 13);
    CHECK(flow_nav(f, NAV_BACK, 3, 14));
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(flow_large_text(f) && flow_high_contrast(f));
    act(f, ACT_JOURNEY, 0, 15);
    act(f, ACT_CHOICE, 0, 16);
    /* The resident walks away: the timeout ends the session and the choices. */
    flow_tick(f, 16 + 60000);
    flow_tick(f, 16 + 60000 + 30000);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(!flow_large_text(f) && !flow_high_contrast(f));
    /* Chosen on the home screen by someone who then leaves: the idle home resets them. */
    int64_t t = 200000;
    act(f, ACT_DISPLAY, 0, t);
    act(f, ACT_LARGE_TEXT, 0, t);
    act(f, ACT_DISPLAY_CLOSE, 0, t);
    CHECK_INT(flow_next_deadline(f), t + 60000);
    CHECK(flow_tick(f, t + 60000));
    CHECK(!flow_large_text(f));
    CHECK_INT(flow_next_deadline(f), INT64_MAX);
    /* A finished quick rating keeps them until its thanks screen is over. */
    act(f, ACT_DISPLAY, 0, t + 70000);
    act(f, ACT_HIGH_CONTRAST, 0, t + 70000);
    act(f, ACT_DISPLAY_CLOSE, 0, t + 70000);
    flow_face(f, 2, t + 71000);
    flow_op_done(f, KIOSK_OK, t + 71000);
    CHECK(flow_high_contrast(f));
    act(f, ACT_SKIP, 0, t + 72000);
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    CHECK(flow_high_contrast(f));
    act(f, ACT_DONE, 0, t + 73000);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(!flow_high_contrast(f));
    flow_free(f);
}

static void leaving_half_way_asks_and_counts_abandoned(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 0, 1);
    CHECK(act(f, ACT_HOME, 0, 2)); /* nothing answered: leaves at once */
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    char journey[64];
    session_outcome_t outcome;
    CHECK(flow_take_outcome(f, journey, &outcome));
    CHECK_INT(outcome, SESSION_ABANDONED);
    act(f, ACT_JOURNEY, 0, 3);
    act(f, ACT_CHOICE, 0, 4);
    act(f, ACT_HOME, 0, 5);
    CHECK_INT(flow_overlay(f), OVERLAY_LEAVE);
    CHECK(!act(f, ACT_CHOICE, 0, 6)); /* the screen below is covered */
    act(f, ACT_LEAVE_STAY, 0, 7);
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK_STR(flow_question(f)->name, "rating");
    act(f, ACT_HOME, 0, 8);
    act(f, ACT_LEAVE_GO, 0, 9);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(flow_take_outcome(f, journey, &outcome));
    CHECK_STR(journey, "feedback");
    CHECK_INT(outcome, SESSION_ABANDONED);
    flow_free(f);
}

/* A double tap: the second tap, 250 ms after the face, lands on the follow-up question; the
 * tap guard ignores it, so one answer is stored. */
static void a_double_tap_records_one_answer(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    flow_set_tap_guard(f, FLOW_TAP_GUARD_MS);
    CHECK(flow_face(f, 0, 1000));
    flow_op_done(f, KIOSK_OK, 1005);
    CHECK_INT(flow_screen(f), SCREEN_QUESTION);
    CHECK(!act(f, ACT_CHOICE, 0, 1250)); /* the second tap */
    CHECK(!flow_face(f, 0, 1250));       /* a face button too */
    CHECK_INT(flow_pending_op(f, &(record_t *){NULL}), OP_NONE);
    CHECK(flow_nav(f, NAV_NEXT, 3, 1300)); /* the ring moves: no answer in that */
    CHECK(act(f, ACT_CHOICE, 0, 1005 + FLOW_TAP_GUARD_MS));
    CHECK(pending(f, OP_UPDATE_ANSWERS) != NULL);
    flow_op_done(f, KIOSK_OK, 1400);
    CHECK(!act(f, ACT_DONE, 0, 1500)); /* the thank-you just came */
    CHECK(act(f, ACT_DONE, 0, 1800));
    /* A staff message (a USB export) that the app ends at once is not guarded. */
    flow_message_t m = {.title_key = "usb.title", .body_key = "usb.done", .progress = -1,
                        .done = true, .until_ms = INT64_MAX};
    CHECK(flow_show_message(f, &m));
    CHECK(act(f, ACT_DONE, 0, 1810));
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    /* In a journey: a choice moves on; a tap 250 ms later is not the next answer. */
    act(f, ACT_JOURNEY, 0, 5000);
    CHECK(act(f, ACT_CHOICE, 0, 5400));
    CHECK_STR(flow_question(f)->name, "rating");
    CHECK(!act(f, ACT_CHOICE, 0, 5650));
    CHECK(!flow_nav(f, NAV_BACK, 3, 5650));
    CHECK_STR(flow_question(f)->name, "rating");
    CHECK(!flow_answer(f)->set);
    CHECK(act(f, ACT_CHOICE, 0, 5800));
    CHECK_STR(flow_question(f)->name, "comment");
    /* Typing is never refused: a keyboard's keys are no double tap. */
    CHECK(flow_text(f, "a", 5810));
    flow_free(f);
    /* A slow save: the guard runs from when the follow-up appears, not from the face. */
    f = flow_new(pack, "k1", 0);
    flow_set_tap_guard(f, FLOW_TAP_GUARD_MS);
    CHECK(flow_face(f, 0, 1000));
    flow_op_done(f, KIOSK_OK, 1600);
    CHECK(!act(f, ACT_CHOICE, 0, 1850));
    CHECK(act(f, ACT_CHOICE, 0, 1950));
    flow_free(f);
}

/* A service request up to the consent question, answered yes or no, then saved with a
 * reference code. */
static void request_saved(flow_t *f, bool consent, int64_t t)
{
    act(f, ACT_JOURNEY, 1, t);
    act(f, ACT_CHOICE, 0, t + 1);
    act(f, ACT_CHOICE, 0, t + 2);
    act(f, ACT_CHOICE, 0, t + 3);
    act(f, ACT_SKIP, 0, t + 4);
    act(f, ACT_CHOICE, consent, t + 5);
    if (consent) {
        type(f, "Li", t + 6);
        act(f, ACT_NEXT, 0, t + 6);
        type(f, "13800138000", t + 7);
        act(f, ACT_NEXT, 0, t + 7);
    }
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    snprintf(rec->ref_code, sizeof rec->ref_code, "%s", "3TRET4");
    flow_op_done(f, KIOSK_OK, t + 10);
}

/* Declined a call: the closing text makes no follow-up promise (completedTextOnCondition). */
static void a_declined_call_is_not_promised_a_follow_up(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    request_saved(f, false, 1);
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    REQUIRE(flow_completed_text(f));
    const char *text = content_text(pack, flow_completed_text(f), "en");
    CHECK(strstr(text, "we will not call you") != NULL);
    CHECK(strstr(text, "Staff will follow up") == NULL);
    act(f, ACT_DONE, 0, 100);
    request_saved(f, true, 1000);
    REQUIRE(flow_completed_text(f));
    CHECK_STR(content_text(pack, flow_completed_text(f), "en"),
              "Staff will follow up. Please keep your reference code.");
    CHECK(flow_signed_up(f) == NULL); /* no activity in a service request */
    flow_free(f);
}

/* The reference code stays until "I have noted it" or the idle timeout, not 8 seconds. */
static void the_reference_code_stays_until_noted(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_LANG, 0, 1);
    request_saved(f, false, 2);
    CHECK_STR(flow_ref_code(f), "3TRET4");
    CHECK(!flow_tick(f, 12 + 8000));
    CHECK(!flow_tick(f, 12 + 59999));
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    act(f, ACT_LANG, 0, 30000); /* a touch: the idle time starts again */
    act(f, ACT_LANG, 0, 30000);
    CHECK_INT(flow_next_deadline(f), 30000 + 60000);
    CHECK(!flow_tick(f, 30000 + 59999));
    CHECK(flow_tick(f, 30000 + 60000)); /* the idle timeout ends the visit */
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK_STR(flow_ref_code(f), "");
    act(f, ACT_LANG, 0, 100000);
    request_saved(f, false, 100001);
    CHECK(act(f, ACT_DONE, 0, 100020)); /* "I have noted it" */
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK_STR(flow_lang(f), "en");
    flow_free(f);
}

/* The thank-you of an activity sign-up says which activity (its label and detail). */
static void an_activity_sign_up_confirms_what(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 3, 1);
    const question_t *q = flow_question(f);
    REQUIRE(q && q->nchoices > 1);
    const choice_t *chosen = &q->choices[1];
    act(f, ACT_CHOICE, 1, 2);
    act(f, ACT_CHOICE, 1, 3); /* only interested: no contact asked */
    REQUIRE(pending(f, OP_SAVE));
    CHECK(flow_signed_up(f) == NULL); /* not before the thank-you */
    flow_op_done(f, KIOSK_OK, 4);
    CHECK(flow_signed_up(f) == chosen);
    CHECK(!flow_tick(f, 4 + 7999));
    CHECK(flow_tick(f, 4 + 8000)); /* no code to note: the thank-you goes by itself */
    CHECK(flow_signed_up(f) == NULL);
    flow_free(f);
}

static void failed_save_shows_out_of_service_and_recovers(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 1, 1);
    act(f, ACT_CHOICE, 0, 2);
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_CHOICE, 0, 4);
    act(f, ACT_SKIP, 0, 5);
    act(f, ACT_CHOICE, 0, 6);
    CHECK(pending(f, OP_SAVE) != NULL);
    flow_op_done(f, KIOSK_EFULL, 7);
    CHECK_INT(flow_screen(f), SCREEN_OUT_OF_SERVICE); /* never "thank you" */
    CHECK(!flow_face(f, 0, 8));
    CHECK(!act(f, ACT_JOURNEY, 0, 9));
    CHECK_INT(flow_pending_op(f, &(record_t *){NULL}), OP_NONE);
    flow_set_store_ok(f, true, 10);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    flow_set_store_ok(f, false, 11);
    CHECK_INT(flow_screen(f), SCREEN_OUT_OF_SERVICE);
    flow_free(f);
}

/* A service request up to its description (journey 1: a service, for whom, how urgent). */
static void to_description(flow_t *f)
{
    act(f, ACT_JOURNEY, 1, 1);
    act(f, ACT_CHOICE, 0, 2);
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_CHOICE, 0, 4);
    CHECK_STR(flow_question(f)->name, "description");
}

static void text_input_is_bounded_and_valid_utf8(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    to_description(f);
    CHECK(!flow_text(f, "\xff\xfe", 5));     /* not UTF-8 */
    CHECK(!flow_text(f, "\xc0\xaf", 5));     /* overlong */
    CHECK(!flow_text(f, "\xed\xa0\x80", 5)); /* surrogate */
    CHECK(!flow_text(f, "a\x1b[2Jb", 5));    /* terminal escape */
    CHECK(!flow_text(f, "", 5));
    CHECK(!flow_answer(f)->set);
    /* 600 characters of CJK and emoji: stops at the pack's 500. */
    for (int i = 0; i < 300; i++)
        flow_text(f, "字😀", 6);
    CHECK_INT(strlen(flow_answer(f)->text), 250 * 3 + 250 * 4);
    CHECK(!flow_text(f, "x", 7));
    CHECK(flow_activate(f, ACT_BACKSPACE, 0, NULL, 8));
    CHECK_INT(strlen(flow_answer(f)->text), 250 * 3 + 249 * 4);
    CHECK(flow_activate(f, ACT_KEY, 0, "a", 9));
    /* A comment keeps newlines; a one-line text would not. */
    CHECK(flow_text(f, "\n", 10) == false); /* full again */
    flow_free(f);
}

/* C1 controls (U+0080..U+009F: NEL, CSI...) are refused like C0 ones: text holding one is
 * dropped whole, from a keyboard or a key. Their neighbours U+007E and U+00A0 are text. */
static void c1_controls_in_typed_text_are_refused(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    to_description(f);
    CHECK(!flow_text(f,
                     "a\xc2\x85"
                     "b",
                     5)); /* NEL */
    CHECK(!flow_text(f,
                     "\xc2\x9b"
                     "2J",
                     6));                /* CSI, the 8-bit terminal escape */
    CHECK(!flow_text(f, "\xc2\x80", 7)); /* the first C1 */
    CHECK(!flow_text(f, "\xc2\x9f", 8)); /* the last C1 */
    CHECK(!flow_activate(f, ACT_KEY, 0, "\xc2\x85", 9));
    CHECK(!flow_answer(f)->set);
    CHECK_STR(flow_answer(f)->text, "");
    CHECK(flow_text(f, "~\xc2\xa0", 10));
    CHECK_STR(flow_answer(f)->text, "~\xc2\xa0");
    flow_free(f);
}

/* The activity sign-up up to the name question (journey 3: an activity, sign up, consent). */
static void to_name_question(flow_t *f)
{
    act(f, ACT_JOURNEY, 3, 1);
    act(f, ACT_CHOICE, 0, 2);
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_CHOICE, 1, 4);
}

/* A one-line answer (a text question) never stores a newline: it is left out of what is
 * typed, the rest is kept. A comment keeps it. */
static void a_newline_in_a_one_line_answer_is_not_stored(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    to_name_question(f);
    REQUIRE(flow_question(f));
    CHECK_STR(flow_question(f)->name, "name");
    CHECK_INT(flow_question(f)->type, Q_TEXT);
    CHECK(flow_text(f, "Wang\nLi", 5));
    CHECK_STR(flow_answer(f)->text, "WangLi");
    CHECK(!flow_text(f, "\n", 6)); /* nothing of it fits */
    CHECK_STR(flow_answer(f)->text, "WangLi");
    flow_free(f);

    f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 1, 1);
    act(f, ACT_CHOICE, 0, 2);
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_CHOICE, 0, 4);
    CHECK_INT(flow_question(f)->type, Q_COMMENT);
    CHECK(flow_text(f, "one\ntwo", 5));
    CHECK_STR(flow_answer(f)->text, "one\ntwo");
    flow_free(f);
}

/* Phone numbers follow the resident's language: in Chinese a mainland number (the pack's
 * formats), grouped as typed; a Next that cannot go on says what is missing and stays. */
static void phone_numbers_follow_the_language_and_next_explains(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    CHECK(flow_set_lang(f, "zh-cn"));
    to_name_question(f);
    type(f, "王", 5);
    act(f, ACT_NEXT, 0, 6);
    REQUIRE(flow_question(f));
    CHECK_STR(flow_question(f)->name, "phone");
    CHECK(!flow_required(f)); /* a name was given: the phone may be left out */
    type(f, "1380013800", 7); /* one digit short */
    char shown[64];
    flow_phone_grouped(f, flow_answer(f)->text, shown, sizeof shown);
    CHECK_STR(shown, "138 0013 800");
    CHECK_INT(flow_why_not(f), FLOW_WHY_PHONE);
    CHECK(!flow_can_next(f));
    CHECK_INT(flow_explaining(f), FLOW_WHY_NONE);
    CHECK(act(f, ACT_NEXT, 0, 8)); /* something to show: the explanation */
    CHECK_INT(flow_explaining(f), FLOW_WHY_PHONE);
    CHECK_STR(flow_question(f)->name, "phone");
    char example[64];
    flow_phone_example(f, example, sizeof example);
    CHECK_STR(example, "138 1234 5678");
    type(f, "0", 9);
    CHECK_INT(flow_explaining(f), FLOW_WHY_NONE); /* read: it goes with the next input */
    flow_phone_grouped(f, flow_answer(f)->text, shown, sizeof shown);
    CHECK_STR(shown, "138 0013 8000");
    CHECK(flow_can_next(f));
    CHECK(!flow_text(f, "1", 10)); /* no digit past the longest number */
    /* A landline with its area code is grouped by its own format. */
    for (int i = 0; i < 11; i++)
        act(f, ACT_BACKSPACE, 0, 11);
    type(f, "02155550123", 12);
    flow_phone_grouped(f, flow_answer(f)->text, shown, sizeof shown);
    CHECK_STR(shown, "021 5555 0123");
    CHECK_INT(flow_why_not(f), FLOW_WHY_NONE);
    act(f, ACT_NEXT, 0, 13);
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    CHECK_STR(rec->contact_phone, "02155550123"); /* stored as digits, without the groups */
    CHECK_STR(rec->contact_name, "王");
    flow_free(f);

    /* English has no formats in the default pack: any number is taken. */
    f = flow_new(pack, "k1", 0);
    to_name_question(f);
    act(f, ACT_NEXT, 0, 5);
    type(f, "5550123", 6);
    flow_phone_grouped(f, flow_answer(f)->text, shown, sizeof shown);
    CHECK_STR(shown, "5550123");
    CHECK_INT(flow_why_not(f), FLOW_WHY_NONE);
    flow_free(f);
}

/* "requiredIf": the sign-up's name may be left out when a phone number is given, and then
 * the phone cannot be. */
static void a_name_is_optional_when_a_phone_is_given(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    to_name_question(f);
    REQUIRE(flow_question(f));
    CHECK_STR(flow_question(f)->name, "name");
    CHECK(flow_can_skip(f));
    CHECK(act(f, ACT_SKIP, 0, 5));
    CHECK_STR(flow_question(f)->name, "phone");
    CHECK(flow_required(f)); /* no name: the phone is how staff reach the resident */
    CHECK(!flow_can_skip(f));
    CHECK_INT(flow_why_not(f), FLOW_WHY_PHONE);
    CHECK(act(f, ACT_NEXT, 0, 6));
    CHECK_INT(flow_explaining(f), FLOW_WHY_PHONE);
    CHECK_STR(flow_question(f)->name, "phone");
    CHECK(!act(f, ACT_SKIP, 0, 7) || flow_question(f)); /* Skip is refused */
    CHECK_STR(flow_question(f)->name, "phone");
    type(f, "13800138000", 8);
    act(f, ACT_NEXT, 0, 9);
    record_t *rec = pending(f, OP_SAVE);
    REQUIRE(rec);
    CHECK(rec->contact_name == NULL);
    CHECK_STR(rec->contact_phone, "13800138000");
    CHECK(rec->consent);
    flow_free(f);
}

/* A required choice not made: Next explains instead of staying silent. */
static void next_on_a_required_choice_explains(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 0, 1);
    CHECK_INT(flow_why_not(f), FLOW_WHY_CHOOSE);
    CHECK(act(f, ACT_NEXT, 0, 2));
    CHECK_INT(flow_explaining(f), FLOW_WHY_CHOOSE);
    CHECK_STR(flow_question(f)->name, "topic");
    act(f, ACT_CHOICE, 1, 3);
    CHECK_STR(flow_question(f)->name, "rating");
    CHECK_INT(flow_explaining(f), FLOW_WHY_NONE); /* a new question starts without it */
    flow_free(f);
}

static void focus_ring_moves_and_wraps(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    CHECK_INT(flow_focus(f), -1);
    CHECK(flow_nav(f, NAV_NEXT, 9, 1));
    CHECK_INT(flow_focus(f), 0);
    flow_nav(f, NAV_PREV, 9, 2);
    CHECK_INT(flow_focus(f), 8);
    flow_nav(f, NAV_NEXT, 9, 3);
    CHECK_INT(flow_focus(f), 0);
    act(f, ACT_JOURNEY, 0, 4);
    /* A button user's new screen shows the ring on its first answer (the view picks it). */
    CHECK_INT(flow_focus(f), FLOW_FOCUS_START);
    CHECK(flow_nav(f, NAV_BACK, 9, 5));
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    /* A touch hides the ring; new screens come without one until a button is pressed. */
    flow_touched(f);
    CHECK_INT(flow_focus(f), FLOW_FOCUS_NONE);
    act(f, ACT_JOURNEY, 0, 6);
    CHECK_INT(flow_focus(f), FLOW_FOCUS_NONE);
    CHECK(flow_nav(f, NAV_SELECT, 9, 7));
    CHECK_INT(flow_focus(f), FLOW_FOCUS_START);
    flow_free(f);
}

static void keyboard_shift_gives_one_capital(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    to_name_question(f);
    CHECK_STR(flow_question(f)->name, "name");
    CHECK(flow_kb_shift(f)); /* a name starts with a capital */
    flow_activate(f, ACT_KEY, 0, "W", 5);
    CHECK(!flow_kb_shift(f));
    flow_activate(f, ACT_SYMBOLS, 0, NULL, 6);
    CHECK(flow_kb_symbols(f));
    char title[256];
    act(f, ACT_BACK, 0, 7);
    act(f, ACT_BACK, 0, 8);
    flow_question_title(f, title, sizeof title);
    CHECK_STR(title, "Health talk for seniors"); /* "{activity}" piped from the answer */
    /* and the activity's day, time, place and description under it */
    char desc[1024];
    flow_question_description(f, desc, sizeof desc);
    CHECK(strncmp(desc, "Thu 3 Dec, 9:30–11:00 · Room 201. A community doctor", 55) == 0);
    flow_free(f);
}

/* Saves the pending quick rating and returns its misuse flag. */
static int rate(flow_t *f, size_t face, int64_t t)
{
    if (!flow_face(f, face, t))
        return -1;
    record_t *rec = pending(f, OP_SAVE);
    if (!rec)
        return -1;
    int misuse = rec->misuse;
    flow_op_done(f, KIOSK_OK, t);
    return misuse;
}

static void quick_ratings_sooner_than_the_interval_are_flagged_not_dropped(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    CHECK_INT(rate(f, 3, 10000), 0); /* the first is never misuse */
    /* Pressed again on the follow-up screen: a new rating, flagged. */
    CHECK_INT(flow_screen(f), SCREEN_QUESTION);
    CHECK_INT(rate(f, 3, 11000), 1);
    CHECK_INT(rate(f, 0, 15999), 1); /* 4.999 s after the previous */
    CHECK_INT(rate(f, 0, 20999), 0); /* exactly 5 s: not misuse */
    act(f, ACT_SKIP, 0, 21000);
    CHECK_INT(flow_screen(f), SCREEN_THANKS);
    CHECK_INT(rate(f, 1, 22000), 1); /* from the thank-you screen too */
    flow_free(f);
}

static void face_button_answers_a_smiley_question_in_a_journey(void)
{
    flow_t *f = flow_new(pack, "k1", 0);
    act(f, ACT_JOURNEY, 0, 1);
    CHECK(!flow_face(f, 2, 2)); /* the topic question has no faces */
    act(f, ACT_CHOICE, 0, 3);
    CHECK_STR(flow_question(f)->name, "rating");
    CHECK(flow_face(f, 2, 4));
    CHECK_STR(flow_question(f)->name, "comment");
    record_t *rec;
    CHECK_INT(flow_pending_op(f, &rec), OP_NONE); /* no quick rating recorded */
    flow_free(f);
}

int main(void)
{
    pack = load_default_pack();
    if (!pack)
        return 1;
    RUN(quick_rating_is_saved_at_once_and_followup_joins_it);
    RUN(feedback_record_holds_codes_and_contact_only_with_consent);
    RUN(answers_hidden_by_visible_if_are_not_stored);
    RUN(questionnaire_progress_back_and_skip);
    RUN(idle_timeout_discards_unfinished_session);
    RUN(idle_home_returns_to_the_kiosk_language);
    RUN(display_choices_last_one_session);
    RUN(the_progress_total_never_grows_in_a_journey);
    RUN(leaving_half_way_asks_and_counts_abandoned);
    RUN(failed_save_shows_out_of_service_and_recovers);
    RUN(a_double_tap_records_one_answer);
    RUN(a_declined_call_is_not_promised_a_follow_up);
    RUN(the_reference_code_stays_until_noted);
    RUN(an_activity_sign_up_confirms_what);
    RUN(text_input_is_bounded_and_valid_utf8);
    RUN(c1_controls_in_typed_text_are_refused);
    RUN(a_newline_in_a_one_line_answer_is_not_stored);
    RUN(phone_numbers_follow_the_language_and_next_explains);
    RUN(a_name_is_optional_when_a_phone_is_given);
    RUN(next_on_a_required_choice_explains);
    RUN(focus_ring_moves_and_wraps);
    RUN(keyboard_shift_gives_one_capital);
    RUN(quick_ratings_sooner_than_the_interval_are_flagged_not_dropped);
    RUN(face_button_answers_a_smiley_question_in_a_journey);
    content_free(pack);
    return check_failures != 0;
}
