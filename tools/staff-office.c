/* The staff tool's office commands over an archive database: find, csv, open311 and report.
 *
 * Prototypes for kiosk-staff.c's dispatch (declared in staff-office.h):
 *   int office_find(int argc, char **argv);      "find"
 *   int office_csv(int argc, char **argv);       "csv"
 *   int office_open311(int argc, char **argv);   "open311"
 *   int office_report(int argc, char **argv);    "report"
 *   void office_usage(FILE *out);                the commands' lines for usage()
 * Call each as cmd(argc - 1, argv + 1): argv[0] is the command's name. Exit status: 0 done,
 * 1 failed (the message names the file and the reason; find: also no such code), 2 bad usage.
 *
 * The archive must exist (these commands never create one). Outputs given with --out are
 * written under a temporary name in the same directory and renamed when complete, so a
 * failed run leaves no half file; the CSV and Open311 files hold phone numbers and are made
 * mode 0600, the report (counts only) 0644. Text from the data is made valid UTF-8 (invalid
 * bytes become U+FFFD) and control characters are dropped before it reaches a terminal, a
 * JSON string or HTML. */
#include "staff-office.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/kerr.h"
#include "core/record.h"
#include "store/archive.h"

#define OPEN311_DESCRIPTION_MAX 4000 /* code points (GeoReport v2) */

void office_usage(FILE *out)
{
    fputs("  find            look up a service request by its reference code:\n"
          "      --archive FILE    the archive database; then the CODE\n"
          "  csv             the records as CSV (UTF-8 with BOM, for spreadsheets):\n"
          "      --archive FILE    the archive database\n"
          "      --out FILE        where to write (default: standard output)\n"
          "      --kind KIND       only quick_rating, feedback, service_request,\n"
          "                        questionnaire or activity records\n"
          "  open311         the service requests as Open311 GeoReport v2 JSON:\n"
          "      --archive FILE, --out FILE (default: standard output)\n"
          "  report          one HTML file with charts (opens in any browser, prints):\n"
          "      --archive FILE, --out FILE.html, --title TEXT\n",
          out);
}

/* ---- a growable string ------------------------------------------------------------------ */

typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_puts(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void buf_printf(buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}

static void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static const char *buf_str(const buf_t *b)
{
    return b->s ? b->s : "";
}

static void buf_free(buf_t *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* ---- text from the data ----------------------------------------------------------------- */

/* Decodes one code point of well-formed UTF-8 at s (n bytes left, n > 0): its length, or 0
 * for an invalid sequence (overlong, surrogate, above U+10FFFF, cut off). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    const unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

typedef enum {
    LINES_KEEP,  /* keep '\n' and '\t' ("\r\n" becomes "\n") */
    LINES_SPACE, /* '\n', '\r' and '\t' become spaces: one line */
} lines_t;

/* Appends s as valid UTF-8 without control characters (C0 but the kept ones, DEL, C1):
 * invalid bytes become U+FFFD. At most max_cp code points (0: no limit), cut on a code point
 * boundary; returns true when it had to cut. */
static bool add_clean(buf_t *out, const char *s, size_t max_cp, lines_t lines)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), count = 0;
    while (n > 0) {
        /* Printable ASCII, the bulk of most text, in one go. */
        size_t run = 0;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f && (!max_cp || count + run < max_cp))
            run++;
        if (run) {
            buf_add(out, (const char *)p, run);
            p += run;
            n -= run;
            count += run;
            continue;
        }
        uint32_t cp;
        const size_t len = utf8_decode(p, n, &cp);
        const char *bytes = len ? (const char *)p : "\xef\xbf\xbd";
        size_t outlen = len ? len : 3;
        const size_t step = len ? len : 1;
        p += step;
        n -= step;
        if (!len)
            cp = 0xfffd;
        if (cp == '\r' && n > 0 && p[0] == '\n')
            continue; /* "\r\n" is one line end */
        if (cp == '\r')
            cp = '\n';
        if (cp == '\n' || cp == '\t') {
            bytes = lines == LINES_SPACE ? " " : cp == '\n' ? "\n" : "\t";
            outlen = 1;
        } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            continue;
        }
        if (max_cp && count == max_cp)
            return true;
        buf_add(out, bytes, outlen);
        count++;
    }
    return false;
}

/* A clean copy of s on one line or with its lines (malloc'd; NULL when out of memory). */
static char *clean_dup(const char *s, size_t max_cp, lines_t lines, bool *cut)
{
    buf_t b = {0};
    const bool c = add_clean(&b, s, max_cp, lines);
    if (cut)
        *cut = c;
    buf_add(&b, "", 0);
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* Appends the text form of an answer: a string as it is, a whole number without a fraction,
 * true/false, an array's items joined with ';', null as nothing. */
static void add_value(buf_t *out, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        buf_puts(out, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        const double d = v->valuedouble;
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
            buf_printf(out, "%lld", (long long)d);
        else
            buf_printf(out, "%.15g", d);
    } else if (cJSON_IsBool(v)) {
        buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        const cJSON *item;
        bool first = true;
        cJSON_ArrayForEach(item, v)
        {
            if (!first)
                buf_puts(out, ";");
            first = false;
            add_value(out, item);
        }
    } else if (cJSON_IsObject(v)) {
        char *json = cJSON_PrintUnformatted(v);
        if (json)
            buf_puts(out, json);
        else
            out->oom = true;
        free(json);
    }
}

/* ---- options, the archive and output files ---------------------------------------------- */

/* Opens an archive that must already exist (a typo must not create an empty one). */
static int open_existing(const char *cmd, const char *path, archive_t **a)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "kiosk-staff %s: %s: %s\n", cmd, path, strerror(errno));
        return 1;
    }
    if (!S_ISREG(sb.st_mode)) {
        fprintf(stderr, "kiosk-staff %s: %s: not a regular file\n", cmd, path);
        return 1;
    }
    char err[1024];
    if (archive_open(path, a, err, sizeof err) != KIOSK_OK) {
        fprintf(stderr, "kiosk-staff %s: %s\n", cmd, err);
        return 1;
    }
    return 0;
}

/* An output: standard output, or a temporary file renamed over path by out_close(). */
typedef struct {
    FILE *f;
    const char *path; /* NULL for standard output */
    char *tmp;
} out_t;

static int out_open(const char *cmd, const char *path, mode_t mode, out_t *o)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    o->path = path;
    const size_t n = strlen(path) + sizeof ".XXXXXX";
    o->tmp = malloc(n);
    if (!o->tmp) {
        fprintf(stderr, "kiosk-staff %s: %s: out of memory\n", cmd, path);
        return 1;
    }
    snprintf(o->tmp, n, "%s.XXXXXX", path);
    const int fd = mkstemp(o->tmp);
    if (fd < 0 || fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(stderr, "kiosk-staff %s: %s: cannot write: %s\n", cmd, path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return 1;
    }
    return 0;
}

/* Finishes an output: ok false (an earlier failure, already reported) discards it. Returns 0
 * when the output is complete, else 1. */
static int out_close(const char *cmd, out_t *o, bool ok)
{
    if (!o->f)
        return 1;
    int e = ok ? 0 : -1;
    if (!o->path) {
        if (fflush(stdout) != 0 || ferror(stdout))
            e = e ? e : errno ? errno : EIO;
        o->f = NULL;
        if (e > 0)
            fprintf(stderr, "kiosk-staff %s: standard output: %s\n", cmd, strerror(e));
        return e ? 1 : 0;
    }
    if (!e && (fflush(o->f) != 0 || ferror(o->f)))
        e = errno ? errno : EIO;
    if (!e && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e > 0)
        fprintf(stderr, "kiosk-staff %s: %s: cannot write: %s\n", cmd, o->path, strerror(e));
    if (e)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return e ? 1 : 0;
}

static void out_put(out_t *o, const char *s, size_t n)
{
    if (n)
        fwrite(s, 1, n, o->f);
}

/* Reports a failure of archive_foreach() and friends: the archive's message, or the
 * callback's own (which it printed). */
static int read_failed(const char *cmd, archive_t *a, int rc)
{
    if (rc < 0)
        fprintf(stderr, "kiosk-staff %s: %s\n", cmd, archive_errmsg(a));
    return 1;
}

/* Long options only; a usage error prints the command's help to stderr. Resets getopt for
 * each call (glibc: optind 0 starts afresh), so the commands can run one after another in
 * one process. */
static int next_opt(int argc, char **argv, const struct option *opts)
{
    return getopt_long(argc, argv, "", opts, NULL);
}

/* ---- find ------------------------------------------------------------------------------- */

static const char find_help[] =
    "Usage: kiosk-staff find --archive FILE CODE\n"
    "Prints the service requests with reference code CODE (as the resident was shown it; case,\n"
    "spaces and dashes do not matter): kiosk, time with the kiosk's offset, service, urgency,\n"
    "the other answers, description, and contact details if the resident gave them. Two kiosks\n"
    "may have issued the same code: then all are printed.\n"
    "Exit status: 0 found, 1 not found or failed, 2 bad usage.\n";

typedef struct {
    int found;
    bool oom;
} find_state_t;

/* Prints "  label:  value" with the value's further lines indented under the first. */
static void print_field(const char *label, const char *value)
{
    char *text = clean_dup(value, 0, LINES_KEEP, NULL);
    printf("  %-13s ", label);
    for (const char *p = text ? text : ""; *p; p++) {
        putchar(*p == '\t' ? ' ' : *p);
        if (*p == '\n')
            printf("  %-13s ", "");
    }
    putchar('\n');
    free(text);
}

static void print_answer(const char *label, const cJSON *answers, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(answers, key);
    if (!v)
        return;
    buf_t b = {0};
    add_value(&b, v);
    print_field(label, buf_str(&b));
    buf_free(&b);
}

static int find_one(const record_t *rec, const archive_row_t *row, void *ud)
{
    find_state_t *st = ud;
    char when[ISO8601_LEN];
    iso8601_format(rec->time.utc_ms, rec->time.offset_min, when);
    cJSON *answers = cJSON_Parse(rec->answers_json);
    if (st->found++)
        putchar('\n');
    char *kiosk = clean_dup(rec->kiosk_id, 0, LINES_SPACE, NULL);
    printf("%s  %s from kiosk %s\n", rec->ref_code,
           rec->kind == RECORD_SERVICE_REQUEST ? "service request" : record_kind_name(rec->kind),
           kiosk ? kiosk : "?");
    free(kiosk);
    buf_t b = {0};
    buf_puts(&b, when);
    if (!rec->time.clock_synced)
        buf_puts(&b, " (the kiosk's clock was not synchronised: the time may be wrong)");
    print_field("requested:", buf_str(&b));
    print_answer("service:", answers, "service");
    print_answer("urgency:", answers, "urgency");
    const cJSON *item;
    cJSON_ArrayForEach(item, answers)
    {
        if (!item->string || strcmp(item->string, "service") == 0 ||
            strcmp(item->string, "urgency") == 0 || strcmp(item->string, "description") == 0)
            continue;
        buf_reset(&b);
        add_clean(&b, item->string, 40, LINES_SPACE);
        buf_puts(&b, ":");
        print_answer(buf_str(&b), answers, item->string);
    }
    print_answer("description:", answers, "description");
    if (rec->contact_name || rec->contact_phone) {
        buf_reset(&b);
        if (rec->contact_name)
            buf_puts(&b, rec->contact_name);
        if (rec->contact_name && rec->contact_phone)
            buf_puts(&b, ", ");
        if (rec->contact_phone)
            buf_puts(&b, rec->contact_phone);
        print_field("contact:", buf_str(&b));
    } else {
        print_field("contact:", "none given");
    }
    buf_reset(&b);
    buf_printf(&b, "%s (language %s; bundle %lld of the kiosk, imported %s)", rec->uuid, rec->lang,
               (long long)row->bundle_seq, row->imported_utc);
    print_field("record:", buf_str(&b));
    st->oom = st->oom || b.oom || !answers;
    buf_free(&b);
    cJSON_Delete(answers);
    return 0;
}

int office_find(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL;
    int c;
    optind = 0;
    while ((c = next_opt(argc, argv, opts)) != -1) {
        if (c == 'a') {
            path = optarg;
        } else if (c == 'h') {
            fputs(find_help, stdout);
            return 0;
        } else {
            fputs(find_help, stderr);
            return 2;
        }
    }
    if (!path || optind != argc - 1) {
        fputs(find_help, stderr);
        return 2;
    }
    /* The code as typed: spaces and dashes dropped, letters upper-cased. */
    char code[RECORD_REF_LEN + 1];
    size_t n = 0;
    bool ok = true;
    for (const char *p = argv[optind]; *p && ok; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        ok = n < RECORD_REF_LEN &&
             ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'));
        if (ok)
            code[n++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    }
    code[n] = '\0';
    if (!ok || n != RECORD_REF_LEN) {
        char *shown = clean_dup(argv[optind], 40, LINES_SPACE, NULL);
        fprintf(stderr, "kiosk-staff find: '%s' is not a reference code (%d letters and digits)\n",
                shown ? shown : "", RECORD_REF_LEN);
        free(shown);
        return 2;
    }
    archive_t *a;
    if (open_existing("find", path, &a))
        return 1;
    find_state_t st = {0};
    const int rc = archive_find_ref(a, code, find_one, &st);
    int ret = 0;
    if (rc != 0) {
        ret = read_failed("find", a, rc);
    } else if (st.found == 0) {
        fprintf(stderr, "kiosk-staff find: %s: no service request has code %s\n", path, code);
        ret = 1;
    } else if (st.found > 1) {
        printf("\n%d requests have code %s (from different kiosks or times): check the kiosk and "
               "the time with the resident.\n",
               st.found, code);
    }
    if (st.oom) {
        fprintf(stderr, "kiosk-staff find: out of memory\n");
        ret = 1;
    }
    archive_close(a);
    return ret;
}

/* ---- csv -------------------------------------------------------------------------------- */

static const char csv_help[] =
    "Usage: kiosk-staff csv --archive FILE [--out FILE] [--kind KIND]\n"
    "Writes the archive's records as CSV for spreadsheets: UTF-8 with a byte order mark, CRLF\n"
    "line ends, RFC 4180 quoting. One row per record, ordered by kiosk and time: uuid,\n"
    "kiosk_id, kind, journey_id, created (ISO 8601 with the kiosk's offset), clock_synced,\n"
    "boot, misuse, lang, ref_code, then one column per answer seen (lists joined with ';'),\n"
    "then contact_name and contact_phone. A cell that starts with = + - @ (or a tab) gets a\n"
    "leading apostrophe, so no spreadsheet runs it as a formula.\n"
    "  --out FILE   where to write (made mode 0600: it may hold phone numbers); default stdout\n"
    "  --kind KIND  quick_rating, feedback, service_request, questionnaire or activity\n"
    "Exit status: 0 done, 1 failed, 2 bad usage.\n";

typedef struct {
    char **keys;
    size_t nkeys, cap;
    int kind; /* -1: all */
    out_t *out;
    buf_t cell, line;
    int64_t rows;
    bool oom;
} csv_state_t;

static bool has_key(const csv_state_t *st, const char *key)
{
    for (size_t i = 0; i < st->nkeys; i++)
        if (strcmp(st->keys[i], key) == 0)
            return true;
    return false;
}

/* First pass: the answer keys of the selection, in the order they are first seen. */
static int csv_collect_keys(const record_t *rec, const archive_row_t *row, void *ud)
{
    (void)row;
    csv_state_t *st = ud;
    if (st->kind >= 0 && (int)rec->kind != st->kind)
        return 0;
    cJSON *answers = cJSON_Parse(rec->answers_json);
    const cJSON *item;
    cJSON_ArrayForEach(item, answers)
    {
        if (!item->string || has_key(st, item->string))
            continue;
        if (st->nkeys == st->cap) {
            const size_t cap = st->cap ? st->cap * 2 : 16;
            char **keys = realloc(st->keys, cap * sizeof *keys);
            if (!keys) {
                st->oom = true;
                break;
            }
            st->keys = keys;
            st->cap = cap;
        }
        if (!(st->keys[st->nkeys] = strdup(item->string))) {
            st->oom = true;
            break;
        }
        st->nkeys++;
    }
    cJSON_Delete(answers);
    return st->oom ? 1 : 0;
}

/* Appends one cell (and the comma before it unless first) to st->line. */
static void csv_cell(csv_state_t *st, const char *text, bool first)
{
    buf_t *line = &st->line, *cell = &st->cell;
    buf_reset(cell);
    add_clean(cell, text, 0, LINES_KEEP);
    const char *s = buf_str(cell);
    if (!first)
        buf_puts(line, ",");
    const bool guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t';
    const bool quote = strpbrk(s, ",\"\n\r") != NULL;
    if (quote)
        buf_puts(line, "\"");
    if (guard)
        buf_puts(line, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_puts(line, "\"\"");
        else
            buf_add(line, p, 1);
    }
    if (quote)
        buf_puts(line, "\"");
}

static const char *const csv_fixed[] = {"uuid",    "kiosk_id",     "kind", "journey_id",
                                        "created", "clock_synced", "boot", "misuse",
                                        "lang",    "ref_code"};

static void csv_end_line(csv_state_t *st)
{
    buf_puts(&st->line, "\r\n");
    out_put(st->out, buf_str(&st->line), st->line.len);
    st->oom = st->oom || st->line.oom || st->cell.oom;
    buf_reset(&st->line);
}

static int csv_row(const record_t *rec, const archive_row_t *row, void *ud)
{
    (void)row;
    csv_state_t *st = ud;
    if (st->kind >= 0 && (int)rec->kind != st->kind)
        return 0;
    char when[ISO8601_LEN], num[32];
    iso8601_format(rec->time.utc_ms, rec->time.offset_min, when);
    csv_cell(st, rec->uuid, true);
    csv_cell(st, rec->kiosk_id, false);
    csv_cell(st, record_kind_name(rec->kind), false);
    csv_cell(st, rec->journey_id, false);
    csv_cell(st, when, false);
    csv_cell(st, rec->time.clock_synced ? "true" : "false", false);
    snprintf(num, sizeof num, "%lld", (long long)rec->time.boot);
    csv_cell(st, num, false);
    csv_cell(st, rec->misuse ? "true" : "false", false);
    csv_cell(st, rec->lang, false);
    csv_cell(st, rec->ref_code, false);
    cJSON *answers = cJSON_Parse(rec->answers_json);
    buf_t value = {0};
    for (size_t i = 0; i < st->nkeys; i++) {
        buf_reset(&value);
        add_value(&value, cJSON_GetObjectItemCaseSensitive(answers, st->keys[i]));
        csv_cell(st, buf_str(&value), false);
    }
    st->oom = st->oom || value.oom;
    buf_free(&value);
    cJSON_Delete(answers);
    csv_cell(st, rec->contact_name ? rec->contact_name : "", false);
    csv_cell(st, rec->contact_phone ? rec->contact_phone : "", false);
    csv_end_line(st);
    st->rows++;
    return st->oom ? 1 : 0;
}

int office_csv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"kind", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL, *out_path = NULL;
    csv_state_t st = {.kind = -1};
    int c;
    optind = 0;
    while ((c = next_opt(argc, argv, opts)) != -1) {
        switch (c) {
        case 'a':
            path = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'k':
            st.kind = record_kind_from_name(optarg);
            if (st.kind < 0) {
                fprintf(stderr, "kiosk-staff csv: '%s' is not a record kind\n", optarg);
                return 2;
            }
            break;
        case 'h':
            fputs(csv_help, stdout);
            return 0;
        default:
            fputs(csv_help, stderr);
            return 2;
        }
    }
    if (!path || optind != argc) {
        fputs(csv_help, stderr);
        return 2;
    }
    archive_t *a;
    if (open_existing("csv", path, &a))
        return 1;
    int ret = 1;
    out_t out;
    int rc = archive_foreach(a, csv_collect_keys, &st);
    if (rc != 0 || st.oom) {
        ret = st.oom ? (fprintf(stderr, "kiosk-staff csv: out of memory\n"), 1)
                     : read_failed("csv", a, rc);
        goto done;
    }
    if (out_open("csv", out_path, 0600, &out))
        goto done;
    st.out = &out;
    out_put(&out, "\xef\xbb\xbf", 3);
    for (size_t i = 0; i < sizeof csv_fixed / sizeof csv_fixed[0]; i++)
        csv_cell(&st, csv_fixed[i], i == 0);
    for (size_t i = 0; i < st.nkeys; i++)
        csv_cell(&st, st.keys[i], false);
    csv_cell(&st, "contact_name", false);
    csv_cell(&st, "contact_phone", false);
    csv_end_line(&st);
    rc = archive_foreach(a, csv_row, &st);
    if (rc != 0 && !st.oom)
        read_failed("csv", a, rc);
    if (st.oom)
        fprintf(stderr, "kiosk-staff csv: out of memory\n");
    ret = out_close("csv", &out, rc == 0 && !st.oom);
    if (ret == 0 && out_path)
        printf("Wrote %lld records to %s.\n", (long long)st.rows, out_path);

done:
    for (size_t i = 0; i < st.nkeys; i++)
        free(st.keys[i]);
    free(st.keys);
    buf_free(&st.cell);
    buf_free(&st.line);
    archive_close(a);
    return ret;
}

/* ---- open311 ---------------------------------------------------------------------------- */

static const char open311_help[] =
    "Usage: kiosk-staff open311 --archive FILE [--out FILE]\n"
    "Writes the service requests as an Open311 GeoReport v2 JSON array of requests, one per\n"
    "line: service_request_id (the record's uuid), token (the reference code), status \"open\",\n"
    "service_code, description (at most 4,000 characters), requested_datetime (ISO 8601 with\n"
    "the kiosk's offset), device_id, attributes (the other answers as {code, value}),\n"
    "extended_attributes (channel \"kiosk\", kiosk_id, clock_synced, locale, journey_id), and\n"
    "first_name, last_name, phone only when the resident gave them with consent.\n"
    "  --out FILE   where to write (made mode 0600: it may hold phone numbers); default stdout\n"
    "Exit status: 0 done, 1 failed, 2 bad usage.\n";

typedef struct {
    out_t *out;
    int64_t count;
    bool oom;
} open311_state_t;

static void json_str(cJSON *obj, const char *key, const char *text, bool *oom)
{
    char *clean = clean_dup(text, 0, LINES_KEEP, NULL);
    if (!clean || !cJSON_AddStringToObject(obj, key, clean))
        *oom = true;
    free(clean);
}

/* An attribute value as Open311 carries it: text, or a list of texts. */
static cJSON *attribute_value(const cJSON *v)
{
    if (cJSON_IsArray(v)) {
        cJSON *arr = cJSON_CreateArray();
        const cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            cJSON *one = attribute_value(item);
            if (!one || !cJSON_AddItemToArray(arr, one)) {
                cJSON_Delete(one);
                cJSON_Delete(arr);
                return NULL;
            }
        }
        return arr;
    }
    buf_t b = {0};
    add_value(&b, v);
    char *clean = b.oom ? NULL : clean_dup(buf_str(&b), 0, LINES_KEEP, NULL);
    buf_free(&b);
    cJSON *s = clean ? cJSON_CreateString(clean) : NULL;
    free(clean);
    return s;
}

/* The contact's name split at its first space: first_name before it, last_name after; a
 * name without a space (e.g. most Chinese names) goes whole into first_name. */
static void add_name(cJSON *req, const char *name, bool *oom)
{
    char *clean = clean_dup(name, 0, LINES_SPACE, NULL);
    if (!clean) {
        *oom = true;
        return;
    }
    char *first = clean;
    while (*first == ' ')
        first++;
    char *sp = strchr(first, ' ');
    char *last = NULL;
    if (sp) {
        *sp = '\0';
        last = sp + 1;
        while (*last == ' ')
            last++;
        size_t n = strlen(last);
        while (n && last[n - 1] == ' ')
            last[--n] = '\0';
    }
    if (*first && !cJSON_AddStringToObject(req, "first_name", first))
        *oom = true;
    if (last && *last && !cJSON_AddStringToObject(req, "last_name", last))
        *oom = true;
    free(clean);
}

static cJSON *open311_request(const record_t *rec, bool *oom)
{
    cJSON *answers = cJSON_Parse(rec->answers_json);
    cJSON *req = cJSON_CreateObject();
    char when[ISO8601_LEN];
    iso8601_format(rec->time.utc_ms, rec->time.offset_min, when);
    if (!req || !answers) {
        *oom = true;
        goto out;
    }
    json_str(req, "service_request_id", rec->uuid, oom);
    json_str(req, "token", rec->ref_code, oom);
    json_str(req, "status", "open", oom);
    const cJSON *service = cJSON_GetObjectItemCaseSensitive(answers, "service");
    if (cJSON_IsString(service))
        json_str(req, "service_code", service->valuestring, oom);
    else if (!cJSON_AddNullToObject(req, "service_code"))
        *oom = true;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(answers, "description");
    bool cut = false;
    if (cJSON_IsString(desc) && desc->valuestring[0]) {
        char *text = clean_dup(desc->valuestring, OPEN311_DESCRIPTION_MAX, LINES_KEEP, &cut);
        if (!text || !cJSON_AddStringToObject(req, "description", text))
            *oom = true;
        free(text);
    }
    json_str(req, "requested_datetime", when, oom);
    json_str(req, "updated_datetime", when, oom);
    json_str(req, "device_id", rec->kiosk_id, oom);

    cJSON *attrs = cJSON_AddArrayToObject(req, "attributes");
    const cJSON *item;
    cJSON_ArrayForEach(item, answers)
    {
        if (!attrs || !item->string || strcmp(item->string, "service") == 0 ||
            strcmp(item->string, "description") == 0)
            continue;
        cJSON *attr = cJSON_CreateObject();
        cJSON *value = attribute_value(item);
        if (!attr || !value) {
            cJSON_Delete(attr);
            cJSON_Delete(value);
            *oom = true;
            continue;
        }
        json_str(attr, "code", item->string, oom);
        if (!cJSON_AddItemToObject(attr, "value", value)) {
            cJSON_Delete(value);
            cJSON_Delete(attr);
            *oom = true;
        } else if (!cJSON_AddItemToArray(attrs, attr)) {
            cJSON_Delete(attr);
            *oom = true;
        }
    }
    cJSON *ext = cJSON_AddObjectToObject(req, "extended_attributes");
    if (!attrs || !ext) {
        *oom = true;
        goto out;
    }
    json_str(ext, "channel", "kiosk", oom);
    json_str(ext, "kiosk_id", rec->kiosk_id, oom);
    if (!cJSON_AddBoolToObject(ext, "clock_synced", rec->time.clock_synced))
        *oom = true;
    json_str(ext, "locale", rec->lang, oom);
    json_str(ext, "journey_id", rec->journey_id, oom);
    if (cut && !cJSON_AddTrueToObject(ext, "description_truncated"))
        *oom = true;
    if (rec->contact_name && rec->contact_name[0])
        add_name(req, rec->contact_name, oom);
    if (rec->contact_phone && rec->contact_phone[0])
        json_str(req, "phone", rec->contact_phone, oom);
out:
    cJSON_Delete(answers);
    return req;
}

static int open311_one(const record_t *rec, const archive_row_t *row, void *ud)
{
    (void)row;
    open311_state_t *st = ud;
    if (rec->kind != RECORD_SERVICE_REQUEST)
        return 0;
    cJSON *req = open311_request(rec, &st->oom);
    char *json = req && !st->oom ? cJSON_PrintUnformatted(req) : NULL;
    cJSON_Delete(req);
    if (!json) {
        st->oom = true;
        return 1;
    }
    out_put(st->out, st->count ? ",\n" : "\n", st->count ? 2 : 1);
    out_put(st->out, json, strlen(json));
    free(json);
    st->count++;
    return 0;
}

int office_open311(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL, *out_path = NULL;
    int c;
    optind = 0;
    while ((c = next_opt(argc, argv, opts)) != -1) {
        if (c == 'a') {
            path = optarg;
        } else if (c == 'o') {
            out_path = optarg;
        } else if (c == 'h') {
            fputs(open311_help, stdout);
            return 0;
        } else {
            fputs(open311_help, stderr);
            return 2;
        }
    }
    if (!path || optind != argc) {
        fputs(open311_help, stderr);
        return 2;
    }
    archive_t *a;
    if (open_existing("open311", path, &a))
        return 1;
    out_t out;
    if (out_open("open311", out_path, 0600, &out)) {
        archive_close(a);
        return 1;
    }
    open311_state_t st = {.out = &out};
    out_put(&out, "[", 1);
    const int rc = archive_foreach(a, open311_one, &st);
    out_put(&out, "\n]\n", 3);
    if (st.oom)
        fprintf(stderr, "kiosk-staff open311: out of memory\n");
    else if (rc != 0)
        read_failed("open311", a, rc);
    int ret = out_close("open311", &out, rc == 0 && !st.oom);
    if (ret == 0 && out_path)
        printf("Wrote %lld service requests to %s.\n", (long long)st.count, out_path);
    archive_close(a);
    return ret;
}

/* ---- report: counting ------------------------------------------------------------------- */

#define MAX_FACE 10 /* quick-rating faces counted: values 1..MAX_FACE */

/* One counted value: a key and counts per series. */
typedef struct {
    char *key;
    int64_t num;             /* numeric key (a day number) when the tally has one */
    double value;            /* a number answer's value */
    int64_t n[MAX_FACE + 1]; /* per series (faces 1..MAX_FACE; other tallies use n[0..1]) */
    int64_t total;
    double sum; /* for an average (e.g. feedback ratings per topic) */
    int64_t sum_n;
    int64_t first_ms, last_ms; /* local time, for kiosks */
} bucket_t;

typedef struct {
    bucket_t *b;
    size_t len, cap;
    size_t last; /* the bucket found last: consecutive records often share a key */
} tally_t;

static bucket_t *tally_get(tally_t *t, const char *key, bool *oom)
{
    if (t->last < t->len && strcmp(t->b[t->last].key, key) == 0)
        return &t->b[t->last];
    for (size_t i = 0; i < t->len; i++)
        if (strcmp(t->b[i].key, key) == 0)
            return &t->b[t->last = i];
    if (t->len == t->cap) {
        const size_t cap = t->cap ? t->cap * 2 : 16;
        bucket_t *b = realloc(t->b, cap * sizeof *b);
        if (!b) {
            *oom = true;
            return NULL;
        }
        t->b = b;
        t->cap = cap;
    }
    bucket_t *nb = &t->b[t->len];
    memset(nb, 0, sizeof *nb);
    if (!(nb->key = strdup(key))) {
        *oom = true;
        return NULL;
    }
    t->last = t->len;
    return &t->b[t->len++];
}

/* qsort() of n buckets; an empty tally may have no array at all (qsort(NULL, 0) is undefined). */
static void sort_buckets(bucket_t *b, size_t n, int (*cmp)(const void *, const void *))
{
    if (b && n > 1)
        qsort(b, n, sizeof *b, cmp);
}

static void tally_free(tally_t *t)
{
    for (size_t i = 0; i < t->len; i++)
        free(t->b[i].key);
    free(t->b);
    memset(t, 0, sizeof *t);
}

static int by_count_desc(const void *x, const void *y)
{
    const bucket_t *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int by_value(const void *x, const void *y)
{
    const bucket_t *a = x, *b = y;
    return a->value < b->value ? -1 : a->value > b->value;
}

static int by_key(const void *x, const void *y)
{
    const bucket_t *a = x, *b = y;
    return strcmp(a->key, b->key);
}

/* What kinds of value one questionnaire question received. */
enum { V_CODE = 1, V_TEXT = 2, V_NUMBER = 4, V_BOOL = 8, V_LIST = 16 };

typedef struct {
    char *name;
    tally_t values;
    int64_t answered;
    unsigned kinds;
    double sum;
} question_t;

typedef struct {
    char *journey;
    int64_t responses;
    question_t *q;
    size_t nq, cap;
} survey_t;

typedef struct {
    int64_t total, per_kind[RECORD_KIND_COUNT];
    bool any;
    int64_t first_day, last_day; /* local day numbers */
    tally_t kiosks;              /* n[0] records, n[1] unsynchronised */
    tally_t langs;
    tally_t days;   /* quick ratings per local day, by face (misuse-flagged left out) */
    tally_t misuse; /* misuse-flagged presses per local day */
    int64_t hours[24][MAX_FACE + 1];
    int max_face;
    int64_t quick, quick_misuse, quick_other, quick_sum;
    tally_t about;  /* the quick rating's follow-up */
    tally_t topics; /* feedback topics; sum: their ratings */
    tally_t services, urgency, for_whom;
    tally_t activities; /* n[0] sign-ups, n[1] interested */
    survey_t *surveys;
    size_t nsurveys, capsurveys;
    int64_t unsynced;
    bool oom;
} report_t;

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The civil date of a day number (days since 1970-01-01), H. Hinnant's algorithm. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = floor_div(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d)
{
    const int64_t yy = (int64_t)y - (m <= 2);
    const int64_t era = floor_div(yy, 400);
    const int64_t yoe = yy - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void day_text(int64_t day, char out[16])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
}

static int64_t local_ms(const record_t *rec)
{
    return rec->time.utc_ms + (int64_t)rec->time.offset_min * 60000;
}

static const cJSON *answer(const cJSON *answers, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(answers, key);
}

/* Counts a string answer into t (one more for its key); returns the bucket or NULL. */
static bucket_t *count_str(report_t *r, tally_t *t, const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return NULL;
    bucket_t *b = tally_get(t, v->valuestring, &r->oom);
    if (b)
        b->total++;
    return b;
}

/* A code: what the kiosk stores for a choice (upper-case letters, digits, '_', '-', '.'). */
static bool is_code(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
              *s == '.'))
            return false;
    return true;
}

static survey_t *survey_get(report_t *r, const char *journey)
{
    for (size_t i = 0; i < r->nsurveys; i++)
        if (strcmp(r->surveys[i].journey, journey) == 0)
            return &r->surveys[i];
    if (r->nsurveys == r->capsurveys) {
        const size_t cap = r->capsurveys ? r->capsurveys * 2 : 4;
        survey_t *s = realloc(r->surveys, cap * sizeof *s);
        if (!s) {
            r->oom = true;
            return NULL;
        }
        r->surveys = s;
        r->capsurveys = cap;
    }
    survey_t *s = &r->surveys[r->nsurveys];
    memset(s, 0, sizeof *s);
    if (!(s->journey = strdup(journey))) {
        r->oom = true;
        return NULL;
    }
    return &r->surveys[r->nsurveys++];
}

static question_t *question_get(report_t *r, survey_t *s, const char *name)
{
    for (size_t i = 0; i < s->nq; i++)
        if (strcmp(s->q[i].name, name) == 0)
            return &s->q[i];
    if (s->nq == s->cap) {
        const size_t cap = s->cap ? s->cap * 2 : 8;
        question_t *q = realloc(s->q, cap * sizeof *q);
        if (!q) {
            r->oom = true;
            return NULL;
        }
        s->q = q;
        s->cap = cap;
    }
    question_t *q = &s->q[s->nq];
    memset(q, 0, sizeof *q);
    if (!(q->name = strdup(name))) {
        r->oom = true;
        return NULL;
    }
    return &s->q[s->nq++];
}

static void count_choice(report_t *r, question_t *q, const char *key, double value)
{
    bucket_t *b = tally_get(&q->values, key, &r->oom);
    if (b) {
        b->total++;
        b->value = value;
    }
}

static void count_questionnaire(report_t *r, const record_t *rec, const cJSON *answers)
{
    survey_t *s = survey_get(r, rec->journey_id);
    if (!s)
        return;
    s->responses++;
    const cJSON *v;
    cJSON_ArrayForEach(v, answers)
    {
        question_t *q = v->string ? question_get(r, s, v->string) : NULL;
        if (!q)
            continue;
        q->answered++;
        if (cJSON_IsNumber(v)) {
            char key[32];
            snprintf(key, sizeof key, "%.15g", v->valuedouble);
            q->kinds |= V_NUMBER;
            q->sum += v->valuedouble;
            count_choice(r, q, key, v->valuedouble);
        } else if (cJSON_IsBool(v)) {
            q->kinds |= V_BOOL;
            count_choice(r, q, cJSON_IsTrue(v) ? "yes" : "no", cJSON_IsTrue(v) ? 0 : 1);
        } else if (cJSON_IsArray(v)) {
            q->kinds |= V_LIST;
            const cJSON *item;
            cJSON_ArrayForEach(item, v)
            {
                if (cJSON_IsString(item) && is_code(item->valuestring))
                    count_choice(r, q, item->valuestring, 0);
                else
                    q->kinds |= V_TEXT;
            }
        } else if (cJSON_IsString(v) && is_code(v->valuestring)) {
            q->kinds |= V_CODE;
            count_choice(r, q, v->valuestring, 0);
        } else {
            q->kinds |= V_TEXT; /* free text: counted, never shown */
        }
    }
}

static int report_count(const record_t *rec, const archive_row_t *row, void *ud)
{
    (void)row;
    report_t *r = ud;
    cJSON *answers = cJSON_Parse(rec->answers_json);
    if (!answers) {
        r->oom = true;
        return 1;
    }
    const int64_t lms = local_ms(rec);
    const int64_t day = floor_div(lms, 86400000);
    char dkey[16];
    day_text(day, dkey);
    r->total++;
    r->per_kind[rec->kind]++;
    if (!r->any || day < r->first_day)
        r->first_day = day;
    if (!r->any || day > r->last_day)
        r->last_day = day;
    r->any = true;
    bucket_t *k = tally_get(&r->kiosks, rec->kiosk_id, &r->oom);
    if (k) {
        if (!k->total || lms < k->first_ms)
            k->first_ms = lms;
        if (!k->total || lms > k->last_ms)
            k->last_ms = lms;
        k->total++;
        k->n[0]++;
        if (!rec->time.clock_synced)
            k->n[1]++;
    }
    if (!rec->time.clock_synced)
        r->unsynced++;
    bucket_t *l = tally_get(&r->langs, rec->lang[0] ? rec->lang : "(none)", &r->oom);
    if (l)
        l->total++;

    switch (rec->kind) {
    case RECORD_QUICK_RATING: {
        r->quick++;
        if (rec->misuse) {
            r->quick_misuse++;
            bucket_t *b = tally_get(&r->misuse, dkey, &r->oom);
            if (b) {
                b->num = day;
                b->total++;
                b->n[0]++;
            }
            break;
        }
        const cJSON *face = answer(answers, "rating");
        const double fv = cJSON_IsNumber(face) ? face->valuedouble : 0;
        if (fv < 1 || fv > MAX_FACE || fv != (double)(int)fv) {
            r->quick_other++;
            break;
        }
        const int f = (int)fv;
        if (f > r->max_face)
            r->max_face = f;
        r->quick_sum += f;
        bucket_t *b = tally_get(&r->days, dkey, &r->oom);
        if (b) {
            b->num = day;
            b->total++;
            b->n[f]++;
        }
        const int64_t hour = floor_div(lms, 3600000) - floor_div(lms, 86400000) * 24;
        r->hours[hour][f]++;
        count_str(r, &r->about, answer(answers, "about"));
        break;
    }
    case RECORD_FEEDBACK: {
        bucket_t *b = count_str(r, &r->topics, answer(answers, "topic"));
        const cJSON *rating = answer(answers, "rating");
        if (b && cJSON_IsNumber(rating)) {
            b->sum += rating->valuedouble;
            b->sum_n++;
        }
        break;
    }
    case RECORD_SERVICE_REQUEST:
        count_str(r, &r->services, answer(answers, "service"));
        count_str(r, &r->urgency, answer(answers, "urgency"));
        count_str(r, &r->for_whom, answer(answers, "forWhom"));
        break;
    case RECORD_QUESTIONNAIRE:
        count_questionnaire(r, rec, answers);
        break;
    case RECORD_ACTIVITY: {
        const cJSON *act = answer(answers, "activity"), *action = answer(answers, "action");
        bucket_t *b = count_str(r, &r->activities, act);
        if (b && cJSON_IsString(action))
            b->n[strcmp(action->valuestring, "SIGNUP") == 0 ? 0 : 1]++;
        break;
    }
    case RECORD_KIND_COUNT:
        break;
    }
    cJSON_Delete(answers);
    return r->oom ? 1 : 0;
}

static void report_free(report_t *r)
{
    tally_free(&r->kiosks);
    tally_free(&r->langs);
    tally_free(&r->days);
    tally_free(&r->misuse);
    tally_free(&r->about);
    tally_free(&r->topics);
    tally_free(&r->services);
    tally_free(&r->urgency);
    tally_free(&r->for_whom);
    tally_free(&r->activities);
    for (size_t i = 0; i < r->nsurveys; i++) {
        for (size_t j = 0; j < r->surveys[i].nq; j++) {
            free(r->surveys[i].q[j].name);
            tally_free(&r->surveys[i].q[j].values);
        }
        free(r->surveys[i].q);
        free(r->surveys[i].journey);
    }
    free(r->surveys);
}

/* ---- report: drawing -------------------------------------------------------------------- */

#define SVG_W 960
#define INK "#1a1a1a"
#define INK_SOFT "#4a4a4a"
#define GRID "#d0d0d0"
#define BAR "#2f5f8a" /* 6.6:1 on white */

/* HTML-escapes text from the data (made clean UTF-8 on one line first). */
static void esc(buf_t *out, const char *s)
{
    buf_t clean = {0};
    add_clean(&clean, s, 0, LINES_SPACE);
    for (const char *p = buf_str(&clean); *p; p++) {
        switch (*p) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        case '\'':
            buf_puts(out, "&#39;");
            break;
        default:
            buf_add(out, p, 1);
        }
    }
    out->oom = out->oom || clean.oom;
    buf_free(&clean);
}

/* Width of text in pixels at font size px, roughly: wide (CJK) characters count one em. */
static double text_width(const char *s, double px)
{
    double w = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n) {
        uint32_t cp;
        size_t len = utf8_decode(p, n, &cp);
        if (!len)
            len = 1, cp = '?';
        w += cp >= 0x1100 ? 1.0 : (cp >= 'A' && cp <= 'Z') || cp == 'W' || cp == 'M' ? 0.66 : 0.56;
        p += len;
        n -= len;
    }
    return w * px;
}

/* A label for a chart: at most max_cp code points, "…" when cut. */
static void short_label(buf_t *out, const char *s, size_t max_cp)
{
    buf_t b = {0};
    if (add_clean(&b, s, max_cp, LINES_SPACE))
        buf_puts(&b, "\xe2\x80\xa6");
    buf_puts(out, buf_str(&b));
    out->oom = out->oom || b.oom;
    buf_free(&b);
}

/* A step of 1, 2 or 5 times a power of ten giving about five grid lines up to max. */
static int64_t nice_step(int64_t max)
{
    int64_t step = 1;
    for (;;) {
        for (int k = 0; k < 3; k++) {
            const int64_t s = step * (k == 0 ? 1 : k == 1 ? 2 : 5);
            if (max / s <= 5)
                return s;
        }
        step *= 10;
    }
}

/* Text on a fill: dark or white, whichever contrasts more. */
static const char *ink_on(const char *fill)
{
    unsigned rgb = (unsigned)strtoul(fill + 1, NULL, 16);
    const double r = (double)((rgb >> 16) & 0xff), g = (double)((rgb >> 8) & 0xff),
                 b = (double)(rgb & 0xff);
    return 0.299 * r + 0.587 * g + 0.114 * b < 150 ? "#ffffff" : INK;
}

typedef struct {
    buf_t *out;
    int next_id;
} doc_t;

/* Opens an SVG with its accessible name and description (HTML-escaped here). */
static void svg_open(doc_t *d, int height, const char *title, const char *desc)
{
    const int id = d->next_id++;
    buf_printf(d->out,
               "<svg viewBox=\"0 0 %d %d\" role=\"img\""
               " aria-labelledby=\"c%d-t c%d-d\" font-size=\"13\" fill=\"" INK "\">\n"
               "<title id=\"c%d-t\">",
               SVG_W, height, id, id, id);
    esc(d->out, title);
    buf_printf(d->out, "</title>\n<desc id=\"c%d-d\">", id);
    esc(d->out, desc);
    buf_puts(d->out, "</desc>\n");
}

static void no_data(doc_t *d, const char *what)
{
    buf_puts(d->out, "<p class=\"empty\">");
    esc(d->out, what);
    buf_puts(d->out, "</p>\n");
}

/* One row of a horizontal bar chart. */
typedef struct {
    const char *label;
    int64_t value;
    char extra[64]; /* after the count, e.g. "avg 3.1" */
} hbar_t;

/* Horizontal bars with their label on the left and the count (and share of base, or of the
 * sum of the rows when base is 0) on the right. */
static void hbar_chart(doc_t *d, const char *heading, const char *title, const hbar_t *rows,
                       size_t n, int64_t base, const char *empty)
{
    buf_printf(d->out, "<figure>\n<h3>");
    esc(d->out, heading);
    buf_puts(d->out, "</h3>\n");
    int64_t max = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        max = rows[i].value > max ? rows[i].value : max;
        total += rows[i].value;
    }
    if (n == 0 || max == 0) {
        no_data(d, empty);
        buf_puts(d->out, "</figure>\n");
        return;
    }
    double label_w = 60;
    buf_t lab = {0};
    for (size_t i = 0; i < n; i++) {
        buf_reset(&lab);
        short_label(&lab, rows[i].label, 36);
        const double w = text_width(buf_str(&lab), 13);
        label_w = w > label_w ? w : label_w;
    }
    label_w = (label_w > 330 ? 330 : label_w) + 16;
    if (!base)
        base = total;
    /* Room on the right for the longest "count (share) · extra". */
    double right = 0;
    for (size_t i = 0; i < n; i++) {
        char count[64];
        snprintf(count, sizeof count, "%lld (100%%) \xc2\xb7 ", (long long)rows[i].value);
        const double w = text_width(count, 13) + text_width(rows[i].extra, 13);
        right = w > right ? w : right;
    }
    right += 16;
    const double row_h = 30, top = 8;
    const double bar_max = SVG_W - label_w - right;
    const int height = (int)(top * 2 + row_h * (double)n);
    buf_t desc = {0};
    buf_printf(&desc, "%lld in all. ", (long long)total);
    for (size_t i = 0; i < n && i < 12; i++) {
        buf_puts(&desc, rows[i].label);
        buf_printf(&desc, ": %lld%s", (long long)rows[i].value, i + 1 < n && i < 11 ? "; " : ".");
    }
    if (n > 12)
        buf_printf(&desc, " And %zu more.", n - 12);
    svg_open(d, height, title, buf_str(&desc));
    buf_free(&desc);
    for (size_t i = 0; i < n; i++) {
        const double y = top + row_h * (double)i;
        const double w = bar_max * (double)rows[i].value / (double)max;
        buf_reset(&lab);
        short_label(&lab, rows[i].label, 36);
        buf_printf(d->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 10,
                   y + 19);
        esc(d->out, buf_str(&lab));
        buf_printf(d->out,
                   "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"" BAR
                   "\"><title>",
                   label_w, y + 5, w < 1 ? 1 : w);
        esc(d->out, rows[i].label);
        buf_printf(d->out, ": %lld</title></rect>\n", (long long)rows[i].value);
        buf_printf(d->out, "<text x=\"%.1f\" y=\"%.1f\">%lld (%.0f%%)", label_w + w + 6, y + 19,
                   (long long)rows[i].value, 100.0 * (double)rows[i].value / (double)base);
        if (rows[i].extra[0]) {
            buf_puts(d->out, " <tspan fill=\"" INK_SOFT "\">· ");
            esc(d->out, rows[i].extra);
            buf_puts(d->out, "</tspan>");
        }
        buf_puts(d->out, "</text>\n");
    }
    buf_free(&lab);
    buf_puts(d->out, "</svg>\n</figure>\n");
}

/* hbar_chart() of a tally, sorted by count (or kept in the tally's order). */
static void tally_chart(doc_t *d, const char *heading, const char *title, tally_t *t, bool sort,
                        int64_t base, const char *empty)
{
    if (sort && t->len)
        sort_buckets(t->b, t->len, by_count_desc);
    t->last = 0;
    hbar_t *rows = calloc(t->len ? t->len : 1, sizeof *rows);
    if (!rows) {
        d->out->oom = true;
        return;
    }
    for (size_t i = 0; i < t->len; i++) {
        rows[i].label = t->b[i].key;
        rows[i].value = t->b[i].total;
        if (t->b[i].sum_n)
            snprintf(rows[i].extra, sizeof rows[i].extra, "average rating %.1f",
                     t->b[i].sum / (double)t->b[i].sum_n);
    }
    hbar_chart(d, heading, title, rows, t->len, base, empty);
    free(rows);
}

/* A vertical (stacked) bar chart: ncat categories, nser series, v[cat * nser + ser]. */
typedef struct {
    const char *heading, *title, *what; /* what: "ratings", for the description */
    size_t ncat, nser;
    char (*cats)[24];
    const int64_t *v;
    const char *const *ser_names;
    const char *const *colors;
} vchart_t;

static void vbar_chart(doc_t *d, const vchart_t *c, const char *empty)
{
    buf_printf(d->out, "<figure>\n<h3>");
    esc(d->out, c->heading);
    buf_puts(d->out, "</h3>\n");
    int64_t max = 0, total = 0;
    size_t best = 0;
    for (size_t i = 0; i < c->ncat; i++) {
        int64_t sum = 0;
        for (size_t s = 0; s < c->nser; s++)
            sum += c->v[i * c->nser + s];
        if (sum > max) {
            max = sum;
            best = i;
        }
        total += sum;
    }
    if (c->ncat == 0 || max == 0) {
        no_data(d, empty);
        buf_puts(d->out, "</figure>\n");
        return;
    }
    const bool legend = c->nser > 1;
    const double left = 56, right = 16, top = legend ? 44 : 20, bottom = 40;
    const double plot_h = legend ? 240 : 170, plot_w = SVG_W - left - right;
    const int height = (int)(top + plot_h + bottom);
    const int64_t step = nice_step(max);
    const int64_t ymax = (max + step - 1) / step * step;
    const double slot = plot_w / (double)c->ncat;
    const double bar_w = slot * 0.72 > 48 ? 48 : slot * 0.72;

    buf_t desc = {0};
    buf_printf(&desc, "%lld %s in %zu columns, from %s to %s. Highest: %s with %lld.",
               (long long)total, c->what, c->ncat, c->cats[0], c->cats[c->ncat - 1], c->cats[best],
               (long long)max);
    if (legend) {
        buf_puts(&desc, " Stacked from the bottom:");
        for (size_t s = 0; s < c->nser; s++) {
            int64_t sum = 0;
            for (size_t i = 0; i < c->ncat; i++)
                sum += c->v[i * c->nser + s];
            buf_printf(&desc, " %s %lld%s", c->ser_names[s], (long long)sum,
                       s + 1 < c->nser ? "," : ".");
        }
    }
    svg_open(d, height, c->title, buf_str(&desc));
    buf_free(&desc);

    if (legend) {
        double x = left;
        for (size_t s = 0; s < c->nser; s++) {
            buf_printf(d->out,
                       "<rect x=\"%.1f\" y=\"8\" width=\"16\" height=\"16\" fill=\"%s\"/>"
                       "<text x=\"%.1f\" y=\"21\">",
                       x, c->colors[s], x + 22);
            esc(d->out, c->ser_names[s]);
            buf_puts(d->out, "</text>\n");
            x += 22 + text_width(c->ser_names[s], 13) + 22;
        }
    }
    /* Grid lines and the y axis's counts. */
    for (int64_t yv = 0; yv <= ymax; yv += step) {
        const double y = top + plot_h - plot_h * (double)yv / (double)ymax;
        buf_printf(
            d->out,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID "\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\" fill=\"" INK_SOFT
            "\">%lld</text>\n",
            left, left + plot_w, y, y, left - 6, y + 4, (long long)yv);
    }
    /* Category labels: as many as fit side by side. */
    double label_w = 0;
    for (size_t i = 0; i < c->ncat; i++) {
        const double w = text_width(c->cats[i], 12);
        label_w = w > label_w ? w : label_w;
    }
    size_t every = (size_t)((label_w + 8) / slot) + 1;
    const bool totals = slot >= 26;
    for (size_t i = 0; i < c->ncat; i++) {
        const double cx = left + slot * ((double)i + 0.5);
        double y = top + plot_h;
        int64_t sum = 0;
        for (size_t s = 0; s < c->nser; s++) {
            const int64_t v = c->v[i * c->nser + s];
            if (!v)
                continue;
            sum += v;
            const double h = plot_h * (double)v / (double)ymax;
            y -= h;
            buf_printf(d->out,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\""
                       " stroke=\"#ffffff\" stroke-width=\"0.75\"><title>",
                       cx - bar_w / 2, y, bar_w, h, c->colors[s]);
            esc(d->out, c->cats[i]);
            if (legend) {
                buf_puts(d->out, ", ");
                esc(d->out, c->ser_names[s]);
            }
            buf_printf(d->out, ": %lld</title></rect>\n", (long long)v);
            if (legend && h >= 15 && bar_w >= 22)
                buf_printf(d->out,
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\""
                           " fill=\"%s\">%lld</text>\n",
                           cx, y + h / 2 + 4, ink_on(c->colors[s]), (long long)v);
        }
        if (totals && sum)
            buf_printf(d->out,
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\""
                       " font-weight=\"bold\">%lld</text>\n",
                       cx, y - 4, (long long)sum);
        if (i % every == 0) {
            buf_printf(d->out,
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">", cx,
                       top + plot_h + 18);
            esc(d->out, c->cats[i]);
            buf_puts(d->out, "</text>\n");
        }
    }
    buf_printf(d->out,
               "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\"/>\n", left,
               left + plot_w, top + plot_h, top + plot_h);
    buf_puts(d->out, "</svg>\n");
    if (!totals) {
        buf_printf(d->out, "<p class=\"note\">Highest: %s with %lld. ", c->cats[best],
                   (long long)max);
        buf_puts(d->out, "Hover over a bar (or read the description) for its numbers.</p>\n");
    }
    buf_puts(d->out, "</figure>\n");
}

/* Face colours: a red-to-blue scale (safe for red-green colour blindness), each at least 3:1
 * against white; the counts are written on the segments as well. */
static const char *const face_colors4[] = {"#b2182b", "#d6604d", "#4393c3", "#2166ac"};
static const char *const face_colors10[] = {"#67001f", "#b2182b", "#d6604d", "#c2712d", "#8c6d1f",
                                            "#5e7d2a", "#35978f", "#4393c3", "#2166ac", "#053061"};

/* ---- report: sections ------------------------------------------------------------------- */

typedef enum { SPAN_DAY, SPAN_WEEK, SPAN_MONTH } span_t;

/* The time buckets covering [first, last] (local day numbers): days up to 62 of them, else
 * weeks (from Monday) up to 62, else months. Returns the count; *starts (malloc'd) holds each
 * bucket's first day, labels its text. */
static size_t time_buckets(int64_t first, int64_t last, span_t *span, int64_t **starts,
                           char (**labels)[24])
{
    const int64_t days = last - first + 1;
    *span = days <= 62 ? SPAN_DAY : days <= 62 * 7 ? SPAN_WEEK : SPAN_MONTH;
    int64_t from = first;
    if (*span == SPAN_WEEK)
        from = first - (first + 3 - floor_div(first + 3, 7) * 7); /* back to Monday */
    size_t n = 0, cap = 64;
    *starts = malloc(cap * sizeof **starts);
    *labels = malloc(cap * sizeof **labels);
    if (!*starts || !*labels)
        return 0;
    for (int64_t day = from; day <= last;) {
        if (n == cap) {
            cap *= 2;
            int64_t *s = realloc(*starts, cap * sizeof **starts);
            char(*l)[24] = realloc(*labels, cap * sizeof **labels);
            if (s)
                *starts = s;
            if (l)
                *labels = l;
            if (!s || !l)
                return 0;
        }
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        (*starts)[n] = day;
        if (*span == SPAN_MONTH) {
            snprintf((*labels)[n], 24, "%04d-%02d", y % 10000, m);
            day = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
            if (n == 0)
                (*starts)[0] = days_from_civil(y, m, 1);
        } else {
            snprintf((*labels)[n], 24, "%02d-%02d", m, d);
            day += *span == SPAN_WEEK ? 7 : 1;
        }
        n++;
    }
    return n;
}

/* Which bucket a day falls in (starts ascending). */
static size_t bucket_of(const int64_t *starts, size_t n, int64_t day)
{
    size_t i = 0;
    while (i + 1 < n && starts[i + 1] <= day)
        i++;
    return i;
}

static const char *span_name(span_t span)
{
    return span == SPAN_DAY ? "day" : span == SPAN_WEEK ? "week (from Monday)" : "month";
}

static void section_quick(doc_t *d, report_t *r)
{
    buf_t *o = d->out;
    buf_puts(o, "<section>\n<h2>Quick ratings</h2>\n");
    const int faces = r->max_face < 4 ? 4 : r->max_face;
    const int64_t counted = r->quick - r->quick_misuse - r->quick_other;
    if (counted > 0)
        buf_printf(o,
                   "<p>%lld quick ratings counted, average %.2f (1 is the lowest face, %d the "
                   "highest). The %lld presses flagged as misuse (too soon after the one before) "
                   "are kept in the archive but left out of these charts.</p>\n",
                   (long long)counted, (double)r->quick_sum / (double)counted, faces,
                   (long long)r->quick_misuse);
    char names[MAX_FACE][32];
    const char *ser_names[MAX_FACE];
    const char *const *colors = faces == 4 ? face_colors4 : face_colors10;
    for (int f = 0; f < faces; f++) {
        snprintf(names[f], sizeof names[f], "face %d%s", f + 1,
                 f == 0           ? " (lowest)"
                 : f == faces - 1 ? " (highest)"
                                  : "");
        ser_names[f] = names[f];
    }
    const char *const *ser = ser_names;

    /* By day (or week, or month). */
    span_t span = SPAN_DAY;
    int64_t *starts = NULL;
    char(*labels)[24] = NULL;
    size_t n = r->days.len ? time_buckets(r->first_day, r->last_day, &span, &starts, &labels) : 0;
    int64_t *v = calloc((n ? n : 1) * (size_t)faces, sizeof *v);
    if (!v || (r->days.len && !n)) {
        o->oom = true;
    } else {
        for (size_t i = 0; i < r->days.len; i++) {
            const size_t k = bucket_of(starts, n, r->days.b[i].num);
            for (int f = 0; f < faces; f++)
                v[k * (size_t)faces + (size_t)f] += r->days.b[i].n[f + 1];
        }
        char heading[96], title[128];
        char from[16], to[16];
        day_text(r->first_day, from);
        day_text(r->last_day, to);
        snprintf(heading, sizeof heading, "By %s", span_name(span));
        snprintf(title, sizeof title, "Quick ratings by %s, %s to %s, stacked by face",
                 span_name(span), from, to);
        vchart_t c = {heading, title, "ratings", n, (size_t)faces, labels, v, ser, colors};
        vbar_chart(d, &c, "No quick ratings in this period.");
        if (span == SPAN_WEEK)
            buf_puts(o, "<p class=\"note\">Each column is a week from Monday to Sunday, labelled "
                        "with its Monday's date.</p>\n");
    }
    free(v);

    /* By hour of the day: from the first hour with a rating to the last. */
    int lo = 24, hi = -1;
    for (int h = 0; h < 24; h++)
        for (int f = 1; f <= faces; f++)
            if (r->hours[h][f]) {
                lo = h < lo ? h : lo;
                hi = h > hi ? h : hi;
            }
    if (hi < 0)
        lo = 0, hi = 23;
    char hours[24][24];
    int64_t hv[24 * MAX_FACE];
    for (int h = lo; h <= hi; h++) {
        snprintf(hours[h - lo], sizeof hours[h - lo], "%d:00", h);
        for (int f = 0; f < faces; f++)
            hv[(h - lo) * faces + f] = r->hours[h][f + 1];
    }
    vchart_t hc = {"By hour of the day (the kiosk's local time)",
                   "Quick ratings by hour of the day, stacked by face",
                   "ratings",
                   (size_t)(hi - lo + 1),
                   (size_t)faces,
                   hours,
                   hv,
                   ser,
                   colors};
    vbar_chart(d, &hc, "No quick ratings in this period.");
    tally_chart(d, "What the rating was about (the optional follow-up)",
                "Quick ratings: what they were about", &r->about, true, 0,
                "No follow-up answers in this period.");
    free(starts);
    free(labels);
    buf_puts(o, "</section>\n");
}

static void section_requests(doc_t *d, report_t *r)
{
    buf_puts(d->out, "<section>\n<h2>Service requests</h2>\n");
    buf_printf(d->out,
               "<p>%lld service requests. Look one up with <code>kiosk-staff find</code> and its "
               "reference code; export them with <code>kiosk-staff open311</code>.</p>\n",
               (long long)r->per_kind[RECORD_SERVICE_REQUEST]);
    tally_chart(d, "By service", "Service requests by service", &r->services, true, 0,
                "No service requests in this period.");
    /* Urgency in its own order when the codes are the default pack's. */
    static const char *const order[] = {"URGENT", "SOON", "LOW"};
    size_t placed = 0;
    for (size_t k = 0; k < 3; k++)
        for (size_t i = placed; i < r->urgency.len; i++)
            if (strcmp(r->urgency.b[i].key, order[k]) == 0) {
                const bucket_t tmp = r->urgency.b[placed];
                r->urgency.b[placed++] = r->urgency.b[i];
                r->urgency.b[i] = tmp;
                break;
            }
    if (placed < r->urgency.len)
        sort_buckets(r->urgency.b + placed, r->urgency.len - placed, by_count_desc);
    tally_chart(d, "By urgency", "Service requests by urgency", &r->urgency, false, 0,
                "No urgency given in this period.");
    tally_chart(d, "For whom", "Service requests by whom the help is for", &r->for_whom, true, 0,
                "No answers in this period.");
    buf_puts(d->out, "</section>\n");
}

static void question_chart(doc_t *d, const survey_t *s, question_t *q)
{
    char heading[160], title[256];
    snprintf(heading, sizeof heading, "%s (%lld of %lld answered)", q->name, (long long)q->answered,
             (long long)s->responses);
    snprintf(title, sizeof title, "%s: answers to %s", s->journey, q->name);
    if (q->kinds & V_TEXT) {
        buf_puts(d->out, "<figure>\n<h3>");
        esc(d->out, heading);
        buf_puts(d->out, "</h3>\n<p class=\"note\">Written answers: not shown here (they may hold "
                         "personal details); read them in the CSV export.</p>\n</figure>\n");
        return;
    }
    if (q->kinds == V_NUMBER) {
        /* A distribution: one column per whole value from the lowest to the highest. */
        sort_buckets(q->values.b, q->values.len, by_value);
        const double lo = q->values.len ? q->values.b[0].value : 0;
        const double hi = q->values.len ? q->values.b[q->values.len - 1].value : 0;
        bool whole = true;
        for (size_t i = 0; i < q->values.len; i++)
            whole = whole && q->values.b[i].value == (double)(long long)q->values.b[i].value;
        const size_t n = whole && hi - lo <= 40 ? (size_t)(hi - lo) + 1 : q->values.len;
        char(*cats)[24] = calloc(n ? n : 1, sizeof *cats);
        int64_t *v = calloc(n ? n : 1, sizeof *v);
        if (!cats || !v) {
            d->out->oom = true;
        } else {
            for (size_t i = 0; i < n; i++)
                if (whole && hi - lo <= 40)
                    snprintf(cats[i], sizeof cats[i], "%lld", (long long)lo + (long long)i);
                else
                    snprintf(cats[i], sizeof cats[i], "%s", q->values.b[i].key);
            for (size_t i = 0; i < q->values.len; i++) {
                const size_t k = whole && hi - lo <= 40 ? (size_t)(q->values.b[i].value - lo) : i;
                v[k] += q->values.b[i].total;
            }
            snprintf(heading, sizeof heading, "%s (%lld of %lld answered, average %.2f)", q->name,
                     (long long)q->answered, (long long)s->responses,
                     q->sum / (double)(q->answered ? q->answered : 1));
            static const char *const one[] = {"answers"};
            static const char *const bar[] = {BAR};
            vchart_t c = {heading, title, "answers", n, 1, cats, v, one, bar};
            vbar_chart(d, &c, "No answers.");
        }
        free(cats);
        free(v);
        return;
    }
    if (q->kinds == V_BOOL)
        sort_buckets(q->values.b, q->values.len, by_value); /* yes, then no */
    if (q->kinds & V_LIST)
        snprintf(heading, sizeof heading, "%s (%lld of %lld answered; several choices allowed)",
                 q->name, (long long)q->answered, (long long)s->responses);
    /* Shares of the respondents: with several choices allowed they add up to more than 100%. */
    tally_chart(d, heading, title, &q->values, q->kinds != V_BOOL, q->answered, "No answers.");
}

static void section_surveys(doc_t *d, report_t *r)
{
    buf_puts(d->out, "<section>\n<h2>Questionnaires</h2>\n");
    if (!r->nsurveys)
        no_data(d, "No questionnaires were answered in this period.");
    for (size_t i = 0; i < r->nsurveys; i++) {
        survey_t *s = &r->surveys[i];
        buf_puts(d->out, "<h3 class=\"survey\">");
        esc(d->out, s->journey);
        buf_printf(d->out, ": %lld responses</h3>\n", (long long)s->responses);
        for (size_t j = 0; j < s->nq; j++)
            question_chart(d, s, &s->q[j]);
    }
    buf_puts(d->out, "</section>\n");
}

static void section_activities(doc_t *d, report_t *r)
{
    buf_puts(d->out, "<section>\n<h2>Activities</h2>\n");
    sort_buckets(r->activities.b, r->activities.len, by_count_desc);
    hbar_t *rows = calloc(r->activities.len ? r->activities.len : 1, sizeof *rows);
    if (!rows) {
        d->out->oom = true;
        return;
    }
    for (size_t i = 0; i < r->activities.len; i++) {
        const bucket_t *b = &r->activities.b[i];
        rows[i].label = b->key;
        rows[i].value = b->total;
        snprintf(rows[i].extra, sizeof rows[i].extra, "%lld sign-ups, %lld interested",
                 (long long)b->n[0], (long long)b->n[1]);
    }
    hbar_chart(d, "Sign-ups and interest per activity", "Activities: sign-ups and interest", rows,
               r->activities.len, 0, "No activity sign-ups in this period.");
    free(rows);
    buf_puts(d->out, "</section>\n");
}

static void section_quality(doc_t *d, report_t *r)
{
    buf_t *o = d->out;
    buf_puts(o, "<section>\n<h2>Data quality</h2>\n");
    buf_printf(o,
               "<p>%lld quick-rating presses were flagged as misuse: pressed sooner than the "
               "content pack's interval after the one before (HappyOrNot's practice). They are "
               "kept, not dropped.</p>\n",
               (long long)r->quick_misuse);
    if (r->misuse.len) {
        span_t span;
        int64_t *starts = NULL;
        char(*labels)[24] = NULL;
        const size_t n = time_buckets(r->first_day, r->last_day, &span, &starts, &labels);
        int64_t *v = calloc(n ? n : 1, sizeof *v);
        if (!v || !n) {
            o->oom = true;
        } else {
            for (size_t i = 0; i < r->misuse.len; i++)
                v[bucket_of(starts, n, r->misuse.b[i].num)] += r->misuse.b[i].total;
            char heading[64];
            snprintf(heading, sizeof heading, "Misuse-flagged presses by %s", span_name(span));
            static const char *const one[] = {"presses"};
            static const char *const bar[] = {"#8c510a"};
            vchart_t c = {heading, heading, "flagged presses", n, 1, labels, v, one, bar};
            vbar_chart(d, &c, "No presses were flagged as misuse.");
        }
        free(v);
        free(starts);
        free(labels);
    }
    buf_printf(o,
               "<p>%lld records were made while the kiosk's clock was not synchronised (no network "
               "time yet, no clock battery): their dates and hours may be wrong, though they are "
               "never earlier than the kiosk's last known time.</p>\n",
               (long long)r->unsynced);
    hbar_t *rows = calloc(r->kiosks.len ? r->kiosks.len : 1, sizeof *rows);
    if (!rows) {
        o->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->kiosks.len; i++) {
        if (!r->kiosks.b[i].n[1])
            continue;
        rows[n].label = r->kiosks.b[i].key;
        rows[n].value = r->kiosks.b[i].n[1];
        snprintf(rows[n].extra, sizeof rows[n].extra, "of %lld records",
                 (long long)r->kiosks.b[i].n[0]);
        n++;
    }
    hbar_chart(d, "Records with an unsynchronised clock, by kiosk",
               "Records with an unsynchronised clock, by kiosk", rows, n, 0,
               "Every record was made with a synchronised clock.");
    free(rows);
    buf_puts(o, "</section>\n");
}

static const char report_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#fff;color:" INK ";line-height:1.45;"
    "font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",\"PingFang SC\",sans-serif}"
    "main{max-width:1010px;margin:0 auto;padding:24px}"
    "h1{font-size:1.9rem;margin:0 0 .2rem}"
    "h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-bottom:.2rem;border-bottom:3px solid "
    "#1f4e79;color:#1f4e79}"
    "h3{font-size:1.05rem;margin:1.2rem 0 .3rem}"
    "h3.survey{font-size:1.15rem;margin-top:1.6rem}"
    "p{margin:.4rem 0}.note,.meta{color:" INK_SOFT "}.empty{font-style:italic;color:" INK_SOFT "}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;"
    "margin:1rem 0}"
    ".card{border:1px solid #b9c6d3;border-left:6px solid #1f4e79;border-radius:4px;padding:8px "
    "12px}"
    ".card b{display:block;font-size:1.7rem}"
    "figure{margin:0 0 1.2rem;break-inside:avoid}"
    "svg{display:block;width:100%;height:auto;max-width:960px}"
    "table{border-collapse:collapse;margin:.5rem 0}"
    "th,td{border:1px solid #b9c6d3;padding:4px 10px;text-align:left}"
    "th{background:#eef3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "code{font-size:.95em}"
    "@media print{main{max-width:none;padding:0}h2{break-after:avoid}"
    "section,.cards,table{break-inside:avoid-page}}";

static void card(buf_t *o, int64_t n, const char *what)
{
    buf_printf(o, "<div class=\"card\"><b>%lld</b>%s</div>\n", (long long)n, what);
}

static void local_time_text(int64_t lms, char out[32])
{
    char iso[ISO8601_LEN];
    iso8601_format(lms, 0, iso);
    snprintf(out, 32, "%.10s %.5s", iso, iso + 11);
}

static void write_report(buf_t *o, report_t *r, const char *title, const char *archive_path)
{
    doc_t d = {o, 1};
    buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    esc(o, title);
    buf_printf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>", report_css);
    esc(o, title);
    buf_puts(o, "</h1>\n");

    char from[16] = "", to[16] = "", now[ISO8601_LEN];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    iso8601_format((int64_t)ts.tv_sec * 1000, 0, now);
    if (r->any) {
        day_text(r->first_day, from);
        day_text(r->last_day, to);
    }
    const char *base = strrchr(archive_path, '/');
    buf_puts(o, "<p class=\"meta\">");
    if (r->any)
        buf_printf(o,
                   "Period covered: <strong>%s</strong> to <strong>%s</strong> (the kiosks' "
                   "local dates). ",
                   from, to);
    buf_printf(o, "Kiosks included: <strong>%zu</strong>. Made %.10s %.5s UTC from ", r->kiosks.len,
               now, now + 11);
    esc(o, base ? base + 1 : archive_path);
    buf_puts(o, ".</p>\n");

    buf_puts(o, "<div class=\"cards\">\n");
    card(o, r->total, "records in all");
    card(o, r->per_kind[RECORD_QUICK_RATING], "quick ratings");
    card(o, r->per_kind[RECORD_FEEDBACK], "feedback messages");
    card(o, r->per_kind[RECORD_SERVICE_REQUEST], "service requests");
    card(o, r->per_kind[RECORD_QUESTIONNAIRE], "questionnaires answered");
    card(o, r->per_kind[RECORD_ACTIVITY], "activity sign-ups and interest");
    card(o, r->quick_misuse, "presses flagged as misuse");
    card(o, r->unsynced, "records with an unsynchronised clock");
    buf_puts(o, "</div>\n");

    if (!r->any) {
        no_data(&d, "The archive holds no records yet: import a stick first.");
        buf_puts(o, "</main>\n</body>\n</html>\n");
        return;
    }
    sort_buckets(r->kiosks.b, r->kiosks.len, by_key);
    r->kiosks.last = 0;
    buf_puts(o, "<h2>Kiosks</h2>\n<table>\n<thead><tr><th scope=\"col\">Kiosk</th>"
                "<th scope=\"col\">Records</th><th scope=\"col\">First record</th>"
                "<th scope=\"col\">Last record</th><th scope=\"col\">Unsynchronised clock</th>"
                "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->kiosks.len; i++) {
        const bucket_t *k = &r->kiosks.b[i];
        char first[32], last[32];
        local_time_text(k->first_ms, first);
        local_time_text(k->last_ms, last);
        buf_puts(o, "<tr><th scope=\"row\">");
        esc(o, k->key);
        buf_printf(o,
                   "</th><td class=\"n\">%lld</td><td>%s</td><td>%s</td><td class=\"n\">%lld</td>"
                   "</tr>\n",
                   (long long)k->n[0], first, last, (long long)k->n[1]);
    }
    buf_puts(o, "</tbody>\n</table>\n");

    section_quick(&d, r);
    buf_puts(o, "<section>\n<h2>Feedback and suggestions</h2>\n");
    tally_chart(&d, "Topics", "Feedback by topic, with the average rating given", &r->topics, true,
                0, "No feedback in this period.");
    buf_puts(o, "</section>\n");
    section_requests(&d, r);
    section_surveys(&d, r);
    section_activities(&d, r);
    buf_puts(o, "<section>\n<h2>Languages</h2>\n");
    tally_chart(&d, "Language used, all records", "Records by the language the resident used",
                &r->langs, true, 0, "No records.");
    buf_puts(o, "</section>\n");
    section_quality(&d, r);
    buf_puts(o, "<p class=\"note\">Answers are shown as the codes the kiosks store (the content "
                "pack's labels are not in the archive). Times are the kiosks' local times.</p>\n"
                "</main>\n</body>\n</html>\n");
}

static const char report_help[] =
    "Usage: kiosk-staff report --archive FILE --out FILE.html [--title TEXT]\n"
    "Writes one self-contained HTML file (no scripts, no external files; opens in any browser\n"
    "and prints) with charts drawn as SVG: totals, the period and the kiosks; quick ratings by\n"
    "day and by hour; feedback topics; service requests by service, urgency and for whom;\n"
    "questionnaire answers; activities; languages; misuse-flagged presses; records made with an\n"
    "unsynchronised clock. It holds counts only: no names, phone numbers or written answers.\n"
    "  --title TEXT   the report's title (default \"Community kiosk report\")\n"
    "Exit status: 0 done, 1 failed, 2 bad usage.\n";

int office_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"title", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL, *out_path = NULL, *title = "Community kiosk report";
    int c;
    optind = 0;
    while ((c = next_opt(argc, argv, opts)) != -1) {
        switch (c) {
        case 'a':
            path = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 't':
            title = optarg;
            break;
        case 'h':
            fputs(report_help, stdout);
            return 0;
        default:
            fputs(report_help, stderr);
            return 2;
        }
    }
    if (!path || !out_path || optind != argc) {
        fputs(report_help, stderr);
        return 2;
    }
    archive_t *a;
    if (open_existing("report", path, &a))
        return 1;
    report_t r = {0};
    buf_t html = {0};
    int ret = 1;
    const int rc = archive_foreach(a, report_count, &r);
    if (r.oom) {
        fprintf(stderr, "kiosk-staff report: out of memory\n");
    } else if (rc != 0) {
        read_failed("report", a, rc);
    } else {
        write_report(&html, &r, title, path);
        out_t out;
        if (html.oom) {
            fprintf(stderr, "kiosk-staff report: out of memory\n");
        } else if (out_open("report", out_path, 0644, &out) == 0) {
            out_put(&out, html.s, html.len);
            ret = out_close("report", &out, true);
            if (ret == 0)
                printf("Wrote the report on %lld records to %s.\n", (long long)r.total, out_path);
        }
    }
    buf_free(&html);
    report_free(&r);
    archive_close(a);
    return ret;
}
