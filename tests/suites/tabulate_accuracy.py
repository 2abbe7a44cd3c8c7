#!/usr/bin/env python3
"""Accuracy test: `karta tabulate` gives the same results as Miller (mlr).

On a generated table (bench/gen_tabulate.py, 30,000 rows):
  1. karta tabulate --by location_field --count-distinct cluster --sort input
     equals  mlr stats1 -a count,distinct_count -f cluster -g location_field
     row for row (same groups, same order of first appearance, same numbers);
  2. its cluster_distinct column equals the issue's command
     mlr count-distinct -f location_field,cluster then count-distinct -f location_field;
  3. --sum/--min/--max/--mean price equal mlr stats1 -a sum,min,max,mean -f price
     (sum, min, max exactly; karta rounds means to 2 decimals).
Usage: tabulate_accuracy.py --karta BIN [--rows N]. Exit 77 (skipped) without mlr.
"""
import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def table(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8")
    return list(csv.reader(io.StringIO(out)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--rows", type=int, default=30000)
    args = ap.parse_args()
    if not shutil.which("mlr"):
        print("tabulate_accuracy: no mlr (Miller) installed; skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="karta-acc-")
    data = os.path.join(tmp, "ads.csv")
    with open(data, "w") as f:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_tabulate.py"),
                        str(args.rows), "7"], stdout=f, check=True)
    failures = []

    k = table([args.karta, "tabulate", "--by", "location_field", "--count-distinct", "cluster",
               "--sort", "input", data])
    m = table(["mlr", "--icsv", "--ocsv", "stats1", "-a", "count,distinct_count", "-f", "cluster",
               "-g", "location_field", data])
    print("karta groups:", len(k) - 1, " mlr groups:", len(m) - 1)
    if k[1:] != m[1:]:
        diff = [(a, b) for a, b in zip(k[1:], m[1:]) if a != b][:5]
        failures.append("count/distinct differ from mlr stats1 (first differences: %s; rows %d vs %d)"
                        % (diff, len(k), len(m)))

    cd = table(["mlr", "--icsv", "--ocsv", "count-distinct", "-f", "location_field,cluster", "then",
                "count-distinct", "-f", "location_field", data])
    if [[r[0], r[2]] for r in k[1:]] != cd[1:]:
        failures.append("distinct clusters differ from mlr count-distinct")

    k = table([args.karta, "tabulate", "--by", "location_field", "--sum", "price", "--min", "price",
               "--max", "price", "--mean", "price", "--sort", "input", data])
    m = table(["mlr", "--icsv", "--ocsv", "stats1", "-a", "count,sum,min,max,mean", "-f", "price",
               "-g", "location_field", data])
    if len(k) != len(m):
        failures.append("sum/min/max/mean: %d rows vs mlr %d" % (len(k), len(m)))
    for a, b in zip(k[1:], m[1:]):
        # sum, min, max exact; karta shows means to 2 decimals.
        same = (a[:5] == b[:5] and abs(float(a[5]) - float(b[5])) <= 0.005 + 1e-9)
        if not same:
            failures.append("sum/min/max/mean differ: karta %s, mlr %s" % (a, b))
            break
    shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("karta tabulate equals Miller on", args.rows, "rows")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
