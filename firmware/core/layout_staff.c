/* The staff and technician screens: the PIN keypad, the menu and each page behind it, and
 * the first boot's self-test. Dates are shown in local time from the offset given. */
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/layout_internal.h"

/* ---- staff screens ---- */

/* The staff screens' bar: Back on the left (when the page has one), a title, an optional
 * extra action, and Close on the right. Returns its height. */
static int staff_bar_with(ctx_t *x, const char *title, bool back, const char *extra,
                          action_t extra_act)
{
    view_t *v = x->v;
    int h = S(x, TOPBAR_H);
    lay_add(x, W_PANEL, STYLE_TOPBAR, rect(0, 0, v->width, h));
    int m = S(x, 8);
    int bw = S(x, 150) < v->width * 22 / 100 ? S(x, 150) : v->width * 22 / 100;
    int left = 2 * m, right = v->width - m - bw;
    if (back) {
        lay_button(x, rect(m, m, bw, h - 2 * m), str(x, "staff.back"), STYLE_SECONDARY,
                   ACT_STAFF_BACK, 0);
        left = 2 * m + bw + m;
    }
    if (extra) {
        right -= bw + m;
        lay_button(x, rect(right + m, m, bw, h - 2 * m), extra, STYLE_SECONDARY, extra_act, 0);
    }
    lay_label(x, rect(left, 0, right - m - left, h), title, T(x, 26), true, STYLE_TOPBAR,
              back ? ALIGN_CENTER : ALIGN_LEFT);
    lay_button(x, rect(v->width - m - bw, m, bw, h - 2 * m), str(x, "staff.close"), STYLE_SECONDARY,
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
    widget_t *field = lay_add(x, W_FIELD, STYLE_PLAIN, rect(info.x, info.y, info.w, fh));
    field->align = ALIGN_CENTER;
    lay_set_text(x, field, dots, inset(field->r, S(x, 10), S(x, 6)), T(x, 34), true);
    const char *msg = NULL;
    char secs[24];
    int64_t wait = staff_wait_ms(s, x->now);
    if (s->no_pin)
        msg = str(x, "staff.no_pin");
    else if (wait > 0) {
        snprintf(secs, sizeof secs, "%lld", (long long)((wait + 999) / 1000));
        const char *names[] = {"s"}, *values[] = {secs};
        msg = lay_fill_vars(x, str(x, "staff.pin_wait"), 1, names, values);
    } else if (s->wrong)
        msg = str(x, "staff.pin_wrong");
    if (msg)
        lay_label(x, rect(info.x, info.y + fh + gap, info.w, info.h - fh - gap), msg, T(x, PX_BODY),
                  true, STYLE_ALERT, ALIGN_CENTER);
    /* 1-9, then Delete, 0, OK: the layout of a phone's keypad. */
    bool locked = s->no_pin || wait > 0 || s->state != STAFF_PIN;
    grid_t g = {3, 4};
    int kh = (pad.h - 3 * gap) / 4;
    size_t first = v->n;
    for (int i = 0; i < 12; i++) {
        rect_t r = lay_cell(pad, g, i, gap, kh);
        widget_t *w;
        if (i == 9) {
            w = lay_button(x, r, str(x, "staff.delete"), STYLE_KEY, ACT_STAFF_DELETE, 0);
            w->disabled = !s->pin[0];
        } else if (i == 11) {
            w = lay_button(x, r, str(x, "staff.ok"), STYLE_PRIMARY, ACT_STAFF_OK, 0);
            w->disabled = locked || strlen(s->pin) < STAFF_PIN_MIN;
        } else {
            int d = i == 10 ? 0 : i + 1;
            static const char *const digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
            w = lay_button(x, r, digits[d], STYLE_KEY, ACT_STAFF_DIGIT, d);
            w->key_text = digits[d];
            w->disabled = locked;
            w->ltr = true;
        }
    }
    lay_keep_order(x, first); /* a phone's keypad, in every language */
}

static const char *figure(ctx_t *x, int64_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, n < 0 ? "–" : "%lld", (long long)n);
    return lay_strdup(x->v, buf);
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
    return lay_strdup(x->v, buf);
}

/* A moment as staff read it, "2026-11-28 20:31" in local time (UTC + the offset given). */
static const char *when_text(ctx_t *x, int64_t utc_ms)
{
    if (utc_ms <= 0)
        return str(x, "staff.never");
    const int64_t secs = utc_ms / 1000 + (int64_t)x->offset_min * 60;
    const int64_t days = civil_floor_div(secs, 86400);
    const int64_t sod = secs - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    char buf[40];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60));
    return lay_strdup(x->v, buf);
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
        lay_label(x, rect(row.x, row.y, row.w - vw - gap, row.h), names[i], T(x, PX_BODY), false,
                  STYLE_PLAIN, ALIGN_LEFT);
        lay_label(x, rect(row.x + row.w - vw, row.y, vw, row.h), values[i], T(x, PX_BODY), true,
                  alert && alert[i] ? STYLE_ALERT : STYLE_TITLE, ALIGN_RIGHT);
    }
}

/* The clock as staff read it: its time and whether it can be trusted. */
static const char *clock_text(ctx_t *x, const staff_stats_t *st)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s, %s", when_text(x, st->now_ms),
             str(x, st->clock_synced ? "staff.clock_synced" : "staff.clock_not_synced"));
    return lay_strdup(x->v, buf);
}

/* The hours page's one-line state: open or quiet, and until when. */
static const char *hours_state_text(ctx_t *x, const staff_hours_t *h)
{
    const char *names[] = {"t"}, *values[] = {h->until};
    if (h->quiet)
        return h->until[0] ? lay_fill_vars(x, str(x, "staff.hours_quiet"), 1, names, values)
                           : str(x, "staff.hours_quiet_always");
    return h->until[0] ? lay_fill_vars(x, str(x, "staff.hours_open"), 1, names, values)
                       : str(x, "staff.hours_open_always");
}

static const char *pack_name(ctx_t *x, const char *id, const char *version)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s %s", id, version);
    return lay_strdup(x->v, buf);
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
         lay_fill_vars(x, str(x, "staff.menu.figures_detail"), 2, fnames, fvalues),
         st->requests_waiting > 0 || st->moved_aside > 0 || st->retention_held},
        {STAFF_PAGE_ERASE, str(x, "staff.erase"), str(x, "staff.menu.erase_detail"), false},
        {STAFF_PAGE_CONTENT, str(x, "staff.menu.content"),
         pack_name(x, s->content.active_id, s->content.active_version), false},
        {STAFF_PAGE_CLOCK, str(x, "staff.menu.clock"), clock_text(x, st),
         !st->clock_synced || st->retention_held},
        {STAFF_PAGE_HOURS, str(x, "staff.menu.hours"), hours_state_text(x, &s->hours), false},
        {STAFF_PAGE_TECH, str(x, "staff.menu.tech"), str(x, "staff.menu.tech_detail"), false},
    };
    int n = staff_may(s, STAFF_PAGE_TECH) ? 6 : 5;
    bool portrait = v->height > v->width;
    rect_t area = rect(m, top + m, v->width - 2 * m, v->height - top - 2 * m);
    grid_t g = portrait ? (grid_t){1, n} : (grid_t){n > 4 ? 3 : 2, 2};
    int ch = (area.h - (g.rows - 1) * gap) / g.rows;
    for (int i = 0; i < n; i++)
        lay_button2(x, lay_cell(area, g, i, gap, ch), items[i].title, items[i].detail,
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
    rect_t in = lay_card(x, ACT_STAFF_BACK);
    int bh = S(x, 72), g2 = S(x, GAP) * 2;
    int th = lay_label_top(x, rect(in.x, in.y, in.w, in.h / 3), title, T(x, 30), true, STYLE_TITLE,
                           ALIGN_CENTER);
    int by = in.y + th + S(x, 8);
    lay_label(x, rect(in.x, by, in.w, in.y + in.h - bh - g2 - by), body, T(x, PX_BODY), false,
              STYLE_PLAIN, ALIGN_CENTER);
    int bw = (in.w - g2) / 2;
    lay_button(x, rect(in.x, in.y + in.h - bh, bw, bh), str(x, "staff.back"), STYLE_SECONDARY,
               ACT_STAFF_BACK, 0);
    lay_button(x, rect(in.x + bw + g2, in.y + in.h - bh, bw, bh), yes, STYLE_PRIMARY, yes_act, 0);
}

/* The result of the page's last work, or hint when there is none. */
static void result_or(ctx_t *x, rect_t r, const staff_t *s, const char *hint)
{
    if (s->result[0])
        lay_label(x, r, s->result, T(x, PX_BODY), true, s->result_bad ? STYLE_ALERT : STYLE_TITLE,
                  ALIGN_CENTER);
    else if (hint && *hint)
        lay_label(x, r, hint, T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_CENTER);
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
    lay_label(x, rect(info.x, info.y, info.w, fh), s->ref[0] ? s->ref : " ", T(x, 40), true,
              STYLE_CODE, ALIGN_CENTER)
        ->ltr = true;
    const char *msg = str(x, "staff.erase_hint");
    style_t st = STYLE_PLAIN;
    const char *names[] = {"ref"}, *values[] = {s->erased_ref};
    if (s->erase_result == ERASE_DONE)
        msg = lay_fill_vars(x, str(x, "staff.erased"), 1, names, values);
    else if (s->erase_result == ERASE_NOT_FOUND)
        msg = lay_fill_vars(x, str(x, "staff.not_found"), 1, names, values), st = STYLE_ALERT;
    else if (s->erase_result == ERASE_FAILED)
        msg = str(x, "staff.erase_failed"), st = STYLE_ALERT;
    lay_label(x, rect(info.x, info.y + fh + gap, info.w, info.h - fh - gap), msg, T(x, PX_BODY),
              s->erase_result != ERASE_NONE, st, ALIGN_CENTER);
    static const char alphabet[] = REFCODE_ALPHABET;
    static const char *const keys[] = {"A", "C", "D", "E", "F", "H", "J", "K", "M", "N",
                                       "P", "R", "T", "W", "X", "Y", "3", "4", "7", "9"};
    _Static_assert(sizeof keys / sizeof keys[0] == sizeof alphabet - 1, "one key a character");
    grid_t g = {5, 5};
    int kh = (pad.h - 4 * gap) / 5;
    bool full = strlen(s->ref) >= RECORD_REF_LEN;
    size_t first = x->v->n;
    for (int i = 0; i < 20; i++) {
        widget_t *w =
            lay_button(x, lay_cell(pad, g, i, gap, kh), keys[i], STYLE_KEY, ACT_STAFF_REF_KEY, i);
        w->key_text = keys[i];
        w->disabled = full;
        w->ltr = true;
    }
    lay_keep_order(x, first); /* the code's characters, in the order of its alphabet */
    /* The last row: Delete and Erase, each half the width. */
    int y = pad.y + 4 * (kh + gap), bw2 = (pad.w - gap) / 2;
    widget_t *del = lay_button(x, rect(pad.x, y, bw2, kh), str(x, "staff.delete"), STYLE_KEY,
                               ACT_STAFF_REF_DELETE, 0);
    del->disabled = !s->ref[0];
    widget_t *go = lay_button(x, rect(pad.x + bw2 + gap, y, pad.w - bw2 - gap, kh),
                              str(x, "staff.erase_ask"), STYLE_PRIMARY, ACT_STAFF_ERASE_ASK, 0);
    go->disabled = !full || s->page != STAFF_PAGE_ERASE;
    if (s->page != STAFF_PAGE_CONFIRM)
        return;
    const char *rv[] = {s->ref};
    confirm_card(x, lay_fill_vars(x, str(x, "staff.confirm_title"), 1, names, rv),
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
    const char *values[] = {lay_strdup(v, now),
                            c->previous_id[0] ? pack_name(x, c->previous_id, c->previous_version)
                                              : str(x, "staff.content_none")};
    int bh = S(x, 64);
    int rows_h = (left.h - bh - gap) * 55 / 100;
    name_value_rows(x, rect(left.x, left.y, left.w, rows_h), names, values, NULL, 2, 1, 55);
    widget_t *rb =
        lay_button(x, rect(left.x, left.y + rows_h + gap / 2, left.w, bh),
                   str(x, "staff.content_rollback"), STYLE_SECONDARY, ACT_STAFF_PACK, -1);
    rb->disabled = !c->previous_id[0];
    int ry = left.y + rows_h + gap + bh;
    result_or(x, rect(left.x, ry, left.w, left.y + left.h - ry), s, NULL);
    /* Right: the packs on the stick. */
    int hh = S(x, 36);
    lay_label(x, rect(right.x, right.y, right.w, hh), str(x, "staff.content_stick"), T(x, PX_BODY),
              true, STYLE_TITLE, ALIGN_LEFT);
    rect_t list = rect(right.x, right.y + hh + gap / 2, right.w, right.h - hh - gap / 2);
    if (!c->stick || c->npacks == 0) {
        lay_label(x, list, str(x, c->stick ? "staff.content_no_packs" : "staff.content_no_stick"),
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
            lay_button2(x, r, p->name, pack_name(x, p->id, p->version), STYLE_SECONDARY,
                        ACT_STAFF_PACK, i, T(x, PX_BODY));
            continue;
        }
        /* A refused pack is no button: its name, and why, in the alert's colours. */
        lay_add(x, W_PANEL, STYLE_ALERT, r);
        char both[sizeof p->name + sizeof p->why + 4];
        snprintf(both, sizeof both, "%s: %s", p->name, p->why);
        lay_label(x, inset(r, S(x, 10), S(x, 4)), lay_strdup(v, both), T(x, PX_SMALL), false,
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
        lay_fill_vars(x, str(x, back ? "staff.content_back_title" : "staff.content_switch_title"),
                      1, nm, nv),
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
    int th = lay_label_top(x, rect(info.x, info.y, info.w, info.h / 2), clock_text(x, st), T(x, 30),
                           true, st->clock_synced ? STYLE_TITLE : STYLE_ALERT, ALIGN_LEFT);
    rect_t below = rect(info.x, info.y + th + gap, info.w, info.h - th - gap);
    /* Retention held back by the clock is said here, where staff can confirm it. */
    const char *held = st->retention_held ? str(x, "staff.retention_waits") : NULL;
    if (st->clock_synced) {
        lay_label(x, below, held ? held : str(x, "staff.clock_is_synced"), T(x, PX_BODY), false,
                  held ? STYLE_ALERT : STYLE_PLAIN, ALIGN_LEFT);
        return;
    }
    if (s->result[0])
        result_or(x, below, s, NULL);
    else
        lay_label(x, below, held ? held : str(x, "staff.clock_hint"), T(x, PX_BODY), false,
                  held ? STYLE_ALERT : STYLE_PLAIN, ALIGN_LEFT);
    static const char *const keys[] = {"staff.year", "staff.month", "staff.day", "staff.hour",
                                       "staff.minute"};
    int rh = (ed.h - 5 * gap / 2) / 6;
    if (rh > S(x, 76))
        rh = S(x, 76);
    int bw = rh * 13 / 10, vw = S(x, 110);
    for (int f = 0; f < CLOCK_FIELDS; f++) {
        int y = ed.y + f * (rh + gap / 2);
        lay_label(x, rect(ed.x, y, ed.w - 2 * bw - vw - gap, rh), str(x, keys[f]), T(x, PX_BODY),
                  false, STYLE_PLAIN, ALIGN_LEFT);
        int bx = ed.x + ed.w - 2 * bw - vw;
        lay_button(x, rect(bx, y, bw, rh), "−", STYLE_KEY, ACT_STAFF_CLOCK, f * 2);
        char num[8];
        snprintf(num, sizeof num, f == CLOCK_YEAR ? "%d" : "%02d", s->clock[f]);
        lay_label(x, rect(bx + bw, y, vw, rh), lay_strdup(v, num), T(x, 30), true, STYLE_TITLE,
                  ALIGN_CENTER)
            ->ltr = true;
        lay_button(x, rect(bx + bw + vw, y, bw, rh), "+", STYLE_KEY, ACT_STAFF_CLOCK, f * 2 + 1);
    }
    int sy = ed.y + 5 * (rh + gap / 2);
    lay_button(x, rect(ed.x + ed.w / 3, sy, ed.w - ed.w / 3, rh), str(x, "staff.clock_set"),
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
    int th = lay_label_top(x, rect(info.x, info.y, info.w, info.h / 3), hours_state_text(x, h),
                           T(x, 30), true, h->quiet ? STYLE_NOTICE : STYLE_TITLE, ALIGN_LEFT);
    const char *note = !h->configured  ? str(x, "staff.hours_none")
                       : h->overridden ? str(x, "staff.hours_manual")
                                       : "";
    lay_label(x, rect(info.x, info.y + th + gap, info.w, info.h - th - bh - 2 * gap),
              *note ? note : " ", T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_LEFT);
    const char *act = h->overridden ? "staff.hours_schedule"
                      : h->quiet    ? "staff.hours_go_open"
                                    : "staff.hours_go_quiet";
    lay_button(x, rect(info.x, info.y + info.h - bh, info.w, bh), str(x, act), STYLE_SECONDARY,
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
            lay_add(x, W_PANEL, STYLE_KEY, row);
        int dw = row.w * 36 / 100, pad = S(x, 6);
        lay_label(x, rect(row.x + pad, row.y, dw - pad, row.h), days[d], T(x, PX_BODY), today[d],
                  STYLE_PLAIN, ALIGN_LEFT);
        lay_label(x, rect(row.x + dw + pad, row.y, row.w - dw - 2 * pad, row.h), hours[d],
                  T(x, PX_BODY), today[d], STYLE_TITLE, ALIGN_RIGHT);
    }
}

/* The level as the technician reads it (and hears it as the sample): "Volume 80 %", or "Volume
 * off" at 0. */
static const char *volume_text(ctx_t *x, int volume)
{
    if (volume <= 0)
        return str(x, "staff.volume_off");
    char n[16];
    snprintf(n, sizeof n, "%d", volume);
    const char *names[] = {"n"}, *values[] = {n};
    return lay_fill_vars(x, str(x, "staff.volume_level"), 1, names, values);
}

/* The volume: the level in words and a number, then "−" and "+" as large as the page's other
 * buttons, and "Test sound"; without an audio device only a line that says so. The level is
 * left of the buttons in r, or above them (lh > 0: a line of lh px at the top of r). */
static void tech_volume_row(ctx_t *x, const staff_t *s, rect_t r, int lh)
{
    if (s->volume == STAFF_NO_AUDIO) {
        lay_label(x, r, str(x, "staff.volume_none"), T(x, PX_BODY), true, STYLE_MUTED, ALIGN_LEFT);
        return;
    }
    int gap = S(x, GAP) / 2;
    int lw = lh ? r.w : r.w * 34 / 100;
    /* clear of the focus ring drawn around the buttons */
    lay_label(x, rect(r.x, r.y, lh ? lw : lw - 2 * gap, lh ? lh - gap : r.h),
              volume_text(x, s->volume), T(x, PX_BODY), true, STYLE_TITLE, ALIGN_LEFT);
    if (lh) { /* the buttons below the level, across r */
        r = rect(r.x, r.y + lh, r.w, r.h - lh);
        lw = -gap;
    }
    int bw = lh ? r.h : r.h * 13 / 10; /* square beside a narrow column's Test sound */
    int tw = r.w - lw - 2 * bw - 3 * gap;
    int bx = r.x + lw + gap;
    lay_button(x, rect(bx, r.y, bw, r.h), "−", STYLE_KEY, ACT_STAFF_VOLUME, -1);
    lay_button(x, rect(bx + bw + gap, r.y, bw, r.h), "+", STYLE_KEY, ACT_STAFF_VOLUME, 1);
    lay_button(x, rect(bx + 2 * (bw + gap), r.y, tw, r.h), str(x, "staff.volume_test"),
               STYLE_SECONDARY, ACT_STAFF_VOLUME, 0);
}

/* The technician's page: what this kiosk is and runs on, the volume, and the tests and power
 * actions. */
static void staff_tech_screen(ctx_t *x, const staff_t *s)
{
    view_t *v = x->v;
    const staff_tech_t *t = &s->tech;
    int top = staff_bar(x, str(x, "staff.menu.tech"), true);
    int m = S(x, MARGIN), gap = S(x, GAP);
    bool portrait = v->height > v->width;
    int bh = S(x, 60);
    /* Landscape: the facts on the left, the volume and the six actions in two columns on the
     * right; portrait: the facts above, the volume, the actions in two columns below. */
    int aw = portrait ? v->width - 2 * m : (v->width - 3 * m) * 34 / 100;
    int ah = portrait ? 3 * bh + 2 * gap : v->height - top - 2 * m;
    rect_t acts =
        portrait ? rect(m, v->height - m - ah, aw, ah) : rect(v->width - m - aw, top + m, aw, ah);
    rect_t facts = portrait ? rect(m, top + m / 2, aw, acts.y - top - m - m / 2)
                            : rect(m, top + m / 2, acts.x - 2 * m, ah + m / 2);
    if (s->result[0]) {
        /* A power action that failed says why, above the facts. */
        rect_t in = inset(facts, S(x, 8), 0);
        int rh = lay_measure_h(x, s->result, in, T(x, PX_SMALL), true) + S(x, 12);
        rect_t r = rect(facts.x, facts.y, facts.w, rh);
        lay_add(x, W_PANEL, STYLE_ALERT, r);
        lay_label(x, inset(r, S(x, 8), S(x, 4)), s->result, T(x, PX_SMALL), true, STYLE_ALERT,
                  ALIGN_LEFT);
        facts.y += rh + gap / 2;
        facts.h -= rh + gap / 2;
    }
    /* The volume before the actions in the ring's order: below the facts, or above the
     * actions (the facts need all their height beside a failed power action's reason). */
    int vh = S(x, 56);
    if (portrait) {
        tech_volume_row(x, s, rect(facts.x, facts.y + facts.h - vh, facts.w, vh), 0);
        facts.h -= vh + gap / 2;
    } else {
        int lh = x->tm->line_height(x->tm->user_data, T(x, PX_BODY), true) + gap / 2;
        tech_volume_row(x, s, rect(acts.x, acts.y, acts.w, lh + vh), lh);
        acts.y += lh + vh + gap;
        acts.h -= lh + vh + gap;
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
            lay_measure_h(x, values[i][0] ? values[i] : "–", vbox, T(x, PX_SMALL), false) + S(x, 6);
        total += need[i];
    }
    int y = facts.y;
    for (int i = 0; i < 5; i++) {
        int h = total <= facts.h ? need[i] : need[i] * facts.h / total;
        if (i == 4 && total > facts.h)
            h = facts.y + facts.h - y;
        lay_label(x, rect(facts.x, y, nw, h), names[i], T(x, PX_SMALL), true, STYLE_MUTED,
                  ALIGN_LEFT);
        lay_label(x, rect(vbox.x, y, vbox.w, h), values[i][0] ? values[i] : "–", T(x, PX_SMALL),
                  false, STYLE_PLAIN, ALIGN_LEFT);
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
    grid_t g = {2, 3};
    for (int i = 0; i < 6; i++) {
        int k = (i % 2) * 3 + i / 2; /* tests left, power right */
        lay_button(x, lay_cell(acts, g, i, gap, bh * 2), str(x, a[k].key),
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
    lay_label(x, rect(m, top + m / 2, v->width - 2 * m, hh), hint, T(x, PX_SMALL), false,
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
            lay_label(x, rect(cx, area.y, cw, head_h), str(x, heads[c]), T(x, PX_SMALL), true,
                      STYLE_MUTED, c >= 2 ? ALIGN_RIGHT : ALIGN_LEFT);
        }
    }
    for (int i = 0; i < n; i++) {
        const staff_button_t *b = &t->buttons[i];
        int hf = i / rows, r = i % rows;
        rect_t row = rect(area.x + hf * (hw + 2 * gap), area.y + head_h + r * rh, hw, rh - 2);
        /* Pressed shows by the inverted row and by a dot before the name: not colour alone. */
        style_t st = b->lit ? STYLE_SELECTED : r % 2 ? STYLE_PLAIN : STYLE_KEY;
        lay_add(x, W_PANEL, st, row);
        char name[64], presses[16], bounces[16];
        snprintf(name, sizeof name, "%s%s", b->lit ? "● " : "", b->name);
        snprintf(presses, sizeof presses, "%u", (unsigned)b->presses);
        snprintf(bounces, sizeof bounces, "%u", (unsigned)b->bounces);
        const char *cells[] = {name, b->line, presses, bounces};
        for (int c = 0; c < 4; c++) {
            int cx = row.x + hw * pct[c] / 100 + S(x, 6),
                cw = hw * (pct[c + 1] - pct[c]) / 100 - S(x, 12);
            lay_label(x, rect(cx, row.y, cw, row.h), lay_strdup(v, cells[c]),
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
    int top = staff_bar_with(x, lay_fill_vars(x, str(x, "staff.touch_count"), 2, names, values),
                             true, str(x, "staff.touch_clear"), ACT_STAFF_TOUCH_CLEAR);
    rect_t canvas = rect(0, top, v->width, v->height - top);
    widget_t *c = lay_add(x, W_PANEL, STYLE_PLAIN, canvas);
    c->action = ACT_STAFF_CANVAS;
    int cw = canvas.w / STAFF_TOUCH_COLS, ch = canvas.h / STAFF_TOUCH_ROWS;
    for (int i = 0; i < STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS; i++) {
        int col = i % STAFF_TOUCH_COLS, row = i / STAFF_TOUCH_COLS;
        rect_t r = rect(canvas.x + col * cw + 1, canvas.y + row * ch + 1, cw - 2, ch - 2);
        lay_add(x, W_PANEL, (t->touched >> i) & 1 ? STYLE_SELECTED : STYLE_KEY, r);
    }
    if (t->touch_total == 0)
        lay_label(x, inset(canvas, S(x, 40), S(x, 40)), str(x, "staff.touch_hint"), T(x, PX_BODY),
                  true, STYLE_PLAIN, ALIGN_CENTER);
    int d = S(x, 12);
    for (size_t i = 0; i < t->ntouch; i++) {
        /* Kept inside the surface, so a touch at its very edge still shows. */
        int px = t->touch_x[i] - d / 2, py = t->touch_y[i] - d / 2;
        px = px < canvas.x ? canvas.x : px > canvas.x + canvas.w - d ? canvas.x + canvas.w - d : px;
        py = py < canvas.y ? canvas.y : py > canvas.y + canvas.h - d ? canvas.y + canvas.h - d : py;
        lay_add(x, W_PANEL, STYLE_PRIMARY, rect(px, py, d, d));
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
        lay_label(x, area, str(x, "staff.log_empty"), T(x, PX_BODY), false, STYLE_MUTED,
                  ALIGN_LEFT);
        return;
    }
    /* The newest lines that fit, oldest of them at the top. */
    int h[STAFF_LOG_LINES], used = 0;
    size_t first = t->nlog;
    while (first > 0) {
        int lh = lay_measure_h(x, t->log[first - 1], area, T(x, PX_SMALL), false);
        if (used + lh > area.h)
            break;
        h[--first] = lh;
        used += lh;
    }
    int y = area.y;
    for (size_t i = first; i < t->nlog; i++) {
        lay_label(x, rect(area.x, y, area.w, h[i]), t->log[i], T(x, PX_SMALL), false,
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
    int hint_h = lay_measure_h(x, str(x, "staff.selftest_hint"), area, T(x, PX_SMALL), false);
    lay_label(x, rect(area.x, area.y, area.w, hint_h), str(x, "staff.selftest_hint"),
              T(x, PX_SMALL), false, STYLE_PLAIN, ALIGN_LEFT);
    area.y += hint_h + gap / 2;
    area.h -= hint_h + gap / 2;
    /* The checks. */
    char corners[64], pressed[200], n1[16], n2[16], missing[120];
    snprintf(n1, sizeof n1, "%d", staff_corners_touched(t));
    const char *cn[] = {"n"}, *cv[] = {n1};
    snprintf(corners, sizeof corners, "%s",
             lay_fill_vars(x, str(x, "staff.selftest_corners"), 1, cn, cv));
    size_t np = staff_buttons_pressed(t, missing, sizeof missing);
    snprintf(n1, sizeof n1, "%zu", np);
    snprintf(n2, sizeof n2, "%zu", t->nbuttons);
    const char *bn[] = {"n", "all"}, *bv[] = {n1, n2};
    snprintf(pressed, sizeof pressed, "%s%s%s",
             lay_fill_vars(x, str(x, "staff.selftest_pressed"), 2, bn, bv), missing[0] ? ": " : "",
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
                              lay_strdup(v, corners),
                              t->nbuttons ? lay_strdup(v, pressed) : str(x, "staff.buttons_none")};
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
        lay_add(x, W_PANEL, st, row);
        rect_t in = inset(row, S(x, 8), S(x, 2));
        int sw = in.w * 30 / 100;
        char state[64];
        snprintf(state, sizeof state, "%s %s", marks[states[i]], str(x, words[states[i]]));
        lay_label(x, rect(in.x, in.y, sw, in.h / 2), names[i], T(x, PX_BODY), true, st, ALIGN_LEFT);
        lay_label(x, rect(in.x, in.y + in.h / 2, sw, in.h - in.h / 2), lay_strdup(v, state),
                  T(x, PX_SMALL), false, st, ALIGN_LEFT);
        lay_label(x, rect(in.x + sw + gap, in.y, in.w - sw - gap, in.h),
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
        lay_button(x, lay_cell(acts, g, i, gap, portrait ? bh : S(x, 90)), str(x, a[i].key),
                   a[i].st, a[i].act, a[i].arg);
}

static void staff_working_screen(ctx_t *x)
{
    view_t *v = x->v;
    int top = S(x, TOPBAR_H);
    lay_add(x, W_PANEL, STYLE_TOPBAR, rect(0, 0, v->width, top));
    lay_label(x, rect(S(x, MARGIN), top, v->width - 2 * S(x, MARGIN), v->height - top),
              str(x, "staff.working"), T(x, PX_TITLE), true, STYLE_TITLE, ALIGN_CENTER);
}

void view_build_staff(view_t *v, const staff_t *s, const content_t *c, const char *lang,
                      const view_options_t *o, int width, int height, const text_metrics_t *tm,
                      int64_t now_ms)
{
    ctx_t x;
    lay_start(&x, v, width, height, o && o->large_text, o && o->high_contrast, c, lang, tm);
    x.now = now_ms;
    x.offset_min = o ? o->utc_offset_min : 0;
    int side = width < height ? width : height;
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
    lay_mirror(&x);
    /* The ring for staff who use the physical buttons; a touch hides it. */
    lay_finish_targets(v, side, s->focus);
}
