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

int stick_read_token(const char *stick_dir, char **text, size_t *len, char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    int dir = open(stick_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        snprintf(err, errlen, "%s: cannot open the stick: %s", stick_dir, strerror(errno));
        return KIOSK_EIO;
    }
    int rc = KIOSK_OK;
    int fd = openat(dir, TOKEN_FILE_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s/%s: %s", stick_dir, TOKEN_FILE_NAME,
                 e == ENOENT  ? "no staff token on this stick"
                 : e == ELOOP ? "is a symbolic link: refused"
                              : strerror(e));
        close(dir);
        return e == ENOENT ? KIOSK_ENOENT : KIOSK_EINVAL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s/%s: not a regular file: refused", stick_dir, TOKEN_FILE_NAME);
        rc = KIOSK_EINVAL;
        goto out;
    }
    if (st.st_size > TOKEN_MAX_BYTES) {
        snprintf(err, errlen,
                 "%s/%s: %lld bytes, more than the %d a token may have: refused "
                 "unread",
                 stick_dir, TOKEN_FILE_NAME, (long long)st.st_size, TOKEN_MAX_BYTES);
        rc = KIOSK_ETOOBIG;
        goto out;
    }
    buf = malloc((size_t)TOKEN_MAX_BYTES + 2);
    if (!buf) {
        rc = KIOSK_ENOMEM;
        goto out;
    }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, (size_t)TOKEN_MAX_BYTES + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s/%s: read error: %s", stick_dir, TOKEN_FILE_NAME,
                     strerror(errno));
            rc = KIOSK_EIO;
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > TOKEN_MAX_BYTES) {
            /* It grew while we read it. */
            snprintf(err, errlen, "%s/%s: larger than %d bytes: refused", stick_dir,
                     TOKEN_FILE_NAME, TOKEN_MAX_BYTES);
            rc = KIOSK_ETOOBIG;
            goto out;
        }
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    close(fd);
    close(dir);
    return rc;
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
