#!/bin/bash
# The kiosk's .deb for developing and testing the image tools before the packaging carries the
# first-boot files: the real package, made by cpack from an arm64 cross build of this tree in
# build/image/kiosk-arm64 (not the arm64 preset's build/arm64, which is another's to use), with
# board/scripts/kiosk-firstboot (/usr/libexec/kiosk/) and board/systemd/kiosk-firstboot.service
# (/lib/systemd/system/) added when it lacks them. Its version gains "+firstboot" then, so it is
# never mistaken for a release.
#
#   tests/tools/make-standin-deb.sh OUTDIR      prints the package's path
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:?usage: make-standin-deb.sh OUTDIR}
b=$repo/build/image/kiosk-arm64
mkdir -p "$out"
cmake -S "$repo" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$repo/board/toolchain-aarch64.cmake" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$b" --target kiosk kiosk-staff >/dev/null
rm -f "$b"/kiosk_*_arm64.deb
(cd "$b" && cpack -G DEB >/dev/null)
deb=$(ls "$b"/kiosk_*_arm64.deb)

if dpkg-deb -c "$deb" | grep -q 'libexec/kiosk/kiosk-firstboot$' &&
    dpkg-deb -c "$deb" | grep -q 'kiosk-firstboot.service$'; then
    cp "$deb" "$out/"
    echo "$out/$(basename "$deb")"
    exit 0
fi
pkg=$(mktemp -d)
trap 'rm -rf "$pkg"' EXIT
dpkg-deb -R "$deb" "$pkg"
install -D -m 0755 "$repo/board/scripts/kiosk-firstboot" "$pkg/usr/libexec/kiosk/kiosk-firstboot"
install -D -m 0644 "$repo/board/systemd/kiosk-firstboot.service" "$pkg/lib/systemd/system/kiosk-firstboot.service"
ver=$(dpkg-deb -f "$deb" Version)+firstboot
sed -i "s/^Version: .*/Version: $ver/" "$pkg/DEBIAN/control"
# kiosk-firstboot reads the provisioning file with jq.
grep -q '^Depends:.*\bjq\b' "$pkg/DEBIAN/control" || sed -i 's/^\(Depends: .*\)$/\1, jq/' "$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group -Zxz -b "$pkg" "$out/kiosk_${ver}_arm64.deb" >/dev/null
echo "$out/kiosk_${ver}_arm64.deb"
