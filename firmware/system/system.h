/* The system edge: the service manager (libsystemd's sd_notify: READY=1, STATUS=, WATCHDOG=1,
 * STOPPING=1; the watchdog interval from sd_watchdog_enabled, pinged at half of it), a graceful
 * stop on SIGTERM, SIGINT and SIGHUP (blocked in every thread, read from a signalfd by a watcher
 * thread that wakes the event loop through a callback), the power actions, the backlight and
 * the system facts, all behind one ops struct that tests replace. Outside a service manager the
 * notifications do nothing, and the signals still stop the kiosk cleanly. */
#ifndef KIOSK_SYSTEM_H
#define KIOSK_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SYSTEM_RESTART, /* restart the kiosk's service */
    SYSTEM_REBOOT,
    SYSTEM_POWEROFF,
} system_power_t;

/* What the kiosk asks of the operating system: the seam tests fake. Every member is required;
 * ctx is passed back as the first argument. system_ops_real() is the real thing. Strings and
 * buffers passed to a member are the caller's, for that call only. */
typedef struct {
    /* One notification (newline-separated "KEY=value" lines) to the service manager: > 0 sent,
     * 0 not under a service manager, < 0 a negative errno. Never blocks. */
    int (*notify)(void *ctx, const char *state);
    /* Runs a command without a shell, as sysinfo_run (system/sysinfo.h). */
    int (*run)(void *ctx, const char *const argv[], int timeout_ms, char *err, size_t errlen);
    /* The backlight in a sysfs directory, as backlight_get/backlight_set/backlight_set_percent
     * (system/backlight.h). */
    int (*backlight_get)(void *ctx, const char *dir, int *value, int *max, char *err,
                         size_t errlen);
    int (*backlight_set)(void *ctx, const char *dir, int value, char *err, size_t errlen);
    int (*backlight_set_percent)(void *ctx, const char *dir, int percent, char *err, size_t errlen);
    /* Facts as text, as sysinfo_network and sysinfo_os (system/sysinfo.h). */
    void (*network)(void *ctx, char *buf, size_t len);
    void (*os)(void *ctx, char *buf, size_t len);
    void *ctx;
} system_ops_t;

/* The real operating system: libsystemd, posix_spawnp, sysfs, getifaddrs. A static table,
 * valid for the life of the program. */
const system_ops_t *system_ops_real(void);

/* level: "info", "warn" or "error"; msg is one line. */
typedef void (*system_log_fn)(const char *level, const char *msg, void *ud);

typedef struct system system_t;

/* Makes the edge: ops (NULL: system_ops_real(); else copied), log (may be NULL) for what goes
 * wrong. Reads $NOTIFY_SOCKET and the watchdog (sd_watchdog_enabled: $WATCHDOG_USEC, meant for
 * this process by $WATCHDOG_PID) and blocks SIGTERM, SIGINT and SIGHUP in the calling thread.
 * Call it before any thread starts (SDL's included): threads inherit the signal mask, and a
 * thread that left them unblocked would take them. The variables stay in the environment for
 * sd_notify; commands run through ops->run do not get them. NULL without memory. The caller
 * owns the result: system_close() it (NULL accepted). Kept until then: ops->ctx, log and
 * log_ud (the ops struct itself is copied). */
system_t *system_open(const system_ops_t *ops, system_log_fn log, void *log_ud);

/* Starts the thread that reads the stop signals and calls wake(ud) (from that thread) for each;
 * wake and ud must stay valid until system_close. A signal that came earlier is pending and is
 * seen at once. false when the signalfd or thread could not be made (the signals then stay
 * blocked: SIGKILL after the stop timeout ends the kiosk). */
bool system_watch_signals(system_t *s, void (*wake)(void *ud), void *ud);

/* Stops the watcher thread, if any (before what wake() touches is freed); the signals stay
 * blocked and system_stop_signal keeps its answer. */
void system_unwatch_signals(system_t *s);

/* system_unwatch_signals, then frees s (NULL accepted). */
void system_close(system_t *s);

/* The signal that asked the kiosk to stop (SIGTERM, SIGINT, SIGHUP), or 0; 0 for a NULL s. A
 * second one while stopping ends the process at once (_exit(128 + signal)). */
int system_stop_signal(const system_t *s);

/* Sends one notification through ops->notify, printf-style: "READY=1\nSTATUS=taking answers".
 * false outside a service manager or when the send failed (never blocks). */
__attribute__((format(printf, 2, 3))) bool system_notify(system_t *s, const char *fmt, ...);

/* Whether a usable notification socket was given. */
bool system_managed(const system_t *s);

/* The watchdog: sends WATCHDOG=1 when its interval (half of $WATCHDOG_USEC) has passed since the
 * last one. now_ms is CLOCK_MONOTONIC in milliseconds. The event loop calls it on every turn and
 * sleeps no longer than system_watchdog_due_ms(): milliseconds until the next ping is due (0:
 * now), or -1 when there is no watchdog. */
void system_watchdog(system_t *s, int64_t now_ms);
int64_t system_watchdog_due_ms(const system_t *s, int64_t now_ms);

/* Half of $WATCHDOG_USEC in milliseconds, 0 when there is no watchdog. */
int64_t system_watchdog_interval_ms(const system_t *s);

/* Runs command (argv, NULL-terminated; NULL or empty: the default below) for action, through
 * ops->run, waiting at most 30 s. The defaults (the kiosk runs as an unprivileged user: the
 * unit's polkit rule lets it run exactly these):
 *   restart   systemctl --no-block restart kiosk.service (--no-block: systemd stops the kiosk as
 *             part of it, and a kiosk waiting for systemctl waiting for the kiosk to stop would
 *             sit out the stop timeout)
 *   reboot    systemctl reboot
 *   poweroff  systemctl poweroff
 * Returns as sysinfo_run, err saying what failed. */
int system_power(system_t *s, system_power_t action, const char *const *command, char *err,
                 size_t errlen);

/* Runs a command without a shell through ops->run (setting the clock), as sysinfo_run. */
int system_run(system_t *s, const char *const argv[], int timeout_ms, char *err, size_t errlen);

/* The backlight through ops: see system/backlight.h. */
int system_backlight_get(system_t *s, const char *dir, int *value, int *max, char *err,
                         size_t errlen);
int system_backlight_set(system_t *s, const char *dir, int value, char *err, size_t errlen);
int system_backlight_set_percent(system_t *s, const char *dir, int percent, char *err,
                                 size_t errlen);

/* Facts through ops into the caller's buffer: see sysinfo_network and sysinfo_os. */
void system_network(system_t *s, char *buf, size_t len);
void system_os(system_t *s, char *buf, size_t len);

#endif
