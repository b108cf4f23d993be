/* libFuzzer target for every parser that reads what the outside world wrote: staff tokens
 * (envelope and payload), export bundles and their record lines, the device configuration
 * and content packs. The first byte picks the parser. Built with clang by run-fuzz. */
#define _GNU_SOURCE
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

static int line(const char *l, size_t n, void *ud)
{
    (void)ud;
    record_t rec;
    content_error_t e;
    if (record_from_json(l, n, &rec, &e) == KIOSK_OK)
        record_clear(&rec);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        crypto_init();
        memset(&keys, 7, sizeof keys);
        crypto_org_keygen(&keys);
        ready = 1;
    }
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    content_error_t e;
    switch (data[0] % 6) {
    case 0: {
        token_t t;
        if (token_parse(text, len, "fuzz", &t, &e) == KIOSK_OK)
            (void)token_denies(&t, "k", TOKEN_EXPORT, 0);
        break;
    }
    case 1: {
        char *payload = NULL;
        size_t plen = 0;
        char err[256];
        if (crypto_token_open(text, len, keys.sign_pk, &payload, &plen, err, sizeof err) ==
            KIOSK_OK)
            free(payload);
        break;
    }
    case 2: {
        record_t rec;
        if (record_from_json(text, len, &rec, &e) == KIOSK_OK)
            record_clear(&rec);
        break;
    }
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
    case 5: {
        int fd = memfd_create("bundle", 0);
        if (fd < 0)
            break;
        if (write(fd, text, len) == (ssize_t)len) {
            uint8_t sha[32];
            char err[256];
            (void)bundle_open(fd, keys.box_pk, keys.box_sk, line, NULL, sha, err, sizeof err);
        }
        close(fd);
        break;
    }
    }
    return 0;
}
