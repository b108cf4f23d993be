/* One error convention for the whole firmware: 0 is success, failures are negative KIOSK_E*
 * codes; edges translate errno, SQLITE_* and SDL errors into these once. */
#ifndef KIOSK_KERR_H
#define KIOSK_KERR_H

enum kiosk_err {
    KIOSK_OK = 0,
    KIOSK_ENOMEM = -1,   /* allocation failed */
    KIOSK_EINVAL = -2,   /* bad argument or malformed input */
    KIOSK_EIO = -3,      /* the storage medium failed */
    KIOSK_EFULL = -4,    /* no space left */
    KIOSK_EACCES = -5,   /* not allowed (permissions, read-only medium) */
    KIOSK_ECORRUPT = -6, /* stored data failed a check */
    KIOSK_ENOENT = -7,   /* not found */
    KIOSK_EBUSY = -8,    /* locked by someone else */
    KIOSK_ETOOBIG = -9,  /* input larger than allowed */
};

/* Text for a KIOSK_E* code; never NULL, static storage. */
const char *kiosk_strerror(int err);

/* The KIOSK_E* code of an errno value from a file or process operation: no space (ENOSPC,
 * EDQUOT, EFBIG: a file too large for the medium is "full"), not allowed (EROFS, EACCES, EPERM,
 * ENOEXEC), not found (ENOENT, ENOTDIR), ENOMEM, E2BIG; anything else, 0 included, is
 * KIOSK_EIO. The firmware's one errno table: the store's SQLite translation
 * (store/sqlite_err.c) asks it for the errno behind an SQLite error. */
int kiosk_from_errno(int e);

#endif
