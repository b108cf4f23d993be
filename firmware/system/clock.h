/* The kiosk's clocks and time zone, read in this one place: the monotonic clock the loop runs
 * on, and the wall clock (UTC, the local offset, whether the kernel says it is synchronised)
 * that the app reads once per turn and passes down. Nothing here allocates. */
#ifndef KIOSK_SYSTEM_CLOCK_H
#define KIOSK_SYSTEM_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

/* Monotonic time since an arbitrary start. */
int64_t clock_mono_ms(void);
int64_t clock_mono_us(void);

/* The wall clock now: UTC, the local offset, whether it is synchronised, and milliseconds
 * since boot (record_time_t's mono_ms); boot stays 0. */
record_time_t clock_wall(void);

/* A moment in the kiosk's local time (its time zone, daylight saving included). */
typedef struct {
    int year, month, day; /* month 1..12, day 1..31 */
    int hour, minute;
    int wday; /* 0 = Monday .. 6 = Sunday */
} clock_local_t;

/* utc_ms in local time; false if the C library cannot convert it. */
bool clock_local(int64_t utc_ms, clock_local_t *out);
/* Local midnight of the day utc_ms falls in, as UTC milliseconds. */
int64_t clock_local_midnight_ms(int64_t utc_ms);

/* Sets the system clock to a local date and time (seconds zero). Needs CAP_SYS_TIME; on
 * failure returns a negative KIOSK_E* code and err says why (NUL-terminated, errlen bytes). */
int clock_set_local(const clock_local_t *local, char *err, size_t errlen);

#endif
