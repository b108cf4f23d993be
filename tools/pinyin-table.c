/* Build-time tool: turns Debian's Rime Terra Pinyin dictionary into the kiosk's compact
 * character-and-word-to-pinyin table (read by firmware/audio/pinyin.c).
 *
 *   pinyin-table TERRA_DICT TS_CHARACTERS ESSAY UNIHAN_READINGS OUT
 *
 * TERRA_DICT     /usr/share/rime-data/terra_pinyin.dict.yaml (rime-data-terra-pinyin): lines
 *                "key<TAB>tone-numbered pinyin[<TAB>weight%]" after the "..." that ends its
 *                YAML header; mostly Traditional characters, words up to 7 characters or more.
 * TS_CHARACTERS  OpenCC's Traditional-to-Simplified characters (libopencc-data's
 *                TSCharacters.ocd2 dumped as text by opencc_dict): "trad<TAB>simp[ alt...]".
 * ESSAY          /usr/share/rime-data/essay.txt (rime-essay): "word<TAB>frequency".
 * UNIHAN_READINGS  unicode-data's /usr/share/unicode/Unihan_Readings.txt.bz2, decompressed:
 *                "U+606F<TAB>kMandarin<TAB>xī"; kMandarin is the customary mainland reading
 *                (the first of two: the second is Taiwan's), kTGHZ2013 and kXHC1983 every
 *                reading the mainland's dictionaries give.
 *
 * Each character gets its most common reading: a reading's score is the frequency of the
 * character it is listed under (essay) times its weight; a Simplified character also inherits
 * the readings of the Traditional characters that map to it (terra lists 長 chang2 90% and
 * zhang3 10%, but 长 only as zhang3). Each word is kept in its Traditional form and in its
 * character-by-character Simplified form, unless the essay shows it to be a mere meeting of
 * characters (chance_word) or gives a character a reading not its own (foreign_reading).
 * Words that read as their characters do are kept too: terra's table is already minimised (no
 * 服務), and leaving out more (長期) lets a rare word catch the characters of a common one (期服
 * in 长期服务).
 *
 * Mainland readings: terra follows Taiwan's standard for some characters, listing both readings
 * without weights (息 xi1, 息 xi2) or only Taiwan's inside words (危險 wei2 xian3, 研究 jiu4).
 * A reading with kMandarin's letters and another tone, that the mainland's dictionaries do not
 * give, becomes kMandarin's, alone and in every word (信息 xin4 xi1, 星期 xing1 qi1, 企业 qi3
 * ye4), unless terra weighs two of the character's readings with those letters above 0%: a
 * true polyphone (好 hao3 95% hao4 5%, 附和 fu4 he4; 一 and 不 with their sandhi) is never
 * touched, while a Taiwan reading weighed 0% is (識 shi2 95% shi4 0%: 知识 zhi1 shi2)
 * (mainland_reading).
 *
 * Output (all integers little-endian): "KPY1", u32 count, u32 longest key in characters,
 * u32 blob size, count u32 offsets into the blob, then the blob: "key\0reading\0" records in
 * strcmp order of their keys, the blob ending with a NUL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char *reading;
    double score;
    size_t seq;
    char *orig; /* the key in terra (its Traditional form) of a word or character reading, NULL
                 * if the same as key */
    int weighted; /* a character's reading that terra weighs above 0% (好 hao3 95%) */
} entry;

typedef struct {
    entry *v;
    size_t n, cap;
} entries;

typedef struct {
    entries essay;  /* words and characters: key, score = frequency */
    entries essay_simp; /* the same by Simplified form, frequencies of one form summed */
    double essay_total;
    size_t chance;  /* words left out by chance_word */
    entries ts;     /* Traditional character -> Simplified (in reading) */
    entries chars;  /* candidate readings of single characters */
    entries words;  /* candidate readings of words */
    entries cn;     /* Unihan's kMandarin: a character's customary mainland reading */
    entries tghz;   /* Unihan's kTGHZ2013: its readings in the 2013 mainland standard */
    entries xhc;    /* Unihan's kXHC1983: its readings in Xiandai Hanyu Cidian (1983) */
} tables;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "pinyin-table: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static char *dup_str(const char *s)
{
    char *d = strdup(s);
    if (!d)
        die("out of memory", NULL);
    return d;
}

static void push(entries *e, const char *key, const char *reading, double score)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 1024;
        e->v = realloc(e->v, e->cap * sizeof *e->v);
        if (!e->v)
            die("out of memory", NULL);
    }
    e->v[e->n] = (entry){.key = dup_str(key), .reading = dup_str(reading), .score = score,
                         .seq = e->n};
    e->n++;
}

static void free_entry(entry *e)
{
    free(e->key);
    free(e->reading);
    free(e->orig);
}

static void free_entries(entries *e)
{
    for (size_t i = 0; i < e->n; i++)
        free_entry(&e->v[i]);
    free(e->v);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

/* Key order, then best first: higher score, then earlier in the file. */
static int by_key_best(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static const entry *find(const entries *e, const char *key)
{
    entry probe = {(char *)key, NULL, 0, 0, NULL, 0};
    return bsearch(&probe, e->v, e->n, sizeof *e->v, by_key);
}

/* Keeps the first (best) entry of each key; e must be sorted by by_key_best. */
static void keep_best(entries *e)
{
    size_t w = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (w > 0 && strcmp(e->v[w - 1].key, e->v[i].key) == 0) {
            free_entry(&e->v[i]);
            continue;
        }
        e->v[w++] = e->v[i];
    }
    e->n = w;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static size_t utf8_char_bytes(const char *s)
{
    size_t n = 1;
    while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* Copies the character at p into ch (NUL-terminated); returns what follows it, or NULL when it
 * is longer than a UTF-8 character can be. */
static const char *take_char(const char *p, char ch[8])
{
    size_t n = utf8_char_bytes(p);
    if (n >= 8)
        return NULL;
    memcpy(ch, p, n);
    ch[n] = '\0';
    return p + n;
}

/* Splits "a<TAB>b[<TAB>c]" in place; returns the number of fields (1..3). */
static int split(char *line, char **f)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < 3; p++) {
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static FILE *open_in(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot read", path);
    return f;
}

static void load_essay(tables *t, const char *path)
{
    FILE *f = open_in(path);
    char line[512], *fld[3];
    while (fgets(line, sizeof line, f)) {
        if (split(line, fld) >= 2) {
            push(&t->essay, fld[0], "", strtod(fld[1], NULL));
            t->essay_total += t->essay.v[t->essay.n - 1].score;
        }
    }
    fclose(f);
    qsort(t->essay.v, t->essay.n, sizeof *t->essay.v, by_key);
}

static void load_ts(tables *t, const char *path)
{
    FILE *f = open_in(path);
    char line[512], *fld[3];
    while (fgets(line, sizeof line, f)) {
        if (split(line, fld) < 2)
            continue;
        push(&t->ts, fld[0], fld[1], 0); /* the usual Simplified form first */
    }
    fclose(f);
    qsort(t->ts.v, t->ts.n, sizeof *t->ts.v, by_key);
}

/* The Simplified form of a key, character by character (out holds 4 * strlen + 1 bytes): each
 * character's usual form, or with last its last one (瞭 -> 瞭 or 了). */
static void to_simplified(const tables *t, const char *key, char *out, int last)
{
    out[0] = '\0';
    char ch[8];
    for (const char *p = key; *p;) {
        if (!(p = take_char(p, ch)))
            return; /* not UTF-8: the key so far */
        const entry *m = find(&t->ts, ch);
        if (!m) {
            strcat(out, ch);
        } else {
            const char *form = last && strrchr(m->reading, ' ') ? strrchr(m->reading, ' ') + 1
                                                                : m->reading;
            strncat(out, form, strcspn(form, " "));
        }
    }
}

/* 1 when the word is left out as a mere meeting of its characters: the essay (by Simplified
 * form) does not count it (期服 ji1 fu2 "mourning" in 长期服务: terra's table is minimised,
 * without 服務, so any rare word may catch characters of common ones), or lists it fewer than
 * ASSOCIATION times as often as its characters' frequencies predict (中的 "hit the mark" zhong4
 * di4 in 盘中的内容 5 times, 的信 di2 xin4 in 您的信息 3, 要離 yao1 li2 in 要离开 14, 都會 du1
 * hui4 "metropolis" in 都会认真 37; 目的 mu4 di4 239, 銀行 22892). A doubled character is kept
 * (說說 shuo1 shuo5). */
static int chance_word(const tables *t, const char *simp)
{
    enum { ASSOCIATION = 50 };
    size_t first = utf8_char_bytes(simp);
    if (strlen(simp) == 2 * first && memcmp(simp, simp + first, first) == 0)
        return 0;
    const entry *w = find(&t->essay_simp, simp);
    if (!w || w->score <= 0 || t->essay_total <= 0)
        return 1;
    double expected = t->essay_total;
    char ch[8];
    for (const char *p = simp; *p;) {
        if (!(p = take_char(p, ch)))
            return 0;
        const entry *c = find(&t->essay_simp, ch);
        if (!c || c->score <= 0)
            return 0;
        expected *= c->score / t->essay_total;
    }
    return w->score < expected * ASSOCIATION;
}

/* essay_simp: the essay by Simplified form, a word counting for its usual form and for its
 * form with the last alternatives (瞭解 counts for 瞭解 and 了解, which the essay lists with 0). */
static void index_essay_simplified(tables *t)
{
    char simp[256];
    for (size_t i = 0; i < t->essay.n; i++) {
        if (strlen(t->essay.v[i].key) * 4 + 1 > sizeof simp)
            continue;
        to_simplified(t, t->essay.v[i].key, simp, 0);
        push(&t->essay_simp, simp, "", t->essay.v[i].score);
        char alt[256];
        to_simplified(t, t->essay.v[i].key, alt, 1);
        if (strcmp(alt, simp) != 0)
            push(&t->essay_simp, alt, "", t->essay.v[i].score);
    }
    qsort(t->essay_simp.v, t->essay_simp.n, sizeof *t->essay_simp.v, by_key);
    size_t w = 0;
    for (size_t i = 0; i < t->essay_simp.n; i++) {
        if (w > 0 && strcmp(t->essay_simp.v[w - 1].key, t->essay_simp.v[i].key) == 0) {
            t->essay_simp.v[w - 1].score += t->essay_simp.v[i].score;
            free_entry(&t->essay_simp.v[i]);
            continue;
        }
        t->essay_simp.v[w++] = t->essay_simp.v[i];
    }
    t->essay_simp.n = w;
}

static void add_terra_line(tables *t, char *line)
{
    char *fld[3];
    int n = split(line, fld);
    if (n < 2 || !fld[0][0] || !fld[1][0])
        return;
    double weight = n == 3 ? strtod(fld[2], NULL) : 100.0;
    char simp[256];
    if (strlen(fld[0]) * 4 + 1 > sizeof simp)
        return;
    to_simplified(t, fld[0], simp, 0);
    if (utf8_len(fld[0]) == 1) {
        const entry *freq = find(&t->essay, fld[0]);
        double score = ((freq ? freq->score : 0) + 1) * weight;
        push(&t->chars, fld[0], fld[1], score);
        t->chars.v[t->chars.n - 1].weighted = n == 3 && weight > 0;
        if (strcmp(simp, fld[0]) != 0) {
            push(&t->chars, simp, fld[1], score);
            t->chars.v[t->chars.n - 1].weighted = n == 3 && weight > 0;
            t->chars.v[t->chars.n - 1].orig = dup_str(fld[0]);
        }
    } else if (chance_word(t, simp)) {
        t->chance++;
    } else {
        push(&t->words, fld[0], fld[1], weight);
        if (strcmp(simp, fld[0]) != 0) {
            push(&t->words, simp, fld[1], weight);
            t->words.v[t->words.n - 1].orig = dup_str(fld[0]);
        }
    }
}

static void load_terra(tables *t, const char *path)
{
    FILE *f = open_in(path);
    char line[1024];
    int body = 0;
    while (fgets(line, sizeof line, f)) {
        if (!body) {
            body = strncmp(line, "...", 3) == 0;
            continue;
        }
        if (line[0] != '#')
            add_terra_line(t, line);
    }
    fclose(f);
    if (!body)
        die("no '...' ending the YAML header in", path);
}

/* ---- Unihan: mainland readings ---- */

/* Decodes the UTF-8 character at s into *cp; returns its length (1 for a bad byte). */
static size_t decode_utf8(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = utf8_char_bytes(s);
    if (n > 4 || (n > 1 && u[0] < 0xC0)) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t c = n == 1 ? u[0] : u[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++)
        c = c << 6 | (u[i] & 0x3Fu);
    *cp = c;
    return n;
}

static void encode_utf8(uint32_t cp, char out[8])
{
    unsigned char *o = (unsigned char *)out;
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char LEAD[] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        o[i] = (unsigned char)(0x80 | (cp & 0x3F));
    o[0] = (unsigned char)(LEAD[n] | cp);
    o[n] = '\0';
}

/* Unihan's pinyin with tone marks as terra writes it: "xī" -> "xi1", "lǜ" -> "lv4", "ma" ->
 * "ma5" (out holds 16 bytes). Returns 0 for a letter terra does not use (ê, m̄). */
static int tone_numbered(const char *p, size_t n, char out[16])
{
    static const struct {
        uint32_t cp;
        char letter; /* 0: a combining mark, 'v' for ü */
        int tone;
    } MARK[] = {{0x101, 'a', 1}, {0xE1, 'a', 2},  {0x1CE, 'a', 3}, {0xE0, 'a', 4},
                {0x113, 'e', 1}, {0xE9, 'e', 2},  {0x11B, 'e', 3}, {0xE8, 'e', 4},
                {0x12B, 'i', 1}, {0xED, 'i', 2},  {0x1D0, 'i', 3}, {0xEC, 'i', 4},
                {0x14D, 'o', 1}, {0xF3, 'o', 2},  {0x1D2, 'o', 3}, {0xF2, 'o', 4},
                {0x16B, 'u', 1}, {0xFA, 'u', 2},  {0x1D4, 'u', 3}, {0xF9, 'u', 4},
                {0x1D6, 'v', 1}, {0x1D8, 'v', 2}, {0x1DA, 'v', 3}, {0x1DC, 'v', 4},
                {0xFC, 'v', 0},  {0x144, 'n', 2}, {0x148, 'n', 3}, {0x1F9, 'n', 4},
                {0x1E3F, 'm', 2}, {0x304, 0, 1},  {0x301, 0, 2},  {0x30C, 0, 3},
                {0x300, 0, 4}};
    size_t len = 0;
    int tone = 5;
    for (size_t i = 0; i < n && len < 14;) {
        uint32_t cp;
        i += decode_utf8(p + i, &cp);
        if (cp >= 'a' && cp <= 'z') {
            out[len++] = (char)cp;
            continue;
        }
        size_t m = 0;
        while (m < sizeof MARK / sizeof MARK[0] && MARK[m].cp != cp)
            m++;
        if (m == sizeof MARK / sizeof MARK[0])
            return 0;
        if (MARK[m].letter)
            out[len++] = MARK[m].letter;
        tone = MARK[m].tone ? MARK[m].tone : tone;
    }
    if (len == 0 || len >= 14)
        return 0;
    out[len++] = (char)('0' + tone);
    out[len] = '\0';
    return 1;
}

/* The readings of a Unihan value, tone-numbered and space-separated into out (256 bytes): each
 * space-separated item, from its last ':' on (kTGHZ2013 "496.130:zuō 497.010:zuò" gives
 * "zuo1 zuo4"), or only the first item (kMandarin "xī", or "a b": the mainland's, Taiwan's). */
static void unihan_readings(const char *value, int first_only, char out[256])
{
    out[0] = '\0';
    for (const char *p = value; *p;) {
        size_t n = strcspn(p, " ");
        const char *colon = memchr(p, ':', n);
        const char *syl = colon ? colon + 1 : p;
        char num[16];
        if (tone_numbered(syl, n - (size_t)(syl - p), num) &&
            strlen(out) + strlen(num) + 2 <= 256) {
            if (out[0])
                strcat(out, " ");
            strcat(out, num);
        }
        if (first_only)
            return;
        p += n + (p[n] == ' ');
    }
}

/* Unihan_Readings.txt (unicode-data, decompressed): "U+606F<TAB>kMandarin<TAB>xī"; the fields
 * of one character follow each other, in name order (kMandarin, kTGHZ2013, kXHC1983). */
static void load_unihan(tables *t, const char *path)
{
    FILE *f = open_in(path);
    char line[1024], *fld[3], ch[8], readings[256];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "U+", 2) != 0 || split(line, fld) != 3)
            continue;
        int cn = strcmp(fld[1], "kMandarin") == 0;
        entries *into = cn ? &t->cn : strcmp(fld[1], "kTGHZ2013") == 0 ? &t->tghz
                      : strcmp(fld[1], "kXHC1983") == 0  ? &t->xhc : NULL;
        if (!into)
            continue;
        encode_utf8((uint32_t)strtoul(fld[0] + 2, NULL, 16), ch);
        unihan_readings(fld[2], cn, readings);
        if (readings[0])
            push(into, ch, readings, 0);
    }
    fclose(f);
    if (t->cn.n == 0 || t->tghz.n == 0)
        die("no kMandarin or kTGHZ2013 readings in", path);
    entries *sorted[] = {&t->cn, &t->tghz, &t->xhc};
    for (size_t i = 0; i < 3; i++)
        qsort(sorted[i]->v, sorted[i]->n, sizeof *sorted[i]->v, by_key);
}

/* The index of ch's first candidate in t->chars (sorted by key), t->chars.n if none. */
static size_t first_candidate(const tables *t, const char *ch)
{
    size_t lo = 0, hi = t->chars.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->chars.v[mid].key, ch) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 when the space-separated list holds the syllable syl (n bytes). */
static int lists_syllable(const char *list, const char *syl, size_t n)
{
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, " ");
        if (l == n && strncmp(p, syl, n) == 0)
            return 1;
        p += l + (p[l] == ' ');
    }
    return 0;
}

/* 1 when the mainland's dictionaries give ch the reading syl (n bytes): the 2013 standard
 * (kTGHZ2013), by ch or, as it lists Simplified characters, by ch's Simplified form (髮 as 发:
 * fa1 fa4, its Taiwan fa3 is not among them); for the characters it leaves out, Xiandai Hanyu
 * Cidian (kXHC1983, 1983: older, it still has 骨头 gu2 and 胜任 sheng1). */
static int mainland_reads(const tables *t, const char *ch, const char *syl, size_t n)
{
    const entry *e = find(&t->tghz, ch);
    const entry *simp = e ? NULL : find(&t->ts, ch);
    size_t len = simp ? strcspn(simp->reading, " ") : 0;
    if (simp && len < 8) {
        char form[8];
        memcpy(form, simp->reading, len);
        form[len] = '\0';
        e = find(&t->tghz, form);
    }
    if (!e)
        e = find(&t->xhc, ch);
    return e && lists_syllable(e->reading, syl, n);
}

/* kMandarin's reading of ch in place of syl (n bytes), when syl is a reading the mainland does
 * not use, as terra's Taiwan readings (息 xi2, 期 qi2, 危险 wei2): the same letters as
 * kMandarin's, another tone (not the neutral one), not among the mainland dictionaries'
 * readings of ch (作坊 zuo1 stays), and ch lists kMandarin's reading in terra, with at most one
 * reading of those letters that terra weighs above 0% (惜 xi1, xi2 0%: the Taiwan reading is
 * the 0% one). The true polyphones, two weighted readings (好 hao3 95% hao4 5%, 和, and 一 and 不
 * with their sandhi), are never touched. NULL to keep syl; t->chars holds every candidate. */
static const char *mainland_reading(const tables *t, const char *ch, const char *syl, size_t n)
{
    const entry *k = find(&t->cn, ch);
    if (!k)
        return NULL;
    size_t letters = strcspn(k->reading, "012345");
    if (n != letters + 1 || strncmp(syl, k->reading, letters) != 0 || syl[letters] < '1' ||
        syl[letters] > '4' || syl[letters] == k->reading[letters])
        return NULL;
    if (mainland_reads(t, ch, syl, n))
        return NULL;
    int listed = 0, weighted = 0;
    for (size_t i = first_candidate(t, ch); i < t->chars.n && strcmp(t->chars.v[i].key, ch) == 0;
         i++) {
        const char *r = t->chars.v[i].reading;
        if (strcspn(r, "012345") != letters || strncmp(r, syl, letters) != 0)
            continue;
        weighted += t->chars.v[i].weighted;
        listed |= strcmp(r, k->reading) == 0;
    }
    return listed && weighted < 2 ? k->reading : NULL;
}

/* Gives each character candidate its mainland reading; returns the characters changed. */
static size_t mainland_chars(tables *t)
{
    size_t changed = 0;
    const char *last = "";
    for (size_t i = 0; i < t->chars.n; i++) {
        entry *c = &t->chars.v[i];
        const char *r = mainland_reading(t, c->orig ? c->orig : c->key, c->reading,
                                         strlen(c->reading));
        if (!r)
            continue;
        changed += strcmp(last, c->key) != 0;
        last = c->key;
        free(c->reading);
        c->reading = dup_str(r);
    }
    return changed;
}

/* Gives each character of a word its mainland reading (信息 xin4 xi2 -> xin4 xi1); returns the
 * syllables changed. A word whose syllables are not one a character is left as it is. */
static size_t mainland_word(const tables *t, entry *w)
{
    char out[1024] = "", ch[8];
    size_t changed = 0;
    const char *r = w->reading;
    for (const char *p = w->orig ? w->orig : w->key; *p;) {
        size_t sl = strcspn(r, " ");
        if (sl == 0 || !(p = take_char(p, ch)) || strlen(out) + sl + 2 > sizeof out)
            return 0;
        const char *m = mainland_reading(t, ch, r, sl);
        if (out[0])
            strcat(out, " ");
        strncat(out, m ? m : r, m ? strlen(m) : sl);
        changed += m != NULL;
        r += sl + (r[sl] == ' ');
    }
    if (changed == 0 || *r)
        return 0;
    free(w->reading);
    w->reading = dup_str(out);
    return changed;
}

/* 1 when ch lists the syllable syl (n bytes) as one of its readings, tone aside (一 yi2 and
 * 不 bu2 in words are sandhi). t->chars holds every candidate, sorted by key. */
static int char_reads(const tables *t, const char *ch, const char *syl, size_t n)
{
    size_t lo = first_candidate(t, ch);
    size_t letters = strcspn(syl, "012345 ");
    for (; lo < t->chars.n && strcmp(t->chars.v[lo].key, ch) == 0; lo++) {
        const char *r = t->chars.v[lo].reading;
        if (letters <= n && strcspn(r, "012345") == letters && strncmp(r, syl, letters) == 0)
            return 1;
    }
    return 0;
}

/* 1 when the word gives a character a reading it does not have on its own: another word
 * spelt with a variant (周內 zhou1 na4 "to frame", for 周纳, in 一周内 "within a week"). */
static int foreign_reading(const tables *t, const entry *w)
{
    const char *r = w->reading;
    char ch[8];
    for (const char *p = w->orig ? w->orig : w->key; *p;) {
        size_t sl = strcspn(r, " ");
        if (sl == 0 || !(p = take_char(p, ch)))
            return 0; /* not one syllable a character: not judged */
        if (!char_reads(t, ch, r, sl))
            return 1;
        r += sl + (r[sl] == ' ');
    }
    return 0;
}

/* 1 when the word reads as its characters do on their own (counted for the figures). */
static int reads_as_chars(const tables *t, const entry *w)
{
    char want[1024] = "", ch[8];
    for (const char *p = w->key; *p;) {
        if (!(p = take_char(p, ch)))
            return 0;
        const entry *c = find(&t->chars, ch);
        if (!c || strlen(want) + strlen(c->reading) + 2 > sizeof want)
            return 0;
        if (want[0])
            strcat(want, " ");
        strcat(want, c->reading);
    }
    return strcmp(want, w->reading) == 0;
}

static void put_u32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    if (fwrite(b, 1, 4, f) != 4)
        die("write failed", NULL);
}

static void write_table(const entries *all, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write", path);
    uint32_t blob = 1, longest = 0;
    for (size_t i = 0; i < all->n; i++) {
        blob += (uint32_t)(strlen(all->v[i].key) + strlen(all->v[i].reading) + 2);
        uint32_t len = (uint32_t)utf8_len(all->v[i].key);
        longest = len > longest ? len : longest;
    }
    if (fwrite("KPY1", 1, 4, f) != 4)
        die("write failed", path);
    put_u32(f, (uint32_t)all->n);
    put_u32(f, longest);
    put_u32(f, blob);
    uint32_t off = 0;
    for (size_t i = 0; i < all->n; i++) {
        put_u32(f, off);
        off += (uint32_t)(strlen(all->v[i].key) + strlen(all->v[i].reading) + 2);
    }
    for (size_t i = 0; i < all->n; i++) {
        fputs(all->v[i].key, f);
        fputc('\0', f);
        fputs(all->v[i].reading, f);
        fputc('\0', f);
    }
    fputc('\0', f);
    if (fclose(f) != 0)
        die("write failed", path);
}

/* Leaves out the words that give a character a reading not its own; returns how many. */
static size_t drop_foreign(tables *t)
{
    size_t foreign = 0, kept = 0;
    for (size_t i = 0; i < t->words.n; i++) {
        if (foreign_reading(t, &t->words.v[i])) {
            foreign++;
            free_entry(&t->words.v[i]);
        } else {
            t->words.v[kept++] = t->words.v[i];
        }
    }
    t->words.n = kept;
    return foreign;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: pinyin-table TERRA_DICT TS_CHARACTERS ESSAY UNIHAN_READINGS OUT\n");
        return 2;
    }
    tables t = {0};
    load_ts(&t, argv[2]);
    load_essay(&t, argv[3]);
    index_essay_simplified(&t);
    load_terra(&t, argv[1]);
    load_unihan(&t, argv[4]);
    qsort(t.chars.v, t.chars.n, sizeof *t.chars.v, by_key_best);
    qsort(t.words.v, t.words.n, sizeof *t.words.v, by_key_best);
    keep_best(&t.words);
    size_t foreign = drop_foreign(&t);
    size_t mainland_syllables = 0;
    for (size_t i = 0; i < t.words.n; i++)
        mainland_syllables += mainland_word(&t, &t.words.v[i]);
    size_t mainland = mainland_chars(&t); /* after the words: they need every candidate */
    keep_best(&t.chars);

    entries all = {0};
    size_t dropped = 0;
    for (size_t i = 0; i < t.chars.n; i++)
        push(&all, t.chars.v[i].key, t.chars.v[i].reading, 0);
    for (size_t i = 0; i < t.words.n; i++) {
        if (reads_as_chars(&t, &t.words.v[i]))
            dropped++;
        push(&all, t.words.v[i].key, t.words.v[i].reading, 0);
    }
    qsort(all.v, all.n, sizeof *all.v, by_key);
    write_table(&all, argv[5]);
    printf("pinyin-table: %zu characters, %zu words (%zu of them reading as their characters), "
           "left out: %zu chance meetings of characters, %zu giving a character a reading not its "
           "own; mainland readings (Unihan): %zu characters, %zu syllables of words changed\n",
           t.chars.n, t.words.n, dropped, t.chance, foreign, mainland, mainland_syllables);
    entries *all_tables[] = {&all,    &t.essay, &t.essay_simp, &t.ts, &t.chars,
                             &t.words, &t.cn,   &t.tghz,       &t.xhc};
    for (size_t i = 0; i < sizeof all_tables / sizeof all_tables[0]; i++)
        free_entries(all_tables[i]);
    return 0;
}
