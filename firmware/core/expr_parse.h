/* Parser of visibleIf expressions, used by the content loader (internal to the core). */
#ifndef KIOSK_EXPR_PARSE_H
#define KIOSK_EXPR_PARSE_H

#include <stddef.h>

#include "core/content.h"

/* Where the parser allocates: the content's arena, freed with the content. */
typedef struct {
    void *(*alloc)(void *ctx, size_t size);
    void *ctx;
} expr_arena_t;

/* Parses src, where {name} may only name one of the nq earlier questions qs[0..nq). Returns
 * NULL and a reason in why on error. The result lives in the arena. */
const expr_t *expr_parse(const char *src, const question_t *qs, size_t nq, const expr_arena_t *a,
                         char *why, size_t whylen);

/* When e is exactly "{c} = true", the question c; otherwise NULL. */
const question_t *expr_consent_question(const expr_t *e, const question_t *qs);

#endif
