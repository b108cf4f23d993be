/* The system side of the technician screens: network and OS text from getifaddrs, sysfs,
 * os-release and uname; the log ring; power-action commands through posix_spawnp. */
#include "system/sysinfo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/kerr.h"

extern char **environ;

/* ---- bounded text ---- */

typedef struct {
    char *buf;
    size_t len, pos; /* pos < len when len > 0 */
} sbuf_t;

/* A failed fork or exec: EAGAIN is no process slot, which counts as no memory. */
static int spawn_code(int e)
{
    return e == EAGAIN ? KIOSK_ENOMEM : kiosk_from_errno(e);
}

static sbuf_t sb_init(char *buf, size_t len)
{
    if (buf && len > 0)
        buf[0] = '\0';
    return (sbuf_t){buf && len > 0 ? buf : NULL, buf ? len : 0, 0};
}

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
    if (!b->buf || b->pos + 1 >= b->len)
        return;
    size_t room = b->len - b->pos;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf + b->pos, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        b->buf[b->pos] = '\0';
    else
        b->pos += (size_t)n < room ? (size_t)n : room - 1;
}

/* Bytes of the UTF-8 sequence a lead byte starts (1 for ASCII and stray bytes). */
static size_t utf8_seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Cuts s (n bytes) to at most max bytes without splitting a UTF-8 sequence; the new length. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t i = max;
    while (i > 0 && max - i < 3 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--; /* s[i] is the lead byte of the sequence s[max] belongs to */
    size_t lead = i;
    return lead + utf8_seq_len((unsigned char)s[lead]) <= max ? max : lead;
}

static void controls_to_spaces(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            *s = ' ';
}

/* ---- network ---- */

#define MAX_IFACES 64

static unsigned prefix_len(const struct sockaddr *mask)
{
    const unsigned char *p;
    size_t n;
    if (mask->sa_family == AF_INET) {
        p = (const unsigned char *)&((const struct sockaddr_in *)(const void *)mask)->sin_addr;
        n = 4;
    } else {
        p = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr;
        n = 16;
    }
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned char c = p[i]; c; c &= (unsigned char)(c - 1))
            bits++;
    return bits;
}

static void add_addresses(sbuf_t *b, const struct ifaddrs *list, const char *name, int family)
{
    for (const struct ifaddrs *a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != family || strcmp(a->ifa_name, name) != 0)
            continue;
        char text[INET6_ADDRSTRLEN];
        const void *addr =
            family == AF_INET
                ? (const void *)&((const struct sockaddr_in *)(const void *)a->ifa_addr)->sin_addr
                : (const void *)&((const struct sockaddr_in6 *)(const void *)a->ifa_addr)
                      ->sin6_addr;
        if (!inet_ntop(family, addr, text, sizeof text))
            continue;
        if (a->ifa_netmask && a->ifa_netmask->sa_family == family)
            sb_printf(b, " %s/%u", text, prefix_len(a->ifa_netmask));
        else
            sb_printf(b, " %s", text);
    }
}

/* The kernel's operstate, or up/down from the flags when it does not know. */
static void link_state(const char *name, unsigned flags, char *state, size_t len)
{
    char path[64];
    /* Interface names are at most 15 bytes (IFNAMSIZ - 1); the bound says so to the compiler. */
    snprintf(path, sizeof path, "/sys/class/net/%.15s/operstate", name);
    state[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(state, (int)len, f))
            state[0] = '\0';
        fclose(f);
        state[strcspn(state, " \t\r\n")] = '\0';
    }
    if (!state[0] || strcmp(state, "unknown") == 0)
        snprintf(state, len, "%s", (flags & IFF_UP) && (flags & IFF_RUNNING) ? "up" : "down");
}

void sysinfo_network(char *buf, size_t len)
{
    sbuf_t b = sb_init(buf, len);
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0) {
        sb_printf(&b, "network interfaces unavailable: %s", strerror(errno));
        return;
    }
    /* Names in the order the kernel lists them (its link entries come first), each once. */
    char names[MAX_IFACES][IFNAMSIZ];
    unsigned flags[MAX_IFACES];
    size_t count = 0;
    for (const struct ifaddrs *a = list; a; a = a->ifa_next) {
        if (!a->ifa_name || (a->ifa_flags & IFF_LOOPBACK) || strcmp(a->ifa_name, "lo") == 0)
            continue;
        size_t i = 0;
        while (i < count && strcmp(names[i], a->ifa_name) != 0)
            i++;
        if (i < count) {
            flags[i] |= a->ifa_flags;
        } else if (count < MAX_IFACES) {
            snprintf(names[count], IFNAMSIZ, "%s", a->ifa_name);
            flags[count++] = a->ifa_flags;
        }
    }
    for (size_t i = 0; i < count; i++) {
        char state[32];
        link_state(names[i], flags[i], state, sizeof state);
        sb_printf(&b, "%s%s %s", i ? "\n" : "", names[i], state);
        add_addresses(&b, list, names[i], AF_INET);
        add_addresses(&b, list, names[i], AF_INET6);
    }
    if (count == 0)
        sb_printf(&b, "no network interfaces");
    freeifaddrs(list);
}

/* ---- operating system ---- */

/* The value of a KEY=value line of os-release: quoted ("..." with \ escapes, or '...') or bare;
 * false when the line is not KEY. */
static bool os_release_value(const char *line, const char *key, char *out, size_t len)
{
    size_t k = strlen(key);
    if (strncmp(line, key, k) != 0 || line[k] != '=')
        return false;
    const char *v = line + k + 1;
    size_t n = 0;
    char quote = (*v == '"' || *v == '\'') ? *v++ : '\0';
    for (; *v && n + 1 < len; v++) {
        if (quote ? *v == quote : (*v == '\n' || *v == '\r'))
            break;
        if (quote == '"' && *v == '\\' && v[1])
            v++;
        out[n++] = *v;
    }
    out[n] = '\0';
    if (!quote)
        while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
            out[--n] = '\0';
    return true;
}

static void os_name(char *out, size_t len, const char *fallback)
{
    static const char *const files[] = {"/etc/os-release", "/usr/lib/os-release"};
    char name[128] = "";
    out[0] = '\0';
    for (size_t i = 0; i < sizeof files / sizeof files[0] && !out[0]; i++) {
        FILE *f = fopen(files[i], "r");
        if (!f)
            continue;
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (os_release_value(line, "PRETTY_NAME", out, len) && out[0])
                break;
            if (!name[0])
                os_release_value(line, "NAME", name, sizeof name);
        }
        fclose(f);
        if (!out[0] && name[0])
            snprintf(out, len, "%s", name);
    }
    if (!out[0])
        snprintf(out, len, "%s", fallback);
    controls_to_spaces(out);
}

void sysinfo_format_uptime(int64_t seconds, char *buf, size_t len)
{
    sbuf_t b = sb_init(buf, len);
    int64_t m = seconds > 0 ? seconds / 60 : 0;
    long long days = (long long)(m / (24 * 60)), hours = (long long)(m / 60 % 24),
              mins = (long long)(m % 60);
    if (days > 0)
        sb_printf(&b, "%lld d %lld h %lld min", days, hours, mins);
    else if (hours > 0)
        sb_printf(&b, "%lld h %lld min", hours, mins);
    else
        sb_printf(&b, "%lld min", mins);
}

void sysinfo_uptime(char *buf, size_t len)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0) {
        sbuf_t b = sb_init(buf, len);
        sb_printf(&b, "unknown");
        return;
    }
    sysinfo_format_uptime((int64_t)ts.tv_sec, buf, len);
}

void sysinfo_os(char *buf, size_t len)
{
    sbuf_t b = sb_init(buf, len);
    struct utsname u;
    bool have_uname = uname(&u) == 0;
    char os[128], up[64];
    os_name(os, sizeof os, have_uname ? u.sysname : "unknown");
    sysinfo_uptime(up, sizeof up);
    sb_printf(&b, "os: %s\nkernel: %s\nhostname: %s\nuptime: %s", os,
              have_uname ? u.release : "unknown", have_uname ? u.nodename : "unknown", up);
}

/* ---- log ring ---- */

struct logring {
    pthread_mutex_t lock;
    char lines[LOGRING_LINES][LOGRING_LINE_MAX];
    uint64_t total;
};

logring_t *logring_new(void)
{
    logring_t *r = calloc(1, sizeof *r);
    if (r && pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        r = NULL;
    }
    return r;
}

void logring_free(logring_t *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void logring_add(logring_t *r, const char *level, const char *msg)
{
    if (!r)
        return;
    char line[LOGRING_LINE_MAX];
    char stamp[16] = "--:--:--";
    time_t t = time(NULL);
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
    int n = snprintf(line, sizeof line, "%s %s %s", stamp, level ? level : "", msg ? msg : "");
    if (n < 0) {
        line[0] = '\0';
    } else if ((size_t)n >= sizeof line) {
        static const char more[] = "...";
        size_t keep = utf8_cut(line, sizeof line - 1, sizeof line - sizeof more);
        memcpy(line + keep, more, sizeof more);
    }
    controls_to_spaces(line);

    pthread_mutex_lock(&r->lock);
    memcpy(r->lines[r->total % LOGRING_LINES], line, sizeof line);
    r->total++;
    pthread_mutex_unlock(&r->lock);
}

size_t logring_last(logring_t *r, size_t n, char out[][LOGRING_LINE_MAX])
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    uint64_t stored = r->total < LOGRING_LINES ? r->total : LOGRING_LINES;
    size_t k = n < stored ? n : (size_t)stored;
    uint64_t first = r->total - k;
    for (size_t i = 0; i < k; i++)
        memcpy(out[i], r->lines[(first + i) % LOGRING_LINES], LOGRING_LINE_MAX);
    pthread_mutex_unlock(&r->lock);
    return k;
}

uint64_t logring_total(logring_t *r)
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    uint64_t total = r->total;
    pthread_mutex_unlock(&r->lock);
    return total;
}

/* ---- commands ---- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The command line for messages: arguments joined by spaces, cut at about 120 bytes. */
static void describe(const char *const argv[], char *out, size_t len)
{
    sbuf_t b = sb_init(out, len);
    for (size_t i = 0; argv[i]; i++)
        sb_printf(&b, "%s%s", i ? " " : "", argv[i]);
    if (b.pos + 1 >= len && len > 4)
        memcpy(out + len - 4, "...", 4);
    controls_to_spaces(out);
}

/* A close-on-exec copy of fd numbered above the standard streams (closing fd). */
static int high_cloexec(int fd)
{
    if (fd > 2) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
    }
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return copy;
}

/* What the command printed: the first bytes kept, the rest read and dropped. */
typedef struct {
    char text[256];
    size_t n;
} output_t;

/* Reads what is there without blocking; false at end of file. */
static bool drain(int fd, output_t *o)
{
    for (;;) {
        char chunk[512];
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r > 0) {
            size_t room = sizeof o->text - 1 - o->n, take = (size_t)r < room ? (size_t)r : room;
            memcpy(o->text + o->n, chunk, take);
            o->n += take;
            o->text[o->n] = '\0';
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK); /* else end of file */
    }
}

/* The first non-blank line of the output, trimmed, or "". */
static const char *first_line(output_t *o)
{
    char *s = o->text;
    s[o->n] = '\0';
    s += strspn(s, " \t\r\n");
    size_t n = strcspn(s, "\n");
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    s[n] = '\0';
    controls_to_spaces(s);
    return s;
}

/* The environment for a command: the kiosk's, without the service manager's variables (the
 * commands the kiosk runs must not speak for it). malloc'd array of borrowed strings, or NULL. */
static char **command_env(void)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = malloc((n + 1) * sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0 &&
            strncmp(environ[i], "WATCHDOG_USEC=", 14) != 0 &&
            strncmp(environ[i], "WATCHDOG_PID=", 13) != 0)
            env[k++] = environ[i];
    env[k] = NULL;
    return env;
}

static pid_t spawn(const char *const argv[], int out_fd, int *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, reset;
    sigemptyset(&none);
    sigemptyset(&reset);
    static const int signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGPIPE, SIGALRM, SIGTERM,
                                  SIGUSR1, SIGUSR2, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaddset(&reset, signals[i]);
    pid_t pid = -1;
    char **env = command_env();
    if (!env) {
        *err = ENOMEM;
        return -1;
    }
    *err = posix_spawn_file_actions_init(&fa);
    if (*err) {
        free(env);
        return -1;
    }
    *err = posix_spawnattr_init(&attr);
    if (*err) {
        posix_spawn_file_actions_destroy(&fa);
        free(env);
        return -1;
    }
    if (!(*err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) &&
        !(*err = posix_spawn_file_actions_adddup2(&fa, out_fd, 1)) &&
        !(*err = posix_spawn_file_actions_adddup2(&fa, out_fd, 2)) &&
        !(*err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                     POSIX_SPAWN_SETSIGDEF)) &&
        !(*err = posix_spawnattr_setpgroup(&attr, 0)) &&
        !(*err = posix_spawnattr_setsigmask(&attr, &none)) &&
        !(*err = posix_spawnattr_setsigdefault(&attr, &reset)))
        *err = posix_spawnp(&pid, argv[0], &fa, &attr, (char *const *)argv, env);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    return *err ? -1 : pid;
}

/* Waits for pid until deadline (monotonic ms), reading its output; true when it was reaped. */
static bool wait_until(pid_t pid, int fd, output_t *out, int64_t deadline, int *status,
                       int *wait_errno)
{
    bool open = fd >= 0;
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return true;
        if (w < 0 && errno != EINTR) {
            *wait_errno = errno;
            return false;
        }
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            return false;
        if (open) {
            struct pollfd p = {fd, POLLIN, 0};
            if (poll(&p, 1, (int)(left < 20 ? left : 20)) > 0)
                open = drain(fd, out);
        } else {
            sleep_ms(left < 5 ? left : 5);
        }
    }
}

int sysinfo_run(const char *const argv[], int timeout_ms, char *err, size_t errlen)
{
    sbuf_t e = sb_init(err, errlen);
    if (!argv || !argv[0] || !argv[0][0]) {
        sb_printf(&e, "no command to run");
        return KIOSK_EINVAL;
    }
    char cmd[128];
    describe(argv, cmd, sizeof cmd);
    if (timeout_ms <= 0) {
        sb_printf(&e, "%s: a timeout of %d ms", cmd, timeout_ms);
        return KIOSK_EINVAL;
    }

    int p[2];
    if (pipe(p) != 0) {
        int code = errno;
        sb_printf(&e, "%s: cannot run: %s", cmd, strerror(code));
        return spawn_code(code);
    }
    p[0] = high_cloexec(p[0]);
    p[1] = high_cloexec(p[1]);
    if (p[0] < 0 || p[1] < 0) {
        int code = errno;
        if (p[0] >= 0)
            close(p[0]);
        if (p[1] >= 0)
            close(p[1]);
        sb_printf(&e, "%s: cannot run: %s", cmd, strerror(code));
        return spawn_code(code);
    }
    int spawn_err = 0;
    pid_t pid = spawn(argv, p[1], &spawn_err);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        sb_printf(&e, "%s: cannot run: %s", cmd, strerror(spawn_err));
        return spawn_code(spawn_err);
    }
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);

    output_t out = {.n = 0};
    out.text[0] = '\0';
    int status = 0, wait_errno = 0;
    bool reaped = wait_until(pid, p[0], &out, mono_ms() + timeout_ms, &status, &wait_errno);
    int rc;
    if (!reaped && wait_errno) {
        rc = spawn_code(wait_errno);
        sb_printf(&e, "%s: cannot wait for it: %s", cmd, strerror(wait_errno));
    } else if (!reaped) {
        /* Its process group: whatever it started goes with it. */
        if (kill(-pid, SIGKILL) != 0)
            kill(pid, SIGKILL);
        reaped = wait_until(pid, -1, &out, mono_ms() + 1000, &status, &wait_errno);
        rc = KIOSK_EBUSY;
        sb_printf(&e, "%s: still running after %d ms, killed%s", cmd, timeout_ms,
                  reaped ? "" : " (it has not exited yet)");
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = KIOSK_OK;
    } else if (WIFEXITED(status)) {
        rc = KIOSK_EIO;
        sb_printf(&e, "%s: exit status %d", cmd, WEXITSTATUS(status));
    } else {
        int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        rc = KIOSK_EIO;
        sb_printf(&e, "%s: killed by signal %d (%s)", cmd, sig, strsignal(sig));
    }
    if (rc != KIOSK_OK) {
        drain(p[0], &out);
        const char *said = first_line(&out);
        if (said[0])
            sb_printf(&e, " (%s)", said);
    }
    close(p[0]);
    return rc;
}
