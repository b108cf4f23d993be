/* Staff token payloads: strict parsing (unknown keys refused) and the rules of what a token
 * allows. Only signed text reaches this code (see crypto_token_open()). */
#include "core/token.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_num.h"
#include "core/kerr.h"

static const struct {
    const char *name;
    token_action_t bit;
} actions[] = {
    {"export", TOKEN_EXPORT},
    {"erase-contact", TOKEN_ERASE_CONTACT},
    {"content-update", TOKEN_CONTENT_UPDATE},
    {"staff-screens", TOKEN_STAFF_SCREENS},
    {"technician", TOKEN_TECHNICIAN},
};

unsigned token_action_bit(const char *name)
{
    for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++)
        if (strcmp(name, actions[k].name) == 0)
            return (unsigned)actions[k].bit;
    return 0;
}

static int parse_time(const cJSON *v, const char *path, int64_t *out, content_error_t *err)
{
    if (!cJSON_IsString(v) || !iso8601_parse(v->valuestring, out))
        return content_error_set(err, path, "expected a time like \"2026-12-01T00:00:00Z\"");
    return KIOSK_OK;
}

/* A bounded list of strings in a token: "$.name[i]" in errors. */
typedef struct {
    const char *name;
    const char *items;    /* what "more than N ..." counts */
    const char *expected; /* what a bad item should have been */
    bool (*ok)(const char *s);
} string_list_t;

/* Copies the strings of array v into list (at most max items of width bytes each), counting in
 * *n. */
static int parse_string_list(const cJSON *v, const string_list_t *rule, char *list, size_t width,
                             size_t max, size_t *n, content_error_t *err)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, v)
    {
        char path[64];
        snprintf(path, sizeof path, "$.%s[%zu]", rule->name, *n);
        if (*n == max)
            return content_error_set(err, path, "more than %zu %s", max, rule->items);
        if (!cJSON_IsString(item) || !rule->ok(item->valuestring))
            return content_error_set(err, path, "%s", rule->expected);
        snprintf(list + *n * width, width, "%s", item->valuestring);
        (*n)++;
    }
    return KIOSK_OK;
}

static bool kiosk_id_ok(const char *s)
{
    return s[0] && strlen(s) <= 63;
}

static int parse_kiosks(const cJSON *v, token_t *t, content_error_t *err)
{
    static const string_list_t rule = {"kiosks", "kiosks", "expected a kiosk id of 1 to 63 bytes",
                                       kiosk_id_ok};
    if (cJSON_IsString(v) && strcmp(v->valuestring, "*") == 0) {
        t->all_kiosks = true;
        return KIOSK_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1)
        return content_error_set(err, "$.kiosks",
                                 "expected \"*\" or a non-empty array of kiosk ids");
    return parse_string_list(v, &rule, (char *)t->kiosks, sizeof t->kiosks[0], TOKEN_MAX_KIOSKS,
                             &t->nkiosks, err);
}

static int parse_actions(const cJSON *v, token_t *t, content_error_t *err)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1)
        return content_error_set(err, "$.actions", "expected a non-empty array of actions");
    const cJSON *a;
    size_t i = 0;
    cJSON_ArrayForEach(a, v)
    {
        char path[64];
        snprintf(path, sizeof path, "$.actions[%zu]", i++);
        size_t k;
        for (k = 0; k < sizeof actions / sizeof actions[0]; k++)
            if (cJSON_IsString(a) && strcmp(a->valuestring, actions[k].name) == 0)
                break;
        if (k == sizeof actions / sizeof actions[0])
            return content_error_set(err, path,
                                     "unknown action (export, erase-contact, content-update, "
                                     "staff-screens, technician)");
        t->actions |= (unsigned)actions[k].bit;
    }
    return KIOSK_OK;
}

static bool ref_code_ok(const char *s)
{
    return strlen(s) == RECORD_REF_LEN && strspn(s, REFCODE_ALPHABET) == RECORD_REF_LEN;
}

#define STR_(x) #x
#define STR(x) STR_(x)

static int parse_erase(const cJSON *v, token_t *t, content_error_t *err)
{
    static const string_list_t rule = {
        "eraseContacts", "reference codes",
        "expected a " STR(RECORD_REF_LEN) "-character reference code", ref_code_ok};
    if (!cJSON_IsArray(v))
        return content_error_set(err, "$.eraseContacts", "expected an array of reference codes");
    return parse_string_list(v, &rule, (char *)t->erase, sizeof t->erase[0], TOKEN_MAX_ERASE,
                             &t->nerase, err);
}

int token_parse(const char *json, size_t len, const char *filename, token_t *t,
                content_error_t *err)
{
    memset(t, 0, sizeof *t);
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", filename ? filename : "(token)");
    cJSON *root = cJSON_ParseWithLength(json, len);
    int rc = KIOSK_OK;
    bool have_serial = false, have_kiosks = false, have_actions = false, have_from = false,
         have_until = false;
    if (!cJSON_IsObject(root)) {
        rc = content_error_set(err, "$", "expected a JSON object");
        goto out;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, root)
    {
        char path[64];
        snprintf(path, sizeof path, "$.%s", v->string);
        const char *k = v->string;
        if (strcmp(k, "serial") == 0) {
            if (!cJSON_IsNumber(v) || !json_int_in(v->valuedouble, 1, 9000000000000000, &t->serial))
                rc = content_error_set(err, path, "expected a positive integer");
            have_serial = true;
        } else if (strcmp(k, "kiosks") == 0) {
            rc = parse_kiosks(v, t, err);
            have_kiosks = true;
        } else if (strcmp(k, "actions") == 0) {
            rc = parse_actions(v, t, err);
            have_actions = true;
        } else if (strcmp(k, "validFrom") == 0) {
            rc = parse_time(v, path, &t->valid_from_ms, err);
            have_from = true;
        } else if (strcmp(k, "validUntil") == 0) {
            rc = parse_time(v, path, &t->valid_until_ms, err);
            have_until = true;
        } else if (strcmp(k, "exportAll") == 0) {
            if (!cJSON_IsBool(v))
                rc = content_error_set(err, path, "expected true or false");
            t->export_all = cJSON_IsTrue(v);
        } else if (strcmp(k, "eraseContacts") == 0) {
            rc = parse_erase(v, t, err);
        } else if (strcmp(k, "issuedBy") == 0) {
            if (!cJSON_IsString(v) || strlen(v->valuestring) > 63)
                rc = content_error_set(err, path, "expected a name of at most 63 bytes");
            else
                snprintf(t->issued_by, sizeof t->issued_by, "%s", v->valuestring);
        } else {
            rc = content_error_set(err, path, "unknown key '%s'", k);
        }
        if (rc)
            goto out;
    }
    if (!have_serial || !have_kiosks || !have_actions || !have_from || !have_until) {
        rc = content_error_set(err, "$",
                               "a token needs serial, kiosks, actions, validFrom and validUntil");
        goto out;
    }
    if (t->valid_until_ms <= t->valid_from_ms)
        rc = content_error_set(err, "$.validUntil", "ends before it begins");
    else if (t->nerase > 0 && !(t->actions & TOKEN_ERASE_CONTACT))
        rc = content_error_set(err, "$.eraseContacts", "needs the erase-contact action");
out:
    cJSON_Delete(root);
    return rc;
}

const char *token_denies(const token_t *t, const char *kiosk_id, token_action_t action,
                         int64_t now_ms)
{
    bool mine = t->all_kiosks;
    for (size_t i = 0; i < t->nkiosks && !mine; i++)
        mine = strcmp(t->kiosks[i], kiosk_id) == 0;
    if (!mine)
        return "for another kiosk";
    if (now_ms < t->valid_from_ms)
        return "not valid yet";
    if (now_ms >= t->valid_until_ms)
        return "expired";
    if (!(t->actions & (unsigned)action))
        return "does not allow this action";
    return NULL;
}

int token_format(const token_t *t, char **out)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return KIOSK_ENOMEM;
    cJSON_AddNumberToObject(o, "serial", (double)t->serial);
    if (t->all_kiosks) {
        cJSON_AddStringToObject(o, "kiosks", "*");
    } else {
        cJSON *k = cJSON_AddArrayToObject(o, "kiosks");
        for (size_t i = 0; k && i < t->nkiosks; i++)
            cJSON_AddItemToArray(k, cJSON_CreateString(t->kiosks[i]));
    }
    cJSON *a = cJSON_AddArrayToObject(o, "actions");
    for (size_t i = 0; a && i < sizeof actions / sizeof actions[0]; i++)
        if (t->actions & (unsigned)actions[i].bit)
            cJSON_AddItemToArray(a, cJSON_CreateString(actions[i].name));
    char from[ISO8601_LEN], until[ISO8601_LEN];
    iso8601_format(t->valid_from_ms, 0, from);
    iso8601_format(t->valid_until_ms, 0, until);
    cJSON_AddStringToObject(o, "validFrom", from);
    cJSON_AddStringToObject(o, "validUntil", until);
    if (t->export_all)
        cJSON_AddBoolToObject(o, "exportAll", true);
    if (t->nerase) {
        cJSON *e = cJSON_AddArrayToObject(o, "eraseContacts");
        for (size_t i = 0; e && i < t->nerase; i++)
            cJSON_AddItemToArray(e, cJSON_CreateString(t->erase[i]));
    }
    if (t->issued_by[0])
        cJSON_AddStringToObject(o, "issuedBy", t->issued_by);
    *out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *out ? KIOSK_OK : KIOSK_ENOMEM;
}
