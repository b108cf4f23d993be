# The arrows check on scratch trees: a clean one passes, and one wrong include of each kind is
# named with its file and line, so that the check cannot pass by looking at nothing.
#   cmake -DCHECKER=<check_arrows.cmake> -DWORK=<scratch dir> -P check_arrows_test.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")

function(write_tree root bad)
  file(WRITE "${root}/core/a.c" "#include \"core/a.h\"\n#include <stdio.h>\n")
  file(WRITE "${root}/usb/x.c" "#include \"usb/x.h\"\n#include \"core/a.h\"\n#include \"crypto/crypto.h\"\n")
  file(WRITE "${root}/app/app.c" "#include \"app/app_internal.h\"\n#include \"store/store.h\"\n")
  file(WRITE "${root}/app/router.h" "#include \"app/app_internal.h\"\n")
  if(bad)
    file(APPEND "${root}/core/a.c" "#include \"ui/ui.h\"\n")
    file(APPEND "${root}/usb/x.c" "#include \"store/store.h\"\n")
    file(WRITE "${root}/app/quiet.c" "#include \"app/quiet.h\"\n#include \"app/app_internal.h\"\n")
    file(WRITE "${root}/store/s.c" "#include \"app/log.h\"\n")
  endif()
endfunction()

write_tree("${WORK}/clean" OFF)
execute_process(COMMAND ${CMAKE_COMMAND} -DDIR=${WORK}/clean -P ${CHECKER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "a clean tree was refused:\n${out}${err}")
endif()

write_tree("${WORK}/bad" ON)
execute_process(COMMAND ${CMAKE_COMMAND} -DDIR=${WORK}/bad -P ${CHECKER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "a tree with four wrong includes passed:\n${out}${err}")
endif()
foreach(expected "core/a.c:3: includes ui/ui.h" "usb/x.c:4: includes store/store.h"
                 "app/quiet.c:2: includes app/app_internal.h" "store/s.c:1: includes app/log.h")
  string(FIND "${out}${err}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "not named: '${expected}' in:\n${out}${err}")
  endif()
endforeach()
message(STATUS "the arrows check names each wrong include")
