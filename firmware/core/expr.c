/* visibleIf expressions: a small SurveyJS subset, "{q} = 'v'" comparisons joined by and/or,
 * parsed once at load time and evaluated against a session's answers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/content.h"
#include "core/expr_parse.h"
#include "core/json_num.h"

typedef enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_EMPTY, OP_NOTEMPTY } op_t;
typedef enum { LIT_NONE, LIT_STRING, LIT_NUMBER, LIT_BOOL } lit_kind_t;

typedef struct {
    size_t q; /* question index */
    op_t op;
    lit_kind_t lit;
    const char *s;  /* LIT_STRING */
    double num;     /* LIT_NUMBER */
    bool b;         /* LIT_BOOL */
    bool or_before; /* this term starts a new "or" alternative */
} term_t;

struct expr {
    size_t n;
    term_t t[];
};

#define EXPR_MAX_TERMS 16

static bool compare_text(const term_t *t, const char *value);

typedef struct {
    const char *p;
    char *why;
    size_t whylen;
} cursor_t;

static void skip_ws(cursor_t *c)
{
    while (*c->p == ' ' || *c->p == '\t')
        c->p++;
}

static bool word(cursor_t *c, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(c->p, w, n) == 0 && !isalnum((unsigned char)c->p[n]) && c->p[n] != '_') {
        c->p += n;
        return true;
    }
    return false;
}

/* Records why parsing stopped: what was expected, and where ("" when at the end). */
static const expr_t *bad(cursor_t *c, const char *what, const char *where)
{
    snprintf(c->why, c->whylen, "%s%s%s%s", what, where ? " at \"" : "", where ? where : "",
             where ? "\"" : "");
    return NULL;
}

/* bad() for the parts of the parser that answer true or false. */
static bool refuse(cursor_t *c, const char *what, const char *where)
{
    bad(c, what, where);
    return false;
}

/* "{name}" naming one of the nq earlier questions: its index in t->q. */
static bool parse_question(cursor_t *c, const char *src, const question_t *qs, size_t nq, term_t *t)
{
    if (*c->p != '{')
        return refuse(c, "expected '{question}'", c->p);
    const char *name = ++c->p;
    while (*c->p && *c->p != '}')
        c->p++;
    if (*c->p != '}')
        return refuse(c, "unclosed '{'", src);
    size_t nlen = (size_t)(c->p - name);
    c->p++;
    size_t qi;
    for (qi = 0; qi < nq; qi++)
        if (strlen(qs[qi].name) == nlen && strncmp(qs[qi].name, name, nlen) == 0)
            break;
    if (qi == nq) {
        snprintf(c->why, c->whylen, "visibleIf names '%.*s', which is no earlier question",
                 (int)(nlen < 63 ? nlen : 63), name);
        return false;
    }
    t->q = qi;
    return true;
}

/* A comparison operator (=, ==, !=, <>, <, <=, >, >=). */
static bool parse_operator(cursor_t *c, term_t *t)
{
    static const struct {
        const char *text;
        op_t op;
    } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<>", OP_NE}, {"<=", OP_LE},
               {">=", OP_GE}, {"=", OP_EQ},  {"<", OP_LT},  {">", OP_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(c->p, ops[i].text, n) == 0) {
            t->op = ops[i].op;
            c->p += n;
            return true;
        }
    }
    return refuse(c, "expected an operator (=, !=, <, <=, >, >=, empty, notempty)", c->p);
}

/* The value compared with: 'text' or "text" (copied to str, 64 bytes), true, false or a
 * number. */
static bool parse_literal(cursor_t *c, const char *src, term_t *t, char str[64])
{
    if (*c->p == '\'' || *c->p == '"') {
        char quote = *c->p++;
        const char *s = c->p;
        while (*c->p && *c->p != quote)
            c->p++;
        if (*c->p != quote)
            return refuse(c, "unterminated string", src);
        size_t slen = (size_t)(c->p - s);
        if (slen >= 64)
            return refuse(c, "string longer than 63 bytes", src);
        memcpy(str, s, slen);
        str[slen] = '\0';
        c->p++;
        t->lit = LIT_STRING;
    } else if (word(c, "true")) {
        t->lit = LIT_BOOL;
        t->b = true;
    } else if (word(c, "false")) {
        t->lit = LIT_BOOL;
        t->b = false;
    } else {
        char *end;
        (void)strtod(c->p, &end); /* what the C library would take: "nan", "inf", "0x1p3" */
        size_t n = json_num_decimal(c->p, &t->num);
        if (end > c->p + n) {
            snprintf(c->why, c->whylen, "'%.*s' is not a number a question can have",
                     (int)(end - c->p < 32 ? end - c->p : 32), c->p);
            return false;
        }
        if (!n)
            return refuse(c, "expected a value ('text', a number, true or false)", c->p);
        c->p += n;
        t->lit = LIT_NUMBER;
    }
    return true;
}

/* The values q can have, joined into out ("SIGNUP, INFO"), cut with "..." when long. */
static void list_values(const question_t *q, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    if (q->type == Q_BOOLEAN) {
        snprintf(out, len, "true, false");
        return;
    }
    for (size_t i = 0; i < q->nchoices; i++) {
        const char *v = q->choices[i].value;
        if (o + strlen(v) + 7 > len) {
            snprintf(out + o, len - o, "%s...", i ? " " : "");
            return;
        }
        o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ", " : "", v);
    }
}

/* "{q} = value" and "{q} != value" must name a value q can have: the code of one of its
 * choices (from a catalog too), true or false for a boolean; a typo ('SIGN_UP' for 'SIGNUP')
 * would otherwise hide or show a question for ever. Text answers can hold anything, and
 * orderings (<, >=) compare with any number. */
static bool check_value(cursor_t *c, const question_t *qs, const term_t *t, const char *str)
{
    const question_t *q = &qs[t->q];
    if ((t->op != OP_EQ && t->op != OP_NE) || q->type == Q_TEXT || q->type == Q_COMMENT)
        return true;
    term_t eq = *t;
    eq.op = OP_EQ;
    eq.s = str;
    if (q->type == Q_BOOLEAN && (compare_text(&eq, "true") || compare_text(&eq, "false")))
        return true;
    for (size_t i = 0; q->type != Q_BOOLEAN && i < q->nchoices; i++)
        if (compare_text(&eq, q->choices[i].value))
            return true;
    char lit[80], values[96];
    if (t->lit == LIT_STRING)
        snprintf(lit, sizeof lit, "'%.63s'", str);
    else if (t->lit == LIT_NUMBER)
        snprintf(lit, sizeof lit, "%g", t->num);
    else
        snprintf(lit, sizeof lit, "%s", t->b ? "true" : "false");
    list_values(q, values, sizeof values);
    snprintf(c->why, c->whylen,
             "visibleIf compares {%s} with %s, which no choice of '%s' has (its values: %s)",
             q->name, lit, q->name, values);
    return false;
}

/* One condition: "{q} empty", "{q} notempty" or "{q} <op> <value>". */
static bool parse_term(cursor_t *c, const char *src, const question_t *qs, size_t nq, term_t *t,
                       char str[64])
{
    if (!parse_question(c, src, qs, nq, t))
        return false;
    skip_ws(c);
    if (word(c, "notempty")) {
        t->op = OP_NOTEMPTY;
        return true;
    }
    if (word(c, "empty")) {
        t->op = OP_EMPTY;
        return true;
    }
    if (!parse_operator(c, t))
        return false;
    skip_ws(c);
    return parse_literal(c, src, t, str) && check_value(c, qs, t, str);
}

/* The terms in the arena, their strings with them; NULL when out of memory. */
static const expr_t *copy_to_arena(cursor_t *c, const expr_arena_t *a, const term_t *terms,
                                   char strbuf[][64], size_t n)
{
    expr_t *e = a->alloc(a->ctx, sizeof *e + n * sizeof e->t[0]);
    if (!e)
        return bad(c, "out of memory", NULL);
    e->n = n;
    for (size_t i = 0; i < n; i++) {
        e->t[i] = terms[i];
        if (terms[i].lit == LIT_STRING) {
            size_t len = strlen(strbuf[i]) + 1;
            char *s = a->alloc(a->ctx, len);
            if (!s)
                return bad(c, "out of memory", NULL);
            memcpy(s, strbuf[i], len);
            e->t[i].s = s;
        }
    }
    return e;
}

const expr_t *expr_parse(const char *src, const question_t *qs, size_t nq, const expr_arena_t *a,
                         char *why, size_t whylen)
{
    cursor_t c = {src, why, whylen};
    term_t terms[EXPR_MAX_TERMS];
    size_t n = 0;
    char strbuf[EXPR_MAX_TERMS][64];
    bool or_next = false;
    for (;;) {
        skip_ws(&c);
        if (n == EXPR_MAX_TERMS)
            return bad(&c, "more than 16 conditions", NULL);
        term_t *t = &terms[n];
        memset(t, 0, sizeof *t);
        t->or_before = or_next;
        if (!parse_term(&c, src, qs, nq, t, strbuf[n]))
            return NULL;
        n++;
        skip_ws(&c);
        if (!*c.p)
            break;
        if (word(&c, "and") || strncmp(c.p, "&&", 2) == 0) {
            if (c.p[0] == '&')
                c.p += 2;
            or_next = false;
        } else if (word(&c, "or") || strncmp(c.p, "||", 2) == 0) {
            if (c.p[0] == '|')
                c.p += 2;
            or_next = true;
        } else {
            return bad(&c, "expected 'and' or 'or'", c.p);
        }
    }
    return copy_to_arena(&c, a, terms, strbuf, n);
}

const question_t *expr_consent_question(const expr_t *e, const question_t *qs)
{
    if (!e || e->n != 1 || e->t[0].op != OP_EQ || e->t[0].lit != LIT_BOOL || !e->t[0].b)
        return NULL;
    return &qs[e->t[0].q];
}

static int cmp_num(double a, double b)
{
    return a < b ? -1 : a > b;
}

static bool apply(op_t op, int cmp)
{
    switch (op) {
    case OP_EQ:
        return cmp == 0;
    case OP_NE:
        return cmp != 0;
    case OP_LT:
        return cmp < 0;
    case OP_LE:
        return cmp <= 0;
    case OP_GT:
        return cmp > 0;
    case OP_GE:
        return cmp >= 0;
    default:
        return false;
    }
}

/* Compares a code or text with the literal: numerically when both are numbers. */
static bool compare_text(const term_t *t, const char *value)
{
    if (t->lit == LIT_NUMBER) {
        char *end;
        double v = strtod(value, &end);
        if (end == value || *end)
            return t->op == OP_NE;
        return apply(t->op, cmp_num(v, t->num));
    }
    if (t->lit == LIT_BOOL)
        return apply(t->op, strcmp(value, t->b ? "true" : "false"));
    return apply(t->op, strcmp(value, t->s));
}

static bool eval_term(const term_t *t, const question_t *qs, const answer_t *answers)
{
    const question_t *q = &qs[t->q];
    const answer_t *a = &answers[t->q];
    bool empty = !a->set || (q->type == Q_CHECKBOX && a->multi == 0) ||
                 ((q->type == Q_TEXT || q->type == Q_COMMENT) && (!a->text || !a->text[0]));
    if (t->op == OP_EMPTY)
        return empty;
    if (t->op == OP_NOTEMPTY)
        return !empty;
    if (empty)
        return t->op == OP_NE;
    switch (q->type) {
    case Q_BOOLEAN:
        if (t->lit == LIT_BOOL)
            return apply(t->op, a->yes == t->b ? 0 : 1);
        return compare_text(t, a->yes ? "true" : "false");
    case Q_RATING:
        if (t->lit == LIT_NUMBER)
            return apply(t->op, cmp_num((double)q->choices[a->choice].number, t->num));
        return compare_text(t, q->choices[a->choice].value);
    case Q_RADIOGROUP:
        return compare_text(t, q->choices[a->choice].value);
    case Q_CHECKBOX: {
        /* SurveyJS compares arrays; on a kiosk "{q} = 'v'" reads as "v is among the ticks". */
        bool has = false;
        for (size_t i = 0; i < q->nchoices && !has; i++)
            if (a->multi & (UINT64_C(1) << i)) {
                term_t eq = *t;
                eq.op = OP_EQ;
                has = compare_text(&eq, q->choices[i].value);
            }
        return t->op == OP_NE ? !has : t->op == OP_EQ ? has : false;
    }
    case Q_TEXT:
    case Q_COMMENT:
        return compare_text(t, a->text);
    }
    return false;
}

bool expr_eval(const expr_t *e, const question_t *qs, const answer_t *answers)
{
    if (!e)
        return true;
    bool any = false, all = true;
    for (size_t i = 0; i < e->n; i++) {
        if (e->t[i].or_before) {
            any = any || all;
            all = true;
        }
        all = all && eval_term(&e->t[i], qs, answers);
    }
    return any || all;
}

bool expr_names_from(const expr_t *e, size_t first)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (e->t[i].q >= first)
            return true;
    return false;
}
