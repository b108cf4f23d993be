/* The speaker of a real kiosk: the audio edge (audio/audio.h) behind speaker_t, and a tee that
 * also prints what is said in scripted runs. */
#include "app/speaker_audio.h"

static void audio_say_fn(void *ud, const speaker_utt_t *u, size_t n)
{
    audio_utterance_t out[SPEECH_MAX_UTT];
    if (n > sizeof out / sizeof out[0])
        n = sizeof out / sizeof out[0];
    for (size_t i = 0; i < n; i++)
        out[i] = (audio_utterance_t){u[i].lang, u[i].text, u[i].prompt};
    audio_say(ud, out, n);
}

static void audio_stop_fn(void *ud)
{
    audio_stop(ud);
}

static void audio_earcon_fn(void *ud, speaker_earcon_t kind)
{
    audio_earcon(ud, kind == SPEAKER_EARCON_SAVED ? EARCON_SAVED : EARCON_REFUSED);
}

static bool audio_has_voice_fn(void *ud, const char *lang)
{
    return audio_has_voice(ud, lang);
}

speaker_t speaker_from_audio(audio_t *a)
{
    return (speaker_t){audio_say_fn, audio_stop_fn, audio_earcon_fn, audio_has_voice_fn, a};
}

static void tee_say(void *ud, const speaker_utt_t *u, size_t n)
{
    speaker_tee_t *t = ud;
    for (int i = 0; i < 2; i++)
        if (t->to[i].say)
            t->to[i].say(t->to[i].ud, u, n);
}

static void tee_stop(void *ud)
{
    speaker_tee_t *t = ud;
    for (int i = 0; i < 2; i++)
        if (t->to[i].stop)
            t->to[i].stop(t->to[i].ud);
}

static void tee_earcon(void *ud, speaker_earcon_t kind)
{
    speaker_tee_t *t = ud;
    for (int i = 0; i < 2; i++)
        if (t->to[i].earcon)
            t->to[i].earcon(t->to[i].ud, kind);
}

static bool tee_has_voice(void *ud, const char *lang)
{
    speaker_tee_t *t = ud;
    for (int i = 0; i < 2; i++)
        if (t->to[i].has_voice && t->to[i].has_voice(t->to[i].ud, lang))
            return true;
    return false;
}

speaker_t speaker_tee(speaker_tee_t *t, speaker_t a, speaker_t b)
{
    t->to[0] = a;
    t->to[1] = b;
    return (speaker_t){tee_say, tee_stop, tee_earcon, tee_has_voice, t};
}
