/* The resident session: screens, answers, back/skip, idle timeout and the finished record.
 * Every answer lives here until the store confirms the save; a discarded session is wiped. */
#include "core/flow.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"
#include "core/utf8.h"

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
    size_t list_page;
    int focus;                      /* FLOW_FOCUS_NONE, FLOW_FOCUS_START, or an index */
    bool button_user;               /* the last input was a button: new screens show the ring */
    bool large_text, high_contrast; /* the resident's display choices */

    int64_t last_input_ms;
    int64_t last_quick_ms; /* the last quick rating, for the misuse flag; -1: none yet */
    int64_t overlay_since_ms;
    int64_t thanks_until_ms;

    op_kind_t op;
    record_t rec; /* the record being saved, or the quick rating being followed up */
    char ref_code[RECORD_REF_LEN + 1];
    const lstr_t *completed;
    bool store_ok;

    flow_message_t msg;

    bool outcome_waiting;
    char outcome_journey[64];
    session_outcome_t outcome;
};

static int64_t secs(int s)
{
    return (int64_t)s * 1000;
}

static void wipe_answers(flow_t *f)
{
    for (size_t i = 0; i < CONTENT_MAX_QUESTIONS; i++) {
        if (f->answers[i].text) {
            /* Overwrite before freeing: what one resident typed must not linger. */
            memset(f->answers[i].text, 0, strlen(f->answers[i].text));
            free(f->answers[i].text);
        }
        memset(&f->answers[i], 0, sizeof f->answers[i]);
        f->answers[i].choice = -1;
    }
}

static void clear_record(flow_t *f)
{
    if (f->rec.contact_phone)
        memset(f->rec.contact_phone, 0, strlen(f->rec.contact_phone));
    if (f->rec.contact_name)
        memset(f->rec.contact_name, 0, strlen(f->rec.contact_name));
    record_clear(&f->rec);
}

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
}

/* Back to the home screen in the default language with nothing of the last resident left. */
static void go_home(flow_t *f)
{
    wipe_answers(f);
    clear_record(f);
    f->journey = NULL;
    f->quick = false;
    f->qs = NULL;
    f->nq = 0;
    f->qi = 0;
    f->nhistory = 0;
    f->op = OP_NONE;
    f->ref_code[0] = '\0';
    f->completed = NULL;
    snprintf(f->lang, sizeof f->lang, "%s", f->home_lang);
    f->large_text = false;
    f->high_contrast = false;
    reset_screen_state(f);
    f->screen = f->store_ok ? SCREEN_HOME : SCREEN_OUT_OF_SERVICE;
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
    snprintf(f->home_lang, sizeof f->home_lang, "%s", content_default_lang(content));
    go_home(f);
    return f;
}

void flow_free(flow_t *f)
{
    if (!f)
        return;
    wipe_answers(f);
    clear_record(f);
    free(f);
}

static bool visible(const flow_t *f, size_t i)
{
    return expr_eval(f->qs[i].visible_if, f->qs, f->answers);
}

static bool answered(const question_t *q, const answer_t *a)
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

/* ---- the finished record ---- */

static cJSON *answer_json(const question_t *q, const answer_t *a)
{
    switch (q->type) {
    case Q_RATING:
        return cJSON_CreateNumber((double)q->choices[a->choice].number);
    case Q_RADIOGROUP:
        return cJSON_CreateString(q->choices[a->choice].value);
    case Q_BOOLEAN:
        return cJSON_CreateBool(a->yes);
    case Q_CHECKBOX: {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; arr && i < q->nchoices; i++)
            if (a->multi & (UINT64_C(1) << i))
                cJSON_AddItemToArray(arr, cJSON_CreateString(q->choices[i].value));
        return arr;
    }
    case Q_TEXT:
        if (q->input == INPUT_NUMBER)
            return cJSON_CreateNumber(strtod(a->text, NULL));
        return cJSON_CreateString(a->text);
    case Q_COMMENT:
        return cJSON_CreateString(a->text);
    }
    return NULL;
}

static void record_header(flow_t *f, record_kind_t kind, const char *journey_id)
{
    clear_record(f);
    f->rec.kind = kind;
    snprintf(f->rec.journey_id, sizeof f->rec.journey_id, "%s", journey_id);
    snprintf(f->rec.kiosk_id, sizeof f->rec.kiosk_id, "%s", f->kiosk_id);
    snprintf(f->rec.pack_id, sizeof f->rec.pack_id, "%s", content_id(f->c));
    snprintf(f->rec.pack_version, sizeof f->rec.pack_version, "%s", content_version(f->c));
    snprintf(f->rec.lang, sizeof f->rec.lang, "%s", f->lang);
}

/* Builds the record of the journey: answers of visible, answered questions as codes; contact
 * details apart, and only when their consent question was answered yes. */
static int build_record(flow_t *f)
{
    record_header(f, f->journey->kind, f->journey->id);
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return KIOSK_ENOMEM;
    bool consent = false;
    for (size_t i = 0; i < f->nq; i++) {
        const question_t *q = &f->qs[i];
        const answer_t *a = &f->answers[i];
        if (!visible(f, i) || !answered(q, a))
            continue;
        if (q->is_consent && a->yes)
            consent = true;
        if (q->contact != CONTACT_NONE) {
            char **dst = q->contact == CONTACT_NAME ? &f->rec.contact_name : &f->rec.contact_phone;
            free(*dst);
            *dst = strdup(a->text);
            continue;
        }
        cJSON *v = answer_json(q, a);
        if (!v || !cJSON_AddItemToObject(obj, q->name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            return KIOSK_ENOMEM;
        }
    }
    f->rec.consent = consent && (f->rec.contact_name || f->rec.contact_phone);
    if (!f->rec.consent) {
        /* Unreachable with a validated pack; never let a detail through without consent. */
        clear_record(f);
        record_header(f, f->journey->kind, f->journey->id);
    }
    f->rec.answers_json = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    return f->rec.answers_json ? KIOSK_OK : KIOSK_ENOMEM;
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
            f->thanks_until_ms = f->last_input_ms + secs(content_settings(f->c)->thanks_s);
        }
        return;
    }
    if (build_record(f) != KIOSK_OK) {
        f->screen = SCREEN_OUT_OF_SERVICE;
        return;
    }
    f->op = OP_SAVE;
}

static void advance(flow_t *f)
{
    size_t i = f->qi + 1;
    while (i < f->nq && !visible(f, i))
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
    wipe_answers(f);
    f->journey = j;
    f->quick = false;
    f->qs = j->q;
    f->nq = j->nq;
    f->nhistory = 0;
    f->session_active = true;
    size_t i = 0;
    while (i < f->nq && !visible(f, i))
        i++;
    enter_question(f, i < f->nq ? i : 0);
}

/* Leaves the journey: at once when nothing would be lost, else after asking. */
static bool leave(flow_t *f)
{
    if (f->screen == SCREEN_THANKS || (f->screen == SCREEN_QUESTION && f->quick)) {
        go_home(f); /* the quick rating is already stored */
        return true;
    }
    if (f->screen != SCREEN_QUESTION)
        return false;
    bool any = false;
    for (size_t i = 0; i < f->nq; i++)
        any = any || answered(&f->qs[i], &f->answers[i]);
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

static bool choose(flow_t *f, int arg)
{
    const question_t *q = &f->qs[f->qi];
    answer_t *a = &f->answers[f->qi];
    switch (q->type) {
    case Q_BOOLEAN:
        a->set = true;
        a->yes = arg != 0;
        advance(f);
        return true;
    case Q_RATING:
    case Q_RADIOGROUP:
        if (arg < 0 || (size_t)arg >= q->nchoices)
            return false;
        a->set = true;
        a->choice = arg;
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

/* Appends text to the current text answer within its limits; false when nothing fits. */
static bool type_text(flow_t *f, const char *utf8)
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
    bool changed = false;
    for (const char *p = utf8; *p;) {
        size_t cl = utf8_char_len(p);
        if (count >= q->max_length)
            break;
        bool ok;
        if (q->input == INPUT_TEL)
            ok = (*p >= '0' && *p <= '9') || (*p == '+' && count == 0);
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

bool flow_activate(flow_t *f, action_t action, int arg, const char *key_text, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return false; /* a save is in progress: inputs wait for its result */
    bool dismissed = touch(f, now_ms);
    if (action == ACT_LANG) {
        size_t n = content_language_count(f->c);
        int i = content_language_index(f->c, f->lang);
        const language_t *next = content_language(f->c, (size_t)(i + 1) % n);
        snprintf(f->lang, sizeof f->lang, "%s", next->code);
        return true;
    }
    if (dismissed && action != ACT_IDLE_CONTINUE)
        return true; /* the tap that ends the idle prompt does nothing else */
    if (f->overlay == OVERLAY_DISPLAY) {
        switch (action) {
        case ACT_LARGE_TEXT:
            f->large_text = !f->large_text;
            return true;
        case ACT_HIGH_CONTRAST:
            f->high_contrast = !f->high_contrast;
            return true;
        case ACT_DISPLAY_CLOSE:
            f->overlay = OVERLAY_NONE;
            f->focus = start_focus(f);
            return true;
        default:
            return false;
        }
    }
    if (action == ACT_DISPLAY && f->overlay == OVERLAY_NONE && f->screen != SCREEN_OUT_OF_SERVICE) {
        f->overlay = OVERLAY_DISPLAY;
        f->focus = start_focus(f);
        return true;
    }
    if (f->overlay == OVERLAY_LEAVE) {
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
    switch (f->screen) {
    case SCREEN_OUT_OF_SERVICE:
        return false;
    case SCREEN_HOME:
        if (action == ACT_FACE)
            return flow_face(f, (size_t)arg, now_ms);
        if (action == ACT_JOURNEY) {
            start_journey(f, (size_t)arg);
            return true;
        }
        return false;
    case SCREEN_THANKS:
    case SCREEN_MESSAGE:
        if (action == ACT_DONE || action == ACT_HOME) {
            go_home(f);
            return true;
        }
        return false;
    case SCREEN_QUESTION:
        break;
    }
    switch (action) {
    case ACT_IDLE_CONTINUE:
        return dismissed;
    case ACT_CHOICE:
        return choose(f, arg);
    case ACT_KEY:
        return key_text && type_text(f, key_text);
    case ACT_SPACE:
        return type_text(f, " ");
    case ACT_BACKSPACE:
        return backspace(f);
    case ACT_SHIFT:
        f->kb_shift = !f->kb_shift;
        return true;
    case ACT_SYMBOLS:
        f->kb_symbols = !f->kb_symbols;
        f->kb_shift = false;
        return true;
    case ACT_NEXT:
        if (!flow_can_next(f))
            return false;
        advance(f);
        return true;
    case ACT_SKIP: {
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
        return false;
    }
}

bool flow_text(flow_t *f, const char *utf8, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return false;
    if (touch(f, now_ms))
        return true;
    return type_text(f, utf8);
}

bool flow_face(flow_t *f, size_t face, int64_t now_ms)
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
    record_header(f, RECORD_QUICK_RATING, QUICK_JOURNEY_ID);
    int64_t interval = secs(content_settings(f->c)->misuse_interval_s);
    f->rec.misuse = f->last_quick_ms >= 0 && now_ms - f->last_quick_ms < interval;
    f->last_quick_ms = now_ms;
    char json[64];
    snprintf(json, sizeof json, "{\"rating\":%ld}", ch->number);
    f->rec.answers_json = strdup(json);
    if (!f->rec.answers_json)
        return false;
    wipe_answers(f);
    f->journey = NULL;
    f->quick = true;
    f->session_active = true;
    f->op = OP_SAVE;
    return true;
}

bool flow_nav(flow_t *f, nav_t nav, size_t focusable_count, int64_t now_ms)
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
        if (f->focus < 0)
            f->focus = f->focus == FLOW_FOCUS_START ? FLOW_FOCUS_START : 0;
        else if (nav == NAV_NEXT)
            f->focus = (f->focus + 1) % (int)focusable_count;
        else
            f->focus = (f->focus + (int)focusable_count - 1) % (int)focusable_count;
        return true;
    case NAV_SELECT:
        if (f->focus < 0 && focusable_count > 0) {
            f->focus = FLOW_FOCUS_START; /* the first press shows where the ring is */
            return true;
        }
        return false;
    case NAV_BACK:
        if (f->overlay == OVERLAY_LEAVE || f->overlay == OVERLAY_DISPLAY) {
            f->overlay = OVERLAY_NONE;
            return true;
        }
        if (f->screen == SCREEN_THANKS)
            return leave(f);
        return go_back(f);
    case NAV_HOME:
        return leave(f);
    }
    return false;
}

void flow_abandon(flow_t *f, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return; /* a save in flight finishes first; its record is the resident's */
    if (f->screen == SCREEN_MESSAGE)
        return;
    end_session(f, SESSION_ABANDONED);
    go_home(f);
    f->last_input_ms = now_ms;
}

bool flow_large_text(const flow_t *f)
{
    return f->large_text;
}

bool flow_high_contrast(const flow_t *f)
{
    return f->high_contrast;
}

int flow_focus(const flow_t *f)
{
    return f->focus;
}

void flow_set_focus(flow_t *f, int index)
{
    f->focus = index;
}

void flow_touched(flow_t *f)
{
    if (f->button_user || f->focus != FLOW_FOCUS_NONE) {
        f->button_user = false;
        f->focus = FLOW_FOCUS_NONE;
    }
}

/* Whether a resident left the home screen other than the next one expects to find it. */
static bool home_changed(const flow_t *f)
{
    return strcmp(f->lang, f->home_lang) != 0 || f->button_user || f->large_text ||
           f->high_contrast || f->overlay != OVERLAY_NONE;
}

bool flow_tick(flow_t *f, int64_t now_ms)
{
    const content_settings_t *st = content_settings(f->c);
    if (f->op != OP_NONE)
        return false;
    if (f->screen == SCREEN_MESSAGE && now_ms >= f->msg.until_ms) {
        go_home(f);
        return true;
    }
    if (f->screen == SCREEN_THANKS && now_ms >= f->thanks_until_ms) {
        go_home(f);
        return true;
    }
    if (f->screen == SCREEN_QUESTION) {
        if (f->overlay != OVERLAY_IDLE && now_ms - f->last_input_ms >= secs(st->idle_timeout_s)) {
            f->overlay = OVERLAY_IDLE;
            f->overlay_since_ms = f->last_input_ms + secs(st->idle_timeout_s);
            f->focus = start_focus(f);
            return true;
        }
        if (f->overlay == OVERLAY_IDLE &&
            now_ms - f->overlay_since_ms >= secs(st->idle_countdown_s)) {
            end_session(f, SESSION_TIMED_OUT);
            go_home(f);
            return true;
        }
        return false;
    }
    if (f->screen == SCREEN_HOME && now_ms - f->last_input_ms >= secs(st->idle_timeout_s) &&
        home_changed(f)) {
        /* Nobody there: the next resident starts in the default language, without a ring. */
        f->button_user = false;
        go_home(f);
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
        return f->thanks_until_ms;
    case SCREEN_QUESTION:
        if (f->overlay == OVERLAY_IDLE)
            return f->overlay_since_ms + secs(st->idle_countdown_s);
        return f->last_input_ms + secs(st->idle_timeout_s);
    case SCREEN_HOME:
        if (home_changed(f))
            return f->last_input_ms + secs(st->idle_timeout_s);
        return INT64_MAX;
    case SCREEN_OUT_OF_SERVICE:
        return INT64_MAX;
    case SCREEN_MESSAGE:
        return f->msg.until_ms;
    }
    return INT64_MAX;
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
    if (result != KIOSK_OK) {
        /* Nothing was stored: say so instead of thanking, and take no more answers. */
        wipe_answers(f);
        clear_record(f);
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
        f->completed = f->journey->completed.n ? &f->journey->completed : NULL;
    }
    wipe_answers(f);
    clear_record(f);
    reset_screen_state(f);
    f->screen = SCREEN_THANKS;
    f->thanks_until_ms = now_ms + secs(content_settings(f->c)->thanks_s);
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
        go_home(f);
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

const flow_message_t *flow_message(const flow_t *f)
{
    return f->screen == SCREEN_MESSAGE ? &f->msg : NULL;
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

screen_t flow_screen(const flow_t *f)
{
    return f->screen;
}

overlay_t flow_overlay(const flow_t *f)
{
    return f->overlay;
}

const content_t *flow_content(const flow_t *f)
{
    return f->c;
}

const char *flow_lang(const flow_t *f)
{
    return f->lang;
}

bool flow_set_lang(flow_t *f, const char *code)
{
    if (content_language_index(f->c, code) < 0)
        return false;
    snprintf(f->lang, sizeof f->lang, "%s", code);
    return true;
}

bool flow_set_home_lang(flow_t *f, const char *code)
{
    if (content_language_index(f->c, code) < 0)
        return false;
    snprintf(f->home_lang, sizeof f->home_lang, "%s", code);
    if (f->screen == SCREEN_HOME || f->screen == SCREEN_OUT_OF_SERVICE)
        snprintf(f->lang, sizeof f->lang, "%s", code);
    return true;
}

const journey_t *flow_journey(const flow_t *f)
{
    return f->journey;
}

const question_t *flow_question(const flow_t *f)
{
    return f->screen == SCREEN_QUESTION ? &f->qs[f->qi] : NULL;
}

const answer_t *flow_answer(const flow_t *f)
{
    return f->screen == SCREEN_QUESTION ? &f->answers[f->qi] : NULL;
}

void flow_progress(const flow_t *f, size_t *n, size_t *total)
{
    *n = 0;
    *total = 0;
    for (size_t i = 0; i < f->nq; i++) {
        if (!visible(f, i))
            continue;
        (*total)++;
        if (i <= f->qi)
            (*n)++;
    }
}

void flow_question_title(const flow_t *f, char *buf, size_t len)
{
    buf[0] = '\0';
    const question_t *q = flow_question(f);
    if (!q || len == 0)
        return;
    const char *src = content_text(f->c, &q->title, f->lang);
    size_t o = 0;
    while (*src && o + 1 < len) {
        const char *close = *src == '{' ? strchr(src, '}') : NULL;
        const char *label = NULL;
        if (close) {
            size_t n = (size_t)(close - src - 1);
            for (size_t i = 0; i < f->nq && !label; i++) {
                const question_t *p = &f->qs[i];
                const answer_t *a = &f->answers[i];
                if (strlen(p->name) != n || strncmp(p->name, src + 1, n) != 0 || !a->set)
                    continue;
                if (p->type == Q_RADIOGROUP || p->type == Q_RATING)
                    label = content_text(f->c, &p->choices[a->choice].text, f->lang);
                else if (p->type == Q_TEXT && p->contact == CONTACT_NONE)
                    label = a->text;
            }
        }
        if (label) {
            int w = snprintf(buf + o, len - o, "%s", label);
            o = w < 0 ? o : (size_t)w >= len - o ? len - 1 : o + (size_t)w;
            src = close + 1;
        } else {
            buf[o++] = *src++;
        }
    }
    buf[o] = '\0';
}

bool flow_can_next(const flow_t *f)
{
    const question_t *q = flow_question(f);
    return q && (!q->required || answered(q, &f->answers[f->qi]));
}

bool flow_can_skip(const flow_t *f)
{
    const question_t *q = flow_question(f);
    return q && !q->required;
}

bool flow_can_back(const flow_t *f)
{
    return f->screen == SCREEN_QUESTION;
}

bool flow_kb_shift(const flow_t *f)
{
    return f->kb_shift;
}

bool flow_kb_symbols(const flow_t *f)
{
    return f->kb_symbols;
}

size_t flow_list_page(const flow_t *f)
{
    return f->list_page;
}

int flow_idle_seconds_left(const flow_t *f, int64_t now_ms)
{
    int64_t left = f->overlay_since_ms + secs(content_settings(f->c)->idle_countdown_s) - now_ms;
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

double flow_idle_fraction(const flow_t *f, int64_t now_ms)
{
    int64_t total = secs(content_settings(f->c)->idle_countdown_s);
    int64_t left = f->overlay_since_ms + total - now_ms;
    if (left <= 0)
        return 0.0;
    return left >= total ? 1.0 : (double)left / (double)total;
}

const char *flow_ref_code(const flow_t *f)
{
    return f->ref_code;
}

const lstr_t *flow_completed_text(const flow_t *f)
{
    return f->completed;
}

bool flow_is_quick(const flow_t *f)
{
    return f->quick;
}
