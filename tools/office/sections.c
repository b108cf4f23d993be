/* The report's sections: quick ratings, service requests, questionnaires, activities and
 * data quality, each as headings, notes and charts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "report.h"

/* Face colours: a red-to-blue scale (safe for red-green colour blindness), each at least 3:1
 * against white; the counts are written on the segments as well. */
static const char *const face_colors4[] = {"#b2182b", "#d6604d", "#4393c3", "#2166ac"};
static const char *const face_colors10[] = {"#67001f", "#b2182b", "#d6604d", "#c2712d", "#8c6d1f",
                                            "#5e7d2a", "#35978f", "#4393c3", "#2166ac", "#053061"};

typedef enum { SPAN_DAY, SPAN_WEEK, SPAN_MONTH } span_t;

/* The time buckets covering [first, last] (local day numbers): days up to 62 of them, else
 * weeks (from Monday) up to 62, else months. Returns the count; *starts (malloc'd) holds each
 * bucket's first day, labels its text. */
static size_t time_buckets(int64_t first, int64_t last, span_t *span, int64_t **starts,
                           char (**labels)[24])
{
    const int64_t days = last - first + 1;
    *span = days <= 62 ? SPAN_DAY : days <= 62 * 7 ? SPAN_WEEK : SPAN_MONTH;
    int64_t from = first;
    if (*span == SPAN_WEEK)
        from = first - (first + 3 - civil_floor_div(first + 3, 7) * 7); /* back to Monday */
    size_t n = 0, cap = 64;
    *starts = malloc(cap * sizeof **starts);
    *labels = malloc(cap * sizeof **labels);
    if (!*starts || !*labels)
        return 0;
    for (int64_t day = from; day <= last;) {
        if (n == cap) {
            cap *= 2;
            int64_t *s = realloc(*starts, cap * sizeof **starts);
            char(*l)[24] = realloc(*labels, cap * sizeof **labels);
            if (s)
                *starts = s;
            if (l)
                *labels = l;
            if (!s || !l)
                return 0;
        }
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        (*starts)[n] = day;
        if (*span == SPAN_MONTH) {
            snprintf((*labels)[n], 24, "%04d-%02d", y % 10000, m);
            day = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
            if (n == 0)
                (*starts)[0] = days_from_civil(y, m, 1);
        } else {
            snprintf((*labels)[n], 24, "%02d-%02d", m, d);
            day += *span == SPAN_WEEK ? 7 : 1;
        }
        n++;
    }
    return n;
}

/* Which bucket a day falls in (starts ascending). */
static size_t bucket_of(const int64_t *starts, size_t n, int64_t day)
{
    size_t i = 0;
    while (i + 1 < n && starts[i + 1] <= day)
        i++;
    return i;
}

static const char *span_name(span_t span)
{
    return span == SPAN_DAY ? "day" : span == SPAN_WEEK ? "week (from Monday)" : "month";
}

void section_quick(doc_t *d, report_t *r)
{
    buf_t *o = d->out;
    buf_puts(o, "<section>\n<h2>Quick ratings</h2>\n");
    const int faces = r->max_face < 4 ? 4 : r->max_face;
    const int64_t counted = r->quick - r->quick_misuse - r->quick_other;
    if (counted > 0)
        buf_printf(o,
                   "<p>%lld quick ratings counted, average %.2f (1 is the lowest face, %d the "
                   "highest). The %lld presses flagged as misuse (too soon after the one before) "
                   "are kept in the archive but left out of these charts.</p>\n",
                   (long long)counted, (double)r->quick_sum / (double)counted, faces,
                   (long long)r->quick_misuse);
    char names[MAX_FACE][32];
    const char *ser_names[MAX_FACE];
    const char *const *colors = faces == 4 ? face_colors4 : face_colors10;
    for (int f = 0; f < faces; f++) {
        snprintf(names[f], sizeof names[f], "face %d%s", f + 1,
                 f == 0           ? " (lowest)"
                 : f == faces - 1 ? " (highest)"
                                  : "");
        ser_names[f] = names[f];
    }
    const char *const *ser = ser_names;

    /* By day (or week, or month). */
    span_t span = SPAN_DAY;
    int64_t *starts = NULL;
    char(*labels)[24] = NULL;
    size_t n = r->days.len ? time_buckets(r->first_day, r->last_day, &span, &starts, &labels) : 0;
    int64_t *v = calloc((n ? n : 1) * (size_t)faces, sizeof *v);
    if (!v || (r->days.len && !n)) {
        o->oom = true;
    } else {
        for (size_t i = 0; i < r->days.len; i++) {
            const size_t k = bucket_of(starts, n, r->days.b[i].num);
            for (int f = 0; f < faces; f++)
                v[k * (size_t)faces + (size_t)f] += r->days.b[i].n[f + 1];
        }
        char heading[96], title[128];
        char from[16], to[16];
        day_text(r->first_day, from);
        day_text(r->last_day, to);
        snprintf(heading, sizeof heading, "By %s", span_name(span));
        snprintf(title, sizeof title, "Quick ratings by %s, %s to %s, stacked by face",
                 span_name(span), from, to);
        vchart_t c = {heading, title, "ratings", n, (size_t)faces, labels, v, ser, colors};
        vbar_chart(d, &c, "No quick ratings in this period.");
        if (span == SPAN_WEEK)
            buf_puts(o, "<p class=\"note\">Each column is a week from Monday to Sunday, labelled "
                        "with its Monday's date.</p>\n");
    }
    free(v);

    /* By hour of the day: from the first hour with a rating to the last. */
    int lo = 24, hi = -1;
    for (int h = 0; h < 24; h++)
        for (int f = 1; f <= faces; f++)
            if (r->hours[h][f]) {
                lo = h < lo ? h : lo;
                hi = h > hi ? h : hi;
            }
    if (hi < 0)
        lo = 0, hi = 23;
    char hours[24][24];
    int64_t hv[24 * MAX_FACE];
    for (int h = lo; h <= hi; h++) {
        snprintf(hours[h - lo], sizeof hours[h - lo], "%d:00", h);
        for (int f = 0; f < faces; f++)
            hv[(h - lo) * faces + f] = r->hours[h][f + 1];
    }
    vchart_t hc = {"By hour of the day (the kiosk's local time)",
                   "Quick ratings by hour of the day, stacked by face",
                   "ratings",
                   (size_t)(hi - lo + 1),
                   (size_t)faces,
                   hours,
                   hv,
                   ser,
                   colors};
    vbar_chart(d, &hc, "No quick ratings in this period.");
    tally_chart(d, "What the rating was about (the optional follow-up)",
                "Quick ratings: what they were about", &r->about, true, 0,
                "No follow-up answers in this period.");
    free(starts);
    free(labels);
    buf_puts(o, "</section>\n");
}

void section_requests(doc_t *d, report_t *r)
{
    buf_puts(d->out, "<section>\n<h2>Service requests</h2>\n");
    buf_printf(d->out,
               "<p>%lld service requests. Look one up with <code>kiosk-staff find</code> and its "
               "reference code; export them with <code>kiosk-staff open311</code>.</p>\n",
               (long long)r->per_kind[RECORD_SERVICE_REQUEST]);
    tally_chart(d, "By service", "Service requests by service", &r->services, true, 0,
                "No service requests in this period.");
    /* Urgency in its own order when the codes are the default pack's. */
    static const char *const order[] = {"URGENT", "SOON", "LOW"};
    size_t placed = 0;
    for (size_t k = 0; k < 3; k++)
        for (size_t i = placed; i < r->urgency.len; i++)
            if (strcmp(r->urgency.b[i].key, order[k]) == 0) {
                const bucket_t tmp = r->urgency.b[placed];
                r->urgency.b[placed++] = r->urgency.b[i];
                r->urgency.b[i] = tmp;
                break;
            }
    if (placed < r->urgency.len)
        sort_buckets(r->urgency.b + placed, r->urgency.len - placed, by_count_desc);
    tally_chart(d, "By urgency", "Service requests by urgency", &r->urgency, false, 0,
                "No urgency given in this period.");
    tally_chart(d, "For whom", "Service requests by whom the help is for", &r->for_whom, true, 0,
                "No answers in this period.");
    buf_puts(d->out, "</section>\n");
}

static void question_chart(doc_t *d, const survey_t *s, question_t *q)
{
    char heading[160], title[256];
    snprintf(heading, sizeof heading, "%s (%lld of %lld answered)", q->name, (long long)q->answered,
             (long long)s->responses);
    snprintf(title, sizeof title, "%s: answers to %s", s->journey, q->name);
    if (q->kinds & V_TEXT) {
        buf_puts(d->out, "<figure>\n<h3>");
        esc(d->out, heading);
        buf_puts(d->out, "</h3>\n<p class=\"note\">Written answers: not shown here (they may hold "
                         "personal details); read them in the CSV export.</p>\n</figure>\n");
        return;
    }
    if (q->kinds == V_NUMBER) {
        /* A distribution: one column per whole value from the lowest to the highest. */
        sort_buckets(q->values.b, q->values.len, by_value);
        const double lo = q->values.len ? q->values.b[0].value : 0;
        const double hi = q->values.len ? q->values.b[q->values.len - 1].value : 0;
        bool whole = true;
        for (size_t i = 0; i < q->values.len; i++)
            whole = whole && q->values.b[i].value == (double)(long long)q->values.b[i].value;
        const size_t n = whole && hi - lo <= 40 ? (size_t)(hi - lo) + 1 : q->values.len;
        char(*cats)[24] = calloc(n ? n : 1, sizeof *cats);
        int64_t *v = calloc(n ? n : 1, sizeof *v);
        if (!cats || !v) {
            d->out->oom = true;
        } else {
            for (size_t i = 0; i < n; i++)
                if (whole && hi - lo <= 40)
                    snprintf(cats[i], sizeof cats[i], "%lld", (long long)lo + (long long)i);
                else
                    snprintf(cats[i], sizeof cats[i], "%s", q->values.b[i].key);
            for (size_t i = 0; i < q->values.len; i++) {
                const size_t k = whole && hi - lo <= 40 ? (size_t)(q->values.b[i].value - lo) : i;
                v[k] += q->values.b[i].total;
            }
            snprintf(heading, sizeof heading, "%s (%lld of %lld answered, average %.2f)", q->name,
                     (long long)q->answered, (long long)s->responses,
                     q->sum / (double)(q->answered ? q->answered : 1));
            static const char *const one[] = {"answers"};
            static const char *const bar[] = {BAR};
            vchart_t c = {heading, title, "answers", n, 1, cats, v, one, bar};
            vbar_chart(d, &c, "No answers.");
        }
        free(cats);
        free(v);
        return;
    }
    if (q->kinds == V_BOOL)
        sort_buckets(q->values.b, q->values.len, by_value); /* yes, then no */
    if (q->kinds & V_LIST)
        snprintf(heading, sizeof heading, "%s (%lld of %lld answered; several choices allowed)",
                 q->name, (long long)q->answered, (long long)s->responses);
    /* Shares of the respondents: with several choices allowed they add up to more than 100%. */
    tally_chart(d, heading, title, &q->values, q->kinds != V_BOOL, q->answered, "No answers.");
}

void section_surveys(doc_t *d, report_t *r)
{
    buf_puts(d->out, "<section>\n<h2>Questionnaires</h2>\n");
    if (!r->nsurveys)
        no_data(d, "No questionnaires were answered in this period.");
    for (size_t i = 0; i < r->nsurveys; i++) {
        survey_t *s = &r->surveys[i];
        buf_puts(d->out, "<h3 class=\"survey\">");
        esc(d->out, s->journey);
        buf_printf(d->out, ": %lld responses</h3>\n", (long long)s->responses);
        for (size_t j = 0; j < s->nq; j++)
            question_chart(d, s, &s->q[j]);
    }
    buf_puts(d->out, "</section>\n");
}

void section_activities(doc_t *d, report_t *r)
{
    buf_puts(d->out, "<section>\n<h2>Activities</h2>\n");
    sort_buckets(r->activities.b, r->activities.len, by_count_desc);
    hbar_t *rows = calloc(r->activities.len ? r->activities.len : 1, sizeof *rows);
    if (!rows) {
        d->out->oom = true;
        return;
    }
    for (size_t i = 0; i < r->activities.len; i++) {
        const bucket_t *b = &r->activities.b[i];
        rows[i].label = b->key;
        rows[i].value = b->total;
        snprintf(rows[i].extra, sizeof rows[i].extra, "%lld sign-ups, %lld interested",
                 (long long)b->n[0], (long long)b->n[1]);
    }
    hbar_chart(d, "Sign-ups and interest per activity", "Activities: sign-ups and interest", rows,
               r->activities.len, 0, "No activity sign-ups in this period.");
    free(rows);
    buf_puts(d->out, "</section>\n");
}

void section_quality(doc_t *d, report_t *r)
{
    buf_t *o = d->out;
    buf_puts(o, "<section>\n<h2>Data quality</h2>\n");
    buf_printf(o,
               "<p>%lld quick-rating presses were flagged as misuse: pressed sooner than the "
               "content pack's interval after the one before (HappyOrNot's practice). They are "
               "kept, not dropped.</p>\n",
               (long long)r->quick_misuse);
    if (r->misuse.len) {
        span_t span;
        int64_t *starts = NULL;
        char(*labels)[24] = NULL;
        const size_t n = time_buckets(r->first_day, r->last_day, &span, &starts, &labels);
        int64_t *v = calloc(n ? n : 1, sizeof *v);
        if (!v || !n) {
            o->oom = true;
        } else {
            for (size_t i = 0; i < r->misuse.len; i++)
                v[bucket_of(starts, n, r->misuse.b[i].num)] += r->misuse.b[i].total;
            char heading[64];
            snprintf(heading, sizeof heading, "Misuse-flagged presses by %s", span_name(span));
            static const char *const one[] = {"presses"};
            static const char *const bar[] = {"#8c510a"};
            vchart_t c = {heading, heading, "flagged presses", n, 1, labels, v, one, bar};
            vbar_chart(d, &c, "No presses were flagged as misuse.");
        }
        free(v);
        free(starts);
        free(labels);
    }
    buf_printf(o,
               "<p>%lld records were made while the kiosk's clock was not synchronised (no network "
               "time yet, no clock battery): their dates and hours may be wrong, though they are "
               "never earlier than the kiosk's last known time.</p>\n",
               (long long)r->unsynced);
    hbar_t *rows = calloc(r->kiosks.len ? r->kiosks.len : 1, sizeof *rows);
    if (!rows) {
        o->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->kiosks.len; i++) {
        if (!r->kiosks.b[i].n[1])
            continue;
        rows[n].label = r->kiosks.b[i].key;
        rows[n].value = r->kiosks.b[i].n[1];
        snprintf(rows[n].extra, sizeof rows[n].extra, "of %lld records",
                 (long long)r->kiosks.b[i].n[0]);
        n++;
    }
    hbar_chart(d, "Records with an unsynchronised clock, by kiosk",
               "Records with an unsynchronised clock, by kiosk", rows, n, 0,
               "Every record was made with a synchronised clock.");
    free(rows);
    buf_puts(o, "</section>\n");
}
