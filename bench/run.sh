#!/bin/sh
# bench/run.sh: time mtqg-report on national-size input and report speed
# and peak memory against the targets (0.5 s wall, 32 MB peak RSS), beside
# the tools a user would pick instead, and check that memory stays flat
# when the payment rows grow tenfold.
#
# Run from the repository root by `make bench`, which first builds
# build/rel/mtqg-report, build/rel/bench/gen-bench and build/rel/bench/peak.
# Data is generated once into bench/data/ (and the 10x ledger into
# bench/data/x10/) and reused while the generator's source is unchanged (a
# stamp file holds its checksum). The program runs BENCH_RUNS times
# (default 3) under `peak`; each peer BENCH_PEER_RUNS times (default 1).
#
# Peers (bench/peer_pandas.py, bench/peer_duckdb.mjs) run only when present:
# pandas + XlsxWriter for /usr/bin/python3 (ReportLab too for its PDF), and
# node with @duckdb/node-api in bench/node_modules; bench/setup-peers.sh
# (`make bench-peers`) installs them. A missing peer is said in one line.
# BENCH_PEERS=0 skips the peers, BENCH_X10=0 the 10x-rows check,
# BENCH_X10_RUNS (default 3) sets its runs.
#
# Timing never fails the script: it prints figures. It exits non-zero only
# when the program (or the generator) itself fails.
# Sizes are in MB of 1,048,576 bytes, like the RSS figure (ru_maxrss KB/1024).
set -u

BIN=${BENCH_BIN:-build/rel/mtqg-report}  # override to time another build
GEN=build/rel/bench/gen-bench
PEAK=build/rel/bench/peak
DATA=bench/data
OUT=bench/out
LOGS=$DATA/logs
INIS=$DATA/ini   # configurations, outside every input folder (the program
                 # would list them as files it does not read)
INI=$INIS/bench.ini
FILES="ke_hoach_bench.csv giai_ngan_bench.csv chi_tieu_bench.csv"
RUNS=${BENCH_RUNS:-3}
PEER_RUNS=${BENCH_PEER_RUNS:-1}
TARGET_WALL=0.5
TARGET_RSS=32
X10_SLACK=10   # percent: the 10x ledger's peak within this of the 1x one

need() {
    if [ ! -x "$1" ]; then
        echo "bench: $1 is missing; build it with: make $1" >&2
        exit 2
    fi
}

# The generator's checksum and factor: data made by another version is
# made again.
gen_version() { # FACTOR
    echo "gen-bench x$1 $(cksum < bench/gen-bench.c)"
}

data_is_current() { # DIR FACTOR
    [ -f "$1/.gen-version" ] || return 1
    [ "$(cat "$1/.gen-version")" = "$(gen_version "$2")" ] || return 1
    for f in $FILES; do
        [ -f "$1/$f" ] || return 1
    done
    return 0
}

generate() { # DIR FACTOR (payment rows multiplied by it)
    if data_is_current "$1" "$2"; then
        echo "bench: data in $1 is current, not regenerated"
        return 0
    fi
    echo "bench: generating data in $1 ..."
    mkdir -p "$1"
    # Remove the stamp first so an interrupted run cannot look current.
    rm -f "$1/.gen-version"
    "$PEAK" "$GEN" "$1" "$2" || { echo "bench: gen-bench failed" >&2; exit 1; }
    gen_version "$2" > "$1/.gen-version"
}

# bench.ini: reports.ini's [report] keys pointed at the bench data, and its
# [unit] section copied as is (keys only, comments dropped) so the bench
# follows whatever the shipped configuration needs.
write_ini() { # INPUT_DIR INI
    {
        echo "; Written by bench/run.sh on every run; edits are lost."
        echo "[report]"
        echo "year            = 2024"
        echo "as_of           = 2024-12-31"
        echo "period_label    = năm 2024"
        # Absolute: the program reads relative paths from the ini's folder.
        echo "input_dir       = $PWD/$1"
        echo "output_dir      = $PWD/$OUT"
        echo "templates_dir   = $PWD/templates"
        echo "font_dir        = /usr/share/fonts/truetype/liberation2"
        echo "outputs         = xlsx, pdf"
        echo "output_name     = bench"
        echo "number_format   = vi"
        echo "amount_unit     = trieu"
        echo "disbursement    = payments"
        echo "on_reject       = report"
        echo
        awk '/^[[:space:]]*\[/ { on = ($0 ~ /^[[:space:]]*\[unit\]/) }
             on && NF && !/^[[:space:]]*[;#]/' reports.ini
    } > "$2"
}

input_bytes() {
    total=0
    for f in $FILES; do
        total=$((total + $(wc -c < "$DATA/$f")))
    done
    echo "$total"
}

# field NAME LINE: the value of NAME=... in peak's report line.
field() {
    echo "$2" | sed -n "s/.*$1=\([0-9.]*\).*/\1/p"
}

# One run; prints its figures and sets wall, rss and rc.
run_once() {
    n=$1
    "$PEAK" "$BIN" --config "$INI" > "$LOGS/run$n.out" 2> "$LOGS/run$n.err"
    rc=$?
    line=$(grep 'wall_s=' "$LOGS/run$n.err" | tail -n 1)
    wall=$(field wall_s "$line")
    rss=$(field peak_rss_mb "$line")
    awk -v n="$n" -v w="${wall:-0}" -v r="${rss:-0}" -v s="$size_mb" -v rc="$rc" \
        -v u="$(field user_s "$line")" 'BEGIN {
        printf "run %d: wall %.3f s (user CPU %.3f s)  peak RSS %.1f MB  input %.1f MB  %s MB/s  exit %d\n",
               n, w, u, r, s, (w > 0 ? sprintf("%.1f", s / w) : "-"), rc }'
    if [ "$rc" -ne 0 ]; then
        echo "bench: mtqg-report exited $rc; last lines of its stderr ($LOGS/run$n.err):" >&2
        tail -n 20 "$LOGS/run$n.err" >&2
    fi
}

need "$GEN"
need "$PEAK"
generate "$DATA" 1
mkdir -p "$INIS"
rm -f "$DATA/bench.ini" "$DATA/xlsx/bench.ini" # where earlier versions wrote them
write_ini "$DATA" "$INI"
need "$BIN"
mkdir -p "$OUT" "$LOGS"
size_mb=$(awk -v b="$(input_bytes)" 'BEGIN { printf "%.1f", b / 1048576 }')

best_wall=""
max_rss=0
rss_list=""   # every 1x run's peak, for the median
status=0
i=1
while [ "$i" -le "$RUNS" ]; do
    run_once "$i"
    if [ "$rc" -ne 0 ]; then
        status=$rc
        break
    fi
    best_wall=$(awk -v a="${best_wall:-$wall}" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
    max_rss=$(awk -v a="$max_rss" -v b="$rss" 'BEGIN { print (b > a ? b : a) }')
    rss_list="$rss_list $rss"
    i=$((i + 1))
done

if [ -n "$best_wall" ]; then
    awk -v w="$best_wall" -v r="$max_rss" -v s="$size_mb" \
        -v tw="$TARGET_WALL" -v tr="$TARGET_RSS" 'BEGIN {
        printf "best of runs: wall %.3f s  peak RSS %.1f MB (highest of runs)  input %.1f MB  %.1f MB/s\n",
               w, r, s, (w > 0 ? s / w : 0)
        printf "bench: best wall %.3f s vs target %.1f s (%s); peak RSS %.1f MB vs target %d MB (%s)\n",
               w, tw, (w <= tw ? "met" : "MISSED"), r, tr, (r <= tr ? "met" : "MISSED") }'
fi

# peer NAME CMD...: run a peer BENCH_PEER_RUNS times under peak and print
# its best wall, highest peak and both as ratios to the program's figures.
peer() {
    name=$1
    shift
    pbest=""
    prss=0
    j=1
    while [ "$j" -le "$PEER_RUNS" ]; do
        "$PEAK" "$@" > "$LOGS/$name.out" 2> "$LOGS/$name.err"
        prc=$?
        line=$(grep 'wall_s=' "$LOGS/$name.err" | tail -n 1)
        if [ "$prc" -ne 0 ] || [ -z "$line" ]; then
            echo "peer $name: failed (exit $prc), not counted; see $LOGS/$name.err"
            return 0
        fi
        w=$(field wall_s "$line")
        pbest=$(awk -v a="${pbest:-$w}" -v b="$w" 'BEGIN { print (b < a ? b : a) }')
        prss=$(awk -v a="$prss" -v b="$(field peak_rss_mb "$line")" 'BEGIN { print (b > a ? b : a) }')
        j=$((j + 1))
    done
    awk -v n="$name" -v w="$pbest" -v r="$prss" -v pw="$best_wall" -v pr="$max_rss" 'BEGIN {
        printf "peer %-7s wall %.3f s  peak RSS %.1f MB  ratio to mtqg-report: wall %.1fx, peak %.1fx\n",
               n, w, r, (pw > 0 ? w / pw : 0), (pr > 0 ? r / pr : 0) }'
    sed -n 's/^peer_[a-z]*: /        /p' "$LOGS/$name.out"
}

if [ "${BENCH_PEERS:-1}" != 0 ] && [ -n "$best_wall" ]; then
    echo "peers (same input; ratio > 1 means the peer is slower or bigger):"
    if /usr/bin/python3 -c 'import pandas, xlsxwriter' 2> /dev/null; then
        /usr/bin/python3 -c 'import reportlab' 2> /dev/null ||
            echo "peer pandas: ReportLab not installed, the peer writes no PDF"
        peer pandas /usr/bin/python3 bench/peer_pandas.py "$DATA" "$OUT/peer"
    else
        echo "peer pandas: not installed (pandas + XlsxWriter for /usr/bin/python3; make bench-peers)"
    fi
    if command -v node > /dev/null && [ -d bench/node_modules/@duckdb/node-api ]; then
        # node resolves the package from the script's folder: bench/node_modules.
        peer duckdb node bench/peer_duckdb.mjs "$DATA"
    else
        echo "peer duckdb: not installed (node + @duckdb/node-api in bench/node_modules; make bench-peers)"
    fi
fi

# Memory flat as rows grow: the same ledger with 10x the payment rows, run
# BENCH_X10_RUNS times (default 3); the median of its peaks against the
# median of the 1x runs', the highest of each printed beside. Medians, as
# a run's peak varies by a few MB with how the threads' transient buffers
# happen to overlap (one run in ten or so, 1x or 10x alike), which is not
# growth with rows.
median() { # numbers as arguments
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
        print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
if [ "${BENCH_X10:-1}" != 0 ] && [ -n "$best_wall" ]; then
    X10=$DATA/x10
    generate "$X10" 10
    write_ini "$X10" "$INIS/bench-x10.ini"
    x10_list=""
    x10_max=0
    j=1
    while [ "$j" -le "${BENCH_X10_RUNS:-3}" ]; do
        "$PEAK" "$BIN" --config "$INIS/bench-x10.ini" > "$LOGS/x10.out" 2> "$LOGS/x10.err"
        xrc=$?
        if [ "$xrc" -ne 0 ]; then
            echo "bench: mtqg-report exited $xrc on the 10x ledger; last lines of $LOGS/x10.err:" >&2
            tail -n 20 "$LOGS/x10.err" >&2
            status=$xrc
            x10_list=""
            break
        fi
        line=$(grep 'wall_s=' "$LOGS/x10.err" | tail -n 1)
        r=$(field peak_rss_mb "$line")
        awk -v j="$j" -v w="$(field wall_s "$line")" -v r="$r" 'BEGIN {
            printf "10x payment rows, run %d: wall %.3f s  peak RSS %.1f MB\n", j, w, r }'
        x10_list="$x10_list $r"
        x10_max=$(awk -v a="$x10_max" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
        j=$((j + 1))
    done
    if [ -n "$x10_list" ]; then
        # shellcheck disable=SC2086 # the lists are numbers, split on purpose
        awk -v r="$(median $x10_list)" -v r1="$(median $rss_list)" -v m="$x10_max" -v m1="$max_rss" \
            -v slack="$X10_SLACK" 'BEGIN {
            growth = (r1 > 0 ? (r / r1 - 1) * 100 : 0)
            printf "10x payment rows: median peak RSS %.1f MB vs %.1f MB at 1x (%+.0f%%, goal within %d%%: %s); highest %.1f MB vs %.1f MB\n",
                   r, r1, growth, slack, (growth <= slack ? "met" : "MISSED"), m, m1 }'
    fi
fi

# Read rates: the reading stage alone (--timing), on CSV and on the same
# data as .xlsx (converted once, kept beside the CSV data), with the whole
# run's user CPU time beside (a busy machine stretches the wall time more).
read_rate() { # NAME DIR CONFIG
    log="$LOGS/read-$(echo "$1" | tr -c 'A-Za-z0-9\n' '-').err"
    "$PEAK" "$BIN" --config "$3" --timing > /dev/null 2> "$log"
    secs=$(sed -n 's/.*thời gian: đọc *\([0-9.]*\) s.*/\1/p' "$log")
    user=$(field user_s "$(grep 'wall_s=' "$log" | tail -n 1)")
    mb=$(du -cb "$2"/ke_hoach_bench.* "$2"/giai_ngan_bench.* "$2"/chi_tieu_bench.* 2>/dev/null | tail -1 | cut -f1)
    awk -v n="$1" -v s="$secs" -v b="$mb" -v u="$user" 'BEGIN {
        printf "read rate %s: %.1f MB in %.3f s = %.0f MB/s (whole run: user CPU %.3f s)\n",
               n, b / 1048576, s, (s > 0 ? b / 1048576 / s : 0), u }'
}
read_rate CSV "$DATA" "$INI"
XDATA=$DATA/xlsx
if [ -x build/rel/bench/csv2xlsx ]; then
    mkdir -p "$XDATA"
    for f in ke_hoach_bench giai_ngan_bench chi_tieu_bench; do
        [ -f "$XDATA/$f.xlsx" ] && [ "$XDATA/$f.xlsx" -nt "$DATA/$f.csv" ] && continue
        build/rel/bench/csv2xlsx "$DATA/$f.csv" "$XDATA/$f.xlsx" || exit 1
    done
    sed "s#^input_dir .*#input_dir       = $PWD/$XDATA#" "$INI" > "$INIS/bench-xlsx.ini"
    read_rate "XLSX (inline strings)" "$XDATA" "$INIS/bench-xlsx.ini"
    # The same as Excel and LibreOffice write it: text in a shared-string
    # table, a sheet of 395 MB of XML instead of 575 (converting holds every
    # cell: 1.2 GB, once).
    SDATA=$DATA/xlsx-shared
    mkdir -p "$SDATA"
    for f in ke_hoach_bench giai_ngan_bench chi_tieu_bench; do
        [ -f "$SDATA/$f.xlsx" ] && [ "$SDATA/$f.xlsx" -nt "$DATA/$f.csv" ] && continue
        build/rel/bench/csv2xlsx --shared-strings "$DATA/$f.csv" "$SDATA/$f.xlsx" || exit 1
    done
    sed "s#^input_dir .*#input_dir       = $PWD/$SDATA#" "$INI" > "$INIS/bench-xlsx-shared.ini"
    read_rate "XLSX (shared strings)" "$SDATA" "$INIS/bench-xlsx-shared.ini"
fi
exit "$status"
