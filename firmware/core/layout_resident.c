/* The residents' screens: questions with their answers and keyboards, thanks, out of service,
 * messages, the prompts above them, and the attract screen outside opening hours (the home
 * screen, the top bar and the faces: layout_home.c). */
#include <stdio.h>
#include <string.h>

#include "core/layout_internal.h"
#include "core/utf8.h"

/* ---- the bottom bar and what a Next pressed too early explains ---- */

/* What a Next pressed too early explains, or NULL. */
static const char *explanation_text(ctx_t *x)
{
    switch (flow_explaining(x->f)) {
    case FLOW_WHY_CHOOSE:
        return str(x, "why.choose");
    case FLOW_WHY_WRITE:
        return str(x, "why.write");
    case FLOW_WHY_PHONE: {
        char example[64], kept[96];
        flow_phone_example(x->f, example, sizeof example);
        if (!*example)
            return str(x, "why.phone_any");
        /* The example's groups stay on one line: its spaces become no-break spaces. */
        size_t o = 0;
        for (const char *p = example; *p && o + 3 < sizeof kept; p++) {
            if (*p == ' ') {
                kept[o++] = (char)0xc2;
                kept[o++] = (char)0xa0;
            } else {
                kept[o++] = *p;
            }
        }
        kept[o] = '\0';
        const char *const names[] = {"example"}, *const values[] = {kept};
        return lay_fill_vars(x, str(x, "why.phone"), 1, names, values);
    }
    default:
        return NULL;
    }
}

/* The explanation in r: a notice the eye finds beside the Next that was pressed. */
static void explanation(ctx_t *x, rect_t r, const char *text)
{
    widget_t *w = lay_add(x, W_LABEL, STYLE_NOTICE, r);
    rect_t in = inset(r, S(x, 10), S(x, 4));
    fitted_t ft = lay_fit(x, text, in, T(x, PX_BODY), S(x, PX_MIN), true);
    w->text = ft.text;
    w->px = ft.px;
    w->bold = true;
    w->align = ALIGN_CENTER;
    w->overflow = ft.overflow;
    w->tr = rect(in.x, in.y + (in.h - ft.height) / 2, in.w, ft.height);
}

/* Portrait: the explanation's band above the bottom bar, across the screen (0: none). */
static int explanation_band_h(ctx_t *x, const char *text)
{
    if (!text || x->v->width > x->v->height)
        return 0;
    int pad = S(x, 10);
    rect_t r = rect(0, 0, x->v->width - 2 * S(x, MARGIN) - 2 * pad, x->v->height / 5);
    int h = lay_measure_h(x, text, r, T(x, PX_BODY), true) + 2 * pad;
    return h < S(x, MIN_TARGET) ? S(x, MIN_TARGET) : h;
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
    /* Narrower in portrait: the progress between them keeps one line at its size. */
    int share = v->width > v->height ? 27 : 23;
    int bw = S(x, 170) < v->width * share / 100 ? S(x, 170) : v->width * share / 100;
    lay_button(x, rect(m, y, bw, bh), str(x, "nav.back"), STYLE_SECONDARY, ACT_BACK, 0);
    const question_t *q = flow_question(f);
    const answer_t *a = flow_answer(f);
    bool has = a && a->set;
    rect_t rb = rect(v->width - m - bw, y, bw, bh);
    bool required = flow_required(f);
    if (has || required || q->type == Q_CHECKBOX || q->type == Q_TEXT || q->type == Q_COMMENT) {
        if (!has && !required)
            lay_button(x, rb, str(x, "nav.skip"), STYLE_SECONDARY, ACT_SKIP, 0);
        else if (has || q->type == Q_CHECKBOX || q->type == Q_TEXT || q->type == Q_COMMENT) {
            /* Grey while something is missing, but pressed it says what (explanation()). */
            widget_t *w = lay_button(x, rb, str(x, "nav.next"), STYLE_PRIMARY, ACT_NEXT, 0);
            w->dimmed = !flow_can_next(f);
        }
    } else {
        lay_button(x, rb, str(x, "nav.skip"), STYLE_SECONDARY, ACT_SKIP, 0);
    }
    int cx = m + bw + m, cw = v->width - 2 * (m + bw + m);
    const char *why = explanation_text(x);
    if (why && v->width > v->height) {
        explanation(x, rect(cx, y - S(x, 4), cw, bh + S(x, 8)), why);
    } else if (!flow_is_quick(f)) {
        size_t n, total;
        flow_progress(f, &n, &total);
        char num[16], tot[16];
        snprintf(num, sizeof num, "%zu", n);
        snprintf(tot, sizeof tot, "%zu", total);
        const char *const names[] = {"n", "total"}, *const values[] = {num, tot};
        const char *buf = lay_fill_vars(x, str(x, "progress"), 2, names, values);
        int barh = S(x, 8);
        lay_label(x, rect(cx, y, cw, bh - barh - S(x, 6)), buf, T(x, PX_SMALL), false, STYLE_MUTED,
                  ALIGN_CENTER);
        widget_t *bar =
            lay_add(x, W_BAR, STYLE_PRIMARY, rect(cx, y + bh - barh - S(x, 2), cw, barh));
        bar->fraction = total ? (double)n / (double)total : 0.0;
    }
    return h;
}

/* ---- screens ---- */

/* The height a choice with details needs at the least in a cell w wide: its text and its
 * details at their normal sizes (fewer a page rather than smaller), at least 84 px. */
static int choice_need(const ctx_t *x, const question_t *q, int w)
{
    int need = S(x, 84);
    for (size_t i = 0; i < q->nchoices; i++) {
        const choice_t *ch = &q->choices[i];
        int h = lay_button2_need(x, txt(x, &ch->text), S(x, PX_BUTTON), txt(x, &ch->detail), w);
        need = h > need ? h : need;
    }
    return need;
}

/* A single answer chosen earlier and seen again (Back) shows a tick, as a ticked checkbox does:
 * not colour alone. Whether button r gets one: chosen, and wide enough for the tick box
 * beside its text (the narrow buttons of an 11-point scale keep their colour alone). */
static bool ticked(const ctx_t *x, rect_t r, bool chosen)
{
    return chosen && r.w >= S(x, 110);
}

/* Where the text of a ticked button goes: right of the tick box the UI draws on its left. */
static rect_t tick_room(const ctx_t *x, rect_t r)
{
    int room = S(x, 30) + S(x, 14);
    return rect(r.x + room, r.y, r.w - room, r.h);
}

/* Choice i of q as a button in r, selected or not: its tick box (a checkbox, or a single
 * answer seen again), its icon (if icons and it has one; room taken from the words) and its
 * words, at most px. */
static widget_t *choice_button(ctx_t *x, rect_t r, const question_t *q, int i, bool sel,
                               bool details, int px, bool icons)
{
    const choice_t *ch = &q->choices[i];
    style_t st = sel ? STYLE_SELECTED : STYLE_SECONDARY;
    bool tick = q->type != Q_CHECKBOX && ticked(x, r, sel);
    rect_t tr = tick ? tick_room(x, r) : r, ir;
    int box = q->type == Q_CHECKBOX ? S(x, 30) : 0;
    rect_t rest = lay_icon_room(x, tr, icons ? ch->icon : NULL, box ? box + S(x, 6) : 0, &ir);
    widget_t *w = details ? lay_button2(x, rest, txt(x, &ch->text), txt(x, &ch->detail), st,
                                        ACT_CHOICE, i, px)
                          : lay_add(x, W_BUTTON, st, r);
    w->r = r;
    w->action = ACT_CHOICE;
    w->arg = i;
    w->checked = sel && (q->type == Q_CHECKBOX || tick);
    if (box) {
        /* Leave room on the left for the tick box (and the icon). */
        int lead = ir.w ? rest.x - r.x + S(x, 8) : box + S(x, 18);
        rect_t in = rect(r.x + lead, r.y + S(x, 4), r.w - lead - S(x, 8), r.h - S(x, 8));
        lay_place_text(x, w, txt(x, &ch->text), in, px, false);
        w->align = ALIGN_LEFT;
    } else if (!details) {
        int pad = S(x, 8);
        lay_place_text(x, w, txt(x, &ch->text), inset(rest, pad, pad / 2), px, false);
    }
    if (ir.w > 0) {
        w->icon = ch->icon;
        w->ir = ir;
    }
    return w;
}

/* Where a page of choices goes: the grid in area, the choices shown, and the first widget. */
typedef struct {
    rect_t area;
    grid_t g;
    int gap, max_h, first, shown;
    bool details;
    size_t first_w;
} choice_cells_t;

/* Lays out the page's choices (from widget c->first_w on), all labels at one size, the
 * largest that fits them all (twice when needed), with or without their icons. Returns that
 * size; *overflow: a label did not fit even at the smallest. */
static int choice_cells(ctx_t *x, const choice_cells_t *c, const question_t *q, const answer_t *a,
                        bool icons, bool *overflow)
{
    int px = T(x, PX_BUTTON);
    for (int pass = 0; pass < 2; pass++) {
        x->v->n = c->first_w;
        int min_px = px;
        *overflow = false;
        for (int k = 0; k < c->shown; k++) {
            int i = c->first + k;
            bool sel =
                a && a->set && (q->type == Q_CHECKBOX ? (a->multi >> i) & 1 : a->choice == i);
            widget_t *w = choice_button(x, lay_cell(c->area, c->g, k, c->gap, c->max_h), q, i, sel,
                                        c->details, px, icons);
            min_px = w->px < min_px ? w->px : min_px;
            *overflow = *overflow || w->overflow;
        }
        if (min_px == px)
            break;
        px = min_px;
    }
    return px;
}

/* The choice buttons of a radiogroup, checkbox or numbered rating, with paging. */
static void choices_grid(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    int gap = S(x, GAP);
    bool details = false, has_icons = false;
    for (size_t i = 0; i < q->nchoices; i++) {
        details = details || q->choices[i].detail.n > 0;
        has_icons = has_icons || q->choices[i].icon;
    }
    /* Cells grow with the text: large text shows fewer a row and a page, never smaller. */
    int min_w = q->type == Q_RATING ? S(x, 64) : T(x, details ? 300 : 220);
    int min_h = details ? S(x, 84) : T(x, MIN_TARGET + 12);
    int n = (int)q->nchoices;
    int max_cols = q->type == Q_RATING ? 10 : 3;
    grid_t g = lay_grid_shape(n, area, min_w, min_h, gap, max_cols);
    if (details) { /* again, the cells as high as their texts need at the width they got */
        min_h = choice_need(x, q, (area.w - (g.cols - 1) * gap) / g.cols);
        g = lay_grid_shape(n, area, min_w, min_h, gap, max_cols);
    }
    int per_page = g.cols * g.rows;
    int first = 0, shown = n;
    bool paged = per_page < n;
    if (paged && g.rows < 2)
        g.rows = 2; /* answers above, and a row below them for the page buttons */
    if (paged) {
        per_page = g.cols * g.rows - (g.cols > 1 ? 2 : 1); /* cells that page back and forth */
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
    choice_cells_t page = {area, g, gap, max_h, first, shown, details, x->v->n};
    /* Without icons, then with them if there are any: they stay if they cost the words
     * nothing (the same size, all shown), else the grid is laid out again without. */
    bool overflow;
    int px = choice_cells(x, &page, q, a, false, &overflow);
    if (has_icons) {
        int with = choice_cells(x, &page, q, a, true, &overflow);
        if (with < px || overflow)
            choice_cells(x, &page, q, a, false, &overflow);
    }
    if (paged)
        lay_page_buttons(x, area, g, max_h, first > 0, first + shown < n);
}

static void rating_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    if (q->smileys) {
        /* As many faces as the quick rating: the same words under them (and the same buttons). */
        const choice_t *labels =
            q->nchoices == content_face_count(x->c) ? content_face(x->c, 0) : q->choices;
        lay_faces(x, area, labels, q->nchoices, ACT_CHOICE, a && a->set ? a->choice : -1);
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
        lay_label(x, rect(area.x, y, w, ends_h - S(x, 6)), txt(x, &q->min_desc), T(x, PX_SMALL),
                  false, STYLE_MUTED, ALIGN_LEFT);
        lay_label(x, rect(area.x + area.w - w, y, w, ends_h - S(x, 6)), txt(x, &q->max_desc),
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
    rect_t r[2] = {lay_cell(area, g, 0, gap, h), lay_cell(area, g, 1, gap, h)};
    const char *label[2] = {yes, no};
    for (int i = 0; i < 2; i++) {
        bool sel = a && a->set && a->yes == (i == 0);
        bool tick = ticked(x, r[i], sel);
        widget_t *w = lay_button(x, tick ? tick_room(x, r[i]) : r[i], label[i],
                                 sel ? STYLE_SELECTED : STYLE_SECONDARY, ACT_CHOICE, 1 - i);
        w->r = r[i];
        w->checked = tick;
    }
}

/* Keys: plain characters, or tokens for the special keys. Widths in tenths of a row. */

#define K(t) KB_KEY(t)
/* Rows shared with the pinyin keyboards (layout_ime.c). */
const kb_key_t kb_qwerty_top[10] = {K("q"), K("w"), K("e"), K("r"), K("t"),
                                    K("y"), K("u"), K("i"), K("o"), K("p")};
const kb_key_t kb_qwerty_home[10] = {K("a"), K("s"), K("d"), K("f"), K("g"),
                                     K("h"), K("j"), K("k"), K("l"), K("'")};
const kb_key_t kb_abc_rows[3][10] = {
    {K("a"), K("b"), K("c"), K("d"), K("e"), K("f"), K("g")},
    {K("h"), K("i"), K("j"), K("k"), K("l"), K("m"), K("n")},
    {K("o"), K("p"), K("q"), K("r"), K("s"), K("t"), K("u")},
};

/* Landscape: QWERTY in rows of ten. */
static const kb_key_t kb_letters_z[10] = {
    {NULL, "SHIFT", 15}, K("z"), K("x"), K("c"), K("v"), K("b"), K("n"), K("m"), {NULL, "DEL", 15}};
static const kb_key_t kb_space_row[10] = {
    {NULL, "SYM", 20}, K(","), {NULL, "SPACE", 50}, K("."), K("-")};
static const kb_key_t *const kb_letters[] = {kb_qwerty_top, kb_qwerty_home, kb_letters_z,
                                             kb_space_row};
static const kb_key_t kb_symbols_rows[3][10] = {
    {K("1"), K("2"), K("3"), K("4"), K("5"), K("6"), K("7"), K("8"), K("9"), K("0")},
    {K("@"), K("#"), K("&"), K("*"), K("("), K(")"), K("+"), K("/"), K(":"), K(";")},
    {K("!"), K("?"), K("\""), K("%"), K("="), K("_"), K("~"), K("<"), K(">"), {NULL, "DEL", 10}},
};
static const kb_key_t *const kb_symbols[] = {kb_symbols_rows[0], kb_symbols_rows[1],
                                             kb_symbols_rows[2], kb_space_row};
/* Portrait panels are too narrow for ten keys of 9 mm: seven a row, in alphabetical order. */
static const kb_key_t kb_letters_vz[10] = {K("v"), K("w"), K("x"),
                                           K("y"), K("z"), {NULL, "DEL", 20}};
static const kb_key_t kb_narrow_space[10] = {
    {NULL, "SHIFT", 15}, {NULL, "SYM", 15}, K(","), {NULL, "SPACE", 20}, K(".")};
static const kb_key_t *const kb_letters_narrow[] = {kb_abc_rows[0], kb_abc_rows[1], kb_abc_rows[2],
                                                    kb_letters_vz, kb_narrow_space};
static const kb_key_t kb_symbols_narrow_rows[5][10] = {
    {K("1"), K("2"), K("3"), K("4"), K("5"), K("6"), K("7")},
    {K("8"), K("9"), K("0"), K("@"), K("#"), K("&"), K("*")},
    {K("("), K(")"), K("+"), K("/"), K(":"), K(";"), K("!")},
    {K("?"), K("\""), K("%"), K("="), K("_"), {NULL, "DEL", 20}},
    {K("'"), K("-"), {NULL, "SYM", 15}, K(","), {NULL, "SPACE", 15}, K(".")},
};
static const kb_key_t *const kb_symbols_narrow[] = {
    kb_symbols_narrow_rows[0], kb_symbols_narrow_rows[1], kb_symbols_narrow_rows[2],
    kb_symbols_narrow_rows[3], kb_symbols_narrow_rows[4]};
#undef K

void lay_key_rows(ctx_t *x, rect_t area, const kb_key_t *const rows[], int nrows, int per_row)
{
    const flow_t *f = x->f;
    bool sym = flow_kb_symbols(f), shift = flow_kb_shift(f);
    int gap = S(x, 5);
    int kh = (area.h - (nrows - 1) * gap) / nrows;
    if (kh > S(x, 70))
        kh = S(x, 70);
    int y0 = area.y + area.h - (nrows * kh + (nrows - 1) * gap);
    size_t first = x->v->n;
    for (int r = 0; r < nrows; r++) {
        const kb_key_t *row = rows[r];
        int units = 0, nk = 0;
        for (int k = 0; k < 10 && row[k].text; k++, nk++)
            units += row[k].units;
        int avail = area.w - (nk - 1) * gap;
        int row_w = avail * units / per_row + (nk - 1) * gap;
        int xk = area.x + (area.w - row_w) / 2;
        for (int k = 0; k < nk; k++) {
            const kb_key_t *key = &row[k];
            int kw = avail * key->units / per_row;
            rect_t kr = rect(xk, y0 + r * (kh + gap), kw, kh);
            xk += kw + gap;
            if (strcmp(key->text, "SHIFT") == 0) {
                lay_button(x, kr, str(x, "keyboard.shift"), shift ? STYLE_SELECTED : STYLE_KEY,
                           ACT_SHIFT, 0);
            } else if (strcmp(key->text, "DEL") == 0) {
                lay_button(x, kr, str(x, "keyboard.delete"), STYLE_KEY, ACT_BACKSPACE, 0);
            } else if (strcmp(key->text, "SYM") == 0) {
                lay_button(x, kr, str(x, sym ? "keyboard.letters" : "keyboard.symbols"), STYLE_KEY,
                           ACT_SYMBOLS, 0);
            } else if (strcmp(key->text, "SPACE") == 0) {
                lay_button(x, kr, str(x, "keyboard.space"), STYLE_KEY, ACT_SPACE, 0);
            } else {
                char up[8];
                snprintf(up, sizeof up, "%s", key->text);
                if (shift && up[0] >= 'a' && up[0] <= 'z')
                    up[0] = (char)(up[0] - 'a' + 'A');
                const char *t = lay_strdup(x->v, up);
                widget_t *w = lay_button(x, kr, t, STYLE_KEY, ACT_KEY, 0);
                w->key_text = t;
                w->ltr = true;
            }
        }
    }
    lay_keep_order(x, first); /* letters keep their order in a right-to-left view */
}

void lay_latin_keyboard(ctx_t *x, rect_t area)
{
    bool sym = flow_kb_symbols(x->f);
    bool narrow = x->v->width < x->v->height;
    if (narrow)
        lay_key_rows(x, area, sym ? kb_symbols_narrow : kb_letters_narrow, 5, 70);
    else
        lay_key_rows(x, area, sym ? kb_symbols : kb_letters, 4, 100);
}

void lay_keypad(ctx_t *x, rect_t area)
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
    size_t first = x->v->n;
    for (int i = 0; i < 9; i++) {
        widget_t *w = lay_button(x, lay_cell(pad, g, i, gap, kh), digits[i], STYLE_KEY, ACT_KEY, 0);
        w->key_text = digits[i];
        w->ltr = true;
    }
    rect_t z = lay_cell(pad, g, 9, gap, kh);
    z.w = 2 * kw + gap;
    widget_t *w = lay_button(x, z, "0", STYLE_KEY, ACT_KEY, 0);
    w->key_text = "0";
    w->ltr = true;
    lay_button(x, lay_cell(pad, g, 11, gap, kh), str(x, "keyboard.delete"), STYLE_KEY,
               ACT_BACKSPACE, 0);
    lay_keep_order(x, first); /* a phone's keypad, in every language */
}

void lay_text_field(ctx_t *x, rect_t r, const question_t *q, const answer_t *a)
{
    const char *text = a && a->text ? a->text : "";
    if (q->input == INPUT_TEL && *text) {
        char grouped[96];
        flow_phone_grouped(x->f, text, grouped, sizeof grouped);
        text = lay_strdup(x->v, grouped); /* as the language writes it: 138 1234 5678 */
    }
    widget_t *w = lay_add(x, W_FIELD, STYLE_PLAIN, r);
    w->caret = true;
    w->align = ALIGN_LEFT;
    w->ltr = q->input != INPUT_TEXT && *text; /* digits: a phone number, a number */
    int pad = S(x, 10);
    rect_t in = inset(r, pad, S(x, 4));
    int px = T(x, PX_BODY);
    int lh = x->tm->line_height(x->tm->user_data, px, false);
    if (!*text) {
        w->text = lay_strdup(x->v, str(x, "keyboard.placeholder"));
        w->style = STYLE_MUTED;
        fitted_t ft = lay_fit(x, w->text, in, px, S(x, PX_MIN), false);
        w->text = ft.text;
        w->px = ft.px;
        w->tr = rect(in.x, in.y + (in.h - ft.height) / 2, in.w, ft.height); /* its lines */
        return;
    }
    /* Show the end of the text: as many last lines as fit, breaking long words. */
    int fit_lines = in.h / lh < 1 ? 1 : in.h / lh;
    int lines;
    const char *tail = lay_wrap_tail(x, text, px, in.w - S(x, 6), fit_lines, &lines);
    w->text = tail ? tail : "";
    w->overflow = !tail;
    w->px = px;
    int shown = lines < fit_lines ? lines : fit_lines;
    w->tr = rect(in.x, in.y + (in.h - shown * lh) / 2, in.w, shown * lh);
}

void lay_counter(ctx_t *x, rect_t r, const question_t *q, const answer_t *a)
{
    char n[16], max[16];
    snprintf(n, sizeof n, "%zu", a && a->text ? utf8_count(a->text) : 0);
    snprintf(max, sizeof max, "%zu", q->max_length);
    const char *const names[] = {"n", "max"}, *const values[] = {n, max};
    lay_label(x, r, lay_fill_vars(x, str(x, "keyboard.count"), 2, names, values), T(x, PX_SMALL),
              false, STYLE_MUTED, ALIGN_RIGHT);
}

static void text_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a)
{
    lay_ime_t ime;
    if (q->input == INPUT_TEXT && lay_ime_of(x, &ime)) {
        lay_ime_area(x, area, q, a, &ime);
        return;
    }
    int gap = S(x, GAP);
    bool landscape = x->v->width > x->v->height;
    int field_h = S(x, q->type == Q_COMMENT && !landscape ? 140 : 52);
    if (q->input != INPUT_TEXT) {
        /* Portrait keypad screens: field above the keypad (landscape: question_screen). */
        lay_text_field(x, rect(area.x, area.y, area.w, field_h), q, a);
        lay_keypad(x, rect(area.x, area.y + field_h + gap, area.w, area.h - field_h - gap));
        return;
    }
    lay_text_field(x, rect(area.x, area.y, area.w, field_h), q, a);
    int ky = area.y + field_h + gap;
    if (!landscape) {
        int ch = S(x, 28);
        lay_counter(x, rect(area.x, ky, area.w, ch), q, a);
        ky += ch + gap;
    }
    lay_latin_keyboard(x, rect(area.x, ky, area.w, area.y + area.h - ky));
}

/* The page's title heads its questions (SurveyJS's "pages[].title"), on one line at the top
 * of body, which loses its height. */
static void page_title(ctx_t *x, const question_t *q, rect_t *body)
{
    if (!q->page_title.n)
        return;
    int ph = lay_label_top(x, rect(body->x, body->y, body->w, T(x, 34)), txt(x, &q->page_title),
                           T(x, 24), true, STYLE_MUTED, ALIGN_LEFT) +
             S(x, GAP) / 2;
    body->y += ph;
    body->h -= ph;
}

/* The question's title; for the text of "Something else" above a keyboard in landscape, with
 * what it is for on the same line ("What brings you here? · Something else"): the keys keep
 * their height. */
static void question_title(const flow_t *f, const question_t *q, bool typing_landscape, char *buf,
                           size_t len)
{
    flow_question_title(f, buf, len);
    if (!typing_landscape || !q->other_of)
        return;
    char other[256];
    flow_question_description(f, other, sizeof other);
    size_t tl = strlen(buf);
    if (*other)
        snprintf(buf + tl, len - tl, " \u00b7 %s", other);
}

/* The height a question's description may take. A choice's description may be what matters
 * most (a crisis line, an activity's day and place): up to a third of the body, the answers
 * page below it. Above a keyboard none, but for the text of "Something else": one line saying
 * what it is for (in landscape the title's line says it, the keys keeping their height). */
static int description_room(const ctx_t *x, const question_t *q, bool typing, bool landscape,
                            int body_h)
{
    if (!typing)
        return body_h * 34 / 100;
    if (q->input != INPUT_TEXT)
        return body_h * 24 / 100;
    return q->other_of && !landscape ? T(x, 22) * 3 / 2 : 0;
}

static void question_screen(ctx_t *x)
{
    view_t *v = x->v;
    const flow_t *f = x->f;
    const question_t *q = flow_question(f);
    const answer_t *a = flow_answer(f);
    const journey_t *j = flow_journey(f);
    const char *title = j ? txt(x, &j->title) : str(x, "quick.thanks");
    int top = lay_topbar(x, title, true);
    int bot = S(x, BOTTOMBAR_H); /* drawn last: the focus ring reads the answers first */
    const char *why = explanation_text(x);
    int band = explanation_band_h(x, why);
    if (band)
        bot += band + S(x, GAP) / 2;
    int m = S(x, MARGIN), gap = S(x, GAP);
    rect_t body = rect(m, top + m / 2, v->width - 2 * m, v->height - top - bot - m / 2);
    page_title(x, q, &body);
    bool typing = q->type == Q_TEXT || q->type == Q_COMMENT;
    bool landscape = v->width > v->height;
    char qtitle[1024];
    question_title(f, q, typing && landscape, qtitle, sizeof qtitle);
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
        int cw = body.w * 36 / 100;
        title_box.w -= cw + gap;
        lay_counter(x, rect(body.x + body.w - cw, body.y, cw, S(x, 30)), q, a);
    }
    int th = lay_label_top(x, title_box, qtitle, T(x, PX_TITLE), true, STYLE_TITLE, ALIGN_LEFT);
    int y = body.y + th + gap / 2;
    char desc[1024];
    flow_question_description(f, desc, sizeof desc);
    if (*desc) {
        int dmax = description_room(x, q, typing, landscape, body.h);
        if (dmax >= S(x, 24)) {
            rect_t db = rect(title_box.x, y, title_box.w, dmax);
            y += lay_label_top(x, db, desc, T(x, 22), false, STYLE_MUTED, ALIGN_LEFT) + gap / 2;
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
            lay_text_field(x, rect(area.x, fy, lw, fh), q, a);
            lay_keypad(x, rect(area.x + lw + gap, area.y, area.w - lw - gap, area.h));
        } else {
            text_area(x, area, q, a);
        }
        break;
    }
    if (band)
        explanation(x, rect(m, v->height - bot, v->width - 2 * m, band), why);
    bottombar(x);
}

/* After a service request: the code is handed over. It stays until "I have noted it"; the QR
 * (code and follow-up number) sits beside the code in landscape, below it in portrait. */
static void thanks_ref(ctx_t *x, const char *body_text, const char *ref)
{
    view_t *v = x->v;
    int top = lay_topbar(x, str(x, "thanks.title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP), bh = S(x, 76);
    rect_t body = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    int bottom = body.y + body.h;
    if (v->height > v->width) {
        int y = body.y +
                lay_label_top(x, rect(body.x, body.y, body.w, body.h / 3), body_text, T(x, PX_BODY),
                              false, STYLE_PLAIN, ALIGN_CENTER) +
                gap;
        rect_t done = rect(v->width / 2 - S(x, 170), bottom - bh, S(x, 340), bh);
        y += lay_ref_code(x, rect(body.x, y, body.w, (done.y - y) / 2), ref) + gap;
        lay_qr(x, rect(body.x, y, body.w, done.y - gap - y), ref, S(x, 300));
        lay_button(x, done, str(x, "thanks.noted"), STYLE_PRIMARY, ACT_DONE, 0);
        return;
    }
    /* Landscape: what was done, the code and what to do with it down the left, as tall as
     * the screen lets them be; the QR and the button that ends the visit down the right. */
    int qw = S(x, 240);
    rect_t left = rect(body.x, body.y, body.w - qw - gap, body.h);
    rect_t done = rect(body.x + body.w - qw, bottom - bh, qw, bh);
    lay_qr(x, rect(done.x, body.y, qw, done.y - gap - body.y), ref, qw);
    int y = left.y +
            lay_label_top(x, rect(left.x, left.y, left.w, left.h / 3), body_text, T(x, PX_BODY),
                          false, STYLE_PLAIN, ALIGN_CENTER) +
            gap;
    lay_ref_code(x, rect(left.x, y, left.w, bottom - y), ref);
    lay_button(x, done, str(x, "thanks.noted"), STYLE_PRIMARY, ACT_DONE, 0);
}

/* The thank-you: a heading and the closing text, then (after an activity sign-up) what was
 * chosen with its date, time and place, above Done. */
static void thanks_screen(ctx_t *x)
{
    view_t *v = x->v;
    const flow_t *f = x->f;
    const lstr_t *ct = flow_completed_text(f);
    const char *body_text = ct ? txt(x, ct) : str(x, "thanks.body");
    if (*flow_ref_code(f)) {
        thanks_ref(x, body_text, flow_ref_code(f));
        return;
    }
    int top = lay_topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN), gap = S(x, GAP);
    rect_t body = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    int bh = S(x, 76);
    rect_t done = rect(v->width / 2 - S(x, 130), body.y + body.h - bh, S(x, 260), bh);
    int avail = done.y - body.y - gap;
    const choice_t *act = flow_signed_up(f);
    const char *detail = act && act->detail.n ? txt(x, &act->detail) : "";
    /* Measure the block first, then centre it above the Done button. */
    rect_t tb = rect(body.x, 0, body.w, avail / 3), bb = rect(body.x, 0, body.w, avail / 4);
    rect_t ab = rect(body.x, 0, body.w, avail / 5);
    int total = lay_measure_h(x, str(x, "thanks.title"), tb, S(x, 46), true) + gap +
                lay_measure_h(x, body_text, bb, T(x, PX_BODY + 2), false);
    if (act)
        total += gap + lay_measure_h(x, str(x, "thanks.activity"), ab, T(x, PX_BODY), false) +
                 lay_measure_h(x, txt(x, &act->text), ab, T(x, PX_TITLE), true) +
                 lay_measure_h(x, detail, ab, T(x, PX_BODY), false);
    int y = body.y + (avail - total) / 2;
    y = y < body.y ? body.y : y;
    tb.y = y;
    y += lay_label_top(x, tb, str(x, "thanks.title"), S(x, 46), true, STYLE_TITLE, ALIGN_CENTER) +
         gap;
    bb.y = y;
    y += lay_label_top(x, bb, body_text, T(x, PX_BODY + 2), false, STYLE_PLAIN, ALIGN_CENTER);
    if (act) {
        y += gap;
        const char *lines[] = {str(x, "thanks.activity"), txt(x, &act->text), detail};
        const int px[] = {T(x, PX_BODY), T(x, PX_TITLE), T(x, PX_BODY)};
        for (int i = 0; i < 3; i++)
            y += lay_label_top(x, rect(body.x, y, body.w, done.y - gap - y), lines[i], px[i],
                               i == 1, i == 1 ? STYLE_TITLE : STYLE_PLAIN, ALIGN_CENTER);
    }
    lay_button(x, done, str(x, "nav.done"), STYLE_PRIMARY, ACT_DONE, 0);
}

static void oos_screen(ctx_t *x)
{
    view_t *v = x->v;
    int top = lay_topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN) * 3;
    rect_t body = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    lay_add(x, W_PANEL, STYLE_ALERT, body);
    rect_t in = inset(body, S(x, 20), S(x, 20));
    int th = lay_label_top(x, rect(in.x, in.y, in.w, in.h / 2), str(x, "oos.title"), T(x, 44), true,
                           STYLE_TITLE, ALIGN_CENTER);
    lay_label_top(x, rect(in.x, in.y + th + S(x, 16), in.w, in.h - th - S(x, 16)),
                  str(x, "oos.body"), T(x, PX_BODY + 2), false, STYLE_PLAIN, ALIGN_CENTER);
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
    const char *body = lay_fill_vars(x, str(x, msg->body_key), 2, names, values);
    if (msg->extra_key[0]) {
        const char *extra_values[] = {msg->extra_n, ""};
        const char *extra = lay_fill_vars(x, str(x, msg->extra_key), 2, names, extra_values);
        char both[1024];
        snprintf(both, sizeof both, "%s %s", body, extra);
        body = lay_strdup(x->v, both);
    }
    int top = lay_topbar(x, str(x, "home.title"), false);
    int m = S(x, MARGIN) * 2, gap = S(x, GAP);
    rect_t body_r = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    int bh = S(x, 76);
    int y = body_r.y;
    y += lay_label_top(x, rect(body_r.x, y, body_r.w, body_r.h / 4), str(x, msg->title_key),
                       T(x, 40), true, STYLE_TITLE, ALIGN_CENTER) +
         gap;
    y += lay_label_top(x, rect(body_r.x, y, body_r.w, body_r.h / 3), body, T(x, PX_BODY + 2), false,
                       STYLE_PLAIN, ALIGN_CENTER) +
         gap;
    if (msg->progress >= 0) {
        widget_t *bar = lay_add(x, W_BAR, STYLE_PRIMARY,
                                rect(body_r.x + S(x, 20), y + gap, body_r.w - S(x, 40), S(x, 22)));
        bar->fraction = msg->progress > 1 ? 1 : msg->progress;
    }
    if (msg->done)
        lay_button(x, rect(v->width / 2 - S(x, 130), body_r.y + body_r.h - bh, S(x, 260), bh),
                   str(x, "nav.done"), STYLE_PRIMARY, ACT_DONE, 0);
}

static void idle_overlay(ctx_t *x)
{
    rect_t in = lay_card(x, ACT_IDLE_CONTINUE);
    int bh = S(x, 72);
    int gap = S(x, GAP);
    rect_t btn = rect(in.x, in.y + in.h - bh, in.w, bh);
    int th = lay_label_top(x, rect(in.x, in.y, in.w, in.h / 3), str(x, "idle.title"), T(x, 36),
                           true, STYLE_TITLE, ALIGN_CENTER);
    int secs = flow_idle_seconds_left(x->f, x->now);
    int by = in.y + th + gap;
    int barh = S(x, 14);
    char num[16];
    snprintf(num, sizeof num, "%d", secs);
    const char *const names[] = {"seconds"}, *const values[] = {num};
    lay_label(x, rect(in.x, by, in.w, btn.y - by - barh - 2 * gap),
              lay_fill_vars(x, str(x, "idle.body"), 1, names, values), T(x, PX_BODY), false,
              STYLE_PLAIN, ALIGN_CENTER);
    widget_t *bar = lay_add(x, W_BAR, STYLE_PRIMARY, rect(in.x, btn.y - barh - gap, in.w, barh));
    bar->fraction = flow_idle_fraction(x->f, x->now);
    lay_button(x, btn, str(x, "idle.continue"), STYLE_PRIMARY, ACT_IDLE_CONTINUE, 0);
}

static void leave_overlay(ctx_t *x)
{
    rect_t in = lay_card(x, ACT_NONE);
    int bh = S(x, 72), gap = S(x, GAP) * 2;
    int th = lay_label_top(x, rect(in.x, in.y, in.w, in.h / 3), str(x, "leave.title"), T(x, 34),
                           true, STYLE_TITLE, ALIGN_CENTER);
    int by = in.y + th + S(x, 8);
    lay_label(x, rect(in.x, by, in.w, in.y + in.h - bh - gap - by), str(x, "leave.body"),
              T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_CENTER);
    int bw = (in.w - gap) / 2;
    lay_button(x, rect(in.x, in.y + in.h - bh, bw, bh), str(x, "leave.stay"), STYLE_PRIMARY,
               ACT_LEAVE_STAY, 0);
    lay_button(x, rect(in.x + bw + gap, in.y + in.h - bh, bw, bh), str(x, "leave.go"),
               STYLE_SECONDARY, ACT_LEAVE_GO, 0);
}

/* The display choices: three switches (large text, high contrast, speech) that show their state by
 * a tick (not colour alone) and take effect at once, behind the card, so the resident sees what
 * each does. */
static void display_overlay(ctx_t *x)
{
    rect_t in = lay_card(x, ACT_DISPLAY_CLOSE);
    int bh = S(x, 72), gap = S(x, GAP) * 2;
    int th = lay_label_top(x, rect(in.x, in.y, in.w, in.h / 3), str(x, "display.title"), T(x, 30),
                           true, STYLE_TITLE, ALIGN_CENTER);
    int y = in.y + th + gap / 2;
    int room = in.y + in.h - bh - gap - y; /* for the three switches */
    /* one switch a row; two a row when three rows would make them too small to press */
    int cols = (room - gap) / 3 < S(x, 60) ? 2 : 1, rows = cols == 2 ? 2 : 3;
    int sh = (room - (rows - 1) * gap / 2) / rows, sw = (in.w - (cols - 1) * gap / 2) / cols;
    if (sh > S(x, 80))
        sh = S(x, 80);
    const char *keys[3] = {"display.large", "display.contrast", "display.speech"};
    action_t acts[3] = {ACT_LARGE_TEXT, ACT_HIGH_CONTRAST, ACT_SPEECH};
    bool on[3] = {flow_large_text(x->f), flow_high_contrast(x->f), flow_speech(x->f)};
    for (int i = 0; i < 3; i++) {
        rect_t r =
            rect(in.x + (i % cols) * (sw + gap / 2), y + (i / cols) * (sh + gap / 2), sw, sh);
        widget_t *w = lay_add(x, W_BUTTON, on[i] ? STYLE_SELECTED : STYLE_SECONDARY, r);
        w->action = acts[i];
        w->checked = on[i];
        int box = S(x, 30);
        lay_place_text(
            x, w, str(x, keys[i]),
            rect(r.x + box + S(x, 18), r.y + S(x, 4), r.w - box - S(x, 26), r.h - S(x, 8)),
            T(x, PX_BUTTON), false);
        w->align = ALIGN_LEFT;
    }
    lay_button(x, rect(in.x, in.y + in.h - bh, in.w, bh), str(x, "display.done"), STYLE_PRIMARY,
               ACT_DISPLAY_CLOSE, 0);
}

/* Where the ring goes after a candidate chosen by buttons: the first candidate still offered,
 * else the first letter key (the resident goes on spelling); FLOW_FOCUS_START when neither. */
static int candidates_focus(const view_t *v)
{
    int letter = -1;
    for (size_t i = 0, k = 0; i < v->n; i++) {
        if (!lay_focusable(v, i))
            continue;
        const widget_t *w = &v->w[i];
        if (w->action == ACT_IME_CANDIDATE)
            return (int)k;
        char c = w->action == ACT_KEY && w->key_text ? (char)(w->key_text[0] | 0x20) : 0;
        if (letter < 0 && c >= 'a' && c <= 'z' && !w->key_text[1])
            letter = (int)k;
        k++;
    }
    return letter >= 0 ? letter : FLOW_FOCUS_START;
}

void view_build(view_t *v, const flow_t *f, int width, int height, const text_metrics_t *tm,
                int64_t now_ms, const char *notice)
{
    ctx_t x;
    lay_start(&x, v, width, height, flow_large_text(f), flow_high_contrast(f), flow_content(f),
              flow_lang(f), tm);
    x.f = f;
    x.now = now_ms;
    int side = width < height ? width : height;
    switch (flow_screen(f)) {
    case SCREEN_HOME:
        lay_home_screen(&x, notice);
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
    int picker_start = flow_overlay(f) == OVERLAY_LANGUAGE ? lay_language_picker(&x) : -1;
    /* Focus ring order is reading order; a new screen reached by buttons starts on the first
     * answer, past the leave and language buttons. Min target size for the tests. */
    int want = flow_focus(f);
    if (want == FLOW_FOCUS_CANDIDATES)
        want = candidates_focus(v);
    if (want == FLOW_FOCUS_START && picker_start >= 0) {
        want = picker_start; /* on the language shown now */
    } else if (want == FLOW_FOCUS_START) {
        want = -1;
        for (size_t i = 0, k = 0; i < v->n && want < 0; i++) {
            if (!lay_focusable(v, i))
                continue;
            action_t a = v->w[i].action;
            if (a != ACT_HOME && a != ACT_LANG && a != ACT_BACK && a != ACT_DISPLAY)
                want = (int)k;
            k++;
        }
        if (want < 0 && v->n)
            want = 0;
    }
    lay_mirror(&x);
    lay_finish_targets(v, side, want);
}

/* Outside opening hours: a dark, calm screen that still takes feedback at a touch. */
void view_build_attract(view_t *v, const content_t *c, const char *lang, const char *reopens,
                        int width, int height, const text_metrics_t *tm)
{
    ctx_t x; /* the dark palette: dim, and AAA contrast */
    lay_start(&x, v, width, height, false, true, c, lang, tm);
    int side = width < height ? width : height;
    widget_t *all = lay_add(&x, W_PANEL, STYLE_PLAIN, rect(0, 0, width, height));
    all->action = ACT_WAKE;
    int m = S(&x, 40);
    rect_t in = rect(m, height / 5, width - 2 * m, height * 3 / 5);
    int th = lay_label_top(&x, rect(in.x, in.y, in.w, in.h / 2), str(&x, "attract.title"),
                           T(&x, 44), true, STYLE_TITLE, ALIGN_CENTER);
    const char *names[] = {"when"}, *values[] = {reopens ? reopens : ""};
    const char *body = reopens && *reopens
                           ? lay_fill_vars(&x, str(&x, "attract.body"), 1, names, values)
                           : str(&x, "attract.body_later");
    lay_label(&x, rect(in.x, in.y + th + S(&x, 24), in.w, in.h - th - S(&x, 24)), body,
              T(&x, PX_BODY), false, STYLE_MUTED, ALIGN_CENTER);
    lay_mirror(&x);
    lay_finish_targets(v, side, -1);
}
