/* Content packs from a staff stick: listing and validating hostile sticks, install, rollback and
 * loading with fallbacks, the states a power cut leaves, a damaged active pack, a read-only and
 * a full data directory (tmpfs mounts when root). */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

int main(void)
{
    RUN(scan_lists_valid_and_refused_packs_with_reasons);
    RUN(install_rollback_and_rollback_again);
    RUN(the_callers_check_refuses_a_pack_everywhere);
    RUN(refused_installs_leave_the_active_pack);
    RUN(power_cut_states_are_finished_or_undone);
    RUN(damaged_active_falls_back_to_previous_with_the_error_logged);
    RUN(read_only_data_dir_is_an_error_and_no_change);
    RUN(full_data_dir_leaves_the_active_pack);
    return check_failures != 0;
}
