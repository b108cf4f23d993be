/* The log callback every edge takes from the app (level "info", "warn" or "error", a line of
 * text, the caller's user data), and one printf-style way to call it. Pure: formatting only;
 * where the line goes is the callback's business. */
#ifndef KIOSK_LOG_FN_H
#define KIOSK_LOG_FN_H

/* msg is valid for the call only. */
typedef void (*log_fn)(const char *level, const char *msg, void *user_data);

/* Formats the line (cut at 1535 bytes) and hands it to log during the call; nothing when log
 * is NULL. Keeps nothing. */
__attribute__((format(printf, 4, 5))) void log_fn_say(log_fn log, void *user_data,
                                                      const char *level, const char *fmt, ...);

#endif
