/* The kiosk's store: retention of personal data and answers, and erasing one contact on
 * request, with the WAL truncated so that no old copy stays. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

/* Erasing relies on secure_delete (set and checked at open): checked again, and set again if
 * something turned it off, before any personal data is deleted. */
static int ensure_secure_delete(store_t *st)
{
    int64_t value;
    int err = sq_query_int(&st->c, "PRAGMA secure_delete", &value, "cannot read secure_delete of");
    if (!err && value != 1) {
        err = sq_exec(&st->c, "PRAGMA secure_delete=ON", "cannot enable secure_delete on");
        if (!err)
            err = sq_query_int(&st->c, "PRAGMA secure_delete", &value,
                               "cannot read secure_delete of");
        if (!err && value != 1)
            err =
                sq_fail(&st->c, KIOSK_EIO, "cannot erase in %s: secure_delete is off", st->c.path);
    }
    return err;
}

/* Makes the truncation of the -wal durable: SQLite truncates it without a sync, and a power cut
 * could bring the old frames (erased details among them) back into the file. */
static int sync_truncated_wal(store_t *st)
{
    char wal[4200];
    if ((size_t)snprintf(wal, sizeof wal, "%s-wal", st->c.path) >= sizeof wal)
        return sq_fail(&st->c, KIOSK_EINVAL, "path too long: %s-wal", st->c.path);
    const int fd = open(wal, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? KIOSK_OK
                               : sq_fail(&st->c, kiosk_from_errno(errno), "cannot open %s: %s", wal,
                                         strerror(errno));
    const int rc = fsync(fd);
    const int e = errno;
    close(fd);
    return rc == 0 ? KIOSK_OK
                   : sq_fail(&st->c, kiosk_from_errno(e), "cannot sync %s: %s", wal, strerror(e));
}

/* Copies every frame of the WAL into the database and truncates the -wal file to zero bytes
 * (synced), so that old images of erased pages are gone from it. Waits (busy timeout) for
 * readers. */
static int checkpoint_truncate(store_t *st, const char *what)
{
    int log = 0, done = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(st->c.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_OK)
        return sync_truncated_wal(st);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return sq_fail(
            &st->c, KIOSK_EBUSY,
            "%s %s, but another connection kept the WAL from being truncated: old copies "
            "stay in %s-wal until the next checkpoint",
            what, st->c.path, st->c.path);
    return sq_fail_db(&st->c, rc, "cannot checkpoint the WAL after erasing in");
}

#define MS_PER_DAY 86400000.0
#define UNIX_EPOCH_JD 2440587.5

/* The Julian day of days before now_utc_ms, the form julianday() compares. */
static double cutoff_jd(int64_t now_utc_ms, int days)
{
    return UNIX_EPOCH_JD + ((double)now_utc_ms - (double)days * MS_PER_DAY) / MS_PER_DAY;
}

int store_apply_retention(store_t *st, int64_t now_utc_ms, const store_retention_t *r,
                          int64_t *contacts_erased, int64_t *records_deleted)
{
    assert(st);
    const store_retention_t defaults = STORE_RETENTION_DEFAULTS;
    if (!r)
        r = &defaults;
    if (contacts_erased)
        *contacts_erased = 0;
    if (records_deleted)
        *records_deleted = 0;
    if (r->contact_after_export_days < 0 || r->contact_max_days < 0 ||
        r->answers_after_export_days < 0)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot apply retention to %s: negative period",
                       st->c.path);

    int err = ensure_secure_delete(st);
    if (err)
        return err;
    err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start applying retention to");
    if (err)
        return err;
    int64_t before =
        store_step_count(st, st->stmt[STMT_CONTACT_COUNT], SQLITE_OK, "cannot count contacts in");
    int64_t after = 0, deleted = 0;
    if (before < 0) {
        err = (int)before;
        goto rollback;
    }
    sqlite3_stmt *stmt = st->stmt[STMT_RETAIN_CONTACTS];
    int rc = sqlite3_bind_double(stmt, 1, cutoff_jd(now_utc_ms, r->contact_after_export_days));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(stmt, 2, cutoff_jd(now_utc_ms, r->contact_max_days));
    err = sq_step_done(&st->c, stmt, rc, "cannot erase contacts in");
    sqlite3_reset(stmt);
    if (err)
        goto rollback;
    stmt = st->stmt[STMT_RETAIN_RECORDS];
    rc = sqlite3_bind_double(stmt, 1, cutoff_jd(now_utc_ms, r->answers_after_export_days));
    err = sq_step_done(&st->c, stmt, rc, "cannot delete exported records in");
    sqlite3_reset(stmt);
    if (err)
        goto rollback;
    deleted = sqlite3_changes64(st->c.db);
    after =
        store_step_count(st, st->stmt[STMT_CONTACT_COUNT], SQLITE_OK, "cannot count contacts in");
    if (after < 0) {
        err = (int)after;
        goto rollback;
    }
    err = sq_exec(&st->c, "COMMIT", "cannot commit retention to");
    if (err)
        goto rollback;
    if (contacts_erased)
        *contacts_erased = before - after;
    if (records_deleted)
        *records_deleted = deleted;
    return checkpoint_truncate(st, "applied retention to");

rollback:
    sq_rollback(&st->c);
    return err;
}

int store_erase_contact(store_t *st, const char *ref_code)
{
    assert(st);
    char ref[RECORD_REF_LEN + 1];
    if (!ref_code || strnlen(ref_code, RECORD_REF_LEN + 1) != RECORD_REF_LEN)
        return sq_fail(&st->c, KIOSK_EINVAL,
                       "cannot erase a contact in %s: a reference code has %d letters", st->c.path,
                       RECORD_REF_LEN);
    for (int i = 0; i <= RECORD_REF_LEN; i++)
        ref[i] = ref_code[i] >= 'a' && ref_code[i] <= 'z' ? (char)(ref_code[i] - 'a' + 'A')
                                                          : ref_code[i];

    int err = ensure_secure_delete(st);
    if (err)
        return err;
    err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start erasing a contact in");
    if (err)
        return err;
    sqlite3_stmt *stmt = st->stmt[STMT_RECORD_BY_REF];
    int rc = sq_bind_text(stmt, 1, ref);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    const sqlite3_int64 id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    if (rc == SQLITE_DONE)
        err = sq_fail(&st->c, KIOSK_ENOENT, "cannot erase a contact in %s: no reference code %s",
                      st->c.path, ref);
    else if (rc != SQLITE_ROW)
        err = sq_fail_db(&st->c, rc, "cannot look up a reference code in");
    sqlite3_reset(stmt);
    if (err)
        goto rollback;
    stmt = st->stmt[STMT_ERASE_CONTACT];
    err = sq_step_done(&st->c, stmt, sqlite3_bind_int64(stmt, 1, id), "cannot erase a contact in");
    sqlite3_reset(stmt);
    if (!err && sqlite3_changes64(st->c.db) == 0)
        err = sq_fail(&st->c, KIOSK_ENOENT,
                      "cannot erase a contact in %s: %s has no contact details", st->c.path, ref);
    if (err)
        goto rollback;
    err = sq_exec(&st->c, "COMMIT", "cannot commit the erasure to");
    if (err)
        goto rollback;
    return checkpoint_truncate(st, "erased the contact of a request in");

rollback:
    sq_rollback(&st->c);
    return err;
}

/* ---- retention's clock ---------------------------------------------------------------- */

/* Meta "trusted_clock": "<utc_ms> <boot> <mono_ms>", one value so that one write keeps the
 * three together. */
typedef struct {
    int64_t utc_ms, boot, mono_ms;
} trusted_t;

static int read_trusted(store_t *st, trusted_t *t, bool *found)
{
    char text[96];
    *t = (trusted_t){0};
    int err = store_meta_get(st, "trusted_clock", found, text, sizeof text, NULL);
    if (err || !*found)
        return err;
    long long u, b, m;
    char extra;
    if (sscanf(text, "%lld %lld %lld %c", &u, &b, &m, &extra) != 3 || u <= 0 || b < 0 || m < 0) {
        *found = false; /* a damaged value trusts nothing: retention waits */
        return KIOSK_OK;
    }
    *t = (trusted_t){u, b, m};
    return KIOSK_OK;
}

static int write_trusted(store_t *st, const trusted_t *t)
{
    char text[96];
    snprintf(text, sizeof text, "%lld %lld %lld", (long long)t->utc_ms, (long long)t->boot,
             (long long)t->mono_ms);
    return store_meta_set(st, "trusted_clock", text, 0);
}

int store_confirm_time(store_t *st, int64_t utc_ms, int64_t mono_ms, bool may_go_back)
{
    assert(st);
    if (utc_ms <= 0 || mono_ms < 0)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot confirm the time in %s: %lld ms, %lld ms",
                       st->c.path, (long long)utc_ms, (long long)mono_ms);
    trusted_t old;
    bool found;
    int err = read_trusted(st, &old, &found);
    if (err)
        return err;
    if (found && !may_go_back && utc_ms <= old.utc_ms)
        return KIOSK_OK;
    const trusted_t t = {utc_ms, st->boot_count, mono_ms};
    return write_trusted(st, &t);
}

/* The latest export time (0: none), for a database from before the trusted clock. */
static int latest_export_ms(store_t *st, int64_t *ms)
{
    return sq_query_int(&st->c,
                        "SELECT coalesce(CAST((julianday(max(exported_at)) - 2440587.5)"
                        " * 86400000 AS INTEGER), 0) FROM records",
                        ms, "cannot read the last export from");
}

int store_retention_clock(store_t *st, const record_time_t *wall, store_retention_clock_t *out)
{
    assert(st && wall && out);
    *out = (store_retention_clock_t){0};
    trusted_t t;
    bool found;
    int err = read_trusted(st, &t, &found);
    if (!err && !found) {
        err = latest_export_ms(st, &t.utc_ms);
        t.boot = 0; /* no monotonic time to add to it */
    }
    if (err)
        return err;
    if (t.utc_ms <= 0) {
        out->held = true; /* never confirmed: nothing is erased */
        return KIOSK_OK;
    }
    const bool same_boot = t.boot != 0 && t.boot == st->boot_count && wall->mono_ms >= t.mono_ms;
    const int64_t trusted = same_boot ? t.utc_ms + (wall->mono_ms - t.mono_ms) : t.utc_ms;
    out->trusted_ms = trusted;
    out->now_utc_ms = wall->utc_ms < trusted ? wall->utc_ms : trusted;
    out->held = wall->utc_ms > trusted + STORE_CLOCK_AGREE_MS;
    const bool agrees = same_boot && !out->held && wall->utc_ms >= trusted - STORE_CLOCK_AGREE_MS;
    if (agrees && wall->clock_synced && out->now_utc_ms > t.utc_ms) {
        const trusted_t now = {out->now_utc_ms, st->boot_count, wall->mono_ms};
        err = write_trusted(st, &now);
    }
    return err;
}
