# shellcheck shell=bash
# Shared by the tests of the image tools (tests/tools/*.sh): sourced, not run.
# Each test is a standalone script: exit 0 passed, 1 failed, 77 skipped (a tool is missing).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
test_name=$(basename "$0" .sh)
export MTOOLS_SKIP_CHECK=1

skip() {
    echo "SKIP $test_name: $*"
    exit 77
}
need() { # TOOL... : skip when one is missing
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
    done
}
# tools/provision checks --timezone against this machine's zoneinfo (package tzdata).
need_tzdata() {
    if [ ! -f /usr/share/zoneinfo/Europe/Berlin ] || [ ! -f /usr/share/zoneinfo/Etc/UTC ]; then
        skip "tzdata is not installed (/usr/share/zoneinfo)"
    fi
}
failures=0
ok() { echo "ok   $*"; }
not_ok() {
    echo "FAIL $*"
    failures=$((failures + 1))
}
# expect_fail "DESCRIPTION" "TEXT THE MESSAGE MUST HOLD" COMMAND...: the command must fail
# (status 1 or 2) and say TEXT on stderr.
expect_fail() {
    local what=$1 text=$2 out rc=0
    shift 2
    out=$("$@" 2>&1 </dev/null) || rc=$?
    if [ "$rc" = 0 ]; then
        not_ok "$what: succeeded, expected a refusal"
    elif ! grep -qF -- "$text" <<<"$out"; then
        not_ok "$what: refused (status $rc) without saying '$text': $out"
    else
        ok "$what: $(grep -F -- "$text" <<<"$out" | head -n1)"
    fi
}
check() { # DESCRIPTION COMMAND...: the command must succeed
    local what=$1
    shift
    if "$@" >/dev/null; then ok "$what"; else not_ok "$what"; fi
}
finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$test_name: $failures check(s) failed"
        exit 1
    fi
    echo "$test_name: passed"
}
# make_scratch: a scratch directory in $scratch, removed at exit (KIOSK_TEST_KEEP=1 keeps it).
make_scratch() {
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-$test_name.XXXXXX")
    trap 'scratch_cleanup' EXIT
}
scratch_cleanup() {
    if [ "${KIOSK_TEST_KEEP:-0}" = 1 ]; then echo "kept: $scratch"; else rm -rf "$scratch"; fi
}

# make_fat_image IMAGE: a small disk image laid out as the kiosk's (MBR, a FAT boot partition
# at 1 MiB with cmdline.txt and config.txt, a second partition), without mounting.
make_fat_image() {
    local img=$1 d
    d=$(dirname "$img")
    rm -f "$img"
    truncate -s 48M "$img"
    printf 'label: dos\nlabel-id: 0x1234abcd\nstart=2048, size=65536, type=c, bootable\nstart=67584, type=83\n' |
        sfdisk -q "$img"
    rm -f "$d/boot.fat"
    mkfs.vfat -C -n KIOSKBOOT "$d/boot.fat" 32768 >/dev/null
    echo 'console=ttyS1,115200 console=tty3 root=PARTUUID=1234abcd-02 rootfstype=ext4 ro rootwait' >"$d/cmdline.txt"
    echo 'arm_64bit=1' >"$d/config.txt"
    mcopy -i "$d/boot.fat" "$d/cmdline.txt" "$d/config.txt" ::/
    dd if="$d/boot.fat" of="$img" bs=512 seek=2048 conv=notrunc status=none
    rm -f "$d/boot.fat" "$d/cmdline.txt" "$d/config.txt"
}
export FAT_OFFSET=1048576

# org_keys DIR: the organisation's public keys, as kiosk-staff keygen writes them (made with
# kiosk-staff when it is built, else with openssl: two random 32-byte keys in base64).
org_keys() {
    local dir=$1 ks
    for ks in "$repo/build/dev/tools/kiosk-staff" "$repo/build/release/tools/kiosk-staff"; do
        if [ -x "$ks" ]; then
            "$ks" keygen "$dir" >/dev/null
            return 0
        fi
    done
    mkdir -p "$dir"
    openssl rand -base64 32 >"$dir/org-sign.public"
    openssl rand -base64 32 >"$dir/org-box.public"
}
