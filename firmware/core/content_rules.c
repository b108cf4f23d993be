/* Content pack rules that need the loaded pack or its raw text: text length limits (which keep
 * every screen fast), placeholders only where the kiosk fills them in, and no NUL character
 * (which would cut a name or a text short). Each failure is the loader's: a path and a reason
 * in plain words. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/content_internal.h"
#include "core/kerr.h"
#include "core/utf8.h"

/* ---- text lengths ---- */

/* What a text is by the member holding it, and the characters it may have (assets/README.md
 * says the same). */
static const struct {
    const char *member;
    size_t max;
    const char *what;
} limits[] = {
    {"title", 200, "a title"},
    {"text", 200, "a choice label"},
    {"otherText", 200, "a choice label"},
    {"detail", 200, "a choice's detail"},
    {"place", 200, "a place"},
    {"labelTrue", 200, "an answer label"},
    {"labelFalse", 200, "an answer label"},
    {"minRateDescription", 200, "a scale label"},
    {"maxRateDescription", 200, "a scale label"},
    {"name", 100, "a name"},
    {"description", 1000, "a description"},
    {"completedText", 1000, "a closing text"},
    {"visibleIf", 4000, "a condition"},
    {"requiredIf", 4000, "a condition"},
    {"expression", 4000, "a condition"},
};

#define RULES_TEXT_MAX 1000      /* any other text */
#define RULES_STRING_MAX 500     /* an interface string ($.strings) */
#define RULES_CLOSING_MAX 1000   /* completedTextOnCondition[i].text */

/* The step of path[0..end) after its last '.'. */
static const char *last_step(const char *path, size_t end)
{
    const char *m = path + end;
    while (m > path && m[-1] != '.')
        m--;
    return m;
}

/* Whether path[0..end) ends in a language step: "default" or a language of the pack. */
static bool language_step(const content_t *c, const char *m, size_t n)
{
    char code[24];
    if (n >= sizeof code)
        return false;
    memcpy(code, m, n);
    code[n] = '\0';
    return strcmp(code, "default") == 0 || content_language_index(c, code) >= 0;
}

text_limit_t rules_text_limit(const content_t *c, const char *path)
{
    if (strncmp(path, "$.strings.", 10) == 0)
        return (text_limit_t){RULES_STRING_MAX, "an interface string"};
    size_t end = strlen(path);
    const char *m = last_step(path, end);
    if (m > path && language_step(c, m, (size_t)(path + end - m))) {
        end = (size_t)(m - 1 - path);
        m = last_step(path, end);
    }
    size_t n = (size_t)(path + end - m);
    if (end > 0 && path[end - 1] == ']' && strstr(path, ".fonts["))
        return (text_limit_t){100, "a font name"};
    if (end > 0 && path[end - 1] == ']')
        return (text_limit_t){200, "a choice label"}; /* a choice given as a plain string */
    if (n == 4 && strncmp(m, "text", 4) == 0 && strstr(path, "completedTextOnCondition"))
        return (text_limit_t){RULES_CLOSING_MAX, "a closing text"};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (strlen(limits[i].member) == n && strncmp(m, limits[i].member, n) == 0)
            return (text_limit_t){limits[i].max, limits[i].what};
    return (text_limit_t){RULES_TEXT_MAX, "a text"};
}

int rules_text_length(loader_t *L, const char *s)
{
    size_t bytes = strlen(s);
    text_limit_t lim = rules_text_limit(L->c, L->path);
    if (bytes <= lim.max) /* never more characters than bytes */
        return KIOSK_OK;
    size_t chars = utf8_count(s);
    if (chars <= lim.max)
        return KIOSK_OK;
    char size[48];
    if (bytes >= 1000 * 1000)
        snprintf(size, sizeof size, "%.1f MB", (double)bytes / 1e6);
    else if (bytes >= 10 * 1000)
        snprintf(size, sizeof size, "%zu kB", bytes / 1000);
    else
        snprintf(size, sizeof size, "%zu characters", chars);
    return loader_fail(L, "text of %s is longer than the %zu characters %s may have", size,
                       lim.max, lim.what);
}

/* ---- placeholders ---- */

/* The placeholders a text may hold: names from the interface strings' table (space-separated)
 * or, in a question's title and description, the answers of the questions before it
 * (qs[0..nq): "{name}", and "{name.detail}", "{name.description}" of a chosen choice). */
typedef struct {
    const char *names;
    const question_t *qs;
    size_t nq;
    const char *what; /* "string" or "text" */
} holds_t;

#define PLACEHOLDER_MAX 64

/* Whether the name n bytes long is a word of the space-separated list. */
static bool in_list(const char *list, const char *name, size_t n)
{
    for (const char *p = list; *p;) {
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, name, n) == 0)
            return true;
        p += w + (p[w] == ' ');
    }
    return false;
}

/* Whether {name} (n bytes) is filled in by the flow (flow_view.c answer_text()). */
static bool answer_ref(const question_t *qs, size_t nq, const char *name, size_t n)
{
    const char *dot = memchr(name, '.', n);
    size_t base = dot ? (size_t)(dot - name) : n;
    for (size_t i = 0; i < nq; i++) {
        const question_t *q = &qs[i];
        if (strlen(q->name) != base || strncmp(q->name, name, base) != 0)
            continue;
        bool one = q->type == Q_RADIOGROUP || q->type == Q_RATING;
        if (!dot)
            return one || (q->type == Q_TEXT && q->contact == CONTACT_NONE);
        return one && (in_list("detail description", dot + 1, n - base - 1));
    }
    return false;
}

/* What h holds, for a message: "{n}, {total}", "an earlier question's answer: {topic}, ..." or
 * "none". */
static void describe(const holds_t *h, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = h->names; *p && o + 1 < len;) {
        size_t w = strcspn(p, " ");
        o += (size_t)snprintf(out + o, len - o, "%s{%.*s}", o ? ", " : "", (int)w, p);
        p += w + (p[w] == ' ');
    }
    for (size_t i = 0; i < h->nq && o + 1 < len; i++)
        if (answer_ref(h->qs, h->nq, h->qs[i].name, strlen(h->qs[i].name)))
            o += (size_t)snprintf(out + o, len - o, "%s{%s}", o ? ", " : "the answers ",
                                  h->qs[i].name);
    if (!o)
        snprintf(out, len, "it has none");
}

/* Every "{...}" of text must be one h holds; others would reach residents as typed. */
static int check_placeholders(loader_t *L, const char *text, const holds_t *h)
{
    for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
        size_t n = strcspn(p + 1, "{} \t\n");
        if (p[1 + n] != '}' || n == 0 || n > PLACEHOLDER_MAX)
            continue;
        if (in_list(h->names, p + 1, n) || answer_ref(h->qs, h->nq, p + 1, n))
            continue;
        char has[160];
        describe(h, has, sizeof has);
        return loader_fail(L, "placeholder '{%.*s}' is not one this %s has (%s)", (int)n, p + 1,
                           h->what, has);
    }
    return KIOSK_OK;
}

/* A text, or an object of texts by language, at the current path. */
static int check_texts(loader_t *L, const cJSON *v, const holds_t *h)
{
    if (cJSON_IsString(v))
        return check_placeholders(L, v->valuestring, h);
    const cJSON *t;
    cJSON_ArrayForEach(t, v)
    {
        if (!cJSON_IsString(t) || !t->string)
            continue;
        size_t s = loader_path_push(L, ".%s", t->string);
        int rc = check_placeholders(L, t->valuestring, h);
        loader_path_pop(L, s);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

/* Members holding conditions or file names, not texts a resident reads. */
static bool not_text(const char *member)
{
    static const char *const list[] = {"visibleIf", "requiredIf", "expression", "audio"};
    for (size_t i = 0; member && i < sizeof list / sizeof list[0]; i++)
        if (strcmp(member, list[i]) == 0)
            return true;
    return false;
}

/* Walks the texts below v (depth levels at most): none may hold a placeholder, but for a
 * question's title and description in a journey (q: its questions, *qi: the next one's
 * index, counted as elements are met). */
static int walk(loader_t *L, const cJSON *v, const journey_t *jr, size_t *qi, int depth)
{
    static const holds_t none = {"", NULL, 0, "text"};
    if (cJSON_IsString(v))
        return check_placeholders(L, v->valuestring, &none);
    if (depth > 16)
        return KIOSK_OK;
    bool element = jr && cJSON_IsObject(v) && loader_member(v, "type") &&
                   loader_member(v, "name") && *qi < jr->nq;
    holds_t answers = {"", jr ? jr->q : NULL, element ? *qi : 0, "text"};
    int rc = KIOSK_OK, i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        if (not_text(m->string))
            continue;
        size_t s = m->string ? loader_path_push(L, ".%s", m->string) : loader_path_push(L, "[%d]", i);
        i++;
        if (element && (strcmp(m->string, "title") == 0 || strcmp(m->string, "description") == 0))
            rc = check_texts(L, m, &answers);
        else
            rc = walk(L, m, jr, qi, depth + 1);
        loader_path_pop(L, s);
        if (rc)
            return rc;
    }
    if (element)
        (*qi)++;
    return KIOSK_OK;
}

int rules_placeholders(loader_t *L, const cJSON *root)
{
    const cJSON *m;
    int rc = KIOSK_OK;
    cJSON_ArrayForEach(m, root)
    {
        size_t s = loader_path_push(L, ".%s", m->string);
        if (strcmp(m->string, "strings") == 0) {
            const cJSON *t;
            cJSON_ArrayForEach(t, m)
            {
                holds_t h = {content_placeholders(t->string), NULL, 0, "string"};
                size_t s2 = loader_path_push(L, ".%s", t->string);
                rc = check_texts(L, t, &h);
                loader_path_pop(L, s2);
                if (rc)
                    break;
            }
        } else if (strcmp(m->string, "journeys") == 0) {
            const cJSON *j;
            size_t ji = 0;
            cJSON_ArrayForEach(j, m)
            {
                size_t s2 = loader_path_push(L, "[%zu]", ji), qi = 0;
                rc = walk(L, j, ji < L->c->njourneys ? &L->c->journeys[ji] : NULL, &qi, 0);
                loader_path_pop(L, s2);
                ji++;
                if (rc)
                    break;
            }
        } else if (!not_text(m->string)) {
            rc = walk(L, m, NULL, NULL, 0);
        }
        loader_path_pop(L, s);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

/* ---- NUL characters ---- */

/* cJSON decodes "\u0000" into a NUL byte, which ends the C string there: "SIGNUP\u0000x" would
 * load as "SIGNUP". Found on the raw text, with the path of the string holding it. */
typedef struct {
    loader_t *L;
    const char *p, *end;
} scan_t;

static bool hex4_zero(const char *p, const char *end)
{
    return end - p >= 4 && strncmp(p, "0000", 4) == 0;
}

/* Skips the string at s->p (its opening quote); true when it holds a NUL (raw or escaped). */
static bool scan_string(scan_t *s, const char **start, size_t *len)
{
    bool nul = false;
    *start = ++s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\0')
            nul = true;
        if (*s->p == '\\' && s->p + 1 < s->end) {
            nul = nul || (s->p[1] == 'u' && hex4_zero(s->p + 2, s->end));
            s->p++;
        }
        s->p++;
    }
    *len = (size_t)(s->p - *start);
    if (s->p < s->end)
        s->p++;
    return nul;
}

static void skip_ws(scan_t *s)
{
    while (s->p < s->end && strchr(" \t\r\n", *s->p) && *s->p)
        s->p++;
}

/* Members that are names and codes, not texts, for the message. */
static bool name_member(const char *path)
{
    static const char *const names[] = {"name", "value", "id", "code", "choicesFromCatalog",
                                        "kind", "type", "icon", "version", "defaultLanguage"};
    const char *m = last_step(path, strlen(path));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(m, names[i]) == 0)
            return true;
    return false;
}

static int scan_value(scan_t *s, int depth);

/* The value after a key or at an index (its path step pushed; saved takes it off), and the
 * ',' after it. */
static int scan_item(scan_t *s, size_t saved, int depth)
{
    int rc = scan_value(s, depth + 1);
    loader_path_pop(s->L, saved);
    skip_ws(s);
    s->p += s->p < s->end && *s->p == ',';
    skip_ws(s);
    return rc;
}

/* The members of the object at s->p, each key and value. */
static int scan_object(scan_t *s, int depth)
{
    s->p++;
    for (skip_ws(s); s->p < s->end && *s->p == '"';) {
        const char *key;
        size_t n;
        if (scan_string(s, &key, &n))
            return loader_fail(s->L, "a NUL character in the key \"%.*s\"", (int)strnlen(key, n),
                               key);
        size_t saved = loader_path_push(s->L, ".%.*s", (int)(n < 64 ? n : 64), key);
        skip_ws(s);
        s->p += s->p < s->end && *s->p == ':';
        int rc = scan_item(s, saved, depth);
        if (rc)
            return rc;
    }
    s->p += s->p < s->end && *s->p == '}';
    return KIOSK_OK;
}

static int scan_array(scan_t *s, int depth)
{
    s->p++;
    skip_ws(s);
    for (size_t i = 0; s->p < s->end && *s->p != ']'; i++) {
        const char *before = s->p;
        int rc = scan_item(s, loader_path_push(s->L, "[%zu]", i), depth);
        if (rc)
            return rc;
        if (s->p == before)
            break; /* not JSON: cJSON refused it already */
    }
    s->p += s->p < s->end && *s->p == ']';
    return KIOSK_OK;
}

static int scan_value(scan_t *s, int depth)
{
    skip_ws(s);
    if (s->p >= s->end || depth > 64)
        return KIOSK_OK;
    if (*s->p == '{')
        return scan_object(s, depth);
    if (*s->p == '[')
        return scan_array(s, depth);
    if (*s->p == '"') {
        const char *str;
        size_t n;
        if (scan_string(s, &str, &n))
            return loader_fail(s->L, "a NUL character in a %s: it would cut it short there",
                               name_member(s->L->path) ? "name" : "text");
        return KIOSK_OK;
    }
    while (s->p < s->end && !strchr(",]} \t\r\n", *s->p) && *s->p)
        s->p++;
    return KIOSK_OK;
}

int rules_no_nul(loader_t *L, const char *json, size_t len)
{
    static const char escaped[] = "\\u0000";
    bool any = memchr(json, '\0', len) != NULL;
    for (const char *p = json; !any && (p = memchr(p, '\\', len - (size_t)(p - json)));
         p++)
        any = (size_t)(json + len - p) >= 6 && memcmp(p, escaped, 6) == 0;
    if (!any)
        return KIOSK_OK;
    scan_t s = {L, json, json + len};
    return scan_value(&s, 0);
}
