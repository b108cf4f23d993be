/* Private to the layout files (layout*.c, and tests/test_layout.c): the context a view is
 * built in, text fitting, and the widgets every screen is made of. Not a public interface. */
#ifndef KIOSK_LAYOUT_INTERNAL_H
#define KIOSK_LAYOUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/content.h"
#include "core/flow.h"
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
    PX_SMALL = 20, /* secondary text (progress, counts, descriptions): its least size too */
    PX_MIN = 16,
};

/* Large text: every size of type (the smallest included) grows by this much, and no text is
 * ever smaller than it would be in normal text in the same box (lay_fit_text()); faces keep
 * their size. Text wraps onto more lines, lists show fewer items a page, and the home screen
 * drops the line above the journeys when they need its room. */
#define LARGE_TEXT 1.3

/* Everything one build of a view needs; lives on the builder's stack for that build, and its
 * pointers are borrowed from the view_build*() caller for that build only. */
typedef struct {
    view_t *v;
    const flow_t *f; /* the residents' flow; NULL for the staff and attract screens */
    const content_t *c;
    const text_metrics_t *tm;
    const char *lang;
    double u;           /* scale: shorter side / 480 */
    double t;           /* text scale on top of u: 1, or LARGE_TEXT for a resident who asked */
    int64_t now;        /* monotonic milliseconds, for countdowns */
    int32_t offset_min; /* local time = UTC + offset_min, for the dates staff read */
    widget_t sink;      /* where widgets go once the view is full (flagged text_truncated) */
    /* Widgets [from, to) that keep their order when a right-to-left view is mirrored (key
     * grids): the block moves as a whole, its keys stay left to right (lay_keep_order()). */
    struct {
        size_t from, to;
    } keep[8];
    size_t nkeep;
} ctx_t;

/* Empties v for a width x height screen with the display choices given, and sets up x to
 * build it (f NULL, now 0, offset 0: the caller sets what its screens use). */
void lay_start(ctx_t *x, view_t *v, int width, int height, bool large_text, bool high_contrast,
               const content_t *c, const char *lang, const text_metrics_t *tm);

/* A length on the 480-pixel reference screen, scaled to this one. */
static inline int S(const ctx_t *x, int ref)
{
    int v = (int)((double)ref * x->u + 0.5);
    return v < 1 ? 1 : v;
}

/* A size of type: like S(), and larger in large-text mode. */
static inline int T(const ctx_t *x, int ref)
{
    int v = (int)((double)ref * x->u * x->t + 0.5);
    return v < 1 ? 1 : v;
}

/* The pack's UI string or text in the view's language; owned by the content pack. */
static inline const char *str(const ctx_t *x, const char *key)
{
    return content_string(x->c, key, x->lang);
}

static inline const char *txt(const ctx_t *x, const lstr_t *s)
{
    return content_text(x->c, s, x->lang);
}

static inline rect_t rect(int x, int y, int w, int h)
{
    return (rect_t){x, y, w < 0 ? 0 : w, h < 0 ? 0 : h};
}

static inline rect_t inset(rect_t r, int dx, int dy)
{
    return rect(r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy);
}

/* ---- text (layout_text.c) ---- */

/* Copies s into the view's text buffer; the copy lives as long as the view's text (until the
 * next build). "" (static) with text_truncated set when the buffer is full. */
char *lay_strdup(view_t *v, const char *s);

typedef struct {
    const char *text; /* in the view's text buffer (or static "") */
    int px;
    int lines;
    int height;
    bool overflow;
} fitted_t;

/* Finds the largest size from max_px down to min_px at which text fits in box; at min_px
 * it breaks long words and, if still too tall, keeps the lines that fit and ends with an
 * ellipsis (overflow set: a test failure for shipped content); no line at all ("", 0 lines)
 * when not one fits the box's height. Text of any length, its cost linear in the text (each
 * size tried stops once the box is full). In large text (max_px a T() size), never below
 * the size normal text would get in the same box. */
fitted_t lay_fit_text(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                      bool bold, bool prefer_one_line);

/* Sentences: the largest size at which the wrapped text fits. */
fitted_t lay_fit(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px, bool bold);

/* Labels of buttons: one line if it can be had at three quarters of the size. */
fitted_t lay_fit_short(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                       bool bold);

/* One line only: the largest size from max_px down to min_px (in large text, down to what
 * normal text gets) at which text fits box on one line; overflow set (text "", px 0) when
 * none does. For titles that must not wrap. */
fitted_t lay_fit_line(const ctx_t *x, const char *text, rect_t box, int max_px, int min_px,
                      bool bold);

/* Height a text takes at its fitted size inside box (0 when empty); keeps nothing. */
int lay_measure_h(const ctx_t *x, const char *text, rect_t box, int max_px, bool bold);

/* The last max_lines lines of text wrapped to width (long words broken), in the view's
 * buffer until its next build; *lines: how many lines the whole text takes. For a field
 * showing its end. NULL (text_truncated set) when the view's text buffer ran out. */
const char *lay_wrap_tail(const ctx_t *x, const char *text, int px, int width, int max_lines,
                          int *lines);

/* ---- widgets (layout.c) ----
 * Widgets and the texts they point to live in the view: valid until its next build. */

/* A new widget, or the context's sink once the view is full. Valid until the next build. */
widget_t *lay_add(ctx_t *x, widget_kind_t kind, style_t style, rect_t r);

/* The least size of text in style st: the residents' secondary (muted) text never below
 * PX_SMALL (20 px on the 7" panel); PX_MIN for the rest and for the staff screens. */
int lay_min_px(const ctx_t *x, style_t st);

/* Places text in the widget's text box, vertically centred. */
void lay_set_text(ctx_t *x, widget_t *w, const char *text, rect_t box, int max_px, bool bold);

/* Like lay_set_text(), but wraps rather than shrinks to one line: for grids of answers, whose
 * labels then share one size. */
void lay_place_text(ctx_t *x, widget_t *w, const char *text, rect_t box, int max_px, bool bold);

widget_t *lay_label(ctx_t *x, rect_t r, const char *text, int max_px, bool bold, style_t st,
                    align_t align);

/* A label whose height is what its text needs (up to r.h); returns the height used. */
int lay_label_top(ctx_t *x, rect_t r, const char *text, int max_px, bool bold, style_t st,
                  align_t align);

widget_t *lay_button(ctx_t *x, rect_t r, const char *text, style_t st, action_t act, int arg);

/* A button with a bold first line and a smaller second line (journeys, activities). */
widget_t *lay_button2(ctx_t *x, rect_t r, const char *t1, const char *t2, style_t st, action_t act,
                      int arg, int px1);

/* The pack's text with {name} placeholders replaced, in the view's buffer until its next
 * build ("" when the buffer is full, as lay_strdup()). */
const char *lay_fill_vars(const ctx_t *x, const char *src, size_t n, const char *const names[],
                          const char *const values[]);

/* A prompt's card above the screen, over a backdrop that does backdrop_action when touched;
 * returns the card's inner area. */
rect_t lay_card(ctx_t *x, action_t backdrop_action);

typedef struct {
    int cols, rows;
} grid_t;

/* Picks columns and rows for n cells in area: cells at least min_w x min_h, as few pages as
 * possible, then the most even shape. */
grid_t lay_grid_shape(int n, rect_t area, int min_w, int min_h, int gap, int max_cols);

/* Cell i of grid g in area, at most max_h high. */
rect_t lay_cell(rect_t area, grid_t g, int i, int gap, int max_h);

/* Previous and More for a paged grid: its last two cells, or the halves of its last cell
 * when it has one column; disabled where there is no page that way. */
void lay_page_buttons(ctx_t *x, rect_t area, grid_t g, int max_h, bool back, bool more);

/* ---- the language picker (layout_lang.c) ---- */

/* The picker over the whole screen: every language in its own name, paged, the current one
 * marked, and Back. Returns the focus ring's start: the index among the focusable targets of
 * the current language's button (of the first language shown when it is on another page). */
int lay_language_picker(ctx_t *x);

/* Whether widget i is in the focus ring (a live target, on the prompt when there is one). */
bool lay_focusable(const view_t *v, size_t i);

/* ---- right-to-left views (layout_mirror.c) ---- */

/* Notes that the widgets added since widget from (up to now) are a grid that keeps its order
 * in a mirrored view (a keyboard's keys, a keypad): the grid moves, its keys do not swap. */
void lay_keep_order(ctx_t *x, size_t from);

/* For a right-to-left view (v->rtl): mirrors every widget (x -> width - x - w for its
 * rectangles, left and right alignment swapped), except that the blocks of lay_keep_order()
 * move as a whole. Widget order, hence the focus ring's reading order, stays: the first in
 * reading order is now the rightmost. Call once, after the last widget; nothing otherwise. */
void lay_mirror(ctx_t *x);

/* Counts the focus ring's targets, puts the ring on the want-th (-1: nowhere) and notes the
 * smallest target (side: the screen's shorter side, the most it can be). */
void lay_finish_targets(view_t *v, int side, int want);

/* ---- the home screen, the top bar and the faces (layout_home.c) ---- */

/* The top bar: Home (inside a journey), the title on one line, the display choices and the
 * language. Returns the height it takes, with the title's below the bar when it went there. */
int lay_topbar(ctx_t *x, const char *title, bool with_home);

/* The home screen: the prompt, the faces (two by two in portrait), the journeys; notice: a
 * staff notice at the bottom, or NULL. */
void lay_home_screen(ctx_t *x, const char *notice);

/* n faces with their words (one size for all) centred in area, doing act with their index;
 * the selected one (-1: none) drawn chosen. */
void lay_faces(ctx_t *x, rect_t area, const choice_t *faces, size_t n, action_t act, int selected);

/* The height lay_button2() needs at the least in a cell w wide: t1 at px1 on its lines and t2
 * at the secondary size. */
int lay_button2_need(const ctx_t *x, const char *t1, int px1, const char *t2, int w);
/* The same with each text cut to at most lines lines (0: all it takes, as lay_button2_need()). */
int lay_button2_need_lines(const ctx_t *x, const char *t1, int px1, const char *t2, int w,
                           int lines);

/* ---- icons (layout_icons.c) ---- */

/* Puts the journeys' icons (the pack's) before the words of their buttons, widgets first..n
 * of the view, in the room the centred words leave: as tall as both lines where every button
 * leaves room for that, else as tall as the first line, else none (never at the words' cost;
 * one size for all). The icon and the words are centred together. */
void lay_journey_icons(const ctx_t *x, size_t first);

/* Room for an icon at the left of the button r, after left pixels (a tick box): the icon's
 * square in *ir and what is left of r for the words; r itself and an empty *ir when there is
 * no icon or no room for one. */
rect_t lay_icon_room(const ctx_t *x, rect_t r, const char *icon, int left, rect_t *ir);

/* ---- keyboards and text answers (layout_resident.c) ---- */

/* A key of an on-screen keyboard. */
typedef struct {
    const char *label; /* NULL: use the key's text */
    const char *text;  /* typed text, or a token: SHIFT DEL SYM SPACE */
    int units;         /* width in units of 1/10 row */
} kb_key_t;

/* A key typing t, one tenth of a row wide. */
#define KB_KEY(t)                                                                                  \
    {                                                                                              \
        NULL, t, 10                                                                                \
    }

/* Rows of keys at the bottom of area, each row centred; per_row: the units one row spans. */
void lay_key_rows(ctx_t *x, rect_t area, const kb_key_t *const rows[], int nrows, int per_row);
/* The Latin keyboards' letter rows the pinyin keyboards share: q..p, a..l and ', and in
 * portrait a..g, h..n, o..u. */
extern const kb_key_t kb_qwerty_top[10], kb_qwerty_home[10], kb_abc_rows[3][10];
/* The Latin letters' keyboard (with its symbols page). */
void lay_latin_keyboard(ctx_t *x, rect_t area);
/* The digits' keypad. */
void lay_keypad(ctx_t *x, rect_t area);
/* The answer's field, showing its end. */
void lay_text_field(ctx_t *x, rect_t r, const question_t *q, const answer_t *a);
/* "n of max characters". */
void lay_counter(ctx_t *x, rect_t r, const question_t *q, const answer_t *a);

/* ---- the reference code's hand-over (layout_ref.c) ---- */

/* The code under its label, large and grouped ("3TR ET4"), and what to do with it, from the
 * top of r; returns the height used. */
int lay_ref_code(ctx_t *x, rect_t r, const char *ref);
/* A W_QR holding the code and the pack's follow-up number (side at most max_side) with its
 * caption below, centred in area; returns the height used. */
int lay_qr(ctx_t *x, rect_t area, const char *ref, int max_side);

/* ---- input methods (layout_ime.c) ---- */

/* What the layout reads of a text question's input method; pointers borrowed from the flow
 * for the build. */
typedef struct {
    ime_mode_t mode;
    const ime_output_t *out;
    const ime_strokes_t *strokes;
} lay_ime_t;

/* The input method of the flow's text question; false: the plain keyboard (no engine, or
 * not a question typed on the keyboard). */
bool lay_ime_of(const ctx_t *x, lay_ime_t *ime);
/* A text answer's area (below the question) with an input method: field, candidates and
 * the keyboard, keypad or writing pad of the mode. */
void lay_ime_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a,
                  const lay_ime_t *ime);

#endif
