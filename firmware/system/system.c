/* The system edge (see system.h): libsystemd for the service manager, a signalfd watcher for the
 * stop signals, and the ops table that reaches the power, backlight and facts code. */
#include "system/system.h"

#include "core/log_fn.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "core/kerr.h"
#include "system/backlight.h"
#include "system/sysinfo.h"

#define POWER_TIMEOUT_MS 30000 /* long enough for systemctl to hand the job to systemd */

struct system {
    system_ops_t ops;
    system_log_fn log;
    void *log_ud;
    bool managed;        /* $NOTIFY_SOCKET names a socket */
    int64_t watchdog_ms; /* ping interval (half of WATCHDOG_USEC); 0: none */
    int64_t last_ping_ms;
    bool pinged;
    sigset_t stops; /* SIGTERM, SIGINT, SIGHUP */
    int sig_fd;
    int quit_fd; /* wakes the watcher thread for system_close */
    pthread_t thread;
    bool thread_running;
    void (*wake)(void *ud);
    void *wake_ud;
    atomic_int stop_signal;
};

/* ---- the real operating system ---- */

static int real_notify(void *ctx, const char *state)
{
    (void)ctx;
    return sd_notify(0, state);
}

static int real_run(void *ctx, const char *const argv[], int timeout_ms, char *err, size_t errlen)
{
    (void)ctx;
    return sysinfo_run(argv, timeout_ms, err, errlen);
}

static int real_backlight_get(void *ctx, const char *dir, int *value, int *max, char *err,
                              size_t errlen)
{
    (void)ctx;
    return backlight_get(dir, value, max, err, errlen);
}

static int real_backlight_set(void *ctx, const char *dir, int value, char *err, size_t errlen)
{
    (void)ctx;
    return backlight_set(dir, value, err, errlen);
}

static int real_backlight_set_percent(void *ctx, const char *dir, int percent, char *err,
                                      size_t errlen)
{
    (void)ctx;
    return backlight_set_percent(dir, percent, err, errlen);
}

static void real_network(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    sysinfo_network(buf, len);
}

static void real_os(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    sysinfo_os(buf, len);
}

const system_ops_t *system_ops_real(void)
{
    static const system_ops_t real = {real_notify,
                                      real_run,
                                      real_backlight_get,
                                      real_backlight_set,
                                      real_backlight_set_percent,
                                      real_network,
                                      real_os,
                                      NULL};
    return &real;
}

/* ---- the service manager ---- */

/* A socket path or an abstract name ('@'), as sd_notify takes them. */
static bool notify_socket_usable(const system_t *s)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return false;
    if ((path[0] != '/' && path[0] != '@') ||
        strlen(path) >= sizeof((struct sockaddr_un *)NULL)->sun_path) {
        log_fn_say(s->log, s->log_ud, "warn",
                   "NOTIFY_SOCKET '%s' is not a socket path or abstract name: not used", path);
        return false;
    }
    return true;
}

static void read_watchdog(system_t *s)
{
    uint64_t us = 0;
    int r = sd_watchdog_enabled(0, &us);
    if (r < 0) {
        const char *pid = getenv("WATCHDOG_PID");
        char *end;
        if (pid && *pid && (strtol(pid, &end, 10) != (long)getpid() || *end))
            return; /* meant for another process: its interval is none of our business */
        const char *usec = getenv("WATCHDOG_USEC");
        log_fn_say(s->log, s->log_ud, "warn",
                   "WATCHDOG_USEC '%s' is not a number of microseconds: no watchdog",
                   usec ? usec : "");
        return;
    }
    if (r == 0 || us == 0)
        return;                        /* none, or meant for another process */
    int64_t ms = (int64_t)(us / 2000); /* half the interval, the protocol's advice */
    s->watchdog_ms = ms > 0 ? ms : 1;
}

system_t *system_open(const system_ops_t *ops, system_log_fn log, void *log_ud)
{
    system_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->ops = ops ? *ops : *system_ops_real();
    s->log = log;
    s->log_ud = log_ud;
    s->sig_fd = s->quit_fd = -1;
    atomic_store(&s->stop_signal, 0);
    s->managed = notify_socket_usable(s);
    if (s->managed)
        read_watchdog(s);
    if (s->watchdog_ms)
        log_fn_say(s->log, s->log_ud, "info", "service watchdog: a ping every %lld ms",
                   (long long)s->watchdog_ms);
    sigemptyset(&s->stops);
    sigaddset(&s->stops, SIGTERM);
    sigaddset(&s->stops, SIGINT);
    sigaddset(&s->stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &s->stops, NULL);
    return s;
}

bool system_managed(const system_t *s)
{
    return s && s->managed;
}

bool system_notify(system_t *s, const char *fmt, ...)
{
    if (!s || !s->managed)
        return false;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return n >= 0 && s->ops.notify(s->ops.ctx, msg) > 0;
}

int64_t system_watchdog_interval_ms(const system_t *s)
{
    return s ? s->watchdog_ms : 0;
}

void system_watchdog(system_t *s, int64_t now_ms)
{
    if (!s || !s->watchdog_ms)
        return;
    if (s->pinged && now_ms - s->last_ping_ms < s->watchdog_ms)
        return;
    s->pinged = true;
    s->last_ping_ms = now_ms;
    system_notify(s, "WATCHDOG=1");
}

int64_t system_watchdog_due_ms(const system_t *s, int64_t now_ms)
{
    if (!s || !s->watchdog_ms)
        return -1;
    if (!s->pinged)
        return 0;
    int64_t due = s->last_ping_ms + s->watchdog_ms - now_ms;
    return due > 0 ? due : 0;
}

/* ---- stop signals ---- */

static void *watch_signals(void *arg)
{
    system_t *s = arg;
    struct pollfd p[2] = {{.fd = s->sig_fd, .events = POLLIN},
                          {.fd = s->quit_fd, .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        struct signalfd_siginfo si;
        if (read(s->sig_fd, &si, sizeof si) != (ssize_t)sizeof si)
            continue;
        int sig = (int)si.ssi_signo;
        int expected = 0;
        if (!atomic_compare_exchange_strong(&s->stop_signal, &expected, sig)) {
            /* Asked twice: the graceful stop is taking too long for whoever asks. */
            static const char msg[] = "kiosk[error]: a second stop signal: exiting now\n";
            ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
            (void)w;
            _exit(128 + sig);
        }
        if (s->wake)
            s->wake(s->wake_ud);
    }
    return NULL;
}

static void close_signal_fds(system_t *s)
{
    if (s->sig_fd >= 0)
        close(s->sig_fd);
    if (s->quit_fd >= 0)
        close(s->quit_fd);
    s->sig_fd = s->quit_fd = -1;
}

bool system_watch_signals(system_t *s, void (*wake)(void *ud), void *ud)
{
    if (!s)
        return false;
    s->wake = wake;
    s->wake_ud = ud;
    s->sig_fd = signalfd(-1, &s->stops, SFD_CLOEXEC | SFD_NONBLOCK);
    s->quit_fd = eventfd(0, EFD_CLOEXEC);
    if (s->sig_fd < 0 || s->quit_fd < 0) {
        log_fn_say(s->log, s->log_ud, "error", "cannot watch the stop signals: %s",
                   strerror(errno));
        close_signal_fds(s);
        return false;
    }
    if (pthread_create(&s->thread, NULL, watch_signals, s) != 0) {
        log_fn_say(s->log, s->log_ud, "error", "cannot start the stop-signal thread");
        close_signal_fds(s);
        return false;
    }
    s->thread_running = true;
    return true;
}

void system_unwatch_signals(system_t *s)
{
    if (!s)
        return;
    if (s->thread_running) {
        uint64_t one = 1;
        ssize_t w = write(s->quit_fd, &one, sizeof one);
        (void)w;
        pthread_join(s->thread, NULL);
        s->thread_running = false;
    }
    close_signal_fds(s);
    s->wake = NULL;
}

void system_close(system_t *s)
{
    if (!s)
        return;
    system_unwatch_signals(s);
    free(s);
}

int system_stop_signal(const system_t *s)
{
    return s ? atomic_load(&s->stop_signal) : 0;
}

/* ---- power, backlight, facts: through the ops ---- */

int system_power(system_t *s, system_power_t action, const char *const *command, char *err,
                 size_t errlen)
{
    static const char *const restart[] = {"systemctl", "--no-block", "restart", "kiosk.service",
                                          NULL};
    static const char *const reboot[] = {"systemctl", "reboot", NULL};
    static const char *const poweroff[] = {"systemctl", "poweroff", NULL};
    const char *const *argv = command                     ? command
                              : action == SYSTEM_REBOOT   ? reboot
                              : action == SYSTEM_POWEROFF ? poweroff
                                                          : restart;
    return s->ops.run(s->ops.ctx, argv, POWER_TIMEOUT_MS, err, errlen);
}

int system_run(system_t *s, const char *const argv[], int timeout_ms, char *err, size_t errlen)
{
    return s->ops.run(s->ops.ctx, argv, timeout_ms, err, errlen);
}

int system_backlight_get(system_t *s, const char *dir, int *value, int *max, char *err,
                         size_t errlen)
{
    return s->ops.backlight_get(s->ops.ctx, dir, value, max, err, errlen);
}

int system_backlight_set(system_t *s, const char *dir, int value, char *err, size_t errlen)
{
    return s->ops.backlight_set(s->ops.ctx, dir, value, err, errlen);
}

int system_backlight_set_percent(system_t *s, const char *dir, int percent, char *err,
                                 size_t errlen)
{
    return s->ops.backlight_set_percent(s->ops.ctx, dir, percent, err, errlen);
}

void system_network(system_t *s, char *buf, size_t len)
{
    s->ops.network(s->ops.ctx, buf, len);
}

void system_os(system_t *s, char *buf, size_t len)
{
    s->ops.os(s->ops.ctx, buf, len);
}
