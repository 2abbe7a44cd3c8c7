#!/usr/bin/env python3
"""Writes a synthetic CSV for the CSV benches: ROWS rows of ad-like records,
with quoted fields holding commas, quotes and newlines. Deterministic.
Usage: gen_csv.py ROWS OUT"""
import random
import sys

WORDS = ("hej jag heter sara anna lisa ny i stan träffas på söder solna nära "
         "t-centralen diskret sällskap massage ring sms kväll helg välkommen "
         "östermalm kungsholmen farsta ålder år pris kr timme").split()


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(42)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("ad_id,site,url,posted_at,title,text,location_field\n")
        for i in range(rows):
            words = rnd.choices(WORDS, k=rnd.randint(12, 40))
            text = " ".join(words)
            if i % 3 == 0:
                text = text.replace(" kväll ", ",\nkväll ", 1) + ', "citat", slut'
            title = " ".join(words[:4]).capitalize()
            site = ("annonsera.example", "kontaktsidan.example", "nattguiden.example")[i % 3]
            f.write('A%07d,%s,https://%s/annons/%d,2026-11-%02dT%02d:%02d:00Z,%s,"%s",%s\n' % (
                i, site, site, i, 1 + i % 28, i % 24, i % 60, title,
                text.replace('"', '""'), ("Stockholm", "Solna", "")[i % 3]))


if __name__ == "__main__":
    main()
