/* The kiosk store as an export's record source (see export_source.h). */
#include "app/export_source.h"

static int begin(void *ctx, bool all, int64_t *max_id, int64_t *count, int64_t *seq)
{
    return store_export_begin(ctx, all, max_id, count, seq);
}

static int foreach (void *ctx, bool all, int64_t max_id, int (*fn)(const record_t *rec, void *ud),
                    void *ud)
{
    return store_foreach_export(ctx, all, max_id, fn, ud);
}

static int mark_exported(void *ctx, int64_t max_id, int64_t seq, int64_t now_utc_ms,
                         int64_t *marked)
{
    return store_mark_exported(ctx, max_id, seq, now_utc_ms, marked);
}

static const char *errmsg(void *ctx)
{
    return store_errmsg(ctx);
}

static int chain(void *ctx, bool all, int64_t max_id, export_chain_t *out)
{
    int err = store_chain_range(ctx, all, max_id, &out->first_seq, out->first_prev, &out->last_seq,
                                out->last_hash);
    return err ? err : store_chain_head(ctx, &out->head_seq, out->head_hash);
}

export_source_t export_source_from_store(store_t *st)
{
    return (export_source_t){begin, foreach, mark_exported, errmsg, st, chain};
}

static int erase_contact(void *ctx, const char *ref_code)
{
    return store_erase_contact(ctx, ref_code);
}

static int note_export(void *ctx, const char *where)
{
    return store_set_last_export_stick(ctx, where);
}

usb_source_t usb_source_from_store(store_t *st)
{
    return (usb_source_t){export_source_from_store(st), erase_contact, note_export};
}
