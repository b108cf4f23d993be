/* Benchmark: export of N records (default 100,000) to a stick directory, and import of the
 * bundle into an office archive when the staff tool is given, against `sqlite3 -csv` dumping
 * the same rows on the same machine. Usage: bench_export DIR [N [KIOSK_STAFF]] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kerr.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "usb/export.h"
#include "app/export_source.h"

/* The export reads the store through the app's record source. */
static int export_store(store_t *st, const char *stick, const export_opts_t *o, export_result_t *r,
                        char *err, size_t errlen)
{
    export_source_t src = export_source_from_store(st);
    return export_to_stick(&src, stick, o, r, err, errlen);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    long n = argc > 2 ? atol(argv[2]) : 100000;
    char db[600], stick[600], cmd[8192];
    snprintf(db, sizeof db, "%s/bench-export.db", dir);
    snprintf(stick, sizeof stick, "%s/bench-stick", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s-wal' '%s-shm' '%s-head' '%s' && mkdir -p '%s'", db,
             db, db, db, stick, stick);
    if (system(cmd) != 0 || crypto_init() != KIOSK_OK)
        return 1;
    store_t *st;
    if (store_open(db, &st, NULL, 0) != KIOSK_OK)
        return 1;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        record_t rec = {0};
        rec.kind = i % 5 == 0 ? RECORD_SERVICE_REQUEST : RECORD_FEEDBACK;
        snprintf(rec.journey_id, sizeof rec.journey_id, "feedback");
        snprintf(rec.kiosk_id, sizeof rec.kiosk_id, "bench-kiosk");
        snprintf(rec.pack_id, sizeof rec.pack_id, "default");
        snprintf(rec.pack_version, sizeof rec.pack_version, "1");
        snprintf(rec.lang, sizeof rec.lang, "en");
        char json[160];
        snprintf(json, sizeof json,
                 "{\"topic\":\"FACILITIES\",\"rating\":%ld,\"comment\":\"record %ld of the "
                 "benchmark\"}",
                 i % 4 + 1, i);
        rec.answers_json = json;
        rec.time.utc_ms = 1795897905000 + i * 1000;
        rec.time.clock_synced = true;
        if (store_save(st, &rec) != KIOSK_OK) {
            fprintf(stderr, "save %ld: %s\n", i, store_errmsg(st));
            return 1;
        }
    }
    double t1 = now_s();
    printf("%ld records saved in %.1f s (one transaction each)\n", n, t1 - t0);
    org_keys_t org, kiosk;
    crypto_org_keygen(&org);
    crypto_org_keygen(&kiosk);
    char keys[700], kerr[512];
    snprintf(keys, sizeof keys, "%s/bench-keys", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", keys, keys);
    if (system(cmd) != 0 || crypto_org_save(&org, keys, kerr, sizeof kerr) != KIOSK_OK)
        return 1;
    export_opts_t o = {.kiosk_id = "bench-kiosk",
                       .org_box_pk = org.box_pk,
                       .kiosk_sign_sk = kiosk.sign_sk,
                       .kiosk_sign_pk = kiosk.sign_pk,
                       .now_utc_ms = 1796000000000};
    export_result_t r;
    char err[512];
    t0 = now_s();
    int rc = export_store(st, stick, &o, &r, err, sizeof err);
    t1 = now_s();
    store_close(st);
    if (rc != KIOSK_OK) {
        fprintf(stderr, "export: %s\n", err);
        return 1;
    }
    double export_s = t1 - t0;
    snprintf(cmd, sizeof cmd, "sqlite3 -csv '%s' 'SELECT * FROM records' > '%s/dump.csv'", db, dir);
    t0 = now_s();
    rc = system(cmd);
    t1 = now_s();
    double csv_s = t1 - t0;
    printf("export: %lld records, %llu bytes, encrypted and signed, synced and read back in "
           "%.2f s\n",
           (long long)r.records, (unsigned long long)r.bytes, export_s);
    if (rc == 0)
        printf("baseline sqlite3 -csv of the same rows: %.2f s; export/baseline ratio %.1fx\n",
               csv_s, export_s / csv_s);
    else
        printf("(install the sqlite3 command for the baseline)\n");
    if (argc > 3 && rc == 0) {
        char pk[CRYPTO_KEY_TEXT];
        crypto_key_to_text(kiosk.sign_pk, CRYPTO_SIGN_PK_BYTES, pk, sizeof pk);
        snprintf(cmd, sizeof cmd,
                 "rm -f '%s/bench-archive.db'* && %s trust --archive '%s/bench-archive.db' "
                 "--kiosk bench-kiosk --key '%s' >/dev/null",
                 dir, argv[3], dir, pk);
        if (system(cmd) != 0)
            return 1;
        snprintf(cmd, sizeof cmd,
                 "%s import --keys '%s' --archive '%s/bench-archive.db' '%s' >/dev/null", argv[3],
                 keys, dir, stick);
        t0 = now_s();
        rc = system(cmd);
        t1 = now_s();
        if (rc != 0)
            return 1;
        printf("import (verify, decrypt, merge by uuid, synced): %.2f s; import/baseline ratio "
               "%.1fx\n",
               t1 - t0, (t1 - t0) / csv_s);
    }
    return 0;
}
