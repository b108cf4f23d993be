/* Text runs for the SDL edge: one line of UTF-8 split where the bidi embedding level
 * (libfribidi), the script (HarfBuzz's Unicode data) or the font of the fallback chain
 * changes, and the runs put in visual order (rule L2 of the bidi algorithm), so that each run
 * can be shaped with its own direction, script and font. */
#include <fribidi.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "ui/ui_internal.h"

#define LINE_MAX_CPS 1024 /* code points of one line considered; the rest joins the last run */

typedef struct {
    uint32_t cp[LINE_MAX_CPS];
    size_t off[LINE_MAX_CPS + 1]; /* byte offset of each code point; off[n] = the end */
    FriBidiCharType type[LINE_MAX_CPS];
    FriBidiBracketType bracket[LINE_MAX_CPS];
    FriBidiLevel level[LINE_MAX_CPS];
    hb_script_t script[LINE_MAX_CPS];
    bool weak[LINE_MAX_CPS]; /* Common or Inherited: takes its neighbours' script and font */
    int font[LINE_MAX_CPS];
    size_t n;
} line_cps_t;

bool text_is_ignorable(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad || cp == 0x34f || cp == 0x61c ||
           (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x206f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff ||
           (cp >= 0xe0000 && cp <= 0xe0fff) || (cp >= 0x180b && cp <= 0x180f);
}

static size_t decode(line_cps_t *l, const char *s, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len && n < LINE_MAX_CPS) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            cp = 0xfffd; /* a broken byte: drawn as the replacement character */
            k = 1;
        }
        l->cp[n] = cp;
        l->off[n++] = i;
        i += k;
    }
    l->off[n] = len; /* past LINE_MAX_CPS the rest rides with the last code point */
    return n;
}

/* Bidi levels by the paragraph direction given (no guessing from the text: a reference code
 * in an Uyghur sentence is still in a right-to-left paragraph). */
static void resolve_levels(line_cps_t *l, bool rtl)
{
    FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    FriBidiStrIndex n = (FriBidiStrIndex)l->n;
    fribidi_get_bidi_types(l->cp, n, l->type);
    fribidi_get_bracket_types(l->cp, n, l->type, l->bracket);
    if (!fribidi_get_par_embedding_levels_ex(l->type, l->bracket, n, &base, l->level))
        memset(l->level, rtl ? 1 : 0, l->n);
    /* L1 (4): whitespace at the end of the line takes the paragraph's level. */
    for (size_t i = l->n; i > 0; i--) {
        FriBidiCharType t = l->type[i - 1];
        if (!FRIBIDI_IS_EXPLICIT_OR_BN_OR_WS(t) && !FRIBIDI_IS_ISOLATE(t))
            break;
        l->level[i - 1] = (FriBidiLevel)(rtl ? 1 : 0);
    }
}

/* Scripts by code point; Common and Inherited ones (spaces, punctuation, digits, combining
 * marks) take the script before them, or at the start the first script after them. */
static void resolve_scripts(line_cps_t *l)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    hb_script_t cur = HB_SCRIPT_INVALID;
    for (size_t i = 0; i < l->n; i++) {
        hb_script_t s = hb_unicode_script(uf, l->cp[i]);
        l->weak[i] = s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED || s == HB_SCRIPT_UNKNOWN;
        if (!l->weak[i])
            cur = s;
        l->script[i] = l->weak[i] ? cur : s;
    }
    hb_script_t next = HB_SCRIPT_COMMON;
    for (size_t i = l->n; i > 0; i--) {
        if (l->script[i - 1] == HB_SCRIPT_INVALID)
            l->script[i - 1] = next;
        else
            next = l->script[i - 1];
    }
}

/* The first font of the chain with code point i; with U+FE0F after it (emoji presentation
 * asked for) the first colour emoji font that has it, if one does. */
static int find_font(const line_cps_t *l, const font_chain_t *c, size_t i)
{
    if (i + 1 < l->n && l->cp[i + 1] == 0xfe0f)
        for (size_t k = 0; k < font_chain_len(c); k++)
            if (font_chain_bitmap(c, k) && font_chain_has(c, k, l->cp[i]))
                return (int)k;
    return font_chain_find(c, l->cp[i]);
}

/* Whether code point cp may be drawn in font f as its neighbour's: f has it, and it is not a
 * space in a colour emoji font (whose space is a bitmap's width, far wider than the text's). */
static bool may_join(const font_chain_t *c, int f, uint32_t cp)
{
    return f >= 0 && font_chain_has(c, (size_t)f, cp) &&
           !(cp == ' ' && font_chain_bitmap(c, (size_t)f));
}

/* Fonts: the first of the chain that has the character; a weak or ignorable character stays
 * in its neighbour's font when that font has it, so a run is not cut at each space (emoji
 * presentation asked for by U+FE0F excepted). */
static void resolve_fonts(line_cps_t *l, const font_chain_t *c)
{
    for (size_t i = 0; i < l->n; i++) {
        uint32_t cp = l->cp[i];
        int prev = i ? l->font[i - 1] : -1;
        bool ign = text_is_ignorable(cp);
        int f = ign ? -1 : find_font(l, c, i);
        bool emoji = f >= 0 && font_chain_bitmap(c, (size_t)f);
        if ((ign && prev >= 0) || (l->weak[i] && !emoji && may_join(c, prev, cp))) {
            l->font[i] = prev;
            continue;
        }
        /* No installed font has it: the nearest font draws its box (ui_missing_glyphs says). */
        l->font[i] = f >= 0 ? f : prev >= 0 ? prev : (font_chain_len(c) ? 0 : -1);
    }
    /* A weak character opening a run joins the run after it (an opening quote, a space). */
    for (size_t i = l->n - 1; i-- > 0;) {
        int f = l->font[i + 1];
        bool opens = i == 0 || l->font[i - 1] != l->font[i];
        if ((l->weak[i] || text_is_ignorable(l->cp[i])) && opens && f != l->font[i] &&
            may_join(c, f, l->cp[i]))
            l->font[i] = f;
    }
}

/* Rule L2 on runs: from the highest level down to the lowest odd one, reverses every stretch
 * of runs at that level or above. */
static void reorder(text_run_t *runs, size_t n)
{
    int hi = 0, lo_odd = 127;
    for (size_t i = 0; i < n; i++) {
        hi = runs[i].level > hi ? runs[i].level : hi;
        if (runs[i].level % 2 && runs[i].level < lo_odd)
            lo_odd = runs[i].level;
    }
    for (int lev = hi; lev >= lo_odd; lev--) {
        for (size_t i = 0; i < n;) {
            if (runs[i].level < lev) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && runs[j].level >= lev)
                j++;
            for (size_t a = i, b = j - 1; a < b; a++, b--) {
                text_run_t t = runs[a];
                runs[a] = runs[b];
                runs[b] = t;
            }
            i = j;
        }
    }
}

static bool same_run(const line_cps_t *l, size_t a, size_t b)
{
    return l->level[a] == l->level[b] && l->script[a] == l->script[b] && l->font[a] == l->font[b];
}

size_t text_runs(const font_chain_t *c, const char *utf8, size_t len, bool rtl, text_run_t *runs,
                 size_t max)
{
    if (len == 0 || max == 0)
        return 0;
    line_cps_t *l = malloc(sizeof *l);
    if (!l)
        return 0;
    l->n = decode(l, utf8, len);
    resolve_levels(l, rtl);
    resolve_scripts(l);
    resolve_fonts(l, c);
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0 && same_run(l, i - 1, i))
            continue;
        if (n == max) /* too many runs: the rest joins the last one */
            break;
        text_run_t *r = &runs[n++];
        r->start = l->off[i];
        r->level = l->level[i];
        r->font = l->font[i];
        hb_tag_to_string(l->script[i], r->script);
        r->script[4] = '\0';
    }
    for (size_t k = 0; k < n; k++)
        runs[k].len = (k + 1 < n ? runs[k + 1].start : l->off[l->n]) - runs[k].start;
    free(l);
    reorder(runs, n);
    return n;
}
