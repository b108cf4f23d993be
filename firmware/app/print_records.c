/* kiosk --print-records: the stored records as JSON lines, one per record. */
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"
#include "app/log.h"
#include "core/kerr.h"
#include "core/record_json.h"
#include "store/store.h"

static int print_record(const record_t *r, void *user_data)
{
    (void)user_data;
    char *s = NULL;
    if (record_json_write(r, RECORD_JSON_LISTING, &s) == KIOSK_OK)
        printf("%s\n", s);
    free(s);
    return 0;
}

int app_print_records(const char *db_path)
{
    store_t *st;
    char err[512];
    if (store_open(db_path, &st, err, sizeof err) != KIOSK_OK) {
        log_line("error", "%s", err);
        return 1;
    }
    int rc = store_foreach_record(st, print_record, NULL);
    store_close(st);
    return rc == KIOSK_OK ? 0 : 1;
}
