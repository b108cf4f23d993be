/* The staff session: the PIN keypad's rules, the growing waits after wrong PINs, and the
 * screens closing themselves. The PIN check itself is the app's (libsodium); here its result
 * is given. */
#include <string.h>

#include <sqlite3.h>

#include "check.h"
#include "core/mode.h"
#include "core/staff.h"
#include "core/view.h"
#include "pack_util.h"
#include "proc_util.h"
#include "scratch_util.h"

static void type(staff_t *s, const char *digits, int64_t now)
{
    for (const char *d = digits; *d; d++)
        staff_digit(s, *d, now);
}

static void right_pin_opens_and_wipes_the_digits(void)
{
    staff_t s = {0};
    CHECK(staff_request(&s, false, 0));
    CHECK_INT(s.state, STAFF_PIN);
    CHECK(!staff_request(&s, false, 0)); /* a second long press changes nothing */
    type(&s, "123", 1);
    CHECK(!staff_ok(&s, 2)); /* too short */
    CHECK(!staff_digit(&s, 'x', 2));
    type(&s, "4", 2);
    CHECK_STR(s.pin, "1234");
    CHECK(staff_delete(&s, 3));
    CHECK_STR(s.pin, "123");
    type(&s, "45", 3);
    CHECK(staff_ok(&s, 4));
    CHECK_INT(s.state, STAFF_CHECKING);
    CHECK(!staff_close(&s)); /* not while the check runs */
    staff_checked(&s, STAFF_ROLE_STAFF, 5);
    CHECK_INT(s.state, STAFF_OPEN);
    CHECK_STR(s.pin, ""); /* the digits do not outlive the check */
    CHECK(staff_close(&s));
    CHECK_INT(s.state, STAFF_CLOSED);
}

static void pin_is_bounded(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    for (int i = 0; i < 20; i++)
        staff_digit(&s, '7', 1);
    CHECK_INT((int)strlen(s.pin), STAFF_PIN_MAX);
}

static void wrong_pins_wait_longer_each_time(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    int64_t now = 1000;
    /* Typos are free. */
    for (int i = 1; i < STAFF_FREE_TRIES; i++) {
        type(&s, "0000", now);
        CHECK(staff_ok(&s, now));
        staff_checked(&s, 0, now);
        CHECK(s.wrong);
        CHECK_INT(staff_wait_ms(&s, now), 0);
    }
    int64_t expect = STAFF_FIRST_WAIT_MS;
    for (int i = 0; i < 8; i++) {
        type(&s, "0000", now);
        CHECK(staff_ok(&s, now));
        staff_checked(&s, 0, now);
        CHECK_INT(staff_wait_ms(&s, now), expect);
        /* While waiting, nothing is taken, not even digits. */
        CHECK(!staff_digit(&s, '1', now + 1));
        CHECK(!staff_ok(&s, now + expect - 1));
        CHECK_INT(staff_next_deadline(&s, now + 1) <= now + 1000, 1); /* the countdown */
        now += expect;
        CHECK(staff_tick(&s, now)); /* the wait is over: redraw */
        CHECK_INT(staff_wait_ms(&s, now), 0);
        expect = expect * 2 > STAFF_MAX_WAIT_MS ? STAFF_MAX_WAIT_MS : expect * 2;
    }
    CHECK_INT(expect, STAFF_MAX_WAIT_MS); /* capped */
    /* The right PIN resets the count. */
    type(&s, "2468", now);
    staff_ok(&s, now);
    staff_checked(&s, STAFF_ROLE_STAFF, now);
    CHECK_INT(s.failures, 0);
    staff_close(&s);
    staff_request(&s, false, now);
    type(&s, "0000", now);
    staff_ok(&s, now);
    staff_checked(&s, 0, now);
    CHECK_INT(staff_wait_ms(&s, now), 0);
}

static void closing_and_reopening_does_not_reset_the_wait(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    for (int i = 0; i < STAFF_FREE_TRIES; i++) {
        type(&s, "1111", 0);
        staff_ok(&s, 0);
        staff_checked(&s, 0, 0);
    }
    CHECK(staff_wait_ms(&s, 0) > 0);
    staff_close(&s);
    staff_request(&s, false, 10);
    CHECK(staff_wait_ms(&s, 10) > 0);
    CHECK(!staff_digit(&s, '1', 10));
}

static void no_pin_provisioned_takes_none(void)
{
    staff_t s = {0};
    staff_request(&s, true, 0);
    CHECK(s.no_pin);
    CHECK(!staff_digit(&s, '1', 1));
    CHECK(!staff_ok(&s, 1));
}

static void screens_close_when_untouched(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    CHECK_INT(staff_next_deadline(&s, 0), STAFF_IDLE_MS);
    type(&s, "12", 1000);
    CHECK(!staff_tick(&s, STAFF_IDLE_MS)); /* the digit was a touch */
    CHECK(staff_tick(&s, 1000 + STAFF_IDLE_MS));
    CHECK_INT(s.state, STAFF_CLOSED);
    CHECK_STR(s.pin, "");
    CHECK_INT(staff_next_deadline(&s, 0), INT64_MAX);
    staff_request(&s, false, 0);
    type(&s, "1234", 0);
    staff_ok(&s, 0);
    staff_checked(&s, STAFF_ROLE_STAFF, 0);
    CHECK(staff_tick(&s, STAFF_IDLE_MS));
    CHECK_INT(s.state, STAFF_CLOSED);
}

static staff_t opened(void)
{
    staff_t s = {0};
    staff_request(&s, false, 0);
    type(&s, "1234", 0);
    staff_ok(&s, 0);
    staff_checked(&s, STAFF_ROLE_STAFF, 0);
    return s;
}

static void erasing_a_contact_asks_first(void)
{
    staff_t s = opened();
    CHECK(!staff_pending_erase(&s));
    CHECK(!staff_ref_key(&s, 0, 1)); /* not on the menu */
    CHECK(staff_page(&s, STAFF_PAGE_ERASE, 1));
    CHECK_INT(s.page, STAFF_PAGE_ERASE);
    CHECK(!staff_ref_key(&s, 20, 1)); /* past the alphabet */
    CHECK(!staff_ref_key(&s, -1, 1));
    for (int i = 0; i < 5; i++)
        CHECK(staff_ref_key(&s, i, 1));
    CHECK(!staff_erase_ask(&s, 1)); /* five of six characters */
    CHECK(staff_ref_key(&s, 19, 1));
    CHECK(!staff_ref_key(&s, 0, 1)); /* six is all */
    CHECK_STR(s.ref, "ACDEF9");
    CHECK(staff_ref_delete(&s, 1));
    CHECK(staff_ref_key(&s, 16, 1));
    CHECK_STR(s.ref, "ACDEF3");
    CHECK(staff_erase_ask(&s, 2));
    CHECK_INT(s.page, STAFF_PAGE_CONFIRM);
    CHECK(!staff_pending_erase(&s)); /* nothing before the confirmation */
    CHECK(staff_back(&s, 3));        /* changed their mind */
    CHECK_INT(s.page, STAFF_PAGE_ERASE);
    CHECK_STR(s.ref, "ACDEF3");
    staff_erase_ask(&s, 4);
    CHECK(staff_erase_confirm(&s, 5));
    CHECK_STR(staff_pending_erase(&s), "ACDEF3");
    CHECK(!staff_close(&s)); /* not while the erase runs */
    CHECK(!staff_back(&s, 5));
    staff_erase_done(&s, ERASE_DONE, 6);
    CHECK(!staff_pending_erase(&s));
    CHECK_INT(s.page, STAFF_PAGE_ERASE);
    CHECK_INT(s.erase_result, ERASE_DONE);
    CHECK_STR(s.erased_ref, "ACDEF3");
    CHECK_STR(s.ref, ""); /* ready for the next code */
    CHECK(staff_back(&s, 7));
    CHECK_INT(s.page, STAFF_PAGE_MENU);
    CHECK(!staff_back(&s, 7)); /* the menu is the first page */
    staff_page(&s, STAFF_PAGE_ERASE, 8);
    staff_ref_key(&s, 3, 8);
    CHECK(staff_close(&s));
    CHECK_INT(s.page, STAFF_PAGE_MENU); /* the next staff member starts on the menu */
    CHECK_STR(s.ref, "");               /* with nothing of the last one's code */
}

static void roles_decide_the_pages(void)
{
    staff_t s = opened();
    CHECK_INT(s.role, STAFF_ROLE_STAFF);
    CHECK_INT(s.via, STAFF_VIA_PIN);
    CHECK(!staff_page(&s, STAFF_PAGE_TECH, 1));    /* staff: no technician pages */
    CHECK(!staff_page(&s, STAFF_PAGE_CONFIRM, 1)); /* confirmations only by their actions */
    CHECK(!staff_page(&s, STAFF_PAGE_WORKING, 1));
    CHECK(staff_page(&s, STAFF_PAGE_HOURS, 1));
    CHECK(!staff_page(&s, STAFF_PAGE_CLOCK, 1)); /* forward only from the menu */
    CHECK(staff_back(&s, 2));
    /* A technician token over the staff screens raises the role; it needs no PIN. */
    CHECK(staff_open_by_token(&s, STAFF_ROLE_TECHNICIAN, 3));
    CHECK_INT(s.role, STAFF_ROLE_TECHNICIAN);
    CHECK_INT(s.via, STAFF_VIA_TOKEN);
    CHECK(staff_page(&s, STAFF_PAGE_TECH, 4));
    CHECK(staff_page(&s, STAFF_PAGE_TECH_BUTTONS, 4));
    CHECK(staff_back(&s, 5));
    CHECK_INT(s.page, STAFF_PAGE_TECH);
    /* A token opens even over the PIN keypad, and wipes what was typed. */
    staff_t k = {0};
    staff_request(&k, false, 0);
    type(&k, "12", 0);
    CHECK(staff_open_by_token(&k, STAFF_ROLE_STAFF, 1));
    CHECK_INT(k.state, STAFF_OPEN);
    CHECK_STR(k.pin, "");
    CHECK_INT(k.page, STAFF_PAGE_MENU);
}

static void power_actions_ask_first(void)
{
    staff_t s = opened();
    CHECK(!staff_power_ask(&s, STAFF_WORK_REBOOT, 1)); /* staff may not */
    staff_open_by_token(&s, STAFF_ROLE_TECHNICIAN, 1);
    staff_page(&s, STAFF_PAGE_TECH, 1);
    CHECK(!staff_power_ask(&s, STAFF_WORK_ERASE, 1)); /* not a power action */
    CHECK(staff_power_ask(&s, STAFF_WORK_POWEROFF, 2));
    CHECK_INT(s.page, STAFF_PAGE_POWER_CONFIRM);
    CHECK_INT(staff_pending_work(&s), STAFF_WORK_NONE); /* nothing before the confirmation */
    CHECK(staff_back(&s, 3));
    CHECK_INT(s.page, STAFF_PAGE_TECH);
    CHECK(staff_power_ask(&s, STAFF_WORK_REBOOT, 4));
    CHECK(staff_power_confirm(&s, 5));
    CHECK_INT(staff_pending_work(&s), STAFF_WORK_REBOOT);
    CHECK(!staff_close(&s)); /* not while it runs */
    staff_work_done(&s, false, "Access denied", 6);
    CHECK_INT(s.page, STAFF_PAGE_TECH);
    CHECK_STR(s.result, "Access denied");
    CHECK(s.result_bad);
    CHECK_INT(staff_pending_work(&s), STAFF_WORK_NONE);
}

static void clock_is_set_only_when_unsynchronised(void)
{
    staff_t s = opened();
    staff_page(&s, STAFF_PAGE_CLOCK, 1);
    staff_clock_start(&s, 2024, 3, 31, 23, 59);
    s.stats.clock_synced = true;
    CHECK(!staff_clock_adjust(&s, CLOCK_MINUTE, 1, 1)); /* a synchronised clock is right */
    CHECK(!staff_clock_set(&s, 1));
    s.stats.clock_synced = false;
    CHECK(staff_clock_adjust(&s, CLOCK_MINUTE, 1, 2));
    CHECK_INT(s.clock[CLOCK_MINUTE], 0); /* wraps; the hour stays: one field at a time */
    CHECK_INT(s.clock[CLOCK_HOUR], 23);
    CHECK(staff_clock_adjust(&s, CLOCK_HOUR, 1, 2));
    CHECK_INT(s.clock[CLOCK_HOUR], 0);
    CHECK(staff_clock_adjust(&s, CLOCK_MONTH, -1, 3)); /* 31 March, a month down */
    CHECK_INT(s.clock[CLOCK_MONTH], 2);
    CHECK_INT(s.clock[CLOCK_DAY], 29); /* 2024 is a leap year */
    CHECK(staff_clock_adjust(&s, CLOCK_YEAR, 1, 3));
    CHECK_INT(s.clock[CLOCK_DAY], 28); /* 2025 is not */
    CHECK(staff_clock_adjust(&s, CLOCK_DAY, 1, 3));
    CHECK_INT(s.clock[CLOCK_DAY], 1); /* wraps within February */
    CHECK(staff_clock_adjust(&s, CLOCK_MONTH, -1, 3));
    CHECK(staff_clock_adjust(&s, CLOCK_MONTH, -1, 3));
    CHECK_INT(s.clock[CLOCK_MONTH], 12); /* wraps, the year stays */
    CHECK_INT(s.clock[CLOCK_YEAR], 2025);
    CHECK(!staff_clock_adjust(&s, 5, 1, 3));
    CHECK(!staff_clock_adjust(&s, CLOCK_DAY, 2, 3));
    CHECK_INT(staff_days_in_month(2100, 2), 28);
    CHECK_INT(staff_days_in_month(2000, 2), 29);
    CHECK(staff_clock_set(&s, 4));
    CHECK_INT(staff_pending_work(&s), STAFF_WORK_SET_CLOCK);
    staff_work_done(&s, true, "The clock was set.", 5);
    CHECK_INT(s.page, STAFF_PAGE_CLOCK);
    CHECK(!s.result_bad);
}

static void packs_are_confirmed_and_only_valid_ones(void)
{
    staff_t s = opened();
    staff_page(&s, STAFF_PAGE_CONTENT, 1);
    s.content.npacks = 2;
    s.content.packs[0].ok = false;
    s.content.packs[1].ok = true;
    CHECK(!staff_pack_ask(&s, 1, 1)); /* no stick allowing content updates */
    s.content.stick = true;
    CHECK(!staff_pack_ask(&s, 0, 1)); /* refused pack */
    CHECK(!staff_pack_ask(&s, 2, 1));
    CHECK(!staff_pack_ask(&s, -1, 1)); /* nothing to go back to */
    CHECK(staff_pack_ask(&s, 1, 2));
    CHECK_INT(s.page, STAFF_PAGE_CONTENT_CONFIRM);
    CHECK(staff_pack_confirm(&s, 3));
    CHECK_INT(staff_pending_work(&s), STAFF_WORK_PACK_INSTALL);
    staff_work_done(&s, true, "Now showing x.", 4);
    CHECK_INT(s.page, STAFF_PAGE_CONTENT);
    snprintf(s.content.previous_id, sizeof s.content.previous_id, "default");
    CHECK(staff_pack_ask(&s, -1, 5));
    CHECK(staff_pack_confirm(&s, 5));
    CHECK_INT(staff_pending_work(&s), STAFF_WORK_PACK_ROLLBACK);
}

static void touch_test_keeps_the_latest_points(void)
{
    staff_t s = opened();
    staff_open_by_token(&s, STAFF_ROLE_TECHNICIAN, 0);
    CHECK(!staff_touch_point(&s, 1, 1, 0, 0)); /* not on the page */
    staff_page(&s, STAFF_PAGE_TECH, 0);
    staff_page(&s, STAFF_PAGE_TECH_TOUCH, 0);
    for (int i = 0; i < STAFF_TOUCH_POINTS + 10; i++)
        CHECK(staff_touch_point(&s, i, 2 * i, i % 3, 1));
    CHECK_INT((int)s.tech.ntouch, STAFF_TOUCH_POINTS);
    CHECK_INT((int)s.tech.touch_total, STAFF_TOUCH_POINTS + 10);
    CHECK_INT(s.tech.touch_x[0], 10); /* the oldest went */
    CHECK_INT(s.tech.touch_y[STAFF_TOUCH_POINTS - 1], 2 * (STAFF_TOUCH_POINTS + 9));
    CHECK_INT((int)s.tech.touched, 7);
    CHECK(staff_touch_point(&s, 0, 0, STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS, 1));
    CHECK_INT((int)s.tech.touched, 7); /* a cell past the grid lights nothing */
    CHECK(staff_touch_clear(&s, 2));
    CHECK_INT((int)s.tech.ntouch, 0);
    CHECK_INT((int)s.tech.touched, 0);
}

static void focus_ring_wraps_and_hides(void)
{
    staff_t s = opened();
    CHECK_INT(s.focus, -1);
    CHECK(staff_focus_move(&s, 1, 5, 1));
    CHECK_INT(s.focus, 0); /* the first press shows the ring */
    staff_focus_move(&s, -1, 5, 1);
    CHECK_INT(s.focus, 4);
    staff_focus_move(&s, 1, 5, 1);
    CHECK_INT(s.focus, 0);
    staff_page(&s, STAFF_PAGE_HOURS, 2);
    CHECK_INT(s.focus, 0); /* a new page: the ring on its first target */
    staff_focus_hide(&s);
    CHECK_INT(s.focus, -1);
    staff_back(&s, 3);
    CHECK_INT(s.focus, -1); /* touch users see no ring */
}

static void self_test_opens_only_its_own_pages(void)
{
    staff_t s = {0};
    s.focus = -1;
    CHECK(staff_open_self_test(&s, 0));
    CHECK_INT(s.page, STAFF_PAGE_SELF_TEST);
    CHECK_INT(s.role, STAFF_ROLE_TECHNICIAN);
    CHECK(!staff_page(&s, STAFF_PAGE_FIGURES, 1)); /* no menu, no figures, no power */
    CHECK(!staff_page(&s, STAFF_PAGE_TECH, 1));
    CHECK(!staff_power_ask(&s, STAFF_WORK_REBOOT, 1));
    CHECK(!staff_back(&s, 1)); /* it is the first page */
    CHECK(staff_page(&s, STAFF_PAGE_TECH_TOUCH, 2));
    CHECK(staff_touch_point(&s, 1, 1, 0, 2));
    CHECK(staff_touch_point(&s, 1, 1, STAFF_TOUCH_COLS - 1, 2));
    CHECK(staff_touch_point(&s, 1, 1, STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS - 1, 2));
    CHECK(staff_touch_point(&s, 1, 1, 7, 2)); /* not a corner */
    CHECK_INT(staff_corners_touched(&s.tech), 3);
    CHECK(staff_back(&s, 3));
    CHECK_INT(s.page, STAFF_PAGE_SELF_TEST); /* back to the self-test, not the technician page */
    s.tech.nbuttons = 3;
    snprintf(s.tech.buttons[0].name, sizeof s.tech.buttons[0].name, "face 1");
    snprintf(s.tech.buttons[1].name, sizeof s.tech.buttons[1].name, "next");
    snprintf(s.tech.buttons[2].name, sizeof s.tech.buttons[2].name, "staff");
    s.tech.buttons[1].presses = 2;
    char missing[64];
    CHECK_INT((int)staff_buttons_pressed(&s.tech, missing, sizeof missing), 1);
    CHECK_STR(missing, "face 1, staff");
    CHECK(!staff_open_self_test(&s, 4)); /* once */
    CHECK(staff_close(&s));
    CHECK(staff_open_self_test(&s, 5));
}

/* ---- the technician page's volume ---- */

static content_t *pack;
static view_t view;

/* Latin 0.55 em, CJK 1 em: enough for where the targets go. */
static int fake_width(void *ud, int px, bool bold, const char *t, size_t len)
{
    (void)ud;
    (void)bold;
    int w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)t[i] & 0xc0) != 0x80)
            w += (unsigned char)t[i] >= 0xe0 ? px : px * 55 / 100;
    return w;
}

static int fake_line_height(void *ud, int px, bool bold)
{
    (void)ud;
    (void)bold;
    return px * 13 / 10;
}

static const text_metrics_t metrics = {fake_width, fake_line_height, NULL};

/* The technician page open (by a technician token), the sound at level. */
static staff_t on_tech_page(int level)
{
    staff_t s = {0};
    s.focus = -1;
    s.volume = level;
    staff_open_by_token(&s, STAFF_ROLE_TECHNICIAN, 0);
    staff_page(&s, STAFF_PAGE_TECH, 0);
    return s;
}

static void volume_steps_by_ten_within_0_to_100(void)
{
    staff_t s = on_tech_page(80);
    REQUIRE(s.page == STAFF_PAGE_TECH);
    CHECK(staff_volume(&s, 1, 1));
    CHECK_INT(s.volume, 90);
    CHECK(staff_volume(&s, 1, 2));
    CHECK_INT(s.volume, 100);
    CHECK(staff_volume(&s, 1, 3)); /* taken at the limit (the sample plays), clamped */
    CHECK_INT(s.volume, 100);
    CHECK(staff_volume(&s, 0, 4)); /* Test sound: the level unchanged */
    CHECK_INT(s.volume, 100);
    CHECK_INT(s.last_input_ms, 4);
    for (int i = 0; i < 12; i++)
        staff_volume(&s, -1, 5);
    CHECK_INT(s.volume, 0);
    /* A level off the steps (a configuration's 75) steps by ten and stops at the ends. */
    s.volume = 75;
    staff_volume(&s, 1, 6);
    CHECK_INT(s.volume, 85);
    staff_volume(&s, 1, 6);
    CHECK_INT(s.volume, 95);
    staff_volume(&s, 1, 6);
    CHECK_INT(s.volume, 100);
    s.volume = 5;
    staff_volume(&s, -1, 7);
    CHECK_INT(s.volume, 0);
    CHECK(!staff_volume(&s, 2, 8)); /* one step at a time */
    CHECK(!staff_volume(&s, -5, 8));
    CHECK_INT(s.volume, 0);
    /* Only on the technician page. */
    staff_back(&s, 9);
    CHECK(!staff_volume(&s, 1, 10));
    CHECK_INT(s.volume, 0);
    staff_t k = opened();
    k.volume = 50;
    CHECK(!staff_page(&k, STAFF_PAGE_TECH, 1));
    CHECK(!staff_volume(&k, 1, 2));
    CHECK_INT(k.volume, 50);
}

static void view_of(const staff_t *s, const char *lang, int w, int h)
{
    view_build_staff(&view, s, pack, lang, NULL, w, h, &metrics, 0);
}

static const widget_t *label_saying(const char *text)
{
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].kind == W_LABEL && view.w[i].text && strcmp(view.w[i].text, text) == 0)
            return &view.w[i];
    return NULL;
}

static void volume_row_is_in_the_focus_ring(void)
{
    static const struct {
        int w, h;
    } sizes[] = {{800, 480}, {720, 1280}};
    for (size_t z = 0; z < 2; z++) {
        staff_t s = on_tech_page(80);
        view_of(&s, "en", sizes[z].w, sizes[z].h);
        CHECK(label_saying("Volume 80 %") != NULL);
        /* Back and Close in the bar, then −, + and Test sound, then the tests and power. */
        REQUIRE(view.focusable >= 5);
        CHECK_INT(view_focusable(&view, 0)->action, ACT_STAFF_BACK);
        const int args[] = {-1, 1, 0};
        for (size_t i = 0; i < 3; i++) {
            const widget_t *w = view_focusable(&view, 2 + i);
            CHECK_INT(w->action, ACT_STAFF_VOLUME);
            CHECK_INT(w->arg, args[i]);
            /* as large as the page's other buttons: at least the size of a key of the clock */
            CHECK(w->r.h >= 52 && w->r.w >= 52);
        }
        CHECK_INT(view_focusable(&view, 5)->action, ACT_STAFF_PAGE);
        /* By the physical buttons alone: next to "−", select, and the level is down a step. */
        input_t next = {.kind = IN_NAV, .nav = NAV_NEXT}, sel = {.kind = IN_NAV, .nav = NAV_SELECT};
        for (int i = 0; i < 3; i++)
            mode_staff.input(&s, &next, &view, 1);
        CHECK_INT(s.focus, 2);
        view_of(&s, "en", sizes[z].w, sizes[z].h);
        unsigned fx = mode_staff.input(&s, &sel, &view, 2);
        CHECK(fx & MODE_STAFF_VOLUME);
        CHECK_INT(s.volume, 70);
        view_of(&s, "en", sizes[z].w, sizes[z].h);
        CHECK(label_saying("Volume 70 %") != NULL);
        CHECK_INT(view.focus_index, 2); /* the ring stays on "−" for the next press */
        s.volume = 0;
        view_of(&s, "zh-cn", sizes[z].w, sizes[z].h);
        CHECK(label_saying("音量：关") != NULL);
    }
}

static void no_audio_device_no_volume_buttons(void)
{
    staff_t s = on_tech_page(STAFF_NO_AUDIO);
    CHECK(!staff_volume(&s, 1, 1));
    CHECK(!staff_volume(&s, 0, 1));
    CHECK_INT(s.volume, STAFF_NO_AUDIO);
    view_of(&s, "en", 800, 480);
    CHECK(label_saying("No audio device") != NULL);
    for (size_t i = 0; i < view.n; i++)
        CHECK(view.w[i].action != ACT_STAFF_VOLUME);
    CHECK_INT(view_focusable(&view, 2)->action, ACT_STAFF_PAGE);
}

/* The real kiosk: the staff screens read the store's figures when they open, and pages opened
 * and Back show them again without asking the store, until the database changes (here another
 * connection writes to it while the screens are open). Each read prints "event=figures". */
static void the_figures_are_read_once_per_opening_until_the_database_changes(void)
{
    char dir[PATH_MAX], db[PATH_MAX], cfg[PATH_MAX], script[PATH_MAX], hash[256] = "";
    char cmd[PATH_MAX + 64], text[512], line[256];
    REQUIRE(make_scratch_dir(dir, "staff"));
    join(db, dir, "kiosk.db");
    join(cfg, dir, "staff.json");
    join(script, dir, "figures.script");
    snprintf(cmd, sizeof cmd, "echo 246810 | '%s' --hash-pin", kiosk_bin);
    FILE *hp = popen(cmd, "r");
    REQUIRE(hp);
    const bool got = fgets(hash, sizeof hash, hp) != NULL;
    REQUIRE(pclose(hp) == 0 && got);
    hash[strcspn(hash, "\n")] = '\0';
    snprintf(text, sizeof text, "{\"staff\": {\"pinHash\": \"%s\"}}\n", hash);
    REQUIRE(write_file(cfg, text));
    REQUIRE(write_file(script, "press face 0\npress skip\npress done\n"
                               "key F12\ntext 246810\npress staff_ok\nexpect staff open\n"
                               "press staff_page figures\nexpect staff-page figures\n"
                               "press staff_back\nexpect staff-page menu\n"
                               "press staff_page figures\npress staff_back\n"
                               "expect staff-page menu\npause\n"
                               "press staff_page figures\nexpect staff-page figures\n"
                               "press staff_back\nexpect staff-page menu\n"
                               "press staff_close\nexpect staff closed\n"));
    char *args[] = {"--headless", "--config", cfg, "--db", db, "--script", script, NULL};
    proc_t p;
    REQUIRE(start(&p, "staff-figures", args));
    int reads = 0;
    char first[256] = "";
    while (read_until(&p, "event=", line, sizeof line) && strncmp(line, "event=pause", 11) != 0)
        if (strncmp(line, "event=figures", 13) == 0 && reads++ == 0)
            snprintf(first, sizeof first, "%s", line);
    CHECK_INT(reads, 1); /* at the opening; the figures page and Back twice kept them */
    CHECK(strstr(first, " not_exported=1 ") && strstr(first, " timed_out=0"));
    /* Another connection counts a timed-out session today: the next page reads again. */
    sqlite3 *h = NULL;
    REQUIRE(sqlite3_open(db, &h) == SQLITE_OK);
    sqlite3_busy_timeout(h, 2000);
    CHECK(sqlite3_exec(h,
                       "INSERT INTO session_outcomes(day, journey_id, outcome, count)"
                       " VALUES(date('now'), 'feedback', 'timed_out', 1)",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    fputs("go\n", p.in);
    fflush(p.in);
    static char out[1 << 14];
    CHECK_INT(finish(&p, out, sizeof out), 0);
    CHECK_INT(count_of(out, "event=figures"), 1);
    CHECK(strstr(out, " timed_out=1") != NULL);
    remove_tree(dir);
}

int main(void)
{
    pack = load_default_pack();
    if (!pack || !proc_test_tmp())
        return 1;
    RUN(the_figures_are_read_once_per_opening_until_the_database_changes);
    RUN(volume_steps_by_ten_within_0_to_100);
    RUN(volume_row_is_in_the_focus_ring);
    RUN(no_audio_device_no_volume_buttons);
    RUN(self_test_opens_only_its_own_pages);
    RUN(roles_decide_the_pages);
    RUN(power_actions_ask_first);
    RUN(clock_is_set_only_when_unsynchronised);
    RUN(packs_are_confirmed_and_only_valid_ones);
    RUN(touch_test_keeps_the_latest_points);
    RUN(focus_ring_wraps_and_hides);
    RUN(erasing_a_contact_asks_first);
    RUN(right_pin_opens_and_wipes_the_digits);
    RUN(pin_is_bounded);
    RUN(wrong_pins_wait_longer_each_time);
    RUN(closing_and_reopening_does_not_reset_the_wait);
    RUN(no_pin_provisioned_takes_none);
    RUN(screens_close_when_untouched);
    content_free(pack);
    return check_failures != 0;
}
