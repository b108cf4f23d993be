/* What is written can be read: every text colour of the
 * theme against the fill it is drawn on meets WCAG 2 AA (4.5:1), and the focus ring shows at
 * 3:1 on every fill a target can sit on or have. */
#include <stdio.h>

#include "check.h"
#include "core/theme.h"

static void every_text_meets_wcag_aa(void)
{
    static const struct {
        style_t style;
        const char *name;
    } styles[] = {
        {STYLE_PLAIN, "plain"},     {STYLE_TITLE, "title"},         {STYLE_MUTED, "muted"},
        {STYLE_PRIMARY, "primary"}, {STYLE_SECONDARY, "secondary"}, {STYLE_SELECTED, "selected"},
        {STYLE_KEY, "key"},         {STYLE_TOPBAR, "top bar"},      {STYLE_CARD, "card"},
        {STYLE_NOTICE, "notice"},   {STYLE_CODE, "code"},           {STYLE_ALERT, "alert"},
    };
    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++) {
        paint_t p = theme_paint(styles[i].style);
        double c = theme_contrast(p.text, p.fill);
        fprintf(stderr, "  %-10s %5.2f:1\n", styles[i].name, c);
        CHECK(c >= 4.5);
    }
    /* The text field: typed text and its placeholder on the field. */
    CHECK(theme_contrast(theme_color(COLOR_TEXT), theme_color(COLOR_FIELD)) >= 4.5);
    CHECK(theme_contrast(theme_color(COLOR_MUTED), theme_color(COLOR_FIELD)) >= 4.5);
}

static void focus_ring_shows_on_every_fill(void)
{
    rgba_t fills[] = {theme_color(COLOR_BACKGROUND),    theme_color(COLOR_PRIMARY),
                      theme_paint(STYLE_SELECTED).fill, theme_paint(STYLE_SECONDARY).fill,
                      theme_paint(STYLE_KEY).fill,      theme_paint(STYLE_CARD).fill};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        double inner = theme_contrast(theme_color(COLOR_FOCUS_INNER), fills[i]);
        double outer = theme_contrast(theme_color(COLOR_FOCUS_OUTER), fills[i]);
        CHECK(inner >= 3.0 || outer >= 3.0);
    }
    /* The two bands also stand apart from each other. */
    CHECK(theme_contrast(theme_color(COLOR_FOCUS_INNER), theme_color(COLOR_FOCUS_OUTER)) >= 3.0);
}

static void contrast_of_known_pairs(void)
{
    rgba_t black = {0, 0, 0, 255}, white = {255, 255, 255, 255}, grey = {0x76, 0x76, 0x76, 255};
    CHECK(theme_contrast(black, white) > 20.99 && theme_contrast(black, white) < 21.01);
    CHECK(theme_contrast(white, white) == 1.0);
    CHECK(theme_contrast(grey, white) > 4.5 && theme_contrast(grey, white) < 4.6); /* #767676 */
}

int main(void)
{
    RUN(contrast_of_known_pairs);
    RUN(every_text_meets_wcag_aa);
    RUN(focus_ring_shows_on_every_fill);
    return check_failures != 0;
}
