#!/bin/bash
# tools/build-image's partitioning and file systems (stages 3-6) on a tiny fake root (--tree, no
# mmdebstrap): the MBR table and its alignment, the boot partition's cmdline.txt and config.txt
# (PARTUUID of the root), fstab, the read-only layout and the data partition's first content
# (read with debugfs, no mount), the bmap, the compressed image and SHA256SUMS; then
# tools/provision on the result. Needs root (owners in mkfs.ext4 -d); skipped (77) otherwise.
# shellcheck disable=SC2016 # jq programs in single quotes
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
need sfdisk mkfs.vfat mcopy mtype mkfs.ext4 e2fsck debugfs bmaptool zstd jq openssl
need_tzdata
[ "$(id -u)" = 0 ] || skip "needs root (mkfs.ext4 -d keeps the tree's owners)"
make_scratch
cd "$scratch" || exit 1

# A fake root: what the image tools look at, in miniature.
t=fake
mkdir -p $t/etc/kiosk $t/var/lib/kiosk $t/var/lib/systemd/timesync $t/var/log/apt $t/boot/firmware \
    $t/usr/bin $t/lib/systemd/system $t/usr/share/zoneinfo/Etc
printf 'root:x:0:0:root:/root:/bin/bash\nkiosk:x:999:995::/var/lib/kiosk:/usr/sbin/nologin\n' >$t/etc/passwd
cp "$repo/board/kiosk.json" $t/etc/kiosk/kiosk.json
echo '#!/bin/sh' >$t/usr/bin/kiosk && chmod 755 $t/usr/bin/kiosk
printf '[Unit]\nDescription=fake\n[Service]\nExecStart=/usr/bin/kiosk\n[Install]\nWantedBy=multi-user.target\n' \
    >$t/lib/systemd/system/kiosk.service
echo TZif >$t/usr/share/zoneinfo/Etc/UTC
chown 999:995 $t/var/lib/kiosk

org_keys org
out=$("$repo/tools/build-image" --tree $t --out out --name tiny --disk-id 0badcafe --boot-mib 64 \
    --data-mib 32 --compress zstd --org-key org/org-sign.public 2>&1) || {
    not_ok "build-image --tree: $out"
    finish
}
ok "built from a fake root"
img=out/tiny.img
check "stage times are reported" grep -q 'total: ' <<<"$out"

# ---- the partition table ----
pt=$(sfdisk -J $img)
check "an MBR table with the disk id" jq -e '.partitiontable.label == "dos" and .partitiontable.id == "0x0badcafe"' <<<"$pt"
check "three partitions: FAT32 (bootable), Linux, Linux" jq -e \
    '[.partitiontable.partitions[] | .type] == ["c", "83", "83"] and .partitiontable.partitions[0].bootable == true' <<<"$pt"
check "every partition starts on a 4 MiB boundary" jq -e '[.partitiontable.partitions[] | .start % 8192 == 0] | all' <<<"$pt"
check "boot 64 MiB, data 32 MiB, as asked" jq -e \
    '.partitiontable.partitions[0].size == 131072 and .partitiontable.partitions[2].size == 65536' <<<"$pt"
check "the partitions do not overlap" jq -e \
    '.partitiontable.partitions as $p | ($p[0].start + $p[0].size <= $p[1].start) and ($p[1].start + $p[1].size <= $p[2].start)' <<<"$pt"
off() { jq -r ".partitiontable.partitions[$1].start * 512" <<<"$pt"; }
part() { # N FILE: partition N (0-based) copied out
    dd if=$img of="$2" bs=512 skip="$(jq -r ".partitiontable.partitions[$1].start" <<<"$pt")" \
        count="$(jq -r ".partitiontable.partitions[$1].size" <<<"$pt")" status=none
}

# ---- the boot partition ----
fat="$img@@$(off 0)"
cmd=$(mtype -i "$fat" ::/cmdline.txt)
check "cmdline.txt: one line" test "$(wc -l <<<"$cmd")" = 1
check "cmdline.txt: the root by PARTUUID, read-only, checked" \
    grep -qE '(^| )root=PARTUUID=0badcafe-02 rootfstype=ext4 ro rootwait fsck.repair=yes( |$)' <<<"$cmd"
check "cmdline.txt: no blanking, the serial console" grep -qE 'consoleblank=0.*|console=ttyS1,115200' <<<"$cmd"
check "cmdline.txt: no comment lines" bash -c "! grep -q '#' <<<'$cmd'"
check "cmdline.txt: panic=10 (the initramfs reboots instead of a shell)" grep -qE '(^| )panic=10( |$)' <<<"$cmd"
check "cmdline.txt: SysRq off from the kernel's start" grep -qE '(^| )sysctl\.kernel\.sysrq=0( |$)' <<<"$cmd"
check "cmdline.txt: no serial login by default" bash -c "! grep -q 'kiosk.serial_login' <<<'$cmd'"
check "config.txt: 64-bit, Debian's kernel on the mainline device trees" \
    grep -qzE 'arm_64bit=1.*upstream_kernel=1' <<<"$(mtype -i "$fat" ::/config.txt)"
check "the boot file system is labelled KIOSKBOOT" grep -q KIOSKBOOT <<<"$(mdir -i "$fat" ::/ 2>&1 | head -n2)"

# ---- the root ----
part 1 root.ext4
fsck_clean() { e2fsck -fn "$1" >/dev/null 2>&1; }
check "the root checks clean" fsck_clean root.ext4
fstab=$(debugfs -R 'cat /etc/fstab' root.ext4 2>/dev/null)
check "fstab: the root read-only by PARTUUID" grep -qE '^PARTUUID=0badcafe-02 +/ +ext4 +ro,' <<<"$fstab"
check "fstab: the boot partition read-only" grep -qE '^PARTUUID=0badcafe-01 +/boot/firmware +vfat +ro,' <<<"$fstab"
check "fstab: the data partition read-write" grep -qE '^PARTUUID=0badcafe-03 +/data +ext4 +rw,' <<<"$fstab"
for b in /var/lib/kiosk /etc/kiosk /var/lib/systemd /var/log; do
    check "fstab: $b is a bind of the data partition" grep -qE "^/data/[a-z-]+ +$b +none +bind" <<<"$fstab"
done
check "fstab: /tmp on tmpfs" grep -qE '^tmpfs +/tmp +tmpfs' <<<"$fstab"
check "/etc/localtime follows /etc/kiosk" test "$(debugfs -R 'stat /etc/localtime' root.ext4 2>/dev/null | grep -o 'Fast link dest: .*')" = 'Fast link dest: "/etc/kiosk/localtime"'
check "/etc/machine-id is empty" grep -q 'Size: 0' <<<"$(debugfs -R 'stat /etc/machine-id' root.ext4 2>/dev/null)"
entries() { debugfs -R "ls -p $1" "$2" 2>/dev/null | awk -F/ 'NF > 5 && $6 != "." && $6 != ".." {n++} END {print n + 0}'; }
check "/etc/kiosk on the root is an empty mount point" test "$(entries /etc/kiosk root.ext4)" = 0
check "/var/lib/kiosk on the root is an empty mount point" test "$(entries /var/lib/kiosk root.ext4)" = 0
check "the kiosk unit is enabled" grep -q kiosk.service <<<"$(debugfs -R 'ls /etc/systemd/system/multi-user.target.wants' root.ext4 2>/dev/null)"
check "/usr/bin/kiosk kept its mode" grep -q 'Mode:  0755' <<<"$(debugfs -R 'stat /usr/bin/kiosk' root.ext4 2>/dev/null)"
rcat() { debugfs -R "cat $1" root.ext4 2>/dev/null; }
check "/etc/systemd/network follows /etc/kiosk/network" test "$(debugfs -R 'stat /etc/systemd/network' root.ext4 2>/dev/null | grep -o 'Fast link dest: .*')" = 'Fast link dest: "/etc/kiosk/network"'
check "networkd waits for /etc/kiosk" grep -qx 'RequiresMountsFor=/etc/kiosk' <<<"$(rcat /etc/systemd/system/systemd-networkd.service.d/50-kiosk.conf)"
ts=$(rcat /etc/systemd/timesyncd.conf.d/50-kiosk.conf)
check "timesyncd: no global NTP server" grep -qx 'NTP=' <<<"$ts"
check "timesyncd: no fallback server but the loopback" grep -qx 'FallbackNTP=127.0.0.1' <<<"$ts"
check "serial getty only with kiosk.serial_login=1" grep -qx 'ConditionKernelCommandLine=kiosk.serial_login=1' \
    <<<"$(rcat '/etc/systemd/system/serial-getty@.service.d/50-kiosk.conf')"
check "the image trusts the organisation key of --org-key" test "$(rcat /usr/share/kiosk/org-sign.public)" = "$(tr -d '\n' <org/org-sign.public)"

# ---- the data partition ----
part 2 data.ext4
check "the data partition checks clean" fsck_clean data.ext4
check "data: the kiosk's directory belongs to the kiosk user" \
    grep -qE 'User: +999 +Group: +995' <<<"$(debugfs -R 'stat /kiosk' data.ext4 2>/dev/null)"
check "data: kiosk.json moved to etc-kiosk" grep -q dev-kiosk <<<"$(debugfs -R 'cat /etc-kiosk/kiosk.json' data.ext4 2>/dev/null)"
check "data: the time zone starts as UTC" grep -q Etc/UTC <<<"$(debugfs -R 'cat /etc-kiosk/timezone' data.ext4 2>/dev/null)"
check "data: systemd's state and the journal's directory" \
    grep -q timesync <<<"$(debugfs -R 'ls /systemd' data.ext4 2>/dev/null)"
check "data: the journal's directory" grep -q journal <<<"$(debugfs -R 'ls /log' data.ext4 2>/dev/null)"
check "data: an empty network directory" test "$(debugfs -R 'ls /etc-kiosk/network' data.ext4 2>/dev/null | wc -w)" -le 6

# ---- the release files ----
check "a bmap" test -s out/tiny.img.bmap
check "SHA256SUMS covers the image, the bmap and the compressed image" \
    bash -c "cd out && sha256sum -c SHA256SUMS >/dev/null && [ \$(wc -l <SHA256SUMS) = 3 ]"
check "the compressed image is the image" cmp <(zstd -dcq out/tiny.img.zst) $img
check "a manifest" grep -q 'disk id: 0badcafe' out/tiny.manifest

# ---- provisioning the built image ----
if out=$("$repo/tools/provision" --kiosk-id t1 --site S --address A --timezone Etc/UTC --languages en \
    --pins "$repo/board/kiosk.json" --org-keys org $img 2>&1); then
    ok "the built image takes a provisioning"
else
    not_ok "provision the built image: $out"
fi
check "... cmdline.txt still names the root" grep -q 'root=PARTUUID=0badcafe-02.*systemd.hostname=kiosk-t1' \
    <<<"$(mtype -i "$fat" ::/cmdline.txt)"
check "... and keeps panic= and SysRq off" grep -q 'panic=10 sysctl.kernel.sysrq=0' <<<"$(mtype -i "$fat" ::/cmdline.txt)"

# ---- bad arguments ----
expect_fail "a missing tree" "--tree: nothere: not a directory" "$repo/tools/build-image" --tree nothere
expect_fail "a bad disk id" "--disk-id: 'xyz' is not 8 lower-case hex digits" "$repo/tools/build-image" --tree $t --disk-id xyz
expect_fail "a tiny boot partition" "--boot-mib: '8' is not a size of 64 MiB or more" "$repo/tools/build-image" --tree $t --boot-mib 8
expect_fail "an unknown compression" "--compress: 'rar' is not xz, zstd or none" "$repo/tools/build-image" --tree $t --compress rar
expect_fail "an --org-key that is not a key" "--org-key: $t/etc/passwd: not a public key of 32 bytes" \
    "$repo/tools/build-image" --tree $t --org-key $t/etc/passwd
expect_fail "a .deb that is not one" "--deb: $t/etc/passwd: not a Debian package" "$repo/tools/build-image" --deb $t/etc/passwd
finish
