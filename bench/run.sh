#!/bin/sh
# bench/run.sh: time mtqg-report on national-size input and report speed
# and peak memory against the targets (0.5 s wall, 32 MB peak RSS).
#
# Run from the repository root by `make bench`, which first builds
# build/rel/mtqg-report, build/rel/bench/gen-bench and build/rel/bench/peak.
# Data is generated once into bench/data/ and reused while the generator's
# source is unchanged (a stamp file holds its checksum). The program runs
# BENCH_RUNS times (default 3) under `peak`.
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
INI=$DATA/bench.ini
STAMP=$DATA/.gen-version
FILES="ke_hoach_bench.csv giai_ngan_bench.csv chi_tieu_bench.csv"
RUNS=${BENCH_RUNS:-3}
TARGET_WALL=0.5
TARGET_RSS=32

need() {
    if [ ! -x "$1" ]; then
        echo "bench: $1 is missing; build it with: make $1" >&2
        exit 2
    fi
}

# The generator's checksum: data made by another version is made again.
gen_version() {
    echo "gen-bench $(cksum < bench/gen-bench.c)"
}

data_is_current() {
    [ -f "$STAMP" ] || return 1
    [ "$(cat "$STAMP")" = "$(gen_version)" ] || return 1
    for f in $FILES; do
        [ -f "$DATA/$f" ] || return 1
    done
    return 0
}

generate() {
    if data_is_current; then
        echo "bench: data in $DATA is current, not regenerated"
        return 0
    fi
    echo "bench: generating data in $DATA ..."
    mkdir -p "$DATA"
    # Remove the stamp first so an interrupted run cannot look current.
    rm -f "$STAMP"
    "$PEAK" "$GEN" "$DATA" || { echo "bench: gen-bench failed" >&2; exit 1; }
    gen_version > "$STAMP"
}

# bench.ini: reports.ini's [report] keys pointed at the bench data, and its
# [unit] section copied as is (keys only, comments dropped) so the bench
# follows whatever the shipped configuration needs.
write_ini() {
    {
        echo "; Written by bench/run.sh on every run; edits are lost."
        echo "[report]"
        echo "year            = 2024"
        echo "as_of           = 2024-12-31"
        echo "period_label    = năm 2024"
        # Absolute: the program reads relative paths from the ini's folder.
        echo "input_dir       = $PWD/$DATA"
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
    } > "$INI"
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
    awk -v n="$n" -v w="${wall:-0}" -v r="${rss:-0}" -v s="$size_mb" -v rc="$rc" 'BEGIN {
        printf "run %d: wall %.3f s  peak RSS %.1f MB  input %.1f MB  %s MB/s  exit %d\n",
               n, w, r, s, (w > 0 ? sprintf("%.1f", s / w) : "-"), rc }'
    if [ "$rc" -ne 0 ]; then
        echo "bench: mtqg-report exited $rc; last lines of its stderr ($LOGS/run$n.err):" >&2
        tail -n 20 "$LOGS/run$n.err" >&2
    fi
}

need "$GEN"
need "$PEAK"
generate
write_ini
need "$BIN"
mkdir -p "$OUT" "$LOGS"
size_mb=$(awk -v b="$(input_bytes)" 'BEGIN { printf "%.1f", b / 1048576 }')

best_wall=""
max_rss=0
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

# Read rates: the reading stage alone (--timing), on CSV and on the same
# data as .xlsx (converted once, kept beside the CSV data).
read_rate() { # NAME DIR CONFIG
    secs=$("$BIN" --config "$3" --timing 2>&1 | sed -n 's/.*thời gian: đọc *\([0-9.]*\) s.*/\1/p')
    mb=$(du -cb "$2"/ke_hoach_bench.* "$2"/giai_ngan_bench.* "$2"/chi_tieu_bench.* 2>/dev/null | tail -1 | cut -f1)
    awk -v n="$1" -v s="$secs" -v b="$mb" 'BEGIN {
        printf "read rate %s: %.1f MB in %.3f s = %.0f MB/s\n", n, b / 1048576, s, (s > 0 ? b / 1048576 / s : 0) }'
}
read_rate CSV "$DATA" "$INI"
XDATA=$DATA/xlsx
if [ -x build/rel/bench/csv2xlsx ]; then
    mkdir -p "$XDATA"
    for f in ke_hoach_bench giai_ngan_bench chi_tieu_bench; do
        [ -f "$XDATA/$f.xlsx" ] && [ "$XDATA/$f.xlsx" -nt "$DATA/$f.csv" ] && continue
        build/rel/bench/csv2xlsx "$DATA/$f.csv" "$XDATA/$f.xlsx" || exit 1
    done
    sed "s#^input_dir .*#input_dir       = $PWD/$XDATA#" "$INI" > "$XDATA/bench.ini"
    read_rate XLSX "$XDATA" "$XDATA/bench.ini"
fi
exit "$status"
