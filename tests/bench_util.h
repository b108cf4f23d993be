/* Helpers the benchmarks share: a monotonic clock in microseconds and the order of doubles
 * for qsort (medians and percentiles). Header-only, one copy per benchmark program. */
#ifndef KIOSK_BENCH_UTIL_H
#define KIOSK_BENCH_UTIL_H

#include <time.h>

static inline double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int compare_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
