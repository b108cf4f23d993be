/* kiosk-staff open311: the service requests as Open311 GeoReport v2 JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "office.h"
#include "staff-office.h"

#define OPEN311_DESCRIPTION_MAX 4000 /* code points (GeoReport v2) */

static const char open311_help[] =
    "Usage: kiosk-staff open311 --archive FILE [--out FILE]\n"
    "Writes the service requests as an Open311 GeoReport v2 JSON array of requests, one per\n"
    "line: service_request_id (the record's uuid), token (the reference code), status \"open\",\n"
    "service_code, description (at most 4,000 characters), requested_datetime (ISO 8601 with\n"
    "the kiosk's offset), device_id, attributes (the other answers as {code, value}),\n"
    "extended_attributes (channel \"kiosk\", kiosk_id, clock_synced, locale, journey_id), and\n"
    "first_name, last_name, phone only when the resident gave them with consent.\n"
    "  --out FILE   where to write (made mode 0600: it may hold phone numbers); default stdout\n"
    "Exit status: 0 done, 1 failed, 2 bad usage.\n";

typedef struct {
    out_t *out;
    int64_t count;
    bool oom;
} open311_state_t;

static void json_str(cJSON *obj, const char *key, const char *text, bool *oom)
{
    char *clean = clean_dup(text, 0, LINES_KEEP, NULL);
    if (!clean || !cJSON_AddStringToObject(obj, key, clean))
        *oom = true;
    free(clean);
}

/* An attribute value as Open311 carries it: text, or a list of texts. */
static cJSON *attribute_value(const cJSON *v)
{
    if (cJSON_IsArray(v)) {
        cJSON *arr = cJSON_CreateArray();
        const cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            cJSON *one = attribute_value(item);
            if (!one || !cJSON_AddItemToArray(arr, one)) {
                cJSON_Delete(one);
                cJSON_Delete(arr);
                return NULL;
            }
        }
        return arr;
    }
    buf_t b = {0};
    add_value(&b, v);
    char *clean = b.oom ? NULL : clean_dup(buf_str(&b), 0, LINES_KEEP, NULL);
    buf_free(&b);
    cJSON *s = clean ? cJSON_CreateString(clean) : NULL;
    free(clean);
    return s;
}

/* The contact's name split at its first space: first_name before it, last_name after; a
 * name without a space (e.g. most Chinese names) goes whole into first_name. */
static void add_name(cJSON *req, const char *name, bool *oom)
{
    char *clean = clean_dup(name, 0, LINES_SPACE, NULL);
    if (!clean) {
        *oom = true;
        return;
    }
    char *first = clean;
    while (*first == ' ')
        first++;
    char *sp = strchr(first, ' ');
    char *last = NULL;
    if (sp) {
        *sp = '\0';
        last = sp + 1;
        while (*last == ' ')
            last++;
        size_t n = strlen(last);
        while (n && last[n - 1] == ' ')
            last[--n] = '\0';
    }
    if (*first && !cJSON_AddStringToObject(req, "first_name", first))
        *oom = true;
    if (last && *last && !cJSON_AddStringToObject(req, "last_name", last))
        *oom = true;
    free(clean);
}

static cJSON *open311_request(const record_t *rec, bool *oom)
{
    cJSON *answers = cJSON_Parse(rec->answers_json);
    cJSON *req = cJSON_CreateObject();
    char when[ISO8601_LEN];
    iso8601_format(rec->time.utc_ms, rec->time.offset_min, when);
    if (!req || !answers) {
        *oom = true;
        goto out;
    }
    json_str(req, "service_request_id", rec->uuid, oom);
    json_str(req, "token", rec->ref_code, oom);
    json_str(req, "status", "open", oom);
    const cJSON *service = cJSON_GetObjectItemCaseSensitive(answers, "service");
    if (cJSON_IsString(service))
        json_str(req, "service_code", service->valuestring, oom);
    else if (!cJSON_AddNullToObject(req, "service_code"))
        *oom = true;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(answers, "description");
    bool cut = false;
    if (cJSON_IsString(desc) && desc->valuestring[0]) {
        char *text = clean_dup(desc->valuestring, OPEN311_DESCRIPTION_MAX, LINES_KEEP, &cut);
        if (!text || !cJSON_AddStringToObject(req, "description", text))
            *oom = true;
        free(text);
    }
    json_str(req, "requested_datetime", when, oom);
    json_str(req, "updated_datetime", when, oom);
    json_str(req, "device_id", rec->kiosk_id, oom);

    cJSON *attrs = cJSON_AddArrayToObject(req, "attributes");
    const cJSON *item;
    cJSON_ArrayForEach(item, answers)
    {
        if (!attrs || !item->string || strcmp(item->string, "service") == 0 ||
            strcmp(item->string, "description") == 0)
            continue;
        cJSON *attr = cJSON_CreateObject();
        cJSON *value = attribute_value(item);
        if (!attr || !value) {
            cJSON_Delete(attr);
            cJSON_Delete(value);
            *oom = true;
            continue;
        }
        json_str(attr, "code", item->string, oom);
        if (!cJSON_AddItemToObject(attr, "value", value)) {
            cJSON_Delete(value);
            cJSON_Delete(attr);
            *oom = true;
        } else if (!cJSON_AddItemToArray(attrs, attr)) {
            cJSON_Delete(attr);
            *oom = true;
        }
    }
    cJSON *ext = cJSON_AddObjectToObject(req, "extended_attributes");
    if (!attrs || !ext) {
        *oom = true;
        goto out;
    }
    json_str(ext, "channel", "kiosk", oom);
    json_str(ext, "kiosk_id", rec->kiosk_id, oom);
    if (!cJSON_AddBoolToObject(ext, "clock_synced", rec->time.clock_synced))
        *oom = true;
    json_str(ext, "locale", rec->lang, oom);
    json_str(ext, "journey_id", rec->journey_id, oom);
    if (cut && !cJSON_AddTrueToObject(ext, "description_truncated"))
        *oom = true;
    if (rec->contact_name && rec->contact_name[0])
        add_name(req, rec->contact_name, oom);
    if (rec->contact_phone && rec->contact_phone[0])
        json_str(req, "phone", rec->contact_phone, oom);
out:
    cJSON_Delete(answers);
    return req;
}

static int open311_one(const record_t *rec, const archive_row_t *row, void *ud)
{
    (void)row;
    open311_state_t *st = ud;
    if (rec->kind != RECORD_SERVICE_REQUEST)
        return 0;
    cJSON *req = open311_request(rec, &st->oom);
    char *json = req && !st->oom ? cJSON_PrintUnformatted(req) : NULL;
    cJSON_Delete(req);
    if (!json) {
        st->oom = true;
        return 1;
    }
    out_put(st->out, st->count ? ",\n" : "\n", st->count ? 2 : 1);
    out_put(st->out, json, strlen(json));
    free(json);
    st->count++;
    return 0;
}

int office_open311(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    office_args_t args;
    const int status = office_args(argc, argv, opts, open311_help, NULL, &args);
    if (status >= 0)
        return status;
    const char *path = args.archive, *out_path = args.out;
    if (!path || args.next != argc) {
        fputs(open311_help, stderr);
        return 2;
    }
    archive_t *a;
    if (open_existing("open311", path, &a))
        return 1;
    out_t out;
    if (out_open("open311", out_path, 0600, &out)) {
        archive_close(a);
        return 1;
    }
    open311_state_t st = {.out = &out};
    out_put(&out, "[", 1);
    const int rc = archive_foreach(a, open311_one, &st);
    out_put(&out, "\n]\n", 3);
    if (st.oom)
        fprintf(stderr, "kiosk-staff open311: out of memory\n");
    else if (rc != 0)
        read_failed("open311", a, rc);
    int ret = out_close("open311", &out, rc == 0 && !st.oom);
    if (ret == 0 && out_path)
        printf("Wrote %lld service requests to %s.\n", (long long)st.count, out_path);
    archive_close(a);
    return ret;
}
