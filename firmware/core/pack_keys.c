/* The keys each kind of object of a pack may have, read from the loader (content_loader.c,
 * content_questions.c, content_dates.c, content_audio.c) and assets/README.md; a key the loader
 * does not read is a typo that would be ignored ("visibleIF", "isRequried"). */
#include "core/pack_keys.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/content.h"

#define END NULL

static const char *const root_keys[] = {
    "formatVersion", "id",    "version",  "defaultLanguage", "languages", "settings",
    "strings",       "audio", "catalogs", "quickRating",     "journeys",  END};
static const char *const lang_keys[] = {"code", "name", "inputMode", "phone", "dir", "fonts", END};
static const char *const phone_keys[] = {"formats", "example", END};
static const char *const settings_keys[] = {
    "idleTimeoutSeconds", "idleCountdownSeconds", "thanksSeconds",         "textMaxLength",
    "phoneMaxDigits",     "followUpPhone",        "misuseIntervalSeconds", END};
static const char *const choice_keys[] = {"value", "text",  "detail",      "icon", "date",
                                          "time",  "place", "description", END};
static const char *const quick_keys[] = {"faces", "followUp", END};
static const char *const journey_keys[] = {"id",
                                           "kind",
                                           "title",
                                           "description",
                                           "completedText",
                                           "completedTextOnCondition",
                                           "icon",
                                           "pages",
                                           "elements",
                                           END};
static const char *const cond_keys[] = {"expression", "text", END};
static const char *const page_keys[] = {"name", "elements", "title", END};

/* Elements: the keys every question has, then those of each type. */
static const char *const element_keys[] = {"type",        "name",       "title",
                                           "description", "isRequired", "isConsent",
                                           "visibleIf",   "requiredIf", END};
static const struct {
    const char *types[2];
    const char *const keys[8];
} by_type[] = {
    {{"rating", NULL},
     {"rateValues", "rateType", "rateMin", "rateMax", "rateCount", "minRateDescription",
      "maxRateDescription", END}},
    {{"radiogroup", "checkbox"}, {"choices", "choicesFromCatalog", "hasOther", "otherText", END}},
    {{"boolean", NULL}, {"labelTrue", "labelFalse", END}},
    {{"text", "comment"}, {"inputType", "contact", "inputMode", "maxLength", END}},
};
#define NTYPES (sizeof by_type / sizeof by_type[0])

/* Interface strings the kiosk reads besides the required ones (content.c). */
static const char *const optional_strings[] = {"language.title",
                                               "activity.when",
                                               "date.weekdays",
                                               "date.months",
                                               "choice.other",
                                               "notice.unsealed",
                                               END};

pack_ctx_t pack_keys_child(pack_ctx_t parent, const char *key)
{
    static const struct {
        pack_ctx_t parent;
        const char *key; /* NULL: any key */
        pack_ctx_t child;
    } map[] = {
        {PACK_CTX_ROOT, "id", PACK_CTX_CODE},
        {PACK_CTX_ROOT, "languages", PACK_CTX_LANG},
        {PACK_CTX_ROOT, "settings", PACK_CTX_SETTINGS},
        {PACK_CTX_ROOT, "strings", PACK_CTX_STRINGS},
        {PACK_CTX_ROOT, "audio", PACK_CTX_AUDIO},
        {PACK_CTX_ROOT, "catalogs", PACK_CTX_CATALOGS},
        {PACK_CTX_ROOT, "quickRating", PACK_CTX_QUICK},
        {PACK_CTX_ROOT, "journeys", PACK_CTX_JOURNEY},
        {PACK_CTX_LANG, "code", PACK_CTX_CODE},
        {PACK_CTX_LANG, "phone", PACK_CTX_PHONE},
        {PACK_CTX_STRINGS, NULL, PACK_CTX_LSTR},
        {PACK_CTX_AUDIO, NULL, PACK_CTX_LSTR},
        {PACK_CTX_CATALOGS, NULL, PACK_CTX_CHOICE},
        {PACK_CTX_CHOICE, "value", PACK_CTX_CODE},
        {PACK_CTX_QUICK, "faces", PACK_CTX_CHOICE},
        {PACK_CTX_QUICK, "followUp", PACK_CTX_ELEMENT},
        {PACK_CTX_JOURNEY, "id", PACK_CTX_CODE},
        {PACK_CTX_JOURNEY, "completedTextOnCondition", PACK_CTX_COND},
        {PACK_CTX_JOURNEY, "pages", PACK_CTX_PAGE},
        {PACK_CTX_JOURNEY, "elements", PACK_CTX_ELEMENT},
        {PACK_CTX_PAGE, "name", PACK_CTX_CODE},
        {PACK_CTX_PAGE, "elements", PACK_CTX_ELEMENT},
        {PACK_CTX_ELEMENT, "name", PACK_CTX_CODE},
        {PACK_CTX_ELEMENT, "choices", PACK_CTX_CHOICE},
        {PACK_CTX_ELEMENT, "rateValues", PACK_CTX_CHOICE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].parent == parent && (!map[i].key || strcmp(map[i].key, key) == 0))
            return map[i].child;
    return parent == PACK_CTX_ANY || parent == PACK_CTX_CODE ? PACK_CTX_ANY : PACK_CTX_LSTR;
}

bool pack_keys_is_code(pack_ctx_t ctx)
{
    return ctx == PACK_CTX_CODE || ctx == PACK_CTX_CHOICE;
}

static bool in(const char *const *list, const char *key)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], key) == 0)
            return true;
    return false;
}

/* Edit distance of a and b, letters compared in any case; more than 2 reads as 3. */
static size_t distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 63 || nb > 63 || (na > nb ? na - nb : nb - na) > 2)
        return 3;
    size_t row[64], prev[64];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t sub = prev[j - 1] + (strncasecmp(a + i - 1, b + j - 1, 1) != 0);
            size_t del = prev[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, row, (nb + 1) * sizeof *row);
    }
    return prev[nb];
}

/* The nearest of the lists to key: the same in another case first, else the nearest within
 * two edits; NULL when none. */
static const char *nearest(const char *const *const lists[], size_t nlists, const char *key)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t l = 0; l < nlists; l++)
        for (size_t i = 0; lists[l] && lists[l][i]; i++) {
            if (strcasecmp(lists[l][i], key) == 0)
                return lists[l][i];
            size_t d = distance(lists[l][i], key);
            if (d < bd) {
                bd = d;
                best = lists[l][i];
            }
        }
    return best;
}

static void unknown(char *reason, size_t len, const char *key, const char *const *const lists[],
                    size_t nlists, bool suggest)
{
    const char *s = suggest ? nearest(lists, nlists, key) : NULL;
    if (s)
        snprintf(reason, len, "unknown key '%s' (did you mean '%s'?)", key, s);
    else
        snprintf(reason, len, "unknown key '%s'", key);
}

/* An element's key: the common ones, those of its type, else why not. */
static pack_lint_severity_t element_key(const char *type, const char *key, bool suggest,
                                        char *reason, size_t len)
{
    bool known = false;
    for (size_t t = 0; t < NTYPES && type; t++)
        for (size_t k = 0; k < 2; k++)
            known = known || (by_type[t].types[k] && strcmp(by_type[t].types[k], type) == 0);
    if (!known)
        type = NULL; /* the loader names a wrong type; any question's keys are taken */
    const char *const *lists[1 + NTYPES] = {element_keys};
    size_t nlists = 1;
    int of = -1;
    for (size_t t = 0; t < NTYPES; t++) {
        bool mine = !type;
        for (size_t k = 0; k < 2 && type; k++)
            mine = mine || (by_type[t].types[k] && strcmp(by_type[t].types[k], type) == 0);
        if (mine)
            lists[nlists++] = by_type[t].keys;
        else if (in(by_type[t].keys, key))
            of = (int)t;
    }
    for (size_t l = 0; l < nlists; l++)
        if (in(lists[l], key))
            return PACK_LINT_ERROR;
    if (of >= 0 && nlists > 1) {
        const char *const *ty = by_type[of].types;
        snprintf(reason, len, "key '%s' is for %s%s%s questions, not '%s' ones", key, ty[0],
                 ty[1] ? " and " : "", ty[1] ? ty[1] : "", type);
        return PACK_LINT_ERROR;
    }
    unknown(reason, len, key, lists, nlists, suggest);
    return PACK_LINT_ERROR;
}

pack_lint_severity_t pack_keys_check(pack_ctx_t ctx, const char *type, const char *key,
                                     bool suggest, char *reason, size_t len)
{
    static const struct {
        pack_ctx_t ctx;
        const char *const *keys;
    } tables[] = {
        {PACK_CTX_ROOT, root_keys},       {PACK_CTX_LANG, lang_keys},
        {PACK_CTX_PHONE, phone_keys},     {PACK_CTX_SETTINGS, settings_keys},
        {PACK_CTX_CHOICE, choice_keys},   {PACK_CTX_QUICK, quick_keys},
        {PACK_CTX_JOURNEY, journey_keys}, {PACK_CTX_COND, cond_keys},
        {PACK_CTX_PAGE, page_keys},
    };
    reason[0] = '\0';
    if (ctx == PACK_CTX_ELEMENT)
        return element_key(type, key, suggest, reason, len);
    if (ctx == PACK_CTX_STRINGS) {
        if (in(content_required_strings, key) || in(content_staff_strings, key) ||
            in(optional_strings, key))
            return PACK_LINT_WARNING;
        const char *const *lists[] = {content_required_strings, content_staff_strings,
                                      optional_strings};
        const char *s = suggest ? nearest(lists, 3, key) : NULL;
        snprintf(reason, len, "string '%s' is not one the kiosk uses%s%s%s", key,
                 s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        return PACK_LINT_WARNING;
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (tables[i].ctx != ctx || in(tables[i].keys, key))
            continue;
        const char *const *lists[] = {tables[i].keys};
        unknown(reason, len, key, lists, 1, suggest);
        return PACK_LINT_ERROR;
    }
    return PACK_LINT_ERROR;
}
