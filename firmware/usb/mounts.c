/* Mount points and their changes through libmount (see mounts.h). */
#include "usb/mounts.h"

#include <errno.h>
#include <libmount.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

size_t mounts_below(const char *dir, char out[][MOUNTS_PATH_MAX], size_t max)
{
    struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
    if (!tb)
        return 0;
    struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
    size_t n = 0, dl = strlen(dir);
    struct libmnt_fs *fs;
    while (it && n < max && mnt_table_next_fs(tb, it, &fs) == 0) {
        const char *mp = mnt_fs_get_target(fs); /* unescaped by libmount */
        if (mp && strncmp(mp, dir, dl) == 0 && mp[dl] == '/' && mp[dl + 1])
            snprintf(out[n++], MOUNTS_PATH_MAX, "%s", mp);
    }
    mnt_free_iter(it);
    mnt_unref_table(tb);
    return n;
}

struct mounts_watch {
    struct libmnt_monitor *monitor;
    int stop; /* an eventfd: wakes the thread to end */
    pthread_t thread;
    void (*changed)(void *ud);
    void *ud;
};

static void *watch(void *arg)
{
    mounts_watch_t *w = arg;
    struct pollfd p[2] = {{.fd = mnt_monitor_get_fd(w->monitor), .events = POLLIN},
                          {.fd = w->stop, .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        if (!p[0].revents)
            continue;
        bool any = false;
        while (mnt_monitor_next_change(w->monitor, NULL, NULL) == 0)
            any = true; /* drained: the monitor is quiet until the next change */
        if (any)
            w->changed(w->ud);
    }
    return NULL;
}

mounts_watch_t *mounts_watch_start(void (*changed)(void *ud), void *ud, char *err, size_t errlen)
{
    mounts_watch_t *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "no memory");
        return NULL;
    }
    w->changed = changed;
    w->ud = ud;
    w->stop = eventfd(0, EFD_CLOEXEC);
    w->monitor = mnt_new_monitor();
    int rc = w->stop < 0   ? -errno
             : !w->monitor ? -ENOMEM
                           : mnt_monitor_enable_kernel(w->monitor, 1);
    if (rc == 0 && mnt_monitor_get_fd(w->monitor) < 0)
        rc = -EIO;
    if (rc == 0)
        rc = -pthread_create(&w->thread, NULL, watch, w);
    if (rc != 0) {
        snprintf(err, errlen, "cannot watch the mounts: %s", strerror(-rc));
        mnt_unref_monitor(w->monitor);
        if (w->stop >= 0)
            close(w->stop);
        free(w);
        return NULL;
    }
    return w;
}

void mounts_watch_stop(mounts_watch_t *w)
{
    if (!w)
        return;
    uint64_t one = 1;
    if (write(w->stop, &one, sizeof one) != sizeof one)
        return; /* cannot happen on an eventfd; the thread would outlive what it uses */
    pthread_join(w->thread, NULL);
    mnt_unref_monitor(w->monitor);
    close(w->stop);
    free(w);
}
