/* Syncs that reach the kernel: the real kiosk runs journeys.script under strace, which sees
 * the system calls themselves (a C library whose fsync and fdatasync were turned into
 * no-ops, as libeatmydata does, or a store with synchronous=OFF, makes none). Every thank-you
 * the kiosk writes must come after a write to the database's WAL and, after the last such
 * write, an fsync or fdatasync of the WAL: the answer is on the medium before the resident
 * is thanked. Skips (77) where strace cannot trace (no strace, ptrace not allowed). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "proc_util.h"

typedef struct {
    long thanks, wal_writes, wal_syncs, unsynced_thanks;
} sync_totals_t;

/* Reads strace's log in order: per thread interleaving is kept by -f with one output file. */
static void scan(FILE *f, sync_totals_t *t)
{
    static char line[16384];
    bool written = false, synced = false; /* since the last thank-you */
    while (fgets(line, sizeof line, f)) {
        bool wal = strstr(line, "-wal>") != NULL;
        if (wal && (strstr(line, "pwrite64(") || strstr(line, " write("))) {
            t->wal_writes++;
            written = true;
            synced = false;
        } else if (wal && (strstr(line, "fdatasync(") || strstr(line, "fsync("))) {
            t->wal_syncs++;
            synced = written;
        } else if (strstr(line, "write(1") && strstr(line, "event=thanks")) {
            t->thanks++;
            if (!(written && synced)) {
                t->unsynced_thanks++;
                fprintf(stderr, "  thank-you without a synced WAL write before it: %.160s\n", line);
            }
            written = synced = false;
        }
    }
}

static void every_thank_you_follows_a_sync_of_the_wal(void)
{
    if (system("strace -o /dev/null true 2>/dev/null") != 0) {
        fprintf(stderr, "  skip: strace cannot trace here\n");
        exit(77);
    }
    char dir[700], cmd[8192];
    snprintf(dir, sizeof dir, "%s/sync-strace", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    REQUIRE(system(cmd) == 0);
    /* LeakSanitizer stops the threads with ptrace at exit, which a traced process cannot:
     * under the sanitizer build its leak check is left to the other tests. */
    snprintf(cmd, sizeof cmd,
             "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
             "strace -f -qq -y -s 4096 -o '%s/trace' -e trace=write,pwrite64,fsync,fdatasync "
             "'%s' --headless --db '%s/kiosk.db' --kiosk-id strace-kiosk --script '%s' "
             ">'%s/stdout' 2>'%s/stderr'",
             dir, KIOSK_BIN, dir, KIOSK_SCRIPTS "/journeys.script", dir, dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "tail -20 '%s/stderr' >&2", dir);
        (void)!system(cmd);
        REQUIRE(!"the kiosk under strace failed");
    }
    snprintf(cmd, sizeof cmd, "%s/trace", dir);
    FILE *f = fopen(cmd, "r");
    REQUIRE(f != NULL);
    sync_totals_t t = {0};
    scan(f, &t);
    fclose(f);
    fprintf(stderr,
            "  thank-yous %ld, WAL writes %ld, WAL syncs %ld; thank-yous without a synced "
            "WAL write before them %ld\n",
            t.thanks, t.wal_writes, t.wal_syncs, t.unsynced_thanks);
    CHECK(t.thanks >= (long)(sizeof journeys_expected / sizeof journeys_expected[0]) - 1);
    CHECK(t.wal_syncs > 0);
    CHECK_INT(t.unsynced_thanks, 0);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(every_thank_you_follows_a_sync_of_the_wal);
    return check_failures != 0;
}
