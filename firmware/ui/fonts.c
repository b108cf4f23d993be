/* Font fallback chains for the SDL edge, chosen through fontconfig: per language and weight,
 * the --font file first, then the preferred families, then the language's own sans-serif face
 * (the CJK face follows the language), then fontconfig's sorted list for every other
 * character an installed font has. The only code that includes fontconfig. */
#include <ctype.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/ui_internal.h"

#define CHAINS 8 /* (language, weight) pairs kept */

typedef struct {
    char *file; /* owned by the chain */
    int index;
    FcCharSet *cs; /* a reference owned by the chain */
    int bitmap_px; /* a font of bitmaps only (colour emoji): the size they are drawn at; else 0 */
    bool embolden; /* no bold face: fontconfig asks for the regular one emboldened */
} chain_font_t;

struct font_chain {
    char lang[24]; /* "" with n == 0: a free slot */
    bool bold;
    chain_font_t *fonts; /* owned */
    size_t n, cap;
};

struct font_chains {
    FcConfig *fc;
    char *first[2];  /* --font, --font-bold (NULL: none); owned */
    char **families; /* preferred families, owned */
    size_t n_families;
    font_chain_t chains[CHAINS];
    size_t next;
};

static void chain_clear(font_chain_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->fonts[i].file);
        FcCharSetDestroy(c->fonts[i].cs);
    }
    free(c->fonts);
    memset(c, 0, sizeof *c);
}

font_chains_t *font_chains_new(void)
{
    font_chains_t *fc = calloc(1, sizeof *fc);
    if (!fc)
        return NULL;
    fc->fc = FcInitLoadConfigAndFonts();
    if (!fc->fc) {
        free(fc);
        return NULL;
    }
    return fc;
}

static void free_families(font_chains_t *fc)
{
    for (size_t i = 0; i < fc->n_families; i++)
        free(fc->families[i]);
    free(fc->families);
    fc->families = NULL;
    fc->n_families = 0;
}

static void forget_chains(font_chains_t *fc)
{
    for (size_t i = 0; i < CHAINS; i++)
        chain_clear(&fc->chains[i]);
}

void font_chains_free(font_chains_t *fc)
{
    if (!fc)
        return;
    forget_chains(fc);
    free_families(fc);
    free(fc->first[0]);
    free(fc->first[1]);
    FcConfigDestroy(fc->fc);
    free(fc);
}

void font_chains_set_first(font_chains_t *fc, const char *font, const char *font_bold)
{
    free(fc->first[0]);
    free(fc->first[1]);
    fc->first[0] = font ? strdup(font) : NULL;
    fc->first[1] = font ? strdup(font_bold ? font_bold : font) : NULL;
    forget_chains(fc);
}

bool font_chains_set_families(font_chains_t *fc, const char *const *families, size_t n)
{
    bool same = n == fc->n_families;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(families[i], fc->families[i]) == 0;
    if (same)
        return false;
    free_families(fc);
    forget_chains(fc);
    if (n == 0)
        return true;
    fc->families = calloc(n, sizeof *fc->families);
    for (size_t i = 0; fc->families && i < n; i++) {
        fc->families[i] = strdup(families[i]);
        if (fc->families[i])
            fc->n_families++;
    }
    return true;
}

void font_lang_to_fc(const char *lang, char *out, size_t outlen)
{
    char low[24];
    size_t i = 0;
    for (; lang[i] && i + 1 < sizeof low; i++)
        low[i] = lang[i] == '_' ? '-' : (char)tolower((unsigned char)lang[i]);
    low[i] = '\0';
    /* Chinese by script or region (BCP 47) to fontconfig's zh-cn, zh-tw, zh-hk. */
    static const char *const zh[][2] = {
        {"zh-hant-hk", "zh-hk"}, {"zh-hant-mo", "zh-mo"}, {"zh-hant", "zh-tw"},
        {"zh-hans", "zh-cn"},    {"zh-tw", "zh-tw"},      {"zh-hk", "zh-hk"},
        {"zh-mo", "zh-mo"},      {"zh-sg", "zh-sg"},      {"zh", "zh-cn"},
    };
    if (strncmp(low, "zh", 2) == 0 && (low[2] == '\0' || low[2] == '-')) {
        for (size_t k = 0; k < sizeof zh / sizeof zh[0]; k++)
            if (strncmp(low, zh[k][0], strlen(zh[k][0])) == 0) {
                snprintf(out, outlen, "%s", zh[k][1]);
                return;
            }
    }
    /* Other languages: the language subtag alone (fontconfig's orthographies). */
    size_t n = strcspn(low, "-");
    snprintf(out, outlen, "%.*s", (int)n, low);
}

/* Appends file/index with its coverage to c (nothing when it is already there, or out of
 * memory). */
static void chain_add(font_chain_t *c, const char *file, int index, FcCharSet *cs, int bitmap_px,
                      bool embolden)
{
    if (!file || !cs)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (c->fonts[i].index == index && strcmp(c->fonts[i].file, file) == 0)
            return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        chain_font_t *more = realloc(c->fonts, cap * sizeof *more);
        if (!more)
            return;
        c->fonts = more;
        c->cap = cap;
    }
    char *dup = strdup(file);
    if (!dup)
        return;
    c->fonts[c->n++] = (chain_font_t){dup, index, FcCharSetCopy(cs), bitmap_px, embolden};
}

static void chain_add_pattern(font_chain_t *c, FcPattern *p)
{
    FcChar8 *file = NULL;
    int index = 0;
    FcCharSet *cs = NULL;
    if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch ||
        FcPatternGetCharSet(p, FC_CHARSET, 0, &cs) != FcResultMatch)
        return;
    if (FcPatternGetInteger(p, FC_INDEX, 0, &index) != FcResultMatch)
        index = 0;
    FcBool outline = FcTrue;
    double size = 0;
    if (FcPatternGetBool(p, FC_OUTLINE, 0, &outline) != FcResultMatch)
        outline = FcTrue;
    if (!outline && FcPatternGetDouble(p, FC_PIXEL_SIZE, 0, &size) != FcResultMatch)
        size = 0;
    FcBool embolden = FcFalse;
    if (FcPatternGetBool(p, FC_EMBOLDEN, 0, &embolden) != FcResultMatch)
        embolden = FcFalse;
    chain_add(c, (const char *)file, index, cs, outline ? 0 : (int)size, embolden == FcTrue);
}

/* The --font file: its coverage read by fontconfig from the file itself. */
static void chain_add_file(font_chain_t *c, const char *file)
{
    int count = 0;
    FcPattern *p = FcFreeTypeQuery((const FcChar8 *)file, 0, NULL, &count);
    if (p) {
        chain_add_pattern(c, p);
        FcPatternDestroy(p);
    } else {
        /* Unreadable: keep it first anyway, so opening it fails loudly as before. */
        FcCharSet *none = FcCharSetCreate();
        chain_add(c, file, 0, none, 0, false);
        FcCharSetDestroy(none);
    }
}

/* A pattern for family (NULL: sans-serif) in fc_lang and weight, substituted for matching. */
static FcPattern *query(font_chains_t *fc, const char *family, const char *fc_lang, bool bold)
{
    FcPattern *p = FcPatternCreate();
    if (!p)
        return NULL;
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)(family ? family : "sans-serif"));
    if (fc_lang[0])
        FcPatternAddString(p, FC_LANG, (const FcChar8 *)fc_lang);
    FcPatternAddInteger(p, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcConfigSubstitute(fc->fc, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    return p;
}

/* The best match for family, added when fontconfig found that family (not a stand-in). */
static void chain_add_family(font_chains_t *fc, font_chain_t *c, const char *family,
                             const char *fc_lang, bool bold)
{
    FcPattern *p = query(fc, family, fc_lang, bold);
    FcResult res;
    FcPattern *m = p ? FcFontMatch(fc->fc, p, &res) : NULL;
    FcChar8 *got = NULL;
    if (m && FcPatternGetString(m, FC_FAMILY, 0, &got) == FcResultMatch) {
        bool found = strcasecmp((const char *)got, family) == 0;
        for (int i = 1; !found && FcPatternGetString(m, FC_FAMILY, i, &got) == FcResultMatch; i++)
            found = strcasecmp((const char *)got, family) == 0;
        if (found)
            chain_add_pattern(c, m);
    }
    if (m)
        FcPatternDestroy(m);
    if (p)
        FcPatternDestroy(p);
}

static void chain_build(font_chains_t *fc, font_chain_t *c, const char *lang, bool bold)
{
    char fc_lang[24];
    font_lang_to_fc(lang, fc_lang, sizeof fc_lang);
    snprintf(c->lang, sizeof c->lang, "%s", lang);
    c->bold = bold;
    if (fc->first[bold])
        chain_add_file(c, fc->first[bold]);
    for (size_t i = 0; i < fc->n_families; i++)
        chain_add_family(fc, c, fc->families[i], fc_lang, bold);
    FcPattern *p = query(fc, NULL, fc_lang, bold);
    if (!p)
        return;
    FcResult res;
    FcPattern *m = FcFontMatch(fc->fc, p, &res);
    if (m) {
        chain_add_pattern(c, m); /* the language's own face (zh-tw: Noto Sans CJK TC) */
        FcPatternDestroy(m);
    }
    FcFontSet *set = FcFontSort(fc->fc, p, FcTrue, NULL, &res);
    for (int i = 0; set && i < set->nfont; i++)
        chain_add_pattern(c, set->fonts[i]);
    if (set)
        FcFontSetDestroy(set);
    FcPatternDestroy(p);
}

const font_chain_t *font_chain_get(font_chains_t *fc, const char *lang, bool bold)
{
    for (size_t i = 0; i < CHAINS; i++) {
        const font_chain_t *c = &fc->chains[i];
        if (c->n && c->bold == bold && strcasecmp(c->lang, lang) == 0)
            return c;
    }
    font_chain_t *c = &fc->chains[fc->next];
    fc->next = (fc->next + 1) % CHAINS;
    chain_clear(c);
    chain_build(fc, c, lang, bold);
    return c;
}

size_t font_chain_len(const font_chain_t *c)
{
    return c->n;
}

font_face_t font_chain_face(const font_chain_t *c, size_t i)
{
    const chain_font_t *f = &c->fonts[i];
    return (font_face_t){f->file, f->index, f->bitmap_px, f->embolden};
}

bool font_chain_bitmap(const font_chain_t *c, size_t i)
{
    return i < c->n && c->fonts[i].bitmap_px > 0;
}

bool font_chain_has(const font_chain_t *c, size_t i, uint32_t cp)
{
    return i < c->n && FcCharSetHasChar(c->fonts[i].cs, cp);
}

int font_chain_find(const font_chain_t *c, uint32_t cp)
{
    for (size_t i = 0; i < c->n; i++)
        if (FcCharSetHasChar(c->fonts[i].cs, cp))
            return (int)i;
    return -1;
}
