/* What is written can be read: every text colour of the theme against the fill it is drawn
 * on meets WCAG 2 AA (4.5:1) in the normal palette and AAA (7:1) in the high-contrast one,
 * secondary text at least 4.5:1 on the ground, every control (keys, choices, actions, fields)
 * stands out from the ground at 3:1 by its fill or its edge (WCAG 2.2 1.4.11), and the focus
 * ring shows at 3:1 on every fill a target can sit on or have, in both. */
#include <stdio.h>

#include "check.h"
#include "core/theme.h"

static void text_contrast(bool hc, double least)
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
        paint_t p = theme_paint(styles[i].style, hc);
        double c = theme_contrast(p.text, p.fill);
        fprintf(stderr, "  %s %-10s %5.2f:1\n", hc ? "high-contrast" : "normal", styles[i].name, c);
        CHECK(c >= least);
    }
    /* The text field: typed text and its placeholder on the field. */
    CHECK(theme_contrast(theme_color(COLOR_TEXT, hc), theme_color(COLOR_FIELD, hc)) >= least);
    CHECK(theme_contrast(theme_color(COLOR_MUTED, hc), theme_color(COLOR_FIELD, hc)) >= least);
    /* A button's edge and a field's border stand out from the ground (WCAG 1.4.11, 3:1). */
    rgba_t bg = theme_color(COLOR_BACKGROUND, hc);
    CHECK(theme_contrast(theme_color(COLOR_PRIMARY, hc), bg) >= 3.0);
    CHECK(theme_contrast(theme_paint(STYLE_SECONDARY, hc).border, bg) >= 3.0);
    CHECK(theme_contrast(theme_paint(STYLE_SELECTED, hc).fill, bg) >= 3.0);
}

static void every_text_meets_wcag_aa(void)
{
    text_contrast(false, 4.5);
}

static void high_contrast_meets_wcag_aaa(void)
{
    text_contrast(true, 7.0);
}

/* What marks a control against the ground: its fill if that differs enough, else its edge
 * (the UI draws an edge wherever the theme's border differs from the fill). */
static double control_contrast(style_t st, bool hc)
{
    rgba_t bg = theme_color(COLOR_BACKGROUND, hc);
    paint_t p = theme_paint(st, hc);
    double fill = theme_contrast(p.fill, bg);
    bool edged = p.border.r != p.fill.r || p.border.g != p.fill.g || p.border.b != p.fill.b;
    double edge = edged ? theme_contrast(p.border, bg) : 0.0;
    return fill > edge ? fill : edge;
}

static void controls_stand_out_from_the_ground(void)
{
    static const struct {
        style_t style;
        const char *name;
    } controls[] = {
        {STYLE_KEY, "key"},           {STYLE_SECONDARY, "secondary"}, {STYLE_PRIMARY, "primary"},
        {STYLE_SELECTED, "selected"}, {STYLE_CARD, "card"},           {STYLE_CODE, "code"},
    };
    for (int hc = 0; hc < 2; hc++) {
        rgba_t bg = theme_color(COLOR_BACKGROUND, hc);
        for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
            double c = control_contrast(controls[i].style, hc);
            fprintf(stderr, "  %s %-10s edge %5.2f:1\n", hc ? "high-contrast" : "normal",
                    controls[i].name, c);
            CHECK(c >= 3.0);
        }
        /* A key's edge specifically (it was 1.17:1, a fill hardly darker than the ground). */
        paint_t key = theme_paint(STYLE_KEY, hc);
        CHECK(theme_contrast(key.border, bg) >= 3.0);
        /* Text fields: their frame is drawn in the primary colour. */
        CHECK(theme_contrast(theme_color(COLOR_PRIMARY, hc), bg) >= 3.0);
        /* Secondary text (progress, counters, subtitles) on the ground. */
        double muted = theme_contrast(theme_paint(STYLE_MUTED, hc).text, bg);
        fprintf(stderr, "  %s secondary text %5.2f:1\n", hc ? "high-contrast" : "normal", muted);
        CHECK(muted >= (hc ? 7.0 : 4.5));
    }
}

static void focus_ring_shows_on_every_fill(void)
{
    for (int hc = 0; hc < 2; hc++) {
        rgba_t fills[] = {
            theme_color(COLOR_BACKGROUND, hc),    theme_color(COLOR_PRIMARY, hc),
            theme_paint(STYLE_SELECTED, hc).fill, theme_paint(STYLE_SECONDARY, hc).fill,
            theme_paint(STYLE_KEY, hc).fill,      theme_paint(STYLE_CARD, hc).fill,
            theme_paint(STYLE_TOPBAR, hc).fill};
        for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
            double inner = theme_contrast(theme_color(COLOR_FOCUS_INNER, hc), fills[i]);
            double outer = theme_contrast(theme_color(COLOR_FOCUS_OUTER, hc), fills[i]);
            CHECK(inner >= 3.0 || outer >= 3.0);
        }
        /* The two bands also stand apart from each other. */
        CHECK(theme_contrast(theme_color(COLOR_FOCUS_INNER, hc),
                             theme_color(COLOR_FOCUS_OUTER, hc)) >= 3.0);
    }
}

static void the_palettes_differ(void)
{
    /* A switch that changes nothing would pass every test above. */
    rgba_t a = theme_color(COLOR_BACKGROUND, false), b = theme_color(COLOR_BACKGROUND, true);
    CHECK(theme_contrast(a, b) > 10.0);
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
    RUN(high_contrast_meets_wcag_aaa);
    RUN(controls_stand_out_from_the_ground);
    RUN(focus_ring_shows_on_every_fill);
    RUN(the_palettes_differ);
    return check_failures != 0;
}
