/* Internals of the audio edge shared between its files: the language-to-voice map and the
 * earcon tones; not for use outside firmware/audio. */
#ifndef KIOSK_AUDIO_INTERNAL_H
#define KIOSK_AUDIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* The espeak-ng voices present, as one buffer of NUL-separated language names ending with an
 * empty name; owned by the audio_t. */
typedef struct {
    char *names;
} voice_list_t;

/* Reads espeak-ng's voice list (espeak-ng must be initialised); false when out of memory. */
bool voices_load(voice_list_t *v);
void voices_free(voice_list_t *v);
/* The espeak-ng voice for lang (a BCP 47 code, any case), or NULL when there is none;
 * *pinyin is set when the text must first become tone-numbered pinyin. The string returned
 * is static or points into v, valid until voices_free(). */
const char *voices_for(const voice_list_t *v, const char *lang, bool *pinyin);

/* A generated earcon: samples at the device's rate, the caller's (free()). */
short *earcon_make(int which, int rate, size_t *n);

#endif
