/* Records to and from JSON lines, strictly: every field checked on the way in. */
#include "core/record_json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_num.h"
#include "core/kerr.h"
#include "core/utf8.h"

int record_to_json(const record_t *rec, char **out)
{
    *out = NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *answers = cJSON_Parse(rec->answers_json ? rec->answers_json : "{}");
    if (!o || !cJSON_IsObject(answers)) {
        cJSON_Delete(o);
        cJSON_Delete(answers);
        return KIOSK_EINVAL;
    }
    cJSON_AddStringToObject(o, "uuid", rec->uuid);
    cJSON_AddStringToObject(o, "kind", record_kind_name(rec->kind));
    cJSON_AddStringToObject(o, "journey", rec->journey_id);
    cJSON_AddStringToObject(o, "kioskId", rec->kiosk_id);
    cJSON_AddStringToObject(o, "pack", rec->pack_id);
    cJSON_AddStringToObject(o, "packVersion", rec->pack_version);
    cJSON_AddStringToObject(o, "lang", rec->lang);
    cJSON_AddItemToObject(o, "answers", answers);
    if (rec->ref_code[0])
        cJSON_AddStringToObject(o, "ref", rec->ref_code);
    cJSON_AddNumberToObject(o, "utcMs", (double)rec->time.utc_ms);
    cJSON_AddNumberToObject(o, "offsetMin", rec->time.offset_min);
    cJSON_AddBoolToObject(o, "clockSynced", rec->time.clock_synced);
    cJSON_AddNumberToObject(o, "monoMs", (double)rec->time.mono_ms);
    cJSON_AddNumberToObject(o, "boot", (double)rec->time.boot);
    cJSON_AddBoolToObject(o, "misuse", rec->misuse);
    if (rec->consent && (rec->contact_name || rec->contact_phone)) {
        cJSON *c = cJSON_AddObjectToObject(o, "contact");
        if (rec->contact_name)
            cJSON_AddStringToObject(c, "name", rec->contact_name);
        if (rec->contact_phone)
            cJSON_AddStringToObject(c, "phone", rec->contact_phone);
    }
    *out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *out ? KIOSK_OK : KIOSK_ENOMEM;
}

static bool copy_str(const cJSON *v, char *dst, size_t cap)
{
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap ||
        !utf8_valid_text(v->valuestring, strlen(v->valuestring)))
        return false;
    snprintf(dst, cap, "%s", v->valuestring);
    return true;
}

static bool get_i64(const cJSON *v, int64_t *out)
{
    if (!cJSON_IsNumber(v) ||
        !json_int_in(v->valuedouble, -9000000000000000, 9000000000000000, out))
        return false;
    return true;
}

int record_from_json(const char *line, size_t len, record_t *rec, content_error_t *err)
{
    memset(rec, 0, sizeof *rec);
    cJSON *o = cJSON_ParseWithLength(line, len);
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(o)) {
        rc = content_error_set(err, "$", "expected a JSON object");
        goto out;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, o)
    {
        char path[64];
        snprintf(path, sizeof path, "$.%s", v->string);
        const char *k = v->string;
        bool ok = true;
        int64_t n = 0;
        if (strcmp(k, "uuid") == 0)
            ok = copy_str(v, rec->uuid, sizeof rec->uuid) && strlen(rec->uuid) == RECORD_UUID_LEN;
        else if (strcmp(k, "kind") == 0) {
            int kind = cJSON_IsString(v) ? record_kind_from_name(v->valuestring) : -1;
            ok = kind >= 0;
            rec->kind = (record_kind_t)(kind >= 0 ? kind : 0);
        } else if (strcmp(k, "journey") == 0)
            ok = copy_str(v, rec->journey_id, sizeof rec->journey_id);
        else if (strcmp(k, "kioskId") == 0)
            ok = copy_str(v, rec->kiosk_id, sizeof rec->kiosk_id);
        else if (strcmp(k, "pack") == 0)
            ok = copy_str(v, rec->pack_id, sizeof rec->pack_id);
        else if (strcmp(k, "packVersion") == 0)
            ok = copy_str(v, rec->pack_version, sizeof rec->pack_version);
        else if (strcmp(k, "lang") == 0)
            ok = copy_str(v, rec->lang, sizeof rec->lang);
        else if (strcmp(k, "answers") == 0) {
            ok = cJSON_IsObject(v) && (rec->answers_json = cJSON_PrintUnformatted(v)) != NULL;
        } else if (strcmp(k, "ref") == 0)
            ok = copy_str(v, rec->ref_code, sizeof rec->ref_code) &&
                 strspn(rec->ref_code, REFCODE_ALPHABET) == RECORD_REF_LEN;
        else if (strcmp(k, "utcMs") == 0)
            ok = get_i64(v, &rec->time.utc_ms);
        else if (strcmp(k, "offsetMin") == 0) {
            ok = get_i64(v, &n) && n >= -24 * 60 && n <= 24 * 60;
            rec->time.offset_min = (int32_t)n;
        } else if (strcmp(k, "clockSynced") == 0) {
            ok = cJSON_IsBool(v);
            rec->time.clock_synced = cJSON_IsTrue(v);
        } else if (strcmp(k, "monoMs") == 0)
            ok = get_i64(v, &rec->time.mono_ms);
        else if (strcmp(k, "boot") == 0)
            ok = get_i64(v, &rec->time.boot);
        else if (strcmp(k, "misuse") == 0) {
            ok = cJSON_IsBool(v);
            rec->misuse = cJSON_IsTrue(v);
        } else if (strcmp(k, "contact") == 0) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
            const cJSON *phone = cJSON_GetObjectItemCaseSensitive(v, "phone");
            ok = cJSON_IsObject(v) && (!name || cJSON_IsString(name)) &&
                 (!phone || cJSON_IsString(phone)) && (name || phone);
            if (ok) {
                rec->consent = true;
                rec->contact_name = name ? strdup(name->valuestring) : NULL;
                rec->contact_phone = phone ? strdup(phone->valuestring) : NULL;
            }
        } else {
            rc = content_error_set(err, path, "unknown key '%s'", k);
            goto out;
        }
        if (!ok) {
            rc = content_error_set(err, path, "bad value");
            goto out;
        }
    }
    if (!rec->uuid[0] || !rec->answers_json || !rec->kiosk_id[0] || !rec->journey_id[0])
        rc = content_error_set(err, "$", "a record needs uuid, kind, journey, kioskId and answers");
out:
    cJSON_Delete(o);
    if (rc)
        record_clear(rec);
    return rc;
}
