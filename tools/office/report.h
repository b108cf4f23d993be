/* The report command's insides: counting the archive (tally.c), drawing SVG charts
 * (charts.c) and writing the report's sections (sections.c, report.c). Internal to the staff
 * tool. Every string a bucket, survey or question holds is malloc'd and owned by its
 * report_t until report_free(); chart functions borrow what they are given for the call. */
#ifndef KIOSK_OFFICE_REPORT_H
#define KIOSK_OFFICE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "office.h"
#include "store/archive.h"

#define MAX_FACE 10 /* quick-rating faces counted: values 1..MAX_FACE */

/* One counted value: a key and counts per series. */
typedef struct {
    char *key;
    int64_t num;             /* numeric key (a day number) when the tally has one */
    double value;            /* a number answer's value */
    int64_t n[MAX_FACE + 1]; /* per series (faces 1..MAX_FACE; other tallies use n[0..1]) */
    int64_t total;
    double sum; /* for an average (e.g. feedback ratings per topic) */
    int64_t sum_n;
    int64_t first_ms, last_ms; /* local time, for kiosks */
} bucket_t;

typedef struct {
    bucket_t *b;
    size_t len, cap;
    size_t last; /* the bucket found last: consecutive records often share a key */
} tally_t;

/* The bucket with key in t, added (a copy of key, counts zero) when new; NULL and *oom set
 * when out of memory. Valid until the next tally_get() on t. */
bucket_t *tally_get(tally_t *t, const char *key, bool *oom);
/* qsort() of n buckets; an empty tally may have no array at all. */
void sort_buckets(bucket_t *b, size_t n, int (*cmp)(const void *, const void *));
/* Frees every key and the array; t is empty and reusable (t itself not NULL). */
void tally_free(tally_t *t);
/* Orders for sort_buckets(): by total, most first (then by key); by value; by key. */
int by_count_desc(const void *x, const void *y);
int by_value(const void *x, const void *y);
int by_key(const void *x, const void *y);
/* What kinds of value one questionnaire question received. */
enum { V_CODE = 1, V_TEXT = 2, V_NUMBER = 4, V_BOOL = 8, V_LIST = 16 };

typedef struct {
    char *name;
    tally_t values;
    int64_t answered;
    unsigned kinds;
    double sum;
} question_t;

typedef struct {
    char *journey;
    int64_t responses;
    question_t *q;
    size_t nq, cap;
} survey_t;

typedef struct {
    int64_t total, per_kind[RECORD_KIND_COUNT];
    bool any;
    int64_t first_day, last_day; /* local day numbers */
    tally_t kiosks;              /* n[0] records, n[1] unsynchronised */
    tally_t langs;
    tally_t days;   /* quick ratings per local day, by face (misuse-flagged left out) */
    tally_t misuse; /* misuse-flagged presses per local day */
    int64_t hours[24][MAX_FACE + 1];
    int max_face;
    int64_t quick, quick_misuse, quick_other, quick_sum;
    tally_t about;  /* the quick rating's follow-up */
    tally_t topics; /* feedback topics; sum: their ratings */
    tally_t services, urgency, for_whom;
    tally_t activities; /* n[0] sign-ups, n[1] interested */
    survey_t *surveys;
    size_t nsurveys, capsurveys;
    int64_t unsynced;
    bool oom;
} report_t;

/* An archive_foreach() callback: counts one record into the report_t ud. */
int report_count(const record_t *rec, const archive_row_t *row, void *ud);
/* Frees what r holds (its tallies and surveys), not r itself, which must not be NULL. */
void report_free(report_t *r);
/* "YYYY-MM-DD" of a day number. */
void day_text(int64_t day, char out[16]);

/* ---- drawing ---- */

#define SVG_W 960
#define INK "#1a1a1a"
#define INK_SOFT "#4a4a4a"
#define GRID "#d0d0d0"
#define BAR "#2f5f8a" /* 6.6:1 on white */

/* The document being written: out is borrowed from the caller for the report's writing. */
typedef struct {
    buf_t *out;
    int next_id;
} doc_t;

/* HTML-escapes text from the data (made clean UTF-8 on one line first). */
void esc(buf_t *out, const char *s);
/* A label for a chart: at most max_cp code points, "…" when cut. */
void short_label(buf_t *out, const char *s, size_t max_cp);
/* A paragraph saying there is nothing to show. */
void no_data(doc_t *d, const char *what);

/* One row of a horizontal bar chart. */
typedef struct {
    const char *label;
    int64_t value;
    char extra[64]; /* after the count, e.g. "avg 3.1" */
} hbar_t;

/* Horizontal bars with their label on the left and the count (and share of base, or of the
 * sum of the rows when base is 0) on the right. */
void hbar_chart(doc_t *d, const char *heading, const char *title, const hbar_t *rows, size_t n,
                int64_t base, const char *empty);
/* hbar_chart() of a tally, sorted by count (or kept in the tally's order). */
void tally_chart(doc_t *d, const char *heading, const char *title, tally_t *t, bool sort,
                 int64_t base, const char *empty);

/* A vertical (stacked) bar chart: ncat categories, nser series, v[cat * nser + ser]. */
typedef struct {
    const char *heading, *title, *what; /* what: "ratings", for the description */
    size_t ncat, nser;
    char (*cats)[24];
    const int64_t *v;
    const char *const *ser_names;
    const char *const *colors;
} vchart_t;

/* A vertical (stacked) bar chart with a grid, its totals, and a legend for several series. */
void vbar_chart(doc_t *d, const vchart_t *c, const char *empty);

/* ---- the report's sections ---- */

void section_quick(doc_t *d, report_t *r);
void section_requests(doc_t *d, report_t *r);
void section_surveys(doc_t *d, report_t *r);
void section_activities(doc_t *d, report_t *r);
void section_quality(doc_t *d, report_t *r);

#endif
