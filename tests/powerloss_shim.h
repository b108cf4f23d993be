/* The power-loss shim of test_powerloss: the test program defines the C library's file calls
 * (open, pwrite, ftruncate, fsync, fdatasync, unlink, rename...) itself, so that the SQLite
 * library and the store, linked into it, call these. Only while shim_on (in the children of
 * a trial) and only for files under shim_dir does it keep a journal of what is not yet
 * durable:
 *   - data written to a file, until an fsync or fdatasync of that file;
 *   - a truncation (or extension) of a file, until an fsync or fdatasync of that file;
 *   - a directory entry created, removed or renamed, until an fsync or fdatasync of the
 *     directory itself (the file's own sync does not make its name durable).
 * At the chosen operation the power goes: the journal is undone newest first (writes are kept,
 * dropped or torn sector by sector at random; truncations and directory entries revert) and
 * the process ends on the spot. *-shm files are not tracked (SQLite rebuilds them).
 * Included once, by test_powerloss.c. */
#ifndef KIOSK_TEST_POWERLOSS_SHIM_H
#define KIOSK_TEST_POWERLOSS_SHIM_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static bool shim_on;            /* the journal is kept (children only) */
static bool shim_nosync;        /* syncs skip the kernel (only to build the seed quickly) */
static bool shim_det_random;    /* getrandom() gives a fixed stream: runs are repeatable */
static char shim_dir[PATH_MAX]; /* only files whose path starts with this are tracked */
static char shim_bak[PATH_MAX]; /* where removed or replaced files are kept for a revert */
static long shim_ops, shim_crash_at = -1;
static unsigned int shim_seed;
static uint64_t shim_rand_state = 0x9e3779b97f4a7c15u;
static long shim_syncs; /* fsync/fdatasync calls that reached the kernel (tracked files) */

typedef enum { J_WRITE, J_TRUNC, J_CREATE, J_UNLINK, J_RENAME } jkind_t;

typedef struct {
    jkind_t kind;
    ino_t ino;          /* J_WRITE, J_TRUNC: the file; J_CREATE...: the directory */
    int fd;             /* J_WRITE, J_TRUNC: a descriptor of the file kept open for the revert */
    int64_t off, size;  /* J_WRITE: offset; J_TRUNC: new size */
    int64_t old_size;   /* file size before */
    unsigned char *old; /* J_WRITE: len bytes before; J_TRUNC: the bytes cut off */
    int64_t len;
    char *path, *path2; /* J_CREATE/J_UNLINK: path; J_RENAME: from, to */
    char *bak;          /* J_UNLINK: the removed file; J_RENAME: the replaced target */
    bool lazy;          /* J_WRITE to a file the store syncs after acknowledging (-head) */
} jent_t;

static jent_t *journal;
static size_t njournal, capjournal;

typedef struct {
    bool tracked, dir;
    bool lazy; /* the hash chain's head file: synced after the thank-you, by design */
    ino_t ino, dir_ino;
    int keep; /* dup kept for reverts (files) */
} fdinfo_t;

#define SHIM_FDS 1024
static fdinfo_t fds[SHIM_FDS];

#define REAL(ret, name, ...)                                                                       \
    static ret (*real_##name)(__VA_ARGS__);                                                        \
    static void load_##name(void)                                                                  \
    {                                                                                              \
        if (!real_##name)                                                                          \
            *(void **)&real_##name = dlsym(RTLD_NEXT, #name);                                      \
    }

REAL(int, open, const char *, int, ...)
REAL(int, open64, const char *, int, ...)
REAL(int, close, int)
REAL(ssize_t, pwrite64, int, const void *, size_t, off_t)
REAL(ssize_t, write, int, const void *, size_t)
REAL(int, ftruncate64, int, off_t)
REAL(int, fsync, int)
REAL(int, fdatasync, int)
REAL(int, unlink, const char *)
REAL(int, rename, const char *, const char *)
REAL(ssize_t, getrandom, void *, size_t, unsigned int)

static unsigned int shim_rnd(void)
{
    shim_seed = shim_seed * 1103515245u + 12345u;
    return (shim_seed >> 16) & 0x7fff;
}

static bool under_dir(const char *path)
{
    size_t n = strlen(shim_dir); /* shim_dir ends in '/': the directory itself is tracked too */
    if (!shim_on || !path || n == 0 ||
        (strncmp(path, shim_dir, n) != 0 &&
         !(strncmp(path, shim_dir, n - 1) == 0 && path[n - 1] == '\0')))
        return false;
    size_t len = strlen(path);
    return !(len >= 4 && strcmp(path + len - 4, "-shm") == 0);
}

static ino_t dir_ino_of(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    struct stat sb;
    return stat(slash ? dir : ".", &sb) == 0 ? sb.st_ino : 0;
}

static jent_t *journal_add(jkind_t kind)
{
    if (njournal == capjournal) {
        capjournal = capjournal ? capjournal * 2 : 256;
        journal = realloc(journal, capjournal * sizeof *journal);
        if (!journal)
            abort();
    }
    jent_t *j = &journal[njournal++];
    memset(j, 0, sizeof *j);
    j->kind = kind;
    return j;
}

static char *backup_name(void)
{
    static long n;
    char name[PATH_MAX + 32];
    snprintf(name, sizeof name, "%s/%ld", shim_bak, n++);
    return strdup(name);
}

/* The power goes: the journal is undone newest first. */
static void power_cut(void)
{
    load_pwrite64();
    load_ftruncate64();
    load_unlink();
    load_rename();
    for (size_t i = njournal; i-- > 0;) {
        jent_t *j = &journal[i];
        switch (j->kind) {
        case J_WRITE: {
            unsigned int what = shim_rnd() % 3;
            if (what == 0)
                break; /* it made it to the medium */
            for (int64_t s = 0; s < j->len; s += 512) {
                int64_t n = j->len - s < 512 ? j->len - s : 512;
                if (what == 1 || shim_rnd() % 2)
                    real_pwrite64(j->fd, j->old + s, (size_t)n, j->off + s);
            }
            if (what == 1 && j->off + j->len > j->old_size)
                real_ftruncate64(j->fd, j->old_size > j->off ? j->old_size : j->off);
            break;
        }
        case J_TRUNC:
            real_ftruncate64(j->fd, j->old_size);
            if (j->old_size > j->size)
                real_pwrite64(j->fd, j->old, (size_t)(j->old_size - j->size), j->size);
            break;
        case J_CREATE:
            real_unlink(j->path);
            break;
        case J_UNLINK:
            real_rename(j->bak, j->path);
            break;
        case J_RENAME:
            real_rename(j->path2, j->path);
            if (j->bak)
                real_rename(j->bak, j->path2);
            break;
        }
    }
    _exit(0);
}

static void tick(void)
{
    if (shim_ops++ == shim_crash_at)
        power_cut();
}

/* Pending entries: data writes (what a sync must clear before an acknowledgement), others. */
/* What is not durable yet. Writes to the chain's head file are left out: the store syncs the
 * head after the thank-you (store_sync_head()); a cut before that is one of the cuts. */
static void shim_pending(long *writes, long *truncs, long *names)
{
    *writes = *truncs = *names = 0;
    for (size_t i = 0; i < njournal; i++) {
        if (journal[i].kind == J_WRITE && journal[i].lazy)
            continue;
        if (journal[i].kind == J_WRITE)
            (*writes)++;
        else if (journal[i].kind == J_TRUNC)
            (*truncs)++;
        else
            (*names)++;
    }
}

static void note_open(int fd, const char *path, bool existed)
{
    if (fd < 0 || fd >= SHIM_FDS || !under_dir(path))
        return;
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return;
    const size_t len = strlen(path);
    fds[fd] = (fdinfo_t){.tracked = true,
                         .dir = S_ISDIR(sb.st_mode),
                         .lazy = len > 5 && strcmp(path + len - 5, "-head") == 0,
                         .ino = sb.st_ino,
                         .dir_ino = dir_ino_of(path),
                         .keep = -1};
    if (!fds[fd].dir)
        fds[fd].keep = dup(fd);
    if (!existed) {
        jent_t *j = journal_add(J_CREATE);
        j->ino = fds[fd].dir_ino;
        j->path = strdup(path);
        tick(); /* a cut here takes the new entry with it */
    }
}

static int open_common(int (*real)(const char *, int, ...), const char *path, int flags,
                       mode_t mode)
{
    bool existed = access(path, F_OK) == 0;
    if (under_dir(path) && (flags & O_TRUNC) && existed)
        abort(); /* not modelled: nothing under test opens with O_TRUNC */
    int fd = real(path, flags, mode);
    note_open(fd, path, existed || !(flags & O_CREAT));
    return fd;
}

int open(const char *path, int flags, ...)
{
    load_open();
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return open_common(real_open, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    load_open64();
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return open_common(real_open64, path, flags, mode);
}

int close(int fd)
{
    load_close();
    if (fd >= 0 && fd < SHIM_FDS)
        fds[fd].tracked = false; /* its keep descriptor stays open for reverts */
    return real_close(fd);
}

static ssize_t write_at(int fd, const void *buf, size_t n, off_t off)
{
    load_pwrite64();
    if (fd >= 0 && fd < SHIM_FDS && fds[fd].tracked && !fds[fd].dir && shim_on) {
        tick();
        struct stat sb;
        fstat(fd, &sb);
        jent_t *j = journal_add(J_WRITE);
        j->ino = fds[fd].ino;
        j->fd = fds[fd].keep;
        j->lazy = fds[fd].lazy;
        j->off = off;
        j->len = (int64_t)n;
        j->old_size = sb.st_size;
        j->old = calloc(1, n ? n : 1);
        if (off < sb.st_size && pread(fd, j->old, n, off) < 0)
            abort(); /* short read: the rest stays zero */
    }
    return real_pwrite64(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return write_at(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return write_at(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    load_write();
    if (fd >= 0 && fd < SHIM_FDS && fds[fd].tracked && shim_on) {
        off_t off = lseek(fd, 0, SEEK_CUR);
        ssize_t r = write_at(fd, buf, n, off);
        if (r > 0)
            lseek(fd, off + r, SEEK_SET);
        return r;
    }
    return real_write(fd, buf, n);
}

static int truncate_to(int fd, off_t size)
{
    load_ftruncate64();
    if (fd >= 0 && fd < SHIM_FDS && fds[fd].tracked && !fds[fd].dir && shim_on) {
        tick();
        struct stat sb;
        fstat(fd, &sb);
        jent_t *j = journal_add(J_TRUNC);
        j->ino = fds[fd].ino;
        j->fd = fds[fd].keep;
        j->size = size;
        j->old_size = sb.st_size;
        if (sb.st_size > size) {
            j->old = calloc(1, (size_t)(sb.st_size - size));
            if (pread(fd, j->old, (size_t)(sb.st_size - size), size) < 0)
                abort();
        }
    }
    return real_ftruncate64(fd, size);
}

int ftruncate(int fd, off_t size)
{
    return truncate_to(fd, size);
}

int ftruncate64(int fd, off_t size)
{
    return truncate_to(fd, size);
}

/* A sync makes the file's data and size durable, or, for a directory, its entries. */
static int sync_common(int fd, int (*real)(int))
{
    if (fd >= 0 && fd < SHIM_FDS && fds[fd].tracked && shim_on) {
        tick();
        size_t k = 0;
        for (size_t i = 0; i < njournal; i++) {
            jent_t *j = &journal[i];
            bool file_entry = j->kind == J_WRITE || j->kind == J_TRUNC;
            bool durable = fds[fd].dir ? !file_entry && j->ino == fds[fd].ino
                                       : file_entry && j->ino == fds[fd].ino;
            if (durable) {
                free(j->old);
                free(j->path);
                free(j->path2);
                free(j->bak);
            } else {
                journal[k++] = *j;
            }
        }
        njournal = k;
        shim_syncs++;
    }
    return shim_nosync ? 0 : real(fd);
}

int fsync(int fd)
{
    load_fsync();
    return sync_common(fd, real_fsync);
}

int fdatasync(int fd)
{
    load_fdatasync();
    return sync_common(fd, real_fdatasync);
}

int unlink(const char *path)
{
    load_unlink();
    if (!under_dir(path) || access(path, F_OK) != 0)
        return real_unlink(path);
    tick();
    char *bak = backup_name();
    if (link(path, bak) != 0) {
        free(bak);
        return real_unlink(path);
    }
    int rc = real_unlink(path);
    jent_t *j = journal_add(J_UNLINK);
    j->ino = dir_ino_of(path);
    j->path = strdup(path);
    j->bak = bak;
    return rc;
}

int rename(const char *from, const char *to)
{
    load_rename();
    if (!under_dir(from) && !under_dir(to))
        return real_rename(from, to);
    tick();
    char *bak = NULL;
    if (access(to, F_OK) == 0) {
        bak = backup_name();
        if (link(to, bak) != 0) {
            free(bak);
            bak = NULL;
        }
    }
    int rc = real_rename(from, to);
    if (rc != 0) {
        if (bak)
            real_unlink(bak);
        free(bak);
        return rc;
    }
    jent_t *j = journal_add(J_RENAME);
    j->ino = dir_ino_of(to);
    j->path = strdup(from);
    j->path2 = strdup(to);
    j->bak = bak;
    return rc;
}

/* A fixed stream when asked (uuids, reference codes): the same workload stores the same rows. */
ssize_t getrandom(void *buf, size_t n, unsigned int flags)
{
    load_getrandom();
    if (!shim_det_random)
        return real_getrandom(buf, n, flags);
    unsigned char *p = buf;
    for (size_t i = 0; i < n; i++) {
        uint64_t z = (shim_rand_state += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        p[i] = (unsigned char)(z ^ (z >> 31));
    }
    return (ssize_t)n;
}

#endif
