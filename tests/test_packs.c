/* Content packs from a staff stick: listing and validating hostile sticks, install, rollback and
 * loading with fallbacks, the states a power cut leaves, a damaged active pack, a read-only and
 * a full data directory (tmpfs mounts when root); recorded prompts (real Ogg Vorbis and Opus
 * files made by sox and opusenc) checked, stored, rewritten, kept for rollback, collected. */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "app/speaker.h"
#include "audio/audio.h"
#include "usb/packs.h"
#include "check.h"
#include "core/kerr.h"
#include "pack_util.h"
#include "scratch_util.h"

/* The default pack with another version text. */
static char *pack_text(const char *version)
{
    size_t len;
    char *json = read_default_pack(&len);
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    free(json);
    if (!root)
        abort();
    cJSON_ReplaceItemInObject(root, "version", cJSON_CreateString(version));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static bool write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, strlen(text), f) == strlen(text);
    return fclose(f) == 0 && ok;
}

static bool write_pack(const char *dir, const char *name, const char *version)
{
    char path[PATH_MAX];
    join(path, dir, name);
    char *text = pack_text(version);
    bool ok = write_text(path, text);
    free(text);
    return ok;
}

static bool exists(const char *dir, const char *name)
{
    char path[PATH_MAX];
    join(path, dir, name);
    struct stat st;
    return lstat(path, &st) == 0;
}

typedef struct {
    char text[16384];
    int errors;
} logbuf_t;

static void collect(const char *level, const char *msg, void *ud)
{
    logbuf_t *l = ud;
    if (strcmp(level, "error") == 0)
        l->errors++;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s: %s\n", level, msg);
}

/* Loads as the kiosk would and returns the version of the pack it got ("(none)" on failure). */
static const char *loaded(const char *data, const char *configured, int *rc, char source[PATH_MAX],
                          logbuf_t *lb)
{
    static char version[64];
    content_t *c = NULL;
    memset(lb, 0, sizeof *lb);
    *rc = packs_load(data, configured, NULL, &c, source, PATH_MAX, collect, lb);
    snprintf(version, sizeof version, "%s", c ? content_version(c) : "(none)");
    content_free(c);
    return version;
}

/* The version of the pack in a file ("(bad)" if it does not load). */
static const char *file_version(const char *path)
{
    static char version[64];
    snprintf(version, sizeof version, "(bad)");
    FILE *f = fopen(path, "rb");
    if (!f)
        return version;
    static char buf[PACKS_MAX_BYTES];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    content_t *c = NULL;
    content_error_t err;
    if (content_load(buf, n, path, &c, &err) == KIOSK_OK)
        snprintf(version, sizeof version, "%s", content_version(c));
    content_free(c);
    return version;
}

/* <data>/packs/<name> */
static void packs_file(char out[PATH_MAX], const char *data, const char *name)
{
    char pd[PATH_MAX];
    join(pd, data, "packs");
    join(out, pd, name);
}

static const char *previous_version(const char *data)
{
    char path[PATH_MAX];
    packs_file(path, data, "previous.json");
    return file_version(path);
}

/* A stick with two good packs: <root>/stick/kiosk-packs/{v1,v2}.json. */
static void make_stick(const char *root, char stick[PATH_MAX], char packs[PATH_MAX])
{
    join(stick, root, "stick");
    join(packs, stick, PACKS_STICK_DIR);
    if (!mkdir_p(packs) || !write_pack(packs, "v1.json", "test-v1") ||
        !write_pack(packs, "v2.json", "test-v2"))
        abort();
}

static pack_candidate_t *find(pack_candidate_t *c, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].name, name) == 0)
            return &c[i];
    return NULL;
}

static void scan_lists_valid_and_refused_packs_with_reasons(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], path[PATH_MAX], err[512];
    REQUIRE(make_scratch_dir(root, "packs-scan"));
    make_stick(root, stick, packs);
    /* Broken JSON: the place is named. */
    join(path, packs, "broken.json");
    REQUIRE(write_text(path, "{\n  \"formatVersion\": 1,\n  \"id\": \n}\n"));
    /* Good JSON, bad pack: the JSON path is named. */
    char *text = pack_text("x");
    cJSON *rootj = cJSON_Parse(text);
    free(text);
    cJSON_ReplaceItemInObject(rootj, "defaultLanguage", cJSON_CreateNumber(3));
    text = cJSON_Print(rootj);
    cJSON_Delete(rootj);
    join(path, packs, "wrong.json");
    REQUIRE(write_text(path, text));
    free(text);
    join(path, packs, "link.json");
    REQUIRE(symlink("v1.json", path) == 0);
    join(path, packs, "fifo.json");
    REQUIRE(mkfifo(path, 0644) == 0);
    join(path, packs, "big.json");
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, PACKS_MAX_BYTES + 1) == 0);
    close(fd);
    join(path, packs, "folder.json");
    REQUIRE(mkdir(path, 0755) == 0);
    join(path, packs, "notes.txt");
    REQUIRE(write_text(path, "not a pack"));
    join(path, packs, "._v1.json"); /* macOS litter: skipped */
    REQUIRE(write_text(path, "junk"));
    join(path, packs, "UPPER.JSON");
    REQUIRE(write_text(path, "[]"));

    pack_candidate_t c[PACKS_MAX];
    int n = packs_scan(stick, c, PACKS_MAX, NULL, err, sizeof err);
    REQUIRE(n == 9); /* not notes.txt, not ._v1.json */
    for (int i = 1; i < n; i++)
        CHECK(strcmp(c[i - 1].name, c[i].name) < 0);
    pack_candidate_t *p = find(c, n, "v1.json");
    REQUIRE(p);
    CHECK(p->ok);
    CHECK_STR(p->id, "default");
    CHECK_STR(p->version, "test-v1");
    join(path, packs, "v1.json");
    CHECK_STR(p->path, path);
    p = find(c, n, "v2.json");
    REQUIRE(p);
    CHECK(p->ok);
    CHECK_STR(p->version, "test-v2");
    struct {
        const char *name, *reason;
    } refused[] = {
        {"broken.json", "broken.json: $: invalid JSON near line 4, column 1"},
        {"wrong.json", "$.defaultLanguage"},
        {"link.json", "symbolic link"},
        {"fifo.json", "not a regular file"},
        {"big.json", "refused unread"},
        {"folder.json", "is a directory"},
        {"UPPER.JSON", "expected a JSON object"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        p = find(c, n, refused[i].name);
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK(!p->ok);
        if (!strstr(p->error, refused[i].reason) || !strstr(p->error, refused[i].name)) {
            fprintf(stderr, "  %s: \"%s\" lacks \"%s\"\n", p->name, p->error, refused[i].reason);
            check_failures++;
        }
    }
    /* At most max, the first by name. */
    CHECK_INT(packs_scan(stick, c, 2, NULL, err, sizeof err), 2);
    CHECK_STR(c[0].name, "UPPER.JSON");
    CHECK_STR(c[1].name, "big.json");
    /* No kiosk-packs directory: nothing; kiosk-packs a symbolic link: refused. */
    char other[PATH_MAX];
    join(other, root, "empty-stick");
    REQUIRE(mkdir(other, 0755) == 0);
    CHECK_INT(packs_scan(other, c, PACKS_MAX, NULL, err, sizeof err), 0);
    join(path, other, PACKS_STICK_DIR);
    REQUIRE(symlink(packs, path) == 0);
    CHECK(packs_scan(other, c, PACKS_MAX, NULL, err, sizeof err) < 0);
    CHECK(strstr(err, "symbolic link") != NULL);
    join(path, root, "no-such-stick");
    CHECK(packs_scan(path, c, PACKS_MAX, NULL, err, sizeof err) < 0);
    remove_tree(root);
}

static void install_rollback_and_rollback_again(void)
{
    static pack_candidate_t prev;
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char source[PATH_MAX], err[1024], path[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-install"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    logbuf_t lb;
    int rc;
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "(none)");
    CHECK_INT(rc, KIOSK_ENOENT);
    CHECK(packs_previous(data, &prev) == KIOSK_ENOENT);
    char rb_err[1024];
    CHECK_INT(packs_rollback(data, rb_err, sizeof rb_err), KIOSK_ENOENT);

    join(src, packs, "v1.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v1");
    CHECK_INT(rc, KIOSK_OK);
    packs_file(path, data, "active.json");
    CHECK_STR(source, path);
    CHECK_INT(lb.errors, 0);
    CHECK(packs_previous(data, &prev) == KIOSK_ENOENT);
    CHECK_INT(packs_rollback(data, rb_err, sizeof rb_err), KIOSK_ENOENT);
    CHECK(strstr(rb_err, "no previous pack") != NULL);

    join(src, packs, "v2.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v2");
    CHECK(packs_previous(data, &prev) == KIOSK_OK && prev.ok);
    CHECK_STR(prev.version, "test-v1");
    CHECK_STR(previous_version(data), "test-v1");

    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v1");
    CHECK_STR(previous_version(data), "test-v2");
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v2");
    CHECK_STR(previous_version(data), "test-v1");

    /* The configured pack is only the last choice. */
    CHECK_STR(loaded(data, KIOSK_DEFAULT_PACK, &rc, source, &lb), "test-v2");
    char pd[PATH_MAX];
    join(pd, data, "packs");
    CHECK(!exists(pd, "active.json.tmp"));
    CHECK(!exists(pd, "swap.json"));
    remove_tree(root);
}

static void refused_installs_leave_the_active_pack(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char source[PATH_MAX], err[1024], path[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-refused"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(src, packs, "v1.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    join(src, packs, "v2.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);

    join(src, packs, "broken.json");
    REQUIRE(write_text(src, "{\"formatVersion\": 1,"));
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "broken.json") && strstr(err, "invalid JSON near line 1"));
    join(src, packs, "link.json");
    REQUIRE(symlink("v1.json", src) == 0);
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "symbolic link") != NULL);
    join(src, packs, "big.json");
    int fd = open(src, O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, PACKS_MAX_BYTES + 1) == 0);
    close(fd);
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_ETOOBIG);
    join(src, packs, "gone.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_ENOENT);
    /* A directory on the way that is a symbolic link is not followed. */
    join(path, root, "stick2");
    REQUIRE(mkdir(path, 0755) == 0);
    char linked[PATH_MAX];
    join(linked, path, PACKS_STICK_DIR);
    REQUIRE(symlink(packs, linked) == 0);
    join(src, linked, "v1.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "symbolic link") != NULL);

    logbuf_t lb;
    int rc;
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v2");
    CHECK_STR(previous_version(data), "test-v1");
    char pd[PATH_MAX];
    join(pd, data, "packs");
    CHECK(!exists(pd, "active.json.tmp"));
    remove_tree(root);
}

/* Each state a power cut can leave, built by hand, and what the next start makes of it. */
static void power_cut_states_are_finished_or_undone(void)
{
    static pack_candidate_t prev;
    char root[PATH_MAX], data[PATH_MAX], pd[PATH_MAX], source[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-cut"));
    join(data, root, "data");
    join(pd, data, "packs");
    logbuf_t lb;
    int rc;

    /* A leftover tmp (valid or not) beside an active pack: ignored and removed. */
    REQUIRE(mkdir_p(pd));
    REQUIRE(write_pack(pd, "active.json", "a"));
    REQUIRE(write_pack(pd, "previous.json", "p"));
    REQUIRE(write_pack(pd, "active.json.tmp", "t"));
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "a");
    CHECK(!exists(pd, "active.json.tmp"));
    CHECK_STR(previous_version(data), "p");
    char path[PATH_MAX];
    join(path, pd, "active.json.tmp");
    REQUIRE(write_text(path, "{\"formatVersion\": 1, \"id\": \"half-writ"));
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "a");
    CHECK(!exists(pd, "active.json.tmp"));
    CHECK_INT(lb.errors, 0);
    /* Also when install or rollback is the next call. */
    REQUIRE(write_text(path, "garbage"));
    char err[1024];
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "p");
    CHECK_STR(previous_version(data), "a");
    CHECK(!exists(pd, "active.json.tmp"));
    remove_tree(pd);

    /* Install cut after active.json became previous.json: the synced tmp is the new pack. */
    REQUIRE(mkdir_p(pd));
    REQUIRE(write_pack(pd, "previous.json", "old-active"));
    REQUIRE(write_pack(pd, "active.json.tmp", "new"));
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "new");
    CHECK_STR(previous_version(data), "old-active");
    CHECK(!exists(pd, "active.json.tmp"));
    remove_tree(pd);

    /* ... the same with a damaged tmp (cannot happen by the order of the writes, but): the
     * previous pack runs. */
    REQUIRE(mkdir_p(pd));
    REQUIRE(write_pack(pd, "previous.json", "old-active"));
    join(path, pd, "active.json.tmp");
    REQUIRE(write_text(path, "{"));
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "old-active");
    CHECK(!exists(pd, "active.json.tmp"));
    remove_tree(pd);

    /* Rollback cut after previous.json became swap.json: undone. */
    REQUIRE(mkdir_p(pd));
    REQUIRE(write_pack(pd, "active.json", "a"));
    REQUIRE(write_pack(pd, "swap.json", "p"));
    CHECK(packs_previous(data, &prev) == KIOSK_OK && prev.ok);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "a");
    CHECK_STR(previous_version(data), "p");
    CHECK(!exists(pd, "swap.json"));
    remove_tree(pd);

    /* Rollback cut after active.json became previous.json: finished. */
    REQUIRE(mkdir_p(pd));
    REQUIRE(write_pack(pd, "previous.json", "a"));
    REQUIRE(write_pack(pd, "swap.json", "p"));
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "p");
    CHECK_STR(previous_version(data), "a");
    CHECK(!exists(pd, "swap.json"));
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "a");
    remove_tree(root);
}

static void damaged_active_falls_back_to_previous_with_the_error_logged(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char source[PATH_MAX], err[1024], active[PATH_MAX], previous[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-damaged"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(src, packs, "v1.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    join(src, packs, "v2.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    packs_file(active, data, "active.json");
    packs_file(previous, data, "previous.json");

    /* Cut in half on disk. */
    struct stat st;
    REQUIRE(stat(active, &st) == 0);
    REQUIRE(truncate(active, st.st_size / 2) == 0);
    logbuf_t lb;
    int rc;
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v1");
    CHECK_INT(rc, KIOSK_OK);
    CHECK_STR(source, previous);
    CHECK_INT(lb.errors, 1);
    CHECK(strstr(lb.text, "error: content pack rejected: ") != NULL);
    CHECK(strstr(lb.text, active) != NULL);
    CHECK(strstr(lb.text, ": $: invalid JSON near line ") != NULL);

    /* Valid JSON, invalid pack: the JSON path is in the message. */
    char *text = pack_text("damaged");
    cJSON *j = cJSON_Parse(text);
    free(text);
    cJSON_DeleteItemFromObject(j, "journeys");
    text = cJSON_Print(j);
    cJSON_Delete(j);
    REQUIRE(write_text(active, text));
    free(text);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v1");
    CHECK_INT(lb.errors, 1);
    CHECK(strstr(lb.text, "$.journeys") != NULL);
    fprintf(stderr, "  logged: %s", lb.text);

    /* Installing over a damaged active keeps the last good pack as previous. */
    join(src, packs, "v2.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v2");
    CHECK_STR(previous_version(data), "test-v1");

    /* Both damaged: the configured pack, then nothing. */
    REQUIRE(write_text(active, "[]"));
    REQUIRE(write_text(previous, "{"));
    char want[64];
    snprintf(want, sizeof want, "%s", file_version(KIOSK_DEFAULT_PACK));
    CHECK_STR(loaded(data, KIOSK_DEFAULT_PACK, &rc, source, &lb), want);
    CHECK_INT(rc, KIOSK_OK);
    CHECK_STR(source, KIOSK_DEFAULT_PACK);
    CHECK_INT(lb.errors, 2);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "(none)");
    CHECK_INT(rc, KIOSK_ECORRUPT);
    CHECK_STR(source, "");
    /* A damaged previous pack is not rolled back to. */
    char *good = pack_text("good");
    REQUIRE(write_text(active, good));
    free(good);
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "previous.json") && strstr(err, "rollback refused"));
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "good");
    remove_tree(root);
}

/* A tmpfs mounted at dir (root only); false with a note when it cannot be. */
static bool mount_tmpfs(const char *dir, const char *opts)
{
    if (geteuid() != 0) {
        fprintf(stderr, "  skipped: mounting a tmpfs needs root\n");
        return false;
    }
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
        fprintf(stderr, "  skipped: cannot mount a tmpfs here: %s\n", strerror(errno));
        return false;
    }
    return true;
}

static void read_only_data_dir_is_an_error_and_no_change(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char source[PATH_MAX], err[1024], pd[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-ro"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    join(pd, data, "packs");
    REQUIRE(mkdir(data, 0755) == 0);
    bool mounted = geteuid() == 0;
    if (mounted && !mount_tmpfs(data, "size=8m")) {
        remove_tree(root);
        return;
    }
    join(src, packs, "v1.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    join(src, packs, "v2.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    if (mounted) {
        REQUIRE(mount("tmpfs", data, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) == 0);
    } else {
        REQUIRE(chmod(pd, 0555) == 0);
        REQUIRE(chmod(data, 0555) == 0);
    }
    join(src, packs, "v1.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_EACCES);
    CHECK(strstr(err, "read-only") && strstr(err, "unchanged"));
    fprintf(stderr, "  install: %s\n", err);
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_EACCES);
    fprintf(stderr, "  rollback: %s\n", err);
    logbuf_t lb;
    int rc;
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v2");
    CHECK_STR(previous_version(data), "test-v1");
    /* A fresh data directory on read-only storage: packs/ cannot be made. */
    if (mounted) {
        char fresh[PATH_MAX];
        join(fresh, root, "fresh");
        REQUIRE(mkdir(fresh, 0755) == 0);
        if (mount_tmpfs(fresh, "size=1m")) {
            REQUIRE(mount("tmpfs", fresh, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) == 0);
            CHECK_INT(packs_install(fresh, src, NULL, err, sizeof err), KIOSK_EACCES);
            umount2(fresh, MNT_DETACH);
        }
        umount2(data, MNT_DETACH);
    }
    remove_tree(root);
}

static void full_data_dir_leaves_the_active_pack(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char source[PATH_MAX], err[1024], pd[PATH_MAX], filler[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-full"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    join(pd, data, "packs");
    REQUIRE(mkdir(data, 0755) == 0);
    struct stat st;
    join(src, packs, "v1.json");
    REQUIRE(stat(src, &st) == 0);
    char opts[64];
    snprintf(opts, sizeof opts, "size=%lldk", (long long)(st.st_size * 4 / 1024 + 64));
    if (!mount_tmpfs(data, opts)) {
        remove_tree(root);
        return;
    }
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    /* Fill the rest. */
    join(filler, data, "filler");
    FILE *f = fopen(filler, "wb");
    REQUIRE(f);
    static char block[4096];
    while (fwrite(block, 1, sizeof block, f) == sizeof block)
        ;
    fclose(f);
    join(src, packs, "v2.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_EFULL);
    CHECK(strstr(err, "full") && strstr(err, "unchanged"));
    fprintf(stderr, "  install: %s\n", err);
    CHECK(!exists(pd, "active.json.tmp"));
    logbuf_t lb;
    int rc;
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v1");
    CHECK_INT(lb.errors, 0);
    /* With room again it goes in. */
    unlink(filler);
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v2");
    CHECK_STR(previous_version(data), "test-v1");
    umount2(data, MNT_DETACH);
    remove_tree(root);
}

/* The caller's own check (the kiosk's: the fonts draw every text) refuses a pack the loader
 * takes: this one refuses test-v2, naming a place, as a missing glyph would. */
static bool refuse_v2(void *ud, const content_t *c, const char *json, size_t len,
                      const char *pack_dir, char *why, size_t whylen)
{
    (*(int *)ud)++;
    CHECK(c != NULL);
    CHECK(pack_dir != NULL && pack_dir[0] != '\0');
    if (!memmem(json, len, "test-v2", 7))
        return true;
    snprintf(why, whylen, "$.strings.home.title.ug: U+E000 has no font");
    return false;
}

static void the_callers_check_refuses_a_pack_everywhere(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char err[1024], source[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-check"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    int calls = 0;
    pack_check_t check = {refuse_v2, &calls};
    /* listed from the stick as refused, with the reason and the file */
    pack_candidate_t c[PACKS_MAX];
    int n = packs_scan(stick, c, PACKS_MAX, &check, err, sizeof err);
    REQUIRE(n == 2);
    pack_candidate_t *p = find(c, n, "v2.json");
    REQUIRE(p);
    CHECK(!p->ok);
    CHECK(strstr(p->error, "v2.json: $.strings.home.title.ug: U+E000 has no font") != NULL);
    CHECK(find(c, n, "v1.json")->ok);
    /* not installed: the active pack stays */
    join(src, packs, "v1.json");
    CHECK_INT(packs_install(data, src, &check, err, sizeof err), KIOSK_OK);
    join(src, packs, "v2.json");
    CHECK_INT(packs_install(data, src, &check, err, sizeof err), KIOSK_EINVAL);
    CHECK(strstr(err, "U+E000 has no font") != NULL);
    logbuf_t lb;
    int rc;
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "test-v1");
    /* installed without the check, then refused at start: the previous pack runs */
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_OK);
    content_t *got = NULL;
    rc = packs_load(data, NULL, &check, &got, source, sizeof source, collect, &lb);
    CHECK_INT(rc, KIOSK_OK);
    CHECK_STR(got ? content_version(got) : "(none)", "test-v1");
    CHECK(strstr(lb.text, "active.json: $.strings.home.title.ug: U+E000 has no font") != NULL);
    content_free(got);
    CHECK(calls >= 5);
}

/* ---- recorded prompts ---- */

/* Runs a shell command; false (and the command shown) when it fails. */
static bool run(const char *cmd)
{
    if (system(cmd) == 0)
        return true;
    fprintf(stderr, "  failed: %s\n", cmd);
    return false;
}

static bool have_opusenc(void)
{
    return system("command -v opusenc >/dev/null 2>&1") == 0;
}

/* A real Ogg Vorbis file (sox) of seconds of a sine at hz; or Opus (opusenc) when the name
 * ends in .opus. */
static bool make_sound(const char *path, double seconds, int hz)
{
    char cmd[3 * PATH_MAX];
    size_t n = strlen(path);
    if (n > 5 && strcmp(path + n - 5, ".opus") == 0) {
        snprintf(cmd, sizeof cmd,
                 "sox -n -r 48000 -b 16 -c 1 '%s.wav' synth %.1f sine %d vol 0.5 && opusenc "
                 "--quiet '%s.wav' '%s' && rm '%s.wav'",
                 path, seconds, hz, path, path, path);
    } else {
        snprintf(cmd, sizeof cmd, "sox -n -r 22050 -c 1 '%s' synth %.1f sine %d vol 0.5", path,
                 seconds, hz);
    }
    return run(cmd);
}

/* The default pack with version and, when audio is not NULL, an "audio" member parsed from
 * that JSON text, last. */
static char *pack_with_audio(const char *version, const char *audio)
{
    char *text = pack_text(version);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (audio)
        cJSON_AddItemToObject(root, "audio", cJSON_Parse(audio));
    text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static bool write_audio_pack(const char *dir, const char *name, const char *version,
                             const char *audio)
{
    char path[PATH_MAX];
    join(path, dir, name);
    char *text = pack_with_audio(version, audio);
    bool ok = write_text(path, text);
    free(text);
    return ok;
}

/* The app's check of prompts (app/app.c's, fonts aside): each file played by the audio edge. */
static bool prompts_playable(void *ud, const content_t *c, const char *json, size_t len,
                             const char *pack_dir, char *why, size_t whylen)
{
    (void)json;
    (void)len;
    (*(int *)ud)++;
    return app_pack_prompts_ok(c, pack_dir, audio_check_prompt, why, whylen);
}

/* The names in <data>/packs/audio, sorted, one per line, into out ("" when none). */
static void store_listing(const char *data, char *out, size_t outlen)
{
    char dir[PATH_MAX];
    packs_file(dir, data, "audio");
    out[0] = '\0';
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.' || strcmp(names[i]->d_name, ".") != 0) {
            if (strcmp(names[i]->d_name, "..") != 0) {
                size_t k = strlen(out);
                snprintf(out + k, outlen - k, "%s\n", names[i]->d_name);
            }
        }
        free(names[i]);
    }
    free(names);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The pack the kiosk would load from data (with the prompts check), its prompt for key in
 * lang resolved against the pack's directory into path ("" when none); the version. */
static const char *loaded_prompt(const char *data, const char *key, const char *lang,
                                 char path[PATH_MAX], logbuf_t *lb)
{
    static char version[64];
    int calls = 0;
    pack_check_t check = {prompts_playable, &calls};
    content_t *c = NULL;
    char source[PATH_MAX];
    memset(lb, 0, sizeof *lb);
    packs_load(data, NULL, &check, &c, source, sizeof source, collect, lb);
    snprintf(version, sizeof version, "%s", c ? content_version(c) : "(none)");
    path[0] = '\0';
    const char *p = c ? content_prompt(c, key, lang) : NULL;
    if (p) {
        char *slash = strrchr(source, '/');
        *slash = '\0';
        join(path, source, p);
    }
    content_free(c);
    return version;
}

static bool same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    char *x = read_pack_file(a, &la), *y = read_pack_file(b, &lb);
    bool same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

/* The SHA-256 of a file by sha256sum, as hex. */
static void sha256_of(const char *path, char hex[65])
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    FILE *p = popen(cmd, "r");
    hex[0] = '\0';
    if (p) {
        if (fscanf(p, "%64s", hex) != 1)
            hex[0] = '\0';
        pclose(p);
    }
}

/* A stick whose kiosk-packs/ holds sounds/ with a title in English (Vorbis) and in Chinese
 * (Opus when opusenc is there, else Vorbis), used by two places. */
static const char *make_talking_stick(const char *root, char stick[PATH_MAX], char packs[PATH_MAX])
{
    static char audio[512];
    char sounds[PATH_MAX], path[PATH_MAX];
    make_stick(root, stick, packs);
    join(sounds, packs, "sounds");
    if (!mkdir_p(sounds))
        abort();
    const char *zh = have_opusenc() ? "sounds/title-zh.opus" : "sounds/title-zh.ogg";
    join(path, packs, "sounds/title.ogg");
    if (!make_sound(path, 1.0, 440))
        abort();
    join(path, packs, zh);
    if (!make_sound(path, 1.0, 660))
        abort();
    snprintf(audio, sizeof audio,
             "{\"home.title\": {\"en\": \"sounds/title.ogg\", \"zh-cn\": \"%s\"},"
             " \"nav.next\": {\"en\": \"./sounds/title.ogg\"}}",
             zh);
    if (!write_audio_pack(packs, "talk.json", "talk-1", audio))
        abort();
    return zh;
}

static void prompts_install_into_the_store_and_play_without_the_stick(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char err[1024], path[PATH_MAX], listing[4096], orig[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-prompts"));
    const char *zh = make_talking_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    int calls = 0;
    pack_check_t check = {prompts_playable, &calls};
    pack_candidate_t c[PACKS_MAX];
    int n = packs_scan(stick, c, PACKS_MAX, &check, err, sizeof err);
    REQUIRE(n == 3);
    pack_candidate_t *p = find(c, n, "talk.json");
    REQUIRE(p);
    CHECK(p->ok);
    if (!p->ok)
        fprintf(stderr, "  %s\n", p->error);

    join(src, packs, "talk.json");
    CHECK_INT(packs_install(data, src, &check, err, sizeof err), KIOSK_OK);
    /* Two files in the store (the English one named twice is stored once), by their hash. */
    store_listing(data, listing, sizeof listing);
    CHECK_INT(count_lines(listing), 2);
    char hex[65], want[128];
    join(orig, packs, "sounds/title.ogg");
    sha256_of(orig, hex);
    snprintf(want, sizeof want, "%s.ogg\n", hex);
    CHECK(hex[0] && strstr(listing, want) != NULL);
    char zh_hex[65];
    join(orig, packs, zh);
    sha256_of(orig, zh_hex);
    snprintf(want, sizeof want, "%s.%s\n", zh_hex, strrchr(zh, '.') + 1);
    CHECK(zh_hex[0] && strstr(listing, want) != NULL);
    fprintf(stderr, "  store:\n%s", listing);

    /* active.json: the stick's bytes up to "audio", the audio paths rewritten. */
    size_t slen = 0, alen = 0;
    char *srcj = read_pack_file(src, &slen);
    packs_file(path, data, "active.json");
    char *act = read_pack_file(path, &alen);
    REQUIRE(srcj && act);
    const char *sa = strstr(srcj, "\"audio\""), *aa = strstr(act, "\"audio\"");
    REQUIRE(sa && aa);
    CHECK(sa - srcj == aa - act && memcmp(srcj, act, (size_t)(sa - srcj)) == 0);
    CHECK(strstr(act, "sounds/") == NULL);
    cJSON *j = cJSON_Parse(act);
    cJSON *en = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "audio"), "home.title"), "en");
    CHECK(cJSON_IsString(en) && strncmp(en->valuestring, "audio/", 6) == 0 &&
          strlen(en->valuestring) == 6 + 64 + 4);
    cJSON_Delete(j);
    free(srcj);
    free(act);

    /* The stick goes; the installed pack plays its prompts from the store. */
    remove_tree(stick);
    logbuf_t lb;
    CHECK_STR(loaded_prompt(data, "home.title", "zh-cn", path, &lb), "talk-1");
    CHECK_INT(lb.errors, 0);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_INT(audio_check_prompt(path, err, sizeof err), KIOSK_OK);
    sha256_of(path, hex);
    CHECK_STR(hex, zh_hex);
    CHECK_STR(loaded_prompt(data, "nav.next", "en", path, &lb), "talk-1");
    CHECK_INT(audio_check_prompt(path, err, sizeof err), KIOSK_OK);
    remove_tree(root);
}

static void bad_prompts_are_refused_at_scan_and_install_and_nothing_changes(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char err[1024], path[PATH_MAX], before[4096], after[4096], sounds[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-badprompts"));
    make_talking_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(sounds, packs, "sounds");
    /* The bad files. */
    join(path, sounds, "text.ogg");
    REQUIRE(write_text(path, "this is a text file, not audio\n"));
    join(path, sounds, "link.ogg");
    REQUIRE(symlink("title.ogg", path) == 0);
    join(path, sounds, "huge.ogg");
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0 && write(fd, "OggS", 4) == 4);
    REQUIRE(ftruncate(fd, PACKS_PROMPT_MAX_BYTES + 1) == 0);
    close(fd);
    join(path, sounds, "long.ogg");
    REQUIRE(make_sound(path, 61.0, 300));
    join(path, sounds, "flac.ogg");
    REQUIRE(write_text(path, "OggS but then neither Vorbis nor Opus, only this text"));
    join(path, packs, "linked-dir");
    REQUIRE(symlink("sounds", path) == 0);
    join(path, sounds, "fifo.ogg");
    REQUIRE(mkfifo(path, 0644) == 0);
    struct {
        const char *file, *reason;
        int rc;
    } bad[] = {
        {"sounds/missing.ogg", "the recorded prompt sounds/missing.ogg is missing", KIOSK_EINVAL},
        {"sounds/text.ogg", "sounds/text.ogg is not an Ogg file", KIOSK_EINVAL},
        {"sounds/link.ogg", "sounds/link.ogg is a symbolic link", KIOSK_EINVAL},
        {"linked-dir/title.ogg", "has a link or a file for a directory", KIOSK_EINVAL},
        {"sounds/fifo.ogg", "is not a regular file", KIOSK_EINVAL},
        {"sounds/huge.ogg", "more than the 4194304 allowed", KIOSK_ETOOBIG},
        {"sounds/long.ogg", "more than 60 s", KIOSK_EINVAL},
        {"sounds/flac.ogg", "neither Ogg Vorbis nor Opus", KIOSK_EINVAL},
    };
    /* A good pack with prompts installed first: its prompts stay as they are. */
    int calls = 0;
    pack_check_t check = {prompts_playable, &calls};
    join(src, packs, "talk.json");
    REQUIRE(packs_install(data, src, &check, err, sizeof err) == KIOSK_OK);
    store_listing(data, before, sizeof before);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char audio[256], name[64];
        snprintf(audio, sizeof audio,
                 "{\"home.title\": {\"en\": \"sounds/title.ogg\"}, \"nav.next\": {\"zh-cn\": "
                 "\"%s\"}}",
                 bad[i].file);
        snprintf(name, sizeof name, "bad%zu.json", i);
        REQUIRE(write_audio_pack(packs, name, "bad", audio));
        pack_candidate_t c[PACKS_MAX];
        int n = packs_scan(stick, c, PACKS_MAX, &check, err, sizeof err);
        pack_candidate_t *p = find(c, n, name);
        REQUIRE(p);
        CHECK(!p->ok);
        if (!strstr(p->error, name) || !strstr(p->error, "$.audio.nav.next.zh-cn: ") ||
            !strstr(p->error, bad[i].reason)) {
            fprintf(stderr, "  scan %s: \"%s\" lacks \"%s\"\n", bad[i].file, p->error,
                    bad[i].reason);
            check_failures++;
        }
        join(src, packs, name);
        CHECK_INT(packs_install(data, src, &check, err, sizeof err), bad[i].rc);
        if (!strstr(err, "$.audio.nav.next.zh-cn: ") || !strstr(err, bad[i].reason)) {
            fprintf(stderr, "  install %s: \"%s\" lacks \"%s\"\n", bad[i].file, err, bad[i].reason);
            check_failures++;
        }
        fprintf(stderr, "  refused: %s\n", err);
        logbuf_t lb;
        CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "talk-1");
        CHECK_INT(audio_check_prompt(path, err, sizeof err), KIOSK_OK);
        store_listing(data, after, sizeof after);
        CHECK_STR(after, before);
        unlink(src);
    }
    /* The total: five files just under the limit each make too much together. */
    for (int i = 0; i < 17; i++) {
        char name[64];
        snprintf(name, sizeof name, "sounds/big%d.ogg", i);
        join(path, packs, name);
        fd = open(path, O_WRONLY | O_CREAT, 0644);
        REQUIRE(fd >= 0 && write(fd, "OggS", 4) == 4);
        REQUIRE(ftruncate(fd, PACKS_PROMPT_MAX_BYTES) == 0);
        close(fd);
    }
    REQUIRE(write_audio_pack(
        packs, "many.json", "many",
        "{\"home.title\": {\"en\": \"sounds/big0.ogg\", \"zh-cn\": "
        "\"sounds/big1.ogg\"}, \"nav.next\": {\"en\": \"sounds/big2.ogg\"}, "
        "\"nav.back\": {\"en\": \"sounds/big3.ogg\"}, \"nav.skip\": {\"en\": "
        "\"sounds/big4.ogg\"}, \"nav.home\": {\"en\": \"sounds/big5.ogg\"}, "
        "\"nav.done\": {\"en\": \"sounds/big6.ogg\"}, \"nav.more\": {\"en\": "
        "\"sounds/big7.ogg\"}, \"home.rate_prompt\": {\"en\": "
        "\"sounds/big8.ogg\", \"zh-cn\": \"sounds/big9.ogg\"}, "
        "\"home.or_choose\": {\"en\": \"sounds/big10.ogg\", \"zh-cn\": "
        "\"sounds/big11.ogg\"}, \"common.yes\": {\"zh-cn\": \"sounds/big12.ogg\"}, "
        "\"common.no\": {\"zh-cn\": \"sounds/big13.ogg\"}, \"idle.title\": "
        "{\"zh-cn\": \"sounds/big14.ogg\"}, \"idle.body\": {\"zh-cn\": "
        "\"sounds/big15.ogg\"}, \"idle.continue\": {\"zh-cn\": \"sounds/big16.ogg\"}}"));
    join(src, packs, "many.json");
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_ETOOBIG);
    CHECK(strstr(err, "more than the 67108864 bytes allowed") != NULL);
    fprintf(stderr, "  refused: %s\n", err);
    store_listing(data, after, sizeof after);
    CHECK_STR(after, before);
    remove_tree(root);
}

static void rollback_keeps_each_packs_prompts_and_unnamed_ones_are_collected(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char err[1024], path[PATH_MAX], listing[4096], a_ogg[PATH_MAX], b_ogg[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-prompt-rollback"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(a_ogg, packs, "a.ogg");
    join(b_ogg, packs, "b.ogg");
    REQUIRE(make_sound(a_ogg, 1.0, 300) && make_sound(b_ogg, 1.5, 500));
    REQUIRE(write_audio_pack(packs, "a.json", "A", "{\"home.title\": {\"en\": \"a.ogg\"}}"));
    REQUIRE(write_audio_pack(packs, "b.json", "B", "{\"home.title\": {\"en\": \"b.ogg\"}}"));
    int calls = 0;
    pack_check_t check = {prompts_playable, &calls};
    join(src, packs, "a.json");
    REQUIRE(packs_install(data, src, &check, err, sizeof err) == KIOSK_OK);
    /* Litter in the store: an old file nobody names, a temporary file a power cut left. */
    char store[PATH_MAX];
    packs_file(store, data, "audio");
    join(path, store, "0000000000000000000000000000000000000000000000000000000000000000.ogg");
    REQUIRE(write_text(path, "old"));
    join(path, store, ".tmp-1111.ogg");
    REQUIRE(write_text(path, "half"));
    join(src, packs, "b.json");
    REQUIRE(packs_install(data, src, &check, err, sizeof err) == KIOSK_OK);
    store_listing(data, listing, sizeof listing);
    CHECK_INT(count_lines(listing), 2); /* A's and B's, the litter gone */
    logbuf_t lb;
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "B");
    CHECK(same_file(path, b_ogg));
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "A");
    CHECK(same_file(path, a_ogg));
    CHECK_INT(lb.errors, 0);
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "B");
    CHECK(same_file(path, b_ogg));
    /* A pack without prompts: B's stay (previous), A's go. */
    join(src, packs, "v1.json");
    REQUIRE(packs_install(data, src, &check, err, sizeof err) == KIOSK_OK);
    store_listing(data, listing, sizeof listing);
    CHECK_INT(count_lines(listing), 1);
    CHECK_INT(packs_rollback(data, err, sizeof err), KIOSK_OK);
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "B");
    CHECK(same_file(path, b_ogg));
    /* The same pack again: its stored file is kept as it is. */
    join(src, packs, "b.json");
    REQUIRE(packs_install(data, src, &check, err, sizeof err) == KIOSK_OK);
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "B");
    CHECK(same_file(path, b_ogg));
    remove_tree(root);
}

static void a_damaged_stored_prompt_is_refused_at_load(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char err[1024], path[PATH_MAX], a_ogg[PATH_MAX], b_ogg[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-prompt-damaged"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(a_ogg, packs, "a.ogg");
    join(b_ogg, packs, "b.ogg");
    REQUIRE(make_sound(a_ogg, 1.0, 300) && make_sound(b_ogg, 1.5, 500));
    REQUIRE(write_audio_pack(packs, "a.json", "A", "{\"home.title\": {\"en\": \"a.ogg\"}}"));
    REQUIRE(write_audio_pack(packs, "b.json", "B", "{\"home.title\": {\"en\": \"b.ogg\"}}"));
    join(src, packs, "a.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    join(src, packs, "b.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    logbuf_t lb;
    char b_stored[PATH_MAX];
    CHECK_STR(loaded_prompt(data, "home.title", "en", b_stored, &lb), "B");
    /* Damaged past its Ogg header: the edge's own check passes it, the audio edge does not. */
    FILE *f = fopen(b_stored, "r+b");
    REQUIRE(f && fseek(f, 200, SEEK_SET) == 0);
    for (int i = 0; i < 4000; i++)
        fputc(0x5a, f);
    fclose(f);
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "A");
    CHECK_INT(lb.errors, 1);
    CHECK(strstr(lb.text, "active.json: $.audio.home.title.en: ") != NULL);
    CHECK(same_file(path, a_ogg));
    fprintf(stderr, "  logged: %s", lb.text);
    /* Gone: refused by the edge even without the caller's check. */
    REQUIRE(unlink(b_stored) == 0);
    int rc;
    char source[PATH_MAX];
    CHECK_STR(loaded(data, NULL, &rc, source, &lb), "A");
    CHECK(strstr(lb.text, "$.audio.home.title.en: the recorded prompt audio/") != NULL);
    CHECK(strstr(lb.text, " is missing") != NULL);
    remove_tree(root);
}

static void the_configured_packs_prompts_lie_beside_it(void)
{
    char root[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], source[PATH_MAX], linked[PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-prompt-configured"));
    join(dir, root, "share");
    REQUIRE(mkdir_p(dir));
    join(path, dir, "hello.ogg");
    REQUIRE(make_sound(path, 1.0, 400));
    REQUIRE(
        write_audio_pack(dir, "pack.json", "conf", "{\"home.title\": {\"en\": \"hello.ogg\"}}"));
    /* The configuration names it through a link, as an image may. */
    join(linked, root, "pack-link.json");
    join(path, dir, "pack.json");
    REQUIRE(symlink(path, linked) == 0);
    int calls = 0;
    pack_check_t check = {prompts_playable, &calls};
    content_t *c = NULL;
    logbuf_t lb = {0};
    CHECK_INT(packs_load(NULL, path, &check, &c, source, sizeof source, collect, &lb), KIOSK_OK);
    CHECK_STR(c ? content_version(c) : "(none)", "conf");
    content_free(c);
    c = NULL;
    CHECK_INT(packs_load(NULL, linked, &check, &c, source, sizeof source, collect, &lb),
              KIOSK_ECORRUPT); /* the prompt is not beside the link */
    CHECK(strstr(lb.text, "$.audio.home.title.en: the recorded prompt hello.ogg is missing"));
    content_free(c);
    CHECK(calls >= 1);
    remove_tree(root);
}

/* Free bytes of the file system at dir. */
static long long free_bytes(const char *dir)
{
    struct statvfs v;
    return statvfs(dir, &v) == 0 ? (long long)v.f_bavail * (long long)v.f_frsize : -1;
}

/* Fills dir's file system with <dir>/filler but for keep bytes. */
static void fill_but(const char *dir, long long keep)
{
    char filler[PATH_MAX];
    join(filler, dir, "filler");
    unlink(filler);
    long long room = free_bytes(dir) - keep;
    FILE *f = fopen(filler, "wb");
    REQUIRE(f);
    static char block[4096];
    while (room > 0 && fwrite(block, 1, sizeof block, f) == sizeof block)
        room -= (long long)sizeof block;
    fclose(f);
}

static void full_data_dir_leaves_the_active_pack_and_its_prompts(void)
{
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char err[1024], path[PATH_MAX], a_ogg[PATH_MAX], b_ogg[PATH_MAX], before[4096], after[4096];
    REQUIRE(make_scratch_dir(root, "packs-prompt-full"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(a_ogg, packs, "a.ogg");
    join(b_ogg, packs, "b.ogg");
    REQUIRE(make_sound(a_ogg, 1.0, 300) && make_sound(b_ogg, 20.0, 500));
    REQUIRE(write_audio_pack(packs, "a.json", "A", "{\"home.title\": {\"en\": \"a.ogg\"}}"));
    REQUIRE(write_audio_pack(packs, "b.json", "B", "{\"home.title\": {\"en\": \"b.ogg\"}}"));
    if (!mount_tmpfs(data, "size=1m")) {
        remove_tree(root);
        return;
    }
    join(src, packs, "a.json");
    REQUIRE(packs_install(data, src, NULL, err, sizeof err) == KIOSK_OK);
    store_listing(data, before, sizeof before);
    struct stat st;
    REQUIRE(stat(b_ogg, &st) == 0);
    /* No room for B's prompt; then room for it but not for the pack. */
    for (int round = 0; round < 2; round++) {
        fill_but(data, round == 0 ? 0 : st.st_size + 8192);
        join(src, packs, "b.json");
        CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_EFULL);
        CHECK(strstr(err, "full") && strstr(err, "unchanged"));
        if (round == 0)
            CHECK(strstr(err, "/packs/audio/") && strstr(err, "b.ogg"));
        fprintf(stderr, "  install: %s\n", err);
        logbuf_t lb;
        CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "A");
        CHECK_INT(lb.errors, 0);
        CHECK(same_file(path, a_ogg));
        store_listing(data, after, sizeof after);
        CHECK_STR(after, before);
    }
    /* With room again it goes in. */
    join(path, data, "filler");
    unlink(path);
    CHECK_INT(packs_install(data, src, NULL, err, sizeof err), KIOSK_OK);
    logbuf_t lb;
    CHECK_STR(loaded_prompt(data, "home.title", "en", path, &lb), "B");
    CHECK(same_file(path, b_ogg));
    umount2(data, MNT_DETACH);
    remove_tree(root);
}

/* The first quoted string after s (strace's rendering of a path), into out. */
static bool quoted(const char *s, char *out, size_t outlen)
{
    const char *a = strchr(s, '"');
    const char *b = a ? strchr(a + 1, '"') : NULL;
    if (!b || (size_t)(b - a) > outlen)
        return false;
    snprintf(out, outlen, "%.*s", (int)(b - a - 1), a + 1);
    return true;
}

typedef struct {
    char fds[256][96]; /* what each descriptor was opened on */
    int tmp_synced, prompt_renamed, store_synced, pack_renamed, step;
} trace_t;

/* One line of strace's log: remembers when the prompt's temporary file was synced, renamed,
 * the store's directory synced and the pack renamed into place (step numbers, 0: never). */
static void trace_line(trace_t *t, const char *line)
{
    const char *call = strpbrk(line, " ");
    int fd = -1;
    char a[96] = "", b[96] = "";
    const char *eq = strrchr(line, '=');
    if (!call || !eq)
        return;
    while (*call == ' ')
        call++;
    t->step++;
    if (strncmp(call, "openat(", 7) == 0 && quoted(call, a, sizeof a) &&
        sscanf(eq, "= %d", &fd) == 1 && fd >= 0 && fd < 256)
        snprintf(t->fds[fd], sizeof t->fds[fd], "%s", a);
    else if (sscanf(call, "fsync(%d) = 0", &fd) == 1 && fd >= 0 && fd < 256) {
        if (strncmp(t->fds[fd], ".tmp-", 5) == 0 && !t->tmp_synced)
            t->tmp_synced = t->step;
        if (strcmp(t->fds[fd], PACKS_AUDIO_DIR) == 0 && t->prompt_renamed && !t->store_synced)
            t->store_synced = t->step;
    } else if (strncmp(call, "rename", 6) == 0 && quoted(call, a, sizeof a) &&
               quoted(strstr(call, a) + strlen(a) + 1, b, sizeof b)) {
        if (strncmp(a, ".tmp-", 5) == 0 && strcmp(a + 5, b) == 0)
            t->prompt_renamed = t->step;
        if (strcmp(a, "active.json.tmp") == 0 && strcmp(b, "active.json") == 0)
            t->pack_renamed = t->step;
    }
}

/* Under strace, the order of an install's system calls: the prompt's file synced before it is
 * renamed, the store's directory synced before the pack that names it is renamed into place. */
static void prompts_are_synced_before_the_pack_names_them(const char *self)
{
    if (system("strace -V >/dev/null 2>&1") != 0) {
        fprintf(stderr, "  skipped: no strace\n");
        return;
    }
#ifdef KIOSK_TEST_EMULATED
    /* strace would exec this arm64 program itself, and without binfmt_misc it cannot: the
     * order is checked in the host's builds. */
    (void)self;
    fprintf(stderr, "  skipped: under an emulator\n");
    return;
#endif
    char root[PATH_MAX], stick[PATH_MAX], packs[PATH_MAX], data[PATH_MAX], src[PATH_MAX];
    char log[PATH_MAX], path[PATH_MAX], cmd[5 * PATH_MAX];
    REQUIRE(make_scratch_dir(root, "packs-prompt-order"));
    make_stick(root, stick, packs);
    join(data, root, "data");
    REQUIRE(mkdir(data, 0755) == 0);
    join(path, packs, "a.ogg");
    REQUIRE(make_sound(path, 1.0, 300));
    REQUIRE(write_audio_pack(packs, "a.json", "A", "{\"home.title\": {\"en\": \"a.ogg\"}}"));
    join(src, packs, "a.json");
    join(log, root, "strace.log");
    snprintf(cmd, sizeof cmd,
             /* LeakSanitizer does not run under ptrace: the sanitize build's child goes on
              * without it. */
             "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
             "strace -f -qq -e trace=openat,fsync,rename,renameat,renameat2 -o '%s' '%s' "
             "install '%s' '%s'",
             log, self, data, src);
    CHECK(run(cmd));
    FILE *f = fopen(log, "r");
    REQUIRE(f);
    static trace_t t;
    memset(&t, 0, sizeof t);
    char line[1024];
    while (fgets(line, sizeof line, f))
        trace_line(&t, line);
    fclose(f);
    CHECK(t.tmp_synced > 0 && t.tmp_synced < t.prompt_renamed);
    CHECK(t.prompt_renamed > 0 && t.prompt_renamed < t.store_synced);
    CHECK(t.store_synced > 0 && t.store_synced < t.pack_renamed);
    fprintf(stderr, "  steps: prompt synced %d, renamed %d, store synced %d, pack renamed %d\n",
            t.tmp_synced, t.prompt_renamed, t.store_synced, t.pack_renamed);
    remove_tree(root);
}

int main(int argc, char **argv)
{
    /* The install alone, for strace (prompts_are_synced_before_the_pack_names_them). */
    if (argc == 4 && strcmp(argv[1], "install") == 0) {
        char err[1024];
        int rc = packs_install(argv[2], argv[3], NULL, err, sizeof err);
        if (rc != KIOSK_OK)
            fprintf(stderr, "%s\n", err);
        return rc != KIOSK_OK;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    RUN(scan_lists_valid_and_refused_packs_with_reasons);
    RUN(install_rollback_and_rollback_again);
    RUN(the_callers_check_refuses_a_pack_everywhere);
    RUN(refused_installs_leave_the_active_pack);
    RUN(power_cut_states_are_finished_or_undone);
    RUN(damaged_active_falls_back_to_previous_with_the_error_logged);
    RUN(read_only_data_dir_is_an_error_and_no_change);
    RUN(full_data_dir_leaves_the_active_pack);
    RUN(prompts_install_into_the_store_and_play_without_the_stick);
    RUN(bad_prompts_are_refused_at_scan_and_install_and_nothing_changes);
    RUN(rollback_keeps_each_packs_prompts_and_unnamed_ones_are_collected);
    RUN(a_damaged_stored_prompt_is_refused_at_load);
    RUN(the_configured_packs_prompts_lie_beside_it);
    RUN(full_data_dir_leaves_the_active_pack_and_its_prompts);
    if (n > 0) {
        fprintf(stderr, "prompts_are_synced_before_the_pack_names_them\n");
        prompts_are_synced_before_the_pack_names_them(self);
    }
    return check_failures != 0;
}
