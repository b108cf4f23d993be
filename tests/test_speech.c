/* What the kiosk says (core/speech.c): for each screen of every journey in both languages, the
 * utterances handed to the speaker, driven as test_layout drives the flow, with fake text
 * metrics; speech on by help, by the display choices and by a headset; off at the visit's end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "core/kerr.h"
#include "core/speech.h"
#include "core/view.h"
#include "fake_ime.h"
#include "pack_util.h"

static content_t *pack;
static view_t view;
static speech_t sp;
static speech_out_t out;
static int screens_heard, codes_heard, phones_heard;

static int fake_width(void *ud, int px, bool bold, const char *s, size_t len)
{
    (void)ud;
    (void)bold;
    int w = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        w += n >= 3 ? px : px * 6 / 10;
        i += n;
    }
    return w;
}

static int fake_line_height(void *ud, int px, bool bold)
{
    (void)ud;
    (void)bold;
    return px * 13 / 10;
}

static const text_metrics_t metrics = {fake_width, fake_line_height, NULL};

/* Builds the view as the app does (the ring resolved) and asks what to say. */
static void hear(flow_t *f, int64_t now)
{
    view_build(&view, f, 800, 480, &metrics, now, NULL);
    if (flow_focus(f) == FLOW_FOCUS_START || flow_focus(f) == FLOW_FOCUS_CANDIDATES)
        flow_set_focus(f, view.focus_index);
    speech_update(&sp, f, &view, &out);
}

/* s without spaces or line breaks: wrapping may move them, never the words. */
static void squeeze(char *dst, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++)
        if (*s != ' ' && *s != '\n')
            dst[k++] = *s;
    dst[k] = '\0';
}

/* Whether one utterance says text (spaces aside). */
static bool said(const char *text)
{
    char want[1024], got[1024];
    squeeze(want, sizeof want, text);
    for (size_t i = 0; i < out.n; i++) {
        squeeze(got, sizeof got, out.u[i].text);
        if (strcmp(got, want) == 0)
            return true;
    }
    return false;
}

static void dump(const char *what)
{
    fprintf(stderr, "  %s:\n", what);
    for (size_t i = 0; i < out.n; i++)
        fprintf(stderr, "    [%s] %s\n", out.u[i].lang, out.u[i].text);
}

/* Every utterance non-empty and in the view's language. */
static void check_utterances(const char *what)
{
    CHECK(out.n > 0);
    if (out.n == 0)
        dump(what);
    for (size_t i = 0; i < out.n; i++) {
        CHECK(out.u[i].text[0] != '\0');
        CHECK_STR(out.u[i].lang, view.lang);
    }
}

/* A question screen just opened: its title and the target under the ring are said. */
static void check_question_opened(flow_t *f, const char *what)
{
    char title[512];
    flow_question_title(f, title, sizeof title);
    check_utterances(what);
    CHECK(said(title));
    if (!said(title))
        dump(what);
    const widget_t *t =
        view.focus_index >= 0 ? view_focusable(&view, (size_t)view.focus_index) : NULL;
    if (t && t->text && t->text[0] && t->kind != W_FIELD)
        CHECK(said(t->text));
    screens_heard++;
}

/* The ring moves on: the new target's words, and nothing of the screen again. */
static void check_ring_moves(flow_t *f, int64_t now)
{
    if (view.focusable < 2)
        return;
    flow_nav(f, NAV_NEXT, view.focusable, now);
    hear(f, now);
    const widget_t *t = view_focusable(&view, (size_t)view.focus_index);
    CHECK(out.stop); /* the sentence being read stops */
    if (t->text && t->text[0]) {
        CHECK(out.n >= 1);
        char a[512], b[512];
        squeeze(a, sizeof a, t->text);
        squeeze(b, sizeof b, out.n ? out.u[0].text : "");
        CHECK(strstr(b, a) != NULL || strstr(a, b) != NULL);
    }
    flow_nav(f, NAV_PREV, view.focusable, now);
    hear(f, now);
}

/* A phone number typed digit by digit: each digit said alone, as typed. */
static void type_phone(flow_t *f, int64_t now)
{
    const char *digits = "13800138000";
    for (const char *d = digits; *d; d++) {
        char one[2] = {*d, '\0'};
        flow_text(f, one, now);
        hear(f, now);
        CHECK_INT(out.n, 1);
        CHECK_STR(out.n ? out.u[0].text : "", one);
    }
    /* help again: the screen once more, the number digit by digit in its groups */
    flow_help(f, view.focusable, now);
    hear(f, now);
    CHECK(said("1 3 8, 0 0 1 3, 8 0 0 0") || said("1 3 8 0 0 1 3 8 0 0 0"));
    if (strcmp(flow_lang(f), "zh-cn") == 0) /* grouped as Chinese numbers are written */
        CHECK(said("1 3 8, 0 0 1 3, 8 0 0 0"));
    phones_heard++;
}

/* The words of the answer button (act, arg) on screen, for hearing them said once pressed. */
static char chosen_words[256];

static void press_choice(flow_t *f, action_t act, int arg, int64_t now)
{
    chosen_words[0] = '\0';
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].action == act && view.w[i].arg == arg && view.w[i].text)
            snprintf(chosen_words, sizeof chosen_words, "%s", view.w[i].text);
    CHECK(chosen_words[0] != '\0');
    flow_activate(f, act, arg, NULL, now);
}

/* A single press answered and moved on: the screen it led to opens with the choice said. */
static void check_choice_said(flow_t *f, const char *what)
{
    if (!chosen_words[0])
        return;
    char want[256], got[256];
    squeeze(want, sizeof want, chosen_words); /* the button's words, wrapped */
    squeeze(got, sizeof got, out.n >= 2 ? out.u[0].text : "");
    CHECK(out.n >= 2);
    CHECK_STR(got, want);
    CHECK_STR(out.n >= 2 ? out.u[1].text : "",
              content_string(pack, "speech.selected", flow_lang(f)));
    if (strcmp(got, want) != 0)
        dump(what);
    chosen_words[0] = '\0';
}

static void answer(flow_t *f, const question_t *q, int64_t now)
{
    chosen_words[0] = '\0';
    switch (q->type) {
    case Q_BOOLEAN:
        press_choice(f, ACT_CHOICE, 1, now);
        break;
    case Q_RATING:
    case Q_RADIOGROUP:
        press_choice(f, ACT_CHOICE, 0, now);
        break;
    case Q_CHECKBOX:
        flow_activate(f, ACT_CHOICE, 0, NULL, now);
        hear(f, now); /* the choice just made: ticked */
        CHECK(said(content_string(pack, "speech.selected", flow_lang(f))));
        flow_activate(f, ACT_NEXT, 0, NULL, now);
        break;
    case Q_TEXT:
    case Q_COMMENT:
        if (q->input == INPUT_TEL) {
            type_phone(f, now);
        } else {
            const char *one = q->input == INPUT_NUMBER ? "7" : "a";
            flow_text(f, one, now);
            hear(f, now); /* the character typed, alone */
            CHECK_INT(out.n, 1);
            CHECK_STR(out.n ? out.u[0].text : "", one);
        }
        flow_activate(f, ACT_NEXT, 0, NULL, now);
        break;
    }
}

static void walk_journey(size_t ji, const char *lang)
{
    flow_t *f = flow_new(pack, "k", 0);
    REQUIRE(f);
    flow_set_home_lang(f, lang);
    speech_init(&sp);
    flow_help(f, 0, 1); /* by the help button: speech and the ring */
    hear(f, 1);
    check_utterances("home");
    flow_activate(f, ACT_JOURNEY, (int)ji, NULL, 2);
    flow_nav(f, NAV_NEXT, 0, 2); /* a button user: the ring on each new screen */
    int64_t now = 3;
    record_t *rec;
    for (int guard = 0;
         guard < 40 && flow_screen(f) == SCREEN_QUESTION && flow_pending_op(f, &rec) == OP_NONE;
         guard++, now++) {
        const question_t *q = flow_question(f);
        char what[128];
        snprintf(what, sizeof what, "%s journey %zu question %s", lang, ji, q->name);
        hear(f, now);
        check_choice_said(f, what);
        check_question_opened(f, what);
        check_ring_moves(f, now);
        answer(f, q, now);
    }
    if (flow_pending_op(f, &rec) == OP_SAVE) {
        strcpy(rec->ref_code, "3TRET4");
        flow_op_done(f, KIOSK_OK, now);
        hear(f, now);
        check_utterances("thanks");
        check_choice_said(f, "thanks");
        if (flow_ref_code(f)[0]) {
            CHECK(said("3 T R, E T 4")); /* the code character by character, grouped */
            codes_heard++;
            if (!said("3 T R, E T 4"))
                dump("thanks with a code");
        }
        flow_activate(f, ACT_DONE, 0, NULL, now + 1);
        CHECK(!flow_speech(f)); /* the visit is over */
    }
    flow_free(f);
}

static void every_screen_of_every_journey_is_said_in_both_languages(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++)
        for (size_t j = 0; j < content_journey_count(pack); j++)
            walk_journey(j, langs[l]);
    fprintf(stderr, "  %d screens heard\n", screens_heard);
    CHECK(screens_heard > 20);
    CHECK(codes_heard > 0);
    CHECK(phones_heard > 0);
}

/* The home screen, exactly: its title, its question, the faces' words, then the target. */
static void home_is_said_exactly(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++) {
        flow_t *f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, langs[l]);
        speech_init(&sp);
        hear(f, 0);
        flow_help(f, view.focusable, 1);
        hear(f, 1);
        REQUIRE(out.n >= 2 + content_face_count(pack));
        CHECK_STR(out.u[0].text, content_string(pack, "home.title", langs[l]));
        CHECK(said(content_string(pack, "home.rate_prompt", langs[l])));
        for (size_t i = 0; i < content_face_count(pack); i++)
            CHECK(said(content_text(pack, &content_face(pack, i)->text, langs[l])));
        CHECK_STR(out.u[out.n - 1].text,
                  content_text(pack, &content_face(pack, 0)->text, langs[l]));
        CHECK(out.stop);
        /* a staff notice on the home screen is for staff: not read out */
        speech_init(&sp);
        view_build(&view, f, 800, 480, &metrics, 1, content_string(pack, "notice.fallback", "en"));
        speech_update(&sp, f, &view, &out);
        CHECK(out.n > 0 && !said(content_string(pack, "notice.fallback", "en")));
        /* nothing changed: nothing said */
        hear(f, 2);
        CHECK_INT(out.n, 0);
        CHECK(!out.stop);
        flow_free(f);
    }
    /* one literal: the first screen in Chinese opens with its title */
    CHECK_STR(content_string(pack, "home.title", "zh-cn"), "欢迎来到社区服务中心");
}

/* A face pressed on the home screen: the thank-you opens with the rating said. */
static void quick_rating_is_said(void)
{
    const char *langs[] = {"en", "zh-cn"};
    for (size_t l = 0; l < 2; l++) {
        flow_t *f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, langs[l]);
        speech_init(&sp);
        flow_help(f, 0, 1);
        hear(f, 1);
        press_choice(f, ACT_FACE, 2, 2);
        record_t *rec;
        REQUIRE(flow_pending_op(f, &rec) == OP_SAVE);
        flow_op_done(f, KIOSK_OK, 3);
        hear(f, 3);
        char want[256], got[256];
        squeeze(want, sizeof want, content_text(pack, &content_face(pack, 2)->text, langs[l]));
        squeeze(got, sizeof got, chosen_words);
        CHECK_STR(got, want);
        check_choice_said(f, "quick rating");
        flow_free(f);
    }
}

static void spelled_codes_and_numbers(void)
{
    char buf[128];
    speech_spell("3TR ET4", buf, sizeof buf);
    CHECK_STR(buf, "3 T R, E T 4");
    speech_spell("138 1234 5678", buf, sizeof buf);
    CHECK_STR(buf, "1 3 8, 1 2 3 4, 5 6 7 8");
    speech_spell("+86", buf, sizeof buf);
    CHECK_STR(buf, "+ 8 6");
    speech_spell("3TR ET4", buf, 5); /* cut short, never past the buffer */
    CHECK_STR(buf, "3 T");
}

static void speech_off_says_nothing_and_stops(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    speech_init(&sp);
    hear(f, 1);
    CHECK_INT(out.n, 0);
    CHECK(!out.stop);
    flow_set_speech(f, true); /* a headset plugged in */
    hear(f, 2);
    CHECK(out.n > 0);
    flow_activate(f, ACT_DISPLAY, 0, NULL, 3);
    hear(f, 3);
    CHECK(said(content_string(pack, "display.title", "en")));
    const widget_t *sw = NULL; /* the display choices' speech switch, ticked */
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].action == ACT_SPEECH)
            sw = &view.w[i];
    REQUIRE(sw);
    CHECK(sw->checked);
    CHECK_STR(sw->text, content_string(pack, "display.speech", "en"));
    flow_activate(f, ACT_SPEECH, 0, NULL, 4); /* the display choices' switch: off */
    CHECK(!flow_speech(f));
    hear(f, 4);
    CHECK_INT(out.n, 0);
    CHECK(out.stop);                          /* silence at once */
    flow_activate(f, ACT_SPEECH, 0, NULL, 5); /* and on again */
    CHECK(flow_speech(f));
    hear(f, 5);
    CHECK(out.n > 0);
    flow_free(f);
}

static void speech_lasts_for_the_visit(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    flow_activate(f, ACT_DISPLAY, 0, NULL, 1);
    flow_activate(f, ACT_SPEECH, 0, NULL, 1);
    flow_activate(f, ACT_DISPLAY_CLOSE, 0, NULL, 1);
    flow_activate(f, ACT_JOURNEY, 0, NULL, 2);
    CHECK(flow_speech(f)); /* through the journey */
    flow_activate(f, ACT_HOME, 0, NULL, 3);
    flow_activate(f, ACT_LEAVE_GO, 0, NULL, 4);
    CHECK(flow_speech(f)); /* through Home */
    int64_t idle = (int64_t)content_settings(pack)->idle_timeout_s * 1000;
    int64_t count = (int64_t)content_settings(pack)->idle_countdown_s * 1000;
    flow_activate(f, ACT_JOURNEY, 0, NULL, 5);
    flow_tick(f, 5 + idle + 1);
    flow_tick(f, 5 + idle + count + 2);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(!flow_speech(f)); /* the idle timeout ends the visit */
    /* help: on, then a second press asks for the screen again */
    CHECK(flow_help(f, 3, 10));
    CHECK(flow_speech(f));
    unsigned r = flow_speech_repeat(f);
    speech_init(&sp);
    hear(f, 11);
    CHECK(out.n > 0);
    hear(f, 11);
    CHECK_INT(out.n, 0);
    flow_help(f, view.focusable, 12);
    CHECK_INT(flow_speech_repeat(f), r + 1);
    hear(f, 12);
    CHECK(said(content_string(pack, "home.title", "en")));
    flow_abandon(f, 13); /* staff took over */
    CHECK(!flow_speech(f));
    flow_free(f);
}

/* The Chinese input's candidates, numbered; each change said again. */
static void candidates_are_numbered(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    for (size_t ji = 0; ji < content_journey_count(pack); ji++) {
        flow_t *f = flow_new(pack, "k", 0);
        flow_set_home_lang(f, "zh-cn");
        flow_set_ime(f, &e);
        flow_set_speech(f, true);
        speech_init(&sp);
        flow_activate(f, ACT_JOURNEY, (int)ji, NULL, 1);
        for (int guard = 0; guard < 40 && flow_screen(f) == SCREEN_QUESTION; guard++) {
            const question_t *q = flow_question(f);
            hear(f, 2);
            if ((q->type == Q_TEXT || q->type == Q_COMMENT) && q->input == INPUT_TEXT) {
                flow_activate(f, ACT_IME_MODE, IME_PINYIN, NULL, 3);
                hear(f, 3);
                flow_activate(f, ACT_KEY, 0, "n", 4);
                flow_activate(f, ACT_KEY, 0, "i", 4);
                hear(f, 4);
                CHECK(said("第1个 你"));
                if (!said("第1个 你"))
                    dump("candidates");
                flow_free(f);
                return;
            }
            answer(f, q, 2);
        }
        flow_free(f);
    }
    CHECK(!"no text question with the pinyin input");
}

static void m_prompts(cJSON *r)
{
    cJSON *a = cJSON_CreateObject(), *t = cJSON_CreateObject();
    cJSON_AddItemToObject(t, "zh-cn", cJSON_CreateString("zh/home-title.ogg"));
    cJSON_AddItemToObject(a, "home.title", t);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "zh-cn", cJSON_CreateString("zh/journey-0.ogg"));
    cJSON_AddItemToObject(a, "$.journeys[0].title", j);
    cJSON_AddItemToObject(r, "audio", a);
}

/* A recorded prompt of the pack goes with the utterance of its text, in its language only. */
static void utterances_carry_the_packs_prompts(void)
{
    content_t *c = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(m_prompts, &c, &err) == KIOSK_OK);
    const char *langs[] = {"zh-cn", "en"};
    for (size_t l = 0; l < 2; l++) {
        flow_t *f = flow_new(c, "k", 0);
        flow_set_home_lang(f, langs[l]);
        flow_set_speech(f, true);
        speech_init(&sp);
        hear(f, 1);
        REQUIRE(out.n > 1);
        CHECK_STR(out.u[0].text, content_string(c, "home.title", langs[l]));
        if (l == 0)
            CHECK_STR(out.u[0].prompt ? out.u[0].prompt : "(none)", "zh/home-title.ogg");
        else
            CHECK(out.u[0].prompt == NULL);
        CHECK(out.u[1].prompt == NULL);
        /* a journey text with a prompt, named by its JSON path */
        flow_activate(f, ACT_JOURNEY, 0, NULL, 2);
        hear(f, 2);
        const char *title = content_text(c, &content_journey(c, 0)->title, langs[l]);
        bool found = false;
        for (size_t i = 0; i < out.n; i++) {
            if (strcmp(out.u[i].text, title) != 0)
                continue;
            found = true;
            CHECK_STR(out.u[i].prompt ? out.u[i].prompt : "(none)",
                      l == 0 ? "zh/journey-0.ogg" : "(none)");
        }
        CHECK(found);
        flow_free(f);
    }
    content_free(c);
}

int main(void)
{
    pack = load_default_pack();
    if (!pack)
        return 1;
    RUN(spelled_codes_and_numbers);
    RUN(home_is_said_exactly);
    RUN(quick_rating_is_said);
    RUN(every_screen_of_every_journey_is_said_in_both_languages);
    RUN(speech_off_says_nothing_and_stops);
    RUN(speech_lasts_for_the_visit);
    RUN(candidates_are_numbered);
    RUN(utterances_carry_the_packs_prompts);
    content_free(pack);
    return check_failures != 0;
}
