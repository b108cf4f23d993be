/* Records: kind names, identifiers and timestamps, as pure functions. */
#include "core/record.h"

#include "core/civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[RECORD_KIND_COUNT] = {
    "quick_rating", "feedback", "service_request", "questionnaire", "activity",
};

const char *record_kind_name(record_kind_t kind)
{
    return (unsigned)kind < RECORD_KIND_COUNT ? kind_names[kind] : "unknown";
}

int record_kind_from_name(const char *name)
{
    for (int i = 0; i < RECORD_KIND_COUNT; i++)
        if (name && strcmp(name, kind_names[i]) == 0)
            return i;
    return -1;
}

const char *session_outcome_name(session_outcome_t outcome)
{
    static const char *const names[SESSION_OUTCOME_COUNT] = {"completed", "timed_out", "abandoned"};
    return (unsigned)outcome < SESSION_OUTCOME_COUNT ? names[outcome] : "unknown";
}

void record_clear(record_t *rec)
{
    if (!rec)
        return;
    free(rec->answers_json);
    free(rec->contact_name);
    free(rec->contact_phone);
    memset(rec, 0, sizeof *rec);
}

void uuid_format(const uint8_t bytes[16], char out[RECORD_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    memcpy(b, bytes, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

void refcode_format(const uint8_t bytes[RECORD_REF_LEN], char out[RECORD_REF_LEN + 1])
{
    static const char alphabet[] = REFCODE_ALPHABET;
    const size_t n = sizeof alphabet - 1;
    for (int i = 0; i < RECORD_REF_LEN; i++)
        out[i] = alphabet[bytes[i] % n];
    out[RECORD_REF_LEN] = '\0';
}

void iso8601_format(int64_t utc_ms, int32_t offset_min, char out[ISO8601_LEN])
{
    const int64_t local_ms = utc_ms + (int64_t)offset_min * 60000;
    const int64_t days = civil_floor_div(local_ms, 86400000);
    const int64_t ms_of_day = local_ms - days * 86400000;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    const int64_t secs = ms_of_day / 1000;
    const int off = (offset_min < 0 ? -offset_min : offset_min) % (24 * 60);
    if (offset_min == 0)
        snprintf(out, ISO8601_LEN, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                 (int)(ms_of_day % 1000));
    else
        snprintf(out, ISO8601_LEN, "%04lld-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", (long long)y,
                 m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                 (int)(ms_of_day % 1000), offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* The fields of an ISO 8601 time, as written. */
typedef struct {
    int y, mo, d, h, mi, se, ms;
    int off; /* minutes east of UTC */
} iso8601_fields_t;

/* "YYYY-MM-DDTHH:MM:SS" at the start of s, which is long enough to hold a zone as well. */
static bool iso8601_date_time(const char *s, iso8601_fields_t *t)
{
    return s && strlen(s) >= 20 && digits(s, 4, &t->y) && s[4] == '-' && digits(s + 5, 2, &t->mo) &&
           s[7] == '-' && digits(s + 8, 2, &t->d) && s[10] == 'T' && digits(s + 11, 2, &t->h) &&
           s[13] == ':' && digits(s + 14, 2, &t->mi) && s[16] == ':' && digits(s + 17, 2, &t->se);
}

/* What follows the seconds: ".mmm" (optional), then "Z" or "+hh:mm" / "-hh:mm", then the end. */
static bool iso8601_fraction_and_zone(const char *p, iso8601_fields_t *t)
{
    if (*p == '.') {
        if (!digits(p + 1, 3, &t->ms))
            return false;
        p += 4;
    }
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        t->off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    return *p == '\0';
}

/* A day that exists (29 February in leap years only) and a time of day up to 23:59:59. */
static bool iso8601_fields_valid(const iso8601_fields_t *t)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (t->y % 4 == 0 && t->y % 100 != 0) || t->y % 400 == 0;
    return t->mo >= 1 && t->mo <= 12 && t->d >= 1 && t->d <= mdays[t->mo - 1] &&
           !(t->mo == 2 && t->d == 29 && !leap) && t->h <= 23 && t->mi <= 59 && t->se <= 59;
}

bool iso8601_parse(const char *s, int64_t *utc_ms)
{
    iso8601_fields_t t = {0};
    if (!iso8601_date_time(s, &t) || !iso8601_fraction_and_zone(s + 19, &t) ||
        !iso8601_fields_valid(&t))
        return false;
    int64_t days = days_from_civil(t.y, t.mo, t.d);
    *utc_ms = ((days * 24 + t.h) * 60 + t.mi) * 60000 + (int64_t)t.se * 1000 + t.ms -
              (int64_t)t.off * 60000;
    return true;
}
