#!/usr/bin/env python3
"""new / gone / trend on the practice site across two generated weeks.

Generates two snapshots of the same practice world a week apart
(karta-practice --as-of), adds each ad's kommun from the ground truth (what
karta geotag would add), records both weeks in a history store and checks
`karta history new`, `gone`, `trend --by kommun,week` and `runs` against what
the two snapshots say: new = in week 2 and not in week 1, gone = in week 1
and not in week 2, trend = ads per kommun in each week.

Usage: practice_history.py KARTA KARTA_PRACTICE
"""
import csv
import datetime
import io
import os
import subprocess
import sys
import tempfile
from collections import Counter

KARTA, PRACTICE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TMP = tempfile.mkdtemp(prefix="karta-hist-")
STORE = os.path.join(TMP, "h.sqlite")
WEEKS = [("2026-11-15", "2026-11-15T20:00:00Z"), ("2026-11-22", "2026-11-22T20:30:00Z")]


def snapshot(day):
    out = os.path.join(TMP, day)
    subprocess.run([PRACTICE, "--seed", "7", "--ads", "3000", "--as-of", day, "--no-sites",
                    "--out", out], check=True, stdout=subprocess.DEVNULL)
    kommun = {}
    with open(os.path.join(out, "truth.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            kommun[r["ad_id"]] = r["kommun"]
    rows = []
    with open(os.path.join(out, "corpus.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append({"ad_id": r["ad_id"], "url": r["url"], "posted_at": r["posted_at"],
                         "kommun": kommun.get(r["ad_id"], "")})
    path = os.path.join(out, "with-kommun.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["ad_id", "url", "posted_at", "kommun"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path, rows


def karta(*args, stdin=None):
    p = subprocess.run([KARTA, *args], stdin=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"karta {' '.join(args)} failed: {p.stderr}")
    return list(csv.DictReader(io.StringIO(p.stdout)))


def iso_week(t):
    y, w, _ = datetime.date.fromisoformat(t[:10]).isocalendar()
    return f"{y}-W{w:02}"


def main():
    failures = []
    weeks = []
    for day, as_of in WEEKS:
        path, rows = snapshot(day)
        with open(path) as f:
            subprocess.run([KARTA, "history", "record", "--store", STORE, "--as-of", as_of,
                            "--time-field", "posted_at"],
                           stdin=f, stdout=subprocess.DEVNULL, check=True)
        weeks.append(rows)
    w1 = {r["url"] for r in weeks[0]}
    w2 = {r["url"] for r in weeks[1]}
    print(f"week 1: {len(w1)} ads, week 2: {len(w2)} ads, "
          f"new {len(w2 - w1)}, gone {len(w1 - w2)}, in both {len(w1 & w2)}")

    new = {r["key"] for r in karta("history", "new", "--store", STORE, "--since", "7d")}
    gone = {r["key"] for r in karta("history", "gone", "--store", STORE, "--since", "7d")}
    if new != w2 - w1:
        failures.append(f"new: {len(new)} ads, expected {len(w2 - w1)}; "
                        f"e.g. extra {sorted(new - (w2 - w1))[:3]} missing {sorted((w2 - w1) - new)[:3]}")
    if gone != w1 - w2:
        failures.append(f"gone: {len(gone)} ads, expected {len(w1 - w2)}; "
                        f"e.g. extra {sorted(gone - (w1 - w2))[:3]} missing {sorted((w1 - w2) - gone)[:3]}")
    # Two weeks back from the latest run, everything is new.
    new14 = {r["key"] for r in karta("history", "new", "--store", STORE, "--since", "14d")}
    if new14 != w1 | w2:
        failures.append(f"new --since 14d: {len(new14)}, expected {len(w1 | w2)}")

    expected = Counter()
    expected_new = Counter()
    for (day, as_of), rows in zip(WEEKS, weeks):
        for r in rows:
            g = (r["kommun"], iso_week(as_of))
            expected[g] += 1
            if day == WEEKS[0][0] or r["url"] not in w1:
                expected_new[g] += 1
    got, got_new = Counter(), Counter()
    for r in karta("history", "trend", "--store", STORE, "--by", "kommun,week"):
        got[(r["kommun"], r["week"])] = int(r["ads"])
        got_new[(r["kommun"], r["week"])] = int(r["new"])
    if got != expected:
        diff = {k: (got.get(k), expected.get(k)) for k in set(got) | set(expected)
                if got.get(k) != expected.get(k)}
        failures.append(f"trend ads differ in {len(diff)} groups, e.g. {list(diff.items())[:3]}")
    if got_new != expected_new:
        failures.append("trend new differs")
    top = sorted(((v, k) for k, v in got.items() if k[1] == iso_week(WEEKS[1][1])), reverse=True)[:3]
    print("trend, week 2, largest kommuner:", [(k[0], v) for v, k in top])

    runs = karta("history", "runs", "--store", STORE)
    want = [(WEEKS[0][1], len(w1), len(w1)), (WEEKS[1][1], len(w2), len(w2 - w1))]
    have = [(r["as_of"], int(r["ads"]), int(r["new"])) for r in runs]
    if have != want:
        failures.append(f"runs: {have}, expected {want}")

    # Posted-week trend: every ad once, in the week it was posted.
    posted = Counter()
    for r in weeks[0] + [r for r in weeks[1] if r["url"] not in w1]:
        posted[iso_week(r["posted_at"])] += 1
    got_posted = Counter({r["week"]: int(r["ads"]) for r in
                          karta("history", "trend", "--store", STORE, "--by", "week", "--posted")})
    if got_posted != posted:
        failures.append(f"trend --posted: {dict(got_posted)}, expected {dict(posted)}")

    subprocess.run(["rm", "-rf", TMP])
    for f in failures:
        print("FAIL", f)
    print("FAILED" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
