/* Opening hours in the event loop: outside them (or when staff switch quiet mode on by hand)
 * the home screen gives way to a dark attract screen after a minute untouched. This module
 * decides when; the app draws the attract screen and dims the backlight. It keeps no pointer
 * but to the opening hours, which the caller owns and keeps for the module's life. */
#ifndef KIOSK_QUIET_H
#define KIOSK_QUIET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/content.h"
#include "core/hours.h"
#include "core/staff.h"

/* The attract screen comes this long after the last input, outside opening hours. */
#define QUIET_ATTRACT_AFTER_MS 60000

typedef struct {
    const hours_t *hours;      /* NULL or unset: always open */
    bool attract;              /* the attract screen is up (quiet, home untouched) */
    bool override;             /* staff switched quiet mode by hand ... */
    int64_t override_until_ms; /* ... until the schedule's next change (UTC) */
    int64_t last_input_ms;     /* the last touch, key or button (the loop's clock) */
} quiet_t;

/* An input at now_ms: the kiosk wakes and the attract screen's minute starts again. Returns
 * true when the attract screen went away. */
bool quiet_input(quiet_t *q, int64_t now_ms);
/* Whether the attract screen should be up at utc_ms / now_ms (idle_home: the residents' home
 * screen is up, untouched, with no prompt and no staff screens). Returns true when it
 * changed; q->attract says which way. */
bool quiet_process(quiet_t *q, int64_t utc_ms, int64_t now_ms, bool idle_home);
/* The loop's next moment to look again, INT64_MAX for never. */
int64_t quiet_deadline(const quiet_t *q, int64_t now_ms);
/* The hours page (and the attract screen's reopening time) at utc_ms, day names from c. */
void quiet_fill_hours(quiet_t *q, int64_t utc_ms, const content_t *c, const char *lang,
                      staff_hours_t *h);
/* Staff: quiet now / open now until the schedule's next change, or back to the schedule. */
void quiet_toggle(quiet_t *q, int64_t utc_ms);

#endif
