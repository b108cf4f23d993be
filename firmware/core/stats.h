/* The staff screen's figures as plain data: filled by the app from the store (store.h) and the
 * file system, shown by the staff screens (staff.h). Pure: no functions, nothing to own. */
#ifndef KIOSK_STATS_H
#define KIOSK_STATS_H

#include <stdbool.h>
#include <stdint.h>

/* What the staff screen shows; filled by the app from the store and the file system. A
 * figure that could not be read is -1 and shows as a dash. */
typedef struct {
    int64_t records_today, records_week, not_exported, requests_waiting, misuse_flagged,
        timed_out_week;
    int64_t last_export_ms; /* UTC; 0: never */
    char last_export_stick[64];
    int64_t db_bytes, free_bytes;
    int64_t last_check_ms; /* UTC of the last integrity check; 0: never */
    int64_t moved_aside;   /* damaged databases set aside, kept for staff */
    int64_t now_ms;        /* the kiosk's clock (UTC), shown so staff can compare */
    bool clock_synced;     /* the kernel says the clock is synchronised (NTP) */
    bool retention_held;   /* retention waits for a confirmed clock (the clock is ahead of the
                              time staff last confirmed, or was never confirmed) */
} staff_stats_t;

#endif
