/* Device configuration and pin map parsing: strict (unknown keys are errors), with JSON paths
 * in errors. */
#include "core/config.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "core/json_num.h"
#include "core/kerr.h"

/* ---- pin map ---- */

static int get_ms(const cJSON *obj, const char *name, int lo, int hi, int *out,
                  content_error_t *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return KIOSK_OK;
    char path[64];
    snprintf(path, sizeof path, "$.%s", name);
    int64_t n;
    if (!cJSON_IsNumber(v) || !json_int_in(v->valuedouble, lo, hi, &n)) {
        char range[64];
        snprintf(range, sizeof range, "%d..%d", lo, hi);
        return content_error_set(err, path, "expected an integer in %s", range);
    }
    *out = (int)n;
    return KIOSK_OK;
}

/* "action" (and a face's "index"). */
static int parse_pin_action(const cJSON *p, pin_t *pin, const char *path, content_error_t *err)
{
    char at[128];
    const cJSON *action = cJSON_GetObjectItemCaseSensitive(p, "action");
    snprintf(at, sizeof at, "%s.action", path);
    if (!cJSON_IsString(action))
        return content_error_set(
            err, at, "missing action (face, prev, next, select, back, home, help, staff)");
    int a;
    for (a = 0; a < BUTTON_ACTION_COUNT; a++)
        if (strcmp(action->valuestring, button_action_name((button_action_t)a)) == 0)
            break;
    if (a == BUTTON_ACTION_COUNT)
        return content_error_set(err, at, "unknown action '%s'", action->valuestring);
    pin->action = (button_action_t)a;
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(p, "index");
    if (pin->action == BUTTON_FACE) {
        snprintf(at, sizeof at, "%s.index", path);
        if (!cJSON_IsNumber(index) || index->valueint < 0 || index->valueint > 4)
            return content_error_set(err, at, "a face needs an index 0..4 (0 = worst)");
        pin->index = index->valueint;
    }
    return KIOSK_OK;
}

/* "chip" (or the map's default) and "line": an offset, or a name. */
static int parse_pin_line(const cJSON *p, const char *default_chip, pin_t *pin, const char *path,
                          content_error_t *err)
{
    char at[128];
    const cJSON *chip = cJSON_GetObjectItemCaseSensitive(p, "chip");
    const char *c = cJSON_IsString(chip) ? chip->valuestring : default_chip;
    snprintf(at, sizeof at, "%s.chip", path);
    if (!c || !*c || strlen(c) >= sizeof pin->chip)
        return content_error_set(err, at,
                                 "missing chip (name, path, label or \"auto\", up to 63 bytes)");
    snprintf(pin->chip, sizeof pin->chip, "%s", c);
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(p, "line");
    snprintf(at, sizeof at, "%s.line", path);
    if (cJSON_IsString(line) && line->valuestring[0] &&
        strlen(line->valuestring) < sizeof pin->line_name) {
        snprintf(pin->line_name, sizeof pin->line_name, "%s", line->valuestring);
        pin->offset = -1;
    } else if (cJSON_IsNumber(line) && line->valueint >= 0 && line->valueint < 1024 &&
               line->valuedouble == (double)line->valueint) {
        pin->offset = line->valueint;
    } else {
        return content_error_set(err, at, "expected a line offset (0..1023) or a line name");
    }
    if (strcmp(pin->chip, "auto") == 0 && !pin->line_name[0])
        return content_error_set(err, at,
                                 "with chip \"auto\" a line is found by its name, not an offset");
    return KIOSK_OK;
}

/* "activeLow" (default true: buttons to ground) and "bias" (default: pull to the idle level). */
static int parse_pin_electrics(const cJSON *p, pin_t *pin, const char *path, content_error_t *err)
{
    char at[128];
    const cJSON *low = cJSON_GetObjectItemCaseSensitive(p, "activeLow");
    snprintf(at, sizeof at, "%s.activeLow", path);
    if (low && !cJSON_IsBool(low))
        return content_error_set(err, at, "expected true or false");
    pin->active_low = low ? cJSON_IsTrue(low) : true; /* buttons to ground are the norm */
    const cJSON *bias = cJSON_GetObjectItemCaseSensitive(p, "bias");
    snprintf(at, sizeof at, "%s.bias", path);
    pin->bias = pin->active_low ? BIAS_PULL_UP : BIAS_PULL_DOWN;
    if (bias) {
        static const char *const names[] = {"as-is", "none", "pull-up", "pull-down"};
        int b;
        for (b = 0; b < 4; b++)
            if (cJSON_IsString(bias) && strcmp(bias->valuestring, names[b]) == 0)
                break;
        if (b == 4)
            return content_error_set(err, at, "bias must be as-is, none, pull-up or pull-down");
        pin->bias = (button_bias_t)b;
    }
    return KIOSK_OK;
}

static int parse_pin(const cJSON *p, const char *default_chip, pin_t *pin, const char *path,
                     content_error_t *err)
{
    if (!cJSON_IsObject(p))
        return content_error_set(err, path, "expected a pin object");
    int rc;
    if ((rc = parse_pin_action(p, pin, path, err)) ||
        (rc = parse_pin_line(p, default_chip, pin, path, err)))
        return rc;
    return parse_pin_electrics(p, pin, path, err);
}

static bool same_line(const pin_t *a, const pin_t *b)
{
    if (strcmp(a->chip, b->chip) != 0)
        return false;
    if (a->line_name[0] || b->line_name[0])
        return strcmp(a->line_name, b->line_name) == 0;
    return a->offset == b->offset;
}

int pinmap_parse(const char *json, size_t len, const char *filename, pinmap_t *map,
                 content_error_t *err)
{
    memset(map, 0, sizeof *map);
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", filename ? filename : "(pin map)");
    map->debounce_ms = 30;
    map->long_press_ms = 3000;
    map->stuck_s = 120;
    cJSON *root = cJSON_ParseWithLength(json, len);
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(root)) {
        rc = content_error_set(err, "$", "expected a JSON object with \"pins\"");
        goto out;
    }
    if ((rc = get_ms(root, "debounceMs", 1, 1000, &map->debounce_ms, err)) ||
        (rc = get_ms(root, "longPressMs", 200, 60000, &map->long_press_ms, err)) ||
        (rc = get_ms(root, "stuckSeconds", 5, 86400, &map->stuck_s, err)))
        goto out;
    const cJSON *chip = cJSON_GetObjectItemCaseSensitive(root, "chip");
    const cJSON *pins = cJSON_GetObjectItemCaseSensitive(root, "pins");
    if (!cJSON_IsArray(pins)) {
        rc = content_error_set(err, "$.pins", "expected an array of pins");
        goto out;
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, pins)
    {
        char path[64];
        snprintf(path, sizeof path, "$.pins[%zu]", map->n);
        if (map->n == PINMAP_MAX_PINS) {
            rc = content_error_set(err, path, "more than 16 pins");
            goto out;
        }
        pin_t *pin = &map->pins[map->n];
        if ((rc = parse_pin(p, cJSON_IsString(chip) ? chip->valuestring : NULL, pin, path, err)))
            goto out;
        for (size_t k = 0; k < map->n; k++) {
            const pin_t *o = &map->pins[k];
            if (same_line(o, pin)) {
                rc = content_error_set(err, path, "line already used by $.pins[%zu]", k);
                goto out;
            }
            if (o->action == pin->action &&
                (pin->action != BUTTON_FACE || o->index == pin->index)) {
                rc = content_error_set(err, path, "a second '%s' button",
                                       button_action_name(pin->action));
                goto out;
            }
        }
        map->n++;
    }
out:
    cJSON_Delete(root);
    if (rc)
        map->n = 0;
    return rc;
}

static int str_field(const cJSON *v, const char *path, char *dst, size_t cap, content_error_t *err)
{
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= cap)
        return content_error_set(err, path, "expected a non-empty string of at most %zu bytes",
                                 cap - 1);
    snprintf(dst, cap, "%s", v->valuestring);
    return KIOSK_OK;
}

static int int_field(const cJSON *v, const char *path, int lo, int hi, int *dst,
                     content_error_t *err)
{
    int64_t n;
    if (!cJSON_IsNumber(v) || !json_int_in(v->valuedouble, lo, hi, &n))
        return content_error_set(err, path, "expected an integer in %d..%d", lo, hi);
    *dst = (int)n;
    return KIOSK_OK;
}

#define BACKLIGHT_DIR "/sys/class/backlight/"

/* "/sys/class/backlight/<name>": one name below it, nothing that climbs out. */
static bool backlight_dir_ok(const char *p)
{
    size_t n = strlen(BACKLIGHT_DIR);
    return strncmp(p, BACKLIGHT_DIR, n) == 0 && p[n] && !strchr(p + n, '/') && !strstr(p, "..");
}

static int parse_backlight(const cJSON *b, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(b))
        return content_error_set(err, "$.display.backlight",
                                 "expected an object with \"path\" and \"quietPercent\"");
    bool has_path = false, has_percent = false;
    const cJSON *v;
    cJSON_ArrayForEach(v, b)
    {
        char path[128];
        snprintf(path, sizeof path, "$.display.backlight.%s", v->string);
        int rc;
        if (strcmp(v->string, "path") == 0) {
            rc = str_field(v, path, cfg->backlight_path, sizeof cfg->backlight_path, err);
            if (!rc && !backlight_dir_ok(cfg->backlight_path))
                rc = content_error_set(
                    err, path, "expected \"" BACKLIGHT_DIR "<name>\" (one name, no \"..\")");
            has_path = true;
        } else if (strcmp(v->string, "quietPercent") == 0) {
            rc = int_field(v, path, 0, 100, &cfg->backlight_quiet_percent, err);
            has_percent = true;
        } else {
            rc = content_error_set(err, path, "unknown setting '%s'", v->string);
        }
        if (rc)
            return rc;
    }
    if (!has_path)
        return content_error_set(err, "$.display.backlight.path",
                                 "missing: the backlight's directory, \"" BACKLIGHT_DIR "<name>\"");
    if (!has_percent)
        return content_error_set(err, "$.display.backlight.quietPercent",
                                 "missing: brightness while closed, 0..100");
    cfg->has_backlight = true;
    return KIOSK_OK;
}

static int parse_display(const cJSON *d, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(d))
        return content_error_set(err, "$.display", "expected an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, d)
    {
        char path[96];
        snprintf(path, sizeof path, "$.display.%s", v->string);
        int rc;
        if (strcmp(v->string, "width") == 0)
            rc = int_field(v, path, 320, 8192, &cfg->width, err);
        else if (strcmp(v->string, "height") == 0)
            rc = int_field(v, path, 240, 8192, &cfg->height, err);
        else if (strcmp(v->string, "rotation") == 0) {
            rc = int_field(v, path, 0, 270, &cfg->rotation, err);
            if (!rc && cfg->rotation % 90)
                rc = content_error_set(err, path, "rotation must be 0, 90, 180 or 270");
        } else if (strcmp(v->string, "fullscreen") == 0) {
            if (!cJSON_IsBool(v))
                return content_error_set(err, path, "expected true or false");
            cfg->fullscreen = cJSON_IsTrue(v);
            cfg->has_fullscreen = true;
            rc = KIOSK_OK;
        } else if (strcmp(v->string, "backlight") == 0) {
            rc = parse_backlight(v, cfg, err);
        } else {
            rc = content_error_set(err, path, "unknown setting '%s'", v->string);
        }
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

/* A setting that is one integer in lo..hi, at offset in device_config_t. */
typedef struct {
    const char *key;
    size_t offset;
    int lo, hi;
} int_setting_t;

/* The int_setting_t of key among n, or NULL. */
static const int_setting_t *find_int(const int_setting_t *keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

static int set_int(const cJSON *v, const char *path, const int_setting_t *k, device_config_t *cfg,
                   content_error_t *err)
{
    return int_field(v, path, k->lo, k->hi, (int *)(void *)((char *)cfg + k->offset), err);
}

static int parse_retention(const cJSON *r, device_config_t *cfg, content_error_t *err)
{
    static const int_setting_t keys[] = {
        {"contactAfterExportDays", offsetof(device_config_t, contact_after_export_days), 1, 3650},
        {"contactMaxDays", offsetof(device_config_t, contact_max_days), 1, 3650},
        {"answersAfterExportDays", offsetof(device_config_t, answers_after_export_days), 1, 36500},
    };
    if (!cJSON_IsObject(r))
        return content_error_set(err, "$.retention", "expected an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, r)
    {
        char path[96];
        snprintf(path, sizeof path, "$.retention.%s", v->string);
        const int_setting_t *k = find_int(keys, sizeof keys / sizeof keys[0], v->string);
        int rc = k ? set_int(v, path, k, cfg, err)
                   : content_error_set(err, path, "unknown setting '%s'", v->string);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

static int parse_object_strings(const cJSON *o, const char *name, const char *const keys[],
                                char *const dst[], const size_t caps[], size_t n,
                                content_error_t *err)
{
    char path[96];
    snprintf(path, sizeof path, "$.%s", name);
    if (!cJSON_IsObject(o))
        return content_error_set(err, path, "expected an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, o)
    {
        snprintf(path, sizeof path, "$.%s.%s", name, v->string);
        size_t i;
        for (i = 0; i < n; i++)
            if (strcmp(v->string, keys[i]) == 0)
                break;
        if (i == n)
            return content_error_set(err, path, "unknown setting '%s'", v->string);
        int rc = str_field(v, path, dst[i], caps[i], err);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

/* One command: an array of 1 to CONFIG_CMD_MAX - 1 strings, run without a shell. */
static int parse_command(const cJSON *v, const char *path, config_cmd_t *cmd, content_error_t *err)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 || cJSON_GetArraySize(v) >= CONFIG_CMD_MAX)
        return content_error_set(err, path, "expected an array of 1 to %d strings (no shell)",
                                 CONFIG_CMD_MAX - 1);
    const cJSON *a;
    size_t i = 0;
    cJSON_ArrayForEach(a, v)
    {
        char at[128];
        snprintf(at, sizeof at, "%s[%zu]", path, i);
        if (!cJSON_IsString(a) || !a->valuestring[0] ||
            strlen(a->valuestring) >= sizeof cmd->arg[0])
            return content_error_set(err, at, "expected a non-empty string of at most %zu bytes",
                                     sizeof cmd->arg[0] - 1);
        snprintf(cmd->arg[i], sizeof cmd->arg[0], "%s", a->valuestring);
        cmd->argv[i] = cmd->arg[i];
        i++;
    }
    cmd->argv[i] = NULL;
    if (cmd->arg[0][0] != '/')
        return content_error_set(err, path, "the program must be an absolute path, not '%s'",
                                 cmd->arg[0]);
    return KIOSK_OK;
}

static int parse_system(const cJSON *o, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(o))
        return content_error_set(err, "$.system", "expected an object");
    static const char *const keys[] = {"setClock", "restart", "reboot", "powerOff"};
    config_cmd_t *cmds[] = {&cfg->set_clock, &cfg->restart, &cfg->reboot, &cfg->poweroff};
    const cJSON *v;
    cJSON_ArrayForEach(v, o)
    {
        char path[96];
        snprintf(path, sizeof path, "$.system.%s", v->string);
        size_t i;
        for (i = 0; i < 4; i++)
            if (strcmp(v->string, keys[i]) == 0)
                break;
        if (i == 4)
            return content_error_set(err, path, "unknown setting '%s'", v->string);
        int rc = parse_command(v, path, cmds[i], err);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

static int parse_organisation(const cJSON *v, device_config_t *cfg, content_error_t *err)
{
    static const char *const keys[] = {"signPublicKey", "boxPublicKey"};
    char *const dst[] = {cfg->org_sign_public_key, cfg->org_box_public_key};
    const size_t caps[] = {sizeof cfg->org_sign_public_key, sizeof cfg->org_box_public_key};
    int rc = parse_object_strings(v, "organisation", keys, dst, caps, 2, err);
    /* A wrong key would refuse every staff token, or encrypt exports nobody can open. */
    for (size_t i = 0; i < 2 && !rc; i++) {
        const char *why = dst[i][0] ? config_key_problem(dst[i]) : NULL;
        if (why)
            rc = content_error_set(
                err, i ? "$.organisation.boxPublicKey" : "$.organisation.signPublicKey", "%s", why);
    }
    return rc;
}

static int parse_staff(const cJSON *v, device_config_t *cfg, content_error_t *err)
{
    static const char *const keys[] = {"pinHash", "technicianPinHash"};
    char *const dst[] = {cfg->staff_pin_hash, cfg->tech_pin_hash};
    const size_t caps[] = {sizeof cfg->staff_pin_hash, sizeof cfg->tech_pin_hash};
    int rc = parse_object_strings(v, "staff", keys, dst, caps, 2, err);
    /* A PIN in clear, or a hash of another kind, must not pass silently. */
    for (size_t i = 0; i < 2 && !rc; i++)
        if (dst[i][0] && !config_pin_hash_ok(dst[i]))
            rc = content_error_set(
                err, i ? "$.staff.technicianPinHash" : "$.staff.pinHash",
                "not a PIN hash ($argon2id$v=19$m=..,t=..,p=..$salt$hash): make one with "
                "'kiosk --hash-pin'");
    if (!rc && cfg->staff_pin_hash[0] && strcmp(cfg->staff_pin_hash, cfg->tech_pin_hash) == 0)
        rc = content_error_set(err, "$.staff.technicianPinHash",
                               "the same hash as pinHash: the two PINs must differ");
    return rc;
}

static int parse_usb(const cJSON *v, device_config_t *cfg, content_error_t *err)
{
    static const char *const keys[] = {"mountDir"};
    char *const dst[] = {cfg->usb_mount_dir};
    const size_t caps[] = {sizeof cfg->usb_mount_dir};
    return parse_object_strings(v, "usb", keys, dst, caps, 1, err);
}

/* "buttons": a pin map inside the configuration, its errors under $.buttons. */
static int parse_buttons(const cJSON *v, const char *filename, device_config_t *cfg,
                         content_error_t *err)
{
    char *text = cJSON_PrintUnformatted(v);
    content_error_t perr;
    int rc = text ? pinmap_parse(text, strlen(text), filename, &cfg->buttons, &perr) : KIOSK_ENOMEM;
    free(text);
    if (rc) {
        /* The pin map's paths are relative to its own object. */
        char sub[200];
        snprintf(sub, sizeof sub, "%.199s", perr.path[0] == '$' ? perr.path + 1 : perr.path);
        snprintf(err->path, sizeof err->path, "$.buttons%s", sub);
        snprintf(err->reason, sizeof err->reason, "%s", perr.reason);
    }
    cfg->has_buttons = rc == KIOSK_OK;
    return rc;
}

/* A top-level setting that is a string, at offset in device_config_t (cap bytes). */
typedef struct {
    const char *key;
    size_t offset, cap;
} string_setting_t;

#define STRING_SETTING(key, member)                                                                \
    {                                                                                              \
        key, offsetof(device_config_t, member), sizeof((device_config_t *)0)->member               \
    }

/* "inputMethods": {"enabled": true, "rimeDir": "..."}: pinyin and handwriting on text
 * questions (the IME edge), and where the Rime data compiled with the package lives. */
static int parse_input_methods(const cJSON *o, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(o))
        return content_error_set(err, "$.inputMethods", "expected an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, o)
    {
        char path[96];
        snprintf(path, sizeof path, "$.inputMethods.%s", v->string);
        int rc;
        if (strcmp(v->string, "enabled") == 0) {
            if (!cJSON_IsBool(v))
                return content_error_set(err, path, "expected true or false");
            cfg->input_methods = cJSON_IsTrue(v);
            rc = KIOSK_OK;
        } else if (strcmp(v->string, "rimeDir") == 0) {
            rc = str_field(v, path, cfg->rime_dir, sizeof cfg->rime_dir, err);
        } else {
            rc = content_error_set(err, path, "unknown setting '%s'", v->string);
        }
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

/* "fontFamilies": 1 to CONFIG_FONT_FAMILIES_MAX family names, each a non-empty string. */
static int parse_font_families(const cJSON *v, config_names_t *out, content_error_t *err)
{
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v) || n < 1 || n > CONFIG_FONT_FAMILIES_MAX)
        return content_error_set(err, "$.fontFamilies",
                                 "expected 1 to %d font family names such as "
                                 "[\"Noto Sans Arabic UI\"]",
                                 CONFIG_FONT_FAMILIES_MAX);
    const cJSON *f;
    size_t i = 0;
    cJSON_ArrayForEach(f, v)
    {
        char path[64];
        snprintf(path, sizeof path, "$.fontFamilies[%zu]", i);
        int rc = str_field(f, path, out->name[i], sizeof out->name[i], err);
        if (rc)
            return rc;
        out->v[i] = out->name[i];
        i++;
    }
    out->v[i] = NULL;
    out->n = i;
    return KIOSK_OK;
}

static int parse_audio_member(const cJSON *v, const char *path, device_config_t *cfg,
                              content_error_t *err)
{
    static const char *const speech[] = {"on-request", "off", "always"};
    if (strcmp(v->string, "device") == 0) {
        if (cJSON_IsNull(v)) {
            cfg->audio_device[0] = '\0';
            return KIOSK_OK;
        }
        return str_field(v, path, cfg->audio_device, sizeof cfg->audio_device, err);
    }
    if (strcmp(v->string, "volume") == 0)
        return int_field(v, path, 0, 100, &cfg->audio_volume, err);
    if (strcmp(v->string, "earcons") == 0) {
        if (!cJSON_IsBool(v))
            return content_error_set(err, path, "expected true or false");
        cfg->audio_earcons = cJSON_IsTrue(v);
        return KIOSK_OK;
    }
    if (strcmp(v->string, "speech") != 0)
        return content_error_set(err, path, "unknown setting '%s'", v->string);
    for (size_t i = 0; i < sizeof speech / sizeof speech[0]; i++)
        if (cJSON_IsString(v) && strcmp(v->valuestring, speech[i]) == 0) {
            cfg->speech = (config_speech_t)i;
            return KIOSK_OK;
        }
    return content_error_set(err, path, "expected \"off\", \"on-request\" or \"always\"");
}

/* "audio": {"device": name or null, "volume": 0..100, "earcons": bool, "speech": ...}. */
static int parse_audio(const cJSON *a, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(a))
        return content_error_set(err, "$.audio", "expected an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, a)
    {
        char path[96];
        snprintf(path, sizeof path, "$.audio.%s", v->string);
        int rc = parse_audio_member(v, path, cfg, err);
        if (rc)
            return rc;
    }
    return KIOSK_OK;
}

/* usb.mountDir against the system's directories and the database's (both known only once the
 * whole file is read). */
static int check_mount_dir(const device_config_t *cfg, content_error_t *err)
{
    if (!cfg->usb_mount_dir[0])
        return KIOSK_OK;
    char data_dir[sizeof cfg->database] = "";
    const char *slash = strrchr(cfg->database, '/');
    if (slash)
        snprintf(data_dir, sizeof data_dir, "%.*s",
                 slash == cfg->database ? 1 : (int)(slash - cfg->database), cfg->database);
    const char *why = config_mount_dir_problem(cfg->usb_mount_dir, data_dir[0] ? data_dir : NULL);
    return why ? content_error_set(err, "$.usb.mountDir", "'%s' is %s", cfg->usb_mount_dir, why)
               : KIOSK_OK;
}

/* One top-level member of the configuration. */
static int parse_setting(const cJSON *v, const char *filename, device_config_t *cfg,
                         content_error_t *err)
{
    static const string_setting_t strings[] = {
        STRING_SETTING("language", language),
        STRING_SETTING("pack", pack),
        STRING_SETTING("database", database),
        STRING_SETTING("font", font),
        STRING_SETTING("fontBold", font_bold),
    };
    static const int_setting_t ints[] = {
        {"idleTimeoutSeconds", offsetof(device_config_t, idle_timeout_s), 5, 3600},
        {"idleCountdownSeconds", offsetof(device_config_t, idle_countdown_s), 3, 300},
        {"misuseIntervalSeconds", offsetof(device_config_t, misuse_interval_s), 1, 3600},
    };
    char path[96];
    snprintf(path, sizeof path, "$.%s", v->string);
    const char *k = v->string;
    if (strcmp(k, "kioskId") == 0) {
        int rc = str_field(v, path, cfg->kiosk_id, sizeof cfg->kiosk_id, err);
        if (!rc && !config_kiosk_id_ok(cfg->kiosk_id))
            rc = content_error_set(err, path,
                                   "expected 1 to %d letters, digits, '.', '_' or '-', starting "
                                   "with a letter or digit",
                                   CONFIG_KIOSK_ID_MAX);
        return rc;
    }
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (strcmp(k, strings[i].key) == 0)
            return str_field(v, path, (char *)cfg + strings[i].offset, strings[i].cap, err);
    const int_setting_t *is = find_int(ints, sizeof ints / sizeof ints[0], k);
    if (is)
        return set_int(v, path, is, cfg, err);
    if (strcmp(k, "display") == 0)
        return parse_display(v, cfg, err);
    if (strcmp(k, "openingHours") == 0)
        return hours_parse(v, NULL, "$.openingHours", &cfg->hours, err);
    if (strcmp(k, "retention") == 0)
        return parse_retention(v, cfg, err);
    if (strcmp(k, "organisation") == 0)
        return parse_organisation(v, cfg, err);
    if (strcmp(k, "staff") == 0)
        return parse_staff(v, cfg, err);
    if (strcmp(k, "system") == 0)
        return parse_system(v, cfg, err);
    if (strcmp(k, "usb") == 0)
        return parse_usb(v, cfg, err);
    if (strcmp(k, "buttons") == 0)
        return parse_buttons(v, filename, cfg, err);
    if (strcmp(k, "inputMethods") == 0)
        return parse_input_methods(v, cfg, err);
    if (strcmp(k, "fontFamilies") == 0)
        return parse_font_families(v, &cfg->font_families, err);
    if (strcmp(k, "audio") == 0)
        return parse_audio(v, cfg, err);
    return content_error_set(err, path, "unknown setting '%s'", k);
}

int device_config_parse(const char *json, size_t len, const char *filename, device_config_t *cfg,
                        content_error_t *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->audio_volume = 80;
    cfg->audio_earcons = true;
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", filename ? filename : "(config)");
    const char *end = NULL;
    cJSON *root = NULL;
    int rc = config_check_bytes(json, len, err);
    if (rc)
        goto out;
    root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!cJSON_IsObject(root)) {
        rc = content_error_set(err, "$",
                               root ? "expected a JSON object" : "invalid JSON near byte %zu",
                               end ? (size_t)(end - json) : 0);
        goto out;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, root)
    {
        if ((rc = parse_setting(v, filename, cfg, err)))
            goto out;
    }
    rc = check_mount_dir(cfg, err);
out:
    cJSON_Delete(root);
    return rc ? KIOSK_EINVAL : KIOSK_OK;
}
