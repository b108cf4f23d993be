/* Layout's text: breaking lines by Unicode's rules (UAX #14, libunibreak) with Chinese rules
 * on top (no line starting with closing punctuation, no character alone on a paragraph's last
 * line when a better break exists) and fitting texts of any length into boxes. */
#include <stdlib.h>
#include <string.h>

#include <linebreak.h>

#include "core/layout_internal.h"
#include "core/utf8.h"

/* The code point at s and its length; a byte that is not UTF-8 stands for itself, one
 * character long, so no text can make a line run past its end. */
static uint32_t next_cp(const char *s, size_t *len)
{
    uint32_t cp;
    *len = utf8_decode(s, 4, &cp);
    if (*len)
        return cp;
    *len = 1;
    return 0xfffd;
}

/* Punctuation that must not start a line (Chinese and Japanese kinsoku: closing brackets and
 * quotes, commas, full stops, the enumeration comma, ? ! : ;). UAX #14 already forbids a break
 * before them (classes CL, CP, EX, IS, NS); this list is the Chinese rule on top of it, so a
 * font or library update cannot bring back a line that starts with "，". */
static bool no_line_start(uint32_t cp)
{
    static const uint32_t list[] = {0x3001, 0x3002, 0xff0c, 0xff0e, 0xff01, 0xff1f, 0xff1b, 0xff1a,
                                    0x300d, 0x300f, 0xff09, 0x3011, 0x3009, 0x300b, 0x3015, 0x3017,
                                    0xff3d, 0xff5d, 0x201d, 0x2019, 0x2026, 0x00b7, 0x30fb, ',',
                                    '.',    '!',    '?',    ';',    ':',    ')',    ']',    '}'};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp)
            return true;
    return false;
}

/* A text's line break opportunities by Unicode's rules (UAX #14, libunibreak): brk[i] says
 * whether a line may end after byte i. Computed once per text, whatever sizes are tried. */
typedef struct {
    const char *text;
    const char *brk; /* LINEBREAK_* for each byte of text */
    size_t len;
    bool anywhere; /* the last resort: between any two characters (CSS overflow-wrap: anywhere) */
} breaks_t;

/* End of the unbreakable piece starting at s (at most bk->text + bk->len): up to the next
 * break opportunity, a word with its trailing spaces or one CJK character with the
 * punctuation that clings to it; a newline is a piece of its own. */
static const char *token_end(const breaks_t *bk, const char *s)
{
    const char *end = bk->text + bk->len;
    if (*s == '\n')
        return s + 1;
    const char *p = s;
    while (p < end) {
        size_t l;
        next_cp(p, &l);
        p += l;
        if (p >= end || *p == '\n')
            return p < end ? p : end;
        char b = bk->anywhere ? LINEBREAK_ALLOWBREAK : bk->brk[p - 1 - bk->text];
        size_t l2;
        if ((b == LINEBREAK_ALLOWBREAK || b == LINEBREAK_MUSTBREAK) &&
            !no_line_start(next_cp(p, &l2)))
            return p;
    }
    return end;
}

static int width_of(const ctx_t *x, int px, bool bold, const char *s, size_t len)
{
    /* Trailing spaces take no room at a line end. */
    while (len > 0 && s[len - 1] == ' ')
        len--;
    return len ? x->tm->text_width(x->tm->user_data, px, bold, s, len) : 0;
}

/* Lines being wrapped, written straight into the view's unused text space: nothing is kept
 * until keep_lines(), so trying one size after another costs no copy and no limit but the
 * view's own buffer. */
typedef struct {
    char *buf;
    size_t cap; /* bytes for the lines and their terminator; room for an ellipsis is kept
                   beyond it, so one can always replace a line's newline */
    size_t len;
    int max_lines; /* stop once the text needs more lines than this (0: no limit) */
    bool full;     /* the view's text buffer ran out */
} lines_t;

#define ELLIPSIS "…"

static lines_t scratch(const ctx_t *x, int max_lines)
{
    view_t *v = x->v;
    size_t room = sizeof v->text - v->text_used;
    lines_t o = {v->text + v->text_used, 0, 0, max_lines, false};
    o.cap = room > sizeof ELLIPSIS ? room - sizeof ELLIPSIS : 0;
    if (o.cap)
        o.buf[0] = '\0';
    return o;
}

static void emit(lines_t *o, const char *src, size_t n)
{
    if (o->full || o->len + n + 1 > o->cap) {
        o->full = true;
        return;
    }
    memcpy(o->buf + o->len, src, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

/* Keeps the lines in the view (until its next build) and returns them. */
static const char *keep_lines(const ctx_t *x, const lines_t *o)
{
    x->v->text_used += strlen(o->buf) + 1;
    return o->buf;
}

/* n, less the spaces that end line[0..n): they take no room at a line end. */
static size_t trim(const char *line, size_t n)
{
    while (n > 0 && line[n - 1] == ' ')
        n--;
    return n;
}

static bool enough(const lines_t *o, int lines)
{
    return o->full || (o->max_lines > 0 && lines > o->max_lines);
}

/* The end of the paragraph p is in: the next newline or the text's end. */
static const char *paragraph_end(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl ? nl : p + strlen(p);
}

/* Whether p..e holds one character, less the spaces and closing punctuation after it. */
static bool lone_character(const char *p, const char *e)
{
    int n = 0;
    while (p < e && n < 2) {
        size_t l;
        uint32_t cp = next_cp(p, &l);
        n += cp != ' ' && !no_line_start(cp);
        p += l;
    }
    return n == 1;
}

/* Where to break the line starting at line, about to break before p: at p, unless that would
 * leave one character alone on the paragraph's last line (欢迎来到社区服务中 / 心); then at
 * the latest break opportunity before p from which the rest of the paragraph fits one line and
 * that leaves more than one character on this line. */
static const char *break_before(const ctx_t *x, const breaks_t *bk, int px, bool bold, int width,
                                const char *line, const char *p)
{
    const char *pe = paragraph_end(p);
    if (!lone_character(p, pe))
        return p;
    const char *best = p;
    for (const char *t = line, *e; (e = token_end(bk, t)) < p; t = e)
        if (width_of(x, px, bold, e, (size_t)(pe - e)) <= width && !lone_character(line, e))
            best = e;
    return best;
}

/* What shaping across a boundary between two pieces may change of a line's width against
 * the sum of its pieces measured alone (kerning, a space's width): a fraction of the size.
 * Only a guess to save measurements: each line is measured whole before it is kept. */
static int seam(int px)
{
    return px / 8 > 2 ? px / 8 : 2;
}

/* The width of s..s+len measured with its trailing spaces (a piece of a line). */
static int piece_width(const ctx_t *x, int px, bool bold, const char *s, size_t len)
{
    return len ? x->tm->text_width(x->tm->user_data, px, bold, s, len) : 0;
}

/* Where to break the piece p..e that is wider than a whole line: after as many characters as
 * fit, and at least one. The characters' own widths are added up while far from the edge
 * (each seam allowed for); near it the prefix is measured whole. */
static const char *break_piece(const ctx_t *x, int px, bool bold, int width, const char *p,
                               const char *e)
{
    const char *q = p;
    size_t l;
    next_cp(q, &l);
    int est = 0, seams = 0;
    while (q + l < e) {
        int cw = piece_width(x, px, bold, q, l);
        if (est + cw > width - ++seams * seam(px))
            break;
        est += cw;
        q += l;
        next_cp(q, &l);
    }
    while (q + l < e && width_of(x, px, bold, p, (size_t)(q + l - p)) <= width) {
        q += l;
        next_cp(q, &l);
    }
    return q == p ? q + l : q;
}

/* A line being filled: its width up to where it has been filled, the sum of its pieces since
 * it was last measured whole (seams: how many pieces since then; exact: none). */
typedef struct {
    int est;
    int seams;
    bool exact;
} line_w_t;

/* Whether line..e (line..p so far, then the piece p..e) fits width; updates lw. The sum of
 * the pieces decides while it stays below the edge by what the seams since the last whole
 * measurement may add; else the line is measured whole, as it will be drawn. Each piece is
 * measured once (and cached by the UI), each line whole about twice: linear in the text. */
static bool fits(const ctx_t *x, int px, bool bold, int width, const char *line, const char *p,
                 const char *e, line_w_t *lw)
{
    int est = lw->est + piece_width(x, px, bold, p, (size_t)(e - p));
    if (est <= width - (lw->seams + 1) * seam(px)) {
        *lw = (line_w_t){est, lw->seams + 1, false};
        return true;
    }
    int w = piece_width(x, px, bold, line, (size_t)(e - line)); /* with its trailing spaces */
    if (w > width && (e[-1] != ' ' || width_of(x, px, bold, line, (size_t)(e - line)) > width))
        return false;
    *lw = (line_w_t){w, 0, true};
    return true;
}

/* The line..p accepted on its pieces' sum, measured whole: p when it fits (as it does unless
 * the seams took more than allowed for); else the end of the last piece at which it does, measured
 * piece by piece as the line will be drawn (and at least the first piece). */
static const char *verified_end(const ctx_t *x, const breaks_t *bk, int px, bool bold, int width,
                                const char *line, const char *p, const line_w_t *lw)
{
    if (lw->exact || p == line || width_of(x, px, bold, line, (size_t)(p - line)) <= width)
        return p;
    const char *end = token_end(bk, line);
    for (const char *e; end < p && (e = token_end(bk, end)) <= p; end = e)
        if (width_of(x, px, bold, line, (size_t)(e - line)) > width)
            break;
    return end;
}

/* Wraps the text of bk into lines no wider than width, separated by '\n', into o. Returns the
 * number of lines, or -1 when a single piece is wider than width (when allow_break, such a
 * piece is broken between characters instead). Stops early once more than o->max_lines lines
 * are needed: then the output ends with the newline after the last line that fits. Each
 * piece is measured alone and each line whole about once: linear in the text. */
static int wrap(const ctx_t *x, const breaks_t *bk, int px, bool bold, int width, bool allow_break,
                lines_t *o)
{
    int lines = 1;
    const char *line = bk->text;
    const char *p = bk->text;
    bool wide = false;
    line_w_t lw = {0, 0, true};
    while (!enough(o, lines)) {
        const char *next; /* where the next line starts */
        size_t n;         /* the bytes of this line shown */
        if (!*p) {        /* the last line, if it holds as measured whole */
            next = verified_end(x, bk, px, bold, width, line, p, &lw);
            if (next == p)
                break;
            n = trim(line, (size_t)(next - line));
        } else if (*p == '\n') {
            n = (size_t)(p - line);
            next = p + 1;
        } else {
            const char *e = token_end(bk, p);
            if (fits(x, px, bold, width, line, p, e, &lw)) {
                p = e;
                continue;
            }
            p = verified_end(x, bk, px, bold, width, line, p, &lw);
            if (p > line) { /* break before this piece */
                next = break_before(x, bk, px, bold, width, line, p);
                n = trim(line, (size_t)(next - line));
            } else if (!allow_break) { /* one piece wider than the line */
                wide = true;
                p = e;
                lw = (line_w_t){0, 0, true};
                continue;
            } else {
                next = break_piece(x, px, bold, width, p, e);
                n = (size_t)(next - line);
            }
        }
        emit(o, line, n);
        emit(o, "\n", 1);
        lines++;
        line = p = next;
        lw = (line_w_t){0, 0, true};
    }
    if (!enough(o, lines))
        emit(o, line, trim(line, (size_t)(p - line)));
    return wide ? -1 : lines;
}

/* Finds the break opportunities of text into small (n bytes) or, for a longer text, a buffer
 * of its own; false when that cannot be had. Release with breaks_free(). */
static bool breaks_find(const ctx_t *x, const char *text, char *small, size_t n, breaks_t *bk)
{
    size_t len = strlen(text);
    char *b = len <= n ? small : malloc(len);
    if (!b)
        return false;
    if (len)
        set_linebreaks_utf8((const utf8_t *)text, len, x->lang, b);
    *bk = (breaks_t){text, b, len, false};
    return true;
}

static void breaks_free(breaks_t *bk, const char *small)
{
    if (bk->brk != small)
        free((void *)(uintptr_t)bk->brk);
}

char *lay_strdup(view_t *v, const char *s)
{
    size_t n = strlen(s) + 1;
    if (v->text_used + n > sizeof v->text) {
        v->text_truncated = true;
        return (char *)"";
    }
    char *p = v->text + v->text_used;
    memcpy(p, s, n);
    v->text_used += n;
    return p;
}

/* Whether text is three characters or fewer: any break would leave one alone. */
static bool short_word(const char *text)
{
    int n = 0;
    for (const char *p = text; *p && n < 4; n++) {
        size_t l;
        next_cp(p, &l);
        p += l;
    }
    return n <= 3;
}

/* Whether text is wider than box even at px, the least size tried: then no larger size is
 * tried (one measurement, not one per size). */
static bool too_wide(const ctx_t *x, const char *text, rect_t box, int px, bool bold)
{
    return strchr(text, '\n') || width_of(x, px, bold, text, strlen(text)) > box.w;
}

/* A button label on one line at three quarters of the size reads better than one broken in
 * two: the largest such size, if any. */
static bool fit_one_line(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                         bool bold, fitted_t *r)
{
    int one_min = max_px * 3 / 4 > min_px ? max_px * 3 / 4 : min_px;
    if (short_word(text))
        one_min = min_px; /* 删除 is never broken into 删 / 除 while it fits a line */
    if (too_wide(x, text, box, one_min, bold))
        return false;
    for (int px = max_px; px >= one_min; px -= px > 24 ? 2 : 1) {
        int lh = x->tm->line_height(x->tm->user_data, px, bold);
        if (lh > box.h)
            continue;
        if (!strchr(text, '\n') && width_of(x, px, bold, text, strlen(text)) <= box.w) {
            *r = (fitted_t){lay_strdup(x->v, text), px, 1, lh, false};
            return true;
        }
        if (px == one_min)
            break;
    }
    return false;
}

/* The start of the last character of line[0..n) (n > 0). */
static size_t last_char(const char *line, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && ((unsigned char)line[i] & 0xc0) == 0x80)
        i--;
    return i;
}

/* Too tall even at the smallest size: the lines that fit, the last one ending with an
 * ellipsis in place of the newline that followed it, its last characters (and the spaces
 * before the ellipsis) dropped while the ellipsis would take it past width. */
static fitted_t cut_to_box(const ctx_t *x, const lines_t *o, int px, bool bold, int width, int lh,
                           int keep)
{
    char *line = o->buf, *p = o->buf;
    for (int i = 1; i < keep && p; i++) {
        p = strchr(p, '\n');
        if (p)
            line = ++p;
    }
    if (p && (p = strchr(p, '\n')) != NULL) {
        size_t n = (size_t)(p - line);
        memcpy(p, ELLIPSIS, sizeof ELLIPSIS); /* scratch() kept the room */
        while (n > 0 && width_of(x, px, bold, line, n + strlen(ELLIPSIS)) > width) {
            n = trim(line, last_char(line, n));
            memmove(line + n, ELLIPSIS, sizeof ELLIPSIS);
        }
    }
    return (fitted_t){keep_lines(x, o), px, keep, keep * lh, true};
}

/* The text of bk wrapped at px into a box of box.h; lines set to what it takes (-1: a piece
 * wider than the box, unless allow_break). False when the view's text ran out. */
static bool wrap_into(const ctx_t *x, const breaks_t *bk, rect_t box, int px, bool bold,
                      bool allow_break, lines_t *o, int *lines)
{
    int lh = x->tm->line_height(x->tm->user_data, px, bold);
    int keep = lh > 0 ? box.h / lh : 0;
    *o = scratch(x, lh > 0 ? (keep < 1 ? 1 : keep) : 0);
    *lines = wrap(x, bk, px, bold, box.w, allow_break, o);
    if (o->full) /* the view's text ran out: flagged, never with sane content */
        x->v->text_truncated = true;
    return !o->full;
}

/* The largest size from max_px down to min_px at which the text of bk fits in box. At min_px,
 * when the breaks of UAX #14 need too many lines, lines filled to the brim (breaks between
 * any two characters) if they fit; else the lines that fit, cut with an ellipsis. */
static fitted_t fit_sizes(const ctx_t *x, breaks_t *bk, rect_t box, int max_px, int min_px,
                          bool bold)
{
    const fitted_t full = {"", max_px, 0, 0, true};
    for (int px = max_px;; px -= px > 24 ? 2 : 1) {
        if (px < min_px)
            px = min_px;
        bool last = px == min_px;
        int lh = x->tm->line_height(x->tm->user_data, px, bold), lines;
        lines_t o;
        if (!wrap_into(x, bk, box, px, bold, last, &o, &lines))
            return full;
        if (lines > 0 && lines * lh <= box.h)
            return (fitted_t){keep_lines(x, &o), px, lines, lines * lh, false};
        if (!last)
            continue;
        bk->anywhere = true;
        if (!wrap_into(x, bk, box, px, bold, true, &o, &lines))
            return full;
        if (lines > 0 && lines * lh <= box.h)
            return (fitted_t){keep_lines(x, &o), px, lines, lines * lh, false};
        bk->anywhere = false;
        if (!wrap_into(x, bk, box, px, bold, true, &o, &lines))
            return full;
        int keep = lh > 0 ? box.h / lh : 0;
        if (keep < 1) /* not one line fits: nothing drawn over what is around the box */
            return (fitted_t){"", px, 0, 0, true};
        return cut_to_box(x, &o, px, bold, box.w, lh, keep);
    }
}

/* Room for the break opportunities of most texts without asking the heap. */
#define SMALL_TEXT 1024

typedef fitted_t (*fit_fn)(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                           bool bold);

/* Large text: the least size, raised to what normal text gets in this box (fit the same way),
 * so that large text is never smaller. min_px in normal text. */
static int large_floor(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                       bool bold, fit_fn fit)
{
    if (x->t <= 1.0)
        return min_px;
    ctx_t normal = *x;
    normal.t = 1.0;
    int normal_max = (int)((double)max_px / x->t + 0.5);
    size_t saved = x->v->text_used;
    fitted_t n = fit(&normal, text, box, normal_max, min_px, bold);
    x->v->text_used = saved; /* measuring only */
    if (n.overflow || n.px <= min_px)
        return min_px;
    return n.px < max_px ? n.px : max_px;
}

fitted_t lay_fit_line(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                      bool bold)
{
    fitted_t r = {"", 0, 0, 0, true};
    if (!text || !*text || strchr(text, '\n'))
        return r;
    min_px = large_floor(x, text, box, max_px, min_px, bold, lay_fit_line);
    if (min_px > max_px || too_wide(x, text, box, min_px, bold))
        return r;
    for (int px = max_px; px >= min_px; px--) {
        int lh = x->tm->line_height(x->tm->user_data, px, bold);
        if (lh <= box.h && width_of(x, px, bold, text, strlen(text)) <= box.w)
            return (fitted_t){lay_strdup(x->v, text), px, 1, lh, false};
    }
    return r;
}

fitted_t lay_fit_text(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                      bool bold, bool prefer_one_line)
{
    fitted_t r = {"", max_px, 0, 0, false};
    if (!text || !*text || box.w <= 0)
        return r;
    if (min_px > max_px)
        min_px = max_px;
    min_px =
        large_floor(x, text, box, max_px, min_px, bold, prefer_one_line ? lay_fit_short : lay_fit);
    if (prefer_one_line && fit_one_line(x, text, box, max_px, min_px, bold, &r))
        return r;
    char small[SMALL_TEXT];
    breaks_t bk;
    if (!breaks_find(x, text, small, sizeof small, &bk)) {
        x->v->text_truncated = true; /* no memory: flagged as a full view is */
        r.overflow = true;
        return r;
    }
    r = fit_sizes(x, &bk, box, max_px, min_px, bold);
    breaks_free(&bk, small);
    return r;
}

const char *lay_wrap_tail(const ctx_t *x, const char *text, int px, int width, int max_lines,
                          int *lines)
{
    char small[SMALL_TEXT];
    breaks_t bk;
    *lines = 0;
    if (!breaks_find(x, text, small, sizeof small, &bk)) {
        x->v->text_truncated = true;
        return NULL;
    }
    lines_t o = scratch(x, 0);
    *lines = wrap(x, &bk, px, false, width, true, &o);
    breaks_free(&bk, small);
    if (o.full) {
        x->v->text_truncated = true;
        return NULL;
    }
    const char *p = o.buf;
    for (int skip = *lines - max_lines; skip > 0 && p; skip--) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    memmove(o.buf, p ? p : "", p ? strlen(p) + 1 : 1);
    return keep_lines(x, &o);
}

/* Sentences: the largest size at which the wrapped text fits. */
fitted_t lay_fit(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px, bool bold)
{
    return lay_fit_text(x, text, box, max_px, min_px, bold, false);
}

/* Labels of buttons: one line if it can be had at three quarters of the size. */
fitted_t lay_fit_short(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                       bool bold)
{
    return lay_fit_text(x, text, box, max_px, min_px, bold, true);
}

/* Height a text takes at its fitted size inside box (0 when empty). */
int lay_measure_h(const ctx_t *x, const char *text, rect_t box, int max_px, bool bold)
{
    if (!text || !*text)
        return 0;
    size_t saved = x->v->text_used;
    fitted_t ft = lay_fit(x, text, box, max_px, S(x, PX_MIN), bold);
    x->v->text_used = saved; /* measuring only */
    return ft.height;
}
