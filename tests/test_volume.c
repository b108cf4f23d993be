/* The technician's volume: the file that keeps it (written crash-safely, read back, a damaged
 * one falling back to the configuration with a log line, a configuration change winning), and
 * the real kiosk binary, where the technician lowers the volume and after a restart the lower
 * level is in force: in the log, and on the technician page. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/volume.h"
#include "check.h"
#include "core/kerr.h"
#include "proc_util.h"

/* ---- the file system calls of a save, in order (the link wraps fsync and rename) ---- */

static char calls[256]; /* "f" fsync of a file, "d" fsync of a directory, "r" rename */

int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);

int __wrap_fsync(int fd)
{
    struct stat st;
    bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    strncat(calls, dir ? "d" : "f", sizeof calls - strlen(calls) - 1);
    return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    strncat(calls, "r", sizeof calls - strlen(calls) - 1);
    return __real_rename(from, to);
}

static bool write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

/* Standard error (where log_line writes) into a file while fn runs; its text in out. */
static void capture_log(void (*fn)(void *), void *arg, char *out, size_t len)
{
    char path[700];
    snprintf(path, sizeof path, "%s/volume-log.txt", tmp);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    close(fd);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *text = slurp(path);
    snprintf(out, len, "%s", text);
    free(text);
}

typedef struct {
    volume_t v;
    const char *dir;
    int config, level;
} start_t;

static void start_fn(void *arg)
{
    start_t *s = arg;
    s->level = volume_start(&s->v, s->dir, s->config);
}

static void scratch_dir(char dir[600], const char *name)
{
    snprintf(dir, 600, "%s/%s", tmp, name);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    CHECK(system(cmd) == 0);
}

static void level_is_written_crash_safely_and_read_back(void)
{
    char dir[600], path[700], err[800];
    scratch_dir(dir, "volume-save");
    snprintf(path, sizeof path, "%s/" VOLUME_FILE, dir);
    calls[0] = '\0';
    CHECK_INT(volume_save(path, 60, 80, err, sizeof err), KIOSK_OK);
    /* the data on the medium before it takes the name, and the name on the medium after */
    CHECK_STR(calls, "frd");
    char *text = slurp(path);
    CHECK_STR(text, "volume 60\nconfig 80\n");
    free(text);
    char tmpfile[800];
    snprintf(tmpfile, sizeof tmpfile, "%s.tmp", path);
    CHECK(access(tmpfile, F_OK) != 0); /* no temporary file left */
    int level = -1, config = -1;
    CHECK_INT(volume_load(path, &level, &config, err, sizeof err), KIOSK_OK);
    CHECK_INT(level, 60);
    CHECK_INT(config, 80);
    /* Saved again: replaced whole. */
    CHECK_INT(volume_save(path, 0, 80, err, sizeof err), KIOSK_OK);
    CHECK_INT(volume_load(path, &level, &config, err, sizeof err), KIOSK_OK);
    CHECK_INT(level, 0);
    /* A directory that cannot take the file: an error naming it, nothing else. */
    char ro[700];
    snprintf(ro, sizeof ro, "%s/missing/" VOLUME_FILE, dir);
    CHECK(volume_save(ro, 50, 80, err, sizeof err) != KIOSK_OK);
    CHECK(strstr(err, "missing") != NULL);
}

static void technician_level_wins_until_the_configuration_changes(void)
{
    char dir[600], log[4000];
    scratch_dir(dir, "volume-start");
    start_t s = {.dir = dir, .config = 80};
    /* None yet: the configuration's. */
    capture_log(start_fn, &s, log, sizeof log);
    CHECK_INT(s.level, 80);
    CHECK(strstr(log, "volume 80 from the configuration") != NULL);
    /* The technician lowers it: logged, kept, and in force at the next start. */
    calls[0] = '\0';
    CHECK(volume_set(&s.v, 60));
    CHECK(!volume_set(&s.v, 60)); /* no change, no write */
    CHECK_STR(calls, "frd");
    capture_log(start_fn, &s, log, sizeof log);
    CHECK_INT(s.level, 60);
    CHECK(strstr(log, "volume 60 as the technician set it (the configuration says 80)") != NULL);
    /* The configuration changes its volume: it wins, and the old level is gone for good. */
    s.config = 70;
    capture_log(start_fn, &s, log, sizeof log);
    CHECK_INT(s.level, 70);
    CHECK(strstr(log, "volume 70 from the configuration (changed from 80 since the technician "
                      "set 60)") != NULL);
    CHECK(access(s.v.path, F_OK) != 0);
    s.config = 80;
    capture_log(start_fn, &s, log, sizeof log);
    CHECK_INT(s.level, 80);
}

static void damaged_file_falls_back_with_a_log_line(void)
{
    char dir[600], path[700], log[4000];
    scratch_dir(dir, "volume-damaged");
    snprintf(path, sizeof path, "%s/" VOLUME_FILE, dir);
    static const char *const damaged[] = {
        "",                            /* a torn write (what the rename prevents) */
        "volume 60\n",                 /* half of it */
        "volume 160\nconfig 80\n",     /* out of range */
        "volume -5\nconfig 80\n",      /* out of range */
        "volume sixty\nconfig 80\n",   /* not a number */
        "volume 60\nconfig 80\nmore\n" /* something else after */
    };
    for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
        REQUIRE(write_text(path, damaged[i]));
        start_t s = {.dir = dir, .config = 80};
        capture_log(start_fn, &s, log, sizeof log);
        CHECK_INT(s.level, 80);
        CHECK(strstr(log, "warn") && strstr(log, "volume 80 from the configuration") &&
              strstr(log, "damaged"));
    }
}

/* ---- the real kiosk ---- */

static void run_script(const char *name, const char *cfg, const char *db, const char *text,
                       char *out, size_t len, char **err)
{
    char script[700], shots[700], cmd[1600];
    snprintf(script, sizeof script, "%s/%s.script", tmp, name);
    snprintf(shots, sizeof shots, "%s/screenshots/%s", tmp, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", shots, shots);
    CHECK(system(cmd) == 0);
    CHECK(write_text(script, text));
    char *args[] = {"--headless", "--config", (char *)cfg,     "--db", (char *)db,
                    "--script",   script,     "--screenshots", shots,  NULL};
    CHECK_INT(run_kiosk(name, args, out, len, err), 0);
}

/* The technician lowers the volume from the configuration's 80 to 60 and restarts the kiosk;
 * after the restart 60 is in force (the log says so, and the page starts from it); a
 * configuration that changes its volume wins again. */
static void lowered_volume_survives_a_restart(void)
{
    char dir[600], cfg[700], db[700], hash[256], cmd[1400], text[1200];
    scratch_dir(dir, "volume-e2e");
    snprintf(cmd, sizeof cmd, "echo 13579 | '%s' --hash-pin", kiosk_bin);
    FILE *p = popen(cmd, "r");
    REQUIRE(p && fgets(hash, sizeof hash, p));
    pclose(p);
    hash[strcspn(hash, "\n")] = '\0';
    snprintf(cfg, sizeof cfg, "%s/kiosk.json", dir);
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    snprintf(text, sizeof text,
             "{\"staff\": {\"technicianPinHash\": \"%s\"}, \"audio\": {\"volume\": 80},\n"
             " \"buttons\": {\"chip\": \"auto\", \"pins\": [\n"
             "  {\"action\": \"next\", \"line\": \"GPIO27\"},\n"
             "  {\"action\": \"select\", \"line\": \"GPIO22\"}]}}\n",
             hash);
    REQUIRE(write_text(cfg, text));
    /* The sound goes to a file: SDL's disk driver. */
    char raw[700];
    snprintf(raw, sizeof raw, "%s/volume-e2e.raw", dir);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", raw, 1);
    static const char open_tech[] = "key F12\ntext 13579\npress staff_ok\n"
                                    "expect staff-role technician\npress staff_page technician\n";
    static char out[1 << 16];
    char *err;
    snprintf(text, sizeof text,
             "%sshot before\npress staff_volume -1\npress staff_volume -1\nshot lowered\n"
             "press staff_power restart\npress staff_power_confirm\necho not reached\n",
             open_tech);
    run_script("volume-lower", cfg, db, text, out, sizeof out, &err);
    CHECK(strstr(err, "volume 80 from the configuration") != NULL);
    CHECK(strstr(err, "volume set to 70 by the technician") != NULL);
    CHECK(strstr(err, "volume set to 60 by the technician") != NULL);
    CHECK(strstr(out, "event=volume level=60\nevent=say lang=en text=\"Volume 60 %\"") != NULL);
    CHECK(!strstr(out, "not reached"));
    free(err);
    /* After the restart: 60 in force. Test sound says it, and the page steps from it. */
    snprintf(text, sizeof text,
             "%sshot after-restart\npress staff_volume 0\npress staff_volume 1\n"
             /* by the physical buttons: the ring past Back and Close to "−", then select */
             "button next\nbutton next\nbutton next\nbutton select\nshot by-buttons\n"
             "press staff_close\n",
             open_tech);
    run_script("volume-restarted", cfg, db, text, out, sizeof out, &err);
    CHECK(strstr(err, "volume 60 as the technician set it (the configuration says 80)") != NULL);
    CHECK(strstr(out, "event=volume level=60\nevent=say lang=en text=\"Volume 60 %\"") != NULL);
    const char *up = strstr(out, "event=volume level=70\n");
    CHECK(up && strstr(up, "event=volume level=60\n"));
    CHECK(strstr(err, "volume set to 60 by the technician") != NULL);
    free(err);
    /* The configuration's volume changes: it is in force, the technician's level is not. */
    snprintf(text, sizeof text,
             "{\"staff\": {\"technicianPinHash\": \"%s\"}, \"audio\": {\"volume\": 50}}\n", hash);
    REQUIRE(write_text(cfg, text));
    snprintf(text, sizeof text, "%spress staff_volume 0\npress staff_close\n", open_tech);
    run_script("volume-reconfigured", cfg, db, text, out, sizeof out, &err);
    CHECK(strstr(err, "volume 50 from the configuration (changed from 80 since the technician "
                      "set 60)") != NULL);
    CHECK(strstr(out, "event=volume level=50\n") != NULL);
    free(err);
    /* No audio device: the row says so (the screenshot), and no level is read or set. */
    setenv("SDL_AUDIODRIVER", "none-such", 1);
    snprintf(text, sizeof text, "%sshot no-audio\npress staff_close\n", open_tech);
    run_script("volume-no-audio", cfg, db, text, out, sizeof out, &err);
    CHECK(strstr(err, "no sound") != NULL);
    CHECK(!strstr(err, "volume 50"));
    CHECK(!strstr(out, "event=volume"));
    free(err);
    unsetenv("SDL_AUDIODRIVER");
    unsetenv("SDL_DISKAUDIOFILE");
}

int main(void)
{
    if (!proc_test_tmp())
        return 1;
    RUN(level_is_written_crash_safely_and_read_back);
    RUN(technician_level_wins_until_the_configuration_changes);
    RUN(damaged_file_falls_back_with_a_log_line);
    RUN(lowered_volume_survives_a_restart);
    return check_failures != 0;
}
