/* Measurements for tools/bench (see stats.h). */
#include "app/stats.h"

#include <stdio.h>
#include <stdlib.h>

/* Appends v to a growing array; a failed allocation drops the sample. */
static void push(int64_t **arr, size_t *n, size_t *cap, size_t first_cap, int64_t v)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : first_cap;
        int64_t *p = realloc(*arr, c * sizeof *p);
        if (!p)
            return;
        *arr = p;
        *cap = c;
    }
    (*arr)[(*n)++] = v;
}

void stats_frame(stats_t *s, int64_t us)
{
    if (s->on)
        push(&s->frame_us, &s->frames, &s->frames_cap, 256, us);
}

void stats_button(stats_t *s, int64_t at_us, int64_t edge_ns)
{
    s->button_at_us = at_us;
    s->button_edge_ns = edge_ns;
}

void stats_frame_drawn(stats_t *s, int64_t done_us)
{
    if (!s->button_at_us || !s->on)
        return;
    /* From the kernel's timestamp of the edge (debounce included); scripted edges live in
     * virtual time: from the moment the press was certain, less the virtual time the
     * debouncer waited for it (see router_button). */
    int64_t lat =
        s->button_edge_ns ? done_us - s->button_edge_ns / 1000 : done_us - s->button_at_us;
    s->button_at_us = 0;
    push(&s->latency_us, &s->latencies, &s->latencies_cap, 64, lat);
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

void stats_print(stats_t *s)
{
    if (!s->on || s->frames == 0)
        return;
    qsort(s->frame_us, s->frames, sizeof *s->frame_us, cmp_i64);
    printf("stats frames=%zu median_us=%lld p95_us=%lld max_us=%lld\n", s->frames,
           (long long)s->frame_us[s->frames / 2], (long long)s->frame_us[s->frames * 95 / 100],
           (long long)s->frame_us[s->frames - 1]);
    if (s->latencies) {
        qsort(s->latency_us, s->latencies, sizeof *s->latency_us, cmp_i64);
        printf("stats buttons=%zu to_frame_median_us=%lld p95_us=%lld max_us=%lld\n", s->latencies,
               (long long)s->latency_us[s->latencies / 2],
               (long long)s->latency_us[s->latencies * 95 / 100],
               (long long)s->latency_us[s->latencies - 1]);
    }
    fflush(stdout);
}

void stats_free(stats_t *s)
{
    free(s->frame_us);
    free(s->latency_us);
    s->frame_us = s->latency_us = NULL;
    s->frames = s->frames_cap = s->latencies = s->latencies_cap = 0;
}
