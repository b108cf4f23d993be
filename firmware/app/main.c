/* kiosk: the community feedback kiosk. Parses options, then hands over to app_run(). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"

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
          "      --font FILE         regular font (default: Noto Sans CJK)\n"
          "      --font-bold FILE    bold font\n"
          "      --print-records     print the stored records as JSON lines and exit\n"
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

int main(int argc, char **argv)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
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
        OPT_OUT_OF_ORDER
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
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    /* Unset here means: from the device configuration, else the default below. */
    app_config_t cfg = {
        .rotation = -1,
        .min_free_kib = 1024,
        .started_us = (int64_t)t0.tv_sec * 1000000 + t0.tv_nsec / 1000,
        .version = KIOSK_VERSION,
    };
    const char *config_path = NULL;
    static device_config_t device; /* strings of cfg may point here */
    bool print = false;
    int c;
    while ((c = getopt_long(argc, argv, "p:d:l:k:s:fr:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            cfg.pack_path = optarg;
            break;
        case 'd':
            cfg.db_path = optarg;
            break;
        case 'l':
            cfg.lang = optarg;
            break;
        case 'k':
            cfg.kiosk_id = optarg;
            break;
        case 's':
            if (sscanf(optarg, "%dx%d", &cfg.width, &cfg.height) != 2 || cfg.width < 320 ||
                cfg.height < 240 || cfg.width > 8192 || cfg.height > 8192) {
                fprintf(stderr, "kiosk: --size wants WxH (320x240 to 8192x8192), not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'f':
            cfg.fullscreen = true;
            break;
        case 'r': {
            char *end;
            long r = strtol(optarg, &end, 10);
            if (*end || (r != 0 && r != 90 && r != 180 && r != 270)) {
                fprintf(stderr, "kiosk: --rotate wants 0, 90, 180 or 270, not '%s'\n", optarg);
                return 2;
            }
            cfg.rotation = (int)r;
            break;
        }
        case OPT_HEADLESS:
            cfg.headless = true;
            break;
        case OPT_SCRIPT:
            cfg.script_path = optarg;
            break;
        case OPT_SHOTS:
            cfg.shot_dir = optarg;
            break;
        case OPT_IDLE:
            cfg.idle_timeout_s = atoi(optarg);
            break;
        case OPT_COUNTDOWN:
            cfg.idle_countdown_s = atoi(optarg);
            break;
        case OPT_MINFREE:
            cfg.min_free_kib = atoi(optarg);
            break;
        case OPT_FONT:
            cfg.font = optarg;
            break;
        case OPT_FONT_BOLD:
            cfg.font_bold = optarg;
            break;
        case OPT_PRINT:
            print = true;
            break;
        case OPT_STATS:
            cfg.stats = true;
            break;
        case OPT_OUT_OF_ORDER:
            cfg.out_of_order = true;
            break;
        case OPT_HASH_PIN:
            return app_hash_pin(stdin);
        case OPT_CONFIG:
            config_path = optarg;
            break;
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
    if (optind < argc) {
        fprintf(stderr, "kiosk: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (config_path) {
        char err[1024];
        if (app_apply_config_file(&cfg, config_path, &device, err, sizeof err) != 0) {
            fprintf(stderr, "kiosk: %s\n", err);
            if (!cfg.out_of_order)
                return 2;
            /* The out-of-order screen must show even when the configuration is what broke. */
            fprintf(stderr, "kiosk: out of order: the configuration is not used\n");
            cfg.fullscreen = !cfg.headless;
        }
    }
    if (!cfg.db_path)
        cfg.db_path = "kiosk.db";
    if (!cfg.kiosk_id)
        cfg.kiosk_id = "dev-kiosk";
    if (!cfg.width || !cfg.height) {
        cfg.width = 800;
        cfg.height = 480;
    }
    if (cfg.rotation < 0)
        cfg.rotation = 0;
    if (cfg.headless)
        cfg.fullscreen = false; /* no display to fill */
    if (print)
        return app_print_records(cfg.db_path);
    return app_run(&cfg);
}
