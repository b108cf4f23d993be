/* The residents' flow, its record: the finished session as a record for the store (answers of
 * visible questions as codes, contact details only with consent), and wiping what a resident
 * left behind. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow_internal.h"
#include "core/kerr.h"

void flow_wipe_answers(flow_t *f)
{
    for (size_t i = 0; i < CONTENT_MAX_QUESTIONS; i++) {
        if (f->answers[i].text) {
            /* Overwrite before freeing: what one resident typed must not linger. */
            memset(f->answers[i].text, 0, strlen(f->answers[i].text));
            free(f->answers[i].text);
        }
        memset(&f->answers[i], 0, sizeof f->answers[i]);
        f->answers[i].choice = -1;
    }
}

void flow_clear_record(flow_t *f)
{
    if (f->rec.contact_phone)
        memset(f->rec.contact_phone, 0, strlen(f->rec.contact_phone));
    if (f->rec.contact_name)
        memset(f->rec.contact_name, 0, strlen(f->rec.contact_name));
    record_clear(&f->rec);
}

static cJSON *answer_json(const question_t *q, const answer_t *a)
{
    switch (q->type) {
    case Q_RATING:
        return cJSON_CreateNumber((double)q->choices[a->choice].number);
    case Q_RADIOGROUP:
        return cJSON_CreateString(q->choices[a->choice].value);
    case Q_BOOLEAN:
        return cJSON_CreateBool(a->yes);
    case Q_CHECKBOX: {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; arr && i < q->nchoices; i++)
            if (a->multi & (UINT64_C(1) << i))
                cJSON_AddItemToArray(arr, cJSON_CreateString(q->choices[i].value));
        return arr;
    }
    case Q_TEXT:
        if (q->input == INPUT_NUMBER)
            return cJSON_CreateNumber(strtod(a->text, NULL));
        return cJSON_CreateString(a->text);
    case Q_COMMENT:
        return cJSON_CreateString(a->text);
    }
    return NULL;
}

void flow_record_header(flow_t *f, record_kind_t kind, const char *journey_id)
{
    flow_clear_record(f);
    f->rec.kind = kind;
    snprintf(f->rec.journey_id, sizeof f->rec.journey_id, "%s", journey_id);
    snprintf(f->rec.kiosk_id, sizeof f->rec.kiosk_id, "%s", f->kiosk_id);
    snprintf(f->rec.pack_id, sizeof f->rec.pack_id, "%s", content_id(f->c));
    snprintf(f->rec.pack_version, sizeof f->rec.pack_version, "%s", content_version(f->c));
    snprintf(f->rec.lang, sizeof f->rec.lang, "%s", f->lang);
}

/* Builds the record of the journey: answers of visible, answered questions as codes; contact
 * details apart, and only when their consent question was answered yes. */
int flow_build_record(flow_t *f)
{
    flow_record_header(f, f->journey->kind, f->journey->id);
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return KIOSK_ENOMEM;
    bool consent = false;
    for (size_t i = 0; i < f->nq; i++) {
        const question_t *q = &f->qs[i];
        const answer_t *a = &f->answers[i];
        if (!flow_visible(f, i) || !flow_answered(q, a))
            continue;
        if (q->is_consent && a->yes)
            consent = true;
        if (q->contact != CONTACT_NONE) {
            char **dst = q->contact == CONTACT_NAME ? &f->rec.contact_name : &f->rec.contact_phone;
            free(*dst);
            *dst = strdup(a->text);
            continue;
        }
        cJSON *v = answer_json(q, a);
        if (!v || !cJSON_AddItemToObject(obj, q->name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            return KIOSK_ENOMEM;
        }
    }
    f->rec.consent = consent && (f->rec.contact_name || f->rec.contact_phone);
    if (!f->rec.consent) {
        /* Unreachable with a validated pack; never let a detail through without consent. */
        flow_clear_record(f);
        flow_record_header(f, f->journey->kind, f->journey->id);
    }
    f->rec.answers_json = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    return f->rec.answers_json ? KIOSK_OK : KIOSK_ENOMEM;
}
