/* Internal to the store library (store.c, archive.c): SQLite's result codes and errno, as
 * the firmware's KIOSK_E* codes, translated in one place. */
#ifndef KIOSK_SQLITE_ERR_H
#define KIOSK_SQLITE_ERR_H

#include <sqlite3.h>

/* Translates an (extended) SQLite result code of a call on db (NULL: none) into a KIOSK_E*
 * code; the system errno behind an I/O error tells a full disk or a read-only medium. */
int store_sqlite_code(sqlite3 *db, int rc);

/* An errno as a KIOSK_E* code when it says something specific (no space, no permission, no
 * such file, no memory, I/O), else 0. */
int store_errno_code(int err);

#endif
