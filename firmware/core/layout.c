/* Layout: turns the flow's state into the view model for any screen size. Sizes scale with
 * the shorter screen side; texts are wrapped (words for Latin, characters for CJK) and shrunk
 * until they fit their boxes, so nothing is cut off in any language. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "core/view.h"

/* Sizes at the 480 px reference (the 7" 800x480 panel, about 5.2 px per mm). */
enum {
    REF_SIDE = 480,
    TOPBAR_H = 64,
    BOTTOMBAR_H = 72,
    MARGIN = 14,
    GAP = 10,
    MIN_TARGET = 52, /* 10 mm on the 7" panel: above the 9 mm minimum */
    PX_TITLE = 30,
    PX_BODY = 24,
    PX_BUTTON = 24,
    PX_SMALL = 18,
    PX_MIN = 16,
};

typedef struct {
    view_t *v;
    const flow_t *f;
    const content_t *c;
    const text_metrics_t *tm;
    const char *lang;
    double u; /* scale: shorter side / 480 */
    double t; /* text scale on top of u: 1, or LARGE_TEXT for a resident who asked */
    int64_t now;
} ctx_t;

/* Large text: every size of type (the smallest included) grows by this much; the boxes stay,
 * so text wraps onto more lines and long lists show fewer items per page. */
#define LARGE_TEXT 1.3

/* A length on the 480-pixel reference screen, scaled to this one. */
static int S(const ctx_t *x, int ref)
{
    int v = (int)((double)ref * x->u + 0.5);
    return v < 1 ? 1 : v;
}

/* A size of type: like S(), and larger in large-text mode. */
static int T(const ctx_t *x, int ref)
{
    int v = (int)((double)ref * x->u * x->t + 0.5);
    return v < 1 ? 1 : v;
}

static const char *str(const ctx_t *x, const char *key)
{
    return content_string(x->c, key, x->lang);
}

static const char *txt(const ctx_t *x, const lstr_t *s)
{
    return content_text(x->c, s, x->lang);
}

static rect_t rect(int x, int y, int w, int h)
{
    return (rect_t){x, y, w < 0 ? 0 : w, h < 0 ? 0 : h};
}

static rect_t inset(rect_t r, int dx, int dy)
{
    return rect(r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy);
}

bool rect_overlaps(rect_t a, rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool rect_contains(rect_t o, rect_t i)
{
    return i.x >= o.x && i.y >= o.y && i.x + i.w <= o.x + o.w && i.y + i.h <= o.y + o.h;
}

/* ---- text: wrapping and fitting ---- */

static uint32_t decode(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    *len = utf8_char_len(s);
    switch (*len) {
    case 1:
        return p[0];
    case 2:
        return (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3fu);
    case 3:
        return (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3fu);
    case 4:
        return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
               (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3fu);
    default:
        return 0;
    }
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
    uint32_t cp = decode(s, &l);
    if (cp == '\n')
        return s + 1;
    const char *p = s + l;
    if (!is_cjk(cp)) {
        while (*p && *p != ' ' && *p != '\n') {
            uint32_t c2 = decode(p, &l);
            if (is_cjk(c2) && !no_line_start(c2))
                break;
            p += l;
        }
    }
    while (*p && *p != '\n') {
        uint32_t c2 = decode(p, &l);
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

/* Wraps text into lines no wider than width. Writes lines separated by '\n' into out (cap
 * bytes) and returns the number of lines, or -1 when a single piece is wider than width
 * (when allow_break, such a piece is broken between characters instead). */
static int wrap(const ctx_t *x, const char *text, int px, bool bold, int width, char *out,
                size_t cap, bool allow_break)
{
    size_t o = 0;
    int lines = 1;
    const char *line = text;
    const char *p = text;
    bool wide = false;
    out[0] = '\0';
#define EMIT(src, n)                                                                               \
    do {                                                                                           \
        size_t n_ = (n);                                                                           \
        if (o + n_ + 1 < cap) {                                                                    \
            memcpy(out + o, (src), n_);                                                            \
            o += n_;                                                                               \
            out[o] = '\0';                                                                         \
        }                                                                                          \
    } while (0)
    while (*p) {
        if (*p == '\n') {
            EMIT(line, (size_t)(p - line));
            EMIT("\n", 1);
            lines++;
            line = ++p;
            continue;
        }
        const char *e = token_end(p);
        if (width_of(x, px, bold, line, (size_t)(e - line)) <= width) {
            p = e;
            continue;
        }
        if (p > line) {
            /* Break before this piece; drop the spaces that ended the line. */
            size_t n = (size_t)(p - line);
            while (n > 0 && line[n - 1] == ' ')
                n--;
            EMIT(line, n);
            EMIT("\n", 1);
            lines++;
            line = p;
            continue;
        }
        /* One piece wider than the line. */
        if (!allow_break) {
            wide = true;
            p = e;
            continue;
        }
        const char *q = p;
        size_t l = utf8_char_len(q);
        while (q + l < e && width_of(x, px, bold, line, (size_t)(q + l - line)) <= width) {
            q += l;
            l = utf8_char_len(q);
        }
        if (q == p)
            q += l;
        EMIT(line, (size_t)(q - line));
        EMIT("\n", 1);
        lines++;
        line = p = q;
    }
    size_t n = (size_t)(p - line);
    while (n > 0 && line[n - 1] == ' ')
        n--;
    EMIT(line, n);
#undef EMIT
    return wide ? -1 : lines;
}

static char *view_strdup(view_t *v, const char *s)
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

typedef struct {
    const char *text;
    int px;
    int lines;
    int height;
    bool overflow;
} fitted_t;

/* Finds the largest size from max_px down to min_px at which text fits in box; at min_px
 * it breaks long words and, if still too tall, keeps the lines that fit and ends with an
 * ellipsis (overflow set: a test failure for shipped content). */
static fitted_t fit_text(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                         bool bold, bool prefer_one_line)
{
    char buf[4096];
    fitted_t r = {"", max_px, 0, 0, false};
    if (!text || !*text || box.w <= 0)
        return r;
    if (min_px > max_px)
        min_px = max_px;
    /* A button label on one line at three quarters of the size reads better than one broken
     * in two: try that first. Sentences wrap instead. */
    int one_min = max_px * 3 / 4 > min_px ? max_px * 3 / 4 : min_px;
    for (int px = max_px; prefer_one_line && px >= one_min; px -= px > 24 ? 2 : 1) {
        int lh = x->tm->line_height(x->tm->user_data, px, bold);
        if (lh > box.h)
            continue;
        if (!strchr(text, '\n') && width_of(x, px, bold, text, strlen(text)) <= box.w) {
            r.px = px;
            r.lines = 1;
            r.height = lh;
            r.text = view_strdup(x->v, text);
            return r;
        }
        if (px == one_min)
            break;
    }
    for (int px = max_px;; px -= px > 24 ? 2 : 1) {
        if (px < min_px)
            px = min_px;
        bool last = px == min_px;
        int lines = wrap(x, text, px, bold, box.w, buf, sizeof buf, last);
        int lh = x->tm->line_height(x->tm->user_data, px, bold);
        if (lines > 0 && lines * lh <= box.h) {
            r.px = px;
            r.lines = lines;
            r.height = lines * lh;
            r.text = view_strdup(x->v, buf);
            return r;
        }
        if (last) {
            int keep = lh > 0 ? box.h / lh : 0;
            if (keep < 1)
                keep = 1;
            char *p = buf;
            for (int i = 1; i < keep && p; i++) {
                p = strchr(p, '\n');
                if (p)
                    p++;
            }
            if (p && (p = strchr(p, '\n')) != NULL)
                strcpy(p, "…");
            r.px = px;
            r.lines = keep;
            r.height = keep * lh;
            r.text = view_strdup(x->v, buf);
            r.overflow = true;
            return r;
        }
    }
}

/* Sentences: the largest size at which the wrapped text fits. */
static fitted_t fit(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px, bool bold)
{
    return fit_text(x, text, box, max_px, min_px, bold, false);
}

/* Labels of buttons: one line if it can be had at three quarters of the size. */
static fitted_t fit_short(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                          bool bold)
{
    return fit_text(x, text, box, max_px, min_px, bold, true);
}

/* ---- widgets ---- */

static widget_t *add(ctx_t *x, widget_kind_t kind, style_t style, rect_t r)
{
    view_t *v = x->v;
    if (v->n == VIEW_MAX_WIDGETS) {
        static widget_t sink;
        memset(&sink, 0, sizeof sink);
        v->text_truncated = true;
        return &sink;
    }
    widget_t *w = &v->w[v->n++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->style = style;
    w->r = r;
    w->tr = r;
    w->text = "";
    w->align = ALIGN_CENTER;
    return w;
}

/* Places text in the widget's text box, vertically centred. */
static void set_text(ctx_t *x, widget_t *w, const char *text, rect_t box, int max_px, bool bold)
{
    fitted_t ft = (w->kind == W_BUTTON || w->kind == W_FACE || w->style == STYLE_TOPBAR)
                      ? fit_short(x, text, box, max_px, S(x, PX_MIN), bold)
                      : fit(x, text, box, max_px, S(x, PX_MIN), bold);
    w->text = ft.text;
    w->px = ft.px;
    w->bold = bold;
    w->overflow = w->overflow || ft.overflow;
    w->tr = rect(box.x, box.y + (box.h - ft.height) / 2, box.w, ft.height);
}

/* Like set_text(), but wraps rather than shrinks to one line: for grids of answers, whose
 * labels then share one size. */
static void place_text(ctx_t *x, widget_t *w, const char *text, rect_t box, int max_px, bool bold)
{
    fitted_t ft = fit(x, text, box, max_px, S(x, PX_MIN), bold);
    w->text = ft.text;
    w->px = ft.px;
    w->bold = bold;
    w->overflow = w->overflow || ft.overflow;
    w->tr = rect(box.x, box.y + (box.h - ft.height) / 2, box.w, ft.height);
}

static widget_t *label(ctx_t *x, rect_t r, const char *text, int max_px, bool bold, style_t st,
                       align_t align)
{
    widget_t *w = add(x, W_LABEL, st, r);
    w->align = align;
    set_text(x, w, text, r, max_px, bold);
    return w;
}

/* A label whose height is what its text needs (up to max_h); returns the height used. */
static int label_top(ctx_t *x, rect_t r, const char *text, int max_px, bool bold, style_t st,
                     align_t align)
{
    if (!text || !*text)
        return 0;
    fitted_t ft = fit(x, text, r, max_px, S(x, PX_MIN), bold);
    widget_t *w = add(x, W_LABEL, st, rect(r.x, r.y, r.w, ft.height));
    w->text = ft.text;
    w->px = ft.px;
    w->bold = bold;
    w->align = align;
    w->overflow = ft.overflow;
    w->tr = w->r;
    return ft.height;
}

static widget_t *button(ctx_t *x, rect_t r, const char *text, style_t st, action_t act, int arg)
{
    widget_t *w = add(x, W_BUTTON, st, r);
    w->action = act;
    w->arg = arg;
    int pad = S(x, 8);
    set_text(x, w, text, inset(r, pad, pad / 2), T(x, PX_BUTTON), st == STYLE_PRIMARY);
    return w;
}

/* A button with a bold first line and a smaller second line (journeys, activities). */
static widget_t *button2(ctx_t *x, rect_t r, const char *t1, const char *t2, style_t st,
                         action_t act, int arg, int px1)
{
    if (!t2 || !*t2)
        return button(x, r, t1, st, act, arg);
    widget_t *w = add(x, W_BUTTON, st, r);
    w->action = act;
    w->arg = arg;
    rect_t in = inset(r, S(x, 10), S(x, 6));
    int lh1 = x->tm->line_height(x->tm->user_data, px1, true);
    int lh2 = x->tm->line_height(x->tm->user_data, T(x, PX_SMALL), false);
    /* Share the height: the first line gets what it needs, at most two lines. */
    int h1 = in.h - lh2 < 2 * lh1 ? in.h - lh2 : 2 * lh1;
    if (h1 < lh1)
        h1 = in.h / 2;
    fitted_t f1 = fit_short(x, t1, rect(in.x, in.y, in.w, h1), px1, S(x, PX_MIN), true);
    int h2 = in.h - f1.height - S(x, 2);
    fitted_t f2 =
        fit(x, t2, rect(in.x, in.y, in.w, h2), T(x, PX_SMALL), S(x, PX_MIN) * 7 / 8, false);
    int total = f1.height + S(x, 2) + f2.height;
    int y = in.y + (in.h - total) / 2;
    w->text = f1.text;
    w->px = f1.px;
    w->bold = true;
    w->tr = rect(in.x, y, in.w, f1.height);
    w->text2 = f2.text;
    w->px2 = f2.px;
    w->tr2 = rect(in.x, y + f1.height + S(x, 2), in.w, f2.height);
    w->overflow = f1.overflow || f2.overflow;
    return w;
}

/* The pack's text with {name} placeholders replaced, in the view's buffer. */
static const char *fill_vars(const ctx_t *x, const char *src, size_t n, const char *const names[],
                             const char *const values[])
{
    char buf[512];
    content_fill_vars(buf, sizeof buf, src, n, names, values);
    return view_strdup(x->v, buf);
}

/* ---- shared bars ---- */

static const char *next_language_name(const ctx_t *x)
{
    size_t n = content_language_count(x->c);
    int i = content_language_index(x->c, x->lang);
    return content_language(x->c, (size_t)(i + 1) % n)->name;
}

/* Top bar: leave button (inside a journey), title, language button. Returns its height. */
static int topbar(ctx_t *x, const char *title, bool with_home)
{
    view_t *v = x->v;
    int h = S(x, TOPBAR_H);
    add(x, W_PANEL, STYLE_TOPBAR, rect(0, 0, v->width, h));
    int m = S(x, 8);
    int bw = S(x, 150) < v->width * 24 / 100 ? S(x, 150) : v->width * 24 / 100;
    int left = m;
    if (with_home) {
        button(x, rect(m, m, bw, h - 2 * m), str(x, "nav.home"), STYLE_SECONDARY, ACT_HOME, 0);
        left = m + bw + m;
    }
    /* Right to left on screen, created left to right for the reading order of the ring:
     * the display choices, then the language. */
    int right = v->width - m;
    bool langs = content_language_count(x->c) > 1;
    bool display = flow_screen(x->f) != SCREEN_OUT_OF_SERVICE;
    int lang_x = right - bw;
    if (langs)
        right = lang_x - m;
    if (display) {
        int dw = S(x, 120) < v->width * 19 / 100 ? S(x, 120) : v->width * 19 / 100;
        right -= dw;
        button(x, rect(right, m, dw, h - 2 * m), str(x, "display.button"), STYLE_SECONDARY,
               ACT_DISPLAY, 0);
    }
    if (langs)
        button(x, rect(lang_x, m, bw, h - 2 * m), next_language_name(x), STYLE_SECONDARY, ACT_LANG,
               0);
    rect_t tr = rect(left + m, 0, right - left - 2 * m, h);
    widget_t *t =
        label(x, tr, title, T(x, 26), true, STYLE_TOPBAR, with_home ? ALIGN_CENTER : ALIGN_LEFT);
    (void)t;
    return h;
}

/* Bottom bar of a question: Back, progress, then Next or Skip. Returns its height. */
static int bottombar(ctx_t *x)
{
    view_t *v = x->v;
    const flow_t *f = x->f;
    int h = S(x, BOTTOMBAR_H);
    int m = S(x, MARGIN);
    int y = v->height - h + S(x, 6);
    int bh = h - S(x, 12);
    int bw = S(x, 170) < v->width * 27 / 100 ? S(x, 170) : v->width * 27 / 100;
    button(x, rect(m, y, bw, bh), str(x, "nav.back"), STYLE_SECONDARY, ACT_BACK, 0);
    const question_t *q = flow_question(f);
    const answer_t *a = flow_answer(f);
    bool has = a && a->set;
    rect_t rb = rect(v->width - m - bw, y, bw, bh);
    if (has || q->required || q->type == Q_CHECKBOX || q->type == Q_TEXT || q->type == Q_COMMENT) {
        if (!has && !q->required)
            button(x, rb, str(x, "nav.skip"), STYLE_SECONDARY, ACT_SKIP, 0);
        else if (has || q->type == Q_CHECKBOX || q->type == Q_TEXT || q->type == Q_COMMENT) {
            widget_t *w = button(x, rb, str(x, "nav.next"), STYLE_PRIMARY, ACT_NEXT, 0);
            w->disabled = !flow_can_next(f);
        }
    } else {
        button(x, rb, str(x, "nav.skip"), STYLE_SECONDARY, ACT_SKIP, 0);
    }
    if (!flow_is_quick(f)) {
        size_t n, total;
        flow_progress(f, &n, &total);
        char num[16], tot[16];
        snprintf(num, sizeof num, "%zu", n);
        snprintf(tot, sizeof tot, "%zu", total);
        const char *const names[] = {"n", "total"}, *const values[] = {num, tot};
        const char *buf = fill_vars(x, str(x, "progress"), 2, names, values);
        int cx = m + bw + m, cw = v->width - 2 * (m + bw + m);
        int barh = S(x, 8);
        label(x, rect(cx, y, cw, bh - barh - S(x, 6)), buf, T(x, PX_SMALL), false, STYLE_MUTED,
              ALIGN_CENTER);
        widget_t *bar = add(x, W_BAR, STYLE_PRIMARY, rect(cx, y + bh - barh - S(x, 2), cw, barh));
        bar->fraction = total ? (double)n / (double)total : 0.0;
    }
    return h;
}

/* ---- grids of choices ---- */

typedef struct {
    int cols, rows;
} grid_t;

/* Picks columns and rows for n cells in area: cells at least min_w x min_h, as few pages as
 * possible, then the most even shape. */
static grid_t grid_shape(int n, rect_t area, int min_w, int min_h, int gap, int max_cols)
{
    grid_t g = {1, 1};
    int max_c = (area.w + gap) / (min_w + gap);
    int max_r = (area.h + gap) / (min_h + gap);
    if (max_c < 1)
        max_c = 1;
    if (max_c > max_cols)
        max_c = max_cols;
    if (max_r < 1)
        max_r = 1;
    if (n <= max_c * max_r) {
        /* Fewest rows that hold all, then as few columns as keep that row count. */
        int rows = (n + max_c - 1) / max_c;
        g.rows = rows;
        g.cols = (n + rows - 1) / rows;
    } else {
        g.cols = max_c;
        g.rows = max_r;
    }
    return g;
}

static rect_t cell(rect_t area, grid_t g, int i, int gap, int max_h)
{
    int cw = (area.w - (g.cols - 1) * gap) / g.cols;
    int ch = (area.h - (g.rows - 1) * gap) / g.rows;
    if (ch > max_h)
        ch = max_h;
    int c = i % g.cols, r = i / g.cols;
    return rect(area.x + c * (cw + gap), area.y + r * (ch + gap), cw, ch);
}

/* ---- faces ---- */

static void faces_row(ctx_t *x, rect_t area, const choice_t *faces, size_t n, action_t act,
                      int selected)
{
    int gap = S(x, GAP);
    grid_t g = {(int)n, 1};
    int label_px = T(x, 22);
    for (size_t i = 0; i < n; i++) {
        rect_t r = cell(area, g, (int)i, gap, area.h);
        style_t st = (int)i == selected ? STYLE_SELECTED : STYLE_SECONDARY;
        widget_t *w = add(x, W_FACE, st, r);
        w->action = act;
        w->arg = (int)i;
        w->face_level = (int)i;
        w->face_count = (int)n;
        int lh = x->tm->line_height(x->tm->user_data, label_px, true);
        rect_t tb = rect(r.x + S(x, 4), r.y + r.h - 2 * lh - S(x, 6), r.w - S(x, 8), 2 * lh);
        fitted_t ft = fit_short(x, txt(x, &faces[i].text), tb, label_px, S(x, PX_MIN), true);
        w->text = ft.text;
        w->px = ft.px;
        w->bold = true;
        w->overflow = ft.overflow;
        /* The text sits at the bottom; the face is drawn in the space above it. */
        w->tr = rect(tb.x, r.y + r.h - ft.height - S(x, 8), tb.w, ft.height);
    }
}

/* ---- screens ---- */

static void home_screen(ctx_t *x, const char *notice)
{
    view_t *v = x->v;
    int top = topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    int bottom = v->height - m;
    if (notice && *notice) {
        int nh = S(x, 54); /* room for two lines */
        widget_t *w = label(x, rect(0, v->height - nh, v->width, nh), notice, T(x, PX_SMALL), true,
                            STYLE_NOTICE, ALIGN_CENTER);
        w->tr = rect(m, w->tr.y, v->width - 2 * m, w->tr.h);
        bottom = v->height - nh - S(x, 4);
    }
    rect_t body = rect(m, top + m / 2, v->width - 2 * m, bottom - top - m / 2);
    bool portrait = v->height > v->width;
    /* Prompt, faces, the line above the journeys, the journeys. */
    int prompt_h = label_top(x, rect(body.x, body.y, body.w, S(x, 80)), str(x, "home.rate_prompt"),
                             T(x, PX_TITLE), true, STYLE_TITLE, ALIGN_CENTER);
    int y = body.y + prompt_h + gap / 2;
    size_t nj = content_journey_count(x->c);
    int faces_h = portrait ? S(x, 200) : (body.h - prompt_h) * 40 / 100;
    faces_row(x, rect(body.x, y, body.w, faces_h), content_face(x->c, 0), content_face_count(x->c),
              ACT_FACE, -1);
    y += faces_h + gap;
    int or_h = label_top(x, rect(body.x, y, body.w, S(x, 40)), str(x, "home.or_choose"),
                         T(x, PX_BODY), false, STYLE_MUTED, ALIGN_CENTER);
    y += or_h + gap / 2;
    rect_t area = rect(body.x, y, body.w, body.y + body.h - y);
    grid_t g = grid_shape((int)nj, area, portrait ? S(x, 320) : S(x, 300), S(x, MIN_TARGET + 8),
                          gap, portrait ? 1 : 2);
    if ((size_t)(g.cols * g.rows) < nj)
        g.rows = ((int)nj + g.cols - 1) / g.cols;
    for (size_t i = 0; i < nj; i++) {
        const journey_t *j = content_journey(x->c, i);
        button2(x, cell(area, g, (int)i, gap, S(x, 130)), txt(x, &j->title),
                txt(x, &j->description), STYLE_PRIMARY, ACT_JOURNEY, (int)i, S(x, 24));
    }
}

/* The choice buttons of a radiogroup, checkbox or numbered rating, with paging. */
static void choices_grid(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    int gap = S(x, GAP);
    bool details = false;
    for (size_t i = 0; i < q->nchoices; i++)
        details = details || q->choices[i].detail.n > 0;
    int min_w = q->type == Q_RATING ? S(x, 64) : S(x, details ? 300 : 220);
    int min_h = details ? S(x, 84) : S(x, MIN_TARGET + 12);
    int n = (int)q->nchoices;
    int max_cols = q->type == Q_RATING ? 10 : 3;
    grid_t g = grid_shape(n, area, min_w, min_h, gap, max_cols);
    int per_page = g.cols * g.rows;
    int first = 0, shown = n;
    bool paged = per_page < n;
    if (paged) {
        per_page -= 2; /* two cells page back and forth */
        if (per_page < 1)
            per_page = 1;
        int pages = (n + per_page - 1) / per_page;
        int page = (int)flow_list_page(x->f);
        if (page >= pages)
            page = pages - 1;
        first = page * per_page;
        shown = n - first < per_page ? n - first : per_page;
    }
    int max_h = details ? S(x, 120) : S(x, 100);
    size_t first_w = x->v->n;
    int px = T(x, PX_BUTTON);
    /* Twice when needed: all labels of a grid share one size, the largest that fits all. */
    for (int pass = 0; pass < 2; pass++) {
        x->v->n = first_w;
        int min_px = px;
        for (int k = 0; k < shown; k++) {
            int i = first + k;
            const choice_t *ch = &q->choices[i];
            bool sel =
                a && a->set && (q->type == Q_CHECKBOX ? (a->multi >> i) & 1 : a->choice == i);
            rect_t r = cell(area, g, k, gap, max_h);
            style_t st = sel ? STYLE_SELECTED : STYLE_SECONDARY;
            widget_t *w = details ? button2(x, r, txt(x, &ch->text), txt(x, &ch->detail), st,
                                            ACT_CHOICE, i, px)
                                  : add(x, W_BUTTON, st, r);
            w->action = ACT_CHOICE;
            w->arg = i;
            w->checked = sel && q->type == Q_CHECKBOX;
            if (q->type == Q_CHECKBOX) {
                /* Leave room on the left for the tick box. */
                int box = S(x, 30);
                rect_t in =
                    rect(r.x + box + S(x, 18), r.y + S(x, 4), r.w - box - S(x, 26), r.h - S(x, 8));
                place_text(x, w, txt(x, &ch->text), in, px, false);
                w->align = ALIGN_LEFT;
            } else if (!details) {
                int pad = S(x, 8);
                place_text(x, w, txt(x, &ch->text), inset(r, pad, pad / 2), px, false);
            }
            if (w->px < min_px)
                min_px = w->px;
        }
        if (min_px == px)
            break;
        px = min_px;
    }
    if (paged) {
        int cells = g.cols * g.rows;
        widget_t *prev = button(x, cell(area, g, cells - 2, gap, max_h),
                                str(x, "nav.previous_page"), STYLE_SECONDARY, ACT_PAGE_PREV, 0);
        prev->disabled = first == 0;
        widget_t *more = button(x, cell(area, g, cells - 1, gap, max_h), str(x, "nav.more"),
                                STYLE_SECONDARY, ACT_PAGE_NEXT, 0);
        more->disabled = first + shown >= n;
    }
}

static void rating_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    if (q->smileys) {
        int h = area.h < S(x, 220) ? area.h : S(x, 220);
        /* As many faces as the quick rating: the same words under them (and the same buttons). */
        const choice_t *labels =
            q->nchoices == content_face_count(x->c) ? content_face(x->c, 0) : q->choices;
        faces_row(x, rect(area.x, area.y + (area.h - h) / 2, area.w, h), labels, q->nchoices,
                  ACT_CHOICE, a && a->set ? a->choice : -1);
        return;
    }
    int ends_h = (q->min_desc.n || q->max_desc.n) ? S(x, 56) : 0;
    rect_t btns = rect(area.x, area.y, area.w, area.h - ends_h);
    int bh = btns.h < S(x, 110) ? btns.h : S(x, 110);
    btns = rect(btns.x, btns.y + (btns.h - bh) / 2, btns.w, bh);
    choices_grid(x, btns, q, a);
    if (ends_h) {
        int w = area.w / 2 - S(x, 8);
        int y = btns.y + btns.h + S(x, 6);
        label(x, rect(area.x, y, w, ends_h - S(x, 6)), txt(x, &q->min_desc), T(x, PX_SMALL), false,
              STYLE_MUTED, ALIGN_LEFT);
        label(x, rect(area.x + area.w - w, y, w, ends_h - S(x, 6)), txt(x, &q->max_desc),
              T(x, PX_SMALL), false, STYLE_MUTED, ALIGN_RIGHT);
    }
}

static void boolean_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    int gap = S(x, GAP) * 2;
    bool portrait = x->v->height > x->v->width;
    grid_t g = portrait ? (grid_t){1, 2} : (grid_t){2, 1};
    const char *yes = q->label_true.n ? txt(x, &q->label_true) : str(x, "common.yes");
    const char *no = q->label_false.n ? txt(x, &q->label_false) : str(x, "common.no");
    int h = S(x, 110);
    rect_t r0 = cell(area, g, 0, gap, h), r1 = cell(area, g, 1, gap, h);
    button(x, r0, yes, a && a->set && a->yes ? STYLE_SELECTED : STYLE_SECONDARY, ACT_CHOICE, 1);
    button(x, r1, no, a && a->set && !a->yes ? STYLE_SELECTED : STYLE_SECONDARY, ACT_CHOICE, 0);
}

/* Keys: plain characters, or tokens for the special keys. Widths in tenths of a row. */
typedef struct {
    const char *label; /* NULL: use the key's text */
    const char *text;  /* typed text, or a token: SHIFT DEL SYM SPACE */
    int units;         /* width in units of 1/10 row */
} kb_key_t;

#define K(t)                                                                                       \
    {                                                                                              \
        NULL, t, 10                                                                                \
    }
/* Landscape: QWERTY in rows of ten. */
static const kb_key_t kb_letters[5][10] = {
    {K("q"), K("w"), K("e"), K("r"), K("t"), K("y"), K("u"), K("i"), K("o"), K("p")},
    {K("a"), K("s"), K("d"), K("f"), K("g"), K("h"), K("j"), K("k"), K("l"), K("'")},
    {{NULL, "SHIFT", 15},
     K("z"),
     K("x"),
     K("c"),
     K("v"),
     K("b"),
     K("n"),
     K("m"),
     {NULL, "DEL", 15}},
    {{NULL, "SYM", 20}, K(","), {NULL, "SPACE", 50}, K("."), K("-")},
};
static const kb_key_t kb_symbols[5][10] = {
    {K("1"), K("2"), K("3"), K("4"), K("5"), K("6"), K("7"), K("8"), K("9"), K("0")},
    {K("@"), K("#"), K("&"), K("*"), K("("), K(")"), K("+"), K("/"), K(":"), K(";")},
    {K("!"), K("?"), K("\""), K("%"), K("="), K("_"), K("~"), K("<"), K(">"), {NULL, "DEL", 10}},
    {{NULL, "SYM", 20}, K(","), {NULL, "SPACE", 50}, K("."), K("-")},
};
/* Portrait panels are too narrow for ten keys of 9 mm: seven a row, in alphabetical order. */
static const kb_key_t kb_letters_narrow[5][10] = {
    {K("a"), K("b"), K("c"), K("d"), K("e"), K("f"), K("g")},
    {K("h"), K("i"), K("j"), K("k"), K("l"), K("m"), K("n")},
    {K("o"), K("p"), K("q"), K("r"), K("s"), K("t"), K("u")},
    {K("v"), K("w"), K("x"), K("y"), K("z"), {NULL, "DEL", 20}},
    {{NULL, "SHIFT", 15}, {NULL, "SYM", 15}, K(","), {NULL, "SPACE", 20}, K(".")},
};
static const kb_key_t kb_symbols_narrow[5][10] = {
    {K("1"), K("2"), K("3"), K("4"), K("5"), K("6"), K("7")},
    {K("8"), K("9"), K("0"), K("@"), K("#"), K("&"), K("*")},
    {K("("), K(")"), K("+"), K("/"), K(":"), K(";"), K("!")},
    {K("?"), K("\""), K("%"), K("="), K("_"), {NULL, "DEL", 20}},
    {K("'"), K("-"), {NULL, "SYM", 15}, K(","), {NULL, "SPACE", 15}, K(".")},
};
#undef K

static void keyboard(ctx_t *x, rect_t area)
{
    const flow_t *f = x->f;
    bool sym = flow_kb_symbols(f), shift = flow_kb_shift(f);
    bool narrow = x->v->width < x->v->height;
    int gap = S(x, 5);
    int rows = narrow ? 5 : 4;
    int kh = (area.h - (rows - 1) * gap) / rows;
    if (kh > S(x, 70))
        kh = S(x, 70);
    int y0 = area.y + area.h - (rows * kh + (rows - 1) * gap);
    for (int r = 0; r < rows; r++) {
        const kb_key_t *row = narrow ? (sym ? kb_symbols_narrow[r] : kb_letters_narrow[r])
                                     : (sym ? kb_symbols[r] : kb_letters[r]);
        int units = 0, nk = 0;
        for (int k = 0; k < 10 && row[k].text; k++, nk++)
            units += row[k].units;
        int per_row = narrow ? 70 : 100;
        int avail = area.w - (nk - 1) * gap;
        int row_w = avail * units / per_row + (nk - 1) * gap;
        int xk = area.x + (area.w - row_w) / 2;
        for (int k = 0; k < nk; k++) {
            const kb_key_t *key = &row[k];
            int kw = avail * key->units / per_row;
            rect_t kr = rect(xk, y0 + r * (kh + gap), kw, kh);
            xk += kw + gap;
            widget_t *w;
            if (strcmp(key->text, "SHIFT") == 0) {
                w = button(x, kr, str(x, "keyboard.shift"), shift ? STYLE_SELECTED : STYLE_KEY,
                           ACT_SHIFT, 0);
            } else if (strcmp(key->text, "DEL") == 0) {
                w = button(x, kr, str(x, "keyboard.delete"), STYLE_KEY, ACT_BACKSPACE, 0);
            } else if (strcmp(key->text, "SYM") == 0) {
                w = button(x, kr, str(x, sym ? "keyboard.letters" : "keyboard.symbols"), STYLE_KEY,
                           ACT_SYMBOLS, 0);
            } else if (strcmp(key->text, "SPACE") == 0) {
                w = button(x, kr, str(x, "keyboard.space"), STYLE_KEY, ACT_SPACE, 0);
            } else {
                char up[8];
                snprintf(up, sizeof up, "%s", key->text);
                if (shift && up[0] >= 'a' && up[0] <= 'z')
                    up[0] = (char)(up[0] - 'a' + 'A');
                const char *t = view_strdup(x->v, up);
                w = button(x, kr, t, STYLE_KEY, ACT_KEY, 0);
                w->key_text = t;
            }
            (void)w;
        }
    }
}

static void keypad(ctx_t *x, rect_t area)
{
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
    int gap = S(x, 8);
    grid_t g = {3, 4};
    int kh = (area.h - 3 * gap) / 4;
    if (kh > S(x, 84))
        kh = S(x, 84);
    int kw = (area.w - 2 * gap) / 3;
    if (kw > S(x, 160))
        kw = S(x, 160);
    rect_t pad =
        rect(area.x + (area.w - (3 * kw + 2 * gap)) / 2, area.y + (area.h - (4 * kh + 3 * gap)) / 2,
             3 * kw + 2 * gap, 4 * kh + 3 * gap);
    for (int i = 0; i < 9; i++) {
        widget_t *w = button(x, cell(pad, g, i, gap, kh), digits[i], STYLE_KEY, ACT_KEY, 0);
        w->key_text = digits[i];
    }
    rect_t z = cell(pad, g, 9, gap, kh);
    z.w = 2 * kw + gap;
    widget_t *w = button(x, z, "0", STYLE_KEY, ACT_KEY, 0);
    w->key_text = "0";
    button(x, cell(pad, g, 11, gap, kh), str(x, "keyboard.delete"), STYLE_KEY, ACT_BACKSPACE, 0);
}

static void text_field(ctx_t *x, rect_t r, const question_t *q, const answer_t *a)
{
    const char *text = a && a->text ? a->text : "";
    widget_t *w = add(x, W_FIELD, STYLE_PLAIN, r);
    w->caret = true;
    w->align = ALIGN_LEFT;
    int pad = S(x, 10);
    rect_t in = inset(r, pad, S(x, 4));
    int px = T(x, PX_BODY);
    int lh = x->tm->line_height(x->tm->user_data, px, false);
    if (!*text) {
        w->text = view_strdup(x->v, str(x, "keyboard.placeholder"));
        w->style = STYLE_MUTED;
        w->px = px;
        w->tr = rect(in.x, in.y + (in.h - lh) / 2, in.w, lh);
        fitted_t ft = fit(x, w->text, in, px, S(x, PX_MIN), false);
        w->text = ft.text;
        w->px = ft.px;
        return;
    }
    /* Show the end of the text: as many last lines as fit, breaking long words. */
    char buf[4096 * 2];
    int lines = wrap(x, text, px, false, in.w - S(x, 6), buf, sizeof buf, true);
    int fit_lines = in.h / lh < 1 ? 1 : in.h / lh;
    const char *p = buf;
    for (int skip = lines - fit_lines; skip > 0 && p; skip--) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    w->text = view_strdup(x->v, p ? p : "");
    w->px = px;
    int shown = lines < fit_lines ? lines : fit_lines;
    w->tr = rect(in.x, in.y + (in.h - shown * lh) / 2, in.w, shown * lh);
    (void)q;
}

static void counter(ctx_t *x, rect_t r, const question_t *q, const answer_t *a)
{
    char n[16], max[16];
    snprintf(n, sizeof n, "%zu", a && a->text ? utf8_count(a->text) : 0);
    snprintf(max, sizeof max, "%zu", q->max_length);
    const char *const names[] = {"n", "max"}, *const values[] = {n, max};
    label(x, r, fill_vars(x, str(x, "keyboard.count"), 2, names, values), T(x, PX_SMALL), false,
          STYLE_MUTED, ALIGN_RIGHT);
}

static void text_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    int gap = S(x, GAP);
    bool landscape = x->v->width > x->v->height;
    int field_h = S(x, q->type == Q_COMMENT && !landscape ? 140 : 52);
    if (q->input != INPUT_TEXT) {
        /* Portrait keypad screens: field above the keypad (landscape: question_screen). */
        text_field(x, rect(area.x, area.y, area.w, field_h), q, a);
        keypad(x, rect(area.x, area.y + field_h + gap, area.w, area.h - field_h - gap));
        return;
    }
    text_field(x, rect(area.x, area.y, area.w, field_h), q, a);
    int ky = area.y + field_h + gap;
    if (!landscape) {
        int ch = S(x, 28);
        counter(x, rect(area.x, ky, area.w, ch), q, a);
        ky += ch + gap;
    }
    keyboard(x, rect(area.x, ky, area.w, area.y + area.h - ky));
}

static void question_screen(ctx_t *x)
{
    view_t *v = x->v;
    const flow_t *f = x->f;
    const question_t *q = flow_question(f);
    const answer_t *a = flow_answer(f);
    const journey_t *j = flow_journey(f);
    const char *title = j ? txt(x, &j->title) : str(x, "quick.thanks");
    int top = topbar(x, title, true);
    int bot = S(x, BOTTOMBAR_H); /* drawn last: the focus ring reads the answers first */
    int m = S(x, MARGIN), gap = S(x, GAP);
    rect_t body = rect(m, top + m / 2, v->width - 2 * m, v->height - top - bot - m / 2);
    bool typing = q->type == Q_TEXT || q->type == Q_COMMENT;
    bool landscape = v->width > v->height;
    char qtitle[1024];
    flow_question_title(f, qtitle, sizeof qtitle);
    /* The question gets the room it needs, within a share of the body. */
    int share = typing ? (q->input == INPUT_TEXT ? (landscape ? 16 : 14) : 30) : 30;
    int tmax = body.h * share / 100;
    if (tmax < S(x, 40))
        tmax = S(x, 40);
    rect_t title_box = rect(body.x, body.y, body.w, tmax);
    if (typing && q->input != INPUT_TEXT && landscape) {
        /* Keypad screens: the question sits in the left column, above the field. */
        title_box = rect(body.x, body.y, body.w * 45 / 100, body.h * 36 / 100);
    }
    if (typing && q->input == INPUT_TEXT && landscape) {
        /* The character count shares the title's line, to leave the keys their height. */
        int cw = body.w * 30 / 100;
        title_box.w -= cw + gap;
        counter(x, rect(body.x + body.w - cw, body.y, cw, S(x, 30)), q, a);
    }
    int th = label_top(x, title_box, qtitle, T(x, PX_TITLE), true, STYLE_TITLE, ALIGN_LEFT);
    int y = body.y + th + gap / 2;
    const char *desc = txt(x, &q->description);
    if (*desc) {
        int dmax = typing ? (q->input == INPUT_TEXT ? 0 : body.h * 24 / 100) : body.h * 22 / 100;
        if (dmax >= S(x, 24)) {
            rect_t db = rect(title_box.x, y, title_box.w, dmax);
            y += label_top(x, db, desc, T(x, 22), false, STYLE_MUTED, ALIGN_LEFT) + gap / 2;
        }
    }
    rect_t area = rect(body.x, y + gap / 2, body.w, body.y + body.h - y - gap / 2);
    if (typing && q->input != INPUT_TEXT && landscape)
        area = rect(body.x, body.y, body.w, body.h);
    switch (q->type) {
    case Q_RATING:
        rating_area(x, area, q, a);
        break;
    case Q_RADIOGROUP:
    case Q_CHECKBOX:
        choices_grid(x, area, q, a);
        break;
    case Q_BOOLEAN:
        boolean_area(x, area, q, a);
        break;
    case Q_TEXT:
    case Q_COMMENT:
        if (q->input != INPUT_TEXT && landscape) {
            /* Left column: question and field; right: keypad. */
            int lw = area.w * 45 / 100;
            int fy = y + gap;
            int fh = S(x, 60);
            text_field(x, rect(area.x, fy, lw, fh), q, a);
            keypad(x, rect(area.x + lw + gap, area.y, area.w - lw - gap, area.h));
        } else {
            text_area(x, area, q, a);
        }
        break;
    }
    bottombar(x);
}

/* Height a text takes at its fitted size inside box (0 when empty). */
static int measure_h(const ctx_t *x, const char *text, rect_t box, int max_px, bool bold)
{
    if (!text || !*text)
        return 0;
    size_t saved = x->v->text_used;
    fitted_t ft = fit(x, text, box, max_px, S(x, PX_MIN), bold);
    x->v->text_used = saved; /* measuring only */
    return ft.height;
}

static void thanks_screen(ctx_t *x)
{
    view_t *v = x->v;
    const flow_t *f = x->f;
    int top = topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    rect_t body = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    int bh = S(x, 76);
    rect_t done = rect(v->width / 2 - S(x, 130), body.y + body.h - bh, S(x, 260), bh);
    const char *ref = flow_ref_code(f);
    int avail = done.y - body.y - gap;
    const lstr_t *ct = flow_completed_text(f);
    const char *body_text = ct ? txt(x, ct) : str(x, "thanks.body");
    /* Measure the block first, then centre it above the Done button. */
    int code_h = S(x, 66);
    int hint_box = S(x, 70);
    rect_t tb = rect(body.x, 0, body.w, avail / 3), bb = rect(body.x, 0, body.w, avail / 4);
    int total = measure_h(x, str(x, "thanks.title"), tb, S(x, 46), true) + gap +
                measure_h(x, body_text, bb, T(x, PX_BODY + 2), false);
    if (*ref)
        total += gap +
                 measure_h(x, str(x, "thanks.ref"), rect(body.x, 0, body.w, S(x, 40)),
                           T(x, PX_BODY), false) +
                 gap / 2 + code_h + gap / 2 +
                 measure_h(x, str(x, "thanks.ref_hint"), rect(body.x, 0, body.w, hint_box),
                           T(x, PX_SMALL), false);
    int y = body.y + (avail - total) / 2;
    if (y < body.y)
        y = body.y;
    tb.y = y;
    y += label_top(x, tb, str(x, "thanks.title"), S(x, 46), true, STYLE_TITLE, ALIGN_CENTER) + gap;
    bb.y = y;
    y += label_top(x, bb, body_text, T(x, PX_BODY + 2), false, STYLE_PLAIN, ALIGN_CENTER);
    if (*ref) {
        y += gap;
        y += label_top(x, rect(body.x, y, body.w, S(x, 40)), str(x, "thanks.ref"), T(x, PX_BODY),
                       false, STYLE_PLAIN, ALIGN_CENTER) +
             gap / 2;
        int cw = S(x, 300);
        label(x, rect(v->width / 2 - cw / 2, y, cw, code_h), ref, T(x, 52), true, STYLE_CODE,
              ALIGN_CENTER);
        y += code_h + gap / 2;
        int room = done.y - gap - y < hint_box ? done.y - gap - y : hint_box;
        label_top(x, rect(body.x, y, body.w, room), str(x, "thanks.ref_hint"), T(x, PX_SMALL),
                  false, STYLE_MUTED, ALIGN_CENTER);
    }
    button(x, done, str(x, "nav.done"), STYLE_PRIMARY, ACT_DONE, 0);
}

static void oos_screen(ctx_t *x)
{
    view_t *v = x->v;
    int top = topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN) * 3;
    rect_t body = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    add(x, W_PANEL, STYLE_ALERT, body);
    rect_t in = inset(body, S(x, 20), S(x, 20));
    int th = label_top(x, rect(in.x, in.y, in.w, in.h / 2), str(x, "oos.title"), T(x, 44), true,
                       STYLE_TITLE, ALIGN_CENTER);
    label_top(x, rect(in.x, in.y + th + S(x, 16), in.w, in.h - th - S(x, 16)), str(x, "oos.body"),
              T(x, PX_BODY + 2), false, STYLE_PLAIN, ALIGN_CENTER);
}

/* A message for staff: a title, a text, a progress bar while work goes on, Done after. */
static void message_screen(ctx_t *x)
{
    view_t *v = x->v;
    const flow_message_t *msg = flow_message(x->f);
    if (!msg)
        return;
    const char *names[] = {"n", "reason"};
    const char *values[] = {msg->n, msg->reason_key[0] ? str(x, msg->reason_key) : ""};
    const char *body = fill_vars(x, str(x, msg->body_key), 2, names, values);
    if (msg->extra_key[0]) {
        const char *extra_values[] = {msg->extra_n, ""};
        const char *extra = fill_vars(x, str(x, msg->extra_key), 2, names, extra_values);
        char both[1024];
        snprintf(both, sizeof both, "%s %s", body, extra);
        body = view_strdup(x->v, both);
    }
    int top = topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN) * 2, gap = S(x, GAP);
    rect_t body_r = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    int bh = S(x, 76);
    int y = body_r.y;
    y += label_top(x, rect(body_r.x, y, body_r.w, body_r.h / 4), str(x, msg->title_key), T(x, 40),
                   true, STYLE_TITLE, ALIGN_CENTER) +
         gap;
    y += label_top(x, rect(body_r.x, y, body_r.w, body_r.h / 3), body, T(x, PX_BODY + 2), false,
                   STYLE_PLAIN, ALIGN_CENTER) +
         gap;
    if (msg->progress >= 0) {
        widget_t *bar = add(x, W_BAR, STYLE_PRIMARY,
                            rect(body_r.x + S(x, 20), y + gap, body_r.w - S(x, 40), S(x, 22)));
        bar->fraction = msg->progress > 1 ? 1 : msg->progress;
    }
    if (msg->done)
        button(x, rect(v->width / 2 - S(x, 130), body_r.y + body_r.h - bh, S(x, 260), bh),
               str(x, "nav.done"), STYLE_PRIMARY, ACT_DONE, 0);
}

static rect_t card(ctx_t *x, action_t backdrop_action)
{
    view_t *v = x->v;
    v->overlay_start = v->n;
    widget_t *bd = add(x, W_PANEL, STYLE_BACKDROP, rect(0, 0, v->width, v->height));
    bd->action = backdrop_action;
    int cw = v->width * 86 / 100;
    if (cw > S(x, 640))
        cw = S(x, 640);
    int ch = v->height * 80 / 100;
    if (ch > S(x, 380))
        ch = S(x, 380);
    rect_t r = rect((v->width - cw) / 2, (v->height - ch) / 2, cw, ch);
    add(x, W_PANEL, STYLE_CARD, r);
    return inset(r, S(x, 20), S(x, 18));
}

static void idle_overlay(ctx_t *x)
{
    rect_t in = card(x, ACT_IDLE_CONTINUE);
    int bh = S(x, 72);
    int gap = S(x, GAP);
    rect_t btn = rect(in.x, in.y + in.h - bh, in.w, bh);
    int th = label_top(x, rect(in.x, in.y, in.w, in.h / 3), str(x, "idle.title"), T(x, 36), true,
                       STYLE_TITLE, ALIGN_CENTER);
    int secs = flow_idle_seconds_left(x->f, x->now);
    int by = in.y + th + gap;
    int barh = S(x, 14);
    char num[16];
    snprintf(num, sizeof num, "%d", secs);
    const char *const names[] = {"seconds"}, *const values[] = {num};
    label(x, rect(in.x, by, in.w, btn.y - by - barh - 2 * gap),
          fill_vars(x, str(x, "idle.body"), 1, names, values), T(x, PX_BODY), false, STYLE_PLAIN,
          ALIGN_CENTER);
    widget_t *bar = add(x, W_BAR, STYLE_PRIMARY, rect(in.x, btn.y - barh - gap, in.w, barh));
    bar->fraction = flow_idle_fraction(x->f, x->now);
    button(x, btn, str(x, "idle.continue"), STYLE_PRIMARY, ACT_IDLE_CONTINUE, 0);
}

static void leave_overlay(ctx_t *x)
{
    rect_t in = card(x, ACT_NONE);
    int bh = S(x, 72), gap = S(x, GAP) * 2;
    int th = label_top(x, rect(in.x, in.y, in.w, in.h / 3), str(x, "leave.title"), T(x, 34), true,
                       STYLE_TITLE, ALIGN_CENTER);
    int by = in.y + th + S(x, 8);
    label(x, rect(in.x, by, in.w, in.y + in.h - bh - gap - by), str(x, "leave.body"), T(x, PX_BODY),
          false, STYLE_PLAIN, ALIGN_CENTER);
    int bw = (in.w - gap) / 2;
    button(x, rect(in.x, in.y + in.h - bh, bw, bh), str(x, "leave.stay"), STYLE_PRIMARY,
           ACT_LEAVE_STAY, 0);
    button(x, rect(in.x + bw + gap, in.y + in.h - bh, bw, bh), str(x, "leave.go"), STYLE_SECONDARY,
           ACT_LEAVE_GO, 0);
}

/* The display choices: two switches that show their state by a tick (not colour alone) and
 * take effect at once, behind the card, so the resident sees what each does. */
static void display_overlay(ctx_t *x)
{
    rect_t in = card(x, ACT_DISPLAY_CLOSE);
    int bh = S(x, 72), gap = S(x, GAP) * 2;
    int th = label_top(x, rect(in.x, in.y, in.w, in.h / 3), str(x, "display.title"), T(x, 30), true,
                       STYLE_TITLE, ALIGN_CENTER);
    int y = in.y + th + gap / 2;
    int room = in.y + in.h - bh - gap - y; /* for the two switches */
    int sh = (room - gap / 2) / 2;
    if (sh > S(x, 80))
        sh = S(x, 80);
    const char *keys[2] = {"display.large", "display.contrast"};
    action_t acts[2] = {ACT_LARGE_TEXT, ACT_HIGH_CONTRAST};
    bool on[2] = {flow_large_text(x->f), flow_high_contrast(x->f)};
    for (int i = 0; i < 2; i++) {
        rect_t r = rect(in.x, y + i * (sh + gap / 2), in.w, sh);
        widget_t *w = add(x, W_BUTTON, on[i] ? STYLE_SELECTED : STYLE_SECONDARY, r);
        w->action = acts[i];
        w->checked = on[i];
        int box = S(x, 30);
        place_text(x, w, str(x, keys[i]),
                   rect(r.x + box + S(x, 18), r.y + S(x, 4), r.w - box - S(x, 26), r.h - S(x, 8)),
                   T(x, PX_BUTTON), false);
        w->align = ALIGN_LEFT;
    }
    button(x, rect(in.x, in.y + in.h - bh, in.w, bh), str(x, "display.done"), STYLE_PRIMARY,
           ACT_DISPLAY_CLOSE, 0);
}

static bool focusable(const view_t *v, size_t i)
{
    const widget_t *w = &v->w[i];
    return w->action != ACT_NONE && !w->disabled && w->kind != W_PANEL &&
           (v->overlay_start == 0 || i >= v->overlay_start);
}

/* An empty view of the screen's size, with the resident's display choices. */
static void start_view(view_t *v, int width, int height, bool large_text, bool high_contrast)
{
    v->width = width;
    v->height = height;
    v->n = 0;
    v->overlay_start = 0;
    v->text_used = 0;
    v->text_truncated = false;
    v->large_text = large_text;
    v->high_contrast = high_contrast;
}

/* Counts the focus ring's targets, puts the ring on the want-th (-1: nowhere) and notes the
 * smallest target (side: the screen's shorter side, the most it can be). */
static void finish_targets(view_t *v, int side, int want)
{
    v->focus_index = -1;
    v->focusable = 0;
    v->min_target_px = side;
    for (size_t i = 0; i < v->n; i++) {
        widget_t *w = &v->w[i];
        if (w->action != ACT_NONE && w->kind != W_PANEL) {
            int s = w->r.w < w->r.h ? w->r.w : w->r.h;
            if (s < v->min_target_px)
                v->min_target_px = s;
        }
        if (focusable(v, i)) {
            w->focused = want == (int)v->focusable;
            if (w->focused)
                v->focus_index = want;
            v->focusable++;
        }
    }
}

void view_build(view_t *v, const flow_t *f, int width, int height, const text_metrics_t *tm,
                int64_t now_ms, const char *notice)
{
    start_view(v, width, height, flow_large_text(f), flow_high_contrast(f));
    int side = width < height ? width : height;
    ctx_t x = {v,
               f,
               flow_content(f),
               tm,
               flow_lang(f),
               (double)side / REF_SIDE,
               v->large_text ? LARGE_TEXT : 1.0,
               now_ms};
    switch (flow_screen(f)) {
    case SCREEN_HOME:
        home_screen(&x, notice);
        break;
    case SCREEN_QUESTION:
        question_screen(&x);
        break;
    case SCREEN_THANKS:
        thanks_screen(&x);
        break;
    case SCREEN_OUT_OF_SERVICE:
        oos_screen(&x);
        break;
    case SCREEN_MESSAGE:
        message_screen(&x);
        break;
    }
    if (flow_overlay(f) == OVERLAY_IDLE)
        idle_overlay(&x);
    else if (flow_overlay(f) == OVERLAY_LEAVE)
        leave_overlay(&x);
    else if (flow_overlay(f) == OVERLAY_DISPLAY)
        display_overlay(&x);
    /* Focus ring order is reading order; a new screen reached by buttons starts on the first
     * answer, past the leave and language buttons. Min target size for the tests. */
    int want = flow_focus(f);
    if (want == FLOW_FOCUS_START) {
        want = -1;
        for (size_t i = 0, k = 0; i < v->n && want < 0; i++) {
            if (!focusable(v, i))
                continue;
            action_t a = v->w[i].action;
            if (a != ACT_HOME && a != ACT_LANG && a != ACT_BACK && a != ACT_DISPLAY)
                want = (int)k;
            k++;
        }
        if (want < 0 && v->n)
            want = 0;
    }
    finish_targets(v, side, want);
}

const widget_t *view_hit(const view_t *v, int x, int y)
{
    for (size_t i = v->n; i-- > v->overlay_start;) {
        const widget_t *w = &v->w[i];
        if (x < w->r.x || x >= w->r.x + w->r.w || y < w->r.y || y >= w->r.y + w->r.h)
            continue;
        bool blocks = w->style == STYLE_BACKDROP || w->style == STYLE_CARD;
        if (w->action != ACT_NONE)
            return w->disabled ? NULL : w;
        if (blocks)
            return NULL; /* a prompt covers what is below */
    }
    return NULL;
}

const widget_t *view_focusable(const view_t *v, size_t i)
{
    size_t k = 0;
    for (size_t j = 0; j < v->n; j++)
        if (focusable(v, j) && k++ == i)
            return &v->w[j];
    return NULL;
}

/* ---- staff screens ---- */

/* The staff screens' bar: Back on the left (when the page has one), a title, an optional
 * extra action, and Close on the right. Returns its height. */
static int staff_bar_with(ctx_t *x, const char *title, bool back, const char *extra,
                          action_t extra_act)
{
    view_t *v = x->v;
    int h = S(x, TOPBAR_H);
    add(x, W_PANEL, STYLE_TOPBAR, rect(0, 0, v->width, h));
    int m = S(x, 8);
    int bw = S(x, 150) < v->width * 22 / 100 ? S(x, 150) : v->width * 22 / 100;
    int left = 2 * m, right = v->width - m - bw;
    if (back) {
        button(x, rect(m, m, bw, h - 2 * m), str(x, "staff.back"), STYLE_SECONDARY, ACT_STAFF_BACK,
               0);
        left = 2 * m + bw + m;
    }
    if (extra) {
        right -= bw + m;
        button(x, rect(right + m, m, bw, h - 2 * m), extra, STYLE_SECONDARY, extra_act, 0);
    }
    label(x, rect(left, 0, right - m - left, h), title, T(x, 26), true, STYLE_TOPBAR,
          back ? ALIGN_CENTER : ALIGN_LEFT);
    button(x, rect(v->width - m - bw, m, bw, h - 2 * m), str(x, "staff.close"), STYLE_SECONDARY,
           ACT_STAFF_CLOSE, 0);
    return h;
}

static int staff_bar(ctx_t *x, const char *title, bool back)
{
    return staff_bar_with(x, title, back, NULL, ACT_NONE);
}

static void staff_pin_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    int top = staff_bar(x, str(x, "staff.pin_title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    /* Landscape: the PIN and its message on the left, the keypad on the right. */
    int pad_w = portrait ? v->width - 2 * m : (v->width - 3 * m) / 2;
    int pad_h = portrait ? (v->height - top) * 55 / 100 : v->height - top - 2 * m;
    rect_t pad = rect(v->width - m - pad_w, v->height - m - pad_h, pad_w, pad_h);
    rect_t info = portrait ? rect(m, top + m, v->width - 2 * m, pad.y - top - 2 * m)
                           : rect(m, top + m, pad.x - 2 * m, v->height - top - 2 * m);
    /* The PIN as dots: never the digits, for anyone looking over a shoulder. */
    char dots[STAFF_PIN_MAX * 4 + 1] = "";
    for (size_t i = 0; s->pin[i]; i++)
        strcat(dots, "●");
    int fh = S(x, 70);
    widget_t *field = add(x, W_FIELD, STYLE_PLAIN, rect(info.x, info.y, info.w, fh));
    field->align = ALIGN_CENTER;
    set_text(x, field, dots, inset(field->r, S(x, 10), S(x, 6)), T(x, 34), true);
    const char *msg = NULL;
    char secs[24];
    int64_t wait = staff_wait_ms(s, x->now);
    if (s->no_pin)
        msg = str(x, "staff.no_pin");
    else if (wait > 0) {
        snprintf(secs, sizeof secs, "%lld", (long long)((wait + 999) / 1000));
        const char *names[] = {"s"}, *values[] = {secs};
        msg = fill_vars(x, str(x, "staff.pin_wait"), 1, names, values);
    } else if (s->wrong)
        msg = str(x, "staff.pin_wrong");
    if (msg)
        label(x, rect(info.x, info.y + fh + gap, info.w, info.h - fh - gap), msg, T(x, PX_BODY),
              true, STYLE_ALERT, ALIGN_CENTER);
    /* 1-9, then Delete, 0, OK: the layout of a phone's keypad. */
    bool locked = s->no_pin || wait > 0 || s->state != STAFF_PIN;
    grid_t g = {3, 4};
    int kh = (pad.h - 3 * gap) / 4;
    for (int i = 0; i < 12; i++) {
        rect_t r = cell(pad, g, i, gap, kh);
        widget_t *w;
        if (i == 9) {
            w = button(x, r, str(x, "staff.delete"), STYLE_KEY, ACT_STAFF_DELETE, 0);
            w->disabled = !s->pin[0];
        } else if (i == 11) {
            w = button(x, r, str(x, "staff.ok"), STYLE_PRIMARY, ACT_STAFF_OK, 0);
            w->disabled = locked || strlen(s->pin) < STAFF_PIN_MIN;
        } else {
            int d = i == 10 ? 0 : i + 1;
            static const char *const digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
            w = button(x, r, digits[d], STYLE_KEY, ACT_STAFF_DIGIT, d);
            w->key_text = digits[d];
            w->disabled = locked;
        }
    }
}

static const char *figure(ctx_t *x, int64_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, n < 0 ? "–" : "%lld", (long long)n);
    return view_strdup(x->v, buf);
}

static const char *bytes_text(ctx_t *x, int64_t b)
{
    char buf[32];
    if (b < 0)
        snprintf(buf, sizeof buf, "–");
    else if (b >= 1024LL * 1024 * 1024)
        snprintf(buf, sizeof buf, "%.1f GB", (double)b / (1024.0 * 1024 * 1024));
    else if (b >= 1024LL * 1024)
        snprintf(buf, sizeof buf, "%.1f MB", (double)b / (1024.0 * 1024));
    else
        snprintf(buf, sizeof buf, "%lld KB", (long long)((b + 1023) / 1024));
    return view_strdup(x->v, buf);
}

static const char *when_text(ctx_t *x, int64_t utc_ms)
{
    if (utc_ms <= 0)
        return str(x, "staff.never");
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    char buf[32];
    if (!localtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm))
        return "–";
    return view_strdup(x->v, buf);
}

/* Rows of a name on the left and its value on the right, in cols columns filled top to
 * bottom. alert[i]: the value needs attention. */
static void name_value_rows(ctx_t *x, rect_t area, const char *const names[],
                            const char *const values[], const bool alert[], int n, int cols,
                            int value_pct)
{
    int gap = S(x, GAP);
    int rows = (n + cols - 1) / cols;
    int cw = (area.w - (cols - 1) * 2 * gap) / cols;
    int rh = area.h / rows;
    for (int i = 0; i < n; i++) {
        int c = i / rows, r = i % rows;
        rect_t row = rect(area.x + c * (cw + 2 * gap), area.y + r * rh, cw, rh - S(x, 2));
        int vw = row.w * value_pct / 100;
        label(x, rect(row.x, row.y, row.w - vw - gap, row.h), names[i], T(x, PX_BODY), false,
              STYLE_PLAIN, ALIGN_LEFT);
        label(x, rect(row.x + row.w - vw, row.y, vw, row.h), values[i], T(x, PX_BODY), true,
              alert && alert[i] ? STYLE_ALERT : STYLE_TITLE, ALIGN_RIGHT);
    }
}

/* The clock as staff read it: its time and whether it can be trusted. */
static const char *clock_text(ctx_t *x, const staff_stats_t *st)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s, %s", when_text(x, st->now_ms),
             str(x, st->clock_synced ? "staff.clock_synced" : "staff.clock_not_synced"));
    return view_strdup(x->v, buf);
}

/* The hours page's one-line state: open or quiet, and until when. */
static const char *hours_state_text(ctx_t *x, const staff_hours_t *h)
{
    const char *names[] = {"t"}, *values[] = {h->until};
    if (h->quiet)
        return h->until[0] ? fill_vars(x, str(x, "staff.hours_quiet"), 1, names, values)
                           : str(x, "staff.hours_quiet_always");
    return h->until[0] ? fill_vars(x, str(x, "staff.hours_open"), 1, names, values)
                       : str(x, "staff.hours_open_always");
}

static const char *pack_name(ctx_t *x, const char *id, const char *version)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s %s", id, version);
    return view_strdup(x->v, buf);
}

/* The staff screen's first page: one button a task, each with what it is about now. */
static void staff_menu_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    int top = staff_bar(x, str(x, "staff.title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    const staff_stats_t *st = &s->stats;
    const char *fnames[] = {"today", "waiting"};
    const char *fvalues[] = {figure(x, st->records_today), figure(x, st->requests_waiting)};
    struct {
        staff_page_t page;
        const char *title, *detail;
        bool alert;
    } items[] = {
        {STAFF_PAGE_FIGURES, str(x, "staff.menu.figures"),
         fill_vars(x, str(x, "staff.menu.figures_detail"), 2, fnames, fvalues),
         st->requests_waiting > 0 || st->moved_aside > 0},
        {STAFF_PAGE_ERASE, str(x, "staff.erase"), str(x, "staff.menu.erase_detail"), false},
        {STAFF_PAGE_CONTENT, str(x, "staff.menu.content"),
         pack_name(x, s->content.active_id, s->content.active_version), false},
        {STAFF_PAGE_CLOCK, str(x, "staff.menu.clock"), clock_text(x, st), !st->clock_synced},
        {STAFF_PAGE_HOURS, str(x, "staff.menu.hours"), hours_state_text(x, &s->hours), false},
        {STAFF_PAGE_TECH, str(x, "staff.menu.tech"), str(x, "staff.menu.tech_detail"), false},
    };
    int n = staff_may(s, STAFF_PAGE_TECH) ? 6 : 5;
    bool portrait = v->height > v->width;
    rect_t area = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    grid_t g = portrait ? (grid_t){1, n} : (grid_t){n > 4 ? 3 : 2, 2};
    int ch = (area.h - (g.rows - 1) * gap) / g.rows;
    for (int i = 0; i < n; i++)
        button2(x, cell(area, g, i, gap, ch), items[i].title, items[i].detail,
                items[i].alert ? STYLE_NOTICE : STYLE_SECONDARY, ACT_STAFF_PAGE, items[i].page,
                T(x, PX_BUTTON));
}

static void staff_figures_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    int top = staff_bar(x, str(x, "staff.menu.figures"), true);
    int m = S(x, MARGIN);
    const staff_stats_t *st = &s->stats;
    const char *names[] = {
        str(x, "staff.today"),       str(x, "staff.week"),    str(x, "staff.not_exported"),
        str(x, "staff.requests"),    str(x, "staff.misuse"),  str(x, "staff.timed_out"),
        str(x, "staff.last_export"), str(x, "staff.db_size"), str(x, "staff.free"),
        str(x, "staff.checked"),     str(x, "staff.moved"),   str(x, "staff.export_stick")};
    const char *values[] = {
        figure(x, st->records_today),     figure(x, st->records_week),
        figure(x, st->not_exported),      figure(x, st->requests_waiting),
        figure(x, st->misuse_flagged),    figure(x, st->timed_out_week),
        when_text(x, st->last_export_ms), bytes_text(x, st->db_bytes),
        bytes_text(x, st->free_bytes),    when_text(x, st->last_check_ms),
        figure(x, st->moved_aside),       st->last_export_stick[0] ? st->last_export_stick : "–"};
    /* Attention where staff have something to do. */
    const bool alert[] = {false, false, false, st->requests_waiting > 0, false, false, false,
                          false, false, false, st->moved_aside > 0,      false};
    bool portrait = v->height > v->width;
    name_value_rows(x, rect(m, top + m / 2, v->width - 2 * m, v->height - top - m - m / 2), names,
                    values, alert, 12, portrait ? 1 : 2, 42);
}

/* A confirmation card over the page: a title, what will happen, Back and Yes. */
static void confirm_card(ctx_t *x, const char *title, const char *body, const char *yes,
                         action_t yes_act)
{
    rect_t in = card(x, ACT_STAFF_BACK);
    int bh = S(x, 72), g2 = S(x, GAP) * 2;
    int th = label_top(x, rect(in.x, in.y, in.w, in.h / 3), title, T(x, 30), true, STYLE_TITLE,
                       ALIGN_CENTER);
    int by = in.y + th + S(x, 8);
    label(x, rect(in.x, by, in.w, in.y + in.h - bh - g2 - by), body, T(x, PX_BODY), false,
          STYLE_PLAIN, ALIGN_CENTER);
    int bw = (in.w - g2) / 2;
    button(x, rect(in.x, in.y + in.h - bh, bw, bh), str(x, "staff.back"), STYLE_SECONDARY,
           ACT_STAFF_BACK, 0);
    button(x, rect(in.x + bw + g2, in.y + in.h - bh, bw, bh), yes, STYLE_PRIMARY, yes_act, 0);
}

/* The result of the page's last work, or hint when there is none. */
static void result_or(ctx_t *x, rect_t r, const staff_t *s, const char *hint)
{
    if (s->result[0])
        label(x, r, s->result, T(x, PX_BODY), true, s->result_bad ? STYLE_ALERT : STYLE_TITLE,
              ALIGN_CENTER);
    else if (hint && *hint)
        label(x, r, hint, T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_CENTER);
}

/* Erasing a resident's contact details: the code typed on a keypad of the code's own
 * alphabet (no letter that could be mistaken for another), then a confirmation. */
static void staff_erase_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    int top = staff_bar(x, str(x, "staff.erase_title"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int pad_w = portrait ? v->width - 2 * m : (v->width - 3 * m) * 58 / 100;
    int pad_h = portrait ? (v->height - top) * 55 / 100 : v->height - top - 2 * m;
    rect_t pad = rect(v->width - m - pad_w, v->height - m - pad_h, pad_w, pad_h);
    rect_t info = portrait ? rect(m, top + m, v->width - 2 * m, pad.y - top - 2 * m)
                           : rect(m, top + m, pad.x - 2 * m, v->height - top - 2 * m);
    int fh = S(x, 70);
    label(x, rect(info.x, info.y, info.w, fh), s->ref[0] ? s->ref : " ", T(x, 40), true, STYLE_CODE,
          ALIGN_CENTER);
    const char *msg = str(x, "staff.erase_hint");
    style_t st = STYLE_PLAIN;
    const char *names[] = {"ref"}, *values[] = {s->erased_ref};
    if (s->erase_result == ERASE_DONE)
        msg = fill_vars(x, str(x, "staff.erased"), 1, names, values);
    else if (s->erase_result == ERASE_NOT_FOUND)
        msg = fill_vars(x, str(x, "staff.not_found"), 1, names, values), st = STYLE_ALERT;
    else if (s->erase_result == ERASE_FAILED)
        msg = str(x, "staff.erase_failed"), st = STYLE_ALERT;
    label(x, rect(info.x, info.y + fh + gap, info.w, info.h - fh - gap), msg, T(x, PX_BODY),
          s->erase_result != ERASE_NONE, st, ALIGN_CENTER);
    static const char alphabet[] = REFCODE_ALPHABET;
    static const char *const keys[] = {"A", "C", "D", "E", "F", "H", "J", "K", "M", "N",
                                       "P", "R", "T", "W", "X", "Y", "3", "4", "7", "9"};
    _Static_assert(sizeof keys / sizeof keys[0] == sizeof alphabet - 1, "one key a character");
    grid_t g = {5, 5};
    int kh = (pad.h - 4 * gap) / 5;
    bool full = strlen(s->ref) >= RECORD_REF_LEN;
    for (int i = 0; i < 20; i++) {
        widget_t *w = button(x, cell(pad, g, i, gap, kh), keys[i], STYLE_KEY, ACT_STAFF_REF_KEY, i);
        w->key_text = keys[i];
        w->disabled = full;
    }
    /* The last row: Delete and Erase, each half the width. */
    int y = pad.y + 4 * (kh + gap), bw2 = (pad.w - gap) / 2;
    widget_t *del = button(x, rect(pad.x, y, bw2, kh), str(x, "staff.delete"), STYLE_KEY,
                           ACT_STAFF_REF_DELETE, 0);
    del->disabled = !s->ref[0];
    widget_t *go = button(x, rect(pad.x + bw2 + gap, y, pad.w - bw2 - gap, kh),
                          str(x, "staff.erase_ask"), STYLE_PRIMARY, ACT_STAFF_ERASE_ASK, 0);
    go->disabled = !full || s->page != STAFF_PAGE_ERASE;
    if (s->page != STAFF_PAGE_CONFIRM)
        return;
    const char *rv[] = {s->ref};
    confirm_card(x, fill_vars(x, str(x, "staff.confirm_title"), 1, names, rv),
                 str(x, "staff.confirm_body"), str(x, "staff.confirm_yes"),
                 ACT_STAFF_ERASE_CONFIRM);
}

static const char *from_text(ctx_t *x, const char *from)
{
    if (strcmp(from, "installed") == 0)
        return str(x, "staff.from_installed");
    if (strcmp(from, "configured") == 0)
        return str(x, "staff.from_configured");
    return str(x, "staff.from_builtin");
}

/* The content pack: what shows now, what is kept to go back to, and the packs on the stick. */
static void staff_content_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_content_t *c = &s->content;
    int top = staff_bar(x, str(x, "staff.menu.content"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int lw = portrait ? v->width - 2 * m : (v->width - 3 * m) * 45 / 100;
    int lh = portrait ? (v->height - top - 3 * m) * 45 / 100 : v->height - top - 2 * m;
    rect_t left = rect(m, top + m, lw, lh);
    rect_t right = portrait ? rect(m, left.y + lh + m, lw, v->height - left.y - lh - 2 * m)
                            : rect(2 * m + lw, top + m, v->width - 3 * m - lw, lh);
    /* Left: now and before, the way back, and what the last switch did. */
    char now[200];
    snprintf(now, sizeof now, "%s\n(%s)", pack_name(x, c->active_id, c->active_version),
             from_text(x, c->active_from));
    const char *names[] = {str(x, "staff.content_active"), str(x, "staff.content_previous")};
    const char *values[] = {view_strdup(v, now),
                            c->previous_id[0] ? pack_name(x, c->previous_id, c->previous_version)
                                              : str(x, "staff.content_none")};
    int bh = S(x, 64);
    int rows_h = (left.h - bh - gap) * 55 / 100;
    name_value_rows(x, rect(left.x, left.y, left.w, rows_h), names, values, NULL, 2, 1, 55);
    widget_t *rb = button(x, rect(left.x, left.y + rows_h + gap / 2, left.w, bh),
                          str(x, "staff.content_rollback"), STYLE_SECONDARY, ACT_STAFF_PACK, -1);
    rb->disabled = !c->previous_id[0];
    int ry = left.y + rows_h + gap + bh;
    result_or(x, rect(left.x, ry, left.w, left.y + left.h - ry), s, NULL);
    /* Right: the packs on the stick. */
    int hh = S(x, 36);
    label(x, rect(right.x, right.y, right.w, hh), str(x, "staff.content_stick"), T(x, PX_BODY),
          true, STYLE_TITLE, ALIGN_LEFT);
    rect_t list = rect(right.x, right.y + hh + gap / 2, right.w, right.h - hh - gap / 2);
    if (!c->stick || c->npacks == 0) {
        label(x, list, str(x, c->stick ? "staff.content_no_packs" : "staff.content_no_stick"),
              T(x, PX_BODY), false, STYLE_MUTED, ALIGN_LEFT);
        return;
    }
    int n = (int)c->npacks;
    int ih = (list.h - (n - 1) * gap / 2) / n;
    if (ih > S(x, 84))
        ih = S(x, 84);
    for (int i = 0; i < n; i++) {
        const staff_pack_t *p = &c->packs[i];
        rect_t r = rect(list.x, list.y + i * (ih + gap / 2), list.w, ih);
        if (p->ok) {
            button2(x, r, p->name, pack_name(x, p->id, p->version), STYLE_SECONDARY, ACT_STAFF_PACK,
                    i, T(x, PX_BODY));
            continue;
        }
        /* A refused pack is no button: its name, and why, in the alert's colours. */
        add(x, W_PANEL, STYLE_ALERT, r);
        char both[sizeof p->name + sizeof p->why + 4];
        snprintf(both, sizeof both, "%s: %s", p->name, p->why);
        label(x, inset(r, S(x, 10), S(x, 4)), view_strdup(v, both), T(x, PX_SMALL), false,
              STYLE_ALERT, ALIGN_LEFT);
    }
    if (s->page != STAFF_PAGE_CONTENT_CONFIRM)
        return;
    bool back = s->chosen_pack < 0;
    const char *nm[] = {"name"};
    const char *nv[] = {
        back ? pack_name(x, c->previous_id, c->previous_version)
             : pack_name(x, c->packs[s->chosen_pack].id, c->packs[s->chosen_pack].version)};
    confirm_card(
        x,
        fill_vars(x, str(x, back ? "staff.content_back_title" : "staff.content_switch_title"), 1,
                  nm, nv),
        str(x, "staff.content_switch_body"), str(x, "staff.yes_switch"), ACT_STAFF_PACK_CONFIRM);
}

/* The clock: its time and state; when it is not synchronised, the date and time to set,
 * each with a down and an up button (no typing, no format to get wrong). */
static void staff_clock_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_stats_t *st = &s->stats;
    int top = staff_bar(x, str(x, "staff.menu.clock"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int lw = portrait ? v->width - 2 * m : (v->width - 3 * m) * 40 / 100;
    int lh = portrait ? (v->height - top - 3 * m) * 30 / 100 : v->height - top - 2 * m;
    rect_t info = rect(m, top + m, lw, lh);
    rect_t ed = portrait ? rect(m, info.y + lh + m, lw, v->height - info.y - lh - 2 * m)
                         : rect(2 * m + lw, top + m, v->width - 3 * m - lw, lh);
    int th = label_top(x, rect(info.x, info.y, info.w, info.h / 2), clock_text(x, st), T(x, 30),
                       true, st->clock_synced ? STYLE_TITLE : STYLE_ALERT, ALIGN_LEFT);
    rect_t below = rect(info.x, info.y + th + gap, info.w, info.h - th - gap);
    if (st->clock_synced) {
        label(x, below, str(x, "staff.clock_is_synced"), T(x, PX_BODY), false, STYLE_PLAIN,
              ALIGN_LEFT);
        return;
    }
    if (s->result[0])
        result_or(x, below, s, NULL);
    else
        label(x, below, str(x, "staff.clock_hint"), T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_LEFT);
    static const char *const keys[] = {"staff.year", "staff.month", "staff.day", "staff.hour",
                                       "staff.minute"};
    int rh = (ed.h - 5 * gap / 2) / 6;
    if (rh > S(x, 76))
        rh = S(x, 76);
    int bw = rh * 13 / 10, vw = S(x, 110);
    for (int f = 0; f < CLOCK_FIELDS; f++) {
        int y = ed.y + f * (rh + gap / 2);
        label(x, rect(ed.x, y, ed.w - 2 * bw - vw - gap, rh), str(x, keys[f]), T(x, PX_BODY), false,
              STYLE_PLAIN, ALIGN_LEFT);
        int bx = ed.x + ed.w - 2 * bw - vw;
        button(x, rect(bx, y, bw, rh), "−", STYLE_KEY, ACT_STAFF_CLOCK, f * 2);
        char num[8];
        snprintf(num, sizeof num, f == CLOCK_YEAR ? "%d" : "%02d", s->clock[f]);
        label(x, rect(bx + bw, y, vw, rh), view_strdup(v, num), T(x, 30), true, STYLE_TITLE,
              ALIGN_CENTER);
        button(x, rect(bx + bw + vw, y, bw, rh), "+", STYLE_KEY, ACT_STAFF_CLOCK, f * 2 + 1);
    }
    int sy = ed.y + 5 * (rh + gap / 2);
    button(x, rect(ed.x + ed.w / 3, sy, ed.w - ed.w / 3, rh), str(x, "staff.clock_set"),
           STYLE_PRIMARY, ACT_STAFF_CLOCK_SET, 0);
}

/* Opening hours: the state now, switching quiet mode by hand, and the week. */
static void staff_hours_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_hours_t *h = &s->hours;
    int top = staff_bar(x, str(x, "staff.menu.hours"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int lw = portrait ? v->width - 2 * m : (v->width - 3 * m) * 45 / 100;
    int lh = portrait ? (v->height - top - 3 * m) * 40 / 100 : v->height - top - 2 * m;
    rect_t info = rect(m, top + m, lw, lh);
    rect_t week = portrait ? rect(m, info.y + lh + m, lw, v->height - info.y - lh - 2 * m)
                           : rect(2 * m + lw, top + m, v->width - 3 * m - lw, lh);
    int bh = S(x, 64);
    int th = label_top(x, rect(info.x, info.y, info.w, info.h / 3), hours_state_text(x, h),
                       T(x, 30), true, h->quiet ? STYLE_NOTICE : STYLE_TITLE, ALIGN_LEFT);
    const char *note = !h->configured  ? str(x, "staff.hours_none")
                       : h->overridden ? str(x, "staff.hours_manual")
                                       : "";
    label(x, rect(info.x, info.y + th + gap, info.w, info.h - th - bh - 2 * gap),
          *note ? note : " ", T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_LEFT);
    const char *act = h->overridden ? "staff.hours_schedule"
                      : h->quiet    ? "staff.hours_go_open"
                                    : "staff.hours_go_quiet";
    button(x, rect(info.x, info.y + info.h - bh, info.w, bh), str(x, act), STYLE_SECONDARY,
           ACT_STAFF_QUIET, 0);
    if (!h->configured)
        return;
    const char *days[7], *hours[7];
    bool today[7];
    for (int d = 0; d < 7; d++) {
        char key[16];
        snprintf(key, sizeof key, "staff.day%d", d);
        days[d] = str(x, key);
        hours[d] = h->week[d][0] ? h->week[d] : str(x, "staff.hours_closed");
        today[d] = d == h->today; /* today's row stands out */
    }
    int rh = week.h / 7;
    for (int d = 0; d < 7; d++) {
        rect_t row = rect(week.x, week.y + d * rh, week.w, rh - S(x, 2));
        if (today[d])
            add(x, W_PANEL, STYLE_KEY, row);
        int dw = row.w * 36 / 100, pad = S(x, 6);
        label(x, rect(row.x + pad, row.y, dw - pad, row.h), days[d], T(x, PX_BODY), today[d],
              STYLE_PLAIN, ALIGN_LEFT);
        label(x, rect(row.x + dw + pad, row.y, row.w - dw - 2 * pad, row.h), hours[d],
              T(x, PX_BODY), today[d], STYLE_TITLE, ALIGN_RIGHT);
    }
}

/* The technician's page: what this kiosk is and runs on, and the tests and power actions. */
static void staff_tech_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_tech_t *t = &s->tech;
    int top = staff_bar(x, str(x, "staff.menu.tech"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int bh = S(x, 60);
    /* Landscape: the facts on the left, the six actions in a column on the right; portrait:
     * the facts above, the actions in two columns below. */
    int aw = portrait ? v->width - 2 * m : (v->width - 3 * m) * 30 / 100;
    int ah = portrait ? 3 * bh + 2 * gap : v->height - top - 2 * m;
    rect_t acts =
        portrait ? rect(m, v->height - m - ah, aw, ah) : rect(v->width - m - aw, top + m, aw, ah);
    rect_t facts = portrait ? rect(m, top + m / 2, aw, acts.y - top - m - m / 2)
                            : rect(m, top + m / 2, acts.x - 2 * m, ah + m / 2);
    if (s->result[0]) {
        /* A power action that failed says why, above the facts. */
        rect_t in = inset(facts, S(x, 8), 0);
        int rh = measure_h(x, s->result, in, T(x, PX_SMALL), true) + S(x, 12);
        rect_t r = rect(facts.x, facts.y, facts.w, rh);
        add(x, W_PANEL, STYLE_ALERT, r);
        label(x, inset(r, S(x, 8), S(x, 4)), s->result, T(x, PX_SMALL), true, STYLE_ALERT,
              ALIGN_LEFT);
        facts.y += rh + gap / 2;
        facts.h -= rh + gap / 2;
    }
    const char *names[] = {str(x, "staff.tech_kiosk"), str(x, "staff.tech_display"),
                           str(x, "staff.tech_versions"), str(x, "staff.tech_system"),
                           str(x, "staff.tech_network")};
    const char *values[] = {t->kiosk_id, t->display, t->versions, t->system, t->network};
    /* Each fact a row: its name on the left, its value on the right with the lines it needs;
     * when they do not all fit, each gets a share by its need and the type shrinks. */
    int need[5], total = 0, nw = facts.w * 24 / 100;
    rect_t vbox = rect(facts.x + nw + gap, facts.y, facts.w - nw - gap, facts.h);
    for (int i = 0; i < 5; i++) {
        need[i] =
            measure_h(x, values[i][0] ? values[i] : "–", vbox, T(x, PX_SMALL), false) + S(x, 6);
        total += need[i];
    }
    int y = facts.y;
    for (int i = 0; i < 5; i++) {
        int h = total <= facts.h ? need[i] : need[i] * facts.h / total;
        if (i == 4 && total > facts.h)
            h = facts.y + facts.h - y;
        label(x, rect(facts.x, y, nw, h), names[i], T(x, PX_SMALL), true, STYLE_MUTED, ALIGN_LEFT);
        label(x, rect(vbox.x, y, vbox.w, h), values[i][0] ? values[i] : "–", T(x, PX_SMALL), false,
              STYLE_PLAIN, ALIGN_LEFT);
        y += h;
    }
    struct {
        const char *key;
        action_t act;
        int arg;
    } a[] = {
        {"staff.tech_buttons", ACT_STAFF_PAGE, STAFF_PAGE_TECH_BUTTONS},
        {"staff.tech_touch", ACT_STAFF_PAGE, STAFF_PAGE_TECH_TOUCH},
        {"staff.tech_log", ACT_STAFF_PAGE, STAFF_PAGE_TECH_LOG},
        {"staff.tech_restart", ACT_STAFF_POWER, STAFF_WORK_RESTART},
        {"staff.tech_reboot", ACT_STAFF_POWER, STAFF_WORK_REBOOT},
        {"staff.tech_poweroff", ACT_STAFF_POWER, STAFF_WORK_POWEROFF},
    };
    grid_t g = portrait ? (grid_t){2, 3} : (grid_t){1, 6};
    for (int i = 0; i < 6; i++) {
        int k = portrait ? (i % 2) * 3 + i / 2 : i; /* tests left, power right */
        button(x, cell(acts, g, i, gap, bh * 2), str(x, a[k].key),
               a[k].act == ACT_STAFF_POWER ? STYLE_KEY : STYLE_SECONDARY, a[k].act, a[k].arg);
    }
    if (s->page != STAFF_PAGE_POWER_CONFIRM)
        return;
    static const char *const titles[] = {"staff.power_restart_title", "staff.power_reboot_title",
                                         "staff.power_off_title"};
    static const char *const bodies[] = {"staff.power_restart_body", "staff.power_reboot_body",
                                         "staff.power_off_body"};
    int k = s->work == STAFF_WORK_REBOOT ? 1 : s->work == STAFF_WORK_POWEROFF ? 2 : 0;
    confirm_card(x, str(x, titles[k]), str(x, bodies[k]), str(x, "staff.power_yes"),
                 ACT_STAFF_POWER_CONFIRM);
}

/* The button test: each configured button, lit while pressed, with its GPIO line and its
 * counts of presses and of bounces the debouncer ignored. */
static void staff_buttons_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_tech_t *t = &s->tech;
    int top = staff_bar(x, str(x, "staff.tech_buttons"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    int hh = S(x, 44);
    const char *hint = t->nbuttons == 0   ? str(x, "staff.buttons_none")
                       : !t->buttons_live ? str(x, "staff.buttons_off")
                                          : str(x, "staff.buttons_hint");
    label(x, rect(m, top + m / 2, v->width - 2 * m, hh), hint, T(x, PX_SMALL), false,
          t->buttons_live || t->nbuttons == 0 ? STYLE_PLAIN : STYLE_ALERT, ALIGN_LEFT);
    rect_t area = rect(m, top + m / 2 + hh + gap / 2, v->width - 2 * m,
                       v->height - top - m - m / 2 - hh - gap / 2);
    int n = (int)t->nbuttons;
    if (n == 0)
        return;
    /* A table: one row a button, in two halves side by side on a wide screen. */
    bool portrait = v->height > v->width;
    int halves = !portrait && n > 8 ? 2 : 1;
    int rows = (n + halves - 1) / halves;
    int hw = (area.w - (halves - 1) * 2 * gap) / halves;
    int head_h = x->tm->line_height(x->tm->user_data, T(x, PX_SMALL), true) + S(x, 4);
    int rh = (area.h - head_h) / rows;
    if (rh > S(x, 64))
        rh = S(x, 64);
    static const char *const heads[] = {"staff.col_button", "staff.col_line", "staff.col_presses",
                                        "staff.col_bounces"};
    static const int pct[] = {0, 30, 52, 76, 100}; /* column edges, per cent of the half */
    for (int hf = 0; hf < halves; hf++) {
        int hx = area.x + hf * (hw + 2 * gap);
        for (int c = 0; c < 4; c++) {
            int cx = hx + hw * pct[c] / 100 + S(x, 6),
                cw = hw * (pct[c + 1] - pct[c]) / 100 - S(x, 12);
            label(x, rect(cx, area.y, cw, head_h), str(x, heads[c]), T(x, PX_SMALL), true,
                  STYLE_MUTED, c >= 2 ? ALIGN_RIGHT : ALIGN_LEFT);
        }
    }
    for (int i = 0; i < n; i++) {
        const staff_button_t *b = &t->buttons[i];
        int hf = i / rows, r = i % rows;
        rect_t row = rect(area.x + hf * (hw + 2 * gap), area.y + head_h + r * rh, hw, rh - 2);
        /* Pressed shows by the inverted row and by a dot before the name: not colour alone. */
        style_t st = b->lit ? STYLE_SELECTED : r % 2 ? STYLE_PLAIN : STYLE_KEY;
        add(x, W_PANEL, st, row);
        char name[64], presses[16], bounces[16];
        snprintf(name, sizeof name, "%s%s", b->lit ? "● " : "", b->name);
        snprintf(presses, sizeof presses, "%u", (unsigned)b->presses);
        snprintf(bounces, sizeof bounces, "%u", (unsigned)b->bounces);
        const char *cells[] = {name, b->line, presses, bounces};
        for (int c = 0; c < 4; c++) {
            int cx = row.x + hw * pct[c] / 100 + S(x, 6),
                cw = hw * (pct[c + 1] - pct[c]) / 100 - S(x, 12);
            label(x, rect(cx, row.y, cw, row.h), view_strdup(v, cells[c]),
                  c == 0 ? T(x, PX_BODY) : T(x, PX_SMALL), c == 0, st,
                  c >= 2 ? ALIGN_RIGHT : ALIGN_LEFT);
        }
    }
}

/* The touch test: a grid whose squares fill when touched, and dots where the finger went,
 * over the whole screen below the bar (corners and edges are where touch panels fail). */
static void staff_touch_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_tech_t *t = &s->tech;
    int touched = 0;
    for (int i = 0; i < STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS; i++)
        touched += (int)((t->touched >> i) & 1u);
    char nb[16], allb[16];
    snprintf(nb, sizeof nb, "%d", touched);
    snprintf(allb, sizeof allb, "%d", STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS);
    const char *names[] = {"n", "all"}, *values[] = {nb, allb};
    int top = staff_bar_with(x, fill_vars(x, str(x, "staff.touch_count"), 2, names, values), true,
                             str(x, "staff.touch_clear"), ACT_STAFF_TOUCH_CLEAR);
    rect_t canvas = rect(0, top, v->width, v->height - top);
    widget_t *c = add(x, W_PANEL, STYLE_PLAIN, canvas);
    c->action = ACT_STAFF_CANVAS;
    int cw = canvas.w / STAFF_TOUCH_COLS, ch = canvas.h / STAFF_TOUCH_ROWS;
    for (int i = 0; i < STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS; i++) {
        int col = i % STAFF_TOUCH_COLS, row = i / STAFF_TOUCH_COLS;
        rect_t r = rect(canvas.x + col * cw + 1, canvas.y + row * ch + 1, cw - 2, ch - 2);
        add(x, W_PANEL, (t->touched >> i) & 1 ? STYLE_SELECTED : STYLE_KEY, r);
    }
    if (t->touch_total == 0)
        label(x, inset(canvas, S(x, 40), S(x, 40)), str(x, "staff.touch_hint"), T(x, PX_BODY), true,
              STYLE_PLAIN, ALIGN_CENTER);
    int d = S(x, 12);
    for (size_t i = 0; i < t->ntouch; i++) {
        /* Kept inside the surface, so a touch at its very edge still shows. */
        int px = t->touch_x[i] - d / 2, py = t->touch_y[i] - d / 2;
        px = px < canvas.x ? canvas.x : px > canvas.x + canvas.w - d ? canvas.x + canvas.w - d : px;
        py = py < canvas.y ? canvas.y : py > canvas.y + canvas.h - d ? canvas.y + canvas.h - d : py;
        add(x, W_PANEL, STYLE_PRIMARY, rect(px, py, d, d));
    }
}

/* The latest log lines, newest at the bottom, as many as fit. */
static void staff_log_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_tech_t *t = &s->tech;
    int top = staff_bar(x, str(x, "staff.tech_log"), true);
    int m = S(x, MARGIN);
    rect_t area = rect(m, top + m / 2, v->width - 2 * m, v->height - top - m);
    if (t->nlog == 0) {
        label(x, area, str(x, "staff.log_empty"), T(x, PX_BODY), false, STYLE_MUTED, ALIGN_LEFT);
        return;
    }
    /* The newest lines that fit, oldest of them at the top. */
    int h[STAFF_LOG_LINES], used = 0;
    size_t first = t->nlog;
    while (first > 0) {
        int lh = measure_h(x, t->log[first - 1], area, T(x, PX_SMALL), false);
        if (used + lh > area.h)
            break;
        h[--first] = lh;
        used += lh;
    }
    int y = area.y;
    for (size_t i = first; i < t->nlog; i++) {
        label(x, rect(area.x, y, area.w, h[i]), t->log[i], T(x, PX_SMALL), false,
              strstr(t->log[i], " error ") || strstr(t->log[i], " warn ") ? STYLE_ALERT
                                                                          : STYLE_PLAIN,
              ALIGN_LEFT);
        y += h[i];
    }
}

/* The first boot's self-test: each check with its state in words and a mark (not colour
 * alone), what was found, and the two tests the technician does by hand. */
static void staff_self_test_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_tech_t *t = &s->tech;
    int top = staff_bar(x, str(x, "staff.selftest_title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int bh = S(x, 64);
    int aw = portrait ? v->width - 2 * m : (v->width - 3 * m) * 30 / 100;
    int ah = portrait ? bh : v->height - top - 2 * m;
    rect_t acts =
        portrait ? rect(m, v->height - m - bh, aw, bh) : rect(v->width - m - aw, top + m, aw, ah);
    rect_t area = portrait ? rect(m, top + m / 2, aw, acts.y - top - m - m / 2)
                           : rect(m, top + m / 2, acts.x - 2 * m, ah + m / 2);
    int hint_h = measure_h(x, str(x, "staff.selftest_hint"), area, T(x, PX_SMALL), false);
    label(x, rect(area.x, area.y, area.w, hint_h), str(x, "staff.selftest_hint"), T(x, PX_SMALL),
          false, STYLE_PLAIN, ALIGN_LEFT);
    area.y += hint_h + gap / 2;
    area.h -= hint_h + gap / 2;
    /* The checks. */
    char corners[64], pressed[200], n1[16], n2[16], missing[120];
    snprintf(n1, sizeof n1, "%d", staff_corners_touched(t));
    const char *cn[] = {"n"}, *cv[] = {n1};
    snprintf(corners, sizeof corners, "%s",
             fill_vars(x, str(x, "staff.selftest_corners"), 1, cn, cv));
    size_t np = staff_buttons_pressed(t, missing, sizeof missing);
    snprintf(n1, sizeof n1, "%zu", np);
    snprintf(n2, sizeof n2, "%zu", t->nbuttons);
    const char *bn[] = {"n", "all"}, *bv[] = {n1, n2};
    snprintf(pressed, sizeof pressed, "%s%s%s",
             fill_vars(x, str(x, "staff.selftest_pressed"), 2, bn, bv), missing[0] ? ": " : "",
             missing);
    int corners_n = staff_corners_touched(t);
    check_state_t states[5] = {
        s->self_test.storage,
        s->stats.clock_synced ? CHECK_PASSED : CHECK_WARN,
        t->display[0] ? CHECK_PASSED : CHECK_TODO,
        corners_n == 4 ? CHECK_PASSED : CHECK_TODO,
        t->nbuttons == 0    ? CHECK_WARN
        : np == t->nbuttons ? CHECK_PASSED
                            : CHECK_TODO,
    };
    const char *names[5] = {str(x, "staff.selftest_storage"), str(x, "staff.selftest_clock"),
                            str(x, "staff.selftest_display"), str(x, "staff.selftest_touch"),
                            str(x, "staff.selftest_buttons")};
    const char *details[5] = {s->self_test.storage_detail, clock_text(x, &s->stats), t->display,
                              view_strdup(v, corners),
                              t->nbuttons ? view_strdup(v, pressed) : str(x, "staff.buttons_none")};
    static const char *const words[] = {"staff.selftest_todo", "staff.selftest_passed",
                                        "staff.selftest_failed", "staff.selftest_check"};
    static const char *const marks[] = {"○", "✓", "✗", "!"};
    int rh = area.h / 5;
    for (int i = 0; i < 5; i++) {
        rect_t row = rect(area.x, area.y + i * rh, area.w, rh - S(x, 3));
        style_t st = states[i] == CHECK_PASSED   ? STYLE_SELECTED
                     : states[i] == CHECK_FAILED ? STYLE_ALERT
                     : states[i] == CHECK_WARN   ? STYLE_NOTICE
                                                 : STYLE_KEY;
        add(x, W_PANEL, st, row);
        rect_t in = inset(row, S(x, 8), S(x, 2));
        int sw = in.w * 30 / 100;
        char state[64];
        snprintf(state, sizeof state, "%s %s", marks[states[i]], str(x, words[states[i]]));
        label(x, rect(in.x, in.y, sw, in.h / 2), names[i], T(x, PX_BODY), true, st, ALIGN_LEFT);
        label(x, rect(in.x, in.y + in.h / 2, sw, in.h - in.h / 2), view_strdup(v, state),
              T(x, PX_SMALL), false, st, ALIGN_LEFT);
        label(x, rect(in.x + sw + gap, in.y, in.w - sw - gap, in.h),
              details[i][0] ? details[i] : "–", T(x, PX_SMALL), false, st, ALIGN_LEFT);
    }
    /* The tests by hand, and Finish. */
    struct {
        const char *key;
        action_t act;
        int arg;
        style_t st;
    } a[] = {
        {"staff.tech_touch", ACT_STAFF_PAGE, STAFF_PAGE_TECH_TOUCH, STYLE_SECONDARY},
        {"staff.tech_buttons", ACT_STAFF_PAGE, STAFF_PAGE_TECH_BUTTONS, STYLE_SECONDARY},
        {"staff.selftest_finish", ACT_STAFF_SELF_TEST_END, 0, STYLE_PRIMARY},
    };
    grid_t g = portrait ? (grid_t){3, 1} : (grid_t){1, 3};
    for (int i = 0; i < 3; i++)
        button(x, cell(acts, g, i, gap, portrait ? bh : S(x, 90)), str(x, a[i].key), a[i].st,
               a[i].act, a[i].arg);
}

static void staff_working_screen(ctx_t *x)
{
    view_t *v = x->v;
    int top = S(x, TOPBAR_H);
    add(x, W_PANEL, STYLE_TOPBAR, rect(0, 0, v->width, top));
    label(x, rect(S(x, MARGIN), top, v->width - 2 * S(x, MARGIN), v->height - top),
          str(x, "staff.working"), T(x, PX_TITLE), true, STYLE_TITLE, ALIGN_CENTER);
}

void view_build_staff(view_t *v, const staff_t *s, const content_t *c, const char *lang,
                      const view_options_t *o, int width, int height, const text_metrics_t *tm,
                      int64_t now_ms)
{
    start_view(v, width, height, o && o->large_text, o && o->high_contrast);
    int side = width < height ? width : height;
    ctx_t x = {v,     NULL, c, tm, lang, (double)side / REF_SIDE, v->large_text ? LARGE_TEXT : 1.0,
               now_ms};
    if (s->state != STAFF_OPEN) {
        staff_pin_screen(&x, s);
    } else {
        switch (s->page) {
        case STAFF_PAGE_FIGURES:
            staff_figures_screen(&x, s);
            break;
        case STAFF_PAGE_ERASE:
        case STAFF_PAGE_CONFIRM:
            staff_erase_screen(&x, s);
            break;
        case STAFF_PAGE_CONTENT:
        case STAFF_PAGE_CONTENT_CONFIRM:
            staff_content_screen(&x, s);
            break;
        case STAFF_PAGE_CLOCK:
            staff_clock_screen(&x, s);
            break;
        case STAFF_PAGE_HOURS:
            staff_hours_screen(&x, s);
            break;
        case STAFF_PAGE_TECH:
        case STAFF_PAGE_POWER_CONFIRM:
            staff_tech_screen(&x, s);
            break;
        case STAFF_PAGE_TECH_BUTTONS:
            staff_buttons_screen(&x, s);
            break;
        case STAFF_PAGE_TECH_TOUCH:
            staff_touch_screen(&x, s);
            break;
        case STAFF_PAGE_TECH_LOG:
            staff_log_screen(&x, s);
            break;
        case STAFF_PAGE_WORKING:
            staff_working_screen(&x);
            break;
        case STAFF_PAGE_SELF_TEST:
            staff_self_test_screen(&x, s);
            break;
        default:
            staff_menu_screen(&x, s);
            break;
        }
    }
    /* The ring for staff who use the physical buttons; a touch hides it. */
    finish_targets(v, side, s->focus);
}

/* Outside opening hours: a dark, calm screen that still takes feedback at a touch. */
void view_build_attract(view_t *v, const content_t *c, const char *lang, const char *reopens,
                        int width, int height, const text_metrics_t *tm)
{
    start_view(v, width, height, false, true); /* the dark palette: dim, and AAA contrast */
    int side = width < height ? width : height;
    ctx_t x = {v, NULL, c, tm, lang, (double)side / REF_SIDE, 1.0, 0};
    widget_t *all = add(&x, W_PANEL, STYLE_PLAIN, rect(0, 0, width, height));
    all->action = ACT_WAKE;
    int m = S(&x, 40);
    rect_t in = rect(m, height / 5, width - 2 * m, height * 3 / 5);
    int th = label_top(&x, rect(in.x, in.y, in.w, in.h / 2), str(&x, "attract.title"), T(&x, 44),
                       true, STYLE_TITLE, ALIGN_CENTER);
    const char *names[] = {"when"}, *values[] = {reopens ? reopens : ""};
    const char *body = reopens && *reopens
                           ? fill_vars(&x, str(&x, "attract.body"), 1, names, values)
                           : str(&x, "attract.body_later");
    label(&x, rect(in.x, in.y + th + S(&x, 24), in.w, in.h - th - S(&x, 24)), body, T(&x, PX_BODY),
          false, STYLE_MUTED, ALIGN_CENTER);
    finish_targets(v, side, -1);
}
