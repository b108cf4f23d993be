/* Device configuration and pin map parsing: strict (unknown keys are errors), with JSON paths
 * in errors. */
#include "core/config.h"

#include <cjson/cJSON.h>
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

static int parse_pin(const cJSON *p, const char *default_chip, pin_t *pin, const char *path,
                     content_error_t *err)
{
    char at[128];
    if (!cJSON_IsObject(p))
        return content_error_set(err, path, "expected a pin object");
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

static int parse_retention(const cJSON *r, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(r))
        return content_error_set(err, "$.retention", "expected an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, r)
    {
        char path[96];
        snprintf(path, sizeof path, "$.retention.%s", v->string);
        int rc;
        if (strcmp(v->string, "contactAfterExportDays") == 0)
            rc = int_field(v, path, 1, 3650, &cfg->contact_after_export_days, err);
        else if (strcmp(v->string, "contactMaxDays") == 0)
            rc = int_field(v, path, 1, 3650, &cfg->contact_max_days, err);
        else if (strcmp(v->string, "answersAfterExportDays") == 0)
            rc = int_field(v, path, 1, 36500, &cfg->answers_after_export_days, err);
        else
            rc = content_error_set(err, path, "unknown setting '%s'", v->string);
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

int device_config_parse(const char *json, size_t len, const char *filename, device_config_t *cfg,
                        content_error_t *err)
{
    memset(cfg, 0, sizeof *cfg);
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", filename ? filename : "(config)");
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    int rc = KIOSK_OK;
    if (!cJSON_IsObject(root)) {
        rc = content_error_set(err, "$",
                               root ? "expected a JSON object" : "invalid JSON near byte %zu",
                               end ? (size_t)(end - json) : 0);
        goto out;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, root)
    {
        char path[96];
        snprintf(path, sizeof path, "$.%s", v->string);
        const char *k = v->string;
        if (strcmp(k, "kioskId") == 0)
            rc = str_field(v, path, cfg->kiosk_id, sizeof cfg->kiosk_id, err);
        else if (strcmp(k, "language") == 0)
            rc = str_field(v, path, cfg->language, sizeof cfg->language, err);
        else if (strcmp(k, "pack") == 0)
            rc = str_field(v, path, cfg->pack, sizeof cfg->pack, err);
        else if (strcmp(k, "database") == 0)
            rc = str_field(v, path, cfg->database, sizeof cfg->database, err);
        else if (strcmp(k, "display") == 0)
            rc = parse_display(v, cfg, err);
        else if (strcmp(k, "openingHours") == 0)
            rc = hours_parse(v, NULL, "$.openingHours", &cfg->hours, err);
        else if (strcmp(k, "retention") == 0)
            rc = parse_retention(v, cfg, err);
        else if (strcmp(k, "organisation") == 0) {
            static const char *const keys[] = {"signPublicKey", "boxPublicKey"};
            char *const dst[] = {cfg->org_sign_public_key, cfg->org_box_public_key};
            const size_t caps[] = {sizeof cfg->org_sign_public_key, sizeof cfg->org_box_public_key};
            rc = parse_object_strings(v, "organisation", keys, dst, caps, 2, err);
        } else if (strcmp(k, "staff") == 0) {
            static const char *const keys[] = {"pinHash", "technicianPinHash"};
            char *const dst[] = {cfg->staff_pin_hash, cfg->tech_pin_hash};
            const size_t caps[] = {sizeof cfg->staff_pin_hash, sizeof cfg->tech_pin_hash};
            rc = parse_object_strings(v, "staff", keys, dst, caps, 2, err);
            /* A PIN in clear, or a hash of another kind, must not pass silently. */
            for (size_t i = 0; i < 2 && !rc; i++)
                if (dst[i][0] && strncmp(dst[i], "$argon2id$", 10) != 0)
                    rc = content_error_set(
                        err, i ? "$.staff.technicianPinHash" : "$.staff.pinHash",
                        "not a PIN hash (an Argon2id string): make one with 'kiosk --hash-pin'");
            if (!rc && cfg->staff_pin_hash[0] &&
                strcmp(cfg->staff_pin_hash, cfg->tech_pin_hash) == 0)
                rc = content_error_set(err, "$.staff.technicianPinHash",
                                       "the same hash as pinHash: the two PINs must differ");
        } else if (strcmp(k, "system") == 0) {
            rc = parse_system(v, cfg, err);
        } else if (strcmp(k, "usb") == 0) {
            static const char *const keys[] = {"mountDir"};
            char *const dst[] = {cfg->usb_mount_dir};
            const size_t caps[] = {sizeof cfg->usb_mount_dir};
            rc = parse_object_strings(v, "usb", keys, dst, caps, 1, err);
        } else if (strcmp(k, "idleTimeoutSeconds") == 0)
            rc = int_field(v, path, 5, 3600, &cfg->idle_timeout_s, err);
        else if (strcmp(k, "idleCountdownSeconds") == 0)
            rc = int_field(v, path, 3, 300, &cfg->idle_countdown_s, err);
        else if (strcmp(k, "misuseIntervalSeconds") == 0)
            rc = int_field(v, path, 1, 3600, &cfg->misuse_interval_s, err);
        else if (strcmp(k, "buttons") == 0) {
            char *text = cJSON_PrintUnformatted(v);
            content_error_t perr;
            rc = text ? pinmap_parse(text, strlen(text), filename, &cfg->buttons, &perr)
                      : KIOSK_ENOMEM;
            free(text);
            if (rc) {
                /* The pin map's paths are relative to its own object. */
                char sub[200];
                snprintf(sub, sizeof sub, "%.199s",
                         perr.path[0] == '$' ? perr.path + 1 : perr.path);
                snprintf(err->path, sizeof err->path, "$.buttons%s", sub);
                snprintf(err->reason, sizeof err->reason, "%s", perr.reason);
            }
            cfg->has_buttons = rc == KIOSK_OK;
        } else {
            rc = content_error_set(err, path, "unknown setting '%s'", k);
        }
        if (rc)
            goto out;
    }
out:
    cJSON_Delete(root);
    return rc ? KIOSK_EINVAL : KIOSK_OK;
}
