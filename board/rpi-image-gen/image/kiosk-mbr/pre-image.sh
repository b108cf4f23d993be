#!/bin/bash
# shellcheck disable=SC2154 # IGconf_* come from rpi-image-gen's environment
# rpi-image-gen pre-image hook of kiosk-image-mbr: writes genimage.cfg from genimage.cfg.in.
# WRITTEN, NOT RUN (the Raspberry Pi archive is out of reach of the project's build machines).
#   pre-image.sh ROOTFS GENIMAGE_DIR
set -eu
fs=$1
genimg_in=$2
[ -d "$fs" ] || exit 0
sed -e "s|<IMAGE_NAME>|$IGconf_image_name|g" \
    -e "s|<DISKSIG>|${IGconf_kiosk_disksig:-4b696f73}|g" \
    -e "s|<BOOT_SIZE>|$IGconf_image_boot_part_size|g" \
    -e "s|<ROOT_SIZE>|$IGconf_image_root_part_size|g" \
    -e "s|<DATA_SIZE>|$IGconf_image_data_part_size|g" \
    "$(dirname "$0")/genimage.cfg.in" >"$genimg_in/genimage.cfg"
