/* The SDL edge on the headless driver: a touch at a panel pixel lands on the logical pixel the
 * rotation says, to the pixel, at every angle; the frame is painted in the palette the view
 * asks for, frame after frame. */
#include <SDL.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "core/theme.h"
#include "ui/abs_pointer.h"
#include "ui/ui.h"

static ui_t *open_headless(int w, int h, int rotation)
{
    ui_config_t cfg = {.width = w, .height = h, .rotation = rotation, .headless = true};
    char err[256];
    ui_t *ui = NULL;
    if (ui_open(&cfg, &ui, err, sizeof err) != 0)
        fprintf(stderr, "  ui_open: %s\n", err);
    return ui;
}

/* The next press, skipping the window's own events; false when none came. (A poll that
 * meets SDL's poll sentinel says "nothing" once: so look a few times.) */
static bool next_press(ui_t *ui, ui_event_t *ev)
{
    for (int i = 0; i < 20; i++)
        if (ui_wait_event(ui, 0, ev) && ev->kind == UI_EV_PRESS)
            return true;
    return false;
}

/* Where a panel pixel is on a logical screen lw x lh turned by rotation (clockwise). */
static void expected_logical(int rotation, int lw, int lh, int px, int py, int *lx, int *ly)
{
    switch (rotation) {
    case 90:
        *lx = py, *ly = lh - 1 - px;
        break;
    case 180:
        *lx = lw - 1 - px, *ly = lh - 1 - py;
        break;
    case 270:
        *lx = lw - 1 - py, *ly = px;
        break;
    default:
        *lx = px, *ly = py;
        break;
    }
}

static void panel_pixels_land_on_logical_pixels_at_every_angle(void)
{
    const int pw = 480, ph = 800;
    for (int rotation = 0; rotation < 360; rotation += 90) {
        ui_t *ui = open_headless(pw, ph, rotation);
        REQUIRE(ui);
        int lw, lh;
        ui_logical_size(ui, &lw, &lh);
        CHECK_INT(lw, rotation % 180 ? ph : pw);
        CHECK_INT(lh, rotation % 180 ? pw : ph);
        const int points[][2] = {{0, 0}, {pw - 1, 0}, {0, ph - 1}, {pw - 1, ph - 1}, {17, 301}};
        for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
            SDL_Event e = {.type = SDL_MOUSEBUTTONDOWN};
            e.button.button = SDL_BUTTON_LEFT;
            e.button.state = SDL_PRESSED;
            e.button.x = points[i][0];
            e.button.y = points[i][1];
            SDL_PushEvent(&e);
            ui_event_t ev;
            CHECK(next_press(ui, &ev));
            int lx, ly;
            expected_logical(rotation, lw, lh, points[i][0], points[i][1], &lx, &ly);
            CHECK_INT(ev.x, lx);
            CHECK_INT(ev.y, ly);
        }
        /* An injected tap goes the other way and comes back to where it was aimed. */
        ui_inject_tap(ui, 5, lh - 3);
        ui_event_t ev;
        CHECK(next_press(ui, &ev));
        CHECK_INT(ev.x, 5);
        CHECK_INT(ev.y, lh - 3);
        ui_close(ui);
    }
}

/* The colour of the screenshot's top left pixel. */
static bool corner_color(ui_t *ui, const char *path, SDL_Color *c)
{
    if (ui_screenshot(ui, path) != 0)
        return false;
    SDL_Surface *s = SDL_LoadBMP(path);
    if (!s)
        return false;
    Uint32 px = 0;
    memcpy(&px, s->pixels, s->format->BytesPerPixel < 4 ? s->format->BytesPerPixel : 4);
    SDL_GetRGBA(px, s->format, &c->r, &c->g, &c->b, &c->a);
    SDL_FreeSurface(s);
    return true;
}

static void each_frame_is_painted_in_the_palette_its_view_asks_for(void)
{
    const char *dir = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    mkdir(dir, 0755);
    char path[600];
    snprintf(path, sizeof path, "%s/test_ui_palette.bmp", dir);
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    static view_t v; /* no widgets: only the background */
    v.width = 800;
    v.height = 480;
    const bool order[] = {true, false, true};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        v.high_contrast = order[i];
        ui_draw(ui, &v, -1);
        SDL_Color got;
        CHECK(corner_color(ui, path, &got));
        rgba_t want = theme_color(COLOR_BACKGROUND, order[i]);
        CHECK_INT(got.r, want.r);
        CHECK_INT(got.g, want.g);
        CHECK_INT(got.b, want.b);
    }
    ui_close(ui);
    remove(path);
}

static void set_bit(unsigned long *bits, unsigned bit)
{
    size_t per = 8 * sizeof(unsigned long);
    bits[bit / per] |= 1UL << (bit % per);
}

/* A touch monitor presenting itself as a USB tablet is ours to scale; a touchscreen (BTN_TOUCH
 * or multitouch) and a mouse (relative axes) are SDL's. */
static void absolute_pointers_are_told_from_touchscreens_and_mice(void)
{
    abs_ptr_caps_t c;
    memset(&c, 0, sizeof c);
    set_bit(c.abs, ABS_X);
    set_bit(c.abs, ABS_Y);
    CHECK(!abs_pointer_is_one(&c)); /* no button: a joystick, say */
    set_bit(c.key, BTN_LEFT);
    CHECK(abs_pointer_is_one(&c)); /* QEMU's usb-tablet, many HDMI touch monitors */
    abs_ptr_caps_t t = c;
    set_bit(t.key, BTN_TOUCH);
    CHECK(!abs_pointer_is_one(&t));
    t = c;
    set_bit(t.abs, ABS_MT_POSITION_X);
    CHECK(!abs_pointer_is_one(&t));
    t = c;
    set_bit(t.rel, REL_X);
    set_bit(t.rel, REL_Y);
    CHECK(!abs_pointer_is_one(&t));
}

static int feed(abs_pointer_t *p, unsigned short type, unsigned short code, int value,
                abs_ptr_event_t out[2])
{
    struct input_event e = {.type = type, .code = code, .value = value};
    return abs_pointer_feed(p, &e, out);
}

/* Raw axes scaled by the device's own ranges (usb-tablet: 0..32767): a tap, a drag, a tap
 * whose press and release share a report, and a report cut short by SYN_DROPPED. */
static void absolute_pointer_events_are_scaled_to_the_panel(void)
{
    abs_pointer_t p = {.min_x = 0, .max_x = 32767, .min_y = 0, .max_y = 32767};
    abs_ptr_event_t out[2];
    CHECK_INT(feed(&p, EV_ABS, ABS_X, 8192, out), 0);
    CHECK_INT(feed(&p, EV_ABS, ABS_Y, 24575, out), 0);
    CHECK_INT(feed(&p, EV_SYN, SYN_REPORT, 0, out), 0); /* a move, nothing held */
    CHECK_INT(feed(&p, EV_KEY, BTN_LEFT, 1, out), 0);
    REQUIRE(feed(&p, EV_SYN, SYN_REPORT, 0, out) == 1);
    CHECK_INT(out[0].kind, ABS_PTR_PRESS);
    CHECK(out[0].fx > 0.2499f && out[0].fx < 0.2501f);
    CHECK(out[0].fy > 0.7499f && out[0].fy < 0.7501f);
    CHECK_INT(feed(&p, EV_ABS, ABS_X, 16384, out), 0);
    REQUIRE(feed(&p, EV_SYN, SYN_REPORT, 0, out) == 1);
    CHECK_INT(out[0].kind, ABS_PTR_MOTION);
    CHECK(out[0].fx > 0.49f && out[0].fx < 0.51f);
    CHECK_INT(feed(&p, EV_KEY, BTN_LEFT, 2, out), 0); /* autorepeat: still held */
    CHECK_INT(feed(&p, EV_KEY, BTN_LEFT, 0, out), 0);
    REQUIRE(feed(&p, EV_SYN, SYN_REPORT, 0, out) == 1);
    CHECK_INT(out[0].kind, ABS_PTR_RELEASE);
    /* Press and release in one report: a press, then the release, at the new place. */
    feed(&p, EV_ABS, ABS_X, 40000, out); /* beyond the range: clamped */
    feed(&p, EV_KEY, BTN_LEFT, 1, out);
    feed(&p, EV_KEY, BTN_LEFT, 0, out);
    REQUIRE(feed(&p, EV_SYN, SYN_REPORT, 0, out) == 2);
    CHECK_INT(out[0].kind, ABS_PTR_PRESS);
    CHECK_INT(out[1].kind, ABS_PTR_RELEASE);
    CHECK(out[0].fx == 1.0f);
    /* A report cut short is left out whole; the next one counts. */
    feed(&p, EV_KEY, BTN_LEFT, 1, out);
    CHECK_INT(feed(&p, EV_SYN, SYN_DROPPED, 0, out), 0);
    CHECK_INT(feed(&p, EV_SYN, SYN_REPORT, 0, out), 0);
    feed(&p, EV_ABS, ABS_Y, 0, out);
    REQUIRE(feed(&p, EV_SYN, SYN_REPORT, 0, out) == 1);
    CHECK_INT(out[0].kind, ABS_PTR_MOTION); /* held: its press went with the lost report */
    CHECK(out[0].fy == 0.0f);
}

/* Whether pixel (x, y) of surface s is black (a QR module) rather than white. */
static bool is_dark(SDL_Surface *s, int x, int y)
{
    Uint32 px = 0;
    const Uint8 *p = (const Uint8 *)s->pixels + y * s->pitch + x * s->format->BytesPerPixel;
    memcpy(&px, p, s->format->BytesPerPixel < 4 ? s->format->BytesPerPixel : 4);
    Uint8 r, g, b, a;
    SDL_GetRGBA(px, s->format, &r, &g, &b, &a);
    return r + g + b < 3 * 128;
}

/* A W_QR widget is drawn as the QR code of its text: each module where libqrencode puts it,
 * dark on light in both palettes, inside a light quiet zone of four modules. */
static void a_qr_widget_draws_the_modules_of_its_text(void)
{
    const char *dir = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    char path[600];
    snprintf(path, sizeof path, "%s/test_ui_qr.bmp", dir);
    const char *text = "Your reference code: 3TRET4\nFollow-up phone: 010 0000 0000";
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    REQUIRE(qr);
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    static view_t v;
    v.width = 800;
    v.height = 480;
    v.n = 1;
    v.w[0] = (widget_t){.kind = W_QR, .r = {100, 50, 300, 300}, .text = "", .qr = text};
    for (int contrast = 0; contrast < 2; contrast++) {
        v.high_contrast = contrast;
        ui_draw(ui, &v, -1);
        REQUIRE(ui_screenshot(ui, path) == 0);
        SDL_Surface *s = SDL_LoadBMP(path);
        REQUIRE(s);
        int mod = 300 / (qr->width + 8), full = mod * (qr->width + 8);
        int x0 = 100 + (300 - full) / 2, y0 = 50 + (300 - full) / 2;
        int wrong = 0;
        for (int y = -4; y < qr->width + 4; y++)
            for (int x = -4; x < qr->width + 4; x++) {
                bool inside = x >= 0 && y >= 0 && x < qr->width && y < qr->width;
                bool want = inside && (qr->data[y * qr->width + x] & 1);
                int cx = x0 + (x + 4) * mod + mod / 2, cy = y0 + (y + 4) * mod + mod / 2;
                wrong += is_dark(s, cx, cy) != want;
            }
        CHECK_INT(wrong, 0);
        SDL_FreeSurface(s);
    }
    QRcode_free(qr);
    ui_close(ui);
    remove(path);
}

int main(void)
{
    RUN(absolute_pointers_are_told_from_touchscreens_and_mice);
    RUN(absolute_pointer_events_are_scaled_to_the_panel);
    RUN(a_qr_widget_draws_the_modules_of_its_text);
    RUN(panel_pixels_land_on_logical_pixels_at_every_angle);
    RUN(each_frame_is_painted_in_the_palette_its_view_asks_for);
    return check_failures != 0;
}
