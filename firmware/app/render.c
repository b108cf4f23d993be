/* The frame and the loop's sleep: the active mode's view built and drawn (the ui draws only
 * what changed), screenshots of each new screen, and how long the loop may sleep, which is
 * until the next thing the screen or a timer must show, not a frame rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_internal.h"
#include "app/fonts.h"
#include "app/router.h"
#include "core/utf8.h"
#include "system/clock.h"
#include "system/system.h"

/* When the centre opens again, for the attract screen (NULL: not known). */
static const char *quiet_reopens(const app_t *a)
{
    const staff_hours_t *h = &a->staff.hours;
    return h->quiet && h->until[0] ? h->until : NULL;
}

static void screenshot_if_new(app_t *a)
{
    if (!a->cfg->shot_dir)
        return;
    const flow_t *f = a->flow;
    static const char *const screens[] = {"home", "question", "thanks", "out-of-service",
                                          "message"};
    static const char *const overlays[] = {"", "-idle", "-leave", "-display", "-language"};
    const journey_t *j = flow_journey(f);
    const question_t *q = flow_question(f);
    char key[160];
    if (staff_active(a)) {
        const staff_t *s = &a->staff;
        snprintf(key, sizeof key, "staff-%s%s%s%s%s%s-%s",
                 s->state == STAFF_OPEN ? script_staff_page_name(s->page) : "pin",
                 s->erase_result == ERASE_DONE        ? "-erased"
                 : s->erase_result == ERASE_NOT_FOUND ? "-not-found"
                 : s->erase_result == ERASE_FAILED    ? "-failed"
                                                      : "",
                 s->result[0] ? (s->result_bad ? "-failed" : "-done") : "",
                 s->state == STAFF_OPEN            ? ""
                 : s->no_pin                       ? "-no-pin"
                 : staff_wait_ms(s, now_ms(a)) > 0 ? "-wait"
                 : s->wrong                        ? "-wrong"
                                                   : "",
                 s->state == STAFF_PIN && s->pin[0] ? "-typed" : "", s->focus >= 0 ? "-focus" : "",
                 flow_lang(f));
    } else
        snprintf(key, sizeof key, "%s%s%s%s%s%s%s-%s",
                 a->quiet.attract ? "attract" : screens[flow_screen(f)], j ? "-" : "",
                 j ? j->id : (q ? "-quick" : ""), q ? "-" : "", q ? q->name : "",
                 overlays[flow_overlay(f)], flow_focus(f) >= 0 ? "-focus" : "", flow_lang(f));
    if (strcmp(key, a->last_shot_key) == 0)
        return;
    snprintf(a->last_shot_key, sizeof a->last_shot_key, "%s", key);
    char path[4096];
    int w, h;
    ui_logical_size(a->ui, &w, &h);
    snprintf(path, sizeof path, "%s/%03d-%s-%dx%d.bmp", a->cfg->shot_dir, ++a->shot_seq, key, w, h);
    ui_screenshot(a->ui, path);
}

/* Builds the active mode's view and draws it: the ui draws only the part that changed. */
/* This thread's CPU time in microseconds. */
static int64_t thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void redraw(app_t *a)
{
    int64_t t0 = clock_mono_us(), cpu0 = a->stats.on ? thread_cpu_us() : 0;
    int w, h;
    ui_logical_size(a->ui, &w, &h);
    mode_frame_t frame = {w,
                          h,
                          ui_metrics(a->ui),
                          now_ms(a),
                          a->content,
                          flow_lang(a->flow),
                          a->notice[0] ? a->notice : NULL,
                          a->quiet.attract ? quiet_reopens(a) : NULL,
                          a->wall.offset_min};
    active_mode_t m = app_active_mode(a);
    m.ops->build(m.self, a->view, &frame);
    /* The text edge measures in the view's language (its fonts, its direction): on a change,
     * build again so that what was measured is what is drawn. */
    const char *lang = a->view->lang[0] ? a->view->lang : frame.lang;
    const char *families[APP_FONT_FAMILIES];
    size_t nf = app_font_families(a->cfg, a->content, lang, families);
    if (ui_set_language(a->ui, lang, a->view->rtl, families, nf))
        m.ops->build(m.self, a->view, &frame);
    if (flow_focus(a->flow) == FLOW_FOCUS_START || flow_focus(a->flow) == FLOW_FOCUS_CANDIDATES)
        flow_set_focus(a->flow, a->view->focus_index);
    for (size_t i = 0; i < a->view->n; i++)
        if (a->view->w[i].overflow) {
            const char *t = a->view->w[i].text; /* its first 40 bytes, whole characters */
            size_t n = 0;
            while (t[n] && n + utf8_char_len(t + n) <= 40)
                n += utf8_char_len(t + n);
            log_line("warn", "text does not fit: \"%.*s\"", (int)n, t);
        }
    ui_draw(a->ui, a->view, a->pressed);
    a->idle_step_ms =
        m.ops == &mode_residents ? flow_idle_next_step(a->flow, frame.now_ms) : INT64_MAX;
    /* handed off after the frame is drawn: speech never delays what the resident sees */
    app_speech_frame(&a->speech, a->flow, a->view, m.ops == &mode_residents);
    int64_t t1 = clock_mono_us();
    stats_frame_drawn(&a->stats, t1);
    if (!a->first_frame_done) {
        a->first_frame_done = true;
        printf("event=first-frame ms=%.1f mono_ns=%lld\n", (double)(t1 - a->started_us) / 1000.0,
               (long long)t1 * 1000);
        fflush(stdout);
    } else {
        stats_frame(&a->stats, t1 - t0);
        a->frame_cpu.on = a->stats.on;
        stats_frame(&a->frame_cpu, a->stats.on ? thread_cpu_us() - cpu0 : 0);
    }
    screenshot_if_new(a);
    a->dirty = false;
}

int app_wait_timeout(const app_t *a)
{
    int64_t now = now_ms(a);
    int64_t deadline = flow_next_deadline(a->flow);
    int64_t b = button_input_deadline_ms(&a->buttons);
    if (b < deadline)
        deadline = b;
    b = staff_next_deadline(&a->staff, now);
    if (b < deadline)
        deadline = b;
    b = quiet_deadline(&a->quiet, now);
    if (b < deadline)
        deadline = b;
    b = saving_deadline(&a->saving);
    if (b < deadline)
        deadline = b;
    if (a->idle_step_ms < deadline)
        deadline = a->idle_step_ms; /* the countdown's next step: it sleeps until then */
    int64_t t = deadline == INT64_MAX ? -1 : deadline - now;
    if (t < 0 && deadline != INT64_MAX)
        t = 0;
    /* An idle kiosk still wakes to ping the service watchdog. */
    int64_t w = system_watchdog_due_ms(a->sys, clock_mono_ms());
    if (w >= 0 && (t < 0 || t > w))
        t = w;
    return t > 3600000 ? 3600000 : (int)t;
}

/* "live" in a script: the loop runs in real time for that long, as in a real run (it sleeps
 * in ui_wait_event() until its next deadline), its clock moving on by as much. */
void app_live_turn(app_t *a)
{
    int64_t real = clock_mono_ms();
    if (!a->live_until_ms) {
        a->live_until_ms = real + a->script.live_ms;
        a->live_shift_ms = a->virtual_ms - real;
    }
    int64_t left = a->live_until_ms - real;
    if (left <= 0) {
        a->script.live_ms = 0;
        a->live_until_ms = 0;
        return;
    }
    int t = app_wait_timeout(a);
    ui_event_t ev;
    if (ui_wait_event(a->ui, t < 0 || t > left ? (int)left : t, &ev))
        router_ui_event(a, &ev);
    a->virtual_ms = clock_mono_ms() + a->live_shift_ms;
}

/* --stats: the frames' times (wall and CPU), and how they were drawn (whole, the part that changed,
 * or not at all). */
static int cmp_i64(const void *x, const void *y)
{
    int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;
    return (p > q) - (p < q);
}

void app_stats_print(app_t *a)
{
    stats_print(&a->stats);
    stats_t *cpu = &a->frame_cpu;
    if (cpu->frames) {
        qsort(cpu->frame_us, cpu->frames, sizeof *cpu->frame_us, cmp_i64);
        printf("stats frame_cpu median_us=%lld p95_us=%lld max_us=%lld\n",
               (long long)cpu->frame_us[cpu->frames / 2],
               (long long)cpu->frame_us[cpu->frames * 95 / 100],
               (long long)cpu->frame_us[cpu->frames - 1]);
    }
    stats_free(cpu);
    if (!a->stats.on || !a->ui)
        return;
    ui_frame_counts_t c = ui_frame_counts(a->ui);
    printf("stats drawn whole=%u part=%u unchanged=%u\n", c.whole, c.part, c.unchanged);
    fflush(stdout);
}
