/* SurveyJS surveys as SurveyJS Creator saves them (tests/data/surveyjs/), imported into the
 * default pack with kiosk-staff import-surveyjs and completed by the real kiosk from a script:
 * the stored record carries the survey's own question names and choice values, the other
 * text as "<name>-Comment" and a matrix's rows as "<name>.<row>"; what cannot be converted is
 * listed with its place; a pack the loader refuses is not written. */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "proc_util.h"

#define SURVEYS PROJECT_DIR "/tests/data/surveyjs"

/* kiosk-staff import-surveyjs NAME.json into the default pack as journey id: its exit status,
 * its standard output in out; the new pack at pack_out. */
static int import(const char *name, const char *id, char *out, size_t len, char *pack_out,
                  size_t plen)
{
    char survey[700];
    snprintf(survey, sizeof survey, "%s/%s.json", SURVEYS, name);
    snprintf(pack_out, plen, "%s/surveyjs-%s-pack.json", tmp, id);
    remove(pack_out);
    char *args[] = {"import-surveyjs", survey,  "--pack", KIOSK_PACK, "--id",
                    (char *)id,        "--out", pack_out, NULL};
    const char *kiosk = kiosk_bin;
    kiosk_bin = KIOSK_STAFF_BIN;
    char *err;
    int rc = run_kiosk(name, args, out, len, &err);
    kiosk_bin = kiosk;
    free(err);
    return rc;
}

/* Runs the kiosk on pack with the script text in lang; the answers of its one record. */
static void complete(const char *name, const char *pack, const char *lang, const char *script_text,
                     char *answers, size_t len)
{
    char script[700], db[700], out[4096];
    snprintf(script, sizeof script, "%s/%s.script", tmp, name);
    snprintf(db, sizeof db, "%s/%s.db", tmp, name);
    remove(db);
    FILE *f = fopen(script, "w");
    REQUIRE(f);
    fputs(script_text, f);
    fclose(f);
    char *args[] = {"--headless", "--pack", (char *)pack, "--db",     db,     "--lang",
                    (char *)lang, "--size", "800x480",    "--script", script, NULL};
    char *err;
    CHECK_INT(run_kiosk(name, args, out, sizeof out, &err), 0);
    free(err);
    sqlite3 *h;
    sqlite3_stmt *st;
    answers[0] = '\0';
    REQUIRE(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(h, "SELECT journey_id, answers FROM records", -1, &st, NULL) ==
            SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(answers, len, "%s %s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
    CHECK(sqlite3_step(st) == SQLITE_DONE); /* one record */
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* English default, Chinese translation: hasOther, a rating, a matrix, visibleIf on a boolean;
 * html and file left out. Completed in Chinese. */
static void the_centre_visit_survey_is_completed(void)
{
    char out[4096], pack[700], answers[2048];
    CHECK_INT(import("centre-visit", "centre_visit", out, sizeof out, pack, sizeof pack), 0);
    CHECK(strstr(out, "$.logoPosition: not supported (left out)\n") != NULL);
    CHECK(strstr(out, "$.pages[0].elements[2]: type 'html' is not supported (left out)\n"));
    CHECK(strstr(out, "$.pages[1].elements[3]: type 'file' is not supported (left out)\n"));
    CHECK(strstr(out, "journey 'centre_visit': 6 questions; 3 features left out"));
    complete("centre-visit", pack, "zh-cn",
             "press journey 4\nexpect question purpose\npress choice 3\n"
             "expect question purpose-Comment\npress next\nexpect question purpose-Comment\n"
             "text 下棋\npress next\nexpect question satisfied\npress choice 4\n"
             "expect question quality.staff\npress choice 0\nexpect question quality.rooms\n"
             "press choice 1\nexpect question again\npress choice 0\nexpect question why_not\n"
             "text 多开课\npress next\nexpect screen thanks\n",
             answers, sizeof answers);
    CHECK_STR(answers, "centre_visit {\"purpose\":\"other\",\"purpose-Comment\":\"下棋\","
                       "\"satisfied\":5,\"quality.staff\":\"good\",\"quality.rooms\":\"poor\","
                       "\"again\":false,\"why_not\":\"多开课\"}");
}

/* Chinese default ("locale": "zh-cn"), English translation: a checkbox with hasOther and
 * otherText, a dropdown, a number in a panel, a matrix of plain columns under visibleIf,
 * rateValues; signaturepad and expression left out. Completed in English. */
static void the_neighbourhood_survey_is_completed(void)
{
    char out[4096], pack[700], answers[2048];
    CHECK_INT(import("neighbourhood", "neighbourhood", out, sizeof out, pack, sizeof pack), 0);
    CHECK(strstr(out, "$.showProgressBar: not supported (left out)\n") != NULL);
    CHECK(strstr(out, "$.pages[0].elements[2]: type 'signaturepad' is not supported (left out)\n"));
    CHECK(strstr(out, "$.pages[1].elements[3]: type 'expression' is not supported (left out)\n"));
    /* A panel's questions are asked one by one; its own title is left out. */
    CHECK(strstr(out, "$.pages[1].elements[0].title: not supported (left out)\n"));
    complete("neighbourhood", pack, "en",
             "press journey 4\nexpect question help\npress choice 0\npress choice 2\n"
             "press next\nexpect question help-Comment\ntext Fix the door\npress next\n"
             "expect question often\npress choice 1\nexpect question people\ntext 2\n"
             "press next\nexpect question safety.day\npress choice 0\n"
             "expect question safety.night\npress choice 1\nexpect question lonely\n"
             "press choice 2\nexpect screen thanks\n",
             answers, sizeof answers);
    CHECK_STR(answers, "neighbourhood {\"help\":[\"shopping\",\"other\"],\"help-Comment\":"
                       "\"Fix the door\",\"often\":\"2\",\"people\":2,\"safety.day\":\"yes\","
                       "\"safety.night\":\"no\",\"lonely\":2}");
}

/* Conditions on a page and on a panel (one with "or") hold for each question of it, joined
 * with the question's own: a hidden page is skipped, a hidden panel too. Completed three ways
 * in English. */
static void page_and_panel_conditions_are_kept(void)
{
    char out[4096], pack[700], answers[2048];
    CHECK_INT(import("living-alone", "living_alone", out, sizeof out, pack, sizeof pack), 0);
    CHECK(strstr(out, "journey 'living_alone': 5 questions; 0 features left out") != NULL);
    complete("living-alone", pack, "en",
             "press journey 4\nexpect question alone\npress choice 0\nexpect question mood\n"
             "press choice 2\nexpect screen thanks\n",
             answers, sizeof answers);
    CHECK_STR(answers, "living_alone {\"alone\":false,\"mood\":3}");
    complete("living-alone", pack, "en",
             "press journey 4\nexpect question alone\npress choice 1\nexpect question visited\n"
             "press choice 2\nexpect question mood\npress choice 0\nexpect screen thanks\n",
             answers, sizeof answers);
    CHECK_STR(answers, "living_alone {\"alone\":true,\"visited\":\"rarely\",\"mood\":1}");
    complete("living-alone", pack, "en",
             "press journey 4\nexpect question alone\npress choice 1\nexpect question visited\n"
             "press choice 1\nexpect question who\ntext My son\npress next\n"
             "expect question wish\ntext Stay longer\npress next\nexpect question mood\n"
             "press choice 3\nexpect screen thanks\n",
             answers, sizeof answers);
    CHECK_STR(answers, "living_alone {\"alone\":true,\"visited\":\"monthly\",\"who\":\"My "
                       "son\",\"wish\":\"Stay longer\",\"mood\":4}");
}

/* A journey id the pack already has: the loader's reason, exit 1, nothing written. */
static void a_refused_pack_is_not_written(void)
{
    char out[4096], pack[700];
    CHECK_INT(import("centre-visit", "feedback", out, sizeof out, pack, sizeof pack), 1);
    struct stat sb;
    CHECK(stat(pack, &sb) != 0);
    char err_path[700];
    snprintf(err_path, sizeof err_path, "%s/centre-visit.stderr", tmp);
    char *err = slurp(err_path);
    CHECK(strstr(err, "the new pack is refused") && strstr(err, "duplicate journey id 'feedback'"));
    free(err);
}

/* Bad usage is 2 with the usage on stderr; a survey that is not JSON is 1, naming it. */
static void usage_and_unreadable_surveys(void)
{
    char out[4096], bad[700];
    const char *kiosk = kiosk_bin;
    kiosk_bin = KIOSK_STAFF_BIN;
    char *err;
    char *no_out[] = {
        "import-surveyjs", SURVEYS "/neighbourhood.json", "--pack", KIOSK_PACK, "--id", "x", NULL};
    CHECK_INT(run_kiosk("sj-usage", no_out, out, sizeof out, &err), 2);
    CHECK(strstr(err, "Usage: kiosk-staff import-surveyjs") != NULL);
    free(err);
    snprintf(bad, sizeof bad, "%s/sj-bad.json", tmp);
    FILE *f = fopen(bad, "w");
    REQUIRE(f);
    fputs("{\"pages\": [,]}", f);
    fclose(f);
    char *not_json[] = {"import-surveyjs",     bad, "--pack", KIOSK_PACK, "--id", "x", "--out",
                        "/nonexistent/x.json", NULL};
    CHECK_INT(run_kiosk("sj-bad", not_json, out, sizeof out, &err), 1);
    CHECK(strstr(err, "sj-bad.json: not JSON") != NULL);
    free(err);
    kiosk_bin = kiosk;
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(the_centre_visit_survey_is_completed);
    RUN(the_neighbourhood_survey_is_completed);
    RUN(page_and_panel_conditions_are_kept);
    RUN(a_refused_pack_is_not_written);
    RUN(usage_and_unreadable_surveys);
    return check_failures != 0;
}
