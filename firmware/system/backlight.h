/* The panel backlight: the panel's brightness through sysfs (/sys/class/backlight/<name>/
 * brightness and max_brightness), dimmed outside the opening hours and restored after. Errors
 * name the file and the errno text. */
#ifndef KIOSK_BACKLIGHT_H
#define KIOSK_BACKLIGHT_H

#include <stddef.h>

/* Reads <dir>/max_brightness and <dir>/brightness (the value last set, for restoring it). */
int backlight_get(const char *dir, int *value, int *max, char *err, size_t errlen);

/* Writes value (0..max_brightness) to <dir>/brightness: restores what backlight_get() read. */
int backlight_set(const char *dir, int value, char *err, size_t errlen);

/* Writes round(max_brightness * percent / 100), at least 1 when percent > 0 (a panel at 0 may
 * be off), to <dir>/brightness. percent: 0..100. */
int backlight_set_percent(const char *dir, int percent, char *err, size_t errlen);

/* All return KIOSK_OK or a KIOSK_E* code: KIOSK_ENOENT (no such backlight), KIOSK_EACCES (the
 * kiosk user may not write it), KIOSK_ECORRUPT (a file that does not hold a
 * number, a max_brightness of 0), KIOSK_EINVAL (a value out of range), KIOSK_EIO. */

#endif
