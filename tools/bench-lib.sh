# shellcheck shell=bash
# Shell functions the benchmark parts share (sourced: `. tools/bench-lib.sh`; bash 5).
#
# Statistics of a list of numbers (one per line on stdin, or words in "$*"):
#   bench_median / bench_p95 / bench_max / bench_min      one number
#   bench_stats                                           "median M, p95 P, max X (n=N)"
#   Percentiles are by nearest rank (p95 of 10 runs is the 10th, of 20 the 19th); the median
#   of an even count is the mean of the two middle values.
# Runs, measured from outside the process:
#   bench_now_us                        monotonic-enough wall clock in microseconds (no fork)
#   bench_run OUT CMD...                runs CMD (stdout to OUT, stderr to OUT.err) under GNU
#                                       time; sets BENCH_US (wall time, exec to exit) and
#                                       BENCH_KIB (peak RSS, %M); returns CMD's status
#   bench_exec_to_line PATTERN CMD...   prints "US KIB": microseconds from just before exec
#                                       to the first stdout line matching the glob PATTERN
#                                       (e.g. 'event=first-frame*'), and the peak RSS of the
#                                       whole run; the command runs to its end (give it a
#                                       script that quits); empty US when no line matched
# Interleaved pairs:
#   bench_pairs ROUNDS CMD_A CMD_B      runs ROUNDS pairs, A then B in odd rounds and B then
#                                       A in even ones (ABBA: neither side always goes first),
#                                       after BENCH_WARMUP (default 1) unrecorded pair(s).
#                                       CMD_A/CMD_B are command strings (eval'd) that print one
#                                       line "VALUE [PEAK_KIB]". Fills the arrays BENCH_A,
#                                       BENCH_B (values) and BENCH_A_KIB, BENCH_B_KIB.
#   bench_ratios "A..." "B..."          per-pair ratios A[i]/B[i], one per line
# CPU of a running process:
#   bench_cpu_ns PID                    CPU time of all its threads so far, in nanoseconds
#                                       (/proc/PID/task/*/schedstat; /proc/PID/stat ticks when
#                                       schedstat is missing)
#   bench_idle_cpu PID SECS [SETTLE]    waits SETTLE seconds (default 2), then prints the
#                                       percentage of one core it used over SECS seconds, and
#                                       its wake-ups (context switches) per second: "PCT WAKE"
# Report lines:
#   bench_figure NAME UNIT GOAL "VALUES" ["BASELINE VALUES"] ["PEAK KIBS"]
#       prints the figure's median/p95/max, the baseline's (same run), the ratio (median of
#       the per-pair ratios, with their p95 and max), the peak RSS (max of the runs) and the
#       goal's verdict; then a machine line
#       figure|NAME|MEDIAN|P95|MAX|UNIT|PEAK_KIB|BASE_MEDIAN|RATIO|GOAL|VERDICT
#       that tools/bench gathers into its closing table ("-" for what does not apply; a part
#       in C or Python may print such lines itself: PEAK_KIB in KiB, RATIO a plain number).
#       GOAL is "STAT OP LIMIT" with STAT one of median p95 max ratio peak_mb (peak RSS in
#       MB of 10^6 bytes), OP one of < <= > >=, e.g. "median < 150", "ratio <= 2.0",
#       "peak_mb < 40"; or "-" for a figure without a goal.
#   bench_goal LABEL VALUE OP LIMIT [UNIT]   one "goal: ... PASS|MISS" line for any value
#   bench_table LOG...                  the figure| lines of the logs as an aligned table
#   bench_adapt PART LOG                figure| lines made from a part's own output when it
#                                       printed none: each line with "median X p95 Y max Z"
#                                       (with units, "peak N MiB", key=value forms such as
#                                       median_us=), and tools/bench-startup's table rows;
#                                       named "PART: heading / line", with issue 18's goal
#                                       when the name says which figure it is (bench_goal_for)
#   bench_goal_for NAME UNIT            issue 18's goal for a figure's name, in its unit
#   bench_env                           the machine, its load and the commit, for the record
# Databases:
#   bench_db N                          the path of tools/bench's pristine database of N
#                                       records (made once per run by tests/gen_records), or
#                                       nothing when this run has none of that size
#   bench_copy_db SRC DST               copies a database with its -wal and -head files
#                                       (removing DST's first), so each case starts the same
# Every function is safe under `set -euo pipefail`.
#
# What tools/bench gives the parts it runs (tools/bench-*, bench_store, bench_export), in the
# environment; a part run alone without them makes its own databases and uses its defaults:
#   KIOSK_BENCH_QUICK=1          --quick: fewer rounds, no 1M database
#   KIOSK_BENCH_ROUNDS           interleaved pairs per figure (11 in full, 5 in --quick)
#   KIOSK_BENCH_DB_DIR           where the pristine databases are: records-N.db (+ -wal, -head)
#   KIOSK_BENCH_SIZES            their record counts, e.g. "0 100000 1000000"
#   KIOSK_BENCH_KIOSK            the kiosk binary (or under --arm64 a wrapper running it under
#                                qemu-user), KIOSK_BENCH_STAFF the kiosk-staff tool
#   KIOSK_BENCH_RUN              under --arm64: the command prefix that runs an arm64 program
#                                (qemu-aarch64-static -L / -E LD_LIBRARY_PATH=...), so a
#                                baseline can run under the same emulation; empty on the host

bench_now_us() {
    local t=${EPOCHREALTIME/[.,]/}
    echo "$t"
}

# Numbers from "$*" when given, else stdin; blank lines and "-" dropped.
_bench_list() {
    if [ $# -gt 0 ]; then tr ' ' '\n' <<<"$*"; else cat; fi | grep -E '^-?[0-9.]+([eE][-+]?[0-9]+)?$' || true
}

bench_median() {
    _bench_list "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "-"; exit}
        if (NR%2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2}'
}

bench_p95() {
    _bench_list "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "-"; exit}
        i=int(NR*0.95); if (i<NR*0.95) i++; if (i<1) i=1; print a[i]}'
}

bench_max() {
    _bench_list "$@" | sort -g | awk '{a[NR]=$1} END {print NR ? a[NR] : "-"}'
}

bench_min() {
    _bench_list "$@" | sort -g | awk 'NR==1 {print; f=1} END {if (!f) print "-"}'
}

# "median M, p95 P, max X (n=N)", values printed with up to 4 significant digits.
bench_stats() {
    _bench_list "$@" | sort -g | awk '{a[NR]=$1} END {
        if (NR==0) {print "no values"; exit}
        m = NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2
        i=int(NR*0.95); if (i<NR*0.95) i++; if (i<1) i=1
        printf "median %s, p95 %s, max %s (n=%d)\n", f(m), f(a[i]), f(a[NR]), NR}
        function f(x) {return x >= 100 || x <= -100 ? sprintf("%.0f", x) : x >= 10 || x <= -10 ? sprintf("%.1f", x) : sprintf("%.3g", x)}'
}

bench_run() {
    local out=$1; shift
    local t0 t1 rc=0
    t0=$(bench_now_us)
    command /usr/bin/time -o "$out.kib" -f %M "$@" >"$out" 2>"$out.err" || rc=$?
    t1=$(bench_now_us)
    # shellcheck disable=SC2034 # read by the caller
    BENCH_US=$((t1 - t0))
    BENCH_KIB=$(grep -E '^[0-9]+$' "$out.kib" | tail -1 || true)
    BENCH_KIB=${BENCH_KIB:-0}
    return $rc
}

bench_exec_to_line() {
    local pat=$1; shift
    local kibf t0 t1='' line fd pid kib
    kibf=$(mktemp)
    t0=$(bench_now_us)
    exec {fd}< <(exec /usr/bin/time -o "$kibf" -f %M "$@" 2>/dev/null)
    pid=$!
    while IFS= read -r -u "$fd" line; do
        # shellcheck disable=SC2053 # a glob on purpose
        if [ -z "$t1" ] && [[ $line == $pat ]]; then t1=$(bench_now_us); fi
    done
    exec {fd}<&-
    wait "$pid" 2>/dev/null || true
    kib=$(grep -E '^[0-9]+$' "$kibf" | tail -1 || true)
    rm -f "$kibf"
    if [ -n "$t1" ]; then echo "$((t1 - t0)) ${kib:-0}"; else echo "- ${kib:-0}"; fi
}

bench_pairs() {
    local rounds=$1 a=$2 b=$3 i w out
    local -a f
    # shellcheck disable=SC2034 # read by the caller
    BENCH_A=(); BENCH_B=(); BENCH_A_KIB=(); BENCH_B_KIB=()
    for ((w = 0; w < ${BENCH_WARMUP:-1}; w++)); do
        eval "$a" >/dev/null; eval "$b" >/dev/null
    done
    for ((i = 1; i <= rounds; i++)); do
        if ((i % 2)); then
            out=$(eval "$a"); read -r -a f <<<"$out"; BENCH_A+=("${f[0]:--}"); BENCH_A_KIB+=("${f[1]:--}")
            out=$(eval "$b"); read -r -a f <<<"$out"; BENCH_B+=("${f[0]:--}"); BENCH_B_KIB+=("${f[1]:--}")
        else
            out=$(eval "$b"); read -r -a f <<<"$out"; BENCH_B+=("${f[0]:--}"); BENCH_B_KIB+=("${f[1]:--}")
            out=$(eval "$a"); read -r -a f <<<"$out"; BENCH_A+=("${f[0]:--}"); BENCH_A_KIB+=("${f[1]:--}")
        fi
    done
}

bench_ratios() {
    paste -d' ' <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
        awk '$1 ~ /^[0-9.eE+-]+$/ && $2 ~ /^[0-9.eE+-]+$/ && $2 > 0 {printf "%.6g\n", $1/$2}'
}

bench_cpu_ns() {
    local pid=$1 f sum=0 v
    if compgen -G "/proc/$pid/task/*/schedstat" >/dev/null; then
        for f in /proc/"$pid"/task/*/schedstat; do
            read -r v _ <"$f" 2>/dev/null || v=0
            sum=$((sum + v))
        done
        echo "$sum"
    else
        local s hz
        s=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
        hz=$(getconf CLK_TCK)
        echo $((s * 1000000000 / hz))
    fi
}

_bench_switches() {
    local pid=$1 f sum=0
    for f in /proc/"$pid"/task/*/status; do
        sum=$((sum + $(awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ {s+=$2} END {print s+0}' "$f" 2>/dev/null || echo 0)))
    done
    echo "$sum"
}

bench_idle_cpu() {
    local pid=$1 secs=$2 settle=${3:-2} c0 c1 w0 w1 t0 t1
    sleep "$settle"
    c0=$(bench_cpu_ns "$pid"); w0=$(_bench_switches "$pid"); t0=$(bench_now_us)
    sleep "$secs"
    c1=$(bench_cpu_ns "$pid"); w1=$(_bench_switches "$pid"); t1=$(bench_now_us)
    awk -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v t=$((t1 - t0)) \
        'BEGIN {printf "%.3f %.1f\n", c / 1000 / t * 100, w / (t / 1e6)}'
}

# VALUE OP LIMIT -> PASS or MISS ("-" when VALUE or LIMIT is not a number)
_bench_verdict() {
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        if (v !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ || l !~ /^-?[0-9.]+$/) {print "-"; exit}
        v += 0; l += 0
        ok = op == "<" ? v < l : op == "<=" ? v <= l : op == ">" ? v > l : op == ">=" ? v >= l : -1
        print ok < 0 ? "-" : ok ? "PASS" : "MISS"}'
}

bench_goal() {
    local label=$1 value=$2 op=$3 limit=$4 unit=${5:-}
    echo "goal: $label: $value${unit:+ $unit} $op $limit${unit:+ $unit}: $(_bench_verdict "$value" "$op" "$limit")"
}

bench_figure() {
    local name=$1 unit=$2 goal=$3 vals=$4 base=${5:-} kibs=${6:-}
    local med p95 max bmed='-' ratio='-' rp95 rmax peak='-' line verdict='-' stat op limit v
    med=$(bench_median "$vals"); p95=$(bench_p95 "$vals"); max=$(bench_max "$vals")
    line="$name: $(bench_stats "$vals") $unit"
    if [ -n "$base" ]; then
        bmed=$(bench_median "$base")
        line+="; baseline $(bench_stats "$base") $unit"
        local r
        r=$(bench_ratios "$vals" "$base")
        if [ -n "$r" ]; then
            ratio=$(bench_median <<<"$r"); rp95=$(bench_p95 <<<"$r"); rmax=$(bench_max <<<"$r")
            ratio=$(awk -v r="$ratio" 'BEGIN {printf "%.2f", r}')
            line+="; ratio ${ratio}x (median of $(grep -c . <<<"$r") interleaved pairs; p95 $(awk -v r="$rp95" 'BEGIN {printf "%.2f", r}')x, max $(awk -v r="$rmax" 'BEGIN {printf "%.2f", r}')x)"
        fi
    fi
    if [ -n "$kibs" ] && [ "$(bench_max "$kibs")" != - ]; then
        peak=$(bench_max "$kibs")
        line+="; peak RSS $(awk -v k="$peak" 'BEGIN {printf "%.1f MB (%.1f MiB)", k * 1024 / 1e6, k / 1024}') (max of runs)"
    fi
    if [ "$goal" != - ] && [ -n "$goal" ]; then
        read -r stat op limit <<<"$goal"
        case $stat in
        median) v=$med ;;
        p95) v=$p95 ;;
        max) v=$max ;;
        ratio) v=$ratio ;;
        peak_mb) v=$(awk -v k="$peak" 'BEGIN {if (k ~ /^[0-9]+$/) printf "%.1f", k * 1024 / 1e6; else print "-"}') ;;
        *) v=- ;;
        esac
        verdict=$(_bench_verdict "$v" "$op" "$limit")
        line+="; goal $goal: $verdict"
    fi
    echo "$line"
    echo "figure|$name|$med|$p95|$max|$unit|$peak|$bmed|$ratio|$goal|$verdict"
}

bench_table() {
    {
        echo "figure|median|p95|max|unit|peak MB|baseline|ratio|goal|verdict"
        { cat "$@" 2>/dev/null || true; } | { grep '^figure|' || true; } | cut -d'|' -f2- |
            awk -F'|' -v OFS='|' '
                function f(x) {
                    if (x !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) return x
                    return x >= 100 || x <= -100 ? sprintf("%.0f", x) : x >= 10 || x <= -10 ? sprintf("%.1f", x) : sprintf("%.3g", x)
                }
                { $2 = f($2); $3 = f($3); $4 = f($4); $7 = f($7)
                  if ($6 ~ /^[0-9]+$/) $6 = sprintf("%.1f", $6 * 1024 / 1e6)
                  if ($8 != "-") $8 = $8 "x"; print }'
    } | column -t -s'|' -o' | '
}

bench_env() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)," \
         "load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -srm)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

bench_db() {
    local f=${KIOSK_BENCH_DB_DIR:-}/records-$1.db
    if [ -n "${KIOSK_BENCH_DB_DIR:-}" ] && [ -f "$f" ]; then echo "$f"; fi
}

bench_copy_db() {
    local src=$1 dst=$2 s
    rm -f "$dst" "$dst"-*
    cp "$src" "$dst"
    for s in "$src"-*; do
        [ -e "$s" ] && cp "$s" "$dst${s#"$src"}"
    done
    return 0
}

bench_goal_for() {
    python3 - "$1" "$2" <<'PY'
import re, sys
name, unit = sys.argv[1].lower(), sys.argv[2]
SCALE = {"s": 1e3, "ms": 1.0, "us": 1e-3}  # to ms
def ms(limit):
    return "%g" % (limit / SCALE[unit]) if unit in SCALE else None
goal = None
if re.search(r"\bbaseline\b", name.split(" / ")[-1]):
    pass  # a baseline is not held to the goal
elif unit == "x":
    if re.search(r"(library|kiosk).*/ *sqlite3", name):
        goal = "median <= 1.0"
    elif re.search(r"(submission|save).*/ *(fdatasync|fsync|bare|wal)", name):
        goal = "median <= 2.0"
elif unit in SCALE:
    if re.search(r"first frame", name) and re.search(r"startup|start-up", name):
        goal = "median < " + ms(150)
    elif re.search(r"import", name.split(" / ")[-1]) and re.search(r"1000000|1,000,000|\b1m\b", name):
        goal = "median < " + ms(10000)
    elif re.search(r"1920x1080", name) and re.search(r"tab|escape", name):
        goal = "max < " + ms(16.7)
    elif re.search(r"button|edge", name):
        goal = "median < " + ms(16.7)
    elif re.search(r"figures", name) and re.search(r"1000000|1,000,000|\b1m\b", name):
        goal = "median < " + ms(16.7)
elif unit == "%" and re.search(r"countdown", name) and re.search(r"idle|cpu", name):
    goal = "median < 0.5"
elif unit in ("MB", "MiB", "KiB", "kB") and re.search(r"rss|memory", name):
    goal = "peak_mb < 40"
print(goal or "-")
PY
}

bench_adapt() {
    local part=$1 f=$2
    [ -f "$f" ] || return 0
    grep -q '^figure|' "$f" && return 0 # the part reports its own figures
    local line name unit med p95 max kib base goal v verdict
    python3 - "$part" "$f" <<'PY' | while IFS='|' read -r name unit med p95 max kib base; do
import re, sys
part, path = sys.argv[1], sys.argv[2]
num = r"(-?[0-9]+(?:\.[0-9]+)?)"
unit_re = r"\s*(?P<u{0}>%|[a-zA-Z]+\b)?"
fig = re.compile(r"^(?P<name>.*?)[\s:,(]*\bmedian(?:_(?P<k>[a-z]+))?[\s=:]+" + num + unit_re.format(1) +
                 r"(?:[\s,;]*(?:\([^)]*\))?[\s,;]*p95(?:_[a-z]+)?[\s=:]+" + num + unit_re.format(2) + r")?" +
                 r"[\s,;]*(?:\([^)]*\))?[\s,;]*max(?:_[a-z]+)?[\s=:]+" + num + unit_re.format(3) + r"(?P<rest>.*)$")
startup = re.compile(r"^(0|100k|1m|1m-cold|1m-unclean)\s+(\d+)\s*\|\s*" + num + r"\s+" + num + r"\s+" + num +
                     r"\s*\|.*\|\s*" + num + r"\s+" + num + r"\s*\|\s*" + num + r"\s*$")
head = ""
names = []
ratio = re.compile(r"^\s*ratio of medians\s+" + num + r"x(?:,\s*of p95\s+" + num + r"x)?")
for line in open(path, errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("=="):
        head = re.sub(r",\s*\d+ (runs|rounds)\b.*$", "", line.strip("= ").split(" (")[0]).rstrip(":")
        continue
    m = startup.match(line)
    if m:
        case, _, med, p95, mx, _, rss_max, base = m.groups()
        print("|".join(["startup: exec to first frame, %s" % case, "ms", med, p95, mx,
                        "%d" % (float(rss_max) * 1024), base]))
        continue
    m = ratio.match(line)
    if m and len(names) >= 2:
        # "ratio of medians Rx, of p95 Px" after the two figures it compares
        print("|".join(["%s / %s (ratio of medians; p95: ratio of p95s)" % (names[-2], names[-1].split(" / ")[-1]),
                        "x", m.group(1), m.group(2) or "-", "-", "-", "-"]))
        continue
    m = fig.match(line)
    if not m:
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            head = line.strip().split(" (")[0].rstrip(":")
        continue
    name = m.group("name").strip(" :,-")
    if head:
        name = head + " / " + name
    unit = m.group("k") or m.group("u1") or m.group("u3") or ""
    if unit in ("runs", "n", "run"):
        unit = ""
    if not unit:  # "edge to frame, us: median ..."
        u = re.search(r"[,\s](us|ms|s|KiB|MiB|MB|kB)\s*:", m.group("name"))
        unit = u.group(1) if u else ""
    rest = m.group("rest")
    pk = re.search(r"peak\s*(?:rss)?\s*" + num + r"\s*(MiB|MB|KiB|kB)", rest, re.I)
    kib = "-"
    to_kib = {"MiB": 1024, "MB": 1e6 / 1024, "KiB": 1, "kB": 1}
    if pk:
        kib = "%d" % (float(pk.group(1)) * to_kib[pk.group(2)])
    elif unit in to_kib:  # a figure of memory: its own max is the peak
        kib = "%d" % (float(m.group(7)) * to_kib[unit])
    names.append(part + ": " + name)
    print("|".join([part + ": " + name, unit, m.group(3), m.group(5) or "-", m.group(7), kib, "-"]))
PY
        goal=$(bench_goal_for "$name" "$unit")
        verdict=-
        if [ "$goal" != - ]; then
            read -r stat op limit <<<"$goal"
            case $stat in
            median) v=$med ;; p95) v=$p95 ;; max) v=$max ;;
            peak_mb) v=$(awk -v k="$kib" 'BEGIN {if (k ~ /^[0-9]+$/) printf "%.1f", k * 1024 / 1e6; else print "-"}') ;;
            *) v=- ;;
            esac
            verdict=$(_bench_verdict "$v" "$op" "$limit")
        fi
        # adapted: the ratio column stays empty (the part's own pairs are not known here)
        echo "figure|$name|$med|$p95|$max|$unit|$kib|$base|-|$goal|$verdict"
    done
}
