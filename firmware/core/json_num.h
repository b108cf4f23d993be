/* JSON numbers as integers, safely: a double outside the target type's range must never be
 * cast (undefined behaviour, found by the fuzzer). */
#ifndef KIOSK_JSON_NUM_H
#define KIOSK_JSON_NUM_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
