/* Export to a staff stick: every record not yet exported (or all), encrypted to the
 * organisation, signed by the kiosk, written crash-safely and read back before anything is
 * marked exported. A stick pulled out, full or read-only at any moment leaves the records
 * unmarked, so the next stick takes them again: no record is lost or marked without a
 * verified copy. */
#ifndef KIOSK_EXPORT_H
#define KIOSK_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

#define EXPORT_DIR_NAME "kiosk-export"
/* The least time between two progress reports (four a second). */
#define EXPORT_PROGRESS_MS 250

/* The file operations an export does, as a seam for fault injection in tests (a stick pulled
 * out at the n-th operation). NULL members (or a NULL struct) use the system calls. Each
 * returns 0 or -errno. */
typedef struct {
    int (*write)(void *ctx, int fd, const void *buf, size_t len);
    int (*fsync)(void *ctx, int fd);
    int (*renameat)(void *ctx, int dirfd, const char *from, const char *to);
    void *ctx;
} export_io_t;

/* The ends of the store's hash chain that an export covers, and the chain's head (the last
 * record saved), as lower-case hex; seq 0 and "" when unknown. */
typedef struct {
    int64_t first_seq;
    char first_prev[65]; /* the hash the first record links to */
    int64_t last_seq;
    char last_hash[65];
    int64_t head_seq;
    char head_hash[65];
} export_chain_t;

/* Where the records come from: the app builds it from its store (the USB edge never sees the
 * store). Each returns KIOSK_OK or a KIOSK_E* code; ctx is passed back first. */
typedef struct {
    /* Snapshot for an export: the highest record id now (records saved later wait for the next
     * stick), how many records the export holds (not yet exported ones, or all), and the
     * sequence number the bundle gets. */
    int (*begin)(void *ctx, bool all, int64_t *max_id, int64_t *count, int64_t *seq);
    /* Calls fn for each record of the export (ids up to max_id; not yet exported ones unless
     * all), in id order; a non-zero return from fn stops and is returned. rec is valid during
     * the call only. */
    int (*foreach)(void *ctx, bool all, int64_t max_id, int (*fn)(const record_t *rec, void *ud),
                   void *ud);
    /* Marks the records up to max_id exported by bundle seq, in one transaction; *marked (may
     * be NULL) gets how many. Called only after a verified copy is on the stick. */
    int (*mark_exported)(void *ctx, int64_t max_id, int64_t seq, int64_t now_utc_ms,
                         int64_t *marked);
    /* The last failure in words; never NULL, valid until the next call on ctx. */
    const char *(*errmsg)(void *ctx);
    void *ctx;
    /* The hash chain of the export (ids up to max_id; not yet exported ones unless all), for
     * the manifest; may be NULL (no "chain" in the manifest). */
    int (*chain)(void *ctx, bool all, int64_t max_id, export_chain_t *out);
} export_source_t;

/* Keys are opaque bytes to the caller (libsodium's sizes: 32-byte public keys, a 64-byte
 * signing secret key); the export reads them during the call only. */
#define EXPORT_BOX_PK_BYTES 32
#define EXPORT_SIGN_PK_BYTES 32
#define EXPORT_SIGN_SK_BYTES 64

typedef struct {
    const char *kiosk_id;
    const uint8_t *org_box_pk;    /* EXPORT_BOX_PK_BYTES */
    const uint8_t *kiosk_sign_sk; /* EXPORT_SIGN_SK_BYTES */
    const uint8_t *kiosk_sign_pk; /* EXPORT_SIGN_PK_BYTES */
    bool all;                     /* every record, not only the new ones */
    int64_t now_utc_ms;
    /* Called as records are written (done of total), for the progress bar: for the first
     * record, then at most once every EXPORT_PROGRESS_MS, and for the last; may be NULL. */
    void (*progress)(int64_t done, int64_t total, void *user_data);
    void *user_data;
    const export_io_t *io;
    /* A directory whose sealed quarantine copies ("*.corrupt-*.sealed": damaged databases the
     * kiosk set aside, already encrypted to the organisation) go into kiosk-export/ too, after
     * the records (also when there is no new record); NULL for none. */
    const char *quarantine_dir;
} export_opts_t;

typedef struct {
    int64_t seq;      /* the bundle's sequence number */
    int64_t records;  /* records in the bundle */
    int64_t marked;   /* records newly marked exported */
    uint64_t bytes;   /* bundle size */
    char bundle[128]; /* file names inside kiosk-export/ */
    char manifest[128];
    int quarantine_files; /* sealed quarantine copies on the stick (written now or before) */
} export_result_t;

/* Exports the records of src to stick_dir/kiosk-export/<kiosk>-<seq>.bundle and .manifest,
 * then copies o->quarantine_dir's sealed copies there (temporary name, fsync, rename, read
 * back; one already there with the same size is kept). A failure of those copies is returned
 * (err says the records were exported) after the records are marked.
 * Returns KIOSK_OK (also with 0 records: nothing new, nothing written), KIOSK_EFULL (stick
 * full), KIOSK_EACCES (read-only stick), KIOSK_EIO (pulled out, or a write error),
 * KIOSK_ECORRUPT (what was read back differs from what was written), or the source's error;
 * err says which in staff words. On any failure nothing is marked exported and partial files
 * are removed where possible. Nothing is kept after the call returns. */
int export_to_stick(const export_source_t *src, const char *stick_dir, const export_opts_t *o,
                    export_result_t *r, char *err, size_t errlen);

#endif
