/* The pack checker's report (see pack_check.h): the lint pass's list, the loader's error, and
 * what the pack holds (languages, journeys and their questions, the strings each language
 * lacks). Recorded prompts' files and fonts are the kiosk's to check when it loads a pack. */
#include "core/pack_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/content.h"
#include "core/kerr.h"
#include "core/pack_lint.h"

typedef struct {
    pack_check_line_fn fn;
    void *ud;
} out_t;

__attribute__((format(printf, 2, 3))) static void say(const out_t *o, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    o->fn(o->ud, line);
}

/* The texts of $.strings, each with its language, as content_each_text() gives them. */
typedef struct {
    char **paths;
    char (*langs)[16];
    size_t n, cap;
    bool oom;
} texts_t;

static bool take_text(void *ud, const char *lang, const char *path, const char *text)
{
    (void)text;
    texts_t *t = ud;
    if (strncmp(path, "$.strings.", 10) != 0)
        return true;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        char **p = realloc(t->paths, cap * sizeof *p);
        if (p)
            t->paths = p;
        char(*l)[16] = p ? realloc(t->langs, cap * sizeof *l) : NULL;
        if (!l) {
            t->oom = true;
            return false;
        }
        t->langs = l;
        t->cap = cap;
    }
    if (!(t->paths[t->n] = strdup(path))) {
        t->oom = true;
        return false;
    }
    snprintf(t->langs[t->n++], sizeof t->langs[0], "%s", lang ? lang : "");
    return true;
}

/* Whether key has a text in lang: at "$.strings.KEY" (a plain string) or "$.strings.KEY.X". */
static bool has_text(const texts_t *t, const char *key, const char *lang)
{
    size_t kn = strlen(key);
    for (size_t i = 0; i < t->n; i++) {
        const char *p = t->paths[i] + 10;
        if (strncmp(p, key, kn) != 0 || !content_lang_same(t->langs[i], lang))
            continue;
        if (p[kn] == '\0' || (p[kn] == '.' && !strchr(p + kn + 1, '.')))
            return true;
    }
    return false;
}

/* One line per language lacking staff strings (residents' strings are required of every
 * language: a pack lacking one does not load): another language's are shown in the default
 * language, and those the default language lacks too in the kiosk's built-in texts (listed
 * once, under the default language). */
static void lacking(const out_t *o, const content_t *c, const char *json, size_t len)
{
    texts_t t = {0};
    content_each_text(json, len, take_text, &t);
    bool any = false;
    const char *def = content_default_lang(c);
    for (size_t l = 0; l < content_language_count(c) && !t.oom; l++) {
        const char *code = content_language(c, l)->code;
        const bool is_def = content_lang_same(code, def);
        char list[1500] = "";
        size_t n = 0, o2 = 0;
        for (size_t k = 0; content_staff_strings[k]; k++) {
            if (has_text(&t, content_staff_strings[k], code) ||
                (!is_def && !has_text(&t, content_staff_strings[k], def)))
                continue;
            if (n++ < 12)
                o2 += (size_t)snprintf(list + o2, sizeof list - o2, "%s%s", n > 1 ? ", " : "",
                                       content_staff_strings[k]);
        }
        if (n && is_def)
            say(o, "strings: %s lacks %zu staff strings (the kiosk's built-in texts are shown): "
                   "%s%s", code, n, list, n > 12 ? ", ..." : "");
        else if (n)
            say(o, "strings: %s lacks %zu staff strings (shown in %s instead): %s%s", code, n,
                def, list, n > 12 ? ", ..." : "");
        any = any || n;
    }
    if (!any && !t.oom)
        say(o, "strings: every language has every string the kiosk uses");
    for (size_t i = 0; i < t.n; i++)
        free(t.paths[i]);
    free(t.paths);
    free(t.langs);
}

/* Past activities: every object with a "value" and a "date" before today (ISO dates compare
 * as text), a warning at its date. Returns how many. */
typedef struct {
    const out_t *o;
    const char *json, *file, *today;
    size_t len, n;
    char path[512];
} past_t;

static void past_walk(past_t *w, const cJSON *v, int depth)
{
    if (depth > 48)
        return;
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(v, "date");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(v, "value");
    if (cJSON_IsObject(v) && cJSON_IsString(date) && value && strlen(date->valuestring) == 10 &&
        strcmp(date->valuestring, w->today) < 0) {
        size_t cut = strlen(w->path);
        snprintf(w->path + cut, sizeof w->path - cut, ".date");
        int line = 0, col = 0;
        pack_lint_locate(w->json, w->len, w->path, &line, &col);
        say(w->o,
            "%s:%d:%d: warning: %s: the activity '%s' was on %s, before today (%s): it "
            "no longer shows",
            w->file, line, col, w->path, cJSON_IsString(value) ? value->valuestring : "?",
            date->valuestring, w->today);
        w->path[cut] = '\0';
        w->n++;
    }
    int i = 0;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        size_t cut = strlen(w->path);
        if (cJSON_IsArray(v))
            snprintf(w->path + cut, sizeof w->path - cut, "[%d]", i);
        else
            snprintf(w->path + cut, sizeof w->path - cut, ".%s", m->string);
        past_walk(w, m, depth + 1);
        w->path[cut] = '\0';
    }
}

static size_t past_activities(const out_t *o, const char *json, size_t len, const char *file,
                              const char *today)
{
    cJSON *root = today ? cJSON_ParseWithLength(json, len) : NULL;
    past_t w = {o, json, file, today, len, 0, "$"};
    if (root)
        past_walk(&w, root, 0);
    cJSON_Delete(root);
    return w.n;
}

static void summary(const out_t *o, const content_t *c, const char *json, size_t len)
{
    say(o, "pack '%s', version '%s'", content_id(c), content_version(c));
    char langs[1024] = "";
    size_t w = 0;
    for (size_t i = 0; i < content_language_count(c) && w < sizeof langs; i++) {
        const language_t *l = content_language(c, i);
        w += (size_t)snprintf(langs + w, sizeof langs - w, "%s%s (%s%s)", i ? ", " : "", l->code,
                              l->name, i == 0 ? ", default" : "");
    }
    say(o, "languages: %s", langs);
    for (size_t i = 0; i < content_journey_count(c); i++) {
        const journey_t *j = content_journey(c, i);
        say(o, "journey '%s' (%s): %zu question%s", j->id, record_kind_name(j->kind), j->nq,
            j->nq == 1 ? "" : "s");
    }
    say(o, "quick rating: %zu faces%s", content_face_count(c),
        content_followup(c) ? " and a follow-up question" : "");
    lacking(o, c, json, len);
}

size_t pack_check(const char *json, size_t len, const char *file, const char *today,
                  pack_check_line_fn fn, void *ud)
{
    out_t o = {fn, ud};
    pack_lint_t l;
    char line[1024];
    size_t errors = 0, warnings = 0;
    if (pack_lint(json, len, &l) != KIOSK_OK) {
        pack_lint_free(&l);
        say(&o, "%s: out of memory", file);
        return 1;
    }
    for (size_t i = 0; i < l.n; i++) {
        pack_diag_format(&l.v[i], file, line, sizeof line);
        fn(ud, line);
    }
    if (l.dropped)
        say(&o, "%s: and %zu more not listed", file, l.dropped);
    errors = l.errors;
    warnings = l.warnings;
    pack_lint_free(&l);
    content_t *c = NULL;
    content_error_t err;
    int rc = content_load(json, len, file, &c, &err);
    if (rc != KIOSK_OK && errors == 0) {
        say(&o, "%s:%d:%d: error: %s: %s", file, err.line, err.col, err.path, err.reason);
        errors++;
    }
    if (c)
        warnings += past_activities(&o, json, len, file, today);
    if (c)
        summary(&o, c, json, len);
    say(&o,
        "%s: %zu error%s, %zu warning%s%s; recorded prompts' files and fonts are not checked "
        "here (the kiosk checks them when it loads the pack)",
        file, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
        c ? "" : "; the pack does not load, so no summary");
    content_free(c);
    return errors;
}
