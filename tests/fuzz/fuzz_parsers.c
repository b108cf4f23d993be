/* libFuzzer target for every parser that reads what the outside world wrote: staff tokens
 * (envelope and payload), export bundles and their record lines, the device configuration
 * and content packs. The first byte picks the parser. Built with clang by run-fuzz.
 *
 * The organisation's keys are fixed test keys (from a fixed seed), and libsodium's random
 * bytes are a fixed stream restarted for every input, so an input always does the same.
 * Signed and sealed inputs are fuzzed two ways: as the bytes on the stick (cases 1, 5: only
 * inputs that happen to carry a valid signature or seal pass the checks), and as plaintext
 * that the harness signs or seals with the test keys before parsing (cases 6, 7), so that
 * the code past the signature and decryption checks is reached; case 8 seals plaintext and
 * then changes a few of the sealed bytes where the input says. */
#define _GNU_SOURCE
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"
#include "core/content.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "core/token.h"
#include "crypto/crypto.h"

static org_keys_t keys;
static int ready;

/* ---- a repeatable randombytes implementation (the stream restarts for each input) ---- */

static uint64_t stream;

static void fixed_buf(void *const buf, const size_t size)
{
    static const unsigned char key[crypto_stream_chacha20_KEYBYTES] = {42};
    unsigned char nonce[crypto_stream_chacha20_NONCEBYTES];
    memcpy(nonce, &stream, sizeof nonce);
    stream++;
    crypto_stream_chacha20(buf, size, nonce, key);
}

static uint32_t fixed_random(void)
{
    uint32_t r;
    fixed_buf(&r, sizeof r);
    return r;
}

static const char *fixed_name(void)
{
    return "fuzz-fixed";
}

static randombytes_implementation fixed_rng = {
    .implementation_name = fixed_name,
    .random = fixed_random,
    .buf = fixed_buf,
};

static void setup(void)
{
    randombytes_set_implementation(&fixed_rng);
    crypto_init();
    unsigned char seed[32];
    memset(seed, 7, sizeof seed);
    crypto_sign_seed_keypair(keys.sign_pk, keys.sign_sk, seed);
    memset(seed, 9, sizeof seed);
    crypto_box_seed_keypair(keys.box_pk, keys.box_sk, seed);
    ready = 1;
}

/* ---- the parsers ---- */

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* A record line: the fast reader (record_from_bundle_line()) must give what the tree reader
 * gives, field for field; a difference is a finding (abort). */
static void parse_record(const char *l, size_t n)
{
    record_t fast, tree;
    content_error_t e;
    const bool took = record_from_bundle_line(l, n, &fast);
    const int rc = record_from_json_tree(l, n, &tree, &e);
    if (took &&
        (rc != KIOSK_OK || fast.kind != tree.kind || fast.misuse != tree.misuse ||
         fast.consent != tree.consent || memcmp(&fast.time, &tree.time, sizeof fast.time) != 0 ||
         strcmp(fast.uuid, tree.uuid) || strcmp(fast.journey_id, tree.journey_id) ||
         strcmp(fast.kiosk_id, tree.kiosk_id) || strcmp(fast.pack_id, tree.pack_id) ||
         strcmp(fast.pack_version, tree.pack_version) || strcmp(fast.lang, tree.lang) ||
         strcmp(fast.ref_code, tree.ref_code) || !same_text(fast.answers_json, tree.answers_json) ||
         !same_text(fast.contact_name, tree.contact_name) ||
         !same_text(fast.contact_phone, tree.contact_phone)))
        abort();
    if (took)
        record_clear(&fast);
    if (rc == KIOSK_OK)
        record_clear(&tree);
}

static int line(const char *l, size_t n, void *ud)
{
    (void)ud;
    parse_record(l, n);
    return 0;
}

static void parse_token(const char *text, size_t len)
{
    token_t t;
    content_error_t e;
    if (token_parse(text, len, "fuzz", &t, &e) == KIOSK_OK)
        (void)token_denies(&t, "k", TOKEN_EXPORT, 0);
}

/* The envelope as found on a stick; what passes its signature is parsed as a token. */
static void open_envelope(const char *text, size_t len)
{
    char *payload = NULL;
    size_t plen = 0;
    char err[256];
    if (crypto_token_open(text, len, keys.sign_pk, &payload, &plen, err, sizeof err) == KIOSK_OK) {
        parse_token(payload, plen);
        free(payload);
    }
}

static void open_bundle(const void *bytes, size_t len)
{
    int fd = memfd_create("bundle", 0);
    if (fd < 0)
        return;
    if (write(fd, bytes, len) == (ssize_t)len) {
        uint8_t sha[32];
        char err[256];
        (void)bundle_open(fd, keys.box_pk, keys.box_sk, line, NULL, sha, err, sizeof err);
    }
    close(fd);
}

typedef struct {
    unsigned char *bytes;
    size_t len, cap;
} buf_t;

static int to_buf(void *user_data, const void *bytes, size_t len)
{
    buf_t *b = user_data;
    if (b->len + len > b->cap) {
        size_t cap = (b->len + len) * 2;
        unsigned char *p = realloc(b->bytes, cap);
        if (!p)
            return KIOSK_ENOMEM;
        b->bytes = p;
        b->cap = cap;
    }
    memcpy(b->bytes + b->len, bytes, len);
    b->len += len;
    return 0;
}

/* Seals plaintext into a bundle with the test keys; false on failure. */
static bool seal(const char *text, size_t len, buf_t *b)
{
    bundle_sealer_t *s = NULL;
    uint8_t sha[32];
    uint64_t n;
    if (bundle_seal_begin(keys.box_pk, to_buf, b, &s) != KIOSK_OK)
        return false;
    if (bundle_seal_push(s, text, len) != KIOSK_OK) {
        bundle_seal_abort(s);
        return false;
    }
    return bundle_seal_end(s, sha, &n) == KIOSK_OK;
}

/* Signed (token) or sealed (bundle) with the test keys, then up to 7 edits of the result:
 * data[0] = edits (low 3 bits) and which (bit 3); then 3 bytes per edit (position, xor). */
static void seal_and_edit(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    size_t edits = data[0] & 7u, head = 1 + 3 * edits;
    if (size < head)
        return;
    const char *text = (const char *)data + head;
    size_t len = size - head;
    buf_t b = {0};
    if (data[0] & 8u) {
        char *env = NULL;
        if (crypto_token_sign(text, len, keys.sign_sk, &env) != KIOSK_OK)
            return;
        b.bytes = (unsigned char *)env;
        b.len = strlen(env);
    } else if (!seal(text, len, &b)) {
        free(b.bytes);
        return;
    }
    for (size_t i = 0; i < edits && b.len; i++) {
        const uint8_t *e = data + 1 + 3 * i;
        b.bytes[((size_t)e[0] << 8 | e[1]) % b.len] ^= e[2] ? e[2] : 1;
    }
    if (data[0] & 8u)
        open_envelope((const char *)b.bytes, b.len);
    else
        open_bundle(b.bytes, b.len);
    free(b.bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    stream = 0;
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    content_error_t e;
    switch (data[0] % 9) {
    case 0:
        parse_token(text, len);
        break;
    case 1:
        open_envelope(text, len);
        break;
    case 2:
        parse_record(text, len);
        break;
    case 3: {
        device_config_t cfg;
        (void)device_config_parse(text, len, "fuzz", &cfg, &e);
        break;
    }
    case 4: {
        content_t *c = NULL;
        if (content_load(text, len, "fuzz", &c, &e) == KIOSK_OK)
            content_free(c);
        break;
    }
    case 5:
        open_bundle(text, len);
        break;
    case 6: { /* a token's payload, signed with the test key: past the signature check */
        char *env = NULL;
        if (crypto_token_sign(text, len, keys.sign_sk, &env) == KIOSK_OK)
            open_envelope(env, strlen(env));
        free(env);
        break;
    }
    case 7: { /* record lines, sealed to the test key: past the decryption */
        buf_t b = {0};
        if (seal(text, len, &b))
            open_bundle(b.bytes, b.len);
        free(b.bytes);
        break;
    }
    case 8:
        seal_and_edit((const uint8_t *)text, len);
        break;
    }
    return 0;
}
