/* The IME edge on Debian's engines and data: pinyin through librime on the dictionaries
 * deployed at build time (Simplified and Traditional, backspace, paging, selection), handwriting
 * through zinnia, each engine missing alone, nothing written under the Rime user dir while
 * a resident types, and neither library in the process before the engines are opened. Skips (77)
 * when the data packages are not installed. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "ime/ime_engine.h"
#include "ime_util.h"
#include "scratch_util.h"

static ime_engine_t eng;
static ime_engines_t *engines;
static ime_output_t out;

static bool open_both(void)
{
    ime_config_t cfg = ime_test_config();
    char err[512];
    int have = ime_engines_open(&cfg, &eng, &engines, err, sizeof err);
    if (have != (IME_HAVE_PINYIN | IME_HAVE_HANDWRITING))
        fprintf(stderr, "ime_engines_open: %d: %s\n", have, err);
    return have == (IME_HAVE_PINYIN | IME_HAVE_HANDWRITING) && err[0] == '\0';
}

static void close_both(void)
{
    ime_engines_close(engines);
    engines = NULL;
}

static void type(const char *keys)
{
    for (const char *k = keys; *k; k++)
        CHECK(eng.pinyin_key(eng.ctx, *k, &out));
}

static int find(const char *cand)
{
    for (size_t i = 0; i < out.ncandidates; i++)
        if (strcmp(out.candidate[i], cand) == 0)
            return (int)i;
    return -1;
}

/* "shequfuwu" to 社区服务: the first candidate of the first page, committed by choosing it. */
static void test_pinyin_simplified(void)
{
    REQUIRE(open_both());
    type("shequfuwu");
    CHECK_STR(out.preedit, "she qu fu wu");
    CHECK(out.ncandidates > 0 && out.ncandidates <= IME_CANDIDATES);
    CHECK_STR(out.candidate[0], "社区服务");
    CHECK_INT(out.page, 0);
    CHECK_STR(out.commit, "");
    CHECK(eng.pinyin_select(eng.ctx, 0, &out));
    CHECK_STR(out.commit, "社区服务");
    CHECK_STR(out.preedit, "");
    CHECK_INT(out.ncandidates, 0);
    /* The next key starts a new composition; the commit was reported once. */
    type("n");
    CHECK_STR(out.commit, "");
    CHECK_STR(out.preedit, "n");
    close_both();
}

/* 社区 then 服务: the first selection commits nothing and leaves "fu wu" to choose for. */
static void test_pinyin_two_selections(void)
{
    REQUIRE(open_both());
    type("shequfuwu");
    int part = find("社区");
    REQUIRE(part > 0);
    CHECK(eng.pinyin_select(eng.ctx, (size_t)part, &out));
    CHECK_STR(out.commit, "");
    CHECK(strstr(out.preedit, "社区") != NULL);
    CHECK_STR(out.candidate[0], "服务");
    CHECK(eng.pinyin_select(eng.ctx, 0, &out));
    CHECK_STR(out.commit, "社区服务");
    CHECK_STR(out.preedit, "");
    /* Clearing drops a composition without committing it. */
    type("fuwu");
    eng.pinyin_clear(eng.ctx);
    type("a");
    CHECK_STR(out.preedit, "a");
    CHECK_STR(out.commit, "");
    close_both();
}

/* Backspace edits the composition: "shequf" then backspace is "shequ" again; to the end, the
 * composition and its candidates are gone. */
static void test_pinyin_backspace(void)
{
    REQUIRE(open_both());
    type("shequ");
    ime_output_t shequ = out;
    type("f");
    CHECK(strcmp(out.preedit, shequ.preedit) != 0);
    CHECK(eng.pinyin_key(eng.ctx, '\b', &out));
    CHECK_STR(out.preedit, shequ.preedit);
    CHECK_STR(out.candidate[0], shequ.candidate[0]);
    for (int i = 0; i < 5; i++)
        CHECK(eng.pinyin_key(eng.ctx, '\b', &out));
    CHECK_STR(out.preedit, "");
    CHECK_INT(out.ncandidates, 0);
    CHECK_STR(out.commit, "");
    CHECK(!eng.pinyin_key(eng.ctx, '7', &out)); /* not a pinyin key */
    close_both();
}

/* Paging: the next page is another page of candidates, the previous one the first again. */
static void test_pinyin_paging(void)
{
    REQUIRE(open_both());
    type("shi");
    ime_output_t first = out;
    CHECK_INT(first.page, 0);
    CHECK_INT(first.ncandidates, IME_CANDIDATES);
    CHECK(first.more);
    CHECK(eng.pinyin_page(eng.ctx, 1, &out));
    CHECK_INT(out.page, 1);
    CHECK(out.ncandidates > 0);
    CHECK(strcmp(out.candidate[0], first.candidate[0]) != 0);
    CHECK_STR(out.preedit, first.preedit);
    /* A candidate of the second page commits that candidate. */
    char second[IME_CANDIDATE_BYTES];
    memcpy(second, out.candidate[1], sizeof second);
    CHECK(eng.pinyin_page(eng.ctx, -1, &out));
    CHECK_INT(out.page, 0);
    CHECK_STR(out.candidate[0], first.candidate[0]);
    CHECK(eng.pinyin_page(eng.ctx, 1, &out));
    CHECK(eng.pinyin_select(eng.ctx, 1, &out));
    CHECK_STR(out.commit, second);
    close_both();
}

/* Traditional for zh-tw/zh-hk, and back. */
static void test_pinyin_traditional(void)
{
    REQUIRE(open_both());
    CHECK(eng.set_traditional(eng.ctx, true));
    type("shequ");
    CHECK_STR(out.candidate[0], "社區");
    CHECK(eng.set_traditional(eng.ctx, false));
    CHECK_STR(out.commit, "");
    type("shequ");
    CHECK_STR(out.candidate[0], "社区");
    close_both();
}

/* 十: a horizontal stroke then a vertical one; 口: left side, top and right in one turn,
 * bottom. Each in the top 3. */
static void test_handwriting(void)
{
    REQUIRE(open_both());
    ime_strokes_t s = {.size = 300};
    CHECK(eng.recognize(eng.ctx, &s, &out)); /* nothing written: an empty page */
    CHECK_INT(out.ncandidates, 0);
    ime_test_line(&s, 40, 150, 260, 150);
    ime_test_line(&s, 150, 40, 150, 260);
    CHECK(eng.recognize(eng.ctx, &s, &out));
    CHECK(out.ncandidates > 0);
    int ten = find("十");
    CHECK(ten >= 0 && ten < 3);
    CHECK_STR(out.preedit, "");
    CHECK_STR(out.commit, "");
    memset(&s, 0, sizeof s);
    s.size = 300;
    ime_test_line(&s, 70, 70, 70, 230);
    ime_test_turn(&s, 70, 70, 230, 70, 230, 230);
    ime_test_line(&s, 70, 230, 230, 230);
    CHECK(eng.recognize(eng.ctx, &s, &out));
    int mouth = find("口");
    CHECK(mouth >= 0 && mouth < 3);
    close_both();
}

/* Either engine missing: a clear error naming the path, and the other still works. */
static void test_missing(void)
{
    ime_config_t cfg = ime_test_config();
    cfg.zinnia_model = "/nonexistent/handwriting-zh_CN.model";
    char err[512];
    int have = ime_engines_open(&cfg, &eng, &engines, err, sizeof err);
    CHECK_INT(have, IME_HAVE_PINYIN);
    CHECK(strstr(err, "/nonexistent/handwriting-zh_CN.model") != NULL);
    CHECK(eng.recognize == NULL);
    REQUIRE(eng.pinyin_key != NULL);
    type("shequ");
    CHECK_STR(out.candidate[0], "社区");
    close_both();

    cfg = ime_test_config();
    cfg.rime_user_dir = "/nonexistent/rime";
    have = ime_engines_open(&cfg, &eng, &engines, err, sizeof err);
    CHECK_INT(have, IME_HAVE_HANDWRITING);
    CHECK(strstr(err, "/nonexistent/rime/build/") != NULL);
    CHECK(eng.pinyin_key == NULL && eng.pinyin_select == NULL && eng.pinyin_page == NULL);
    CHECK(eng.set_traditional == NULL && eng.pinyin_clear == NULL);
    REQUIRE(eng.recognize != NULL);
    ime_strokes_t s = {.size = 300};
    ime_test_line(&s, 40, 150, 260, 150);
    CHECK(eng.recognize(eng.ctx, &s, &out));
    CHECK(out.ncandidates > 0);
    close_both();

    cfg = ime_test_config();
    cfg.rime_shared_dir = "/nonexistent/rime-data";
    cfg.zinnia_model = "/nonexistent/handwriting-zh_CN.model";
    have = ime_engines_open(&cfg, &eng, &engines, err, sizeof err);
    CHECK_INT(have, 0);
    CHECK(strstr(err, "/nonexistent/rime-data") != NULL);
    CHECK(strstr(err, "handwriting") != NULL);
    close_both();
    ime_engines_close(NULL);
}

/* The deployed data copied elsewhere (as the package installs it) works. With its files
 * present but broken (an empty schema) librime would start without a word and give no
 * candidates: the edge says so and leaves handwriting working. */
static void test_broken_rime_data(void)
{
    char dir[PATH_MAX], cmd[2 * PATH_MAX + 32], schema[PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "ime"));
    snprintf(cmd, sizeof cmd, "cp -r '%s/.' '%s/'", KIOSK_RIME_DIR, dir);
    REQUIRE(system(cmd) == 0);
    ime_config_t moved = ime_test_config();
    moved.rime_user_dir = dir;
    char err[512];
    CHECK_INT(ime_engines_open(&moved, &eng, &engines, err, sizeof err),
              IME_HAVE_PINYIN | IME_HAVE_HANDWRITING);
    if (eng.pinyin_key) {
        type("shequ");
        CHECK_STR(out.candidate[0], "社区");
    }
    close_both();
    join(schema, dir, "build/luna_pinyin_simp.schema.yaml");
    FILE *f = fopen(schema, "w");
    REQUIRE(f != NULL);
    fclose(f);
    ime_config_t cfg = ime_test_config();
    cfg.rime_user_dir = dir;
    int have = ime_engines_open(&cfg, &eng, &engines, err, sizeof err);
    CHECK_INT(have, IME_HAVE_HANDWRITING);
    CHECK(strstr(err, "pinyin") != NULL && strstr(err, dir) != NULL);
    CHECK(eng.pinyin_key == NULL);
    close_both();
    remove_tree(dir);
}

/* The listing of a tree: each file's path, size and modification time, one a line. */
static void listing(const char *dir, char *buf, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s %lld %lld.%09ld\n", path, (long long)st.st_size,
                 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        if (S_ISDIR(st.st_mode))
            listing(path, buf, cap);
    }
    closedir(d);
}

/* A resident types, pages, commits, and the language switches: nothing under the user dir
 * changes (no user dictionary, no user.yaml update, no new file). */
static void test_nothing_written(void)
{
    static char before[16384], after[16384];
    before[0] = after[0] = '\0';
    listing(KIOSK_RIME_DIR, before, sizeof before);
    REQUIRE(open_both());
    type("shequfuwu");
    CHECK(eng.pinyin_select(eng.ctx, 0, &out));
    type("nihao");
    CHECK(eng.pinyin_page(eng.ctx, 1, &out));
    CHECK(eng.pinyin_select(eng.ctx, 0, &out));
    CHECK(eng.set_traditional(eng.ctx, true));
    type("henhao");
    CHECK(eng.pinyin_select(eng.ctx, 0, &out));
    CHECK(eng.set_traditional(eng.ctx, false));
    close_both();
    listing(KIOSK_RIME_DIR, after, sizeof after);
    CHECK(before[0] != '\0');
    CHECK_STR(after, before);
}

/* Whether the library soname is in the process (RTLD_NOLOAD: looked for, never loaded). */
static bool mapped(const char *soname)
{
    void *h = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
    if (h)
        dlclose(h);
    return h != NULL;
}

/* Whether a file is mapped into the process (/proc/self/maps names it). */
static bool file_mapped(const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[1024];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, path) != NULL;
    if (f)
        fclose(f);
    return found;
}

/* librime and zinnia (and the C++ runtime, ICU, Boost they bring) are loaded when the engines
 * are first opened, not with the program: a kiosk without input methods never maps them. The
 * handwriting model (26 MB, read whole by zinnia) comes in at the first stroke recognised. */
static void engines_are_loaded_only_when_opened(void)
{
    CHECK(!mapped("librime.so.1"));
    CHECK(!mapped("libzinnia.so.0"));
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(!mapped("libstdc++.so.6")); /* the sanitizers' runtime maps it itself */
#endif
    REQUIRE(open_both());
    CHECK(mapped("librime.so.1"));
    CHECK(mapped("libzinnia.so.0"));
    const char *model = ime_test_config().zinnia_model;
    CHECK(!file_mapped(model));
    ime_strokes_t s = {.size = 300};
    ime_test_line(&s, 40, 150, 260, 150);
    CHECK(eng.recognize(eng.ctx, &s, &out) && out.ncandidates > 0);
    CHECK(file_mapped(model));
    close_both();
    CHECK(!file_mapped(model));
    REQUIRE(open_both()); /* open again after a close: the same libraries */
    close_both();
}

/* A model that is not whole (cut short, or not a model) is named when handwriting opens,
 * from its first bytes, without reading it all. */
static void a_broken_model_is_named_at_open(void)
{
    char dir[PATH_MAX], cut[PATH_MAX + 16], cmd[3 * PATH_MAX];
    REQUIRE(make_scratch_dir(dir, "ime-model"));
    snprintf(cut, sizeof cut, "%s/cut.model", dir);
    snprintf(cmd, sizeof cmd, "head -c 100000 '%s' > '%s'", ime_test_config().zinnia_model, cut);
    REQUIRE(system(cmd) == 0);
    const char *broken[] = {cut, "/etc/hostname"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        ime_config_t cfg = ime_test_config();
        cfg.zinnia_model = broken[i];
        char err[512];
        int have = ime_engines_open(&cfg, &eng, &engines, err, sizeof err);
        CHECK_INT(have, IME_HAVE_PINYIN);
        CHECK(strstr(err, broken[i]) != NULL && strstr(err, "handwriting") != NULL);
        CHECK(eng.recognize == NULL);
        close_both();
    }
    remove_tree(dir);
}

int main(void)
{
    if (!ime_test_data_present()) {
        fprintf(stderr, "skip: rime-data-luna-pinyin or tegaki-zinnia-simplified-chinese "
                        "is not installed\n");
        return 77;
    }
    RUN(engines_are_loaded_only_when_opened); /* first: nothing opened before it */
    RUN(test_pinyin_simplified);
    RUN(test_pinyin_two_selections);
    RUN(test_pinyin_backspace);
    RUN(test_pinyin_paging);
    RUN(test_pinyin_traditional);
    RUN(test_handwriting);
    RUN(test_missing);
    RUN(a_broken_model_is_named_at_open);
    RUN(test_broken_rime_data);
    RUN(test_nothing_written);
    return check_failures != 0;
}
