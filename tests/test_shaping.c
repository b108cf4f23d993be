/* Shaping checked against HarfBuzz itself: for sample lines in Uyghur, Arabic, Hebrew,
 * Tibetan, Devanagari, Traditional and Simplified Chinese and mixed Chinese + English + digits,
 * each run the kiosk makes (font, face, script, direction) is shaped again by the real
 * `hb-shape` program; the kiosk's measured width must equal the sum of hb-shape's advances and
 * the kiosk's drawn line must cover the same pixels as hb-shape's glyphs rasterised by FreeType
 * at hb-shape's positions. Drawn as SDL_ttf did before (no direction, no script), Uyghur and
 * Tibetan must fail the same comparison, so the test can fail.
 * hb-shape is given the language too; SDL_ttf 2.20 has no hook to set a buffer's language
 * (HarfBuzz then uses the script's default forms), which these samples do not need: the CJK
 * forms come with the face chosen for the language. Urdu's digits would (Noto Sans Arabic's
 * locl for URD), and are not drawn in their Urdu forms. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <cjson/cJSON.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "text_util.h"

#define PX 48
/* Pixel agreement (weighted Jaccard of coverage, see ink_match()) a correct line must reach.
 * The same outlines antialiased by the same FreeType at the same whole-pixel positions give
 * 1.000; measured here: 0.988 to 1.000 over the samples (what is left is a glyph floored to
 * the next pixel where a run's start is). Drawn without direction or script, Uyghur gives
 * 0.19 to 0.24 and Tibetan 0.51: 0.97 lies well between. */
#define MATCH_MIN 0.97

typedef struct {
    int x, y, w, h;
    float *a; /* coverage 0..1, w * h */
} ink_t;

static ink_t ink_new(int w, int h)
{
    ink_t k = {0, 0, w, h, calloc((size_t)w * (size_t)h, sizeof(float))};
    return k;
}

/* hb-shape's output for one run: glyph ids, offsets and advances in 1/64 px. */
typedef struct {
    int n;
    int g[512], dx[512], dy[512], ax[512];
} shaped_t;

/* Runs hb-shape (argv, NULL-terminated) and returns its stdout (malloc'd), or NULL. */
static char *run_capture(char *const argv[])
{
    int fd[2];
    if (pipe(fd))
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t cap = 1 << 16, used = 0;
    char *out = malloc(cap);
    ssize_t k;
    while (out && (k = read(fd[0], out + used, cap - used - 1)) > 0)
        used += (size_t)k;
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (out)
        out[used] = '\0';
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* hb-shape 6.0 with FreeType's font functions takes --font-size as FreeType's char size in
 * 1/64 pt (at 72 dpi: 1/64 px), so PX * 64 draws at PX pixels and gives positions in 1/64
 * px; --font-size=PX would shape at half a pixel. */
static bool hb_shape(const char *file, int index, bool rtl, const char *script, const char *lang,
                     const char *text, shaped_t *out)
{
    char size[32], face[32], dir[32], scr[32], lng[64];
    snprintf(size, sizeof size, "--font-size=%d", PX * 64);
    snprintf(face, sizeof face, "--face-index=%d", index);
    snprintf(dir, sizeof dir, "--direction=%s", rtl ? "rtl" : "ltr");
    snprintf(scr, sizeof scr, "--script=%s", script);
    snprintf(lng, sizeof lng, "--language=%s", lang);
    char *argv[] = {KIOSK_HB_SHAPE,
                    "--font-funcs=ft",
                    size,
                    face,
                    dir,
                    scr,
                    lng,
                    "--output-format=json",
                    "--no-glyph-names",
                    "--no-clusters",
                    (char *)file,
                    (char *)text,
                    NULL};
    char *json = run_capture(argv);
    cJSON *arr = json ? cJSON_Parse(json) : NULL;
    free(json);
    out->n = 0;
    const cJSON *gl;
    cJSON_ArrayForEach(gl, arr)
    {
        if (out->n == 512)
            break;
        out->g[out->n] = cJSON_GetObjectItem(gl, "g")->valueint;
        out->dx[out->n] = cJSON_GetObjectItem(gl, "dx")->valueint;
        out->dy[out->n] = cJSON_GetObjectItem(gl, "dy")->valueint;
        out->ax[out->n] = cJSON_GetObjectItem(gl, "ax")->valueint;
        out->n++;
    }
    bool ok = arr != NULL;
    cJSON_Delete(arr);
    return ok;
}

/* Rasterises glyphs of one run at pen (1/64 px) on baseline y into k, as SDL_ttf does: light
 * hinting, positions floored to whole pixels. Returns the advance in 1/64 px. */
static int raster_run(FT_Library lib, const char *file, int index, const shaped_t *s, int pen,
                      int baseline, ink_t *k)
{
    FT_Face face;
    if (FT_New_Face(lib, file, index, &face))
        return 0;
    FT_Set_Char_Size(face, 0, PX * 64, 72, 72);
    int adv = 0;
    for (int i = 0; i < s->n; i++) {
        if (!FT_Load_Glyph(face, (FT_UInt)s->g[i], FT_LOAD_TARGET_LIGHT) &&
            !FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL)) {
            FT_Bitmap *b = &face->glyph->bitmap;
            int x0 = (int)floor((pen + adv + s->dx[i]) / 64.0) + face->glyph->bitmap_left;
            int y0 = baseline - (int)floor(s->dy[i] / 64.0) - face->glyph->bitmap_top;
            for (unsigned r = 0; r < b->rows; r++)
                for (unsigned c = 0; c < b->width; c++) {
                    int x = x0 + (int)c, y = y0 + (int)r;
                    if (x < 0 || y < 0 || x >= k->w || y >= k->h)
                        continue;
                    float v = b->buffer[r * (unsigned)b->pitch + c] / 255.0f;
                    float *p = &k->a[y * k->w + x];
                    *p = v > *p ? v : *p;
                }
        }
        adv += s->ax[i];
    }
    FT_Done_Face(face);
    return adv;
}

/* The coverage of a surface (its alpha) as ink. */
static ink_t surface_ink(SDL_Surface *s)
{
    ink_t k = ink_new(s->w, s->h);
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            Uint32 p = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
            k.a[y * s->w + x] = (float)(p >> 24) / 255.0f;
        }
    SDL_UnlockSurface(s);
    return k;
}

/* The box of the ink (coverage over one half): top-left into k->x, k->y, and its right and
 * bottom ends (exclusive) into *x1, *y1. */
static void ink_box(ink_t *k, int *x1, int *y1)
{
    k->x = k->w, k->y = k->h;
    *x1 = *y1 = 0;
    for (int y = 0; y < k->h; y++)
        for (int x = 0; x < k->w; x++)
            if (k->a[y * k->w + x] > 0.5f) {
                k->x = x < k->x ? x : k->x;
                k->y = y < k->y ? y : k->y;
                *x1 = x + 1 > *x1 ? x + 1 : *x1;
                *y1 = y + 1 > *y1 ? y + 1 : *y1;
            }
}

/* b's coverage at a's pixel (x, y), b placed at offset (ox, oy) in a. */
static float at(const ink_t *b, int x, int y, int ox, int oy)
{
    int bx = x - ox, by = y - oy;
    return bx >= 0 && by >= 0 && bx < b->w && by < b->h ? b->a[by * b->w + bx] : 0;
}

/* How alike two inks are: sum(min) / sum(max) of coverage (1: the same pixels), b placed at
 * (ox, oy) in a. */
static double alike(const ink_t *a, const ink_t *b, int ox, int oy)
{
    double lo = 0, hi = 0;
    for (int y = -8; y < a->h + 8; y++)
        for (int x = -8; x < a->w + 8; x++) {
            float va = at(a, x, y, 0, 0), vb = at(b, x, y, ox, oy);
            lo += va < vb ? va : vb;
            hi += va > vb ? va : vb;
        }
    return hi > 0 ? lo / hi : 0;
}

/* HarfBuzz's rendering of a line, one ink per run (each on the whole canvas), and the sum of
 * hb-shape's advances in px. */
typedef struct {
    ink_t run[TEXT_MAX_RUNS];
    size_t n;
    double width;
} ref_t;

static void ref_free(ref_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->run[i].a);
}

/* How alike the reference and the kiosk's ink are, at the best placement of the kiosk's ink
 * (its ink's top-left put on the reference's, then within 3 px), each run of the reference
 * then moved by up to 2 px sideways to where it overlaps the kiosk's ink most: the kiosk puts
 * runs side by side at whole pixels (SDL_ttf's width of each run), hb-shape's advances run on
 * in 1/64 px, so run starts drift by a pixel or two over a line. A run out of order or shaped
 * otherwise lies tens of pixels away and still counts against. */
static double ink_match(ref_t *ref, ink_t *b)
{
    ink_t all = ink_new(ref->run[0].w, ref->run[0].h);
    for (size_t r = 0; r < ref->n; r++)
        for (int i = 0; i < all.w * all.h; i++)
            all.a[i] = ref->run[r].a[i] > all.a[i] ? ref->run[r].a[i] : all.a[i];
    int x1, y1;
    ink_box(&all, &x1, &y1);
    ink_box(b, &x1, &y1);
    double best = -1;
    int ox = 0, oy = 0;
    for (int sy = -3; sy <= 3; sy++)
        for (int sx = -3; sx <= 3; sx++) {
            double m = alike(&all, b, all.x - b->x + sx, all.y - b->y + sy);
            if (m > best)
                best = m, ox = all.x - b->x + sx, oy = all.y - b->y + sy;
        }
    memset(all.a, 0, sizeof(float) * (size_t)all.w * (size_t)all.h);
    for (size_t r = 0; r < ref->n; r++) {
        ink_t *k = &ref->run[r];
        int rx1, ry1, shift = 0;
        ink_box(k, &rx1, &ry1);
        double most = -1;
        for (int sx = -2; sx <= 2; sx++) {
            double over = 0;
            for (int y = k->y; y < ry1; y++)
                for (int x = k->x; x < rx1; x++) {
                    float va = k->a[y * k->w + x], vb = at(b, x + sx, y, ox, oy);
                    over += va < vb ? va : vb;
                }
            if (over > most)
                most = over, shift = sx;
        }
        for (int y = 0; y < k->h; y++)
            for (int x = 0; x < k->w; x++) {
                float v = at(k, x - shift, y, 0, 0), *p = &all.a[y * all.w + x];
                *p = v > *p ? v : *p;
            }
    }
    double m = alike(&all, b, ox, oy);
    free(all.a);
    return m > best ? m : best;
}

typedef struct {
    const char *lang;
    bool rtl;
    const char *family; /* preferred family, as a pack would name it, or NULL */
    const char *text;
} sample_t;

static const sample_t samples[] = {
    {"ug", true, "Noto Sans Arabic", "ئۇيغۇرچە: مەن 25 ياشتا، Wi-Fi بار."},
    {"ug", true, NULL, "ئۇيغۇر تىلى"},
    {"ar", true, NULL, "مرحبا بالعالم ١٢٣"},
    {"ar", true, "Noto Naskh Arabic", "اللغة العربية"},
    {"he", true, NULL, "שלום 123 עולם"},
    {"bo", false, NULL, "སྒྲུབ་པ་ བཀྲ་ཤིས་བདེ་ལེགས། རྒྱ་མཚོ།"},
    {"hi", false, NULL, "नमस्ते दुनिया, क्षत्रिय"},
    {"zh-tw", false, NULL, "歡迎來到社區服務中心，請問您滿意嗎？"},
    {"zh-cn", false, NULL, "欢迎来到社区服务中心，请问您满意吗？"},
    {"zh-cn", false, NULL, "社区服务中心 Service 2024年，电话 138 1234 5678"},
};

/* HarfBuzz's rendering of the kiosk's runs of s: each run shaped by hb-shape with the run's
 * font, face, script and direction, rasterised left to right. */
static ref_t reference(ui_t *ui, FT_Library lib, const sample_t *s)
{
    text_run_t runs[TEXT_MAX_RUNS];
    const font_chain_t *c;
    ref_t ref = {.n = 0};
    size_t n = ui_text_runs(ui, s->text, strlen(s->text), false, s->rtl, runs, TEXT_MAX_RUNS, &c);
    int pen = 16 * 64, exact = 0;
    for (size_t i = 0; i < n; i++) {
        char text[512];
        snprintf(text, sizeof text, "%.*s", (int)runs[i].len, s->text + runs[i].start);
        font_face_t face = font_chain_face(c, (size_t)runs[i].font);
        const char *file = face.file;
        int index = face.index;
        shaped_t sh;
        if (!hb_shape(file, index, runs[i].level % 2, runs[i].script, s->lang, text, &sh)) {
            fprintf(stderr, "  hb-shape failed on '%s'\n", text);
            check_failures++;
            continue;
        }
        ref.run[ref.n] = ink_new(PX * 40, PX * 3);
        /* Each run starts at a whole pixel, as the kiosk puts them. */
        int adv = raster_run(lib, file, index, &sh, (pen + 32) & ~63, PX * 2, &ref.run[ref.n++]);
        pen = ((pen + 32) & ~63) + adv;
        exact += adv;
    }
    ref.width = exact / 64.0;
    return ref;
}

static void each_sample_is_drawn_as_harfbuzz_shapes_it(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    FT_Library lib;
    REQUIRE(FT_Init_FreeType(&lib) == 0);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const sample_t *s = &samples[i];
        const char *fam[] = {s->family};
        ui_set_language(ui, s->lang, s->rtl, fam, s->family ? 1 : 0);
        ref_t ref = reference(ui, lib, s);
        double ref_w = ref.width;
        int w = ui_metrics(ui)->text_width(ui, PX, false, s->text, strlen(s->text));
        SDL_Surface *surf =
            ui_render_line(ui, s->text, PX, false, s->rtl, (SDL_Color){0, 0, 0, 255}, NULL);
        REQUIRE(surf);
        ink_t got = surface_ink(surf);
        double m = ink_match(&ref, &got);
        fprintf(stderr, "  %-6s width %4d, hb-shape %7.2f; pixels alike %.3f  %s\n", s->lang, w,
                ref_w, m, s->text);
        /* Width: each run is SDL_ttf's sum of the same advances, floored to a whole pixel
         * (up to 1 px less per run), widened by ink beyond the advances where there is some
         * (a Devanagari vowel sign: +0.5 px here): within 1 px per run, plus 1, of hb-shape's
         * exact sum. Measured: 0 to 2.7 px (6 runs). */
        size_t runs = ui_text_runs(ui, s->text, strlen(s->text), false, s->rtl,
                                   (text_run_t[TEXT_MAX_RUNS]){0}, TEXT_MAX_RUNS, NULL);
        CHECK(fabs(w - ref_w) <= (double)runs + 1.0);
        CHECK_INT(surf->w, w); /* drawn as wide as measured */
        CHECK(m >= MATCH_MIN);
        SDL_FreeSurface(surf);
        free(got.a);
        ref_free(&ref);
    }
    FT_Done_FreeType(lib);
    ui_close(ui);
}

/* The line drawn as SDL_ttf did before runs: the whole line in the first run's font, with
 * direction and script as given (NULL: SDL_ttf's defaults, left to right and no script). */
static double match_drawn_without(ui_t *ui, FT_Library lib, const sample_t *s, const char *dir,
                                  const char *script)
{
    ref_t ref = reference(ui, lib, s);
    text_run_t runs[TEXT_MAX_RUNS];
    const font_chain_t *c;
    ui_text_runs(ui, s->text, strlen(s->text), false, s->rtl, runs, TEXT_MAX_RUNS, &c);
    font_face_t face = font_chain_face(c, (size_t)runs[0].font);
    TTF_Font *f = TTF_OpenFontIndex(face.file, PX, face.index);
    double m = 0;
    if (f) {
        TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
        if (dir)
            TTF_SetFontDirection(f,
                                 strcmp(dir, "rtl") == 0 ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
        if (script)
            TTF_SetFontScriptName(f, script);
        SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s->text, (SDL_Color){0, 0, 0, 255});
        if (surf) {
            ink_t got = surface_ink(surf);
            m = ink_match(&ref, &got);
            free(got.a);
            SDL_FreeSurface(surf);
        }
        TTF_CloseFont(f);
    }
    ref_free(&ref);
    fprintf(stderr, "  %-6s direction %s, script %s: pixels alike %.3f\n", s->lang,
            dir ? dir : "unset", script ? script : "unset", m);
    return m;
}

static void without_direction_or_script_uyghur_and_tibetan_fail_the_comparison(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    FT_Library lib;
    REQUIRE(FT_Init_FreeType(&lib) == 0);
    const sample_t *ug = &samples[1], *bo = &samples[5];
    ui_set_language(ui, ug->lang, ug->rtl, NULL, 0);
    CHECK(match_drawn_without(ui, lib, ug, "rtl", "Arab") >= MATCH_MIN); /* the harness agrees */
    CHECK(match_drawn_without(ui, lib, ug, NULL, NULL) < MATCH_MIN);
    CHECK(match_drawn_without(ui, lib, ug, NULL, "Arab") < MATCH_MIN); /* direction unset */
    ui_set_language(ui, bo->lang, bo->rtl, NULL, 0);
    CHECK(match_drawn_without(ui, lib, bo, "ltr", "Tibt") >= MATCH_MIN);
    CHECK(match_drawn_without(ui, lib, bo, NULL, NULL) < MATCH_MIN);
    CHECK(match_drawn_without(ui, lib, bo, "ltr", NULL) < MATCH_MIN); /* script unset */
    FT_Done_FreeType(lib);
    ui_close(ui);
}

int main(void)
{
    RUN(each_sample_is_drawn_as_harfbuzz_shapes_it);
    RUN(without_direction_or_script_uyghur_and_tibetan_fail_the_comparison);
    return check_failures != 0;
}
