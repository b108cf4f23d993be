/* The sound's level: the device configuration's "audio.volume", unless the technician set
 * another on the technician page, which is kept in <data dir>/audio-volume across restarts and
 * wins until the configuration's value changes. The file is two lines, "volume 60" and
 * "config 80" (the configuration's value when the technician set it), written crash-safely
 * (a temporary file, fsync, rename, fsync of the directory): a power cut leaves the old level
 * or the new one, never a torn file. A missing file, a damaged one or one whose "config" is no
 * longer the configuration's value: the configuration's level, with a log line.
 * Ownership: volume_t is a plain value the app owns (no allocation); no function keeps a
 * pointer it is given (the directory is copied). */
#ifndef KIOSK_APP_VOLUME_H
#define KIOSK_APP_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#define VOLUME_FILE "audio-volume"

typedef struct {
    char path[4200]; /* <data dir>/audio-volume */
    int config;      /* the configuration's level */
    int level;       /* the level in force */
} volume_t;

/* Reads the level in force at start from data_dir (see above) and logs where it came from;
 * config is the configuration's level (0..100). Returns v->level. A file the configuration
 * has overridden is removed, so that an old level never comes back. */
int volume_start(volume_t *v, const char *data_dir, int config);

/* The technician chose level (clamped to 0..100): saved (see above) and logged ("volume set
 * to 60 by the technician"). Returns true when the level changed (the caller applies it);
 * the level is in force even when it could not be saved (a log line says so). */
bool volume_set(volume_t *v, int level);

/* Writes the file for level and config at path crash-safely: KIOSK_OK, or a KIOSK_E* code with
 * err naming the file and the reason. */
int volume_save(const char *path, int level, int config, char *err, size_t errlen);

/* Reads the file at path: KIOSK_OK with *level and *config, KIOSK_ENOENT when there is none,
 * KIOSK_EINVAL when it is damaged (err says how). */
int volume_load(const char *path, int *level, int *config, char *err, size_t errlen);

#endif
