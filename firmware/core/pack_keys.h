/* The keys each kind of object of a content pack may have (the loader's, in content_loader.c,
 * content_questions.c, content_dates.c and content_audio.c), for the lint pass (pack_lint.c):
 * which kind of object a member's value is, whether a key belongs, and what was meant. Pure;
 * no function here keeps a pointer. */
#ifndef KIOSK_PACK_KEYS_H
#define KIOSK_PACK_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/pack_lint.h"

/* What a value is in a pack; an array's items are of its kind. */
typedef enum {
    PACK_CTX_ANY,      /* not checked further */
    PACK_CTX_ROOT,     /* the pack */
    PACK_CTX_LANG,     /* languages[] */
    PACK_CTX_PHONE,    /* languages[].phone */
    PACK_CTX_SETTINGS, /* settings */
    PACK_CTX_STRINGS,  /* strings: interface string keys */
    PACK_CTX_AUDIO,    /* audio: string keys or JSON paths of texts */
    PACK_CTX_CATALOGS, /* catalogs: catalog names */
    PACK_CTX_CHOICE,   /* a choice, a catalog entry, a face, a rating value */
    PACK_CTX_QUICK,    /* quickRating */
    PACK_CTX_JOURNEY,  /* journeys[] */
    PACK_CTX_COND,     /* completedTextOnCondition[] */
    PACK_CTX_PAGE,     /* pages[] */
    PACK_CTX_ELEMENT,  /* elements[], quickRating.followUp: keys by question type */
    PACK_CTX_LSTR,     /* a localizable string: keys are language codes */
    PACK_CTX_CODE,     /* a name, an id or a code (a string) */
} pack_ctx_t;

/* The kind of the value of member key of an object of kind parent. */
pack_ctx_t pack_keys_child(pack_ctx_t parent, const char *key);

/* Whether a string of kind ctx is a name, an id or a code (a choice given as a plain string is
 * its own code). */
bool pack_keys_is_code(pack_ctx_t ctx);

/* Whether an object of kind ctx (an element: of question type type, NULL when not known) may
 * have key: reason set to "" when it may, else to why not (with suggest, a suggestion by edit
 * distance: "unknown key 'visibleIF' (did you mean 'visibleIf'?)"), and the severity
 * returned. */
pack_lint_severity_t pack_keys_check(pack_ctx_t ctx, const char *type, const char *key,
                                     bool suggest, char *reason, size_t len);

#endif
