#!/usr/bin/env python3
"""karta tabulate and karta export write a real .xlsx: read it back with a reader of our own
(zipfile + the Office Open XML of the sheet) and check the cell types, the
leading zeros of codes, numbers as numbers, and Swedish headings.

Usage: xlsx_test.py --karta build/karta
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_sheet(path):
    """Rows of (value, type) per cell: type 'n' number, 's' text."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        cells = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            t = c.get("t", "n")
            v = c.find("m:v", NS)
            if t == "s":
                cells[col] = (shared[int(v.text)], "s")
            elif t == "inlineStr":
                cells[col] = ("".join(x.text or "" for x in c.iter("{%s}t" % NS["m"])), "s")
            else:
                cells[col] = (float(v.text), "n")
        rows.append(cells)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="karta-xlsx-")
    ads = os.path.join(ROOT, "tests", "data", "tabulate", "ads.csv")
    fails = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            fails.append(what)

    # -o names a .xlsx file: a workbook, mode 0600.
    out = os.path.join(tmp, "kommun.xlsx")
    r = subprocess.run([args.karta, "tabulate", "--by", "kommun,kommunkod", "--count-distinct", "cluster",
                        "--sum", "price", "--totals", "--lang", "sv", "-o", out, ads],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"tabulate -o kommun.xlsx exits 0 ({r.returncode}: {r.stderr.strip()})")
    check(zipfile.is_zipfile(out), "the .xlsx is a zip file (not CSV under an .xlsx name)")
    check(os.stat(out).st_mode & 0o777 == 0o600, "the .xlsx is mode 0600")
    rows = read_sheet(out)
    head = [rows[0][c][0] for c in sorted(rows[0])]
    check(head == ["kommun", "kommunkod", "antal", "cluster (olika)", "price (summa)"],
          f"Swedish headings with --lang sv: {head}")
    codes = [row["B"] for row in rows[1:-1] if "B" in row]
    check(all(t == "s" for _, t in codes), "kommunkod cells are text cells")
    check(("0180", "s") in codes, f"kommunkod 0180 keeps its leading zero: {codes[:3]}")
    counts = [row["C"] for row in rows[1:]]
    check(all(t == "n" for _, t in counts), "counts are numbers")
    check(rows[-1]["A"] == ("totalt", "s"), f"the totals row says totalt: {rows[-1].get('A')}")
    sums = [row["E"] for row in rows[1:] if "E" in row]
    check(sums and all(t == "n" for _, t in sums), "sums are numbers")

    # --format xlsx to a file not named .xlsx; identifiers such as phone numbers stay text.
    csv = os.path.join(tmp, "phones.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("phones,kommunkod\n+46701740606,0180\n0701740617,0114\n0701740617,0114\n")
    out2 = os.path.join(tmp, "phones.bin")
    r = subprocess.run([args.karta, "tabulate", "--by", "phones,kommunkod", "--format", "xlsx", "-o", out2, csv],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"--format xlsx exits 0 ({r.returncode}: {r.stderr.strip()})")
    rows = read_sheet(out2)
    phones = sorted(row["A"] for row in rows[1:])
    check(phones == [("+46701740606", "s"), ("0701740617", "s")], f"phone numbers are text, zeros kept: {phones}")
    check([rows[0][c][0] for c in sorted(rows[0])] == ["phones", "kommunkod", "count"], "English headings by default")

    # export --format xlsx: the package's two tables as workbooks; suppressed
    # cells ('..') and kommunkod are text, counts are numbers.
    pkg = os.path.join(tmp, "pkg")
    r = subprocess.run([args.karta, "export", "--out", pkg, "--format", "xlsx", ads],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"export --format xlsx exits 0 ({r.returncode}: {r.stderr.strip()})")
    files = sorted(os.listdir(pkg)) if os.path.isdir(pkg) else []
    check(files == ["README.md", "by_kommun.xlsx", "by_week.xlsx", "kommun.geojson"],
          f"the package holds the tables as .xlsx: {files}")
    if "by_kommun.xlsx" in files:
        rows = read_sheet(os.path.join(pkg, "by_kommun.xlsx"))
        head = [rows[0][c][0] for c in sorted(rows[0])]
        check(head[:3] == ["kommun", "kommunkod", "ads"], f"export headings: {head}")
        check(("0180", "s") in [row.get("B") for row in rows[1:]], "export: kommunkod 0180 is text with its zero")
        ads_cells = [row["C"] for row in rows[1:]]
        check(any(t == "n" for _, t in ads_cells), "export: shown counts are numbers")
        check(all(t == "n" or v == ".." for v, t in ads_cells), f"export: a hidden count is the text '..': {ads_cells}")
        check(os.stat(os.path.join(pkg, "by_kommun.xlsx")).st_mode & 0o777 == 0o600, "export: the .xlsx is mode 0600")
    if "by_week.xlsx" in files:
        rows = read_sheet(os.path.join(pkg, "by_week.xlsx"))
        check(rows[0]["A"] == ("week", "s") and rows[-1]["A"] == ("total", "s"), "export: by_week.xlsx has weeks and a total")
    print("xlsx: %d failed" % len(fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
