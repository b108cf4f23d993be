/* Staff sticks end to end: the office's keys and a token made with kiosk-staff, the real
 * kiosk (headless) exporting to the stick between residents, the bundle decrypted with the
 * organisation's key; and sticks refused with a reason (no token, another kiosk, expired).
 * A stick mounted for real (tmpfs, root only) is noticed through /proc/self/mountinfo. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/utf8.h"
#include "core/kerr.h"
#include "crypto/crypto.h"
#include "proc_util.h"
#include "usb/mounts.h"

static char base[700], keys[800], media[800], config[800];

static bool write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

static bool read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return ok;
}

static int sh(const char *cmd)
{
    return system(cmd);
}

static bool make_token_with(const char *stick, const char *kiosk, int days, const char *actions,
                            const char *with_keys)
{
    char cmd[3000];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && %s token --keys '%s' --stick '%s' --kiosk %s --days %d "
             "--actions %s --issued-by test >/dev/null",
             stick, KIOSK_STAFF_BIN, with_keys, stick, kiosk, days, actions);
    return sh(cmd) == 0;
}

static bool make_token(const char *stick, const char *kiosk, int days)
{
    return make_token_with(stick, kiosk, days, "export", keys);
}

static int line_count(const char *line, size_t len, void *ud)
{
    (void)line;
    (void)len;
    (*(int *)ud)++;
    return 0;
}

/* The authorised stick's name: long and Chinese, as a USB stick's label may be (67 bytes; its
 * 60th byte is inside a character). */
#define GOOD "U社区服务中心二零二六年十二月数据导出专用优盘"

static void kiosk_exports_to_an_authorised_stick_and_refuses_others(void)
{
    char cmd[3000], db[900], script[900], stick[900], shots[900];
    snprintf(db, sizeof db, "%s/kiosk.db", base);
    snprintf(script, sizeof script, "%s/usb.script", base);
    snprintf(shots, sizeof shots, "%s/screenshots/usb", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", shots, shots);
    sh(cmd);
    /* Sticks: a good one, one with no token, one for another kiosk. */
    snprintf(stick, sizeof stick, "%s/" GOOD, media);
    REQUIRE(make_token(stick, "e2e-kiosk", 2));
    snprintf(stick, sizeof stick, "%s/other", media);
    REQUIRE(make_token(stick, "another-kiosk", 2));
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/empty'", media);
    sh(cmd);
    char text[4000];
    snprintf(text, sizeof text,
             "press face 3\nexpect screen question\nexpect question about\n"
             "stick %s/" GOOD "\n"
             "expect screen question\n" /* a resident first: the stick waits */
             "press skip\nexpect screen message\nshot usb-done\npress done\n"
             "press face 1\npress skip\npress done\n"
             "stick %s/" GOOD "\nexpect screen message\nshot usb-again\npress done\n"
             "stick %s/empty\nexpect screen message\nshot usb-no-token\npress done\n"
             "stick %s/other\nexpect screen message\nshot usb-other-kiosk\npress lang\n"
             "shot usb-other-kiosk-zh\npress done\nexpect screen home\n",
             media, media, media, media);
    REQUIRE(write_text(script, text));
    char *args[] = {"--headless", "--config",  config,     "--pack", KIOSK_PACK,      "--db", db,
                    "--kiosk-id", "e2e-kiosk", "--script", script,   "--screenshots", shots,  NULL};
    proc_t p;
    REQUIRE(start(&p, "usb", args));
    static char out[1 << 16];
    int status = finish(&p, out, sizeof out);
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "%s\n", err);
    CHECK_INT(status, 0);
    /* The first stick took the one record there was; the second time, the next one. */
    CHECK(strstr(out, "event=export result=0 records=1 seq=1") != NULL);
    CHECK(strstr(out, "event=export result=0 records=1 seq=2") != NULL);
    CHECK(strstr(err, "usb: refused") != NULL && strstr(err, "another kiosk"));
    CHECK(strstr(err, "no staff token") != NULL);
    free(err);
    /* The office reads both bundles with the organisation's secret key. */
    uint8_t pk[CRYPTO_BOX_PK_BYTES], sk[CRYPTO_BOX_SK_BYTES];
    char e[512];
    REQUIRE(crypto_org_load_box(keys, pk, sk, e, sizeof e) == KIOSK_OK);
    int lines = 0;
    for (int seq = 1; seq <= 2; seq++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/" GOOD "/kiosk-export/e2e-kiosk-%06d.bundle", media, seq);
        int fd = open(path, O_RDONLY);
        CHECK(fd >= 0);
        uint8_t sha[32];
        CHECK_INT(bundle_open(fd, pk, sk, line_count, &lines, sha, e, sizeof e), KIOSK_OK);
        close(fd);
    }
    CHECK_INT(lines, 2);
    /* The kiosk marked both records exported. */
    sqlite3 *d;
    REQUIRE(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(d, "SELECT count(*) FROM records WHERE exported_at IS NOT NULL", -1,
                               &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    /* The export confirmed the kiosk's time for retention: the time kept is the export's. */
    REQUIRE(sqlite3_prepare_v2(d,
                               "SELECT abs(CAST(substr(value, 1, instr(value, ' ') - 1) AS INTEGER)"
                               " - (julianday((SELECT max(exported_at) FROM records)) - 2440587.5)"
                               " * 86400000) < 60000 FROM meta WHERE key = 'trusted_clock'",
                               -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1);
    sqlite3_finalize(st);
    /* Staff read where the last export went: the stick's long Chinese name cut on a character
     * (60 bytes at most: 58 here), never in the middle of one, then who issued the token. */
    REQUIRE(sqlite3_prepare_v2(d, "SELECT value FROM meta WHERE key = 'last_export_stick'", -1, &st,
                               NULL) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const char *where = (const char *)sqlite3_column_text(st, 0);
    CHECK(where && utf8_valid_text(where, strlen(where)));
    CHECK(where && strncmp(where, GOOD, 58) == 0 && strcmp(where + 58, ", test") == 0);
    sqlite3_finalize(st);
    sqlite3_close(d);
    /* Nothing was written on the refused sticks. */
    snprintf(cmd, sizeof cmd,
             "test ! -e '%s/empty/kiosk-export' && test ! -e '%s/other/kiosk-export'", media,
             media);
    CHECK(sh(cmd) == 0);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && for f in *.bmp; do convert \"$f\" \"${f%%.bmp}.png\" && rm \"$f\"; done",
             shots);
    if (access("/usr/bin/convert", X_OK) == 0)
        sh(cmd);
}

/* A real stick: an exFAT image on a loop device through exfat-fuse (this kernel has no vfat),
 * mounted nosuid,nodev,noexec below the watched directory while the kiosk runs; checked with
 * fsck.exfat after it is pulled out. A tmpfs stands in where exFAT cannot be mounted. */
static void a_mounted_stick_is_noticed(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "  skipped: mounting needs root\n");
        return;
    }
    char db[900], script[900], mnt[900], img[900], line[256], cmd[8000];
    snprintf(db, sizeof db, "%s/mount.db", base);
    snprintf(script, sizeof script, "%s/mount.script", base);
    snprintf(mnt, sizeof mnt, "%s/STICK", media);
    snprintf(img, sizeof img, "%s/stick.img", base);
    mkdir(mnt, 0755);
    umount2(mnt, MNT_DETACH);
    REQUIRE(write_text(script, "press face 2\npress skip\npress done\npause\nusbscan\n"
                               "expect screen message\npause\nusbscan\nexpect screen home\n"));
    char *args[] = {"--headless", "--config",   config,      "--pack",   KIOSK_PACK, "--db",
                    db,           "--kiosk-id", "e2e-kiosk", "--script", script,     NULL};
    proc_t p;
    REQUIRE(start(&p, "mount", args));
    REQUIRE(read_until(&p, "event=pause", line, sizeof line));
    snprintf(cmd, sizeof cmd,
             "rm -f '%s' && truncate -s 32M '%s' && mkfs.exfat '%s' >/dev/null 2>&1 && "
             "L=$(losetup -f --show '%s') && echo $L > '%s.loop' && "
             "mount.exfat-fuse -o nosuid,nodev,noexec $L '%s'",
             img, img, img, img, img, mnt);
    bool exfat = sh(cmd) == 0;
    if (!exfat) {
        fprintf(stderr, "  exFAT cannot be mounted here: a tmpfs stands in\n");
        if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4m") != 0) {
            fprintf(stderr, "  skipped: nothing can be mounted here\n");
            fputs("go\n", p.in);
            fflush(p.in);
            kill(p.pid, SIGKILL);
            finish(&p, NULL, 0);
            return;
        }
    }
    REQUIRE(make_token(mnt, "e2e-kiosk", 1));
    fputs("go\n", p.in);
    fflush(p.in);
    REQUIRE(read_until(&p, "event=export", line, sizeof line));
    CHECK(strstr(line, "result=0 records=1") != NULL);
    REQUIRE(read_until(&p, "event=pause", line, sizeof line));
    /* Pulled out: the message goes away; the stick's filesystem is clean. */
    if (exfat) {
        snprintf(cmd, sizeof cmd,
                 "umount '%s' && losetup -d $(cat '%s.loop') && fsck.exfat -n '%s' >/dev/null 2>&1",
                 mnt, img, img);
        CHECK(sh(cmd) == 0);
    } else {
        umount2(mnt, MNT_DETACH);
    }
    fputs("go\n", p.in);
    fflush(p.in);
    CHECK_INT(finish(&p, NULL, 0), 0);
}

static void count_change(void *ud)
{
    __atomic_add_fetch((int *)ud, 1, __ATOMIC_SEQ_CST);
}

/* The USB edge's own view of the mounts, through libmount: a mount point with a space (escaped
 * as \040 in mountinfo) comes back as written, the watched directory itself is not a stick,
 * and the monitor's thread reports a mount and an unmount. */
static void mounts_are_read_and_watched_through_libmount(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "  skipped: mounting needs root\n");
        return;
    }
    char mnt[900], err[256];
    snprintf(mnt, sizeof mnt, "%s/my stick", media);
    mkdir(mnt, 0755);
    umount2(mnt, MNT_DETACH);
    char found[4][MOUNTS_PATH_MAX];
    CHECK_INT(mounts_below(media, found, 4), 0);
    int changes = 0;
    mounts_watch_t *w = mounts_watch_start(count_change, &changes, err, sizeof err);
    REQUIRE(w);
    if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m") != 0) {
        fprintf(stderr, "  skipped: nothing can be mounted here\n");
        mounts_watch_stop(w);
        return;
    }
    for (int i = 0; i < 200 && __atomic_load_n(&changes, __ATOMIC_SEQ_CST) == 0; i++)
        usleep(10000);
    CHECK(__atomic_load_n(&changes, __ATOMIC_SEQ_CST) >= 1);
    REQUIRE(mounts_below(media, found, 4) == 1);
    CHECK_STR(found[0], mnt);
    CHECK_INT(mounts_below(mnt, found, 4), 0); /* the directory itself is not below itself */
    int before = __atomic_load_n(&changes, __ATOMIC_SEQ_CST);
    umount2(mnt, MNT_DETACH);
    for (int i = 0; i < 200 && __atomic_load_n(&changes, __ATOMIC_SEQ_CST) == before; i++)
        usleep(10000);
    CHECK(__atomic_load_n(&changes, __ATOMIC_SEQ_CST) > before);
    CHECK_INT(mounts_below(media, found, 4), 0);
    mounts_watch_stop(w);
    rmdir(mnt);
}

/* Reads "uuid|answers|utc_ms|lang" of every record of a database, sorted, into buf. */
static void rows_of(const char *db, const char *table_sql, char *buf, size_t len)
{
    buf[0] = '\0';
    sqlite3 *d;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return;
    sqlite3_stmt *st;
    size_t o = 0;
    if (sqlite3_prepare_v2(d, table_sql, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW && o + 600 < len)
            o +=
                (size_t)snprintf(buf + o, len - o, "%s|%s|%lld|%s|%s\n", sqlite3_column_text(st, 0),
                                 sqlite3_column_text(st, 1), (long long)sqlite3_column_int64(st, 2),
                                 sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
    sqlite3_finalize(st);
    sqlite3_close(d);
}

/* The office: two kiosks' exports imported into one archive, twice; every record identical to
 * what the kiosks stored; CSV, Open311 and the report made from it. */
static void office_imports_two_kiosks_once_and_reports(void)
{
    char cmd[16000], db2[1000], script[900], stick2[900], archive[900], out[900];
    snprintf(archive, sizeof archive, "%s/archive.db", base);
    /* A second kiosk with its own data directory and key. */
    char dir2[900];
    snprintf(dir2, sizeof dir2, "%s/kiosk2", base);
    snprintf(db2, sizeof db2, "%s/kiosk.db", dir2);
    snprintf(stick2, sizeof stick2, "%s/good2", media);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir2);
    sh(cmd);
    REQUIRE(make_token(stick2, "second-kiosk", 1));
    snprintf(script, sizeof script, "%s/second.script", base);
    char text[2000];
    snprintf(text, sizeof text,
             "press face 0\npress skip\npress done\npress journey 1\npress choice 1\n"
             "press choice 0\npress choice 2\npress skip\npress choice 0\nexpect screen "
             "thanks\npress done\nstick %s\nexpect screen message\n",
             stick2);
    REQUIRE(write_text(script, text));
    char *args[] = {"--headless", "--config",   config,         "--pack",   KIOSK_PACK, "--db",
                    db2,          "--kiosk-id", "second-kiosk", "--script", script,     NULL};
    proc_t p;
    REQUIRE(start(&p, "second", args));
    CHECK_INT(finish(&p, NULL, 0), 0);
    /* Trust both kiosks' keys, then import both sticks; then again. */
    snprintf(
        cmd, sizeof cmd,
        "rm -f '%s'* && %s trust --archive '%s' --kiosk e2e-kiosk --key '%s/kiosk-sign.public' "
        ">/dev/null && %s trust --archive '%s' --kiosk second-kiosk --key "
        "'%s/kiosk-sign.public' >/dev/null",
        archive, KIOSK_STAFF_BIN, archive, base, KIOSK_STAFF_BIN, archive, dir2);
    REQUIRE(sh(cmd) == 0);
    snprintf(out, sizeof out, "%s/import.out", base);
    snprintf(cmd, sizeof cmd, "%s import --keys '%s' --archive '%s' '%s/" GOOD "' '%s' > '%s'",
             KIOSK_STAFF_BIN, keys, archive, media, stick2, out);
    CHECK(sh(cmd) == 0);
    snprintf(cmd, sizeof cmd,
             "%s import --keys '%s' --archive '%s' '%s/" GOOD "' '%s' | grep -c 'already imported' "
             "| grep -qx 3",
             KIOSK_STAFF_BIN, keys, archive, media, stick2);
    CHECK(sh(cmd) == 0); /* three bundles, all already there */
    /* Field by field: the archive holds exactly what the kiosks stored. */
    static char want[1 << 16], want2[1 << 16], got[1 << 17];
    const char *q = "SELECT uuid, answers, utc_ms, lang, kiosk_id FROM records ORDER BY uuid";
    rows_of(db2, q, want2, sizeof want2);
    char db1[900];
    snprintf(db1, sizeof db1, "%s/kiosk.db", base);
    rows_of(db1, q, want, sizeof want);
    rows_of(archive, q, got, sizeof got);
    size_t lines_want = 0, lines_got = 0;
    for (const char *c = want; *c; c++)
        lines_want += *c == '\n';
    for (const char *c = want2; *c; c++)
        lines_want += *c == '\n';
    for (const char *c = got; *c; c++)
        lines_got += *c == '\n';
    CHECK_INT(lines_got, lines_want);
    for (char *line = want; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        CHECK(strstr(got, line) != NULL);
        line = nl + 1;
    }
    for (char *line = want2; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        CHECK(strstr(got, line) != NULL);
        line = nl + 1;
    }
    /* What staff take away. */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && %s csv --archive '%s' --out records.csv && %s open311 --archive '%s' "
             "--out requests.json && %s report --archive '%s' --out report.html && "
             "head -c 3 records.csv | od -An -tx1 | grep -q 'ef bb bf' && grep -q second-kiosk "
             "records.csv && grep -q '<svg' report.html",
             base, KIOSK_STAFF_BIN, archive, KIOSK_STAFF_BIN, archive, KIOSK_STAFF_BIN, archive);
    CHECK(sh(cmd) == 0);
    /* A bundle altered on the stick is refused, and nothing of it imported. */
    snprintf(
        cmd, sizeof cmd,
        "rm -f '%s.2'* && %s trust --archive '%s.2' --kiosk second-kiosk --key "
        "'%s/kiosk-sign.public' >/dev/null && "
        "printf X | dd of=\"$(ls '%s'/kiosk-export/*.bundle | head -1)\" bs=1 seek=200 "
        "conv=notrunc 2>/dev/null && ! %s import --keys '%s' --archive '%s.2' '%s' 2>/dev/null",
        archive, KIOSK_STAFF_BIN, archive, dir2, stick2, KIOSK_STAFF_BIN, keys, archive, stick2);
    CHECK(sh(cmd) == 0);
}

static int count_rows(const char *db, const char *sql)
{
    sqlite3 *d;
    int n = -1;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(d);
    return n;
}

/* Staff and technician tokens open the staff screens without a PIN and close them when the
 * stick is pulled out; a forged token opens nothing. A content-update token lists the packs on
 * its stick; staff switch to one (validated again), the kiosk keeps it across a restart, and
 * staff go back to the previous one. */
static void tokens_open_the_staff_screens_and_switch_packs(void)
{
    char cmd[12000], db[900], script[900], shots[900], other[900], text[6000];
    snprintf(db, sizeof db, "%s/tokens.db", base);
    snprintf(script, sizeof script, "%s/tokens.script", base);
    snprintf(shots, sizeof shots, "%s/screenshots/tokens", tmp);
    snprintf(other, sizeof other, "%s/other-org-keys", base);
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' '%s' '%s'* '%s/packs' && mkdir -p '%s' && %s keygen '%s' >/dev/null",
             shots, other, db, base, shots, KIOSK_STAFF_BIN, other);
    REQUIRE(sh(cmd) == 0);
    const struct {
        const char *stick, *actions;
        const char *keys;
    } sticks[] = {{"staff", "staff-screens", keys},
                  {"tech", "technician", keys},
                  {"forged", "technician", other}, /* signed by another organisation */
                  {"content", "content-update", keys}};
    for (size_t i = 0; i < sizeof sticks / sizeof sticks[0]; i++) {
        char stick[900];
        snprintf(stick, sizeof stick, "%s/%s", media, sticks[i].stick);
        REQUIRE(make_token_with(stick, "e2e-kiosk", 1, sticks[i].actions, sticks[i].keys));
    }
    /* On the content stick: a broken pack, a winter version of the default one whose title
     * is a recorded prompt (a real Ogg Vorbis file beside it), and one whose prompt is a text
     * file named .ogg. */
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/content/kiosk-packs/prompts' && printf '{\"id\": 3,,}' > "
             "'%s/content/kiosk-packs/a-broken.json' && sed 's/\"version\": \"2026.12.1\"/"
             "\"version\": \"2026.12-winter\", \"audio\": {\"home.title\": {\"en\": "
             "\"prompts\\/title.ogg\", \"zh-cn\": \"prompts\\/title.ogg\"}}/' '%s' > "
             "'%s/content/kiosk-packs/b-winter.json' && sed 's/title.ogg/notes.ogg/' "
             "'%s/content/kiosk-packs/b-winter.json' > '%s/content/kiosk-packs/c-notes.json' && "
             "echo 'not audio' > '%s/content/kiosk-packs/prompts/notes.ogg' && sox -n -r 22050 "
             "-c 1 '%s/content/kiosk-packs/prompts/title.ogg' synth 1.0 sine 440 vol 0.5",
             media, media, KIOSK_PACK, media, media, media, media, media);
    REQUIRE(sh(cmd) == 0);
    snprintf(text, sizeof text,
             "stick %s/staff\nexpect staff open\nexpect staff-role staff\n"
             "expect staff-page menu\nshot token-staff\n"
             "usbscan\nexpect staff closed\n" /* pulled out: closed */
             "stick %s/tech\nexpect staff-role technician\npress staff_page technician\n"
             "expect staff-page technician\nshot token-technician\nusbscan\n"
             "expect staff closed\n"
             "stick %s/forged\nexpect screen message\nshot token-forged\npress done\n"
             "expect staff closed\n"
             "stick %s/content\nexpect staff-page content\nshot token-content\n"
             "press staff_pack 1\nexpect staff-page content-confirm\nshot token-content-confirm\n"
             "press staff_pack_confirm\nexpect staff-page content\nshot token-content-switched\n"
             "press staff_close\nexpect staff closed\npress face 3\npress skip\npress done\n",
             media, media, media, media);
    REQUIRE(write_text(script, text));
    char *args[] = {"--headless", "--config",  config,     "--pack", KIOSK_PACK,      "--db", db,
                    "--kiosk-id", "e2e-kiosk", "--script", script,   "--screenshots", shots,  NULL};
    static char out[1 << 16];
    char *err;
    CHECK_INT(run_kiosk("tokens", args, out, sizeof out, &err), 0);
    CHECK(strstr(out, "event=staff-open via=token role=staff") != NULL);
    CHECK(strstr(out, "event=staff-open via=token role=technician") != NULL);
    CHECK(strstr(out, "event=pack action=install result=ok pack=default 2026.12-winter") != NULL);
    CHECK(err && strstr(err, "staff screens closed: the stick that opened them was removed"));
    CHECK(err && strstr(err, "usb: refused") && strstr(err, "signature"));
    /* The broken pack is refused with its file and place, in the log; so is the one whose
     * prompt is not audio, with the prompt's place and file, by a kiosk with no audio. */
    CHECK(err && strstr(err, "a-broken.json"));
    CHECK(err && strstr(err, "c-notes.json: $.audio.home.title.") &&
          strstr(err, "the recorded prompt prompts/notes.ogg is not an Ogg file"));
    free(err);
    /* The winter pack's prompt is in the kiosk's store, the installed pack names it there. */
    snprintf(cmd, sizeof cmd,
             "test \"$(ls '%s/packs/audio')\" = \"$(sha256sum < "
             "'%s/content/kiosk-packs/prompts/title.ogg' | cut -c1-64).ogg\" && grep -q "
             "'\"home.title\":{\"en\":\"audio/' '%s/packs/active.json'",
             base, media, base);
    CHECK(sh(cmd) == 0);
    CHECK_INT(count_rows(db, "SELECT count(*) FROM records WHERE pack_version = '2026.12-winter'"),
              1);
    /* A restart keeps the installed pack; the content token then goes back to the old one. */
    snprintf(text, sizeof text,
             "press display\npress speech\npress display_done\nwait 400\n" /* speech on */
             "stick %s/content\nexpect staff-page content\nshot token-content-after-restart\n"
             "press staff_pack -1\nexpect staff-page content-confirm\npress staff_pack_confirm\n"
             "expect staff-page content\nshot token-content-rolled-back\npress staff_close\n"
             "press face 1\npress skip\npress done\n",
             media);
    REQUIRE(write_text(script, text));
    CHECK_INT(run_kiosk("tokens-again", args, out, sizeof out, &err), 0);
    CHECK(err && strstr(err, "(default 2026.12-winter)")); /* loaded at start */
    free(err);
    char said[1200];
    snprintf(said, sizeof said, "prompt=\"%s/packs/audio/", base);
    CHECK(strstr(out, said) != NULL);
    CHECK(strstr(out, "event=pack action=rollback result=ok pack=default 2026.12.1") != NULL);
    CHECK_INT(count_rows(db, "SELECT count(*) FROM records WHERE pack_version = '2026.12.1'"), 1);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && for f in *.bmp; do convert \"$f\" \"${f%%.bmp}.png\" && rm \"$f\"; done",
             shots);
    if (access("/usr/bin/convert", X_OK) == 0)
        sh(cmd);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s", getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp");
    snprintf(base, sizeof base, "%s/usb", tmp);
    snprintf(keys, sizeof keys, "%s/office-keys", base);
    snprintf(media, sizeof media, "%s/media", base);
    snprintf(config, sizeof config, "%s/kiosk.json", base);
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && %s keygen '%s' >/dev/null", base,
             media, KIOSK_STAFF_BIN, keys);
    if (sh(cmd) != 0)
        return 1;
    char signpk[200], boxpk[200], path[900], json[2000];
    snprintf(path, sizeof path, "%s/org-sign.public", keys);
    if (!read_line(path, signpk, sizeof signpk))
        return 1;
    snprintf(path, sizeof path, "%s/org-box.public", keys);
    if (!read_line(path, boxpk, sizeof boxpk))
        return 1;
    snprintf(json, sizeof json,
             "{\"organisation\": {\"signPublicKey\": \"%s\", \"boxPublicKey\": \"%s\"},\n"
             " \"usb\": {\"mountDir\": \"%s\"}}\n",
             signpk, boxpk, media);
    if (!write_text(config, json))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    RUN(kiosk_exports_to_an_authorised_stick_and_refuses_others);
    RUN(a_mounted_stick_is_noticed);
    RUN(mounts_are_read_and_watched_through_libmount);
    RUN(tokens_open_the_staff_screens_and_switch_packs);
    RUN(office_imports_two_kiosks_once_and_reports);
    return check_failures != 0;
}
