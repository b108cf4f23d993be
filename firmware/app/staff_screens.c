/* The app's side of the staff screens (see staff_screens.h): the PIN check (libsodium, through
 * the crypto edge), the log of wrong PINs, what the pages show and the work they hand over.
 * The state machine itself is core/staff.c; the ways in and out are the router's. */
#include "app/staff_screens.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "app/log.h"
#include "core/kerr.h"
#include "core/mode.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "system/clock.h"
#include "system/sysinfo.h"
#include "system/system.h"
#include "usb/packs.h"
#ifdef KIOSK_HAVE_GPIO
#include "buttons/gpio.h"
#endif

int app_hash_pin(FILE *in)
{
    char pin[64] = "";
    if (!fgets(pin, sizeof pin, in)) {
        fprintf(stderr, "kiosk: --hash-pin reads the PIN from standard input; none given\n");
        return 2;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    size_t n = strlen(pin);
    bool digits = n >= STAFF_PIN_MIN && n <= STAFF_PIN_MAX && strspn(pin, "0123456789") == n;
    char hash[CRYPTO_PIN_HASH_BYTES];
    int rc = digits && crypto_init() == KIOSK_OK ? crypto_pin_hash(pin, hash) : KIOSK_EINVAL;
    memset(pin, 0, sizeof pin);
    if (!digits) {
        fprintf(stderr, "kiosk: a staff PIN is %d to %d digits\n", STAFF_PIN_MIN, STAFF_PIN_MAX);
        return 2;
    }
    if (rc != KIOSK_OK) {
        fprintf(stderr, "kiosk: cannot hash the PIN: %s\n", kiosk_strerror(rc));
        return 2;
    }
    printf("%s\n", hash);
    return 0;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Damaged databases set aside next to ours ("<db>.corrupt-<stamp>", never deleted). */
static int64_t count_moved_aside(const char *db_path)
{
    char dir_buf[4096], base_buf[4096];
    snprintf(dir_buf, sizeof dir_buf, "%s", db_path);
    snprintf(base_buf, sizeof base_buf, "%s", db_path);
    const char *dir = dirname(dir_buf), *base = basename(base_buf);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s.corrupt-", base);
    size_t pl = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int64_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        bool side = l > 4 && (strcmp(e->d_name + l - 4, "-wal") == 0 ||
                              strcmp(e->d_name + l - 4, "-shm") == 0);
        if (strncmp(e->d_name, prefix, pl) == 0 && !side)
            n++;
    }
    closedir(d);
    return n;
}

/* The store's figures (store_staff_stats()), kept while the database has not changed and the
 * day is the same: pages opened and Back show them again without asking the store. */
static void fill_store_figures(staff_host_t *h, bool again)
{
    staff_stats_t *s = &h->staff->stats;
    const record_time_t t = *h->wall;
    const int64_t day = clock_local_midnight_ms(t.utc_ms), week = t.utc_ms - 7LL * 86400000;
    store_t *st = h->saving->store;
    int64_t own = -1, others = -1;
    if (st && store_changes(st, &own, &others) != KIOSK_OK)
        own = others = -1;
    const bool same = again && h->figures_kept && st == h->figures_store && own >= 0 &&
                      own == h->figures_own && others == h->figures_others && day == h->figures_day;
    if (same)
        return;
    h->figures_kept = false;
    if (!st || store_staff_stats(st, day, week, s) != KIOSK_OK) {
        log_line("warn", "staff screen: cannot read the figures: %s",
                 st ? store_errmsg(st) : "no database");
        s->records_today = s->records_week = s->not_exported = s->requests_waiting =
            s->misuse_flagged = s->timed_out_week = -1;
    }
    printf("event=figures today=%lld week=%lld not_exported=%lld requests=%lld timed_out=%lld\n",
           (long long)s->records_today, (long long)s->records_week, (long long)s->not_exported,
           (long long)s->requests_waiting, (long long)s->timed_out_week);
    fflush(stdout);
    if (s->records_today < 0)
        return;
    h->figures_kept = true;
    h->figures_store = st;
    h->figures_own = own;
    h->figures_others = others;
    h->figures_day = day;
}

/* The figures from the file system and the clock (cheap: every time). */
static void fill_other_figures(staff_host_t *h)
{
    staff_stats_t *s = &h->staff->stats;
    const record_time_t t = *h->wall;
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", h->cfg->db_path);
    s->db_bytes = file_size(h->cfg->db_path) + file_size(wal);
    char dir_buf[4096];
    snprintf(dir_buf, sizeof dir_buf, "%s", h->cfg->db_path);
    struct statvfs vfs;
    s->free_bytes =
        statvfs(dirname(dir_buf), &vfs) == 0 ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize : -1;
    s->last_check_ms = h->saving->checked_utc_ms;
    s->now_ms = t.utc_ms;
    s->clock_synced = t.clock_synced;
    s->moved_aside = count_moved_aside(h->cfg->db_path);
    s->retention_held = h->saving->retention_held;
}

void staff_host_fill_stats(staff_host_t *h)
{
    memset(&h->staff->stats, 0, sizeof h->staff->stats);
    fill_store_figures(h, false);
    fill_other_figures(h);
}

/* Erases the contact details a staff member confirmed, for a resident who asked. */
static void perform_erase(staff_host_t *h, const char *ref)
{
    int rc = h->saving->store ? store_erase_contact(h->saving->store, ref) : KIOSK_EIO;
    erase_result_t result = ERASE_FAILED;
    if (rc == KIOSK_OK || rc == KIOSK_EBUSY) {
        /* EBUSY: erased, only the checkpoint that scrubs the WAL waits for the next one. */
        result = ERASE_DONE;
        log_line("info", "contact details of request %s erased by staff at the kiosk", ref);
    } else if (rc == KIOSK_ENOENT) {
        result = ERASE_NOT_FOUND;
        log_line("info", "staff asked to erase request %s: no contact details found", ref);
    } else {
        log_line("error", "cannot erase the contact details of request %s: %s", ref,
                 h->saving->store ? store_errmsg(h->saving->store) : "no database");
    }
    printf("event=erase ref=%s result=%s\n", ref,
           result == ERASE_DONE        ? "erased"
           : result == ERASE_NOT_FOUND ? "not-found"
                                       : "failed");
    fflush(stdout);
    staff_erase_done(h->staff, result, h->now_ms(h->ud));
    staff_host_fill_stats(h);
    *h->dirty = true;
}

/* ---- what the pages show ---- */

void staff_host_fill_content(staff_host_t *h)
{
    staff_content_t *c = &h->staff->content;
    snprintf(c->active_id, sizeof c->active_id, "%s", content_id((*h->content)));
    snprintf(c->active_version, sizeof c->active_version, "%s", content_version((*h->content)));
    snprintf(c->active_from, sizeof c->active_from, "%s", h->content_from);
    c->previous_id[0] = c->previous_version[0] = '\0';
    char dir[4096];
    app_data_dir(h->cfg, dir, sizeof dir);
    pack_candidate_t prev;
    if (packs_previous(dir, &prev) == KIOSK_OK && prev.ok) {
        snprintf(c->previous_id, sizeof c->previous_id, "%s", prev.id);
        snprintf(c->previous_version, sizeof c->previous_version, "%s", prev.version);
    }
    const char *stick = usb_sticks_content_stick(*h->usb);
    c->stick = stick != NULL;
    c->npacks = 0;
    if (!stick)
        return;
    pack_candidate_t *found = calloc(STAFF_MAX_PACKS, sizeof *found); /* large for the stack */
    char err[512] = "out of memory";
    int n = found ? packs_scan(stick, found, STAFF_MAX_PACKS, h->pack_check, err, sizeof err) : -1;
    if (n < 0) {
        log_line("warn", "content: cannot read the packs on the stick: %s", err);
        n = 0;
    }
    for (int i = 0; i < n; i++) {
        staff_pack_t *p = &c->packs[i];
        /* Names and messages from the stick are shown with care (cut on a character,
         * anything odd replaced); the reason without the stick's directory. */
        utf8_copy_safe(p->name, sizeof p->name, found[i].name);
        utf8_copy_safe(p->id, sizeof p->id, found[i].id);
        utf8_copy_safe(p->version, sizeof p->version, found[i].version);
        /* The reason, without the file and the JSON path (the log and the technician's log
         * page have them whole). */
        const char *why = found[i].error, *colon;
        while ((colon = strstr(why, ": ")) != NULL)
            why = colon + 2;
        utf8_copy_safe(p->why, sizeof p->why, why);
        p->ok = found[i].ok;
        if (!p->ok)
            log_line("warn", "content: pack refused: %s", found[i].error);
    }
    c->npacks = (size_t)n;
    free(found);
}

static void fill_tech(staff_host_t *h)
{
    staff_tech_t *t = &h->staff->tech;
    snprintf(t->kiosk_id, sizeof t->kiosk_id, "%s", h->cfg->kiosk_id ? h->cfg->kiosk_id : "");
    int w, ht;
    ui_logical_size(h->ui, &w, &ht);
    snprintf(t->display, sizeof t->display, "%dx%d, rotation %d°, %s", w, ht, h->cfg->rotation,
             ui_driver(h->ui));
    char ui_v[64], gpio_v[48] = "";
    ui_versions(ui_v, sizeof ui_v);
#ifdef KIOSK_HAVE_GPIO
    snprintf(gpio_v, sizeof gpio_v, " · %s", gpio_library_version());
#endif
    snprintf(t->versions, sizeof t->versions, "kiosk %s · %s · SQLite %s · libsodium %s%s",
             h->cfg->version ? h->cfg->version : "?", ui_v, store_library_version(),
             crypto_library_version(), gpio_v);
    /* One line: "os: Debian ...\nkernel: 6.1...\nhostname: x\nuptime: 3 d" as
     * "Debian ... · kernel 6.1... · x · up 3 d". */
    char os[512];
    system_os(h->sys, os, sizeof os);
    char *o = t->system, *end = t->system + sizeof t->system - 1;
    static const char *const labels[] = {"os: ", "kernel: ", "hostname: ", "uptime: "};
    static const char *const shown[] = {"", "kernel ", "", "up "};
    int line = 0;
    for (char *save = NULL, *l = strtok_r(os, "\n", &save); l && o < end;
         l = strtok_r(NULL, "\n", &save), line++) {
        for (int k = 0; k < 4; k++)
            if (strncmp(l, labels[k], strlen(labels[k])) == 0) {
                o += snprintf(o, (size_t)(end - o) + 1, "%s%s%s", line ? " · " : "", shown[k],
                              l + strlen(labels[k]));
                break;
            }
        if (o > end)
            o = end;
    }
    *o = '\0';
    system_network(h->sys, t->network, sizeof t->network);
    char lines[STAFF_LOG_LINES][LOGRING_LINE_MAX];
    size_t n = logring_last(h->logring, STAFF_LOG_LINES, lines);
    for (size_t i = 0; i < n; i++)
        utf8_copy_safe(t->log[i], sizeof t->log[i], lines[i]);
    t->nlog = n;
    button_input_fill_test(h->buttons, &h->staff->tech);
}

/* The hours page's facts (and the attract screen's reopening time) now. */
void staff_host_fill_hours(staff_host_t *h)
{
    quiet_fill_hours(h->quiet, h->wall->utc_ms, *h->content, flow_lang(*h->flow), &h->staff->hours);
}

/* Everything the pages show, read when the screens open and when a page is opened (again:
 * the store's figures only when the database changed since). */
static void refresh(staff_host_t *h, bool again)
{
    if (again) {
        fill_store_figures(h, true);
        fill_other_figures(h);
    } else {
        staff_host_fill_stats(h);
    }
    staff_host_fill_content(h);
    staff_host_fill_hours(h);
    if (h->staff->role == STAFF_ROLE_TECHNICIAN)
        fill_tech(h);
}

void staff_host_refresh(staff_host_t *h)
{
    refresh(h, false);
}

/* The clock page starts from the kiosk's local time. */
static void start_clock(staff_host_t *h)
{
    clock_local_t l;
    if (clock_local(h->wall->utc_ms, &l))
        staff_clock_start(h->staff, l.year, l.month, l.day, l.hour, l.minute);
}

static void self_test_end(staff_host_t *h, const char *how);

/* ---- the work pages hand over ---- */

static void perform_pack(staff_host_t *h, bool rollback)
{
    char dir[4096], err[600], msg[sizeof h->staff->result];
    app_data_dir(h->cfg, dir, sizeof dir);
    int rc;
    const char *stick = usb_sticks_content_stick(*h->usb);
    int i = h->staff->chosen_pack;
    if (rollback) {
        rc = packs_rollback(dir, err, sizeof err);
    } else if (!stick || i < 0 || (size_t)i >= h->staff->content.npacks) {
        rc = KIOSK_ENOENT;
        snprintf(err, sizeof err, "the stick was removed");
    } else {
        char src[4096];
        snprintf(src, sizeof src, "%s/%s/%s", stick, PACKS_STICK_DIR,
                 h->staff->content.packs[i].name);
        /* The first switch keeps the provisioned pack to go back to: it is installed first,
         * so that it becomes the previous one. */
        if (strcmp(h->content_from, "configured") == 0 && h->cfg->pack_path &&
            packs_install(dir, h->cfg->pack_path, h->pack_check, err, sizeof err) != KIOSK_OK)
            log_line("warn", "content: the provisioned pack is not kept to go back to: %s", err);
        rc = packs_install(dir, src, h->pack_check, err, sizeof err);
    }
    if (rc == KIOSK_OK)
        rc = h->reload_content(h->ud, err, sizeof err);
    const char *names[] = {"name", "why"};
    char name[128];
    snprintf(name, sizeof name, "%s %s", content_id((*h->content)), content_version((*h->content)));
    const char *values[] = {name, err};
    if (rc == KIOSK_OK) {
        log_line("info", "content pack %s by staff: now %s", rollback ? "rolled back" : "switched",
                 name);
        content_fill_vars(
            msg, sizeof msg,
            content_string((*h->content), "staff.content_switched", flow_lang((*h->flow))), 2,
            names, values);
    } else {
        log_line("error", "content pack not %s: %s", rollback ? "rolled back" : "switched", err);
        content_fill_vars(
            msg, sizeof msg,
            content_string((*h->content), "staff.content_failed", flow_lang((*h->flow))), 2, names,
            values);
    }
    printf("event=pack action=%s result=%s pack=%s\n", rollback ? "rollback" : "install",
           rc == KIOSK_OK ? "ok" : "failed", name);
    fflush(stdout);
    staff_work_done(h->staff, rc == KIOSK_OK, msg, h->now_ms(h->ud));
    staff_host_fill_content(h);
}

/* Sets the system clock to the local date and time staff chose: through the configured
 * command (e.g. timedatectl set-time), or clock_settime (the service has CAP_SYS_TIME). */
static int set_clock(staff_host_t *h, char *err, size_t errlen)
{
    const int *c = h->staff->clock;
    char when[32];
    snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:00", c[CLOCK_YEAR], c[CLOCK_MONTH],
             c[CLOCK_DAY], c[CLOCK_HOUR], c[CLOCK_MINUTE]);
    if (h->cfg->set_clock_cmd && h->cfg->set_clock_cmd[0]) {
        const char *argv[APP_CMD_MAX + 2];
        size_t n = 0;
        for (; h->cfg->set_clock_cmd[n] && n < APP_CMD_MAX; n++)
            argv[n] = h->cfg->set_clock_cmd[n];
        argv[n++] = when;
        argv[n] = NULL;
        return system_run(h->sys, argv, 10000, err, errlen);
    }
    clock_local_t local = {c[CLOCK_YEAR], c[CLOCK_MONTH],  c[CLOCK_DAY],
                           c[CLOCK_HOUR], c[CLOCK_MINUTE], 0};
    return clock_set_local(&local, err, errlen);
}

static void perform_clock(staff_host_t *h)
{
    char err[600] = "", msg[sizeof h->staff->result];
    const int *c = h->staff->clock;
    record_time_t before = (*h->wall);
    int rc = set_clock(h, err, sizeof err);
    *h->wall = h->read_wall(h->ud); /* the figures below count days by the new time */
    const char *lang = flow_lang((*h->flow));
    /* Staff set the time looking at a clock they trust: retention may run up to it. */
    if (rc == KIOSK_OK && h->saving->store &&
        store_confirm_time(h->saving->store, h->wall->utc_ms, h->wall->mono_ms, true) != KIOSK_OK)
        log_line("error", "cannot keep the confirmed time: %s", store_errmsg(h->saving->store));
    if (rc == KIOSK_OK) {
        log_line("warn",
                 "clock set by staff to %04d-%02d-%02d %02d:%02d local (it was not synchronised; "
                 "was %lld ms UTC)",
                 c[CLOCK_YEAR], c[CLOCK_MONTH], c[CLOCK_DAY], c[CLOCK_HOUR], c[CLOCK_MINUTE],
                 (long long)before.utc_ms);
        snprintf(msg, sizeof msg, "%s", content_string((*h->content), "staff.clock_done", lang));
    } else {
        log_line("error", "staff could not set the clock: %s", err);
        const char *names[] = {"why"}, *values[] = {err};
        content_fill_vars(msg, sizeof msg,
                          content_string((*h->content), "staff.clock_failed", lang), 1, names,
                          values);
    }
    printf("event=clock result=%s\n", rc == KIOSK_OK ? "set" : "failed");
    fflush(stdout);
    staff_work_done(h->staff, rc == KIOSK_OK, msg, h->now_ms(h->ud));
    staff_host_fill_stats(h);
}

static void perform_power(staff_host_t *h, staff_work_t work)
{
    static const char *const names[] = {"restart", "reboot", "poweroff"};
    int k = work == STAFF_WORK_REBOOT ? 1 : work == STAFF_WORK_POWEROFF ? 2 : 0;
    const char *const *cmd = k == 0   ? h->cfg->restart_cmd
                             : k == 1 ? h->cfg->reboot_cmd
                                      : h->cfg->poweroff_cmd;
    log_line("warn", "technician asked to %s the kiosk", names[k]);
    printf("event=power action=%s\n", names[k]);
    fflush(stdout);
    char err[600] = "";
    int rc = KIOSK_OK;
    if (k == 0 && (!cmd || !cmd[0])) {
        /* Restart: a clean exit (the database closed, the screens torn down); the service
         * manager starts the kiosk again (Restart=always). */
        staff_work_done(h->staff, true, "", h->now_ms(h->ud));
        staff_close(h->staff);
        *h->quit = true;
        return;
    }
    /* The database is closed cleanly first (checkpointed, the unclean-stop marker removed): the
     * system may stop us at any moment after. It opens again if the command fails. */
    saving_close(h->saving);
    static const system_power_t actions[] = {SYSTEM_RESTART, SYSTEM_REBOOT, SYSTEM_POWEROFF};
    rc = system_power(h->sys, actions[k], cmd, err, sizeof err);
    if (rc != KIOSK_OK)
        h->reopen_store(h->ud);
    char msg[sizeof h->staff->result] = "";
    if (rc != KIOSK_OK) {
        log_line("error", "cannot %s: %s", names[k], err);
        const char *vn[] = {"why"}, *vv[] = {err};
        content_fill_vars(
            msg, sizeof msg,
            content_string((*h->content), "staff.power_failed", flow_lang((*h->flow))), 1, vn, vv);
    }
    staff_work_done(h->staff, rc == KIOSK_OK, msg, h->now_ms(h->ud));
}

/* The pending work: a PIN check (Argon2id takes a moment by design; the keypad shows it
 * disabled), or the work a page handed over. */
void staff_host_process(staff_host_t *h)
{
    if (h->self_testing && h->staff->state == STAFF_CLOSED)
        self_test_end(h, "closed before Finish");
    switch (staff_pending_work(h->staff)) {
    case STAFF_WORK_ERASE: {
        char code[8];
        snprintf(code, sizeof code, "%s", h->staff->ref);
        perform_erase(h, code);
        return;
    }
    case STAFF_WORK_PACK_INSTALL:
    case STAFF_WORK_PACK_ROLLBACK:
        perform_pack(h, staff_pending_work(h->staff) == STAFF_WORK_PACK_ROLLBACK);
        *h->dirty = true;
        return;
    case STAFF_WORK_SET_CLOCK:
        perform_clock(h);
        *h->dirty = true;
        return;
    case STAFF_WORK_RESTART:
    case STAFF_WORK_REBOOT:
    case STAFF_WORK_POWEROFF:
        perform_power(h, staff_pending_work(h->staff));
        *h->dirty = true;
        return;
    case STAFF_WORK_NONE:
        break;
    }
    if (h->staff->state != STAFF_CHECKING)
        return;
    staff_role_t role = 0;
    if (crypto_init() == KIOSK_OK) {
        if (h->cfg->staff_pin_hash && h->cfg->staff_pin_hash[0] &&
            crypto_pin_verify(h->cfg->staff_pin_hash, h->staff->pin))
            role = STAFF_ROLE_STAFF;
        else if (h->cfg->tech_pin_hash && h->cfg->tech_pin_hash[0] &&
                 crypto_pin_verify(h->cfg->tech_pin_hash, h->staff->pin))
            role = STAFF_ROLE_TECHNICIAN;
    }
    int64_t now = h->now_ms(h->ud);
    staff_checked(h->staff, role, now);
    if (role) {
        log_line("info", "%s PIN accepted: staff screen open",
                 role == STAFF_ROLE_TECHNICIAN ? "technician" : "staff");
        const char *used =
            role == STAFF_ROLE_STAFF ? h->cfg->staff_pin_hash : h->cfg->tech_pin_hash;
        if (crypto_pin_hash_outdated(used))
            log_line("warn",
                     "the %s PIN's hash has an older kiosk's parameters (it may take 64 MiB "
                     "to check): re-hash it with `echo PIN | kiosk --hash-pin` (7 MiB)",
                     role == STAFF_ROLE_TECHNICIAN ? "technician" : "staff");
        staff_host_refresh(h);
    } else {
        int64_t wait = staff_wait_ms(h->staff, now);
        if (wait)
            log_line("warn", "staff PIN wrong (%d in a row); next PIN taken in %lld s",
                     h->staff->failures, (long long)(wait / 1000));
        else
            log_line("warn", "staff PIN wrong (%d in a row)", h->staff->failures);
    }
    printf("event=staff-pin result=%s failures=%d%s\n", role ? "right" : "wrong",
           h->staff->failures, role == STAFF_ROLE_TECHNICIAN ? " role=technician" : "");
    fflush(stdout);
    *h->dirty = true;
}

/* The technician's volume: in force at once, kept across restarts, and heard at the new
 * level: the level said in the staff's language, or the saved earcon where the language has
 * no voice here. */
static void apply_volume(staff_host_t *h)
{
    int level = h->staff->volume;
    if (!h->audio || level == STAFF_NO_AUDIO)
        return;
    if (volume_set(h->volume, level))
        audio_set_volume(h->audio, level);
    printf("event=volume level=%d\n", level);
    fflush(stdout);
    const char *lang = flow_lang(*h->flow);
    char n[16], text[160];
    snprintf(n, sizeof n, "%d", level);
    const char *names[] = {"n"}, *values[] = {n};
    content_fill_vars(
        text, sizeof text,
        content_string(*h->content, level ? "staff.volume_level" : "staff.volume_off", lang), 1,
        names, values);
    const speaker_t *sp = h->speaker;
    if (sp->say && audio_has_voice(h->audio, lang))
        sp->say(sp->ud, &(speaker_utt_t){lang, text, NULL}, 1);
    else if (sp->earcon)
        sp->earcon(sp->ud, SPEAKER_EARCON_SAVED);
}

void staff_host_apply(staff_host_t *h, unsigned fx)
{
    if (fx & MODE_STAFF_VOLUME)
        apply_volume(h);
    if (fx & MODE_STAFF_CLOCK)
        start_clock(h);
    if (fx & MODE_STAFF_REFRESH)
        refresh(h, true);
    if (fx & MODE_STAFF_QUIET) {
        quiet_toggle(h->quiet, h->wall->utc_ms);
        staff_host_fill_hours(h);
    }
    if ((fx & MODE_STAFF_SELF_TEST) && h->self_testing)
        self_test_end(h, "finished");
    if (fx & MODE_STAFF_CLOSED)
        log_line("info", "staff screens closed");
}

/* ---- the first boot's self-test ---- */

#define SELF_TEST_PENDING "self-test-pending"
#define SELF_TEST_RESULT "self-test.json"

/* Storage: 64 KiB written next to the database, synced, read back and compared. */
static void check_storage(staff_host_t *h)
{
    staff_self_test_t *t = &h->staff->self_test;
    char dir[4096], path[4200], err[160] = "";
    app_data_dir(h->cfg, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/.self-test-storage", dir);
    enum { SIZE = 65536 };
    unsigned char *out = malloc(2 * SIZE), *in = out ? out + SIZE : NULL;
    for (size_t i = 0; out && i < SIZE; i++)
        out[i] = (unsigned char)(i * 131u + 7u);
    int64_t t0 = clock_mono_us();
    bool ok = false;
    /* err is short, for the screen (the log has the file's name). */
    FILE *f = out ? fopen(path, "wb") : NULL;
    if (!out)
        snprintf(err, sizeof err, "out of memory");
    else if (!f)
        snprintf(err, sizeof err, "cannot create a file: %s", strerror(errno));
    else {
        bool w = fwrite(out, 1, SIZE, f) == SIZE && fflush(f) == 0 && fsync(fileno(f)) == 0;
        int e = errno;
        if (fclose(f) != 0 || !w)
            snprintf(err, sizeof err, "cannot write: %s", strerror(e));
        else if (!(f = fopen(path, "rb")))
            snprintf(err, sizeof err, "cannot read back: %s", strerror(errno));
        else {
            ok = fread(in, 1, SIZE, f) == SIZE && memcmp(in, out, SIZE) == 0;
            fclose(f);
            if (!ok)
                snprintf(err, sizeof err, "read back differs from what was written");
        }
    }
    free(out);
    if (err[0])
        log_line("error", "self-test: storage: %s: %s", path, err);
    unlink(path);
    ok = ok && h->saving->ok;
    if (!err[0] && !h->saving->ok)
        snprintf(err, sizeof err, "the database cannot take answers (see the log)");
    t->storage_ms = (int)((clock_mono_us() - t0 + 999) / 1000);
    t->storage = ok ? CHECK_PASSED : CHECK_FAILED;
    if (ok) {
        char ms[16];
        snprintf(ms, sizeof ms, "%d", t->storage_ms);
        const char *names[] = {"ms"}, *values[] = {ms};
        content_fill_vars(
            t->storage_detail, sizeof t->storage_detail,
            content_string((*h->content), "staff.selftest_storage_ok", flow_lang((*h->flow))), 1,
            names, values);
    } else {
        utf8_copy_safe(t->storage_detail, sizeof t->storage_detail, err);
    }
}

bool staff_host_self_test_due(const staff_host_t *h)
{
    char dir[4096], flag[4200];
    app_data_dir(h->cfg, dir, sizeof dir);
    snprintf(flag, sizeof flag, "%s/" SELF_TEST_PENDING, dir);
    return access(flag, F_OK) == 0;
}

void staff_host_self_test_at_start(staff_host_t *h)
{
    if (!staff_host_self_test_due(h))
        return;
    check_storage(h);
    staff_host_fill_stats(h);
    fill_tech(h);
    staff_open_self_test(h->staff, h->now_ms(h->ud));
    h->self_testing = true;
    log_line("info", "first boot: the self-test is on the screen for the technician");
    printf("event=self-test started\n");
    fflush(stdout);
    *h->dirty = true;
}

/* Logs the result, keeps it next to the database, and ends the self-test for good. */
static void self_test_end(staff_host_t *h, const char *how)
{
    const staff_t *s = h->staff;
    const staff_tech_t *t = &s->tech;
    char missing[200];
    size_t pressed = staff_buttons_pressed(t, missing, sizeof missing);
    int corners = staff_corners_touched(t);
    bool passed = s->self_test.storage == CHECK_PASSED && corners == 4 &&
                  (t->nbuttons == 0 || pressed == t->nbuttons);
    log_line(passed ? "info" : "warn",
             "self-test %s (%s): storage %s (%s), clock %s, display %s, touch %d of 4 corners, "
             "buttons %zu of %zu pressed%s%s",
             passed ? "passed" : "not passed", how,
             s->self_test.storage == CHECK_PASSED ? "passed" : "FAILED",
             s->self_test.storage_detail,
             s->stats.clock_synced ? "synchronised" : "not synchronised", t->display, corners,
             pressed, t->nbuttons, missing[0] ? ", missing: " : "", missing);
    cJSON *o = cJSON_CreateObject();
    record_time_t now = (*h->wall);
    cJSON_AddNumberToObject(o, "utcMs", (double)now.utc_ms);
    cJSON_AddStringToObject(o, "ended", how);
    cJSON_AddBoolToObject(o, "passed", passed);
    cJSON_AddBoolToObject(o, "storage", s->self_test.storage == CHECK_PASSED);
    cJSON_AddStringToObject(o, "storageDetail", s->self_test.storage_detail);
    cJSON_AddBoolToObject(o, "clockSynchronised", s->stats.clock_synced);
    cJSON_AddStringToObject(o, "display", t->display);
    cJSON_AddNumberToObject(o, "cornersTouched", corners);
    cJSON_AddNumberToObject(o, "buttonsPressed", (double)pressed);
    cJSON_AddNumberToObject(o, "buttons", (double)t->nbuttons);
    cJSON_AddStringToObject(o, "buttonsMissing", missing);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char dir[4096], path[4200], flag[4200];
    app_data_dir(h->cfg, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/" SELF_TEST_RESULT, dir);
    snprintf(flag, sizeof flag, "%s/" SELF_TEST_PENDING, dir);
    FILE *f = text ? fopen(path, "w") : NULL;
    if (!f || fputs(text, f) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0)
        log_line("error", "self-test: cannot write %s: %s", path, strerror(errno));
    if (f)
        fclose(f);
    free(text);
    if (unlink(flag) != 0 && errno != ENOENT)
        log_line("error", "self-test: cannot remove %s: %s (it would run again)", flag,
                 strerror(errno));
    printf("event=self-test result=%s corners=%d buttons=%zu/%zu storage=%s\n",
           passed ? "passed" : "not-passed", corners, pressed, t->nbuttons,
           s->self_test.storage == CHECK_PASSED ? "passed" : "failed");
    fflush(stdout);
    h->self_testing = false;
}
