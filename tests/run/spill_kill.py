#!/usr/bin/env python3
"""Temporary spills under kill -9 (issue #23): they may hold personal data, so
they never have a name in the temporary folder, and a kill -9 leaves nothing
behind there.

Each case runs karta with TMPDIR set to a fresh, empty folder, feeds it rows
through a pipe, waits until the process holds a spill open (a descriptor to a
deleted file in that folder: proof that the spill exists and has no name),
kills it with SIGKILL and checks that the folder is empty.

  run_sink    `karta run R` whose routine ends in `tabulate`: the records
              reach the sink in memory, so no spill is opened; killed while
              it reads its input, it leaves nothing
  run_tail    `karta run R` ending in `tabulate | sort` (a spill: the table,
              written and read again), killed as soon as it is open
  run_pipe    `karta run R | karta tabulate`, as in the issue: both killed
  sort        `karta sort -S 1M` (its runs), killed mid-input
  dedupe      `karta dedupe` (its row spill), killed mid-input
  output      `karta select -o DIR/out.csv`: the output has no name until it
              is complete, so a kill -9 leaves nothing in DIR either

Usage: spill_kill.py KARTA
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

KARTA = os.path.abspath(sys.argv[1])
ROOT = tempfile.mkdtemp(prefix="karta-spill-kill-")
failures = []


def rows(n, start=0):
    for i in range(start, start + n):
        yield (f"https://ads.example/{i},Site{i % 7},2026-11-{1 + i % 28:02d},"
               f"Annons {i} Södermalm ring 070-{i % 1000:03d} {i % 90:02d}\n").encode()


HEADER = b"url,site,posted_at,text\n"


def spill_fds(pid, tmpdir):
    """The descriptors of `pid` that point at a file in `tmpdir`."""
    out = []
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(tmpdir + "/"):
                out.append(target)
    except OSError:
        pass
    return out


def start(argv, tmpdir, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL):
    env = dict(os.environ, TMPDIR=tmpdir, LC_ALL="C.UTF-8")
    return subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, env=env)


def feeder(p, n, close):
    """Writes HEADER and n rows to p's stdin; closes it if `close`."""
    def go():
        try:
            p.stdin.write(HEADER)
            for r in rows(n):
                p.stdin.write(r)
            p.stdin.flush()
            if close:
                p.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass
    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t


def wait_for(pred, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.002)
    return None


def check(name, tmpdir, seen, procs):
    for p in procs:
        try:
            p.kill()
        except ProcessLookupError:
            pass
    for p in procs:
        p.wait()
    left = sorted(os.listdir(tmpdir))
    if not seen:
        failures.append(f"{name}: no spill was seen open in {tmpdir} before the kill "
                        "(the test did not test anything)")
    elif any(not s.endswith(" (deleted)") for s in seen):
        failures.append(f"{name}: a spill had a name while open: {seen}")
    if left:
        failures.append(f"{name}: kill -9 left {left} in TMPDIR")
    print(f"{'ok' if seen and not left else 'FAIL':4} {name}: spills seen {len(seen or [])}, left {len(left)}")


def routine(text):
    path = os.path.join(ROOT, f"r{abs(hash(text))}.karta")
    with open(path, "w") as f:
        f.write(text)
    return path


def case_run_sink():
    # A sink is a stage (issue 17): the records before it reach it in memory,
    # so there is no spill at all; killed while it reads, it leaves nothing.
    tmpdir = tempfile.mkdtemp(dir=ROOT)
    r = routine("karta select url,site,posted_at,text |\nkarta tabulate --by site\n")
    p = start([KARTA, "run", r], tmpdir)
    feeder(p, 20000, close=False)  # stdin stays open: still reading when killed
    time.sleep(1.0)
    opened = spill_fds(p.pid, tmpdir)
    p.kill()
    p.wait()
    left = sorted(os.listdir(tmpdir))
    if opened:
        failures.append(f"run_sink: the records before a sink were spilled: {opened}")
    if left:
        failures.append(f"run_sink: kill -9 left {left} in TMPDIR")
    print(f"{'ok' if not opened and not left else 'FAIL':4} run_sink: spills seen "
          f"{len(opened)} (none expected), left {len(left)}")


def case_run_tail():
    tmpdir = tempfile.mkdtemp(dir=ROOT)
    r = routine("karta select url,site,text |\nkarta tabulate --by url |\nkarta sort -k count:n\n")
    p = start([KARTA, "run", r], tmpdir)
    feeder(p, 300000, close=True)
    # The table spill, written by tabulate and opened again by the stages
    # after it: two descriptors or more into the folder.
    seen = wait_for(lambda: (lambda s: s if len(s) >= 2 else None)(spill_fds(p.pid, tmpdir)), 120)
    check("run_tail", tmpdir, seen, [p])


def case_run_pipe():
    tmpdir = tempfile.mkdtemp(dir=ROOT)
    r = routine("karta select url,site,posted_at,text |\nkarta sort -k site -S 1M\n")
    # karta run's output goes to karta tabulate through a real pipe.
    env = dict(os.environ, TMPDIR=tmpdir, LC_ALL="C.UTF-8")
    p1 = subprocess.Popen([KARTA, "run", r], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, env=env)
    p2 = subprocess.Popen([KARTA, "tabulate", "--by", "site"], stdin=p1.stdout,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    p1.stdout.close()
    feeder(p1, 100000, close=False)
    seen = wait_for(lambda: spill_fds(p1.pid, tmpdir))
    time.sleep(0.2)
    check("run_pipe", tmpdir, seen, [p1, p2])


def case_sort():
    tmpdir = tempfile.mkdtemp(dir=ROOT)
    p = start([KARTA, "sort", "-k", "site", "-S", "1M"], tmpdir)
    feeder(p, 100000, close=False)
    seen = wait_for(lambda: spill_fds(p.pid, tmpdir))
    check("sort", tmpdir, seen, [p])


def case_dedupe():
    tmpdir = tempfile.mkdtemp(dir=ROOT)
    p = start([KARTA, "dedupe"], tmpdir)
    feeder(p, 20000, close=False)
    seen = wait_for(lambda: spill_fds(p.pid, tmpdir))
    time.sleep(0.2)
    check("dedupe", tmpdir, seen, [p])


def case_output():
    tmpdir = tempfile.mkdtemp(dir=ROOT)
    out = tempfile.mkdtemp(dir=ROOT)
    p = start([KARTA, "select", "url,text", "-o", os.path.join(out, "out.csv")], tmpdir)
    feeder(p, 100000, close=False)
    seen = wait_for(lambda: spill_fds(p.pid, out))
    time.sleep(0.2)
    check("output", out, seen, [p])
    if os.listdir(tmpdir):
        failures.append(f"output: kill -9 left {os.listdir(tmpdir)} in TMPDIR")


for c in (case_run_sink, case_run_tail, case_run_pipe, case_sort, case_dedupe, case_output):
    c()
shutil.rmtree(ROOT, ignore_errors=True)
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("spill_kill: all ok")
