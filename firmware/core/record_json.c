/* Records to and from JSON lines: one writer driven by a table of keys per form, and a strict
 * reader of the bundle form that checks every field on the way in. */
#include "core/record_json.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_num.h"
#include "core/kerr.h"
#include "core/utf8.h"

/* How one key's value is made from the record, and read back into it. */
typedef enum {
    F_TEXT,           /* a char array of the record: valid text that fits */
    F_UUID,           /* the uuid: text of exactly RECORD_UUID_LEN */
    F_REF,            /* the reference code: written only when set; of the code alphabet */
    F_KIND,           /* the kind's name */
    F_ANSWERS,        /* a JSON object ("{}" when none); anything else refused */
    F_ANSWERS_ANY,    /* whatever the answers parse as; left out when they do not */
    F_INT64,          /* an int64_t of the record */
    F_OFFSET,         /* the offset in minutes, within a day either way */
    F_BOOL,           /* a bool of the record */
    F_BOOL_IF_TRUE,   /* a bool of the record, written only when true */
    F_TIME,           /* ISO 8601 with the offset */
    F_CONTACT,        /* with consent and a name or phone: {name, phone} in clear */
    F_CONTACT_MASKED, /* with consent: {name: given or not, phone: masked} */
} field_type_t;

typedef struct {
    const char *key;
    field_type_t type;
    size_t off, cap; /* where the value is in record_t, and a char array's size */
} field_t;

#define AT(member) offsetof(record_t, member), sizeof(((record_t *)0)->member)
#define NOWHERE 0, 0

static const field_t bundle_fields[] = {
    {"uuid", F_UUID, AT(uuid)},
    {"kind", F_KIND, NOWHERE},
    {"journey", F_TEXT, AT(journey_id)},
    {"kioskId", F_TEXT, AT(kiosk_id)},
    {"pack", F_TEXT, AT(pack_id)},
    {"packVersion", F_TEXT, AT(pack_version)},
    {"lang", F_TEXT, AT(lang)},
    {"answers", F_ANSWERS, NOWHERE},
    {"ref", F_REF, AT(ref_code)},
    {"utcMs", F_INT64, AT(time.utc_ms)},
    {"offsetMin", F_OFFSET, NOWHERE},
    {"clockSynced", F_BOOL, AT(time.clock_synced)},
    {"monoMs", F_INT64, AT(time.mono_ms)},
    {"boot", F_INT64, AT(time.boot)},
    {"misuse", F_BOOL, AT(misuse)},
    {"contact", F_CONTACT, NOWHERE},
};

static const field_t listing_fields[] = {
    {"uuid", F_UUID, AT(uuid)},
    {"kind", F_KIND, NOWHERE},
    {"journey", F_TEXT, AT(journey_id)},
    {"lang", F_TEXT, AT(lang)},
    {"pack", F_TEXT, AT(pack_id)},
    {"pack_version", F_TEXT, AT(pack_version)},
    {"time", F_TIME, NOWHERE},
    {"clock_synced", F_BOOL, AT(time.clock_synced)},
    {"boot", F_INT64, AT(time.boot)},
    {"misuse", F_BOOL_IF_TRUE, AT(misuse)},
    {"mono_ms", F_INT64, AT(time.mono_ms)},
    {"answers", F_ANSWERS_ANY, NOWHERE},
    {"ref", F_REF, AT(ref_code)},
    {"contact", F_CONTACT_MASKED, NOWHERE},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const void *field_in(const record_t *rec, const field_t *f)
{
    return (const char *)rec + f->off;
}

bool record_value_sealed(const char *text)
{
    return text && strncmp(text, RECORD_SEALED_PREFIX, strlen(RECORD_SEALED_PREFIX)) == 0;
}

/* Contact details are personal data: show that they exist, not what they are. Every character
 * of the phone number but the last two becomes '*' (at most 63 characters are shown); a sealed
 * one is shown as sealed. */
static void add_masked_contact(cJSON *o, const char *key, const record_t *rec)
{
    char masked[64] = "";
    if (record_value_sealed(rec->contact_phone)) {
        snprintf(masked, sizeof masked, "%s", RECORD_SEALED_SHOWN);
    } else if (rec->contact_phone) {
        size_t n = strlen(rec->contact_phone);
        for (size_t i = 0; i < n && i < sizeof masked - 1; i++)
            masked[i] = i + 2 < n ? '*' : rec->contact_phone[i];
    }
    cJSON *c = cJSON_AddObjectToObject(o, key);
    cJSON_AddBoolToObject(c, "name", rec->contact_name != NULL);
    cJSON_AddStringToObject(c, "phone", masked);
}

static void add_contact(cJSON *o, const char *key, const record_t *rec)
{
    if (!rec->contact_name && !rec->contact_phone)
        return;
    cJSON *c = cJSON_AddObjectToObject(o, key);
    if (rec->contact_name)
        cJSON_AddStringToObject(c, "name", rec->contact_name);
    if (rec->contact_phone)
        cJSON_AddStringToObject(c, "phone", rec->contact_phone);
}

/* The listing's answers: whatever they parse as, each sealed value shown as sealed. */
static void add_listed_answers(cJSON *o, const char *key, const record_t *rec)
{
    cJSON *answers = cJSON_Parse(rec->answers_json);
    cJSON *next = cJSON_IsObject(answers) ? answers->child : NULL;
    while (next) {
        cJSON *v = next;
        next = v->next;
        if (cJSON_IsString(v) && record_value_sealed(v->valuestring))
            cJSON_SetValuestring(v, RECORD_SEALED_SHOWN); /* shorter: never fails */
    }
    cJSON_AddItemToObject(o, key, answers);
}

/* Answers that must be an object: false when they are not. */
static bool add_answers(cJSON *o, const char *key, const record_t *rec)
{
    cJSON *answers = cJSON_Parse(rec->answers_json ? rec->answers_json : "{}");
    if (!cJSON_IsObject(answers)) {
        cJSON_Delete(answers);
        return false;
    }
    cJSON_AddItemToObject(o, key, answers);
    return true;
}

/* Adds one field of rec to o; false only for answers the bundle form refuses. */
static bool add_field(cJSON *o, const record_t *rec, const field_t *f)
{
    const void *at = field_in(rec, f);
    char when[ISO8601_LEN];
    switch (f->type) {
    case F_TEXT:
    case F_UUID:
        cJSON_AddStringToObject(o, f->key, at);
        break;
    case F_REF:
        if (rec->ref_code[0])
            cJSON_AddStringToObject(o, f->key, rec->ref_code);
        break;
    case F_KIND:
        cJSON_AddStringToObject(o, f->key, record_kind_name(rec->kind));
        break;
    case F_ANSWERS:
        return add_answers(o, f->key, rec);
    case F_ANSWERS_ANY:
        add_listed_answers(o, f->key, rec);
        break;
    case F_INT64:
        cJSON_AddNumberToObject(o, f->key, (double)*(const int64_t *)at);
        break;
    case F_OFFSET:
        cJSON_AddNumberToObject(o, f->key, rec->time.offset_min);
        break;
    case F_BOOL:
    case F_BOOL_IF_TRUE:
        if (f->type == F_BOOL || *(const bool *)at)
            cJSON_AddBoolToObject(o, f->key, *(const bool *)at);
        break;
    case F_TIME:
        iso8601_format(rec->time.utc_ms, rec->time.offset_min, when);
        cJSON_AddStringToObject(o, f->key, when);
        break;
    case F_CONTACT:
        if (rec->consent)
            add_contact(o, f->key, rec);
        break;
    case F_CONTACT_MASKED:
        if (rec->consent)
            add_masked_contact(o, f->key, rec);
        break;
    }
    return true;
}

int record_json_write(const record_t *rec, record_json_form_t form, char **out)
{
    const field_t *fields = form == RECORD_JSON_LISTING ? listing_fields : bundle_fields;
    const size_t n = form == RECORD_JSON_LISTING ? COUNT(listing_fields) : COUNT(bundle_fields);
    *out = NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return KIOSK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!add_field(o, rec, &fields[i])) {
            cJSON_Delete(o);
            return KIOSK_EINVAL;
        }
    }
    *out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *out ? KIOSK_OK : KIOSK_ENOMEM;
}

int record_to_json(const record_t *rec, char **out)
{
    return record_json_write(rec, RECORD_JSON_BUNDLE, out);
}

/* ---- a bundle line written straight into a buffer ---- */

/* Makes room for more bytes; a move wipes the old copy (lines may hold phone numbers). */
static bool buf_reserve(record_buf_t *b, size_t more)
{
    if (b->cap - b->len >= more)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < more) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    char *p = malloc(cap);
    if (!p)
        return false;
    if (b->bytes) {
        memcpy(p, b->bytes, b->len);
        memset(b->bytes, 0, b->cap);
        free(b->bytes);
    }
    b->bytes = p;
    b->cap = cap;
    return true;
}

static bool put(record_buf_t *b, const char *text, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    memcpy(b->bytes + b->len, text, n);
    b->len += n;
    return true;
}

/* The letter of cJSON's two-character escape of c, or 0 when it writes \u00XX. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

/* A JSON string escaped as cJSON escapes it: '"', '\\' and bytes below 32 only. */
static bool put_string(record_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const size_t n = strlen(s);
    if (n > (SIZE_MAX - 2) / 6 || !buf_reserve(b, n * 6 + 2))
        return false;
    char *o = b->bytes + b->len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const unsigned char c = *p;
        if (c >= 32 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        const char letter = short_escape(c);
        if (letter) {
            *o++ = letter;
        } else {
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->bytes);
    return true;
}

/* What cJSON prints for one of its own trees (a number, the answers), appended. */
static bool put_cjson(record_buf_t *b, const cJSON *item)
{
    char *text = cJSON_PrintUnformatted(item);
    const bool ok = text && put(b, text, strlen(text));
    free(text);
    return ok;
}

/* A number as cJSON prints it from a double: below 1e15 that is the integer's digits. */
static bool put_int64(record_buf_t *b, int64_t v)
{
    if (v > -1000000000000000 && v < 1000000000000000) {
        char text[24];
        const int n = snprintf(text, sizeof text, "%lld", (long long)v);
        return put(b, text, (size_t)n);
    }
    cJSON *num = cJSON_CreateNumber((double)v);
    const bool ok = num && put_cjson(b, num);
    cJSON_Delete(num);
    return ok;
}

/* The byte at p, or '\0' at the end (the scanners below never read at or past end). */
static char at(const char *p, const char *end)
{
    return p < end ? *p : '\0';
}

/* The end of a string that cJSON reads and prints back unchanged (no raw control byte, only
 * the escapes it writes itself), or NULL. p is at the opening quote. */
static const char *scan_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        const unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 32)
            return NULL;
        if (c == '\\' && (!at(p + 1, end) || !strchr("\"\\bfnrt", p[1])))
            return NULL;
        if (c == '\\')
            p++;
    }
    return NULL;
}

/* The end of a number that cJSON prints back unchanged (an int of at most nine digits, no
 * leading zero, not "-0"), or NULL. */
static const char *scan_number(const char *p, const char *end)
{
    const char *digits = at(p, end) == '-' ? p + 1 : p;
    size_t n = 0;
    while (n < 10 && at(digits + n, end) >= '0' && at(digits + n, end) <= '9')
        n++;
    if (n == 0 || n > 9 || (digits[0] == '0' && (n > 1 || digits != p)))
        return NULL;
    const char next = at(digits + n, end);
    return next && strchr("0123456789+-.eE", next) ? NULL : digits + n;
}

/* The end of a value other than an object or array that cJSON prints back unchanged, or
 * NULL. */
static const char *scan_scalar(const char *p, const char *end)
{
    if (at(p, end) == '"')
        return scan_string(p, end);
    if (at(p, end) == '-' || (at(p, end) >= '0' && at(p, end) <= '9'))
        return scan_number(p, end);
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < COUNT(words); i++) {
        const size_t n = strlen(words[i]);
        if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
            return p + n;
    }
    return NULL;
}

/* The end of the object at p when it is exactly as cJSON_PrintUnformatted() prints what
 * cJSON_Parse() reads from it (no whitespace, at most 32 levels), else NULL: then it can be
 * copied as it is. Reads nothing at or past end. */
static const char *scan_printed_object(const char *p, const char *end)
{
    char open[32];
    int depth = 0;
    enum { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, AFTER } want = VALUE;
    if (at(p, end) != '{')
        return NULL;
    for (;;) {
        if (want == AFTER && depth == 0)
            return p;
        const char c = at(p, end);
        const bool close = (c == '}' && want == KEY_OR_CLOSE) ||
                           (c == ']' && want == VALUE_OR_CLOSE) ||
                           (want == AFTER && c == (open[depth - 1] == '{' ? '}' : ']'));
        if (close) {
            depth--;
            want = AFTER;
            p++;
        } else if (want == AFTER) {
            if (c != ',')
                return NULL;
            want = open[depth - 1] == '{' ? KEY : VALUE;
            p++;
        } else if (want == KEY || want == KEY_OR_CLOSE) {
            p = c == '"' ? scan_string(p, end) : NULL;
            if (!p || at(p, end) != ':')
                return NULL;
            want = VALUE;
            p++;
        } else if (c == '{' || c == '[') {
            if (depth == (int)sizeof open)
                return NULL;
            open[depth++] = c;
            want = c == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
            p++;
        } else {
            p = scan_scalar(p, end);
            if (!p)
                return NULL;
            want = AFTER;
        }
    }
}

/* Whether text is an object exactly as cJSON_PrintUnformatted() prints what cJSON_Parse()
 * reads from it, and nothing after it. */
static bool printed_by_cjson(const char *text)
{
    const char *end = text + strlen(text);
    return scan_printed_object(text, end) == end;
}

/* The answers: copied when cJSON would print them unchanged, else parsed and printed. */
static int put_answers(record_buf_t *b, const char *answers)
{
    if (!answers)
        answers = "{}";
    if (printed_by_cjson(answers))
        return put(b, answers, strlen(answers)) ? KIOSK_OK : KIOSK_ENOMEM;
    cJSON *o = cJSON_Parse(answers);
    int rc = !cJSON_IsObject(o) ? KIOSK_EINVAL : put_cjson(b, o) ? KIOSK_OK : KIOSK_ENOMEM;
    cJSON_Delete(o);
    return rc;
}

static bool put_key(record_buf_t *b, const char *key, bool *first)
{
    const bool ok = (*first || put(b, ",", 1)) && put(b, "\"", 1) && put(b, key, strlen(key)) &&
                    put(b, "\":", 2);
    *first = false;
    return ok;
}

static bool put_contact(record_buf_t *b, const char *key, const record_t *rec, bool *first)
{
    if (!rec->consent || (!rec->contact_name && !rec->contact_phone))
        return true;
    bool inner = true;
    return put_key(b, key, first) && put(b, "{", 1) &&
           (!rec->contact_name ||
            (put_key(b, "name", &inner) && put_string(b, rec->contact_name))) &&
           (!rec->contact_phone ||
            (put_key(b, "phone", &inner) && put_string(b, rec->contact_phone))) &&
           put(b, "}", 1);
}

/* One field of the bundle form, as add_field() adds it to the tree. */
static int put_field(record_buf_t *b, const record_t *rec, const field_t *f, bool *first)
{
    const void *at = field_in(rec, f);
    bool ok = true;
    switch (f->type) {
    case F_TEXT:
    case F_UUID:
        ok = put_key(b, f->key, first) && put_string(b, at);
        break;
    case F_REF:
        ok = !rec->ref_code[0] || (put_key(b, f->key, first) && put_string(b, rec->ref_code));
        break;
    case F_KIND:
        ok = put_key(b, f->key, first) && put_string(b, record_kind_name(rec->kind));
        break;
    case F_ANSWERS:
        if (!put_key(b, f->key, first))
            return KIOSK_ENOMEM;
        return put_answers(b, rec->answers_json);
    case F_INT64:
        ok = put_key(b, f->key, first) && put_int64(b, *(const int64_t *)at);
        break;
    case F_OFFSET:
        ok = put_key(b, f->key, first) && put_int64(b, rec->time.offset_min);
        break;
    case F_BOOL:
        ok = put_key(b, f->key, first) &&
             (*(const bool *)at ? put(b, "true", 4) : put(b, "false", 5));
        break;
    case F_CONTACT:
        ok = put_contact(b, f->key, rec, first);
        break;
    default:
        return KIOSK_EINVAL; /* the listing's own fields: not in the bundle form */
    }
    return ok ? KIOSK_OK : KIOSK_ENOMEM;
}

int record_bundle_append(const record_t *rec, record_buf_t *b)
{
    const size_t start = b->len;
    bool first = true;
    int rc = put(b, "{", 1) ? KIOSK_OK : KIOSK_ENOMEM;
    for (size_t i = 0; rc == KIOSK_OK && i < COUNT(bundle_fields); i++)
        rc = put_field(b, rec, &bundle_fields[i], &first);
    if (rc == KIOSK_OK && !put(b, "}\n", 2))
        rc = KIOSK_ENOMEM;
    if (rc != KIOSK_OK) {
        memset(b->bytes + start, 0, b->len - start);
        b->len = start;
    }
    return rc;
}

/* ---- reading a bundle line ---- */

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

static bool read_contact(const cJSON *v, record_t *rec)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
    const cJSON *phone = cJSON_GetObjectItemCaseSensitive(v, "phone");
    if (!cJSON_IsObject(v) || (name && !cJSON_IsString(name)) ||
        (phone && !cJSON_IsString(phone)) || (!name && !phone))
        return false;
    free(rec->contact_name);
    free(rec->contact_phone);
    rec->consent = true;
    rec->contact_name = name ? strdup(name->valuestring) : NULL;
    rec->contact_phone = phone ? strdup(phone->valuestring) : NULL;
    return true;
}

/* Reads v into the field f of rec; false when the value is not one a kiosk writes. */
static bool read_field(const cJSON *v, const field_t *f, record_t *rec)
{
    void *at = (char *)rec + f->off;
    int64_t n = 0;
    switch (f->type) {
    case F_TEXT:
        return copy_str(v, at, f->cap);
    case F_UUID:
        return copy_str(v, at, f->cap) && strlen(at) == RECORD_UUID_LEN;
    case F_REF:
        return copy_str(v, at, f->cap) && strspn(at, REFCODE_ALPHABET) == RECORD_REF_LEN;
    case F_KIND:
        n = cJSON_IsString(v) ? record_kind_from_name(v->valuestring) : -1;
        rec->kind = (record_kind_t)(n >= 0 ? n : 0);
        return n >= 0;
    case F_ANSWERS:
        free(rec->answers_json); /* a repeated key: the last one counts */
        rec->answers_json = NULL;
        return cJSON_IsObject(v) && (rec->answers_json = cJSON_PrintUnformatted(v)) != NULL;
    case F_INT64:
        return get_i64(v, at);
    case F_OFFSET:
        if (!get_i64(v, &n) || n < -24 * 60 || n > 24 * 60)
            return false;
        rec->time.offset_min = (int32_t)n;
        return true;
    case F_BOOL:
        *(bool *)at = cJSON_IsTrue(v);
        return cJSON_IsBool(v);
    case F_CONTACT:
        return read_contact(v, rec);
    default:
        return false; /* the listing's own fields: never read */
    }
}

static const field_t *bundle_field(const char *key)
{
    for (size_t i = 0; i < COUNT(bundle_fields); i++)
        if (strcmp(bundle_fields[i].key, key) == 0)
            return &bundle_fields[i];
    return NULL;
}

int record_from_json_tree(const char *line, size_t len, record_t *rec, content_error_t *err)
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
        const field_t *f = bundle_field(v->string);
        if (!f) {
            rc = content_error_set(err, path, "unknown key '%s'", v->string);
            goto out;
        }
        if (!read_field(v, f, rec)) {
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

/* ---- the bundle line as record_bundle_append() writes it, read without a tree ----
 * A cursor over the line moves through the keys in the writer's order; anything else (another
 * order, whitespace, an escape the writer does not write, a number with a fraction, a value a
 * kiosk never writes) is left to the tree reader above, which also words the errors. */

typedef struct {
    const char *p, *end;
} cursor_t;

static bool take(cursor_t *c, const char *lit, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* ,"key": (without the comma for the first key). */
static bool take_key(cursor_t *c, const char *key, bool first)
{
    const cursor_t was = *c;
    const bool ok = (first || take(c, ",", 1)) && take(c, "\"", 1) && take(c, key, strlen(key)) &&
                    take(c, "\":", 2);
    if (!ok)
        *c = was;
    return ok;
}

static int hex_digit(char h)
{
    return h >= '0' && h <= '9'   ? h - '0'
           : h >= 'a' && h <= 'f' ? h - 'a' + 10
           : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                  : -1;
}

/* The byte of the escape after a backslash at *p (moved past it), as cJSON decodes it: the
 * two-character escapes and \u0001 to \u007f only. */
static bool unescape(const char **p, const char *end, unsigned char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char e = at(*p, end);
    const char *hit = e && e != 'u' ? strchr(from, e) : NULL;
    if (hit) {
        *out = (unsigned char)to[hit - from];
        *p += 1;
        return true;
    }
    if (e != 'u' || end - *p < 5 || (*p)[1] != '0' || (*p)[2] != '0')
        return false;
    const int hi = hex_digit((*p)[3]), lo = hex_digit((*p)[4]);
    if (hi < 0 || hi > 7 || lo < 0 || (hi == 0 && lo == 0))
        return false;
    *out = (unsigned char)(hi * 16 + lo);
    *p += 5;
    return true;
}

/* Decodes the string at the cursor into out (cap bytes with the NUL); its length in *len. */
static bool take_string(cursor_t *c, char *out, size_t cap, size_t *len)
{
    const char *p = c->p;
    size_t n = 0;
    if (at(p, c->end) != '"')
        return false;
    for (p++; p < c->end;) {
        unsigned char ch = (unsigned char)*p++;
        if (ch == '"') {
            out[n] = '\0';
            *len = n;
            c->p = p;
            return true;
        }
        if (ch < 32 || (ch == '\\' && !unescape(&p, c->end, &ch)) || n + 1 >= cap)
            return false;
        out[n++] = (char)ch;
    }
    return false;
}

/* A string of any length, malloc'd (contact details). */
static bool take_dup(cursor_t *c, char **out)
{
    const char *q = c->p + 1;
    while (q < c->end && *q != '"')
        q += *q == '\\' ? 2 : 1;
    const size_t raw = q < c->end ? (size_t)(q - c->p) : 0;
    size_t n;
    *out = raw ? malloc(raw) : NULL;
    if (*out && take_string(c, *out, raw, &n))
        return true;
    free(*out);
    *out = NULL;
    return false;
}

/* Text as copy_str() takes it: valid, fitting cap. */
static bool take_text(cursor_t *c, char *out, size_t cap)
{
    size_t n;
    return take_string(c, out, cap, &n) && utf8_valid_text(out, n);
}

/* An integer of at most 15 digits: what cJSON reads as a double and json_int_in() takes. */
static bool take_int(cursor_t *c, int64_t *out)
{
    const bool neg = at(c->p, c->end) == '-';
    const char *p = c->p + neg;
    int64_t v = 0;
    int n = 0;
    for (; n < 15 && at(p, c->end) >= '0' && at(p, c->end) <= '9'; n++, p++)
        v = v * 10 + (*p - '0');
    if (n == 0)
        return false;
    *out = neg ? -v : v;
    c->p = p;
    return true;
}

static bool take_bool(cursor_t *c, bool *out)
{
    *out = take(c, "true", 4);
    return *out || take(c, "false", 5);
}

/* {"name":..,"phone":..}, either or both, in that order. */
static bool take_contact(cursor_t *c, record_t *rec)
{
    if (!take(c, "{", 1))
        return false;
    const bool name = take_key(c, "name", true);
    if (name && !take_dup(c, &rec->contact_name))
        return false;
    if (take_key(c, "phone", !name) && !take_dup(c, &rec->contact_phone))
        return false;
    rec->consent = true;
    return (rec->contact_name || rec->contact_phone) && take(c, "}", 1);
}

/* One value of the bundle form at the cursor, as read_field() reads it from the tree. */
static bool take_field(cursor_t *c, const field_t *f, record_t *rec)
{
    void *at_rec = (char *)rec + f->off;
    char kind[32];
    size_t n = 0;
    int64_t v = 0;
    const char *e;
    switch (f->type) {
    case F_TEXT:
        return take_text(c, at_rec, f->cap);
    case F_UUID:
        return take_text(c, at_rec, f->cap) && strlen(at_rec) == RECORD_UUID_LEN;
    case F_REF:
        return take_text(c, at_rec, f->cap) && strspn(at_rec, REFCODE_ALPHABET) == RECORD_REF_LEN;
    case F_KIND:
        v = take_string(c, kind, sizeof kind, &n) ? record_kind_from_name(kind) : -1;
        rec->kind = (record_kind_t)(v >= 0 ? v : 0);
        return v >= 0;
    case F_ANSWERS:
        e = scan_printed_object(c->p, c->end);
        rec->answers_json = e ? strndup(c->p, (size_t)(e - c->p)) : NULL;
        c->p = e ? e : c->p;
        return rec->answers_json != NULL;
    case F_INT64:
        return take_int(c, at_rec);
    case F_OFFSET:
        if (!take_int(c, &v) || v < -24 * 60 || v > 24 * 60)
            return false;
        rec->time.offset_min = (int32_t)v;
        return true;
    case F_BOOL:
        return take_bool(c, at_rec);
    case F_CONTACT:
        return take_contact(c, rec);
    default:
        return false;
    }
}

bool record_from_bundle_line(const char *line, size_t len, record_t *rec)
{
    memset(rec, 0, sizeof *rec);
    cursor_t c = {line, line + len};
    bool ok = take(&c, "{", 1);
    for (size_t i = 0; ok && i < COUNT(bundle_fields); i++) {
        const field_t *f = &bundle_fields[i];
        if (take_key(&c, f->key, i == 0))
            ok = take_field(&c, f, rec);
        else
            ok = f->type == F_REF || f->type == F_CONTACT; /* written only when set */
    }
    ok = ok && take(&c, "}", 1) && c.p == c.end && rec->kiosk_id[0] && rec->journey_id[0];
    if (!ok)
        record_clear(rec);
    return ok;
}

int record_from_json(const char *line, size_t len, record_t *rec, content_error_t *err)
{
    if (record_from_bundle_line(line, len, rec))
        return KIOSK_OK;
    return record_from_json_tree(line, len, rec, err);
}
