/* Content pack loader: parses the JSON once, checks every rule, and copies what the flow needs
 * into an arena owned by the content, so a loaded pack is immutable and complete. This file
 * holds the loader's tools, the pack's header (languages, settings, strings) and
 * content_load(); content_questions.c the catalogs, journeys and their questions. */
#include "core/content.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/content_internal.h"
#include "core/phone.h"
#include "core/expr_parse.h"
#include "core/icons.h"
#include "core/ime.h"
#include "core/json_num.h"
#include "core/kerr.h"
#include "core/pack_lint.h"
#include "core/utf8.h"

/* ---- arena: every string and array of a content lives here, freed at once ---- */

void *content_arena_alloc(arena_t *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!a->head || a->head->size - a->head->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        block_t *b = calloc(1, sizeof *b + cap);
        if (!b)
            return NULL;
        b->size = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += size;
    return p;
}

char *content_arena_strdup(arena_t *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = content_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static void *arena_alloc_cb(void *arena, size_t size)
{
    return content_arena_alloc(arena, size);
}

void content_arena_free(arena_t *a)
{
    for (block_t *b = a->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    a->head = NULL;
}

/* ---- loader state: current JSON path and the first error ---- */

size_t loader_path_push(loader_t *L, const char *fmt, ...)
{
    size_t saved = L->plen;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(L->path + L->plen, sizeof L->path - L->plen, fmt, ap);
    va_end(ap);
    if (n > 0)
        L->plen = strlen(L->path);
    return saved;
}

void loader_path_pop(loader_t *L, size_t saved)
{
    L->plen = saved;
    L->path[saved] = '\0';
}

static void vfail(loader_t *L, const char *fmt, va_list ap)
{
    if (L->failed)
        return;
    L->failed = true;
    snprintf(L->err->path, sizeof L->err->path, "%s", L->path);
    vsnprintf(L->err->reason, sizeof L->err->reason, fmt, ap);
}

int loader_fail(loader_t *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(L, fmt, ap);
    va_end(ap);
    return KIOSK_EINVAL;
}

int loader_fail_at(loader_t *L, const char *step, const char *fmt, ...)
{
    size_t saved = loader_path_push(L, "%s", step);
    va_list ap;
    va_start(ap, fmt);
    vfail(L, fmt, ap);
    va_end(ap);
    loader_path_pop(L, saved);
    return KIOSK_EINVAL;
}

int loader_oom(loader_t *L)
{
    loader_fail(L, "out of memory");
    return KIOSK_ENOMEM;
}

/* Text values must be valid UTF-8 without control characters (cJSON decodes \u escapes), and
 * no longer than their place allows (content_rules.c). */
static int check_text(loader_t *L, const char *s)
{
    if (!utf8_valid_text(s, strlen(s)))
        return loader_fail(L, "text is not valid UTF-8 or contains control characters");
    return rules_text_length(L, s);
}

const cJSON *loader_member(const cJSON *obj, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(obj, name);
}

/* A required or optional string member; *out stays NULL when optional and absent. */
int loader_get_string(loader_t *L, const cJSON *obj, const char *name, bool required,
                      const char **out)
{
    const cJSON *v = loader_member(obj, name);
    *out = NULL;
    if (!v) {
        if (required) {
            size_t s = loader_path_push(L, ".%s", name);
            loader_fail(L, "missing required string");
            loader_path_pop(L, s);
            return KIOSK_EINVAL;
        }
        return KIOSK_OK;
    }
    size_t s = loader_path_push(L, ".%s", name);
    int rc = KIOSK_OK;
    if (!cJSON_IsString(v) || !v->valuestring[0])
        rc = loader_fail(L, "expected a non-empty string");
    else if ((rc = check_text(L, v->valuestring)) == KIOSK_OK &&
             !(*out = content_arena_strdup(&L->c->arena, v->valuestring)))
        rc = loader_oom(L);
    loader_path_pop(L, s);
    return rc;
}

int loader_get_int(loader_t *L, const cJSON *obj, const char *name, int lo, int hi, int *out)
{
    const cJSON *v = loader_member(obj, name);
    if (!v)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".%s", name);
    int rc = KIOSK_OK;
    int64_t n;
    if (!cJSON_IsNumber(v) || !json_int_in(v->valuedouble, -1000000000, 1000000000, &n))
        rc = loader_fail(L, "expected an integer");
    else if (n < lo || n > hi)
        rc = loader_fail(L, "%lld is out of range %d..%d", (long long)n, lo, hi);
    else
        *out = (int)n;
    loader_path_pop(L, s);
    return rc;
}

int loader_get_bool(loader_t *L, const cJSON *obj, const char *name, bool *out)
{
    const cJSON *v = loader_member(obj, name);
    *out = false;
    if (!v)
        return KIOSK_OK;
    if (!cJSON_IsBool(v)) {
        size_t s = loader_path_push(L, ".%s", name);
        loader_fail(L, "expected true or false");
        loader_path_pop(L, s);
        return KIOSK_EINVAL;
    }
    *out = cJSON_IsTrue(v);
    return KIOSK_OK;
}

/* Parses a localizable string at the current path: a plain string (one-language packs only,
 * unless default_only) or {"default": .., "<lang>": ..} with every language of the pack (with
 * default_only, the default language's at least: a staff string). */
static int lstr_value(loader_t *L, const cJSON *v, lstr_t *out, bool default_only)
{
    content_t *c = L->c;
    memset(out, 0, sizeof *out);
    if (cJSON_IsString(v)) {
        if (c->nlangs > 1 && !default_only)
            return loader_fail(L,
                               "missing translation: a plain string has only the default language "
                               "text, but the pack has %zu languages",
                               c->nlangs);
        if (check_text(L, v->valuestring))
            return KIOSK_EINVAL;
        lstr_entry_t *e = content_arena_alloc(&c->arena, sizeof *e);
        if (!e || !(e->text = content_arena_strdup(&c->arena, v->valuestring)))
            return loader_oom(L);
        e->lang = c->default_lang;
        out->v = e;
        out->n = 1;
        return KIOSK_OK;
    }
    if (!cJSON_IsObject(v))
        return loader_fail(L, "expected a string or an object of translations");
    lstr_entry_t *e = content_arena_alloc(&c->arena, c->nlangs * sizeof *e);
    if (!e)
        return loader_oom(L);
    const cJSON *t;
    cJSON_ArrayForEach(t, v)
    {
        const char *lang = strcmp(t->string, "default") == 0 ? c->default_lang : t->string;
        int li = content_language_index(c, lang);
        size_t s = loader_path_push(L, ".%s", t->string);
        int rc = KIOSK_OK;
        if (li < 0)
            rc = loader_fail(L, "language '%s' is not in $.languages", t->string);
        else if (!cJSON_IsString(t))
            rc = loader_fail(L, "expected a string");
        else if (e[li].text)
            rc = loader_fail(L, "language '%s' given twice (\"default\" is '%s')", lang,
                             c->default_lang);
        else if ((rc = check_text(L, t->valuestring)) == KIOSK_OK) {
            e[li].lang = c->langs[li].code;
            if (!(e[li].text = content_arena_strdup(&c->arena, t->valuestring)))
                rc = loader_oom(L);
        }
        loader_path_pop(L, s);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < (default_only ? 1 : c->nlangs); i++)
        if (!e[i].text)
            return loader_fail(L, "missing translation for '%s'", c->langs[i].code);
    out->v = e;
    out->n = c->nlangs;
    return KIOSK_OK;
}

int loader_lstr_value(loader_t *L, const cJSON *v, lstr_t *out)
{
    return lstr_value(L, v, out, false);
}

int loader_get_input_mode(loader_t *L, const cJSON *obj, int *out)
{
    const char *name = NULL;
    int rc = loader_get_string(L, obj, "inputMode", false, &name);
    *out = name ? ime_mode_from_name(name) : -1;
    if (!rc && name && *out < 0)
        rc = loader_fail_at(L, ".inputMode",
                            "unknown inputMode '%s' (handwriting, pinyin, latin or digits)", name);
    return rc;
}

int loader_get_icon(loader_t *L, const cJSON *obj, const char **out)
{
    *out = NULL;
    int rc = loader_get_string(L, obj, "icon", false, out);
    if (!rc && *out && !icon_known(*out)) {
        char known[512];
        icon_names_join(known, sizeof known);
        rc = loader_fail_at(L, ".icon", "unknown icon '%s' (the kiosk has: %s)", *out, known);
    }
    return rc;
}

int loader_get_lstr(loader_t *L, const cJSON *obj, const char *name, bool required, lstr_t *out)
{
    const cJSON *v = loader_member(obj, name);
    memset(out, 0, sizeof *out);
    size_t s = loader_path_push(L, ".%s", name);
    int rc = KIOSK_OK;
    if (!v) {
        if (required)
            rc = loader_fail(L, "missing required text");
    } else {
        rc = loader_lstr_value(L, v, out);
    }
    loader_path_pop(L, s);
    return rc;
}

void *loader_items(loader_t *L, const cJSON *list, bool object, int lo, int hi, size_t size,
                   const char *expected, int *rc)
{
    int n = cJSON_GetArraySize(list);
    bool ok = object ? cJSON_IsObject(list) : cJSON_IsArray(list) && n >= lo && n <= hi;
    if (!ok) {
        *rc = loader_fail(L, "%s", expected);
        return NULL;
    }
    void *items = content_arena_alloc(&L->c->arena, (size_t)(n > 0 ? n : 1) * size);
    if (!items)
        *rc = loader_oom(L);
    return items;
}

/* ---- header, languages, settings, strings ---- */

/* A language's "phone": {"formats": ["1## #### ####", ...], "example": "138 1234 5678"}. */
static int parse_phone(loader_t *L, const cJSON *l, language_t *lang)
{
    const cJSON *phone = loader_member(l, "phone");
    if (!phone)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".phone");
    int rc = KIOSK_OK;
    const cJSON *formats = loader_member(phone, "formats");
    if (!cJSON_IsObject(phone)) {
        rc = loader_fail(L, "expected {\"formats\": [\"1## #### ####\", ...], \"example\": ...}");
        goto out;
    }
    size_t s2 = loader_path_push(L, ".formats");
    const char **list = loader_items(L, formats, false, 1, 32, sizeof *list,
                                     "expected 1 to 32 formats such as \"1## #### ####\" ('#' is "
                                     "any digit)",
                                     &rc);
    const cJSON *f;
    size_t n = 0;
    const cJSON *walk = list ? formats : NULL;
    cJSON_ArrayForEach(f, walk)
    {
        const char *why = NULL;
        if (!cJSON_IsString(f))
            rc = loader_fail(L, "format %zu: expected a string such as \"1## #### ####\"", n);
        else if (!phone_format_valid(f->valuestring, &why))
            rc = loader_fail(L, "format %zu '%s': %s", n, f->valuestring, why);
        else if (!(list[n] = content_arena_strdup(&L->c->arena, f->valuestring)))
            rc = loader_oom(L);
        if (rc)
            break;
        n++;
    }
    loader_path_pop(L, s2);
    if (rc)
        goto out;
    lang->phone_formats = list;
    lang->nphone_formats = n;
    if ((rc = loader_get_string(L, phone, "example", false, &lang->phone_example)) ||
        !lang->phone_example)
        goto out;
    char digits[64];
    size_t o = 0;
    for (const char *p = lang->phone_example; *p && o + 1 < sizeof digits; p++)
        if (*p != ' ')
            digits[o++] = *p;
    digits[o] = '\0';
    if (!phone_valid(digits, list, n))
        rc = loader_fail_at(L, ".example", "'%s' matches none of the formats", lang->phone_example);
out:
    loader_path_pop(L, s);
    return rc;
}

/* A language's "dir" ("ltr", the default, or "rtl") and "fonts" (preferred family names). */
static int parse_script(loader_t *L, const cJSON *l, language_t *lang)
{
    const char *dir = NULL;
    int rc = loader_get_string(L, l, "dir", false, &dir);
    if (rc)
        return rc;
    if (dir && strcmp(dir, "rtl") != 0 && strcmp(dir, "ltr") != 0)
        return loader_fail_at(L, ".dir", "expected \"ltr\" or \"rtl\", not '%s'", dir);
    lang->rtl = dir && strcmp(dir, "rtl") == 0;
    const cJSON *fonts = loader_member(l, "fonts");
    if (!fonts)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".fonts");
    const char **list = loader_items(L, fonts, false, 1, 16, sizeof *list,
                                     "expected 1 to 16 font family names such as "
                                     "[\"Noto Sans Arabic UI\"]",
                                     &rc);
    size_t n = 0;
    const cJSON *f;
    const cJSON *walk = list ? fonts : NULL;
    cJSON_ArrayForEach(f, walk)
    {
        size_t s2 = loader_path_push(L, "[%zu]", n);
        if (!cJSON_IsString(f) || !f->valuestring[0])
            rc = loader_fail(L, "expected a font family name (a non-empty string)");
        else if ((rc = check_text(L, f->valuestring)) == KIOSK_OK &&
                 !(list[n] = content_arena_strdup(&L->c->arena, f->valuestring)))
            rc = loader_oom(L);
        loader_path_pop(L, s2);
        if (rc)
            break;
        n++;
    }
    if (!rc) {
        lang->fonts = list;
        lang->nfonts = n;
    }
    loader_path_pop(L, s);
    return rc;
}

static int parse_languages(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *langs = loader_member(root, "languages");
    size_t s = loader_path_push(L, ".languages");
    int rc = KIOSK_OK;
    c->langs = loader_items(L, langs, false, 1, INT_MAX, sizeof *c->langs,
                            "expected a non-empty array of {\"code\", \"name\"}", &rc);
    if (!c->langs)
        goto out;
    const cJSON *l;
    cJSON_ArrayForEach(l, langs)
    {
        size_t s2 = loader_path_push(L, "[%zu]", c->nlangs);
        language_t *lang = &c->langs[c->nlangs];
        if (!cJSON_IsObject(l))
            rc = loader_fail(L, "expected an object");
        else if (!(rc = loader_get_string(L, l, "code", true, &lang->code)) &&
                 !(rc = loader_get_string(L, l, "name", true, &lang->name)) &&
                 !(rc = loader_get_input_mode(L, l, &lang->input_mode)) &&
                 !(rc = parse_phone(L, l, lang)) && !(rc = parse_script(L, l, lang))) {
            if (strlen(lang->code) >= 16 || strcmp(lang->code, "default") == 0)
                rc = loader_fail(L, "language code '%s' is reserved or too long", lang->code);
            else if (content_language_index(c, lang->code) >= 0)
                rc = loader_fail(L, "duplicate language code '%s'", lang->code);
            else
                c->nlangs++;
        }
        loader_path_pop(L, s2);
        if (rc)
            goto out;
    }
out:
    loader_path_pop(L, s);
    if (rc)
        return rc;
    if ((rc = loader_get_string(L, root, "defaultLanguage", true, &c->default_lang)))
        return rc;
    if (content_language_index(c, c->default_lang) < 0)
        return loader_fail_at(L, ".defaultLanguage", "'%s' is not one of $.languages",
                              c->default_lang);
    /* Put the default language first so that it is the fallback of every string. */
    int di = content_language_index(c, c->default_lang);
    c->default_lang = c->langs[di].code; /* the code's spelling is the language's own */
    language_t tmp = c->langs[0];
    c->langs[0] = c->langs[di];
    c->langs[di] = tmp;
    return KIOSK_OK;
}

/* "followUpPhone": the centre's number, put into the reference code's QR: up to 24 digits,
 * spaces, dashes and a leading "+". */
static int parse_follow_up_phone(loader_t *L, const cJSON *v, const char **out)
{
    int rc = loader_get_string(L, v, "followUpPhone", false, out);
    const char *p = *out;
    if (rc || !p)
        return rc;
    size_t n = strspn(p + (*p == '+'), "0123456789 -") + (*p == '+');
    if (n == strlen(p) && n <= 24 && strpbrk(p, "0123456789"))
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".followUpPhone");
    rc = loader_fail(L, "expected a phone number (digits, spaces, dashes, a leading +)");
    loader_path_pop(L, s);
    return rc;
}

static int parse_settings(loader_t *L, const cJSON *root)
{
    content_settings_t *st = &L->c->settings;
    *st = (content_settings_t){.idle_timeout_s = 60,
                               .idle_countdown_s = 15,
                               .thanks_s = 8,
                               .text_max_length = 500,
                               .phone_max_digits = 15,
                               .misuse_interval_s = 5};
    const cJSON *v = loader_member(root, "settings");
    if (!v)
        return KIOSK_OK;
    size_t s = loader_path_push(L, ".settings");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(v))
        rc = loader_fail(L, "expected an object");
    else if (!(rc = loader_get_int(L, v, "idleTimeoutSeconds", 5, 3600, &st->idle_timeout_s)) &&
             !(rc = loader_get_int(L, v, "idleCountdownSeconds", 3, 300, &st->idle_countdown_s)) &&
             !(rc = loader_get_int(L, v, "thanksSeconds", 2, 120, &st->thanks_s)) &&
             !(rc = loader_get_int(L, v, "textMaxLength", 10, 4000, &st->text_max_length)) &&
             !(rc = loader_get_int(L, v, "phoneMaxDigits", 6, 20, &st->phone_max_digits)) &&
             !(rc = parse_follow_up_phone(L, v, &st->follow_up_phone)))
        rc = loader_get_int(L, v, "misuseIntervalSeconds", 0, 3600, &st->misuse_interval_s);
    loader_path_pop(L, s);
    return rc;
}

static int parse_strings(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *strs = loader_member(root, "strings");
    size_t s = loader_path_push(L, ".strings");
    int rc = KIOSK_OK;
    c->strings = loader_items(L, strs, true, 0, INT_MAX, sizeof *c->strings,
                              "expected an object of interface strings", &rc);
    if (!c->strings)
        goto out;
    const cJSON *t;
    cJSON_ArrayForEach(t, strs)
    {
        string_entry_t *e = &c->strings[c->nstrings];
        size_t s2 = loader_path_push(L, ".%s", t->string);
        rc = lstr_value(L, t, &e->text, content_string_is_staff(t->string));
        loader_path_pop(L, s2);
        if (rc)
            goto out;
        if (!(e->key = content_arena_strdup(&c->arena, t->string))) {
            rc = loader_oom(L);
            goto out;
        }
        c->nstrings++;
    }
    /* Staff strings may be left out: the kiosk's built-in pack has them all. */
    const char *const *keys = content_required_strings;
    for (size_t i = 0; keys[i]; i++) {
        bool found = false;
        for (size_t k = 0; k < c->nstrings && !found; k++)
            found = strcmp(c->strings[k].key, keys[i]) == 0;
        if (!found) {
            rc = loader_fail(L, "missing interface string '%s'", keys[i]);
            goto out;
        }
    }
out:
    loader_path_pop(L, s);
    return rc;
}

/* Line and column of a byte offset, for JSON syntax errors. */
static void line_col(const char *json, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && json[i]; i++) {
        if (json[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)json[i] & 0xc0) != 0x80) {
            (*col)++;
        }
    }
}

int content_load(const char *json, size_t len, const char *filename, content_t **out,
                 content_error_t *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", filename ? filename : "(pack)");
    loader_t L = {.err = err};
    loader_path_push(&L, "$");
    content_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err->reason, sizeof err->reason, "out of memory");
        return KIOSK_ENOMEM;
    }
    L.c = c;
    c->arena_hook = (expr_arena_t){.alloc = arena_alloc_cb, .ctx = &c->arena};
    const char *end = NULL;
    cJSON *root = NULL;
    int rc;
    if (len > 4 * 1024 * 1024) {
        rc = loader_fail(&L, "pack is %zu bytes, larger than the 4 MiB limit", len);
        goto out;
    }
    /* Strict: every mistake the lint pass finds refuses the pack (its first one is err). */
    if ((rc = pack_lint_first_error(json, len, err)) != KIOSK_OK) {
        L.failed = true;
        goto out;
    }
    root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        int line, col;
        size_t off = end ? (size_t)(end - json) : 0;
        line_col(json, off, &line, &col);
        rc = loader_fail(&L, "invalid JSON near line %d, column %d", line, col);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        rc = loader_fail(&L, "expected a JSON object at the top level");
        goto out;
    }
    if ((rc = rules_no_nul(&L, json, len)))
        goto out;
    int fmt = 0;
    if ((rc = loader_get_int(&L, root, "formatVersion", 1, 1000, &fmt)))
        goto out;
    if (fmt != 1) {
        loader_path_push(&L, ".formatVersion");
        rc = loader_fail(&L, "format version %d is not supported (this firmware reads 1)", fmt);
        goto out;
    }
    if ((rc = loader_get_string(&L, root, "id", true, &c->id)) ||
        (rc = loader_get_string(&L, root, "version", true, &c->version)))
        goto out;
    if (strlen(c->id) > 63 || strlen(c->version) > 31) {
        rc = loader_fail(&L, "id must be at most 63 bytes and version at most 31");
        goto out;
    }
    if ((rc = parse_languages(&L, root)) || (rc = parse_settings(&L, root)) ||
        (rc = parse_strings(&L, root)) || (rc = loader_audio(&L, root)) ||
        (rc = loader_catalogs(&L, root)) ||
        (rc = loader_quick_rating(&L, root)) || (rc = loader_journeys(&L, root)) ||
        (rc = loader_dated(&L)) || (rc = rules_placeholders(&L, root)))
        goto out;
out:
    cJSON_Delete(root);
    if (rc) {
        if (!L.failed)
            loader_fail(&L, "%s", "invalid pack");
        if (!err->line && len <= 4 * 1024 * 1024) /* a rule's error: where its path is */
            pack_lint_locate(json, len, err->path, &err->line, &err->col);
        content_free(c);
        return rc == KIOSK_ENOMEM ? KIOSK_ENOMEM : KIOSK_EINVAL;
    }
    *out = c;
    return KIOSK_OK;
}
