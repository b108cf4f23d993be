/* Build-time tool: turns Debian's Rime Terra Pinyin dictionary into the kiosk's compact
 * character-and-word-to-pinyin table (read by firmware/audio/pinyin.c).
 *
 *   pinyin-table TERRA_DICT TS_CHARACTERS ESSAY OUT
 *
 * TERRA_DICT     /usr/share/rime-data/terra_pinyin.dict.yaml (rime-data-terra-pinyin): lines
 *                "key<TAB>tone-numbered pinyin[<TAB>weight%]" after the "..." that ends its
 *                YAML header; mostly Traditional characters, words up to 7 characters or more.
 * TS_CHARACTERS  OpenCC's Traditional-to-Simplified characters (libopencc-data's
 *                TSCharacters.ocd2 dumped as text by opencc_dict): "trad<TAB>simp[ alt...]".
 * ESSAY          /usr/share/rime-data/essay.txt (rime-essay): "word<TAB>frequency".
 *
 * Each character gets its most common reading: a reading's score is the frequency of the
 * character it is listed under (essay) times its weight; a Simplified character also inherits
 * the readings of the Traditional characters that map to it (terra lists 長 chang2 90% and
 * zhang3 10%, but 长 only as zhang3). Each word is kept in its Traditional form and in its
 * character-by-character Simplified form, unless the essay shows it to be a mere meeting of
 * characters (chance_word) or gives a character a reading not its own (foreign_reading). Words that read as their characters do are kept too: terra's table
 * is already minimised (no 服務), and leaving out more (長期) lets a rare word catch the
 * characters of a common one (期服 in 长期服务).
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
    char *orig; /* a word's key in terra (its Traditional form), NULL if the same as key */
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
    e->v[e->n] = (entry){dup_str(key), dup_str(reading), score, e->n, NULL};
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
    entry probe = {(char *)key, NULL, 0, 0, NULL};
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
        if (strcmp(simp, fld[0]) != 0)
            push(&t->chars, simp, fld[1], score);
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

/* 1 when ch lists the syllable syl (n bytes) as one of its readings, tone aside (一 yi2 and
 * 不 bu2 in words are sandhi). t->chars holds every candidate, sorted by key. */
static int char_reads(const tables *t, const char *ch, const char *syl, size_t n)
{
    size_t lo = 0, hi = t->chars.n;
    while (lo < hi) { /* the first candidate of ch */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->chars.v[mid].key, ch) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
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

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: pinyin-table TERRA_DICT TS_CHARACTERS ESSAY OUT\n");
        return 2;
    }
    tables t = {0};
    load_ts(&t, argv[2]);
    load_essay(&t, argv[3]);
    index_essay_simplified(&t);
    load_terra(&t, argv[1]);
    qsort(t.chars.v, t.chars.n, sizeof *t.chars.v, by_key_best);
    qsort(t.words.v, t.words.n, sizeof *t.words.v, by_key_best);
    keep_best(&t.words);
    size_t foreign = 0, kept = 0;
    for (size_t i = 0; i < t.words.n; i++) {
        if (foreign_reading(&t, &t.words.v[i])) {
            foreign++;
            free_entry(&t.words.v[i]);
        } else {
            t.words.v[kept++] = t.words.v[i];
        }
    }
    t.words.n = kept;
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
    write_table(&all, argv[4]);
    printf("pinyin-table: %zu characters, %zu words (%zu of them reading as their characters), "
           "left out: %zu chance meetings of characters, %zu giving a character a reading not its "
           "own\n", t.chars.n, t.words.n, dropped, t.chance, foreign);
    free_entries(&all);
    free_entries(&t.essay);
    free_entries(&t.essay_simp);
    free_entries(&t.ts);
    free_entries(&t.chars);
    free_entries(&t.words);
    return 0;
}
