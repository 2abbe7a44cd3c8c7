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
4. purge: after `karta purge`, no URL of an ad older than the cutoff is in
   any byte of any store karta wrote (history, dedupe state, crawl state made
   by a real fetch of the practice site under nginx, WARC, audit log), SQLite
   free pages included; the newer ads stay and `fetch --resume` still works.
"""
import argparse, csv, hashlib, io, json, os, re, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time
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


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVE = os.path.join(ROOT, "examples", "practice-site", "serve.sh")
SITE = "kontaktbladet.example"  # no Crawl-delay: quick to crawl


def crawl_state(karta, practice, tmp, d, env):
    """A crawl state made by real fetches of one practice site under nginx:
    run 1 sees every ad; then half of the ads leave the site (their listing
    lines, sitemap entries and pages go); run 2, started after `mid`, sees
    the rest, and run 3 is interrupted (SIGINT) part way. Returns (state,
    profile, env, output dir, old ad URLs, kept ad URLs, mid, nginx run dir):
    pages of the old ads were written before mid, and only by run 1. nginx is
    left running for fetch --resume; stop it with stop_nginx."""
    site = os.path.join(tmp, "crawl-site")
    sdir = os.path.join(site, "sites", SITE)
    shutil.copytree(os.path.join(practice, "sites", SITE), sdir)
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    # The practice profile, kept to the one site served here.
    with open(os.path.join(ROOT, "queries", "sites", "practice.toml"), encoding="utf-8") as f:
        prof = "".join(l for l in f if "annonsera" not in l and "traffpunkten" not in l)
    profile = os.path.join(tmp, "kontaktbladet.toml")
    with open(profile, "w", encoding="utf-8") as f:
        f.write(prof)
    run_dir = os.path.join(tmp, "nginx")
    started = subprocess.run([SERVE, "start", "--port", str(port), "--dir", site, "--run", run_dir],
                             capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"FAIL: serve.sh start (nginx is needed: scripts/install-deps.sh): {started.stderr}")
    try:
        return crawl_runs(karta, profile, site, sdir, d, tmp, env, port) + (run_dir,)
    except BaseException:
        stop_nginx(run_dir)
        raise


def stop_nginx(run_dir):
    subprocess.run([SERVE, "stop", "--run", run_dir], capture_output=True)


def crawl_runs(karta, profile, site, sdir, d, tmp, env, port):
    state = os.path.join(d, "crawl.db")
    outs = os.path.join(tmp, "crawl-out")  # the rows fetch writes: the user's files, not a store
    os.mkdir(outs)
    env = dict(env, KARTA_PRACTICE_PORT=str(port), KARTA_CONTACT="privacy-test@example.org")
    run(karta, ["fetch", "--site", profile, "--state", state, "--delay", "0",
                "-o", os.path.join(outs, "run1.csv")], env=env)
    with open(os.path.join(outs, "run1.csv"), encoding="utf-8") as f:
        ads = sorted(r["url"] for r in csv.DictReader(f) if "/ad/" in r["url"])
    old, kept = ads[0::2], ads[1::2]
    # The old ads leave the site, as ads do from one week to the next.
    gone = {re.sub(r"^https?://[^/]+", "", u) for u in old}  # /ad/N.html
    for root, _, files in os.walk(sdir):
        for n in files:
            path = os.path.join(root, n)
            rel = "/" + os.path.relpath(path, sdir)
            if rel in gone:
                os.remove(path)
            elif n.endswith((".html", ".xml")):
                with open(path, encoding="utf-8") as f:
                    lines = f.read().split("\n")
                keep = [l for l in lines if not any(
                    re.search(re.escape(g) + r"(?![0-9A-Za-z])", l) for g in gone)]
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(keep))
    mid = int(time.time()) + 1
    while time.time() < mid + 1.2:
        time.sleep(0.2)
    # Run 2 sees the ads still there; run 3, slowed down, is interrupted after
    # a few pages, so that its frontier is in the state when purge runs.
    run(karta, ["fetch", "--site", profile, "--state", state, "--delay", "0",
                "-o", os.path.join(outs, "run2.csv")], env=env)
    mid3 = int(time.time()) + 1  # run 3's pages are written from here on
    while time.time() < mid3:
        time.sleep(0.1)
    p = subprocess.Popen([karta, "fetch", "--site", profile, "--state", state, "--delay", "0.2",
                          "-o", os.path.join(outs, "run3.csv")], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        try:
            db = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5)
            n = db.execute("SELECT count(*) FROM pages WHERE done_at >= ?", (mid3,)).fetchone()[0]
            db.close()
        except sqlite3.Error:
            n = 0
        if n >= 5:
            break
        time.sleep(0.1)
    p.send_signal(signal.SIGINT)
    err = p.communicate(timeout=60)[1]
    if p.returncode != 130:
        print(f"FAIL: run 3 was not interrupted (exit {p.returncode}): {err.strip()[-300:]}")
    return state, profile, env, outs, old, kept, mid


def test_purge(karta, corpus, tmp, practice):
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
    dstate, store = os.path.join(d, "clusters.db"), os.path.join(d, "history.sqlite")
    log = os.path.join(d, "audit.jsonl")
    env = dict(os.environ, KARTA_AUDIT_LOG=log)
    for f, asof in ((fo, "2025-01-06"), (fn, "2026-11-30")):
        ded = run(karta, ["dedupe", "--state", dstate, "--time-field", "posted_at", f], env=env).stdout
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
    state, profile, cenv, outs, crawl_old, crawl_kept, mid, run_dir = crawl_state(
        karta, practice, tmp, d, env)
    try:
        return purge_and_check(karta, d, old, iu, store, dstate, warc, oldwarc, env, state, profile,
                               cenv, outs, crawl_old, crawl_kept, mid)
    finally:
        stop_nginx(run_dir)


def purge_and_check(karta, d, old, iu, store, dstate, warc, oldwarc, env, state, profile, cenv,
                    outs, crawl_old, crawl_kept, mid):
    # Before the purge the old URLs are there (the check can see them).
    def pattern(url):
        # An old ad's URL, not as the prefix of a new one (/annons/4 of /annons/41).
        # The crawl's URLs end in .html, so their bytes alone will do: in an
        # SQLite record the next column's bytes may look like a letter.
        if url.endswith(".html"):
            return re.compile(re.escape(url.encode()))
        return re.compile(re.escape(url.encode()) + rb"(?![0-9A-Za-z])")

    def found(verbose=False):
        hits = 0
        urls = [pattern(r[iu]) for r in old] + [pattern(u) for u in crawl_old]
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
    def state_bytes():  # the state and its write-ahead log
        return b"".join(open(f, "rb").read() for f in (state, state + "-wal") if os.path.exists(f))
    in_state = sum(1 for u in crawl_old if pattern(u).search(state_bytes()))
    out = run(karta, ["purge", "--older-than", "6m", "--as-of", "2026-12-01", "--store", store,
                      "--dedupe-state", dstate, "--warc-dir", warc, "--audit"], env=env).stdout
    # The crawl state's pages were written minutes ago: a cutoff between the
    # two fetch runs: as of mid + 1 day, older than 1 day.
    as_of = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mid + 86400))
    out += run(karta, ["purge", "--older-than", "1d", "--as-of", as_of, "--crawl-state", state],
               env=env).stdout
    after = found(True)
    print(f"purge: old ad URLs found in karta's files: {before} before, {after} after")
    print("  " + out.strip().replace("\n", "\n  "))
    ok = before > 0 and after == 0
    print(f"purge: crawl state: {in_state} of {len(crawl_old)} old ad URLs before the purge")
    if in_state != len(crawl_old) or not crawl_old:
        print("FAIL: the crawl state did not hold every old ad's URL before the purge")
        ok = False
    # The ads still on the site (fetched after the cutoff) stay in the crawl
    # state, and the interrupted run resumes from it and covers every one.
    data = state_bytes()
    missing = [u for u in crawl_kept if not pattern(u).search(data)]
    if missing:
        print(f"FAIL: purge removed {len(missing)} current pages from the crawl state, e.g. {missing[0]}")
        ok = False
    r = subprocess.run([karta, "fetch", "--site", profile, "--state", state, "--delay", "0",
                        "--resume", "-o", os.path.join(outs, "run3.csv")],
                       capture_output=True, text=True, env=cenv)
    got = []
    if r.returncode == 0:
        with open(os.path.join(outs, "run3.csv"), encoding="utf-8") as f:
            got = sorted(row["url"] for row in csv.DictReader(f) if "/ad/" in row["url"])
    if r.returncode != 0 or got != crawl_kept:
        print(f"FAIL: fetch --resume after purge: exit {r.returncode}, {len(got)} ad rows "
              f"of {len(crawl_kept)} ({r.stderr.strip()[-300:]})")
        ok = False
    else:
        print(f"purge: fetch --resume after purge: ok, {len(got)} ad rows, each once")
    if found(True):
        print("FAIL: an old ad's URL is back after fetch --resume")
        ok = False
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
        ok = test_purge(a.karta, corpus, tmp, a.practice) and ok
    print("privacy:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
