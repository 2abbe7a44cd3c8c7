#!/usr/bin/env python3
"""Privacy tests on the practice corpus (issue 16).

1. pseudonymize: `karta extract --pseudonymize KEY` leaves no phone number (in
   any written form the practice generator uses: the digits with any
   separators or emoji between them, a letter O for zero, +46/0046), no
   e-mail address and no handle from truth.csv in any column of its output.
2. export: the package has no free text, no URL, no identifier, and every
   count from 1 to 2 is hidden.
3. audit: 16 runs in parallel append 16 whole JSON lines (0600), secrets
   masked, inputs hashed; `karta audit` filters them.
"""
import argparse, csv, hashlib, io, json, os, re, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor

csv.field_size_limit(1 << 30)


def run(karta, args, env=None, stdin=None):
    p = subprocess.run([karta] + args, capture_output=True, text=True, env=env, input=stdin)
    if p.returncode != 0:
        sys.exit(f"FAIL: karta {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


def phone_pattern(e164):
    # The national number without its trunk 0: every written form holds these
    # digits in order, with separators (spaces, dots, dashes, slashes, emoji)
    # between them, and O for 0.
    assert e164.startswith("+46")
    digits = e164[3:]
    sep = r"[^0-9A-Za-z]{0,12}"
    parts = ["[0Oo]" if d == "0" else d for d in digits]
    return re.compile(sep.join(parts))


def test_pseudonymize(karta, corpus, truth, tmp):
    key = os.path.join(tmp, "k.key")
    run(karta, ["extract", "--new-key", key])
    out = run(karta, ["extract", "--pseudonymize", key, corpus]).stdout
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], rows[1:]
    cells = [c for r in body for c in r]
    blob = "\n".join(cells)
    phones, emails, handles = set(), set(), set()
    for t in csv.DictReader(open(truth, encoding="utf-8")):
        phones.update(p for p in t["phones"].split(";") if p)
        emails.update(e for e in t["emails"].split(";") if e)
        handles.update(h.split(":", 1)[1] for h in t["handles"].split(";") if h)
    leaks = []
    for p in sorted(phones):
        if phone_pattern(p).search(blob):
            leaks.append(p)
    low = blob.lower()
    for e in sorted(emails):
        local = e.split("@")[0]
        # The local part of the address, written in any of the obfuscated forms.
        if re.search(r"(?<![a-z0-9_.])" + re.escape(local.lower()) + r"(?![a-z0-9_])", low):
            leaks.append(e)
    for h in sorted(handles):
        if re.search(r"(?<![a-z0-9_.])" + re.escape(h.lower()) + r"(?![a-z0-9_])", low):
            leaks.append(h)
    print(f"pseudonymize: {len(body)} rows, {len(header)} columns; checked {len(phones)} phones, "
          f"{len(emails)} e-mails, {len(handles)} handles; {len(leaks)} survive")
    if leaks:
        for l in leaks[:10]:
            print("  LEAK", l)
        return False
    # The free text is still there, only the identifiers are tokens.
    text = header.index("text")
    if not any("tel:" in r[text] for r in body):
        print("FAIL: no token in the text column")
        return False
    # --drop-text: no title or text column at all.
    out = run(karta, ["extract", "--pseudonymize", key, "--drop-text", corpus]).stdout
    h2 = next(csv.reader(io.StringIO(out)))
    if "text" in h2 or "title" in h2:
        print("FAIL: --drop-text kept", h2)
        return False
    return True


def test_export(karta, corpus, truth, tmp):
    key = os.path.join(tmp, "k.key")
    staged = run(karta, ["extract", "--pseudonymize", key, corpus]).stdout
    geo = run(karta, ["geotag", "--location-field", "location_field"], stdin=staged).stdout
    ded = run(karta, ["dedupe"], stdin=geo).stdout
    src = os.path.join(tmp, "pipeline.csv")
    open(src, "w", encoding="utf-8").write(ded)
    pkg = os.path.join(tmp, "pkg")
    run(karta, ["export", "--out", pkg, src])
    ok = True
    names = sorted(os.listdir(pkg))
    if names != ["README.md", "by_kommun.csv", "by_week.csv", "kommun.geojson"]:
        print("FAIL: export files", names)
        return False
    blob = ""
    for n in names:
        path = os.path.join(pkg, n)
        if os.stat(path).st_mode & 0o077:
            print("FAIL: export file open to others:", n)
            ok = False
        blob += open(path, encoding="utf-8").read()
    for bad in ["http://", "https://", "tel:", "mail:", "snap:", "@"]:
        if bad in blob:
            print("FAIL: export holds", bad)
            ok = False
    for n in ["by_kommun.csv", "by_week.csv"]:
        for r in csv.DictReader(open(os.path.join(pkg, n), encoding="utf-8")):
            for k, v in r.items():
                if k in ("kommun", "kommunkod", "week"):
                    continue
                if v in ("1", "2"):
                    print(f"FAIL: {n} shows a small count {k}={v} in {r}")
                    ok = False
    rec = os.path.join(tmp, "police")
    run(karta, ["export", "--out", rec, "--records", "--key", key, src])
    readme = open(os.path.join(rec, "README.md"), encoding="utf-8").read()
    if "PSEUDONYMISED" not in readme:
        print("FAIL: record package does not say it is pseudonymised")
        ok = False
    header = next(csv.reader(open(os.path.join(rec, "records.csv"), encoding="utf-8")))
    if "text" in header or "url" in header or "title" in header:
        print("FAIL: record package has free text or URLs", header)
        ok = False
    print(f"export: {names}; record mode columns {header}")
    return ok


def test_audit(karta, corpus, tmp):
    log = os.path.join(tmp, "audit.jsonl")
    env = dict(os.environ, KARTA_AUDIT_LOG=log)
    key = os.path.join(tmp, "k.key")
    def one(i):
        return subprocess.run([karta, "extract", "--pseudonymize", key, "--only", "phones", corpus,
                               "-o", os.path.join(tmp, f"o{i}.csv")], env=env,
                              capture_output=True).returncode
    with ThreadPoolExecutor(max_workers=16) as ex:
        codes = list(ex.map(one, range(16)))
    if any(codes):
        print("FAIL: parallel runs", codes)
        return False
    lines = open(log, encoding="utf-8").read().splitlines()
    ok = len(lines) == 16
    sha = hashlib.sha256(open(corpus, "rb").read()).hexdigest()
    for l in lines:
        e = json.loads(l)  # every line whole
        if key in l or e["args"][e["args"].index("--pseudonymize") + 1] != "***":
            print("FAIL: key path not masked:", l)
            ok = False
        if e["inputs"] != [{"path": corpus, "sha256": sha}] or e["exit"] != 0:
            print("FAIL: inputs/exit", l)
            ok = False
        for k in ("time", "user", "host", "tool", "outputs", "records_in"):
            if k not in e:
                print("FAIL: no", k, l)
                ok = False
    if os.stat(log).st_mode & 0o077:
        print("FAIL: audit log open to others")
        ok = False
    # A failing run is logged too, and `karta audit` filters.
    subprocess.run([karta, "extract", "--only", "nonsense", corpus], env=env, capture_output=True)
    out = run(karta, ["audit", "--failed"], env=env).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    if len(rows) != 1 or rows[0]["exit"] != "2":
        print("FAIL: karta audit --failed", out)
        ok = False
    out = run(karta, ["audit", "--tool", "extract", "--file", corpus], env=env).stdout
    n = len(list(csv.DictReader(io.StringIO(out))))
    if n != 17:
        print("FAIL: karta audit --file gave", n)
        ok = False
    print(f"audit: {len(lines)} parallel lines, whole and masked; audit filters ok={ok}")
    return ok


def test_purge(karta, corpus, tmp):
    """Old ads (posted a year ago) and new ones go through dedupe --state and
    history record; purge --older-than 6m; then no URL of an old ad is in any
    byte of any file karta wrote (SQLite free pages included)."""
    rows = list(csv.reader(open(corpus, encoding="utf-8")))
    header, body = rows[0], rows[1:]
    ip, iu = header.index("posted_at"), header.index("url")
    old, new = [], []
    for i, r in enumerate(body):
        r = list(r)
        if i % 2 == 0:
            r[ip] = "2025-01-06T10:00:00Z"
            old.append(r)
        else:
            r[ip] = "2026-11-30T10:00:00Z"
            new.append(r)
    d = os.path.join(tmp, "stores")
    os.mkdir(d)
    def write(name, rs):
        path = os.path.join(d, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header] + rs)
        return path
    fo, fn = write("old.csv", old), write("new.csv", new)
    state, store = os.path.join(d, "clusters.db"), os.path.join(d, "history.sqlite")
    log = os.path.join(d, "audit.jsonl")
    env = dict(os.environ, KARTA_AUDIT_LOG=log)
    for f, asof in ((fo, "2025-01-06"), (fn, "2026-11-30")):
        ded = run(karta, ["dedupe", "--state", state, "--time-field", "posted_at", f], env=env).stdout
        run(karta, ["history", "record", "--store", store, "--as-of", asof], env=env, stdin=ded)
    warc = os.path.join(d, "warc")
    os.mkdir(warc)
    oldwarc = os.path.join(warc, "old.warc")
    open(oldwarc, "w").write("WARC/1.1\r\nWARC-Target-URI: " + old[0][iu] + "\r\n\r\n")
    os.utime(oldwarc, (1736157600, 1736157600))  # 2025-01-06
    open(os.path.join(warc, "new.warc"), "w").write("WARC/1.1\r\n\r\n")
    # An audit line from last year, naming an old ad's URL.
    with open(log, "a") as f:
        f.write(json.dumps({"time": "2025-01-06T10:00:00Z", "user": "x", "host": "h",
                            "tool": "fetch", "args": [old[1][iu]], "inputs": [], "outputs": [],
                            "exit": 0}) + "\n")
    # Before the purge the old URLs are there (the check can see them).
    def found(verbose=False):
        hits = 0
        # An old ad's URL, not as the prefix of a new one (/annons/4 of /annons/41).
        urls = [re.compile(re.escape(r[iu].encode()) + rb"(?![0-9A-Za-z])") for r in old]
        for root, _, files in os.walk(d):
            for n in files:
                if n in ("old.csv", "new.csv"):
                    continue
                data = open(os.path.join(root, n), "rb").read()
                n_hits = sum(1 for u in urls if u.search(data))
                if n_hits and verbose:
                    print("  still in", n, n_hits)
                hits += n_hits
        return hits
    before = found()
    out = run(karta, ["purge", "--older-than", "6m", "--as-of", "2026-12-01", "--store", store,
                      "--dedupe-state", state, "--warc-dir", warc, "--audit"], env=env).stdout
    after = found(True)
    print(f"purge: old ad URLs found in karta's files: {before} before, {after} after")
    print("  " + out.strip().replace("\n", "\n  "))
    ok = before > 0 and after == 0
    if os.path.exists(oldwarc) or not os.path.exists(os.path.join(warc, "new.warc")):
        print("FAIL: WARC purge")
        ok = False
    # The new ads are still there.
    runs = run(karta, ["history", "runs", "--store", store]).stdout
    if "2026-11-30" not in runs:
        print("FAIL: purge removed the new run", runs)
        ok = False
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("practice")
    a = ap.parse_args()
    corpus = os.path.join(a.practice, "corpus.csv")
    truth = os.path.join(a.practice, "truth.csv")
    with tempfile.TemporaryDirectory() as tmp:
        ok = test_pseudonymize(a.karta, corpus, truth, tmp)
        ok = test_export(a.karta, corpus, truth, tmp) and ok
        ok = test_audit(a.karta, corpus, tmp) and ok
        ok = test_purge(a.karta, corpus, tmp) and ok
    print("privacy:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
