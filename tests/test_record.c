/* Tests of the record helpers: identifiers, reference codes, timestamps and names. */
#include "check.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"
#include "core/record.h"
#include "core/record_json.h"

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

/* A service request as the kiosk stores it, with contact details given with consent. */
static record_t sample_record(void)
{
    record_t rec = {0};
    rec.kind = RECORD_SERVICE_REQUEST;
    snprintf(rec.uuid, sizeof rec.uuid, "%s", "0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b");
    snprintf(rec.journey_id, sizeof rec.journey_id, "%s", "service_request");
    snprintf(rec.kiosk_id, sizeof rec.kiosk_id, "%s", "library-1");
    snprintf(rec.pack_id, sizeof rec.pack_id, "%s", "default");
    snprintf(rec.pack_version, sizeof rec.pack_version, "%s", "2026.11.1");
    snprintf(rec.lang, sizeof rec.lang, "%s", "zh-cn");
    snprintf(rec.ref_code, sizeof rec.ref_code, "%s", "3NJF47");
    rec.answers_json = strdup("{\"service\":\"STREETLIGHT\",\"urgency\":\"SOON\"}");
    rec.contact_name = strdup("Li Wei");
    rec.contact_phone = strdup("13800138000");
    rec.consent = true;
    rec.time = (record_time_t){.utc_ms = 1795000000123,
                               .offset_min = 480,
                               .clock_synced = true,
                               .mono_ms = 4321,
                               .boot = 7};
    return rec;
}

/* The export bundle's line: every field, the contact in clear; read back to the same record. */
static void bundle_json_keeps_every_field_and_reads_back(void)
{
    record_t rec = sample_record();
    char *line = NULL;
    REQUIRE(record_to_json(&rec, &line) == KIOSK_OK);
    CHECK_STR(line,
              "{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b\",\"kind\":\"service_request\","
              "\"journey\":\"service_request\",\"kioskId\":\"library-1\",\"pack\":\"default\","
              "\"packVersion\":\"2026.11.1\",\"lang\":\"zh-cn\",\"answers\":{\"service\":"
              "\"STREETLIGHT\",\"urgency\":\"SOON\"},\"ref\":\"3NJF47\",\"utcMs\":1795000000123,"
              "\"offsetMin\":480,\"clockSynced\":true,\"monoMs\":4321,\"boot\":7,"
              "\"misuse\":false,\"contact\":{\"name\":\"Li Wei\",\"phone\":\"13800138000\"}}");
    record_t back;
    content_error_t err;
    REQUIRE(record_from_json(line, strlen(line), &back, &err) == KIOSK_OK);
    CHECK_STR(back.uuid, rec.uuid);
    CHECK_INT(back.kind, rec.kind);
    CHECK_STR(back.journey_id, rec.journey_id);
    CHECK_STR(back.kiosk_id, rec.kiosk_id);
    CHECK_STR(back.pack_id, rec.pack_id);
    CHECK_STR(back.pack_version, rec.pack_version);
    CHECK_STR(back.lang, rec.lang);
    CHECK_STR(back.ref_code, rec.ref_code);
    CHECK_STR(back.answers_json, rec.answers_json);
    CHECK_STR(back.contact_name, rec.contact_name);
    CHECK_STR(back.contact_phone, rec.contact_phone);
    CHECK(back.consent && !back.misuse && back.time.clock_synced);
    CHECK_INT(back.time.utc_ms, rec.time.utc_ms);
    CHECK_INT(back.time.offset_min, rec.time.offset_min);
    CHECK_INT(back.time.mono_ms, rec.time.mono_ms);
    CHECK_INT(back.time.boot, rec.time.boot);
    record_clear(&back);
    free(line);
    record_clear(&rec);
}

/* record_from_json() refuses what an export never holds, naming the key. */
static void bundle_json_refuses_bad_lines(void)
{
    static const struct {
        const char *line, *path;
    } bad[] = {
        {"[]", "$"},
        {"{\"uuid\":\"short\"}", "$.uuid"},
        {"{\"kind\":\"nonsense\"}", "$.kind"},
        {"{\"answers\":[1]}", "$.answers"},
        {"{\"ref\":\"0OIL12\"}", "$.ref"},
        {"{\"offsetMin\":1441}", "$.offsetMin"},
        {"{\"utcMs\":1.5}", "$.utcMs"},
        {"{\"clockSynced\":1}", "$.clockSynced"},
        {"{\"misuse\":\"no\"}", "$.misuse"},
        {"{\"contact\":{}}", "$.contact"},
        {"{\"contact\":{\"name\":3}}", "$.contact"},
        {"{\"lang\":\"a\\u0001b\"}", "$.lang"},
        {"{\"colour\":\"red\"}", "$.colour"},
        {"{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b\",\"answers\":{}}", "$"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        record_t rec;
        content_error_t err;
        CHECK_INT(record_from_json(bad[i].line, strlen(bad[i].line), &rec, &err), KIOSK_EINVAL);
        CHECK_STR(err.path, bad[i].path);
        CHECK(rec.answers_json == NULL && rec.contact_name == NULL);
    }
}

/* --print-records: readable keys, and the contact details masked (all but the phone's last two
 * characters), byte for byte as the kiosk has always printed them. */
static void listing_json_masks_the_contact(void)
{
    record_t rec = sample_record();
    char *line = NULL;
    REQUIRE(record_json_write(&rec, RECORD_JSON_LISTING, &line) == KIOSK_OK);
    CHECK_STR(line,
              "{\"uuid\":\"0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b\",\"kind\":\"service_request\","
              "\"journey\":\"service_request\",\"lang\":\"zh-cn\",\"pack\":\"default\","
              "\"pack_version\":\"2026.11.1\",\"time\":\"2026-11-18T19:06:40.123+08:00\","
              "\"clock_synced\":true,\"boot\":7,\"mono_ms\":4321,\"answers\":{\"service\":"
              "\"STREETLIGHT\",\"urgency\":\"SOON\"},\"ref\":\"3NJF47\",\"contact\":{\"name\":"
              "true,\"phone\":\"*********00\"}}");
    CHECK(strstr(line, "Li Wei") == NULL && strstr(line, "138") == NULL);
    free(line);

    /* No name, a short phone, misuse flagged, answers that do not parse: left out. */
    free(rec.contact_name);
    rec.contact_name = NULL;
    free(rec.contact_phone);
    rec.contact_phone = strdup("+86 21-555");
    rec.misuse = true;
    rec.ref_code[0] = '\0';
    free(rec.answers_json);
    rec.answers_json = strdup("{broken");
    REQUIRE(record_json_write(&rec, RECORD_JSON_LISTING, &line) == KIOSK_OK);
    CHECK(strstr(line, "\"misuse\":true,\"mono_ms\":4321,\"contact\":{\"name\":false,\"phone\":"
                       "\"********55\"}}") != NULL);
    CHECK(strstr(line, "answers") == NULL && strstr(line, "\"ref\"") == NULL);
    free(line);

    /* Consent without details: the object says so; no consent: no contact at all. */
    free(rec.contact_phone);
    rec.contact_phone = NULL;
    REQUIRE(record_json_write(&rec, RECORD_JSON_LISTING, &line) == KIOSK_OK);
    CHECK(strstr(line, "\"contact\":{\"name\":false,\"phone\":\"\"}") != NULL);
    free(line);
    rec.consent = false;
    rec.contact_phone = strdup("13800138000");
    REQUIRE(record_json_write(&rec, RECORD_JSON_LISTING, &line) == KIOSK_OK);
    CHECK(strstr(line, "contact") == NULL);
    free(line);
    record_clear(&rec);
}

/* The bundle form refuses answers that are not an object; the listing shows what it can. */
static void bundle_json_refuses_answers_that_are_not_an_object(void)
{
    record_t rec = sample_record();
    free(rec.answers_json);
    rec.answers_json = strdup("[1,2]");
    char *line = (char *)"untouched";
    CHECK_INT(record_to_json(&rec, &line), KIOSK_EINVAL);
    CHECK(line == NULL);
    REQUIRE(record_json_write(&rec, RECORD_JSON_LISTING, &line) == KIOSK_OK);
    CHECK(strstr(line, "\"answers\":[1,2]") != NULL);
    free(line);
    record_clear(&rec);
}

/* The export's streaming writer against the tree writer: the same bytes (and a newline) for
 * every record, including text needing escapes, answers in and out of cJSON's own form, and
 * numbers too large for plain digits; the same refusal of answers that are not an object. */
static void bundle_append_writes_the_tree_writers_bytes(void)
{
    static const char *const answers[] = {
        NULL,
        "{}",
        "{\"a\":1}",
        "{\"a\":-7,\"b\":[true,false,null,[],{}],\"c\":{\"d\":\"e\"}}",
        "{ \"spaced\" : 1 }",
        "{\"u\":\"\\u00e9\\u0001\"}",
        "{\"s\":\"a\\/b\"}",
        "{\"esc\":\"\\\"\\\\\\b\\f\\n\\r\\t\"}",
        "{\"f\":1.5}",
        "{\"big\":12345678901}",
        "{\"e\":1e3}",
        "{\"z\":-0}",
        "{\"lead\":0}",
        "{\"zero\":01}",
        "{\"k\":1}junk",
        "{\"raw\":\"a\tb\"}",
        "{\"hi\":\"\xe4\xb8\xad\xff\"}",
        "{\"dup\":1,\"dup\":2}",
        "\xef\xbb\xbf{}",
        "[1,2]",
        "\"text\"",
        "{broken",
        "",
        "{\"n\":[1,2,3],\"m\":-123456789}",
        "{\"d\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
        "{\"sealed\":\"sealed:1:QUJD+/=\"}"};
    static const int64_t numbers[] = {0,
                                      -1,
                                      4321,
                                      2147483647,
                                      2147483648LL,
                                      -2147483649LL,
                                      1795000000123,
                                      999999999999999,
                                      1000000000000000,
                                      -1000000000000000,
                                      9007199254740993LL,
                                      INT64_MAX,
                                      INT64_MIN};
    static const char *const texts[] = {"",
                                        "plain",
                                        "q\"uote",
                                        "back\\slash",
                                        "\x01\x1f\x7f",
                                        "tab\there\nnew",
                                        "\xe4\xb8\xad\xe6\x96\x87",
                                        "\xc3\x28"};
    const size_t na = sizeof answers / sizeof answers[0], nn = sizeof numbers / sizeof numbers[0],
                 nt = sizeof texts / sizeof texts[0];
    record_buf_t buf = {0};
    for (size_t i = 0; i < na * nn * 2; i++) {
        record_t rec = sample_record();
        free(rec.answers_json);
        rec.answers_json = answers[i % na] ? strdup(answers[i % na]) : NULL;
        rec.time.utc_ms = numbers[i % nn];
        rec.time.mono_ms = numbers[(i / 3) % nn];
        rec.time.boot = numbers[(i / 7) % nn];
        rec.time.offset_min = (int32_t)(i % 3 == 0 ? -480 : (int)i);
        rec.time.clock_synced = i % 2;
        rec.misuse = i % 5 == 0;
        rec.consent = i % 4 != 0;
        rec.kind = (record_kind_t)(i % RECORD_KIND_COUNT);
        snprintf(rec.journey_id, sizeof rec.journey_id, "%s", texts[i % nt]);
        snprintf(rec.lang, sizeof rec.lang, "%s", texts[(i / 2) % nt]);
        if (i % 6 == 0)
            rec.ref_code[0] = '\0';
        free(rec.contact_name);
        rec.contact_name = i % 3 == 1 ? NULL : strdup(texts[(i / 5) % nt]);
        free(rec.contact_phone);
        rec.contact_phone = i % 7 == 2 ? NULL : strdup(texts[(i / 11) % nt]);
        char *want = NULL;
        const int want_rc = record_to_json(&rec, &want);
        const size_t before = buf.len;
        const int got_rc = record_bundle_append(&rec, &buf);
        CHECK_INT(got_rc, want_rc);
        if (want_rc == KIOSK_OK && got_rc == KIOSK_OK) {
            const size_t n = strlen(want);
            CHECK_INT(buf.len - before, n + 1);
            if (buf.len - before == n + 1 &&
                (memcmp(buf.bytes + before, want, n) != 0 || buf.bytes[before + n] != '\n')) {
                fprintf(stderr, "record %zu differs:\n want %s\n got  %.*s\n", i, want, (int)n,
                        buf.bytes + before);
                CHECK(false);
            }
        } else {
            CHECK_INT(buf.len, before); /* a refused record leaves nothing behind */
        }
        free(want);
        record_clear(&rec);
    }
    CHECK(buf.len > 100000); /* lines accumulate across records */
    free(buf.bytes);
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
    RUN(bundle_json_keeps_every_field_and_reads_back);
    RUN(bundle_json_refuses_bad_lines);
    RUN(listing_json_masks_the_contact);
    RUN(bundle_json_refuses_answers_that_are_not_an_object);
    RUN(bundle_append_writes_the_tree_writers_bytes);
    return check_failures != 0;
}
