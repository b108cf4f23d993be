/* System facts for the technician screens: the network and the operating system as text, a
 * ring of the most recent log lines, and running a command without a shell (the power actions
 * of system.h and setting the clock go through it). Linux only; no SDL, no SQLite. */
#ifndef KIOSK_SYSINFO_H
#define KIOSK_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

/* Every text function below writes at most len bytes, always NUL-terminated when len > 0 (a
 * text that does not fit is cut), lines separated by '\n' with none after the last. */

/* Network state: one line per interface except loopback, in the kernel's order:
 *   "eth0 up 192.168.1.20/24 fe80::1/64"
 *   "wlan0 down"
 * Names and addresses (IPv4 first, then IPv6, each with its prefix length) from getifaddrs;
 * the state from /sys/class/net/<if>/operstate ("up", "down", "dormant", ...), or from the
 * interface's flags when the kernel says "unknown" or the file cannot be read. "no network
 * interfaces" when there are none. */
void sysinfo_network(char *buf, size_t len);

/* The operating system, four lines:
 *   "os: Debian GNU/Linux 12 (bookworm)"   (PRETTY_NAME of /etc/os-release)
 *   "kernel: 6.1.0-18-arm64"               (uname -r)
 *   "hostname: kiosk-lobby"
 *   "uptime: 3 d 4 h 12 min"               (as sysinfo_uptime) */
void sysinfo_os(char *buf, size_t len);

/* Time since boot (CLOCK_BOOTTIME: suspended time included), as sysinfo_format_uptime. */
void sysinfo_uptime(char *buf, size_t len);

/* seconds as "3 d 4 h 12 min", "4 h 0 min" or "12 min": whole minutes, leading zero units
 * left out ("0 min" under a minute; negative counts as 0). */
void sysinfo_format_uptime(int64_t seconds, char *buf, size_t len);

/* A ring of the most recent log lines, safe to use from any thread (one mutex inside): the
 * app's log function adds every line, the technician screen shows the last ones. The caller
 * creates it (logring_new) and frees it (logring_free, after the last thread using it stopped);
 * nothing else keeps a pointer to it. A NULL ring takes nothing and holds nothing. */
#define LOGRING_LINES 64
#define LOGRING_LINE_MAX 200 /* bytes a stored line, its terminator included */

typedef struct logring logring_t;

/* An empty ring, or NULL without memory. Free it with logring_free (NULL is accepted). */
logring_t *logring_new(void);
void logring_free(logring_t *r);

/* Stores "HH:MM:SS level msg" (local time now). Control characters (a newline in msg) become
 * spaces; a line longer than LOGRING_LINE_MAX - 1 bytes is cut on a UTF-8 character boundary
 * and ends in "...". NULL level or msg count as "". */
void logring_add(logring_t *r, const char *level, const char *msg);

/* Copies the last min(n, stored) lines into out (the caller's array), oldest first; returns how
 * many. */
size_t logring_last(logring_t *r, size_t n, char out[][LOGRING_LINE_MAX]);

/* Lines added since the ring was made (it keeps the last LOGRING_LINES of them). */
uint64_t logring_total(logring_t *r);

/* Runs a command, argv[0] looked up in PATH, without a shell (posix_spawnp: a fork + execvp that
 * reports a failed exec): stdin /dev/null; stdout and stderr into a pipe (never onto the
 * kiosk's own stdout); its own process group; signal mask and dispositions reset; the
 * environment without NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (a command must not speak
 * for the kiosk). Waits at most timeout_ms (> 0), then kills its process group with SIGKILL. Blocks
 * the calling thread; any thread may call it; SIGCHLD must not be ignored (the status would be
 * lost).
 *
 * Returns KIOSK_OK when it exited with status 0 (err set to ""). Otherwise a KIOSK_E* code and,
 * in err (when errlen > 0), the command line and what happened, with the first line the command
 * printed when there was one:
 *   KIOSK_EIO     "systemctl reboot: exit status 1 (Access denied)"
 *                 "sh -c ...: killed by signal 15 (Terminated)"
 *   KIOSK_EBUSY   "sleep 5: still running after 200 ms, killed"
 *   KIOSK_ENOENT  "no-such-tool: cannot run: No such file or directory"
 *   KIOSK_EACCES  (a program that may not be executed), KIOSK_ENOMEM (no memory or process
 *   slot to start it), KIOSK_EINVAL (argv NULL or empty, timeout_ms <= 0). */
int sysinfo_run(const char *const argv[], int timeout_ms, char *err, size_t errlen);

#endif
