/* End to end: the real kiosk binary, headless, driven by a script through every journey in
 * both languages and at 800x480 and 720x1280; then the SQLite file is opened and every stored
 * record checked field by field. Also: a bad content pack, an unusable database path, and a
 * disk that fills up under the kiosk (a size-limited tmpfs, when run as root). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc_util.h"
#include "core/record.h"
#define KIOSK_DEFAULT_PACK KIOSK_PACK
#include "pack_util.h"

/* ---- reading the database back ---- */

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : NULL;
}

static void check_records(const char *db_path, const char *lang, int64_t t0, int64_t t1)
{
    sqlite3 *db;
    REQUIRE(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT r.kind, r.journey_id, r.lang, r.kiosk_id, r.pack_id, "
                               "r.pack_version, r.answers, r.ref_code, r.created_utc, r.utc_ms, "
                               "r.utc_offset_min, r.clock_synced, r.mono_ms, r.uuid, c.name, "
                               "c.phone, c.consent FROM records r LEFT JOIN contacts c ON "
                               "c.record_id = r.id ORDER BY r.id",
                               -1, &st, NULL) == SQLITE_OK);
    size_t n = 0;
    int64_t last_mono = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        REQUIRE(n < sizeof journeys_expected / sizeof journeys_expected[0]);
        const expected_t *e = &journeys_expected[n++];
        CHECK_STR(col(st, 0), e->kind);
        CHECK_STR(col(st, 1), e->journey);
        CHECK_STR(col(st, 2), lang);
        CHECK_STR(col(st, 3), "e2e-kiosk");
        CHECK_STR(col(st, 4), "default");
        CHECK_STR(col(st, 5), "2026.12.1");
        CHECK_STR(col(st, 6), e->answers);
        const char *ref = col(st, 7);
        if (e->ref) {
            CHECK(ref && strlen(ref) == RECORD_REF_LEN &&
                  strspn(ref, REFCODE_ALPHABET) == RECORD_REF_LEN);
        } else {
            CHECK(ref == NULL);
        }
        /* Time: UTC in ISO 8601, the stored milliseconds within the run, a local offset. */
        int64_t utc = sqlite3_column_int64(st, 9);
        CHECK(utc >= t0 && utc <= t1);
        char iso[ISO8601_LEN];
        iso8601_format(utc, 0, iso);
        CHECK_STR(col(st, 8), iso);
        time_t secs = (time_t)(utc / 1000);
        struct tm tm;
        localtime_r(&secs, &tm);
        CHECK_INT(sqlite3_column_int(st, 10), tm.tm_gmtoff / 60);
        int synced = sqlite3_column_int(st, 11);
        CHECK(synced == 0 || synced == 1);
        int64_t mono = sqlite3_column_int64(st, 12);
        CHECK(mono > 0 && mono >= last_mono);
        last_mono = mono;
        const char *uuid = col(st, 13);
        CHECK(uuid && strlen(uuid) == RECORD_UUID_LEN && uuid[14] == '4');
        CHECK_STR(col(st, 14) ? col(st, 14) : "(none)", e->name ? e->name : "(none)");
        CHECK_STR(col(st, 15) ? col(st, 15) : "(none)", e->phone ? e->phone : "(none)");
        if (e->phone)
            CHECK_INT(sqlite3_column_int(st, 16), 1);
        /* Contact details never sit among the answers. */
        CHECK(!e->phone || !strstr(col(st, 6), e->phone));
    }
    CHECK_INT(n, sizeof journeys_expected / sizeof journeys_expected[0]);
    sqlite3_finalize(st);
    /* How sessions ended is counted. */
    static const struct {
        const char *journey, *outcome;
        int count;
    } counts[] = {
        {"quick_rating", "completed", 2},    {"feedback", "completed", 1},
        {"feedback", "abandoned", 1},        {"service_request", "completed", 1},
        {"service_request", "timed_out", 1}, {"needs_survey_2026", "completed", 1},
        {"activities", "completed", 1},
    };
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT sum(count) FROM session_outcomes WHERE journey_id = ? "
                               "AND outcome = ?",
                               -1, &st, NULL) == SQLITE_OK);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        sqlite3_bind_text(st, 1, counts[i].journey, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, counts[i].outcome, -1, SQLITE_STATIC);
        CHECK(sqlite3_step(st) == SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != counts[i].count)
            fprintf(stderr, "  %s %s counted %d, expected %d\n", counts[i].journey,
                    counts[i].outcome, sqlite3_column_int(st, 0), counts[i].count);
        CHECK_INT(sqlite3_column_int(st, 0), counts[i].count);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Turns the BMP screenshots of a directory into PNG files when ImageMagick is there. */
static int count_and_convert(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    bool convert = access("/usr/bin/convert", X_OK) == 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".bmp") != 0)
            continue;
        n++;
        if (!convert)
            continue;
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "convert '%s/%s' '%s/%.*s.png' && rm '%s/%s'", dir, e->d_name,
                 dir, (int)(l - 4), e->d_name, dir, e->d_name);
        if (system(cmd) != 0)
            fprintf(stderr, "  convert failed for %s\n", e->d_name);
    }
    closedir(d);
    return n;
}

static void every_journey_in(const char *lang, const char *size)
{
    char name[64], db[700], shots[700];
    snprintf(name, sizeof name, "journeys-%s-%s", lang, size);
    snprintf(db, sizeof db, "%s/%s.db", tmp, name);
    snprintf(shots, sizeof shots, "%s/screenshots/%s", tmp, name);
    unlink(db);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", shots, shots);
    CHECK(system(cmd) == 0);
    char *args[] = {"--headless",
                    "--lang",
                    (char *)lang,
                    "--size",
                    (char *)size,
                    "--db",
                    db,
                    "--kiosk-id",
                    "e2e-kiosk",
                    "--script",
                    KIOSK_SCRIPTS "/journeys.script",
                    "--screenshots",
                    shots,
                    NULL};
    proc_t p;
    int64_t t0 = wall_ms();
    REQUIRE(start(&p, name, args));
    static char out[1 << 16];
    int status = finish(&p, out, sizeof out);
    int64_t t1 = wall_ms();
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err);
    CHECK_INT(status, 0);
    /* The thank-you moment is logged after each save, never before. */
    CHECK_INT(count_of(out, "event=saved"), 6);
    CHECK(count_of(out, "event=thanks") >= 6);
    const char *saved = strstr(out, "event=saved kind=feedback");
    CHECK(saved && strstr(saved, "event=thanks"));
    CHECK(!strstr(err, "does not fit"));
    check_records(db, lang, t0, t1);
    int shots_n = count_and_convert(shots);
    CHECK(shots_n >= 40);
    free(err);
}

static void every_journey_end_to_end(void)
{
    const char *langs[] = {"en", "zh-cn"};
    const char *sizes[] = {"800x480", "720x1280"};
    for (size_t l = 0; l < 2; l++)
        for (size_t s = 0; s < 2; s++)
            every_journey_in(langs[l], sizes[s]);
}

/* A panel mounted sideways: taps are injected at panel pixels and must land on the logical
 * targets after the rotation is undone, at every angle. */
static void rotated_panels_map_touches(void)
{
    char script[700];
    snprintf(script, sizeof script, "%s/rotate.script", tmp);
    REQUIRE(write_file(script, "press face 3\nexpect screen question\npress choice 2\n"
                               "expect screen thanks\npress done\npress journey 3\n"
                               "expect question activity\npress choice 1\n"
                               "expect question action\npress home\nexpect overlay leave\n"));
    const char *angles[] = {"90", "180", "270"};
    const char *panels[] = {"480x800", "800x480", "720x1280"};
    for (size_t i = 0; i < 3; i++) {
        char db[700], name[64];
        snprintf(name, sizeof name, "rotate-%s", angles[i]);
        snprintf(db, sizeof db, "%s/%s.db", tmp, name);
        unlink(db);
        char *args[] = {"--headless", "--size", (char *)panels[i], "--rotate", (char *)angles[i],
                        "--db",       db,       "--script",        script,     NULL};
        proc_t p;
        REQUIRE(start(&p, name, args));
        static char out[4096];
        int status = finish(&p, out, sizeof out);
        if (status != 0) {
            char *err = slurp(p.err_path);
            fprintf(stderr, "  rotation %s: %s", angles[i], err);
            free(err);
        }
        CHECK_INT(status, 0);
        CHECK(strstr(out, "event=updated kind=quick_rating") != NULL);
    }
}

/* Paths of a run named name in the test directory: a fresh database, its script and an empty
 * screenshot directory. */
static void fresh_run(const char *name, char db[700], char script[700], char shots[700])
{
    snprintf(db, 700, "%s/%s.db", tmp, name);
    snprintf(script, 700, "%s/%s.script", tmp, name);
    snprintf(shots, 700, "%s/screenshots/%s", tmp, name);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'-wal '%s'-shm '%s'-head '%s' && mkdir -p '%s'", db,
             db, db, db, shots, shots);
    CHECK(system(cmd) == 0);
}

/* The colour of pixel (x, y) of an uncompressed 24- or 32-bit BMP as SDL saves it. */
static bool bmp_pixel(const char *path, int x, int y, unsigned char rgb[3])
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    unsigned char h[54];
    bool ok = fread(h, 1, sizeof h, fp) == sizeof h && h[0] == 'B' && h[1] == 'M';
    uint32_t off =
        (uint32_t)h[10] | (uint32_t)h[11] << 8 | (uint32_t)h[12] << 16 | (uint32_t)h[13] << 24;
    int32_t w = (int32_t)((uint32_t)h[18] | (uint32_t)h[19] << 8 | (uint32_t)h[20] << 16 |
                          (uint32_t)h[21] << 24);
    int32_t ht = (int32_t)((uint32_t)h[22] | (uint32_t)h[23] << 8 | (uint32_t)h[24] << 16 |
                           (uint32_t)h[25] << 24);
    int bpp = h[28] / 8;
    ok = ok && (bpp == 3 || bpp == 4) && x < w && y < (ht < 0 ? -ht : ht);
    long stride = ((long)w * bpp + 3) / 4 * 4;
    long row = ht > 0 ? ht - 1 - y : y; /* positive height: bottom-up */
    unsigned char px[4];
    ok = ok && fseek(fp, (long)off + row * stride + (long)x * bpp, SEEK_SET) == 0 &&
         fread(px, 1, (size_t)bpp, fp) == (size_t)bpp;
    fclose(fp);
    if (ok) { /* stored blue, green, red */
        rgb[0] = px[2];
        rgb[1] = px[1];
        rgb[2] = px[0];
    }
    return ok;
}

/* Runs a script of assets/scripts/ on a fresh database; the kiosk's exit status. */
static int run_asset_script(const char *name, char db[700])
{
    char script[700], shots[700];
    fresh_run(name, db, script, shots);
    snprintf(script, sizeof script, "%s/%s.script", KIOSK_SCRIPTS, name);
    char *args[] = {"--headless", "--lang", "en",     "--db",    db,
                    "--script",   script,   "--size", "800x480", NULL};
    proc_t p;
    if (!start(&p, name, args))
        return -1;
    char *err = NULL;
    int status = finish(&p, NULL, 0);
    if (status != 0 && (err = slurp(p.err_path)))
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err);
    free(err);
    return status;
}

/* The answers of every stored record, in order, joined by " | ". */
static void stored_answers(const char *db_path, char *out, size_t len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    out[0] = '\0';
    REQUIRE(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(db, "SELECT answers FROM records ORDER BY id", -1, &st, NULL) ==
            SQLITE_OK);
    for (size_t o = 0; sqlite3_step(st) == SQLITE_ROW;) {
        int n = snprintf(out + o, len - o, "%s%s", o ? " | " : "", col(st, 0));
        o = n < 0 || (size_t)n >= len - o ? len - 1 : o + (size_t)n;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The language and large text a resident chose survive Home and Back and end with the visit;
 * the reference code stays until noted or the idle timeout; Enter goes on (visit.script). */
static void a_visit_keeps_its_choices_until_it_ends(void)
{
    char db[700], answers[1024];
    CHECK_INT(run_asset_script("visit", db), 0);
    stored_answers(db, answers, sizeof answers);
    CHECK_STR(answers, "{\"service\":\"PSY_COUNSEL\",\"forWhom\":\"SELF\",\"urgency\":"
                       "\"URGENT\",\"consent\":false} | {\"topic\":\"FACILITIES\",\"rating\":1,"
                       "\"comment\":\"warm\",\"contactOk\":false} | {\"service\":\"PSY_COUNSEL\","
                       "\"forWhom\":\"SELF\",\"urgency\":\"URGENT\",\"consent\":false}");
}

/* A double tap on a face stores one answer, not the follow-up too (double-tap.script). */
static void a_double_tap_stores_one_answer(void)
{
    char db[700], answers[1024];
    CHECK_INT(run_asset_script("double-tap", db), 0);
    stored_answers(db, answers, sizeof answers);
    CHECK_STR(answers, "{\"rating\":1}");
}

/* The display choices, through the real program and renderer: high contrast turns the ground
 * black in the very next frame, and the idle home screen gives the next resident the normal
 * display back. */
static void display_choices_reach_the_screen_and_end(void)
{
    char script[700], db[700], shots[700];
    fresh_run("display", db, script, shots);
    REQUIRE(write_file(script, "expect display normal\npress display\nexpect overlay display\n"
                               "press large_text\npress high_contrast\n"
                               "expect display large,contrast\npress display_done\n"
                               "expect overlay none\nwait 61000\nexpect display normal\n"));
    char *args[] = {"--headless", "--db", db, "--script", script, "--screenshots", shots, NULL};
    proc_t p;
    REQUIRE(start(&p, "display", args));
    CHECK_INT(finish(&p, NULL, 0), 0);
    /* Before, and once the prompt has closed (002 is the prompt itself). */
    const char *names[] = {"001-home-en-800x480.bmp", "003-home-en-800x480.bmp"};
    unsigned char want[2][3] = {{0xf4, 0xf1, 0xea}, {0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", shots, names[i]);
        unsigned char rgb[3] = {1, 2, 3};
        CHECK(bmp_pixel(path, 2, 240, rgb)); /* the left margin, below the top bar */
        if (memcmp(rgb, want[i], 3) != 0)
            fprintf(stderr, "  %s: ground is %02x%02x%02x\n", names[i], rgb[0], rgb[1], rgb[2]);
        CHECK(memcmp(rgb, want[i], 3) == 0);
    }
}

/* The language codes of the stored records, in order, joined by " ". */
static void stored_langs(const char *db_path, char *out, size_t len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    out[0] = '\0';
    REQUIRE(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(db, "SELECT lang FROM records ORDER BY id", -1, &st, NULL) ==
            SQLITE_OK);
    for (size_t o = 0; sqlite3_step(st) == SQLITE_ROW;) {
        int n = snprintf(out + o, len - o, "%s%s", o ? " " : "", col(st, 0));
        o = n < 0 || (size_t)n >= len - o ? len - 1 : o + (size_t)n;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The default pack with zh-TW and ug-test (right to left) beside en and zh-cn. */
static void m_four_languages(cJSON *r)
{
    pack_add_language(r, "zh-TW", "繁體中文", NULL, "");
    pack_add_language(r, "ug-test", "ئۇيغۇرچە", "rtl", "");
}

/* --lang in any case, and the picker by touch and by keys (languages.script), through the real
 * program: the records keep the pack's spelling of each language chosen. */
static void languages_in_any_case_and_the_picker(void)
{
    char db[700], script[700], shots[700], pack[700], langs[256];
    fresh_run("languages", db, script, shots);
    snprintf(pack, sizeof pack, "%s/languages.json", tmp);
    size_t len;
    char *json = read_default_pack(&len);
    REQUIRE(json);
    cJSON *root = cJSON_Parse(json);
    free(json);
    REQUIRE(root);
    m_four_languages(root);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    REQUIRE(write_file(pack, text));
    free(text);
    snprintf(script, sizeof script, "%s/languages.script", KIOSK_SCRIPTS);
    char *args[] = {"--headless", "--lang",   "ZH-tw", "--pack", pack,      "--db",
                    db,           "--script", script,  "--size", "800x480", "--screenshots",
                    shots,        NULL};
    proc_t p;
    REQUIRE(start(&p, "languages", args));
    int status = finish(&p, NULL, 0);
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err ? err : "");
    CHECK_INT(status, 0);
    CHECK(!err || !strstr(err, "not in the pack"));
    free(err);
    stored_langs(db, langs, sizeof langs);
    CHECK_STR(langs, "ug-test en");
    CHECK(count_and_convert(shots) >= 3);
}

/* The real program's output of a shell command (for kiosk --hash-pin). */
static bool run_capture(const char *cmd, char *out, size_t len)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
    return pclose(p) == 0;
}

/* Getting in with the staff button and a PIN: a resident's unfinished session ends as
 * abandoned, wrong PINs are logged and then wait, the right PIN shows the store's figures,
 * and the screens close themselves. The PIN is provisioned as a hash, never in clear. */
static void staff_pin_ways_in(void)
{
    char hash[256], cmd[2400], cfg[700], db[700], script[700], shots[700], text[800];
    snprintf(cmd, sizeof cmd, "echo 246810 | '%s' --hash-pin", kiosk_bin);
    REQUIRE(run_capture(cmd, hash, sizeof hash));
    CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    CHECK(!strstr(hash, "246810"));
    snprintf(cmd, sizeof cmd, "echo 12ab | '%s' --hash-pin 2>/dev/null", kiosk_bin);
    CHECK(!run_capture(cmd, text, sizeof text)); /* not a PIN */
    /* A PIN in clear in the configuration is refused, naming the file and the place. */
    snprintf(cfg, sizeof cfg, "%s/staff-clear.json", tmp);
    REQUIRE(write_file(cfg, "{\"staff\": {\"pinHash\": \"246810\"}}\n"));
    snprintf(cmd, sizeof cmd, "'%s' --headless --config '%s' 2>&1 >/dev/null", kiosk_bin, cfg);
    CHECK(!run_capture(cmd, text, sizeof text));
    CHECK(strstr(text, "staff-clear.json") && strstr(text, "$.staff.pinHash"));

    snprintf(cfg, sizeof cfg, "%s/staff.json", tmp);
    snprintf(text, sizeof text, "{\"staff\": {\"pinHash\": \"%s\"}}\n", hash);
    REQUIRE(write_file(cfg, text));
    fresh_run("staff", db, script, shots);
    REQUIRE(write_file(script,
                       /* a quick rating saved, and a resident half-way when staff come */
                       "press face 0\npress skip\npress done\n"
                       "press journey 1\npress choice 0\n"
                       "key F12\nexpect staff pin\n"
                       /* three wrong PINs: the third starts a 30 s wait */
                       "press staff_digit 1\npress staff_digit 1\npress staff_digit 1\n"
                       "press staff_digit 1\npress staff_ok\nexpect staff-wait no\n"
                       "press staff_digit 2\npress staff_digit 2\npress staff_digit 2\n"
                       "press staff_digit 2\npress staff_ok\nexpect staff-wait no\n"
                       "press staff_digit 3\npress staff_digit 3\npress staff_digit 3\n"
                       "press staff_digit 3\npress staff_ok\nexpect staff-wait yes\n"
                       "wait 29000\nexpect staff-wait yes\nwait 1500\nexpect staff-wait no\n"
                       /* the right one, typed on the desktop keyboard */
                       "text 246810\npress staff_ok\nexpect staff open\n"
                       "press staff_close\nexpect staff closed\nexpect screen home\n"
                       /* again, then left alone: the screens close themselves */
                       "key F12\ntext 246810\npress staff_ok\nexpect staff open\n"
                       "wait 121000\nexpect staff closed\n"));
    char *args[] = {"--headless", "--config",      cfg,   "--db", db, "--script",
                    script,       "--screenshots", shots, NULL};
    proc_t p;
    REQUIRE(start(&p, "staff", args));
    static char out[1 << 14];
    int status = finish(&p, out, sizeof out);
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err);
    CHECK_INT(status, 0);
    CHECK_INT(count_of(out, "event=staff-pin result=wrong"), 3);
    CHECK_INT(count_of(out, "event=staff-pin result=right"), 2);
    CHECK(strstr(out, "event=session journey=") && strstr(out, "outcome=abandoned"));
    /* Wrong PINs are logged, the third with its wait; the PIN itself never is. */
    CHECK(err && strstr(err, "staff PIN wrong (1 in a row)"));
    CHECK(err && strstr(err, "staff PIN wrong (3 in a row); next PIN taken in 30 s"));
    CHECK(err && strstr(err, "staff screens closed after 120 s untouched"));
    CHECK(err && !strstr(err, "246810") && !strstr(out, "246810"));
    free(err);
    /* The store afterwards: the abandoned session counted, nothing of its answers kept. */
    sqlite3 *dbh = NULL;
    REQUIRE(sqlite3_open_v2(db, &dbh, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st = NULL;
    REQUIRE(sqlite3_prepare_v2(dbh,
                               "SELECT (SELECT count(*) FROM records),"
                               " (SELECT coalesce(sum(count), 0) FROM session_outcomes"
                               "  WHERE outcome = 'abandoned')",
                               -1, &st, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 1); /* the quick rating only */
    CHECK_INT(sqlite3_column_int(st, 1), 1);
    sqlite3_finalize(st);
    sqlite3_close(dbh);
    CHECK(count_and_convert(shots) >= 6);
}

/* A resident asks staff to erase their contact details: the code typed on the staff screen,
 * a confirmation, and the name and phone are gone from the store while the answers stay. */
static void staff_erase_a_contact_by_reference_code(void)
{
    char hash[256], cmd[2400], cfg[700], db[700], script[700], shots[700], text[1200];
    snprintf(cmd, sizeof cmd, "echo 97531 | '%s' --hash-pin", kiosk_bin);
    REQUIRE(run_capture(cmd, hash, sizeof hash));
    snprintf(cfg, sizeof cfg, "%s/erase.json", tmp);
    snprintf(text, sizeof text, "{\"staff\": {\"pinHash\": \"%s\"}}\n", hash);
    REQUIRE(write_file(cfg, text));
    fresh_run("erase", db, script, shots);
    /* First run: a service request with consent, a name and a phone number. */
    REQUIRE(write_file(script, "press journey 1\npress choice 3\npress choice 1\n"
                               "press choice 2\ntext Help with shopping\npress next\n"
                               "press choice 1\nexpect question name\ntext Li Hua\n"
                               "press next\nexpect question phone\ntext 13800138000\n"
                               "press next\nexpect screen thanks\nexpect ref yes\n"));
    char *args1[] = {"--headless", "--config", cfg, "--db", db, "--script", script, NULL};
    proc_t p;
    REQUIRE(start(&p, "erase-request", args1));
    static char out[1 << 14];
    CHECK_INT(finish(&p, out, sizeof out), 0);
    const char *r = strstr(out, " ref=");
    REQUIRE(r);
    char ref[8] = "";
    snprintf(ref, sizeof ref, "%.6s", r + 5);
    /* Second run: staff erase it; a wrong code first, typed on the keypad, then the right one
     * typed on the desktop keyboard in lower case. */
    char wrong[8];
    snprintf(wrong, sizeof wrong, "%s", ref);
    wrong[0] = wrong[0] == 'A' ? 'C' : 'A';
    char lower[8];
    for (int i = 0; i < 7; i++)
        lower[i] = (char)(ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] - 'A' + 'a' : ref[i]);
    snprintf(script, sizeof script, "%s/erase-staff.script", tmp);
    char body[1600];
    int o = snprintf(body, sizeof body,
                     "key F12\ntext 97531\npress staff_ok\nexpect staff open\n"
                     "expect staff-page menu\npress staff_page erase\n"
                     "expect staff-page erase\n");
    for (int i = 0; i < 6; i++)
        o += snprintf(body + o, sizeof body - (size_t)o, "press staff_ref_key %c\n", wrong[i]);
    o += snprintf(body + o, sizeof body - (size_t)o,
                  "press staff_erase_ask\nexpect staff-page erase-confirm\n"
                  "press staff_erase_confirm\nexpect staff-page erase\n"
                  "text %s\npress staff_erase_ask\npress staff_back\n"
                  "expect staff-page erase\npress staff_erase_ask\n"
                  "press staff_erase_confirm\nexpect staff-page erase\n"
                  "press staff_back\nexpect staff-page menu\n"
                  "press staff_page figures\nexpect staff-page figures\n",
                  lower);
    REQUIRE(write_file(script, body));
    char *args2[] = {"--headless", "--config",      cfg,   "--db", db, "--script",
                     script,       "--screenshots", shots, NULL};
    REQUIRE(start(&p, "erase-staff", args2));
    int status = finish(&p, out, sizeof out);
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err);
    CHECK_INT(status, 0);
    char want[64];
    snprintf(want, sizeof want, "event=erase ref=%s result=not-found", wrong);
    CHECK(strstr(out, want) != NULL);
    snprintf(want, sizeof want, "event=erase ref=%s result=erased", ref);
    CHECK(strstr(out, want) != NULL);
    CHECK(err && !strstr(err, "13800138000") && !strstr(err, "Li Hua"));
    free(err);
    /* The store: the request and its answers stay, the contact is gone, from the files too. */
    sqlite3 *dbh = NULL;
    REQUIRE(sqlite3_open_v2(db, &dbh, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st = NULL;
    REQUIRE(sqlite3_prepare_v2(dbh,
                               "SELECT (SELECT count(*) FROM records WHERE kind ="
                               " 'service_request'), (SELECT count(*) FROM contacts)",
                               -1, &st, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 1);
    CHECK_INT(sqlite3_column_int(st, 1), 0);
    sqlite3_finalize(st);
    sqlite3_close(dbh);
    snprintf(cmd, sizeof cmd, "cat '%s'* | grep -c 13800138000", db);
    CHECK(!run_capture(cmd, text, sizeof text)); /* grep finds nothing: exit status 1 */
    CHECK(count_and_convert(shots) >= 5);
}

/* Whether the kernel says the clock is synchronised (the clock page sets it only when not). */
static bool clock_synchronised(void)
{
    struct timex tx = {0};
    int state = adjtimex(&tx);
    return state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

/* Outside opening hours the kiosk dims to the attract screen and a touch wakes it; staff open
 * it by hand. The technician PIN opens the technician's pages: the clock set through the
 * configured command, the button test (presses light, nothing is stored), the touch test, a
 * reboot through the configured command, and a restart that ends the kiosk cleanly. */
static void technician_screens_and_quiet_hours(void)
{
    char staff_hash[256], tech_hash[256], cmd[2400], cfg[700], db[700], script[700], shots[700];
    char fake[700], args_file[700], text[4000];
    snprintf(cmd, sizeof cmd, "echo 2468 | '%s' --hash-pin", kiosk_bin);
    REQUIRE(run_capture(cmd, staff_hash, sizeof staff_hash));
    snprintf(cmd, sizeof cmd, "echo 13579 | '%s' --hash-pin", kiosk_bin);
    REQUIRE(run_capture(cmd, tech_hash, sizeof tech_hash));
    /* The system commands: a script that notes its arguments (the real ones would set the
     * clock of this machine and reboot it). */
    snprintf(fake, sizeof fake, "%s/fake-system", tmp);
    snprintf(args_file, sizeof args_file, "%s/fake-system.args", tmp);
    unlink(args_file);
    snprintf(text, sizeof text, "#!/bin/sh\nprintf '%%s|' \"$@\" >> '%s'\necho >> '%s'\n",
             args_file, args_file);
    REQUIRE(write_file(fake, text));
    REQUIRE(chmod(fake, 0755) == 0);
    snprintf(cfg, sizeof cfg, "%s/technician.json", tmp);
    snprintf(text, sizeof text,
             "{\"staff\": {\"pinHash\": \"%s\", \"technicianPinHash\": \"%s\"},\n"
             " \"system\": {\"setClock\": [\"%s\", \"set-time\"], \"reboot\": [\"%s\", "
             "\"reboot\"]},\n"
             " \"openingHours\": {\"mon\": [], \"sun\": []},\n"
             " \"buttons\": {\"chip\": \"auto\", \"pins\": [\n"
             "  {\"action\": \"face\", \"index\": 0, \"line\": \"GPIO5\"},\n"
             "  {\"action\": \"next\", \"line\": \"GPIO27\"},\n"
             "  {\"action\": \"select\", \"line\": \"GPIO22\"},\n"
             "  {\"action\": \"staff\", \"line\": \"GPIO16\"}]}}\n",
             staff_hash, tech_hash, fake, fake);
    REQUIRE(write_file(cfg, text));
    fresh_run("technician", db, script, shots);
    bool synced = clock_synchronised();
    snprintf(text, sizeof text,
             /* closed all week: a minute untouched, and the attract screen */
             "expect attract no\nwait 59000\nexpect attract no\nwait 2000\n"
             "expect attract yes\nshot attract\n"
             "tap 400 240\nexpect attract no\nexpect screen home\n" /* wakes, and only that */
             "wait 61000\nexpect attract yes\nbutton face1\nexpect attract no\n"
             "expect screen home\n"
             /* staff open the kiosk by hand */
             "key F12\ntext 2468\npress staff_ok\nexpect staff-role staff\n"
             "press staff_page hours\npress staff_quiet\nshot hours-open-by-hand\n"
             "press staff_close\nwait 61000\nexpect attract no\n"
             /* the technician, driving the staff screens with the buttons too */
             "key F12\ntext 13579\npress staff_ok\nexpect staff-role technician\n"
             "button next\nbutton next\nbutton select\nexpect staff-page figures\n"
             "shot figures-by-buttons\npress staff_back\n"
             "press staff_page clock\n%s"
             "press staff_back\npress staff_page technician\n"
             "press staff_page button-test\nbutton face1\nbutton face1\nbutton next\n"
             "expect staff-page button-test\nshot button-test\npress staff_back\n"
             "press staff_page touch-test\ndrag 10 80 790 470 12\ntap 790 470\n"
             "shot touch-test\npress staff_back\n"
             "press staff_power reboot\nexpect staff-page power-confirm\n"
             "press staff_power_confirm\nexpect staff-page technician\n"
             "press staff_power restart\npress staff_power_confirm\n"
             "echo not reached\n",
             synced ? ""
                    : "press staff_clock 1\npress staff_clock 6\npress staff_clock_set\n"
                      "expect staff-page clock\nshot clock-set\n");
    REQUIRE(write_file(script, text));
    char *args[] = {"--headless", "--config",      cfg,   "--db", db, "--script",
                    script,       "--screenshots", shots, NULL};
    static char out[1 << 16];
    char *err;
    /* The restart is a clean exit: the service manager starts the kiosk again. */
    CHECK_INT(run_kiosk("technician", args, out, sizeof out, &err), 0);
    CHECK(!strstr(out, "not reached"));
    CHECK_INT(count_of(out, "event=attract on"), 2);
    CHECK(strstr(out, "event=quiet override=on") != NULL);
    CHECK(strstr(out, "event=staff-pin result=right failures=0 role=technician") != NULL);
    CHECK(strstr(out, "event=power action=reboot") && strstr(out, "event=power action=restart"));
    CHECK(err && strstr(err, "technician asked to reboot the kiosk"));
    free(err);
    /* The commands ran without a shell, with the arguments given. */
    char got[400] = "";
    FILE *f = fopen(args_file, "r");
    REQUIRE(f);
    size_t n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    fclose(f);
    if (!synced) {
        /* The year and the hour one up from the kiosk's local time when the page opened. */
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        char want[64];
        snprintf(want, sizeof want, "set-time|%04d-", tm.tm_year + 1900 + 1);
        CHECK(strstr(got, want) != NULL);
        CHECK(strstr(got, ":00|\n") != NULL);
    }
    CHECK(strstr(got, "reboot|\n") != NULL);
    /* Nothing was stored by the button test's presses, and the database was closed cleanly
     * (no unclean-stop marker left). */
    sqlite3 *dbh = NULL;
    REQUIRE(sqlite3_open_v2(db, &dbh, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st = NULL;
    REQUIRE(sqlite3_prepare_v2(dbh, "SELECT count(*) FROM records", -1, &st, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(dbh);
    char marker[800];
    snprintf(marker, sizeof marker, "%s-running", db);
    CHECK(access(marker, F_OK) != 0);
    CHECK(count_and_convert(shots) >= 8);
}

/* Every staff and technician page, and the attract screen, in both languages on the 7" panel
 * and on a portrait one: the screenshots to look at (build/.../screenshots/staff-tour-*). */
static void staff_tour_in_both_languages_and_orientations(void)
{
    char tech_hash[256], cmd[2400], cfg[700], db[700], script[700], shots[700], text[2000];
    snprintf(cmd, sizeof cmd, "echo 13579 | '%s' --hash-pin", kiosk_bin);
    REQUIRE(run_capture(cmd, tech_hash, sizeof tech_hash));
    snprintf(cfg, sizeof cfg, "%s/staff-tour.json", tmp);
    /* Open only the day after tomorrow: closed now, whenever the test runs, and the attract
     * screen says when it opens again. */
    static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    const char *open_day = days[(tm.tm_wday + 2) % 7];
    snprintf(text, sizeof text,
             "{\"kioskId\": \"lobby-east\", \"staff\": {\"technicianPinHash\": \"%s\"},\n"
             " \"system\": {\"setClock\": [\"/bin/true\"]},\n"
             " \"openingHours\": {\"%s\": [\"08:00-12:00\", \"13:00-20:00\"]},\n"
             " \"buttons\": {\"chip\": \"auto\", \"pins\": [\n"
             "  {\"action\": \"face\", \"index\": 0, \"line\": \"GPIO5\"},\n"
             "  {\"action\": \"next\", \"line\": \"GPIO27\"},\n"
             "  {\"action\": \"staff\", \"line\": \"GPIO16\"}]}}\n",
             tech_hash, open_day);
    REQUIRE(write_file(cfg, text));
    snprintf(script, sizeof script, "%s/staff-tour.script", KIOSK_SCRIPTS);
    const char *langs[] = {"en", "zh-cn"}, *sizes_[] = {"800x480", "720x1280"};
    for (int l = 0; l < 2; l++)
        for (int z = 0; z < 2; z++) {
            char name[64];
            snprintf(name, sizeof name, "staff-tour-%s-%s", langs[l], sizes_[z]);
            snprintf(db, sizeof db, "%s/%s.db", tmp, name);
            snprintf(shots, sizeof shots, "%s/screenshots/%s", tmp, name);
            snprintf(cmd, sizeof cmd, "rm -rf '%s'* '%s'", db, shots);
            REQUIRE(system(cmd) == 0);
            char *args[] = {"--headless",
                            "--config",
                            cfg,
                            "--db",
                            db,
                            "--lang",
                            (char *)langs[l],
                            "--size",
                            (char *)sizes_[z],
                            "--script",
                            script,
                            "--screenshots",
                            shots,
                            NULL};
            static char out[1 << 16];
            char *err;
            CHECK_INT(run_kiosk(name, args, out, sizeof out, &err), 0);
            free(err);
            /* 17 named shots, and every screen on the way. */
            CHECK(count_and_convert(shots) >= 17 + 17);
        }
}

/* The first boot after provisioning: the self-test opens by itself, the technician touches the
 * corners and presses every button, and the result is logged and kept; it never opens again. */
static void first_boot_self_test(void)
{
    char dir[700], db[800], cfg[800], script[800], flag[800], result[800], cmd[2000];
    char text[2000];
    snprintf(dir, sizeof dir, "%s/first-boot", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    snprintf(cfg, sizeof cfg, "%s/kiosk.json", dir);
    snprintf(script, sizeof script, "%s/self-test.script", dir);
    snprintf(flag, sizeof flag, "%s/self-test-pending", dir);
    snprintf(result, sizeof result, "%s/self-test.json", dir);
    REQUIRE(write_file(flag, ""));
    REQUIRE(write_file(cfg, "{\"buttons\": {\"chip\": \"auto\", \"pins\": [\n"
                            "  {\"action\": \"face\", \"index\": 0, \"line\": \"GPIO5\"},\n"
                            "  {\"action\": \"next\", \"line\": \"GPIO27\"},\n"
                            "  {\"action\": \"staff\", \"line\": \"GPIO16\"}]}}\n"));
    for (int lang = 0; lang < 2; lang++)
        for (int portrait = 0; portrait < 2; portrait++) {
            REQUIRE(write_file(flag, ""));
            unlink(result);
            int w = portrait ? 720 : 800, h = portrait ? 1280 : 480;
            int top = portrait ? 110 : 70; /* just below the bar (64 px at 480, 96 at 720) */
            snprintf(text, sizeof text,
                     "expect staff open\nexpect staff-role technician\n"
                     "expect staff-page self-test\nshot self-test\n"
                     "press staff_page touch-test\n"
                     "tap 2 %d\ntap %d %d\ntap 2 %d\ntap %d %d\n"
                     "press staff_back\nexpect staff-page self-test\n"
                     "press staff_page button-test\nbutton face1\nbutton next\nbutton staff\n"
                     "press staff_back\nshot self-test-done\n"
                     "press staff_self_test_end\nexpect staff closed\nexpect screen home\n",
                     top, w - 3, top, h - 3, w - 3, h - 3);
            REQUIRE(write_file(script, text));
            char shots[800], size[32];
            snprintf(shots, sizeof shots, "%s/screenshots/first-boot-%s-%dx%d", tmp,
                     lang ? "zh-cn" : "en", w, h);
            snprintf(size, sizeof size, "%dx%d", w, h);
            char *args[] = {"--headless",
                            "--config",
                            cfg,
                            "--db",
                            db,
                            "--lang",
                            lang ? "zh-cn" : "en",
                            "--size",
                            size,
                            "--script",
                            script,
                            "--screenshots",
                            shots,
                            NULL};
            static char out[1 << 16];
            char *err;
            CHECK_INT(run_kiosk("first-boot", args, out, sizeof out, &err), 0);
            CHECK(
                strstr(out, "event=self-test result=passed corners=4 buttons=3/3 storage=passed"));
            CHECK(err && strstr(err, "self-test passed (finished): storage passed"));
            free(err);
            CHECK(access(flag, F_OK) != 0); /* never again */
            char *kept = slurp(result);
            CHECK(kept && strstr(kept, "\"passed\":\ttrue") &&
                  strstr(kept, "\"cornersTouched\":\t4"));
            free(kept);
            CHECK(count_and_convert(shots) >= 4);
        }
    /* The next start: residents' screens, no self-test. */
    REQUIRE(write_file(script, "expect staff closed\nexpect screen home\n"));
    char *args[] = {"--headless", "--config", cfg, "--db", db, "--script", script, NULL};
    static char out[1 << 16];
    char *err;
    CHECK_INT(run_kiosk("after-first-boot", args, out, sizeof out, &err), 0);
    CHECK(!strstr(out, "event=self-test"));
    free(err);
    /* Closed before Finish (here by the home button of the keyboard): the result says so and
     * it still never opens again; a tap on the self-test page does not reach the menu. */
    REQUIRE(write_file(flag, ""));
    REQUIRE(write_file(script, "expect staff-page self-test\nkey Escape\nexpect staff closed\n"));
    CHECK_INT(run_kiosk("first-boot-closed", args, out, sizeof out, &err), 0);
    CHECK(strstr(out, "event=self-test result=not-passed"));
    CHECK(err && strstr(err, "self-test not passed (closed before Finish)"));
    free(err);
    CHECK(access(flag, F_OK) != 0);
}

static void bad_pack_falls_back_with_staff_notice(void)
{
    char pack[700], db[700], script[700];
    snprintf(pack, sizeof pack, "%s/broken-pack.json", tmp);
    snprintf(db, sizeof db, "%s/fallback.db", tmp);
    snprintf(script, sizeof script, "%s/fallback.script", tmp);
    unlink(db);
    REQUIRE(write_file(pack, "{\n  \"formatVersion\": 1,\n  \"id\": \"x\",,\n}\n"));
    REQUIRE(write_file(script, "expect notice yes\nexpect screen home\npress face 0\n"
                               "expect screen question\npress skip\nexpect screen thanks\n"));
    char *args[] = {"--headless", "--pack", pack, "--db", db, "--script", script, NULL};
    proc_t p;
    REQUIRE(start(&p, "fallback", args));
    CHECK_INT(finish(&p, NULL, 0), 0);
    char *err = slurp(p.err_path);
    /* The log names the file, the place and the reason. */
    CHECK(strstr(err, "broken-pack.json: $: invalid JSON near line 3") != NULL);
    CHECK(strstr(err, "built-in pack") != NULL);
    free(err);
    sqlite3 *d;
    REQUIRE(sqlite3_open(db, &d) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(d, "SELECT pack_id, count(*) FROM records", -1, &st, NULL) == 0);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_STR(col(st, 0), "default");
    CHECK_INT(sqlite3_column_int(st, 1), 1);
    sqlite3_finalize(st);
    sqlite3_close(d);
}

/* One run of the staff menu on pack (zh-cn, 800x480, PIN 246810 in cfg); its stderr. */
static char *staff_menu_on(const char *name, const char *pack, const char *cfg)
{
    char db[700], script[700], shots[700];
    fresh_run(name, db, script, shots);
    proc_t p;
    if (!write_file(script, "key F12\ntext 246810\npress staff_ok\nexpect staff open\n"))
        return NULL;
    char *args[] = {"--headless", "--lang",        "zh-cn",      "--size", "800x480", "--config",
                    (char *)cfg,  "--pack",        (char *)pack, "--db",   db,        "--script",
                    script,       "--screenshots", shots,        NULL};
    if (!start(&p, name, args))
        return NULL;
    CHECK_INT(finish(&p, NULL, 0), 0);
    return slurp(p.err_path);
}

/* A pack written for an earlier firmware, before staff strings were added (here: without any
 * staff string), still runs: it is not refused for the built-in pack, and the staff screens
 * show the built-in pack's texts, pixel for pixel as with the default pack (above the clock). */
static void a_pack_without_staff_strings_shows_the_builtin_ones(void)
{
    char hash[256], cmd[4000], cfg[700], pack[700];
    snprintf(cmd, sizeof cmd, "echo 246810 | '%s' --hash-pin", kiosk_bin);
    REQUIRE(run_capture(cmd, hash, sizeof hash));
    snprintf(cfg, sizeof cfg, "%s/staff-fallback.json", tmp);
    snprintf(cmd, sizeof cmd, "{\"staff\": {\"pinHash\": \"%s\"}}\n", hash);
    REQUIRE(write_file(cfg, cmd));
    size_t len;
    char *json = read_default_pack(&len);
    REQUIRE(json);
    cJSON *root = cJSON_Parse(json);
    free(json);
    REQUIRE(root);
    for (size_t i = 0; content_staff_strings[i]; i++)
        cJSON_DeleteItemFromObject(cJSON_GetObjectItem(root, "strings"), content_staff_strings[i]);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    snprintf(pack, sizeof pack, "%s/no-staff-strings.json", tmp);
    REQUIRE(text && write_file(pack, text));
    free(text);
    char *err = staff_menu_on("staff-older", pack, cfg);
    CHECK(err && strstr(err, "no-staff-strings.json (default ") != NULL);
    CHECK(err && !strstr(err, "built-in pack instead"));
    free(err);
    free(staff_menu_on("staff-default", KIOSK_PACK, cfg));
    snprintf(cmd, sizeof cmd,
             "cd '%s/screenshots' && for d in staff-older staff-default; do convert "
             "$d/004-staff-menu-zh-cn-800x480.bmp -crop 800x270+0+0 +repage $d.ppm || exit 1; "
             "done && cmp -s staff-older.ppm staff-default.ppm",
             tmp);
    CHECK(system(cmd) == 0);
}

/* A pack with a text no installed font can draw (a Private Use character in a Uyghur string)
 * is refused like an invalid one: the log names the file, the place, the character and the
 * language, and residents get the built-in pack instead of boxes. */
static void a_pack_that_would_show_boxes_is_refused(void)
{
    char pack[700], db[700], script[700], shots[700], cmd[2400];
    fresh_run("boxes", db, script, shots);
    snprintf(pack, sizeof pack, "%s/boxes.json", tmp);
    snprintf(cmd, sizeof cmd, "sed -e '0,/\"ug\": \"/s//\"ug\": \"\xee\x80\x80/' '%s' > '%s'",
             KIOSK_MULTILINGUAL_PACK, pack);
    REQUIRE(system(cmd) == 0);
    REQUIRE(write_file(script, "expect notice yes\nexpect lang en\n"));
    char out[4096], *err;
    char *args[] = {"--headless", "--pack", pack,       "--lang", "ug",
                    "--db",       db,       "--script", script,   NULL};
    CHECK_INT(run_kiosk("boxes", args, out, sizeof out, &err), 0);
    CHECK(err && strstr(err, "boxes.json: $.strings.") &&
          strstr(err, ".ug: U+E000: no installed font has this character (language ug)"));
    CHECK(err && strstr(err, "built-in pack"));
    if (check_failures && err)
        fprintf(stderr, "%s\n", err);
    free(err);
}

static void unusable_database_means_out_of_service(void)
{
    char script[700];
    snprintf(script, sizeof script, "%s/oos.script", tmp);
    REQUIRE(write_file(script, "expect screen out_of_service\nkey 1\nexpect screen "
                               "out_of_service\nwait 20000\nexpect screen out_of_service\n"));
    char db[700];
    snprintf(db, sizeof db, "%s/no/such/dir/kiosk.db", tmp);
    char *args[] = {"--headless", "--db", db, "--script", script, NULL};
    proc_t p;
    REQUIRE(start(&p, "oos", args));
    static char out[4096];
    CHECK_INT(finish(&p, out, sizeof out), 0);
    CHECK(!strstr(out, "event=saved"));
    char *err = slurp(p.err_path);
    CHECK(strstr(err, "no/such/dir/kiosk.db") != NULL);
    free(err);
}

/* Fills the filesystem at dir until it is full; returns the filler's path. */
static void fill_disk(const char *dir, char *filler, size_t len)
{
    snprintf(filler, len, "%s/filler", dir);
    int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    static char block[4096];
    while (fd >= 0 && write(fd, block, sizeof block) > 0)
        ;
    while (fd >= 0 && write(fd, block, 1) > 0)
        ;
    if (fd >= 0)
        close(fd);
}

static void full_disk_stops_answers_and_recovers(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "  skipped: mounting a small tmpfs needs root\n");
        return;
    }
    char dir[700], db[760], script[700], filler[760], line[256];
    snprintf(dir, sizeof dir, "%s/smalldisk", tmp);
    mkdir(dir, 0755);
    umount2(dir, MNT_DETACH);
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=2m") != 0) {
        fprintf(stderr, "  skipped: cannot mount tmpfs: %s\n", strerror(errno));
        return;
    }
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    snprintf(script, sizeof script, "%s/full.script", tmp);
    REQUIRE(write_file(script, "press face 1\nexpect screen question\npress skip\npress done\n"
                               "pause\n"
                               "press journey 0\npress choice 0\npress choice 0\npress skip\n"
                               "press choice 0\nexpect screen out_of_service\n"
                               "pause\nwait 16000\nexpect screen home\n"
                               "press face 2\nexpect screen question\n"));
    /* --min-free 0: let SQLite itself meet the full disk. */
    char *args[] = {"--headless", "--db", db, "--min-free", "0", "--script", script, NULL};
    proc_t p;
    REQUIRE(start(&p, "full", args));
    REQUIRE(read_until(&p, "event=pause", line, sizeof line));
    fill_disk(dir, filler, sizeof filler);
    fputs("go\n", p.in);
    fflush(p.in);
    REQUIRE(read_until(&p, "event=pause", line, sizeof line));
    unlink(filler);
    fputs("go\n", p.in);
    fflush(p.in);
    CHECK_INT(finish(&p, NULL, 0), 0);
    char *err = slurp(p.err_path);
    CHECK(strstr(err, "cannot store feedback") != NULL);
    free(err);
    /* The first and the last rating are stored; nothing was half-written. */
    sqlite3 *d;
    REQUIRE(sqlite3_open(db, &d) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(d, "SELECT count(*), sum(kind = 'feedback') FROM records", -1, &st,
                               NULL) == 0);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 2);
    CHECK_INT(sqlite3_column_int(st, 1), 0);
    sqlite3_finalize(st);
    REQUIRE(sqlite3_prepare_v2(d, "PRAGMA integrity_check", -1, &st, NULL) == 0);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_STR(col(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(d);

    /* With the guard on, a nearly full disk is refused before anyone answers. */
    fill_disk(dir, filler, sizeof filler);
    REQUIRE(write_file(script, "expect screen out_of_service\n"));
    char *args2[] = {"--headless", "--db", db, "--script", script, NULL};
    REQUIRE(start(&p, "full-guard", args2));
    CHECK_INT(finish(&p, NULL, 0), 0);
    unlink(filler);
    umount2(dir, MNT_DETACH);
}

/* A resident who cannot use the touchscreen: the physical buttons alone (through the pin map
 * of the board's default configuration and the debouncer) complete the quick rating, a
 * feedback, a service request with a phone number and the questionnaire. */
static void buttons_alone_complete_every_journey(void)
{
    char db[700], shots[700], cmd[1600];
    snprintf(db, sizeof db, "%s/buttons.db", tmp);
    snprintf(shots, sizeof shots, "%s/screenshots/buttons-en-800x480", tmp);
    unlink(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", shots, shots);
    CHECK(system(cmd) == 0);
    char *args[] = {"--headless",
                    "--config",
                    KIOSK_BOARD_CONFIG,
                    "--pack",
                    KIOSK_PACK,
                    "--db",
                    db,
                    "--script",
                    KIOSK_SCRIPTS "/buttons.script",
                    "--screenshots",
                    shots,
                    NULL};
    proc_t p;
    REQUIRE(start(&p, "buttons", args));
    static char out[1 << 16];
    int status = finish(&p, out, sizeof out);
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err);
    CHECK_INT(status, 0);
    CHECK(strstr(out, "event=staff") != NULL); /* the long press, and only that one */
    CHECK_INT(count_of(out, "event=staff"), 1);
    free(err);
    static const struct {
        const char *kind;
        int misuse;
        const char *answers, *name, *phone;
    } want[] = {
        {"quick_rating", 0, "{\"rating\":4,\"about\":\"CLEANLINESS\"}", NULL, NULL},
        {"quick_rating", 0, "{\"rating\":1}", NULL, NULL},
        {"quick_rating", 1, "{\"rating\":1}", NULL, NULL},
        {"feedback", 0,
         "{\"topic\":\"ACTIVITIES\",\"rating\":3,\"comment\":\"ok\",\"contactOk\":true}", "Li",
         "13900000"},
        {"service_request", 0,
         "{\"service\":\"DISABILITY\",\"forWhom\":\"SELF\",\"urgency\":\"SOON\","
         "\"consent\":true}",
         NULL, "555123"},
        {"questionnaire", 0,
         "{\"satisfaction\":3,\"wantedServices\":[\"ELDER_CARE\",\"OTHER\"],\"visits\":"
         "\"WEEKLY\",\"livesAlone\":false,\"household\":3}",
         NULL, NULL},
    };
    sqlite3 *d;
    REQUIRE(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(d,
                               "SELECT r.kind, r.misuse, r.answers, c.name, c.phone FROM records r"
                               " LEFT JOIN contacts c ON c.record_id = r.id ORDER BY r.id",
                               -1, &st, NULL) == SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < sizeof want / sizeof want[0]) {
        CHECK_STR(col(st, 0), want[n].kind);
        CHECK_INT(sqlite3_column_int(st, 1), want[n].misuse);
        CHECK_STR(col(st, 2), want[n].answers);
        CHECK_STR(col(st, 3) ? col(st, 3) : "(none)", want[n].name ? want[n].name : "(none)");
        CHECK_STR(col(st, 4) ? col(st, 4) : "(none)", want[n].phone ? want[n].phone : "(none)");
        n++;
    }
    CHECK_INT(n, sizeof want / sizeof want[0]);
    sqlite3_finalize(st);
    sqlite3_close(d);
    CHECK(count_and_convert(shots) >= 25);

    /* --print-records shows that contact details exist, never what they are: all but the
     * phone number's last two characters masked, the name as true or false. */
    snprintf(cmd, sizeof cmd, "'%s' --print-records --db '%s'", KIOSK_BIN, db);
    FILE *pr = popen(cmd, "r");
    REQUIRE(pr != NULL);
    const size_t got = fread(out, 1, sizeof out - 1, pr);
    out[got] = '\0';
    CHECK_INT(pclose(pr), 0);
    CHECK_INT(count_of(out, "\n"), sizeof want / sizeof want[0]);
    CHECK(strstr(out, "\"contact\":{\"name\":true,\"phone\":\"******00\"}") != NULL);
    CHECK(strstr(out, "\"contact\":{\"name\":false,\"phone\":\"****23\"}") != NULL);
    CHECK(strstr(out, "\"13900000\"") == NULL && strstr(out, "\"555123\"") == NULL);
    CHECK(strstr(out, "\"Li\"") == NULL);
}

/* A power cut leaves the "-running" marker: the next start runs the full integrity check.
 * A damaged database is set aside, never deleted; the kiosk starts on a fresh one and tells
 * staff. */
static void damaged_database_is_set_aside_and_staff_told(void)
{
    char dir[700], db[800], script[700], line[256], cmd[1700];
    snprintf(dir, sizeof dir, "%s/damaged", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    snprintf(script, sizeof script, "%s/damaged.script", tmp);
    REQUIRE(write_file(script, "press face 1\nexpect screen question\npause\n"));
    char *args[] = {"--headless", "--db", db, "--script", script, NULL};
    proc_t p;
    REQUIRE(start(&p, "damaged-1", args));
    REQUIRE(read_until(&p, "event=pause", line, sizeof line));
    kill(p.pid, SIGKILL); /* the power goes */
    finish(&p, NULL, 0);
    char marker[820];
    snprintf(marker, sizeof marker, "%s-running", db);
    CHECK(access(marker, F_OK) == 0);

    REQUIRE(write_file(script, "expect notice no\nexpect screen home\n"));
    REQUIRE(start(&p, "damaged-2", args));
    CHECK_INT(finish(&p, NULL, 0), 0);
    char *err = slurp(p.err_path);
    CHECK(strstr(err, "was not closed cleanly last time") && strstr(err, "full integrity check "
                                                                         "passed"));
    free(err);
    CHECK(access(marker, F_OK) != 0); /* a clean stop removes it */

    /* Damage the file's header: SQLite no longer knows it as a database. */
    FILE *f = fopen(db, "r+b");
    REQUIRE(f);
    fwrite("this is not sqlite", 1, 18, f);
    fclose(f);
    REQUIRE(write_file(script, "expect notice yes\nexpect screen home\npress face 3\n"
                               "expect screen question\n"));
    REQUIRE(start(&p, "damaged-3", args));
    CHECK_INT(finish(&p, NULL, 0), 0);
    err = slurp(p.err_path);
    CHECK(strstr(err, "is damaged") && strstr(err, "set aside as"));
    free(err);
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c 'kiosk.db.corrupt-' >/dev/null", dir);
    CHECK(system(cmd) == 0);
    sqlite3 *d;
    REQUIRE(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(d, "SELECT count(*) FROM records", -1, &st, NULL) == 0);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    /* The rating saved before the damage came back from the raw pages (store_pagescan.c),
     * and the fresh database took the new one. */
    CHECK_INT(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(d);
}

#ifdef KIOSK_HAVE_IME
/* Runs a script of the Chinese input methods and returns the kiosk's exit status. */
static int run_chinese(const char *name, const char *script, const char *size, const char *extra,
                       const char *extra_arg, char db[700])
{
    char shots[700], unused[700];
    fresh_run(name, db, unused, shots);
    char *args[] = {"--headless",
                    "--input-methods",
                    "--lang",
                    "zh-cn",
                    "--size",
                    (char *)size,
                    "--pack",
                    KIOSK_PACK,
                    "--db",
                    db,
                    "--script",
                    (char *)script,
                    "--screenshots",
                    shots,
                    (char *)extra,
                    (char *)extra_arg,
                    NULL};
    proc_t p;
    if (!start(&p, name, args))
        return -1;
    static char out[1 << 16];
    int status = finish(&p, out, sizeof out);
    if (status != 0) {
        char *err = slurp(p.err_path);
        fprintf(stderr, "  kiosk exited %d:\n%s\n", status, err);
        free(err);
    }
    count_and_convert(shots);
    return status;
}

/* The stored answers and contact of the only record in db. */
static void only_record(const char *db, char answers[512], char name[64], char phone[64])
{
    answers[0] = name[0] = phone[0] = '\0';
    sqlite3 *d;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d,
                           "SELECT r.answers, c.name, c.phone FROM records r LEFT JOIN contacts c"
                           " ON c.record_id = r.id",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(answers, 512, "%s", col(st, 0));
        snprintf(name, 64, "%s", col(st, 1));
        snprintf(phone, 64, "%s", col(st, 2));
        CHECK(sqlite3_step(st) == SQLITE_DONE); /* one record */
    }
    sqlite3_finalize(st);
    sqlite3_close(d);
}

/* Residents write Chinese: a comment in pinyin, a name by hand, then the same by buttons
 * alone; what is stored is the Chinese text exactly. */
static void chinese_by_pinyin_handwriting_and_buttons(void)
{
    static const char *const sizes[] = {"800x480", "720x1280"};
    char db[700], answers[512], name[64], phone[64];
    for (size_t i = 0; i < 2; i++) {
        char run[64];
        snprintf(run, sizeof run, "chinese-%s", sizes[i]);
        CHECK_INT(run_chinese(run, KIOSK_SCRIPTS "/chinese.script", sizes[i], NULL, NULL, db), 0);
        only_record(db, answers, name, phone);
        CHECK_STR(answers, "{\"topic\":\"FACILITIES\",\"rating\":1,\"comment\":"
                           "\"社区服务很好\",\"contactOk\":true}");
        CHECK_STR(name, "王");
        CHECK_STR(phone, "13800138000");
        snprintf(run, sizeof run, "chinese-buttons-%s", sizes[i]);
        CHECK_INT(run_chinese(run, KIOSK_SCRIPTS "/chinese-buttons.script", sizes[i], "--config",
                              KIOSK_BOARD_CONFIG, db),
                  0);
        only_record(db, answers, name, phone);
        CHECK_STR(answers, "{\"topic\":\"FACILITIES\",\"rating\":1,\"comment\":\"你\","
                           "\"contactOk\":false}");
    }
}

/* Without the pinyin data the kiosk still takes answers: handwriting and letters remain, and
 * staff see a notice on the home screen. */
static void missing_pinyin_data_leaves_handwriting_and_letters(void)
{
    char db[700], path[700], answers[512], name[64], phone[64];
    snprintf(path, sizeof path, "%s/no-pinyin.script", tmp);
    REQUIRE(write_file(path, "expect notice yes\n"
                             "press journey 0\n"
                             "press choice 1\n"
                             "press choice 0\n"
                             "expect ime handwriting\n"
                             "press ime_mode\n"
                             "expect ime latin\n"
                             "text ok\n"
                             "press next\n"
                             "press choice 0\n"
                             "expect screen thanks\n"));
    CHECK_INT(run_chinese("no-pinyin", path, "800x480", "--rime-dir", "/nonexistent/rime", db), 0);
    only_record(db, answers, name, phone);
    CHECK_STR(answers, "{\"topic\":\"FACILITIES\",\"rating\":1,\"comment\":\"ok\","
                       "\"contactOk\":false}");
}
#endif

/* Activities are dated, and the kiosk's own clock (today 2026-12-02 when this was written)
 * decides: one held yesterday is not offered while a later one is, and when every one is over
 * the activity journey leaves the home screen. KIOSK_TODAY, which fixes the day for the other
 * runs, is emptied here so that the clock speaks (and set once to show it stands in). */
static void activities_that_are_over_are_not_offered(void)
{
    char pack[700], db[700], script[700], shots[700], cmd[2400];
    fresh_run("activities-over", db, script, shots);
    snprintf(pack, sizeof pack, "%s/activities-over.json", tmp);
    /* the health talk (first) was yesterday; tai chi (second) is far ahead */
    snprintf(cmd, sizeof cmd,
             "sed -e 's/\"date\": \"2026-12-03\"/\"date\": \"2026-12-01\"/' "
             "-e 's/\"date\": \"2026-12-05\"/\"date\": \"2099-12-05\"/' '%s' > '%s'",
             KIOSK_PACK, pack);
    REQUIRE(system(cmd) == 0);
    REQUIRE(write_file(script, "press journey 3\nexpect question activity\npress choice 0\n"
                               "expect question action\npress choice 1\n"
                               "expect screen thanks\npress done\n"));
    static const char *const today[] = {"", "2026-11-30"};
    static const char *const offered[] = {"ACT_2026_12_TAICHI", "ACT_2026_12_HEALTH_TALK"};
    for (size_t i = 0; i < 2; i++) {
        unlink(db);
        setenv("KIOSK_TODAY", today[i], 1);
        char out[4096], *err;
        char *args[] = {"--headless", "--pack", pack, "--db", db, "--script", script, NULL};
        CHECK_INT(run_kiosk("activities-over", args, out, sizeof out, &err), 0);
        free(err);
        sqlite3 *d;
        sqlite3_stmt *st;
        REQUIRE(sqlite3_open(db, &d) == SQLITE_OK);
        REQUIRE(sqlite3_prepare_v2(d, "SELECT answers FROM records", -1, &st, NULL) == 0);
        CHECK(sqlite3_step(st) == SQLITE_ROW && strstr(col(st, 0), offered[i]));
        CHECK(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_finalize(st);
        sqlite3_close(d);
    }
    /* every activity over: three journeys on the home screen, none of them the activities */
    snprintf(cmd, sizeof cmd,
             "sed -e 's/\"date\": \"[0-9-]*\"/\"date\": \"2026-12-01\"/' '%s' > '%s'", KIOSK_PACK,
             pack);
    REQUIRE(system(cmd) == 0);
    REQUIRE(write_file(script, "press journey 2\nexpect question satisfaction\npress home\n"
                               "expect screen home\npress journey 3\n"));
    setenv("KIOSK_TODAY", "", 1);
    char out[4096], *err;
    char *args[] = {"--headless", "--pack", pack, "--db", db, "--script", script, NULL};
    CHECK_INT(run_kiosk("activities-none", args, out, sizeof out, &err), 3);
    CHECK(strstr(err, "no 'journey 3' on this screen") != NULL);
    free(err);
    unsetenv("KIOSK_TODAY");
}

/* A day passing while the kiosk runs: once the home screen is back, the activity whose day
 * is over leaves the list, and when none is left the activities leave the home screen. The
 * script's "today" stands in for the clock's date, as KIOSK_TODAY does at start. */
static void activities_leave_when_their_day_passes_while_running(void)
{
    char db[700], script[700], shots[700];
    fresh_run("activities-day", db, script, shots);
    REQUIRE(write_file(script, "expect journeys 4\npress journey 3\nexpect question activity\n"
                               "press home\nexpect screen home\ntoday 2026-12-04\nwait 1000\n"
                               "expect journeys 4\npress journey 3\npress choice 0\n"
                               "expect question action\npress choice 1\nexpect screen thanks\n"
                               "press done\ntoday 2027-03-01\nwait 1000\nexpect journeys 3\n"));
    setenv("KIOSK_TODAY", "2026-12-02", 1);
    char out[4096], *err;
    char *args[] = {"--headless", "--db", db, "--script", script, NULL};
    CHECK_INT(run_kiosk("activities-day", args, out, sizeof out, &err), 0);
    if (err && check_failures)
        fprintf(stderr, "%s\n", err);
    free(err);
    unsetenv("KIOSK_TODAY");
    char answers[1024];
    stored_answers(db, answers, sizeof answers);
    /* the health talk of 3 December was first in the list; on the 4th tai chi is */
    CHECK(strstr(answers, "ACT_2026_12_TAICHI") != NULL);
    CHECK(strstr(answers, "HEALTH_TALK") == NULL);
}

/* The QR code beside a reference code reads back, with a real decoder (zbarimg), as the code
 * and the centre's follow-up number, in both languages, at both panel sizes, in large text
 * and high contrast: what a resident's phone camera would get. */
static void the_reference_qr_code_reads_back(void)
{
    static const char *const langs[] = {"en", "zh-cn"};
    static const char *const sizes[] = {"800x480", "720x1280"};
    static const char *const labels[][2] = {{"Your reference code:", "Follow-up phone:"},
                                            {"您的查询编号：", "回访电话："}};
    REQUIRE(access("/usr/bin/zbarimg", X_OK) == 0); /* zbar-tools, from tools/deps.sh */
    for (int i = 0; i < 4; i++) {
        const char *lang = langs[i % 2], *size = sizes[i / 2];
        char db[700], script[700], shots[700], name[64];
        snprintf(name, sizeof name, "qr-%s-%s", lang, size);
        fresh_run(name, db, script, shots);
        REQUIRE(write_file(script, i == 3 ? "press display\npress large_text\n"
                                            "press high_contrast\npress display_done\n"
                                            "press journey 1\npress choice 0\npress choice 0\n"
                                            "press choice 0\npress skip\npress choice 0\n"
                                            "expect ref yes\nshot ref\n"
                                          : "press journey 1\npress choice 0\npress choice 0\n"
                                            "press choice 0\npress skip\npress choice 0\n"
                                            "expect ref yes\nshot ref\n"));
        char out[8192], *err;
        char *args[] = {"--headless", "--lang", (char *)lang,    "--size", (char *)size, "--db", db,
                        "--script",   script,   "--screenshots", shots,    NULL};
        CHECK_INT(run_kiosk(name, args, out, sizeof out, &err), 0);
        free(err);
        const char *r = strstr(out, " ref=");
        REQUIRE(r != NULL);
        char want[256], cmd[1600], got[256] = "";
        snprintf(want, sizeof want, "%s %.6s\n%s 010 0000 0000", labels[i % 2][0], r + 5,
                 labels[i % 2][1]);
        snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s/ref.bmp' 2>/dev/null", shots);
        FILE *p = popen(cmd, "r");
        REQUIRE(p != NULL);
        size_t n = fread(got, 1, sizeof got - 1, p);
        got[n] = '\0';
        CHECK_INT(pclose(p), 0);
        while (n > 0 && got[n - 1] == '\n')
            got[--n] = '\0';
        if (strcmp(got, want) != 0)
            fprintf(stderr, "  %s: the QR code reads \"%s\"\n", name, got);
        CHECK_STR(got, want);
    }
}

/* The line of out where needle first occurs at or after from, or -1. */
static int line_of(const char *out, const char *needle, int from)
{
    int line = 0;
    for (const char *p = out; *p; line++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (line >= from && n >= strlen(needle) && memmem(p, n, needle, strlen(needle)))
            return line;
        p += n + (nl != NULL);
    }
    return -1;
}

/* A resident who cannot see the screen, by the buttons alone: the help button turns speech
 * on and every move of the ring says its target (a new say replaces the one before); the
 * earcon for a saved answer comes after the save only; the visit's end ends speech, and a
 * grey Next is refused with its earcon, which is for everyone. */
static void speech_follows_the_buttons(void)
{
    char db[700], script[700];
    snprintf(db, sizeof db, "%s/speech.db", tmp);
    snprintf(script, sizeof script, "%s/speech.script", tmp);
    unlink(db);
    REQUIRE(write_file(script, "expect screen home\nbutton help\nwait 400\nbutton next\n"
                               "wait 400\nbutton face4\nwait 400\nexpect screen question\n"
                               "focus choice 2\nbutton select\nwait 400\n"
                               "expect screen thanks\nfocus done\nbutton select\nwait 6000\n"
                               "echo visit-over\npress journey 0\npress choice 0\n"
                               "press choice 2\npress skip\npress choice 1\npress skip\n"
                               "expect question phone\npress next\nwait 400\n"));
    char *args[] = {
        "--headless", "--config", KIOSK_BOARD_CONFIG, "--pack", KIOSK_PACK, "--lang", "en",
        "--db",       db,         "--script",         script,   NULL};
    proc_t p;
    REQUIRE(start(&p, "speech", args));
    static char out[1 << 16];
    CHECK_INT(finish(&p, out, sizeof out), 0);
    /* the help button: the home screen, title first, then the target under the ring */
    int home = line_of(out, "event=say lang=en text=\"Welcome", 0);
    CHECK(home >= 0);
    int moved = line_of(out, "event=say lang=en text=\"Unhappy\"", home + 1);
    CHECK(moved > home); /* the ring moved on: its target said */
    int saved = line_of(out, "event=earcon kind=saved", 0);
    CHECK(saved > moved);                            /* after the face was saved, not before */
    CHECK(line_of(out, "event=say", saved) > saved); /* then the follow-up is said */
    CHECK_INT(count_of(out, "event=earcon kind=saved"), 2); /* the rating and its follow-up */
    int over = line_of(out, "visit-over", 0);
    CHECK(over > saved);
    CHECK_INT(line_of(out, "event=say lang", over), -1); /* the visit's end ended speech */
    int refused = line_of(out, "event=earcon kind=refused", over);
    CHECK(refused > over); /* a grey Next, speech off: the earcon still plays */
    if (home < 0 || refused < 0)
        fprintf(stderr, "%s\n", out);

    /* a headset plugged in: speech on, the screen read, in the resident's language */
    unlink(db);
    REQUIRE(write_file(script, "expect screen home\nheadset\nwait 400\nexpect screen home\n"));
    char *zh[] = {"--headless", "--pack", KIOSK_PACK, "--lang", "zh-cn",
                  "--db",       db,       "--script", script,   NULL};
    REQUIRE(start(&p, "speech-headset", zh));
    CHECK_INT(finish(&p, out, sizeof out), 0);
    int added = line_of(out, "event=audio-device-added", 0);
    CHECK(added >= 0);
    CHECK(line_of(out, "event=say lang=zh-cn text=\"欢迎来到社区服务中心\"", added) > added);
}

/* Quiet hours: the attract screen silences the kiosk, even with speech always on; a resident
 * who wakes it hears the home screen again. */
static void quiet_hours_are_silent_until_a_resident_wakes(void)
{
    char cfg[700], db[700], script[700], shots[700];
    snprintf(cfg, sizeof cfg, "%s/quiet-speech.json", tmp);
    REQUIRE(write_file(cfg, "{\"audio\": {\"speech\": \"always\"}, \"openingHours\": "
                            "{\"mon\": [], \"tue\": [], \"wed\": [], \"thu\": [], "
                            "\"fri\": [], \"sat\": [], \"sun\": []}}\n"));
    fresh_run("quiet-speech", db, script, shots);
    REQUIRE(write_file(script, "expect screen home\nwait 61000\nexpect attract yes\n"
                               "echo attract-up\nwait 5000\ntap 400 240\nexpect attract no\n"
                               "wait 400\necho woken\n"));
    char *args[] = {"--headless", "--config", cfg, "--db", db, "--script", script, NULL};
    static char out[1 << 16];
    char *err;
    CHECK_INT(run_kiosk("quiet-speech", args, out, sizeof out, &err), 0);
    free(err);
    int first = line_of(out, "event=say lang=en text=\"Welcome", 0);
    int attract = line_of(out, "event=attract on", 0);
    int stop = line_of(out, "event=say-stop", attract);
    int up = line_of(out, "attract-up", 0), off = line_of(out, "event=attract off", 0);
    CHECK(first >= 0 && attract > first);
    CHECK(stop > attract && stop < up); /* the reading stops as the attract screen comes */
    CHECK_INT(line_of(out, "event=say", up), line_of(out, "event=say", off)); /* none between */
    int again = line_of(out, "event=say lang=en text=\"Welcome", off);
    CHECK(again > off && again < line_of(out, "woken", 0)); /* woken: said anew */
    if (again < 0)
        fprintf(stderr, "%s\n", out);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(every_journey_end_to_end);
    RUN(buttons_alone_complete_every_journey);
    RUN(speech_follows_the_buttons);
    RUN(quiet_hours_are_silent_until_a_resident_wakes);
    RUN(rotated_panels_map_touches);
    RUN(display_choices_reach_the_screen_and_end);
    RUN(a_visit_keeps_its_choices_until_it_ends);
    RUN(a_double_tap_stores_one_answer);
    RUN(languages_in_any_case_and_the_picker);
    RUN(staff_pin_ways_in);
    RUN(staff_erase_a_contact_by_reference_code);
    RUN(technician_screens_and_quiet_hours);
    RUN(staff_tour_in_both_languages_and_orientations);
    RUN(first_boot_self_test);
    RUN(bad_pack_falls_back_with_staff_notice);
    RUN(a_pack_without_staff_strings_shows_the_builtin_ones);
    RUN(a_pack_that_would_show_boxes_is_refused);
    RUN(activities_that_are_over_are_not_offered);
    RUN(activities_leave_when_their_day_passes_while_running);
    RUN(the_reference_qr_code_reads_back);
    RUN(damaged_database_is_set_aside_and_staff_told);
    RUN(unusable_database_means_out_of_service);
    RUN(full_disk_stops_answers_and_recovers);
#ifdef KIOSK_HAVE_IME
    RUN(chinese_by_pinyin_handwriting_and_buttons);
    RUN(missing_pinyin_data_leaves_handwriting_and_letters);
#endif
    return check_failures != 0;
}
