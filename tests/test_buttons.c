/* Debouncing, long press, stuck buttons from synthetic timestamped edges; the pin map and the
 * device configuration, including the board's default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/buttons.h"
#include "core/config.h"
#include "core/kerr.h"

#define MS(x) ((int64_t)(x)*1000000)

static pinmap_t map_of(size_t n)
{
    pinmap_t m = {.n = n, .debounce_ms = 30, .long_press_ms = 3000, .stuck_s = 120};
    for (size_t i = 0; i < n; i++)
        m.pins[i] = (pin_t){.action = BUTTON_FACE, .index = (int)i, .offset = (int)i};
    return m;
}

static size_t poll_all(debouncer_t *d, int64_t now, button_event_t *ev)
{
    return debouncer_poll(d, now, ev, 16);
}

static void clean_press_and_release(void)
{
    pinmap_t m = map_of(1);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    debouncer_edge(&d, 0, true, MS(1000));
    /* The first edge of a quiet line is the press: certain at its own time, not 30 ms on. */
    CHECK_INT(poll_all(&d, MS(1000), ev), 1);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[0].edge_ns, MS(1000)); /* the kernel's time of the press */
    CHECK_INT(ev[0].at_ns, MS(1000));
    debouncer_edge(&d, 0, false, MS(1200));
    CHECK_INT(poll_all(&d, MS(1200), ev), 1);
    CHECK_INT(ev[0].kind, BTN_RELEASE);
    CHECK_INT(ev[0].edge_ns, MS(1200));
    CHECK_INT(ev[0].at_ns, MS(1200));
    CHECK_INT(debouncer_next_deadline(&d), INT64_MAX);
    CHECK_INT(d.line[0].bounces, 0);
    /* A press right at start is no bounce, and counts at once: the level before it lasted an
     * unknown time. */
    debouncer_init(&d, &m, NULL, MS(5000));
    debouncer_edge(&d, 0, true, MS(5000));
    CHECK_INT(d.line[0].bounces, 0);
    CHECK_INT(poll_all(&d, MS(5000), ev), 1);
    CHECK_INT(ev[0].kind, BTN_PRESS);
}

static void bounce_train_gives_one_press(void)
{
    pinmap_t m = map_of(1);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    /* A contact chattering for 4 ms, then closed: the press at the first edge, the rest
     * ignored. */
    int64_t t = MS(500);
    debouncer_edge(&d, 0, true, t);
    debouncer_edge(&d, 0, false, t + 500000);
    debouncer_edge(&d, 0, true, t + 900000);
    debouncer_edge(&d, 0, false, t + 1700000);
    debouncer_edge(&d, 0, true, t + 4000000);
    CHECK_INT(poll_all(&d, t + MS(40), ev), 1);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[0].edge_ns, t);
    CHECK_INT(ev[0].at_ns, t);
    CHECK_INT(d.line[0].bounces, 4);
    /* Chatter on release too: one release, at its first edge. */
    t = MS(800);
    debouncer_edge(&d, 0, false, t);
    debouncer_edge(&d, 0, true, t + 300000);
    debouncer_edge(&d, 0, false, t + 800000);
    CHECK_INT(poll_all(&d, t + MS(31), ev), 1);
    CHECK_INT(ev[0].kind, BTN_RELEASE);
    CHECK_INT(ev[0].at_ns, t);
    CHECK_INT(poll_all(&d, t + MS(1000), ev), 0);
    /* Chatter that goes on past the debounce time after the press: still one press (each
     * edge is sooner than the debounce time after the one before). */
    t = MS(2000);
    for (int i = 0; i < 40; i++)
        debouncer_edge(&d, 0, i % 2 == 0, t + MS(2) * i); /* 80 ms of 2 ms chatter, open */
    CHECK_INT(poll_all(&d, t + MS(1000), ev), 2);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[0].at_ns, t);
    CHECK_INT(ev[1].kind, BTN_RELEASE);
    CHECK_INT(ev[1].edge_ns, t + MS(78)); /* the level that then held */
    CHECK_INT(ev[1].at_ns, t + MS(108));
}

/* A press shorter than the debounce time: acted on at its edge, released once the level
 * after it held; and when its release bounces, still one press, never two. */
static void short_press_ending_in_a_bounce_counts_once(void)
{
    pinmap_t m = map_of(1);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    /* 10 ms press, the release bouncing for 4 ms inside the debounce window. */
    debouncer_edge(&d, 0, true, MS(100));
    debouncer_edge(&d, 0, false, MS(110));
    debouncer_edge(&d, 0, true, MS(111));
    debouncer_edge(&d, 0, false, MS(112));
    debouncer_edge(&d, 0, true, MS(113));
    debouncer_edge(&d, 0, false, MS(114));
    CHECK_INT(debouncer_next_deadline(&d), MS(144));
    CHECK_INT(poll_all(&d, MS(143), ev), 1);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[0].at_ns, MS(100));
    CHECK_INT(poll_all(&d, MS(144), ev), 1);
    CHECK_INT(ev[0].kind, BTN_RELEASE);
    CHECK_INT(ev[0].edge_ns, MS(114));
    CHECK_INT(poll_all(&d, MS(1000), ev), 0);
    /* The release's bounce straddling the end of the press's window: the edges after the
     * window are still bounce (sooner than 30 ms after the one before), not a new press. */
    debouncer_edge(&d, 0, true, MS(2000));
    debouncer_edge(&d, 0, false, MS(2028));
    debouncer_edge(&d, 0, true, MS(2029));
    debouncer_edge(&d, 0, false, MS(2031));
    debouncer_edge(&d, 0, true, MS(2032));
    debouncer_edge(&d, 0, false, MS(2033));
    CHECK_INT(poll_all(&d, MS(3000), ev), 2);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_RELEASE);
    CHECK_INT(ev[1].at_ns, MS(2063));
    /* The same fed edge by edge with a poll after each (as the loop does): the same two. */
    debouncer_init(&d, &m, NULL, 0);
    static const int64_t train[] = {MS(100), MS(128), MS(129), MS(131), MS(132), MS(133)};
    size_t n = 0, presses = 0;
    for (size_t i = 0; i < sizeof train / sizeof train[0]; i++) {
        debouncer_edge(&d, 0, i % 2 == 0, train[i]);
        size_t k = poll_all(&d, train[i], ev);
        for (size_t j = 0; j < k; j++)
            presses += ev[j].kind == BTN_PRESS;
        n += k;
    }
    n += poll_all(&d, MS(1000), ev);
    CHECK_INT(presses, 1);
    CHECK_INT(n, 2);
}

static void a_glitch_is_a_short_press(void)
{
    pinmap_t m = map_of(1);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    /* A 2 ms pulse cannot be told from a press at its first edge: it is one, released after
     * the debounce time, and counted once. */
    debouncer_edge(&d, 0, true, MS(100));
    debouncer_edge(&d, 0, false, MS(102));
    CHECK_INT(poll_all(&d, MS(1000), ev), 2);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_RELEASE);
    CHECK_INT(ev[1].at_ns, MS(132));
    CHECK_INT(d.line[0].bounces, 1);
    CHECK_INT(debouncer_next_deadline(&d), INT64_MAX);
    /* A repeated level (a missed edge) changes nothing. */
    debouncer_edge(&d, 0, false, MS(1100));
    CHECK_INT(poll_all(&d, MS(2000), ev), 0);
}

static void release_exactly_at_the_debounce_boundary(void)
{
    pinmap_t m = map_of(2);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    debouncer_edge(&d, 0, true, MS(100));
    debouncer_edge(&d, 0, false, MS(130)); /* 30 ms after the press: a release of its own */
    debouncer_edge(&d, 1, true, MS(100));
    debouncer_edge(&d, 1, false, MS(130) - 1); /* 1 ns sooner: bounce, until it holds */
    CHECK_INT(poll_all(&d, MS(130), ev), 3);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_PRESS);
    CHECK_INT(ev[2].pin, 0);
    CHECK_INT(ev[2].kind, BTN_RELEASE);
    CHECK_INT(ev[2].at_ns, MS(130));
    CHECK_INT(poll_all(&d, MS(160) - 2, ev), 0);
    CHECK_INT(poll_all(&d, MS(160) - 1, ev), 1);
    CHECK_INT(ev[0].pin, 1);
    CHECK_INT(ev[0].kind, BTN_RELEASE);
    CHECK_INT(d.line[0].bounces, 0);
    CHECK_INT(d.line[1].bounces, 1);
}

/* A resident pressing twice quickly: the second press comes sooner than the debounce time
 * after the first one's release, so it counts once it held; a third after a pause at once. */
static void quick_second_press_counts_after_the_debounce_time(void)
{
    pinmap_t m = map_of(1);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    debouncer_edge(&d, 0, true, MS(0) + 1);
    debouncer_edge(&d, 0, false, MS(40));
    debouncer_edge(&d, 0, true, MS(60));
    debouncer_edge(&d, 0, false, MS(150));
    debouncer_edge(&d, 0, true, MS(400));
    CHECK_INT(poll_all(&d, MS(400), ev), 5);
    static const button_event_kind_t kinds[] = {BTN_PRESS, BTN_RELEASE, BTN_PRESS, BTN_RELEASE,
                                                BTN_PRESS};
    static const int64_t at[] = {MS(0) + 1, MS(40), MS(90), MS(150), MS(400)};
    for (size_t i = 0; i < 5; i++) {
        CHECK_INT(ev[i].kind, kinds[i]);
        CHECK_INT(ev[i].at_ns, at[i]);
    }
    CHECK_INT(ev[2].edge_ns, MS(60));
}

static void two_buttons_at_once_come_in_time_order(void)
{
    pinmap_t m = map_of(2);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    debouncer_edge(&d, 1, true, MS(10));
    debouncer_edge(&d, 0, true, MS(15));
    debouncer_edge(&d, 1, false, MS(90));
    debouncer_edge(&d, 0, false, MS(95));
    CHECK_INT(poll_all(&d, MS(200), ev), 4);
    CHECK_INT(ev[0].pin, 1);
    CHECK_INT(ev[1].pin, 0);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_PRESS);
    CHECK_INT(ev[2].pin, 1);
    CHECK_INT(ev[2].kind, BTN_RELEASE);
    CHECK_INT(ev[3].pin, 0);
    /* One button's release waits out its bounce while the other's press counts at once:
     * still in time order, and neither disturbs the other. */
    debouncer_edge(&d, 0, true, MS(1010));
    debouncer_edge(&d, 0, false, MS(1020));
    debouncer_edge(&d, 0, true, MS(1021));
    debouncer_edge(&d, 0, false, MS(1022));
    debouncer_edge(&d, 1, true, MS(1040));
    debouncer_edge(&d, 1, false, MS(1041));
    debouncer_edge(&d, 1, true, MS(1042));
    CHECK_INT(poll_all(&d, MS(1100), ev), 3);
    CHECK_INT(ev[0].pin, 0);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].pin, 1);
    CHECK_INT(ev[1].kind, BTN_PRESS);
    CHECK_INT(ev[1].at_ns, MS(1040));
    CHECK_INT(ev[2].pin, 0);
    CHECK_INT(ev[2].kind, BTN_RELEASE);
    CHECK_INT(ev[2].at_ns, MS(1052));
}

/* Many bounce patterns (a seeded generator): each press, however it chatters on closing and
 * on opening and however short it is held, gives exactly one press at its first edge and one
 * release. */
static void chatter_patterns_give_one_press_each(void)
{
    pinmap_t m = map_of(2);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    uint32_t seed = 12345;
#define RND(n) ((seed = seed * 1103515245u + 12345u), (int64_t)((seed >> 8) % (uint32_t)(n)))
    int64_t t = MS(100);
    size_t presses = 0, releases = 0, wrong = 0;
    for (int i = 0; i < 2000; i++) {
        size_t pin = (size_t)(i % 2);
        int64_t first = t;
        bool level = true;
        debouncer_edge(&d, pin, level, t);
        int closing = (int)RND(8), opening = (int)RND(8);
        for (int k = 0; k < 2 * closing; k++) { /* bounce on closing, ends closed */
            t += 1 + RND(MS(3));
            debouncer_edge(&d, pin, level = !level, t);
        }
        t += 1 + RND(i % 4 == 0 ? MS(29) : MS(400)); /* held: often shorter than 30 ms */
        debouncer_edge(&d, pin, level = false, t);
        for (int k = 0; k < 2 * opening; k++) { /* bounce on opening, ends open */
            t += 1 + RND(MS(3));
            debouncer_edge(&d, pin, level = !level, t);
        }
        int64_t settled = t + MS(30);
        size_t n = poll_all(&d, settled, ev);
        for (size_t k = 0; k < n; k++) {
            presses += ev[k].kind == BTN_PRESS;
            releases += ev[k].kind == BTN_RELEASE;
            wrong += ev[k].pin != pin;
        }
        wrong += n != 2 || ev[0].kind != BTN_PRESS || ev[0].at_ns != first ||
                 ev[1].kind != BTN_RELEASE || ev[1].at_ns > settled;
        t = settled + RND(MS(100));
    }
#undef RND
    CHECK_INT(presses, 2000);
    CHECK_INT(releases, 2000);
    CHECK_INT(wrong, 0);
}

static void long_press_fires_once_while_held(void)
{
    pinmap_t m = map_of(1);
    m.pins[0].action = BUTTON_STAFF;
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    debouncer_edge(&d, 0, true, MS(1000));
    CHECK_INT(poll_all(&d, MS(1100), ev), 1);
    CHECK_INT(debouncer_next_deadline(&d), MS(4000));
    CHECK_INT(poll_all(&d, MS(3999), ev), 0);
    CHECK_INT(poll_all(&d, MS(4000), ev), 1);
    CHECK_INT(ev[0].kind, BTN_LONG);
    CHECK_INT(poll_all(&d, MS(9000), ev), 0);
    debouncer_edge(&d, 0, false, MS(9500));
    CHECK_INT(poll_all(&d, MS(9600), ev), 1);
    CHECK_INT(ev[0].kind, BTN_RELEASE);
    /* A short press is no long press; a release bouncing before the threshold neither. */
    debouncer_edge(&d, 0, true, MS(20000));
    debouncer_edge(&d, 0, false, MS(22000));
    CHECK_INT(poll_all(&d, MS(30000), ev), 2);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_RELEASE);
    /* Released after the threshold but polled only afterwards: the long press still counts. */
    debouncer_edge(&d, 0, true, MS(40000));
    debouncer_edge(&d, 0, false, MS(44000));
    CHECK_INT(poll_all(&d, MS(50000), ev), 3);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_LONG);
    CHECK_INT(ev[2].kind, BTN_RELEASE);
    /* Released 10 ms before the threshold, the release bouncing across it: no long press. */
    debouncer_edge(&d, 0, true, MS(60000));
    debouncer_edge(&d, 0, false, MS(62990));
    debouncer_edge(&d, 0, true, MS(62995));
    debouncer_edge(&d, 0, false, MS(63005));
    CHECK_INT(poll_all(&d, MS(70000) - 1, ev), 2);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(ev[1].kind, BTN_RELEASE);
    CHECK_INT(ev[1].at_ns, MS(62990));
    /* A press that bounces on closing: the long press counts from its first edge. */
    debouncer_edge(&d, 0, true, MS(70000));
    debouncer_edge(&d, 0, false, MS(70001));
    debouncer_edge(&d, 0, true, MS(70003));
    CHECK_INT(poll_all(&d, MS(70003), ev), 1);
    CHECK_INT(ev[0].kind, BTN_PRESS);
    CHECK_INT(debouncer_next_deadline(&d), MS(73000));
    CHECK_INT(poll_all(&d, MS(73000), ev), 1);
    CHECK_INT(ev[0].kind, BTN_LONG);
    CHECK_INT(ev[0].edge_ns, MS(70000));
}

static void stuck_line_is_reported_once(void)
{
    pinmap_t m = map_of(1);
    debouncer_t d;
    debouncer_init(&d, &m, NULL, 0);
    button_event_t ev[16];
    debouncer_edge(&d, 0, true, MS(0) + 1);
    size_t n = 0, stuck = 0;
    for (int64_t t = 0; t <= MS(600000); t += MS(1000)) { /* ten minutes of polling */
        size_t k = poll_all(&d, t, ev);
        for (size_t i = 0; i < k; i++)
            stuck += ev[i].kind == BTN_STUCK;
        n += k;
    }
    CHECK_INT(stuck, 1);
    CHECK_INT(n, 3); /* press, long, stuck */
    CHECK_INT(debouncer_next_deadline(&d), INT64_MAX);
    debouncer_edge(&d, 0, false, MS(600500));
    CHECK_INT(poll_all(&d, MS(601000), ev), 1);
    CHECK_INT(ev[0].kind, BTN_RELEASE);
}

static void held_at_start_is_not_a_press(void)
{
    pinmap_t m = map_of(1);
    bool initial[1] = {true};
    debouncer_t d;
    debouncer_init(&d, &m, initial, MS(5));
    button_event_t ev[16];
    CHECK_INT(poll_all(&d, MS(10000), ev), 0);
    CHECK_INT(poll_all(&d, MS(125005), ev), 1);
    CHECK_INT(ev[0].kind, BTN_STUCK);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void board_default_configuration_loads(void)
{
    size_t len;
    char *json = slurp(KIOSK_BOARD_CONFIG, &len);
    REQUIRE(json);
    device_config_t cfg;
    content_error_t err;
    int rc = device_config_parse(json, len, "kiosk.json", &cfg, &err);
    if (rc)
        fprintf(stderr, "%s: %s: %s\n", err.file, err.path, err.reason);
    REQUIRE(rc == KIOSK_OK);
    CHECK(cfg.has_buttons);
    CHECK_INT(cfg.buttons.n, 11);
    CHECK_INT(cfg.buttons.debounce_ms, 30);
    CHECK_INT(cfg.width, 800);
    CHECK_INT(cfg.rotation, 0);
    CHECK(cfg.fullscreen);
    int faces = 0;
    for (size_t i = 0; i < cfg.buttons.n; i++) {
        faces += cfg.buttons.pins[i].action == BUTTON_FACE;
        CHECK(cfg.buttons.pins[i].active_low);
        CHECK_INT(cfg.buttons.pins[i].bias, BIAS_PULL_UP);
    }
    CHECK_INT(faces, 4);
    CHECK_STR(cfg.buttons.pins[0].line_name, "GPIO5");
    CHECK_INT(cfg.contact_after_export_days, 30);
    CHECK_INT(cfg.contact_max_days, 180);
    CHECK_INT(cfg.answers_after_export_days, 365);
    CHECK(!cfg.hours.set); /* no openingHours: always open */
    CHECK(!cfg.has_backlight);
    CHECK(cfg.input_methods); /* a Chinese centre's kiosk: handwriting and pinyin */
    CHECK_STR(cfg.rime_dir, "");
}

static void input_methods_configuration(void)
{
    device_config_t cfg;
    content_error_t err;
    const char *ok = "{\"inputMethods\": {\"enabled\": true, \"rimeDir\": \"/opt/rime\"}}";
    REQUIRE(device_config_parse(ok, strlen(ok), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK(cfg.input_methods);
    CHECK_STR(cfg.rime_dir, "/opt/rime");
    static const struct {
        const char *json, *path;
    } bad[] = {
        {"{\"inputMethods\": true}", "$.inputMethods"},
        {"{\"inputMethods\": {\"enabled\": \"yes\"}}", "$.inputMethods.enabled"},
        {"{\"inputMethods\": {\"enable\": true}}", "$.inputMethods.enable"},
        {"{\"inputMethods\": {\"rimeDir\": 3}}", "$.inputMethods.rimeDir"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(device_config_parse(bad[i].json, strlen(bad[i].json), "kiosk.json", &cfg, &err) ==
              KIOSK_EINVAL);
        CHECK_STR(err.path, bad[i].path);
    }
}

static void opening_hours_and_backlight_configuration(void)
{
    const char *json =
        "{\"kioskId\": \"lobby\","
        " \"display\": {\"width\": 800, \"height\": 480,"
        "  \"backlight\": {\"path\": \"/sys/class/backlight/10-0045\", \"quietPercent\": 10}},"
        " \"openingHours\": {\"mon\": [\"08:00-12:00\", \"13:00-20:00\"], \"tue\": [],"
        "  \"sat\": [\"10:00-24:00\"], \"sun\": [\"00:00-02:00\"]}}";
    device_config_t cfg;
    content_error_t err;
    int rc = device_config_parse(json, strlen(json), "kiosk.json", &cfg, &err);
    if (rc)
        fprintf(stderr, "%s: %s: %s\n", err.file, err.path, err.reason);
    REQUIRE(rc == KIOSK_OK);
    CHECK(cfg.hours.set);
    CHECK_INT(cfg.hours.nspans[0], 2);
    CHECK_INT(cfg.hours.nspans[1], 0);
    CHECK(hours_is_open(&cfg.hours, 0, 8 * 60));
    CHECK(!hours_is_open(&cfg.hours, 0, 12 * 60));
    CHECK_INT(hours_minutes_to_change(&cfg.hours, 5, 23 * 60), 180); /* Sat 23:00 to Sun 02:00 */
    CHECK(cfg.has_backlight);
    CHECK_STR(cfg.backlight_path, "/sys/class/backlight/10-0045");
    CHECK_INT(cfg.backlight_quiet_percent, 10);
    CHECK_INT(cfg.width, 800);

    const char *zero = "{\"display\": {\"backlight\": {\"quietPercent\": 0,"
                       " \"path\": \"/sys/class/backlight/rpi_backlight\"}}}";
    REQUIRE(device_config_parse(zero, strlen(zero), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK(cfg.has_backlight);
    CHECK_INT(cfg.backlight_quiet_percent, 0);
    CHECK(!cfg.hours.set);
}

static void expect_config_error(const char *json, const char *path, const char *reason)
{
    device_config_t cfg;
    content_error_t err;
    CHECK_INT(device_config_parse(json, strlen(json), "bad.json", &cfg, &err), KIOSK_EINVAL);
    CHECK_STR(err.file, "bad.json");
    CHECK_STR(err.path, path);
    if (!strstr(err.reason, reason)) {
        fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", err.reason, reason);
        check_failures++;
    }
}

static void bad_configurations_name_path_and_reason(void)
{
    expect_config_error("{\"kiosk\": \"x\"}", "$.kiosk", "unknown setting 'kiosk'");
    expect_config_error("{\"display\": {\"rotation\": 45}}", "$.display.rotation", "0, 90");
    expect_config_error("{\"buttons\": {\"pins\": [{\"action\": \"jump\", \"line\": 3}]}}",
                        "$.buttons.pins[0].action", "unknown action 'jump'");
    expect_config_error("{\"buttons\": {\"chip\": \"gpiochip0\", \"pins\": ["
                        "{\"action\": \"next\", \"line\": 3},"
                        "{\"action\": \"prev\", \"line\": 3}]}}",
                        "$.buttons.pins[1]", "line already used by $.pins[0]");
    expect_config_error("{\"buttons\": {\"chip\": \"gpiochip0\", \"pins\": ["
                        "{\"action\": \"face\", \"line\": 3}]}}",
                        "$.buttons.pins[0].index", "index 0..4");
    expect_config_error("{\"buttons\": {\"chip\": \"gpiochip0\", \"pins\": ["
                        "{\"action\": \"next\", \"line\": 3, \"bias\": \"up\"}]}}",
                        "$.buttons.pins[0].bias", "pull-up");
    expect_config_error("{\"buttons\": {\"chip\": \"auto\", \"pins\": ["
                        "{\"action\": \"next\", \"line\": 3}]}}",
                        "$.buttons.pins[0].line", "found by its name");
    expect_config_error("{\"buttons\": {\"debounceMs\": 0, \"pins\": []}}", "$.buttons.debounceMs",
                        "1..1000");
    expect_config_error("{\"buttons\": {\"chip\": \"gpiochip0\", \"pins\": ["
                        "{\"action\": \"staff\", \"line\": 3},"
                        "{\"action\": \"staff\", \"line\": 4}]}}",
                        "$.buttons.pins[1]", "a second 'staff' button");
    expect_config_error("[1]", "$", "expected a JSON object");
    expect_config_error("{\"retention\": {\"contactMaxDays\": 0}}", "$.retention.contactMaxDays",
                        "1..3650");
    expect_config_error("{\"openingHours\": {\"mon\": [\"08:00-12:00\"],"
                        " \"tue\": [\"08:00-12:00\", \"11:00-13:00\"]}}",
                        "$.openingHours.tue[1]", "opens before the previous span closes");
    expect_config_error("{\"openingHours\": {\"wed\": [\"12:61-13:00\"]}}", "$.openingHours.wed[0]",
                        "minutes are 00..59");
    expect_config_error("{\"openingHours\": {\"monday\": []}}", "$.openingHours.monday",
                        "unknown day 'monday'");
    expect_config_error("{\"openingHours\": [\"08:00-20:00\"]}", "$.openingHours",
                        "expected an object");
    expect_config_error("{\"openingHour\": {}}", "$.openingHour", "unknown setting");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/dev/fb0\","
                        " \"quietPercent\": 10}}}",
                        "$.display.backlight.path", "/sys/class/backlight/<name>");
    expect_config_error("{\"display\": {\"backlight\": {\"path\":"
                        " \"/sys/class/backlight/../../../etc/passwd\", \"quietPercent\": 10}}}",
                        "$.display.backlight.path", "no \"..\"");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/sys/class/backlight/\","
                        " \"quietPercent\": 10}}}",
                        "$.display.backlight.path", "one name");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/sys/class/backlight/a..b\","
                        " \"quietPercent\": 10}}}",
                        "$.display.backlight.path", "one name");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/sys/class/backlight/x\","
                        " \"quietPercent\": 101}}}",
                        "$.display.backlight.quietPercent", "0..100");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/sys/class/backlight/x\","
                        " \"quietPercent\": 12.5}}}",
                        "$.display.backlight.quietPercent", "0..100");
    expect_config_error("{\"display\": {\"backlight\": {\"quietPercent\": 10}}}",
                        "$.display.backlight.path", "missing");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/sys/class/backlight/x\"}}}",
                        "$.display.backlight.quietPercent", "missing");
    expect_config_error("{\"display\": {\"backlight\": {\"path\": \"/sys/class/backlight/x\","
                        " \"quietPercent\": 10, \"level\": 3}}}",
                        "$.display.backlight.level", "unknown setting 'level'");
    expect_config_error("{\"display\": {\"backlight\": \"/sys/class/backlight/x\"}}",
                        "$.display.backlight", "expected an object");
}

int main(void)
{
    RUN(clean_press_and_release);
    RUN(bounce_train_gives_one_press);
    RUN(short_press_ending_in_a_bounce_counts_once);
    RUN(a_glitch_is_a_short_press);
    RUN(release_exactly_at_the_debounce_boundary);
    RUN(quick_second_press_counts_after_the_debounce_time);
    RUN(two_buttons_at_once_come_in_time_order);
    RUN(chatter_patterns_give_one_press_each);
    RUN(long_press_fires_once_while_held);
    RUN(stuck_line_is_reported_once);
    RUN(held_at_start_is_not_a_press);
    RUN(board_default_configuration_loads);
    RUN(input_methods_configuration);
    RUN(opening_hours_and_backlight_configuration);
    RUN(bad_configurations_name_path_and_reason);
    return check_failures != 0;
}
