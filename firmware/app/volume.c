/* The sound's level and the technician's file that keeps it across restarts (see volume.h). */
#include "app/volume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/log.h"
#include "core/kerr.h"

static int clamp(int level)
{
    return level < 0 ? 0 : level > 100 ? 100 : level;
}

/* Writes all of len bytes to fd. */
static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        len -= (size_t)w;
    }
    return true;
}

/* The directory holding path is made durable: the rename is on the medium. */
static int sync_dir(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int volume_save(const char *path, int level, int config, char *err, size_t errlen)
{
    char tmp[4300], text[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int n = snprintf(text, sizeof text, "volume %d\nconfig %d\n", clamp(level), clamp(config));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(e));
        return kiosk_from_errno(e);
    }
    bool ok = write_all(fd, text, (size_t)n) && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    const char *what = "cannot write";
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
        what = "cannot rename into place";
    }
    if (!ok) {
        snprintf(err, errlen, "%s: %s: %s", tmp, what, strerror(e));
        unlink(tmp);
        return kiosk_from_errno(e);
    }
    if (sync_dir(path) != 0) {
        e = errno;
        snprintf(err, errlen, "%s: cannot sync its directory: %s", path, strerror(e));
        return kiosk_from_errno(e);
    }
    return KIOSK_OK;
}

int volume_load(const char *path, int *level, int *config, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return e == ENOENT ? KIOSK_ENOENT : KIOSK_EINVAL;
    }
    char text[128];
    size_t n = fread(text, 1, sizeof text - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    text[n] = '\0';
    int l = -1, c = -1, used = 0;
    bool ok = !more && strlen(text) == n &&
              sscanf(text, "volume %d\nconfig %d\n%n", &l, &c, &used) == 2 && (size_t)used == n &&
              l >= 0 && l <= 100 && c >= 0 && c <= 100;
    if (!ok) {
        snprintf(err, errlen, "%s: damaged (expected \"volume N\" and \"config N\", 0..100)", path);
        return KIOSK_EINVAL;
    }
    *level = l;
    *config = c;
    return KIOSK_OK;
}

int volume_start(volume_t *v, const char *data_dir, int config)
{
    snprintf(v->path, sizeof v->path, "%s/" VOLUME_FILE, data_dir);
    v->config = clamp(config);
    v->level = v->config;
    int level, was;
    char err[4400];
    int rc = volume_load(v->path, &level, &was, err, sizeof err);
    if (rc == KIOSK_ENOENT) {
        log_line("info", "volume %d from the configuration", v->level);
    } else if (rc != KIOSK_OK) {
        log_line("warn", "volume %d from the configuration: the technician's level is not used: %s",
                 v->level, err);
    } else if (was != v->config) {
        log_line("info",
                 "volume %d from the configuration (changed from %d since the technician set %d)",
                 v->level, was, level);
        if (unlink(v->path) != 0 && errno != ENOENT)
            log_line("warn", "%s: cannot remove: %s", v->path, strerror(errno));
    } else {
        v->level = level;
        log_line("info", "volume %d as the technician set it (the configuration says %d)", v->level,
                 v->config);
    }
    return v->level;
}

bool volume_set(volume_t *v, int level)
{
    level = clamp(level);
    if (level == v->level)
        return false;
    v->level = level;
    log_line("info", "volume set to %d by the technician", level);
    char err[4400];
    if (volume_save(v->path, level, v->config, err, sizeof err) != KIOSK_OK)
        log_line("error", "the volume is not kept across a restart: %s", err);
    return true;
}
