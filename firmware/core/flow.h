/* The session state machine: which screen a resident sees, their answers so far, the idle
 * timeout, and the finished record. Pure: time comes in as an argument, storage is asked for
 * through a pending operation that the app performs and reports back.
 * Ownership: the flow keeps a pointer to its content, which must outlive it. Pointers the
 * getters return (language, journey, question, answer, message, texts) point into the flow or
 * its content and stay valid until the next input, tick or storage report given to the flow
 * (a journey, question or text of the content: until content_free()). */
#ifndef KIOSK_FLOW_H
#define KIOSK_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/content.h"
#include "core/ime.h"
#include "core/record.h"

typedef enum {
    SCREEN_HOME,
    SCREEN_QUESTION,       /* one question of a journey, or the quick rating's follow-up */
    SCREEN_THANKS,         /* shown only after the store confirmed the save */
    SCREEN_OUT_OF_SERVICE, /* the store cannot keep answers: none are taken */
    SCREEN_MESSAGE         /* a message for staff (a USB export): title, text, progress */
} screen_t;

/* OVERLAY_DISPLAY: the resident's display choices (large text, high contrast).
 * OVERLAY_LANGUAGE: the language picker (three or more languages), over the whole screen. */
typedef enum {
    OVERLAY_NONE,
    OVERLAY_IDLE,
    OVERLAY_LEAVE,
    OVERLAY_DISPLAY,
    OVERLAY_LANGUAGE
} overlay_t;

/* Inputs that are not touches: physical buttons and desktop keys. NAV_ENTER is a keyboard's
 * Enter: in a text answer it goes on to the next question (the residents' mode), elsewhere it
 * is NAV_SELECT. */
typedef enum { NAV_PREV, NAV_NEXT, NAV_SELECT, NAV_BACK, NAV_HOME, NAV_ENTER } nav_t;

/* A storage operation the flow waits for; the app performs it and calls flow_op_done(). */
typedef enum { OP_NONE, OP_SAVE, OP_UPDATE_ANSWERS } op_kind_t;

typedef struct flow flow_t;

/* Creates a flow over a loaded content (which must outlive the flow), on the home screen in
 * the default language. kiosk_id is copied into every record. NULL on allocation failure. */
flow_t *flow_new(const content_t *content, const char *kiosk_id, int64_t now_ms);
/* Wipes typed answers and contact details, then frees f; accepts NULL. The content stays the
 * caller's. */
void flow_free(flow_t *f);

/* ---- inputs; each returns true when the screen changed and must be redrawn ---- */

/* A touch target was activated (tap, or select on the focused widget). key_text is the text
 * of an ACT_KEY widget, else NULL (read during the call only). An action of another mode
 * (ACT_STAFF_*, ACT_WAKE) counts only as a touch: it keeps the session awake and may dismiss the
 * idle prompt. */
bool flow_activate(flow_t *f, action_t action, int arg, const char *key_text, int64_t now_ms);

/* Text from a desktop keyboard or an input method (UTF-8); refused when invalid. */
bool flow_text(flow_t *f, const char *utf8, int64_t now_ms);

/* The input methods (pinyin, handwriting) for text questions: the engine table is the
 * caller's (the IME edge's, or a test's fake) and must outlive the flow or the next call; NULL
 * (the default): no input methods, text questions take Latin letters and digits as typed.
 * Clears any composition. A text question starts in its own "inputMode", else its language's,
 * else handwriting for zh-* languages and Latin letters otherwise (tel and number: digits);
 * a mode whose engine is absent or failed falls back to Latin letters. Typed letters go into
 * a pinyin composition; Next, a space or any other key with a composition pending settles it
 * first (its first candidate into the answer); Next then stays on the question, so that the
 * resident sees what will be stored before the next Next moves on. */
void flow_set_ime(flow_t *f, const ime_engine_t *engine);

/* A finger on the writing pad of a handwriting question: down, moving, lifted at (x, y) in the
 * pad's own coordinates (0..size-1, clipped). Points arrive only while a stroke is open. */
typedef enum { FLOW_PAD_DOWN, FLOW_PAD_MOVE, FLOW_PAD_UP } flow_pad_t;
bool flow_pad(flow_t *f, flow_pad_t ev, int x, int y, int size, int64_t now_ms);

/* Quick rating by a physical face button or a desktop key (face index, worst first). */
bool flow_face(flow_t *f, size_t face, int64_t now_ms);

/* The tap guard: for ms after an input changed the screen (or a save brought the thank-you
 * or follow-up screen), taps, faces and Select, Back and Home are ignored, so that the second
 * tap of a double tap does not answer the next screen. Moving the ring is never refused.
 * 0 (the default, for tests driving the flow at machine speed) turns it off; the kiosk sets
 * FLOW_TAP_GUARD_MS. */
void flow_set_tap_guard(flow_t *f, int ms);
/* A double tap's second tap comes 100 to 300 ms after the first on touchscreens (Android's
 * DOUBLE_TAP_TIMEOUT is 300 ms, Windows' default double-click time 500 ms, and elderly users'
 * taps are slower, not faster); a resident reading a new screen and choosing takes well over
 * half a second. 350 ms catches the double tap and stays below any deliberate answer. */
#define FLOW_TAP_GUARD_MS 350
/* When the guard ends (inputs before it are ignored), or INT64_MIN when it is not running. */
int64_t flow_settled_at(const flow_t *f);

/* Moves the focus ring over focusable_count targets, or selects: for NAV_SELECT the caller
 * activates the focused widget (see flow_focus()). NAV_BACK and NAV_HOME act directly. */
bool flow_nav(flow_t *f, nav_t nav, size_t focusable_count, int64_t now_ms);

/* no ring: touch users never see it */
#define FLOW_FOCUS_NONE (-1)
/* the ring goes on the screen's first answer (the view says which) */
#define FLOW_FOCUS_START (-2)
/* after a candidate chosen by buttons: on the first candidate of what is still composed, or on
 * the first letter key once the composition is done (the view says which) */
#define FLOW_FOCUS_CANDIDATES (-3)

/* Index of the focused target among the focusable ones, FLOW_FOCUS_NONE, or one the view
 * resolves: FLOW_FOCUS_START (a button press brought a new screen) or FLOW_FOCUS_CANDIDATES;
 * see view_t.focus_index. */
int flow_focus(const flow_t *f);
/* Sets the focused target (the app resolves FLOW_FOCUS_START and FLOW_FOCUS_CANDIDATES with
 * the view's choice). */
void flow_set_focus(flow_t *f, int index);
/* A touch: the ring goes away until the next button press. */
void flow_touched(flow_t *f);

/* Advances timers (idle prompt, countdown, thank-you). Returns true when the screen changed. */
bool flow_tick(flow_t *f, int64_t now_ms);

/* Monotonic time of the next timer, or INT64_MAX when nothing is due: the app may sleep
 * until then. */
int64_t flow_next_deadline(const flow_t *f);

/* ---- storage hand-off ---- */

/* The operation the flow waits for, or OP_NONE. For OP_SAVE *rec is the record to save
 * (the app fills rec->time and may set uuid); for OP_UPDATE_ANSWERS, uuid and answers_json
 * of *rec say what to update. The record belongs to the flow (never record_clear() it):
 * *rec points into f, NULL with OP_NONE, valid until flow_op_done() or flow_free(). */
op_kind_t flow_pending_op(flow_t *f, record_t **rec);

/* Reports the result of the pending operation (KIOSK_OK or a KIOSK_E* code). On success the
 * thank-you (or follow-up) screen appears; on failure the out-of-service screen. */
void flow_op_done(flow_t *f, int result, int64_t now_ms);

/* Staff took over the kiosk: a resident's unfinished session ends as abandoned (its answers
 * wiped) and the home screen is back for afterwards. */
void flow_abandon(flow_t *f, int64_t now_ms);

/* Whether the store can take answers. While false the out-of-service screen is shown and
 * nothing is accepted; back to true returns to the home screen. */
void flow_set_store_ok(flow_t *f, bool ok, int64_t now_ms);

/* A session that ended since the last call: its journey id and outcome. Returns false when
 * none is waiting. */
bool flow_take_outcome(flow_t *f, char journey_id[64], session_outcome_t *outcome);

/* A message screen for staff at the kiosk (USB export progress and results), by interface
 * string keys, so that it follows the language button: body_key's {n} and {reason} are
 * filled with n and the text of reason_key; extra_key (with {n} = extra_n) adds a sentence. */
typedef struct {
    char title_key[48];
    char body_key[48];
    char reason_key[48];
    char n[24];
    char extra_key[48];
    char extra_n[24];
    double progress;  /* < 0: no bar */
    bool done;        /* a Done button that returns home */
    int64_t until_ms; /* home by itself then; INT64_MAX: stays */
} flow_message_t;

/* Shows (or updates) the message screen in place of the home screen; *m is copied. Only
 * between residents: false while a journey is in progress. */
bool flow_show_message(flow_t *f, const flow_message_t *m);
/* The message shown (the flow's copy), or NULL. */
const flow_message_t *flow_message(const flow_t *f);

/* ---- what the view needs ---- */

screen_t flow_screen(const flow_t *f);
overlay_t flow_overlay(const flow_t *f);
const content_t *flow_content(const flow_t *f);
const char *flow_lang(const flow_t *f);
/* The resident's display choices (and language): kept for the visit, through Home and Back,
 * until the thank-you's Done or timeout, the idle timeout, staff taking over, or the home
 * screen left untouched for the idle time. */
bool flow_large_text(const flow_t *f);
/* Speech (the kiosk reads the screen aloud, core/speech.h): for the visit, like the display
 * choices. On by the help button (flow_help), by the display choices' switch (ACT_SPEECH), or
 * by the app when a headset is plugged in (flow_set_speech). */
bool flow_speech(const flow_t *f);
void flow_set_speech(flow_t *f, bool on);
/* The help button: turns speech on and shows the focus ring; with speech already on, asks for
 * the screen to be said again (flow_speech_repeat() changes). Returns true (redraw). */
bool flow_help(flow_t *f, size_t focusable_count, int64_t now_ms);
/* Counts the help presses that asked for the screen again. */
unsigned flow_speech_repeat(const flow_t *f);
/* Counts the inputs refused (a grey Next pressed, a digit a phone number cannot take): a
 * change means the refused earcon. */
unsigned flow_refused(const flow_t *f);
/* Counts the answers given by one press that moved the visit on (a single choice, a face, yes
 * or no): a change means the choice is said before the screen it led to. *act and *arg: the
 * last one's button (ACT_CHOICE or ACT_FACE, and its argument). */
unsigned flow_chosen(const flow_t *f, action_t *act, int *arg);
bool flow_high_contrast(const flow_t *f);
/* Switches the language of the current session; false for a code not in the pack. */
bool flow_set_lang(flow_t *f, const char *code);
/* Sets the language every session starts in and returns to (default: the pack's). */
bool flow_set_home_lang(flow_t *f, const char *code);
/* Current journey, NULL on home / for the quick rating's follow-up. */
const journey_t *flow_journey(const flow_t *f);
const question_t *flow_question(const flow_t *f);
const answer_t *flow_answer(const flow_t *f);
/* Position of the current question in the journey so far (1-based: the questions seen) and
 * the most questions the journey can have: those seen, and every later one that is visible or
 * whose visibleIf still waits for an answer. The total never grows as the resident goes on;
 * an answer that rules questions out brings it down. 0 and 0 off a question screen. */
void flow_progress(const flow_t *f, size_t *n, size_t *total);
/* Title and description of the current question with {name} replaced by earlier answers'
 * labels ({name.detail}, {name.description}: the chosen choice's detail line and description,
 * as a dated activity has). buf is the caller's, NUL-terminated. */
void flow_question_title(const flow_t *f, char *buf, size_t len);
void flow_question_description(const flow_t *f, char *buf, size_t len);
/* Why Next cannot go on from the current question yet. */
typedef enum {
    FLOW_WHY_NONE,   /* it can */
    FLOW_WHY_CHOOSE, /* a required choice is not made */
    FLOW_WHY_WRITE,  /* a required text is empty */
    FLOW_WHY_PHONE,  /* the phone number is missing, or matches none of the language's formats */
} flow_why_t;
flow_why_t flow_why_not(const flow_t *f);
/* What Next pressed too early is explaining: set by that press, FLOW_WHY_NONE again after
 * the resident's next input. */
flow_why_t flow_explaining(const flow_t *f);
/* Whether the current question must be answered: "isRequired", or its "requiredIf" holds. */
bool flow_required(const flow_t *f);
/* Whether Next is allowed (nothing missing, or a composition to settle), and Skip is
 * offered (the question is not required). */
bool flow_can_next(const flow_t *f);
bool flow_can_skip(const flow_t *f);
/* A phone number as the resident's language groups it ("138 1234 5678"), and an example of
 * the numbers it takes (empty when the language has no formats); out holds len bytes. */
void flow_phone_grouped(const flow_t *f, const char *number, char *out, size_t len);
void flow_phone_example(const flow_t *f, char *out, size_t len);
bool flow_can_back(const flow_t *f);
/* The input method's state on a text question (mode, composition, candidates, strokes), or
 * NULL when no engine was set (flow_set_ime): points into f, valid until flow_free(), its
 * contents changing with every input. The view reads ime_available() for the mode button. */
const ime_t *flow_ime(const flow_t *f);
/* Keyboard state of a text question. */
bool flow_kb_shift(const flow_t *f);
bool flow_kb_symbols(const flow_t *f);
/* Page of a long choice list (the view clamps it). */
size_t flow_list_page(const flow_t *f);
/* Languages: with two, ACT_LANG switches to the other; with three or more it opens the
 * picker (OVERLAY_LANGUAGE), where ACT_LANG_CHOOSE sets the visit's language, ACT_PAGE_NEXT
 * and ACT_PAGE_PREV turn its pages, and ACT_LANG_CLOSE, Back and Home close it unchanged.
 * On the out-of-service screen and for ACT_LANG_NEXT the language moves to the next one.
 * The picker's page (the view clamps it). */
size_t flow_lang_page(const flow_t *f);
/* Seconds left on the idle countdown (for the prompt), rounded up. */
int flow_idle_seconds_left(const flow_t *f, int64_t now_ms);
/* Fraction 1..0 of the countdown left, for its bar, in steps of FLOW_IDLE_STEP_MS (rounded
 * up): what the prompt shows changes only at a step, and the loop sleeps between. */
#define FLOW_IDLE_STEP_MS 250
double flow_idle_fraction(const flow_t *f, int64_t now_ms);
/* When the countdown next shows something else (its next step; a step of FLOW_IDLE_STEP_MS
 * also turns the seconds); INT64_MAX when the countdown is not up. */
int64_t flow_idle_next_step(const flow_t *f, int64_t now_ms);
/* The reference code of the service request just saved ("" if none) on the thank-you screen;
 * while there is one, the screen stays until ACT_DONE ("I have noted it") or the idle
 * timeout. */
const char *flow_ref_code(const flow_t *f);
/* Closing text of the journey just completed: its first "completedTextOnCondition" that holds
 * over the answers, else its "completedText" (NULL: use thanks.body). */
const lstr_t *flow_completed_text(const flow_t *f);
/* On the thank-you screen after an activity journey: the activity chosen (its label and
 * detail: date, time and place), else NULL. Points into the content. */
const choice_t *flow_signed_up(const flow_t *f);
/* Whether the thank-you screen follows a quick rating. */
bool flow_is_quick(const flow_t *f);

#endif
