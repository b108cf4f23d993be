/* Handwriting through zinnia and the tegaki Simplified Chinese model: the strokes so far in,
 * the best IME_CANDIDATES characters out (no composition, nothing committed). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <zinnia.h>

#include "ime/ime_internal.h"

static bool zinnia_recognize(void *ctx, const ime_strokes_t *s, ime_output_t *out)
{
    struct ime_engines *e = ctx;
    memset(out, 0, sizeof *out);
    if (s->nstrokes == 0 || s->size <= 0 || s->nstrokes > IME_MAX_STROKES)
        return s->nstrokes == 0; /* nothing written yet: an empty page */
    zinnia_character_t *c = e->character;
    zinnia_character_clear(c);
    zinnia_character_set_width(c, (size_t)s->size);
    zinnia_character_set_height(c, (size_t)s->size);
    size_t p = 0;
    for (size_t i = 0; i < s->nstrokes; i++) {
        size_t end = s->stroke_end[i] < IME_MAX_POINTS ? s->stroke_end[i] : IME_MAX_POINTS;
        for (; p < end && p < s->npoints; p++)
            zinnia_character_add(c, i, s->x[p], s->y[p]);
    }
    zinnia_result_t *res = zinnia_recognizer_classify(e->zinnia, c, IME_CANDIDATES);
    if (!res)
        return false;
    size_t n = zinnia_result_size(res);
    for (size_t i = 0; i < n && i < IME_CANDIDATES; i++)
        ime_copy_utf8(out->candidate[i], IME_CANDIDATE_BYTES, zinnia_result_value(res, i));
    out->ncandidates = n < IME_CANDIDATES ? n : IME_CANDIDATES;
    zinnia_result_destroy(res);
    return true;
}

bool ime_zinnia_open(struct ime_engines *e, const char *model, ime_engine_t *out, char *err,
                     size_t errlen)
{
    struct stat st;
    if (stat(model, &st) != 0) {
        ime_err_append(err, errlen,
                       "handwriting: no zinnia model at %s (tegaki-zinnia-simplified-chinese)",
                       model);
        return false;
    }
    zinnia_recognizer_t *r = zinnia_recognizer_new();
    zinnia_character_t *c = zinnia_character_new();
    if (!r || !c || !zinnia_recognizer_open(r, model)) {
        ime_err_append(err, errlen, "handwriting: cannot load the zinnia model %s: %s", model,
                       r ? zinnia_recognizer_strerror(r) : "out of memory");
        if (c)
            zinnia_character_destroy(c);
        if (r)
            zinnia_recognizer_destroy(r);
        return false;
    }
    e->zinnia = r;
    e->character = c;
    out->recognize = zinnia_recognize;
    return true;
}

void ime_zinnia_close(struct ime_engines *e)
{
    if (e->character)
        zinnia_character_destroy(e->character);
    if (e->zinnia) {
        zinnia_recognizer_close(e->zinnia);
        zinnia_recognizer_destroy(e->zinnia);
    }
    e->character = NULL;
    e->zinnia = NULL;
}
