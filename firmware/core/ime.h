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

#define IME_CANDIDATES 5 /* candidates on one page of the bar, at most: 5 fit the 7" panel */
#define IME_CANDIDATE_BYTES 32
#define IME_PREEDIT_BYTES 128
#define IME_COMMIT_BYTES 256
#define IME_MAX_STROKES 32
#define IME_MAX_POINTS 1024 /* points over all strokes of one character */

/* What an engine shows after each step: the composition, the page of candidates, and text
 * that was committed by the step (the caller appends it to the answer). */
typedef struct {
    char preedit[IME_PREEDIT_BYTES]; /* the composition as the engine shows it ("she qu") */
    char candidate[IME_CANDIDATES][IME_CANDIDATE_BYTES];
    size_t ncandidates;
    int page;  /* 0 = first */
    bool more; /* a next page exists */
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

/* ---- the state of one text field's input method (ime.c) ----
 * Each function takes the engine table (NULL: no engines) and returns whether the state
 * changed; text the step committed is handed back in commit ("" when none), for the caller to
 * add to the answer through the path typed text takes. A step whose engine fails turns that
 * mode off (ime_available() false from then on, until ime_init()), switches to Latin letters
 * and hands back the letters of the composition as typed: nothing the resident typed is
 * lost, nothing crashes. Nothing here keeps a pointer: the engine table and ctx are read
 * during each call only. */

typedef struct {
    ime_mode_t mode;
    ime_output_t out;      /* what the engine shows: the composition and a page (commit "") */
    ime_strokes_t strokes; /* the character being written; strokes.size is the pad's side */
    bool drawing;          /* a stroke is open: its points run from the last finished stroke's
                              end to strokes.npoints */
    char letters[IME_PREEDIT_BYTES]; /* the composition's letters as typed (the fallback) */
    bool absent[IME_MODE_COUNT];     /* no engine for the mode (as of the last ime_reset) */
    bool failed[IME_MODE_COUNT];     /* its engine failed since ime_init() */
} ime_t;

/* A fresh state: Latin letters, nothing composed, every engine presumed working. */
void ime_init(ime_t *s);
/* Drops the composition and the strokes (the engine's too) and sets mode, or Latin letters
 * when mode's engine is absent or failed; reads which engines e has. */
void ime_reset(ime_t *s, const ime_engine_t *e, ime_mode_t mode);
/* Whether mode can be used: Latin letters and digits always; pinyin and handwriting when
 * their engine was there at the last ime_reset() and has not failed. */
bool ime_available(const ime_t *s, ime_mode_t mode);
/* Pinyin letters or handwriting strokes are waiting for a candidate. */
bool ime_composing(const ime_t *s);
/* Whether key belongs to the composition rather than the answer: a letter (any case) in
 * pinyin mode, or while composing the separator '\'' or a digit 1-9, 0 (it chooses that
 * candidate of the page). Otherwise the caller types key directly. */
bool ime_takes_key(const ime_t *s, char key);

/* Pinyin: a key ime_takes_key() accepted (letters go in lower case). */
bool ime_key(ime_t *s, const ime_engine_t *e, char key, char commit[IME_COMMIT_BYTES]);
/* Inside a composition: pinyin drops its last letter, handwriting its last stroke. False
 * with nothing composed (the caller deletes a character of the answer). */
bool ime_backspace(ime_t *s, const ime_engine_t *e, char commit[IME_COMMIT_BYTES]);
/* Candidate i of the page shown: pinyin asks the engine (which may leave letters to
 * convert); handwriting commits it and clears the strokes. */
bool ime_select(ime_t *s, const ime_engine_t *e, size_t i, char commit[IME_COMMIT_BYTES]);
/* One step towards settling a pending composition: its first candidate, or the letters as
 * typed when the engine offers none; strokes without a candidate are dropped. A candidate
 * may leave letters to convert: the caller repeats while ime_composing(). */
bool ime_settle(ime_t *s, const ime_engine_t *e, char commit[IME_COMMIT_BYTES]);
/* Pinyin: the next (dir > 0) or previous page of candidates. */
bool ime_page(ime_t *s, const ime_engine_t *e, int dir, char commit[IME_COMMIT_BYTES]);
/* Switches to mode, or with mode < 0 to the next available one (handwriting -> pinyin ->
 * Latin -> digits -> handwriting); drops the composition and strokes. False when mode is not
 * available or already set. */
bool ime_set_mode(ime_t *s, const ime_engine_t *e, int mode);

/* Handwriting: a finger down at (x, y) on a pad of side size (clipped to 0..size-1; the size
 * of a character's first stroke holds for the rest), moving, lifted. A stroke ends with its
 * candidates recognized; points beyond IME_MAX_POINTS and strokes beyond IME_MAX_STROKES are
 * refused. A finger down while a stroke is open finishes that stroke first. */
bool ime_stroke_begin(ime_t *s, const ime_engine_t *e, int x, int y, int size);
bool ime_stroke_point(ime_t *s, int x, int y);
bool ime_stroke_end(ime_t *s, const ime_engine_t *e);
/* Handwriting: removes the last stroke (and recognizes what is left again), or all. */
bool ime_stroke_undo(ime_t *s, const ime_engine_t *e);
bool ime_stroke_clear(ime_t *s, const ime_engine_t *e);

/* The name of a mode as packs spell it ("handwriting", "pinyin", "latin", "digits"), and
 * back (-1 for an unknown name); static strings. */
const char *ime_mode_name(ime_mode_t mode);
int ime_mode_from_name(const char *name);

#endif
