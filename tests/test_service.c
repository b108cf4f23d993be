/* The kiosk under a service manager, end to end: the real binary, headless, with a fake
 * systemd on the other side of $NOTIFY_SOCKET (a datagram socket this test binds, by path and
 * in the abstract namespace). READY=1 comes once the first frame is drawn and the database is
 * open; WATCHDOG=1 keeps coming at half of $WATCHDOG_USEC while the kiosk sits idle (its event
 * loop would otherwise sleep up to an hour) without spending CPU; SIGTERM brings STOPPING=1, a
 * clean close of the database (the "-running" marker removed) and exit status 0; SIGINT in the
 * middle of a resident's session abandons that session; --out-of-order shows its screen without
 * touching the database and sleeps until SIGTERM. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch_util.h"

#define WATCHDOG_USEC 200000   /* the kiosk pings every 100 ms */
#define START_TIMEOUT_MS 60000 /* generous: the sanitizer build starts slowly */

static char dir[PATH_MAX];

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the fake service manager's end of NOTIFY_SOCKET ---- */

typedef struct {
    int fd;
    char env[PATH_MAX]; /* the value for NOTIFY_SOCKET */
} notify_t;

/* Binds a datagram socket: a file in the scratch directory, or an abstract name ("@..."). */
static bool notify_open(notify_t *n, const char *name, bool abstract)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    socklen_t len;
    if (abstract) {
        snprintf(n->env, sizeof n->env, "@kiosk-test-%ld-%s", (long)getpid(), name);
        size_t l = strlen(n->env);
        memcpy(sa.sun_path, n->env, l);
        sa.sun_path[0] = '\0';
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l);
    } else {
        join(n->env, dir, name);
        if (strlen(n->env) >= sizeof sa.sun_path)
            return false;
        unlink(n->env);
        memcpy(sa.sun_path, n->env, strlen(n->env) + 1);
        len = sizeof sa;
    }
    n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    return n->fd >= 0 && bind(n->fd, (struct sockaddr *)&sa, len) == 0;
}

/* The next notification, waiting at most timeout_ms; false on timeout. */
static bool notify_recv(notify_t *n, char *msg, size_t len, int timeout_ms)
{
    struct pollfd p = {.fd = n->fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return false;
    ssize_t r = recv(n->fd, msg, len - 1, 0);
    if (r < 0)
        return false;
    msg[r] = '\0';
    return true;
}

/* Waits for a notification containing what (other ones, such as pings, are skipped). */
static bool notify_wait_for(notify_t *n, const char *what, char *msg, size_t len, int timeout_ms)
{
    int64_t end = mono_ms() + timeout_ms;
    for (int64_t left; (left = end - mono_ms()) > 0;)
        if (notify_recv(n, msg, len, (int)left) && strstr(msg, what))
            return true;
    return false;
}

static void notify_close(notify_t *n)
{
    close(n->fd);
    if (n->env[0] == '/')
        unlink(n->env);
}

/* ---- the kiosk ---- */

typedef struct {
    pid_t pid;
    int in;  /* its stdin, for the script's "pause" */
    int out; /* its stdout */
    char out_text[16384];
    size_t out_len;
    char err_path[PATH_MAX];
} kiosk_t;

/* Starts the kiosk with args (NULL-terminated) and, when notify is given, NOTIFY_SOCKET,
 * WATCHDOG_USEC (when wd_usec > 0) and WATCHDOG_PID as systemd sets them (the kiosk's own pid,
 * or another process's when wd_other). */
static bool kiosk_start(kiosk_t *k, const char *name, const notify_t *notify, long wd_usec,
                        bool wd_other, char *const args[])
{
    memset(k, 0, sizeof *k);
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
        return false;
    char base[PATH_MAX];
    join(base, dir, name);
    snprintf(k->err_path, sizeof k->err_path, "%.4000s.stderr", base);
    k->pid = fork();
    if (k->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        int e = open(k->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(e, 2);
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
        unsetenv("WATCHDOG_PID");
        if (notify) {
            char v[32];
            setenv("NOTIFY_SOCKET", notify->env, 1);
            if (wd_usec > 0) {
                snprintf(v, sizeof v, "%ld", wd_usec);
                setenv("WATCHDOG_USEC", v, 1);
                snprintf(v, sizeof v, "%ld", wd_other ? (long)getppid() : (long)getpid());
                setenv("WATCHDOG_PID", v, 1);
            }
        }
        char *argv[32];
        int n = 0;
        argv[n++] = KIOSK_BIN;
        for (int i = 0; args[i] && n < 31; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        execv(KIOSK_BIN, argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    k->in = in[1];
    k->out = out[0];
    return k->pid > 0;
}

/* Reads the kiosk's stdout until it holds what, at most timeout_ms. */
static bool kiosk_wait_output(kiosk_t *k, const char *what, int timeout_ms)
{
    int64_t end = mono_ms() + timeout_ms;
    for (;;) {
        k->out_text[k->out_len] = '\0';
        if (strstr(k->out_text, what))
            return true;
        int64_t left = end - mono_ms();
        if (left <= 0 || k->out_len + 1 >= sizeof k->out_text)
            return false;
        struct pollfd p = {.fd = k->out, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t r = read(k->out, k->out_text + k->out_len, sizeof k->out_text - 1 - k->out_len);
        if (r <= 0)
            return false;
        k->out_len += (size_t)r;
    }
}

/* Waits at most timeout_ms for the kiosk to end (the rest of its stdout read into out_text):
 * its exit status, 128 + the signal that killed it, or -1 when it is still running (it is
 * killed then). */
static int kiosk_wait(kiosk_t *k, int timeout_ms)
{
    int64_t end = mono_ms() + timeout_ms;
    int status = -1;
    for (;;) {
        int st;
        pid_t r = waitpid(k->pid, &st, WNOHANG);
        if (r == k->pid) {
            status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        if (mono_ms() >= end) {
            kill(k->pid, SIGKILL);
            waitpid(k->pid, &st, 0);
            break;
        }
        usleep(10000);
    }
    /* The rest of its stdout, to the end of the pipe. */
    ssize_t r;
    while (k->out_len + 1 < sizeof k->out_text &&
           (r = read(k->out, k->out_text + k->out_len, sizeof k->out_text - 1 - k->out_len)) > 0)
        k->out_len += (size_t)r;
    k->out_text[k->out_len] = '\0';
    close(k->in);
    close(k->out);
    if (status != 0) {
        fprintf(stderr, "  kiosk exited %d; its stderr:\n", status);
        FILE *f = fopen(k->err_path, "r");
        char line[512];
        while (f && fgets(line, sizeof line, f))
            fprintf(stderr, "    %s", line);
        if (f)
            fclose(f);
    }
    return status;
}

/* CPU time (user + system) the process has used, in ms. */
static int64_t cpu_ms(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    unsigned long long utime = 0, stime = 0;
    /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
     */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return (int64_t)((utime + stime) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int query_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    int v = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static bool integrity_ok(const char *db_path)
{
    sqlite3 *db;
    bool ok = false;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return false;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

/* ---- the tests ---- */

static void ready_watchdog_and_clean_stop_on_sigterm(void)
{
    char db[PATH_MAX], marker[PATH_MAX + 16], msg[1024];
    join(db, dir, "idle.db");
    snprintf(marker, sizeof marker, "%s-running", db);
    notify_t n;
    REQUIRE(notify_open(&n, "notify-idle.sock", false));
    char *args[] = {"--headless", "--db", db, "--kiosk-id", "svc-kiosk", NULL};
    kiosk_t k;
    REQUIRE(kiosk_start(&k, "idle", &n, WATCHDOG_USEC, false, args));

    /* READY=1 once the home screen is drawn and the database open; STATUS says so. */
    bool ready = notify_wait_for(&n, "READY=1", msg, sizeof msg, START_TIMEOUT_MS);
    CHECK(ready);
    CHECK(strstr(msg, "STATUS=taking answers") != NULL);
    CHECK(kiosk_wait_output(&k, "event=first-frame", 5000)); /* drawn before READY */
    CHECK(exists(db));
    CHECK(exists(marker)); /* open, so not yet closed cleanly */

    /* Idle: nothing touches it, yet the pings keep coming, never further apart than the
     * watchdog's limit, and the kiosk sleeps in between. */
    int pings = 0, others = 0;
    int64_t last = 0, max_gap = 0;
    int64_t cpu0 = cpu_ms(k.pid), t0 = mono_ms();
    while (mono_ms() - t0 < 2000) {
        if (!notify_recv(&n, msg, sizeof msg, 250))
            continue;
        if (strcmp(msg, "WATCHDOG=1") != 0) {
            fprintf(stderr, "  unexpected while idle: %s\n", msg);
            others++;
            continue;
        }
        int64_t now = mono_ms();
        if (last && now - last > max_gap)
            max_gap = now - last;
        last = now;
        pings++;
    }
    int64_t cpu = cpu_ms(k.pid) - cpu0;
    fprintf(stderr, "  idle 2 s: %d pings, longest gap %lld ms, %lld ms of CPU\n", pings,
            (long long)max_gap, (long long)cpu);
    CHECK(pings >= 10); /* about 20 at 100 ms */
    CHECK(max_gap < WATCHDOG_USEC / 1000);
    CHECK_INT(others, 0);
    CHECK(cpu >= 0 && cpu < 400);

    /* SIGTERM: STOPPING=1, the database closed cleanly, exit status 0. */
    CHECK(kill(k.pid, SIGTERM) == 0);
    CHECK(notify_wait_for(&n, "STOPPING=1", msg, sizeof msg, 10000));
    CHECK_INT(kiosk_wait(&k, 20000), 0);
    CHECK(!exists(marker));
    CHECK(integrity_ok(db));
    notify_close(&n);
}

static void sigint_mid_session_abandons_it(void)
{
    char db[PATH_MAX], marker[PATH_MAX + 16], script[PATH_MAX], msg[1024];
    join(db, dir, "session.db");
    snprintf(marker, sizeof marker, "%s-running", db);
    join(script, dir, "session.script");
    FILE *f = fopen(script, "w");
    REQUIRE(f);
    /* A resident starts a feedback, answers the first question, and is still there. */
    fputs("expect screen home\npress journey 0\nexpect question topic\npress choice 1\n"
          "expect question rating\npause\nexpect screen home\n",
          f);
    fclose(f);
    notify_t n;
    REQUIRE(notify_open(&n, "session", true)); /* abstract: "@kiosk-test-..." */
    char *args[] = {"--headless", "--db", db, "--script", script, NULL};
    kiosk_t k;
    REQUIRE(kiosk_start(&k, "session", &n, 0, false, args));
    CHECK(notify_wait_for(&n, "READY=1", msg, sizeof msg, START_TIMEOUT_MS));
    REQUIRE(kiosk_wait_output(&k, "event=pause", START_TIMEOUT_MS));
    CHECK(kill(k.pid, SIGINT) == 0);
    usleep(200000); /* the signal is taken while the script waits for its line */
    CHECK(write(k.in, "go\n", 3) == 3);
    CHECK(notify_wait_for(&n, "STOPPING=1", msg, sizeof msg, 10000));
    CHECK(strstr(msg, "STATUS=stopping (Interrupt)") != NULL);
    CHECK_INT(kiosk_wait(&k, 20000), 0);
    CHECK(strstr(k.out_text, "event=session journey=feedback outcome=abandoned") != NULL);
    CHECK(strstr(k.out_text, "event=saved") == NULL);
    CHECK(!exists(marker));
    CHECK_INT(query_int(db, "SELECT count FROM session_outcomes WHERE journey_id = 'feedback' "
                            "AND outcome = 'abandoned'"),
              1);
    CHECK_INT(query_int(db, "SELECT count(*) FROM records"), 0);
    notify_close(&n);
}

static void out_of_order_until_sigterm(void)
{
    char db[PATH_MAX], shots[PATH_MAX], msg[1024];
    join(db, dir, "never.db");
    join(shots, dir, "out-of-order-shots");
    notify_t n;
    REQUIRE(notify_open(&n, "out-of-order", true));
    /* Even a configuration that cannot be read does not stop the out-of-order screen. */
    char *args[] = {
        "--out-of-order", "--config", "/nonexistent/kiosk.json", "--headless", "--db", db,
        "--lang",         "zh-cn",    "--screenshots",           shots,        NULL};
    kiosk_t k;
    REQUIRE(kiosk_start(&k, "out-of-order", &n, WATCHDOG_USEC, false, args));
    CHECK(notify_wait_for(&n, "READY=1", msg, sizeof msg, START_TIMEOUT_MS));
    CHECK(strstr(msg, "STATUS=out of order") != NULL);
    char shot[PATH_MAX];
    join(shot, shots, "001-out-of-service-zh-cn-800x480.bmp");
    CHECK(exists(shot));
    int pings = 0;
    int64_t cpu0 = cpu_ms(k.pid), t0 = mono_ms();
    while (mono_ms() - t0 < 1000)
        if (notify_recv(&n, msg, sizeof msg, 250) && strcmp(msg, "WATCHDOG=1") == 0)
            pings++;
    int64_t cpu = cpu_ms(k.pid) - cpu0;
    fprintf(stderr, "  out of order 1 s: %d pings, %lld ms of CPU\n", pings, (long long)cpu);
    CHECK(pings >= 5);
    CHECK(cpu >= 0 && cpu < 200);
    CHECK(kill(k.pid, SIGTERM) == 0);
    CHECK(notify_wait_for(&n, "STOPPING=1", msg, sizeof msg, 10000));
    CHECK_INT(kiosk_wait(&k, 20000), 0);
    CHECK(!exists(db)); /* the database is never touched */
    notify_close(&n);
}

/* A watchdog meant for another process (WATCHDOG_PID, say the kiosk runs under a wrapper) is
 * not the kiosk's to ping. */
static void watchdog_of_another_process_is_left_alone(void)
{
    char db[PATH_MAX], msg[1024];
    join(db, dir, "other.db");
    notify_t n;
    REQUIRE(notify_open(&n, "notify-other.sock", false));
    char *args[] = {"--headless", "--db", db, NULL};
    kiosk_t k;
    REQUIRE(kiosk_start(&k, "other", &n, WATCHDOG_USEC, true, args));
    CHECK(notify_wait_for(&n, "READY=1", msg, sizeof msg, START_TIMEOUT_MS));
    CHECK(!notify_wait_for(&n, "WATCHDOG=1", msg, sizeof msg, 600));
    CHECK(kill(k.pid, SIGTERM) == 0);
    CHECK_INT(kiosk_wait(&k, 20000), 0);
    notify_close(&n);
}

/* From a terminal (no service manager): the same clean stop. */
static void clean_stop_without_a_service_manager(void)
{
    char db[PATH_MAX], marker[PATH_MAX + 16];
    join(db, dir, "terminal.db");
    snprintf(marker, sizeof marker, "%s-running", db);
    char *args[] = {"--headless", "--db", db, NULL};
    kiosk_t k;
    REQUIRE(kiosk_start(&k, "terminal", NULL, 0, false, args));
    REQUIRE(kiosk_wait_output(&k, "event=first-frame", START_TIMEOUT_MS));
    usleep(100000);
    CHECK(kill(k.pid, SIGTERM) == 0);
    CHECK_INT(kiosk_wait(&k, 20000), 0);
    CHECK(exists(db));
    CHECK(!exists(marker));
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!make_scratch_dir(dir, "service")) {
        fprintf(stderr, "cannot make a scratch directory under %s\n", tmp_root());
        return 1;
    }
    RUN(ready_watchdog_and_clean_stop_on_sigterm);
    RUN(sigint_mid_session_abandons_it);
    RUN(out_of_order_until_sigterm);
    RUN(watchdog_of_another_process_is_left_alone);
    RUN(clean_stop_without_a_service_manager);
    if (check_failures == 0)
        remove_tree(dir);
    return check_failures != 0;
}
