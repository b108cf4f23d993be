/* A record as one line of JSON: the one writer (export bundles and the kiosk's --print-records)
 * and the strict reader of export bundles. */
#ifndef KIOSK_RECORD_JSON_H
#define KIOSK_RECORD_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/content.h"
#include "core/record.h"

/* A value sealed at rest to the organisation's encryption key (see crypto/seal.h): this prefix,
 * then base64. The kiosk stores and exports it as it is and never reads what it holds. */
#define RECORD_SEALED_PREFIX "sealed:1:"
/* What the kiosk shows in place of a sealed value. */
#define RECORD_SEALED_SHOWN "[sealed]"

/* Whether text (NULL: false) is a sealed value. */
bool record_value_sealed(const char *text);

/* What a line is for; each form has its own keys, fixed because files and people read them. */
typedef enum {
    /* An export bundle's line, codes only, contact details in clear: uuid, kind, journey,
     * kioskId, pack, packVersion, lang, answers, ref (when set), utcMs, offsetMin,
     * clockSynced, monoMs, boot, misuse, contact {name, phone} (with consent). Sealed values
     * (contact details, typed answers) pass as they are stored; the office opens them. Read
     * back by record_from_json(). Answers that are not a JSON object are refused
     * (KIOSK_EINVAL). */
    RECORD_JSON_BUNDLE,
    /* The kiosk's --print-records listing, for people: uuid, kind, journey, lang, pack,
     * pack_version, time (ISO 8601 with the offset), clock_synced, boot, misuse (only when
     * true), mono_ms, answers (a sealed answer shown as "[sealed]"), ref (when set), and with
     * consent contact {name: whether one was given, phone: "[sealed]" when sealed, else
     * masked, every character but the last two as '*'}. */
    RECORD_JSON_LISTING,
} record_json_form_t;

/* Writes rec as one line of JSON in the given form, without a newline. *out is malloc'd;
 * the caller frees it (and should wipe a bundle line: it may hold a phone number). On an
 * error *out is NULL: KIOSK_EINVAL (bundle answers not an object), KIOSK_ENOMEM. */
int record_json_write(const record_t *rec, record_json_form_t form, char **out);

/* record_json_write(rec, RECORD_JSON_BUNDLE, out): the export bundle's line. */
int record_to_json(const record_t *rec, char **out);

/* A growable byte buffer: start it zeroed; the owner wipes and frees bytes. */
typedef struct {
    char *bytes;
    size_t len, cap;
} record_buf_t;

/* Appends rec's bundle line, byte for byte the text of record_to_json(), and a newline to b,
 * written straight into the buffer (no tree per record; answers already in the form cJSON
 * prints are copied as they are, others go through cJSON as before). On an error
 * (KIOSK_EINVAL: answers not an object; KIOSK_ENOMEM) b->len is as it was. */
int record_bundle_append(const record_t *rec, record_buf_t *b);

/* Parses a line written by record_to_json() into rec (owned strings: record_clear()). rec is
 * zeroed first without being freed: pass an empty record, or one already record_clear()ed.
 * Unknown keys are refused; KIOSK_EINVAL with path and reason in err, and rec then holds
 * nothing (cleared). */
int record_from_json(const char *line, size_t len, record_t *rec, content_error_t *err);

/* record_from_json()'s fast path, tried first: true when line (len bytes, no NUL needed) is
 * laid out exactly as record_bundle_append() writes it (keys in its order, no whitespace, only
 * the escapes it writes, integers of up to 15 digits, answers as cJSON prints them) and every
 * value is one a kiosk writes; rec then holds exactly what record_from_json_tree() gives.
 * False for anything else (an older kiosk's line, a damaged one): rec then holds nothing. */
bool record_from_bundle_line(const char *line, size_t len, record_t *rec);

/* record_from_json() through a cJSON tree: any layout, and the errors' wording. */
int record_from_json_tree(const char *line, size_t len, record_t *rec, content_error_t *err);

#endif
