/* The content pack's lint pass: reads a pack's bytes with its own small JSON tokenizer and lists
 * every mistake a pack author can make below the loader's rules (broken JSON, duplicate and
 * unknown keys, NUL and control characters in names), each with its line, column, JSON path
 * ("$.journeys[0].pages[1].elements[2]", the loader's spelling) and a reason in plain words;
 * and finds the line and column of a JSON path for the loader's own errors. Pure: no I/O. */
#ifndef KIOSK_PACK_LINT_H
#define KIOSK_PACK_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/parse_error.h"

typedef enum { PACK_LINT_ERROR, PACK_LINT_WARNING } pack_lint_severity_t;

/* One diagnostic: plain buffers, no pointer. line and col are 1-based, col in characters
 * (code points). syntax: the JSON itself is broken there (a JSON parser stops at it). */
typedef struct {
    pack_lint_severity_t severity;
    bool syntax;
    int line, col;
    char path[256];
    char reason[256];
} pack_diag_t;

/* The list, in file order (by line, then column). v is malloc'd and owned by the list: valid
 * until pack_lint_free(). At most PACK_LINT_MAX diagnostics are kept (warnings: half of them,
 * so that a pack with an error always has one kept); dropped counts the rest. */
#define PACK_LINT_MAX 1000
typedef struct {
    pack_diag_t *v;
    size_t n;
    size_t errors, warnings; /* all of them, kept or dropped */
    size_t dropped;
} pack_lint_t;

/* Lints the len bytes of json into *out (zeroed first; free it with pack_lint_free() whatever
 * the result). KIOSK_OK (the list may hold errors), or KIOSK_ENOMEM. */
int pack_lint(const char *json, size_t len, pack_lint_t *out);
/* Frees the list and zeroes it; accepts a zeroed list. */
void pack_lint_free(pack_lint_t *l);

/* Where the value at path is in json ("$.journeys[0].title", as the loader names places), or
 * when there is none (a missing member), the deepest value on the way to it: true with *line
 * and *col set, false when not even "$" is there (the JSON is broken before it). */
bool pack_lint_locate(const char *json, size_t len, const char *path, int *line, int *col);

/* For content_load(): lints json up to its first error (the reading stops there: the pack is
 * refused, and the checker lists them all) and puts it into err (its path and reason, line
 * and column; a syntax error reads "$: invalid JSON near line L, column C: ..."), leaving
 * err->file as it is. KIOSK_OK when there is no error, KIOSK_EINVAL, KIOSK_ENOMEM. */
int pack_lint_first_error(const char *json, size_t len, content_error_t *err);

/* Formats a diagnostic as "FILE:LINE:COL: error: PATH: REASON" ("warning" for a warning)
 * into buf (len bytes, NUL-terminated when len is not 0). */
void pack_diag_format(const pack_diag_t *d, const char *file, char *buf, size_t len);

#endif
