/* The parse error shared by the core's parsers: setting and formatting it. */
#include "core/parse_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/kerr.h"

int content_error_set(content_error_t *err, const char *path, const char *fmt, ...)
{
    snprintf(err->path, sizeof err->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
    return KIOSK_EINVAL;
}

void content_error_format(const content_error_t *err, char *buf, size_t len)
{
    snprintf(buf, len, "%s: %s: %s", err->file, err->path[0] ? err->path : "$", err->reason);
}
