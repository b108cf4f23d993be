/* Test helpers for driving the real kiosk binary: start it with pipes on stdin and stdout
 * (stderr to a file), read its event lines, wait for it; and what journeys.script stores. */
#ifndef KIOSK_TEST_PROC_UTIL_H
#define KIOSK_TEST_PROC_UTIL_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *kiosk_bin = KIOSK_BIN;
static char tmp[512]; /* KIOSK_TEST_TMP, set by main */

typedef struct {
    pid_t pid;
    FILE *in;  /* the kiosk's stdin, for "pause" */
    FILE *out; /* the kiosk's stdout */
    char err_path[640];
} proc_t;

/* Writes text to path (a script, a configuration); false when it cannot. */
static inline bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

/* For main(): tmp from KIOSK_TEST_TMP (else /tmp), made if need be; a kiosk that exits while
 * its pipe is written to must not kill the test (SIGPIPE ignored). */
static inline bool proc_test_tmp(void)
{
    snprintf(tmp, sizeof tmp, "%s", getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
    if (system(cmd) != 0)
        return false;
    signal(SIGPIPE, SIG_IGN);
    return true;
}

/* Starts the kiosk with args (NULL-terminated), stdout and stdin on pipes, stderr to a file. */
static inline bool start(proc_t *p, const char *name, char *const args[])
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return false;
    snprintf(p->err_path, sizeof p->err_path, "%s/%s.stderr", tmp, name);
    p->pid = fork();
    if (p->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        int e = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(e, 2);
        close(in[1]);
        close(out[0]);
        /* The default pack's activities are dated: the scripts pick them by index on a fixed
         * day, unless a test set its own (an empty value leaves it to the clock). */
        setenv("KIOSK_TODAY", "2026-12-02", 0);
        char *argv[64];
        int n = 0;
        argv[n++] = (char *)kiosk_bin;
        for (int i = 0; args[i] && n < 62; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        execv(kiosk_bin, argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    p->in = fdopen(in[1], "w");
    p->out = fdopen(out[0], "r");
    return p->pid > 0;
}

/* Reads the kiosk's stdout until a line starting with prefix; copies it into line. */
static inline bool read_until(proc_t *p, const char *prefix, char *line, size_t len)
{
    while (fgets(line, (int)len, p->out))
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

static inline int finish(proc_t *p, char *out_text, size_t len)
{
    size_t n = 0;
    if (out_text) {
        n = fread(out_text, 1, len - 1, p->out);
        out_text[n] = '\0';
    }
    fclose(p->in);
    fclose(p->out);
    int status;
    waitpid(p->pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

/* Runs the kiosk to its end: its stdout in out, its stderr returned (free it; printed when the
 * exit status is not 0, so a failing test shows why). Returns the exit status, -1 when it
 * could not be started. */
static inline int run_kiosk(const char *name, char *const args[], char *out, size_t len, char **err)
{
    proc_t p;
    *err = NULL;
    if (!start(&p, name, args))
        return -1;
    int status = finish(&p, out, len);
    *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "  %s exited %d:\n%s\n", name, status, *err);
    return status;
}

static inline int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* The records assets/scripts/journeys.script stores, in order. */
typedef struct {
    const char *kind, *journey, *answers, *name, *phone;
    bool ref;
} expected_t;

static const expected_t journeys_expected[] = {
    {"quick_rating", "quick_rating", "{\"rating\":4,\"about\":\"WAITING\"}", NULL, NULL, false},
    {"quick_rating", "quick_rating", "{\"rating\":1}", NULL, NULL, false},
    {"feedback", "feedback",
     "{\"topic\":\"FACILITIES\",\"rating\":1,\"comment\":\"too cold at nigh\",\"contactOk\":true}",
     "Li", "13800138000", false},
    {"service_request", "service_request",
     "{\"service\":\"ELDER_CARE\",\"forWhom\":\"FAMILY\",\"urgency\":\"URGENT\","
     "\"description\":\"Help with shopping 帮忙买菜\",\"consent\":false}",
     NULL, NULL, true},
    {"questionnaire", "needs_survey_2026",
     "{\"satisfaction\":4,\"wantedServices\":[\"DISABILITY\"],\"visits\":\"MONTHLY\","
     "\"livesAlone\":true,\"checkIns\":\"YES\",\"household\":2}",
     NULL, NULL, false},
    {"activity", "activities",
     "{\"activity\":\"ACT_2026_12_TAICHI\",\"action\":\"SIGNUP\",\"consent\":true}", "Wang",
     "02155550123", false},
};

#endif
