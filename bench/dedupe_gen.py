#!/usr/bin/env python3
"""Synthetic reposted ads for the dedupe bench (stdlib only, deterministic).

Writes CSV ad_id,site,url,posted_at,title,text,location_field,phones,advertiser_id:
advertisers each post a base ad and repost it with small edits (a new price,
district, a sentence added or dropped, case and emoji changes). Everything is
made up: names from a short list, phone numbers from the fictional +46 70-1740
series. Used when the practice generator (build/karta-practice) is not built.

Usage: dedupe_gen.py --ads N [--seed S] > ads.csv
"""
import argparse
import random
import sys

NAMES = ["Anna", "Bella", "Clara", "Diana", "Elin", "Frida", "Greta", "Hanna", "Ida", "Julia",
         "Klara", "Lisa", "Maja", "Nora", "Olivia", "Petra", "Rosa", "Sara", "Tova", "Vera"]
PLACES = ["Södermalm", "Kungsholmen", "Vasastan", "Östermalm", "Solna", "Sundbyberg", "Nacka",
          "Huddinge", "Täby", "Bromma", "Farsta", "Kista", "Liljeholmen", "Hornstull", "Slussen"]
SENTENCES = [
    "Jag är ny i stan och vill träffa trevliga människor",
    "Diskret lägenhet nära tunnelbanan",
    "Endast sms, inga dolda nummer",
    "Ring eller skriv så bestämmer vi tid",
    "Tillgänglig dagtid och kvällar hela veckan",
    "Ingen stress, jag tar mig tid för dig",
    "Välkommen till en lugn och avkopplande stund",
    "Svarar snabbt på meddelanden",
    "Besöker bara hotell i city",
    "Bokning minst en timme innan",
    "Jag pratar svenska och engelska",
    "Parkering finns i närheten",
    "Ny profil, nya bilder kommer snart",
    "Hör av dig med namn och tid",
    "Trevlig och glad tjej som gillar resor",
    "Fri parkering på helger",
    "Rökfri miljö och dusch finns",
    "Meddela gärna om du blir sen",
    "Bara seriösa förfrågningar tack",
    "Jag finns här några veckor till",
]
WORDS = sorted(set(" ".join(SENTENCES).lower().split())) + [
    "sol", "hav", "skog", "stad", "natt", "dag", "vår", "höst", "vinter", "sommar", "röd", "blå",
    "grön", "gul", "varm", "kall", "mjuk", "lugn", "glad", "snäll", "rolig", "söt", "stark",
    "liten", "stor", "ny", "gammal", "fin", "ljus", "mörk", "tyst", "hemma", "borta", "resa",
    "dans", "musik", "bok", "film", "kaffe", "te", "vin", "mat", "bad", "spa", "yoga", "gym"]
EXTRA = ["Välkommen!", "Kram", "Hörs snart", "Puss", "Ses snart", "Tack för att du läser"]
EMOJI = ["", " \U0001F618", " \U0001F339", " \u2728", " \U0001F48B"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ads", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    out = sys.stdout
    out.write("ad_id,site,url,posted_at,title,text,location_field,phones,advertiser_id\n")
    n_adv = max(1, args.ads // 5)
    advertisers = []
    for a in range(n_adv):
        k = rnd.randint(4, 8)
        own = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 8))).capitalize()
               for _ in range(2)]
        advertisers.append({
            "name": rnd.choice(NAMES),
            "place": rnd.choice(PLACES),
            "own": own,
            "sent": rnd.sample(range(len(SENTENCES)), k),
            "age": rnd.randint(20, 45),
            "price": rnd.choice([1000, 1200, 1500, 1800, 2000, 2500]),
            "phone": "+4670174%04d" % (a % 10000) + "%d" % (a // 10000),
            "id": "adv%06d" % a,
        })
    for i in range(args.ads):
        adv = advertisers[rnd.randrange(n_adv)]
        sent = list(adv["sent"])
        if rnd.random() < 0.3 and len(sent) > 3:
            del sent[rnd.randrange(len(sent))]
        if rnd.random() < 0.3:
            sent.insert(rnd.randrange(len(sent) + 1), rnd.randrange(len(SENTENCES)))
        place = adv["place"] if rnd.random() < 0.7 else rnd.choice(PLACES)
        price = adv["price"] + rnd.choice([0, 0, 200, -200, 500])
        body = ". ".join([SENTENCES[s] for s in sent] + adv["own"])
        text = "%s, %d år, i %s. %s. Pris %d kr.%s %s" % (
            adv["name"], adv["age"], place, body, price, rnd.choice(EMOJI), rnd.choice(EXTRA))
        if rnd.random() < 0.2:
            text = text.upper()
        title = "%s i %s" % (adv["name"], place)
        phone = adv["phone"] if rnd.random() < 0.6 else ""
        day = 1 + i * 28 // max(1, args.ads)
        ts = "2026-11-%02dT%02d:%02d:00Z" % (min(day, 28), rnd.randrange(24), rnd.randrange(60))
        ad_id = "g%07d" % i
        text = text.replace('"', "")
        out.write('%s,gen.example,https://gen.example/ad/%s,%s,"%s","%s",%s,%s,%s\n' % (
            ad_id, ad_id, ts, title, text, place, phone, adv["id"]))


if __name__ == "__main__":
    main()
