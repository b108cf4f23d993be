/* The report's charts: horizontal and stacked vertical bars as accessible inline SVG. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "report.h"

/* HTML-escapes text from the data (made clean UTF-8 on one line first). */
void esc(buf_t *out, const char *s)
{
    buf_t clean = {0};
    add_clean(&clean, s, 0, LINES_SPACE);
    for (const char *p = buf_str(&clean); *p; p++) {
        switch (*p) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        case '\'':
            buf_puts(out, "&#39;");
            break;
        default:
            buf_add(out, p, 1);
        }
    }
    out->oom = out->oom || clean.oom;
    buf_free(&clean);
}

/* Width of text in pixels at font size px, roughly: wide (CJK) characters count one em. */
static double text_width(const char *s, double px)
{
    double w = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n) {
        uint32_t cp;
        size_t len = utf8_decode((const char *)p, n, &cp);
        if (!len)
            len = 1, cp = '?';
        w += cp >= 0x1100 ? 1.0 : (cp >= 'A' && cp <= 'Z') || cp == 'W' || cp == 'M' ? 0.66 : 0.56;
        p += len;
        n -= len;
    }
    return w * px;
}

/* A label for a chart: at most max_cp code points, "…" when cut. */
void short_label(buf_t *out, const char *s, size_t max_cp)
{
    buf_t b = {0};
    if (add_clean(&b, s, max_cp, LINES_SPACE))
        buf_puts(&b, "\xe2\x80\xa6");
    buf_puts(out, buf_str(&b));
    out->oom = out->oom || b.oom;
    buf_free(&b);
}

/* A step of 1, 2 or 5 times a power of ten giving about five grid lines up to max. */
static int64_t nice_step(int64_t max)
{
    int64_t step = 1;
    for (;;) {
        for (int k = 0; k < 3; k++) {
            const int64_t s = step * (k == 0 ? 1 : k == 1 ? 2 : 5);
            if (max / s <= 5)
                return s;
        }
        step *= 10;
    }
}

/* Text on a fill: dark or white, whichever contrasts more. */
static const char *ink_on(const char *fill)
{
    unsigned rgb = (unsigned)strtoul(fill + 1, NULL, 16);
    const double r = (double)((rgb >> 16) & 0xff), g = (double)((rgb >> 8) & 0xff),
                 b = (double)(rgb & 0xff);
    return 0.299 * r + 0.587 * g + 0.114 * b < 150 ? "#ffffff" : INK;
}

/* Opens an SVG with its accessible name and description (HTML-escaped here). */
static void svg_open(doc_t *d, int height, const char *title, const char *desc)
{
    const int id = d->next_id++;
    buf_printf(d->out,
               "<svg viewBox=\"0 0 %d %d\" role=\"img\""
               " aria-labelledby=\"c%d-t c%d-d\" font-size=\"13\" fill=\"" INK "\">\n"
               "<title id=\"c%d-t\">",
               SVG_W, height, id, id, id);
    esc(d->out, title);
    buf_printf(d->out, "</title>\n<desc id=\"c%d-d\">", id);
    esc(d->out, desc);
    buf_puts(d->out, "</desc>\n");
}

void no_data(doc_t *d, const char *what)
{
    buf_puts(d->out, "<p class=\"empty\">");
    esc(d->out, what);
    buf_puts(d->out, "</p>\n");
}

/* Horizontal bars with their label on the left and the count (and share of base, or of the
 * sum of the rows when base is 0) on the right. */
void hbar_chart(doc_t *d, const char *heading, const char *title, const hbar_t *rows, size_t n,
                int64_t base, const char *empty)
{
    buf_printf(d->out, "<figure>\n<h3>");
    esc(d->out, heading);
    buf_puts(d->out, "</h3>\n");
    int64_t max = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        max = rows[i].value > max ? rows[i].value : max;
        total += rows[i].value;
    }
    if (n == 0 || max == 0) {
        no_data(d, empty);
        buf_puts(d->out, "</figure>\n");
        return;
    }
    double label_w = 60;
    buf_t lab = {0};
    for (size_t i = 0; i < n; i++) {
        buf_reset(&lab);
        short_label(&lab, rows[i].label, 36);
        const double w = text_width(buf_str(&lab), 13);
        label_w = w > label_w ? w : label_w;
    }
    label_w = (label_w > 330 ? 330 : label_w) + 16;
    if (!base)
        base = total;
    /* Room on the right for the longest "count (share) · extra". */
    double right = 0;
    for (size_t i = 0; i < n; i++) {
        char count[64];
        snprintf(count, sizeof count, "%lld (100%%) \xc2\xb7 ", (long long)rows[i].value);
        const double w = text_width(count, 13) + text_width(rows[i].extra, 13);
        right = w > right ? w : right;
    }
    right += 16;
    const double row_h = 30, top = 8;
    const double bar_max = SVG_W - label_w - right;
    const int height = (int)(top * 2 + row_h * (double)n);
    buf_t desc = {0};
    buf_printf(&desc, "%lld in all. ", (long long)total);
    for (size_t i = 0; i < n && i < 12; i++) {
        buf_puts(&desc, rows[i].label);
        buf_printf(&desc, ": %lld%s", (long long)rows[i].value, i + 1 < n && i < 11 ? "; " : ".");
    }
    if (n > 12)
        buf_printf(&desc, " And %zu more.", n - 12);
    svg_open(d, height, title, buf_str(&desc));
    buf_free(&desc);
    for (size_t i = 0; i < n; i++) {
        const double y = top + row_h * (double)i;
        const double w = bar_max * (double)rows[i].value / (double)max;
        buf_reset(&lab);
        short_label(&lab, rows[i].label, 36);
        buf_printf(d->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 10,
                   y + 19);
        esc(d->out, buf_str(&lab));
        buf_printf(d->out,
                   "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"" BAR
                   "\"><title>",
                   label_w, y + 5, w < 1 ? 1 : w);
        esc(d->out, rows[i].label);
        buf_printf(d->out, ": %lld</title></rect>\n", (long long)rows[i].value);
        buf_printf(d->out, "<text x=\"%.1f\" y=\"%.1f\">%lld (%.0f%%)", label_w + w + 6, y + 19,
                   (long long)rows[i].value, 100.0 * (double)rows[i].value / (double)base);
        if (rows[i].extra[0]) {
            buf_puts(d->out, " <tspan fill=\"" INK_SOFT "\">· ");
            esc(d->out, rows[i].extra);
            buf_puts(d->out, "</tspan>");
        }
        buf_puts(d->out, "</text>\n");
    }
    buf_free(&lab);
    buf_puts(d->out, "</svg>\n</figure>\n");
}

/* hbar_chart() of a tally, sorted by count (or kept in the tally's order). */
void tally_chart(doc_t *d, const char *heading, const char *title, tally_t *t, bool sort,
                 int64_t base, const char *empty)
{
    if (sort && t->len)
        sort_buckets(t->b, t->len, by_count_desc);
    t->last = 0;
    hbar_t *rows = calloc(t->len ? t->len : 1, sizeof *rows);
    if (!rows) {
        d->out->oom = true;
        return;
    }
    for (size_t i = 0; i < t->len; i++) {
        rows[i].label = t->b[i].key;
        rows[i].value = t->b[i].total;
        if (t->b[i].sum_n)
            snprintf(rows[i].extra, sizeof rows[i].extra, "average rating %.1f",
                     t->b[i].sum / (double)t->b[i].sum_n);
    }
    hbar_chart(d, heading, title, rows, t->len, base, empty);
    free(rows);
}

/* A vertical chart's measures: the highest column, the scale, and where the plot goes. */
typedef struct {
    int64_t max, total, step, ymax;
    size_t best; /* the highest column */
    bool legend; /* several series: a legend, and counts on the segments */
    bool totals; /* columns wide enough for their total above them */
    double left, top, plot_w, plot_h, slot, bar_w;
} vgeom_t;

/* The columns' sums: false when there is nothing to draw. */
static bool vbar_measure(const vchart_t *c, vgeom_t *g)
{
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < c->ncat; i++) {
        int64_t sum = 0;
        for (size_t s = 0; s < c->nser; s++)
            sum += c->v[i * c->nser + s];
        if (sum > g->max) {
            g->max = sum;
            g->best = i;
        }
        g->total += sum;
    }
    if (c->ncat == 0 || g->max == 0)
        return false;
    g->legend = c->nser > 1;
    g->left = 56;
    g->top = g->legend ? 44 : 20;
    g->plot_h = g->legend ? 240 : 170;
    g->plot_w = SVG_W - g->left - 16;
    g->step = nice_step(g->max);
    g->ymax = (g->max + g->step - 1) / g->step * g->step;
    g->slot = g->plot_w / (double)c->ncat;
    g->bar_w = g->slot * 0.72 > 48 ? 48 : g->slot * 0.72;
    g->totals = g->slot >= 26;
    return true;
}

/* Opens the SVG with a description that reads out the chart's figures. */
static void vbar_open(doc_t *d, const vchart_t *c, const vgeom_t *g)
{
    buf_t desc = {0};
    buf_printf(&desc, "%lld %s in %zu columns, from %s to %s. Highest: %s with %lld.",
               (long long)g->total, c->what, c->ncat, c->cats[0], c->cats[c->ncat - 1],
               c->cats[g->best], (long long)g->max);
    if (g->legend) {
        buf_puts(&desc, " Stacked from the bottom:");
        for (size_t s = 0; s < c->nser; s++) {
            int64_t sum = 0;
            for (size_t i = 0; i < c->ncat; i++)
                sum += c->v[i * c->nser + s];
            buf_printf(&desc, " %s %lld%s", c->ser_names[s], (long long)sum,
                       s + 1 < c->nser ? "," : ".");
        }
    }
    svg_open(d, (int)(g->top + g->plot_h + 40), c->title, buf_str(&desc));
    buf_free(&desc);
}

/* The legend (several series only), the grid lines and the y axis's counts. */
static void vbar_axes(doc_t *d, const vchart_t *c, const vgeom_t *g)
{
    double x = g->left;
    for (size_t s = 0; g->legend && s < c->nser; s++) {
        buf_printf(d->out,
                   "<rect x=\"%.1f\" y=\"8\" width=\"16\" height=\"16\" fill=\"%s\"/>"
                   "<text x=\"%.1f\" y=\"21\">",
                   x, c->colors[s], x + 22);
        esc(d->out, c->ser_names[s]);
        buf_puts(d->out, "</text>\n");
        x += 22 + text_width(c->ser_names[s], 13) + 22;
    }
    for (int64_t yv = 0; yv <= g->ymax; yv += g->step) {
        const double y = g->top + g->plot_h - g->plot_h * (double)yv / (double)g->ymax;
        buf_printf(
            d->out,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID "\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\" fill=\"" INK_SOFT
            "\">%lld</text>\n",
            g->left, g->left + g->plot_w, y, y, g->left - 6, y + 4, (long long)yv);
    }
}

/* Column i: its segments from the bottom, its total, and its label when labelled. */
static void vbar_column(doc_t *d, const vchart_t *c, const vgeom_t *g, size_t i, bool labelled)
{
    const double cx = g->left + g->slot * ((double)i + 0.5);
    double y = g->top + g->plot_h;
    int64_t sum = 0;
    for (size_t s = 0; s < c->nser; s++) {
        const int64_t v = c->v[i * c->nser + s];
        if (!v)
            continue;
        sum += v;
        const double h = g->plot_h * (double)v / (double)g->ymax;
        y -= h;
        buf_printf(d->out,
                   "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\""
                   " stroke=\"#ffffff\" stroke-width=\"0.75\"><title>",
                   cx - g->bar_w / 2, y, g->bar_w, h, c->colors[s]);
        esc(d->out, c->cats[i]);
        if (g->legend) {
            buf_puts(d->out, ", ");
            esc(d->out, c->ser_names[s]);
        }
        buf_printf(d->out, ": %lld</title></rect>\n", (long long)v);
        if (g->legend && h >= 15 && g->bar_w >= 22)
            buf_printf(d->out,
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\""
                       " fill=\"%s\">%lld</text>\n",
                       cx, y + h / 2 + 4, ink_on(c->colors[s]), (long long)v);
    }
    if (g->totals && sum)
        buf_printf(d->out,
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\""
                   " font-weight=\"bold\">%lld</text>\n",
                   cx, y - 4, (long long)sum);
    if (labelled) {
        buf_printf(d->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">",
                   cx, g->top + g->plot_h + 18);
        esc(d->out, c->cats[i]);
        buf_puts(d->out, "</text>\n");
    }
}

void vbar_chart(doc_t *d, const vchart_t *c, const char *empty)
{
    buf_printf(d->out, "<figure>\n<h3>");
    esc(d->out, c->heading);
    buf_puts(d->out, "</h3>\n");
    vgeom_t g;
    if (!vbar_measure(c, &g)) {
        no_data(d, empty);
        buf_puts(d->out, "</figure>\n");
        return;
    }
    vbar_open(d, c, &g);
    vbar_axes(d, c, &g);
    /* Category labels: as many as fit side by side. */
    double label_w = 0;
    for (size_t i = 0; i < c->ncat; i++) {
        const double w = text_width(c->cats[i], 12);
        label_w = w > label_w ? w : label_w;
    }
    const size_t every = (size_t)((label_w + 8) / g.slot) + 1;
    for (size_t i = 0; i < c->ncat; i++)
        vbar_column(d, c, &g, i, i % every == 0);
    buf_printf(d->out,
               "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\"/>\n",
               g.left, g.left + g.plot_w, g.top + g.plot_h, g.top + g.plot_h);
    buf_puts(d->out, "</svg>\n");
    if (!g.totals) {
        buf_printf(d->out, "<p class=\"note\">Highest: %s with %lld. ", c->cats[g.best],
                   (long long)g.max);
        buf_puts(d->out, "Hover over a bar (or read the description) for its numbers.</p>\n");
    }
    buf_puts(d->out, "</figure>\n");
}
