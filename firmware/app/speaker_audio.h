/* The speaker of a real kiosk: the audio edge behind speaker_t (app/speaker.h), and a tee that
 * hands everything to two speakers (the audio edge and the event lines of scripted runs). */
#ifndef KIOSK_APP_SPEAKER_AUDIO_H
#define KIOSK_APP_SPEAKER_AUDIO_H

#include "app/speaker.h"
#include "audio/audio.h"

/* A speaker saying through a (borrowed: it must outlive the speaker). */
speaker_t speaker_from_audio(audio_t *a);

/* Two speakers as one: t is the caller's storage and must outlive the speaker returned. */
typedef struct {
    speaker_t to[2];
} speaker_tee_t;
speaker_t speaker_tee(speaker_tee_t *t, speaker_t a, speaker_t b);

#endif
