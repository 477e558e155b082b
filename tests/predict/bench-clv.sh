#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# BG/NBD + Gamma-Gamma + 40-replicate bootstrap through `constellate-cli clv` on CDNOW:
# the 2,357-customer sample with the published 39-week calibration (FHL 2005), and the full
# 23,570-customer master log, with and without the calibration split. Prints one JSON line.
# Usage: bench-clv.sh CLI DATA_DIR
cli="$1"
data="${CONSTELLATE_SHARED_DATA:-$2}/cdnow"
if [ ! -r "$data/cdnowElog.csv" ] || [ ! -r "$data/CDNOW_master.txt" ]; then
  echo "CDNOW data not available in $data" >&2
  exit 77
fi
sample=$("$cli" clv --transactions "$data/cdnowElog.csv" --customer masterid --date date \
         --amount sales --date-format %Y%m%d --calibration-end 1997-09-30 --json) || exit 1
master=$("$cli" clv --transactions "$data/CDNOW_master.txt" --customer customer_id --date date \
         --amount dollar_value --date-format %Y%m%d --json) || exit 1
master_cal=$("$cli" clv --transactions "$data/CDNOW_master.txt" --customer customer_id --date date \
             --amount dollar_value --date-format %Y%m%d --calibration-end 1997-09-30 --json) || exit 1
printf '{"sample_calibration":%s,"master":%s,"master_calibration":%s}\n' "$sample" "$master" "$master_cal"
