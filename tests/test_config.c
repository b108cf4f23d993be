/* The device configuration's text and audio settings: the fonts ("font", "fontBold", "fontFamilies"),
 * their errors with path and reason, and the command line winning over the file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    RUN(font_settings_are_read);
    RUN(bad_font_settings_name_path_and_reason);
    RUN(command_line_fonts_win_over_the_file);
    RUN(audio_settings_are_read);
    RUN(bad_audio_settings_name_path_and_reason);
    RUN(pack_prompts_are_checked_by_file);
    return check_failures != 0;
}
