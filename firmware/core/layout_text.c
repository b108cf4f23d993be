/* Layout's text: breaking lines (words for Latin, characters for CJK, no line starting
 * with closing punctuation) and fitting texts of any length into boxes. */
#include <string.h>

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

static bool is_cjk(uint32_t cp)
{
    return (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
           (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xffef) ||
           (cp >= 0x20000 && cp <= 0x3ffff);
}

/* Punctuation that must not start a line (kinsoku). */
static bool no_line_start(uint32_t cp)
{
    static const uint32_t list[] = {0x3001, 0x3002, 0xff0c, 0xff0e, 0xff01, 0xff1f, 0xff1b,
                                    0xff1a, 0x300d, 0x300f, 0xff09, 0x3011, 0x201d, 0x2019,
                                    ',',    '.',    '!',    '?',    ';',    ':',    ')'};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp)
            return true;
    return false;
}

/* End of the unbreakable piece starting at s: a word with its trailing spaces, or one CJK
 * character with the punctuation that clings to it, or a newline. */
static const char *token_end(const char *s)
{
    size_t l;
    uint32_t cp = next_cp(s, &l);
    if (cp == '\n')
        return s + 1;
    const char *p = s + l;
    if (!is_cjk(cp)) {
        while (*p && *p != ' ' && *p != '\n') {
            uint32_t c2 = next_cp(p, &l);
            if (is_cjk(c2) && !no_line_start(c2))
                break;
            p += l;
        }
    }
    while (*p && *p != '\n') {
        uint32_t c2 = next_cp(p, &l);
        if (c2 == ' ' || no_line_start(c2))
            p += l;
        else
            break;
    }
    return p;
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

/* Where to break the piece p..e that is wider than a whole line: after as many characters as
 * fit, and at least one. */
static const char *break_piece(const ctx_t *x, int px, bool bold, int width, const char *p,
                               const char *e)
{
    const char *q = p;
    size_t l;
    next_cp(q, &l);
    while (q + l < e && width_of(x, px, bold, p, (size_t)(q + l - p)) <= width) {
        q += l;
        next_cp(q, &l);
    }
    return q == p ? q + l : q;
}

static bool enough(const lines_t *o, int lines)
{
    return o->full || (o->max_lines > 0 && lines > o->max_lines);
}

/* Wraps text into lines no wider than width, separated by '\n', into o. Returns the number of
 * lines, or -1 when a single piece is wider than width (when allow_break, such a piece is
 * broken between characters instead). Stops early once more than o->max_lines lines are
 * needed: then the output ends with the newline after the last line that fits. */
static int wrap(const ctx_t *x, const char *text, int px, bool bold, int width, bool allow_break,
                lines_t *o)
{
    int lines = 1;
    const char *line = text;
    const char *p = text;
    bool wide = false;
    while (*p && !enough(o, lines)) {
        const char *next; /* where the next line starts */
        size_t n;         /* the bytes of this line shown */
        if (*p == '\n') {
            n = (size_t)(p - line);
            next = p + 1;
        } else {
            const char *e = token_end(p);
            if (width_of(x, px, bold, line, (size_t)(e - line)) <= width) {
                p = e;
                continue;
            }
            if (p > line) { /* break before this piece */
                n = trim(line, (size_t)(p - line));
                next = p;
            } else if (!allow_break) { /* one piece wider than the line */
                wide = true;
                p = e;
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
    }
    if (!enough(o, lines))
        emit(o, line, trim(line, (size_t)(p - line)));
    return wide ? -1 : lines;
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

/* A button label on one line at three quarters of the size reads better than one broken in
 * two: the largest such size, if any. */
static bool fit_one_line(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                         bool bold, fitted_t *r)
{
    int one_min = max_px * 3 / 4 > min_px ? max_px * 3 / 4 : min_px;
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

/* Too tall even at the smallest size: the lines that fit, the last one ending with an
 * ellipsis in place of the newline that followed it. */
static fitted_t cut_to_box(const ctx_t *x, const lines_t *o, int px, int lh, int keep)
{
    char *p = o->buf;
    for (int i = 1; i < keep && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (p && (p = strchr(p, '\n')) != NULL)
        memcpy(p, ELLIPSIS, sizeof ELLIPSIS); /* scratch() kept the room */
    return (fitted_t){keep_lines(x, o), px, keep, keep * lh, true};
}

fitted_t lay_fit_text(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                      bool bold, bool prefer_one_line)
{
    fitted_t r = {"", max_px, 0, 0, false};
    if (!text || !*text || box.w <= 0)
        return r;
    if (min_px > max_px)
        min_px = max_px;
    if (prefer_one_line && fit_one_line(x, text, box, max_px, min_px, bold, &r))
        return r;
    for (int px = max_px;; px -= px > 24 ? 2 : 1) {
        if (px < min_px)
            px = min_px;
        bool last = px == min_px;
        int lh = x->tm->line_height(x->tm->user_data, px, bold);
        int keep = lh > 0 ? box.h / lh : 0;
        if (keep < 1)
            keep = 1;
        lines_t o = scratch(x, lh > 0 ? keep : 0);
        int lines = wrap(x, text, px, bold, box.w, last, &o);
        if (o.full) { /* the view's text ran out: flagged, never with sane content */
            x->v->text_truncated = true;
            r.overflow = true;
            return r;
        }
        if (lines > 0 && lines * lh <= box.h)
            return (fitted_t){keep_lines(x, &o), px, lines, lines * lh, false};
        if (last)
            return cut_to_box(x, &o, px, lh, keep);
    }
}

const char *lay_wrap_tail(const ctx_t *x, const char *text, int px, int width, int max_lines,
                          int *lines)
{
    lines_t o = scratch(x, 0);
    *lines = wrap(x, text, px, false, width, true, &o);
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
