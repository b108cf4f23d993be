/* Benchmark: what sealing personal data at rest adds to a save: the time to seal a service
 * request's description, name and phone (three crypto_box_seal, one per value) and the bytes
 * stored against the same values in clear. tools/bench runs it; the Pi's figure is the one
 * that matters (an X25519 key exchange per value).
 *
 * usage: bench_seal [--raw]   (--raw: also one line "raw US" per request, for tools/bench) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#include "core/kerr.h"
#include "crypto/seal.h"

#define N 2000

static bool is_code(const char *key, void *user_data)
{
    (void)user_data;
    return strcmp(key, "description") != 0;
}

int main(int argc, char **argv)
{
    bool raw = argc > 1 && strcmp(argv[1], "--raw") == 0;
    if (crypto_init() != KIOSK_OK)
        return 1;
    org_keys_t k;
    crypto_org_keygen(&k);
    const char *answers = "{\"service\":\"LEGAL_AID\",\"forWhom\":\"SELF\",\"urgency\":\"URGENT\","
                          "\"description\":\"My landlord wants me out by Friday; I need advice\","
                          "\"consent\":true}";
    const char *name = "Lanxiu Qiao", *phone = "13912345678";
    size_t sealed_bytes = 0;
    static double us[N];
    for (int i = 0; i < N; i++) {
        double t0 = now_us();
        char *a = NULL, *n = NULL, *p = NULL;
        if (seal_answers(k.box_pk, answers, is_code, NULL, &a) != KIOSK_OK ||
            seal_text(k.box_pk, name, &n) != KIOSK_OK || seal_text(k.box_pk, phone, &p) != KIOSK_OK)
            return 1;
        sealed_bytes = strlen(a) + strlen(n) + strlen(p);
        free(a);
        free(n);
        free(p);
        us[i] = now_us() - t0;
        if (raw)
            printf("raw %.1f\n", us[i]);
    }
    qsort(us, N, sizeof *us, compare_double);
    printf("bench_seal: sealing a service request (description, name, phone) takes median %.0f us, "
           "p95 %.0f us, max %.0f us (%d requests); %zu bytes stored instead of %zu in clear\n",
           us[N / 2], us[(N * 95 + 99) / 100 - 1], us[N - 1], N, sealed_bytes,
           strlen(answers) + strlen(name) + strlen(phone));
    return 0;
}
