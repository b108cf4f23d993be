/* A fake of the IME edge's engines for the tests (core/ime.h's ime_engine_t): a small pinyin
 * table with pages and partial choices, and a recognizer that names a character by its
 * number of strokes. Header-only, one copy per test program. */
#ifndef KIOSK_FAKE_IME_H
#define KIOSK_FAKE_IME_H

#include <stdio.h>
#include <string.h>

#include "core/ime.h"


/* ---- the fake engine ---- */

#define FAKE_PAGE 3 /* candidates on a page: "ni" has two pages */

typedef struct {
    const char *pinyin;
    const char *cand[8];
} entry_t;

static const entry_t table[] = {
    {"nihao", {"你好"}},
    {"ni", {"你", "尼", "泥", "倪", "拟"}},
    {"hao", {"好", "号"}},
    {"a", {"啊"}},
};

typedef struct {
    char letters[64];
    size_t page;
    bool fail;        /* every call fails from now on */
    bool stuck;       /* choosing a candidate changes nothing */
    bool traditional; /* what set_traditional said last */
    int clears;       /* pinyin_clear calls */
    int recognitions;
} fake_t;

/* The table entry for the longest prefix of the letters, or NULL. */
static const entry_t *lookup(const fake_t *k, size_t *prefix)
{
    for (size_t n = strlen(k->letters); n > 0; n--)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (strlen(table[i].pinyin) == n && strncmp(table[i].pinyin, k->letters, n) == 0) {
                *prefix = n;
                return &table[i];
            }
    return NULL;
}

static size_t count(const entry_t *en)
{
    size_t n = 0;
    while (n < 8 && en->cand[n])
        n++;
    return n;
}

static bool show(fake_t *k, ime_output_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->preedit, sizeof out->preedit, "%s", k->letters);
    size_t prefix = 0;
    const entry_t *en = lookup(k, &prefix);
    if (!en)
        return true;
    size_t n = count(en), first = k->page * FAKE_PAGE;
    for (size_t i = first; i < n && i < first + FAKE_PAGE; i++)
        snprintf(out->candidate[out->ncandidates++], IME_CANDIDATE_BYTES, "%s", en->cand[i]);
    out->page = (int)k->page;
    out->more = first + FAKE_PAGE < n;
    return true;
}

static bool fake_key(void *ctx, char key, ime_output_t *out)
{
    fake_t *k = ctx;
    if (k->fail)
        return memset(out, 0, sizeof *out), false;
    size_t n = strlen(k->letters);
    if (key == '\b' && n > 0)
        k->letters[n - 1] = '\0';
    else if (key != '\b' && n + 1 < sizeof k->letters) {
        k->letters[n] = key;
        k->letters[n + 1] = '\0';
    }
    k->page = 0;
    return show(k, out);
}

static bool fake_select(void *ctx, size_t i, ime_output_t *out)
{
    fake_t *k = ctx;
    size_t prefix = 0;
    const entry_t *en = lookup(k, &prefix);
    if (k->fail || !en || k->page * FAKE_PAGE + i >= count(en))
        return memset(out, 0, sizeof *out), false;
    if (k->stuck)
        return show(k, out);
    const char *c = en->cand[k->page * FAKE_PAGE + i];
    memmove(k->letters, k->letters + prefix, strlen(k->letters + prefix) + 1);
    k->page = 0;
    show(k, out);
    snprintf(out->commit, sizeof out->commit, "%s", c);
    return true;
}

static bool fake_page(void *ctx, int dir, ime_output_t *out)
{
    fake_t *k = ctx;
    if (k->fail)
        return memset(out, 0, sizeof *out), false;
    if (dir > 0)
        k->page++;
    else if (k->page > 0)
        k->page--;
    return show(k, out);
}

static void fake_clear(void *ctx)
{
    fake_t *k = ctx;
    k->letters[0] = '\0';
    k->page = 0;
    k->clears++;
}

/* One stroke: 一 or 丨; two: 十 or 干; more: none. */
static bool fake_recognize(void *ctx, const ime_strokes_t *st, ime_output_t *out)
{
    fake_t *k = ctx;
    memset(out, 0, sizeof *out);
    k->recognitions++;
    if (k->fail)
        return false;
    static const char *const one[] = {"一", "丨"}, *const two[] = {"十", "干"};
    const char *const *c = st->nstrokes == 1 ? one : st->nstrokes == 2 ? two : NULL;
    for (size_t i = 0; c && i < 2; i++)
        snprintf(out->candidate[out->ncandidates++], IME_CANDIDATE_BYTES, "%s", c[i]);
    return true;
}

static bool fake_traditional(void *ctx, bool traditional)
{
    ((fake_t *)ctx)->traditional = traditional;
    return true;
}

static ime_engine_t fake_engine(fake_t *k)
{
    memset(k, 0, sizeof *k);
    return (ime_engine_t){fake_key,       fake_select,      fake_page, fake_clear,
                          fake_recognize, fake_traditional, k};
}

#endif
