/* The one event loop: input from the UI edge goes to the flow, the flow's finished sessions go
 * to the store, and the screen is redrawn only when something changed. It sleeps in
 * SDL_WaitEventTimeout until the next input or timer, so an idle kiosk uses no CPU. */
#include "app/app.h"
#include "app/app_internal.h"
#include "app/packs.h"
#include "app/service.h"
#include "app/sysinfo.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <time.h>

#include "core/content.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "core/view.h"
#include "store/store.h"
#include "ui/ui.h"

extern const unsigned char kiosk_builtin_pack[];
extern const unsigned long kiosk_builtin_pack_len;

#define STORE_RETRY_MS 15000
#define RETENTION_EVERY_MS (3600 * 1000)
#define ANIMATION_FRAME_MS 33

void log_line(const char *level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "kiosk[%s]: %s\n", level, msg);
    logring_add(level, msg); /* the technician's log page */
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t now_ms(const app_t *a)
{
    return a->script ? a->virtual_ms : mono_ms();
}

/* Wall clock, offset, whether the kernel says it is synchronised, and time since boot. */
record_time_t record_time(void)
{
    record_time_t t = {0};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    t.utc_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    struct tm tm;
    time_t secs = ts.tv_sec;
    if (localtime_r(&secs, &tm))
        t.offset_min = (int32_t)(tm.tm_gmtoff / 60);
    struct timex tx = {0};
    int state = adjtimex(&tx);
    t.clock_synced = state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
    struct timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    t.mono_ms = (int64_t)boot.tv_sec * 1000 + boot.tv_nsec / 1000000;
    return t;
}

/* ---- content ---- */

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            if (cap > 8u * 1024 * 1024) {
                snprintf(err, errlen, "%s: larger than 8 MiB", path);
                goto fail;
            }
            cap = cap ? cap * 2 : 131072;
            char *nb = realloc(buf, cap);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

int app_apply_config_file(app_config_t *cfg, const char *path, device_config_t *dc, char *err,
                          size_t errlen)
{
    size_t len;
    char *json = read_file(path, &len, err, errlen);
    if (!json)
        return KIOSK_ENOENT;
    content_error_t ce;
    int rc = device_config_parse(json, len, path, dc, &ce);
    free(json);
    if (rc != KIOSK_OK) {
        content_error_format(&ce, err, errlen);
        return rc;
    }
    if (!cfg->kiosk_id && dc->kiosk_id[0])
        cfg->kiosk_id = dc->kiosk_id;
    if (!cfg->lang && dc->language[0])
        cfg->lang = dc->language;
    if (!cfg->pack_path && dc->pack[0])
        cfg->pack_path = dc->pack;
    if (!cfg->db_path && dc->database[0])
        cfg->db_path = dc->database;
    if (!cfg->width && dc->width)
        cfg->width = dc->width;
    if (!cfg->height && dc->height)
        cfg->height = dc->height;
    if (cfg->rotation < 0 && dc->width)
        cfg->rotation = dc->rotation;
    if (dc->has_fullscreen && dc->fullscreen)
        cfg->fullscreen = true;
    if (!cfg->idle_timeout_s)
        cfg->idle_timeout_s = dc->idle_timeout_s;
    if (!cfg->idle_countdown_s)
        cfg->idle_countdown_s = dc->idle_countdown_s;
    if (!cfg->misuse_interval_s)
        cfg->misuse_interval_s = dc->misuse_interval_s;
    if (!cfg->buttons && dc->has_buttons)
        cfg->buttons = &dc->buttons;
    if (!cfg->usb_mount_dir && dc->usb_mount_dir[0])
        cfg->usb_mount_dir = dc->usb_mount_dir;
    if (!cfg->org_sign_pk && dc->org_sign_public_key[0])
        cfg->org_sign_pk = dc->org_sign_public_key;
    if (!cfg->org_box_pk && dc->org_box_public_key[0])
        cfg->org_box_pk = dc->org_box_public_key;
    if (!cfg->staff_pin_hash && dc->staff_pin_hash[0])
        cfg->staff_pin_hash = dc->staff_pin_hash;
    if (!cfg->tech_pin_hash && dc->tech_pin_hash[0])
        cfg->tech_pin_hash = dc->tech_pin_hash;
    if (dc->set_clock.argv[0])
        cfg->set_clock_cmd = dc->set_clock.argv;
    if (dc->restart.argv[0])
        cfg->restart_cmd = dc->restart.argv;
    if (dc->reboot.argv[0])
        cfg->reboot_cmd = dc->reboot.argv;
    if (dc->poweroff.argv[0])
        cfg->poweroff_cmd = dc->poweroff.argv;
    if (dc->hours.set)
        cfg->hours = &dc->hours;
    if (dc->has_backlight) {
        cfg->backlight_path = dc->backlight_path;
        cfg->backlight_quiet_percent = dc->backlight_quiet_percent;
    }
    cfg->contact_after_export_days = dc->contact_after_export_days;
    cfg->contact_max_days = dc->contact_max_days;
    cfg->answers_after_export_days = dc->answers_after_export_days;
    return KIOSK_OK;
}

static void pack_log(const char *level, const char *msg, void *ud)
{
    (void)ud;
    log_line(level, "content pack rejected: %s", msg);
}

/* Loads the pack to run: one staff installed from a stick (or the one before it), else the
 * configured one; when those are all unusable, the built-in pack with a notice for staff. */
static int load_pack(app_t *a, content_t **out, bool *fallback, char *err, size_t errlen)
{
    char dir[4096], src[4096] = "";
    app_data_dir(a, dir, sizeof dir);
    *fallback = false;
    int rc = packs_load(dir, a->cfg->pack_path, out, src, sizeof src, pack_log, NULL);
    if (rc == KIOSK_OK) {
        char packs[4200];
        snprintf(packs, sizeof packs, "%s/packs/", dir);
        snprintf(a->content_from, sizeof a->content_from, "%s",
                 strncmp(src, packs, strlen(packs)) == 0 ? "installed" : "configured");
        log_line("info", "content pack %s (%s %s)", src, content_id(*out), content_version(*out));
        return KIOSK_OK;
    }
    if (rc == KIOSK_ENOMEM) {
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    *fallback = rc == KIOSK_ECORRUPT || a->cfg->pack_path;
    if (*fallback)
        log_line("error", "using the built-in pack instead; staff notice shown");
    content_error_t ce;
    rc = content_load((const char *)kiosk_builtin_pack, kiosk_builtin_pack_len, "(built-in pack)",
                      out, &ce);
    if (rc != KIOSK_OK) {
        content_error_format(&ce, err, errlen);
        log_line("error", "built-in pack: %s", err);
        return rc;
    }
    snprintf(a->content_from, sizeof a->content_from, "built-in");
    return KIOSK_OK;
}

static int load_content(app_t *a)
{
    char err[1024];
    bool fallback;
    int rc = load_pack(a, &a->content, &fallback, err, sizeof err);
    if (rc == KIOSK_OK && fallback)
        snprintf(a->notice, sizeof a->notice, "%s",
                 content_string(a->content, "notice.fallback", content_default_lang(a->content)));
    return rc;
}

int app_reload_content(app_t *a, char *err, size_t errlen)
{
    content_t *c = NULL;
    bool fallback;
    char from[sizeof a->content_from];
    snprintf(from, sizeof from, "%s", a->content_from);
    int rc = load_pack(a, &c, &fallback, err, errlen);
    if (rc == KIOSK_OK && fallback) {
        /* The installed pack did not load: keep running the one on screen. */
        content_free(c);
        snprintf(a->content_from, sizeof a->content_from, "%s", from);
        snprintf(err, errlen, "the installed pack does not load (see the log)");
        return KIOSK_ECORRUPT;
    }
    if (rc != KIOSK_OK)
        return rc;
    const app_config_t *cfg = a->cfg;
    content_set_timing(c, cfg->idle_timeout_s, cfg->idle_countdown_s, cfg->misuse_interval_s);
    int64_t now = now_ms(a);
    flow_t *f = flow_new(c, cfg->kiosk_id, now);
    if (!f) {
        content_free(c);
        snprintf(a->content_from, sizeof a->content_from, "%s", from);
        snprintf(err, errlen, "out of memory");
        return KIOSK_ENOMEM;
    }
    /* The kiosk's language stays, if the new pack has it. */
    if (!flow_set_home_lang(f, flow_lang(a->flow)) && cfg->lang)
        flow_set_home_lang(f, cfg->lang);
    flow_set_store_ok(f, a->store_ok, now);
    flow_free(a->flow);
    content_free(a->content);
    a->flow = f;
    a->content = c;
    a->notice[0] = '\0';
    a->dirty = true;
    return KIOSK_OK;
}

/* ---- store ---- */

static bool enough_space(const app_t *a)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", a->cfg->db_path);
    struct statvfs st;
    if (statvfs(dirname(dir), &st) != 0)
        return false;
    unsigned long long free_kib = (unsigned long long)st.f_bavail * st.f_frsize / 1024;
    return free_kib >= (unsigned long long)a->cfg->min_free_kib;
}

/* Opens the store if needed and checks there is room; tells the flow. */
/* The kernel's id of this boot, for the store's boot counter ("" when unknown). */
static void read_boot_id(char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
}

/* Opens the store with the start-up check: a damaged database is set aside (never deleted),
 * what can be read is salvaged into a fresh one, and staff get a notice. */
static void open_store(app_t *a)
{
    char err[512] = "";
    store_recovery_t rec;
    int rc = store_open_checked(a->cfg->db_path, &a->store, &rec, err, sizeof err);
    if (rc != KIOSK_OK) {
        if (a->store_ok)
            log_line("error", "%s", err);
        return;
    }
    a->store_checked_utc_ms = record_time().utc_ms;
    if (rec.unclean)
        log_line("warn", "%s was not closed cleanly last time (power cut or crash): %s check %s",
                 a->cfg->db_path, rec.checked_full ? "full integrity" : "quick",
                 rec.moved_aside ? "failed" : "passed");
    if (rec.moved_aside) {
        log_line("error",
                 "%s is damaged (%s): set aside as %s, %lld records and %lld contacts "
                 "recovered into a fresh database%s%s",
                 a->cfg->db_path, rec.problem, rec.moved_to, (long long)rec.salvaged_records,
                 (long long)rec.salvaged_contacts, err[0] ? "; " : "", err);
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)rec.salvaged_records);
        const char *t =
            content_string(a->content, "notice.db_recovered", content_default_lang(a->content));
        const char *at = strstr(t, "{n}");
        if (at)
            snprintf(a->notice, sizeof a->notice, "%.*s%s%s", (int)(at - t), t, n, at + 3);
        else
            snprintf(a->notice, sizeof a->notice, "%s", t);
    }
    char boot_id[130];
    read_boot_id(boot_id, sizeof boot_id);
    int64_t boots = 0;
    if (boot_id[0] && store_note_boot(a->store, boot_id, &boots) == KIOSK_OK)
        log_line("info", "boot %lld of this kiosk", (long long)boots);
    a->retention_ms = now_ms(a) - RETENTION_EVERY_MS; /* due now */
}

/* Erases what the retention periods say must go: at start-up, then hourly, between
 * sessions. A clock that is not synchronised is not trusted to be ahead: the latest stored
 * time stands in, so nothing is erased early (a late erasure follows the next sync). */
static void apply_retention(app_t *a)
{
    a->retention_ms = now_ms(a);
    store_retention_t r = STORE_RETENTION_DEFAULTS;
    if (a->cfg->contact_after_export_days)
        r.contact_after_export_days = a->cfg->contact_after_export_days;
    if (a->cfg->contact_max_days)
        r.contact_max_days = a->cfg->contact_max_days;
    if (a->cfg->answers_after_export_days)
        r.answers_after_export_days = a->cfg->answers_after_export_days;
    record_time_t t = record_time();
    int64_t now = t.utc_ms;
    if (!t.clock_synced && store_last_utc_ms(a->store, &now) != KIOSK_OK)
        return;
    int64_t contacts = 0, records = 0;
    int rc = store_apply_retention(a->store, now, &r, &contacts, &records);
    if (rc != KIOSK_OK && rc != KIOSK_EBUSY)
        log_line("error", "retention: %s", store_errmsg(a->store));
    else if (contacts || records)
        log_line("info", "retention: erased %lld contact details, deleted %lld exported records",
                 (long long)contacts, (long long)records);
}

/* Opens the store if needed and checks there is room; tells the flow. */
void app_check_store(app_t *a)
{
    a->store_checked_ms = now_ms(a);
    bool ok = false;
    if (!a->store)
        open_store(a);
    if (a->store) {
        ok = enough_space(a);
        if (!ok && a->store_ok)
            log_line("error", "less than %d KiB free next to %s: out of service",
                     a->cfg->min_free_kib, a->cfg->db_path);
    }
    if (ok && !a->store_ok)
        log_line("info", "store %s ready: taking answers", a->cfg->db_path);
    a->store_ok = ok;
    flow_set_store_ok(a->flow, ok, now_ms(a));
    if (ok && flow_screen(a->flow) == SCREEN_HOME &&
        now_ms(a) - a->retention_ms >= RETENTION_EVERY_MS)
        apply_retention(a);
    a->dirty = true;
}

void perform_op(app_t *a)
{
    record_t *rec;
    op_kind_t op = flow_pending_op(a->flow, &rec);
    if (op == OP_NONE)
        return;
    int rc = KIOSK_EIO;
    if (a->store && a->store_ok) {
        if (op == OP_SAVE) {
            rec->time = record_time();
            rc = store_save(a->store, rec);
        } else {
            rc = store_update_answers(a->store, rec->uuid, rec->answers_json);
        }
    }
    if (rc != KIOSK_OK) {
        log_line("error", "cannot store %s: %s (%s); out of service", record_kind_name(rec->kind),
                 kiosk_strerror(rc), a->store ? store_errmsg(a->store) : "no database");
        /* Reopen before taking answers again. */
        store_close(a->store);
        a->store = NULL;
        a->store_ok = false;
    } else {
        printf("event=%s kind=%s journey=%s uuid=%s%s%s\n", op == OP_SAVE ? "saved" : "updated",
               record_kind_name(rec->kind), rec->journey_id, rec->uuid,
               rec->ref_code[0] ? " ref=" : "", rec->ref_code);
    }
    char uuid[RECORD_UUID_LEN + 1];
    snprintf(uuid, sizeof uuid, "%s", rec->uuid);
    flow_op_done(a->flow, rc, now_ms(a));
    if (rc == KIOSK_OK &&
        (flow_screen(a->flow) == SCREEN_THANKS || flow_screen(a->flow) == SCREEN_QUESTION))
        printf("event=thanks uuid=%s\n", uuid);
    fflush(stdout);
    a->dirty = true;
}

static void count_outcomes(app_t *a)
{
    char journey[64];
    session_outcome_t outcome;
    while (flow_take_outcome(a->flow, journey, &outcome)) {
        printf("event=session journey=%s outcome=%s\n", journey, session_outcome_name(outcome));
        fflush(stdout);
        if (!a->store)
            continue;
        char day[ISO8601_LEN];
        record_time_t t = record_time();
        iso8601_format(t.utc_ms, 0, day);
        day[10] = '\0';
        if (store_count_session(a->store, day, journey, outcome) != KIOSK_OK)
            log_line("warn", "cannot count session outcome: %s", store_errmsg(a->store));
    }
}

/* ---- drawing ---- */

static void screenshot_if_new(app_t *a)
{
    if (!a->cfg->shot_dir)
        return;
    const flow_t *f = a->flow;
    static const char *const screens[] = {"home", "question", "thanks", "out-of-service",
                                          "message"};
    static const char *const overlays[] = {"", "-idle", "-leave", "-display"};
    const journey_t *j = flow_journey(f);
    const question_t *q = flow_question(f);
    char key[160];
    if (staff_active(a)) {
        const staff_t *s = &a->staff;
        snprintf(key, sizeof key, "staff-%s%s%s%s%s%s-%s",
                 s->state == STAFF_OPEN ? script_staff_page_name(s->page) : "pin",
                 s->erase_result == ERASE_DONE        ? "-erased"
                 : s->erase_result == ERASE_NOT_FOUND ? "-not-found"
                 : s->erase_result == ERASE_FAILED    ? "-failed"
                                                      : "",
                 s->result[0] ? (s->result_bad ? "-failed" : "-done") : "",
                 s->state == STAFF_OPEN            ? ""
                 : s->no_pin                       ? "-no-pin"
                 : staff_wait_ms(s, now_ms(a)) > 0 ? "-wait"
                 : s->wrong                        ? "-wrong"
                                                   : "",
                 s->state == STAFF_PIN && s->pin[0] ? "-typed" : "", s->focus >= 0 ? "-focus" : "",
                 flow_lang(f));
    } else
        snprintf(key, sizeof key, "%s%s%s%s%s%s%s-%s",
                 a->attract ? "attract" : screens[flow_screen(f)], j ? "-" : "",
                 j ? j->id : (q ? "-quick" : ""), q ? "-" : "", q ? q->name : "",
                 overlays[flow_overlay(f)], flow_focus(f) >= 0 ? "-focus" : "", flow_lang(f));
    if (strcmp(key, a->last_shot_key) == 0)
        return;
    snprintf(a->last_shot_key, sizeof a->last_shot_key, "%s", key);
    char path[4096];
    int w, h;
    ui_logical_size(a->ui, &w, &h);
    snprintf(path, sizeof path, "%s/%03d-%s-%dx%d.bmp", a->cfg->shot_dir, ++a->shot_seq, key, w, h);
    ui_screenshot(a->ui, path);
}

void redraw(app_t *a)
{
    int64_t t0 = mono_us();
    int w, h;
    ui_logical_size(a->ui, &w, &h);
    if (staff_active(a))
        view_build_staff(a->view, &a->staff, a->content, flow_lang(a->flow), NULL, w, h,
                         ui_metrics(a->ui), now_ms(a));
    else if (a->attract)
        view_build_attract(a->view, a->content, flow_lang(a->flow), quiet_reopens(a), w, h,
                           ui_metrics(a->ui));
    else
        view_build(a->view, a->flow, w, h, ui_metrics(a->ui), now_ms(a),
                   a->notice[0] ? a->notice : NULL);
    if (flow_focus(a->flow) == FLOW_FOCUS_START)
        flow_set_focus(a->flow, a->view->focus_index);
    for (size_t i = 0; i < a->view->n; i++)
        if (a->view->w[i].overflow)
            log_line("warn", "text does not fit: \"%.40s\"", a->view->w[i].text);
    ui_draw(a->ui, a->view, a->pressed);
    int64_t t1 = mono_us();
    buttons_frame_drawn(a, t1);
    if (!a->first_frame_done) {
        a->first_frame_done = true;
        printf("event=first-frame ms=%.1f\n", (double)(t1 - a->started_us) / 1000.0);
        fflush(stdout);
    } else if (a->cfg->stats) {
        if (a->frames == a->frames_cap) {
            size_t cap = a->frames_cap ? a->frames_cap * 2 : 256;
            int64_t *nf = realloc(a->frame_us, cap * sizeof *nf);
            if (nf) {
                a->frame_us = nf;
                a->frames_cap = cap;
            }
        }
        if (a->frames < a->frames_cap)
            a->frame_us[a->frames++] = t1 - t0;
    }
    screenshot_if_new(a);
    a->dirty = false;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Frame times (view build + draw + present) after the first frame, for tools/bench. */
static void print_stats(app_t *a)
{
    if (!a->cfg->stats || a->frames == 0)
        return;
    qsort(a->frame_us, a->frames, sizeof *a->frame_us, cmp_i64);
    printf("stats frames=%zu median_us=%lld p95_us=%lld max_us=%lld\n", a->frames,
           (long long)a->frame_us[a->frames / 2], (long long)a->frame_us[a->frames * 95 / 100],
           (long long)a->frame_us[a->frames - 1]);
    if (a->latencies) {
        qsort(a->latency_us, a->latencies, sizeof *a->latency_us, cmp_i64);
        printf("stats buttons=%zu to_frame_median_us=%lld p95_us=%lld max_us=%lld\n", a->latencies,
               (long long)a->latency_us[a->latencies / 2],
               (long long)a->latency_us[a->latencies * 95 / 100],
               (long long)a->latency_us[a->latencies - 1]);
    }
    fflush(stdout);
}

/* ---- input ---- */

void activate(app_t *a, const widget_t *w)
{
    if (staff_active(a)) {
        staff_activate(a, w);
        return;
    }
    if (flow_activate(a->flow, w->action, w->arg, w->key_text, now_ms(a)))
        a->dirty = true;
}

/* The staff screens' focus ring, for staff on a desktop keyboard's arrows and Enter. */
static bool staff_nav(app_t *a, nav_t nav, int64_t now)
{
    staff_t *s = &a->staff;
    switch (nav) {
    case NAV_PREV:
    case NAV_NEXT:
        return staff_focus_move(s, nav == NAV_NEXT ? 1 : -1, (int)a->view->focusable, now);
    case NAV_SELECT:
        if (s->focus < 0)
            return staff_focus_move(s, 1, (int)a->view->focusable, now);
        {
            const widget_t *w = view_focusable(a->view, (size_t)s->focus);
            if (w)
                activate(a, w);
        }
        return true;
    case NAV_BACK:
        return staff_back(s, now) || staff_close(s);
    case NAV_HOME:
        return staff_close(s);
    }
    return false;
}

static bool is_input(ui_event_kind_t k)
{
    return k == UI_EV_PRESS || k == UI_EV_NAV || k == UI_EV_FACE || k == UI_EV_TEXT ||
           k == UI_EV_BACKSPACE || k == UI_EV_LANG || k == UI_EV_HELP || k == UI_EV_STAFF;
}

static void handle_event(app_t *a, const ui_event_t *ev)
{
    int64_t now = now_ms(a);
    flow_t *f = a->flow;
    if (is_input(ev->kind)) {
        bool was_quiet = a->attract;
        quiet_input(a);
        if (was_quiet && ev->kind != UI_EV_STAFF) {
            a->pressed = -1; /* the touch that wakes the kiosk does nothing else */
            a->dirty = true;
            return;
        }
    }
    switch (ev->kind) {
    case UI_EV_NONE:
    case UI_EV_WAKE:
        break;
    case UI_EV_QUIT:
        a->quit = true;
        break;
    case UI_EV_REDRAW:
        a->dirty = true;
        break;
    case UI_EV_PRESS: {
        flow_touched(f);
        const widget_t *w = view_hit(a->view, ev->x, ev->y);
        if (staff_active(a)) {
            staff_focus_hide(&a->staff); /* a touch hides the ring */
            if (w && w->action == ACT_STAFF_CANVAS) {
                a->drawing = true;
                staff_canvas(a, w, ev->x, ev->y);
                w = NULL;
            }
        }
        a->pressed = w ? (int)(w - a->view->w) : -1;
        a->dirty = true;
        break;
    }
    case UI_EV_MOTION:
        if (a->drawing && staff_active(a)) {
            const widget_t *w = view_hit(a->view, ev->x, ev->y);
            if (w && w->action == ACT_STAFF_CANVAS)
                staff_canvas(a, w, ev->x, ev->y);
        }
        break;
    case UI_EV_RELEASE: {
        a->drawing = false;
        const widget_t *w = view_hit(a->view, ev->x, ev->y);
        int idx = w ? (int)(w - a->view->w) : -1;
        bool same = idx >= 0 && idx == a->pressed;
        a->pressed = -1;
        a->dirty = true;
        if (same)
            activate(a, w);
        break;
    }
    case UI_EV_NAV:
        if (staff_active(a)) {
            if (staff_nav(a, (nav_t)ev->nav, now))
                a->dirty = true;
            break;
        }
        if (ev->nav == NAV_SELECT && flow_focus(f) >= 0) {
            const widget_t *w = view_focusable(a->view, (size_t)flow_focus(f));
            if (w)
                activate(a, w);
        } else if (flow_nav(f, (nav_t)ev->nav, a->view->focusable, now)) {
            a->dirty = true;
        }
        break;
    case UI_EV_FACE:
        if (staff_active(a))
            break;
        if (flow_face(f, (size_t)ev->face, now))
            a->dirty = true;
        break;
    case UI_EV_TEXT:
        if (staff_active(a)) {
            if (staff_type(a, ev->text))
                a->dirty = true;
            break;
        }
        if (flow_text(f, ev->text, now))
            a->dirty = true;
        break;
    case UI_EV_BACKSPACE:
        if (staff_active(a)) {
            if (staff_delete(&a->staff, now) || staff_ref_delete(&a->staff, now))
                a->dirty = true;
            break;
        }
        if (flow_activate(f, ACT_BACKSPACE, 0, NULL, now))
            a->dirty = true;
        break;
    case UI_EV_LANG:
        if (flow_activate(f, ACT_LANG, 0, NULL, now))
            a->dirty = true;
        break;
    case UI_EV_HELP:
        if (flow_focus(f) < 0 && flow_nav(f, NAV_SELECT, a->view->focusable, now))
            a->dirty = true;
        break;
    case UI_EV_STAFF:
        staff_enter(a);
        break;
    }
}

/* ---- the loop ---- */

static int wait_timeout(const app_t *a)
{
    int64_t now = now_ms(a);
    int64_t deadline = flow_next_deadline(a->flow);
    int64_t b = buttons_deadline_ms(a);
    if (b < deadline)
        deadline = b;
    b = staff_next_deadline(&a->staff, now);
    if (b < deadline)
        deadline = b;
    b = quiet_deadline(a);
    if (b < deadline)
        deadline = b;
    if (!a->store_ok && a->store_checked_ms + STORE_RETRY_MS < deadline)
        deadline = a->store_checked_ms + STORE_RETRY_MS;
    int64_t t = deadline == INT64_MAX ? -1 : deadline - now;
    if (t < 0 && deadline != INT64_MAX)
        t = 0;
    if (flow_overlay(a->flow) == OVERLAY_IDLE && (t < 0 || t > ANIMATION_FRAME_MS))
        t = ANIMATION_FRAME_MS; /* the countdown bar moves */
    /* An idle kiosk still wakes to ping the service watchdog. */
    int64_t w = service_watchdog_due_ms(mono_ms());
    if (w >= 0 && (t < 0 || t > w))
        t = w;
    return t > 3600000 ? 3600000 : (int)t;
}

/* What the service manager shows in `systemctl status`, and READY=1 once the first frame is
 * on the screen and the database is open (checked, and set aside and salvaged if damaged). */
static void service_report(app_t *a, bool *ready, int *reported)
{
    int state = !a->store ? 0 : a->store_ok ? 1 : 2;
    if (*ready && state == *reported)
        return;
    static const char *const text[] = {"out of service: the database cannot be opened",
                                       "taking answers",
                                       "out of service: not enough free space for the database"};
    if (!*ready && a->first_frame_done && a->store) {
        *ready = true;
        service_notify("READY=1\nSTATUS=%s (%s)", text[state], a->cfg->db_path);
    } else if (state != *reported) {
        service_notify("STATUS=%s (%s)", text[state], a->cfg->db_path);
    }
    *reported = state;
}

/* SIGTERM (the service manager), SIGINT or SIGHUP: a save the resident already sent is
 * finished, an unfinished session is abandoned (its answers wiped, counted as when the resident
 * walks away), and the loop ends; app_run closes the database cleanly. */
static void stop_gracefully(app_t *a, int sig)
{
    service_notify("STOPPING=1\nSTATUS=stopping (%s)", strsignal(sig));
    log_line("info", "%s: stopping", strsignal(sig));
    perform_op(a);
    flow_abandon(a->flow, now_ms(a));
    count_outcomes(a);
    a->quit = true;
}

static void loop(app_t *a)
{
    screen_t last_screen = flow_screen(a->flow);
    bool ready = false;
    int reported = -1;
    while (!a->quit) {
        int sig = service_stop_signal();
        if (sig) {
            stop_gracefully(a, sig);
            break;
        }
        service_watchdog(mono_ms());
        buttons_process(a);
        usb_process(a);
        perform_op(a);
        staff_process(a);
        count_outcomes(a);
        int64_t now = now_ms(a);
        bool was_open = staff_active(a);
        if (staff_tick(&a->staff, now)) {
            if (was_open && !staff_active(a))
                log_line("info", "staff screens closed after %d s untouched", STAFF_IDLE_MS / 1000);
            a->dirty = true;
        }
        if (a->staff.state == STAFF_PIN && staff_wait_ms(&a->staff, now) > 0)
            a->dirty = true; /* the wait's countdown */
        while (flow_tick(a->flow, now)) {
            a->dirty = true;
            count_outcomes(a);
            redraw(a);
        }
        if (!a->store_ok && now - a->store_checked_ms >= STORE_RETRY_MS)
            app_check_store(a);
        screen_t s = flow_screen(a->flow);
        if ((s == SCREEN_HOME && last_screen != SCREEN_HOME) ||
            (s == SCREEN_HOME && a->store && now - a->retention_ms >= RETENTION_EVERY_MS))
            app_check_store(a); /* before the next resident starts; and hourly retention */
        last_screen = flow_screen(a->flow);
        quiet_process(a);
        if (flow_overlay(a->flow) == OVERLAY_IDLE)
            a->dirty = true;
        if (a->dirty)
            redraw(a);
        service_report(a, &ready, &reported);
        ui_event_t ev;
        if (a->script) {
            if (ui_wait_event(a->ui, 0, &ev)) {
                handle_event(a, &ev);
                continue;
            }
            if (flow_pending_op(a->flow, &(record_t *){NULL}) != OP_NONE)
                continue;
            if (a->quit || !script_step(a))
                break;
            continue;
        }
        ui_wait_event(a->ui, wait_timeout(a), &ev);
        handle_event(a, &ev);
    }
}

/* --out-of-order: where a crash loop ends (kiosk-out-of-order.service, started by the kiosk
 * unit's OnFailure=). Only the built-in pack and the display: no database, no buttons, no
 * sticks, nothing that may have made the kiosk crash. The out-of-service screen stays, input
 * is ignored, and the process sleeps until it is stopped. */
static int run_out_of_order(const app_config_t *cfg)
{
    app_t a = {
        .cfg = cfg, .pressed = -1, .started_us = cfg->started_us ? cfg->started_us : mono_us()};
    a.staff.focus = -1;
    int status = 1;
    char err[1024];
    content_error_t ce;
    if (content_load((const char *)kiosk_builtin_pack, kiosk_builtin_pack_len, "(built-in pack)",
                     &a.content, &ce) != KIOSK_OK) {
        content_error_format(&ce, err, sizeof err);
        log_line("error", "built-in pack: %s", err);
        return 1;
    }
    if (cfg->shot_dir && mkdir(cfg->shot_dir, 0755) != 0 && errno != EEXIST)
        log_line("warn", "%s: cannot create screenshot directory: %s", cfg->shot_dir,
                 strerror(errno));
    a.view = calloc(1, sizeof *a.view);
    a.flow = flow_new(a.content, cfg->kiosk_id, mono_ms());
    if (!a.view || !a.flow) {
        log_line("error", "out of memory");
        goto out;
    }
    if (cfg->lang)
        flow_set_home_lang(a.flow, cfg->lang);
    flow_set_store_ok(a.flow, false, mono_ms());
    ui_config_t uc = {cfg->width,    cfg->height, cfg->rotation, cfg->fullscreen,
                      cfg->headless, cfg->font,   cfg->font_bold};
    if (ui_open(&uc, &a.ui, err, sizeof err) != KIOSK_OK) {
        log_line("error", "%s", err);
        goto out;
    }
    service_watch_signals(a.ui);
    log_line("warn", "out of order: the kiosk stopped too often; showing the out-of-order screen");
    redraw(&a);
    service_notify("READY=1\nSTATUS=out of order (the kiosk stopped too often; see its log)");
    int sig;
    while (!(sig = service_stop_signal())) {
        service_watchdog(mono_ms());
        ui_event_t ev;
        int64_t due = service_watchdog_due_ms(mono_ms());
        if (!ui_wait_event(a.ui, due < 0 ? -1 : (int)due, &ev))
            continue;
        if (ev.kind == UI_EV_QUIT)
            break;
        /* The language button is the one thing that works: the notice in the reader's language. */
        const widget_t *w = ev.kind == UI_EV_PRESS || ev.kind == UI_EV_RELEASE
                                ? view_hit(a.view, ev.x, ev.y)
                                : NULL;
        if (ev.kind == UI_EV_PRESS)
            a.pressed = w && w->action == ACT_LANG ? (int)(w - a.view->w) : -1;
        if (ev.kind == UI_EV_RELEASE) {
            if (w && w->action == ACT_LANG && (int)(w - a.view->w) == a.pressed)
                flow_activate(a.flow, ACT_LANG, 0, NULL, mono_ms());
            a.pressed = -1;
        }
        if (ev.kind == UI_EV_LANG)
            flow_activate(a.flow, ACT_LANG, 0, NULL, mono_ms());
        if (ev.kind == UI_EV_REDRAW || ev.kind == UI_EV_PRESS || ev.kind == UI_EV_RELEASE ||
            ev.kind == UI_EV_LANG)
            redraw(&a);
    }
    service_notify("STOPPING=1\nSTATUS=stopping");
    if (sig)
        log_line("info", "%s: stopping", strsignal(sig));
    status = 0;
    service_close();
    ui_close(a.ui);
out:
    flow_free(a.flow);
    free(a.view);
    content_free(a.content);
    return status;
}

int app_run(const app_config_t *cfg)
{
    service_init(); /* first: blocks the stop signals before any thread starts */
    if (cfg->out_of_order)
        return run_out_of_order(cfg);
    app_t a = {.cfg = cfg,
               .pressed = -1,
               .store_ok = true,
               .virtual_ms = 1000000,
               .started_us = cfg->started_us ? cfg->started_us : mono_us()};
    a.staff.focus = -1;
    int status = 1;
    char err[1024];
    if (cfg->script_path && !(a.script = fopen(cfg->script_path, "r"))) {
        log_line("error", "%s: cannot open script: %s", cfg->script_path, strerror(errno));
        return 1;
    }
    if (cfg->shot_dir && mkdir(cfg->shot_dir, 0755) != 0 && errno != EEXIST) {
        log_line("error", "%s: cannot create screenshot directory: %s", cfg->shot_dir,
                 strerror(errno));
        goto out_script;
    }
    if (load_content(&a) != KIOSK_OK)
        goto out_script;
    content_set_timing(a.content, cfg->idle_timeout_s, cfg->idle_countdown_s,
                       cfg->misuse_interval_s);
    a.view = calloc(1, sizeof *a.view);
    a.flow = flow_new(a.content, cfg->kiosk_id, now_ms(&a));
    if (!a.view || !a.flow) {
        log_line("error", "out of memory");
        goto out_flow;
    }
    if (cfg->lang && !flow_set_home_lang(a.flow, cfg->lang))
        log_line("warn", "language '%s' is not in the pack; using '%s'", cfg->lang,
                 flow_lang(a.flow));
    ui_config_t uc = {cfg->width,    cfg->height, cfg->rotation, cfg->fullscreen,
                      cfg->headless, cfg->font,   cfg->font_bold};
    if (ui_open(&uc, &a.ui, err, sizeof err) != KIOSK_OK) {
        log_line("error", "%s", err);
        goto out_flow;
    }
    service_watch_signals(a.ui);
    int lw, lh;
    ui_logical_size(a.ui, &lw, &lh);
    log_line("info", "display %dx%d (rotation %d, video driver %s)", lw, lh, cfg->rotation,
             ui_driver(a.ui));
    app_check_store(&a); /* out of service until the database is usable */
    a.dirty = true;
    redraw(&a);
    buttons_open(&a);
    usb_open(&a);
    staff_self_test_at_start(&a); /* the first boot after provisioning: the technician's checks */
    a.last_input_ms = now_ms(&a); /* the attract screen's minute starts now */
    loop(&a);
    if (!service_stop_signal()) /* the technician's restart, a window closed, a script's end */
        service_notify("STOPPING=1\nSTATUS=stopping");
    print_stats(&a);
    status = a.exit_status;
    usb_close(&a);
    buttons_close(&a);
    service_close();
    ui_close(a.ui);
out_flow:
    flow_free(a.flow);
    store_close(a.store);
    free(a.view);
    content_free(a.content);
    free(a.frame_us);
out_script:
    if (a.script)
        fclose(a.script);
    return status;
}

/* ---- printing records ---- */

static int print_record(const record_t *r, void *user_data)
{
    (void)user_data;
    char *s = NULL;
    if (record_json_write(r, RECORD_JSON_LISTING, &s) == KIOSK_OK)
        printf("%s\n", s);
    free(s);
    return 0;
}

int app_print_records(const char *db_path)
{
    store_t *st;
    char err[512];
    if (store_open(db_path, &st, err, sizeof err) != KIOSK_OK) {
        log_line("error", "%s", err);
        return 1;
    }
    int rc = store_foreach_record(st, print_record, NULL);
    store_close(st);
    return rc == KIOSK_OK ? 0 : 1;
}
