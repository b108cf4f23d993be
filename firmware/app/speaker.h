/* The app's side of speech: the speaker it hands utterances and earcons to (the audio edge
 * behind an adapter, or an event printer in scripted and headless runs), and the state that
 * decides, frame by frame, what to hand it (core/speech.h says what; this says to whom). */
#ifndef KIOSK_APP_SPEAKER_H
#define KIOSK_APP_SPEAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/content.h"
#include "core/flow.h"
#include "core/speech.h"
#include "core/view.h"

/* One thing to say: the core's utterance (core/speech.h), except that prompt, when not NULL,
 * is the recorded file's full path (joined to the pack's directory). The strings are the
 * caller's, valid during say() only: a speaker copies what it keeps. */
typedef speech_utt_t speaker_utt_t;

typedef enum { SPEAKER_EARCON_SAVED, SPEAKER_EARCON_REFUSED } speaker_earcon_t;

/* Where speech goes. Every function returns at once (the speaker works off the loop's
 * thread): say() replaces whatever is being said. A NULL function: that part is silent. ud is
 * the speaker's own, borrowed for as long as the speaker is used. */
typedef struct {
    void (*say)(void *ud, const speaker_utt_t *u, size_t n);
    void (*stop)(void *ud);
    void (*earcon)(void *ud, speaker_earcon_t kind);
    bool (*has_voice)(void *ud, const char *lang);
    void *ud;
} speaker_t;

/* A speaker that prints each call as an event line on out (borrowed, must outlive the
 * speaker): event=say lang=zh-cn text="..." [prompt="..."], event=say-stop,
 * event=earcon kind=saved|refused. For scripted and headless runs, read by end-to-end tests. */
speaker_t speaker_events(FILE *out);

/* The app's speech state: one for the run, inside the loop's state. */
typedef struct {
    speaker_t sp;
    bool earcons;      /* the configuration's "audio.earcons" */
    bool speech_never; /* the configuration's "audio.speech": "off" */
    bool speech_always; /* ... "always": on for every visit */
    speech_t speech;
    speech_out_t out;
    unsigned refused; /* flow_refused() last seen */
    bool speaking;    /* something was handed over since the last stop */
    char pack_dir[1024]; /* the pack file's directory: prompts' paths are relative to it;
                            "": handed over as the pack gives them */
} app_speech_t;

/* Starts with the speaker sp and the configuration's choices ("off", "on-request",
 * "always" as never / always). */
void app_speech_init(app_speech_t *s, speaker_t sp, bool earcons, bool never, bool always);

/* After each frame: v was just built from f. residents: the residents' screens are up (not
 * the staff screens, not the attract screen of quiet hours): otherwise the kiosk is silent. */
void app_speech_frame(app_speech_t *s, flow_t *f, const view_t *v, bool residents);

/* After each input given to the flow: a refused one plays the refused earcon. */
void app_speech_input(app_speech_t *s, const flow_t *f);

/* After the store saved an answer (the save returned, before the thank-you is drawn). */
void app_speech_saved(app_speech_t *s);

/* The directory of the pack file in use (prompts' paths are relative to it); copied. */
void app_speech_set_pack_dir(app_speech_t *s, const char *dir);

/* Checks one recorded prompt file (the audio edge's audio_check_prompt): KIOSK_OK, or a
 * KIOSK_E* with err naming the file and what is wrong. */
typedef int (*prompt_check_fn)(const char *path, char *err, size_t errlen);

/* The pack's recorded prompts, each file (its path joined to pack_dir) through check: for
 * the pack edge's check (pack_check_t), next to the fonts' (app/fonts.c). False with why set
 * ("$.audio.KEY.LANG: REASON") for the first that fails; true for a pack without prompts. */
bool app_pack_prompts_ok(const content_t *c, const char *pack_dir, prompt_check_fn check,
                         char *why, size_t whylen);

#endif
