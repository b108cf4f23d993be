/* Writing an export bundle to a stick: temporary names, fsync, rename, directory fsync, read
 * back and verify, and only then mark the records exported. */
#include "usb/export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"
#include "core/record_json.h"

static int sys_write(void *ctx, int fd, const void *buf, size_t len)
{
    (void)ctx;
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int sys_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd) == 0 ? 0 : -errno;
}

static int sys_renameat(void *ctx, int dirfd, const char *from, const char *to)
{
    (void)ctx;
    return renameat(dirfd, from, dirfd, to) == 0 ? 0 : -errno;
}

static const char *staff_words(int code)
{
    switch (code) {
    case KIOSK_EFULL:
        return "the stick is full";
    case KIOSK_EACCES:
        return "the stick is read-only";
    default:
        return "the stick was removed or could not be written";
    }
}

typedef struct {
    const export_io_t *io;
    int fd;
    int errno_seen;
} sink_t;

static int sink_write(void *ud, const void *bytes, size_t len)
{
    sink_t *s = ud;
    int rc = s->io->write(s->io->ctx, s->fd, bytes, len);
    if (rc < 0) {
        s->errno_seen = -rc;
        return kiosk_from_errno(-rc);
    }
    return KIOSK_OK;
}

typedef struct {
    bundle_sealer_t *sealer;
    int64_t done, total;
    int64_t first_utc, last_utc;
    const export_opts_t *o;
} feed_t;

static int feed(const record_t *rec, void *ud)
{
    feed_t *f = ud;
    char *line = NULL;
    int rc = record_to_json(rec, &line);
    if (rc != KIOSK_OK)
        return rc;
    size_t n = strlen(line);
    line[n] = '\n'; /* replaces the terminator: pushed with the newline */
    rc = bundle_seal_push(f->sealer, line, n + 1);
    memset(line, 0, n + 1);
    free(line);
    if (rc != KIOSK_OK)
        return rc;
    if (f->done == 0 || rec->time.utc_ms < f->first_utc)
        f->first_utc = rec->time.utc_ms;
    if (rec->time.utc_ms > f->last_utc)
        f->last_utc = rec->time.utc_ms;
    f->done++;
    if (f->o->progress && (f->done % 64 == 0 || f->done == f->total))
        f->o->progress(f->done, f->total, f->o->user_data);
    return 0;
}

/* Writes text into dirfd/name through a temporary file, synced and renamed. */
static int write_file(const export_io_t *io, int dirfd, const char *name, const char *text,
                      int *errno_seen)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, ".%s.tmp", name);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        *errno_seen = errno;
        return kiosk_from_errno(errno);
    }
    int rc = io->write(io->ctx, fd, text, strlen(text));
    if (rc == 0)
        rc = io->fsync(io->ctx, fd);
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0)
        rc = io->renameat(io->ctx, dirfd, tmp, name);
    if (rc < 0) {
        unlinkat(dirfd, tmp, 0);
        *errno_seen = -rc;
        return kiosk_from_errno(-rc);
    }
    return KIOSK_OK;
}

int export_to_stick(store_t *st, const char *stick_dir, const export_opts_t *o, export_result_t *r,
                    char *err, size_t errlen)
{
    static const export_io_t sys_io = {sys_write, sys_fsync, sys_renameat, NULL};
    export_io_t io = o->io ? *o->io : sys_io;
    if (!io.write)
        io.write = sys_write;
    if (!io.fsync)
        io.fsync = sys_fsync;
    if (!io.renameat)
        io.renameat = sys_renameat;
    memset(r, 0, sizeof *r);
    int64_t max_id = 0, count = 0, seq = 0;
    int rc = store_export_begin(st, o->all, &max_id, &count, &seq);
    if (rc != KIOSK_OK) {
        snprintf(err, errlen, "cannot read the records: %s", store_errmsg(st));
        return rc;
    }
    r->seq = seq;
    if (count == 0)
        return KIOSK_OK; /* nothing new: nothing written */

    int stick = -1, dir = -1, fd = -1, errno_seen = 0;
    bundle_sealer_t *sealer = NULL;
    char name_base[96], tmp[160];
    /* Our own id, but a file name is made of it: keep only safe characters. */
    size_t k = 0;
    for (const char *p = o->kiosk_id; *p && k < 60; p++)
        name_base[k++] =
            (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p) && *p)
                ? *p
                : '_';
    name_base[k] = '\0';
    snprintf(r->bundle, sizeof r->bundle, "%s-%06lld.bundle", name_base, (long long)seq);
    snprintf(r->manifest, sizeof r->manifest, "%s-%06lld.manifest", name_base, (long long)seq);
    snprintf(tmp, sizeof tmp, ".%s.tmp", r->bundle);

    stick = open(stick_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (stick < 0) {
        errno_seen = errno;
        rc = KIOSK_EIO;
        goto fail;
    }
    if (mkdirat(stick, EXPORT_DIR_NAME, 0755) != 0 && errno != EEXIST) {
        errno_seen = errno;
        rc = kiosk_from_errno(errno);
        goto fail;
    }
    /* A symlink put there by someone is not followed. */
    dir = openat(stick, EXPORT_DIR_NAME, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) {
        errno_seen = errno;
        rc = kiosk_from_errno(errno);
        goto fail;
    }
    fd = openat(dir, tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        errno_seen = errno;
        rc = kiosk_from_errno(errno);
        goto fail;
    }
    sink_t sink = {&io, fd, 0};
    rc = bundle_seal_begin(o->org_box_pk, sink_write, &sink, &sealer);
    if (rc != KIOSK_OK)
        goto fail_sink;
    feed_t f = {sealer, 0, count, 0, 0, o};
    rc = store_foreach_export(st, o->all, max_id, feed, &f);
    if (rc != KIOSK_OK)
        goto fail_sink;
    uint8_t sha[32];
    rc = bundle_seal_end(sealer, sha, &r->bytes);
    sealer = NULL;
    if (rc != KIOSK_OK)
        goto fail_sink;
    int e = io.fsync(io.ctx, fd);
    if (e == 0)
        e = io.renameat(io.ctx, dir, tmp, r->bundle);
    if (e < 0) {
        errno_seen = -e;
        rc = kiosk_from_errno(-e);
        goto fail;
    }
    r->records = f.done;

    /* The manifest: plain, signed by the kiosk. */
    char hex[65], created[ISO8601_LEN], from[ISO8601_LEN], to[ISO8601_LEN], pk[CRYPTO_KEY_TEXT];
    crypto_hex32(sha, hex);
    iso8601_format(o->now_utc_ms, 0, created);
    iso8601_format(f.first_utc, 0, from);
    iso8601_format(f.last_utc, 0, to);
    crypto_key_to_text(o->kiosk_sign_pk, CRYPTO_SIGN_PK_BYTES, pk, sizeof pk);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "format", 1);
    cJSON_AddStringToObject(m, "kioskId", o->kiosk_id);
    cJSON_AddNumberToObject(m, "seq", (double)seq);
    cJSON_AddNumberToObject(m, "records", (double)f.done);
    cJSON_AddStringToObject(m, "from", from);
    cJSON_AddStringToObject(m, "to", to);
    cJSON_AddStringToObject(m, "created", created);
    cJSON_AddBoolToObject(m, "all", o->all);
    cJSON_AddStringToObject(m, "bundle", r->bundle);
    cJSON_AddNumberToObject(m, "bundleBytes", (double)r->bytes);
    cJSON_AddStringToObject(m, "bundleSha256", hex);
    cJSON_AddStringToObject(m, "kioskSignPublicKey", pk);
    char *payload = cJSON_PrintUnformatted(m);
    cJSON_Delete(m);
    char *envelope = NULL;
    rc = payload ? crypto_token_sign(payload, strlen(payload), o->kiosk_sign_sk, &envelope)
                 : KIOSK_ENOMEM;
    if (rc == KIOSK_OK)
        rc = write_file(&io, dir, r->manifest, envelope, &errno_seen);
    free(envelope);
    if (rc != KIOSK_OK) {
        free(payload);
        goto fail;
    }
    e = io.fsync(io.ctx, dir);
    if (e == 0)
        e = io.fsync(io.ctx, stick);
    if (e < 0) {
        free(payload);
        errno_seen = -e;
        rc = kiosk_from_errno(-e);
        goto fail;
    }

    /* Read both back from the stick and check them before marking anything. */
    close(fd);
    fd = -1;
    int bf = openat(dir, r->bundle, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    uint8_t back[32];
    if (bf >= 0)
        posix_fadvise(bf, 0, 0, POSIX_FADV_DONTNEED); /* read the stick, not the cache */
    bool same = bf >= 0 && crypto_sha256_fd(bf, back) == KIOSK_OK && memcmp(back, sha, 32) == 0;
    if (bf >= 0)
        close(bf);
    int mf = openat(dir, r->manifest, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    char mbuf[8192];
    ssize_t mn = mf >= 0 ? read(mf, mbuf, sizeof mbuf - 1) : -1;
    if (mf >= 0)
        close(mf);
    if (same && mn > 0) {
        char *got = NULL;
        size_t glen = 0;
        char why[128];
        same = crypto_token_open(mbuf, (size_t)mn, o->kiosk_sign_pk, &got, &glen, why,
                                 sizeof why) == KIOSK_OK &&
               strcmp(got, payload) == 0;
        free(got);
    } else {
        same = false;
    }
    free(payload);
    if (!same) {
        snprintf(err, errlen,
                 "what was read back from the stick differs from what was written: "
                 "nothing marked, try another stick");
        rc = KIOSK_ECORRUPT;
        goto fail_quiet;
    }
    rc = store_mark_exported(st, max_id, seq, o->now_utc_ms, &r->marked);
    if (rc != KIOSK_OK) {
        /* The copy is good, but the marks did not stick: the next export repeats them, which
         * the office import ignores (records merge by uuid). */
        snprintf(err, errlen, "exported, but cannot mark the records: %s", store_errmsg(st));
        goto out;
    }
    goto out;

fail_sink:
    if (sink.errno_seen)
        errno_seen = sink.errno_seen;
fail:
    snprintf(err, errlen, "%s (%s)", staff_words(rc),
             errno_seen ? strerror(errno_seen) : kiosk_strerror(rc));
fail_quiet:
    bundle_seal_abort(sealer);
    if (dir >= 0) {
        unlinkat(dir, tmp, 0);
        if (rc != KIOSK_OK && r->bundle[0]) {
            /* A bundle without a verified manifest is never imported; remove it anyway. */
            char mtmp[160];
            snprintf(mtmp, sizeof mtmp, ".%s.tmp", r->manifest);
            unlinkat(dir, mtmp, 0);
        }
    }
out:
    if (fd >= 0)
        close(fd);
    if (dir >= 0)
        close(dir);
    if (stick >= 0)
        close(stick);
    return rc;
}
