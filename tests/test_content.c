/* Content loader: the default pack loads whole, and every kind of bad pack is refused with
 * the file, the JSON path and the reason. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/content.h"
#include "core/content_internal.h"
#include "core/kerr.h"
#include "pack_util.h"

static void default_pack_loads_with_every_journey(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    CHECK_STR(content_id(c), "default");
    CHECK_INT(content_language_count(c), 2);
    CHECK_STR(content_default_lang(c), "en");
    CHECK_INT(content_journey_count(c), 4);
    CHECK_INT(content_face_count(c), 4);
    CHECK(content_followup(c) != NULL);
    const journey_t *kinds[4];
    for (size_t i = 0; i < 4; i++)
        kinds[i] = content_journey(c, i);
    CHECK_INT(kinds[0]->kind, RECORD_FEEDBACK);
    CHECK_INT(kinds[1]->kind, RECORD_SERVICE_REQUEST);
    CHECK_INT(kinds[2]->kind, RECORD_QUESTIONNAIRE);
    CHECK_INT(kinds[3]->kind, RECORD_ACTIVITY);
    /* The services of the product brief, with stable codes, from the catalog. */
    const question_t *svc = &kinds[1]->q[0];
    CHECK_INT(svc->nchoices, 16);
    CHECK_STR(svc->choices[0].value, "PSY_COUNSEL");
    CHECK_STR(content_text(c, &svc->choices[0].text, "zh-cn"), "心理咨询");
    /* Codes stay where records and scripts expect them; new services come before "other". */
    CHECK_STR(svc->choices[3].value, "ELDER_CARE");
    CHECK_STR(svc->choices[8].value, "SOCIAL_ASSISTANCE");
    CHECK_STR(content_text(c, &svc->choices[14].text, "zh-cn"), "司法社工服务");
    CHECK_STR(svc->choices[15].value, "OTHER");
    const question_t *topic = &kinds[0]->q[0];
    CHECK_INT(topic->nchoices, 9);
    CHECK_STR(content_text(c, &topic->choices[7].text, "zh-cn"), "物业管理");
    CHECK_STR(topic->choices[8].value, "OTHER");
    CHECK_STR(content_version(c), "2026.12.1");
    /* The urgency question names the crisis lines. */
    const char *urgency = content_text(c, &kinds[1]->q[2].description, "zh-cn");
    CHECK(strstr(urgency, "12356") && strstr(urgency, "110") && strstr(urgency, "120"));
    CHECK_INT(content_settings(c)->idle_timeout_s, 60);
    CHECK_INT(content_settings(c)->idle_countdown_s, 15);
    for (int pass = 0; pass < 2; pass++) {
        const char *const *keys = pass ? content_staff_strings : content_required_strings;
        for (size_t i = 0; keys[i]; i++) {
            CHECK(strcmp(content_string(c, keys[i], "en"), keys[i]) != 0);
            CHECK(strcmp(content_string(c, keys[i], "zh-cn"), content_string(c, keys[i], "en")) !=
                  0);
            CHECK(content_string_is_staff(keys[i]) == (pass == 1));
        }
    }
    content_free(c);
}

/* A staff string in the default language only (an object without zh-cn, or a plain string). */
static void m_staff_default_only(cJSON *r)
{
    cJSON *strs = cJSON_GetObjectItem(r, "strings");
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(strs, "staff.pin_title"), "zh-cn");
    cJSON_ReplaceItemInObject(strs, "usb.title", cJSON_CreateString("Export"));
}
static void m_resident_default_only(cJSON *r)
{
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), "nav.back"),
                               "zh-cn");
}
static void m_staff_no_default(cJSON *r)
{
    cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), "staff.title");
    cJSON_DeleteItemFromObject(s, "default");
}

static void staff_strings_fall_back_to_the_default_language(void)
{
    content_t *c = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(m_staff_default_only, &c, &err) == KIOSK_OK);
    CHECK_STR(content_string(c, "staff.pin_title", "zh-cn"),
              content_string(c, "staff.pin_title", "en"));
    CHECK_STR(content_string(c, "usb.title", "zh-cn"), "Export");
    CHECK_STR(content_string(c, "usb.title", "en"), "Export");
    /* The other staff strings keep their translation. */
    CHECK(
        strcmp(content_string(c, "staff.title", "zh-cn"), content_string(c, "staff.title", "en")));
    content_free(c);
    c = NULL;
    /* A resident string stays required in every language, and the error names its key. */
    CHECK_INT(load_mutated_pack(m_resident_default_only, &c, &err), KIOSK_EINVAL);
    CHECK(c == NULL);
    CHECK_STR(err.path, "$.strings.nav.back");
    CHECK(strstr(err.reason, "missing translation for 'zh-cn'") != NULL);
    /* A staff string still needs the default language. */
    CHECK_INT(load_mutated_pack(m_staff_no_default, &c, &err), KIOSK_EINVAL);
    CHECK(c == NULL);
    CHECK_STR(err.path, "$.strings.staff.title");
}

static void m_no_staff_strings(cJSON *r)
{
    for (size_t i = 0; content_staff_strings[i]; i++)
        cJSON_DeleteItemFromObject(cJSON_GetObjectItem(r, "strings"), content_staff_strings[i]);
}

/* A pack written before the firmware added staff strings (or one that leaves them all out)
 * loads; what it lacks comes from the fallback pack (the kiosk's built-in one), in the
 * language asked for; what it has stays its own. */
static void staff_strings_a_pack_lacks_come_from_the_builtin_pack(void)
{
    content_t *c = NULL, *own = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(m_no_staff_strings, &c, &err) == KIOSK_OK);
    CHECK_STR(content_string(c, "staff.title", "zh-cn"), "staff.title"); /* no fallback yet */
    content_t *builtin = load_default_pack();
    REQUIRE(builtin);
    content_set_fallback(c, builtin);
    CHECK_STR(content_string(c, "staff.title", "zh-cn"),
              content_string(builtin, "staff.title", "zh-cn"));
    CHECK_STR(content_string(c, "notice.chain_broken", "en"),
              content_string(builtin, "notice.chain_broken", "en"));
    CHECK(strcmp(content_string(c, "staff.title", "zh-cn"),
                 content_string(c, "staff.title", "en")) != 0);
    /* A resident string is never the fallback's: it is the pack's own. */
    CHECK_STR(content_string(c, "nav.back", "en"), content_string(builtin, "nav.back", "en"));
    CHECK_STR(content_string(c, "no.such.key", "en"), "no.such.key");
    REQUIRE(load_mutated_pack(m_staff_default_only, &own, &err) == KIOSK_OK);
    content_set_fallback(own, builtin);
    CHECK_STR(content_string(own, "usb.title", "zh-cn"), "Export");
    content_free(own);
    content_free(c);
    content_free(builtin);
}

static void unknown_language_falls_back_to_default(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    CHECK_STR(content_string(c, "nav.back", "fr"), content_string(c, "nav.back", "en"));
    CHECK_INT(content_language_index(c, "zh-cn"), 1);
    CHECK_INT(content_language_index(c, "fr"), -1);
    content_free(c);
}

/* Loads the default pack after mutate() changed it; expects failure at path with reason. */
static void expect_error(void (*mutate)(cJSON *root), const char *path, const char *reason)
{
    content_error_t err;
    content_t *c = NULL;
    int rc = load_mutated_pack(mutate, &c, &err);
    CHECK_INT(rc, KIOSK_EINVAL);
    CHECK(c == NULL);
    CHECK_STR(err.file, "mutated.json");
    CHECK_STR(err.path, path);
    if (!strstr(err.reason, reason)) {
        fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", err.reason, reason);
        check_failures++;
    }
    char msg[1024];
    content_error_format(&err, msg, sizeof msg);
    CHECK(strncmp(msg, "mutated.json: $", 15) == 0);
    content_free(c);
}

static cJSON *element(cJSON *root, int journey, int page, int el)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), journey);
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "pages"), page);
    return cJSON_GetArrayItem(cJSON_GetObjectItem(p, "elements"), el);
}

static void m_type(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 0, 0, 0), "type", cJSON_CreateString("matrix"));
}
static void m_translation(cJSON *r)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "journeys"), 1);
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(j, "title"), "zh-cn");
}
static void m_dup_catalog(cJSON *r)
{
    cJSON *topics = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "catalogs"), "topics");
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(topics, 2), "value",
                              cJSON_CreateString("SERVICE_QUALITY"));
}
static void m_dup_name(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 0, 0, 1), "name", cJSON_CreateString("topic"));
}
static void m_visible_if(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 0, 0, 4), "visibleIf",
                              cJSON_CreateString("{nosuch} = true"));
}
static void m_visible_if_syntax(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 0, 0, 4), "visibleIf",
                              cJSON_CreateString("{contactOk} ~ true"));
}
static void m_contact_without_consent(cJSON *r)
{
    cJSON_DeleteItemFromObject(element(r, 0, 0, 5), "visibleIf");
}
static void m_missing_string(cJSON *r)
{
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(r, "strings"), "nav.back");
}
static void m_plain_string(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 0, 0, 2), "title", cJSON_CreateString("Tell us"));
}
static void m_new_language(cJSON *r)
{
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "code", "fr");
    cJSON_AddStringToObject(l, "name", "Français");
    cJSON_AddItemToArray(cJSON_GetObjectItem(r, "languages"), l);
}
static void m_unknown_language(cJSON *r)
{
    cJSON_AddStringToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), "nav.next"),
                            "xx", "?");
}
static void m_format(cJSON *r)
{
    cJSON_ReplaceItemInObject(r, "formatVersion", cJSON_CreateNumber(2));
}
static void m_faces(cJSON *r)
{
    cJSON *faces = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "quickRating"), "faces");
    cJSON_DeleteItemFromArray(faces, 0);
    cJSON_DeleteItemFromArray(faces, 0);
}
static void m_catalog_name(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 0, 0, 0), "choicesFromCatalog",
                              cJSON_CreateString("nosuch"));
}
static void m_kind(cJSON *r)
{
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "journeys"), 2), "kind",
                              cJSON_CreateString("poll"));
}

static void m_c1_in_string(cJSON *r)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), "nav.back"),
                              "default", cJSON_CreateString("Back\xc2\x85"));
}
static void m_c1_in_title(cJSON *r)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(element(r, 0, 0, 2), "title"), "zh-cn",
                              cJSON_CreateString("\xc2\x9b"
                                                 "2J"));
}

static cJSON *zh_phone(cJSON *r)
{
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "languages"), 1), "phone");
}
static void m_phone_format(cJSON *r)
{
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(zh_phone(r), "formats"), 2,
                             cJSON_CreateString("0### ###-####"));
}
static void m_phone_example(cJSON *r)
{
    cJSON_ReplaceItemInObject(zh_phone(r), "example", cJSON_CreateString("138 1234 567"));
}
static void m_phone_formats_empty(cJSON *r)
{
    cJSON_ReplaceItemInObject(zh_phone(r), "formats", cJSON_CreateArray());
}
static void m_required_if(cJSON *r)
{
    cJSON_ReplaceItemInObject(element(r, 3, 0, 4), "requiredIf",
                              cJSON_CreateString("{nosuch} empty"));
}

static cJSON *journey_of(cJSON *r, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(r, "journeys"), i);
}
static void m_completed_if_expr(cJSON *r)
{
    cJSON *c =
        cJSON_GetArrayItem(cJSON_GetObjectItem(journey_of(r, 1), "completedTextOnCondition"), 0);
    cJSON_ReplaceItemInObject(c, "expression", cJSON_CreateString("{nosuch} = false"));
}
static void m_completed_if_text(cJSON *r)
{
    cJSON *c =
        cJSON_GetArrayItem(cJSON_GetObjectItem(journey_of(r, 1), "completedTextOnCondition"), 0);
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(c, "text"), "zh-cn");
}
static void m_completed_if_shape(cJSON *r)
{
    cJSON_ReplaceItemInObject(journey_of(r, 1), "completedTextOnCondition",
                              cJSON_CreateString("{consent} = false"));
}
static void m_completed_if_no_expr(cJSON *r)
{
    cJSON *c =
        cJSON_GetArrayItem(cJSON_GetObjectItem(journey_of(r, 1), "completedTextOnCondition"), 0);
    cJSON_DeleteItemFromObject(c, "expression");
}
static void m_follow_up_phone(cJSON *r)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "settings"), "followUpPhone",
                              cJSON_CreateString("call us"));
}

/* completedTextOnCondition (SurveyJS's completedHtmlOnCondition, as text) and the centre's
 * follow-up phone load from the default pack. */
static void closing_texts_on_condition_and_the_follow_up_phone_load(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    const journey_t *j = content_journey(c, 1);
    REQUIRE(j->ncompleted_if == 1);
    CHECK(j->completed_if[0].expr != NULL);
    CHECK(strstr(content_text(c, &j->completed_if[0].text, "zh-cn"), "不会致电") != NULL);
    CHECK_INT(content_journey(c, 0)->ncompleted_if, 0);
    CHECK_STR(content_settings(c)->follow_up_phone, "010 0000 0000");
    content_free(c);
}

/* The activities catalog, and one of its entries. */
static cJSON *activity(cJSON *r, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "catalogs"), "activities"),
                              i);
}
static void m_act_feb_30(cJSON *r)
{
    cJSON_ReplaceItemInObject(activity(r, 0), "date", cJSON_CreateString("2027-02-29"));
}
static void m_act_date_form(cJSON *r)
{
    cJSON_ReplaceItemInObject(activity(r, 1), "date", cJSON_CreateString("5 Dec 2026"));
}
static void m_act_time_form(cJSON *r)
{
    cJSON_ReplaceItemInObject(activity(r, 2), "time", cJSON_CreateString("9:00-10:30"));
}
static void m_act_time_backwards(cJSON *r)
{
    cJSON_ReplaceItemInObject(activity(r, 2), "time", cJSON_CreateString("15:30-14:00"));
}
static void m_act_no_time(cJSON *r)
{
    cJSON_DeleteItemFromObject(activity(r, 3), "time");
}
static void m_act_no_date(cJSON *r)
{
    cJSON_DeleteItemFromObject(activity(r, 3), "date");
}
static void m_act_detail(cJSON *r)
{
    cJSON *place = cJSON_GetObjectItem(activity(r, 4), "place");
    cJSON_AddItemToObject(activity(r, 4), "detail", cJSON_Duplicate(place, true));
}
static void m_act_place(cJSON *r)
{
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(activity(r, 0), "place"), "zh-cn");
}
static void m_act_when(cJSON *r)
{
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(r, "strings"), "activity.when");
}
static void m_act_weekdays(cJSON *r)
{
    cJSON_ReplaceItemInObject(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), "date.weekdays"), "zh-cn",
        cJSON_CreateString("周一 周二 周三 周四 周五 周六"));
}

/* An activity's date, time, place and description are checked like every other field. */
static void bad_activities_are_refused_with_path_and_reason(void)
{
    expect_error(m_act_feb_30, "$.catalogs.activities[0].date",
                 "'2027-02-29' is not a day of the calendar as YYYY-MM-DD");
    expect_error(m_act_date_form, "$.catalogs.activities[1].date", "'5 Dec 2026' is not a day");
    expect_error(m_act_time_form, "$.catalogs.activities[2].time",
                 "'9:00-10:30' is not a time as \"09:00-10:30\"");
    expect_error(m_act_time_backwards, "$.catalogs.activities[2].time", "start before end");
    expect_error(m_act_no_time, "$.catalogs.activities[3]", "needs its \"time\" too");
    expect_error(m_act_no_date, "$.catalogs.activities[3]", "give its \"date\" too");
    expect_error(m_act_detail, "$.catalogs.activities[4].detail", "leave it out");
    expect_error(m_act_place, "$.catalogs.activities[0].place", "missing translation for 'zh-cn'");
    expect_error(m_act_when, "$.catalogs.activities[0]",
                 "needs the interface string "
                 "'activity.when'");
    expect_error(m_act_weekdays, "$.catalogs.activities[0]",
                 "'date.weekdays' in 'zh-cn' must be 7 names");
}

/* The question of the default pack's activity journey. */
static const question_t *activity_list(const content_t *c)
{
    for (size_t i = 0; i < content_journey_count(c); i++)
        if (strcmp(content_journey(c, i)->id, "activities") == 0)
            return &content_journey(c, i)->q[0];
    return NULL;
}

/* The second line under an activity is its date, time and place in the resident's language. */
static void an_activity_shows_its_day_time_and_place(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    const question_t *q = activity_list(c);
    REQUIRE(q);
    CHECK_INT(q->nchoices, 7);
    const choice_t *taichi = &q->choices[1];
    CHECK_STR(taichi->value, "ACT_2026_12_TAICHI");
    CHECK_INT(taichi->date, 20261205);
    CHECK_STR(taichi->time, "07:30-08:30");
    CHECK_STR(content_text(c, &taichi->detail, "en"), "Sat 5 Dec, 7:30–8:30 · Courtyard");
    CHECK_STR(content_text(c, &taichi->detail, "zh-cn"), "12月5日（周六）7:30–8:30 · 中心庭院");
    CHECK_STR(content_text(c, &taichi->place, "zh-cn"), "中心庭院");
    CHECK(strstr(content_text(c, &taichi->description, "zh-cn"), "志愿者教练") != NULL);
    const choice_t *last = &q->choices[6];
    CHECK_STR(content_text(c, &last->detail, "en"), "Sat 20 Feb, 14:00–16:30 · Main hall");
    for (size_t i = 0; i < q->nchoices; i++)
        CHECK(q->choices[i].date >= 20261202 && q->choices[i].date <= 20270228 &&
              q->choices[i].description.n == 2);
    content_free(c);
}

/* What is over leaves the list by itself, on the day after it; when nothing is left the
 * journey leaves the home screen; an earlier date brings them back. */
static void activities_that_are_over_are_left_out(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    const journey_t *acts = content_journey(c, 3);
    CHECK(!content_set_today(c, 2026, 12, 2)); /* nothing is over yet */
    CHECK_INT(activity_list(c)->nchoices, 7);
    CHECK(content_set_today(c, 2026, 12, 5));
    const question_t *q = activity_list(c);
    CHECK_INT(q->nchoices, 6); /* the health talk of the 3rd is over, tai chi is today */
    CHECK_STR(q->choices[0].value, "ACT_2026_12_TAICHI");
    CHECK(!content_set_today(c, 2026, 12, 5)); /* the same day again changes nothing */
    CHECK(content_set_today(c, 2026, 12, 31));
    CHECK_INT(q->nchoices, 2);
    CHECK_STR(q->choices[0].value, "ACT_2027_01_COUPLETS");
    CHECK_STR(content_text(c, &q->choices[0].detail, "zh-cn"),
              "1月30日（周六）9:00–11:30 · 活动室");
    /* The other journeys' choices are not dated and stay. */
    CHECK_INT(content_journey(c, 1)->q[0].nchoices, 16);
    CHECK(content_set_today(c, 2027, 2, 21));
    CHECK_INT(content_journey_count(c), 3);
    CHECK(activity_list(c) == NULL);
    for (size_t i = 0; i < 3; i++)
        CHECK(content_journey(c, i)->kind != RECORD_ACTIVITY);
    CHECK(content_journey(c, 3) == NULL);
    CHECK(content_set_today(c, 2026, 12, 1));
    CHECK_INT(content_journey_count(c), 4);
    CHECK(content_journey(c, 3) == acts); /* the same journey, at the same address */
    CHECK_INT(activity_list(c)->nchoices, 7);
    content_free(c);
}

static void bad_packs_are_refused_with_path_and_reason(void)
{
    expect_error(m_completed_if_expr, "$.journeys[1].completedTextOnCondition[0].expression",
                 "names 'nosuch'");
    expect_error(m_completed_if_text, "$.journeys[1].completedTextOnCondition[0].text",
                 "missing translation for 'zh-cn'");
    expect_error(m_completed_if_shape, "$.journeys[1].completedTextOnCondition",
                 "expected an array");
    expect_error(m_completed_if_no_expr, "$.journeys[1].completedTextOnCondition[0]",
                 "missing \"expression\"");
    expect_error(m_follow_up_phone, "$.settings.followUpPhone", "expected a phone number");
    expect_error(m_type, "$.journeys[0].pages[0].elements[0].type",
                 "unknown question type 'matrix'");
    expect_error(m_translation, "$.journeys[1].title", "missing translation for 'zh-cn'");
    expect_error(m_dup_catalog, "$.catalogs.topics[2]", "duplicate code 'SERVICE_QUALITY'");
    expect_error(m_dup_name, "$.journeys[0].pages[0].elements[1].name",
                 "duplicate question name 'topic'");
    expect_error(m_visible_if, "$.journeys[0].pages[0].elements[4].visibleIf",
                 "names 'nosuch', which is no earlier question");
    expect_error(m_visible_if_syntax, "$.journeys[0].pages[0].elements[4].visibleIf",
                 "expected an operator");
    expect_error(m_contact_without_consent, "$.journeys[0].pages[0].elements[5]",
                 "no contact detail without consent");
    expect_error(m_missing_string, "$.strings", "missing interface string 'nav.back'");
    expect_error(m_plain_string, "$.journeys[0].pages[0].elements[2].title", "missing translation");
    expect_error(m_new_language, "$.strings.home.title", "missing translation for 'fr'");
    expect_error(m_unknown_language, "$.strings.nav.next.xx", "language 'xx' is not in");
    expect_error(m_format, "$.formatVersion", "format version 2 is not supported");
    expect_error(m_faces, "$.quickRating.faces", "needs 4 or 5 faces");
    expect_error(m_catalog_name, "$.journeys[0].pages[0].elements[0].choicesFromCatalog",
                 "no catalog named 'nosuch'");
    expect_error(m_kind, "$.journeys[2].kind", "unknown journey kind 'poll'");
    expect_error(m_phone_format, "$.languages[1].phone.formats",
                 "format 2 '0### ###-####': a format holds '#' (any digit), digits, spaces");
    expect_error(m_phone_example, "$.languages[1].phone.example",
                 "'138 1234 567' matches none of the formats");
    expect_error(m_phone_formats_empty, "$.languages[1].phone.formats", "expected 1 to 32 formats");
    expect_error(m_required_if, "$.journeys[3].pages[0].elements[4].requiredIf",
                 "names 'nosuch', which is no earlier question");
    /* C1 controls (U+0080..U+009F) are refused like C0 ones, as bytes or as \u escapes. */
    expect_error(m_c1_in_string, "$.strings.nav.back.default", "control characters");
    expect_error(m_c1_in_title, "$.journeys[0].pages[0].elements[2].title.zh-cn",
                 "control characters");
}

/* ---- strict rules: conditions name values their questions have, numbers are numbers ---- */

static struct {
    int journey, page, el;
    const char *field, *src;
} cond;

static void m_condition(cJSON *r)
{
    cJSON *el = element(r, cond.journey, cond.page, cond.el);
    cJSON_DeleteItemFromObject(el, cond.field);
    cJSON_AddStringToObject(el, cond.field, cond.src);
}

/* Loads the default pack with cond.field of element (j, p, e) set to src. */
static int load_condition(int j, int p, int e, const char *field, const char *src,
                          content_error_t *err)
{
    cond.journey = j;
    cond.page = p;
    cond.el = e;
    cond.field = field;
    cond.src = src;
    content_t *c = NULL;
    int rc = load_mutated_pack(m_condition, &c, err);
    content_free(c);
    return rc;
}

static void expect_condition_error(int j, int p, int e, const char *field, const char *src,
                                   const char *reason)
{
    content_error_t err;
    CHECK_INT(load_condition(j, p, e, field, src, &err), KIOSK_EINVAL);
    char path[128];
    snprintf(path, sizeof path, "$.journeys[%d].pages[%d].elements[%d].%s", j, p, e, field);
    CHECK_STR(err.path, path);
    if (!strstr(err.reason, reason)) {
        fprintf(stderr, "%s: reason \"%s\" lacks \"%s\"\n", src, err.reason, reason);
        check_failures++;
    }
}

static void expect_condition_loads(int j, int p, int e, const char *field, const char *src)
{
    content_error_t err;
    int rc = load_condition(j, p, e, field, src, &err);
    if (rc != KIOSK_OK)
        fprintf(stderr, "%s refused: %s: %s\n", src, err.path, err.reason);
    CHECK_INT(rc, KIOSK_OK);
}

static void m_completed_if_value(cJSON *r)
{
    cJSON *c =
        cJSON_GetArrayItem(cJSON_GetObjectItem(journey_of(r, 1), "completedTextOnCondition"), 0);
    cJSON_ReplaceItemInObject(c, "expression", cJSON_CreateString("{urgency} = 'URGNT'"));
}

static void conditions_compare_with_values_their_questions_have(void)
{
    /* The issue's typo: "Sign me up" saved at once, without consent, name or phone. */
    expect_condition_error(3, 0, 2, "visibleIf", "{action} = 'SIGN_UP'",
                           "visibleIf compares {action} with 'SIGN_UP', which no choice of "
                           "'action' has (its values: SIGNUP, INTERESTED)");
    expect_condition_error(3, 0, 2, "visibleIf", "{action} != \"signup\"",
                           "with 'signup', which no choice of 'action' has");
    expect_condition_error(3, 0, 2, "visibleIf", "{activity} = 'TAI_CHI' or {action} = 'SIGNUP'",
                           "no choice of 'activity' has");
    /* Choices from a catalog, a checkbox, a boolean (true or false only), a rating's scale. */
    expect_condition_error(2, 1, 1, "visibleIf", "{wantedServices} = 'ELDERCARE'",
                           "no choice of 'wantedServices' has (its values: PSY_COUNSEL, ");
    expect_condition_error(2, 1, 1, "visibleIf", "{livesAlone} = 'yes'",
                           "with 'yes', which no choice of 'livesAlone' has (its values: true, "
                           "false)");
    expect_condition_error(2, 1, 1, "visibleIf", "{livesAlone} = 1", "with 1, which no choice");
    expect_condition_error(2, 1, 1, "visibleIf", "{visits} = true", "with true, which no choice");
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} = 5",
                           "with 5, which no choice of 'rating' has (its values: 1, 2, 3, 4)");
    /* requiredIf and the closing texts' conditions too. */
    expect_condition_error(3, 0, 4, "requiredIf", "{action} = 'SIGN_UP'", "no choice of 'action'");
    expect_error(m_completed_if_value, "$.journeys[1].completedTextOnCondition[0].expression",
                 "with 'URGNT', which no choice of 'urgency' has (its values: URGENT, SOON, LOW)");
    /* What can hold: a choice's code, a boolean's true or 'false', orderings, typed text. */
    expect_condition_loads(2, 1, 1, "visibleIf",
                           "{visits} = 'WEEKLY' and {wantedServices} != 'OTHER' or "
                           "{livesAlone} = 'false' or {satisfaction} >= 4 or {satisfaction} = 5");
    expect_condition_loads(2, 2, 0, "visibleIf", "{household} = 'anything at all'");
}

static void numbers_in_conditions_are_finite_decimals(void)
{
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} >= nan or {rating} < inf",
                           "'nan' is not a number a question can have");
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} < inf",
                           "'inf' is not a number a question can have");
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} > -Infinity", "'-Infinity' is not");
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} > 1e999", "'1e999' is not a number");
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} > 0x10", "'0x10' is not a number");
    expect_condition_error(0, 0, 2, "visibleIf", "{rating} > SIGNUP",
                           "expected a value ('text', a number, true or false)");
    expect_condition_loads(0, 0, 2, "visibleIf", "{rating} >= 4.5 or {rating} < -1e1");
    expect_condition_loads(0, 0, 2, "visibleIf", "{rating} > .5 and {rating} <= +3.");
}

/* ---- strict rules: placeholders, text lengths, NUL characters ---- */

static cJSON *string_text(cJSON *r, const char *key)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), key);
}
static void set_text(cJSON *lstr, const char *lang, const char *text)
{
    cJSON_DeleteItemFromObject(lstr, lang);
    cJSON_AddStringToObject(lstr, lang, text);
}
static void m_ph_typo(cJSON *r)
{
    set_text(string_text(r, "progress"), "zh-cn", "第 {m} 题，共 {total} 题");
}
static void m_ph_none(cJSON *r)
{
    set_text(string_text(r, "home.title"), "default", "Welcome, {name}");
}
static void m_ph_answer_typo(cJSON *r)
{
    set_text(cJSON_GetObjectItem(element(r, 3, 0, 1), "title"), "zh-cn", "{activty}");
}
static void m_ph_later_answer(cJSON *r)
{
    set_text(cJSON_GetObjectItem(element(r, 1, 0, 1), "title"), "default",
             "Who is it for? (now: {urgency})");
}
static void m_ph_contact(cJSON *r)
{
    set_text(cJSON_GetObjectItem(element(r, 1, 0, 6), "title"), "default", "{name}, your phone");
}
static void m_ph_text_detail(cJSON *r)
{
    set_text(cJSON_GetObjectItem(element(r, 2, 2, 0), "title"), "default", "{household.detail}");
}
static void m_ph_label(cJSON *r)
{
    cJSON *svc =
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "catalogs"), "services"), 0);
    set_text(cJSON_GetObjectItem(svc, "text"), "default", "Counselling {n}");
}
static void m_ph_journey_title(cJSON *r)
{
    set_text(cJSON_GetObjectItem(journey_of(r, 2), "title"), "zh-cn", "问卷 {total}");
}
static void m_ph_fine(cJSON *r)
{
    set_text(cJSON_GetObjectItem(element(r, 1, 0, 2), "title"), "default",
             "How urgent is {service} for {forWhom}? {} { spaced } {service.detail}");
    set_text(string_text(r, "staff.content_failed"), "default", "{name}: {why}");
    set_text(string_text(r, "keyboard.count"), "zh-cn", "{n}/{max}");
    set_text(cJSON_GetObjectItem(element(r, 2, 2, 0), "title"), "default", "{household}?");
}

static void placeholders_are_those_the_kiosk_fills_in(void)
{
    /* The issue's "第 {m} 题": the strings' own placeholders are listed. */
    expect_error(m_ph_typo, "$.strings.progress.zh-cn",
                 "placeholder '{m}' is not one this string has ({n}, {total})");
    expect_error(m_ph_none, "$.strings.home.title.default",
                 "placeholder '{name}' is not one this string has (it has none)");
    /* A question's texts name earlier questions' answers, and only those the flow fills in. */
    expect_error(m_ph_answer_typo, "$.journeys[3].pages[0].elements[1].title.zh-cn",
                 "placeholder '{activty}' is not one this text has (the answers {activity})");
    expect_error(m_ph_later_answer, "$.journeys[1].pages[0].elements[1].title.default",
                 "placeholder '{urgency}' is not one this text has (the answers {service})");
    expect_error(m_ph_contact, "$.journeys[1].pages[0].elements[6].title.default",
                 "placeholder '{name}' is not one");
    /* Only a chosen choice has a detail: a typed answer has none. */
    expect_error(m_ph_text_detail, "$.journeys[2].pages[2].elements[0].title.default",
                 "placeholder '{household.detail}' is not one");
    /* Texts that take none: choice labels from catalogs, journey titles. */
    expect_error(m_ph_label, "$.catalogs.services[0].text.default",
                 "placeholder '{n}' is not one this text has (it has none)");
    expect_error(m_ph_journey_title, "$.journeys[2].title.zh-cn", "placeholder '{total}'");
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(load_mutated_pack(m_ph_fine, &c, &err), KIOSK_OK);
    content_free(c);
    /* Every string of the table is one the loader knows. */
    for (size_t i = 0; content_placeholder_key(i); i++) {
        bool known = strcmp(content_placeholder_key(i), "activity.when") == 0;
        for (size_t k = 0; content_required_strings[k] && !known; k++)
            known = strcmp(content_required_strings[k], content_placeholder_key(i)) == 0;
        for (size_t k = 0; content_staff_strings[k] && !known; k++)
            known = strcmp(content_staff_strings[k], content_placeholder_key(i)) == 0;
        if (!known)
            fprintf(stderr, "placeholder table: unknown string %s\n", content_placeholder_key(i));
        CHECK(known);
    }
}

static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

static struct {
    const char *unit;
    size_t n;
} filler;

static void set_filled(cJSON *lstr, const char *lang)
{
    char *t = repeat(filler.unit, filler.n);
    set_text(lstr, lang, t);
    free(t);
}
static void m_len_journey_title(cJSON *r)
{
    set_filled(cJSON_GetObjectItem(journey_of(r, 0), "title"), "default");
}
static void m_len_catalog_label(cJSON *r)
{
    cJSON *svc =
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "catalogs"), "services"), 0);
    set_filled(cJSON_GetObjectItem(svc, "text"), "zh-cn");
}
static void m_len_description(cJSON *r)
{
    set_filled(cJSON_GetObjectItem(element(r, 1, 0, 2), "description"), "zh-cn");
}
static void m_len_string(cJSON *r)
{
    set_filled(string_text(r, "oos.body"), "default");
}

static int load_filled(void (*mutate)(cJSON *), const char *unit, size_t n, content_error_t *err)
{
    filler.unit = unit;
    filler.n = n;
    content_t *c = NULL;
    int rc = load_mutated_pack(mutate, &c, err);
    content_free(c);
    return rc;
}

static void expect_length_error(void (*mutate)(cJSON *), const char *unit, size_t n,
                                const char *path, const char *reason)
{
    filler.unit = unit;
    filler.n = n;
    expect_error(mutate, path, reason);
}

static void texts_have_lengths_that_keep_screens_fast(void)
{
    /* The issue's 1.9 MB journey title and 1.8 MB Chinese choice label. */
    expect_length_error(m_len_journey_title, "a", 1900000, "$.journeys[0].title.default",
                        "text of 1.9 MB is longer than the 200 characters a title may have");
    expect_length_error(m_len_catalog_label, "字", 600000, "$.catalogs.services[0].text.zh-cn",
                        "text of 1.8 MB is longer than the 200 characters a choice label may "
                        "have");
    /* Characters count, not bytes: 200 Chinese characters (600 bytes) are a title's limit. */
    content_error_t err;
    CHECK_INT(load_filled(m_len_journey_title, "字", 200, &err), KIOSK_OK);
    expect_length_error(m_len_journey_title, "字", 201, "$.journeys[0].title.default",
                        "text of 201 characters is longer than the 200 characters a title");
    CHECK_INT(load_filled(m_len_description, "字", 1000, &err), KIOSK_OK);
    expect_length_error(m_len_description, "w", 1001,
                        "$.journeys[1].pages[0].elements[2].description.zh-cn",
                        "longer than the 1000 characters a description may have");
    CHECK_INT(load_filled(m_len_string, "w", 500, &err), KIOSK_OK);
    expect_length_error(m_len_string, "w", 20000, "$.strings.oos.body.default",
                        "text of 20 kB is longer than the 500 characters an interface string");
}

/* The default pack's text with the first from replaced by to (to_len bytes: may hold NUL). */
static int load_replaced(const char *from, const char *to, size_t to_len, content_error_t *err)
{
    size_t len;
    char *json = read_default_pack(&len);
    char *at = json ? strstr(json, from) : NULL;
    if (!at) {
        fprintf(stderr, "no %s in the default pack\n", from);
        free(json);
        return -100;
    }
    size_t head = (size_t)(at - json), from_len = strlen(from);
    char *out = malloc(len - from_len + to_len + 1);
    memcpy(out, json, head);
    memcpy(out + head, to, to_len);
    memcpy(out + head + to_len, at + from_len, len - head - from_len + 1);
    content_t *c = NULL;
    int rc = content_load(out, len - from_len + to_len, "replaced.json", &c, err);
    content_free(c);
    free(out);
    free(json);
    return rc;
}

static void expect_nul(const char *from, const char *to, size_t to_len, const char *path,
                       const char *reason)
{
    content_error_t err;
    CHECK_INT(load_replaced(from, to, to_len, &err), KIOSK_EINVAL);
    CHECK_STR(err.path, path);
    if (!strstr(err.reason, reason)) {
        fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", err.reason, reason);
        check_failures++;
    }
}

static void a_nul_character_is_refused_where_it_would_cut_a_name_short(void)
{
    const char *name = "$.journeys[3].pages[0].elements[0].name";
    const char *q = "\"name\": \"activity\"";
    static const char esc[] = "\"name\": \"activ\\u0000ity\"";
    expect_nul(q, esc, sizeof esc - 1, name, "a NUL character in a");
    static const char raw[] = "\"name\": \"activ\0ity\"";
    expect_nul(q, raw, sizeof raw - 1, name, "a NUL character in a");
    static const char value[] = "\"value\": \"SIGNUP\\u0000x\"";
    expect_nul("\"value\": \"SIGNUP\"", value, sizeof value - 1,
               "$.journeys[3].pages[0].elements[1].choices[0].value", "a NUL character in a");
    static const char key[] = "\"name\\u0000\": \"activity\"";
    expect_nul(q, key, sizeof key - 1, "$.journeys[3].pages[0].elements[0].name",
               "a NUL character"); /* the lint pass finds it first, in the key */
    static const char text[] = "\"default\": \"Psychological\\u0000 counseling\"";
    expect_nul("\"default\": \"Psychological counseling\"", text, sizeof text - 1,
               "$.catalogs.services[0].text.default", "a NUL character in a text");
    /* An escaped backslash before "u0000" is text, not a NUL. */
    static const char fine[] = "\"default\": \"Psychological counseling \\\\u0000\"";
    content_error_t err;
    CHECK_INT(
        load_replaced("\"default\": \"Psychological counseling\"", fine, sizeof fine - 1, &err),
        KIOSK_OK);
}

/* ---- languages: direction, fonts, codes in any case ---- */

static cJSON *language_of(cJSON *r, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(r, "languages"), i);
}
static void m_rtl_language(cJSON *r)
{
    pack_add_language(r, "ug-Arab", "ئۇيغۇرچە", "rtl", "");
    cJSON *fonts = cJSON_CreateArray();
    cJSON_AddItemToArray(fonts, cJSON_CreateString("Noto Sans Arabic UI"));
    cJSON_AddItemToArray(fonts, cJSON_CreateString("Noto Sans"));
    cJSON_AddItemToObject(language_of(r, 2), "fonts", fonts);
    cJSON_AddStringToObject(language_of(r, 1), "dir", "ltr");
    /* a translation keyed in another case than the language's code */
    cJSON *back = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "strings"), "nav.back");
    cJSON_DeleteItemFromObject(back, "zh-cn");
    cJSON_AddStringToObject(back, "ZH-CN", "返回了");
}
static void m_dir_word(cJSON *r)
{
    cJSON_AddStringToObject(language_of(r, 1), "dir", "right-to-left");
}
static void m_dir_type(cJSON *r)
{
    cJSON_AddTrueToObject(language_of(r, 0), "dir");
}
static void m_fonts_string(cJSON *r)
{
    cJSON_AddStringToObject(language_of(r, 1), "fonts", "Noto Sans CJK SC");
}
static void m_fonts_empty(cJSON *r)
{
    cJSON_AddItemToObject(language_of(r, 1), "fonts", cJSON_CreateArray());
}
static void m_fonts_item(cJSON *r)
{
    cJSON *fonts = cJSON_CreateArray();
    cJSON_AddItemToArray(fonts, cJSON_CreateString("Noto Sans CJK SC"));
    cJSON_AddItemToArray(fonts, cJSON_CreateNumber(3));
    cJSON_AddItemToObject(language_of(r, 1), "fonts", fonts);
}
static void m_fonts_blank(cJSON *r)
{
    cJSON *fonts = cJSON_CreateArray();
    cJSON_AddItemToArray(fonts, cJSON_CreateString(""));
    cJSON_AddItemToObject(language_of(r, 0), "fonts", fonts);
}
static void m_code_twice_in_two_cases(cJSON *r)
{
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "code", "ZH-CN");
    cJSON_AddStringToObject(l, "name", "简体中文");
    cJSON_AddItemToArray(cJSON_GetObjectItem(r, "languages"), l);
}
static void m_default_in_capitals(cJSON *r)
{
    cJSON_ReplaceItemInObject(r, "defaultLanguage", cJSON_CreateString("EN"));
}

static void languages_say_direction_and_fonts(void)
{
    content_error_t err;
    content_t *c = NULL;
    REQUIRE(load_mutated_pack(m_rtl_language, &c, &err) == KIOSK_OK);
    CHECK_INT(content_language_count(c), 3);
    CHECK(content_lang_rtl(c, "ug-Arab"));
    CHECK(content_lang_rtl(c, "UG-arab")); /* any case */
    CHECK(!content_lang_rtl(c, "zh-cn"));  /* "ltr" said */
    CHECK(!content_lang_rtl(c, "en"));     /* the default */
    CHECK(!content_lang_rtl(c, "fr"));     /* not in the pack */
    const char *fonts[4] = {NULL};
    CHECK_INT(content_lang_fonts(c, "ug-arab", fonts, 4), 2);
    CHECK_STR(fonts[0], "Noto Sans Arabic UI");
    CHECK_STR(fonts[1], "Noto Sans");
    CHECK_INT(content_lang_fonts(c, "ug-Arab", fonts, 1), 2); /* how many, even beyond max */
    CHECK_INT(content_lang_fonts(c, "zh-cn", fonts, 4), 0);
    CHECK_INT(content_lang_fonts(c, "xx", fonts, 4), 0);
    CHECK_STR(content_language(c, 2)->name, "ئۇيغۇرچە");
    /* "ZH-CN" in a string is zh-cn's text */
    CHECK_STR(content_string(c, "nav.back", "zh-cn"), "返回了");
    content_free(c);

    expect_error(m_dir_word, "$.languages[1].dir", "expected \"ltr\" or \"rtl\"");
    expect_error(m_dir_type, "$.languages[0].dir", "expected a non-empty string");
    expect_error(m_fonts_string, "$.languages[1].fonts", "expected 1 to 16 font family names");
    expect_error(m_fonts_empty, "$.languages[1].fonts", "expected 1 to 16");
    expect_error(m_fonts_item, "$.languages[1].fonts[1]", "expected a font family name");
    expect_error(m_fonts_blank, "$.languages[0].fonts[0]", "expected a font family name");
    expect_error(m_code_twice_in_two_cases, "$.languages[2]", "duplicate language code 'ZH-CN'");
}

/* BCP 47 codes are case-insensitive: "zh-CN" is the pack's "zh-cn", which stays the spelling. */
static void language_codes_compare_in_any_case(void)
{
    content_t *c = load_default_pack();
    REQUIRE(c);
    CHECK_INT(content_language_index(c, "ZH-cn"), 1);
    CHECK_INT(content_language_index(c, "EN"), 0);
    CHECK_STR(content_string(c, "nav.back", "ZH-CN"), content_string(c, "nav.back", "zh-cn"));
    CHECK(content_lang_same("zh-Hant-TW", "ZH-hant-tw"));
    CHECK(!content_lang_same("zh-tw", "zh-t"));
    CHECK(!content_lang_same("zh-tw", NULL));
    CHECK(content_lang_same(NULL, NULL));
    content_free(c);

    content_error_t err;
    REQUIRE(load_mutated_pack(m_default_in_capitals, &c, &err) == KIOSK_OK);
    CHECK_STR(content_default_lang(c), "en"); /* the language's own spelling */
    CHECK_STR(content_string(c, "nav.back", "fr"), content_string(c, "nav.back", "en"));
    content_free(c);
}

static void invalid_json_names_line_and_column(void)
{
    const char *json = "{\n  \"formatVersion\": 1,\n  \"id\": \"x\" \"version\": 2\n}";
    content_t *c;
    content_error_t err;
    CHECK_INT(content_load(json, strlen(json), "broken.json", &c, &err), KIOSK_EINVAL);
    CHECK_STR(err.file, "broken.json");
    CHECK(strstr(err.reason, "invalid JSON near line 3") != NULL);
    CHECK_INT(content_load("[1,2]", 5, "array.json", &c, &err), KIOSK_EINVAL);
    CHECK(strstr(err.reason, "top level") != NULL);
    CHECK_INT(content_load("", 0, "empty.json", &c, &err), KIOSK_EINVAL);
    /* Not UTF-8 inside a string. */
    const char *bad = "{\"formatVersion\":1,\"id\":\"\xff\xfe\",\"version\":\"1\"}";
    CHECK_INT(content_load(bad, strlen(bad), "bytes.json", &c, &err), KIOSK_EINVAL);
    CHECK_STR(err.path, "$.id");
    const char *escaped = "{\"formatVersion\":1,\"id\":\"a\\u0085b\",\"version\":\"1\"}";
    CHECK_INT(content_load(escaped, strlen(escaped), "c1.json", &c, &err), KIOSK_EINVAL);
    CHECK_STR(err.path, "$.id");
    CHECK(strstr(err.reason, "control characters") != NULL);
}

static void m_add_question(cJSON *r)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "journeys"), 2);
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "pages"), 0);
    cJSON *el = cJSON_Parse("{\"type\":\"boolean\",\"name\":\"volunteer\",\"title\":{\"default\":"
                            "\"Would you volunteer?\",\"zh-cn\":\"您愿意做志愿者吗？\"},"
                            "\"visibleIf\":\"{satisfaction} >= 4 and {visits} = 'WEEKLY'\"}");
    cJSON_AddItemToArray(cJSON_GetObjectItem(p, "elements"), el);
}

static void adding_a_question_needs_no_rebuild(void)
{
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(load_mutated_pack(m_add_question, &c, &err), KIOSK_OK);
    REQUIRE(c);
    const journey_t *j = content_journey(c, 2);
    CHECK_INT(j->nq, 8);
    bool found = false;
    for (size_t i = 0; i < j->nq; i++)
        found = found || strcmp(j->q[i].name, "volunteer") == 0;
    CHECK(found);
    content_free(c);
}

/* Every text a pack holds is handed out with its language and place (for the font check). */
typedef struct {
    int n, en, zh, stop_at;
    bool title_zh, name_zh, face_default, path_ok;
} texts_seen_t;

static bool see_text(void *ud, const char *lang, const char *path, const char *text)
{
    texts_seen_t *t = ud;
    t->n++;
    t->en += strcmp(lang, "en") == 0;
    t->zh += strcmp(lang, "zh-cn") == 0;
    if (strcmp(path, "$.strings.home.title.zh-cn") == 0)
        t->title_zh = strcmp(lang, "zh-cn") == 0 && strcmp(text, "欢迎来到社区服务中心") == 0;
    if (strcmp(path, "$.languages[1].name") == 0)
        t->name_zh = strcmp(lang, "zh-cn") == 0 && strcmp(text, "简体中文") == 0;
    if (strcmp(path, "$.strings.home.title.default") == 0)
        t->face_default = strcmp(lang, "en") == 0;
    t->path_ok = t->path_ok && path[0] == '$';
    return t->n != t->stop_at;
}

static void every_text_comes_with_its_language_and_place(void)
{
    size_t len;
    char *json = read_default_pack(&len);
    REQUIRE(json != NULL);
    texts_seen_t t = {.path_ok = true};
    CHECK_INT(content_each_text(json, len, see_text, &t), KIOSK_OK);
    CHECK(t.title_zh && t.name_zh && t.face_default && t.path_ok);
    CHECK(t.zh > 200 && t.en > t.zh); /* English: the default texts and the plain strings */
    CHECK_INT(t.en + t.zh, t.n);
    texts_seen_t stop = {.stop_at = 5, .path_ok = true};
    CHECK_INT(content_each_text(json, len, see_text, &stop), KIOSK_OK);
    CHECK_INT(stop.n, 5);
    CHECK_INT(content_each_text("{\"a\": [1,", 9, see_text, &stop), KIOSK_EINVAL);
    free(json);
}

/* ---- recorded prompts: "audio" ---- */

static void add_audio(cJSON *r, const char *key, const char *lang, cJSON *path)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "audio");
    if (!a)
        cJSON_AddItemToObject(r, "audio", a = cJSON_CreateObject());
    cJSON *k = cJSON_GetObjectItemCaseSensitive(a, key);
    if (!k)
        cJSON_AddItemToObject(a, key, k = cJSON_CreateObject());
    cJSON_AddItemToObject(k, lang, path);
}

static void m_audio_ok(cJSON *r)
{
    add_audio(r, "home.title", "zh-CN", cJSON_CreateString("prompts/zh/home-title.ogg"));
    add_audio(r, "home.title", "en", cJSON_CreateString("home.opus"));
    add_audio(r, "nav.next", "en", cJSON_CreateString("a/b/next.OGG"));
    add_audio(r, "$.journeys[0].title", "zh-cn", cJSON_CreateString("j0.ogg"));
    add_audio(r, "$.journeys[0].pages[0].elements[0].title", "en", cJSON_CreateString("q.ogg"));
}
static void m_audio_path_missing(cJSON *r)
{
    add_audio(r, "$.journeys[99].title", "en", cJSON_CreateString("a.ogg"));
}
static void m_audio_path_object(cJSON *r)
{
    add_audio(r, "$.journeys[0]", "en", cJSON_CreateString("a.ogg"));
}
static void m_audio_array(cJSON *r)
{
    cJSON_AddItemToObject(r, "audio", cJSON_CreateArray());
}
static void m_audio_key(cJSON *r)
{
    add_audio(r, "home.titel", "en", cJSON_CreateString("a.ogg"));
}
static void m_audio_lang(cJSON *r)
{
    add_audio(r, "home.title", "bo", cJSON_CreateString("a.ogg"));
}
static void m_audio_number(cJSON *r)
{
    add_audio(r, "home.title", "en", cJSON_CreateNumber(3));
}
static void m_audio_absolute(cJSON *r)
{
    add_audio(r, "home.title", "en", cJSON_CreateString("/etc/a.ogg"));
}
static void m_audio_climbs(cJSON *r)
{
    add_audio(r, "home.title", "en", cJSON_CreateString("prompts/../../a.ogg"));
}
static void m_audio_wav(cJSON *r)
{
    add_audio(r, "home.title", "en", cJSON_CreateString("a.wav"));
}
static void m_audio_empty(cJSON *r)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddItemToObject(a, "home.title", cJSON_CreateObject());
    cJSON_AddItemToObject(r, "audio", a);
}

static void recorded_prompts_load_and_are_checked(void)
{
    content_t *c = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(m_audio_ok, &c, &err) == KIOSK_OK);
    CHECK_INT(content_prompt_count(c), 5);
    CHECK_STR(content_prompt(c, "home.title", "zh-cn"), "prompts/zh/home-title.ogg");
    CHECK_STR(content_prompt_at(c, 0)->lang, "zh-cn"); /* the pack's spelling */
    CHECK_STR(content_prompt(c, "home.title", "EN"), "home.opus");
    CHECK(content_prompt(c, "nav.back", "en") == NULL);
    CHECK(content_prompt_at(c, 5) == NULL);
    /* a journey's texts, named by their JSON path: the words in that language */
    const journey_t *j = content_journey(c, 0);
    CHECK_STR(content_prompt_for_text(c, content_text(c, &j->title, "zh-cn"), "zh-cn"), "j0.ogg");
    CHECK(content_prompt_for_text(c, content_text(c, &j->title, "en"), "en") == NULL);
    CHECK_STR(content_prompt_for_text(c, content_text(c, &j->q[0].title, "en"), "en"), "q.ogg");
    /* by the text said, even wrapped */
    CHECK_STR(content_prompt_for_text(c, "Welcome to the\nCommunity Center", "en"), "home.opus");
    CHECK(content_prompt_for_text(c, "Welcome", "en") == NULL);
    content_free(c);
    c = load_default_pack();
    REQUIRE(c);
    CHECK_INT(content_prompt_count(c), 0); /* optional */
    content_free(c);
    expect_error(m_audio_array, "$.audio", "expected an object of recorded prompts");
    expect_error(m_audio_key, "$.audio.home.titel", "no interface string 'home.titel'");
    expect_error(m_audio_lang, "$.audio.home.title.bo", "not a language of the pack");
    expect_error(m_audio_number, "$.audio.home.title.en", "relative to the pack file");
    expect_error(m_audio_absolute, "$.audio.home.title.en", "not an absolute one");
    expect_error(m_audio_climbs, "$.audio.home.title.en", "\"..\"");
    expect_error(m_audio_wav, "$.audio.home.title.en", "Ogg Vorbis or Opus");
    expect_error(m_audio_empty, "$.audio.home.title", "prompt files by language");
    expect_error(m_audio_path_missing, "$.audio.$.journeys[99].title", "no text at this place");
    expect_error(m_audio_path_object, "$.audio.$.journeys[0].en", "no text at $.journeys[0]");
}

int main(void)
{
    RUN(default_pack_loads_with_every_journey);
    RUN(every_text_comes_with_its_language_and_place);
    RUN(unknown_language_falls_back_to_default);
    RUN(staff_strings_fall_back_to_the_default_language);
    RUN(staff_strings_a_pack_lacks_come_from_the_builtin_pack);
    RUN(closing_texts_on_condition_and_the_follow_up_phone_load);
    RUN(bad_packs_are_refused_with_path_and_reason);
    RUN(bad_activities_are_refused_with_path_and_reason);
    RUN(conditions_compare_with_values_their_questions_have);
    RUN(numbers_in_conditions_are_finite_decimals);
    RUN(placeholders_are_those_the_kiosk_fills_in);
    RUN(texts_have_lengths_that_keep_screens_fast);
    RUN(a_nul_character_is_refused_where_it_would_cut_a_name_short);
    RUN(an_activity_shows_its_day_time_and_place);
    RUN(activities_that_are_over_are_left_out);
    RUN(languages_say_direction_and_fonts);
    RUN(language_codes_compare_in_any_case);
    RUN(invalid_json_names_line_and_column);
    RUN(adding_a_question_needs_no_rebuild);
    RUN(recorded_prompts_load_and_are_checked);
    return check_failures != 0;
}
