/* A fake of the libgpiod v1 functions the GPIO backend uses, for machines without GPIO:
 * chips and lines are declared by the test, edges are written to a pipe per requested line,
 * and every request's configuration is kept for the test to check. */
#ifndef KIOSK_FAKE_GPIOD_H
#define KIOSK_FAKE_GPIOD_H

#include <gpiod.h>
#include <stdbool.h>
#include <stdint.h>

void fake_gpiod_reset(void);
/* Declares chip number n ("gpiochip<n>") with a label and line names (NULL: unnamed). */
void fake_gpiod_add_chip(int n, const char *label, unsigned int nlines, const char *const *names);
/* Opening chip n fails with this errno (EACCES: no permission). */
void fake_gpiod_fail_open(int n, int err);
/* The line is held by another program: requests fail with EBUSY. */
void fake_gpiod_set_busy(int n, unsigned int offset);
/* The line's logical level (what gpiod_line_get_value returns). */
void fake_gpiod_set_level(int n, unsigned int offset, int level);
/* Queues an edge on a requested line; false when the line is not requested. */
bool fake_gpiod_edge(int n, unsigned int offset, bool rising, int64_t ts_ns);
/* The configuration of the line's current request, or NULL. */
const struct gpiod_line_request_config *fake_gpiod_request(int n, unsigned int offset);
/* Chips open and lines requested right now (both 0 after a clean close). */
int fake_gpiod_open_chips(void);
int fake_gpiod_requested_lines(void);

#endif
