/* The kiosk's log: one line to standard error (the journal, under systemd) and to the
 * technician's log page. Callable from any thread of the app. */
#ifndef KIOSK_LOG_H
#define KIOSK_LOG_H

/* level: "info", "warn" or "error". The line is formatted into a 1 KiB buffer (longer lines
 * are cut) and copied; nothing is kept of the arguments. */
__attribute__((format(printf, 2, 3))) void log_line(const char *level, const char *fmt, ...);

/* Where log lines also go: the technician's log page (NULL: nowhere). The app sets it once
 * before any other thread starts and clears it after they have stopped; the ring stays the
 * caller's. This is the process's one logger, hence the one piece of file-scope state. */
typedef struct logring logring_t;
void log_set_ring(logring_t *ring);

#endif
