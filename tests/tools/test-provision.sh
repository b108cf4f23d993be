#!/bin/bash
# shellcheck disable=SC2016,SC2054 # jq programs in single quotes; option values with commas
# tools/provision on a small FAT image (mkfs.vfat -C + sfdisk, no mount), read back with mtools:
# the files, their content, the key pair (cross-checked with libsodium when a C compiler and
# libsodium-dev are there), cmdline.txt; the organisation's signature over the payload (checked
# with openssl and with libsodium); the network and serial login switches; re-provisioning;
# bad arguments refused, naming them.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
need jq openssl mcopy mtype mdir mkfs.vfat sfdisk
need_tzdata
make_scratch
cd "$scratch" || exit 1
prov=$repo/tools/provision
make_fat_image card.img
org_keys org
fat=card.img@@$FAT_OFFSET
args=(--kiosk-id Lobby-01 --site "Riverside Community Centre" --address "1 River Street, Springfield"
    --timezone Europe/Berlin --languages zh-cn,en --pins "$repo/board/kiosk.json" --org-keys org)

# ---- a first provisioning ----
out=$("$prov" "${args[@]}" --record rec card.img 2>&1) || {
    not_ok "provision: $out"
    finish
}
ok "provisioned"
pub=$(mtype -i "$fat" ::/kiosk-provision/kiosk-sign.public | tr -d '\r\n')
check "the public key is printed with the trust line" \
    grep -qF "kiosk-staff trust --archive ARCHIVE.db --kiosk Lobby-01 --key $pub" <<<"$out"
listing=$(mdir -i "$fat" -b ::/kiosk-provision)
for f in provision.json kiosk.json kiosk-sign.public kiosk-sign.secret manifest manifest.sig; do
    check "kiosk-provision/$f is on the boot partition" grep -q "/$f\$" <<<"$listing"
done
mtype -i "$fat" ::/kiosk-provision/provision.json >prov.json
mtype -i "$fat" ::/kiosk-provision/kiosk.json >kiosk.json
check "provision.json: format, id, site, address, zone, languages, host name" jq -e '
    .format == 1 and .kioskId == "Lobby-01" and .site == "Riverside Community Centre"
    and .address == "1 River Street, Springfield" and .timezone == "Europe/Berlin"
    and .languages == ["zh-cn", "en"] and .hostname == "kiosk-lobby-01" and .keepKey == false' prov.json
org_sign=$(tr -d '\n' <org/org-sign.public)
check "kiosk.json: id, start language, pin map, organisation keys" jq -e --arg s "$org_sign" '
    .kioskId == "Lobby-01" and .language == "zh-cn" and (.buttons.pins | length) == 11
    and .organisation.signPublicKey == $s and (.organisation.boxPublicKey | length) == 44' kiosk.json
cmd=$(mtype -i "$fat" ::/cmdline.txt)
check "cmdline.txt keeps the root and gains the host name and a machine id" \
    grep -qE '^console=ttyS1,115200 console=tty3 root=PARTUUID=1234abcd-02 .* systemd\.hostname=kiosk-lobby-01 systemd\.machine_id=[0-9a-f]{32}$' <<<"$cmd"
mtype -i "$fat" ::/kiosk-provision/kiosk-sign.secret | tr -d '\r' >secret.txt
check "the secret key is 64 bytes whose second half is the public key" \
    test "$(base64 -d secret.txt | tail -c 32 | base64 -w0)" = "$pub"
check "the record keeps the public key, no secret" \
    jq -e --arg p "$pub" '.kioskSignPublicKey == $p and (tostring | test("secret") | not)' rec/Lobby-01.json
# ---- the organisation's signature ----
mtype -i "$fat" ::/kiosk-provision/manifest >manifest
mtype -i "$fat" ::/kiosk-provision/manifest.sig | tr -d '\r\n' >manifest.sig
check "manifest: format, kiosk id, signer (org-sign.public)" bash -c \
    "sed -n 1,3p manifest | paste -sd'|' | grep -qxF 'kiosk-provision 1|kiosk Lobby-01|signer $org_sign'"
for f in kiosk.json kiosk-sign.public kiosk-sign.secret provision.json; do
    mtype -i "$fat" "::/kiosk-provision/$f" >"payload-$f"
    check "manifest: the SHA-256 of $f as it is on the card" \
        grep -qx "sha256 $(sha256sum "payload-$f" | cut -d' ' -f1) $f" manifest
done
check "manifest: nothing else" test "$(grep -c '^sha256 ' manifest)" = 4
{ printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00' && base64 -d org/org-sign.public; } >org-pub.der
base64 -d manifest.sig >manifest.bin
check "manifest.sig verifies with org-sign.public (openssl)" \
    openssl pkeyutl -verify -pubin -inkey org-pub.der -keyform DER -rawin -in manifest -sigfile manifest.bin
check "it says which key signed" grep -qF "Signed with the organisation's key $org_sign." <<<"$out"
if command -v cc >/dev/null && [ -f /usr/include/sodium.h ]; then
    cat >sodium_verify.c <<'EOF'
#include <sodium.h>
#include <stdio.h>
#include <string.h>
/* argv: MANIFEST SIG.bin PUB.base64: libsodium's crypto_sign_verify_detached, as the kiosk's. */
int main(int argc, char **argv)
{
    unsigned char m[8192], sig[64], pk[32];
    char t[100] = "";
    size_t n = 0, pn = 0;
    FILE *a = argc == 4 ? fopen(argv[1], "rb") : NULL, *b = a ? fopen(argv[2], "rb") : NULL;
    FILE *c = b ? fopen(argv[3], "r") : NULL;
    if (!c || sodium_init() < 0 || fread(sig, 1, 64, b) != 64 || !fgets(t, sizeof t, c))
        return 2;
    n = fread(m, 1, sizeof m, a);
    if (sodium_base642bin(pk, 32, t, strlen(t), " \r\n", &pn, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
        return 2;
    return crypto_sign_verify_detached(sig, m, n, pk) != 0;
}
EOF
    if cc sodium_verify.c -lsodium -o sodium_verify 2>/dev/null; then
        check "manifest.sig verifies with libsodium too" ./sodium_verify manifest manifest.bin org/org-sign.public
    else
        not_ok "sodium_verify.c does not compile"
    fi
fi
check "no serial login by default" bash -c "! grep -q kiosk.serial_login <<<'$cmd'"
check "provision.json: no network by default" jq -e '.network == {"ethernet": "none", "mac": null, "ntp": []}' prov.json

if command -v cc >/dev/null && [ -f /usr/include/sodium.h ]; then
    cat >sodium_check.c <<'EOF'
#include <sodium.h>
#include <stdio.h>
#include <string.h>
/* The key pair as libsodium sees it: the seed gives the same public key, and it signs. */
int main(int argc, char **argv)
{
    char t[200] = "";
    FILE *f = fopen(argv[1], "r");
    if (argc < 2 || sodium_init() < 0 || !f || !fgets(t, sizeof t, f))
        return 2;
    unsigned char sk[64], pk[32], sk2[64], sig[64];
    const unsigned char m[] = "manifest";
    size_t n = 0;
    if (sodium_base642bin(sk, sizeof sk, t, strlen(t), " \r\n", &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || n != 64)
        return 1;
    crypto_sign_seed_keypair(pk, sk2, sk);
    crypto_sign_detached(sig, NULL, m, sizeof m, sk);
    return memcmp(pk, sk + 32, 32) != 0 || memcmp(sk2, sk, 64) != 0 ||
           crypto_sign_verify_detached(sig, m, sizeof m, sk + 32) != 0;
}
EOF
    if cc sodium_check.c -lsodium -o sodium_check 2>/dev/null; then
        check "libsodium derives the same key pair from the seed, and it signs" ./sodium_check secret.txt
    fi
else
    echo "(no cc or libsodium-dev: the libsodium cross-check is skipped)"
fi

# ---- provisioning again without --reprovision is refused ----
expect_fail "a second provisioning without --reprovision" "use --reprovision" "$prov" "${args[@]}" card.img

# ---- re-provisioning: new site, zone, id: a new key, a new machine id ----
mid1=$(grep -o 'machine_id=[0-9a-f]*' <<<"$cmd")
out=$("$prov" --reprovision --kiosk-id Lobby-02 --site "Hall B" --address "2 River Street" \
    --timezone America/New_York --languages en --pins "$repo/board/kiosk.json" --org-keys org \
    --rotate 180 --serial-login --ethernet dhcp --ntp ntp.example.org card.img 2>&1) || not_ok "reprovision: $out"
pub2=$(mtype -i "$fat" ::/kiosk-provision/kiosk-sign.public | tr -d '\r\n')
check "re-provisioning made a new key" test "$pub2" != "$pub"
check "re-provisioning wrote the new settings" bash -c \
    "mtype -i '$fat' ::/kiosk-provision/provision.json | jq -e '.kioskId == \"Lobby-02\" and .timezone == \"America/New_York\"' >/dev/null"
check "--serial-login puts kiosk.serial_login=1 on the command line" \
    grep -q ' kiosk.serial_login=1$' <<<"$(mtype -i "$fat" ::/cmdline.txt)"
check "--ethernet dhcp --ntp: in provision.json" bash -c "mtype -i '$fat' ::/kiosk-provision/provision.json |
    jq -e '.network == {\"ethernet\": \"dhcp\", \"mac\": null, \"ntp\": [\"ntp.example.org\"]}' >/dev/null"
check "re-provisioning wrote the rotation" bash -c \
    "mtype -i '$fat' ::/kiosk-provision/kiosk.json | jq -e '.display.rotation == 180 and .language == \"en\"' >/dev/null"
cmd2=$(mtype -i "$fat" ::/cmdline.txt)
check "cmdline.txt: one host name, one machine id, a new id for a new kiosk" bash -c \
    "[ \$(grep -o 'systemd.hostname=' <<<'$cmd2' | wc -l) = 1 ] && grep -q 'systemd.hostname=kiosk-lobby-02' <<<'$cmd2' && ! grep -q '$mid1' <<<'$cmd2'"

# ---- re-provisioning a kiosk that has booted (kiosk-firstboot left kiosk-provisioned.json) ----
mdeltree -i "$fat" ::/kiosk-provision
printf '{"format":1,"kioskId":"Lobby-02","kioskSignPublicKey":"%s"}\n' "$pub2" >done.json
mcopy -i "$fat" done.json ::/kiosk-provisioned.json
expect_fail "a booted card without --reprovision" "was provisioned as kiosk 'Lobby-02'" "$prov" "${args[@]}" card.img
expect_fail "--keep-key for another kiosk id" "a new kiosk id needs a new key" \
    "$prov" --reprovision --keep-key "${args[@]}" card.img
out=$("$prov" --reprovision --keep-key --kiosk-id Lobby-02 --site "Hall C" --address "3 River Street" \
    --timezone Europe/London --languages en --pins "$repo/board/kiosk.json" --org-keys org card.img 2>&1) ||
    not_ok "reprovision --keep-key: $out"
listing=$(mdir -i "$fat" -b ::/kiosk-provision)
check "--keep-key writes no key" bash -c "! grep -q kiosk-sign <<<'$listing'"
check "--keep-key: the manifest signs what is there" bash -c \
    "mtype -i '$fat' ::/kiosk-provision/manifest | grep '^sha256 ' | cut -d' ' -f3 | paste -sd' ' | grep -qx 'kiosk.json provision.json'"
check "re-provisioned without --serial-login: no serial login" bash -c "! mtype -i '$fat' ::/cmdline.txt | grep -q serial_login"
check "--keep-key says which key stays" grep -qF "$pub2" <<<"$out"
check "--keep-key: provision.json says keepKey" bash -c \
    "mtype -i '$fat' ::/kiosk-provision/provision.json | jq -e '.keepKey == true and .site == \"Hall C\"' >/dev/null"

# ---- bad arguments, each named ----
make_fat_image fresh.img
echo '{"pins": [{"action": "jump", "line": "GPIO5"}]}' >badpins.json
echo '{"pins": [{"action": "next", "line": "GPIO5"}, {"action": "back", "line": "GPIO5"}]}' >duppins.json
echo 'not json' >notjson.json
mkdir -p badorg && echo short >badorg/org-sign.public && cp org/org-box.public badorg/
a() { # args with one replaced: OPTION VALUE
    local o=$1 v=$2 i out=()
    for ((i = 0; i < ${#args[@]}; i += 2)); do
        if [ "${args[i]}" = "$o" ]; then out+=("$o" "$v"); else out+=("${args[i]}" "${args[i + 1]}"); fi
    done
    printf '%s\0' "${out[@]}"
}
bad() { # DESCRIPTION TEXT OPTION VALUE
    local -a av
    mapfile -d '' av < <(a "$3" "$4")
    expect_fail "$1" "$2" "$prov" "${av[@]}" fresh.img
}
bad "a kiosk id with a space" "--kiosk-id: 'lobby 1' is not" --kiosk-id "lobby 1"
bad "a kiosk id with a slash" "--kiosk-id: '../x' is not" --kiosk-id "../x"
bad "an unknown time zone" "--timezone: 'Mars/Olympus' is not a time zone" --timezone Mars/Olympus
bad "a time zone climbing out" "--timezone: '../../etc/passwd' is not a time zone name" --timezone ../../etc/passwd
bad "a language the pack lacks" "--languages: 'fr' is not a language of the content pack" --languages en,fr
bad "a language named twice" "--languages: 'en' is named twice" --languages en,en
bad "a missing pin map" "--pins: nothere.json: no such file" --pins nothere.json
bad "a pin map that is not JSON" "--pins: notjson.json: not valid JSON" --pins notjson.json
bad "an unknown button action" "--pins: badpins.json: \$.pins[0].action: \"jump\" is not one of" --pins badpins.json
bad "a line used twice" "--pins: duppins.json: \$.pins: line GPIO5 is used twice" --pins duppins.json
bad "organisation keys missing" "--org-keys: nowhere: no such directory" --org-keys nowhere
bad "a broken organisation key" "--org-keys: badorg/org-sign.public: not a public key of 32 bytes" --org-keys badorg
bad "an empty site" "--site: is empty" --site "  "
bad "an address with a line break" "--address: holds a control character" --address $'1 Street\nTown'
mkdir -p pubonly && cp org/org-sign.public org/org-box.public pubonly/
bad "no organisation signing key" "--org-sign-key: pubonly/org-sign.secret: missing: the provisioning must be signed" --org-keys pubonly
ed25519_pair other
expect_fail "a signing key of another organisation" "--org-sign-key: other.secret is not the secret key of org/org-sign.public" \
    "$prov" "${args[@]}" --org-sign-key other.secret fresh.img
chmod 644 other.secret
expect_fail "a signing key readable by others" "--org-sign-key: other.secret: readable by others" \
    "$prov" "${args[@]}" --org-sign-key other.secret fresh.img
echo short >short.secret && chmod 600 short.secret
expect_fail "a signing key that is not one" "--org-sign-key: short.secret: not a secret key of 64 bytes" \
    "$prov" "${args[@]}" --org-sign-key short.secret fresh.img
expect_fail "an unknown --ethernet" "--ethernet: 'wifi' is not none or dhcp" "$prov" "${args[@]}" --ethernet wifi fresh.img
expect_fail "--ethernet-mac without dhcp" "--ethernet-mac: only with --ethernet dhcp" \
    "$prov" "${args[@]}" --ethernet-mac dc:a6:32:01:02:03 fresh.img
expect_fail "a bad MAC address" "--ethernet-mac: 'dc:a6:32' is not a MAC address" \
    "$prov" "${args[@]}" --ethernet dhcp --ethernet-mac dc:a6:32 fresh.img
expect_fail "NTP servers without a network" "--ntp: needs a network: add --ethernet dhcp" \
    "$prov" "${args[@]}" --ntp pool.example.org fresh.img
expect_fail "an NTP server that is not a host name" "--ntp: 'a b' is not a host name or an address" \
    "$prov" "${args[@]}" --ethernet dhcp --ntp 'a b' fresh.img
expect_fail "a PIN in clear instead of its hash" "--staff-pin-hash: not an Argon2id hash" \
    "$prov" "${args[@]}" --staff-pin-hash 1234 fresh.img
expect_fail "a bad rotation" "--rotate: '45' is not 0, 90, 180 or 270" "$prov" "${args[@]}" --rotate 45 fresh.img
expect_fail "a bad display size" "--display: 'big' is not WIDTHxHEIGHT" "$prov" "${args[@]}" --display big fresh.img
expect_fail "--keep-key on a first provisioning" "--keep-key: only with --reprovision" \
    "$prov" "${args[@]}" --keep-key fresh.img
expect_fail "a missing required option" "--timezone is required" \
    "$prov" --kiosk-id a --site b --address c --languages en --pins x --org-keys org fresh.img
expect_fail "no target" "TARGET (an image file or a block device) is missing" "$prov" "${args[@]}"
expect_fail "a target that does not exist" "TARGET: nothere.img: no such file" "$prov" "${args[@]}" nothere.img
truncate -s 8M blank.img
expect_fail "a target without a partition table" "TARGET: blank.img: no partition table" "$prov" "${args[@]}" blank.img
check "nothing was written onto the card refused above" bash -c "! mdir -i fresh.img@@$FAT_OFFSET -b ::/kiosk-provision >/dev/null 2>&1"
finish
