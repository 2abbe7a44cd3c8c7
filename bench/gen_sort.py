#!/usr/bin/env python3
"""Writes a synthetic CSV for the sort bench: ROWS rows of
id,place,price,posted_at,title with no quoted fields (so that GNU sort -t,
sees the same columns as a CSV reader). Deterministic.
Usage: gen_sort.py ROWS > OUT"""
import random
import sys

PLACES = ("Östermalm Södermalm Kungsholmen Vasastan Solna Sundbyberg Täby Åkersberga Älvsjö "
          "Farsta Skärholmen Vällingby Akalla Hägersten Bromma Nacka Järfälla Sollentuna "
          "Upplands Väsby Huddinge Haninge Tyresö Lidingö Danderyd Vaxholm Österåker Norrtälje "
          "Sigtuna Botkyrka Salem Ekerö Nykvarn Södertälje Nynäshamn Värmdö stockholm").split()
WORDS = "ny i stan diskret sällskap massage ring sms kväll helg välkommen träffas här".split()


def main():
    rows = int(sys.argv[1])
    rnd = random.Random(7)
    out = sys.stdout
    out.write("id,place,price,posted_at,title\n")
    buf = []
    for i in range(rows):
        place = rnd.choice(PLACES)
        if rnd.random() < 0.3:
            place = place.lower()
        buf.append("A%07d,%s,%d,2026-%02d-%02dT%02d:%02d:%02dZ,%s\n" % (
            i, place, rnd.randint(5, 400) * 10, rnd.randint(1, 12), rnd.randint(1, 28),
            rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59),
            " ".join(rnd.choices(WORDS, k=rnd.randint(3, 8)))))
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))


if __name__ == "__main__":
    main()
