#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 3's "Measured" targets, one PART per benchmark so that each skips on its own:
#
#   pandas         1,000,000 rows × 16 numbers (cst-bench-gen's table, the same file as the
#                  segment benchmark) into typed columns: cst-bench-csv (the core's streaming
#                  reader + cst_parse_number, on one core and on every core as constellate-cli
#                  segment reads, and + g_ascii_strtod for reference) against
#                  pandas.read_csv with its default engine, best of 3 each, in MB/s. Target: ours
#                  at least 2× as fast. Skips (77) without Debian's python3-pandas.
#   online-retail  constellate-cli import --json of Online Retail (541,909 lines, decompressed
#                  into this directory once) into a fresh project. Target: under 10 s. Skips (77)
#                  when the shared data sets are absent.
#   rss            the reader's peak resident memory (VmHWM) on 100,000 and 1,000,000 rows,
#                  parsing every field and keeping nothing. Target: no growth with the file;
#                  fails when the larger file needs more than 1.5× the memory of the smaller.
#
# Usage: bench-import.sh BENCH_BUILD_DIR CST_BENCH_GEN CST_BENCH_CSV CONSTELLATE_CLI
#                        BENCH_PANDAS_PY SHARED_DATA_DIR pandas|online-retail|rss
set -eu

if [ $# -ne 7 ]; then
  echo "Usage: $0 BENCH_BUILD_DIR CST_BENCH_GEN CST_BENCH_CSV CONSTELLATE_CLI BENCH_PANDAS_PY" \
       "SHARED_DATA_DIR pandas|online-retail|rss" >&2
  exit 2
fi

dir=$1
gen=$2
ours=$3
cli=$4
py=$5
shared=${CONSTELLATE_SHARED_DATA:-$6}
part=$7
python=/usr/bin/python3

# table ROWS: the path of cst-bench-gen's ROWS × 16 table, generated the first time.
table () {
  file="$dir/segment-$1x16-k8-seed20240501-spread1.5.csv"
  if [ ! -f "$file" ]; then
    echo "bench-import: generating $file" >&2
    "$gen" "$file" "$1" 16 8 20240501 1.5
  fi
  echo "$file"
}

# best_of N OUT COMMAND…: runs COMMAND N times, each printing one JSON line, into OUT.
best_of () {
  n=$1
  out=$2
  shift 2
  : > "$out"
  i=0
  while [ "$i" -lt "$n" ]; do
    "$@" >> "$out"
    i=$((i + 1))
  done
}

case $part in
  pandas)
    if ! [ -x "$python" ] || ! "$python" -c 'import pandas' 2>/dev/null; then
      echo "bench-import: skipped: pandas is not installed" \
           "(apt-get install --no-install-recommends python3-pandas)"
      exit 77
    fi
    csv=$(table 1000000)
    results="$dir/import-results"
    mkdir -p "$results"
    echo "bench-import: constellate, cst_parse_number" >&2
    best_of 3 "$results/ours-parse.jsonl" "$ours" columns "$csv" parse
    echo "bench-import: constellate, cst_parse_number, one reader per core" >&2
    best_of 3 "$results/ours-pieces.jsonl" "$ours" pieces "$csv" parse
    echo "bench-import: constellate, g_ascii_strtod" >&2
    best_of 3 "$results/ours-strtod.jsonl" "$ours" columns "$csv" strtod
    echo "bench-import: pandas.read_csv" >&2
    best_of 3 "$results/pandas.jsonl" "$python" "$py" read "$csv"
    cat "$results/ours-parse.jsonl" "$results/ours-pieces.jsonl" "$results/ours-strtod.jsonl" \
        "$results/pandas.jsonl"
    "$python" "$py" report "$results/ours-strtod.jsonl" "$results/pandas.jsonl" reference
    "$python" "$py" report "$results/ours-parse.jsonl" "$results/pandas.jsonl"
    exec "$python" "$py" report "$results/ours-pieces.jsonl" "$results/pandas.jsonl"
    ;;

  online-retail)
    xz_file="$shared/online-retail/Online_Retail.csv.xz"
    csv="$dir/Online_Retail.csv"
    project="$dir/bench-online-retail.constellate"
    if [ ! -f "$xz_file" ]; then
      echo "bench-import: skipped: $xz_file is absent"
      exit 77
    fi
    if [ ! -f "$csv" ]; then
      echo "bench-import: decompressing $xz_file" >&2
      xz -dc "$xz_file" > "$csv.tmp"
      mv "$csv.tmp" "$csv"
    fi
    rm -f "$project" "$project-wal" "$project-shm" "$project-journal"
    json=$("$cli" import --project "$project" --json "$csv")
    echo "$json"
    seconds=$(echo "$json" | sed -n 's/.*"seconds":\([0-9.e+-]*\)}$/\1/p')
    echo "Online Retail: ${seconds} s in all (target < 10 s:" \
         "$(awk -v s="$seconds" 'BEGIN { print (s < 10 ? "met" : "MISSED") }'))"
    ;;

  rss)
    for rows in 100000 1000000; do
      "$ours" stream "$(table $rows)" parse | tee "$dir/import-rss-$rows.json"
    done
    small=$(sed -n 's/.*"peak_rss_kib":\([0-9]*\).*/\1/p' "$dir/import-rss-100000.json")
    large=$(sed -n 's/.*"peak_rss_kib":\([0-9]*\).*/\1/p' "$dir/import-rss-1000000.json")
    echo "peak RSS: ${small} KiB at 100,000 rows, ${large} KiB at 1,000,000 rows"
    # Page-cache and allocator noise is a few hundred KiB; growth with the file would be tens
    # of megabytes (the 1,000,000-row file is 135 MB).
    if [ "$large" -gt $((small * 3 / 2)) ]; then
      echo "bench-import: the reader's memory grows with the file" >&2
      exit 1
    fi
    ;;

  *)
    echo "bench-import: unknown part “$part”" >&2
    exit 2
    ;;
esac
