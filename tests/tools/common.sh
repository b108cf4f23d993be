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
    ed25519_pair "$dir/org-sign"
    openssl rand -base64 32 >"$dir/org-box.public"
}
# ed25519_pair PREFIX: PREFIX.secret (libsodium's layout, seed || public key, base64, 0600) and
# PREFIX.public, made with openssl.
ed25519_pair() {
    local der
    der=$(mktemp)
    openssl genpkey -algorithm ed25519 -outform DER -out "$der" 2>/dev/null
    openssl pkey -inform DER -in "$der" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0 >"$1.public"
    echo >>"$1.public"
    (umask 077 && { tail -c 32 "$der" && base64 -d "$1.public"; } | base64 -w0 >"$1.secret" && echo >>"$1.secret")
    rm -f "$der"
}
# resign DIR SECRET: signs the provisioning in DIR (a kiosk-provision/ directory) again with the
# organisation key SECRET, as tools/provision does: manifest lists the SHA-256 of every file,
# manifest.sig is its Ed25519 signature. What the organisation itself could have written.
resign() {
    local dir=$1 secret=$2 f der
    der=$(mktemp)
    {
        echo "kiosk-provision 1"
        echo "kiosk x"
        echo "signer $(tr -d '\n' <"$secret" | base64 -d | tail -c 32 | base64 -w0)"
        for f in "$dir"/*; do
            case $(basename "$f") in manifest | manifest.sig) continue ;; esac
            echo "sha256 $(sha256sum "$f" | cut -d' ' -f1) $(basename "$f")"
        done
    } >"$dir/manifest"
    { printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20' &&
        tr -d '\n' <"$secret" | base64 -d | head -c 32; } >"$der"
    openssl pkeyutl -sign -inkey "$der" -keyform DER -rawin -in "$dir/manifest" | base64 -w0 >"$dir/manifest.sig"
    rm -f "$der"
}
