/* Text runs with the real fonts and fontconfig: each line is split by bidi level, script and
 * font, in visual order; the CJK face follows the language; --font stays first and the chain
 * fills in what it lacks; pack authors hear of characters no font has; right-to-left views
 * keep ltr widgets in order and fill bars from the right. With KIOSK_TEXT_SHOTS=DIR the sample
 * lines are also saved there as BMP files, to compare with hb-view by eye. */
#include <SDL.h>
#include <stdlib.h>

#include "check.h"
#include "core/theme.h"
#include "text_util.h"

#define NOTO "/usr/share/fonts/truetype/noto/"

static void mixed_chinese_english_digits_split_by_script_in_one_face(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    char d[2048];
    CHECK_STR(text_describe(ui, "zh-cn", false, "社区服务中心 Service 2024年", d, sizeof d),
              "0 Hani NotoSansCJK-Regular.ttc:2 '社区服务中心 ' | "
              "0 Latn NotoSansCJK-Regular.ttc:2 'Service 2024' | "
              "0 Hani NotoSansCJK-Regular.ttc:2 '年'");
    ui_close(ui);
}

static void uyghur_runs_right_to_left_with_digits_and_latin_left_to_right(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    const char *fam[] = {"Noto Sans Arabic"}; /* as a pack names it for ug */
    ui_set_language(ui, "ug", true, fam, 1);
    text_run_t runs[TEXT_MAX_RUNS];
    const font_chain_t *c;
    const char *s = "مەن 25 ياشتا، Wi-Fi بار.";
    size_t n = ui_text_runs(ui, s, strlen(s), false, true, runs, TEXT_MAX_RUNS, &c);
    char d[2048];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char font[300];
        text_run_font(c, &runs[i], font, sizeof font);
        used += (size_t)snprintf(d + used, sizeof d - used, "%s%d %s %s '%.*s'", i ? " | " : "",
                                 runs[i].level, runs[i].script, font, (int)runs[i].len,
                                 s + runs[i].start);
    }
    /* Visual order, left to right: the sentence ends at the left; "25" and "Wi-Fi" keep their
     * own order (level 2); Latin letters Noto Sans Arabic lacks come from the language's own
     * face (fontconfig's sans-serif for ug). */
    CHECK_STR(d,
              "1 Arab NotoSansArabic-Regular.ttf:0 'بار.' | 1 Latn DejaVuSans.ttf:0 ' ' | "
              "2 Latn DejaVuSans.ttf:0 'Wi-Fi' | 1 Arab NotoSansArabic-Regular.ttf:0 ' ياشتا، ' | "
              "2 Arab NotoSansArabic-Regular.ttf:0 '25' | "
              "1 Arab NotoSansArabic-Regular.ttf:0 'مەن '");
    ui_close(ui);
}

static void hebrew_number_stays_left_to_right_inside(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    char d[2048];
    CHECK_STR(text_describe(ui, "he", true, "שלום 123 עולם", d, sizeof d),
              "1 Hebr DejaVuSans.ttf:0 ' עולם' | 2 Hebr DejaVuSans.ttf:0 '123' | "
              "1 Hebr DejaVuSans.ttf:0 'שלום '");
    ui_close(ui);
}

static void tibetan_is_one_run_in_the_tibetan_face(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    char d[2048];
    CHECK_STR(text_describe(ui, "bo", false, "སྒྲུབ་པ་ བཀྲ་ཤིས་བདེ་ལེགས།", d, sizeof d),
              "0 Tibt NotoSerifTibetan-Regular.ttf:0 'སྒྲུབ་པ་ བཀྲ་ཤིས་བདེ་ལེགས།'");
    ui_close(ui);
}

static void phone_number_keeps_its_order_only_in_a_left_to_right_paragraph(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    char d[2048];
    /* In a right-to-left paragraph the bidi algorithm puts the groups in reverse order: that
     * is why phone numbers and codes are ltr widgets. */
    CHECK_STR(text_describe(ui, "ug", true, "138 1234 5678", d, sizeof d),
              "2 Zyyy DejaVuSans.ttf:0 '5678' | 1 Zyyy DejaVuSans.ttf:0 ' ' | "
              "2 Zyyy DejaVuSans.ttf:0 '1234' | 1 Zyyy DejaVuSans.ttf:0 ' ' | "
              "2 Zyyy DejaVuSans.ttf:0 '138'");
    CHECK_STR(text_describe(ui, "ug", false, "138 1234 5678", d, sizeof d),
              "0 Zyyy DejaVuSans.ttf:0 '138 1234 5678'");
    ui_close(ui);
}

/* The cached line drawn for text, or NULL. */
static const text_slot_t *drawn_line(const ui_t *ui, const char *text)
{
    for (size_t i = 0; i < TEXT_SLOTS; i++)
        if (ui->texts[i].tex && strcmp(ui->texts[i].text, text) == 0)
            return &ui->texts[i];
    return NULL;
}

static void a_right_to_left_view_draws_ltr_widgets_left_to_right(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    ui_set_language(ui, "ug", true, NULL, 0);
    static view_t v;
    memset(&v, 0, sizeof v);
    v.width = 800, v.height = 480, v.rtl = true;
    snprintf(v.lang, sizeof v.lang, "ug");
    const char *texts[] = {"138 1234 5678", "تېلېفون: 138"};
    for (int i = 0; i < 2; i++)
        v.w[v.n++] = (widget_t){.kind = W_LABEL,
                                .style = STYLE_PLAIN,
                                .text = texts[i],
                                .r = {20, 20 + 80 * i, 700, 60},
                                .tr = {20, 20 + 80 * i, 700, 60},
                                .px = 32,
                                .align = ALIGN_RIGHT,
                                .ltr = i == 0};
    ui_draw(ui, &v, -1);
    const text_slot_t *phone = drawn_line(ui, texts[0]), *label = drawn_line(ui, texts[1]);
    REQUIRE(phone && label);
    CHECK(!phone->rtl); /* the ltr widget: a left-to-right paragraph */
    CHECK(label->rtl);
    /* Drawn width is measured width. */
    CHECK_INT(phone->w, ui_text_width(ui, 32, false, false, texts[0], strlen(texts[0])));
    CHECK_INT(label->w, ui_metrics(ui)->text_width(ui, 32, false, texts[1], strlen(texts[1])));
    ui_close(ui);
}

/* The last frame drawn, as a surface the caller frees (NULL on failure). */
static SDL_Surface *shot(ui_t *ui)
{
    char path[600];
    snprintf(path, sizeof path, "%s/test_text_shot.bmp", getenv("KIOSK_TEST_TMP"));
    return ui_screenshot(ui, path) == 0 ? SDL_LoadBMP(path) : NULL;
}

/* The colour of pixel (x, y) of s. */
static SDL_Color pixel(SDL_Surface *s, int x, int y)
{
    SDL_Color c = {0, 0, 0, 0};
    Uint32 p = 0;
    memcpy(&p, (Uint8 *)s->pixels + y * s->pitch + x * s->format->BytesPerPixel,
           s->format->BytesPerPixel);
    SDL_GetRGBA(p, s->format, &c.r, &c.g, &c.b, &c.a);
    return c;
}

/* The colour of the screenshot's pixel (x, y). */
static SDL_Color shot_pixel(ui_t *ui, int x, int y)
{
    SDL_Surface *s = shot(ui);
    SDL_Color c = s ? pixel(s, x, y) : (SDL_Color){0, 0, 0, 0};
    SDL_FreeSurface(s);
    return c;
}

/* The lowest row with dark ink in columns [x0, x1) of a screenshot, or -1. */
static int lowest_ink(ui_t *ui, int x0, int x1)
{
    SDL_Surface *s = shot(ui);
    int low = -1;
    for (int y = 0; s && y < s->h; y++)
        for (int x = x0; x < x1; x++) {
            SDL_Color c = pixel(s, x, y);
            if (c.r + c.g + c.b < 200)
                low = y;
        }
    SDL_FreeSurface(s);
    return low;
}

static void lines_in_other_fonts_keep_the_baseline(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    ui_set_language(ui, "en", false, NULL, 0);
    static view_t v;
    memset(&v, 0, sizeof v);
    v.width = 800, v.height = 480;
    /* "A" alone, and "A" before a Tibetan stack reaching far below the baseline. */
    const char *texts[] = {"A", "Aསྒྲུ"};
    for (int i = 0; i < 2; i++)
        v.w[v.n++] = (widget_t){.kind = W_LABEL,
                                .style = STYLE_PLAIN,
                                .text = texts[i],
                                .r = {20 + 400 * i, 100, 300, 60},
                                .tr = {20 + 400 * i, 100, 300, 60},
                                .px = 40,
                                .align = ALIGN_LEFT};
    ui_draw(ui, &v, -1);
    int a = lowest_ink(ui, 20, 40), b = lowest_ink(ui, 420, 440);
    CHECK(a > 100);
    CHECK_INT(b, a);
    ui_close(ui);
}

static bool same_rgb(SDL_Color a, rgba_t b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

static void a_bar_fills_from_the_right_in_a_right_to_left_view(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    static view_t v;
    for (int rtl = 0; rtl < 2; rtl++) {
        memset(&v, 0, sizeof v);
        v.width = 800, v.height = 480, v.rtl = rtl;
        v.w[v.n++] = (widget_t){.kind = W_BAR, .r = {100, 200, 400, 20}, .fraction = 0.25};
        v.w[0].text = "";
        ui_draw(ui, &v, -1);
        rgba_t fill = theme_color(COLOR_PRIMARY, false),
               track = theme_color(COLOR_BAR_TRACK, false);
        CHECK(same_rgb(shot_pixel(ui, 150, 210), rtl ? track : fill));
        CHECK(same_rgb(shot_pixel(ui, 450, 210), rtl ? fill : track));
    }
    ui_close(ui);
}

/* The first column in [x0, x1) of row y of a screenshot in colour c, or -1. */
static int first_column_of(ui_t *ui, int y, int x0, int x1, rgba_t c)
{
    SDL_Surface *s = shot(ui);
    int found = -1;
    for (int x = x0; s && x < x1 && found < 0; x++)
        if (same_rgb(pixel(s, x, y), c))
            found = x;
    SDL_FreeSurface(s);
    return found;
}

static void the_caret_follows_the_text_to_its_left_end_right_to_left(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    ui_set_language(ui, "ar", true, NULL, 0);
    static view_t v;
    const char *text = "سلام";
    int w = ui_text_width(ui, 40, false, true, text, strlen(text));
    for (int rtl = 0; rtl < 2; rtl++) {
        memset(&v, 0, sizeof v);
        v.width = 800, v.height = 480, v.rtl = rtl;
        v.w[v.n++] = (widget_t){.kind = W_FIELD,
                                .style = STYLE_PLAIN,
                                .text = text,
                                .r = {100, 100, 600, 80},
                                .tr = {120, 110, 560, 60},
                                .px = 40,
                                .align = rtl ? ALIGN_RIGHT : ALIGN_LEFT,
                                .caret = true};
        ui_draw(ui, &v, -1);
        /* Inside the frame's border the caret is the only thing in the primary colour. */
        int caret = first_column_of(ui, 140, 110, 690, theme_color(COLOR_PRIMARY, false));
        if (rtl)
            CHECK(caret >= 680 - w - 12 && caret < 680 - w);
        else
            CHECK(caret > 120 + w && caret <= 120 + w + 8);
    }
    ui_close(ui);
}

static void the_cjk_face_follows_the_language(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    char d[2048];
    const char *cases[][2] = {
        {"zh-cn", "NotoSansCJK-Regular.ttc:2"},   {"zh-Hans", "NotoSansCJK-Regular.ttc:2"},
        {"zh-tw", "NotoSansCJK-Regular.ttc:3"},   {"zh-TW", "NotoSansCJK-Regular.ttc:3"},
        {"zh-Hant", "NotoSansCJK-Regular.ttc:3"}, {"zh-hk", "NotoSansCJK-Regular.ttc:4"},
        {"ja", "NotoSansCJK-Regular.ttc:0"},      {"ko", "NotoSansCJK-Regular.ttc:1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[200];
        snprintf(want, sizeof want, "0 Hani %s '社区'", cases[i][1]);
        CHECK_STR(text_describe(ui, cases[i][0], false, "社区", d, sizeof d), want);
    }
    ui_close(ui);
}

static void a_font_without_latin_still_gets_digits_and_the_code(void)
{
    ui_t *ui = text_open_ui(NOTO "NotoSerifTibetan-Regular.ttf");
    REQUIRE(ui);
    char d[2048];
    CHECK_STR(text_describe(ui, "bo", false, "བཀྲ་ཤིས། REF-7QX2 138", d, sizeof d),
              "0 Tibt NotoSerifTibetan-Regular.ttf:0 'བཀྲ་ཤིས། ' | "
              "0 Latn NotoSans-Regular.ttf:0 'REF-7QX2 138'");
    /* First in every chain, English too: its own characters come from it. */
    CHECK_STR(text_describe(ui, "en", false, "Code ཀ", d, sizeof d),
              "0 Latn NotoSans-Regular.ttf:0 'Code ' | 0 Tibt NotoSerifTibetan-Regular.ttf:0 'ཀ'");
    uint32_t miss[4];
    CHECK_INT(ui_missing_glyphs(ui, "en", "REF-7QX2 0123456789 · 3/5", miss, 4), 0);
    ui_close(ui);
    /* A font fontconfig would not choose for the language still comes first. */
    ui = text_open_ui(NOTO "NotoKufiArabic-Regular.ttf");
    REQUIRE(ui);
    CHECK_STR(text_describe(ui, "ar", true, "سلام", d, sizeof d),
              "1 Arab NotoKufiArabic-Regular.ttf:0 'سلام'");
    ui_close(ui);
}

static void missing_glyphs_names_what_no_font_has(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    uint32_t miss[8];
    /* A Private Use Area character and an unassigned one, each once; not the ZWJ, the
     * variation selector, the bidi mark, the spaces or the newline. */
    const char *s =
        "a\xee\x80\x80 b\xcd\xb8\xee\x80\x80\xe2\x80\x8d\xef\xb8\x8f\xe2\x80\x8f\n\xe3\x80\x80";
    CHECK_INT(ui_missing_glyphs(ui, "zh-cn", s, miss, 8), 2);
    CHECK_INT(miss[0], 0xe000);
    CHECK_INT(miss[1], 0x378);
    CHECK_INT(ui_missing_glyphs(ui, "zh-cn", s, miss, 1), 2); /* counted past max */
    const char *samples[][2] = {
        {"ug", "ئۇيغۇرچە: مەن 25 ياشتا، Wi-Fi بار."},
        {"ar", "مرحبا بالعالم ١٢٣"},
        {"he", "שלום 123 עולם"},
        {"bo", "སྒྲུབ་པ་ བཀྲ་ཤིས་བདེ་ལེགས།"},
        {"hi", "नमस्ते दुनिया"},
        {"zh-tw", "歡迎來到社區服務中心，請問您今天滿意嗎？"},
        {"zh-cn", "欢迎来到社区服务中心 Service 2024年"},
        {"mn", "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ"},
        {"ii", "ꆈꌠꁱꂷ"},
        {"en", "Emoji 👍🏽 ❤️ 🥰"},
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t n = ui_missing_glyphs(ui, samples[i][0], samples[i][1], miss, 8);
        if (n)
            fprintf(stderr, "  %s: U+%04X has no font\n", samples[i][0], (unsigned)miss[0]);
        CHECK_INT(n, 0);
    }
    ui_close(ui);
}

static void preferred_families_come_before_the_languages_choice(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    const char *kufi[] = {"Noto Kufi Arabic"}, *none[] = {"No Such Family"};
    char d[2048];
    CHECK(ui_set_language(ui, "ar", true, kufi, 1));
    CHECK(!ui_set_language(ui, "AR", true, NULL, 0)); /* same language, families kept */
    text_run_t runs[4];
    const font_chain_t *c;
    size_t n = ui_text_runs(ui, "سلام", strlen("سلام"), false, true, runs, 4, &c);
    REQUIRE(n == 1);
    text_run_font(c, &runs[0], d, sizeof d);
    CHECK_STR(d, "NotoKufiArabic-Regular.ttf:0");
    /* A family not installed is skipped, not replaced by a stand-in. */
    CHECK(ui_set_language(ui, "ar", true, none, 1));
    n = ui_text_runs(ui, "سلام", strlen("سلام"), false, true, runs, 4, &c);
    REQUIRE(n == 1);
    text_run_font(c, &runs[0], d, sizeof d);
    CHECK_STR(d, "DejaVuSans.ttf:0");
    ui_close(ui);
}

static void emoji_are_drawn_at_the_text_size(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    ui_set_language(ui, "en", false, NULL, 0);
    char d[2048];
    /* Spaces stay the text's (the emoji font's space is a bitmap wide); U+FE0F asks for the
     * colour emoji, a bare U+2764 is the text's heart. */
    CHECK_STR(text_describe(ui, "en", false, "a 🥰 ❤️ b ❤ c", d, sizeof d),
              "0 Latn NotoSans-Regular.ttf:0 'a ' | 0 Latn NotoColorEmoji.ttf:0 '🥰' | "
              "0 Latn NotoSans-Regular.ttf:0 ' ' | 0 Latn NotoColorEmoji.ttf:0 '❤️' | "
              "0 Latn NotoSans-Regular.ttf:0 ' b ' | 0 Latn DejaVuSans.ttf:0 '❤ ' | "
              "0 Latn NotoSans-Regular.ttf:0 'c'");
    /* Noto Color Emoji has bitmaps at 109 px only: scaled to the text size, in colour. */
    SDL_Surface *s = ui_render_line(ui, "🥰", 32, false, false, (SDL_Color){0, 0, 0, 255}, NULL);
    REQUIRE(s);
    CHECK(s->w >= 32 && s->w <= 48);
    CHECK_INT(s->w, ui_text_width(ui, 32, false, false, "🥰", strlen("🥰")));
    int coloured = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            Uint32 p = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
            int r = (int)(p >> 16 & 255), g = (int)(p >> 8 & 255), b = (int)(p & 255);
            coloured += (p >> 24) > 128 && (abs(r - g) > 60 || abs(g - b) > 60);
        }
    CHECK(coloured > 100);
    SDL_FreeSurface(s);
    ui_close(ui);
}

/* Coverage summed over a line drawn at px. */
static double ink_of(ui_t *ui, const char *text, bool bold)
{
    SDL_Surface *s = ui_render_line(ui, text, 32, bold, false, (SDL_Color){0, 0, 0, 255}, NULL);
    double sum = 0;
    for (int y = 0; s && y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            sum += ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x] >> 24;
    SDL_FreeSurface(s);
    return sum;
}

static void bold_text_in_a_font_without_bold_is_emboldened(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    ui_set_language(ui, "ii", false, NULL, 0);
    text_run_t runs[4];
    const font_chain_t *c;
    char d[300];
    REQUIRE(ui_text_runs(ui, "ꆈꌠ", strlen("ꆈꌠ"), true, false, runs, 4, &c) == 1);
    text_run_font(c, &runs[0], d, sizeof d);
    CHECK_STR(d, "NotoSansYi-Regular.ttf:0 emboldened"); /* Noto Sans Yi has no bold face */
    CHECK(ink_of(ui, "ꆈꌠꁱꂷ", true) > 1.1 * ink_of(ui, "ꆈꌠꁱꂷ", false));
    REQUIRE(ui_text_runs(ui, "ꆈꌠ", strlen("ꆈꌠ"), false, false, runs, 4, &c) == 1);
    text_run_font(c, &runs[0], d, sizeof d);
    CHECK_STR(d, "NotoSansYi-Regular.ttf:0");
    ui_close(ui);
}

/* The whole of file path (malloc'd, NUL-terminated), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static void the_overflow_log_line_is_cut_at_a_character_boundary(void)
{
    const char *tmp = getenv("KIOSK_TEST_TMP");
    REQUIRE(tmp);
    char *pack = slurp(KIOSK_PACK);
    REQUIRE(pack);
    const char *title = "\"Welcome to the Community Center\"";
    char *at = strstr(pack, title);
    REQUIRE(at);
    /* A title that cannot fit: "a" and 450 "é" (two bytes each; the 500 characters an interface
     * string may have): byte 40 is inside an é. */
    char path[600], cmd[2400];
    snprintf(path, sizeof path, "%s/test_text_long.json", tmp);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fprintf(f, "%.*s\"a", (int)(at - pack), pack);
    for (int i = 0; i < 450; i++)
        fputs("é", f);
    fprintf(f, "\"%s", at + strlen(title));
    fclose(f);
    free(pack);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && echo 'wait 200' > %s/test_text.script && rm -f %s/test_text.db && "
             "%s --headless --db %s/test_text.db --pack %s --lang en --size 800x480 --script "
             "%s/test_text.script >/dev/null 2>%s/test_text.err",
             tmp, tmp, tmp, KIOSK_BIN, tmp, path, tmp, tmp);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/test_text.err", tmp);
    char *err = slurp(path);
    REQUIRE(err);
    char want[200] = "text does not fit: \"a";
    for (int i = 0; i < 19; i++) /* 39 bytes: the é that byte 40 would cut is left out */
        strcat(want, "é");
    strcat(want, "\"\n");
    CHECK(strstr(err, want) != NULL);
    free(err);
}

/* With KIOSK_TEXT_SHOTS set: each sample line as the kiosk draws it, black on white. */
static void save_sample_lines(void)
{
    const char *dir = getenv("KIOSK_TEXT_SHOTS");
    if (!dir)
        return;
    static const char *const samples[][4] = {
        {"ug", "r", "Noto Sans Arabic", "ئۇيغۇرچە: مەن 25 ياشتا، Wi-Fi بار."},
        {"ar", "r", "", "مرحبا بالعالم ١٢٣"},
        {"he", "r", "", "שלום 123 עולם"},
        {"bo", "l", "", "སྒྲུབ་པ་ བཀྲ་ཤིས་བདེ་ལེགས།"},
        {"hi", "l", "", "नमस्ते दुनिया"},
        {"zh-tw", "l", "", "歡迎來到社區服務中心"},
        {"zh-cn", "l", "", "欢迎来到社区服务中心 Service 2024年"},
        {"mn", "l", "", "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ"},
        {"ii", "l", "", "ꆈꌠꁱꂷ"},
        {"en", "l", "", "Emoji 👍🏽 ❤️ 🥰"},
    };
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const char *fam[] = {samples[i][2]};
        bool rtl = samples[i][1][0] == 'r';
        ui_set_language(ui, samples[i][0], rtl, fam, samples[i][2][0] ? 1 : 0);
        SDL_Surface *s =
            ui_render_line(ui, samples[i][3], 48, false, rtl, (SDL_Color){0, 0, 0, 255}, NULL);
        REQUIRE(s);
        SDL_Surface *bg =
            SDL_CreateRGBSurfaceWithFormat(0, s->w + 16, s->h + 16, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_FillRect(bg, NULL, 0xffffffff);
        SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_BLEND);
        SDL_BlitSurface(s, NULL, bg, &(SDL_Rect){8, 8, s->w, s->h});
        char path[700];
        snprintf(path, sizeof path, "%s/kiosk-%s.bmp", dir, samples[i][0]);
        CHECK(SDL_SaveBMP(bg, path) == 0);
        SDL_FreeSurface(bg);
        SDL_FreeSurface(s);
    }
    ui_close(ui);
}

/* A widget in another language than the view's (a language's own name in the picker) is
 * drawn in that language's fonts: 骨 in the Traditional face in an English or Simplified
 * Chinese view, as a Traditional Chinese view draws it, and unlike the Simplified face. */
static void a_widget_in_another_language_gets_its_fonts(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    static view_t v;
    SDL_Surface *s[3] = {NULL, NULL, NULL};
    const char *view_lang[] = {"zh-tw", "en", "en"}, *widget_lang[] = {NULL, "zh-tw", "zh-cn"};
    for (int i = 0; i < 3; i++) {
        memset(&v, 0, sizeof v);
        v.width = 800, v.height = 480;
        snprintf(v.lang, sizeof v.lang, "%s", view_lang[i]);
        ui_set_language(ui, view_lang[i], false, NULL, 0);
        v.w[v.n++] = (widget_t){.kind = W_LABEL,
                                .style = STYLE_PLAIN,
                                .text = "骨",
                                .r = {20, 20, 200, 120},
                                .tr = {20, 20, 200, 120},
                                .px = 96,
                                .lang = widget_lang[i]};
        ui_draw(ui, &v, -1);
        s[i] = shot(ui);
        REQUIRE(s[i]);
    }
    int differ_tw = 0, differ_cn = 0;
    for (int y = 20; y < 140; y++)
        for (int x = 20; x < 220; x++) {
            SDL_Color a = pixel(s[0], x, y), b = pixel(s[1], x, y), c = pixel(s[2], x, y);
            differ_tw += memcmp(&a, &b, sizeof a) != 0;
            differ_cn += memcmp(&a, &c, sizeof a) != 0;
        }
    CHECK_INT(differ_tw, 0);
    CHECK(differ_cn > 50);
    for (int i = 0; i < 3; i++)
        SDL_FreeSurface(s[i]);
    ui_close(ui);
}

/* The cached lines' textures stay within their budget (the screen's size, 4 MiB at least)
 * however many different lines are drawn, the bytes counted match the slots held, and the
 * line just drawn is kept. */
static void drawn_lines_stay_within_their_budget(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(ui->ren, &w, &h);
    size_t budget = (size_t)w * (size_t)h * 4;
    if (budget < TEXT_BUDGET_MIN)
        budget = TEXT_BUDGET_MIN;
    SDL_Color ink = {0, 0, 0, 255};
    size_t peak = 0;
    for (int i = 0; i < 300; i++) {
        char line[96];
        snprintf(line, sizeof line, "社区服务中心 line %d of the budget test 意见与建议", i);
        ui_draw_text(ui, line, (SDL_Rect){0, 0, 2000, 200}, 72, i % 2 == 0, ALIGN_LEFT, ink, false);
        if (ui->text_bytes > peak)
            peak = ui->text_bytes;
    }
    CHECK(peak > TEXT_BUDGET_MIN / 2); /* the lines were big enough to need the budget */
    CHECK(peak <= budget);
    size_t held = 0;
    for (size_t i = 0; i < TEXT_SLOTS; i++)
        if (ui->texts[i].tex)
            held += (size_t)ui->texts[i].w * (size_t)ui->texts[i].h * 4;
    CHECK_INT((long long)held, (long long)ui->text_bytes);
    const char *last = "社区服务中心 line 299 of the budget test 意见与建议";
    bool kept = false;
    for (size_t i = 0; i < TEXT_SLOTS; i++)
        kept |= ui->texts[i].tex && ui->texts[i].text && strcmp(ui->texts[i].text, last) == 0;
    CHECK(kept);
    ui_close(ui);
}

/* The fonts' cost: each font file is read (mapped) once, however many sizes are asked for;
 * one TTF_Font per file and face serves every size (set with TTF_SetFontSize), measuring the
 * same as a font opened at that size; a width measured once is not shaped again, and is
 * measured again after the language or the families change (other fonts). */
static void fonts_are_read_once_and_widths_measured_once(void)
{
    ui_t *ui = text_open_ui(NULL);
    REQUIRE(ui);
    const text_metrics_t *m = ui_metrics(ui);
    const char *s = "社区服务中心 Service 2024年";
    int w24 = m->text_width(m->user_data, 24, false, s, strlen(s));
    unsigned mapped = ui->font_files_mapped;
    CHECK(mapped >= 1);
    TTF_Font *a = ui_font(ui, 24, false);
    int w30 = 0;
    for (int px = 10; px <= 60; px++) {
        int w = m->text_width(m->user_data, px, false, s, strlen(s));
        if (px == 30)
            w30 = w;
        CHECK(ui_line_height(ui, px, false) > 0);
    }
    CHECK(ui_font(ui, 30, false) == a); /* the same face at another size */
    CHECK_INT((int)ui->font_files_mapped, (int)mapped);
    /* At each size it measures as a font opened at that size alone does. */
    font_face_t f = font_chain_face(font_chain_get(ui->chains, "zh-cn", false), 0);
    TTF_Font *alone = TTF_OpenFontIndex(f.file, 30, f.index);
    REQUIRE(alone);
    TTF_SetFontHinting(alone, TTF_HINTING_LIGHT);
    int w = 0, h = 0;
    TTF_SizeUTF8(alone, "社区服务中心", &w, &h);
    CHECK_INT(ui_text_width(ui, 30, false, false, "社区服务中心", strlen("社区服务中心")), w);
    CHECK_INT(ui_line_height(ui, 30, false),
              TTF_FontLineSkip(alone) < 39 ? TTF_FontLineSkip(alone) : 39);
    TTF_CloseFont(alone);
    /* Measured once: the second time comes from the cache, with the same width. */
    unsigned shaped = ui->widths_measured;
    CHECK_INT(m->text_width(m->user_data, 24, false, s, strlen(s)), w24);
    CHECK_INT(m->text_width(m->user_data, 30, false, s, strlen(s)), w30);
    CHECK_INT((int)ui->widths_measured, (int)shaped);
    CHECK(m->text_width(m->user_data, 24, true, s, strlen(s)) != 0); /* bold: its own */
    CHECK_INT((int)ui->widths_measured, (int)shaped + 1);
    /* Another language: measured again (zh-tw's face), and again on the way back. */
    ui_set_language(ui, "zh-tw", false, NULL, 0);
    shaped = ui->widths_measured;
    m->text_width(m->user_data, 24, false, s, strlen(s));
    CHECK_INT((int)ui->widths_measured, (int)shaped + 1);
    CHECK_INT((int)ui->font_files_mapped, (int)mapped); /* another face of the same file */
    ui_set_language(ui, "zh-cn", false, NULL, 0);
    CHECK_INT(m->text_width(m->user_data, 24, false, s, strlen(s)), w24);
    CHECK_INT((int)ui->widths_measured, (int)shaped + 2);
    /* Other families (a theme's): measured again. */
    const char *fam[] = {"DejaVu Sans"};
    ui_set_language(ui, "zh-cn", false, fam, 1);
    shaped = ui->widths_measured;
    m->text_width(m->user_data, 24, false, s, strlen(s));
    CHECK_INT((int)ui->widths_measured, (int)shaped + 1);
    ui_close(ui);
}

int main(void)
{
    RUN(mixed_chinese_english_digits_split_by_script_in_one_face);
    RUN(uyghur_runs_right_to_left_with_digits_and_latin_left_to_right);
    RUN(hebrew_number_stays_left_to_right_inside);
    RUN(tibetan_is_one_run_in_the_tibetan_face);
    RUN(phone_number_keeps_its_order_only_in_a_left_to_right_paragraph);
    RUN(a_right_to_left_view_draws_ltr_widgets_left_to_right);
    RUN(a_bar_fills_from_the_right_in_a_right_to_left_view);
    RUN(lines_in_other_fonts_keep_the_baseline);
    RUN(the_caret_follows_the_text_to_its_left_end_right_to_left);
    RUN(the_cjk_face_follows_the_language);
    RUN(a_widget_in_another_language_gets_its_fonts);
    RUN(a_font_without_latin_still_gets_digits_and_the_code);
    RUN(missing_glyphs_names_what_no_font_has);
    RUN(preferred_families_come_before_the_languages_choice);
    RUN(emoji_are_drawn_at_the_text_size);
    RUN(bold_text_in_a_font_without_bold_is_emboldened);
    RUN(the_overflow_log_line_is_cut_at_a_character_boundary);
    RUN(fonts_are_read_once_and_widths_measured_once);
    RUN(drawn_lines_stay_within_their_budget);
    RUN(save_sample_lines);
    return check_failures != 0;
}
