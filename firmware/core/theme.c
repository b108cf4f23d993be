/* The palette: warm off-white, near-black text, a deep blue for actions, a green for chosen
 * answers; every text colour at least 4.5:1 on its fill (tests/test_theme.c). */
#include "core/theme.h"

#include <math.h>

static const rgba_t colors[COLOR_COUNT] = {
    [COLOR_BACKGROUND] = {0xf4, 0xf1, 0xea, 255},  [COLOR_TEXT] = {0x1b, 0x1b, 0x1b, 255},
    [COLOR_MUTED] = {0x4a, 0x4a, 0x4a, 255},       [COLOR_PRIMARY] = {0x1d, 0x4f, 0x91, 255},
    [COLOR_ON_PRIMARY] = {255, 255, 255, 255},     [COLOR_FIELD] = {255, 255, 255, 255},
    [COLOR_BAR_TRACK] = {0xd4, 0xcf, 0xc4, 255},   [COLOR_DISABLED_TEXT] = {0x8e, 0x8a, 0x82, 255},
    [COLOR_FOCUS_INNER] = {0xff, 0xd6, 0x00, 255}, [COLOR_FOCUS_OUTER] = {0x00, 0x00, 0x00, 255},
    [COLOR_FACE_DARK] = {0x1b, 0x1b, 0x1b, 255},
};

static const rgba_t white = {255, 255, 255, 255};
static const rgba_t border = {0x7a, 0x76, 0x6e, 255};
static const rgba_t selected = {0x0b, 0x5e, 0x43, 255};
static const rgba_t key = {0xe4, 0xe0, 0xd6, 255};
static const rgba_t notice_bg = {0xff, 0xe8, 0xa3, 255};
static const rgba_t notice = {0x4a, 0x36, 0x00, 255};
static const rgba_t alert_bg = {0xfd, 0xec, 0xea, 255};
static const rgba_t alert = {0xa3, 0x1a, 0x1a, 255};
static const rgba_t shade = {0, 0, 0, 150};

rgba_t theme_color(color_t c)
{
    return (unsigned)c < COLOR_COUNT ? colors[c] : colors[COLOR_TEXT];
}

paint_t theme_paint(style_t style)
{
    const rgba_t bg = colors[COLOR_BACKGROUND], text = colors[COLOR_TEXT],
                 primary = colors[COLOR_PRIMARY], on_primary = colors[COLOR_ON_PRIMARY];
    switch (style) {
    case STYLE_PRIMARY:
    case STYLE_TOPBAR:
        return (paint_t){primary, primary, on_primary};
    case STYLE_SELECTED:
        return (paint_t){selected, selected, on_primary};
    case STYLE_SECONDARY:
        return (paint_t){white, border, text};
    case STYLE_KEY:
        return (paint_t){key, key, text};
    case STYLE_CARD:
        return (paint_t){white, primary, text};
    case STYLE_BACKDROP:
        return (paint_t){shade, shade, text};
    case STYLE_NOTICE:
        return (paint_t){notice_bg, notice_bg, notice};
    case STYLE_CODE:
        return (paint_t){white, primary, primary};
    case STYLE_ALERT:
        return (paint_t){alert_bg, alert, alert};
    case STYLE_MUTED:
        return (paint_t){bg, bg, colors[COLOR_MUTED]};
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
