/* Staff tokens, the pure part: what a verified token's payload says (which kiosks, which
 * actions, when, which serial) and whether it allows an action here and now. The signature
 * is checked first by the crypto edge (crypto_token_open); this only ever sees signed text. */
#ifndef KIOSK_TOKEN_H
#define KIOSK_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse_error.h"
#include "core/record.h"

typedef enum {
    TOKEN_EXPORT = 1 << 0,         /* pull records onto the stick */
    TOKEN_ERASE_CONTACT = 1 << 1,  /* erase residents' contact details by reference code */
    TOKEN_CONTENT_UPDATE = 1 << 2, /* switch to a content pack from the stick */
    TOKEN_STAFF_SCREENS = 1 << 3,  /* open the staff screens without the PIN */
    TOKEN_TECHNICIAN = 1 << 4,     /* open the staff and technician screens */
} token_action_t;

/* The bit of an action's name in a token ("export", "erase-contact", "content-update",
 * "staff-screens", "technician"); 0 for an unknown name. */
unsigned token_action_bit(const char *name);

#define TOKEN_MAX_KIOSKS 64
#define TOKEN_MAX_ERASE 256
#define TOKEN_FILE_NAME "kiosk-staff.token"
#define TOKEN_MAX_BYTES 65536 /* a token file larger than this is refused unread */

typedef struct {
    int64_t serial;
    bool all_kiosks;
    char kiosks[TOKEN_MAX_KIOSKS][64];
    size_t nkiosks;
    unsigned actions; /* token_action_t bits */
    int64_t valid_from_ms, valid_until_ms;
    bool export_all; /* export every record, not only the new ones */
    char erase[TOKEN_MAX_ERASE][RECORD_REF_LEN + 1];
    size_t nerase;
    char issued_by[64];
} token_t;

/* Parses a verified payload. Unknown keys are refused. KIOSK_EINVAL with path and reason in
 * err on failure. */
int token_parse(const char *json, size_t len, const char *filename, token_t *t,
                content_error_t *err);

/* Why a token does not allow action on kiosk_id at now_ms (a static string); NULL when it
 * does. Valid from valid_from_ms up to, not including, valid_until_ms. */
const char *token_denies(const token_t *t, const char *kiosk_id, token_action_t action,
                         int64_t now_ms);

/* Writes a payload as JSON (for the staff tool). On KIOSK_OK *out is malloc'd; the caller
 * frees it with free(). On KIOSK_ENOMEM *out must not be used: it is not always set. */
int token_format(const token_t *t, char **out);

#endif
