/* Recorded prompts: Ogg Vorbis through libvorbisfile, Opus through libopusfile. */
#include "audio/prompt.h"

#include "audio/audio.h"
#include "core/kerr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <opusfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vorbis/vorbisfile.h>

struct prompt {
    OggVorbis_File vf; /* when opus is NULL */
    OggOpusFile *opus;
    int channels;
    int rate;
    double seconds;
};

int prompt_open(const char *path, prompt_t **out, char *err, size_t errlen)
{
    *out = NULL;
    /* Not through a symbolic link, and never blocking on a FIFO or a device: a regular file. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path,
                 e == ELOOP ? "a symbolic link, not a file" : "cannot be read");
        return e == ELOOP ? KIOSK_EINVAL : kiosk_from_errno(e);
    }
    struct stat st;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!regular) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return KIOSK_EINVAL;
    }
    prompt_t *p = calloc(1, sizeof *p);
    if (!p)
        return KIOSK_ENOMEM;
    if (ov_fopen(path, &p->vf) == 0) {
        vorbis_info *vi = ov_info(&p->vf, -1);
        p->channels = vi ? vi->channels : 0;
        p->rate = vi ? (int)vi->rate : 0;
        p->seconds = ov_time_total(&p->vf, -1);
        if (p->channels < 1 || p->channels > 2 || p->rate <= 0) {
            ov_clear(&p->vf);
            free(p);
            snprintf(err, errlen, "%s: Ogg Vorbis stream with an unusable format", path);
            return KIOSK_ECORRUPT;
        }
        *out = p;
        return KIOSK_OK;
    }
    int oerr = 0;
    p->opus = op_open_file(path, &oerr);
    if (!p->opus) {
        free(p);
        snprintf(err, errlen, "%s: neither Ogg Vorbis nor Opus audio", path);
        return KIOSK_ECORRUPT;
    }
    p->channels = 2; /* op_read_stereo: always stereo at 48 kHz */
    p->rate = 48000;
    ogg_int64_t total = op_pcm_total(p->opus, -1);
    p->seconds = total < 0 ? -1.0 : (double)total / 48000.0;
    *out = p;
    return KIOSK_OK;
}

void prompt_close(prompt_t *p)
{
    if (!p)
        return;
    if (p->opus)
        op_free(p->opus);
    else
        ov_clear(&p->vf);
    free(p);
}

int prompt_channels(const prompt_t *p)
{
    return p->channels;
}
int prompt_rate(const prompt_t *p)
{
    return p->rate;
}
double prompt_seconds(const prompt_t *p)
{
    return p->seconds;
}

long prompt_read(prompt_t *p, short *buf, size_t n)
{
    if (p->opus) {
        int got = op_read_stereo(p->opus, buf, (int)(n > 1 << 20 ? 1 << 20 : n));
        return got < 0 ? -1 : (long)got * 2;
    }
    int section = 0;
    size_t bytes = n * sizeof(short);
    long got =
        ov_read(&p->vf, (char *)buf, (int)(bytes > 1 << 20 ? 1 << 20 : bytes), 0, 2, 1, &section);
    return got < 0 ? -1 : got / (long)sizeof(short);
}

int audio_check_prompt(const char *path, char *err, size_t errlen)
{
    prompt_t *p = NULL;
    int rc = prompt_open(path, &p, err, errlen);
    if (rc != KIOSK_OK)
        return rc;
    double s = prompt_seconds(p);
    if (s < 0) {
        snprintf(err, errlen, "%s: length unknown (not a seekable Ogg file)", path);
        rc = KIOSK_ECORRUPT;
    } else if (s > PROMPT_MAX_SECONDS) {
        snprintf(err, errlen, "%s: %.1f s long, more than %.0f s", path, s, PROMPT_MAX_SECONDS);
        rc = KIOSK_ETOOBIG;
    } else {
        /* Decode the whole file: a damaged stream whose headers are fine is refused here, not
         * found out while a resident listens. */
        short buf[4096];
        long got;
        while ((got = prompt_read(p, buf, sizeof buf / sizeof buf[0])) > 0) {
        }
        if (got < 0) {
            snprintf(err, errlen, "%s: damaged audio data", path);
            rc = KIOSK_ECORRUPT;
        }
    }
    prompt_close(p);
    return rc;
}
