#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""pandas' side of the reader benchmark (issue 3, "Measured"), and the comparison table.

  bench-pandas.py read FILE           pandas.read_csv (default engine, default options) on FILE;
                                      prints one JSON line like cst-bench-csv's
  bench-pandas.py report OURS THEIRS [reference]
                                      the fastest run of each (files of JSON lines), side by
                                      side, with the ratio against the target (ours >= 2x), or
                                      with "reference" the ratio alone (the g_ascii_strtod run)

pandas is only a yardstick: Constellate never depends on it.
"""

import json
import os
import sys
import time


def read(path):
    import pandas

    size = os.path.getsize(path)
    start = time.perf_counter()
    frame = pandas.read_csv(path)
    seconds = time.perf_counter() - start
    dtypes = sorted({str(t) for t in frame.dtypes})
    print(json.dumps({
        "side": "pandas",
        "version": pandas.__version__,
        "rows": len(frame),
        "columns": frame.shape[1],
        "dtypes": dtypes,
        "bytes": size,
        "seconds": round(seconds, 4),
        "mb_per_s": round(size / 1e6 / seconds, 1),
        "sum": float(frame.values.sum()),
    }))


def fastest(path):
    with open(path, encoding="utf-8") as f:
        runs = [json.loads(line) for line in f if line.strip()]
    return min(runs, key=lambda r: r["seconds"]), len(runs)


def report(ours_path, theirs_path, reference=False):
    ours, n_ours = fastest(ours_path)
    theirs, n_theirs = fastest(theirs_path)
    ratio = theirs["seconds"] / ours["seconds"]
    # Both sides sum the same 16 million decimals; a difference beyond rounding means one of
    # them read the file differently.
    agree = abs(ours["sum"] - theirs["sum"]) <= 1e-6 * max(1.0, abs(theirs["sum"]))

    print()
    print("%-34s %10s %10s" % ("%d rows x %d columns, %.1f MB" % (ours["rows"], ours["columns"],
                                                                   ours["bytes"] / 1e6),
                                "seconds", "MB/s"))
    print("%-34s %10.3f %10.1f" % ("constellate (%s), best of %d" % (ours["parser"], n_ours),
                                   ours["seconds"], ours["mb_per_s"]))
    print("%-34s %10.3f %10.1f" % ("pandas %s read_csv, best of %d" % (theirs["version"], n_theirs),
                                   theirs["seconds"], theirs["mb_per_s"]))
    if reference:
        print("ratio: %.2fx (a reference for the parser's share, not the target)" % ratio)
    else:
        print("ratio: constellate is %.2fx as fast as pandas (target >= 2x: %s)"
              % (ratio, "met" if ratio >= 2 else "MISSED"))
    print("sums: %.6f vs %.6f (%s)" % (ours["sum"], theirs["sum"], "agree" if agree else "DIFFER"))
    return 0 if agree else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "read":
        read(argv[2])
        return 0
    if len(argv) in (4, 5) and argv[1] == "report" and argv[4:] in ([], ["reference"]):
        return report(argv[2], argv[3], len(argv) == 5)
    print("Usage: bench-pandas.py read FILE | report OURS.jsonl THEIRS.jsonl [reference]",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
