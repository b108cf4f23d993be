/* The app's side of speech (see speaker.h): hands the core's utterances and the earcons to the
 * speaker, and prints them as event lines in scripted and headless runs. Nothing here waits
 * for audio: every call to the speaker returns at once. */
#include "app/speaker.h"

#include <stdio.h>
#include <string.h>

#include "core/kerr.h"

static void print_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
    fputc('"', out);
}

static void events_say(void *ud, const speaker_utt_t *u, size_t n)
{
    FILE *out = ud;
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "event=say lang=%s text=", u[i].lang);
        print_quoted(out, u[i].text);
        if (u[i].prompt) {
            fputs(" prompt=", out);
            print_quoted(out, u[i].prompt);
        }
        fputc('\n', out);
    }
    fflush(out);
}

static void events_stop(void *ud)
{
    fputs("event=say-stop\n", ud);
    fflush(ud);
}

static void events_earcon(void *ud, speaker_earcon_t kind)
{
    fprintf(ud, "event=earcon kind=%s\n", kind == SPEAKER_EARCON_SAVED ? "saved" : "refused");
    fflush(ud);
}

static bool events_has_voice(void *ud, const char *lang)
{
    (void)ud;
    return strncmp(lang, "bo", 2) != 0; /* as the audio edge: Tibetan has no voice */
}

speaker_t speaker_events(FILE *out)
{
    return (speaker_t){.say = events_say,
                       .stop = events_stop,
                       .earcon = events_earcon,
                       .has_voice = events_has_voice,
                       .ud = out};
}

void app_speech_init(app_speech_t *s, speaker_t sp, bool earcons, bool never, bool always)
{
    memset(s, 0, sizeof *s);
    s->sp = sp;
    s->earcons = earcons;
    s->speech_never = never;
    s->speech_always = always;
    speech_init(&s->speech);
}

static void stop(app_speech_t *s)
{
    if (s->speaking && s->sp.stop)
        s->sp.stop(s->sp.ud);
    s->speaking = false;
}

void app_speech_frame(app_speech_t *s, flow_t *f, const view_t *v, bool residents)
{
    if (!residents) {
        stop(s);                 /* staff at work, or quiet hours: silence */
        speech_init(&s->speech); /* and what is shown once residents are back is said anew */
        return;
    }
    if (s->speech_never && flow_speech(f))
        flow_set_speech(f, false);
    else if (s->speech_always && !flow_speech(f))
        flow_set_speech(f, true);
    speech_update(&s->speech, f, v, &s->out);
    if (s->out.stop && s->out.n == 0)
        stop(s);
    if (s->out.n == 0 || !s->sp.say)
        return;
    speaker_utt_t u[SPEECH_MAX_UTT];
    static const size_t plen = sizeof s->pack_dir + 256;
    char paths[SPEECH_MAX_UTT][sizeof s->pack_dir + 256];
    for (size_t i = 0; i < s->out.n; i++) {
        const char *prompt = s->out.u[i].prompt;
        if (prompt && s->pack_dir[0]) {
            snprintf(paths[i], plen, "%s/%s", s->pack_dir, prompt);
            prompt = paths[i];
        }
        u[i] = (speaker_utt_t){s->out.u[i].lang, s->out.u[i].text, prompt};
    }
    s->sp.say(s->sp.ud, u, s->out.n); /* replaces what was being said */
    s->speaking = true;
}

void app_speech_input(app_speech_t *s, const flow_t *f)
{
    unsigned r = flow_refused(f);
    if (r != s->refused && s->earcons && s->sp.earcon)
        s->sp.earcon(s->sp.ud, SPEAKER_EARCON_REFUSED);
    s->refused = r;
}

void app_speech_saved(app_speech_t *s)
{
    if (s->earcons && s->sp.earcon)
        s->sp.earcon(s->sp.ud, SPEAKER_EARCON_SAVED);
}

void app_speech_set_pack_dir(app_speech_t *s, const char *dir)
{
    snprintf(s->pack_dir, sizeof s->pack_dir, "%s", dir ? dir : "");
}

bool app_pack_prompts_ok(const content_t *c, const char *pack_dir, prompt_check_fn check, char *why,
                         size_t whylen)
{
    for (size_t i = 0; i < content_prompt_count(c); i++) {
        const content_prompt_t *p = content_prompt_at(c, i);
        char path[4096], err[512] = "";
        snprintf(path, sizeof path, "%s/%s", pack_dir && pack_dir[0] ? pack_dir : ".", p->path);
        if (check(path, err, sizeof err) != KIOSK_OK) {
            snprintf(why, whylen, "$.audio.%s.%s: %s", p->key, p->lang, err);
            return false;
        }
    }
    return true;
}
