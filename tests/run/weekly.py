#!/usr/bin/env python3
"""Week after week: the weekly routine against the practice sites under nginx.

Generates the practice world week by week into one directory
(karta-practice --week K; ads added, removed, edited, unchanged; one week
with traffpunkten.example down), serves it with nginx (serve.sh) and runs
queries/stockholm-weekly.karta each week with its state in one data folder,
as a scheduler would. After every week, `karta history new`, `gone` and
`trend --by kommun,week` must equal the truth derived from the generator:
the ads of the snapshot (truth.csv: kind ad, in the region), seen when their
site was up; an ad is gone when the first run after its last sighting that
covered its site did not see it. The down week must exit 3 (finished, but
incomplete): without --keep-going it records nothing; with it, it records
the sites that were up and marks nothing of the down site gone.

Then, on the last snapshot, the re-run check: the routine's stages up to
`history record` (the report stage left out, so that the rows can be
compared) run twice on a fresh data folder; the second run must get 304 for
at least 90% of the ad pages, write the same rows apart from fetched_at and
status, and record no new and no gone ad. posted_at must be filled for at
least 99% of the ads of every site.

Usage: weekly.py KARTA KARTA_PRACTICE ROOT
Exit 77 (skipped) without nginx.
"""
import csv
import datetime
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import time
from collections import Counter, defaultdict

KARTA, PRACTICE, ROOT = (os.path.abspath(a) for a in sys.argv[1:4])
SERVE = os.path.join(ROOT, "examples", "practice-site", "serve.sh")
ROUTINE = os.path.join(ROOT, "queries", "stockholm-weekly.karta")
SEED, ADS, WINDOW = "5", "300", "6"
WEEKS = [2, 3, 4, 5, 6]
DOWN = {4: "traffpunkten.example"}
SITES = ["annonsera.example", "traffpunkten.example", "kontaktbladet.example"]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_of(week):
    # The generator's --week K: Sunday of week K of the window, 20:00 UTC;
    # the window ends Sunday 2026-11-22.
    day = 22 - 7 * (int(WINDOW) - week)
    month = 11
    while day < 1:
        month -= 1
        day += 31 if month in (10, 12) else 30
    return f"2026-{month:02}-{day:02}T20:00:00Z"


def secs_of(rfc3339):
    return datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def karta(*args, cwd=None, ok=(0,)):
    p = subprocess.run([KARTA, *args], capture_output=True, text=True, cwd=cwd)
    if p.returncode not in ok:
        raise SystemExit(f"karta {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


def unport(url):
    """The practice corpus writes its URLs without the test server's port."""
    return re.sub(r"^(https?://[^/:]+):[0-9]+", r"\1", url)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def routine_args(profile, when, extra=()):
    return ["run", *extra, "--set", f"site={profile}", "--set", f"as_of={when}", ROUTINE]


def main():
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        print("skipped: nginx not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="karta-weekly-")
    site, run, data = (os.path.join(tmp, d) for d in ("site", "run", "data"))
    os.makedirs(data)
    port = free_port()
    # The practice profile on this port, without the courtesy delay (the
    # site's own Crawl-delay still applies).
    with open(os.path.join(ROOT, "queries", "sites", "practice.toml"), encoding="utf-8") as f:
        prof = f.read().replace("18080", str(port))
    prof = re.sub(r"(?m)^delay = .*$", "delay = 0.0", prof)
    profile = os.path.join(tmp, "practice.toml")
    with open(profile, "w", encoding="utf-8") as f:
        f.write(prof)

    def generate(week):
        cmd = [PRACTICE, "--seed", SEED, "--ads", ADS, "--weeks", WINDOW, "--week", str(week),
               "--out", site]
        if week in DOWN:
            cmd += ["--down", DOWN[week]]
        subprocess.run(cmd, check=True, capture_output=True)

    generate(WEEKS[0])
    started = subprocess.run([SERVE, "start", "--port", str(port), "--dir", site, "--run", run],
                             capture_output=True, text=True)
    if started.returncode != 0:
        raise SystemExit(f"serve.sh start failed: {started.stderr}")
    try:
        weeks(profile, data, site, generate)
        rerun(profile, tmp, site)
    finally:
        subprocess.run([SERVE, "stop", "--run", run], capture_output=True)
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)
    print("FAILED" if failures else "all passed")
    return 1 if failures else 0


def weeks(profile, data, site, generate):
    store = os.path.join(data, "history.sqlite")
    seen = {}        # ad url -> the week index it was last seen
    site_of, kommun_of = {}, {}
    covered_runs = []  # per recorded run: the set of sites it covered
    trend = Counter()
    trend_new = Counter()
    first = {}
    for i, week in enumerate(WEEKS):
        if i:
            generate(week)
        when = as_of(week)
        iso = subprocess.run(["date", "-u", "-d", when, "+%G-W%V"], capture_output=True,
                             text=True, check=True).stdout.strip()
        truth = {}
        with open(os.path.join(site, "truth.csv"), encoding="utf-8") as f:
            t = {r["ad_id"]: r for r in csv.DictReader(f)}
        with open(os.path.join(site, "corpus.csv"), encoding="utf-8") as f:
            for r in csv.DictReader(f):
                tr = t[r["ad_id"]]
                if tr["kind"] == "ad" and tr["in_region"] == "1":
                    truth[r["url"]] = tr["kommun"]
                    site_of[r["url"]] = r["site"]
                    kommun_of[r["url"]] = tr["kommun"]
        with open(os.path.join(site, "changes.csv"), encoding="utf-8") as f:
            kinds = Counter(r["change"] for r in csv.DictReader(f))
        down = DOWN.get(week)
        up = [s for s in SITES if s != down]
        print(f"== week {week} as of {when} ({iso}): {len(truth)} ads in the region; "
              f"changes {dict(kinds)}{'; down: ' + down if down else ''}", flush=True)

        t0 = time.time()
        if down:
            runs_before = rows(karta("history", "runs", "--store", store).stdout)
            p = karta(*routine_args(profile, when), cwd=data, ok=(3,))
            last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
            check(down in p.stderr and "history record" in last,
                  f"week {week}: the routine exits 3 and says which site and that it stopped "
                  f"before history record ({last!r})")
            check(rows(karta("history", "runs", "--store", store).stdout) == runs_before,
                  f"week {week}: without --keep-going nothing is recorded")
            p = karta(*routine_args(profile, when, ["--keep-going"]), cwd=data, ok=(3,))
        else:
            p = karta(*routine_args(profile, when), cwd=data)
        summary = [l for l in p.stderr.splitlines() if l.startswith("karta fetch: ") and " pages" in l]
        print(f"   {time.time() - t0:.1f} s; {summary[-1] if summary else 'no fetch summary!'}")
        check(bool(summary), f"week {week}: fetch ends with its summary line on stderr")

        # The truth of this week.
        now = {u for u in truth if site_of[u] in up}
        gone = set()
        for u, last in seen.items():
            if u in now or site_of[u] not in up:
                continue
            # Gone now if no run after its last sighting covered its site.
            if all(site_of[u] not in covered_runs[j] for j in range(last + 1, len(covered_runs))):
                gone.add(u)
        new = {u for u in now if u not in first}
        for u in now:
            first.setdefault(u, len(covered_runs))
            seen[u] = len(covered_runs)
            trend[(kommun_of[u], iso)] += 1
            if first[u] == len(covered_runs):
                trend_new[(kommun_of[u], iso)] += 1
        covered_runs.append(set(up))

        got_new = {unport(r["key"]) for r in rows(karta("history", "new", "--store", store, "--since", "7d").stdout)}
        got_gone = {unport(r["key"]) for r in rows(karta("history", "gone", "--store", store, "--since", "7d").stdout)}
        check(got_new == new, f"week {week}: history new = truth ({len(got_new)} vs {len(new)}; "
                              f"extra {sorted(got_new - new)[:3]}, missing {sorted(new - got_new)[:3]})")
        check(got_gone == gone, f"week {week}: history gone = truth ({len(got_gone)} vs {len(gone)}; "
                                f"extra {sorted(got_gone - gone)[:3]}, missing {sorted(gone - got_gone)[:3]})")
        if down:
            check(not any(site_of[u] == down for u in got_gone),
                  f"week {week}: nothing of {down} is gone while it is down")
        got_trend, got_trend_new = Counter(), Counter()
        for r in rows(karta("history", "trend", "--store", store, "--by", "kommun,week").stdout):
            got_trend[(r["kommun"], r["week"])] = int(r["ads"])
            got_trend_new[(r["kommun"], r["week"])] = int(r["new"])
        diff = [(k, got_trend.get(k), trend.get(k)) for k in set(trend) | set(got_trend)
                if got_trend.get(k) != trend.get(k)]
        check(not diff, f"week {week}: history trend --by kommun,week ads = truth "
                        f"({sum(trend.values())} sightings in {len(trend)} groups; differ: {diff[:3]})")
        diff = [(k, got_trend_new.get(k), trend_new.get(k)) for k in set(trend_new) | set(got_trend_new)
                if got_trend_new.get(k, 0) != trend_new.get(k, 0)]
        check(not diff, f"week {week}: trend new = truth (differ: {diff[:3]})")
        runs = rows(karta("history", "runs", "--store", store).stdout)
        last_run = runs[-1]
        check(last_run["sites"] == ";".join(sorted(up)),
              f"week {week}: history runs shows the sites covered ({last_run['sites']})")
        if down:
            check(last_run["not_covered"].startswith(down + ":"),
                  f"week {week}: history runs shows {down} not covered and why "
                  f"({last_run['not_covered']!r})")
        check(" pages from " in last_run["summary"],
              f"week {week}: history runs keeps the fetch summary ({last_run['summary'][:60]}...)")
        print(f"   new {len(new)}, gone {len(gone)}, runs row: ads {last_run['ads']} new {last_run['new']} "
              f"gone {last_run['gone']}")


def rerun(profile, tmp, site):
    """The routine's stages up to history record, twice on the unchanged site."""
    with open(ROUTINE, encoding="utf-8") as f:
        text = f.read()
    # Drop the report stage: the last line, and the pipe before it.
    lines = text.rstrip("\n").split("\n")
    assert lines[-1].lstrip().startswith("karta report"), lines[-1]
    lines = lines[:-1]
    lines[-1] = lines[-1].rstrip().rstrip("|").rstrip()
    # Beside a copy of the routine's folder, so that its rules are found.
    queries = os.path.join(tmp, "queries")
    shutil.copytree(os.path.dirname(ROUTINE), queries)
    variant = os.path.join(queries, "weekly-rows.karta")
    with open(variant, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    data = os.path.join(tmp, "rerun")
    os.makedirs(data)
    outs, raw = [], []
    when = as_of(WEEKS[-1])
    for k, t in enumerate([when, when.replace("T20:", "T21:")]):
        p = karta("run", "--set", f"site={profile}", "--set", f"as_of={t}", variant, cwd=data)
        outs.append(rows(p.stdout))
        raw.append(p.stdout)
        print(f"   re-run {k + 1}: {len(outs[-1])} rows; "
              f"{[l for l in p.stderr.splitlines() if ' pages' in l][-1:]}")
    a, b = outs
    check(len(a) == len(b) and len(a) > 50, f"re-run: the same number of rows ({len(a)}, {len(b)})")
    unchanged = sum(1 for r in b if r["status"] == "304")
    check(unchanged >= 0.9 * len(b), f"re-run: {unchanged} of {len(b)} ad pages answered 304 (>= 90%)")
    strip = lambda r: {k: v for k, v in r.items() if k not in ("fetched_at", "status")}
    same = sum(1 for x, y in zip(sorted(a, key=lambda r: r["url"]), sorted(b, key=lambda r: r["url"]))
               if strip(x) == strip(y))
    check(same == len(a), f"re-run: rows identical apart from fetched_at and status ({same} of {len(a)})")
    runs = rows(karta("history", "runs", "--store", os.path.join(data, "history.sqlite")).stdout)
    check(runs[-1]["new"] == "0" and runs[-1]["gone"] == "0",
          f"re-run: history records 0 new and 0 gone ({runs[-1]['new']}, {runs[-1]['gone']})")
    # The routine's own default, `set as_of = now` (what scripts/main-job.sh
    # and a user's first run use): fetch and history both take "now".
    karta("run", "--set", f"site={profile}", variant, cwd=data)
    runs = rows(karta("history", "runs", "--store", os.path.join(data, "history.sqlite")).stdout)
    late = abs(secs_of(runs[-1]["as_of"]) - time.time())
    check(late < 600 and runs[-1]["new"] == "0",
          f"re-run with as_of = now: recorded as of {runs[-1]['as_of']}, {runs[-1]['new']} new")
    # posted_at on every site (the first run: every page fetched in full).
    by_site = defaultdict(lambda: [0, 0])
    with open(os.path.join(site, "corpus.csv"), encoding="utf-8") as f:
        posted = {r["url"]: r["posted_at"] for r in csv.DictReader(f)}
    far = []
    secs = lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
    for r in a:
        by_site[r["site"]][0] += 1
        if r["posted_at"]:
            by_site[r["site"]][1] += 1
            truth = posted[unport(r["url"])]
            if abs(secs(r["posted_at"]) - secs(truth)) > 3600:
                far.append((r["url"], r["posted_text"], r["posted_at"], truth))
    for s in SITES:
        n, filled = by_site[s]
        check(n > 0 and filled >= 0.99 * n, f"posted_at filled on {s}: {filled} of {n}")
    check(not far, f"posted_at within an hour of the truth (relative forms are hour-precise): {far[:3]}")
    # The report's weekly trend counts every dated ad (no suppression here).
    rows_csv = os.path.join(tmp, "rerun-rows.csv")
    with open(rows_csv, "w", encoding="utf-8") as f:
        f.write(raw[0])
    html = os.path.join(tmp, "rerun-report.html")
    karta("report", "--min-count", "1", "-o", html, rows_csv)
    with open(html, encoding="utf-8") as f:
        bars = re.findall(r"<title>[0-9]{4}-W[0-9]{2}: ([0-9]+) annonser</title>", f.read())
    dated = sum(1 for r in a if r["posted_at"])
    check(sum(int(n) for n in bars) == dated,
          f"the report's weekly trend counts every dated ad ({sum(int(n) for n in bars)} of {dated})")


if __name__ == "__main__":
    sys.exit(main())
