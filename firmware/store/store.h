/* The record store: the only code that includes sqlite3. Owns every SQL statement, the
 * schema and its migrations. The kiosk and the staff tools link this same library. */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

typedef struct store store_t;

/* Current schema version (PRAGMA user_version after store_open()). */
#define STORE_SCHEMA_VERSION 2

/* Opens or creates the database at path, applies migrations, and sets WAL with
 * synchronous=FULL (read back and verified). On failure returns a KIOSK_E* code, *out is
 * NULL and errbuf (if not NULL) holds a message naming the path. The caller frees the store
 * with store_close(). */
int store_open(const char *path, store_t **out, char *errbuf, size_t errlen);

/* Checkpoints and closes; accepts NULL. */
void store_close(store_t *st);

/* Saves one finished session in one transaction and returns only after COMMIT returned
 * (durable under synchronous=FULL). Assigns rec->uuid when empty and, for a service request,
 * a unique rec->ref_code. Contact details go to a separate table so that they can be erased
 * on their own. Returns KIOSK_OK, KIOSK_EFULL (disk full), KIOSK_EIO, KIOSK_EACCES,
 * KIOSK_EINVAL (answers_json not a JSON object) or KIOSK_EBUSY; on error nothing is stored. */
int store_save(store_t *st, record_t *rec);

/* Replaces the answers of a stored record (the quick rating's follow-up), one transaction. */
int store_update_answers(store_t *st, const char *uuid, const char *answers_json);

/* Counts how a session ended, per UTC day ("2026-11-28") and journey id. */
int store_count_session(store_t *st, const char *day, const char *journey_id,
                        session_outcome_t outcome);

/* Reads a count written by store_count_session(); 0 when none. */
int64_t store_session_count(store_t *st, const char *day, const char *journey_id,
                            session_outcome_t outcome);

/* Calls cb for each stored record in insertion order. The record passed is valid only during
 * the call. Stops early and returns cb's value when cb returns non-zero. */
int store_foreach_record(store_t *st, int (*cb)(const record_t *rec, void *user_data),
                         void *user_data);

/* Number of stored records. */
int64_t store_record_count(store_t *st);

/* Message of the last failure on this store (static or owned by st); never NULL. */
const char *store_errmsg(const store_t *st);

#endif
