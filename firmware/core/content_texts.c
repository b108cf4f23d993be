/* Every text a pack holds, with its language and place, for the checks only an edge can make
 * (whether the installed fonts draw every character). Walks the pack's JSON rather than the
 * loaded model, so that no text field can be forgotten when fields are added. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/content.h"
#include "core/kerr.h"

#define TEXTS_MAX_DEPTH 48

typedef struct {
    content_text_fn fn;
    void *ud;
    const char *default_lang;
    char path[512];
    bool stopped;
} walk_t;

/* Appends ".name", or "[index]" for a NULL name, to the path; returns the old length to cut
 * back to. */
static size_t push(walk_t *w, const char *name, int index)
{
    size_t n = strlen(w->path);
    if (name)
        snprintf(w->path + n, sizeof w->path - n, ".%s", name);
    else
        snprintf(w->path + n, sizeof w->path - n, "[%d]", index);
    return n;
}

/* A localizable string: an object with a "default" text, every member a text. */
static bool is_lstr(const cJSON *o)
{
    if (!cJSON_IsObject(o) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "default")))
        return false;
    for (const cJSON *m = o->child; m; m = m->next)
        if (!cJSON_IsString(m))
            return false;
    return true;
}

static void visit(walk_t *w, const char *lang, const char *text)
{
    if (!w->stopped && !w->fn(w->ud, lang, w->path, text))
        w->stopped = true;
}

/* lang: the language of plain strings here (a language's own entry is in that language). */
static void walk(walk_t *w, const cJSON *v, const char *lang, int depth)
{
    if (w->stopped || depth > TEXTS_MAX_DEPTH)
        return;
    if (cJSON_IsString(v)) {
        visit(w, lang, v->valuestring);
    } else if (is_lstr(v)) {
        for (const cJSON *m = v->child; m && !w->stopped; m = m->next) {
            size_t cut = push(w, m->string, 0);
            visit(w, strcmp(m->string, "default") == 0 ? w->default_lang : m->string,
                  m->valuestring);
            w->path[cut] = '\0';
        }
    } else if (cJSON_IsArray(v)) {
        bool languages = depth == 1 && strcmp(w->path, "$.languages") == 0;
        int i = 0;
        for (const cJSON *m = v->child; m && !w->stopped; m = m->next, i++) {
            size_t cut = push(w, NULL, i);
            const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "code");
            walk(w, m, languages && cJSON_IsString(code) ? code->valuestring : lang, depth + 1);
            w->path[cut] = '\0';
        }
    } else if (cJSON_IsObject(v)) {
        for (const cJSON *m = v->child; m && !w->stopped; m = m->next) {
            size_t cut = push(w, m->string, 0);
            walk(w, m, lang, depth + 1);
            w->path[cut] = '\0';
        }
    }
}

int content_each_text(const char *json, size_t len, content_text_fn fn, void *ud)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return KIOSK_EINVAL;
    const cJSON *dl = cJSON_GetObjectItemCaseSensitive(root, "defaultLanguage");
    walk_t w = {.fn = fn, .ud = ud, .default_lang = cJSON_IsString(dl) ? dl->valuestring : "en"};
    snprintf(w.path, sizeof w.path, "$");
    walk(&w, root, w.default_lang, 0);
    cJSON_Delete(root);
    return KIOSK_OK;
}
