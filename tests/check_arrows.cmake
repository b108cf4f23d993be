# The arrows between the firmware's rooms (README, "Layout of the source"): an edge includes
# the core and itself, never another edge, except the arrows the README names (usb/ and store/
# use crypto/crypto.h); the core includes no edge and no app; the app's internal header is
# included by app.c, render.c and router.c only; nothing includes the app but main.c. Prints
# each wrong include with its file and line and fails.
#   cmake -DDIR=<firmware> -P check_arrows.cmake
cmake_minimum_required(VERSION 3.25)
if(NOT DIR)
  message(FATAL_ERROR "usage: cmake -DDIR=<firmware directory> -P check_arrows.cmake")
endif()

set(edges store ui buttons crypto usb system ime)
# Named arrows between rooms, as "FROM_DIR:HEADER".
set(named_arrows "usb:crypto/crypto.h" "store:crypto/crypto.h")
# Files allowed to include the app's internals.
set(app_internal_users "app/app.c" "app/render.c" "app/router.h")

file(GLOB_RECURSE sources RELATIVE "${DIR}" "${DIR}/*.c" "${DIR}/*.h")
list(SORT sources)
list(LENGTH sources n)
if(n EQUAL 0)
  message(FATAL_ERROR "no sources found in ${DIR}")
endif()

set(bad "")
foreach(rel IN LISTS sources)
  string(REGEX REPLACE "/.*" "" room "${rel}")
  file(STRINGS "${DIR}/${rel}" lines)
  set(line_no 0)
  foreach(line IN LISTS lines)
    math(EXPR line_no "${line_no} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/([^\"]+)\"")
      continue()
    endif()
    set(to "${CMAKE_MATCH_1}")
    set(header "${CMAKE_MATCH_1}/${CMAKE_MATCH_2}")
    set(why "")
    if(to STREQUAL room)
      if(header STREQUAL "app/app_internal.h" AND NOT rel IN_LIST app_internal_users)
        set(why "only app.c, render.c and router.c share the app's state")
      endif()
    elseif(to STREQUAL "core")
      # everyone may use the pure core
    elseif(room STREQUAL "core")
      set(why "the core includes no edge and no app")
    elseif(to STREQUAL "app")
      set(why "nothing outside the app includes it")
    elseif(room IN_LIST edges AND to IN_LIST edges AND NOT "${room}:${header}" IN_LIST named_arrows)
      set(why "an edge includes no other edge (README names the exceptions)")
    endif()
    if(why)
      list(APPEND bad "${rel}:${line_no}: includes ${header}: ${why}")
    endif()
  endforeach()
endforeach()

if(bad)
  foreach(b IN LISTS bad)
    message(NOTICE "${b}")
  endforeach()
  list(LENGTH bad nbad)
  message(FATAL_ERROR "${nbad} include(s) above cross the rooms' boundaries")
endif()
message(STATUS "${n} files: every include follows the arrows")
