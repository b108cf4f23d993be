/* po-export PACK LANG: every text of a pack as a gettext PO file for a translator: the JSON
 * path as the message context, the default language's text as msgid, LANG's as msgstr ("" when
 * not yet translated), with notes on placeholders and on staff strings. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/content.h"
#include "office.h"
#include "po.h"

typedef struct {
    char *ctx, *msgid, *msgstr;
} entry_t;

typedef struct {
    const cJSON *root;
    const char *lang;
    entry_t *e;
    size_t n, cap;
    bool oom;
} export_t;

/* The entry for ctx (the last ones first: a translation follows its source), or NULL. */
static entry_t *find(export_t *x, const char *ctx, size_t len)
{
    for (size_t i = x->n; i-- > 0;)
        if (strncmp(x->e[i].ctx, ctx, len) == 0 && x->e[i].ctx[len] == '\0')
            return &x->e[i];
    return NULL;
}

static bool collect(void *ud, const char *lang, const char *path, const char *text)
{
    (void)lang;
    export_t *x = ud;
    size_t len = 0;
    po_text_kind_t k = po_text_kind(path, x->root, x->lang, &len);
    if (k == PO_TEXT_NONE || !*text)
        return true;
    entry_t *e = find(x, path, len);
    if (!e) {
        if (!(e = array_push(&x->e, x->n, &x->cap, sizeof *x->e, 256)) ||
            !(e->ctx = strndup(path, len))) {
            x->oom = true;
            return false;
        }
        x->n++;
    }
    char **slot = k == PO_TEXT_SOURCE ? &e->msgid : &e->msgstr;
    free(*slot);
    if (!(*slot = strdup(text)))
        x->oom = true;
    return !x->oom;
}

/* What a placeholder stands for, where the string's key says. */
static const char *placeholder_note(const char *ctx, const char *name)
{
    static const struct {
        const char *key, *name, *note;
    } notes[] = {
        {"$.strings.progress", "n", "the question's number"},
        {"$.strings.progress", "total", "how many questions there are"},
        {"$.strings.idle.body", "seconds", "how many seconds are left"},
        {"$.strings.attract.body", "when", "when the centre opens again"},
        {"$.strings.keyboard.count", "n", "how many characters were written"},
        {"$.strings.keyboard.count", "max", "how many characters fit"},
        {"$.strings.why.phone", "example", "a phone number as the language writes it"},
        {"$.strings.speech.candidate", "n", "the candidate's number"},
        {NULL, "ref", "the request's reference code"},
        {NULL, "why", "the reason, a sentence of its own"},
        {NULL, "reason", "the reason, a sentence of its own"},
        {NULL, "name", "the content pack's name"},
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
        if ((!notes[i].key || strcmp(notes[i].key, ctx) == 0) && strcmp(notes[i].name, name) == 0)
            return notes[i].note;
    return "filled in by the kiosk";
}

/* The translator's notes ("#." lines): one per placeholder, and whether residents see it. */
static void add_notes(buf_t *b, const entry_t *e)
{
    buf_reset(b);
    if (strncmp(e->ctx, "$.strings.", 10) == 0 && content_string_is_staff(e->ctx + 10))
        buf_puts(b, "Shown to staff only: may stay untranslated (the default language's text "
                    "shows).\n");
    for (const char *p = e->msgid; (p = strchr(p, '{')) != NULL; p++) {
        size_t k = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.");
        if (k == 0 || k > 48 || p[1 + k] != '}')
            continue;
        char name[50];
        memcpy(name, p + 1, k);
        name[k] = '\0';
        buf_printf(b, "{%s}: %s; keep it as it is.\n", name, placeholder_note(e->ctx, name));
    }
}

static void add_message(po_message_iterator_t it, const char *ctx, const char *id, const char *str,
                        const char *notes)
{
    po_message_t m = po_message_create();
    if (ctx)
        po_message_set_msgctxt(m, ctx);
    po_message_set_msgid(m, id);
    po_message_set_msgstr(m, str ? str : "");
    if (notes && *notes)
        po_message_set_extracted_comments(m, notes);
    po_message_insert(it, m);
}

static void write_po(const export_t *x, const char *id, const char *version)
{
    po_file_t f = po_file_create();
    po_message_iterator_t it = po_message_iterator(f, NULL);
    buf_t b = {0};
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%Y-%m-%d %H:%M+0000", gmtime_r(&now, &tm));
    buf_printf(&b,
               "Project-Id-Version: %s %s\nPO-Revision-Date: %s\nLast-Translator: \n"
               "Language-Team: \nLanguage: %s\nMIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n",
               id, version, date, x->lang);
    add_message(it, NULL, "", buf_str(&b), NULL);
    for (size_t i = 0; i < x->n; i++) {
        if (!x->e[i].msgid)
            continue; /* a text in LANG without one in the default language */
        add_notes(&b, &x->e[i]);
        add_message(it, x->e[i].ctx, x->e[i].msgid, x->e[i].msgstr, buf_str(&b));
    }
    buf_free(&b);
    po_message_iterator_free(it);
    po_file_write(f, "-", &po_handler);
    po_file_release(f);
}

static int export(const char *pack, const char *lang)
{
    size_t len = 0;
    char *json = po_read_pack("po-export", pack, &len);
    if (!json)
        return 1;
    int status = 1;
    cJSON *root = NULL;
    export_t x = {.lang = lang};
    if (!po_pack_valid("po-export", json, len, pack, "") || !(root = cJSON_Parse(json)))
        goto out;
    x.root = root;
    const cJSON *dl = cJSON_GetObjectItemCaseSensitive(root, "defaultLanguage");
    if (content_lang_same(lang, dl->valuestring)) {
        fprintf(stderr,
                "kiosk-staff po-export: %s is the pack's default language: the texts "
                "to translate are written in it\n",
                lang);
        status = 2;
        goto out;
    }
    if (content_each_text(json, len, collect, &x) != 0 || x.oom) {
        fprintf(stderr, "kiosk-staff po-export: %s: out of memory\n", pack);
        goto out;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    write_po(&x, id->valuestring, version->valuestring);
    status = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
out:
    for (size_t i = 0; i < x.n; i++) {
        free(x.e[i].ctx);
        free(x.e[i].msgid);
        free(x.e[i].msgstr);
    }
    free(x.e);
    cJSON_Delete(root);
    free(json);
    return status;
}

int office_po_export(int argc, char **argv)
{
    static const char help[] =
        "Usage: kiosk-staff po-export PACK LANG > FILE.po\n"
        "Writes every text of the content pack PACK as a gettext PO file for translating into\n"
        "LANG (a language code such as zh-tw or ug): msgctxt is the text's place in the pack,\n"
        "msgid the default language's text, msgstr LANG's (empty when not translated yet).\n";
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    office_args_t a;
    int rc = po_args(argc, argv, opts, help, 2, &a);
    if (rc >= 0)
        return rc;
    return export(argv[a.next], argv[a.next + 1]);
}
