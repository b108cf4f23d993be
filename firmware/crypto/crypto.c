/* libsodium, and nothing of our own: Ed25519 signatures (crypto_sign), X25519 key pairs
 * (crypto_box), base64 from sodium_bin2base64, key files written 0600. */
#include "crypto/crypto.h"

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

int crypto_org_load_signer(const char *dir, uint8_t sk[CRYPTO_SIGN_SK_BYTES], char *err,
                           size_t errlen)
{
    char path[4096], text[CRYPTO_KEY_TEXT + 2] = "";
    snprintf(path, sizeof path, "%s/org-sign.secret", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return KIOSK_ENOENT;
    }
    struct stat st;
    int rc = KIOSK_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        rc = KIOSK_EINVAL;
    } else if (st.st_mode & 077) {
        snprintf(err, errlen, "%s: readable by others (mode %03o): run chmod 600 on it", path,
                 (unsigned)(st.st_mode & 0777));
        rc = KIOSK_EACCES;
    } else {
        ssize_t n = read(fd, text, sizeof text - 1);
        text[n > 0 ? n : 0] = '\0';
        if (!crypto_key_from_text(text, sk, CRYPTO_SIGN_SK_BYTES)) {
            snprintf(err, errlen, "%s: not a signing key", path);
            rc = KIOSK_EINVAL;
        }
    }
    sodium_memzero(text, sizeof text);
    close(fd);
    return rc;
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
