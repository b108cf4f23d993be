/* kiosk-staff: the staff tool on the office PC. Makes the organisation's keys, writes staff
 * tokens onto sticks, imports the kiosks' encrypted exports into an archive database, and
 * turns the archive into what staff report upward (find, csv, open311, report), and hands a
 * content pack's texts to a translator and back (po-export, po-merge). Exit codes:
 * 0 done, 1 failed (the message names the file and the reason), 2 bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <dirent.h>

#include "app/quarantine.h"
#include "core/config.h"
#include "core/json_num.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "core/token.h"
#include "crypto/crypto.h"
#include "crypto/seal.h"
#include "office/po.h"
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
          "                  hash are checked, the bundle decrypted, the values the kiosk\n"
          "                  sealed at rest (names, phones, written answers) opened with the\n"
          "                  same key, the records merged by uuid (importing twice adds nothing)\n"
          "  import-surveyjs SURVEY.json --pack PACK.json --id ID [--kind KIND] --out NEW.json\n"
          "                  a SurveyJS survey made a journey of the pack (KIND: questionnaire,\n"
          "                  feedback, service_request, activity); what it cannot convert is\n"
          "                  listed, the new pack loaded as the kiosk loads it, then written\n"
          "  check-pack FILE check a content pack before it goes onto a stick: every\n"
          "                  error and warning as FILE:LINE:COL, then what it holds\n"
          "  open-quarantine --keys DIR FILE OUT.db\n"
          "                  a damaged database the kiosk set aside and sealed to the\n"
          "                  organisation (FILE: kiosk.db.corrupt-*.sealed, from a staff export)\n"
          "                  opened into OUT.db (and OUT.db-wal); existing files are kept\n",
          out);
    office_usage(out);
    fputs("  po-export PACK LANG\n"
          "                  the content pack's texts as a gettext PO file for a translator\n"
          "                  into LANG, on standard output\n"
          "  po-merge PACK LANG FILE.po\n"
          "                  the translated PO's texts put into the pack as LANG's; the new\n"
          "                  pack (it must load) on standard output, or:\n"
          "      --out FILE        where to write it\n"
          "      --name NAME       LANG's name as its readers write it, if the pack lacks LANG\n",
          out);
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

typedef struct {
    const char *keys, *stick, *actions;
    long days;
    token_t t;
} token_opts_t;

/* One option of token: -1 taken, else the exit status (help, bad usage). */
/* --name N: a whole decimal number in lo..hi and nothing else ("abc" is not 0, "7d" not 7);
 * -1 (go on) or the exit status 2 with a message. */
static int whole_number_ll(const char *name, const char *arg, long long lo, long long hi,
                           long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoll(arg, &end, 10) : 0;
    if (!end || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "kiosk-staff: --%s wants a whole number from %lld to %lld, not '%s'\n",
                name, lo, hi, arg);
        return 2;
    }
    *out = v;
    return -1;
}

static int whole_number(const char *name, const char *arg, long lo, long hi, long *out)
{
    long long v = 0;
    int rc = whole_number_ll(name, arg, lo, hi, &v);
    *out = (long)v;
    return rc;
}

static int token_option(int c, token_opts_t *o)
{
    token_t *t = &o->t;
    switch (c) {
    case 'k':
        o->keys = optarg;
        return -1;
    case 's':
        o->stick = optarg;
        return -1;
    case 'i':
        if (t->nkiosks == TOKEN_MAX_KIOSKS || !config_kiosk_id_ok(optarg)) {
            fprintf(stderr,
                    "kiosk-staff: too many kiosks, or '%s' is not a kiosk id (1 to %d letters, "
                    "digits, '.', '_' or '-', starting with a letter or digit)\n",
                    optarg, CONFIG_KIOSK_ID_MAX);
            return 2;
        }
        snprintf(t->kiosks[t->nkiosks++], sizeof t->kiosks[0], "%s", optarg);
        return -1;
    case 'A':
        t->all_kiosks = true;
        return -1;
    case 'a':
        o->actions = optarg;
        return -1;
    case 'd':
        return whole_number("days", optarg, 1, 366, &o->days);
    case 'n': {
        long long serial = 0;
        int rc = whole_number_ll("serial", optarg, 1, LLONG_MAX, &serial);
        t->serial = serial;
        return rc;
    }
    case 'E':
        t->export_all = true;
        return -1;
    case 'e':
        if (t->nerase == TOKEN_MAX_ERASE || strlen(optarg) != RECORD_REF_LEN) {
            fprintf(stderr, "kiosk-staff: '%s' is not a reference code\n", optarg);
            return 2;
        }
        snprintf(t->erase[t->nerase++], sizeof t->erase[0], "%s", optarg);
        return -1;
    case 'b':
        snprintf(t->issued_by, sizeof t->issued_by, "%s", optarg);
        return -1;
    case 'h':
        usage(stdout);
        return 0;
    default:
        usage(stderr);
        return 2;
    }
}

/* The actions, by name, into t->actions; a misspelt one is refused (2), never dropped. */
static int token_actions(const char *actions, token_t *t)
{
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
        t->actions |= bit;
    }
    return 0;
}

/* Formats t, checks it reads back as the kiosk will read it, signs it with the organisation's
 * key from keys and writes it onto the stick. The exit status. */
static int token_write(const token_t *t, const char *keys, const char *stick)
{
    char *payload = NULL, *file = NULL;
    if (token_format(t, &payload) != KIOSK_OK)
        return 1;
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
    return rc;
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
    token_opts_t o = {.actions = "export", .days = 7};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const int status = token_option(c, &o);
        if (status >= 0)
            return status;
    }
    if (!o.keys || !o.stick || (!o.t.all_kiosks && o.t.nkiosks == 0) || o.days < 1 ||
        o.days > 366) {
        fprintf(stderr, "kiosk-staff token: needs --keys, --stick, --kiosk or --all-kiosks, and "
                        "--days from 1 to 366\n");
        return 2;
    }
    if (token_actions(o.actions, &o.t))
        return 2;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    o.t.valid_from_ms = (int64_t)now.tv_sec * 1000 - 3600 * 1000; /* an hour of clock slack */
    o.t.valid_until_ms = (int64_t)now.tv_sec * 1000 + o.days * 86400 * 1000;
    if (!o.t.serial)
        o.t.serial = (int64_t)now.tv_sec;
    const int rc = token_write(&o.t, o.keys, o.stick);
    if (rc == 0)
        printf("Token %lld written to %s/%s, valid for %ld days.\n", (long long)o.t.serial, o.stick,
               TOKEN_FILE_NAME, o.days);
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
    const uint8_t *box_pk, *box_sk; /* to open the values the kiosk sealed */
    int64_t lines, added;
    char err[640];
} import_t;

/* Whether rec holds a sealed value anywhere: when not, seal_open_record() would only parse
 * and print the answers back as they are (they are in cJSON's printed form already), which
 * was a tenth of an import's time. */
static bool sealed_anywhere(const record_t *rec)
{
    return record_value_sealed(rec->contact_name) || record_value_sealed(rec->contact_phone) ||
           (rec->answers_json && strstr(rec->answers_json, RECORD_SEALED_PREFIX));
}

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
    /* Contact details and written answers were sealed at rest on the kiosk: the archive holds
     * them opened, as the office's tools read them. */
    char why[200] = "";
    if (sealed_anywhere(&rec) &&
        seal_open_record(im->box_pk, im->box_sk, &rec, why, sizeof why) != KIOSK_OK) {
        snprintf(im->err, sizeof im->err,
                 "record %lld: %s: a sealed value does not open with the organisation's key",
                 (long long)im->lines + 1, why);
        record_clear(&rec);
        return KIOSK_ECORRUPT;
    }
    bool added = false;
    int rc = archive_import_record(im->a, im->bundle, &rec, &added);
    if (rc != KIOSK_OK)
        snprintf(im->err, sizeof im->err, "record %lld: %s", (long long)im->lines + 1,
                 archive_errmsg(im->a));
    if (rec.contact_phone)
        memset(rec.contact_phone, 0, strlen(rec.contact_phone));
    if (rec.contact_name)
        memset(rec.contact_name, 0, strlen(rec.contact_name));
    record_clear(&rec);
    im->lines++;
    im->added += added;
    return rc;
}

/* A manifest read from a stick and believed: its text, the kiosk it names, and the fields
 * of its signed payload. bundle and sha point into json (owned, cJSON_Delete()). */
typedef struct {
    char text[16384];
    size_t n;
    char kiosk[64];
    cJSON *json;
    int64_t seq, records;
    const char *bundle, *sha;
} manifest_t;

/* Reads dir/name into m->text and the kiosk it claims to be from (unchecked yet). 0, or 1
 * with the reason on stderr. */
static int manifest_read(int dirfd, const char *where, const char *name, manifest_t *m)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, m->text, sizeof m->text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0 || n >= (ssize_t)sizeof m->text - 1) {
        fprintf(stderr, "kiosk-staff: %s/%s: cannot read, or larger than a manifest\n", where,
                name);
        return 1;
    }
    m->text[n] = '\0';
    m->n = (size_t)n;
    char *peek = NULL;
    size_t plen = 0;
    if (crypto_envelope_peek(m->text, m->n, &peek, &plen) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s/%s: not a manifest\n", where, name);
        return 1;
    }
    cJSON *j = cJSON_Parse(peek);
    free(peek);
    const cJSON *jk = cJSON_GetObjectItemCaseSensitive(j, "kioskId");
    if (cJSON_IsString(jk) && strlen(jk->valuestring) < sizeof m->kiosk)
        snprintf(m->kiosk, sizeof m->kiosk, "%s", jk->valuestring);
    cJSON_Delete(j);
    return 0;
}

/* Checks m's signature against the key this archive trusts for its kiosk, then takes its
 * fields (m->json set). 0, or 1 with the reason on stderr. */
static int manifest_verify(archive_t *a, const char *where, const char *name, manifest_t *m)
{
    char keytext[CRYPTO_KEY_TEXT];
    uint8_t pk[CRYPTO_SIGN_PK_BYTES];
    if (!m->kiosk[0] || archive_kiosk_key(a, m->kiosk, keytext, sizeof keytext) != KIOSK_OK ||
        !crypto_key_from_text(keytext, pk, sizeof pk)) {
        fprintf(stderr,
                "kiosk-staff: %s/%s: from unknown kiosk '%s': refused (add it with kiosk-staff "
                "trust)\n",
                where, name, m->kiosk);
        return 1;
    }
    char why[256], *payload = NULL;
    size_t plen = 0;
    if (crypto_token_open(m->text, m->n, pk, &payload, &plen, why, sizeof why) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s/%s: %s: refused\n", where, name, why);
        return 1;
    }
    m->json = cJSON_Parse(payload);
    free(payload);
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(m->json, "seq");
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(m->json, "records");
    const cJSON *bundle = cJSON_GetObjectItemCaseSensitive(m->json, "bundle");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(m->json, "bundleSha256");
    if (!cJSON_IsNumber(seq) || !cJSON_IsNumber(records) ||
        !json_int_in(seq->valuedouble, 0, 9000000000000000, &m->seq) ||
        !json_int_in(records->valuedouble, 0, 9000000000000000, &m->records) ||
        !cJSON_IsString(bundle) || !cJSON_IsString(sha) || strchr(bundle->valuestring, '/') ||
        bundle->valuestring[0] == '.' || strlen(sha->valuestring) != 64) {
        fprintf(stderr, "kiosk-staff: %s/%s: manifest lacks its fields: refused\n", where, name);
        return 1;
    }
    m->bundle = bundle->valuestring;
    m->sha = sha->valuestring;
    return 0;
}

/* Decrypts m's bundle into the archive's open bundle: NULL when every record went in and the
 * hash and count match, else what differs (im->err, why or a fixed text). */
static const char *bundle_read(int dirfd, const manifest_t *m, import_t *im,
                               const uint8_t box_pk[CRYPTO_BOX_PK_BYTES],
                               const uint8_t box_sk[CRYPTO_BOX_SK_BYTES], char *why, size_t len)
{
    int bf = openat(dirfd, m->bundle, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (bf < 0)
        return "the bundle file is missing";
    uint8_t got[32];
    char hex[65] = "";
    const int rc = bundle_open(bf, box_pk, box_sk, import_line, im, got, why, len);
    close(bf);
    if (rc != KIOSK_OK)
        return im->err[0] ? im->err : why;
    crypto_hex32(got, hex);
    if (strcmp(hex, m->sha) != 0)
        return "the bundle's hash differs";
    return im->lines != m->records ? "the record count differs" : NULL;
}

/* Checks m's "chain" (README "Tamper evidence") against the kiosk's chain in the archive; a
 * break is reported on stderr with its sequence numbers but does not stop the import. A
 * manifest without "chain" (an older kiosk) is not checked. 0, or 1 with why. */
static int check_chain(archive_t *a, const manifest_t *m, char *why, size_t len)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(m->json, "chain");
    if (!c)
        return 0;
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(c, "firstSeq");
    const cJSON *fp = cJSON_GetObjectItemCaseSensitive(c, "firstPrevHash");
    const cJSON *ls = cJSON_GetObjectItemCaseSensitive(c, "lastSeq");
    const cJSON *lh = cJSON_GetObjectItemCaseSensitive(c, "lastHash");
    int64_t first = 0, last = 0;
    if (!cJSON_IsNumber(fs) || !cJSON_IsNumber(ls) || !cJSON_IsString(fp) || !cJSON_IsString(lh) ||
        !json_int_in(fs->valuedouble, 1, 9000000000000000, &first) ||
        !json_int_in(ls->valuedouble, 1, 9000000000000000, &last)) {
        snprintf(why, len, "the manifest's \"chain\" is malformed");
        return 1;
    }
    char problem[256];
    if (archive_check_chain(a, first, fp->valuestring, last, lh->valuestring, problem,
                            sizeof problem) != KIOSK_OK) {
        snprintf(why, len, "%s", archive_errmsg(a));
        return 1;
    }
    if (problem[0])
        fprintf(stderr, "kiosk-staff: kiosk %s, bundle %lld: hash chain broken: %s\n", m->kiosk,
                (long long)m->seq, problem);
    return 0;
}

/* Imports m's bundle in one archive transaction. 0 done (or already), 1 refused. */
static int import_bundle(archive_t *a, int dirfd, const char *where, const char *name,
                         const manifest_t *m, const uint8_t box_pk[CRYPTO_BOX_PK_BYTES],
                         const uint8_t box_sk[CRYPTO_BOX_SK_BYTES])
{
    char mhash[65];
    crypto_sha256_hex(m->text, m->n, mhash);
    import_t im = {.a = a, .kiosk = m->kiosk, .box_pk = box_pk, .box_sk = box_sk};
    bool already = false;
    int rc = archive_begin_bundle(a, m->kiosk, m->seq, mhash, m->records, &im.bundle, &already);
    if (rc != KIOSK_OK || already) {
        if (rc != KIOSK_OK)
            fprintf(stderr, "kiosk-staff: %s/%s: %s\n", where, name, archive_errmsg(a));
        else
            printf("%s/%s: already imported\n", where, name);
        return rc == KIOSK_OK ? 0 : 1;
    }
    char why[256];
    const char *problem = bundle_read(dirfd, m, &im, box_pk, box_sk, why, sizeof why);
    if (!problem && check_chain(a, m, why, sizeof why) != 0)
        problem = why;
    if (problem) {
        archive_rollback_bundle(a);
        fprintf(stderr, "kiosk-staff: %s/%s: %s: nothing imported\n", where, m->bundle, problem);
        return 1;
    }
    if (archive_commit_bundle(a) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", where, archive_errmsg(a));
        return 1;
    }
    printf("%s/%s: kiosk %s, bundle %lld: %lld records, %lld new\n", where, m->bundle, m->kiosk,
           (long long)m->seq, (long long)im.lines, (long long)im.added);
    return 0;
}

/* Imports one manifest (dir/name) and its bundle. 0 done (or already), 1 refused. */
static int import_one(archive_t *a, int dirfd, const char *where, const char *name,
                      const uint8_t box_pk[CRYPTO_BOX_PK_BYTES],
                      const uint8_t box_sk[CRYPTO_BOX_SK_BYTES])
{
    manifest_t m = {0};
    /* Only believe it once checked against the key this archive trusts for that kiosk. */
    int rc = manifest_read(dirfd, where, name, &m);
    if (rc == 0)
        rc = manifest_verify(a, where, name, &m);
    if (rc == 0)
        rc = import_bundle(a, dirfd, where, name, &m, box_pk, box_sk);
    cJSON_Delete(m.json);
    return rc;
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

/* What open-quarantine is writing: the file of the current "file" line and its sizes. */
typedef struct {
    const char *out;
    FILE *f;
    char path[4200];
    long long want, got;
    bool started, ended;
    char err[4400];
} unseal_t;

static int unseal_close(unseal_t *u)
{
    if (!u->f)
        return 0;
    const bool ok = fflush(u->f) == 0 && fsync(fileno(u->f)) == 0;
    const bool closed = fclose(u->f) == 0;
    u->f = NULL;
    if (!ok || !closed) {
        snprintf(u->err, sizeof u->err, "cannot write %s: %s", u->path, strerror(errno));
        return 1;
    }
    if (u->got != u->want) {
        snprintf(u->err, sizeof u->err, "%s: %lld bytes, the sealed copy announced %lld", u->path,
                 u->got, u->want);
        return 1;
    }
    return 0;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One plaintext line of a sealed quarantine copy (quarantine.h). */
static int unseal_line(const char *line, size_t len, void *user_data)
{
    unseal_t *u = user_data;
    if (!u->started) {
        u->started = strcmp(line, QUARANTINE_FORMAT_LINE) == 0;
        if (!u->started)
            snprintf(u->err, sizeof u->err, "line 1: not a sealed quarantine copy");
        return u->started ? 0 : 1;
    }
    char label[8];
    long long size = 0;
    if (strcmp(line, "end") == 0) {
        u->ended = true;
        return unseal_close(u);
    }
    if (sscanf(line, "file %7s %lld", label, &size) == 2) {
        if (unseal_close(u))
            return 1;
        const bool db = strcmp(label, "db") == 0;
        if ((!db && strcmp(label, "-wal") != 0) || size < 0) {
            snprintf(u->err, sizeof u->err, "unknown part \"%s\"", label);
            return 1;
        }
        snprintf(u->path, sizeof u->path, "%s%s", u->out, db ? "" : "-wal");
        const int fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        u->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (!u->f) {
            snprintf(u->err, sizeof u->err, "cannot create %s: %s", u->path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return 1;
        }
        u->want = size;
        u->got = 0;
        return 0;
    }
    if (!u->f || len % 2 != 0) {
        snprintf(u->err, sizeof u->err, "a line that is neither a part nor its bytes");
        return 1;
    }
    for (size_t i = 0; i < len; i += 2) {
        const int hi = hex_digit(line[i]), lo = hex_digit(line[i + 1]);
        if (hi < 0 || lo < 0 || fputc(hi << 4 | lo, u->f) == EOF) {
            snprintf(u->err, sizeof u->err, "bad bytes for %s", u->path);
            return 1;
        }
    }
    u->got += (long long)len / 2;
    return 0;
}

/* open-quarantine --keys DIR FILE OUT.db: a quarantined copy the kiosk sealed to the
 * organisation, opened into OUT.db (and OUT.db-wal when it had one); never overwrites. */
static int open_quarantine(int argc, char **argv)
{
    static const struct option opts[] = {{"keys", required_argument, NULL, 'k'},
                                         {NULL, 0, NULL, 0}};
    const char *keys = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'k')
            return 2;
        keys = optarg;
    }
    if (!keys || argc - optind != 2) {
        fprintf(stderr, "kiosk-staff open-quarantine: needs --keys DIR, FILE and OUT.db\n");
        return 2;
    }
    const char *file = argv[optind];
    uint8_t box_pk[CRYPTO_BOX_PK_BYTES], box_sk[CRYPTO_BOX_SK_BYTES];
    char err[512];
    if (crypto_org_load_box(keys, box_pk, box_sk, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff: %s\n", err);
        return 1;
    }
    const int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", file, strerror(errno));
        return 1;
    }
    unseal_t u = {.out = argv[optind + 1]};
    uint8_t sha[32];
    err[0] = '\0';
    int rc = bundle_open(fd, box_pk, box_sk, unseal_line, &u, sha, err, sizeof err);
    memset(box_sk, 0, sizeof box_sk);
    close(fd);
    if (u.f)
        fclose(u.f);
    if (rc == KIOSK_OK && !u.ended)
        snprintf(u.err, sizeof u.err, "cut off: no \"end\" line");
    if (rc != KIOSK_OK || !u.ended) {
        fprintf(stderr, "kiosk-staff: %s: %s\n", file, u.err[0] ? u.err : err);
        return 1;
    }
    printf("%s opened into %s\n", file, u.out);
    return 0;
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
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"keygen", keygen},
        {"token", token},
        {"trust", trust},
        {"import", import},
        {"find", office_find},
        {"csv", office_csv},
        {"open311", office_open311},
        {"report", office_report},
        {"po-export", office_po_export},
        {"po-merge", office_po_merge},
        {"import-surveyjs", office_import_surveyjs},
        {"check-pack", office_check_pack},
        {"open-quarantine", open_quarantine},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "kiosk-staff: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
