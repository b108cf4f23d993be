/* A record as one line of JSON: how records travel in export bundles, codes only. */
#ifndef KIOSK_RECORD_JSON_H
#define KIOSK_RECORD_JSON_H

#include <stddef.h>

#include "core/content.h"
#include "core/record.h"

/* Writes rec (contact details included) as one line of JSON without a newline. *out is
 * malloc'd; caller frees (and should wipe it: it may hold a phone number). */
int record_to_json(const record_t *rec, char **out);

/* Parses a line written by record_to_json() into rec (owned strings: record_clear()). Unknown
 * keys are refused; KIOSK_EINVAL with path and reason in err. */
int record_from_json(const char *line, size_t len, record_t *rec, content_error_t *err);

#endif
