/* The residents' flow, its input methods: which mode a text question starts in, typed
 * letters into a pinyin composition, candidates and strokes, and committed text into the
 * answer through the same path as typed text (so maxLength, refused control characters and
 * one-line answers hold for it too). With no engine set, typed text goes straight to the
 * answer as it always did. */
#include <stdio.h>
#include <string.h>

#include "core/flow_internal.h"
#include "core/utf8.h"

/* The text question on screen and open for typing, or NULL. */
static const question_t *text_question(const flow_t *f)
{
    if (f->screen != SCREEN_QUESTION || f->overlay != OVERLAY_NONE)
        return NULL;
    const question_t *q = &f->qs[f->qi];
    bool text = q->type == Q_TEXT || q->type == Q_COMMENT;
    return text && f->answers[f->qi].text ? q : NULL;
}

/* Whether the answer holds its maxLength of characters: no new composition then, as no key
 * would type. */
static bool answer_full(const flow_t *f)
{
    return utf8_count(f->answers[f->qi].text) >= f->qs[f->qi].max_length;
}

static bool is_chinese(const char *code)
{
    return (code[0] == 'z' || code[0] == 'Z') && (code[1] == 'h' || code[1] == 'H') &&
           (code[2] == '\0' || code[2] == '-' || code[2] == '_');
}

/* Traditional characters for zh-TW, zh-HK, zh-MO and any zh-Hant*. */
static bool is_traditional(const char *code)
{
    char low[16];
    size_t i = 0;
    for (; code[i] && i + 1 < sizeof low; i++)
        low[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
    low[i] = '\0';
    return is_chinese(low) &&
           (strstr(low, "hant") || strstr(low, "-tw") || strstr(low, "-hk") || strstr(low, "-mo"));
}

static ime_mode_t start_mode(const flow_t *f)
{
    const question_t *q = f->qs && f->qi < f->nq ? &f->qs[f->qi] : NULL;
    if (!q || (q->type != Q_TEXT && q->type != Q_COMMENT))
        return IME_LATIN;
    if (q->input != INPUT_TEXT)
        return IME_DIGITS;
    if (!f->ime_engine)
        return IME_LATIN;
    if (q->input_mode >= 0)
        return (ime_mode_t)q->input_mode;
    const language_t *l = content_language(f->c, (size_t)content_language_index(f->c, f->lang));
    if (l && l->input_mode >= 0)
        return (ime_mode_t)l->input_mode;
    return is_chinese(f->lang) ? IME_HANDWRITING : IME_LATIN;
}

void flow_ime_restart(flow_t *f)
{
    const ime_engine_t *e = f->ime_engine;
    ime_reset(&f->ime, e, start_mode(f));
    int trad = is_traditional(f->lang);
    if (e && e->set_traditional && trad != f->ime_traditional) {
        e->set_traditional(e->ctx, trad != 0);
        f->ime_traditional = trad;
    }
}

void flow_set_ime(flow_t *f, const ime_engine_t *engine)
{
    ime_reset(&f->ime, f->ime_engine, IME_LATIN); /* the old engine lets go of its letters */
    ime_init(&f->ime);
    f->ime_engine = engine;
    f->ime_traditional = -1;
    flow_ime_restart(f);
}

/* After a step of the input method (changed: its state did): the text it committed goes into
 * the answer as if typed, and the copy is wiped. True when anything changed. */
static bool commit_text(flow_t *f, bool changed, char commit[IME_COMMIT_BYTES])
{
    bool typed = commit[0] && flow_type_text(f, commit);
    memset(commit, 0, IME_COMMIT_BYTES);
    return typed || changed;
}

/* A composition is pending on the text question on screen. */
static bool composing_here(const flow_t *f)
{
    return f->ime_engine && text_question(f) && ime_composing(&f->ime);
}

/* Settles the composition step by step, each step's text into the answer; an engine that
 * never finishes is stopped after a step per letter the composition can hold. */
static bool settle(flow_t *f)
{
    char commit[IME_COMMIT_BYTES];
    bool c = false;
    for (size_t i = 0; ime_composing(&f->ime) && i < IME_PREEDIT_BYTES; i++)
        c = commit_text(f, ime_settle(&f->ime, f->ime_engine, commit), commit) || c;
    if (ime_composing(&f->ime))
        ime_reset(&f->ime, f->ime_engine, f->ime.mode);
    return c;
}

/* One code point of typed text (cl bytes at p) with an input method at work. */
static bool type_one(flow_t *f, const char *p, size_t cl)
{
    char commit[IME_COMMIT_BYTES];
    if (cl == 1 && ime_takes_key(&f->ime, *p)) {
        if (!ime_composing(&f->ime) && answer_full(f))
            return false;
        return commit_text(f, ime_key(&f->ime, f->ime_engine, *p, commit), commit);
    }
    bool c = false;
    if (ime_composing(&f->ime)) {
        /* A key outside the composition settles it first; a space only settles it. */
        c = settle(f);
        if (*p == ' ')
            return c;
    }
    char one[5] = {0};
    memcpy(one, p, cl);
    return flow_type_text(f, one) || c;
}

bool flow_ime_type(flow_t *f, const char *utf8)
{
    const ime_t *s = &f->ime;
    if (!f->ime_engine || !text_question(f) || (s->mode != IME_PINYIN && !ime_composing(s)))
        return flow_type_text(f, utf8); /* no input method at work: as typed */
    size_t len = strlen(utf8);
    if (len == 0 || len > 256 || !utf8_valid_text(utf8, len))
        return false;
    bool changed = false;
    for (const char *p = utf8; *p;) {
        size_t cl = utf8_char_len(p);
        changed = type_one(f, p, cl) || changed;
        p += cl;
    }
    return changed;
}

bool flow_ime_backspace(flow_t *f)
{
    char commit[IME_COMMIT_BYTES];
    return composing_here(f) &&
           commit_text(f, ime_backspace(&f->ime, f->ime_engine, commit), commit);
}

bool flow_ime_settle(flow_t *f)
{
    if (!composing_here(f))
        return false;
    settle(f);
    return true; /* even a composition that came to nothing was on screen */
}

bool flow_ime_action(flow_t *f, action_t action, int arg)
{
    const question_t *q = text_question(f);
    ime_t *s = &f->ime;
    const ime_engine_t *e = f->ime_engine;
    char commit[IME_COMMIT_BYTES] = "";
    bool c;
    if (!e || !q)
        return false;
    switch (action) {
    case ACT_IME_MODE:
        /* tel and number answers are digits whatever the keyboard shows */
        return q->input == INPUT_TEXT && ime_set_mode(s, e, arg < 0 ? -1 : arg);
    case ACT_IME_CANDIDATE:
        c = arg >= 0 && ime_select(s, e, (size_t)arg, commit);
        if (c && f->focus != FLOW_FOCUS_NONE)
            f->focus = FLOW_FOCUS_CANDIDATES; /* not whatever now sits where the ring was */
        break;
    case ACT_IME_PAGE_NEXT:
    case ACT_IME_PAGE_PREV:
        c = ime_page(s, e, action == ACT_IME_PAGE_NEXT ? 1 : -1, commit);
        break;
    case ACT_IME_PAD_CLEAR:
        return ime_stroke_clear(s, e);
    case ACT_IME_PAD_UNDO:
        return ime_stroke_undo(s, e);
    case ACT_IME_PAD:
        return ime_stroke_end(s, e);
    default:
        return false;
    }
    return commit_text(f, c, commit);
}

bool flow_pad(flow_t *f, flow_pad_t ev, int x, int y, int size, int64_t now_ms)
{
    if (f->op != OP_NONE)
        return false;
    if (ev == FLOW_PAD_DOWN) {
        /* Like any touch: keeps the session awake, and only dismisses the idle prompt. */
        f->last_input_ms = now_ms;
        if (f->overlay == OVERLAY_IDLE) {
            f->overlay = OVERLAY_NONE;
            return true;
        }
    }
    if (!f->ime_engine || !text_question(f))
        return false;
    f->last_input_ms = now_ms;
    switch (ev) {
    case FLOW_PAD_DOWN:
        if (!ime_composing(&f->ime) && answer_full(f))
            return false;
        return ime_stroke_begin(&f->ime, f->ime_engine, x, y, size);
    case FLOW_PAD_MOVE:
        return ime_stroke_point(&f->ime, x, y);
    case FLOW_PAD_UP:
        ime_stroke_point(&f->ime, x, y);
        return ime_stroke_end(&f->ime, f->ime_engine);
    }
    return false;
}
