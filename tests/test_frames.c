/* The real kiosk, headless, counting the frames it draws (--stats): the idle countdown draws a
 * frame at each of its steps and no more, whatever the script's clock does between them, and
 * only the part of the screen that changed; left alone in real time ("live") the kiosk draws
 * nothing on the home screen and one frame a step during the countdown, sleeping between;
 * a focus move draws a part of the frame, not the whole. (How long frames take is measured by
 * tools/bench-frames, never asserted here.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/flow.h"
#include "proc_util.h"

typedef struct {
    int frames; /* after the first */
    int whole, part, unchanged;
} counts_t;

/* Runs the kiosk through script (the text of it) with extra arguments, and reads --stats. */
static bool run_counting(const char *name, const char *script, const char *args, counts_t *c)
{
    char path[700], db[700], cmd[2400], line[512];
    snprintf(path, sizeof path, "%s/%s.script", tmp, name);
    snprintf(db, sizeof db, "%s/%s.db", tmp, name);
    if (!write_file(path, script))
        return false;
    snprintf(cmd, sizeof cmd, "rm -f '%s'*; '%s' --headless --db '%s' --script '%s' --stats %s", db,
             kiosk_bin, db, path, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    *c = (counts_t){0, -1, -1, -1};
    while (fgets(line, sizeof line, p)) {
        sscanf(line, "stats frames=%d", &c->frames);
        sscanf(line, "stats drawn whole=%d part=%d unchanged=%d", &c->whole, &c->part,
               &c->unchanged);
    }
    int status = pclose(p);
    if (status != 0)
        fprintf(stderr, "  %s: the kiosk exited with %d\n", name, status);
    return status == 0 && c->whole >= 0;
}

#define TO_COUNTDOWN "press journey 1\npress choice 0\nwait 60000\nexpect overlay idle\n"

/* 3960 ms of countdown waited for at once, or in 120 waits of 33 ms (a frame rate): the
 * second draws a frame at each step the countdown crossed (3960 / FLOW_IDLE_STEP_MS of them)
 * and not one a wait; each of them only the part that changed. */
static void the_countdown_draws_a_frame_a_step(void)
{
    counts_t once, paced;
    REQUIRE(
        run_counting("countdown-once", TO_COUNTDOWN "wait 3960\n", "--idle-countdown 60", &once));
    char script[4096];
    snprintf(script, sizeof script, "%s", TO_COUNTDOWN);
    for (int i = 0; i < 120; i++)
        strcat(script, "wait 33\n");
    REQUIRE(run_counting("countdown-paced", script, "--idle-countdown 60", &paced));
    int steps = 3960 / FLOW_IDLE_STEP_MS;
    CHECK(paced.frames - once.frames >= steps - 2);
    CHECK(paced.frames - once.frames <= steps);
    CHECK_INT(paced.whole, once.whole); /* the steps are parts of the frame */
    CHECK(paced.part - once.part >= steps - 2);
}

/* Left alone in real time, the home screen draws nothing; the countdown draws a frame a step
 * (1600 ms: six steps, give or take the one under way), the loop sleeping between. */
static void left_alone_the_loop_sleeps_until_the_next_step(void)
{
    counts_t home, countdown;
    REQUIRE(run_counting("live-home", "live 1500\n", "", &home));
    CHECK_INT(home.frames, 0);
    CHECK_INT(home.whole + home.part + home.unchanged, 1); /* the first frame alone */
    REQUIRE(run_counting("live-countdown", TO_COUNTDOWN "live 1600\n", "--idle-countdown 60",
                         &countdown));
    counts_t before;
    REQUIRE(run_counting("live-before", TO_COUNTDOWN, "--idle-countdown 60", &before));
    int drawn = countdown.frames - before.frames;
    CHECK(drawn >= 2); /* it did not stop */
    CHECK(drawn <= 1600 / FLOW_IDLE_STEP_MS + 1);
}

/* Whether two files hold the same bytes. */
static bool same_file(const char *a, const char *b)
{
    char cmd[1700]; /* two paths of up to 800 bytes */
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

/* Three seconds of countdown drawn step by step, each step a part of the frame, end on the
 * same pixels as the same moment drawn at once (the prompt coming up: a whole frame), at both
 * ends of the sizes. */
static void countdown_steps_drawn_in_parts_are_the_whole_frame(void)
{
    const char *sizes[] = {"800x480", "1920x1080"};
    for (int s = 0; s < 2; s++) {
        char dir[700], args[1000], stepped[800], at_once[800], script[2048];
        snprintf(dir, sizeof dir, "%s/frames-shots-%s", tmp, sizes[s]);
        snprintf(args, sizeof args, "--size %s --screenshots '%s'", sizes[s], dir);
        snprintf(script, sizeof script, "rm -rf '%s'; mkdir -p '%s'", dir, dir);
        REQUIRE(system(script) == 0);
        snprintf(script, sizeof script, "%s", TO_COUNTDOWN);
        for (int i = 0; i < 12; i++)
            strcat(script, "wait 250\n");
        strcat(script, "shot stepped\n");
        counts_t c;
        REQUIRE(run_counting("shots-stepped", script, args, &c));
        CHECK(c.part >= 12);
        REQUIRE(run_counting("shots-at-once",
                             "press journey 1\npress choice 0\nwait 63000\nexpect overlay "
                             "idle\nshot at-once\n",
                             args, &c));
        snprintf(stepped, sizeof stepped, "%s/stepped.bmp", dir);
        snprintf(at_once, sizeof at_once, "%s/at-once.bmp", dir);
        CHECK(same_file(stepped, at_once));
    }
}

/* Tab on the home screen at 1920x1080: each move of the ring draws a part of the frame. */
static void a_focus_move_draws_a_part_of_the_frame(void)
{
    char script[1024] = "";
    for (int i = 0; i < 10; i++)
        strcat(script, "key Tab\nwait 400\n");
    counts_t c;
    REQUIRE(run_counting("tab", script, "--size 1920x1080", &c));
    CHECK_INT(c.whole, 1); /* the first frame */
    CHECK_INT(c.part, 10);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(the_countdown_draws_a_frame_a_step);
    RUN(left_alone_the_loop_sleeps_until_the_next_step);
    RUN(a_focus_move_draws_a_part_of_the_frame);
    RUN(countdown_steps_drawn_in_parts_are_the_whole_frame);
    return check_failures != 0;
}
