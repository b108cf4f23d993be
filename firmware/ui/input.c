/* Input for the SDL edge: panel and logical coordinates, sleeping in the kernel until input,
 * touches, mouse and keys mapped to ui events, and injected events for scripted runs. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "ui/ui_internal.h"

/* ---- coordinates ---- */

/* Turns the point (x, y) of a w x h box a quarter turn clockwise, turns times; at each turn
 * the box becomes h x w. */
static void turn(int turns, int w, int h, int x, int y, int *out_x, int *out_y)
{
    for (int i = 0; i < turns; i++) {
        int nx = h - 1 - y, ny = x;
        int nw = h, nh = w;
        x = nx, y = ny, w = nw, h = nh;
    }
    *out_x = x;
    *out_y = y;
}

/* The logical screen as turned onto the panel: its size, centred in the window at (ox, oy). */
static void panel_box(const ui_t *ui, int *w, int *h, int *ox, int *oy)
{
    *w = ui->rotation % 180 ? ui->log_h : ui->log_w;
    *h = ui->rotation % 180 ? ui->log_w : ui->log_h;
    *ox = (ui->phys_w - *w) / 2;
    *oy = (ui->phys_h - *h) / 2;
}

/* Window (panel) pixel to logical pixel, undoing the rotation. */
static void to_logical(const ui_t *ui, int px, int py, int *lx, int *ly)
{
    int w, h, ox, oy;
    panel_box(ui, &w, &h, &ox, &oy);
    turn((360 - ui->rotation) % 360 / 90, w, h, px - ox, py - oy, lx, ly);
}

/* Logical pixel to window (panel) pixel, applying the rotation. */
static void to_physical(const ui_t *ui, int lx, int ly, int *px, int *py)
{
    int w, h, ox, oy;
    panel_box(ui, &w, &h, &ox, &oy);
    turn(ui->rotation / 90, ui->log_w, ui->log_h, lx, ly, px, py);
    *px += ox;
    *py += oy;
}

/* ---- sleeping ---- */

static void close_input_devices(ui_t *ui)
{
    for (size_t i = 0; i < ui->n_input; i++)
        close(ui->input_fds[i]);
    ui->n_input = 0;
    ui->n_sdl_ids = 0;
}

/* SDL's own handles of our absolute pointers: SDL's evdev names a device's mouse events by the
 * file descriptor it opened it with. Found among the process's open files by path. */
static void find_sdl_ids(ui_t *ui)
{
    ui->n_sdl_ids = 0;
    bool any = false;
    for (size_t i = 0; i < ui->n_input && !any; i++)
        any = ui->is_abs[i];
    if (!any)
        return; /* no absolute pointer: a mouse's clicks cost no scan of the open files */
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && ui->n_sdl_ids < INPUT_FDS) {
        char link[300], target[300];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        int fd = atoi(e->d_name);
        for (size_t i = 0; i < ui->n_input; i++)
            if (ui->is_abs[i] && fd != ui->input_fds[i] && strcmp(target, ui->input_path[i]) == 0)
                ui->sdl_ids[ui->n_sdl_ids++] = fd;
    }
    closedir(d);
}

static bool is_sdl_abs_id(const ui_t *ui, Uint32 which)
{
    for (size_t i = 0; i < ui->n_sdl_ids; i++)
        if ((Uint32)ui->sdl_ids[i] == which)
            return true;
    return false;
}

/* Reads absolute pointer i's events and queues what they say as touches (SDL finger events
 * with the panel's fractions, mapped like any finger by map_event()). */
static void read_abs_pointer(ui_t *ui, size_t i)
{
    static const Uint32 types[] = {0, SDL_FINGERDOWN, SDL_FINGERMOTION, SDL_FINGERUP};
    struct input_event ev[32];
    ssize_t n;
    while ((n = read(ui->input_fds[i], ev, sizeof ev)) > 0) {
        for (size_t k = 0; k < (size_t)n / sizeof ev[0]; k++) {
            abs_ptr_event_t out[2];
            int m = abs_pointer_feed(&ui->abs[i], &ev[k], out);
            for (int j = 0; j < m; j++) {
                SDL_Event e = {.type = types[out[j].kind]};
                e.tfinger.timestamp = SDL_GetTicks();
                e.tfinger.touchId = UI_ABS_TOUCH_ID;
                e.tfinger.x = out[j].fx;
                e.tfinger.y = out[j].fy;
                e.tfinger.pressure = out[j].kind == ABS_PTR_RELEASE ? 0.0f : 1.0f;
                SDL_PushEvent(&e);
            }
        }
    }
}

static void read_abs_pointers(ui_t *ui)
{
    for (size_t i = 0; i < ui->n_input; i++)
        if (ui->is_abs[i])
            read_abs_pointer(ui, i);
}

/* Opens our own read handle of every input device: each open file of an evdev device gets
 * its own copy of the events, so reading ours to wake up takes nothing from SDL's. */
static void open_input_devices(ui_t *ui)
{
    close_input_devices(ui);
    if (ui->inotify_fd < 0) {
        ui->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ui->inotify_fd >= 0 && inotify_add_watch(ui->inotify_fd, "/dev/input",
                                                     IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
            close(ui->inotify_fd);
            ui->inotify_fd = -1;
        }
    }
    DIR *d = opendir("/dev/input");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && ui->n_input < INPUT_FDS) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        size_t i = ui->n_input++;
        ui->input_fds[i] = fd;
        snprintf(ui->input_path[i], sizeof ui->input_path[i], "%s", path);
        /* Only where SDL reads evdev itself (kmsdrm): elsewhere (a headless run on a desktop)
         * the pointer is not the kiosk's. */
        ui->is_abs[i] = strcasecmp(ui->driver, "kmsdrm") == 0 && abs_pointer_probe(fd, &ui->abs[i]);
        if (ui->is_abs[i])
            SDL_Log("input: %s is an absolute pointer (x %d..%d, y %d..%d): scaled here", path,
                    ui->abs[i].min_x, ui->abs[i].max_x, ui->abs[i].min_y, ui->abs[i].max_y);
    }
    closedir(d);
    find_sdl_ids(ui);
}

static void drain(int fd)
{
    char buf[1024];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

/* Sleeps until input, a wake-up or the timeout (-1: none), without waking otherwise. */
static void sleep_until_input(ui_t *ui, int timeout_ms)
{
    struct pollfd p[INPUT_FDS + 2];
    nfds_t n = 0;
    p[n++] = (struct pollfd){.fd = ui->wake_fd, .events = POLLIN};
    if (ui->inotify_fd >= 0)
        p[n++] = (struct pollfd){.fd = ui->inotify_fd, .events = POLLIN};
    for (size_t i = 0; i < ui->n_input; i++)
        p[n++] = (struct pollfd){.fd = ui->input_fds[i], .events = POLLIN};
    if (poll(p, n, timeout_ms) <= 0)
        return;
    bool rescan = false;
    for (nfds_t i = 0; i < n; i++) {
        if (p[i].revents & (POLLERR | POLLHUP | POLLNVAL))
            rescan = true; /* an unplugged device */
        else if (p[i].revents & POLLIN) {
            if (p[i].fd == ui->inotify_fd)
                rescan = true;
            bool abs = false;
            for (size_t k = 0; k < ui->n_input && !abs; k++)
                abs = ui->input_fds[k] == p[i].fd && ui->is_abs[k];
            if (!abs)
                drain(p[i].fd); /* read_abs_pointers() reads the others' events */
        }
    }
    read_abs_pointers(ui);
    if (rescan)
        open_input_devices(ui);
}

void ui_input_open(ui_t *ui)
{
    ui->wake_event = SDL_RegisterEvents(1);
    ui->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ui->inotify_fd = -1;
    /* X11 and Wayland block in SDL_WaitEventTimeout; the others would poll every 1 ms. */
    ui->own_wait =
        strcmp(ui->driver, "x11") != 0 && strcmp(ui->driver, "wayland") != 0 && ui->wake_fd >= 0;
    if (ui->own_wait)
        open_input_devices(ui);
}

void ui_input_close(ui_t *ui)
{
    close_input_devices(ui);
    if (ui->inotify_fd >= 0)
        close(ui->inotify_fd);
    if (ui->wake_fd >= 0)
        close(ui->wake_fd);
}

/* ---- events ---- */

/* Keys with a fixed meaning (Tab and the face keys are mapped in map_key()). */
static const struct {
    SDL_Keycode sym;
    ui_event_kind_t kind;
    int nav;
} key_map[] = {
    {SDLK_RIGHT, UI_EV_NAV, NAV_NEXT},    {SDLK_DOWN, UI_EV_NAV, NAV_NEXT},
    {SDLK_LEFT, UI_EV_NAV, NAV_PREV},     {SDLK_UP, UI_EV_NAV, NAV_PREV},
    {SDLK_RETURN, UI_EV_NAV, NAV_SELECT}, {SDLK_KP_ENTER, UI_EV_NAV, NAV_SELECT},
    {SDLK_ESCAPE, UI_EV_NAV, NAV_BACK},   {SDLK_HOME, UI_EV_NAV, NAV_HOME},
    {SDLK_BACKSPACE, UI_EV_BACKSPACE, 0}, {SDLK_F2, UI_EV_LANG, 0},
    {SDLK_F12, UI_EV_STAFF, 0},
};

static void map_key(const SDL_KeyboardEvent *k, ui_event_t *ev)
{
    SDL_Keycode sym = k->keysym.sym;
    if (sym == SDLK_TAB) {
        bool shift = (k->keysym.mod & KMOD_SHIFT) != 0;
        ev->kind = UI_EV_NAV, ev->nav = shift ? NAV_PREV : NAV_NEXT;
        return;
    }
    for (size_t i = 0; i < sizeof key_map / sizeof key_map[0]; i++)
        if (key_map[i].sym == sym) {
            ev->kind = key_map[i].kind, ev->nav = key_map[i].nav;
            return;
        }
    if (sym >= SDLK_1 && sym <= SDLK_5) {
        /* Face keys; on a text screen the same key also arrives as text. */
        ev->kind = UI_EV_FACE;
        ev->face = (int)(sym - SDLK_1);
    } else if (sym >= SDLK_F5 && sym <= SDLK_F9) {
        ev->kind = UI_EV_FACE;
        ev->face = (int)(sym - SDLK_F5);
    }
}

/* A finger's place (fractions of the window) as a logical pixel. */
static void finger_to_logical(const ui_t *ui, const SDL_TouchFingerEvent *f, ui_event_t *ev)
{
    to_logical(ui, (int)(f->x * (float)ui->phys_w), (int)(f->y * (float)ui->phys_h), &ev->x,
               &ev->y);
}

/* Translates one SDL event; ev->kind stays UI_EV_NONE for events of no interest. */
static void map_event(const ui_t *ui, const SDL_Event *e, ui_event_t *ev)
{
    switch (e->type) {
    case SDL_QUIT:
        ev->kind = UI_EV_QUIT;
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_EXPOSED ||
            e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            ev->kind = UI_EV_REDRAW;
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        ev->kind = UI_EV_REDRAW; /* the frame's texture was lost */
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.button != SDL_BUTTON_LEFT || is_sdl_abs_id(ui, e->button.which))
            break; /* an absolute pointer's, unscaled: read_abs_pointer() has it right */
        ev->kind = e->type == SDL_MOUSEBUTTONDOWN ? UI_EV_PRESS : UI_EV_RELEASE;
        to_logical(ui, e->button.x, e->button.y, &ev->x, &ev->y);
        break;
    case SDL_MOUSEMOTION:
        if (!(e->motion.state & SDL_BUTTON_LMASK) || e->motion.which == SDL_TOUCH_MOUSEID ||
            is_sdl_abs_id(ui, e->motion.which))
            break;
        ev->kind = UI_EV_MOTION;
        to_logical(ui, e->motion.x, e->motion.y, &ev->x, &ev->y);
        break;
    case SDL_FINGERMOTION:
        ev->kind = UI_EV_MOTION;
        finger_to_logical(ui, &e->tfinger, ev);
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        ev->kind = e->type == SDL_FINGERDOWN ? UI_EV_PRESS : UI_EV_RELEASE;
        finger_to_logical(ui, &e->tfinger, ev);
        break;
    case SDL_KEYDOWN:
        map_key(&e->key, ev);
        break;
    case SDL_TEXTINPUT:
        ev->kind = UI_EV_TEXT;
        snprintf(ev->text, sizeof ev->text, "%s", e->text.text);
        break;
    case SDL_AUDIODEVICEADDED:
        if (!e->adevice.iscapture)
            ev->kind = UI_EV_AUDIO_ADDED;
        break;
    default:
        if (e->type == ui->wake_event)
            ev->kind = UI_EV_WAKE;
        break;
    }
}

void ui_forget_audio_devices(ui_t *ui)
{
    (void)ui;
    SDL_PumpEvents();
    SDL_FlushEvent(SDL_AUDIODEVICEADDED);
}

bool ui_wait_event(ui_t *ui, int timeout_ms, ui_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    SDL_Event e;
    int got;
    if (ui->own_wait) {
        read_abs_pointers(ui);
        got = SDL_PollEvent(&e);
        if (!got && timeout_ms != 0) {
            sleep_until_input(ui, timeout_ms);
            got = SDL_PollEvent(&e);
        }
    } else {
        got = timeout_ms < 0    ? SDL_WaitEvent(&e)
              : timeout_ms == 0 ? SDL_PollEvent(&e)
                                : SDL_WaitEventTimeout(&e, timeout_ms);
    }
    if (!got)
        return false;
    if (ui->own_wait && (e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) &&
        e.button.which != SDL_TOUCH_MOUSEID && !is_sdl_abs_id(ui, e.button.which))
        find_sdl_ids(ui); /* a device SDL opened after us: is it one of ours? */
    map_event(ui, &e, ev);
    if (ev->kind == UI_EV_REDRAW)
        ui_frame_forget(ui); /* the window lost what it showed: the next frame whole */
    return true;
}

void ui_wake(ui_t *ui)
{
    SDL_Event e = {.type = ui->wake_event};
    SDL_PushEvent(&e);
    if (ui->wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(ui->wake_fd, &one, sizeof one);
        (void)n; /* a full counter already wakes the loop */
    }
}

/* ---- injection ---- */

/* Pushes a left-button event at logical (x, y): down, up, or a move with the button held. */
static void push_mouse(ui_t *ui, Uint32 type, int x, int y)
{
    int px, py;
    to_physical(ui, x, y, &px, &py);
    SDL_Event e = {.type = type};
    if (type == SDL_MOUSEMOTION) {
        e.motion.state = SDL_BUTTON_LMASK;
        e.motion.x = px;
        e.motion.y = py;
        e.motion.windowID = SDL_GetWindowID(ui->win);
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.x = px;
        e.button.y = py;
        e.button.windowID = SDL_GetWindowID(ui->win);
    }
    SDL_PushEvent(&e);
}

void ui_inject_tap(ui_t *ui, int x, int y)
{
    push_mouse(ui, SDL_MOUSEBUTTONDOWN, x, y);
    push_mouse(ui, SDL_MOUSEBUTTONUP, x, y);
}

void ui_inject_drag(ui_t *ui, int x1, int y1, int x2, int y2, int steps)
{
    if (steps < 1)
        steps = 1;
    push_mouse(ui, SDL_MOUSEBUTTONDOWN, x1, y1);
    for (int i = 1; i <= steps; i++)
        push_mouse(ui, SDL_MOUSEMOTION, x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps);
    push_mouse(ui, SDL_MOUSEBUTTONUP, x2, y2);
}

void ui_inject_path(ui_t *ui, const int *xy, size_t n)
{
    if (n == 0)
        return;
    push_mouse(ui, SDL_MOUSEBUTTONDOWN, xy[0], xy[1]);
    for (size_t i = 1; i < n; i++)
        push_mouse(ui, SDL_MOUSEMOTION, xy[2 * i], xy[2 * i + 1]);
    push_mouse(ui, SDL_MOUSEBUTTONUP, xy[2 * (n - 1)], xy[2 * (n - 1) + 1]);
}

bool ui_inject_key(ui_t *ui, const char *name)
{
    SDL_Keycode k = SDL_GetKeyFromName(name);
    if (k == SDLK_UNKNOWN)
        return false;
    SDL_Event e = {.type = SDL_KEYDOWN};
    e.key.keysym.sym = k;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
    e.key.state = SDL_PRESSED;
    e.key.windowID = SDL_GetWindowID(ui->win);
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
    return true;
}

void ui_inject_text(ui_t *ui, const char *utf8)
{
    /* SDL text events carry at most 31 bytes: split on character boundaries. */
    size_t len = strlen(utf8);
    size_t o = 0;
    while (o < len) {
        size_t n = len - o < 31 ? len - o : 31;
        while (n > 0 && o + n < len && ((unsigned char)utf8[o + n] & 0xc0) == 0x80)
            n--;
        if (n == 0)
            n = 1;
        SDL_Event e = {.type = SDL_TEXTINPUT};
        memcpy(e.text.text, utf8 + o, n);
        e.text.text[n] = '\0';
        e.text.windowID = SDL_GetWindowID(ui->win);
        SDL_PushEvent(&e);
        o += n;
    }
}
