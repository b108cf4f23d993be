/* What the kiosk says and when: from the flow and the view just built, the utterances to hand
 * to the speaker (the audio edge), in the view's language. Pure: no clock, no files, no audio.
 * The app keeps one speech_t for the run and calls speech_update() after each build of the
 * residents' view; what changed since the last call (a screen opened, the ring moved, a choice
 * made, a character typed, the candidates changed, help pressed again) says what to say. A
 * single press that answers and moves on (a choice, a face, yes or no) is said before the
 * screen it led to: "Satisfied, selected. Question 2 of 5 ...". */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/flow.h"
#include "core/view.h"

/* One thing to say: text in lang; prompt, when not NULL, a recorded file of the pack (a path
 * relative to the pack file) to play instead. lang and prompt point into the content pack,
 * text into the speech_out_t: valid until the next speech_update() with that out. */
typedef struct {
    const char *lang;
    const char *text;
    const char *prompt;
} speech_utt_t;

#define SPEECH_MAX_UTT 32
#define SPEECH_TEXT_BYTES 4096
#define SPEECH_CHOICES 16

typedef struct {
    speech_utt_t u[SPEECH_MAX_UTT];
    size_t n;
    bool stop; /* interrupt what is being said (n may be 0: say nothing new) */
    char text[SPEECH_TEXT_BYTES];
    size_t used;
} speech_out_t;

/* What was said last: the screen, the ring, the field, the candidates, the selection. */
typedef struct {
    bool was_on;
    unsigned long screen_sig; /* the screen and overlay shown */
    unsigned repeat;          /* flow_speech_repeat() last seen */
    int focus;                /* the ring's index last seen, or -1 */
    unsigned long focus_sig;  /* the focused target's text and state */
    char field[256];          /* the text answer last seen */
    unsigned long cand_sig;   /* the candidates last seen */
    unsigned chosen;          /* flow_chosen() last seen */
    struct {
        action_t act;
        int arg;
        char text[96];
    } choice[SPEECH_CHOICES]; /* the answer buttons last seen, to say the one just pressed */
    size_t nchoice;
} speech_t;

void speech_init(speech_t *s);

/* Fills out with what to say now that v (built from f) is on screen; out->n == 0 and
 * out->stop false: nothing. Says nothing while flow_speech(f) is off. */
void speech_update(speech_t *s, const flow_t *f, const view_t *v, speech_out_t *out);

/* A code or a number read character by character, its groups kept: "3TR ET4" becomes
 * "3 T R, E T 4". out holds len bytes (NUL-terminated, cut short if need be). */
void speech_spell(const char *text, char *out, size_t len);

#endif
