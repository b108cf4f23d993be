/* Recorded prompts for the audio edge: Ogg Vorbis (libvorbisfile) or Opus (libopusfile) files
 * opened, checked and decoded to signed 16-bit samples; internal to firmware/audio. */
#ifndef KIOSK_AUDIO_PROMPT_H
#define KIOSK_AUDIO_PROMPT_H

#include <stddef.h>

typedef struct prompt prompt_t;

/* The longest prompt the edge plays, in seconds. */
#define PROMPT_MAX_SECONDS 60.0

/* Opens path as Ogg Vorbis, else as Opus. KIOSK_OK and *out (the caller's until
 * prompt_close()), or KIOSK_ENOENT (no such file), KIOSK_ECORRUPT (neither format) with err
 * naming the file and *out NULL. */
int prompt_open(const char *path, prompt_t **out, char *err, size_t errlen);
void prompt_close(prompt_t *p);
/* The stream's format (fixed for the whole file) and length in seconds (negative: unknown). */
int prompt_channels(const prompt_t *p);
int prompt_rate(const prompt_t *p);
double prompt_seconds(const prompt_t *p);
/* Decodes up to n interleaved samples into buf: the count written, 0 at the end, negative on
 * a decoding error. */
long prompt_read(prompt_t *p, short *buf, size_t n);

#endif
