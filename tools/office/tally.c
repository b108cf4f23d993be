/* The report command's counting: one pass over the archive fills a report_t. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/civil.h"
#include "report.h"

bucket_t *tally_get(tally_t *t, const char *key, bool *oom)
{
    if (t->last < t->len && strcmp(t->b[t->last].key, key) == 0)
        return &t->b[t->last];
    for (size_t i = 0; i < t->len; i++)
        if (strcmp(t->b[i].key, key) == 0)
            return &t->b[t->last = i];
    bucket_t *nb = array_push(&t->b, t->len, &t->cap, sizeof *nb, 16);
    if (!nb || !(nb->key = strdup(key))) {
        *oom = true;
        return NULL;
    }
    t->last = t->len++;
    return nb;
}

/* qsort() of n buckets; an empty tally may have no array at all (qsort(NULL, 0) is undefined). */
void sort_buckets(bucket_t *b, size_t n, int (*cmp)(const void *, const void *))
{
    if (b && n > 1)
        qsort(b, n, sizeof *b, cmp);
}

void tally_free(tally_t *t)
{
    for (size_t i = 0; i < t->len; i++)
        free(t->b[i].key);
    free(t->b);
    memset(t, 0, sizeof *t);
}

int by_count_desc(const void *x, const void *y)
{
    const bucket_t *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->key, b->key);
}

int by_value(const void *x, const void *y)
{
    const bucket_t *a = x, *b = y;
    return a->value < b->value ? -1 : a->value > b->value;
}

int by_key(const void *x, const void *y)
{
    const bucket_t *a = x, *b = y;
    return strcmp(a->key, b->key);
}

void day_text(int64_t day, char out[16])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
}

static int64_t local_ms(const record_t *rec)
{
    return rec->time.utc_ms + (int64_t)rec->time.offset_min * 60000;
}

static const cJSON *answer(const cJSON *answers, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(answers, key);
}

/* Counts a string answer into t (one more for its key); returns the bucket or NULL. */
static bucket_t *count_str(report_t *r, tally_t *t, const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return NULL;
    bucket_t *b = tally_get(t, v->valuestring, &r->oom);
    if (b)
        b->total++;
    return b;
}

/* A code: what the kiosk stores for a choice (upper-case letters, digits, '_', '-', '.'). */
static bool is_code(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
              *s == '.'))
            return false;
    return true;
}

static survey_t *survey_get(report_t *r, const char *journey)
{
    for (size_t i = 0; i < r->nsurveys; i++)
        if (strcmp(r->surveys[i].journey, journey) == 0)
            return &r->surveys[i];
    survey_t *s = array_push(&r->surveys, r->nsurveys, &r->capsurveys, sizeof *s, 4);
    if (!s || !(s->journey = strdup(journey))) {
        r->oom = true;
        return NULL;
    }
    r->nsurveys++;
    return s;
}

static question_t *question_get(report_t *r, survey_t *s, const char *name)
{
    for (size_t i = 0; i < s->nq; i++)
        if (strcmp(s->q[i].name, name) == 0)
            return &s->q[i];
    question_t *q = array_push(&s->q, s->nq, &s->cap, sizeof *q, 8);
    if (!q || !(q->name = strdup(name))) {
        r->oom = true;
        return NULL;
    }
    s->nq++;
    return q;
}

static void count_choice(report_t *r, question_t *q, const char *key, double value)
{
    bucket_t *b = tally_get(&q->values, key, &r->oom);
    if (b) {
        b->total++;
        b->value = value;
    }
}

static void count_questionnaire(report_t *r, const record_t *rec, const cJSON *answers)
{
    survey_t *s = survey_get(r, rec->journey_id);
    if (!s)
        return;
    s->responses++;
    const cJSON *v;
    cJSON_ArrayForEach(v, answers)
    {
        question_t *q = v->string ? question_get(r, s, v->string) : NULL;
        if (!q)
            continue;
        q->answered++;
        if (cJSON_IsNumber(v)) {
            char key[32];
            snprintf(key, sizeof key, "%.15g", v->valuedouble);
            q->kinds |= V_NUMBER;
            q->sum += v->valuedouble;
            count_choice(r, q, key, v->valuedouble);
        } else if (cJSON_IsBool(v)) {
            q->kinds |= V_BOOL;
            count_choice(r, q, cJSON_IsTrue(v) ? "yes" : "no", cJSON_IsTrue(v) ? 0 : 1);
        } else if (cJSON_IsArray(v)) {
            q->kinds |= V_LIST;
            const cJSON *item;
            cJSON_ArrayForEach(item, v)
            {
                if (cJSON_IsString(item) && is_code(item->valuestring))
                    count_choice(r, q, item->valuestring, 0);
                else
                    q->kinds |= V_TEXT;
            }
        } else if (cJSON_IsString(v) && is_code(v->valuestring)) {
            q->kinds |= V_CODE;
            count_choice(r, q, v->valuestring, 0);
        } else {
            q->kinds |= V_TEXT; /* free text: counted, never shown */
        }
    }
}

/* A day's bucket of t (key: the day's text), one more in it and in series n[series]. */
static void count_day(report_t *r, tally_t *t, int64_t day, int series)
{
    char dkey[16];
    day_text(day, dkey);
    bucket_t *b = tally_get(t, dkey, &r->oom);
    if (b) {
        b->num = day;
        b->total++;
        b->n[series]++;
    }
}

/* What every record adds: the totals, the period, its kiosk, its language. */
static void count_common(report_t *r, const record_t *rec, int64_t lms)
{
    const int64_t day = civil_floor_div(lms, 86400000);
    r->total++;
    r->per_kind[rec->kind]++;
    if (!r->any || day < r->first_day)
        r->first_day = day;
    if (!r->any || day > r->last_day)
        r->last_day = day;
    r->any = true;
    bucket_t *k = tally_get(&r->kiosks, rec->kiosk_id, &r->oom);
    if (k) {
        if (!k->total || lms < k->first_ms)
            k->first_ms = lms;
        if (!k->total || lms > k->last_ms)
            k->last_ms = lms;
        k->total++;
        k->n[0]++;
        if (!rec->time.clock_synced)
            k->n[1]++;
    }
    if (!rec->time.clock_synced)
        r->unsynced++;
    bucket_t *l = tally_get(&r->langs, rec->lang[0] ? rec->lang : "(none)", &r->oom);
    if (l)
        l->total++;
}

/* A quick rating: misuse-flagged presses apart; a face by day and by hour; the follow-up. */
static void count_quick(report_t *r, const record_t *rec, int64_t lms, const cJSON *answers)
{
    const int64_t day = civil_floor_div(lms, 86400000);
    r->quick++;
    if (rec->misuse) {
        r->quick_misuse++;
        count_day(r, &r->misuse, day, 0);
        return;
    }
    const cJSON *face = answer(answers, "rating");
    const double fv = cJSON_IsNumber(face) ? face->valuedouble : 0;
    if (fv < 1 || fv > MAX_FACE || fv != (double)(int)fv) {
        r->quick_other++;
        return;
    }
    const int f = (int)fv;
    if (f > r->max_face)
        r->max_face = f;
    r->quick_sum += f;
    count_day(r, &r->days, day, f);
    const int64_t hour = civil_floor_div(lms, 3600000) - day * 24;
    r->hours[hour][f]++;
    count_str(r, &r->about, answer(answers, "about"));
}

static void count_feedback(report_t *r, const cJSON *answers)
{
    bucket_t *b = count_str(r, &r->topics, answer(answers, "topic"));
    const cJSON *rating = answer(answers, "rating");
    if (b && cJSON_IsNumber(rating)) {
        b->sum += rating->valuedouble;
        b->sum_n++;
    }
}

static void count_activity(report_t *r, const cJSON *answers)
{
    const cJSON *act = answer(answers, "activity"), *action = answer(answers, "action");
    bucket_t *b = count_str(r, &r->activities, act);
    if (b && cJSON_IsString(action))
        b->n[strcmp(action->valuestring, "SIGNUP") == 0 ? 0 : 1]++;
}

int report_count(const record_t *rec, const archive_row_t *row, void *ud)
{
    (void)row;
    report_t *r = ud;
    cJSON *answers = cJSON_Parse(rec->answers_json);
    if (!answers) {
        r->oom = true;
        return 1;
    }
    const int64_t lms = local_ms(rec);
    count_common(r, rec, lms);
    switch (rec->kind) {
    case RECORD_QUICK_RATING:
        count_quick(r, rec, lms, answers);
        break;
    case RECORD_FEEDBACK:
        count_feedback(r, answers);
        break;
    case RECORD_SERVICE_REQUEST:
        count_str(r, &r->services, answer(answers, "service"));
        count_str(r, &r->urgency, answer(answers, "urgency"));
        count_str(r, &r->for_whom, answer(answers, "forWhom"));
        break;
    case RECORD_QUESTIONNAIRE:
        count_questionnaire(r, rec, answers);
        break;
    case RECORD_ACTIVITY:
        count_activity(r, answers);
        break;
    case RECORD_KIND_COUNT:
        break;
    }
    cJSON_Delete(answers);
    return r->oom ? 1 : 0;
}

void report_free(report_t *r)
{
    tally_free(&r->kiosks);
    tally_free(&r->langs);
    tally_free(&r->days);
    tally_free(&r->misuse);
    tally_free(&r->about);
    tally_free(&r->topics);
    tally_free(&r->services);
    tally_free(&r->urgency);
    tally_free(&r->for_whom);
    tally_free(&r->activities);
    for (size_t i = 0; i < r->nsurveys; i++) {
        for (size_t j = 0; j < r->surveys[i].nq; j++) {
            free(r->surveys[i].q[j].name);
            tally_free(&r->surveys[i].q[j].values);
        }
        free(r->surveys[i].q);
        free(r->surveys[i].journey);
    }
    free(r->surveys);
}
