/* Faces and icons for the SDL edge: SVG files from the icon directory, rasterised by SDL_image
 * (nanosvg, anti-aliased) once per size and ink colour and kept as textures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_image.h>

#include "ui/ui_internal.h"

/* The colour the SVG files draw their ink in: recoloured to the ink asked for. */
#define SVG_INK "#1b1b1b"

void ui_icons_choose(ui_t *ui, const char *dir)
{
    if (!dir)
        dir = access(KIOSK_ICONS_INSTALLED_DIR, R_OK) == 0 ? KIOSK_ICONS_INSTALLED_DIR
                                                           : KIOSK_ICONS_SOURCE_DIR;
    snprintf(ui->icon_dir, sizeof ui->icon_dir, "%s", dir);
}

/* Keeps the first problem for ui_icon_problem(), and logs each file's once (the caller
 * remembers the file as unreadable, so this runs once per file). */
static void icon_problem(ui_t *ui, const char *verb, const char *name, const char *why)
{
    char msg[sizeof ui->icon_problem];
    snprintf(msg, sizeof msg, "icon '%s': cannot %s %s/%s.svg: %s", name, verb, ui->icon_dir, name,
             why);
    SDL_Log("kiosk: %s", msg);
    if (!ui->icon_problem[0])
        snprintf(ui->icon_problem, sizeof ui->icon_problem, "%s", msg);
}

/* The SVG text of NAME.svg, read on first use; NULL when it cannot be read (reported once). */
static const char *icon_svg(ui_t *ui, const char *name)
{
    for (size_t i = 0; i < ui->n_icon_files; i++)
        if (strcmp(ui->icon_files[i].name, name) == 0)
            return ui->icon_files[i].svg;
    char path[sizeof ui->icon_dir + ICON_NAME + 8];
    snprintf(path, sizeof path, "%s/%s.svg", ui->icon_dir, name);
    char *svg = NULL;
    if (strlen(name) >= ICON_NAME || strchr(name, '/')) {
        icon_problem(ui, "read", name, "not an icon name");
    } else {
        errno = 0;
        svg = SDL_LoadFile(path, NULL); /* NUL-terminated */
        if (!svg)
            icon_problem(ui, "read", name, errno ? strerror(errno) : SDL_GetError());
    }
    if (ui->n_icon_files < ICON_FILES) {
        icon_file_t *f = &ui->icon_files[ui->n_icon_files++];
        snprintf(f->name, sizeof f->name, "%s", name);
        f->svg = svg;
        return svg;
    }
    SDL_free(svg); /* more names than slots: read again next time (never with the shipped set) */
    return NULL;
}

static bool same_ink(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* NAME rasterised at w x h with its ink recoloured; NULL when it cannot be (reported once). */
static SDL_Texture *rasterise(ui_t *ui, const char *name, int w, int h, SDL_Color ink)
{
    const char *svg = icon_svg(ui, name);
    if (!svg)
        return NULL;
    char *text = strdup(svg);
    if (!text)
        return NULL;
    char hex[8];
    snprintf(hex, sizeof hex, "#%02x%02x%02x", ink.r, ink.g, ink.b);
    for (char *p = strstr(text, SVG_INK); p; p = strstr(p + 7, SVG_INK))
        memcpy(p, hex, 7);
    SDL_RWops *rw = SDL_RWFromConstMem(text, (int)strlen(text));
    SDL_Surface *s = rw ? IMG_LoadSizedSVG_RW(rw, w, h) : NULL;
    if (rw)
        SDL_RWclose(rw);
    free(text);
    SDL_Texture *tex = s ? SDL_CreateTextureFromSurface(ui->ren, s) : NULL;
    if (s)
        SDL_FreeSurface(s);
    if (!tex) {
        icon_problem(ui, "render", name, IMG_GetError());
        /* Not again every frame: forget the file, so that it reads as missing from now on. */
        for (size_t i = 0; i < ui->n_icon_files; i++)
            if (strcmp(ui->icon_files[i].name, name) == 0) {
                SDL_free(ui->icon_files[i].svg);
                ui->icon_files[i].svg = NULL;
            }
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    ui->icons_rasterised++;
    return tex;
}

bool ui_draw_icon(ui_t *ui, const char *name, SDL_Rect r, SDL_Color ink)
{
    if (r.w <= 0 || r.h <= 0)
        return false;
    icon_slot_t *hit = NULL;
    for (size_t i = 0; i < ICON_SLOTS && !hit; i++) {
        icon_slot_t *s = &ui->icons[i];
        if (s->tex && s->w == r.w && s->h == r.h && same_ink(s->ink, ink) &&
            strcmp(s->name, name) == 0)
            hit = s;
    }
    if (!hit) {
        SDL_Texture *tex = rasterise(ui, name, r.w, r.h, ink);
        if (!tex)
            return false;
        hit = &ui->icons[ui->next_icon];
        ui->next_icon = (ui->next_icon + 1) % ICON_SLOTS;
        if (hit->tex)
            SDL_DestroyTexture(hit->tex);
        snprintf(hit->name, sizeof hit->name, "%s", name);
        hit->w = r.w;
        hit->h = r.h;
        hit->ink = ink;
        hit->tex = tex;
    }
    SDL_RenderCopy(ui->ren, hit->tex, NULL, &r);
    return true;
}

/* Face colours, worst to best, for the disc drawn when a face's file is missing. */
static SDL_Color face_color(int k)
{
    static const SDL_Color five[5] = {
        {0xd3, 0x2f, 0x2f, 255}, {0xf5, 0x7c, 0x00, 255}, {0xf9, 0xa8, 0x25, 255},
        {0x7c, 0xb3, 0x42, 255}, {0x2e, 0x7d, 0x32, 255},
    };
    return five[k];
}

void ui_draw_face(ui_t *ui, SDL_Rect r, int level, int count, SDL_Color dark)
{
    /* Four faces leave out the neutral one; three keep the ends and the middle. */
    static const int of4[4] = {0, 1, 3, 4}, of3[3] = {0, 2, 4};
    int k = level < 0 ? 0 : level;
    if (count == 4)
        k = of4[k > 3 ? 3 : k];
    else if (count == 3)
        k = of3[k > 2 ? 2 : k];
    else if (k > 4)
        k = 4;
    char name[16];
    snprintf(name, sizeof name, "face-%d", k);
    if (ui_draw_icon(ui, name, r, dark))
        return;
    float rad = (float)r.w / 2.0f;
    ui_fill_circle(ui, (float)r.x + rad, (float)r.y + rad, rad, dark);
    ui_fill_circle(ui, (float)r.x + rad, (float)r.y + rad, rad - 3.0f, face_color(k));
}

unsigned ui_icons_rasterised(const ui_t *ui)
{
    return ui->icons_rasterised;
}

const char *ui_icon_problem(const ui_t *ui)
{
    return ui->icon_problem;
}

void ui_set_icon_dir(ui_t *ui, const char *dir)
{
    ui_icons_close(ui);
    ui_frame_forget(ui); /* faces and icons drawn from other files */
    ui->icon_problem[0] = '\0';
    ui_icons_choose(ui, dir);
}

void ui_icons_close(ui_t *ui)
{
    for (size_t i = 0; i < ICON_SLOTS; i++) {
        if (ui->icons[i].tex)
            SDL_DestroyTexture(ui->icons[i].tex);
        ui->icons[i].tex = NULL;
    }
    ui->next_icon = 0;
    for (size_t i = 0; i < ui->n_icon_files; i++)
        SDL_free(ui->icon_files[i].svg);
    ui->n_icon_files = 0;
}
