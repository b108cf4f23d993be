/* Pin map parsing and debouncing of physical buttons, from timestamped edges only: no clock,
 * no GPIO, so every bounce train and long press can be replayed in a test. */
#include "core/buttons.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
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

/* ---- pin map ---- */

__attribute__((format(printf, 3, 4))) static int perr(content_error_t *err, const char *path,
                                                      const char *fmt, ...)
{
    snprintf(err->path, sizeof err->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
    return KIOSK_EINVAL;
}

static int get_ms(const cJSON *obj, const char *name, int lo, int hi, int *out,
                  content_error_t *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return KIOSK_OK;
    char path[64];
    snprintf(path, sizeof path, "$.%s", name);
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble || v->valueint < lo ||
        v->valueint > hi) {
        char range[64];
        snprintf(range, sizeof range, "%d..%d", lo, hi);
        return perr(err, path, "expected an integer in %s", range);
    }
    *out = v->valueint;
    return KIOSK_OK;
}

static int parse_pin(const cJSON *p, const char *default_chip, pin_t *pin, const char *path,
                     content_error_t *err)
{
    char at[128];
    if (!cJSON_IsObject(p))
        return perr(err, path, "expected a pin object");
    const cJSON *action = cJSON_GetObjectItemCaseSensitive(p, "action");
    snprintf(at, sizeof at, "%s.action", path);
    if (!cJSON_IsString(action))
        return perr(err, at, "missing action (face, prev, next, select, back, home, help, staff)");
    int a;
    for (a = 0; a < BUTTON_ACTION_COUNT; a++)
        if (strcmp(action->valuestring, action_names[a]) == 0)
            break;
    if (a == BUTTON_ACTION_COUNT)
        return perr(err, at, "unknown action '%s'", action->valuestring);
    pin->action = (button_action_t)a;
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(p, "index");
    if (pin->action == BUTTON_FACE) {
        snprintf(at, sizeof at, "%s.index", path);
        if (!cJSON_IsNumber(index) || index->valueint < 0 || index->valueint > 4)
            return perr(err, at, "a face needs an index 0..4 (0 = worst)");
        pin->index = index->valueint;
    }
    const cJSON *chip = cJSON_GetObjectItemCaseSensitive(p, "chip");
    const char *c = cJSON_IsString(chip) ? chip->valuestring : default_chip;
    snprintf(at, sizeof at, "%s.chip", path);
    if (!c || !*c || strlen(c) >= sizeof pin->chip)
        return perr(err, at, "missing chip (name, path, label or \"auto\", up to 63 bytes)");
    snprintf(pin->chip, sizeof pin->chip, "%s", c);
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(p, "line");
    snprintf(at, sizeof at, "%s.line", path);
    if (cJSON_IsString(line) && line->valuestring[0] &&
        strlen(line->valuestring) < sizeof pin->line_name) {
        snprintf(pin->line_name, sizeof pin->line_name, "%s", line->valuestring);
        pin->offset = -1;
    } else if (cJSON_IsNumber(line) && line->valueint >= 0 && line->valueint < 1024 &&
               line->valuedouble == (double)line->valueint) {
        pin->offset = line->valueint;
    } else {
        return perr(err, at, "expected a line offset (0..1023) or a line name");
    }
    if (strcmp(pin->chip, "auto") == 0 && !pin->line_name[0])
        return perr(err, at, "with chip \"auto\" a line is found by its name, not an offset");
    const cJSON *low = cJSON_GetObjectItemCaseSensitive(p, "activeLow");
    snprintf(at, sizeof at, "%s.activeLow", path);
    if (low && !cJSON_IsBool(low))
        return perr(err, at, "expected true or false");
    pin->active_low = low ? cJSON_IsTrue(low) : true; /* buttons to ground are the norm */
    const cJSON *bias = cJSON_GetObjectItemCaseSensitive(p, "bias");
    snprintf(at, sizeof at, "%s.bias", path);
    pin->bias = pin->active_low ? BIAS_PULL_UP : BIAS_PULL_DOWN;
    if (bias) {
        static const char *const names[] = {"as-is", "none", "pull-up", "pull-down"};
        int b;
        for (b = 0; b < 4; b++)
            if (cJSON_IsString(bias) && strcmp(bias->valuestring, names[b]) == 0)
                break;
        if (b == 4)
            return perr(err, at, "bias must be as-is, none, pull-up or pull-down");
        pin->bias = (button_bias_t)b;
    }
    return KIOSK_OK;
}

static bool same_line(const pin_t *a, const pin_t *b)
{
    if (strcmp(a->chip, b->chip) != 0)
        return false;
    if (a->line_name[0] || b->line_name[0])
        return strcmp(a->line_name, b->line_name) == 0;
    return a->offset == b->offset;
}

int pinmap_parse(const char *json, size_t len, const char *filename, pinmap_t *map,
                 content_error_t *err)
{
    memset(map, 0, sizeof *map);
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", filename ? filename : "(pin map)");
    map->debounce_ms = 30;
    map->long_press_ms = 3000;
    map->stuck_s = 120;
    cJSON *root = cJSON_ParseWithLength(json, len);
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(root)) {
        rc = perr(err, "$", "expected a JSON object with \"pins\"");
        goto out;
    }
    if ((rc = get_ms(root, "debounceMs", 1, 1000, &map->debounce_ms, err)) ||
        (rc = get_ms(root, "longPressMs", 200, 60000, &map->long_press_ms, err)) ||
        (rc = get_ms(root, "stuckSeconds", 5, 86400, &map->stuck_s, err)))
        goto out;
    const cJSON *chip = cJSON_GetObjectItemCaseSensitive(root, "chip");
    const cJSON *pins = cJSON_GetObjectItemCaseSensitive(root, "pins");
    if (!cJSON_IsArray(pins)) {
        rc = perr(err, "$.pins", "expected an array of pins");
        goto out;
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, pins)
    {
        char path[64];
        snprintf(path, sizeof path, "$.pins[%zu]", map->n);
        if (map->n == PINMAP_MAX_PINS) {
            rc = perr(err, path, "more than 16 pins");
            goto out;
        }
        pin_t *pin = &map->pins[map->n];
        if ((rc = parse_pin(p, cJSON_IsString(chip) ? chip->valuestring : NULL, pin, path, err)))
            goto out;
        for (size_t k = 0; k < map->n; k++) {
            const pin_t *o = &map->pins[k];
            if (same_line(o, pin)) {
                rc = perr(err, path, "line already used by $.pins[%zu]", k);
                goto out;
            }
            if (o->action == pin->action &&
                (pin->action != BUTTON_FACE || o->index == pin->index)) {
                rc = perr(err, path, "a second '%s' button", button_action_name(pin->action));
                goto out;
            }
        }
        map->n++;
    }
out:
    cJSON_Delete(root);
    if (rc)
        map->n = 0;
    return rc;
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

/* Decides what is certain about pin at now_ns. */
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
    if (ts_ns - l->raw_ns < d->debounce_ns)
        l->bounces++; /* the previous level did not last */
    l->raw = pressed;
    l->raw_ns = ts_ns;
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
