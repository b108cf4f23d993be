/* Layout with fake text metrics: every screen of the default pack, in both languages and at
 * every supported size, fits: no text cut off, nothing outside the screen, no overlapping
 * targets, targets of at least 9 mm on the 7" panel, and taps land on what is drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/layout_internal.h"
#include "core/view.h"
#include "fake_ime.h"
#include "pack_util.h"

static content_t *pack;
static view_t view;
static int screens_checked;

/* Wider than Noto Sans on purpose: Latin 0.55 em (0.75 for capitals and m/w), CJK 1 em. */
static int fake_width(void *ud, int px, bool bold, const char *s, size_t len)
{
    (void)ud;
    double w = 0;
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

static void check_view(const flow_t *f, int w, int h, const char *what)
{
    view_build(&view, f, w, h, &metrics, 0, NULL);
    check_built(w, h, what, flow_lang(f));
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

static void every_screen_fits_at_every_size_in_both_languages(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++) {
        flow_t *f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, langs[l]);
        check_all_sizes(f, "home");
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            view_build(&view, f, sizes[s].w, sizes[s].h, &metrics, 0,
                       content_string(pack, "notice.fallback", langs[l]));
            bool notice = false;
            for (size_t i = 0; i < view.n; i++)
                notice = notice || (view.w[i].style == STYLE_NOTICE && !view.w[i].overflow);
            if (!notice)
                fprintf(stderr, "  no readable notice at %dx%d %s\n", sizes[s].w, sizes[s].h,
                        langs[l]);
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
            walk_journey(j, langs[l], false);
            walk_journey(j, langs[l], true);
        }
        /* The screens outside journeys in large text, and the display prompt itself. */
        f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, langs[l]);
        set_display(f, true, false);
        check_all_sizes(f, "home, large text");
        flow_activate(f, ACT_DISPLAY, 0, NULL, 2);
        check_all_sizes(f, "display prompt, large text");
        flow_activate(f, ACT_LARGE_TEXT, 0, NULL, 2);
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
    fprintf(stderr, "  %d screens checked\n", screens_checked);
    CHECK(screens_checked > 300);
}

/* The staff screens in each of their states, at every size, in both languages, with figures
 * as large as a busy year gives. */
static void staff_screens_fit(void)
{
    const char *langs[] = {"en", "zh-cn"};
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
                                      .clock_synced = false};
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
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
                view_build_staff(&view, &states[i], pack, langs[l], NULL, sizes[z].w, sizes[z].h,
                                 &metrics, 0);
                check_built(sizes[z].w, sizes[z].h, names[i], langs[l]);
                built++;
                bool close = false;
                for (size_t k = 0; k < view.n; k++)
                    close = close || view.w[k].action == ACT_STAFF_CLOSE;
                CHECK(close); /* always a way out */
            }
    CHECK_INT(built, 2 * 10 * (int)(sizeof sizes / sizeof sizes[0]));
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
    for (size_t l = 0; l < 2; l++)
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
                    view_build_staff(&view, &u, pack, langs[l], NULL, sizes[z].w, sizes[z].h,
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
    for (size_t l = 0; l < 2; l++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
            for (int r = 0; r < 2; r++) {
                view_build_attract(&view, pack, langs[l], r ? "Wednesday 08:00" : NULL, sizes[z].w,
                                   sizes[z].h, &metrics);
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

static void m_many_services(cJSON *r)
{
    cJSON *services = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "catalogs"), "services");
    for (int i = 0; i < 21; i++) {
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

/* Whether a widget of the view shows text, wherever its lines were broken. */
static bool view_shows(const char *text)
{
    for (size_t i = 0; i < view.n; i++) {
        const char *t[] = {view.w[i].text, view.w[i].text2};
        for (int k = 0; k < 2; k++) {
            char flat[256];
            snprintf(flat, sizeof flat, "%s", t[k] ? t[k] : "");
            for (char *p = flat; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            if (strstr(flat, text))
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
    const char *langs[] = {"en", "zh-cn"};
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    for (size_t l = 0; l < 2; l++)
        for (int large = 0; large < 2; large++)
            for (size_t ji = 0; ji < content_journey_count(pack); ji++) {
                flow_t *f = flow_new(pack, "k", 0);
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

int main(void)
{
    pack = load_default_pack();
    if (!pack)
        return 1;
    RUN(input_methods_fit_at_every_size);
    RUN(the_ring_follows_a_chosen_candidate);
    RUN(every_screen_fits_at_every_size_in_both_languages);
    RUN(focus_ring_follows_reading_order);
    RUN(staff_screens_fit);
    RUN(long_lists_page);
    RUN(ellipsis_after_a_full_box_stays_in_bounds);
    RUN(ellipsis_at_the_end_of_the_view_text_stays_in_bounds);
    RUN(text_beyond_4_kib_is_laid_out_whole);
    RUN(text_too_long_for_its_box_ends_with_an_ellipsis);
    RUN(typed_text_field_shows_the_end_of_a_long_text);
    RUN(cut_utf8_sequence_does_not_run_past_the_text);
    RUN(staff_dates_use_the_offset_given);
    content_free(pack);
    return check_failures != 0;
}
