/* A pack's recorded prompts on disk: checked beside the pack (a stick is a hostile medium:
 * no link followed, nothing blocks, sizes capped), copied into the content-addressed store
 * <data_dir>/packs/audio/<sha256 hex>.<ext> so that each installed pack carries its own files
 * (a rollback needs nothing), and collected when no pack names them. */
#include "usb/packs_audio.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"
#include "crypto/crypto.h"
#include "usb/packs.h"
#include "usb/stick.h"

#define TMP_PREFIX ".tmp-"
#define STORED_NAME_MAX 80 /* 64 hex digits, a dot, "opus", a NUL */

/* ---- shared with packs.c ---- */

int packs_write_synced(int dirfd, const char *name, const char *buf, size_t len)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    int e = 0;
    while (len > 0 && e == 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            e = errno;
        else if (n == 0)
            e = EIO;
        else {
            buf += n;
            len -= (size_t)n;
        }
    }
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0)
        unlinkat(dirfd, name, 0);
    return e;
}

static const char *staff_words(int code)
{
    switch (code) {
    case KIOSK_EFULL:
        return "the kiosk's storage is full";
    case KIOSK_EACCES:
        return "the kiosk's storage is read-only";
    default:
        return "the kiosk's storage could not be written";
    }
}

int packs_failure(int e, const char *where, const char *failed, bool changed, char *err,
                  size_t errlen)
{
    int rc = kiosk_from_errno(e);
    if (rc == KIOSK_ENOENT)
        rc = KIOSK_EIO;
    snprintf(err, errlen, "%s: %s: %s (%s); %s", where, failed, staff_words(rc), strerror(e),
             changed ? "the switch is made but may not survive a power cut"
                     : "the active pack is unchanged");
    return rc;
}

/* ---- one prompt file beside the pack ---- */

/* Opens the directories on the way of path (a copy, cut at its slashes here) below dirfd,
 * each with flags nf (O_NOFOLLOW or 0): *d is the last one (dirfd itself when none: close it
 * only when it is not dirfd), *last the file's name within path. Else why completes "the
 * recorded prompt PATH ...". */
static int open_dirs(int dirfd, char *path, int nf, int *d, char **last, char *why, size_t whylen)
{
    char *s = path, *slash;
    *d = dirfd;
    while ((slash = strchr(s, '/')) != NULL) {
        *slash = '\0';
        if (*s && strcmp(s, ".") != 0) {
            int nd = openat(*d, s, O_RDONLY | O_DIRECTORY | O_CLOEXEC | nf);
            int e = errno;
            if (*d != dirfd)
                close(*d);
            *d = nd;
            if (nd < 0) {
                bool bad = e == ELOOP || e == ENOTDIR;
                snprintf(why, whylen, "%s",
                         e == ENOENT ? "is missing"
                         : bad       ? "has a link or a file for a directory"
                                     : strerror(e));
                return e == ENOENT || bad ? KIOSK_EINVAL : kiosk_from_errno(e);
            }
        }
        s = slash + 1;
    }
    *last = s;
    return KIOSK_OK;
}

/* Opens rel (a path the core's loader accepted: relative, no "..") below dirfd: each directory
 * on the way and the file without following a link unless follow, the file looked at before
 * it is opened (a FIFO or a device never is) and again once open. *fd and *size on success;
 * else why completes "the recorded prompt PATH ...". */
static int open_prompt(int dirfd, const char *rel, bool follow, int *fd, size_t *size, char *why,
                       size_t whylen)
{
    char buf[512], *name = NULL;
    int nf = follow ? 0 : O_NOFOLLOW, d = dirfd, f = -1;
    *fd = -1;
    if (snprintf(buf, sizeof buf, "%s", rel) >= (int)sizeof buf) {
        snprintf(why, whylen, "has too long a path");
        return KIOSK_EINVAL;
    }
    int rc = open_dirs(dirfd, buf, nf, &d, &name, why, whylen);
    if (rc != KIOSK_OK)
        return rc;
    struct stat st;
    if (fstatat(d, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
        int e = errno;
        snprintf(why, whylen, "%s", e == ENOENT ? "is missing" : strerror(e));
        rc = e == ENOENT ? KIOSK_EINVAL : kiosk_from_errno(e);
    } else if (S_ISREG(st.st_mode)) {
        f = openat(d, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | nf);
        if (f < 0 || fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(why, whylen, "cannot be opened as a regular file");
            rc = KIOSK_EINVAL;
        }
    } else {
        snprintf(why, whylen, "%s",
                 S_ISLNK(st.st_mode) ? "is a symbolic link" : "is not a regular file");
        rc = KIOSK_EINVAL;
    }
    if (rc == KIOSK_OK && (unsigned long long)st.st_size > PACKS_PROMPT_MAX_BYTES) {
        snprintf(why, whylen, "is %lld bytes, more than the %d allowed", (long long)st.st_size,
                 PACKS_PROMPT_MAX_BYTES);
        rc = KIOSK_ETOOBIG;
    }
    if (d != dirfd)
        close(d);
    if (rc != KIOSK_OK && f >= 0)
        close(f);
    *fd = rc == KIOSK_OK ? f : -1;
    *size = rc == KIOSK_OK ? (size_t)st.st_size : 0;
    return rc;
}

/* Reads the whole open prompt (size bytes when opened): *buf malloc'd, the caller's. A file
 * that changed size while being read is refused. */
static int read_prompt(int fd, size_t size, char **buf, char *why, size_t whylen)
{
    char *b = malloc(size + 1);
    if (!b) {
        snprintf(why, whylen, "cannot be read: out of memory");
        return KIOSK_ENOMEM;
    }
    size_t n = 0;
    while (n < size + 1) {
        ssize_t r = read(fd, b + n, size + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0) {
                snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
                free(b);
                return KIOSK_EIO;
            }
            break;
        }
        n += (size_t)r;
    }
    if (n != size) {
        snprintf(why, whylen, "changed while it was read (refused)");
        free(b);
        return KIOSK_EINVAL;
    }
    *buf = b;
    return KIOSK_OK;
}

static bool is_ogg(const char *head, size_t n)
{
    return n >= 4 && memcmp(head, "OggS", 4) == 0;
}

/* Whether p's path was met before prompt i (the same file named in several places). */
static bool seen_before(const content_t *c, size_t i)
{
    const char *path = content_prompt_at(c, i)->path;
    for (size_t k = 0; k < i; k++)
        if (strcmp(content_prompt_at(c, k)->path, path) == 0)
            return true;
    return false;
}

/* err: "LABEL: $.audio.KEY.LANG: the recorded prompt PATH WHY". */
static int prompt_error(int rc, const char *label, const content_prompt_t *p, const char *why,
                        char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: $.audio.%s.%s: the recorded prompt %s %s", label, p->key, p->lang,
             p->path, why);
    return rc;
}

/* Opens prompt i of c below dirfd and, when buf is not NULL, reads it whole; checks it is an
 * Ogg file and adds its size to *total (once per file), which must stay within the limit. */
static int take_prompt(int dirfd, bool follow, const content_t *c, size_t i, const char *label,
                       size_t *total, char **buf, size_t *size, char *err, size_t errlen)
{
    const content_prompt_t *p = content_prompt_at(c, i);
    char why[256], head[4];
    int fd = -1;
    size_t got = 0;
    int rc = open_prompt(dirfd, p->path, follow, &fd, size, why, sizeof why);
    if (rc != KIOSK_OK)
        return prompt_error(rc, label, p, why, err, errlen);
    if (buf) {
        rc = read_prompt(fd, *size, buf, why, sizeof why);
        got = *size;
    } else {
        ssize_t r = pread(fd, head, sizeof head, 0);
        if (r < 0) {
            snprintf(why, sizeof why, "cannot be read (%s)", strerror(errno));
            rc = KIOSK_EIO;
        }
        got = r > 0 ? (size_t)r : 0;
    }
    close(fd);
    if (rc != KIOSK_OK)
        return prompt_error(rc, label, p, why, err, errlen);
    if (!is_ogg(buf ? *buf : head, got)) {
        if (buf) {
            free(*buf);
            *buf = NULL;
        }
        return prompt_error(KIOSK_EINVAL, label, p, "is not an Ogg file", err, errlen);
    }
    if (!seen_before(c, i))
        *total += *size;
    if (*total > PACKS_PROMPTS_MAX_BYTES) {
        if (buf) {
            free(*buf);
            *buf = NULL;
        }
        snprintf(why, sizeof why, "brings the prompts to more than the %d bytes allowed",
                 PACKS_PROMPTS_MAX_BYTES);
        return prompt_error(KIOSK_ETOOBIG, label, p, why, err, errlen);
    }
    return KIOSK_OK;
}

int packs_prompts_check(int dirfd, bool follow, const content_t *c, const char *label, char *err,
                        size_t errlen)
{
    size_t total = 0, size = 0;
    for (size_t i = 0; i < content_prompt_count(c); i++) {
        int rc = take_prompt(dirfd, follow, c, i, label, &total, NULL, &size, err, errlen);
        if (rc != KIOSK_OK)
            return rc;
    }
    return KIOSK_OK;
}

/* ---- the store ---- */

typedef struct {
    const char *path;           /* as the pack names it (c's, borrowed) */
    char name[STORED_NAME_MAX]; /* <sha256 hex>.<ext> */
} stored_t;

/* Whether the store already holds name with exactly these bytes. */
static bool already_stored(int audio, const char *name, const char *buf, size_t len)
{
    char *have = NULL, why[128];
    size_t hlen = 0;
    if (stick_read_file_at(audio, name, PACKS_PROMPT_MAX_BYTES, false, "a recorded prompt", &have,
                           &hlen, why, sizeof why) != KIOSK_OK)
        return false;
    bool same = hlen == len && memcmp(have, buf, len) == 0;
    free(have);
    return same;
}

/* Stores buf as s->name (set here) in the audio directory: a temporary file, fsync'd, renamed. */
static int store_bytes(int audio, const char *where, const content_prompt_t *p, const char *buf,
                       size_t len, stored_t *s, char *err, size_t errlen)
{
    char hex[65], ext[8] = "", tmp[STORED_NAME_MAX + 8], file[4400], failed[600];
    crypto_sha256_hex(buf, len, hex);
    const char *dot = strrchr(p->path, '.');
    for (size_t k = 0; dot && dot[k + 1] && k + 1 < sizeof ext; k++)
        ext[k] = (char)tolower((unsigned char)dot[k + 1]);
    snprintf(s->name, sizeof s->name, "%s.%s", hex, ext);
    s->path = p->path;
    if (already_stored(audio, s->name, buf, len))
        return KIOSK_OK;
    snprintf(tmp, sizeof tmp, TMP_PREFIX "%s", s->name);
    snprintf(file, sizeof file, "%s/" PACKS_AUDIO_DIR "/%s", where, s->name);
    snprintf(failed, sizeof failed, "cannot store the recorded prompt %s ($.audio.%s.%s)", p->path,
             p->key, p->lang);
    int e = packs_write_synced(audio, tmp, buf, len);
    if (e == 0 && renameat(audio, tmp, audio, s->name) != 0) {
        e = errno;
        unlinkat(audio, tmp, 0);
    }
    return e ? packs_failure(e, file, failed, false, err, errlen) : KIOSK_OK;
}

/* Opens <packs_dirfd>/audio, made (and the packs directory synced) when missing. */
static int open_store(int packs_dirfd, const char *where, int *audio, char *err, size_t errlen)
{
    int e = 0;
    if (mkdirat(packs_dirfd, PACKS_AUDIO_DIR, 0755) == 0)
        e = fsync(packs_dirfd) == 0 ? 0 : errno;
    else if (errno != EEXIST)
        e = errno;
    *audio =
        e ? -1
          : openat(packs_dirfd, PACKS_AUDIO_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (!e && *audio < 0)
        e = errno;
    return e ? packs_failure(e, where, "cannot make the store of recorded prompts " PACKS_AUDIO_DIR,
                             false, err, errlen)
             : KIOSK_OK;
}

/* The index of the closing quote of the string whose opening quote is at k. */
static size_t skip_string(const char *j, size_t len, size_t k)
{
    for (k++; k < len && j[k] != '"'; k++)
        if (j[k] == '\\')
            k++;
    return k;
}

/* The end of the JSON value at k (spaces first): the index of the comma or closing bracket that
 * ends it at its level, len when none. */
static size_t skip_value(const char *j, size_t len, size_t k)
{
    int depth = 0;
    for (; k < len; k++) {
        char ch = j[k];
        if (ch == '"')
            k = skip_string(j, len, k);
        else if (ch == '{' || ch == '[')
            depth++;
        else if ((ch == '}' || ch == ']') && depth-- == 0)
            break;
        else if (ch == ',' && depth == 0)
            break;
    }
    return k;
}

/* The byte range [*from, *to) of the value of the first top-level member "audio" of json (a
 * text cJSON parsed: cJSON_GetObjectItem finds the first one too). False when there is none
 * spelt so (an escaped name, say). */
static bool find_audio(const char *j, size_t len, size_t *from, size_t *to)
{
    size_t k = 0;
    while (k < len && j[k] != '{')
        k++;
    for (k++; k < len;) {
        while (k < len && j[k] != '"' && j[k] != '}')
            k++; /* the member's name */
        if (k >= len || j[k] == '}')
            return false;
        size_t name = k;
        k = skip_string(j, len, k);
        bool audio = k - name == 6 && memcmp(j + name, "\"audio", 6) == 0;
        while (k < len && j[k] != ':')
            k++;
        size_t end = skip_value(j, len, k + 1);
        if (audio && end < len) {
            *from = k + 1;
            *to = end;
            return true;
        }
        k = end + 1; /* past the comma */
    }
    return false;
}

/* The audio member of json rewritten to the stored names, as unformatted JSON text
 * (malloc'd, the caller's), or NULL (out of memory, or a path not stored: not expected). */
static char *rewritten_audio(const char *json, size_t len, const stored_t *s, size_t ns)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    cJSON *audio = cJSON_GetObjectItemCaseSensitive(root, "audio");
    char *text = NULL;
    bool ok = cJSON_IsObject(audio);
    cJSON *e, *v;
    for (e = ok ? audio->child : NULL; e && ok; e = e->next)
        for (v = e->child; v && ok; v = v->next) {
            size_t k = 0;
            while (k < ns && (!cJSON_IsString(v) || strcmp(s[k].path, v->valuestring) != 0))
                k++;
            char path[STORED_NAME_MAX + 8];
            snprintf(path, sizeof path, PACKS_AUDIO_DIR "/%s", k < ns ? s[k].name : "");
            ok = k < ns && cJSON_SetValuestring(v, path) != NULL;
        }
    if (ok)
        text = cJSON_PrintUnformatted(audio);
    cJSON_Delete(root);
    return text;
}

/* *out: json with the value of "audio" replaced by the stored names. */
static int rewrite(const char *json, size_t len, const char *label, const stored_t *s, size_t ns,
                   char **out, size_t *outlen, char *err, size_t errlen)
{
    size_t from = 0, to = 0;
    if (!find_audio(json, len, &from, &to)) {
        snprintf(err, errlen,
                 "%s: $.audio: cannot be rewritten to the installed prompts (write "
                 "the member's name as plain \"audio\")",
                 label);
        return KIOSK_EINVAL;
    }
    char *audio = rewritten_audio(json, len, s, ns);
    size_t alen = audio ? strlen(audio) : 0;
    char *o = audio ? malloc(from + alen + (len - to) + 1) : NULL;
    if (!o) {
        free(audio);
        snprintf(err, errlen, "%s: out of memory", label);
        return KIOSK_ENOMEM;
    }
    memcpy(o, json, from);
    memcpy(o + from, audio, alen);
    memcpy(o + from + alen, json + to, len - to);
    *outlen = from + alen + (len - to);
    o[*outlen] = '\0';
    free(audio);
    *out = o;
    return KIOSK_OK;
}

int packs_prompts_store(int src_dirfd, const char *label, int packs_dirfd, const char *where,
                        const content_t *c, const char *json, size_t len, char **out,
                        size_t *outlen, char *err, size_t errlen)
{
    *out = NULL;
    *outlen = 0;
    size_t n = content_prompt_count(c), ns = 0, total = 0;
    if (n == 0)
        return KIOSK_OK;
    stored_t *s = calloc(n, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "%s: out of memory", label);
        return KIOSK_ENOMEM;
    }
    int audio = -1;
    int rc = open_store(packs_dirfd, where, &audio, err, errlen);
    for (size_t i = 0; i < n && rc == KIOSK_OK; i++) {
        if (seen_before(c, i))
            continue;
        char *buf = NULL;
        size_t size = 0;
        rc = take_prompt(src_dirfd, false, c, i, label, &total, &buf, &size, err, errlen);
        if (rc == KIOSK_OK)
            rc = store_bytes(audio, where, content_prompt_at(c, i), buf, size, &s[ns++], err,
                             errlen);
        free(buf);
    }
    if (rc == KIOSK_OK && fsync(audio) != 0)
        rc = packs_failure(errno, where, "cannot sync the store of recorded prompts", false, err,
                           errlen);
    if (rc == KIOSK_OK)
        rc = rewrite(json, len, label, s, ns, out, outlen, err, errlen);
    if (audio >= 0)
        close(audio);
    free(s);
    return rc;
}

/* ---- collecting ---- */

/* Whether any of the packs names audio/<name>. */
static bool named(content_t *const *packs, size_t n, const char *name)
{
    static const char prefix[] = PACKS_AUDIO_DIR "/";
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; packs[k] && i < content_prompt_count(packs[k]); i++) {
            const char *p = content_prompt_at(packs[k], i)->path;
            if (strncmp(p, prefix, sizeof prefix - 1) == 0 &&
                strcmp(p + sizeof prefix - 1, name) == 0)
                return true;
        }
    return false;
}

/* Loads the packs that name files (an absent or invalid one: NULL); false when one could not
 * be read for another reason. */
static bool load_namers(int dirfd, const char *const *names, size_t n, content_t **packs)
{
    for (size_t k = 0; k < n; k++) {
        char *json = NULL, why[256];
        size_t len = 0;
        int rc = stick_read_file_at(dirfd, names[k], PACKS_MAX_BYTES, false, "a pack", &json, &len,
                                    why, sizeof why);
        if (rc != KIOSK_OK && rc != KIOSK_ENOENT && rc != KIOSK_EINVAL && rc != KIOSK_ETOOBIG)
            return false; /* unread: what it names is unknown */
        content_error_t ce;
        if (rc == KIOSK_OK && content_load(json, len, names[k], &packs[k], &ce) == KIOSK_ENOMEM) {
            free(json);
            return false;
        }
        free(json);
    }
    return true;
}

void packs_prompts_collect(int packs_dirfd, const char *const *names, size_t n)
{
    content_t *packs[8] = {0};
    if (n > sizeof packs / sizeof *packs)
        return;
    int audio =
        openat(packs_dirfd, PACKS_AUDIO_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int lfd = audio >= 0 ? dup(audio) : -1;
    DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
    if (!d && lfd >= 0)
        close(lfd);
    if (d && load_namers(packs_dirfd, names, n, packs)) {
        struct dirent *ent;
        bool removed = false;
        while ((ent = readdir(d)) != NULL) {
            struct stat st;
            if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0 ||
                named(packs, n, ent->d_name) ||
                fstatat(audio, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode))
                continue;
            removed |= unlinkat(audio, ent->d_name, 0) == 0;
        }
        if (removed)
            fsync(audio);
    }
    if (d)
        closedir(d);
    if (audio >= 0)
        close(audio);
    for (size_t k = 0; k < n; k++)
        content_free(packs[k]);
}
