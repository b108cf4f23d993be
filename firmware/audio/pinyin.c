/* Chinese text to tone-numbered pinyin for espeak-ng's cmn-latn-pinyin voice (pinyin.h): the
 * table (tools/pinyin-table.c) is mapped and searched in place, by binary search over its
 * sorted keys, longest word first (from the end of each run of Chinese characters). */
#include "audio/pinyin.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KIOSK_PINYIN_INSTALLED_TABLE
#define KIOSK_PINYIN_INSTALLED_TABLE "/usr/share/kiosk/pinyin.tbl"
#endif

enum { HEADER = 16, MAX_DIGITS = 8 };

struct pinyin {
    const unsigned char *map;
    size_t map_len;
    uint32_t count;
    uint32_t longest;         /* longest key, in characters */
    const unsigned char *offs; /* count little-endian u32 */
    const char *blob;
    uint32_t blob_len;
};

/* Where the converted text goes: whole tokens only, a space between syllables, pauses glued
 * to the syllable before them. */
typedef struct {
    char *out;
    size_t cap, len;
    int full;
    size_t unknown;
} writer;

static uint32_t get_u32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

const char *pinyin_default_table(void)
{
#ifdef KIOSK_PINYIN_BUILD_TABLE
    if (access(KIOSK_PINYIN_INSTALLED_TABLE, R_OK) != 0 && access(KIOSK_PINYIN_BUILD_TABLE, R_OK) == 0)
        return KIOSK_PINYIN_BUILD_TABLE;
#endif
    return KIOSK_PINYIN_INSTALLED_TABLE;
}

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", path, why);
    return -1;
}

/* Checks the header and that every record starts inside the blob, in order. */
static const char *check_table(struct pinyin *p)
{
    if (p->map_len < HEADER || memcmp(p->map, "KPY1", 4) != 0)
        return "not a pinyin table (no KPY1 header)";
    p->count = get_u32(p->map + 4);
    p->longest = get_u32(p->map + 8);
    p->blob_len = get_u32(p->map + 12);
    if (p->count == 0 || p->longest == 0 || p->count > (p->map_len - HEADER) / 4)
        return "bad record count";
    p->offs = p->map + HEADER;
    if ((size_t)p->blob_len != p->map_len - HEADER - (size_t)p->count * 4)
        return "size does not match its header";
    p->blob = (const char *)p->offs + (size_t)p->count * 4;
    if (p->blob_len == 0 || p->blob[p->blob_len - 1] != '\0')
        return "records not terminated";
    uint32_t prev = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        uint32_t o = get_u32(p->offs + (size_t)i * 4);
        if (o >= p->blob_len || (i > 0 && o <= prev))
            return "record offsets out of order or out of range";
        prev = o;
    }
    return NULL;
}

int pinyin_open(const char *table_path, pinyin_t **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = open(table_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, table_path, "cannot open");
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return fail(err, errlen, table_path, "empty or unreadable");
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return fail(err, errlen, table_path, "cannot map");
    struct pinyin *p = calloc(1, sizeof *p);
    if (!p) {
        munmap(map, (size_t)st.st_size);
        return fail(err, errlen, table_path, "out of memory");
    }
    p->map = map;
    p->map_len = (size_t)st.st_size;
    const char *why = check_table(p);
    if (why) {
        pinyin_close(p);
        return fail(err, errlen, table_path, why);
    }
    *out = p;
    return 0;
}

void pinyin_close(pinyin_t *p)
{
    if (!p)
        return;
    munmap((void *)p->map, p->map_len);
    free(p);
}

/* strcmp order of the record's key against the n bytes of key. */
static int compare_key(const char *rec, const char *key, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)rec[i], b = (unsigned char)key[i];
        if (a != b)
            return a < b ? -1 : 1;
    }
    return rec[n] != '\0';
}

/* The reading of the n-byte key, or NULL. */
static const char *lookup(const pinyin_t *p, const char *key, size_t n)
{
    uint32_t lo = 0, hi = p->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *rec = p->blob + get_u32(p->offs + (size_t)mid * 4);
        int c = compare_key(rec, key, n);
        if (c == 0)
            return rec + n + 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Decodes one UTF-8 character; returns its length (1 for a bad byte, with *cp = 0xFFFD). */
static size_t decode(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = u[0] < 0x80 ? 1 : (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3
             : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t c = n == 1 ? u[0] : u[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = c << 6 | (u[i] & 0x3Fu);
    }
    *cp = c;
    return n;
}

static void emit(writer *w, const char *tok, size_t n)
{
    if (w->full || n == 0)
        return;
    int pause = n == 1 && (tok[0] == ',' || tok[0] == '.');
    if (pause) {
        if (w->len == 0)
            return;
        char *last = &w->out[w->len - 1];
        if (*last == ',' || *last == '.') { /* one pause, the stronger */
            if (tok[0] == '.')
                *last = '.';
            return;
        }
    }
    size_t sep = (w->len > 0 && !pause) ? 1 : 0;
    if (w->len + sep + n + 1 > w->cap) {
        w->full = 1;
        return;
    }
    if (sep)
        w->out[w->len++] = ' ';
    memcpy(w->out + w->len, tok, n);
    w->len += n;
    w->out[w->len] = '\0';
}

static void emit_str(writer *w, const char *s)
{
    emit(w, s, strlen(s));
}

static const char *const DIGIT[] = {"ling2", "yi1", "er4", "san1", "si4",
                                    "wu3", "liu4", "qi1", "ba1", "jiu3"};

/* 0..9999; started: something was said before (a leading 十 is then yi1 shi2, and leading
 * zeros one ling2). */
static void say_group(writer *w, unsigned n, int started)
{
    static const char *const UNIT[] = {"qian1", "bai3", "shi2", ""};
    static const unsigned DIV[] = {1000, 100, 10, 1};
    int zero = 0;
    for (int i = 0; i < 4; i++) {
        unsigned d = n / DIV[i] % 10;
        if (d == 0) {
            zero = started;
            continue;
        }
        if (zero)
            emit_str(w, "ling2");
        if (!(i == 2 && d == 1 && !started))
            emit_str(w, DIGIT[d]);
        emit_str(w, UNIT[i]);
        started = 1;
        zero = 0;
    }
}

static void say_number(writer *w, unsigned long n)
{
    if (n == 0) {
        emit_str(w, "ling2");
    } else if (n == 2) {
        emit_str(w, "liang3");
    } else if (n >= 10000) {
        say_group(w, (unsigned)(n / 10000), 0);
        emit_str(w, "wan4");
        unsigned rest = (unsigned)(n % 10000);
        if (rest > 0)
            say_group(w, rest, 1); /* its leading zeros are one ling2 */
    } else {
        say_group(w, (unsigned)n, 0);
    }
}

/* The digit at s (ASCII or full-width), or -1; *len its length in bytes. */
static int digit_at(const char *s, size_t *len)
{
    uint32_t cp;
    *len = decode(s, &cp);
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (int)(cp - 0xFF10);
    return -1;
}

/* A run of digits: a quantity when a character with a reading follows, else digit by digit. */
static const char *say_digits(const pinyin_t *p, writer *w, const char *s)
{
    int d[64];
    size_t nd = 0, len;
    int v;
    while ((v = digit_at(s, &len)) >= 0) {
        if (nd < sizeof d / sizeof d[0])
            d[nd++] = v;
        s += len;
    }
    const char *next = s;
    while (*next == ' ')
        next++;
    uint32_t cp;
    size_t n = decode(next, &cp);
    /* a range, 1～2天: the first number too is a quantity, and the tilde reads 到 */
    int range = (cp == '~' || cp == 0xFF5E) && digit_at(next + n, &len) >= 0;
    int han = range || (cp >= 0x80 && digit_at(next, &len) < 0 && lookup(p, next, n) != NULL);
    if (han && nd <= MAX_DIGITS && (nd == 1 || d[0] != 0)) {
        unsigned long value = 0;
        for (size_t i = 0; i < nd; i++)
            value = value * 10 + (unsigned long)d[i];
        say_number(w, value);
        if (range) {
            emit_str(w, "dao4");
            return next + n;
        }
    } else {
        for (size_t i = 0; i < nd; i++)
            emit_str(w, d[i] == 1 ? "yao1" : DIGIT[d[i]]);
    }
    return s;
}

static int listed(uint32_t cp, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

/* ',' or '.' for a character read as a pause, ' ' for a word break, 0 for neither. */
static char pause_of(uint32_t cp)
{
    static const uint32_t COMMA[] = {',', ';', ':', '(', ')', 0x3001, 0xFF0C, 0xFF1B, 0xFF1A,
                                     0xFF08, 0xFF09, 0x2014, 0x3010, 0x3011, 0x300A, 0x300B};
    static const uint32_t STOP[] = {'.', '!', '?', 0x3002, 0xFF01, 0xFF1F, 0x2026};
    if (listed(cp, COMMA, sizeof COMMA / sizeof COMMA[0]))
        return ',';
    if (listed(cp, STOP, sizeof STOP / sizeof STOP[0]))
        return '.';
    /* ASCII, general punctuation, CJK symbols, full-width forms: word breaks */
    return (cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
            (cp >= 0xFF00 && cp <= 0xFF65)) ? ' ' : 0;
}

static int is_latin(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'';
}

/* A run of Chinese characters: the character i is s[at[i]] up to s[at[i + 1]]. */
typedef struct {
    const char *s;
    const size_t *at;
    size_t n;
} run_t;

/* One word of a run, in text order: its reading and its characters in the run. */
typedef struct {
    const char *reading;
    size_t first, count;
} run_word;

/* 1 when character i of the run is one of those in list (a string of characters). */
static int char_in(const run_t *r, size_t i, const char *list)
{
    size_t len = r->at[i + 1] - r->at[i];
    uint32_t cp;
    for (const char *p = list; *p; p += decode(p, &cp))
        if (strncmp(p, r->s + r->at[i], len) == 0 && decode(p, &cp) == len)
            return 1;
    return 0;
}

/* The tone of the syllable at syl (its last digit before a space or the end), 0 if none. */
static int tone_of(const char *syl)
{
    size_t n = strcspn(syl, " ");
    return n > 0 && syl[n - 1] >= '1' && syl[n - 1] <= '5' ? syl[n - 1] - '0' : 0;
}

/* The tone sandhi of 一 and 不, a rule of Mandarin that terra writes only in some words (一個
 * yi2 ge4): 一 yi1 reads yi2 before a tone 4 (一样 yi2 yang4) and yi4 before tones 1 to 3
 * (一天 yi4 tian1), but not as a number or an ordinal (第一, 十一, 一二三, 一对一, 一月,
 * 一号, 星期一, 礼拜一, 初一), nor at the end of a word (a word of the table, or 统一, 唯一,
 * 万一, 单一, 专一, 逐一, 之一, 其一, which terra leaves out as they read as their
 * characters) or of the run;
 * 不 bu4 reads bu2 before a tone 4 (不是 bu2 shi4). A sandhi a word of the table writes is
 * worked out again from the tone that follows (the table's mainland readings may have changed
 * it: 有條不紊 bu2 wen3 from Taiwan's wen4), but kept before a neutral tone (派不是 bu2 shi5)
 * and where 一 stays yi1. Character i of the run reads syl (n bytes), last: it ends a word of
 * several characters, next: the tone that follows (0 for none). Returns the tone digit it
 * takes, or 0 to keep syl. */
static char sandhi(const run_t *r, size_t i, int last, const char *syl, size_t n, int next)
{
    if (n != 3 || next < 1 || next > 4)
        return 0;
    if ((memcmp(syl, "bu4", 3) == 0 || memcmp(syl, "bu2", 3) == 0) && char_in(r, i, "不"))
        return next == 4 ? '2' : '4';
    if ((memcmp(syl, "yi", 2) != 0 || !strchr("124", syl[2])) || !char_in(r, i, "一") || last)
        return 0;
    if ((i > 0 && char_in(r, i - 1, "第零〇一二三四五六七八九十期拜初统統唯万萬单單专專逐之其")) ||
        (i + 1 < r->n && char_in(r, i + 1, "零〇一二三四五六七八九十月号號")))
        return 0;
    if ((i + 2 < r->n && char_in(r, i + 1, "对對比") && char_in(r, i + 2, "一")) ||
        (i >= 2 && char_in(r, i - 1, "对對比") && char_in(r, i - 2, "一")))
        return 0; /* 一对一, 一比一: numbers */
    return next == 4 ? '2' : '4';
}

/* Emits a word of the run, 一 and 不 in it with their sandhi; word[1] follows it when more
 * than 0 words are left after it. The sandhi is left out of a word whose syllables are not one
 * a character (erhua). */
static void say_word(writer *w, const run_t *r, const run_word *word, size_t left)
{
    char buf[256];
    size_t len = strlen(word->reading), syllables = 1;
    if (len >= sizeof buf) {
        emit(w, word->reading, len);
        return;
    }
    memcpy(buf, word->reading, len + 1);
    for (size_t i = 0; i < len; i++)
        syllables += buf[i] == ' ';
    char *syl = buf;
    for (size_t j = 0; syllables == word->count && j < word->count; j++) {
        size_t sl = strcspn(syl, " ");
        const char *after = syl[sl] ? syl + sl + 1 : left ? word[1].reading : NULL;
        char tone = sandhi(r, word->first + j, word->count > 1 && j + 1 == word->count, syl, sl,
                           after ? tone_of(after) : 0);
        if (tone)
            syl[sl - 1] = tone;
        syl += sl + (syl[sl] == ' ');
    }
    emit(w, buf, len);
}

/* A run of characters that have readings, from s: words by longest match from the end of the
 * run backwards (better than forwards for Chinese: 后重新 is 后 重新, not 后重 新; 长期服务 is
 * 长期 服务, not 长 期服 务), up to RUN characters at a time. Returns bytes used, 0 if the
 * character at s has no reading. */
static size_t say_run(const pinyin_t *p, writer *w, const char *s)
{
    enum { RUN = 128 };
    size_t at[RUN + 1], n = 0;
    uint32_t cp;
    at[0] = 0;
    while (n < RUN && s[at[n]]) {
        size_t len = decode(s + at[n], &cp);
        if (cp < 0x80 || !lookup(p, s + at[n], len))
            break;
        at[n + 1] = at[n] + len;
        n++;
    }
    if (n == 0)
        return 0;
    run_word word[RUN];
    size_t words = 0;
    for (size_t end = n; end > 0;) {
        size_t k = end < p->longest ? end : p->longest;
        const char *r = NULL;
        for (; k > 1 && !(r = lookup(p, s + at[end - k], at[end] - at[end - k])); k--)
            ;
        if (!r)
            r = lookup(p, s + at[end - 1], at[end] - at[end - 1]);
        word[words++] = (run_word){r, end - k, k};
        end -= k;
    }
    for (size_t i = 0; i < words / 2; i++) { /* into text order */
        run_word t = word[i];
        word[i] = word[words - 1 - i];
        word[words - 1 - i] = t;
    }
    run_t run = {s, at, n};
    for (size_t i = 0; i < words; i++)
        say_word(w, &run, &word[i], words - 1 - i);
    return at[n];
}

size_t pinyin_convert_counted(const pinyin_t *p, const char *utf8, char *out, size_t outlen,
                              size_t *unknown)
{
    writer w = {out, outlen, 0, outlen == 0, 0};
    if (outlen)
        out[0] = '\0';
    const char *s = utf8;
    while (*s && !w.full) {
        size_t len;
        uint32_t cp;
        if (digit_at(s, &len) >= 0) {
            s = say_digits(p, &w, s);
        } else if (is_latin((unsigned char)*s)) {
            const char *e = s;
            while (is_latin((unsigned char)*e))
                e++;
            emit(&w, s, (size_t)(e - s));
            s = e;
        } else if ((len = say_run(p, &w, s)) > 0) {
            s += len;
        } else {
            s += decode(s, &cp);
            char pause = pause_of(cp);
            if (pause == ',' || pause == '.')
                emit(&w, &pause, 1);
            else if (pause == 0)
                w.unknown++;
        }
    }
    if (unknown)
        *unknown = w.unknown;
    return w.len;
}

size_t pinyin_convert(const pinyin_t *p, const char *utf8, char *out, size_t outlen)
{
    return pinyin_convert_counted(p, utf8, out, outlen, NULL);
}
