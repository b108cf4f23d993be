/* The kiosk's log (see log.h). */
#include "app/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "system/sysinfo.h"

static logring_t *log_ring;

void log_set_ring(logring_t *ring)
{
    log_ring = ring;
}

void log_line(const char *level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "kiosk[%s]: %s\n", level, msg);
    logring_add(log_ring, level, msg); /* the technician's log page */
}
