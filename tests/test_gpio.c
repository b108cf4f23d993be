/* The libgpiod backend against a fake of the libgpiod v1 API: request flags, bias, lookups by
 * name and offset, initial levels, edges through the watcher thread, and every error path. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buttons/gpio.h"
#include "check.h"
#include "core/kerr.h"
#include "fake_gpiod.h"

static const char *const names[8] = {"GPIO0", "GPIO1", "GPIO2", "GPIO3",
                                     "GPIO4", "GPIO5", "GPIO6", "GPIO7"};

static char logged[8][512];
static int nlogged;

static void log_line(const char *msg, void *ud)
{
    (void)ud;
    if (nlogged < 8)
        snprintf(logged[nlogged++], sizeof logged[0], "%s", msg);
}

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static int wakes;

static void on_wake(void *ud)
{
    (void)ud;
    pthread_mutex_lock(&wake_lock);
    wakes++;
    pthread_cond_signal(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
}

/* Waits until the watcher woke us at least n times (or 2 s). */
static bool wait_wakes(int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_mutex_lock(&wake_lock);
    while (wakes < n)
        if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) != 0)
            break;
    bool ok = wakes >= n;
    pthread_mutex_unlock(&wake_lock);
    return ok;
}

static void setup(pinmap_t *map)
{
    fake_gpiod_reset();
    nlogged = 0;
    wakes = 0;
    fake_gpiod_add_chip(0, "pinctrl-bcm2711", 8, names);
    memset(map, 0, sizeof *map);
    map->debounce_ms = 30;
    map->long_press_ms = 3000;
    map->stuck_s = 120;
}

static pin_t pin(button_action_t a, int index, const char *chip, const char *name, int offset,
                 bool active_low, button_bias_t bias)
{
    pin_t p = {
        .action = a, .index = index, .offset = offset, .active_low = active_low, .bias = bias};
    snprintf(p.chip, sizeof p.chip, "%s", chip);
    if (name)
        snprintf(p.line_name, sizeof p.line_name, "%s", name);
    return p;
}

static void lines_are_requested_with_both_edges_bias_and_active_low(void)
{
    pinmap_t map;
    setup(&map);
    map.pins[map.n++] = pin(BUTTON_FACE, 0, "gpiochip0", "GPIO5", -1, true, BIAS_PULL_UP);
    map.pins[map.n++] = pin(BUTTON_NEXT, 0, "pinctrl-bcm2711", NULL, 6, false, BIAS_PULL_DOWN);
    map.pins[map.n++] = pin(BUTTON_BACK, 0, "/dev/gpiochip0", NULL, 7, true, BIAS_NONE);
    map.pins[map.n++] = pin(BUTTON_STAFF, 0, "0", "GPIO2", -1, true, BIAS_AS_IS);
    fake_gpiod_set_level(0, 6, 1); /* held at start */
    gpio_t *g;
    REQUIRE(gpio_open(&map, log_line, NULL, &g) == KIOSK_OK);
    const struct gpiod_line_request_config *c = fake_gpiod_request(0, 5);
    REQUIRE(c);
    CHECK_STR(c->consumer, "kiosk");
    CHECK_INT(c->request_type, GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES);
    CHECK_INT(c->flags, GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW | GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP);
    c = fake_gpiod_request(0, 6);
    REQUIRE(c);
    CHECK_INT(c->flags, GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN);
    c = fake_gpiod_request(0, 7);
    REQUIRE(c);
    CHECK_INT(c->flags, GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW | GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE);
    c = fake_gpiod_request(0, 2);
    REQUIRE(c);
    CHECK_INT(c->flags, GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW);
    CHECK(!gpio_initial(g, 0));
    CHECK(gpio_initial(g, 1));
    CHECK_INT(nlogged, 0);
    gpio_close(g);
    CHECK_INT(fake_gpiod_open_chips(), 0);
    CHECK_INT(fake_gpiod_requested_lines(), 0);
}

static void edges_reach_the_main_thread_with_kernel_timestamps(void)
{
    pinmap_t map;
    setup(&map);
    map.pins[map.n++] = pin(BUTTON_SELECT, 0, "gpiochip0", NULL, 3, true, BIAS_PULL_UP);
    map.pins[map.n++] = pin(BUTTON_FACE, 2, "gpiochip0", NULL, 4, true, BIAS_PULL_UP);
    gpio_t *g;
    REQUIRE(gpio_open(&map, log_line, NULL, &g) == KIOSK_OK);
    REQUIRE(gpio_start(g, on_wake, NULL) == KIOSK_OK);
    CHECK(fake_gpiod_edge(0, 3, true, 1000000123));
    CHECK(wait_wakes(1));
    CHECK(fake_gpiod_edge(0, 4, true, 1000500000));
    CHECK(fake_gpiod_edge(0, 3, false, 1080000000));
    CHECK(wait_wakes(2));
    usleep(20000);
    gpio_edge_t e[8];
    size_t n = 0;
    for (int tries = 0; tries < 100 && n < 3; tries++) {
        n += gpio_take(g, e + n, 8 - n);
        if (n < 3)
            usleep(2000);
    }
    CHECK_INT(n, 3);
    /* Edges of one line keep their order; lines are read one after the other: sort by time. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && e[k - 1].ts_ns > e[k].ts_ns; k--) {
            gpio_edge_t t = e[k];
            e[k] = e[k - 1];
            e[k - 1] = t;
        }
    CHECK_INT(e[0].pin, 0);
    CHECK(e[0].pressed);
    CHECK_INT(e[0].ts_ns, 1000000123);
    CHECK_INT(e[1].pin, 1);
    CHECK(e[1].pressed);
    CHECK_INT(e[2].pin, 0);
    CHECK(!e[2].pressed);
    CHECK_INT(e[2].ts_ns, 1080000000);
    CHECK_INT(gpio_take(g, e, 8), 0);
    gpio_close(g);
    CHECK_INT(fake_gpiod_open_chips(), 0);
}

static void a_missing_chip_leaves_the_other_buttons_working(void)
{
    pinmap_t map;
    setup(&map);
    map.pins[map.n++] = pin(BUTTON_NEXT, 0, "gpiochip3", NULL, 1, true, BIAS_PULL_UP);
    map.pins[map.n++] = pin(BUTTON_PREV, 0, "gpiochip0", NULL, 1, true, BIAS_PULL_UP);
    map.pins[map.n++] = pin(BUTTON_HELP, 0, "gpiochip0", "NO_SUCH_LINE", -1, true, BIAS_PULL_UP);
    gpio_t *g;
    REQUIRE(gpio_open(&map, log_line, NULL, &g) == KIOSK_OK);
    CHECK(!gpio_has(g, 0));
    CHECK(gpio_has(g, 1));
    CHECK(!gpio_has(g, 2));
    CHECK_INT(nlogged, 2);
    CHECK(strstr(logged[0], "button 0 (next) on gpiochip3 line 1: cannot open chip") != NULL);
    CHECK(strstr(logged[0], "touch works") != NULL);
    CHECK(strstr(logged[1], "line 'NO_SUCH_LINE': cannot find line") != NULL);
    gpio_close(g);
    CHECK_INT(fake_gpiod_open_chips(), 0);
}

static void busy_line_and_permission_errors_are_reported(void)
{
    pinmap_t map;
    setup(&map);
    fake_gpiod_add_chip(1, "other", 4, NULL);
    fake_gpiod_fail_open(1, EACCES);
    fake_gpiod_set_busy(0, 2);
    map.pins[map.n++] = pin(BUTTON_FACE, 0, "gpiochip0", NULL, 2, true, BIAS_PULL_UP);
    map.pins[map.n++] = pin(BUTTON_FACE, 1, "gpiochip1", NULL, 0, true, BIAS_PULL_UP);
    gpio_t *g = NULL;
    int rc = gpio_open(&map, log_line, NULL, &g);
    CHECK(rc == KIOSK_EACCES || rc == KIOSK_EBUSY);
    CHECK(g == NULL);
    CHECK_INT(nlogged, 2);
    CHECK(strstr(logged[0], "face 1") && strstr(logged[0], "already in use"));
    CHECK(strstr(logged[1], "face 2") && strstr(logged[1], "gpio group"));
    CHECK_INT(fake_gpiod_open_chips(), 0);
    CHECK_INT(fake_gpiod_requested_lines(), 0);
}

static void a_full_queue_drops_the_oldest_edges_and_counts_them(void)
{
    pinmap_t map;
    setup(&map);
    map.pins[map.n++] = pin(BUTTON_NEXT, 0, "gpiochip0", NULL, 0, true, BIAS_PULL_UP);
    gpio_t *g;
    REQUIRE(gpio_open(&map, log_line, NULL, &g) == KIOSK_OK);
    REQUIRE(gpio_start(g, on_wake, NULL) == KIOSK_OK);
    for (int i = 0; i < 300; i++) {
        CHECK(fake_gpiod_edge(0, 0, i % 2 == 0, 1000 + i));
        if (i % 50 == 49)
            usleep(5000); /* the pipe holds at most 64 KiB */
    }
    for (int tries = 0; tries < 200 && gpio_dropped(g) < 44; tries++)
        usleep(5000);
    CHECK_INT(gpio_dropped(g), 44);
    gpio_edge_t e[300];
    size_t n = gpio_take(g, e, 300);
    CHECK_INT(n, 256);
    CHECK_INT(e[0].ts_ns, 1044);
    CHECK_INT(e[255].ts_ns, 1299);
    gpio_close(g);
}

int main(void)
{
    fprintf(stderr, "backend built against %s\n", gpio_library_version());
    RUN(lines_are_requested_with_both_edges_bias_and_active_low);
    RUN(edges_reach_the_main_thread_with_kernel_timestamps);
    RUN(a_missing_chip_leaves_the_other_buttons_working);
    RUN(busy_line_and_permission_errors_are_reported);
    RUN(a_full_queue_drops_the_oldest_edges_and_counts_them);
    return check_failures != 0;
}
