/* Layout with fake text metrics: every screen of the default pack, in both languages and at
 * every supported size, fits: no text cut off, nothing outside the screen, no overlapping
 * targets, targets of at least 9 mm on the 7" panel, and taps land on what is drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/layout_internal.h"
#include "core/utf8.h"
#include "core/view.h"
#include "fake_ime.h"
#include "pack_util.h"

static content_t *pack;
static content_t *rtl_pack; /* the default pack with "ar-test": right to left, English texts */

static void m_rtl(cJSON *r)
{
    pack_add_language(r, "ar-test", "العربية", "rtl", "");
}
static view_t view;
static int screens_checked;

/* Wider than Noto Sans on purpose: Latin 0.55 em (0.75 for capitals and m/w), CJK 1 em. */
static size_t measured_bytes; /* all the text fake_width() was given, for the limits test */

static int fake_width(void *ud, int px, bool bold, const char *s, size_t len)
{
    (void)ud;
    double w = 0;
    measured_bytes += len;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        if (n >= 3)
            w += px;
        else if ((c >= 'A' && c <= 'Z') || c == 'm' || c == 'w')
            w += px * 0.75;
        else
            w += px * 0.55;
        i += n;
    }
    return (int)(w * (bold ? 1.05 : 1.0) + 0.5);
}

static int fake_line_height(void *ud, int px, bool bold)
{
    (void)ud;
    (void)bold;
    return px * 13 / 10;
}

static const text_metrics_t metrics = {fake_width, fake_line_height, NULL};

static const struct {
    int w, h;
} sizes[] = {{800, 480}, {1024, 600}, {1280, 800}, {1920, 1080}, {720, 1280}};

static bool is_target(const widget_t *w)
{
    return w->action != ACT_NONE && w->kind != W_PANEL;
}

static void check_built(int w, int h, const char *what, const char *lang);

static void check_residents_text(int w, int h, const char *what, const char *lang);

static void check_mirrored(flow_t *f, int w, int h, const char *what);

/* In a right-to-left view the keys of a keyboard row stay left to right, marked so. */
static void check_keys_left_to_right(void)
{
    for (size_t i = 0; i < view.n; i++) {
        const widget_t *a = &view.w[i], *b = i + 1 < view.n ? &view.w[i + 1] : NULL;
        if (b && a->action == ACT_KEY && b->action == ACT_KEY && a->r.y == b->r.y)
            CHECK(a->r.x < b->r.x);
        if (a->action == ACT_KEY)
            CHECK(a->ltr);
    }
}

static void check_view(const flow_t *f, int w, int h, const char *what)
{
    view_build(&view, f, w, h, &metrics, 0, NULL);
    check_built(w, h, what, flow_lang(f));
    check_residents_text(w, h, what, flow_lang(f));
    if (view.rtl)
        check_keys_left_to_right();
    /* The comparison switches the language, which restarts an input method: not with one. */
    if (view.rtl && !flow_ime(f))
        check_mirrored((flow_t *)f, w, h, what);
}

/* ---- the residents' text: sizes, rows, Chinese lines ---- */

/* Closing punctuation no line may start with (Chinese and Western). */
static bool closing_punctuation(const char *s)
{
    static const char *const list[] = {"，", "。", "、", "？", "！", "）", "」", "』",
                                       "】", "；", "：", "”",  "’",  "…",  "》", "〉",
                                       ",",  ".",  "?",  "!",  ")",  ";",  ":"};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (strncmp(s, list[i], strlen(list[i])) == 0)
            return true;
    return false;
}

/* Characters in s[0..n) less spaces and closing punctuation. */
static int characters(const char *s, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t l = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        k += c != ' ' && !closing_punctuation(s + i);
        i += l;
    }
    return k;
}

/* Chinese text broken by the rules: no line starts with closing punctuation, and the last line
 * of a text broken into lines is not one character alone. */
static bool chinese_lines_ok(const char *text)
{
    if (!text || !strchr(text, '\n') || strstr(text, "…"))
        return true;
    const char *line = text;
    for (const char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
        if (closing_punctuation(nl + 1))
            return false;
    return characters(line, strlen(line)) != 1;
}

/* The side of the face the UI draws above a face's words (as ui/draw.c does). */
static int face_diameter(const widget_t *w, double u)
{
    int room = w->tr.y - w->r.y - (int)(12 * u);
    int across = (int)(w->r.w * 0.72);
    return room < across ? room : across;
}

/* Secondary text at least 20 px on the 7" panel, the top bar's title on one line and, in
 * Chinese, lines broken by the rules, for widget a of a view w x h. */
static void check_widget_text(const widget_t *a, int w, int h, bool chinese)
{
    bool panel = w == 800 && h == 480;
    if (panel && a->text[0] && a->style == STYLE_MUTED && a->px < 20)
        fprintf(stderr, "  secondary text of %d px: \"%s\"\n", a->px, a->text);
    if (panel && a->text[0] && a->style == STYLE_MUTED)
        CHECK(a->px >= 20);
    if (panel && a->text2 && a->text2[0])
        CHECK(a->px2 >= 20);
    if (a->style == STYLE_TOPBAR && a->kind == W_LABEL)
        CHECK(!strchr(a->text, '\n'));
    if (chinese && (!chinese_lines_ok(a->text) || !chinese_lines_ok(a->text2))) {
        fprintf(stderr, "  broken against the rules: \"%s\" \"%s\"\n", a->text,
                a->text2 ? a->text2 : "");
        check_failures++;
    }
}

/* Checks of a residents' view: check_widget_text() on each widget, and the words of a row of
 * faces, of the answers of a grid and of the journeys in one size (faces at one height). */
static void check_residents_text(int w, int h, const char *what, const char *lang)
{
    int fails = check_failures;
    const widget_t *face0 = NULL, *choice0 = NULL, *journey0 = NULL;
    for (size_t i = 0; i < view.n; i++) {
        const widget_t *a = &view.w[i];
        check_widget_text(a, w, h, strncmp(lang, "zh", 2) == 0);
        const widget_t **first = a->kind == W_FACE                                 ? &face0
                                 : a->kind == W_BUTTON && a->action == ACT_CHOICE  ? &choice0
                                 : a->kind == W_BUTTON && a->action == ACT_JOURNEY ? &journey0
                                                                                   : NULL;
        if (!first)
            continue;
        if (!*first) {
            *first = a;
            continue;
        }
        if ((*first)->px != a->px)
            fprintf(stderr, "  words of one row in %d and %d px: \"%s\", \"%s\"\n", (*first)->px,
                    a->px, (*first)->text, a->text);
        CHECK_INT(a->px, (*first)->px);
        if (a->kind == W_FACE && a->r.y == (*first)->r.y)
            CHECK_INT(a->tr.y, (*first)->tr.y); /* faces at one height */
    }
    if (check_failures != fails)
        fprintf(stderr, "  ^ in %s %dx%d %s\n", what, w, h, lang);
}

/* Text with its line breaks and spaces taken out, to find a text in another view. */
static void flatten(char *dst, size_t n, const char *src)
{
    size_t o = 0;
    for (; src && *src && o + 1 < n; src++)
        if (*src != '\n' && *src != ' ')
            dst[o++] = *src;
    dst[o] = '\0';
}

static int faces_large_checked;

static void set_display(flow_t *f, bool large, bool contrast);

/* The view of f in large text against the same in normal text, at every size: every text found
 * in both is at least as large in large text, most of them larger, and faces are not smaller. */
static void check_large_not_smaller(flow_t *f, const char *what)
{
    static view_t normal;
    record_t *rec;
    if (flow_pending_op(f, &rec) != OP_NONE)
        return; /* a save between pages: the display choices wait for it */
    CHECK(!flow_large_text(f));
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s].w, h = sizes[s].h;
        double u = (double)(w < h ? w : h) / 480.0;
        view_build(&normal, f, w, h, &metrics, 0, NULL);
        set_display(f, true, false);
        view_build(&view, f, w, h, &metrics, 0, NULL);
        set_display(f, false, false);
        int found = 0, larger = 0, fails = check_failures;
        for (size_t i = 0; i < view.n; i++) {
            const widget_t *l = &view.w[i];
            char fl[512], fn[512];
            flatten(fl, sizeof fl, l->text);
            if (!fl[0] || strstr(fl, "…"))
                continue;
            for (size_t j = 0; j < normal.n; j++) {
                const widget_t *n = &normal.w[j];
                flatten(fn, sizeof fn, n->text);
                if (n->kind != l->kind || n->action != l->action || n->arg != l->arg ||
                    strcmp(fl, fn) != 0)
                    continue;
                found++;
                larger += l->px > n->px;
                if (l->px < n->px || (l->text2 && n->text2 && l->px2 < n->px2))
                    fprintf(stderr, "  smaller in large text: \"%s\" %d/%d px, was %d/%d\n", fl,
                            l->px, l->px2, n->px, n->px2);
                CHECK(l->px >= n->px);
                if (l->text2 && n->text2 && l->text2[0])
                    CHECK(l->px2 >= n->px2);
                if (l->kind == W_FACE) {
                    CHECK(face_diameter(l, u) >= face_diameter(n, u));
                    faces_large_checked++;
                }
                break;
            }
        }
        CHECK(found > 0);
        if (found && larger * 2 < found)
            fprintf(stderr, "  only %d of %d texts larger in large text\n", larger, found);
        CHECK(larger * 2 >= found); /* most texts grow */
        if (check_failures != fails)
            fprintf(stderr, "  ^ in %s %dx%d %s, large text against normal\n", what, w, h,
                    flow_lang(f));
    }
}

/* Checks the view just built: everything on screen, nothing cut off or overlapping, targets
 * large enough and reachable. */
static void check_built(int w, int h, const char *what, const char *lang)
{
    screens_checked++;
    char where[160];
    snprintf(where, sizeof where, "%s %dx%d %s", what, w, h, lang);
    int fails = check_failures;
    CHECK(!view.text_truncated);
    CHECK(view.n > 0);
    rect_t screen = {0, 0, w, h};
    double u = (double)(w < h ? w : h) / 480.0;
    for (size_t i = 0; i < view.n; i++) {
        const widget_t *a = &view.w[i];
        if (a->overflow)
            fprintf(stderr, "  overflow: \"%s\"\n", a->text);
        CHECK(!a->overflow);
        CHECK(rect_contains(screen, a->r));
        if (a->kind != W_PANEL && a->kind != W_BAR && a->text[0]) {
            if (!rect_contains(a->r, a->tr))
                fprintf(stderr, "  text box out of widget: \"%s\"\n", a->text);
            CHECK(rect_contains(a->r, a->tr));
        }
        if (a->icon) { /* inside its button, clear of its words */
            CHECK(rect_contains(a->r, a->ir) && !rect_overlaps(a->ir, a->tr));
            CHECK(!a->text2 || !rect_overlaps(a->ir, a->tr2));
        }
        if (is_target(a)) {
            /* 9 mm at the 7" panel's 5.2 px/mm is 47 px; scaled with the screen. */
            int side = a->r.w < a->r.h ? a->r.w : a->r.h;
            if (side < (int)(47 * u))
                fprintf(stderr, "  small target %dx%d: \"%s\"\n", a->r.w, a->r.h, a->text);
            CHECK(side >= (int)(47 * u));
            const widget_t *hit = view_hit(&view, a->r.x + a->r.w / 2, a->r.y + a->r.h / 2);
            bool layer_ok = view.overlay_start == 0 || i >= view.overlay_start;
            if (layer_ok && !a->disabled)
                CHECK(hit == a);
        }
        for (size_t j = i + 1; j < view.n; j++) {
            const widget_t *b = &view.w[j];
            if (a->kind == W_PANEL || b->kind == W_PANEL)
                continue;
            bool same_layer = (view.overlay_start == 0) ||
                              ((i >= view.overlay_start) == (j >= view.overlay_start));
            if (same_layer && rect_overlaps(a->r, b->r)) {
                fprintf(stderr, "  overlap: \"%s\" and \"%s\"\n", a->text, b->text);
                check_failures++;
            }
        }
    }
    if (check_failures != fails)
        fprintf(stderr, "  ^ in %s\n", where);
}

static void check_all_sizes(const flow_t *f, const char *what)
{
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        check_view(f, sizes[s].w, sizes[s].h, what);
}

/* Switches the resident's display choices through their prompt, as a resident would. */
static void set_display(flow_t *f, bool large, bool contrast)
{
    CHECK(flow_activate(f, ACT_DISPLAY, 0, NULL, 1));
    CHECK_INT(flow_overlay(f), OVERLAY_DISPLAY);
    if (flow_large_text(f) != large)
        CHECK(flow_activate(f, ACT_LARGE_TEXT, 0, NULL, 1));
    if (flow_high_contrast(f) != contrast)
        CHECK(flow_activate(f, ACT_HIGH_CONTRAST, 0, NULL, 1));
    CHECK(flow_activate(f, ACT_DISPLAY_CLOSE, 0, NULL, 1));
    CHECK_INT(flow_large_text(f), large);
    CHECK_INT(flow_high_contrast(f), contrast);
}

/* Presses Next on a question with something missing: at every size the Next is a dimmed but
 * live target and a notice says what is missing, whole. */
static void check_next_explains(flow_t *f, const char *what)
{
    flow_why_t why = flow_why_not(f);
    CHECK(why != FLOW_WHY_NONE);
    CHECK(flow_activate(f, ACT_NEXT, 0, NULL, 2));
    CHECK_INT(flow_explaining(f), why);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        check_view(f, sizes[s].w, sizes[s].h, what);
        size_t notices = 0, next = 0;
        for (size_t i = 0; i < view.n; i++) {
            const widget_t *w = &view.w[i];
            notices += w->style == STYLE_NOTICE && w->text[0] && !w->overflow;
            if (w->action == ACT_NEXT) {
                next++;
                CHECK(w->dimmed && !w->disabled);
                CHECK(view_hit(&view, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2) == w);
            }
        }
        if (notices != 1)
            fprintf(stderr, "  %zu explanations at %dx%d: %s\n", notices, sizes[s].w, sizes[s].h,
                    what);
        CHECK_INT(notices, 1);
        CHECK_INT(next, 1);
    }
}

/* Walks one journey, checking every question screen; answers so that every question shows. */
static void walk_journey(size_t ji, const char *lang, bool large)
{
    flow_t *f = flow_new(pack, "k", 0);
    flow_set_home_lang(f, lang);
    flow_activate(f, ACT_JOURNEY, (int)ji, NULL, 1);
    if (large)
        set_display(f, true, true);
    for (int guard = 0; guard < 40 && flow_screen(f) == SCREEN_QUESTION; guard++) {
        const question_t *q = flow_question(f);
        char what[128];
        snprintf(what, sizeof what, "journey %zu question %s", ji, q->name);
        check_all_sizes(f, what);
        if (!large)
            check_large_not_smaller(f, what);
        if (flow_why_not(f) != FLOW_WHY_NONE && q->type == Q_CHECKBOX) { /* radios: no Next */
            snprintf(what, sizeof what, "journey %zu question %s, Next explaining", ji, q->name);
            check_next_explains(f, what);
        }
        switch (q->type) {
        case Q_BOOLEAN:
            flow_activate(f, ACT_CHOICE, 1, NULL, 2);
            break;
        case Q_RATING:
        case Q_RADIOGROUP:
            flow_activate(f, ACT_CHOICE, 0, NULL, 2);
            break;
        case Q_CHECKBOX:
            flow_activate(f, ACT_CHOICE, 0, NULL, 2);
            check_all_sizes(f, "checkbox ticked");
            flow_activate(f, ACT_NEXT, 0, NULL, 2);
            break;
        case Q_TEXT:
        case Q_COMMENT:
            if (q->input == INPUT_TEXT) {
                flow_activate(f, ACT_SYMBOLS, 0, NULL, 2);
                check_all_sizes(f, "keyboard symbols");
                flow_activate(f, ACT_SYMBOLS, 0, NULL, 2);
                /* A long answer: the field shows its end, never spills. */
                for (size_t i = 0; i < q->max_length; i++)
                    flow_text(f, i % 7 == 6 ? " " : (i % 3 ? "字" : "w"), 2);
            } else {
                flow_text(f, "1380013800", 2); /* one digit short in Chinese */
                if (flow_why_not(f) != FLOW_WHY_NONE) {
                    snprintf(what, sizeof what, "journey %zu %s incomplete", ji, q->name);
                    check_next_explains(f, what);
                }
                flow_text(f, "0", 2);
                CHECK_INT(flow_why_not(f), FLOW_WHY_NONE);
            }
            check_all_sizes(f, "text filled");
            flow_activate(f, ACT_NEXT, 0, NULL, 2);
            break;
        }
    }
    record_t *rec;
    if (flow_pending_op(f, &rec) == OP_SAVE) {
        strcpy(rec->ref_code, "HND9E4");
        flow_op_done(f, KIOSK_OK, 3);
        check_all_sizes(f, "thanks");
    }
    flow_free(f);
}

/* Every residents' screen in lang, at every size, in normal and large text. */
static void every_screen_in(const char *lang)
{
    flow_t *f = flow_new(pack, "k", 0);
    flow_set_home_lang(f, lang);
    check_all_sizes(f, "home");
    check_large_not_smaller(f, "home");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0,
                   content_string(pack, "notice.fallback", lang));
        bool notice = false;
        for (size_t i = 0; i < view.n; i++)
            notice = notice || (view.w[i].style == STYLE_NOTICE && !view.w[i].overflow);
        if (!notice)
            fprintf(stderr, "  no readable notice at %dx%d %s\n", sizes[s].w, sizes[s].h, lang);
        CHECK(notice);
    }
    flow_face(f, 0, 1);
    flow_op_done(f, KIOSK_OK, 2);
    check_all_sizes(f, "quick follow-up");
    flow_activate(f, ACT_SKIP, 0, NULL, 3);
    check_all_sizes(f, "quick thanks");
    flow_activate(f, ACT_DONE, 0, NULL, 4);
    flow_activate(f, ACT_JOURNEY, 0, NULL, 5);
    flow_activate(f, ACT_CHOICE, 0, NULL, 6);
    flow_activate(f, ACT_HOME, 0, NULL, 7);
    check_all_sizes(f, "leave prompt");
    flow_activate(f, ACT_LEAVE_STAY, 0, NULL, 8);
    flow_tick(f, 60008);
    CHECK_INT(flow_overlay(f), OVERLAY_IDLE);
    check_all_sizes(f, "idle prompt");
    flow_set_store_ok(f, false, 60009);
    flow_tick(f, 80000);
    check_all_sizes(f, "out of service");
    flow_free(f);
    for (size_t j = 0; j < content_journey_count(pack); j++) {
        walk_journey(j, lang, false);
        walk_journey(j, lang, true);
    }
    /* The screens outside journeys in large text, and the display prompt itself. */
    f = flow_new(pack, "k", 0);
    flow_set_home_lang(f, lang);
    set_display(f, true, false);
    check_all_sizes(f, "home, large text");
    flow_activate(f, ACT_DISPLAY, 0, NULL, 2);
    check_all_sizes(f, "display prompt, large text");
    flow_activate(f, ACT_SPEECH, 0, NULL, 2); /* the third switch, ticked */
    check_all_sizes(f, "display prompt, large text, speech on");
    flow_activate(f, ACT_LARGE_TEXT, 0, NULL, 2);
    check_all_sizes(f, "display prompt, speech on");
    flow_activate(f, ACT_SPEECH, 0, NULL, 2);
    check_all_sizes(f, "display prompt");
    flow_activate(f, ACT_LARGE_TEXT, 0, NULL, 2);
    flow_activate(f, ACT_DISPLAY_CLOSE, 0, NULL, 2);
    flow_face(f, 0, 3);
    flow_op_done(f, KIOSK_OK, 3);
    CHECK(flow_large_text(f)); /* the rating keeps the session's choice */
    check_all_sizes(f, "quick follow-up, large text");
    flow_activate(f, ACT_SKIP, 0, NULL, 4);
    check_all_sizes(f, "quick thanks, large text");
    flow_activate(f, ACT_DONE, 0, NULL, 5);
    flow_activate(f, ACT_JOURNEY, 0, NULL, 6);
    set_display(f, true, true);
    flow_activate(f, ACT_CHOICE, 0, NULL, 7);
    flow_activate(f, ACT_HOME, 0, NULL, 8);
    check_all_sizes(f, "leave prompt, large text");
    flow_activate(f, ACT_LEAVE_STAY, 0, NULL, 9);
    flow_tick(f, 60009);
    check_all_sizes(f, "idle prompt, large text");
    flow_free(f);
}

static void every_screen_fits_at_every_size_in_both_languages(void)
{
    every_screen_in("en");
    every_screen_in("zh-cn");
    fprintf(stderr, "  %d screens checked\n", screens_checked);
    CHECK(screens_checked > 300);
    fprintf(stderr, "  %d faces compared in large and normal text\n", faces_large_checked);
    CHECK(faces_large_checked >= 80); /* home and the rating: 4 faces, 5 sizes, 2 languages */
}

/* The staff screens in each of their states, at every size, in both languages, with figures
 * as large as a busy year gives. */
static void staff_screens_fit(void)
{
    const char *langs[] = {"en", "zh-cn", "ar-test"}; /* ar-test: right to left */
    staff_t states[10] = {0};
    states[0].state = STAFF_PIN;
    states[1].state = STAFF_PIN;
    strcpy(states[1].pin, "123456789012");
    states[2] = states[0];
    states[2].wrong = true;
    states[3] = states[0];
    states[3].locked_until_ms = 900000;
    states[4] = states[0];
    states[4].no_pin = true;
    states[5].state = STAFF_OPEN;
    states[5].stats = (staff_stats_t){.records_today = 123456,
                                      .records_week = 1234567,
                                      .not_exported = 1234567,
                                      .requests_waiting = 99999,
                                      .misuse_flagged = 12345,
                                      .timed_out_week = 12345,
                                      .last_export_ms = 1790000000000,
                                      .db_bytes = 123456789012LL,
                                      .free_bytes = 12345678901234LL,
                                      .last_check_ms = 1790000000000,
                                      .moved_aside = 3,
                                      .now_ms = 1790000000000,
                                      .clock_synced = false,
                                      .retention_held = true};
    for (int i = 6; i < 10; i++) {
        states[i].state = STAFF_OPEN;
        states[i].page = STAFF_PAGE_ERASE;
        strcpy(states[i].erased_ref, "WWWWWW");
    }
    strcpy(states[7].ref, "WWWWWW");
    states[7].page = STAFF_PAGE_CONFIRM;
    states[8].erase_result = ERASE_NOT_FOUND;
    states[9].erase_result = ERASE_FAILED;
    const char *names[] = {"staff PIN",         "staff PIN typed",     "staff PIN wrong",
                           "staff PIN wait",    "staff no PIN",        "staff screen",
                           "staff erase",       "staff erase confirm", "staff erase not found",
                           "staff erase failed"};
    int built = 0;
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
                view_build_staff(&view, &states[i], rtl_pack, langs[l], NULL, sizes[z].w,
                                 sizes[z].h, &metrics, 0);
                check_built(sizes[z].w, sizes[z].h, names[i], langs[l]);
                built++;
                bool close = false;
                for (size_t k = 0; k < view.n; k++)
                    close = close || view.w[k].action == ACT_STAFF_CLOSE;
                CHECK(close); /* always a way out */
            }
    CHECK_INT(built, 3 * 10 * (int)(sizeof sizes / sizeof sizes[0]));
    /* The pages of the menu, filled with the longest a kiosk can show. */
    static staff_t t;
    memset(&t, 0, sizeof t);
    t.state = STAFF_OPEN;
    t.role = STAFF_ROLE_TECHNICIAN;
    t.focus = -1;
    t.stats = states[5].stats;
    strcpy(t.stats.last_export_stick, "STAFF-STICK-2026, Community office");
    staff_content_t *c = &t.content;
    strcpy(c->active_id, "community-centre-feedback-pack");
    strcpy(c->active_version, "2026.11.28-rc1");
    strcpy(c->active_from, "installed");
    strcpy(c->previous_id, "community-centre-feedback-pack");
    strcpy(c->previous_version, "2026.10.01");
    c->stick = true;
    c->npacks = STAFF_MAX_PACKS;
    for (int i = 0; i < STAFF_MAX_PACKS; i++) {
        staff_pack_t *p = &c->packs[i];
        snprintf(p->name, sizeof p->name, "winter-programme-%d-with-a-long-name.json", i);
        strcpy(p->id, "community-centre-feedback-pack");
        strcpy(p->version, "2026.12.01");
        p->ok = i % 2 == 0;
        /* As long as a reason is kept (the app cuts it; the log has it whole). */
        snprintf(p->why, sizeof p->why, "%.71s",
                 "expected a text in every language of the pack, and at most 40 questions in "
                 "one journey");
    }
    staff_hours_t *h = &t.hours;
    h->configured = true;
    for (int d = 0; d < 7; d++)
        strcpy(h->week[d], "08:00–12:00, 13:00–17:00, 18:00–22:00");
    h->today = 3;
    h->quiet = true;
    h->overridden = true;
    strcpy(h->until, "Wednesday 08:00");
    staff_tech_t *tech = &t.tech;
    strcpy(tech->kiosk_id, "community-centre-lobby-east-entrance-01");
    strcpy(tech->display, "1920x1080, rotation 270°, kmsdrm");
    strcpy(tech->versions, "kiosk 0.6.0 · SDL 2.26.5 · SDL_ttf 2.20.1 · SQLite 3.40.1 · "
                           "libsodium 1.0.18 · libgpiod 1.6.3");
    strcpy(tech->system, "Debian GNU/Linux 12 (bookworm) · kernel 6.1.0-28-arm64 · "
                         "kiosk-lobby-east · up 123 d 23 h 59 min");
    strcpy(tech->network, "eth0 up 192.168.100.200/24 fe80::dea6:32ff:fe01:2345/64\n"
                          "wlan0 up 10.20.30.40/16 fe80::1/64");
    tech->nlog = STAFF_LOG_LINES;
    for (int i = 0; i < STAFF_LOG_LINES; i++)
        snprintf(tech->log[i], sizeof tech->log[i],
                 "12:34:%02d warn usb: refused: /media/kiosk/STICK/kiosk-staff.token: signature "
                 "does not match the organisation's key",
                 i);
    tech->nbuttons = 16;
    tech->buttons_live = true;
    for (int i = 0; i < 16; i++) {
        snprintf(tech->buttons[i].name, sizeof tech->buttons[i].name, "face %d", i + 1);
        strcpy(tech->buttons[i].line, "GPIO27");
        tech->buttons[i].presses = 999; /* a test session's worth */
        tech->buttons[i].bounces = 999;
        tech->buttons[i].lit = i % 3 == 0;
    }
    tech->ntouch = STAFF_TOUCH_POINTS;
    for (int i = 0; i < STAFF_TOUCH_POINTS; i++) {
        tech->touch_x[i] = i * 40 - 5; /* some at the very edges */
        tech->touch_y[i] = i * 30;
    }
    tech->touch_total = 500;
    tech->touched = 0x00ff00ffu;
    t.self_test.storage = CHECK_FAILED;
    strcpy(t.self_test.storage_detail, "cannot write: No space left on device");
    strcpy(t.result, "Not switched, nothing changed: winter.json: $.journeys[3]: too many "
                     "questions in one journey (at most 40)");
    t.result_bad = true;
    for (int k = 0; k < CLOCK_FIELDS; k++)
        t.clock[k] = k == 0 ? 2026 : 28;
    struct {
        staff_page_t page;
        staff_work_t work;
        int chosen;
        const char *name;
    } pages[] = {
        {STAFF_PAGE_MENU, 0, 0, "staff menu"},
        {STAFF_PAGE_FIGURES, 0, 0, "staff figures"},
        {STAFF_PAGE_CONTENT, 0, 0, "staff content"},
        {STAFF_PAGE_CONTENT_CONFIRM, 0, 0, "staff content confirm"},
        {STAFF_PAGE_CONTENT_CONFIRM, 0, -1, "staff content rollback"},
        {STAFF_PAGE_CLOCK, 0, 0, "staff clock"},
        {STAFF_PAGE_HOURS, 0, 0, "staff hours"},
        {STAFF_PAGE_TECH, 0, 0, "technician"},
        {STAFF_PAGE_TECH_BUTTONS, 0, 0, "button test"},
        {STAFF_PAGE_TECH_TOUCH, 0, 0, "touch test"},
        {STAFF_PAGE_TECH_LOG, 0, 0, "log"},
        {STAFF_PAGE_POWER_CONFIRM, STAFF_WORK_REBOOT, 0, "power confirm"},
        {STAFF_PAGE_WORKING, STAFF_WORK_SET_CLOCK, 0, "working"},
        {STAFF_PAGE_SELF_TEST, 0, 0, "self-test"},
    };
    int n_pages = (int)(sizeof pages / sizeof pages[0]);
    built = 0;
    for (size_t l = 0; l < 3; l++)
        for (int i = 0; i < n_pages; i++)
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
                for (int variant = 0; variant < 2; variant++) {
                    t.page = pages[i].page;
                    t.work = pages[i].work;
                    t.chosen_pack = pages[i].chosen;
                    /* Variant 1: nothing to show (no stick, no hours, no buttons, the clock
                     * synchronised, staff rather than a technician). */
                    staff_t u = t;
                    if (variant) {
                        u.content.stick = false;
                        u.content.previous_id[0] = '\0';
                        u.hours.configured = false;
                        u.tech.nbuttons = 0;
                        u.tech.nlog = 0;
                        u.tech.ntouch = 0;
                        u.tech.touch_total = 0;
                        u.stats.clock_synced = true;
                        u.result[0] = '\0';
                        if (u.page == STAFF_PAGE_MENU)
                            u.role = STAFF_ROLE_STAFF;
                        if (u.page == STAFF_PAGE_CONTENT_CONFIRM)
                            continue;
                    }
                    view_build_staff(&view, &u, rtl_pack, langs[l], NULL, sizes[z].w, sizes[z].h,
                                     &metrics, 0);
                    check_built(sizes[z].w, sizes[z].h, pages[i].name, langs[l]);
                    built++;
                    bool close = false;
                    for (size_t k = 0; k < view.n; k++)
                        close = close || view.w[k].action == ACT_STAFF_CLOSE;
                    CHECK(close || u.page == STAFF_PAGE_WORKING);
                }
    fprintf(stderr, "  %d staff and technician screens checked\n", built);
    /* The attract screen outside opening hours, with and without the time it opens again. */
    for (size_t l = 0; l < 3; l++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
            for (int r = 0; r < 2; r++) {
                view_build_attract(&view, rtl_pack, langs[l], r ? "Wednesday 08:00" : NULL,
                                   sizes[z].w, sizes[z].h, &metrics);
                check_built(sizes[z].w, sizes[z].h, "attract", langs[l]);
                CHECK(view.high_contrast); /* dark: dim, and AAA contrast */
                const widget_t *w = view_hit(&view, sizes[z].w / 2, sizes[z].h - 2);
                CHECK(w && w->action == ACT_WAKE); /* a touch anywhere wakes */
            }
    CHECK(built >= 2 * 11 * 2 * (int)(sizeof sizes / sizeof sizes[0]));
    /* The PIN is never drawn, only as many dots. */
    view_build_staff(&view, &states[1], pack, "en", NULL, 800, 480, &metrics, 0);
    for (size_t k = 0; k < view.n; k++)
        CHECK(!strstr(view.w[k].text, "1234"));
}

static void focus_ring_follows_reading_order(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    /* Home: display choices, language, four faces, four journeys. */
    CHECK_INT(view.focusable, 10);
    CHECK_INT(view_focusable(&view, 0)->action, ACT_DISPLAY);
    CHECK_INT(view_focusable(&view, 1)->action, ACT_LANG);
    CHECK_INT(view_focusable(&view, 2)->action, ACT_FACE);
    CHECK_INT(view_focusable(&view, 6)->action, ACT_JOURNEY);
    flow_nav(f, NAV_NEXT, view.focusable, 1);
    flow_nav(f, NAV_NEXT, view.focusable, 2);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    int focused = 0;
    for (size_t i = 0; i < view.n; i++)
        focused += view.w[i].focused;
    CHECK_INT(focused, 1);
    CHECK(view_focusable(&view, 1)->focused);
    /* A new screen reached by buttons puts the ring on its first answer, past Home and the
     * language button. */
    flow_activate(f, ACT_JOURNEY, 1, NULL, 3);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    CHECK_INT(flow_focus(f), FLOW_FOCUS_START);
    REQUIRE(view.focus_index >= 0);
    const widget_t *first = view_focusable(&view, (size_t)view.focus_index);
    CHECK_INT(first->action, ACT_CHOICE);
    CHECK_INT(first->arg, 0);
    CHECK(first->focused);
    flow_set_focus(f, view.focus_index);
    flow_nav(f, NAV_HOME, view.focusable, 4);
    /* A prompt takes the ring: only its buttons are reachable. */
    flow_activate(f, ACT_JOURNEY, 0, NULL, 3);
    flow_activate(f, ACT_CHOICE, 0, NULL, 4);
    flow_activate(f, ACT_HOME, 0, NULL, 5);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    CHECK_INT(view.focusable, 2);
    CHECK_INT(view_focusable(&view, 0)->action, ACT_LEAVE_STAY);
    flow_free(f);
}

/* The countdown bar and the seconds of the idle prompt. */
static void idle_prompt_shows(const flow_t *f, int64_t now, double *fraction, char *text,
                              size_t len)
{
    view_build(&view, f, 800, 480, &metrics, now, NULL);
    *fraction = -1;
    text[0] = '\0';
    for (size_t i = view.overlay_start; i < view.n; i++) {
        if (view.w[i].kind == W_BAR)
            *fraction = view.w[i].fraction;
        if (view.w[i].kind == W_LABEL && strpbrk(view.w[i].text, "0123456789"))
            snprintf(text, len, "%s", view.w[i].text);
    }
}

/* The idle prompt changes only at the countdown's steps (FLOW_IDLE_STEP_MS): a view built
 * anywhere inside a step is the same, the next step moves the bar and, on whole seconds, the
 * number; flow_idle_next_step() says when, so the loop sleeps until then. */
static void the_countdown_changes_only_at_its_steps(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    flow_activate(f, ACT_JOURNEY, 0, NULL, 1);
    flow_activate(f, ACT_CHOICE, 0, NULL, 2);
    int64_t since = flow_next_deadline(f); /* the prompt comes then */
    REQUIRE(since < INT64_MAX);
    flow_tick(f, since);
    REQUIRE(flow_overlay(f) == OVERLAY_IDLE);
    CHECK_INT(flow_idle_next_step(f, since), since + FLOW_IDLE_STEP_MS);
    double first, frac, last = 2;
    char first_text[512], text[512], prev_text[512];
    idle_prompt_shows(f, since, &first, first_text, sizeof first_text);
    snprintf(prev_text, sizeof prev_text, "%s", first_text);
    CHECK(first == 1.0);
    CHECK(first_text[0] != '\0');
    for (int step = 0; step < 8; step++) {
        int64_t start = since + step * FLOW_IDLE_STEP_MS;
        double at_start;
        char start_text[512];
        idle_prompt_shows(f, start, &at_start, start_text, sizeof start_text);
        CHECK(at_start < last); /* each step moves the bar */
        last = at_start;
        for (int64_t in = 1; in < FLOW_IDLE_STEP_MS; in += 83) {
            idle_prompt_shows(f, start + in, &frac, text, sizeof text);
            CHECK(frac == at_start);
            CHECK_STR(text, start_text);
            CHECK_INT(flow_idle_next_step(f, start + in), start + FLOW_IDLE_STEP_MS);
        }
        /* the number changes only on whole seconds */
        CHECK(strcmp(start_text, prev_text) == 0 || (step * FLOW_IDLE_STEP_MS) % 1000 == 0);
        snprintf(prev_text, sizeof prev_text, "%s", start_text);
    }
    /* The number changes a second in. */
    idle_prompt_shows(f, since + 999, &frac, text, sizeof text);
    CHECK_STR(text, first_text);
    idle_prompt_shows(f, since + 1000, &frac, text, sizeof text);
    CHECK(strcmp(text, first_text) != 0);
    flow_activate(f, ACT_IDLE_CONTINUE, 0, NULL, since + 1001);
    CHECK(flow_idle_next_step(f, since + 1002) == INT64_MAX);
    flow_free(f);
}

static void m_many_services(cJSON *r)
{
    cJSON *services = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "catalogs"), "services");
    for (int i = cJSON_GetArraySize(services); i < 30; i++) { /* thirty in all */
        char json[160];
        snprintf(json, sizeof json,
                 "{\"value\":\"EXTRA_%d\",\"text\":{\"default\":\"Extra service %d\","
                 "\"zh-cn\":\"其他服务%d\"}}",
                 i, i, i);
        cJSON_AddItemToArray(services, cJSON_Parse(json));
    }
}

static void long_lists_page(void)
{
    /* Thirty services do not fit one screen: More and Previous page reach them all. */
    content_t *big = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(m_many_services, &big, &err) == KIOSK_OK);
    flow_t *f = flow_new(big, "k", 0);
    flow_activate(f, ACT_JOURNEY, 1, NULL, 1);
    bool seen[30] = {false};
    for (int page = 0; page < 6; page++) {
        view_build(&view, f, 800, 480, &metrics, 0, NULL);
        const widget_t *more = NULL, *prev = NULL;
        for (size_t i = 0; i < view.n; i++) {
            if (view.w[i].action == ACT_PAGE_NEXT)
                more = &view.w[i];
            if (view.w[i].action == ACT_PAGE_PREV)
                prev = &view.w[i];
            if (view.w[i].action == ACT_CHOICE)
                seen[view.w[i].arg] = true;
        }
        REQUIRE(more && prev);
        CHECK(prev->disabled == (page == 0));
        if (more->disabled)
            break;
        flow_activate(f, ACT_PAGE_NEXT, 0, NULL, 2);
    }
    for (int i = 0; i < 30; i++)
        CHECK(seen[i]);
    flow_free(f);
    content_free(big);
}

/* ---- text fitting, called directly through the layout's private header ---- */

static ctx_t text_ctx(void)
{
    ctx_t x;
    lay_start(&x, &view, 800, 480, false, false, pack, "en", &metrics);
    return x;
}

/* "a\n" 3,000 times at 10 px (13 px lines) in a box of 2,047 lines: the old wrap() cut this
 * at its 4 KiB buffer with the 2,047th newline in the buffer's last byte but one, and the
 * ellipsis written over it ran one byte past the buffer (ASan: stack-buffer-overflow). */
static void ellipsis_after_a_full_box_stays_in_bounds(void)
{
    char *text = malloc(6001);
    REQUIRE(text);
    for (int i = 0; i < 3000; i++)
        memcpy(text + 2 * i, "a\n", 2);
    text[6000] = '\0';
    ctx_t x = text_ctx();
    fitted_t r = lay_fit_text(&x, text, (rect_t){0, 0, 400, 2047 * 13}, 10, 10, false, false);
    CHECK(r.overflow);
    CHECK_INT(r.lines, 2047);
    CHECK_INT(strlen(r.text), 2046 * 2 + strlen("a…"));
    CHECK(strcmp(r.text + strlen(r.text) - strlen("a…"), "a…") == 0); /* visibly cut */
    CHECK(!view.text_truncated);
    free(text);
}

/* The same at the very end of the view's text buffer, whatever room is left: the ellipsis
 * never runs past the buffer (into the view's bookkeeping after it). */
static void ellipsis_at_the_end_of_the_view_text_stays_in_bounds(void)
{
    char text[2 * 40 + 1];
    for (int i = 0; i < 40; i++)
        memcpy(text + 2 * i, "a\n", 2);
    text[80] = '\0';
    for (size_t room = 1; room <= 64; room++) {
        ctx_t x = text_ctx();
        const size_t start = sizeof view.text - room;
        view.text_used = start;
        fitted_t r = lay_fit_text(&x, text, (rect_t){0, 0, 400, 13 * 20}, 10, 10, false, false);
        CHECK(r.overflow); /* 40 lines in a box of 20: cut, or no room at all */
        CHECK(view.text_used <= sizeof view.text);
        if (*r.text) {
            CHECK_INT(view.text_used, start + strlen(r.text) + 1);
            CHECK(strcmp(r.text + strlen(r.text) - strlen("…"), "…") == 0);
        } else {
            CHECK(view.text_truncated);
            CHECK_INT(view.text_used, start);
        }
    }
}

/* Words "w0000 " to "w1199 ": 7,200 bytes, more than the old 4 KiB buffer held. */
static char *long_sentence(void)
{
    char *text = malloc(1200 * 6 + 1);
    if (!text)
        return NULL;
    for (int i = 0; i < 1200; i++)
        snprintf(text + 6 * i, 7, "w%04d ", i);
    text[1200 * 6 - 1] = '\0'; /* no trailing space */
    return text;
}

static void text_beyond_4_kib_is_laid_out_whole(void)
{
    char *text = long_sentence();
    REQUIRE(text);
    ctx_t x = text_ctx();
    /* A box that holds it all at 10 px: every word is there, in order. */
    fitted_t r = lay_fit_text(&x, text, (rect_t){0, 0, 2000, 2000}, 10, 10, false, false);
    CHECK(!r.overflow);
    CHECK(r.lines > 1);
    char *joined = strdup(r.text);
    REQUIRE(joined);
    for (char *p = joined; *p; p++)
        if (*p == '\n')
            *p = ' ';
    CHECK_STR(joined, text);
    free(joined);
    free(text);
}

static void text_too_long_for_its_box_ends_with_an_ellipsis(void)
{
    char *text = long_sentence();
    REQUIRE(text);
    ctx_t x = text_ctx();
    fitted_t r = lay_fit_text(&x, text, (rect_t){0, 0, 300, 130}, 10, 10, false, false);
    CHECK(r.overflow);
    CHECK_INT(r.lines, 10);
    size_t n = strlen(r.text);
    CHECK(n > strlen("…") && strcmp(r.text + n - strlen("…"), "…") == 0);
    /* What is shown is the text's beginning, broken into lines. */
    size_t i = 0, j = 0;
    while (r.text[i] && strncmp(r.text + i, "…", strlen("…")) != 0) {
        CHECK(r.text[i] == text[j] || (r.text[i] == '\n' && text[j] == ' '));
        i++, j++;
    }
    free(text);
}

/* A field shows the end of what was typed, however long: 4,000 CJK characters (12,000 bytes,
 * the longest a pack allows) went past the old 8 KiB buffer and showed stale lines. */
static void typed_text_field_shows_the_end_of_a_long_text(void)
{
    char *text = malloc(4000 * 3 + 8);
    REQUIRE(text);
    for (int i = 0; i < 4000; i++)
        memcpy(text + 3 * i, "字", 3);
    strcpy(text + 4000 * 3, "end");
    ctx_t x = text_ctx();
    int lines;
    const char *tail = lay_wrap_tail(&x, text, 20, 400, 3, &lines);
    REQUIRE(tail);
    CHECK_INT(lines, 201); /* 20 characters of 20 px a line, then "end" */
    size_t n = strlen(tail);
    CHECK(n >= 3 && strcmp(tail + n - 3, "end") == 0);
    int nl = 0;
    for (const char *p = tail; *p; p++)
        nl += *p == '\n';
    CHECK_INT(nl, 2); /* the last three lines */
    free(text);
}

/* A UTF-8 sequence cut by the end of the text is one character of its own: the old decoder
 * took the lead byte's length and stepped past the terminator (ASan: heap-buffer-overflow). */
static void cut_utf8_sequence_does_not_run_past_the_text(void)
{
    const char src[] = "ab \xe4\xb8";
    char *text = malloc(sizeof src);
    REQUIRE(text);
    memcpy(text, src, sizeof src);
    ctx_t x = text_ctx();
    fitted_t r = lay_fit_text(&x, text, (rect_t){0, 0, 400, 100}, 20, 16, false, false);
    CHECK_STR(r.text, src);
    r = lay_fit_text(&x, text + 3, (rect_t){0, 0, 1, 100}, 20, 16, false, false);
    CHECK_STR(r.text, "\xe4\n\xb8\n"); /* broken between its bytes, never beyond them */
    free(text);
}

/* ---- line breaking by Unicode's rules with the Chinese rules on top ---- */

/* text wrapped at 10 px (CJK 10 px a character) in a box width px wide, one size only. */
static const char *wrapped(const char *text, int width, const char *lang)
{
    ctx_t x = text_ctx();
    x.lang = lang;
    fitted_t r = lay_fit_text(&x, text, (rect_t){0, 0, width, 1000}, 10, 10, false, false);
    CHECK(!r.overflow);
    return r.text;
}

static void chinese_lines_keep_words_and_punctuation(void)
{
    /* Nine characters a line: the tenth alone would end the text; 中心 goes down together. */
    CHECK_STR(wrapped("欢迎来到社区服务中心", 90, "zh-cn"), "欢迎来到社区服务\n中心");
    CHECK_STR(wrapped("非常不满意", 40, "zh-cn"), "非常不\n满意");
    /* A comma, full stop, closing bracket or question mark never starts a line: the character
     * before it goes down with it. */
    CHECK_STR(wrapped("一二三四五六七八九，十一", 90, "zh-cn"), "一二三四五六七八\n九，十一");
    CHECK_STR(wrapped("一二三四五六七八九。十一", 90, "zh-cn"), "一二三四五六七八\n九。十一");
    CHECK_STR(wrapped("一二三四五六七八（九）十", 90, "zh-cn"), "一二三四五六七八\n（九）十");
    CHECK_STR(wrapped("一二三四五六七八九？", 90, "zh-cn"), "一二三四五六七\n八九？");
    /* The middle dot of a transcribed name (买买提·艾力) never starts a line: UAX #14 allows a
     * break before it in Chinese (class AI), the Chinese rules on top do not. */
    CHECK_STR(wrapped("一二三四五六七八九·十一", 90, "zh-cn"), "一二三四五六七八\n九·十一");
    /* An opening bracket does not end a line either (UAX #14, LB14). */
    CHECK_STR(wrapped("一二三四五六七（八九）", 80, "zh-cn"), "一二三四五六七\n（八九）");
    /* Latin words stay whole, break after spaces and hyphens; numbers stay whole. */
    CHECK_STR(wrapped("well-being 2026-12-01", 100, "en"), "well-being\n2026-12-01");
    /* A lone last character stays when no earlier break lets the rest fit a line and leaves
     * two characters or more on the line before. */
    CHECK_STR(wrapped("一二三四五", 40, "zh-cn"), "一二三\n四五");
    CHECK_STR(wrapped("一二三", 20, "zh-cn"), "一二\n三");
    /* A short word on a button stays whole at a smaller size rather than break (删 / 除). */
    ctx_t x = text_ctx();
    fitted_t r = lay_fit_short(&x, "删除", (rect_t){0, 0, 30, 100}, 20, 14, false);
    CHECK_STR(r.text, "删除");
    CHECK_INT(r.px, 15);
}

/* The top bar's title never wraps: at 720x1280 in large text a long Chinese title takes a
 * smaller size within the limits, or goes below the bar, whole, on its own lines. */
static void top_bar_titles_stay_on_one_line(void)
{
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t j = 0; j < content_journey_count(pack); j++) {
            flow_t *f = flow_new(pack, "k", 0);
            flow_set_home_lang(f, "zh-cn");
            flow_activate(f, ACT_JOURNEY, (int)j, NULL, 1);
            set_display(f, true, false);
            view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0, NULL);
            const char *title = content_text(pack, &content_journey(pack, j)->title, "zh-cn");
            double u = (sizes[s].w < sizes[s].h ? sizes[s].w : sizes[s].h) / 480.0;
            int in_bar = 0, below = 0;
            for (size_t i = 0; i < view.n; i++) {
                const widget_t *w = &view.w[i];
                in_bar +=
                    w->style == STYLE_TOPBAR && w->kind == W_LABEL && strcmp(w->text, title) == 0;
                below += w->style == STYLE_TITLE && w->r.y >= view.w[0].r.h &&
                         strcmp(w->text, title) == 0;
                if (w->style == STYLE_TOPBAR && w->kind == W_LABEL)
                    CHECK(w->px >= (int)(20 * u)); /* scaled down within the limits */
            }
            CHECK_INT(in_bar + below, 1);
            flow_free(f);
        }
}

/* Portrait is designed for portrait: at 720x1280 the home screen's faces sit two by two, at
 * least as large as in landscape's row, and the journeys, one a row, reach down to the
 * bottom margin; in both languages, in normal and large text. */
static void portrait_home_is_designed_for_portrait(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++)
        for (int large = 0; large < 2; large++) {
            flow_t *f = flow_new(pack, "k", 0);
            flow_set_home_lang(f, langs[l]);
            if (large)
                set_display(f, true, false);
            view_build(&view, f, 720, 1280, &metrics, 0, NULL);
            const widget_t *faces[4] = {NULL};
            int nf = 0, nj = 0, bottom = 0, left = 720;
            for (size_t i = 0; i < view.n; i++) {
                const widget_t *w = &view.w[i];
                if (w->kind == W_FACE && nf < 4)
                    faces[nf++] = w;
                if (w->action == ACT_JOURNEY) {
                    nj++;
                    bottom = w->r.y + w->r.h > bottom ? w->r.y + w->r.h : bottom;
                    left = w->r.x < left ? w->r.x : left;
                    CHECK(w->r.w > 720 * 9 / 10); /* one a row, across the screen */
                }
            }
            REQUIRE(nf == 4);
            CHECK_INT(faces[1]->r.y, faces[0]->r.y);
            CHECK_INT(faces[3]->r.y, faces[2]->r.y);
            CHECK(faces[2]->r.y > faces[0]->r.y + faces[0]->r.h); /* a second row */
            CHECK_INT(faces[2]->r.x, faces[0]->r.x);
            CHECK(face_diameter(faces[0], 1.5) >= 88); /* scaled: 59 px at 480 */
            CHECK_INT(nj, (int)content_journey_count(pack));
            CHECK(bottom >= 1280 - 2 * 21); /* the list takes the height */
            flow_free(f);
        }
}

/* Whether a widget of the view shows text, wherever its lines were broken. */
static void squeeze(char *dst, size_t len, const char *src)
{
    size_t o = 0;
    for (; *src && o + 1 < len; src++)
        if (*src != '\n' && *src != ' ')
            dst[o++] = *src;
    dst[o] = '\0';
}

static bool view_shows(const char *text)
{
    /* Spaces and line breaks aside: a line may break at a space or between two Chinese
     * characters. */
    char want[256];
    squeeze(want, sizeof want, text);
    for (size_t i = 0; i < view.n; i++) {
        const char *t[] = {view.w[i].text, view.w[i].text2};
        for (int k = 0; k < 2; k++) {
            char flat[512];
            squeeze(flat, sizeof flat, t[k] ? t[k] : "");
            if (strstr(flat, want))
                return true;
        }
    }
    return false;
}

/* Dates on the staff pages are local time from the offset given, not the process's zone. */
static void staff_dates_use_the_offset_given(void)
{
    static staff_t s;
    memset(&s, 0, sizeof s);
    s.state = STAFF_OPEN;
    s.page = STAFF_PAGE_FIGURES;
    s.stats.last_export_ms = 951782400000LL; /* 2000-02-29T00:00:00Z */
    s.stats.last_check_ms = 951868799999LL;  /* 2000-02-29T23:59:59.999Z */
    view_build_staff(&view, &s, pack, "en", NULL, 800, 480, &metrics, 0);
    CHECK(view_shows("2000-02-29 00:00"));
    CHECK(view_shows("2000-02-29 23:59"));
    view_options_t east = {.utc_offset_min = 8 * 60};
    view_build_staff(&view, &s, pack, "en", &east, 800, 480, &metrics, 0);
    CHECK(view_shows("2000-02-29 08:00"));
    CHECK(view_shows("2000-03-01 07:59"));
    view_options_t west = {.utc_offset_min = -(3 * 60 + 30)};
    view_build_staff(&view, &s, pack, "en", &west, 800, 480, &metrics, 0);
    CHECK(view_shows("2000-02-28 20:30"));
    CHECK(view_shows("2000-02-29 20:29"));
}

/* The clock page says when retention waits for a confirmed clock (and the menu marks the
 * clock and the figures for attention), synchronised or not. */
static void staff_clock_page_says_when_retention_waits(void)
{
    static staff_t s;
    for (int synced = 0; synced < 2; synced++) {
        memset(&s, 0, sizeof s);
        s.state = STAFF_OPEN;
        s.page = STAFF_PAGE_CLOCK;
        s.stats.clock_synced = synced;
        s.stats.retention_held = true;
        view_build_staff(&view, &s, pack, "en", NULL, 800, 480, &metrics, 0);
        CHECK(view_shows("waits for a confirmed clock"));
        view_build_staff(&view, &s, pack, "zh-cn", NULL, 720, 1280, &metrics, 0);
        CHECK(view_shows("等待确认时钟"));
        s.stats.retention_held = false;
        view_build_staff(&view, &s, pack, "en", NULL, 800, 480, &metrics, 0);
        CHECK(!view_shows("waits for a confirmed clock"));
    }
}

/* Every input method on every text question: the pad, the candidate bar (a full page, a
 * second page, the punctuation while nothing is composed), Latin letters and digits, at every
 * size, in both languages, with large text. */
static void check_ime_modes(flow_t *f, const char *qname)
{
    char what[160];
    for (int m = 0; m < IME_MODE_COUNT; m++) {
        flow_activate(f, ACT_IME_MODE, m, NULL, 2);
        snprintf(what, sizeof what, "%s ime %s", qname, ime_mode_name((ime_mode_t)m));
        check_all_sizes(f, what);
        if (m == IME_PINYIN) {
            flow_text(f, "ni", 3); /* a full page with a next one */
            snprintf(what, sizeof what, "%s pinyin candidates", qname);
            check_all_sizes(f, what);
            /* Every candidate of the page is a target, with the next page's button. */
            size_t shown = 0, next = 0;
            for (size_t i = 0; i < view.n; i++) {
                shown += view.w[i].action == ACT_IME_CANDIDATE;
                next += view.w[i].action == ACT_IME_PAGE_NEXT && !view.w[i].disabled;
            }
            CHECK_INT(shown, flow_ime(f)->out.ncandidates);
            CHECK_INT(next, 1);
            flow_activate(f, ACT_IME_PAGE_NEXT, 0, NULL, 4);
            snprintf(what, sizeof what, "%s pinyin second page", qname);
            check_all_sizes(f, what);
            flow_activate(f, ACT_IME_CANDIDATE, 0, NULL, 5);
        }
        if (m == IME_HANDWRITING) {
            flow_pad(f, FLOW_PAD_DOWN, 10, 50, 200, 3);
            flow_pad(f, FLOW_PAD_MOVE, 190, 50, 200, 3);
            flow_pad(f, FLOW_PAD_UP, 190, 50, 200, 3);
            snprintf(what, sizeof what, "%s handwriting candidates", qname);
            check_all_sizes(f, what);
            bool pad = false;
            for (size_t i = 0; i < view.n; i++)
                pad = pad || (view.w[i].kind == W_PAD && view.w[i].strokes &&
                              view.w[i].strokes->nstrokes == 1);
            /* The pad takes a finger, not the focus ring (handwriting needs a finger). */
            for (size_t i = 0; i < view.focusable; i++)
                CHECK(view_focusable(&view, i)->kind != W_PAD);
            if (!pad)
                fprintf(stderr, "  no pad with a stroke: %s mode %d strokes %zu\n", qname,
                        (int)flow_ime(f)->mode, flow_ime(f)->strokes.nstrokes);
            CHECK(pad);
        }
    }
}

static void input_methods_fit_at_every_size(void)
{
    const char *langs[] = {"en", "zh-cn", "ar-test"}; /* ar-test: right to left */
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    for (size_t l = 0; l < 3; l++)
        for (int large = 0; large < 2; large++)
            for (size_t ji = 0; ji < content_journey_count(rtl_pack); ji++) {
                flow_t *f = flow_new(rtl_pack, "k", 0);
                flow_set_home_lang(f, langs[l]);
                flow_set_ime(f, &e);
                flow_activate(f, ACT_JOURNEY, (int)ji, NULL, 1);
                if (large)
                    set_display(f, true, true);
                for (int guard = 0; guard < 40 && flow_screen(f) == SCREEN_QUESTION; guard++) {
                    record_t *rec;
                    if (flow_pending_op(f, &rec) != OP_NONE) /* a save between pages */
                        flow_op_done(f, KIOSK_OK, 5);
                    const question_t *q = flow_question(f);
                    if (!q)
                        break;
                    if ((q->type == Q_TEXT || q->type == Q_COMMENT) && q->input == INPUT_TEXT) {
                        check_ime_modes(f, q->name);
                        flow_activate(f, ACT_IME_MODE, IME_LATIN, NULL, 6);
                        flow_text(f, "Wang", 6);
                    }
                    if (q->type == Q_TEXT || q->type == Q_COMMENT) {
                        if (q->input != INPUT_TEXT)
                            flow_text(f, "13800138000", 6);
                        flow_activate(f, ACT_NEXT, 0, NULL, 7);
                    } else {
                        flow_activate(f, ACT_CHOICE, q->type == Q_BOOLEAN ? 1 : 0, NULL, 7);
                        if (q->type == Q_CHECKBOX)
                            flow_activate(f, ACT_NEXT, 0, NULL, 7);
                    }
                }
                flow_free(f);
            }
}

/* The index of the first focusable widget with this action (and arg), or -1. */
static int ring_index_of(action_t action, int arg)
{
    for (size_t i = 0; i < view.focusable; i++) {
        const widget_t *w = view_focusable(&view, i);
        if (w->action == action && (arg < 0 || w->arg == arg))
            return (int)i;
    }
    return -1;
}

/* Pinyin by buttons: after a candidate is chosen the ring goes to the first candidate of what
 * is still composed, then, the composition done, to the first letter key; never to whatever
 * took the chosen candidate's place (a punctuation key that would type "，" on the next OK). */
static void the_ring_follows_a_chosen_candidate(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        flow_t *f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, "zh-cn");
        flow_set_ime(f, &e);
        flow_activate(f, ACT_JOURNEY, 1, NULL, 1); /* the service request: its description */
        for (int guard = 0; guard < 8 && flow_question(f)->type != Q_COMMENT; guard++)
            flow_activate(f, ACT_CHOICE, 0, NULL, 1);
        REQUIRE(flow_question(f)->type == Q_COMMENT);
        flow_activate(f, ACT_IME_MODE, IME_PINYIN, NULL, 2);
        flow_text(f, "nia", 3);             /* 你 for "ni", then "a" still to convert */
        CHECK(flow_nav(f, NAV_NEXT, 1, 4)); /* a button user: the ring shows */
        view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0, NULL);
        int third = ring_index_of(ACT_IME_CANDIDATE, 2);
        REQUIRE(third >= 0);
        flow_set_focus(f, third);
        CHECK(flow_activate(f, ACT_IME_CANDIDATE, 0, NULL, 5));
        CHECK_INT(flow_focus(f), FLOW_FOCUS_CANDIDATES);
        view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0, NULL);
        CHECK_INT(view.focus_index, ring_index_of(ACT_IME_CANDIDATE, 0));
        flow_set_focus(f, view.focus_index);
        CHECK(flow_activate(f, ACT_IME_CANDIDATE, 0, NULL, 6)); /* 啊: nothing left to compose */
        view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0, NULL);
        const widget_t *w =
            view.focus_index >= 0 ? view_focusable(&view, (size_t)view.focus_index) : NULL;
        REQUIRE(w);
        CHECK_INT(w->action, ACT_KEY);
        CHECK(w->key_text && strlen(w->key_text) == 1 && w->key_text[0] >= 'a' &&
              w->key_text[0] <= 'z');
        flow_free(f);
    }
}

/* The widget of the view with this action and argument, or NULL. */
static const widget_t *widget_of(action_t action, int arg)
{
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].action == action && view.w[i].arg == arg)
            return &view.w[i];
    return NULL;
}

/* Back to an answered single choice (a radiogroup, a yes/no): the chosen one shows a tick,
 * its words beside the tick box, and no other does. */
static void a_chosen_single_answer_shows_a_tick_when_revisited(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    flow_activate(f, ACT_JOURNEY, 1, NULL, 1);
    flow_activate(f, ACT_CHOICE, 2, NULL, 2);
    for (int step = 0; step < 2; step++) {
        if (step == 1) { /* the consent's yes/no */
            flow_activate(f, ACT_NEXT, 0, NULL, 3);
            while (flow_question(f) && flow_question(f)->type != Q_BOOLEAN)
                flow_activate(f, flow_question(f)->type == Q_COMMENT ? ACT_SKIP : ACT_CHOICE, 0,
                              NULL, 3);
            REQUIRE(flow_question(f));
            flow_activate(f, ACT_CHOICE, 0, NULL, 4);
            flow_activate(f, ACT_BACK, 0, NULL, 5);
        } else {
            flow_activate(f, ACT_BACK, 0, NULL, 3);
        }
        int chosen = step == 0 ? 2 : 0;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            check_view(f, sizes[s].w, sizes[s].h, "revisited single choice");
            for (size_t i = 0; i < view.n; i++) {
                const widget_t *w = &view.w[i];
                if (w->action == ACT_CHOICE)
                    CHECK_INT(w->checked, w->arg == chosen);
            }
            const widget_t *w = widget_of(ACT_CHOICE, chosen);
            REQUIRE(w);
            double u = (double)(sizes[s].w < sizes[s].h ? sizes[s].w : sizes[s].h) / 480.0;
            CHECK(w->tr.x >= w->r.x + (int)(42 * u)); /* the words clear the tick box */
            CHECK(w->r.w >= (int)(110 * u));
        }
    }
    flow_free(f);
}

/* Walks a service request (consent yes or no) and saves it with the code 3TRET4. */
static flow_t *service_request_thanks(const char *lang, bool large, bool consent)
{
    flow_t *f = flow_new(pack, "k", 0);
    flow_set_home_lang(f, lang);
    if (large)
        set_display(f, true, false);
    flow_activate(f, ACT_JOURNEY, 1, NULL, 1);
    while (flow_question(f)) {
        const question_t *q = flow_question(f);
        if (q->type == Q_BOOLEAN)
            flow_activate(f, ACT_CHOICE, consent, NULL, 2);
        else if (q->type == Q_COMMENT)
            flow_activate(f, ACT_SKIP, 0, NULL, 2);
        else if (q->type == Q_TEXT) {
            flow_text(f, q->input == INPUT_TEL ? "13800138000" : "Li", 2);
            flow_activate(f, ACT_NEXT, 0, NULL, 2);
        } else
            flow_activate(f, ACT_CHOICE, 0, NULL, 2);
        record_t *rec;
        if (flow_pending_op(f, &rec) == OP_SAVE) {
            strcpy(rec->ref_code, "3TRET4");
            flow_op_done(f, KIOSK_OK, 3);
        }
    }
    return f;
}

/* The reference code's thank-you at every size, both languages, normal and large text: the
 * code large and grouped, a QR holding the code and the follow-up number, "I have noted it";
 * and the activity's thank-you says what was chosen, with its date, time and place. */
static void the_thank_you_hands_over_the_code_and_confirms_the_activity(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (int l = 0; l < 2; l++)
        for (int large = 0; large < 2; large++)
            for (int consent = 0; consent < 2; consent++) {
                flow_t *f = service_request_thanks(langs[l], large, consent);
                CHECK_INT(flow_screen(f), SCREEN_THANKS);
                for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                    check_view(f, sizes[s].w, sizes[s].h, "reference code thank-you");
                    CHECK(view_shows("3TR ET4"));
                    const widget_t *done = widget_of(ACT_DONE, 0);
                    REQUIRE(done);
                    CHECK_STR(done->text, content_string(pack, "thanks.noted", langs[l]));
                    const widget_t *qr = NULL;
                    for (size_t i = 0; i < view.n; i++)
                        qr = view.w[i].kind == W_QR ? &view.w[i] : qr;
                    REQUIRE(qr && qr->qr);
                    CHECK(strstr(qr->qr, "3TRET4") && strstr(qr->qr, "010 0000 0000"));
                    double u = (double)(sizes[s].w < sizes[s].h ? sizes[s].w : sizes[s].h) / 480.0;
                    CHECK(qr->r.w == qr->r.h && qr->r.w >= (int)(150 * u));
                }
                flow_free(f);
            }
    /* An activity: its label and its detail on the thank-you. */
    for (int l = 0; l < 2; l++) {
        flow_t *f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, langs[l]);
        set_display(f, true, false);
        flow_activate(f, ACT_JOURNEY, 3, NULL, 1);
        const choice_t *ch = &flow_question(f)->choices[0];
        flow_activate(f, ACT_CHOICE, 0, NULL, 2);
        flow_activate(f, ACT_CHOICE, 1, NULL, 3);
        REQUIRE(flow_pending_op(f, &(record_t *){NULL}) == OP_SAVE);
        flow_op_done(f, KIOSK_OK, 4);
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            check_view(f, sizes[s].w, sizes[s].h, "activity thank-you");
            CHECK(view_shows(content_text(pack, &ch->text, langs[l])));
            CHECK(ch->detail.n == 0 || view_shows(content_text(pack, &ch->detail, langs[l])));
        }
        flow_free(f);
    }
}

/* The urgency question of a service request offers "Urgent" on its first page, under its
 * crisis lines, at every size, in both languages, in normal and large text: behind "More
 * choices" it would be hidden from the resident who needs it most. */
static void the_urgent_answer_is_on_the_first_page(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++)
        for (int large = 0; large < 2; large++) {
            flow_t *f = flow_new(pack, "k", 0);
            flow_set_home_lang(f, langs[l]);
            flow_activate(f, ACT_JOURNEY, 1, NULL, 1);
            if (large)
                set_display(f, true, false);
            for (int guard = 0; guard < 4 && strcmp(flow_question(f)->name, "urgency"); guard++)
                flow_activate(f, ACT_CHOICE, 0, NULL, 2);
            const question_t *q = flow_question(f);
            REQUIRE(strcmp(q->name, "urgency") == 0);
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0, NULL);
                bool urgent = false;
                for (size_t i = 0; i < view.n; i++)
                    urgent = urgent || (view.w[i].action == ACT_CHOICE &&
                                        strcmp(q->choices[view.w[i].arg].value, "URGENT") == 0);
                if (!urgent)
                    fprintf(stderr, "  no Urgent on the first page at %dx%d %s%s\n", sizes[s].w,
                            sizes[s].h, langs[l], large ? " large" : "");
                CHECK(urgent);
            }
            flow_free(f);
        }
}

/* ---- right-to-left views and the language picker ---- */

static rect_t flipped(rect_t r, int width)
{
    return (rect_t){width - r.x - r.w, r.y, r.w, r.h};
}

static bool same_rect(rect_t a, rect_t b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* The view just built (right to left) against the same screen built left to right (English:
 * the same texts; the copy's texts point into the rebuilt view, so only its geometry is read):
 * every widget is its mirror image (rectangles, text boxes, alignment), in the same order, so the
 * ring reads from the right; only keys keep their places in their grid (moved as a whole, same row,
 * same size), left to right. */
static void check_mirrored(flow_t *f, int w, int h, const char *what)
{
    static view_t rtl;
    rtl = view;
    char lang[24];
    snprintf(lang, sizeof lang, "%s", flow_lang(f));
    REQUIRE(flow_set_lang(f, "en"));
    view_build(&view, f, w, h, &metrics, 0, NULL);
    REQUIRE(flow_set_lang(f, lang));
    int fails = check_failures;
    CHECK(rtl.rtl && !view.rtl);
    CHECK_STR(rtl.lang, lang);
    CHECK_INT(rtl.n, view.n);
    CHECK_INT(rtl.focusable, view.focusable);
    if (flow_overlay(f) != OVERLAY_LANGUAGE) /* there the ring starts on the language shown */
        CHECK_INT(rtl.focus_index, view.focus_index);
    for (size_t i = 0; i < rtl.n && i < view.n; i++) {
        const widget_t *r = &rtl.w[i], *l = &view.w[i];
        CHECK(r->kind == l->kind && r->action == l->action && r->arg == l->arg);
        CHECK(r->ltr == l->ltr);
        bool key = r->style == STYLE_KEY || r->action == ACT_KEY || r->action == ACT_SHIFT ||
                   r->action == ACT_SYMBOLS || r->action == ACT_SPACE;
        if (key && !same_rect(r->r, flipped(l->r, w))) {
            /* a key of a grid that keeps its order: moved, not mirrored */
            CHECK(r->r.y == l->r.y && r->r.w == l->r.w && r->r.h == l->r.h);
            continue;
        }
        if (!same_rect(r->r, flipped(l->r, w)))
            fprintf(stderr, "  not mirrored: \"%s\" at x %d, LTR x %d w %d\n", l->text, r->r.x,
                    l->r.x, l->r.w);
        CHECK(same_rect(r->r, flipped(l->r, w)));
        rect_t ft = flipped(l->tr, w); /* across the screen; the lines may fit otherwise */
        if (r->text[0] && r->kind != W_PANEL && (r->tr.x != ft.x || r->tr.w != ft.w)) {
            fprintf(stderr, "  text box not mirrored: \"%s\" %d,%d %dx%d, LTR %d,%d %dx%d\n",
                    l->text, r->tr.x, r->tr.y, r->tr.w, r->tr.h, l->tr.x, l->tr.y, l->tr.w,
                    l->tr.h);
            check_failures++;
        }
        if (l->ir.w)
            CHECK(same_rect(r->ir, flipped(l->ir, w)));
        align_t want = l->align == ALIGN_LEFT    ? ALIGN_RIGHT
                       : l->align == ALIGN_RIGHT ? ALIGN_LEFT
                                                 : ALIGN_CENTER;
        CHECK_INT(r->align, want);
    }
    view = rtl;
    if (check_failures != fails)
        fprintf(stderr, "  ^ mirror of %s %dx%d %s\n", what, w, h, lang);
}

static void right_to_left_screens_fit_and_mirror(void)
{
    content_t *saved = pack;
    pack = rtl_pack;
    int before = screens_checked;
    every_screen_in("ar-test");
    fprintf(stderr, "  %d right-to-left screens checked and mirrored\n", screens_checked - before);
    CHECK(screens_checked - before > 150);
    pack = saved;
}

/* The first widget doing action (with arg, or any arg when arg < 0). */
static const widget_t *find(action_t action, int arg)
{
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].action == action && (arg < 0 || view.w[i].arg == arg))
            return &view.w[i];
    return NULL;
}

static bool right_of(const widget_t *a, const widget_t *b)
{
    return a && b && a->r.x >= b->r.x + b->r.w;
}

/* What a resident reading right to left sees: Back right of Next, the first choice right of the
 * second, the leave button right of the language button, titles from the right, the ring from
 * the right, and digits, codes and keys left to right. */
static void a_right_to_left_screen_reads_from_the_right(void)
{
    flow_t *f = flow_new(rtl_pack, "k", 0);
    REQUIRE(flow_set_home_lang(f, "AR-TEST")); /* any case; the pack's spelling kept */
    CHECK_STR(flow_lang(f), "ar-test");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s].w, h = sizes[s].h;
        flow_activate(f, ACT_HOME, 0, NULL, 1);
        view_build(&view, f, w, h, &metrics, 0, NULL);
        CHECK(view.rtl);
        CHECK_STR(view.lang, "ar-test");
        CHECK(right_of(find(ACT_FACE, 0), find(ACT_FACE, 1))); /* worst face on the right */
        for (size_t i = 0; i < view.n; i++)
            if (view.w[i].style == STYLE_TOPBAR && view.w[i].kind == W_LABEL)
                CHECK_INT(view.w[i].align, ALIGN_RIGHT); /* the title from the right */
        CHECK(right_of(find(ACT_DISPLAY, -1), find(ACT_LANG, -1)));
        /* the ring starts on the right: the display choices, then the language */
        CHECK_INT(view_focusable(&view, 0)->action, ACT_DISPLAY);
        CHECK_INT(view_focusable(&view, 1)->action, ACT_LANG);
        flow_activate(f, ACT_JOURNEY, 0, NULL, 2); /* feedback: topics in a grid */
        flow_activate(f, ACT_CHOICE, 0, NULL, 3);
        flow_activate(f, ACT_BACK, 0, NULL, 3); /* the topic again, answered: Next shows */
        view_build(&view, f, w, h, &metrics, 0, NULL);
        const widget_t *back = find(ACT_BACK, -1), *next = find(ACT_NEXT, -1);
        if (!next)
            next = find(ACT_SKIP, -1);
        if (!right_of(back, next))
            fprintf(stderr, "  %dx%d: Back at %d, %s at %d\n", w, h, back ? back->r.x : -1,
                    next ? next->text : "none", next ? next->r.x : -1);
        CHECK(right_of(back, next));
        CHECK(right_of(find(ACT_HOME, -1), find(ACT_LANG, -1)));
        const widget_t *c0 = find(ACT_CHOICE, 0), *c1 = find(ACT_CHOICE, 1);
        if (c0 && c1 && c0->r.y == c1->r.y)
            CHECK(right_of(c0, c1));
        flow_activate(f, ACT_HOME, 0, NULL, 4);
        flow_activate(f, ACT_LEAVE_GO, 0, NULL, 5);
    }
    /* Left to right inside it: the phone number, its keypad, the code and its QR. */
    flow_activate(f, ACT_JOURNEY, 1, NULL, 6);
    for (int guard = 0; guard < 20 && flow_screen(f) == SCREEN_QUESTION; guard++) {
        const question_t *q = flow_question(f);
        if (q->type == Q_TEXT && q->input == INPUT_TEL) {
            flow_text(f, "13800138000", 7);
            view_build(&view, f, 800, 480, &metrics, 0, NULL);
            const widget_t *field = NULL;
            for (size_t i = 0; i < view.n; i++)
                field = view.w[i].kind == W_FIELD ? &view.w[i] : field;
            REQUIRE(field);
            CHECK(field->ltr);
            CHECK(find(ACT_KEY, -1) && find(ACT_KEY, -1)->ltr);
            CHECK(!find(ACT_BACK, -1)->ltr);
        }
        if (q->type == Q_BOOLEAN)
            flow_activate(f, ACT_CHOICE, q->is_consent ? 1 : 0, NULL, 8);
        else if (q->type == Q_TEXT || q->type == Q_COMMENT || q->type == Q_CHECKBOX)
            flow_activate(f, flow_can_skip(f) ? ACT_SKIP : ACT_NEXT, 0, NULL, 8);
        else
            flow_activate(f, ACT_CHOICE, 0, NULL, 8);
    }
    record_t *rec;
    REQUIRE(flow_pending_op(f, &rec) == OP_SAVE);
    strcpy(rec->ref_code, "HND9E4");
    flow_op_done(f, KIOSK_OK, 9);
    view_build(&view, f, 720, 1280, &metrics, 0, NULL);
    int code = 0, qr = 0;
    for (size_t i = 0; i < view.n; i++) {
        code += view.w[i].style == STYLE_CODE && view.w[i].ltr;
        qr += view.w[i].kind == W_QR && view.w[i].ltr;
    }
    CHECK_INT(code, 1);
    CHECK_INT(qr, 1);
    flow_free(f);
}

/* The staff screens follow the language too: mirrored, the PIN keypad in a phone's order. */
static void staff_pin_keypad_keeps_its_order_right_to_left(void)
{
    staff_t s = {0};
    s.state = STAFF_PIN;
    view_build_staff(&view, &s, rtl_pack, "ar-test", NULL, 800, 480, &metrics, 0);
    check_built(800, 480, "staff PIN, right to left", "ar-test");
    CHECK(view.rtl);
    const widget_t *one = find(ACT_STAFF_DIGIT, 1), *two = find(ACT_STAFF_DIGIT, 2);
    REQUIRE(one && two);
    CHECK(two->r.x > one->r.x); /* 1 2 3, left to right */
    CHECK(one->ltr);
    int one_x = one->r.x;
    view_build_staff(&view, &s, rtl_pack, "en", NULL, 800, 480, &metrics, 0);
    const widget_t *three = find(ACT_STAFF_DIGIT, 3);
    CHECK(three->r.x + three->r.w > 400);              /* left to right: the keypad on the right */
    CHECK_INT(one_x, 800 - (three->r.x + three->r.w)); /* right to left: moved to the left */
    view_build_attract(&view, rtl_pack, "ar-test", NULL, 800, 480, &metrics);
    CHECK(view.rtl);
    CHECK_STR(view.lang, "ar-test");
    view_build_attract(&view, rtl_pack, "EN", NULL, 800, 480, &metrics);
    CHECK(!view.rtl);
    CHECK_STR(view.lang, "en");
}

/* The language picker's buttons: widget indexes of every ACT_LANG_CHOOSE in the view. */
static size_t picker_buttons(const widget_t *out[], size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < view.n && n < max; i++)
        if (view.w[i].action == ACT_LANG_CHOOSE)
            out[n++] = &view.w[i];
    return n;
}

static void two_languages_switch_directly(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    const widget_t *lang = find(ACT_LANG, -1);
    REQUIRE(lang);
    CHECK_STR(lang->text, "简体中文"); /* the other language's name */
    CHECK(flow_activate(f, ACT_LANG, 0, NULL, 1));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK_STR(flow_lang(f), "zh-cn");
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    CHECK_STR(find(ACT_LANG, -1)->text, "English");
    flow_free(f);
}

static void three_languages_open_the_picker(void)
{
    flow_t *f = flow_new(rtl_pack, "k", 0);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    CHECK_STR(find(ACT_LANG, -1)->text, "English"); /* the current one's: it opens the picker */
    flow_activate(f, ACT_JOURNEY, 0, NULL, 1);
    flow_activate(f, ACT_CHOICE, 0, NULL, 2);
    const question_t *q = flow_question(f);
    CHECK(flow_activate(f, ACT_LANG, 0, NULL, 3));
    CHECK_INT(flow_overlay(f), OVERLAY_LANGUAGE);
    CHECK_STR(flow_lang(f), "en");
    check_all_sizes(f, "language picker");
    CHECK(!flow_activate(f, ACT_DISPLAY, 0, NULL, 3)); /* not on the picker */
    CHECK(flow_activate(f, ACT_LANG, 0, NULL, 3));     /* the button again closes it */
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    set_display(f, true, false);
    flow_activate(f, ACT_LANG, 0, NULL, 3);
    check_all_sizes(f, "language picker, large text");
    const widget_t *b[8];
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    REQUIRE(picker_buttons(b, 8) == 3);
    for (size_t i = 0; i < 3; i++) {
        CHECK_STR(b[i]->text, content_language(rtl_pack, i)->name); /* each in its own name */
        CHECK_STR(b[i]->lang, content_language(rtl_pack, i)->code); /* and in its fonts */
        CHECK(b[i]->checked == (i == 0));                           /* the current one ticked */
        CHECK(b[i]->style == (i == 0 ? STYLE_SELECTED : STYLE_SECONDARY));
    }
    /* Only the picker is reachable; Back and Home leave it unchanged. */
    CHECK_INT(view.focusable, 4);
    CHECK(flow_nav(f, NAV_BACK, view.focusable, 4));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    flow_activate(f, ACT_LANG, 0, NULL, 5);
    CHECK(flow_nav(f, NAV_HOME, view.focusable, 5));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK(flow_question(f) == q); /* still on the question, answers kept */
    CHECK_STR(flow_lang(f), "en");
    flow_activate(f, ACT_LANG, 0, NULL, 6);
    CHECK(flow_activate(f, ACT_LANG_CLOSE, 0, NULL, 6));
    CHECK_STR(flow_lang(f), "en");
    /* Physical buttons: the ring starts on the current language, moves, selects. */
    flow_activate(f, ACT_LANG, 0, NULL, 7);
    flow_nav(f, NAV_SELECT, 4, 7);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    REQUIRE(view.focus_index >= 0);
    CHECK_INT(view_focusable(&view, (size_t)view.focus_index)->arg, 0);
    flow_set_focus(f, view.focus_index);
    flow_nav(f, NAV_NEXT, view.focusable, 8);
    flow_nav(f, NAV_NEXT, view.focusable, 8);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    const widget_t *ring = view_focusable(&view, (size_t)flow_focus(f));
    CHECK_INT(ring->action, ACT_LANG_CHOOSE);
    CHECK_INT(ring->arg, 2);
    CHECK(flow_activate(f, ring->action, ring->arg, NULL, 9));
    CHECK_STR(flow_lang(f), "ar-test");
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK(flow_question(f) == q);
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    CHECK(view.rtl);
    /* The picker in a right-to-left language is mirrored too (check_all_sizes compares). */
    flow_activate(f, ACT_LANG, 0, NULL, 10);
    check_all_sizes(f, "language picker, right to left");
    view_build(&view, f, 800, 480, &metrics, 0, NULL);
    REQUIRE(picker_buttons(b, 8) == 3);
    CHECK(b[2]->checked);
    CHECK(right_of(b[0], b[1])); /* the first language on the right */
    /* The out-of-service screen has no picker: the button moves on. */
    flow_activate(f, ACT_LANG_CLOSE, 0, NULL, 11);
    flow_activate(f, ACT_HOME, 0, NULL, 11);
    flow_activate(f, ACT_LEAVE_GO, 0, NULL, 11);
    flow_set_store_ok(f, false, 12);
    CHECK_INT(flow_screen(f), SCREEN_OUT_OF_SERVICE);
    CHECK(flow_activate(f, ACT_LANG, 0, NULL, 13));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK(flow_activate(f, ACT_LANG_NEXT, 0, NULL, 14));
    flow_free(f);
}

static void m_twelve_languages(cJSON *r)
{
    for (int i = 0; i < 10; i++) {
        char code[16], name[32];
        snprintf(code, sizeof code, "x%d", i);
        snprintf(name, sizeof name, "Language number %d", i);
        pack_add_language(r, code, name, i == 3 ? "rtl" : NULL, "");
    }
}

/* Twelve languages page: every one reached by More, and by the ring, at every size. */
static void many_languages_page_in_the_picker(void)
{
    content_t *many = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(m_twelve_languages, &many, &err) == KIOSK_OK);
    REQUIRE(content_language_count(many) == 12);
    content_t *saved = pack;
    pack = many;
    for (int large = 0; large < 2; large++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            flow_t *f = flow_new(many, "k", 0);
            if (large)
                set_display(f, true, false);
            flow_activate(f, ACT_LANG, 0, NULL, 1);
            bool seen[12] = {false}, ringed[12] = {false};
            for (int page = 0; page < 12; page++) {
                check_view(f, sizes[s].w, sizes[s].h, "language picker, page");
                const widget_t *b[12];
                size_t n = picker_buttons(b, 12);
                CHECK(n > 0);
                for (size_t i = 0; i < n; i++)
                    seen[b[i]->arg] = true;
                for (size_t k = 0; k < view.focusable; k++)
                    if (view_focusable(&view, k)->action == ACT_LANG_CHOOSE)
                        ringed[view_focusable(&view, k)->arg] = true;
                const widget_t *more = find(ACT_PAGE_NEXT, -1);
                if (n == 12) {
                    CHECK(!more); /* one page holds them all */
                    break;
                }
                REQUIRE(more && find(ACT_PAGE_PREV, -1));
                CHECK(find(ACT_PAGE_PREV, -1)->disabled == (page == 0));
                if (more->disabled)
                    break;
                flow_activate(f, ACT_PAGE_NEXT, 0, NULL, 2);
            }
            for (int i = 0; i < 12; i++)
                CHECK(seen[i] && ringed[i]);
            /* Choosing one on a later page. */
            const widget_t *b[12];
            size_t n = picker_buttons(b, 12);
            REQUIRE(n > 0);
            int arg = b[n - 1]->arg;
            CHECK(flow_activate(f, ACT_LANG_CHOOSE, arg, NULL, 3));
            CHECK_STR(flow_lang(f), content_language(many, (size_t)arg)->code);
            flow_free(f);
        }
    }
    pack = saved;
    content_free(many);
}

/* ---- every text at the length the loader allows: each screen lays out in under 100 ms ---- */

/* The limits of assets/README.md, by the member holding a text. */
static size_t limit_of(const char *member, bool in_strings)
{
    static const char *const labels[] = {"title",
                                         "text",
                                         "detail",
                                         "place",
                                         "labelTrue",
                                         "labelFalse",
                                         "minRateDescription",
                                         "maxRateDescription"};
    if (in_strings)
        return 500;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(member, labels[i]) == 0)
            return 200;
    return 1000;
}

/* n characters: English words in the default language, Chinese with its punctuation else. */
static void limit_text(char *out, size_t n, bool chinese)
{
    static const char *const en = "Community service centre opening hours and activities. ";
    static const char *const zh[] = {"社", "区", "服", "务", "中", "心", "开", "放", "时", "间",
                                     "和", "活", "动", "，", "欢", "迎", "参", "加", "。"};
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *c =
            chinese ? zh[i % (sizeof zh / sizeof zh[0])] : (const char[]){en[i % 56], 0};
        size_t l = strlen(c);
        memcpy(out + o, c, l);
        o += l;
    }
    out[o] = '\0';
}

/* Every localizable text below node at its limit (the dates' names and template kept). */
static void fill_to_limits(cJSON *node, const char *member, bool in_strings)
{
    static char buf[3 * 1000 + 1];
    cJSON *def = cJSON_GetObjectItemCaseSensitive(node, "default");
    if (cJSON_IsObject(node) && cJSON_IsString(def)) {
        if (in_strings &&
            (strncmp(member, "date.", 5) == 0 || strcmp(member, "activity.when") == 0))
            return;
        for (cJSON *t = node->child; t; t = t->next) {
            limit_text(buf, limit_of(member, in_strings), strcmp(t->string, "default") != 0);
            cJSON_SetValuestring(t, buf);
        }
        return;
    }
    for (cJSON *c = cJSON_IsObject(node) || cJSON_IsArray(node) ? node->child : NULL; c;
         c = c->next)
        fill_to_limits(c, c->string ? c->string : member,
                       in_strings || (member && strcmp(member, "strings") == 0));
}

static void m_texts_at_limits(cJSON *r)
{
    for (cJSON *c = r->child; c; c = c->next)
        if (strcmp(c->string, "languages") != 0)
            fill_to_limits(c, c->string, false);
}

static double slowest_ms;
static int timed_screens;

/* Milliseconds to build f's view at w x h: the least of three tries when the first is slow,
 * so that a busy machine does not count. */
static double build_ms(flow_t *f, int w, int h)
{
    double least = 1e9;
    for (int i = 0; i < 3 && least > 20.0; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        view_build(&view, f, w, h, &metrics, 0, NULL);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        least = ms < least ? ms : least;
    }
    return least;
}

/* Whether text (lines split at '\n') at px fits tr: every line as wide as tr at most, all
 * lines as tall (a line that does not fit is not there at all). */
static bool text_inside(const char *text, int px, bool bold, rect_t tr)
{
    if (!text || !*text)
        return true;
    int lines = 0;
    bool ok = true;
    for (const char *p = text; p; lines++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        ok = ok && fake_width(NULL, px, bold, p, n) <= tr.w;
        p = nl ? nl + 1 : NULL;
    }
    return ok && lines * fake_line_height(NULL, px, bold) <= tr.h;
}

static int texts_outside; /* widgets of the limit pack whose text left its box */

/* Every text of the view inside its box and every box inside its widget, and no two widgets
 * of one layer over each other: what a text too long for its room must still keep. */
static void check_texts_inside(int w, int h)
{
    for (size_t i = 0; i < view.n; i++) {
        const widget_t *a = &view.w[i];
        if (a->kind == W_PANEL || a->kind == W_BAR || !a->text)
            continue;
        bool in = text_inside(a->text, a->px, a->bold, a->tr) &&
                  (!a->text[0] || rect_contains(a->r, a->tr)) &&
                  (!a->text2 || !a->text2[0] ||
                   (text_inside(a->text2, a->px2, false, a->tr2) && rect_contains(a->r, a->tr2)));
        for (size_t j = i + 1; j < view.n && in; j++) {
            const widget_t *b = &view.w[j];
            bool same_layer =
                view.overlay_start == 0 || (i >= view.overlay_start) == (j >= view.overlay_start);
            in = b->kind == W_PANEL || !same_layer || !rect_overlaps(a->r, b->r);
        }
        if (!in && texts_outside++ < 5)
            fprintf(stderr, "  outside its box at %dx%d: \"%.60s\" r %d,%d %dx%d tr %dx%d px %d\n",
                    w, h, a->text, a->r.x, a->r.y, a->r.w, a->r.h, a->tr.w, a->tr.h, a->px);
    }
}

/* Builds f's view at three sizes, keeping the slowest build. */
static void time_screen(flow_t *f)
{
    static const int at[][2] = {{800, 480}, {720, 1280}, {1920, 1080}};
    for (size_t s = 0; s < 3; s++) {
        double ms = build_ms(f, at[s][0], at[s][1]);
        int outside = texts_outside;
        check_texts_inside(at[s][0], at[s][1]);
        if (texts_outside != outside && outside < 5)
            fprintf(stderr, "  ^ screen %d %s large %d\n", flow_screen(f),
                    flow_question(f) ? flow_question(f)->name : "-", flow_large_text(f));
        if (ms > slowest_ms && getenv("KIOSK_SLOWEST"))
            fprintf(stderr, "  %.1f ms: screen %d %s %dx%d large %d\n", ms, flow_screen(f),
                    flow_question(f) ? flow_question(f)->name : "-", at[s][0], at[s][1],
                    flow_large_text(f));
        slowest_ms = ms > slowest_ms ? ms : slowest_ms;
        timed_screens++;
    }
}

/* Goes through journey ji in lang, timing every question screen and the thank-you. */
static void time_journey(content_t *c, size_t ji, const char *lang, bool large)
{
    flow_t *f = flow_new(c, "k", 0);
    flow_set_home_lang(f, lang);
    flow_activate(f, ACT_JOURNEY, (int)ji, NULL, 1);
    if (large)
        set_display(f, true, false);
    for (int guard = 0; guard < 40 && flow_screen(f) == SCREEN_QUESTION; guard++) {
        const question_t *q = flow_question(f);
        time_screen(f);
        if (q->type == Q_BOOLEAN)
            flow_activate(f, ACT_CHOICE, 1, NULL, 2);
        else if (q->type != Q_TEXT && q->type != Q_COMMENT)
            flow_activate(f, ACT_CHOICE, 0, NULL, 2);
        else
            flow_text(f, q->input == INPUT_TEXT ? "字w" : "13800138000", 2);
        if (q->type == Q_CHECKBOX || q->type == Q_TEXT || q->type == Q_COMMENT) {
            time_screen(f);
            flow_activate(f, ACT_NEXT, 0, NULL, 2);
        }
    }
    record_t *rec;
    if (flow_pending_op(f, &rec) == OP_SAVE) {
        strcpy(rec->ref_code, "HND9E4");
        flow_op_done(f, KIOSK_OK, 3);
        time_screen(f);
    }
    flow_free(f);
}

/* The bytes of text measured to build c's home screen in Chinese at 800x480; *drawn: those
 * of the texts the view holds. */
static size_t home_measured(content_t *c, size_t *drawn)
{
    flow_t *home = flow_new(c, "k", 0);
    flow_set_home_lang(home, "zh-cn");
    measured_bytes = 0;
    view_build(&view, home, 800, 480, &metrics, 0, NULL);
    *drawn = 0;
    for (size_t i = 0; i < view.n; i++)
        *drawn += view.w[i].text ? strlen(view.w[i].text) : 0;
    flow_free(home);
    return measured_bytes;
}

/* The layout's cost is linear in the text it draws: wrapping measures each piece about once
 * and each line whole a few times, not each line again from its start for every piece (which
 * was quadratic in a line: 1,000 characters in lines of 200 measured 100 times the text). The
 * lines are the same as when every line is measured whole. */
static void wrapping_measures_each_piece_about_once(void)
{
    for (size_t t = 0; t < 2; t++) {
        char *text = malloc(3 * 1000 + 1);
        REQUIRE(text);
        limit_text(text, 1000, t == 0);
        ctx_t x = text_ctx();
        measured_bytes = 0;
        int lines;
        const char *all = lay_wrap_tail(&x, text, 20, 4000, 1000, &lines);
        REQUIRE(all);
        double ratio = (double)measured_bytes / (double)strlen(text);
        fprintf(stderr, "  %s: %d lines, %zu bytes measured for %zu (%.1fx)\n",
                t ? "English" : "Chinese", lines, measured_bytes, strlen(text), ratio);
        CHECK(lines >= 2 && lines <= 8);
        CHECK(ratio < 6.0);
        /* Every line fits, and the next piece would not have. */
        const char *p = all;
        for (int i = 0; i < lines; i++) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            CHECK(fake_width(NULL, 20, false, p, n) <= 4000);
            if (nl)
                CHECK(fake_width(NULL, 20, false, p, n) > 4000 - 3 * 20 * 2);
            p = nl ? nl + 1 : p + n;
        }
        free(text);
    }
}

/* The home screen of f at w x h: every journey's button shows words of its title (the faces
 * above leave them their room, however long the texts). */
static void check_journey_titles_shown(flow_t *f, int w, int h)
{
    view_build(&view, f, w, h, &metrics, 0, NULL);
    int journeys = 0;
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].action == ACT_JOURNEY) {
            journeys++;
            if (!view.w[i].text[0])
                fprintf(stderr, "  a journey without its title at %dx%d (large %d)\n", w, h,
                        flow_large_text(f));
            CHECK(view.w[i].text[0] != '\0');
        }
    CHECK(journeys > 0);
}

static void screens_with_texts_at_their_limits_lay_out_fast(void)
{
    content_t *c = NULL;
    content_error_t err;
    int rc = load_mutated_pack(m_texts_at_limits, &c, &err);
    if (rc != KIOSK_OK)
        fprintf(stderr, "  %s: %s\n", err.path, err.reason);
    REQUIRE(rc == KIOSK_OK);
    CHECK_INT((int)utf8_count(content_text(c, &content_journey(c, 0)->title, "zh-cn")), 200);
    /* What the layout measures to draw the home screen once, against the text it draws (a
     * figure to watch: the layout's cost grows faster than the text it draws). */
    size_t drawn, at_limits = home_measured(c, &drawn), drawn_default;
    size_t normal = home_measured(pack, &drawn_default);
    fprintf(stderr,
            "  home at 800x480: %zu bytes measured for %zu drawn; default pack: %zu for %zu\n",
            at_limits, drawn, normal, drawn_default);
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++) {
        flow_t *f = flow_new(c, "k", 0);
        flow_set_home_lang(f, langs[l]);
        time_screen(f);
        for (int large = 0; large < 2; large++) {
            set_display(f, large, false);
            check_journey_titles_shown(f, 800, 480);
            check_journey_titles_shown(f, 720, 1280);
        }
        set_display(f, false, false);
        flow_face(f, 0, 1);
        flow_op_done(f, KIOSK_OK, 2);
        time_screen(f); /* the quick rating's follow-up */
        flow_activate(f, ACT_DISPLAY, 0, NULL, 3);
        time_screen(f);
        flow_free(f);
        for (size_t j = 0; j < content_journey_count(c); j++) {
            time_journey(c, j, langs[l], false);
            time_journey(c, j, langs[l], true);
        }
    }
    fprintf(stderr, "  %d screens laid out, the slowest in %.1f ms\n", timed_screens, slowest_ms);
    CHECK(timed_screens > 100);
    CHECK_INT(texts_outside, 0);
#if defined(__SANITIZE_ADDRESS__)
    CHECK(slowest_ms < 400.0); /* the sanitizers' checks take about three times as long */
#else
    CHECK(slowest_ms < 100.0);
#endif
    content_free(c);
}

int main(void)
{
    pack = load_default_pack();
    content_error_t err;
    if (!pack || load_mutated_pack(m_rtl, &rtl_pack, &err) != KIOSK_OK)
        return 1;
    RUN(input_methods_fit_at_every_size);
    RUN(the_ring_follows_a_chosen_candidate);
    RUN(every_screen_fits_at_every_size_in_both_languages);
    RUN(the_urgent_answer_is_on_the_first_page);
    RUN(focus_ring_follows_reading_order);
    RUN(the_countdown_changes_only_at_its_steps);
    RUN(staff_screens_fit);
    RUN(long_lists_page);
    RUN(ellipsis_after_a_full_box_stays_in_bounds);
    RUN(ellipsis_at_the_end_of_the_view_text_stays_in_bounds);
    RUN(text_beyond_4_kib_is_laid_out_whole);
    RUN(text_too_long_for_its_box_ends_with_an_ellipsis);
    RUN(typed_text_field_shows_the_end_of_a_long_text);
    RUN(cut_utf8_sequence_does_not_run_past_the_text);
    RUN(chinese_lines_keep_words_and_punctuation);
    RUN(top_bar_titles_stay_on_one_line);
    RUN(portrait_home_is_designed_for_portrait);
    RUN(staff_dates_use_the_offset_given);
    RUN(a_chosen_single_answer_shows_a_tick_when_revisited);
    RUN(the_thank_you_hands_over_the_code_and_confirms_the_activity);
    RUN(right_to_left_screens_fit_and_mirror);
    RUN(a_right_to_left_screen_reads_from_the_right);
    RUN(staff_pin_keypad_keeps_its_order_right_to_left);
    RUN(two_languages_switch_directly);
    RUN(three_languages_open_the_picker);
    RUN(many_languages_page_in_the_picker);
    RUN(screens_with_texts_at_their_limits_lay_out_fast);
    RUN(staff_clock_page_says_when_retention_waits);
    RUN(wrapping_measures_each_piece_about_once);
    content_free(rtl_pack);
    content_free(pack);
    return check_failures != 0;
}
