#!/bin/bash
# shellcheck disable=SC2016,SC2054 # jq programs in single quotes; option values with commas
# board/scripts/kiosk-firstboot against a fake root: tools/provision writes a small FAT image,
# its boot partition's files are copied out with mtools into the fake root's boot directory,
# and kiosk-firstboot applies them with every path moved by environment variables. Then: a
# second run does nothing, a refused provisioning leaves the error on the boot partition and
# changes nothing, an interrupted first boot (secret already gone) completes, --keep-key.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
need jq openssl mcopy mtype mdir mkfs.vfat sfdisk shred
need_tzdata
make_scratch
cd "$scratch" || exit 1
fb=$repo/board/scripts/kiosk-firstboot
me=$(id -un)

# A fake root: boot partition, /etc/kiosk, /var/lib/kiosk, a zoneinfo with two zones.
new_root() {
    rm -rf root
    mkdir -p root/boot root/etc/kiosk root/var/lib/kiosk root/zoneinfo/Europe root/zoneinfo/America
    echo TZif-Berlin >root/zoneinfo/Europe/Berlin
    echo TZif-NY >root/zoneinfo/America/New_York
    echo '{"kioskId": "dev-kiosk"}' >root/etc/kiosk/kiosk.json
}
run_fb() {
    KIOSK_BOOT_DIR=$PWD/root/boot KIOSK_ETC_DIR=$PWD/root/etc/kiosk KIOSK_DATA_DIR=$PWD/root/var/lib/kiosk \
        KIOSK_DATA_MOUNT=$PWD/root/data KIOSK_ZONEINFO_DIR=$PWD/root/zoneinfo KIOSK_USER=${KIOSK_USER:-$me} \
        KIOSK_FIRSTBOOT_REMOUNT=0 KIOSK_FIRSTBOOT_GROW=0 KIOSK_FIRSTBOOT_HOSTNAME=0 "$fb"
}
# The boot partition of card.img, copied into root/boot (as the kiosk would see it mounted).
card_to_root() {
    rm -rf root/boot && mkdir -p root/boot
    mcopy -s -n -i "card.img@@$FAT_OFFSET" '::/*' root/boot/
}
org_keys org
prov_args=(--site "Riverside Community Centre" --address "1 River Street" --languages en,zh-cn
    --pins "$repo/board/kiosk.json" --org-keys org)

# ---- a first boot ----
make_fat_image card.img
KIOSK_ZONEINFO_DIR=/usr/share/zoneinfo "$repo/tools/provision" --kiosk-id Lobby-01 --timezone Europe/Berlin \
    "${prov_args[@]}" card.img >/dev/null 2>&1 || not_ok "provision"
pub=$(mtype -i "card.img@@$FAT_OFFSET" ::/kiosk-provision/kiosk-sign.public | tr -d '\r\n')
secret=$(mtype -i "card.img@@$FAT_OFFSET" ::/kiosk-provision/kiosk-sign.secret | tr -d '\r\n')
new_root
card_to_root
if out=$(run_fb 2>&1); then ok "first boot applied"; else not_ok "first boot: $out"; fi
d=root/var/lib/kiosk e=root/etc/kiosk
check "kiosk.json is the provisioned one" jq -e '.kioskId == "Lobby-01" and .language == "en"' "$e/kiosk.json"
check "site.json: site, address, zone, languages, public key" jq -e --arg p "$pub" \
    '.site == "Riverside Community Centre" and .address == "1 River Street" and .timezone == "Europe/Berlin"
     and .languages == ["en", "zh-cn"] and .kioskSignPublicKey == $p' "$e/site.json"
check "the time zone: localtime points at the zone" test "$(readlink "$e/localtime")" = "$PWD/root/zoneinfo/Europe/Berlin"
check "the time zone: timezone names it" test "$(cat "$e/timezone")" = Europe/Berlin
check "the secret key is in the data directory" test "$(cat "$d/kiosk-sign.secret")" = "$secret"
check "the secret key has mode 0600" test "$(stat -c %a "$d/kiosk-sign.secret")" = 600
check "the key belongs to the kiosk user" test "$(stat -c %U "$d/kiosk-sign.secret")" = "$me"
check "the public key is beside it" test "$(cat "$d/kiosk-sign.public")" = "$pub"
check "self-test-pending is there, the kiosk user's" test "$(stat -c %U "$d/self-test-pending")" = "$me"
check "the provisioning files are gone from the boot partition" test ! -e root/boot/kiosk-provision
check "no secret anywhere on the boot partition" bash -c "! grep -rqF '$secret' root/boot"
check "kiosk-provisioned.json keeps the id and public key" jq -e --arg p "$pub" \
    '.kioskId == "Lobby-01" and .kioskSignPublicKey == $p' root/boot/kiosk-provisioned.json
check "cmdline.txt is untouched" grep -q 'systemd.hostname=kiosk-lobby-01' root/boot/cmdline.txt
check "no error file" test ! -e root/boot/kiosk-provision-error.txt
if [[ $out == *"kiosk Lobby-01 provisioned"* ]]; then ok "it says so"; else not_ok "no final message: $out"; fi

# ---- a second boot: nothing to do ----
rm -f "$d/self-test-pending"
out=$(run_fb 2>&1) || not_ok "second run failed: $out"
check "a second boot does nothing" bash -c "[[ '$out' == *'nothing to do'* ]] && [ ! -e '$d/self-test-pending' ]"

# ---- the provisioning file is what counts: a bad one is refused and nothing changes ----
make_fat_image card.img
"$repo/tools/provision" --kiosk-id Lobby-02 --timezone America/New_York "${prov_args[@]}" card.img >/dev/null 2>&1
new_root
card_to_root
jq '.timezone = "Mars/Olympus"' root/boot/kiosk-provision/provision.json >p && mv p root/boot/kiosk-provision/provision.json
expect_fail "an unknown time zone" "\$.timezone 'Mars/Olympus' is not a time zone of this image" run_fb
check "the error is left on the boot partition" grep -q "Mars/Olympus" root/boot/kiosk-provision-error.txt
check "nothing changed in /etc/kiosk" jq -e '.kioskId == "dev-kiosk"' root/etc/kiosk/kiosk.json
check "no key installed" test ! -e root/var/lib/kiosk/kiosk-sign.secret

card_to_root
jq '.kioskId = "other"' root/boot/kiosk-provision/provision.json >p && mv p root/boot/kiosk-provision/provision.json
expect_fail "kiosk.json for another kiosk" "differs from provision.json's 'other'" run_fb
card_to_root
jq '.format = 2' root/boot/kiosk-provision/provision.json >p && mv p root/boot/kiosk-provision/provision.json
expect_fail "a newer format" "\$.format is '2', this image reads format 1" run_fb
card_to_root
openssl rand -base64 64 | tr -d '\n' >root/boot/kiosk-provision/kiosk-sign.secret
expect_fail "a secret key of another pair" "does not belong to kiosk-sign.public" run_fb
card_to_root
echo "c2hvcnQ=" >root/boot/kiosk-provision/kiosk-sign.secret
expect_fail "a secret key of the wrong length" "not a key of 64 bytes" run_fb
card_to_root
KIOSK_USER=no-such-user-here expect_fail "no kiosk user" "the user 'no-such-user-here' does not exist" run_fb
check "still nothing changed in /etc/kiosk" jq -e '.kioskId == "dev-kiosk"' root/etc/kiosk/kiosk.json

# ---- an interrupted first boot: the key went in, the secret is gone, provision.json is not ----
card_to_root
out=$(run_fb 2>&1) || not_ok "apply: $out"
card_to_root
rm root/boot/kiosk-provision/kiosk-sign.secret
rm -f root/var/lib/kiosk/self-test-pending
if out=$(run_fb 2>&1); then ok "an interrupted first boot completes"; else not_ok "interrupted first boot: $out"; fi
check "... keeping the installed key" grep -q "installed before" <<<"$out"
check "... and asks for the self-test" test -e root/var/lib/kiosk/self-test-pending

# ---- re-provisioned with --keep-key: the key stays ----
key_before=$(cat root/var/lib/kiosk/kiosk-sign.secret)
mcopy -o -i "card.img@@$FAT_OFFSET" root/boot/kiosk-provisioned.json ::/kiosk-provisioned.json 2>/dev/null ||
    { jq -n --arg p "$(cat root/var/lib/kiosk/kiosk-sign.public)" '{format: 1, kioskId: "Lobby-02", kioskSignPublicKey: $p}' >kp.json &&
        mcopy -o -i "card.img@@$FAT_OFFSET" kp.json ::/kiosk-provisioned.json; }
mdeltree -i "card.img@@$FAT_OFFSET" ::/kiosk-provision
"$repo/tools/provision" --reprovision --keep-key --kiosk-id Lobby-02 --timezone Europe/Berlin \
    "${prov_args[@]}" card.img >/dev/null 2>&1 || not_ok "reprovision --keep-key"
card_to_root
if out=$(run_fb 2>&1); then ok "a re-provisioning with --keep-key applied"; else not_ok "keep-key: $out"; fi
check "... the key is the same" test "$(cat root/var/lib/kiosk/kiosk-sign.secret)" = "$key_before"
check "... the new zone is set" test "$(cat root/etc/kiosk/timezone)" = Europe/Berlin
check "... kiosk-provisioned.json still names the key" jq -e --arg p "$(cat root/var/lib/kiosk/kiosk-sign.public)" \
    '.kioskSignPublicKey == $p' root/boot/kiosk-provisioned.json

if command -v shellcheck >/dev/null; then
    check "kiosk-firstboot passes shellcheck" shellcheck "$fb"
fi
finish
