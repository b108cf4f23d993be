/* Pinyin through librime, on the schemas rime_deployer compiled at build time.
 *
 * Schema: luna_pinyin_simp (Debian's rime-data-luna-pinyin), not pinyin_simp
 * (rime-data-pinyin-simp). luna_pinyin_simp is the luna_pinyin dictionary (Traditional
 * entries, ranked by rime-essay's frequencies, Debian ships its table prebuilt) through
 * OpenCC's simplifier: "shequfuwu" gives 社区服务 first (test_ime), and the same dictionary gives
 * Traditional (社區) for zh-tw/zh-hk by switching to the luna_pinyin schema, so one package
 * serves both scripts. pinyin_simp is a Simplified-only dictionary: a second package for
 * Traditional, and not tried here.
 *
 * Nothing typed is kept: the kiosk's schema patches turn the user dictionary off (no LevelDB
 * under the user dir), nothing here deploys (no start_maintenance), and librime logs to stderr
 * only (log_dir ""), never to files.
 *
 * librime is loaded (dlopen) when pinyin is first opened, not linked: a kiosk without input
 * methods never maps it, nor what it brings (libstdc++, ICU, Boost, glog, yaml-cpp, LevelDB,
 * OpenCC: about 6 MB of resident pages; issue 18: peak memory). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rime_api.h>

#include "ime/ime_internal.h"

#define SCHEMA_SIMP "luna_pinyin_simp"
#define SCHEMA_TRAD "luna_pinyin"
#define KEY_BACKSPACE 0xff08 /* X11 keysyms, as librime takes them */
#define KEY_PAGE_UP 0xff55
#define KEY_PAGE_DOWN 0xff56

#ifndef KIOSK_RIME_SONAME
#define KIOSK_RIME_SONAME "librime.so.1"
#endif

/* librime's one entry point, once loaded; the library stays for the process (glog inside it
 * must not be started twice, see below). */
static RimeApi *(*get_api)(void);

static bool rime_load(char *err, size_t errlen)
{
    if (get_api)
        return true;
    void *lib = dlopen(KIOSK_RIME_SONAME, RTLD_NOW | RTLD_LOCAL);
    void *sym = lib ? dlsym(lib, "rime_get_api") : NULL;
    if (!sym) {
        ime_err_append(err, errlen, "pinyin: cannot load %s (librime1): %s", KIOSK_RIME_SONAME,
                       dlerror());
        if (lib)
            dlclose(lib);
        return false;
    }
    memcpy(&get_api, &sym, sizeof sym);
    return true;
}

/* librime's RimeSetup() starts glog, which aborts when started twice in one process; so it
 * runs once per process. This is librime's own process-wide state, not the kiosk's. */
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static void rime_setup_once(void)
{
    RIME_STRUCT(RimeTraits, traits);
    traits.app_name = "rime.kiosk";
    traits.min_log_level = 2; /* errors only */
    traits.log_dir = "";      /* "": stderr, no log files */
    get_api()->setup(&traits);
}

static void fill_output(struct ime_engines *e, ime_output_t *out)
{
    RimeApi *r = e->rime;
    memset(out, 0, sizeof *out);
    RIME_STRUCT(RimeCommit, commit);
    if (r->get_commit(e->session, &commit)) {
        ime_copy_utf8(out->commit, sizeof out->commit, commit.text);
        r->free_commit(&commit);
    }
    RIME_STRUCT(RimeContext, ctx);
    if (!r->get_context(e->session, &ctx))
        return;
    ime_copy_utf8(out->preedit, sizeof out->preedit, ctx.composition.preedit);
    size_t n = ctx.menu.num_candidates > 0 ? (size_t)ctx.menu.num_candidates : 0;
    if (n > IME_CANDIDATES)
        n = IME_CANDIDATES;
    for (size_t i = 0; i < n; i++)
        ime_copy_utf8(out->candidate[i], IME_CANDIDATE_BYTES, ctx.menu.candidates[i].text);
    out->ncandidates = n;
    out->page = ctx.menu.page_no;
    out->more = n > 0 && !ctx.menu.is_last_page;
    r->free_context(&ctx);
}

static bool rime_key(void *ctx, char key, ime_output_t *out)
{
    struct ime_engines *e = ctx;
    int code;
    if (key == '\b')
        code = KEY_BACKSPACE;
    else if ((key >= 'a' && key <= 'z') || key == '\'')
        code = (unsigned char)key;
    else {
        memset(out, 0, sizeof *out);
        return false;
    }
    e->rime->process_key(e->session, code, 0);
    fill_output(e, out);
    return true;
}

static bool rime_select(void *ctx, size_t i, ime_output_t *out)
{
    struct ime_engines *e = ctx;
    if (!e->rime->select_candidate_on_current_page(e->session, i)) {
        memset(out, 0, sizeof *out);
        return false;
    }
    fill_output(e, out);
    return true;
}

/* librime 1.8.5 has no change_page in its API: the selector pages on Page_Up/Page_Down. */
static bool rime_page(void *ctx, int dir, ime_output_t *out)
{
    struct ime_engines *e = ctx;
    e->rime->process_key(e->session, dir > 0 ? KEY_PAGE_DOWN : KEY_PAGE_UP, 0);
    fill_output(e, out);
    return true;
}

static void rime_clear(void *ctx)
{
    struct ime_engines *e = ctx;
    e->rime->clear_composition(e->session);
}

static bool rime_traditional(void *ctx, bool traditional)
{
    struct ime_engines *e = ctx;
    e->rime->clear_composition(e->session);
    return e->rime->select_schema(e->session, traditional ? SCHEMA_TRAD : SCHEMA_SIMP);
}

/* The deployed data must be there: librime would otherwise start with no schema and give no
 * candidates, without a word. */
static bool rime_data_present(const ime_config_t *cfg, char *err, size_t errlen)
{
    struct stat st;
    char path[1024];
    const char *need[] = {SCHEMA_SIMP ".schema.yaml", SCHEMA_TRAD ".schema.yaml",
                          SCHEMA_SIMP ".prism.bin", SCHEMA_TRAD ".prism.bin"};
    if (!cfg->rime_shared_dir || stat(cfg->rime_shared_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        ime_err_append(err, errlen, "pinyin: no Rime shared data at %s (rime-data-luna-pinyin)",
                       cfg->rime_shared_dir ? cfg->rime_shared_dir : "(none)");
        return false;
    }
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        snprintf(path, sizeof path, "%s/build/%s", cfg->rime_user_dir, need[i]);
        if (stat(path, &st) != 0) {
            ime_err_append(err, errlen, "pinyin: no deployed Rime data: %s is missing", path);
            return false;
        }
    }
    return true;
}

/* A first key must give candidates, else the dictionaries did not load; and a page no longer
 * than the bar shows (the deployed menu/page_size), else candidates would be lost. */
static bool rime_works(struct ime_engines *e)
{
    RIME_STRUCT(RimeContext, ctx);
    e->rime->process_key(e->session, 'a', 0);
    bool ok = e->rime->get_context(e->session, &ctx) && ctx.menu.num_candidates > 0 &&
              ctx.menu.page_size <= IME_CANDIDATES;
    if (ok)
        e->rime->free_context(&ctx);
    e->rime->clear_composition(e->session);
    return ok;
}

bool ime_rime_open(struct ime_engines *e, const ime_config_t *cfg, ime_engine_t *out, char *err,
                   size_t errlen)
{
    if (!rime_data_present(cfg, err, errlen) || !rime_load(err, errlen))
        return false;
    pthread_once(&setup_once, rime_setup_once);
    RimeApi *r = get_api();
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = cfg->rime_shared_dir;
    traits.user_data_dir = cfg->rime_user_dir;
    traits.app_name = "rime.kiosk";
    r->initialize(&traits);
    e->rime = r;
    e->session = r->create_session();
    char schema[64] = "";
    if (!e->session || !r->get_current_schema(e->session, schema, sizeof schema) ||
        strcmp(schema, SCHEMA_SIMP) != 0 || !rime_works(e)) {
        ime_err_append(err, errlen, "pinyin: librime did not load %s from %s/build (got '%s')",
                       SCHEMA_SIMP, cfg->rime_user_dir, schema);
        ime_rime_close(e);
        return false;
    }
    out->pinyin_key = rime_key;
    out->pinyin_select = rime_select;
    out->pinyin_page = rime_page;
    out->pinyin_clear = rime_clear;
    out->set_traditional = rime_traditional;
    return true;
}

void ime_rime_close(struct ime_engines *e)
{
    if (!e->rime)
        return;
    if (e->session)
        e->rime->destroy_session(e->session);
    e->rime->finalize();
    e->rime = NULL;
    e->session = 0;
}
