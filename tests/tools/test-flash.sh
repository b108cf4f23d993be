#!/bin/bash
# shellcheck disable=SC2054 # option values with commas
# tools/flash on loop devices: a write and read-back verification through bmaptool (.img.xz with
# its .bmap) and through dd (.img and SHA256SUMS), and each refusal: not a block device, a
# partition, a mounted device, the system's own disk, a device above the size limit, no
# confirmation, a damaged download, a read-only device, a read-back that differs.
# Needs root and loop devices (losetup); skipped (77) otherwise.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
need losetup sfdisk mkfs.vfat mcopy bmaptool xz sha256sum lsblk findmnt jq openssl
need_tzdata
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"
losetup -f >/dev/null 2>&1 || skip "no free loop device"
make_scratch
cd "$scratch" || exit 1
flash=$repo/tools/flash
loops=()
mnt=''
cleanup() {
    [ -z "$mnt" ] || umount "$mnt" 2>/dev/null || true
    for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
    scratch_cleanup
}
trap cleanup EXIT
new_loop() { # FILE [losetup options]: attaches FILE, sets LOOP
    LOOP=$(losetup -f --show "$@")
    loops+=("$LOOP")
}

# The image: the kiosk's layout in small, some data in the second partition, holes elsewhere.
mkdir -p rel
make_fat_image rel/kiosk.img
head -c 3M /dev/urandom | dd of=rel/kiosk.img bs=1M seek=40 conv=notrunc status=none
bmaptool create -o rel/kiosk.img.bmap rel/kiosk.img
xz -T0 -k rel/kiosk.img
(cd rel && sha256sum kiosk.img kiosk.img.bmap kiosk.img.xz >SHA256SUMS)
size=$(stat -c %s rel/kiosk.img)

# ---- a write and verification, bmap path ----
truncate -s 64M card1.bin
head -c 64M /dev/urandom >card1.bin # old content on the "card"
new_loop card1.bin
card=$LOOP
if out=$("$flash" --yes rel/kiosk.img.xz "$card" 2>&1); then
    ok "written with bmaptool and verified: $(grep Verified <<<"$out")"
else
    not_ok "flash (bmap): $out"
fi
check "... the mapped ranges hold the image" grep -q 'mapped ranges' <<<"$out"
same_table() { [ "$(sfdisk -d "$1" | grep -v '^device' | sed 's/^[^:]*:/:/')" = "$(sfdisk -d "$2" | grep -v '^device' | sed 's/^[^:]*:/:/')" ]; }
check "... the partition table is the image's" same_table "$card" rel/kiosk.img
check "... the boot partition reads back" grep -q root=PARTUUID=1234abcd-02 \
    <<<"$(mtype -i "$card@@$FAT_OFFSET" ::/cmdline.txt 2>/dev/null)"

# ---- provisioning the flashed card (a block device), then re-provisioning it ----
org_keys org
pargs=(--site "Hall" --address "1 Street" --timezone Etc/UTC --languages en --pins "$repo/board/kiosk.json" --org-keys org)
if out=$("$repo/tools/provision" --yes --kiosk-id card-1 "${pargs[@]}" "$card" 2>&1); then
    ok "provisioned the flashed card $card"
else
    not_ok "provision $card: $out"
fi
expect_fail "provisioning a block device without --yes (no terminal)" "not confirmed" \
    "$repo/tools/provision" --reprovision --kiosk-id card-2 "${pargs[@]}" "$card"
if out=$("$repo/tools/provision" --yes --reprovision --kiosk-id card-2 "${pargs[@]}" "$card" 2>&1); then
    ok "re-provisioned the card"
else
    not_ok "reprovision $card: $out"
fi
check "... the card holds the new provisioning" grep -q '"kioskId": "card-2"' \
    <<<"$(mtype -i "$card@@$FAT_OFFSET" ::/kiosk-provision/provision.json 2>/dev/null)"

# ---- dd path: a raw image, no bmap ----
mkdir -p raw && cp rel/kiosk.img raw/ && (cd raw && sha256sum kiosk.img >SHA256SUMS)
head -c 64M /dev/urandom | dd of="$card" bs=4M oflag=direct status=none
if out=$("$flash" --yes raw/kiosk.img "$card" 2>&1); then
    ok "written with dd and verified: $(grep Verified <<<"$out")"
else
    not_ok "flash (dd): $out"
fi
check "... the first $size bytes are the image" cmp -n "$size" raw/kiosk.img "$card"

# ---- verification that fails: SHA256SUMS names another image's hash ----
mkdir -p wrong && cp rel/kiosk.img wrong/ && echo "$(printf '0%.0s' {1..64})  kiosk.img" >wrong/SHA256SUMS
expect_fail "a read-back that differs" "VERIFY FAILED" "$flash" --yes wrong/kiosk.img "$card"
mkdir -p nosum && cp rel/kiosk.img nosum/
expect_fail "no bmap and no SHA256SUMS to verify against" "add --no-verify" "$flash" --yes nosum/kiosk.img "$card"

# ---- a damaged download ----
mkdir -p dmg && cp rel/kiosk.img.xz rel/kiosk.img.bmap rel/SHA256SUMS dmg/
printf 'x' | dd of=dmg/kiosk.img.xz bs=1 seek=1000 conv=notrunc status=none
expect_fail "a damaged download" "does not match its SHA-256" "$flash" --yes dmg/kiosk.img.xz "$card"

# ---- refusals ----
expect_fail "a regular file as the device" "not a block device" "$flash" --yes rel/kiosk.img.xz card1.bin
expect_fail "a device that does not exist" "no such device" "$flash" --yes rel/kiosk.img.xz /dev/no-such-disk
expect_fail "no confirmation without --yes (no terminal)" "not confirmed" "$flash" rel/kiosk.img.xz "$card"
expect_fail "an image that is not one" "not a .img, .img.xz" "$flash" --yes rel/SHA256SUMS "$card"
KIOSK_FLASH_MAX_GB=0 expect_fail "a device above the size limit" "add --force-large" "$flash" --yes rel/kiosk.img.xz "$card"
if KIOSK_FLASH_MAX_GB=0 "$flash" --check --force-large "$card" >/dev/null 2>&1; then
    ok "--force-large lifts the size limit"
else
    not_ok "--force-large did not lift the size limit"
fi

# a partition of a card (losetup -P makes loopNp1, loopNp2)
truncate -s 64M card2.bin
dd if=rel/kiosk.img of=card2.bin conv=notrunc status=none
new_loop card2.bin -P
part=${LOOP}p1
for _ in 1 2 3 4 5; do [ -b "$part" ] && break; sleep 0.2; done
if [ -b "$part" ]; then
    expect_fail "a partition instead of the disk" "is a partition; give the whole disk" "$flash" --yes rel/kiosk.img.xz "$part"
    # a mounted partition of the card (ext4 on partition 2; this kernel may lack vfat)
    if mkfs.ext4 -q -F "${LOOP}p2" 2>/dev/null && mkdir -p m && mount "${LOOP}p2" m 2>/dev/null; then
        mnt=$PWD/m
        expect_fail "a card with a mounted partition" "p2 is mounted at $mnt" "$flash" --yes rel/kiosk.img.xz "$LOOP"
        umount m && mnt=''
    else
        echo "(cannot mount ext4 here: the mounted-partition refusal is not tried)"
    fi
else
    echo "(no partition devices from losetup -P: the partition refusals are not tried)"
fi
# a mounted whole device
truncate -s 16M whole.bin && mkfs.ext4 -q -F whole.bin
new_loop whole.bin
if mkdir -p w && mount "$LOOP" w 2>/dev/null; then
    mnt=$PWD/w
    expect_fail "a mounted device" "is mounted at $mnt" "$flash" --yes rel/kiosk.img.xz "$LOOP"
    expect_fail "provisioning a mounted device" "is mounted at $mnt" "$repo/tools/provision" --yes \
        --kiosk-id x "${pargs[@]}" "$LOOP"
    umount w && mnt=''
fi
# the system's own disk: only ever --check (nothing is written even if the check were wrong)
rootdev=$(findmnt -no SOURCE / || true)
if [ -b "$rootdev" ]; then
    sysdisk=$(lsblk -nrso KNAME,TYPE "$rootdev" | awk '$2 == "disk" {print $1; exit}')
    if [ -n "$sysdisk" ]; then
        expect_fail "the system's own disk (/dev/$sysdisk)" "" "$flash" --check "/dev/$sysdisk"
        out=$("$flash" --check "/dev/$sysdisk" 2>&1 || true)
        check "... named as the running system's or as mounted" \
            grep -qE "holds / of the running system|is mounted at /" <<<"$out"
    fi
else
    echo "(/ is not on a block device here: the system-disk refusal is not tried)"
fi
# a read-only device: the write fails and says so
new_loop card1.bin -r
expect_fail "a read-only device" "writing failed" "$flash" --yes rel/kiosk.img.xz "$LOOP"
check "usage errors exit 2" bash -c "'$flash' onlyone >/dev/null 2>&1; [ \$? = 2 ]"
finish
