/* The start-up check off the first frame's path: the real kiosk draws its first frame and
 * takes answers while the database's check is held, a save waits for the check (also when the
 * check finds the database damaged: the save lands in the fresh database beside what was
 * salvaged), and the hash chain's verification on a connection of its own never takes a save
 * made during its walk for a lost record, writes nothing itself, and stops when asked. */
#include "check.h"
#include "raw_util.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "core/record.h"
#include "proc_util.h"
#include "scratch_util.h"
#include "store/store.h"

/* Record number i: a padded answer, so that a few records fill a page. */
static void make_numbered(record_t *rec, int i)
{
    memset(rec, 0, sizeof *rec);
    char pad[401], answers[500];
    memset(pad, 'a' + i % 26, sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    snprintf(answers, sizeof answers, "{\"i\":%d,\"note\":\"%s\"}", i, pad);
    rec->kind = RECORD_FEEDBACK;
    snprintf(rec->journey_id, sizeof rec->journey_id, "feedback");
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "kiosk-lobby-01");
    snprintf(rec->pack_id, sizeof rec->pack_id, "default");
    snprintf(rec->pack_version, sizeof rec->pack_version, "1");
    snprintf(rec->lang, sizeof rec->lang, "en");
    rec->answers_json = strdup(answers);
    snprintf(rec->uuid, sizeof rec->uuid, "00000000-0000-4000-8000-%012d", i);
    rec->time.utc_ms = 1795897905123 + i;
    rec->time.clock_synced = true;
}

static bool save_numbered(store_t *st, int from, int to)
{
    for (int i = from; i < to; i++) {
        record_t rec;
        make_numbered(&rec, i);
        const int rc = store_save(st, &rec);
        free(rec.answers_json);
        if (rc != KIOSK_OK)
            return false;
    }
    return true;
}

/* A fresh directory with kiosk.db holding n records (closed cleanly). */
static bool build(char dir[PATH_MAX], char path[PATH_MAX], int n)
{
    if (!make_scratch_dir(dir, "startup"))
        return false;
    join(path, dir, "kiosk.db");
    store_t *st = NULL;
    if (store_open(path, &st, NULL, 0) != KIOSK_OK)
        return false;
    const bool ok = save_numbered(st, 0, n);
    store_close(st);
    return ok;
}

/* Where in out the line starting with prefix is (an offset), -1 when it is not there. */
static long line_at(const char *out, const char *prefix)
{
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            return (long)(p - out);
    return -1;
}

/* The uuid of "event=saved ... uuid=U" in out, into uuid. */
static bool saved_uuid(const char *out, char uuid[RECORD_UUID_LEN + 1])
{
    const long at = line_at(out, "event=saved ");
    const char *u = at >= 0 ? strstr(out + at, "uuid=") : NULL;
    if (!u)
        return false;
    snprintf(uuid, RECORD_UUID_LEN + 1, "%.*s", (int)strcspn(u + 5, " \n"), u + 5);
    return uuid[0] != '\0';
}

/* The kiosk with the check held: home is on the screen (the first frame came without the
 * database), a quick rating is taken and its save waits; released, the check passes and the
 * save is made, after the store's open. */
static void a_save_waits_for_a_held_check_and_the_first_frame_does_not(void)
{
    char dir[PATH_MAX], path[PATH_MAX], script[PATH_MAX];
    REQUIRE(build(dir, path, 40));
    join(script, dir, "held.script");
    REQUIRE(write_file(script, "hold-startup-check\n"
                               "expect screen home\n"
                               "press face 0\n"
                               "expect screen home\n" /* the save waits: no follow-up yet */
                               "release-startup-check\n"
                               "expect screen question\n"
                               "press skip\n"
                               "expect screen thanks\n"));
    char *args[] = {"--headless", "--db", path, "--script", script, NULL};
    char out[8192], *err = NULL;
    CHECK_INT(run_kiosk("startup-held", args, out, sizeof out, &err), 0);
    const long frame = line_at(out, "event=first-frame "), open = line_at(out, "event=store-open "),
               saved = line_at(out, "event=saved "), chain = line_at(out, "event=chain-verified ");
    CHECK(frame >= 0 && open > frame && saved > open && chain > frame);
    CHECK(strstr(out, "event=first-frame ms=") && strstr(out, " mono_ns="));
    CHECK(strstr(out, "event=store-open result=ok") != NULL);
    CHECK(strstr(out, "event=chain-verified result=ok records=40") != NULL);
    char uuid[RECORD_UUID_LEN + 1] = "";
    CHECK(saved_uuid(out, uuid));
    CHECK_INT(raw_int(path, "SELECT count(*) FROM records"), 41);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE uuid = '%s'", uuid);
    CHECK_INT(raw_int(path, sql), 1);
    free(err);
    remove_tree(dir);
}

/* The same with a database whose check fails: the quarantine and salvage run while the save
 * waits, and the save goes into the fresh database, beside every salvaged record; staff get
 * the notice. */
static void a_save_waiting_on_a_damaged_database_lands_in_the_fresh_one(void)
{
    char dir[PATH_MAX], path[PATH_MAX], script[PATH_MAX];
    REQUIRE(build(dir, path, 120));
    const int64_t ps = raw_int(path, "PRAGMA page_size");
    const int64_t leaf = raw_int(path, "SELECT pageno FROM dbstat WHERE name = 'records' AND "
                                       "pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 5");
    REQUIRE(ps > 0 && leaf > 0);
    /* A leaf's header: cell count and content offset nonsense, the check fails. */
    FILE *f = fopen(path, "r+b");
    REQUIRE(f);
    const unsigned char junk[4] = {0xff, 0x7f, 0xff, 0x7f};
    CHECK(fseek(f, (long)((leaf - 1) * ps + 3), SEEK_SET) == 0 && fwrite(junk, 1, 4, f) == 4);
    fclose(f);
    join(script, dir, "damaged.script");
    REQUIRE(write_file(script, "hold-startup-check\n"
                               "expect screen home\n"
                               "press face 2\n"
                               "release-startup-check\n"
                               "expect screen question\n"
                               "press skip\n"
                               "expect screen thanks\n"));
    char *args[] = {"--headless", "--db", path, "--script", script, NULL};
    char out[8192], *err = NULL;
    CHECK_INT(run_kiosk("startup-damaged", args, out, sizeof out, &err), 0);
    CHECK(strstr(out, "event=store-open result=recovered") != NULL);
    CHECK(line_at(out, "event=saved ") > line_at(out, "event=store-open "));
    CHECK(err && strstr(err, "staff notice: ") != NULL);
    char uuid[RECORD_UUID_LEN + 1] = "";
    CHECK(saved_uuid(out, uuid));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE uuid = '%s'", uuid);
    CHECK_INT(raw_int(path, sql), 1);
    /* The salvage kept what the damaged leaf did not hold: most of the 120. */
    const int64_t salvaged =
        raw_int(path, "SELECT count(*) FROM records WHERE uuid LIKE '00000000-0000-4000-8000-%'");
    CHECK(salvaged >= 100 && salvaged <= 120);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM meta WHERE key = 'salvaged_from'"), 1);
    free(err);
    remove_tree(dir);
}

/* Sessions that end while the check is held (two residents walked away) are counted once
 * the store is open, none dropped. */
static void sessions_ended_during_the_check_are_counted_after_it(void)
{
    char dir[PATH_MAX], path[PATH_MAX], script[PATH_MAX];
    REQUIRE(build(dir, path, 5));
    join(script, dir, "sessions.script");
    REQUIRE(write_file(script, "hold-startup-check\n"
                               "press journey 1\npress choice 0\nwait 400000\n"
                               "expect screen home\n"
                               "press journey 1\npress choice 0\nwait 400000\n"
                               "expect screen home\n"
                               "release-startup-check\n"
                               "wait 1000\nexpect screen home\n"));
    char *args[] = {"--headless", "--db", path, "--script", script, NULL};
    char out[8192], *err = NULL;
    CHECK_INT(run_kiosk("startup-sessions", args, out, sizeof out, &err), 0);
    CHECK_INT(count_of(out, "event=session journey="), 2);
    CHECK_INT(raw_int(path, "SELECT coalesce(sum(count), 0) FROM session_outcomes"), 2);
    free(err);
    remove_tree(dir);
}

/* A stop callback that saves one more record through the store the first time the walk asks:
 * a save made while the verification's snapshot is open. */
typedef struct {
    store_t *st;
    int calls;
    bool saved;
    bool stop_always;
} during_t;

static bool save_during_walk(void *ud)
{
    during_t *d = ud;
    d->calls++;
    if (d->st && !d->saved)
        d->saved = save_numbered(d->st, 1000, 1001);
    return d->stop_always;
}

static void a_save_during_the_walk_is_not_taken_for_a_lost_record(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, 300));
    store_t *st = NULL;
    store_recovery_t rec;
    REQUIRE(store_open_recovered(path, &st, &rec, NULL, 0) == KIOSK_OK);
    CHECK(!rec.chain.verified); /* left to the caller */
    during_t d = {.st = st};
    store_chain_report_t rep;
    char why[512];
    CHECK_INT(store_chain_verify_path(path, save_during_walk, &d, &rep, why, sizeof why), KIOSK_OK);
    CHECK(d.saved);
    CHECK(rep.verified);
    CHECK_INT(rep.records, 300); /* the snapshot's */
    CHECK_INT(rep.lost.count, 0);
    CHECK_INT(rep.altered.count, 0);
    CHECK(!rep.head_ahead);
    /* The next full verification sees the record saved meanwhile, chained. */
    CHECK_INT(store_chain_verify(st, &rep), KIOSK_OK);
    CHECK_INT(rep.records, 301);
    CHECK_INT(rep.lost.count + rep.altered.count, 0);
    store_close(st);
    remove_tree(dir);
}

/* The verification on its own connection writes nothing: a missing head file stays missing
 * until store_chain_catch_up(), which never takes the head back behind a later save. */
static void the_head_is_caught_up_by_the_store_and_never_taken_back(void)
{
    char dir[PATH_MAX], path[PATH_MAX], head[PATH_MAX + 8];
    REQUIRE(build(dir, path, 30));
    snprintf(head, sizeof head, "%s-head", path);
    REQUIRE(unlink(head) == 0);
    store_t *st = NULL;
    REQUIRE(store_open_recovered(path, &st, NULL, NULL, 0) == KIOSK_OK);
    store_chain_report_t rep;
    CHECK_INT(store_chain_verify_path(path, NULL, NULL, &rep, NULL, 0), KIOSK_OK);
    CHECK(rep.verified && rep.head_missing);
    CHECK_INT(rep.walked_seq, 30);
    CHECK(access(head, F_OK) != 0);
    CHECK_INT(store_chain_catch_up(st, &rep), KIOSK_OK);
    int64_t seq = 0;
    char hash[65];
    CHECK_INT(store_chain_head_read(path, &seq, hash), KIOSK_OK);
    CHECK_INT(seq, 30);
    CHECK_STR(hash, rep.walked_hash);
    /* Two saves since (32 goes in the slot 30 was in): the old report must not take the head
     * back to 30. */
    REQUIRE(save_numbered(st, 500, 502));
    CHECK_INT(store_chain_catch_up(st, &rep), KIOSK_OK);
    CHECK_INT(store_chain_head_read(path, &seq, hash), KIOSK_OK);
    CHECK_INT(seq, 32);
    store_close(st);
    remove_tree(dir);
}

static void a_verification_asked_to_stop_stops(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(build(dir, path, 300));
    during_t d = {.stop_always = true};
    store_chain_report_t rep;
    char why[512] = "";
    CHECK_INT(store_chain_verify_path(path, save_during_walk, &d, &rep, why, sizeof why),
              KIOSK_EBUSY);
    CHECK(d.calls > 0);
    CHECK(!rep.verified);
    CHECK(strstr(why, "stopped") != NULL);
    remove_tree(dir);
}

/* An unclean stop ("<db>-running"): the full integrity check, in the thread, after the first
 * frame; the log says which check ran. */
static void an_unclean_stop_runs_the_full_check_after_the_first_frame(void)
{
    char dir[PATH_MAX], path[PATH_MAX], marker[PATH_MAX + 16], script[PATH_MAX];
    REQUIRE(build(dir, path, 20));
    snprintf(marker, sizeof marker, "%s-running", path);
    REQUIRE(write_file(marker, ""));
    join(script, dir, "unclean.script");
    REQUIRE(write_file(script, "expect screen home\npress face 1\nexpect screen question\n"));
    char *args[] = {"--headless", "--db", path, "--script", script, NULL};
    char out[8192], *err = NULL;
    CHECK_INT(run_kiosk("startup-unclean", args, out, sizeof out, &err), 0);
    CHECK(line_at(out, "event=store-open result=ok") > line_at(out, "event=first-frame "));
    CHECK(err && strstr(err, "full integrity check passed") != NULL);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM records"), 21);
    CHECK(access(marker, F_OK) != 0); /* closed cleanly at the end */
    free(err);
    remove_tree(dir);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(a_save_waits_for_a_held_check_and_the_first_frame_does_not);
    RUN(a_save_waiting_on_a_damaged_database_lands_in_the_fresh_one);
    RUN(sessions_ended_during_the_check_are_counted_after_it);
    RUN(a_save_during_the_walk_is_not_taken_for_a_lost_record);
    RUN(the_head_is_caught_up_by_the_store_and_never_taken_back);
    RUN(a_verification_asked_to_stop_stops);
    RUN(an_unclean_stop_runs_the_full_check_after_the_first_frame);
    return check_failures != 0;
}
