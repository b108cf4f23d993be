/* UTF-8 helpers for text a resident types: validation, counting and safe editing. */
#ifndef KIOSK_UTF8_H
#define KIOSK_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points above
 * U+10FFFF) and holds no control characters other than '\n'. */
bool utf8_valid_text(const char *s, size_t len);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_count(const char *s);

/* Length in bytes of the code point starting at s (1..4), 0 at the terminator. Assumes
 * valid UTF-8. */
size_t utf8_char_len(const char *s);

/* Copies src into dst (dstlen bytes with the terminator), cut at a code point's boundary when
 * it does not fit; bytes that are not valid UTF-8 or are control characters become '?', so
 * the result is always safe to draw. */
void utf8_copy_safe(char *dst, size_t dstlen, const char *src);

/* Removes the last code point of a valid UTF-8 string in place; false when empty. */
bool utf8_pop(char *s);

#endif
