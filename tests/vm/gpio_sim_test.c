/* Runs inside a QEMU guest with gpio-sim: the real libgpiod backend (v1 or v2, linked
 * statically) and the core's debouncer against simulated lines whose pulls the test flips
 * through sysfs. Prints "VM-TESTS-PASS <api>" or "VM-TESTS-FAIL <api>" for the host. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "buttons/gpio.h"
#include "core/buttons.h"
#include "core/kerr.h"

static const char *sim_dir; /* /sys/devices/platform/gpio-sim.0/gpiochip0 */
static int failures;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Pulls the simulated line down (button pressed: active-low) or up (released). */
static void pull(int line, bool down)
{
    char path[256];
    snprintf(path, sizeof path, "%s/sim_gpio%d/pull", sim_dir, line);
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, down ? "pull-down" : "pull-up", down ? 9 : 7) < 0)
        printf("cannot write %s\n", path);
    if (fd >= 0)
        close(fd);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int wakes;

static void on_wake(void *ud)
{
    (void)ud;
    pthread_mutex_lock(&lock);
    wakes++;
    pthread_mutex_unlock(&lock);
}

static gpio_t *gpio;
static debouncer_t deb;

/* Feeds edges for ms milliseconds and collects the debounced events. */
static size_t collect(int ms, button_event_t *out, size_t max)
{
    size_t n = 0;
    int64_t until = now_ns() + (int64_t)ms * 1000000;
    while (now_ns() < until) {
        gpio_edge_t e[64];
        size_t k = gpio_take(gpio, e, 64);
        for (size_t i = 0; i < k; i++)
            debouncer_edge(&deb, e[i].pin, e[i].pressed, e[i].ts_ns);
        n += debouncer_poll(&deb, now_ns(), out + n, max - n);
        sleep_ms(2);
    }
    return n;
}

static void log_line(const char *msg, void *ud)
{
    (void)ud;
    printf("log: %s\n", msg);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SIM_CHIP_SYSFS_DIR CHIP\n", argv[0]);
        return 2;
    }
    sim_dir = argv[1];
    const char *api = gpio_library_version();
    printf("backend: %s\n", api);
    pinmap_t map = {.n = 4, .debounce_ms = 30, .long_press_ms = 3000, .stuck_s = 120};
    const char *names[4] = {"BUTTON_SELECT", "BUTTON_NEXT", "BUTTON_STAFF", NULL};
    button_action_t actions[4] = {BUTTON_SELECT, BUTTON_NEXT, BUTTON_STAFF, BUTTON_FACE};
    for (size_t i = 0; i < 4; i++) {
        pin_t *p = &map.pins[i];
        p->action = actions[i];
        p->active_low = true;
        p->bias = BIAS_PULL_UP;
        snprintf(p->chip, sizeof p->chip, "%s", i == 3 ? "gpiochip9" : (i == 0 ? "auto" : argv[2]));
        if (names[i])
            snprintf(p->line_name, sizeof p->line_name, "%s", names[i]);
        else
            p->offset = 3;
    }
    /* Pin 3 is on a chip that does not exist: logged, and the others work. */
    int rc = gpio_open(&map, log_line, NULL, &gpio);
    EXPECT(rc == KIOSK_OK, "gpio_open: %s", kiosk_strerror(rc));
    if (rc != KIOSK_OK) {
        printf("VM-TESTS-FAIL %s\n", api);
        return 1;
    }
    EXPECT(gpio_has(gpio, 0) && gpio_has(gpio, 1) && gpio_has(gpio, 2) && !gpio_has(gpio, 3),
           "lines requested");
    /* The request's pull-up holds the lines high: released (active-low). */
    EXPECT(!gpio_initial(gpio, 0) && !gpio_initial(gpio, 1), "pull-up gives released");
    bool initial[4] = {false};
    debouncer_init(&deb, &map, initial, now_ns());
    EXPECT(gpio_start(gpio, on_wake, NULL) == KIOSK_OK, "watcher thread");
    button_event_t ev[64];

    /* A 50 ms press: both edges, with kernel timestamps about 50 ms apart. */
    pull(0, true);
    sleep_ms(50);
    pull(0, false);
    size_t n = collect(300, ev, 64);
    EXPECT(n == 2 && ev[0].kind == BTN_PRESS && ev[1].kind == BTN_RELEASE && ev[0].pin == 0,
           "50 ms press gives press+release, got %zu events", n);
    /* The first edge of a quiet line is the press: certain at the kernel's edge time. */
    EXPECT(n >= 1 && ev[0].at_ns == ev[0].edge_ns, "press acted on at its edge");
    if (n == 2) {
        int64_t held = (ev[1].edge_ns - ev[0].edge_ns) / 1000000;
        printf("press held %lld ms by the kernel's timestamps\n", (long long)held);
        EXPECT(held >= 40 && held <= 200, "edge timestamps %lld ms apart", (long long)held);
    }
    pthread_mutex_lock(&lock);
    EXPECT(wakes >= 1, "the watcher woke the main thread");
    pthread_mutex_unlock(&lock);

    /* A 2 ms pulse: its first edge cannot be told from a press, so it is one (at its edge),
     * released once the line held for the debounce time: counted once. */
    pull(1, true);
    sleep_ms(2);
    pull(1, false);
    n = collect(200, ev, 64);
    EXPECT(n == 2 && ev[0].kind == BTN_PRESS && ev[1].kind == BTN_RELEASE,
           "2 ms glitch gives one short press, got %zu events", n);
    printf("glitch: %u short edges counted\n", deb.line[1].bounces);

    /* A bouncing contact: one press, at its first edge. */
    for (int i = 0; i < 4; i++) {
        pull(1, true);
        sleep_ms(1);
        pull(1, false);
        sleep_ms(1);
    }
    pull(1, true);
    sleep_ms(100);
    pull(1, false);
    n = collect(200, ev, 64);
    EXPECT(n == 2 && ev[0].kind == BTN_PRESS && ev[1].kind == BTN_RELEASE,
           "bounce train gives one press, got %zu events", n);
    EXPECT(n >= 1 && ev[0].at_ns == ev[0].edge_ns, "bouncing press acted on at its first edge");

    /* A long press of the staff button. */
    pull(2, true);
    n = collect(3300, ev, 64);
    pull(2, false);
    n += collect(200, ev + n, 64 - n);
    EXPECT(n == 3 && ev[0].kind == BTN_PRESS && ev[1].kind == BTN_LONG && ev[2].kind == BTN_RELEASE,
           "long press gives press+long+release, got %zu events", n);

    /* Idle: the watcher sleeps in poll(); the process uses no CPU. */
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    sleep_ms(2000);
    getrusage(RUSAGE_SELF, &r1);
    long cpu_us = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000L +
                  (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
                  (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000L +
                  (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
    printf("idle 2 s with %zu lines watched: %ld us of CPU\n", (size_t)3, cpu_us);
    EXPECT(cpu_us < 20000, "idle CPU %ld us", cpu_us);

    gpio_close(gpio);
    printf("%s %s\n", failures ? "VM-TESTS-FAIL" : "VM-TESTS-PASS", api);
    return failures != 0;
}
