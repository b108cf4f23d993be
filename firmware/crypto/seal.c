/* Sealing personal data at rest (see seal.h): libsodium's sealed boxes and base64, nothing of
 * our own; the JSON walk over the answers' top-level values. */
#include "crypto/seal.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"
#include "core/record_json.h"
#include "core/utf8.h"

#define B64 sodium_base64_VARIANT_ORIGINAL
#define PREFIX_LEN (sizeof RECORD_SEALED_PREFIX - 1)

int seal_text(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const char *plain, char **out)
{
    const size_t n = strlen(plain), boxed = n + crypto_box_SEALBYTES;
    const size_t b64 = sodium_base64_encoded_len(boxed, B64);
    unsigned char *box = malloc(boxed);
    *out = box ? malloc(PREFIX_LEN + b64) : NULL;
    if (!*out) {
        free(box);
        return KIOSK_ENOMEM;
    }
    crypto_box_seal(box, (const unsigned char *)plain, n, pk);
    memcpy(*out, RECORD_SEALED_PREFIX, PREFIX_LEN);
    sodium_bin2base64(*out + PREFIX_LEN, b64, box, boxed, B64);
    free(box);
    return KIOSK_OK;
}

int seal_open_text(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const uint8_t sk[CRYPTO_BOX_SK_BYTES],
                   const char *sealed, char **out)
{
    *out = NULL;
    if (!record_value_sealed(sealed))
        return KIOSK_EINVAL;
    const char *b64 = sealed + PREFIX_LEN;
    const size_t cap = strlen(b64) / 4 * 3 + 3;
    unsigned char *box = malloc(cap);
    if (!box)
        return KIOSK_ENOMEM;
    size_t boxed = 0;
    int rc = KIOSK_EINVAL;
    if (sodium_base642bin(box, cap, b64, strlen(b64), NULL, &boxed, NULL, B64) != 0 ||
        boxed < crypto_box_SEALBYTES)
        goto free_box;
    const size_t n = boxed - crypto_box_SEALBYTES;
    char *plain = malloc(n + 1);
    rc = KIOSK_ENOMEM;
    if (!plain)
        goto free_box;
    rc = KIOSK_ECORRUPT;
    if (crypto_box_seal_open((unsigned char *)plain, box, boxed, pk, sk) != 0 ||
        memchr(plain, '\0', n) || !utf8_valid_text(plain, n)) {
        free(plain);
        goto free_box;
    }
    plain[n] = '\0';
    *out = plain;
    rc = KIOSK_OK;
free_box:
    free(box);
    return rc;
}

/* Puts item in v's place in obj, under v's key (cJSON_ReplaceItemViaPointer keeps no key);
 * frees v. false (item freed, v kept) on running out of memory. */
static bool replace_value(cJSON *obj, cJSON *v, cJSON *item)
{
    char *key = item ? strdup(v->string) : NULL;
    if (!key) {
        cJSON_Delete(item);
        return false;
    }
    item->string = key;
    return cJSON_ReplaceItemViaPointer(obj, v, item);
}

/* Replaces the string v of obj with the sealed form of its text; false on running out of
 * memory. */
static bool seal_item(const uint8_t pk[CRYPTO_BOX_PK_BYTES], cJSON *obj, cJSON *v)
{
    char *sealed = NULL;
    if (seal_text(pk, v->valuestring, &sealed) != KIOSK_OK)
        return false;
    cJSON *item = cJSON_CreateString(sealed);
    free(sealed);
    return replace_value(obj, v, item);
}

int seal_answers(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const char *answers, seal_keep_fn keep,
                 void *user_data, char **out)
{
    *out = NULL;
    cJSON *obj = cJSON_Parse(answers);
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        return KIOSK_EINVAL;
    }
    int rc = KIOSK_OK;
    for (cJSON *v = obj->child, *next; v && rc == KIOSK_OK; v = next) {
        next = v->next; /* v is replaced (freed) when sealed */
        if (!cJSON_IsString(v) || record_value_sealed(v->valuestring) ||
            (keep && keep(v->string, user_data)))
            continue;
        if (!seal_item(pk, obj, v))
            rc = KIOSK_ENOMEM;
    }
    if (rc == KIOSK_OK && !(*out = cJSON_PrintUnformatted(obj)))
        rc = KIOSK_ENOMEM;
    cJSON_Delete(obj);
    return rc;
}

bool seal_answers_needed(const char *answers, seal_keep_fn keep, void *user_data)
{
    cJSON *obj = answers ? cJSON_Parse(answers) : NULL;
    bool needed = false;
    for (cJSON *v = cJSON_IsObject(obj) ? obj->child : NULL; v && !needed; v = v->next)
        needed = cJSON_IsString(v) && !record_value_sealed(v->valuestring) &&
                 !(keep && keep(v->string, user_data));
    cJSON_Delete(obj);
    return needed;
}

/* Opens every sealed top-level string of the answers into *out (new JSON); err names the
 * answer that does not open. */
static int open_answers(const uint8_t *pk, const uint8_t *sk, const char *answers, char **out,
                        char *err, size_t errlen)
{
    *out = NULL;
    cJSON *obj = cJSON_Parse(answers ? answers : "{}");
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        snprintf(err, errlen, "$.answers: not a JSON object");
        return KIOSK_EINVAL;
    }
    int rc = KIOSK_OK;
    for (cJSON *v = obj->child, *next; v && rc == KIOSK_OK; v = next) {
        next = v->next;
        char *plain = NULL;
        if (!cJSON_IsString(v) || !record_value_sealed(v->valuestring))
            continue;
        rc = seal_open_text(pk, sk, v->valuestring, &plain);
        cJSON *item = rc == KIOSK_OK ? cJSON_CreateString(plain) : NULL;
        free(plain);
        if (rc != KIOSK_OK)
            snprintf(err, errlen, "$.answers.%.60s: %s", v->string, kiosk_strerror(rc));
        else if (!replace_value(obj, v, item))
            rc = KIOSK_ENOMEM;
    }
    if (rc == KIOSK_OK && !(*out = cJSON_PrintUnformatted(obj)))
        rc = KIOSK_ENOMEM;
    cJSON_Delete(obj);
    return rc;
}

/* Opens *field when it is sealed, into *opened (NULL when it is not sealed). */
static int open_field(const uint8_t *pk, const uint8_t *sk, const char *field, const char *path,
                      char **opened, char *err, size_t errlen)
{
    *opened = NULL;
    if (!record_value_sealed(field))
        return KIOSK_OK;
    int rc = seal_open_text(pk, sk, field, opened);
    if (rc != KIOSK_OK)
        snprintf(err, errlen, "%s: %s", path, kiosk_strerror(rc));
    return rc;
}

/* Frees an owned string after wiping it: it may be an opened phone number. */
static void wipe_free(char *s)
{
    if (s)
        sodium_memzero(s, strlen(s));
    free(s);
}

/* Puts with in *field, wiping the old value; NULL (not sealed) leaves *field as it is. */
static void replace(char **field, char *with)
{
    if (!with)
        return;
    wipe_free(*field);
    *field = with;
}

int seal_open_record(const uint8_t pk[CRYPTO_BOX_PK_BYTES], const uint8_t sk[CRYPTO_BOX_SK_BYTES],
                     record_t *rec, char *err, size_t errlen)
{
    char *name = NULL, *phone = NULL, *answers = NULL;
    int rc = open_field(pk, sk, rec->contact_name, "$.contact.name", &name, err, errlen);
    if (rc == KIOSK_OK)
        rc = open_field(pk, sk, rec->contact_phone, "$.contact.phone", &phone, err, errlen);
    if (rc == KIOSK_OK)
        rc = open_answers(pk, sk, rec->answers_json, &answers, err, errlen);
    if (rc != KIOSK_OK) {
        wipe_free(name);
        wipe_free(phone);
        wipe_free(answers);
        return rc;
    }
    replace(&rec->contact_name, name);
    replace(&rec->contact_phone, phone);
    replace(&rec->answers_json, answers);
    return KIOSK_OK;
}
