/* The residents' flow, what the view reads: screen, language, question, answer, progress,
 * keyboard and focus state, and the texts to show. */
#include <stdio.h>
#include <string.h>

#include "core/flow_internal.h"
#include "core/phone.h"

bool flow_speech(const flow_t *f)
{
    return f->speech;
}

unsigned flow_speech_repeat(const flow_t *f)
{
    return f->speech_repeat;
}

unsigned flow_refused(const flow_t *f)
{
    return f->refused;
}

unsigned flow_chosen(const flow_t *f, action_t *act, int *arg)
{
    *act = f->chosen_act;
    *arg = f->chosen_arg;
    return f->chosen;
}

void flow_set_speech(flow_t *f, bool on)
{
    f->speech = on;
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

const flow_message_t *flow_message(const flow_t *f)
{
    return f->screen == SCREEN_MESSAGE ? &f->msg : NULL;
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

/* Codes compare in any case; the flow keeps the pack's spelling. */
bool flow_set_lang(flow_t *f, const char *code)
{
    int i = content_language_index(f->c, code);
    if (i < 0)
        return false;
    snprintf(f->lang, sizeof f->lang, "%s", content_language(f->c, (size_t)i)->code);
    flow_ime_restart(f);
    return true;
}

bool flow_set_home_lang(flow_t *f, const char *code)
{
    int i = content_language_index(f->c, code);
    if (i < 0)
        return false;
    code = content_language(f->c, (size_t)i)->code;
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
    /* The total is the most questions the journey can still have: the ones seen, and every
     * later one that is visible or whose visibleIf waits for an answer not yet given. So it
     * never grows as the resident goes on ("4 of 4" then "5 of 6"); it comes down when an
     * answer rules a question out. */
    *n = 0;
    *total = 0;
    if (f->screen != SCREEN_QUESTION)
        return;
    *n = f->nhistory + 1;
    *total = *n;
    for (size_t i = f->qi + 1; i < f->nq; i++)
        if (flow_visible(f, i) || expr_names_from(f->qs[i].visible_if, f->qi))
            (*total)++;
}

/* What {ref} stands for: ref is "name" (the label of its answer) or "name.detail" /
 * "name.description" (those of its chosen choice), n bytes long; NULL when none. */
static const char *answer_text(const flow_t *f, const char *ref, size_t n)
{
    const char *dot = memchr(ref, '.', n);
    size_t name_len = dot ? (size_t)(dot - ref) : n;
    for (size_t i = 0; i < f->nq; i++) {
        const question_t *p = &f->qs[i];
        const answer_t *a = &f->answers[i];
        if (strlen(p->name) != name_len || strncmp(p->name, ref, name_len) != 0 || !a->set)
            continue;
        bool one_choice = p->type == Q_RADIOGROUP || p->type == Q_RATING;
        const choice_t *ch = one_choice ? &p->choices[a->choice] : NULL;
        if (ch && !dot)
            return content_text(f->c, &ch->text, f->lang);
        if (ch && n - name_len == 7 && strncmp(dot, ".detail", 7) == 0)
            return content_text(f->c, &ch->detail, f->lang);
        if (ch && n - name_len == 12 && strncmp(dot, ".description", 12) == 0)
            return content_text(f->c, &ch->description, f->lang);
        if (!dot && p->type == Q_TEXT && p->contact == CONTACT_NONE)
            return a->text;
    }
    return NULL;
}

/* src into buf with every {ref} replaced by answer_text(). */
static void fill_answers(const flow_t *f, const char *src, char *buf, size_t len)
{
    size_t o = 0;
    while (*src && o + 1 < len) {
        const char *close = *src == '{' ? strchr(src, '}') : NULL;
        const char *label = close ? answer_text(f, src + 1, (size_t)(close - src - 1)) : NULL;
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

/* A text of the current question (its title or description) with the answers filled in. */
static void question_text(const flow_t *f, bool title, char *buf, size_t len)
{
    const question_t *q = flow_question(f);
    if (len)
        buf[0] = '\0';
    if (q && len)
        fill_answers(f, content_text(f->c, title ? &q->title : &q->description, f->lang), buf, len);
}

void flow_question_title(const flow_t *f, char *buf, size_t len)
{
    question_text(f, true, buf, len);
}

void flow_question_description(const flow_t *f, char *buf, size_t len)
{
    question_text(f, false, buf, len);
}

bool flow_required(const flow_t *f)
{
    return flow_question(f) && flow_required_at(f, f->qi);
}

/* The resident's language, or NULL. */
static const language_t *language(const flow_t *f)
{
    int li = content_language_index(f->c, f->lang);
    return li >= 0 ? content_language(f->c, (size_t)li) : NULL;
}

const char *const *flow_phone_formats(const flow_t *f, size_t *n)
{
    const language_t *l = language(f);
    *n = l ? l->nphone_formats : 0;
    return l ? l->phone_formats : NULL;
}

flow_why_t flow_why_not(const flow_t *f)
{
    const question_t *q = flow_question(f);
    if (!q)
        return FLOW_WHY_NONE;
    const answer_t *a = &f->answers[f->qi];
    bool answered = flow_answered(q, a);
    if (q->type == Q_TEXT && q->input == INPUT_TEL) {
        size_t n;
        const char *const *formats = flow_phone_formats(f, &n);
        if (answered ? !phone_valid(a->text, formats, n) : flow_required_at(f, f->qi))
            return FLOW_WHY_PHONE;
        return FLOW_WHY_NONE;
    }
    if (answered || !flow_required_at(f, f->qi))
        return FLOW_WHY_NONE;
    return q->type == Q_TEXT || q->type == Q_COMMENT ? FLOW_WHY_WRITE : FLOW_WHY_CHOOSE;
}

flow_why_t flow_explaining(const flow_t *f)
{
    return f->screen == SCREEN_QUESTION ? f->why : FLOW_WHY_NONE;
}

bool flow_can_next(const flow_t *f)
{
    /* With a composition pending, Next settles it (see flow_ime_settle()). */
    return flow_question(f) && (flow_why_not(f) == FLOW_WHY_NONE || ime_composing(&f->ime));
}

bool flow_can_skip(const flow_t *f)
{
    return flow_question(f) && !flow_required_at(f, f->qi);
}

void flow_phone_grouped(const flow_t *f, const char *number, char *out, size_t len)
{
    size_t n;
    const char *const *formats = flow_phone_formats(f, &n);
    phone_group(number, formats, n, out, len);
}

void flow_phone_example(const flow_t *f, char *out, size_t len)
{
    const language_t *l = language(f);
    if (!l || l->nphone_formats == 0)
        snprintf(out, len, "%s", "");
    else if (l->phone_example)
        snprintf(out, len, "%s", l->phone_example);
    else
        phone_example(l->phone_formats[0], out, len);
}

bool flow_can_back(const flow_t *f)
{
    return f->screen == SCREEN_QUESTION;
}

const ime_t *flow_ime(const flow_t *f)
{
    return f->ime_engine ? &f->ime : NULL;
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
    int64_t left =
        f->overlay_since_ms + flow_secs(content_settings(f->c)->idle_countdown_s) - now_ms;
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

double flow_idle_fraction(const flow_t *f, int64_t now_ms)
{
    int64_t total = flow_secs(content_settings(f->c)->idle_countdown_s);
    int64_t left = f->overlay_since_ms + total - now_ms;
    if (left <= 0)
        return 0.0;
    left = (left + FLOW_IDLE_STEP_MS - 1) / FLOW_IDLE_STEP_MS * FLOW_IDLE_STEP_MS;
    return left >= total ? 1.0 : (double)left / (double)total;
}

int64_t flow_idle_next_step(const flow_t *f, int64_t now_ms)
{
    if (f->overlay != OVERLAY_IDLE)
        return INT64_MAX;
    int64_t in = now_ms - f->overlay_since_ms;
    return in < 0 ? f->overlay_since_ms
                  : f->overlay_since_ms + (in / FLOW_IDLE_STEP_MS + 1) * FLOW_IDLE_STEP_MS;
}

const char *flow_ref_code(const flow_t *f)
{
    return f->ref_code;
}

const lstr_t *flow_completed_text(const flow_t *f)
{
    return f->completed;
}

const choice_t *flow_signed_up(const flow_t *f)
{
    return f->screen == SCREEN_THANKS ? f->signed_up : NULL;
}

bool flow_is_quick(const flow_t *f)
{
    return f->quick;
}
