/* Tests of the record helpers: identifiers, reference codes, timestamps and names. */
#include "check.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/kerr.h"
#include "core/record.h"

static void uuid_format_sets_version_variant_and_layout(void)
{
    uint8_t bytes[16];
    char out[RECORD_UUID_LEN + 1];

    memset(bytes, 0, sizeof bytes);
    uuid_format(bytes, out);
    CHECK_STR(out, "00000000-0000-4000-8000-000000000000");

    for (int i = 0; i < 16; i++)
        bytes[i] = (uint8_t)i;
    uuid_format(bytes, out);
    CHECK_STR(out, "00010203-0405-4607-8809-0a0b0c0d0e0f");

    memset(bytes, 0xff, sizeof bytes);
    uuid_format(bytes, out);
    CHECK_STR(out, "ffffffff-ffff-4fff-bfff-ffffffffffff");

    for (int seed = 0; seed < 256; seed++) {
        for (int i = 0; i < 16; i++)
            bytes[i] = (uint8_t)(seed * 31 + i * 17);
        memset(out, 'x', sizeof out);
        uuid_format(bytes, out);
        CHECK_INT(strlen(out), RECORD_UUID_LEN);
        for (int i = 0; i < RECORD_UUID_LEN; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                CHECK(out[i] == '-');
            else
                CHECK(isxdigit((unsigned char)out[i]) && !isupper((unsigned char)out[i]));
        }
        CHECK(out[14] == '4');
        CHECK(strchr("89ab", out[19]) != NULL);
    }
}

static void refcode_format_uses_only_the_alphabet_and_fixed_length(void)
{
    char out[RECORD_REF_LEN + 1];
    const uint8_t first[RECORD_REF_LEN] = {0, 1, 2, 3, 4, 5};
    refcode_format(first, out);
    CHECK_STR(out, "ACDEFH");

    /* Every byte value, six at a time, including the wrap-around at the alphabet's size. */
    for (int start = 0; start < 256; start++) {
        uint8_t bytes[RECORD_REF_LEN];
        for (int i = 0; i < RECORD_REF_LEN; i++)
            bytes[i] = (uint8_t)(start + i);
        memset(out, '?', sizeof out);
        refcode_format(bytes, out);
        CHECK_INT(strlen(out), RECORD_REF_LEN);
        for (int i = 0; i < RECORD_REF_LEN; i++)
            CHECK(out[i] != '\0' && strchr(REFCODE_ALPHABET, out[i]) != NULL);
    }
}

static void refcode_alphabet_has_no_look_alikes(void)
{
    CHECK(strpbrk(REFCODE_ALPHABET, "0O1IL2Z5S8B6GUV") == NULL);
    CHECK_INT(strlen(REFCODE_ALPHABET), 20);
}

static void iso8601_format_writes_known_instants(void)
{
    char out[ISO8601_LEN];

    iso8601_format(0, 0, out);
    CHECK_STR(out, "1970-01-01T00:00:00.000Z");

    iso8601_format(1795869105123, 0, out);
    CHECK_STR(out, "2026-11-28T12:31:45.123Z");

    /* 20:31 UTC at +08:00 is already the next local day. */
    iso8601_format(1795897905123, 8 * 60, out);
    CHECK_STR(out, "2026-11-29T04:31:45.123+08:00");

    /* 02:10 UTC at -05:30 is still the previous local day. */
    iso8601_format(1795831800000, -(5 * 60 + 30), out);
    CHECK_STR(out, "2026-11-27T20:40:00.000-05:30");

    iso8601_format(1709251199999, 0, out);
    CHECK_STR(out, "2024-02-29T23:59:59.999Z");
}

static void iso8601_format_handles_dates_before_1970(void)
{
    char out[ISO8601_LEN];

    iso8601_format(-1, 0, out);
    CHECK_STR(out, "1969-12-31T23:59:59.999Z");

    iso8601_format(-14182940000, 0, out);
    CHECK_STR(out, "1969-07-20T20:17:40.000Z");

    iso8601_format(-2208988800000, 0, out);
    CHECK_STR(out, "1900-01-01T00:00:00.000Z");

    /* The epoch seen from a negative offset is the last evening of 1969. */
    iso8601_format(0, -60, out);
    CHECK_STR(out, "1969-12-31T23:00:00.000-01:00");
}

static void record_kind_names_round_trip(void)
{
    static const char *const expected[RECORD_KIND_COUNT] = {
        "quick_rating", "feedback", "service_request", "questionnaire", "activity",
    };
    for (int k = 0; k < RECORD_KIND_COUNT; k++) {
        CHECK_STR(record_kind_name((record_kind_t)k), expected[k]);
        CHECK_INT(record_kind_from_name(record_kind_name((record_kind_t)k)), k);
    }
    CHECK_INT(record_kind_from_name("nonsense"), -1);
    CHECK_INT(record_kind_from_name(""), -1);
    CHECK_INT(record_kind_from_name(NULL), -1);
    CHECK_INT(record_kind_from_name("Feedback"), -1);
    CHECK(record_kind_name(RECORD_KIND_COUNT) != NULL);
}

static void session_outcome_names_are_the_stored_codes(void)
{
    CHECK_STR(session_outcome_name(SESSION_COMPLETED), "completed");
    CHECK_STR(session_outcome_name(SESSION_TIMED_OUT), "timed_out");
    CHECK_STR(session_outcome_name(SESSION_ABANDONED), "abandoned");
    CHECK(session_outcome_name(SESSION_OUTCOME_COUNT) != NULL);
}

static void kiosk_strerror_is_never_null(void)
{
    for (int err = -100; err <= 100; err++) {
        const char *text = kiosk_strerror(err);
        CHECK(text != NULL && text[0] != '\0');
    }
    CHECK_STR(kiosk_strerror(KIOSK_OK), "success");
    CHECK(strcmp(kiosk_strerror(KIOSK_EFULL), kiosk_strerror(KIOSK_EIO)) != 0);
}

static void record_clear_frees_and_zeroes(void)
{
    record_t rec;
    memset(&rec, 0x5a, sizeof rec);
    rec.answers_json = strdup("{}");
    rec.contact_name = strdup("Li");
    rec.contact_phone = NULL;
    record_clear(&rec);
    CHECK(rec.answers_json == NULL && rec.contact_name == NULL && rec.uuid[0] == '\0');
    record_clear(NULL);
}

int main(void)
{
    RUN(uuid_format_sets_version_variant_and_layout);
    RUN(refcode_format_uses_only_the_alphabet_and_fixed_length);
    RUN(refcode_alphabet_has_no_look_alikes);
    RUN(iso8601_format_writes_known_instants);
    RUN(iso8601_format_handles_dates_before_1970);
    RUN(record_kind_names_round_trip);
    RUN(session_outcome_names_are_the_stored_codes);
    RUN(kiosk_strerror_is_never_null);
    RUN(record_clear_frees_and_zeroes);
    return check_failures != 0;
}
