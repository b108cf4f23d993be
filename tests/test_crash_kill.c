/* The real kiosk killed with SIGKILL at random instants, again and again on the same
 * database: after each kill the database must pass PRAGMA integrity_check, and every
 * submission whose thank-you was reached (the kiosk logs that moment, after COMMIT) must be
 * there, identical, once. KIOSK_KILL_TRIALS sets the number of kills (default 25;
 * tools/crash-test runs hundreds). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "proc_util.h"

#define MAX_ACKED 20000

typedef struct {
    char uuid[40];
    int pos;      /* position of the save in journeys.script (journeys_expected) */
    bool updated; /* the quick rating's follow-up was acknowledged too */
} acked_t;

static acked_t acked[MAX_ACKED];
static size_t nacked;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static acked_t *find(const char *uuid)
{
    for (size_t i = 0; i < nacked; i++)
        if (strcmp(acked[i].uuid, uuid) == 0)
            return &acked[i];
    return NULL;
}

/* What one run has read of the kiosk's stdout. */
typedef struct {
    char buf[8192];
    size_t used;
    int saves; /* saves seen in this run, in order */
    char pending[40];
    int pending_pos;
} reader_t;

/* Takes the complete lines in r->buf: saves, thank-yous (acknowledged), updates. */
static void take_lines(reader_t *r, long *thanks)
{
    char *line = r->buf, *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
        *nl = '\0';
        char uuid[40];
        if (sscanf(line, "event=saved kind=%*s journey=%*s uuid=%39s", uuid) == 1) {
            snprintf(r->pending, sizeof r->pending, "%s", uuid);
            r->pending_pos = r->saves++;
        } else if (sscanf(line, "event=thanks uuid=%39s", uuid) == 1) {
            acked_t *a = find(uuid);
            if (!a && nacked < MAX_ACKED && strcmp(uuid, r->pending) == 0) {
                a = &acked[nacked++];
                snprintf(a->uuid, sizeof a->uuid, "%s", uuid);
                a->pos = r->pending_pos;
                a->updated = false;
                (*thanks)++;
            }
        } else if (sscanf(line, "event=updated kind=%*s journey=%*s uuid=%39s", uuid) == 1) {
            acked_t *a = find(uuid);
            if (a)
                a->updated = true;
        }
        line = nl + 1;
    }
    r->used = strlen(line);
    memmove(r->buf, line, r->used + 1);
}

/* Reads what is in the pipe; false at its end. */
static bool read_some(int fd, reader_t *r, long *thanks)
{
    ssize_t n = read(fd, r->buf + r->used, sizeof r->buf - r->used - 1);
    if (n <= 0)
        return false;
    r->used += (size_t)n;
    r->buf[r->used] = '\0';
    take_lines(r, thanks);
    return true;
}

/* Runs the kiosk over journeys.script and kills it after kill_ms; records what it
 * acknowledged, including the thank-yous still in the pipe at the kill (the kiosk reached
 * them: they count). Returns the run's length in ms when it ended by itself, else 0. */
static int64_t run_and_kill(const char *db, int64_t kill_ms, long *thanks)
{
    char *args[] = {"--headless",
                    "--db",
                    (char *)db,
                    "--kiosk-id",
                    "crash-kiosk",
                    "--script",
                    KIOSK_SCRIPTS "/journeys.script",
                    NULL};
    proc_t p;
    if (!start(&p, "kill", args))
        return -1;
    int64_t t0 = mono_ms();
    int fd = fileno(p.out);
    static reader_t r;
    memset(&r, 0, sizeof r);
    r.pending_pos = -1;
    bool ended = false;
    for (;;) {
        int64_t left = kill_ms - (mono_ms() - t0);
        if (left <= 0)
            break;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, (int)left);
        if (ready <= 0)
            continue;
        if (!read_some(fd, &r, thanks)) {
            ended = true;
            break;
        }
    }
    int64_t len = mono_ms() - t0;
    kill(p.pid, SIGKILL);
    while (!ended && read_some(fd, &r, thanks))
        ; /* to the end of the pipe: lines written before the kill */
    finish(&p, NULL, 0);
    return ended ? len : 0;
}

/* The quick rating's stored answers before its follow-up was added. */
static const char *without_followup(int pos)
{
    return pos == 0 ? "{\"rating\":4}" : NULL;
}

typedef struct {
    long kills, thanks, lost, duplicated, different, corrupt, extra;
} totals_t;

static void check_db(const char *db, totals_t *t)
{
    sqlite3 *d;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        t->corrupt++;
        sqlite3_close(d);
        return;
    }
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(d, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    if (!ok)
        t->corrupt++;
    static int seen[MAX_ACKED];
    memset(seen, 0, sizeof seen);
    long rows = 0;
    if (sqlite3_prepare_v2(d, "SELECT uuid, answers FROM records", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            rows++;
            const char *uuid = (const char *)sqlite3_column_text(st, 0);
            const char *answers = (const char *)sqlite3_column_text(st, 1);
            acked_t *a = find(uuid);
            if (!a)
                continue; /* committed, but killed before the thank-you: allowed */
            seen[a - acked]++;
            const char *want = journeys_expected[a->pos].answers;
            const char *before = without_followup(a->pos);
            bool same = strcmp(answers, want) == 0 ||
                        (!a->updated && before && strcmp(answers, before) == 0);
            if (!same) {
                t->different++;
                fprintf(stderr, "  DIFFERENT %s: %s\n", uuid, answers);
            }
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(d);
    for (size_t i = 0; i < nacked; i++) {
        if (seen[i] == 0) {
            t->lost++;
            fprintf(stderr, "  LOST %s (save %d of the script)\n", acked[i].uuid, acked[i].pos);
        }
        if (seen[i] > 1)
            t->duplicated++;
    }
    t->extra = rows - (long)nacked;
}

static void acknowledged_submissions_survive_sigkill(void)
{
    char db[700], cmd[1200];
    snprintf(db, sizeof db, "%s/kill/kiosk.db", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s/kill' && mkdir -p '%s/kill'", tmp, tmp);
    REQUIRE(system(cmd) == 0);
    long thanks = 0;
    /* How long one undisturbed run takes: the kill instants spread over it. */
    int64_t full = run_and_kill(db, 60000, &thanks);
    REQUIRE(full > 0);
    long trials = getenv("KIOSK_KILL_TRIALS") ? atol(getenv("KIOSK_KILL_TRIALS")) : 25;
    totals_t t = {0};
    unsigned int seed = 12345;
    for (long k = 0; k < trials; k++) {
        seed = seed * 1103515245u + 12345u;
        int64_t at = 1 + (int64_t)((seed >> 8) % (unsigned)(full + 50));
        run_and_kill(db, at, &thanks);
        t.kills++;
        check_db(db, &t);
    }
    t.thanks = thanks;
    fprintf(stderr,
            "  one run takes %lld ms; %ld kills; thank-yous reached %ld: lost %ld, duplicated "
            "%ld, different %ld, integrity failures %ld; stored but killed before the "
            "thank-you %ld\n",
            (long long)full, t.kills, t.thanks, t.lost, t.duplicated, t.different, t.corrupt,
            t.extra);
    CHECK(t.thanks > (long)trials / 2);
    CHECK_INT(t.lost, 0);
    CHECK_INT(t.duplicated, 0);
    CHECK_INT(t.different, 0);
    CHECK_INT(t.corrupt, 0);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s", getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp");
    signal(SIGPIPE, SIG_IGN);
    RUN(acknowledged_submissions_survive_sigkill);
    return check_failures != 0;
}
