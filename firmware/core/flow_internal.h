/* Internal to the residents' flow (flow.c, flow_record.c, flow_view.c): the session's state
 * and the helpers the three share. No other file includes it. */
#ifndef KIOSK_FLOW_INTERNAL_H
#define KIOSK_FLOW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/content.h"
#include "core/flow.h"
#include "core/ime.h"
#include "core/record.h"

#define QUICK_JOURNEY_ID "quick_rating"

struct flow {
    const content_t *c;
    char kiosk_id[64];
    char lang[16];
    char home_lang[16]; /* the language every session starts in */
    screen_t screen;
    overlay_t overlay;

    /* The journey in progress: a content journey, or the quick rating's follow-up. */
    const journey_t *journey; /* NULL for the quick rating */
    bool quick;
    const question_t *qs;
    size_t nq;
    size_t qi;
    answer_t answers[CONTENT_MAX_QUESTIONS];
    size_t history[CONTENT_MAX_QUESTIONS]; /* questions visited before qi, for Back */
    size_t nhistory;
    bool session_active; /* a journey was started and not yet ended */

    bool kb_shift, kb_symbols;
    const ime_engine_t *ime_engine; /* NULL: no input methods (flow_set_ime) */
    ime_t ime;                      /* the text question's input method; cleared with each
                                       screen, language and session */
    int ime_traditional;            /* what the engine was last told: 1 traditional, 0
                                       simplified, -1 nothing yet */
    size_t list_page;
    size_t lang_page;               /* the language picker's page */
    int focus;                      /* FLOW_FOCUS_NONE, FLOW_FOCUS_START, or an index */
    bool button_user;               /* the last input was a button: new screens show the ring */
    bool large_text, high_contrast; /* the resident's display choices */
    bool speech;                    /* speech is on for the visit (flow_speech) */
    unsigned speech_repeat;         /* help presses with speech on: say the screen again */
    unsigned refused;               /* inputs refused (flow_refused) */
    unsigned chosen;                /* single-press answers (flow_chosen) */
    action_t chosen_act;            /* the last one's action and argument */
    int chosen_arg;

    int64_t last_input_ms;
    int64_t last_quick_ms; /* the last quick rating, for the misuse flag; -1: none yet */
    int64_t overlay_since_ms;
    int64_t thanks_until_ms;
    int64_t tap_guard_ms; /* inputs this soon after a screen change are ignored */
    int64_t changed_ms;   /* when an input last changed the screen; INT64_MIN: never */

    op_kind_t op;
    record_t rec; /* the record being saved, or the quick rating being followed up */
    char ref_code[RECORD_REF_LEN + 1];
    const lstr_t *completed;
    const choice_t *signed_up; /* the activity an activity journey signed up for, or NULL */
    bool store_ok;

    flow_message_t msg;
    flow_why_t why; /* what Next pressed too early explains (flow_explaining) */

    bool outcome_waiting;
    char outcome_journey[64];
    session_outcome_t outcome;
};

static inline int64_t flow_secs(int s)
{
    return (int64_t)s * 1000;
}

/* Whether question i of the journey is shown, given the answers so far. */
static inline bool flow_visible(const flow_t *f, size_t i)
{
    return expr_eval(f->qs[i].visible_if, f->qs, f->answers);
}

/* Whether a holds an answer to q (a checkbox with a tick, a text with a character). */
static inline bool flow_answered(const question_t *q, const answer_t *a)
{
    if (!a->set)
        return false;
    switch (q->type) {
    case Q_CHECKBOX:
        return a->multi != 0;
    case Q_TEXT:
    case Q_COMMENT:
        return a->text && a->text[0];
    default:
        return true;
    }
}

/* Whether question i must be answered given the answers so far ("isRequired", "requiredIf"). */
static inline bool flow_required_at(const flow_t *f, size_t i)
{
    return f->qs[i].required ||
           (f->qs[i].required_if && expr_eval(f->qs[i].required_if, f->qs, f->answers));
}

/* The phone formats of the resident's language (n == 0: any number). */
const char *const *flow_phone_formats(const flow_t *f, size_t *n);

/* flow.c: appends text to the current text answer within its limits (maxLength in
 * characters, one line for a text question, digits for tel and number); false when nothing
 * fits or the text is not valid. */
bool flow_type_text(flow_t *f, const char *utf8);

/* flow_ime.c: the input method's side of the flow. */
/* Clears the composition and strokes and sets the mode the current question starts in. */
void flow_ime_restart(flow_t *f);
/* Typed text (on-screen keys, a keyboard): pinyin letters go into the composition, the rest
 * into the answer (a pending composition settled first). */
bool flow_ime_type(flow_t *f, const char *utf8);
/* Backspace inside a composition; false when there is none (the answer loses a character). */
bool flow_ime_backspace(flow_t *f);
/* Next with a composition pending settles it into the answer (and stays on the question);
 * false when there is none. */
bool flow_ime_settle(flow_t *f);
/* The ACT_IME_* actions; false for any other. */
bool flow_ime_action(flow_t *f, action_t action, int arg);

/* flow_lang.c: the language button and the picker. ACT_LANG and ACT_LANG_NEXT; false for
 * any other action. */
bool flow_lang_button(flow_t *f, action_t action);
/* The picker's actions while it is open (flow->overlay == OVERLAY_LANGUAGE). */
bool flow_lang_picker_action(flow_t *f, action_t action, int arg);

/* flow_record.c: wipes every answer (typed text overwritten before it is freed). */
void flow_wipe_answers(flow_t *f);
/* Wipes the contact details of f->rec and clears it. */
void flow_clear_record(flow_t *f);
/* Starts f->rec afresh: kind, journey, kiosk, pack and language. */
void flow_record_header(flow_t *f, record_kind_t kind, const char *journey_id);
/* Builds f->rec from the journey's answers; KIOSK_ENOMEM when out of memory. */
int flow_build_record(flow_t *f);

#endif
