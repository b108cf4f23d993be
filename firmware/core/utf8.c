/* UTF-8 validation and editing for on-screen and desktop text input. */
#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

bool utf8_valid_text(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3fu);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
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
        size_t n = 1;
        unsigned char c = (unsigned char)*src;
        n = c < 0x80             ? 1
            : (c & 0xe0) == 0xc0 ? 2
            : (c & 0xf0) == 0xe0 ? 3
            : (c & 0xf8) == 0xf0 ? 4
                                 : 0;
        bool ok = n > 0;
        for (size_t i = 1; ok && i < n; i++)
            ok = src[i] && ((unsigned char)src[i] & 0xc0) == 0x80;
        ok = ok && utf8_valid_text(src, n) && (n > 1 || c >= 0x20);
        if (!ok)
            n = 1;
        if (o + (ok ? n : 1) >= dstlen)
            break;
        if (ok)
            memcpy(dst + o, src, n);
        else
            dst[o] = '?';
        o += ok ? n : 1;
        src += n;
    }
    dst[o] = '\0';
}
