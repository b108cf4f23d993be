/* Reading a SQLite -wal from a test: how many transactions it holds. Header-only, one copy
 * per test program. */
#ifndef KIOSK_WAL_UTIL_H
#define KIOSK_WAL_UTIL_H

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Commit frames at the start of db's -wal (frames with the header's salts whose header gives
 * the database's size): the transactions written since the -wal was last reset. */
static inline int wal_commits(const char *db)
{
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", db);
    FILE *f = fopen(wal, "rb");
    if (!f)
        return 0;
    unsigned char h[32], fh[24];
    int n = 0;
    if (fread(h, 1, sizeof h, f) == sizeof h) {
        const long page = (long)h[8] << 24 | (long)h[9] << 16 | (long)h[10] << 8 | h[11];
        while (fread(fh, 1, sizeof fh, f) == sizeof fh && memcmp(fh + 8, h + 16, 8) == 0) {
            n += (fh[4] | fh[5] | fh[6] | fh[7]) != 0;
            if (fseek(f, page == 1 ? 65536 : page, SEEK_CUR) != 0)
                break;
        }
    }
    fclose(f);
    return n;
}

#endif
