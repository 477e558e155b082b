#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The scikit-learn side of bench-numeric.sh: the same computations as cst-bench-numeric on the
# same raw float64 files, one JSON object per command, times around the computation only.
# scikit-learn is a yardstick for the benchmarks, never a dependency of Constellate.
#
#   bench-sklearn.py info
#   bench-sklearn.py kmeans DATA.f64 COLS K ITER CENTRES.f64
#   bench-sklearn.py silhouette SAMPLE.f64 COLS LABELS.i32
#   bench-sklearn.py pca DATA.f64 COLS
#   bench-sklearn.py report RESULTS_DIR     the table of bench-numeric.sh, with the targets

import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score


def load(path, cols):
    return np.fromfile(path, dtype="<f8").reshape(-1, cols)


def info():
    result = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    try:
        from threadpoolctl import threadpool_info

        result["threadpools"] = [
            {key: pool.get(key) for key in ("internal_api", "version", "architecture",
                                             "num_threads", "threading_layer")}
            for pool in threadpool_info()
        ]
    except ImportError:
        result["threadpools"] = "threadpoolctl not installed"
    return result


def kmeans(data, cols, k, iterations, centres):
    x = load(data, int(cols))
    init = load(centres, int(cols))
    assert init.shape[0] == int(k)
    model = KMeans(n_clusters=int(k), algorithm="lloyd", n_init=1, max_iter=int(iterations),
                   tol=0, init=init)
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    return {"rows": x.shape[0], "k": int(k), "seconds": seconds, "inertia": model.inertia_,
            "iterations": int(model.n_iter_)}


def silhouette(sample, cols, labels_path):
    x = load(sample, int(cols))
    labels = np.fromfile(labels_path, dtype="<i4")
    start = time.perf_counter()
    score = silhouette_score(x, labels)
    seconds = time.perf_counter() - start
    return {"rows": x.shape[0], "seconds": seconds, "silhouette": float(score)}


def pca(data, cols):
    x = load(data, int(cols))
    model = PCA(n_components=2)
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    # PCA(2) picks the randomized solver on this shape, which is approximate; the exact
    # (LAPACK) solver is the reference for the explained variance, untimed.
    exact = PCA(n_components=2, svd_solver="full").fit(x)
    return {"rows": x.shape[0], "seconds": seconds, "svd_solver": model._fit_svd_solver,
            "explained_variance_ratio": model.explained_variance_ratio_.tolist(),
            "explained_variance": model.explained_variance_.tolist(),
            "explained_variance_ratio_full": exact.explained_variance_ratio_.tolist()}


def fastest(path):
    """The run with the smallest time among the JSON lines of a file."""
    with open(path) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    return min(runs, key=lambda run: run["seconds"] if "seconds" in run
               else run["lloyd"]["seconds"])


def report(results):
    def load_result(name):
        return fastest(os.path.join(results, name))

    with open(os.path.join(results, "sklearn-info.json")) as f:
        sk = json.load(f)
    with open(os.path.join(results, "env.txt")) as f:
        env = f.read().split() or ["none set"]

    lines = ["", "Numeric core vs scikit-learn %s (numpy %s); environment OPENBLAS_*: %s"
             % (sk["sklearn"], sk["numpy"], " ".join(env))]
    for pool in sk["threadpools"] if isinstance(sk["threadpools"], list) else []:
        lines.append("  scikit-learn side: %s %s, %s threads, kernel %s"
                     % (pool["internal_api"], pool["version"] or "", pool["num_threads"],
                        pool["architecture"] or "-"))
    lines.append("  our side: CST_KMEANS_THREADS=%s, %d processors"
                 % (os.environ.get("CST_KMEANS_THREADS", "unset"), os.cpu_count()))
    lines.append("")
    lines.append("%-44s %10s %10s %7s  %s" % ("benchmark (best of 3)", "ours s", "sklearn s",
                                             "ratio", "agreement / target"))

    def row(name, ours_s, theirs_s, note):
        ratio = ours_s / theirs_s if theirs_s else float("nan")
        lines.append("%-44s %10.3f %10s %7s  %s"
                     % (name, ours_s, "%.3f" % theirs_s if theirs_s else "-",
                        "%.3f" % ratio if theirs_s else "-", note))

    for k in (8, 32):
        o = load_result("ours-kmeans-k%d.json" % k)
        t = load_result("sklearn-kmeans-k%d.json" % k)
        for label, run in (("", o["lloyd"]), (" float32", o["lloyd_float32"])):
            rel = abs(run["inertia"] - t["inertia"]) / t["inertia"]
            row("k-means 1e6 x 16, k = %d, 20 Lloyd it.%s" % (k, label), run["seconds"],
                t["seconds"],
                "inertia rel. diff %.1e (target ≤ 1e-3), iterations %d/%d, time target ≤ 0.3×"
                % (rel, run["iterations"], t["iterations"]))
        mb = o["minibatch"]
        row("  mini-batch k = %d (default steps)" % k, mb["seconds"], None,
            "inertia %+.2f %% vs sklearn Lloyd, %d steps"
            % (100 * (mb["inertia"] / t["inertia"] - 1), mb["iterations"]))

    o = load_result("ours-silhouette.json")
    t = load_result("sklearn-silhouette.json")
    row("silhouette, 50,000 rows (1 sklearn run)", o["seconds"], t["seconds"],
        "|diff| %.1e (target ≤ 1e-9), time target ≤ 0.1×" % abs(o["silhouette"] - t["silhouette"]))

    o = load_result("ours-autok.json")
    row("automatic k 2–12 with stability, 1e6 rows", o["seconds"], None,
        "chose k = %d; target < 5 s" % o["chosen_k"])

    o = load_result("ours-pca.json")
    t = load_result("sklearn-pca.json")
    diff = max(abs(a - b) for a, b in zip(o["explained_variance_ratio"],
                                          t["explained_variance_ratio"]))
    exact = max(abs(a - b) for a, b in zip(o["explained_variance_ratio"],
                                           t["explained_variance_ratio_full"]))
    row("PCA(2), 1e6 x 16 (sklearn: %s)" % t["svd_solver"], o["seconds"], t["seconds"],
        "explained variance ratio |diff| %.1e (%.1e vs svd_solver=full); target faster"
        % (diff, exact))

    return "\n".join(lines)


COMMANDS = {"info": info, "kmeans": kmeans, "silhouette": silhouette, "pca": pca,
            "report": report}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: bench-sklearn.py info|kmeans|silhouette|pca|report ARGS…")
    result = COMMANDS[sys.argv[1]](*sys.argv[2:])
    print(result if isinstance(result, str) else json.dumps(result))
