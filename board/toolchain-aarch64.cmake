# Cross build for the Raspberry Pi (arm64) on a Debian amd64 machine, with Debian's packages
# only (tools/deps.sh, kiosk_install_arm64_deps): gcc-aarch64-linux-gnu and its libc
# (libc6-dev-arm64-cross, in /usr/aarch64-linux-gnu), and the arm64 multiarch -dev packages of
# the libraries, which install into /usr/lib/aarch64-linux-gnu and /usr/include/aarch64-linux-gnu
# beside their amd64 twins (with libc6:arm64). Programs and tests run under qemu-user
# (qemu-user-static), called explicitly: no binfmt_misc registration is needed. Used by the
# "arm64" preset.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
# Multiarch: CMake searches <prefix>/lib/aarch64-linux-gnu, never the amd64 x86_64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Where the target's files are: the cross libc's tree first, then the multiarch tree under /
# (arm64 libraries in /usr/lib/aarch64-linux-gnu, CMake package files in
# /usr/lib/aarch64-linux-gnu/cmake, headers in /usr/include). Programs (pkg-config, the shell,
# cmake itself) are the host's.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config sees the arm64 .pc files only (and the arch-independent ones).
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# ctest runs the test programs through qemu-user. The target's root is / (multiarch), so the
# dynamic loader is libc6:arm64's /lib/ld-linux-aarch64.so.1, the same build as the libc.so.6 it
# loads from /lib/aarch64-linux-gnu. Not -L /usr/aarch64-linux-gnu: that loader comes from
# libc6-arm64-cross (2.36-8cross1), a different build of glibc than libc6:arm64
# (2.36-9+deb12uN), and that pair hangs in pthread_create. The cross libc serves for linking
# only. The programs the tests start themselves go through the same command (tests/CMakeLists.txt).
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64-static;-L;/")
