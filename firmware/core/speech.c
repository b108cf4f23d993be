/* What the kiosk says and when (see speech.h): the screen's texts when it opens, the target
 * under the ring as it moves, the choice just made, what is typed, the candidates, codes and
 * phone numbers character by character. Everything comes from the view the resident sees, so
 * that what is said is what is shown, in the same language. */
#include "core/speech.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

void speech_init(speech_t *s)
{
    memset(s, 0, sizeof *s);
    s->focus = -1;
}

static unsigned long mix(unsigned long h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211UL;
    return h;
}

static unsigned long mix_str(unsigned long h, const char *s)
{
    return s ? mix(h, s, strlen(s) + 1) : mix(h, "", 1);
}

/* Languages written without spaces between words: a wrapped line joins without one. */
static bool joins_tight(const char *lang)
{
    return strncmp(lang, "zh", 2) == 0 || strncmp(lang, "ja", 2) == 0 ||
           strncmp(lang, "bo", 2) == 0;
}

/* Appends one utterance (the text unwrapped); empty texts are not said. */
static void say(speech_out_t *out, const char *lang, const char *text)
{
    if (!text || !*text || out->n >= SPEECH_MAX_UTT)
        return;
    size_t room = sizeof out->text - out->used;
    if (room < 2)
        return;
    char *dst = out->text + out->used;
    size_t k = 0;
    bool tight = joins_tight(lang);
    for (const char *p = text; *p && k + 1 < room; p++) {
        if (*p != '\n')
            dst[k++] = *p;
        else if (!tight && k > 0 && dst[k - 1] != ' ')
            dst[k++] = ' ';
    }
    dst[k] = '\0';
    if (k == 0)
        return;
    out->used += k + 1;
    out->u[out->n++] = (speech_utt_t){.lang = lang, .text = dst, .prompt = NULL};
}

void speech_spell(const char *text, char *out, size_t len)
{
    size_t k = 0;
    bool group_open = false;
    if (len == 0)
        return;
    for (const char *p = text; *p;) {
        size_t cl = utf8_char_len(p);
        if (cl == 0)
            cl = 1;
        bool gap = *p == ' ' || *p == '\n' || *p == '-';
        const char *sep = gap ? (group_open ? ", " : "") : (k > 0 && group_open ? " " : "");
        if (k + strlen(sep) + cl + 1 > len)
            break;
        memcpy(out + k, sep, strlen(sep));
        k += strlen(sep);
        if (!gap) {
            memcpy(out + k, p, cl);
            k += cl;
        }
        group_open = !gap;
        p += cl;
    }
    out[k] = '\0';
}

static void say_spelled(speech_out_t *out, const char *lang, const char *text)
{
    char buf[256];
    speech_spell(text, buf, sizeof buf);
    say(out, lang, buf);
}

static const char *widget_lang(const widget_t *w, const char *lang)
{
    return w->lang ? w->lang : lang;
}

/* Whether the text is read character by character: a reference code, a phone number. */
static bool spelled(const widget_t *w)
{
    return w->style == STYLE_CODE || (w->kind == W_FIELD && w->ltr);
}

/* The target under the ring: its words, its second line, and whether it is chosen. */
static void say_target(speech_out_t *out, const flow_t *f, const view_t *v, const widget_t *w)
{
    const char *lang = widget_lang(w, v->lang);
    if (spelled(w))
        say_spelled(out, lang, w->text);
    else
        say(out, lang, w->text);
    say(out, lang, w->text2);
    if (w->style == STYLE_SELECTED || w->checked)
        say(out, v->lang, content_string(flow_content(f), "speech.selected", flow_lang(f)));
}

/* A screen (or the prompt above it) that just opened: its texts in reading order. */
static void say_screen(speech_out_t *out, const flow_t *f, const view_t *v)
{
    size_t from = v->overlay_start < v->n ? v->overlay_start : 0;
    for (size_t i = from; i < v->n; i++) {
        const widget_t *w = &v->w[i];
        const char *lang = widget_lang(w, v->lang);
        if (w->kind == W_FACE) {
            say(out, lang, w->text);
        } else if ((w->kind == W_LABEL && w->style != STYLE_NOTICE) ||
                   (w->kind == W_FIELD && w->ltr)) { /* staff notices are not for residents */
            if (spelled(w))
                say_spelled(out, lang, w->text);
            else
                say(out, lang, w->text);
            say(out, lang, w->text2);
        }
    }
    (void)f;
}

static unsigned long screen_sig(const flow_t *f)
{
    unsigned long h = 14695981039346656037UL;
    int k[3] = {(int)flow_screen(f), (int)flow_overlay(f), (int)flow_list_page(f)};
    const void *p[2] = {flow_journey(f), flow_question(f)};
    h = mix(h, k, sizeof k);
    h = mix(h, p, sizeof p);
    h = mix_str(h, flow_lang(f));
    return mix_str(h, flow_ref_code(f));
}

static const widget_t *focused(const view_t *v)
{
    return v->focus_index >= 0 ? view_focusable(v, (size_t)v->focus_index) : NULL;
}

static unsigned long target_sig(const widget_t *w)
{
    unsigned long h = 14695981039346656037UL;
    if (!w)
        return h;
    int st[2] = {(int)w->style, (int)w->checked};
    h = mix(h, st, sizeof st);
    return mix_str(h, w->text);
}

/* The candidates of the Chinese input, numbered as the resident counts them. */
static unsigned long candidates(const flow_t *f, const view_t *v, speech_out_t *out)
{
    unsigned long h = 14695981039346656037UL;
    char num[64];
    int n = 0;
    for (size_t i = 0; i < v->n; i++) {
        const widget_t *w = &v->w[i];
        if (w->action != ACT_IME_CANDIDATE)
            continue;
        h = mix_str(h, w->text);
        if (out) {
            const char *tpl = content_string(flow_content(f), "speech.candidate", flow_lang(f));
            const char *at = strstr(tpl, "{n}");
            snprintf(num, sizeof num, "%.*s%d%s %s", at ? (int)(at - tpl) : (int)strlen(tpl), tpl,
                     ++n, at ? at + 3 : "", w->text ? w->text : "");
            say(out, v->lang, num);
        }
    }
    return h;
}

/* What was typed since the last call: the new characters (a phone number's digits one by
 * one). Returns false when the answer did not grow. */
static bool typed(speech_t *s, const flow_t *f, const view_t *v, speech_out_t *out)
{
    const question_t *q = flow_question(f);
    const answer_t *a = flow_answer(f);
    const char *text = q && a && a->text ? a->text : "";
    size_t old = strlen(s->field);
    bool grew = strlen(text) > old && strncmp(text, s->field, old) == 0;
    if (grew && out) {
        if (q->input == INPUT_TEXT)
            say(out, v->lang, text + old);
        else
            say_spelled(out, v->lang, text + old);
    }
    snprintf(s->field, sizeof s->field, "%s", text);
    return grew;
}

/* The choice just made, from the buttons of the screen it was made on. */
static void say_choice(const speech_t *s, speech_out_t *out, const flow_t *f, const view_t *v)
{
    action_t act;
    int arg;
    flow_chosen(f, &act, &arg);
    for (size_t i = 0; i < s->nchoice; i++) {
        if (s->choice[i].act == act && s->choice[i].arg == arg) {
            say(out, v->lang, s->choice[i].text);
            say(out, v->lang, content_string(flow_content(f), "speech.selected", flow_lang(f)));
            return;
        }
    }
}

static void remember_choices(speech_t *s, const flow_t *f, const view_t *v)
{
    action_t act;
    int arg;
    s->chosen = flow_chosen(f, &act, &arg);
    s->nchoice = 0;
    for (size_t i = 0; i < v->n && s->nchoice < SPEECH_CHOICES; i++) {
        const widget_t *w = &v->w[i];
        if ((w->action != ACT_CHOICE && w->action != ACT_FACE) || !w->text)
            continue;
        s->choice[s->nchoice].act = w->action;
        s->choice[s->nchoice].arg = w->arg;
        snprintf(s->choice[s->nchoice].text, sizeof s->choice[0].text, "%s", w->text);
        s->nchoice++;
    }
}

static void remember(speech_t *s, const flow_t *f, const view_t *v)
{
    remember_choices(s, f, v);
    s->screen_sig = screen_sig(f);
    s->repeat = flow_speech_repeat(f);
    s->focus = v->focus_index;
    s->focus_sig = target_sig(focused(v));
    s->cand_sig = candidates(f, v, NULL);
    typed(s, f, v, NULL);
}

void speech_update(speech_t *s, const flow_t *f, const view_t *v, speech_out_t *out)
{
    out->n = 0;
    out->used = 0;
    out->stop = false;
    bool on = flow_speech(f);
    if (!on) {
        out->stop = s->was_on; /* switched off: silence at once */
        s->was_on = false;
        remember(s, f, v);
        return;
    }
    const widget_t *t = focused(v);
    bool opened =
        !s->was_on || s->screen_sig != screen_sig(f) || s->repeat != flow_speech_repeat(f);
    bool moved = s->focus != v->focus_index;
    bool changed = !moved && s->focus_sig != target_sig(t);
    s->was_on = true;
    if (opened) {
        action_t act;
        int arg;
        if (s->chosen != flow_chosen(f, &act, &arg))
            say_choice(s, out, f, v);
        say_screen(out, f, v);
        if (t)
            say_target(out, f, v, t);
    } else if (typed(s, f, v, out)) {
        /* the characters are what the resident wants to hear */
    } else if (s->cand_sig != candidates(f, v, NULL)) {
        candidates(f, v, out);
    } else if ((moved || changed) && t) {
        say_target(out, f, v, t);
    }
    out->stop = opened || moved || out->n > 0;
    for (size_t i = 0; i < out->n; i++) /* a recorded prompt of the pack, where it has one */
        out->u[i].prompt = content_prompt_for_text(flow_content(f), out->u[i].text, out->u[i].lang);
    remember(s, f, v);
}
