/* The USB stick edge: what the kiosk reads from a staff stick, read as a hostile medium.
 * Only one file at a fixed name, size-capped, never through a symlink, never a name taken
 * from the stick used as a path; nothing on a stick is trusted without a valid token. */
#ifndef KIOSK_STICK_H
#define KIOSK_STICK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/token.h"
#include "crypto/crypto.h"

/* Reads the regular file name in dirfd from a medium nobody vouches for: never through a
 * symbolic link unless follow, never blocking on a FIFO (a FIFO or a device is not even
 * opened: it is looked at first), at most max bytes (a larger one is refused unread), checked
 * again on what was opened and refused if it changed size while being read. what names the
 * kind of file in messages ("a token"). *buf is malloc'd and NUL-terminated; the caller frees
 * it (NULL on failure). On failure why
 * says what, without the file's name: KIOSK_ENOENT, KIOSK_EINVAL (a link, a directory, not a
 * regular file, changed), KIOSK_ETOOBIG, KIOSK_ENOMEM, or the errno's code. */
int stick_read_file_at(int dirfd, const char *name, size_t max, bool follow, const char *what,
                       char **buf, size_t *len, char *why, size_t whylen);

/* Reads <stick_dir>/kiosk-staff.token: a regular file of at most TOKEN_MAX_BYTES, opened
 * without following links and without blocking (a FIFO placed there does not hang the kiosk).
 * *text is malloc'd and NUL-terminated; caller frees (NULL on failure). KIOSK_ENOENT (no
 * token), KIOSK_ETOOBIG, KIOSK_EINVAL (not a regular file, a link), KIOSK_EIO; err says which,
 * naming the file. */
int stick_read_token(const char *stick_dir, char **text, size_t *len, char *err, size_t errlen);

/* The whole check: reads the token, verifies the organisation's signature, parses it and
 * checks that it allows action on kiosk_id at now_ms. KIOSK_OK with *t filled, or a KIOSK_E*
 * code with a staff-readable reason in err ("expired", "for another kiosk", "signature does
 * not match", ...). */
int stick_authorize(const char *stick_dir, const char *kiosk_id,
                    const uint8_t org_sign_pk[CRYPTO_SIGN_PK_BYTES], int64_t now_ms,
                    token_action_t action, token_t *t, char *err, size_t errlen);

#endif
