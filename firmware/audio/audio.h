/* The audio edge: speech (espeak-ng), recorded prompts (Ogg Vorbis or Opus, decoded by Debian's
 * libraries) and short earcons, played through SDL audio to the configured device (the Pi's
 * headphone jack, HDMI or a USB speaker). Synthesis runs off the UI thread and never delays
 * input: a new utterance interrupts the one being spoken within one audio buffer. The edge
 * speaks what it is given; what to say is the core's business (core/speech.h). */
#ifndef KIOSK_AUDIO_H
#define KIOSK_AUDIO_H

#include <stdbool.h>
#include <stddef.h>

typedef struct audio audio_t;

typedef struct {
    const char *device;       /* SDL's output device name; NULL: the default device */
    int volume;               /* 0..100 */
    bool earcons;             /* short sounds for a saved answer and a refused input */
    const char *pinyin_table; /* the character-to-pinyin table built from the packaged
                                 dictionary (audio/pinyin.h); NULL: the installed one */
    int idle_close_ms; /* the device is closed after this long with nothing to play and opened
                          again for the next sound (an open device keeps SDL's audio thread
                          waking every buffer); 0: AUDIO_IDLE_CLOSE_MS, negative: never */
} audio_config_t;

#define AUDIO_IDLE_CLOSE_MS 4000

/* One thing to say, in the language lang (a pack's BCP 47 code, any case): text (UTF-8) is
 * synthesised with the language's voice; prompt, when not NULL, is a recorded file played
 * instead of the text. */
typedef struct {
    const char *lang;
    const char *text;
    const char *prompt;
} audio_utterance_t;

typedef enum { EARCON_SAVED, EARCON_REFUSED } earcon_t;

/* Opens the device and the synthesiser; cfg is read during the call only. The device opened
 * here proves the configured one is there; it is closed again when idle and reopened by the
 * edge's worker thread for the next utterance or earcon. On failure (no
 * audio device, no espeak-ng data) KIOSK_E* with err set and *out NULL: the kiosk runs silent.
 * The audio_t is the caller's until audio_close(). One per process, opened once: espeak-ng's
 * state is process-wide, and 1.51 hangs in espeak_ng_Terminate after a second initialisation. */
int audio_open(const audio_config_t *cfg, audio_t **out, char *err, size_t errlen);
void audio_close(audio_t *a);

/* Says the n utterances in order, after stopping whatever is being said; copies them (the
 * caller's strings may go once it returns). Returns at once. */
void audio_say(audio_t *a, const audio_utterance_t *u, size_t n);
/* Stops speech and prompts at once (earcons play out). */
void audio_stop(audio_t *a);
/* Plays an earcon over speech (when the configuration has earcons on). */
void audio_earcon(audio_t *a, earcon_t e);
void audio_set_volume(audio_t *a, int volume);
/* Whether something is being said or queued. */
bool audio_speaking(audio_t *a);
/* Whether the output device is open now (it closes when idle, see idle_close_ms). */
bool audio_device_open(audio_t *a);
/* Whether lang has a synthesised voice here (Tibetan has none: recorded prompts only; Mandarin
 * only with the pinyin table loaded). */
bool audio_has_voice(audio_t *a, const char *lang);

/* Whether path is a recorded prompt the edge can play (a readable Ogg Vorbis or Opus file of
 * at most 60 s): KIOSK_OK, or a KIOSK_E* with err naming the file and what is wrong. */
int audio_check_prompt(const char *path, char *err, size_t errlen);

#endif
