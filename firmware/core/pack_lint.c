/* The content pack's lint pass (see pack_lint.h): a small recursive JSON reader that keeps the
 * line, the column and the JSON path of everything it reads, says what is wrong in plain words
 * and goes on where it can (a trailing comma, a missing comma, a duplicate key never stop it).
 * The keys each kind of object may have are in pack_keys.c. */
#include "core/pack_lint.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kerr.h"
#include "core/pack_keys.h"
#include "core/utf8.h"

#define LINT_MAX_DEPTH 64
/* "did you mean" costs an edit distance to every key: for so many keys at most, in a pack and
 * in one object */
#define LINT_SUGGESTIONS 2000
#define LINT_SUGGESTIONS_PER_OBJECT 20

typedef struct {
    size_t off;
    int line, col;
} pos_t;

/* One member of an object being read: its key (malloc'd) and where the key is. */
typedef struct {
    char *key;
    pos_t at;
} member_t;

typedef enum { V_NONE, V_OBJECT, V_ARRAY, V_STRING, V_OTHER } vkind_t;

/* The reader's state for one pass; out is NULL when only locating a path. */
typedef struct {
    const char *s;
    size_t len;
    pos_t p;
    pack_lint_t *out;
    size_t cap;
    bool oom, stop;
    bool first_only; /* stop at the first error (the loader's question: may it go on?) */
    char path[512];
    size_t plen;
    char *str; /* the last string read, decoded (malloc'd, slen bytes, NUL-terminated) */
    size_t slen, scap;
    bool str_nul;    /* it held a NUL (\u0000 or a raw one) */
    uint32_t str_cc; /* its first control character (C0 but NUL, DEL, C1), or 0 */
    bool comma_ok;   /* an unterminated string was just closed: no "missing comma" after it */
    int depth;
    size_t suggestions; /* "did you mean" looked for so far */
    const char *want;   /* locating: the path sought, and the best place found */
    pos_t found;
    size_t found_len;
    bool found_any;
} lx_t;

/* ---- reading bytes ---- */

static int peek(const lx_t *lx)
{
    return lx->p.off < lx->len ? (unsigned char)lx->s[lx->p.off] : -1;
}

static int peek_at(const lx_t *lx, size_t ahead)
{
    return lx->p.off + ahead < lx->len ? (unsigned char)lx->s[lx->p.off + ahead] : -1;
}

/* One byte on: a line feed starts a line; a continuation byte is no new character. */
static void adv(lx_t *lx)
{
    unsigned char c = (unsigned char)lx->s[lx->p.off++];
    if (c == '\n') {
        lx->p.line++;
        lx->p.col = 1;
    } else if ((c & 0xc0) != 0x80) {
        lx->p.col++;
    }
}

/* One character on (a byte that starts none: that byte). */
static void adv_char(lx_t *lx)
{
    adv(lx);
    while (lx->p.off < lx->len && ((unsigned char)lx->s[lx->p.off] & 0xc0) == 0x80)
        adv(lx);
}

/* ---- the path ---- */

static size_t path_push(lx_t *lx, const char *key, long index)
{
    size_t saved = lx->plen;
    int n = key ? snprintf(lx->path + lx->plen, sizeof lx->path - lx->plen, ".%s", key)
                : snprintf(lx->path + lx->plen, sizeof lx->path - lx->plen, "[%ld]", index);
    if (n > 0)
        lx->plen = strlen(lx->path);
    return saved;
}

static void path_pop(lx_t *lx, size_t saved)
{
    lx->plen = saved;
    lx->path[saved] = '\0';
}

/* ---- diagnostics ---- */

__attribute__((format(printf, 6, 7))) static void diag(lx_t *lx, pos_t at, pack_lint_severity_t sev,
                                                       bool syntax, const char *path,
                                                       const char *fmt, ...)
{
    pack_lint_t *o = lx->out;
    if (!o || lx->oom)
        return;
    if (sev == PACK_LINT_ERROR) {
        o->errors++;
        lx->stop = lx->stop || lx->first_only;
    } else {
        o->warnings++;
    }
    /* Warnings fill half the list at most: an error always finds room first. */
    if (o->n == PACK_LINT_MAX || (sev == PACK_LINT_WARNING && o->n >= PACK_LINT_MAX / 2)) {
        o->dropped++;
        return;
    }
    if (o->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 16;
        pack_diag_t *v = realloc(o->v, cap * sizeof *v);
        if (!v) {
            lx->oom = lx->stop = true;
            return;
        }
        o->v = v;
        lx->cap = cap;
    }
    pack_diag_t *d = &o->v[o->n++];
    memset(d, 0, sizeof *d);
    d->severity = sev;
    d->syntax = syntax;
    d->line = at.line;
    d->col = at.col;
    snprintf(d->path, sizeof d->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->reason, sizeof d->reason, fmt, ap);
    va_end(ap);
}

#define SYNTAX(lx, at, ...) diag(lx, at, PACK_LINT_ERROR, true, (lx)->path, __VA_ARGS__)

/* The character at the current position, quoted for a message ("'}'", "the end of the file"). */
static const char *here_name(const lx_t *lx, char *buf, size_t len)
{
    int c = peek(lx);
    if (c < 0)
        return "the end of the file";
    size_t n = utf8_char_len(lx->s + lx->p.off);
    if (n == 0 || n > lx->len - lx->p.off || c < 0x20)
        snprintf(buf, len, "byte 0x%02X", (unsigned)c);
    else
        snprintf(buf, len, "'%.*s'", (int)n, lx->s + lx->p.off);
    return buf;
}

/* ---- white space and comments ---- */

static void skip_ws(lx_t *lx)
{
    for (;;) {
        int c = peek(lx);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            adv(lx);
        } else if (c == '/' && (peek_at(lx, 1) == '/' || peek_at(lx, 1) == '*')) {
            pos_t at = lx->p;
            bool block = peek_at(lx, 1) == '*';
            SYNTAX(lx, at, "a comment: JSON has no comments (remove it)");
            adv(lx);
            adv(lx);
            while (peek(lx) >= 0 &&
                   !(block ? peek(lx) == '*' && peek_at(lx, 1) == '/' : peek(lx) == '\n'))
                adv(lx);
            if (block && peek(lx) >= 0) {
                adv(lx);
                adv(lx);
            }
        } else {
            return;
        }
    }
}

/* ---- strings ---- */

static void str_add(lx_t *lx, const char *b, size_t n)
{
    if (lx->slen + n + 1 > lx->scap) {
        size_t cap = (lx->slen + n + 1) * 2;
        char *s = realloc(lx->str, cap);
        if (!s) {
            lx->oom = lx->stop = true;
            return;
        }
        lx->str = s;
        lx->scap = cap;
    }
    memcpy(lx->str + lx->slen, b, n);
    lx->slen += n;
    lx->str[lx->slen] = '\0';
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/* Adds code point cp to the decoded string, noting a NUL or a control character. */
static void str_add_cp(lx_t *lx, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp == 0) {
        lx->str_nul = true;
        return;
    }
    if (is_control(cp) && !lx->str_cc)
        lx->str_cc = cp;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    str_add(lx, b, n);
}

/* Four hex digits after "\u": the value, or -1. */
static long hex4(const lx_t *lx)
{
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        int c = peek_at(lx, i);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* An escape after the backslash (consumed). */
static void read_escape(lx_t *lx, pos_t at)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = peek(lx);
    const char *k = c > 0 ? strchr(from, c) : NULL;
    if (k) {
        adv(lx);
        str_add_cp(lx, (unsigned char)to[k - from]);
        return;
    }
    if (c != 'u') {
        if (c > 0x20 && c < 0x7f)
            SYNTAX(lx, at, "invalid escape '\\%c' in a string (a backslash is written \\\\)", c);
        else
            SYNTAX(lx, at, "invalid escape in a string (a backslash is written \\\\)");
        if (c >= 0 && c != '\n')
            adv_char(lx);
        return;
    }
    adv(lx);
    long v = hex4(lx);
    if (v < 0) {
        SYNTAX(lx, at, "invalid escape: \\u needs four hex digits");
        return;
    }
    for (int i = 0; i < 4; i++)
        adv(lx);
    if (v >= 0xd800 && v <= 0xdbff && peek(lx) == '\\' && peek_at(lx, 1) == 'u') {
        adv(lx);
        adv(lx);
        long lo = hex4(lx);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
            for (int i = 0; i < 4; i++)
                adv(lx);
            str_add_cp(lx, 0x10000 + (((uint32_t)v - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
            return;
        }
        v = -2;
    }
    if (v == -2 || (v >= 0xd800 && v <= 0xdfff)) {
        diag(lx, at, PACK_LINT_ERROR, false, lx->path,
             "half of a character (a lone \\uD800-\\uDFFF surrogate) in a string");
        str_add_cp(lx, 0xfffd);
        return;
    }
    str_add_cp(lx, (uint32_t)v);
}

/* A raw byte below 0x20 inside a string. Returns false when it ends the string (a line break:
 * the string was never closed). */
static bool raw_control(lx_t *lx, pos_t start, int c)
{
    static const char *const names[32] = {
        ['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n", ['\f'] = "\\f", ['\r'] = "\\r"};
    if (c == '\n' || c == '\r') {
        SYNTAX(lx, start, "unterminated string (the line ends before its closing '\"')");
        lx->comma_ok = true;
        return false;
    }
    if (c == 0) {
        diag(lx, lx->p, PACK_LINT_ERROR, true, lx->path, "a NUL character in a text");
        lx->str_nul = true;
    } else {
        char esc[16];
        snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
        SYNTAX(lx, lx->p, "a control character in a string (U+%04X at column %d): write %s",
               (unsigned)c, lx->p.col, names[c] ? names[c] : esc);
        str_add(lx, (const char[]){(char)c}, 1); /* reported once: no name check after */
    }
    adv(lx);
    return true;
}

/* A string from its opening quote (" or '); decoded into lx->str. */
static void read_string(lx_t *lx)
{
    pos_t start = lx->p;
    int quote = peek(lx);
    lx->slen = 0;
    lx->str_nul = false;
    lx->str_cc = 0;
    str_add(lx, "", 0);
    if (quote == '\'')
        SYNTAX(lx, start, "a text in single quotes: JSON needs double quotes (\")");
    adv(lx);
    bool bad_utf8 = false;
    for (;;) {
        int c = peek(lx);
        if (c < 0) {
            SYNTAX(lx, start, "unterminated string (the file ends before its closing '\"')");
            return;
        }
        if (c == quote) {
            adv(lx);
            return;
        }
        if (c == '\\') {
            pos_t at = lx->p;
            adv(lx);
            read_escape(lx, at);
        } else if (c < 0x20) {
            if (!raw_control(lx, start, c))
                return;
        } else {
            uint32_t cp;
            size_t n = utf8_decode(lx->s + lx->p.off, lx->len - lx->p.off, &cp);
            if (n == 0) {
                if (!bad_utf8)
                    diag(lx, lx->p, PACK_LINT_ERROR, false, lx->path,
                         "invalid UTF-8 (byte 0x%02X): save the file as UTF-8", (unsigned)c);
                bad_utf8 = true;
                str_add_cp(lx, 0xfffd);
                adv(lx);
                continue;
            }
            if (is_control(cp) && !lx->str_cc)
                lx->str_cc = cp;
            str_add(lx, lx->s + lx->p.off, n);
            for (size_t i = 0; i < n; i++)
                adv(lx);
        }
    }
}

/* ---- numbers and words ---- */

static bool json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return false;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

static bool word_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+' || c == '.';
}

/* A number, true, false, null, or a word that is none of them. */
static void read_word(lx_t *lx)
{
    pos_t at = lx->p;
    while (word_char(peek(lx)))
        adv(lx);
    const char *w = lx->s + at.off;
    int n = (int)(lx->p.off - at.off);
    if ((w[0] == '-' || (w[0] >= '0' && w[0] <= '9')) && json_number(w, (size_t)n))
        return;
    if ((n == 4 && (!memcmp(w, "true", 4) || !memcmp(w, "null", 4))) ||
        (n == 5 && !memcmp(w, "false", 5)))
        return;
    char low[8] = "";
    for (int i = 0; i < n && i < 7; i++)
        low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    if (n <= 5 && (!strcmp(low, "true") || !strcmp(low, "false") || !strcmp(low, "null")))
        SYNTAX(lx, at, "'%.*s' is not JSON: write %s (lower case)", n, w, low);
    else if (w[0] == '-' || w[0] == '+' || w[0] == '.' || (w[0] >= '0' && w[0] <= '9') ||
             !strcmp(low, "nan") || !strncmp(low, "infinit", 7))
        SYNTAX(lx, at, "'%.*s' is not a JSON number", n > 40 ? 40 : n, w);
    else
        SYNTAX(lx, at, "'%.*s' is not a JSON value (a text goes in double quotes)", n > 40 ? 40 : n,
               w);
}

/* ---- values ---- */

static vkind_t read_value(lx_t *lx, pack_ctx_t ctx);

/* While locating: the value starting here is at the current path. */
static void note_value(lx_t *lx)
{
    size_t n = lx->plen;
    if (strncmp(lx->want, lx->path, n) != 0)
        return;
    char next = lx->want[n];
    if (next == '\0' || ((next == '.' || next == '[') && (!lx->found_any || n > lx->found_len))) {
        lx->found = lx->p;
        lx->found_len = n;
        lx->found_any = true;
        lx->stop = next == '\0';
    }
}

/* A name, id or code just read (lx->str) at at: no control character. */
static void check_code(lx_t *lx, pos_t at, const char *path)
{
    if (lx->str_cc && !lx->str_nul)
        diag(lx, at, PACK_LINT_ERROR, false, path,
             "a control character (U+%04X) in a name: names, ids and codes may have no "
             "control characters",
             (unsigned)lx->str_cc);
}

static void check_nul(lx_t *lx, pos_t at, const char *path)
{
    if (lx->str_nul)
        diag(lx, at, PACK_LINT_ERROR, false, path, "a NUL character in a text");
}

static void free_members(member_t *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(m[i].key);
    free(m);
}

/* Orders members by key, then by place, for finding duplicates. */
static int by_key(const void *a, const void *b)
{
    const member_t *x = a, *y = b;
    int d = strcmp(x->key, y->key);
    return d ? d : (x->at.off > y->at.off) - (x->at.off < y->at.off);
}

/* An object's members once it is read: duplicates, and keys the object may not have. */
static void check_members(lx_t *lx, pack_ctx_t ctx, member_t *m, size_t n, const char *type)
{
    char path[600], reason[256];
    if (!lx->out) /* locating: nothing to say */
        return;
    size_t mine = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s.%s", lx->path, m[i].key);
        bool suggest = lx->suggestions < LINT_SUGGESTIONS && mine < LINT_SUGGESTIONS_PER_OBJECT;
        pack_lint_severity_t sev =
            pack_keys_check(ctx, type, m[i].key, suggest, reason, sizeof reason);
        if (reason[0]) {
            diag(lx, m[i].at, sev, false, path, "%s", reason);
            lx->suggestions += suggest;
            mine += suggest;
        }
    }
    if (n > 1)
        qsort(m, n, sizeof *m, by_key);
    for (size_t i = 1; i < n; i++)
        if (strcmp(m[i].key, m[i - 1].key) == 0) {
            snprintf(path, sizeof path, "%s.%s", lx->path, m[i].key);
            diag(lx, m[i].at, PACK_LINT_ERROR, false, path, "duplicate key '%s' (first at line %d)",
                 m[i].key, m[i - 1].at.line);
        }
}

/* A key at the current position (a string, or a bare word): into lx->str; false if none. */
static bool read_key(lx_t *lx)
{
    int c = peek(lx);
    if (c == '"' || c == '\'') {
        read_string(lx);
        return true;
    }
    if (!word_char(c) || c == '-' || c == '+' || c == '.')
        return false;
    pos_t at = lx->p;
    while (word_char(peek(lx)))
        adv(lx);
    lx->slen = 0;
    lx->str_nul = false;
    lx->str_cc = 0;
    str_add(lx, lx->s + at.off, lx->p.off - at.off);
    SYNTAX(lx, at, "key '%s' needs double quotes: \"%s\"", lx->str, lx->str);
    return true;
}

/* Where the last value ended: a missing comma is reported there. */
typedef struct {
    pos_t after;
    bool comma_ok;
} ended_t;

static ended_t value_end(lx_t *lx)
{
    ended_t e = {lx->p, lx->comma_ok};
    lx->comma_ok = false;
    return e;
}

/* After a member or an item: ',' or the closer, else what is wrong. Returns 1 on a comma
 * (*comma set), 0 on the closer or the end (not consumed), -1 when a comma is missing. */
static int after_item(lx_t *lx, int closer, ended_t end, pos_t *comma)
{
    for (;;) {
        skip_ws(lx);
        int c = peek(lx);
        if (c == ',') {
            *comma = lx->p;
            adv(lx);
            return 1;
        }
        if (c < 0 || c == '}' || c == ']' || lx->stop)
            return 0;
        if (c == '"' || c == '{' || c == '[' || c == '\'' || word_char(c)) {
            if (!end.comma_ok)
                SYNTAX(lx, end.after, "missing comma (the next %s starts at line %d, column %d)",
                       closer == '}' ? "member" : "item", lx->p.line, lx->p.col);
            return -1;
        }
        char name[16];
        SYNTAX(lx, lx->p, "unexpected %s (expected ',' or '%c')", here_name(lx, name, sizeof name),
               closer);
        adv_char(lx);
    }
}

/* The closer of an object or array (or the end, or the wrong closer), opened at open. */
static void close_container(lx_t *lx, int closer, pos_t open, bool comma, pos_t comma_at)
{
    const char *what = closer == '}' ? "object" : "array";
    int c = peek(lx);
    if (comma && c >= 0)
        SYNTAX(lx, comma_at, "trailing comma before '%c'", c);
    if (c < 0) {
        SYNTAX(lx, open, "the file ends inside the %s opened here (a '%c' is missing)", what,
               closer);
        return;
    }
    if (c != closer)
        SYNTAX(lx, lx->p, "'%c' closes the %s opened at line %d, column %d (expected '%c')", c,
               what, open.line, open.col, closer);
    adv(lx);
}

/* Before an item or a member: skips stray commas and characters no value starts with.
 * Returns false at a closer or the end. */
static bool before_item(lx_t *lx, bool *comma, pos_t *comma_at, bool first)
{
    for (;;) {
        skip_ws(lx);
        int c = peek(lx);
        if (c < 0 || c == '}' || c == ']' || lx->stop)
            return false;
        if (c != ',')
            return true;
        SYNTAX(lx, lx->p, first && !*comma ? "a ',' before the first item" : "an extra ','");
        *comma = true;
        *comma_at = lx->p;
        adv(lx);
    }
}

/* What an object or an array being read has so far: an object's members (their keys
 * malloc'd) and its question type (malloc'd, or NULL), an array's count. */
typedef struct {
    member_t *m;
    size_t n, cap;
    char *type;
    long items;
} items_t;

/* One member of an object (its key at the current position); appends it to it->m. */
static void read_member(lx_t *lx, pack_ctx_t ctx, items_t *it)
{
    pos_t at = lx->p;
    if (!read_key(lx)) {
        char name[16];
        SYNTAX(lx, at, "unexpected %s (expected a key in double quotes)",
               here_name(lx, name, sizeof name));
        adv_char(lx);
        return;
    }
    char *key = strdup(lx->str ? lx->str : "");
    if (!key) {
        lx->oom = lx->stop = true;
        return;
    }
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 8;
        member_t *v = realloc(it->m, cap * sizeof *v);
        if (!v) {
            free(key);
            lx->oom = lx->stop = true;
            return;
        }
        it->m = v;
        it->cap = cap;
    }
    it->m[it->n++] = (member_t){key, at};
    size_t saved = path_push(lx, key, 0);
    check_nul(lx, at, lx->path);
    if (ctx == PACK_CTX_CATALOGS)
        check_code(lx, at, lx->path);
    skip_ws(lx);
    if (peek(lx) == ':')
        adv(lx);
    else
        SYNTAX(lx, lx->p, "missing ':' after the key '%s'", key);
    pack_ctx_t child = pack_keys_child(ctx, key);
    vkind_t k = read_value(lx, child);
    if (k == V_STRING && ctx == PACK_CTX_ELEMENT && strcmp(key, "type") == 0 && !it->type)
        it->type = strdup(lx->str);
    path_pop(lx, saved);
}

/* The items of an object (closer '}') or an array (']') from its opener on. */
static void read_container(lx_t *lx, pack_ctx_t ctx, int closer, items_t *it)
{
    pos_t open = lx->p, comma_at = {0};
    adv(lx);
    bool comma = false;
    size_t count = 0;
    while (before_item(lx, &comma, &comma_at, count++ == 0)) {
        if (closer == '}') {
            read_member(lx, ctx, it);
        } else {
            size_t saved = path_push(lx, NULL, it->items++);
            read_value(lx, ctx);
            path_pop(lx, saved);
        }
        int r = after_item(lx, closer, value_end(lx), &comma_at);
        comma = r == 1;
        if (r == 0)
            break;
    }
    if (!lx->stop)
        close_container(lx, closer, open, comma, comma_at);
}

static void read_object(lx_t *lx, pack_ctx_t ctx)
{
    items_t it = {0};
    read_container(lx, ctx, '}', &it);
    check_members(lx, ctx, it.m, it.n, it.type);
    free(it.type);
    free_members(it.m, it.n);
}

static void read_array(lx_t *lx, pack_ctx_t ctx)
{
    items_t it = {0};
    read_container(lx, ctx, ']', &it);
}

static vkind_t read_value(lx_t *lx, pack_ctx_t ctx)
{
    skip_ws(lx);
    if (lx->stop)
        return V_NONE;
    if (lx->want)
        note_value(lx);
    int c = peek(lx);
    pos_t at = lx->p;
    char name[16];
    if (c < 0 || c == '}' || c == ']' || c == ',') {
        SYNTAX(lx, at, "a value is missing before %s", here_name(lx, name, sizeof name));
        return V_NONE;
    }
    if (lx->depth >= LINT_MAX_DEPTH && (c == '{' || c == '[')) {
        SYNTAX(lx, at, "nested more than %d levels deep", LINT_MAX_DEPTH);
        lx->stop = true;
        return V_NONE;
    }
    lx->depth++;
    vkind_t k = V_OTHER;
    if (c == '{') {
        read_object(lx, ctx);
        k = V_OBJECT;
    } else if (c == '[') {
        read_array(lx, ctx);
        k = V_ARRAY;
    } else if (c == '"' || c == '\'') {
        read_string(lx);
        check_nul(lx, at, lx->path);
        if (pack_keys_is_code(ctx))
            check_code(lx, at, lx->path);
        k = V_STRING;
    } else if (word_char(c)) {
        read_word(lx);
    } else {
        SYNTAX(lx, at, "unexpected %s (expected a value)", here_name(lx, name, sizeof name));
        adv_char(lx);
        k = V_NONE;
    }
    lx->depth--;
    return k;
}

/* ---- the passes ---- */

static void run(lx_t *lx)
{
    lx->p = (pos_t){0, 1, 1};
    lx->path[0] = '$';
    lx->path[1] = '\0';
    lx->plen = 1;
    if (lx->len >= 3 && memcmp(lx->s, "\xef\xbb\xbf", 3) == 0) {
        SYNTAX(lx, lx->p, "a byte order mark at the start: save the file as UTF-8 without one");
        lx->p.off = 3;
    }
    skip_ws(lx);
    if (peek(lx) < 0) {
        SYNTAX(lx, lx->p, "the file is empty: a pack is a JSON object, {...}");
        return;
    }
    read_value(lx, PACK_CTX_ROOT);
    while (!lx->stop) {
        skip_ws(lx);
        if (peek(lx) < 0 || lx->stop)
            break;
        SYNTAX(lx, lx->p, "more after the end of the pack's object (a '}' too many?)");
        adv_char(lx);
        read_value(lx, PACK_CTX_ANY);
    }
}

/* Insertion sort by line and column: stable, and the list is nearly in order already. */
static void sort_diags(pack_lint_t *l)
{
    for (size_t i = 1; i < l->n; i++) {
        pack_diag_t d = l->v[i];
        size_t j = i;
        while (j > 0 && (l->v[j - 1].line > d.line ||
                         (l->v[j - 1].line == d.line && l->v[j - 1].col > d.col))) {
            l->v[j] = l->v[j - 1];
            j--;
        }
        l->v[j] = d;
    }
}

static int lint(const char *json, size_t len, pack_lint_t *out, bool first_only)
{
    memset(out, 0, sizeof *out);
    lx_t lx = {.s = json, .len = len, .out = out, .first_only = first_only};
    run(&lx);
    free(lx.str);
    sort_diags(out);
    return lx.oom ? KIOSK_ENOMEM : KIOSK_OK;
}

int pack_lint(const char *json, size_t len, pack_lint_t *out)
{
    return lint(json, len, out, false);
}

void pack_lint_free(pack_lint_t *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

bool pack_lint_locate(const char *json, size_t len, const char *path, int *line, int *col)
{
    lx_t lx = {.s = json, .len = len, .want = path};
    run(&lx);
    free(lx.str);
    if (!lx.found_any)
        return false;
    *line = lx.found.line;
    *col = lx.found.col;
    return true;
}

int pack_lint_first_error(const char *json, size_t len, content_error_t *err)
{
    pack_lint_t l;
    int rc = lint(json, len, &l, true); /* the first error is enough to refuse the pack */
    for (size_t i = 0; rc == KIOSK_OK && i < l.n; i++) {
        const pack_diag_t *d = &l.v[i];
        if (d->severity != PACK_LINT_ERROR)
            continue;
        if (d->syntax)
            content_error_set(err, "$", "invalid JSON near line %d, column %d: %s", d->line, d->col,
                              d->reason);
        else
            content_error_set(err, d->path, "%s", d->reason);
        err->line = d->line;
        err->col = d->col;
        rc = KIOSK_EINVAL;
    }
    if (rc == KIOSK_ENOMEM)
        content_error_set(err, "$", "out of memory");
    pack_lint_free(&l);
    return rc;
}

void pack_diag_format(const pack_diag_t *d, const char *file, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%d:%d: %s: %s: %s", file, d->line, d->col,
             d->severity == PACK_LINT_ERROR ? "error" : "warning", d->path, d->reason);
}
