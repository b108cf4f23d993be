/* Phone numbers against a language's formats (see phone.h). */
#include "core/phone.h"

#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool phone_format_valid(const char *format, const char **why)
{
    const char *p = format;
    size_t n = 0;
    if (*p == '+') {
        p++;
        n++;
    }
    if (*p == ' ' || *p == '\0') {
        *why = *p ? "a format cannot start with a space" : "a format needs at least one digit";
        return false;
    }
    for (; *p; p++) {
        if (*p == ' ') {
            if (p[1] == ' ' || p[1] == '\0') {
                *why = "spaces separate groups: one at a time, not at the end";
                return false;
            }
        } else if (*p == '#' || is_digit(*p)) {
            n++;
        } else {
            *why = "a format holds '#' (any digit), digits, spaces and a leading '+' only";
            return false;
        }
    }
    if (n > PHONE_MAX_DIGITS) {
        *why = "a format has at most 20 digits";
        return false;
    }
    return true;
}

size_t phone_format_length(const char *format)
{
    size_t n = 0;
    for (const char *p = format; *p; p++)
        n += *p != ' ';
    return n;
}

/* Compares number with format up to the shorter of the two; *number_left and *format_left
 * say whether either has characters left. */
static bool fits(const char *number, const char *format, bool *number_left, bool *format_left)
{
    const char *n = number, *f = format;
    for (;;) {
        while (*f == ' ')
            f++;
        if (!*n || !*f)
            break;
        bool ok = *f == '#' ? is_digit(*n) : *f == *n;
        if (!ok)
            return false;
        n++;
        f++;
    }
    *number_left = *n != '\0';
    *format_left = *f != '\0';
    return true;
}

bool phone_matches(const char *number, const char *format)
{
    bool nl, fl;
    return fits(number, format, &nl, &fl) && !nl && !fl;
}

bool phone_fits_so_far(const char *number, const char *format)
{
    bool nl, fl;
    return fits(number, format, &nl, &fl) && !nl;
}

bool phone_valid(const char *number, const char *const *formats, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (phone_matches(number, formats[i]))
            return true;
    return false;
}

bool phone_may_append(const char *number, char c, const char *const *formats, size_t n)
{
    char longer[PHONE_MAX_DIGITS + 2];
    size_t len = strlen(number);
    if (len + 1 >= sizeof longer)
        return false;
    memcpy(longer, number, len);
    longer[len] = c;
    longer[len + 1] = '\0';
    bool fitted = false;
    for (size_t i = 0; i < n; i++) {
        if (phone_fits_so_far(longer, formats[i]))
            return true;
        fitted = fitted || phone_fits_so_far(number, formats[i]);
    }
    return !fitted;
}

size_t phone_max_length(const char *const *formats, size_t n)
{
    size_t max = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = phone_format_length(formats[i]);
        max = l > max ? l : max;
    }
    return max;
}

void phone_group(const char *number, const char *const *formats, size_t n, char *out, size_t len)
{
    if (len == 0)
        return;
    const char *format = NULL;
    for (size_t i = 0; i < n && !format; i++)
        if (phone_fits_so_far(number, formats[i]))
            format = formats[i];
    size_t o = 0;
    const char *f = format;
    for (const char *p = number; *p && o + 1 < len; p++) {
        if (f) {
            if (*f == ' ') {
                if (o + 2 >= len)
                    break;
                out[o++] = ' ';
                f++;
            }
            if (*f)
                f++;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

void phone_example(const char *format, char *out, size_t len)
{
    static const char seq[] = "3812345678901234567890";
    size_t o = 0, k = 0;
    for (const char *p = format; *p && o + 1 < len; p++)
        out[o++] = *p == '#' ? seq[k++ % (sizeof seq - 1)] : *p;
    if (len)
        out[o] = '\0';
}
