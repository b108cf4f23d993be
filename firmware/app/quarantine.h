/* The quarantined copies of a damaged database ("<db>.corrupt-<UTC time>", with its -wal and
 * -shm) once their salvage has finished: sealed to the organisation's encryption key, so that
 * only the office can read them, and the plaintext removed; or, with no key configured,
 * deleted when the retention period of contact details has passed since the move. */
#ifndef KIOSK_QUARANTINE_H
#define KIOSK_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/log_fn.h"

/* The sealed form: "<copy>.sealed", a bundle (crypto.h) whose plaintext is
 * "kiosk-quarantine-copy 1", then for the database and for its -wal (when there is one) a
 * line "file db|-wal SIZE" and its bytes as lines of hex, then "end". */
#define QUARANTINE_SEALED_SUFFIX ".sealed"
#define QUARANTINE_FORMAT_LINE "kiosk-quarantine-copy 1"

typedef struct {
    int sealed;  /* copies sealed (and their plaintext removed) */
    int deleted; /* copies deleted under the retention rule */
    int failed;  /* copies left as they were (the log says why) */
} quarantine_report_t;

/* Tidies the quarantined copies of db_path. Does nothing while "<db_path>-quarantine" (an
 * unfinished quarantine) exists. org_box_pk (32 bytes, or NULL when none is configured):
 * each plaintext copy is sealed to it into "<copy>.sealed" (temporary name, fsync, rename,
 * directory fsync), then its files are removed and the directory synced. Without a key, a copy
 * whose move stamp is max_days or more before now_utc_ms is deleted (a stamp that cannot be
 * read counts as the time of the call: never early). log (may be NULL) gets one line per copy, with
 * log_ud. Returns KIOSK_OK, or the first failure (the others are still tried). */
int quarantine_tidy(const char *db_path, const uint8_t *org_box_pk, int64_t now_utc_ms,
                    int max_days, log_fn log, void *log_ud, quarantine_report_t *rep);

#endif
