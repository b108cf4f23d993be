/* The technician screens' system side: network and OS text against the kernel's own view, the
 * log ring (order, truncation, four writers and a reader at once), and commands run without a
 * shell (exit status, missing program, timeout, signal, arguments arriving literally). */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "system/sysinfo.h"
#include "system/system.h"
#include "check.h"
#include "core/kerr.h"
#include "core/utf8.h"
#include "scratch_util.h"

static char self_exe[PATH_MAX];

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool iface_exists(const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "/sys/class/net/%s", name);
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void test_network(void)
{
    char buf[4096];
    sysinfo_network(buf, sizeof buf);
    fprintf(stderr, "  network:\n    %s\n", buf);
    REQUIRE(buf[0] != '\0');
    if (strcmp(buf, "no network interfaces") == 0)
        return;
    char copy[sizeof buf];
    snprintf(copy, sizeof copy, "%s", buf);
    size_t lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lines++;
        char name[64] = "", state[64] = "";
        CHECK(sscanf(line, "%63s %63s", name, state) == 2);
        CHECK(strcmp(name, "lo") != 0);
        CHECK(iface_exists(name));
        CHECK(state[0] != '\0' && strcmp(state, "unknown") != 0);
    }
    CHECK(lines > 0);
    /* Every interface the kernel has, down ones without addresses included, except lo. */
    DIR *d = opendir("/sys/class/net");
    REQUIRE(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lo") == 0)
            continue;
        char prefix[sizeof e->d_name + 2];
        snprintf(prefix, sizeof prefix, "%s ", e->d_name);
        bool listed = strncmp(buf, prefix, strlen(prefix)) == 0;
        char nl_prefix[sizeof prefix + 1];
        snprintf(nl_prefix, sizeof nl_prefix, "\n%s", prefix);
        listed = listed || strstr(buf, nl_prefix) != NULL;
        if (!listed)
            fprintf(stderr, "  %s is not listed\n", e->d_name);
        CHECK(listed);
    }
    closedir(d);

    /* A small buffer: cut, terminated, nothing written past it. */
    char small[12];
    memset(small, 'Z', sizeof small);
    sysinfo_network(small, 8);
    CHECK(strlen(small) < 8);
    CHECK(small[8] == 'Z');
    CHECK(strncmp(small, buf, strlen(small)) == 0);
    sysinfo_network(NULL, 0);
}

static void test_os(void)
{
    char buf[1024];
    sysinfo_os(buf, sizeof buf);
    fprintf(stderr, "  os:\n    %s\n", buf);
    struct utsname u;
    REQUIRE(uname(&u) == 0);
    char want[512];
    snprintf(want, sizeof want, "\nkernel: %s\n", u.release);
    CHECK(strstr(buf, want) != NULL);
    snprintf(want, sizeof want, "\nhostname: %s\n", u.nodename);
    CHECK(strstr(buf, want) != NULL);
    CHECK(strncmp(buf, "os: ", 4) == 0);
    CHECK(strstr(buf, "\nuptime: ") != NULL);
    CHECK(strstr(buf, " min") != NULL);

    /* The PRETTY_NAME, when os-release has a plainly quoted one. */
    FILE *f = fopen("/etc/os-release", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "PRETTY_NAME=\"", 13) != 0 || strchr(line, '\\'))
                continue;
            char *end = strrchr(line, '"');
            if (end > line + 12) {
                *end = '\0';
                snprintf(want, sizeof want, "os: %s\n", line + 13);
                CHECK(strncmp(buf, want, strlen(want)) == 0);
            }
        }
        fclose(f);
    }

    char up[64];
    sysinfo_uptime(up, sizeof up);
    CHECK(strlen(up) > 4 && strcmp(up + strlen(up) - 4, " min") == 0);
}

static void test_uptime_format(void)
{
    char buf[64];
    sysinfo_format_uptime(0, buf, sizeof buf);
    CHECK_STR(buf, "0 min");
    sysinfo_format_uptime(59, buf, sizeof buf);
    CHECK_STR(buf, "0 min");
    sysinfo_format_uptime(-5, buf, sizeof buf);
    CHECK_STR(buf, "0 min");
    sysinfo_format_uptime(12 * 60 + 30, buf, sizeof buf);
    CHECK_STR(buf, "12 min");
    sysinfo_format_uptime(4 * 3600, buf, sizeof buf);
    CHECK_STR(buf, "4 h 0 min");
    sysinfo_format_uptime(3 * 86400 + 4 * 3600 + 12 * 60 + 59, buf, sizeof buf);
    CHECK_STR(buf, "3 d 4 h 12 min");
    sysinfo_format_uptime(86400, buf, sizeof buf);
    CHECK_STR(buf, "1 d 0 h 0 min");
    sysinfo_format_uptime(3 * 86400 + 4 * 3600, buf, 6);
    CHECK_STR(buf, "3 d 4");
}

/* "HH:MM:SS " at the start of a stored line. */
static bool stamped(const char *line)
{
    return strlen(line) >= 9 && line[2] == ':' && line[5] == ':' && line[8] == ' ' &&
           strspn(line, "0123456789") == 2;
}

static char lines[LOGRING_LINES + 8][LOGRING_LINE_MAX];
static logring_t *ring; /* the ring under test, made by main */

static void test_logring_order(void)
{
    uint64_t before = logring_total(ring);
    for (int i = 0; i < 200; i++) {
        char msg[32];
        snprintf(msg, sizeof msg, "line %d", i);
        logring_add(ring, "info", msg);
    }
    CHECK_INT(logring_total(ring) - before, 200);
    size_t n = logring_last(ring, LOGRING_LINES + 8, lines);
    CHECK_INT(n, LOGRING_LINES);
    for (size_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "info line %zu", 200 - LOGRING_LINES + i);
        CHECK(stamped(lines[i]));
        CHECK_STR(lines[i] + 9, want);
    }
    n = logring_last(ring, 3, lines);
    CHECK_INT(n, 3);
    CHECK_STR(lines[0] + 9, "info line 197");
    CHECK_STR(lines[2] + 9, "info line 199");
    CHECK_INT(logring_last(ring, 0, lines), 0);
}

static void test_logring_truncation(void)
{
    char msg[600];
    memset(msg, 'x', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    logring_add(ring, "warn", msg);
    REQUIRE(logring_last(ring, 1, lines) == 1);
    size_t len = strlen(lines[0]);
    CHECK(len <= LOGRING_LINE_MAX - 1);
    CHECK(len >= LOGRING_LINE_MAX - 4);
    CHECK(stamped(lines[0]));
    CHECK(strncmp(lines[0] + 9, "warn xxx", 8) == 0);
    CHECK(strcmp(lines[0] + len - 3, "...") == 0);

    /* Three-byte characters: cut between characters, never inside one. */
    char cjk[3 * 100 + 1] = "";
    for (int i = 0; i < 100; i++)
        strcat(cjk, "\xe6\x9c\x8d"); /* U+670D */
    for (int shift = 0; shift < 3; shift++) {
        char m[sizeof cjk + 4];
        snprintf(m, sizeof m, "%.*s%s", shift, "ab", cjk);
        logring_add(ring, "error", m);
        REQUIRE(logring_last(ring, 1, lines) == 1);
        len = strlen(lines[0]);
        CHECK(len <= LOGRING_LINE_MAX - 1);
        CHECK(utf8_valid_text(lines[0], len));
        CHECK(strcmp(lines[0] + len - 3, "...") == 0);
    }

    /* A newline or tab in a message stays on one line. */
    logring_add(ring, "info", "two\nlines\tand a tab");
    REQUIRE(logring_last(ring, 1, lines) == 1);
    CHECK_STR(lines[0] + 9, "info two lines and a tab");
    logring_add(ring, NULL, NULL);
    REQUIRE(logring_last(ring, 1, lines) == 1);
    CHECK_STR(lines[0] + 8, "  ");
}

#define WRITERS 4
#define PER_WRITER 5000
#define PAYLOAD 120

static volatile int writers_done;

/* "t<k> n<seq> " then PAYLOAD copies of the thread's letter: a torn line shows as a mix. */
static bool well_formed(const char *line, int *thread, int *seq)
{
    int k, s, used = 0;
    if (!stamped(line) || sscanf(line + 9, "info t%d n%d %n", &k, &s, &used) != 2 || used == 0)
        return false;
    if (k < 0 || k >= WRITERS || s < 0 || s >= PER_WRITER)
        return false;
    const char *p = line + 9 + used;
    if (strlen(p) != PAYLOAD || strspn(p, (char[]){(char)('a' + k), '\0'}) != PAYLOAD)
        return false;
    *thread = k;
    *seq = s;
    return true;
}

static void *writer(void *arg)
{
    int k = (int)(intptr_t)arg;
    char msg[256];
    char payload[PAYLOAD + 1];
    memset(payload, 'a' + k, PAYLOAD);
    payload[PAYLOAD] = '\0';
    for (int i = 0; i < PER_WRITER; i++) {
        snprintf(msg, sizeof msg, "t%d n%d %s", k, i, payload);
        logring_add(ring, "info", msg);
    }
    return NULL;
}

static void *reader(void *arg)
{
    int *bad = arg;
    static char snap[LOGRING_LINES][LOGRING_LINE_MAX];
    while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE)) {
        size_t n = logring_last(ring, LOGRING_LINES, snap);
        for (size_t i = 0; i < n; i++) {
            int k, s;
            bool ours =
                strncmp(snap[i] + 9, "info t", 6) == 0 && isdigit((unsigned char)snap[i][15]);
            if (ours && !well_formed(snap[i], &k, &s))
                (*bad)++;
        }
    }
    return NULL;
}

static void test_logring_threads(void)
{
    uint64_t before = logring_total(ring);
    pthread_t w[WRITERS], r;
    int torn_seen = 0;
    __atomic_store_n(&writers_done, 0, __ATOMIC_RELEASE);
    REQUIRE(pthread_create(&r, NULL, reader, &torn_seen) == 0);
    for (int k = 0; k < WRITERS; k++)
        REQUIRE(pthread_create(&w[k], NULL, writer, (void *)(intptr_t)k) == 0);
    for (int k = 0; k < WRITERS; k++)
        pthread_join(w[k], NULL);
    __atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
    pthread_join(r, NULL);
    CHECK_INT(torn_seen, 0);
    CHECK_INT(logring_total(ring) - before, WRITERS * PER_WRITER);

    /* The ring holds the last LOGRING_LINES adds: of each thread in it, a run of consecutive
     * numbers ending at its last line. */
    size_t n = logring_last(ring, LOGRING_LINES, lines);
    CHECK_INT(n, LOGRING_LINES);
    int last[WRITERS], count[WRITERS];
    for (int k = 0; k < WRITERS; k++)
        last[k] = -1, count[k] = 0;
    for (size_t i = 0; i < n; i++) {
        int k, s;
        if (!well_formed(lines[i], &k, &s)) {
            fprintf(stderr, "  torn: %s\n", lines[i]);
            CHECK(false);
            continue;
        }
        CHECK(last[k] < 0 || s == last[k] + 1);
        last[k] = s;
        count[k]++;
    }
    int total = 0;
    for (int k = 0; k < WRITERS; k++) {
        CHECK(count[k] == 0 || last[k] == PER_WRITER - 1);
        total += count[k];
    }
    CHECK_INT(total, LOGRING_LINES);
}

static void test_run_status(void)
{
    char err[512];
    const char *const ok[] = {"true", NULL};
    CHECK_INT(sysinfo_run(ok, 5000, err, sizeof err), KIOSK_OK);
    CHECK_STR(err, "");

    const char *const fails[] = {"false", NULL};
    CHECK_INT(sysinfo_run(fails, 5000, err, sizeof err), KIOSK_EIO);
    fprintf(stderr, "  %s\n", err);
    CHECK_STR(err, "false: exit status 1");

    /* What the command said on stderr comes along; nothing reaches our stdout. */
    const char *const says[] = {"sh", "-c", "echo fine; echo 'oops: denied' >&2; exit 3", NULL};
    CHECK_INT(sysinfo_run(says, 5000, err, sizeof err), KIOSK_EIO);
    fprintf(stderr, "  %s\n", err);
    CHECK(strncmp(err, "sh -c ", 6) == 0);
    CHECK(strstr(err, ": exit status 3 (fine)") != NULL);
    const char *const says2[] = {"sh", "-c", "echo 'oops: denied' >&2; exit 3", NULL};
    CHECK_INT(sysinfo_run(says2, 5000, err, sizeof err), KIOSK_EIO);
    CHECK(strstr(err, ": exit status 3 (oops: denied)") != NULL);

    const char *const missing[] = {"kiosk-no-such-program", "--flag", NULL};
    const char *const missing_path[] = {"/nonexistent/kiosk-tool", NULL};
#ifndef KIOSK_TEST_EMULATED
    CHECK_INT(sysinfo_run(missing, 5000, err, sizeof err), KIOSK_ENOENT);
    fprintf(stderr, "  %s\n", err);
    CHECK(strncmp(err, "kiosk-no-such-program --flag: cannot run: ", 42) == 0);
    CHECK_INT(sysinfo_run(missing_path, 5000, err, sizeof err), KIOSK_ENOENT);
    CHECK(strstr(err, "/nonexistent/kiosk-tool") != NULL);
#else
    /* Under qemu-user (the arm64 preset's tests) posix_spawnp cannot report a failed exec:
     * qemu runs glibc's clone(CLONE_VM | CLONE_VFORK) as a plain fork, so the child's errno
     * never reaches the parent and the child exits 127, as a shell would. Still a failure. */
    CHECK_INT(sysinfo_run(missing, 5000, err, sizeof err), KIOSK_EIO);
    fprintf(stderr, "  %s (under qemu-user)\n", err);
    CHECK(strncmp(err, "kiosk-no-such-program --flag: ", 30) == 0);
    CHECK(strstr(err, "exit status 127") != NULL);
    CHECK_INT(sysinfo_run(missing_path, 5000, err, sizeof err), KIOSK_EIO);
    CHECK(strstr(err, "/nonexistent/kiosk-tool") != NULL);
#endif

    const char *const signalled[] = {"sh", "-c", "kill -TERM $$", NULL};
    CHECK_INT(sysinfo_run(signalled, 5000, err, sizeof err), KIOSK_EIO);
    fprintf(stderr, "  %s\n", err);
    CHECK(strstr(err, "killed by signal 15") != NULL);

    /* stdin is /dev/null: cat ends at once. */
    const char *const cat[] = {"cat", NULL};
    int64_t t0 = mono_ms();
    CHECK_INT(sysinfo_run(cat, 5000, err, sizeof err), KIOSK_OK);
    CHECK(mono_ms() - t0 < 2000);

    const char *const empty[] = {NULL};
    const char *const blank[] = {"", NULL};
    CHECK_INT(sysinfo_run(NULL, 1000, err, sizeof err), KIOSK_EINVAL);
    CHECK_INT(sysinfo_run(empty, 1000, err, sizeof err), KIOSK_EINVAL);
    CHECK_INT(sysinfo_run(blank, 1000, err, sizeof err), KIOSK_EINVAL);
    CHECK_INT(sysinfo_run(ok, 0, err, sizeof err), KIOSK_EINVAL);
    CHECK_INT(sysinfo_run(fails, 5000, NULL, 0), KIOSK_EIO);
    char tiny[6];
    CHECK_INT(sysinfo_run(fails, 5000, tiny, sizeof tiny), KIOSK_EIO);
    CHECK_STR(tiny, "false");
}

/* The process has ended within a second (a zombie left to a parent that does not reap counts). */
static bool gone(pid_t pid)
{
    for (int i = 0; i < 100; i++) {
        char path[64], stat_line[256] = "";
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (!f)
            return true;
        bool read = fgets(stat_line, sizeof stat_line, f) != NULL;
        fclose(f);
        const char *close_paren = strrchr(stat_line, ')');
        if (read && close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z')
            return true;
        usleep(10000);
    }
    return false;
}

static void test_run_timeout(void)
{
    char err[512];
    const char *const slow[] = {"sleep", "5", NULL};
    int64_t t0 = mono_ms();
    CHECK_INT(sysinfo_run(slow, 200, err, sizeof err), KIOSK_EBUSY);
    int64_t took = mono_ms() - t0;
    fprintf(stderr, "  %s (%lld ms)\n", err, (long long)took);
    CHECK(took >= 200 && took < 2000);
    CHECK_STR(err, "sleep 5: still running after 200 ms, killed");

    /* What it started dies with it (its process group). */
    char dir[PATH_MAX], pid_path[PATH_MAX], script[PATH_MAX + 64];
    REQUIRE(make_scratch_dir(dir, "sysinfo"));
    join(pid_path, dir, "pid");
    snprintf(script, sizeof script, "sleep 5 & echo $! > '%s'; wait", pid_path);
    const char *const tree[] = {"sh", "-c", script, NULL};
    t0 = mono_ms();
    CHECK_INT(sysinfo_run(tree, 300, err, sizeof err), KIOSK_EBUSY);
    CHECK(mono_ms() - t0 < 2000);
    FILE *f = fopen(pid_path, "r");
    REQUIRE(f);
    int pid = 0;
    CHECK(fscanf(f, "%d", &pid) == 1);
    fclose(f);
    remove_tree(dir);
    REQUIRE(pid > 0);
    CHECK(gone((pid_t)pid));
}

/* The command of the argv test: this program, writing its arguments NUL-separated. */
static int write_argv(int argc, char **argv)
{
    FILE *f = fopen(argv[2], "wb");
    if (!f)
        return 2;
    for (int i = 3; i < argc; i++)
        fwrite(argv[i], 1, strlen(argv[i]) + 1, f);
    return fclose(f) == 0 ? 0 : 2;
}

static void test_run_argv(void)
{
    char dir[PATH_MAX], path[PATH_MAX], err[512];
    REQUIRE(make_scratch_dir(dir, "sysinfo"));
    join(path, dir, "argv");
    char out_path[PATH_MAX], redirect[PATH_MAX + 2];
    join(out_path, dir, "out");
    snprintf(redirect, sizeof redirect, ">%s", out_path);
    const char *const args[] = {"a;b $(x)",  "`id`",       "*",     "two words", "",
                                "new\nline", "'q'\"q\"\\", "$HOME", "-c",        redirect};
    const size_t nargs = sizeof args / sizeof args[0];
#ifdef KIOSK_TEST_SELF
    /* Built for another architecture: this program through its emulator wrapper (no binfmt). */
    const char *argv[16] = {KIOSK_TEST_SELF, "--write-argv", path};
#else
    const char *argv[16] = {self_exe, "--write-argv", path};
#endif
    for (size_t i = 0; i < nargs; i++)
        argv[3 + i] = args[i];
    argv[3 + nargs] = NULL;
    CHECK_INT(sysinfo_run(argv, 10000, err, sizeof err), KIOSK_OK);
    CHECK_STR(err, "");

    char got[1024];
    FILE *f = fopen(path, "rb");
    REQUIRE(f);
    size_t n = fread(got, 1, sizeof got, f);
    fclose(f);
    size_t at = 0;
    for (size_t i = 0; i < nargs; i++) {
        REQUIRE(at < n);
        CHECK_STR(got + at, args[i]);
        at += strlen(got + at) + 1;
    }
    CHECK_INT(at, n);
    /* No shell ran: nothing was redirected into "out". */
    CHECK(access(out_path, F_OK) != 0);
    remove_tree(dir);
}

/* Two rings are two logs: what one holds the other does not; a NULL ring holds nothing. */
static void test_logring_objects_are_separate(void)
{
    logring_t *other = logring_new();
    REQUIRE(other);
    uint64_t before = logring_total(ring);
    logring_add(other, "info", "only in the other ring");
    CHECK_INT(logring_total(other), 1);
    CHECK_INT(logring_total(ring), before);
    REQUIRE(logring_last(other, 4, lines) == 1);
    CHECK_STR(lines[0] + 9, "info only in the other ring");
    logring_free(other);
    logring_add(NULL, "info", "nowhere");
    CHECK_INT(logring_total(NULL), 0);
    CHECK_INT(logring_last(NULL, 4, lines), 0);
    logring_free(NULL);
}

/* A command does not inherit the service manager's variables (it must not speak for the
 * kiosk), but the rest of the environment. */
static void test_run_without_service_variables(void)
{
    char err[512];
    setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
    setenv("WATCHDOG_USEC", "2000000", 1);
    setenv("WATCHDOG_PID", "1", 1);
    setenv("KIOSK_TEST_KEPT", "yes", 1);
    const char *const check[] = {"sh", "-c",
                                 "test -z \"$NOTIFY_SOCKET$WATCHDOG_USEC$WATCHDOG_PID\" && "
                                 "test \"$KIOSK_TEST_KEPT\" = yes",
                                 NULL};
    CHECK_INT(sysinfo_run(check, 5000, err, sizeof err), KIOSK_OK);
    CHECK_STR(err, "");
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    unsetenv("KIOSK_TEST_KEPT");
}

/* ---- the system edge through fake ops ---- */

typedef struct {
    char notified[8][128];
    int nnotified;
    char ran[256];
    int ran_timeout;
    int backlight;
} fake_system_t;

static int fake_notify(void *ctx, const char *state)
{
    fake_system_t *f = ctx;
    if (f->nnotified < 8)
        snprintf(f->notified[f->nnotified++], sizeof f->notified[0], "%s", state);
    return 1;
}

static int fake_run(void *ctx, const char *const argv[], int timeout_ms, char *err, size_t errlen)
{
    fake_system_t *f = ctx;
    f->ran[0] = '\0';
    for (size_t i = 0; argv[i]; i++)
        snprintf(f->ran + strlen(f->ran), sizeof f->ran - strlen(f->ran), "%s%s", i ? " " : "",
                 argv[i]);
    f->ran_timeout = timeout_ms;
    snprintf(err, errlen, "fake");
    return KIOSK_EIO;
}

static int fake_bl_get(void *ctx, const char *dir, int *value, int *max, char *err, size_t len)
{
    (void)dir, (void)err, (void)len;
    *value = ((fake_system_t *)ctx)->backlight;
    *max = 100;
    return KIOSK_OK;
}

static int fake_bl_set(void *ctx, const char *dir, int value, char *err, size_t len)
{
    (void)dir, (void)err, (void)len;
    ((fake_system_t *)ctx)->backlight = value;
    return KIOSK_OK;
}

static void fake_text(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    snprintf(buf, len, "fake facts");
}

static system_ops_t fake_ops(fake_system_t *f)
{
    return (system_ops_t){fake_notify, fake_run,  fake_bl_get, fake_bl_set,
                          fake_bl_set, fake_text, fake_text,   f};
}

/* Notifications go through ops->notify, and only under a service manager. */
static void test_system_notifies_only_when_managed(void)
{
    fake_system_t f = {0};
    system_ops_t ops = fake_ops(&f);
    unsetenv("NOTIFY_SOCKET");
    system_t *s = system_open(&ops, NULL, NULL);
    REQUIRE(s);
    CHECK(!system_managed(s));
    CHECK(!system_notify(s, "READY=1"));
    CHECK_INT(f.nnotified, 0);
    CHECK_INT(system_watchdog_due_ms(s, 0), -1);
    system_close(s);

    setenv("NOTIFY_SOCKET", "@kiosk-test", 1);
    s = system_open(&ops, NULL, NULL);
    REQUIRE(s);
    CHECK(system_managed(s));
    CHECK(system_notify(s, "READY=1\nSTATUS=%s", "taking answers"));
    REQUIRE(f.nnotified == 1);
    CHECK_STR(f.notified[0], "READY=1\nSTATUS=taking answers");
    CHECK_INT(system_stop_signal(s), 0);
    system_close(s);
    unsetenv("NOTIFY_SOCKET");
}

static void keep_log(const char *level, const char *msg, void *ud)
{
    snprintf(ud, 256, "%s %s", level, msg);
}

/* The watchdog (sd_watchdog_enabled): pinged at half of WATCHDOG_USEC, only when meant for us. */
static void test_system_watchdog_interval(void)
{
    fake_system_t f = {0};
    system_ops_t ops = fake_ops(&f);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("NOTIFY_SOCKET", "/run/kiosk-test-notify", 1);
    setenv("WATCHDOG_USEC", "200000", 1);
    setenv("WATCHDOG_PID", pid, 1);
    system_t *s = system_open(&ops, NULL, NULL);
    REQUIRE(s);
    CHECK_INT(system_watchdog_interval_ms(s), 100);
    CHECK_INT(system_watchdog_due_ms(s, 5000), 0);
    system_watchdog(s, 5000);
    CHECK_INT(f.nnotified, 1);
    CHECK_STR(f.notified[0], "WATCHDOG=1");
    CHECK_INT(system_watchdog_due_ms(s, 5040), 60);
    system_watchdog(s, 5099);
    CHECK_INT(f.nnotified, 1);
    system_watchdog(s, 5100);
    CHECK_INT(f.nnotified, 2);
    system_close(s);

    setenv("WATCHDOG_PID", "1", 1); /* another process's watchdog */
    s = system_open(&ops, NULL, NULL);
    REQUIRE(s);
    CHECK_INT(system_watchdog_interval_ms(s), 0);
    system_close(s);

    /* A malformed interval is said, unless it was meant for another process. */
    char said[256] = "";
    setenv("WATCHDOG_USEC", "soon", 1);
    s = system_open(&ops, keep_log, said);
    REQUIRE(s);
    CHECK_INT(system_watchdog_interval_ms(s), 0);
    CHECK_STR(said, "");
    system_close(s);
    setenv("WATCHDOG_PID", pid, 1);
    s = system_open(&ops, keep_log, said);
    REQUIRE(s);
    CHECK_INT(system_watchdog_interval_ms(s), 0);
    CHECK_STR(said, "warn WATCHDOG_USEC 'soon' is not a number of microseconds: no watchdog");
    system_close(s);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
}

/* Power actions run the configured command, else systemctl's, through ops->run. */
static void test_system_power_commands(void)
{
    fake_system_t f = {0};
    system_ops_t ops = fake_ops(&f);
    system_t *s = system_open(&ops, NULL, NULL);
    REQUIRE(s);
    char err[64];
    CHECK_INT(system_power(s, SYSTEM_REBOOT, NULL, err, sizeof err), KIOSK_EIO);
    CHECK_STR(f.ran, "systemctl reboot");
    CHECK_INT(f.ran_timeout, 30000);
    CHECK_STR(err, "fake");
    system_power(s, SYSTEM_POWEROFF, NULL, err, sizeof err);
    CHECK_STR(f.ran, "systemctl poweroff");
    system_power(s, SYSTEM_RESTART, NULL, err, sizeof err);
    CHECK_STR(f.ran, "systemctl --no-block restart kiosk.service");
    const char *const mine[] = {"sudo", "/sbin/reboot", NULL};
    system_power(s, SYSTEM_REBOOT, mine, err, sizeof err);
    CHECK_STR(f.ran, "sudo /sbin/reboot");
    /* The backlight and the facts go through the same seam. */
    f.backlight = 40;
    int v = 0, max = 0;
    CHECK_INT(system_backlight_get(s, "/x", &v, &max, err, sizeof err), KIOSK_OK);
    CHECK_INT(v, 40);
    system_backlight_set(s, "/x", 7, err, sizeof err);
    CHECK_INT(f.backlight, 7);
    char text[32];
    system_os(s, text, sizeof text);
    CHECK_STR(text, "fake facts");
    system_close(s);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--write-argv") == 0)
        return write_argv(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n <= 0)
        return 1;
    self_exe[n] = '\0';

    ring = logring_new();
    if (!ring)
        return 1;
    RUN(test_network);
    RUN(test_os);
    RUN(test_uptime_format);
    RUN(test_logring_order);
    RUN(test_logring_truncation);
    RUN(test_logring_threads);
    RUN(test_run_status);
    RUN(test_run_timeout);
    RUN(test_run_argv);
    RUN(test_logring_objects_are_separate);
    RUN(test_run_without_service_variables);
    RUN(test_system_notifies_only_when_managed);
    RUN(test_system_watchdog_interval);
    RUN(test_system_power_commands);
    logring_free(ring);
    return check_failures != 0;
}
