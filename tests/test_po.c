/* The translation round trip through the real kiosk-staff: po-export a pack for a new
 * language, fill the PO as a translator would (one entry fuzzy, one left empty), po-merge it,
 * load the result, and see the real kiosk show a translated screen; the summary's counts, and
 * a PO that does not parse named with its line. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "core/content.h"
#include "pack_util.h"

static char tmp[512];

static char *slurp(const char *path)
{
    size_t len;
    return read_pack_file(path, &len);
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Fills every msgstr of an exported PO with "T:" and its msgid (continuation lines and all),
 * but leaves the entry of empty_ctx untranslated and marks that of fuzzy_ctx fuzzy. */
static void fill_po(const char *in, const char *out, const char *empty_ctx, const char *fuzzy_ctx)
{
    char *po = slurp(in);
    FILE *f = fopen(out, "w");
    if (!po || !f) {
        check_failures++;
        free(po);
        if (f)
            fclose(f);
        return;
    }
    char id[8192] = "", ctx[512] = "";
    bool in_id = false;
    for (char *line = strtok(po, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "msgctxt ", 8) == 0) {
            snprintf(ctx, sizeof ctx, "%s", line + 8);
            if (strstr(ctx, fuzzy_ctx) && strlen(ctx) == strlen(fuzzy_ctx) + 2)
                fputs("#, fuzzy\n", f);
        }
        if (strncmp(line, "msgid ", 6) == 0) {
            in_id = true;
            snprintf(id, sizeof id, "%s\n", line + 6);
        } else if (in_id && line[0] == '"') {
            size_t n = strlen(id);
            snprintf(id + n, sizeof id - n, "%s\n", line);
        } else if (strcmp(line, "msgstr \"\"") == 0 && ctx[0] && !strstr(ctx, empty_ctx)) {
            in_id = false;
            fprintf(f, "msgstr \"T:\"\n%s", id);
            continue;
        } else {
            in_id = false;
        }
        fprintf(f, "%s\n", line);
    }
    fclose(f);
    free(po);
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

static void export_fill_merge_and_the_kiosk_shows_it(void)
{
    char cmd[4096], path[600];
    snprintf(cmd, sizeof cmd, "%s po-export %s zh-tw > %s/po.po 2>%s/po.err", KIOSK_STAFF_BIN,
             KIOSK_DEFAULT_PACK, tmp, tmp);
    REQUIRE(run(cmd) == 0);
    snprintf(path, sizeof path, "%s/po.po", tmp);
    char *po = slurp(path);
    REQUIRE(po);
    CHECK(strstr(po, "\"Language: zh-tw\\n\"") != NULL);
    CHECK(strstr(po, "\"Project-Id-Version: default 2026.12.1\\n\"") != NULL);
    CHECK(strstr(po, "\"Content-Type: text/plain; charset=UTF-8\\n\"") != NULL);
    CHECK(strstr(po, "msgctxt \"$.strings.home.title\"\nmsgid \"Welcome to the Community "
                     "Center\"\nmsgstr \"\"\n") != NULL);
    CHECK(strstr(po, "msgctxt \"$.journeys[0].title\"\nmsgid \"Feedback or suggestion\"\n"));
    CHECK(strstr(po, "#. {n}: the question's number; keep it as it is.\n"
                     "#. {total}: how many questions there are; keep it as it is.\n"
                     "msgctxt \"$.strings.progress\"\n") != NULL);
    CHECK(strstr(po, "#. Shown to staff only") != NULL);
    /* Neither the other language's texts nor codes are messages. */
    CHECK(strstr(po, "zh-cn\"") == NULL);
    CHECK(strstr(po, "msgid \"OTHER\"") == NULL);
    size_t entries = count(po, "\nmsgctxt ");
    CHECK(entries > 300);
    CHECK_INT(count(po, "\nmsgid "), entries); /* every message has its context */
    free(po);
    /* gettext's own checker accepts the file (where gettext is installed). */
    snprintf(cmd, sizeof cmd, "! command -v msgfmt >/dev/null || msgfmt -c -o /dev/null %s/po.po",
             tmp);
    CHECK(run(cmd) == 0);

    char filled[600], err[600];
    snprintf(filled, sizeof filled, "%s/po-filled.po", tmp);
    fill_po(path, filled, "$.strings.staff.pin_title", "$.strings.staff.pin_wrong");
    /* Without the new language's name the merge is refused, saying how to give it. */
    snprintf(err, sizeof err, "%s/po-merge.err", tmp);
    snprintf(cmd, sizeof cmd, "%s po-merge %s zh-tw %s --out %s/po.json 2>%s", KIOSK_STAFF_BIN,
             KIOSK_DEFAULT_PACK, filled, tmp, err);
    CHECK_INT(run(cmd), 2);
    char *msg = slurp(err);
    CHECK(msg && strstr(msg, "no language 'zh-tw'") && strstr(msg, "--name"));
    free(msg);
    snprintf(cmd, sizeof cmd, "%s po-merge %s zh-tw %s --name '繁體中文' --out %s/po.json 2>%s",
             KIOSK_STAFF_BIN, KIOSK_DEFAULT_PACK, filled, tmp, err);
    CHECK_INT(run(cmd), 0);
    msg = slurp(err);
    REQUIRE(msg);
    char want[200];
    snprintf(want, sizeof want,
             "zh-tw: %zu translated, 1 untranslated, 1 fuzzy (skipped), 0 obsolete\n", entries - 2);
    CHECK(strstr(msg, want) != NULL);
    CHECK(strstr(msg, "$.strings.staff.pin_title: untranslated") != NULL);
    CHECK(strstr(msg, "$.strings.staff.pin_wrong: fuzzy, skipped") != NULL);
    free(msg);

    snprintf(path, sizeof path, "%s/po.json", tmp);
    size_t len = 0;
    char *json = read_pack_file(path, &len);
    REQUIRE(json);
    content_t *c = NULL;
    content_error_t e;
    CHECK_INT(content_load(json, len, "po.json", &c, &e), 0);
    free(json);
    REQUIRE(c);
    CHECK_STR(content_language(c, 2)->name, "繁體中文");
    CHECK_STR(content_string(c, "home.title", "zh-tw"), "T:Welcome to the Community Center");
    CHECK_STR(content_text(c, &content_journey(c, 0)->title, "zh-tw"), "T:Feedback or suggestion");
    CHECK_STR(content_text(c, &content_journey(c, 0)->title, "zh-cn"), "意见与建议");
    /* The empty and the fuzzy entry: staff strings, shown in the default language. */
    CHECK_STR(content_string(c, "staff.pin_title", "zh-tw"), "Staff: enter your PIN");
    CHECK_STR(content_string(c, "staff.pin_wrong", "zh-tw"), "Wrong PIN. Try again.");
    CHECK_STR(content_string(c, "staff.pin_wait", "zh-tw"),
              "T:Too many wrong PINs. Try again in {s} s.");
    content_free(c);

    /* The real kiosk in the new language: its home screen is not the English one. */
    snprintf(cmd, sizeof cmd,
             "cd %s && rm -rf po-shots && mkdir po-shots && printf 'expect lang zh-tw\\nshot tw\\n"
             "press lang\\npress lang_choose 0\\nexpect lang en\\nshot en\\n' > po.script && "
             "rm -f po.db && %s --headless --db po.db --pack po.json --lang zh-tw --size 800x480 "
             "--script po.script --screenshots po-shots >/dev/null 2>po-kiosk.err && "
             "! cmp -s po-shots/tw.bmp po-shots/en.bmp",
             tmp, KIOSK_BIN);
    CHECK(run(cmd) == 0);
}

/* Entries whose place is gone, without a context, or whose text changed are obsolete. */
static void obsolete_entries_are_reported_and_left_out(void)
{
    char path[600], cmd[4096];
    snprintf(path, sizeof path, "%s/po-obsolete.po", tmp);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("msgid \"\"\nmsgstr \"Language: zh-cn\\n\"\n\n"
          "msgctxt \"$.strings.no.such\"\nmsgid \"Gone\"\nmsgstr \"走了\"\n\n"
          "msgid \"Back\"\nmsgstr \"回\"\n\n"
          "msgctxt \"$.strings.nav.back\"\nmsgid \"Go back\"\nmsgstr \"回去\"\n\n"
          "msgctxt \"$.strings.nav.next\"\nmsgid \"Next\"\nmsgstr \"下一个\"\n",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s po-merge %s zh-CN %s > %s/po-obsolete.json 2>%s/po-obs.err",
             KIOSK_STAFF_BIN, KIOSK_DEFAULT_PACK, path, tmp, tmp);
    CHECK_INT(run(cmd), 0);
    snprintf(path, sizeof path, "%s/po-obs.err", tmp);
    char *msg = slurp(path);
    REQUIRE(msg);
    CHECK(strstr(msg, "zh-cn: 1 translated, 0 untranslated, 0 fuzzy (skipped), 3 obsolete\n"));
    CHECK(strstr(msg, "$.strings.no.such: no such text in the pack"));
    CHECK(strstr(msg, "Back: no msgctxt"));
    CHECK(strstr(msg, "$.strings.nav.back: the pack's text changed since the export"));
    free(msg);
    snprintf(path, sizeof path, "%s/po-obsolete.json", tmp);
    size_t len = 0;
    char *json = read_pack_file(path, &len);
    REQUIRE(json);
    content_t *c = NULL;
    content_error_t e;
    CHECK_INT(content_load(json, len, "po-obsolete.json", &c, &e), 0);
    free(json);
    REQUIRE(c);
    CHECK_STR(content_string(c, "nav.next", "zh-cn"), "下一个");
    CHECK_STR(content_string(c, "nav.back", "zh-cn"), "返回");
    content_free(c);
    /* A PO made for another language is refused. */
    snprintf(path, sizeof path, "%s/po-lang.err", tmp);
    snprintf(cmd, sizeof cmd, "%s po-merge %s ug %s/po-obsolete.po --name U > /dev/null 2>%s",
             KIOSK_STAFF_BIN, KIOSK_DEFAULT_PACK, tmp, path);
    CHECK_INT(run(cmd), 1);
    msg = slurp(path);
    CHECK(msg && strstr(msg, "po-obsolete.po: its Language is 'zh-cn', not 'ug'\n"));
    free(msg);
}

/* A PO that does not parse: every error with its file and line (not only the first), status 1,
 * nothing written. */
static void a_syntax_error_names_file_and_line(void)
{
    char path[600], cmd[4096];
    snprintf(path, sizeof path, "%s/po-bad.po", tmp);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("msgid \"\"\nmsgstr \"Language: zh-cn\\n\"\n\"Content-Type: text/plain; "
          "charset=UTF-8\\n\"\n"
          "\nmsgctxt \"$.strings.nav.next\"\nmsgid \"Next\" junk\nmsgstr \"下一个\"\n"
          "\nmsgctxt \"$.strings.nav.back\"\nmsgid \"Back\"\nmsgstr \"返回\" other\n",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "rm -f %s/po-bad.json; %s po-merge %s zh-cn %s --out %s/po-bad.json "
             "2>%s/po-bad.err",
             tmp, KIOSK_STAFF_BIN, KIOSK_DEFAULT_PACK, path, tmp, tmp);
    CHECK_INT(run(cmd), 1);
    char want[700];
    snprintf(want, sizeof want, "%s:6: keyword \"junk\" unknown\n", path);
    snprintf(path, sizeof path, "%s/po-bad.err", tmp);
    char *msg = slurp(path);
    CHECK(msg && strstr(msg, want));
    snprintf(want, sizeof want, "%s/po-bad.po:11: keyword \"other\" unknown\n", tmp);
    CHECK(msg && strstr(msg, want));
    CHECK(msg && strstr(msg, " errors; nothing written"));
    free(msg);
    snprintf(path, sizeof path, "%s/po-bad.json", tmp);
    struct stat st;
    CHECK(stat(path, &st) != 0);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s", getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp");
    mkdir(tmp, 0755);
    RUN(export_fill_merge_and_the_kiosk_shows_it);
    RUN(obsolete_entries_are_reported_and_left_out);
    RUN(a_syntax_error_names_file_and_line);
    return check_failures != 0;
}
