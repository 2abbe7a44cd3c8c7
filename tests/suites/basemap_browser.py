#!/usr/bin/env python3
"""Browser test of the report's offline map (issue 20): with tiles off, the map
shows land and water, and no two place labels overlap.

Makes a report (tests/data/report/pipeline.csv unless --input), opens it in
headless Chromium with networking disabled at 1280x1600, and reads from the
DOM what the page's map script (data/basemap/map.js) reports: the labels
drawn, how many pairs of them overlap on screen, and where on the page a
known open-water point (Lilla Värtan, the Baltic off Stockholm, Öresund...)
and a known land point (Norrmalm, Kista...) lie, away from circles and
labels. A screenshot at the same size is then decoded and the pixels there
compared with the base layer's water and land colours.

Usage: basemap_browser.py --karta BIN --out DIR [--input CSV]
Exit 77 (skipped) when no Chromium is installed.
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_browser import ROOT, chromium, run_browser  # noqa: E402

WATER = (0xAA, 0xCC, 0xE0)  # data/basemap: scripts/build-basemap.py
LAND = (0xF2, 0xEF, 0xE9)
WINDOW = "--window-size=1280,1600"


def read_png(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"PNG depth {depth} type {ctype}"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, lambda x, y: tuple(rows[y][x * bpp:x * bpp + 3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--input", default=os.path.join(ROOT, "tests", "data", "report", "pipeline.csv"))
    args = ap.parse_args()
    browser = chromium()
    if not browser:
        print("basemap_browser: no chromium installed (scripts/install-deps.sh installs it); skipped")
        return 77
    os.makedirs(args.out, exist_ok=True)
    html = os.path.abspath(os.path.join(args.out, "basemap.html"))
    subprocess.run([args.karta, "report", "-o", html, args.input], check=True)
    print(f"report: {os.path.getsize(html)} bytes")
    url = "file://" + html
    failures = []
    dom = run_browser(browser, url, ["--dump-dom", WINDOW, "--virtual-time-budget=5000"])
    tag = re.search(r"<body[^>]*>", dom.stdout.decode("utf-8", "replace"))
    tag = tag.group(0) if tag else ""
    print("body:", tag)
    attr = lambda name: (re.search(name + r'="([^"]*)"', tag) or [None, None])[1]  # noqa: E731
    if attr("data-render") != "ok":
        failures.append("the page did not render: " + tag)
    if attr("data-basemap") != "3":
        failures.append("the base layer was not drawn (data-basemap != 3)")
    if not attr("data-labels") or int(attr("data-labels")) < 3:
        failures.append("fewer than 3 place labels drawn")
    if attr("data-label-overlaps") != "0":
        failures.append(f"{attr('data-label-overlaps')} pairs of labels overlap")
    png = os.path.join(args.out, "basemap.png")
    if os.path.exists(png):
        os.remove(png)
    run_browser(browser, url, ["--screenshot=" + os.path.abspath(png), WINDOW, "--virtual-time-budget=5000"])
    if not os.path.exists(png):
        failures.append("no screenshot")
    else:
        w, h, pixel = read_png(png)
        for kind, want in (("water", WATER), ("land", LAND)):
            at = attr("data-probe-" + kind)
            if not at:
                failures.append(f"no {kind} probe point inside the map, clear of circles and labels")
                continue
            x, y = (int(v) for v in at.split(","))
            if not (0 <= x < w and 0 <= y < h):
                failures.append(f"{kind} probe {x},{y} is outside the {w}x{h} screenshot")
                continue
            got = pixel(x, y)
            ok = all(abs(g - e) <= 10 for g, e in zip(got, want))
            print(f"{kind} at {x},{y}: rgb{got}, expected rgb{want}: {'ok' if ok else 'WRONG'}")
            if not ok:
                failures.append(f"{kind} pixel at {x},{y} is rgb{got}, not rgb{want}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
