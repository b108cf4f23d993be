/* `kiosk --check-pack FILE` and `kiosk-staff check-pack FILE`: reads a pack file and prints the
 * checker's report (core/pack_check.h). No SDL: the staff tool builds this file too. No
 * function here keeps a pointer. */
#ifndef KIOSK_CHECK_PACK_H
#define KIOSK_CHECK_PACK_H

#include <stdio.h>

/* Checks the pack at path, printing every diagnostic and the summary on out (a file it cannot
 * read: the reason on stderr, prefixed with prog). Returns the exit status: 0 no error
 * (warnings allowed), 1 an error. */
int check_pack_file(const char *prog, const char *path, FILE *out);

#endif
