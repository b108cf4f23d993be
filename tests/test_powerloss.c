/* Power loss, not only process death: each trial saves records in a child process through a
 * VFS shim that, at a chosen I/O operation, "cuts the power": every write not yet synced is
 * kept, dropped or torn sector by sector at random, and the process ends on the spot. The
 * parent then opens the database normally and checks the promise: every save that returned
 * OK is there, identical; PRAGMA integrity_check is ok; nothing is duplicated.
 * KIOSK_CRASH_TRIALS sets the number of crash points (default 60; tools/crash-test runs
 * thousands). In the spirit of SQLite's own crash tests (test6.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "core/kerr.h"
#include "core/record.h"
#include "store/store.h"

#define SAVES 14

/* ---- the crash shim (used in the child only) ---- */

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
} cfile_t;

typedef struct {
    sqlite3_file *real;
    int64_t off;
    int len;          /* bytes written */
    int64_t old_size; /* file size before the write */
    unsigned char *old;
} undo_t;

static sqlite3_vfs *base_vfs;
static sqlite3_vfs crash_vfs;
static long ops, crash_at = -1;
static unsigned int seed;
static undo_t *undo;
static size_t nundo, capundo;

static unsigned int rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
}

/* The power goes: unsynced writes, newest first, are kept, dropped or torn. */
static void power_cut(void)
{
    for (size_t i = nundo; i-- > 0;) {
        undo_t *u = &undo[i];
        unsigned int what = rnd() % 3;
        if (what == 0)
            continue; /* it made it to the medium */
        if (what == 1) {
            u->real->pMethods->xWrite(u->real, u->old, u->len, u->off);
            if (u->off + u->len > u->old_size)
                u->real->pMethods->xTruncate(u->real, u->old_size > u->off ? u->old_size : u->off);
            continue;
        }
        for (int s = 0; s < u->len; s += 512) {
            int n = u->len - s < 512 ? u->len - s : 512;
            if (rnd() % 2)
                u->real->pMethods->xWrite(u->real, u->old + s, n, u->off + s);
        }
    }
    _exit(0);
}

static void tick(void)
{
    if (ops++ == crash_at)
        power_cut();
}

static int c_close(sqlite3_file *f)
{
    cfile_t *c = (cfile_t *)f;
    int rc = c->real->pMethods->xClose(c->real);
    sqlite3_free(c->real);
    return rc;
}

static int c_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    cfile_t *c = (cfile_t *)f;
    return c->real->pMethods->xRead(c->real, buf, amt, off);
}

static int c_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    cfile_t *c = (cfile_t *)f;
    tick();
    sqlite3_int64 size = 0;
    c->real->pMethods->xFileSize(c->real, &size);
    if (nundo == capundo) {
        capundo = capundo ? capundo * 2 : 256;
        undo = realloc(undo, capundo * sizeof *undo);
    }
    undo_t *u = &undo[nundo++];
    u->real = c->real;
    u->off = off;
    u->len = amt;
    u->old_size = size;
    u->old = calloc(1, (size_t)amt);
    c->real->pMethods->xRead(c->real, u->old, amt, off); /* short read zero-fills */
    return c->real->pMethods->xWrite(c->real, buf, amt, off);
}

static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    cfile_t *c = (cfile_t *)f;
    tick();
    return c->real->pMethods->xTruncate(c->real, size);
}

static int c_sync(sqlite3_file *f, int flags)
{
    cfile_t *c = (cfile_t *)f;
    (void)flags;
    tick();
    /* What was written to this file is now durable: nothing of it can be lost any more. */
    size_t k = 0;
    for (size_t i = 0; i < nundo; i++) {
        if (undo[i].real == c->real)
            free(undo[i].old);
        else
            undo[k++] = undo[i];
    }
    nundo = k;
    return SQLITE_OK;
}

static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
    cfile_t *c = (cfile_t *)f;
    return c->real->pMethods->xFileSize(c->real, size);
}

#define PASS(name, args, call)                                                                     \
    static int name args                                                                           \
    {                                                                                              \
        cfile_t *c = (cfile_t *)f;                                                                 \
        return c->real->pMethods->call;                                                            \
    }

PASS(c_lock, (sqlite3_file * f, int l), xLock(c->real, l))
PASS(c_unlock, (sqlite3_file * f, int l), xUnlock(c->real, l))
PASS(c_reserved, (sqlite3_file * f, int *o), xCheckReservedLock(c->real, o))
PASS(c_fcntl, (sqlite3_file * f, int op, void *a), xFileControl(c->real, op, a))
PASS(c_sector, (sqlite3_file * f), xSectorSize(c->real))
PASS(c_devchar, (sqlite3_file * f), xDeviceCharacteristics(c->real))
PASS(c_shmmap, (sqlite3_file * f, int p, int s, int e, void volatile **pp),
     xShmMap(c->real, p, s, e, pp))
PASS(c_shmlock, (sqlite3_file * f, int o, int n, int fl), xShmLock(c->real, o, n, fl))
PASS(c_shmunmap, (sqlite3_file * f, int d), xShmUnmap(c->real, d))

static void c_shmbarrier(sqlite3_file *f)
{
    cfile_t *c = (cfile_t *)f;
    c->real->pMethods->xShmBarrier(c->real);
}

static const sqlite3_io_methods crash_io = {
    .iVersion = 2,
    .xClose = c_close,
    .xRead = c_read,
    .xWrite = c_write,
    .xTruncate = c_truncate,
    .xSync = c_sync,
    .xFileSize = c_size,
    .xLock = c_lock,
    .xUnlock = c_unlock,
    .xCheckReservedLock = c_reserved,
    .xFileControl = c_fcntl,
    .xSectorSize = c_sector,
    .xDeviceCharacteristics = c_devchar,
    .xShmMap = c_shmmap,
    .xShmLock = c_shmlock,
    .xShmBarrier = c_shmbarrier,
    .xShmUnmap = c_shmunmap,
};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    cfile_t *c = (cfile_t *)f;
    c->real = sqlite3_malloc(base_vfs->szOsFile);
    if (!c->real)
        return SQLITE_NOMEM;
    memset(c->real, 0, (size_t)base_vfs->szOsFile);
    int rc = base_vfs->xOpen(base_vfs, name, c->real, flags, out);
    if (rc != SQLITE_OK) {
        sqlite3_free(c->real);
        c->real = NULL;
        f->pMethods = NULL;
        return rc;
    }
    f->pMethods = &crash_io;
    return SQLITE_OK;
}

static void install_crash_vfs(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    crash_vfs = *base_vfs;
    crash_vfs.zName = "crash";
    crash_vfs.szOsFile = (int)sizeof(cfile_t);
    crash_vfs.xOpen = c_open;
    sqlite3_vfs_register(&crash_vfs, 1);
}

/* ---- the workload ---- */

/* Record i of the run: deterministic, so the parent knows what each acknowledged save holds. */
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
    /* Some records are large, so that saves span pages and the WAL grows. */
    char pad[1600];
    size_t npad = (size_t)((i * 397) % 1500);
    memset(pad, 'x', npad);
    pad[npad] = '\0';
    char json[2048];
    snprintf(json, sizeof json, "{\"seq\":%d,\"note\":\"%s\"}", i, pad);
    rec->answers_json = strdup(json);
    if (rec->kind == RECORD_FEEDBACK) {
        rec->consent = true;
        char phone[32];
        snprintf(phone, sizeof phone, "1380013%04d", i);
        rec->contact_phone = strdup(phone);
    }
    rec->time.utc_ms = 1795897905000 + i;
    rec->time.mono_ms = 1000 + i;
}

/* The child: saves SAVES records, telling the parent about each acknowledged one. */
static void child(const char *path, int ackfd)
{
    install_crash_vfs();
    store_t *st;
    if (store_open(path, &st, NULL, 0) != KIOSK_OK)
        _exit(3);
    for (int i = 0; i < SAVES; i++) {
        record_t rec;
        make(&rec, i);
        int rc = store_save(st, &rec);
        if (rc == KIOSK_OK) {
            char line[64];
            int n = snprintf(line, sizeof line, "%d\n", i);
            if (write(ackfd, line, (size_t)n) != n)
                _exit(4);
        }
        record_clear(&rec);
        if (rc != KIOSK_OK)
            _exit(5);
    }
    store_close(st);
    char line[] = "done\n";
    if (write(ackfd, line, sizeof line - 1) < 0)
        _exit(4);
    _exit(0);
}

typedef struct {
    long trials, completed, crashed;
    long acknowledged, present_unacknowledged, lost, duplicated, corrupt;
} totals_t;

/* One trial: the child cuts the power at crash_point; the parent checks what is left. */
static void trial(const char *dir, long crash_point, unsigned int trial_seed, totals_t *t)
{
    char path[PATH_MAX + 16], cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 || mkdir(dir, 0755) != 0)
        return;
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    int ack[2];
    if (pipe(ack))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(ack[0]);
        crash_at = crash_point;
        seed = trial_seed;
        child(path, ack[1]);
    }
    close(ack[1]);
    bool acked[SAVES] = {false};
    bool done = false;
    FILE *in = fdopen(ack[0], "r");
    char line[64];
    while (fgets(line, sizeof line, in)) {
        if (strcmp(line, "done\n") == 0)
            done = true;
        else if (atoi(line) >= 0 && atoi(line) < SAVES)
            acked[atoi(line)] = true;
    }
    fclose(in);
    int status;
    waitpid(pid, &status, 0);
    t->trials++;
    if (done)
        t->completed++;
    else
        t->crashed++;

    /* After the power cut: the database must open and hold every acknowledged save. */
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        t->corrupt++;
        sqlite3_close(db);
        return;
    }
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    if (!ok) {
        /* No table at all is fine when the crash came before the first commit. */
        t->corrupt++;
    }
    int seen[SAVES] = {0};
    if (sqlite3_prepare_v2(db, "SELECT uuid, answers, lang, kind FROM records", -1, &st, NULL) ==
        SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *uuid = (const char *)sqlite3_column_text(st, 0);
            int i = atoi(uuid + 24);
            if (i < 0 || i >= SAVES)
                continue;
            record_t want;
            make(&want, i);
            bool same =
                strcmp((const char *)sqlite3_column_text(st, 1), want.answers_json) == 0 &&
                strcmp((const char *)sqlite3_column_text(st, 2), want.lang) == 0 &&
                strcmp((const char *)sqlite3_column_text(st, 3), record_kind_name(want.kind)) == 0;
            record_clear(&want);
            if (!same)
                t->corrupt++;
            seen[i]++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (int i = 0; i < SAVES; i++) {
        if (acked[i]) {
            t->acknowledged++;
            if (seen[i] == 0) {
                t->lost++;
                fprintf(stderr, "  LOST save %d (crash point %ld, seed %u)\n", i, crash_point,
                        trial_seed);
            }
        } else if (seen[i]) {
            t->present_unacknowledged++; /* committed, but the power went before the reply */
        }
        if (seen[i] > 1)
            t->duplicated++;
    }
}

/* How many I/O operations a whole run does: a dry run in a child, which writes its count to
 * a file for the parent. */
static long count_ops(const char *dir)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s-ops", dir);
    pid_t pid = fork();
    if (pid == 0) {
        char db[PATH_MAX + 16], cmd[2 * PATH_MAX + 32];
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
        if (system(cmd) != 0)
            _exit(1);
        snprintf(db, sizeof db, "%s/kiosk.db", dir);
        install_crash_vfs();
        store_t *st;
        if (store_open(db, &st, NULL, 0) != KIOSK_OK)
            _exit(1);
        for (int i = 0; i < SAVES; i++) {
            record_t rec;
            make(&rec, i);
            if (store_save(st, &rec) != KIOSK_OK)
                _exit(1);
            record_clear(&rec);
        }
        store_close(st);
        FILE *f = fopen(path, "w");
        if (!f)
            _exit(1);
        fprintf(f, "%ld\n", ops);
        fclose(f);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    FILE *f = fopen(path, "r");
    long n = -1;
    if (f) {
        if (fscanf(f, "%ld", &n) != 1)
            n = -1;
        fclose(f);
    }
    return n;
}

static void acknowledged_saves_survive_power_loss_at_any_point(void)
{
    const char *tmp = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    char dir[PATH_MAX - 64];
    snprintf(dir, sizeof dir, "%s/powerloss", tmp);
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
    REQUIRE(system(cmd) == 0);
    long total_ops = count_ops(dir);
    REQUIRE(total_ops > 0);
    long trials = getenv("KIOSK_CRASH_TRIALS") ? atol(getenv("KIOSK_CRASH_TRIALS")) : 60;
    totals_t t = {0};
    for (long k = 0; k < trials; k++) {
        /* Spread the crash points over the whole run, then at random. */
        unsigned int s = (unsigned int)(k * 2654435761u + 17u);
        long point =
            k < total_ops && trials >= total_ops ? k : (long)((s >> 3) % (unsigned)total_ops);
        trial(dir, point, s, &t);
    }
    fprintf(stderr,
            "  %ld I/O operations in a full run; %ld crash points tried (%ld crashed, %ld ran "
            "through)\n  acknowledged saves %ld: lost %ld, duplicated %ld, corrupt or "
            "different %ld; committed but unacknowledged %ld\n",
            total_ops, t.trials, t.crashed, t.completed, t.acknowledged, t.lost, t.duplicated,
            t.corrupt, t.present_unacknowledged);
    CHECK(t.crashed > 0);
    CHECK(t.acknowledged > 0);
    CHECK_INT(t.lost, 0);
    CHECK_INT(t.duplicated, 0);
    CHECK_INT(t.corrupt, 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    RUN(acknowledged_saves_survive_power_loss_at_any_point);
    return check_failures != 0;
}
