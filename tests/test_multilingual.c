/* The multilingual sample pack (assets/packs/multilingual.json: the default pack with Uyghur,
 * Tibetan and Traditional Chinese): it loads with the kiosk's own loader; each of its languages
 * has every text of the default pack, with the English text's placeholders, and the check says
 * so when one is taken away; and the real kiosk binary goes through every journey in each of
 * the five languages (assets/scripts/multilingual.script) at 800x480 and 720x1280, ending in
 * stored records that are read back and checked field by field. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pack_util.h"
#include "proc_util.h"
#include "core/content.h"
#include "core/record.h"

/* The languages of the pack in order: the default pack's, then the added ones. */
static const char *const langs[] = {"en", "zh-cn", "ug", "bo", "zh-tw"};
static const char *const names[] = {"English", "简体中文", "ئۇيغۇرچە", "བོད་ཡིག", "繁體中文"};
#define NLANGS (sizeof langs / sizeof langs[0])
#define NDEFAULT_LANGS 2 /* en ("default") and zh-cn come from the default pack */

static cJSON *parse_file(const char *path)
{
    size_t len;
    char *text = read_pack_file(path, &len);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    return root;
}

/* ---- (a) the kiosk's loader takes the pack ---- */

static void the_pack_loads_with_its_five_languages(void)
{
    size_t len;
    char *json = read_pack_file(KIOSK_MULTILINGUAL_PACK, &len);
    REQUIRE(json);
    content_t *c = NULL;
    content_error_t err;
    int rc = content_load(json, len, "multilingual.json", &c, &err);
    free(json);
    if (rc != 0) {
        char msg[1024];
        content_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "  %s\n", msg);
    }
    REQUIRE(rc == 0 && c);
    CHECK_STR(content_id(c), "multilingual");
    CHECK_STR(content_default_lang(c), "en");
    CHECK_INT(content_language_count(c), NLANGS);
    for (size_t i = 0; i < NLANGS && i < content_language_count(c); i++) {
        CHECK_STR(content_language(c, i)->code, langs[i]);
        CHECK_STR(content_language(c, i)->name, names[i]);
        CHECK_INT(content_language_index(c, langs[i]), i);
    }
    /* Uyghur and Tibetan residents give mainland numbers, zh-tw Taiwan's (09## ### ###). */
    CHECK_INT(content_language(c, 2)->nphone_formats, content_language(c, 1)->nphone_formats);
    CHECK_INT(content_language(c, 3)->nphone_formats, content_language(c, 1)->nphone_formats);
    CHECK_STR(content_language(c, 4)->phone_formats[0], "09## ### ###");
    /* Every interface string is the language's own, not the English one as a fallback. */
    for (size_t i = 0; content_required_strings[i]; i++)
        for (size_t l = NDEFAULT_LANGS; l < NLANGS; l++) {
            const char *key = content_required_strings[i];
            const char *text = content_string(c, key, langs[l]);
            bool same = strcmp(text, content_string(c, key, "en")) == 0;
            /* Digits and Latin letters stay what they are ("123", "ABC") in every script. */
            if (same && strspn(text, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(text))
                fprintf(stderr, "  %s in %s is the English text\n", key, langs[l]);
            CHECK(!same || strspn(text, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(text));
        }
    CHECK_STR(content_string(c, "thanks.title", "zh-tw"), "謝謝您！");
    content_free(c);
}

/* ---- (b) every text in every language, with its placeholders ---- */

/* The placeholders of text ("{n}", "{activity.detail}"), sorted and joined, into out. */
static void placeholders(const char *text, char *out, size_t len)
{
    char found[16][48];
    size_t n = 0;
    for (const char *p = text; (p = strchr(p, '{')) != NULL && n < 16; p++) {
        size_t k = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.");
        if (k > 0 && k < sizeof found[0] - 1 && p[1 + k] == '}')
            snprintf(found[n++], sizeof found[0], "%.*s", (int)k, p + 1);
    }
    qsort(found, n, sizeof found[0], (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), len - strlen(out), "{%s}", found[i]);
}

/* A localizable string: an object whose "default" and every other member are strings. */
static bool is_lstr(const cJSON *o)
{
    if (!cJSON_IsObject(o) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "default")))
        return false;
    for (const cJSON *m = o->child; m; m = m->next)
        if (!cJSON_IsString(m))
            return false;
    return true;
}

typedef struct {
    int problems; /* each printed with its place */
    int texts;    /* localizable strings of the default pack seen */
} audit_t;

static void problem(audit_t *a, const char *place, const char *lang, const char *what)
{
    fprintf(stderr, "  multilingual.json: %s: %s %s\n", place, lang, what);
    a->problems++;
}

/* One localizable string of the default pack (d) and the pack's at the same place (m): the
 * default pack's texts unchanged, every added language present, not empty, with the
 * placeholders of the English text or of another default-pack language (a date is "{m}月{d}日"
 * in Chinese where English has "{d} {mon}"). */
static void audit_lstr(audit_t *a, const cJSON *d, const cJSON *m, const char *place)
{
    a->texts++;
    if (!is_lstr(m)) {
        problem(a, place, "", "is not a localizable string");
        return;
    }
    char want[NDEFAULT_LANGS][256];
    for (size_t l = 0; l < NDEFAULT_LANGS; l++) {
        const char *key = l == 0 ? "default" : langs[l];
        const cJSON *dt = cJSON_GetObjectItemCaseSensitive(d, key);
        const cJSON *mt = cJSON_GetObjectItemCaseSensitive(m, key);
        placeholders(dt ? dt->valuestring : "", want[l], sizeof want[l]);
        if (!dt || !mt || strcmp(dt->valuestring, mt->valuestring) != 0)
            problem(a, place, langs[l], "differs from the default pack");
    }
    for (size_t l = NDEFAULT_LANGS; l < NLANGS; l++) {
        const cJSON *mt = cJSON_GetObjectItemCaseSensitive(m, langs[l]);
        if (!mt || !mt->valuestring[strspn(mt->valuestring, " ")]) {
            problem(a, place, langs[l], "is missing");
            continue;
        }
        char got[256];
        placeholders(mt->valuestring, got, sizeof got);
        if (strcmp(got, want[0]) != 0 && strcmp(got, want[1]) != 0) {
            char what[700];
            snprintf(what, sizeof what, "has placeholders '%s', not '%s'", got, want[0]);
            problem(a, place, langs[l], what);
        }
    }
}

/* Walks the default pack and the multilingual one side by side from the same place. */
static void audit(audit_t *a, const cJSON *d, const cJSON *m, const char *place)
{
    if (is_lstr(d)) {
        audit_lstr(a, d, m, place);
        return;
    }
    if (!cJSON_IsObject(d) && !cJSON_IsArray(d))
        return;
    int i = 0;
    for (const cJSON *dc = d->child; dc; dc = dc->next, i++) {
        char sub[512];
        const cJSON *mc;
        if (cJSON_IsArray(d)) {
            snprintf(sub, sizeof sub, "%s[%d]", place, i);
            mc = cJSON_GetArrayItem(m, i);
        } else {
            snprintf(sub, sizeof sub, "%s.%s", place, dc->string);
            mc = cJSON_GetObjectItemCaseSensitive(m, dc->string);
        }
        if (!mc && (is_lstr(dc) || cJSON_IsObject(dc) || cJSON_IsArray(dc)))
            problem(a, sub, "", "is missing");
        else if (mc)
            audit(a, dc, mc, sub);
    }
}

static audit_t audit_pack(const cJSON *dflt, const cJSON *multi)
{
    audit_t a = {0, 0};
    audit(&a, dflt, multi, "$");
    /* The languages: the default pack's, then the added ones, in order. */
    const cJSON *ls = cJSON_GetObjectItemCaseSensitive(multi, "languages");
    if (cJSON_GetArraySize(ls) != (int)NLANGS)
        problem(&a, "$.languages", "", "has not the five languages");
    for (size_t l = 0; l < NLANGS; l++) {
        const cJSON *code =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ls, (int)l), "code");
        if (!cJSON_IsString(code) || strcmp(code->valuestring, langs[l]) != 0)
            problem(&a, "$.languages", langs[l], "is not in its place");
    }
    return a;
}

/* The lstr at a place of the default pack's shape: "strings", "progress" or a path of keys. */
static cJSON *lstr_at(cJSON *root, const char *const keys[])
{
    cJSON *o = root;
    for (size_t i = 0; keys[i] && o; i++)
        o = keys[i][0] == '#' ? cJSON_GetArrayItem(o, atoi(keys[i] + 1))
                              : cJSON_GetObjectItemCaseSensitive(o, keys[i]);
    return o;
}

static void every_language_has_every_text_and_placeholder(void)
{
    cJSON *dflt = parse_file(KIOSK_DEFAULT_PACK);
    cJSON *multi = parse_file(KIOSK_MULTILINGUAL_PACK);
    REQUIRE(dflt && multi);
    audit_t a = audit_pack(dflt, multi);
    CHECK_INT(a.problems, 0);
    CHECK(a.texts >= 340); /* 216 interface strings and the texts of journeys and catalogs */
    fprintf(stderr, "  %d texts in each of %zu languages; now three faults, found:\n", a.texts,
            NLANGS);

    /* The check itself: a translation taken away, a placeholder lost, a deep choice's text
     * gone, each is one problem. */
    static const char *const title[] = {"strings", "thanks.title", NULL};
    static const char *const progress[] = {"strings", "progress", NULL};
    static const char *const choice[] = {"journeys", "#1",      "pages", "#0",   "elements",
                                         "#1",       "choices", "#2",    "text", NULL};
    cJSON_DeleteItemFromObjectCaseSensitive(lstr_at(multi, title), "ug");
    CHECK_INT(audit_pack(dflt, multi).problems, a.problems + 1);
    cJSON_ReplaceItemInObjectCaseSensitive(lstr_at(multi, progress), "bo",
                                           cJSON_CreateString("དྲི་བ་{n}"));
    CHECK_INT(audit_pack(dflt, multi).problems, a.problems + 2);
    cJSON_DeleteItemFromObjectCaseSensitive(lstr_at(multi, choice), "zh-tw");
    CHECK_INT(audit_pack(dflt, multi).problems, a.problems + 3);
    /* The kiosk's own loader refuses a pack with a translation missing, naming the place. */
    char *text = cJSON_PrintUnformatted(multi);
    content_t *c = NULL;
    content_error_t err;
    CHECK(content_load(text, strlen(text), "multilingual.json", &c, &err) != 0 && !c);
    char msg[1024];
    content_error_format(&err, msg, sizeof msg);
    CHECK(strstr(msg, "thanks.title") != NULL);
    free(text);
    cJSON_Delete(dflt);
    cJSON_Delete(multi);
}

/* ---- (c) every journey in every language, through the real kiosk ---- */

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "(none)";
}

/* What multilingual.script stores in lang; zh-tw takes Taiwan's ten-digit landlines, so the
 * eleventh digit typed is refused there. */
static void check_records(const char *db_path, const char *lang)
{
    bool tw = strcmp(lang, "zh-tw") == 0;
    const struct {
        const char *kind, *journey, *answers, *name, *phone;
        bool ref;
    } want[] = {
        {"quick_rating", "quick_rating", "{\"rating\":4,\"about\":\"WAITING\"}", "(none)", "(none)",
         false},
        {"feedback", "feedback",
         "{\"topic\":\"FACILITIES\",\"rating\":1,\"comment\":\"ok ياخشى བཀྲ་ཤིས། 很好\","
         "\"contactOk\":true}",
         "Li", tw ? "0215555012" : "02155550123", false},
        {"service_request", "service_request",
         "{\"service\":\"ELDER_CARE\",\"forWhom\":\"FAMILY\",\"urgency\":\"URGENT\","
         "\"description\":\"ئۆيدە ياردەم 帮忙买菜\",\"consent\":false}",
         "(none)", "(none)", true},
        {"questionnaire", "needs_survey_2026",
         "{\"satisfaction\":4,\"wantedServices\":[\"EDU_TUTOR\"],\"visits\":\"MONTHLY\","
         "\"livesAlone\":true,\"checkIns\":\"YES\",\"household\":2}",
         "(none)", "(none)", false},
        {"activity", "activities",
         "{\"activity\":\"ACT_2026_12_TAICHI\",\"action\":\"SIGNUP\",\"consent\":true}", "Wang",
         tw ? "0208765432" : "02087654321", false},
    };
    sqlite3 *db;
    sqlite3_stmt *st;
    REQUIRE(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT r.kind, r.journey_id, r.lang, r.pack_id, r.pack_version, "
                               "r.answers, r.ref_code, c.name, c.phone FROM records r LEFT JOIN "
                               "contacts c ON c.record_id = r.id ORDER BY r.id",
                               -1, &st, NULL) == SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < sizeof want / sizeof want[0]) {
        CHECK_STR(col(st, 0), want[n].kind);
        CHECK_STR(col(st, 1), want[n].journey);
        CHECK_STR(col(st, 2), lang);
        CHECK_STR(col(st, 3), "multilingual");
        CHECK_STR(col(st, 4), "2026.12.1");
        CHECK_STR(col(st, 5), want[n].answers);
        const char *ref = (const char *)sqlite3_column_text(st, 6);
        if (want[n].ref)
            CHECK(ref && strlen(ref) == RECORD_REF_LEN &&
                  strspn(ref, REFCODE_ALPHABET) == RECORD_REF_LEN);
        else
            CHECK(ref == NULL);
        CHECK_STR(col(st, 7), want[n].name);
        CHECK_STR(col(st, 8), want[n].phone);
        n++;
    }
    CHECK_INT(n, sizeof want / sizeof want[0]);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Whether the screenshot dir/name.bmp was saved. */
static bool shot_saved(const char *dir, const char *name)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s.bmp", dir, name);
    return access(path, R_OK) == 0;
}

/* The first "text does not fit" line of the kiosk's log; NULL when none. Every script is
 * drawn in its own font (Uyghur in Noto Sans Arabic, Tibetan in Noto Serif Tibetan), so every
 * label fits in every language. */
static const char *overflow(const char *err)
{
    return strstr(err, "text does not fit: \"");
}

/* large: the same script with large text chosen before every journey (the display choices
 * last the visit, so each visit chooses them again). */
static void every_journey_in(size_t l, const char *size, bool large)
{
    const char *lang = langs[l];
    char name[64], db[700], shots[700], cmd[5000], script[700];
    snprintf(name, sizeof name, "multilingual-%s-%s%s", lang, size, large ? "-large" : "");
    snprintf(script, sizeof script, "%s", KIOSK_SCRIPTS "/multilingual.script");
    if (large) {
        snprintf(script, sizeof script, "%s/multilingual-large.script", tmp);
        snprintf(cmd, sizeof cmd,
                 "sed -e 's/^\\(press journey .*\\|press face .*\\)$/press display\\npress "
                 "large_text\\npress display_done\\n\\1/' '%s' > '%s'",
                 KIOSK_SCRIPTS "/multilingual.script", script);
        REQUIRE(system(cmd) == 0);
    }
    snprintf(db, sizeof db, "%s/%s.db", tmp, name);
    snprintf(shots, sizeof shots, "%s/screenshots/%s", tmp, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'-wal '%s'-shm '%s'-head '%s' && mkdir -p '%s'", db,
             db, db, db, shots, shots);
    REQUIRE(system(cmd) == 0);
    char *args[] = {"--headless", "--pack",     KIOSK_MULTILINGUAL_PACK,
                    "--lang",     (char *)lang, "--size",
                    (char *)size, "--db",       db,
                    "--script",   script,       "--screenshots",
                    shots,        NULL};
    static char out[1 << 16];
    char *err;
    int status = run_kiosk(name, args, out, sizeof out, &err);
    CHECK_INT(status, 0);
    /* The pack itself was used, not the built-in one after a refusal. */
    CHECK(!strstr(err, "rejected") && strstr(err, "(multilingual 2026.12.1)"));
    CHECK_INT(count_of(out, "event=saved"), 5);
    const char *cut = overflow(err);
    if (cut)
        fprintf(stderr, "  %s %s: %.120s\n", lang, size, cut);
    CHECK(!cut);
    check_records(db, lang);
    static const char *const named[] = {
        "home",       "question-about",    "keyboard",       "keypad", "thanks", "question-urgency",
        "thanks-ref", "question-activity", "thanks-activity"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        CHECK(shot_saved(shots, named[i]));
    free(err);
}

static void every_journey_in_every_language(void)
{
    const char *sizes[] = {"800x480", "720x1280"};
    for (size_t l = 0; l < NLANGS; l++)
#ifdef KIOSK_TEST_EMULATED
        every_journey_in(l, sizes[0], false);
#else
        for (size_t s = 0; s < 4; s++)
            every_journey_in(l, sizes[s % 2], s >= 2);
#endif
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(the_pack_loads_with_its_five_languages);
    RUN(every_language_has_every_text_and_placeholder);
    RUN(every_journey_in_every_language);
    return check_failures != 0;
}
