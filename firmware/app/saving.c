/* The store in the loop (see saving.h). */
#include "app/saving.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "app/log.h"
#include "app/quarantine.h"
#include "app/startup_check.h"
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

static void count_pending(saving_t *s);

void saving_check(saving_t *s, flow_t *f, const content_t *c, record_time_t wall, int64_t now_ms,
                  char *notice, size_t notice_len)
{
    s->checked_ms = now_ms;
    bool ok = false;
    seal_setup(s);
    saving_startup(s, c, wall, now_ms, notice, notice_len);
    count_pending(s);
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
    /* The first check still runs: answers are taken, and a save waits for it. */
    flow_set_store_ok(f, ok || (s->check && !s->store && !s->open_failed), now_ms);
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
    if (s->check && !s->store && !s->open_failed)
        return false; /* a save that waits for the start-up check */
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

/* Counts one outcome of day; while the start-up check runs, keeps it for the store. */
static void count_outcome(saving_t *s, const char *day, const char *journey,
                          session_outcome_t outcome)
{
    if (s->check && !s->store && s->npending < SAVING_PENDING_OUTCOMES) {
        pending_outcome_t *p = &s->pending[s->npending++];
        snprintf(p->day, sizeof p->day, "%s", day);
        snprintf(p->journey, sizeof p->journey, "%s", journey);
        p->outcome = outcome;
        return;
    }
    if (s->check && !s->store)
        log_line("warn", "session outcome not counted: %d wait for the start-up check",
                 SAVING_PENDING_OUTCOMES);
    if (s->store && store_count_session(s->store, day, journey, outcome) != KIOSK_OK)
        log_line("warn", "cannot count session outcome: %s", store_errmsg(s->store));
}

/* The outcomes kept while the start-up check ran, counted once the store is there. */
static void count_pending(saving_t *s)
{
    if (!s->store)
        return;
    for (int i = 0; i < s->npending; i++)
        count_outcome(s, s->pending[i].day, s->pending[i].journey, s->pending[i].outcome);
    s->npending = 0;
}

/* Counts the flow's finished sessions; the completed one of journey counted (NULL: none) was
 * counted with its save, and is only reported. */
static void take_outcomes(saving_t *s, flow_t *f, record_time_t wall, const char *counted)
{
    char journey[64];
    session_outcome_t outcome;
    count_pending(s);
    while (flow_take_outcome(f, journey, &outcome)) {
        printf("event=session journey=%s outcome=%s\n", journey, session_outcome_name(outcome));
        fflush(stdout);
        if (counted && outcome == SESSION_COMPLETED && strcmp(journey, counted) == 0) {
            counted = NULL;
            continue;
        }
        char day[ISO8601_LEN];
        utc_day(wall, day);
        count_outcome(s, day, journey, outcome);
    }
}

void saving_count_outcomes(saving_t *s, flow_t *f, record_time_t wall)
{
    take_outcomes(s, f, wall, NULL);
}

bool saving_due(saving_t *s, int64_t now_ms, bool wait)
{
    if (s->check) {
        if (!s->hold_check && startup_check_held(s->check))
            startup_check_release(s->check);
        return startup_check_ready(s->check, wait);
    }
    return !s->ok && now_ms - s->checked_ms >= SAVING_RETRY_MS;
}

bool saving_held(const saving_t *s)
{
    return s->check && s->hold_check;
}

int64_t saving_deadline(const saving_t *s)
{
    return s->ok ? INT64_MAX : s->checked_ms + SAVING_RETRY_MS;
}

void saving_close(saving_t *s)
{
    startup_check_free(s->check); /* first: its read-only connection is not the last one */
    s->check = NULL;
    store_close(s->store);
    s->store = NULL;
}
