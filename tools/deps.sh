# Installs the Debian packages the kiosk needs (sourced by run-kiosk and run-tests).
# Only what is missing is installed; as root with apt-get, otherwise through sudo, otherwise
# the command to run is printed.

KIOSK_BUILD_DEPS="gcc libc6-dev make cmake pkg-config libsdl2-dev libsdl2-ttf-dev libcjson-dev libsqlite3-dev libgpiod-dev libsodium-dev fonts-noto-cjk"
KIOSK_TEST_DEPS="imagemagick exfatprogs exfat-fuse clang libclang-rt-14-dev"

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
