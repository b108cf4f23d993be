/* The device configuration file under the command line's options (app_apply_config_file in
 * app.h): read, parsed by the core (core/config.c), and what the command line left unset
 * filled in from it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "core/content.h"
#include "core/kerr.h"

/* Opens path for reading without ever blocking (a FIFO with no writer, a device) and only when
 * it is a regular file; NULL with err set otherwise. */
static FILE *open_regular(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *kind = NULL;
    if (fstat(fd, &st) != 0)
        kind = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        kind = "a directory";
    else if (S_ISFIFO(st.st_mode))
        kind = "a FIFO";
    else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        kind = "a device";
    else if (S_ISSOCK(st.st_mode))
        kind = "a socket";
    else if (!S_ISREG(st.st_mode))
        kind = "not a regular file";
    int flags = kind ? 0 : fcntl(fd, F_GETFL);
    FILE *f = NULL;
    if (!kind && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0))
        kind = strerror(errno);
    if (!kind && !(f = fdopen(fd, "rb")))
        kind = strerror(errno);
    if (kind) {
        snprintf(err, errlen, "%s: cannot read the configuration: %s, not a regular file", path,
                 kind);
        close(fd);
    }
    return f;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = open_regular(path, err, errlen);
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            if (cap > 8u * 1024 * 1024) {
                snprintf(err, errlen, "%s: larger than 8 MiB", path);
                goto fail;
            }
            cap = cap ? cap * 2 : 131072;
            char *nb = realloc(buf, cap);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

/* Text settings: the file's value where the command line gave none. */
static void fill_texts(app_config_t *cfg, const device_config_t *dc)
{
    const struct {
        const char **to;
        const char *from;
    } texts[] = {
        {&cfg->kiosk_id, dc->kiosk_id},
        {&cfg->lang, dc->language},
        {&cfg->pack_path, dc->pack},
        {&cfg->db_path, dc->database},
        {&cfg->usb_mount_dir, dc->usb_mount_dir},
        {&cfg->org_sign_pk, dc->org_sign_public_key},
        {&cfg->org_box_pk, dc->org_box_public_key},
        {&cfg->staff_pin_hash, dc->staff_pin_hash},
        {&cfg->tech_pin_hash, dc->tech_pin_hash},
        {&cfg->font, dc->font},
        {&cfg->font_bold, dc->font_bold},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!*texts[i].to && texts[i].from[0])
            *texts[i].to = texts[i].from;
}

/* Commands of the staff and technician screens: the file's, where it names one. */
static void fill_commands(app_config_t *cfg, const device_config_t *dc)
{
    if (dc->set_clock.argv[0])
        cfg->set_clock_cmd = dc->set_clock.argv;
    if (dc->restart.argv[0])
        cfg->restart_cmd = dc->restart.argv;
    if (dc->reboot.argv[0])
        cfg->reboot_cmd = dc->reboot.argv;
    if (dc->poweroff.argv[0])
        cfg->poweroff_cmd = dc->poweroff.argv;
}

/* The display and timings: the file's, where the command line gave none. */
static void fill_display(app_config_t *cfg, const device_config_t *dc)
{
    if (!cfg->width && dc->width)
        cfg->width = dc->width;
    if (!cfg->height && dc->height)
        cfg->height = dc->height;
    if (cfg->rotation < 0 && dc->width)
        cfg->rotation = dc->rotation;
    if (dc->has_fullscreen && dc->fullscreen)
        cfg->fullscreen = true;
    if (!cfg->idle_timeout_s)
        cfg->idle_timeout_s = dc->idle_timeout_s;
    if (!cfg->idle_countdown_s)
        cfg->idle_countdown_s = dc->idle_countdown_s;
    if (!cfg->misuse_interval_s)
        cfg->misuse_interval_s = dc->misuse_interval_s;
}

int app_apply_config_file(app_config_t *cfg, const char *path, device_config_t *dc, char *err,
                          size_t errlen)
{
    size_t len;
    char *json = read_file(path, &len, err, errlen);
    if (!json)
        return KIOSK_ENOENT;
    content_error_t ce;
    int rc = device_config_parse(json, len, path, dc, &ce);
    free(json);
    if (rc != KIOSK_OK) {
        content_error_format(&ce, err, errlen);
        return rc;
    }
    fill_texts(cfg, dc);
    fill_display(cfg, dc);
    fill_commands(cfg, dc);
    if (!cfg->buttons && dc->has_buttons)
        cfg->buttons = &dc->buttons;
    if (dc->hours.set)
        cfg->hours = &dc->hours;
    if (dc->has_backlight) {
        cfg->backlight_path = dc->backlight_path;
        cfg->backlight_quiet_percent = dc->backlight_quiet_percent;
    }
    if (dc->input_methods)
        cfg->input_methods = true;
    if (!cfg->rime_dir && dc->rime_dir[0])
        cfg->rime_dir = dc->rime_dir;
    if (!cfg->font_families && dc->font_families.n) {
        cfg->font_families = dc->font_families.v;
        cfg->nfont_families = dc->font_families.n;
    }
    if (dc->audio_device[0])
        cfg->audio_device = dc->audio_device;
    cfg->has_audio_volume = true;
    cfg->audio_volume = dc->audio_volume;
    cfg->earcons_off = !dc->audio_earcons;
    cfg->speech = dc->speech;
    cfg->contact_after_export_days = dc->contact_after_export_days;
    cfg->contact_max_days = dc->contact_max_days;
    cfg->answers_after_export_days = dc->answers_after_export_days;
    return KIOSK_OK;
}

int app_check_config(const app_config_t *cfg, const char *config_path, char *err, size_t errlen)
{
    if (cfg->kiosk_id && !config_kiosk_id_ok(cfg->kiosk_id)) {
        snprintf(err, errlen,
                 "kiosk id '%.80s' (--kiosk-id or %s: $.kioskId): expected 1 to %d letters, "
                 "digits, '.', '_' or '-', starting with a letter or digit",
                 cfg->kiosk_id, config_path ? config_path : "the configuration",
                 CONFIG_KIOSK_ID_MAX);
        return KIOSK_EINVAL;
    }
    if (!cfg->usb_mount_dir)
        return KIOSK_OK;
    char data_dir[4096] = "";
    if (cfg->db_path && cfg->db_path[0] == '/')
        app_data_dir(cfg, data_dir, sizeof data_dir);
    const char *why = config_mount_dir_problem(cfg->usb_mount_dir, data_dir[0] ? data_dir : NULL);
    if (why) {
        snprintf(err, errlen, "%s: $.usb.mountDir: '%.200s' is %s",
                 config_path ? config_path : "the configuration", cfg->usb_mount_dir, why);
        return KIOSK_EINVAL;
    }
    return KIOSK_OK;
}

void app_data_dir(const app_config_t *cfg, char *buf, size_t len)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", cfg->db_path);
    snprintf(buf, len, "%s", dirname(tmp));
}
