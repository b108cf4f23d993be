/* The salvage's second pass: reads the table-leaf pages of a damaged database file directly
 * (with the committed frames of its WAL laid over them), the way SQLite's own .recover does,
 * so that rows on pages the b-tree can no longer reach (a truncated file, a damaged interior
 * page or header) still come back. Debian 12's sqlite3 shell cannot run .recover (its library
 * lacks the sqlite_dbpage table), hence this. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "core/kerr.h"
#include "store/store_internal.h"

/* Files larger than this are not read whole (a kiosk's database is a few MiB). */
#define SCAN_MAX_BYTES (256LL * 1024 * 1024)
#define SCAN_MAX_COLUMNS 64

typedef struct {
    unsigned char *data; /* the file's pages, WAL frames applied */
    int64_t pages;
    uint32_t page_size, usable;
    int64_t header_pages; /* the header's page count (a truncated file has fewer), else 0 */
} image_t;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* A whole file in a malloc'd buffer (its size in *len), NULL when it cannot be read or is too
 * large. */
static unsigned char *read_whole(const char *path, int64_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rbe");
    if (!f)
        return NULL;
    struct stat sb;
    unsigned char *buf = NULL;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 && sb.st_size <= SCAN_MAX_BYTES &&
        (buf = malloc((size_t)sb.st_size)) != NULL) {
        *len = (int64_t)fread(buf, 1, (size_t)sb.st_size, f);
    }
    fclose(f);
    return buf;
}

static bool valid_page_size(uint32_t ps)
{
    return ps >= 512 && ps <= 65536 && (ps & (ps - 1)) == 0;
}

/* Whether the cand bytes at p start like a b-tree page: a known type, cells that fit. */
static bool looks_like_page(const unsigned char *p, uint32_t cand)
{
    if (p[0] != 2 && p[0] != 5 && p[0] != 10 && p[0] != 13)
        return false;
    const unsigned ncell = be16(p + 3), content = be16(p + 5);
    return ncell > 0 && 12 + 2 * ncell <= content && content < cand;
}

/* The page size: the header's when it is valid, else the largest candidate under which the
 * most pages start like a b-tree page; *trusted says whether the header was. */
static uint32_t guess_page_size(const unsigned char *file, int64_t len, bool *trusted)
{
    uint32_t ps = len >= 100 ? be16(file + 16) : 0;
    if (ps == 1)
        ps = 65536;
    *trusted = valid_page_size(ps) && memcmp(file, "SQLite format 3", 16) == 0;
    if (valid_page_size(ps))
        return ps;
    uint32_t best = 4096;
    int64_t best_score = 0;
    for (uint32_t cand = 65536; cand >= 512; cand /= 2) {
        int64_t score = 0;
        for (int64_t off = cand; off + (int64_t)cand <= len; off += cand)
            score += looks_like_page(file + off, cand);
        if (score > best_score) {
            best_score = score;
            best = cand;
        }
    }
    return best;
}

/* The WAL's checksum over n bytes (a multiple of 8) continuing s. */
static void wal_checksum(const unsigned char *p, size_t n, bool big_endian, uint32_t s[2])
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint32_t x0, x1;
        if (big_endian) {
            x0 = be32(p + i);
            x1 = be32(p + i + 4);
        } else {
            x0 = (uint32_t)p[i + 3] << 24 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 1] << 8 |
                 p[i];
            x1 = (uint32_t)p[i + 7] << 24 | (uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 5] << 8 |
                 p[i + 4];
        }
        s[0] += x0 + s[1];
        s[1] += x1 + s[0];
    }
}

/* Lays the frames of the WAL at wal_path over img, in order, up to its last valid commit
 * frame. A frame is valid when its salts are the header's and its checksum holds. Unlike
 * SQLite, which ends the WAL at the first frame that fails, a frame that fails is skipped and
 * the checks go on from the checksums it carries, so that the commits after one damaged frame
 * still count (their pages were acknowledged). A missing or foreign WAL changes nothing. */
static void apply_wal(image_t *img, const char *wal_path)
{
    int64_t len = 0;
    unsigned char *wal = read_whole(wal_path, &len);
    const uint32_t magic = wal && len >= 32 ? be32(wal) : 0;
    uint32_t s[2] = {0, 0};
    const bool big = magic & 1;
    if (wal && len >= 32)
        wal_checksum(wal, 24, big, s);
    const int64_t frame = 24 + (int64_t)img->page_size;
    const int64_t frames = (len - 32) / frame;
    bool *bad = frames > 0 ? calloc((size_t)frames, sizeof *bad) : NULL;
    if ((magic & ~1u) != 0x377f0682 || be32(wal + 8) != img->page_size || !bad ||
        s[0] != be32(wal + 24) || s[1] != be32(wal + 28)) {
        free(bad);
        free(wal);
        return;
    }
    int64_t commit_end = 0; /* the frames before this one are committed */
    for (int64_t k = 0; k < frames; k++) {
        const unsigned char *h = wal + 32 + k * frame;
        if (memcmp(h + 8, wal + 16, 8) != 0)
            break; /* an older generation of the WAL from here on */
        wal_checksum(h, 8, big, s);
        wal_checksum(h + 24, img->page_size, big, s);
        bad[k] = s[0] != be32(h + 16) || s[1] != be32(h + 20);
        s[0] = be32(h + 16);
        s[1] = be32(h + 20);
        if (!bad[k] && be32(h + 4) != 0)
            commit_end = k + 1;
    }
    for (int64_t k = 0; k < commit_end; k++) {
        const unsigned char *h = wal + 32 + k * frame;
        const int64_t pgno = be32(h);
        if (!bad[k] && pgno >= 1 && pgno <= img->pages)
            memcpy(img->data + (pgno - 1) * img->page_size, h + 24, img->page_size);
    }
    free(bad);
    free(wal);
}

/* Reads the database at path (and path-wal) into img; false when it cannot be read. */
static bool load_image(const char *path, image_t *img)
{
    memset(img, 0, sizeof *img);
    int64_t len = 0;
    unsigned char *file = read_whole(path, &len);
    if (!file)
        return false;
    bool trusted = false;
    img->page_size = guess_page_size(file, len, &trusted);
    const uint32_t reserved = trusted ? file[20] : 0;
    img->usable = img->page_size - (reserved < 256 && reserved < img->page_size / 2 ? reserved : 0);
    img->pages = len / img->page_size;
    img->header_pages = trusted ? be32(file + 28) : 0;
    /* The WAL may hold pages past the end of the file: room for its size, zero-filled. */
    char *wal_path = malloc(strlen(path) + sizeof "-wal");
    struct stat sb;
    int64_t wal_pages = 0;
    if (wal_path) {
        strcpy(wal_path, path);
        strcat(wal_path, "-wal");
        if (stat(wal_path, &sb) == 0 && sb.st_size <= SCAN_MAX_BYTES)
            wal_pages = (int64_t)sb.st_size / (24 + img->page_size);
    }
    const int64_t cap = img->pages + wal_pages;
    img->data = cap > 0 ? calloc((size_t)cap, img->page_size) : NULL;
    if (img->data) {
        memcpy(img->data, file, (size_t)(img->pages * img->page_size));
        img->pages = cap;
        if (wal_path)
            apply_wal(img, wal_path);
    }
    free(wal_path);
    free(file);
    return img->data != NULL;
}

/* A SQLite varint at p (at most end), its length in *n (0 when it runs past end). */
static uint64_t varint(const unsigned char *p, const unsigned char *end, int *n)
{
    uint64_t v = 0;
    for (int i = 0; i < 9; i++) {
        if (p + i >= end) {
            *n = 0;
            return 0;
        }
        if (i == 8) {
            *n = 9;
            return v << 8 | p[i];
        }
        v = v << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *n = i + 1;
            return v;
        }
    }
    *n = 0;
    return 0;
}

/* The payload of a table-leaf cell at off of page pgno, overflow pages followed, in a malloc'd
 * buffer of *len bytes; NULL when the cell does not hold together. */
static unsigned char *cell_payload(const image_t *img, const unsigned char *page, unsigned off,
                                   int64_t *rowid, int64_t *len)
{
    const unsigned char *end = page + img->usable;
    const unsigned char *p = page + off;
    int n1 = 0, n2 = 0;
    const uint64_t size = varint(p, end, &n1);
    *rowid = (int64_t)varint(p + n1, end, &n2);
    if (!n1 || !n2 || size > (uint64_t)img->usable * 4096)
        return NULL;
    p += n1 + n2;
    const uint64_t u = img->usable, x = u - 35, m = ((u - 12) * 32 / 255) - 23;
    uint64_t local = size;
    if (size > x) {
        const uint64_t k = m + ((size - m) % (u - 4));
        local = k <= x ? k : m;
    }
    if (p + local + (local < size ? 4 : 0) > end)
        return NULL;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf)
        return NULL;
    memcpy(buf, p, local);
    uint64_t got = local;
    uint32_t next = local < size ? be32(p + local) : 0;
    for (int64_t hops = 0; got < size && hops < img->pages; hops++) {
        if (next < 1 || next > img->pages)
            break;
        const unsigned char *ov = img->data + (int64_t)(next - 1) * img->page_size;
        const uint64_t take = size - got < u - 4 ? size - got : u - 4;
        memcpy(buf + got, ov + 4, take);
        got += take;
        next = be32(ov);
    }
    if (got < size) {
        free(buf);
        return NULL;
    }
    *len = (int64_t)size;
    return buf;
}

/* Binds the values of the record at rec (len bytes) to ins from parameter 2 on (1 is the
 * rowid); returns the number of columns, 0 when the record does not parse or has more
 * columns than want. */
static int bind_record(sqlite3_stmt *ins, const unsigned char *rec, int64_t len, int want)
{
    const unsigned char *end = rec + len;
    int n = 0;
    const uint64_t hdr = varint(rec, end, &n);
    if (!n || hdr > (uint64_t)len || hdr < (uint64_t)n)
        return 0;
    const unsigned char *h = rec + n, *hend = rec + hdr, *body = rec + hdr;
    int col = 0;
    while (h < hend) {
        const uint64_t type = varint(h, hend, &n);
        if (!n || col >= want || type == 10 || type == 11)
            return 0;
        h += n;
        static const int int_len[] = {0, 1, 2, 3, 4, 6, 8, 8};
        const uint64_t size = type < 8 ? (uint64_t)int_len[type] : type < 12 ? 0 : (type - 12) / 2;
        if (size > (uint64_t)(end - body))
            return 0;
        const int param = col + 2;
        if (type == 0) {
            sqlite3_bind_null(ins, param);
        } else if (type <= 6) {
            int64_t v = (int8_t)body[0]; /* big-endian, signed */
            for (uint64_t i = 1; i < size; i++)
                v = (int64_t)((uint64_t)v << 8 | body[i]);
            sqlite3_bind_int64(ins, param, v);
        } else if (type == 7) {
            uint64_t bits = 0;
            for (int i = 0; i < 8; i++)
                bits = bits << 8 | body[i];
            double d;
            memcpy(&d, &bits, sizeof d);
            sqlite3_bind_double(ins, param, d);
        } else if (type == 8 || type == 9) {
            sqlite3_bind_int(ins, param, type == 9);
        } else if (type % 2 == 0) {
            sqlite3_bind_blob64(ins, param, body, size, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_text64(ins, param, (const char *)body, size, SQLITE_TRANSIENT,
                                SQLITE_UTF8);
        }
        body += size;
        col++;
    }
    return col;
}

/* One table of the fresh database being filled from the pages: INSERT statements by the
 * number of columns a found row has (the first n of the table's columns, by name). */
typedef struct {
    const char *table;
    char cols[SCAN_MAX_COLUMNS][64];
    int ncols;
    int alias; /* the INTEGER PRIMARY KEY column (the rowid itself; NULL in a record), or -1 */
    sqlite3_stmt *ins[SCAN_MAX_COLUMNS + 1];
    int64_t copied;
} target_t;

static bool load_columns(store_t *st, target_t *t)
{
    sqlite3_stmt *stmt = NULL;
    t->ncols = 0;
    t->alias = -1;
    if (sqlite3_prepare_v2(st->c.db,
                           "SELECT name, pk, upper(type) = 'INTEGER', (SELECT count(*) FROM "
                           "pragma_table_info(?1) WHERE pk > 0) FROM pragma_table_info(?1) "
                           "ORDER BY cid",
                           -1, &stmt, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(stmt, 1, t->table, -1, SQLITE_STATIC);
    bool ok = true;
    while (sqlite3_step(stmt) == SQLITE_ROW && t->ncols < SCAN_MAX_COLUMNS) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        if (sqlite3_column_int(stmt, 1) == 1 && sqlite3_column_int(stmt, 2) &&
            sqlite3_column_int(stmt, 3) == 1)
            t->alias = t->ncols;
        if (!name || strchr(name, '"') || strlen(name) >= sizeof t->cols[0])
            ok = false;
        else
            snprintf(t->cols[t->ncols++], sizeof t->cols[0], "%s", name);
    }
    sqlite3_finalize(stmt);
    return ok && t->ncols > 0;
}

/* INSERT INTO table(rowid, c1..cn) SELECT ?1, ..., ?n+1 (a contact without its record is
 * refused by the store's foreign key). */
static sqlite3_stmt *insert_for(store_t *st, target_t *t, int n)
{
    if (t->ins[n])
        return t->ins[n];
    char sql[4096];
    size_t len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\"(rowid", t->table);
    for (int i = 0; i < n && len < sizeof sql; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, ", \"%s\"", t->cols[i]);
    len += (size_t)snprintf(sql + len, sizeof sql - len, ") SELECT ?1");
    for (int i = 0; i < n && len < sizeof sql; i++) /* the rowid alias holds NULL: ?1 */
        len += (size_t)snprintf(sql + len, sizeof sql - len, ", ?%d", i == t->alias ? 1 : i + 2);
    if (len >= sizeof sql || sqlite3_prepare_v2(st->c.db, sql, -1, &t->ins[n], NULL) != SQLITE_OK)
        t->ins[n] = NULL;
    return t->ins[n];
}

/* The number of columns of the record at rec (len bytes), 0 when its header does not parse. */
static int count_columns(const unsigned char *rec, int64_t len)
{
    int n = 0;
    const uint64_t hdr = varint(rec, rec + len, &n);
    if (!n || hdr > (uint64_t)len)
        return 0;
    int cols = 0;
    for (const unsigned char *h = rec + n, *hend = rec + hdr; h < hend; cols++) {
        int k = 0;
        varint(h, hend, &k);
        if (!k)
            return 0;
        h += k;
    }
    return cols;
}

/* Offers one cell's row to t; the fresh schema's constraints (kinds, JSON, NOT NULL, unique
 * uuid and rowid) turn away rows of another table and rows already salvaged. */
static int offer_row(store_t *st, target_t *t, int64_t rowid, const unsigned char *rec, int64_t len)
{
    const int cols = count_columns(rec, len);
    if (cols == 0 || cols > t->ncols)
        return KIOSK_OK;
    sqlite3_stmt *ins = insert_for(st, t, cols);
    if (!ins)
        return KIOSK_OK;
    sqlite3_bind_int64(ins, 1, rowid);
    int rc = bind_record(ins, rec, len, t->ncols) == cols ? sqlite3_step(ins) : SQLITE_MISMATCH;
    if (rc == SQLITE_DONE && sqlite3_changes(st->c.db) > 0)
        t->copied++;
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (rc == SQLITE_DONE || store_row_refused(rc))
        return KIOSK_OK;
    return sq_fail_db(&st->c, rc, "cannot store salvaged rows in");
}

/* Offers every cell of every table-leaf page to t. */
static int scan_pages(store_t *st, const image_t *img, target_t *t)
{
    for (int64_t pgno = 2; pgno <= img->pages; pgno++) {
        const unsigned char *page = img->data + (pgno - 1) * img->page_size;
        if (page[0] != 13)
            continue;
        const unsigned ncell = be16(page + 3);
        for (unsigned k = 0; k < ncell && 8 + 2 * k + 2 <= img->usable; k++) {
            const unsigned off = be16(page + 8 + 2 * k);
            if (off < 8 || off >= img->usable)
                continue;
            int64_t rowid = 0, len = 0;
            unsigned char *rec = cell_payload(img, page, off, &rowid, &len);
            if (!rec)
                continue;
            const int err = offer_row(st, t, rowid, rec, len);
            free(rec);
            if (err)
                return err;
        }
    }
    return KIOSK_OK;
}

/* The highest key in the table-interior pages that hold together (keys ascending, children
 * inside the file the header describes): the rowids of the tables' b-trees reach at least
 * this far, also where the leaves past it are lost. */
static int64_t interior_max_key(const image_t *img)
{
    const int64_t limit = img->header_pages > img->pages ? img->header_pages : img->pages;
    int64_t best = 0;
    for (int64_t pgno = 2; pgno <= img->pages; pgno++) {
        const unsigned char *page = img->data + (pgno - 1) * img->page_size;
        const unsigned ncell = be16(page + 3);
        if (page[0] != 5 || ncell == 0 || 12 + 2 * ncell > img->usable ||
            be32(page + 8) > (uint64_t)limit)
            continue;
        int64_t prev = -1;
        bool sane = true;
        for (unsigned k = 0; k < ncell && sane; k++) {
            const unsigned off = be16(page + 12 + 2 * k);
            int n = 0;
            const int64_t key = off >= 12 && off + 4 < img->usable
                                    ? (int64_t)varint(page + off + 4, page + img->usable, &n)
                                    : -1;
            sane = n > 0 && key > prev && be32(page + off) <= (uint64_t)limit;
            prev = key;
        }
        if (sane && prev > best)
            best = prev;
    }
    return best;
}

int store_pagescan(store_t *st, const char *from, int64_t *records, int64_t *contacts,
                   int64_t *promised)
{
    *records = *contacts = *promised = 0;
    image_t img;
    if (!load_image(from, &img))
        return KIOSK_OK; /* nothing to read: nothing more to salvage */
    target_t targets[2] = {{.table = "records"}, {.table = "contacts"}};
    int err = KIOSK_OK;
    /* The records first: a contact is taken only beside its record. */
    for (int i = 0; i < 2 && !err; i++)
        if (load_columns(st, &targets[i]))
            err = scan_pages(st, &img, &targets[i]);
    for (int i = 0; i < 2; i++)
        for (int n = 0; n <= SCAN_MAX_COLUMNS; n++)
            sqlite3_finalize(targets[i].ins[n]);
    *promised = interior_max_key(&img);
    *records = targets[0].copied;
    *contacts = targets[1].copied;
    free(img.data);
    return err;
}
