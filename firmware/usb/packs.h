/* Content packs switched by staff from a USB stick: listed and validated on the stick, installed
 * into the kiosk's data directory with the old pack kept for rollback, and loaded at start-up.
 *
 * On the kiosk: <data_dir>/packs/active.json (the pack in use) and previous.json (the one before
 * it, for rollback), and the recorded prompts both name, in a content-addressed store:
 * <data_dir>/packs/audio/<sha256 hex>.<ext> (the file's SHA-256; ext: ogg, oga or opus). A pack's
 * "audio" paths are relative to the pack file's directory; installed, they read
 * "audio/<sha256 hex>.<ext>". Every change is a validated, fsync'd file followed by renames, each
 * followed by a directory fsync, so a power cut at any moment leaves a loadable pack: the next call
 * (packs_load at start-up included) finishes or undoes what was cut short (a half-done install
 * leaves active.json.tmp, a half-done rollback swap.json) and packs_load falls back in between.
 * Checking the stick's staff token (TOKEN_CONTENT_UPDATE) is the caller's job, before any of
 * this. One caller at a time: these calls are not meant to run concurrently. No SDL. */
#ifndef KIOSK_PACKS_H
#define KIOSK_PACKS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/content.h"

#define PACKS_STICK_DIR "kiosk-packs"            /* packs on a stick: <stick>/kiosk-packs/ *.json */
#define PACKS_MAX_BYTES (4 * 1024 * 1024)        /* a pack larger than this is refused unread */
#define PACKS_MAX 16                             /* packs listed from one stick */
#define PACKS_PROMPT_MAX_BYTES (4 * 1024 * 1024) /* one recorded prompt file, at most */
#define PACKS_PROMPTS_MAX_BYTES (64 * 1024 * 1024) /* all the prompts of one pack, at most */
#define PACKS_AUDIO_DIR "audio"                    /* the prompt store in <data_dir>/packs */

typedef struct {
    char path[512]; /* <stick>/kiosk-packs/<name>, for packs_install() */
    char name[256]; /* the file name, as on the stick (not sanitised: display with care) */
    char id[64];    /* content_id() and content_version() of a valid pack */
    char version[32];
    bool ok;          /* valid: can be installed */
    char error[1024]; /* why not: "FILE: JSON PATH: REASON" or "FILE: REASON" */
} pack_candidate_t;

/* A check beyond the pack's own rules that only the caller can make (the app's: whether the
 * installed fonts draw every text, whether the audio edge plays every recorded prompt). fn
 * gets the pack loaded, its bytes and pack_dir, the directory of the pack file being checked
 * (the stick's kiosk-packs/ at scan and install, <data_dir>/packs when loaded, the configured
 * pack's own directory; the pack's "audio" paths are relative to it), all borrowed for the
 * call, and returns false with why set ("JSON PATH: REASON"). It runs after the pack's own
 * rules and after this edge's checks of the prompt files (see packs_scan()), so it never sees
 * a prompt that is missing, a link, not a regular file, over the limits or not Ogg. A NULL
 * pack_check_t: no check beyond those. */
typedef struct {
    bool (*fn)(void *ud, const content_t *c, const char *json, size_t len, const char *pack_dir,
               char *why, size_t whylen);
    void *ud;
} pack_check_t;

/* Lists the packs on a stick, <stick_dir>/kiosk-packs/ *.json (any case; names starting with a
 * dot are skipped), sorted by name (byte order), the first max of them, each validated with
 * content_load(), its recorded prompts, then check. A file that is a symbolic link, a FIFO, a
 * device, a directory, larger than PACKS_MAX_BYTES or not a valid pack is listed with ok =
 * false and the reason; nothing is followed, nothing blocks. Each recorded prompt (every
 * place, everywhere a pack is read) must be a regular file beside the pack (no symbolic link
 * on its way), of at most PACKS_PROMPT_MAX_BYTES, all of them together at most
 * PACKS_PROMPTS_MAX_BYTES, starting as an Ogg file does; otherwise the reason is
 * "FILE: $.audio.KEY.LANG: the recorded prompt PATH is missing" (a link, not a regular file,
 * too large, not an Ogg file). kiosk-packs itself must be a real directory. Returns the count
 * (0 when the stick has no kiosk-packs directory) or a negative KIOSK_E* with err set. */
int packs_scan(const char *stick_dir, pack_candidate_t *out, size_t max, const pack_check_t *check,
               char *err, size_t errlen);

/* Installs the pack file src_path (its directory and the file are opened without following a
 * symbolic link at their last component) as <data_dir>/packs/active.json: reads it once and
 * validates what was read (the stick may have changed since the scan), copies each recorded
 * prompt it names into the store (read once, hashed, written to a temporary file, fsync,
 * renamed to <sha256 hex>.<ext>, the store's directory fsync'd; a file already there with
 * that hash is kept), writes the pack's bytes with each "audio" path rewritten to
 * "audio/<sha256 hex>.<ext>" (nothing else changed; a pack without prompts is written as
 * read) and validated again, with check, against the store, to active.json.tmp, fsync, moves a
 * valid active.json to previous.json (a damaged one is simply replaced, so previous.json stays the
 * last good pack), renames the tmp to active.json, fsyncs the directory. Creates <data_dir>/packs
 * if needed. Then, and after a rollback, removes the files in the store that neither active.json
 * nor previous.json names (a power cut before that leaves only such extra files). On any failure
 * the active pack and its prompts are unchanged: KIOSK_EINVAL (not a valid pack), KIOSK_ETOOBIG,
 * KIOSK_EFULL (no room on the kiosk), KIOSK_EACCES (read-only), KIOSK_EIO, KIOSK_ENOMEM; err says
 * which, naming the file. */
int packs_install(const char *data_dir, const char *src_path, const pack_check_t *check, char *err,
                  size_t errlen);

/* Swaps active.json and previous.json, crash-safely (via swap.json, three renames, a directory
 * fsync after each): after it returns the other pack is active and the one it replaced is the
 * previous one, so a second rollback returns to it. previous.json is validated first; a damaged
 * one is refused (KIOSK_EINVAL, err with its JSON path and reason) and nothing changes.
 * KIOSK_ENOENT when there is no previous pack. */
int packs_rollback(const char *data_dir, char *err, size_t errlen);

/* The previous pack, the one a rollback goes back to: KIOSK_OK with out->ok and its id and
 * version when it is valid (ok = false and the reason in out->error when it is damaged),
 * KIOSK_ENOENT when there is none. */
int packs_previous(const char *data_dir, pack_candidate_t *out);

/* level: "info", "warn" or "error"; msg is one line. */
typedef void (*packs_log_fn)(const char *level, const char *msg, void *ud);

/* Loads the pack the kiosk should run: first finishes or undoes a change a power cut left
 * half-done (when data_dir is writable), then takes <data_dir>/packs/active.json if it is
 * valid (its rules, its recorded prompts in the store as packs_scan() checks them, check),
 * else previous.json, else configured_path (the device configuration's pack, may be
 * NULL; it may be a symbolic link). data_dir may be NULL. Every file rejected is reported
 * through log (may be NULL) at "error" with the full reason (file, JSON path, reason). On
 * success *out is the pack (the caller's: content_free() it) and source (the caller's buffer)
 * the file used; on failure *out is NULL. Otherwise the caller
 * uses its built-in pack: KIOSK_ENOENT when there was no pack file at all, KIOSK_ECORRUPT when
 * there were some but every one was rejected (show staff the fallback notice), KIOSK_ENOMEM. */
int packs_load(const char *data_dir, const char *configured_path, const pack_check_t *check,
               content_t **out, char *source, size_t srclen, packs_log_fn log, void *ud);

#endif
