#!/usr/bin/env python3
"""Writes a static synthetic ad site for bench/fetch.sh (no real data).

fetch_site.py DIR ADS [--per-page 50] [--big N]
  DIR/robots.txt, DIR/list/K.html (listing pages, PER-PAGE ads each, linked
  in a chain), DIR/ad/N.html (ads with title, time, place, body), and with
  --big N also DIR/big.html linking N ad URLs (ads repeated with ?v=K) so a
  crawl queues N URLs at once.
"""
import os
import random
import sys

PLACES = ["Södermalm", "Kungsholmen", "Solna", "Täby", "Huddinge", "Nacka", "Vasastan", "Sundbyberg"]
WORDS = ("massage avslappning trevlig diskret centralt lägenhet välkommen ring sms "
         "kväll helg besök hotell ny stad vecka").split()


def main():
    out, ads = sys.argv[1], int(sys.argv[2])
    per = 50
    big = 0
    args = sys.argv[3:]
    if "--per-page" in args:
        per = int(args[args.index("--per-page") + 1])
    if "--big" in args:
        big = int(args[args.index("--big") + 1])
    rnd = random.Random(1)
    os.makedirs(os.path.join(out, "ad"), exist_ok=True)
    os.makedirs(os.path.join(out, "list"), exist_ok=True)
    with open(os.path.join(out, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow: /private/\n")
    for n in range(1, ads + 1):
        place = rnd.choice(PLACES)
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 120)))
        with open(os.path.join(out, "ad", "%d.html" % n), "w") as f:
            f.write("<!doctype html><html><head><meta charset='utf-8'><title>Annons %d</title>"
                    "<script>var track=%d;</script><style>p{margin:0}</style></head><body>"
                    "<nav><a href='/list/1.html'>Start</a></nav>"
                    "<h1 class='title'>Ny i %s, annons %d</h1>"
                    "<time datetime='2026-11-%02dT12:00:00Z'>%d nov</time>"
                    "<span class='location'>%s</span><div class='body'><p>%s</p></div>"
                    "<div hidden>dold</div></body></html>" % (n, n, place, n, n % 28 + 1, n % 28 + 1, place, text))
    pages = (ads + per - 1) // per
    for k in range(1, pages + 1):
        links = "".join("<li><a href='/ad/%d.html'>Annons %d</a></li>" % (n, n)
                        for n in range((k - 1) * per + 1, min(ads, k * per) + 1))
        nxt = "<a rel='next' href='/list/%d.html'>Nästa</a>" % (k + 1) if k < pages else ""
        with open(os.path.join(out, "list", "%d.html" % k), "w") as f:
            f.write("<!doctype html><html><head><meta charset='utf-8'><title>Sida %d</title></head>"
                    "<body><ul>%s</ul>%s</body></html>" % (k, links, nxt))
    if big:
        with open(os.path.join(out, "big.html"), "w") as f:
            f.write("<!doctype html><html><body><ul>")
            for i in range(big):
                f.write("<li><a href='/ad/%d.html?v=%d'>x</a></li>" % (i % ads + 1, i // ads))
            f.write("</ul></body></html>")


if __name__ == "__main__":
    main()
