# Fails when the pure core (every .c and .h below DIR) reaches past libc, cJSON and libunibreak:
# a header of another library or of the operating system, or a call that reads the clock or the time zone,
# does file, stream or process I/O, reads the environment, or uses libsodium or another
# source of randomness. Prints FILE:LINE: NAME for each hit. Comments and string literals do
# not count, nor do calls through a struct member (ops->time(...) is a seam, not a clock read).
#   cmake -DDIR=<dir> -P check_core_purity.cmake
cmake_minimum_required(VERSION 3.20)

# Headers the core may include: the C standard library (less locale, signals and threads),
# <strings.h>, cJSON, libunibreak's line breaking (<linebreak.h>: Unicode's tables and rules,
# pure computation like cJSON, no I/O, clock or allocation), and the core's own headers.
set(allowed_headers
  assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h math.h
  setjmp.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h
  stdnoreturn.h string.h strings.h tgmath.h time.h uchar.h wchar.h wctype.h cjson/cJSON.h
  linebreak.h)

# Calls the core must not make, by what they reach.
set(clock_calls "time|clock|clock_gettime|clock_settime|clock_getres|clock_nanosleep|"
  "clock_adjtime|gettimeofday|settimeofday|ftime|timespec_get"
  "|localtime|localtime_r|gmtime|gmtime_r|mktime|timegm|timelocal|tzset|ctime|ctime_r"
  "|asctime|asctime_r|getdate|sleep|usleep|nanosleep|alarm|setitimer|timer_create"
  "|timer_settime|timer_gettime|timer_delete")
set(stream_calls "fopen|fdopen|freopen|fmemopen|open_memstream|fclose|fflush|fread|fwrite"
  "|fgets|fgetc|getc|getchar|ungetc|getline|getdelim|fputs|fputc|putc|putchar|puts|printf"
  "|fprintf|vprintf|vfprintf|dprintf|vdprintf|scanf|fscanf|vscanf|vfscanf|fseeko?|ftello?"
  "|rewind|fgetpos|fsetpos|feof|ferror|clearerr|fileno|setbuf|setvbuf|perror|tmpfile"
  "|tmpnam|remove|rename")
set(fd_calls "open|openat|creat|close|read|write|pread|pwrite|readv|writev|lseek|dup[23]?"
  "|pipe2?|ioctl|fcntl|fsync|fdatasync|ftruncate|truncate|mmap|munmap|f?stat|lstat|fstatat"
  "|f?statvfs|access|faccessat|unlinkat|unlink|mkdir|rmdir|chdir|getcwd|chmod|chown|symlink"
  "|readlink|realpath|opendir|fdopendir|readdir|closedir|scandir|nftw|glob|socket|connect"
  "|bind|listen|accept|send|recv|select|poll|epoll_[a-z]+|inotify_[a-z_]+|mount|sync|dlopen")
set(process_calls "popen|pclose|system|fork|vfork|clone|execl|execle|execlp|execv|execve"
  "|execvp|execvpe|fexecve|posix_spawnp?|wait|waitpid|waitid|kill")
set(env_calls "getenv|secure_getenv|setenv|unsetenv|putenv|clearenv|setlocale")
set(random_calls "sodium_[a-z0-9_]+|crypto_[a-z0-9_]+|randombytes[a-z0-9_]*|getrandom"
  "|getentropy|arc4random[a-z_]*|rand|srand|random|srandom|rand_r")
string(CONCAT calls ${clock_calls} "|" ${stream_calls} "|" ${fd_calls} "|" ${process_calls}
  "|" ${env_calls} "|" ${random_calls})
# Objects that are the process's state, used without a call.
set(objects "stdin|stdout|stderr|environ|tzname|daylight|timezone")
# strftime formats a broken-down time the caller gives: allowed with a literal format that
# reads neither the time zone nor the locale.
set(strftime_zone_or_locale "%[EO]?[aAbBchpPrxXzZ+]")

# Returns text with every comment and the inside of every string and character literal
# replaced by spaces (newlines kept), so that offsets and line numbers stay those of text.
function(blank_comments_and_literals text out)
  set(result "")
  set(rest "${text}")
  while(NOT rest STREQUAL "")
    string(REGEX MATCH "^[^/\"']+" plain "${rest}")
    if(NOT plain STREQUAL "")
      string(APPEND result "${plain}")
      string(LENGTH "${plain}" n)
      string(SUBSTRING "${rest}" ${n} -1 rest)
      continue()
    endif()
    set(region "")
    set(keep_ends FALSE)
    if(rest MATCHES "^//[^\n]*")
      set(region "${CMAKE_MATCH_0}")
    elseif(rest MATCHES "^/\\*")
      string(FIND "${rest}" "*/" end)
      if(end EQUAL -1)
        set(region "${rest}")
      else()
        math(EXPR end "${end} + 2")
        string(SUBSTRING "${rest}" 0 ${end} region)
      endif()
    elseif(rest MATCHES "^\"([^\"\\\\\n]|\\\\.)*\"")
      set(region "${CMAKE_MATCH_0}")
      set(keep_ends TRUE)
    elseif(rest MATCHES "^'([^'\\\\\n]|\\\\.)*'")
      set(region "${CMAKE_MATCH_0}")
      set(keep_ends TRUE)
    endif()
    if(region STREQUAL "")
      string(SUBSTRING "${rest}" 0 1 region) # a lone '/', or an unterminated quote
      string(APPEND result "${region}")
    else()
      string(REGEX REPLACE "[^\n]" " " blank "${region}")
      if(keep_ends)
        string(LENGTH "${region}" n)
        math(EXPR inner "${n} - 2")
        string(SUBSTRING "${blank}" 1 ${inner} blank)
        string(SUBSTRING "${region}" 0 1 q)
        set(blank "${q}${blank}${q}")
      endif()
      string(APPEND result "${blank}")
    endif()
    string(LENGTH "${region}" n)
    string(SUBSTRING "${rest}" ${n} -1 rest)
  endwhile()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Every match of re in text, as "LINE|OFFSET|NAME" items in out: re's first group is what
# stands before the name (or nothing at the start), its second group the name.
function(find_names text re out)
  set(found "")
  set(rest "${text}")
  set(base 0)
  set(line 1)
  while(TRUE)
    string(REGEX MATCH "${re}" m "${rest}")
    if(m STREQUAL "")
      break()
    endif()
    set(name "${CMAKE_MATCH_2}")
    string(LENGTH "${CMAKE_MATCH_1}" before)
    string(FIND "${rest}" "${m}" pos)
    math(EXPR at "${pos} + ${before}")
    string(SUBSTRING "${rest}" 0 ${at} head)
    string(REGEX REPLACE "[^\n]+" "" newlines "${head}")
    string(LENGTH "${newlines}" k)
    math(EXPR line "${line} + ${k}")
    math(EXPR offset "${base} + ${at}")
    list(APPEND found "${line}|${offset}|${name}")
    string(LENGTH "${name}" n)
    math(EXPR next "${at} + ${n}")
    string(SUBSTRING "${rest}" ${next} -1 rest)
    math(EXPR base "${base} + ${next}")
  endwhile()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# The raw text of the call that starts at offset: up to its closing parenthesis, found in code
# (where literals are blanked, so that a parenthesis in a string does not count).
function(call_text raw code offset out)
  string(SUBSTRING "${code}" ${offset} 1000 tail)
  string(FIND "${tail}" "(" i)
  set(depth 0)
  string(LENGTH "${tail}" n)
  while(i LESS n)
    string(SUBSTRING "${tail}" ${i} 1 ch)
    if(ch STREQUAL "(")
      math(EXPR depth "${depth} + 1")
    elseif(ch STREQUAL ")")
      math(EXPR depth "${depth} - 1")
      if(depth EQUAL 0)
        break()
      endif()
    endif()
    math(EXPR i "${i} + 1")
  endwhile()
  math(EXPR i "${i} + 1")
  string(SUBSTRING "${raw}" ${offset} ${i} call)
  set(${out} "${call}" PARENT_SCOPE)
endfunction()

if(NOT DIR)
  message(FATAL_ERROR "usage: cmake -DDIR=<core directory> -P check_core_purity.cmake")
endif()
file(GLOB_RECURSE sources "${DIR}/*.c" "${DIR}/*.h")
list(SORT sources)
list(LENGTH sources nsources)
if(nsources EQUAL 0)
  message(FATAL_ERROR "no sources found in ${DIR}")
endif()

set(bad "")
foreach(f IN LISTS sources)
  file(RELATIVE_PATH rel "${DIR}" "${f}")
  file(READ "${f}" raw)
  blank_comments_and_literals("${raw}" code)
  string(REPLACE "->" " ." code "${code}") # a call through a member is not a libc call

  find_names("${code}" "(^|\n)([ \t]*#[ \t]*include[ \t]*)[<\"]" includes)
  foreach(hit IN LISTS includes)
    string(REPLACE "|" ";" hit "${hit}")
    list(GET hit 0 line)
    list(GET hit 1 offset)
    list(GET hit 2 directive)
    string(LENGTH "${directive}" n)
    math(EXPR start "${offset} + ${n} + 1")
    string(SUBSTRING "${raw}" ${start} 200 header)
    string(REGEX REPLACE "[\">].*" "" header "${header}")
    list(FIND allowed_headers "${header}" ok)
    if(ok EQUAL -1 AND NOT header MATCHES "^core/[A-Za-z0-9_/]+\\.h$")
      list(APPEND bad "${rel}:${line}: #include ${header} (the core includes libc, cJSON, linebreak.h and core/ only)")
    endif()
  endforeach()

  find_names("${code}" "(^|[^A-Za-z0-9_.])(${calls})[ \t\r\n]*\\(" hits)
  find_names("${code}" "(^|[^A-Za-z0-9_.])(${objects})([^A-Za-z0-9_]|$)" object_hits)
  find_names("${code}" "(^|[^A-Za-z0-9_.])(strftime)[ \t\r\n]*\\(" strftime_hits)
  foreach(hit IN LISTS strftime_hits)
    string(REPLACE "|" ";" h "${hit}")
    list(GET h 1 offset)
    call_text("${raw}" "${code}" ${offset} call)
    if(NOT call MATCHES "\"" OR call MATCHES "${strftime_zone_or_locale}")
      list(APPEND hits "${hit}")
    endif()
  endforeach()
  list(APPEND hits ${object_hits})
  list(SORT hits COMPARE NATURAL)
  foreach(hit IN LISTS hits)
    string(REPLACE "|" ";" hit "${hit}")
    list(GET hit 0 line)
    list(GET hit 2 name)
    list(APPEND bad "${rel}:${line}: ${name}")
  endforeach()
endforeach()

if(bad)
  list(LENGTH bad nbad)
  foreach(hit IN LISTS bad)
    message(NOTICE "${hit}")
  endforeach()
  message(FATAL_ERROR "${nbad} impure place(s) above: the core must stay pure; time, files, "
    "processes, the environment and crypto reach it from the edges, as values or through an "
    "ops struct")
endif()
message(STATUS "${nsources} core files checked: libc, cJSON and libunibreak only, no clock, I/O, "
  "environment or crypto")
