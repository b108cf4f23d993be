/* The colours of the interface, in one place, so that their contrast can be tested (WCAG 2:
 * text at least 4.5:1 against what it sits on, the focus ring and the fill or edge of every
 * control at least 3:1 against the ground; in the high-contrast palette a resident can switch
 * on, text at least 7:1). The UI edge only paints with these. */
#ifndef KIOSK_THEME_H
#define KIOSK_THEME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/view.h"

typedef struct {
    uint8_t r, g, b, a;
} rgba_t;

typedef struct {
    rgba_t fill, border, text;
} paint_t;

/* Colours that are not a widget's paint. */
typedef enum {
    COLOR_BACKGROUND,
    COLOR_TEXT,
    COLOR_MUTED,
    COLOR_PRIMARY,
    COLOR_ON_PRIMARY,
    COLOR_FIELD,     /* a text field's inside */
    COLOR_BAR_TRACK, /* the empty part of a progress bar */
    COLOR_DISABLED_TEXT,
    COLOR_FOCUS_INNER, /* the focus ring: a bright band inside... */
    COLOR_FOCUS_OUTER, /* ...and a dark one outside, so one of them shows on any fill */
    COLOR_FACE_DARK,   /* eyes and mouths of the faces */
    COLOR_STRIPE,      /* a key-styled panel: the stripes of the staff tables (not a control) */
    COLOR_COUNT
} color_t;

/* How a widget of this style is painted. The UI draws an edge in border wherever border
 * differs from fill (buttons, cards, codes; not the plain panels of the staff tables).
 * Disabled widgets are painted by the UI with COLOR_BAR_TRACK and COLOR_DISABLED_TEXT (WCAG
 * exempts inactive controls). */
paint_t theme_paint(style_t style, bool high_contrast);
rgba_t theme_color(color_t c, bool high_contrast);

/* The WCAG 2 contrast ratio of two opaque colours (1 to 21). */
double theme_contrast(rgba_t a, rgba_t b);

#endif
