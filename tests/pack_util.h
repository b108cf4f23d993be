/* Test helpers: the default pack from assets/, loaded as is or after a mutation. */
#ifndef KIOSK_TEST_PACK_UTIL_H
#define KIOSK_TEST_PACK_UTIL_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/content.h"

/* The whole file at path, NUL-terminated, its length in *len; the caller frees it. NULL (and
 * a message) when it cannot be read. */
static inline char *read_pack_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

static inline char *read_default_pack(size_t *len)
{
    return read_pack_file(KIOSK_DEFAULT_PACK, len);
}

static inline content_t *load_default_pack(void)
{
    size_t len;
    char *json = read_default_pack(&len);
    content_t *c = NULL;
    content_error_t err;
    if (json && content_load(json, len, "default.json", &c, &err) != 0) {
        char msg[1024];
        content_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
    }
    free(json);
    return c;
}

static inline int load_mutated_pack(void (*mutate)(cJSON *root), content_t **out,
                                    content_error_t *err)
{
    size_t len;
    char *json = read_default_pack(&len);
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    free(json);
    if (!root)
        return -100;
    mutate(root);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    int rc = content_load(text, strlen(text), "mutated.json", out, err);
    free(text);
    return rc;
}

/* Every localizable string below node ({"default": .., "zh-cn": ..}) gets a text in code too:
 * the default language's, or with prefix before it ("" for none). */
static inline void pack_copy_texts(cJSON *node, const char *code, const char *prefix)
{
    cJSON *def = cJSON_GetObjectItemCaseSensitive(node, "default");
    if (cJSON_IsObject(node) && cJSON_IsString(def) &&
        cJSON_GetObjectItemCaseSensitive(node, "zh-cn")) {
        char *t = malloc(strlen(prefix) + strlen(def->valuestring) + 1);
        strcpy(t, prefix);
        strcat(t, def->valuestring);
        cJSON_AddStringToObject(node, code, t);
        free(t);
        return;
    }
    cJSON *child;
    cJSON_ArrayForEach(child, node)
    {
        pack_copy_texts(child, code, prefix);
    }
}

/* Adds a language to a pack's JSON: code, name, "dir" ("rtl", "ltr", or NULL: none given),
 * and the default language's texts (see pack_copy_texts()). */
static inline void pack_add_language(cJSON *root, const char *code, const char *name,
                                     const char *dir, const char *prefix)
{
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "code", code);
    cJSON_AddStringToObject(l, "name", name);
    if (dir)
        cJSON_AddStringToObject(l, "dir", dir);
    pack_copy_texts(root, code, prefix);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(root, "languages"), l);
}

#endif
