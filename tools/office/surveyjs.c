/* kiosk-staff import-surveyjs: a SurveyJS survey (the JSON SurveyJS Creator saves) made a
 * journey of a content pack. What the kiosk supports is converted (text, comment, radiogroup,
 * checkbox, dropdown as a radiogroup, boolean, rating, a matrix as one radiogroup a row,
 * visibleIf (a page's and a panel's on each of their questions), requiredIf, isRequired,
 * hasOther, page titles, localized strings); everything
 * else is listed with its place in the survey and left out. The new pack is loaded as the
 * kiosk loads it before it is written. */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/content.h"
#include "core/kerr.h"
#include "office.h"
#include "staff-office.h"

#define CMD "import-surveyjs"

/* One conversion: the pack's languages (borrowed from the pack's JSON), the survey's own
 * language, and how many features were left out. */
typedef struct {
    const cJSON *langs;
    const char *pack_default;
    const char *survey_lang;
    int left_out;
    bool uses_other_string; /* a hasOther without otherText: needs strings.choice.other */
} conv_t;

__attribute__((format(printf, 3, 4))) static void note(conv_t *cv, const char *path,
                                                       const char *fmt, ...)
{
    va_list ap;
    printf("%s: ", path);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    cv->left_out++;
}

/* The text of a SurveyJS localizable string v in code: its own key (any case), else
 * "default" or a plain string when code is the survey's language; NULL when none. */
static const char *text_in(const conv_t *cv, const cJSON *v, const char *code)
{
    bool own = strcasecmp(code, cv->survey_lang) == 0;
    if (cJSON_IsString(v))
        return own ? v->valuestring : NULL;
    if (cJSON_IsNumber(v))
        return NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        if (cJSON_IsString(e) && strcasecmp(e->string, code) == 0)
            return e->valuestring;
    }
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(v, "default");
    return own && cJSON_IsString(def) ? def->valuestring : NULL;
}

/* Any text of v: the survey language's, else the first one given; NULL when none. */
static const char *any_text(const conv_t *cv, const cJSON *v)
{
    const char *t = text_in(cv, v, cv->survey_lang);
    if (t || cJSON_IsString(v))
        return t ? t : v->valuestring;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        if (cJSON_IsString(e))
            return e->valuestring;
    }
    return NULL;
}

/* The pack's localizable string for the SurveyJS string v ({"default": .., "<code>": ..} in
 * every language of the pack); a language without its text gets the survey's own, listed.
 * fallback (NULL: none) stands for an absent v; NULL when there is nothing. */
static cJSON *conv_lstr(conv_t *cv, const cJSON *v, const char *path, const char *fallback)
{
    char num[32];
    if (cJSON_IsNumber(v)) {
        snprintf(num, sizeof num, "%g", v->valuedouble);
        fallback = num;
        v = NULL;
    }
    const char *base = v ? any_text(cv, v) : fallback;
    if (!base)
        return NULL;
    cJSON *out = cJSON_CreateObject();
    const cJSON *l;
    cJSON_ArrayForEach(l, cv->langs)
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(l, "code");
        if (!cJSON_IsString(code))
            continue;
        const char *t = v ? text_in(cv, v, code->valuestring) : base;
        if (!t) {
            note(cv, path, "no '%s' text (the survey's own is used)", code->valuestring);
            t = base;
        }
        bool def = strcasecmp(code->valuestring, cv->pack_default) == 0;
        cJSON_AddStringToObject(out, def ? "default" : code->valuestring, t);
    }
    return out;
}

/* Copies the localizable member name of from into to (converted), when present. */
static void copy_lstr(conv_t *cv, const cJSON *from, const char *name, cJSON *to, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, name);
    if (!v)
        return;
    char at[512];
    snprintf(at, sizeof at, "%s.%s", path, name);
    cJSON *s = conv_lstr(cv, v, at, NULL);
    if (s)
        cJSON_AddItemToObject(to, name, s);
}

/* Copies the member name of from into to as it is, when present. */
static void copy_as_is(const cJSON *from, const char *name, cJSON *to)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, name);
    if (v)
        cJSON_AddItemToObject(to, name, cJSON_Duplicate(v, true));
}

/* Whether word is one of the space-separated words of list. */
static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* Lists every member of obj that is neither in common nor in own as left out. */
static void list_unknown(conv_t *cv, const cJSON *obj, const char *path, const char *common,
                         const char *own)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        char at[512];
        snprintf(at, sizeof at, "%s.%s", path, m->string);
        if (!in_list(common, m->string) && !in_list(own, m->string))
            note(cv, at, "not supported (left out)");
    }
}

/* A choice list (choices, columns, rows, rateValues): {"value", "text"} items. */
static cJSON *conv_choices(conv_t *cv, const cJSON *list, const char *path)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *it;
    int i = 0;
    cJSON_ArrayForEach(it, list)
    {
        char at[512];
        snprintf(at, sizeof at, "%s[%d]", path, i++);
        const cJSON *value =
            cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "value") : it;
        if (!cJSON_IsString(value) && !cJSON_IsNumber(value)) {
            note(cv, at, "a choice without a value (left out)");
            continue;
        }
        cJSON *ch = cJSON_CreateObject();
        cJSON_AddItemToObject(ch, "value", cJSON_Duplicate(value, false));
        const cJSON *text =
            cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "text") : NULL;
        char plain[32];
        if (cJSON_IsNumber(value))
            snprintf(plain, sizeof plain, "%g", value->valuedouble);
        /* A plain value is its own text in every language, as SurveyJS shows it. */
        cJSON_AddItemToObject(
            ch, "text",
            text ? conv_lstr(cv, text, at, NULL)
                 : conv_lstr(cv, NULL, at, cJSON_IsString(value) ? value->valuestring : plain));
        if (cJSON_IsObject(it))
            list_unknown(cv, it, at, "value text", "");
        cJSON_AddItemToArray(out, ch);
    }
    return out;
}

/* Converts a member holding a choice list, when present. */
static void copy_choices(conv_t *cv, const cJSON *el, const char *name, const char *as, cJSON *q,
                         const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(el, name);
    if (!v)
        return;
    char at[512];
    snprintf(at, sizeof at, "%s.%s", path, name);
    cJSON_AddItemToObject(q, as, conv_choices(cv, v, at));
}

/* A rating: rateValues, or rateMin/rateMax with rateStep made into values. */
static void conv_rating(conv_t *cv, const cJSON *el, cJSON *q, const char *path)
{
    const cJSON *step = cJSON_GetObjectItemCaseSensitive(el, "rateStep");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(el, "rateType");
    if (cJSON_GetObjectItemCaseSensitive(el, "rateValues")) {
        copy_choices(cv, el, "rateValues", "rateValues", q, path);
    } else if (cJSON_IsNumber(step) && step->valueint > 1) {
        const cJSON *lo = cJSON_GetObjectItemCaseSensitive(el, "rateMin");
        const cJSON *hi = cJSON_GetObjectItemCaseSensitive(el, "rateMax");
        int from = cJSON_IsNumber(lo) ? lo->valueint : 1,
            to = cJSON_IsNumber(hi) ? hi->valueint : 5;
        cJSON *values = cJSON_AddArrayToObject(q, "rateValues");
        for (int v = from; v <= to && cJSON_GetArraySize(values) < 64; v += step->valueint)
            cJSON_AddItemToArray(values, cJSON_CreateNumber(v));
    } else {
        copy_as_is(el, "rateMin", q);
        copy_as_is(el, "rateMax", q);
        copy_as_is(el, "rateCount", q);
    }
    if (cJSON_IsString(type) && strcmp(type->valuestring, "smileys") == 0)
        cJSON_AddStringToObject(q, "rateType", "smileys");
    else if (type)
        note(cv, path, "rateType '%s' is shown as numbered buttons",
             cJSON_IsString(type) ? type->valuestring : "?");
    copy_lstr(cv, el, "minRateDescription", q, path);
    copy_lstr(cv, el, "maxRateDescription", q, path);
}

/* A text answer: its inputType if the kiosk has it (else a plain text, listed). */
static void conv_text(conv_t *cv, const cJSON *el, cJSON *q, const char *path, bool comment)
{
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(el, "inputType");
    if (!comment && cJSON_IsString(input)) {
        if (in_list("text number tel", input->valuestring))
            cJSON_AddStringToObject(q, "inputType", input->valuestring);
        else
            note(cv, path, "inputType '%s' is not supported (asked as text)", input->valuestring);
    }
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(el, "maxLength");
    if (cJSON_IsNumber(max) && max->valueint >= 1 && max->valueint <= 4000)
        cJSON_AddNumberToObject(q, "maxLength", max->valueint);
}

/* The members every converted question has: name, title (its name when none), description,
 * isRequired, visibleIf, requiredIf. */
static cJSON *conv_common(conv_t *cv, const cJSON *el, const char *type, const char *path)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(el, "name");
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "type", type);
    cJSON_AddStringToObject(q, "name", name->valuestring);
    char at[512];
    snprintf(at, sizeof at, "%s.title", path);
    cJSON_AddItemToObject(
        q, "title",
        conv_lstr(cv, cJSON_GetObjectItemCaseSensitive(el, "title"), at, name->valuestring));
    copy_lstr(cv, el, "description", q, path);
    copy_as_is(el, "isRequired", q);
    copy_as_is(el, "visibleIf", q);
    copy_as_is(el, "requiredIf", q);
    return q;
}

#define COMMON_KEYS "type name title description isRequired visibleIf requiredIf"

/* A matrix: one radiogroup a row, named "<name>.<row value>", titled by the row, the matrix's
 * title as its description. */
static void conv_matrix(conv_t *cv, const cJSON *el, const char *path, cJSON *out)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(el, "name");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(el, "rows");
    const cJSON *row;
    int i = 0;
    bool all = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(el, "isAllRowRequired"));
    char cat[560]; /* path is at most 512 bytes */
    snprintf(cat, sizeof cat, "%s.columns", path);
    cJSON *columns = conv_choices(cv, cJSON_GetObjectItemCaseSensitive(el, "columns"), cat);
    list_unknown(cv, el, path, COMMON_KEYS, "columns rows isAllRowRequired");
    cJSON_ArrayForEach(row, rows)
    {
        char at[560], qname[256];
        snprintf(at, sizeof at, "%s.rows[%d]", path, i++);
        const cJSON *value =
            cJSON_IsObject(row) ? cJSON_GetObjectItemCaseSensitive(row, "value") : row;
        const cJSON *text =
            cJSON_IsObject(row) ? cJSON_GetObjectItemCaseSensitive(row, "text") : row;
        if (!cJSON_IsString(value) && !cJSON_IsNumber(value)) {
            note(cv, at, "a row without a value (left out)");
            continue;
        }
        if (cJSON_IsString(value))
            snprintf(qname, sizeof qname, "%s.%s", name->valuestring, value->valuestring);
        else
            snprintf(qname, sizeof qname, "%s.%g", name->valuestring, value->valuedouble);
        cJSON *q = conv_common(cv, el, "radiogroup", path);
        cJSON_ReplaceItemInObject(q, "name", cJSON_CreateString(qname));
        cJSON_DeleteItemFromObject(q, "description");
        cJSON *matrix_title = cJSON_DetachItemFromObject(q, "title");
        cJSON_AddItemToObject(q, "title", conv_lstr(cv, text ? text : value, at, NULL));
        cJSON_AddItemToObject(q, "description", matrix_title);
        if (all) {
            cJSON_DeleteItemFromObjectCaseSensitive(q, "isRequired");
            cJSON_AddTrueToObject(q, "isRequired");
        }
        cJSON_AddItemToObject(q, "choices", cJSON_Duplicate(columns, true));
        cJSON_AddItemToArray(out, q);
    }
    cJSON_Delete(columns);
}

/* The members only one type has; the question is added to out. */
static void conv_typed(conv_t *cv, const cJSON *el, const char *type, const char *path, cJSON *out)
{
    bool choice = in_list("radiogroup checkbox dropdown", type);
    cJSON *q = conv_common(cv, el, strcmp(type, "dropdown") == 0 ? "radiogroup" : type, path);
    if (choice) {
        copy_choices(cv, el, "choices", "choices", q, path);
        copy_as_is(el, "hasOther", q);
        copy_lstr(cv, el, "otherText", q, path);
        cv->uses_other_string |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(el, "hasOther")) &&
                                 !cJSON_GetObjectItemCaseSensitive(el, "otherText");
        list_unknown(cv, el, path, COMMON_KEYS, "choices hasOther otherText");
    } else if (strcmp(type, "boolean") == 0) {
        copy_lstr(cv, el, "labelTrue", q, path);
        copy_lstr(cv, el, "labelFalse", q, path);
        list_unknown(cv, el, path, COMMON_KEYS, "labelTrue labelFalse");
    } else if (strcmp(type, "rating") == 0) {
        conv_rating(cv, el, q, path);
        list_unknown(cv, el, path, COMMON_KEYS,
                     "rateValues rateMin rateMax rateStep rateCount rateType minRateDescription "
                     "maxRateDescription");
    } else {
        conv_text(cv, el, q, path, strcmp(type, "comment") == 0);
        list_unknown(cv, el, path, COMMON_KEYS, "inputType maxLength");
    }
    cJSON_AddItemToArray(out, q);
}

static void conv_element(conv_t *cv, const cJSON *el, const char *path, cJSON *out);

/* The elements of a page or panel at path, into out. */
static void conv_elements(conv_t *cv, const cJSON *els, const char *path, cJSON *out)
{
    const cJSON *el;
    int i = 0;
    cJSON_ArrayForEach(el, els)
    {
        char at[512];
        snprintf(at, sizeof at, "%s.elements[%d]", path, i++);
        conv_element(cv, el, at, out);
    }
}

/* The "or" alternatives of a condition (the kiosk's visibleIf is alternatives of "and"ed
 * comparisons, without parentheses): at most max, each a copy in alt[]; quoted texts are
 * skipped. Returns how many, 0 when there are more than max. */
static int split_or(const char *s, char *alt[], int max)
{
    int n = 0;
    const char *from = s;
    char quote = 0;
    for (const char *p = s;; p++) {
        bool end = *p == '\0';
        size_t skip = 0;
        if (!end && quote) {
            quote = *p == quote ? 0 : quote;
            continue;
        }
        if (!end && (*p == '\'' || *p == '"'))
            quote = *p;
        else if (!end && strncmp(p, "||", 2) == 0)
            skip = 2;
        else if (!end && p > s && isspace((unsigned char)p[-1]) && strncasecmp(p, "or", 2) == 0 &&
                 (isspace((unsigned char)p[2]) || p[2] == '{'))
            skip = 2;
        if (!end && !skip)
            continue;
        if (n == max)
            return 0;
        const char *to = p;
        while (from < to && isspace((unsigned char)*from))
            from++;
        while (to > from && isspace((unsigned char)to[-1]))
            to--;
        if (!(alt[n++] = strndup(from, (size_t)(to - from))))
            return 0;
        if (end)
            return n;
        from = p + skip;
        p += skip - 1;
    }
}

/* "cond and own", distributed over the alternatives of both: "a or b" and "c" is
 * "a and c or b and c". NULL when out of memory or too many alternatives. */
static char *and_conditions(const char *cond, const char *own)
{
    char *a[16] = {0}, *b[16] = {0};
    const int na = split_or(cond, a, 16), nb = split_or(own, b, 16);
    size_t len = 1;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            len += strlen(a[i]) + strlen(b[j]) + 10;
    char *out = na && nb ? malloc(len) : NULL;
    if (out) {
        out[0] = '\0';
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++)
                snprintf(out + strlen(out), len - strlen(out), "%s%s and %s", out[0] ? " or " : "",
                         a[i], b[j]);
    }
    for (int i = 0; i < 16; i++)
        free(a[i]), free(b[i]);
    return out;
}

/* A page's or a panel's visibleIf on each question converted from it (out's items from
 * index from): the question's own condition "and" the page's, or the page's alone; the kiosk
 * has no condition on a page, and a question on a hidden page is hidden in SurveyJS too. */
static void push_visible_if(conv_t *cv, cJSON *out, int from, const cJSON *holder, const char *path)
{
    const cJSON *cond = cJSON_GetObjectItemCaseSensitive(holder, "visibleIf");
    if (!cJSON_IsString(cond) || !cond->valuestring[0])
        return;
    for (int i = from; i < cJSON_GetArraySize(out); i++) {
        cJSON *q = cJSON_GetArrayItem(out, i);
        const cJSON *own = cJSON_GetObjectItemCaseSensitive(q, "visibleIf");
        char *both = NULL;
        if (cJSON_IsString(own) && own->valuestring[0] &&
            !(both = and_conditions(cond->valuestring, own->valuestring))) {
            note(cv, path,
                 "visibleIf: too many alternatives to join with the question's own "
                 "(the question's own is kept)");
            continue;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(q, "visibleIf");
        cJSON_AddStringToObject(q, "visibleIf", both ? both : cond->valuestring);
        free(both);
    }
}

/* One element of a page into out (none, one question, a matrix's rows, or a panel's
 * questions: the kiosk asks them one by one, so the panel itself is left out). */
static void conv_element(conv_t *cv, const cJSON *el, const char *path, cJSON *out)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(el, "type");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(el, "name");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "panel") == 0) {
        list_unknown(cv, el, path, "type name elements visibleIf", "");
        const int from = cJSON_GetArraySize(out);
        conv_elements(cv, cJSON_GetObjectItemCaseSensitive(el, "elements"), path, out);
        push_visible_if(cv, out, from, el, path);
        return;
    }
    if (!cJSON_IsString(type) || !cJSON_IsString(name) || !name->valuestring[0]) {
        note(cv, path, "not a question with a type and a name (left out)");
        return;
    }
    const char *t = type->valuestring;
    if (strcmp(t, "matrix") == 0)
        conv_matrix(cv, el, path, out);
    else if (in_list("text comment radiogroup checkbox dropdown boolean rating", t))
        conv_typed(cv, el, t, path, out);
    else
        note(cv, path, "type '%s' is not supported (left out)", t);
}

/* The survey's pages (or its root "elements" as one page) as the journey's. */
static cJSON *conv_pages(conv_t *cv, const cJSON *survey)
{
    const cJSON *pages = cJSON_GetObjectItemCaseSensitive(survey, "pages");
    cJSON *out = cJSON_CreateArray();
    if (!pages) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "name", "page1");
        cJSON *els = cJSON_AddArrayToObject(p, "elements");
        conv_elements(cv, cJSON_GetObjectItemCaseSensitive(survey, "elements"), "$", els);
        cJSON_AddItemToArray(out, p);
        return out;
    }
    const cJSON *page;
    int pi = 0;
    cJSON_ArrayForEach(page, pages)
    {
        char at[64];
        snprintf(at, sizeof at, "$.pages[%d]", pi++);
        cJSON *p = cJSON_CreateObject();
        copy_as_is(page, "name", p);
        copy_lstr(cv, page, "title", p, at);
        list_unknown(cv, page, at, "name title elements visibleIf", "");
        cJSON *els = cJSON_AddArrayToObject(p, "elements");
        conv_elements(cv, cJSON_GetObjectItemCaseSensitive(page, "elements"), at, els);
        push_visible_if(cv, els, 0, page, at);
        if (cJSON_GetArraySize(els) > 0)
            cJSON_AddItemToArray(out, p);
        else
            cJSON_Delete(p);
    }
    return out;
}

/* The journey made of the survey. */
static cJSON *conv_journey(conv_t *cv, const cJSON *survey, const char *id, const char *kind)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", id);
    cJSON_AddStringToObject(j, "kind", kind);
    cJSON_AddItemToObject(
        j, "title",
        conv_lstr(cv, cJSON_GetObjectItemCaseSensitive(survey, "title"), "$.title", id));
    copy_lstr(cv, survey, "description", j, "$");
    list_unknown(cv, survey, "$", "title description locale pages elements", "");
    cJSON_AddItemToObject(j, "pages", conv_pages(cv, survey));
    return j;
}

/* strings.choice.other, when a hasOther needs it and the pack lacks it: the kiosk's own words
 * in English and Chinese, the English elsewhere (listed). */
static void add_other_string(conv_t *cv, cJSON *pack)
{
    cJSON *strings = cJSON_GetObjectItemCaseSensitive(pack, "strings");
    if (!cv->uses_other_string || !cJSON_IsObject(strings) ||
        cJSON_GetObjectItemCaseSensitive(strings, "choice.other"))
        return;
    cJSON *s = cJSON_CreateObject();
    const cJSON *l;
    cJSON_ArrayForEach(l, cv->langs)
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(l, "code");
        if (!cJSON_IsString(code))
            continue;
        const char *c = code->valuestring;
        bool zh = strncasecmp(c, "zh", 2) == 0;
        if (!zh && strncasecmp(c, "en", 2) != 0)
            note(cv, "$.strings.choice.other", "no '%s' text (English is used)", c);
        cJSON_AddStringToObject(s, strcasecmp(c, cv->pack_default) == 0 ? "default" : c,
                                zh ? "其他" : "Something else");
    }
    cJSON_AddItemToObject(strings, "choice.other", s);
}

static const char help[] =
    "Usage: kiosk-staff import-surveyjs SURVEY.json --pack PACK.json --id JOURNEY_ID\n"
    "                                   [--kind KIND] --out NEW.json\n"
    "Makes a SurveyJS survey a journey of the pack (appended last), lists on standard output\n"
    "what it could not convert with its place in the survey, loads the new pack as the kiosk\n"
    "does and writes it. KIND: feedback, service_request (or service), questionnaire\n"
    "(default) or activity.\n";

typedef struct {
    const char *survey, *pack, *id, *kind, *out;
} sj_args_t;

/* -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, sj_args_t *a)
{
    static const struct option opts[] = {
        {"pack", required_argument, NULL, 'p'}, {"id", required_argument, NULL, 'i'},
        {"kind", required_argument, NULL, 'k'}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    *a = (sj_args_t){.kind = "questionnaire"};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char **dst = c == 'p'   ? &a->pack
                           : c == 'i' ? &a->id
                           : c == 'k' ? &a->kind
                           : c == 'o' ? &a->out
                                      : NULL;
        if (!dst) {
            fputs(help, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
        *dst = optarg;
    }
    if (optind != argc - 1 || !a->pack || !a->id || !a->out) {
        fputs(help, stderr);
        return 2;
    }
    a->survey = argv[optind];
    if (strcmp(a->kind, "service") == 0)
        a->kind = "service_request";
    return -1;
}

/* The file at path parsed as JSON, or NULL with the reason on stderr. */
static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    buf_t b = {0};
    char chunk[8192];
    size_t n;
    if (!f) {
        fprintf(stderr, "kiosk-staff " CMD ": %s: cannot read it\n", path);
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    cJSON *v = b.oom ? NULL : cJSON_ParseWithLength(buf_str(&b), b.len);
    if (!v)
        fprintf(stderr, "kiosk-staff " CMD ": %s: not JSON\n", path);
    buf_free(&b);
    return v;
}

/* Loads the new pack text as the kiosk would: 0, or 1 with the loader's reason. */
static int check_pack(const char *text, const char *name)
{
    content_t *c = NULL;
    content_error_t err;
    if (content_load(text, strlen(text), name, &c, &err) == KIOSK_OK) {
        content_free(c);
        return 0;
    }
    char msg[1024];
    content_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "kiosk-staff " CMD ": the new pack is refused: %s\n", msg);
    return 1;
}

/* Converts and appends; the pack text to write (malloc'd) or NULL after a message. */
static char *convert(const sj_args_t *a, cJSON *survey, cJSON *pack)
{
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(pack, "defaultLanguage");
    const cJSON *locale = cJSON_GetObjectItemCaseSensitive(survey, "locale");
    cJSON *journeys = cJSON_GetObjectItemCaseSensitive(pack, "journeys");
    if (!cJSON_IsObject(survey) || !cJSON_IsString(def) || !cJSON_IsArray(journeys)) {
        fprintf(stderr, "kiosk-staff " CMD ": %s\n",
                cJSON_IsObject(survey) ? "the pack has no defaultLanguage or journeys"
                                       : "the survey is not a JSON object");
        return NULL;
    }
    conv_t cv = {.langs = cJSON_GetObjectItemCaseSensitive(pack, "languages"),
                 .pack_default = def->valuestring,
                 .survey_lang =
                     cJSON_IsString(locale) && locale->valuestring[0] ? locale->valuestring : "en"};
    cJSON *j = conv_journey(&cv, survey, a->id, a->kind);
    int nq = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "pages"))
    {
        nq += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p, "elements"));
    }
    cJSON_AddItemToArray(journeys, j);
    add_other_string(&cv, pack);
    printf("journey '%s': %d questions; %d features left out or changed (listed above)\n", a->id,
           nq, cv.left_out);
    return cJSON_Print(pack);
}

int office_import_surveyjs(int argc, char **argv)
{
    sj_args_t a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    cJSON *survey = read_json(a.survey);
    cJSON *pack = survey ? read_json(a.pack) : NULL;
    char *text = pack ? convert(&a, survey, pack) : NULL;
    rc = text ? check_pack(text, a.out) : 1;
    out_t o;
    if (rc == 0 && (rc = out_open(CMD, a.out, 0644, &o)) == 0) {
        out_put(&o, text, strlen(text));
        out_put(&o, "\n", 1);
        rc = out_close(CMD, &o, true);
    }
    free(text);
    cJSON_Delete(pack);
    cJSON_Delete(survey);
    return rc;
}
