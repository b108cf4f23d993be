/* The kiosk's store: the staff screen's figures, each read in time that does not grow with the
 * database (schema 5): records of the day and the week through the index on utc_ms (their
 * cost grows with that day's or week's records only), misuse-flagged ones through a partial
 * index, and the records not exported (and the service requests among them) from the running
 * counts in table tallies, which triggers keep on every insert and delete and an export sets
 * in its own transaction. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

int store_tallies_after_export(store_t *st, int64_t max_id)
{
    /* Every record up to max_id was just marked: the ones not exported are those saved after
     * the export's snapshot, a range of the rowid (none, or the few saved while it ran). */
    char sql[320];
    snprintf(sql, sizeof sql,
             "UPDATE tallies SET n = (SELECT count(*) FROM records WHERE id > %lld"
             " AND exported_at IS NULL AND (tallies.name = 'unexported'"
             " OR kind = 'service_request'))"
             " WHERE name IN ('unexported', 'requests_unexported')",
             (long long)max_id);
    return sq_exec(&st->c, sql, "cannot count the records not exported in");
}

int store_staff_stats(store_t *st, int64_t day_start_ms, int64_t week_start_ms, staff_stats_t *out)
{
    assert(st && out);
    char week_day[ISO8601_LEN];
    iso8601_format(week_start_ms, 0, week_day);
    week_day[10] = '\0';
    char sql[6][256];
    snprintf(sql[0], sizeof sql[0], "SELECT count(*) FROM records WHERE utc_ms >= %lld",
             (long long)day_start_ms);
    snprintf(sql[1], sizeof sql[1], "SELECT count(*) FROM records WHERE utc_ms >= %lld",
             (long long)week_start_ms);
    snprintf(sql[2], sizeof sql[2], "SELECT n FROM tallies WHERE name = 'unexported'");
    snprintf(sql[3], sizeof sql[3], "SELECT n FROM tallies WHERE name = 'requests_unexported'");
    snprintf(sql[4], sizeof sql[4],
             "SELECT count(*) FROM records WHERE misuse = 1 AND utc_ms >= %lld",
             (long long)week_start_ms);
    snprintf(sql[5], sizeof sql[5],
             "SELECT coalesce(sum(count), 0) FROM session_outcomes"
             " WHERE outcome = 'timed_out' AND day >= '%s'",
             week_day);
    int64_t *dst[6] = {&out->records_today,    &out->records_week,   &out->not_exported,
                       &out->requests_waiting, &out->misuse_flagged, &out->timed_out_week};
    /* One read transaction: the figures agree with each other. */
    int err = sq_exec(&st->c, "BEGIN", "cannot read the figures of");
    for (int i = 0; i < 6 && !err; i++)
        err = sq_query_int(&st->c, sql[i], dst[i], "cannot count records in");
    /* max() is read from the end of the index on exported_at. */
    if (!err)
        err = sq_query_int(&st->c,
                           "SELECT coalesce(CAST((julianday(max(exported_at)) - 2440587.5)"
                           " * 86400000 AS INTEGER), 0) FROM records",
                           &out->last_export_ms, "cannot read the last export from");
    bool found = false;
    if (!err)
        err = store_meta_get(st, "last_export_stick", &found, out->last_export_stick,
                             sizeof out->last_export_stick, NULL);
    sq_rollback(&st->c);
    if (err)
        return err;
    if (!found)
        out->last_export_stick[0] = '\0';
    return KIOSK_OK;
}

int store_changes(store_t *st, int64_t *own, int64_t *others)
{
    assert(st && own && others);
    *own = sqlite3_total_changes64(st->c.db);
    return sq_query_int(&st->c, "PRAGMA data_version", others, "cannot read the data version of");
}
