#!/bin/bash
# shellcheck disable=SC2016,SC2054 # jq programs in single quotes; option values with commas
# board/scripts/kiosk-firstboot against a fake root: tools/provision writes a small FAT image,
# its boot partition's files are copied out with mtools into the fake root's boot directory,
# and kiosk-firstboot applies them with every path moved by environment variables. Then: a
# second run does nothing, a refused provisioning leaves the error on the boot partition and
# changes nothing, an interrupted first boot (secret already gone) completes, --keep-key.
# The organisation's signature: an unsigned, altered, foreign-signed or padded payload is
# refused with nothing applied; the key of the first provisioning is pinned for the next one.
# The network: none unless provisioned; DHCP and NTP servers only as provisioned.
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
        KIOSK_FIRSTBOOT_REMOUNT=0 KIOSK_FIRSTBOOT_GROW=0 KIOSK_FIRSTBOOT_HOSTNAME=0 KIOSK_FIRSTBOOT_RELOAD=0 \
        KIOSK_IMAGE_ORG_KEY=${KIOSK_IMAGE_ORG_KEY:-$PWD/root/no-image-key} "$fb"
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
touch root/boot/kiosk-provision/.DS_Store # a Mac showed the card: hidden files are not read
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
check "the organisation key is pinned for the next provisioning" \
    test "$(cat "$e/org-sign.public")" = "$(tr -d '\n' <org/org-sign.public)"
check "trust on first use is logged" grep -q "first provisioning: trusting the organisation key" <<<"$out"
check "no network provisioned: no .network file" test ! -e "$e/network/20-kiosk.network"
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
resign root/boot/kiosk-provision org/org-sign.secret
expect_fail "an unknown time zone" "\$.timezone 'Mars/Olympus' is not a time zone of this image" run_fb
check "the error is left on the boot partition" grep -q "Mars/Olympus" root/boot/kiosk-provision-error.txt
check "nothing changed in /etc/kiosk" jq -e '.kioskId == "dev-kiosk"' root/etc/kiosk/kiosk.json
check "no key installed" test ! -e root/var/lib/kiosk/kiosk-sign.secret

card_to_root
jq '.kioskId = "other"' root/boot/kiosk-provision/provision.json >p && mv p root/boot/kiosk-provision/provision.json
resign root/boot/kiosk-provision org/org-sign.secret
expect_fail "kiosk.json for another kiosk" "differs from provision.json's 'other'" run_fb
card_to_root
jq '.format = 2' root/boot/kiosk-provision/provision.json >p && mv p root/boot/kiosk-provision/provision.json
resign root/boot/kiosk-provision org/org-sign.secret
expect_fail "a newer format" "\$.format is '2', this image reads format 1" run_fb
card_to_root
openssl rand -base64 64 | tr -d '\n' >root/boot/kiosk-provision/kiosk-sign.secret
resign root/boot/kiosk-provision org/org-sign.secret
expect_fail "a secret key of another pair" "does not belong to kiosk-sign.public" run_fb
card_to_root
echo "c2hvcnQ=" >root/boot/kiosk-provision/kiosk-sign.secret
resign root/boot/kiosk-provision org/org-sign.secret
expect_fail "a secret key of the wrong length" "not a key of 64 bytes" run_fb
card_to_root
KIOSK_USER=no-such-user-here expect_fail "no kiosk user" "the user 'no-such-user-here' does not exist" run_fb
check "still nothing changed in /etc/kiosk" jq -e '.kioskId == "dev-kiosk"' root/etc/kiosk/kiosk.json

# ---- an image without openssl cannot check the signature: it says so ----
card_to_root
mkdir -p nossl && for t in jq bash sed head cat tr base64 wc date dirname basename rm mkdir id mktemp sync; do
    ln -sf "$(command -v $t)" nossl/
done
run_fb_nossl() { PATH=$PWD/nossl run_fb; }
expect_fail "no openssl in the image" "openssl is missing from the image: cannot check the signature" run_fb_nossl
check "... and that reaches the boot partition" grep -q "openssl is missing" root/boot/kiosk-provision-error.txt

# ---- the organisation's signature: nothing unsigned, altered or foreign is applied ----
unchanged() { # DESCRIPTION: nothing of the provisioning reached the fake root
    check "$1: kiosk.json unchanged" jq -e '.kioskId == "dev-kiosk"' root/etc/kiosk/kiosk.json
    check "$1: no key installed" test ! -e root/var/lib/kiosk/kiosk-sign.secret
    check "$1: the secret still on the boot partition" test -e root/boot/kiosk-provision/kiosk-sign.secret
    check "$1: no site.json, zone, pin, network" bash -c \
        "! ls root/etc/kiosk/site.json root/etc/kiosk/timezone root/etc/kiosk/org-sign.public root/etc/kiosk/network 2>/dev/null"
    check "$1: no self-test asked for" test ! -e root/var/lib/kiosk/self-test-pending
}
pk=root/boot/kiosk-provision
card_to_root
rm $pk/manifest $pk/manifest.sig
expect_fail "an unsigned provisioning" "the provisioning is not signed (no manifest or manifest.sig): nothing applied" run_fb
check "... the reason is left on the boot partition" grep -q "not signed" root/boot/kiosk-provision-error.txt
unchanged "unsigned"
card_to_root
jq '.system = {"reboot": ["/bin/sh", "-c", "id"]}' $pk/kiosk.json >p && mv p $pk/kiosk.json
expect_fail "kiosk.json altered after signing" "kiosk.json: differs from what the organisation signed: nothing applied" run_fb
unchanged "kiosk.json altered"
card_to_root
sed -i 's/^sha256 [0-9a-f]\{6\}/sha256 000000/' $pk/manifest
expect_fail "the manifest altered" "manifest.sig: the signature does not verify" run_fb
unchanged "manifest altered"
card_to_root
echo "AAAA$(cut -c5- $pk/manifest.sig)" >$pk/manifest.sig
expect_fail "the signature altered" "manifest.sig: the signature does not verify" run_fb
card_to_root
rm $pk/kiosk-sign.public
expect_fail "a signed file missing" "kiosk-sign.public is signed but missing" run_fb
card_to_root
echo '{}' >$pk/extra.json
expect_fail "an unsigned file beside the signed ones" "extra.json: not signed by the organisation: nothing applied" run_fb
card_to_root
ed25519_pair mallory
jq --arg k "$(tr -d '\n' <mallory.public)" '.organisation.signPublicKey = $k' $pk/kiosk.json >p && mv p $pk/kiosk.json
resign $pk org/org-sign.secret
expect_fail "first provisioning: signer and kiosk.json's key differ" "which is not the organisation key kiosk.json names" run_fb
unchanged "signer differs"
card_to_root
# A whole payload of another organisation, consistent in itself: trust on first use would take
# it; an image built with the organisation's key does not.
jq --arg k "$(tr -d '\n' <mallory.public)" '.organisation.signPublicKey = $k' $pk/kiosk.json >p && mv p $pk/kiosk.json
resign $pk mallory.secret
KIOSK_IMAGE_ORG_KEY=$PWD/org/org-sign.public expect_fail "a key other than the image's" "(the image)): nothing applied" run_fb
unchanged "foreign key, image key"

# ---- an interrupted first boot: the key went in, the secret is gone, provision.json is not ----
card_to_root
out=$(run_fb 2>&1) || not_ok "apply: $out"
card_to_root
rm root/boot/kiosk-provision/kiosk-sign.secret
rm -f root/var/lib/kiosk/self-test-pending
if out=$(run_fb 2>&1); then ok "an interrupted first boot completes"; else not_ok "interrupted first boot: $out"; fi
check "... keeping the installed key" grep -q "installed before" <<<"$out"
check "... and asks for the self-test" test -e root/var/lib/kiosk/self-test-pending

# ---- an older signed provisioning (replayed) is not applied over a newer one ----
card_to_root
jq '.createdAt = "2020-01-01T00:00:00Z"' root/boot/kiosk-provision/provision.json >p && mv p root/boot/kiosk-provision/provision.json
resign root/boot/kiosk-provision org/org-sign.secret
before=$(sha256sum <root/etc/kiosk/site.json)
expect_fail "an older provisioning than the applied one" "made 2020-01-01T00:00:00Z, before the provisioning this kiosk has" run_fb
check "... nothing changed" test "$(sha256sum <root/etc/kiosk/site.json)" = "$before"

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

# ---- the key of the last provisioning is pinned: a payload signed by another key is refused ----
make_fat_image card2.img
ed25519_pair mallory
mkdir -p org2 && cp mallory.public org2/org-sign.public && cp mallory.secret org2/org-sign.secret && cp org/org-box.public org2/
"$repo/tools/provision" --reprovision --kiosk-id Lobby-02 --timezone Europe/Berlin --site S --address A \
    --languages en --pins "$repo/board/kiosk.json" --org-keys org2 card2.img >/dev/null 2>&1 || not_ok "provision org2"
rm -rf root/boot && mkdir -p root/boot && mcopy -s -n -i "card2.img@@$FAT_OFFSET" '::/*' root/boot/
before=$(cat root/etc/kiosk/kiosk.json root/etc/kiosk/site.json root/var/lib/kiosk/kiosk-sign.secret | sha256sum)
expect_fail "a re-provisioning signed by another organisation key" "not by the organisation key this kiosk trusts" run_fb
check "... names where the trusted key comes from" grep -q "org-sign.public (the last provisioning)" root/boot/kiosk-provision-error.txt
check "... nothing changed" test "$(cat root/etc/kiosk/kiosk.json root/etc/kiosk/site.json root/var/lib/kiosk/kiosk-sign.secret | sha256sum)" = "$before"

# ---- the network, as provisioned ----
make_fat_image card3.img
"$repo/tools/provision" --kiosk-id Lobby-03 --timezone Europe/Berlin --ethernet dhcp --ntp ntp.example.org,192.0.2.123 \
    "${prov_args[@]}" card3.img >/dev/null 2>&1 || not_ok "provision --ethernet dhcp"
new_root
rm -rf root/boot && mkdir -p root/boot && mcopy -s -n -i "card3.img@@$FAT_OFFSET" '::/*' root/boot/
out=$(run_fb 2>&1) || not_ok "apply --ethernet dhcp: $out"
n=root/etc/kiosk/network/20-kiosk.network
check "dhcp: a .network file" test -f $n
check "dhcp: only the on-board Ethernet" grep -qx 'Driver=bcmgenet smsc95xx lan78xx' $n
check "dhcp: DHCP on" grep -qx 'DHCP=yes' $n
check "dhcp: the provisioned NTP servers, in order" test "$(grep '^NTP=' $n | paste -sd' ')" = "NTP=ntp.example.org NTP=192.0.2.123"
check "dhcp: no NTP server taken from DHCP" test "$(grep -c '^UseNTP=no$' $n)" = 2
check "dhcp: no other match (any adapter)" bash -c "! grep -q '^Name=' $n"
"$repo/tools/provision" --reprovision --kiosk-id Lobby-03 --timezone Europe/Berlin --ethernet dhcp \
    --ethernet-mac DC:A6:32:01:02:03 "${prov_args[@]}" card3.img >/dev/null 2>&1 || not_ok "provision --ethernet-mac"
rm -rf root/boot && mkdir -p root/boot && mcopy -s -n -i "card3.img@@$FAT_OFFSET" '::/*' root/boot/
out=$(run_fb 2>&1) || not_ok "apply --ethernet-mac: $out"
check "--ethernet-mac: that adapter only" bash -c "grep -qx 'MACAddress=dc:a6:32:01:02:03' $n && ! grep -q '^Driver=' $n"
check "--ethernet-mac: no NTP server left" bash -c "! grep -q '^NTP=' $n"
"$repo/tools/provision" --reprovision --kiosk-id Lobby-03 --timezone Europe/Berlin "${prov_args[@]}" card3.img >/dev/null 2>&1 ||
    not_ok "reprovision without network"
rm -rf root/boot && mkdir -p root/boot && mcopy -s -n -i "card3.img@@$FAT_OFFSET" '::/*' root/boot/
out=$(run_fb 2>&1) || not_ok "apply without network: $out"
check "re-provisioned without a network: the .network file is gone" test ! -e $n

# ---- with no more privilege than kiosk-firstboot.service's CapabilityBoundingSet= ----
# (as root only: setpriv bounds root's capabilities to the unit's set, as systemd does; the data
# directory belongs to another user, as /var/lib/kiosk belongs to kiosk on the board)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$repo/board/systemd/kiosk-firstboot.service" |
        tr 'A-Z ' 'a-z\n' | sed 's/^cap_/+/' | paste -sd,)
    bounded_fb() { KIOSK_USER=nobody setpriv --bounding-set "-all,$unit_caps" --no-new-privs bash -c "$(declare -f run_fb); fb='$fb'; run_fb"; }
    new_root
    chown nobody: root/var/lib/kiosk && chmod 0750 root/var/lib/kiosk
    rm -rf root/boot && mkdir -p root/boot && mcopy -s -n -i "card3.img@@$FAT_OFFSET" '::/*' root/boot/
    if out=$(bounded_fb 2>&1); then ok "applied within the unit's capabilities ($unit_caps)"; else
        not_ok "within the unit's capabilities ($unit_caps): $out"
    fi
    check "... the key is the kiosk user's, 0600" test "$(stat -c '%U %a' root/var/lib/kiosk/kiosk-sign.secret)" = "nobody 600"
    "$repo/tools/provision" --reprovision --kiosk-id Lobby-03 --timezone Europe/Berlin "${prov_args[@]}" card3.img >/dev/null 2>&1 ||
        not_ok "reprovision card3"
    rm -rf root/boot && mkdir -p root/boot && mcopy -s -n -i "card3.img@@$FAT_OFFSET" '::/*' root/boot/
    if out=$(bounded_fb 2>&1); then ok "a re-provisioning over the kiosk user's files, within them too"; else
        not_ok "re-provisioning within the unit's capabilities: $out"
    fi
else
    echo "(not root, or no setpriv: the run within the unit's capabilities is skipped)"
fi

if command -v shellcheck >/dev/null; then
    check "kiosk-firstboot passes shellcheck" shellcheck "$fb"
fi
finish
