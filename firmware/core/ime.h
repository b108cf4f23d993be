/* Writing Chinese on the kiosk: the state of one text field's input method, pure. The
 * resident switches between handwriting, pinyin, Latin letters and digits; pinyin letters
 * build a composition whose candidates the engine offers a page at a time; handwriting strokes
 * go to a recognizer whose candidates replace the page after each stroke. A chosen candidate
 * is committed into the answer. The engines themselves (librime, zinnia) are the IME edge's
 * (firmware/ime/), reached only through ime_engine_t, so tests drive this state with a fake.
 * Nothing here allocates; ime_t is plain data the flow owns. */
#ifndef KIOSK_IME_H
#define KIOSK_IME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { IME_HANDWRITING, IME_PINYIN, IME_LATIN, IME_DIGITS, IME_MODE_COUNT } ime_mode_t;

#define IME_CANDIDATES 10    /* candidates on one page of the bar, at most */
#define IME_CANDIDATE_BYTES 32
#define IME_PREEDIT_BYTES 128
#define IME_COMMIT_BYTES 256
#define IME_MAX_STROKES 32
#define IME_MAX_POINTS 1024  /* points over all strokes of one character */

/* What an engine shows after each step: the composition, the page of candidates, and text
 * that was committed by the step (the caller appends it to the answer). */
typedef struct {
    char preedit[IME_PREEDIT_BYTES]; /* the composition as the engine shows it ("she qu") */
    char candidate[IME_CANDIDATES][IME_CANDIDATE_BYTES];
    size_t ncandidates;
    int page;       /* 0 = first */
    bool more;      /* a next page exists */
    char commit[IME_COMMIT_BYTES];
} ime_output_t;

/* A character's strokes: points in the writing pad's own coordinates (0..size-1), each
 * stroke a run of points in order. */
typedef struct {
    int16_t x[IME_MAX_POINTS], y[IME_MAX_POINTS];
    uint16_t stroke_end[IME_MAX_STROKES]; /* index after the last point of stroke i */
    size_t npoints, nstrokes;
    int size; /* the pad's side in the same units */
} ime_strokes_t;

/* The engines, behind one table (the IME edge's, or a test's fake). Each returns true when it
 * produced output (out filled whole); false when the engine is absent or failed (out is
 * cleared). A NULL function: that engine is absent. ctx is the edge's. */
typedef struct {
    /* Pinyin: one key ('a'..'z', or '\b' for backspace, or '\'' the syllable separator)
     * into the composition. */
    bool (*pinyin_key)(void *ctx, char key, ime_output_t *out);
    /* Pinyin: choose candidate i of the page shown (may commit, may leave letters). */
    bool (*pinyin_select)(void *ctx, size_t i, ime_output_t *out);
    /* Pinyin: the next (dir > 0) or previous page of candidates. */
    bool (*pinyin_page)(void *ctx, int dir, ime_output_t *out);
    /* Pinyin: drop the composition. */
    void (*pinyin_clear)(void *ctx);
    /* Handwriting: the candidates for the strokes so far (first page only). */
    bool (*recognize)(void *ctx, const ime_strokes_t *strokes, ime_output_t *out);
    /* Traditional characters for pinyin (a pack language such as zh-tw, zh-hk); false when
     * the engine cannot. */
    bool (*set_traditional)(void *ctx, bool traditional);
    void *ctx;
} ime_engine_t;

#endif
