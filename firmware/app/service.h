/* The service manager's side of the kiosk, without libsystemd: notifications over the
 * sd_notify datagram protocol ($NOTIFY_SOCKET: READY=1, STATUS=, WATCHDOG=1, STOPPING=1), the
 * watchdog interval ($WATCHDOG_USEC, pinged at half of it), and a graceful stop on SIGTERM,
 * SIGINT and SIGHUP: the signals are blocked in every thread and read from a signalfd by a
 * watcher thread that wakes the event loop (ui_wake), which then ends. Outside a service
 * manager the notifications do nothing, and the signals still stop the kiosk cleanly. */
#ifndef KIOSK_SERVICE_H
#define KIOSK_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ui ui_t;

/* Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID and removes them from the environment
 * (the commands the kiosk runs must not speak for it), opens the notification socket, and
 * blocks SIGTERM, SIGINT and SIGHUP. Call it before any thread starts (SDL's included): threads
 * inherit the signal mask, and a thread that left them unblocked would take them. */
void service_init(void);

/* Starts the thread that reads the stop signals and wakes ui. A signal that came earlier is
 * pending and is seen at once. false when the signalfd or thread could not be made (the
 * signals then stay blocked: SIGKILL after the stop timeout ends the kiosk). */
bool service_watch_signals(ui_t *ui);

/* Stops the watcher thread (before ui_close) and closes the socket. */
void service_close(void);

/* The signal that asked the kiosk to stop (SIGTERM, SIGINT, SIGHUP), or 0. A second one while
 * stopping ends the process at once (_exit(128 + signal)). */
int service_stop_signal(void);

/* Sends one notification, printf-style: "READY=1\nSTATUS=taking answers". false outside a
 * service manager or when the send failed (never blocks). */
__attribute__((format(printf, 1, 2))) bool service_notify(const char *fmt, ...);

/* Whether a notification socket was given. */
bool service_managed(void);

/* The watchdog: sends WATCHDOG=1 when half of $WATCHDOG_USEC has passed since the last one.
 * now_ms is CLOCK_MONOTONIC in milliseconds. The event loop calls it on every turn and sleeps
 * no longer than service_watchdog_due_ms(): milliseconds until the next ping is due (0: now),
 * or -1 when there is no watchdog. */
void service_watchdog(int64_t now_ms);
int64_t service_watchdog_due_ms(int64_t now_ms);

/* Half of $WATCHDOG_USEC in milliseconds, 0 when there is no watchdog. */
int64_t service_watchdog_interval_ms(void);

#endif
