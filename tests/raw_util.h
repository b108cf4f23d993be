/* A raw look at a SQLite file from a test, past the store: one integer a query gives.
 * Header-only, one copy per test program. */
#ifndef KIOSK_RAW_UTIL_H
#define KIOSK_RAW_UTIL_H

#include <stdint.h>

#include <sqlite3.h>

/* The first column of sql's first row, read from path opened read-only; -1 when the file,
 * the query or the row is not there. */
static inline int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

#endif
