#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The segment benchmark: k = 8 on a 1,000,000 × 16 numeric CSV that is generated into the build
# directory the first time and reused afterwards. The data are 8 overlapping Gaussian blobs (unit
# standard deviation, centres uniform in [−1.5, 1.5]^16, seed 20240501): like real customer data
# they have no crisp clusters, so Lloyd's iterations, not only the seeding, are measured.
# Prints the CLI's JSON line (rows, iterations, inertia, seconds_read, seconds_fit, …).
#
# Usage: bench-segment.sh BENCH_BUILD_DIR GENERATOR CONSTELLATE_CLI
set -eu

if [ $# -ne 3 ]; then
  echo "Usage: $0 BENCH_BUILD_DIR GENERATOR CONSTELLATE_CLI" >&2
  exit 2
fi

dir=$1
gen=$2
cli=$3
csv="$dir/segment-1000000x16-k8-seed20240501-spread1.5.csv"

if [ ! -f "$csv" ]; then
  echo "bench-segment: generating $csv" >&2
  "$gen" "$csv" 1000000 16 8 20240501 1.5
fi

exec "$cli" segment --input "$csv" --k 8 --json
