/* The kiosk application: opens the edges in order, runs the one event loop, tears down in
 * reverse. main() only parses options into an app_config_t. */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buttons.h"
#include "core/config.h"
#include "core/hours.h"

#define APP_CMD_MAX CONFIG_CMD_MAX

/* Every pointer in it is borrowed (main's argv, a device_config_t, static strings) and must
 * stay valid while app_run() runs; the app copies what it keeps beyond that. */
typedef struct {
    const char *pack_path; /* content pack; NULL: the built-in pack */
    const char *db_path;   /* SQLite database */
    const char *lang;      /* start language; NULL: the pack's default */
    const char *kiosk_id;
    int width, height; /* panel size as mounted */
    int rotation;      /* 0, 90, 180, 270 */
    bool fullscreen;
    bool headless;
    const char *script_path; /* scripted input (see README); NULL: real input */
    const char *shot_dir;    /* save a screenshot of every new screen here */
    const char *font, *font_bold;
    /* family names preferred for every language, before the pack's (NULL-terminated, n of
     * them); NULL, 0: none */
    const char *const *font_families;
    size_t nfont_families;
    int idle_timeout_s, idle_countdown_s; /* 0: from the pack */
    int misuse_interval_s;                /* 0: from the pack */
    /* retention in days; 0: the store's defaults (30, 180, 365) */
    int contact_after_export_days, contact_max_days, answers_after_export_days;
    const pinmap_t *buttons;              /* physical buttons; NULL: none */
    const char *usb_mount_dir;            /* staff sticks are mounted below; NULL: off */
    const char *org_sign_pk, *org_box_pk; /* the organisation's public keys, base64 */
    const char *staff_pin_hash;           /* the staff PIN's hash; NULL: no PIN way in */
    const char *tech_pin_hash;            /* the technician PIN's hash; NULL: tokens only */
    /* commands of the staff and technician screens (NULL: the defaults, see config.h) */
    const char *const *set_clock_cmd, *const *restart_cmd, *const *reboot_cmd, *const *poweroff_cmd;
    const hours_t *hours;       /* opening hours; NULL: always open */
    const char *backlight_path; /* dimmed outside opening hours; NULL: no backlight */
    int backlight_quiet_percent;
    const char *version; /* the kiosk's version, for the technician */
    int min_free_kib;    /* below this free space the kiosk is out of service */
    bool stats;          /* print frame-time statistics at exit */
    bool input_methods;  /* pinyin and handwriting on text questions (the IME edge) */
    const char *rime_dir; /* the compiled Rime data; NULL: where the package put it */
    /* audio (the device configuration's "audio"): the output device (NULL: the default), the
     * volume when has_audio_volume (else 80), earcons off, and when speech is on */
    const char *audio_device;
    bool has_audio_volume;
    int audio_volume;
    bool earcons_off;
    config_speech_t speech;
    bool out_of_order;   /* only the out-of-order screen, until stopped (after a crash loop) */
    int64_t started_us;  /* CLOCK_MONOTONIC at process start, for start-up time */
} app_config_t;

/* Runs the kiosk until quit (or the end of the script). Returns a process exit status:
 * 0 on success, 1 on a start-up failure, 3 when a script expectation failed. */
int app_run(const app_config_t *cfg);

/* Reads the device configuration at path into dc and fills in what cfg leaves unset (NULL
 * strings, zero numbers, rotation < 0). Returns KIOSK_OK, or a KIOSK_E* code with a message
 * naming the file, the JSON path and the reason in err. dc must outlive cfg. */
int app_apply_config_file(app_config_t *cfg, const char *path, device_config_t *dc, char *err,
                          size_t errlen);

/* Checks what the command line and the file gave together, once defaults are in: the kiosk id
 * (config_kiosk_id_ok()) and the USB mount directory against the system's and the database's
 * directories (config_mount_dir_problem()). KIOSK_OK, or KIOSK_EINVAL with a message naming
 * config_path (may be NULL) and the setting in err. */
int app_check_config(const app_config_t *cfg, const char *config_path, char *err, size_t errlen);

/* The data directory: where the database, the kiosk's key and installed packs live (the
 * database's directory), into buf of len bytes. */
void app_data_dir(const app_config_t *cfg, char *buf, size_t len);

/* Prints the stored records of db_path as JSON lines (contact details masked). */
int app_print_records(const char *db_path);

/* Reads a staff PIN (4 to 12 digits) from in and prints its hash for the device configuration
 * ("staff": {"pinHash": ...}). 0, or 2 with the reason on stderr. */
int app_hash_pin(FILE *in);

#endif
