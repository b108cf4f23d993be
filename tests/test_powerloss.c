/* Power loss, not only process death. A seed database of thousands of records (some already
 * exported long ago) is made once per run; each trial copies it and runs a workload on it in
 * a child process: start-up (store_open_checked and its "-running" marker), saves, answer
 * updates, an erasure by reference code, export marking, retention, closes (checkpoints) and
 * a second start-up. The shim of powerloss_shim.h models what a power cut keeps: data not yet
 * synced is kept, dropped or torn; truncations and directory entries (created, removed,
 * renamed files) not yet made durable by a sync (of the file, of the directory) revert. At
 * the chosen I/O operation the power goes; the parent then opens the database and checks the
 * promise:
 *   - every table, every column, byte for byte, is the state after the last acknowledged step,
 *     or after the step in flight (it may have committed before its reply): the states come
 *     from reference runs of the same workload (getrandom() gives a fixed stream in the
 *     children, so uuids and reference codes repeat);
 *   - no record is stored twice, counted by content (every column but id and uuid);
 *   - PRAGMA integrity_check is ok; while the store is open its marker is there;
 *   - at every acknowledgement, no written data is still unsynced (syncs reached the shim),
 *     but for the hash chain's head file, synced after it by design (store_sync_head());
 *   - the hash chain verifies: no record lost or altered, the head file never ahead.
 * The shim's journal models durability, so no call here waits for the disk (shim_nosync);
 * test_sync_strace checks that the real kiosk's syncs reach the kernel.
 * KIOSK_CRASH_TRIALS sets the number of cuts (default 85; tools/crash-test runs thousands).
 * In the spirit of SQLite's own crash tests (test6.c). */
#define _GNU_SOURCE
#include "powerloss_shim.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "check.h"
#include "core/kerr.h"
#include "core/record.h"
#include "store/store.h"

#define SEED_RECORDS 3000
#define SEED_EXPORTED 1000 /* the first ones, exported long ago: retention deletes them */
#define DAY_MS 86400000LL
#define T_SEED 1700000000000LL         /* 2023-11-14 */
#define T_WORK (T_SEED + 500 * DAY_MS) /* the workload's export */

/* ---- records ---- */

/* Record i of the run: deterministic, every kind, contacts on feedback and service requests;
 * some are large so that saves span pages. */
static void make(record_t *rec, int i)
{
    memset(rec, 0, sizeof *rec);
    static const record_kind_t kinds[] = {RECORD_QUICK_RATING, RECORD_FEEDBACK,
                                          RECORD_SERVICE_REQUEST, RECORD_QUESTIONNAIRE};
    rec->kind = kinds[i % 4];
    snprintf(rec->uuid, sizeof rec->uuid, "00000000-0000-4000-8000-%012d", i);
    snprintf(rec->journey_id, sizeof rec->journey_id, "%s", record_kind_name(rec->kind));
    snprintf(rec->kiosk_id, sizeof rec->kiosk_id, "crash-kiosk");
    snprintf(rec->pack_id, sizeof rec->pack_id, "default");
    snprintf(rec->pack_version, sizeof rec->pack_version, "1");
    snprintf(rec->lang, sizeof rec->lang, i % 2 ? "zh-cn" : "en");
    char pad[1600];
    size_t npad = (size_t)((i * 397) % (i % 7 == 0 ? 1500 : 200));
    memset(pad, 'x', npad);
    pad[npad] = '\0';
    char json[2048];
    snprintf(json, sizeof json, "{\"seq\":%d,\"note\":\"%s\"}", i, pad);
    rec->answers_json = strdup(json);
    if (rec->kind == RECORD_FEEDBACK || rec->kind == RECORD_SERVICE_REQUEST) {
        rec->consent = true;
        char phone[32], name[32];
        snprintf(phone, sizeof phone, "1380013%04d", i % 10000);
        rec->contact_phone = strdup(phone);
        if (rec->kind == RECORD_SERVICE_REQUEST) {
            snprintf(name, sizeof name, "Resident %d", i);
            rec->contact_name = strdup(name);
        }
    }
    bool seed = i < SEED_RECORDS;
    rec->time.utc_ms = seed ? T_SEED + (int64_t)i * 60000 : T_WORK + 41 * DAY_MS + i;
    rec->time.clock_synced = true;
    rec->time.offset_min = 480;
    rec->time.mono_ms = 1000 + i;
}

/* ---- the workload ---- */

typedef enum { ST_OPEN, ST_CLOSE, ST_SAVE, ST_UPDATE, ST_ERASE, ST_EXPORT, ST_RETAIN } step_kind_t;

typedef struct {
    step_kind_t kind;
    int arg; /* ST_SAVE: record number; ST_UPDATE: the record whose answers change */
} step_t;

static const step_t steps[] = {
    {ST_OPEN, 0},
    {ST_SAVE, SEED_RECORDS + 0},
    {ST_SAVE, SEED_RECORDS + 2},
    {ST_UPDATE, 1500},
    {ST_SAVE, SEED_RECORDS + 1},
    {ST_ERASE, 0},
    {ST_UPDATE, SEED_RECORDS + 2},
    {ST_EXPORT, 0},
    {ST_SAVE, SEED_RECORDS + 3},
    {ST_RETAIN, 0},
    {ST_SAVE, SEED_RECORDS + 5},
    {ST_CLOSE, 0},
    {ST_OPEN, 0},
    {ST_SAVE, SEED_RECORDS + 6},
    {ST_UPDATE, SEED_RECORDS + 6},
    {ST_CLOSE, 0},
};
#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

static const char *const step_names[] = {"start-up", "close",  "save",     "answer update",
                                         "erasure",  "export", "retention"};

static char erase_ref[RECORD_REF_LEN + 1]; /* a seed service request's code, never exported */

static int run_step(store_t **st, const char *path, const step_t *s)
{
    switch (s->kind) {
    case ST_OPEN: {
        store_recovery_t rec;
        return store_open_checked(path, st, &rec, NULL, 0);
    }
    case ST_CLOSE:
        store_close(*st);
        *st = NULL;
        return KIOSK_OK;
    case ST_SAVE: {
        record_t rec;
        make(&rec, s->arg);
        int rc = store_save(*st, &rec);
        record_clear(&rec);
        return rc;
    }
    case ST_UPDATE: {
        char uuid[64], json[128];
        snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", s->arg);
        snprintf(json, sizeof json, "{\"seq\":%d,\"followUp\":\"updated\"}", s->arg);
        return store_update_answers(*st, uuid, json);
    }
    case ST_ERASE:
        return store_erase_contact(*st, erase_ref);
    case ST_EXPORT: {
        int64_t max_id, count, seq;
        int rc = store_export_begin(*st, false, &max_id, &count, &seq);
        return rc ? rc : store_mark_exported(*st, max_id, seq, T_WORK, NULL);
    }
    case ST_RETAIN:
        return store_apply_retention(*st, T_WORK + 40 * DAY_MS, NULL, NULL, NULL);
    }
    return KIOSK_EINVAL;
}

/* The child: runs the steps up to stop_after through the shim, reporting each acknowledged
 * one as "step ops unsynced-writes pending-truncations pending-names"; ends without closing. */
static void child(const char *dir, int stop_after, int ackfd)
{
    snprintf(shim_dir, sizeof shim_dir, "%s/", dir);
    snprintf(shim_bak, sizeof shim_bak, "%s.bak", dir);
    shim_det_random = true;
    shim_rand_state = 0x5eed5eed; /* not the seed's stream, whose codes are taken */
    /* SQLite's own PRNG (randomblob(): the contacts' chain nonces) reads /dev/urandom, past the
     * shim: seeded, so that every run of the same steps writes the same bytes. */
    sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, 0x5eed, NULL);
    shim_on = true;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    store_t *st = NULL;
    for (int k = 0; k <= stop_after && k < NSTEPS; k++) {
        int rc = run_step(&st, path, &steps[k]);
        if (rc != KIOSK_OK) {
            fprintf(stderr, "  step %d (%s) failed: %s\n", k, step_names[steps[k].kind],
                    st ? store_errmsg(st) : kiosk_strerror(rc));
            _exit(5);
        }
        long w, t, n;
        shim_pending(&w, &t, &n);
        char line[128];
        int len = snprintf(line, sizeof line, "%d %ld %ld %ld %ld\n", k, shim_ops, w, t, n);
        if (write(ackfd, line, (size_t)len) != len)
            _exit(4);
    }
    _exit(0);
}

/* ---- the state of a database, every table and column ---- */

typedef struct {
    char **v;
    size_t n, cap;
} lines_t;

static void lines_add(lines_t *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static void lines_free(lines_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool lines_has(const lines_t *l, const char *s)
{
    return l->n && bsearch(&s, l->v, l->n, sizeof *l->v, cmp_str) != NULL;
}

static bool lines_equal(const lines_t *a, const lines_t *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

/* One value, typed and exact: text and blobs with their length (any byte). */
static void put_value(FILE *f, sqlite3_stmt *st, int c)
{
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
        fputs("NULL", f);
        break;
    case SQLITE_INTEGER:
        fprintf(f, "I%lld", (long long)sqlite3_column_int64(st, c));
        break;
    case SQLITE_FLOAT:
        fprintf(f, "F%.17g", sqlite3_column_double(st, c));
        break;
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_column_text(st, c);
        int n = sqlite3_column_bytes(st, c);
        fprintf(f, "T%d:", n);
        fwrite(t, 1, (size_t)n, f);
        break;
    }
    default: {
        const unsigned char *b = sqlite3_column_blob(st, c);
        int n = sqlite3_column_bytes(st, c);
        fprintf(f, "B%d:", n);
        for (int i = 0; i < n; i++)
            fprintf(f, "%02x", b[i]);
        break;
    }
    }
}

/* Every row of table as "table|col=value|...": into rows; records' rows also without id and
 * uuid into content (to count duplicates by content). */
static bool dump_table(sqlite3 *db, const char *table, lines_t *rows, lines_t *content)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", table);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *row = NULL, *key = NULL;
        size_t rn = 0, kn = 0;
        FILE *r = open_memstream(&row, &rn), *k = open_memstream(&key, &kn);
        fputs(table, r);
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const char *name = sqlite3_column_name(st, c);
            fprintf(r, "|%s=", name);
            put_value(r, st, c);
            if (strcmp(name, "id") != 0 && strcmp(name, "uuid") != 0) {
                fprintf(k, "|%s=", name);
                put_value(k, st, c);
            }
        }
        fclose(r);
        fclose(k);
        lines_add(rows, row);
        if (strcmp(table, "records") == 0)
            lines_add(content, key);
        else
            free(key);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

typedef struct {
    bool opened, integrity_ok, read_ok;
    lines_t rows, content;
} state_t;

static void state_free(state_t *s)
{
    lines_free(&s->rows);
    lines_free(&s->content);
}

/* Opens the database as the kiosk would after the cut (recovering the WAL) and reads it all. */
static void read_state(const char *path, state_t *s)
{
    memset(s, 0, sizeof *s);
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    s->opened = true;
    sqlite3_stmt *st;
    s->integrity_ok =
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    s->read_ok = sqlite3_prepare_v2(db,
                                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                    "name NOT LIKE 'sqlite_%' ORDER BY name",
                                    -1, &st, NULL) == SQLITE_OK;
    while (s->read_ok && sqlite3_step(st) == SQLITE_ROW)
        s->read_ok =
            dump_table(db, (const char *)sqlite3_column_text(st, 0), &s->rows, &s->content);
    sqlite3_finalize(st);
    sqlite3_close(db);
    qsort(s->rows.v, s->rows.n, sizeof *s->rows.v, cmp_str);
    qsort(s->content.v, s->content.n, sizeof *s->content.v, cmp_str);
}

/* ---- runs ---- */

typedef struct {
    int acked;             /* steps acknowledged */
    long ops[NSTEPS];      /* shim operations done when step k was acknowledged */
    long unsynced, truncs; /* acknowledgements with unsynced writes / pending truncations */
    bool exited_clean;
} run_t;

static void fresh_copy(const char *seed, const char *dir)
{
    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.bak' && mkdir -p '%s' '%s.bak'%s%s%s%s%s", dir, dir,
             dir, dir, seed ? " && cp '" : "", seed ? seed : "", seed ? "' '" : "", seed ? dir : "",
             seed ? "/'" : "");
    if (system(cmd) != 0)
        abort();
}

/* Copies the seed to dir, runs the workload up to stop_after with a cut at crash_at. */
static void run_child(const char *seed, const char *dir, int stop_after, long crash_at,
                      unsigned int seed_rnd, run_t *r)
{
    memset(r, 0, sizeof *r);
    fresh_copy(seed, dir);
    int ack[2];
    if (pipe(ack))
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(ack[0]);
        shim_crash_at = crash_at;
        shim_seed = seed_rnd;
        child(dir, stop_after, ack[1]);
    }
    close(ack[1]);
    FILE *in = fdopen(ack[0], "r");
    int k;
    long ops, w, t, n;
    while (fscanf(in, "%d %ld %ld %ld %ld", &k, &ops, &w, &t, &n) == 5 && k == r->acked &&
           k < NSTEPS) {
        r->ops[r->acked++] = ops;
        r->unsynced += w > 0;
        r->truncs += t > 0;
        if (w > 0)
            fprintf(stderr, "  step %d (%s) acknowledged with %ld unsynced writes\n", k,
                    step_names[steps[k].kind], w);
    }
    fclose(in);
    int status;
    waitpid(pid, &status, 0);
    r->exited_clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

typedef struct {
    long trials, cut, ran_through, steps_acked, records_acked;
    long lost, altered, contacts_altered, extra, duplicated, corrupt, marker_missing, unsynced,
        truncs, nondeterministic, differ, chain_broken;
    long cut_in[NSTEPS];
} totals_t;

static const char *uuid_in(const char *line, char *out, size_t n)
{
    const char *u = strstr(line, "|uuid=T36:");
    snprintf(out, n, "%.36s", u ? u + 10 : "");
    return out;
}

/* The state after a cut matched neither allowed state: say how, against the acknowledged one. */
static void classify(const state_t *got, const state_t *want, const state_t *next, totals_t *t)
{
    lines_t uuids = {0};
    for (size_t i = 0; i < got->rows.n; i++)
        if (strncmp(got->rows.v[i], "records|", 8) == 0) {
            char u[40];
            lines_add(&uuids, strdup(uuid_in(got->rows.v[i], u, sizeof u)));
        }
    qsort(uuids.v, uuids.n, sizeof *uuids.v, cmp_str);
    int shown = 0;
    for (size_t i = 0; i < want->rows.n; i++) {
        const char *line = want->rows.v[i];
        if (lines_has(&got->rows, line) || (next && lines_has(&next->rows, line)))
            continue;
        char u[40];
        bool record = strncmp(line, "records|", 8) == 0;
        if (record && !lines_has(&uuids, uuid_in(line, u, sizeof u)))
            t->lost++;
        else if (record)
            t->altered++;
        else
            t->contacts_altered++;
        if (shown++ < 3)
            fprintf(stderr, "    missing or changed: %.200s\n", line);
    }
    for (size_t i = 0; i < got->rows.n; i++)
        if (!lines_has(&want->rows, got->rows.v[i]) &&
            !(next && lines_has(&next->rows, got->rows.v[i]))) {
            t->extra++;
            if (shown++ < 6)
                fprintf(stderr, "    unexpected: %.200s\n", got->rows.v[i]);
        }
    lines_free(&uuids);
}

static long count_duplicates(const state_t *s)
{
    long d = 0;
    for (size_t i = 1; i < s->content.n; i++)
        d += strcmp(s->content.v[i], s->content.v[i - 1]) == 0;
    return d;
}

static long count_records(const state_t *s)
{
    long n = 0;
    for (size_t i = 0; i < s->rows.n; i++)
        n += strncmp(s->rows.v[i], "records|", 8) == 0;
    return n;
}

/* Whether the store is open after step k was acknowledged (its marker must be there). */
static bool open_after(int k)
{
    bool open = false;
    for (int i = 0; i <= k; i++)
        open = steps[i].kind == ST_OPEN ? true : steps[i].kind == ST_CLOSE ? false : open;
    return open;
}

/* The hash chain after the cut verifies: a head file the cut left behind or tore (it is synced
 * after the acknowledgement) is caught up, never a record reported lost or altered. */
static bool chain_clean(const char *path)
{
    store_t *st = NULL;
    if (store_open(path, &st, NULL, 0) != KIOSK_OK)
        return false;
    store_chain_report_t rep;
    const bool ok = store_chain_verify(st, &rep) == KIOSK_OK && rep.verified &&
                    rep.lost.count == 0 && rep.altered.count == 0 && !rep.head_ahead;
    if (!ok)
        fprintf(stderr, "  CHAIN after the cut: lost %s, altered %s%s\n", rep.lost.text,
                rep.altered.text, rep.head_ahead ? ", head ahead" : "");
    store_close(st);
    return ok;
}

/* After the cut: the state is the acknowledged one or the next; the marker is there. */
static void check_cut(const char *dir, const run_t *r, state_t *ref, long point, totals_t *t)
{
    char path[PATH_MAX + 16], marker[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    snprintf(marker, sizeof marker, "%s-running", path);
    int a = r->acked;
    bool in_flight = a < NSTEPS;
    if (a > 0 && in_flight && open_after(a - 1) && steps[a].kind != ST_CLOSE &&
        access(marker, F_OK) != 0) {
        t->marker_missing++;
        fprintf(stderr, "  MARKER gone after step %d (cut at %ld)\n", a - 1, point);
    }
    state_t got;
    read_state(path, &got);
    if (!got.opened || !got.integrity_ok || !got.read_ok) {
        t->corrupt++;
        fprintf(stderr, "  CORRUPT after step %d (cut at %ld)\n", a - 1, point);
    }
    const state_t *next = in_flight ? &ref[a + 1] : NULL;
    if (!lines_equal(&got.rows, &ref[a].rows) && !(next && lines_equal(&got.rows, &next->rows))) {
        fprintf(stderr, "  STATE differs after step %d, %s in flight (cut at %ld, seed %u):\n",
                a - 1, in_flight ? step_names[steps[a].kind] : "nothing", point, shim_seed);
        t->differ++; /* also a mix of the two: the step in flight was not atomic */
        if (!in_flight)
            t->nondeterministic++; /* ran through: the workload itself differs */
        classify(&got, &ref[a], next, t);
    }
    t->duplicated += count_duplicates(&got);
    t->records_acked += count_records(&ref[a]);
    state_free(&got);
    if (!chain_clean(path))
        t->chain_broken++;
}

static void trial(const char *seed, const char *dir, state_t *ref, long point, unsigned int s,
                  totals_t *t)
{
    run_t r;
    run_child(seed, dir, NSTEPS - 1, point, s, &r);
    t->trials++;
    if (r.acked < NSTEPS) {
        t->cut++;
        t->cut_in[r.acked]++;
    } else {
        t->ran_through++;
    }
    t->steps_acked += r.acked;
    t->unsynced += r.unsynced;
    t->truncs += r.truncs;
    shim_seed = s;
    check_cut(dir, &r, ref, point, t);
}

/* The seed database: SEED_RECORDS saves, the first SEED_EXPORTED marked exported long ago. */
static bool make_seed(const char *dir, const char *path)
{
    fresh_copy(NULL, dir);
    pid_t pid = fork();
    if (pid == 0) {
        shim_det_random = true;
        sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, 0x5eed0, NULL);
        store_t *st;
        if (store_open(path, &st, NULL, 0) != KIOSK_OK)
            _exit(1);
        for (int i = 0; i < SEED_RECORDS; i++) {
            record_t rec;
            make(&rec, i);
            if (store_save(st, &rec) != KIOSK_OK)
                _exit(2);
            record_clear(&rec);
        }
        if (store_mark_exported(st, SEED_EXPORTED, 1, T_SEED + 5 * DAY_MS, NULL) != KIOSK_OK)
            _exit(3);
        store_close(st);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A seed service request with a contact that is not exported: the one the workload erases. */
static bool pick_erase_ref(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db,
                                 "SELECT ref_code FROM records JOIN contacts ON record_id = id "
                                 "WHERE ref_code IS NOT NULL AND exported_at IS NULL "
                                 "ORDER BY id LIMIT 1 OFFSET 100",
                                 -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        snprintf(erase_ref, sizeof erase_ref, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok && strlen(erase_ref) == RECORD_REF_LEN;
}

/* The reference states: ref[0] the seed, ref[k + 1] after step k, from runs without a cut
 * stopped after step k. Fills bounds[k] with the operations done when step k was acknowledged. */
static bool reference(const char *seed, const char *dir, state_t *ref, long *bounds)
{
    read_state(seed, &ref[0]);
    if (!ref[0].integrity_ok || count_records(&ref[0]) != SEED_RECORDS)
        return false;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    for (int k = 0; k < NSTEPS; k++) {
        run_t r;
        run_child(seed, dir, k, -1, 1, &r);
        if (!r.exited_clean || r.acked != k + 1 || r.unsynced) {
            fprintf(stderr, "  reference run to step %d (%s): %d acknowledged, %ld unsynced\n", k,
                    step_names[steps[k].kind], r.acked, r.unsynced);
            return false;
        }
        for (int i = 0; i <= k; i++)
            bounds[i] = r.ops[i];
        read_state(path, &ref[k + 1]);
        if (!ref[k + 1].integrity_ok || lines_equal(&ref[k + 1].rows, &ref[k].rows) !=
                                            (steps[k].kind == ST_OPEN || steps[k].kind == ST_CLOSE))
            return false; /* every step but start-up and close changes the state */
    }
    return true;
}

static void report(const totals_t *t, long total_ops)
{
    fprintf(stderr,
            "  seed %d records; %d steps, %ld I/O operations in a full run; %ld cuts tried (%ld "
            "cut, %ld ran through)\n  acknowledged: %ld steps, %ld records checked; states "
            "neither acknowledged nor after the step in flight %ld: lost %ld, "
            "altered %ld, contact rows altered %ld, unexpected rows %ld, duplicated %ld (by "
            "content), corrupt %ld, marker missing %ld, acknowledged with unsynced writes %ld "
            "(with an unsynced truncation %ld), hash chain not verifying %ld\n  cuts per step "
            "in flight:",
            SEED_RECORDS, NSTEPS, total_ops, t->trials, t->cut, t->ran_through, t->steps_acked,
            t->records_acked, t->differ, t->lost, t->altered, t->contacts_altered, t->extra,
            t->duplicated, t->corrupt, t->marker_missing, t->unsynced, t->truncs, t->chain_broken);
    for (int k = 0; k < NSTEPS; k++)
        fprintf(stderr, " %s %ld,", step_names[steps[k].kind], t->cut_in[k]);
    fputc('\n', stderr);
}

static void acknowledged_work_survives_power_loss_at_any_point(void)
{
    const char *tmp = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    char base[PATH_MAX - 200], seed_dir[PATH_MAX - 100], seed[PATH_MAX], dir[PATH_MAX - 100];
    snprintf(base, sizeof base, "%s/powerloss", tmp);
    snprintf(seed_dir, sizeof seed_dir, "%s/seed", base);
    snprintf(seed, sizeof seed, "%s/kiosk.db", seed_dir);
    snprintf(dir, sizeof dir, "%s/trial", base);
    REQUIRE(make_seed(seed_dir, seed));
    REQUIRE(pick_erase_ref(seed));
    static state_t ref[NSTEPS + 1];
    long bounds[NSTEPS] = {0};
    REQUIRE(reference(seed, dir, ref, bounds));
    long trials = getenv("KIOSK_CRASH_TRIALS") ? atol(getenv("KIOSK_CRASH_TRIALS")) : 85;
    totals_t t = {0};
    for (long k = 0; k < trials; k++) {
        /* Every step in turn, at a random operation within it; one in 17 runs through. */
        unsigned int s = (unsigned int)(k * 2654435761u + 17u);
        int step = (int)(k % (NSTEPS + 1));
        long lo = step == 0 ? 0 : bounds[step - 1];
        long hi = step < NSTEPS ? bounds[step] : lo + 1;
        long point = step == NSTEPS ? -1
                     : hi > lo      ? lo + (long)((s >> 3) % (unsigned long)(hi - lo))
                                    : lo;
        trial(seed, dir, ref, point, s, &t);
    }
    report(&t, bounds[NSTEPS - 1]);
    for (int k = 0; k <= NSTEPS; k++)
        state_free(&ref[k]);
    CHECK(t.cut > 0);
    CHECK(t.records_acked > 0);
    CHECK_INT(t.differ, 0);
    CHECK_INT(t.lost, 0);
    CHECK_INT(t.altered, 0);
    CHECK_INT(t.contacts_altered, 0);
    CHECK_INT(t.extra, 0);
    CHECK_INT(t.duplicated, 0);
    CHECK_INT(t.corrupt, 0);
    CHECK_INT(t.marker_missing, 0);
    CHECK_INT(t.unsynced, 0);
    CHECK_INT(t.truncs, 0); /* an erasure's truncated -wal is synced before it is acknowledged */
    CHECK_INT(t.nondeterministic, 0);
    CHECK_INT(t.chain_broken, 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    shim_nosync = true; /* the shim's journal models durability: the disk need not wait */
    RUN(acknowledged_work_survives_power_loss_at_any_point);
    return check_failures != 0;
}
