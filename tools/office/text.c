/* The office commands' growable string, and text from the data made safe to show. */
#include "office.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

void buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

const char *buf_str(const buf_t *b)
{
    return b->s ? b->s : "";
}

void buf_free(buf_t *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void *array_push(void *arrp, size_t len, size_t *cap, size_t elem, size_t first)
{
    char *arr;
    memcpy(&arr, arrp, sizeof arr);
    if (len == *cap) {
        const size_t n = *cap ? *cap * 2 : first;
        char *p = realloc(arr, n * elem);
        if (!p)
            return NULL;
        arr = p;
        memcpy(arrp, &arr, sizeof arr);
        *cap = n;
    }
    memset(arr + len * elem, 0, elem);
    return arr + len * elem;
}

bool add_clean(buf_t *out, const char *s, size_t max_cp, lines_t lines)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), count = 0;
    while (n > 0) {
        /* Printable ASCII, the bulk of most text, in one go. */
        size_t run = 0;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f && (!max_cp || count + run < max_cp))
            run++;
        if (run) {
            buf_add(out, (const char *)p, run);
            p += run;
            n -= run;
            count += run;
            continue;
        }
        uint32_t cp;
        const size_t len = utf8_decode((const char *)p, n, &cp);
        const char *bytes = len ? (const char *)p : "\xef\xbf\xbd";
        size_t outlen = len ? len : 3;
        const size_t step = len ? len : 1;
        p += step;
        n -= step;
        if (!len)
            cp = 0xfffd;
        if (cp == '\r' && n > 0 && p[0] == '\n')
            continue; /* "\r\n" is one line end */
        if (cp == '\r')
            cp = '\n';
        if (cp == '\n' || cp == '\t') {
            bytes = lines == LINES_SPACE ? " " : cp == '\n' ? "\n" : "\t";
            outlen = 1;
        } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            continue;
        }
        if (max_cp && count == max_cp)
            return true;
        buf_add(out, bytes, outlen);
        count++;
    }
    return false;
}

char *clean_dup(const char *s, size_t max_cp, lines_t lines, bool *cut)
{
    buf_t b = {0};
    const bool c = add_clean(&b, s, max_cp, lines);
    if (cut)
        *cut = c;
    buf_add(&b, "", 0);
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

void add_value(buf_t *out, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        buf_puts(out, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        const double d = v->valuedouble;
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
            buf_printf(out, "%lld", (long long)d);
        else
            buf_printf(out, "%.15g", d);
    } else if (cJSON_IsBool(v)) {
        buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        const cJSON *item;
        bool first = true;
        cJSON_ArrayForEach(item, v)
        {
            if (!first)
                buf_puts(out, ";");
            first = false;
            add_value(out, item);
        }
    } else if (cJSON_IsObject(v)) {
        char *json = cJSON_PrintUnformatted(v);
        if (json)
            buf_puts(out, json);
        else
            out->oom = true;
        free(json);
    }
}
