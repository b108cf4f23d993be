/* Device configuration parsing: strict (unknown keys are errors), with JSON paths in errors. */
#include "core/config.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"

__attribute__((format(printf, 3, 4))) static int cerr(content_error_t *err, const char *path,
                                                      const char *fmt, ...)
{
    snprintf(err->path, sizeof err->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
    return KIOSK_EINVAL;
}

static int str_field(const cJSON *v, const char *path, char *dst, size_t cap, content_error_t *err)
{
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= cap)
        return cerr(err, path, "expected a non-empty string of at most %zu bytes", cap - 1);
    snprintf(dst, cap, "%s", v->valuestring);
    return KIOSK_OK;
}

static int int_field(const cJSON *v, const char *path, int lo, int hi, int *dst,
                     content_error_t *err)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble || v->valueint < lo ||
        v->valueint > hi)
        return cerr(err, path, "expected an integer in %d..%d", lo, hi);
    *dst = v->valueint;
    return KIOSK_OK;
}

static int parse_display(const cJSON *d, device_config_t *cfg, content_error_t *err)
{
    if (!cJSON_IsObject(d))
        return cerr(err, "$.display", "expected an object");
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
                rc = cerr(err, path, "rotation must be 0, 90, 180 or 270");
        } else if (strcmp(v->string, "fullscreen") == 0) {
            if (!cJSON_IsBool(v))
                return cerr(err, path, "expected true or false");
            cfg->fullscreen = cJSON_IsTrue(v);
            cfg->has_fullscreen = true;
            rc = KIOSK_OK;
        } else {
            rc = cerr(err, path, "unknown setting '%s'", v->string);
        }
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
        rc = cerr(err, "$", root ? "expected a JSON object" : "invalid JSON near byte %zu",
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
        else if (strcmp(k, "idleTimeoutSeconds") == 0)
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
            rc = cerr(err, path, "unknown setting '%s'", k);
        }
        if (rc)
            goto out;
    }
out:
    cJSON_Delete(root);
    return rc ? KIOSK_EINVAL : KIOSK_OK;
}
