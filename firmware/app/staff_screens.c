/* The staff screens in the application: the long press that asks for the PIN, the PIN check
 * (libsodium, through the crypto edge), the log of wrong PINs, and the figures of the staff
 * screen from the store and the file system. The state machine itself is core/staff.c. */
#include <dirent.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "app/app_internal.h"
#include "core/kerr.h"
#include "crypto/crypto.h"

int app_hash_pin(FILE *in)
{
    char pin[64] = "";
    if (!fgets(pin, sizeof pin, in)) {
        fprintf(stderr, "kiosk: --hash-pin reads the PIN from standard input; none given\n");
        return 2;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    size_t n = strlen(pin);
    bool digits = n >= STAFF_PIN_MIN && n <= STAFF_PIN_MAX && strspn(pin, "0123456789") == n;
    char hash[CRYPTO_PIN_HASH_BYTES];
    int rc = digits && crypto_init() == KIOSK_OK ? crypto_pin_hash(pin, hash) : KIOSK_EINVAL;
    memset(pin, 0, sizeof pin);
    if (!digits) {
        fprintf(stderr, "kiosk: a staff PIN is %d to %d digits\n", STAFF_PIN_MIN, STAFF_PIN_MAX);
        return 2;
    }
    if (rc != KIOSK_OK) {
        fprintf(stderr, "kiosk: cannot hash the PIN: %s\n", kiosk_strerror(rc));
        return 2;
    }
    printf("%s\n", hash);
    return 0;
}

bool staff_active(const app_t *a)
{
    return a->staff.state != STAFF_CLOSED;
}

void staff_enter(app_t *a)
{
    int64_t now = now_ms(a);
    if (staff_active(a))
        return;
    /* A resident's unfinished session ends (as if they had left); nothing of it stays. */
    flow_abandon(a->flow, now);
    bool no_pin = !a->cfg->staff_pin_hash || !a->cfg->staff_pin_hash[0];
    staff_request(&a->staff, no_pin, now);
    log_line("info", "staff button held: PIN asked%s",
             no_pin ? " (no PIN is provisioned: staff.pinHash in the configuration)" : "");
    a->dirty = true;
}

/* Local midnight today, as UTC milliseconds. */
static int64_t local_midnight_ms(int64_t utc_ms)
{
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return utc_ms - utc_ms % 86400000;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Damaged databases set aside next to ours ("<db>.corrupt-<stamp>", never deleted). */
static int64_t count_moved_aside(const char *db_path)
{
    char dir_buf[4096], base_buf[4096];
    snprintf(dir_buf, sizeof dir_buf, "%s", db_path);
    snprintf(base_buf, sizeof base_buf, "%s", db_path);
    const char *dir = dirname(dir_buf), *base = basename(base_buf);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s.corrupt-", base);
    size_t pl = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int64_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        bool side = l > 4 && (strcmp(e->d_name + l - 4, "-wal") == 0 ||
                              strcmp(e->d_name + l - 4, "-shm") == 0);
        if (strncmp(e->d_name, prefix, pl) == 0 && !side)
            n++;
    }
    closedir(d);
    return n;
}

static void fill_stats(app_t *a)
{
    staff_stats_t *s = &a->staff.stats;
    memset(s, 0, sizeof *s);
    record_time_t t = record_time();
    int64_t day = local_midnight_ms(t.utc_ms), week = t.utc_ms - 7LL * 86400000;
    if (!a->store || store_staff_stats(a->store, day, week, s) != KIOSK_OK) {
        log_line("warn", "staff screen: cannot read the figures: %s",
                 a->store ? store_errmsg(a->store) : "no database");
        s->records_today = s->records_week = s->not_exported = s->requests_waiting =
            s->misuse_flagged = s->timed_out_week = -1;
    }
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", a->cfg->db_path);
    s->db_bytes = file_size(a->cfg->db_path) + file_size(wal);
    char dir_buf[4096];
    snprintf(dir_buf, sizeof dir_buf, "%s", a->cfg->db_path);
    struct statvfs vfs;
    s->free_bytes =
        statvfs(dirname(dir_buf), &vfs) == 0 ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize : -1;
    s->last_check_ms = a->store_checked_utc_ms;
    s->now_ms = t.utc_ms;
    s->clock_synced = t.clock_synced;
    s->moved_aside = count_moved_aside(a->cfg->db_path);
}

/* Erases the contact details a staff member confirmed, for a resident who asked. */
static void perform_erase(app_t *a, const char *ref)
{
    int rc = a->store ? store_erase_contact(a->store, ref) : KIOSK_EIO;
    erase_result_t result = ERASE_FAILED;
    if (rc == KIOSK_OK || rc == KIOSK_EBUSY) {
        /* EBUSY: erased, only the checkpoint that scrubs the WAL waits for the next one. */
        result = ERASE_DONE;
        log_line("info", "contact details of request %s erased by staff at the kiosk", ref);
    } else if (rc == KIOSK_ENOENT) {
        result = ERASE_NOT_FOUND;
        log_line("info", "staff asked to erase request %s: no contact details found", ref);
    } else {
        log_line("error", "cannot erase the contact details of request %s: %s", ref,
                 a->store ? store_errmsg(a->store) : "no database");
    }
    printf("event=erase ref=%s result=%s\n", ref,
           result == ERASE_DONE        ? "erased"
           : result == ERASE_NOT_FOUND ? "not-found"
                                       : "failed");
    fflush(stdout);
    staff_erase_done(&a->staff, result, now_ms(a));
    fill_stats(a);
    a->dirty = true;
}

/* Typing a reference code on a desktop keyboard: the code's characters, any case. */
bool staff_type(app_t *a, const char *text)
{
    static const char alphabet[] = REFCODE_ALPHABET;
    bool changed = false;
    int64_t now = now_ms(a);
    for (const char *c = text; *c; c++) {
        if (a->staff.state == STAFF_PIN) {
            changed = staff_digit(&a->staff, *c, now) || changed;
            continue;
        }
        char u = *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
        const char *at = u ? strchr(alphabet, u) : NULL;
        if (at)
            changed = staff_ref_key(&a->staff, (int)(at - alphabet), now) || changed;
    }
    return changed;
}

/* The pending work: a PIN check (Argon2id takes a moment by design; the keypad shows it
 * disabled) or an erase. */
void staff_process(app_t *a)
{
    const char *ref = staff_pending_erase(&a->staff);
    if (ref) {
        char code[8];
        snprintf(code, sizeof code, "%s", ref);
        perform_erase(a, code);
        return;
    }
    if (a->staff.state != STAFF_CHECKING)
        return;
    bool right =
        crypto_init() == KIOSK_OK &&
        crypto_pin_verify(a->cfg->staff_pin_hash ? a->cfg->staff_pin_hash : "", a->staff.pin);
    int64_t now = now_ms(a);
    staff_checked(&a->staff, right, now);
    if (right) {
        log_line("info", "staff PIN accepted: staff screen open");
        fill_stats(a);
    } else {
        int64_t wait = staff_wait_ms(&a->staff, now);
        if (wait)
            log_line("warn", "staff PIN wrong (%d in a row); next PIN taken in %lld s",
                     a->staff.failures, (long long)(wait / 1000));
        else
            log_line("warn", "staff PIN wrong (%d in a row)", a->staff.failures);
    }
    printf("event=staff-pin result=%s failures=%d\n", right ? "right" : "wrong", a->staff.failures);
    fflush(stdout);
    a->dirty = true;
}

void staff_activate(app_t *a, const widget_t *w)
{
    int64_t now = now_ms(a);
    bool changed = false;
    switch (w->action) {
    case ACT_STAFF_DIGIT:
        changed = staff_digit(&a->staff, (char)('0' + w->arg), now);
        break;
    case ACT_STAFF_DELETE:
        changed = staff_delete(&a->staff, now);
        break;
    case ACT_STAFF_OK:
        changed = staff_ok(&a->staff, now);
        break;
    case ACT_STAFF_ERASE:
        changed = staff_erase_page(&a->staff, now);
        break;
    case ACT_STAFF_REF_KEY:
        changed = staff_ref_key(&a->staff, w->arg, now);
        break;
    case ACT_STAFF_REF_DELETE:
        changed = staff_ref_delete(&a->staff, now);
        break;
    case ACT_STAFF_ERASE_ASK:
        changed = staff_erase_ask(&a->staff, now);
        break;
    case ACT_STAFF_ERASE_CONFIRM:
        changed = staff_erase_confirm(&a->staff, now);
        break;
    case ACT_STAFF_BACK:
        changed = staff_back(&a->staff, now);
        break;
    case ACT_STAFF_CLOSE:
        changed = staff_close(&a->staff);
        if (changed)
            log_line("info", "staff screens closed");
        break;
    default:
        break;
    }
    a->dirty = a->dirty || changed;
}
