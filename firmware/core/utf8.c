/* UTF-8 validation and editing for on-screen and desktop text input. */
#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned c = p[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[k] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* C0 controls, DEL and C1 controls: never drawn, never stored. */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

bool utf8_valid_text(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n || (is_control(cp) && cp != '\n'))
            return false;
        i += n;
    }
    return true;
}

size_t utf8_char_len(const char *s)
{
    unsigned c = (unsigned char)*s;
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c < 0xe0)
        return 2;
    if (c < 0xf0)
        return 3;
    return 4;
}

size_t utf8_count(const char *s)
{
    size_t n = 0;
    for (size_t l; (l = utf8_char_len(s)) != 0; s += l)
        n++;
    return n;
}

bool utf8_pop(char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return false;
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
        i--;
    s[i] = '\0';
    return true;
}

void utf8_copy_safe(char *dst, size_t dstlen, const char *src)
{
    if (!dstlen)
        return;
    size_t o = 0;
    while (*src) {
        uint32_t cp;
        size_t n = utf8_decode(src, 4, &cp);
        bool ok = n > 0 && !is_control(cp);
        if (!ok)
            n = 1;
        if (o + n >= dstlen)
            break;
        if (ok)
            memcpy(dst + o, src, n);
        else
            dst[o] = '?';
        o += n;
        src += n;
    }
    dst[o] = '\0';
}
