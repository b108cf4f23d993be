/* The input method's state for one text field: mode, composition, candidates and strokes,
 * driven through the engine table so that an absent or failing engine only turns its mode
 * off. */
#include "core/ime.h"

#include <stdio.h>
#include <string.h>

static const char *const mode_names[IME_MODE_COUNT] = {"handwriting", "pinyin", "latin", "digits"};

const char *ime_mode_name(ime_mode_t mode)
{
    return mode >= 0 && mode < IME_MODE_COUNT ? mode_names[mode] : "";
}

int ime_mode_from_name(const char *name)
{
    for (int m = 0; name && m < IME_MODE_COUNT; m++)
        if (strcmp(name, mode_names[m]) == 0)
            return m;
    return -1;
}

static void clear_output(ime_t *s)
{
    memset(&s->out, 0, sizeof s->out);
}

static void clear_strokes(ime_t *s)
{
    int size = s->strokes.size;
    memset(&s->strokes, 0, sizeof s->strokes);
    s->strokes.size = size;
    s->drawing = false;
}

/* Drops the composition here and in the engine. */
static void drop_composition(ime_t *s, const ime_engine_t *e)
{
    if (s->letters[0] && e && e->pinyin_clear)
        e->pinyin_clear(e->ctx);
    memset(s->letters, 0, sizeof s->letters);
    clear_output(s);
    clear_strokes(s);
}

void ime_init(ime_t *s)
{
    memset(s, 0, sizeof *s);
    s->mode = IME_LATIN;
    for (int m = 0; m < IME_MODE_COUNT; m++)
        s->absent[m] = m == IME_PINYIN || m == IME_HANDWRITING;
}

bool ime_available(const ime_t *s, ime_mode_t mode)
{
    return mode >= 0 && mode < IME_MODE_COUNT && !s->absent[mode] && !s->failed[mode];
}

void ime_reset(ime_t *s, const ime_engine_t *e, ime_mode_t mode)
{
    drop_composition(s, NULL);
    if (e && e->pinyin_clear)
        e->pinyin_clear(e->ctx); /* whatever the engine holds, whether or not we knew of it */
    s->absent[IME_PINYIN] = !e || !e->pinyin_key || !e->pinyin_select || !e->pinyin_page;
    s->absent[IME_HANDWRITING] = !e || !e->recognize;
    s->mode = ime_available(s, mode) ? mode : IME_LATIN;
}

bool ime_composing(const ime_t *s)
{
    return s->letters[0] != '\0' || s->strokes.nstrokes > 0 || s->drawing;
}

bool ime_takes_key(const ime_t *s, char key)
{
    if (s->mode != IME_PINYIN || !ime_available(s, IME_PINYIN))
        return false;
    if ((key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z'))
        return true;
    return s->letters[0] && (key == '\'' || (key >= '0' && key <= '9'));
}

/* The engine of the current mode failed: its mode goes off, Latin letters take over, and the
 * letters typed so far are handed back so that nothing is lost. */
static bool engine_failed(ime_t *s, const ime_engine_t *e, char commit[IME_COMMIT_BYTES])
{
    s->failed[s->mode] = true;
    snprintf(commit, IME_COMMIT_BYTES, "%s", s->letters);
    drop_composition(s, e);
    s->mode = IME_LATIN;
    return true;
}

/* Takes the engine's output after a pinyin step: its commit goes to the caller, and a
 * composition that is gone takes the letters with it. */
static bool pinyin_output(ime_t *s, const ime_output_t *out, char commit[IME_COMMIT_BYTES])
{
    s->out = *out;
    snprintf(commit, IME_COMMIT_BYTES, "%s", out->commit);
    s->out.commit[0] = '\0';
    if (!s->out.preedit[0]) {
        memset(s->letters, 0, sizeof s->letters);
        clear_output(s);
    } else if (commit[0]) {
        /* Part was committed: the letters left are those the composition still shows. */
        size_t n = 0;
        for (const char *p = s->out.preedit; *p && n + 1 < sizeof s->letters; p++)
            if ((*p >= 'a' && *p <= 'z') || *p == '\'')
                s->letters[n++] = *p;
        memset(s->letters + n, 0, sizeof s->letters - n);
    }
    return true;
}

bool ime_key(ime_t *s, const ime_engine_t *e, char key, char commit[IME_COMMIT_BYTES])
{
    commit[0] = '\0';
    if (!ime_takes_key(s, key))
        return false;
    if (key >= '0' && key <= '9')
        return ime_select(s, e, key == '0' ? 9 : (size_t)(key - '1'), commit);
    if (key >= 'A' && key <= 'Z')
        key = (char)(key - 'A' + 'a');
    size_t n = strlen(s->letters);
    if (n + 1 >= sizeof s->letters)
        return false; /* the composition is full */
    ime_output_t out;
    if (!e || !e->pinyin_key || !e->pinyin_key(e->ctx, key, &out)) {
        s->letters[n] = key;
        return engine_failed(s, e, commit);
    }
    s->letters[n] = key;
    return pinyin_output(s, &out, commit);
}

bool ime_backspace(ime_t *s, const ime_engine_t *e, char commit[IME_COMMIT_BYTES])
{
    commit[0] = '\0';
    if (s->mode == IME_HANDWRITING)
        return ime_stroke_undo(s, e);
    if (s->mode != IME_PINYIN || !s->letters[0])
        return false;
    s->letters[strlen(s->letters) - 1] = '\0';
    ime_output_t out;
    if (!e || !e->pinyin_key || !e->pinyin_key(e->ctx, '\b', &out))
        return engine_failed(s, e, commit);
    return pinyin_output(s, &out, commit);
}

bool ime_select(ime_t *s, const ime_engine_t *e, size_t i, char commit[IME_COMMIT_BYTES])
{
    commit[0] = '\0';
    if (i >= s->out.ncandidates)
        return false;
    if (s->mode == IME_HANDWRITING) {
        snprintf(commit, IME_COMMIT_BYTES, "%s", s->out.candidate[i]);
        clear_output(s);
        clear_strokes(s);
        return true;
    }
    if (s->mode != IME_PINYIN || !s->letters[0])
        return false;
    ime_output_t out;
    if (!e || !e->pinyin_select || !e->pinyin_select(e->ctx, i, &out))
        return engine_failed(s, e, commit);
    return pinyin_output(s, &out, commit);
}

bool ime_settle(ime_t *s, const ime_engine_t *e, char commit[IME_COMMIT_BYTES])
{
    commit[0] = '\0';
    if (!ime_composing(s))
        return false;
    if (s->mode == IME_HANDWRITING) {
        if (s->drawing)
            ime_stroke_end(s, e);
        if (s->out.ncandidates > 0)
            return ime_select(s, e, 0, commit);
        clear_output(s);
        clear_strokes(s);
        return true;
    }
    /* Pinyin: the first candidate (which may leave letters), or the letters as typed when the
     * engine has nothing to convert them to. */
    if (s->out.ncandidates > 0)
        return ime_select(s, e, 0, commit);
    snprintf(commit, IME_COMMIT_BYTES, "%s", s->letters);
    drop_composition(s, e);
    return true;
}

bool ime_page(ime_t *s, const ime_engine_t *e, int dir, char commit[IME_COMMIT_BYTES])
{
    commit[0] = '\0';
    if (s->mode != IME_PINYIN || !s->letters[0] || dir == 0 || (dir > 0 && !s->out.more) ||
        (dir < 0 && s->out.page <= 0))
        return false;
    ime_output_t out;
    if (!e || !e->pinyin_page || !e->pinyin_page(e->ctx, dir, &out))
        return engine_failed(s, e, commit);
    return pinyin_output(s, &out, commit);
}

bool ime_set_mode(ime_t *s, const ime_engine_t *e, int mode)
{
    if (mode < 0) {
        mode = (int)s->mode;
        for (int k = 0; k < IME_MODE_COUNT; k++) {
            mode = (mode + 1) % IME_MODE_COUNT;
            if (ime_available(s, (ime_mode_t)mode))
                break;
        }
    }
    if (mode >= IME_MODE_COUNT || !ime_available(s, (ime_mode_t)mode) || mode == (int)s->mode)
        return false;
    drop_composition(s, e);
    s->mode = (ime_mode_t)mode;
    return true;
}

/* ---- handwriting ---- */

static int16_t clip(int v, int size)
{
    return (int16_t)(v < 0 ? 0 : v >= size ? size - 1 : v);
}

static bool add_point(ime_t *s, int x, int y)
{
    ime_strokes_t *st = &s->strokes;
    if (st->npoints >= IME_MAX_POINTS)
        return false;
    st->x[st->npoints] = clip(x, st->size);
    st->y[st->npoints] = clip(y, st->size);
    st->npoints++;
    return true;
}

/* Recognizes the finished strokes; with none left the candidates go. */
static bool recognize(ime_t *s, const ime_engine_t *e)
{
    clear_output(s);
    if (s->strokes.nstrokes == 0)
        return true;
    ime_output_t out;
    if (!e || !e->recognize || !e->recognize(e->ctx, &s->strokes, &out)) {
        char none[IME_COMMIT_BYTES];
        return engine_failed(s, e, none); /* strokes are no text: nothing to hand back */
    }
    s->out = out;
    s->out.commit[0] = '\0';
    s->out.preedit[0] = '\0';
    return true;
}

bool ime_stroke_begin(ime_t *s, const ime_engine_t *e, int x, int y, int size)
{
    if (s->mode != IME_HANDWRITING || !ime_available(s, IME_HANDWRITING) || size <= 0)
        return false;
    if (s->drawing)
        ime_stroke_end(s, e);
    if (s->mode != IME_HANDWRITING || s->strokes.nstrokes >= IME_MAX_STROKES)
        return false;
    if (s->strokes.nstrokes == 0 || s->strokes.size <= 0)
        s->strokes.size = size > INT16_MAX ? INT16_MAX : size;
    if (!add_point(s, x, y))
        return false;
    s->drawing = true;
    return true;
}

bool ime_stroke_point(ime_t *s, int x, int y)
{
    return s->drawing && add_point(s, x, y);
}

bool ime_stroke_end(ime_t *s, const ime_engine_t *e)
{
    if (!s->drawing)
        return false;
    s->drawing = false;
    s->strokes.stroke_end[s->strokes.nstrokes++] = (uint16_t)s->strokes.npoints;
    return recognize(s, e);
}

bool ime_stroke_undo(ime_t *s, const ime_engine_t *e)
{
    ime_strokes_t *st = &s->strokes;
    if (s->mode != IME_HANDWRITING)
        return false;
    if (s->drawing) {
        s->drawing = false; /* the open stroke goes: the finished ones stand as recognized */
        st->npoints = st->nstrokes ? st->stroke_end[st->nstrokes - 1] : 0;
        return true;
    }
    if (st->nstrokes == 0)
        return false;
    st->nstrokes--;
    st->npoints = st->nstrokes ? st->stroke_end[st->nstrokes - 1] : 0;
    return recognize(s, e);
}

bool ime_stroke_clear(ime_t *s, const ime_engine_t *e)
{
    (void)e;
    if (s->mode != IME_HANDWRITING || !ime_composing(s))
        return false;
    clear_output(s);
    clear_strokes(s);
    return true;
}
