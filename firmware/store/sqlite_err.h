/* Internal to the store library: SQLite's (extended) result codes as the firmware's KIOSK_E*
 * codes, translated in one place; the errno behind them goes through kiosk_from_errno(). */
#ifndef KIOSK_SQLITE_ERR_H
#define KIOSK_SQLITE_ERR_H

#include <sqlite3.h>

/* Translates an (extended) SQLite result code of a call on db (NULL: none) into a KIOSK_E*
 * code. Behind SQLITE_IOERR the system errno (sqlite3_system_errno()) tells a full disk
 * (ENOSPC, EDQUOT, EFBIG: KIOSK_EFULL) or a read-only medium (KIOSK_EACCES); any other errno,
 * or none, is KIOSK_EIO. Behind SQLITE_CANTOPEN the errno decides as kiosk_from_errno() does
 * (none: KIOSK_EIO). */
int store_sqlite_code(sqlite3 *db, int rc);

#endif
