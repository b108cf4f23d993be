/* The audio edge: one SDL output device fed by a callback from a ring buffer, which a worker
 * thread fills with espeak-ng's speech or a decoded prompt; earcons are mixed in the callback.
 * One mutex guards the ring, the job and the generation counter; a new utterance bumps the
 * generation, empties the ring and so stops speech within the buffer SDL already holds. */
#include "audio/audio.h"

#include "audio/audio_internal.h"
#include "audio/prompt.h"
#include "core/kerr.h"

#include "audio/pinyin.h"

#include <SDL.h>
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1024 samples at 22050 Hz: 46 ms, the most speech that plays on after an interruption. */
#define AUDIO_BUFFER_SAMPLES 1024
/* espeak-ng hands over 40 ms at a time (and checks for an interruption as often). */
#define AUDIO_SYNTH_MS 40
/* Half a second of audio ahead of the device at most. */
#define AUDIO_RING_SECONDS_DIV 2
/* espeak-ng's default is 175 words a minute; 150 (about 15% slower) for elderly listeners,
 * whose speech understanding falls off faster than younger listeners' as speech speeds up,
 * without the drawl that slows every screen down. */
#define AUDIO_RATE_WPM 150

typedef struct {
    size_t n;
    audio_utterance_t *u; /* strings in the same allocation */
} job_t;

struct audio {
    SDL_AudioDeviceID dev; /* 0 while closed; written by the worker (and open, close) under mu */
    char *device;          /* the configured device's name, or NULL: the default */
    int idle_ms;           /* close the device after this long idle; negative: never */
    int rate;
    SDL_mutex *mu;
    SDL_cond *cv;
    SDL_Thread *thread;
    /* under mu */
    unsigned gen;
    bool quit;
    bool busy;
    bool want_open;    /* an earcon waits for the device to open */
    unsigned busy_gen; /* the generation the worker is playing */
    job_t *pending;
    short *ring;
    size_t cap, head, count;
    const short *earcon;
    size_t earcon_n, earcon_pos;
    int volume;
    /* fixed after open */
    bool earcons;
    short *tones[2];
    size_t tone_n[2];
    voice_list_t voices;
    pinyin_t *pinyin; /* Chinese to pinyin for cmn-latn-pinyin, or NULL: no table */
    /* the worker's own */
    char voice[64];
    unsigned synth_gen;
};

static void mix_callback(void *ud, Uint8 *stream, int len)
{
    audio_t *a = ud;
    short *out = (short *)stream;
    size_t n = (size_t)len / sizeof(short);
    SDL_LockMutex(a->mu);
    size_t take = a->count < n ? a->count : n;
    for (size_t i = 0; i < take; i++)
        out[i] = a->ring[(a->head + i) % a->cap];
    memset(out + take, 0, (n - take) * sizeof(short));
    a->head = (a->head + take) % a->cap;
    a->count -= take;
    for (size_t i = 0; a->earcon && i < n; i++) {
        int s = out[i] + a->earcon[a->earcon_pos++];
        out[i] = (short)(s > 32767 ? 32767 : s < -32768 ? -32768 : s);
        if (a->earcon_pos == a->earcon_n)
            a->earcon = NULL;
    }
    int vol = a->volume;
    if (take > 0)
        SDL_CondBroadcast(a->cv);
    SDL_UnlockMutex(a->mu);
    for (size_t i = 0; i < n && vol != 100; i++)
        out[i] = (short)(out[i] * vol / 100);
}

/* Appends n samples for generation gen, waiting for room; false once gen is stale. */
static bool ring_push(audio_t *a, const short *s, size_t n, unsigned gen)
{
    SDL_LockMutex(a->mu);
    while (n > 0 && a->gen == gen && !a->quit) {
        size_t room = a->cap - a->count;
        if (room == 0) {
            SDL_CondWait(a->cv, a->mu);
            continue;
        }
        size_t k = n < room ? n : room;
        for (size_t i = 0; i < k; i++)
            a->ring[(a->head + a->count + i) % a->cap] = s[i];
        a->count += k;
        s += k;
        n -= k;
    }
    bool live = a->gen == gen && !a->quit;
    SDL_UnlockMutex(a->mu);
    return live;
}

static int synth_callback(short *wav, int n, espeak_EVENT *ev)
{
    audio_t *a = ev ? ev->user_data : NULL;
    if (!a)
        return 0;
    if (wav && n > 0 && !ring_push(a, wav, (size_t)n, a->synth_gen))
        return 1;
    SDL_LockMutex(a->mu);
    bool stale = a->gen != a->synth_gen || a->quit;
    SDL_UnlockMutex(a->mu);
    return stale ? 1 : 0;
}

static void set_voice(audio_t *a, const char *voice)
{
    if (strcmp(a->voice, voice) == 0)
        return;
    if (espeak_ng_SetVoiceByName(voice) != ENS_OK)
        return;
    snprintf(a->voice, sizeof a->voice, "%s", voice);
    espeak_SetParameter(espeakRATE, AUDIO_RATE_WPM, 0);
}

static void speak_text(audio_t *a, const audio_utterance_t *u, unsigned gen)
{
    bool pinyin = false;
    const char *voice = voices_for(&a->voices, u->lang, &pinyin);
    if (!voice || !u->text || !*u->text)
        return;
    set_voice(a, voice);
    const char *text = u->text;
    char *converted = NULL;
    size_t cap = strlen(u->text) * 8 + 16;
    if (pinyin && a->pinyin && (converted = malloc(cap)) != NULL) {
        pinyin_convert(a->pinyin, u->text, converted, cap);
        text = converted;
    }
    a->synth_gen = gen;
    espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, a);
    free(converted);
}

static void play_prompt(audio_t *a, const char *path, unsigned gen)
{
    char err[256];
    prompt_t *p = NULL;
    if (prompt_open(path, &p, err, sizeof err) != KIOSK_OK)
        return;
    SDL_AudioStream *st = SDL_NewAudioStream(AUDIO_S16SYS, (Uint8)prompt_channels(p),
                                             prompt_rate(p), AUDIO_S16SYS, 1, a->rate);
    short in[4096], out[4096];
    long got = 1;
    bool live = st != NULL;
    while (live && got > 0) {
        got = prompt_read(p, in, sizeof in / sizeof in[0]);
        if (got > 0)
            SDL_AudioStreamPut(st, in, (int)(got * (long)sizeof(short)));
        else
            SDL_AudioStreamFlush(st);
        int bytes;
        while (live && (bytes = SDL_AudioStreamGet(st, out, sizeof out)) > 0)
            live = ring_push(a, out, (size_t)bytes / sizeof(short), gen);
    }
    if (st)
        SDL_FreeAudioStream(st);
    prompt_close(p);
}

/* Opens the device, playing at once; 0 when it cannot be had. */
static SDL_AudioDeviceID device_open(audio_t *a)
{
    SDL_AudioSpec want = {0}, have;
    want.freq = a->rate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = AUDIO_BUFFER_SAMPLES;
    want.callback = mix_callback;
    want.userdata = a;
    SDL_AudioDeviceID d = SDL_OpenAudioDevice(a->device, 0, &want, &have, 0); /* SDL converts */
    if (d)
        SDL_PauseAudioDevice(d, 0);
    return d;
}

/* The worker's: the device open for the next sound. Called without mu: opening and closing
 * wait for SDL's audio thread, whose callback takes mu. */
static bool device_up(audio_t *a)
{
    if (a->dev)
        return true;
    SDL_AudioDeviceID d = device_open(a);
    if (!d)
        SDL_Log("audio device %s: %s", a->device ? a->device : "(default)", SDL_GetError());
    SDL_LockMutex(a->mu);
    a->dev = d;
    SDL_UnlockMutex(a->mu);
    return d != 0;
}

static void device_down(audio_t *a)
{
    SDL_LockMutex(a->mu);
    SDL_AudioDeviceID d = a->dev;
    a->dev = 0;
    SDL_UnlockMutex(a->mu);
    if (d)
        SDL_CloseAudioDevice(d);
}

static void play_job(audio_t *a, job_t *job, unsigned gen)
{
    for (size_t i = 0; i < job->n && device_up(a); i++) {
        SDL_LockMutex(a->mu);
        bool stale = a->gen != gen || a->quit;
        SDL_UnlockMutex(a->mu);
        if (stale)
            break;
        if (job->u[i].prompt)
            play_prompt(a, job->u[i].prompt, gen);
        else
            speak_text(a, &job->u[i], gen);
    }
    free(job);
}

/* Plays each job handed over; with nothing left to play for idle_ms, closes the device (an
 * open one wakes SDL's audio thread every buffer), to open it again for the next sound. */
static int worker(void *ud)
{
    audio_t *a = ud;
    Uint64 idle_since = 0;
    SDL_LockMutex(a->mu);
    while (!a->quit) {
        bool up = a->want_open && !a->dev;
        a->want_open = false;
        job_t *job = a->pending;
        a->pending = NULL;
        if (up || job) {
            unsigned gen = a->gen;
            a->busy = job != NULL;
            a->busy_gen = gen;
            SDL_UnlockMutex(a->mu);
            if (job)
                play_job(a, job, gen);
            else
                device_up(a);
            SDL_LockMutex(a->mu);
            a->busy = false;
            idle_since = 0;
            continue;
        }
        if (!a->dev || a->idle_ms < 0) {
            SDL_CondWait(a->cv, a->mu);
            continue;
        }
        Uint64 now = SDL_GetTicks64();
        if (a->count > 0 || a->earcon || !idle_since)
            idle_since = now; /* still playing: the idle time starts when it ends */
        if (now - idle_since >= (Uint64)a->idle_ms) {
            SDL_UnlockMutex(a->mu);
            device_down(a);
            SDL_LockMutex(a->mu);
            continue;
        }
        Uint64 left = (Uint64)a->idle_ms - (now - idle_since);
        SDL_CondWaitTimeout(a->cv, a->mu, (Uint32)(left < 100 ? left : 100));
    }
    SDL_UnlockMutex(a->mu);
    return 0;
}

static int open_device(audio_t *a, char *err, size_t errlen)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        snprintf(err, errlen, "audio: %s", SDL_GetError());
        return KIOSK_ENOENT;
    }
    a->dev = device_open(a);
    if (a->dev == 0) {
        snprintf(err, errlen, "audio device %s: %s", a->device ? a->device : "(default)",
                 SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return KIOSK_ENOENT;
    }
    return KIOSK_OK;
}

static int open_synth(audio_t *a, char *err, size_t errlen)
{
    espeak_ng_InitializePath(NULL);
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    if (espeak_ng_Initialize(&ctx) != ENS_OK ||
        espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, AUDIO_SYNTH_MS, NULL) != ENS_OK) {
        espeak_ng_ClearErrorContext(&ctx);
        snprintf(err, errlen, "espeak-ng: no voice data");
        return KIOSK_ENOENT;
    }
    espeak_SetSynthCallback(synth_callback);
    a->rate = espeak_ng_GetSampleRate();
    if (!voices_load(&a->voices))
        return KIOSK_ENOMEM;
    return KIOSK_OK;
}

static void open_pinyin(audio_t *a, const audio_config_t *cfg)
{
    char err[256];
    pinyin_t *p = NULL;
    const char *table = cfg->pinyin_table ? cfg->pinyin_table : pinyin_default_table();
    if (pinyin_open(table, &p, err, sizeof err) == KIOSK_OK)
        a->pinyin = p;
    else
        SDL_Log("%s", err); /* Chinese text then has no voice; pinyin text still reads */
}

static void free_parts(audio_t *a)
{
    pinyin_close(a->pinyin);
    voices_free(&a->voices);
    free(a->tones[0]);
    free(a->tones[1]);
    free(a->ring);
    free(a->device);
    if (a->cv)
        SDL_DestroyCond(a->cv);
    if (a->mu)
        SDL_DestroyMutex(a->mu);
    free(a);
}

int audio_open(const audio_config_t *cfg, audio_t **out, char *err, size_t errlen)
{
    *out = NULL;
    audio_t *a = calloc(1, sizeof *a);
    if (!a)
        return KIOSK_ENOMEM;
    a->volume = cfg->volume < 0 ? 0 : cfg->volume > 100 ? 100 : cfg->volume;
    a->earcons = cfg->earcons;
    a->idle_ms = cfg->idle_close_ms == 0 ? AUDIO_IDLE_CLOSE_MS : cfg->idle_close_ms;
    if (cfg->device && !(a->device = strdup(cfg->device))) {
        free(a);
        return KIOSK_ENOMEM;
    }
    int rc = open_synth(a, err, errlen);
    if (rc != KIOSK_OK) {
        free_parts(a);
        return rc;
    }
    a->cap = (size_t)a->rate / AUDIO_RING_SECONDS_DIV;
    a->ring = malloc(a->cap * sizeof(short));
    a->mu = SDL_CreateMutex();
    a->cv = SDL_CreateCond();
    for (int i = 0; i < 2; i++)
        a->tones[i] = earcon_make(i, a->rate, &a->tone_n[i]);
    if (!a->ring || !a->mu || !a->cv || !a->tones[0] || !a->tones[1]) {
        espeak_ng_Terminate();
        free_parts(a);
        snprintf(err, errlen, "audio: out of memory");
        return KIOSK_ENOMEM;
    }
    open_pinyin(a, cfg);
    rc = open_device(a, err, errlen);
    if (rc == KIOSK_OK && !(a->thread = SDL_CreateThread(worker, "kiosk-audio", a))) {
        snprintf(err, errlen, "audio thread: %s", SDL_GetError());
        SDL_CloseAudioDevice(a->dev);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        rc = KIOSK_ENOMEM;
    }
    if (rc != KIOSK_OK) {
        espeak_ng_Terminate();
        free_parts(a);
        return rc;
    }
    *out = a;
    return KIOSK_OK;
}

/* Stops what is being said (a new generation, an empty ring) and puts next (or nothing) in
 * its place; quit also ends the worker. */
static void interrupt(audio_t *a, job_t *next, bool quit)
{
    SDL_LockMutex(a->mu);
    a->gen++;
    free(a->pending);
    a->pending = next;
    a->count = 0;
    a->quit = a->quit || quit;
    SDL_CondBroadcast(a->cv);
    SDL_UnlockMutex(a->mu);
}

void audio_close(audio_t *a)
{
    if (!a)
        return;
    interrupt(a, NULL, true);
    SDL_WaitThread(a->thread, NULL);
    device_down(a);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    espeak_ng_Terminate();
    free_parts(a);
}

static size_t str_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static char *str_put(char **dst, const char *s)
{
    if (!s)
        return NULL;
    char *r = *dst;
    size_t l = strlen(s) + 1;
    memcpy(r, s, l);
    *dst += l;
    return r;
}

static job_t *job_copy(const audio_utterance_t *u, size_t n)
{
    size_t bytes = sizeof(job_t) + n * sizeof(audio_utterance_t);
    for (size_t i = 0; i < n; i++)
        bytes += str_size(u[i].lang) + str_size(u[i].text) + str_size(u[i].prompt);
    job_t *j = malloc(bytes);
    if (!j)
        return NULL;
    j->n = n;
    j->u = (audio_utterance_t *)(j + 1);
    char *p = (char *)(j->u + n);
    for (size_t i = 0; i < n; i++) {
        j->u[i].lang = str_put(&p, u[i].lang);
        j->u[i].text = str_put(&p, u[i].text);
        j->u[i].prompt = str_put(&p, u[i].prompt);
    }
    return j;
}

void audio_say(audio_t *a, const audio_utterance_t *u, size_t n)
{
    if (a)
        interrupt(a, n > 0 ? job_copy(u, n) : NULL, false);
}

void audio_stop(audio_t *a)
{
    if (a)
        interrupt(a, NULL, false);
}

void audio_earcon(audio_t *a, earcon_t e)
{
    if (!a || !a->earcons)
        return;
    int i = e == EARCON_SAVED ? 0 : 1;
    SDL_LockMutex(a->mu);
    a->earcon = a->tones[i];
    a->earcon_n = a->tone_n[i];
    a->earcon_pos = 0;
    a->want_open = !a->dev;
    SDL_CondBroadcast(a->cv);
    SDL_UnlockMutex(a->mu);
}

void audio_set_volume(audio_t *a, int volume)
{
    if (!a)
        return;
    SDL_LockMutex(a->mu);
    a->volume = volume < 0 ? 0 : volume > 100 ? 100 : volume;
    SDL_UnlockMutex(a->mu);
}

bool audio_speaking(audio_t *a)
{
    if (!a)
        return false;
    SDL_LockMutex(a->mu);
    bool s = (a->busy && a->busy_gen == a->gen) || a->pending || a->count > 0;
    SDL_UnlockMutex(a->mu);
    return s;
}

bool audio_device_open(audio_t *a)
{
    if (!a)
        return false;
    SDL_LockMutex(a->mu);
    bool open = a->dev != 0;
    SDL_UnlockMutex(a->mu);
    return open;
}

bool audio_has_voice(audio_t *a, const char *lang)
{
    if (!a)
        return false;
    bool pinyin = false;
    const char *v = voices_for(&a->voices, lang, &pinyin);
    return v && (!pinyin || a->pinyin);
}
