/* The backlight edge: two small sysfs files, read and written whole. */
#include "system/backlight.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kerr.h"

static int path_of(char out[PATH_MAX], const char *dir, const char *name, char *err, size_t errlen)
{
    if (!dir || !*dir || snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
        snprintf(err, errlen, "backlight: bad directory");
        return KIOSK_EINVAL;
    }
    return KIOSK_OK;
}

static int fail_errno(const char *path, const char *what, char *err, size_t errlen)
{
    int e = errno;
    snprintf(err, errlen, "%s: %s: %s", path, what, strerror(e));
    return kiosk_from_errno(e);
}

/* Reads a file holding one non-negative decimal integer (a trailing newline allowed). */
static int read_int(const char *dir, const char *name, int *out, char *err, size_t errlen)
{
    char path[PATH_MAX];
    int rc = path_of(path, dir, name, err, errlen);
    if (rc)
        return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return fail_errno(path, "open", err, errlen);
    char buf[32];
    ssize_t n;
    do
        n = read(fd, buf, sizeof buf - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        rc = fail_errno(path, "read", err, errlen);
        close(fd);
        return rc;
    }
    close(fd);
    buf[n] = '\0';
    char *end;
    errno = 0;
    long v = strtol(buf, &end, 10);
    while (*end == '\n' || *end == ' ')
        end++;
    if (end == buf || *end || errno || v < 0 || v > INT_MAX) {
        snprintf(err, errlen, "%s: not a brightness value", path);
        return KIOSK_ECORRUPT;
    }
    *out = (int)v;
    return KIOSK_OK;
}

static int write_int(const char *dir, const char *name, int value, char *err, size_t errlen)
{
    char path[PATH_MAX];
    int rc = path_of(path, dir, name, err, errlen);
    if (rc)
        return rc;
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return fail_errno(path, "open", err, errlen);
    char buf[16];
    int len = snprintf(buf, sizeof buf, "%d\n", value);
    ssize_t n;
    do
        n = write(fd, buf, (size_t)len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        rc = fail_errno(path, "write", err, errlen);
        close(fd);
        return rc;
    }
    if (n != len) {
        close(fd);
        snprintf(err, errlen, "%s: write: short write", path);
        return KIOSK_EIO;
    }
    if (close(fd) != 0)
        return fail_errno(path, "close", err, errlen);
    return KIOSK_OK;
}

static int read_max(const char *dir, int *max, char *err, size_t errlen)
{
    int rc = read_int(dir, "max_brightness", max, err, errlen);
    if (!rc && *max <= 0) {
        snprintf(err, errlen, "%s/max_brightness: is 0", dir);
        return KIOSK_ECORRUPT;
    }
    return rc;
}

int backlight_get(const char *dir, int *value, int *max, char *err, size_t errlen)
{
    int rc = read_max(dir, max, err, errlen);
    return rc ? rc : read_int(dir, "brightness", value, err, errlen);
}

int backlight_set(const char *dir, int value, char *err, size_t errlen)
{
    int max;
    int rc = read_max(dir, &max, err, errlen);
    if (rc)
        return rc;
    if (value < 0 || value > max) {
        snprintf(err, errlen, "%s/brightness: %d is outside 0..%d", dir, value, max);
        return KIOSK_EINVAL;
    }
    return write_int(dir, "brightness", value, err, errlen);
}

int backlight_set_percent(const char *dir, int percent, char *err, size_t errlen)
{
    if (percent < 0 || percent > 100) {
        snprintf(err, errlen, "backlight: %d%% is outside 0..100", percent);
        return KIOSK_EINVAL;
    }
    int max;
    int rc = read_max(dir, &max, err, errlen);
    if (rc)
        return rc;
    long long v = ((long long)max * percent + 50) / 100;
    if (v == 0 && percent > 0)
        v = 1;
    return write_int(dir, "brightness", (int)v, err, errlen);
}
