/* Layout with fake text metrics: every screen of the default pack, in both languages and at
 * every supported size, fits: no text cut off, nothing outside the screen, no overlapping
 * targets, targets of at least 9 mm on the 7" panel, and taps land on what is drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/view.h"
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
                flow_text(f, "13800138000", 2);
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

int main(void)
{
    pack = load_default_pack();
    if (!pack)
        return 1;
    RUN(every_screen_fits_at_every_size_in_both_languages);
    RUN(focus_ring_follows_reading_order);
    RUN(staff_screens_fit);
    RUN(long_lists_page);
    content_free(pack);
    return check_failures != 0;
}
