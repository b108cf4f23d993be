/* The icons the kiosk ships (assets/icons/NAME.svg, installed to /usr/share/kiosk/icons), by
 * name, so that a content pack naming one is checked when it is loaded, not when it is drawn.
 * Pure: a list of names; the UI edge reads and draws the files. */
#ifndef KIOSK_ICONS_H
#define KIOSK_ICONS_H

#include <stdbool.h>
#include <stddef.h>

/* The names, NULL-terminated; static storage (valid for ever). The faces (face-0 to face-4)
 * are not among them: the UI picks them by level. */
extern const char *const icon_names[];

/* Whether name is one of icon_names. */
bool icon_known(const char *name);

/* The names joined by ", " into out (len bytes, NUL-terminated, cut short if it must), for
 * messages. out is the caller's. */
void icon_names_join(char *out, size_t len);

#endif
