/* SQLite result codes to KIOSK_E* codes, for the store library's two databases. */
#include "store/sqlite_err.h"

#include <errno.h>

#include "core/kerr.h"

int store_errno_code(int err)
{
    switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
        return KIOSK_EACCES;
    case ENOSPC:
    case EDQUOT:
        return KIOSK_EFULL;
    case ENOENT:
    case ENOTDIR:
        return KIOSK_ENOENT;
    case ENOMEM:
        return KIOSK_ENOMEM;
    case EIO:
        return KIOSK_EIO;
    default:
        return 0;
    }
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
        const int mapped = db ? store_errno_code(sqlite3_system_errno(db)) : 0;
        return mapped == KIOSK_EFULL || mapped == KIOSK_EACCES ? mapped : KIOSK_EIO;
    }
    case SQLITE_CANTOPEN: {
        const int mapped = db ? store_errno_code(sqlite3_system_errno(db)) : 0;
        return mapped ? mapped : KIOSK_EIO;
    }
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
