#!/usr/bin/env python3
"""Scores `karta extract` on the issue-20 evaluation sets in this directory.

usage: score.py --karta KARTA [--set young|contacts]... [--min 0.98]

young.tsv     ages (pairs row, age) and the under18 flag (rows)
contacts.tsv  phones and handles (pairs row, value)

Each set is turned into a CSV (posted_at, fetched_at, text), run through
`karta extract --as-of 2026-05-10`, and scored. Prints precision, recall and
every miss (row, text, wanted, got). Exits 1 if a score is below --min.
"""
import argparse
import csv
import io
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
AS_OF = "2026-05-10"


def rows_of(name):
    out = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            out.append((n, cols))
    return out


def split(cell):
    return [x for x in (cell or "").split(";") if x]


def run(karta, only, records):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "posted_at", "fetched_at", "text"])
    for r in records:
        w.writerow(r)
    p = subprocess.run([karta, "extract", "--only", only, "--field", "text", "--as-of", AS_OF],
                       input=buf.getvalue().encode("utf-8"), capture_output=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"score.py: karta extract exited {p.returncode}")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(p.stdout.decode("utf-8")))}


class Score:
    def __init__(self, name, show=True):
        self.name, self.tp, self.fp, self.fn, self.misses = name, 0, 0, 0, []
        self.show = show  # list the misses (a combined score lists none)

    def add(self, line, text, want, have):
        want, have = set(want), set(have)
        self.tp += len(want & have)
        self.fp += len(have - want)
        self.fn += len(want - have)
        if want != have:
            self.misses.append((line, text, sorted(want), sorted(have)))

    def pr(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r

    def report(self, rows):
        p, r = self.pr()
        print(f"  {self.name:9s} precision {p:.4f}  recall {r:.4f}  "
              f"(tp {self.tp}, fp {self.fp}, fn {self.fn}; {rows} rows, "
              f"{len(self.misses)} with a miss)")
        for line, text, want, have in (self.misses if self.show else []):
            print(f"    MISS line {line}: {text!r}: want {want} got {have}")


def young(karta):
    rows = rows_of("young.tsv")
    recs = [[str(n), c[0], c[1], c[2].replace("\\n", "\n")] for n, c in rows]
    got = run(karta, "ages", recs)
    ages, minor = Score("ages"), Score("under18")
    for n, c in rows:
        want = split(c[3])
        flag = c[4] if len(c) > 4 and c[4] else ("1" if any(int(a) < 18 for a in want) else "0")
        g = got.get(str(n), {})
        ages.add(n, c[2], want, split(g.get("ages", "")))
        minor.add(n, c[2], ["under18"] if flag == "1" else [],
                  ["under18"] if g.get("under18") == "1" else [])
    positives = sum(1 for n, c in rows if split(c[3]) or (len(c) > 4 and c[4] == "1"))
    print(f"young.tsv: {len(rows)} phrasings ({positives} with an age or signal, "
          f"{len(rows) - positives} negatives)")
    return [ages, minor], len(rows)


def contacts(karta):
    rows = rows_of("contacts.tsv")
    recs = [[str(n), "", "", c[0].replace("\\n", "\n")] for n, c in rows]
    got = run(karta, "phones,handles", recs)
    phones, handles, both = Score("phones"), Score("handles"), Score("contacts", False)
    for n, c in rows:
        g = got.get(str(n), {})
        wp, wh = split(c[1]), split(c[2] if len(c) > 2 else "")
        gp, gh = split(g.get("phones", "")), split(g.get("handles", ""))
        phones.add(n, c[0], wp, gp)
        handles.add(n, c[0], wh, gh)
        both.add(n, c[0], wp + wh, gp + gh)
    positives = sum(1 for n, c in rows if c[1] or (len(c) > 2 and c[2]))
    print(f"contacts.tsv: {len(rows)} phrasings ({positives} with a contact, "
          f"{len(rows) - positives} negatives)")
    return [both, phones, handles], len(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--set", action="append", choices=["young", "contacts"])
    ap.add_argument("--min", type=float, default=0.98)
    a = ap.parse_args()
    ok = True
    for name in a.set or ["young", "contacts"]:
        scores, n = (young if name == "young" else contacts)(a.karta)
        for s in scores:
            s.report(n)
            p, r = s.pr()
            if p < a.min or r < a.min:
                print(f"  FAIL: {s.name} below {a.min} (precision {p:.4f}, recall {r:.4f})")
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
