/* The office archive's schema: its migrations, frozen once released, and how they are applied.
 * Part of archive.c's connection setup (archive_open()). */
#include "store/archive_schema.h"

#include <stdio.h>

#include "core/kerr.h"
#include "core/record.h"
#include "store/archive.h"

/* Schema migrations: entry i takes user_version i to i + 1 in its own transaction. Entries are
 * frozen once released; a later schema appends one and raises ARCHIVE_SCHEMA_VERSION. The kind
 * list is spelled out because a CHECK is part of the stored schema. ref_code is not unique:
 * two kiosks may issue the same code; it is indexed without case for archive_find_ref(). */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema. */
    "CREATE TABLE kiosks ("
    "  kiosk_id TEXT PRIMARY KEY,"
    "  sign_public_key TEXT NOT NULL,"
    "  added_utc TEXT NOT NULL"
    ");"
    "CREATE TABLE bundles ("
    "  id INTEGER PRIMARY KEY,"
    "  kiosk_id TEXT NOT NULL REFERENCES kiosks(kiosk_id),"
    "  seq INTEGER NOT NULL,"
    "  manifest_sha256 TEXT NOT NULL UNIQUE CHECK(length(manifest_sha256) = 64),"
    "  records INTEGER NOT NULL CHECK(records >= 0),"
    "  imported_utc TEXT NOT NULL"
    ");"
    "CREATE INDEX bundles_kiosk_seq ON bundles(kiosk_id, seq);"
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
    "  ref_code TEXT,"
    "  created_utc TEXT NOT NULL,"
    "  utc_ms INTEGER NOT NULL,"
    "  utc_offset_min INTEGER NOT NULL,"
    "  clock_synced INTEGER NOT NULL CHECK(clock_synced IN (0, 1)),"
    "  mono_ms INTEGER NOT NULL,"
    "  boot INTEGER NOT NULL,"
    "  misuse INTEGER NOT NULL CHECK(misuse IN (0, 1)),"
    "  bundle_id INTEGER NOT NULL REFERENCES bundles(id),"
    "  imported_utc TEXT NOT NULL"
    ");"
    "CREATE INDEX records_ref_code ON records(ref_code COLLATE NOCASE);"
    "CREATE INDEX records_kiosk_time ON records(kiosk_id, utc_ms);"
    "CREATE INDEX records_bundle ON records(bundle_id);"
    "CREATE TABLE contacts ("
    "  record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,"
    "  name TEXT,"
    "  phone TEXT,"
    "  CHECK(name IS NOT NULL OR phone IS NOT NULL)"
    ");",
    /* 1 -> 2: the end of each kiosk's hash chain seen so far (archive_check_chain()). */
    "ALTER TABLE kiosks ADD COLUMN chain_seq INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE kiosks ADD COLUMN chain_hash TEXT;",
    /* 2 -> 3: the records table again, rows and ids kept (SQLite's way of changing a table: a
     * new one, the rows copied, the old one dropped, foreign keys off meanwhile; migrate()),
     * for a bulk import's sake (archive_begin_bundle()). The kind's CHECK compares instead of
     * IN (...), which built a temporary table for every insert (a tenth of an import's time);
     * the uuid is unique through a named index, which a bulk load drops and builds again. */
    "CREATE TABLE records_v3 ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind = 'quick_rating' OR kind = 'feedback'"
    "    OR kind = 'service_request' OR kind = 'questionnaire' OR kind = 'activity'),"
    "  journey_id TEXT NOT NULL,"
    "  kiosk_id TEXT NOT NULL,"
    "  pack_id TEXT NOT NULL,"
    "  pack_version TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  answers TEXT NOT NULL CHECK(json_valid(answers) AND json_type(answers) = 'object'),"
    "  ref_code TEXT,"
    "  created_utc TEXT NOT NULL,"
    "  utc_ms INTEGER NOT NULL,"
    "  utc_offset_min INTEGER NOT NULL,"
    "  clock_synced INTEGER NOT NULL CHECK(clock_synced IN (0, 1)),"
    "  mono_ms INTEGER NOT NULL,"
    "  boot INTEGER NOT NULL,"
    "  misuse INTEGER NOT NULL CHECK(misuse IN (0, 1)),"
    "  bundle_id INTEGER NOT NULL REFERENCES bundles(id),"
    "  imported_utc TEXT NOT NULL"
    ");"
    "INSERT INTO records_v3 SELECT id, uuid, kind, journey_id, kiosk_id, pack_id, pack_version,"
    " lang, answers, ref_code, created_utc, utc_ms, utc_offset_min, clock_synced, mono_ms, boot,"
    " misuse, bundle_id, imported_utc FROM records ORDER BY id;"
    "DROP TABLE records;"
    "ALTER TABLE records_v3 RENAME TO records;"
    "CREATE UNIQUE INDEX records_uuid ON records(uuid);"
    "CREATE INDEX records_ref_code ON records(ref_code COLLATE NOCASE);"
    "CREATE INDEX records_kiosk_time ON records(kiosk_id, utc_ms);"
    "CREATE INDEX records_bundle ON records(bundle_id);",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == ARCHIVE_SCHEMA_VERSION,
               "one migration per schema version");
_Static_assert(RECORD_KIND_COUNT == 5, "a new record kind needs a migration of the kind CHECK");

/* Sets foreign_keys and reads it back. */
static int foreign_keys(sq_db_t *c, bool on)
{
    int64_t value = -1;
    const int err =
        sq_pragma(c, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF",
                  "PRAGMA foreign_keys", &value, "cannot set pragmas of", "cannot read pragmas of");
    if (!err && value != on)
        return sq_fail(c, KIOSK_EIO, "cannot set foreign_keys on %s: it reads back as %lld",
                       c->path, (long long)value);
    return err;
}

/* Applies one migration in the open transaction, then checks that every row still has what it
 * refers to (foreign keys are off while migrations run). */
static int migrate_one(sq_db_t *c, int64_t version)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%lld; PRAGMA application_id=%d",
             (long long)(version + 1), ARCHIVE_APPLICATION_ID);
    int64_t broken = 0;
    int err = sq_exec(c, migrations[version], "cannot migrate schema of");
    if (!err)
        err = sq_query_int(c, "SELECT count(*) FROM pragma_foreign_key_check", &broken,
                           "cannot check the foreign keys after migrating");
    if (!err && broken != 0)
        err = sq_fail(c, KIOSK_ECORRUPT,
                      "cannot migrate archive %s: %lld rows would lose what they refer to", c->path,
                      (long long)broken);
    if (!err)
        err = sq_exec(c, sql, "cannot set schema version of");
    return err ? err : sq_exec(c, "COMMIT", "cannot commit migration of");
}

/* Applies the missing migrations, each in its own transaction; the version is read again
 * under the write lock, so two tools opening one file do not both migrate it. */
static int migrate_steps(sq_db_t *c)
{
    int64_t version;
    for (;;) {
        int err = sq_exec(c, "BEGIN IMMEDIATE", "cannot start migration of");
        if (err)
            return err;
        err = sq_query_int(c, "PRAGMA user_version", &version, "cannot read schema version of");
        if (!err && (version < 0 || version > ARCHIVE_SCHEMA_VERSION))
            err = sq_fail(c, KIOSK_EINVAL, "cannot open archive %s: schema version %lld", c->path,
                          (long long)version);
        if (!err && version == ARCHIVE_SCHEMA_VERSION)
            return sq_exec(c, "COMMIT", "cannot finish migration of");
        if (!err)
            err = migrate_one(c, version);
        if (err) {
            sq_rollback(c);
            return err;
        }
    }
}

/* The migrations with foreign keys off: one may recreate a table that others refer to (3:
 * records), and dropping it with them on would delete (cascade) the rows that refer to it.
 * They cannot change inside a transaction; on again (and read back) whatever happened. */
int archive_schema_migrate(sq_db_t *c)
{
    int64_t version;
    int err = sq_query_int(c, "PRAGMA user_version", &version, "cannot read schema version of");
    if (err || version == ARCHIVE_SCHEMA_VERSION)
        return err; /* up to date: no write lock taken */
    err = foreign_keys(c, false);
    if (!err)
        err = migrate_steps(c);
    const int on = foreign_keys(c, true);
    return err ? err : on;
}
