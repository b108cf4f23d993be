/* kiosk-staff csv: the archive's records as CSV for spreadsheets (UTF-8 with BOM, CRLF,
 * RFC 4180 quoting, formula-guarded cells). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "office.h"
#include "staff-office.h"

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
        char **slot = array_push(&st->keys, st->nkeys, &st->cap, sizeof *slot, 16);
        if (!slot || !(*slot = strdup(item->string))) {
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

static bool kind_ok(const char *name)
{
    if (record_kind_from_name(name) >= 0)
        return true;
    fprintf(stderr, "kiosk-staff csv: '%s' is not a record kind\n", name);
    return false;
}

int office_csv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"kind", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    office_args_t args;
    const int status = office_args(argc, argv, opts, csv_help, kind_ok, &args);
    if (status >= 0)
        return status;
    const char *path = args.archive, *out_path = args.out;
    csv_state_t st = {.kind = args.own ? record_kind_from_name(args.own) : -1};
    if (!path || args.next != argc) {
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
