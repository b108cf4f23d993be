/* The parse error shared by the core's parsers: setting and formatting it. */
#include "core/parse_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/kerr.h"

int content_error_set(content_error_t *err, const char *path, const char *fmt, ...)
{
    snprintf(err->path, sizeof err->path, "%s", path);
    err->line = err->col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
    return KIOSK_EINVAL;
}

void content_error_format(const content_error_t *err, char *buf, size_t len)
{
    if (err->line > 0 && !strstr(err->reason, "near line"))
        snprintf(buf, len, "%s: %s: %s (line %d, column %d)", err->file,
                 err->path[0] ? err->path : "$", err->reason, err->line, err->col);
    else
        snprintf(buf, len, "%s: %s: %s", err->file, err->path[0] ? err->path : "$", err->reason);
}
