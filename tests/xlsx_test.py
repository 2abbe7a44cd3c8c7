#!/usr/bin/env python3
"""karta tabulate, karta export and karta report --xlsx write a real .xlsx: read it back with a reader of our own
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


def sheet_names(path):
    """The workbook's sheet names, in order, and the part each is stored in."""
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels}
    return [(s.get("name"), target[s.get(rel)]) for s in wb.find("m:sheets", NS)]


def read_sheet(path, part="xl/worksheets/sheet1.xml"):
    """Rows of (value, type) per cell: type 'n' number, 's' text."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
        sheet = ET.fromstring(z.read(part))
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
    check_report(args.karta, tmp, check)
    print("xlsx: %d failed" % len(fails))
    sys.exit(1 if fails else 0)


def html_table(html, table_id):
    """The cells of an HTML table of the report, as text."""
    body = re.search(r'<table id="%s">.*?<tbody>(.*?)</tbody>' % table_id, html, re.S).group(1)
    unescape = lambda t: t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return [[unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body)]


def as_text(value, kind):
    """A cell as the HTML shows it: numbers without a decimal part as integers."""
    return str(int(value)) if kind == "n" and value == int(value) else str(value)


def check_report(karta, tmp, check):
    """report --xlsx: one sheet per table of the page; the same cells as the
    HTML (after suppression), numbers as numbers, codes as text; the shown
    counts are tabulate's, and the hidden ones are hidden."""
    data = os.path.join(ROOT, "tests", "data", "report", "pipeline.csv")
    book, page = os.path.join(tmp, "tabeller.xlsx"), os.path.join(tmp, "r.html")
    r = subprocess.run([karta, "report", "--xlsx", book, "-o", page, data], capture_output=True, text=True)
    check(r.returncode == 0, f"report --xlsx exits 0 ({r.returncode}: {r.stderr.strip()})")
    if r.returncode != 0:
        return
    check(zipfile.is_zipfile(book) and os.stat(book).st_mode & 0o777 == 0o600,
          "report --xlsx writes a zip file, mode 0600")
    sheets = dict(sheet_names(book))
    check(list(sheets) == ["Översikt", "Per vecka", "Per kommun", "Per plats", "Underlag och definitioner"],
          f"report workbook sheets: {list(sheets)}")
    html = open(page, encoding="utf-8").read()
    rows = read_sheet(book, sheets["Per kommun"])
    head = [rows[0][c][0] for c in sorted(rows[0])]
    check(head == ["Kommun", "Kod", "Annonser", "Andel (%)", "Annonsörer", "Unga", "Under 18"],
          f"Per kommun headings: {head}")
    cols = "ABCDEFG"
    cells = [[row.get(c, ("", "s")) for c in cols] for row in rows[1:]]
    check(all(t == "s" for row in cells for v, t in row[:2]), "kommun and kod are text cells")
    check(("0180", "s") in [row[1] for row in cells], "kod 0180 keeps its leading zero")
    shown_types = {(t, v if t == "s" else "n") for row in cells for v, t in row[2:3] + row[4:]}
    check(shown_types <= {("n", "n"), ("s", "<3"), ("s", "..")},
          f"counts are numbers; a hidden one is the text '<3' or '..': {sorted(shown_types)}")
    # The same cells as the page's table (the share is a number here, "64,4 %" there).
    want = html_table(html, "kommun-table")
    got = [[as_text(v, t) for v, t in row] for row in cells]
    same = len(got) == len(want) and all(
        g[:3] + g[4:] == w[:3] + w[4:] and
        (g[3] == ".." if w[3] == "–" else g[3] == w[3].split("\xa0")[0].replace(",", "."))
        for g, w in zip(got, want))
    check(same, f"Per kommun holds the HTML table's cells: {got[:2]} vs {want[:2]}")
    # Shown counts are tabulate's; the small ones are hidden.
    t = subprocess.run([karta, "tabulate", "--by", "kommun", "--format", "csv", data],
                       capture_output=True, text=True).stdout
    counts = {line.rsplit(",", 1)[0]: int(line.rsplit(",", 1)[1]) for line in t.splitlines()[1:]}
    counts["(ingen plats)"] = counts.pop("", 0)
    ok = bool(cells)
    for row in cells:
        (kommun, _), (ads, kind) = row[0], row[2]
        n = counts.get(kommun)
        if kind == "n":
            ok = ok and int(ads) == n
        else:
            ok = ok and n is not None and (0 < n < 3 if ads == "<3" else ads == "..")
    check(ok, f"Per kommun's counts are tabulate's, those below 3 hidden: {counts}")
    check(any(row[2] == ("<3", "s") for row in cells), "a count below 3 is '<3' in the workbook")
    # Per vecka: tabulate --by week, with the same suppression.
    weeks = read_sheet(book, sheets["Per vecka"])
    t = subprocess.run([karta, "tabulate", "--by", "week", "--format", "csv", data],
                       capture_output=True, text=True).stdout
    per_week = {line.split(",")[0]: int(line.split(",")[1]) for line in t.splitlines()[1:]}
    ok = len(weeks) > 1
    for row in weeks[1:]:
        (week, _), (ads, kind) = row["A"], row["B"]
        n = per_week.get(week, 0)
        ok = ok and (int(ads) == n if kind == "n" else (0 < n < 3 if ads == "<3" else ads == ".."))
    check(ok, "Per vecka's counts are tabulate --by week's, small ones hidden")
    # Definitions travel with the tables.
    defs = read_sheet(book, sheets["Underlag och definitioner"])
    terms = [row["A"][0] for row in defs[1:]]
    check(terms[:2] == ["Skapad", "Datakälla"] and "Annonsörer (kluster)" in terms,
          f"the definitions sheet: {terms}")


if __name__ == "__main__":
    main()
