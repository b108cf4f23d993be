/* Reads a pack file and prints the checker's report (see check_pack.h). */
#include "app/check_pack.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pack_check.h"

#define CHECK_PACK_MAX_BYTES (16 * 1024 * 1024) /* the loader refuses over 4 MiB and says so */

/* Today as YYYY-MM-DD: KIOSK_TODAY when set (as the kiosk itself reads it), else the local
 * date. */
static const char *today(char *buf, size_t len)
{
    const char *fixed = getenv("KIOSK_TODAY");
    if (fixed && strlen(fixed) == 10) {
        snprintf(buf, len, "%s", fixed);
        return buf;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm) || strftime(buf, len, "%Y-%m-%d", &tm) != 10)
        return NULL;
    return buf;
}

static void print_line(void *ud, const char *line)
{
    fprintf(ud, "%s\n", line);
}

int check_pack_file(const char *prog, const char *path, FILE *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return 1;
    }
    char *json = malloc(CHECK_PACK_MAX_BYTES + 1);
    size_t len = json ? fread(json, 1, CHECK_PACK_MAX_BYTES + 1, f) : 0;
    bool bad = !json || ferror(f) || len > CHECK_PACK_MAX_BYTES;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: %s: %s\n", prog, path,
                !json                        ? "out of memory"
                : len > CHECK_PACK_MAX_BYTES ? "too large"
                                             : "cannot read");
        free(json);
        return 1;
    }
    char day[16];
    size_t errors = pack_check(json, len, path, today(day, sizeof day), print_line, out);
    free(json);
    fflush(out);
    return errors ? 1 : 0;
}
