/* libsodium, and nothing of our own: Ed25519 signatures (crypto_sign), X25519 key pairs
 * (crypto_box), base64 from sodium_bin2base64, key files written 0600. */
#include "crypto/crypto.h"
#include "crypto/sha256.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kerr.h"

#define B64 sodium_base64_VARIANT_ORIGINAL

int crypto_init(void)
{
    return sodium_init() < 0 ? KIOSK_EIO : KIOSK_OK;
}

_Static_assert(CRYPTO_PIN_HASH_BYTES == crypto_pwhash_STRBYTES, "PIN hash size");

/* Argon2id with 7 MiB and 5 passes (m=7168, t=5, p=1): one of OWASP's equivalent settings
 * (its Password Storage Cheat Sheet lists m=47104/t=1 down to m=7168/t=5 as the same defence),
 * chosen so that checking a PIN takes 7 MiB where libsodium's interactive limits took 64 MiB
 * (the kiosk's whole peak memory is held under 40 MB, issue 18). */
#define PIN_OPSLIMIT 5ULL
#define PIN_MEMLIMIT (7168ULL * 1024)

int crypto_pin_hash(const char *pin, char out[CRYPTO_PIN_HASH_BYTES])
{
    return crypto_pwhash_str_alg(out, pin, strlen(pin), PIN_OPSLIMIT, PIN_MEMLIMIT,
                                 crypto_pwhash_ALG_ARGON2ID13) == 0
               ? KIOSK_OK
               : KIOSK_ENOMEM;
}

bool crypto_pin_hash_outdated(const char *hash)
{
    return crypto_pin_hash_valid(hash) &&
           crypto_pwhash_str_needs_rehash(hash, PIN_OPSLIMIT, PIN_MEMLIMIT) == 1;
}

bool crypto_pin_verify(const char *hash, const char *pin)
{
    if (!crypto_pin_hash_valid(hash))
        return false;
    return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

bool crypto_pin_hash_valid(const char *text)
{
    size_t n = strnlen(text, CRYPTO_PIN_HASH_BYTES);
    return n > 0 && n < CRYPTO_PIN_HASH_BYTES && strncmp(text, "$argon2id$", 10) == 0;
}

void crypto_org_keygen(org_keys_t *k)
{
    crypto_sign_keypair(k->sign_pk, k->sign_sk);
    crypto_box_keypair(k->box_pk, k->box_sk);
}

void crypto_key_to_text(const uint8_t *key, size_t len, char *text, size_t textlen)
{
    sodium_bin2base64(text, textlen, key, len, B64);
}

bool crypto_key_from_text(const char *text, uint8_t *key, size_t len)
{
    size_t got = 0;
    const char *end = NULL;
    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
        text++;
    if (sodium_base642bin(key, len, text, strlen(text), " \t\r\n", &got, &end, B64) != 0)
        return false;
    return got == len && (!end || strspn(end, " \t\r\n") == strlen(end));
}

/* Writes one line of base64 to dir/name, exclusively (never over an existing key). */
static int write_key(const char *dir, const char *name, const uint8_t *key, size_t len, mode_t mode,
                     char *err, size_t errlen)
{
    char path[4096], text[CRYPTO_KEY_TEXT];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    crypto_key_to_text(key, len, text, sizeof text);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path,
                 errno == EEXIST ? "already exists; keys are never overwritten" : strerror(errno));
        return errno == EEXIST ? KIOSK_EBUSY : KIOSK_EACCES;
    }
    size_t n = strlen(text);
    text[n++] = '\n';
    bool ok = fchmod(fd, mode) == 0 && write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    sodium_memzero(text, sizeof text);
    if (close(fd) != 0 || !ok) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return KIOSK_EIO;
    }
    return KIOSK_OK;
}

int crypto_org_save(const org_keys_t *k, const char *dir, char *err, size_t errlen)
{
    int rc;
    if ((rc =
             write_key(dir, "org-sign.secret", k->sign_sk, sizeof k->sign_sk, 0600, err, errlen)) ||
        (rc = write_key(dir, "org-box.secret", k->box_sk, sizeof k->box_sk, 0600, err, errlen)) ||
        (rc =
             write_key(dir, "org-sign.public", k->sign_pk, sizeof k->sign_pk, 0644, err, errlen)) ||
        (rc = write_key(dir, "org-box.public", k->box_pk, sizeof k->box_pk, 0644, err, errlen)))
        return rc;
    return KIOSK_OK;
}

static int read_key_file(const char *path, bool secret, uint8_t *key, size_t len, char *err,
                         size_t errlen);

int crypto_org_load_signer(const char *dir, uint8_t sk[CRYPTO_SIGN_SK_BYTES], char *err,
                           size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/org-sign.secret", dir);
    return read_key_file(path, true, sk, CRYPTO_SIGN_SK_BYTES, err, errlen);
}

int crypto_token_sign(const char *payload, size_t len, const uint8_t sk[CRYPTO_SIGN_SK_BYTES],
                      char **out)
{
    *out = NULL;
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)payload, len, sk);
    size_t plen = sodium_base64_encoded_len(len, B64);
    char *p64 = malloc(plen), s64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64)];
    if (!p64)
        return KIOSK_ENOMEM;
    sodium_bin2base64(p64, plen, (const unsigned char *)payload, len, B64);
    sodium_bin2base64(s64, sizeof s64, sig, sizeof sig, B64);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "format", 1);
    cJSON_AddStringToObject(o, "payload", p64);
    cJSON_AddStringToObject(o, "signature", s64);
    *out = cJSON_Print(o);
    cJSON_Delete(o);
    free(p64);
    return *out ? KIOSK_OK : KIOSK_ENOMEM;
}

int crypto_token_open(const char *text, size_t textlen, const uint8_t pk[CRYPTO_SIGN_PK_BYTES],
                      char **payload, size_t *len, char *err, size_t errlen)
{
    *payload = NULL;
    *len = 0;
    cJSON *o = cJSON_ParseWithLength(text, textlen);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(o, "format");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "payload");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "signature");
    int rc = KIOSK_EINVAL;
    uint8_t sig[crypto_sign_BYTES];
    size_t siglen = 0;
    unsigned char *bin = NULL;
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "not a token: not a JSON object");
        goto out;
    }
    if (!cJSON_IsNumber(fmt) || fmt->valueint != 1) {
        snprintf(err, errlen, "token format is not 1");
        goto out;
    }
    if (!cJSON_IsString(p) || !cJSON_IsString(s)) {
        snprintf(err, errlen, "token has no payload or signature");
        goto out;
    }
    if (sodium_base642bin(sig, sizeof sig, s->valuestring, strlen(s->valuestring), NULL, &siglen,
                          NULL, B64) != 0 ||
        siglen != sizeof sig) {
        snprintf(err, errlen, "token signature is not %zu bytes of base64", sizeof sig);
        goto out;
    }
    size_t cap = strlen(p->valuestring) / 4 * 3 + 3;
    bin = malloc(cap + 1);
    if (!bin) {
        rc = KIOSK_ENOMEM;
        goto out;
    }
    size_t n = 0;
    if (sodium_base642bin(bin, cap, p->valuestring, strlen(p->valuestring), NULL, &n, NULL, B64) !=
        0) {
        snprintf(err, errlen, "token payload is not base64");
        goto out;
    }
    if (crypto_sign_verify_detached(sig, bin, n, pk) != 0) {
        snprintf(err, errlen,
                 "token signature does not match the organisation's key "
                 "(forged, altered, or another organisation's)");
        rc = KIOSK_EACCES;
        goto out;
    }
    bin[n] = '\0';
    *payload = (char *)bin;
    *len = n;
    bin = NULL;
    rc = KIOSK_OK;
out:
    free(bin);
    cJSON_Delete(o);
    return rc;
}

/* ---- the kiosk's own key ---- */

/* Reads one base64 key of len bytes from path; a file readable by others is refused when
 * secret. */
static int read_key_file(const char *path, bool secret, uint8_t *key, size_t len, char *err,
                         size_t errlen)
{
    char text[CRYPTO_KEY_TEXT + 2] = "";
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? KIOSK_ENOENT : KIOSK_EACCES;
    }
    struct stat st;
    int rc = KIOSK_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        rc = KIOSK_EINVAL;
    } else if (secret && (st.st_mode & 077)) {
        snprintf(err, errlen, "%s: readable by others (mode %03o): run chmod 600 on it", path,
                 (unsigned)(st.st_mode & 0777));
        rc = KIOSK_EACCES;
    } else {
        ssize_t n = read(fd, text, sizeof text - 1);
        text[n > 0 ? n : 0] = '\0';
        if (!crypto_key_from_text(text, key, len)) {
            snprintf(err, errlen, "%s: not a key of %zu bytes in base64", path, len);
            rc = KIOSK_EINVAL;
        }
    }
    sodium_memzero(text, sizeof text);
    close(fd);
    return rc;
}

int crypto_org_load_box(const char *dir, uint8_t pk[CRYPTO_BOX_PK_BYTES],
                        uint8_t sk[CRYPTO_BOX_SK_BYTES], char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/org-box.secret", dir);
    int rc = read_key_file(path, true, sk, CRYPTO_BOX_SK_BYTES, err, errlen);
    if (rc != KIOSK_OK)
        return rc;
    crypto_scalarmult_base(pk, sk); /* the public half of an X25519 key */
    return KIOSK_OK;
}

int crypto_kiosk_key(const char *dir, uint8_t sk[CRYPTO_SIGN_SK_BYTES],
                     uint8_t pk[CRYPTO_SIGN_PK_BYTES], bool *created, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/kiosk-sign.secret", dir);
    *created = false;
    int rc = read_key_file(path, true, sk, CRYPTO_SIGN_SK_BYTES, err, errlen);
    if (rc == KIOSK_OK) {
        crypto_sign_ed25519_sk_to_pk(pk, sk);
        return KIOSK_OK;
    }
    if (rc != KIOSK_ENOENT)
        return rc;
    crypto_sign_keypair(pk, sk);
    if ((rc = write_key(dir, "kiosk-sign.secret", sk, CRYPTO_SIGN_SK_BYTES, 0600, err, errlen)) ||
        (rc = write_key(dir, "kiosk-sign.public", pk, CRYPTO_SIGN_PK_BYTES, 0644, err, errlen)))
        return rc;
    *created = true;
    return KIOSK_OK;
}

/* ---- bundles ---- */

#define BUNDLE_MAGIC "KIOSKB1"
#define BUNDLE_CHUNK 65536

struct bundle_sealer {
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_hash_sha256_state hash;
    bundle_write_fn write_fn;
    void *ud;
    unsigned char plain[BUNDLE_CHUNK];
    size_t used;
    unsigned char cipher[BUNDLE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES + 4];
    uint64_t bytes;
    int failed;
};

static int emit(bundle_sealer_t *s, const void *b, size_t n)
{
    if (s->failed)
        return s->failed;
    crypto_hash_sha256_update(&s->hash, b, n);
    s->bytes += n;
    int rc = s->write_fn(s->ud, b, n);
    if (rc != KIOSK_OK)
        s->failed = rc;
    return rc;
}

static int flush_chunk(bundle_sealer_t *s, unsigned char tag)
{
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(&s->st, s->cipher + 4, &clen, s->plain, s->used,
                                               NULL, 0, tag);
    uint32_t n = (uint32_t)clen;
    s->cipher[0] = (unsigned char)(n & 0xff);
    s->cipher[1] = (unsigned char)((n >> 8) & 0xff);
    s->cipher[2] = (unsigned char)((n >> 16) & 0xff);
    s->cipher[3] = (unsigned char)(n >> 24);
    s->used = 0;
    return emit(s, s->cipher, (size_t)clen + 4);
}

int bundle_seal_begin(const uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES], bundle_write_fn write_fn,
                      void *user_data, bundle_sealer_t **out)
{
    *out = NULL;
    bundle_sealer_t *s = sodium_malloc(sizeof *s);
    if (!s)
        return KIOSK_ENOMEM;
    memset(s, 0, sizeof *s);
    s->write_fn = write_fn;
    s->ud = user_data;
    crypto_hash_sha256_init(&s->hash);
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char sealed[crypto_box_SEALBYTES + sizeof key];
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_keygen(key);
    int rc = KIOSK_EIO;
    if (crypto_box_seal(sealed, key, sizeof key, org_box_pk) != 0 ||
        crypto_secretstream_xchacha20poly1305_init_push(&s->st, header, key) != 0)
        goto fail;
    sodium_memzero(key, sizeof key);
    if ((rc = emit(s, BUNDLE_MAGIC, 8)) || (rc = emit(s, sealed, sizeof sealed)) ||
        (rc = emit(s, header, sizeof header)))
        goto fail;
    *out = s;
    return KIOSK_OK;
fail:
    sodium_memzero(key, sizeof key);
    sodium_free(s);
    return rc;
}

int bundle_seal_push(bundle_sealer_t *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        if (s->failed)
            return s->failed;
        size_t n = BUNDLE_CHUNK - s->used < len ? BUNDLE_CHUNK - s->used : len;
        memcpy(s->plain + s->used, p, n);
        s->used += n;
        p += n;
        len -= n;
        if (s->used == BUNDLE_CHUNK) {
            int rc = flush_chunk(s, 0);
            if (rc)
                return rc;
        }
    }
    return s->failed;
}

int bundle_seal_end(bundle_sealer_t *s, uint8_t sha256[32], uint64_t *bytes)
{
    int rc = flush_chunk(s, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    crypto_hash_sha256_final(&s->hash, sha256);
    *bytes = s->bytes;
    sodium_free(s); /* zeroes the stream state */
    return rc;
}

void bundle_seal_abort(bundle_sealer_t *s)
{
    if (s)
        sodium_free(s);
}

static bool read_full(int fd, void *buf, size_t n, sha256_t *h)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    sha256_update(h, buf, n);
    return true;
}

int bundle_open(int fd, const uint8_t org_box_pk[CRYPTO_BOX_PK_BYTES],
                const uint8_t org_box_sk[CRYPTO_BOX_SK_BYTES],
                int (*line_fn)(const char *line, size_t len, void *user_data), void *user_data,
                uint8_t sha256[32], char *err, size_t errlen)
{
    sha256_t h; /* a bundle of 1M records is 350 MB: SHA instructions where there are some */
    sha256_init(&h);
    char magic[8];
    unsigned char sealed[crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_state st;
    int rc = KIOSK_ECORRUPT;
    unsigned char *cipher = malloc(BUNDLE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned char *plain = malloc(BUNDLE_CHUNK);
    /* Lines may span chunks: carried over in line. */
    char *line = malloc(BUNDLE_CHUNK * 2);
    size_t lused = 0;
    if (!cipher || !plain || !line) {
        rc = KIOSK_ENOMEM;
        goto out;
    }
    if (lseek(fd, 0, SEEK_SET) != 0 || !read_full(fd, magic, 8, &h) ||
        memcmp(magic, BUNDLE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "not a kiosk bundle");
        goto out;
    }
    if (!read_full(fd, sealed, sizeof sealed, &h) || !read_full(fd, header, sizeof header, &h) ||
        crypto_box_seal_open(key, sealed, sizeof sealed, org_box_pk, org_box_sk) != 0 ||
        crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key) != 0) {
        snprintf(err, errlen, "not sealed to this organisation's key, or damaged");
        goto out;
    }
    for (;;) {
        unsigned char len4[4];
        if (!read_full(fd, len4, 4, &h)) {
            snprintf(err, errlen, "cut off: no final chunk");
            goto out;
        }
        uint32_t n = (uint32_t)len4[0] | (uint32_t)len4[1] << 8 | (uint32_t)len4[2] << 16 |
                     (uint32_t)len4[3] << 24;
        if (n < crypto_secretstream_xchacha20poly1305_ABYTES ||
            n > BUNDLE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES ||
            !read_full(fd, cipher, n, &h)) {
            snprintf(err, errlen, "damaged chunk");
            goto out;
        }
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&st, plain, &plen, &tag, cipher, n, NULL,
                                                       0) != 0) {
            snprintf(err, errlen, "a chunk failed authentication: altered or damaged");
            goto out;
        }
        for (size_t i = 0; i < plen; i++) {
            if (plain[i] == '\n') {
                line[lused] = '\0';
                int stop = line_fn(line, lused, user_data);
                lused = 0;
                if (stop) {
                    rc = stop;
                    goto out;
                }
            } else if (lused < BUNDLE_CHUNK * 2 - 1) {
                line[lused++] = (char)plain[i];
            } else {
                snprintf(err, errlen, "a record longer than %d bytes", BUNDLE_CHUNK * 2);
                goto out;
            }
        }
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
            break;
    }
    char extra;
    if (read(fd, &extra, 1) != 0) {
        snprintf(err, errlen, "data after the final chunk");
        goto out;
    }
    sha256_final(&h, sha256);
    rc = KIOSK_OK;
out:
    sodium_memzero(key, sizeof key);
    if (plain)
        sodium_memzero(plain, BUNDLE_CHUNK);
    if (line)
        sodium_memzero(line, BUNDLE_CHUNK * 2);
    free(cipher);
    free(plain);
    free(line);
    return rc;
}

int crypto_sha256_fd(int fd, uint8_t sha256[32])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[65536];
    if (lseek(fd, 0, SEEK_SET) != 0)
        return KIOSK_EIO;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return KIOSK_EIO;
        if (r == 0)
            break;
        crypto_hash_sha256_update(&h, buf, (size_t)r);
    }
    crypto_hash_sha256_final(&h, sha256);
    return KIOSK_OK;
}

struct crypto_check {
    crypto_generichash_state h;
};

crypto_check_t *crypto_check_new(void)
{
    crypto_check_t *c = sodium_malloc(sizeof *c); /* aligned as the state needs */
    if (c)
        crypto_generichash_init(&c->h, NULL, 0, 32);
    return c;
}

void crypto_check_update(crypto_check_t *c, const void *bytes, size_t len)
{
    crypto_generichash_update(&c->h, bytes, len);
}

void crypto_check_final(crypto_check_t *c, uint8_t digest[32])
{
    crypto_generichash_final(&c->h, digest, 32);
    sodium_free(c);
}

void crypto_check_free(crypto_check_t *c)
{
    if (c)
        sodium_free(c);
}

int crypto_check_fd(int fd, uint8_t digest[32])
{
    crypto_check_t *c = crypto_check_new();
    if (!c)
        return KIOSK_ENOMEM;
    unsigned char buf[65536];
    if (lseek(fd, 0, SEEK_SET) != 0) {
        crypto_check_free(c);
        return KIOSK_EIO;
    }
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            crypto_check_free(c);
            return KIOSK_EIO;
        }
        if (r == 0)
            break;
        crypto_check_update(c, buf, (size_t)r);
    }
    crypto_check_final(c, digest);
    return KIOSK_OK;
}

void crypto_hex32(const uint8_t b[32], char out[65])
{
    sodium_bin2hex(out, 65, b, 32);
}

int crypto_envelope_peek(const char *text, size_t textlen, char **payload, size_t *len)
{
    *payload = NULL;
    *len = 0;
    cJSON *o = cJSON_ParseWithLength(text, textlen);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "payload");
    int rc = KIOSK_EINVAL;
    if (cJSON_IsString(p)) {
        size_t cap = strlen(p->valuestring) / 4 * 3 + 3;
        unsigned char *bin = malloc(cap + 1);
        size_t n = 0;
        if (bin && sodium_base642bin(bin, cap, p->valuestring, strlen(p->valuestring), NULL, &n,
                                     NULL, B64) == 0) {
            bin[n] = '\0';
            *payload = (char *)bin;
            *len = n;
            rc = KIOSK_OK;
        } else {
            free(bin);
        }
    }
    cJSON_Delete(o);
    return rc;
}

void crypto_sha256_hex(const void *bytes, size_t len, char out[65])
{
    uint8_t h[32];
    crypto_hash_sha256(h, bytes, len);
    sodium_bin2hex(out, 65, h, 32);
}

const char *crypto_library_version(void)
{
    return sodium_version_string();
}
