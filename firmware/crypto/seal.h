/* Personal data sealed at rest: contact details and typed answers are sealed to the
 * organisation's X25519 encryption key (libsodium's crypto_box_seal) before the kiosk stores
 * them, so that the kiosk can store them but never read them back; only the holder of the
 * organisation's secret key (the office) opens them.
 * A sealed value is text: RECORD_SEALED_PREFIX ("sealed:1:") and the base64 of the sealed box,
 * so that every reader can tell it apart (record_value_sealed()).
 * Ownership: strings handed out through a char ** are malloc'd and the caller's to free(). */
#ifndef KIOSK_SEAL_H
#define KIOSK_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "crypto/crypto.h"

/* Seals plain (NUL-terminated text) to pk into *out ("sealed:1:<base64>"). KIOSK_OK, or
 * KIOSK_ENOMEM with *out NULL. */
int seal_text(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const char *plain, char **out);

/* Opens a sealed value with the organisation's key pair into *out (NUL-terminated, valid
 * UTF-8 without NUL). KIOSK_EINVAL for text that is not a sealed value, KIOSK_ECORRUPT for one
 * altered or sealed to another key, KIOSK_ENOMEM; *out is NULL on failure. */
int seal_open_text(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const uint8_t sk[CRYPTO_BOX_SK_BYTES],
                   const char *sealed, char **out);

/* Whether an answer's value may stay readable: the key names a question whose answer is a
 * code (a choice), not text a resident typed. */
typedef bool (*seal_keep_fn)(const char *key, void *user_data);

/* Seals the top-level string values of a JSON object of answers, except those keep() says
 * are codes and those already sealed; numbers, booleans and arrays (of choice codes) stay.
 * *out is the new JSON (malloc'd). KIOSK_EINVAL when answers is not a JSON object,
 * KIOSK_ENOMEM; *out is NULL on failure. */
int seal_answers(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const char *answers, seal_keep_fn keep,
                 void *user_data, char **out);

/* Whether seal_answers() would seal anything of answers (NULL or not an object: false). */
bool seal_answers_needed(const char *answers, seal_keep_fn keep, void *user_data);

/* Opens, in place, every sealed value of rec (contact name and phone, top-level answers) with
 * the organisation's key pair; values not sealed stay as they are. On failure rec is
 * unchanged and err says which field: KIOSK_ECORRUPT (altered, or sealed to another key),
 * KIOSK_EINVAL, KIOSK_ENOMEM. rec must own its strings (record_clear() frees them). */
int seal_open_record(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const uint8_t sk[CRYPTO_BOX_SK_BYTES],
                     record_t *rec, char *err, size_t errlen);

#endif
