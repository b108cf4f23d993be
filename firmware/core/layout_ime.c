/* The input methods' part of a text answer: the field with the mode button, the composition,
 * the bar of candidates (or of Chinese punctuation while nothing is composed), and below it
 * the pinyin keyboard, the Latin keyboard, the keypad or the writing pad. Every target is at
 * least MIN_TARGET on the reference screen, in both orientations and in large text. */
#include <stdio.h>
#include <string.h>

#include "core/layout_internal.h"

/* Chinese punctuation, on the bar while nothing is composed and beside the writing pad; a
 * name gets the middle dot between its parts instead (买买提·艾力, 让-保罗·萨特). */
static const char *const punctuation[] = {"，", "。", "？", "！", "、"};
static const char *const name_marks[] = {"·"};
#define NPUNCT 5

#define K(t) KB_KEY(t)
/* Landscape pinyin: three rows leave the keys their height under the bar. */
static const kb_key_t pinyin_z[10] = {{NULL, "，", 8}, K("z"),           K("x"), K("c"),
                                      K("v"),          K("b"),           K("n"), K("m"),
                                      {NULL, "。", 8}, {NULL, "DEL", 14}};
static const kb_key_t pinyin_z_name[10] = {{NULL, "·", 8}, K("z"), K("x"), K("c"),           K("v"),
                                           K("b"),         K("n"), K("m"), {NULL, "DEL", 22}};
static const kb_key_t *const pinyin_keys[] = {kb_qwerty_top, kb_qwerty_home, pinyin_z};
static const kb_key_t *const pinyin_keys_name[] = {kb_qwerty_top, kb_qwerty_home, pinyin_z_name};
/* Portrait pinyin: seven a row in alphabetical order, as the Latin keyboard. */
static const kb_key_t pinyin_vz[10] = {K("v"), K("w"), K("x"),           K("y"),
                                       K("z"), K("'"), {NULL, "DEL", 10}};
static const kb_key_t pinyin_punct[10] = {K("，"), K("。"), K("？"),
                                          K("！"), K("、"), {NULL, "SPACE", 20}};
static const kb_key_t pinyin_name[10] = {K("·"), {NULL, "SPACE", 40}};
static const kb_key_t *const pinyin_keys_narrow[] = {kb_abc_rows[0], kb_abc_rows[1], kb_abc_rows[2],
                                                     pinyin_vz, pinyin_punct};
static const kb_key_t *const pinyin_keys_narrow_name[] = {kb_abc_rows[0], kb_abc_rows[1],
                                                          kb_abc_rows[2], pinyin_vz, pinyin_name};
#undef K

static const char *const mode_keys[IME_MODE_COUNT] = {"keyboard.mode_handwriting",
                                                      "keyboard.mode_pinyin", "keyboard.mode_latin",
                                                      "keyboard.mode_digits"};

bool lay_ime_of(const ctx_t *x, lay_ime_t *ime)
{
    const ime_t *i = x->f ? flow_ime(x->f) : NULL;
    if (!i)
        return false;
    *ime = (lay_ime_t){i->mode, &i->out, &i->strokes};
    return true;
}

/* The button that switches to the next input method; it names the one in use. */
static void mode_button(ctx_t *x, rect_t r, const lay_ime_t *ime)
{
    lay_button(x, r, str(x, mode_keys[ime->mode]), STYLE_SECONDARY, ACT_IME_MODE, -1);
}

static bool is_name(const question_t *q)
{
    return q->contact == CONTACT_NAME;
}

/* The punctuation keys of q (a name's middle dot, or Chinese punctuation) from the left of r,
 * each one of n_slots. */
static void punctuation_keys(ctx_t *x, rect_t r, int n_slots, const question_t *q)
{
    const char *const *keys = is_name(q) ? name_marks : punctuation;
    int n = is_name(q) ? 1 : NPUNCT;
    int gap = S(x, 5);
    int w = (r.w - (n_slots - 1) * gap) / n_slots;
    size_t first = x->v->n;
    for (int i = 0; i < n; i++) {
        widget_t *k =
            lay_button(x, rect(r.x + i * (w + gap), r.y, w, r.h), keys[i], STYLE_KEY, ACT_KEY, 0);
        k->key_text = keys[i];
        k->ltr = true;
    }
    lay_keep_order(x, first); /* the pinyin keyboard's row, as its keys: not mirrored */
}

/* The bar: the page of candidates with the page buttons (pinyin), or Chinese punctuation while
 * nothing is composed. */
static void candidate_bar(ctx_t *x, rect_t r, const lay_ime_t *ime, const question_t *q)
{
    const ime_output_t *o = ime->out;
    int gap = S(x, 5);
    bool paging = ime->mode == IME_PINYIN && (o->page > 0 || o->more);
    int arrows = paging ? 2 * (S(x, MIN_TARGET) + gap) : 0;
    if (o->ncandidates == 0) {
        /* The landscape pinyin keyboard has only ，and 。: the bar offers the rest (a name's
         * middle dot is on the keyboard). */
        if (ime->mode == IME_PINYIN && !o->preedit[0] && x->v->width > x->v->height && !is_name(q))
            punctuation_keys(x, r, IME_CANDIDATES, q);
        return;
    }
    int slots = IME_CANDIDATES;
    int w = (r.w - arrows - (slots - 1) * gap) / slots;
    for (size_t i = 0; i < o->ncandidates && i < IME_CANDIDATES; i++) {
        rect_t c = rect(r.x + (int)i * (w + gap), r.y, w, r.h);
        widget_t *b = lay_button(x, c, lay_strdup(x->v, o->candidate[i]), STYLE_KEY,
                                 ACT_IME_CANDIDATE, (int)i);
        int px = r.h * 6 / 10 > T(x, PX_TITLE) ? r.h * 6 / 10 : T(x, PX_TITLE);
        lay_set_text(x, b, b->text, inset(c, S(x, 4), S(x, 2)), px, false);
    }
    if (paging) {
        int ax = r.x + r.w - 2 * S(x, MIN_TARGET) - gap;
        widget_t *p = lay_button(x, rect(ax, r.y, S(x, MIN_TARGET), r.h), "‹", STYLE_KEY,
                                 ACT_IME_PAGE_PREV, 0);
        p->disabled = o->page == 0;
        widget_t *n = lay_button(x, rect(ax + S(x, MIN_TARGET) + gap, r.y, S(x, MIN_TARGET), r.h),
                                 "›", STYLE_KEY, ACT_IME_PAGE_NEXT, 0);
        n->disabled = !o->more;
    }
}

/* The writing pad (its hint is the field's placeholder). */
static void writing_pad(ctx_t *x, rect_t r, const lay_ime_t *ime)
{
    widget_t *p = lay_add(x, W_PAD, STYLE_PLAIN, r);
    p->action = ACT_IME_PAD;
    p->strokes = ime->strokes;
}

/* Beside or under the pad: undo the last stroke, clear the pad, delete a character. */
static void pad_buttons(ctx_t *x, rect_t r)
{
    int gap = S(x, 5), w = (r.w - 2 * gap) / 3;
    lay_button(x, rect(r.x, r.y, w, r.h), str(x, "keyboard.undo"), STYLE_KEY, ACT_IME_PAD_UNDO, 0);
    lay_button(x, rect(r.x + w + gap, r.y, w, r.h), str(x, "keyboard.clear"), STYLE_KEY,
               ACT_IME_PAD_CLEAR, 0);
    lay_button(x, rect(r.x + 2 * (w + gap), r.y, w, r.h), str(x, "keyboard.delete"), STYLE_KEY,
               ACT_BACKSPACE, 0);
}

/* In handwriting the field's placeholder says where to write. */
static void hint_in_field(ctx_t *x, widget_t *field)
{
    if (field->style != STYLE_MUTED)
        return;
    rect_t in = inset(field->r, S(x, 10), S(x, 4));
    fitted_t ft = lay_fit(x, str(x, "keyboard.pad_hint"), in, T(x, PX_BODY),
                          lay_min_px(x, STYLE_MUTED), false);
    field->text = ft.text;
    field->px = ft.px;
    int lh = x->tm->line_height(x->tm->user_data, ft.px, false);
    field->tr = rect(in.x, in.y + (in.h - ft.lines * lh) / 2, in.w, ft.lines * lh);
}

static void composition(ctx_t *x, rect_t r, const lay_ime_t *ime)
{
    if (ime->mode == IME_PINYIN && ime->out->preedit[0])
        lay_label(x, r, lay_strdup(x->v, ime->out->preedit), T(x, PX_BODY), false, STYLE_PLAIN,
                  ALIGN_LEFT);
}

/* The field, keeping a pointer to its widget for the hint. */
static widget_t *field(ctx_t *x, rect_t r, const question_t *q, const answer_t *a)
{
    size_t n = x->v->n;
    lay_text_field(x, r, q, a);
    return x->v->n > n ? &x->v->w[n] : &x->sink;
}

/* Landscape: the pad on the left as tall as the area; beside it the field, large candidates,
 * punctuation, and undo, clear and delete. */
static void landscape_pad(ctx_t *x, rect_t area, const question_t *q, const answer_t *a,
                          const lay_ime_t *ime)
{
    int gap = S(x, GAP), row = S(x, MIN_TARGET);
    int side = area.h < area.w * 45 / 100 ? area.h : area.w * 45 / 100;
    writing_pad(x, rect(area.x, area.y, side, side), ime);
    rect_t col = rect(area.x + side + gap, area.y, area.w - side - gap, area.h);
    int mw = col.w * 30 / 100;
    hint_in_field(x, field(x, rect(col.x, col.y, col.w - mw - gap, row), q, a));
    mode_button(x, rect(col.x + col.w - mw, col.y, mw, row), ime);
    int keys_y = col.y + col.h - 2 * row - gap;
    int cy = col.y + row + gap, ch = keys_y - gap - cy;
    candidate_bar(x, rect(col.x, cy, col.w, ch < row ? row : ch), ime, q);
    punctuation_keys(x, rect(col.x, keys_y, col.w, row), NPUNCT, q);
    pad_buttons(x, rect(col.x, keys_y + row + gap, col.w, row));
}

static void landscape(ctx_t *x, rect_t area, const question_t *q, const answer_t *a,
                      const lay_ime_t *ime)
{
    int gap = S(x, GAP), row = S(x, MIN_TARGET);
    if (ime->mode == IME_HANDWRITING) {
        landscape_pad(x, area, q, a, ime);
        return;
    }
    int mw = area.w * 18 / 100, pw = ime->mode == IME_PINYIN ? area.w * 22 / 100 : 0;
    int fw = area.w - mw - gap - (pw ? pw + gap : 0);
    lay_text_field(x, rect(area.x, area.y, fw, row), q, a);
    if (pw)
        composition(x, rect(area.x + fw + gap, area.y, pw, row), ime);
    mode_button(x, rect(area.x + area.w - mw, area.y, mw, row), ime);
    int y = area.y + row + gap;
    if (ime->mode == IME_PINYIN) {
        candidate_bar(x, rect(area.x, y, area.w, row), ime, q);
        y += row + gap;
        lay_key_rows(x, rect(area.x, y, area.w, area.y + area.h - y),
                     is_name(q) ? pinyin_keys_name : pinyin_keys, 3, 100);
    } else if (ime->mode == IME_DIGITS) {
        lay_keypad(x, rect(area.x, y, area.w, area.y + area.h - y));
    } else {
        lay_latin_keyboard(x, rect(area.x, y, area.w, area.y + area.h - y));
    }
}

static void portrait(ctx_t *x, rect_t area, const question_t *q, const answer_t *a,
                     const lay_ime_t *ime)
{
    int gap = S(x, GAP), row = S(x, MIN_TARGET + 8);
    /* A comment's field shows more lines, except beside the writing pad, which needs room. */
    int field_h = S(x, q->type != Q_COMMENT ? 52 : ime->mode == IME_HANDWRITING ? 90 : 140);
    widget_t *fw = field(x, rect(area.x, area.y, area.w, field_h), q, a);
    if (ime->mode == IME_HANDWRITING)
        hint_in_field(x, fw);
    int y = area.y + field_h + gap;
    int mw = area.w * 30 / 100;
    mode_button(x, rect(area.x, y, mw, row), ime);
    int cw = area.w * 30 / 100;
    composition(x, rect(area.x + mw + gap, y, area.w - mw - cw - 2 * gap, row), ime);
    lay_counter(x, rect(area.x + area.w - cw, y, cw, row), q, a);
    y += row + gap;
    rect_t rest = rect(area.x, y, area.w, area.y + area.h - y);
    switch (ime->mode) {
    case IME_PINYIN:
        candidate_bar(x, rect(rest.x, rest.y, rest.w, row), ime, q);
        rest.y += row + gap;
        rest.h -= row + gap;
        lay_key_rows(x, rest, is_name(q) ? pinyin_keys_narrow_name : pinyin_keys_narrow, 5, 70);
        break;
    case IME_HANDWRITING: {
        int bar = row * 3 / 2;
        candidate_bar(x, rect(rest.x, rest.y, rest.w, bar), ime, q);
        rest.y += bar + gap;
        rest.h -= bar + gap;
        int keys = 2 * row + gap;
        int side = rest.h - keys - gap < rest.w ? rest.h - keys - gap : rest.w;
        writing_pad(x, rect(rest.x + (rest.w - side) / 2, rest.y, side, side), ime);
        punctuation_keys(x, rect(rest.x, rest.y + rest.h - keys, rest.w, row), NPUNCT, q);
        pad_buttons(x, rect(rest.x, rest.y + rest.h - row, rest.w, row));
        break;
    }
    case IME_DIGITS:
        lay_keypad(x, rest);
        break;
    default:
        lay_latin_keyboard(x, rest);
        break;
    }
}

void lay_ime_area(ctx_t *x, rect_t area, const question_t *q, const answer_t *a,
                  const lay_ime_t *ime)
{
    if (x->v->width > x->v->height)
        landscape(x, area, q, a, ime);
    else
        portrait(x, area, q, a, ime);
}
