/* The placeholders each interface string may hold: the names the kiosk fills in where it shows
 * the string (content_fill_vars() and its callers in core/ and app/). A string missing here
 * holds none. Keep this table in step with content_required_strings (content.c) and with every
 * place that fills a string in. */
#include <stddef.h>
#include <string.h>

#include "core/content_internal.h"

/* The message screen (usb.* and the like) fills {n} and {reason} into whatever key it shows. */
#define MESSAGE "n reason"

static const struct {
    const char *key;
    const char *names; /* separated by spaces */
} table[] = {
    {"progress", "n total"},
    {"idle.body", "seconds"},
    {"attract.body", "when"},
    {"keyboard.count", "n max"},
    {"why.phone", "example"},
    {"speech.candidate", "n"},
    {"notice.db_recovered", "n"},
    {"notice.chain_broken", "lost altered"},
    {"usb.exporting", MESSAGE},
    {"usb.done", MESSAGE},
    {"usb.nothing", MESSAGE},
    {"usb.erased", MESSAGE},
    {"usb.refused", MESSAGE},
    {"usb.failed", MESSAGE},
    {"activity.when", "wd d m mon y start end"},
    {"staff.pin_wait", "s"},
    {"staff.confirm_title", "ref"},
    {"staff.erased", "ref"},
    {"staff.not_found", "ref"},
    {"staff.menu.figures_detail", "today waiting"},
    {"staff.content_switch_title", "name"},
    {"staff.content_back_title", "name"},
    {"staff.content_switched", "name why"},
    {"staff.content_failed", "name why"},
    {"staff.clock_failed", "why"},
    {"staff.hours_open", "t"},
    {"staff.hours_quiet", "t"},
    {"staff.volume_level", "n"},
    {"staff.volume_off", "n"},
    {"staff.touch_count", "n all"},
    {"staff.power_failed", "why"},
    {"staff.selftest_corners", "n"},
    {"staff.selftest_pressed", "n all"},
    {"staff.selftest_storage_ok", "ms"},
};

const char *content_placeholders(const char *key)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].key, key) == 0)
            return table[i].names;
    return "";
}

const char *content_placeholder_key(size_t i)
{
    return i < sizeof table / sizeof table[0] ? table[i].key : NULL;
}
