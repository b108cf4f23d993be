/* Opening hours: the week's open spans from the device configuration, whether the kiosk is open
 * at a given local time and when that next changes. Outside the hours the kiosk shows an
 * attract screen and dims. Pure: the caller gives the local day and minute. */
#ifndef KIOSK_HOURS_H
#define KIOSK_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse_error.h"

struct cJSON;

#define HOURS_MAX_SPANS 4

/* Minutes since local midnight; 0 <= open_min < close_min <= 1440. */
typedef struct {
    int16_t open_min, close_min;
} hours_span_t;

typedef struct {
    bool set; /* false: always open */
    hours_span_t day[7][HOURS_MAX_SPANS];
    int nspans[7]; /* day 0 = Monday; 0: closed all day */
} hours_t;

/* Parses the "openingHours" object: keys "mon".."sun", each an array of "HH:MM-HH:MM" strings
 * (an empty array or a day not listed: closed that day). "24:00" is allowed as a closing time.
 * A day's spans must be in order and must not overlap (one may open when the previous closes).
 * On success h->set is true. Unknown or repeated keys, bad syntax, 25:00, 12:61, a span closing
 * at or before it opens, more than HOURS_MAX_SPANS a day: KIOSK_EINVAL, *h always open, and err
 * names the JSON path below path ("$.openingHours.tue[1]") and the reason. filename, when not
 * NULL, goes to err->file. obj is read during the call only: h holds no pointer. */
int hours_parse(const struct cJSON *obj, const char *filename, const char *path, hours_t *h,
                content_error_t *err);

/* Whether open on day wday_mon0 (0 = Monday) at minute_of_day: the opening minute is open, the
 * closing minute is closed. Out-of-range arguments wrap (minute 1440 is the next day's 0). */
bool hours_is_open(const hours_t *h, int wday_mon0, int minute_of_day);

/* Minutes from (wday_mon0, minute_of_day) until the open/closed state next changes, looking up
 * to 8 days ahead; -1 when it never changes (always open, never open). A span closing at 24:00
 * followed by one opening at 00:00 the next day is one open period, as are touching spans. */
int hours_minutes_to_change(const hours_t *h, int wday_mon0, int minute_of_day);

/* The day's spans as "08:00–12:00, 13:00–20:00" (en dash, UTF-8), or "" when closed that day
 * or always open (h->set false). Spans that do not fit in len are left out whole. Returns buf
 * (the caller's); nothing is kept. */
const char *hours_format_day(const hours_t *h, int wday_mon0, char *buf, size_t len);

#endif
