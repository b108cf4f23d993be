/* The icons the kiosk ships, by name: tests/test_icons.c checks that this list and the files
 * of assets/icons are the same. */
#include "core/icons.h"

#include <stdio.h>
#include <string.h>

const char *const icon_names[] = {
    /* journeys */
    "feedback", "help", "questionnaire", "activities",
    /* services */
    "counselling", "tutoring", "rehabilitation", "elderly", "disability", "legal", "mediation",
    "skills", "job", "child", "info", "home", "other", NULL};

bool icon_known(const char *name)
{
    for (size_t i = 0; icon_names[i]; i++)
        if (strcmp(icon_names[i], name) == 0)
            return true;
    return false;
}

void icon_names_join(char *out, size_t len)
{
    size_t used = 0;
    if (len)
        out[0] = '\0';
    for (size_t i = 0; icon_names[i] && used < len; i++) {
        int n = snprintf(out + used, len - used, "%s%s", i ? ", " : "", icon_names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
