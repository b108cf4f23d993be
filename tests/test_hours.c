/* Opening hours: strict parsing with JSON paths in errors, the open/closed state at the edges of
 * a span, and the minutes until it changes (across midnight, a closed weekend, the end of the
 * week, a 24:00 close running into a 00:00 open), checked against a minute-by-minute sweep. */
#include <cjson/cJSON.h>
#include <string.h>

#include "check.h"
#include "core/hours.h"
#include "core/kerr.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

#define HM(h, m) ((h)*60 + (m))

static int parse(const char *json, hours_t *h, content_error_t *err)
{
    memset(err, 0, sizeof *err);
    cJSON *obj = cJSON_Parse(json);
    if (!obj) {
        fprintf(stderr, "test JSON does not parse: %s\n", json);
        check_failures++;
        return KIOSK_EINVAL;
    }
    int rc = hours_parse(obj, "kiosk.json", "$.openingHours", h, err);
    cJSON_Delete(obj);
    return rc;
}

/* Parses json, which must be valid. */
static hours_t hours(const char *json)
{
    hours_t h;
    content_error_t err;
    if (parse(json, &h, &err) != KIOSK_OK) {
        fprintf(stderr, "unexpected error: %s: %s: %s\n", err.file, err.path, err.reason);
        check_failures++;
    }
    return h;
}

static void expect_error(const char *json, const char *path, const char *reason)
{
    hours_t h;
    content_error_t err;
    CHECK_INT(parse(json, &h, &err), KIOSK_EINVAL);
    CHECK_STR(err.file, "kiosk.json");
    CHECK_STR(err.path, path);
    if (!strstr(err.reason, reason)) {
        fprintf(stderr, "%s: reason \"%s\" lacks \"%s\"\n", json, err.reason, reason);
        check_failures++;
    }
    CHECK(!h.set); /* a failed parse leaves "always open", never half a week */
}

static void good_hours_parse(void)
{
    hours_t h = hours("{\"mon\": [\"08:00-12:00\", \"13:00-20:00\"], \"tue\": [],"
                      " \"sat\": [\"10:00-24:00\"], \"sun\": [\"00:00-02:00\", \"02:00-03:30\"]}");
    CHECK(h.set);
    CHECK_INT(h.nspans[MON], 2);
    CHECK_INT(h.day[MON][0].open_min, HM(8, 0));
    CHECK_INT(h.day[MON][0].close_min, HM(12, 0));
    CHECK_INT(h.day[MON][1].open_min, HM(13, 0));
    CHECK_INT(h.day[MON][1].close_min, HM(20, 0));
    CHECK_INT(h.nspans[TUE], 0); /* [] : closed */
    CHECK_INT(h.nspans[WED], 0); /* not listed: closed */
    CHECK_INT(h.day[SAT][0].close_min, 1440);
    CHECK_INT(h.nspans[SUN], 2); /* touching spans are allowed */

    hours_t four = hours("{\"wed\": [\"01:00-02:00\", \"03:00-04:00\", \"05:00-06:00\","
                         " \"07:00-08:00\"]}");
    CHECK_INT(four.nspans[WED], HOURS_MAX_SPANS);
}

static void bad_hours_name_path_and_reason(void)
{
    expect_error("[]", "$.openingHours", "expected an object");
    expect_error("{\"mon\": [\"08:00-12:00\"], \"tues\": []}", "$.openingHours.tues",
                 "unknown day 'tues'");
    expect_error("{\"Mon\": []}", "$.openingHours.Mon", "unknown day");
    expect_error("{\"mon\": [], \"mon\": []}", "$.openingHours.mon", "given twice");
    expect_error("{\"mon\": \"08:00-12:00\"}", "$.openingHours.mon", "expected an array");
    expect_error("{\"tue\": [\"08:00-12:00\", \"8:00-9:00\"]}", "$.openingHours.tue[1]",
                 "HH:MM-HH:MM");
    expect_error("{\"tue\": [\"08:00-12:00\", 800]}", "$.openingHours.tue[1]", "HH:MM-HH:MM");
    expect_error("{\"tue\": [\" 08:00-12:00\"]}", "$.openingHours.tue[0]", "HH:MM-HH:MM");
    expect_error("{\"tue\": [\"08:00\\u201312:00\"]}", "$.openingHours.tue[0]", "HH:MM-HH:MM");
    expect_error("{\"tue\": [\"08.00-12.00\"]}", "$.openingHours.tue[0]", "HH:MM-HH:MM");
    expect_error("{\"wed\": [\"25:00-26:00\"]}", "$.openingHours.wed[0]",
                 "'25:00': hours are 00..23");
    expect_error("{\"wed\": [\"08:00-25:00\"]}", "$.openingHours.wed[0]", "'25:00'");
    expect_error("{\"wed\": [\"12:61-13:00\"]}", "$.openingHours.wed[0]",
                 "'12:61': minutes are 00..59");
    expect_error("{\"wed\": [\"24:00-24:00\"]}", "$.openingHours.wed[0]",
                 "24:00 only as a closing");
    expect_error("{\"wed\": [\"20:00-24:30\"]}", "$.openingHours.wed[0]", "'24:30'");
    expect_error("{\"thu\": [\"12:00-08:00\"]}", "$.openingHours.thu[0]",
                 "closes at or before it opens");
    expect_error("{\"thu\": [\"12:00-12:00\"]}", "$.openingHours.thu[0]",
                 "closes at or before it opens");
    expect_error("{\"fri\": [\"08:00-12:00\", \"11:00-14:00\"]}", "$.openingHours.fri[1]",
                 "opens before the previous span closes (12:00)");
    expect_error("{\"fri\": [\"13:00-14:00\", \"08:00-12:00\"]}", "$.openingHours.fri[1]",
                 "in order");
    expect_error("{\"sat\": [\"01:00-02:00\", \"03:00-04:00\", \"05:00-06:00\", \"07:00-08:00\","
                 " \"09:00-10:00\"]}",
                 "$.openingHours.sat[4]", "more than 4 spans");

    /* Without a filename the caller's err->file stays. */
    cJSON *obj = cJSON_Parse("{\"sun\": [\"9\"]}");
    REQUIRE(obj);
    hours_t h;
    content_error_t err = {.file = "config.json"};
    CHECK_INT(hours_parse(obj, NULL, "$.x", &h, &err), KIOSK_EINVAL);
    CHECK_STR(err.file, "config.json");
    CHECK_STR(err.path, "$.x.sun[0]");
    cJSON_Delete(obj);
}

static void open_minute_is_open_close_minute_is_closed(void)
{
    hours_t h = hours("{\"mon\": [\"08:00-12:00\", \"13:00-20:00\"]}");
    CHECK(!hours_is_open(&h, MON, HM(7, 59)));
    CHECK(hours_is_open(&h, MON, HM(8, 0)));
    CHECK(hours_is_open(&h, MON, HM(11, 59)));
    CHECK(!hours_is_open(&h, MON, HM(12, 0)));
    CHECK(!hours_is_open(&h, MON, HM(12, 59)));
    CHECK(hours_is_open(&h, MON, HM(13, 0)));
    CHECK(hours_is_open(&h, MON, HM(19, 59)));
    CHECK(!hours_is_open(&h, MON, HM(20, 0)));
    CHECK(!hours_is_open(&h, TUE, HM(10, 0)));
    /* Arguments wrap: day 7 is Monday, minute 1440 the next day's midnight. */
    CHECK(hours_is_open(&h, 7, HM(9, 0)));
    CHECK(hours_is_open(&h, -7, HM(9, 0)));
    CHECK(hours_is_open(&h, SUN, 1440 + HM(9, 0)));
    CHECK(!hours_is_open(&h, MON, 1440 + HM(9, 0)));

    hours_t late = hours("{\"sat\": [\"10:00-24:00\"]}");
    CHECK(hours_is_open(&late, SAT, HM(23, 59)));
    CHECK(!hours_is_open(&late, SUN, 0)); /* 24:00 closes */
}

static void minutes_to_change_within_a_day_and_across_midnight(void)
{
    hours_t h = hours("{\"mon\": [\"08:00-12:00\", \"13:00-20:00\"], \"tue\": [\"08:00-09:00\"]}");
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(7, 0)), 60);
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(7, 59)), 1);
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(8, 0)), 240);
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(12, 0)), 60);
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(19, 59)), 1);
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(20, 0)), HM(12, 0)); /* Tue 08:00 */
    CHECK_INT(hours_minutes_to_change(&h, MON, HM(23, 59)), HM(8, 1));
    /* Tue 09:00 to next Mon 08:00: six days less an hour. */
    CHECK_INT(hours_minutes_to_change(&h, TUE, HM(9, 0)), 6 * 1440 - 60);

    hours_t night = hours("{\"fri\": [\"22:00-24:00\"], \"sat\": [\"00:00-02:00\"]}");
    CHECK_INT(hours_minutes_to_change(&night, FRI, HM(21, 0)), 60);
    CHECK_INT(hours_minutes_to_change(&night, FRI, HM(22, 0)), 240);
    CHECK_INT(hours_minutes_to_change(&night, FRI, HM(23, 59)), 121);
    CHECK_INT(hours_minutes_to_change(&night, SAT, 0), 120);
    CHECK(hours_is_open(&night, SAT, 0));
}

static void minutes_to_change_across_a_closed_weekend(void)
{
    hours_t h = hours("{\"mon\": [\"09:00-17:00\"], \"tue\": [\"09:00-17:00\"],"
                      " \"wed\": [\"09:00-17:00\"], \"thu\": [\"09:00-17:00\"],"
                      " \"fri\": [\"09:00-17:00\"], \"sat\": [], \"sun\": []}");
    CHECK_INT(hours_minutes_to_change(&h, FRI, HM(16, 59)), 1);
    CHECK_INT(hours_minutes_to_change(&h, FRI, HM(17, 0)), 2 * 1440 + HM(16, 0)); /* Mon 09:00 */
    CHECK_INT(hours_minutes_to_change(&h, SAT, HM(12, 0)), 1440 + HM(21, 0));
    CHECK_INT(hours_minutes_to_change(&h, SUN, HM(23, 0)), HM(10, 0));
    CHECK(!hours_is_open(&h, SUN, HM(12, 0)));
}

static void close_at_24_and_open_at_00_is_one_period(void)
{
    hours_t h = hours("{\"sat\": [\"10:00-24:00\"], \"sun\": [\"00:00-02:00\"]}");
    CHECK_INT(hours_minutes_to_change(&h, SAT, HM(10, 0)), HM(16, 0));
    CHECK_INT(hours_minutes_to_change(&h, SAT, HM(23, 59)), 121);

    /* Over the end of the week: Sunday 23:00 to Monday 01:00. */
    hours_t wrap = hours("{\"sun\": [\"23:00-24:00\"], \"mon\": [\"00:00-01:00\"]}");
    CHECK_INT(hours_minutes_to_change(&wrap, SUN, HM(23, 30)), 90);
    CHECK_INT(hours_minutes_to_change(&wrap, MON, HM(1, 0)), 6 * 1440 + HM(22, 0));

    /* Touching spans within a day do not close either. */
    hours_t touch = hours("{\"tue\": [\"08:00-12:00\", \"12:00-13:00\"]}");
    CHECK_INT(hours_minutes_to_change(&touch, TUE, HM(11, 0)), 120);

    /* Open round the clock every day: never changes. */
    hours_t all = hours("{\"mon\": [\"00:00-24:00\"], \"tue\": [\"00:00-24:00\"],"
                        " \"wed\": [\"00:00-24:00\"], \"thu\": [\"00:00-24:00\"],"
                        " \"fri\": [\"00:00-24:00\"], \"sat\": [\"00:00-24:00\"],"
                        " \"sun\": [\"00:00-24:00\"]}");
    CHECK(all.set);
    CHECK(hours_is_open(&all, THU, HM(3, 0)));
    CHECK_INT(hours_minutes_to_change(&all, THU, HM(3, 0)), -1);
}

static void always_open_and_never_open(void)
{
    hours_t always = {0}; /* no openingHours in the configuration */
    CHECK(!always.set);
    char buf[64] = "x";
    for (int d = 0; d < 7; d++) {
        CHECK(hours_is_open(&always, d, 0));
        CHECK(hours_is_open(&always, d, HM(23, 59)));
        CHECK_INT(hours_minutes_to_change(&always, d, HM(12, 0)), -1);
        CHECK_STR(hours_format_day(&always, d, buf, sizeof buf), "");
    }

    hours_t never = hours("{}");
    hours_t never2 = hours("{\"mon\": [], \"sun\": []}");
    CHECK(never.set);
    for (int d = 0; d < 7; d++) {
        CHECK(!hours_is_open(&never, d, HM(12, 0)));
        CHECK(!hours_is_open(&never2, d, HM(12, 0)));
        CHECK_INT(hours_minutes_to_change(&never, d, HM(12, 0)), -1);
        CHECK_INT(hours_minutes_to_change(&never2, d, 0), -1);
    }
}

/* Every minute of the week against a sweep of the state over three weeks. */
static void check_against_sweep(const char *json)
{
    hours_t h = hours(json);
    enum { N = 3 * 7 * 1440 };
    static bool open[N];
    static int next[N];
    for (int t = 0; t < N; t++)
        open[t] = hours_is_open(&h, t / 1440, t % 1440);
    next[N - 1] = -1;
    for (int t = N - 2; t >= 0; t--)
        next[t] = open[t + 1] != open[t] ? 1 : next[t + 1] < 0 ? -1 : next[t + 1] + 1;
    int bad = 0;
    for (int t = 0; t < 7 * 1440 && bad < 5; t++) {
        int want = next[t] > 8 * 1440 ? -1 : next[t];
        int got = hours_minutes_to_change(&h, t / 1440, t % 1440);
        if (got != want) {
            fprintf(stderr, "%s: day %d %02d:%02d: %d minutes, expected %d\n", json, t / 1440,
                    t % 1440 / 60, t % 60, got, want);
            bad++;
        }
    }
    check_failures += bad;
}

static void minutes_to_change_matches_a_sweep(void)
{
    check_against_sweep(
        "{\"mon\": [\"08:00-12:00\", \"13:00-20:00\"], \"tue\": [\"08:00-09:00\"]}");
    check_against_sweep(
        "{\"sat\": [\"10:00-24:00\"], \"sun\": [\"00:00-02:00\", \"02:00-03:00\"]}");
    check_against_sweep(
        "{\"sun\": [\"23:00-24:00\"], \"mon\": [\"00:00-01:00\"],"
        " \"wed\": [\"00:00-00:01\", \"23:59-24:00\"], \"thu\": [\"00:00-24:00\"]}");
    check_against_sweep("{\"fri\": [\"06:30-06:31\"]}");
}

static void format_a_day(void)
{
    hours_t h = hours("{\"mon\": [\"08:00-12:00\", \"13:00-20:00\"], \"sat\": [\"10:00-24:00\"]}");
    char buf[64];
    CHECK_STR(hours_format_day(&h, MON, buf, sizeof buf), "08:00\xe2\x80\x93"
                                                          "12:00, 13:00\xe2\x80\x93"
                                                          "20:00");
    CHECK_STR(hours_format_day(&h, SAT, buf, sizeof buf), "10:00\xe2\x80\x93"
                                                          "24:00");
    CHECK_STR(hours_format_day(&h, TUE, buf, sizeof buf), "");
    char again[64];
    CHECK_STR(hours_format_day(&h, 7, again, sizeof again), hours_format_day(&h, MON, buf, 64));
    /* Too small: whole spans only, never a cut en dash. */
    char small[14];
    CHECK_STR(hours_format_day(&h, MON, small, sizeof small), "08:00\xe2\x80\x93"
                                                              "12:00");
    char tiny[8];
    CHECK_STR(hours_format_day(&h, MON, tiny, sizeof tiny), "");
}

int main(void)
{
    RUN(good_hours_parse);
    RUN(bad_hours_name_path_and_reason);
    RUN(open_minute_is_open_close_minute_is_closed);
    RUN(minutes_to_change_within_a_day_and_across_midnight);
    RUN(minutes_to_change_across_a_closed_weekend);
    RUN(close_at_24_and_open_at_00_is_one_period);
    RUN(always_open_and_never_open);
    RUN(minutes_to_change_matches_a_sweep);
    RUN(format_a_day);
    return check_failures != 0;
}
