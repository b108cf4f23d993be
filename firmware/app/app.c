/* The one event loop: input from the UI edge goes to the flow, the flow's finished sessions go
 * to the store, and the screen is redrawn only when something changed. It sleeps in
 * SDL_WaitEventTimeout until the next input or timer, so an idle kiosk uses no CPU. */
#include "app/app.h"
#include "app/fonts.h"
#include "app/app_internal.h"
#include "app/export_source.h"
#include "app/router.h"
#include "app/startup_check.h"

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
#include <time.h>
#include <unistd.h>

#include "core/content.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/utf8.h"
#include "core/view.h"
#include "store/store.h"
#include "system/clock.h"
#include "system/sysinfo.h"
#include "system/system.h"
#include "ui/ui.h"
#include "usb/packs.h"
#include "usb/sticks.h"
#ifdef KIOSK_HAVE_IME
#include "ime/ime_engine.h"
#endif

extern const unsigned char kiosk_builtin_pack[];
extern const unsigned long kiosk_builtin_pack_len;

#define ANIMATION_FRAME_MS 33

static void app_check_store(app_t *a);
static void perform_op(app_t *a);

int64_t now_ms(const app_t *a)
{
    return a->script.file ? a->virtual_ms : clock_mono_ms();
}

record_time_t app_wall(const app_t *a)
{
    record_time_t t = clock_wall();
    if (a->script.file) {
        t.utc_ms += a->wall_shift_ms;
        if (a->wall_synced >= 0)
            t.clock_synced = a->wall_synced == 1;
    }
    return t;
}

/* ---- content ---- */

/* The edges' log callback (system/, usb/): one line at level. */
static void edge_log(const char *level, const char *msg, void *ud)
{
    (void)ud;
    log_line(level, "%s", msg);
}

/* The system edge's stop-signal thread wakes the event loop. */
static void wake_ui(void *ui)
{
    ui_wake(ui);
}

/* Every text of the pack drawable (app/fonts.c). */
static bool pack_fonts_ok(app_t *a, const content_t *c, const char *json, size_t len, char *why,
                          size_t whylen)
{
    bool ok = app_pack_fonts_ok(a->ui, a->cfg, c, json, len, why, whylen);
    a->dirty = true; /* the next frame sets the language on screen again */
    return ok;
}

/* The pack edge's check (pack_check_t), at scan, install and load: every text drawable, every
 * recorded prompt (its path relative to pack_dir) one the audio edge plays. audio_check_prompt
 * needs no audio device: a kiosk running silent checks them too, and refuses a pack whose
 * prompts it could not play once a speaker is plugged in. */
static bool pack_check_fn(void *ud, const content_t *c, const char *json, size_t len,
                          const char *pack_dir, char *why, size_t whylen)
{
    return pack_fonts_ok(ud, c, json, len, why, whylen) &&
           app_pack_prompts_ok(c, pack_dir, audio_check_prompt, why, whylen);
}

/* The built-in pack, loaded once: the staff strings a pack lacks come from it. */
static const content_t *builtin_pack(app_t *a)
{
    content_error_t ce;
    if (!a->builtin) /* NULL when it does not load: load_pack() says why */
        (void)content_load((const char *)kiosk_builtin_pack, kiosk_builtin_pack_len,
                           "(built-in pack)", &a->builtin, &ce);
    return a->builtin;
}

/* Loads the pack to run: one staff installed from a stick (or the one before it), else the
 * configured one; when those are all unusable, the built-in pack with a notice for staff. */
static int load_pack(app_t *a, content_t **out, bool *fallback, char *err, size_t errlen)
{
    char dir[4096], src[4096] = "";
    app_data_dir(a->cfg, dir, sizeof dir);
    *fallback = false;
    int rc =
        packs_load(dir, a->cfg->pack_path, &a->pack_check, out, src, sizeof src, edge_log, NULL);
    if (rc == KIOSK_OK) {
        char packs[4200];
        snprintf(packs, sizeof packs, "%s/packs/", dir);
        snprintf(a->content_from, sizeof a->content_from, "%s",
                 strncmp(src, packs, strlen(packs)) == 0 ? "installed" : "configured");
        log_line("info", "content pack %s (%s %s)", src, content_id(*out), content_version(*out));
        content_set_fallback(*out, builtin_pack(a));
        /* Its prompts were checked with it (pack_check_fn), relative to its directory. */
        const char *slash = strrchr(src, '/');
        snprintf(a->pack_dir, sizeof a->pack_dir, "%.*s", slash ? (int)(slash - src) : 1,
                 slash ? src : ".");
        app_speech_set_pack_dir(&a->speech, a->pack_dir);
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
    char why[768];
    if (!pack_fonts_ok(a, *out, (const char *)kiosk_builtin_pack, kiosk_builtin_pack_len, why,
                       sizeof why))
        log_line("warn", "built-in pack: %s (install fonts-noto-cjk and fonts-noto-core)", why);
    return KIOSK_OK;
}

static int load_content(app_t *a)
{
    char err[1024];
    bool fallback;
    int rc = load_pack(a, &a->content, &fallback, err, sizeof err);
    if (rc == KIOSK_OK && fallback)
        snprintf(
            a->notice, sizeof a->notice, "%s",
            content_string(a->content, "notice.fallback", saving_notice_lang(a->cfg, a->content)));
    return rc;
}

/* Tells the content today's local date, so that activities that are over leave it; true when
 * what shows changed. KIOSK_TODAY=YYYY-MM-DD in the environment stands in for the clock's
 * date (tests, and staff previewing a pack); empty or malformed, the clock decides. */
static bool give_today(const app_t *a, content_t *c)
{
    const char *fixed = getenv("KIOSK_TODAY");
    clock_local_t l = {0};
    if (!fixed || sscanf(fixed, "%4d-%2d-%2d", &l.year, &l.month, &l.day) != 3) {
        if (!clock_local(a->wall.utc_ms, &l))
            return false;
    }
    return content_set_today(c, l.year, l.month, l.day);
}

static int app_reload_content(app_t *a, char *err, size_t errlen)
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
    give_today(a, c);
    int64_t now = now_ms(a);
    flow_t *f = flow_new(c, cfg->kiosk_id, now);
    if (f)
        flow_set_tap_guard(f, FLOW_TAP_GUARD_MS);
    if (!f) {
        content_free(c);
        snprintf(a->content_from, sizeof a->content_from, "%s", from);
        snprintf(err, errlen, "out of memory");
        return KIOSK_ENOMEM;
    }
    /* The kiosk's language stays, if the new pack has it. */
    if (!flow_set_home_lang(f, flow_lang(a->flow)) && cfg->lang)
        flow_set_home_lang(f, cfg->lang);
    flow_set_store_ok(f, a->saving.ok, now);
    if (a->ime_on)
        flow_set_ime(f, &a->ime);
    flow_free(a->flow);
    content_free(a->content);
    a->flow = f;
    a->content = c;
    a->notice[0] = '\0';
    a->dirty = true;
    return KIOSK_OK;
}

/* ---- the store ---- */

static void app_check_store(app_t *a)
{
    saving_check(&a->saving, a->flow, a->content, a->wall, now_ms(a), a->notice, sizeof a->notice);
    a->dirty = true;
    perform_op(a); /* a save that waited for the start-up check */
}

static void perform_op(app_t *a)
{
    if (saving_perform(&a->saving, a->flow, a->wall, now_ms(a))) {
        a->dirty = true;
        if (flow_screen(a->flow) != SCREEN_OUT_OF_SERVICE)
            app_speech_saved(&a->speech); /* the save returned: the earcon, never before */
    }
}

/* ---- opening hours and the attract screen ---- */

static void set_backlight(app_t *a, bool dim)
{
    const char *path = a->cfg->backlight_path;
    if (!path || !*path)
        return;
    char err[512];
    int rc;
    if (dim) {
        int max = 0;
        rc = system_backlight_get(a->sys, path, &a->backlight_saved, &max, err, sizeof err);
        if (rc == KIOSK_OK)
            rc = system_backlight_set_percent(a->sys, path, a->cfg->backlight_quiet_percent, err,
                                              sizeof err);
    } else {
        rc = a->backlight_saved > 0
                 ? system_backlight_set(a->sys, path, a->backlight_saved, err, sizeof err)
                 : KIOSK_OK;
    }
    if (rc != KIOSK_OK)
        log_line("warn", "backlight: %s", err);
}

/* The attract screen came or went: the backlight follows. */
static void attract_changed(app_t *a)
{
    bool on = a->quiet.attract;
    set_backlight(a, on);
    log_line("info", "%s", on ? "quiet: attract screen, dimmed" : "awake: home screen");
    printf("event=attract %s\n", on ? "on" : "off");
    fflush(stdout);
    a->dirty = true;
}

bool app_wake(app_t *a)
{
    if (!quiet_input(&a->quiet, now_ms(a)))
        return false;
    attract_changed(a);
    return true;
}

static void app_quiet_turn(app_t *a)
{
    bool idle_home = flow_screen(a->flow) == SCREEN_HOME && flow_overlay(a->flow) == OVERLAY_NONE &&
                     !staff_active(a);
    if (!quiet_process(&a->quiet, a->wall.utc_ms, now_ms(a), idle_home))
        return;
    if (a->quiet.attract)
        staff_host_fill_hours(&a->staff_host); /* the reopening time the screen shows */
    attract_changed(a);
}

/* When the centre opens again, for the attract screen (NULL: not known). */
static const char *quiet_reopens(const app_t *a)
{
    const staff_hours_t *h = &a->staff.hours;
    return h->quiet && h->until[0] ? h->until : NULL;
}

/* ---- drawing ---- */

static void screenshot_if_new(app_t *a)
{
    if (!a->cfg->shot_dir)
        return;
    const flow_t *f = a->flow;
    static const char *const screens[] = {"home", "question", "thanks", "out-of-service",
                                          "message"};
    static const char *const overlays[] = {"", "-idle", "-leave", "-display", "-language"};
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
                 a->quiet.attract ? "attract" : screens[flow_screen(f)], j ? "-" : "",
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
    int64_t t0 = clock_mono_us();
    int w, h;
    ui_logical_size(a->ui, &w, &h);
    mode_frame_t frame = {w,
                          h,
                          ui_metrics(a->ui),
                          now_ms(a),
                          a->content,
                          flow_lang(a->flow),
                          a->notice[0] ? a->notice : NULL,
                          a->quiet.attract ? quiet_reopens(a) : NULL,
                          a->wall.offset_min};
    active_mode_t m = app_active_mode(a);
    m.ops->build(m.self, a->view, &frame);
    /* The text edge measures in the view's language (its fonts, its direction): on a change,
     * build again so that what was measured is what is drawn. */
    const char *lang = a->view->lang[0] ? a->view->lang : frame.lang;
    const char *families[APP_FONT_FAMILIES];
    size_t nf = app_font_families(a->cfg, a->content, lang, families);
    if (ui_set_language(a->ui, lang, a->view->rtl, families, nf))
        m.ops->build(m.self, a->view, &frame);
    if (flow_focus(a->flow) == FLOW_FOCUS_START || flow_focus(a->flow) == FLOW_FOCUS_CANDIDATES)
        flow_set_focus(a->flow, a->view->focus_index);
    for (size_t i = 0; i < a->view->n; i++)
        if (a->view->w[i].overflow) {
            const char *t = a->view->w[i].text; /* its first 40 bytes, whole characters */
            size_t n = 0;
            while (t[n] && n + utf8_char_len(t + n) <= 40)
                n += utf8_char_len(t + n);
            log_line("warn", "text does not fit: \"%.*s\"", (int)n, t);
        }
    ui_draw(a->ui, a->view, a->pressed);
    /* handed off after the frame is drawn: speech never delays what the resident sees */
    app_speech_frame(&a->speech, a->flow, a->view, m.ops == &mode_residents);
    int64_t t1 = clock_mono_us();
    stats_frame_drawn(&a->stats, t1);
    if (!a->first_frame_done) {
        a->first_frame_done = true;
        printf("event=first-frame ms=%.1f mono_ns=%lld\n", (double)(t1 - a->started_us) / 1000.0,
               (long long)t1 * 1000);
        fflush(stdout);
    } else {
        stats_frame(&a->stats, t1 - t0);
    }
    screenshot_if_new(a);
    a->dirty = false;
}

/* ---- physical buttons ---- */

/* A certain button event: to the router, then (as for every input) the save it may have
 * asked for, and the frame showing it, before the next press is taken. */
static void on_button(const button_event_t *e, const pin_t *pin, const debounce_line_t *line,
                      void *user_data)
{
    app_t *a = user_data;
    router_button(a, e, pin, line);
    perform_op(a);
    if (a->dirty)
        redraw(a);
}

static void app_buttons_turn(app_t *a)
{
    button_input_process(&a->buttons, now_ms(a) * 1000000);
}

/* ---- staff sticks: the USB edge, between residents only ---- */

static bool on_stick_event(const usb_event_t *ev, void *ud)
{
    return router_stick_event(ud, ev);
}

static void wake_app_ui(void *ud)
{
    const app_t *a = ud;
    ui_wake(a->ui);
}

static void usb_open(app_t *a)
{
    const app_config_t *c = a->cfg;
    if (!c->usb_mount_dir || !c->org_sign_pk || !c->org_box_pk)
        return;
    /* The kiosk's own signing key lives next to its database (provisioning makes it). */
    char keydir[4096];
    snprintf(keydir, sizeof keydir, "%s", c->db_path);
    char *slash = strrchr(keydir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(keydir, sizeof keydir, ".");
    usb_sticks_config_t sc = {.mount_dir = c->usb_mount_dir,
                              .kiosk_id = c->kiosk_id,
                              .org_sign_pk = c->org_sign_pk,
                              .org_box_pk = c->org_box_pk,
                              .key_dir = keydir,
                              .watch = !a->script.file,
                              .wake = wake_app_ui,
                              .event = on_stick_event,
                              .log = edge_log,
                              .ud = a};
    a->usb = usb_sticks_open(&sc);
}

static void usb_close(app_t *a)
{
    usb_sticks_close(a->usb);
    a->usb = NULL;
}

static void usb_rescan(app_t *a)
{
    usb_sticks_rescan(a->usb);
}

static void usb_stick_inserted(app_t *a, const char *path)
{
    usb_sticks_insert(a->usb, path);
}

static void usb_process(app_t *a)
{
    if (!a->usb)
        return;
    if (usb_sticks_changed(a->usb))
        usb_sticks_rescan(a->usb);
    /* Sticks wait for the residents: never over a journey in progress. */
    screen_t s = flow_screen(a->flow);
    while (usb_sticks_pending(a->usb) && (s == SCREEN_HOME || s == SCREEN_MESSAGE ||
                                          s == SCREEN_THANKS || s == SCREEN_OUT_OF_SERVICE)) {
        int64_t wall = a->wall.utc_ms;
        usb_source_t src = usb_source_from_store(a->saving.store);
        usb_sticks_handle_next(a->usb, a->saving.store ? &src : NULL, wall);
        a->dirty = true;
        s = flow_screen(a->flow);
    }
}

/* ---- the staff screens' side of the app ---- */

static int64_t host_now_ms(void *ud)
{
    return now_ms(ud);
}

static record_time_t host_wall(void *ud)
{
    return app_wall(ud);
}

static int host_reload_content(void *ud, char *err, size_t errlen)
{
    return app_reload_content(ud, err, errlen);
}

static void host_reopen_store(void *ud)
{
    app_check_store(ud);
}

/* What staff_screens.c works on: pointers into the app's state, for the run. */
static void staff_host_open(app_t *a)
{
    a->staff_host = (staff_host_t){.staff = &a->staff,
                                   .pack_check = &a->pack_check,
                                   .cfg = a->cfg,
                                   .sys = a->sys,
                                   .logring = a->logring,
                                   .ui = a->ui,
                                   .buttons = &a->buttons,
                                   .saving = &a->saving,
                                   .quiet = &a->quiet,
                                   .content = &a->content,
                                   .flow = &a->flow,
                                   .content_from = a->content_from,
                                   .usb = &a->usb,
                                   .wall = &a->wall,
                                   .dirty = &a->dirty,
                                   .quit = &a->quit,
                                   .audio = a->audio,
                                   .volume = &a->volume,
                                   .speaker = &a->speech.sp,
                                   .now_ms = host_now_ms,
                                   .read_wall = host_wall,
                                   .reload_content = host_reload_content,
                                   .reopen_store = host_reopen_store,
                                   .ud = a};
}

/* ---- scripted runs ---- */

static void script_buttons_turn(void *ud)
{
    app_buttons_turn(ud);
}

static void script_stick(void *ud, const char *path)
{
    if (path)
        usb_stick_inserted(ud, path);
    else
        usb_rescan(ud);
}

static void script_audio_added(void *ud)
{
    router_audio_device_added(ud);
}

/* What script.c works on: pointers into the app's state, for the run. */
static void script_open(app_t *a)
{
    FILE *file = a->script.file;
    a->script = (script_t){.file = file,
                           .cfg = a->cfg,
                           .ui = a->ui,
                           .view = a->view,
                           .flow = &a->flow,
                           .staff = &a->staff,
                           .quiet = &a->quiet,
                           .notice = a->notice,
                           .virtual_ms = &a->virtual_ms,
                           .wall_shift_ms = &a->wall_shift_ms,
                           .wall_synced = &a->wall_synced,
                           .buttons = &a->buttons,
                           .exit_status = &a->exit_status,
                           .quit = &a->quit,
                           .buttons_turn = script_buttons_turn,
                           .stick = script_stick,
                           .audio_added = script_audio_added,
                           .hold_check = &a->saving.hold_check,
                           .ud = a};
}

/* ---- input methods ---- */

/* Opens pinyin and handwriting when the configuration asks for them; what is missing is
 * logged and told to staff on the home screen, and text questions keep Latin letters. */
static void ime_open(app_t *a)
{
    if (!a->cfg->input_methods)
        return;
#ifdef KIOSK_HAVE_IME
    const char *dir = a->cfg->rime_dir;
    if (!dir)
        dir = access(KIOSK_RIME_INSTALLED_DIR, R_OK) == 0 ? KIOSK_RIME_INSTALLED_DIR
                                                          : KIOSK_RIME_BUILD_DIR;
    ime_config_t ic = {IME_RIME_SHARED_DIR, dir, IME_ZINNIA_MODEL};
    char err[1024] = "";
    int have = ime_engines_open(&ic, &a->ime, &a->ime_handle, err, sizeof err);
    if (have > 0) {
        a->ime_on = true;
        flow_set_ime(a->flow, &a->ime);
        log_line("info", "input methods:%s%s", have & IME_HAVE_PINYIN ? " pinyin" : "",
                 have & IME_HAVE_HANDWRITING ? " handwriting" : "");
    }
    if (err[0]) {
        log_line("error", "input methods: %s", err);
        if (!a->notice[0])
            snprintf(a->notice, sizeof a->notice, "%s",
                     content_string(a->content, "notice.ime_missing",
                                    saving_notice_lang(a->cfg, a->content)));
    }
#else
    log_line("error", "input methods: this kiosk was built without librime and zinnia");
    snprintf(
        a->notice, sizeof a->notice, "%s",
        content_string(a->content, "notice.ime_missing", saving_notice_lang(a->cfg, a->content)));
#endif
}

static void ime_close(app_t *a)
{
#ifdef KIOSK_HAVE_IME
    ime_engines_close(a->ime_handle);
#endif
    a->ime_handle = NULL;
}

/* ---- the loop ---- */

static int wait_timeout(const app_t *a)
{
    int64_t now = now_ms(a);
    int64_t deadline = flow_next_deadline(a->flow);
    int64_t b = button_input_deadline_ms(&a->buttons);
    if (b < deadline)
        deadline = b;
    b = staff_next_deadline(&a->staff, now);
    if (b < deadline)
        deadline = b;
    b = quiet_deadline(&a->quiet, now);
    if (b < deadline)
        deadline = b;
    b = saving_deadline(&a->saving);
    if (b < deadline)
        deadline = b;
    int64_t t = deadline == INT64_MAX ? -1 : deadline - now;
    if (t < 0 && deadline != INT64_MAX)
        t = 0;
    if (flow_overlay(a->flow) == OVERLAY_IDLE && (t < 0 || t > ANIMATION_FRAME_MS))
        t = ANIMATION_FRAME_MS; /* the countdown bar moves */
    /* An idle kiosk still wakes to ping the service watchdog. */
    int64_t w = system_watchdog_due_ms(a->sys, clock_mono_ms());
    if (w >= 0 && (t < 0 || t > w))
        t = w;
    return t > 3600000 ? 3600000 : (int)t;
}

/* What the service manager shows in `systemctl status`, and READY=1 once the first frame is
 * on the screen and the database is open (checked, and set aside and salvaged if damaged). */
static void service_report(app_t *a, bool *ready, int *reported)
{
    int state = !a->saving.store ? 0 : a->saving.ok ? 1 : 2;
    if (*ready && state == *reported)
        return;
    static const char *const text[] = {"out of service: the database cannot be opened",
                                       "taking answers",
                                       "out of service: not enough free space for the database"};
    if (!*ready && a->first_frame_done && a->saving.store) {
        *ready = true;
        system_notify(a->sys, "READY=1\nSTATUS=%s (%s)", text[state], a->cfg->db_path);
    } else if (state != *reported) {
        system_notify(a->sys, "STATUS=%s (%s)", text[state], a->cfg->db_path);
    }
    *reported = state;
}

/* SIGTERM (the service manager), SIGINT or SIGHUP: a save the resident already sent is
 * finished, an unfinished session is abandoned (its answers wiped, counted as when the resident
 * walks away), and the loop ends; app_run closes the database cleanly. */
static void stop_gracefully(app_t *a, int sig)
{
    system_notify(a->sys, "STOPPING=1\nSTATUS=stopping (%s)", strsignal(sig));
    log_line("info", "%s: stopping", strsignal(sig));
    perform_op(a);
    flow_abandon(a->flow, now_ms(a));
    saving_count_outcomes(&a->saving, a->flow, a->wall);
    a->quit = true;
}

static void loop(app_t *a)
{
    screen_t last_screen = flow_screen(a->flow);
    bool ready = false;
    int reported = -1;
    while (!a->quit) {
        a->wall = app_wall(a);
        int sig = system_stop_signal(a->sys);
        if (sig) {
            stop_gracefully(a, sig);
            break;
        }
        system_watchdog(a->sys, clock_mono_ms());
        app_buttons_turn(a);
        usb_process(a);
        perform_op(a);
        staff_host_process(&a->staff_host);
        saving_count_outcomes(&a->saving, a->flow, a->wall);
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
            saving_count_outcomes(&a->saving, a->flow, a->wall);
            redraw(a);
        }
        if (saving_due(&a->saving, now, a->script.file != NULL))
            app_check_store(a);
        screen_t s = flow_screen(a->flow);
        if ((s == SCREEN_HOME && last_screen != SCREEN_HOME) ||
            (s == SCREEN_HOME && a->saving.store &&
             now - a->saving.retention_ms >= SAVING_RETENTION_EVERY_MS))
            app_check_store(a); /* before the next resident starts; and hourly retention */
        last_screen = flow_screen(a->flow);
        if (last_screen == SCREEN_HOME && give_today(a, a->content))
            a->dirty = true; /* a new day: activities that are over leave the screen */
        app_quiet_turn(a);
        if (flow_overlay(a->flow) == OVERLAY_IDLE)
            a->dirty = true;
        if (a->dirty)
            redraw(a);
        service_report(a, &ready, &reported);
        ui_event_t ev;
        if (a->script.file) {
            if (ui_wait_event(a->ui, 0, &ev)) {
                router_ui_event(a, &ev);
                continue;
            }
            if (flow_pending_op(a->flow, &(record_t *){NULL}) != OP_NONE &&
                !saving_held(&a->saving))
                continue;
            if (a->quit || !script_step(&a->script))
                break;
            continue;
        }
        ui_wait_event(a->ui, wait_timeout(a), &ev);
        a->wall = app_wall(a); /* the wait may have lasted an hour */
        router_ui_event(a, &ev);
    }
}

/* --out-of-order: where a crash loop ends (kiosk-out-of-order.service, started by the kiosk
 * unit's OnFailure=). Only the built-in pack and the display: no database, no buttons, no
 * sticks, nothing that may have made the kiosk crash. The out-of-service screen stays, input
 * is ignored, and the process sleeps until it is stopped. */
static int run_out_of_order(const app_config_t *cfg, system_t *sys)
{
    app_t a = {.cfg = cfg,
               .sys = sys,
               .pressed = -1,
               .wall_synced = -1,
               .started_us = cfg->started_us ? cfg->started_us : clock_mono_us()};
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
    a.flow = flow_new(a.content, cfg->kiosk_id, clock_mono_ms());
    if (!a.view || !a.flow) {
        log_line("error", "out of memory");
        goto out;
    }
    if (cfg->lang)
        flow_set_home_lang(a.flow, cfg->lang);
    flow_set_store_ok(a.flow, false, clock_mono_ms());
    ui_config_t uc = {cfg->width,    cfg->height, cfg->rotation, cfg->fullscreen,
                      cfg->headless, cfg->font,   cfg->font_bold};
    if (ui_open(&uc, &a.ui, err, sizeof err) != KIOSK_OK) {
        log_line("error", "%s", err);
        goto out;
    }
    system_watch_signals(a.sys, wake_ui, a.ui);
    log_line("warn", "out of order: the kiosk stopped too often; showing the out-of-order screen");
    redraw(&a);
    system_notify(a.sys, "READY=1\nSTATUS=out of order (the kiosk stopped too often; see its log)");
    int sig;
    while (!(sig = system_stop_signal(a.sys))) {
        system_watchdog(a.sys, clock_mono_ms());
        ui_event_t ev;
        int64_t due = system_watchdog_due_ms(a.sys, clock_mono_ms());
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
                flow_activate(a.flow, ACT_LANG, 0, NULL, clock_mono_ms());
            a.pressed = -1;
        }
        if (ev.kind == UI_EV_LANG)
            flow_activate(a.flow, ACT_LANG, 0, NULL, clock_mono_ms());
        if (ev.kind == UI_EV_REDRAW || ev.kind == UI_EV_PRESS || ev.kind == UI_EV_RELEASE ||
            ev.kind == UI_EV_LANG)
            redraw(&a);
    }
    system_notify(a.sys, "STOPPING=1\nSTATUS=stopping");
    if (sig)
        log_line("info", "%s: stopping", strsignal(sig));
    status = 0;
    system_unwatch_signals(a.sys);
    ui_close(a.ui);
out:
    flow_free(a.flow);
    free(a.view);
    content_free(a.content);
    content_free(a.builtin);
    return status;
}

/* Sound through the audio edge when there is a device (else silent), at the technician's
 * level or the configuration's; scripted and headless runs also print what is said. */
static void open_sound(app_t *a)
{
    const app_config_t *cfg = a->cfg;
    audio_config_t ac = {cfg->audio_device, cfg->has_audio_volume ? cfg->audio_volume : 80,
                         !cfg->earcons_off, NULL, 0};
    a->staff.volume = STAFF_NO_AUDIO;
    if (cfg->speech != CONFIG_SPEECH_OFF || !cfg->earcons_off) {
        char aerr[256], dir[4096];
        app_data_dir(cfg, dir, sizeof dir);
        if (audio_open(&ac, &a->audio, aerr, sizeof aerr) != KIOSK_OK)
            log_line("info", "no sound: %s", aerr);
        else { /* the technician's level, when the configuration has not changed since */
            a->staff.volume = volume_start(&a->volume, dir, ac.volume);
            audio_set_volume(a->audio, a->staff.volume);
        }
        ui_forget_audio_devices(a->ui); /* those there at start are not a headset plugged in */
    }
    speaker_t sp =
        speaker_tee(&a->speaker_tee, a->audio ? speaker_from_audio(a->audio) : (speaker_t){0},
                    cfg->headless || cfg->script_path ? speaker_events(stdout) : (speaker_t){0});
    app_speech_init(&a->speech, sp, !cfg->earcons_off, cfg->speech == CONFIG_SPEECH_OFF,
                    cfg->speech == CONFIG_SPEECH_ALWAYS);
    app_speech_set_pack_dir(&a->speech, a->pack_dir);
}

static int run(const app_config_t *cfg, system_t *sys, logring_t *ring)
{
    app_t a = {.cfg = cfg,
               .sys = sys,
               .logring = ring,
               .pressed = -1,
               .quiet.hours = cfg->hours,
               .stats.on = cfg->stats,
               .saving = {.cfg = cfg, .ok = true, .wake = wake_app_ui, .wake_ud = &a},
               .virtual_ms = 1000000,
               .wall_synced = -1,
               .started_us = cfg->started_us ? cfg->started_us : clock_mono_us()};
    a.staff.focus = -1;
    int status = 1;
    char err[1024];
    if (cfg->script_path && !(a.script.file = fopen(cfg->script_path, "r"))) {
        log_line("error", "%s: cannot open script: %s", cfg->script_path, strerror(errno));
        return 1;
    }
    a.saving.hold_check = startup_check_script_holds(a.script.file);
    if (cfg->shot_dir && mkdir(cfg->shot_dir, 0755) != 0 && errno != EEXIST) {
        log_line("error", "%s: cannot create screenshot directory: %s", cfg->shot_dir,
                 strerror(errno));
        goto out_script;
    }
    /* The window first: a pack is checked against the fonts the UI draws with. */
    ui_config_t uc = {cfg->width,    cfg->height, cfg->rotation, cfg->fullscreen,
                      cfg->headless, cfg->font,   cfg->font_bold};
    if (ui_open(&uc, &a.ui, err, sizeof err) != KIOSK_OK) {
        log_line("error", "%s", err);
        goto out_script;
    }
    a.pack_check = (pack_check_t){pack_check_fn, &a};
    if (load_content(&a) != KIOSK_OK) {
        ui_close(a.ui);
        goto out_script;
    }
    content_set_timing(a.content, cfg->idle_timeout_s, cfg->idle_countdown_s,
                       cfg->misuse_interval_s);
    a.view = calloc(1, sizeof *a.view);
    a.flow = flow_new(a.content, cfg->kiosk_id, now_ms(&a));
    if (a.flow)
        flow_set_tap_guard(a.flow, FLOW_TAP_GUARD_MS); /* a double tap records one answer */
    if (!a.view || !a.flow) {
        log_line("error", "out of memory");
        goto out_ui;
    }
    open_sound(&a);
    if (cfg->lang && !flow_set_home_lang(a.flow, cfg->lang))
        log_line("warn", "language '%s' is not in the pack; using '%s'", cfg->lang,
                 flow_lang(a.flow));
    system_watch_signals(a.sys, wake_ui, a.ui);
    int lw, lh;
    ui_logical_size(a.ui, &lw, &lh);
    log_line("info", "display %dx%d (rotation %d, video driver %s)", lw, lh, cfg->rotation,
             ui_driver(a.ui));
    ime_open(&a);
    a.wall = app_wall(&a);
    give_today(&a, a.content);
    a.dirty = true;
    redraw(&a);          /* the first frame, before the check's reads compete with its own */
    app_check_store(&a); /* the start-up check begins (startup_check.h); saves wait for it */
    button_input_open(&a.buttons, cfg->buttons, a.script.file != NULL, now_ms(&a) * 1000000,
                      wake_ui, a.ui, on_button, &a);
    usb_open(&a);
    staff_host_open(&a);
    script_open(&a);
    /* the first boot after provisioning: the technician's checks */
    if (staff_host_self_test_due(&a.staff_host) && saving_due(&a.saving, now_ms(&a), true))
        app_check_store(&a); /* its storage check is of the checked database */
    staff_host_self_test_at_start(&a.staff_host);
    a.quiet.last_input_ms = now_ms(&a); /* the attract screen's minute starts now */
    loop(&a);
    if (!system_stop_signal(a.sys)) /* the technician's restart, a window closed, a script's end */
        system_notify(a.sys, "STOPPING=1\nSTATUS=stopping");
    stats_print(&a.stats);
    status = a.exit_status;
    usb_close(&a);
    button_input_close(&a.buttons);
    system_unwatch_signals(a.sys);
out_ui:
    saving_close(&a.saving); /* first: the start-up check's thread may still wake the ui */
    if (a.audio)
        audio_close(a.audio);
    ui_close(a.ui);
    flow_free(a.flow);
    ime_close(&a);
    free(a.view);
    content_free(a.content);
    content_free(a.builtin);
    stats_free(&a.stats);
out_script:
    if (a.script.file)
        fclose(a.script.file);
    return status;
}

int app_run(const app_config_t *cfg)
{
    logring_t *ring = logring_new(); /* NULL without memory: the log page stays empty */
    log_set_ring(ring);
    /* first: blocks the stop signals before any thread starts */
    system_t *sys = system_open(NULL, edge_log, NULL);
    int status = 1;
    if (!sys)
        log_line("error", "out of memory");
    else
        status = cfg->out_of_order ? run_out_of_order(cfg, sys) : run(cfg, sys, ring);
    system_close(sys);
    log_set_ring(NULL);
    logring_free(ring);
    return status;
}
