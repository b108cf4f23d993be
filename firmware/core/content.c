/* Content pack loader: parses the JSON once, checks every rule, and copies what the flow needs
 * into an arena owned by the content, so a loaded pack is immutable and complete. */
#include "core/content.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/expr_parse.h"
#include "core/json_num.h"
#include "core/kerr.h"
#include "core/utf8.h"

const char *const content_required_strings[] = {
    "home.title",
    "home.rate_prompt",
    "home.or_choose",
    "nav.back",
    "nav.next",
    "nav.skip",
    "nav.home",
    "nav.done",
    "nav.more",
    "nav.previous_page",
    "common.yes",
    "common.no",
    "progress",
    "idle.title",
    "idle.body",
    "idle.continue",
    "leave.title",
    "leave.body",
    "leave.stay",
    "leave.go",
    "staff.pin_title",
    "staff.pin_wrong",
    "staff.pin_wait",
    "staff.no_pin",
    "staff.ok",
    "staff.delete",
    "staff.close",
    "staff.title",
    "staff.today",
    "staff.week",
    "staff.not_exported",
    "staff.requests",
    "staff.misuse",
    "staff.timed_out",
    "staff.last_export",
    "staff.never",
    "staff.db_size",
    "staff.free",
    "staff.checked",
    "staff.moved",
    "staff.erase",
    "staff.erase_title",
    "staff.erase_hint",
    "staff.erase_ask",
    "staff.back",
    "staff.confirm_title",
    "staff.confirm_body",
    "staff.confirm_yes",
    "staff.erased",
    "staff.not_found",
    "staff.erase_failed",
    "staff.clock",
    "staff.clock_unsynced",
    "staff.export_stick",
    "staff.menu.figures",
    "staff.menu.figures_detail",
    "staff.menu.erase_detail",
    "staff.menu.content",
    "staff.menu.clock",
    "staff.menu.hours",
    "staff.menu.tech",
    "staff.menu.tech_detail",
    "staff.clock_synced",
    "staff.clock_not_synced",
    "staff.content_active",
    "staff.content_previous",
    "staff.content_none",
    "staff.from_installed",
    "staff.from_configured",
    "staff.from_builtin",
    "staff.content_rollback",
    "staff.content_stick",
    "staff.content_no_stick",
    "staff.content_no_packs",
    "staff.content_switch_title",
    "staff.content_switch_body",
    "staff.content_back_title",
    "staff.content_switched",
    "staff.content_failed",
    "staff.yes_switch",
    "staff.clock_is_synced",
    "staff.clock_hint",
    "staff.year",
    "staff.month",
    "staff.day",
    "staff.hour",
    "staff.minute",
    "staff.clock_set",
    "staff.clock_done",
    "staff.clock_failed",
    "staff.hours_open",
    "staff.hours_open_always",
    "staff.hours_quiet",
    "staff.hours_quiet_always",
    "staff.hours_none",
    "staff.hours_manual",
    "staff.hours_go_quiet",
    "staff.hours_go_open",
    "staff.hours_schedule",
    "staff.hours_closed",
    "staff.day0",
    "staff.day1",
    "staff.day2",
    "staff.day3",
    "staff.day4",
    "staff.day5",
    "staff.day6",
    "staff.tech_kiosk",
    "staff.tech_display",
    "staff.tech_versions",
    "staff.tech_system",
    "staff.tech_network",
    "staff.tech_buttons",
    "staff.tech_touch",
    "staff.tech_log",
    "staff.tech_restart",
    "staff.tech_reboot",
    "staff.tech_poweroff",
    "staff.buttons_hint",
    "staff.buttons_none",
    "staff.buttons_off",
    "staff.col_button",
    "staff.col_line",
    "staff.col_presses",
    "staff.col_bounces",
    "staff.touch_hint",
    "staff.touch_count",
    "staff.touch_clear",
    "staff.power_restart_title",
    "staff.power_restart_body",
    "staff.power_reboot_title",
    "staff.power_reboot_body",
    "staff.power_off_title",
    "staff.power_off_body",
    "staff.power_yes",
    "staff.power_failed",
    "staff.working",
    "staff.log_empty",
    "staff.selftest_title",
    "staff.selftest_hint",
    "staff.selftest_storage",
    "staff.selftest_clock",
    "staff.selftest_display",
    "staff.selftest_touch",
    "staff.selftest_buttons",
    "staff.selftest_todo",
    "staff.selftest_passed",
    "staff.selftest_failed",
    "staff.selftest_check",
    "staff.selftest_finish",
    "staff.selftest_corners",
    "staff.selftest_pressed",
    "staff.selftest_storage_ok",
    "attract.title",
    "attract.body",
    "attract.body_later",
    "display.button",
    "display.title",
    "display.large",
    "display.contrast",
    "display.done",
    "thanks.title",
    "thanks.body",
    "thanks.ref",
    "thanks.ref_hint",
    "quick.thanks",
    "oos.title",
    "oos.body",
    "keyboard.space",
    "keyboard.done",
    "keyboard.count",
    "keyboard.placeholder",
    "keyboard.shift",
    "keyboard.symbols",
    "keyboard.letters",
    "notice.db_recovered",
    "usb.title",
    "usb.exporting",
    "usb.done",
    "usb.nothing",
    "usb.erased",
    "usb.refused",
    "usb.failed",
    "usb.reason.no_token",
    "usb.reason.damaged",
    "usb.reason.forged",
    "usb.reason.expired",
    "usb.reason.not_yet",
    "usb.reason.other_kiosk",
    "usb.reason.not_allowed",
    "usb.reason.full",
    "usb.reason.read_only",
    "usb.reason.corrupt",
    "usb.reason.removed",
    "usb.reason.no_database",
    "keyboard.delete",
    "notice.fallback",
    NULL,
};

/* ---- arena: every string and array of a content lives here, freed at once ---- */

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block_t;

typedef struct {
    block_t *head;
} arena_t;

static void *arena_alloc(arena_t *a, size_t size)
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

static char *arena_strdup(arena_t *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static void *arena_alloc_cb(void *arena, size_t size)
{
    return arena_alloc(arena, size);
}

static void arena_free(arena_t *a)
{
    for (block_t *b = a->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    a->head = NULL;
}

/* ---- the model ---- */

typedef struct {
    const char *key;
    lstr_t text;
} string_entry_t;

struct content {
    arena_t arena;
    const char *id, *version, *default_lang;
    language_t *langs;
    size_t nlangs;
    content_settings_t settings;
    string_entry_t *strings;
    size_t nstrings;
    choice_t *faces;
    size_t nfaces;
    question_t *followup;
    journey_t *journeys;
    size_t njourneys;
    expr_arena_t arena_hook; /* lets the expression parser allocate in the arena */
};

/* ---- loader state: current JSON path and the first error ---- */

typedef struct {
    content_t *c;
    const cJSON *catalogs;
    content_error_t *err;
    char path[256];
    size_t plen;
    bool failed;
} loader_t;

static size_t path_push(loader_t *L, const char *fmt, ...)
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

static void path_pop(loader_t *L, size_t saved)
{
    L->plen = saved;
    L->path[saved] = '\0';
}

static int fail(loader_t *L, const char *fmt, ...)
{
    if (!L->failed) {
        L->failed = true;
        snprintf(L->err->path, sizeof L->err->path, "%s", L->path);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->err->reason, sizeof L->err->reason, fmt, ap);
        va_end(ap);
    }
    return KIOSK_EINVAL;
}

static int oom(loader_t *L)
{
    fail(L, "out of memory");
    return KIOSK_ENOMEM;
}

/* Text values must be valid UTF-8 without control characters (cJSON decodes \u escapes). */
static int check_text(loader_t *L, const char *s)
{
    if (!utf8_valid_text(s, strlen(s)))
        return fail(L, "text is not valid UTF-8 or contains control characters");
    return KIOSK_OK;
}

static const cJSON *member(const cJSON *obj, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(obj, name);
}

/* A required or optional string member; *out stays NULL when optional and absent. */
static int get_string(loader_t *L, const cJSON *obj, const char *name, bool required,
                      const char **out)
{
    const cJSON *v = member(obj, name);
    *out = NULL;
    if (!v) {
        if (required) {
            size_t s = path_push(L, ".%s", name);
            fail(L, "missing required string");
            path_pop(L, s);
            return KIOSK_EINVAL;
        }
        return KIOSK_OK;
    }
    size_t s = path_push(L, ".%s", name);
    int rc = KIOSK_OK;
    if (!cJSON_IsString(v) || !v->valuestring[0])
        rc = fail(L, "expected a non-empty string");
    else if ((rc = check_text(L, v->valuestring)) == KIOSK_OK &&
             !(*out = arena_strdup(&L->c->arena, v->valuestring)))
        rc = oom(L);
    path_pop(L, s);
    return rc;
}

static int get_int(loader_t *L, const cJSON *obj, const char *name, int lo, int hi, int *out)
{
    const cJSON *v = member(obj, name);
    if (!v)
        return KIOSK_OK;
    size_t s = path_push(L, ".%s", name);
    int rc = KIOSK_OK;
    int64_t n;
    if (!cJSON_IsNumber(v) || !json_int_in(v->valuedouble, -1000000000, 1000000000, &n))
        rc = fail(L, "expected an integer");
    else if (n < lo || n > hi)
        rc = fail(L, "%lld is out of range %d..%d", (long long)n, lo, hi);
    else
        *out = (int)n;
    path_pop(L, s);
    return rc;
}

static int get_bool(loader_t *L, const cJSON *obj, const char *name, bool *out)
{
    const cJSON *v = member(obj, name);
    *out = false;
    if (!v)
        return KIOSK_OK;
    if (!cJSON_IsBool(v)) {
        size_t s = path_push(L, ".%s", name);
        fail(L, "expected true or false");
        path_pop(L, s);
        return KIOSK_EINVAL;
    }
    *out = cJSON_IsTrue(v);
    return KIOSK_OK;
}

/* Parses a localizable string at the current path: a plain string (one-language packs only)
 * or {"default": .., "<lang>": ..} with every language of the pack. */
static int parse_lstr_value(loader_t *L, const cJSON *v, lstr_t *out)
{
    content_t *c = L->c;
    memset(out, 0, sizeof *out);
    if (cJSON_IsString(v)) {
        if (c->nlangs > 1)
            return fail(L,
                        "missing translation: a plain string has only the default language "
                        "text, but the pack has %zu languages",
                        c->nlangs);
        if (check_text(L, v->valuestring))
            return KIOSK_EINVAL;
        lstr_entry_t *e = arena_alloc(&c->arena, sizeof *e);
        if (!e || !(e->text = arena_strdup(&c->arena, v->valuestring)))
            return oom(L);
        e->lang = c->default_lang;
        out->v = e;
        out->n = 1;
        return KIOSK_OK;
    }
    if (!cJSON_IsObject(v))
        return fail(L, "expected a string or an object of translations");
    lstr_entry_t *e = arena_alloc(&c->arena, c->nlangs * sizeof *e);
    if (!e)
        return oom(L);
    const cJSON *t;
    cJSON_ArrayForEach(t, v)
    {
        const char *lang = strcmp(t->string, "default") == 0 ? c->default_lang : t->string;
        int li = content_language_index(c, lang);
        size_t s = path_push(L, ".%s", t->string);
        int rc = KIOSK_OK;
        if (li < 0)
            rc = fail(L, "language '%s' is not in $.languages", t->string);
        else if (!cJSON_IsString(t))
            rc = fail(L, "expected a string");
        else if (e[li].text)
            rc = fail(L, "language '%s' given twice (\"default\" is '%s')", lang, c->default_lang);
        else if ((rc = check_text(L, t->valuestring)) == KIOSK_OK) {
            e[li].lang = c->langs[li].code;
            if (!(e[li].text = arena_strdup(&c->arena, t->valuestring)))
                rc = oom(L);
        }
        path_pop(L, s);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < c->nlangs; i++)
        if (!e[i].text)
            return fail(L, "missing translation for '%s'", c->langs[i].code);
    out->v = e;
    out->n = c->nlangs;
    return KIOSK_OK;
}

static int get_lstr(loader_t *L, const cJSON *obj, const char *name, bool required, lstr_t *out)
{
    const cJSON *v = member(obj, name);
    memset(out, 0, sizeof *out);
    size_t s = path_push(L, ".%s", name);
    int rc = KIOSK_OK;
    if (!v) {
        if (required)
            rc = fail(L, "missing required text");
    } else {
        rc = parse_lstr_value(L, v, out);
    }
    path_pop(L, s);
    return rc;
}

/* ---- header, languages, settings, strings ---- */

static int parse_languages(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *langs = member(root, "languages");
    size_t s = path_push(L, ".languages");
    int rc = KIOSK_OK;
    int n = cJSON_GetArraySize(langs);
    if (!cJSON_IsArray(langs) || n < 1) {
        rc = fail(L, "expected a non-empty array of {\"code\", \"name\"}");
        goto out;
    }
    c->langs = arena_alloc(&c->arena, (size_t)n * sizeof *c->langs);
    if (!c->langs) {
        rc = oom(L);
        goto out;
    }
    const cJSON *l;
    cJSON_ArrayForEach(l, langs)
    {
        size_t s2 = path_push(L, "[%zu]", c->nlangs);
        language_t *lang = &c->langs[c->nlangs];
        if (!cJSON_IsObject(l))
            rc = fail(L, "expected an object");
        else if (!(rc = get_string(L, l, "code", true, &lang->code)) &&
                 !(rc = get_string(L, l, "name", true, &lang->name))) {
            if (strlen(lang->code) >= 16 || strcmp(lang->code, "default") == 0)
                rc = fail(L, "language code '%s' is reserved or too long", lang->code);
            else if (content_language_index(c, lang->code) >= 0)
                rc = fail(L, "duplicate language code '%s'", lang->code);
            else
                c->nlangs++;
        }
        path_pop(L, s2);
        if (rc)
            goto out;
    }
out:
    path_pop(L, s);
    if (rc)
        return rc;
    if ((rc = get_string(L, root, "defaultLanguage", true, &c->default_lang)))
        return rc;
    if (content_language_index(c, c->default_lang) < 0) {
        s = path_push(L, ".defaultLanguage");
        fail(L, "'%s' is not one of $.languages", c->default_lang);
        path_pop(L, s);
        return KIOSK_EINVAL;
    }
    /* Put the default language first so that it is the fallback of every string. */
    int di = content_language_index(c, c->default_lang);
    language_t tmp = c->langs[0];
    c->langs[0] = c->langs[di];
    c->langs[di] = tmp;
    return KIOSK_OK;
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
    const cJSON *v = member(root, "settings");
    if (!v)
        return KIOSK_OK;
    size_t s = path_push(L, ".settings");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(v))
        rc = fail(L, "expected an object");
    else if (!(rc = get_int(L, v, "idleTimeoutSeconds", 5, 3600, &st->idle_timeout_s)) &&
             !(rc = get_int(L, v, "idleCountdownSeconds", 3, 300, &st->idle_countdown_s)) &&
             !(rc = get_int(L, v, "thanksSeconds", 2, 120, &st->thanks_s)) &&
             !(rc = get_int(L, v, "textMaxLength", 10, 4000, &st->text_max_length)) &&
             !(rc = get_int(L, v, "phoneMaxDigits", 6, 20, &st->phone_max_digits)))
        rc = get_int(L, v, "misuseIntervalSeconds", 0, 3600, &st->misuse_interval_s);
    path_pop(L, s);
    return rc;
}

static int parse_strings(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *strs = member(root, "strings");
    size_t s = path_push(L, ".strings");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(strs)) {
        rc = fail(L, "expected an object of interface strings");
        goto out;
    }
    int n = cJSON_GetArraySize(strs);
    c->strings = arena_alloc(&c->arena, (size_t)(n > 0 ? n : 1) * sizeof *c->strings);
    if (!c->strings) {
        rc = oom(L);
        goto out;
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, strs)
    {
        string_entry_t *e = &c->strings[c->nstrings];
        size_t s2 = path_push(L, ".%s", t->string);
        rc = parse_lstr_value(L, t, &e->text);
        path_pop(L, s2);
        if (rc)
            goto out;
        if (!(e->key = arena_strdup(&c->arena, t->string))) {
            rc = oom(L);
            goto out;
        }
        c->nstrings++;
    }
    for (size_t i = 0; content_required_strings[i]; i++) {
        bool found = false;
        for (size_t k = 0; k < c->nstrings && !found; k++)
            found = strcmp(c->strings[k].key, content_required_strings[i]) == 0;
        if (!found) {
            rc = fail(L, "missing interface string '%s'", content_required_strings[i]);
            goto out;
        }
    }
out:
    path_pop(L, s);
    return rc;
}

/* ---- choices ---- */

/* Parses one choice: {"value", "text", "detail"} or a plain string (code and text). */
static int parse_choice(loader_t *L, const cJSON *v, choice_t *ch, bool numeric)
{
    content_t *c = L->c;
    char num[32];
    if (cJSON_IsNumber(v)) {
        /* A bare number is its own code and label, in every language. */
        int64_t n;
        if (!json_int_in(v->valuedouble, -1000000000, 1000000000, &n))
            return fail(L, "choice value must be an integer or a code");
        snprintf(num, sizeof num, "%lld", (long long)n);
        lstr_entry_t *e = arena_alloc(&c->arena, sizeof *e);
        if (!e || !(ch->value = arena_strdup(&c->arena, num)))
            return oom(L);
        e->lang = c->default_lang;
        e->text = ch->value;
        ch->text = (lstr_t){e, 1};
    } else if (cJSON_IsString(v)) {
        if (!(ch->value = arena_strdup(&c->arena, v->valuestring)))
            return oom(L);
        if (parse_lstr_value(L, v, &ch->text))
            return KIOSK_EINVAL;
    } else if (cJSON_IsObject(v)) {
        const cJSON *val = member(v, "value");
        if (cJSON_IsNumber(val)) {
            int64_t n;
            if (!json_int_in(val->valuedouble, -1000000000, 1000000000, &n))
                return fail(L, "choice value must be an integer or a code");
            snprintf(num, sizeof num, "%lld", (long long)n);
            if (!(ch->value = arena_strdup(&c->arena, num)))
                return oom(L);
        } else {
            int rc = get_string(L, v, "value", true, &ch->value);
            if (rc)
                return rc;
        }
        if (get_lstr(L, v, "text", true, &ch->text) || get_lstr(L, v, "detail", false, &ch->detail))
            return KIOSK_EINVAL;
    } else {
        return fail(L, "expected a choice: a code or {\"value\", \"text\"}");
    }
    if (strlen(ch->value) > 63)
        return fail(L, "choice value '%s' is longer than 63 bytes", ch->value);
    if (numeric) {
        char *end;
        ch->number = strtol(ch->value, &end, 10);
        if (*end || end == ch->value)
            return fail(L, "rating value '%s' is not an integer", ch->value);
    }
    return KIOSK_OK;
}

static int parse_choice_array(loader_t *L, const cJSON *arr, const char *what, bool numeric,
                              const choice_t **out, size_t *nout)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n < 1)
        return fail(L, "expected a non-empty array of %s", what);
    if (n > CONTENT_MAX_CHOICES)
        return fail(L, "%d %s, at most %d are supported", n, what, CONTENT_MAX_CHOICES);
    choice_t *ch = arena_alloc(&L->c->arena, (size_t)n * sizeof *ch);
    if (!ch)
        return oom(L);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        size_t s = path_push(L, "[%zu]", i);
        int rc = parse_choice(L, v, &ch[i], numeric);
        for (size_t k = 0; !rc && k < i; k++)
            if (strcmp(ch[k].value, ch[i].value) == 0)
                rc = fail(L, "duplicate code '%s' (also at index %zu)", ch[i].value, k);
        path_pop(L, s);
        if (rc)
            return rc;
        i++;
    }
    *out = ch;
    *nout = i;
    return KIOSK_OK;
}

/* ---- questions ---- */

static const struct {
    const char *name;
    qtype_t type;
} qtypes[] = {
    {"rating", Q_RATING},     {"radiogroup", Q_RADIOGROUP},
    {"checkbox", Q_CHECKBOX}, {"boolean", Q_BOOLEAN},
    {"text", Q_TEXT},         {"comment", Q_COMMENT},
};

static int parse_rating(loader_t *L, const cJSON *el, question_t *q)
{
    const cJSON *rv = member(el, "rateValues");
    const char *rate_type = NULL;
    int rc = get_string(L, el, "rateType", false, &rate_type);
    if (rc)
        return rc;
    q->smileys = rate_type && strcmp(rate_type, "smileys") == 0;
    if (rv) {
        size_t s = path_push(L, ".rateValues");
        rc = parse_choice_array(L, rv, "rating values", true, &q->choices, &q->nchoices);
        path_pop(L, s);
        if (rc)
            return rc;
    } else {
        int lo = 1, hi = 5, count = 0;
        if ((rc = get_int(L, el, "rateMin", -100, 100, &lo)) ||
            (rc = get_int(L, el, "rateMax", -100, 100, &hi)) ||
            (rc = get_int(L, el, "rateCount", 2, 10, &count)))
            return rc;
        if (count)
            hi = lo + count - 1;
        if (hi <= lo || hi - lo >= 10)
            return fail(L, "rating scale %d..%d must have 2 to 10 values", lo, hi);
        size_t n = (size_t)(hi - lo + 1);
        choice_t *ch = arena_alloc(&L->c->arena, n * sizeof *ch);
        if (!ch)
            return oom(L);
        for (size_t i = 0; i < n; i++) {
            char num[16];
            snprintf(num, sizeof num, "%d", lo + (int)i);
            lstr_entry_t *e = arena_alloc(&L->c->arena, sizeof *e);
            if (!e || !(ch[i].value = arena_strdup(&L->c->arena, num)))
                return oom(L);
            e->lang = L->c->default_lang;
            e->text = ch[i].value;
            ch[i].text = (lstr_t){e, 1};
            ch[i].number = lo + (long)i;
        }
        q->choices = ch;
        q->nchoices = n;
    }
    if (q->smileys && (q->nchoices < 3 || q->nchoices > 5))
        return fail(L, "a smiley rating needs 3 to 5 values, not %zu", q->nchoices);
    if ((rc = get_lstr(L, el, "minRateDescription", false, &q->min_desc)) ||
        (rc = get_lstr(L, el, "maxRateDescription", false, &q->max_desc)))
        return rc;
    return KIOSK_OK;
}

static int parse_choices(loader_t *L, const cJSON *el, question_t *q)
{
    const cJSON *choices = member(el, "choices");
    const char *catalog = NULL;
    int rc = get_string(L, el, "choicesFromCatalog", false, &catalog);
    if (rc)
        return rc;
    if (choices && catalog)
        return fail(L, "give either choices or choicesFromCatalog, not both");
    if (catalog) {
        const cJSON *list = member(L->catalogs, catalog);
        if (!list) {
            size_t s = path_push(L, ".choicesFromCatalog");
            fail(L, "no catalog named '%s' in $.catalogs", catalog);
            path_pop(L, s);
            return KIOSK_EINVAL;
        }
        /* Catalogs are validated where they are defined; errors point there. */
        size_t saved = L->plen;
        char here[256];
        memcpy(here, L->path, sizeof here);
        L->plen = 0;
        L->path[0] = '\0';
        path_push(L, "$.catalogs.%s", catalog);
        rc = parse_choice_array(L, list, "catalog entries", false, &q->choices, &q->nchoices);
        memcpy(L->path, here, sizeof here);
        L->plen = saved;
        return rc;
    }
    if (!choices)
        return fail(L, "a %s needs choices or choicesFromCatalog",
                    q->type == Q_CHECKBOX ? "checkbox" : "radiogroup");
    size_t s = path_push(L, ".choices");
    rc = parse_choice_array(L, choices, "choices", false, &q->choices, &q->nchoices);
    path_pop(L, s);
    return rc;
}

static int parse_text_question(loader_t *L, const cJSON *el, question_t *q)
{
    const char *input = NULL, *contact = NULL;
    int rc;
    if ((rc = get_string(L, el, "inputType", false, &input)) ||
        (rc = get_string(L, el, "contact", false, &contact)))
        return rc;
    q->input = INPUT_TEXT;
    if (input && strcmp(input, "number") == 0)
        q->input = INPUT_NUMBER;
    else if (input && strcmp(input, "tel") == 0)
        q->input = INPUT_TEL;
    else if (input && strcmp(input, "text") != 0) {
        size_t s = path_push(L, ".inputType");
        fail(L, "unsupported inputType '%s' (text, number or tel)", input);
        path_pop(L, s);
        return KIOSK_EINVAL;
    }
    if (q->type == Q_COMMENT && q->input != INPUT_TEXT)
        return fail(L, "inputType is for text questions, not comment");
    if (contact) {
        if (q->type != Q_TEXT)
            return fail(L, "only a text question can hold a contact detail");
        if (strcmp(contact, "name") == 0)
            q->contact = CONTACT_NAME;
        else if (strcmp(contact, "phone") == 0)
            q->contact = CONTACT_PHONE;
        else {
            size_t s = path_push(L, ".contact");
            fail(L, "contact must be 'name' or 'phone', not '%s'", contact);
            path_pop(L, s);
            return KIOSK_EINVAL;
        }
        if (q->contact == CONTACT_PHONE && q->input != INPUT_TEL)
            return fail(L, "a phone contact needs inputType 'tel'");
    }
    const content_settings_t *st = &L->c->settings;
    int max = q->input == INPUT_TEL ? st->phone_max_digits : st->text_max_length;
    if ((rc = get_int(L, el, "maxLength", 1, 4000, &max)))
        return rc;
    q->max_length = (size_t)max;
    return KIOSK_OK;
}

static int parse_element(loader_t *L, const cJSON *el, question_t *qs, size_t qi, size_t page)
{
    question_t *q = &qs[qi];
    const char *type = NULL;
    int rc;
    if (!cJSON_IsObject(el))
        return fail(L, "expected an element object");
    if ((rc = get_string(L, el, "type", true, &type)))
        return rc;
    size_t t;
    for (t = 0; t < sizeof qtypes / sizeof qtypes[0]; t++)
        if (strcmp(type, qtypes[t].name) == 0)
            break;
    if (t == sizeof qtypes / sizeof qtypes[0]) {
        size_t s = path_push(L, ".type");
        fail(L,
             "unknown question type '%s' (supported: rating, radiogroup, checkbox, boolean, "
             "text, comment)",
             type);
        path_pop(L, s);
        return KIOSK_EINVAL;
    }
    q->type = qtypes[t].type;
    q->page = page;
    if ((rc = get_string(L, el, "name", true, &q->name)))
        return rc;
    if (strlen(q->name) > 63) {
        size_t s = path_push(L, ".name");
        fail(L, "name is longer than 63 bytes");
        path_pop(L, s);
        return KIOSK_EINVAL;
    }
    for (size_t k = 0; k < qi; k++)
        if (strcmp(qs[k].name, q->name) == 0) {
            size_t s = path_push(L, ".name");
            fail(L, "duplicate question name '%s'", q->name);
            path_pop(L, s);
            return KIOSK_EINVAL;
        }
    if ((rc = get_lstr(L, el, "title", true, &q->title)) ||
        (rc = get_lstr(L, el, "description", false, &q->description)) ||
        (rc = get_bool(L, el, "isRequired", &q->required)) ||
        (rc = get_bool(L, el, "isConsent", &q->is_consent)))
        return rc;
    if (q->is_consent && q->type != Q_BOOLEAN)
        return fail(L, "isConsent is only for boolean questions");
    switch (q->type) {
    case Q_RATING:
        rc = parse_rating(L, el, q);
        break;
    case Q_RADIOGROUP:
    case Q_CHECKBOX:
        rc = parse_choices(L, el, q);
        break;
    case Q_BOOLEAN:
        if (!(rc = get_lstr(L, el, "labelTrue", false, &q->label_true)))
            rc = get_lstr(L, el, "labelFalse", false, &q->label_false);
        break;
    case Q_TEXT:
    case Q_COMMENT:
        rc = parse_text_question(L, el, q);
        break;
    }
    if (rc)
        return rc;
    const char *vis = NULL;
    if ((rc = get_string(L, el, "visibleIf", false, &vis)))
        return rc;
    if (vis) {
        char why[160];
        size_t s = path_push(L, ".visibleIf");
        const expr_t *e = expr_parse(vis, qs, qi, &L->c->arena_hook, why, sizeof why);
        if (!e)
            rc = fail(L, "%s", why);
        q->visible_if = e;
        path_pop(L, s);
        if (rc)
            return rc;
    }
    if (q->contact != CONTACT_NONE) {
        const question_t *consent = expr_consent_question(q->visible_if, qs);
        if (!consent || !consent->is_consent)
            return fail(L,
                        "contact detail '%s' must have visibleIf \"{c} = true\" where c is "
                        "an isConsent question: no contact detail without consent",
                        q->name);
    }
    return KIOSK_OK;
}

/* Parses "pages" (or root-level "elements") of a SurveyJS-like object into qs. */
static int parse_pages(loader_t *L, const cJSON *obj, question_t **out, size_t *nout)
{
    const cJSON *pages = member(obj, "pages");
    const cJSON *elements = member(obj, "elements");
    question_t *qs = arena_alloc(&L->c->arena, CONTENT_MAX_QUESTIONS * sizeof *qs);
    if (!qs)
        return oom(L);
    size_t n = 0;
    if (!pages && elements) {
        pages = NULL;
    } else if (!cJSON_IsArray(pages) || cJSON_GetArraySize(pages) < 1) {
        size_t s = path_push(L, ".pages");
        fail(L, "expected a non-empty array of pages");
        path_pop(L, s);
        return KIOSK_EINVAL;
    }
    size_t npages = pages ? (size_t)cJSON_GetArraySize(pages) : 1;
    for (size_t p = 0; p < npages; p++) {
        size_t s = pages ? path_push(L, ".pages[%zu]", p) : L->plen;
        const cJSON *page = pages ? cJSON_GetArrayItem(pages, (int)p) : obj;
        const cJSON *els = member(page, "elements");
        int rc = KIOSK_OK;
        if (!cJSON_IsArray(els) || cJSON_GetArraySize(els) < 1) {
            size_t s2 = path_push(L, ".elements");
            rc = fail(L, "expected a non-empty array of elements");
            path_pop(L, s2);
        }
        const cJSON *el;
        size_t ei = 0;
        const cJSON *list = rc ? NULL : els;
        cJSON_ArrayForEach(el, list)
        {
            size_t s2 = path_push(L, ".elements[%zu]", ei++);
            if (n == CONTENT_MAX_QUESTIONS)
                rc = fail(L, "more than %d questions", CONTENT_MAX_QUESTIONS);
            else if (!(rc = parse_element(L, el, qs, n, p)))
                n++;
            path_pop(L, s2);
            if (rc)
                break;
        }
        path_pop(L, s);
        if (rc)
            return rc;
    }
    *out = qs;
    *nout = n;
    return KIOSK_OK;
}

static int parse_quick_rating(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *qr = member(root, "quickRating");
    size_t s = path_push(L, ".quickRating");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(qr)) {
        rc = fail(L, "expected an object with faces");
        goto out;
    }
    size_t s2 = path_push(L, ".faces");
    const choice_t *faces;
    rc = parse_choice_array(L, member(qr, "faces"), "faces", true, &faces, &c->nfaces);
    if (!rc && (c->nfaces < 4 || c->nfaces > 5))
        rc = fail(L, "quick rating needs 4 or 5 faces, not %zu", c->nfaces);
    c->faces = (choice_t *)faces;
    path_pop(L, s2);
    if (rc)
        goto out;
    const cJSON *fu = member(qr, "followUp");
    if (fu) {
        s2 = path_push(L, ".followUp");
        c->followup = arena_alloc(&c->arena, sizeof *c->followup);
        if (!c->followup)
            rc = oom(L);
        else if (!(rc = parse_element(L, fu, c->followup, 0, 0)) &&
                 c->followup->type != Q_RADIOGROUP)
            rc = fail(L, "the follow-up must be a radiogroup");
        path_pop(L, s2);
    }
out:
    path_pop(L, s);
    return rc;
}

static int parse_journeys(loader_t *L, const cJSON *root)
{
    content_t *c = L->c;
    const cJSON *js = member(root, "journeys");
    size_t s = path_push(L, ".journeys");
    int rc = KIOSK_OK;
    int n = cJSON_GetArraySize(js);
    if (!cJSON_IsArray(js) || n < 1 || n > 8) {
        rc = fail(L, "expected an array of 1 to 8 journeys");
        goto out;
    }
    c->journeys = arena_alloc(&c->arena, (size_t)n * sizeof *c->journeys);
    if (!c->journeys) {
        rc = oom(L);
        goto out;
    }
    const cJSON *j;
    cJSON_ArrayForEach(j, js)
    {
        journey_t *jr = &c->journeys[c->njourneys];
        size_t s2 = path_push(L, "[%zu]", c->njourneys);
        const char *kind = NULL;
        question_t *qs = NULL;
        if (!cJSON_IsObject(j))
            rc = fail(L, "expected a journey object");
        else if (!(rc = get_string(L, j, "id", true, &jr->id)) &&
                 !(rc = get_string(L, j, "kind", true, &kind))) {
            int k = record_kind_from_name(kind);
            if (k < 0 || k == RECORD_QUICK_RATING) {
                size_t s3 = path_push(L, ".kind");
                rc = fail(L,
                          "unknown journey kind '%s' (feedback, service_request, "
                          "questionnaire, activity)",
                          kind);
                path_pop(L, s3);
            } else if (strlen(jr->id) > 63 || strcmp(jr->id, "quick_rating") == 0) {
                rc = fail(L, "journey id '%s' is reserved or too long", jr->id);
            } else {
                jr->kind = (record_kind_t)k;
                for (size_t i = 0; i < c->njourneys && !rc; i++)
                    if (strcmp(c->journeys[i].id, jr->id) == 0)
                        rc = fail(L, "duplicate journey id '%s'", jr->id);
            }
        }
        if (!rc && !(rc = get_lstr(L, j, "title", true, &jr->title)) &&
            !(rc = get_lstr(L, j, "description", false, &jr->description)) &&
            !(rc = get_lstr(L, j, "completedText", false, &jr->completed)) &&
            !(rc = parse_pages(L, j, &qs, &jr->nq)))
            jr->q = qs;
        path_pop(L, s2);
        if (rc)
            goto out;
        c->njourneys++;
    }
out:
    path_pop(L, s);
    return rc;
}

static int parse_catalogs(loader_t *L, const cJSON *root)
{
    const cJSON *cats = member(root, "catalogs");
    if (!cats)
        return KIOSK_OK;
    size_t s = path_push(L, ".catalogs");
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(cats))
        rc = fail(L, "expected an object of catalogs");
    const cJSON *cat;
    const cJSON *list = rc ? NULL : cats;
    cJSON_ArrayForEach(cat, list)
    {
        /* Validate each catalog once here, even if no question uses it. */
        const choice_t *ch;
        size_t n;
        size_t s2 = path_push(L, ".%s", cat->string);
        rc = parse_choice_array(L, cat, "catalog entries", false, &ch, &n);
        path_pop(L, s2);
        if (rc)
            break;
    }
    path_pop(L, s);
    L->catalogs = cats;
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
    path_push(&L, "$");
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
        rc = fail(&L, "pack is %zu bytes, larger than the 4 MiB limit", len);
        goto out;
    }
    root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        int line, col;
        size_t off = end ? (size_t)(end - json) : 0;
        line_col(json, off, &line, &col);
        rc = fail(&L, "invalid JSON near line %d, column %d", line, col);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        rc = fail(&L, "expected a JSON object at the top level");
        goto out;
    }
    int fmt = 0;
    if ((rc = get_int(&L, root, "formatVersion", 1, 1000, &fmt)))
        goto out;
    if (fmt != 1) {
        path_push(&L, ".formatVersion");
        rc = fail(&L, "format version %d is not supported (this firmware reads 1)", fmt);
        goto out;
    }
    if ((rc = get_string(&L, root, "id", true, &c->id)) ||
        (rc = get_string(&L, root, "version", true, &c->version)))
        goto out;
    if (strlen(c->id) > 63 || strlen(c->version) > 31) {
        rc = fail(&L, "id must be at most 63 bytes and version at most 31");
        goto out;
    }
    if ((rc = parse_languages(&L, root)) || (rc = parse_settings(&L, root)) ||
        (rc = parse_strings(&L, root)) || (rc = parse_catalogs(&L, root)) ||
        (rc = parse_quick_rating(&L, root)) || (rc = parse_journeys(&L, root)))
        goto out;
out:
    cJSON_Delete(root);
    if (rc) {
        if (!L.failed)
            fail(&L, "%s", "invalid pack");
        content_free(c);
        return rc == KIOSK_ENOMEM ? KIOSK_ENOMEM : KIOSK_EINVAL;
    }
    *out = c;
    return KIOSK_OK;
}

void content_free(content_t *c)
{
    if (!c)
        return;
    arena_free(&c->arena);
    free(c);
}

const char *content_id(const content_t *c)
{
    return c->id;
}

const char *content_version(const content_t *c)
{
    return c->version;
}

const char *content_default_lang(const content_t *c)
{
    return c->default_lang;
}

const content_settings_t *content_settings(const content_t *c)
{
    return &c->settings;
}

void content_set_timing(content_t *c, int idle_timeout_s, int idle_countdown_s,
                        int misuse_interval_s)
{
    if (idle_timeout_s > 0)
        c->settings.idle_timeout_s = idle_timeout_s;
    if (idle_countdown_s > 0)
        c->settings.idle_countdown_s = idle_countdown_s;
    if (misuse_interval_s > 0)
        c->settings.misuse_interval_s = misuse_interval_s;
}

size_t content_language_count(const content_t *c)
{
    return c->nlangs;
}

const language_t *content_language(const content_t *c, size_t i)
{
    return i < c->nlangs ? &c->langs[i] : NULL;
}

int content_language_index(const content_t *c, const char *code)
{
    for (size_t i = 0; code && i < c->nlangs; i++)
        if (strcmp(c->langs[i].code, code) == 0)
            return (int)i;
    return -1;
}

size_t content_journey_count(const content_t *c)
{
    return c->njourneys;
}

const journey_t *content_journey(const content_t *c, size_t i)
{
    return i < c->njourneys ? &c->journeys[i] : NULL;
}

size_t content_face_count(const content_t *c)
{
    return c->nfaces;
}

const choice_t *content_face(const content_t *c, size_t i)
{
    return i < c->nfaces ? &c->faces[i] : NULL;
}

const question_t *content_followup(const content_t *c)
{
    return c->followup;
}

const char *content_text(const content_t *c, const lstr_t *s, const char *lang)
{
    if (!s || s->n == 0)
        return "";
    for (size_t i = 0; lang && i < s->n; i++)
        if (s->v[i].lang && strcmp(s->v[i].lang, lang) == 0)
            return s->v[i].text;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].lang && strcmp(s->v[i].lang, c->default_lang) == 0)
            return s->v[i].text;
    return s->v[0].text ? s->v[0].text : "";
}

const char *content_string(const content_t *c, const char *key, const char *lang)
{
    for (size_t i = 0; i < c->nstrings; i++)
        if (strcmp(c->strings[i].key, key) == 0)
            return content_text(c, &c->strings[i].text, lang);
    return key;
}

void content_fill_vars(char *out, size_t len, const char *src, size_t n, const char *const names[],
                       const char *const values[])
{
    size_t o = 0;
    if (!len)
        return;
    while (*src && o + 1 < len) {
        size_t k = n;
        if (*src == '{')
            for (k = 0; k < n; k++)
                if (strncmp(src + 1, names[k], strlen(names[k])) == 0 &&
                    src[1 + strlen(names[k])] == '}')
                    break;
        if (k == n) {
            out[o++] = *src++;
            continue;
        }
        int w = snprintf(out + o, len - o, "%s", values[k]);
        o = w < 0 ? o : o + (size_t)w < len ? o + (size_t)w : len - 1;
        src += strlen(names[k]) + 2;
    }
    out[o] = '\0';
}
