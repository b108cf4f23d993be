/* Text for the SDL edge: lines split into runs (runs.c) in the fonts of the language's chain
 * (fonts.c), each run shaped by SDL_ttf with its direction and script set, the runs put side
 * by side on one baseline; the metrics the layout measures with (the same runs, so what is
 * measured is what is drawn), the fonts opened, and cached textures of drawn lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/utf8.h"
#include "ui/ui_internal.h"

/* The font file path mapped into memory, mapped on first use; NULL when it cannot be (then the
 * font is opened from the file as SDL_ttf does, which logs why it cannot be). */
static const font_file_t *font_file(ui_t *ui, const char *path)
{
    font_file_t *free_slot = NULL;
    for (size_t i = 0; i < FONT_FILES; i++) {
        font_file_t *f = &ui->font_files[i];
        if (f->file && strcmp(f->file, path) == 0)
            return f;
        if (!f->file && !free_slot)
            free_slot = f;
    }
    if (!free_slot)
        return NULL; /* more files than slots: opened from the file, as before */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    void *data = fstat(fd, &st) == 0 && st.st_size > 0
                     ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
                     : MAP_FAILED;
    close(fd);
    if (data == MAP_FAILED)
        return NULL;
    free_slot->file = strdup(path);
    if (!free_slot->file) {
        munmap(data, (size_t)st.st_size);
        return NULL;
    }
    free_slot->data = data;
    free_slot->size = (size_t)st.st_size;
    ui->font_files_mapped++;
    return free_slot;
}

static void font_files_close(ui_t *ui)
{
    for (size_t i = 0; i < FONT_FILES; i++) {
        font_file_t *f = &ui->font_files[i];
        if (f->file)
            munmap((void *)(uintptr_t)f->data, f->size);
        free(f->file);
        *f = (font_file_t){0};
    }
}

/* Face f of its file at px: from the file's one copy in memory when it could be mapped. */
static TTF_Font *font_open_face(ui_t *ui, font_face_t f, int px)
{
    const font_file_t *m = font_file(ui, f.file);
    SDL_RWops *rw = m ? SDL_RWFromConstMem(m->data, (int)m->size) : NULL;
    if (rw)
        return TTF_OpenFontIndexRW(rw, 1, px, f.index); /* frees rw, even on failure */
    return TTF_OpenFontIndex(f.file, px, f.index);
}

/* Face f of a chain at px: one TTF_Font per file, face and weight, opened on first use and
 * set to px (TTF_SetFontSize) when asked for at another size (bounded cache; the least
 * recently opened slot goes). NULL when it cannot be opened (logged). */
static TTF_Font *font_open(ui_t *ui, font_face_t f, int px)
{
    if (px < 6)
        px = 6;
    for (size_t i = 0; i < FONT_SLOTS; i++) {
        font_slot_t *s = &ui->fonts[i];
        if (s->font && s->index == f.index && s->embolden == f.embolden &&
            strcmp(s->file, f.file) == 0) {
            if (s->px != px && TTF_SetFontSize(s->font, px) == 0)
                s->px = px;
            return s->font;
        }
    }
    font_slot_t *s = &ui->fonts[ui->next_font];
    ui->next_font = (ui->next_font + 1) % FONT_SLOTS;
    if (s->font) /* cached texts were rendered from it; they stay valid (textures) */
        TTF_CloseFont(s->font);
    free(s->file);
    s->file = strdup(f.file);
    s->index = f.index;
    s->px = px;
    s->embolden = f.embolden;
    s->font = s->file ? font_open_face(ui, f, px) : NULL;
    if (!s->font) {
        SDL_Log("kiosk: cannot open font %s (face %d) at %d px: %s", f.file, f.index, px,
                TTF_GetError());
        return NULL;
    }
    /* Light hinting snaps heights only: advances stay HarfBuzz's own, so a line is as wide as
     * the shaping says (normal hinting rounds each glyph: Tibetan grew 5 px in 300). */
    TTF_SetFontHinting(s->font, TTF_HINTING_LIGHT);
    if (f.embolden)
        TTF_SetFontStyle(s->font, TTF_STYLE_BOLD);
    return s->font;
}

static const font_chain_t *chain(ui_t *ui, bool bold)
{
    return ui->chains ? font_chain_get(ui->chains, ui->lang, bold) : NULL;
}

TTF_Font *ui_font(ui_t *ui, int px, bool bold)
{
    const font_chain_t *c = chain(ui, bold);
    if (!c || font_chain_len(c) == 0)
        return NULL;
    /* The font of the language's digits: every screen has some (progress, codes, times), and
     * a script font's own metrics (Noto Serif Tibetan's deep stacks, Arabic's marks) would
     * push the digits and Latin words of the same line off centre. */
    int digits = font_chain_find(c, '0');
    return font_open(ui, font_chain_face(c, digits >= 0 ? (size_t)digits : 0), px);
}

size_t ui_text_runs(ui_t *ui, const char *utf8, size_t len, bool bold, bool rtl, text_run_t *runs,
                    size_t max, const font_chain_t **out)
{
    const font_chain_t *c = chain(ui, bold);
    if (out)
        *out = c;
    return c ? text_runs(c, utf8, len, rtl, runs, max) : 0;
}

/* A run ready to measure or draw: its font with the run's direction and script set, and the
 * scale it is drawn at (1; or px over the bitmaps' size for a font of bitmaps only, colour
 * emoji, whose glyphs SDL_ttf gives at that one size). */
typedef struct {
    TTF_Font *font; /* NULL when it cannot be opened */
    double scale;
} run_font_t;

static int scaled(int v, double k)
{
    return k == 1.0 ? v : (int)(v * k + 0.5);
}

/* Sets up run r of line: its font, and its text copied into buf as a string. */
static run_font_t run_font(ui_t *ui, const font_chain_t *c, const text_run_t *r, int px,
                           const char *line, char *buf, size_t buflen)
{
    run_font_t rf = {NULL, 1.0};
    if (r->font < 0)
        return rf;
    font_face_t face = font_chain_face(c, (size_t)r->font);
    rf.font = font_open(ui, face, px);
    if (!rf.font)
        return rf;
    if (face.bitmap_px > 0)
        rf.scale = (double)(px < 6 ? 6 : px) / face.bitmap_px;
    TTF_SetFontDirection(rf.font, r->level % 2 ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(rf.font, r->script);
    size_t n = r->len < buflen ? r->len : buflen - 1;
    memcpy(buf, line + r->start, n);
    buf[n] = '\0';
    return rf;
}

/* The width of a line, shaped (not cached). */
static int text_width(ui_t *ui, int px, bool bold, bool rtl, const char *utf8, size_t len)
{
    text_run_t runs[TEXT_MAX_RUNS];
    const font_chain_t *c;
    size_t n = ui_text_runs(ui, utf8, len, bold, rtl, runs, TEXT_MAX_RUNS, &c);
    int total = 0;
    char buf[1024];
    for (size_t i = 0; i < n; i++) {
        int w = 0, h = 0;
        run_font_t rf = run_font(ui, c, &runs[i], px, utf8, buf, sizeof buf);
        if (rf.font && TTF_SizeUTF8(rf.font, buf, &w, &h) == 0)
            total += scaled(w, rf.scale);
    }
    return total;
}

/* Run r drawn in colour c into a new ARGB8888 surface, scaled as its font says; *ascent is
 * where its baseline is. NULL on failure. */
static SDL_Surface *render_run(ui_t *ui, const font_chain_t *ch, const text_run_t *r, int px,
                               const char *line, SDL_Color c, int *ascent)
{
    char buf[1024];
    run_font_t rf = run_font(ui, ch, r, px, line, buf, sizeof buf);
    SDL_Surface *s = rf.font ? TTF_RenderUTF8_Blended(rf.font, buf, c) : NULL;
    if (!s)
        return NULL;
    /* SDL_ttf puts the baseline at the font's ascent unless a glyph rises above it, which the
     * fonts installed do not. */
    *ascent = scaled(TTF_FontAscent(rf.font), rf.scale);
    if (rf.scale == 1.0)
        return s;
    SDL_Surface *small = SDL_CreateRGBSurfaceWithFormat(
        0, scaled(s->w, rf.scale), scaled(s->h, rf.scale), 32, s->format->format);
    if (small && SDL_SoftStretchLinear(s, NULL, small, NULL) != 0) {
        SDL_FreeSurface(small);
        small = NULL;
    }
    SDL_FreeSurface(s);
    return small;
}

SDL_Surface *ui_render_line(ui_t *ui, const char *line, int px, bool bold, bool rtl, SDL_Color c,
                            int *baseline)
{
    text_run_t runs[TEXT_MAX_RUNS];
    SDL_Surface *surf[TEXT_MAX_RUNS] = {0};
    int asc[TEXT_MAX_RUNS] = {0};
    const font_chain_t *ch;
    size_t n = ui_text_runs(ui, line, strlen(line), bold, rtl, runs, TEXT_MAX_RUNS, &ch);
    int w = 0, top = 0, bottom = 0;
    for (size_t i = 0; i < n; i++) {
        surf[i] = render_run(ui, ch, &runs[i], px, line, c, &asc[i]);
        if (!surf[i])
            continue;
        top = asc[i] > top ? asc[i] : top;
        bottom = surf[i]->h - asc[i] > bottom ? surf[i]->h - asc[i] : bottom;
        w += surf[i]->w;
    }
    SDL_Surface *out =
        w > 0 ? SDL_CreateRGBSurfaceWithFormat(0, w, top + bottom, 32, SDL_PIXELFORMAT_ARGB8888)
              : NULL;
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!surf[i])
            continue;
        if (out) { /* runs side by side on one baseline; they never overlap */
            SDL_SetSurfaceBlendMode(surf[i], SDL_BLENDMODE_NONE);
            SDL_Rect dst = {x, top - asc[i], surf[i]->w, surf[i]->h};
            SDL_BlitSurface(surf[i], NULL, out, &dst);
        }
        x += surf[i]->w;
        SDL_FreeSurface(surf[i]);
    }
    if (baseline)
        *baseline = top;
    return out;
}

static uint64_t hash_width(const char *lang, bool rtl, const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u ^ (uint64_t)rtl;
    for (; *lang; lang++)
        h = (h ^ (unsigned char)(*lang | 0x20)) * 1099511628211u;
    h = (h ^ 0xff) * 1099511628211u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h ? h : 1;
}

int ui_text_width(ui_t *ui, int px, bool bold, bool rtl, const char *utf8, size_t len)
{
    uint64_t h = hash_width(ui->lang, rtl, utf8, len);
    uint64_t k = h ^ ((uint64_t)px << 1 | bold);
    text_width_t *w = &ui->widths[(k ^ k >> 29) % WIDTH_SLOTS];
    if (w->hash == h && w->len == len && w->px == px && w->bold == bold && w->rtl == rtl)
        return w->w;
    ui->widths_measured++;
    int width = text_width(ui, px, bold, rtl, utf8, len);
    *w = (text_width_t){h, (uint32_t)len, (int16_t)px, bold, rtl, width};
    return width;
}

static int metric_width(void *user_data, int px, bool bold, const char *utf8, size_t len)
{
    ui_t *ui = user_data;
    return ui_text_width(ui, px, bold, ui->rtl, utf8, len);
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

static void texts_clear(ui_t *ui);

void ui_fonts_choose(ui_t *ui, const char *font, const char *font_bold)
{
    if (!ui->chains)
        ui->chains = font_chains_new();
    if (ui->chains)
        font_chains_set_first(ui->chains, font, font_bold);
    else
        SDL_Log("kiosk: cannot load fontconfig's configuration: no fonts");
    if (!ui->lang[0])
        snprintf(ui->lang, sizeof ui->lang, "zh-cn");
    texts_clear(ui);
    ui->metrics = (text_metrics_t){metric_width, metric_line_height, ui};
}

bool ui_set_language(ui_t *ui, const char *lang, bool rtl, const char *const *families,
                     size_t n_families)
{
    bool new_lang = strcasecmp(ui->lang, lang ? lang : "") != 0;
    bool changed = new_lang || ui->rtl != rtl;
    if (new_lang)
        texts_clear(ui); /* the same text may be drawn in other faces (zh-cn, zh-tw) */
    snprintf(ui->lang, sizeof ui->lang, "%s", lang ? lang : "");
    ui->rtl = rtl;
    if (families && ui->chains && font_chains_set_families(ui->chains, families, n_families)) {
        texts_clear(ui); /* the same text may now be drawn in other fonts */
        changed = true;
    }
    return changed;
}

size_t ui_missing_glyphs(ui_t *ui, const char *lang, const char *utf8, uint32_t *out, size_t max)
{
    const font_chain_t *c = ui->chains ? font_chain_get(ui->chains, lang, false) : NULL;
    size_t n = 0;
    for (const char *p = utf8; *p;) {
        uint32_t cp;
        size_t k = utf8_decode(p, strlen(p), &cp);
        if (k == 0) { /* not UTF-8: a byte no font draws */
            cp = 0xfffd;
            k = 1;
        }
        p += k;
        bool space = cp == ' ' || cp == 0xa0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200a) ||
                     cp == 0x202f || cp == 0x205f || cp == 0x1680;
        if (space || text_is_ignorable(cp) || (c && font_chain_find(c, cp) >= 0))
            continue;
        bool seen = false;
        for (size_t i = 0; i < n && i < max && !seen; i++)
            seen = out[i] == cp;
        if (seen)
            continue;
        if (n < max)
            out[n] = cp;
        n++;
    }
    return n;
}

static uint32_t hash_text(const char *s, const char *lang, int px, bool bold, bool rtl, SDL_Color c)
{
    uint32_t h = 2166136261u ^ (uint32_t)rtl;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    for (; *lang; lang++)
        h = (h ^ (unsigned char)(*lang | 0x20)) * 16777619u;
    h = (h ^ (uint32_t)px) * 16777619u;
    h = (h ^ (uint32_t)bold) * 16777619u;
    h = (h ^ (uint32_t)(c.r << 16 | c.g << 8 | c.b)) * 16777619u;
    return h;
}

static void text_slot_clear(ui_t *ui, text_slot_t *s)
{
    if (s->tex) {
        SDL_DestroyTexture(s->tex);
        ui->text_bytes -= (size_t)s->w * (size_t)s->h * 4;
    }
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* Gives up cached lines other than keep, in turn, until they fit the budget: a large panel's
 * screens would otherwise keep 20 MB of lines that are drawn again in milliseconds. */
static void texts_fit_budget(ui_t *ui, const text_slot_t *keep)
{
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(ui->ren, &w, &h);
    const size_t screen = (size_t)(w > 0 ? w : 0) * (size_t)(h > 0 ? h : 0) * 4;
    const size_t budget = screen > TEXT_BUDGET_MIN ? screen : TEXT_BUDGET_MIN;
    for (size_t n = 0; ui->text_bytes > budget && n < TEXT_SLOTS; n++) {
        text_slot_t *s = &ui->texts[ui->text_sweep];
        ui->text_sweep = (ui->text_sweep + 1) % TEXT_SLOTS;
        if (s != keep)
            text_slot_clear(ui, s);
    }
}

/* A texture of one line of text, cached; NULL for an empty line or on failure. */
static text_slot_t *text_get(ui_t *ui, const char *line, int px, bool bold, bool rtl, SDL_Color c)
{
    if (!*line)
        return NULL;
    uint32_t h = hash_text(line, ui->lang, px, bold, rtl, c);
    text_slot_t *s = &ui->texts[h % TEXT_SLOTS];
    if (s->tex && s->hash == h && s->px == px && s->bold == bold && s->rtl == rtl &&
        strcmp(s->text, line) == 0 && strcasecmp(s->lang, ui->lang) == 0 &&
        memcmp(&s->color, &c, sizeof c) == 0)
        return s;
    text_slot_clear(ui, s);
    int baseline = 0;
    SDL_Surface *surf = ui_render_line(ui, line, px, bold, rtl, c, &baseline);
    if (!surf)
        return NULL;
    s->tex = SDL_CreateTextureFromSurface(ui->ren, surf);
    s->w = s->tex ? surf->w : 0;
    s->h = s->tex ? surf->h : 0;
    ui->text_bytes += (size_t)s->w * (size_t)s->h * 4;
    s->baseline = baseline;
    SDL_FreeSurface(surf);
    s->text = strdup(line);
    if (!s->tex || !s->text) {
        text_slot_clear(ui, s);
        return NULL;
    }
    s->hash = h;
    snprintf(s->lang, sizeof s->lang, "%s", ui->lang);
    s->px = px;
    s->bold = bold;
    s->rtl = rtl;
    s->color = c;
    texts_fit_budget(ui, s);
    return s;
}

int ui_draw_text(ui_t *ui, const char *text, SDL_Rect box, int px, bool bold, align_t align,
                 SDL_Color c, bool ltr)
{
    bool rtl = ui->frame_rtl && !ltr;
    int lh = ui_line_height(ui, px, bold);
    /* Every line's baseline where the digits' font's is when its glyph box is centred in the
     * line box (Noto CJK's ascent is tall), whatever fonts the line's runs use. */
    TTF_Font *first = ui_font(ui, px, bold);
    int base = first ? (lh - TTF_FontHeight(first)) / 2 + TTF_FontAscent(first) : lh * 4 / 5;
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
        text_slot_t *t = text_get(ui, line, px, bold, rtl, c);
        if (t) {
            int x = align == ALIGN_CENTER  ? box.x + (box.w - t->w) / 2
                    : align == ALIGN_RIGHT ? box.x + box.w - t->w
                                           : box.x;
            SDL_Rect dst = {x, y + base - t->baseline, t->w, t->h};
            SDL_RenderCopy(ui->ren, t->tex, NULL, &dst);
            end_x = rtl ? x : x + t->w; /* where the line ends in reading order */
        } else {
            end_x = rtl ? box.x + box.w : box.x;
        }
        y += lh;
        p = nl ? nl + 1 : NULL;
    }
    return end_x;
}

int ui_draw_text_in(ui_t *ui, const char *lang, const char *text, SDL_Rect box, int px, bool bold,
                    align_t align, SDL_Color c, bool ltr)
{
    if (!lang || strcasecmp(lang, ui->lang) == 0)
        return ui_draw_text(ui, text, box, px, bold, align, c, ltr);
    char shown[sizeof ui->lang];
    memcpy(shown, ui->lang, sizeof shown);
    snprintf(ui->lang, sizeof ui->lang, "%s", lang);
    int end = ui_draw_text(ui, text, box, px, bold, align, c, ltr);
    memcpy(ui->lang, shown, sizeof shown);
    return end;
}

static void texts_clear(ui_t *ui)
{
    ui_frame_forget(ui); /* texts may be drawn in other fonts */
    for (size_t i = 0; i < TEXT_SLOTS; i++)
        text_slot_clear(ui, &ui->texts[i]);
    memset(ui->widths, 0, sizeof ui->widths); /* measured in other fonts */
}

void ui_fonts_close(ui_t *ui)
{
    texts_clear(ui);
    for (size_t i = 0; i < FONT_SLOTS; i++) {
        if (ui->fonts[i].font)
            TTF_CloseFont(ui->fonts[i].font);
        free(ui->fonts[i].file);
        ui->fonts[i] = (font_slot_t){0};
    }
    font_files_close(ui);
    font_chains_free(ui->chains);
    ui->chains = NULL;
}
