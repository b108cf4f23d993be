/* LD_PRELOAD spy for test_chain: appends one line "sync <path>" to $CHAIN_SYNC_SPY_LOG for
 * every fsync() or fdatasync() of a file whose name ends in "-head" (the hash chain's head
 * file), then calls the real function. Lets the test see that the head reaches the kernel's
 * sync before the kiosk says thank you. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void note(int fd)
{
    const char *log = getenv("CHAIN_SYNC_SPY_LOG");
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (!log || n < 5)
        return;
    path[n] = '\0';
    if (strcmp(path + n - 5, "-head") != 0)
        return;
    const int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (out < 0)
        return;
    char line[4200];
    const int len = snprintf(line, sizeof line, "sync %s\n", path);
    if (len > 0 && write(out, line, (size_t)len) < 0)
        line[0] = '\0';
    close(out);
}

typedef int (*sync_fn)(int);

/* The next definition of name (libc's), as POSIX says to take a function from dlsym(). */
static sync_fn next(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    sync_fn f = NULL;
    memcpy(&f, &p, sizeof f);
    return f;
}

int fdatasync(int fd)
{
    const sync_fn real = next("fdatasync");
    note(fd);
    return real ? real(fd) : -1;
}

int fsync(int fd)
{
    const sync_fn real = next("fsync");
    note(fd);
    return real ? real(fd) : -1;
}
