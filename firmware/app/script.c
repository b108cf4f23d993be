/* Scripted input for tests, demos and benchmarks: taps, keys, text, buttons and waits in
 * virtual time, with expectations that stop the run when the kiosk is not where it should be. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/script.h"

#include "core/buttons.h"

static const struct {
    const char *name;
    action_t action;
} action_names[] = {
    {"face", ACT_FACE},
    {"journey", ACT_JOURNEY},
    {"choice", ACT_CHOICE},
    {"key", ACT_KEY},
    {"backspace", ACT_BACKSPACE},
    {"shift", ACT_SHIFT},
    {"symbols", ACT_SYMBOLS},
    {"space", ACT_SPACE},
    {"next", ACT_NEXT},
    {"back", ACT_BACK},
    {"skip", ACT_SKIP},
    {"home", ACT_HOME},
    {"lang", ACT_LANG},
    {"page_next", ACT_PAGE_NEXT},
    {"page_prev", ACT_PAGE_PREV},
    {"idle_continue", ACT_IDLE_CONTINUE},
    {"leave_stay", ACT_LEAVE_STAY},
    {"leave_go", ACT_LEAVE_GO},
    {"done", ACT_DONE},
    {"display", ACT_DISPLAY},
    {"large_text", ACT_LARGE_TEXT},
    {"high_contrast", ACT_HIGH_CONTRAST},
    {"speech", ACT_SPEECH},
    {"display_done", ACT_DISPLAY_CLOSE},
    {"staff_digit", ACT_STAFF_DIGIT},
    {"staff_delete", ACT_STAFF_DELETE},
    {"staff_ok", ACT_STAFF_OK},
    {"staff_close", ACT_STAFF_CLOSE},
    {"staff_page", ACT_STAFF_PAGE},
    {"staff_ref_key", ACT_STAFF_REF_KEY},
    {"staff_ref_delete", ACT_STAFF_REF_DELETE},
    {"staff_erase_ask", ACT_STAFF_ERASE_ASK},
    {"staff_erase_confirm", ACT_STAFF_ERASE_CONFIRM},
    {"staff_back", ACT_STAFF_BACK},
    {"staff_pack", ACT_STAFF_PACK},
    {"staff_pack_confirm", ACT_STAFF_PACK_CONFIRM},
    {"staff_clock", ACT_STAFF_CLOCK},
    {"staff_clock_set", ACT_STAFF_CLOCK_SET},
    {"staff_quiet", ACT_STAFF_QUIET},
    {"staff_power", ACT_STAFF_POWER},
    {"staff_power_confirm", ACT_STAFF_POWER_CONFIRM},
    {"staff_touch_clear", ACT_STAFF_TOUCH_CLEAR},
    {"staff_self_test_end", ACT_STAFF_SELF_TEST_END},
    {"staff_volume", ACT_STAFF_VOLUME},
    {"wake", ACT_WAKE},
    {"ime_mode", ACT_IME_MODE},
    {"candidate", ACT_IME_CANDIDATE},
    {"candidates_next", ACT_IME_PAGE_NEXT},
    {"candidates_prev", ACT_IME_PAGE_PREV},
    {"pad_undo", ACT_IME_PAD_UNDO},
    {"pad_clear", ACT_IME_PAD_CLEAR},
    {"lang_choose", ACT_LANG_CHOOSE},
    {"lang_close", ACT_LANG_CLOSE},
};

/* Names of the staff pages, as "press staff_page NAME" and "expect staff-page NAME" use them. */
static const char *const staff_pages[STAFF_PAGE_COUNT] = {
    [STAFF_PAGE_MENU] = "menu",
    [STAFF_PAGE_FIGURES] = "figures",
    [STAFF_PAGE_ERASE] = "erase",
    [STAFF_PAGE_CONFIRM] = "erase-confirm",
    [STAFF_PAGE_CONTENT] = "content",
    [STAFF_PAGE_CONTENT_CONFIRM] = "content-confirm",
    [STAFF_PAGE_CLOCK] = "clock",
    [STAFF_PAGE_HOURS] = "hours",
    [STAFF_PAGE_TECH] = "technician",
    [STAFF_PAGE_TECH_BUTTONS] = "button-test",
    [STAFF_PAGE_TECH_TOUCH] = "touch-test",
    [STAFF_PAGE_TECH_LOG] = "log",
    [STAFF_PAGE_POWER_CONFIRM] = "power-confirm",
    [STAFF_PAGE_WORKING] = "working",
    [STAFF_PAGE_SELF_TEST] = "self-test",
};

const char *script_staff_page_name(staff_page_t p)
{
    return (unsigned)p < STAFF_PAGE_COUNT && staff_pages[p] ? staff_pages[p] : "?";
}

/* "press staff_page clock": the page's name as the argument; "press staff_power reboot". */
static const char *named_arg(action_t act, const char *arg, char *buf, size_t len)
{
    if (act == ACT_STAFF_PAGE) {
        for (int i = 0; i < STAFF_PAGE_COUNT; i++)
            if (staff_pages[i] && strcmp(arg, staff_pages[i]) == 0) {
                snprintf(buf, len, "%d", i);
                return buf;
            }
    } else if (act == ACT_STAFF_POWER) {
        static const char *const works[] = {"restart", "reboot", "poweroff"};
        static const staff_work_t values[] = {STAFF_WORK_RESTART, STAFF_WORK_REBOOT,
                                              STAFF_WORK_POWEROFF};
        for (int i = 0; i < 3; i++)
            if (strcmp(arg, works[i]) == 0) {
                snprintf(buf, len, "%d", (int)values[i]);
                return buf;
            }
    }
    return arg;
}

static int script_fail(script_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kiosk[script]: %s:%d: ", a->cfg->script_path, a->line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    *a->exit_status = 3;
    *a->quit = true;
    return -1;
}

static int action_of(const char *name)
{
    for (size_t i = 0; i < sizeof action_names / sizeof action_names[0]; i++)
        if (strcmp(action_names[i].name, name) == 0)
            return (int)action_names[i].action;
    return -1;
}

/* Whether w is the target "ACTION [ARG]": ARG is the index, or the text of a key. */
static bool matches(const widget_t *w, action_t act, const char *arg)
{
    if (w->action != act)
        return false;
    if (!arg || !*arg)
        return true;
    if (act == ACT_KEY || act == ACT_STAFF_REF_KEY)
        return w->key_text && strcmp(w->key_text, arg) == 0;
    return w->arg == atoi(arg);
}

/* "face1".."face5", "prev", "next", ... as buttons of the pin map. */
static bool parse_button(const char *name, button_action_t *action, int *index)
{
    if (strncmp(name, "face", 4) == 0 && name[4] >= '1' && name[4] <= '5' && !name[5]) {
        *action = BUTTON_FACE;
        *index = name[4] - '1';
        return true;
    }
    for (int i = 1; i < BUTTON_ACTION_COUNT; i++)
        if (strcmp(name, button_action_name((button_action_t)i)) == 0) {
            *action = (button_action_t)i;
            return true;
        }
    return false;
}

/* Finds the widget for "press ACTION [ARG]". */
static const widget_t *find_widget(const script_t *a, action_t act, const char *arg)
{
    char num[16];
    arg = named_arg(act, arg, num, sizeof num);
    for (size_t i = a->view->n; i-- > 0;) {
        const widget_t *w = &a->view->w[i];
        if (w->disabled || w->kind == W_PANEL)
            continue;
        if (a->view->overlay_start && i < a->view->overlay_start)
            continue;
        if (matches(w, act, arg))
            return w;
    }
    return NULL;
}

static bool expect(script_t *a, const char *what, const char *value)
{
    static const char *const screens[] = {"home", "question", "thanks", "out_of_service",
                                          "message"};
    static const char *const overlays[] = {"none", "idle", "leave", "display", "language"};
    const flow_t *f = *a->flow;
    const char *actual;
    char count[24];
    if ((a->staff->state != STAFF_CLOSED) && strncmp(what, "staff", 5) != 0 &&
        strcmp(what, "lang") != 0) {
        script_fail(a, "expected %s %s, but the staff screens are open", what, value);
        return false;
    }
    if (strcmp(what, "screen") == 0)
        actual = screens[flow_screen(f)];
    else if (strcmp(what, "overlay") == 0)
        actual = overlays[flow_overlay(f)];
    else if (strcmp(what, "lang") == 0)
        actual = flow_lang(f);
    else if (strcmp(what, "question") == 0)
        actual = flow_question(f) ? flow_question(f)->name : "(none)";
    else if (strcmp(what, "notice") == 0)
        actual = a->notice[0] ? "yes" : "no";
    else if (strcmp(what, "ref") == 0)
        actual = flow_ref_code(f)[0] ? "yes" : "no";
    else if (strcmp(what, "staff") == 0) {
        static const char *const states[] = {"closed", "pin", "checking", "open"};
        actual = states[a->staff->state];
    } else if (strcmp(what, "attract") == 0) {
        actual = a->quiet->attract ? "yes" : "no";
    } else if (strcmp(what, "staff-role") == 0) {
        actual = a->staff->state != STAFF_OPEN             ? "(closed)"
                 : a->staff->role == STAFF_ROLE_TECHNICIAN ? "technician"
                                                           : "staff";
    } else if (strcmp(what, "staff-page") == 0) {
        actual =
            a->staff->state == STAFF_OPEN ? script_staff_page_name(a->staff->page) : "(closed)";
    } else if (strcmp(what, "staff-wait") == 0) {
        actual = staff_wait_ms(a->staff, *a->virtual_ms) > 0 ? "yes" : "no";
    } else if (strcmp(what, "ime") == 0) {
        const ime_t *ime = flow_ime(f);
        actual = ime ? ime_mode_name(ime->mode) : "none";
    } else if (strcmp(what, "why") == 0) {
        static const char *const whys[] = {"none", "choose", "write", "phone"};
        actual = whys[flow_explaining(f)];
    } else if (strcmp(what, "journeys") == 0) {
        snprintf(count, sizeof count, "%zu", content_journey_count(flow_content(f)));
        actual = count;
    } else if (strcmp(what, "display") == 0) {
        static const char *const displays[] = {"normal", "large", "contrast", "large,contrast"};
        actual = displays[flow_large_text(f) + 2 * flow_high_contrast(f)];
    } else {
        script_fail(a, "unknown expectation '%s'", what);
        return false;
    }
    if (strcmp(actual, value) != 0) {
        script_fail(a, "expected %s %s, but it is %s", what, value, actual);
        return false;
    }
    return true;
}

/* A clean press of the button doing action (index for faces), held for hold_ms: the edges
 * the GPIO backend would queue, in virtual time, each taken when it comes (a press is acted
 * on at its edge). */
static bool script_press(script_t *a, button_action_t action, int index, int hold_ms)
{
    int pin = button_input_find(a->buttons, action, index);
    if (pin < 0)
        return false;
    button_input_edge(a->buttons, (size_t)pin, true, *a->virtual_ms * 1000000);
    a->buttons_turn(a->ud);
    *a->virtual_ms += hold_ms;
    a->buttons_turn(a->ud);
    button_input_edge(a->buttons, (size_t)pin, false, *a->virtual_ms * 1000000);
    *a->virtual_ms += a->cfg->buttons->debounce_ms;
    a->buttons_turn(a->ud);
    return true;
}

/* Before an input: a scripted resident waits for a new screen to settle (the flow ignores
 * inputs for FLOW_TAP_GUARD_MS after a change), as a person reading it would, unless a "wait"
 * since the last input says exactly when it comes ("press face 0", "wait 250", "press
 * choice 0" is a double tap). */
static void pace(script_t *a)
{
    int64_t settled = flow_settled_at(*a->flow);
    if (!a->timed && settled != INT64_MIN && *a->virtual_ms < settled)
        *a->virtual_ms = settled;
    a->timed = false;
}

/* Each command takes the rest of its line (rest: from its first word; raw: everything after
 * the one separating space) and returns false to stop the script. */
typedef bool (*command_fn)(script_t *a, char *rest, char *raw);

static bool cmd_drag(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)raw;
    int x1, y1, x2, y2, steps = 10;
    if (sscanf(rest, "%d %d %d %d %d", &x1, &y1, &x2, &y2, &steps) < 4)
        return script_fail(a, "usage: drag X1 Y1 X2 Y2 [STEPS]"), false;
    ui_inject_drag(a->ui, x1, y1, x2, y2, steps);
    return true;
}

static bool cmd_tap(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)raw;
    int x, y;
    if (sscanf(rest, "%d %d", &x, &y) != 2)
        return script_fail(a, "usage: tap X Y"), false;
    ui_inject_tap(a->ui, x, y);
    return true;
}

/* "ACTION [ARG]" of press and focus into name and arg; the action, or -1 (the run stops). */
static int parse_target(script_t *a, const char *rest, char name[32], char arg[64])
{
    sscanf(rest, "%31s %63s", name, arg);
    int act = action_of(name);
    if (act < 0)
        script_fail(a, "unknown target '%s'", name);
    return act;
}

static bool cmd_press(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)raw;
    char name[32] = "", arg[64] = "";
    int act = parse_target(a, rest, name, arg);
    if (act < 0)
        return false;
    const widget_t *w = find_widget(a, (action_t)act, arg);
    if (!w)
        return script_fail(a, "no '%s %s' on this screen", name, arg), false;
    ui_inject_tap(a->ui, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2);
    return true;
}

static bool cmd_button(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)raw;
    char name[32] = "";
    int hold = 80;
    sscanf(rest, "%31s %d", name, &hold);
    button_action_t action;
    int index = 0;
    if (!parse_button(name, &action, &index))
        return script_fail(a, "unknown button '%s'", name), false;
    if (!script_press(a, action, index, hold))
        return script_fail(a, "no '%s' button in the pin map (use --config)", name), false;
    return true;
}

/* Presses "next" until the ring is on the target: driving by buttons alone. */
static bool cmd_focus(script_t *a, char *rest, char *raw)
{
    (void)raw;
    char name[32] = "", arg[64] = "";
    int act = parse_target(a, rest, name, arg);
    if (act < 0)
        return false;
    for (int presses = 0;; presses++) {
        int fi = flow_focus(*a->flow);
        const widget_t *w = fi >= 0 ? view_focusable(a->view, (size_t)fi) : NULL;
        if (w && matches(w, (action_t)act, arg))
            return true;
        if (presses >= 200 || !script_press(a, BUTTON_NEXT, 0, 80))
            return script_fail(a, "the focus ring never reached '%s %s'", name, arg), false;
    }
}

/* A stick mounted at the path (as the mount watcher would report it). */
/* A stroke on the writing pad: "stroke X,Y X,Y ..." in thousandths of the pad's side, drawn
 * as a finger would (down, moving through each point, up). */
static bool cmd_stroke(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)raw;
    const widget_t *pad = find_widget(a, ACT_IME_PAD, "");
    if (!pad)
        return script_fail(a, "no writing pad on this screen"), false;
    int xy[2 * 64];
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(rest, " \t", &save); t;
         t = strtok_r(NULL, " \t", &save)) {
        int px, py;
        if (n == 64 || sscanf(t, "%d,%d", &px, &py) != 2 || px < 0 || py < 0 || px > 1000 ||
            py > 1000)
            return script_fail(a, "usage: stroke X,Y X,Y ... (up to 64 points, 0..1000)"), false;
        xy[2 * n] = pad->r.x + px * (pad->r.w - 1) / 1000;
        xy[2 * n + 1] = pad->r.y + py * (pad->r.h - 1) / 1000;
        n++;
    }
    if (n == 0)
        return script_fail(a, "usage: stroke X,Y X,Y ... (up to 64 points, 0..1000)"), false;
    ui_inject_path(a->ui, xy, n);
    return true;
}

static bool cmd_stick(script_t *a, char *rest, char *raw)
{
    (void)raw;
    a->stick(a->ud, rest);
    return true;
}

static bool cmd_usbscan(script_t *a, char *rest, char *raw)
{
    (void)rest, (void)raw;
    a->stick(a->ud, NULL);
    return true;
}

static bool cmd_headset(script_t *a, char *rest, char *raw)
{
    (void)rest, (void)raw;
    a->audio_added(a->ud);
    return true;
}

static bool cmd_key(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)raw;
    if (!ui_inject_key(a->ui, rest))
        return script_fail(a, "unknown key '%s'", rest), false;
    return true;
}

static bool cmd_text(script_t *a, char *rest, char *raw)
{
    pace(a);
    (void)rest;
    ui_inject_text(a->ui, raw);
    return true;
}

static bool cmd_wait(script_t *a, char *rest, char *raw)
{
    (void)raw;
    long ms = strtol(rest, NULL, 10);
    if (ms < 0)
        return script_fail(a, "wait needs milliseconds"), false;
    *a->virtual_ms += ms;
    a->timed = true;
    return true;
}

/* "sleep 1200": waits that long in real time, the kiosk's time moving on by as much; for sound,
 * which plays in real time (speech heard against the moves of the ring). */
static bool cmd_sleep(script_t *a, char *rest, char *raw)
{
    (void)raw;
    long ms = strtol(rest, NULL, 10);
    if (ms < 0 || ms > 60000)
        return script_fail(a, "sleep needs 0 to 60000 milliseconds"), false;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    *a->virtual_ms += ms;
    a->timed = true;
    return true;
}

/* "today 2026-12-04": the local date the kiosk believes from now on, as KIOSK_TODAY gives it
 * at start ("today" alone: the clock's again); a day passing while the kiosk runs. */
static bool cmd_today(script_t *a, char *rest, char *raw)
{
    (void)raw;
    int y, m, d;
    if (*rest && sscanf(rest, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return script_fail(a, "today needs YYYY-MM-DD"), false;
    setenv("KIOSK_TODAY", rest, 1);
    return true;
}

/* "clock +200d synced": the wall clock from now on runs that far ahead (or behind: -3h; units
 * d, h, m, s), with the kernel's synchronised flag said to be set ("synced"), clear
 * ("unsynced") or as it is (no word); "clock" alone: the real clock again. */
static bool cmd_clock(script_t *a, char *rest, char *raw)
{
    (void)raw;
    long long n = 0;
    char unit = 0, flag[16] = "";
    int got = *rest ? sscanf(rest, "%lld%c %15s", &n, &unit, flag) : 0;
    static const struct {
        char unit;
        int64_t ms;
    } units[] = {{'d', 86400000}, {'h', 3600000}, {'m', 60000}, {'s', 1000}};
    int64_t ms = -1;
    for (size_t i = 0; got >= 2 && i < sizeof units / sizeof units[0]; i++)
        if (unit == units[i].unit && n > -100000 && n < 100000)
            ms = units[i].ms;
    bool flag_ok = got < 3 || strcmp(flag, "synced") == 0 || strcmp(flag, "unsynced") == 0;
    if (got != 0 && (ms < 0 || !flag_ok))
        return script_fail(a, "clock needs +N or -N with d, h, m or s, then synced or unsynced"),
               false;
    *a->wall_shift_ms = got ? (int64_t)n * ms : 0;
    *a->wall_synced = got < 3 ? -1 : strcmp(flag, "synced") == 0;
    return true;
}

static bool cmd_expect(script_t *a, char *rest, char *raw)
{
    (void)raw;
    char what[32] = "", value[64] = "";
    sscanf(rest, "%31s %63s", what, value);
    return expect(a, what, value);
}

static bool cmd_shot(script_t *a, char *rest, char *raw)
{
    (void)raw;
    if (a->cfg->shot_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.bmp", a->cfg->shot_dir, rest);
        ui_screenshot(a->ui, path);
    }
    return true;
}

static bool cmd_echo(script_t *a, char *rest, char *raw)
{
    (void)a, (void)raw;
    printf("%s\n", rest);
    fflush(stdout);
    return true;
}

/* Lets a test harness act (fill a disk, pull a stick) at a known point: says so on stdout and
 * waits for a line on stdin. */
static bool cmd_pause(script_t *a, char *rest, char *raw)
{
    (void)rest, (void)raw;
    printf("event=pause line=%d\n", a->line);
    fflush(stdout);
    char reply[64];
    if (!fgets(reply, sizeof reply, stdin))
        return script_fail(a, "stdin closed during pause"), false;
    return true;
}

static bool cmd_quit(script_t *a, char *rest, char *raw)
{
    (void)a, (void)rest, (void)raw;
    return false;
}

/* The start-up check: held from the start when the script's first line is
 * "hold-startup-check" (the app reads it before the check starts), then let go. */
static bool cmd_hold_check(script_t *a, char *rest, char *raw)
{
    (void)rest, (void)raw;
    if (a->line != 1)
        return script_fail(a, "hold-startup-check must be the first line"), false;
    return true;
}

static bool cmd_release_check(script_t *a, char *rest, char *raw)
{
    (void)rest, (void)raw;
    *a->hold_check = false;
    return true;
}

static const struct {
    const char *name;
    command_fn fn;
} commands[] = {
    {"drag", cmd_drag},
    {"tap", cmd_tap},
    {"press", cmd_press},
    {"button", cmd_button},
    {"focus", cmd_focus},
    {"stick", cmd_stick},
    {"usbscan", cmd_usbscan},
    {"stroke", cmd_stroke},
    {"key", cmd_key},
    {"text", cmd_text},
    {"wait", cmd_wait},
    {"expect", cmd_expect},
    {"shot", cmd_shot},
    {"echo", cmd_echo},
    {"pause", cmd_pause},
    {"quit", cmd_quit},
    {"today", cmd_today},
    {"headset", cmd_headset},
    {"sleep", cmd_sleep},
    {"clock", cmd_clock},
    {"hold-startup-check", cmd_hold_check},
    {"release-startup-check", cmd_release_check},
};

/* Runs the next script command; false at the end of the script or on failure. */
bool script_step(script_t *a)
{
    char line[1024];
    if (!fgets(line, sizeof line, a->file))
        return false;
    a->line++;
    line[strcspn(line, "\r\n")] = '\0';
    char *cmd = line + strspn(line, " \t");
    if (!*cmd || *cmd == '#')
        return true;
    char *rest = cmd + strcspn(cmd, " \t");
    if (*rest)
        *rest++ = '\0';
    char *raw = rest; /* "text" types everything after the one separating space */
    rest += strspn(rest, " \t");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(a, rest, raw);
    return script_fail(a, "unknown command '%s'", cmd), false;
}
