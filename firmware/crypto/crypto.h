/* The cryptography edge: the only code that includes libsodium; we write no cryptography.
 * Organisation keys (Ed25519 signing, X25519 encryption), key files, and staff tokens: a
 * JSON payload signed by the organisation's signing key.
 * Ownership: strings handed out through a char ** are malloc'd and the caller's to free();
 * keys and digests go into the caller's arrays. Only a bundle_sealer_t keeps pointers. */
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

/* The libsodium library's version, for the technician: libsodium's static string. */
const char *crypto_library_version(void);

/* The staff PIN, stored only as a salted, deliberately slow hash (Argon2id through libsodium's
 * crypto_pwhash_str_alg, 7 MiB and 5 passes): "$argon2id$v=19$m=7168,t=5,p=1$...". */
#define CRYPTO_PIN_HASH_BYTES 128
int crypto_pin_hash(const char *pin, char out[CRYPTO_PIN_HASH_BYTES]);
/* Whether pin matches a hash made by crypto_pin_hash() (false for a malformed hash). The
 * hash carries its own parameters: older hashes (m=65536,t=2: libsodium's interactive limits,
 * 64 MiB to check) still verify. */
bool crypto_pin_verify(const char *hash, const char *pin);
/* Whether a valid hash was made with other parameters than crypto_pin_hash()'s (an older
 * kiosk's): it verifies, but costs its own memory; `kiosk --hash-pin` makes the new form. */
bool crypto_pin_hash_outdated(const char *hash);
/* Whether text looks like such a hash (for checking a configuration file). */
bool crypto_pin_hash_valid(const char *text);

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

/* A signed envelope, for staff tokens (signed by the organisation) and export manifests
 * (signed by the kiosk): {"format":1,"payload":"<base64 of the JSON>","signature":"<base64
 * Ed25519>"}. */

/* Signs payload (the token's JSON) and writes the token file's content into *out (malloc'd,
 * NUL-terminated; caller frees). On failure (KIOSK_ENOMEM) *out is NULL. */
int crypto_token_sign(const char *payload, size_t len, const uint8_t sk[CRYPTO_SIGN_SK_BYTES],
                      char **out);

/* Checks a token file's content against the organisation's public signing key. On success
 * *payload (malloc'd, NUL-terminated; caller frees) is the signed JSON and *len its length.
 * On failure returns KIOSK_EINVAL (malformed) or KIOSK_EACCES (bad signature), with why in
 * err: nothing of an unverified token is ever returned. */
int crypto_token_open(const char *text, size_t textlen, const uint8_t pk[CRYPTO_SIGN_PK_BYTES],
                      char **payload, size_t *len, char *err, size_t errlen);

/* The payload of an envelope WITHOUT checking its signature: only to learn which key to check
 * it with (the kiosk id of a manifest). Nothing read this way may be believed. *payload as
 * crypto_token_open(): malloc'd, the caller frees it; NULL on failure (KIOSK_EINVAL). */
int crypto_envelope_peek(const char *text, size_t textlen, char **payload, size_t *len);

/* SHA-256 of bytes into 64 lower-case hex digits (out[65]). */
void crypto_sha256_hex(const void *bytes, size_t len, char out[65]);

/* ---- the kiosk's own signing key ---- */

/* Loads dir/kiosk-sign.secret, or, when there is none yet, makes a key pair and writes it
 * (secret 0600, public alongside as kiosk-sign.public); provisioning normally made it.
 * *created says which. */
int crypto_kiosk_key(const char *dir, uint8_t sk[CRYPTO_SIGN_SK_BYTES],
                     uint8_t pk[CRYPTO_SIGN_PK_BYTES], bool *created, char *err, size_t errlen);

/* ---- export bundles ----
 * A bundle file: "KIOSKB1\0", a fresh secretstream key sealed to the organisation's X25519
 * public key (crypto_box_seal), the secretstream header, then chunks of
 * [u32 little-endian length][XChaCha20-Poly1305 ciphertext] of up to 64 KiB of plaintext;
 * the last chunk carries the FINAL tag, so a cut-off file is detected. Only the holder of the
 * organisation's secret key can read it. Its SHA-256 goes into the signed manifest. */

typedef struct bundle_sealer bundle_sealer_t;

/* Writes through write_fn(user_data, bytes, len) (returns 0 on success, a KIOSK_E* code on
 * failure: the sealer then stops and reports it). */
typedef int (*bundle_write_fn)(void *user_data, const void *bytes, size_t len);

/* Starts a bundle: writes its header through write_fn. On KIOSK_OK *out is the caller's, to be
 * ended by exactly one of bundle_seal_end() or bundle_seal_abort(); write_fn and user_data are
 * kept until then. On failure *out is NULL and nothing needs freeing. */
int bundle_seal_begin(const uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES], bundle_write_fn write_fn,
                      void *user_data, bundle_sealer_t **out);
/* Adds plaintext (record lines). */
int bundle_seal_push(bundle_sealer_t *s, const void *data, size_t len);
/* Writes the final chunk; sets the file's SHA-256 and size. Frees s (also on failure), which
 * must not be NULL: unlike bundle_seal_abort(), it does not accept NULL. */
int bundle_seal_end(bundle_sealer_t *s, uint8_t sha256[32], uint64_t *bytes);
/* Frees a sealer without finishing (on an earlier failure); accepts NULL. */
void bundle_seal_abort(bundle_sealer_t *s);

/* Reads a bundle from fd with the organisation's keys, calling line_fn for each plaintext
 * line (without its newline; valid during that call only). Sets the file's SHA-256.
 * KIOSK_ECORRUPT for a file that was altered, cut off or not sealed to these keys; line_fn's
 * non-zero return stops it. */
int bundle_open(int fd, const uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES],
                const uint8_t org_box_sk[CRYPTO_BOX_SK_BYTES],
                int (*line_fn)(const char *line, size_t len, void *user_data), void *user_data,
                uint8_t sha256[32], char *err, size_t errlen);

/* SHA-256 of a file's whole content, read from fd's start. */
int crypto_sha256_fd(int fd, uint8_t sha256[32]);
/* Lower-case hex of 32 bytes into out[65]. */
void crypto_hex32(const uint8_t b[32], char out[65]);

/* Reads the organisation's secret box key (and its public half) from dir, as
 * crypto_org_load_signer(). */
int crypto_org_load_box(const char *dir, uint8_t pk[CRYPTO_BOX_PK_BYTES],
                        uint8_t sk[CRYPTO_BOX_SK_BYTES], char *err, size_t errlen);

#endif
