/* The kiosk's store: schema and migrations, opening with verified durability pragmas, the
 * meta keys, and closing. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

/* Schema migrations: entry i takes user_version i to i + 1 and runs in its own transaction.
 * Entries are frozen once released; a later schema appends an entry and raises
 * STORE_SCHEMA_VERSION. The kind and outcome lists are spelled out because a CHECK is part
 * of the stored schema: a new record kind or outcome needs a new migration. */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema. */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    "INSERT INTO meta(key, value)"
    "  VALUES('kiosk_schema_created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));"
    "CREATE TABLE records ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK(kind IN ('quick_rating', 'feedback', 'service_request',"
    "                                    'questionnaire', 'activity')),"
    "  journey_id TEXT NOT NULL,"
    "  kiosk_id TEXT NOT NULL,"
    "  pack_id TEXT NOT NULL,"
    "  pack_version TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  answers TEXT NOT NULL CHECK(json_valid(answers) AND json_type(answers) = 'object'),"
    "  ref_code TEXT UNIQUE,"
    "  created_utc TEXT NOT NULL,"
    "  utc_ms INTEGER NOT NULL,"
    "  utc_offset_min INTEGER NOT NULL,"
    "  clock_synced INTEGER NOT NULL CHECK(clock_synced IN (0, 1)),"
    "  mono_ms INTEGER NOT NULL,"
    "  exported_at TEXT"
    ");"
    "CREATE INDEX records_exported_at ON records(exported_at);"
    "CREATE TABLE contacts ("
    "  record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,"
    "  name TEXT,"
    "  phone TEXT,"
    "  consent INTEGER NOT NULL CHECK(consent = 1),"
    "  collected_utc TEXT NOT NULL"
    ");"
    "CREATE TABLE session_outcomes ("
    "  day TEXT NOT NULL,"
    "  journey_id TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK(outcome IN ('completed', 'timed_out', 'abandoned')),"
    "  count INTEGER NOT NULL,"
    "  PRIMARY KEY(day, journey_id, outcome)"
    ") WITHOUT ROWID;",
    /* 1 -> 2: quick ratings pressed too soon after the previous one are kept but flagged. */
    "ALTER TABLE records ADD COLUMN misuse INTEGER NOT NULL DEFAULT 0 CHECK(misuse IN (0, 1));",
    /* 2 -> 3: the boot counter of each record (store_note_boot()). The meta keys boot_count,
     * boot_id and last_utc_ms are written on first use; a database that already has records
     * starts last_utc_ms at their latest time, so the wall clock cannot go back behind them. */
    "ALTER TABLE records ADD COLUMN boot INTEGER NOT NULL DEFAULT 0;"
    "INSERT INTO meta(key, value)"
    "  SELECT 'last_utc_ms', utc_ms FROM records ORDER BY utc_ms DESC LIMIT 1;",
    /* 3 -> 4: the hash chain (store_chain.c): a sequence number per record, never reused, the
     * hash of the record before it and its own, the hash binding its (updatable) answers, and
     * a digest of its contact under a random nonce that is erased with the contact. A deleted
     * record leaves its number and hash in chain_gone (trigger), so retention is no gap; rows
     * below the lowest kept record collapse into one anchor. store_chain_migrate() numbers and
     * chains the existing rows in insertion order in the same transaction. */
    "ALTER TABLE records ADD COLUMN seq INTEGER;"
    "ALTER TABLE records ADD COLUMN prev_hash TEXT;"
    "ALTER TABLE records ADD COLUMN hash TEXT;"
    "ALTER TABLE records ADD COLUMN answers_hash TEXT;"
    "ALTER TABLE records ADD COLUMN contact_digest TEXT;"
    "ALTER TABLE contacts ADD COLUMN nonce TEXT;"
    "UPDATE contacts SET nonce = lower(hex(randomblob(32)));"
    "CREATE UNIQUE INDEX records_seq ON records(seq);"
    "CREATE TABLE chain_gone ("
    "  seq INTEGER PRIMARY KEY,"
    "  hash TEXT NOT NULL,"
    "  exported INTEGER NOT NULL"
    ");"
    "CREATE TRIGGER records_chain_gone AFTER DELETE ON records WHEN old.seq IS NOT NULL BEGIN"
    "  INSERT OR REPLACE INTO chain_gone(seq, hash, exported)"
    "    VALUES(old.seq, old.hash, old.exported_at IS NOT NULL);"
    "  DELETE FROM chain_gone WHERE exported = 1 AND seq < (SELECT max(g.seq) FROM chain_gone AS g"
    "    WHERE g.seq < coalesce((SELECT min(seq) FROM records), 9223372036854775807));"
    "END;",
    /* 4 -> 5: the staff figures without full scans (store_figures.c). The records of a day or
     * a week by an index on utc_ms, the misuse-flagged ones by a partial index (covering: the
     * count reads no record); the records
     * not exported, and the service requests among them, as running counts in tallies: a
     * trigger counts every insert and delete (saves, a salvage, retention), and an export
     * sets them from the records saved after its snapshot (store_tallies_after_export()), in
     * its own transaction; no trigger runs per record marked. */
    "CREATE INDEX records_utc_ms ON records(utc_ms);"
    "CREATE INDEX records_misuse_utc_ms ON records(utc_ms, misuse) WHERE misuse = 1;"
    "CREATE TABLE tallies ("
    "  name TEXT PRIMARY KEY,"
    "  n INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO tallies(name, n)"
    "  SELECT 'unexported', count(*) FROM records WHERE exported_at IS NULL;"
    "INSERT INTO tallies(name, n)"
    "  SELECT 'requests_unexported', count(*) FROM records"
    "  WHERE exported_at IS NULL AND kind = 'service_request';"
    "CREATE TRIGGER records_tally_insert AFTER INSERT ON records"
    "  WHEN new.exported_at IS NULL BEGIN"
    "  UPDATE tallies SET n = n + 1 WHERE name = 'unexported'"
    "    OR (name = 'requests_unexported' AND new.kind = 'service_request');"
    "END;"
    "CREATE TRIGGER records_tally_delete AFTER DELETE ON records"
    "  WHEN old.exported_at IS NULL BEGIN"
    "  UPDATE tallies SET n = n - 1 WHERE name = 'unexported'"
    "    OR (name = 'requests_unexported' AND old.kind = 'service_request');"
    "END;",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");
_Static_assert(RECORD_KIND_COUNT == 5, "a new record kind needs a migration of the kind CHECK");
_Static_assert(SESSION_OUTCOME_COUNT == 3, "a new outcome needs a migration of the CHECK");

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_REF_EXISTS] = "SELECT 1 FROM records WHERE ref_code = ?1",
    [STMT_INSERT_RECORD] =
        "INSERT INTO records(uuid, kind, journey_id, kiosk_id, pack_id, pack_version, lang,"
        " answers, ref_code, created_utc, utc_ms, utc_offset_min, clock_synced, mono_ms, misuse,"
        " boot) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    [STMT_INSERT_CONTACT] =
        "INSERT INTO contacts(record_id, name, phone, consent, collected_utc, nonce)"
        " VALUES(?1, ?2, ?3, 1, ?4, lower(hex(randomblob(32))))",
    [STMT_UPDATE_ANSWERS] = "UPDATE records SET answers = ?2 WHERE uuid = ?1",
    [STMT_COUNT_SESSION] = "INSERT INTO session_outcomes(day, journey_id, outcome, count)"
                           " VALUES(?1, ?2, ?3, 1)"
                           " ON CONFLICT(day, journey_id, outcome) DO UPDATE SET count = count + 1",
    [STMT_SESSION_COUNT] = "SELECT count FROM session_outcomes"
                           " WHERE day = ?1 AND journey_id = ?2 AND outcome = ?3",
    [STMT_RECORD_COUNT] = "SELECT count(*) FROM records",
    [STMT_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [STMT_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [STMT_RECORD_BY_REF] = "SELECT id FROM records WHERE ref_code = ?1",
    [STMT_ERASE_CONTACT] = "DELETE FROM contacts WHERE record_id = ?1",
    [STMT_CONTACT_COUNT] = "SELECT count(*) FROM contacts",
    /* Times are compared as Julian days: exported_at is written by the export code and may
     * carry a fraction or an offset; an unparsable time (NULL) erases nothing. */
    [STMT_RETAIN_CONTACTS] = "DELETE FROM contacts WHERE julianday(collected_utc) < ?2"
                             " OR record_id IN (SELECT id FROM records"
                             "                  WHERE julianday(exported_at) < ?1)",
    [STMT_RETAIN_RECORDS] = "DELETE FROM records WHERE julianday(exported_at) < ?1",
};

/* Sets the durability pragmas and reads each one back: a build of SQLite may change defaults
 * (SQLITE_DEFAULT_WAL_SYNCHRONOUS) and a pragma that cannot apply fails silently. */
static int set_pragmas(store_t *st)
{
    sq_db_t *c = &st->c;
    int64_t value;
    int err = sq_set_wal(c);
    if (!err)
        err = sq_pragma(c, "PRAGMA synchronous=FULL", "PRAGMA synchronous", &value,
                        "cannot set synchronous=FULL on", "cannot read synchronous of");
    if (err)
        return err;
    if (value != 2)
        return sq_fail(c, KIOSK_EIO, "cannot set synchronous=FULL on %s: synchronous is %lld",
                       c->path, (long long)value);
    err = sq_pragma(c, "PRAGMA foreign_keys=ON", "PRAGMA foreign_keys", &value,
                    "cannot enable foreign keys on", "cannot read foreign_keys of");
    if (!err && value != 1)
        err = sq_fail(c, KIOSK_EIO, "cannot enable foreign keys on %s", c->path);
    if (err)
        return err;
    /* Erased contact details are overwritten, not left in free pages (research note 1.7). */
    err = sq_pragma(c, "PRAGMA secure_delete=ON", "PRAGMA secure_delete", &value,
                    "cannot enable secure_delete on", "cannot read secure_delete of");
    if (!err && value != 1)
        err = sq_fail(c, KIOSK_EIO, "cannot enable secure_delete on %s", c->path);
    return err;
}

static int refuse_newer(store_t *st, int64_t version)
{
    return sq_fail(&st->c, KIOSK_EINVAL,
                   "cannot open database %s: its schema version %lld is newer than this "
                   "firmware's %d (written by a newer firmware?)",
                   st->c.path, (long long)version, STORE_SCHEMA_VERSION);
}

static int read_version(store_t *st, int64_t *version)
{
    return sq_query_int(&st->c, "PRAGMA user_version", version, "cannot read schema version of");
}

static int check_not_newer(store_t *st)
{
    int64_t version;
    const int err = read_version(st, &version);
    if (err)
        return err;
    return version > STORE_SCHEMA_VERSION ? refuse_newer(st, version) : KIOSK_OK;
}

/* One step of migrate(), inside its transaction: reads the version again under the write
 * lock and applies the next migration, if one is missing. */
static int migrate_step(store_t *st, int64_t *version)
{
    int err = read_version(st, version);
    if (err)
        return err;
    if (*version > STORE_SCHEMA_VERSION)
        return refuse_newer(st, *version);
    if (*version < STORE_SCHEMA_VERSION) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version=%lld", (long long)(*version + 1));
        err = sq_exec(&st->c, migrations[*version], "cannot migrate schema of");
        if (!err && *version == 3)
            err = store_chain_migrate(st);
        if (!err)
            err = sq_exec(&st->c, sql, "cannot set schema version of");
        if (err)
            return err;
        (*version)++;
    }
    return KIOSK_OK;
}

/* Applies the missing migrations, each in its own transaction. The version is read again
 * under the write lock, so two programs opening one file do not both migrate it. */
static int migrate(store_t *st)
{
    int64_t version;
    int err = read_version(st, &version);
    if (err)
        return err;
    if (version > STORE_SCHEMA_VERSION)
        return refuse_newer(st, version);
    if (version < 0)
        return sq_fail(&st->c, KIOSK_ECORRUPT, "cannot open database %s: schema version %lld",
                       st->c.path, (long long)version);

    while (version < STORE_SCHEMA_VERSION) {
        err = sq_exec(&st->c, "BEGIN IMMEDIATE", "cannot start migration of");
        if (err)
            return err;
        err = migrate_step(st, &version);
        if (!err)
            err = sq_exec(&st->c, "COMMIT", "cannot commit migration of");
        if (err) {
            sq_rollback(&st->c);
            return err;
        }
    }
    return KIOSK_OK;
}

/* Closes a store that failed to open; a corrupt one without the checkpoint on close, and its
 * message goes to problem when the check left none. */
static void close_failed(store_t *st, int err, char *problem, size_t problemlen)
{
    if (err == KIOSK_ECORRUPT && st->c.db) {
        sqlite3_db_config(st->c.db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
        if (problem && problemlen && !problem[0]) {
            size_t n = strnlen(st->c.errmsg, problemlen - 1);
            memcpy(problem, st->c.errmsg, n);
            problem[n] = '\0';
        }
    }
    sq_close(&st->c, st->stmt, STMT_COUNT);
}

/* What setup() needs besides the store. */
typedef struct {
    store_t *st;
    store_check_t check;
    char *problem;
    size_t problemlen;
} opening_t;

/* The steps after the open. The check reads only; a newer schema is refused before
 * anything, even the journal mode, is changed. */
static int setup(void *self)
{
    opening_t *o = self;
    int err = o->check == CHECK_NONE ? KIOSK_OK
                                     : store_run_check(o->st, o->check, o->problem, o->problemlen);
    if (!err)
        err = check_not_newer(o->st);
    if (!err)
        err = set_pragmas(o->st);
    return err ? err : migrate(o->st);
}

static const sq_open_spec_t open_spec = {.noun = "database",
                                         .busy_ms = 2000,
                                         .refine_cantopen = true,
                                         .setup = setup,
                                         .stmt_sql = stmt_sql,
                                         .nstmt = STMT_COUNT};

int store_open_with_check(const char *path, store_check_t check, store_t **out, char *problem,
                          size_t problemlen, char *errbuf, size_t errlen)
{
    assert(out);
    *out = NULL;
    store_t *st = calloc(1, sizeof *st);
    if (!st)
        return sq_open_nomem("database", path, errbuf, errlen);
    st->head_fd = -1;
    opening_t o = {st, check, problem, problemlen};
    const int err = sq_open(&st->c, path, &open_spec, st->stmt, &o);
    if (!err) {
        *out = st;
        return KIOSK_OK;
    }
    close_failed(st, err, problem, problemlen);
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", st->c.errmsg);
    free(st);
    return err;
}

int store_open(const char *path, store_t **out, char *errbuf, size_t errlen)
{
    return store_open_with_check(path, CHECK_NONE, out, NULL, 0, errbuf, errlen);
}

void store_close(store_t *st)
{
    if (!st)
        return;
    /* The last connection to close checkpoints the WAL into the database and removes it. */
    const int rc = sq_close(&st->c, st->stmt, STMT_COUNT);
    if (st->head_fd >= 0) {
        store_chain_head_sync(st); /* a failure leaves it behind: the next start catches up */
        close(st->head_fd);
    }
    if (st->marker && rc == SQLITE_OK && unlink(st->marker) == 0)
        store_fsync_dir(st->marker, NULL, 0);
    free(st->marker);
    free(st);
}

const char *store_library_version(void)
{
    return sqlite3_libversion();
}

const char *store_errmsg(const store_t *st)
{
    if (!st)
        return "no store";
    return st->c.errmsg[0] ? st->c.errmsg : "no error";
}

/* ---- meta keys ------------------------------------------------------------------------ */

int store_meta_get(store_t *st, const char *key, bool *found, char *text, size_t textlen,
                   int64_t *value)
{
    sqlite3_stmt *stmt = st->stmt[STMT_META_GET];
    int rc = sq_bind_text(stmt, 1, key);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    int err = KIOSK_OK;
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        if (value)
            *value = sqlite3_column_int64(stmt, 0);
        if (text) {
            const unsigned char *t = sqlite3_column_text(stmt, 0);
            snprintf(text, textlen, "%s", t ? (const char *)t : "");
        }
    } else if (rc != SQLITE_DONE) {
        err = sq_fail_db(&st->c, rc, "cannot read meta data of");
    }
    sqlite3_reset(stmt);
    return err;
}

int store_meta_get_int(store_t *st, const char *key, bool *found, int64_t *value)
{
    *value = 0;
    return store_meta_get(st, key, found, NULL, 0, value);
}

int store_meta_set(store_t *st, const char *key, const char *text, int64_t value)
{
    sqlite3_stmt *stmt = st->stmt[STMT_META_SET];
    int rc = sq_bind_text(stmt, 1, key);
    if (rc == SQLITE_OK)
        rc = text ? sq_bind_text(stmt, 2, text) : sqlite3_bind_int64(stmt, 2, value);
    const int err = sq_step_done(&st->c, stmt, rc, "cannot write meta data of");
    sqlite3_reset(stmt);
    return err;
}

int store_meta_set_int(store_t *st, const char *key, int64_t value)
{
    return store_meta_set(st, key, NULL, value);
}
