/* kiosk-staff: the staff tool on the office PC. Makes the organisation's keys and writes staff
 * tokens onto sticks. (Importing bundles, CSV, Open311 and the report come with the rest of
 * the staff USB work.) Exit codes: 0 done, 1 failed (the message names the file and the
 * reason), 2 bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kerr.h"
#include "core/token.h"
#include "crypto/crypto.h"

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
          "      --actions LIST    export,erase-contact,content-update (default export)\n"
          "      --days N          valid from now for N days (default 7)\n"
          "      --serial N        its serial number (default: the time, in seconds)\n"
          "      --export-all      export every record, not only the new ones\n"
          "      --erase REF       erase the contact details of this request (repeat)\n"
          "      --issued-by NAME  who made it\n"
          "\n"
          "Exit status: 0 done, 1 failed, 2 bad usage.\n",
          out);
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
    /* The actions: the payload parser checks the names. */
    char list[128];
    snprintf(list, sizeof list, "%s", actions);
    for (char *save = NULL, *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save))
        t.actions |= strcmp(a, "export") == 0           ? TOKEN_EXPORT
                     : strcmp(a, "erase-contact") == 0  ? TOKEN_ERASE_CONTACT
                     : strcmp(a, "content-update") == 0 ? TOKEN_CONTENT_UPDATE
                                                        : 0u;
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
    fprintf(stderr, "kiosk-staff: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
