/* po-merge PACK LANG FILE.po: a translator's PO file put back into a pack as LANG's texts.
 * Fuzzy entries are skipped, untranslated ones leave the pack as it was, entries whose place
 * is gone or whose text changed since the export are left out; each is reported, with a
 * summary. The new pack is written only when the loader accepts it. */
#include <stdlib.h>
#include <string.h>

#include "core/content.h"
#include "office.h"
#include "po.h"

#define CMD "po-merge"

typedef struct {
    const char *po, *lang, *default_lang;
    cJSON *root;
    int translated, untranslated, fuzzy, obsolete;
} merge_t;

/* The language's entry of $.languages (any case), or NULL. */
static cJSON *language(cJSON *root, const char *code)
{
    cJSON *l;
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(root, "languages"))
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(l, "code");
        if (cJSON_IsString(c) && content_lang_same(c->valuestring, code))
            return l;
    }
    return NULL;
}

/* The default language's text of the localizable string n (a plain string or an object of
 * translations), or NULL when n is none. */
static const char *source_text(const merge_t *m, const cJSON *n)
{
    if (cJSON_IsString(n))
        return n->valuestring;
    if (!cJSON_IsObject(n))
        return NULL;
    for (const cJSON *t = n->child; t; t = t->next)
        if (cJSON_IsString(t) &&
            (strcmp(t->string, "default") == 0 || content_lang_same(t->string, m->default_lang)))
            return t->valuestring;
    return NULL;
}

/* Puts text into the string at n as LANG's: a plain string becomes an object of translations. */
static bool put(merge_t *m, cJSON *parent, cJSON *n, const char *text)
{
    if (cJSON_IsString(n)) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "default", n->valuestring) ||
            !(n->string ? cJSON_ReplaceItemInObjectCaseSensitive(parent, n->string, o)
                        : cJSON_ReplaceItemViaPointer(parent, n, o))) {
            cJSON_Delete(o);
            return false;
        }
        n = o;
    }
    for (cJSON *t = n->child; t; t = t->next)
        if (content_lang_same(t->string, m->lang)) {
            cJSON *s = cJSON_CreateString(text);
            return s && cJSON_ReplaceItemInObjectCaseSensitive(n, t->string, s);
        }
    return cJSON_AddStringToObject(n, m->lang, text) != NULL;
}

/* The PO's language must be LANG (when its header says one). The header is read from its
 * message: po_file_domain_header() may return a copy nobody frees. */
static bool same_language(const merge_t *m, const char *header)
{
    char *lang = po_header_field(header, "Language");
    bool ok = !lang || !*lang || content_lang_same(lang, m->lang);
    if (!ok)
        fprintf(stderr, "kiosk-staff " CMD ": %s: its Language is '%s', not '%s'\n", m->po, lang,
                m->lang);
    free(lang);
    return ok;
}

/* One PO entry: counted, reported when it is not taken, else put into the pack. */
static bool merge_one(merge_t *m, po_message_t msg)
{
    const char *ctx = po_message_msgctxt(msg), *id = po_message_msgid(msg);
    const char *str = po_message_msgstr(msg);
    if (!ctx && !*id)
        return same_language(m, str); /* the header */
    cJSON *parent = NULL, *n = ctx ? po_node_at(m->root, ctx, &parent) : NULL;
    const char *src = n && parent ? source_text(m, n) : NULL;
    const char *why = po_message_is_obsolete(msg) ? "obsolete (#~)"
                      : !ctx                      ? "no msgctxt: its place in the pack is unknown"
                      : !src                      ? "no such text in the pack"
                      : strcmp(src, id) != 0      ? "the pack's text changed since the export"
                                                  : NULL;
    if (why) {
        fprintf(stderr, "kiosk-staff " CMD ": %s: %s: %s\n", m->po, ctx ? ctx : id, why);
        m->obsolete++;
    } else if (po_message_is_fuzzy(msg)) {
        fprintf(stderr, "kiosk-staff " CMD ": %s: %s: fuzzy, skipped\n", m->po, ctx);
        m->fuzzy++;
    } else if (!*str) {
        fprintf(stderr, "kiosk-staff " CMD ": %s: %s: untranslated\n", m->po, ctx);
        m->untranslated++;
    } else if (!put(m, parent, n, str)) {
        fprintf(stderr, "kiosk-staff " CMD ": out of memory\n");
        return false;
    } else {
        m->translated++;
    }
    return true;
}

static bool merge_po(merge_t *m)
{
    (void)po_read_errors();
    po_file_t f = po_file_read(m->po, &po_handler); /* every error listed on stderr */
    const int errors = po_read_errors();
    if (f && errors > 0)
        po_file_release(f);
    if (!f || errors > 0) {
        fprintf(stderr, "kiosk-staff " CMD ": %s: %d error%s; nothing written\n", m->po, errors,
                errors == 1 ? "" : "s");
        return false;
    }
    bool ok = true;
    po_message_iterator_t it = po_message_iterator(f, NULL);
    for (po_message_t msg; ok && (msg = po_next_message(it)) != NULL;)
        ok = merge_one(m, msg);
    po_message_iterator_free(it);
    po_file_release(f);
    return ok;
}

/* LANG in $.languages: the pack's, or added with its name. */
static int ensure_language(merge_t *m, const char *name)
{
    cJSON *l = language(m->root, m->lang);
    if (l) {
        m->lang = cJSON_GetObjectItemCaseSensitive(l, "code")->valuestring;
        return 0;
    }
    if (!name) {
        fprintf(stderr,
                "kiosk-staff " CMD ": the pack has no language '%s': add it by giving its name, "
                "as its readers write it, with --name (for example --name \"ئۇيغۇرچە\")\n",
                m->lang);
        return 2;
    }
    l = cJSON_CreateObject();
    if (!l || !cJSON_AddStringToObject(l, "code", m->lang) ||
        !cJSON_AddStringToObject(l, "name", name) ||
        !cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(m->root, "languages"), l)) {
        cJSON_Delete(l);
        fprintf(stderr, "kiosk-staff " CMD ": out of memory\n");
        return 1;
    }
    return 0;
}

/* The new pack: checked by the loader, then written. */
static int write_pack(const merge_t *m, const char *out_path)
{
    char *text = cJSON_Print(m->root);
    if (!text) {
        fprintf(stderr, "kiosk-staff " CMD ": out of memory\n");
        return 1;
    }
    size_t len = strlen(text);
    int status = 1;
    out_t o;
    if (po_pack_valid(CMD, text, len, out_path ? out_path : "(the merged pack)",
                      "the merged pack does not load, nothing was written: ") &&
        out_open(CMD, out_path, 0644, &o) == 0) {
        out_put(&o, text, len);
        out_put(&o, "\n", 1);
        status = out_close(CMD, &o, true);
    }
    cJSON_free(text);
    return status;
}

static int merge(const char *pack, merge_t *m, const char *name, const char *out_path)
{
    size_t len = 0;
    char *json = po_read_pack(CMD, pack, &len);
    if (!json)
        return 1;
    int status = 1;
    if (!(m->root = cJSON_ParseWithLength(json, len)) || !cJSON_IsObject(m->root)) {
        po_pack_valid(CMD, json, len, pack, ""); /* says what is wrong */
        goto out;
    }
    const cJSON *dl = cJSON_GetObjectItemCaseSensitive(m->root, "defaultLanguage");
    m->default_lang = cJSON_IsString(dl) ? dl->valuestring : "";
    if (content_lang_same(m->lang, m->default_lang)) {
        fprintf(stderr, "kiosk-staff " CMD ": %s is the pack's default language\n", m->lang);
        status = 2;
        goto out;
    }
    if ((status = ensure_language(m, name)) != 0)
        goto out;
    status = 1;
    if (!merge_po(m))
        goto out;
    fprintf(stderr, "%s: %d translated, %d untranslated, %d fuzzy (skipped), %d obsolete\n",
            m->lang, m->translated, m->untranslated, m->fuzzy, m->obsolete);
    status = write_pack(m, out_path);
out:
    cJSON_Delete(m->root);
    free(json);
    return status;
}

int office_po_merge(int argc, char **argv)
{
    static const char help[] =
        "Usage: kiosk-staff po-merge PACK LANG FILE.po [--out NEW.json] [--name NAME]\n"
        "Puts the translations of FILE.po (made by po-export, translated with Poedit or any PO\n"
        "editor) into the content pack PACK as LANG's texts, and writes the new pack (on\n"
        "standard output without --out) once it has loaded. Fuzzy entries are skipped;\n"
        "untranslated and obsolete ones are reported. --name gives LANG's name, as its\n"
        "readers write it, when the pack does not have LANG yet.\n";
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"name", required_argument, NULL, 'x'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    office_args_t a;
    int rc = po_args(argc, argv, opts, help, 3, &a);
    if (rc >= 0)
        return rc;
    merge_t m = {.lang = argv[a.next + 1], .po = argv[a.next + 2]};
    return merge(argv[a.next], &m, a.own, a.out);
}
