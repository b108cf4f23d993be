/* Sealed at rest: the real kiosk, given the organisation's encryption key, stores a service
 * request's name, phone number and description and a feedback comment so that none of them is
 * in the database, its WAL or a quarantine copy (bytes, not SQL); --print-records shows
 * "[sealed]"; the bundle exported on a staff stick and imported by the office tool shows them
 * in clear. Without a key, nothing is dropped: they are stored unsealed, with an error in the
 * log and a staff notice. And the sealing functions themselves. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "crypto/crypto.h"
#include "crypto/seal.h"
#include "proc_util.h"

static char base[700], keys[800], media[800], config[800];

/* What the resident enters: each must never be found at rest on the kiosk. */
#define NAME "Lanxiu Qiao"
#define PHONE "13912345678"
#define DESCRIPTION "landlord dispute 法律援助"
#define COMMENT "cold water in the gym"
static const char *const secrets[] = {"Lanxiu", PHONE, "landlord", "法律援助", "cold water"};
#define NSECRETS (sizeof secrets / sizeof secrets[0])

/* A service request with consent, name and phone; a feedback with a comment and no contact. */
#define JOURNEYS                                                                                   \
    "press journey 1\nexpect question service\npress choice 3\nexpect question forWhom\n"          \
    "press choice 1\nexpect question urgency\npress choice 0\nexpect question description\n"       \
    "text " DESCRIPTION "\npress next\nexpect question consent\npress choice 1\n"                  \
    "expect question name\ntext " NAME "\npress next\nexpect question phone\n"                     \
    "text " PHONE "\npress next\nexpect screen thanks\nexpect ref yes\npress done\n"               \
    "press journey 0\nexpect question topic\npress choice 1\nexpect question rating\n"             \
    "press choice 0\nexpect question comment\ntext " COMMENT "\npress next\n"                      \
    "expect question contactOk\npress choice 0\nexpect screen thanks\npress done\n"

static int sh(const char *cmd)
{
    return system(cmd);
}

/* The whole content of a file (NULL when it cannot be read); *n its length. Free it. */
static char *read_all(const char *path, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + *n, 1, cap - *n, f)) > 0) {
        *n += got;
        if (*n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    return buf;
}

/* How often needle's bytes occur in the file at path (0 when it cannot be read). */
static int bytes_in_file(const char *path, const char *needle)
{
    size_t n;
    char *buf = read_all(path, &n);
    int count = 0;
    const size_t len = strlen(needle);
    for (char *p = buf; buf && p && (size_t)(p - buf) + len <= n; p++) {
        p = memmem(p, n - (size_t)(p - buf), needle, len);
        if (!p)
            break;
        count++;
    }
    free(buf);
    return count;
}

/* Greps every file of dir whose name starts with prefix (the database, -wal, -shm, quarantine
 * copies): no secret may be found. Returns how many files were read, and adds the count of the
 * sealed prefix found in them to *sealed. */
static int no_secret_in(const char *dir, const char *prefix, int *sealed)
{
    DIR *d = opendir(dir);
    int files = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        files++;
        for (size_t i = 0; i < NSECRETS; i++) {
            int n = bytes_in_file(path, secrets[i]);
            if (n)
                fprintf(stderr, "  '%s' found %d times in %s\n", secrets[i], n, path);
            CHECK_INT(n, 0);
        }
        *sealed += bytes_in_file(path, RECORD_SEALED_PREFIX);
    }
    if (d)
        closedir(d);
    return files;
}

/* One column of the first row of sql over db, into buf ("" when none). */
static void query(const char *db, const char *sql, char *buf, size_t len)
{
    buf[0] = '\0';
    sqlite3 *d;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return;
    if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(d);
}

/* The kiosk with the organisation's key: its data directory, database, stick and script. */
static char kdir[900], kdb[1000], kstick[1000], kscript[1000];
static char *const kargs[] = {"--headless",   "--config", config,  "--pack",
                              KIOSK_PACK,     "--db",     kdb,     "--kiosk-id",
                              "sealed-kiosk", "--script", kscript, NULL};

/* A quick rating with its follow-up, then JOURNEYS; while the kiosk waits after the last
 * thank-you, the database and its WAL are read byte by byte; then a staff stick exports. */
static void run_sealed_kiosk(void)
{
    char cmd[4000], line[512];
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p '%s' '%s' && %s token --keys '%s' --stick '%s' --kiosk sealed-kiosk --days 2 "
        "--actions export --issued-by test >/dev/null",
        kdir, kstick, KIOSK_STAFF_BIN, keys, kstick);
    REQUIRE(sh(cmd) == 0);
    char text[4000];
    snprintf(text, sizeof text,
             "expect notice no\npress face 3\nexpect question about\npress choice 1\n"
             "expect screen thanks\npress done\n" JOURNEYS
             "pause\nstick %s\nexpect screen message\npress done\n"
             "expect screen home\n",
             kstick);
    REQUIRE(write_file(kscript, text));
    proc_t p;
    REQUIRE(start(&p, "sealed", kargs));
    REQUIRE(read_until(&p, "event=pause", line, sizeof line));
    int sealed = 0;
    CHECK(no_secret_in(kdir, "kiosk.db", &sealed) >= 2); /* kiosk.db, kiosk.db-wal */
    CHECK(sealed >= 4); /* description, name, phone, comment: all there, sealed */
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", kdb);
    struct stat st;
    CHECK(stat(wal, &st) == 0 && st.st_size > 0); /* the WAL was read, not missed */
    fputs("\n", p.in);
    fflush(p.in);
    static char out[1 << 16];
    int status = finish(&p, out, sizeof out);
    char *err = slurp(p.err_path);
    if (status != 0)
        fprintf(stderr, "%s\n", err);
    CHECK_INT(status, 0);
    CHECK(strstr(err, "UNSEALED") == NULL);
    free(err);
    CHECK(strstr(out, "event=export result=0 records=3 seq=1") != NULL);
    sealed = 0;
    no_secret_in(kdir, "kiosk.db", &sealed);
}

/* Codes, counts and the reference code stay readable; personal data is sealed. */
static void check_stored_form(void)
{
    char v[4096];
    query(kdb,
          "SELECT json_extract(answers, '$.urgency') FROM records WHERE kind = "
          "'service_request'",
          v, sizeof v);
    CHECK(v[0] && !record_value_sealed(v));
    query(kdb, "SELECT ref_code FROM records WHERE kind = 'service_request'", v, sizeof v);
    CHECK_INT(strlen(v), RECORD_REF_LEN);
    query(kdb,
          "SELECT json_extract(answers, '$.description') FROM records WHERE kind = "
          "'service_request'",
          v, sizeof v);
    CHECK(record_value_sealed(v));
    query(kdb, "SELECT json_extract(answers, '$.comment') FROM records WHERE kind = 'feedback'", v,
          sizeof v);
    CHECK(record_value_sealed(v));
    query(kdb, "SELECT json_extract(answers, '$.rating') FROM records WHERE kind = 'feedback'", v,
          sizeof v);
    CHECK(v[0] && !record_value_sealed(v));
    query(kdb, "SELECT name || '|' || phone FROM contacts", v, sizeof v);
    CHECK(record_value_sealed(v) && strstr(v, "|" RECORD_SEALED_PREFIX));
    /* The quick rating's follow-up, added to the stored record, is a choice code: readable. */
    query(kdb, "SELECT answers FROM records WHERE kind = 'quick_rating'", v, sizeof v);
    CHECK(strstr(v, "\"rating\":") && !strstr(v, RECORD_SEALED_PREFIX) && strlen(v) > 14);
}

/* The technician's listing shows that values are sealed, not what they hold; the office opens
 * them: the archive, the CSV and Open311 hold them in clear. */
static void check_listing_and_office(void)
{
    char cmd[16000], v[1100];
    snprintf(cmd, sizeof cmd, "%s --print-records --db '%s' > '%s/listing.txt'", KIOSK_BIN, kdb,
             base);
    CHECK(sh(cmd) == 0);
    snprintf(v, sizeof v, "%s/listing.txt", base);
    CHECK(bytes_in_file(v, RECORD_SEALED_SHOWN) >= 3); /* description, comment, phone */
    CHECK_INT(bytes_in_file(v, RECORD_SEALED_PREFIX), 0);
    for (size_t i = 0; i < NSECRETS; i++)
        CHECK_INT(bytes_in_file(v, secrets[i]), 0);
    char archive[1000];
    snprintf(archive, sizeof archive, "%s/archive.db", base);
    snprintf(cmd, sizeof cmd,
             "rm -f '%s'* && %s trust --archive '%s' --kiosk sealed-kiosk --key "
             "'%s/kiosk-sign.public' >/dev/null && %s import --keys '%s' --archive '%s' '%s' "
             ">/dev/null && cd '%s' && %s csv --archive '%s' --out records.csv && "
             "%s open311 --archive '%s' --out requests.json",
             archive, KIOSK_STAFF_BIN, archive, kdir, KIOSK_STAFF_BIN, keys, archive, kstick, base,
             KIOSK_STAFF_BIN, archive, KIOSK_STAFF_BIN, archive);
    CHECK(sh(cmd) == 0);
    snprintf(v, sizeof v, "%s/records.csv", base);
    const char *in_csv[] = {NAME, PHONE, DESCRIPTION, COMMENT};
    for (size_t i = 0; i < 4; i++)
        CHECK(bytes_in_file(v, in_csv[i]) == 1);
    CHECK_INT(bytes_in_file(v, RECORD_SEALED_PREFIX), 0);
    snprintf(v, sizeof v, "%s/requests.json", base);
    CHECK(bytes_in_file(v, PHONE) == 1 && bytes_in_file(v, "landlord") == 1);
}

/* Erasure by reference code works on the sealed form: the sealed contact row goes. A damaged
 * database is then set aside as it is: the quarantine copy holds nothing in clear. */
static void check_erasure_and_quarantine(void)
{
    char cmd[4000], text[2000], ref[16], v[64];
    query(kdb, "SELECT ref_code FROM records WHERE kind = 'service_request'", ref, sizeof ref);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/erase' && %s token --keys '%s' --stick '%s/erase' --kiosk sealed-kiosk "
             "--days 2 --actions export,erase-contact --erase %s --issued-by test >/dev/null",
             media, KIOSK_STAFF_BIN, keys, media, ref);
    CHECK(sh(cmd) == 0);
    snprintf(text, sizeof text, "stick %s/erase\nexpect screen message\npress done\n", media);
    REQUIRE(write_file(kscript, text));
    char *err;
    CHECK_INT(run_kiosk("sealed-erase", kargs, NULL, 0, &err), 0);
    CHECK(strstr(err, "erased") != NULL);
    free(err);
    query(kdb, "SELECT count(*) FROM contacts", v, sizeof v);
    CHECK_STR(v, "0");

    FILE *f = fopen(kdb, "r+b");
    REQUIRE(f);
    fwrite("this is not sqlite", 1, 18, f);
    fclose(f);
    REQUIRE(write_file(kscript, "expect screen home\n"));
    CHECK_INT(run_kiosk("sealed-damaged", kargs, NULL, 0, &err), 0);
    CHECK(strstr(err, "set aside as") != NULL);
    free(err);
    int sealed = 0;
    CHECK(no_secret_in(kdir, "kiosk.db", &sealed) >= 2); /* the fresh one, the copy */
    CHECK(sealed >= 2); /* description and comment; the contact was erased above */
}

static void a_kiosk_with_the_key_keeps_no_personal_data_in_clear(void)
{
    snprintf(kdir, sizeof kdir, "%s/kiosk", base);
    snprintf(kdb, sizeof kdb, "%s/kiosk.db", kdir);
    snprintf(kstick, sizeof kstick, "%s/stick", media);
    snprintf(kscript, sizeof kscript, "%s/sealed.script", base);
    int failures = check_failures;
    run_sealed_kiosk();
    if (check_failures != failures)
        return;
    check_stored_form();
    check_listing_and_office();
    check_erasure_and_quarantine();
}

/* "Something else" texts (<name>-Comment) and a comment shown by visibleIf are sealed; the
 * choice "other", a rating, matrix rows and a yes/no stay readable. A SurveyJS survey made a
 * journey by the office tool, completed in Chinese. */
static void something_else_texts_are_sealed_and_choices_kept(void)
{
    char dir[900], db[1000], script[1000], pack[1000], cmd[4000];
    snprintf(dir, sizeof dir, "%s/visit", base);
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    snprintf(pack, sizeof pack, "%s/visit-pack.json", base);
    snprintf(script, sizeof script, "%s/visit.script", base);
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s' && %s import-surveyjs '%s/tests/data/surveyjs/"
             "centre-visit.json' --pack '%s' --id centre_visit --out '%s' >/dev/null",
             dir, dir, KIOSK_STAFF_BIN, PROJECT_DIR, KIOSK_PACK, pack);
    REQUIRE(sh(cmd) == 0);
    REQUIRE(write_file(script,
                       "press journey 4\nexpect question purpose\npress choice 3\n"
                       "expect question purpose-Comment\ntext 下棋\npress next\n"
                       "expect question satisfied\npress choice 4\nexpect question quality.staff\n"
                       "press choice 0\nexpect question quality.rooms\npress choice 1\n"
                       "expect question again\npress choice 0\nexpect question why_not\n"
                       "text 多开课\npress next\nexpect screen thanks\n"));
    char *args[] = {"--headless", "--config", config,  "--pack",   pack,   "--db",
                    db,           "--lang",   "zh-cn", "--script", script, NULL};
    char *err;
    CHECK_INT(run_kiosk("visit", args, NULL, 0, &err), 0);
    free(err);
    char v[4096];
    query(db,
          "SELECT json_extract(answers, '$.purpose') || '|' || json_extract(answers, "
          "'$.satisfied') || '|' || json_extract(answers, '$.\"quality.staff\"') || '|' || "
          "json_extract(answers, '$.again') FROM records",
          v, sizeof v);
    CHECK_STR(v, "other|5|good|0");
    query(db, "SELECT json_extract(answers, '$.\"purpose-Comment\"') FROM records", v, sizeof v);
    CHECK(record_value_sealed(v));
    query(db, "SELECT json_extract(answers, '$.why_not') FROM records", v, sizeof v);
    CHECK(record_value_sealed(v));
    snprintf(cmd, sizeof cmd, "cat '%s'* | grep -a -c -e 下棋 -e 多开课", db);
    CHECK(sh(cmd) != 0); /* grep found none */
}

/* Runs the journeys on a kiosk whose configuration is config_text: personal data is kept in
 * clear, the log says why (why) and that each record was stored unsealed, and staff see the
 * notice when notice is true. */
static void without_key(const char *name, const char *config_text, const char *why, bool notice)
{
    char dir[900], db[1000], script[1000], conf[1000];
    snprintf(dir, sizeof dir, "%s/%s", base, name);
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    snprintf(script, sizeof script, "%s/%s.script", base, name);
    snprintf(conf, sizeof conf, "%s/%s.json", base, name);
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    REQUIRE(sh(cmd) == 0);
    REQUIRE(write_file(conf, config_text));
    /* A face rating holds nothing personal: no notice yet. */
    char text[4000];
    snprintf(text, sizeof text,
             "expect notice no\npress face 3\npress skip\npress done\nexpect notice no\n" JOURNEYS
             "expect notice %s\n",
             notice ? "yes" : "no");
    REQUIRE(write_file(script, text));
    char *args[] = {"--headless", "--config",   conf,         "--pack",   KIOSK_PACK, "--db",
                    db,           "--kiosk-id", "bare-kiosk", "--script", script,     NULL};
    char *err;
    static char out[1 << 16];
    CHECK_INT(run_kiosk(name, args, out, sizeof out, &err), 0);
    CHECK(strstr(err, why) != NULL);
    CHECK_INT(count_of(err, "stored UNSEALED (no organisation encryption key)"), 2);
    free(err);
    char v[4096];
    query(db, "SELECT name || '|' || phone FROM contacts", v, sizeof v);
    CHECK_STR(v, NAME "|" PHONE);
    query(db,
          "SELECT json_extract(answers, '$.description') FROM records WHERE kind = "
          "'service_request'",
          v, sizeof v);
    CHECK_STR(v, DESCRIPTION);
}

/* No key: the kiosk keeps what residents said, unsealed, and says so loudly; on a kiosk
 * provisioned for sticks (a stick directory, no boxPublicKey) staff also see a notice on the home
 * screen; a bench kiosk with no organisation at all only logs it. */
static void without_a_key_personal_data_is_kept_and_staff_are_told(void)
{
    char json[2000];
    snprintf(json, sizeof json, "{\"usb\": {\"mountDir\": \"%s\"}}\n", media);
    without_key("no-box", json, "will be stored UNSEALED", true);
    without_key("bench", "{}\n", "will be stored UNSEALED", false);
}

/* ---- the sealing functions ---- */

static bool keep_choice(const char *key, void *ud)
{
    (void)ud;
    return strcmp(key, "service") == 0;
}

static void sealed_values_open_only_with_the_key(void)
{
    REQUIRE(crypto_init() == KIOSK_OK);
    org_keys_t org, other;
    crypto_org_keygen(&org);
    crypto_org_keygen(&other);
    char *s = NULL, *plain = NULL;
    REQUIRE(seal_text(org.box_pk, "张伟 13912345678", &s) == KIOSK_OK);
    CHECK(record_value_sealed(s) && !strstr(s, "13912345678"));
    CHECK_INT(seal_open_text(org.box_pk, org.box_sk, s, &plain), KIOSK_OK);
    CHECK_STR(plain, "张伟 13912345678");
    free(plain);
    CHECK_INT(seal_open_text(other.box_pk, other.box_sk, s, &plain), KIOSK_ECORRUPT);
    CHECK(plain == NULL);
    s[20] = s[20] == 'A' ? 'B' : 'A'; /* one base64 digit altered */
    CHECK_INT(seal_open_text(org.box_pk, org.box_sk, s, &plain), KIOSK_ECORRUPT);
    CHECK_INT(seal_open_text(org.box_pk, org.box_sk, "sealed:1:%%%", &plain), KIOSK_EINVAL);
    CHECK_INT(seal_open_text(org.box_pk, org.box_sk, "plain", &plain), KIOSK_EINVAL);
    CHECK(!record_value_sealed(NULL) && !record_value_sealed("sealed:2:x"));
    free(s);

    /* Answers: text sealed, choice codes, numbers, booleans and arrays kept. */
    const char *answers = "{\"service\":\"legal\",\"description\":\"landlord\",\"n\":2,"
                          "\"ok\":true,\"multi\":[\"a\",\"b\"],\"other-Comment\":\"xyz\"}";
    CHECK(seal_answers_needed(answers, keep_choice, NULL));
    CHECK(!seal_answers_needed("{\"service\":\"legal\",\"n\":1}", keep_choice, NULL));
    REQUIRE(seal_answers(org.box_pk, answers, keep_choice, NULL, &s) == KIOSK_OK);
    CHECK(strstr(s, "\"service\":\"legal\"") && strstr(s, "\"n\":2") && strstr(s, "[\"a\",\"b\"]"));
    CHECK(!strstr(s, "landlord") && !strstr(s, "xyz"));
    CHECK_INT(count_of(s, RECORD_SEALED_PREFIX), 2);
    CHECK(!seal_answers_needed(s, keep_choice, NULL));
    char *again = NULL; /* sealing twice seals nothing twice */
    REQUIRE(seal_answers(org.box_pk, s, keep_choice, NULL, &again) == KIOSK_OK);
    CHECK_STR(again, s);
    free(again);
    CHECK_INT(seal_answers(org.box_pk, "[1]", NULL, NULL, &again), KIOSK_EINVAL);

    /* The listing shows "[sealed]"; the office opens the record in place. */
    record_t rec = {.kind = RECORD_SERVICE_REQUEST, .consent = true};
    snprintf(rec.uuid, sizeof rec.uuid, "%s", "6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f");
    rec.answers_json = s;
    REQUIRE(seal_text(org.box_pk, "Lanxiu", &rec.contact_name) == KIOSK_OK);
    REQUIRE(seal_text(org.box_pk, "13912345678", &rec.contact_phone) == KIOSK_OK);
    char *listing = NULL;
    REQUIRE(record_json_write(&rec, RECORD_JSON_LISTING, &listing) == KIOSK_OK);
    CHECK_INT(count_of(listing, RECORD_SEALED_SHOWN), 3);
    CHECK(!strstr(listing, RECORD_SEALED_PREFIX) && strstr(listing, "\"service\":\"legal\""));
    free(listing);
    char why[200] = "";
    CHECK_INT(seal_open_record(other.box_pk, other.box_sk, &rec, why, sizeof why), KIOSK_ECORRUPT);
    CHECK(strstr(why, "$.contact.name") != NULL);
    CHECK(record_value_sealed(rec.contact_name)); /* unchanged on failure */
    CHECK_INT(seal_open_record(org.box_pk, org.box_sk, &rec, why, sizeof why), KIOSK_OK);
    CHECK_STR(rec.contact_name, "Lanxiu");
    CHECK_STR(rec.contact_phone, "13912345678");
    CHECK(strstr(rec.answers_json, "\"description\":\"landlord\"") &&
          strstr(rec.answers_json, "\"other-Comment\":\"xyz\""));
    record_clear(&rec);
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    snprintf(base, sizeof base, "%s/sealed", tmp);
    snprintf(keys, sizeof keys, "%s/office-keys", base);
    snprintf(media, sizeof media, "%s/media", base);
    snprintf(config, sizeof config, "%s/kiosk.json", base);
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && %s keygen '%s' >/dev/null", base,
             media, KIOSK_STAFF_BIN, keys);
    if (sh(cmd) != 0)
        return 1;
    char path[900], json[2000];
    size_t n;
    snprintf(path, sizeof path, "%s/org-sign.public", keys);
    char *signpk = read_all(path, &n);
    snprintf(path, sizeof path, "%s/org-box.public", keys);
    char *boxpk = read_all(path, &n);
    if (!signpk || !boxpk)
        return 1;
    signpk[strcspn(signpk, "\r\n")] = '\0';
    boxpk[strcspn(boxpk, "\r\n")] = '\0';
    snprintf(json, sizeof json,
             "{\"organisation\": {\"signPublicKey\": \"%s\", \"boxPublicKey\": \"%s\"},\n"
             " \"usb\": {\"mountDir\": \"%s\"}}\n",
             signpk, boxpk, media);
    free(signpk);
    free(boxpk);
    if (!write_file(config, json))
        return 1;
    RUN(sealed_values_open_only_with_the_key);
    RUN(a_kiosk_with_the_key_keeps_no_personal_data_in_clear);
    RUN(something_else_texts_are_sealed_and_choices_kept);
    RUN(without_a_key_personal_data_is_kept_and_staff_are_told);
    return check_failures != 0;
}
