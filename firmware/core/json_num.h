/* JSON numbers as integers, safely: a double outside the target type's range must never be
 * cast (undefined behaviour, found by the fuzzer); and decimal numbers in text, finite only. */
#ifndef KIOSK_JSON_NUM_H
#define KIOSK_JSON_NUM_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* True and *out set when d is a whole number in [lo, hi] (both within +-9e15). NaN and
 * infinities are refused by the range check. */
static inline bool json_int_in(double d, int64_t lo, int64_t hi, int64_t *out)
{
    if (!(d >= (double)lo && d <= (double)hi))
        return false;
    int64_t i = (int64_t)d;
    if ((double)i != d)
        return false;
    *out = i;
    return true;
}

/* The decimal number at the start of s as a pack writes one in an expression: an optional
 * sign, digits with an optional fraction, an optional exponent ("12", "-0.5", "1e3"). Returns
 * its length and sets *out; 0 when s starts with no such number, it is longer than 63 bytes,
 * or it is not finite ("1e999"). Never the "nan", "inf" or hexadecimal forms strtod() takes. */
static inline size_t json_num_decimal(const char *s, double *out)
{
    size_t i = s[0] == '-' || s[0] == '+', digits = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (s[i] == '.')
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1 + (s[i + 1] == '-' || s[i + 1] == '+');
        if (s[j] >= '0' && s[j] <= '9') {
            while (s[j] >= '0' && s[j] <= '9')
                j++;
            i = j;
        }
    }
    char buf[64];
    if (i >= sizeof buf)
        return 0;
    memcpy(buf, s, i);
    buf[i] = '\0';
    double d = strtod(buf, NULL);
    if (!isfinite(d))
        return 0;
    *out = d;
    return i;
}

#endif
