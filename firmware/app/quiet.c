/* Opening hours in the event loop: outside them (or when staff switch quiet mode on by hand)
 * the home screen gives way to a dark attract screen after a minute untouched, and the panel's
 * backlight dims if one is configured. A touch or a button wakes the kiosk: residents can
 * always leave feedback, even when the centre is closed. */
#include <string.h>
#include <time.h>

#include "app/app_internal.h"
#include "core/hours.h"
#include "core/kerr.h"
#include "system/system.h"

/* Local weekday (0 = Monday) and minute of the day of a wall-clock time. */
static bool local_week_minute(int64_t utc_ms, int *wday, int *minute)
{
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return false;
    *wday = (tm.tm_wday + 6) % 7;
    *minute = tm.tm_hour * 60 + tm.tm_min;
    return true;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The schedule at utc_ms: open or not, and when that next changes (INT64_MAX: never). */
static bool schedule_open(const app_t *a, int64_t utc_ms, int64_t *change_ms)
{
    *change_ms = INT64_MAX;
    const hours_t *h = a->cfg->hours;
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
static bool quiet_at(app_t *a, int64_t utc_ms, int64_t *change_ms)
{
    bool open = schedule_open(a, utc_ms, change_ms);
    if (a->quiet_override && utc_ms >= a->quiet_override_until_ms) {
        a->quiet_override = false; /* the schedule changed: it rules again */
        log_line("info", "quiet mode: back to the opening hours");
    }
    return a->quiet_override ? open : !open;
}

/* "08:00" today, else "Tuesday 08:00" in the screen's language. */
static void when_text(const app_t *a, int64_t utc_ms, int64_t at_ms, char *buf, size_t len)
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
    snprintf(buf, len, "%s%s%02d:%02d",
             today ? "" : content_string(a->content, key, flow_lang(a->flow)), today ? "" : " ",
             m / 60, m % 60);
}

void quiet_fill_hours(app_t *a, staff_hours_t *h)
{
    memset(h, 0, sizeof *h);
    int64_t now = wall_ms(), change;
    h->quiet = quiet_at(a, now, &change);
    h->open_now = schedule_open(a, now, &change);
    h->overridden = a->quiet_override;
    const hours_t *cfg = a->cfg->hours;
    h->configured = cfg && cfg->set;
    int minute;
    if (!local_week_minute(now, &h->today, &minute))
        h->today = 0;
    for (int d = 0; d < 7 && h->configured; d++)
        hours_format_day(cfg, d, h->week[d], sizeof h->week[d]);
    when_text(a, now, a->quiet_override ? a->quiet_override_until_ms : change, h->until,
              sizeof h->until);
}

void quiet_toggle(app_t *a)
{
    int64_t now = wall_ms(), change;
    if (a->quiet_override) {
        a->quiet_override = false;
        log_line("info", "quiet mode: staff went back to the opening hours");
    } else {
        bool open = schedule_open(a, now, &change);
        a->quiet_override = true;
        a->quiet_override_until_ms = change;
        log_line("info",
                 "quiet mode: staff switched the kiosk %s until the next change in the "
                 "opening hours",
                 open ? "quiet" : "open");
    }
    printf("event=quiet override=%s\n", a->quiet_override ? "on" : "off");
    fflush(stdout);
}

static void set_backlight(app_t *a, bool dim)
{
    const char *path = a->cfg->backlight_path;
    if (!path || !*path)
        return;
    char err[512];
    int rc;
    if (dim) {
        int max = 0;
        rc = system_backlight_get(a->sys, path, &a->backlight_saved, &max, err, sizeof err);
        if (rc == KIOSK_OK)
            rc = system_backlight_set_percent(a->sys, path, a->cfg->backlight_quiet_percent, err,
                                              sizeof err);
    } else {
        rc = a->backlight_saved > 0
                 ? system_backlight_set(a->sys, path, a->backlight_saved, err, sizeof err)
                 : KIOSK_OK;
    }
    if (rc != KIOSK_OK)
        log_line("warn", "backlight: %s", err);
}

static void set_attract(app_t *a, bool on)
{
    if (a->attract == on)
        return;
    a->attract = on;
    set_backlight(a, on);
    log_line("info", "%s", on ? "quiet: attract screen, dimmed" : "awake: home screen");
    printf("event=attract %s\n", on ? "on" : "off");
    fflush(stdout);
    a->dirty = true;
}

void quiet_input(app_t *a)
{
    a->last_input_ms = now_ms(a);
    set_attract(a, false);
}

void quiet_process(app_t *a)
{
    int64_t change;
    bool quiet = quiet_at(a, wall_ms(), &change);
    bool idle_home = flow_screen(a->flow) == SCREEN_HOME && flow_overlay(a->flow) == OVERLAY_NONE &&
                     !staff_active(a);
    if (!quiet || !idle_home) {
        set_attract(a, false);
        return;
    }
    if (!a->attract && now_ms(a) - a->last_input_ms >= QUIET_ATTRACT_AFTER_MS) {
        quiet_fill_hours(a, &a->staff.hours); /* the reopening time the screen shows */
        set_attract(a, true);
    }
}

int64_t quiet_deadline(const app_t *a)
{
    if (!a->cfg->hours && !a->quiet_override)
        return INT64_MAX;
    int64_t now = now_ms(a);
    /* The schedule is looked at every minute; the attract screen comes a minute after the
     * last touch. */
    int64_t d = now + 60000;
    if (!a->attract && a->last_input_ms + QUIET_ATTRACT_AFTER_MS < d)
        d = a->last_input_ms + QUIET_ATTRACT_AFTER_MS;
    return d < now ? now : d;
}

const char *quiet_reopens(const app_t *a)
{
    const staff_hours_t *h = &a->staff.hours;
    return h->quiet && h->until[0] ? h->until : NULL;
}
