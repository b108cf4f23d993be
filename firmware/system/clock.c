/* The kiosk's clocks and time zone (see clock.h). */
#include "system/clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

#include "core/kerr.h"

static int64_t read_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void)
{
    return read_ms(CLOCK_MONOTONIC);
}

int64_t clock_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

record_time_t clock_wall(void)
{
    record_time_t t = {0};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    t.utc_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    struct tm tm;
    time_t secs = ts.tv_sec;
    if (localtime_r(&secs, &tm))
        t.offset_min = (int32_t)(tm.tm_gmtoff / 60);
    struct timex tx = {0};
    int state = adjtimex(&tx);
    t.clock_synced = state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
    t.mono_ms = read_ms(CLOCK_BOOTTIME);
    return t;
}

bool clock_local(int64_t utc_ms, clock_local_t *out)
{
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return false;
    *out = (clock_local_t){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                           tm.tm_hour,        tm.tm_min,     (tm.tm_wday + 6) % 7};
    return true;
}

int64_t clock_local_midnight_ms(int64_t utc_ms)
{
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return utc_ms - utc_ms % 86400000;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

int clock_set_local(const clock_local_t *c, char *err, size_t errlen)
{
    struct tm tm = {.tm_year = c->year - 1900,
                    .tm_mon = c->month - 1,
                    .tm_mday = c->day,
                    .tm_hour = c->hour,
                    .tm_min = c->minute,
                    .tm_isdst = -1};
    time_t t = mktime(&tm);
    struct timespec ts = {.tv_sec = t, .tv_nsec = 0};
    if (t == (time_t)-1 || clock_settime(CLOCK_REALTIME, &ts) != 0) {
        snprintf(err, errlen, "cannot set the clock to %04d-%02d-%02d %02d:%02d:00: %s", c->year,
                 c->month, c->day, c->hour, c->minute, strerror(errno));
        return errno == EPERM ? KIOSK_EACCES : KIOSK_EINVAL;
    }
    return KIOSK_OK;
}
