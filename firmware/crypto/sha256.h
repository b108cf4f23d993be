/* SHA-256 through the CPU's SHA instructions when it has them (x86-64 SHA-NI: about ten times
 * libsodium's portable code, which hashed a 1M-record bundle at 160 MB/s), else libsodium's.
 * Internal to the crypto library. */
#ifndef KIOSK_SHA256_H
#define KIOSK_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

typedef struct {
    crypto_hash_sha256_state sodium; /* without SHA instructions */
    uint32_t h[8];                   /* with them: the state, */
    uint64_t bytes;                  /* bytes hashed, */
    uint8_t buf[64];                 /* and a partial block */
    size_t used;
    bool ni;
} sha256_t;

void sha256_init(sha256_t *s);
void sha256_update(sha256_t *s, const void *data, size_t n);
/* Writes the digest; s is wiped. */
void sha256_final(sha256_t *s, uint8_t out[32]);

/* Whether this CPU's SHA instructions are used. */
bool sha256_accelerated(void);

#endif
