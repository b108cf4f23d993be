/* The icons the kiosk ships: the names the content loader accepts (core/icons.h) are exactly
 * the SVG files of assets/icons besides the faces, each drawn in the one ink colour the UI
 * recolours; a pack naming an unknown icon fails at its place, naming it; the default pack has
 * an icon, a known one, on every journey and every service, and the screens show them beside
 * the words. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/content.h"
#include "core/flow.h"
#include "core/icons.h"
#include "core/view.h"
#include "pack_util.h"

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void every_icon_named_has_a_file_and_every_file_a_name(void)
{
    char path[1024];
    for (size_t i = 0; icon_names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s.svg", KIOSK_ICONS_DIR, icon_names[i]);
        const char *svg = read_text(path);
        if (!svg)
            fprintf(stderr, "  missing: %s\n", path);
        REQUIRE(svg);
        /* Line icons in the one ink the UI recolours to the text's colour, and nothing else. */
        CHECK(strstr(svg, "#1b1b1b") != NULL);
        CHECK(strstr(svg, "<svg") != NULL && strstr(svg, "viewBox") != NULL);
        const char *h = svg;
        while ((h = strchr(h, '#')) != NULL) {
            if (strncmp(h, "#1b1b1b", 7) != 0)
                fprintf(stderr, "  %s: a colour other than the ink: %.7s\n", path, h);
            CHECK(strncmp(h, "#1b1b1b", 7) == 0);
            h++;
        }
    }
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "%s/face-%d.svg", KIOSK_ICONS_DIR, k);
        CHECK(read_text(path) != NULL);
    }
    DIR *d = opendir(KIOSK_ICONS_DIR);
    REQUIRE(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".svg") != 0)
            continue;
        files++;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        bool face = strncmp(name, "face-", 5) == 0;
        if (!face && !icon_known(name))
            fprintf(stderr, "  %s.svg is shipped but not in core/icons.c\n", name);
        CHECK(face || icon_known(name));
    }
    closedir(d);
    size_t named = 0;
    while (icon_names[named])
        named++;
    CHECK_INT(files, (int)named + 5);
}

static void icon_names_are_joined_for_messages(void)
{
    char buf[512];
    icon_names_join(buf, sizeof buf);
    CHECK(strncmp(buf, "feedback, help, ", 16) == 0);
    CHECK(strstr(buf, ", other") != NULL);
    char small[12];
    icon_names_join(small, sizeof small);
    CHECK_STR(small, "feedback, h"); /* cut short, still a string */
    CHECK(!icon_known("Feedback") && !icon_known("") && !icon_known("face-0"));
}

static void journey_icon_nope(cJSON *root)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), 1);
    cJSON_ReplaceItemInObject(j, "icon", cJSON_CreateString("nope"));
}

static void service_icon_nope(cJSON *root)
{
    cJSON *svc = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "catalogs"), "services");
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(svc, 2), "icon", cJSON_CreateString("nope"));
}

static void icon_not_a_string(cJSON *root)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), 0);
    cJSON_ReplaceItemInObject(j, "icon", cJSON_CreateNumber(3));
}

static void an_unknown_icon_fails_the_pack_at_its_place(void)
{
    static const struct {
        void (*mutate)(cJSON *);
        const char *path, *reason;
    } cases[] = {
        {journey_icon_nope, "$.journeys[1].icon", "unknown icon 'nope' (the kiosk has: feedback"},
        {service_icon_nope, "$.catalogs.services[2].icon", "unknown icon 'nope'"},
        {icon_not_a_string, "$.journeys[0].icon", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        content_t *c = NULL;
        content_error_t err;
        CHECK(load_mutated_pack(cases[i].mutate, &c, &err) != 0);
        CHECK(c == NULL);
        char msg[1024];
        content_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "  %s\n", msg);
        CHECK_STR(err.path, cases[i].path);
        CHECK(strstr(err.reason, cases[i].reason) != NULL);
        CHECK(strncmp(msg, "mutated.json: ", 14) == 0); /* the file, then the place */
        content_free(c);
    }
}

static void the_default_pack_has_an_icon_on_every_journey_and_service(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    for (size_t i = 0; i < content_journey_count(c); i++) {
        const journey_t *j = content_journey(c, i);
        CHECK(j->icon != NULL && icon_known(j->icon));
        for (size_t k = 0; k < j->nq; k++) {
            const question_t *q = &j->q[k];
            if (strcmp(q->name, "service") != 0)
                continue;
            for (size_t n = 0; n < q->nchoices; n++) {
                if (!q->choices[n].icon)
                    fprintf(stderr, "  service %s has no icon\n", q->choices[n].value);
                CHECK(q->choices[n].icon != NULL && icon_known(q->choices[n].icon));
            }
        }
    }
    /* And a choice without one (the topics) keeps NULL: nothing is drawn. */
    const question_t *topic = &content_journey(c, 0)->q[0];
    CHECK(topic->choices[0].icon == NULL);
    content_free(c);
}

/* About Noto Sans: Latin half an em, CJK one em. */
static int width(void *ud, int px, bool bold, const char *s, size_t len)
{
    (void)ud;
    (void)bold;
    int w = 0;
    for (size_t i = 0; i < len; i++)
        w += (s[i] & 0xc0) == 0x80 ? 0 : (unsigned char)s[i] >= 0xe0 ? px : px / 2;
    return w;
}

static int line_height(void *ud, int px, bool bold)
{
    (void)ud;
    (void)bold;
    return px * 13 / 10;
}

/* The widgets of v with an icon: each inside its button, square, of a size to see, clear of
 * the words, all of one size; returns how many. */
static int icons_shown(const view_t *v)
{
    int n = 0, side = 0;
    double u = (v->width < v->height ? v->width : v->height) / 480.0;
    for (size_t i = 0; i < v->n; i++) {
        const widget_t *w = &v->w[i];
        if (!w->icon)
            continue;
        n++;
        CHECK(icon_known(w->icon));
        CHECK(rect_contains(w->r, w->ir));
        CHECK(w->ir.w == w->ir.h && w->ir.w >= (int)(24 * u));
        CHECK(!rect_overlaps(w->ir, w->tr));
        CHECK(!w->text2 || !rect_overlaps(w->ir, w->tr2));
        if (!side)
            side = w->ir.w;
        CHECK_INT(w->ir.w, side);
    }
    return n;
}

static void journeys_and_services_show_their_icons(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    static view_t v;
    text_metrics_t tm = {width, line_height, NULL};
    const int sizes[][2] = {{800, 480}, {720, 1280}, {1280, 800}};
    const char *langs[] = {"en", "zh-cn"};
    for (size_t s = 0; s < 3; s++)
        for (size_t l = 0; l < 2; l++) {
            flow_t *f = flow_new(c, "k", 0);
            flow_set_home_lang(f, langs[l]);
            view_build(&v, f, sizes[s][0], sizes[s][1], &tm, 0, NULL);
            int home = icons_shown(&v);
            flow_activate(f, ACT_JOURNEY, 1, NULL, 1); /* the service request: its services */
            view_build(&v, f, sizes[s][0], sizes[s][1], &tm, 1, NULL);
            int services = icons_shown(&v), buttons = 0;
            for (size_t i = 0; i < v.n; i++)
                buttons += v.w[i].action == ACT_CHOICE;
            fprintf(stderr, "  %dx%d %s: %d journey icons, %d service icons\n", sizes[s][0],
                    sizes[s][1], langs[l], home, services);
            CHECK_INT(home, (int)content_journey_count(c));
            /* All of a grid or none: none where the words would have had to shrink. */
            CHECK(buttons > 0);
            CHECK(services == 0 || services == buttons);
            /* The sixteen services leave the icons room only in portrait's full-width rows:
             * in Chinese there, always. */
            CHECK(services == buttons || strcmp(langs[l], "en") == 0 || sizes[s][0] > sizes[s][1]);
            flow_free(f);
        }
    content_free(c);
}

static void strip_icons(cJSON *node)
{
    cJSON_DeleteItemFromObjectCaseSensitive(node, "icon");
    cJSON *child;
    cJSON_ArrayForEach(child, node)
    {
        strip_icons(child);
    }
}

/* The home screen and the services of pack c at one size and language, large text or not. */
static void build_home_and_services(const content_t *c, view_t *home, view_t *svc, int w, int h,
                                    const char *lang, bool large)
{
    text_metrics_t tm = {width, line_height, NULL};
    flow_t *f = flow_new(c, "k", 0);
    flow_set_home_lang(f, lang);
    if (large) {
        CHECK(flow_activate(f, ACT_DISPLAY, 0, NULL, 1));
        CHECK(flow_activate(f, ACT_LARGE_TEXT, 0, NULL, 1));
        CHECK(flow_activate(f, ACT_DISPLAY_CLOSE, 0, NULL, 1));
    }
    view_build(home, f, w, h, &tm, 1, NULL);
    CHECK(flow_activate(f, ACT_JOURNEY, 1, NULL, 2));
    view_build(svc, f, w, h, &tm, 2, NULL);
    flow_free(f);
}

/* Whether two texts are the same words, however they are wrapped. */
static bool same_text(const char *a, const char *b)
{
    for (;;) {
        while (*a == '\n' || *a == ' ')
            a++;
        while (*b == '\n' || *b == ' ')
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++, b++;
    }
}

/* Same widgets, same words at the same sizes (wrapped where the icon took room). */
static void same_words(const view_t *a, const view_t *b)
{
    CHECK_INT((int)a->n, (int)b->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        CHECK_INT(a->w[i].px, b->w[i].px);
        CHECK_INT(a->w[i].px2, b->w[i].px2);
        CHECK(same_text(a->w[i].text, b->w[i].text));
        CHECK(!a->w[i].overflow);
    }
}

/* Icons are added where there is room: the words of the home screen and of the services are
 * the same, at the same sizes, with the icons and without them, at every size, in both
 * languages, with large text too. */
static void icons_never_cost_the_words(void)
{
    content_t *with = load_default_pack(), *without = NULL;
    content_error_t err;
    CHECK(load_mutated_pack(strip_icons, &without, &err) == 0);
    REQUIRE(with && without);
    static view_t h1, s1, h2, s2;
    const int sizes[][2] = {{800, 480}, {720, 1280}, {1024, 600}, {1280, 800}};
    const char *langs[] = {"en", "zh-cn"};
    for (size_t s = 0; s < 4; s++)
        for (size_t l = 0; l < 2; l++)
            for (int large = 0; large < 2; large++) {
                build_home_and_services(with, &h1, &s1, sizes[s][0], sizes[s][1], langs[l], large);
                build_home_and_services(without, &h2, &s2, sizes[s][0], sizes[s][1], langs[l],
                                        large);
                int fails = check_failures;
                same_words(&h1, &h2);
                same_words(&s1, &s2);
                if (check_failures != fails)
                    fprintf(stderr, "  ^ at %dx%d %s%s\n", sizes[s][0], sizes[s][1], langs[l],
                            large ? " large" : "");
            }
    content_free(with);
    content_free(without);
}

int main(void)
{
    RUN(every_icon_named_has_a_file_and_every_file_a_name);
    RUN(icon_names_are_joined_for_messages);
    RUN(an_unknown_icon_fails_the_pack_at_its_place);
    RUN(the_default_pack_has_an_icon_on_every_journey_and_service);
    RUN(journeys_and_services_show_their_icons);
    RUN(icons_never_cost_the_words);
    return check_failures != 0;
}
