/* Absolute pointers from evdev, scaled to the panel (see abs_pointer.h). */
#include "ui/abs_pointer.h"

#include <string.h>
#include <sys/ioctl.h>

static bool has(const unsigned long *bits, unsigned bit)
{
    size_t per = 8 * sizeof(unsigned long);
    return (bits[bit / per] >> (bit % per)) & 1UL;
}

bool abs_pointer_is_one(const abs_ptr_caps_t *caps)
{
    return has(caps->abs, ABS_X) && has(caps->abs, ABS_Y) && has(caps->key, BTN_LEFT) &&
           !has(caps->key, BTN_TOUCH) && !has(caps->abs, ABS_MT_POSITION_X) &&
           !has(caps->rel, REL_X) && !has(caps->rel, REL_Y);
}

bool abs_pointer_probe(int fd, abs_pointer_t *p)
{
    abs_ptr_caps_t caps;
    memset(&caps, 0, sizeof caps);
    struct input_absinfo ax, ay;
    if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof caps.key), caps.key) < 0 ||
        ioctl(fd, EVIOCGBIT(EV_ABS, sizeof caps.abs), caps.abs) < 0)
        return false;
    (void)ioctl(fd, EVIOCGBIT(EV_REL, sizeof caps.rel), caps.rel); /* none: no relative axes */
    if (!abs_pointer_is_one(&caps) || ioctl(fd, EVIOCGABS(ABS_X), &ax) < 0 ||
        ioctl(fd, EVIOCGABS(ABS_Y), &ay) < 0 || ax.maximum <= ax.minimum ||
        ay.maximum <= ay.minimum)
        return false;
    *p = (abs_pointer_t){.min_x = ax.minimum,
                         .max_x = ax.maximum,
                         .min_y = ay.minimum,
                         .max_y = ay.maximum,
                         .x = ax.value,
                         .y = ay.value};
    return true;
}

static float fraction(int v, int lo, int hi)
{
    float f = (float)(v - lo) / (float)(hi - lo);
    return f < 0.0f ? 0.0f : f > 1.0f ? 1.0f : f;
}

int abs_pointer_feed(abs_pointer_t *p, const struct input_event *e, abs_ptr_event_t out[2])
{
    if (e->type == EV_SYN && e->code == SYN_DROPPED) {
        p->dropped = true; /* the rest of this report is lost: wait for the next one */
        return 0;
    }
    if (p->dropped) {
        if (e->type == EV_SYN && e->code == SYN_REPORT)
            p->dropped = p->moved = p->pressed = p->released = false;
        return 0;
    }
    if (e->type == EV_ABS && (e->code == ABS_X || e->code == ABS_Y)) {
        *(e->code == ABS_X ? &p->x : &p->y) = e->value;
        p->moved = true;
    } else if (e->type == EV_KEY && e->code == BTN_LEFT && e->value != 2) {
        bool down = e->value != 0;
        if (down != p->down) {
            p->down = down;
            *(down ? &p->pressed : &p->released) = true;
        }
    }
    if (e->type != EV_SYN || e->code != SYN_REPORT)
        return 0;
    float fx = fraction(p->x, p->min_x, p->max_x), fy = fraction(p->y, p->min_y, p->max_y);
    int n = 0;
    if (p->pressed && p->released) {
        /* Both in one report: a tap (up at the end), or a release and a new press. */
        out[n++] = (abs_ptr_event_t){p->down ? ABS_PTR_RELEASE : ABS_PTR_PRESS, fx, fy};
        out[n++] = (abs_ptr_event_t){p->down ? ABS_PTR_PRESS : ABS_PTR_RELEASE, fx, fy};
    } else if (p->pressed || p->released) {
        out[n++] = (abs_ptr_event_t){p->pressed ? ABS_PTR_PRESS : ABS_PTR_RELEASE, fx, fy};
    } else if (p->moved && p->down) {
        out[n++] = (abs_ptr_event_t){ABS_PTR_MOTION, fx, fy};
    }
    p->moved = p->pressed = p->released = false;
    return n;
}
