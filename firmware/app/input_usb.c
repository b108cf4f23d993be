/* Staff sticks in the event loop: a watcher thread sleeps on /proc/self/mountinfo (the kernel
 * flags it on every mount and unmount), the loop looks for new mount points below the
 * configured directory, and between residents checks the stick's token, erases contact
 * details it names, and exports with a progress screen. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "app/app_internal.h"
#include "app/export_source.h"
#include "core/kerr.h"
#include "crypto/crypto.h"
#include "usb/export.h"
#include "usb/stick.h"

#define MAX_STICKS 8

struct usb_state {
    uint8_t org_sign_pk[CRYPTO_SIGN_PK_BYTES];
    uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES];
    uint8_t kiosk_sk[CRYPTO_SIGN_SK_BYTES];
    uint8_t kiosk_pk[CRYPTO_SIGN_PK_BYTES];
    int mountinfo;
    int stop;
    pthread_t thread;
    bool running;
    atomic_bool changed;
    char seen[MAX_STICKS][512]; /* mount points below mount_dir, as last seen */
    size_t nseen;
    char pending[MAX_STICKS][512]; /* sticks waiting for the home screen */
    size_t npending;
    char current[512]; /* the stick the message screen is about */
    char staff[512];   /* the stick whose token opened the staff screens, or "" */
    bool content;      /* ... and whether that token allows content updates */
};

const char *usb_content_stick(const app_t *a)
{
    const struct usb_state *u = a->usb;
    return u && u->staff[0] && u->content ? u->staff : NULL;
}

static void *watch(void *arg)
{
    app_t *a = arg;
    struct usb_state *u = a->usb;
    struct pollfd p[2] = {{.fd = u->mountinfo, .events = POLLPRI},
                          {.fd = u->stop, .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        if (p[0].revents & (POLLPRI | POLLERR)) {
            atomic_store(&u->changed, true);
            ui_wake(a->ui);
        }
    }
    return NULL;
}

void usb_open(app_t *a)
{
    const app_config_t *c = a->cfg;
    if (!c->usb_mount_dir || !c->org_sign_pk || !c->org_box_pk)
        return;
    struct usb_state *u = calloc(1, sizeof *u);
    if (!u)
        return;
    char err[512];
    if (crypto_init() != KIOSK_OK || !crypto_key_from_text(c->org_sign_pk, u->org_sign_pk, 32) ||
        !crypto_key_from_text(c->org_box_pk, u->org_box_pk, 32)) {
        log_line("error", "usb: the organisation's public keys in the configuration are not "
                          "valid: staff sticks are off");
        free(u);
        return;
    }
    /* The kiosk's own signing key lives next to its database (provisioning makes it). */
    char keydir[4096];
    snprintf(keydir, sizeof keydir, "%s", c->db_path);
    char *slash = strrchr(keydir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(keydir, sizeof keydir, ".");
    bool created = false;
    if (crypto_kiosk_key(keydir, u->kiosk_sk, u->kiosk_pk, &created, err, sizeof err) != KIOSK_OK) {
        log_line("error", "usb: %s: staff sticks are off", err);
        free(u);
        return;
    }
    if (created)
        log_line("warn", "usb: no kiosk key was provisioned: made one in %s/kiosk-sign.public",
                 keydir);
    u->mountinfo = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    u->stop = eventfd(0, EFD_CLOEXEC);
    atomic_store(&u->changed, true); /* a stick already in at start counts */
    a->usb = u;
    if (!a->script && u->mountinfo >= 0 && u->stop >= 0 &&
        pthread_create(&u->thread, NULL, watch, a) == 0)
        u->running = true;
    log_line("info", "usb: watching %s for staff sticks", c->usb_mount_dir);
}

void usb_close(app_t *a)
{
    struct usb_state *u = a->usb;
    if (!u)
        return;
    if (u->running) {
        uint64_t one = 1;
        if (write(u->stop, &one, sizeof one) == sizeof one)
            pthread_join(u->thread, NULL);
    }
    if (u->mountinfo >= 0)
        close(u->mountinfo);
    if (u->stop >= 0)
        close(u->stop);
    memset(u, 0, sizeof *u); /* the kiosk's secret key */
    free(u);
    a->usb = NULL;
}

/* Mount points below dir, from mountinfo (field 5, with \040-style escapes). */
static size_t scan(const char *dir, char out[][512], size_t max)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f)
        return 0;
    size_t n = 0, dl = strlen(dir);
    char line[4096];
    while (n < max && fgets(line, sizeof line, f)) {
        char *p = line;
        for (int field = 0; field < 4 && p; field++) {
            p = strchr(p, ' ');
            if (p)
                p++;
        }
        if (!p)
            continue;
        char mp[512];
        size_t k = 0;
        for (; *p && *p != ' ' && k + 1 < sizeof mp; p++) {
            if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
                mp[k++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                p += 3;
            } else {
                mp[k++] = *p;
            }
        }
        mp[k] = '\0';
        if (strncmp(mp, dir, dl) == 0 && mp[dl] == '/' && mp[dl + 1])
            snprintf(out[n++], 512, "%s", mp);
    }
    fclose(f);
    return n;
}

void usb_rescan(app_t *a)
{
    struct usb_state *u = a->usb;
    if (!u)
        return;
    char now[MAX_STICKS][512];
    size_t n = scan(a->cfg->usb_mount_dir, now, MAX_STICKS);
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (size_t k = 0; k < u->nseen && !known; k++)
            known = strcmp(u->seen[k], now[i]) == 0;
        if (!known)
            usb_stick_inserted(a, now[i]);
    }
    /* The stick that opened the staff screens was removed: they close. */
    bool staff_in = !u->staff[0];
    for (size_t i = 0; i < n && !staff_in; i++)
        staff_in = strcmp(now[i], u->staff) == 0;
    if (!staff_in) {
        log_line("info", "usb: the staff stick at %s was removed", u->staff);
        u->staff[0] = '\0';
        u->content = false;
        staff_stick_gone(a);
    }
    /* The stick of the message screen was removed: back to the residents. */
    bool still = !u->current[0];
    for (size_t i = 0; i < n && !still; i++)
        still = strcmp(now[i], u->current) == 0;
    if (!still && flow_screen(a->flow) == SCREEN_MESSAGE) {
        u->current[0] = '\0';
        flow_activate(a->flow, ACT_DONE, 0, NULL, now_ms(a));
        a->dirty = true;
    }
    memcpy(u->seen, now, sizeof now);
    u->nseen = n;
}

void usb_stick_inserted(app_t *a, const char *path)
{
    struct usb_state *u = a->usb;
    if (!u || u->npending == MAX_STICKS)
        return;
    snprintf(u->pending[u->npending++], sizeof u->pending[0], "%s", path);
    log_line("info", "usb: stick at %s", path);
}

/* Shows a staff message by keys (the screen follows the language button). */
static void show(app_t *a, const char *body_key, const char *reason_key, int64_t n, double progress,
                 bool done, int64_t until_ms, const char *extra_key, int64_t extra_n)
{
    flow_message_t m = {.progress = progress, .done = done, .until_ms = until_ms};
    snprintf(m.title_key, sizeof m.title_key, "usb.title");
    snprintf(m.body_key, sizeof m.body_key, "%s", body_key);
    if (reason_key)
        snprintf(m.reason_key, sizeof m.reason_key, "usb.reason.%s", reason_key);
    snprintf(m.n, sizeof m.n, "%lld", (long long)n);
    if (extra_key) {
        snprintf(m.extra_key, sizeof m.extra_key, "%s", extra_key);
        snprintf(m.extra_n, sizeof m.extra_n, "%lld", (long long)extra_n);
    }
    flow_show_message(a->flow, &m);
    a->dirty = true;
}

static void on_progress(int64_t done, int64_t total, void *ud)
{
    app_t *a = ud;
    show(a, "usb.exporting", NULL, total, total ? (double)done / (double)total : 0.0, false,
         INT64_MAX, NULL, 0);
    redraw(a);
}

static void handle(app_t *a, const char *stick)
{
    struct usb_state *u = a->usb;
    int64_t now = now_ms(a);
    char err[512];
    snprintf(u->current, sizeof u->current, "%s", stick);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    token_t t;
    /* Any action a stick may bring: what the token allows decides what happens. */
    const unsigned any = TOKEN_EXPORT | TOKEN_ERASE_CONTACT | TOKEN_CONTENT_UPDATE |
                         TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN;
    int rc = stick_authorize(stick, a->cfg->kiosk_id, u->org_sign_pk, wall, (token_action_t)any, &t,
                             err, sizeof err);
    if (rc != KIOSK_OK) {
        log_line("warn", "usb: refused: %s", err);
        /* Staff words, not the file system's; a forgery is not explained. */
        const char *why = rc == KIOSK_ENOENT              ? "no_token"
                          : rc != KIOSK_EACCES            ? "damaged"
                          : strstr(err, "expired")        ? "expired"
                          : strstr(err, "another kiosk")  ? "other_kiosk"
                          : strstr(err, "not valid yet")  ? "not_yet"
                          : strstr(err, "does not allow") ? "not_allowed"
                                                          : "forged";
        show(a, "usb.refused", why, 0, -1, true, now + 20000, NULL, 0);
        return;
    }
    log_line("info", "usb: token %lld from %s accepted", (long long)t.serial,
             t.issued_by[0] ? t.issued_by : "(unnamed)");
    bool screens = t.actions & (TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN | TOKEN_CONTENT_UPDATE);
    if (screens) {
        snprintf(u->staff, sizeof u->staff, "%s", stick);
        u->content = t.actions & TOKEN_CONTENT_UPDATE;
    }
    if (!(t.actions & TOKEN_EXPORT)) {
        if (!screens) {
            /* erase-contact alone: its codes are erased as part of an export. */
            log_line("warn", "usb: token %lld allows neither an export nor the staff screens",
                     (long long)t.serial);
            show(a, "usb.refused", "not_allowed", 0, -1, true, now + 20000, NULL, 0);
            return;
        }
        u->current[0] = '\0';
        staff_open_token(a, t.actions & TOKEN_TECHNICIAN ? STAFF_ROLE_TECHNICIAN : STAFF_ROLE_STAFF,
                         !(t.actions & (TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN)));
        return;
    }
    if (!a->store) {
        show(a, "usb.failed", "no_database", 0, -1, true, now + 20000, NULL, 0);
        return;
    }
    int64_t erased = -1;
    if ((t.actions & TOKEN_ERASE_CONTACT) && t.nerase) {
        erased = 0;
        for (size_t i = 0; i < t.nerase; i++)
            erased += store_erase_contact(a->store, t.erase[i]) == KIOSK_OK;
        log_line("info", "usb: erased the contact details of %lld of %zu requests",
                 (long long)erased, t.nerase);
    }
    export_opts_t o = {.kiosk_id = a->cfg->kiosk_id,
                       .org_box_pk = u->org_box_pk,
                       .kiosk_sign_sk = u->kiosk_sk,
                       .kiosk_sign_pk = u->kiosk_pk,
                       .all = t.export_all,
                       .now_utc_ms = wall,
                       .progress = on_progress,
                       .user_data = a};
    export_result_t r;
    export_source_t src = export_source_from_store(a->store);
    rc = export_to_stick(&src, stick, &o, &r, err, sizeof err);
    const char *extra = erased >= 0 ? "usb.erased" : NULL;
    now = now_ms(a); /* after the export: the result stays two minutes, or until Done */
    if (rc != KIOSK_OK) {
        log_line("error", "usb: export to %s failed: %s", stick, err);
        const char *why = rc == KIOSK_EFULL      ? "full"
                          : rc == KIOSK_EACCES   ? "read_only"
                          : rc == KIOSK_ECORRUPT ? "corrupt"
                                                 : "removed";
        show(a, "usb.failed", why, 0, -1, true, now + 120000, extra, erased);
    } else if (r.records == 0) {
        show(a, "usb.nothing", NULL, 0, -1, true, now + 120000, extra, erased);
    } else {
        log_line("info", "usb: exported %lld records to %s/%s/%s (%llu bytes)",
                 (long long)r.records, stick, EXPORT_DIR_NAME, r.bundle,
                 (unsigned long long)r.bytes);
        show(a, "usb.done", NULL, r.records, -1, true, now + 120000, extra, erased);
    }
    printf("event=export result=%d records=%lld seq=%lld\n", rc, (long long)r.records,
           (long long)r.seq);
    fflush(stdout);
    if (rc == KIOSK_OK && r.records > 0) {
        /* Staff see where the last export went: the stick's name, and who issued its token. */
        const char *label = strrchr(stick, '/');
        char where[160];
        snprintf(where, sizeof where, "%.60s%s%.63s", label ? label + 1 : stick,
                 t.issued_by[0] ? ", " : "", t.issued_by);
        if (store_set_last_export_stick(a->store, where) != KIOSK_OK)
            log_line("warn", "cannot note the export's stick: %s", store_errmsg(a->store));
    }
    if (screens) {
        /* The token also opens the staff screens: the export's result is in their figures. */
        u->current[0] = '\0';
        flow_activate(a->flow, ACT_DONE, 0, NULL, now_ms(a));
        staff_open_token(a, t.actions & TOKEN_TECHNICIAN ? STAFF_ROLE_TECHNICIAN : STAFF_ROLE_STAFF,
                         !(t.actions & (TOKEN_STAFF_SCREENS | TOKEN_TECHNICIAN)));
    }
}

void usb_process(app_t *a)
{
    struct usb_state *u = a->usb;
    if (!u)
        return;
    if (atomic_exchange(&u->changed, false))
        usb_rescan(a);
    /* Sticks wait for the residents: never over a journey in progress. */
    screen_t s = flow_screen(a->flow);
    while (u->npending > 0 && (s == SCREEN_HOME || s == SCREEN_MESSAGE || s == SCREEN_THANKS ||
                               s == SCREEN_OUT_OF_SERVICE)) {
        char stick[512];
        snprintf(stick, sizeof stick, "%s", u->pending[0]);
        memmove(u->pending, u->pending + 1, (u->npending - 1) * sizeof u->pending[0]);
        u->npending--;
        handle(a, stick);
        a->dirty = true;
        s = flow_screen(a->flow);
    }
}
