/* The residents' home screen and what the questions share with it: the top bar (its title on
 * one line, or below it), the faces with their words in one size, and the journeys. */
#include "core/layout_internal.h"

/* ---- the top bar ---- */

/* What the language button says: with two languages the other one's name (a tap switches to
 * it); with more, the current one's (a tap opens the picker), which the screen's font draws. */
static const char *language_button_name(const ctx_t *x)
{
    size_t n = content_language_count(x->c);
    int i = content_language_index(x->c, x->lang);
    size_t at = i < 0 ? 0 : (size_t)i;
    return content_language(x->c, n == 2 ? (at + 1) % n : at)->name;
}

/* The top bar's title in tr, on one line: as large as fits from 26 px down to 20 px (in large
 * text, never below what normal text gets). A title that fits no line of the bar goes below
 * it, centred on one line across the screen (on its own lines only when longer than the
 * screen is wide): returns the height it takes there (0 in the bar). */
static int topbar_title(ctx_t *x, rect_t tr, const char *title, bool centred)
{
    fitted_t ft = lay_fit_line(x, title, tr, T(x, 26), S(x, PX_SMALL), true);
    if (!ft.overflow) {
        widget_t *w = lay_add(x, W_LABEL, STYLE_TOPBAR, tr);
        w->text = ft.text;
        w->px = ft.px;
        w->bold = true;
        w->align = centred ? ALIGN_CENTER : ALIGN_LEFT;
        w->tr = rect(tr.x, tr.y + (tr.h - ft.height) / 2, tr.w, ft.height);
        return 0;
    }
    int m = S(x, MARGIN);
    rect_t below = rect(m, tr.y + tr.h + m / 2, x->v->width - 2 * m, S(x, 80));
    ft = lay_fit_line(x, title, below, T(x, 26), S(x, PX_SMALL), true);
    if (ft.overflow) /* longer than the screen is wide: its own lines, still whole */
        return lay_label_top(x, below, title, T(x, 26), true, STYLE_TITLE, ALIGN_CENTER) + m / 2;
    widget_t *w = lay_add(x, W_LABEL, STYLE_TITLE, rect(below.x, below.y, below.w, ft.height));
    w->text = ft.text;
    w->px = ft.px;
    w->bold = true;
    w->align = ALIGN_CENTER;
    w->tr = w->r;
    return ft.height + m / 2;
}

/* The height topbar_title() takes below the bar in large text, when the title is there. */
static int title_below_h(const ctx_t *large, const char *title)
{
    int m = S(large, MARGIN);
    rect_t below = rect(0, 0, large->v->width - 2 * m, S(large, 80));
    size_t saved = large->v->text_used;
    fitted_t ft = lay_fit_line(large, title, below, T(large, 26), S(large, PX_SMALL), true);
    large->v->text_used = saved; /* measuring only */
    if (ft.overflow)
        return lay_measure_h(large, title, below, T(large, 26), true) + m / 2;
    return ft.height + m / 2;
}

/* Top bar: leave button (inside a journey), title, language button. Returns its height. */
int lay_topbar(ctx_t *x, const char *title, bool with_home)
{
    view_t *v = x->v;
    int h = S(x, TOPBAR_H);
    lay_add(x, W_PANEL, STYLE_TOPBAR, rect(0, 0, v->width, h));
    int m = S(x, 8);
    int bw = S(x, 150) < v->width * 24 / 100 ? S(x, 150) : v->width * 24 / 100;
    int left = m;
    if (with_home) {
        lay_button(x, rect(m, m, bw, h - 2 * m), str(x, "nav.home"), STYLE_SECONDARY, ACT_HOME, 0);
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
        lay_button(x, rect(right, m, dw, h - 2 * m), str(x, "display.button"), STYLE_SECONDARY,
                   ACT_DISPLAY, 0);
    }
    if (langs)
        lay_button(x, rect(lang_x, m, bw, h - 2 * m), language_button_name(x), STYLE_SECONDARY,
                   ACT_LANG, 0);
    return h + topbar_title(x, rect(left + m, 0, right - left - 2 * m, h), title, with_home);
}

/* ---- faces ---- */

/* The side of a face on a question: the same in normal and large text, so large text never
 * makes the faces smaller; larger in portrait, where they sit two by two. */
static int face_side(const ctx_t *x)
{
    return S(x, x->v->height > x->v->width ? 130 : 110);
}

/* The words under a row of faces: one size and one number of lines for the whole row (the
 * largest size at which every word fits its cell on at most two lines), so the faces above
 * them sit at one height. */
typedef struct {
    int px;
    int h; /* the lines of the longest word */
} face_words_t;

static face_words_t face_words(const ctx_t *x, const choice_t *faces, size_t n, int w)
{
    size_t saved = x->v->text_used; /* measuring only */
    int px = T(x, 22);
    int lh = x->tm->line_height(x->tm->user_data, px, true);
    for (size_t i = 0; i < n; i++) {
        fitted_t ft =
            lay_fit_short(x, txt(x, &faces[i].text), rect(0, 0, w, 2 * lh), px, S(x, PX_MIN), true);
        if (ft.px < px)
            px = ft.px;
    }
    int h = 0;
    for (size_t i = 0; i < n; i++) {
        fitted_t ft = lay_fit(x, txt(x, &faces[i].text), rect(0, 0, w, 4 * lh), px, px, true);
        if (ft.height > h)
            h = ft.height;
    }
    x->v->text_used = saved;
    return (face_words_t){px, h};
}

/* The height of a cell of faces of this side whose words take fw. */
static int face_cell_h(const ctx_t *x, face_words_t fw, int side)
{
    return S(x, 8) + side + S(x, 4) + fw.h + S(x, 8);
}

/* Faces in the cells of g over area, each with its word below, all words at one size; the
 * faces take the height the words leave. */
static void faces_grid(ctx_t *x, rect_t area, grid_t g, const choice_t *faces, size_t n,
                       action_t act, int selected)
{
    int gap = S(x, GAP);
    int cw = (area.w - (g.cols - 1) * gap) / g.cols;
    face_words_t fw = face_words(x, faces, n, cw - S(x, 8));
    int ch = (area.h - (g.rows - 1) * gap) / g.rows;
    int words_max = ch - face_cell_h(x, (face_words_t){0, 0}, S(x, 40));
    if (fw.h > words_max) /* a cell shorter than its words: they keep a face above them */
        fw.h = words_max > 0 ? words_max : 0;
    for (size_t i = 0; i < n; i++) {
        rect_t r = lay_cell(area, g, (int)i, gap, ch);
        style_t st = (int)i == selected ? STYLE_SELECTED : STYLE_SECONDARY;
        widget_t *w = lay_add(x, W_FACE, st, r);
        w->action = act;
        w->arg = (int)i;
        w->face_level = (int)i;
        w->face_count = (int)n;
        rect_t tb = rect(r.x + S(x, 4), r.y + r.h - fw.h - S(x, 8), r.w - S(x, 8), fw.h);
        fitted_t ft = lay_fit(x, txt(x, &faces[i].text), tb, fw.px, fw.px, true);
        w->text = ft.text;
        w->px = ft.px;
        w->bold = true;
        w->overflow = ft.overflow;
        /* The words sit at the bottom, in one box for the row; the face is drawn above. */
        w->tr = tb;
    }
}

/* How the faces go: one row, or two by two in portrait (four faces). */
static grid_t faces_shape(const ctx_t *x, size_t n)
{
    bool portrait = x->v->height > x->v->width;
    return portrait && n == 4 ? (grid_t){2, 2} : (grid_t){(int)n, 1};
}

/* The height faces of this side in shape g take across width w. */
static int faces_h(const ctx_t *x, grid_t g, const choice_t *faces, size_t n, int w, int side)
{
    int gap = S(x, GAP);
    int cw = (w - (g.cols - 1) * gap) / g.cols;
    int ch = face_cell_h(x, face_words(x, faces, n, cw - S(x, 8)), side);
    return g.rows * ch + (g.rows - 1) * gap;
}

/* The height a button of two texts (lay_button2()) needs at the least in a cell w wide: its
 * first text at px1 and its second at the secondary size. */
int lay_button2_need(const ctx_t *x, const char *t1, int px1, const char *t2, int w)
{
    return lay_button2_need_lines(x, t1, px1, t2, w, 0);
}

int lay_button2_need_lines(const ctx_t *x, const char *t1, int px1, const char *t2, int w,
                           int lines)
{
    int lh1 = x->tm->line_height(x->tm->user_data, px1, true);
    int lh2 = x->tm->line_height(x->tm->user_data, S(x, PX_SMALL), false);
    int tall = 4 * x->v->height;
    rect_t in1 = rect(0, 0, w - 2 * S(x, 10), lines > 0 ? lines * lh1 : tall);
    rect_t in2 = rect(0, 0, w - 2 * S(x, 10), lines > 0 ? lines * lh2 : tall);
    return lay_measure_h(x, t1, in1, px1, true) + S(x, 2) +
           lay_measure_h(x, t2, in2, S(x, PX_SMALL), false) + 2 * S(x, 6);
}

/* The tallest a journey's button gets (lay_cell()'s max_h in journeys()). */
static int journey_max_h(const ctx_t *x)
{
    return S(x, x->v->height > x->v->width ? 170 : 130);
}

/* The height a journey's button needs at the least in a cell w wide: its title and its
 * description at their normal sizes (on at most lines lines each; 0: all they take), the
 * largest of all journeys, and no more than a button gets. */
static int journey_need(const ctx_t *x, int w, int lines)
{
    int need = 0;
    for (size_t i = 0; i < content_journey_count(x->c); i++) {
        const journey_t *j = content_journey(x->c, i);
        int h = lay_button2_need_lines(x, txt(x, &j->title), S(x, 24), txt(x, &j->description), w,
                                       lines);
        need = h > need ? h : need;
    }
    return need < journey_max_h(x) ? need : journey_max_h(x);
}

/* The height the journeys keep at the least in body: their buttons with all their texts, or,
 * when some text takes more than a button gets and they would take more than half of body,
 * one line of each (a pack's longest texts are cut to what the screen has room for). */
static int journeys_reserve(const ctx_t *x, rect_t body)
{
    bool portrait = x->v->height > x->v->width;
    int gap = S(x, GAP), cols = portrait ? 1 : 2;
    int rows = ((int)content_journey_count(x->c) + cols - 1) / cols;
    int w = (body.w - (cols - 1) * gap) / cols;
    int need = journey_need(x, w, 0);
    int h = rows * need + (rows - 1) * gap;
    if (need >= journey_max_h(x) && h > body.h / 2)
        h = rows * journey_need(x, w, 1) + (rows - 1) * gap;
    return h;
}

/* The journeys below the faces: the line that introduces them when there is room for it, then
 * a button each, two a row in landscape, one a row using the height in portrait. */
static void journeys(ctx_t *x, rect_t area)
{
    bool portrait = x->v->height > x->v->width;
    int gap = S(x, GAP);
    int nj = (int)content_journey_count(x->c);
    int cols = portrait ? 1 : 2;
    int rows = (nj + cols - 1) / cols;
    int need = journey_need(x, (area.w - (cols - 1) * gap) / cols, 0);
    int or_h = lay_measure_h(x, str(x, "home.or_choose"), rect(0, 0, area.w, S(x, 40)),
                             T(x, PX_BODY), false);
    if (area.h - or_h - gap / 2 >= rows * need + (rows - 1) * gap) {
        or_h = lay_label_top(x, rect(area.x, area.y, area.w, S(x, 40)), str(x, "home.or_choose"),
                             T(x, PX_BODY), false, STYLE_MUTED, ALIGN_CENTER);
        area = rect(area.x, area.y + or_h + gap / 2, area.w, area.h - or_h - gap / 2);
    }
    grid_t g = {cols, rows};
    size_t first = x->v->n;
    int px = T(x, 24);
    /* Twice when needed: the titles share one size, the largest that fits them all. */
    for (int pass = 0; pass < 2; pass++) {
        x->v->n = first;
        int least = px;
        for (int i = 0; i < nj; i++) {
            const journey_t *j = content_journey(x->c, (size_t)i);
            widget_t *w =
                lay_button2(x, lay_cell(area, g, i, gap, journey_max_h(x)), txt(x, &j->title),
                            txt(x, &j->description), STYLE_PRIMARY, ACT_JOURNEY, i, px);
            least = w->px < least ? w->px : least;
        }
        if (least == px)
            break;
        px = least;
    }
    lay_journey_icons(x, first);
}

/* The side of the home screen's faces: what the screen leaves them in large text with the
 * journeys at their normal sizes (at most face_side()), in normal and large text alike, so
 * large text never makes them smaller and the journeys keep their room. */
static int home_face_side(const ctx_t *x, rect_t body, grid_t fg)
{
    ctx_t large = *x;
    large.t = LARGE_TEXT;
    if (body.y > S(x, TOPBAR_H) + S(x, MARGIN)) { /* the title below the bar, larger there */
        int top = S(x, TOPBAR_H) + title_below_h(&large, str(x, "home.title"));
        body =
            rect(body.x, top + S(x, MARGIN) / 2, body.w, body.y + body.h - top - S(x, MARGIN) / 2);
    }
    int gap = S(x, GAP);
    int prompt_h = lay_measure_h(&large, str(x, "home.rate_prompt"), rect(0, 0, body.w, S(x, 80)),
                                 T(&large, PX_TITLE), true);
    int cw = (body.w - (fg.cols - 1) * gap) / fg.cols;
    face_words_t fw =
        face_words(&large, content_face(x->c, 0), content_face_count(x->c), cw - S(x, 8));
    int journeys_h = journeys_reserve(x, body) + gap;
    int room = body.h - prompt_h - gap / 2 - gap - journeys_h - (fg.rows - 1) * gap;
    int side = room / fg.rows - face_cell_h(x, fw, 0);
    side = side < face_side(x) ? side : face_side(x);
    return side > S(x, 40) ? side : S(x, 40);
}

void lay_home_screen(ctx_t *x, const char *notice)
{
    view_t *v = x->v;
    int top = lay_topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    int bottom = v->height - m;
    if (notice && *notice) {
        int nh = S(x, 54); /* room for two lines */
        widget_t *w = lay_label(x, rect(0, v->height - nh, v->width, nh), notice, T(x, PX_SMALL),
                                true, STYLE_NOTICE, ALIGN_CENTER);
        w->tr = rect(m, w->tr.y, v->width - 2 * m, w->tr.h);
        bottom = v->height - nh - S(x, 4);
    }
    rect_t body = rect(m, top + m / 2, v->width - 2 * m, bottom - top - m / 2);
    /* Prompt, faces, the journeys below. */
    int prompt_h =
        lay_label_top(x, rect(body.x, body.y, body.w, S(x, 80)), str(x, "home.rate_prompt"),
                      T(x, PX_TITLE), true, STYLE_TITLE, ALIGN_CENTER);
    int y = body.y + prompt_h + gap / 2;
    const choice_t *faces = content_face(x->c, 0);
    size_t nf = content_face_count(x->c);
    grid_t fg = faces_shape(x, nf);
    int fh = faces_h(x, fg, faces, nf, body.w, home_face_side(x, body, fg));
    int keep = body.y + body.h - y - gap - journeys_reserve(x, body);
    if (fh > keep) /* the faces' words are cut to what leaves the journeys their room */
        fh = keep > 0 ? keep : 0;
    faces_grid(x, rect(body.x, y, body.w, fh), fg, faces, nf, ACT_FACE, -1);
    y += fh + gap;
    journeys(x, rect(body.x, y, body.w, body.y + body.h - y));
}

void lay_faces(ctx_t *x, rect_t area, const choice_t *faces, size_t n, action_t act, int selected)
{
    grid_t g = faces_shape(x, n);
    int h = faces_h(x, g, faces, n, area.w, face_side(x));
    if (h > area.h) /* the words are cut to the room: the faces never go above the area */
        h = area.h > 0 ? area.h : 0;
    faces_grid(x, rect(area.x, area.y + (area.h - h) / 2, area.w, h), g, faces, n, act, selected);
}
