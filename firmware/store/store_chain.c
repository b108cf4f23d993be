/* The kiosk's store: the hash chain over acknowledged records, its head file beside the
 * database, and the verification that finds lost, altered and deleted records.
 *
 * Each record gets seq (1, 2, 3... per database, never reused), prev_hash (the hash of the
 * record before it, 64 zeros for the first) and hash = SHA-256(prev_hash || the canonical
 * serialisation of its immutable columns, see CHAIN_COLS). Its answers, which the quick
 * rating's follow-up may replace, are bound by answers_hash = SHA-256(hash || answers); its
 * contact by contact_digest = SHA-256(nonce || name, phone, consent, collected time), where the
 * random nonce lives in the contact row and goes with it, so an erased contact leaves a
 * digest nobody can test a guessed name or phone against. A deleted record leaves seq and
 * hash in chain_gone (a trigger of the schema). The head (last seq and hash) is also written
 * to "<db>-head" after each commit, where losing the -wal cannot take it, and synced once the
 * thank-you is up (store_sync_head()). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "crypto/crypto.h"
#include "store/store_internal.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* The immutable columns of a record, in the order they are hashed. */
#define CHAIN_COLS                                                                                 \
    "r.seq, r.uuid, r.kind, r.journey_id, r.kiosk_id, r.pack_id, r.pack_version, r.lang,"          \
    " r.ref_code, r.created_utc, r.utc_ms, r.utc_offset_min, r.clock_synced, r.mono_ms,"           \
    " r.misuse, r.boot, r.contact_digest"
#define CHAIN_NCOLS 17

/* ---- canonical serialisation ------------------------------------------------------------ */

/* A growing byte buffer; oom sticks once an allocation failed. */
typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} canon_t;

static void canon_bytes(canon_t *b, const void *d, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 512;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

__attribute__((format(printf, 2, 3))) static void canon_fmt(canon_t *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof tmp)
        canon_bytes(b, tmp, (size_t)n);
}

/* One value with its type: "n;" NULL, "i<decimal>;" integer, "f<%.17g>;" real,
 * "t<length>:<bytes>" text, "b<length>:<bytes>" blob. A column stored with another type
 * than the store writes (an edit through the sqlite3 shell) hashes differently. */
static void canon_text(canon_t *b, const char *t, size_t n)
{
    canon_fmt(b, "t%zu:", n);
    canon_bytes(b, t, n);
}

static void canon_column(canon_t *b, sqlite3_stmt *s, int col)
{
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL:
        canon_bytes(b, "n;", 2);
        break;
    case SQLITE_INTEGER:
        canon_fmt(b, "i%lld;", (long long)sqlite3_column_int64(s, col));
        break;
    case SQLITE_FLOAT:
        canon_fmt(b, "f%.17g;", sqlite3_column_double(s, col));
        break;
    case SQLITE_BLOB: {
        const void *d = sqlite3_column_blob(s, col);
        const size_t n = (size_t)sqlite3_column_bytes(s, col);
        canon_fmt(b, "b%zu:", n);
        canon_bytes(b, d, n);
        break;
    }
    default: {
        const char *t = (const char *)sqlite3_column_text(s, col);
        canon_text(b, t ? t : "", (size_t)sqlite3_column_bytes(s, col));
        break;
    }
    }
}

/* SHA-256 (hex) of prefix (64 hex digits) || columns first..first+n-1 of s. False without
 * memory. */
static bool hash_columns(const char *prefix, sqlite3_stmt *s, int first, int n, char out[65])
{
    canon_t b = {0};
    canon_bytes(&b, prefix, strlen(prefix));
    for (int i = 0; i < n; i++)
        canon_column(&b, s, first + i);
    const bool ok = !b.oom;
    if (ok)
        crypto_sha256_hex(b.p, b.len, out);
    free(b.p);
    return ok;
}

/* The column as text into out (at most outlen - 1 bytes), "" for NULL. */
static void column_hex(sqlite3_stmt *s, int col, char *out, size_t outlen)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    snprintf(out, outlen, "%s", t ? (const char *)t : "");
}

/* ---- small SQL helpers ------------------------------------------------------------------ */

static int prepare(store_t *st, const char *sql, sqlite3_stmt **s)
{
    const int rc = sqlite3_prepare_v2(st->c.db, sql, -1, s, NULL);
    return rc == SQLITE_OK ? KIOSK_OK : sq_fail_db(&st->c, rc, "cannot prepare the hash chain of");
}

/* Runs "UPDATE records SET <col> = ?1 WHERE id = ?2". */
static int set_column(store_t *st, const char *col, const char *text, int64_t id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE records SET %s = ?1 WHERE id = ?2", col);
    sqlite3_stmt *s = NULL;
    int err = prepare(st, sql, &s);
    if (err)
        return err;
    int rc = sq_bind_text(s, 1, text);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 2, id);
    err = sq_step_done(&st->c, s, rc, "cannot write the hash chain of");
    sqlite3_finalize(s);
    return err;
}

/* The meta keys of the chain, with statements prepared here: the store's own are not yet
 * prepared while migrations run. */
static int meta_read(store_t *st, const char *key, bool *found, char *text, size_t textlen,
                     int64_t *value)
{
    sqlite3_stmt *s = NULL;
    int err = prepare(st, "SELECT value FROM meta WHERE key = ?1", &s);
    if (err)
        return err;
    int rc = sq_bind_text(s, 1, key);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        if (value)
            *value = sqlite3_column_int64(s, 0);
        if (text)
            column_hex(s, 0, text, textlen);
    } else if (rc != SQLITE_DONE) {
        err = sq_fail_db(&st->c, rc, "cannot read meta data of");
    }
    sqlite3_finalize(s);
    return err;
}

static int meta_write(store_t *st, const char *key, const char *text)
{
    sqlite3_stmt *s = NULL;
    int err = prepare(st,
                      "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      &s);
    if (err)
        return err;
    int rc = sq_bind_text(s, 1, key);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(s, 2, text);
    err = sq_step_done(&st->c, s, rc, "cannot write meta data of");
    sqlite3_finalize(s);
    return err;
}

/* ---- head file -------------------------------------------------------------------------- */

/* "<db>-head": two slots of HEAD_SLOT bytes, the head of an odd seq in the second. Each slot
 * is one line, "kiosk-chain-head 1 <seq> <hash> <check>", padded with spaces; check is the
 * first 16 hex digits of the SHA-256 of what precedes it. A write rewrites one slot in place
 * and syncs its data (fdatasync: the size does not change after the first write), so a torn
 * write spoils at most that slot and the other still holds the head before it. */
#define HEAD_SLOT 128

static bool head_wanted(const store_t *st)
{
    const char *p = st->c.path;
    return p && *p && strcmp(p, ":memory:") != 0 && strncmp(p, "file:", 5) != 0;
}

static bool parse_slot(const char *slot, int64_t *seq, char hash[65])
{
    char line[HEAD_SLOT + 1];
    memcpy(line, slot, HEAD_SLOT);
    line[HEAD_SLOT] = '\0';
    long long n = 0;
    char h[65], check[17];
    int used = 0;
    if (sscanf(line, "kiosk-chain-head 1 %lld %64[0-9a-f] %n%16[0-9a-f]", &n, h, &used, check) != 3)
        return false;
    char sum[65];
    crypto_sha256_hex(line, (size_t)used, sum);
    if (n < 1 || strlen(h) != 64 || strncmp(sum, check, 16) != 0)
        return false;
    *seq = n;
    memcpy(hash, h, 65);
    return true;
}

int store_chain_head_read(const char *db_path, int64_t *seq, char hash[65])
{
    *seq = 0;
    memcpy(hash, zero_hash, 65);
    char path[4096];
    if (snprintf(path, sizeof path, "%s-head", db_path) >= (int)sizeof path)
        return KIOSK_EINVAL;
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? KIOSK_ENOENT : kiosk_from_errno(errno);
    char buf[2 * HEAD_SLOT];
    const ssize_t n = pread(fd, buf, sizeof buf, 0);
    close(fd);
    bool any = false;
    for (int i = 0; i < 2; i++) {
        int64_t s;
        char h[65];
        if (n >= (ssize_t)((i + 1) * HEAD_SLOT) && parse_slot(buf + i * HEAD_SLOT, &s, h) &&
            s > *seq) {
            *seq = s;
            memcpy(hash, h, 65);
            any = true;
        }
    }
    return any ? KIOSK_OK : KIOSK_ECORRUPT;
}

/* Opens (creating it, then syncing the directory once) the head file into st->head_fd. */
static int head_open(store_t *st)
{
    if (st->head_fd >= 0)
        return KIOSK_OK;
    char path[4096];
    if (snprintf(path, sizeof path, "%s-head", st->c.path) >= (int)sizeof path)
        return sq_fail(&st->c, KIOSK_EINVAL, "cannot write the chain head of %s: path too long",
                       st->c.path);
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    bool created = false;
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        created = fd >= 0;
    }
    if (fd < 0)
        return sq_fail(&st->c, kiosk_from_errno(errno), "cannot open %s: %s", path,
                       strerror(errno));
    st->head_fd = fd;
    if (created) {
        char blank[2 * HEAD_SLOT];
        memset(blank, ' ', sizeof blank);
        blank[HEAD_SLOT - 1] = blank[2 * HEAD_SLOT - 1] = '\n';
        if (pwrite(fd, blank, sizeof blank, 0) != (ssize_t)sizeof blank || fsync(fd) != 0)
            return sq_fail(&st->c, kiosk_from_errno(errno), "cannot write %s: %s", path,
                           strerror(errno));
        return store_fsync_dir(path, st->c.errmsg, sizeof st->c.errmsg);
    }
    return KIOSK_OK;
}

/* A save's head is written after its COMMIT and synced later (store_sync_head()): the slot it
 * goes to is the one the head before it does not use, and that one was synced before the save
 * began, so a power cut before the sync leaves the file at most one save behind (the
 * verification catches it up) and never without a readable slot. */
int store_chain_head_put(store_t *st, int64_t seq, const char *hash)
{
    if (!head_wanted(st) || seq < 1)
        return KIOSK_OK;
    int err = head_open(st);
    if (err)
        return err;
    char slot[HEAD_SLOT];
    int n = snprintf(slot, sizeof slot, "kiosk-chain-head 1 %lld %s ", (long long)seq, hash);
    char sum[65];
    crypto_sha256_hex(slot, (size_t)n, sum);
    n += snprintf(slot + n, sizeof slot - (size_t)n, "%.16s", sum);
    memset(slot + n, ' ', HEAD_SLOT - (size_t)n);
    slot[HEAD_SLOT - 1] = '\n';
    const off_t at = (off_t)(seq % 2) * HEAD_SLOT;
    if (pwrite(st->head_fd, slot, HEAD_SLOT, at) != HEAD_SLOT)
        return sq_fail(&st->c, kiosk_from_errno(errno),
                       "record saved in %s, but its chain head cannot be written to %s-head: %s",
                       st->c.path, st->c.path, strerror(errno));
    st->head_unsynced = true;
    st->head_seq = seq;
    memcpy(st->head_hash, hash, 65);
    return KIOSK_OK;
}

int store_chain_head_sync(store_t *st)
{
    if (!st->head_unsynced || st->head_fd < 0)
        return KIOSK_OK;
    if (fdatasync(st->head_fd) != 0)
        return sq_fail(&st->c, kiosk_from_errno(errno),
                       "cannot sync the chain head of %s (%s-head, seq %lld): %s", st->c.path,
                       st->c.path, (long long)st->head_seq, strerror(errno));
    st->head_unsynced = false;
    return KIOSK_OK;
}

int store_chain_head_write(store_t *st, int64_t seq, const char *hash)
{
    const int err = store_chain_head_put(st, seq, hash);
    return err ? err : store_chain_head_sync(st);
}

/* The head file's seq and hash, read once per store; a missing or unreadable file is seq 0. */
static void head_load(store_t *st)
{
    if (st->head_loaded)
        return;
    st->head_loaded = true;
    if (!head_wanted(st) ||
        store_chain_head_read(st->c.path, &st->head_seq, st->head_hash) != KIOSK_OK) {
        st->head_seq = 0;
        memcpy(st->head_hash, zero_hash, 65);
    }
}

/* ---- sealing a record ------------------------------------------------------------------- */

/* Writes contact_digest of record id from its contact row (none: left NULL). */
static int seal_contact(store_t *st, int64_t id)
{
    sqlite3_stmt *s = NULL;
    int err = prepare(st,
                      "SELECT nonce, name, phone, consent, collected_utc FROM contacts"
                      " WHERE record_id = ?1",
                      &s);
    if (err)
        return err;
    int rc = sqlite3_bind_int64(s, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    char nonce[65], digest[65];
    if (rc == SQLITE_ROW) {
        column_hex(s, 0, nonce, sizeof nonce);
        err = hash_columns(nonce, s, 1, 4, digest) ? KIOSK_OK : KIOSK_ENOMEM;
    } else if (rc != SQLITE_DONE) {
        err = sq_fail_db(&st->c, rc, "cannot read the contact to seal in");
    }
    sqlite3_finalize(s);
    if (!err && rc == SQLITE_ROW)
        err = set_column(st, "contact_digest", digest, id);
    return err;
}

/* The last seq and hash: the database's (meta), or the head file's when that is ahead (the
 * database lost its newest records: their numbers are never given again). */
static int chain_last(store_t *st, int64_t *seq, char hash[65])
{
    bool found = false;
    int err = meta_read(st, "chain_seq", &found, NULL, 0, seq);
    if (!err && found)
        err = meta_read(st, "chain_hash", &found, hash, 65, NULL);
    if (err)
        return err;
    if (!found) {
        *seq = 0;
        memcpy(hash, zero_hash, 65);
    }
    head_load(st);
    if (st->head_seq > *seq) {
        *seq = st->head_seq;
        memcpy(hash, st->head_hash, 65);
    }
    return KIOSK_OK;
}

/* Computes hash and answers_hash of record id (whose seq and prev_hash are set). */
static int seal_hashes(store_t *st, int64_t id, const char *prev, char hash[65])
{
    sqlite3_stmt *s = NULL;
    int err = prepare(st, "SELECT " CHAIN_COLS ", r.answers FROM records AS r WHERE r.id = ?1", &s);
    if (err)
        return err;
    int rc = sqlite3_bind_int64(s, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    char answers[65];
    if (rc != SQLITE_ROW)
        err = sq_fail_db(&st->c, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
                         "cannot read the record to seal in");
    else if (!hash_columns(prev, s, 0, CHAIN_NCOLS, hash) ||
             !hash_columns(hash, s, CHAIN_NCOLS, 1, answers))
        err = KIOSK_ENOMEM;
    sqlite3_finalize(s);
    if (!err)
        err = set_column(st, "hash", hash, id);
    if (!err)
        err = set_column(st, "answers_hash", answers, id);
    return err;
}

int store_chain_seal(store_t *st, int64_t id, int64_t *seq_out, char hash[65])
{
    int64_t seq;
    char prev[65];
    int err = seal_contact(st, id);
    if (!err)
        err = chain_last(st, &seq, prev);
    if (err)
        return err;
    seq++;
    sqlite3_stmt *s = NULL;
    err = prepare(st, "UPDATE records SET seq = ?1, prev_hash = ?2 WHERE id = ?3", &s);
    if (err)
        return err;
    int rc = sqlite3_bind_int64(s, 1, seq);
    if (rc == SQLITE_OK)
        rc = sq_bind_text(s, 2, prev);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 3, id);
    err = sq_step_done(&st->c, s, rc, "cannot number the record in");
    sqlite3_finalize(s);
    if (!err)
        err = seal_hashes(st, id, prev, hash);
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)seq);
    if (!err)
        err = meta_write(st, "chain_seq", text);
    if (!err)
        err = meta_write(st, "chain_hash", hash);
    if (!err)
        *seq_out = seq;
    return err;
}

int store_chain_reseal_answers(store_t *st, const char *uuid)
{
    sqlite3_stmt *s = NULL;
    int err = prepare(st, "SELECT id, hash, answers FROM records WHERE uuid = ?1", &s);
    if (err)
        return err;
    int rc = sq_bind_text(s, 1, uuid);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    int64_t id = 0;
    char hash[65], answers[65];
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        column_hex(s, 1, hash, sizeof hash);
        if (!hash_columns(hash, s, 2, 1, answers))
            err = KIOSK_ENOMEM;
    } else {
        err = sq_fail_db(&st->c, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
                         "cannot read the updated record in");
    }
    sqlite3_finalize(s);
    return err ? err : set_column(st, "answers_hash", answers, id);
}

int store_chain_migrate(store_t *st)
{
    sqlite3_stmt *s = NULL;
    int err = prepare(st, "SELECT id FROM records ORDER BY id", &s);
    if (err)
        return err;
    int rc;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq;
        char hash[65];
        err = store_chain_seal(st, sqlite3_column_int64(s, 0), &seq, hash);
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail_db(&st->c, rc, "cannot number the records of");
    sqlite3_finalize(s);
    return err;
}

/* ---- verification ----------------------------------------------------------------------- */

/* Writes the pending range of a list into its text while there is room. */
static void seq_flush(store_seq_list_t *l)
{
    if (!l->pending)
        return;
    l->pending = false;
    const size_t len = strlen(l->text);
    char part[48];
    if (l->from == l->to)
        snprintf(part, sizeof part, "%s%lld", len ? ", " : "", (long long)l->from);
    else
        snprintf(part, sizeof part, "%s%lld-%lld", len ? ", " : "", (long long)l->from,
                 (long long)l->to);
    if (len + strlen(part) + 6 < sizeof l->text)
        strcat(l->text, part);
    else if (!strstr(l->text, "..."))
        strcat(l->text, ", ...");
}

/* Adds seqs from..to to a list: counted, and written as "3, 7-9" while there is room. */
static void seq_add(store_seq_list_t *l, int64_t from, int64_t to)
{
    if (to < from)
        return;
    l->count += to - from + 1;
    if (l->pending && from == l->to + 1) {
        l->to = to;
        return;
    }
    seq_flush(l);
    l->pending = true;
    l->from = from;
    l->to = to;
}

/* Columns of the verification query. */
enum {
    V_ID,
    V_PREV,
    V_HASH,
    V_ANSWERS_HASH,
    V_HAS_CONTACT,
    V_NONCE,
    V_CONTACT, /* name, phone, consent, collected_utc */
    V_CHAIN = V_CONTACT + 4,
    V_SEQ = V_CHAIN,
    V_DIGEST = V_CHAIN + CHAIN_NCOLS - 1,
    V_ANSWERS = V_CHAIN + CHAIN_NCOLS
};

static const char verify_records_sql[] =
    "SELECT r.id, r.prev_hash, r.hash, r.answers_hash, c.record_id IS NOT NULL, c.nonce,"
    " c.name, c.phone, c.consent, c.collected_utc, " CHAIN_COLS ", r.answers"
    " FROM records AS r LEFT JOIN contacts AS c ON c.record_id = r.id ORDER BY r.seq";

static bool column_is(sqlite3_stmt *s, int col, const char *hex)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    return t && strcmp((const char *)t, hex) == 0;
}

/* Whether the current row of the verification query is the record that was sealed: its own
 * hash, its link to the record before it (when that one is known: linked), its answers and
 * its contact (when not erased). */
static bool record_intact(sqlite3_stmt *s, bool linked, const char *last_hash, bool *oom)
{
    char prev[65], hash[65], got[65];
    column_hex(s, V_PREV, prev, sizeof prev);
    column_hex(s, V_HASH, hash, sizeof hash);
    bool ok = !linked || strcmp(prev, last_hash) == 0;
    if (ok && !hash_columns(prev, s, V_CHAIN, CHAIN_NCOLS, got))
        *oom = true;
    ok = ok && !*oom && strcmp(got, hash) == 0;
    if (ok && !hash_columns(hash, s, V_ANSWERS, 1, got))
        *oom = true;
    ok = ok && !*oom && column_is(s, V_ANSWERS_HASH, got);
    if (ok && sqlite3_column_int(s, V_HAS_CONTACT)) {
        char nonce[65];
        column_hex(s, V_NONCE, nonce, sizeof nonce);
        if (!hash_columns(nonce, s, V_CONTACT, 4, got))
            *oom = true;
        ok = !*oom && column_is(s, V_DIGEST, got);
    }
    return ok;
}

/* The walk over records and chain_gone in seq order. */
typedef struct {
    store_chain_report_t *rep;
    int64_t last_seq; /* 0 before the first */
    char last_hash[65];
    bool oom;
} walk_t;

/* Before an item numbered seq: a number skipped since the last is lost, unless the first item
 * is a deleted record's anchor. Returns whether the item follows the last one directly. */
static bool walk_gap(walk_t *w, int64_t seq, bool is_anchor)
{
    if (seq <= w->last_seq) {
        seq_add(&w->rep->altered, seq, seq); /* a number given twice */
        return false;
    }
    if (seq == w->last_seq + 1)
        return true;
    if (!(w->last_seq == 0 && is_anchor))
        seq_add(&w->rep->lost, w->last_seq + 1, seq - 1);
    return false;
}

static void walk_record(walk_t *w, sqlite3_stmt *s)
{
    if (sqlite3_column_type(s, V_SEQ) == SQLITE_NULL) {
        w->rep->unnumbered++;
        return;
    }
    const int64_t seq = sqlite3_column_int64(s, V_SEQ);
    const bool linked = walk_gap(w, seq, false);
    w->rep->records++;
    if (!record_intact(s, linked, w->last_hash, &w->oom))
        seq_add(&w->rep->altered, seq, seq);
    if (seq > w->last_seq) {
        w->last_seq = seq;
        column_hex(s, V_HASH, w->last_hash, sizeof w->last_hash);
    }
}

static void walk_gone(walk_t *w, sqlite3_stmt *g)
{
    const int64_t seq = sqlite3_column_int64(g, 0);
    const bool first = w->last_seq == 0;
    walk_gap(w, seq, true);
    /* Retention deletes exported records only: a never exported one was lost. */
    if (!sqlite3_column_int(g, 2) && !(first && seq > 1))
        seq_add(&w->rep->lost, seq, seq);
    if (seq > w->last_seq) {
        w->last_seq = seq;
        column_hex(g, 1, w->last_hash, sizeof w->last_hash);
    }
}

/* Merges the two queries by seq (records without a seq come first). */
static int walk_all(store_t *st, walk_t *w, sqlite3_stmt *r, sqlite3_stmt *g)
{
    int rr = sqlite3_step(r), rg = sqlite3_step(g);
    while (!w->oom && (rr == SQLITE_ROW || rg == SQLITE_ROW)) {
        const bool take_record =
            rr == SQLITE_ROW && (rg != SQLITE_ROW || sqlite3_column_type(r, V_SEQ) == SQLITE_NULL ||
                                 sqlite3_column_int64(r, V_SEQ) <= sqlite3_column_int64(g, 0));
        if (take_record) {
            walk_record(w, r);
            rr = sqlite3_step(r);
        } else {
            walk_gone(w, g);
            rg = sqlite3_step(g);
        }
    }
    if (w->oom)
        return sq_fail(&st->c, KIOSK_ENOMEM, "cannot verify the hash chain of %s: out of memory",
                       st->c.path);
    if (rr != SQLITE_DONE || rg != SQLITE_DONE)
        return sq_fail_db(&st->c, rr != SQLITE_DONE ? rr : rg, "cannot read the hash chain of");
    return KIOSK_OK;
}

/* The hash stored for seq (a record or a deleted one's); "" when unknown. */
static int hash_of_seq(store_t *st, int64_t seq, char hash[65])
{
    sqlite3_stmt *s = NULL;
    hash[0] = '\0';
    int err = prepare(st,
                      "SELECT hash FROM records WHERE seq = ?1"
                      " UNION ALL SELECT hash FROM chain_gone WHERE seq = ?1",
                      &s);
    if (err)
        return err;
    int rc = sqlite3_bind_int64(s, 1, seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        column_hex(s, 0, hash, 65);
    else if (rc != SQLITE_DONE)
        err = sq_fail_db(&st->c, rc, "cannot read the hash chain of");
    sqlite3_finalize(s);
    return err;
}

/* The head file as read before the walk: hr is store_chain_head_read()'s result
 * (KIOSK_ENOENT when the store keeps none). */
typedef struct {
    int hr;
    int64_t seq;
    char hash[65];
} head_seen_t;

static void head_look(const store_t *st, head_seen_t *h)
{
    h->hr = head_wanted(st) ? store_chain_head_read(st->c.path, &h->seq, h->hash) : KIOSK_ENOENT;
}

/* Compares the end of the walk with meta chain_seq and the head file (read before the walk):
 * numbers given out after the last one the database holds were lost with its newest pages (a
 * lost or damaged -wal). A head file behind or missing is written up to the walk's end when
 * write_head, else left to store_chain_catch_up(). */
static int check_head(store_t *st, walk_t *w, const head_seen_t *h, bool write_head)
{
    store_chain_report_t *rep = w->rep;
    bool found = false;
    int64_t meta_seq = 0;
    int err = meta_read(st, "chain_seq", &found, NULL, 0, &meta_seq);
    if (err)
        return err;
    seq_add(&rep->lost, w->last_seq + 1, meta_seq);
    const int64_t db_seq = meta_seq > w->last_seq ? meta_seq : w->last_seq;
    rep->head_seq = h->hr == KIOSK_OK ? h->seq : 0;
    rep->head_missing = h->hr != KIOSK_OK && head_wanted(st) && db_seq > 0;
    rep->last_seq = db_seq;
    rep->walked_seq = w->last_seq;
    memcpy(rep->walked_hash, w->last_hash, 65);
    if (h->hr != KIOSK_OK)
        return db_seq > 0 && write_head ? store_chain_catch_up(st, rep) : KIOSK_OK;
    if (h->seq > db_seq) {
        rep->head_ahead = true;
        seq_add(&rep->lost, db_seq + 1, h->seq);
        return KIOSK_OK;
    }
    char stored[65];
    err = hash_of_seq(st, h->seq, stored);
    if (!err && stored[0] && strcmp(stored, h->hash) != 0)
        seq_add(&rep->altered, h->seq, h->seq);
    /* A cut between COMMIT and the head's write leaves it behind: catch up. */
    if (!err && write_head && h->seq < w->last_seq)
        err = store_chain_catch_up(st, rep);
    return err;
}

int store_chain_catch_up(store_t *st, const store_chain_report_t *rep)
{
    assert(st && rep);
    if (rep->head_ahead || rep->walked_seq < 1 || !head_wanted(st))
        return KIOSK_OK;
    head_seen_t now;
    head_look(st, &now);
    /* A save since the walk has written the head past it already. */
    if (now.hr == KIOSK_OK && now.seq >= rep->walked_seq)
        return KIOSK_OK;
    return store_chain_head_write(st, rep->walked_seq, rep->walked_hash);
}

/* The verification on st's connection: the head file first, then one read transaction. */
static int verify(store_t *st, store_chain_report_t *rep, bool write_head)
{
    memset(rep, 0, sizeof *rep);
    walk_t w = {.rep = rep};
    memcpy(w.last_hash, zero_hash, 65);
    head_seen_t head;
    head_look(st, &head);
    sqlite3_stmt *r = NULL, *g = NULL;
    int err = prepare(st, verify_records_sql, &r);
    if (!err)
        err = prepare(st, "SELECT seq, hash, exported FROM chain_gone ORDER BY seq", &g);
    if (!err)
        err = sq_exec(&st->c, "BEGIN", "cannot read the hash chain of");
    if (!err) {
        err = walk_all(st, &w, r, g);
        sqlite3_reset(r);
        sqlite3_reset(g);
        if (!err)
            err = check_head(st, &w, &head, write_head);
        sq_rollback(&st->c);
    }
    sqlite3_finalize(r);
    sqlite3_finalize(g);
    seq_flush(&rep->lost);
    seq_flush(&rep->altered);
    rep->verified = !err;
    return err;
}

int store_chain_verify(store_t *st, store_chain_report_t *rep)
{
    assert(st && rep);
    return verify(st, rep, true);
}

/* The progress handler of a verification that may be stopped. */
typedef struct {
    bool (*stop)(void *ud);
    void *ud;
} stopper_t;

static int should_stop(void *self)
{
    const stopper_t *s = self;
    return s->stop && s->stop(s->ud);
}

/* Opens c read-only on path (no create): a second connection beside the store's own. */
static int open_read_only(sq_db_t *c, const char *path)
{
    c->path = strdup(path);
    if (!c->path)
        return sq_fail(c, KIOSK_ENOMEM, "cannot open database %s: out of memory", path);
    const int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
    if (rc != SQLITE_OK)
        return sq_fail_db(c, rc, "cannot open (read-only) database");
    return KIOSK_OK;
}

int store_chain_verify_path(const char *path, bool (*stop)(void *ud), void *ud,
                            store_chain_report_t *rep, char *errbuf, size_t errlen)
{
    assert(path && rep);
    memset(rep, 0, sizeof *rep);
    if (errbuf && errlen)
        errbuf[0] = '\0';
    store_t *st = calloc(1, sizeof *st);
    if (!st)
        return KIOSK_ENOMEM;
    st->head_fd = -1;
    stopper_t stopper = {stop, ud};
    int err = open_read_only(&st->c, path);
    if (!err) {
        sqlite3_busy_timeout(st->c.db, 2000);
        sqlite3_progress_handler(st->c.db, 10000, should_stop, &stopper);
        err = verify(st, rep, false);
        if (err && stop && stop(ud))
            err =
                sq_fail(&st->c, KIOSK_EBUSY, "verification of the hash chain of %s stopped", path);
    }
    if (err && errbuf && errlen)
        snprintf(errbuf, errlen, "%s", st->c.errmsg);
    sq_close(&st->c, NULL, 0);
    free(st);
    return err;
}

/* ---- export ----------------------------------------------------------------------------- */

/* One end of an export: seq and the hash column col of the first (or last) record. */
static int range_end(store_t *st, bool all, int64_t max_id, bool last, const char *col,
                     int64_t *seq, char hash[65])
{
    char sql[192];
    snprintf(sql, sizeof sql, "SELECT seq, %s FROM records WHERE id <= ?1%s ORDER BY id%s LIMIT 1",
             col, all ? "" : " AND exported_at IS NULL", last ? " DESC" : "");
    sqlite3_stmt *s = NULL;
    int err = prepare(st, sql, &s);
    if (err)
        return err;
    int rc = sqlite3_bind_int64(s, 1, max_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    *seq = 0;
    hash[0] = '\0';
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        column_hex(s, 1, hash, 65);
    } else if (rc != SQLITE_DONE) {
        err = sq_fail_db(&st->c, rc, "cannot read the hash chain of");
    }
    sqlite3_finalize(s);
    return err;
}

int store_chain_range(store_t *st, bool all, int64_t max_id, int64_t *first_seq,
                      char first_prev[65], int64_t *last_seq, char last_hash[65])
{
    assert(st);
    const int err = range_end(st, all, max_id, false, "prev_hash", first_seq, first_prev);
    return err ? err : range_end(st, all, max_id, true, "hash", last_seq, last_hash);
}

int store_chain_head(store_t *st, int64_t *seq, char hash[65])
{
    assert(st && seq && hash);
    return chain_last(st, seq, hash);
}
