#!/bin/sh
# gen_records makes what a kiosk holds after N residents: the real kiosk opens it and verifies
# its hash chain over every record, and the staff export marks what --exported says.
# Usage: gen_records_test.sh GEN_RECORDS KIOSK DIR
set -eu
gen=$1 kiosk=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
"$gen" "$dir/k.db" 500 --exported 120 --scratch "$dir"
printf 'quit\n' > "$dir/quit.script"
out=$("$kiosk" --headless --db "$dir/k.db" --script "$dir/quit.script" 2>&1)
echo "$out" | grep -q "hash chain of $dir/k.db verified: 500 records, last seq 500" || {
    echo "the kiosk did not verify 500 chained records:"; echo "$out"; exit 1; }
echo "$out" | grep -qi "altered\|lost\|quarantin" && { echo "unexpected damage:"; echo "$out"; exit 1; }
n=$(sqlite3 "$dir/k.db" "SELECT count(*) FROM records WHERE exported_at IS NOT NULL" 2>/dev/null ||
    echo skip)
[ "$n" = skip ] || [ "$n" = 120 ] || { echo "exported: $n, wanted 120"; exit 1; }
echo "ok: 500 records, chain verified by the kiosk, exported $n"
