/* Opening hours: strict parsing of the week's spans (JSON paths in errors) and the open/closed
 * state at a local day and minute. */
#include "core/hours.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/kerr.h"

#define DAY_MIN 1440
#define WEEK_MIN (7 * DAY_MIN)

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ---- parsing ---- */

static bool two_digits(const char *s, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

/* hh:mm as minutes since midnight; s points at the time's text, for the message. */
static int check_time(const char *s, int hh, int mm, bool closing, const char *at, int *out,
                      content_error_t *err)
{
    if (mm > 59)
        return content_error_set(err, at, "'%.5s': minutes are 00..59", s);
    if (hh > 24 || (hh == 24 && (mm != 0 || !closing)))
        return content_error_set(err, at, "'%.5s': hours are 00..23 (24:00 only as a closing time)",
                                 s);
    *out = hh * 60 + mm;
    return KIOSK_OK;
}

static int parse_span(const cJSON *v, const char *at, hours_span_t *sp, content_error_t *err)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    int oh, om, ch, cm;
    if (!s || strlen(s) != 11 || s[2] != ':' || s[5] != '-' || s[8] != ':' || !two_digits(s, &oh) ||
        !two_digits(s + 3, &om) || !two_digits(s + 6, &ch) || !two_digits(s + 9, &cm))
        return content_error_set(err, at, "expected a span \"HH:MM-HH:MM\" like \"08:00-12:00\"");
    int open, close, rc;
    if ((rc = check_time(s, oh, om, false, at, &open, err)) ||
        (rc = check_time(s + 6, ch, cm, true, at, &close, err)))
        return rc;
    if (close <= open)
        return content_error_set(err, at, "'%s' closes at or before it opens", s);
    sp->open_min = (int16_t)open;
    sp->close_min = (int16_t)close;
    return KIOSK_OK;
}

static int parse_day(const cJSON *v, const char *at, hours_span_t spans[HOURS_MAX_SPANS], int *n,
                     content_error_t *err)
{
    if (!cJSON_IsArray(v))
        return content_error_set(err, at,
                                 "expected an array of \"HH:MM-HH:MM\" spans ([] when closed)");
    const cJSON *s;
    cJSON_ArrayForEach(s, v)
    {
        char sat[sizeof err->path + 16];
        snprintf(sat, sizeof sat, "%s[%d]", at, *n);
        if (*n == HOURS_MAX_SPANS)
            return content_error_set(err, sat, "more than %d spans in a day", HOURS_MAX_SPANS);
        hours_span_t *sp = &spans[*n];
        int rc = parse_span(s, sat, sp, err);
        if (rc)
            return rc;
        if (*n > 0 && sp->open_min < spans[*n - 1].close_min) {
            int pc = spans[*n - 1].close_min;
            return content_error_set(err, sat,
                                     "'%s' opens before the previous span closes (%02d:%02d): "
                                     "spans must be in order and not overlap",
                                     s->valuestring, pc / 60, pc % 60);
        }
        (*n)++;
    }
    return KIOSK_OK;
}

static int parse_week(const cJSON *obj, const char *path, hours_t *h, content_error_t *err)
{
    if (!cJSON_IsObject(obj))
        return content_error_set(err, path, "expected an object with days \"mon\"..\"sun\"");
    bool seen[7] = {false};
    const cJSON *v;
    cJSON_ArrayForEach(v, obj)
    {
        char at[sizeof err->path];
        snprintf(at, sizeof at, "%s.%s", path, v->string);
        int d;
        for (d = 0; d < 7; d++)
            if (strcmp(v->string, day_keys[d]) == 0)
                break;
        if (d == 7)
            return content_error_set(
                err, at, "unknown day '%s' (mon, tue, wed, thu, fri, sat, sun)", v->string);
        if (seen[d])
            return content_error_set(err, at, "'%s' given twice", v->string);
        seen[d] = true;
        int rc = parse_day(v, at, h->day[d], &h->nspans[d], err);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

int hours_parse(const cJSON *obj, const char *filename, const char *path, hours_t *h,
                content_error_t *err)
{
    memset(h, 0, sizeof *h);
    if (filename)
        snprintf(err->file, sizeof err->file, "%s", filename);
    int rc = parse_week(obj, path ? path : "$", h, err);
    if (rc)
        memset(h, 0, sizeof *h);
    else
        h->set = true;
    return rc;
}

/* ---- the state at a time ---- */

/* Any day and minute to a day 0..6 and a minute 0..1439 (minute 1440 is the next day's 0). */
static void normalize(int *wday, int *minute)
{
    long long t = ((long long)*wday * DAY_MIN + *minute) % WEEK_MIN;
    if (t < 0)
        t += WEEK_MIN;
    *wday = (int)(t / DAY_MIN);
    *minute = (int)(t % DAY_MIN);
}

bool hours_is_open(const hours_t *h, int wday_mon0, int minute_of_day)
{
    if (!h->set)
        return true;
    normalize(&wday_mon0, &minute_of_day);
    for (int i = 0; i < h->nspans[wday_mon0]; i++) {
        const hours_span_t *sp = &h->day[wday_mon0][i];
        if (minute_of_day >= sp->open_min && minute_of_day < sp->close_min)
            return true;
    }
    return false;
}

int hours_minutes_to_change(const hours_t *h, int wday_mon0, int minute_of_day)
{
    if (!h->set)
        return -1;
    normalize(&wday_mon0, &minute_of_day);
    bool now = hours_is_open(h, wday_mon0, minute_of_day);
    /* The state is constant between span edges: the answer is the first edge after now where
     * it differs. Edges come in time order (spans are in order within a day). */
    for (int d = 0; d <= 8; d++) {
        int day = (wday_mon0 + d) % 7;
        for (int i = 0; i < h->nspans[day]; i++) {
            const int edges[2] = {h->day[day][i].open_min, h->day[day][i].close_min};
            for (int e = 0; e < 2; e++) {
                int t = d * DAY_MIN + edges[e] - minute_of_day;
                if (t <= 0)
                    continue;
                if (t > 8 * DAY_MIN)
                    return -1;
                if (hours_is_open(h, wday_mon0, minute_of_day + t) != now)
                    return t;
            }
        }
    }
    return -1;
}

const char *hours_format_day(const hours_t *h, int wday_mon0, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (!h->set)
        return buf;
    int minute = 0;
    normalize(&wday_mon0, &minute);
    size_t used = 0;
    for (int i = 0; i < h->nspans[wday_mon0]; i++) {
        const hours_span_t *sp = &h->day[wday_mon0][i];
        int n =
            snprintf(buf + used, len - used, "%s%02d:%02d\xe2\x80\x93%02d:%02d", i ? ", " : "",
                     sp->open_min / 60, sp->open_min % 60, sp->close_min / 60, sp->close_min % 60);
        if (n < 0 || (size_t)n >= len - used) {
            buf[used] = '\0'; /* whole spans only: never half an en dash */
            break;
        }
        used += (size_t)n;
    }
    return buf;
}
