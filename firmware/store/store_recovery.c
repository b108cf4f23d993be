/* The kiosk's store at start-up: the integrity check, the "-running" marker of an unclean
 * shutdown, moving a corrupt database aside, and salvaging its readable rows. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

int store_run_check(store_t *st, store_check_t check, char *problem, size_t problemlen)
{
    const char *name = check == CHECK_FULL ? "integrity_check" : "quick_check";
    char sql[32];
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    sqlite3_stmt *stmt = NULL;
    int err = KIOSK_OK;
    int rc = sqlite3_prepare_v2(st->c.db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        if (!text || strcmp(text, "ok") != 0) {
            snprintf(problem, problemlen, "%s", text ? text : "(no message)");
            err = sq_fail(&st->c, KIOSK_ECORRUPT, "database %s failed its %s: %s", st->c.path, name,
                          text ? text : "(no message)");
        }
    } else {
        err = sq_fail_db(&st->c, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "cannot check database");
        if (err == KIOSK_ECORRUPT)
            snprintf(problem, problemlen, "%s",
                     rc == SQLITE_DONE ? "no answer" : sqlite3_errmsg(st->c.db));
    }
    sqlite3_finalize(stmt);
    for (char *p = problem; err && p && *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return err;
}

/* sq_fail() for the steps without a store: writes the message to errbuf (if any), returns
 * code. */
__attribute__((format(printf, 4, 5))) static int set_err(int code, char *errbuf, size_t errlen,
                                                         const char *fmt, ...)
{
    if (errbuf && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* File systems that cannot sync a directory (EINVAL) are taken as they are. */
int store_fsync_dir(const char *path, char *errbuf, size_t errlen)
{
    char *dir = sq_dir_of(path);
    if (!dir)
        return set_err(KIOSK_ENOMEM, errbuf, errlen,
                       "cannot sync the directory of %s: out of memory", path);
    int err = KIOSK_OK;
    const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL)) {
        const int e = errno;
        err = set_err(kiosk_from_errno(e), errbuf, errlen, "cannot sync directory %s: %s", dir,
                      strerror(e));
    }
    if (fd >= 0)
        close(fd);
    free(dir);
    return err;
}

/* Creates the (empty) "-running" marker durably: the file, then its directory entry. */
static int create_marker(const char *marker, char *errbuf, size_t errlen)
{
    const int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        const int e = errno;
        return set_err(kiosk_from_errno(e), errbuf, errlen, "cannot create %s: %s", marker,
                       strerror(e));
    }
    if (fsync(fd) != 0) {
        const int e = errno;
        close(fd);
        return set_err(kiosk_from_errno(e), errbuf, errlen, "cannot sync %s: %s", marker,
                       strerror(e));
    }
    close(fd);
    return store_fsync_dir(marker, errbuf, errlen);
}

/* The files SQLite keeps next to a database, moved before the database itself: a crash in
 * between leaves a database without its WAL (the check fails again next time), never a WAL
 * without its database, which SQLite would replay into the fresh database made there. */
static const char *const sidecars[] = {"-wal", "-shm", "-journal"};
#define SIDECARS (sizeof sidecars / sizeof sidecars[0])

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0 || errno != ENOENT;
}

static bool with_suffix(char *out, size_t outlen, const char *base, const char *suffix)
{
    const int n = snprintf(out, outlen, "%s%s", base, suffix);
    return n >= 0 && (size_t)n < outlen;
}

/* Picks "<path>.corrupt-YYYYMMDDTHHMMSSZ" (then "-1", "-2"...) so that neither it nor any of
 * its sidecar names exists. */
static int pick_aside_name(const char *path, char *moved, size_t movedlen, char *errbuf,
                           size_t errlen)
{
    struct timespec now;
    struct tm tm;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &now);
    if (!gmtime_r(&now.tv_sec, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)now.tv_sec);
    for (int n = 0; n < 1000; n++) {
        const int len = n == 0 ? snprintf(moved, movedlen, "%s.corrupt-%s", path, stamp)
                               : snprintf(moved, movedlen, "%s.corrupt-%s-%d", path, stamp, n);
        if (len < 0 || (size_t)len + sizeof "-journal" > movedlen)
            return set_err(KIOSK_ETOOBIG, errbuf, errlen,
                           "cannot move database %s aside: path too long", path);
        bool taken = exists(moved);
        for (size_t i = 0; i < SIDECARS && !taken; i++) {
            char side[4096];
            taken = !with_suffix(side, sizeof side, moved, sidecars[i]) || exists(side);
        }
        if (!taken)
            return KIOSK_OK;
    }
    moved[0] = '\0';
    return set_err(KIOSK_EFULL, errbuf, errlen, "cannot move database %s aside: no free name",
                   path);
}

/* Renames path and its sidecars to moved (+ the same suffixes), all or none, and syncs the
 * directory. Nothing is ever deleted. */
static int move_aside(const char *path, const char *moved, char *errbuf, size_t errlen)
{
    char from[SIDECARS + 1][4096], to[SIDECARS + 1][4096];
    bool done[SIDECARS + 1] = {false};
    for (size_t i = 0; i <= SIDECARS; i++) {
        const char *suffix = i < SIDECARS ? sidecars[i] : "";
        if (!with_suffix(from[i], sizeof from[i], path, suffix) ||
            !with_suffix(to[i], sizeof to[i], moved, suffix))
            return set_err(KIOSK_ETOOBIG, errbuf, errlen,
                           "cannot move database %s aside: path too long", path);
    }
    int err = KIOSK_OK;
    for (size_t i = 0; i <= SIDECARS; i++) {
        if (i < SIDECARS && !exists(from[i]))
            continue;
        if (rename(from[i], to[i]) != 0) {
            const int e = errno;
            err = set_err(kiosk_from_errno(e), errbuf, errlen, "cannot move %s aside to %s: %s",
                          from[i], to[i], strerror(e));
            break;
        }
        done[i] = true;
    }
    if (err) {
        for (size_t i = 0; i <= SIDECARS; i++)
            if (done[i])
                rename(to[i], from[i]);
    }
    const int sync_err = store_fsync_dir(path, err ? NULL : errbuf, errlen);
    return err ? err : sync_err;
}

/* Columns of table in the fresh database, to copy only the columns both schemas have. */
static bool has_column(store_t *st, const char *table, const char *column)
{
    sqlite3_stmt *stmt = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(st->c.db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1,
                           &stmt, NULL) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 2, column, -1, SQLITE_STATIC) == SQLITE_OK)
        found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

bool store_row_refused(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
        return true;
    default:
        return false;
    }
}

/* After this many unreadable rowids in a row the rest of a table is given up. */
#define SALVAGE_MAX_SKIP 100000
#define SALVAGE_MAX_COLUMNS 64

/* One table being salvaged: the read from the old file, the insert into the fresh one, and
 * which column of the read fills each parameter of the insert. */
typedef struct {
    const char *table;
    bool by_rowid; /* a rowid table, read one row per SELECT; else scanned once */
    sqlite3_stmt *sel, *ins;
    int map[SALVAGE_MAX_COLUMNS], nmap;
    int64_t hi; /* the old table's max(rowid) when readable, else INT64_MAX */
} salvage_t;

/* Prepares s->ins: INSERT INTO table(<columns both have>) VALUES(?1, ...). Leaves s->ins NULL
 * (and returns KIOSK_OK) when no column can be copied; a KIOSK_E* code only for a failure of
 * st. */
static int prepare_insert(store_t *st, salvage_t *s)
{
    char ins_sql[4096], values[512] = "";
    size_t len = (size_t)snprintf(ins_sql, sizeof ins_sql, "INSERT INTO \"%s\"(", s->table);
    for (int i = s->by_rowid ? 1 : 0;
         i < sqlite3_column_count(s->sel) && s->nmap < SALVAGE_MAX_COLUMNS; i++) {
        const char *name = sqlite3_column_name(s->sel, i);
        if (!name || strchr(name, '"') || !has_column(st, s->table, name))
            continue;
        len += (size_t)snprintf(ins_sql + len, sizeof ins_sql - len, "%s\"%s\"",
                                s->nmap ? ", " : "", name);
        const size_t vlen = strlen(values);
        snprintf(values + vlen, sizeof values - vlen, "%s?%d", s->nmap ? ", " : "", s->nmap + 1);
        s->map[s->nmap++] = i;
        if (len >= sizeof ins_sql)
            return KIOSK_OK;
    }
    if (s->nmap == 0 || (size_t)snprintf(ins_sql + len, sizeof ins_sql - len, ") VALUES(%s)",
                                         values) >= sizeof ins_sql - len)
        return KIOSK_OK;
    const int rc = sqlite3_prepare_v2(st->c.db, ins_sql, -1, &s->ins, NULL);
    return rc == SQLITE_OK ? KIOSK_OK : sq_fail_db(&st->c, rc, "cannot prepare the salvage into");
}

/* max(rowid) of the old table, INT64_MAX when it cannot be read. */
static int64_t max_rowid(sqlite3 *src, const char *table)
{
    int64_t hi = INT64_MAX;
    sqlite3_stmt *max = NULL;
    char max_sql[128];
    snprintf(max_sql, sizeof max_sql, "SELECT max(rowid) FROM \"%s\"", table);
    if (sqlite3_prepare_v2(src, max_sql, -1, &max, NULL) == SQLITE_OK &&
        sqlite3_step(max) == SQLITE_ROW && sqlite3_column_type(max, 0) == SQLITE_INTEGER)
        hi = sqlite3_column_int64(max, 0);
    sqlite3_finalize(max);
    return hi;
}

/* Inserts the row s->sel stands on; a row the fresh schema refuses is skipped. */
static int copy_row(store_t *st, salvage_t *s, int64_t *copied)
{
    int err = KIOSK_OK;
    int rc = SQLITE_OK;
    for (int j = 0; j < s->nmap && rc == SQLITE_OK; j++)
        rc = sqlite3_bind_value(s->ins, j + 1, sqlite3_column_value(s->sel, s->map[j]));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s->ins);
    if (rc == SQLITE_DONE)
        (*copied)++;
    else if (!store_row_refused(rc))
        err = sq_fail_db(&st->c, rc, "cannot store salvaged rows in");
    sqlite3_reset(s->ins);
    return err;
}

/* Walks the old table: a rowid table one row per SELECT from rowid next on, moving past an
 * unreadable rowid one at a time; a WITHOUT ROWID table until its first error. */
static int copy_rows(store_t *st, salvage_t *s, int64_t *copied)
{
    int64_t next = 1; /* the store's rowids start at 1 */
    int skipped = 0;
    for (;;) {
        if (s->by_rowid)
            sqlite3_bind_int64(s->sel, 1, next);
        int rc = sqlite3_step(s->sel);
        if (rc == SQLITE_ROW && s->by_rowid && sqlite3_column_int64(s->sel, 0) < next)
            rc = SQLITE_CORRUPT; /* a b-tree out of order: do not loop */
        if (rc == SQLITE_ROW) {
            const int64_t id = sqlite3_column_int64(s->sel, 0);
            skipped = 0;
            const int err = copy_row(st, s, copied);
            if (err || (s->by_rowid && id == INT64_MAX))
                return err;
            if (s->by_rowid) {
                sqlite3_reset(s->sel);
                next = id + 1;
            }
            continue;
        }
        sqlite3_reset(s->sel);
        if (rc == SQLITE_DONE || !s->by_rowid)
            return KIOSK_OK;
        /* An unreadable page: give up rowid next, and seek again from the one after. */
        if (next >= s->hi || ++skipped > SALVAGE_MAX_SKIP)
            return KIOSK_OK;
        next++;
    }
}

/* Copies the readable rows of table from src into st (inside st's transaction). A rowid
 * table is read one row per SELECT ("the first rowid from next on"), so a bad page costs only
 * its rows: after a read error the walk moves on one rowid at a time, up to max(rowid) when
 * that can be read, and gaps between rowids (deleted records) cost nothing. A WITHOUT ROWID
 * table (session counts) is scanned until the first error. Sets *copied; returns a KIOSK_E*
 * code only for a failure of st. */
static int salvage_table(store_t *st, sqlite3 *src, const char *table, bool by_rowid,
                         int64_t *copied)
{
    *copied = 0;
    salvage_t s = {.table = table, .by_rowid = by_rowid, .hi = INT64_MAX};
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s* FROM \"%s\"%s", by_rowid ? "rowid, " : "", table,
             by_rowid ? " WHERE rowid >= ?1 ORDER BY rowid LIMIT 1" : "");
    int err = KIOSK_OK;
    if (sqlite3_prepare_v2(src, sql, -1, &s.sel, NULL) != SQLITE_OK)
        goto done; /* its schema is unreadable: nothing to salvage from this table */
    err = prepare_insert(st, &s);
    if (err || !s.ins)
        goto done;
    if (by_rowid)
        s.hi = max_rowid(src, table);
    err = copy_rows(st, &s, copied);
done:
    sqlite3_finalize(s.ins);
    sqlite3_finalize(s.sel);
    return err;
}

/* Copies the tables and keeps the clock guard (meta last_utc_ms) covering every salvaged
 * record even when its meta row was lost; inside st's transaction. */
static int salvage_tables(store_t *st, sqlite3 *src, int64_t *n_records, int64_t *n_contacts,
                          int64_t *promised)
{
    int64_t n_other = 0, last_ms = 0;
    bool have_last = false;
    int err = salvage_table(st, src, "records", true, n_records);
    if (!err)
        err = salvage_table(st, src, "contacts", true, n_contacts);
    if (!err) {
        int64_t more_records = 0, more_contacts = 0;
        err = store_pagescan(st, sqlite3_db_filename(src, "main"), &more_records, &more_contacts,
                             promised);
        *n_records += more_records;
        *n_contacts += more_contacts;
    }
    if (!err)
        err = salvage_table(st, src, "session_outcomes", false, &n_other);
    if (!err) /* deleted records' hashes: retention's deletions are no gap in the chain */
        err = salvage_table(st, src, "chain_gone", true, &n_other);
    if (!err)
        err = salvage_table(st, src, "meta", true, &n_other); /* keeps the fresh creation time */
    if (!err)
        err = store_meta_get_int(st, "last_utc_ms", &have_last, &last_ms);
    if (!err) {
        int64_t newest = 0;
        err = sq_query_int(&st->c, "SELECT coalesce(max(utc_ms), 0) FROM records", &newest,
                           "cannot read the salvaged records of");
        if (!err && *n_records > 0 && (!have_last || newest > last_ms))
            err = store_meta_set_int(st, "last_utc_ms", newest);
    }
    return err;
}

/* The highest record id the damaged copy still shows (its records b-tree's last row): the
 * records it promised, counting those retention deleted since; -1 when unreadable. */
static int64_t promised_records(sqlite3 *src)
{
    const int64_t hi = max_rowid(src, "records");
    return hi == INT64_MAX ? -1 : hi;
}

/* The meta keys that say, inside the fresh database, that the salvage from one quarantined
 * copy has committed: written in the salvage's own transaction. */
#define META_SALVAGED_FROM "salvaged_from"
#define META_SALVAGED_RECORDS "salvaged_records"
#define META_SALVAGED_CONTACTS "salvaged_contacts"
#define META_SALVAGE_EXPECTED "salvage_expected"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int note_salvage(store_t *st, const char *from, const store_recovery_t *rec)
{
    int err = store_meta_set(st, META_SALVAGED_FROM, base_name(from), 0);
    if (!err)
        err = store_meta_set_int(st, META_SALVAGED_RECORDS, rec->salvaged_records);
    if (!err)
        err = store_meta_set_int(st, META_SALVAGED_CONTACTS, rec->salvaged_contacts);
    if (!err)
        err = store_meta_set_int(st, META_SALVAGE_EXPECTED, rec->expected_records);
    return err;
}

/* Whether the fresh database already holds the committed salvage of from (a start that
 * stopped between that commit and the removal of the journal); then fills rec's counts. */
static int salvage_done(store_t *st, const char *from, store_recovery_t *rec, bool *done)
{
    char text[4096] = "";
    bool found = false;
    *done = false;
    int err = store_meta_get(st, META_SALVAGED_FROM, &found, text, sizeof text, NULL);
    if (err || !found || strcmp(text, base_name(from)) != 0)
        return err;
    *done = true;
    bool f = false;
    err = store_meta_get_int(st, META_SALVAGED_RECORDS, &f, &rec->salvaged_records);
    if (!err)
        err = store_meta_get_int(st, META_SALVAGED_CONTACTS, &f, &rec->salvaged_contacts);
    if (!err)
        err = store_meta_get_int(st, META_SALVAGE_EXPECTED, &f, &rec->expected_records);
    return err;
}

/* Copies what can be read from the database at from (opened read-only; its WAL, moved with
 * it, is read too) into the fresh store st, in one transaction that also notes the salvage
 * (note_salvage()). A copy that cannot be opened gives nothing (note says why); a KIOSK_E*
 * code only for a failure of st, which then holds nothing of it. */
static int salvage(store_t *st, const char *from, store_recovery_t *rec, char *note, size_t notelen)
{
    rec->salvaged_records = rec->salvaged_contacts = 0;
    rec->expected_records = -1;
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        set_err(KIOSK_EIO, note, notelen, "cannot open %s to salvage it: %s", from,
                src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
        sqlite3_close(src);
        src = NULL;
    } else {
        sqlite3_db_config(src, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
        sqlite3_busy_timeout(src, 2000);
        sqlite3_exec(src, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);
    }

    int64_t n_records = 0, n_contacts = 0;
    int err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start the salvage into");
    if (!err && src) {
        int64_t promised = 0;
        rec->expected_records = promised_records(src);
        err = salvage_tables(st, src, &n_records, &n_contacts, &promised);
        if (promised > rec->expected_records)
            rec->expected_records = promised;
    }
    if (!err) {
        int64_t top = 0;
        err = sq_query_int(&st->c, "SELECT coalesce(max(id), 0) FROM records", &top,
                           "cannot read the salvaged records of");
        if (!err && n_records > 0 && top > rec->expected_records)
            rec->expected_records = top; /* the damaged copy's last rows were unreadable */
    }
    rec->salvaged_records = n_records;
    rec->salvaged_contacts = n_contacts;
    if (!err)
        err = note_salvage(st, from, rec);
    if (!err)
        err = sq_exec(&st->c, "COMMIT", "cannot commit the salvage into");
    if (err) {
        sq_rollback(&st->c);
        rec->salvaged_records = rec->salvaged_contacts = 0;
    }
    sqlite3_close(src);
    return err;
}

/* ---- The quarantine journal ------------------------------------------------------------
 * "<path>-quarantine" names the copy being set aside and why. It is written and synced
 * (with its directory) before the first rename, and removed only after the salvage into the
 * fresh database has committed; found at a start, the quarantine is finished before anything
 * else. The step reached follows from the files: the copy not yet at its new name (the
 * database is renamed last) means the move goes on; the fresh database without the meta key
 * salvaged_from = the copy's name means the salvage runs (again: it is one transaction). */

static char *journal_path(const char *path)
{
    char *j = malloc(strlen(path) + sizeof "-quarantine");
    if (j) {
        strcpy(j, path);
        strcat(j, "-quarantine");
    }
    return j;
}

static int write_journal(const char *journal, const char *moved, const char *problem, char *errbuf,
                         size_t errlen)
{
    char text[4096 + 600];
    const int len = snprintf(text, sizeof text, "kiosk-quarantine 1\nmoved %s\nproblem %s\n",
                             base_name(moved), problem);
    if (len < 0 || (size_t)len >= sizeof text)
        return set_err(KIOSK_ETOOBIG, errbuf, errlen, "cannot write %s: too long", journal);
    const int fd = open(journal, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    int e = fd < 0 ? errno : 0;
    if (!e && (write(fd, text, (size_t)len) != len || fsync(fd) != 0))
        e = errno ? errno : ENOSPC;
    if (fd >= 0)
        close(fd);
    if (e) {
        unlink(journal);
        return set_err(kiosk_from_errno(e), errbuf, errlen, "cannot write %s: %s", journal,
                       strerror(e));
    }
    return store_fsync_dir(journal, errbuf, errlen);
}

/* Reads the journal: the moved copy's full path (beside path, named as pick_aside_name()
 * names it) and the problem. KIOSK_ECORRUPT, naming the journal, for anything else. */
static int read_journal(const char *journal, const char *path, store_recovery_t *rec, char *errbuf,
                        size_t errlen)
{
    char text[4096 + 600] = "";
    FILE *f = fopen(journal, "re");
    if (!f) {
        const int e = errno;
        return set_err(kiosk_from_errno(e), errbuf, errlen, "cannot read %s: %s", journal,
                       strerror(e));
    }
    const size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *moved = strstr(text, "\nmoved ");
    char *problem = strstr(text, "\nproblem ");
    char *end = moved ? strchr(moved + 7, '\n') : NULL;
    if (strncmp(text, "kiosk-quarantine 1\n", 19) != 0 || !end || moved[7] == '\0')
        return set_err(KIOSK_ECORRUPT, errbuf, errlen,
                       "%s is not a quarantine journal (line 1 or \"moved\" missing)", journal);
    *end = '\0';
    const char *name = moved + 7;
    const char *stem = base_name(path);
    if (strchr(name, '/') || strncmp(name, stem, strlen(stem)) != 0 ||
        strncmp(name + strlen(stem), ".corrupt-", 9) != 0)
        return set_err(KIOSK_ECORRUPT, errbuf, errlen,
                       "%s, line 2: \"%s\" is not a quarantine copy of %s", journal, name, path);
    const int len =
        snprintf(rec->moved_to, sizeof rec->moved_to, "%.*s%s", (int)(stem - path), path, name);
    if (len < 0 || (size_t)len >= sizeof rec->moved_to)
        return set_err(KIOSK_ETOOBIG, errbuf, errlen, "%s: path too long", journal);
    if (problem) {
        problem += 9;
        problem[strcspn(problem, "\n")] = '\0';
        snprintf(rec->problem, sizeof rec->problem, "%s", problem);
    }
    return KIOSK_OK;
}

/* Removes the journal once the salvage has committed. A failure only means the next start
 * finds the salvage done (salvage_done()) and removes it then. */
static void drop_journal(const char *journal)
{
    if (unlink(journal) == 0)
        store_fsync_dir(journal, NULL, 0);
}

/* The quarantine after the move: opens (or creates) the fresh database at path, salvages
 * the copy into it unless that already committed, then drops the journal. On an error the
 * journal stays and *st is NULL: the next attempt goes on from here. */
static int finish_quarantine(const char *path, const char *journal, store_t **st,
                             store_recovery_t *rec, char *errbuf, size_t errlen)
{
    char note[512] = "";
    int err = store_open_with_check(path, CHECK_NONE, st, NULL, 0, note, sizeof note);
    if (err)
        return set_err(err, errbuf, errlen, "cannot finish the quarantine of %s (%s stays): %s",
                       rec->moved_to, journal, note);
    bool done = false;
    err = salvage_done(*st, rec->moved_to, rec, &done);
    if (!err && !done)
        err = salvage(*st, rec->moved_to, rec, note, sizeof note);
    if (err) {
        set_err(err, errbuf, errlen, "cannot finish the quarantine of %s (%s stays): %s",
                rec->moved_to, journal, (*st)->c.errmsg);
        store_close(*st);
        *st = NULL;
        return err;
    }
    drop_journal(journal);
    set_err(KIOSK_OK, errbuf, errlen, "%s", note);
    (*st)->c.errmsg[0] = '\0';
    return KIOSK_OK;
}

/* Moves the corrupt database aside under a journal, opens a fresh one at path and salvages
 * into it. */
static int recover(const char *path, const char *journal, store_t **st, store_recovery_t *rec,
                   char *errbuf, size_t errlen)
{
    int err = pick_aside_name(path, rec->moved_to, sizeof rec->moved_to, errbuf, errlen);
    if (!err)
        err = write_journal(journal, rec->moved_to, rec->problem, errbuf, errlen);
    if (!err) {
        err = move_aside(path, rec->moved_to, errbuf, errlen);
        if (err) /* everything was put back: there is nothing to finish */
            drop_journal(journal);
    }
    if (err) {
        rec->moved_to[0] = '\0';
        return err;
    }
    rec->moved_aside = true;
    return finish_quarantine(path, journal, st, rec, errbuf, errlen);
}

/* A journal found at start-up: finishes the move (the database is still at path) and the
 * salvage. A journal whose copy is gone, with no database at path either, is dropped. */
static int resume(const char *path, const char *journal, store_t **st, store_recovery_t *rec,
                  char *errbuf, size_t errlen)
{
    rec->resumed = true;
    if (!exists(rec->moved_to)) {
        if (!exists(path)) {
            drop_journal(journal);
            rec->resumed = false;
            rec->moved_to[0] = '\0';
            return store_open_with_check(path, CHECK_FULL, st, NULL, 0, errbuf, errlen);
        }
        const int err = move_aside(path, rec->moved_to, errbuf, errlen);
        if (err)
            return err;
    }
    rec->moved_aside = true;
    return finish_quarantine(path, journal, st, rec, errbuf, errlen);
}

/* The check of a start without a journal; a corrupt database is quarantined. */
static int open_or_recover(const char *path, const char *journal, const char *marker, store_t **st,
                           store_recovery_t *rec, char *errbuf, size_t errlen)
{
    int err = store_open_with_check(path, rec->unclean ? CHECK_FULL : CHECK_QUICK, st, rec->problem,
                                    sizeof rec->problem, errbuf, errlen);
    if (err && err != KIOSK_ECORRUPT)
        return err; /* not the file's fault: leave everything as it is */
    /* From here on a crash, even during the recovery, makes the next start a full check. */
    const int marker_err = create_marker(marker, errbuf, errlen);
    if (marker_err) {
        store_close(*st);
        *st = NULL;
        return marker_err;
    }
    if (err == KIOSK_ECORRUPT)
        err = recover(path, journal, st, rec, errbuf, errlen);
    return err;
}

int store_open_recovered(const char *path, store_t **out, store_recovery_t *rec, char *errbuf,
                         size_t errlen)
{
    assert(out);
    *out = NULL;
    store_recovery_t scratch;
    if (!rec)
        rec = &scratch;
    memset(rec, 0, sizeof *rec);
    rec->expected_records = -1;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!path || !*path)
        return store_open(path, out, errbuf, errlen); /* its refusal and message */

    char *marker = malloc(strlen(path) + sizeof "-running");
    char *journal = journal_path(path);
    int err = KIOSK_OK;
    if (!marker || !journal) {
        err = set_err(KIOSK_ENOMEM, errbuf, errlen, "cannot open database %s: out of memory", path);
        goto fail;
    }
    strcpy(marker, path);
    strcat(marker, "-running");
    rec->unclean = exists(marker);
    rec->checked_full = rec->unclean;

    store_t *st = NULL;
    if (exists(journal))
        err = read_journal(journal, path, rec, errbuf, errlen);
    if (err == KIOSK_ECORRUPT) {
        /* Written in full and synced before the first rename: a torn or foreign journal means
         * nothing was moved yet. */
        drop_journal(journal);
        memset(rec->moved_to, 0, sizeof rec->moved_to);
        rec->problem[0] = '\0';
        err = KIOSK_OK;
    } else if (err) {
        goto fail;
    }
    if (rec->moved_to[0]) {
        /* An unfinished quarantine goes first, before anything writes to path. */
        err = create_marker(marker, errbuf, errlen);
        if (!err)
            err = resume(path, journal, &st, rec, errbuf, errlen);
    } else {
        err = open_or_recover(path, journal, marker, &st, rec, errbuf, errlen);
    }
    if (err)
        goto fail;
    st->marker = marker;
    free(journal);
    *out = st;
    return KIOSK_OK;

fail:
    free(journal);
    free(marker);
    return err;
}

int store_open_checked(const char *path, store_t **out, store_recovery_t *rec, char *errbuf,
                       size_t errlen)
{
    store_recovery_t scratch;
    if (!rec)
        rec = &scratch;
    const int err = store_open_recovered(path, out, rec, errbuf, errlen);
    /* The hash chain: lost or altered records become a notice (never a refusal to run). */
    /* On failure rec->chain.verified is false and store_errmsg() says why. */
    if (!err)
        store_chain_verify(*out, &rec->chain);
    return err;
}
