/* Languages to espeak-ng voices, and the earcon tones. */
#include "audio/audio_internal.h"

#include <ctype.h>
#include <espeak-ng/speak_lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every language a voice speaks: espeak_VOICE.languages is a run of (priority byte, name)
 * pairs ended by a zero priority. */
bool voices_load(voice_list_t *v)
{
    const espeak_VOICE **all = espeak_ListVoices(NULL);
    size_t len = 1;
    for (size_t i = 0; all && all[i]; i++) {
        for (const char *l = all[i]->languages; *l; l += strlen(l + 1) + 2)
            len += strlen(l + 1) + 1;
    }
    v->names = malloc(len);
    if (!v->names)
        return false;
    char *p = v->names;
    for (size_t i = 0; all && all[i]; i++) {
        for (const char *l = all[i]->languages; *l; l += strlen(l + 1) + 2) {
            size_t k = strlen(l + 1);
            memcpy(p, l + 1, k + 1);
            p += k + 1;
        }
    }
    *p = '\0';
    return true;
}

void voices_free(voice_list_t *v)
{
    free(v->names);
    v->names = NULL;
}

static const char *voices_find(const voice_list_t *v, const char *name)
{
    for (const char *p = v->names; p && *p; p += strlen(p) + 1) {
        if (strcasecmp(p, name) == 0)
            return p;
    }
    return NULL;
}

/* Chinese written forms and Mandarin: read through pinyin (espeak-ng 1.51's "cmn" voice
 * mis-reads characters); Cantonese codes get "yue" when it is there. */
static bool is_mandarin(const char *l)
{
    static const char *const codes[] = {"zh", "zh-cn", "zh-sg", "zh-tw", "zh-hans", "zh-hant",
                                        "zh-hans-cn", "zh-hant-tw", "cmn", "zh-cmn"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(l, codes[i]) == 0)
            return true;
    }
    return false;
}

const char *voices_for(const voice_list_t *v, const char *lang, bool *pinyin)
{
    *pinyin = false;
    char l[32];
    size_t n = 0;
    for (; lang && lang[n] && n + 1 < sizeof l; n++)
        l[n] = lang[n] == '_' ? '-' : (char)tolower((unsigned char)lang[n]);
    l[n] = '\0';
    if (n == 0)
        return NULL;
    if (strcmp(l, "zh-hk") == 0 || strcmp(l, "zh-mo") == 0 || strcmp(l, "yue") == 0 ||
        strncmp(l, "zh-yue", 6) == 0 || strncmp(l, "zh-hant-hk", 10) == 0)
        return voices_find(v, "yue");
    if (is_mandarin(l)) {
        *pinyin = true;
        return voices_find(v, "cmn-latn-pinyin");
    }
    if (strncmp(l, "en", 2) == 0 && (l[2] == '\0' || l[2] == '-'))
        return voices_find(v, strcmp(l, "en-us") == 0 ? "en-us" : "en");
    const char *exact = voices_find(v, l);
    if (exact)
        return exact;
    char *dash = strchr(l, '-');
    if (dash)
        *dash = '\0';
    return voices_find(v, l); /* "bo" is not among espeak-ng's voices: prompts only */
}

/* A tone with a 5 ms attack and a 20 ms release (no clicks); harmonic adds a third harmonic
 * (a buzz rather than a pure tone). */
static void tone(short *out, size_t n, int rate, double hz, double amp, bool harmonic)
{
    size_t attack = (size_t)rate / 200, release = (size_t)rate / 50;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        double env = 1.0;
        if (i < attack)
            env = (double)i / (double)attack;
        else if (i + release > n)
            env = (double)(n - i) / (double)release;
        double s = sin(2 * M_PI * hz * t);
        if (harmonic)
            s = 0.7 * s + 0.3 * sin(2 * M_PI * 3 * hz * t);
        out[i] = (short)(amp * env * s * 32767.0);
    }
}

short *earcon_make(int which, int rate, size_t *n)
{
    /* Saved: a rising chime, E5 (659 Hz) 90 ms then A5 (880 Hz) 150 ms. Refused: a low buzz,
     * 165 Hz with its third harmonic, 180 ms. */
    size_t a = (size_t)rate * 90 / 1000, b = (size_t)rate * 150 / 1000;
    size_t buzz = (size_t)rate * 180 / 1000;
    *n = which == 0 ? a + b : buzz;
    short *s = calloc(*n, sizeof *s);
    if (!s)
        return NULL;
    if (which == 0) {
        tone(s, a, rate, 659.25, 0.35, false);
        tone(s + a, b, rate, 880.0, 0.35, false);
    } else {
        tone(s, buzz, rate, 165.0, 0.4, true);
    }
    return s;
}
