/* The cryptography edge: the only code that includes libsodium; we write no cryptography.
 * Organisation keys (Ed25519 signing, X25519 encryption), key files, and staff tokens: a
 * JSON payload signed by the organisation's signing key. */
#ifndef KIOSK_CRYPTO_H
#define KIOSK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SIGN_PK_BYTES 32
#define CRYPTO_SIGN_SK_BYTES 64
#define CRYPTO_BOX_PK_BYTES 32
#define CRYPTO_BOX_SK_BYTES 32
#define CRYPTO_KEY_TEXT 128 /* a key as base64 text, with room to spare */

/* Initialises libsodium; call once before anything else. KIOSK_OK or KIOSK_EIO. */
int crypto_init(void);

typedef struct {
    uint8_t sign_pk[CRYPTO_SIGN_PK_BYTES];
    uint8_t sign_sk[CRYPTO_SIGN_SK_BYTES];
    uint8_t box_pk[CRYPTO_BOX_PK_BYTES];
    uint8_t box_sk[CRYPTO_BOX_SK_BYTES];
} org_keys_t;

/* Makes a fresh organisation key pair of each kind. */
void crypto_org_keygen(org_keys_t *k);

/* Writes the four key files into dir: org-sign.secret and org-box.secret (mode 0600,
 * refused when they exist: keys are never overwritten), org-sign.public, org-box.public.
 * Each holds one line of base64. KIOSK_OK, or a KIOSK_E* code with a message naming the file
 * in err. */
int crypto_org_save(const org_keys_t *k, const char *dir, char *err, size_t errlen);

/* Reads the secret signing key (and its public half) from dir. A secret key file readable by
 * others than its owner is refused. */
int crypto_org_load_signer(const char *dir, uint8_t sk[CRYPTO_SIGN_SK_BYTES], char *err,
                           size_t errlen);

/* base64 (URL-safe variants refused) of bytes into text; text must hold CRYPTO_KEY_TEXT. */
void crypto_key_to_text(const uint8_t *key, size_t len, char *text, size_t textlen);
/* Parses a key from base64 text (surrounding whitespace ignored); exactly len bytes. */
bool crypto_key_from_text(const char *text, uint8_t *key, size_t len);

/* Signs payload (the token's JSON) and writes the token file's content into *out (malloc'd,
 * NUL-terminated; caller frees): {"format":1,"payload":"<base64>","signature":"<base64>"}. */
int crypto_token_sign(const char *payload, size_t len, const uint8_t sk[CRYPTO_SIGN_SK_BYTES],
                      char **out);

/* Checks a token file's content against the organisation's public signing key. On success
 * *payload (malloc'd, NUL-terminated; caller frees) is the signed JSON and *len its length.
 * On failure returns KIOSK_EINVAL (malformed) or KIOSK_EACCES (bad signature), with why in
 * err: nothing of an unverified token is ever returned. */
int crypto_token_open(const char *text, size_t textlen, const uint8_t pk[CRYPTO_SIGN_PK_BYTES],
                      char **payload, size_t *len, char *err, size_t errlen);

#endif
