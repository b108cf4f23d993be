/* Debouncing of physical buttons, from timestamped edges only: no clock, no GPIO, no JSON, so
 * every bounce train and long press can be replayed in a test (and in the gpio-sim VM). */
#include "core/buttons.h"

#include <stdio.h>
#include <string.h>

#include "core/kerr.h"

static const char *const action_names[BUTTON_ACTION_COUNT] = {
    "face", "prev", "next", "select", "back", "home", "help", "staff",
};

const char *button_action_name(button_action_t a)
{
    return (unsigned)a < BUTTON_ACTION_COUNT ? action_names[a] : "unknown";
}

/* ---- debouncing ---- */

void debouncer_init(debouncer_t *d, const pinmap_t *map, const bool *initial, int64_t now_ns)
{
    memset(d, 0, sizeof *d);
    d->n = map->n;
    d->debounce_ns = (int64_t)map->debounce_ms * 1000000;
    d->long_ns = (int64_t)map->long_press_ms * 1000000;
    d->stuck_ns = (int64_t)map->stuck_s * 1000000000;
    for (size_t i = 0; i < d->n; i++) {
        debounce_line_t *l = &d->line[i];
        l->raw = l->stable = initial ? initial[i] : false;
        l->raw_ns = l->stable_ns = now_ns;
        /* A button already held at start is not a press; it may still be stuck. */
        l->long_sent = true;
    }
}

static void emit(debouncer_t *d, size_t pin, button_event_kind_t kind, int64_t edge_ns,
                 int64_t at_ns)
{
    if (d->queued == sizeof d->queue / sizeof d->queue[0])
        return; /* cannot happen when polled after every edge batch */
    d->queue[d->queued++] = (button_event_t){pin, kind, edge_ns, at_ns};
}

/* Decides what is certain about pin at now_ns: a level that followed a bounce once it has held
 * for the debounce time, and the long press and stuck thresholds of a held button. */
static void settle(debouncer_t *d, size_t pin, int64_t now_ns)
{
    debounce_line_t *l = &d->line[pin];
    if (l->raw != l->stable && now_ns - l->raw_ns >= d->debounce_ns) {
        if (l->stable && !l->long_sent && l->raw_ns - l->stable_ns >= d->long_ns) {
            /* Released after the long-press time, before anyone asked: still a long press. */
            emit(d, pin, BTN_LONG, l->stable_ns, l->stable_ns + d->long_ns);
        }
        l->stable = l->raw;
        l->stable_ns = l->raw_ns;
        emit(d, pin, l->stable ? BTN_PRESS : BTN_RELEASE, l->raw_ns, l->raw_ns + d->debounce_ns);
        if (l->stable)
            l->long_sent = l->stuck_sent = false;
    }
    if (!l->stable)
        return;
    /* Held: a release that began before a threshold (and may yet be confirmed) holds it. */
    bool held_until_now = l->raw == l->stable;
    int64_t long_at = l->stable_ns + d->long_ns;
    if (!l->long_sent && now_ns >= long_at && (held_until_now || l->raw_ns > long_at)) {
        l->long_sent = true;
        emit(d, pin, BTN_LONG, l->stable_ns, long_at);
    }
    int64_t stuck_at = l->stable_ns + d->stuck_ns;
    if (!l->stuck_sent && now_ns >= stuck_at && (held_until_now || l->raw_ns > stuck_at)) {
        l->stuck_sent = true;
        emit(d, pin, BTN_STUCK, l->stable_ns, stuck_at);
    }
}

void debouncer_edge(debouncer_t *d, size_t pin, bool pressed, int64_t ts_ns)
{
    if (pin >= d->n)
        return;
    debounce_line_t *l = &d->line[pin];
    settle(d, pin, ts_ns);
    if (pressed == l->raw)
        return;
    /* Quiet: no edge for the debounce time before this one (or none since the start, whose
     * level lasted an unknown time). settle() has then made the line's level certain. */
    bool quiet = !l->edged || ts_ns - l->raw_ns >= d->debounce_ns;
    if (!quiet)
        l->bounces++; /* the previous level did not last */
    l->edged = true;
    l->raw = pressed;
    l->raw_ns = ts_ns;
    if (!quiet || pressed == l->stable)
        return;
    /* The first edge out of a quiet line is the press (or release) itself: acted on at its
     * own time. Edges within the debounce time after it are its bounce, and only a level
     * that then holds for the debounce time counts (settle). */
    l->stable = pressed;
    l->stable_ns = ts_ns;
    emit(d, pin, pressed ? BTN_PRESS : BTN_RELEASE, ts_ns, ts_ns);
    if (pressed)
        l->long_sent = l->stuck_sent = false;
}

size_t debouncer_poll(debouncer_t *d, int64_t now_ns, button_event_t *out, size_t max)
{
    for (size_t i = 0; i < d->n; i++)
        settle(d, i, now_ns);
    /* Oldest first across pins (insertion sort: a handful of events). */
    for (size_t i = 1; i < d->queued; i++) {
        button_event_t e = d->queue[i];
        size_t k = i;
        while (k > 0 && d->queue[k - 1].at_ns > e.at_ns) {
            d->queue[k] = d->queue[k - 1];
            k--;
        }
        d->queue[k] = e;
    }
    size_t n = d->queued < max ? d->queued : max;
    memcpy(out, d->queue, n * sizeof *out);
    memmove(d->queue, d->queue + n, (d->queued - n) * sizeof *d->queue);
    d->queued -= n;
    return n;
}

int64_t debouncer_next_deadline(const debouncer_t *d)
{
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < d->n; i++) {
        const debounce_line_t *l = &d->line[i];
        int64_t t = INT64_MAX;
        if (l->raw != l->stable)
            t = l->raw_ns + d->debounce_ns;
        else if (l->stable && !l->long_sent)
            t = l->stable_ns + d->long_ns;
        else if (l->stable && !l->stuck_sent)
            t = l->stable_ns + d->stuck_ns;
        if (t < next)
            next = t;
    }
    return next;
}
