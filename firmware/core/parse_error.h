/* Where parsing a text failed, for every parser of the core (content packs, the device
 * configuration, pin maps, opening hours, staff tokens, record lines): the file, a JSON path
 * ("$.journeys[1].pages[0].elements[2].type") and the reason. The type keeps the name of its
 * first user, the content pack. */
#ifndef KIOSK_PARSE_ERROR_H
#define KIOSK_PARSE_ERROR_H

#include <stddef.h>

/* Plain fixed-size buffers, owned by whoever declares the struct; no pointer is kept. line and
 * col (1-based, col in characters) say where in the file, when known (content packs); 0: not
 * known. */
typedef struct {
    char file[256];
    char path[256];
    char reason[256];
    int line, col;
} content_error_t;

/* Sets the JSON path and the reason (printf-style) of err, leaving err->file as it is; returns
 * KIOSK_EINVAL, so that a parser can "return content_error_set(...)". */
__attribute__((format(printf, 3, 4))) int content_error_set(content_error_t *err, const char *path,
                                                            const char *fmt, ...);

/* Formats an error as "FILE: PATH: REASON" into buf (len bytes, always NUL-terminated when len
 * is not 0); an empty path reads "$". With a line (and a reason that does not already name
 * it), " (line L, column C)" follows. */
void content_error_format(const content_error_t *err, char *buf, size_t len);

#endif
