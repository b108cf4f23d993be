/* Retention that cannot run ahead: a wall clock far ahead (synchronised or not) erases nothing
 * early; the time staff confirmed (the clock page, an export) and the monotonic time since it
 * decide. On a real SQLite file through the store, then the real kiosk binary driven by a
 * script whose clock runs 200 days ahead. */
#define _GNU_SOURCE
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/kerr.h"
#include "core/record.h"
#include "proc_util.h"
#include "scratch_util.h"
#include "store/store.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
static const int64_t t0 = 1795897905123; /* 2026-11-28T20:31:45.123Z */

/* A fresh store in its own directory, with a boot counted. */
static store_t *fresh_store(char path[PATH_MAX], const char *boot_id)
{
    char dir[PATH_MAX];
    if (!make_scratch_dir(dir, "retention"))
        return NULL;
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    if (store_open(path, &st, NULL, 0) != KIOSK_OK)
        return NULL;
    if (store_note_boot(st, boot_id, NULL) != KIOSK_OK) {
        store_close(st);
        return NULL;
    }
    return st;
}

static record_time_t at(int64_t utc_ms, int64_t mono_ms, bool synced)
{
    return (record_time_t){
        .utc_ms = utc_ms, .offset_min = 480, .clock_synced = synced, .mono_ms = mono_ms};
}

/* A resident signs up at t (name and phone), then a quick rating comes at ahead. */
static void sign_up_then_rating(store_t *st, record_time_t t, record_time_t ahead)
{
    record_t r = {.kind = RECORD_SERVICE_REQUEST};
    snprintf(r.journey_id, sizeof r.journey_id, "signup");
    snprintf(r.kiosk_id, sizeof r.kiosk_id, "kiosk-lobby-01");
    snprintf(r.pack_id, sizeof r.pack_id, "riverside-center");
    snprintf(r.pack_version, sizeof r.pack_version, "1");
    snprintf(r.lang, sizeof r.lang, "en");
    r.answers_json = strdup("{\"service\":\"legal_aid\"}");
    r.contact_name = strdup("Li Hua");
    r.contact_phone = strdup("13800138000");
    r.consent = true;
    r.time = t;
    CHECK_INT(store_save(st, &r), KIOSK_OK);
    record_clear(&r);
    record_t q = {.kind = RECORD_QUICK_RATING};
    snprintf(q.journey_id, sizeof q.journey_id, "quick");
    snprintf(q.kiosk_id, sizeof q.kiosk_id, "kiosk-lobby-01");
    snprintf(q.pack_id, sizeof q.pack_id, "riverside-center");
    snprintf(q.pack_version, sizeof q.pack_version, "1");
    snprintf(q.lang, sizeof q.lang, "en");
    q.answers_json = strdup("{\"face\":3}");
    q.time = ahead;
    CHECK_INT(store_save(st, &q), KIOSK_OK);
    record_clear(&q);
}

static int64_t contacts_in(const char *path)
{
    sqlite3 *db = NULL;
    int64_t n = -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM contacts WHERE name = 'Li Hua'"
                           " AND phone = '13800138000'",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/* Runs retention as the app does: at the time store_retention_clock() allows. */
static store_retention_clock_t retention_at(store_t *st, record_time_t wall)
{
    store_retention_clock_t c;
    CHECK_INT(store_retention_clock(st, &wall, &c), KIOSK_OK);
    CHECK(c.now_utc_ms <= wall.utc_ms);
    if (c.now_utc_ms)
        CHECK_INT(store_apply_retention(st, c.now_utc_ms, NULL, NULL, NULL), KIOSK_OK);
    return c;
}

/* Never confirmed: a clock 200 days ahead, synchronised or not, erases nothing. */
static void a_clock_ahead_never_confirmed_erases_nothing(void)
{
    for (int synced = 0; synced < 2; synced++) {
        char path[PATH_MAX];
        store_t *st = fresh_store(path, "boot-a");
        REQUIRE(st);
        record_time_t ahead = at(t0 + 200 * DAY_MS, 60000, synced);
        sign_up_then_rating(st, at(t0, 50000, synced), ahead);
        store_retention_clock_t c = retention_at(st, ahead);
        CHECK(c.held);
        CHECK_INT(c.now_utc_ms, 0);
        CHECK_INT(contacts_in(path), 1);
        store_close(st);
    }
}

/* Confirmed at t0 on this boot: an hour of monotonic time later the clock says 200 days on;
 * retention runs at t0 + 1 h, erases nothing and says it waits. After staff set the clock to
 * the same date (the clock page), the contact collected 200 days earlier is erased. */
static void a_staff_confirmation_lets_retention_catch_up(void)
{
    for (int synced = 0; synced < 2; synced++) {
        char path[PATH_MAX];
        store_t *st = fresh_store(path, "boot-a");
        REQUIRE(st);
        CHECK_INT(store_confirm_time(st, t0, 1000, true), KIOSK_OK);
        record_time_t ahead = at(t0 + 200 * DAY_MS, 1000 + HOUR_MS, synced);
        sign_up_then_rating(st, at(t0, 1000, synced), ahead);
        store_retention_clock_t c = retention_at(st, ahead);
        CHECK(c.held);
        CHECK_INT(c.now_utc_ms, t0 + HOUR_MS);
        CHECK_INT(c.trusted_ms, t0 + HOUR_MS);
        CHECK_INT(contacts_in(path), 1);
        /* Held retention does not move the confirmed time forward. */
        store_close(st);
        REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
        CHECK_INT(store_note_boot(st, "boot-a", NULL), KIOSK_OK);
        c = retention_at(st, at(t0 + 200 * DAY_MS, 1000 + 2 * HOUR_MS, synced));
        CHECK_INT(c.now_utc_ms, t0 + 2 * HOUR_MS);
        CHECK_INT(contacts_in(path), 1);
        /* Staff confirm 200 days on: the collection-age rule (180 days) applies. */
        CHECK_INT(store_confirm_time(st, t0 + 200 * DAY_MS, 1000 + 3 * HOUR_MS, true), KIOSK_OK);
        c = retention_at(st, at(t0 + 200 * DAY_MS + 60000, 1000 + 3 * HOUR_MS + 60000, synced));
        CHECK(!c.held);
        CHECK_INT(c.now_utc_ms, t0 + 200 * DAY_MS + 60000);
        CHECK_INT(contacts_in(path), 0);
        store_close(st);
    }
}

/* Staff correcting a clock that ran ahead move the confirmed time back; an export only ever
 * moves it forward. */
static void a_confirmation_may_go_back_an_export_only_forward(void)
{
    char path[PATH_MAX];
    store_t *st = fresh_store(path, "boot-a");
    REQUIRE(st);
    CHECK_INT(store_confirm_time(st, t0 + 200 * DAY_MS, 1000, false), KIOSK_OK);
    CHECK_INT(store_confirm_time(st, t0, 1000, false), KIOSK_OK); /* an export: ignored */
    store_retention_clock_t c;
    record_time_t w = at(t0 + 200 * DAY_MS, 1000, false);
    CHECK_INT(store_retention_clock(st, &w, &c), KIOSK_OK);
    CHECK_INT(c.trusted_ms, t0 + 200 * DAY_MS);
    CHECK_INT(store_confirm_time(st, t0, 1000, true), KIOSK_OK); /* staff: taken */
    CHECK_INT(store_retention_clock(st, &w, &c), KIOSK_OK);
    CHECK_INT(c.trusted_ms, t0);
    CHECK(c.held);
    CHECK_INT(store_confirm_time(st, 0, 1000, true), KIOSK_EINVAL);
    CHECK_INT(store_confirm_time(st, t0, -1, true), KIOSK_EINVAL);
    store_close(st);
}

/* An export's time counts: the sign-up collected 181 days before an export made 181 days
 * later loses its contact; one made at 179 days keeps it. */
static void an_exports_time_counts(void)
{
    for (int days = 179; days <= 181; days += 2) {
        char path[PATH_MAX];
        store_t *st = fresh_store(path, "boot-a");
        REQUIRE(st);
        sign_up_then_rating(st, at(t0, 1000, false), at(t0 + 1000, 2000, false));
        /* the app confirms an export's time when the bundle is done */
        CHECK_INT(store_confirm_time(st, t0 + days * DAY_MS, 5000, false), KIOSK_OK);
        record_time_t w = at(t0 + days * DAY_MS + 1000, 6000, false);
        store_retention_clock_t c = retention_at(st, w);
        CHECK(!c.held);
        CHECK_INT(c.now_utc_ms, t0 + days * DAY_MS + 1000);
        CHECK_INT(contacts_in(path), days > 180 ? 0 : 1);
        store_close(st);
    }
}

/* A database from before the confirmed clock: its latest export time stands in. */
static void the_latest_export_stands_in_before_any_confirmation(void)
{
    char path[PATH_MAX];
    store_t *st = fresh_store(path, "boot-a");
    REQUIRE(st);
    sign_up_then_rating(st, at(t0, 1000, true), at(t0 + 1000, 2000, true));
    int64_t marked = 0;
    CHECK_INT(store_mark_exported(st, 1, 1, t0 + 10 * DAY_MS, &marked), KIOSK_OK);
    CHECK_INT(marked, 1);
    store_retention_clock_t c;
    record_time_t w = at(t0 + 200 * DAY_MS, 3000, true);
    CHECK_INT(store_retention_clock(st, &w, &c), KIOSK_OK);
    CHECK_INT(c.trusted_ms, t0 + 10 * DAY_MS);
    CHECK_INT(c.now_utc_ms, t0 + 10 * DAY_MS);
    CHECK(c.held);
    store_close(st);
}

/* A synchronised clock that agrees with the monotonic time since the confirmation becomes the
 * confirmed time, and a reboot (the monotonic clock starts again) starts from it; an
 * unsynchronised one is used but not kept; after a reboot only a confirmation counts. */
static void a_synchronised_clock_that_agrees_moves_the_confirmed_time(void)
{
    for (int synced = 0; synced < 2; synced++) {
        char path[PATH_MAX];
        store_t *st = fresh_store(path, "boot-a");
        REQUIRE(st);
        CHECK_INT(store_confirm_time(st, t0, 1000, true), KIOSK_OK);
        /* 30 days of monotonic time; the clock a minute fast: agrees */
        const int64_t later = t0 + 30 * DAY_MS;
        store_retention_clock_t c;
        record_time_t w = at(later + 60000, 1000 + 30 * DAY_MS, synced);
        CHECK_INT(store_retention_clock(st, &w, &c), KIOSK_OK);
        CHECK(!c.held);
        CHECK_INT(c.now_utc_ms, later);
        store_close(st);
        /* Reboot: the monotonic clock restarts at 0, the clock says 200 days on. */
        REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
        CHECK_INT(store_note_boot(st, "boot-b", NULL), KIOSK_OK);
        w = at(t0 + 200 * DAY_MS, 500 + 30 * DAY_MS, true);
        CHECK_INT(store_retention_clock(st, &w, &c), KIOSK_OK);
        CHECK(c.held);
        CHECK_INT(c.now_utc_ms, synced ? later : t0);
        store_close(st);
    }
}

/* A damaged trusted_clock value trusts nothing. */
static void a_damaged_confirmed_time_trusts_nothing(void)
{
    char path[PATH_MAX];
    store_t *st = fresh_store(path, "boot-a");
    REQUIRE(st);
    CHECK_INT(store_confirm_time(st, t0, 1000, true), KIOSK_OK);
    store_close(st);
    sqlite3 *db = NULL;
    REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE meta SET value = '99999999999999 x' WHERE key = 'trusted_clock'",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK_INT(sqlite3_changes(db), 1);
    sqlite3_close(db);
    REQUIRE(store_open(path, &st, NULL, 0) == KIOSK_OK);
    store_retention_clock_t c;
    record_time_t w = at(t0 + 200 * DAY_MS, 3000, true);
    CHECK_INT(store_retention_clock(st, &w, &c), KIOSK_OK);
    CHECK(c.held);
    CHECK_INT(c.now_utc_ms, 0);
    store_close(st);
}

/* ---- the real kiosk ---- */

/* A resident signs up (name and phone); the clock jumps 200 days ahead (synchronised or not);
 * a quick rating is stored at that time; an hour passes on the home screen (retention runs);
 * the name and phone are still there, and the log says retention waits. */
static void the_kiosk_with_its_clock_ahead_keeps_a_sign_up(void)
{
    static const char *const flags[] = {"synced", "unsynced"};
    for (int i = 0; i < 2; i++) {
        char db[700], script[700], name[64];
        snprintf(name, sizeof name, "retention-ahead-%s", flags[i]);
        snprintf(db, sizeof db, "%s/%s.db", tmp, name);
        snprintf(script, sizeof script, "%s/%s.script", tmp, name);
        char cmd[2200];
        snprintf(cmd, sizeof cmd, "rm -f '%s' '%s'-wal '%s'-shm", db, db, db);
        CHECK(system(cmd) == 0);
        char body[1400];
        snprintf(body, sizeof body,
                 "press journey 1\npress choice 3\npress choice 1\n"
                 "press choice 2\ntext Help with shopping\npress next\n"
                 "press choice 1\nexpect question name\ntext Li Hua\n"
                 "press next\nexpect question phone\ntext 13800138000\n"
                 "press next\nexpect screen thanks\npress done\nexpect screen home\n"
                 "clock +200d %s\n"
                 "press face 3\nexpect screen question\npress skip\nexpect screen thanks\n"
                 "press done\nexpect screen home\nwait 3700000\nexpect screen home\n"
                 "echo after-retention\n",
                 flags[i]);
        REQUIRE(write_file(script, body));
        char *args[] = {"--headless", "--db", db, "--script", script, NULL};
        static char out[1 << 14];
        char *err = NULL;
        int status = run_kiosk(name, args, out, sizeof out, &err);
        CHECK_INT(status, 0);
        /* the hourly run came after the jump, and waited */
        const char *after = strstr(out, "event=saved kind=quick_rating");
        CHECK(after && strstr(after, "event=retention held=yes contacts=0"));
        CHECK(strstr(out, "after-retention") != NULL);
        CHECK(err && strstr(err, "retention waits for a confirmed clock"));
        free(err);
        CHECK_INT(contacts_in(db), 1);
    }
}

/* Then staff set the clock on the clock page (to the date it shows, 200 days on): that time
 * is confirmed, and the next retention erases the contact collected 200 days before. */
static void a_staff_clock_confirmation_lets_the_kiosk_erase(void)
{
    char db[700], script[700], cfg[700], hash[256], cmd[2400], text[1200];
    snprintf(db, sizeof db, "%s/retention-ahead-unsynced.db", tmp);
    REQUIRE(contacts_in(db) == 1); /* left by the test before */
    snprintf(cmd, sizeof cmd, "echo 97531 | '%s' --hash-pin", kiosk_bin);
    FILE *f = popen(cmd, "r");
    REQUIRE(f && fgets(hash, sizeof hash, f));
    pclose(f);
    hash[strcspn(hash, "\n")] = '\0';
    snprintf(cfg, sizeof cfg, "%s/retention-clock.json", tmp);
    snprintf(text, sizeof text,
             "{\"staff\": {\"pinHash\": \"%s\"}, \"system\": {\"setClock\": [\"/bin/true\"]}}\n",
             hash);
    REQUIRE(write_file(cfg, text));
    snprintf(script, sizeof script, "%s/retention-clock.script", tmp);
    REQUIRE(write_file(script, "clock +200d unsynced\nexpect screen home\n"
                               "key F12\ntext 97531\npress staff_ok\nexpect staff open\n"
                               "press staff_page clock\nexpect staff-page clock\n"
                               "press staff_clock_set\nexpect staff-page clock\n"
                               "press staff_close\nexpect screen home\nwait 3700000\n"
                               "expect screen home\necho after-retention\n"));
    char *args[] = {"--headless", "--config", cfg, "--db", db, "--script", script, NULL};
    static char out[1 << 14];
    char *err = NULL;
    CHECK_INT(run_kiosk("retention-clock", args, out, sizeof out, &err), 0);
    const char *set = strstr(out, "event=clock result=set");
    CHECK(set && strstr(set, "event=retention held=no contacts=1"));
    CHECK(err && strstr(err, "retention runs again"));
    free(err);
    CHECK_INT(contacts_in(db), 0);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(a_clock_ahead_never_confirmed_erases_nothing);
    RUN(a_staff_confirmation_lets_retention_catch_up);
    RUN(a_confirmation_may_go_back_an_export_only_forward);
    RUN(an_exports_time_counts);
    RUN(the_latest_export_stands_in_before_any_confirmation);
    RUN(a_synchronised_clock_that_agrees_moves_the_confirmed_time);
    RUN(a_damaged_confirmed_time_trusts_nothing);
    RUN(the_kiosk_with_its_clock_ahead_keeps_a_sign_up);
    RUN(a_staff_clock_confirmation_lets_the_kiosk_erase);
    return check_failures != 0;
}
