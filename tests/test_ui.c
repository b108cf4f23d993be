/* The SDL edge on the headless driver: a touch at a panel pixel lands on the logical pixel the
 * rotation says, to the pixel, at every angle; the frame is painted in the palette the view
 * asks for, frame after frame; faces and icons are drawn from their SVG files anti-aliased, in
 * the ink asked for, and a missing file is reported by name; keys are drawn with their edge;
 * a frame that changes a few widgets draws only them, to the same pixels. */
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
    mkdir(dir, 0755); /* the first test of a fresh build may be this one */
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

/* ---- faces, icons and edges, read back from the frame ---- */

typedef struct {
    SDL_Surface *s; /* the last frame, ARGB8888 */
} frame_t;

static bool grab(ui_t *ui, frame_t *f)
{
    const char *dir = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    mkdir(dir, 0755);
    char path[600];
    snprintf(path, sizeof path, "%s/test_ui_grab.bmp", dir);
    if (ui_screenshot(ui, path) != 0)
        return false;
    SDL_Surface *s = SDL_LoadBMP(path);
    remove(path);
    f->s = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(s);
    return f->s != NULL;
}

static SDL_Color pixel(const frame_t *f, int x, int y)
{
    Uint32 px;
    memcpy(&px, (const Uint8 *)f->s->pixels + y * f->s->pitch + x * 4, 4);
    SDL_Color c;
    SDL_GetRGBA(px, f->s->format, &c.r, &c.g, &c.b, &c.a);
    return c;
}

static bool is(SDL_Color c, rgba_t want)
{
    return c.r == want.r && c.g == want.g && c.b == want.b;
}

/* How many different colours rect r of the frame holds (at most 4096 counted). */
static int colours_in(const frame_t *f, rect_t r)
{
    static Uint32 seen[4096];
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w && n < 4096; x++) {
            SDL_Color c = pixel(f, x, y);
            Uint32 k = (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
            int i = 0;
            while (i < n && seen[i] != k)
                i++;
            if (i == n)
                seen[n++] = k;
        }
    return n;
}

static view_t one_widget_view; /* large: not on the stack */

/* A view of one widget w on an 800x480 screen. */
static const view_t *view_of(widget_t w, bool high_contrast)
{
    view_t *v = &one_widget_view;
    memset(v, 0, sizeof *v);
    v->width = 800;
    v->height = 480;
    v->high_contrast = high_contrast;
    v->w[0] = w;
    v->n = 1;
    return v;
}

static widget_t face_widget(int level, int count)
{
    widget_t w = {.kind = W_FACE, .style = STYLE_SECONDARY, .text = "", .px = 20};
    w.r = (rect_t){100, 100, 180, 200};
    w.tr = (rect_t){110, 270, 160, 24};
    w.face_level = level;
    w.face_count = count;
    return w;
}

/* The faces come from their SVG files: smooth edges (many blended colours where the stepped,
 * hand-drawn discs had a handful), and each level looks different. */
static void faces_are_drawn_anti_aliased_from_their_files(void)
{
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    Uint32 last_sum = 0;
    for (int level = 0; level < 4; level++) {
        ui_draw(ui, view_of(face_widget(level, 4), false), -1);
        frame_t f;
        REQUIRE(grab(ui, &f));
        rect_t face = {110, 108, 160, 160};
        int n = colours_in(&f, face);
        fprintf(stderr, "  face %d of 4: %d colours\n", level, n);
        CHECK(n > 60);
        /* Not the same picture twice: a different sum of the face's pixels per level. */
        Uint32 sum = 0;
        for (int y = face.y; y < face.y + face.h; y += 2)
            for (int x = face.x; x < face.x + face.w; x += 2) {
                SDL_Color c = pixel(&f, x, y);
                sum += (Uint32)(c.r * 3 + c.g * 5 + c.b * 7);
            }
        CHECK(sum != last_sum);
        last_sum = sum;
        SDL_FreeSurface(f.s);
    }
    CHECK_STR(ui_icon_problem(ui), "");
    ui_close(ui);
}

/* An icon is drawn in the ink asked for (the button's text colour: white on a primary button),
 * with blended edges; later frames draw it from the cache, the same, without rasterising it
 * again; another colour is another rasterisation. */
static void icons_take_the_text_colour_and_are_smooth(void)
{
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    widget_t w = {.kind = W_BUTTON, .style = STYLE_PRIMARY, .text = "", .px = 20};
    w.r = (rect_t){50, 50, 300, 100};
    w.tr = (rect_t){150, 80, 180, 30};
    w.icon = "feedback";
    w.ir = (rect_t){70, 70, 60, 60};
    for (int frame = 0; frame < 3; frame++) {
        ui_draw(ui, view_of(w, false), -1);
        CHECK_INT((int)ui_icons_rasterised(ui), 1);
        frame_t f;
        REQUIRE(grab(ui, &f));
        paint_t p = theme_paint(STYLE_PRIMARY, false);
        int ink = 0, fill = 0, between = 0;
        for (int y = w.ir.y; y < w.ir.y + w.ir.h; y++)
            for (int x = w.ir.x; x < w.ir.x + w.ir.w; x++) {
                SDL_Color c = pixel(&f, x, y);
                ink += is(c, p.text);
                fill += is(c, p.fill);
                between += !is(c, p.text) && !is(c, p.fill);
            }
        fprintf(stderr, "  icon: %d ink, %d fill, %d blended pixels\n", ink, fill, between);
        CHECK(ink > 100);
        CHECK(fill > 1000);
        CHECK(between > 50);
        SDL_FreeSurface(f.s);
    }
    w.style = STYLE_SECONDARY; /* dark ink on white */
    ui_draw(ui, view_of(w, false), -1);
    CHECK_INT((int)ui_icons_rasterised(ui), 2);
    CHECK_STR(ui_icon_problem(ui), "");
    ui_close(ui);
}

/* A missing icon or face file is drawn as nothing (a face as a plain disc) and reported by its
 * name and file: never a crash. */
static void a_missing_icon_file_is_reported_by_name(void)
{
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    ui_set_icon_dir(ui, "/nonexistent/icons");
    widget_t w = {.kind = W_BUTTON, .style = STYLE_PRIMARY, .text = "", .px = 20};
    w.r = (rect_t){50, 50, 300, 100};
    w.tr = (rect_t){150, 80, 180, 30};
    w.icon = "feedback";
    w.ir = (rect_t){70, 70, 60, 60};
    ui_draw(ui, view_of(w, false), -1);
    ui_draw(ui, view_of(w, false), -1); /* and again: reported once, no retry storm */
    fprintf(stderr, "  %s\n", ui_icon_problem(ui));
    CHECK(strstr(ui_icon_problem(ui), "icon 'feedback'") != NULL);
    CHECK(strstr(ui_icon_problem(ui), "/nonexistent/icons/feedback.svg") != NULL);
    ui_draw(ui, view_of(face_widget(0, 5), false), -1);
    frame_t f;
    REQUIRE(grab(ui, &f));
    /* The face's place still shows a face's colour: the fallback disc. */
    SDL_Color mid = pixel(&f, 190, 188);
    CHECK(mid.r > 0xc0 && mid.g < 0x60);
    SDL_FreeSurface(f.s);
    /* The first problem is kept, even after another. */
    CHECK(strstr(ui_icon_problem(ui), "icon 'feedback'") != NULL);
    ui_set_icon_dir(ui, NULL);
    CHECK_STR(ui_icon_problem(ui), "");
    ui_close(ui);
}

/* A key shows its edge (the theme's border) around its fill, in both palettes; a stripe of a
 * staff table (a key-styled panel) does not. */
static void keys_are_drawn_with_their_edge(void)
{
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    for (int hc = 0; hc < 2; hc++) {
        widget_t w = {.kind = W_BUTTON, .style = STYLE_KEY, .text = "", .px = 20};
        w.r = (rect_t){200, 200, 80, 60};
        w.tr = (rect_t){210, 215, 60, 30};
        ui_draw(ui, view_of(w, hc), -1);
        frame_t f;
        REQUIRE(grab(ui, &f));
        paint_t p = theme_paint(STYLE_KEY, hc);
        CHECK(is(pixel(&f, 200, 230), p.border)); /* left edge, middle */
        CHECK(is(pixel(&f, 240, 200), p.border)); /* top edge, middle */
        CHECK(is(pixel(&f, 240, 230), p.fill));
        CHECK(is(pixel(&f, 190, 230), theme_color(COLOR_BACKGROUND, hc)));
        SDL_FreeSurface(f.s);
        /* A key-styled panel is a stripe of a staff table: its own colour, no edge. */
        w.kind = W_PANEL;
        ui_draw(ui, view_of(w, hc), -1);
        REQUIRE(grab(ui, &f));
        CHECK(is(pixel(&f, 200, 230), theme_color(COLOR_STRIPE, hc)));
        CHECK(is(pixel(&f, 240, 230), theme_color(COLOR_STRIPE, hc)));
        SDL_FreeSurface(f.s);
    }
    ui_close(ui);
}

/* A checkbox choice's tick box goes on the side its words leave room on: the left, or the
 * right in a mirrored (right-to-left) view, whose words the layout aligned right. */
static void the_tick_box_follows_the_room_the_words_leave(void)
{
    ui_t *ui = open_headless(800, 480, 0);
    REQUIRE(ui);
    paint_t p = theme_paint(STYLE_SECONDARY, false);
    for (int rtl = 0; rtl < 2; rtl++) {
        widget_t w = {
            .kind = W_BUTTON, .style = STYLE_SECONDARY, .action = ACT_CHOICE, .text = "", .px = 20};
        w.r = (rect_t){100, 100, 400, 80};
        w.tr = rtl ? (rect_t){108, 110, 330, 60} : (rect_t){162, 110, 330, 60};
        w.align = rtl ? ALIGN_RIGHT : ALIGN_LEFT;
        ui_draw(ui, view_of(w, false), -1);
        frame_t f;
        REQUIRE(grab(ui, &f));
        /* the box's frame (text colour) 12 px inside the button's edge, on one side only */
        bool left = is(pixel(&f, 113, 140), p.text), right = is(pixel(&f, 486, 140), p.text);
        CHECK(rtl ? right && !left : left && !right);
        SDL_FreeSurface(f.s);
    }
    ui_close(ui);
}

/* ---- frames that change a few widgets ---- */

static view_t frame_view; /* large: not on the stack */

/* A screen of buttons under a title, and (overlay) a prompt over it: a card with its words,
 * a countdown bar and a button, as the idle prompt is. focus: the focused button; fraction:
 * the bar's. */
static const view_t *screen_view(bool overlay, int focus, double fraction, const char *words)
{
    view_t *v = &frame_view;
    memset(v, 0, sizeof *v);
    v->width = 1920;
    v->height = 1080;
    widget_t title = {.kind = W_LABEL,
                      .style = STYLE_TITLE,
                      .text = "How was your visit?",
                      .px = 48,
                      .bold = true,
                      .align = ALIGN_CENTER};
    title.r = title.tr = (rect_t){100, 40, 1720, 70};
    v->w[v->n++] = title;
    for (int i = 0; i < 6; i++) {
        widget_t b = {.kind = W_BUTTON,
                      .style = STYLE_SECONDARY,
                      .action = ACT_CHOICE,
                      .arg = i,
                      .text = i % 2 ? "Yes, very much" : "Not really",
                      .px = 32,
                      .align = ALIGN_CENTER,
                      .focused = i == focus};
        b.r = (rect_t){100 + (i % 3) * 580, 200 + (i / 3) * 300, 540, 240};
        b.tr = (rect_t){b.r.x + 20, b.r.y + 100, 500, 40};
        v->w[v->n++] = b;
    }
    if (overlay) {
        v->overlay_start = v->n;
        widget_t back = {.kind = W_PANEL, .style = STYLE_BACKDROP, .text = ""};
        back.r = (rect_t){0, 0, 1920, 1080};
        v->w[v->n++] = back;
        widget_t card = {.kind = W_PANEL, .style = STYLE_CARD, .text = ""};
        card.r = (rect_t){460, 240, 1000, 600};
        v->w[v->n++] = card;
    }
    widget_t body = {
        .kind = W_LABEL, .style = STYLE_PLAIN, .text = words, .px = 32, .align = ALIGN_CENTER};
    body.r = (rect_t){500, 300, 920, 250}; /* its box, and its lines in the middle */
    body.tr = (rect_t){500, 400, 920, 50};
    v->w[v->n++] = body;
    widget_t bar = {.kind = W_BAR, .style = STYLE_PRIMARY, .text = "", .fraction = fraction};
    bar.r = (rect_t){500, 620, 920, 30};
    v->w[v->n++] = bar;
    return v;
}

/* The window's pixels (the software renderer draws into the window's surface). */
static SDL_Surface *window_copy(void)
{
    for (Uint32 id = 1; id < 64; id++) {
        SDL_Window *win = SDL_GetWindowFromID(id);
        SDL_Surface *s = win ? SDL_GetWindowSurface(win) : NULL;
        if (s)
            return SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    }
    return NULL;
}

static bool same_pixels(SDL_Surface *a, SDL_Surface *b)
{
    if (!a || !b || a->w != b->w || a->h != b->h)
        return false;
    for (int y = 0; y < a->h; y++)
        for (int x = 0; x < a->w; x++) { /* the colour: a window has no alpha */
            Uint32 pa, pb;
            memcpy(&pa, (Uint8 *)a->pixels + y * a->pitch + x * 4, 4);
            memcpy(&pb, (Uint8 *)b->pixels + y * b->pitch + x * 4, 4);
            if ((pa ^ pb) & 0xffffff)
                return false;
        }
    return true;
}

/* Moving the focus ring, or the countdown's number and bar, draws only that part of the frame
 * and copies only it to the window, to the same pixels as the whole frame drawn again; the same
 * view again draws nothing. Over a still screen (a prompt) as well as on it. */
static void a_frame_draws_only_what_changed_to_the_same_pixels(void)
{
    for (int overlay = 0; overlay < 2; overlay++) {
        ui_t *ui = open_headless(1920, 1080, 0);
        REQUIRE(ui);
        ui_set_language(ui, "en", false, NULL, 0);
        ui_draw(ui, screen_view(overlay, 1, 0.75, "Closing in 30 seconds"), -1);
        CHECK_INT(ui_frame_counts(ui).whole, 1);
        ui_draw(ui, screen_view(overlay, 2, 0.5, "Closing in 29 seconds"), -1);
        CHECK_INT(ui_frame_counts(ui).part, 1);
        CHECK_INT(ui_frame_counts(ui).whole, 1);
        frame_t part;
        REQUIRE(grab(ui, &part));
        SDL_Surface *part_window = window_copy();
        ui_draw(ui, screen_view(overlay, 2, 0.5, "Closing in 29 seconds"), -1);
        CHECK_INT(ui_frame_counts(ui).unchanged, 1);
        ui_set_icon_dir(ui, NULL); /* forgets what the frame holds: drawn whole */
        ui_draw(ui, screen_view(overlay, 2, 0.5, "Closing in 29 seconds"), -1);
        CHECK_INT(ui_frame_counts(ui).whole, 2);
        frame_t whole;
        REQUIRE(grab(ui, &whole));
        SDL_Surface *whole_window = window_copy();
        CHECK(same_pixels(part.s, whole.s));
        CHECK(same_pixels(part_window, whole_window));
        CHECK(same_pixels(part.s, whole_window)); /* and the window shows the frame */
        SDL_FreeSurface(part.s);
        SDL_FreeSurface(whole.s);
        SDL_FreeSurface(part_window);
        SDL_FreeSurface(whole_window);
        ui_close(ui);
    }
}

int main(void)
{
    RUN(absolute_pointers_are_told_from_touchscreens_and_mice);
    RUN(absolute_pointer_events_are_scaled_to_the_panel);
    RUN(a_qr_widget_draws_the_modules_of_its_text);
    RUN(panel_pixels_land_on_logical_pixels_at_every_angle);
    RUN(each_frame_is_painted_in_the_palette_its_view_asks_for);
    RUN(faces_are_drawn_anti_aliased_from_their_files);
    RUN(icons_take_the_text_colour_and_are_smooth);
    RUN(a_missing_icon_file_is_reported_by_name);
    RUN(keys_are_drawn_with_their_edge);
    RUN(the_tick_box_follows_the_room_the_words_leave);
    RUN(a_frame_draws_only_what_changed_to_the_same_pixels);
    return check_failures != 0;
}
