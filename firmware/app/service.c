/* sd_notify without libsystemd, the watchdog's interval and the stop signals (see service.h).
 * The protocol: one datagram a notification, "KEY=value" lines, to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'). */
#include "app/service.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "app/app_internal.h"
#include "ui/ui.h"

static struct {
    int fd; /* the notification socket, -1 outside a service manager */
    struct sockaddr_un addr;
    socklen_t addr_len;
    int64_t watchdog_ms; /* ping interval (half of WATCHDOG_USEC); 0: none */
    int64_t last_ping_ms;
    bool pinged;
    sigset_t stops; /* SIGTERM, SIGINT, SIGHUP */
    int sig_fd;
    int quit_fd; /* wakes the watcher thread for service_close */
    pthread_t thread;
    bool thread_running;
    ui_t *ui;
    atomic_int stop_signal;
} svc = {.fd = -1, .sig_fd = -1, .quit_fd = -1};

static void open_socket(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return;
    size_t n = strlen(path);
    if ((path[0] != '/' && path[0] != '@') || n >= sizeof svc.addr.sun_path) {
        log_line("warn", "NOTIFY_SOCKET '%s' is not a socket path or abstract name: not used",
                 path);
        return;
    }
    memset(&svc.addr, 0, sizeof svc.addr);
    svc.addr.sun_family = AF_UNIX;
    memcpy(svc.addr.sun_path, path, n);
    if (path[0] == '@')
        svc.addr.sun_path[0] = '\0'; /* abstract namespace: no terminator counted */
    svc.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    svc.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (svc.fd < 0)
        log_line("warn", "cannot open the service notification socket: %s", strerror(errno));
}

static void read_watchdog(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    if (!usec || !*usec)
        return;
    const char *pid = getenv("WATCHDOG_PID");
    if (pid && *pid) {
        char *end;
        long p = strtol(pid, &end, 10);
        if (*end || p != (long)getpid())
            return; /* meant for another process */
    }
    char *end;
    errno = 0;
    unsigned long long us = strtoull(usec, &end, 10);
    if (errno || *end || us == 0) {
        log_line("warn", "WATCHDOG_USEC '%s' is not a number of microseconds: no watchdog", usec);
        return;
    }
    int64_t ms = (int64_t)(us / 2000); /* half the interval, the protocol's advice */
    svc.watchdog_ms = ms > 0 ? ms : 1;
}

void service_init(void)
{
    atomic_store(&svc.stop_signal, 0);
    open_socket();
    if (svc.fd >= 0)
        read_watchdog();
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    if (svc.watchdog_ms)
        log_line("info", "service watchdog: a ping every %lld ms", (long long)svc.watchdog_ms);
    sigemptyset(&svc.stops);
    sigaddset(&svc.stops, SIGTERM);
    sigaddset(&svc.stops, SIGINT);
    sigaddset(&svc.stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &svc.stops, NULL);
}

bool service_managed(void)
{
    return svc.fd >= 0;
}

bool service_notify(const char *fmt, ...)
{
    if (svc.fd < 0)
        return false;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    ssize_t sent = sendto(svc.fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT,
                          (const struct sockaddr *)&svc.addr, svc.addr_len);
    return sent == (ssize_t)len;
}

int64_t service_watchdog_interval_ms(void)
{
    return svc.watchdog_ms;
}

void service_watchdog(int64_t now_ms)
{
    if (!svc.watchdog_ms)
        return;
    if (svc.pinged && now_ms - svc.last_ping_ms < svc.watchdog_ms)
        return;
    svc.pinged = true;
    svc.last_ping_ms = now_ms;
    service_notify("WATCHDOG=1");
}

int64_t service_watchdog_due_ms(int64_t now_ms)
{
    if (!svc.watchdog_ms)
        return -1;
    if (!svc.pinged)
        return 0;
    int64_t due = svc.last_ping_ms + svc.watchdog_ms - now_ms;
    return due > 0 ? due : 0;
}

/* ---- stop signals ---- */

static void *watch_signals(void *arg)
{
    (void)arg;
    struct pollfd p[2] = {{.fd = svc.sig_fd, .events = POLLIN},
                          {.fd = svc.quit_fd, .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        struct signalfd_siginfo si;
        if (read(svc.sig_fd, &si, sizeof si) != (ssize_t)sizeof si)
            continue;
        int sig = (int)si.ssi_signo;
        int expected = 0;
        if (!atomic_compare_exchange_strong(&svc.stop_signal, &expected, sig)) {
            /* Asked twice: the graceful stop is taking too long for whoever asks. */
            static const char msg[] = "kiosk[error]: a second stop signal: exiting now\n";
            ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
            (void)w;
            _exit(128 + sig);
        }
        ui_wake(svc.ui);
    }
    return NULL;
}

bool service_watch_signals(ui_t *ui)
{
    svc.ui = ui;
    svc.sig_fd = signalfd(-1, &svc.stops, SFD_CLOEXEC | SFD_NONBLOCK);
    svc.quit_fd = eventfd(0, EFD_CLOEXEC);
    if (svc.sig_fd < 0 || svc.quit_fd < 0) {
        log_line("error", "cannot watch the stop signals: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&svc.thread, NULL, watch_signals, NULL) != 0) {
        log_line("error", "cannot start the stop-signal thread");
        goto fail;
    }
    svc.thread_running = true;
    return true;
fail:
    if (svc.sig_fd >= 0)
        close(svc.sig_fd);
    if (svc.quit_fd >= 0)
        close(svc.quit_fd);
    svc.sig_fd = svc.quit_fd = -1;
    return false;
}

void service_close(void)
{
    if (svc.thread_running) {
        uint64_t one = 1;
        ssize_t w = write(svc.quit_fd, &one, sizeof one);
        (void)w;
        pthread_join(svc.thread, NULL);
        svc.thread_running = false;
    }
    if (svc.sig_fd >= 0)
        close(svc.sig_fd);
    if (svc.quit_fd >= 0)
        close(svc.quit_fd);
    svc.sig_fd = svc.quit_fd = -1;
    svc.ui = NULL;
    if (svc.fd >= 0)
        close(svc.fd);
    svc.fd = -1;
}

int service_stop_signal(void)
{
    return atomic_load(&svc.stop_signal);
}
