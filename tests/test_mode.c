/* The modes behind one interface (core/mode.h): the same input_t from any device does the
 * same thing; select acts on the target under the focus ring; the staff mode asks the app for
 * what it cannot do itself through MODE_* flags; the button test takes raw button events. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/mode.h"
#include "pack_util.h"

static content_t *pack;
static view_t view;

static int width_of(void *ud, int px, bool bold, const char *s, size_t len)
{
    (void)ud, (void)bold, (void)s;
    return (int)len * px / 2;
}

static int line_height(void *ud, int px, bool bold)
{
    (void)ud, (void)bold;
    return px * 13 / 10;
}

static const text_metrics_t metrics = {width_of, line_height, NULL};

static void build(const mode_ops_t *m, void *self, int64_t now)
{
    mode_frame_t fr = {800, 480, &metrics, now, pack, "en", NULL, NULL, 0};
    m->build(self, &view, &fr);
}

static const widget_t *find(action_t act, int arg)
{
    for (size_t i = 0; i < view.n; i++)
        if (view.w[i].action == act && view.w[i].arg == arg)
            return &view.w[i];
    return NULL;
}

static unsigned input(const mode_ops_t *m, void *self, input_t in, int64_t now)
{
    return m->input(self, &in, &view, now);
}

static void a_tap_and_a_face_button_rate_alike(void)
{
    flow_t *tapped = flow_new(pack, "k", 0), *pressed = flow_new(pack, "k", 0);
    REQUIRE(tapped && pressed);
    build(&mode_residents, tapped, 0);
    const widget_t *face = find(ACT_FACE, 3);
    REQUIRE(face);
    CHECK(input(&mode_residents, tapped, (input_t){.kind = IN_ACTIVATE, .w = face}, 10) &
          MODE_REDRAW);
    CHECK(input(&mode_residents, pressed, (input_t){.kind = IN_FACE, .face = 3}, 10) & MODE_REDRAW);
    CHECK_INT(flow_screen(tapped), flow_screen(pressed));
    record_t *a = NULL, *b = NULL;
    CHECK_INT(flow_pending_op(tapped, &a), OP_SAVE);
    CHECK_INT(flow_pending_op(pressed, &b), OP_SAVE);
    REQUIRE(a && b);
    CHECK_STR(a->answers_json, b->answers_json);
    flow_free(tapped);
    flow_free(pressed);
}

static void select_shows_the_ring_first_then_acts_on_its_target(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    REQUIRE(f);
    build(&mode_residents, f, 0);
    input_t select = {.kind = IN_NAV, .nav = NAV_SELECT};
    CHECK(input(&mode_residents, f, select, 10) & MODE_REDRAW); /* the ring shows */
    build(&mode_residents, f, 10);
    flow_set_focus(f, view.focus_index);
    REQUIRE(flow_focus(f) >= 0);
    const widget_t *target = view_focusable(&view, (size_t)flow_focus(f));
    REQUIRE(target);
    screen_t before = flow_screen(f);
    CHECK(input(&mode_residents, f, select, 20) & MODE_REDRAW);
    /* The first target on the home screen is a face or a journey: either leaves home. */
    CHECK(flow_screen(f) != before || flow_pending_op(f, &(record_t *){NULL}) != OP_NONE);
    flow_free(f);
}

/* The index among the focusable targets of the first with this action, or -1. */
static int focusable_index(action_t act)
{
    for (size_t i = 0; i < view.focusable; i++)
        if (view_focusable(&view, i)->action == act)
            return (int)i;
    return -1;
}

/* A keyboard's Enter in a text answer goes on to the next question; it never types the key
 * under the ring, which a physical Select does. */
static void enter_in_a_text_answer_goes_to_the_next_question(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    REQUIRE(f);
    flow_activate(f, ACT_JOURNEY, 0, NULL, 1);
    flow_activate(f, ACT_CHOICE, 1, NULL, 2);
    flow_activate(f, ACT_CHOICE, 3, NULL, 3);
    REQUIRE(flow_question(f) && flow_question(f)->type == Q_COMMENT);
    input(&mode_residents, f, (input_t){.kind = IN_TEXT, .text = "hi"}, 4);
    build(&mode_residents, f, 4);
    int key = focusable_index(ACT_KEY);
    REQUIRE(key >= 0);
    flow_set_focus(f, key);
    /* Select (a physical button) types the focused key... */
    CHECK(input(&mode_residents, f, (input_t){.kind = IN_NAV, .nav = NAV_SELECT}, 5) & MODE_REDRAW);
    CHECK_INT((int)strlen(flow_answer(f)->text), 3);
    CHECK(input(&mode_residents, f, (input_t){.kind = IN_BACKSPACE}, 6) & MODE_REDRAW);
    /* ...Enter goes on, with the ring on a key or with no ring at all. */
    build(&mode_residents, f, 6);
    flow_set_focus(f, focusable_index(ACT_KEY));
    CHECK(input(&mode_residents, f, (input_t){.kind = IN_NAV, .nav = NAV_ENTER}, 7) & MODE_REDRAW);
    REQUIRE(flow_question(f));
    CHECK_STR(flow_question(f)->name, "contactOk");
    flow_activate(f, ACT_BACK, 0, NULL, 8);
    CHECK_STR(flow_answer(f)->text, "hi");
    flow_touched(f);
    build(&mode_residents, f, 8);
    CHECK(input(&mode_residents, f, (input_t){.kind = IN_NAV, .nav = NAV_ENTER}, 9) & MODE_REDRAW);
    CHECK_STR(flow_question(f)->name, "contactOk");
    /* On a choice Enter selects, as Select does: the ring's target. */
    build(&mode_residents, f, 9);
    flow_set_focus(f, focusable_index(ACT_CHOICE));
    CHECK(input(&mode_residents, f, (input_t){.kind = IN_NAV, .nav = NAV_ENTER}, 10) & MODE_REDRAW);
    CHECK(strcmp(flow_question(f)->name, "contactOk") != 0);
    flow_free(f);
}

/* The help button: speech on and the ring shown; a second press says the screen again and
 * moves nothing. */
static void help_turns_speech_on_and_shows_the_ring(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    REQUIRE(f);
    build(&mode_residents, f, 0);
    CHECK(!flow_speech(f));
    CHECK(input(&mode_residents, f, (input_t){.kind = IN_HELP}, 10) & MODE_REDRAW);
    CHECK(flow_speech(f));
    CHECK_INT(flow_focus(f), FLOW_FOCUS_START);
    build(&mode_residents, f, 10); /* as the app's redraw: the ring lands on the first target */
    flow_set_focus(f, view.focus_index);
    int focus = flow_focus(f);
    CHECK(focus >= 0);
    unsigned repeat = flow_speech_repeat(f);
    CHECK_INT(input(&mode_residents, f, (input_t){.kind = IN_HELP}, 20), MODE_REDRAW);
    CHECK_INT(flow_speech_repeat(f), repeat + 1);
    CHECK(flow_speech(f));
    CHECK_INT(flow_focus(f), focus);
    CHECK_INT(flow_screen(f), SCREEN_HOME);
    flow_free(f);
}

static staff_t opened(staff_role_t role)
{
    staff_t s = {0};
    s.focus = -1;
    staff_open_by_token(&s, role, 0);
    return s;
}

static void a_staff_page_asks_for_its_figures_and_the_clock_for_the_time(void)
{
    staff_t s = opened(STAFF_ROLE_STAFF);
    build(&mode_staff, &s, 0);
    const widget_t *figures = find(ACT_STAFF_PAGE, STAFF_PAGE_FIGURES);
    REQUIRE(figures);
    unsigned fx = input(&mode_staff, &s, (input_t){.kind = IN_ACTIVATE, .w = figures}, 10);
    CHECK_INT(fx, MODE_REDRAW | MODE_STAFF_REFRESH);
    CHECK_INT(s.page, STAFF_PAGE_FIGURES);
    CHECK_INT(input(&mode_staff, &s, (input_t){.kind = IN_NAV, .nav = NAV_BACK}, 20), MODE_REDRAW);
    CHECK_INT(s.page, STAFF_PAGE_MENU);
    build(&mode_staff, &s, 20);
    const widget_t *clock = find(ACT_STAFF_PAGE, STAFF_PAGE_CLOCK);
    REQUIRE(clock);
    fx = input(&mode_staff, &s, (input_t){.kind = IN_ACTIVATE, .w = clock}, 30);
    CHECK_INT(fx, MODE_REDRAW | MODE_STAFF_REFRESH | MODE_STAFF_CLOCK);
}

static void closing_the_staff_screens_is_reported(void)
{
    staff_t s = opened(STAFF_ROLE_STAFF);
    build(&mode_staff, &s, 0);
    const widget_t *close = find(ACT_STAFF_CLOSE, 0);
    REQUIRE(close);
    CHECK_INT(input(&mode_staff, &s, (input_t){.kind = IN_ACTIVATE, .w = close}, 10),
              MODE_REDRAW | MODE_STAFF_CLOSED);
    CHECK_INT(s.state, STAFF_CLOSED);
    /* Home on a button or key leaves too. */
    s = opened(STAFF_ROLE_STAFF);
    CHECK(input(&mode_staff, &s, (input_t){.kind = IN_NAV, .nav = NAV_HOME}, 10) & MODE_REDRAW);
    CHECK_INT(s.state, STAFF_CLOSED);
}

static void the_staff_ring_moves_and_select_acts_on_its_target(void)
{
    staff_t s = opened(STAFF_ROLE_STAFF);
    build(&mode_staff, &s, 0);
    input_t next = {.kind = IN_NAV, .nav = NAV_NEXT};
    CHECK(input(&mode_staff, &s, (input_t){.kind = IN_NAV, .nav = NAV_SELECT}, 10) & MODE_REDRAW);
    CHECK_INT(s.focus, 0); /* the first select only shows the ring */
    CHECK(input(&mode_staff, &s, next, 20) & MODE_REDRAW);
    CHECK_INT(s.focus, 1);
    build(&mode_staff, &s, 20);
    const widget_t *target = view_focusable(&view, 1);
    REQUIRE(target && target->action == ACT_STAFF_PAGE);
    staff_page_t page = (staff_page_t)target->arg;
    CHECK(input(&mode_staff, &s, (input_t){.kind = IN_NAV, .nav = NAV_SELECT}, 30) &
          MODE_STAFF_REFRESH);
    CHECK_INT(s.page, page);
    /* A touch hides the ring; faces do nothing here. */
    CHECK_INT(input(&mode_staff, &s, (input_t){.kind = IN_TOUCH}, 40), 0);
    CHECK_INT(s.focus, -1);
    CHECK_INT(input(&mode_staff, &s, (input_t){.kind = IN_FACE, .face = 0}, 50), 0);
}

static void typed_digits_go_to_the_pin_and_letters_to_the_code(void)
{
    staff_t s = {0};
    s.focus = -1;
    staff_request(&s, false, 0);
    CHECK(input(&mode_staff, &s, (input_t){.kind = IN_TEXT, .text = "12a4"}, 10) & MODE_REDRAW);
    CHECK_INT(strlen(s.pin), 3);
    CHECK(input(&mode_staff, &s, (input_t){.kind = IN_BACKSPACE}, 20) & MODE_REDRAW);
    CHECK_INT(strlen(s.pin), 2);
}

static void the_button_test_takes_every_raw_event(void)
{
    staff_t s = opened(STAFF_ROLE_TECHNICIAN);
    s.tech.nbuttons = 2;
    CHECK(!mode_staff_takes_buttons(&s));
    CHECK_INT(input(&mode_staff, &s,
                    (input_t){.kind = IN_BUTTON, .button = 1, .button_kind = BTN_PRESS}, 5),
              0); /* not on the button test: nothing */
    REQUIRE(staff_page(&s, STAFF_PAGE_TECH, 10));
    REQUIRE(staff_page(&s, STAFF_PAGE_TECH_BUTTONS, 20));
    CHECK(mode_staff_takes_buttons(&s));
    input_t press = {.kind = IN_BUTTON, .button = 1, .button_kind = BTN_PRESS, .button_bounces = 3};
    CHECK_INT(input(&mode_staff, &s, press, 30), MODE_REDRAW);
    CHECK_INT(s.tech.buttons[1].presses, 1);
    CHECK(s.tech.buttons[1].lit);
    CHECK_INT(s.tech.buttons[1].bounces, 3);
    press.button_kind = BTN_RELEASE;
    CHECK_INT(input(&mode_staff, &s, press, 40), MODE_REDRAW);
    CHECK(!s.tech.buttons[1].lit);
    CHECK_INT(s.tech.buttons[1].presses, 1);
    press.button = 7; /* no such button */
    CHECK_INT(input(&mode_staff, &s, press, 50), 0);
}

static void every_mode_builds_and_reports_its_deadline(void)
{
    flow_t *f = flow_new(pack, "k", 0);
    REQUIRE(f);
    build(&mode_attract, NULL, 0);
    CHECK(view.n > 0);
    CHECK_INT(mode_attract.deadline(NULL, 0), INT64_MAX);
    CHECK_INT(input(&mode_attract, NULL, (input_t){.kind = IN_FACE, .face = 1}, 0), 0);
    CHECK_INT(mode_residents.deadline(f, 0), flow_next_deadline(f));
    staff_t s = opened(STAFF_ROLE_STAFF);
    CHECK_INT(mode_staff.deadline(&s, 0), staff_next_deadline(&s, 0));
    CHECK(mode_staff.tick(&s, STAFF_IDLE_MS + 1)); /* untouched: the screens close */
    CHECK_INT(s.state, STAFF_CLOSED);
    flow_free(f);
}

int main(void)
{
    pack = load_default_pack();
    if (!pack)
        return 1;
    RUN(a_tap_and_a_face_button_rate_alike);
    RUN(select_shows_the_ring_first_then_acts_on_its_target);
    RUN(help_turns_speech_on_and_shows_the_ring);
    RUN(enter_in_a_text_answer_goes_to_the_next_question);
    RUN(a_staff_page_asks_for_its_figures_and_the_clock_for_the_time);
    RUN(closing_the_staff_screens_is_reported);
    RUN(the_staff_ring_moves_and_select_acts_on_its_target);
    RUN(typed_digits_go_to_the_pin_and_letters_to_the_code);
    RUN(the_button_test_takes_every_raw_event);
    RUN(every_mode_builds_and_reports_its_deadline);
    content_free(pack);
    return check_failures != 0;
}
