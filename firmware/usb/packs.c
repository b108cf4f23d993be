/* Content packs from a staff stick: read as a hostile medium (openat, O_NOFOLLOW, O_NONBLOCK,
 * fstat before reading, a hard size cap), validated before anything is written, installed with
 * a synced temporary file and renames, each rename followed by a directory fsync.
 *
 * The states a power cut can leave in <data_dir>/packs, and what recover() does with them:
 *   install:  active.json.tmp written (A = old active)    -> tmp removed (nothing happened)
 *             active.json moved to previous.json, no A     -> tmp (complete, validated) renamed
 *   rollback: previous.json -> swap.json (A, S, no P)      -> swap.json back to previous.json
 *             active.json -> previous.json (P, S, no A)    -> swap.json renamed to active.json
 * Each state is told apart by which names exist, and active.json (or, for the moment between
 * two renames, previous.json or swap.json holding the pack to run) is there throughout. */
#include "usb/packs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"
#include "core/log_fn.h"
#include "core/pack_lint.h"
#include "usb/packs_audio.h"
#include "usb/stick.h"

#define PACKS_DIR "packs"
#define ACTIVE "active.json"
#define PREVIOUS "previous.json"
#define SWAP "swap.json"
#define TMP "active.json.tmp"

/* Where a pack file lies: its directory, open (fd) and by name (path, for the caller's check);
 * the pack's recorded prompts are relative to it. follow: links may be followed there (only
 * the configured pack's, placed by the technician). */
typedef struct {
    int fd;
    const char *path;
    bool follow;
} place_t;

/* Validates json, read from pl: the pack's rules, its prompt files, then check when not NULL;
 * on success *out (when not NULL) holds the pack. err: "FILE: PATH: REASON". */
static int validate(const char *json, size_t len, const char *label, const place_t *pl,
                    const pack_check_t *check, content_t **out, char *err, size_t errlen)
{
    content_t *c = NULL;
    content_error_t ce;
    int rc = content_load(json, len, label, &c, &ce);
    if (rc != KIOSK_OK) {
        if (rc == KIOSK_ENOMEM)
            snprintf(err, errlen, "%s: out of memory", label);
        else
            content_error_format(&ce, err, errlen);
        return rc;
    }
    rc = packs_prompts_check(pl->fd, pl->follow, c, label, err, errlen);
    if (rc != KIOSK_OK) {
        content_free(c);
        return rc;
    }
    char why[768];
    if (check && check->fn && !check->fn(check->ud, c, json, len, pl->path, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", label, why);
        content_free(c);
        return KIOSK_EINVAL;
    }
    if (out)
        *out = c;
    else
        content_free(c);
    return KIOSK_OK;
}

/* Reads (at most PACKS_MAX_BYTES, see stick_read_file_at()) and validates name in pl; label
 * names it in err. *json (NULL when nothing was read) is the caller's to free, valid or not. */
static int load_at(const place_t *pl, const char *name, const char *label,
                   const pack_check_t *check, char **json, size_t *len, content_t **out, char *err,
                   size_t errlen)
{
    char why[256];
    int rc = stick_read_file_at(pl->fd, name, PACKS_MAX_BYTES, pl->follow, "a pack", json, len, why,
                                sizeof why);
    if (rc != KIOSK_OK) {
        snprintf(err, errlen, "%s: %s", label, why);
        return rc;
    }
    return validate(*json, *len, label, pl, check, out, err, errlen);
}

static bool exists_at(int dirfd, const char *name)
{
    struct stat st;
    return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int fsync_dir(int dirfd)
{
    return fsync(dirfd) == 0 ? 0 : errno;
}

/* rename + directory fsync; 0 or an errno. */
static int move_at(int dirfd, const char *from, const char *to)
{
    if (renameat(dirfd, from, dirfd, to) != 0)
        return errno;
    return fsync_dir(dirfd);
}

/* Opens <data_dir>/packs (created when create is set, the data directory synced then). */
static int open_packs_dir(const char *data_dir, bool create, int *dirfd, char *err, size_t errlen)
{
    *dirfd = -1;
    int data = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (data < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot open the data directory: %s", data_dir, strerror(e));
        return kiosk_from_errno(e);
    }
    if (create) {
        if (mkdirat(data, PACKS_DIR, 0755) == 0) {
            int e = fsync_dir(data);
            if (e != 0) {
                snprintf(err, errlen, "%s: cannot sync: %s", data_dir, strerror(e));
                close(data);
                return kiosk_from_errno(e);
            }
        } else if (errno != EEXIST) {
            int e = errno;
            snprintf(err, errlen, "%s/%s: cannot create: %s", data_dir, PACKS_DIR, strerror(e));
            close(data);
            return kiosk_from_errno(e);
        }
    }
    int fd = openat(data, PACKS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(data);
    if (fd < 0) {
        snprintf(err, errlen, "%s/%s: %s", data_dir, PACKS_DIR,
                 e == ENOENT ? "no pack installed" : strerror(e));
        return kiosk_from_errno(e);
    }
    *dirfd = fd;
    return KIOSK_OK;
}

/* Finishes or undoes what a power cut interrupted (see the top of this file). 0 or an errno. */
static int recover(int dirfd, const char *dirname, packs_log_fn log, void *ud)
{
    int e = 0;
    bool a = exists_at(dirfd, ACTIVE), p = exists_at(dirfd, PREVIOUS);
    if (exists_at(dirfd, SWAP)) {
        if (!a) {
            e = move_at(dirfd, SWAP, ACTIVE);
            if (e == 0)
                log_fn_say(log, ud, "warn", "%s: finished a rollback cut short", dirname);
        } else if (!p) {
            e = move_at(dirfd, SWAP, PREVIOUS);
            if (e == 0)
                log_fn_say(log, ud, "warn", "%s: undid a rollback cut short", dirname);
        } else {
            e = unlinkat(dirfd, SWAP, 0) == 0 ? fsync_dir(dirfd) : errno;
        }
        if (e != 0)
            return e;
        a = exists_at(dirfd, ACTIVE);
    }
    if (exists_at(dirfd, TMP)) {
        char *json = NULL;
        size_t len = 0;
        char why[1024];
        place_t pl = {dirfd, dirname, false};
        bool valid = !a && load_at(&pl, TMP, TMP, NULL, &json, &len, NULL, why, sizeof why) == 0;
        free(json);
        if (valid) {
            /* Synced before active.json moved away; synced again in case it was not. */
            int fd = openat(dirfd, TMP, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            e = fd < 0 ? errno : fsync(fd) != 0 ? errno : 0;
            if (fd >= 0)
                close(fd);
            if (e == 0)
                e = move_at(dirfd, TMP, ACTIVE);
            if (e == 0)
                log_fn_say(log, ud, "warn", "%s: finished an install cut short", dirname);
        } else {
            e = unlinkat(dirfd, TMP, 0) == 0 ? fsync_dir(dirfd) : errno;
            if (e == 0)
                log_fn_say(log, ud, "info", "%s: removed %s left by an install cut short", dirname,
                           TMP);
        }
    }
    return e;
}

/* Opens the directory of path (without following a link in its last component unless follow):
 * *fd, its name in dir (path's own spelling, "." when path has no slash) and the file's name in
 * *base (within path). */
static int open_parent(const char *path, bool follow, int *fd, char dir[4096], const char **base,
                       char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    *fd = -1;
    *base = slash ? slash + 1 : path;
    if (!**base) {
        snprintf(err, errlen, "%s: not a file name", path);
        return KIOSK_EINVAL;
    }
    if (!slash)
        snprintf(dir, 4096, ".");
    else if (slash == path)
        snprintf(dir, 4096, "/");
    else if (slash - path < 4096)
        snprintf(dir, 4096, "%.*s", (int)(slash - path), path);
    else {
        snprintf(err, errlen, "%s: path too long", path);
        return KIOSK_EINVAL;
    }
    *fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    if (*fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", dir,
                 e == ELOOP || e == ENOTDIR ? "is a symbolic link or not a directory: refused"
                                            : strerror(e));
        return e == ELOOP || e == ENOTDIR ? KIOSK_EINVAL : kiosk_from_errno(e);
    }
    return KIOSK_OK;
}

/* The pack file being installed, read and validated once (with check), its prompts beside it
 * in its directory, kept open to copy them. */
typedef struct {
    char dir[4096];
    int dirfd;
    char *json;
    size_t len;
    content_t *c;
} source_t;

static void source_close(source_t *s)
{
    if (s->dirfd >= 0)
        close(s->dirfd);
    free(s->json);
    content_free(s->c);
}

/* Reads and validates src_path (with check): its directory opened without following a link in
 * its last component, then the file in it, the same way. */
static int read_source(const char *src_path, const pack_check_t *check, source_t *s, char *err,
                       size_t errlen)
{
    const char *base;
    memset(s, 0, sizeof *s);
    int rc = open_parent(src_path, false, &s->dirfd, s->dir, &base, err, errlen);
    if (rc == KIOSK_OK) {
        place_t pl = {s->dirfd, s->dir, false};
        rc = load_at(&pl, base, src_path, check, &s->json, &s->len, &s->c, err, errlen);
    }
    return rc;
}

/* What to write as active.json: the source's bytes, or, for a pack with recorded prompts,
 * the bytes with its prompts copied into the store and its "audio" paths rewritten to them,
 * validated again (with check) where they will be (*out: NULL, or the rewritten bytes,
 * malloc'd, the caller's). */
static int stage(const source_t *s, const char *src_path, int dir, const char *where,
                 const pack_check_t *check, char **out, size_t *outlen, char *err, size_t errlen)
{
    int rc = packs_prompts_store(s->dirfd, src_path, dir, where, s->c, s->json, s->len, out, outlen,
                                 err, errlen);
    if (rc != KIOSK_OK || !*out)
        return rc;
    place_t pl = {dir, where, false};
    content_t *c = NULL;
    rc = validate(*out, *outlen, src_path, &pl, check, &c, err, errlen);
    for (size_t i = 0; rc == KIOSK_OK && i < content_prompt_count(c); i++)
        if (strncmp(content_prompt_at(c, i)->path, PACKS_AUDIO_DIR "/", sizeof PACKS_AUDIO_DIR) !=
            0) {
            snprintf(err, errlen, "%s: $.audio: a recorded prompt was not rewritten", src_path);
            rc = KIOSK_EINVAL;
        }
    if (rc == KIOSK_OK && content_prompt_count(c) != content_prompt_count(s->c)) {
        snprintf(err, errlen, "%s: $.audio: the rewritten prompts differ", src_path);
        rc = KIOSK_EINVAL;
    }
    content_free(c);
    if (rc != KIOSK_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* The pack files whose prompts the store keeps. */
static const char *const NAMERS[] = {ACTIVE, PREVIOUS, SWAP, TMP};
#define NNAMERS (sizeof NAMERS / sizeof *NAMERS)

/* Puts back what a failed install moved: the old active pack (now previous.json) to
 * active.json if that is missing; the tmp removed. */
static void install_undo(int dir, bool moved)
{
    if (moved && !exists_at(dir, ACTIVE))
        renameat(dir, PREVIOUS, dir, ACTIVE);
    unlinkat(dir, TMP, 0);
    fsync(dir);
}

int packs_install(const char *data_dir, const char *src_path, const pack_check_t *check, char *err,
                  size_t errlen)
{
    char *old = NULL, *staged = NULL, why[1024], where[4200];
    size_t oldlen = 0, stlen = 0;
    source_t s;
    int rc = read_source(src_path, check, &s, err, errlen);
    if (rc != KIOSK_OK) {
        source_close(&s);
        return rc;
    }
    snprintf(where, sizeof where, "%s/%s", data_dir, PACKS_DIR);
    int dir = -1;
    rc = open_packs_dir(data_dir, true, &dir, err, errlen);
    if (rc != KIOSK_OK) {
        source_close(&s);
        return rc;
    }
    int e = recover(dir, where, NULL, NULL);
    if (e != 0) {
        rc = packs_failure(e, where, "cannot tidy up after a change cut short", false, err, errlen);
        goto out;
    }
    /* The active pack moves to previous only when it is a good one: previous.json stays the
     * last good pack. */
    place_t pl = {dir, where, false};
    bool active_good =
        load_at(&pl, ACTIVE, ACTIVE, NULL, &old, &oldlen, NULL, why, sizeof why) == KIOSK_OK;
    free(old);
    /* The prompts are in the store, synced, before anything names them. */
    rc = stage(&s, src_path, dir, where, check, &staged, &stlen, err, errlen);
    if (rc != KIOSK_OK)
        goto out;
    e = packs_write_synced(dir, TMP, staged ? staged : s.json, staged ? stlen : s.len);
    if (e != 0) {
        rc = packs_failure(e, where, "cannot write " TMP, false, err, errlen);
        goto out;
    }
    if (active_good) {
        e = move_at(dir, ACTIVE, PREVIOUS);
        if (e != 0) {
            install_undo(dir, true);
            rc = packs_failure(e, where, "cannot keep the active pack as " PREVIOUS, false, err,
                               errlen);
            goto out;
        }
    }
    if (renameat(dir, TMP, dir, ACTIVE) != 0) {
        e = errno;
        install_undo(dir, active_good);
        rc = packs_failure(e, where, "cannot rename " TMP " to " ACTIVE, false, err, errlen);
        goto out;
    }
    e = fsync_dir(dir);
    rc = e ? packs_failure(e, where, "cannot sync", true, err, errlen) : KIOSK_OK;
out:
    /* Done or not, the store keeps only what the packs name (a failure's copies go). */
    packs_prompts_collect(dir, NAMERS, NNAMERS);
    close(dir);
    free(staged);
    source_close(&s);
    return rc;
}

/* Puts back what a failed rollback moved, by the names present (see the top of this file). */
static void rollback_undo(int dir)
{
    if (!exists_at(dir, SWAP))
        return;
    if (!exists_at(dir, ACTIVE))
        renameat(dir, PREVIOUS, dir, ACTIVE);
    if (!exists_at(dir, PREVIOUS))
        renameat(dir, SWAP, dir, PREVIOUS);
    fsync(dir);
}

int packs_rollback(const char *data_dir, char *err, size_t errlen)
{
    char where[4200], label[4300], *json = NULL;
    size_t len = 0;
    snprintf(where, sizeof where, "%s/%s", data_dir, PACKS_DIR);
    snprintf(label, sizeof label, "%s/%s", where, PREVIOUS);
    int dir = -1;
    int rc = open_packs_dir(data_dir, false, &dir, err, errlen);
    if (rc != KIOSK_OK)
        return rc;
    int e = recover(dir, where, NULL, NULL);
    if (e != 0) {
        rc = packs_failure(e, where, "cannot tidy up after a change cut short", false, err, errlen);
        goto out;
    }
    if (!exists_at(dir, PREVIOUS)) {
        snprintf(err, errlen, "%s: no previous pack to go back to", where);
        rc = KIOSK_ENOENT;
        goto out;
    }
    place_t pl = {dir, where, false};
    rc = load_at(&pl, PREVIOUS, label, NULL, &json, &len, NULL, err, errlen);
    free(json);
    if (rc != KIOSK_OK) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, "; rollback refused, the active pack is unchanged");
        goto out;
    }
    if (!exists_at(dir, ACTIVE)) {
        /* Nothing to swap with: the previous pack simply becomes the active one. */
        if (renameat(dir, PREVIOUS, dir, ACTIVE) != 0) {
            e = errno;
            rc = packs_failure(e, where, "cannot rename " PREVIOUS " to " ACTIVE, false, err,
                               errlen);
            goto out;
        }
    } else {
        /* Three renames through swap.json; a failure puts back what moved. */
        static const char *const steps[3][2] = {
            {PREVIOUS, SWAP}, {ACTIVE, PREVIOUS}, {SWAP, ACTIVE}};
        for (int i = 0; i < 3; i++) {
            e = i < 2 ? move_at(dir, steps[i][0], steps[i][1])
                      : (renameat(dir, steps[i][0], dir, steps[i][1]) == 0 ? 0 : errno);
            if (e != 0) {
                rollback_undo(dir);
                char failed[96];
                snprintf(failed, sizeof failed, "cannot rename %s to %s", steps[i][0], steps[i][1]);
                rc = packs_failure(e, where, failed, false, err, errlen);
                goto out;
            }
        }
    }
    e = fsync_dir(dir);
    rc = e ? packs_failure(e, where, "cannot sync", true, err, errlen) : KIOSK_OK;
    packs_prompts_collect(dir, NAMERS, NNAMERS);
out:
    close(dir);
    return rc;
}

/* Validates c->name in pl (with check): c->ok with its id and version, or the reason in
 * c->error (c->path names it). */
static void take_candidate(const place_t *pl, const pack_check_t *check, pack_candidate_t *c)
{
    char *json = NULL;
    size_t len = 0;
    content_t *pack = NULL;
    int rc = load_at(pl, c->name, c->path, check, &json, &len, &pack, c->error, sizeof c->error);
    free(json);
    if (rc == KIOSK_OK) {
        c->ok = true;
        snprintf(c->id, sizeof c->id, "%s", content_id(pack));
        snprintf(c->version, sizeof c->version, "%s", content_version(pack));
        content_free(pack);
    }
}

int packs_previous(const char *data_dir, pack_candidate_t *out)
{
    memset(out, 0, sizeof *out);
    int dir = -1;
    int rc = open_packs_dir(data_dir, false, &dir, out->error, sizeof out->error);
    if (rc != KIOSK_OK)
        return rc;
    /* swap.json beside active.json: a rollback cut short, undone on the next call; the pack
     * in swap.json is the one to go back to. */
    const char *name = exists_at(dir, PREVIOUS)                         ? PREVIOUS
                       : exists_at(dir, SWAP) && exists_at(dir, ACTIVE) ? SWAP
                                                                        : NULL;
    if (!name) {
        close(dir);
        snprintf(out->error, sizeof out->error, "no previous pack");
        return KIOSK_ENOENT;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->path, sizeof out->path, "%s/%s/%s", data_dir, PACKS_DIR, name);
    char where[4200];
    snprintf(where, sizeof where, "%s/%s", data_dir, PACKS_DIR);
    place_t pl = {dir, where, false};
    take_candidate(&pl, NULL, out);
    close(dir);
    return KIOSK_OK;
}

/* A pack refused at load: the reason (one "error" line per refused pack), then every
 * diagnostic of its lint pass (json: its bytes, NULL when it could not be read) as details,
 * one "info" line each, at most PACKS_LOG_DIAGS. The one place that says "content pack
 * rejected". */
#define PACKS_LOG_DIAGS 50
static void log_rejected(packs_log_fn log, void *ud, const char *err, const char *label,
                         const char *json, size_t len)
{
    log_fn_say(log, ud, "error", "content pack rejected: %s", err);
    pack_lint_t l;
    if (!json || !log || pack_lint(json, len, &l) != KIOSK_OK) {
        if (json && log)
            pack_lint_free(&l);
        return;
    }
    char line[1024];
    for (size_t i = 0; i < l.n && i < PACKS_LOG_DIAGS; i++) {
        pack_diag_format(&l.v[i], label, line, sizeof line);
        log_fn_say(log, ud, "info", "%s", line);
    }
    size_t more = l.n + l.dropped - (l.n < PACKS_LOG_DIAGS ? l.n : PACKS_LOG_DIAGS);
    if (more)
        log_fn_say(log, ud, "info", "and %zu more", more);
    pack_lint_free(&l);
}

/* After load_at() in packs_load(): a refused pack logged, its bytes freed. */
static void loaded(int rc, packs_log_fn log, void *ud, const char *err, const char *label,
                   char *json, size_t len)
{
    if (rc != KIOSK_OK && rc != KIOSK_ENOMEM)
        log_rejected(log, ud, err, label, json, len);
    free(json);
}

int packs_load(const char *data_dir, const char *configured_path, const pack_check_t *check,
               content_t **out, char *source, size_t srclen, packs_log_fn log, void *ud)
{
    *out = NULL;
    if (srclen)
        source[0] = '\0';
    int dir = -1, rejected = 0;
    char where[4200], err[1536];
    if (data_dir) {
        snprintf(where, sizeof where, "%s/%s", data_dir, PACKS_DIR);
        if (open_packs_dir(data_dir, false, &dir, err, sizeof err) == KIOSK_OK) {
            int e = recover(dir, where, log, ud);
            if (e != 0)
                log_fn_say(log, ud, "warn", "%s: cannot finish a change cut short: %s", where,
                           strerror(e));
        }
    }
    /* swap.json comes before previous.json: it holds the pack to run while a rollback that
     * could not be finished above is between its renames. */
    static const char *const order[] = {ACTIVE, SWAP, PREVIOUS};
    for (size_t i = 0; dir >= 0 && i < sizeof order / sizeof *order; i++) {
        if (!exists_at(dir, order[i]))
            continue;
        char label[4300], *json = NULL;
        size_t len = 0;
        snprintf(label, sizeof label, "%s/%s", where, order[i]);
        place_t pl = {dir, where, false};
        int rc = load_at(&pl, order[i], label, check, &json, &len, out, err, sizeof err);
        loaded(rc, log, ud, err, label, json, len);
        if (rc == KIOSK_OK) {
            snprintf(source, srclen, "%s", label);
            if (rejected)
                log_fn_say(log, ud, "warn", "using %s instead", label);
            close(dir);
            return KIOSK_OK;
        }
        if (rc == KIOSK_ENOMEM) {
            close(dir);
            return rc;
        }
        rejected++;
    }
    if (dir >= 0)
        close(dir);
    if (configured_path) {
        char *json = NULL, pdir[4096];
        size_t len = 0;
        const char *base;
        int pfd = -1;
        /* Placed by the technician: links are followed (the file may be one). */
        int rc = open_parent(configured_path, true, &pfd, pdir, &base, err, sizeof err);
        place_t pl = {pfd, pdir, true};
        if (rc == KIOSK_OK)
            rc = load_at(&pl, base, configured_path, check, &json, &len, out, err, sizeof err);
        if (pfd >= 0)
            close(pfd);
        loaded(rc, log, ud, err, configured_path, json, len);
        if (rc == KIOSK_OK) {
            snprintf(source, srclen, "%s", configured_path);
            if (rejected)
                log_fn_say(log, ud, "warn", "using %s instead", configured_path);
            return KIOSK_OK;
        }
        if (rc == KIOSK_ENOMEM)
            return rc;
        rejected++;
    }
    return rejected ? KIOSK_ECORRUPT : KIOSK_ENOENT;
}

/* ---- the stick ---- */

static bool is_pack_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcasecmp(name + n - 5, ".json") == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const pack_candidate_t *)a)->name, ((const pack_candidate_t *)b)->name);
}

int packs_scan(const char *stick_dir, pack_candidate_t *out, size_t max, const pack_check_t *check,
               char *err, size_t errlen)
{
    int stick = open(stick_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (stick < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot open the stick: %s", stick_dir, strerror(e));
        return KIOSK_EIO;
    }
    int dir = openat(stick, PACKS_STICK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(stick);
    if (dir < 0) {
        if (e == ENOENT)
            return 0;
        snprintf(err, errlen, "%s/%s: %s", stick_dir, PACKS_STICK_DIR,
                 e == ELOOP || e == ENOTDIR ? "is a symbolic link or not a directory: refused"
                                            : strerror(e));
        return KIOSK_EINVAL;
    }
    int lfd = dup(dir);
    DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
    if (!d) {
        e = errno;
        if (lfd >= 0)
            close(lfd);
        close(dir);
        snprintf(err, errlen, "%s/%s: cannot list: %s", stick_dir, PACKS_STICK_DIR, strerror(e));
        return kiosk_from_errno(e);
    }
    /* Keeps the first max names in byte order, whatever the number of files. */
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (!is_pack_name(ent->d_name) || max == 0)
            continue;
        pack_candidate_t c = {0};
        if (snprintf(c.name, sizeof c.name, "%s", ent->d_name) >= (int)sizeof c.name)
            continue; /* cannot be on a stick's file systems (255 bytes at most) */
        if (n == max && by_name(&c, &out[n - 1]) >= 0)
            continue;
        size_t i = n < max ? n++ : n - 1;
        while (i > 0 && by_name(&c, &out[i - 1]) < 0) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = c;
    }
    closedir(d);
    char where[4200];
    snprintf(where, sizeof where, "%s/%s", stick_dir, PACKS_STICK_DIR);
    place_t pl = {dir, where, false};
    for (size_t i = 0; i < n; i++) {
        pack_candidate_t *c = &out[i];
        if (snprintf(c->path, sizeof c->path, "%s/%s/%s", stick_dir, PACKS_STICK_DIR, c->name) >=
            (int)sizeof c->path) {
            snprintf(c->error, sizeof c->error, "%s: path too long", c->name);
            continue;
        }
        take_candidate(&pl, check, c);
    }
    close(dir);
    return (int)n;
}
