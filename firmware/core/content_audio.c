/* A pack's recorded prompts: "audio": {"<string key>": {"<lang>": "relative/path.ogg"}}, each
 * played instead of synthesis for that string in that language (languages without a voice,
 * Tibetan for one, are served this way). The loader checks the places and the paths; the
 * files themselves are the app's to check (the audio edge's audio_check_prompt). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/content_internal.h"
#include "core/kerr.h"

/* A path relative to the pack file: no absolute path, no ".." step, no backslash, an Ogg
 * file (Vorbis or Opus) by its name. NULL when fine, else why not. */
static const char *prompt_path_problem(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 255)
        return "expected a path of 1 to 255 bytes";
    if (p[0] == '/' || strchr(p, '\\'))
        return "expected a path relative to the pack file, not an absolute one";
    for (const char *s = p; s; s = strchr(s, '/')) {
        s += *s == '/';
        if (strncmp(s, "..", 2) == 0 && (s[2] == '/' || s[2] == '\0'))
            return "a path must not climb out of the pack's directory (\"..\")";
    }
    const char *dot = strrchr(p, '.');
    if (!dot || (strcasecmp(dot, ".ogg") != 0 && strcasecmp(dot, ".opus") != 0 &&
                 strcasecmp(dot, ".oga") != 0))
        return "expected an Ogg Vorbis or Opus file (.ogg, .oga or .opus)";
    return NULL;
}

static bool string_known(const content_t *c, const char *key)
{
    for (size_t i = 0; i < c->nstrings; i++)
        if (strcmp(c->strings[i].key, key) == 0)
            return true;
    return false;
}

/* The node at a JSON path of the pack ("$.journeys[0].questions[2].title"), or NULL. */
static const cJSON *node_at(const cJSON *root, const char *path)
{
    const cJSON *n = path[0] == '$' ? root : NULL;
    for (const char *p = path + 1; *p && n;) {
        if (*p == '.') {
            size_t len = strcspn(++p, ".[");
            char name[128];
            if (len == 0 || len >= sizeof name)
                return NULL;
            memcpy(name, p, len);
            name[len] = '\0';
            n = cJSON_GetObjectItemCaseSensitive(n, name);
            p += len;
        } else if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || i < 0 || i > 100000 || !cJSON_IsArray(n))
                return NULL;
            n = cJSON_GetArrayItem(n, (int)i);
            p = end + 1;
        } else {
            return NULL;
        }
    }
    return n;
}

/* The words a prompt stands for in lang: an interface string's, or the text at a JSON path
 * (a plain string, or a localized one's entry for lang, else its default); NULL: none. */
static const char *prompt_text(loader_t *L, const cJSON *root, const char *key, const char *lang)
{
    if (key[0] != '$')
        return string_known(L->c, key) ? content_string(L->c, key, lang) : NULL;
    const cJSON *n = node_at(root, key);
    if (cJSON_IsObject(n)) {
        const cJSON *t = cJSON_GetObjectItem(n, lang); /* language codes in any case */
        n = cJSON_IsString(t) ? t : cJSON_GetObjectItemCaseSensitive(n, "default");
    }
    return cJSON_IsString(n) ? n->valuestring : NULL;
}

/* One string's prompts: {"<lang>": "path", ...}. */
static int audio_entry(loader_t *L, const cJSON *root, const cJSON *langs, const char *key,
                       size_t *room)
{
    content_t *c = L->c;
    if (key[0] == '$' && !node_at(root, key))
        return loader_fail(L, "no text at this place of the pack");
    if (key[0] != '$' && !string_known(c, key))
        return loader_fail(L,
                           "no interface string '%s' in the pack (a journey text is named by "
                           "its JSON path: \"$.journeys[0].pages[0].elements[0].title\")",
                           key);
    if (!cJSON_IsObject(langs) || !langs->child)
        return loader_fail(L, "expected an object of prompt files by language");
    const cJSON *v;
    cJSON_ArrayForEach(v, langs)
    {
        size_t s = loader_path_push(L, ".%s", v->string);
        int rc = KIOSK_OK;
        const char *why = cJSON_IsString(v) ? prompt_path_problem(v->valuestring)
                                            : "expected a path relative to the pack file";
        int li = content_language_index(c, v->string);
        const char *text = li < 0 ? NULL : prompt_text(L, root, key, v->string);
        if (li < 0)
            rc = loader_fail(L, "'%s' is not a language of the pack", v->string);
        else if (why)
            rc = loader_fail(L, "%s", why);
        else if (!text)
            rc = loader_fail(L, "no text at %s to record", key);
        else if (*room == 0)
            rc = loader_oom(L);
        loader_path_pop(L, s);
        if (rc)
            return rc;
        content_prompt_t *p = &c->prompts[c->nprompts];
        p->key = content_arena_strdup(&c->arena, key);
        p->lang = content_language(c, (size_t)li)->code;
        p->path = content_arena_strdup(&c->arena, v->valuestring);
        p->text = content_arena_strdup(&c->arena, text);
        if (!p->key || !p->path || !p->text)
            return loader_oom(L);
        c->nprompts++;
        (*room)--;
    }
    return KIOSK_OK;
}

int loader_audio(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *audio = loader_member(root, "audio");
    if (!audio)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".audio");
    int rc = KIOSK_OK;
    size_t room = 0;
    const cJSON *e;
    if (cJSON_IsObject(audio))
        cJSON_ArrayForEach(e, audio) room += (size_t)cJSON_GetArraySize(e);
    c->prompts = cJSON_IsObject(audio) && room
                     ? content_arena_alloc(&c->arena, room * sizeof *c->prompts)
                     : NULL;
    if (!cJSON_IsObject(audio))
        rc = loader_fail(L, "expected an object of recorded prompts by string key");
    else if (room && !c->prompts)
        rc = loader_oom(L);
    for (e = rc ? NULL : audio->child; e && !rc; e = e->next) {
        size_t s2 = loader_path_push(L, ".%s", e->string);
        rc = audio_entry(L, root, e, e->string, &room);
        loader_path_pop(L, s2);
    }
    loader_path_pop(L, s);
    return rc;
}

size_t content_prompt_count(const content_t *c)
{
    return c->nprompts;
}

const content_prompt_t *content_prompt_at(const content_t *c, size_t i)
{
    return i < c->nprompts ? &c->prompts[i] : NULL;
}

const char *content_prompt(const content_t *c, const char *key, const char *lang)
{
    for (size_t i = 0; i < c->nprompts; i++)
        if (strcmp(c->prompts[i].key, key) == 0 && content_lang_same(c->prompts[i].lang, lang))
            return c->prompts[i].path;
    return NULL;
}

/* Whether a and b are the same text, spaces and line breaks aside. */
static bool same_words(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\n')
            a++;
        while (*b == ' ' || *b == '\n')
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++;
        b++;
    }
}

const char *content_prompt_for_text(const content_t *c, const char *text, const char *lang)
{
    for (size_t i = 0; i < c->nprompts; i++)
        if (content_lang_same(c->prompts[i].lang, lang) && same_words(c->prompts[i].text, text))
            return c->prompts[i].path;
    return NULL;
}
