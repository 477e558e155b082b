#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The numeric core against scikit-learn, on the targets of issue 5 ("Measured"):
#   (a) k-means on 1,000,000 × 16, k = 8 and k = 32, 20 Lloyd iterations, tol 0, the same
#       initial centres on both sides (k rows drawn with a fixed seed, passed in a file);
#   (b) the silhouette of a 50,000-row sample (all of it: no sampling on either side);
#   (c) automatic k (2–12, with stability) on the 1,000,000 rows (ours only);
#   (d) PCA with 2 components on the 1,000,000 × 16 rows.
# The data are cst-bench-gen's (8 overlapping Gaussian blobs, unit standard deviation, centres
# uniform in [−1.5, 1.5]^16, seed 20240501) written as raw float64, generated into the build
# directory once. Each timing is the best of 3 runs (1 for scikit-learn's silhouette, which
# takes a quarter of a minute), around the computation only. Results go to BENCH_BUILD_DIR/
# numeric-results/ as JSON, and a table with the ratios closes the output.
#
# scikit-learn is only the yardstick: without Debian's python3-sklearn this benchmark is skipped
# (exit 77). Thread settings are those of the environment; the report prints them (OpenBLAS
# and OpenMP thread counts from threadpoolctl, and OPENBLAS_* variables).
#
# Usage: bench-numeric.sh BENCH_BUILD_DIR CST_BENCH_NUMERIC BENCH_SKLEARN_PY
set -eu

if [ $# -ne 3 ]; then
  echo "Usage: $0 BENCH_BUILD_DIR CST_BENCH_NUMERIC BENCH_SKLEARN_PY" >&2
  exit 2
fi

dir=$1
ours=$2
py=$3
python=/usr/bin/python3

if ! [ -x "$python" ] || ! "$python" -c 'import numpy, sklearn' 2>/dev/null; then
  echo "bench-numeric: skipped: scikit-learn is not installed" \
       "(apt-get install --no-install-recommends python3-sklearn)"
  exit 77
fi

data="$dir/numeric-1000000x16-k8-seed20240501-spread1.5.f64"
out="$dir/numeric-results"
mkdir -p "$out"

if [ ! -f "$data" ]; then
  echo "bench-numeric: generating $data" >&2
  "$ours" gen "$data" 1000000 16 8 20240501 1.5
fi

# best_of N OUT COMMAND…: runs COMMAND N times, each printing one JSON line, into OUT (one line
# per run); the report takes the fastest.
best_of () {
  n=$1
  file=$2
  shift 2
  : > "$file"
  i=0
  while [ "$i" -lt "$n" ]; do
    "$@" >> "$file"
    i=$((i + 1))
  done
}

env | grep '^OPENBLAS' > "$out/env.txt" || true
"$python" "$py" info > "$out/sklearn-info.json"

for k in 8 32; do
  echo "bench-numeric: k-means k = $k" >&2
  best_of 3 "$out/ours-kmeans-k$k.json" "$ours" kmeans "$data" 16 "$k" 20 "$out/centres-k$k.f64"
  best_of 3 "$out/sklearn-kmeans-k$k.json" "$python" "$py" kmeans "$data" 16 "$k" 20 \
    "$out/centres-k$k.f64"
done

echo "bench-numeric: silhouette on 50,000 rows" >&2
best_of 3 "$out/ours-silhouette.json" "$ours" silhouette "$data" 16 50000 \
  "$out/sample-50000.f64" "$out/labels-50000.i32"
best_of 1 "$out/sklearn-silhouette.json" "$python" "$py" silhouette "$out/sample-50000.f64" 16 \
  "$out/labels-50000.i32"

echo "bench-numeric: automatic k on 1,000,000 rows" >&2
best_of 3 "$out/ours-autok.json" "$ours" autok "$data" 16

echo "bench-numeric: PCA" >&2
best_of 3 "$out/ours-pca.json" "$ours" pca "$data" 16
best_of 3 "$out/sklearn-pca.json" "$python" "$py" pca "$data" 16

exec "$python" "$py" report "$out"
