#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# classify-vs-sklearn: `constellate-cli score` (AUTO: logistic regression and boosted trees,
# calibrated) against scikit-learn on the same stratified split of Telco churn and Bank
# Marketing. One JSON line per data set with both sides' holdout AUC and training seconds
# (the fastest of three runs on each side; ours is the CLI's seconds_fit: both models, their
# calibration and the evaluation; theirs the two fits).
# Exits 77 when python3-sklearn/python3-pandas or the shared data sets are missing.
set -eu
builddir=$1
cli=$2
script=$3
data=$4

/usr/bin/python3 -c 'import sklearn, pandas' 2>/dev/null || { echo "skip: no scikit-learn"; exit 77; }
[ -f "$data/telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv" ] || { echo "skip: no data"; exit 77; }

status=0
run () {
  name=$1 file=$2 sep=$3 target=$4 positive=$5
  scores="$builddir/bench-classify-$name-scores.csv"
  # The fastest of three runs (the result is the same each time), as on the Python side.
  ours=$("$cli" score --input "$file" --target "$target" --scores "$scores" --json)
  for again in 2 3; do
    other=$("$cli" score --input "$file" --target "$target" --json)
    ours=$(/usr/bin/python3 -c 'import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert a["auc"] == b["auc"], "not reproducible"
print(json.dumps(a if a["seconds_fit"] <= b["seconds_fit"] else b))' "$ours" "$other")
  done
  theirs=$(/usr/bin/python3 "$script" "$file" "$sep" "$target" "$positive" "$scores")
  /usr/bin/python3 - "$name" "$ours" "$theirs" <<'PY' || status=1
import json, sys
name, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
out = {"data": name, "model": ours["model"], "auc": ours["auc"],
       "auc_logistic": ours["auc_logistic"], "auc_trees": ours["auc_trees"],
       "n_trees": ours["n_trees"], "seconds_fit": ours["seconds_fit"],
       "seconds_read": ours["seconds_read"],
       "sklearn_auc_logistic": theirs["auc_logistic"], "sklearn_auc_trees": theirs["auc_trees"],
       "sklearn_seconds_logistic": theirs["seconds_logistic"],
       "sklearn_seconds_trees": theirs["seconds_trees"],
       "sklearn_n_iter_trees": theirs["n_iter_trees"],
       "auc_recomputed_by_sklearn": theirs["auc_ours_recomputed"],
       "n_train": ours["n_train"], "n_test": ours["n_test"]}
out["auc_margin"] = ours["auc"] - theirs["auc_best"]
out["speed_ratio"] = theirs["seconds_both"] / ours["seconds_fit"]
out["pass"] = out["auc_margin"] >= -0.005 and ours["seconds_fit"] <= theirs["seconds_both"]
print(json.dumps(out))
sys.exit(0 if out["pass"] else 1)
PY
}

run telco "$data/telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv" , Churn Yes
run bank "$data/bank-marketing/bank-full.csv" ';' y yes
exit $status
