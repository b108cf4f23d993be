/* The view model: what is on screen, as a flat list of widgets with rectangles, texts already
 * wrapped to fit and sized in pixels, built from the flow for any screen size. The UI only
 * draws it; tests check it with fake text metrics. */
#ifndef KIOSK_VIEW_H
#define KIOSK_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/flow.h"
#include "core/ime.h"
#include "core/staff.h"

typedef struct {
    int x, y, w, h;
} rect_t;

typedef enum {
    W_PANEL,  /* a filled area: backdrop, card, bar background */
    W_LABEL,  /* text only */
    W_BUTTON, /* a touch target with text */
    W_FACE,   /* a touch target drawn as a face (level of count) with its word below */
    W_FIELD,  /* a text entry field: text, or a placeholder when empty */
    W_BAR,    /* a progress bar: fraction filled */
    W_PAD,    /* the writing pad: a box with a guide and the strokes written so far */
    W_QR      /* a QR code of qr (dark on light, with its quiet zone), drawn by the UI */
} widget_kind_t;

typedef enum {
    STYLE_PLAIN,     /* body text on the background */
    STYLE_TITLE,     /* heading text */
    STYLE_MUTED,     /* secondary text */
    STYLE_PRIMARY,   /* the main action */
    STYLE_SECONDARY, /* other actions, choices */
    STYLE_SELECTED,  /* a chosen answer */
    STYLE_KEY,       /* a keyboard key */
    STYLE_TOPBAR,    /* the bar at the top */
    STYLE_BACKDROP,  /* dims the screen behind a prompt */
    STYLE_CARD,      /* the prompt's box */
    STYLE_NOTICE,    /* a notice for staff */
    STYLE_CODE,      /* the reference code */
    STYLE_ALERT      /* out of service */
} style_t;

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } align_t;

typedef struct {
    widget_kind_t kind;
    style_t style;
    action_t action; /* ACT_NONE: not a touch target */
    int arg;
    const char *key_text; /* ACT_KEY: the text typed */
    rect_t r;             /* the whole widget, also its touch area */
    const char *text;     /* wrapped lines separated by '\n', in the view's buffer */
    rect_t tr;            /* where the text goes */
    int px;               /* font size in pixels */
    bool bold;
    align_t align;
    const char *text2; /* optional second text (description, detail) */
    rect_t tr2;
    int px2;
    int face_level, face_count; /* W_FACE: 0 = worst */
    /* NULL, or the icon drawn in ir (a name of core/icons.h) in the text's colour; points into
     * the content pack, which outlives the view. */
    const char *icon;
    rect_t ir;
    double fraction;              /* W_BAR */
    const ime_strokes_t *strokes; /* W_PAD: borrowed from the flow, valid while it lives */
    const char *qr;               /* W_QR: the text it holds, in the view's buffer */
    bool checked;                 /* a ticked checkbox choice */
    bool disabled;
    bool dimmed;   /* drawn as disabled but still pressed: a Next that explains what is missing */
    bool focused;  /* the focus ring of button navigation is here */
    bool caret;    /* W_FIELD: draw a caret after the text */
    bool overflow; /* the text did not fit even at the smallest size: a layout bug */
    bool ltr;      /* the text runs left to right even in a right-to-left view: reference
                      codes, phone numbers, digits, keyboard keys */
    const char *lang; /* NULL, or the language of text and text2 when it is not the view's (a
                         language's own name in the picker): its fonts draw them. Points into
                         the content pack, which outlives the view. */
} widget_t;

/* Measures text for layout; the UI passes the real font, tests a fake one. Borrowed by the
 * view builders for the call only; user_data is the measurer's. */
typedef struct {
    /* Width in pixels of the first len bytes of utf8 at size px. */
    int (*text_width)(void *user_data, int px, bool bold, const char *utf8, size_t len);
    /* Distance between baselines at size px. */
    int (*line_height)(void *user_data, int px, bool bold);
    void *user_data;
} text_metrics_t;

#define VIEW_MAX_WIDGETS 160
#define VIEW_TEXT_BYTES 65536

typedef struct {
    int width, height;
    widget_t w[VIEW_MAX_WIDGETS];
    size_t n;
    size_t overlay_start; /* widgets from here on belong to a prompt above the screen */
    size_t focusable;     /* number of touch targets reachable by the focus ring */
    int focus_index;      /* the focused one (FLOW_FOCUS_START resolved), or -1 */
    int min_target_px;    /* the smallest touch target's smaller side */
    bool high_contrast;   /* paint with the high-contrast palette (the resident chose it) */
    bool large_text;      /* laid out with large text (the resident chose it) */
    char lang[24];        /* the language code of the view's texts, as the pack spells it */
    bool rtl;             /* the language is written right to left: the layout is mirrored and
                             texts start from the right (except widgets marked ltr) */
    char text[VIEW_TEXT_BYTES];
    size_t text_used;
    bool text_truncated; /* the text buffer ran out (never with sane content) */
} view_t;

/* Builds the view of the flow's current state for a width x height screen. notice is a
 * staff notice shown on the home screen (NULL: none). */
void view_build(view_t *v, const flow_t *f, int width, int height, const text_metrics_t *tm,
                int64_t now_ms, const char *notice);

/* The staff screens (PIN keypad or the staff screen), in the language and display choices
 * given, in place of the residents' screens. o may be NULL: normal text and contrast, dates
 * in UTC. The core reads no clock and no time zone: the caller gives the offset. */
typedef struct {
    bool large_text, high_contrast;
    int32_t utc_offset_min; /* local time = UTC + this, for the dates staff read */
} view_options_t;
void view_build_staff(view_t *v, const staff_t *s, const content_t *c, const char *lang,
                      const view_options_t *o, int width, int height, const text_metrics_t *tm,
                      int64_t now_ms);

/* The attract screen outside opening hours (dim, calm; a touch anywhere wakes the kiosk).
 * reopens: when the centre opens again ("Monday 08:00"), or NULL. */
void view_build_attract(view_t *v, const content_t *c, const char *lang, const char *reopens,
                        int width, int height, const text_metrics_t *tm);

/* Widgets and their texts live in the view (texts may also point into the content pack, which
 * outlives it): what the functions below return is valid until the view is built again. */

/* The touch target at (x, y), honouring a prompt above the screen; NULL if none. */
const widget_t *view_hit(const view_t *v, int x, int y);

/* The focusable widget with index i (0..focusable-1), in reading order. */
const widget_t *view_focusable(const view_t *v, size_t i);

/* Whether two rectangles overlap. */
bool rect_overlaps(rect_t a, rect_t b);
bool rect_contains(rect_t outer, rect_t inner);

#endif
