/* The staff session (see staff.h). */
#include "core/staff.h"

#include <stdio.h>
#include <string.h>

static void wipe_pin(staff_t *s)
{
    volatile char *p = s->pin;
    for (size_t i = 0; i < sizeof s->pin; i++)
        p[i] = '\0';
}

bool staff_request(staff_t *s, bool no_pin, int64_t now_ms)
{
    if (s->state != STAFF_CLOSED)
        return false;
    wipe_pin(s);
    s->state = STAFF_PIN;
    s->wrong = false;
    s->focus = -1;
    s->no_pin = no_pin;
    s->last_input_ms = now_ms;
    return true;
}

int64_t staff_wait_ms(const staff_t *s, int64_t now_ms)
{
    return s->locked_until_ms > now_ms ? s->locked_until_ms - now_ms : 0;
}

bool staff_digit(staff_t *s, char digit, int64_t now_ms)
{
    if (s->state != STAFF_PIN || digit < '0' || digit > '9')
        return false;
    s->last_input_ms = now_ms;
    size_t n = strlen(s->pin);
    if (n >= STAFF_PIN_MAX || s->no_pin || staff_wait_ms(s, now_ms) > 0)
        return false;
    s->pin[n] = digit;
    s->pin[n + 1] = '\0';
    s->wrong = false;
    return true;
}

bool staff_delete(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_PIN)
        return false;
    s->last_input_ms = now_ms;
    size_t n = strlen(s->pin);
    if (n == 0)
        return false;
    s->pin[n - 1] = '\0';
    return true;
}

bool staff_ok(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_PIN)
        return false;
    s->last_input_ms = now_ms;
    if (s->no_pin || strlen(s->pin) < STAFF_PIN_MIN || staff_wait_ms(s, now_ms) > 0)
        return false;
    s->state = STAFF_CHECKING;
    return true;
}

static void clear_page_state(staff_t *s)
{
    s->ref[0] = '\0';
    s->erase_result = ERASE_NONE;
    s->result[0] = '\0';
    s->result_bad = false;
}

bool staff_close(staff_t *s)
{
    if (s->state == STAFF_CLOSED || s->state == STAFF_CHECKING ||
        (s->state == STAFF_OPEN && s->page == STAFF_PAGE_WORKING))
        return false;
    wipe_pin(s);
    s->state = STAFF_CLOSED;
    s->page = STAFF_PAGE_MENU;
    s->work = STAFF_WORK_NONE;
    clear_page_state(s);
    s->wrong = false;
    s->focus = -1;
    return true;
}

static void open_as(staff_t *s, staff_role_t role, staff_via_t via, int64_t now_ms)
{
    wipe_pin(s);
    s->state = STAFF_OPEN;
    s->role = role;
    s->via = via;
    s->page = STAFF_PAGE_MENU;
    s->work = STAFF_WORK_NONE;
    s->last_input_ms = now_ms;
    s->focus = -1;
    clear_page_state(s);
}

void staff_checked(staff_t *s, staff_role_t role, int64_t now_ms)
{
    if (s->state != STAFF_CHECKING)
        return;
    wipe_pin(s);
    s->last_input_ms = now_ms;
    if (role) {
        s->failures = 0;
        s->locked_until_ms = 0;
        s->wrong = false;
        open_as(s, role, STAFF_VIA_PIN, now_ms);
        return;
    }
    s->failures++;
    s->wrong = true;
    s->state = STAFF_PIN;
    if (s->failures >= STAFF_FREE_TRIES) {
        int64_t wait = STAFF_FIRST_WAIT_MS;
        for (int i = STAFF_FREE_TRIES; i < s->failures && wait < STAFF_MAX_WAIT_MS; i++)
            wait *= 2;
        if (wait > STAFF_MAX_WAIT_MS)
            wait = STAFF_MAX_WAIT_MS;
        s->locked_until_ms = now_ms + wait;
    }
}

bool staff_open_self_test(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_CLOSED)
        return false;
    open_as(s, STAFF_ROLE_TECHNICIAN, STAFF_VIA_SELF_TEST, now_ms);
    s->page = STAFF_PAGE_SELF_TEST;
    return true;
}

int staff_corners_touched(const staff_tech_t *t)
{
    const int last = STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS - 1;
    const int corners[4] = {0, STAFF_TOUCH_COLS - 1, last - (STAFF_TOUCH_COLS - 1), last};
    int n = 0;
    for (int i = 0; i < 4; i++)
        n += (t->touched >> corners[i]) & 1u ? 1 : 0;
    return n;
}

size_t staff_buttons_pressed(const staff_tech_t *t, char *missing, size_t len)
{
    size_t n = 0, used = 0;
    if (len)
        missing[0] = '\0';
    for (size_t i = 0; i < t->nbuttons; i++) {
        if (t->buttons[i].presses > 0) {
            n++;
            continue;
        }
        if (len && used < len) {
            int w =
                snprintf(missing + used, len - used, "%s%s", used ? ", " : "", t->buttons[i].name);
            used = w < 0 ? used : used + (size_t)w >= len ? len - 1 : used + (size_t)w;
        }
    }
    return n;
}

bool staff_open_by_token(staff_t *s, staff_role_t role, int64_t now_ms)
{
    if (s->state == STAFF_CHECKING || (s->state == STAFF_OPEN && s->page == STAFF_PAGE_WORKING))
        return false;
    if (s->state == STAFF_OPEN && s->role >= role) {
        s->via = STAFF_VIA_TOKEN;
        s->last_input_ms = now_ms;
        return false;
    }
    open_as(s, role, STAFF_VIA_TOKEN, now_ms);
    return true;
}

bool staff_tick(staff_t *s, int64_t now_ms)
{
    if ((s->state == STAFF_PIN || s->state == STAFF_OPEN) &&
        now_ms - s->last_input_ms >= STAFF_IDLE_MS) {
        staff_close(s);
        return true;
    }
    if (s->locked_until_ms > 0 && now_ms >= s->locked_until_ms) {
        s->locked_until_ms = 0; /* the wait is over: the keypad takes digits again */
        return true;
    }
    return false;
}

int64_t staff_next_deadline(const staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_PIN && s->state != STAFF_OPEN)
        return INT64_MAX;
    int64_t d = s->last_input_ms + STAFF_IDLE_MS;
    if (s->state == STAFF_PIN && staff_wait_ms(s, now_ms) > 0) {
        /* The countdown on the keypad changes every second. */
        int64_t next_second = now_ms + 1000 - (s->locked_until_ms - now_ms) % 1000;
        if (next_second < d)
            d = next_second;
    }
    return d;
}

static bool on_page(staff_t *s, staff_page_t page, int64_t now_ms)
{
    if (s->state != STAFF_OPEN || s->page != page)
        return false;
    s->last_input_ms = now_ms;
    return true;
}

bool staff_may(const staff_t *s, staff_page_t page)
{
    if (s->via == STAFF_VIA_SELF_TEST)
        return page == STAFF_PAGE_SELF_TEST || page == STAFF_PAGE_TECH_BUTTONS ||
               page == STAFF_PAGE_TECH_TOUCH;
    switch (page) {
    case STAFF_PAGE_TECH:
    case STAFF_PAGE_TECH_BUTTONS:
    case STAFF_PAGE_TECH_TOUCH:
    case STAFF_PAGE_TECH_LOG:
    case STAFF_PAGE_POWER_CONFIRM:
    case STAFF_PAGE_SELF_TEST:
        return s->role == STAFF_ROLE_TECHNICIAN;
    case STAFF_PAGE_COUNT:
        return false;
    default:
        return true;
    }
}

/* The page a page's Back goes to (itself: none). */
static staff_page_t parent(const staff_t *s, staff_page_t p)
{
    if (s->via == STAFF_VIA_SELF_TEST)
        return STAFF_PAGE_SELF_TEST; /* the tests return to the self-test; it is the first */
    switch (p) {
    case STAFF_PAGE_CONFIRM:
        return STAFF_PAGE_ERASE;
    case STAFF_PAGE_CONTENT_CONFIRM:
        return STAFF_PAGE_CONTENT;
    case STAFF_PAGE_TECH_BUTTONS:
    case STAFF_PAGE_TECH_TOUCH:
    case STAFF_PAGE_TECH_LOG:
    case STAFF_PAGE_POWER_CONFIRM:
        return STAFF_PAGE_TECH;
    case STAFF_PAGE_MENU:
    case STAFF_PAGE_WORKING:
    case STAFF_PAGE_SELF_TEST:
        return p;
    default:
        return STAFF_PAGE_MENU;
    }
}

static void go(staff_t *s, staff_page_t page)
{
    s->page = page;
    if (s->focus >= 0)
        s->focus = 0; /* driven by buttons: the ring starts on the new page's first target */
}

bool staff_page(staff_t *s, staff_page_t page, int64_t now_ms)
{
    if (s->state != STAFF_OPEN || s->page == STAFF_PAGE_WORKING || !staff_may(s, page))
        return false;
    /* Only forward from the menu or the technician page; confirmations have their own
     * actions. */
    staff_page_t from = s->page;
    staff_page_t up = parent(s, page);
    bool ok = page != from && page != STAFF_PAGE_SELF_TEST && up == from &&
              (from == STAFF_PAGE_MENU || from == STAFF_PAGE_SELF_TEST ||
               (from == STAFF_PAGE_TECH && page != STAFF_PAGE_POWER_CONFIRM));
    if (!ok)
        return false;
    s->last_input_ms = now_ms;
    clear_page_state(s);
    if (page == STAFF_PAGE_TECH_TOUCH) {
        s->tech.touched = 0;
        s->tech.ntouch = s->tech.touch_total = 0;
    }
    go(s, page);
    return true;
}

bool staff_ref_key(staff_t *s, int index, int64_t now_ms)
{
    static const char alphabet[] = REFCODE_ALPHABET;
    if (!on_page(s, STAFF_PAGE_ERASE, now_ms) || index < 0 || index >= (int)sizeof alphabet - 1)
        return false;
    size_t n = strlen(s->ref);
    if (n >= RECORD_REF_LEN)
        return false;
    s->ref[n] = alphabet[index];
    s->ref[n + 1] = '\0';
    s->erase_result = ERASE_NONE;
    return true;
}

bool staff_ref_delete(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_ERASE, now_ms) || !s->ref[0])
        return false;
    s->ref[strlen(s->ref) - 1] = '\0';
    return true;
}

bool staff_erase_ask(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_ERASE, now_ms) || strlen(s->ref) != RECORD_REF_LEN)
        return false;
    go(s, STAFF_PAGE_CONFIRM);
    return true;
}

static void start_work(staff_t *s, staff_work_t work, staff_page_t result_page)
{
    s->work = work;
    s->work_page = result_page;
    s->result[0] = '\0';
    s->result_bad = false;
    s->page = STAFF_PAGE_WORKING;
}

bool staff_erase_confirm(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_CONFIRM, now_ms))
        return false;
    start_work(s, STAFF_WORK_ERASE, STAFF_PAGE_ERASE);
    return true;
}

bool staff_back(staff_t *s, int64_t now_ms)
{
    if (s->state != STAFF_OPEN || parent(s, s->page) == s->page)
        return false;
    s->last_input_ms = now_ms;
    staff_page_t to = parent(s, s->page);
    if (to != STAFF_PAGE_ERASE)
        clear_page_state(s); /* a cancelled confirmation keeps the code typed */
    go(s, to);
    return true;
}

staff_work_t staff_pending_work(const staff_t *s)
{
    return s->state == STAFF_OPEN && s->page == STAFF_PAGE_WORKING ? s->work : STAFF_WORK_NONE;
}

const char *staff_pending_erase(const staff_t *s)
{
    return staff_pending_work(s) == STAFF_WORK_ERASE ? s->ref : NULL;
}

void staff_work_done(staff_t *s, bool ok, const char *message, int64_t now_ms)
{
    if (staff_pending_work(s) == STAFF_WORK_NONE)
        return;
    s->last_input_ms = now_ms;
    s->work = STAFF_WORK_NONE;
    go(s, s->work_page);
    snprintf(s->result, sizeof s->result, "%s", message ? message : "");
    s->result_bad = !ok;
}

void staff_erase_done(staff_t *s, erase_result_t result, int64_t now_ms)
{
    if (!staff_pending_erase(s))
        return;
    snprintf(s->erased_ref, sizeof s->erased_ref, "%s", s->ref);
    staff_work_done(s, result == ERASE_DONE, NULL, now_ms);
    s->erase_result = result;
    s->ref[0] = '\0'; /* the result, and the keypad for the next code */
}

bool staff_pack_ask(staff_t *s, int i, int64_t now_ms)
{
    if (s->state != STAFF_OPEN || s->page != STAFF_PAGE_CONTENT)
        return false;
    if (i == -1 ? !s->content.previous_id[0]
                : (i < 0 || (size_t)i >= s->content.npacks || !s->content.packs[i].ok ||
                   !s->content.stick))
        return false;
    s->last_input_ms = now_ms;
    s->chosen_pack = i;
    go(s, STAFF_PAGE_CONTENT_CONFIRM);
    return true;
}

bool staff_pack_confirm(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_CONTENT_CONFIRM, now_ms))
        return false;
    start_work(s, s->chosen_pack < 0 ? STAFF_WORK_PACK_ROLLBACK : STAFF_WORK_PACK_INSTALL,
               STAFF_PAGE_CONTENT);
    return true;
}

int staff_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

void staff_clock_start(staff_t *s, int year, int month, int day, int hour, int minute)
{
    s->clock[CLOCK_YEAR] = year;
    s->clock[CLOCK_MONTH] = month;
    s->clock[CLOCK_DAY] = day;
    s->clock[CLOCK_HOUR] = hour;
    s->clock[CLOCK_MINUTE] = minute;
}

/* Adds delta to v, wrapping within lo..hi. */
static int wrap_add(int v, int delta, int lo, int hi)
{
    int span = hi - lo + 1;
    return lo + (((v - lo + delta) % span) + span) % span;
}

bool staff_clock_adjust(staff_t *s, int field, int delta, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_CLOCK, now_ms) || s->stats.clock_synced || field < 0 ||
        field >= CLOCK_FIELDS || (delta != 1 && delta != -1))
        return false;
    int *c = s->clock;
    switch (field) {
    case CLOCK_YEAR:
        c[CLOCK_YEAR] = wrap_add(c[CLOCK_YEAR], delta, 2024, 2099);
        break;
    case CLOCK_MONTH:
        c[CLOCK_MONTH] = wrap_add(c[CLOCK_MONTH], delta, 1, 12);
        break;
    case CLOCK_DAY:
        c[CLOCK_DAY] =
            wrap_add(c[CLOCK_DAY], delta, 1, staff_days_in_month(c[CLOCK_YEAR], c[CLOCK_MONTH]));
        break;
    case CLOCK_HOUR:
        c[CLOCK_HOUR] = wrap_add(c[CLOCK_HOUR], delta, 0, 23);
        break;
    default:
        c[CLOCK_MINUTE] = wrap_add(c[CLOCK_MINUTE], delta, 0, 59);
        break;
    }
    int dim = staff_days_in_month(c[CLOCK_YEAR], c[CLOCK_MONTH]);
    if (c[CLOCK_DAY] > dim)
        c[CLOCK_DAY] = dim; /* 31 March, a month down: 28 or 29 February */
    s->result[0] = '\0';
    return true;
}

bool staff_clock_set(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_CLOCK, now_ms) || s->stats.clock_synced)
        return false;
    start_work(s, STAFF_WORK_SET_CLOCK, STAFF_PAGE_CLOCK);
    return true;
}

bool staff_power_ask(staff_t *s, staff_work_t work, int64_t now_ms)
{
    if (work != STAFF_WORK_RESTART && work != STAFF_WORK_REBOOT && work != STAFF_WORK_POWEROFF)
        return false;
    if (!on_page(s, STAFF_PAGE_TECH, now_ms) || !staff_may(s, STAFF_PAGE_POWER_CONFIRM))
        return false;
    s->work = work; /* remembered for the confirmation; not pending before it */
    go(s, STAFF_PAGE_POWER_CONFIRM);
    return true;
}

bool staff_power_confirm(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_POWER_CONFIRM, now_ms))
        return false;
    start_work(s, s->work, STAFF_PAGE_TECH);
    return true;
}

bool staff_volume(staff_t *s, int delta, int64_t now_ms)
{
    if (delta < -1 || delta > 1 || s->volume == STAFF_NO_AUDIO ||
        !on_page(s, STAFF_PAGE_TECH, now_ms))
        return false;
    int v = s->volume + delta * STAFF_VOLUME_STEP;
    s->volume = v < 0 ? 0 : v > STAFF_VOLUME_MAX ? STAFF_VOLUME_MAX : v;
    return true;
}

bool staff_touch_point(staff_t *s, int x, int y, int cell, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_TECH_TOUCH, now_ms))
        return false;
    staff_tech_t *t = &s->tech;
    if (cell >= 0 && cell < STAFF_TOUCH_COLS * STAFF_TOUCH_ROWS)
        t->touched |= 1u << cell;
    if (t->ntouch == STAFF_TOUCH_POINTS) {
        memmove(t->touch_x, t->touch_x + 1, (STAFF_TOUCH_POINTS - 1) * sizeof t->touch_x[0]);
        memmove(t->touch_y, t->touch_y + 1, (STAFF_TOUCH_POINTS - 1) * sizeof t->touch_y[0]);
        t->ntouch--;
    }
    t->touch_x[t->ntouch] = x;
    t->touch_y[t->ntouch] = y;
    t->ntouch++;
    t->touch_total++;
    return true;
}

bool staff_touch_clear(staff_t *s, int64_t now_ms)
{
    if (!on_page(s, STAFF_PAGE_TECH_TOUCH, now_ms))
        return false;
    s->tech.touched = 0;
    s->tech.ntouch = s->tech.touch_total = 0;
    return true;
}

bool staff_focus_move(staff_t *s, int dir, int n, int64_t now_ms)
{
    if (s->state == STAFF_CLOSED || n <= 0)
        return false;
    s->last_input_ms = now_ms;
    if (s->focus < 0)
        s->focus = dir > 0 ? 0 : n - 1; /* the first press shows the ring */
    else
        s->focus = ((s->focus + dir) % n + n) % n;
    return true;
}

void staff_focus_hide(staff_t *s)
{
    s->focus = -1;
}
