# Tests the core purity check itself, so that it cannot pass silently: it must accept a file
# whose forbidden words stand only in comments, strings and member calls, refuse a file with
# one getenv(), and name FILE:LINE: NAME for each kind of impure call or header.
#   cmake -DCHECKER=check_core_purity.cmake -DWORK=<scratch dir> -P check_core_purity_test.cmake
cmake_minimum_required(VERSION 3.20)

set(failures 0)

# Writes content as DIR/name (DIR emptied first) and runs the checker on DIR.
function(run_checker dir name content out_rc out_text)
  file(REMOVE_RECURSE "${dir}")
  file(WRITE "${dir}/${name}" "${content}")
  execute_process(COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -P ${CHECKER}
    RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  set(${out_rc} "${rc}" PARENT_SCOPE)
  set(${out_text} "${stdout}${stderr}" PARENT_SCOPE)
endfunction()

# Counts a failure, with what the checker said, unless ok is true.
macro(expect ok what)
  if(NOT ${ok})
    message(SEND_ERROR "FAIL: ${what}\n--- checker said:\n${text}")
    math(EXPR failures "${failures} + 1")
  endif()
endmacro()

macro(set_bool var)
  if(${ARGN})
    set(${var} TRUE)
  else()
    set(${var} FALSE)
  endif()
endmacro()

# 1. Forbidden words where they are no call: passes.
set(clean [=[
/* A comment may say time(NULL), getenv("HOME") or fopen(path, "r").
 * #include <sodium.h> */
// system("rm -rf /") and printf("x") in a line comment
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linebreak.h>
#include "core/clean.h"

typedef struct {
    long (*time)(void *user_data); /* the clock arrives through a seam */
    int (*read)(void *user_data, char *buf);
} ops_t;

static const char *say = "getenv(\"HOME\") then fprintf(stderr, ...) and /* not a comment";
static const char open_paren = '(';
static const char quote = '\'';

long runtime(void);
long my_getenv(const char *name);

long pure(ops_t *ops, char *buf, size_t len, const struct tm *tm, long a, long b)
{
    time_t t = (time_t)ops->time(NULL);
    ops->read(NULL, buf);
    snprintf(buf, len, "%s %c %c", say, open_paren, quote);
    strftime(buf, len, "%Y-%m-%d %H:%M", tm);
    return (long)t + runtime() + my_getenv("x") + a / b;
}
]=])
run_checker("${WORK}/clean" clean.c "${clean}" rc text)
set_bool(ok rc EQUAL 0)
expect(ok "a file without impure calls passes")

# 2. A single getenv() fails, with its place.
run_checker("${WORK}/one" one.c "int f(void)\n{\n    return getenv(\"X\") != 0;\n}\n" rc text)
set_bool(ok NOT rc EQUAL 0)
expect(ok "one getenv() fails the check")
string(FIND "${text}" "one.c:3: getenv\n" at)
set_bool(ok at GREATER -1)
expect(ok "the getenv() hit names one.c:3")

# 3. One line of each kind ("@" stands for ";", which a CMake list cannot hold); every one is
# reported at its line.
set(kinds
  "#include <sodium.h>|#include sodium.h"
  "#include <unistd.h>|#include unistd.h"
  "#include <wordbreak.h>|#include wordbreak.h"
  "#include \"ui/ui.h\"|#include ui/ui.h"
  "t = time(NULL)@|time"
  "clock_gettime(CLOCK_REALTIME, &ts)@|clock_gettime"
  "gettimeofday(&tv, NULL)@|gettimeofday"
  "localtime_r(&t, &tm)@|localtime_r"
  "gmtime_r(&t, &tm)@|gmtime_r"
  "t = mktime(&tm)@|mktime"
  "tzset()@|tzset"
  "strftime(buf, n, \"%H:%M %Z\", &tm)@|strftime"
  "strftime(buf, n, fmt, &tm)@|strftime"
  "FILE *fp = fopen(path, \"r\")@|fopen"
  "fd = open (path, O_RDONLY)@|open"
  "n = read(fd, buf, sizeof buf)@|read"
  "write(1, buf, n)@|write"
  "fprintf(stderr, \"x\")@|fprintf"
  "printf(\"%d\", 1)@|printf"
  "puts(\"x\")@|puts"
  "log_to(stderr)@|stderr"
  "p = popen(\"ls\", \"r\")@|popen"
  "system(\"reboot\")@|system"
  "pid = fork()@|fork"
  "execvp(argv[0], argv)@|execvp"
  "d = opendir(\"/\")@|opendir"
  "v = getenv(\"TZ\")@|getenv"
  "v = secure_getenv(\"TZ\")@|secure_getenv"
  "crypto_sign_detached(sig, NULL, m, n, sk)@|crypto_sign_detached"
  "randombytes_buf(buf, sizeof buf)@|randombytes_buf"
  "sodium_init()@|sodium_init")
set(body "")
set(line 0)
set(expected "")
foreach(k IN LISTS kinds)
  string(REPLACE "|" ";" k "${k}")
  list(GET k 0 code)
  list(GET k 1 name)
  string(REPLACE "@" ";" code "${code}")
  string(APPEND body "${code}\n")
  math(EXPR line "${line} + 1")
  list(APPEND expected "bad.c:${line}: ${name}")
endforeach()
run_checker("${WORK}/bad" bad.c "${body}" rc text)
set_bool(ok NOT rc EQUAL 0)
expect(ok "the catalogue of impure calls fails the check")
foreach(e IN LISTS expected)
  string(FIND "${text}" "${e}\n" at)
  string(FIND "${text}" "${e} (" at_include)
  set_bool(ok at GREATER -1 OR at_include GREATER -1)
  expect(ok "reported: ${e}")
endforeach()

file(REMOVE_RECURSE "${WORK}/clean" "${WORK}/one" "${WORK}/bad")
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} check(s) of the purity checker failed")
endif()
message(STATUS "the purity checker passes a clean file and refuses each impure call")
