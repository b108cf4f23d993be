/* The store in the loop (see saving.h). */
#include "app/saving.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "app/log.h"
#include "app/quarantine.h"
#include "core/kerr.h"
#include "crypto/seal.h"
#include "crypto/crypto.h"

const char *saving_notice_lang(const app_config_t *cfg, const content_t *c)
{
    return cfg->lang && content_language_index(c, cfg->lang) >= 0 ? cfg->lang
                                                                  : content_default_lang(c);
}

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

/* A list of sequence numbers short enough for the notice ("4-9, 12, ..."): the log has it
 * whole. */
#define NOTICE_LIST_MAX 24
static void notice_list(const store_seq_list_t *l, char out[NOTICE_LIST_MAX + sizeof ", ..."])
{
    const char *t = l->count ? l->text : "-";
    const size_t n = strnlen(t, NOTICE_LIST_MAX + 1);
    memcpy(out, t, n <= NOTICE_LIST_MAX ? n : NOTICE_LIST_MAX);
    out[n <= NOTICE_LIST_MAX ? n : NOTICE_LIST_MAX] = '\0';
    if (n <= NOTICE_LIST_MAX)
        return;
    char *cut = strrchr(out, ',');
    memcpy(cut ? cut : out + NOTICE_LIST_MAX, ", ...", sizeof ", ...");
}

/* The hash chain's verdict at start-up: lost or altered records are a log line and a staff
 * notice naming their sequence numbers (a recovery's notice, if any, is kept first). */
static void report_chain(const saving_t *s, const content_t *c, const store_chain_report_t *ch,
                         char *notice, size_t notice_len)
{
    if (!ch->verified) {
        log_line("error", "cannot verify the hash chain of %s: %s", s->cfg->db_path,
                 store_errmsg(s->store));
        return;
    }
    if (ch->head_missing)
        log_line("warn", "%s-head was missing or unreadable: written again from the database",
                 s->cfg->db_path);
    if (ch->unnumbered)
        log_line("error", "%s holds %lld records the store did not save (no sequence number)",
                 s->cfg->db_path, (long long)ch->unnumbered);
    if (!ch->lost.count && !ch->altered.count) {
        log_line("info", "hash chain of %s verified: %lld records, last seq %lld", s->cfg->db_path,
                 (long long)ch->records, (long long)ch->last_seq);
        return;
    }
    log_line("error",
             "hash chain of %s broken: %lld saved records lost (seq %s)%s, %lld altered (seq %s)",
             s->cfg->db_path, (long long)ch->lost.count, ch->lost.count ? ch->lost.text : "-",
             ch->head_ahead ? " (the head file is ahead: the -wal was lost or damaged)" : "",
             (long long)ch->altered.count, ch->altered.count ? ch->altered.text : "-");
    const char *names[] = {"lost", "altered"};
    char lost[NOTICE_LIST_MAX + sizeof ", ..."], altered[NOTICE_LIST_MAX + sizeof ", ..."];
    notice_list(&ch->lost, lost);
    notice_list(&ch->altered, altered);
    const char *values[] = {lost, altered};
    const char *t = content_string(c, "notice.chain_broken", saving_notice_lang(s->cfg, c));
    const size_t used = strlen(notice);
    if (used + 2 < notice_len) {
        if (used)
            strcat(notice, " ");
        const size_t at = strlen(notice);
        content_fill_vars(notice + at, notice_len - at, t, 2, names, values);
    }
    log_line("warn", "staff notice: %s", notice);
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
    const char *t = content_string(c, "notice.db_recovered", saving_notice_lang(s->cfg, c));
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
    report_chain(s, c, &rec.chain, notice, notice_len);
    char boot_id[130];
    read_boot_id(boot_id, sizeof boot_id);
    int64_t boots = 0;
    if (boot_id[0] && store_note_boot(s->store, boot_id, &boots) == KIOSK_OK)
        log_line("info", "boot %lld of this kiosk", (long long)boots);
    s->retention_ms = now_ms - SAVING_RETENTION_EVERY_MS; /* due now */
}

/* Says when retention starts or stops waiting for a confirmed clock (once, not hourly). */
static void note_held(saving_t *s, record_time_t t, const store_retention_clock_t *rc)
{
    if (rc->held == s->retention_held)
        return;
    s->retention_held = rc->held;
    char wall[ISO8601_LEN], trusted[ISO8601_LEN] = "never";
    iso8601_format(t.utc_ms, 0, wall);
    if (rc->trusted_ms)
        iso8601_format(rc->trusted_ms, 0, trusted);
    if (rc->held)
        log_line("warn",
                 "retention waits for a confirmed clock: the clock says %s (%s), the latest "
                 "time staff confirmed (an export or the clock page) is %s; nothing is erased "
                 "after that time until staff confirm the clock",
                 wall, t.clock_synced ? "synchronised" : "not synchronised", trusted);
    else
        log_line("info", "retention runs again: the clock (%s) agrees with the confirmed time",
                 wall);
}

static void log_text(const char *level, const char *text, void *ud)
{
    (void)ud;
    log_line(level, "%s", text);
}

/* The quarantined copies of a damaged database: sealed to the organisation's key when one is
 * configured, else deleted after the contact retention period (from their move). */
static void tidy_quarantine(const saving_t *s, int64_t now_utc_ms, int max_days)
{
    uint8_t key[CRYPTO_BOX_PK_BYTES];
    const bool have_key = s->cfg->org_box_pk && crypto_init() == KIOSK_OK &&
                          crypto_key_from_text(s->cfg->org_box_pk, key, sizeof key);
    quarantine_tidy(s->cfg->db_path, have_key ? key : NULL, now_utc_ms, max_days, log_text, NULL,
                    NULL);
}

/* Erases what the retention periods say must go: at start-up, then hourly, between
 * sessions. "Now" is never later than the time staff confirmed (store_retention_clock()): a
 * clock that runs ahead, synchronised or not, erases nothing early; a late erasure follows
 * the next confirmation. */
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
    store_retention_clock_t clock;
    if (store_retention_clock(s->store, &t, &clock) != KIOSK_OK) {
        log_line("error", "retention: %s", store_errmsg(s->store));
        return;
    }
    note_held(s, t, &clock);
    tidy_quarantine(s, clock.now_utc_ms, r.contact_max_days);
    int64_t contacts = 0, records = 0;
    int rc = clock.now_utc_ms
                 ? store_apply_retention(s->store, clock.now_utc_ms, &r, &contacts, &records)
                 : KIOSK_OK;
    if (rc != KIOSK_OK && rc != KIOSK_EBUSY)
        log_line("error", "retention: %s", store_errmsg(s->store));
    else if (contacts || records)
        log_line("info", "retention: erased %lld contact details, deleted %lld exported records",
                 (long long)contacts, (long long)records);
    printf("event=retention held=%s contacts=%lld records=%lld\n", clock.held ? "yes" : "no",
           (long long)contacts, (long long)records);
    fflush(stdout);
}

/* The staff notice of a kiosk that stores personal data unsealed, when the pack has none. */
#define UNSEALED_NOTICE                                                                            \
    "Staff notice: no encryption key, so personal data is stored unsealed. See the log."

/* Reads the organisation's encryption key once. Without a usable one, personal data is stored
 * unsealed (never dropped: what residents said is kept), each time with an error in the log,
 * and, on a provisioned kiosk, staff see a notice from the first such record on
 * (saving_notice()). */
static void seal_setup(saving_t *s)
{
    const char *key = s->cfg->org_box_pk;
    if (s->seal_checked)
        return;
    s->seal_checked = true;
    s->sealing = key && crypto_init() == KIOSK_OK &&
                 crypto_key_from_text(key, s->seal_pk, sizeof s->seal_pk);
    if (s->sealing)
        log_line("info", "contact details and written answers are sealed to the "
                         "organisation's encryption key");
    else
        log_line("error", "%s: contact details and written answers will be stored UNSEALED",
                 key ? "organisation.boxPublicKey is not a usable key"
                     : "no organisation encryption key (organisation.boxPublicKey)");
}

/* Whether the kiosk is set up to hand data to the organisation (an organisation key or a
 * stick directory configured): then a missing or unusable encryption key is a provisioning
 * fault that staff must see. A bench kiosk with none of them only logs it. */
static bool provisioned(const app_config_t *cfg)
{
    return cfg->org_sign_pk || cfg->org_box_pk || cfg->usb_mount_dir;
}

/* Once personal data was stored unsealed on a provisioned kiosk: the staff notice that says
 * so, unless another is up. */
static void saving_notice(const saving_t *s, const content_t *c, char *notice, size_t notice_len)
{
    if (!s->unsealed_stored || notice[0] || !provisioned(s->cfg))
        return;
    const char *t = content_string(c, "notice.unsealed", saving_notice_lang(s->cfg, c));
    snprintf(notice, notice_len, "%s", strcmp(t, "notice.unsealed") ? t : UNSEALED_NOTICE);
}

void saving_check(saving_t *s, flow_t *f, const content_t *c, record_time_t wall, int64_t now_ms,
                  char *notice, size_t notice_len)
{
    s->checked_ms = now_ms;
    bool ok = false;
    seal_setup(s);
    if (!s->store)
        open_store(s, c, wall, now_ms, notice, notice_len);
    saving_notice(s, c, notice, notice_len);
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

/* Whether an answer stays readable: it names a choice question of the journey, or the quick
 * rating's follow-up. Anything else that is text (typed answers, "Something else" texts,
 * keys no question names) is sealed. */
static bool answer_is_code(const char *key, void *user_data)
{
    const flow_t *f = user_data;
    const journey_t *j = flow_journey(f);
    const question_t *fu = content_followup(flow_content(f));
    for (size_t i = 0; j && i < j->nq; i++)
        if (strcmp(j->q[i].name, key) == 0)
            return j->q[i].type == Q_RADIOGROUP;
    return fu && fu->type == Q_RADIOGROUP && strcmp(fu->name, key) == 0;
}

/* The record's sealed form: sealed copies of its contact details and answers. */
typedef struct {
    char *name, *phone, *answers;
} sealed_parts_t;

static void sealed_parts_free(sealed_parts_t *p)
{
    free(p->name);
    free(p->phone);
    free(p->answers);
    *p = (sealed_parts_t){0};
}

static int seal_parts(const saving_t *s, flow_t *f, const record_t *rec, sealed_parts_t *p)
{
    *p = (sealed_parts_t){0};
    int rc = seal_answers(s->seal_pk, rec->answers_json ? rec->answers_json : "{}", answer_is_code,
                          f, &p->answers);
    if (rc == KIOSK_OK && rec->contact_name)
        rc = seal_text(s->seal_pk, rec->contact_name, &p->name);
    if (rc == KIOSK_OK && rec->contact_phone)
        rc = seal_text(s->seal_pk, rec->contact_phone, &p->phone);
    if (rc != KIOSK_OK)
        sealed_parts_free(p);
    return rc;
}

/* Swaps the record's strings with p's (twice restores them). */
static void swap_parts(record_t *rec, sealed_parts_t *p)
{
    char *t = rec->contact_name;
    rec->contact_name = p->name;
    p->name = t;
    t = rec->contact_phone;
    rec->contact_phone = p->phone;
    p->phone = t;
    t = rec->answers_json;
    rec->answers_json = p->answers;
    p->answers = t;
}

/* The UTC day ("2026-11-28") sessions are counted under. */
static void utc_day(record_time_t wall, char day[ISO8601_LEN])
{
    iso8601_format(wall.utc_ms, 0, day);
    day[10] = '\0';
}

/* Stores the record, sealed when a key is configured; the flow's record is left in clear. A
 * save counts its session as completed in the same commit (the flow ends every saved session
 * so: flow_op_done()). */
static int store_op(saving_t *s, flow_t *f, op_kind_t op, record_t *rec, record_time_t wall)
{
    sealed_parts_t p = {0};
    if (!s->sealing && (rec->contact_name || rec->contact_phone ||
                        seal_answers_needed(rec->answers_json, answer_is_code, f))) {
        log_line("error",
                 "record %s holds contact details or written answers: stored "
                 "UNSEALED (no organisation encryption key)",
                 rec->uuid[0] ? rec->uuid : "(new)");
        s->unsealed_stored = true;
    }
    if (s->sealing) {
        int rc = seal_parts(s, f, rec, &p);
        if (rc != KIOSK_OK)
            return rc;
        swap_parts(rec, &p);
    }
    char day[ISO8601_LEN];
    utc_day(wall, day);
    int rc = op == OP_SAVE
                 ? store_save_counted(s->store, rec, day, rec->journey_id, SESSION_COMPLETED)
                 : store_update_answers(s->store, rec->uuid, rec->answers_json);
    if (s->sealing) {
        swap_parts(rec, &p);
        sealed_parts_free(&p);
    }
    return rc;
}

/* The chain head of the last save, synced on the loop's turn after its thank-you was drawn
 * (store_sync_head()); a failure is a storage fault, as a failed save is. */
static void sync_head(saving_t *s)
{
    if (!s->store || store_sync_head(s->store) == KIOSK_OK)
        return;
    log_line("error", "%s; out of service", store_errmsg(s->store));
    saving_close(s);
    s->ok = false;
}

static void take_outcomes(saving_t *s, flow_t *f, record_time_t wall, const char *counted);

bool saving_perform(saving_t *s, flow_t *f, record_time_t wall, int64_t now_ms)
{
    record_t *rec;
    op_kind_t op = flow_pending_op(f, &rec);
    if (op == OP_NONE) {
        sync_head(s);
        return false;
    }
    int rc = KIOSK_EIO;
    if (s->store && s->ok) {
        if (op == OP_SAVE) {
            rec->time = wall;
            take_outcomes(s, f, wall, NULL); /* one that ended before has its own count */
        }
        rc = store_op(s, f, op, rec, wall);
    }
    char journey[sizeof rec->journey_id];
    snprintf(journey, sizeof journey, "%s", rec->journey_id);
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
    if (rc == KIOSK_OK && op == OP_SAVE)
        take_outcomes(s, f, wall, journey); /* the completed session the save counted */
    return true;
}

/* Counts the flow's finished sessions; the completed one of journey counted (NULL: none) was
 * counted with its save, and is only reported. */
static void take_outcomes(saving_t *s, flow_t *f, record_time_t wall, const char *counted)
{
    char journey[64];
    session_outcome_t outcome;
    while (flow_take_outcome(f, journey, &outcome)) {
        printf("event=session journey=%s outcome=%s\n", journey, session_outcome_name(outcome));
        fflush(stdout);
        if (counted && outcome == SESSION_COMPLETED && strcmp(journey, counted) == 0) {
            counted = NULL;
            continue;
        }
        if (!s->store)
            continue;
        char day[ISO8601_LEN];
        utc_day(wall, day);
        if (store_count_session(s->store, day, journey, outcome) != KIOSK_OK)
            log_line("warn", "cannot count session outcome: %s", store_errmsg(s->store));
    }
}

void saving_count_outcomes(saving_t *s, flow_t *f, record_time_t wall)
{
    take_outcomes(s, f, wall, NULL);
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
