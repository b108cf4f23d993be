/* The IME edge: the only code that includes librime and zinnia. Opens the pinyin engine
 * (librime, on dictionaries compiled when the package was built) and the handwriting engine
 * (zinnia and its model) and hands them to the core as one ime_engine_t table
 * (core/ime.h). Either may be missing: the other still works and the error says what is
 * missing, so the kiosk can fall back to Latin letters with a staff notice. Nothing a resident
 * types is written to any file: learning is off in the deployed schemas and the engines only
 * read their data. */
#ifndef KIOSK_IME_ENGINE_H
#define KIOSK_IME_ENGINE_H

#include <stddef.h>

#include "core/ime.h"

/* Where the engines' data lives. The strings are read during ime_engines_open() only. */
typedef struct {
    /* Rime's shared data (Debian's rime-data-luna-pinyin): /usr/share/rime-data. */
    const char *rime_shared_dir;
    /* The kiosk's Rime user dir, deployed at build time (rime_deployer --build): the kiosk's
     * default.yaml and schema patches, and build/ with the compiled schemas and dictionaries
     * (build/<preset>/rime in a build tree, /usr/share/kiosk/rime when installed). Read only:
     * the kiosk never deploys and never writes there. NULL: no pinyin. */
    const char *rime_user_dir;
    /* zinnia's model: /usr/share/tegaki/models/zinnia/handwriting-zh_CN.model. NULL: no
     * handwriting. */
    const char *zinnia_model;
} ime_config_t;

#define IME_RIME_SHARED_DIR "/usr/share/rime-data"
#define IME_ZINNIA_MODEL "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"

/* What ime_engines_open() got: a mask of these. */
#define IME_HAVE_PINYIN 1
#define IME_HAVE_HANDWRITING 2

typedef struct ime_engines ime_engines_t;

/* Opens what cfg names and fills *out (functions of a missing engine are NULL; out->ctx is
 * *handle). Returns the mask of engines that work (0 when none: *handle is still set, and
 * still to close), or -1 when memory ran out (*handle NULL). When an engine is missing, err
 * (errlen bytes, may be NULL) says which and names the missing path; else it is "". *handle
 * is the caller's, to free with ime_engines_close(); out stays valid until then. librime is
 * one per process: at most one engine set may be open at a time. Pinyin starts Simplified
 * (luna_pinyin_simp). */
int ime_engines_open(const ime_config_t *cfg, ime_engine_t *out, ime_engines_t **handle,
                     char *err, size_t errlen);

/* Closes the engines and frees everything; NULL is accepted. */
void ime_engines_close(ime_engines_t *e);

#endif
