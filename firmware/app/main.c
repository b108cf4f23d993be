/* kiosk: the community feedback kiosk. Parses options, then hands over to app_run(). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/check_pack.h"
#include "system/clock.h"

static void usage(FILE *out)
{
    fputs("Usage: kiosk [OPTION]...\n"
          "Touchscreen kiosk where residents leave feedback, ask for services, answer\n"
          "questionnaires and sign up for activities. Answers are stored in SQLite.\n"
          "\n"
          "      --config FILE       device configuration (JSON: identity, paths, display,\n"
          "                          timings, button pin map; see board/README.md); the\n"
          "                          options below override it\n"
          "  -p, --pack FILE         content pack (JSON); a bad pack falls back to the\n"
          "                          built-in pack with a notice for staff\n"
          "  -d, --db FILE           SQLite database (default: ./kiosk.db)\n"
          "  -l, --lang CODE         start language (default: the pack's default)\n"
          "  -k, --kiosk-id ID       kiosk identity stored in every record (default: dev-kiosk)\n"
          "  -s, --size WxH          panel size in pixels as mounted (default: 800x480)\n"
          "  -f, --fullscreen        use the whole display (its size replaces --size)\n"
          "  -r, --rotate DEG        rotate the picture 0, 90, 180 or 270 degrees clockwise,\n"
          "                          for panels mounted sideways (touch follows)\n"
          "      --headless          no display: render off screen (for tests and demos)\n"
          "      --script FILE       drive the kiosk from a script of taps, keys and waits\n"
          "                          (virtual time; see README); exits at its end\n"
          "      --screenshots DIR   save a BMP of every new screen into DIR\n"
          "      --idle-timeout S    seconds without input before \"are you still there?\"\n"
          "      --idle-countdown S  seconds of that countdown before the session is dropped\n"
          "      --min-free KIB      out of service below this much free space (default 1024)\n"
          "      --font FILE         a font put first for every language (default: none;\n"
          "                          fontconfig picks by language, then by character)\n"
          "      --font-bold FILE    the same for bold text\n"
          "      --input-methods     pinyin and handwriting on text questions (handwriting\n"
          "                          first in Chinese; a switch button offers the others)\n"
          "      --rime-dir DIR      the Rime data compiled with the package (default: the\n"
          "                          installed /usr/share/kiosk/rime, else the build tree's)\n"
          "      --print-records     print the stored records as JSON lines and exit\n"
          "      --check-pack FILE   check a content pack without starting: every error and\n"
          "                          warning as FILE:LINE:COL, then what the pack holds;\n"
          "                          exit status 1 on an error, else 0\n"
          "      --hash-pin          read a staff PIN (4-12 digits) from standard input and\n"
          "                          print its hash for the configuration's staff.pinHash\n"
          "                          (contact details masked)\n"
          "      --stats             print frame-time statistics at exit (tools/bench)\n"
          "      --out-of-order      show only the out-of-order screen until stopped (the\n"
          "                          service's fallback after a crash loop; no database)\n"
          "  -h, --help              show this help\n"
          "  -V, --version           show the version\n"
          "\n"
          "Physical buttons come from the pin map of --config (libgpiod). Desktop keys\n"
          "stand in for them: 1-5 (or F5-F9) quick-rating faces, Tab/arrows move the\n"
          "focus ring, Enter selects, Escape goes back, Home leaves the journey, F1 is\n"
          "help, F2 switches language, F12 is the staff button.\n"
          "\n"
          "Under systemd (Type=notify) the kiosk sends READY=1 once its first frame is drawn\n"
          "and the database is open, pings the watchdog ($WATCHDOG_USEC), and stops cleanly\n"
          "on SIGTERM, SIGINT or SIGHUP (database closed, exit status 0).\n",
          out);
}

enum {
    OPT_HEADLESS = 256,
    OPT_SCRIPT,
    OPT_CONFIG,
    OPT_SHOTS,
    OPT_IDLE,
    OPT_COUNTDOWN,
    OPT_MINFREE,
    OPT_FONT,
    OPT_FONT_BOLD,
    OPT_PRINT,
    OPT_HASH_PIN,
    OPT_STATS,
    OPT_OUT_OF_ORDER,
    OPT_IME,
    OPT_RIME_DIR,
    OPT_CHECK_PACK
};

static const struct option opts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"pack", required_argument, NULL, 'p'},
    {"db", required_argument, NULL, 'd'},
    {"lang", required_argument, NULL, 'l'},
    {"kiosk-id", required_argument, NULL, 'k'},
    {"size", required_argument, NULL, 's'},
    {"fullscreen", no_argument, NULL, 'f'},
    {"rotate", required_argument, NULL, 'r'},
    {"headless", no_argument, NULL, OPT_HEADLESS},
    {"script", required_argument, NULL, OPT_SCRIPT},
    {"screenshots", required_argument, NULL, OPT_SHOTS},
    {"idle-timeout", required_argument, NULL, OPT_IDLE},
    {"idle-countdown", required_argument, NULL, OPT_COUNTDOWN},
    {"min-free", required_argument, NULL, OPT_MINFREE},
    {"font", required_argument, NULL, OPT_FONT},
    {"font-bold", required_argument, NULL, OPT_FONT_BOLD},
    {"print-records", no_argument, NULL, OPT_PRINT},
    {"hash-pin", no_argument, NULL, OPT_HASH_PIN},
    {"stats", no_argument, NULL, OPT_STATS},
    {"out-of-order", no_argument, NULL, OPT_OUT_OF_ORDER},
    {"input-methods", no_argument, NULL, OPT_IME},
    {"rime-dir", required_argument, NULL, OPT_RIME_DIR},
    {"check-pack", required_argument, NULL, OPT_CHECK_PACK},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* What the command line asked for besides the configuration. */
typedef struct {
    app_config_t cfg;
    const char *config_path;
    bool print;
} options_t;

#define GO_ON (-1) /* an option taken: parse the next */

/* An option with a file name or text: where it goes in the configuration. */
static const char **text_option(options_t *o, int c)
{
    app_config_t *cfg = &o->cfg;
    switch (c) {
    case 'p':
        return &cfg->pack_path;
    case 'd':
        return &cfg->db_path;
    case 'l':
        return &cfg->lang;
    case 'k':
        return &cfg->kiosk_id;
    case OPT_SCRIPT:
        return &cfg->script_path;
    case OPT_SHOTS:
        return &cfg->shot_dir;
    case OPT_FONT:
        return &cfg->font;
    case OPT_FONT_BOLD:
        return &cfg->font_bold;
    case OPT_CONFIG:
        return &o->config_path;
    case OPT_RIME_DIR:
        return &cfg->rime_dir;
    default:
        return NULL;
    }
}

/* A decimal integer in lo..hi at the start of s (digits only: no sign, space or base prefix);
 * the character after it in *end. */
static bool decimal(const char *s, long lo, long hi, long *out, const char **end)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *e;
    long v = strtol(s, &e, 10);
    *end = e;
    if (errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* --name N: a whole decimal number in lo..hi, nothing else (not "abc" as 0, not "10s"). */
static int number_option(const char *name, const char *arg, long lo, long hi, int *out)
{
    long v;
    const char *end;
    if (!decimal(arg, lo, hi, &v, &end) || *end) {
        fprintf(stderr, "kiosk: --%s wants a whole number from %ld to %ld, not '%s'\n", name, lo,
                hi, arg);
        return 2;
    }
    *out = (int)v;
    return GO_ON;
}

static int size_option(app_config_t *cfg, const char *arg)
{
    long w = 0, h = 0;
    const char *end;
    if (!decimal(arg, 320, 8192, &w, &end) || *end != 'x' ||
        !decimal(end + 1, 240, 8192, &h, &end) || *end) {
        fprintf(stderr, "kiosk: --size wants WxH (320x240 to 8192x8192), not '%s'\n", arg);
        return 2;
    }
    cfg->width = (int)w;
    cfg->height = (int)h;
    return GO_ON;
}

static int rotate_option(app_config_t *cfg, const char *arg)
{
    long r = -1;
    const char *end = arg;
    if (!decimal(arg, 0, 270, &r, &end) || *end || (r != 0 && r != 90 && r != 180 && r != 270)) {
        fprintf(stderr, "kiosk: --rotate wants 0, 90, 180 or 270, not '%s'\n", arg);
        return 2;
    }
    cfg->rotation = (int)r;
    return GO_ON;
}

/* Takes option c (with its argument arg); GO_ON, or the exit status to end with. */
static int take_option(options_t *o, int c, const char *arg)
{
    app_config_t *cfg = &o->cfg;
    const char **text = text_option(o, c);
    if (text) {
        *text = arg;
        return GO_ON;
    }
    switch (c) {
    case 's':
        return size_option(cfg, arg);
    case 'r':
        return rotate_option(cfg, arg);
    case 'f':
        cfg->fullscreen = true;
        return GO_ON;
    case OPT_HEADLESS:
        cfg->headless = true;
        return GO_ON;
    case OPT_IDLE: /* the ranges of the configuration's idleTimeoutSeconds and so on */
        return number_option("idle-timeout", arg, 5, 3600, &cfg->idle_timeout_s);
    case OPT_COUNTDOWN:
        return number_option("idle-countdown", arg, 3, 300, &cfg->idle_countdown_s);
    case OPT_MINFREE:
        return number_option("min-free", arg, 0, 16L * 1024 * 1024, &cfg->min_free_kib);
    case OPT_PRINT:
        o->print = true;
        return GO_ON;
    case OPT_STATS:
        cfg->stats = true;
        return GO_ON;
    case OPT_OUT_OF_ORDER:
        cfg->out_of_order = true;
        return GO_ON;
    case OPT_IME:
        cfg->input_methods = true;
        return GO_ON;
    case OPT_HASH_PIN:
        return app_hash_pin(stdin);
    case OPT_CHECK_PACK:
        return check_pack_file("kiosk", arg, stdout);
    case 'h':
        usage(stdout);
        return 0;
    case 'V':
        printf("kiosk %s\n", KIOSK_VERSION);
        return 0;
    default:
        usage(stderr);
        return 2;
    }
}

/* The device configuration under the command line; GO_ON, or the exit status. */
static int read_config(options_t *o)
{
    static device_config_t device; /* strings of cfg may point here */
    app_config_t *cfg = &o->cfg;
    char err[1024];
    if (!o->config_path ||
        app_apply_config_file(cfg, o->config_path, &device, err, sizeof err) == 0)
        return GO_ON;
    fprintf(stderr, "kiosk: %s\n", err);
    if (!cfg->out_of_order)
        return 2;
    /* The out-of-order screen must show even when the configuration is what broke. */
    fprintf(stderr, "kiosk: out of order: the configuration is not used\n");
    cfg->fullscreen = !cfg->headless;
    return GO_ON;
}

/* What neither the command line nor the configuration set. */
static void apply_defaults(app_config_t *cfg)
{
    if (!cfg->db_path)
        cfg->db_path = "kiosk.db";
    if (!cfg->kiosk_id)
        cfg->kiosk_id = "dev-kiosk";
    if (!cfg->width || !cfg->height) {
        cfg->width = 800;
        cfg->height = 480;
    }
    if (cfg->rotation < 0)
        cfg->rotation = 0;
    if (cfg->headless)
        cfg->fullscreen = false; /* no display to fill */
}

int main(int argc, char **argv)
{
    /* Unset here means: from the device configuration, else the default. */
    options_t o = {.cfg = {
                       .rotation = -1,
                       .min_free_kib = 1024,
                       .started_us = clock_mono_us(),
                       .version = KIOSK_VERSION,
                   }};
    int c, status = GO_ON;
    while (status == GO_ON && (c = getopt_long(argc, argv, "p:d:l:k:s:fr:hV", opts, NULL)) != -1)
        status = take_option(&o, c, optarg);
    if (status != GO_ON)
        return status;
    if (optind < argc) {
        fprintf(stderr, "kiosk: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if ((status = read_config(&o)) != GO_ON)
        return status;
    apply_defaults(&o.cfg);
    char err[1024];
    if (app_check_config(&o.cfg, o.config_path, err, sizeof err) != 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        if (!o.cfg.out_of_order)
            return 2;
    }
    if (o.print)
        return app_print_records(o.cfg.db_path);
    return app_run(&o.cfg);
}
