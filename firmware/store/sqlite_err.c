/* SQLite result codes to KIOSK_E* codes, for the store library's two databases. The errno
 * behind an I/O error is translated by the firmware's one table, kiosk_from_errno(). */
#include "store/sqlite_err.h"

#include "core/kerr.h"

/* The errno of the last failed system call of db, as a KIOSK_E* code (KIOSK_EIO without db,
 * errno or a specific meaning). */
static int system_code(sqlite3 *db)
{
    const int e = db ? sqlite3_system_errno(db) : 0;
    return e ? kiosk_from_errno(e) : KIOSK_EIO;
}

int store_sqlite_code(sqlite3 *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return KIOSK_OK;
    case SQLITE_FULL:
        return KIOSK_EFULL;
    case SQLITE_IOERR: {
        if (rc == SQLITE_IOERR_NOMEM)
            return KIOSK_ENOMEM;
        /* A write refused for want of room (ENOSPC, EDQUOT, EFBIG) or of permission tells more
         * than "I/O error"; any other errno stays an I/O error. */
        const int mapped = system_code(db);
        return mapped == KIOSK_EFULL || mapped == KIOSK_EACCES ? mapped : KIOSK_EIO;
    }
    case SQLITE_CANTOPEN:
        return system_code(db);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return KIOSK_EACCES;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return KIOSK_ECORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return KIOSK_EBUSY;
    case SQLITE_NOMEM:
        return KIOSK_ENOMEM;
    case SQLITE_TOOBIG:
        return KIOSK_ETOOBIG;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return KIOSK_EINVAL;
    default:
        return KIOSK_EIO;
    }
}
