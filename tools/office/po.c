/* What po-export and po-merge share: a pack read and proved loadable, which of its texts a
 * translator gets (the JSON path of each as the message context), and libgettextpo's error
 * handler. */
#include "po.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/content.h"

int po_args(int argc, char **argv, const struct option *opts, const char *help, int nargs,
            office_args_t *a)
{
    int rc = office_args(argc, argv, opts, help, NULL, a);
    if (rc >= 0)
        return rc;
    for (int i = a->next; i < argc; i++)
        if (!*argv[i])
            nargs = -1; /* an empty PACK, LANG or FILE */
    if (argc - a->next == nargs)
        return -1;
    fputs(help, stderr);
    return 2;
}

char *po_read_pack(const char *cmd, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        fprintf(stderr, "kiosk-staff %s: %s: %s\n", cmd, path,
                buf ? "cannot read" : strerror(errno ? errno : ENOMEM));
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

bool po_pack_valid(const char *cmd, const char *json, size_t len, const char *name,
                   const char *lead)
{
    content_t *c = NULL;
    content_error_t err;
    if (content_load(json, len, name, &c, &err) == 0) {
        content_free(c);
        return true;
    }
    char msg[1024];
    content_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "kiosk-staff %s: %s%s\n", cmd, lead, msg);
    return false;
}

/* Members that hold a text residents read (the loader's localizable strings). */
static bool text_member(const char *name)
{
    static const char *const names[] = {
        "title", "description",        "completedText",      "text",      "detail",
        "place", "minRateDescription", "maxRateDescription", "labelTrue", "labelFalse",
        NULL,
    };
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* Whether code is one of the pack's languages. */
static bool pack_language(const cJSON *root, const char *code)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(root, "languages"))
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(l, "code");
        if (cJSON_IsString(c) && content_lang_same(c->valuestring, code))
            return true;
    }
    return false;
}

po_text_kind_t po_text_kind(const char *path, const cJSON *root, const char *lang, size_t *ctx_len)
{
    const cJSON *dl = cJSON_GetObjectItemCaseSensitive(root, "defaultLanguage");
    const char *default_lang = cJSON_IsString(dl) ? dl->valuestring : "";
    /* Not texts to translate: the languages' own names, settings, recorded prompts' files. */
    static const char *const skip[] = {"$.languages", "$.settings", "$.audio", NULL};
    for (size_t i = 0; skip[i]; i++) {
        size_t n = strlen(skip[i]);
        if (strncmp(path, skip[i], n) == 0 && (path[n] == '.' || path[n] == '['))
            return PO_TEXT_NONE;
    }
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '['))
        return PO_TEXT_NONE;
    const char *last = dot + 1;
    *ctx_len = (size_t)(dot - path);
    if (strcmp(last, "default") == 0 || content_lang_same(last, default_lang))
        return PO_TEXT_SOURCE;
    if (content_lang_same(last, lang))
        return PO_TEXT_TRANSLATION;
    if (pack_language(root, last))
        return PO_TEXT_NONE; /* another language's */
    /* A plain string: an interface string, or a text of a one-language pack. */
    *ctx_len = strlen(path);
    if (strncmp(path, "$.strings.", 10) == 0 && !strchr(path + 10, '['))
        return PO_TEXT_SOURCE;
    return text_member(last) ? PO_TEXT_SOURCE : PO_TEXT_NONE;
}

/* The member of object o whose name is the longest prefix of p ending where a step ends:
 * interface string keys have dots in them ("$.strings.home.title"). */
static cJSON *member_at(cJSON *o, const char *p, size_t *used)
{
    cJSON *best = NULL;
    size_t best_len = 0;
    for (cJSON *m = o->child; m; m = m->next) {
        size_t n = strlen(m->string);
        if (n > best_len && strncmp(p, m->string, n) == 0 &&
            (p[n] == '\0' || p[n] == '.' || p[n] == '[')) {
            best = m;
            best_len = n;
        }
    }
    *used = best_len;
    return best;
}

cJSON *po_node_at(cJSON *root, const char *path, cJSON **parent)
{
    cJSON *n = path[0] == '$' ? root : NULL;
    const char *p = path + 1;
    *parent = NULL;
    while (*p && n) {
        *parent = n;
        if (*p == '.' && cJSON_IsObject(n)) {
            size_t used = 0;
            n = member_at(n, p + 1, &used);
            p += 1 + used;
        } else if (*p == '[' && cJSON_IsArray(n)) {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || i < 0 || i > 1000000)
                return NULL;
            n = cJSON_GetArrayItem(n, (int)i);
            p = end + 1;
        } else {
            return NULL;
        }
    }
    return n;
}

void po_file_release(po_file_t f)
{
    po_message_iterator_t it = po_message_iterator(f, NULL);
    for (po_message_t m; (m = po_next_message(it)) != NULL;)
        po_message_set_msgctxt(m, NULL); /* frees it: po_file_free() would not */
    po_message_iterator_free(it);
    po_file_free(f);
}

/* Errors libgettextpo reported through po_handler since the last po_read_errors(). */
static int po_errors;

/* libgettextpo's handler: the PO file, line, column and the problem, on stderr. A plain error
 * returns, so that the parser goes on and every error of the file is listed (the caller asks
 * po_read_errors() afterwards and stops before writing anything); a fatal one must not return
 * (libgettextpo's contract): status 1. */
static void xerror(int severity, po_message_t message, const char *filename, size_t lineno,
                   size_t column, int multiline_p, const char *text)
{
    (void)message, (void)multiline_p;
    if (filename && lineno != (size_t)-1 && column != (size_t)-1)
        fprintf(stderr, "kiosk-staff: %s:%zu:%zu: %s\n", filename, lineno, column, text);
    else if (filename && lineno != (size_t)-1)
        fprintf(stderr, "kiosk-staff: %s:%zu: %s\n", filename, lineno, text);
    else if (filename)
        fprintf(stderr, "kiosk-staff: %s: %s\n", filename, text);
    else
        fprintf(stderr, "kiosk-staff: %s\n", text);
    if (severity == PO_SEVERITY_FATAL_ERROR)
        exit(1);
    if (severity == PO_SEVERITY_ERROR)
        po_errors++;
}

static void xerror2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int ml1,
                    const char *t1, po_message_t m2, const char *f2, size_t l2, size_t c2, int ml2,
                    const char *t2)
{
    xerror(PO_SEVERITY_WARNING, m1, f1, l1, c1, ml1, t1);
    xerror(severity, m2, f2, l2, c2, ml2, t2);
}

int po_read_errors(void)
{
    const int n = po_errors;
    po_errors = 0;
    return n;
}

const struct po_xerror_handler po_handler = {.xerror = xerror, .xerror2 = xerror2};
