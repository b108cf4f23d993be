/* The content pack's lint pass (core/pack_lint.h) and strict loading: each kind of mistake at
 * its line, column and path, several at once in file order, the shipped packs clean, and the
 * loader's own errors placed by their path. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/content.h"
#include "core/kerr.h"
#include "core/pack_lint.h"
#include "pack_util.h"

/* Lints text; the list is the caller's (pack_lint_free). */
static pack_lint_t lint(const char *text)
{
    pack_lint_t l;
    if (pack_lint(text, strlen(text), &l) != KIOSK_OK)
        fprintf(stderr, "pack_lint: out of memory\n");
    return l;
}

/* Lints text and keeps only the syntax errors (a small text's keys are no pack's). */
static pack_lint_t lint_syntax(const char *text)
{
    pack_lint_t l = lint(text);
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].syntax)
            l.v[k++] = l.v[i];
    l.n = l.errors = k;
    l.warnings = 0;
    return l;
}

static void dump(const pack_lint_t *l)
{
    char line[1024];
    for (size_t i = 0; i < l->n; i++) {
        pack_diag_format(&l->v[i], "t.json", line, sizeof line);
        fprintf(stderr, "  %s\n", line);
    }
}

/* Expects diagnostic i of l at line:col, path, with reason (a substring) and severity. */
static void expect_diag(const pack_lint_t *l, size_t i, int line, int col, const char *path,
                        const char *reason, pack_lint_severity_t sev)
{
    if (i >= l->n) {
        fprintf(stderr, "no diagnostic %zu (expected %s)\n", i, reason);
        dump(l);
        check_failures++;
        return;
    }
    const pack_diag_t *d = &l->v[i];
    CHECK_INT(d->line, line);
    CHECK_INT(d->col, col);
    CHECK_STR(d->path, path);
    CHECK_INT(d->severity, sev);
    if (!strstr(d->reason, reason)) {
        fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", d->reason, reason);
        check_failures++;
    }
}

/* The default pack with the first occurrence of from replaced by to; *line: the line of it. */
static char *default_with(const char *from, const char *to, int *line)
{
    size_t len;
    char *json = read_default_pack(&len);
    char *at = json ? strstr(json, from) : NULL;
    if (!at) {
        free(json);
        return NULL;
    }
    *line = 1;
    for (const char *p = json; p < at; p++)
        *line += *p == '\n';
    size_t head = (size_t)(at - json), nf = strlen(from), nt = strlen(to);
    char *out = malloc(len - nf + nt + 1);
    memcpy(out, json, head);
    memcpy(out + head, to, nt);
    memcpy(out + head + nt, at + nf, len - head - nf + 1);
    free(json);
    return out;
}

/* The column (in characters) of the first occurrence of what on its line. */
static int column_of(const char *json, const char *what)
{
    const char *at = strstr(json, what), *p = at;
    while (p > json && p[-1] != '\n')
        p--;
    int col = 1;
    for (; p < at; p++)
        col += ((unsigned char)*p & 0xc0) != 0x80;
    return col;
}

static void trailing_comma_at_the_comma(void)
{
    /* Columns count characters: the two Chinese characters are one column each. */
    pack_lint_t l = lint("{\n  \"formatVersion\": 1,\n  \"id\": \"汉字\",\n}\n");
    CHECK_INT(l.n, 1);
    CHECK_INT(l.errors, 1);
    expect_diag(&l, 0, 3, 13, "$", "trailing comma before '}'", PACK_LINT_ERROR);
    CHECK(l.n && l.v[0].syntax);
    pack_lint_free(&l);
    l = lint_syntax("{\"a\": [1, 2,\n ]}");
    expect_diag(&l, 0, 1, 12, "$.a", "trailing comma before ']'", PACK_LINT_ERROR);
    pack_lint_free(&l);
    /* content_load says it at the comma, not at the next line. */
    const char *json = "{\n  \"formatVersion\": 1,\n  \"id\": \"x\",\n}\n";
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(content_load(json, strlen(json), "t.json", &c, &err), KIOSK_EINVAL);
    CHECK_INT(err.line, 3);
    CHECK_INT(err.col, 12);
    CHECK(strstr(err.reason, "invalid JSON near line 3, column 12: trailing comma") != NULL);
}

static void other_syntax_mistakes(void)
{
    pack_lint_t l = lint_syntax("{\n  \"a\": 1\n  \"b\": \"x\n}");
    expect_diag(&l, 0, 2, 9, "$", "missing comma", PACK_LINT_ERROR);
    expect_diag(&l, 1, 3, 8, "$.b", "unterminated string", PACK_LINT_ERROR);
    CHECK_INT(l.n, 2);
    pack_lint_free(&l);
    l = lint_syntax("{\"a\": True, // no\n \"b\": 'x', c: 01}");
    expect_diag(&l, 0, 1, 7, "$.a", "write true", PACK_LINT_ERROR);
    expect_diag(&l, 1, 1, 13, "$", "a comment", PACK_LINT_ERROR);
    expect_diag(&l, 2, 2, 7, "$.b", "single quotes", PACK_LINT_ERROR);
    expect_diag(&l, 3, 2, 12, "$", "key 'c' needs double quotes", PACK_LINT_ERROR);
    expect_diag(&l, 4, 2, 15, "$.c", "'01' is not a JSON number", PACK_LINT_ERROR);
    CHECK_INT(l.n, 5);
    pack_lint_free(&l);
    l = lint_syntax("{\"a\": [1, 2}");
    /* In file order: the object left open (at its brace), then the wrong closer. */
    expect_diag(&l, 0, 1, 1, "$", "the file ends inside the object", PACK_LINT_ERROR);
    expect_diag(&l, 1, 1, 12, "$.a", "'}' closes the array opened at line 1", PACK_LINT_ERROR);
    pack_lint_free(&l);
    l = lint("");
    expect_diag(&l, 0, 1, 1, "$", "the file is empty", PACK_LINT_ERROR);
    pack_lint_free(&l);
}

static void duplicate_key_names_both_lines(void)
{
    pack_lint_t l = lint("{\n  \"title\": \"a\",\n  \"x\": 1,\n  \"title\": \"b\"\n}");
    /* Not a pack's key ("unknown key 'title'") aside, the duplicate is named with both lines. */
    size_t found = 0;
    for (size_t i = 0; i < l.n; i++)
        if (strstr(l.v[i].reason, "duplicate key 'title' (first at line 2)")) {
            CHECK_INT(l.v[i].line, 4);
            CHECK_INT(l.v[i].col, 3);
            CHECK_STR(l.v[i].path, "$.title");
            found++;
        }
    CHECK_INT(found, 1);
    pack_lint_free(&l);
    /* In the default pack: strict loading refuses it with both lines. */
    int line;
    char *json =
        default_with("\"kind\": \"feedback\",", "\"kind\": \"feedback\", \"kind\": \"x\",", &line);
    REQUIRE(json);
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(content_load(json, strlen(json), "t.json", &c, &err), KIOSK_EINVAL);
    CHECK_STR(err.path, "$.journeys[0].kind");
    char want[64];
    snprintf(want, sizeof want, "duplicate key 'kind' (first at line %d)", line);
    CHECK_STR(err.reason, want);
    CHECK_INT(err.line, line);
    free(json);
}

/* The first occurrence of key in the default pack renamed: an error at it, with the suggestion;
 * strict loading refuses the pack for it. */
static void expect_unknown(const char *key, const char *typo, const char *path_end,
                           const char *reason)
{
    int line;
    char *json = default_with(key, typo, &line);
    REQUIRE(json);
    pack_lint_t l = lint(json);
    CHECK_INT(l.errors, 1);
    CHECK_INT(l.warnings, 0);
    if (l.n == 1) {
        CHECK_INT(l.v[0].line, line);
        CHECK_INT(l.v[0].col, column_of(json, typo));
        size_t np = strlen(l.v[0].path), ne = strlen(path_end);
        CHECK(np >= ne && strcmp(l.v[0].path + np - ne, path_end) == 0);
        CHECK_STR(l.v[0].reason, reason);
    } else {
        dump(&l);
    }
    pack_lint_free(&l);
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(content_load(json, strlen(json), "t.json", &c, &err), KIOSK_EINVAL);
    CHECK_STR(err.reason, reason);
    CHECK_INT(err.line, line);
    free(json);
}

static void unknown_keys_with_suggestions(void)
{
    expect_unknown("\"visibleIf\"", "\"visibleIF\"", ".visibleIF",
                   "unknown key 'visibleIF' (did you mean 'visibleIf'?)");
    expect_unknown("\"isRequired\"", "\"isRequried\"", ".isRequried",
                   "unknown key 'isRequried' (did you mean 'isRequired'?)");
    expect_unknown("\"defaultLanguage\"", "\"defaultLang\"", "$.defaultLang",
                   "unknown key 'defaultLang'");
    expect_unknown("\"completedText\"", "\"completedTxt\"", ".completedTxt",
                   "unknown key 'completedTxt' (did you mean 'completedText'?)");
    /* A key of another question type. */
    expect_unknown("\"choicesFromCatalog\": \"services\"",
                   "\"maxLength\": 3, \"choicesFromCatalog\": \"services\"", ".maxLength",
                   "key 'maxLength' is for text and comment questions, not 'radiogroup' ones");
}

static void what_is_no_unknown_key(void)
{
    /* Language codes in localized strings, audio keys (string keys and paths of texts), catalog
     * names, and the keys another part of the kiosk reads (hasOther, page titles). */
    int line;
    char *json = default_with(
        "\"catalogs\": {",
        "\"audio\": {\"home.title\": {\"en\": \"a.ogg\"}, \"$.journeys[0].title\": {\"zh-cn\": "
        "\"b.ogg\"}}, \"catalogs\": {\"anything_at_all\": [\"A\"], ",
        &line);
    REQUIRE(json);
    pack_lint_t l = lint(json);
    CHECK_INT(l.n, 0);
    dump(&l);
    pack_lint_free(&l);
    free(json);
    l = lint(
        "{\"journeys\": [{\"pages\": [{\"name\": \"p\", \"title\": {\"default\": \"T\", \"xx\": "
        "\"t\"}, \"elements\": [{\"type\": \"radiogroup\", \"hasOther\": true, "
        "\"otherText\": \"O\"}]}]}]}");
    CHECK_INT(l.n, 0);
    dump(&l);
    pack_lint_free(&l);
    /* An unknown interface string is only a warning, with a suggestion. */
    json = default_with("\"home.title\"", "\"home.titel\"", &line);
    REQUIRE(json);
    l = lint(json);
    CHECK_INT(l.errors, 0);
    CHECK_INT(l.warnings, 1);
    if (l.n == 1)
        CHECK_STR(l.v[0].reason,
                  "string 'home.titel' is not one the kiosk uses (did you mean 'home.title'?)");
    pack_lint_free(&l);
    free(json);
}

static void nul_control_characters_and_bad_utf8(void)
{
    pack_lint_t l = lint("{\"journeys\": [{\"id\": \"a\\u0000b\", \"title\": \"x\\u0000\"}]}");
    expect_diag(&l, 0, 1, 22, "$.journeys[0].id", "a NUL character in a text", PACK_LINT_ERROR);
    expect_diag(&l, 1, 1, 43, "$.journeys[0].title", "a NUL character in a text", PACK_LINT_ERROR);
    CHECK_INT(l.n, 2);
    pack_lint_free(&l);
    /* A raw tab in a string (JSON forbids it), an escaped one in a name. */
    l = lint("{\"journeys\": [{\"id\": \"a\tb\", \"pages\": [{\"elements\": [{\"name\": "
             "\"q\\t1\", \"title\": \"t\\tt\"}]}]}]}");
    expect_diag(&l, 0, 1, 24, "$.journeys[0].id",
                "a control character in a string (U+0009 at column 24): write \\t",
                PACK_LINT_ERROR);
    expect_diag(&l, 1, 1, 62, "$.journeys[0].pages[0].elements[0].name",
                "a control character (U+0009) in a name", PACK_LINT_ERROR);
    CHECK_INT(l.n, 2); /* a tab in a title is the loader's to judge */
    pack_lint_free(&l);
    l = lint("{\"id\": \"a\\u0085\", \"catalogs\": {\"x\\u007f\": [{\"value\": \"\\u001b\"}]}}");
    expect_diag(&l, 0, 1, 8, "$.id", "(U+0085) in a name", PACK_LINT_ERROR);
    expect_diag(&l, 1, 1, 32, "$.catalogs.x\x7f", "(U+007F) in a name", PACK_LINT_ERROR);
    expect_diag(&l, 2, 1, 54, "$.catalogs.x\x7f[0].value", "(U+001B) in a name", PACK_LINT_ERROR);
    pack_lint_free(&l);
    l = lint("{\"id\": \"ok\",\n \"version\": \"\xff\xfe\"}");
    expect_diag(&l, 0, 2, 14, "$.version", "invalid UTF-8 (byte 0xFF)", PACK_LINT_ERROR);
    CHECK_INT(l.n, 1);
    pack_lint_free(&l);
}

static void five_errors_at_once_in_file_order(void)
{
    const char *json = "{\n"                                /* 1 */
                       "  \"formatVersion\": 1,\n"          /* 2 */
                       "  \"id\": \"five\",\n"              /* 3 */
                       "  // a comment\n"                   /* 4 */
                       "  \"version\": \"1\"\n"             /* 5: missing comma */
                       "  \"id\": \"again\",\n"             /* 6: duplicate */
                       "  \"journeys\": [{\"id\": \"j\",\n" /* 7 */
                       "    \"pages\": [{\"elements\": [\n" /* 8 */
                       "      {\"name\": \"q\", \"visibleIF\": \"{a} = 1\"},\n" /* 9 */
                       "    ]}]}]\n" /* 10: trailing comma above */
                       "}\n";
    pack_lint_t l = lint(json);
    CHECK_INT(l.n, 5);
    CHECK_INT(l.errors, 5);
    expect_diag(&l, 0, 4, 3, "$", "a comment", PACK_LINT_ERROR);
    expect_diag(&l, 1, 5, 17, "$", "missing comma", PACK_LINT_ERROR);
    expect_diag(&l, 2, 6, 3, "$.id", "duplicate key 'id' (first at line 3)", PACK_LINT_ERROR);
    expect_diag(&l, 3, 9, 21, "$.journeys[0].pages[0].elements[0].visibleIF",
                "unknown key 'visibleIF' (did you mean 'visibleIf'?)", PACK_LINT_ERROR);
    expect_diag(&l, 4, 9, 44, "$.journeys[0].pages[0].elements", "trailing comma before ']'",
                PACK_LINT_ERROR);
    pack_lint_free(&l);
}

static void lint_clean(const char *path)
{
    size_t len;
    char *json = read_pack_file(path, &len);
    REQUIRE(json);
    pack_lint_t l;
    CHECK_INT(pack_lint(json, len, &l), KIOSK_OK);
    CHECK_INT(l.n, 0);
    dump(&l);
    pack_lint_free(&l);
    free(json);
}

static void shipped_packs_lint_clean(void)
{
    lint_clean(KIOSK_DEFAULT_PACK);
    lint_clean(KIOSK_MULTILINGUAL_PACK);
}

static void loader_errors_are_placed_by_their_path(void)
{
    int line;
    char *json = default_with("\"type\": \"rating\"", "\"type\": \"ratings\"", &line);
    REQUIRE(json);
    content_t *c = NULL;
    content_error_t err;
    CHECK_INT(content_load(json, strlen(json), "t.json", &c, &err), KIOSK_EINVAL);
    CHECK(strstr(err.reason, "unknown question type 'ratings'") != NULL);
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, column_of(json, "\"ratings\""));
    char msg[1024];
    content_error_format(&err, msg, sizeof msg);
    char want[64];
    snprintf(want, sizeof want, "(line %d, column %d)", line, err.col);
    CHECK(strstr(msg, want) != NULL);
    free(json);
    /* A missing member: the object that lacks it. */
    const char *small = "{\"formatVersion\": 1,\n \"version\": \"1\"}";
    CHECK_INT(content_load(small, strlen(small), "t.json", &c, &err), KIOSK_EINVAL);
    CHECK_STR(err.path, "$.id");
    CHECK_INT(err.line, 1);
    CHECK_INT(err.col, 1);
    /* pack_lint_locate directly: a value, an array item, a path through a dotted key. */
    size_t len;
    json = read_default_pack(&len);
    REQUIRE(json);
    int l2, c2;
    CHECK(pack_lint_locate(json, len, "$.strings.home.title.zh-cn", &l2, &c2));
    const char *at = strstr(json, "\"home.title\"");
    int want_line = 1;
    for (const char *p = json; p < at; p++)
        want_line += *p == '\n';
    CHECK(l2 == want_line || l2 == want_line + 1 || l2 == want_line + 2);
    CHECK(pack_lint_locate(json, len, "$.journeys[1].pages[0].elements[0]", &l2, &c2));
    CHECK(!pack_lint_locate("", 0, "$", &l2, &c2));
    free(json);
}

int main(void)
{
    RUN(trailing_comma_at_the_comma);
    RUN(other_syntax_mistakes);
    RUN(duplicate_key_names_both_lines);
    RUN(unknown_keys_with_suggestions);
    RUN(what_is_no_unknown_key);
    RUN(nul_control_characters_and_bad_utf8);
    RUN(five_errors_at_once_in_file_order);
    RUN(shipped_packs_lint_clean);
    RUN(loader_errors_are_placed_by_their_path);
    return check_failures != 0;
}
