/* The kiosk's store, read side: records in insertion order, the export snapshot and its
 * marks (the staff screen's figures are in store_figures.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

/* The store's own columns of the record queries, after the shared ones (sqlite_util.h). */
enum { COL_NAME = SQ_COL_FIRST_OWN, COL_PHONE, COL_HAS_CONTACT, COL_MISUSE, COL_BOOT };

#define SELECT_RECORDS                                                                             \
    "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"          \
    " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"               \
    " c.name, c.phone, c.record_id IS NOT NULL, r.misuse, r.boot"                                  \
    " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id"

#define SELECT_RECORDS_NOT_INDEXED                                                                 \
    "SELECT r.kind, r.uuid, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"          \
    " r.answers, r.ref_code, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"               \
    " c.name, c.phone, c.record_id IS NOT NULL, r.misuse, r.boot"                                  \
    " FROM records AS r NOT INDEXED LEFT JOIN contacts AS c ON c.record_id = r.id"

static const char foreach_sql[] = SELECT_RECORDS " ORDER BY r.id";
/* Records not yet exported are always the newest (every mark covers all ids up to the
 * export's last): they are read as one range of ids, straight from the table, from the
 * lowest one not exported (found through the exported_at index) up to the snapshot. */
#define NEW_RANGE                                                                                  \
    " WHERE r.id BETWEEN (SELECT coalesce(min(id), ?1 + 1) FROM records WHERE exported_at IS "     \
    "NULL)"                                                                                        \
    " AND ?1 AND r.exported_at IS NULL"
static const char export_new_sql[] = SELECT_RECORDS_NOT_INDEXED NEW_RANGE " ORDER BY r.id";
static const char export_all_sql[] = SELECT_RECORDS " WHERE r.id <= ?1 ORDER BY r.id";

/* Fills rec from the current row. answers_json, contact_name and contact_phone point into
 * SQLite's row memory, valid until the next step: rec must not be passed to record_clear(). */
static bool row_to_record(sqlite3_stmt *stmt, record_t *rec)
{
    if (!sq_row_to_record(stmt, rec))
        return false;
    rec->misuse = sqlite3_column_int(stmt, COL_MISUSE) != 0;
    rec->time.boot = sqlite3_column_int64(stmt, COL_BOOT);
    /* Fetch all text pointers after the copies: no later column access converts them. */
    rec->answers_json = (char *)sqlite3_column_text(stmt, SQ_COL_ANSWERS);
    rec->contact_name = (char *)sqlite3_column_text(stmt, COL_NAME);
    rec->contact_phone = (char *)sqlite3_column_text(stmt, COL_PHONE);
    rec->consent = sqlite3_column_int(stmt, COL_HAS_CONTACT) != 0;
    return rec->answers_json != NULL;
}

/* The statement is prepared per call, so a callback may use the store, even another
 * store_foreach_record(). The record_t handed to cb borrows SQLite's memory (see
 * row_to_record()); cb must copy what it keeps. */
/* Runs sql (the foreach columns, with optional ?1 = max id) and calls cb per row. */
static int foreach_sql_run(store_t *st, const char *sql, int64_t max_id,
                           int (*cb)(const record_t *rec, void *user_data), void *user_data)
{
    sqlite3_stmt *stmt = NULL;
    int ret = KIOSK_OK;
    int rc = sqlite3_prepare_v2(st->c.db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return sq_fail_db(&st->c, rc, "cannot read records from");
    if (sqlite3_bind_parameter_count(stmt) > 0)
        sqlite3_bind_int64(stmt, 1, max_id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        record_t rec;
        if (!row_to_record(stmt, &rec)) {
            ret = sq_fail(&st->c, KIOSK_ECORRUPT,
                          "cannot read records from %s: a stored record does not fit a record",
                          st->c.path);
            goto finalize;
        }
        ret = cb(&rec, user_data);
        if (ret != 0)
            goto finalize;
    }
    if (rc != SQLITE_DONE)
        ret = sq_fail_db(&st->c, rc, "cannot read records from");

finalize:
    sqlite3_finalize(stmt);
    return ret;
}

int store_foreach_record(store_t *st, int (*cb)(const record_t *rec, void *user_data),
                         void *user_data)
{
    assert(st && cb);
    return foreach_sql_run(st, foreach_sql, 0, cb, user_data);
}

/* ---- export ---- */

int store_export_begin(store_t *st, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    assert(st);
    int err = sq_query_int(&st->c, "SELECT coalesce(max(id), 0) FROM records", max_id,
                           "cannot read records from");
    if (!err)
        err = sq_query_int(&st->c,
                           all ? "SELECT count(*) FROM records"
                               : "SELECT count(*) FROM records WHERE exported_at IS NULL",
                           count, "cannot count records in");
    bool found = false;
    int64_t last = 0;
    if (!err)
        err = store_meta_get_int(st, "export_seq", &found, &last);
    if (!err)
        *seq = (found ? last : 0) + 1;
    return err;
}

int store_foreach_export(store_t *st, bool all, int64_t max_id,
                         int (*cb)(const record_t *rec, void *user_data), void *user_data)
{
    assert(st && cb);
    return foreach_sql_run(st, all ? export_all_sql : export_new_sql, max_id, cb, user_data);
}

int store_mark_exported(store_t *st, int64_t max_id, int64_t seq, int64_t now_utc_ms,
                        int64_t *marked)
{
    assert(st);
    char when[ISO8601_LEN];
    iso8601_format(now_utc_ms, 0, when);
    int err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start marking exported records in");
    if (err)
        return err;
    sqlite3_stmt *stmt = NULL;
    /* One statement over the range of ids the export read (see NEW_RANGE), walking the table
     * rather than the index of the column it changes. */
    int rc = sqlite3_prepare_v2(st->c.db,
                                "UPDATE records NOT INDEXED SET exported_at = ?1"
                                " WHERE id BETWEEN (SELECT coalesce(min(id), ?2 + 1) FROM records"
                                " WHERE exported_at IS NULL) AND ?2 AND exported_at IS NULL",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 1, when, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 2, max_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->c.db);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK) {
        err = sq_fail_db(&st->c, rc, "cannot mark exported records in");
        goto rollback;
    }
    if (marked)
        *marked = sqlite3_changes64(st->c.db);
    err = store_tallies_after_export(st, max_id);
    if (!err)
        err = store_meta_set_int(st, "export_seq", seq);
    if (err)
        goto rollback;
    err = sq_exec(&st->c, "COMMIT", "cannot commit exported marks to");
    if (err)
        goto rollback;
    return KIOSK_OK;
rollback:
    sq_rollback(&st->c);
    return err;
}

int store_set_last_export_stick(store_t *st, const char *where)
{
    assert(st && where);
    return store_meta_set(st, "last_export_stick", where, 0);
}
