/* The pack edge's own part (not for other code: usb/packs.c is its one user): a pack's recorded
 * prompt files beside it, checked, copied into the kiosk's content-addressed store and
 * collected when no pack names them; and the synced writes and staff-worded failures both
 * files share. No pointer is kept past a call. */
#ifndef KIOSK_PACKS_AUDIO_H
#define KIOSK_PACKS_AUDIO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/content.h"

/* Checks every recorded prompt of c, its path relative to dirfd (the pack file's directory):
 * reached without following a symbolic link (unless follow: the configured pack, placed by
 * the technician), a regular file of at most PACKS_PROMPT_MAX_BYTES, all of them together at
 * most PACKS_PROMPTS_MAX_BYTES, that starts as an Ogg file does. KIOSK_OK, or KIOSK_EINVAL,
 * KIOSK_ETOOBIG, KIOSK_EIO, KIOSK_ENOMEM with err "LABEL: $.audio.KEY.LANG: the recorded
 * prompt PATH is ..." (label names the pack file). */
int packs_prompts_check(int dirfd, bool follow, const content_t *c, const char *label, char *err,
                        size_t errlen);

/* Copies the recorded prompts of c (the pack json, len bytes, read from label in src_dirfd)
 * into <packs_dirfd>/audio/<sha256 hex>.<ext> (the directory made and synced when missing; each
 * file read once without following a link, checked as packs_prompts_check() does, written to
 * a temporary file, fsync'd, renamed, then the directory fsync'd; a file already stored with
 * that content is kept) and makes *out, json with the values of its "audio" member rewritten
 * to "audio/<sha256 hex>.<ext>" and nothing else changed: malloc'd, NUL-terminated, the
 * caller's to free; NULL when c has no prompts (json is then the one to write). where names
 * the packs directory in messages. On failure *out is NULL, files written stay (collect them)
 * and err says what and which file: the codes of packs_prompts_check() and KIOSK_EFULL,
 * KIOSK_EACCES, KIOSK_EIO for the kiosk's storage. */
int packs_prompts_store(int src_dirfd, const char *label, int packs_dirfd, const char *where,
                        const content_t *c, const char *json, size_t len, char **out,
                        size_t *outlen, char *err, size_t errlen);

/* Removes from <packs_dirfd>/audio every file that none of the n pack files names (their
 * names in packs_dirfd; an absent one names nothing, nor does one that is not a valid pack),
 * then syncs the directory. Best effort: when a pack file cannot be read (out of memory, an
 * I/O error) nothing is removed. */
void packs_prompts_collect(int packs_dirfd, const char *const *names, size_t n);

/* Writes buf to name in dirfd (created 0644 or truncated, never through a link), fsync'd.
 * 0 or an errno; a partial file is removed. */
int packs_write_synced(int dirfd, const char *name, const char *buf, size_t len);

/* The error of a failed change in staff words, into err: "WHERE: FAILED: the kiosk's storage
 * is full (strerror); the active pack is unchanged" (changed: the switch was made but may
 * not survive a power cut). Returns the KIOSK_E* code of e (KIOSK_EIO for ENOENT). */
int packs_failure(int e, const char *where, const char *failed, bool changed, char *err,
                  size_t errlen);

#endif
