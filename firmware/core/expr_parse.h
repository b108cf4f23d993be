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
 * NULL and a reason in why (the caller's buffer) on error. The result is allocated through a
 * (the content's arena: valid until content_free()) and names questions by their index in qs,
 * so expr_eval() must be given the same qs. */
const expr_t *expr_parse(const char *src, const question_t *qs, size_t nq, const expr_arena_t *a,
                         char *why, size_t whylen);

/* When e is exactly "{c} = true", the question c (&qs[...]: a pointer into qs); otherwise NULL. */
const question_t *expr_consent_question(const expr_t *e, const question_t *qs);

#endif
