/* The pack checker as a pack author runs it: the real `kiosk --check-pack FILE` and
 * `kiosk-staff check-pack FILE`, their lines and exit statuses; and the kiosk's log when it
 * refuses a pack: the prefix once, then every diagnostic. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "pack_util.h"

static char tmp[512];

/* Runs the shell command cmd; its stdout and stderr (malloc'd, the caller frees) and status. */
static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    size_t got;
    while (out && (got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *o = realloc(out, cap *= 2);
            if (!o) {
                free(out);
                out = NULL;
            }
            out = o;
        }
    }
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (out)
        out[n] = '\0';
    return out;
}

/* Both checkers on path on day today: the same report and the same status. */
static char *check_on(const char *path, const char *today, int *status)
{
    char cmd[2048];
    int st2;
    snprintf(cmd, sizeof cmd, "KIOSK_TODAY=%s '%s' --check-pack '%s' 2>&1", today, KIOSK_BIN, path);
    char *a = run(cmd, status);
    snprintf(cmd, sizeof cmd, "KIOSK_TODAY=%s '%s' check-pack '%s' 2>&1", today, KIOSK_STAFF_BIN,
             path);
    char *b = run(cmd, &st2);
    CHECK(a && b);
    if (a && b) {
        CHECK_STR(a, b);
        CHECK_INT(st2, *status);
    }
    free(b);
    return a;
}

/* On the day the end-to-end tests fix, before every activity of the default pack. */
static char *check_both(const char *path, int *status)
{
    return check_on(path, "2026-12-02", status);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The line of the first occurrence of what in the default pack (0: none). */
static int default_line_of(const char *what)
{
    size_t len;
    char *json = read_default_pack(&len);
    const char *at = json ? strstr(json, what) : NULL;
    int line = at ? 1 : 0;
    for (const char *p = json; at && p < at; p++)
        line += *p == '\n';
    free(json);
    return line;
}

/* The default pack with the first occurrence of from replaced by to, written to path. */
static void write_default_with(const char *path, const char *from, const char *to)
{
    size_t len;
    char *json = read_default_pack(&len);
    char *at = json ? strstr(json, from) : NULL;
    FILE *f = at ? fopen(path, "wb") : NULL;
    if (f) {
        fwrite(json, 1, (size_t)(at - json), f);
        fputs(to, f);
        fputs(at + strlen(from), f);
        fclose(f);
    }
    free(json);
}

static void default_pack_is_good(void)
{
    int st;
    char *out = check_both(KIOSK_DEFAULT_PACK, &st);
    REQUIRE(out);
    CHECK_INT(st, 0);
    CHECK(strstr(out, "pack 'default', version '") != NULL);
    CHECK(strstr(out, "languages: en (English, default), zh-cn (简体中文)\n") != NULL);
    CHECK(strstr(out, "journey 'feedback' (feedback): 6 questions\n") != NULL);
    CHECK(strstr(out, "strings: every language has every string the kiosk uses\n") != NULL);
    CHECK(strstr(out, "default.json: 0 errors, 0 warnings; recorded prompts' files and fonts are "
                      "not checked here") != NULL);
    CHECK(strstr(out, ": error:") == NULL && strstr(out, ": warning:") == NULL);
    free(out);
}

/* A pack from before a staff string was added (here the chain's notice) passes: the kiosk
 * shows its built-in text, and the summary says which. */
static void staff_strings_a_pack_lacks_are_the_kiosks(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/check-no-chain.json", tmp);
    size_t len;
    char *json = read_default_pack(&len);
    char *at = json ? strstr(json, "    \"notice.chain_broken\": {") : NULL;
    char *end = at ? strstr(at, "},\n") : NULL;
    FILE *f = end ? fopen(path, "wb") : NULL;
    REQUIRE(f);
    fwrite(json, 1, (size_t)(at - json), f);
    fputs(end + 3, f);
    fclose(f);
    free(json);
    int st;
    char *out = check_both(path, &st);
    REQUIRE(out);
    CHECK_INT(st, 0);
    CHECK(strstr(out, "strings: en lacks 1 staff strings (the kiosk's built-in texts are shown): "
                      "notice.chain_broken\n") != NULL);
    CHECK(strstr(out, "zh-cn lacks") == NULL); /* listed once, under the default language */
    free(out);
}

static void past_activities_are_warnings(void)
{
    int st;
    char *out = check_on(KIOSK_DEFAULT_PACK, "2026-12-13", &st);
    REQUIRE(out);
    CHECK_INT(st, 0);
    char want[256];
    snprintf(want, sizeof want,
             "default.json:%d:17: warning: $.catalogs.activities[1].date: the activity "
             "'ACT_2026_12_TAICHI' was on 2026-12-05, before today (2026-12-13): it no longer "
             "shows\n",
             default_line_of("\"date\": \"2026-12-05\""));
    CHECK(strstr(out, want) != NULL);
    CHECK(strstr(out, "default.json: 0 errors, 3 warnings;") != NULL);
    CHECK(strstr(out, "2026-12-17, before today") == NULL);
    free(out);
}

static void every_error_listed_in_file_order(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/five.json", tmp);
    write_text(path, "{\n"
                     "  \"formatVersion\": 1,\n"
                     "  \"id\": \"five\",\n"
                     "  // a comment\n"
                     "  \"version\": \"1\"\n"
                     "  \"id\": \"again\",\n"
                     "  \"journeys\": [{\"id\": \"j\",\n"
                     "    \"pages\": [{\"elements\": [\n"
                     "      {\"name\": \"q\", \"visibleIF\": \"{a} = 1\"},\n"
                     "    ]}]}]\n"
                     "}\n");
    int st;
    char *out = check_both(path, &st);
    REQUIRE(out);
    CHECK_INT(st, 1);
    const char *want[] = {
        ":4:3: error: $: a comment: JSON has no comments",
        ":5:17: error: $: missing comma",
        ":6:3: error: $.id: duplicate key 'id' (first at line 3)",
        ":9:21: error: $.journeys[0].pages[0].elements[0].visibleIF: unknown key 'visibleIF' "
        "(did you mean 'visibleIf'?)",
        ":9:44: error: $.journeys[0].pages[0].elements: trailing comma before ']'",
        "five.json: 5 errors, 0 warnings; the pack does not load, so no summary",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *hit = strstr(at, want[i]);
        if (!hit) {
            fprintf(stderr, "missing, or out of order: %s\nin:\n%s", want[i], out);
            check_failures++;
            break;
        }
        at = hit + strlen(want[i]);
    }
    free(out);
}

static void warnings_alone_pass_and_loader_errors_have_a_line(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/warn.json", tmp);
    write_default_with(
        path, "\"strings\": {",
        "\"strings\": {\n    \"home.titel\": {\"default\": \"x\", \"zh-cn\": \"y\"},");
    int st;
    char *out = check_both(path, &st);
    REQUIRE(out);
    CHECK_INT(st, 0);
    char want[512];
    snprintf(want, sizeof want,
             "warn.json:%d:5: warning: $.strings.home.titel: string 'home.titel' is not one the "
             "kiosk uses (did you mean 'home.title'?)\n",
             default_line_of("\"strings\": {") + 1);
    CHECK(strstr(out, want) != NULL);
    CHECK(strstr(out, "warn.json: 0 errors, 1 warning;") != NULL);
    free(out);
    /* Clean JSON, a rule of the loader broken: its error, placed by its path. */
    snprintf(path, sizeof path, "%s/rule.json", tmp);
    write_default_with(path, "\"kind\": \"feedback\"", "\"kind\": \"feedbak\"");
    out = check_both(path, &st);
    REQUIRE(out);
    CHECK_INT(st, 1);
    snprintf(want, sizeof want,
             "rule.json:%d:15: error: $.journeys[0].kind: unknown journey kind 'feedbak'",
             default_line_of("\"kind\": \"feedback\""));
    CHECK(strstr(out, want) != NULL);
    CHECK(strstr(out, "rule.json: 1 error, 0 warnings;") != NULL);
    free(out);
}

static void usage_and_missing_file(void)
{
    char cmd[1024];
    int st;
    snprintf(cmd, sizeof cmd, "'%s' check-pack 2>&1", KIOSK_STAFF_BIN);
    free(run(cmd, &st));
    CHECK_INT(st, 2);
    snprintf(cmd, sizeof cmd, "'%s' check-pack '%s/none.json' 2>&1", KIOSK_STAFF_BIN, tmp);
    char *out = run(cmd, &st);
    CHECK_INT(st, 1);
    CHECK(out && strstr(out, "none.json: No such file or directory") != NULL);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' --check-pack '%s/none.json' 2>&1", KIOSK_BIN, tmp);
    free(run(cmd, &st));
    CHECK_INT(st, 1);
}

static void refused_pack_logged_once_with_every_diagnostic(void)
{
    char path[700], script[700], cmd[2400];
    snprintf(path, sizeof path, "%s/refused.json", tmp);
    write_default_with(path, "\"isRequired\"", "\"isRequried\"");
    int st;
    snprintf(cmd, sizeof cmd, "'%s' check-pack '%s' >/dev/null 2>&1", KIOSK_STAFF_BIN, path);
    free(run(cmd, &st));
    CHECK_INT(st, 1);
    /* Two mistakes: both listed after the one "rejected" line. */
    char twice[700];
    snprintf(twice, sizeof twice, "%s/refused2.json", tmp);
    size_t len;
    char *json = read_pack_file(path, &len);
    REQUIRE(json);
    char *at = strstr(json, "\"visibleIf\"");
    REQUIRE(at);
    memcpy(at, "\"visibleIF\"", 11);
    FILE *f = fopen(twice, "wb");
    REQUIRE(f);
    fwrite(json, 1, len, f);
    fclose(f);
    free(json);
    snprintf(script, sizeof script, "%s/refused.script", tmp);
    write_text(script, "expect notice yes\n");
    snprintf(cmd, sizeof cmd,
             "KIOSK_TODAY=2026-12-02 '%s' --headless --pack '%s' --db '%s/refused.db' --script "
             "'%s' 2>&1 >/dev/null",
             KIOSK_BIN, twice, tmp, script);
    char *log = run(cmd, &st);
    REQUIRE(log);
    CHECK_INT(st, 0);
    CHECK(strstr(log, "content pack rejected: content pack rejected") == NULL);
    const char *first = strstr(log, "content pack rejected: ");
    CHECK(first && !strstr(first + 1, "content pack rejected"));
    CHECK(strstr(log, "refused2.json: $.journeys[0].pages[0].elements[0].isRequried: unknown key "
                      "'isRequried' (did you mean 'isRequired'?) (line ") != NULL ||
          strstr(log, "refused2.json: $.journeys[0].pages[0].elements[0].isRequried") != NULL);
    const char *a = strstr(log, ": error: $.journeys[0].pages[0].elements[0].isRequried: unknown "
                                "key 'isRequried'");
    const char *b = strstr(log, ": error: $.journeys[0].pages[0].elements[4].visibleIF: unknown "
                                "key 'visibleIF'");
    CHECK(first && a && b && first < a && a < b);
    if (!(a && b))
        fprintf(stderr, "%s", log);
    free(log);
}

static void refused_pack_logs_fifty_then_how_many_more(void)
{
    char path[700], script[700], cmd[2400], keys[2048] = "{";
    for (int i = 0; i < 60; i++)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "\"extra%d\": %d, ", i, i);
    snprintf(path, sizeof path, "%s/sixty.json", tmp);
    write_default_with(path, "{", keys);
    snprintf(script, sizeof script, "%s/sixty.script", tmp);
    write_text(script, "expect notice yes\n");
    snprintf(cmd, sizeof cmd,
             "KIOSK_TODAY=2026-12-02 '%s' --headless --pack '%s' --db '%s/sixty.db' --script "
             "'%s' 2>&1 >/dev/null",
             KIOSK_BIN, path, tmp, script);
    int st;
    char *log = run(cmd, &st);
    REQUIRE(log);
    int n = 0;
    for (const char *p = log; (p = strstr(p, ": error: $.extra")); p++)
        n++;
    CHECK_INT(n, 50);
    CHECK(strstr(log, "$.extra49: unknown key 'extra49'") != NULL);
    CHECK(strstr(log, "$.extra50:") == NULL);
    CHECK(strstr(log, "and 10 more\n") != NULL);
    free(log);
}

int main(void)
{
    const char *t = getenv("KIOSK_TEST_TMP");
    snprintf(tmp, sizeof tmp, "%s/check_pack", t ? t : "/tmp");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
    if (system(cmd) != 0)
        return 1;
    RUN(default_pack_is_good);
    RUN(past_activities_are_warnings);
    RUN(staff_strings_a_pack_lacks_are_the_kiosks);
    RUN(every_error_listed_in_file_order);
    RUN(warnings_alone_pass_and_loader_errors_have_a_line);
    RUN(usage_and_missing_file);
    RUN(refused_pack_logged_once_with_every_diagnostic);
    RUN(refused_pack_logs_fifty_then_how_many_more);
    return check_failures != 0;
}
