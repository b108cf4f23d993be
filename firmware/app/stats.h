/* Measurements for tools/bench: the cost of each frame after the first, and the time from a
 * physical button's press to the frame that shows its effect. Printed as "stats ..." lines
 * at exit. Owns its arrays; stats_free() releases them. */
#ifndef KIOSK_APP_STATS_H
#define KIOSK_APP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool on; /* --stats: nothing is kept otherwise */
    int64_t *frame_us;
    size_t frames, frames_cap;
    int64_t *latency_us;
    size_t latencies, latencies_cap;
    int64_t button_at_us;   /* when the last button press was acted on, 0: none waiting */
    int64_t button_edge_ns; /* the kernel time of its edge, 0 for scripted edges */
} stats_t;

/* A frame took us microseconds (view build, draw, present). */
void stats_frame(stats_t *s, int64_t us);
/* A button press is acted on at at_us (its edge at edge_ns, 0 if scripted). */
void stats_button(stats_t *s, int64_t at_us, int64_t edge_ns);
/* A frame was done at done_us: the waiting press, if any, gets its latency. */
void stats_frame_drawn(stats_t *s, int64_t done_us);
/* Prints the "stats" lines (medians, p95, max) to standard output. */
void stats_print(stats_t *s);
/* Frees the arrays and empties s, which stays usable; s itself is the caller's, not NULL. */
void stats_free(stats_t *s);

#endif
