# Installs the Debian packages the kiosk needs (sourced by run-kiosk and run-tests).
# Only what is missing is installed; as root with apt-get, otherwise through sudo, otherwise
# the command to run is printed.

KIOSK_BUILD_DEPS="gcc libc6-dev make cmake pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libcjson-dev libsqlite3-dev libgpiod-dev libsodium-dev libsystemd-dev libmount-dev libqrencode-dev libunibreak-dev libfribidi-dev libfontconfig-dev libharfbuzz-dev fonts-noto-cjk
 fonts-noto-core fonts-noto-color-emoji librime-dev librime-bin rime-data-luna-pinyin rime-essay libzinnia-dev tegaki-zinnia-simplified-chinese
 libespeak-ng-dev espeak-ng-data libvorbis-dev libopusfile-dev libgettextpo-dev"
KIOSK_TEST_DEPS="libharfbuzz-bin libfreetype-dev imagemagick zbar-tools python3 exfatprogs exfat-fuse clang libclang-rt-14-dev shellcheck dosfstools lintian dpkg-dev systemd e2fsprogs jq openssl mtools bmap-tools zstd xz-utils fdisk tzdata
 sox espeak-ng opus-tools gettext strace"
# Chinese speech: the pinyin table is built from rime-data-terra-pinyin, OpenCC's character
# data (opencc_dict, libopencc-data), rime-essay and unicode-data's Unihan readings (the
# mainland's readings, decompressed with bzip2's bzcat); all on the build machine, no arm64 side.
KIOSK_BUILD_DEPS="$KIOSK_BUILD_DEPS rime-data-terra-pinyin opencc libopencc-data unicode-data bzip2"
# The arm64 cross build (preset arm64) and its tests under qemu-user: Debian's cross compiler
# and libc, qemu-aarch64-static, and the arm64 (multiarch) -dev package of every library the
# kiosk links. Fonts, exFAT and imagemagick are host tools or arch-independent: the lists above.
# Not librime-dev:arm64 nor libzinnia-dev:arm64: Debian 12's librime1, libzinnia0 (and glog,
# gflags, opencc under them) are not Multi-Arch: same, so their arm64 packages conflict with
# the host's and apt would remove the host's -dev packages: kiosk_unpack_arm64_ime (below)
# unpacks them instead. rime_deployer (librime-bin, host) compiles the Rime data for both.
# Nor libunibreak-dev:arm64 (line breaking, in the core): libunibreak1 is not Multi-Arch: same
# either and installs into /usr/lib; kiosk_unpack_arm64_ime unpacks it with the IME's.
KIOSK_ARM64_DEPS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
 libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 libsdl2-image-dev:arm64 libcjson-dev:arm64
 libsqlite3-dev:arm64 libgpiod-dev:arm64 libsodium-dev:arm64 libsystemd-dev:arm64 libmount-dev:arm64
 libqrencode-dev:arm64 libfribidi-dev:arm64 libfontconfig-dev:arm64 libharfbuzz-dev:arm64
 libespeak-ng-dev:arm64 libvorbis-dev:arm64 libopusfile-dev:arm64 libgettextpo-dev:arm64"

kiosk_install_deps() {
    local missing=()
    local p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}"
    local apt=(apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends "${missing[@]}")
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0 update >/dev/null &&
            DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get -q update >/dev/null && sudo DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null
    else
        echo "Missing packages; as root run: apt-get install ${missing[*]}" >&2
        return 1
    fi
}

# The arm64 packages need dpkg to know the arm64 architecture (multiarch) first; then, as for
# the others, only what is missing is installed (kiosk_install_deps updates apt's lists).
kiosk_install_arm64_deps() {
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        echo "Adding the arm64 architecture to dpkg (multiarch)"
        if [ "$(id -u)" -eq 0 ]; then
            dpkg --add-architecture arm64
        elif command -v sudo >/dev/null 2>&1; then
            sudo dpkg --add-architecture arm64
        else
            echo "As root run: dpkg --add-architecture arm64 && apt-get update" >&2
            return 1
        fi
    fi
    # shellcheck disable=SC2086
    kiosk_install_deps $KIOSK_ARM64_DEPS
}

# The IME's arm64 libraries for the cross build, beside the host's: Debian 12's librime1 and
# libzinnia0 (and glog, gflags, opencc) are not Multi-Arch: same, so their arm64 packages cannot
# be installed with the host's; they are unpacked instead into DIR (default build/arm64-ime-root),
# which the arm64 preset uses as KIOSK_IME_ROOT (headers, libraries, and the run path of the
# programs under qemu-user).
KIOSK_IME_ARM64_DEBS="librime1:arm64 librime-dev:arm64 libzinnia0:arm64 libzinnia-dev:arm64
 libgoogle-glog0v6:arm64 libgflags2.2:arm64 libopencc1.1:arm64 libboost-filesystem1.74.0:arm64
 libboost-regex1.74.0:arm64 libleveldb1d:arm64 libmarisa0:arm64 libyaml-cpp0.7:arm64
 libsnappy1v5:arm64 libunibreak1:arm64 libunibreak-dev:arm64"
# DIR/shlibs gathers the packages' own shlibs lines ("librime 1 librime1 (>= ...)"), from which
# the arm64 .deb takes its dependencies on them (board/packaging.cmake).
kiosk_unpack_arm64_ime() {
    local dir=${1:-build/arm64-ime-root}
    [ -e "$dir/usr/include/rime_api.h" ] && [ -e "$dir/usr/include/linebreak.h" ] &&
        [ -e "$dir/shlibs" ] && return 0
    local debs; debs=$(mktemp -d)
    # shellcheck disable=SC2086 # a list of package names: split on purpose
    (cd "$debs" && chmod 755 . && apt-get -q download $KIOSK_IME_ARM64_DEBS >/dev/null) || {
        rm -rf "$debs"; return 1; }
    mkdir -p "$dir"
    : > "$dir/shlibs.new"
    local d
    for d in "$debs"/*.deb; do
        dpkg-deb -x "$d" "$dir"
        rm -rf "$debs/control" && dpkg-deb -e "$d" "$debs/control"
        if [ -e "$debs/control/shlibs" ]; then cat "$debs/control/shlibs" >> "$dir/shlibs.new"; fi
    done
    mv "$dir/shlibs.new" "$dir/shlibs"
    # libunibreak installs into /usr/lib: beside the others, in the multiarch directory.
    mv "$dir"/usr/lib/libunibreak.so* "$dir/usr/lib/aarch64-linux-gnu/"
    rm -rf "$debs"
}
