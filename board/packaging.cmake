# The board's Debian package (CPack, DEB generator), for whatever this build directory targets:
#
#   cmake --build build/release && (cd build/release && cpack)     # kiosk_<ver>-1_amd64.deb
#   cmake --build build/arm64   && (cd build/arm64   && cpack)     # kiosk_<ver>-1_arm64.deb
#
# What goes where, the maintainer scripts and the lintian tags that remain: board/README.md,
# "The Debian package". tests/board.cmake builds and checks the package (label "package").

set(KIOSK_DEB_MAINTAINER "Community kiosk maintainers <maintainers@example.org>"
  CACHE STRING "Maintainer field of the Debian package")

# ---- the Debian architecture, from the compiler's target (not the build machine's) ----
if(NOT KIOSK_DEB_ARCH)
  if(CMAKE_C_COMPILER_TARGET)
    set(_kiosk_triplet "${CMAKE_C_COMPILER_TARGET}")
  else()
    execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpmachine
      OUTPUT_VARIABLE _kiosk_triplet OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  if(_kiosk_triplet MATCHES "^x86_64-")
    set(KIOSK_DEB_ARCH amd64)
  elseif(_kiosk_triplet MATCHES "^aarch64-")
    set(KIOSK_DEB_ARCH arm64)
  elseif(_kiosk_triplet MATCHES "^arm.*-gnueabihf$")
    set(KIOSK_DEB_ARCH armhf)
  elseif(_kiosk_triplet MATCHES "^i[3-6]86-")
    set(KIOSK_DEB_ARCH i386)
  elseif(_kiosk_triplet MATCHES "^riscv64-")
    set(KIOSK_DEB_ARCH riscv64)
  else()
    message(WARNING "Packaging: no Debian architecture known for the compiler target "
      "'${_kiosk_triplet}'; pass -DKIOSK_DEB_ARCH=... (the package is marked 'all' until then)")
    set(KIOSK_DEB_ARCH all)
  endif()
endif()
execute_process(COMMAND dpkg --print-architecture
  OUTPUT_VARIABLE _kiosk_build_arch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
message(STATUS "Packaging: Debian architecture ${KIOSK_DEB_ARCH}")

set(_kiosk_pkg ${CMAKE_BINARY_DIR}/package)
file(MAKE_DIRECTORY ${_kiosk_pkg})
set(KIOSK_DEB_VERSION "${PROJECT_VERSION}-1")

# ---- /etc/kiosk/kiosk.json: the board's configuration, sticks under /media/kiosk ----
set(_kiosk_board_json ${PROJECT_SOURCE_DIR}/board/kiosk.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_kiosk_board_json})
file(READ ${_kiosk_board_json} _kiosk_json)
foreach(_kiosk_key_path "pack;/usr/share/kiosk/packs/default.json"
                        "database;/var/lib/kiosk/kiosk.db")
  list(GET _kiosk_key_path 0 _kiosk_key)
  list(GET _kiosk_key_path 1 _kiosk_want)
  string(JSON _kiosk_have ERROR_VARIABLE _kiosk_err GET "${_kiosk_json}" ${_kiosk_key})
  if(NOT _kiosk_have STREQUAL _kiosk_want)
    message(FATAL_ERROR "Packaging: ${_kiosk_board_json}: '${_kiosk_key}' must be "
      "'${_kiosk_want}' (the package installs it there), not '${_kiosk_have}'")
  endif()
endforeach()
string(JSON _kiosk_usb ERROR_VARIABLE _kiosk_err GET "${_kiosk_json}" usb)
if(_kiosk_err)
  # Added as text after the opening brace, so that the file keeps its layout and key order.
  string(REGEX REPLACE "^{\n" "{\n  \"usb\": {\"mountDir\": \"/media/kiosk\"},\n"
    _kiosk_json "${_kiosk_json}")
  string(JSON _kiosk_usb GET "${_kiosk_json}" usb mountDir)
  if(NOT _kiosk_usb STREQUAL "/media/kiosk")
    message(FATAL_ERROR "Packaging: cannot add usb.mountDir to ${_kiosk_board_json}")
  endif()
endif()
file(CONFIGURE OUTPUT ${_kiosk_pkg}/kiosk.json CONTENT "${_kiosk_json}" @ONLY)
file(WRITE ${_kiosk_pkg}/conffiles "/etc/kiosk/kiosk.json\n")

# ---- documents: man pages and the Debian changelog, compressed as Debian wants (gzip -9n) ----
set(KIOSK_VERSION ${PROJECT_VERSION})
configure_file(${PROJECT_SOURCE_DIR}/board/deb/kiosk.1 ${_kiosk_pkg}/kiosk.1 @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/board/deb/kiosk-staff.1 ${_kiosk_pkg}/kiosk-staff.1 @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/board/deb/changelog.in ${_kiosk_pkg}/changelog.Debian @ONLY)
find_program(KIOSK_GZIP gzip)
set(_kiosk_docs "")
if(KIOSK_GZIP)
  foreach(_kiosk_doc kiosk.1 kiosk-staff.1 changelog.Debian)
    execute_process(COMMAND ${KIOSK_GZIP} -9n -c ${_kiosk_pkg}/${_kiosk_doc}
      OUTPUT_FILE ${_kiosk_pkg}/${_kiosk_doc}.gz RESULT_VARIABLE _kiosk_rc)
    if(NOT _kiosk_rc EQUAL 0)
      message(FATAL_ERROR "Packaging: gzip ${_kiosk_doc} failed")
    endif()
  endforeach()
  install(FILES ${_kiosk_pkg}/kiosk.1.gz ${_kiosk_pkg}/kiosk-staff.1.gz DESTINATION share/man/man1)
  install(FILES ${_kiosk_pkg}/changelog.Debian.gz DESTINATION share/doc/kiosk)
else()
  message(WARNING "Packaging: no gzip: the package will lack its man pages and changelog")
endif()

# ---- what the package installs (units and udev rules in /lib, as Debian 12 has them) ----
set(_kiosk_board ${PROJECT_SOURCE_DIR}/board)
install(FILES ${PROJECT_SOURCE_DIR}/assets/packs/default.json DESTINATION share/kiosk/packs)
install(FILES ${_kiosk_pkg}/kiosk.json DESTINATION /etc/kiosk)
install(FILES ${_kiosk_board}/systemd/kiosk.service ${_kiosk_board}/systemd/kiosk-out-of-order.service
  ${_kiosk_board}/systemd/kiosk-usb@.service ${_kiosk_board}/systemd/kiosk-firstboot.service
  DESTINATION /lib/systemd/system)
install(FILES ${_kiosk_board}/udev/60-kiosk-devices.rules ${_kiosk_board}/udev/90-kiosk-usb.rules
  DESTINATION /lib/udev/rules.d)
install(PROGRAMS ${_kiosk_board}/scripts/kiosk-usb-mount ${_kiosk_board}/scripts/kiosk-firstboot
  DESTINATION libexec/kiosk)
install(FILES ${_kiosk_board}/polkit/50-kiosk.rules DESTINATION share/polkit-1/rules.d)
install(FILES ${_kiosk_board}/conf/system.conf.d/50-kiosk.conf DESTINATION lib/systemd/system.conf.d)
install(FILES ${_kiosk_board}/conf/logind.conf.d/50-kiosk.conf DESTINATION lib/systemd/logind.conf.d)
install(FILES ${_kiosk_board}/conf/coredump.conf.d/50-kiosk.conf
  DESTINATION lib/systemd/coredump.conf.d)
install(FILES ${_kiosk_board}/conf/sysctl.d/50-kiosk.conf DESTINATION lib/sysctl.d)
install(FILES ${_kiosk_board}/conf/tmpfiles.d/kiosk.conf DESTINATION lib/tmpfiles.d)
install(FILES ${_kiosk_board}/deb/copyright ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION share/doc/kiosk)
install(FILES ${_kiosk_board}/README.md DESTINATION share/doc/kiosk RENAME README.board.md)
install(FILES ${_kiosk_board}/deb/lintian-overrides DESTINATION share/lintian/overrides
  RENAME kiosk)

# ---- the package ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kiosk)
set(CPACK_PACKAGE_VENDOR "The community feedback kiosk authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${KIOSK_DEB_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${KIOSK_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KIOSK_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "touchscreen kiosk for residents' feedback (board)
The firmware of a community center's feedback terminal on a Raspberry Pi:
residents leave a rating, feedback or a service request, answer
questionnaires and sign up for activities, in their own language, and every
answer is stored in SQLite before the kiosk says thank you.
.
This package turns the machine it is installed on into a kiosk: the kiosk
service takes the console (tty1) and the display (KMS/DRM) from the next boot
on, with a service watchdog and an out-of-order screen after a crash loop;
USB sticks are mounted for it; login prompts on the console, Ctrl+Alt+Del,
SysRq and core dumps are switched off, and the hardware watchdog is armed.
It also contains kiosk-staff, the staff tool for the office.")
# Libraries from dpkg-shlibdeps (for a cross build: the target architecture's libraries must be
# installed, e.g. libsdl2-2.0-0:arm64; libfribidi0, libfontconfig1 and libharfbuzz0b for the
# text come this way); the rest by hand. Fonts: Noto Sans CJK for Chinese, Japanese and Korean,
# fonts-noto-core for Latin, digits and every other script (Arabic for Uyghur, Tibetan,
# Mongolian, Yi), Noto Color Emoji for emoji in packs and typed text, chosen through
# fontconfig. Speech (firmware/audio): libespeak-ng1, libvorbisfile3 and libopusfile0 through dpkg-shlibdeps, espeak-ng's voices by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "fonts-noto-cjk, fonts-noto-core, fonts-noto-color-emoji, adduser, init-system-helpers (>= 1.54~), systemd (>= 252), udev, mount, polkitd, libegl1, libgles2, libgbm1, libgl1-mesa-dri, jq, openssl, espeak-ng-data")
# The input methods (firmware/ime): librime and zinnia are loaded with dlopen (dpkg-shlibdeps does
# not see them: named here, or from their shlibs in the cross build below); their data by
# hand: Rime's luna_pinyin table (the package ships only the schemas compiled against it, in
# /usr/share/kiosk/rime) and zinnia's Simplified Chinese model.
if(KIOSK_IME)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
    ", rime-data-luna-pinyin, tegaki-zinnia-simplified-chinese")
  if(NOT CMAKE_CROSSCOMPILING)
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", librime1, libzinnia0")
  endif()
endif()
# In the arm64 cross build librime1 and libzinnia0 are unpacked, not installed (tools/deps.sh
# kiosk_unpack_arm64_ime): dpkg-shlibdeps finds the libraries there (-l) but not their packages,
# so their dependencies are taken from the packages' own shlibs lines, kept beside them.
if(KIOSK_APP_IME AND CMAKE_CROSSCOMPILING AND KIOSK_IME_LIBDIR)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${KIOSK_IME_LIBDIR})
  file(STRINGS ${KIOSK_IME_ROOT}/shlibs _ime_shlibs)
  foreach(_lib librime libzinnia)
    set(_dep "")
    foreach(_line IN LISTS _ime_shlibs)
      if(_line MATCHES "^${_lib} [^ ]+ (.+)$")
        set(_dep ${CMAKE_MATCH_1})
      endif()
    endforeach()
    if(NOT _dep)
      message(FATAL_ERROR "No shlibs line for ${_lib} in ${KIOSK_IME_ROOT}/shlibs: run "
                          "tools/deps.sh's kiosk_unpack_arm64_ime again")
    endif()
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${_dep}")
  endforeach()
endif()
# libunibreak (line breaking, in the core) is unpacked there too in the cross build.
if(CMAKE_CROSSCOMPILING)
  list(APPEND CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${KIOSK_IME_ROOT}/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
  file(STRINGS ${KIOSK_IME_ROOT}/shlibs _ub_shlibs REGEX "^libunibreak ")
  list(GET _ub_shlibs 0 _ub_line)
  string(REGEX REPLACE "^libunibreak [^ ]+ " "" _ub_dep "${_ub_line}")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${_ub_dep}")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${_kiosk_board}/deb/postinst ${_kiosk_board}/deb/prerm ${_kiosk_board}/deb/postrm
  ${_kiosk_pkg}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# dpkg-shlibdeps looks for libraries of the architecture it is told about (DEB_HOST_ARCH), the
# build machine's by default: tell it the target's when cross-building.
if(_kiosk_build_arch AND NOT KIOSK_DEB_ARCH STREQUAL _kiosk_build_arch AND
   NOT KIOSK_DEB_ARCH STREQUAL "all")
  file(WRITE ${_kiosk_pkg}/cpack-project.cmake "set(ENV{DEB_HOST_ARCH} \"${KIOSK_DEB_ARCH}\")\n")
  set(CPACK_PROJECT_CONFIG_FILE ${_kiosk_pkg}/cpack-project.cmake)
endif()
include(CPack)
