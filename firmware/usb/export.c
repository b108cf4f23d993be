/* Writing an export bundle to a stick: temporary names, fsync, rename, directory fsync, read
 * back and verify, and only then mark the records exported. */
#include "usb/export.h"

#include <cjson/cJSON.h>
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
#include "core/record_json.h"
#include "crypto/crypto.h"

_Static_assert(EXPORT_BOX_PK_BYTES == CRYPTO_BOX_PK_BYTES, "box key size");
_Static_assert(EXPORT_SIGN_PK_BYTES == CRYPTO_SIGN_PK_BYTES, "signing key size");
_Static_assert(EXPORT_SIGN_SK_BYTES == CRYPTO_SIGN_SK_BYTES, "signing secret key size");

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

/* Record lines gather in a buffer of about this size before they are sealed. */
#define FEED_BATCH 65536

typedef struct {
    bundle_sealer_t *sealer;
    record_buf_t lines; /* lines not yet sealed */
    int64_t done, total;
    int64_t first_utc, last_utc;
    int64_t next_progress_ms; /* monotonic time of the next progress report */
    const export_opts_t *o;
} feed_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Seals the gathered lines and wipes them (they may hold phone numbers). */
static int feed_flush(feed_t *f)
{
    int rc = bundle_seal_push(f->sealer, f->lines.bytes, f->lines.len);
    if (f->lines.len)
        memset(f->lines.bytes, 0, f->lines.len);
    f->lines.len = 0;
    return rc;
}

/* Progress for the first record, then at most every EXPORT_PROGRESS_MS, and for the last. */
static void feed_progress(feed_t *f)
{
    if (!f->o->progress)
        return;
    const bool last = f->done == f->total;
    if (!last && f->done != 1 && (f->done % 16 != 0 || mono_ms() < f->next_progress_ms))
        return;
    f->o->progress(f->done, f->total, f->o->user_data);
    f->next_progress_ms = mono_ms() + EXPORT_PROGRESS_MS;
}

static int feed(const record_t *rec, void *ud)
{
    feed_t *f = ud;
    int rc = record_bundle_append(rec, &f->lines);
    if (rc == KIOSK_OK && f->lines.len >= FEED_BATCH)
        rc = feed_flush(f);
    if (rc != KIOSK_OK)
        return rc;
    if (f->done == 0 || rec->time.utc_ms < f->first_utc)
        f->first_utc = rec->time.utc_ms;
    if (rec->time.utc_ms > f->last_utc)
        f->last_utc = rec->time.utc_ms;
    f->done++;
    feed_progress(f);
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

/* One export in progress: what is open on the stick, and what was written. */
typedef struct {
    const export_source_t *src;
    const export_opts_t *o;
    export_result_t *r;
    export_io_t io;
    int stick, dir, fd; /* the stick, its kiosk-export/, the bundle's temporary file */
    int errno_seen;     /* the errno behind a failure, 0 when none */
    char tmp[160];      /* the bundle's temporary name */
    int64_t max_id, count;
    uint8_t sha[32]; /* of the bundle as written */
    int64_t first_utc, last_utc;
    char *payload; /* the manifest's signed payload */
    export_chain_t chain;
    bool have_chain;
} job_t;

static int errno_code(job_t *j, int e)
{
    j->errno_seen = e;
    return kiosk_from_errno(e);
}

/* <kiosk>-<seq>.bundle and .manifest: our own id, but a file name is made of it, so only safe
 * characters are kept. */
static void name_files(job_t *j, int64_t seq)
{
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char base[96];
    size_t k = 0;
    for (const char *p = j->o->kiosk_id; *p && k < 60; p++)
        base[k++] = strchr(safe, *p) ? *p : '_';
    base[k] = '\0';
    snprintf(j->r->bundle, sizeof j->r->bundle, "%s-%06lld.bundle", base, (long long)seq);
    snprintf(j->r->manifest, sizeof j->r->manifest, "%s-%06lld.manifest", base, (long long)seq);
    snprintf(j->tmp, sizeof j->tmp, ".%s.tmp", j->r->bundle);
}

/* Opens the stick, makes kiosk-export/ (a symlink put there by someone is not followed) and the
 * bundle's temporary file. */
static int open_files(job_t *j, const char *stick_dir)
{
    j->stick = open(stick_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (j->stick < 0) {
        j->errno_seen = errno;
        return KIOSK_EIO;
    }
    if (mkdirat(j->stick, EXPORT_DIR_NAME, 0755) != 0 && errno != EEXIST)
        return errno_code(j, errno);
    j->dir = openat(j->stick, EXPORT_DIR_NAME, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (j->dir < 0)
        return errno_code(j, errno);
    j->fd = openat(j->dir, j->tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (j->fd < 0)
        return errno_code(j, errno);
    return KIOSK_OK;
}

/* The records, sealed to the organisation, into the temporary file; synced and renamed. */
static int write_bundle(job_t *j)
{
    sink_t sink = {&j->io, j->fd, 0};
    bundle_sealer_t *sealer = NULL;
    int rc = bundle_seal_begin(j->o->org_box_pk, sink_write, &sink, &sealer);
    feed_t f = {.sealer = sealer, .total = j->count, .o = j->o};
    if (rc == KIOSK_OK)
        rc = j->src->foreach (j->src->ctx, j->o->all, j->max_id, feed, &f);
    if (rc == KIOSK_OK)
        rc = feed_flush(&f);
    if (f.lines.bytes)
        memset(f.lines.bytes, 0, f.lines.cap);
    free(f.lines.bytes);
    if (rc == KIOSK_OK) {
        rc = bundle_seal_end(sealer, j->sha, &j->r->bytes);
        sealer = NULL;
    }
    if (rc != KIOSK_OK) {
        bundle_seal_abort(sealer);
        if (sink.errno_seen)
            j->errno_seen = sink.errno_seen;
        return rc;
    }
    int e = j->io.fsync(j->io.ctx, j->fd);
    if (e == 0)
        e = j->io.renameat(j->io.ctx, j->dir, j->tmp, j->r->bundle);
    if (e < 0)
        return errno_code(j, -e);
    j->r->records = f.done;
    j->first_utc = f.first_utc;
    j->last_utc = f.last_utc;
    return KIOSK_OK;
}

/* "chain": the store's hash chain over this bundle's records (the first one's seq and the hash
 * it links to, the last one's seq and hash) and its head when the bundle was written, so the
 * office can check that bundles follow each other and a later stick shows what a lost -wal
 * took (README "Tamper evidence"). */
static void add_chain(cJSON *m, const export_chain_t *c)
{
    cJSON *o = cJSON_AddObjectToObject(m, "chain");
    cJSON_AddNumberToObject(o, "firstSeq", (double)c->first_seq);
    cJSON_AddStringToObject(o, "firstPrevHash", c->first_prev);
    cJSON_AddNumberToObject(o, "lastSeq", (double)c->last_seq);
    cJSON_AddStringToObject(o, "lastHash", c->last_hash);
    cJSON_AddNumberToObject(o, "headSeq", (double)c->head_seq);
    cJSON_AddStringToObject(o, "headHash", c->head_hash);
}

/* The manifest's payload (malloc'd), or NULL without memory. */
static char *manifest_payload(const job_t *j)
{
    const export_opts_t *o = j->o;
    char hex[65], created[ISO8601_LEN], from[ISO8601_LEN], to[ISO8601_LEN], pk[CRYPTO_KEY_TEXT];
    crypto_hex32(j->sha, hex);
    iso8601_format(o->now_utc_ms, 0, created);
    iso8601_format(j->first_utc, 0, from);
    iso8601_format(j->last_utc, 0, to);
    crypto_key_to_text(o->kiosk_sign_pk, CRYPTO_SIGN_PK_BYTES, pk, sizeof pk);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "format", 1);
    cJSON_AddStringToObject(m, "kioskId", o->kiosk_id);
    cJSON_AddNumberToObject(m, "seq", (double)j->r->seq);
    cJSON_AddNumberToObject(m, "records", (double)j->r->records);
    cJSON_AddStringToObject(m, "from", from);
    cJSON_AddStringToObject(m, "to", to);
    cJSON_AddStringToObject(m, "created", created);
    cJSON_AddBoolToObject(m, "all", o->all);
    cJSON_AddStringToObject(m, "bundle", j->r->bundle);
    cJSON_AddNumberToObject(m, "bundleBytes", (double)j->r->bytes);
    cJSON_AddStringToObject(m, "bundleSha256", hex);
    cJSON_AddStringToObject(m, "kioskSignPublicKey", pk);
    if (j->have_chain)
        add_chain(m, &j->chain);
    char *payload = cJSON_PrintUnformatted(m);
    cJSON_Delete(m);
    return payload;
}

/* The manifest: plain, signed by the kiosk; then the directories synced. */
static int write_manifest(job_t *j)
{
    j->payload = manifest_payload(j);
    char *envelope = NULL;
    int rc = j->payload
                 ? crypto_token_sign(j->payload, strlen(j->payload), j->o->kiosk_sign_sk, &envelope)
                 : KIOSK_ENOMEM;
    if (rc == KIOSK_OK)
        rc = write_file(&j->io, j->dir, j->r->manifest, envelope, &j->errno_seen);
    free(envelope);
    if (rc != KIOSK_OK)
        return rc;
    int e = j->io.fsync(j->io.ctx, j->dir);
    if (e == 0)
        e = j->io.fsync(j->io.ctx, j->stick);
    return e < 0 ? errno_code(j, -e) : KIOSK_OK;
}

/* Reads both files back from the stick (not the cache) and checks them against what was
 * written. */
static bool read_back_matches(job_t *j)
{
    close(j->fd);
    j->fd = -1;
    int bf = openat(j->dir, j->r->bundle, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    uint8_t back[32];
    if (bf >= 0)
        posix_fadvise(bf, 0, 0, POSIX_FADV_DONTNEED);
    bool same = bf >= 0 && crypto_sha256_fd(bf, back) == KIOSK_OK && memcmp(back, j->sha, 32) == 0;
    if (bf >= 0)
        close(bf);
    int mf = openat(j->dir, j->r->manifest, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    char mbuf[8192];
    ssize_t mn = mf >= 0 ? read(mf, mbuf, sizeof mbuf - 1) : -1;
    if (mf >= 0)
        close(mf);
    if (!same || mn <= 0)
        return false;
    char *got = NULL;
    size_t glen = 0;
    char why[128];
    same = crypto_token_open(mbuf, (size_t)mn, j->o->kiosk_sign_pk, &got, &glen, why, sizeof why) ==
               KIOSK_OK &&
           strcmp(got, j->payload) == 0;
    free(got);
    return same;
}

/* Writes, syncs, reads back; KIOSK_OK when a verified copy is on the stick. */
static int write_verified(job_t *j, const char *stick_dir, char *err, size_t errlen)
{
    int rc = open_files(j, stick_dir);
    if (rc == KIOSK_OK)
        rc = write_bundle(j);
    if (rc == KIOSK_OK)
        rc = write_manifest(j);
    if (rc != KIOSK_OK) {
        snprintf(err, errlen, "%s (%s)", staff_words(rc),
                 j->errno_seen ? strerror(j->errno_seen) : kiosk_strerror(rc));
        return rc;
    }
    if (!read_back_matches(j)) {
        snprintf(err, errlen,
                 "what was read back from the stick differs from what was written: "
                 "nothing marked, try another stick");
        return KIOSK_ECORRUPT;
    }
    return KIOSK_OK;
}

/* Whether name is a sealed quarantine copy ("<db>.corrupt-<stamp>.sealed"). */
static bool is_sealed_copy(const char *name)
{
    const size_t len = strlen(name);
    return name[0] != '.' && strstr(name, ".corrupt-") && len > 7 &&
           strcmp(name + len - 7, ".sealed") == 0 && !strchr(name, '/');
}

/* Copies one sealed copy from srcdir into the stick's kiosk-export/ (dirfd), through a
 * temporary name, synced, renamed and read back. */
static int copy_sealed(const export_io_t *io, int srcdir, int dirfd, const char *name,
                       int *errno_seen)
{
    struct stat have, want;
    const int in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0 || fstat(in, &want) != 0) {
        *errno_seen = errno;
        if (in >= 0)
            close(in);
        return KIOSK_EIO;
    }
    if (fstatat(dirfd, name, &have, AT_SYMLINK_NOFOLLOW) == 0 && have.st_size == want.st_size) {
        close(in);
        return KIOSK_OK; /* written by an earlier export */
    }
    char tmp[300];
    snprintf(tmp, sizeof tmp, ".%s.tmp", name);
    const int out = openat(dirfd, tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    int rc = out < 0 ? -errno : 0;
    char buf[65536];
    ssize_t n;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) != 0)
        rc = n < 0 ? -errno : io->write(io->ctx, out, buf, (size_t)n);
    if (rc == 0)
        rc = io->fsync(io->ctx, out);
    uint8_t a[32], b[32];
    if (rc == 0 && (crypto_sha256_fd(in, a) != KIOSK_OK || crypto_sha256_fd(out, b) != KIOSK_OK ||
                    memcmp(a, b, 32) != 0))
        rc = -EIO;
    if (out >= 0 && close(out) != 0 && rc == 0)
        rc = -errno;
    close(in);
    if (rc == 0)
        rc = io->renameat(io->ctx, dirfd, tmp, name);
    if (rc < 0) {
        unlinkat(dirfd, tmp, 0);
        *errno_seen = -rc;
        return kiosk_from_errno(-rc);
    }
    return KIOSK_OK;
}

/* The sealed quarantine copies of o->quarantine_dir into stick_dir/kiosk-export/. */
static int export_quarantine(const export_io_t *io, const char *stick_dir, const export_opts_t *o,
                             export_result_t *r, char *err, size_t errlen)
{
    DIR *d = opendir(o->quarantine_dir);
    if (!d)
        return KIOSK_OK; /* nothing set aside there */
    int stick = -1, out_dir = -1, rc = KIOSK_OK, errno_seen = 0;
    struct dirent *e;
    while (rc == KIOSK_OK && (e = readdir(d)) != NULL) {
        if (!is_sealed_copy(e->d_name))
            continue;
        if (out_dir < 0) {
            stick = open(stick_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (stick >= 0 && mkdirat(stick, EXPORT_DIR_NAME, 0755) != 0 && errno != EEXIST)
                stick = (close(stick), -1);
            out_dir = stick >= 0 ? openat(stick, EXPORT_DIR_NAME,
                                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                 : -1;
            if (out_dir < 0) {
                errno_seen = errno;
                rc = kiosk_from_errno(errno);
                break;
            }
        }
        rc = copy_sealed(io, dirfd(d), out_dir, e->d_name, &errno_seen);
        if (rc == KIOSK_OK)
            r->quarantine_files++;
    }
    if (rc == KIOSK_OK && out_dir >= 0) {
        const int e1 = io->fsync(io->ctx, out_dir);
        if (e1 < 0) {
            errno_seen = -e1;
            rc = kiosk_from_errno(-e1);
        }
    }
    if (rc != KIOSK_OK)
        snprintf(err, errlen,
                 "the records were exported, but the sealed copies of a damaged database could "
                 "not be: %s (%s)",
                 staff_words(rc), errno_seen ? strerror(errno_seen) : kiosk_strerror(rc));
    if (out_dir >= 0)
        close(out_dir);
    if (stick >= 0)
        close(stick);
    closedir(d);
    return rc;
}

int export_to_stick(const export_source_t *src, const char *stick_dir, const export_opts_t *o,
                    export_result_t *r, char *err, size_t errlen)
{
    static const export_io_t sys_io = {sys_write, sys_fsync, sys_renameat, NULL};
    job_t j = {.src = src, .o = o, .r = r, .io = o->io ? *o->io : sys_io};
    j.stick = j.dir = j.fd = -1;
    if (!j.io.write)
        j.io.write = sys_write;
    if (!j.io.fsync)
        j.io.fsync = sys_fsync;
    if (!j.io.renameat)
        j.io.renameat = sys_renameat;
    memset(r, 0, sizeof *r);
    int rc = src->begin(src->ctx, o->all, &j.max_id, &j.count, &r->seq);
    if (rc != KIOSK_OK) {
        snprintf(err, errlen, "cannot read the records: %s", src->errmsg(src->ctx));
        return rc;
    }
    if (j.count == 0) /* no new record: no bundle */
        return o->quarantine_dir ? export_quarantine(&j.io, stick_dir, o, r, err, errlen)
                                 : KIOSK_OK;
    if (src->chain) {
        rc = src->chain(src->ctx, o->all, j.max_id, &j.chain);
        if (rc != KIOSK_OK) {
            snprintf(err, errlen, "cannot read the hash chain: %s", src->errmsg(src->ctx));
            return rc;
        }
        j.have_chain = true;
    }
    name_files(&j, r->seq);
    rc = write_verified(&j, stick_dir, err, errlen);
    if (rc == KIOSK_OK) {
        rc = src->mark_exported(src->ctx, j.max_id, r->seq, o->now_utc_ms, &r->marked);
        /* The copy is good, but the marks did not stick: the next export repeats them, which
         * the office import ignores (records merge by uuid). */
        if (rc != KIOSK_OK)
            snprintf(err, errlen, "exported, but cannot mark the records: %s",
                     src->errmsg(src->ctx));
    } else if (j.dir >= 0) {
        /* A bundle without a verified manifest is never imported: its temporary files go. */
        char mtmp[160];
        snprintf(mtmp, sizeof mtmp, ".%s.tmp", r->manifest);
        unlinkat(j.dir, j.tmp, 0);
        unlinkat(j.dir, mtmp, 0);
    }
    if (rc == KIOSK_OK && o->quarantine_dir)
        rc = export_quarantine(&j.io, stick_dir, o, r, err, errlen);
    free(j.payload);
    if (j.fd >= 0)
        close(j.fd);
    if (j.dir >= 0)
        close(j.dir);
    if (j.stick >= 0)
        close(j.stick);
    return rc;
}
