/* Sealing or expiring the quarantined copies of a damaged database (see quarantine.h). */
#define _GNU_SOURCE /* timegm */
#include "app/quarantine.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kerr.h"
#include "core/log_fn.h"
#include "crypto/crypto.h"

#define HEX_LINE_BYTES 4096

typedef struct {
    char dir[4096];
    const char *base; /* the database's file name */
    log_fn log;       /* may be NULL */
    void *log_ud;
} place_t;

#define say(p, level, ...) log_fn_say((p)->log, (p)->log_ud, level, __VA_ARGS__)

/* a + b into out; false (nothing to do with such a path) when it does not fit. */
static bool cat2(char *out, size_t len, const char *a, const char *b)
{
    const int n = snprintf(out, len, "%s%s", a, b);
    return n >= 0 && (size_t)n < len;
}

static int sync_dir(const char *dir)
{
    const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return kiosk_from_errno(errno);
    const int rc = fsync(fd) == 0 || errno == EINVAL ? KIOSK_OK : kiosk_from_errno(errno);
    close(fd);
    return rc;
}

/* Whether name is "<base>.corrupt-YYYYMMDDTHHMMSSZ[-N]" (a copy's database file); sets the
 * UTC time of its stamp (-1 when it does not parse as a date). */
static bool is_copy(const place_t *p, const char *name, int64_t *stamp_ms)
{
    const size_t blen = strlen(p->base);
    if (strncmp(name, p->base, blen) != 0 || strncmp(name + blen, ".corrupt-", 9) != 0)
        return false;
    const char *s = name + blen + 9;
    if (strlen(s) < 16 || s[8] != 'T' || s[15] != 'Z')
        return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return false;
    const char *rest = s + 16;
    if (*rest == '-') {
        rest++;
        if (!*rest)
            return false;
        while (*rest >= '0' && *rest <= '9')
            rest++;
    }
    if (*rest)
        return false;
    struct tm tm = {0};
    *stamp_ms = -1;
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) == 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        *stamp_ms = (int64_t)timegm(&tm) * 1000;
    }
    return true;
}

static int sink_write(void *user_data, const void *bytes, size_t len)
{
    const int fd = *(const int *)user_data;
    const char *b = bytes;
    while (len > 0) {
        const ssize_t n = write(fd, b, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? kiosk_from_errno(errno) : KIOSK_EIO;
        b += n;
        len -= (size_t)n;
    }
    return KIOSK_OK;
}

/* Pushes "file LABEL SIZE" and the bytes of path as hex lines; a missing -wal adds nothing. */
static int push_file(bundle_sealer_t *s, const char *path, const char *label, bool required)
{
    FILE *f = fopen(path, "rbe");
    if (!f)
        return !required && errno == ENOENT ? KIOSK_OK : kiosk_from_errno(errno);
    struct stat sb;
    int rc = fstat(fileno(f), &sb) == 0 ? KIOSK_OK : kiosk_from_errno(errno);
    char line[2 * HEX_LINE_BYTES + 2];
    unsigned char buf[HEX_LINE_BYTES];
    if (!rc) {
        const int n = snprintf(line, sizeof line, "file %s %lld\n", label, (long long)sb.st_size);
        rc = bundle_seal_push(s, line, (size_t)n);
    }
    long long total = 0;
    size_t got;
    while (!rc && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < got; i++) {
            line[2 * i] = hex[buf[i] >> 4];
            line[2 * i + 1] = hex[buf[i] & 15];
        }
        line[2 * got] = '\n';
        rc = bundle_seal_push(s, line, 2 * got + 1);
        total += (long long)got;
    }
    if (!rc && (ferror(f) || total != (long long)sb.st_size))
        rc = KIOSK_EIO; /* changed while read: nobody else writes it */
    fclose(f);
    return rc;
}

/* Seals copy (and copy-wal) into sealed, through sealed.tmp, synced and renamed. */
static int seal_copy(const place_t *p, const char *copy, const char *sealed,
                     const uint8_t *org_box_pk)
{
    char tmp[4400], wal[4400];
    if (!cat2(tmp, sizeof tmp, sealed, ".tmp") || !cat2(wal, sizeof wal, copy, "-wal"))
        return KIOSK_ETOOBIG;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return kiosk_from_errno(errno);
    bundle_sealer_t *s = NULL;
    int rc = bundle_seal_begin(org_box_pk, sink_write, &fd, &s);
    if (!rc)
        rc = bundle_seal_push(s, QUARANTINE_FORMAT_LINE "\n", strlen(QUARANTINE_FORMAT_LINE) + 1);
    if (!rc)
        rc = push_file(s, copy, "db", true);
    if (!rc)
        rc = push_file(s, wal, "-wal", false);
    if (!rc)
        rc = bundle_seal_push(s, "end\n", 4);
    if (s) {
        uint8_t sha[32];
        uint64_t bytes = 0;
        if (rc)
            bundle_seal_abort(s);
        else
            rc = bundle_seal_end(s, sha, &bytes);
    }
    if (!rc && fsync(fd) != 0)
        rc = kiosk_from_errno(errno);
    if (close(fd) != 0 && !rc)
        rc = kiosk_from_errno(errno);
    if (!rc && rename(tmp, sealed) != 0)
        rc = kiosk_from_errno(errno);
    if (!rc)
        rc = sync_dir(p->dir);
    if (rc)
        unlink(tmp);
    return rc;
}

/* Removes the copy's files (database last: a copy without its -wal is never left looking
 * whole), then syncs the directory. */
static int remove_copy(const place_t *p, const char *copy)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal", ""};
    int rc = KIOSK_OK;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[4400];
        if (!cat2(path, sizeof path, copy, suffixes[i]))
            return KIOSK_ETOOBIG;
        if (unlink(path) != 0 && errno != ENOENT && !rc)
            rc = kiosk_from_errno(errno);
    }
    const int sync_rc = sync_dir(p->dir);
    return rc ? rc : sync_rc;
}

static int tidy_one(const place_t *p, const char *name, int64_t stamp_ms, const uint8_t *org_box_pk,
                    int64_t now_utc_ms, int max_days, quarantine_report_t *rep)
{
    char copy[4400], sealed[4400];
    const int n = snprintf(copy, sizeof copy, "%s/%s", p->dir, name);
    int rc = n < 0 || (size_t)n >= sizeof copy ||
                     !cat2(sealed, sizeof sealed, copy, QUARANTINE_SEALED_SUFFIX)
                 ? KIOSK_ETOOBIG
                 : KIOSK_OK;
    if (!rc && org_box_pk) {
        struct stat sb;
        if (lstat(sealed, &sb) != 0) /* else sealed already: the removal was cut */
            rc = seal_copy(p, copy, sealed, org_box_pk);
        if (!rc)
            rc = remove_copy(p, copy);
        if (!rc) {
            rep->sealed++;
            say(p, "info",
                "quarantined copy %s sealed to the organisation's key as %s; "
                "plaintext removed",
                copy, sealed);
        }
    } else if (!rc) {
        const int64_t age_ms = now_utc_ms - (stamp_ms < 0 ? now_utc_ms : stamp_ms);
        if (age_ms < (int64_t)max_days * 86400000)
            return KIOSK_OK;
        rc = remove_copy(p, copy);
        if (!rc) {
            rep->deleted++;
            say(p, "info",
                "quarantined copy %s deleted: moved aside %d days or more ago, and no "
                "organisation key to seal it to",
                copy, max_days);
        }
    }
    if (rc) {
        rep->failed++;
        say(p, "error", "cannot %s quarantined copy %s: %s", org_box_pk ? "seal" : "delete", copy,
            kiosk_strerror(rc));
    }
    return rc;
}

int quarantine_tidy(const char *db_path, const uint8_t *org_box_pk, int64_t now_utc_ms,
                    int max_days, log_fn log, void *log_ud, quarantine_report_t *rep)
{
    quarantine_report_t scratch;
    if (!rep)
        rep = &scratch;
    memset(rep, 0, sizeof *rep);
    place_t p = {.log = log, .log_ud = log_ud};
    char journal[4200];
    snprintf(journal, sizeof journal, "%s-quarantine", db_path);
    struct stat sb;
    if (lstat(journal, &sb) == 0)
        return KIOSK_OK; /* a salvage still reads a copy: store_open_checked() finishes it */
    snprintf(p.dir, sizeof p.dir, "%s", db_path);
    char *slash = strrchr(p.dir, '/');
    p.base = slash ? db_path + (slash - p.dir) + 1 : db_path;
    if (slash)
        *slash = '\0';
    else
        snprintf(p.dir, sizeof p.dir, ".");
    if (!p.dir[0])
        snprintf(p.dir, sizeof p.dir, "/");
    DIR *d = opendir(p.dir);
    if (!d)
        return kiosk_from_errno(errno);
    int first = KIOSK_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int64_t stamp_ms = -1;
        if (!is_copy(&p, e->d_name, &stamp_ms))
            continue;
        const int rc = tidy_one(&p, e->d_name, stamp_ms, org_box_pk, now_utc_ms, max_days, rep);
        if (rc && !first)
            first = rc;
    }
    closedir(d);
    return first;
}
