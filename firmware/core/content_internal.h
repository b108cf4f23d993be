/* Internal to the content loader (content.c, content_loader.c, content_questions.c and the
 * content_*.c files beside them): the content's arena and model, and the loader's state and
 * tools. No other file includes it but tests. */
#ifndef KIOSK_CONTENT_INTERNAL_H
#define KIOSK_CONTENT_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/content.h"
#include "core/expr_parse.h"
#include "core/parse_error.h"

/* ---- arena: every string and array of a content lives here, freed at once ---- */

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block_t;

typedef struct {
    block_t *head;
} arena_t;

/* Memory from the arena (aligned for any type), valid until content_arena_free(); NULL when
 * out of memory. */
void *content_arena_alloc(arena_t *a, size_t size);
/* A copy of s in the arena (valid until content_arena_free()), or NULL. */
char *content_arena_strdup(arena_t *a, const char *s);
/* Frees every block; the arena is empty and reusable afterwards. */
void content_arena_free(arena_t *a);

/* ---- the model ---- */

typedef struct {
    const char *key;
    lstr_t text;
} string_entry_t;

/* A question with dated choices: every choice (all), and the room its shown ones are copied
 * into by content_set_today(). */
typedef struct {
    question_t *q;
    const choice_t *all;
    size_t nall;
    choice_t *shown;
} dated_question_t;

/* Every pointer in it points into arena. */
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
    size_t *shown_journeys; /* indexes into journeys of those on the home screen */
    size_t nshown_journeys;
    dated_question_t *dated;
    size_t ndated;
    int32_t today;           /* yyyymmdd given to content_set_today(); 0: not yet */
    content_prompt_t *prompts; /* "audio": recorded prompts (content_audio.c) */
    size_t nprompts;
    expr_arena_t arena_hook; /* lets the expression parser allocate in the arena */
    const content_t *fallback; /* staff strings this pack lacks (content_set_fallback) */
};

/* ---- loader state: current JSON path and the first error ----
 * Lives on content_load()'s stack for one load: c is the content being built (the loader's
 * until content_load() hands it over or frees it), err is content_load()'s caller's. */

typedef struct {
    content_t *c;
    const cJSON *catalogs; /* $.catalogs of the JSON being loaded (owned by the caller) */
    content_error_t *err;
    char path[256];
    size_t plen;
    bool failed;
} loader_t;

/* Appends a printf-style step (".name", "[3]") to the current path; returns the length to
 * give loader_path_pop() to take it off again. */
__attribute__((format(printf, 2, 3))) size_t loader_path_push(loader_t *L, const char *fmt, ...);
void loader_path_pop(loader_t *L, size_t saved);
/* Records the first failure (the current path and the reason); returns KIOSK_EINVAL. */
__attribute__((format(printf, 2, 3))) int loader_fail(loader_t *L, const char *fmt, ...);
/* The same, one step (".name") below the current path. */
__attribute__((format(printf, 3, 4))) int loader_fail_at(loader_t *L, const char *step,
                                                         const char *fmt, ...);
/* Records "out of memory"; returns KIOSK_ENOMEM. */
int loader_oom(loader_t *L);

/* A member of obj by its exact name, or NULL; points into obj. */
const cJSON *loader_member(const cJSON *obj, const char *name);
/* Members of obj: a required or optional non-empty string (copied into the arena; *out stays
 * NULL when optional and absent), an integer in lo..hi (*out untouched when absent), a
 * boolean (false when absent), a localizable string (empty when optional and absent). */
int loader_get_string(loader_t *L, const cJSON *obj, const char *name, bool required,
                      const char **out);
int loader_get_int(loader_t *L, const cJSON *obj, const char *name, int lo, int hi, int *out);
int loader_get_bool(loader_t *L, const cJSON *obj, const char *name, bool *out);
int loader_get_lstr(loader_t *L, const cJSON *obj, const char *name, bool required, lstr_t *out);
/* The optional member "inputMode" of obj: an ime_mode_t by name into *out, -1 when absent. */
int loader_get_input_mode(loader_t *L, const cJSON *obj, int *out);
/* The optional member "icon" of obj: one of the icons the kiosk ships (core/icons.h), in the
 * arena; *out NULL when absent. */
int loader_get_icon(loader_t *L, const cJSON *obj, const char **out);
/* A localizable string at the current path: a plain string (one-language packs only) or
 * {"default": .., "<lang>": ..} with every language of the pack; copied into the arena. */
int loader_lstr_value(loader_t *L, const cJSON *v, lstr_t *out);

/* Room in the arena for the items of list (size bytes each): list must be an array of lo..hi
 * items, or with object, an object of any number. Otherwise reports expected at the current
 * path. NULL with *rc set on failure; else valid as long as the content. */
void *loader_items(loader_t *L, const cJSON *list, bool object, int lo, int hi, size_t size,
                   const char *expected, int *rc);

/* content_dates.c: the members "date", "time", "place" and "description" of a choice object v
 * (a dated activity), and its detail line composed from them in every language. */
int loader_activity(loader_t *L, const cJSON *v, choice_t *ch);
/* After the journeys: every journey shown, and the questions with dated choices noted for
 * content_set_today(). */
int loader_dated(loader_t *L);

/* The parts of a pack in content_questions.c: $.catalogs (each validated, and kept in
 * L->catalogs for choicesFromCatalog), $.quickRating and $.journeys. */
int loader_catalogs(loader_t *L, const cJSON *root);
int loader_quick_rating(loader_t *L, const cJSON *root);
int loader_journeys(loader_t *L, const cJSON *root);
/* content_audio.c: $.audio, the recorded prompts (after the strings, which it names). */
int loader_audio(loader_t *L, const cJSON *root);

/* ---- content_rules.c: rules over the loaded pack and its raw text ---- */

/* The characters a text may have, and what it is ("a title"), by its JSON path (a language
 * step at the end is the text's language): static storage. */
typedef struct {
    size_t max;
    const char *what;
} text_limit_t;
text_limit_t rules_text_limit(const content_t *c, const char *path);
/* Refuses s (at the current path) when it is longer than rules_text_limit() allows. */
int rules_text_length(loader_t *L, const char *s);
/* After the whole pack has loaded (root: its JSON, the caller's): every "{name}" in a text is
 * a placeholder the kiosk fills in there, the interface string's own (content_placeholders())
 * or, in a question's title and description, an earlier question's answer. */
int rules_placeholders(loader_t *L, const cJSON *root);
/* The raw pack (len bytes, already parsed): no string or key holds a NUL character ("\u0000"
 * or the byte), which cJSON would keep as the end of the C string. */
int rules_no_nul(loader_t *L, const char *json, size_t len);

/* content_placeholders.c: the names (space-separated, "n total") an interface string may hold
 * as placeholders ("{n}"), "" for none; static storage. */
const char *content_placeholders(const char *key);
/* The i-th key of that table, NULL past its end (for tests): static storage. */
const char *content_placeholder_key(size_t i);

#endif
