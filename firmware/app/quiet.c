/* Opening hours in the event loop (see quiet.h). A touch or a button wakes the kiosk:
 * residents can always leave feedback, even when the centre is closed. */
#include "app/quiet.h"

#include <stdio.h>
#include <string.h>

#include "app/log.h"
#include "system/clock.h"

/* Local weekday (0 = Monday) and minute of the day of a wall-clock time. */
static bool local_week_minute(int64_t utc_ms, int *wday, int *minute)
{
    clock_local_t l;
    if (!clock_local(utc_ms, &l))
        return false;
    *wday = l.wday;
    *minute = l.hour * 60 + l.minute;
    return true;
}

/* The schedule at utc_ms: open or not, and when that next changes (INT64_MAX: never). */
static bool schedule_open(const quiet_t *q, int64_t utc_ms, int64_t *change_ms)
{
    *change_ms = INT64_MAX;
    const hours_t *h = q->hours;
    int wday, minute;
    if (!h || !h->set || !local_week_minute(utc_ms, &wday, &minute))
        return true;
    int in = hours_minutes_to_change(h, wday, minute);
    if (in >= 0)
        *change_ms = utc_ms - utc_ms % 60000 + (int64_t)in * 60000;
    return hours_is_open(h, wday, minute);
}

/* Whether the kiosk is quiet now: the schedule, unless staff overrode it until its next
 * change. */
static bool quiet_at(quiet_t *q, int64_t utc_ms, int64_t *change_ms)
{
    bool open = schedule_open(q, utc_ms, change_ms);
    if (q->override && utc_ms >= q->override_until_ms) {
        q->override = false; /* the schedule changed: it rules again */
        log_line("info", "quiet mode: back to the opening hours");
    }
    return q->override ? open : !open;
}

/* "08:00" today, else "Tuesday 08:00" in the screen's language. */
static void when_text(const content_t *c, const char *lang, int64_t utc_ms, int64_t at_ms,
                      char *buf, size_t len)
{
    buf[0] = '\0';
    if (at_ms == INT64_MAX)
        return;
    int wd_now, m_now, wd, m;
    if (!local_week_minute(utc_ms, &wd_now, &m_now) || !local_week_minute(at_ms, &wd, &m))
        return;
    char key[16];
    snprintf(key, sizeof key, "staff.day%d", wd);
    bool today = wd == wd_now && at_ms - utc_ms < 86400000;
    snprintf(buf, len, "%s%s%02d:%02d", today ? "" : content_string(c, key, lang), today ? "" : " ",
             m / 60, m % 60);
}

void quiet_fill_hours(quiet_t *q, int64_t utc_ms, const content_t *c, const char *lang,
                      staff_hours_t *h)
{
    memset(h, 0, sizeof *h);
    int64_t change;
    h->quiet = quiet_at(q, utc_ms, &change);
    h->open_now = schedule_open(q, utc_ms, &change);
    h->overridden = q->override;
    const hours_t *cfg = q->hours;
    h->configured = cfg && cfg->set;
    int minute;
    if (!local_week_minute(utc_ms, &h->today, &minute))
        h->today = 0;
    for (int d = 0; d < 7 && h->configured; d++)
        hours_format_day(cfg, d, h->week[d], sizeof h->week[d]);
    when_text(c, lang, utc_ms, q->override ? q->override_until_ms : change, h->until,
              sizeof h->until);
}

void quiet_toggle(quiet_t *q, int64_t utc_ms)
{
    int64_t change;
    if (q->override) {
        q->override = false;
        log_line("info", "quiet mode: staff went back to the opening hours");
    } else {
        bool open = schedule_open(q, utc_ms, &change);
        q->override = true;
        q->override_until_ms = change;
        log_line("info",
                 "quiet mode: staff switched the kiosk %s until the next change in the "
                 "opening hours",
                 open ? "quiet" : "open");
    }
    printf("event=quiet override=%s\n", q->override ? "on" : "off");
    fflush(stdout);
}

bool quiet_input(quiet_t *q, int64_t now_ms)
{
    q->last_input_ms = now_ms;
    bool was = q->attract;
    q->attract = false;
    return was;
}

bool quiet_process(quiet_t *q, int64_t utc_ms, int64_t now_ms, bool idle_home)
{
    int64_t change;
    bool quiet = quiet_at(q, utc_ms, &change);
    bool on = q->attract;
    if (!quiet || !idle_home)
        on = false;
    else if (now_ms - q->last_input_ms >= QUIET_ATTRACT_AFTER_MS)
        on = true;
    if (on == q->attract)
        return false;
    q->attract = on;
    return true;
}

int64_t quiet_deadline(const quiet_t *q, int64_t now_ms)
{
    if (!q->hours && !q->override)
        return INT64_MAX;
    /* The schedule is looked at every minute; the attract screen comes a minute after the
     * last touch. */
    int64_t d = now_ms + 60000;
    if (!q->attract && q->last_input_ms + QUIET_ATTRACT_AFTER_MS < d)
        d = q->last_input_ms + QUIET_ATTRACT_AFTER_MS;
    return d < now_ms ? now_ms : d;
}
