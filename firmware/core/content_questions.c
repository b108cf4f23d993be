/* Content pack loader, second part: journeys, their pages and questions, choices and
 * catalogs' entries, and the quick rating; see content_loader.c for the tools. */
#include "core/content.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/content_internal.h"
#include "core/expr_parse.h"
#include "core/ime.h"
#include "core/json_num.h"
#include "core/kerr.h"

/* ---- choices ---- */

/* Parses one choice: {"value", "text", "detail", "icon"} (an activity: "date", "time",
 * "place", "description" instead of "detail") or a plain string (code and text). */
static int parse_choice(loader_t *L, const cJSON *v, choice_t *ch, bool numeric)
{
    content_t *c = L->c;
    char num[32];
    if (cJSON_IsNumber(v)) {
        /* A bare number is its own code and label, in every language. */
        int64_t n;
        if (!json_int_in(v->valuedouble, -1000000000, 1000000000, &n))
            return loader_fail(L, "choice value must be an integer or a code");
        snprintf(num, sizeof num, "%lld", (long long)n);
        lstr_entry_t *e = content_arena_alloc(&c->arena, sizeof *e);
        if (!e || !(ch->value = content_arena_strdup(&c->arena, num)))
            return loader_oom(L);
        e->lang = c->default_lang;
        e->text = ch->value;
        ch->text = (lstr_t){e, 1};
    } else if (cJSON_IsString(v)) {
        if (!(ch->value = content_arena_strdup(&c->arena, v->valuestring)))
            return loader_oom(L);
        if (loader_lstr_value(L, v, &ch->text))
            return KIOSK_EINVAL;
    } else if (cJSON_IsObject(v)) {
        const cJSON *val = loader_member(v, "value");
        if (cJSON_IsNumber(val)) {
            int64_t n;
            if (!json_int_in(val->valuedouble, -1000000000, 1000000000, &n))
                return loader_fail(L, "choice value must be an integer or a code");
            snprintf(num, sizeof num, "%lld", (long long)n);
            if (!(ch->value = content_arena_strdup(&c->arena, num)))
                return loader_oom(L);
        } else {
            int rc = loader_get_string(L, v, "value", true, &ch->value);
            if (rc)
                return rc;
        }
        if (loader_get_lstr(L, v, "text", true, &ch->text) ||
            loader_get_lstr(L, v, "detail", false, &ch->detail) ||
            loader_get_icon(L, v, &ch->icon) || loader_activity(L, v, ch))
            return KIOSK_EINVAL;
    } else {
        return loader_fail(L, "expected a choice: a code or {\"value\", \"text\"}");
    }
    if (strlen(ch->value) > 63)
        return loader_fail(L, "choice value '%s' is longer than 63 bytes", ch->value);
    if (numeric) {
        char *end;
        ch->number = strtol(ch->value, &end, 10);
        if (*end || end == ch->value)
            return loader_fail(L, "rating value '%s' is not an integer", ch->value);
    }
    return KIOSK_OK;
}

static int parse_choice_array(loader_t *L, const cJSON *arr, const char *what, bool numeric,
                              const choice_t **out, size_t *nout)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n < 1)
        return loader_fail(L, "expected a non-empty array of %s", what);
    if (n > CONTENT_MAX_CHOICES)
        return loader_fail(L, "%d %s, at most %d are supported", n, what, CONTENT_MAX_CHOICES);
    choice_t *ch = content_arena_alloc(&L->c->arena, (size_t)n * sizeof *ch);
    if (!ch)
        return loader_oom(L);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        size_t s = loader_path_push(L, "[%zu]", i);
        int rc = parse_choice(L, v, &ch[i], numeric);
        for (size_t k = 0; !rc && k < i; k++)
            if (strcmp(ch[k].value, ch[i].value) == 0)
                rc = loader_fail(L, "duplicate code '%s' (also at index %zu)", ch[i].value, k);
        loader_path_pop(L, s);
        if (rc)
            return rc;
        i++;
    }
    *out = ch;
    *nout = i;
    return KIOSK_OK;
}

int loader_catalogs(loader_t *L, const cJSON *root)
{
    const cJSON *cats = loader_member(root, "catalogs");
    if (!cats)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".catalogs");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(cats))
        rc = loader_fail(L, "expected an object of catalogs");
    const cJSON *cat;
    const cJSON *list = rc ? NULL : cats;
    cJSON_ArrayForEach(cat, list)
    {
        /* Validate each catalog once here, even if no question uses it. */
        const choice_t *ch;
        size_t n;
        size_t s2 = loader_path_push(L, ".%s", cat->string);
        rc = parse_choice_array(L, cat, "catalog entries", false, &ch, &n);
        loader_path_pop(L, s2);
        if (rc)
            break;
    }
    loader_path_pop(L, s);
    L->catalogs = cats;
    return rc;
}

/* ---- questions ---- */

static const struct {
    const char *name;
    qtype_t type;
} qtypes[] = {
    {"rating", Q_RATING},     {"radiogroup", Q_RADIOGROUP},
    {"checkbox", Q_CHECKBOX}, {"boolean", Q_BOOLEAN},
    {"text", Q_TEXT},         {"comment", Q_COMMENT},
};

static int parse_rating(loader_t *L, const cJSON *el, question_t *q)
{
    const cJSON *rv = loader_member(el, "rateValues");
    const char *rate_type = NULL;
    int rc = loader_get_string(L, el, "rateType", false, &rate_type);
    if (rc)
        return rc;
    q->smileys = rate_type && strcmp(rate_type, "smileys") == 0;
    if (rv) {
        size_t s = loader_path_push(L, ".rateValues");
        rc = parse_choice_array(L, rv, "rating values", true, &q->choices, &q->nchoices);
        loader_path_pop(L, s);
        if (rc)
            return rc;
    } else {
        int lo = 1, hi = 5, count = 0;
        if ((rc = loader_get_int(L, el, "rateMin", -100, 100, &lo)) ||
            (rc = loader_get_int(L, el, "rateMax", -100, 100, &hi)) ||
            (rc = loader_get_int(L, el, "rateCount", 2, 10, &count)))
            return rc;
        if (count)
            hi = lo + count - 1;
        if (hi <= lo || hi - lo >= 10)
            return loader_fail(L, "rating scale %d..%d must have 2 to 10 values", lo, hi);
        size_t n = (size_t)(hi - lo + 1);
        choice_t *ch = content_arena_alloc(&L->c->arena, n * sizeof *ch);
        if (!ch)
            return loader_oom(L);
        for (size_t i = 0; i < n; i++) {
            char num[16];
            snprintf(num, sizeof num, "%d", lo + (int)i);
            lstr_entry_t *e = content_arena_alloc(&L->c->arena, sizeof *e);
            if (!e || !(ch[i].value = content_arena_strdup(&L->c->arena, num)))
                return loader_oom(L);
            e->lang = L->c->default_lang;
            e->text = ch[i].value;
            ch[i].text = (lstr_t){e, 1};
            ch[i].number = lo + (long)i;
        }
        q->choices = ch;
        q->nchoices = n;
    }
    if (q->smileys && (q->nchoices < 3 || q->nchoices > 5))
        return loader_fail(L, "a smiley rating needs 3 to 5 values, not %zu", q->nchoices);
    if ((rc = loader_get_lstr(L, el, "minRateDescription", false, &q->min_desc)) ||
        (rc = loader_get_lstr(L, el, "maxRateDescription", false, &q->max_desc)))
        return rc;
    return KIOSK_OK;
}

static int parse_choices(loader_t *L, const cJSON *el, question_t *q)
{
    const cJSON *choices = loader_member(el, "choices");
    const char *catalog = NULL;
    int rc = loader_get_string(L, el, "choicesFromCatalog", false, &catalog);
    if (rc)
        return rc;
    if (choices && catalog)
        return loader_fail(L, "give either choices or choicesFromCatalog, not both");
    if (catalog) {
        const cJSON *list = loader_member(L->catalogs, catalog);
        if (!list)
            return loader_fail_at(L, ".choicesFromCatalog", "no catalog named '%s' in $.catalogs",
                                  catalog);
        /* Catalogs are validated where they are defined; errors point there. */
        size_t saved = L->plen;
        char here[256];
        memcpy(here, L->path, sizeof here);
        L->plen = 0;
        L->path[0] = '\0';
        loader_path_push(L, "$.catalogs.%s", catalog);
        rc = parse_choice_array(L, list, "catalog entries", false, &q->choices, &q->nchoices);
        memcpy(L->path, here, sizeof here);
        L->plen = saved;
        return rc;
    }
    if (!choices)
        return loader_fail(L, "a %s needs choices or choicesFromCatalog",
                           q->type == Q_CHECKBOX ? "checkbox" : "radiogroup");
    size_t s = loader_path_push(L, ".choices");
    rc = parse_choice_array(L, choices, "choices", false, &q->choices, &q->nchoices);
    loader_path_pop(L, s);
    return rc;
}

static int parse_text_question(loader_t *L, const cJSON *el, question_t *q)
{
    const char *input = NULL, *contact = NULL;
    int rc;
    if ((rc = loader_get_string(L, el, "inputType", false, &input)) ||
        (rc = loader_get_string(L, el, "contact", false, &contact)))
        return rc;
    q->input = INPUT_TEXT;
    if (input && strcmp(input, "number") == 0)
        q->input = INPUT_NUMBER;
    else if (input && strcmp(input, "tel") == 0)
        q->input = INPUT_TEL;
    else if (input && strcmp(input, "text") != 0)
        return loader_fail_at(L, ".inputType", "unsupported inputType '%s' (text, number or tel)",
                              input);
    if (q->type == Q_COMMENT && q->input != INPUT_TEXT)
        return loader_fail(L, "inputType is for text questions, not comment");
    if ((rc = loader_get_input_mode(L, el, &q->input_mode)))
        return rc;
    if (q->input != INPUT_TEXT && q->input_mode >= 0 && q->input_mode != IME_DIGITS)
        return loader_fail_at(L, ".inputMode", "a %s answer is typed in digits",
                              q->input == INPUT_TEL ? "tel" : "number");
    if (contact) {
        if (q->type != Q_TEXT)
            return loader_fail(L, "only a text question can hold a contact detail");
        if (strcmp(contact, "name") == 0)
            q->contact = CONTACT_NAME;
        else if (strcmp(contact, "phone") == 0)
            q->contact = CONTACT_PHONE;
        else {
            return loader_fail_at(L, ".contact", "contact must be 'name' or 'phone', not '%s'",
                                  contact);
        }
        if (q->contact == CONTACT_PHONE && q->input != INPUT_TEL)
            return loader_fail(L, "a phone contact needs inputType 'tel'");
    }
    const content_settings_t *st = &L->c->settings;
    int max = q->input == INPUT_TEL ? st->phone_max_digits : st->text_max_length;
    if ((rc = loader_get_int(L, el, "maxLength", 1, 4000, &max)))
        return rc;
    q->max_length = (size_t)max;
    return KIOSK_OK;
}

/* The element's type and its name, unique among the journey's questions qs[0..qi). */
static int parse_type_and_name(loader_t *L, const cJSON *el, question_t *qs, size_t qi)
{
    question_t *q = &qs[qi];
    const char *type = NULL;
    int rc;
    if ((rc = loader_get_string(L, el, "type", true, &type)))
        return rc;
    size_t t;
    for (t = 0; t < sizeof qtypes / sizeof qtypes[0]; t++)
        if (strcmp(type, qtypes[t].name) == 0)
            break;
    if (t == sizeof qtypes / sizeof qtypes[0])
        return loader_fail_at(
            L, ".type",
            "unknown question type '%s' (supported: rating, radiogroup, checkbox, boolean, "
            "text, comment)",
            type);
    q->type = qtypes[t].type;
    if ((rc = loader_get_string(L, el, "name", true, &q->name)))
        return rc;
    if (strlen(q->name) > 63)
        return loader_fail_at(L, ".name", "name is longer than 63 bytes");
    for (size_t k = 0; k < qi; k++)
        if (strcmp(qs[k].name, q->name) == 0)
            return loader_fail_at(L, ".name", "duplicate question name '%s'", q->name);
    return KIOSK_OK;
}

/* What only one type of question has: its scale, choices, labels or input. */
static int parse_type_specific(loader_t *L, const cJSON *el, question_t *q)
{
    int rc = KIOSK_OK;
    switch (q->type) {
    case Q_RATING:
        rc = parse_rating(L, el, q);
        break;
    case Q_RADIOGROUP:
    case Q_CHECKBOX:
        rc = parse_choices(L, el, q);
        break;
    case Q_BOOLEAN:
        if (!(rc = loader_get_lstr(L, el, "labelTrue", false, &q->label_true)))
            rc = loader_get_lstr(L, el, "labelFalse", false, &q->label_false);
        break;
    case Q_TEXT:
    case Q_COMMENT:
        rc = parse_text_question(L, el, q);
        break;
    }
    return rc;
}

/* An expression member ("visibleIf", "requiredIf") over the earlier questions qs[0..qi);
 * *out stays NULL when it is absent. */
static int parse_condition(loader_t *L, const cJSON *el, const char *name, question_t *qs,
                           size_t qi, const expr_t **out)
{
    const char *src = NULL;
    int rc;
    *out = NULL;
    if ((rc = loader_get_string(L, el, name, false, &src)) || !src)
        return rc;
    char why[256];
    size_t s = loader_path_push(L, ".%s", name);
    const expr_t *e = expr_parse(src, qs, qi, &L->c->arena_hook, why, sizeof why);
    if (!e)
        rc = loader_fail(L, "%s", why);
    *out = e;
    loader_path_pop(L, s);
    return rc;
}

/* A journey's "completedTextOnCondition": [{"expression": "{consent} = false", "text": {..}}],
 * expressions over all of its questions (SurveyJS's completedHtmlOnCondition, as text). */
static int parse_completed_if(loader_t *L, const cJSON *j, journey_t *jr, question_t *qs)
{
    const cJSON *list = loader_member(j, "completedTextOnCondition");
    if (!list)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".completedTextOnCondition");
    int rc = KIOSK_OK;
    completed_if_t *items =
        loader_items(L, list, false, 1, 8, sizeof *items,
                     "expected an array of 1 to 8 {\"expression\", \"text\"}", &rc);
    const cJSON *el, *over = items ? list : NULL;
    size_t n = 0;
    cJSON_ArrayForEach(el, over)
    {
        size_t s2 = loader_path_push(L, "[%zu]", n);
        if (!cJSON_IsObject(el))
            rc = loader_fail(L, "expected {\"expression\": \"...\", \"text\": {...}}");
        else if (!(rc = parse_condition(L, el, "expression", qs, jr->nq, &items[n].expr)) &&
                 !items[n].expr)
            rc = loader_fail(L, "missing \"expression\"");
        if (!rc)
            rc = loader_get_lstr(L, el, "text", true, &items[n].text);
        loader_path_pop(L, s2);
        if (rc)
            break;
        n++;
    }
    jr->completed_if = items;
    jr->ncompleted_if = n;
    loader_path_pop(L, s);
    return rc;
}

/* visibleIf and requiredIf over the earlier questions qs[0..qi); a contact detail must depend
 * on consent. */
static int parse_conditions(loader_t *L, const cJSON *el, question_t *qs, size_t qi)
{
    question_t *q = &qs[qi];
    int rc;
    if ((rc = parse_condition(L, el, "visibleIf", qs, qi, &q->visible_if)) ||
        (rc = parse_condition(L, el, "requiredIf", qs, qi, &q->required_if)))
        return rc;
    if (q->contact != CONTACT_NONE) {
        const question_t *consent = expr_consent_question(q->visible_if, qs);
        if (!consent || !consent->is_consent)
            return loader_fail(L,
                               "contact detail '%s' must have visibleIf \"{c} = true\" where c is "
                               "an isConsent question: no contact detail without consent",
                               q->name);
    }
    return KIOSK_OK;
}

/* One element of a page: question qi of qs, on page. */
static int parse_element(loader_t *L, const cJSON *el, question_t *qs, size_t qi, size_t page)
{
    question_t *q = &qs[qi];
    int rc;
    if (!cJSON_IsObject(el))
        return loader_fail(L, "expected an element object");
    if ((rc = parse_type_and_name(L, el, qs, qi)))
        return rc;
    q->page = page;
    q->input_mode = -1;
    if ((rc = loader_get_lstr(L, el, "title", true, &q->title)) ||
        (rc = loader_get_lstr(L, el, "description", false, &q->description)) ||
        (rc = loader_get_bool(L, el, "isRequired", &q->required)) ||
        (rc = loader_get_bool(L, el, "isConsent", &q->is_consent)))
        return rc;
    if (q->is_consent && q->type != Q_BOOLEAN)
        return loader_fail(L, "isConsent is only for boolean questions");
    if ((rc = parse_type_specific(L, el, q)))
        return rc;
    return parse_conditions(L, el, qs, qi);
}

/* ---- "hasOther": a "Something else" choice and the text it asks for ---- */

/* The label of the "other" choice: "otherText", else the interface string "choice.other". */
static int other_label(loader_t *L, const cJSON *el, lstr_t *out)
{
    int rc = loader_get_lstr(L, el, "otherText", false, out);
    if (rc || out->n)
        return rc;
    for (size_t i = 0; i < L->c->nstrings; i++) {
        if (strcmp(L->c->strings[i].key, "choice.other") == 0) {
            *out = L->c->strings[i].text;
            return KIOSK_OK;
        }
    }
    return loader_fail_at(L, ".hasOther",
                          "hasOther needs \"otherText\" or the interface string 'choice.other'");
}

/* When the other text shows: "{q} = 'other'", joined with each "or" alternative of q's own
 * visibleIf (and binds tighter), so the text never outlives its question. Built in buf. */
static void other_condition(char *buf, size_t len, const char *name, const char *vis)
{
    size_t used = 0;
    const char *p = vis ? vis : "";
    do {
        const char *end = p;
        for (char quote = 0; *end && (quote || strncmp(end, " or ", 4) != 0); end++)
            if (quote ? *end == quote : (*end == '\'' || *end == '"'))
                quote = quote ? 0 : *end;
        used += (size_t)snprintf(buf + used, len - used, "%s{%s} = 'other'%s%.*s",
                                 used ? " or " : "", name, end > p ? " and " : "",
                                 (int)(end - p), p);
        p = *end ? end + 4 : end;
    } while (*p && used < len);
}

/* After question qs[*n - 1] (a radiogroup or checkbox with "hasOther": true): its choice
 * "other" and the text question "<name>-Comment" it asks for, made as qs[*n]. */
static int add_other(loader_t *L, const cJSON *el, question_t *qs, size_t *n)
{
    question_t *q = &qs[*n - 1];
    bool has = false;
    lstr_t label = {0};
    int rc = loader_get_bool(L, el, "hasOther", &has);
    if (rc || !has)
        return rc;
    if (q->type != Q_RADIOGROUP && q->type != Q_CHECKBOX)
        return loader_fail_at(L, ".hasOther", "hasOther is for radiogroup and checkbox questions");
    if ((rc = other_label(L, el, &label)))
        return rc;
    for (size_t i = 0; i < q->nchoices; i++)
        if (strcmp(q->choices[i].value, "other") == 0)
            return loader_fail_at(L, ".hasOther", "the code 'other' is hasOther's, not a choice's");
    if (q->nchoices >= CONTENT_MAX_CHOICES || *n >= CONTENT_MAX_QUESTIONS)
        return loader_fail_at(L, ".hasOther", "no room for the other choice and its text");
    choice_t *ch = content_arena_alloc(&L->c->arena, (q->nchoices + 1) * sizeof *ch);
    question_t *t = &qs[*n];
    char name[80], cond[600];
    if (!ch || strlen(q->name) + 8 > 63)
        return ch ? loader_fail_at(L, ".name", "name is too long for its '-Comment'")
                  : loader_oom(L);
    memcpy(ch, q->choices, q->nchoices * sizeof *ch);
    ch[q->nchoices] = (choice_t){.value = "other", .text = label};
    q->choices = ch;
    q->nchoices++;
    snprintf(name, sizeof name, "%s-Comment", q->name);
    const char *vis = NULL;
    if ((rc = loader_get_string(L, el, "visibleIf", false, &vis)))
        return rc;
    other_condition(cond, sizeof cond, q->name, vis);
    char why[160];
    *t = (question_t){.type = Q_TEXT, .title = q->title, .description = label,
                      .required = q->required, .required_if = q->required_if,
                      .input = INPUT_TEXT, .input_mode = -1,
                      .max_length = (size_t)L->c->settings.text_max_length, .page = q->page,
                      .page_title = q->page_title, .other_of = true};
    if (!(t->name = content_arena_strdup(&L->c->arena, name)))
        return loader_oom(L);
    for (size_t k = 0; k < *n; k++)
        if (strcmp(qs[k].name, name) == 0)
            return loader_fail_at(L, ".hasOther", "question name '%s' is taken", name);
    if (!(t->visible_if = expr_parse(cond, qs, *n, &L->c->arena_hook, why, sizeof why)))
        return loader_fail_at(L, ".hasOther", "%s", why);
    (*n)++;
    return KIOSK_OK;
}

/* Parses "pages" (or root-level "elements") of a SurveyJS-like object into qs. */
static int parse_pages(loader_t *L, const cJSON *obj, question_t **out, size_t *nout)
{
    const cJSON *pages = loader_member(obj, "pages");
    const cJSON *elements = loader_member(obj, "elements");
    question_t *qs = content_arena_alloc(&L->c->arena, CONTENT_MAX_QUESTIONS * sizeof *qs);
    if (!qs)
        return loader_oom(L);
    size_t n = 0;
    if (!pages && elements) {
        pages = NULL;
    } else if (!cJSON_IsArray(pages) || cJSON_GetArraySize(pages) < 1) {
        return loader_fail_at(L, ".pages", "expected a non-empty array of pages");
    }
    size_t npages = pages ? (size_t)cJSON_GetArraySize(pages) : 1;
    for (size_t p = 0; p < npages; p++) {
        size_t s = pages ? loader_path_push(L, ".pages[%zu]", p) : L->plen;
        const cJSON *page = pages ? cJSON_GetArrayItem(pages, (int)p) : obj;
        const cJSON *els = loader_member(page, "elements");
        lstr_t title = {0};
        int rc = pages ? loader_get_lstr(L, page, "title", false, &title) : KIOSK_OK;
        if (!rc && (!cJSON_IsArray(els) || cJSON_GetArraySize(els) < 1)) {
            size_t s2 = loader_path_push(L, ".elements");
            rc = loader_fail(L, "expected a non-empty array of elements");
            loader_path_pop(L, s2);
        }
        const cJSON *el;
        size_t ei = 0;
        const cJSON *list = rc ? NULL : els;
        cJSON_ArrayForEach(el, list)
        {
            size_t s2 = loader_path_push(L, ".elements[%zu]", ei++);
            if (n == CONTENT_MAX_QUESTIONS)
                rc = loader_fail(L, "more than %d questions", CONTENT_MAX_QUESTIONS);
            else if (!(rc = parse_element(L, el, qs, n, p))) {
                qs[n++].page_title = title;
                rc = add_other(L, el, qs, &n);
            }
            loader_path_pop(L, s2);
            if (rc)
                break;
        }
        loader_path_pop(L, s);
        if (rc)
            return rc;
    }
    *out = qs;
    *nout = n;
    return KIOSK_OK;
}

int loader_quick_rating(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *qr = loader_member(root, "quickRating");
    size_t s = loader_path_push(L, ".quickRating");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(qr)) {
        rc = loader_fail(L, "expected an object with faces");
        goto out;
    }
    size_t s2 = loader_path_push(L, ".faces");
    const choice_t *faces;
    rc = parse_choice_array(L, loader_member(qr, "faces"), "faces", true, &faces, &c->nfaces);
    if (!rc && (c->nfaces < 4 || c->nfaces > 5))
        rc = loader_fail(L, "quick rating needs 4 or 5 faces, not %zu", c->nfaces);
    c->faces = (choice_t *)faces;
    loader_path_pop(L, s2);
    if (rc)
        goto out;
    const cJSON *fu = loader_member(qr, "followUp");
    if (fu) {
        s2 = loader_path_push(L, ".followUp");
        c->followup = content_arena_alloc(&c->arena, sizeof *c->followup);
        if (!c->followup)
            rc = loader_oom(L);
        else if (!(rc = parse_element(L, fu, c->followup, 0, 0)) &&
                 c->followup->type != Q_RADIOGROUP)
            rc = loader_fail(L, "the follow-up must be a radiogroup");
        loader_path_pop(L, s2);
    }
out:
    loader_path_pop(L, s);
    return rc;
}

int loader_journeys(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *js = loader_member(root, "journeys");
    size_t s = loader_path_push(L, ".journeys");
    int rc = KIOSK_OK;
    c->journeys = loader_items(L, js, false, 1, 8, sizeof *c->journeys,
                               "expected an array of 1 to 8 journeys", &rc);
    if (!c->journeys)
        goto out;
    const cJSON *j;
    cJSON_ArrayForEach(j, js)
    {
        journey_t *jr = &c->journeys[c->njourneys];
        size_t s2 = loader_path_push(L, "[%zu]", c->njourneys);
        const char *kind = NULL;
        question_t *qs = NULL;
        if (!cJSON_IsObject(j))
            rc = loader_fail(L, "expected a journey object");
        else if (!(rc = loader_get_string(L, j, "id", true, &jr->id)) &&
                 !(rc = loader_get_string(L, j, "kind", true, &kind))) {
            int k = record_kind_from_name(kind);
            if (k < 0 || k == RECORD_QUICK_RATING) {
                size_t s3 = loader_path_push(L, ".kind");
                rc = loader_fail(L,
                                 "unknown journey kind '%s' (feedback, service_request, "
                                 "questionnaire, activity)",
                                 kind);
                loader_path_pop(L, s3);
            } else if (strlen(jr->id) > 63 || strcmp(jr->id, "quick_rating") == 0) {
                rc = loader_fail(L, "journey id '%s' is reserved or too long", jr->id);
            } else {
                jr->kind = (record_kind_t)k;
                for (size_t i = 0; i < c->njourneys && !rc; i++)
                    if (strcmp(c->journeys[i].id, jr->id) == 0)
                        rc = loader_fail(L, "duplicate journey id '%s'", jr->id);
            }
        }
        if (!rc && !(rc = loader_get_lstr(L, j, "title", true, &jr->title)) &&
            !(rc = loader_get_lstr(L, j, "description", false, &jr->description)) &&
            !(rc = loader_get_lstr(L, j, "completedText", false, &jr->completed)) &&
            !(rc = loader_get_icon(L, j, &jr->icon)) && !(rc = parse_pages(L, j, &qs, &jr->nq)) &&
            !(rc = parse_completed_if(L, j, jr, qs)))
            jr->q = qs;
        loader_path_pop(L, s2);
        if (rc)
            goto out;
        c->njourneys++;
    }
out:
    loader_path_pop(L, s);
    return rc;
}
