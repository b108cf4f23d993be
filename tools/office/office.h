/* What the office commands (find, csv, open311, report) share: a growable string, text from
 * the data made safe, the archive opened for reading, and output files that appear whole or
 * not at all. Internal to the staff tool; tools/staff-office.h is the commands' interface. */
#ifndef KIOSK_OFFICE_H
#define KIOSK_OFFICE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "store/archive.h"

/* ---- a growable string: s is malloc'd and owned by the buf_t, valid until the next add or
 * buf_free(); after a failed allocation oom stays set and further adds do nothing ---- */

typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} buf_t;

void buf_add(buf_t *b, const char *s, size_t n);
void buf_puts(buf_t *b, const char *s);
__attribute__((format(printf, 2, 3))) void buf_printf(buf_t *b, const char *fmt, ...);
/* Empties b, keeping its memory. */
void buf_reset(buf_t *b);
/* b's text; "" (static) when nothing was ever added. Valid until b changes. */
const char *buf_str(const buf_t *b);
/* Frees b's text and zeroes it; b may be used again. */
void buf_free(buf_t *b);

/* Makes room for one more element in the array whose pointer is at arrp (a T **), holding len
 * elements of elem bytes and room for *cap (doubling from first when full): returns the new
 * element, zeroed, which the caller fills and then counts; NULL when out of memory (the array
 * is unchanged then). The array stays owned by the caller (free()). */
void *array_push(void *arrp, size_t len, size_t *cap, size_t elem, size_t first);

/* ---- text from the data ---- */

typedef enum {
    LINES_KEEP,  /* keep '\n' and '\t' ("\r\n" becomes "\n") */
    LINES_SPACE, /* '\n', '\r' and '\t' become spaces: one line */
} lines_t;

/* Appends s (NULL: nothing) as valid UTF-8 without control characters (C0 but the kept ones,
 * DEL, C1): invalid bytes become U+FFFD. At most max_cp code points (0: no limit), cut on a
 * code point boundary; returns true when it had to cut. */
bool add_clean(buf_t *out, const char *s, size_t max_cp, lines_t lines);

/* A clean copy of s on one line or with its lines: malloc'd, the caller frees it; NULL when
 * out of memory. *cut (when cut is not NULL) says whether max_cp cut it. */
char *clean_dup(const char *s, size_t max_cp, lines_t lines, bool *cut);

/* Appends the text form of an answer: a string as it is, a whole number without a fraction,
 * true/false, an array's items joined with ';', an object as JSON, null as nothing. */
void add_value(buf_t *out, const cJSON *v);

/* ---- options, the archive and output files ---- */

/* Opens an archive that must already exist (a typo must not create an empty one): 0 and *a
 * (the caller's: close it with archive_close()), or 1 with the reason on stderr (*a then is
 * NULL, or untouched when the file is missing: start it at NULL). */
int open_existing(const char *cmd, const char *path, archive_t **a);

/* An output: standard output, or a temporary file renamed over path by out_close(). path is
 * borrowed: it must outlive the out_t. */
typedef struct {
    FILE *f;
    const char *path; /* NULL for standard output */
    char *tmp;        /* the temporary name: malloc'd, freed by out_close() */
} out_t;

/* Opens path ("-" or NULL: standard output) for writing with the given mode: 0, or 1 with the
 * reason on stderr. */
int out_open(const char *cmd, const char *path, mode_t mode, out_t *o);

/* Finishes an output: ok false (an earlier failure, already reported) discards it. Returns 0
 * when the output is complete, else 1 (the reason on stderr). Closes the file and frees tmp;
 * a second call returns 1 and does nothing. */
int out_close(const char *cmd, out_t *o, bool ok);

void out_put(out_t *o, const char *s, size_t n);

/* Reports a failure of archive_foreach() and friends: the archive's message, or the
 * callback's own (which it printed). Returns 1. */
int read_failed(const char *cmd, archive_t *a, int rc);

/* A command's options; the strings point into argv. */
typedef struct {
    const char *archive, *out;
    const char *own; /* the command's own option: csv's --kind, report's --title */
    int next;        /* the index in argv of the first argument after the options */
} office_args_t;

/* Parses a command's long options (no short ones): opts maps --archive to 'a', --out to 'o',
 * --help to 'h' and the command's own option to 'x'; own_ok (NULL: any value) checks that
 * option's value where it comes, saying on stderr what is wrong. Returns -1 to go on; 0 after
 * printing help on stdout (--help); 2 for bad usage (help on stderr, or own_ok's message).
 * Starts getopt afresh (glibc: optind 0), so commands can run one after another. */
int office_args(int argc, char **argv, const struct option *opts, const char *help,
                bool (*own_ok)(const char *value), office_args_t *a);

#endif
