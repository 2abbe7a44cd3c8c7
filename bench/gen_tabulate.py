#!/usr/bin/env python3
"""Writes a synthetic ads table for bench/tabulate.sh and the accuracy test.

Usage: gen_tabulate.py ROWS SEED > FILE.csv

Columns: ad_id,site,posted_at,location_field,cluster,price,title. Everything
is made up: location fields are Stockholm-area place names with the spelling
variety of real ad sites (case, diacritics missing, empty), clusters are
opaque ids (about one advertiser per four ads), prices are whole kronor.
"""
import random
import sys

PLACES = ["Stockholm", "Södermalm", "Kungsholmen", "Vasastan", "Östermalm", "Solna",
          "Sundbyberg", "Huddinge", "Nacka", "Täby", "Järfälla", "Botkyrka", "Haninge",
          "Tyresö", "Lidingö", "Danderyd", "Sollentuna", "Upplands Väsby", "Norrtälje",
          "Södertälje", "Sigtuna", "Värmdö", "Vallentuna", "Ekerö", "Salem", "Nynäshamn",
          "Kista", "Farsta", "Skärholmen", "Hägersten", "Bromma", "Spånga", "Rinkeby",
          "Globen", "Fridhemsplan", "T-Centralen", "Slussen", "Odenplan", "Hornstull",
          "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro"]


def main():
    rows = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    variants = []
    for p in PLACES:
        variants += [p, p.lower(), p.upper(), p + " centrum", p.replace("ö", "o").replace("ä", "a").replace("å", "a")]
    variants = sorted(set(variants))
    clusters = max(1, rows // 4)
    out = sys.stdout
    out.write("ad_id,site,posted_at,location_field,cluster,price,title\n")
    sites = ["annons.example", "kontakt.example", "mote.example"]
    buf = []
    for i in range(rows):
        loc = "" if rng.random() < 0.08 else variants[int(rng.random() ** 2 * len(variants))]
        c = rng.randrange(clusters)
        day = rng.randrange(120)
        month, d = (1 + day // 28, 1 + day % 28)
        ts = f"2026-{month:02d}-{d:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        price = 500 + 100 * rng.randrange(30)
        title = f"\"Ny i stan, {loc or 'centralt'} – ring\"" if i % 7 == 0 else f"Annons {i}"
        buf.append(f"a{i:07d},{sites[i % 3]},{ts},{loc},c{c:06d},{price},{title}\n")
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


if __name__ == "__main__":
    main()
