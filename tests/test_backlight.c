/* The sysfs backlight edge against a scratch directory standing in for
 * /sys/class/backlight/<name>: the rounding of a percentage, restoring a value, and errors that
 * name the file and the errno text. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/backlight.h"
#include "check.h"
#include "core/kerr.h"
#include "scratch_util.h"

static char dir[PATH_MAX];

static void put(const char *name, const char *text)
{
    char path[PATH_MAX];
    join(path, dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        check_failures++;
        return;
    }
    fputs(text, f);
    fclose(f);
}

static const char *get(const char *name)
{
    static char buf[64];
    char path[PATH_MAX];
    join(path, dir, name);
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

static void check_has(const char *text, const char *part)
{
    if (!strstr(text, part)) {
        fprintf(stderr, "\"%s\" lacks \"%s\"\n", text, part);
        check_failures++;
    }
}

static int set_percent(int percent)
{
    char err[256] = "";
    int rc = backlight_set_percent(dir, percent, err, sizeof err);
    if (rc)
        fprintf(stderr, "backlight_set_percent(%d): %s\n", percent, err);
    return rc;
}

static void percent_rounds_and_never_turns_off(void)
{
    put("max_brightness", "255\n");
    put("brightness", "100\n");
    CHECK_INT(set_percent(50), KIOSK_OK);
    CHECK_STR(get("brightness"), "128\n"); /* 127.5 rounds up */
    CHECK_INT(set_percent(100), KIOSK_OK);
    CHECK_STR(get("brightness"), "255\n");
    CHECK_INT(set_percent(0), KIOSK_OK);
    CHECK_STR(get("brightness"), "0\n");
    CHECK_INT(set_percent(10), KIOSK_OK);
    CHECK_STR(get("brightness"), "26\n");

    put("max_brightness", "7");
    CHECK_INT(set_percent(1), KIOSK_OK);
    CHECK_STR(get("brightness"), "1\n"); /* 0.07: at least 1 when not 0% */
    CHECK_INT(set_percent(20), KIOSK_OK);
    CHECK_STR(get("brightness"), "1\n"); /* 1.4 */
    CHECK_INT(set_percent(50), KIOSK_OK);
    CHECK_STR(get("brightness"), "4\n"); /* 3.5 */
    CHECK_INT(set_percent(0), KIOSK_OK);
    CHECK_STR(get("brightness"), "0\n");

    char err[256] = "";
    put("brightness", "3\n");
    CHECK_INT(backlight_set_percent(dir, 101, err, sizeof err), KIOSK_EINVAL);
    check_has(err, "101% is outside 0..100");
    CHECK_INT(backlight_set_percent(dir, -1, err, sizeof err), KIOSK_EINVAL);
    CHECK_STR(get("brightness"), "3\n");
}

static void get_and_restore(void)
{
    put("max_brightness", "1023\n");
    put("brightness", "700\n");
    int value = -1, max = -1;
    char err[256] = "";
    CHECK_INT(backlight_get(dir, &value, &max, err, sizeof err), KIOSK_OK);
    CHECK_INT(value, 700);
    CHECK_INT(max, 1023);
    CHECK_INT(set_percent(5), KIOSK_OK);
    CHECK_STR(get("brightness"), "51\n");
    CHECK_INT(backlight_set(dir, value, err, sizeof err), KIOSK_OK);
    CHECK_STR(get("brightness"), "700\n");
    CHECK_INT(backlight_set(dir, 1024, err, sizeof err), KIOSK_EINVAL);
    check_has(err, "1024 is outside 0..1023");
    CHECK_INT(backlight_set(dir, -1, err, sizeof err), KIOSK_EINVAL);
    CHECK_STR(get("brightness"), "700\n");
}

static void errors_name_the_file_and_errno(void)
{
    char err[512] = "";
    char missing[PATH_MAX];
    join(missing, dir, "no-such-backlight");
    CHECK_INT(backlight_set_percent(missing, 50, err, sizeof err), KIOSK_ENOENT);
    check_has(err, "no-such-backlight/max_brightness");
    check_has(err, strerror(ENOENT));
    int value, max;
    CHECK_INT(backlight_get(missing, &value, &max, err, sizeof err), KIOSK_ENOENT);

    put("max_brightness", "bright\n");
    CHECK_INT(backlight_set_percent(dir, 50, err, sizeof err), KIOSK_ECORRUPT);
    check_has(err, "max_brightness: not a brightness value");
    put("max_brightness", "0\n");
    CHECK_INT(backlight_set_percent(dir, 50, err, sizeof err), KIOSK_ECORRUPT);
    check_has(err, "max_brightness");
    put("max_brightness", "-5\n");
    CHECK_INT(backlight_set_percent(dir, 50, err, sizeof err), KIOSK_ECORRUPT);
    put("max_brightness", "99999999999999999999\n");
    CHECK_INT(backlight_set_percent(dir, 50, err, sizeof err), KIOSK_ECORRUPT);

    put("max_brightness", "255\n");
    put("brightness", "12 apples\n");
    CHECK_INT(backlight_get(dir, &value, &max, err, sizeof err), KIOSK_ECORRUPT);
    check_has(err, "/brightness: not a brightness value");

    /* brightness that cannot be opened for writing: a directory (works as root too). */
    char path[PATH_MAX];
    join(path, dir, "brightness");
    REQUIRE(unlink(path) == 0 && mkdir(path, 0755) == 0);
    CHECK_INT(backlight_set_percent(dir, 50, err, sizeof err), KIOSK_EIO);
    check_has(err, "/brightness: open: ");
    check_has(err, strerror(EISDIR));
    REQUIRE(rmdir(path) == 0);

    /* Not writable: permission bits do not stop root. */
    put("brightness", "1\n");
    if (geteuid() != 0) {
        REQUIRE(chmod(path, 0444) == 0);
        CHECK_INT(backlight_set_percent(dir, 50, err, sizeof err), KIOSK_EACCES);
        check_has(err, strerror(EACCES));
        REQUIRE(chmod(path, 0644) == 0);
    }
    CHECK_INT(backlight_set_percent(NULL, 50, err, sizeof err), KIOSK_EINVAL);
    CHECK_INT(backlight_set_percent("", 50, err, sizeof err), KIOSK_EINVAL);
}

int main(void)
{
    if (!make_scratch_dir(dir, "backlight")) {
        perror("scratch directory");
        return 1;
    }
    RUN(percent_rounds_and_never_turns_off);
    RUN(get_and_restore);
    RUN(errors_name_the_file_and_errno);
    remove_tree(dir);
    return check_failures != 0;
}
