/* The input method's state (core/ime.c) and the flow's side of it, with a fake engine: a
 * table of pinyin and candidates, and a recognizer that knows strokes by their count. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "core/ime.h"
#include "core/kerr.h"
#include "core/mode.h"
#include "core/utf8.h"
#include "fake_ime.h"
#include "pack_util.h"

static content_t *pack;

static void keys(ime_t *s, const ime_engine_t *e, const char *letters, char commit[])
{
    for (const char *p = letters; *p; p++)
        ime_key(s, e, *p, commit);
}

static void pinyin_composition_and_backspace_inside_it(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    ime_t s;
    char commit[IME_COMMIT_BYTES];
    ime_init(&s);
    ime_reset(&s, &e, IME_PINYIN);
    CHECK_INT(s.mode, IME_PINYIN);
    CHECK(!ime_composing(&s));
    CHECK(!ime_takes_key(&s, '1')); /* nothing composed: a digit is typed */
    CHECK(ime_takes_key(&s, 'N'));
    keys(&s, &e, "Ni", commit); /* a capital goes in as a letter too */
    CHECK(ime_composing(&s));
    CHECK_STR(s.out.preedit, "ni");
    CHECK_INT(s.out.ncandidates, 3);
    CHECK_STR(s.out.candidate[0], "你");
    CHECK_STR(commit, "");
    CHECK(ime_backspace(&s, &e, commit));
    CHECK_STR(s.out.preedit, "n");
    CHECK_STR(s.letters, "n");
    CHECK_STR(commit, "");
    CHECK(ime_backspace(&s, &e, commit));
    CHECK(!ime_composing(&s));
    CHECK_INT(s.out.ncandidates, 0);
    CHECK(!ime_backspace(&s, &e, commit)); /* none left: the caller deletes from the answer */
    /* A digit while composing chooses that candidate of the page. */
    keys(&s, &e, "ni", commit);
    CHECK(ime_takes_key(&s, '2'));
    CHECK(ime_key(&s, &e, '2', commit));
    CHECK_STR(commit, "尼");
    CHECK(!ime_composing(&s));
}

static void paging_and_a_partial_choice(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    ime_t s;
    char commit[IME_COMMIT_BYTES];
    ime_init(&s);
    ime_reset(&s, &e, IME_PINYIN);
    CHECK(!ime_page(&s, &e, 1, commit)); /* nothing composed */
    keys(&s, &e, "ni", commit);
    CHECK(s.out.more);
    CHECK(!ime_page(&s, &e, -1, commit)); /* already the first page */
    CHECK(ime_page(&s, &e, 1, commit));
    CHECK_INT(s.out.page, 1);
    CHECK_INT(s.out.ncandidates, 2);
    CHECK_STR(s.out.candidate[0], "倪");
    CHECK(!s.out.more);
    CHECK(!ime_page(&s, &e, 1, commit)); /* no page after the last */
    CHECK(ime_page(&s, &e, -1, commit));
    CHECK_STR(s.out.candidate[0], "你");
    CHECK(ime_page(&s, &e, 1, commit));
    CHECK(ime_select(&s, &e, 1, commit));
    CHECK_STR(commit, "拟");               /* the candidate of the page shown */
    CHECK(!ime_select(&s, &e, 0, commit)); /* nothing composed, nothing to choose */
    /* "nih": 你 commits, "h" stays to be converted. */
    keys(&s, &e, "nih", commit);
    CHECK(ime_select(&s, &e, 0, commit));
    CHECK_STR(commit, "你");
    CHECK(ime_composing(&s));
    CHECK_STR(s.letters, "h");
    CHECK(!ime_select(&s, &e, 5, commit)); /* not on the page */
    /* Settling "hao" after it: the first candidate until no letter is left. */
    keys(&s, &e, "ao", commit);
    CHECK(ime_settle(&s, &e, commit));
    CHECK_STR(commit, "好");
    CHECK(!ime_composing(&s));
    /* Settling goes a step at a time: a candidate may leave letters. */
    keys(&s, &e, "nih", commit);
    CHECK(ime_settle(&s, &e, commit));
    CHECK_STR(commit, "你");
    CHECK(ime_composing(&s));
    CHECK(ime_settle(&s, &e, commit));
    CHECK_STR(commit, "h");
    CHECK(!ime_settle(&s, &e, commit));
    /* Letters the engine cannot convert settle as typed. */
    keys(&s, &e, "xq", commit);
    CHECK(ime_settle(&s, &e, commit));
    CHECK_STR(commit, "xq");
}

static void modes_cycle_and_switching_clears(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    ime_t s;
    char commit[IME_COMMIT_BYTES];
    ime_init(&s);
    ime_reset(&s, &e, IME_HANDWRITING);
    CHECK_INT(s.mode, IME_HANDWRITING);
    CHECK(ime_set_mode(&s, &e, -1));
    CHECK_INT(s.mode, IME_PINYIN);
    keys(&s, &e, "ni", commit);
    int clears = k.clears;
    CHECK(ime_set_mode(&s, &e, -1));
    CHECK_INT(s.mode, IME_LATIN);
    CHECK(!ime_composing(&s));
    CHECK_INT(s.out.ncandidates, 0);
    CHECK(k.clears > clears); /* the engine let go of the letters too */
    CHECK_STR(k.letters, "");
    CHECK(!ime_takes_key(&s, 'n')); /* Latin: the caller types it */
    CHECK(ime_set_mode(&s, &e, -1));
    CHECK_INT(s.mode, IME_DIGITS);
    CHECK(ime_set_mode(&s, &e, -1));
    CHECK_INT(s.mode, IME_HANDWRITING);
    CHECK(!ime_set_mode(&s, &e, IME_HANDWRITING)); /* already */
    CHECK(!ime_set_mode(&s, &e, IME_MODE_COUNT));
    CHECK(ime_set_mode(&s, &e, IME_LATIN));
    /* Strokes go with a switch too. */
    ime_set_mode(&s, &e, IME_HANDWRITING);
    ime_stroke_begin(&s, &e, 1, 1, 100);
    ime_stroke_end(&s, &e);
    CHECK(ime_composing(&s));
    CHECK(ime_set_mode(&s, &e, IME_PINYIN));
    CHECK_INT(s.strokes.nstrokes, 0);
    CHECK(!ime_composing(&s));
    /* Without a recognizer the cycle skips handwriting; a mode by name is refused. */
    e.recognize = NULL;
    ime_reset(&s, &e, IME_HANDWRITING);
    CHECK_INT(s.mode, IME_LATIN);
    CHECK(!ime_available(&s, IME_HANDWRITING));
    CHECK(!ime_set_mode(&s, &e, IME_HANDWRITING));
    CHECK(ime_set_mode(&s, &e, -1));
    CHECK_INT(s.mode, IME_DIGITS);
    CHECK(ime_set_mode(&s, &e, -1));
    CHECK_INT(s.mode, IME_PINYIN);
    CHECK_INT(ime_mode_from_name("pinyin"), IME_PINYIN);
    CHECK_INT(ime_mode_from_name("Pinyin"), -1);
    CHECK_STR(ime_mode_name(IME_HANDWRITING), "handwriting");
}

static void draw(ime_t *s, const ime_engine_t *e, int x0, int y0, int x1, int y1)
{
    ime_stroke_begin(s, e, x0, y0, 100);
    ime_stroke_point(s, (x0 + x1) / 2, (y0 + y1) / 2);
    ime_stroke_point(s, x1, y1);
    ime_stroke_end(s, e);
}

static void strokes_undo_and_clear(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    ime_t s;
    char commit[IME_COMMIT_BYTES];
    ime_init(&s);
    ime_reset(&s, &e, IME_HANDWRITING);
    CHECK(!ime_stroke_point(&s, 5, 5)); /* no stroke open */
    CHECK(!ime_stroke_end(&s, &e));
    CHECK(ime_stroke_begin(&s, &e, -20, 50, 100));
    CHECK(ime_stroke_point(&s, 150, 50));
    CHECK_INT(s.strokes.x[0], 0); /* clipped to the pad */
    CHECK_INT(s.strokes.x[1], 99);
    CHECK_INT(k.recognitions, 0); /* not before the stroke ends */
    CHECK(ime_stroke_end(&s, &e));
    CHECK_INT(k.recognitions, 1);
    CHECK_STR(s.out.candidate[0], "一");
    draw(&s, &e, 50, 0, 50, 99);
    CHECK_INT(s.strokes.nstrokes, 2);
    CHECK_INT(s.strokes.stroke_end[0], 2);
    CHECK_INT(s.strokes.stroke_end[1], 5);
    CHECK_STR(s.out.candidate[0], "十");
    CHECK(ime_stroke_undo(&s, &e));
    CHECK_INT(s.strokes.nstrokes, 1);
    CHECK_INT(s.strokes.npoints, 2);
    CHECK_STR(s.out.candidate[0], "一"); /* recognized again */
    /* Backspace in handwriting takes back a stroke too; the last one takes the candidates. */
    CHECK(ime_backspace(&s, &e, commit));
    CHECK(!ime_composing(&s));
    CHECK_INT(s.out.ncandidates, 0);
    CHECK(!ime_stroke_undo(&s, &e));
    draw(&s, &e, 0, 50, 99, 50);
    draw(&s, &e, 50, 0, 50, 99);
    CHECK(ime_stroke_clear(&s, &e));
    CHECK_INT(s.strokes.nstrokes, 0);
    CHECK_INT(s.strokes.npoints, 0);
    CHECK_INT(s.out.ncandidates, 0);
    CHECK(!ime_stroke_clear(&s, &e));
    /* Choosing commits and clears. */
    draw(&s, &e, 0, 50, 99, 50);
    draw(&s, &e, 50, 0, 50, 99);
    CHECK(ime_select(&s, &e, 1, commit));
    CHECK_STR(commit, "干");
    CHECK(!ime_composing(&s));
    /* Bounded: strokes and points. */
    for (int i = 0; i < IME_MAX_STROKES; i++)
        draw(&s, &e, i, 0, i, 10);
    CHECK_INT(s.strokes.nstrokes, IME_MAX_STROKES);
    CHECK(!ime_stroke_begin(&s, &e, 1, 1, 100));
    ime_stroke_clear(&s, &e);
    CHECK(ime_stroke_begin(&s, &e, 0, 0, 100));
    for (int i = 0; i < IME_MAX_POINTS + 50; i++)
        ime_stroke_point(&s, i % 100, i % 100);
    CHECK_INT(s.strokes.npoints, IME_MAX_POINTS);
    CHECK(ime_stroke_end(&s, &e));
    CHECK(!ime_stroke_begin(&s, &e, 0, 0, 100)); /* no point left for a new stroke */
}

static void a_failing_engine_hands_back_the_letters_and_turns_its_mode_off(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    ime_t s;
    char commit[IME_COMMIT_BYTES];
    ime_init(&s);
    ime_reset(&s, &e, IME_PINYIN);
    keys(&s, &e, "ni", commit);
    k.fail = true;
    CHECK(ime_key(&s, &e, 'h', commit));
    CHECK_STR(commit, "nih"); /* nothing typed is lost */
    CHECK_INT(s.mode, IME_LATIN);
    CHECK(!ime_available(&s, IME_PINYIN));
    CHECK(!ime_composing(&s));
    CHECK(!ime_set_mode(&s, &e, IME_PINYIN));
    ime_reset(&s, &e, IME_PINYIN); /* stays off until ime_init */
    CHECK_INT(s.mode, IME_LATIN);
    /* The recognizer failing: Latin letters, nothing to hand back. */
    ime_init(&s);
    k.fail = false;
    ime_reset(&s, &e, IME_HANDWRITING);
    k.fail = true;
    CHECK(ime_stroke_begin(&s, &e, 1, 1, 100));
    CHECK(ime_stroke_end(&s, &e));
    CHECK_INT(s.mode, IME_LATIN);
    CHECK(!ime_available(&s, IME_HANDWRITING));
    CHECK(ime_available(&s, IME_PINYIN));
    CHECK(!ime_composing(&s));
    /* No engine at all: Latin letters and digits only, nothing crashes. */
    ime_init(&s);
    ime_reset(&s, NULL, IME_PINYIN);
    CHECK_INT(s.mode, IME_LATIN);
    CHECK(!ime_takes_key(&s, 'a'));
    CHECK(!ime_key(&s, NULL, 'a', commit));
    CHECK(!ime_stroke_begin(&s, NULL, 1, 1, 100));
    CHECK(ime_set_mode(&s, NULL, -1));
    CHECK_INT(s.mode, IME_DIGITS);
    CHECK(ime_set_mode(&s, NULL, -1));
    CHECK_INT(s.mode, IME_LATIN);
}

/* ---- the flow ---- */

static bool act(flow_t *f, action_t a, int arg, int64_t t)
{
    return flow_activate(f, a, arg, NULL, t);
}

/* The feedback journey in Chinese up to its comment. */
static void to_comment(flow_t *f, int64_t t)
{
    if (strncmp(flow_lang(f), "zh", 2) != 0)
        act(f, ACT_LANG, 0, t);
    act(f, ACT_JOURNEY, 0, t);
    act(f, ACT_CHOICE, 1, t);
    act(f, ACT_CHOICE, 3, t);
}

/* A new flow with the fake engine (*e, which must outlive it), on the feedback comment. */
static flow_t *comment_with_ime(fake_t *k, ime_engine_t *e)
{
    *e = fake_engine(k);
    flow_t *f = flow_new(pack, "k1", 0);
    flow_set_ime(f, e);
    to_comment(f, 1);
    return f;
}

static const char *answer(const flow_t *f)
{
    const answer_t *a = flow_answer(f);
    return a && a->text ? a->text : "(none)";
}

static void the_mode_a_question_starts_in(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    flow_t *f = flow_new(pack, "k1", 0);
    REQUIRE(f);
    CHECK(flow_ime(f) == NULL); /* no engine: today's keyboard */
    to_comment(f, 1);
    CHECK_STR(flow_question(f)->name, "comment");
    CHECK(!act(f, ACT_IME_MODE, IME_PINYIN, 2));
    CHECK(flow_text(f, "ni", 3));
    CHECK_STR(answer(f), "ni"); /* typed as always */
    flow_set_ime(f, &e);
    REQUIRE(flow_ime(f));
    CHECK_INT(flow_ime(f)->mode, IME_HANDWRITING); /* zh-cn */
    CHECK(act(f, ACT_LANG, 0, 4));
    CHECK_INT(flow_ime(f)->mode, IME_LATIN); /* en */
    CHECK(!k.traditional);
    act(f, ACT_NEXT, 0, 5);
    act(f, ACT_CHOICE, 1, 6);
    CHECK_STR(flow_question(f)->name, "name");
    CHECK_INT(flow_ime(f)->mode, IME_LATIN);
    act(f, ACT_NEXT, 0, 7);
    CHECK_STR(flow_question(f)->name, "phone");
    CHECK_INT(flow_ime(f)->mode, IME_DIGITS);
    CHECK(!act(f, ACT_IME_MODE, IME_PINYIN, 8)); /* a phone number stays digits */
    CHECK(act(f, ACT_LANG, 0, 9));
    CHECK_INT(flow_ime(f)->mode, IME_DIGITS);
    flow_free(f);
}

static void set_zh_pinyin(cJSON *root)
{
    cJSON *zh = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "languages"), 1);
    cJSON_AddStringToObject(zh, "inputMode", "pinyin");
    /* The feedback name question asks for Latin letters whatever the language. */
    cJSON *pages =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), 0), "pages");
    cJSON *page;
    cJSON_ArrayForEach(page, pages)
    {
        cJSON *el;
        cJSON_ArrayForEach(el, cJSON_GetObjectItem(page, "elements"))
        {
            const cJSON *name = cJSON_GetObjectItem(el, "name");
            if (name && strcmp(name->valuestring, "name") == 0)
                cJSON_AddStringToObject(el, "inputMode", "latin");
        }
    }
}

static void set_bad_mode(cJSON *root)
{
    cJSON_AddStringToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "languages"), 1),
                            "inputMode", "wubi");
}

static void set_phone_pinyin(cJSON *root)
{
    cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "journeys"), 0);
    cJSON *page;
    cJSON_ArrayForEach(page, cJSON_GetObjectItem(j, "pages"))
    {
        cJSON *el;
        cJSON_ArrayForEach(el, cJSON_GetObjectItem(page, "elements"))
        {
            const cJSON *name = cJSON_GetObjectItem(el, "name");
            if (name && strcmp(name->valuestring, "phone") == 0)
                cJSON_AddStringToObject(el, "inputMode", "pinyin");
        }
    }
}

static void the_pack_sets_the_mode_per_language_and_question(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    content_t *c = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(set_zh_pinyin, &c, &err) == KIOSK_OK);
    CHECK_INT(content_language(c, 1)->input_mode, IME_PINYIN);
    CHECK_INT(content_language(c, 0)->input_mode, -1);
    flow_t *f = flow_new(c, "k1", 0);
    flow_set_ime(f, &e);
    to_comment(f, 1);
    CHECK_INT(flow_ime(f)->mode, IME_PINYIN);
    act(f, ACT_NEXT, 0, 2);
    act(f, ACT_CHOICE, 1, 3);
    CHECK_STR(flow_question(f)->name, "name");
    CHECK_INT(flow_ime(f)->mode, IME_LATIN); /* the question's own setting wins */
    flow_free(f);
    content_free(c);
    c = NULL;
    CHECK(load_mutated_pack(set_bad_mode, &c, &err) == KIOSK_EINVAL);
    CHECK(strstr(err.reason, "wubi") != NULL);
    CHECK(load_mutated_pack(set_phone_pinyin, &c, &err) == KIOSK_EINVAL);
    CHECK(strstr(err.reason, "digits") != NULL);
}

/* Renames the pack's zh-cn to zh-TW: its code and every translation's key. */
static void rename_zh(cJSON *n)
{
    cJSON *c;
    cJSON_ArrayForEach(c, n)
    {
        if (c->string && strcmp(c->string, "zh-cn") == 0)
            strcpy(c->string, "zh-TW"); /* the same length */
        if (cJSON_IsString(c) && strcmp(c->valuestring, "zh-cn") == 0)
            cJSON_SetValuestring(c, "zh-TW");
        rename_zh(c);
    }
}

static void candidates_follow_the_language_script(void)
{
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    content_t *c = NULL;
    content_error_t err;
    REQUIRE(load_mutated_pack(rename_zh, &c, &err) == KIOSK_OK);
    flow_t *f = flow_new(c, "k1", 0);
    k.traditional = true;
    flow_set_ime(f, &e);
    CHECK(!k.traditional); /* en: simplified, said once */
    CHECK(act(f, ACT_LANG, 0, 1));
    CHECK_STR(flow_lang(f), "zh-TW");
    CHECK(k.traditional);
    to_comment(f, 2);
    CHECK_INT(flow_ime(f)->mode, IME_HANDWRITING); /* a zh-* language */
    CHECK(flow_set_lang(f, "en"));
    CHECK(!k.traditional);
    flow_free(f);
    content_free(c);
}

static void pinyin_commits_into_the_answer_and_the_record(void)
{
    fake_t k;
    ime_engine_t e;
    flow_t *f = comment_with_ime(&k, &e);
    CHECK(act(f, ACT_IME_MODE, -1, 2)); /* handwriting -> pinyin */
    CHECK_INT(flow_ime(f)->mode, IME_PINYIN);
    CHECK(flow_text(f, "nihao", 3)); /* a physical keyboard */
    CHECK_STR(flow_ime(f)->out.preedit, "nihao");
    CHECK_STR(answer(f), "");
    CHECK(flow_can_next(f));
    CHECK(act(f, ACT_IME_CANDIDATE, 0, 4));
    CHECK_STR(answer(f), "你好");
    CHECK(!ime_composing(flow_ime(f)));
    /* On-screen keys, one letter each, with backspace inside the composition. */
    CHECK(flow_activate(f, ACT_KEY, 0, "h", 5));
    CHECK(flow_activate(f, ACT_KEY, 0, "a", 5));
    CHECK(flow_activate(f, ACT_KEY, 0, "x", 5));
    CHECK(act(f, ACT_BACKSPACE, 0, 6));
    CHECK_STR(flow_ime(f)->out.preedit, "ha");
    CHECK(flow_activate(f, ACT_KEY, 0, "o", 7));
    CHECK(act(f, ACT_IME_CANDIDATE, 1, 8));
    CHECK_STR(answer(f), "你好号");
    CHECK(act(f, ACT_BACKSPACE, 0, 9)); /* no composition: the answer loses a character */
    CHECK_STR(answer(f), "你好");
    /* Paging through the bar. */
    flow_text(f, "ni", 10);
    CHECK(act(f, ACT_IME_PAGE_NEXT, 0, 11));
    CHECK(!act(f, ACT_IME_PAGE_NEXT, 0, 11));
    CHECK(act(f, ACT_IME_CANDIDATE, 0, 12));
    CHECK_STR(answer(f), "你好倪");
    CHECK(!act(f, ACT_IME_PAGE_PREV, 0, 13));
    /* Punctuation settles the composition first; a space only settles it. */
    flow_text(f, "a，", 14);
    CHECK_STR(answer(f), "你好倪啊，");
    flow_text(f, "hao", 15);
    CHECK(act(f, ACT_SPACE, 0, 16));
    CHECK_STR(answer(f), "你好倪啊，好");
    /* Next with a composition pending settles it and stays; the next Next moves on. */
    flow_text(f, "nih", 17); /* two steps: 你, then "h" has no candidate */
    CHECK(act(f, ACT_NEXT, 0, 18));
    CHECK_STR(flow_question(f)->name, "comment");
    CHECK_STR(answer(f), "你好倪啊，好你h");
    CHECK(act(f, ACT_NEXT, 0, 19));
    CHECK_STR(flow_question(f)->name, "contactOk");
    act(f, ACT_CHOICE, 0, 20);
    act(f, ACT_NEXT, 0, 21);
    record_t *rec = NULL;
    REQUIRE(flow_pending_op(f, &rec) == OP_SAVE);
    CHECK(strstr(rec->answers_json, "\"comment\":\"你好倪啊，好你h\"") != NULL);
    flow_free(f);
}

static void handwriting_on_the_pad(void)
{
    fake_t k;
    ime_engine_t e;
    flow_t *f = comment_with_ime(&k, &e);
    CHECK_INT(flow_ime(f)->mode, IME_HANDWRITING);
    CHECK(flow_pad(f, FLOW_PAD_DOWN, 0, 100, 200, 2));
    CHECK(flow_pad(f, FLOW_PAD_MOVE, 100, 100, 200, 3));
    CHECK(flow_pad(f, FLOW_PAD_UP, 199, 100, 200, 4));
    CHECK_STR(flow_ime(f)->out.candidate[0], "一");
    CHECK(flow_pad(f, FLOW_PAD_DOWN, 100, 0, 200, 5));
    CHECK(flow_pad(f, FLOW_PAD_MOVE, 100, 250, 200, 6)); /* off the pad: clipped */
    CHECK(act(f, ACT_IME_PAD, 0, 7));                    /* lifted on the pad */
    CHECK_INT(flow_ime(f)->strokes.y[4], 199);
    CHECK_STR(flow_ime(f)->out.candidate[0], "十");
    CHECK(act(f, ACT_IME_PAD_UNDO, 0, 8));
    CHECK_STR(flow_ime(f)->out.candidate[0], "一");
    CHECK(act(f, ACT_IME_PAD_CLEAR, 0, 9));
    CHECK(!ime_composing(flow_ime(f)));
    CHECK(!act(f, ACT_IME_PAD_CLEAR, 0, 9));
    flow_pad(f, FLOW_PAD_DOWN, 0, 100, 200, 10);
    flow_pad(f, FLOW_PAD_UP, 199, 100, 200, 11);
    flow_pad(f, FLOW_PAD_DOWN, 100, 0, 200, 12);
    flow_pad(f, FLOW_PAD_UP, 100, 199, 200, 13);
    CHECK(act(f, ACT_IME_CANDIDATE, 0, 14));
    CHECK_STR(answer(f), "十");
    CHECK_INT(flow_ime(f)->strokes.nstrokes, 0);
    CHECK(!act(f, ACT_IME_CANDIDATE, 0, 15)); /* no candidates left */
    CHECK_STR(answer(f), "十");
    /* A pad touch keeps the session awake and first dismisses the idle prompt. */
    CHECK(flow_tick(f, 15 + 60000));
    CHECK_INT(flow_overlay(f), OVERLAY_IDLE);
    CHECK(flow_pad(f, FLOW_PAD_DOWN, 1, 1, 200, 60020));
    CHECK_INT(flow_overlay(f), OVERLAY_NONE);
    CHECK(!ime_composing(flow_ime(f)));
    flow_free(f);
}

/* The residents' mode hands touches on a pad widget to the flow in the pad's coordinates. */
static void touches_on_the_pad_widget_become_strokes(void)
{
    fake_t k;
    ime_engine_t e;
    flow_t *f = comment_with_ime(&k, &e);
    static view_t v;
    widget_t padw = {.action = ACT_IME_PAD, .r = {100, 300, 400, 300}};
    widget_t other = {.action = ACT_NONE, .r = {0, 0, 50, 50}};
    input_t in = {.kind = IN_TOUCH, .w = &other, .x = 10, .y = 10};
    CHECK_INT(mode_residents.input(f, &in, &v, 2), 0); /* not the pad */
    in = (input_t){.kind = IN_TOUCH, .w = &padw, .x = 120, .y = 450};
    CHECK(mode_residents.input(f, &in, &v, 3) & MODE_REDRAW);
    /* The router gives moves and the lift the pad's rectangle from the touch that began them:
     * the finger may leave the pad. */
    in = (input_t){.kind = IN_DRAG, .w = NULL, .x = 480, .y = 450, .area = padw.r};
    CHECK(mode_residents.input(f, &in, &v, 4) & MODE_REDRAW);
    in = (input_t){.kind = IN_LIFT, .x = 480, .y = 450, .area = padw.r};
    CHECK(mode_residents.input(f, &in, &v, 5) & MODE_REDRAW);
    const ime_strokes_t *st = &flow_ime(f)->strokes;
    CHECK_INT(st->size, 400);
    CHECK_INT(st->nstrokes, 1);
    CHECK_INT(st->x[0], 20);
    CHECK_INT(st->y[0], 150);
    CHECK_INT(st->x[1], 380);
    CHECK_STR(flow_ime(f)->out.candidate[0], "一");
    flow_free(f);
}

static void a_candidate_after_switching_language_does_nothing(void)
{
    fake_t k;
    ime_engine_t e;
    flow_t *f = comment_with_ime(&k, &e);
    act(f, ACT_IME_MODE, IME_PINYIN, 2);
    flow_text(f, "ni", 3);
    CHECK(ime_composing(flow_ime(f)));
    CHECK(act(f, ACT_LANG, 0, 4));
    CHECK_STR(flow_lang(f), "en");
    CHECK(!ime_composing(flow_ime(f)));
    CHECK_INT(flow_ime(f)->out.ncandidates, 0);
    CHECK_STR(k.letters, ""); /* the engine's composition went too */
    CHECK(!act(f, ACT_IME_CANDIDATE, 0, 5));
    CHECK_STR(answer(f), "");
    /* Back in Chinese: the language's mode again, nothing pending. */
    CHECK(flow_set_lang(f, "zh-cn"));
    CHECK_INT(flow_ime(f)->mode, IME_HANDWRITING);
    CHECK(!act(f, ACT_IME_CANDIDATE, 0, 6));
    CHECK_STR(answer(f), "");
    flow_free(f);
}

static void an_absent_or_failing_engine_falls_back_to_latin_letters(void)
{
    ime_engine_t none = {0};
    flow_t *f = flow_new(pack, "k1", 0);
    flow_set_ime(f, &none);
    to_comment(f, 1);
    REQUIRE(flow_ime(f));
    CHECK_INT(flow_ime(f)->mode, IME_LATIN);
    CHECK(!ime_available(flow_ime(f), IME_HANDWRITING));
    CHECK(!act(f, ACT_IME_MODE, IME_PINYIN, 2));
    CHECK(!flow_pad(f, FLOW_PAD_DOWN, 1, 1, 100, 3));
    CHECK(flow_text(f, "nihao", 4));
    CHECK_STR(answer(f), "nihao");
    flow_free(f);

    fake_t k;
    ime_engine_t e = fake_engine(&k);
    f = flow_new(pack, "k1", 0);
    flow_set_ime(f, &e);
    to_comment(f, 1);
    act(f, ACT_IME_MODE, IME_PINYIN, 2);
    flow_text(f, "hao", 3);
    act(f, ACT_IME_CANDIDATE, 0, 4);
    flow_text(f, "ni", 5);
    k.fail = true;
    CHECK(flow_text(f, "hao", 6));
    CHECK_STR(answer(f), "好nihao"); /* the letters came through as typed */
    CHECK_INT(flow_ime(f)->mode, IME_LATIN);
    CHECK(flow_text(f, " ok", 7));
    CHECK(act(f, ACT_NEXT, 0, 8));
    CHECK_STR(flow_question(f)->name, "contactOk");
    /* The next session too: the kiosk keeps taking answers in Latin letters. */
    act(f, ACT_HOME, 0, 9);
    act(f, ACT_LEAVE_GO, 0, 10);
    to_comment(f, 11);
    CHECK_INT(flow_ime(f)->mode, IME_HANDWRITING); /* not failed yet */
    CHECK(!ime_available(flow_ime(f), IME_PINYIN));
    CHECK(act(f, ACT_IME_MODE, -1, 12));
    CHECK_INT(flow_ime(f)->mode, IME_LATIN); /* pinyin is skipped */
    CHECK(flow_text(f, "hao", 12));
    CHECK_STR(answer(f), "hao");
    flow_free(f);
    /* An engine whose candidates never finish the composition: Next still ends it. */
    fake_t k2;
    ime_engine_t e2 = fake_engine(&k2);
    f = flow_new(pack, "k1", 0);
    flow_set_ime(f, &e2);
    to_comment(f, 1);
    act(f, ACT_IME_MODE, IME_PINYIN, 8);
    flow_text(f, "ni", 8);
    k2.stuck = true;
    CHECK(act(f, ACT_NEXT, 0, 8));
    CHECK(!ime_composing(flow_ime(f)));
    CHECK_STR(flow_question(f)->name, "comment");
    CHECK(act(f, ACT_NEXT, 0, 8));
    flow_free(f);
}

/* The activity sign-up's name (maxLength 40) in Chinese characters. */
static void to_name(flow_t *f)
{
    act(f, ACT_LANG, 0, 1);
    act(f, ACT_JOURNEY, 3, 1);
    act(f, ACT_CHOICE, 0, 2);
    act(f, ACT_CHOICE, 0, 3);
    act(f, ACT_CHOICE, 1, 4);
}

static void limits_count_characters_not_bytes(void)
{
    /* Without an engine: 40 characters of 3 bytes each fit, the 41st does not. */
    flow_t *f = flow_new(pack, "k1", 0);
    to_name(f);
    REQUIRE(flow_question(f));
    CHECK_STR(flow_question(f)->name, "name");
    CHECK_INT(flow_question(f)->max_length, 40);
    char name[41 * 3 + 1] = "";
    for (int i = 0; i < 41; i++)
        strcat(name, "王");
    CHECK(flow_text(f, name, 5));
    CHECK_INT(utf8_count(answer(f)), 40);
    CHECK_INT(strlen(answer(f)), 120);
    CHECK(!flow_text(f, "王", 6));
    CHECK(!flow_text(f, "a", 6));
    act(f, ACT_NEXT, 0, 7);
    CHECK_STR(flow_question(f)->name, "phone");
    flow_text(f, "13800138000", 8);
    act(f, ACT_NEXT, 0, 9);
    record_t *rec = NULL;
    REQUIRE(flow_pending_op(f, &rec) == OP_SAVE);
    CHECK_INT(utf8_count(rec->contact_name), 40);
    name[40 * 3] = '\0';
    CHECK_STR(rec->contact_name, name);
    flow_free(f);

    /* With pinyin: a candidate fills the answer to the limit, then no new composition. */
    fake_t k;
    ime_engine_t e = fake_engine(&k);
    f = flow_new(pack, "k1", 0);
    flow_set_ime(f, &e);
    to_name(f);
    act(f, ACT_IME_MODE, IME_PINYIN, 5);
    flow_text(f, name + 3 * 2, 5); /* 38 characters: not letters, typed directly */
    CHECK_INT(utf8_count(answer(f)), 38);
    flow_text(f, "nihao", 6);
    act(f, ACT_IME_CANDIDATE, 0, 7);
    CHECK_INT(utf8_count(answer(f)), 40);
    CHECK(!flow_text(f, "n", 8)); /* full: no composition either */
    CHECK(!ime_composing(flow_ime(f)));
    /* One character left, a two-character candidate: what fits goes in. */
    act(f, ACT_BACKSPACE, 0, 9);
    flow_text(f, "nihao", 10);
    act(f, ACT_IME_CANDIDATE, 0, 11);
    CHECK_INT(utf8_count(answer(f)), 40);
    CHECK(strstr(answer(f), "你") != NULL);
    /* Handwriting at the limit: the pad takes no stroke. */
    act(f, ACT_IME_MODE, IME_HANDWRITING, 12);
    CHECK(!flow_pad(f, FLOW_PAD_DOWN, 1, 1, 100, 13));
    flow_free(f);
}

static void nothing_is_carried_to_another_question_or_resident(void)
{
    fake_t k;
    ime_engine_t e;
    flow_t *f = comment_with_ime(&k, &e);
    act(f, ACT_IME_MODE, IME_PINYIN, 2);
    flow_text(f, "ni", 3);
    CHECK(act(f, ACT_SKIP, 0, 4));
    CHECK_STR(flow_question(f)->name, "contactOk");
    CHECK(!ime_composing(flow_ime(f)));
    CHECK(act(f, ACT_BACK, 0, 5));
    CHECK_STR(flow_question(f)->name, "comment");
    CHECK(!ime_composing(flow_ime(f)));
    CHECK_INT(flow_ime(f)->mode, IME_HANDWRITING); /* the question starts afresh */
    /* Strokes half written when the resident walks away. */
    flow_pad(f, FLOW_PAD_DOWN, 1, 1, 100, 6);
    flow_pad(f, FLOW_PAD_UP, 50, 50, 100, 7);
    flow_pad(f, FLOW_PAD_DOWN, 1, 1, 100, 8);
    CHECK(ime_composing(flow_ime(f)));
    CHECK(flow_tick(f, 8 + 60000));
    CHECK(flow_tick(f, 8 + 75000));
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(!ime_composing(flow_ime(f)));
    CHECK_INT(flow_ime(f)->strokes.npoints, 0);
    CHECK(!flow_ime(f)->drawing);
    /* The next resident's comment starts clean; leaving by Home clears too. */
    to_comment(f, 80000);
    CHECK(!ime_composing(flow_ime(f)));
    act(f, ACT_IME_MODE, IME_PINYIN, 80001);
    flow_text(f, "hao", 80002);
    act(f, ACT_HOME, 0, 80003); /* nothing answered yet... but the rating was */
    act(f, ACT_LEAVE_GO, 0, 80004);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    CHECK(!ime_composing(flow_ime(f)));
    CHECK_STR(flow_ime(f)->letters, "");
    CHECK_STR(k.letters, "");
    /* Staff taking over ends it the same way. */
    to_comment(f, 80010);
    act(f, ACT_IME_MODE, IME_PINYIN, 80011);
    flow_text(f, "ni", 80012);
    flow_abandon(f, 80013);
    CHECK(!ime_composing(flow_ime(f)));
    CHECK_STR(k.letters, "");
    flow_free(f);
}

int main(void)
{
    pack = load_default_pack();
    if (!pack)
        return 1;
    RUN(pinyin_composition_and_backspace_inside_it);
    RUN(paging_and_a_partial_choice);
    RUN(modes_cycle_and_switching_clears);
    RUN(strokes_undo_and_clear);
    RUN(a_failing_engine_hands_back_the_letters_and_turns_its_mode_off);
    RUN(the_mode_a_question_starts_in);
    RUN(the_pack_sets_the_mode_per_language_and_question);
    RUN(candidates_follow_the_language_script);
    RUN(pinyin_commits_into_the_answer_and_the_record);
    RUN(handwriting_on_the_pad);
    RUN(touches_on_the_pad_widget_become_strokes);
    RUN(a_candidate_after_switching_language_does_nothing);
    RUN(an_absent_or_failing_engine_falls_back_to_latin_letters);
    RUN(limits_count_characters_not_bytes);
    RUN(nothing_is_carried_to_another_question_or_resident);
    content_free(pack);
    return check_failures != 0;
}
