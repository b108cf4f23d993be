/* SHA-256 (FIPS 180-4) with x86-64's SHA extensions, after Intel's published use of them
 * (sha256rnds2 does two rounds on the state held as ABEF/CDGH; sha256msg1/msg2 extend the
 * message schedule), else libsodium's. test_archive_import holds it to libsodium. */
#include "crypto/sha256.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_NI 1
#else
#define SHA256_NI 0
#endif

#if SHA256_NI
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* Hashes n 64-byte blocks into state. */
__attribute__((target("sha,ssse3,sse4.1"))) static void blocks_ni(uint32_t state[8],
                                                                  const uint8_t *p, size_t n)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xb1); /* CDAB */
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1b);  /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8);                                           /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xf0);                                                /* CDGH */
    for (; n; n--, p += 64) {
        const __m128i abef = s0, cdgh = s1;
        __m128i w[4];
        for (int i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), swap);
        /* Sixteen groups of four rounds; w[g % 4] holds words 4g..4g+3 of the schedule. */
        for (int g = 0; g < 16; g++) {
            __m128i m = _mm_add_epi32(w[g % 4], _mm_loadu_si128((const __m128i *)&K[4 * g]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, m);
            if (g >= 3 && g < 15) {
                const __m128i t = _mm_alignr_epi8(w[g % 4], w[(g + 3) % 4], 4);
                w[(g + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(w[(g + 1) % 4], t), w[g % 4]);
            }
            m = _mm_shuffle_epi32(m, 0x0e);
            s0 = _mm_sha256rnds2_epu32(s0, s1, m);
            if (g >= 1 && g < 13)
                w[(g + 3) % 4] = _mm_sha256msg1_epu32(w[(g + 3) % 4], w[g % 4]);
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    tmp = _mm_shuffle_epi32(s0, 0x1b);   /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xb1);    /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xf0); /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);    /* ABEF */
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}

static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

bool sha256_accelerated(void)
{
#if SHA256_NI
    static int has = -1;
    if (has < 0)
        has = cpu_has_sha();
    return has;
#else
    return false;
#endif
}

void sha256_init(sha256_t *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memset(s, 0, sizeof *s);
    s->ni = sha256_accelerated();
    if (s->ni)
        memcpy(s->h, h0, sizeof h0);
    else
        crypto_hash_sha256_init(&s->sodium);
}

void sha256_update(sha256_t *s, const void *data, size_t n)
{
#if SHA256_NI
    if (s->ni) {
        const uint8_t *p = data;
        s->bytes += n;
        if (s->used) {
            const size_t take = n < 64 - s->used ? n : 64 - s->used;
            memcpy(s->buf + s->used, p, take);
            s->used += take;
            p += take;
            n -= take;
            if (s->used < 64)
                return;
            blocks_ni(s->h, s->buf, 1);
            s->used = 0;
        }
        blocks_ni(s->h, p, n / 64);
        memcpy(s->buf, p + n / 64 * 64, n % 64);
        s->used = n % 64;
        return;
    }
#endif
    crypto_hash_sha256_update(&s->sodium, data, n);
}

void sha256_final(sha256_t *s, uint8_t out[32])
{
#if SHA256_NI
    if (s->ni) {
        const uint64_t bits = s->bytes * 8;
        uint8_t pad[72] = {0x80};
        const size_t npad = (s->used < 56 ? 56 : 120) - s->used;
        for (int i = 0; i < 8; i++)
            pad[npad + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
        sha256_update(s, pad, npad + 8);
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 4; k++)
                out[4 * i + k] = (uint8_t)(s->h[i] >> (24 - 8 * k));
        sodium_memzero(s, sizeof *s);
        return;
    }
#endif
    crypto_hash_sha256_final(&s->sodium, out);
    sodium_memzero(s, sizeof *s);
}
