/* The store in the loop (see saving.h). */
#include "app/saving.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "app/log.h"
#include "app/quarantine.h"
#include "core/kerr.h"
#include "crypto/crypto.h"

static bool enough_space(const saving_t *s)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", s->cfg->db_path);
    struct statvfs st;
    if (statvfs(dirname(dir), &st) != 0)
        return false;
    unsigned long long free_kib = (unsigned long long)st.f_bavail * st.f_frsize / 1024;
    return free_kib >= (unsigned long long)s->cfg->min_free_kib;
}

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

/* The log line and the staff notice of a quarantine: the records salvaged against those the
 * damaged copy promised ("{n}" is "95/186", or "95" when the copy showed no count). */
static void recovered_notice(const saving_t *s, const content_t *c, const store_recovery_t *rec,
                             const char *err, char *notice, size_t notice_len)
{
    char n[48];
    if (rec->expected_records >= rec->salvaged_records)
        snprintf(n, sizeof n, "%lld/%lld", (long long)rec->salvaged_records,
                 (long long)rec->expected_records);
    else
        snprintf(n, sizeof n, "%lld", (long long)rec->salvaged_records);
    log_line("error",
             "%s is damaged (%s): set aside as %s, %s records (recovered/expected) and %lld "
             "contacts recovered into a fresh database%s%s",
             s->cfg->db_path, rec->problem, rec->moved_to, n, (long long)rec->salvaged_contacts,
             err[0] ? "; " : "", err);
    const char *t = content_string(c, "notice.db_recovered", content_default_lang(c));
    const char *at = strstr(t, "{n}");
    if (at)
        snprintf(notice, notice_len, "%.*s%s%s", (int)(at - t), t, n, at + 3);
    else
        snprintf(notice, notice_len, "%s", t);
    log_line("warn", "staff notice: %s", notice);
}

/* Opens the store with the start-up check: a damaged database is set aside (never deleted),
 * what can be read is salvaged into a fresh one, and staff get a notice. A quarantine that an
 * earlier start could not finish (disk full) is finished first, by store_open_checked(); until
 * it is, the store stays closed and the kiosk out of service, retrying. */
static void open_store(saving_t *s, const content_t *c, record_time_t wall, int64_t now_ms,
                       char *notice, size_t notice_len)
{
    char err[512] = "";
    store_recovery_t rec;
    int rc = store_open_checked(s->cfg->db_path, &s->store, &rec, err, sizeof err);
    if (rc != KIOSK_OK) {
        if (s->ok)
            log_line("error", "%s", err);
        return;
    }
    s->checked_utc_ms = wall.utc_ms;
    if (rec.unclean)
        log_line("warn", "%s was not closed cleanly last time (power cut or crash): %s check %s",
                 s->cfg->db_path, rec.checked_full ? "full integrity" : "quick",
                 rec.moved_aside ? "failed" : "passed");
    if (rec.resumed)
        log_line("warn", "finishing the quarantine of %s begun at an earlier start (%s-quarantine)",
                 rec.moved_to, s->cfg->db_path);
    if (rec.moved_aside)
        recovered_notice(s, c, &rec, err, notice, notice_len);
    char boot_id[130];
    read_boot_id(boot_id, sizeof boot_id);
    int64_t boots = 0;
    if (boot_id[0] && store_note_boot(s->store, boot_id, &boots) == KIOSK_OK)
        log_line("info", "boot %lld of this kiosk", (long long)boots);
    s->retention_ms = now_ms - SAVING_RETENTION_EVERY_MS; /* due now */
}

static void log_text(const char *level, const char *text)
{
    log_line(level, "%s", text);
}

/* The quarantined copies of a damaged database: sealed to the organisation's key when one is
 * configured, else deleted after the contact retention period (from their move). */
static void tidy_quarantine(const saving_t *s, int64_t now_utc_ms, int max_days)
{
    uint8_t key[CRYPTO_BOX_PK_BYTES];
    const bool have_key = s->cfg->org_box_pk && crypto_init() == KIOSK_OK &&
                          crypto_key_from_text(s->cfg->org_box_pk, key, sizeof key);
    quarantine_tidy(s->cfg->db_path, have_key ? key : NULL, now_utc_ms, max_days, log_text, NULL);
}

/* Erases what the retention periods say must go: at start-up, then hourly, between
 * sessions. A clock that is not synchronised is not trusted to be ahead: the latest stored
 * time stands in, so nothing is erased early (a late erasure follows the next sync). */
static void apply_retention(saving_t *s, record_time_t t, int64_t now_ms)
{
    s->retention_ms = now_ms;
    store_retention_t r = STORE_RETENTION_DEFAULTS;
    if (s->cfg->contact_after_export_days)
        r.contact_after_export_days = s->cfg->contact_after_export_days;
    if (s->cfg->contact_max_days)
        r.contact_max_days = s->cfg->contact_max_days;
    if (s->cfg->answers_after_export_days)
        r.answers_after_export_days = s->cfg->answers_after_export_days;
    int64_t now = t.utc_ms;
    if (!t.clock_synced && store_last_utc_ms(s->store, &now) != KIOSK_OK)
        return;
    tidy_quarantine(s, now, r.contact_max_days);
    int64_t contacts = 0, records = 0;
    int rc = store_apply_retention(s->store, now, &r, &contacts, &records);
    if (rc != KIOSK_OK && rc != KIOSK_EBUSY)
        log_line("error", "retention: %s", store_errmsg(s->store));
    else if (contacts || records)
        log_line("info", "retention: erased %lld contact details, deleted %lld exported records",
                 (long long)contacts, (long long)records);
}

void saving_check(saving_t *s, flow_t *f, const content_t *c, record_time_t wall, int64_t now_ms,
                  char *notice, size_t notice_len)
{
    s->checked_ms = now_ms;
    bool ok = false;
    if (!s->store)
        open_store(s, c, wall, now_ms, notice, notice_len);
    if (s->store) {
        ok = enough_space(s);
        if (!ok && s->ok)
            log_line("error", "less than %d KiB free next to %s: out of service",
                     s->cfg->min_free_kib, s->cfg->db_path);
    }
    if (ok && !s->ok)
        log_line("info", "store %s ready: taking answers", s->cfg->db_path);
    s->ok = ok;
    flow_set_store_ok(f, ok, now_ms);
    if (ok && flow_screen(f) == SCREEN_HOME &&
        now_ms - s->retention_ms >= SAVING_RETENTION_EVERY_MS)
        apply_retention(s, wall, now_ms);
}

bool saving_perform(saving_t *s, flow_t *f, record_time_t wall, int64_t now_ms)
{
    record_t *rec;
    op_kind_t op = flow_pending_op(f, &rec);
    if (op == OP_NONE)
        return false;
    int rc = KIOSK_EIO;
    if (s->store && s->ok) {
        if (op == OP_SAVE) {
            rec->time = wall;
            rc = store_save(s->store, rec);
        } else {
            rc = store_update_answers(s->store, rec->uuid, rec->answers_json);
        }
    }
    if (rc != KIOSK_OK) {
        log_line("error", "cannot store %s: %s (%s); out of service", record_kind_name(rec->kind),
                 kiosk_strerror(rc), s->store ? store_errmsg(s->store) : "no database");
        /* Reopen before taking answers again. */
        saving_close(s);
        s->ok = false;
    } else {
        printf("event=%s kind=%s journey=%s uuid=%s%s%s\n", op == OP_SAVE ? "saved" : "updated",
               record_kind_name(rec->kind), rec->journey_id, rec->uuid,
               rec->ref_code[0] ? " ref=" : "", rec->ref_code);
    }
    char uuid[RECORD_UUID_LEN + 1];
    snprintf(uuid, sizeof uuid, "%s", rec->uuid);
    flow_op_done(f, rc, now_ms);
    if (rc == KIOSK_OK && (flow_screen(f) == SCREEN_THANKS || flow_screen(f) == SCREEN_QUESTION))
        printf("event=thanks uuid=%s\n", uuid);
    fflush(stdout);
    return true;
}

void saving_count_outcomes(saving_t *s, flow_t *f, record_time_t wall)
{
    char journey[64];
    session_outcome_t outcome;
    while (flow_take_outcome(f, journey, &outcome)) {
        printf("event=session journey=%s outcome=%s\n", journey, session_outcome_name(outcome));
        fflush(stdout);
        if (!s->store)
            continue;
        char day[ISO8601_LEN];
        iso8601_format(wall.utc_ms, 0, day);
        day[10] = '\0';
        if (store_count_session(s->store, day, journey, outcome) != KIOSK_OK)
            log_line("warn", "cannot count session outcome: %s", store_errmsg(s->store));
    }
}

int64_t saving_deadline(const saving_t *s)
{
    return s->ok ? INT64_MAX : s->checked_ms + SAVING_RETRY_MS;
}

void saving_close(saving_t *s)
{
    store_close(s->store);
    s->store = NULL;
}
