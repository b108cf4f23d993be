/* Mount points of sticks, through libmount: the mount points below a directory now (libmount's
 * parser of /proc/self/mountinfo), and a watcher thread on libmount's monitor that says when
 * the kernel's mount table changed. */
#ifndef KIOSK_MOUNTS_H
#define KIOSK_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#define MOUNTS_PATH_MAX 512 /* bytes of a mount point kept, terminator included */

/* Copies the mount points strictly below dir ("<dir>/x", not dir itself), in the kernel's
 * order, at most max of them, into the caller's out (each cut to MOUNTS_PATH_MAX - 1 bytes);
 * returns how many. 0 when the mount table cannot be read. */
size_t mounts_below(const char *dir, char out[][MOUNTS_PATH_MAX], size_t max);

typedef struct mounts_watch mounts_watch_t;

/* Starts a thread on libmount's kernel monitor: changed(ud) is called from that thread after
 * each change of the mount table (a mount or an unmount anywhere); changed and ud must stay
 * valid until mounts_watch_stop. NULL when the monitor or the thread cannot be made (err says
 * why, when errlen > 0). The caller owns the result: mounts_watch_stop() it. */
mounts_watch_t *mounts_watch_start(void (*changed)(void *ud), void *ud, char *err, size_t errlen);

/* Stops the thread, waits for it and frees w (NULL accepted). */
void mounts_watch_stop(mounts_watch_t *w);

#endif
