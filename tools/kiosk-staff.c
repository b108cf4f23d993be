/* kiosk-staff: the staff tool on the office PC. Makes the organisation's keys, writes staff
 * tokens onto sticks, imports the kiosks' encrypted exports into an archive database, and
 * turns the archive into what staff report upward (find, csv, open311, report). Exit codes:
 * 0 done, 1 failed (the message names the file and the reason), 2 bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <dirent.h>

#include "core/json_num.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "core/token.h"
#include "crypto/crypto.h"
#include "staff-office.h"
#include "store/archive.h"

static void usage(FILE *out)
{
    fputs("Usage: kiosk-staff COMMAND [OPTION]...\n"
          "The community kiosk's staff tool.\n"
          "\n"
          "  keygen DIR      make the organisation's keys in DIR (created 0700):\n"
          "                  org-sign.secret, org-box.secret (keep them on this PC, mode 0600)\n"
          "                  org-sign.public, org-box.public (for provisioning the kiosks)\n"
          "  token           write a staff token onto a stick:\n"
          "      --keys DIR        where org-sign.secret is\n"
          "      --stick DIR       the stick's mount point (the token is DIR/kiosk-staff.token)\n"
          "      --kiosk ID        a kiosk it is for (repeat), or --all-kiosks\n"
          "      --actions LIST    export, erase-contact, content-update, staff-screens,\n"
          "                        technician, comma-separated (default export)\n"
          "      --days N          valid from now for N days (default 7)\n"
          "      --serial N        its serial number (default: the time, in seconds)\n"
          "      --export-all      export every record, not only the new ones\n"
          "      --erase REF       erase the contact details of this request (repeat)\n"
          "      --issued-by NAME  who made it\n"
          "  trust --archive FILE --kiosk ID --key FILE|BASE64\n"
          "                  accept exports signed by this kiosk's key (its kiosk-sign.public)\n"
          "  import --keys DIR --archive FILE SOURCE...\n"
          "                  import the exports on sticks or in folders (SOURCE/kiosk-export/ or\n"
          "                  SOURCE itself): each manifest's kiosk signature and the bundle's\n"
          "                  hash are checked, the bundle decrypted, the records merged by uuid\n"
          "                  (importing twice adds nothing)\n",
          out);
    office_usage(out);
    fputs("\nExit status: 0 done, 1 failed, 2 bad usage.\n", out);
}

static int keygen(int argc, char **argv)
{
    if (argc != 2) {
        usage(stderr);
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    org_keys_t k;
    crypto_org_keygen(&k);
    char err[512];
    int rc = crypto_org_save(&k, dir, err, sizeof err);
    memset(&k, 0, sizeof k);
    if (rc != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s\n", err);
        return 1;
    }
    printf("Keys written to %s.\n"
           "KEEP org-sign.secret AND org-box.secret ON THIS PC ONLY: whoever has them can make\n"
           "staff tokens and read every export. Back them up offline; never put them on a stick.\n"
           "Give org-sign.public and org-box.public to the technicians who provision kiosks.\n",
           dir);
    return 0;
}

/* Writes text to dir/name: a temporary name, fsync, rename, then the directory fsync. */
static int write_atomic(const char *dir, const char *name, const char *text)
{
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "kiosk-staff: %s: cannot write: %s\n", path, strerror(errno));
        unlink(tmp);
        return 1;
    }
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) {
        fsync(d);
        close(d);
    }
    return 0;
}

static int token(int argc, char **argv)
{
    static const struct option opts[] = {
        {"keys", required_argument, NULL, 'k'},    {"stick", required_argument, NULL, 's'},
        {"kiosk", required_argument, NULL, 'i'},   {"all-kiosks", no_argument, NULL, 'A'},
        {"actions", required_argument, NULL, 'a'}, {"days", required_argument, NULL, 'd'},
        {"serial", required_argument, NULL, 'n'},  {"export-all", no_argument, NULL, 'E'},
        {"erase", required_argument, NULL, 'e'},   {"issued-by", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *keys = NULL, *stick = NULL, *actions = "export";
    token_t t = {0};
    long days = 7;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            keys = optarg;
            break;
        case 's':
            stick = optarg;
            break;
        case 'i':
            if (t.nkiosks == TOKEN_MAX_KIOSKS || strlen(optarg) > 63) {
                fprintf(stderr, "kiosk-staff: too many kiosks or an id over 63 bytes\n");
                return 2;
            }
            snprintf(t.kiosks[t.nkiosks++], sizeof t.kiosks[0], "%s", optarg);
            break;
        case 'A':
            t.all_kiosks = true;
            break;
        case 'a':
            actions = optarg;
            break;
        case 'd':
            days = strtol(optarg, NULL, 10);
            break;
        case 'n':
            t.serial = strtoll(optarg, NULL, 10);
            break;
        case 'E':
            t.export_all = true;
            break;
        case 'e':
            if (t.nerase == TOKEN_MAX_ERASE || strlen(optarg) != RECORD_REF_LEN) {
                fprintf(stderr, "kiosk-staff: '%s' is not a reference code\n", optarg);
                return 2;
            }
            snprintf(t.erase[t.nerase++], sizeof t.erase[0], "%s", optarg);
            break;
        case 'b':
            snprintf(t.issued_by, sizeof t.issued_by, "%s", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!keys || !stick || (!t.all_kiosks && t.nkiosks == 0) || days < 1 || days > 366) {
        fprintf(stderr, "kiosk-staff token: needs --keys, --stick, --kiosk or --all-kiosks, and "
                        "--days from 1 to 366\n");
        return 2;
    }
    /* The actions, by name; a misspelt one is refused, never dropped. */
    char list[128];
    snprintf(list, sizeof list, "%s", actions);
    for (char *save = NULL, *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
        unsigned bit = token_action_bit(a);
        if (!bit) {
            fprintf(stderr,
                    "kiosk-staff token: unknown action '%s' (export, erase-contact, "
                    "content-update, staff-screens, technician)\n",
                    a);
            return 2;
        }
        t.actions |= bit;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    t.valid_from_ms = (int64_t)now.tv_sec * 1000 - 3600 * 1000; /* an hour of clock slack */
    t.valid_until_ms = (int64_t)now.tv_sec * 1000 + days * 86400 * 1000;
    if (!t.serial)
        t.serial = (int64_t)now.tv_sec;
    char *payload = NULL, *file = NULL;
    if (token_format(&t, &payload) != KIOSK_OK)
        return 1;
    /* Check what we wrote the way the kiosk will read it. */
    token_t back;
    content_error_t ce;
    if (token_parse(payload, strlen(payload), "(new token)", &back, &ce) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", ce.path, ce.reason);
        free(payload);
        return 2;
    }
    uint8_t sk[CRYPTO_SIGN_SK_BYTES];
    char err[512];
    if (crypto_org_load_signer(keys, sk, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s\n", err);
        free(payload);
        return 1;
    }
    int rc = crypto_token_sign(payload, strlen(payload), sk, &file);
    memset(sk, 0, sizeof sk);
    free(payload);
    if (rc != KIOSK_OK)
        return 1;
    rc = write_atomic(stick, TOKEN_FILE_NAME, file);
    free(file);
    if (rc == 0)
        printf("Token %lld written to %s/%s, valid for %ld days.\n", (long long)t.serial, stick,
               TOKEN_FILE_NAME, days);
    return rc;
}

static int trust(int argc, char **argv)
{
    static const struct option opts[] = {{"archive", required_argument, NULL, 'a'},
                                         {"kiosk", required_argument, NULL, 'i'},
                                         {"key", required_argument, NULL, 'k'},
                                         {NULL, 0, NULL, 0}};
    const char *archive = NULL, *kiosk = NULL, *key = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'a')
            archive = optarg;
        else if (c == 'i')
            kiosk = optarg;
        else if (c == 'k')
            key = optarg;
        else
            return 2;
    }
    if (!archive || !kiosk || !key) {
        fprintf(stderr, "kiosk-staff trust: needs --archive, --kiosk and --key\n");
        return 2;
    }
    char text[CRYPTO_KEY_TEXT] = "";
    FILE *f = fopen(key, "r");
    if (f) {
        if (!fgets(text, sizeof text, f))
            text[0] = '\0';
        fclose(f);
    } else {
        snprintf(text, sizeof text, "%s", key);
    }
    text[strcspn(text, "\r\n")] = '\0';
    archive_t *a;
    char err[512];
    if (archive_open(archive, &a, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s\n", err);
        return 1;
    }
    int rc = archive_trust_kiosk(a, kiosk, text);
    if (rc != KIOSK_OK)
        fprintf(stderr, "kiosk-staff: %s: %s\n", key, archive_errmsg(a));
    else
        printf("Kiosk %s trusted in %s.\n", kiosk, archive);
    archive_close(a);
    return rc == KIOSK_OK ? 0 : 1;
}

typedef struct {
    archive_t *a;
    int64_t bundle;
    const char *kiosk;
    int64_t lines, added;
    char err[640];
} import_t;

static int import_line(const char *line, size_t len, void *ud)
{
    import_t *im = ud;
    record_t rec;
    content_error_t ce;
    if (record_from_json(line, len, &rec, &ce) != KIOSK_OK) {
        snprintf(im->err, sizeof im->err, "record %lld: %.60s: %.200s", (long long)im->lines + 1,
                 ce.path, ce.reason);
        return KIOSK_EINVAL;
    }
    bool added = false;
    int rc = archive_import_record(im->a, im->bundle, &rec, &added);
    if (rc != KIOSK_OK)
        snprintf(im->err, sizeof im->err, "record %lld: %s", (long long)im->lines + 1,
                 archive_errmsg(im->a));
    if (rec.contact_phone)
        memset(rec.contact_phone, 0, strlen(rec.contact_phone));
    record_clear(&rec);
    im->lines++;
    im->added += added;
    return rc;
}

/* Imports one manifest (dir/name) and its bundle. 0 done (or already), 1 refused. */
static int import_one(archive_t *a, int dirfd, const char *where, const char *name,
                      const uint8_t box_pk[CRYPTO_BOX_PK_BYTES],
                      const uint8_t box_sk[CRYPTO_BOX_SK_BYTES])
{
    char text[16384];
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0 || n >= (ssize_t)sizeof text - 1) {
        fprintf(stderr, "kiosk-staff: %s/%s: cannot read, or larger than a manifest\n", where,
                name);
        return 1;
    }
    text[n] = '\0';
    char *peek = NULL, *payload = NULL;
    size_t plen = 0;
    if (crypto_envelope_peek(text, (size_t)n, &peek, &plen) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s/%s: not a manifest\n", where, name);
        return 1;
    }
    cJSON *m = cJSON_Parse(peek);
    free(peek);
    const cJSON *jk = cJSON_GetObjectItemCaseSensitive(m, "kioskId");
    char kiosk[64] = "";
    if (cJSON_IsString(jk) && strlen(jk->valuestring) < sizeof kiosk)
        snprintf(kiosk, sizeof kiosk, "%s", jk->valuestring);
    cJSON_Delete(m);
    /* Only now believe it: checked against the key this archive trusts for that kiosk. */
    char keytext[CRYPTO_KEY_TEXT];
    uint8_t pk[CRYPTO_SIGN_PK_BYTES];
    if (!kiosk[0] || archive_kiosk_key(a, kiosk, keytext, sizeof keytext) != KIOSK_OK ||
        !crypto_key_from_text(keytext, pk, sizeof pk)) {
        fprintf(stderr,
                "kiosk-staff: %s/%s: from unknown kiosk '%s': refused (add it with kiosk-staff "
                "trust)\n",
                where, name, kiosk);
        return 1;
    }
    char why[256];
    if (crypto_token_open(text, (size_t)n, pk, &payload, &plen, why, sizeof why) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s/%s: %s: refused\n", where, name, why);
        return 1;
    }
    m = cJSON_Parse(payload);
    free(payload);
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(m, "seq");
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(m, "records");
    const cJSON *bundle = cJSON_GetObjectItemCaseSensitive(m, "bundle");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(m, "bundleSha256");
    int64_t nseq = 0, nrecords = 0;
    if (!cJSON_IsNumber(seq) || !cJSON_IsNumber(records) ||
        !json_int_in(seq->valuedouble, 0, 9000000000000000, &nseq) ||
        !json_int_in(records->valuedouble, 0, 9000000000000000, &nrecords) ||
        !cJSON_IsString(bundle) || !cJSON_IsString(sha) || strchr(bundle->valuestring, '/') ||
        bundle->valuestring[0] == '.' || strlen(sha->valuestring) != 64) {
        fprintf(stderr, "kiosk-staff: %s/%s: manifest lacks its fields: refused\n", where, name);
        cJSON_Delete(m);
        return 1;
    }
    char mhash[65];
    crypto_sha256_hex(text, (size_t)n, mhash);
    import_t im = {.a = a, .kiosk = kiosk};
    bool already = false;
    int rc = archive_begin_bundle(a, kiosk, nseq, mhash, nrecords, &im.bundle, &already);
    if (rc != KIOSK_OK || already) {
        if (rc != KIOSK_OK)
            fprintf(stderr, "kiosk-staff: %s/%s: %s\n", where, name, archive_errmsg(a));
        else
            printf("%s/%s: already imported\n", where, name);
        cJSON_Delete(m);
        return rc == KIOSK_OK ? 0 : 1;
    }
    int bf = openat(dirfd, bundle->valuestring, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    uint8_t got[32];
    char hex[65] = "";
    rc = bf < 0 ? KIOSK_ENOENT
                : bundle_open(bf, box_pk, box_sk, import_line, &im, got, why, sizeof why);
    if (bf >= 0)
        close(bf);
    if (rc == KIOSK_OK)
        crypto_hex32(got, hex);
    const char *problem = bf < 0                               ? "the bundle file is missing"
                          : rc != KIOSK_OK && im.err[0]        ? im.err
                          : rc != KIOSK_OK                     ? why
                          : strcmp(hex, sha->valuestring) != 0 ? "the bundle's hash differs"
                          : im.lines != nrecords               ? "the record count differs"
                                                               : NULL;
    if (problem) {
        archive_rollback_bundle(a);
        fprintf(stderr, "kiosk-staff: %s/%s: %s: nothing imported\n", where, bundle->valuestring,
                problem);
        cJSON_Delete(m);
        return 1;
    }
    if (archive_commit_bundle(a) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", where, archive_errmsg(a));
        cJSON_Delete(m);
        return 1;
    }
    printf("%s/%s: kiosk %s, bundle %lld: %lld records, %lld new\n", where, bundle->valuestring,
           kiosk, (long long)nseq, (long long)im.lines, (long long)im.added);
    cJSON_Delete(m);
    return 0;
}

static int import(int argc, char **argv)
{
    static const struct option opts[] = {{"keys", required_argument, NULL, 'k'},
                                         {"archive", required_argument, NULL, 'a'},
                                         {NULL, 0, NULL, 0}};
    const char *keys = NULL, *archive = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'k')
            keys = optarg;
        else if (c == 'a')
            archive = optarg;
        else
            return 2;
    }
    if (!keys || !archive || optind >= argc) {
        fprintf(stderr, "kiosk-staff import: needs --keys, --archive and a stick or folder\n");
        return 2;
    }
    uint8_t box_pk[CRYPTO_BOX_PK_BYTES], box_sk[CRYPTO_BOX_SK_BYTES];
    char err[512];
    if (crypto_org_load_box(keys, box_pk, box_sk, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s\n", err);
        return 1;
    }
    archive_t *a;
    if (archive_open(archive, &a, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s\n", err);
        return 1;
    }
    int status = 0, found = 0;
    for (int i = optind; i < argc; i++) {
        char where[4096];
        snprintf(where, sizeof where, "%s/kiosk-export", argv[i]);
        DIR *d = opendir(where);
        if (!d) {
            snprintf(where, sizeof where, "%s", argv[i]);
            d = opendir(where);
        }
        if (!d) {
            fprintf(stderr, "kiosk-staff: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t l = strlen(e->d_name);
            if (e->d_name[0] == '.' || l < 10 || strcmp(e->d_name + l - 9, ".manifest") != 0)
                continue;
            found++;
            if (import_one(a, dirfd(d), where, e->d_name, box_pk, box_sk) != 0)
                status = 1;
        }
        closedir(d);
    }
    memset(box_sk, 0, sizeof box_sk);
    archive_close(a);
    if (!found) {
        fprintf(stderr, "kiosk-staff: no export found\n");
        return 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (crypto_init() != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: cannot initialise libsodium\n");
        return 1;
    }
    if (strcmp(argv[1], "keygen") == 0)
        return keygen(argc - 1, argv + 1);
    if (strcmp(argv[1], "token") == 0)
        return token(argc - 1, argv + 1);
    if (strcmp(argv[1], "trust") == 0)
        return trust(argc - 1, argv + 1);
    if (strcmp(argv[1], "import") == 0)
        return import(argc - 1, argv + 1);
    if (strcmp(argv[1], "find") == 0)
        return office_find(argc - 1, argv + 1);
    if (strcmp(argv[1], "csv") == 0)
        return office_csv(argc - 1, argv + 1);
    if (strcmp(argv[1], "open311") == 0)
        return office_open311(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return office_report(argc - 1, argv + 1);
    fprintf(stderr, "kiosk-staff: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
