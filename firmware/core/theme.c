/* Two palettes. The normal one: warm off-white, near-black text, a deep blue for actions, a
 * green for chosen answers, white keys and choices inside a dark grey edge; every text colour
 * at least 4.5:1 on its fill. The high-contrast one, for residents with low vision: black
 * ground, white text, yellow actions, chosen answers inverted to white, keys and choices inside
 * a white edge; every text colour at least 7:1. In both, every control stands out from the
 * ground at 3:1 or more by its fill or its edge (WCAG 2.2 1.4.11; tests/test_theme.c). */
#include "core/theme.h"

#include <math.h>

typedef struct {
    rgba_t colors[COLOR_COUNT];
    rgba_t white, border, selected, on_selected, key, key_border, notice_bg, notice, alert_bg,
        alert, alert_border, shade, topbar, card, code;
} palette_t;

static const palette_t normal = {
    .colors =
        {
            [COLOR_BACKGROUND] = {0xf4, 0xf1, 0xea, 255},
            [COLOR_TEXT] = {0x1b, 0x1b, 0x1b, 255},
            [COLOR_MUTED] = {0x4a, 0x4a, 0x4a, 255},
            [COLOR_PRIMARY] = {0x1d, 0x4f, 0x91, 255},
            [COLOR_ON_PRIMARY] = {255, 255, 255, 255},
            [COLOR_FIELD] = {255, 255, 255, 255},
            [COLOR_BAR_TRACK] = {0xd4, 0xcf, 0xc4, 255},
            [COLOR_DISABLED_TEXT] = {0x8e, 0x8a, 0x82, 255},
            [COLOR_FOCUS_INNER] = {0xff, 0xd6, 0x00, 255},
            [COLOR_FOCUS_OUTER] = {0x00, 0x00, 0x00, 255},
            [COLOR_FACE_DARK] = {0x1b, 0x1b, 0x1b, 255},
            [COLOR_STRIPE] = {0xe4, 0xe0, 0xd6, 255},
        },
    .white = {255, 255, 255, 255},
    .border = {0x6e, 0x6a, 0x62, 255}, /* 4.8:1 on the ground */
    .selected = {0x0b, 0x5e, 0x43, 255},
    .on_selected = {255, 255, 255, 255},
    .key = {255, 255, 255, 255},
    .key_border = {0x6e, 0x6a, 0x62, 255},
    .notice_bg = {0xff, 0xe8, 0xa3, 255},
    .notice = {0x4a, 0x36, 0x00, 255},
    .alert_bg = {0xfd, 0xec, 0xea, 255},
    .alert = {0xa3, 0x1a, 0x1a, 255},
    .alert_border = {0xa3, 0x1a, 0x1a, 255},
    .shade = {0, 0, 0, 150},
    .topbar = {0x1d, 0x4f, 0x91, 255},
    .card = {255, 255, 255, 255},
    .code = {0x1d, 0x4f, 0x91, 255},
};

static const palette_t contrast = {
    .colors =
        {
            [COLOR_BACKGROUND] = {0, 0, 0, 255},
            [COLOR_TEXT] = {255, 255, 255, 255},
            [COLOR_MUTED] = {0xe0, 0xe0, 0xe0, 255},
            [COLOR_PRIMARY] = {0xff, 0xe0, 0x3d, 255},
            [COLOR_ON_PRIMARY] = {0, 0, 0, 255},
            [COLOR_FIELD] = {0, 0, 0, 255},
            [COLOR_BAR_TRACK] = {0x3a, 0x3a, 0x3a, 255},
            [COLOR_DISABLED_TEXT] = {0xa0, 0xa0, 0xa0, 255},
            [COLOR_FOCUS_INNER] = {0x00, 0xe5, 0xff, 255},
            [COLOR_FOCUS_OUTER] = {0x00, 0x00, 0x00, 255},
            [COLOR_FACE_DARK] = {0, 0, 0, 255},
            [COLOR_STRIPE] = {0x26, 0x26, 0x26, 255},
        },
    .white = {0, 0, 0, 255}, /* the fill of secondary buttons */
    .border = {255, 255, 255, 255},
    .selected = {255, 255, 255, 255},
    .on_selected = {0, 0, 0, 255},
    .key = {0x26, 0x26, 0x26, 255},
    .key_border = {255, 255, 255, 255},
    .notice_bg = {0xff, 0xe0, 0x3d, 255},
    .notice = {0, 0, 0, 255},
    .alert_bg = {0, 0, 0, 255},
    .alert = {0xff, 0xb0, 0xb0, 255},
    .alert_border = {0xff, 0xb0, 0xb0, 255},
    .shade = {0, 0, 0, 200},
    .topbar = {0x1f, 0x1f, 0x1f, 255},
    .card = {0, 0, 0, 255},
    .code = {0xff, 0xe0, 0x3d, 255},
};

static const palette_t *pal(bool high_contrast)
{
    return high_contrast ? &contrast : &normal;
}

rgba_t theme_color(color_t c, bool high_contrast)
{
    const palette_t *p = pal(high_contrast);
    return (unsigned)c < COLOR_COUNT ? p->colors[c] : p->colors[COLOR_TEXT];
}

paint_t theme_paint(style_t style, bool high_contrast)
{
    const palette_t *p = pal(high_contrast);
    const rgba_t bg = p->colors[COLOR_BACKGROUND], text = p->colors[COLOR_TEXT],
                 primary = p->colors[COLOR_PRIMARY], on_primary = p->colors[COLOR_ON_PRIMARY];
    switch (style) {
    case STYLE_PRIMARY:
        return (paint_t){primary, primary, on_primary};
    case STYLE_TOPBAR:
        return high_contrast ? (paint_t){p->topbar, p->topbar, text}
                             : (paint_t){p->topbar, p->topbar, on_primary};
    case STYLE_SELECTED:
        return (paint_t){p->selected, p->selected, p->on_selected};
    case STYLE_SECONDARY:
        return (paint_t){p->white, p->border, text};
    case STYLE_KEY:
        return (paint_t){p->key, p->key_border, text};
    case STYLE_CARD:
        return (paint_t){p->card, primary, text};
    case STYLE_BACKDROP:
        return (paint_t){p->shade, p->shade, text};
    case STYLE_NOTICE:
        return (paint_t){p->notice_bg, p->notice_bg, p->notice};
    case STYLE_CODE:
        return (paint_t){p->card, p->code, p->code};
    case STYLE_ALERT:
        return (paint_t){p->alert_bg, p->alert_border, p->alert};
    case STYLE_MUTED:
        return (paint_t){bg, bg, p->colors[COLOR_MUTED]};
    case STYLE_TITLE:
    case STYLE_PLAIN:
        return (paint_t){bg, bg, text};
    }
    return (paint_t){bg, bg, text};
}

static double channel(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(rgba_t c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double theme_contrast(rgba_t a, rgba_t b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
