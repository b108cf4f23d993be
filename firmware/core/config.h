/* The device configuration: one JSON file per kiosk (written at provisioning) with its
 * identity, paths, display, timings, opening hours and the buttons' pin map. Options on the
 * command line override it. Pure: the caller reads the file. */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buttons.h"
#include "core/hours.h"
#include "core/parse_error.h"

#define CONFIG_CMD_MAX 8
#define CONFIG_KIOSK_ID_MAX 63 /* as tools/provision and the office's tokens take it */
#define CONFIG_KEY_BYTES 32    /* the organisation's Ed25519 and X25519 public keys */
#define CONFIG_PATH_MAX 256
typedef struct {
    char arg[CONFIG_CMD_MAX][128];
    const char *argv[CONFIG_CMD_MAX + 1]; /* points into arg; NULL-terminated */
} config_cmd_t;

/* Font family names ("Noto Sans Arabic UI"), in order of preference. */
#define CONFIG_FONT_FAMILIES_MAX 8
typedef struct {
    char name[CONFIG_FONT_FAMILIES_MAX][128];
    const char *v[CONFIG_FONT_FAMILIES_MAX + 1]; /* points into name; NULL-terminated */
    size_t n;
} config_names_t;

/* "audio.speech": when the kiosk reads the screen aloud. */
typedef enum {
    CONFIG_SPEECH_ON_REQUEST, /* "on-request" (the default): help button, headset, display choice */
    CONFIG_SPEECH_OFF,        /* "off": never (earcons may still play) */
    CONFIG_SPEECH_ALWAYS      /* "always": for every visit */
} config_speech_t;

typedef struct {
    char kiosk_id[64];
    char language[16];
    char pack[512];
    char database[512];
    int width, height, rotation; /* 0: not given */
    bool fullscreen, has_fullscreen;
    /* display.backlight: the panel's sysfs backlight directory ("/sys/class/backlight/<name>")
     * and its brightness outside the opening hours, 0..100 percent. */
    bool has_backlight;
    char backlight_path[256];
    int backlight_quiet_percent;
    int idle_timeout_s, idle_countdown_s, misuse_interval_s; /* 0: not given */
    /* Retention in days (0: the store's defaults, 30 / 180 / 365). */
    int contact_after_export_days; /* contact details, after they were exported */
    int contact_max_days;          /* contact details at most, exported or not */
    int answers_after_export_days; /* whole records, after they were exported */
    char org_sign_public_key[64];  /* base64: staff tokens are checked against it */
    char org_box_public_key[64];   /* base64: exports are encrypted to it */
    char usb_mount_dir[256];       /* sticks are mounted below this directory */
    char staff_pin_hash[128];      /* "$argon2id$...": the staff PIN's hash (kiosk --hash-pin) */
    char tech_pin_hash[128]; /* the technician PIN's hash ("" none: technicians use a token) */
    /* "system": commands for the staff and technician screens, each NULL argv[0] when not
     * configured: setClock gets the local time "YYYY-MM-DD HH:MM:SS" as its last argument
     * (default: clock_settime), restart (default: a clean exit, the service manager restarts
     * the kiosk), reboot and powerOff (default: systemctl reboot / poweroff). */
    config_cmd_t set_clock, restart, reboot, poweroff;
    /* openingHours (hours.set false: none given, always open). */
    hours_t hours;
    bool has_buttons;
    pinmap_t buttons;
    /* inputMethods: pinyin and handwriting on text questions; the compiled Rime data ("":
     * where the package put it). */
    bool input_methods;
    char rime_dir[512];
    /* "font", "fontBold": font files ("" when not given; the command line's --font and
     * --font-bold win); "fontFamilies": family names preferred for every language, before the
     * pack's ("fonts" of each language); n == 0 when not given. */
    char font[512], font_bold[512];
    config_names_t font_families;
    /* "audio": the output device's SDL name ("" when null or not given: the default device),
     * the volume 0..100 (default 80), the earcons for a saved answer and a refused input
     * (default true), and when speech is on. */
    char audio_device[128];
    int audio_volume;
    bool audio_earcons;
    config_speech_t speech;
} device_config_t;

/* Parses a device configuration into *cfg, which owns all of it: the commands' argv and the
 * font families' v point into cfg's own buffers, valid as long as cfg (a copy's still point
 * into the original).
 * Unknown keys are refused (a typo must not pass silently). On failure returns KIOSK_EINVAL
 * with file, JSON path and reason in err. */
int device_config_parse(const char *json, size_t len, const char *filename, device_config_t *cfg,
                        content_error_t *err);

/* config_check.c. A kiosk id: 1 to CONFIG_KIOSK_ID_MAX ASCII letters, digits, '.', '_' or
 * '-', starting with a letter or a digit (it goes into every record, file name and log line). */
bool config_kiosk_id_ok(const char *id);
/* A PIN hash as libsodium's crypto_pwhash_str() writes it:
 * "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" (unpadded base64). */
bool config_pin_hash_ok(const char *hash);
/* Why text is not an organisation key (standard padded base64 of CONFIG_KEY_BYTES bytes, not
 * all zero), NULL when it is one; static text. */
const char *config_key_problem(const char *text);
/* Why dir cannot be the USB mount directory (relative, '.', '..', a system directory such as
 * /, /etc, /usr, /var, /boot, /proc, /sys, /dev or /run itself, or data_dir or above it:
 * data_dir is the database's directory when known, else NULL); NULL when it can. */
const char *config_mount_dir_problem(const char *dir, const char *data_dir);
/* Refuses a configuration that is not UTF-8 text or holds a NUL (a byte, or \u0000 in a
 * string, which would cut the value short): KIOSK_EINVAL with line and column in err. */
int config_check_bytes(const char *json, size_t len, content_error_t *err);

#endif
