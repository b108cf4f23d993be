/* What every office command shares: the usage lines, options, opening the archive, and
 * output files written under a temporary name and renamed when complete. */
#include "office.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"
#include "staff-office.h"

void office_usage(FILE *out)
{
    fputs("  find            look up a service request by its reference code:\n"
          "      --archive FILE    the archive database; then the CODE\n"
          "  csv             the records as CSV (UTF-8 with BOM, for spreadsheets):\n"
          "      --archive FILE    the archive database\n"
          "      --out FILE        where to write (default: standard output)\n"
          "      --kind KIND       only quick_rating, feedback, service_request,\n"
          "                        questionnaire or activity records\n"
          "  open311         the service requests as Open311 GeoReport v2 JSON:\n"
          "      --archive FILE, --out FILE (default: standard output)\n"
          "  report          one HTML file with charts (opens in any browser, prints):\n"
          "      --archive FILE, --out FILE.html, --title TEXT\n",
          out);
}

int open_existing(const char *cmd, const char *path, archive_t **a)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "kiosk-staff %s: %s: %s\n", cmd, path, strerror(errno));
        return 1;
    }
    if (!S_ISREG(sb.st_mode)) {
        fprintf(stderr, "kiosk-staff %s: %s: not a regular file\n", cmd, path);
        return 1;
    }
    char err[1024];
    if (archive_open(path, a, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff %s: %s\n", cmd, err);
        return 1;
    }
    return 0;
}

int out_open(const char *cmd, const char *path, mode_t mode, out_t *o)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    o->path = path;
    const size_t n = strlen(path) + sizeof ".XXXXXX";
    o->tmp = malloc(n);
    if (!o->tmp) {
        fprintf(stderr, "kiosk-staff %s: %s: out of memory\n", cmd, path);
        return 1;
    }
    snprintf(o->tmp, n, "%s.XXXXXX", path);
    const int fd = mkstemp(o->tmp);
    if (fd < 0 || fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(stderr, "kiosk-staff %s: %s: cannot write: %s\n", cmd, path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return 1;
    }
    return 0;
}

int out_close(const char *cmd, out_t *o, bool ok)
{
    if (!o->f)
        return 1;
    int e = ok ? 0 : -1;
    if (!o->path) {
        if (fflush(stdout) != 0 || ferror(stdout))
            e = e ? e : errno ? errno : EIO;
        o->f = NULL;
        if (e > 0)
            fprintf(stderr, "kiosk-staff %s: standard output: %s\n", cmd, strerror(e));
        return e ? 1 : 0;
    }
    if (!e && (fflush(o->f) != 0 || ferror(o->f)))
        e = errno ? errno : EIO;
    if (!e && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e > 0)
        fprintf(stderr, "kiosk-staff %s: %s: cannot write: %s\n", cmd, o->path, strerror(e));
    if (e)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return e ? 1 : 0;
}

void out_put(out_t *o, const char *s, size_t n)
{
    if (n)
        fwrite(s, 1, n, o->f);
}

int read_failed(const char *cmd, archive_t *a, int rc)
{
    if (rc < 0)
        fprintf(stderr, "kiosk-staff %s: %s\n", cmd, archive_errmsg(a));
    return 1;
}

int office_args(int argc, char **argv, const struct option *opts, const char *help,
                bool (*own_ok)(const char *value), office_args_t *a)
{
    memset(a, 0, sizeof *a);
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'a') {
            a->archive = optarg;
        } else if (c == 'o') {
            a->out = optarg;
        } else if (c == 'x') {
            if (own_ok && !own_ok(optarg))
                return 2;
            a->own = optarg;
        } else {
            fputs(help, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    a->next = optind;
    return -1;
}
