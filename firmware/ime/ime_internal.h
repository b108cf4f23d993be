/* The IME edge's own parts: the engine set's state and the two engines' halves, shared by
 * ime_engine.c (open, close), ime_rime.c (pinyin) and ime_zinnia.c (handwriting). Not for
 * use outside firmware/ime/. */
#ifndef KIOSK_IME_INTERNAL_H
#define KIOSK_IME_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ime/ime_engine.h"

/* The engine set: the one struct every engine function gets as ctx. Owned by the caller of
 * ime_engines_open(); the pointers inside are the engines' own, freed by close. */
struct ime_engines {
    struct rime_api_t *rime; /* NULL: no pinyin */
    uintptr_t session;       /* rime's session id (RimeSessionId) */
    void *zinnia;            /* zinnia_recognizer_t *, NULL: no handwriting */
    void *character;         /* zinnia_character_t *, reused by every recognition */
    char *zinnia_model;      /* the model's path: opened at the first recognition */
    bool zinnia_model_open;  /* it is (zinnia maps it whole: 26 MB resident) */
};

/* Pinyin: starts librime on cfg's dirs (false, with err, when something is missing) and
 * fills out's pinyin functions; stops it. */
bool ime_rime_open(struct ime_engines *e, const ime_config_t *cfg, ime_engine_t *out, char *err,
                   size_t errlen);
void ime_rime_close(struct ime_engines *e);

/* Handwriting: loads the model (false, with err, when it cannot) and fills out->recognize;
 * frees it. */
bool ime_zinnia_open(struct ime_engines *e, const char *model, ime_engine_t *out, char *err,
                     size_t errlen);
void ime_zinnia_close(struct ime_engines *e);

/* Copies src into dst (n bytes), cutting at a character boundary so dst stays UTF-8. */
void ime_copy_utf8(char *dst, size_t n, const char *src);

/* Appends a formatted sentence to err (errlen bytes), after "; " when err is not empty. */
void ime_err_append(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
