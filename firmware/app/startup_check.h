/* The database's start-up check in a thread of its own, so that the first frame never waits
 * for it (README, "Data safety"): phase 1 is store_open_recovered() (the integrity check, a
 * quarantine and salvage if the database is damaged), whose store the thread then hands over;
 * phase 2 is the hash chain's verification on a read-only connection of its own
 * (store_chain_verify_path()) while that store takes answers. Saves wait for phase 1 only.
 *
 * Threads: the check's thread touches only its own fields and the store it makes until it
 * hands that over (startup_check_take_store()); everything here is called from the app's one
 * thread. */
#ifndef KIOSK_STARTUP_CHECK_H
#define KIOSK_STARTUP_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

typedef struct startup_check startup_check_t;

/* Starts the check of the database at db_path (copied). held: the thread waits for
 * startup_check_release() before it touches the database (scripts that look at the kiosk
 * during the check). wake(wake_ud) (may be NULL) is called from the thread after each phase.
 * NULL when no memory or thread could be had. The caller frees it with startup_check_free(). */
startup_check_t *startup_check_start(const char *db_path, bool held, void (*wake)(void *ud),
                                     void *wake_ud);

/* Lets a held check go on. */
void startup_check_release(startup_check_t *sc);
bool startup_check_held(startup_check_t *sc);

/* Whether a result not yet taken is there (with wait: blocks until phase 1, and phase 2 when
 * phase 1 gave a store, have ended). */
bool startup_check_ready(startup_check_t *sc, bool wait);

/* Phase 1's result, once: true when it was there; then *st is the caller's (NULL when the
 * open failed: *err and errbuf say why), rec is filled, *ms is how long the phase took. */
bool startup_check_take_store(startup_check_t *sc, store_t **st, store_recovery_t *rec, int *err,
                              char *errbuf, size_t errlen, int64_t *ms);

/* Phase 2's result, once; as startup_check_take_store(). */
bool startup_check_take_chain(startup_check_t *sc, store_chain_report_t *rep, char *errbuf,
                              size_t errlen, int64_t *ms);

/* Whether nothing is left to take (both results taken, or phase 1 failed and was taken). */
bool startup_check_finished(startup_check_t *sc);

/* Stops a chain verification that still runs, waits for the thread and frees sc; a store that
 * phase 1 made and nobody took is closed. Accepts NULL. */
void startup_check_free(startup_check_t *sc);

/* Whether the script file's first line is "hold-startup-check" (the file is rewound). */
bool startup_check_script_holds(FILE *script);

#endif
