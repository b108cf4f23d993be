/* Staff sticks from mount to result (see sticks.h): the queue, the token, erasures and the
 * export; what happens is reported as events. */
#include "usb/sticks.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"
#include "core/token.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "usb/mounts.h"
#include "usb/stick.h"
#include "core/log_fn.h"

#define MAX_STICKS 8

struct usb_sticks {
    usb_sticks_config_t c;
    char mount_dir[512], kiosk_id[128];
    char quarantine_dir[4096]; /* the key directory: the database's, with its sealed copies */
    uint8_t org_sign_pk[CRYPTO_SIGN_PK_BYTES];
    uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES];
    uint8_t kiosk_sk[CRYPTO_SIGN_SK_BYTES];
    uint8_t kiosk_pk[CRYPTO_SIGN_PK_BYTES];
    mounts_watch_t *watch;
    atomic_bool changed;
    char seen[MAX_STICKS][MOUNTS_PATH_MAX]; /* mount points below mount_dir, as last seen */
    size_t nseen;
    char pending[MAX_STICKS][MOUNTS_PATH_MAX]; /* sticks waiting for the caller */
    size_t npending;
    char current[MOUNTS_PATH_MAX]; /* the stick the last message is about */
    char staff[MOUNTS_PATH_MAX];   /* the stick whose token opened the staff screens, or "" */
    bool content;                  /* ... and whether that token allows content updates */
};

static bool tell(usb_sticks_t *s, usb_event_t ev)
{
    return s->c.event ? s->c.event(&ev, s->c.ud) : true;
}

static void mounts_changed(void *arg)
{
    usb_sticks_t *s = arg;
    atomic_store(&s->changed, true);
    if (s->c.wake)
        s->c.wake(s->c.ud);
}

static bool load_keys(usb_sticks_t *s)
{
    const usb_sticks_config_t *c = &s->c;
    char err[512];
    if (crypto_init() != KIOSK_OK || !crypto_key_from_text(c->org_sign_pk, s->org_sign_pk, 32) ||
        !crypto_key_from_text(c->org_box_pk, s->org_box_pk, 32)) {
        log_fn_say(s->c.log, s->c.ud, "error",
                   "usb: the organisation's public keys in the configuration are not "
                   "valid: staff sticks are off");
        return false;
    }
    bool created = false;
    if (crypto_kiosk_key(c->key_dir, s->kiosk_sk, s->kiosk_pk, &created, err, sizeof err) !=
        KIOSK_OK) {
        log_fn_say(s->c.log, s->c.ud, "error", "usb: %s: staff sticks are off", err);
        return false;
    }
    if (created)
        log_fn_say(s->c.log, s->c.ud, "warn",
                   "usb: no kiosk key was provisioned: made one in %s/kiosk-sign.public",
                   c->key_dir);
    return true;
}

usb_sticks_t *usb_sticks_open(const usb_sticks_config_t *c)
{
    usb_sticks_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->c = *c;
    snprintf(s->mount_dir, sizeof s->mount_dir, "%s", c->mount_dir);
    snprintf(s->kiosk_id, sizeof s->kiosk_id, "%s", c->kiosk_id);
    s->c.mount_dir = s->mount_dir;
    s->c.kiosk_id = s->kiosk_id;
    if (!load_keys(s)) {
        usb_sticks_close(s);
        return NULL;
    }
    snprintf(s->quarantine_dir, sizeof s->quarantine_dir, "%s", c->key_dir);
    s->c.org_sign_pk = s->c.org_box_pk = s->c.key_dir = NULL; /* not kept */
    atomic_store(&s->changed, true); /* a stick already in at start counts */
    if (c->watch) {
        char err[256];
        s->watch = mounts_watch_start(mounts_changed, s, err, sizeof err);
        if (!s->watch)
            log_fn_say(s->c.log, s->c.ud, "warn", "usb: %s", err);
    }
    log_fn_say(s->c.log, s->c.ud, "info", "usb: watching %s for staff sticks", s->mount_dir);
    return s;
}

void usb_sticks_close(usb_sticks_t *s)
{
    if (!s)
        return;
    mounts_watch_stop(s->watch);
    memset(s, 0, sizeof *s); /* the kiosk's secret key */
    free(s);
}

bool usb_sticks_changed(usb_sticks_t *s)
{
    return s && atomic_exchange(&s->changed, false);
}

const char *usb_sticks_content_stick(const usb_sticks_t *s)
{
    return s && s->staff[0] && s->content ? s->staff : NULL;
}

bool usb_sticks_pending(const usb_sticks_t *s)
{
    return s && s->npending > 0;
}

void usb_sticks_insert(usb_sticks_t *s, const char *path)
{
    if (!s || s->npending == MAX_STICKS)
        return;
    snprintf(s->pending[s->npending++], sizeof s->pending[0], "%s", path);
    log_fn_say(s->c.log, s->c.ud, "info", "usb: stick at %s", path);
}

static bool listed(char list[][MOUNTS_PATH_MAX], size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], path) == 0)
            return true;
    return false;
}

void usb_sticks_rescan(usb_sticks_t *s)
{
    if (!s)
        return;
    char now[MAX_STICKS][MOUNTS_PATH_MAX];
    size_t n = mounts_below(s->mount_dir, now, MAX_STICKS);
    for (size_t i = 0; i < n; i++)
        if (!listed(s->seen, s->nseen, now[i]))
            usb_sticks_insert(s, now[i]);
    /* The stick that opened the staff screens was removed: they close. */
    if (s->staff[0] && !listed(now, n, s->staff)) {
        log_fn_say(s->c.log, s->c.ud, "info", "usb: the staff stick at %s was removed", s->staff);
        char gone[MOUNTS_PATH_MAX];
        snprintf(gone, sizeof gone, "%s", s->staff);
        s->staff[0] = '\0';
        s->content = false;
        tell(s, (usb_event_t){.kind = USB_EV_STAFF_GONE, .stick = gone});
    }
    /* The stick of the message was removed: the caller may go back to the residents. */
    if (s->current[0] && !listed(now, n, s->current) &&
        tell(s, (usb_event_t){.kind = USB_EV_CURRENT_GONE, .stick = s->current}))
        s->current[0] = '\0';
    memcpy(s->seen, now, sizeof now);
    s->nseen = n;
}

/* Staff words for a refused token, not the file system's; a forgery is not explained. */
static const char *refusal(int rc, const char *err)
{
    return rc == KIOSK_ENOENT              ? "no_token"
           : rc != KIOSK_EACCES            ? "damaged"
           : strstr(err, "expired")        ? "expired"
           : strstr(err, "another kiosk")  ? "other_kiosk"
           : strstr(err, "not valid yet")  ? "not_yet"
           : strstr(err, "does not allow") ? "not_allowed"
                                           : "forged";
}

static void on_progress(int64_t done, int64_t total, void *ud)
{
    usb_sticks_t *s = ud;
    tell(s, (usb_event_t){
                .kind = USB_EV_EXPORT_PROGRESS, .stick = s->current, .done = done, .total = total});
}

/* The contact details the token names, erased: how many, or -1 when it names none. */
static int64_t erase_contacts(usb_sticks_t *s, const usb_source_t *src, const token_t *t)
{
    if (!(t->actions & TOKEN_ERASE_CONTACT) || !t->nerase)
        return -1;
    int64_t erased = 0;
    for (size_t i = 0; i < t->nerase; i++)
        erased += src->erase_contact(src->records.ctx, t->erase[i]) == KIOSK_OK;
    log_fn_say(s->c.log, s->c.ud, "info", "usb: erased the contact details of %lld of %zu requests",
               (long long)erased, t->nerase);
    return erased;
}

/* Staff see where the last export went: the stick's name, and who issued its token. */
static void note_export(usb_sticks_t *s, const usb_source_t *src, const char *stick,
                        const token_t *t)
{
    const char *label = strrchr(stick, '/');
    char where[160], name[61], by[64]; /* each cut on a character: labels may be Chinese */
    utf8_copy_safe(name, sizeof name, label ? label + 1 : stick);
    utf8_copy_safe(by, sizeof by, t->issued_by);
    snprintf(where, sizeof where, "%s%s%s", name, by[0] ? ", " : "", by);
    if (src->note_export(src->records.ctx, where) != KIOSK_OK)
        log_fn_say(s->c.log, s->c.ud, "warn", "cannot note the export's stick: %s",
                   src->records.errmsg(src->records.ctx));
}

static void export(usb_sticks_t *s, const usb_source_t *src, const char *stick, const token_t *t,
                   int64_t now_utc_ms)
{
    int64_t erased = erase_contacts(s, src, t);
    export_opts_t o = {.kiosk_id = s->kiosk_id,
                       .org_box_pk = s->org_box_pk,
                       .kiosk_sign_sk = s->kiosk_sk,
                       .kiosk_sign_pk = s->kiosk_pk,
                       .all = t->export_all,
                       .now_utc_ms = now_utc_ms,
                       .progress = on_progress,
                       .user_data = s,
                       .quarantine_dir = s->quarantine_dir};
    export_result_t r;
    char err[512];
    int rc = export_to_stick(&src->records, stick, &o, &r, err, sizeof err);
    const char *why = NULL;
    if (rc != KIOSK_OK) {
        log_fn_say(s->c.log, s->c.ud, "error", "usb: export to %s failed: %s", stick, err);
        why = rc == KIOSK_EFULL      ? "full"
              : rc == KIOSK_EACCES   ? "read_only"
              : rc == KIOSK_ECORRUPT ? "corrupt"
                                     : "removed";
    } else if (r.records > 0 || r.quarantine_files > 0) {
        log_fn_say(s->c.log, s->c.ud, "info",
                   "usb: exported %lld records to %s/%s/%s (%llu bytes), %d sealed copies of "
                   "damaged databases",
                   (long long)r.records, stick, EXPORT_DIR_NAME, r.bundle,
                   (unsigned long long)r.bytes, r.quarantine_files);
    }
    tell(s, (usb_event_t){.kind = USB_EV_EXPORT_DONE,
                          .stick = stick,
                          .why = why,
                          .rc = rc,
                          .result = &r,
                          .erased = erased});
    if (rc == KIOSK_OK && r.records > 0)
        note_export(s, src, stick, t);
}

static usb_event_t staff_event(const char *stick, const token_t *t, bool after_export)
{
    return (usb_event_t){.kind = USB_EV_STAFF,
                         .stick = stick,
                         .technician = t->actions & TOKEN_TECHNICIAN,
                         .content_only = !(t->actions & (TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN)),
                         .after_export = after_export};
}

static void handle(usb_sticks_t *s, const char *stick, const usb_source_t *src, int64_t now_utc_ms)
{
    char err[512];
    snprintf(s->current, sizeof s->current, "%s", stick);
    token_t t;
    /* Any action a stick may bring: what the token allows decides what happens. */
    const unsigned any = TOKEN_EXPORT | TOKEN_ERASE_CONTACT | TOKEN_CONTENT_UPDATE |
                         TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN;
    int rc = stick_authorize(stick, s->kiosk_id, s->org_sign_pk, now_utc_ms, (token_action_t)any,
                             &t, err, sizeof err);
    if (rc != KIOSK_OK) {
        log_fn_say(s->c.log, s->c.ud, "warn", "usb: refused: %s", err);
        tell(s, (usb_event_t){.kind = USB_EV_REFUSED, .stick = stick, .why = refusal(rc, err)});
        return;
    }
    log_fn_say(s->c.log, s->c.ud, "info", "usb: token %lld from %s accepted", (long long)t.serial,
               t.issued_by[0] ? t.issued_by : "(unnamed)");
    bool screens = t.actions & (TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN | TOKEN_CONTENT_UPDATE);
    if (screens) {
        snprintf(s->staff, sizeof s->staff, "%s", stick);
        s->content = t.actions & TOKEN_CONTENT_UPDATE;
    }
    if (!(t.actions & TOKEN_EXPORT)) {
        if (!screens) {
            /* erase-contact alone: its codes are erased as part of an export. */
            log_fn_say(s->c.log, s->c.ud, "warn",
                       "usb: token %lld allows neither an export nor the staff screens",
                       (long long)t.serial);
            tell(s, (usb_event_t){.kind = USB_EV_REFUSED, .stick = stick, .why = "not_allowed"});
            return;
        }
        s->current[0] = '\0';
        tell(s, staff_event(stick, &t, false));
        return;
    }
    if (!src) {
        tell(s, (usb_event_t){.kind = USB_EV_NO_DATABASE, .stick = stick});
        return;
    }
    export(s, src, stick, &t, now_utc_ms);
    if (screens) {
        /* The token also opens the staff screens: the export's result is in their figures. */
        s->current[0] = '\0';
        tell(s, staff_event(stick, &t, true));
    }
}

void usb_sticks_handle_next(usb_sticks_t *s, const usb_source_t *src, int64_t now_utc_ms)
{
    if (!usb_sticks_pending(s))
        return;
    char stick[MOUNTS_PATH_MAX];
    snprintf(stick, sizeof stick, "%s", s->pending[0]);
    memmove(s->pending, s->pending + 1, (s->npending - 1) * sizeof s->pending[0]);
    s->npending--;
    handle(s, stick, src, now_utc_ms);
}
