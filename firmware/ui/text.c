/* Fonts and text for the SDL edge: font files and sizes, the metrics the layout measures
 * with, and cached textures of drawn lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_internal.h"

static const char *const default_fonts[][2] = {
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"},
    {"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
     "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"},
};

TTF_Font *ui_font(ui_t *ui, int px, bool bold)
{
    if (px < 6)
        px = 6;
    for (size_t i = 0; i < FONT_SLOTS; i++)
        if (ui->fonts[i].font && ui->fonts[i].px == px && ui->fonts[i].bold == bold)
            return ui->fonts[i].font;
    font_slot_t *s = &ui->fonts[ui->next_font];
    ui->next_font = (ui->next_font + 1) % FONT_SLOTS;
    if (s->font) {
        /* Cached texts were rendered from this font; they stay valid (textures). */
        TTF_CloseFont(s->font);
    }
    s->px = px;
    s->bold = bold;
    s->font = TTF_OpenFontIndex(bold ? ui->bold_path : ui->font_path, px, ui->face_index);
    if (!s->font)
        SDL_Log("kiosk: cannot open font %s at %d px: %s", bold ? ui->bold_path : ui->font_path, px,
                TTF_GetError());
    return s->font;
}

static int metric_width(void *user_data, int px, bool bold, const char *utf8, size_t len)
{
    ui_t *ui = user_data;
    TTF_Font *f = ui_font(ui, px, bold);
    char buf[1024];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, utf8, len);
    buf[len] = '\0';
    int w = 0, h = 0;
    if (!f || TTF_SizeUTF8(f, buf, &w, &h) != 0)
        return (int)len * px / 2;
    return w;
}

int ui_line_height(ui_t *ui, int px, bool bold)
{
    TTF_Font *f = ui_font(ui, px, bold);
    /* Noto CJK's line skip is generous (1.45 em); 1.3 em reads well and saves room. */
    int skip = f ? TTF_FontLineSkip(f) : px * 3 / 2;
    int tight = px * 13 / 10;
    return skip < tight ? skip : tight;
}

static int metric_line_height(void *user_data, int px, bool bold)
{
    return ui_line_height(user_data, px, bold);
}

void ui_fonts_choose(ui_t *ui, const char *font, const char *font_bold)
{
    if (font) {
        snprintf(ui->font_path, sizeof ui->font_path, "%s", font);
        snprintf(ui->bold_path, sizeof ui->bold_path, "%s", font_bold ? font_bold : font);
    } else {
        for (size_t i = 0; i < sizeof default_fonts / sizeof default_fonts[0]; i++) {
            FILE *f = fopen(default_fonts[i][0], "rb");
            if (!f)
                continue;
            fclose(f);
            snprintf(ui->font_path, sizeof ui->font_path, "%s", default_fonts[i][0]);
            snprintf(ui->bold_path, sizeof ui->bold_path, "%s", default_fonts[i][1]);
            break;
        }
    }
    /* Noto Sans CJK collections: face 2 is Simplified Chinese. */
    ui->face_index = strstr(ui->font_path, "CJK") && strstr(ui->font_path, ".ttc") ? 2 : 0;
    ui->metrics = (text_metrics_t){metric_width, metric_line_height, ui};
}

static uint32_t hash_text(const char *s, int px, bool bold, SDL_Color c)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h = (h ^ (uint32_t)px) * 16777619u;
    h = (h ^ (uint32_t)bold) * 16777619u;
    h = (h ^ (uint32_t)(c.r << 16 | c.g << 8 | c.b)) * 16777619u;
    return h;
}

static void text_slot_clear(text_slot_t *s)
{
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* A texture of one line of text, cached; NULL for an empty line or on failure. */
static text_slot_t *text_get(ui_t *ui, const char *line, int px, bool bold, SDL_Color c)
{
    if (!*line)
        return NULL;
    uint32_t h = hash_text(line, px, bold, c);
    text_slot_t *s = &ui->texts[h % TEXT_SLOTS];
    if (s->tex && s->hash == h && s->px == px && s->bold == bold && strcmp(s->text, line) == 0 &&
        memcmp(&s->color, &c, sizeof c) == 0)
        return s;
    text_slot_clear(s);
    TTF_Font *f = ui_font(ui, px, bold);
    if (!f)
        return NULL;
    SDL_Surface *surf = TTF_RenderUTF8_Blended(f, line, c);
    if (!surf)
        return NULL;
    s->tex = SDL_CreateTextureFromSurface(ui->ren, surf);
    s->w = surf->w;
    s->h = surf->h;
    SDL_FreeSurface(surf);
    s->text = strdup(line);
    if (!s->tex || !s->text) {
        text_slot_clear(s);
        return NULL;
    }
    s->hash = h;
    s->px = px;
    s->bold = bold;
    s->color = c;
    return s;
}

int ui_draw_text(ui_t *ui, const char *text, SDL_Rect box, int px, bool bold, align_t align,
                 SDL_Color c)
{
    int lh = ui_line_height(ui, px, bold);
    int y = box.y;
    int end_x = box.x;
    char line[1024];
    for (const char *p = text; p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        text_slot_t *t = text_get(ui, line, px, bold, c);
        if (t) {
            int x = align == ALIGN_CENTER  ? box.x + (box.w - t->w) / 2
                    : align == ALIGN_RIGHT ? box.x + box.w - t->w
                                           : box.x;
            /* Centre the glyph box in the line box: Noto CJK's ascent is tall. */
            SDL_Rect dst = {x, y + (lh - t->h) / 2, t->w, t->h};
            SDL_RenderCopy(ui->ren, t->tex, NULL, &dst);
            end_x = x + t->w;
        } else {
            end_x = box.x;
        }
        y += lh;
        p = nl ? nl + 1 : NULL;
    }
    return end_x;
}

void ui_fonts_close(ui_t *ui)
{
    for (size_t i = 0; i < TEXT_SLOTS; i++)
        text_slot_clear(&ui->texts[i]);
    for (size_t i = 0; i < FONT_SLOTS; i++) {
        if (ui->fonts[i].font)
            TTF_CloseFont(ui->fonts[i].font);
        ui->fonts[i].font = NULL;
    }
}
