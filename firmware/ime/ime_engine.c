/* The IME edge's engine set: opens pinyin and handwriting independently, so a missing one
 * leaves the other working, and says what is missing. */
#include "ime/ime_engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ime/ime_internal.h"

void ime_copy_utf8(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return;
    size_t len = src ? strlen(src) : 0;
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--; /* src[len] would be a continuation byte: cut before its lead byte */
    }
    if (len > 0)
        memcpy(dst, src, len);
    dst[len] = '\0';
}

void ime_err_append(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    size_t used = strnlen(err, errlen);
    if (used > 0 && used + 2 < errlen) {
        memcpy(err + used, "; ", 3);
        used += 2;
    }
    if (used + 1 >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
}

int ime_engines_open(const ime_config_t *cfg, ime_engine_t *out, ime_engines_t **handle,
                     char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    memset(out, 0, sizeof *out);
    *handle = NULL;
    struct ime_engines *e = calloc(1, sizeof *e);
    if (!e) {
        ime_err_append(err, errlen, "input methods: out of memory");
        return -1;
    }
    out->ctx = e;
    *handle = e;
    int have = 0;
    if (!cfg->rime_user_dir)
        ime_err_append(err, errlen, "pinyin: no Rime data dir configured");
    else if (ime_rime_open(e, cfg, out, err, errlen))
        have |= IME_HAVE_PINYIN;
    if (!cfg->zinnia_model)
        ime_err_append(err, errlen, "handwriting: no zinnia model configured");
    else if (ime_zinnia_open(e, cfg->zinnia_model, out, err, errlen))
        have |= IME_HAVE_HANDWRITING;
    return have;
}

void ime_engines_close(ime_engines_t *e)
{
    if (!e)
        return;
    ime_rime_close(e);
    ime_zinnia_close(e);
    free(e);
}
