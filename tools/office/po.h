/* What the translation commands (po-export, po-merge) share: reading a pack, proving it
 * loads, which of its texts go to a translator and under what message context (the text's
 * JSON path without the language: "$.strings.home.title", "$.journeys[0].title"), and
 * libgettextpo's error handler. Internal to the staff tool. */
#ifndef KIOSK_OFFICE_PO_H
#define KIOSK_OFFICE_PO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>
#include <gettext-po.h>

#include "office.h"

/* The commands, called like a main (argv[0] is the command's name); --help on stdout; status
 * 0 done, 1 failed (the reason on stderr), 2 bad usage.
 * po-export PACK LANG: the pack's texts as a PO file for translating into LANG (stdout).
 * po-merge PACK LANG FILE.po [--out NEW.json] [--name NAME]: the PO's translations put into
 * the pack as LANG's texts; the new pack is written only when it loads. */
int office_po_export(int argc, char **argv);
int office_po_merge(int argc, char **argv);

/* A command's options (office_args(): --help and opts) and then exactly nargs non-empty
 * arguments, from argv[a->next] on: -1 to go on, else the exit status (0 after --help). */
int po_args(int argc, char **argv, const struct option *opts, const char *help, int nargs,
            office_args_t *a);

/* The file at path, NUL-terminated, its length in *len: malloc'd, the caller frees it. NULL
 * with the reason on stderr (cmd names the command). */
char *po_read_pack(const char *cmd, const char *path, size_t *len);

/* Whether the pack loads (content_load()); if not, lead and the loader's error on stderr, the
 * file named name. */
bool po_pack_valid(const char *cmd, const char *json, size_t len, const char *name,
                   const char *lead);

typedef enum {
    PO_TEXT_NONE,        /* not a text to translate (a code, a name, a path) */
    PO_TEXT_SOURCE,      /* the default language's text of a localizable string */
    PO_TEXT_TRANSLATION, /* lang's text of one */
} po_text_kind_t;

/* What the text at path (as content_each_text() names it) of the pack root is for a translation
 * into lang; for a source or a translation, *ctx_len is the length of the path's part that names
 * the string (the message context): the path without its language. */
po_text_kind_t po_text_kind(const char *path, const cJSON *root, const char *lang, size_t *ctx_len);

/* The node at a message context in the pack's JSON (keys with dots in them found whole), or
 * NULL; *parent is the object or array holding it (NULL for root). Both point into root. */
cJSON *po_node_at(cJSON *root, const char *path, cJSON **parent);

/* po_file_free(), and the message contexts it leaves behind (gettext 0.21 does not free
 * them): f is gone after the call. */
void po_file_release(po_file_t f);

/* Reports libgettextpo's warnings and errors on stderr with the PO file, line and column;
 * a fatal error exits with status 1, a plain one is counted for po_read_errors() and the
 * parser goes on, so that every error of a file is listed. */
extern const struct po_xerror_handler po_handler;

/* How many errors po_handler reported since the last call (and starts counting again). A
 * caller that read a file with po_handler treats any as a failed read. */
int po_read_errors(void);

#endif
