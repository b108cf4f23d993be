/* Absolute pointers (a touch monitor that presents itself as a USB "tablet": ABS_X/ABS_Y and a
 * left button, no BTN_TOUCH, no multitouch; QEMU's usb-tablet is one) read from evdev for the
 * video drivers that take input from evdev (kmsdrm). SDL 2.26 passes such a device's raw
 * ABS_X/ABS_Y to the mouse without scaling them to the screen (SDL_evdev.c: "FIXME: Normalize
 * to input device's reported input range"), so every tap lands in the screen's bottom right
 * corner. Here the axes are scaled by the ranges the device reports, and a press, a move with
 * the button held and a release come out as fractions of the panel. No SDL: the SDL edge
 * (input.c) turns them into touches. */
#ifndef KIOSK_UI_ABS_POINTER_H
#define KIOSK_UI_ABS_POINTER_H

#include <linux/input.h>
#include <stdbool.h>

typedef struct {
    int min_x, max_x, min_y, max_y; /* the device's ranges (EVIOCGABS) */
    int x, y;                       /* the last position reported */
    bool down;                      /* the button is held */
    bool moved, pressed, released;  /* since the last SYN_REPORT */
    bool dropped;                   /* SYN_DROPPED: events lost until the next SYN_REPORT */
} abs_pointer_t;

typedef enum {
    ABS_PTR_NONE,
    ABS_PTR_PRESS,
    ABS_PTR_MOTION, /* with the button held */
    ABS_PTR_RELEASE,
} abs_ptr_kind_t;

/* Bit sets as EVIOCGBIT fills them (EV_KEY, EV_ABS, EV_REL). */
#define ABS_PTR_BITS(n) (((n) + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long)))
typedef struct {
    unsigned long key[ABS_PTR_BITS(KEY_CNT)];
    unsigned long abs[ABS_PTR_BITS(ABS_CNT)];
    unsigned long rel[ABS_PTR_BITS(REL_CNT)];
} abs_ptr_caps_t;

/* Whether a device with these capabilities is an absolute pointer SDL leaves unscaled: X and Y
 * axes, a left button, and none of a touchscreen's BTN_TOUCH, multitouch axes or a mouse's
 * relative axes (SDL handles those). */
bool abs_pointer_is_one(const abs_ptr_caps_t *caps);

/* Reads fd's capabilities and ranges into *p when it is an absolute pointer with usable ranges;
 * false otherwise (p untouched). Keeps nothing of fd. */
bool abs_pointer_probe(int fd, abs_pointer_t *p);

typedef struct {
    abs_ptr_kind_t kind;
    float fx, fy; /* the position as fractions of the device's range, 0..1 (clamped) */
} abs_ptr_event_t;

/* Feeds one event. At a SYN_REPORT, writes what the report ended into out (at most two: a
 * press and its release can share one report) and returns how many: a press, a move with the
 * button held, a release. A press that also moved is one press at the new place. Reports that
 * were cut short (SYN_DROPPED) are left out whole. */
int abs_pointer_feed(abs_pointer_t *p, const struct input_event *e, abs_ptr_event_t out[2]);

#endif
