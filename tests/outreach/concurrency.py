#!/usr/bin/env python3
"""Concurrency of the outreach claims and of recording, on both backends.

  - 8 karta processes claim the same 50 people at once (each in its own
    random order): every person ends with exactly one holder, every process
    agrees on who it is, and the store says the same.
  - 4 karta processes record overlapping runs into one store at once: no
    sighting is lost or doubled.

Runs on a fresh SQLite file, and on a fresh database of the PostgreSQL server
named by KARTA_TEST_PG_URL when set (tests/pg/pgserver.py sets it).
Usage: concurrency.py --karta build/karta
"""
import argparse
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def fresh_pg(admin, name):
    r = run(["psql", "-X", "-q", admin, "-c", f"CREATE DATABASE {name}"])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return admin[:admin.rfind("/") + 1] + name


def check_claims(karta, store, tmp):
    people = [f"p{i:02d}" for i in range(50)]
    week = os.path.join(tmp, "people.csv")
    with open(week, "w") as f:
        f.write("url,cluster,kommun,phones\n")
        for i, p in enumerate(people):
            f.write(f"https://ads.example/{p},{p},Solna,+467017406{10 + i:02d}\n")
    r = run([karta, "history", "record", "--store", store, "--as-of", "2026-11-23T09:00:00Z", week])
    assert r.returncode == 0, r.stderr
    procs = []
    for w in range(8):
        order = people[:]
        random.Random(w).shuffle(order)
        procs.append(subprocess.Popen([karta, "outreach", "claim", *order, "--store", store,
                                       "--as", f"worker{w}", "--format", "csv"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    holders = {p: set() for p in people}
    winners = {p: [] for p in people}
    for w, pr in enumerate(procs):
        out, err = pr.communicate(timeout=300)
        if pr.returncode not in (0, 1) or (pr.returncode == 1 and "is held by" not in err):
            raise AssertionError(f"worker{w}: exit {pr.returncode}: {err}")
        for row in csv.DictReader(io.StringIO(out)):
            holders[row["person"]].add(row["holder"])
            if row["claimed"] == "yes":
                winners[row["person"]].append(f"worker{w}")
    bad = [p for p in people if len(winners[p]) != 1 or holders[p] != set(winners[p])]
    assert not bad, f"people without exactly one holder: {[(p, winners[p], holders[p]) for p in bad]}"
    r = run([karta, "outreach", "list", "--store", store, "--format", "csv"])
    assert r.returncode == 0, r.stderr
    listed = {row["person"]: row["holder"] for row in csv.DictReader(io.StringIO(r.stdout))}
    assert all(listed[p] == winners[p][0] for p in people), "the list disagrees with the claims"
    spread = sorted({w for p in people for w in winners[p]})
    return f"50 people, 8 workers, each person one holder ({len(spread)} workers won some)"


def check_recording(karta, store, tmp):
    # Process k records keys k*500 .. k*500+999: neighbours overlap by 500.
    files = []
    for k in range(4):
        path = os.path.join(tmp, f"part{k}.csv")
        with open(path, "w") as f:
            f.write("url,cluster,kommun\n")
            for i in range(k * 500, k * 500 + 1000):
                f.write(f"https://ads.example/r{i},c{i // 3},Nacka\n")
        files.append(path)
    procs = [subprocess.Popen([karta, "history", "record", "--store", store, "--as-of",
                               f"2026-11-30T09:0{k}:00Z", files[k]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for k in range(4)]
    for pr in procs:
        _, err = pr.communicate(timeout=300)
        assert pr.returncode == 0, err
    r = run([karta, "history", "runs", "--store", store])
    rows = [row for row in csv.DictReader(io.StringIO(r.stdout)) if row["as_of"].startswith("2026-11-30")]
    assert len(rows) == 4, r.stdout
    assert sum(int(x["ads"]) for x in rows) == 4000, rows
    r = run([karta, "history", "new", "--store", store, "--since", "1d"])
    ads = list(csv.DictReader(io.StringIO(r.stdout)))
    keys = [row["key"] for row in ads]
    assert len(keys) == 2500 and len(set(keys)) == 2500, len(keys)
    # Each ad counts the runs that saw it: 1, or 2 where neighbours overlap.
    assert sum(int(row["times_seen"]) for row in ads) == 4000, "times_seen"
    assert all(int(row["times_seen"]) == (2 if 500 <= int(row["key"].rsplit("r", 1)[1]) < 2000 else 1)
               for row in ads), "times_seen per ad"
    return "4 runs at once: 4000 sightings, 2500 ads, none lost or doubled"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    args = ap.parse_args()
    karta = os.path.abspath(args.karta)
    tmp = tempfile.mkdtemp(prefix="karta-outreach-conc-")
    failed = 0
    try:
        stores = [("sqlite", os.path.join(tmp, "h.sqlite"))]
        admin = os.environ.get("KARTA_TEST_PG_URL")
        if admin:
            stores.append(("postgresql", fresh_pg(admin, f"karta_conc_{os.getpid()}")))
        else:
            print("note: KARTA_TEST_PG_URL not set: PostgreSQL not tested (run under tests/pg/pgserver.py)")
        for name, store in stores:
            for check in (check_claims, check_recording):
                try:
                    print(f"ok   {name}: {check(karta, store, tmp)}")
                except AssertionError as e:
                    failed += 1
                    print(f"FAIL {name}: {check.__name__}: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
