/* Text of the firmware-wide error codes. */
#include "core/kerr.h"

#include <errno.h>

const char *kiosk_strerror(int err)
{
    switch (err) {
    case KIOSK_OK:
        return "success";
    case KIOSK_ENOMEM:
        return "out of memory";
    case KIOSK_EINVAL:
        return "invalid input";
    case KIOSK_EIO:
        return "input/output error";
    case KIOSK_EFULL:
        return "no space left on the storage";
    case KIOSK_EACCES:
        return "permission denied or read-only storage";
    case KIOSK_ECORRUPT:
        return "data is corrupt";
    case KIOSK_ENOENT:
        return "not found";
    case KIOSK_EBUSY:
        return "busy: locked by another process";
    case KIOSK_ETOOBIG:
        return "input too large";
    default:
        return "unknown error";
    }
}

int kiosk_from_errno(int e)
{
    switch (e) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return KIOSK_EFULL;
    case EROFS:
    case EACCES:
    case EPERM:
    case ENOEXEC:
        return KIOSK_EACCES;
    case ENOENT:
    case ENOTDIR:
        return KIOSK_ENOENT;
    case ENOMEM:
        return KIOSK_ENOMEM;
    case E2BIG:
        return KIOSK_ETOOBIG;
    default:
        return KIOSK_EIO;
    }
}
