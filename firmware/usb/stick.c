/* Reading a staff stick's token: openat() on the stick's directory with O_NOFOLLOW, fstat()
 * before reading, a hard size cap, then signature, payload and rules. */
#include "usb/stick.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"

int stick_read_file_at(int dirfd, const char *name, size_t max, bool follow, const char *what,
                       char **buf, size_t *len, char *why, size_t whylen)
{
    bool nofollow = !follow;
    *buf = NULL;
    *len = 0;
    struct stat st;
    /* Look before opening: a FIFO or a device is never opened at all. */
    if (fstatat(dirfd, name, &st, nofollow ? AT_SYMLINK_NOFOLLOW : 0) != 0) {
        int e = errno;
        snprintf(why, whylen, "%s", e == ENOENT ? "no such file" : strerror(e));
        return e == ENOENT ? KIOSK_ENOENT : kiosk_from_errno(e);
    }
    if (S_ISLNK(st.st_mode)) {
        snprintf(why, whylen, "is a symbolic link: refused");
        return KIOSK_EINVAL;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "is a directory: refused");
        return KIOSK_EINVAL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "not a regular file: refused");
        return KIOSK_EINVAL;
    }
    if ((unsigned long long)st.st_size > max) {
        snprintf(why, whylen, "%lld bytes, more than the %zu %s may have: refused unread",
                 (long long)st.st_size, max, what);
        return KIOSK_ETOOBIG;
    }
    int fd = openat(dirfd, name,
                    O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        int e = errno;
        snprintf(why, whylen, "%s", e == ELOOP ? "is a symbolic link: refused" : strerror(e));
        return e == ELOOP ? KIOSK_EINVAL : kiosk_from_errno(e);
    }
    int rc = KIOSK_OK;
    char *b = NULL;
    /* Again on what was opened: it may have been swapped since. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "not a regular file: refused");
        rc = KIOSK_EINVAL;
        goto out;
    }
    if ((unsigned long long)st.st_size > max) {
        snprintf(why, whylen, "%lld bytes, more than the %zu %s may have: refused unread",
                 (long long)st.st_size, max, what);
        rc = KIOSK_ETOOBIG;
        goto out;
    }
    size_t cap = (size_t)st.st_size + 1; /* one more: a file that grew is noticed */
    b = malloc(cap + 1);
    if (!b) {
        snprintf(why, whylen, "out of memory");
        rc = KIOSK_ENOMEM;
        goto out;
    }
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, whylen, "read error: %s", strerror(errno));
            rc = KIOSK_EIO;
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n != (size_t)st.st_size) {
        snprintf(why, whylen, "changed while being read: refused");
        rc = KIOSK_EINVAL;
        goto out;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    b = NULL;
out:
    free(b);
    close(fd);
    return rc;
}

int stick_read_token(const char *stick_dir, char **text, size_t *len, char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    int dir = open(stick_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        snprintf(err, errlen, "%s: cannot open the stick: %s", stick_dir, strerror(errno));
        return KIOSK_EIO;
    }
    char why[256];
    int rc = stick_read_file_at(dir, TOKEN_FILE_NAME, TOKEN_MAX_BYTES, false, "a token", text, len,
                                why, sizeof why);
    close(dir);
    if (rc != KIOSK_OK)
        snprintf(err, errlen, "%s/%s: %s", stick_dir, TOKEN_FILE_NAME,
                 rc == KIOSK_ENOENT ? "no staff token on this stick" : why);
    return rc == KIOSK_OK || rc == KIOSK_ENOENT || rc == KIOSK_ETOOBIG || rc == KIOSK_ENOMEM
               ? rc
               : KIOSK_EINVAL;
}

int stick_authorize(const char *stick_dir, const char *kiosk_id,
                    const uint8_t org_sign_pk[CRYPTO_SIGN_PK_BYTES], int64_t now_ms,
                    token_action_t action, token_t *t, char *err, size_t errlen)
{
    char *text = NULL, *payload = NULL;
    size_t len = 0, plen = 0;
    int rc = stick_read_token(stick_dir, &text, &len, err, errlen);
    if (rc != KIOSK_OK)
        return rc;
    char why[256];
    rc = crypto_token_open(text, len, org_sign_pk, &payload, &plen, why, sizeof why);
    free(text);
    if (rc != KIOSK_OK) {
        snprintf(err, errlen, "%s/%s: %s", stick_dir, TOKEN_FILE_NAME, why);
        return rc;
    }
    content_error_t ce;
    rc = token_parse(payload, plen, TOKEN_FILE_NAME, t, &ce);
    free(payload);
    if (rc != KIOSK_OK) {
        snprintf(err, errlen, "%s/%s: %s: %s", stick_dir, TOKEN_FILE_NAME, ce.path, ce.reason);
        return rc;
    }
    const char *no = token_denies(t, kiosk_id, action, now_ms);
    if (no) {
        snprintf(err, errlen, "token %lld: %s", (long long)t->serial, no);
        return KIOSK_EACCES;
    }
    return KIOSK_OK;
}
