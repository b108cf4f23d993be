/* UTF-8 helpers for text a resident types: validation, counting and safe editing. */
#ifndef KIOSK_UTF8_H
#define KIOSK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s, reading at most n bytes (n > 0): returns its length 1..4 and
 * sets *cp, or returns 0 when the bytes are not well-formed UTF-8 (a stray continuation byte,
 * an overlong form, a surrogate, above U+10FFFF, or cut short). n may reach past the end of a
 * NUL-terminated string: the terminator is no continuation byte, so decoding stops at it.
 * The one decoder of the tree: validation, editing, line breaking and the office tool. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

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
