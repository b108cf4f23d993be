/* The kiosk's store: durable saves of finished sessions, session counts, and the boot counter
 * and wall-clock guard of a board without a real-time clock. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

/* How many reference codes store_save() draws before giving up on a service request. */
#define REFCODE_TRIES 16

/* Fills buf from the kernel's CSPRNG, retrying after signals and short reads. */
static int fill_random(store_t *st, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        const ssize_t n = getrandom(buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sq_fail(&st->c, KIOSK_EIO, "cannot draw random bytes for %s: %s", st->c.path,
                           strerror(errno));
        }
        got += (size_t)n;
    }
    return KIOSK_OK;
}

/* Draws a reference code no stored record uses; runs inside the save transaction. */
static int draw_ref_code(store_t *st, char ref[RECORD_REF_LEN + 1])
{
    sqlite3_stmt *stmt = st->stmt[STMT_REF_EXISTS];
    for (int attempt = 0; attempt < REFCODE_TRIES; attempt++) {
        uint8_t bytes[RECORD_REF_LEN];
        int err = fill_random(st, bytes, sizeof bytes);
        if (err)
            return err;
        refcode_format(bytes, ref);
        int rc = sq_bind_text(stmt, 1, ref);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(stmt);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            err = sq_fail_db(&st->c, rc, "cannot look up reference codes in");
        sqlite3_reset(stmt);
        if (err)
            return err;
        if (rc == SQLITE_DONE)
            return KIOSK_OK;
    }
    return sq_fail(&st->c, KIOSK_EFULL,
                   "cannot save record in %s: no free reference code after %d tries", st->c.path,
                   REFCODE_TRIES);
}

static int insert_record(store_t *st, const record_t *rec, const record_time_t *time,
                         const char *uuid, const char *ref, const char *created)
{
    sqlite3_stmt *stmt = st->stmt[STMT_INSERT_RECORD];
    int rc = sq_bind_record(stmt, rec, time, uuid, ref, created);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 15, rec->misuse ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 16, time->boot);
    const int err = sq_step_done(&st->c, stmt, rc, "cannot save record in");
    sqlite3_reset(stmt);
    return err;
}

static int insert_contact(store_t *st, const record_t *rec, sqlite3_int64 record_id,
                          const char *collected)
{
    sqlite3_stmt *stmt = st->stmt[STMT_INSERT_CONTACT];
    int rc = sqlite3_bind_int64(stmt, 1, record_id);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 2, sq_given(rec->contact_name) ? rec->contact_name : NULL);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 3, sq_given(rec->contact_phone) ? rec->contact_phone : NULL);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 4, collected);
    const int err = sq_step_done(&st->c, stmt, rc, "cannot save contact details in");
    sqlite3_reset(stmt);
    return err;
}

/* What store_save() refuses before it touches the database. */
static int check_record(store_t *st, const record_t *rec)
{
    const bool has_contact = sq_given(rec->contact_name) || sq_given(rec->contact_phone);
    if (!rec->answers_json)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot save record in %s: no answers", st->c.path);
    if (has_contact && !rec->consent)
        return sq_fail(&st->c, KIOSK_EINVAL,
                       "cannot save record in %s: contact details given without consent",
                       st->c.path);
    if (!sq_terminated(rec->uuid, sizeof rec->uuid) || !sq_record_fields_terminated(rec))
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot save record in %s: unterminated text field",
                       st->c.path);
    return KIOSK_OK;
}

/* The writes of store_save(), inside its transaction: the wall-clock guard, the reference
 * code, the record, its contact and the new latest time. time, ref and created are the
 * caller's locals, filled here. */
static int save_in_transaction(store_t *st, const record_t *rec, const char *uuid,
                               record_time_t *time, char ref[RECORD_REF_LEN + 1],
                               char created[ISO8601_LEN], int64_t *seq, char hash[65])
{
    bool have_last;
    int64_t last_ms;
    int err = store_meta_get_int(st, "last_utc_ms", &have_last, &last_ms);
    if (err)
        return err;
    if (have_last && time->utc_ms < last_ms && !time->clock_synced) {
        /* The clock went backwards (no RTC, no NTP yet): never store an earlier time. A
         * synchronised clock is trusted: it corrects an earlier wrong one. */
        time->utc_ms = last_ms;
    }
    iso8601_format(time->utc_ms, 0, created);
    if (rec->kind == RECORD_SERVICE_REQUEST) {
        err = draw_ref_code(st, ref);
        if (err)
            return err;
    }
    err = insert_record(st, rec, time, uuid, ref, created);
    const sqlite3_int64 id = sqlite3_last_insert_rowid(st->c.db);
    if (!err && (sq_given(rec->contact_name) || sq_given(rec->contact_phone)))
        err = insert_contact(st, rec, id, created);
    if (!err)
        err = store_chain_seal(st, id, seq, hash);
    if (!err)
        err = store_meta_set_int(st, "last_utc_ms",
                                 have_last && last_ms > time->utc_ms ? last_ms : time->utc_ms);
    return err;
}

/* A session count to make in the save's transaction (store_save_counted()). */
typedef struct {
    const char *day, *journey_id;
    session_outcome_t outcome;
} session_count_t;

static int bind_session(sqlite3_stmt *stmt, const char *day, const char *journey_id,
                        session_outcome_t outcome);
static bool is_day(const char *day);

/* Counts the session in the open transaction. */
static int count_in_transaction(store_t *st, const session_count_t *count)
{
    sqlite3_stmt *stmt = st->stmt[STMT_COUNT_SESSION];
    const int rc = bind_session(stmt, count->day, count->journey_id, count->outcome);
    const int err = sq_step_done(&st->c, stmt, rc, "cannot count session in");
    sqlite3_reset(stmt);
    return err;
}

/* The uuid, reference code and time are prepared in locals and copied to rec only after
 * COMMIT, so a failed save leaves rec as the caller passed it. A service request always gets
 * a fresh reference code; other kinds store none. consent without a name or phone stores no
 * contact row (and so reads back as false). The wall-clock guard reads and writes meta
 * last_utc_ms inside the save's transaction, so two stores on one file keep it too. count
 * (may be NULL) is made in the same transaction. */
static int save(store_t *st, record_t *rec, const session_count_t *count)
{
    assert(st && rec);
    char uuid[RECORD_UUID_LEN + 1];
    char ref[RECORD_REF_LEN + 1] = "";
    char created[ISO8601_LEN];
    int err = check_record(st, rec);
    if (err)
        return err;
    if (rec->uuid[0]) {
        memcpy(uuid, rec->uuid, sizeof uuid);
    } else {
        uint8_t bytes[16];
        err = fill_random(st, bytes, sizeof bytes);
        if (err)
            return err;
        uuid_format(bytes, uuid);
    }
    record_time_t time = rec->time;
    time.boot = st->boot_count;
    /* The head before this save is durable before this save can be (normally it already is:
     * the kiosk syncs it after the thank-you). */
    err = store_chain_head_sync(st);
    if (!err)
        err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start saving a record in");
    if (err)
        return err;
    int64_t seq = 0;
    char hash[65];
    err = save_in_transaction(st, rec, uuid, &time, ref, created, &seq, hash);
    if (!err && count)
        err = count_in_transaction(st, count);
    if (!err)
        err = sq_exec(&st->c, "COMMIT", "cannot commit record to");
    if (err) {
        /* A failed COMMIT may already have rolled back; ROLLBACK keeps the message. */
        sq_rollback(&st->c);
        return err;
    }
    memcpy(rec->uuid, uuid, sizeof rec->uuid);
    if (rec->kind == RECORD_SERVICE_REQUEST)
        memcpy(rec->ref_code, ref, sizeof rec->ref_code);
    rec->time = time;
    /* Before the thank-you, where a lost -wal cannot take it (README "Tamper evidence");
     * synced after it (store_sync_head()). */
    return store_chain_head_put(st, seq, hash);
}

int store_save(store_t *st, record_t *rec)
{
    return save(st, rec, NULL);
}

int store_save_counted(store_t *st, record_t *rec, const char *day, const char *journey_id,
                       session_outcome_t outcome)
{
    assert(st && rec);
    if (!is_day(day) || !journey_id || (unsigned)outcome >= SESSION_OUTCOME_COUNT)
        return sq_fail(&st->c, KIOSK_EINVAL,
                       "cannot count session in %s: bad day, journey or outcome", st->c.path);
    const session_count_t count = {day, journey_id, outcome};
    return save(st, rec, &count);
}

int store_sync_head(store_t *st)
{
    assert(st);
    return store_chain_head_sync(st);
}

int store_update_answers(store_t *st, const char *uuid, const char *answers_json)
{
    assert(st);
    if (!uuid || !answers_json)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot update answers in %s: no uuid or answers",
                       st->c.path);
    int err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start updating answers in");
    if (err)
        return err;
    sqlite3_stmt *stmt = st->stmt[STMT_UPDATE_ANSWERS];
    int rc = sq_bind_text(stmt, 1, uuid);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 2, answers_json);
    err = sq_step_done(&st->c, stmt, rc, "cannot update answers in");
    sqlite3_reset(stmt);
    if (!err && sqlite3_changes(st->c.db) == 0)
        err = sq_fail(&st->c, KIOSK_ENOENT, "cannot update answers in %s: no record %s", st->c.path,
                      uuid);
    /* The record's chain hash stays; the hash binding its answers follows them. */
    if (!err)
        err = store_chain_reseal_answers(st, uuid);
    if (!err)
        err = sq_exec(&st->c, "COMMIT", "cannot commit updated answers to");
    if (err)
        sq_rollback(&st->c);
    return err;
}

/* A UTC day as "YYYY-MM-DD"; the shape only, so that counts group cleanly. */
static bool is_day(const char *day)
{
    if (!day || strlen(day) != 10)
        return false;
    for (int i = 0; i < 10; i++) {
        const bool dash = i == 4 || i == 7;
        if (dash ? day[i] != '-' : (day[i] < '0' || day[i] > '9'))
            return false;
    }
    return true;
}

/* Binds ?1 day, ?2 journey, ?3 outcome's name. */
static int bind_session(sqlite3_stmt *stmt, const char *day, const char *journey_id,
                        session_outcome_t outcome)
{
    int rc = sq_bind_text(stmt, 1, day);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 2, journey_id);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(stmt, 3, session_outcome_name(outcome));
    return rc;
}

int store_count_session(store_t *st, const char *day, const char *journey_id,
                        session_outcome_t outcome)
{
    assert(st);
    if (!is_day(day) || !journey_id || (unsigned)outcome >= SESSION_OUTCOME_COUNT)
        return sq_fail(&st->c, KIOSK_EINVAL,
                       "cannot count session in %s: bad day, journey or outcome", st->c.path);
    const session_count_t count = {day, journey_id, outcome};
    return count_in_transaction(st, &count);
}

int64_t store_step_count(store_t *st, sqlite3_stmt *stmt, int bind_rc, const char *what)
{
    const int rc = bind_rc != SQLITE_OK ? bind_rc : sqlite3_step(stmt);
    int64_t n;
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    else if (rc == SQLITE_DONE)
        n = 0;
    else
        n = sq_fail_db(&st->c, rc, what);
    sqlite3_reset(stmt);
    return n;
}

/* Returns the count, 0 when none, or a negative KIOSK_E* code on failure. */
int64_t store_session_count(store_t *st, const char *day, const char *journey_id,
                            session_outcome_t outcome)
{
    assert(st);
    if (!day || !journey_id || (unsigned)outcome >= SESSION_OUTCOME_COUNT)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot read session count in %s: bad arguments",
                       st->c.path);
    sqlite3_stmt *stmt = st->stmt[STMT_SESSION_COUNT];
    const int rc = bind_session(stmt, day, journey_id, outcome);
    return store_step_count(st, stmt, rc, "cannot read session count in");
}

/* Returns the number of records, or a negative KIOSK_E* code on failure. */
int64_t store_record_count(store_t *st)
{
    assert(st);
    return store_step_count(st, st->stmt[STMT_RECORD_COUNT], SQLITE_OK, "cannot count records in");
}

/* ---- Clock without RTC ------------------------------------------------------------------ */

#define BOOT_ID_MAX 128

/* Inside store_note_boot()'s transaction: a new boot id counts one more boot. */
static int count_boot(store_t *st, const char *id, int64_t *count)
{
    bool have_id, have_count;
    char stored[BOOT_ID_MAX + 2];
    int err = store_meta_get(st, "boot_id", &have_id, stored, sizeof stored, NULL);
    if (!err)
        err = store_meta_get_int(st, "boot_count", &have_count, count);
    if (!err && (!have_id || strcmp(stored, id) != 0)) {
        *count = (have_count && *count > 0 ? *count : 0) + 1;
        err = store_meta_set_int(st, "boot_count", *count);
        if (!err)
            err = store_meta_set(st, "boot_id", id, 0);
    }
    return err;
}

int store_note_boot(store_t *st, const char *boot_id, int64_t *boot_count)
{
    assert(st);
    size_t len = boot_id ? strnlen(boot_id, BOOT_ID_MAX + 2) : 0;
    while (len > 0 && (boot_id[len - 1] == '\n' || boot_id[len - 1] == '\r' ||
                       boot_id[len - 1] == ' ' || boot_id[len - 1] == '\t'))
        len--;
    if (len == 0 || len > BOOT_ID_MAX)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot count boots in %s: boot id empty or too long",
                       st->c.path);
    char id[BOOT_ID_MAX + 1];
    memcpy(id, boot_id, len);
    id[len] = '\0';

    int err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start counting boots in");
    if (err)
        return err;
    int64_t count = 0;
    err = count_boot(st, id, &count);
    if (!err)
        err = sq_exec(&st->c, "COMMIT", "cannot commit the boot count to");
    if (err) {
        sq_rollback(&st->c);
        return err;
    }
    st->boot_count = count;
    if (boot_count)
        *boot_count = count;
    return KIOSK_OK;
}

int store_last_utc_ms(store_t *st, int64_t *ms)
{
    assert(st && ms);
    bool found;
    return store_meta_get_int(st, "last_utc_ms", &found, ms);
}
