/* Staff sticks, from mount to result: notices sticks mounted below a directory (libmount's
 * monitor), queues them until the caller has time for them (between residents), checks each
 * stick's token, erases the contact details it names, exports the new records with progress,
 * and tells the caller what happened through one event callback. It never calls the app: the
 * app turns the events into screens. */
#ifndef KIOSK_STICKS_H
#define KIOSK_STICKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "usb/export.h"

typedef enum {
    USB_EV_REFUSED,         /* the token was refused; why: "no_token", "damaged", "expired",
                               "other_kiosk", "not_yet", "not_allowed", "forged" */
    USB_EV_STAFF,           /* a token that opens the staff screens: technician, content_only;
                               after_export when an export came first */
    USB_EV_NO_DATABASE,     /* an export token, but no record source to export from */
    USB_EV_EXPORT_PROGRESS, /* done of total records written */
    USB_EV_EXPORT_DONE,     /* rc, result, erased; why on failure: "full", "read_only",
                               "corrupt", "removed" */
    USB_EV_STAFF_GONE,      /* the stick that opened the staff screens was removed */
    USB_EV_CURRENT_GONE,    /* the stick the last message is about was removed */
} usb_event_kind_t;

/* An event; every pointer in it is valid during the callback only. */
typedef struct {
    usb_event_kind_t kind;
    const char *stick; /* the stick's mount point */
    const char *why;   /* see the kinds; NULL otherwise */
    bool technician, content_only, after_export;
    int64_t done, total;
    int rc;
    const export_result_t *result;
    int64_t erased; /* contact details erased at the token's request; -1: none asked */
} usb_event_t;

/* What a stick reads and writes on the kiosk; the app builds it from its store. All members
 * take records.ctx. */
typedef struct {
    export_source_t records;
    /* Erases the contact details of the record with this reference code: KIOSK_OK when done. */
    int (*erase_contact)(void *ctx, const char *ref_code);
    /* Notes where the last export went (the stick's name and its token's issuer). */
    int (*note_export)(void *ctx, const char *where);
} usb_source_t;

typedef struct {
    const char *mount_dir;   /* sticks are mounted below it */
    const char *kiosk_id;    /* tokens must name this kiosk */
    const char *org_sign_pk; /* the organisation's keys, as text (the configuration's) */
    const char *org_box_pk;
    const char *key_dir; /* where the kiosk's signing key is (made when missing) */
    bool watch;          /* start the mount watcher (false: only usb_sticks_rescan) */
    /* From the watcher thread after a mount change: wake the caller's loop. May be NULL. */
    void (*wake)(void *ud);
    /* From the caller's thread, inside usb_sticks_rescan and usb_sticks_handle_next. The return
     * value counts for USB_EV_CURRENT_GONE only: true when the caller let go of the message
     * (the stick is then forgotten), false to be told again at the next rescan. */
    bool (*event)(const usb_event_t *ev, void *ud);
    /* One log line: level "info", "warn" or "error". May be NULL. */
    void (*log)(const char *level, const char *msg, void *ud);
    void *ud; /* for wake, event and log; must outlive the sticks */
} usb_sticks_config_t;

typedef struct usb_sticks usb_sticks_t;

/* Loads the keys (the kiosk's own signing key from key_dir, made when there is none) and
 * starts watching. The strings of c are copied. NULL when the keys are not valid (logged:
 * staff sticks are then off). The caller owns the result: usb_sticks_close() it; it keeps the
 * kiosk's secret key, wiped on close. */
usb_sticks_t *usb_sticks_open(const usb_sticks_config_t *c);

/* Stops the watcher (before what wake touches is freed), wipes the keys, frees s (NULL ok). */
void usb_sticks_close(usb_sticks_t *s);

/* Whether the mounts changed since the last call (the watcher's flag; true at first). */
bool usb_sticks_changed(usb_sticks_t *s);

/* Looks at the mounts now: new ones are queued; a removed staff stick or message stick is
 * reported (USB_EV_STAFF_GONE, USB_EV_CURRENT_GONE). */
void usb_sticks_rescan(usb_sticks_t *s);

/* Queues a stick at path, copied (scripts stand in for a mount with this); ignored when s is
 * NULL or the queue is full. */
void usb_sticks_insert(usb_sticks_t *s, const char *path);

/* Whether a stick waits in the queue. */
bool usb_sticks_pending(const usb_sticks_t *s);

/* Handles the oldest waiting stick: token, erasures, export from src (NULL: no database;
 * borrowed for the call only) at now_utc_ms (the wall clock), reporting through the event
 * callback. */
void usb_sticks_handle_next(usb_sticks_t *s, const usb_source_t *src, int64_t now_utc_ms);

/* The stick whose token allows content updates while it is in, else NULL. Owned by s: valid
 * until the next call on s. */
const char *usb_sticks_content_stick(const usb_sticks_t *s);

#endif
