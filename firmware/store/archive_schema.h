/* Internal to the store library: the office archive's schema migrations (archive.c). */
#ifndef KIOSK_ARCHIVE_SCHEMA_H
#define KIOSK_ARCHIVE_SCHEMA_H

#include "store/sqlite_util.h"

/* Brings the open archive c to ARCHIVE_SCHEMA_VERSION, each migration in its own transaction,
 * foreign keys off while they run (checked before each commit) and on again after. Nothing is
 * written when it is up to date. */
int archive_schema_migrate(sq_db_t *c);

#endif
