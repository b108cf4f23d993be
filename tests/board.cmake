# What runs on the board: the kiosk under systemd (sd_notify, watchdog, stop signals,
# --out-of-order), the board files (units, udev rules, polkit rule, the mount script) and the
# Debian package. Included from tests/CMakeLists.txt.

add_executable(test_service test_service.c)
target_link_libraries(test_service PRIVATE SQLite::SQLite3 kiosk_warnings)
target_include_directories(test_service PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
# KIOSK_BIN_RUN (tests/CMakeLists.txt): the kiosk, or in a cross build its emulator wrapper.
if(NOT KIOSK_BIN_RUN)
  set(KIOSK_BIN_RUN "$<TARGET_FILE:kiosk>")
endif()
target_compile_definitions(test_service PRIVATE KIOSK_BIN="${KIOSK_BIN_RUN}")
add_dependencies(test_service kiosk)
add_test(NAME test_service COMMAND test_service)
set_tests_properties(test_service PROPERTIES TIMEOUT 300
  ENVIRONMENT "KIOSK_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp;SDL_VIDEODRIVER=dummy")

# shellcheck over the board's scripts and these tests' scripts.
add_test(NAME board_scripts COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/board/check-scripts
  ${PROJECT_SOURCE_DIR})
set_tests_properties(board_scripts PROPERTIES LABELS board SKIP_RETURN_CODE 77)

# The USB stick mount script, dry run over FAT, exFAT and ext2 images.
add_test(NAME board_usb_mount COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/board/check-usb-mount
  ${PROJECT_SOURCE_DIR})
set_tests_properties(board_usb_mount PROPERTIES LABELS board SKIP_RETURN_CODE 77
  ENVIRONMENT "KIOSK_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp")

# The image's lock-down in its files: the kernel command line, the serial getty, network and
# NTP only as provisioned, kiosk-firstboot.service's sandbox (systemd-analyze, no boot).
add_test(NAME board_lockdown COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/board/check-lockdown
  ${PROJECT_SOURCE_DIR})
set_tests_properties(board_lockdown PROPERTIES LABELS board SKIP_RETURN_CODE 77
  ENVIRONMENT "TMPDIR=${CMAKE_CURRENT_BINARY_DIR}/tmp")

# The Debian package of this build directory: cpack, dpkg-deb -I/-c, the configuration,
# systemd-analyze verify and security, shellcheck, lintian.
add_test(NAME package_deb COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/board/check-package
  ${CMAKE_BINARY_DIR} ${CMAKE_CPACK_COMMAND} ${KIOSK_APP_IME})
set_tests_properties(package_deb PROPERTIES LABELS package SKIP_RETURN_CODE 77 TIMEOUT 600
  RUN_SERIAL TRUE)
