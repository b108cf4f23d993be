/* The device configuration's text and audio settings: the fonts ("font", "fontBold", "fontFamilies"),
 * their errors with path and reason, and the command line winning over the file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/speaker.h"
#include "check.h"
#include "core/config.h"
#include "core/content.h"
#include "core/kerr.h"
#include "scratch_util.h"

static void font_settings_are_read(void)
{
    const char *json = "{\"font\": \"/usr/share/fonts/a.ttf\", \"fontBold\": \"/b.ttf\","
                       " \"fontFamilies\": [\"Noto Sans Arabic UI\", \"Noto Sans CJK SC\"]}";
    device_config_t cfg;
    content_error_t err;
    REQUIRE(device_config_parse(json, strlen(json), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK_STR(cfg.font, "/usr/share/fonts/a.ttf");
    CHECK_STR(cfg.font_bold, "/b.ttf");
    CHECK_INT(cfg.font_families.n, 2);
    CHECK_STR(cfg.font_families.v[0], "Noto Sans Arabic UI");
    CHECK_STR(cfg.font_families.v[1], "Noto Sans CJK SC");
    CHECK(cfg.font_families.v[2] == NULL);

    const char *none = "{\"kioskId\": \"lobby\"}";
    REQUIRE(device_config_parse(none, strlen(none), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK_STR(cfg.font, "");
    CHECK_STR(cfg.font_bold, "");
    CHECK_INT(cfg.font_families.n, 0);
}

static void bad_font_settings_name_path_and_reason(void)
{
    static const struct {
        const char *json, *path, *reason;
    } bad[] = {
        {"{\"font\": 3}", "$.font", "non-empty string"},
        {"{\"fontBold\": \"\"}", "$.fontBold", "non-empty string"},
        {"{\"fontFamilies\": \"Noto Sans\"}", "$.fontFamilies", "1 to 8 font family names"},
        {"{\"fontFamilies\": []}", "$.fontFamilies", "1 to 8"},
        {"{\"fontFamilies\": [\"A\", 3]}", "$.fontFamilies[1]", "non-empty string"},
        {"{\"fontFamilies\": [\"\"]}", "$.fontFamilies[0]", "non-empty string"},
        {"{\"fontFamilies\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}",
         "$.fontFamilies", "1 to 8"},
        {"{\"fontFamily\": [\"A\"]}", "$.fontFamily", "unknown setting"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        device_config_t cfg;
        content_error_t err;
        CHECK_INT(device_config_parse(bad[i].json, strlen(bad[i].json), "bad.json", &cfg, &err),
                  KIOSK_EINVAL);
        CHECK_STR(err.file, "bad.json");
        CHECK_STR(err.path, bad[i].path);
        if (!strstr(err.reason, bad[i].reason)) {
            fprintf(stderr, "%s: reason \"%s\" lacks \"%s\"\n", bad[i].json, err.reason,
                    bad[i].reason);
            check_failures++;
        }
    }
}

static void command_line_fonts_win_over_the_file(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "config"));
    REQUIRE(snprintf(path, sizeof path, "%s/kiosk.json", dir) < (int)sizeof path);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("{\"font\": \"/file.ttf\", \"fontBold\": \"/file-bold.ttf\","
          " \"fontFamilies\": [\"Noto Sans Tibetan\"]}",
          f);
    fclose(f);

    static device_config_t dc; /* must outlive cfg */
    char err[512];
    app_config_t cfg = {.font = "/cli.ttf", .rotation = -1};
    REQUIRE(app_apply_config_file(&cfg, path, &dc, err, sizeof err) == KIOSK_OK);
    CHECK_STR(cfg.font, "/cli.ttf");           /* --font given: it wins */
    CHECK_STR(cfg.font_bold, "/file-bold.ttf"); /* not given: the file's */
    REQUIRE(cfg.font_families);
    CHECK_INT(cfg.nfont_families, 1);
    CHECK_STR(cfg.font_families[0], "Noto Sans Tibetan");
    CHECK(cfg.font_families[1] == NULL);

    app_config_t bare = {.rotation = -1};
    REQUIRE(app_apply_config_file(&bare, path, &dc, err, sizeof err) == KIOSK_OK);
    CHECK_STR(bare.font, "/file.ttf");
    remove_tree(dir);
}

/* "audio": the device, the volume, the earcons and when speech is on; the defaults without it;
 * what reaches the app's configuration. */
static void audio_settings_are_read(void)
{
    device_config_t cfg;
    content_error_t err;
    const char *none = "{\"kioskId\": \"lobby\"}";
    REQUIRE(device_config_parse(none, strlen(none), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK_STR(cfg.audio_device, "");
    CHECK_INT(cfg.audio_volume, 80);
    CHECK(cfg.audio_earcons);
    CHECK_INT(cfg.speech, CONFIG_SPEECH_ON_REQUEST);
    const char *json = "{\"audio\": {\"device\": \"USB Audio\", \"volume\": 35,"
                       " \"earcons\": false, \"speech\": \"always\"}}";
    REQUIRE(device_config_parse(json, strlen(json), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK_STR(cfg.audio_device, "USB Audio");
    CHECK_INT(cfg.audio_volume, 35);
    CHECK(!cfg.audio_earcons);
    CHECK_INT(cfg.speech, CONFIG_SPEECH_ALWAYS);
    const char *off = "{\"audio\": {\"device\": null, \"volume\": 0, \"speech\": \"off\"}}";
    REQUIRE(device_config_parse(off, strlen(off), "kiosk.json", &cfg, &err) == KIOSK_OK);
    CHECK_STR(cfg.audio_device, "");
    CHECK_INT(cfg.audio_volume, 0);
    CHECK_INT(cfg.speech, CONFIG_SPEECH_OFF);

    char dir[PATH_MAX], path[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "config-audio"));
    REQUIRE(snprintf(path, sizeof path, "%s/kiosk.json", dir) < (int)sizeof path);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs(json, f);
    fclose(f);
    static device_config_t dc; /* must outlive app */
    char msg[512];
    app_config_t app = {.rotation = -1};
    REQUIRE(app_apply_config_file(&app, path, &dc, msg, sizeof msg) == KIOSK_OK);
    CHECK_STR(app.audio_device, "USB Audio");
    CHECK(app.has_audio_volume);
    CHECK_INT(app.audio_volume, 35);
    CHECK(app.earcons_off);
    CHECK_INT(app.speech, CONFIG_SPEECH_ALWAYS);
    remove_tree(dir);
}

static void bad_audio_settings_name_path_and_reason(void)
{
    static const struct {
        const char *json, *path, *reason;
    } bad[] = {
        {"{\"audio\": true}", "$.audio", "expected an object"},
        {"{\"audio\": {\"device\": 3}}", "$.audio.device", "non-empty string"},
        {"{\"audio\": {\"volume\": 101}}", "$.audio.volume", "0..100"},
        {"{\"audio\": {\"volume\": -1}}", "$.audio.volume", "0..100"},
        {"{\"audio\": {\"volume\": \"loud\"}}", "$.audio.volume", "0..100"},
        {"{\"audio\": {\"earcons\": \"yes\"}}", "$.audio.earcons", "true or false"},
        {"{\"audio\": {\"speech\": \"sometimes\"}}", "$.audio.speech", "\"on-request\""},
        {"{\"audio\": {\"speech\": true}}", "$.audio.speech", "\"always\""},
        {"{\"audio\": {\"voice\": \"cmn\"}}", "$.audio.voice", "unknown setting"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        device_config_t cfg;
        content_error_t err;
        CHECK_INT(device_config_parse(bad[i].json, strlen(bad[i].json), "bad.json", &cfg, &err),
                  KIOSK_EINVAL);
        CHECK_STR(err.path, bad[i].path);
        if (!strstr(err.reason, bad[i].reason)) {
            fprintf(stderr, "%s: reason \"%s\" lacks \"%s\"\n", bad[i].json, err.reason,
                    bad[i].reason);
            check_failures++;
        }
    }
}

/* A stand-in for the audio edge's audio_check_prompt: files named "bad" are refused. */
static int fake_prompt_check(const char *path, char *err, size_t errlen)
{
    if (strstr(path, "bad")) {
        snprintf(err, errlen, "%s: not an Ogg file", path);
        return KIOSK_EINVAL;
    }
    return KIOSK_OK;
}

/* The app's prompt check: every prompt of the pack, its path joined to the pack's directory. */
static void pack_prompts_are_checked_by_file(void)
{
    /* the default pack plus prompts, through the core's loader */
    FILE *f = fopen(KIOSK_DEFAULT_PACK, "rb");
    REQUIRE(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *end = strrchr(buf, '}');
    REQUIRE(end);
    static char json[(1 << 20) + 256];
    for (int bad = 0; bad < 2; bad++) {
        snprintf(json, sizeof json, "%.*s, \"audio\": {\"home.title\": {\"en\": \"p/home.ogg\"},"
                 " \"nav.next\": {\"zh-cn\": \"p/%s.ogg\"}}}", (int)(end - buf), buf,
                 bad ? "bad" : "next");
        content_t *c = NULL;
        content_error_t ce;
        REQUIRE(content_load(json, strlen(json), "p.json", &c, &ce) == KIOSK_OK);
        char why[1024] = "";
        bool ok = app_pack_prompts_ok(c, "/media/stick/kiosk-packs", fake_prompt_check, why,
                                      sizeof why);
        CHECK(ok == !bad);
        if (bad)
            CHECK_STR(why, "$.audio.nav.next.zh-cn: /media/stick/kiosk-packs/p/bad.ogg: not an "
                           "Ogg file");
        content_free(c);
    }
}

/* ---- values that must not pass as plain strings (issue 17, point 7) ---- */

#define GOOD_HASH                                                                                  \
    "$argon2id$v=19$m=65536,t=2,p=1$YjKxMUlg1gZqqnOWIxsYWA$LVFY2PFzn0hRNU2Q4HEZSGC/"               \
    "pn0bevFTSZVyanV3S1w"
#define GOOD_KEY "690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmKzXg="

static void expect_refused(const char *json, size_t len, const char *path, const char *reason)
{
    device_config_t cfg;
    content_error_t err;
    int rc = device_config_parse(json, len, "kiosk.json", &cfg, &err);
    CHECK_INT(rc, KIOSK_EINVAL);
    CHECK_STR(err.file, "kiosk.json");
    if (rc != KIOSK_EINVAL || strcmp(err.path, path) != 0 || !strstr(err.reason, reason)) {
        fprintf(stderr, "  %.*s: got %s \"%s\", want %s \"%s\"\n", (int)len, json, err.path,
                err.reason, path, reason);
        check_failures++;
    }
}

static void expect_taken(const char *json)
{
    device_config_t cfg;
    content_error_t err;
    int rc = device_config_parse(json, strlen(json), "kiosk.json", &cfg, &err);
    if (rc != KIOSK_OK)
        fprintf(stderr, "  %s: refused: %s %s\n", json, err.path, err.reason);
    CHECK_INT(rc, KIOSK_OK);
}

static void kiosk_ids_are_letters_digits_and_dots(void)
{
    expect_taken("{\"kioskId\": \"lobby-01\"}");
    expect_taken("{\"kioskId\": \"Riverside.lobby_2\"}");
    expect_taken(
        "{\"kioskId\": \"a23456789012345678901234567890123456789012345678901234567890123\"}");
    static const char *const bad[] = {
        "{\"kioskId\": \"lobby\\u001b[2J\"}",         /* a control character (a forged log) */
        "{\"kioskId\": \"lobby\\nkiosk[info]: ok\"}", /* a newline */
        "{\"kioskId\": \"lobby one\"}",
        "{\"kioskId\": \"-lobby\"}",
        "{\"kioskId\": \".\"}",
        "{\"kioskId\": \"大厅\"}",
        "{\"kioskId\": \"a/b\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(bad[i], strlen(bad[i]), "$.kioskId", "letters, digits");
    const char *const long_id =
        "{\"kioskId\": \"a234567890123456789012345678901234567890123456789012345678901234\"}";
    expect_refused(long_id, strlen(long_id), "$.kioskId", "at most 63 bytes");
    CHECK(config_kiosk_id_ok("x"));
    CHECK(!config_kiosk_id_ok(""));
}

/* Not UTF-8, a NUL byte, a \u0000 escape: refused with line and column, whatever the key. */
static void bytes_that_are_not_utf8_text_are_refused(void)
{
    const char bad_utf8[] = "{\n  \"kioskId\": \"lob\xff\"}";
    const char cut[] = "{\"kioskId\": \"lob\xe5\xa4\"}";
    const char overlong[] = "{\"kioskId\": \"\xc0\xaf\"}";
    const char nul_byte[] = "{\"kioskId\": \"lobby\0evil\"}";
    const char nul_escape[] = "{\n\"language\": \"en\",\n \"kioskId\": \"lobby\\u0000evil\"}";
    const struct {
        const char *json;
        size_t len;
        const char *reason;
        int line, col;
    } cases[] = {
        {bad_utf8, sizeof bad_utf8 - 1, "not UTF-8", 2, 18},
        {cut, sizeof cut - 1, "not UTF-8", 1, 17},
        {overlong, sizeof overlong - 1, "not UTF-8", 1, 14},
        {nul_byte, sizeof nul_byte - 1, "a NUL byte", 1, 19},
        {nul_escape, sizeof nul_escape - 1, "\\u0000", 3, 19},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        device_config_t cfg;
        content_error_t err;
        CHECK_INT(device_config_parse(cases[i].json, cases[i].len, "kiosk.json", &cfg, &err),
                  KIOSK_EINVAL);
        CHECK(strstr(err.reason, cases[i].reason) != NULL);
        CHECK_INT(err.line, cases[i].line);
        CHECK_INT(err.col, cases[i].col);
        char msg[1024];
        content_error_format(&err, msg, sizeof msg);
        CHECK(strncmp(msg, "kiosk.json: $: ", 15) == 0);
    }
    /* An escaped backslash before u0000 is text, not a NUL. */
    expect_taken("{\"pack\": \"C:\\\\u0000.json\"}");
    expect_taken("{\"language\": \"zh-cn\", \"fontFamilies\": [\"文泉驿\"]}");
}

static void pin_hashes_must_be_argon2id_strings(void)
{
    expect_taken("{\"staff\": {\"pinHash\": \"" GOOD_HASH "\"}}");
    static const char *const bad[] = {
        "$argon2id$garbage",
        "$argon2id$v=19$m=65536,t=2,p=1$YjKxMUlg1gZqqnOWIxsYWA",
        "$argon2id$v=18$m=65536,t=2,p=1$YjKxMUlg1gZqqnOWIxsYWA$LVFY2PFzn0hRNU2Q4HEZSGC/"
        "pn0bevFTSZVyanV3S1w",
        "$argon2id$v=19$m=65536,t=0,p=1$YjKxMUlg1gZqqnOWIxsYWA$LVFY2PFzn0hRNU2Q4HEZSGC/"
        "pn0bevFTSZVyanV3S1w",
        "$argon2id$v=19$m=65536,t=2,p=1$YjKx*UlgWA$LVFY2PFzn0hRNU2Q4HEZSGC/pn0bevFTSZVyanV3S1w",
        "$argon2id$v=19$m=65536,t=2,p=1$YjKxMUlg1gZqqnOWIxsYWA$LVFY",
        "$argon2id$v=19$m=65536,t=2,p=1$YjKxMUlg1gZqqnOWIxsYWA$LVFY2PFzn0hRNU2Q4HEZSGC/"
        "pn0bevFTSZVyanV3S1w$",
        "$argon2i$v=19$m=65536,t=2,p=1$YjKxMUlg1gZqqnOWIxsYWA$LVFY2PFzn0hRNU2Q4HEZSGC/"
        "pn0bevFTSZVyanV3S1w",
        "1234",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"staff\": {\"pinHash\": \"%s\"}}", bad[i]);
        expect_refused(json, strlen(json), "$.staff.pinHash", "not a PIN hash");
        snprintf(json, sizeof json, "{\"staff\": {\"technicianPinHash\": \"%s\"}}", bad[i]);
        expect_refused(json, strlen(json), "$.staff.technicianPinHash", "not a PIN hash");
    }
}

static void organisation_keys_are_32_bytes_of_base64(void)
{
    expect_taken("{\"organisation\": {\"signPublicKey\": \"" GOOD_KEY
                 "\", \"boxPublicKey\": \"" GOOD_KEY "\"}}");
    static const struct {
        const char *key, *reason;
    } bad[] = {
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmKzX=", "not base64"},     /* not canonical */
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmKzXg", "not base64"},     /* unpadded */
        {"690omr5SqstkLBLlhUza5Dz_1dPtFXA7PxklVzmKzXg=", "not base64"},    /* URL-safe */
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmK", "not a 32-byte key"}, /* 30 bytes */
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmKzXgA", "not a 32-byte key"},
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmKzXgAAAA=", "not a 32-byte key"},
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzm=", "not base64"}, /* bits left over */
        {"690omr5SqstkLBLlhUza5Dz/1dPtFXA7PxklVzmKzXg==", "not base64"},
        {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "all zero"},
        {"0f9c6e7b2a1d", "not a 32-byte key"}, /* hex is base64 of 9 bytes */
        {"", "non-empty string"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"organisation\": {\"signPublicKey\": \"%s\"}}", bad[i].key);
        expect_refused(json, strlen(json), "$.organisation.signPublicKey", bad[i].reason);
        snprintf(json, sizeof json, "{\"organisation\": {\"boxPublicKey\": \"%s\"}}", bad[i].key);
        expect_refused(json, strlen(json), "$.organisation.boxPublicKey", bad[i].reason);
    }
}

static void the_mount_dir_is_no_system_directory(void)
{
    expect_taken("{\"usb\": {\"mountDir\": \"/run/kiosk/usb\"}}");
    expect_taken(
        "{\"database\": \"/var/lib/kiosk/kiosk.db\", \"usb\": {\"mountDir\": \"/media/kiosk\"}}");
    expect_taken("{\"database\": \"/var/lib/kiosk/kiosk.db\", \"usb\": {\"mountDir\": "
                 "\"/var/lib/kiosk/usb\"}}");
    static const struct {
        const char *json, *reason;
    } bad[] = {
        {"{\"usb\": {\"mountDir\": \"/\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"//\"}}", "not a plain path"},
        {"{\"usb\": {\"mountDir\": \"/etc\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/etc/kiosk\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/usr/\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/var\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/boot/firmware\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/proc\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/sys/kernel\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/dev\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/run\"}}", "system directory"},
        {"{\"usb\": {\"mountDir\": \"/run/../etc\"}}", "not a plain path"},
        {"{\"usb\": {\"mountDir\": \"/run/kiosk/..\"}}", "not a plain path"},
        {"{\"usb\": {\"mountDir\": \"media\"}}", "not an absolute path"},
        {"{\"usb\": {\"mountDir\": \"/var/lib/kiosk\"}, \"database\": \"/var/lib/kiosk/kiosk.db\"}",
         "the data directory"},
        {"{\"database\": \"/var/lib/kiosk/kiosk.db\", \"usb\": {\"mountDir\": \"/var/lib\"}}",
         "the data directory"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(bad[i].json, strlen(bad[i].json), "$.usb.mountDir", bad[i].reason);
}

/* The command line and the file together: --kiosk-id is checked like kioskId; the mount
 * directory against the database's directory given by --db. */
static void the_command_line_is_checked_with_the_file(void)
{
    char err[512];
    app_config_t cfg = {.kiosk_id = "lobby\x1b[2J", .db_path = "/var/lib/kiosk/kiosk.db"};
    CHECK_INT(app_check_config(&cfg, "/etc/kiosk/kiosk.json", err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "--kiosk-id or /etc/kiosk/kiosk.json: $.kioskId") != NULL);
    cfg.kiosk_id = "lobby-01";
    CHECK_INT(app_check_config(&cfg, "/etc/kiosk/kiosk.json", err, sizeof err), KIOSK_OK);
    cfg.usb_mount_dir = "/var/lib/kiosk";
    CHECK_INT(app_check_config(&cfg, "/etc/kiosk/kiosk.json", err, sizeof err), KIOSK_EINVAL);
    CHECK_STR(err, "/etc/kiosk/kiosk.json: $.usb.mountDir: '/var/lib/kiosk' is the data "
                   "directory or above it: a stick mounted below it would hide the database");
    cfg.usb_mount_dir = "/run/kiosk/usb";
    CHECK_INT(app_check_config(&cfg, NULL, err, sizeof err), KIOSK_OK);
}

/* A FIFO, a directory or a device as the configuration: refused at once (never blocking on a
 * FIFO no one writes to), naming the file. */
static void a_configuration_that_is_no_regular_file_is_refused(void)
{
    char dir[PATH_MAX], fifo[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "config-fifo"));
    join(fifo, dir, "kiosk.json");
    REQUIRE(mkfifo(fifo, 0600) == 0);
    static const struct {
        const char *path, *kind;
    } cases[] = {{NULL, "a FIFO"}, {"/dev/null", "a device"}, {"/tmp", "a directory"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = cases[i].path ? cases[i].path : fifo;
        static device_config_t dc;
        char err[512] = "";
        app_config_t cfg = {.rotation = -1};
        alarm(10); /* blocking on the FIFO ends the test (SIGALRM), never hangs it */
        CHECK(app_apply_config_file(&cfg, path, &dc, err, sizeof err) != KIOSK_OK);
        alarm(0);
        CHECK(strncmp(err, path, strlen(path)) == 0);
        CHECK(strstr(err, cases[i].kind) != NULL);
    }
    remove_tree(dir);
}

/* The real kiosk: a FIFO as --config ends it with status 2 within seconds (the test's own
 * timeout kills it if it blocks), and a bad number is an error, not 0. */
static int run_kiosk_timed(char *const argv[], char *out, size_t len)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        dup2(p[1], 1);
        close(p[0]);
        alarm(10); /* a kiosk that blocks is killed: the test fails, it does not hang */
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(p[0], out + n, len - n - 1)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void the_kiosk_refuses_a_fifo_and_bad_numbers(void)
{
    char dir[PATH_MAX], fifo[PATH_MAX], out[2048];
    REQUIRE(make_scratch_dir(dir, "config-kiosk"));
    join(fifo, dir, "kiosk.json");
    REQUIRE(mkfifo(fifo, 0600) == 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *fifo_args[] = {KIOSK_BIN, "--headless", "--config", fifo, NULL};
    CHECK_INT(run_kiosk_timed(fifo_args, out, sizeof out), 2);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(t1.tv_sec - t0.tv_sec < 5);
    CHECK(strstr(out, "a FIFO, not a regular file") != NULL);
    CHECK(strstr(out, fifo) != NULL);
    static const struct {
        const char *opt, *value, *message;
    } bad[] = {
        {"--idle-timeout", "abc", "--idle-timeout wants a whole number from 5 to 3600, not 'abc'"},
        {"--idle-timeout", "0", "--idle-timeout wants a whole number"},
        {"--idle-timeout", "60s", "--idle-timeout wants"},
        {"--idle-countdown", "-5", "--idle-countdown wants"},
        {"--idle-countdown", "99999999999999999999", "--idle-countdown wants"},
        {"--min-free", "", "--min-free wants"},
        {"--min-free", " 12", "--min-free wants"},
        {"--size", "800x480junk", "--size wants WxH"},
        {"--size", "+800x480", "--size wants WxH"},
        {"--rotate", "90.0", "--rotate wants"},
        {"--kiosk-id", "lobby\nkiosk[info]: forged", "$.kioskId): expected 1 to 63"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *args[] = {
            KIOSK_BIN,         "--headless", (char *)bad[i].opt,      (char *)bad[i].value,
            "--print-records", "--db",       "/nonexistent/kiosk.db", NULL};
        int status = run_kiosk_timed(args, out, sizeof out);
        CHECK_INT(status, 2);
        if (!strstr(out, bad[i].message)) {
            fprintf(stderr, "  %s '%s': \"%s\" lacks \"%s\"\n", bad[i].opt, bad[i].value, out,
                    bad[i].message);
            check_failures++;
        }
    }
    /* The same options with good values are taken. */
    char db[PATH_MAX];
    join(db, dir, "kiosk.db");
    char *good[] = {KIOSK_BIN,
                    "--headless",
                    "--idle-timeout",
                    "30",
                    "--idle-countdown",
                    "10",
                    "--min-free",
                    "0",
                    "--size",
                    "800x480",
                    "--rotate",
                    "90",
                    "--kiosk-id",
                    "lobby-01",
                    "--print-records",
                    "--db",
                    db,
                    NULL};
    CHECK_INT(run_kiosk_timed(good, out, sizeof out), 0);
    remove_tree(dir);
}

int main(void)
{
    RUN(font_settings_are_read);
    RUN(bad_font_settings_name_path_and_reason);
    RUN(command_line_fonts_win_over_the_file);
    RUN(audio_settings_are_read);
    RUN(bad_audio_settings_name_path_and_reason);
    RUN(pack_prompts_are_checked_by_file);
    RUN(kiosk_ids_are_letters_digits_and_dots);
    RUN(bytes_that_are_not_utf8_text_are_refused);
    RUN(pin_hashes_must_be_argon2id_strings);
    RUN(organisation_keys_are_32_bytes_of_base64);
    RUN(the_mount_dir_is_no_system_directory);
    RUN(the_command_line_is_checked_with_the_file);
    RUN(a_configuration_that_is_no_regular_file_is_refused);
    RUN(the_kiosk_refuses_a_fifo_and_bad_numbers);
    return check_failures != 0;
}
