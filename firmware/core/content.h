/* The content model: everything a resident reads or answers, loaded from a content pack
 * (JSON, a SurveyJS-compatible subset) and validated once, so the flow never meets a bad
 * pack. Pure: the caller reads the file; this module only parses text it is given.
 * Ownership: every pointer a content_* function returns, and every pointer inside the structs
 * below, points into the content: owned by it, valid until content_free(). */
#ifndef KIOSK_CONTENT_H
#define KIOSK_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse_error.h"
#include "core/record.h"

/* A localizable string: one text per language code ("default" is stored under the pack's
 * default language). */
typedef struct {
    const char *lang;
    const char *text;
} lstr_entry_t;

typedef struct {
    const lstr_entry_t *v;
    size_t n;
} lstr_t;

typedef enum { Q_RATING, Q_RADIOGROUP, Q_CHECKBOX, Q_BOOLEAN, Q_TEXT, Q_COMMENT } qtype_t;
typedef enum { INPUT_TEXT, INPUT_NUMBER, INPUT_TEL } input_type_t;
typedef enum { CONTACT_NONE, CONTACT_NAME, CONTACT_PHONE } contact_kind_t;

typedef struct {
    const char *value; /* the stored code */
    long number;       /* rating: the numeric value (also in value as text) */
    lstr_t text;       /* label */
    lstr_t detail;     /* optional second line; a dated activity's is composed from its date,
                          time and place in every language ("Sat 5 Dec, 7:30–8:30 · Courtyard") */
    /* A dated activity (a choice with "date"): 0 / NULL / n == 0 when not given. */
    int32_t date;     /* its day as yyyymmdd (20261205) */
    const char *time; /* "07:30-08:30" as the pack gives it */
    lstr_t place, description;
    const char *icon; /* optional: an icon of core/icons.h shown on its button; NULL: none */
} choice_t;

#define CONTENT_MAX_CHOICES 64 /* checkbox answers are a 64-bit set */
#define CONTENT_MAX_QUESTIONS 64

typedef struct expr expr_t;

typedef struct question {
    qtype_t type;
    const char *name;
    lstr_t title;
    lstr_t description;
    bool required;
    bool is_consent;        /* boolean asking consent to keep contact details */
    contact_kind_t contact; /* text holding a contact detail */
    input_type_t input;
    const choice_t *choices; /* radiogroup, checkbox, rating values */
    size_t nchoices;
    bool smileys; /* rating drawn as faces */
    lstr_t min_desc, max_desc;
    lstr_t label_true, label_false; /* n == 0: use common.yes / common.no */
    size_t max_length;              /* text: in code points (tel/number: digits) */
    int input_mode;                 /* text: the ime_mode_t it starts in ("inputMode"); -1:
                                       the language's (tel/number: always digits) */
    const expr_t *visible_if;       /* NULL: always visible */
    const expr_t *required_if;      /* NULL: required as `required` says; else required
                                       also while it holds ("requiredIf") */
    size_t page;
    lstr_t page_title; /* its page's "title", shown above it; n == 0: the page has none */
    bool other_of;     /* the text of a radiogroup or checkbox's "Something else" ("hasOther"):
                          made by the loader right after that question, named
                          "<name>-Comment", shown when its choice "other" is chosen */
} question_t;

/* "completedTextOnCondition": the closing text shown instead of "completedText" when the
 * expression holds over the journey's answers (the first that holds wins). Like every pointer
 * of a journey, owned by the content and valid until content_free(). */
typedef struct {
    const expr_t *expr;
    lstr_t text;
} completed_if_t;

typedef struct {
    const char *id;
    record_kind_t kind;
    lstr_t title, description, completed;
    const completed_if_t *completed_if;
    size_t ncompleted_if;
    const char *icon; /* optional: an icon of core/icons.h on its home button; NULL: none */
    const question_t *q;
    size_t nq;
} journey_t;

typedef struct {
    const char *code;
    const char *name; /* in its own language: "English", "简体中文" */
    int input_mode;   /* the ime_mode_t its text questions start in ("inputMode"); -1: the
                         kiosk's rule (handwriting for zh-*, else Latin letters) */
    /* "phone": {"formats": [...], "example": "..."}: the phone numbers its residents give
     * (see phone.h); nphone_formats == 0: any number of digits. */
    const char *const *phone_formats;
    size_t nphone_formats;
    const char *phone_example; /* shown when a number is incomplete; NULL: made from the
                                  first format */
    bool rtl;                  /* "dir": "rtl": written right to left, its screens mirrored */
    /* "fonts": font family names the pack prefers for it, in order (nfonts == 0: none) */
    const char *const *fonts;
    size_t nfonts;
} language_t;

typedef struct {
    int idle_timeout_s;
    int idle_countdown_s;
    int thanks_s;
    int text_max_length;
    int phone_max_digits;
    int misuse_interval_s;       /* quick ratings closer than this are flagged as misuse */
    const char *follow_up_phone; /* the centre's number for follow-ups ("followUpPhone"), in
                                    the reference code's QR; NULL when absent; owned by the
                                    content, valid until content_free() */
} content_settings_t;

typedef struct content content_t;

/* Copies src into out (at most len bytes, NUL-terminated) with each {name} replaced by its
 * value: the pack's strings carry such placeholders ("{ref}", "{s}"). out is the caller's;
 * nothing is kept. */
void content_fill_vars(char *out, size_t len, const char *src, size_t n, const char *const names[],
                       const char *const values[]);

/* Parses and validates a pack. On success *out owns everything reachable from it (free with
 * content_free()); on failure returns KIOSK_EINVAL (or KIOSK_ENOMEM), *out is NULL and err
 * says where and why. filename is only used in messages. */
int content_load(const char *json, size_t len, const char *filename, content_t **out,
                 content_error_t *err);

/* Frees c and everything in it, so every pointer obtained from it; accepts NULL. */
void content_free(content_t *c);

/* Staff and technician strings c lacks are taken from fallback (the kiosk's built-in pack),
 * in the language asked for when fallback has it, else its default language. A pack written
 * for an earlier firmware thus loads after an update that added staff strings. fallback (may
 * be NULL: none) is borrowed and must outlive c. */
void content_set_fallback(content_t *c, const content_t *fallback);

const char *content_id(const content_t *c);
const char *content_version(const content_t *c);
const char *content_default_lang(const content_t *c);
const content_settings_t *content_settings(const content_t *c);
/* Overrides the idle timings and the misuse interval (seconds; 0 keeps the pack's value), from
 * the device configuration. */
void content_set_timing(content_t *c, int idle_timeout_s, int idle_countdown_s,
                        int misuse_interval_s);
size_t content_language_count(const content_t *c);
const language_t *content_language(const content_t *c, size_t i);
/* Index of a language code, or -1. Codes compare case-insensitively (BCP 47: "zh-TW" is
 * "zh-tw"); the pack's spelling (language_t.code) is the canonical one. */
int content_language_index(const content_t *c, const char *code);
/* Whether two language codes are the same (ASCII case-insensitive, as BCP 47 says); NULL is
 * the same as nothing. */
bool content_lang_same(const char *a, const char *b);
/* Whether lang (any case) is written right to left ("dir": "rtl"); false when not in the
 * pack. */
bool content_lang_rtl(const content_t *c, const char *lang);
/* The font family names the pack prefers for lang ("fonts"), in order: up to max pointers
 * into out; returns how many there are (may exceed max; 0 for a language without, or not in
 * the pack). The strings are owned by the content, valid until content_free(). */
size_t content_lang_fonts(const content_t *c, const char *lang, const char **out, size_t max);

/* Every text a pack holds, for the checks only an edge can make (whether the installed fonts
 * draw each character): fn gets the language code (the pack's default language for "default"
 * and for plain strings; a language's own entry in $.languages is in that language), the
 * place as the loader names it ("$.strings.home.title.ug") and the text, in document order,
 * all borrowed for the call; walking stops when fn returns false. json is the pack's len
 * bytes. KIOSK_OK, or KIOSK_EINVAL when it is not JSON. */
typedef bool (*content_text_fn)(void *ud, const char *lang, const char *path, const char *text);
int content_each_text(const char *json, size_t len, content_text_fn fn, void *ud);

/* The journeys shown on the home screen, in the pack's order: those content_set_today() left
 * out do not count. */
size_t content_journey_count(const content_t *c);
const journey_t *content_journey(const content_t *c, size_t i);

/* Tells the content today's local date (month 1..12, day 1..31). Choices dated before it
 * (activities that are over) leave their questions, and a journey with a choice question left
 * without a choice leaves the home screen; a later call can bring them back. Until the first
 * call every choice shows. Returns true when what shows changed. Indexes of choices and
 * journeys move, so call it only while no session is in progress; the journey_t and question_t
 * pointers stay valid. */
bool content_set_today(content_t *c, int year, int month, int day);

/* Quick-rating faces (4 or 5, worst first) and the optional follow-up (NULL when none). */
size_t content_face_count(const content_t *c);
const choice_t *content_face(const content_t *c, size_t i);
const question_t *content_followup(const content_t *c);

/* Text of a localizable string in lang, falling back to the default language. Never NULL
 * for a string the loader validated (returns "" for an empty lstr). */
const char *content_text(const content_t *c, const lstr_t *s, const char *lang);

/* An interface string by key (see assets/README.md) in lang, falling back to the default
 * language (a staff string another language leaves out). Returns the key itself if absent,
 * which the loader rules out for the keys the firmware uses. */
const char *content_string(const content_t *c, const char *key, const char *lang);

/* Recorded prompts of the pack ("audio": {"<key>": {"<lang>": "path"}}): a file to play
 * instead of synthesising a text in that language. key is an interface string's key or the
 * JSON path of a journey text ("$.journeys[0].questions[1].title"); text, the words it stands
 * for in lang. path is relative to the pack file (the loader refused absolute paths and "..");
 * key, lang (the pack's spelling), path and text are the content's, valid until
 * content_free(). */
typedef struct {
    const char *key, *lang, *path, *text;
} content_prompt_t;
size_t content_prompt_count(const content_t *c);
/* The i-th prompt (0..count-1), or NULL. */
const content_prompt_t *content_prompt_at(const content_t *c, size_t i);
/* The prompt's path for the string key in lang (any case), or NULL. */
const char *content_prompt(const content_t *c, const char *key, const char *lang);
/* The path of the prompt whose string reads text in lang (spaces and line breaks aside: text
 * may be wrapped), or NULL. */
const char *content_prompt_for_text(const content_t *c, const char *text, const char *lang);

/* Interface string keys, NULL-terminated, static storage: those residents read, which the
 * loader requires in every language of the pack; those only staff and technicians read, which
 * a pack may leave out (content_string() then gives the default language's, or the fallback
 * pack's when the pack has none: content_set_fallback()). */
extern const char *const content_required_strings[];
extern const char *const content_staff_strings[];
/* Whether key is one of content_staff_strings. */
bool content_string_is_staff(const char *key);

/* The value of one question in a session. */
typedef struct {
    bool set;
    int choice;     /* rating, radiogroup: index into choices */
    uint64_t multi; /* checkbox: bit i = choice i selected */
    bool yes;       /* boolean */
    char *text;     /* text, comment: malloc'd UTF-8, owned by the answer's holder (the flow
                       wipes and frees it); NULL until its question is shown */
} answer_t;

/* Evaluates a visibleIf expression against the answers of the journey's questions (answers
 * has one entry per question of qs). */
bool expr_eval(const expr_t *e, const question_t *qs, const answer_t *answers);
/* Whether e names a question at index first or later (an answer still to come); false for
 * NULL. */
bool expr_names_from(const expr_t *e, size_t first);

#endif
