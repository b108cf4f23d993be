/* Dated activities: the loader's reading of a choice's date, time, place and description, the
 * detail line composed from them in every language, and content_set_today(), which leaves out
 * what is over. */
#include "core/content.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/content_internal.h"
#include "core/kerr.h"

/* The interface strings a dated activity's detail line is made of. */
static const char *const when_key = "activity.when";
static const char *const weekdays_key = "date.weekdays"; /* 7 names, Monday first */
static const char *const months_key = "date.months";     /* 12 names, January first */

/* ---- reading ---- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "YYYY-MM-DD", a day of the calendar from 2000 to 2199: yyyymmdd, or 0. */
static int32_t parse_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
        !digits(s + 8, 2))
        return 0;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1)
        return 0;
    /* a day past the month's end comes back in the next month */
    int ny, nm, nd;
    civil_from_days(days_from_civil(y, m, d), &ny, &nm, &nd);
    if (nm != m)
        return 0;
    return y * 10000 + m * 100 + d;
}

/* "HH:MM-HH:MM", 24-hour, the start before the end. */
static bool parse_time(const char *s)
{
    if (strlen(s) != 11 || s[2] != ':' || s[5] != '-' || s[8] != ':' || !digits(s, 2) ||
        !digits(s + 3, 2) || !digits(s + 6, 2) || !digits(s + 9, 2))
        return false;
    int h1 = num(s, 2), m1 = num(s + 3, 2), h2 = num(s + 6, 2), m2 = num(s + 9, 2);
    return h1 < 24 && m1 < 60 && h2 < 24 && m2 < 60 && h1 * 60 + m1 < h2 * 60 + m2;
}

/* The k-th of the space-separated names of s into out; false when s has fewer. */
static bool nth_name(const char *s, int k, char *out, size_t len)
{
    for (int i = 0; *s; i++) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (!n)
            break;
        if (i == k) {
            snprintf(out, len, "%.*s", (int)n, s);
            return true;
        }
        s += n;
    }
    return false;
}

/* The interface string key, with count names in every language when count > 0. */
static int need_string(loader_t *L, const char *key, int count)
{
    content_t *c = L->c;
    for (size_t i = 0; i < c->nlangs; i++) {
        const char *s = content_string(c, key, c->langs[i].code);
        char name[64];
        if (s == key)
            return loader_fail(L, "a dated activity needs the interface string '%s'", key);
        if (count &&
            (!nth_name(s, count - 1, name, sizeof name) || nth_name(s, count, name, sizeof name)))
            return loader_fail(L, "the interface string '%s' in '%s' must be %d names", key,
                               c->langs[i].code, count);
    }
    return KIOSK_OK;
}

/* "7:30" of "07:30": the hour without its leading zero. */
static void clock_text(const char *hhmm, char *out, size_t len)
{
    snprintf(out, len, "%.*s", hhmm[0] == '0' ? 4 : 5, hhmm[0] == '0' ? hhmm + 1 : hhmm);
}

/* ch->detail in every language: activity.when filled in, then " · " and the place. */
static int compose_detail(loader_t *L, choice_t *ch)
{
    content_t *c = L->c;
    int y = ch->date / 10000, m = ch->date / 100 % 100, d = ch->date % 100;
    int wd = (int)((days_from_civil(y, m, d) + 3) % 7); /* 1970-01-01 was a Thursday */
    lstr_entry_t *e = content_arena_alloc(&c->arena, c->nlangs * sizeof *e);
    if (!e)
        return loader_oom(L);
    for (size_t i = 0; i < c->nlangs; i++) {
        const char *lang = c->langs[i].code;
        char wds[64], mon[64], ys[8], ms[4], ds[4], start[8], end[8], when[256], line[512];
        nth_name(content_string(c, weekdays_key, lang), wd, wds, sizeof wds);
        nth_name(content_string(c, months_key, lang), m - 1, mon, sizeof mon);
        snprintf(ys, sizeof ys, "%d", y);
        snprintf(ms, sizeof ms, "%d", m);
        snprintf(ds, sizeof ds, "%d", d);
        clock_text(ch->time, start, sizeof start);
        clock_text(ch->time + 6, end, sizeof end);
        const char *const names[] = {"wd", "d", "m", "mon", "y", "start", "end"};
        const char *const values[] = {wds, ds, ms, mon, ys, start, end};
        const char *tmpl = content_string(c, when_key, lang);
        content_fill_vars(when, sizeof when, tmpl, 7, names, values);
        if (ch->place.n)
            snprintf(line, sizeof line, "%s · %s", when, content_text(c, &ch->place, lang));
        else
            snprintf(line, sizeof line, "%s", when);
        e[i].lang = lang;
        if (!(e[i].text = content_arena_strdup(&c->arena, line)))
            return loader_oom(L);
    }
    ch->detail = (lstr_t){e, c->nlangs};
    return KIOSK_OK;
}

int loader_activity(loader_t *L, const cJSON *v, choice_t *ch)
{
    const char *date = NULL;
    int rc;
    if ((rc = loader_get_string(L, v, "date", false, &date)) ||
        (rc = loader_get_string(L, v, "time", false, &ch->time)) ||
        (rc = loader_get_lstr(L, v, "place", false, &ch->place)) ||
        (rc = loader_get_lstr(L, v, "description", false, &ch->description)))
        return rc;
    if (!date) {
        if (ch->time || ch->place.n || ch->description.n)
            return loader_fail(L, "time, place and description belong to a dated activity: "
                                  "give its \"date\" too");
        return KIOSK_OK;
    }
    if (!(ch->date = parse_date(date)))
        return loader_fail_at(L, ".date", "'%s' is not a day of the calendar as YYYY-MM-DD", date);
    if (!ch->time)
        return loader_fail(L, "a dated activity needs its \"time\" too, as \"09:00-10:30\"");
    if (!parse_time(ch->time))
        return loader_fail_at(L, ".time",
                              "'%s' is not a time as \"09:00-10:30\" (24-hour, start before end)",
                              ch->time);
    if (ch->detail.n)
        return loader_fail_at(L, ".detail",
                              "a dated activity's detail is made from its date, time and place: "
                              "leave it out");
    if ((rc = need_string(L, when_key, 0)) || (rc = need_string(L, weekdays_key, 7)) ||
        (rc = need_string(L, months_key, 12)))
        return rc;
    return compose_detail(L, ch);
}

/* ---- what shows ---- */

static bool has_dated_choice(const question_t *q)
{
    for (size_t i = 0; i < q->nchoices; i++)
        if (q->choices[i].date)
            return true;
    return false;
}

int loader_dated(loader_t *L)
{
    content_t *c = L->c;
    size_t nq = 0;
    for (size_t j = 0; j < c->njourneys; j++)
        nq += c->journeys[j].nq;
    c->shown_journeys = content_arena_alloc(&c->arena, (c->njourneys + 1) * sizeof(size_t));
    c->dated = content_arena_alloc(&c->arena, (nq + 1) * sizeof *c->dated);
    if (!c->shown_journeys || !c->dated)
        return loader_oom(L);
    for (size_t j = 0; j < c->njourneys; j++) {
        c->shown_journeys[c->nshown_journeys++] = j;
        question_t *qs = (question_t *)c->journeys[j].q; /* the arena's, not const */
        for (size_t i = 0; i < c->journeys[j].nq; i++) {
            if (!has_dated_choice(&qs[i]))
                continue;
            dated_question_t *dq = &c->dated[c->ndated++];
            *dq = (dated_question_t){&qs[i], qs[i].choices, qs[i].nchoices, NULL};
            if (!(dq->shown = content_arena_alloc(&c->arena, dq->nall * sizeof *dq->shown)))
                return loader_oom(L);
        }
    }
    return KIOSK_OK;
}

/* Whether every choice question of j still has a choice to offer. */
static bool journey_offers(const journey_t *j)
{
    for (size_t i = 0; i < j->nq; i++)
        if ((j->q[i].type == Q_RADIOGROUP || j->q[i].type == Q_CHECKBOX) && !j->q[i].nchoices)
            return false;
    return true;
}

bool content_set_today(content_t *c, int year, int month, int day)
{
    int32_t today = year * 10000 + month * 100 + day;
    if (today == c->today)
        return false;
    c->today = today;
    bool changed = false;
    for (size_t k = 0; k < c->ndated; k++) {
        dated_question_t *dq = &c->dated[k];
        size_t n = 0;
        for (size_t i = 0; i < dq->nall; i++)
            if (dq->all[i].date >= today || !dq->all[i].date)
                dq->shown[n++] = dq->all[i];
        changed = changed || n != dq->q->nchoices;
        dq->q->choices = dq->shown;
        dq->q->nchoices = n;
    }
    size_t shown = 0;
    for (size_t j = 0; j < c->njourneys; j++)
        if (journey_offers(&c->journeys[j])) {
            changed = changed || shown >= c->nshown_journeys || c->shown_journeys[shown] != j;
            c->shown_journeys[shown++] = j;
        }
    changed = changed || shown != c->nshown_journeys;
    c->nshown_journeys = shown;
    return changed;
}
