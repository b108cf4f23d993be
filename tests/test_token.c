/* Staff tokens: payload rules, signatures with libsodium, and reading a hostile stick (no
 * token, a forged, expired or wrong-kiosk one, 1 GiB, a symlink to a secret, a FIFO); the
 * staff tool making keys and tokens; and the staff PIN's hash and the memory checking it takes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/kerr.h"
#include "core/token.h"
#include "crypto/crypto.h"
#include "usb/stick.h"

static char dir[512];

/* Runs a shell command; %s in it are all replaced by arg. */
static void sh(const char *fmt, const char *arg)
{
    char cmd[2048];
    size_t o = 0;
    for (const char *p = fmt; *p && o + strlen(arg) + 2 < sizeof cmd; p++) {
        if (p[0] == '%' && p[1] == 's') {
            o += (size_t)snprintf(cmd + o, sizeof cmd - o, "%s", arg);
            p++;
        } else {
            cmd[o++] = *p;
        }
    }
    cmd[o] = '\0';
    if (system(cmd) != 0)
        fprintf(stderr, "command failed: %s\n", cmd);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000;
}

static void iso8601_parses_what_it_formats(void)
{
    int64_t ms;
    CHECK(iso8601_parse("2026-11-28T12:31:45.123Z", &ms));
    CHECK_INT(ms, 1795869105123);
    CHECK(iso8601_parse("2026-11-28T20:31:45.123+08:00", &ms));
    CHECK_INT(ms, 1795869105123);
    CHECK(iso8601_parse("1969-12-31T23:59:59Z", &ms));
    CHECK_INT(ms, -1000);
    char buf[ISO8601_LEN];
    for (int64_t t = -86400000LL * 800; t < 86400000LL * 30000; t += 86400000LL * 97 + 12345) {
        iso8601_format(t, 330, buf);
        CHECK(iso8601_parse(buf, &ms) && ms == t);
    }
    CHECK(!iso8601_parse("2026-02-29T00:00:00Z", &ms)); /* not a leap year */
    CHECK(!iso8601_parse("2026-13-01T00:00:00Z", &ms));
    CHECK(!iso8601_parse("2026-11-28 12:00:00Z", &ms));
    CHECK(!iso8601_parse("2026-11-28T12:00:00", &ms));
    CHECK(!iso8601_parse("2026-11-28T12:00:00Zjunk", &ms));
}

static const char *good = "{\"serial\":7,\"kiosks\":[\"lobby-1\",\"lobby-2\"],"
                          "\"actions\":[\"export\",\"erase-contact\"],"
                          "\"validFrom\":\"2026-11-01T00:00:00Z\","
                          "\"validUntil\":\"2026-12-01T00:00:00Z\","
                          "\"eraseContacts\":[\"HND9E4\"],\"issuedBy\":\"Ms Chen\"}";

static void payload_rules(void)
{
    token_t t;
    content_error_t e;
    REQUIRE(token_parse(good, strlen(good), "t", &t, &e) == KIOSK_OK);
    CHECK_INT(t.serial, 7);
    CHECK_INT(t.nkiosks, 2);
    CHECK_INT(t.nerase, 1);
    int64_t mid = 1796000000000; /* 2026-11-29 */
    CHECK(token_denies(&t, "lobby-2", TOKEN_EXPORT, mid) == NULL);
    CHECK_STR(token_denies(&t, "library", TOKEN_EXPORT, mid), "for another kiosk");
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_EXPORT, 1790000000000), "not valid yet");
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_EXPORT, 1800000000000), "expired");
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_CONTENT_UPDATE, mid), "does not allow this action");
    /* What the staff tool writes, the kiosk reads the same. */
    char *text;
    REQUIRE(token_format(&t, &text) == KIOSK_OK);
    token_t back;
    CHECK_INT(token_parse(text, strlen(text), "t", &back, &e), KIOSK_OK);
    CHECK_INT(back.valid_until_ms, t.valid_until_ms);
    CHECK_STR(back.erase[0], "HND9E4");
    free(text);
    static const struct {
        const char *json, *path, *reason;
    } bad[] = {
        {"{\"serial\":1,\"kiosks\":\"*\",\"actions\":[\"export\"],\"validFrom\":"
         "\"2026-11-01T00:00:00Z\",\"validUntil\":\"2026-12-01T00:00:00Z\",\"root\":true}",
         "$.root", "unknown key"},
        {"{\"serial\":1,\"kiosks\":\"*\",\"actions\":[\"format-disk\"],\"validFrom\":"
         "\"2026-11-01T00:00:00Z\",\"validUntil\":\"2026-12-01T00:00:00Z\"}",
         "$.actions[0]", "unknown action"},
        {"{\"serial\":1,\"kiosks\":\"*\",\"actions\":[\"export\"],\"validFrom\":"
         "\"2026-11-01T00:00:00Z\",\"validUntil\":\"2026-10-01T00:00:00Z\"}",
         "$.validUntil", "ends before it begins"},
        {"{\"serial\":1,\"kiosks\":\"*\",\"actions\":[\"export\"],\"validFrom\":"
         "\"2026-11-01T00:00:00Z\",\"validUntil\":\"2026-12-01T00:00:00Z\",\"eraseContacts\":"
         "[\"HND9E4\"]}",
         "$.eraseContacts", "needs the erase-contact action"},
        {"{\"serial\":1,\"kiosks\":[],\"actions\":[\"export\"],\"validFrom\":"
         "\"2026-11-01T00:00:00Z\",\"validUntil\":\"2026-12-01T00:00:00Z\"}",
         "$.kiosks", "non-empty"},
        {"{\"kiosks\":\"*\"}", "$", "needs serial"},
        {"[]", "$", "JSON object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(token_parse(bad[i].json, strlen(bad[i].json), "t", &t, &e), KIOSK_EINVAL);
        CHECK_STR(e.path, bad[i].path);
        if (!strstr(e.reason, bad[i].reason)) {
            fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", e.reason, bad[i].reason);
            check_failures++;
        }
    }
}

/* validFrom is the first valid instant and validUntil the first expired one: [from, until). */
static void a_token_is_valid_from_its_first_instant_until_just_before_its_last(void)
{
    token_t t;
    content_error_t e;
    REQUIRE(token_parse(good, strlen(good), "t", &t, &e) == KIOSK_OK);
    int64_t from = t.valid_from_ms, until = t.valid_until_ms;
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_EXPORT, from - 1), "not valid yet");
    CHECK(token_denies(&t, "lobby-1", TOKEN_EXPORT, from) == NULL);
    CHECK(token_denies(&t, "lobby-1", TOKEN_EXPORT, from + 1) == NULL);
    CHECK(token_denies(&t, "lobby-1", TOKEN_EXPORT, until - 1) == NULL);
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_EXPORT, until), "expired");
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_EXPORT, until + 1), "expired");
}

static org_keys_t org, other;

static char *signed_token(const char *payload, const org_keys_t *k)
{
    char *file = NULL;
    crypto_token_sign(payload, strlen(payload), k->sign_sk, &file);
    return file;
}

static void signatures_are_checked_before_anything_is_believed(void)
{
    char *file = signed_token(good, &org);
    REQUIRE(file);
    char *payload;
    size_t len;
    char err[256];
    CHECK_INT(crypto_token_open(file, strlen(file), org.sign_pk, &payload, &len, err, sizeof err),
              KIOSK_OK);
    CHECK_STR(payload, good);
    free(payload);
    /* Another organisation's key: refused. */
    CHECK_INT(crypto_token_open(file, strlen(file), other.sign_pk, &payload, &len, err, sizeof err),
              KIOSK_EACCES);
    CHECK(payload == NULL && strstr(err, "does not match"));
    /* One character of the payload changed: refused. */
    char *p = strstr(file, "\"payload\"");
    REQUIRE(p);
    p = strchr(p + 10, '"') + 5;
    *p = *p == 'A' ? 'B' : 'A';
    CHECK_INT(crypto_token_open(file, strlen(file), org.sign_pk, &payload, &len, err, sizeof err),
              KIOSK_EACCES);
    free(file);
    CHECK_INT(crypto_token_open("{}", 2, org.sign_pk, &payload, &len, err, sizeof err),
              KIOSK_EINVAL);
    CHECK_INT(crypto_token_open("\xff\xfe", 2, org.sign_pk, &payload, &len, err, sizeof err),
              KIOSK_EINVAL);
}

static void write_token(const char *stick, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", stick, TOKEN_FILE_NAME);
    unlink(path);
    rmdir(path);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void hostile_sticks_are_refused_with_a_reason(void)
{
    char stick[600], path[700], err[512];
    snprintf(stick, sizeof stick, "%s/stick", dir);
    sh("rm -rf '%s/stick' && mkdir -p '%s/stick'", dir);
    snprintf(path, sizeof path, "%s/%s", stick, TOKEN_FILE_NAME);
    token_t t;
    int64_t now = now_ms();
    char payload[512];
    snprintf(payload, sizeof payload,
             "{\"serial\":9,\"kiosks\":[\"lobby-1\"],\"actions\":[\"export\"],"
             "\"validFrom\":\"2026-01-01T00:00:00Z\",\"validUntil\":\"2099-01-01T00:00:00Z\"}");
    /* No token. */
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_ENOENT);
    CHECK(strstr(err, "no staff token"));
    /* A good one. */
    char *file = signed_token(payload, &org);
    write_token(stick, file);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_OK);
    /* ... for another kiosk, or an action it does not allow. */
    CHECK_INT(
        stick_authorize(stick, "library", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EACCES);
    CHECK(strstr(err, "for another kiosk"));
    CHECK_INT(stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_ERASE_CONTACT, &t, err,
                              sizeof err),
              KIOSK_EACCES);
    /* Forged: signed by someone else. */
    free(file);
    file = signed_token(payload, &other);
    write_token(stick, file);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EACCES);
    CHECK(strstr(err, "signature does not match"));
    free(file);
    /* Expired. */
    snprintf(payload, sizeof payload,
             "{\"serial\":10,\"kiosks\":\"*\",\"actions\":[\"export\"],"
             "\"validFrom\":\"2025-01-01T00:00:00Z\",\"validUntil\":\"2025-02-01T00:00:00Z\"}");
    file = signed_token(payload, &org);
    write_token(stick, file);
    free(file);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EACCES);
    CHECK(strstr(err, "expired"));
    /* A token of 1 GiB (sparse): refused unread, at once. */
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK(ftruncate(fd, 1L << 30) == 0);
    close(fd);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_ETOOBIG);
    CHECK(strstr(err, "refused unread"));
    /* A symlink to a secret file of the kiosk: never followed. */
    unlink(path);
    CHECK(symlink("/etc/shadow", path) == 0);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EINVAL);
    CHECK(strstr(err, "symbolic link"));
    /* A FIFO: would block a naive reader for ever. */
    unlink(path);
    CHECK(mkfifo(path, 0644) == 0);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EINVAL);
    CHECK(strstr(err, "not a regular file"));
    /* A directory of that name. */
    unlink(path);
    CHECK(mkdir(path, 0755) == 0);
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EINVAL);
    rmdir(path);
    /* Garbage. */
    write_token(stick, "\x01\x02 not json at all");
    CHECK_INT(
        stick_authorize(stick, "lobby-1", org.sign_pk, now, TOKEN_EXPORT, &t, err, sizeof err),
        KIOSK_EINVAL);
}

static void staff_tool_makes_keys_and_tokens(void)
{
    char keys[600], stick[600], cmd[2048], err[512];
    snprintf(keys, sizeof keys, "%s/office-keys", dir);
    snprintf(stick, sizeof stick, "%s/stick2", dir);
    sh("rm -rf '%s/office-keys' '%s/stick2' && mkdir -p '%s/stick2'", dir);
    snprintf(cmd, sizeof cmd, "%s keygen '%s' >/dev/null", KIOSK_STAFF_BIN, keys);
    REQUIRE(system(cmd) == 0);
    struct stat st;
    char path[700];
    snprintf(path, sizeof path, "%s/org-sign.secret", keys);
    REQUIRE(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/org-box.secret", keys);
    REQUIRE(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    /* Keys are never overwritten. */
    snprintf(cmd, sizeof cmd, "%s keygen '%s' >/dev/null 2>&1", KIOSK_STAFF_BIN, keys);
    CHECK(system(cmd) != 0);
    snprintf(cmd, sizeof cmd,
             "%s token --keys '%s' --stick '%s' --kiosk lobby-1 --actions export,erase-contact "
             "--erase HND9E4 --days 3 --issued-by 'Ms Chen' >/dev/null",
             KIOSK_STAFF_BIN, keys, stick);
    REQUIRE(system(cmd) == 0);
    /* The kiosk, provisioned with the public key, accepts it. */
    snprintf(path, sizeof path, "%s/org-sign.public", keys);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    char text[CRYPTO_KEY_TEXT] = "";
    CHECK(fgets(text, sizeof text, f) != NULL);
    fclose(f);
    uint8_t pk[CRYPTO_SIGN_PK_BYTES];
    REQUIRE(crypto_key_from_text(text, pk, sizeof pk));
    token_t t;
    CHECK_INT(
        stick_authorize(stick, "lobby-1", pk, now_ms(), TOKEN_ERASE_CONTACT, &t, err, sizeof err),
        KIOSK_OK);
    CHECK_STR(t.issued_by, "Ms Chen");
    CHECK_STR(t.erase[0], "HND9E4");
    CHECK_STR(token_denies(&t, "lobby-1", TOKEN_EXPORT, now_ms() + 4LL * 86400000), "expired");
    /* A secret key file others can read is refused. */
    snprintf(path, sizeof path, "%s/org-sign.secret", keys);
    CHECK(chmod(path, 0644) == 0);
    snprintf(cmd, sizeof cmd, "%s token --keys '%s' --stick '%s' --kiosk x 2>/dev/null",
             KIOSK_STAFF_BIN, keys, stick);
    CHECK(system(cmd) != 0);
}

/* An older kiosk's hash of 246810 (libsodium's interactive limits: 64 MiB, 2 passes). */
#define OLD_PIN_HASH                                                                               \
    "$argon2id$v=19$m=65536,t=2,p=1$S6xhKdeIQfV1vj/"                                               \
    "lgfFkJw$zLUqFLfdhBbhRhcpTUhuaVluruHOyCnSnKOO6FoG/0w"

/* The peak memory of checking hash against pin, in a child of its own: KiB of ru_maxrss
 * beyond the child's size at the start; -1 when it did not verify. */
static long pin_check_kib(const char *hash, const char *pin)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        struct rusage r0, r1;
        getrusage(RUSAGE_SELF, &r0);
        long kib = crypto_pin_verify(hash, pin) ? 0 : -1;
        getrusage(RUSAGE_SELF, &r1);
        if (kib == 0)
            kib = r1.ru_maxrss - r0.ru_maxrss;
        ssize_t w = write(fd[1], &kib, sizeof kib);
        _exit(w == sizeof kib ? 0 : 1);
    }
    close(fd[1]);
    long kib = -2;
    if (pid < 0 || read(fd[0], &kib, sizeof kib) != sizeof kib)
        kib = -2;
    close(fd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return kib;
}

/* PIN hashes: Argon2id at 7 MiB and 5 passes, checked in about that much memory; an older
 * kiosk's 64 MiB hash still lets its PIN in, and is told apart to be re-hashed. */
static void pin_hashes_fit_in_a_small_memory(void)
{
    char hash[CRYPTO_PIN_HASH_BYTES];
    REQUIRE(crypto_pin_hash("246810", hash) == KIOSK_OK);
    CHECK(strncmp(hash, "$argon2id$v=19$m=7168,t=5,p=1$", 30) == 0);
    CHECK(crypto_pin_hash_valid(hash));
    CHECK(crypto_pin_verify(hash, "246810"));
    CHECK(!crypto_pin_verify(hash, "246811"));
    CHECK(!crypto_pin_hash_outdated(hash));
    CHECK(crypto_pin_verify(OLD_PIN_HASH, "246810"));
    CHECK(!crypto_pin_verify(OLD_PIN_HASH, "246811"));
    CHECK(crypto_pin_hash_outdated(OLD_PIN_HASH));
    CHECK(!crypto_pin_hash_outdated("$argon2id$garbage"));
    long kib_new = pin_check_kib(hash, "246810"), kib_old = pin_check_kib(OLD_PIN_HASH, "246810");
    fprintf(stderr, "PIN check: %ld KiB more at its peak (an older hash: %ld KiB)\n", kib_new,
            kib_old);
    CHECK(kib_new >= 0 && kib_new <= 12 * 1024); /* 7 MiB and the code around it */
    CHECK(kib_old >= 60 * 1024);                 /* the measurement sees the old cost */
}

int main(void)
{
    const char *tmp = getenv("KIOSK_TEST_TMP") ? getenv("KIOSK_TEST_TMP") : "/tmp";
    snprintf(dir, sizeof dir, "%s/token", tmp);
    sh("mkdir -p '%s'", dir);
    if (crypto_init() != KIOSK_OK)
        return 1;
    crypto_org_keygen(&org);
    crypto_org_keygen(&other);
    RUN(iso8601_parses_what_it_formats);
    RUN(payload_rules);
    RUN(a_token_is_valid_from_its_first_instant_until_just_before_its_last);
    RUN(signatures_are_checked_before_anything_is_believed);
    RUN(hostile_sticks_are_refused_with_a_reason);
    RUN(staff_tool_makes_keys_and_tokens);
    RUN(pin_hashes_fit_in_a_small_memory);
    return check_failures != 0;
}
