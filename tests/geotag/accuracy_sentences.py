#!/usr/bin/env python3
"""Kommun-level precision, recall and F1 of karta geotag on the hand-annotated
sentences in tests/data/geotag/sentences.csv (id,lang,expected,text; expected
is the SCB kommunkod the sentence places itself in, empty for none).

A sentence counts as a true positive when the kommunkod found equals the
expected one, a false positive when a kommunkod is found that is not the
expected one, a false negative when an expected kommunkod is not found.

Usage: accuracy_sentences.py KARTA ROOT [--min-f1 0.93]
Prints the figures and every miss; exit 1 if F1 is below the minimum.
"""
import csv
import io
import os
import subprocess
import sys

karta, root = sys.argv[1], sys.argv[2]
min_f1 = float(sys.argv[sys.argv.index("--min-f1") + 1]) if "--min-f1" in sys.argv else 0.93
data = os.path.join(root, "tests", "data", "geotag", "sentences.csv")
out = subprocess.run([karta, "geotag", "--field", "text", data], capture_output=True, text=True)
if out.returncode != 0:
    sys.exit(f"karta geotag failed ({out.returncode}): {out.stderr}")
rows = list(csv.DictReader(io.StringIO(out.stdout)))
tp = fp = fn = 0
by_lang = {}
misses = []
for r in rows:
    exp, got = r["expected"], r["kommunkod"]
    lang = by_lang.setdefault(r["lang"], [0, 0, 0])
    if got and got == exp:
        tp += 1
        lang[0] += 1
        continue
    if got:
        fp += 1
        lang[1] += 1
    if exp:
        fn += 1
        lang[2] += 1
    if got != exp:
        misses.append(f"  {r['id']:>4} [{r['lang']}] expected {exp or '-':4} got {got or '-':4} ({r['place']}) {r['text']}")


def f1(t, p, n):
    return 2 * t / (2 * t + p + n) if t else 0.0


prec = tp / (tp + fp) if tp + fp else 0.0
rec = tp / (tp + fn) if tp + fn else 0.0
print(f"geotag sentences: {len(rows)} sentences ({sum(1 for r in rows if r['expected'])} name a kommun)")
print(f"  precision {prec:.3f}  recall {rec:.3f}  F1 {f1(tp, fp, fn):.3f}  (tp {tp}, fp {fp}, fn {fn})")
for lang, (t, p, n) in sorted(by_lang.items()):
    print(f"  {lang}: F1 {f1(t, p, n):.3f} (tp {t}, fp {p}, fn {n})")
if misses:
    print("misses:")
    print("\n".join(misses))
score = f1(tp, fp, fn)
if len(rows) < 300:
    sys.exit(f"FAIL: only {len(rows)} sentences (at least 300 wanted)")
if score < min_f1:
    sys.exit(f"FAIL: F1 {score:.3f} < {min_f1}")
print(f"PASS: F1 {score:.3f} >= {min_f1}")
