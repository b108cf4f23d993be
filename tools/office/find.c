/* kiosk-staff find: the service requests with a reference code, as text for staff on the
 * telephone with the resident. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "office.h"
#include "staff-office.h"

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
    office_args_t args;
    const int status = office_args(argc, argv, opts, find_help, NULL, &args);
    if (status >= 0)
        return status;
    const char *path = args.archive;
    if (!path || args.next != argc - 1) {
        fputs(find_help, stderr);
        return 2;
    }
    /* The code as typed: spaces and dashes dropped, letters upper-cased. */
    char code[RECORD_REF_LEN + 1];
    size_t n = 0;
    bool ok = true;
    for (const char *p = argv[args.next]; *p && ok; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        ok = n < RECORD_REF_LEN &&
             ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'));
        if (ok)
            code[n++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    }
    code[n] = '\0';
    if (!ok || n != RECORD_REF_LEN) {
        char *shown = clean_dup(argv[args.next], 40, LINES_SPACE, NULL);
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
