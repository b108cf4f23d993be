/* "hasOther" and page titles in the core: the "Something else" choice, the text it asks for
 * (refused empty when the question is required) stored as SurveyJS stores it ("other" and
 * "<name>-Comment"), and a page's title drawn above its questions and said with them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/speech.h"
#include "core/view.h"
#include "pack_util.h"

static view_t view;

static int fake_width(void *ud, int px, bool bold, const char *s, size_t len)
{
    (void)ud;
    (void)bold;
    (void)s;
    return (int)len * px * 6 / 10;
}

static int fake_line_height(void *ud, int px, bool bold)
{
    (void)ud;
    (void)bold;
    return px * 13 / 10;
}

static const text_metrics_t metrics = {fake_width, fake_line_height, NULL};

static cJSON *element(cJSON *root, int journey, int page, int el)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), journey);
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "pages"), page);
    return cJSON_GetArrayItem(cJSON_GetObjectItem(p, "elements"), el);
}

/* The questionnaire's "visits" (page 1, third) gets hasOther and isRequired; page 1 a title;
 * "wantedServices" (a checkbox) hasOther with its own otherText. */
static void add_other(cJSON *root)
{
    cJSON *visits = element(root, 2, 0, 2);
    cJSON_AddBoolToObject(visits, "hasOther", true);
    cJSON_AddBoolToObject(visits, "isRequired", true);
    cJSON *wanted = element(root, 2, 0, 1);
    cJSON_AddBoolToObject(wanted, "hasOther", true);
    cJSON *t = cJSON_AddObjectToObject(wanted, "otherText");
    cJSON_AddStringToObject(t, "default", "Another service");
    cJSON_AddStringToObject(t, "zh-cn", "别的服务");
    cJSON_AddBoolToObject(element(root, 2, 1, 1), "hasOther", true); /* checkIns: visibleIf */
    cJSON *page = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), 2), "pages"),
        0);
    t = cJSON_AddObjectToObject(page, "title");
    cJSON_AddStringToObject(t, "default", "About our services");
    cJSON_AddStringToObject(t, "zh-cn", "关于我们的服务");
}

static content_t *load_other(void)
{
    content_t *c = NULL;
    content_error_t err;
    if (load_mutated_pack(add_other, &c, &err) != KIOSK_OK) {
        char msg[1024];
        content_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
    }
    return c;
}

static bool act(flow_t *f, action_t a, int arg, int64_t t)
{
    return flow_activate(f, a, arg, NULL, t);
}

static bool view_says(const char *text)
{
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].text && strcmp(view.w[i].text, text) == 0)
            return true;
    return false;
}

/* Whether a text on screen contains part, lines joined (wrapping may break it). */
static bool view_says_part(const char *part)
{
    for (size_t i = 0; i < view.n; i++) {
        char joined[1024];
        size_t k = 0;
        for (const char *p = view.w[i].text; p && *p && k + 1 < sizeof joined; p++)
            joined[k++] = *p == '\n' ? ' ' : *p;
        joined[k] = '\0';
        if (strstr(joined, part))
            return true;
    }
    return false;
}

static void the_loader_adds_the_choice_and_its_text(void)
{
    content_t *c = load_other();
    REQUIRE(c);
    const journey_t *j = content_journey(c, 2);
    REQUIRE(j && j->nq >= 5);
    const question_t *wanted = &j->q[1], *wanted_text = &j->q[2];
    const question_t *visits = &j->q[3], *visits_text = &j->q[4];
    CHECK_STR(wanted->name, "wantedServices");
    CHECK_STR(wanted->choices[wanted->nchoices - 1].value, "other");
    CHECK_STR(content_text(c, &wanted->choices[wanted->nchoices - 1].text, "zh-cn"), "别的服务");
    CHECK_STR(wanted_text->name, "wantedServices-Comment");
    CHECK(wanted_text->other_of && !wanted_text->required);
    CHECK_STR(visits->choices[visits->nchoices - 1].value, "other");
    /* Without otherText, the interface string choice.other. */
    CHECK_STR(content_text(c, &visits->choices[visits->nchoices - 1].text, "en"), "Something else");
    CHECK_STR(content_text(c, &visits->choices[visits->nchoices - 1].text, "zh-cn"), "其他");
    CHECK_STR(visits_text->name, "visits-Comment");
    CHECK(visits_text->type == Q_TEXT && visits_text->required);
    CHECK_STR(content_text(c, &visits->page_title, "zh-cn"), "关于我们的服务");
    CHECK_STR(content_text(c, &visits_text->page_title, "en"), "About our services");
    CHECK_INT((int)j->q[5].page_title.n, 0); /* page 2 has no title */
    content_free(c);
}

/* Something else asks for the text, Next waits for it, the record holds "other" and it. */
static void something_else_asks_for_text_and_stores_it(void)
{
    content_t *c = load_other();
    REQUIRE(c);
    flow_t *f = flow_new(c, "k1", 0);
    REQUIRE(f);
    CHECK(act(f, ACT_JOURNEY, 2, 1));
    CHECK(act(f, ACT_CHOICE, 3, 2)); /* satisfaction */
    CHECK_STR(flow_question(f)->name, "wantedServices");
    view_build(&view, f, 800, 480, &metrics, 3, NULL);
    CHECK(view_says("About our services")); /* the page title heads the question */
    CHECK(act(f, ACT_CHOICE, 0, 4));
    CHECK(act(f, ACT_NEXT, 0, 5));
    CHECK_STR(flow_question(f)->name, "visits"); /* no other: no text asked */
    const question_t *q = flow_question(f);
    CHECK(act(f, ACT_CHOICE, (int)q->nchoices - 1, 6));
    CHECK_STR(flow_question(f)->name, "visits-Comment");
    /* the text screen says what it is for: in landscape on the title's line (the keys keep
     * their height), in portrait on a line below it */
    view_build(&view, f, 800, 480, &metrics, 6, NULL);
    CHECK(view_says_part("\u00b7 Something else"));
    view_build(&view, f, 720, 1280, &metrics, 6, NULL);
    CHECK(view_says("Something else"));
    CHECK(!flow_can_next(f)); /* required: the text must be given */
    CHECK(!flow_can_skip(f));
    act(f, ACT_NEXT, 0, 7);
    CHECK_STR(flow_question(f)->name, "visits-Comment");
    flow_text(f, "Only at festivals", 8);
    CHECK(flow_can_next(f));
    CHECK(act(f, ACT_NEXT, 0, 9));
    CHECK_STR(flow_question(f)->name, "livesAlone");
    CHECK(act(f, ACT_CHOICE, 0, 10));
    while (flow_screen(f) == SCREEN_QUESTION && act(f, ACT_SKIP, 0, 11))
        ;
    record_t *rec = NULL;
    REQUIRE(flow_pending_op(f, &rec) == OP_SAVE && rec);
    CHECK_STR(rec->answers_json,
              "{\"satisfaction\":4,\"wantedServices\":[\"PSY_COUNSEL\"],\"visits\":\"other\","
              "\"visits-Comment\":\"Only at festivals\",\"livesAlone\":false}");
    flow_free(f);
    content_free(c);
}

/* Going back and choosing another answer drops the text from the record. */
static void another_choice_drops_the_other_text(void)
{
    content_t *c = load_other();
    REQUIRE(c);
    flow_t *f = flow_new(c, "k1", 0);
    CHECK(act(f, ACT_JOURNEY, 2, 1));
    CHECK(act(f, ACT_CHOICE, 3, 2));
    const question_t *w = flow_question(f);
    CHECK(act(f, ACT_CHOICE, (int)w->nchoices - 1, 3)); /* the checkbox's other */
    CHECK(act(f, ACT_NEXT, 0, 4));
    CHECK_STR(flow_question(f)->name, "wantedServices-Comment");
    CHECK(flow_can_skip(f)); /* not required */
    flow_text(f, "Knitting", 5);
    CHECK(act(f, ACT_NEXT, 0, 6));
    const question_t *q = flow_question(f);
    CHECK(act(f, ACT_CHOICE, (int)q->nchoices - 1, 7));
    flow_text(f, "Rarely", 8);
    CHECK(act(f, ACT_BACK, 0, 9));
    CHECK_STR(flow_question(f)->name, "visits");
    CHECK(act(f, ACT_CHOICE, 0, 10));
    CHECK_STR(flow_question(f)->name, "livesAlone");
    CHECK(act(f, ACT_CHOICE, 0, 11));
    while (flow_screen(f) == SCREEN_QUESTION && act(f, ACT_SKIP, 0, 12))
        ;
    record_t *rec = NULL;
    REQUIRE(flow_pending_op(f, &rec) == OP_SAVE && rec);
    CHECK_STR(rec->answers_json,
              "{\"satisfaction\":4,\"wantedServices\":[\"other\"],\"wantedServices-Comment\":"
              "\"Knitting\",\"visits\":\"WEEKLY\",\"livesAlone\":false}");
    flow_free(f);
    content_free(c);
}

/* The other text of a question that an earlier answer hides is hidden with it. */
static void the_other_text_goes_with_its_question(void)
{
    content_t *c = load_other();
    REQUIRE(c);
    flow_t *f = flow_new(c, "k1", 0);
    CHECK(act(f, ACT_JOURNEY, 2, 1));
    CHECK(act(f, ACT_CHOICE, 3, 2));
    CHECK(act(f, ACT_CHOICE, 0, 3));
    CHECK(act(f, ACT_NEXT, 0, 4));
    CHECK(act(f, ACT_CHOICE, 0, 5)); /* visits */
    CHECK_STR(flow_question(f)->name, "livesAlone");
    CHECK(act(f, ACT_CHOICE, 1, 6)); /* yes: checkIns shows */
    CHECK_STR(flow_question(f)->name, "checkIns");
    CHECK(act(f, ACT_CHOICE, (int)flow_question(f)->nchoices - 1, 7));
    CHECK_STR(flow_question(f)->name, "checkIns-Comment");
    flow_text(f, "Daily", 8);
    CHECK(act(f, ACT_NEXT, 0, 9));
    CHECK_STR(flow_question(f)->name, "household");
    for (int i = 0; i < 3; i++)
        CHECK(act(f, ACT_BACK, 0, 10 + i));
    CHECK_STR(flow_question(f)->name, "livesAlone");
    CHECK(act(f, ACT_CHOICE, 0, 20)); /* no: checkIns and its text hide */
    CHECK_STR(flow_question(f)->name, "household");
    while (flow_screen(f) == SCREEN_QUESTION && act(f, ACT_SKIP, 0, 21))
        ;
    record_t *rec = NULL;
    REQUIRE(flow_pending_op(f, &rec) == OP_SAVE && rec);
    CHECK(strstr(rec->answers_json, "checkIns") == NULL);
    flow_free(f);
    content_free(c);
}

/* The page title is said with its question, first (speech reads the screen's labels). */
static void the_page_title_is_said(void)
{
    content_t *c = load_other();
    REQUIRE(c);
    flow_t *f = flow_new(c, "k1", 0);
    static speech_t sp;
    static speech_out_t out;
    speech_init(&sp);
    CHECK(act(f, ACT_LANG, 0, 1));
    flow_set_speech(f, true);
    CHECK(act(f, ACT_JOURNEY, 2, 2));
    CHECK(act(f, ACT_CHOICE, 3, 3));
    view_build(&view, f, 720, 1280, &metrics, 4, NULL);
    speech_update(&sp, f, &view, &out);
    bool page = false, question = false;
    for (size_t i = 0; i < out.n; i++) {
        page = page || strcmp(out.u[i].text, "关于我们的服务") == 0;
        question = question || (page && strstr(out.u[i].text, "服务") && i > 0);
    }
    CHECK(page);
    CHECK(question);
    flow_free(f);
    content_free(c);
}

static void bad_has_other(cJSON *root)
{
    cJSON_AddBoolToObject(element(root, 2, 0, 0), "hasOther", true); /* a rating */
}

static void hasother_is_refused_where_it_cannot_be(void)
{
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(load_mutated_pack(bad_has_other, &c, &err), KIOSK_EINVAL);
    char msg[1024];
    content_error_format(&err, msg, sizeof msg);
    /* the lint pass's words: the key belongs to other question types */
    CHECK(strstr(msg, "$.journeys[2].pages[0].elements[0].hasOther: key 'hasOther' is for "
                      "radiogroup and checkbox questions, not 'rating' ones") != NULL);
    if (!strstr(msg, "radiogroup and checkbox"))
        fprintf(stderr, "%s\n", msg);
}

int main(void)
{
    RUN(the_loader_adds_the_choice_and_its_text);
    RUN(something_else_asks_for_text_and_stores_it);
    RUN(another_choice_drops_the_other_text);
    RUN(the_other_text_goes_with_its_question);
    RUN(the_page_title_is_said);
    RUN(hasother_is_refused_where_it_cannot_be);
    return check_failures != 0;
}
