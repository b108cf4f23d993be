/* kiosk-staff report: one self-contained HTML file of counts and charts over the archive. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "staff-office.h"

static const char report_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#fff;color:" INK ";line-height:1.45;"
    "font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",\"PingFang SC\",sans-serif}"
    "main{max-width:1010px;margin:0 auto;padding:24px}"
    "h1{font-size:1.9rem;margin:0 0 .2rem}"
    "h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-bottom:.2rem;border-bottom:3px solid "
    "#1f4e79;color:#1f4e79}"
    "h3{font-size:1.05rem;margin:1.2rem 0 .3rem}"
    "h3.survey{font-size:1.15rem;margin-top:1.6rem}"
    "p{margin:.4rem 0}.note,.meta{color:" INK_SOFT "}.empty{font-style:italic;color:" INK_SOFT "}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;"
    "margin:1rem 0}"
    ".card{border:1px solid #b9c6d3;border-left:6px solid #1f4e79;border-radius:4px;padding:8px "
    "12px}"
    ".card b{display:block;font-size:1.7rem}"
    "figure{margin:0 0 1.2rem;break-inside:avoid}"
    "svg{display:block;width:100%;height:auto;max-width:960px}"
    "table{border-collapse:collapse;margin:.5rem 0}"
    "th,td{border:1px solid #b9c6d3;padding:4px 10px;text-align:left}"
    "th{background:#eef3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "code{font-size:.95em}"
    "@media print{main{max-width:none;padding:0}h2{break-after:avoid}"
    "section,.cards,table{break-inside:avoid-page}}";

static void card(buf_t *o, int64_t n, const char *what)
{
    buf_printf(o, "<div class=\"card\"><b>%lld</b>%s</div>\n", (long long)n, what);
}

static void local_time_text(int64_t lms, char out[32])
{
    char iso[ISO8601_LEN];
    iso8601_format(lms, 0, iso);
    snprintf(out, 32, "%.10s %.5s", iso, iso + 11);
}

static void write_report(buf_t *o, report_t *r, const char *title, const char *archive_path)
{
    doc_t d = {o, 1};
    buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    esc(o, title);
    buf_printf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>", report_css);
    esc(o, title);
    buf_puts(o, "</h1>\n");

    char from[16] = "", to[16] = "", now[ISO8601_LEN];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    iso8601_format((int64_t)ts.tv_sec * 1000, 0, now);
    if (r->any) {
        day_text(r->first_day, from);
        day_text(r->last_day, to);
    }
    const char *base = strrchr(archive_path, '/');
    buf_puts(o, "<p class=\"meta\">");
    if (r->any)
        buf_printf(o,
                   "Period covered: <strong>%s</strong> to <strong>%s</strong> (the kiosks' "
                   "local dates). ",
                   from, to);
    buf_printf(o, "Kiosks included: <strong>%zu</strong>. Made %.10s %.5s UTC from ", r->kiosks.len,
               now, now + 11);
    esc(o, base ? base + 1 : archive_path);
    buf_puts(o, ".</p>\n");

    buf_puts(o, "<div class=\"cards\">\n");
    card(o, r->total, "records in all");
    card(o, r->per_kind[RECORD_QUICK_RATING], "quick ratings");
    card(o, r->per_kind[RECORD_FEEDBACK], "feedback messages");
    card(o, r->per_kind[RECORD_SERVICE_REQUEST], "service requests");
    card(o, r->per_kind[RECORD_QUESTIONNAIRE], "questionnaires answered");
    card(o, r->per_kind[RECORD_ACTIVITY], "activity sign-ups and interest");
    card(o, r->quick_misuse, "presses flagged as misuse");
    card(o, r->unsynced, "records with an unsynchronised clock");
    buf_puts(o, "</div>\n");

    if (!r->any) {
        no_data(&d, "The archive holds no records yet: import a stick first.");
        buf_puts(o, "</main>\n</body>\n</html>\n");
        return;
    }
    sort_buckets(r->kiosks.b, r->kiosks.len, by_key);
    r->kiosks.last = 0;
    buf_puts(o, "<h2>Kiosks</h2>\n<table>\n<thead><tr><th scope=\"col\">Kiosk</th>"
                "<th scope=\"col\">Records</th><th scope=\"col\">First record</th>"
                "<th scope=\"col\">Last record</th><th scope=\"col\">Unsynchronised clock</th>"
                "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->kiosks.len; i++) {
        const bucket_t *k = &r->kiosks.b[i];
        char first[32], last[32];
        local_time_text(k->first_ms, first);
        local_time_text(k->last_ms, last);
        buf_puts(o, "<tr><th scope=\"row\">");
        esc(o, k->key);
        buf_printf(o,
                   "</th><td class=\"n\">%lld</td><td>%s</td><td>%s</td><td class=\"n\">%lld</td>"
                   "</tr>\n",
                   (long long)k->n[0], first, last, (long long)k->n[1]);
    }
    buf_puts(o, "</tbody>\n</table>\n");

    section_quick(&d, r);
    buf_puts(o, "<section>\n<h2>Feedback and suggestions</h2>\n");
    tally_chart(&d, "Topics", "Feedback by topic, with the average rating given", &r->topics, true,
                0, "No feedback in this period.");
    buf_puts(o, "</section>\n");
    section_requests(&d, r);
    section_surveys(&d, r);
    section_activities(&d, r);
    buf_puts(o, "<section>\n<h2>Languages</h2>\n");
    tally_chart(&d, "Language used, all records", "Records by the language the resident used",
                &r->langs, true, 0, "No records.");
    buf_puts(o, "</section>\n");
    section_quality(&d, r);
    buf_puts(o, "<p class=\"note\">Answers are shown as the codes the kiosks store (the content "
                "pack's labels are not in the archive). Times are the kiosks' local times.</p>\n"
                "</main>\n</body>\n</html>\n");
}

static const char report_help[] =
    "Usage: kiosk-staff report --archive FILE --out FILE.html [--title TEXT]\n"
    "Writes one self-contained HTML file (no scripts, no external files; opens in any browser\n"
    "and prints) with charts drawn as SVG: totals, the period and the kiosks; quick ratings by\n"
    "day and by hour; feedback topics; service requests by service, urgency and for whom;\n"
    "questionnaire answers; activities; languages; misuse-flagged presses; records made with an\n"
    "unsynchronised clock. It holds counts only: no names, phone numbers or written answers.\n"
    "  --title TEXT   the report's title (default \"Community kiosk report\")\n"
    "Exit status: 0 done, 1 failed, 2 bad usage.\n";

int office_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"title", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    office_args_t args;
    const int status = office_args(argc, argv, opts, report_help, NULL, &args);
    if (status >= 0)
        return status;
    const char *path = args.archive, *out_path = args.out;
    const char *title = args.own ? args.own : "Community kiosk report";
    if (!path || !out_path || args.next != argc) {
        fputs(report_help, stderr);
        return 2;
    }
    archive_t *a;
    if (open_existing("report", path, &a))
        return 1;
    report_t r = {0};
    buf_t html = {0};
    int ret = 1;
    const int rc = archive_foreach(a, report_count, &r);
    if (r.oom) {
        fprintf(stderr, "kiosk-staff report: out of memory\n");
    } else if (rc != 0) {
        read_failed("report", a, rc);
    } else {
        write_report(&html, &r, title, path);
        out_t out;
        if (html.oom) {
            fprintf(stderr, "kiosk-staff report: out of memory\n");
        } else if (out_open("report", out_path, 0644, &out) == 0) {
            out_put(&out, html.s, html.len);
            ret = out_close("report", &out, true);
            if (ret == 0)
                printf("Wrote the report on %lld records to %s.\n", (long long)r.total, out_path);
        }
    }
    buf_free(&html);
    report_free(&r);
    archive_close(a);
    return ret;
}
