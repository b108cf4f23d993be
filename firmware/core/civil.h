/* Civil-calendar arithmetic (proleptic Gregorian, no time zone, no libc time): the one copy
 * the core, the kiosk and the office tool share. */
#ifndef KIOSK_CIVIL_H
#define KIOSK_CIVIL_H

#include <stdint.h>

/* a / b rounded towards minus infinity (b > 0): splits negative times into days too. */
int64_t civil_floor_div(int64_t a, int64_t b);

/* The civil date of a day number (days since 1970-01-01, negative before): year, month
 * 1..12, day 1..31. Exact for any day number a 64-bit millisecond count can reach. */
void civil_from_days(int64_t days, int *y, int *m, int *d);

/* The day number of a civil date (days since 1970-01-01); month 1..12, day 1..31, not
 * checked against the month's length. */
int64_t days_from_civil(int y, int m, int d);

#endif
