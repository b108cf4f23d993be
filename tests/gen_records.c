/* Record generator for benchmarks: writes N records of the default pack's journeys straight
 * into a database of the kiosk's schema, through the store's own store_save() (so the hash
 * chain, the head file, the wall-clock guard and whatever else a save keeps stay exactly as
 * the kiosk writes them), but without the synced commits of a real save: the database is
 * built with synchronous=OFF in a scratch directory (tmpfs by default, where fdatasync costs
 * nothing) and then copied into place and synced once. What it makes is what a kiosk holds
 * after N residents, not a shortcut schema.
 *
 * Usage: gen_records DB N [--exported K] [--days D] [--seed S] [--scratch DIR]
 *   DB          the database to create (it, its -wal, -shm and -head are replaced)
 *   N           how many records
 *   --exported  mark the first K records exported (as a stick export would), default 0
 *   --days      spread the records over the D days before 2026-12-01, default 365
 *   --seed      seed of the pseudo-random mix of journeys and answers, default 1
 *   --scratch   where to build it, default /dev/shm (falls back to DB's directory) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kerr.h"
#include "store/store.h"
#include "store/store_internal.h"

/* 2026-12-01T00:00:00Z */
#define GEN_END_MS 1796083200000LL

typedef struct {
    long n, exported, days;
    unsigned seed;
    const char *db, *scratch;
} gen_opts_t;

static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static const char *const TOPICS[] = {"FACILITIES", "STAFF", "ACTIVITIES", "CLEANLINESS", "OTHER"};
static const char *const SERVICES[] = {"PSY_COUNSEL", "ELDER_CARE", "TUTORING", "REHAB",
                                       "LEGAL_AID"};
static const char *const LANGS[] = {"zh-cn", "zh-cn", "zh-cn", "en", "ug"};

/* One record of the mix the default pack produces: mostly quick ratings and feedback, some
 * service requests (with contact details), questionnaires and activity sign-ups. */
static void make_record(long i, unsigned *s, record_t *rec, char *json, size_t jsonlen, char *name,
                        char *phone, long span_ms, long n)
{
    const unsigned r = next_rand(s) % 100;
    memset(rec, 0, sizeof *rec);
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "bench-kiosk");
    snprintf(rec->pack_id, sizeof rec->pack_id, "default");
    snprintf(rec->pack_version, sizeof rec->pack_version, "1");
    snprintf(rec->lang, sizeof rec->lang, "%s", LANGS[next_rand(s) % 5]);
    const char *topic = TOPICS[next_rand(s) % 5];
    if (r < 40) {
        rec->kind = RECORD_QUICK_RATING;
        snprintf(rec->journey_id, sizeof rec->journey_id, "quick_rating");
        snprintf(json, jsonlen, "{\"face\":%u}", next_rand(s) % 4 + 1);
    } else if (r < 70) {
        rec->kind = RECORD_FEEDBACK;
        snprintf(rec->journey_id, sizeof rec->journey_id, "feedback");
        snprintf(json, jsonlen,
                 "{\"topic\":\"%s\",\"rating\":%u,\"comment\":\"活动室的灯有点暗，希望能换亮"
                 "一些。record %ld\"}",
                 topic, next_rand(s) % 5 + 1, i);
    } else if (r < 82) {
        rec->kind = RECORD_SERVICE_REQUEST;
        snprintf(rec->journey_id, sizeof rec->journey_id, "service_request");
        snprintf(json, jsonlen,
                 "{\"service\":\"%s\",\"urgency\":\"normal\",\"details\":\"想了解一下上门"
                 "服务的时间 %ld\",\"contactBy\":\"phone\"}",
                 SERVICES[next_rand(s) % 5], i);
        snprintf(name, 32, "王%ld", i % 1000);
        snprintf(phone, 16, "021%08ld", i % 100000000);
        rec->contact_name = name;
        rec->contact_phone = phone;
        rec->consent = true;
    } else if (r < 94) {
        rec->kind = RECORD_QUESTIONNAIRE;
        snprintf(rec->journey_id, sizeof rec->journey_id, "needs_survey_2026");
        snprintf(json, jsonlen,
                 "{\"satisfaction\":%u,\"livesAlone\":%s,\"needs\":[\"MEALS\",\"HEALTH\"],"
                 "\"ageGroup\":\"AGE_%u\"}",
                 next_rand(s) % 5 + 1, next_rand(s) % 2 ? "true" : "false",
                 60 + next_rand(s) % 4 * 10);
    } else {
        rec->kind = RECORD_ACTIVITY;
        snprintf(rec->journey_id, sizeof rec->journey_id, "activities");
        snprintf(json, jsonlen, "{\"activity\":\"ACT_2026_12_HEALTH_TALK\",\"people\":%u}",
                 next_rand(s) % 3 + 1);
    }
    rec->answers_json = json;
    /* Evenly spread and increasing, so the wall-clock guard never moves a time. */
    rec->time.utc_ms = GEN_END_MS - span_ms + (n > 1 ? span_ms / n * i : 0);
    rec->time.offset_min = 480;
    rec->time.clock_synced = true;
    rec->time.mono_ms = 1000 + i;
}

static int parse_opts(int argc, char **argv, gen_opts_t *o)
{
    *o = (gen_opts_t){.exported = 0, .days = 365, .seed = 1, .scratch = "/dev/shm"};
    if (argc < 3)
        return -1;
    o->db = argv[1];
    char *end;
    o->n = strtol(argv[2], &end, 10);
    if (*end || o->n < 0)
        return -1;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--exported") == 0)
            o->exported = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--days") == 0)
            o->days = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0)
            o->seed = (unsigned)atol(argv[i + 1]);
        else if (strcmp(argv[i], "--scratch") == 0)
            o->scratch = argv[i + 1];
        else
            return -1;
    }
    return (argc - 3) % 2 == 0 && o->days > 0 ? 0 : -1;
}

static int generate(const char *path, const gen_opts_t *o)
{
    store_t *st;
    char err[512];
    if (store_open(path, &st, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "gen_records: %s\n", err);
        return 1;
    }
    /* Not a kiosk's setting: only the copy below is made durable. */
    sqlite3_exec(st->c.db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    unsigned s = o->seed;
    const long span_ms = o->days * 86400000L;
    static char json[512];
    char name[32], phone[16];
    for (long i = 0; i < o->n; i++) {
        record_t rec;
        make_record(i, &s, &rec, json, sizeof json, name, phone, span_ms, o->n);
        if (store_save(st, &rec) != KIOSK_OK) {
            fprintf(stderr, "gen_records: record %ld: %s\n", i, store_errmsg(st));
            store_close(st);
            return 1;
        }
    }
    int rc = 0;
    if (o->exported > 0) {
        int64_t max_id, count, seq, marked;
        rc = store_export_begin(st, false, &max_id, &count, &seq) != KIOSK_OK ||
             store_mark_exported(st, o->exported < o->n ? o->exported : max_id, seq, GEN_END_MS,
                                 &marked) != KIOSK_OK;
        if (rc)
            fprintf(stderr, "gen_records: marking exported: %s\n", store_errmsg(st));
    }
    store_close(st);
    return rc;
}

/* Copies from to to (replacing it) and fsyncs it; a missing from is not an error. */
static int copy_synced(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno == ENOENT ? 0 : -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = out < 0 ? -1 : 0;
    char buf[1 << 16];
    ssize_t n;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) > 0)
        rc = write(out, buf, (size_t)n) == n ? 0 : -1;
    if (rc == 0 && fsync(out) != 0)
        rc = -1;
    close(in);
    if (out >= 0)
        close(out);
    return rc;
}

int main(int argc, char **argv)
{
    gen_opts_t o;
    if (parse_opts(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: gen_records DB N [--exported K] [--days D] [--seed S] "
                        "[--scratch DIR]\n");
        return 2;
    }
    char tmp[4096];
    struct stat sb;
    const bool scratch = stat(o.scratch, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (scratch)
        snprintf(tmp, sizeof tmp, "%s/gen-records-%d.db", o.scratch, (int)getpid());
    else
        snprintf(tmp, sizeof tmp, "%s.gen-%d", o.db, (int)getpid());
    static const char *const SUFFIX[] = {"", "-wal", "-shm", "-head"};
    char a[4200], b[4200];
    for (int k = 0; k < 4; k++) {
        snprintf(a, sizeof a, "%s%s", tmp, SUFFIX[k]);
        snprintf(b, sizeof b, "%s%s", o.db, SUFFIX[k]);
        unlink(a);
        unlink(b);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = generate(tmp, &o);
    /* store_close() checkpointed the WAL: the database and its head file are all there is. */
    for (int k = 0; k < 4 && rc == 0; k++) {
        snprintf(a, sizeof a, "%s%s", tmp, SUFFIX[k]);
        snprintf(b, sizeof b, "%s%s", o.db, SUFFIX[k]);
        if (k == 0 || k == 3)
            rc = copy_synced(a, b) == 0 ? 0 : 1;
        if (rc)
            fprintf(stderr, "gen_records: cannot copy %s to %s: %s\n", a, b, strerror(errno));
    }
    for (int k = 0; k < 4; k++) {
        snprintf(a, sizeof a, "%s%s", tmp, SUFFIX[k]);
        unlink(a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == 0)
        fprintf(stderr, "gen_records: %ld records (%ld exported) in %s, %.1f s\n", o.n, o.exported,
                o.db, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return rc;
}
