/* A finished resident session as it is stored: codes only, never display labels. */
#ifndef KIOSK_RECORD_H
#define KIOSK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    RECORD_QUICK_RATING,
    RECORD_FEEDBACK,
    RECORD_SERVICE_REQUEST,
    RECORD_QUESTIONNAIRE,
    RECORD_ACTIVITY,
    RECORD_KIND_COUNT
} record_kind_t;

/* "quick_rating", "feedback", "service_request", "questionnaire", "activity" ("unknown" out of
 * range); static storage. */
const char *record_kind_name(record_kind_t kind);
/* Inverse of record_kind_name(); returns -1 for an unknown name. */
int record_kind_from_name(const char *name);

/* When a record was made. The wall clock may be wrong on a board without RTC: clock_synced
 * says whether it was known to be right, and (boot, mono_ms) orders records anyway. */
typedef struct {
    int64_t utc_ms;     /* milliseconds since 1970-01-01T00:00:00Z */
    int32_t offset_min; /* local time = UTC + offset_min */
    bool clock_synced;  /* wall clock known to be synchronised (NTP, RTC) */
    int64_t mono_ms;    /* CLOCK_BOOTTIME/MONOTONIC milliseconds at save */
    int64_t boot;       /* which boot of the kiosk: set by store_save() from the store's boot
                           counter (store_note_boot()), 0 when unknown; mono_ms counts from it */
} record_time_t;

typedef enum {
    SESSION_COMPLETED,
    SESSION_TIMED_OUT,
    SESSION_ABANDONED,
    SESSION_OUTCOME_COUNT
} session_outcome_t;

/* "completed", "timed_out", "abandoned" ("unknown" out of range); static storage. */
const char *session_outcome_name(session_outcome_t outcome);

#define RECORD_UUID_LEN 36 /* 8-4-4-4-12 hex, lower case */
#define RECORD_REF_LEN 6   /* reference code length, see refcode_format() */

typedef struct record {
    record_kind_t kind;
    char uuid[RECORD_UUID_LEN + 1]; /* empty: store_save() assigns a random v4 UUID */
    char journey_id[64];            /* content-pack journey id, "quick_rating" for faces */
    char kiosk_id[64];
    char pack_id[64];
    char pack_version[32];
    char lang[16];       /* language the resident used, e.g. "zh-cn" */
    char *answers_json;  /* owned (malloc'd, freed by record_clear()); a JSON object of codes */
    char *contact_name;  /* owned, as answers_json; NULL when none given */
    char *contact_phone; /* owned, as answers_json; NULL when none given */
    bool consent;        /* contact details given with explicit consent */
    bool misuse;         /* a quick rating sooner than the misuse interval after the last one: kept,
                            but flagged (HappyOrNot practice) */
    char ref_code[RECORD_REF_LEN + 1]; /* service requests: set by store_save() */
    record_time_t time;
} record_t;

/* Frees the owned strings and zeroes the record; accepts NULL. Only for a record whose
 * strings it owns: a record lent to a callback (store, archive) borrows them. */
void record_clear(record_t *rec);

/* Formats 16 random bytes as a version 4 UUID (sets the version and variant bits). */
void uuid_format(const uint8_t bytes[16], char out[RECORD_UUID_LEN + 1]);

/* Alphabet of reference codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V look-alikes. */
#define REFCODE_ALPHABET "ACDEFHJKMNPRTWXY3479"

/* Formats RECORD_REF_LEN characters of REFCODE_ALPHABET from random bytes (one byte each,
 * rejection-free modulo: the bias is below 2% and codes are not secrets). */
void refcode_format(const uint8_t bytes[RECORD_REF_LEN], char out[RECORD_REF_LEN + 1]);

/* Formats utc_ms as ISO 8601 with the local offset, "2026-11-28T20:31:45.123+08:00".
 * Pure arithmetic, no libc time zone. */
#define ISO8601_LEN 48
void iso8601_format(int64_t utc_ms, int32_t offset_min, char out[ISO8601_LEN]);

/* Parses "YYYY-MM-DDTHH:MM:SS[.mmm](Z|+HH:MM|-HH:MM)" into milliseconds since the epoch (UTC).
 * false for anything else, or for impossible dates and times. */
bool iso8601_parse(const char *text, int64_t *utc_ms);

#endif
