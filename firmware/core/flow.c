/* The resident session: screens, answers, back/skip, idle timeout and the hand-off to the
 * store. Every answer lives here until the store confirms the save; a discarded session is
 * wiped. The record is built in flow_record.c, what the view reads is in flow_view.c. */
#include "core/flow.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow_internal.h"
#include "core/kerr.h"
#include "core/phone.h"
#include "core/utf8.h"

static void end_session(flow_t *f, session_outcome_t outcome)
{
    if (!f->session_active)
        return;
    f->session_active = false;
    f->outcome_waiting = true;
    f->outcome = outcome;
    snprintf(f->outcome_journey, sizeof f->outcome_journey, "%s",
             f->journey ? f->journey->id : QUICK_JOURNEY_ID);
}

/* Where the ring goes on a new screen or prompt: nowhere for touch users, on the first
 * answer for button users. */
static int start_focus(const flow_t *f)
{
    return f->button_user ? FLOW_FOCUS_START : FLOW_FOCUS_NONE;
}

static void reset_screen_state(flow_t *f)
{
    f->kb_shift = false;
    f->kb_symbols = false;
    f->list_page = 0;
    f->focus = start_focus(f);
    f->overlay = OVERLAY_NONE;
    f->why = FLOW_WHY_NONE;
    flow_ime_restart(f);
}

/* Back to the home screen with nothing of the journey left; the visit goes on, so the
 * resident's language and display choices stay (end_visit() resets them). */
static void go_home(flow_t *f)
{
    flow_wipe_answers(f);
    flow_clear_record(f);
    f->journey = NULL;
    f->quick = false;
    f->qs = NULL;
    f->nq = 0;
    f->qi = 0;
    f->nhistory = 0;
    f->op = OP_NONE;
    f->ref_code[0] = '\0';
    f->completed = NULL;
    f->signed_up = NULL;
    reset_screen_state(f);
    f->screen = f->store_ok ? SCREEN_HOME : SCREEN_OUT_OF_SERVICE;
}

/* The visit is over (the thank-you's Done or timeout, the idle timeout, staff took over):
 * home in the kiosk's language and display, for the next resident. */
static void end_visit(flow_t *f)
{
    snprintf(f->lang, sizeof f->lang, "%s", f->home_lang);
    f->large_text = false;
    f->high_contrast = false;
    f->speech = false;
    go_home(f);
}

flow_t *flow_new(const content_t *content, const char *kiosk_id, int64_t now_ms)
{
    flow_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->c = content;
    snprintf(f->kiosk_id, sizeof f->kiosk_id, "%s", kiosk_id ? kiosk_id : "");
    f->store_ok = true;
    f->last_input_ms = now_ms;
    f->last_quick_ms = -1;
    f->changed_ms = INT64_MIN;
    ime_init(&f->ime);
    f->ime_traditional = -1;
    snprintf(f->home_lang, sizeof f->home_lang, "%s", content_default_lang(content));
    end_visit(f);
    return f;
}

void flow_free(flow_t *f)
{
    if (!f)
        return;
    flow_wipe_answers(f);
    flow_clear_record(f);
    ime_reset(&f->ime, f->ime_engine, IME_LATIN); /* the composition is the resident's too */
    free(f);
}

/* ---- moving through a journey ---- */

static void enter_question(flow_t *f, size_t qi)
{
    f->qi = qi;
    reset_screen_state(f);
    f->screen = SCREEN_QUESTION;
    const question_t *q = &f->qs[qi];
    answer_t *a = &f->answers[qi];
    if ((q->type == Q_TEXT || q->type == Q_COMMENT) && !a->text) {
        size_t cap = q->max_length * 4 + 1;
        a->text = calloc(1, cap);
    }
    if (q->type == Q_TEXT && q->input == INPUT_TEXT && (!a->text || !a->text[0]))
        f->kb_shift = true; /* a name starts with a capital */
}

static void finish_journey(flow_t *f)
{
    if (f->quick) {
        /* The follow-up answer joins the quick rating already stored. */
        cJSON *obj = cJSON_Parse(f->rec.answers_json);
        const answer_t *a = &f->answers[0];
        if (obj && a->set && a->choice >= 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, f->qs[0].name);
            cJSON_AddStringToObject(obj, f->qs[0].name, f->qs[0].choices[a->choice].value);
            char *json = cJSON_PrintUnformatted(obj);
            if (json) {
                free(f->rec.answers_json);
                f->rec.answers_json = json;
                f->op = OP_UPDATE_ANSWERS;
            }
        }
        cJSON_Delete(obj);
        if (f->op == OP_NONE) {
            f->screen = SCREEN_THANKS;
            f->overlay = OVERLAY_NONE;
            f->thanks_until_ms = f->last_input_ms + flow_secs(content_settings(f->c)->thanks_s);
        }
        return;
    }
    if (flow_build_record(f) != KIOSK_OK) {
        f->screen = SCREEN_OUT_OF_SERVICE;
        return;
    }
    f->op = OP_SAVE;
}

static void advance(flow_t *f)
{
    size_t i = f->qi + 1;
    while (i < f->nq && !flow_visible(f, i))
        i++;
    if (f->nhistory < CONTENT_MAX_QUESTIONS)
        f->history[f->nhistory++] = f->qi;
    if (i >= f->nq)
        finish_journey(f);
    else
        enter_question(f, i);
}

static void start_journey(flow_t *f, size_t index)
{
    const journey_t *j = content_journey(f->c, index);
    if (!j)
        return;
    flow_wipe_answers(f);
    f->journey = j;
    f->quick = false;
    f->qs = j->q;
    f->nq = j->nq;
    f->nhistory = 0;
    f->session_active = true;
    size_t i = 0;
    while (i < f->nq && !flow_visible(f, i))
        i++;
    enter_question(f, i < f->nq ? i : 0);
}

/* Leaves the journey: at once when nothing would be lost, else after asking. */
static bool leave(flow_t *f)
{
    if (f->screen == SCREEN_THANKS) {
        end_visit(f); /* as the thank-you's Done */
        return true;
    }
    if (f->screen == SCREEN_QUESTION && f->quick) {
        go_home(f); /* the quick rating is already stored */
        return true;
    }
    if (f->screen != SCREEN_QUESTION)
        return false;
    bool any = false;
    for (size_t i = 0; i < f->nq; i++)
        any = any || flow_answered(&f->qs[i], &f->answers[i]);
    if (any) {
        f->overlay = OVERLAY_LEAVE;
        f->focus = start_focus(f);
        return true;
    }
    end_session(f, SESSION_ABANDONED);
    go_home(f);
    return true;
}

static bool go_back(flow_t *f)
{
    if (f->screen != SCREEN_QUESTION)
        return false;
    if (f->nhistory == 0)
        return leave(f); /* back from the first question leaves the journey */
    enter_question(f, f->history[--f->nhistory]);
    return true;
}

/* A single press that answered and moves the visit on (flow_chosen). */
static void chosen(flow_t *f, action_t act, int arg)
{
    f->chosen++;
    f->chosen_act = act;
    f->chosen_arg = arg;
}

static bool choose(flow_t *f, int arg)
{
    const question_t *q = &f->qs[f->qi];
    answer_t *a = &f->answers[f->qi];
    switch (q->type) {
    case Q_BOOLEAN:
        a->set = true;
        a->yes = arg != 0;
        chosen(f, ACT_CHOICE, arg);
        advance(f);
        return true;
    case Q_RATING:
    case Q_RADIOGROUP:
        if (arg < 0 || (size_t)arg >= q->nchoices)
            return false;
        a->set = true;
        a->choice = arg;
        chosen(f, ACT_CHOICE, arg);
        advance(f);
        return true;
    case Q_CHECKBOX:
        if (arg < 0 || (size_t)arg >= q->nchoices)
            return false;
        a->multi ^= UINT64_C(1) << arg;
        a->set = a->multi != 0;
        return true;
    default:
        return false;
    }
}

bool flow_type_text(flow_t *f, const char *utf8)
{
    if (f->screen != SCREEN_QUESTION || f->overlay != OVERLAY_NONE)
        return false;
    const question_t *q = &f->qs[f->qi];
    answer_t *a = &f->answers[f->qi];
    if ((q->type != Q_TEXT && q->type != Q_COMMENT) || !a->text)
        return false;
    size_t len = strlen(utf8);
    if (len == 0 || len > 256 || !utf8_valid_text(utf8, len))
        return false;
    size_t count = utf8_count(a->text);
    size_t used = strlen(a->text);
    size_t max = q->max_length, nformats = 0;
    const char *const *formats = NULL;
    if (q->input == INPUT_TEL) {
        formats = flow_phone_formats(f, &nformats);
        if (nformats > 0 && phone_max_length(formats, nformats) < max)
            max = phone_max_length(formats, nformats); /* no digit past the longest number */
    }
    bool changed = false;
    for (const char *p = utf8; *p;) {
        size_t cl = utf8_char_len(p);
        if (count >= max)
            break;
        bool ok;
        if (q->input == INPUT_TEL)
            ok = ((*p >= '0' && *p <= '9') || (*p == '+' && count == 0)) &&
                 phone_may_append(a->text, *p, formats, nformats);
        else if (q->input == INPUT_NUMBER)
            ok = *p >= '0' && *p <= '9';
        else if (*p == '\n')
            ok = q->type == Q_COMMENT;
        else
            ok = true;
        if (ok) {
            memcpy(a->text + used, p, cl);
            used += cl;
            a->text[used] = '\0';
            count++;
            changed = true;
        }
        p += cl;
    }
    a->set = a->text[0] != '\0';
    if (!changed && q->input == INPUT_TEL)
        f->refused++; /* a digit the phone number cannot take: the refused earcon */
    if (changed && f->kb_shift && q->input == INPUT_TEXT)
        f->kb_shift = false; /* one capital, like a phone keyboard */
    return changed;
}

static bool backspace(flow_t *f)
{
    const question_t *q = f->screen == SCREEN_QUESTION ? &f->qs[f->qi] : NULL;
    answer_t *a = q ? &f->answers[f->qi] : NULL;
    if (!q || (q->type != Q_TEXT && q->type != Q_COMMENT) || !a->text || !utf8_pop(a->text))
        return false;
    a->set = a->text[0] != '\0';
    return true;
}

static bool touch(flow_t *f, int64_t now_ms)
{
    f->last_input_ms = now_ms;
    if (f->overlay == OVERLAY_IDLE) {
        /* Any touch while the countdown runs means "still here". */
        f->overlay = OVERLAY_NONE;
        return true;
    }
    return false;
}

/* The resident's display choices, while they are open. */
static bool display_action(flow_t *f, action_t action)
{
    switch (action) {
    case ACT_LARGE_TEXT:
        f->large_text = !f->large_text;
        return true;
    case ACT_HIGH_CONTRAST:
        f->high_contrast = !f->high_contrast;
        return true;
    case ACT_SPEECH:
        f->speech = !f->speech;
        return true;
    case ACT_DISPLAY_CLOSE:
        f->overlay = OVERLAY_NONE;
        f->focus = start_focus(f);
        return true;
    default:
        return false;
    }
}

/* The "leave and lose your answers?" prompt. */
static bool leave_action(flow_t *f, action_t action)
{
    if (action == ACT_LEAVE_GO) {
        end_session(f, SESSION_ABANDONED);
        go_home(f);
        return true;
    }
    if (action == ACT_LEAVE_STAY) {
        f->overlay = OVERLAY_NONE;
        f->focus = start_focus(f);
        return true;
    }
    return false;
}

/* Skip: the question's answer is wiped and the journey moves on. */
static bool skip(flow_t *f)
{
    if (!flow_can_skip(f))
        return false;
    answer_t *a = &f->answers[f->qi];
    a->set = false;
    a->multi = 0;
    a->choice = -1;
    if (a->text)
        memset(a->text, 0, strlen(a->text));
    advance(f);
    return true;
}

/* An action on a question screen (see question_action()). */
static bool question_act(flow_t *f, action_t action, int arg, const char *key_text, bool dismissed)
{
    switch (action) {
    case ACT_IDLE_CONTINUE:
        return dismissed;
    case ACT_CHOICE:
        return choose(f, arg);
    case ACT_KEY:
        return key_text && flow_ime_type(f, key_text);
    case ACT_SPACE:
        return flow_ime_type(f, " ");
    case ACT_BACKSPACE:
        return flow_ime_backspace(f) || backspace(f);
    case ACT_SHIFT:
        f->kb_shift = !f->kb_shift;
        return true;
    case ACT_SYMBOLS:
        f->kb_symbols = !f->kb_symbols;
        f->kb_shift = false;
        return true;
    case ACT_NEXT:
        if (flow_ime_settle(f))
            return true; /* the resident sees what the composition became before moving on */
        if (!flow_can_next(f)) {
            f->why = flow_why_not(f); /* a Next that cannot go on says what is missing */
            f->refused++;
            return true;
        }
        advance(f);
        return true;
    case ACT_SKIP:
        return skip(f);
    case ACT_BACK:
        return go_back(f);
    case ACT_HOME:
        return leave(f);
    case ACT_PAGE_NEXT:
        f->list_page++;
        return true;
    case ACT_PAGE_PREV:
        if (f->list_page > 0)
            f->list_page--;
        return true;
    default:
        return flow_ime_action(f, action, arg);
    }
}

/* An action on a question screen. */
static bool question_action(flow_t *f, action_t action, int arg, const char *key_text,
                            bool dismissed)
{
    /* Whatever the resident does next, the explanation of a refused Next has been read. */
    bool explained = f->why != FLOW_WHY_NONE;
    f->why = FLOW_WHY_NONE;
    return question_act(f, action, arg, key_text, dismissed) || explained;
}

static bool rate_face(flow_t *f, size_t face, int64_t now_ms);

/* An action on a screen that is not a question; question screens are not handled here. */
static bool screen_action(flow_t *f, action_t action, int arg, int64_t now_ms)
{
    switch (f->screen) {
    case SCREEN_HOME:
        if (action == ACT_FACE)
            return rate_face(f, (size_t)arg, now_ms);
        if (action == ACT_JOURNEY) {
            start_journey(f, (size_t)arg);
            return true;
        }
        return false;
    case SCREEN_THANKS:
    case SCREEN_MESSAGE:
        if (action == ACT_DONE || action == ACT_HOME) {
            end_visit(f);
            return true;
        }
        return false;
    default:
        return false;
    }
}

static bool activate(flow_t *f, action_t action, int arg, const char *key_text, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return false; /* a save is in progress: inputs wait for its result */
    bool dismissed = touch(f, now_ms);
    if (action == ACT_LANG || action == ACT_LANG_NEXT)
        return flow_lang_button(f, action);
    if (dismissed && action != ACT_IDLE_CONTINUE)
        return true; /* the tap that ends the idle prompt does nothing else */
    if (f->overlay == OVERLAY_LANGUAGE)
        return flow_lang_picker_action(f, action, arg);
    if (f->overlay == OVERLAY_DISPLAY)
        return display_action(f, action);
    if (action == ACT_DISPLAY && f->overlay == OVERLAY_NONE && f->screen != SCREEN_OUT_OF_SERVICE) {
        f->overlay = OVERLAY_DISPLAY;
        f->focus = start_focus(f);
        return true;
    }
    if (f->overlay == OVERLAY_LEAVE)
        return leave_action(f, action);
    if (f->screen != SCREEN_QUESTION)
        return screen_action(f, action, arg, now_ms);
    return question_action(f, action, arg, key_text, dismissed);
}

bool flow_text(flow_t *f, const char *utf8, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return false;
    if (touch(f, now_ms))
        return true;
    bool explained = f->why != FLOW_WHY_NONE;
    f->why = FLOW_WHY_NONE;
    return flow_ime_type(f, utf8) || explained;
}

static bool rate_face(flow_t *f, size_t face, int64_t now_ms)
{
    if (f->op != OP_NONE || f->overlay == OVERLAY_LEAVE)
        return false;
    const question_t *q = flow_question(f);
    if (q && !f->quick) {
        /* Inside a journey a face button answers a smiley question with as many faces. */
        if (q->type != Q_RATING || !q->smileys || q->nchoices != content_face_count(f->c))
            return false;
        touch(f, now_ms);
        return choose(f, (int)face);
    }
    if (f->screen == SCREEN_OUT_OF_SERVICE || (f->screen != SCREEN_HOME && !f->quick))
        return false;
    const choice_t *ch = content_face(f->c, face);
    if (!ch)
        return false;
    /* On home, or again on the quick rating's follow-up or thanks: every press is a rating. */
    if (f->screen != SCREEN_HOME)
        go_home(f);
    f->overlay = OVERLAY_NONE;
    f->last_input_ms = now_ms;
    flow_record_header(f, RECORD_QUICK_RATING, QUICK_JOURNEY_ID);
    int64_t interval = flow_secs(content_settings(f->c)->misuse_interval_s);
    f->rec.misuse = f->last_quick_ms >= 0 && now_ms - f->last_quick_ms < interval;
    f->last_quick_ms = now_ms;
    char json[64];
    snprintf(json, sizeof json, "{\"rating\":%ld}", ch->number);
    f->rec.answers_json = strdup(json);
    if (!f->rec.answers_json)
        return false;
    chosen(f, ACT_FACE, (int)face);
    flow_wipe_answers(f);
    f->journey = NULL;
    f->quick = true;
    f->session_active = true;
    f->op = OP_SAVE;
    return true;
}

static bool nav_now(flow_t *f, nav_t nav, size_t focusable_count, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return false;
    if (touch(f, now_ms))
        return true;
    f->button_user = true;
    switch (nav) {
    case NAV_NEXT:
    case NAV_PREV:
        if (focusable_count == 0)
            return false;
        if (f->focus < 0) /* the picker's ring starts on the language shown */
            f->focus = f->focus == FLOW_FOCUS_START || f->overlay == OVERLAY_LANGUAGE
                           ? FLOW_FOCUS_START
                           : 0;
        else if (nav == NAV_NEXT)
            f->focus = (f->focus + 1) % (int)focusable_count;
        else
            f->focus = (f->focus + (int)focusable_count - 1) % (int)focusable_count;
        return true;
    case NAV_SELECT:
    case NAV_ENTER:
        if (f->focus < 0 && focusable_count > 0) {
            f->focus = FLOW_FOCUS_START; /* the first press shows where the ring is */
            return true;
        }
        return false;
    case NAV_BACK:
        if (f->overlay == OVERLAY_LEAVE || f->overlay == OVERLAY_DISPLAY ||
            f->overlay == OVERLAY_LANGUAGE) {
            f->overlay = OVERLAY_NONE;
            return true;
        }
        if (f->screen == SCREEN_THANKS)
            return leave(f);
        return go_back(f);
    case NAV_HOME:
        if (f->overlay == OVERLAY_LANGUAGE) /* back where the resident was, unchanged */
            return flow_lang_picker_action(f, ACT_LANG_CLOSE, 0);
        return leave(f);
    }
    return false;
}

/* ---- the tap guard: a double tap records one answer ---- */

/* What the resident sees, to tell whether an input changed the screen. */
typedef struct {
    screen_t screen;
    overlay_t overlay;
    const question_t *q;
    op_kind_t op;
} shown_t;

static shown_t shown(const flow_t *f)
{
    return (shown_t){f->screen, f->overlay, f->screen == SCREEN_QUESTION ? &f->qs[f->qi] : NULL,
                     f->op};
}

static bool same(shown_t a, shown_t b)
{
    return a.screen == b.screen && a.overlay == b.overlay && a.q == b.q && a.op == b.op;
}

/* Whether the screen changed too recently for an input to be meant for it. Staff messages
 * (a USB export) are ended by the app as well as by taps, and are never guarded. */
static bool settling(const flow_t *f, int64_t now_ms)
{
    return f->tap_guard_ms > 0 && f->changed_ms != INT64_MIN && f->screen != SCREEN_MESSAGE &&
           now_ms - f->changed_ms < f->tap_guard_ms;
}

/* After an input: a changed screen starts the guard. Returns changed. */
static bool guard_after(flow_t *f, shown_t before, bool changed, int64_t now_ms)
{
    if (!same(before, shown(f)))
        f->changed_ms = now_ms;
    return changed;
}

bool flow_activate(flow_t *f, action_t action, int arg, const char *key_text, int64_t now_ms)
{
    if (settling(f, now_ms))
        return false; /* the second tap of a double tap */
    shown_t before = shown(f);
    return guard_after(f, before, activate(f, action, arg, key_text, now_ms), now_ms);
}

bool flow_face(flow_t *f, size_t index, int64_t now_ms)
{
    if (settling(f, now_ms))
        return false;
    shown_t before = shown(f);
    return guard_after(f, before, rate_face(f, index, now_ms), now_ms);
}

bool flow_nav(flow_t *f, nav_t nav, size_t focusable_count, int64_t now_ms)
{
    /* Moving the ring changes no screen and is never refused; Select, Back and Home are. */
    bool moves = nav == NAV_PREV || nav == NAV_NEXT;
    if (!moves && settling(f, now_ms))
        return false;
    shown_t before = shown(f);
    return guard_after(f, before, nav_now(f, nav, focusable_count, now_ms), now_ms);
}

void flow_set_tap_guard(flow_t *f, int ms)
{
    f->tap_guard_ms = ms > 0 ? ms : 0;
}

int64_t flow_settled_at(const flow_t *f)
{
    return f->tap_guard_ms > 0 && f->changed_ms != INT64_MIN ? f->changed_ms + f->tap_guard_ms
                                                             : INT64_MIN;
}

void flow_abandon(flow_t *f, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return; /* a save in flight finishes first; its record is the resident's */
    if (f->screen == SCREEN_MESSAGE)
        return;
    end_session(f, SESSION_ABANDONED);
    end_visit(f);
    f->last_input_ms = now_ms;
}

/* Whether a resident left the home screen other than the next one expects to find it. */
static bool home_changed(const flow_t *f)
{
    return strcmp(f->lang, f->home_lang) != 0 || f->button_user || f->large_text ||
           f->high_contrast || f->overlay != OVERLAY_NONE;
}

/* The thank-you screen goes by itself after thanksSeconds; with a reference code it stays
 * until "I have noted it" (ACT_DONE), or for the idle timeout after the last touch. */
static int64_t thanks_deadline(const flow_t *f)
{
    if (f->ref_code[0])
        return f->last_input_ms + flow_secs(content_settings(f->c)->idle_timeout_s);
    return f->thanks_until_ms;
}

bool flow_tick(flow_t *f, int64_t now_ms)
{
    const content_settings_t *st = content_settings(f->c);
    if (f->op != OP_NONE)
        return false;
    if (f->screen == SCREEN_MESSAGE && now_ms >= f->msg.until_ms) {
        end_visit(f);
        return true;
    }
    if (f->screen == SCREEN_THANKS && now_ms >= thanks_deadline(f)) {
        end_visit(f);
        return true;
    }
    if (f->screen == SCREEN_QUESTION) {
        if (f->overlay != OVERLAY_IDLE &&
            now_ms - f->last_input_ms >= flow_secs(st->idle_timeout_s)) {
            f->overlay = OVERLAY_IDLE;
            f->overlay_since_ms = f->last_input_ms + flow_secs(st->idle_timeout_s);
            f->focus = start_focus(f);
            return true;
        }
        if (f->overlay == OVERLAY_IDLE &&
            now_ms - f->overlay_since_ms >= flow_secs(st->idle_countdown_s)) {
            end_session(f, SESSION_TIMED_OUT);
            end_visit(f);
            return true;
        }
        return false;
    }
    if (f->screen == SCREEN_HOME && now_ms - f->last_input_ms >= flow_secs(st->idle_timeout_s) &&
        home_changed(f)) {
        /* Nobody there: the next resident starts in the default language, without a ring. */
        f->button_user = false;
        end_visit(f);
        f->last_input_ms = now_ms;
        return true;
    }
    return false;
}

int64_t flow_next_deadline(const flow_t *f)
{
    const content_settings_t *st = content_settings(f->c);
    if (f->op != OP_NONE)
        return INT64_MAX;
    switch (f->screen) {
    case SCREEN_THANKS:
        return thanks_deadline(f);
    case SCREEN_QUESTION:
        if (f->overlay == OVERLAY_IDLE)
            return f->overlay_since_ms + flow_secs(st->idle_countdown_s);
        return f->last_input_ms + flow_secs(st->idle_timeout_s);
    case SCREEN_HOME:
        if (home_changed(f))
            return f->last_input_ms + flow_secs(st->idle_timeout_s);
        return INT64_MAX;
    case SCREEN_OUT_OF_SERVICE:
        return INT64_MAX;
    case SCREEN_MESSAGE:
        return f->msg.until_ms;
    }
    return INT64_MAX;
}

/* The journey's closing text given the answers: the first "completedTextOnCondition" that
 * holds, else "completedText"; NULL: thanks.body. */
static const lstr_t *completed_text(const flow_t *f)
{
    const journey_t *j = f->journey;
    for (size_t i = 0; i < j->ncompleted_if; i++)
        if (expr_eval(j->completed_if[i].expr, f->qs, f->answers))
            return &j->completed_if[i].text;
    return j->completed.n ? &j->completed : NULL;
}

/* What an activity journey signed up for: the choice of its first answered single choice
 * (the activity, with its date, time and place as detail). */
static const choice_t *signed_up(const flow_t *f)
{
    if (f->journey->kind != RECORD_ACTIVITY)
        return NULL;
    for (size_t i = 0; i < f->nq; i++) {
        const answer_t *a = &f->answers[i];
        if (f->qs[i].type == Q_RADIOGROUP && a->set && a->choice >= 0 && flow_visible(f, i))
            return &f->qs[i].choices[a->choice];
    }
    return NULL;
}

op_kind_t flow_pending_op(flow_t *f, record_t **rec)
{
    *rec = f->op != OP_NONE ? &f->rec : NULL;
    return f->op;
}

void flow_op_done(flow_t *f, int result, int64_t now_ms)
{
    op_kind_t op = f->op;
    f->op = OP_NONE;
    if (op == OP_NONE)
        return;
    f->last_input_ms = now_ms;
    f->changed_ms = now_ms; /* the thank-you or follow-up appears: the tap guard starts */
    if (result != KIOSK_OK) {
        /* Nothing was stored: say so instead of thanking, and take no more answers. */
        flow_wipe_answers(f);
        flow_clear_record(f);
        f->session_active = false;
        f->store_ok = false;
        f->screen = SCREEN_OUT_OF_SERVICE;
        reset_screen_state(f);
        return;
    }
    if (op == OP_SAVE && f->quick) {
        end_session(f, SESSION_COMPLETED);
        const question_t *fu = content_followup(f->c);
        if (fu) {
            /* Keep the stored record (uuid, answers) to add the follow-up answer to it. */
            f->qs = fu;
            f->nq = 1;
            f->nhistory = 0;
            enter_question(f, 0);
            return;
        }
    } else if (op == OP_SAVE) {
        end_session(f, SESSION_COMPLETED);
        snprintf(f->ref_code, sizeof f->ref_code, "%s", f->rec.ref_code);
        f->completed = completed_text(f);
        f->signed_up = signed_up(f);
    }
    flow_wipe_answers(f);
    flow_clear_record(f);
    reset_screen_state(f);
    f->screen = SCREEN_THANKS;
    f->thanks_until_ms = now_ms + flow_secs(content_settings(f->c)->thanks_s);
}

void flow_set_store_ok(flow_t *f, bool ok, int64_t now_ms)
{
    (void)now_ms;
    if (f->store_ok == ok)
        return;
    f->store_ok = ok;
    if (!ok && f->screen == SCREEN_HOME)
        f->screen = SCREEN_OUT_OF_SERVICE;
    else if (ok && f->screen == SCREEN_OUT_OF_SERVICE)
        end_visit(f);
}

bool flow_show_message(flow_t *f, const flow_message_t *m)
{
    if (f->op != OP_NONE || f->screen == SCREEN_QUESTION)
        return false; /* never over a resident's journey */
    f->msg = *m;
    if (f->screen != SCREEN_MESSAGE) {
        reset_screen_state(f);
        f->screen = SCREEN_MESSAGE;
    }
    return true;
}

bool flow_take_outcome(flow_t *f, char journey_id[64], session_outcome_t *outcome)
{
    if (!f->outcome_waiting)
        return false;
    f->outcome_waiting = false;
    snprintf(journey_id, 64, "%s", f->outcome_journey);
    *outcome = f->outcome;
    return true;
}

bool flow_help(flow_t *f, size_t focusable_count, int64_t now_ms)
{
    if (f->speech) {
        f->speech_repeat++;
        return true;
    }
    f->speech = true;
    f->last_input_ms = now_ms;
    if (f->focus < 0)
        flow_nav(f, NAV_SELECT, focusable_count, now_ms);
    return true;
}
