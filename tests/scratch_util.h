/* Scratch directories for the tests that write files: under $KIOSK_TEST_TMP (or /tmp), one
 * fresh directory a test, paths that abort when too long (a broken test setup, not a case to
 * test), and removal of what a test left. */
#ifndef KIOSK_TEST_SCRATCH_UTIL_H
#define KIOSK_TEST_SCRATCH_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline bool mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return false;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

static inline const char *tmp_root(void)
{
    const char *root = getenv("KIOSK_TEST_TMP");
    return root && *root ? root : "/tmp";
}

/* A fresh directory "<root>/<prefix>-XXXXXX" for one test. */
static inline bool make_scratch_dir(char dir[PATH_MAX], const char *prefix)
{
    if (!mkdir_p(tmp_root()))
        return false;
    if (snprintf(dir, PATH_MAX, "%s/%s-XXXXXX", tmp_root(), prefix) >= PATH_MAX)
        return false;
    return mkdtemp(dir) != NULL;
}

static inline void join(char out[PATH_MAX], const char *dir, const char *name)
{
    if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
        abort();
}

/* Removes path and, for a directory, all below it (made writable first). */
static inline void remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        chmod(path, 0755);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char child[PATH_MAX];
                join(child, path, e->d_name);
                remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

#endif
