/* Fake libgpiod v1 (see fake_gpiod.h): the symbols the backend links against. */
#include "fake_gpiod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CHIPS 4
#define MAX_LINES 32

struct gpiod_line {
    int chip;
    unsigned int offset;
    const char *name;
    bool busy, requested;
    int level;
    int pipe[2];
    struct gpiod_line_request_config cfg;
    char consumer[32];
};

struct gpiod_chip {
    int n;
};

static struct {
    bool exists;
    char label[32];
    unsigned int nlines;
    int open_errno;
    struct gpiod_line lines[MAX_LINES];
    struct gpiod_chip handle;
} chips[MAX_CHIPS];

static int open_count;

void fake_gpiod_reset(void)
{
    for (int c = 0; c < MAX_CHIPS; c++)
        for (unsigned int i = 0; i < MAX_LINES; i++)
            if (chips[c].lines[i].requested) {
                close(chips[c].lines[i].pipe[0]);
                close(chips[c].lines[i].pipe[1]);
            }
    memset(chips, 0, sizeof chips);
    open_count = 0;
}

void fake_gpiod_add_chip(int n, const char *label, unsigned int nlines, const char *const *names)
{
    chips[n].exists = true;
    snprintf(chips[n].label, sizeof chips[n].label, "%s", label);
    chips[n].nlines = nlines;
    chips[n].handle.n = n;
    for (unsigned int i = 0; i < nlines; i++) {
        chips[n].lines[i].chip = n;
        chips[n].lines[i].offset = i;
        chips[n].lines[i].name = names ? names[i] : NULL;
    }
}

void fake_gpiod_fail_open(int n, int err)
{
    chips[n].open_errno = err;
}

void fake_gpiod_set_busy(int n, unsigned int offset)
{
    chips[n].lines[offset].busy = true;
}

void fake_gpiod_set_level(int n, unsigned int offset, int level)
{
    chips[n].lines[offset].level = level;
}

bool fake_gpiod_edge(int n, unsigned int offset, bool rising, int64_t ts_ns)
{
    struct gpiod_line *l = &chips[n].lines[offset];
    if (!l->requested)
        return false;
    struct gpiod_line_event ev = {
        .ts = {.tv_sec = (time_t)(ts_ns / 1000000000), .tv_nsec = (long)(ts_ns % 1000000000)},
        .event_type = rising ? GPIOD_LINE_EVENT_RISING_EDGE : GPIOD_LINE_EVENT_FALLING_EDGE,
    };
    l->level = rising;
    return write(l->pipe[1], &ev, sizeof ev) == sizeof ev;
}

const struct gpiod_line_request_config *fake_gpiod_request(int n, unsigned int offset)
{
    const struct gpiod_line *l = &chips[n].lines[offset];
    return l->requested ? &l->cfg : NULL;
}

int fake_gpiod_open_chips(void)
{
    return open_count;
}

int fake_gpiod_requested_lines(void)
{
    int k = 0;
    for (int c = 0; c < MAX_CHIPS; c++)
        for (unsigned int i = 0; i < MAX_LINES; i++)
            k += chips[c].lines[i].requested;
    return k;
}

/* ---- the libgpiod v1 API ---- */

const char *gpiod_version_string(void)
{
    return "1.6.3-fake";
}

struct gpiod_chip *gpiod_chip_open_lookup(const char *descr)
{
    for (int c = 0; c < MAX_CHIPS; c++) {
        if (!chips[c].exists)
            continue;
        char name[32], path[48], num[8];
        snprintf(name, sizeof name, "gpiochip%d", c);
        snprintf(path, sizeof path, "/dev/gpiochip%d", c);
        snprintf(num, sizeof num, "%d", c);
        if (strcmp(descr, name) && strcmp(descr, path) && strcmp(descr, num) &&
            strcmp(descr, chips[c].label))
            continue;
        if (chips[c].open_errno) {
            errno = chips[c].open_errno;
            return NULL;
        }
        open_count++;
        return &chips[c].handle;
    }
    errno = ENOENT;
    return NULL;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
    for (unsigned int i = 0; i < chips[chip->n].nlines; i++)
        if (chips[chip->n].lines[i].requested)
            gpiod_line_release(&chips[chip->n].lines[i]);
    open_count--;
}

struct gpiod_line *gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset)
{
    if (offset >= chips[chip->n].nlines) {
        errno = EINVAL;
        return NULL;
    }
    return &chips[chip->n].lines[offset];
}

struct gpiod_line *gpiod_chip_find_line(struct gpiod_chip *chip, const char *name)
{
    for (unsigned int i = 0; i < chips[chip->n].nlines; i++)
        if (chips[chip->n].lines[i].name && strcmp(chips[chip->n].lines[i].name, name) == 0)
            return &chips[chip->n].lines[i];
    errno = ENOENT;
    return NULL;
}

int gpiod_line_request(struct gpiod_line *line, const struct gpiod_line_request_config *config,
                       int default_val)
{
    (void)default_val;
    if (line->busy || line->requested) {
        errno = EBUSY;
        return -1;
    }
    if (pipe(line->pipe) != 0)
        return -1;
    line->cfg = *config;
    snprintf(line->consumer, sizeof line->consumer, "%s", config->consumer);
    line->cfg.consumer = line->consumer;
    line->requested = true;
    return 0;
}

void gpiod_line_release(struct gpiod_line *line)
{
    if (!line->requested)
        return;
    close(line->pipe[0]);
    close(line->pipe[1]);
    line->requested = false;
}

int gpiod_line_get_value(struct gpiod_line *line)
{
    if (!line->requested) {
        errno = EPERM;
        return -1;
    }
    return line->level;
}

int gpiod_line_event_get_fd(struct gpiod_line *line)
{
    if (!line->requested) {
        errno = EPERM;
        return -1;
    }
    return line->pipe[0];
}

int gpiod_line_event_read_fd_multiple(int fd, struct gpiod_line_event *events,
                                      unsigned int num_events)
{
    ssize_t n = read(fd, events, num_events * sizeof *events);
    if (n < 0)
        return -1;
    return (int)((size_t)n / sizeof *events);
}
