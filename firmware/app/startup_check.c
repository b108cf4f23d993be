/* The database's start-up check in a thread of its own (see startup_check.h). */
#include "app/startup_check.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/log.h"
#include "app/saving.h"
#include "core/kerr.h"
#include "system/clock.h"

struct startup_check {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char *path;
    void (*wake)(void *ud);
    void *wake_ud;
    /* under lock */
    bool held, stopping;
    bool opened, store_taken; /* phase 1 ended; its result was taken */
    bool verified, chain_taken;
    store_t *st;
    int open_err;
    store_recovery_t rec;
    char open_msg[512];
    int64_t open_ms;
    store_chain_report_t chain;
    char chain_msg[512];
    int64_t chain_ms;
};

static bool stop_requested(void *ud)
{
    startup_check_t *sc = ud;
    pthread_mutex_lock(&sc->lock);
    const bool stop = sc->stopping;
    pthread_mutex_unlock(&sc->lock);
    return stop;
}

static void phase_ended(startup_check_t *sc)
{
    pthread_cond_broadcast(&sc->changed);
    pthread_mutex_unlock(&sc->lock);
    if (sc->wake)
        sc->wake(sc->wake_ud);
}

static void *check_thread(void *self)
{
    startup_check_t *sc = self;
    pthread_mutex_lock(&sc->lock);
    while (sc->held && !sc->stopping)
        pthread_cond_wait(&sc->changed, &sc->lock);
    const bool stop = sc->stopping;
    pthread_mutex_unlock(&sc->lock);

    store_t *st = NULL;
    store_recovery_t rec;
    char msg[512] = "";
    int64_t t0 = clock_mono_ms();
    int err = stop ? KIOSK_EBUSY : store_open_recovered(sc->path, &st, &rec, msg, sizeof msg);
    if (stop)
        memset(&rec, 0, sizeof rec);
    pthread_mutex_lock(&sc->lock);
    sc->st = st;
    sc->open_err = err;
    sc->rec = rec;
    memcpy(sc->open_msg, msg, sizeof msg);
    sc->open_ms = clock_mono_ms() - t0;
    sc->opened = true;
    phase_ended(sc);
    if (err)
        return NULL;

    /* The store is the app's from here on: this thread reads through a connection of its own. */
    store_chain_report_t chain;
    t0 = clock_mono_ms();
    store_chain_verify_path(sc->path, stop_requested, sc, &chain, msg, sizeof msg);
    pthread_mutex_lock(&sc->lock);
    sc->chain = chain;
    memcpy(sc->chain_msg, msg, sizeof msg);
    sc->chain_ms = clock_mono_ms() - t0;
    sc->verified = true;
    phase_ended(sc);
    return NULL;
}

startup_check_t *startup_check_start(const char *db_path, bool held, void (*wake)(void *ud),
                                     void *wake_ud)
{
    startup_check_t *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->path = strdup(db_path ? db_path : "");
    sc->wake = wake;
    sc->wake_ud = wake_ud;
    sc->held = held;
    if (!sc->path)
        goto fail;
    if (pthread_mutex_init(&sc->lock, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&sc->changed, NULL) != 0)
        goto fail_lock;
    if (pthread_create(&sc->thread, NULL, check_thread, sc) != 0)
        goto fail_cond;
    return sc;
fail_cond:
    pthread_cond_destroy(&sc->changed);
fail_lock:
    pthread_mutex_destroy(&sc->lock);
fail:
    free(sc->path);
    free(sc);
    return NULL;
}

void startup_check_release(startup_check_t *sc)
{
    pthread_mutex_lock(&sc->lock);
    sc->held = false;
    pthread_cond_broadcast(&sc->changed);
    pthread_mutex_unlock(&sc->lock);
}

bool startup_check_held(startup_check_t *sc)
{
    pthread_mutex_lock(&sc->lock);
    const bool held = sc->held;
    pthread_mutex_unlock(&sc->lock);
    return held;
}

/* Under lock: a result is there that was not taken. */
static bool untaken(const startup_check_t *sc)
{
    return (sc->opened && !sc->store_taken) || (sc->verified && !sc->chain_taken);
}

/* Under lock: the thread has nothing more to give. */
static bool thread_done(const startup_check_t *sc)
{
    return sc->verified || (sc->opened && sc->open_err);
}

bool startup_check_ready(startup_check_t *sc, bool wait)
{
    pthread_mutex_lock(&sc->lock);
    while (wait && !sc->held && !thread_done(sc))
        pthread_cond_wait(&sc->changed, &sc->lock);
    const bool ready = untaken(sc);
    pthread_mutex_unlock(&sc->lock);
    return ready;
}

bool startup_check_take_store(startup_check_t *sc, store_t **st, store_recovery_t *rec, int *err,
                              char *errbuf, size_t errlen, int64_t *ms)
{
    pthread_mutex_lock(&sc->lock);
    const bool there = sc->opened && !sc->store_taken;
    if (there) {
        sc->store_taken = true;
        *st = sc->st;
        sc->st = NULL;
        *rec = sc->rec;
        *err = sc->open_err;
        snprintf(errbuf, errlen, "%s", sc->open_msg);
        *ms = sc->open_ms;
    }
    pthread_mutex_unlock(&sc->lock);
    return there;
}

bool startup_check_take_chain(startup_check_t *sc, store_chain_report_t *rep, char *errbuf,
                              size_t errlen, int64_t *ms)
{
    pthread_mutex_lock(&sc->lock);
    const bool there = sc->verified && !sc->chain_taken;
    if (there) {
        sc->chain_taken = true;
        *rep = sc->chain;
        snprintf(errbuf, errlen, "%s", sc->chain_msg);
        *ms = sc->chain_ms;
    }
    pthread_mutex_unlock(&sc->lock);
    return there;
}

bool startup_check_finished(startup_check_t *sc)
{
    pthread_mutex_lock(&sc->lock);
    const bool done = thread_done(sc) && !untaken(sc);
    pthread_mutex_unlock(&sc->lock);
    return done;
}

void startup_check_free(startup_check_t *sc)
{
    if (!sc)
        return;
    pthread_mutex_lock(&sc->lock);
    sc->stopping = true;
    pthread_cond_broadcast(&sc->changed);
    pthread_mutex_unlock(&sc->lock);
    pthread_join(sc->thread, NULL);
    store_close(sc->st);
    pthread_cond_destroy(&sc->changed);
    pthread_mutex_destroy(&sc->lock);
    free(sc->path);
    free(sc);
}

bool startup_check_script_holds(FILE *script)
{
    char line[64] = "";
    if (!script || !fgets(line, sizeof line, script))
        line[0] = '\0';
    if (script)
        rewind(script);
    line[strcspn(line, " \t\r\n")] = '\0';
    return strcmp(line, "hold-startup-check") == 0;
}

/* ---- what the loop makes of the results (saving_startup(), see saving.h) ---- */

/* The kernel's id of this boot, for the store's boot counter ("" when unknown). */
static void read_boot_id(char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
}

/* A list of sequence numbers short enough for the notice ("4-9, 12, ..."): the log has it
 * whole. */
#define NOTICE_LIST_MAX 24
static void notice_list(const store_seq_list_t *l, char out[NOTICE_LIST_MAX + sizeof ", ..."])
{
    const char *t = l->count ? l->text : "-";
    const size_t n = strnlen(t, NOTICE_LIST_MAX + 1);
    memcpy(out, t, n <= NOTICE_LIST_MAX ? n : NOTICE_LIST_MAX);
    out[n <= NOTICE_LIST_MAX ? n : NOTICE_LIST_MAX] = '\0';
    if (n <= NOTICE_LIST_MAX)
        return;
    char *cut = strrchr(out, ',');
    memcpy(cut ? cut : out + NOTICE_LIST_MAX, ", ...", sizeof ", ...");
}

/* The hash chain's verdict at start-up: lost or altered records are a log line and a staff
 * notice naming their sequence numbers (a recovery's notice, if any, is kept first). */
static void report_chain(const saving_t *s, const content_t *c, const store_chain_report_t *ch,
                         const char *why, char *notice, size_t notice_len)
{
    if (!ch->verified) {
        log_line("error", "cannot verify the hash chain of %s: %s", s->cfg->db_path, why);
        return;
    }
    if (ch->head_missing)
        log_line("warn", "%s-head was missing or unreadable: written again from the database",
                 s->cfg->db_path);
    if (ch->unnumbered)
        log_line("error", "%s holds %lld records the store did not save (no sequence number)",
                 s->cfg->db_path, (long long)ch->unnumbered);
    if (!ch->lost.count && !ch->altered.count) {
        log_line("info", "hash chain of %s verified: %lld records, last seq %lld", s->cfg->db_path,
                 (long long)ch->records, (long long)ch->last_seq);
        return;
    }
    log_line("error",
             "hash chain of %s broken: %lld saved records lost (seq %s)%s, %lld altered (seq %s)",
             s->cfg->db_path, (long long)ch->lost.count, ch->lost.count ? ch->lost.text : "-",
             ch->head_ahead ? " (the head file is ahead: the -wal was lost or damaged)" : "",
             (long long)ch->altered.count, ch->altered.count ? ch->altered.text : "-");
    const char *names[] = {"lost", "altered"};
    char lost[NOTICE_LIST_MAX + sizeof ", ..."], altered[NOTICE_LIST_MAX + sizeof ", ..."];
    notice_list(&ch->lost, lost);
    notice_list(&ch->altered, altered);
    const char *values[] = {lost, altered};
    const char *t = content_string(c, "notice.chain_broken", saving_notice_lang(s->cfg, c));
    const size_t used = strlen(notice);
    if (used + 2 < notice_len) {
        if (used)
            strcat(notice, " ");
        const size_t at = strlen(notice);
        content_fill_vars(notice + at, notice_len - at, t, 2, names, values);
    }
    log_line("warn", "staff notice: %s", notice);
}

/* The log line and the staff notice of a quarantine: the records salvaged against those the
 * damaged copy promised ("{n}" is "95/186", or "95" when the copy showed no count). */
static void recovered_notice(const saving_t *s, const content_t *c, const store_recovery_t *rec,
                             const char *err, char *notice, size_t notice_len)
{
    char n[48];
    if (rec->expected_records >= rec->salvaged_records)
        snprintf(n, sizeof n, "%lld/%lld", (long long)rec->salvaged_records,
                 (long long)rec->expected_records);
    else
        snprintf(n, sizeof n, "%lld", (long long)rec->salvaged_records);
    log_line("error",
             "%s is damaged (%s): set aside as %s, %s records (recovered/expected) and %lld "
             "contacts recovered into a fresh database%s%s",
             s->cfg->db_path, rec->problem, rec->moved_to, n, (long long)rec->salvaged_contacts,
             err[0] ? "; " : "", err);
    const char *t = content_string(c, "notice.db_recovered", saving_notice_lang(s->cfg, c));
    const char *at = strstr(t, "{n}");
    if (at)
        snprintf(notice, notice_len, "%.*s%s%s", (int)(at - t), t, n, at + 3);
    else
        snprintf(notice, notice_len, "%s", t);
    log_line("warn", "staff notice: %s", notice);
}

/* Takes phase 1's result: the store, or why there is none; the log lines and the notice of
 * an unclean stop and a quarantine. A quarantine that an earlier start could not finish (disk
 * full) is finished first, by store_open_recovered(); until it is, the store stays closed and
 * the kiosk out of service, retrying. */
static void take_store(saving_t *s, const content_t *c, record_time_t wall, int64_t now_ms,
                       char *notice, size_t notice_len)
{
    char err[512] = "";
    store_recovery_t rec;
    store_t *st = NULL;
    int rc = KIOSK_OK;
    int64_t ms = 0;
    if (!startup_check_take_store(s->check, &st, &rec, &rc, err, sizeof err, &ms))
        return;
    printf("event=store-open result=%s ms=%lld mono_ns=%lld\n",
           rc                ? "failed"
           : rec.moved_aside ? "recovered"
                             : "ok",
           (long long)ms, (long long)clock_mono_us() * 1000);
    fflush(stdout);
    if (rc != KIOSK_OK) {
        if (!s->open_failed)
            log_line("error", "%s", err);
        s->open_failed = true;
        return;
    }
    s->store = st;
    s->open_failed = false;
    s->checked_utc_ms = wall.utc_ms;
    if (rec.unclean)
        log_line("warn", "%s was not closed cleanly last time (power cut or crash): %s check %s",
                 s->cfg->db_path, rec.checked_full ? "full integrity" : "quick",
                 rec.moved_aside ? "failed" : "passed");
    if (rec.resumed)
        log_line("warn", "finishing the quarantine of %s begun at an earlier start (%s-quarantine)",
                 rec.moved_to, s->cfg->db_path);
    if (rec.moved_aside)
        recovered_notice(s, c, &rec, err, notice, notice_len);
    char boot_id[130];
    read_boot_id(boot_id, sizeof boot_id);
    int64_t boots = 0;
    if (boot_id[0] && store_note_boot(s->store, boot_id, &boots) == KIOSK_OK)
        log_line("info", "boot %lld of this kiosk", (long long)boots);
    s->retention_ms = now_ms - SAVING_RETENTION_EVERY_MS; /* due now */
}

/* Takes phase 2's result: the hash chain's verdict (a head file left behind is brought up on
 * the store, unless a save since has done so). */
static void take_chain(saving_t *s, const content_t *c, char *notice, size_t notice_len)
{
    store_chain_report_t ch;
    char why[512] = "";
    int64_t ms = 0;
    if (!startup_check_take_chain(s->check, &ch, why, sizeof why, &ms))
        return;
    printf("event=chain-verified result=%s records=%lld ms=%lld mono_ns=%lld\n",
           !ch.verified                        ? "failed"
           : ch.lost.count || ch.altered.count ? "broken"
                                               : "ok",
           (long long)ch.records, (long long)ms, (long long)clock_mono_us() * 1000);
    fflush(stdout);
    if (ch.verified && s->store && store_chain_catch_up(s->store, &ch) != KIOSK_OK)
        log_line("error", "%s", store_errmsg(s->store));
    report_chain(s, c, &ch, why, notice, notice_len);
}

void saving_startup(saving_t *s, const content_t *c, record_time_t wall, int64_t now_ms,
                    char *notice, size_t notice_len)
{
    if (!s->store && !s->check) {
        s->check = startup_check_start(s->cfg->db_path, s->hold_check, s->wake, s->wake_ud);
        if (!s->check) {
            log_line("error", "cannot start the check of %s: out of memory", s->cfg->db_path);
            s->open_failed = true;
            return;
        }
    }
    if (!s->check)
        return;
    take_store(s, c, wall, now_ms, notice, notice_len);
    take_chain(s, c, notice, notice_len);
    if (startup_check_finished(s->check)) {
        startup_check_free(s->check);
        s->check = NULL;
    }
}
