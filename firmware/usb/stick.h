/* The USB stick edge: what the kiosk reads from a staff stick, read as a hostile medium.
 * Only one file at a fixed name, size-capped, never through a symlink, never a name taken
 * from the stick used as a path; nothing on a stick is trusted without a valid token. */
#ifndef KIOSK_STICK_H
#define KIOSK_STICK_H

#include <stddef.h>
#include <stdint.h>

#include "core/token.h"
#include "crypto/crypto.h"

/* Reads <stick_dir>/kiosk-staff.token: a regular file of at most TOKEN_MAX_BYTES, opened
 * without following links and without blocking (a FIFO placed there does not hang the kiosk).
 * *text is malloc'd and NUL-terminated; caller frees. KIOSK_ENOENT (no token), KIOSK_ETOOBIG,
 * KIOSK_EINVAL (not a regular file, a link), KIOSK_EIO; err says which, naming the file. */
int stick_read_token(const char *stick_dir, char **text, size_t *len, char *err, size_t errlen);

/* The whole check: reads the token, verifies the organisation's signature, parses it and
 * checks that it allows action on kiosk_id at now_ms. KIOSK_OK with *t filled, or a KIOSK_E*
 * code with a staff-readable reason in err ("expired", "for another kiosk", "signature does
 * not match", ...). */
int stick_authorize(const char *stick_dir, const char *kiosk_id,
                    const uint8_t org_sign_pk[CRYPTO_SIGN_PK_BYTES], int64_t now_ms,
                    token_action_t action, token_t *t, char *err, size_t errlen);

#endif
