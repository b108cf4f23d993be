/* kiosk-staff check-pack FILE: the kiosk's own pack checker (firmware/app/check_pack.c) at the
 * office, so that a pack is checked before it goes onto a stick. */
#include <stdio.h>
#include <string.h>

#include "app/check_pack.h"
#include "staff-office.h"

int office_check_pack(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("Usage: kiosk-staff check-pack FILE\n"
             "Checks a content pack as the kiosk loads it: every error and warning as\n"
             "FILE:LINE:COL: error: PATH: REASON, then what the pack holds.\n"
             "Exit status: 0 no error (warnings allowed), 1 an error, 2 bad usage.");
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs("Usage: kiosk-staff check-pack FILE\n", stderr);
        return 2;
    }
    return check_pack_file("kiosk-staff check-pack", argv[1], stdout);
}
