/* Inside the USB edge only: one log line through the caller's callback, printf-style. */
#ifndef KIOSK_USB_LOG_H
#define KIOSK_USB_LOG_H

/* Formats the line (cut at 1535 bytes) and hands it to log(level, msg, ud) during the call;
 * nothing when log is NULL. */
__attribute__((format(printf, 4, 5))) void
usb_log(void (*log)(const char *level, const char *msg, void *ud), void *ud, const char *level,
        const char *fmt, ...);

#endif
