#!/bin/bash
# tools/bench-lib.sh, the benchmark parts' shared functions: statistics of known lists
# (median, nearest-rank p95, max), the interleaved pair runner's ABBA order, peak RSS and wall
# time of a real process, the time to a line of output, idle CPU of a sleeping and a busy
# process, goals' verdicts and the machine lines tools/bench gathers into its table.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
need python3 column awk /usr/bin/time
make_scratch
# shellcheck source=../../tools/bench-lib.sh
. "$repo/tools/bench-lib.sh"

is() { # DESCRIPTION GOT WANT
    if [ "$2" = "$3" ]; then ok "$1: $2"; else not_ok "$1: got '$2', want '$3'"; fi
}

# Statistics
is "median, odd count" "$(bench_median 5 1 3)" 3
is "median, even count" "$(bench_median 4 1 3 2)" 2.5
is "median from stdin" "$(printf '10\n2\n7\n' | bench_median)" 7
is "p95 of 1..20 (nearest rank: the 19th)" "$(bench_p95 "$(seq 20)")" 19
is "p95 of 1..10 (the 10th)" "$(bench_p95 "$(seq 10)")" 10
is "p95 of one value" "$(bench_p95 42)" 42
is "max" "$(bench_max 3 11 2)" 11
is "min" "$(bench_min 3 11 2)" 2
is "numeric, not lexical order" "$(bench_max 9 10 100)" 100
is "an empty list" "$(bench_median "")" -
is "missing values (-) left out" "$(bench_median 1 - 3)" 2
is "stats line" "$(bench_stats "$(seq 20)")" "median 10.5, p95 19.0, max 20.0 (n=20)"
is "per-pair ratios" "$(bench_ratios "2 9 5" "1 3 10" | tr '\n' ' ')" "2 3 0.5 "

# The pair runner: ABBA order after the warm-up, values and peak RSS in their arrays.
order=$scratch/order
: >"$order"
run_a() { echo -n A >>"$order"; echo "10 111"; }
run_b() { echo -n B >>"$order"; echo 5; }
BENCH_WARMUP=1 bench_pairs 4 run_a run_b
is "pair order (warm-up AB, then AB BA AB BA)" "$(cat "$order")" ABABBAABBA
is "A values" "${BENCH_A[*]}" "10 10 10 10"
is "B values" "${BENCH_B[*]}" "5 5 5 5"
is "A peak RSS" "${BENCH_A_KIB[*]}" "111 111 111 111"
is "B peak RSS missing" "${BENCH_B_KIB[*]}" "- - - -"

# A real process: its status, wall time and peak RSS (50 MB allocated and touched).
rc=0
bench_run "$scratch/run" python3 -c 'import time; b = bytearray(50_000_000); time.sleep(0.1); print("out")' || rc=$?
is "bench_run status" "$rc" 0
is "bench_run stdout" "$(cat "$scratch/run")" out
if [ "$BENCH_KIB" -ge 48000 ] && [ "$BENCH_KIB" -lt 200000 ]; then ok "peak RSS $BENCH_KIB KiB"; else not_ok "peak RSS $BENCH_KIB KiB, want 48000..200000"; fi
if [ "$BENCH_US" -ge 100000 ]; then ok "wall time $BENCH_US us"; else not_ok "wall time $BENCH_US us < the 100 ms slept"; fi
rc=0
bench_run "$scratch/run" sh -c 'exit 3' || rc=$?
is "bench_run passes the status on" "$rc" 3

# Time to a line: the line comes after 0.2 s, the process ends 0.4 s later.
read -r us kib < <(bench_exec_to_line 'event=first-frame*' bash -c 'echo starting; sleep 0.2; echo "event=first-frame ms=1"; sleep 0.4')
if [ "$us" -ge 200000 ] && [ "$us" -lt 600000 ]; then ok "time to the line $us us"; else not_ok "time to the line $us us, want 200000..600000"; fi
if [ "$kib" -gt 0 ]; then ok "its peak RSS $kib KiB"; else not_ok "no peak RSS: $kib"; fi
read -r us _ < <(bench_exec_to_line 'never*' true)
is "no matching line" "$us" -

# Idle CPU: a sleeping process near 0%, a busy one near 100% of a core.
sleep 30 &
sleeper=$!
busy() { while :; do :; done; }
busy &
spinner=$!
read -r idle_pct _ < <(bench_idle_cpu "$sleeper" 1 0.1)
read -r busy_pct _ < <(bench_idle_cpu "$spinner" 1 0.1)
kill "$sleeper" "$spinner"
wait "$sleeper" "$spinner" 2>/dev/null || true
if awk -v p="$idle_pct" 'BEGIN {exit !(p < 1)}'; then ok "sleep: $idle_pct% of a core"; else not_ok "sleep: $idle_pct% of a core, want < 1"; fi
# (the machine may be shared: a busy loop gets its share of a core, not a whole one)
if awk -v p="$busy_pct" 'BEGIN {exit !(p > 2)}'; then ok "busy loop: $busy_pct% of a core"; else not_ok "busy loop: $busy_pct% of a core, want > 2"; fi

# Goals and figure lines
is "goal met" "$(bench_goal "x" 3 "<" 4 ms)" "goal: x: 3 ms < 4 ms: PASS"
is "goal missed at the limit" "$(bench_goal "x" 4 "<" 4 ms)" "goal: x: 4 ms < 4 ms: MISS"
is "goal <= at the limit" "$(bench_goal "x" 4 "<=" 4)" "goal: x: 4 <= 4: PASS"
is "no value, no verdict" "$(bench_goal "x" - "<" 4)" "goal: x: - < 4: -"
# pair ratios 2 2 5 15: their median 3.5, not the ratio of the medians (5.5 / 2 = 2.75)
out=$(bench_figure "save" ms "ratio <= 2.0" "4 6 5 30" "2 3 1 2" "1000 3000 2000 2500")
machine=$(grep '^figure|' <<<"$out")
is "machine line (ratio: median of pair ratios)" "$machine" "figure|save|5.5|30|30|ms|3000|2|3.50|ratio <= 2.0|MISS"
has() { # DESCRIPTION TEXT PATTERN
    if grep -q -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1: $2"; fi
}
has "ratio's p95 and max" "$out" "p95 15.00x, max 15.00x"
has "peak RSS in MB and MiB" "$out" "peak RSS 3.1 MB (2.9 MiB)"
machine=$(bench_figure "frame" ms "p95 < 16.7" "10 12 16" | grep '^figure|')
is "goal on p95" "$machine" "figure|frame|12|16|16|ms|-|-|-|p95 < 16.7|PASS"
machine=$(bench_figure "frame" ms "max < 16.7" "10 12 17" | grep '^figure|')
is "goal on max" "${machine##*|}" MISS
machine=$(bench_figure "memory" MB "peak_mb < 40" "1" "" "39000" | grep '^figure|')
is "goal on peak MB (39000 KiB = 39.9 MB)" "${machine##*|}" PASS
machine=$(bench_figure "memory" MB "peak_mb < 40" "1" "" "39100" | grep '^figure|')
is "goal on peak MB (39100 KiB = 40.04 MB)" "${machine##*|}" MISS
machine=$(bench_figure "no goal" ms - "1 2 3" | grep '^figure|')
is "no goal" "$machine" "figure|no goal|2|3|3|ms|-|-|-|-|-"
bench_figure "save" ms "ratio <= 2.0" "4 6 5 30" "2 3 1 2" "1000 3000 2000 2500" >"$scratch/log"
echo "a line that is not a figure" >>"$scratch/log"
table=$(bench_table "$scratch/log")
is "table rows" "$(wc -l <<<"$table")" 2
has "table row" "$table" '^save *| 5.5 *| 30.0 *| 30.0 *| ms *| 3.1 *| 2 *| 3.50x *| ratio <= 2.0 | MISS'

echo "no figures" >"$scratch/empty.log"
table=$(set -o pipefail; bench_table "$scratch/empty.log") || not_ok "bench_table failed on a log without figures"
is "a table without figures: its header" "$(wc -l <<<"$table")" 1

# Figures read from a part's own output (parts that do not print figure lines).
cat >"$scratch/export.log" <<'LOG'
export of 100000 records (encrypted, signed, synced, read back, marked):
  library alone                      median   0.512 s  p95   0.600 s  max   0.700 s  peak   12.5 MiB  (7 runs)
  library / sqlite3 -csv             median   2.05x   p95   2.10x   max   2.20x  (per pair)
  kiosk / sqlite3 -csv               median   0.95x   p95   1.10x   max   1.20x  (per pair)
office import of 1000000 records (verify, decrypt, merge by uuid, one transaction):
  export of them (library, --all)    median   5.000 s  p95   5.000 s  max   5.000 s  peak   12.5 MiB  (1 runs)
  kiosk-staff import                 median  11.000 s  p95  11.500 s  max  11.700 s  peak   40.0 MiB  (3 runs)
LOG
out=$(bench_adapt export "$scratch/export.log")
is "adapted: 5 figures" "$(grep -c '^figure|' <<<"$out")" 5
has "adapted: library alone, s, peak 12.5 MiB" "$out" '^figure|export: export of 100000 records / library alone|0.512|0.600|0.700|s|12800|-|-|-|-$'
has "adapted: export ratio, goal 1.0x missed" "$out" '^figure|export: export of 100000 records / library / sqlite3 -csv|2.05|2.10|2.20|x|-|-|-|median <= 1.0|MISS$'
has "adapted: kiosk export ratio met" "$out" '/ kiosk / sqlite3 -csv|0.95|.*|median <= 1.0|PASS$'
has "adapted: import of 1M, goal 10 s missed" "$out" 'kiosk-staff import|11.000|11.500|11.700|s|40960|-|-|median < 10|MISS$'
has "adapted: the export before the import has no goal" "$out" 'export of them (library, --all)|5.000|5.000|5.000|s|12800|-|-|-|-$'
cat >"$scratch/startup.log" <<'LOG'
case        runs | first frame ms med/p95/max | store open ms med/p95/max  | chain done ms med/p95/max  | peak RSS MiB med/max | baseline 0: first frame med
0             10 |     43.0     50.0     61.0 |     40.0     41.0     42.0 |     50.0     51.0     52.0 |     45.0     46.0 |     42.0
1m             5 |    160.0    170.0    180.0 |        -        -        - |        -        -        - |     45.0     47.5 |     43.0
LOG
out=$(bench_adapt startup "$scratch/startup.log")
has "adapted: start-up row, 0 records" "$out" '^figure|startup: exec to first frame, 0|43.0|50.0|61.0|ms|47104|42.0|-|median < 150|PASS$'
has "adapted: start-up row, 1M" "$out" '^figure|startup: exec to first frame, 1m|160.0|170.0|180.0|ms|48640|43.0|-|median < 150|MISS$'
printf '== frame time at 1920x1080: Tab and Escape (--stats), 3 runs\nstats frames=300 median_us=1234 p95_us=5000 max_us=16000\n' >"$scratch/frames.log"
has "adapted: key=value stats, goal in its unit (us)" "$(bench_adapt frames "$scratch/frames.log")" \
    '^figure|frames: frame time at 1920x1080: Tab and Escape / stats frames=300|1234|5000|16000|us|-|-|-|max < 16700|PASS$'
cat >"$scratch/store.log" <<'LOG'
== 1000000 records (1000000 in /x/bench-v5-1000000.db), schema 5, 200 interleaved pairs
  submission (to the thank-you):     median    5000 us  p95    9000 us  max   12000 us
  bare write+fdatasync, WAL-like:    median    2000 us  p95    4000 us  max    6000 us
  ratio of medians 2.50x, of p95 2.25x
  figures query, the reads after:    median      40 us  p95      90 us  max     300 us
LOG
out=$(bench_adapt store "$scratch/store.log")
has "adapted: a ratio of medians after its two figures, with the save goal" "$out" \
    '^figure|store: 1000000 records / submission (to the thank-you) / bare write+fdatasync, WAL-like (ratio of medians; p95: ratio of p95s)|2.50|2.25|-|x|-|-|-|median <= 2.0|MISS$'
has "adapted: staff figures at 1M, in us" "$out" '^figure|store: 1000000 records / figures query, the reads after|40|90|300|us|-|-|-|median < 16700|PASS$'
cat >"$scratch/memory.log" <<'LOG'
== peak RSS through every journey (assets/scripts/journeys.script), 5 runs each
baseline 800x480: median 56000, max 57000 KiB
kiosk 800x480: median 38000, max 38500 KiB
== button edge to frame (200 presses of next and prev, board/kiosk.json's pin map), 5 runs
kiosk edge to frame, us: run medians median 900, max 1200; run p95s median 2000, max 2500
LOG
out=$(bench_adapt memory "$scratch/memory.log")
has "adapted: no p95, the unit after max; a baseline has no goal" "$out" \
    '^figure|memory: peak RSS through every journey / baseline 800x480|56000|-|57000|KiB|57000|-|-|-|-$'
has "adapted: memory's max is its peak (38500 KiB = 39.4 MB)" "$out" \
    '^figure|memory: peak RSS through every journey / kiosk 800x480|38000|-|38500|KiB|38500|-|-|peak_mb < 40|PASS$'
has "adapted: the unit in the name (us:)" "$out" \
    '^figure|memory: button edge to frame / kiosk edge to frame, us: run medians|900|-|1200|us|-|-|-|median < 16700|PASS$'
is "a part with figure lines of its own is not adapted" "$(bench_adapt store "$scratch/log")" ""
is "goal: countdown idle CPU" "$(bench_goal_for "frames: idle CPU, 800x480 countdown" %)" "median < 0.5"
is "goal: memory" "$(bench_goal_for "memory: peak RSS through every journey" MiB)" "peak_mb < 40"
is "goal: save ratio" "$(bench_goal_for "store: submission / fdatasync" x)" "median <= 2.0"
is "goal: staff figures at 1M in s" "$(bench_goal_for "store: staff figures, 1000000 records" s)" "median < 0.0167"
is "goal: button edge to frame" "$(bench_goal_for "memory: button edge to frame" ms)" "median < 16.7"
is "no goal" "$(bench_goal_for "packs: rollback" us)" -

# tools/bench's options (checked before it builds anything)
expect_fail "tools/bench --only with a part it does not have" "no part named nosuch" "$repo/tools/bench" --only seal,nosuch
expect_fail "tools/bench with an option it does not have" "unknown option --fast" "$repo/tools/bench" --fast
has "tools/bench --help" "$("$repo/tools/bench" --help)" '^Usage: tools/bench \[--quick\] \[--arm64\] \[--fresh-db\] \[--only PART'

# Databases: a copy carries the -wal and -head files and leaves none of the old copy's.
mkdir -p "$scratch/db"
echo main >"$scratch/db/records-5.db"
echo wal >"$scratch/db/records-5.db-wal"
echo head >"$scratch/db/records-5.db-head"
echo stale >"$scratch/copy.db-shm"
echo stale >"$scratch/copy.db-wal"
KIOSK_BENCH_DB_DIR=$scratch/db
is "bench_db of a size made" "$(bench_db 5)" "$scratch/db/records-5.db"
is "bench_db of a size not made" "$(bench_db 6)" ""
bench_copy_db "$(bench_db 5)" "$scratch/copy.db"
is "copied files" "$(cd "$scratch" && echo copy.db*)" "copy.db copy.db-head copy.db-wal"
is "copied -wal" "$(cat "$scratch/copy.db-wal")" wal
unset KIOSK_BENCH_DB_DIR
is "bench_db without tools/bench's databases" "$(bench_db 5)" ""

finish
