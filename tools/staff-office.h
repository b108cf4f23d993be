/* The staff tool's office commands over an archive database (store/archive.h): find, csv,
 * open311 and report, one file each under tools/office/. Each takes argc/argv like a main
 * (argv[0] is the command's name, e.g. "csv"; call each as cmd(argc - 1, argv + 1)), answers
 * --help on stdout, writes errors naming the file and the reason on stderr, and returns the
 * exit status: 0 done, 1 failed (for find: also "no such code"), 2 bad usage.
 *
 * The archive must exist (these commands never create one). Outputs given with --out are
 * written under a temporary name in the same directory and renamed when complete, so a
 * failed run leaves no half file; the CSV and Open311 files hold phone numbers and are made
 * mode 0600, the report (counts only) 0644. Text from the data is made valid UTF-8 (invalid
 * bytes become U+FFFD) and control characters are dropped before it reaches a terminal, a
 * JSON string or HTML. No function here returns or keeps a pointer. */
#ifndef KIOSK_STAFF_OFFICE_H
#define KIOSK_STAFF_OFFICE_H

#include <stdio.h>

/* find --archive FILE CODE: prints the service requests with reference code CODE. */
int office_find(int argc, char **argv);

/* csv --archive FILE [--out FILE] [--kind KIND]: the records as CSV (UTF-8 with BOM). */
int office_csv(int argc, char **argv);

/* open311 --archive FILE [--out FILE]: the service requests as Open311 GeoReport v2 JSON. */
int office_open311(int argc, char **argv);

/* report --archive FILE --out FILE.html [--title TEXT]: one self-contained HTML report. */
int office_report(int argc, char **argv);

/* import-surveyjs SURVEY.json --pack PACK.json --id ID [--kind KIND] --out NEW.json: the
 * survey made a journey of the pack (surveyjs.c); what it cannot convert listed on stdout. */
int office_import_surveyjs(int argc, char **argv);
/* check-pack FILE: checks a content pack (every error and warning with its line, column and
 * JSON path, then what the pack holds); 0 no error, 1 an error. */
int office_check_pack(int argc, char **argv);

/* The office commands' lines for the staff tool's usage text. */
void office_usage(FILE *out);

#endif
