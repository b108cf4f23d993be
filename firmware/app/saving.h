/* The store in the loop: opening the kiosk's database (with the start-up check that sets a
 * damaged one aside), checking there is room, saving what the residents' flow hands over,
 * counting session outcomes, and the hourly retention. Owns the store_t it opens; keeps a
 * pointer to the configuration, which the caller keeps for the module's life. */
#ifndef KIOSK_SAVING_H
#define KIOSK_SAVING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "crypto/crypto.h"
#include "core/content.h"
#include "core/flow.h"
#include "store/store.h"

#define SAVING_RETRY_MS 15000
#define SAVING_RETENTION_EVERY_MS (3600 * 1000)

typedef struct startup_check startup_check_t;

/* A session's outcome kept while the start-up check runs. */
#define SAVING_PENDING_OUTCOMES 16
typedef struct {
    char day[11];
    char journey[64];
    session_outcome_t outcome;
} pending_outcome_t;

typedef struct {
    const app_config_t *cfg;
    store_t *store;         /* NULL until opened, and after a failed save */
    bool ok;                /* open with room to spare: taking answers */
    int64_t checked_ms;     /* loop time of the last check */
    int64_t retention_ms;   /* loop time retention last ran */
    int64_t checked_utc_ms; /* when the start-up integrity check ran */
    bool retention_held;    /* the last retention waited for a confirmed clock */
    /* Sealing at rest: contact details and typed answers are sealed to the organisation's
     * encryption key before they are stored (crypto/seal.h). */
    bool seal_checked;                    /* the configured key was looked at */
    bool sealing;                         /* a usable key: personal data is sealed */
    uint8_t seal_pk[CRYPTO_BOX_PK_BYTES]; /* the organisation's X25519 public key */
    bool unsealed_stored;                 /* without a key, personal data was stored */
    /* The start-up check in its thread (app/startup_check.h) while it runs, else NULL. */
    startup_check_t *check;
    bool hold_check;        /* a script holds the check until "release-startup-check" */
    bool open_failed;       /* the last open failed: out of service, retrying */
    void (*wake)(void *ud); /* called from the check's thread after each phase */
    void *wake_ud;
    pending_outcome_t pending[SAVING_PENDING_OUTCOMES]; /* counted once the store is there */
    int npending;
} saving_t;

/* Opens the store if needed, checks there is room, tells the flow; runs retention when due
 * and the home screen is up. A damaged database's notice for staff goes to notice (the
 * caller's buffer; texts from c), as does, once personal data was stored unsealed for want
 * of an organisation encryption key, the notice that says so (checked on every return to the
 * home screen). f and c are used during the call only. */
void saving_check(saving_t *s, flow_t *f, const content_t *c, record_time_t wall, int64_t now_ms,
                  char *notice, size_t notice_len);
/* Performs the storage operation the flow waits for, if any; true when there was one. Contact
 * details and typed answers (every answer that is not a choice code of the journey) are sealed
 * first when a key is configured; the flow's record keeps its own copy. A save and the count
 * of its completed session are one commit. On failure the store is closed and the kiosk is out
 * of service until the next check. With no operation waiting (the loop's next turn, after the
 * thank-you was drawn), syncs the last save's chain head (store_sync_head()). */
bool saving_perform(saving_t *s, flow_t *f, record_time_t wall, int64_t now_ms);
/* Counts the flow's finished sessions (completed, timed out, abandoned) by day. */
void saving_count_outcomes(saving_t *s, flow_t *f, record_time_t wall);
/* The next loop time a check is due (a retry while out of service), INT64_MAX for none. */
int64_t saving_deadline(const saving_t *s);
/* Whether saving_check() has something to do now: a result of the start-up check (with wait,
 * in scripted runs, after waiting for it unless a script holds it), or the retry of a failed
 * open. */
bool saving_due(saving_t *s, int64_t now_ms, bool wait);
/* A script holds the start-up check: a save may wait while the script goes on. */
bool saving_held(const saving_t *s);
/* startup_check.c: starts the start-up check, or takes what it found (the store, the notices
 * of a quarantine and of the hash chain). */
void saving_startup(saving_t *s, const content_t *c, record_time_t wall, int64_t now_ms,
                    char *notice, size_t notice_len);
/* Closes the store (safe to call twice); s itself is the caller's, not NULL. */
void saving_close(saving_t *s);

/* The language of staff notices on the home screen: the kiosk's start language (its centre's)
 * when the pack has it, else the pack's default. */
const char *saving_notice_lang(const app_config_t *cfg, const content_t *c);

#endif
