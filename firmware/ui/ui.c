/* The SDL edge's life: starting SDL and SDL_ttf (SDL_image needs no start for SVG), the
 * window or headless surface, the renderer and frame for panels mounted sideways, and closing
 * it all. Nothing else in the firmware sees SDL; text.c, icons.c, shapes.c, draw.c and input.c
 * hold the rest of the edge. */
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"
#include "ui/ui_internal.h"

/* Starts SDL's video and SDL_ttf (headless: the dummy video driver unless SDL_VIDEODRIVER
 * says otherwise). On failure stops what it started and returns false. */
static bool start_sdl(bool headless, char *err, size_t errlen)
{
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (headless && !getenv("SDL_VIDEODRIVER"))
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy"); /* software only: no GPU, no EGL */
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        snprintf(err, errlen, "cannot start SDL video: %s", SDL_GetError());
        return false;
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        SDL_Quit();
        return false;
    }
    return true;
}

/* Opens the window and sets the panel and logical sizes. */
static bool open_window(ui_t *ui, const ui_config_t *cfg, char *err, size_t errlen)
{
    ui->phys_w = cfg->width;
    ui->phys_h = cfg->height;
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (cfg->fullscreen) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    }
    ui->win = SDL_CreateWindow("Community kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                               cfg->width, cfg->height, flags);
    if (!ui->win) {
        snprintf(err, errlen, "cannot open a %dx%d window (video driver %s): %s", cfg->width,
                 cfg->height, ui->driver, SDL_GetError());
        return false;
    }
    if (cfg->fullscreen)
        SDL_GetWindowSize(ui->win, &ui->phys_w, &ui->phys_h);
    ui->log_w = ui->rotation % 180 ? ui->phys_h : ui->phys_w;
    ui->log_h = ui->rotation % 180 ? ui->phys_w : ui->phys_h;
    return true;
}

/* Creates the renderer (headless: software; else with vsync if it can) and the frame the
 * logical screen is drawn into. On failure destroys what it created and returns false. */
static bool open_renderer(ui_t *ui, bool headless, char *err, size_t errlen)
{
    Uint32 rflags =
        SDL_RENDERER_TARGETTEXTURE | (headless ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_PRESENTVSYNC);
    ui->ren = SDL_CreateRenderer(ui->win, -1, rflags);
    if (!ui->ren && !headless)
        ui->ren = SDL_CreateRenderer(ui->win, -1, SDL_RENDERER_TARGETTEXTURE);
    if (!ui->ren) {
        snprintf(err, errlen, "cannot create a renderer: %s", SDL_GetError());
        return false;
    }
    SDL_RendererInfo info;
    ui->software = SDL_GetRendererInfo(ui->ren, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    /* The software renderer draws into the window's own surface, which keeps its pixels from
     * one frame to the next: unturned and of the logical size, that surface is the frame, and
     * a frame texture would be a second full-screen buffer (8 MB at 1920x1080) copied whole
     * into the first at every frame. */
    if (ui->software && ui->rotation == 0 && ui->phys_w == ui->log_w && ui->phys_h == ui->log_h)
        return true;
    ui->frame = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                  ui->log_w, ui->log_h);
    if (!ui->frame) {
        snprintf(err, errlen, "cannot create a %dx%d frame texture: %s", ui->log_w, ui->log_h,
                 SDL_GetError());
        SDL_DestroyRenderer(ui->ren);
        ui->ren = NULL;
        return false;
    }
    return true;
}

int ui_open(const ui_config_t *cfg, ui_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (cfg->rotation % 90 || cfg->rotation < 0 || cfg->rotation > 270) {
        snprintf(err, errlen, "rotation must be 0, 90, 180 or 270, not %d", cfg->rotation);
        return KIOSK_EINVAL;
    }
    ui_t *ui = calloc(1, sizeof *ui);
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return KIOSK_ENOMEM;
    }
    int rc = KIOSK_EIO;
    if (!start_sdl(cfg->headless, err, errlen))
        goto fail_free;
    snprintf(ui->driver, sizeof ui->driver, "%s", SDL_GetCurrentVideoDriver());
    ui_fonts_choose(ui, cfg->font, cfg->font_bold);
    ui_icons_choose(ui, NULL);
    ui->rotation = cfg->rotation;
    if (!open_window(ui, cfg, err, errlen))
        goto fail_sdl;
    if (!open_renderer(ui, cfg->headless, err, errlen))
        goto fail_win;
    if (!ui_font(ui, 24, false) || !ui_font(ui, 24, true)) {
        snprintf(err, errlen,
                 "cannot open fonts %s (install fonts-noto-core, fonts-noto-cjk or pass "
                 "--font)",
                 cfg->font ? cfg->font : "(fontconfig found none)");
        rc = KIOSK_ENOENT;
        goto fail_ren;
    }
    ui_input_open(ui);
    SDL_StartTextInput();
    SDL_ShowCursor(cfg->fullscreen ? SDL_DISABLE : SDL_ENABLE);
    *out = ui;
    return KIOSK_OK;
fail_ren:
    SDL_DestroyTexture(ui->frame);
    SDL_DestroyRenderer(ui->ren);
fail_win:
    SDL_DestroyWindow(ui->win);
fail_sdl:
    ui_fonts_close(ui);
    TTF_Quit();
    SDL_Quit();
fail_free:
    free(ui);
    return rc;
}

void ui_close(ui_t *ui)
{
    if (!ui)
        return;
    ui_input_close(ui);
    ui_fonts_close(ui);
    ui_icons_close(ui);
    if (ui->base)
        SDL_DestroyTexture(ui->base);
    SDL_DestroyTexture(ui->frame);
    SDL_DestroyRenderer(ui->ren);
    SDL_DestroyWindow(ui->win);
    TTF_Quit();
    SDL_Quit();
    free(ui);
}

void ui_logical_size(const ui_t *ui, int *w, int *h)
{
    *w = ui->log_w;
    *h = ui->log_h;
}

const text_metrics_t *ui_metrics(ui_t *ui)
{
    return &ui->metrics;
}

void ui_versions(char *buf, size_t len)
{
    SDL_version sdl;
    SDL_GetVersion(&sdl);
    const SDL_version *ttf = TTF_Linked_Version();
    snprintf(buf, len, "SDL %d.%d.%d · SDL_ttf %d.%d.%d", sdl.major, sdl.minor, sdl.patch,
             ttf->major, ttf->minor, ttf->patch);
}

const char *ui_driver(const ui_t *ui)
{
    return ui->driver;
}
