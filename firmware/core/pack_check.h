/* The pack checker's report, shared by `kiosk --check-pack` and `kiosk-staff check-pack`: every
 * diagnostic of the lint pass, the loader's own error when the lint pass found none, and a
 * summary of what the pack holds. Pure: the caller reads the file and prints the lines. */
#ifndef KIOSK_PACK_CHECK_H
#define KIOSK_PACK_CHECK_H

#include <stddef.h>

/* Gets each line of the report (no line feed), borrowed for the call. */
typedef void (*pack_check_line_fn)(void *ud, const char *line);

/* Checks the len bytes of json, named file in the lines ("FILE:LINE:COL: error: PATH: REASON",
 * warnings likewise), and reports through fn. today ("YYYY-MM-DD", or NULL: not known): a
 * dated activity before it is a warning (it no longer shows). Returns the number of errors
 * (0: the pack is good, warnings aside); out of memory counts as one. */
size_t pack_check(const char *json, size_t len, const char *file, const char *today,
                  pack_check_line_fn fn, void *ud);

#endif
