/* The office commands' shared helpers (tools/office/office.h): text from the data made safe
 * to show, answers as text, the growable string and arrays. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "office/office.h"

static char *clean(const char *s, size_t max_cp, lines_t lines, bool *cut)
{
    char *c = clean_dup(s, max_cp, lines, cut);
    return c ? c : strdup("(out of memory)");
}

/* Bytes that are not UTF-8 become U+FFFD one by one; control characters (C0 but the kept line
 * ends and tabs, DEL, C1) are dropped; well-formed text passes unchanged. */
static void clean_text_replaces_bad_bytes_and_drops_controls(void)
{
    static const struct {
        const char *in, *keep, *space;
    } cases[] = {
        {"plain text", "plain text", "plain text"},
        {"\xe6\x9c\x8d\xe5\x8a\xa1 ok", "\xe6\x9c\x8d\xe5\x8a\xa1 ok",
         "\xe6\x9c\x8d\xe5\x8a\xa1 ok"},
        {"a\xff"
         "b",
         "a\xef\xbf\xbd"
         "b",
         "a\xef\xbf\xbd"
         "b"},
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"cut \xe6\x9c", "cut \xef\xbf\xbd\xef\xbf\xbd", "cut \xef\xbf\xbd\xef\xbf\xbd"},
        {"c1\xc2\x85"
         "x\xc2\x9f"
         "y",
         "c1xy", "c1xy"}, /* NEL and APC: C1, dropped */
        {"bell\x07 del\x7f nul", "bell del nul", "bell del nul"},
        {"a\r\nb\rc\nd\te", "a\nb\nc\nd\te", "a b c d e"},
        {"\xc2\xa0nbsp", "\xc2\xa0nbsp", "\xc2\xa0nbsp"}, /* U+00A0: not a control */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *keep = clean(cases[i].in, 0, LINES_KEEP, NULL);
        char *space = clean(cases[i].in, 0, LINES_SPACE, NULL);
        CHECK_STR(keep, cases[i].keep);
        CHECK_STR(space, cases[i].space);
        free(keep);
        free(space);
    }
    char *none = clean(NULL, 0, LINES_KEEP, NULL);
    CHECK_STR(none, "");
    free(none);
}

/* A limit counts code points, cuts on a boundary and says that it cut. */
static void clean_text_cuts_on_code_points(void)
{
    bool cut = true;
    char *s = clean("\xe6\x9c\x8d\xe5\x8a\xa1\xe5\xbe\x88\xe5\xa5\xbd", 3, LINES_KEEP, &cut);
    CHECK_STR(s, "\xe6\x9c\x8d\xe5\x8a\xa1\xe5\xbe\x88");
    CHECK(cut);
    free(s);
    s = clean("abc", 3, LINES_KEEP, &cut);
    CHECK_STR(s, "abc");
    CHECK(!cut);
    free(s);
    s = clean("ab\x01\x02"
              "cd",
              3, LINES_KEEP, &cut); /* dropped controls do not count */
    CHECK_STR(s, "abc");
    CHECK(cut);
    free(s);
}

/* Answers as text: numbers without a needless fraction, lists joined with ';'. */
static void answers_read_as_text(void)
{
    static const struct {
        const char *json, *text;
    } cases[] = {
        {"\"WEEKLY\"", "WEEKLY"},
        {"3", "3"},
        {"-2.5", "-2.5"},
        {"true", "true"},
        {"false", "false"},
        {"null", ""},
        {"[\"A\",2,[true]]", "A;2;true"},
        {"{\"k\":1}", "{\"k\":1}"},
        {"1e20", "1e+20"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *v = cJSON_Parse(cases[i].json);
        REQUIRE(v);
        buf_t b = {0};
        add_value(&b, v);
        CHECK_STR(buf_str(&b), cases[i].text);
        CHECK(!b.oom);
        buf_free(&b);
        cJSON_Delete(v);
    }
}

/* The growable string and arrays keep what was put in, across reallocations. */
static void strings_and_arrays_grow(void)
{
    buf_t b = {0};
    CHECK_STR(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i % 10);
    CHECK(b.len == 2000 && !b.oom && strncmp(b.s, "0,1,2,", 6) == 0);
    buf_reset(&b);
    buf_puts(&b, "again");
    CHECK_STR(buf_str(&b), "again");
    buf_free(&b);

    int64_t *arr = NULL;
    size_t len = 0, cap = 0;
    for (int64_t i = 0; i < 100; i++) {
        int64_t *slot = array_push(&arr, len, &cap, sizeof *slot, 4);
        REQUIRE(slot);
        CHECK_INT(*slot, 0);
        *slot = i * i;
        len++;
    }
    CHECK_INT(cap, 128); /* doubling from 4 */
    for (size_t i = 0; i < len; i++)
        CHECK_INT(arr[i], (int64_t)(i * i));
    free(arr);
}

int main(void)
{
    RUN(clean_text_replaces_bad_bytes_and_drops_controls);
    RUN(clean_text_cuts_on_code_points);
    RUN(answers_read_as_text);
    RUN(strings_and_arrays_grow);
    return check_failures != 0;
}
