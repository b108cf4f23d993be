/* The SDL edge on the headless driver: a touch at a panel pixel lands on the logical pixel the
 * rotation says, to the pixel, at every angle; the frame is painted in the palette the view
 * asks for, frame after frame. */
#include <SDL.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "core/theme.h"
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
    RUN(a_qr_widget_draws_the_modules_of_its_text);
    RUN(panel_pixels_land_on_logical_pixels_at_every_angle);
    RUN(each_frame_is_painted_in_the_palette_its_view_asks_for);
    return check_failures != 0;
}
