/* Checks of device configuration values that would otherwise pass as plain strings: the kiosk
 * id, PIN hashes, the organisation's keys, the USB mount directory, and the bytes of the file
 * itself (UTF-8, no NUL). Pure: no file is touched (see config.h). */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/kerr.h"
#include "core/utf8.h"

bool config_kiosk_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > CONFIG_KIOSK_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes standard base64 (padded when pad, else unpadded) into out (up to cap bytes); the
 * byte count, or -1 when text is not base64 of that form or too long. */
static long b64_decode(const char *text, bool pad, unsigned char *out, size_t cap)
{
    size_t n = strlen(text), body = n;
    if (pad) {
        if (n % 4)
            return -1;
        while (body > 0 && n - body < 2 && text[body - 1] == '=')
            body--;
    } else if (n % 4 == 1) {
        return -1;
    }
    size_t len = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < body; i++) {
        int v = b64_value(text[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (len == cap)
                return -1;
            out[len++] = (unsigned char)(acc >> bits);
        }
    }
    /* the bits left over must be zero (a canonical encoding) */
    if (bits && (acc & ((1u << bits) - 1)))
        return -1;
    return (long)len;
}

const char *config_key_problem(const char *text)
{
    unsigned char key[64];
    long n = b64_decode(text, true, key, sizeof key);
    if (n < 0)
        return "not base64 (standard alphabet, padded), as 'kiosk-staff keygen' writes keys";
    if (n != CONFIG_KEY_BYTES)
        return "not a 32-byte key";
    unsigned char any = 0;
    for (long i = 0; i < n; i++)
        any |= key[i];
    return any ? NULL : "all zero: not a real key";
}

/* "<name>=<digits>" at *p, at most max; advances *p. */
static bool hash_param(const char **p, const char *name, unsigned long long lo,
                       unsigned long long max)
{
    size_t k = strlen(name);
    if (strncmp(*p, name, k) != 0 || (*p)[k] != '=')
        return false;
    const char *s = *p + k + 1;
    unsigned long long v = 0;
    size_t digits = 0;
    for (; *s >= '0' && *s <= '9' && digits < 11; s++, digits++)
        v = v * 10 + (unsigned)(*s - '0');
    if (!digits || (digits > 1 && (*p)[k + 1] == '0') || v < lo || v > max)
        return false;
    *p = s;
    return true;
}

/* The unpadded base64 field at *p up to the next '$' or the end: at least min_bytes. */
static bool hash_b64(const char **p, size_t min_bytes)
{
    const char *end = strchr(*p, '$');
    size_t n = end ? (size_t)(end - *p) : strlen(*p);
    char field[128];
    unsigned char bytes[96];
    if (n >= sizeof field)
        return false;
    memcpy(field, *p, n);
    field[n] = '\0';
    long got = b64_decode(field, false, bytes, sizeof bytes);
    *p += n;
    return got >= (long)min_bytes;
}

bool config_pin_hash_ok(const char *hash)
{
    /* $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, as libsodium writes it */
    const char *p = hash;
    if (strncmp(p, "$argon2id$", 10) != 0)
        return false;
    p += 10;
    if (!hash_param(&p, "v", 19, 19) || *p++ != '$')
        return false;
    if (!hash_param(&p, "m", 8, 4194304) || *p++ != ',')
        return false;
    if (!hash_param(&p, "t", 1, 4294967295ULL) || *p++ != ',')
        return false;
    if (!hash_param(&p, "p", 1, 16777215) || *p++ != '$')
        return false;
    if (!hash_b64(&p, 8) || *p++ != '$') /* salt */
        return false;
    return hash_b64(&p, 12) && *p == '\0';
}

/* Whether path is dir or below it (dir without a trailing '/'). */
static bool at_or_below(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *config_mount_dir_problem(const char *dir, const char *data_dir)
{
    if (dir[0] != '/')
        return "not an absolute path";
    if (strstr(dir, "//") || strstr(dir, "/./") || strstr(dir, "/../"))
        return "not a plain path (no '//', '.' or '..')";
    size_t n = strlen(dir);
    if ((n >= 2 && strcmp(dir + n - 2, "/.") == 0) || (n >= 3 && strcmp(dir + n - 3, "/..") == 0))
        return "not a plain path (no '//', '.' or '..')";
    char d[CONFIG_PATH_MAX];
    if (n >= sizeof d)
        return "too long";
    memcpy(d, dir, n + 1);
    while (n > 1 && d[n - 1] == '/')
        d[--n] = '\0';
    /* Sticks are mounted below the directory: a system directory would get a stick's files
     * in it, or have them hide what the system needs. */
    static const char *const never[] = {"/",      "/var", "/run", "/home", "/mnt",
                                        "/media", "/srv", "/opt", "/tmp"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (strcmp(d, never[i]) == 0)
            return "a system directory: give one of its own, such as /run/kiosk/usb";
    static const char *const below[] = {"/etc", "/usr",  "/boot", "/proc",  "/sys", "/dev",
                                        "/bin", "/sbin", "/lib",  "/lib64", "/root"};
    for (size_t i = 0; i < sizeof below / sizeof below[0]; i++)
        if (at_or_below(d, below[i]))
            return "a system directory: give one of its own, such as /run/kiosk/usb";
    if (data_dir && data_dir[0] == '/' && at_or_below(data_dir, d))
        return "the data directory or above it: a stick mounted below it would hide the "
               "database";
    return NULL;
}

int config_check_bytes(const char *json, size_t len, content_error_t *err)
{
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = json[i] ? utf8_decode(json + i, len - i, &cp) : 0;
        const char *why = !json[i] ? "a NUL byte" : !k ? "not UTF-8" : NULL;
        /* \u0000 in a string would cut it short without a word */
        if (!why && json[i] == '\\' && i + 5 < len && json[i + 1] == 'u' &&
            strncmp(json + i + 2, "0000", 4) == 0)
            why = "\\u0000 (a NUL character)";
        if (why) {
            content_error_set(err, "$", "%s: the configuration must be UTF-8 text", why);
            err->line = line;
            err->col = col;
            return KIOSK_EINVAL;
        }
        if (json[i] == '\\' && i + 1 < len) /* an escaped character: "\\u0000" is no NUL */
            k = 2, col++;
        if (json[i] == '\n')
            line++, col = 1;
        else
            col++;
        i += k;
    }
    return KIOSK_OK;
}
