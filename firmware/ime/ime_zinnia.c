/* Handwriting through zinnia and the tegaki Simplified Chinese model: the strokes so far in,
 * the best IME_CANDIDATES characters out (no composition, nothing committed). libzinnia is
 * loaded (dlopen) when handwriting is first opened, not linked: a kiosk without input methods
 * never maps it, nor the C++ runtime it brings. The model (26 MB, which zinnia maps and reads
 * whole) is checked when handwriting opens and opened at the first stroke to recognise: a
 * kiosk whose residents do not write by hand never has it in memory (issue 18: peak memory). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zinnia.h>

#include "ime/ime_internal.h"

#ifndef KIOSK_ZINNIA_SONAME
#define KIOSK_ZINNIA_SONAME "libzinnia.so.0"
#endif

/* The functions of zinnia's C API that are used, by name. */
#define ZINNIA_FUNCTIONS(X)                                                                        \
    X(zinnia_recognizer_new)                                                                       \
    X(zinnia_recognizer_open)                                                                      \
    X(zinnia_recognizer_close)                                                                     \
    X(zinnia_recognizer_destroy)                                                                   \
    X(zinnia_recognizer_strerror)                                                                  \
    X(zinnia_recognizer_classify)                                                                  \
    X(zinnia_character_new)                                                                        \
    X(zinnia_character_destroy)                                                                    \
    X(zinnia_character_clear)                                                                      \
    X(zinnia_character_set_width)                                                                  \
    X(zinnia_character_set_height)                                                                 \
    X(zinnia_character_add)                                                                        \
    X(zinnia_result_size)                                                                          \
    X(zinnia_result_value)                                                                         \
    X(zinnia_result_destroy)

/* The library, once loaded, stays for the process (as the dynamic linker would keep it). */
struct zinnia_api {
    void *lib;
    __typeof__(&zinnia_recognizer_new) zinnia_recognizer_new;
    __typeof__(&zinnia_recognizer_open) zinnia_recognizer_open;
    __typeof__(&zinnia_recognizer_close) zinnia_recognizer_close;
    __typeof__(&zinnia_recognizer_destroy) zinnia_recognizer_destroy;
    __typeof__(&zinnia_recognizer_strerror) zinnia_recognizer_strerror;
    __typeof__(&zinnia_recognizer_classify) zinnia_recognizer_classify;
    __typeof__(&zinnia_character_new) zinnia_character_new;
    __typeof__(&zinnia_character_destroy) zinnia_character_destroy;
    __typeof__(&zinnia_character_clear) zinnia_character_clear;
    __typeof__(&zinnia_character_set_width) zinnia_character_set_width;
    __typeof__(&zinnia_character_set_height) zinnia_character_set_height;
    __typeof__(&zinnia_character_add) zinnia_character_add;
    __typeof__(&zinnia_result_size) zinnia_result_size;
    __typeof__(&zinnia_result_value) zinnia_result_value;
    __typeof__(&zinnia_result_destroy) zinnia_result_destroy;
};
static struct zinnia_api z;

static bool zinnia_load(char *err, size_t errlen)
{
    if (z.lib)
        return true;
    void *lib = dlopen(KIOSK_ZINNIA_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        ime_err_append(err, errlen, "handwriting: cannot load %s (libzinnia0): %s",
                       KIOSK_ZINNIA_SONAME, dlerror());
        return false;
    }
    void *sym;
#define X(f)                                                                                       \
    if (!(sym = dlsym(lib, #f))) {                                                                 \
        ime_err_append(err, errlen, "handwriting: %s has no %s", KIOSK_ZINNIA_SONAME, #f);         \
        dlclose(lib);                                                                              \
        return false;                                                                              \
    }                                                                                              \
    memcpy(&z.f, &sym, sizeof sym);
    ZINNIA_FUNCTIONS(X)
#undef X
    z.lib = lib;
    return true;
}

static bool zinnia_recognize(void *ctx, const ime_strokes_t *s, ime_output_t *out)
{
    struct ime_engines *e = ctx;
    memset(out, 0, sizeof *out);
    if (s->nstrokes == 0 || s->size <= 0 || s->nstrokes > IME_MAX_STROKES)
        return s->nstrokes == 0; /* nothing written yet: an empty page */
    if (!e->zinnia_model_open) {
        if (!z.zinnia_recognizer_open(e->zinnia, e->zinnia_model))
            return false; /* the caller turns handwriting off */
        e->zinnia_model_open = true;
    }
    zinnia_character_t *c = e->character;
    z.zinnia_character_clear(c);
    z.zinnia_character_set_width(c, (size_t)s->size);
    z.zinnia_character_set_height(c, (size_t)s->size);
    size_t p = 0;
    for (size_t i = 0; i < s->nstrokes; i++) {
        size_t end = s->stroke_end[i] < IME_MAX_POINTS ? s->stroke_end[i] : IME_MAX_POINTS;
        for (; p < end && p < s->npoints; p++)
            z.zinnia_character_add(c, i, s->x[p], s->y[p]);
    }
    zinnia_result_t *res = z.zinnia_recognizer_classify(e->zinnia, c, IME_CANDIDATES);
    if (!res)
        return false;
    size_t n = z.zinnia_result_size(res);
    for (size_t i = 0; i < n && i < IME_CANDIDATES; i++)
        ime_copy_utf8(out->candidate[i], IME_CANDIDATE_BYTES, z.zinnia_result_value(res, i));
    out->ncandidates = n < IME_CANDIDATES ? n : IME_CANDIDATES;
    z.zinnia_result_destroy(res);
    return true;
}

/* zinnia's own first check of a model, on its first 8 bytes: the magic number XOR the file's
 * size, and the format's version (zinnia's DIC_MAGIC_ID and DIC_VERSION). */
#define ZINNIA_MAGIC 0xef71821u
#define ZINNIA_VERSION 1u

static bool model_looks_whole(const char *model, char *err, size_t errlen)
{
    struct stat st;
    if (stat(model, &st) != 0) {
        ime_err_append(err, errlen,
                       "handwriting: no zinnia model at %s (tegaki-zinnia-simplified-chinese)",
                       model);
        return false;
    }
    uint32_t head[2] = {0, 0};
    FILE *f = fopen(model, "rb");
    bool read = f && fread(head, sizeof head, 1, f) == 1;
    if (f)
        fclose(f);
    if (!read || (head[0] ^ ZINNIA_MAGIC) != (uint32_t)st.st_size || head[1] != ZINNIA_VERSION) {
        ime_err_append(err, errlen, "handwriting: cannot load the zinnia model %s: %s", model,
                       read ? "not a whole zinnia model" : "cannot read it");
        return false;
    }
    return true;
}

bool ime_zinnia_open(struct ime_engines *e, const char *model, ime_engine_t *out, char *err,
                     size_t errlen)
{
    if (!model_looks_whole(model, err, errlen) || !zinnia_load(err, errlen))
        return false;
    zinnia_recognizer_t *r = z.zinnia_recognizer_new();
    zinnia_character_t *c = z.zinnia_character_new();
    char *path = strdup(model);
    if (!r || !c || !path) {
        ime_err_append(err, errlen, "handwriting: out of memory");
        if (c)
            z.zinnia_character_destroy(c);
        if (r)
            z.zinnia_recognizer_destroy(r);
        free(path);
        return false;
    }
    e->zinnia = r;
    e->character = c;
    e->zinnia_model = path;
    e->zinnia_model_open = false;
    out->recognize = zinnia_recognize;
    return true;
}

void ime_zinnia_close(struct ime_engines *e)
{
    if (e->character)
        z.zinnia_character_destroy(e->character);
    if (e->zinnia) {
        if (e->zinnia_model_open)
            z.zinnia_recognizer_close(e->zinnia);
        z.zinnia_recognizer_destroy(e->zinnia);
    }
    free(e->zinnia_model);
    e->zinnia_model = NULL;
    e->zinnia_model_open = false;
    e->character = NULL;
    e->zinnia = NULL;
}
