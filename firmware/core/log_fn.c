/* One printf-style call of a log callback (see log_fn.h). */
#include "core/log_fn.h"

#include <stdarg.h>
#include <stdio.h>

void log_fn_say(log_fn log, void *user_data, const char *level, const char *fmt, ...)
{
    if (!log)
        return;
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log(level, msg, user_data);
}
