/* Fonts for the app: the families each language prefers, and the check that the installed
 * fonts draw every text of a pack (see app/fonts.h). */
#include <stdint.h>
#include <stdio.h>

#include "app/fonts.h"

size_t app_font_families(const app_config_t *cfg, const content_t *c, const char *lang,
                         const char *out[APP_FONT_FAMILIES])
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->nfont_families && n < APP_FONT_FAMILIES; i++)
        out[n++] = cfg->font_families[i];
    if (c) {
        const char *pack[APP_FONT_FAMILIES];
        size_t k = content_lang_fonts(c, lang, pack, APP_FONT_FAMILIES);
        for (size_t i = 0; i < k && i < APP_FONT_FAMILIES && n < APP_FONT_FAMILIES; i++)
            out[n++] = pack[i];
    }
    return n;
}

/* The pack check's state for one language: the first text with a character no font draws. */
typedef struct {
    ui_t *ui;
    const char *lang;
    char *why;
    size_t whylen;
    bool found;
} glyph_check_t;

static bool check_text(void *ud, const char *lang, const char *path, const char *text)
{
    glyph_check_t *g = ud;
    if (!content_lang_same(lang, g->lang))
        return true;
    uint32_t cp[4];
    size_t n = ui_missing_glyphs(g->ui, lang, text, cp, 4);
    if (n == 0)
        return true;
    char list[96] = "";
    for (size_t i = 0, used = 0; i < n && i < 4; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%sU+%04X", i ? ", " : "",
                                 (unsigned)cp[i]);
    snprintf(g->why, g->whylen, "%s: %s%s: no installed font has %s (language %s)", path, list,
             n > 4 ? " and more" : "", n > 1 ? "these characters" : "this character", lang);
    g->found = true;
    return false;
}

bool app_pack_fonts_ok(ui_t *ui, const app_config_t *cfg, const content_t *c, const char *json,
                       size_t len, char *why, size_t whylen)
{
    if (!ui)
        return true;
    bool ok = true;
    for (size_t i = 0; ok && i < content_language_count(c); i++) {
        const language_t *l = content_language(c, i);
        const char *families[APP_FONT_FAMILIES];
        size_t nf = app_font_families(cfg, c, l->code, families);
        ui_set_language(ui, l->code, l->rtl, families, nf);
        glyph_check_t g = {ui, l->code, why, whylen, false};
        content_each_text(json, len, check_text, &g);
        ok = !g.found;
    }
    return ok;
}
