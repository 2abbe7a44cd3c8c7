#!/usr/bin/env python3
"""The history store under kill -9 and Ctrl-C.

A run is one transaction: whatever moment `karta history record` (alone, or
inside `karta run`) is killed at, the store must open clean (integrity_check
ok, schema intact) and hold either none or all of the interrupted run.

1. Record a first run (the baseline).
2. Start a second, large run fed slowly through a pipe; kill -9 it while it is
   recording: the store holds exactly the baseline.
3. Start large runs fed at full speed and kill -9 them after varying delays,
   so that some are killed mid-write and some around the commit: each time
   the store holds the baseline plus none or all of the run.
4. SIGINT mid-run: exit 130, the store holds the baseline.
5. The same kill -9 inside `karta run` with a routine that records.

Usage: store_kill.py KARTA
"""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

KARTA = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="karta-kill-")
STORE = os.path.join(TMP, "h.sqlite")
N = 50_000


def rows(start, n):
    out = ["url,kommun,cluster\n"]
    for i in range(start, start + n):
        out.append(f"https://ads.example/{i},K{i % 26},c{i // 3}\n")
    return "".join(out).encode()


def state():
    """(runs, ads, sightings) after checking the store opens clean."""
    db = sqlite3.connect(STORE)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        assert ok == "ok", f"integrity_check: {ok}"
        version = db.execute("SELECT version FROM schema_version").fetchone()[0]
        assert version >= 1
        r = db.execute("SELECT count(*) FROM runs").fetchone()[0]
        a = db.execute("SELECT count(*) FROM ads").fetchone()[0]
        s = db.execute("SELECT count(*) FROM sightings").fetchone()[0]
        return r, a, s
    finally:
        db.close()


def record(data, as_of, extra=()):
    p = subprocess.run([KARTA, "history", "record", "--store", STORE, "--as-of", as_of, *extra],
                       input=data, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr


def kill_mid_feed(argv):
    """Feeds half of a run to `argv`, kills it with SIGKILL while its
    transaction is surely open, and returns the store's state."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    data = rows(500, N)
    p.stdin.write(data[: len(data) // 2])
    p.stdin.flush()
    time.sleep(1.0)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    return state()


def main():
    failures = 0
    record(rows(0, 1000), "2026-11-16")
    base = state()
    assert base == (1, 1000, 1000), base
    print("baseline:", base)

    # 2. A slow feed: killed for certain while the transaction is open.
    got = kill_mid_feed([KARTA, "history", "record", "--store", STORE, "--as-of", "2026-11-23"])
    print("kill -9 mid-run (slow feed):", got)
    if got != base:
        print("FAIL: the store holds part of the killed run")
        failures += 1
    wal = STORE + "-wal"
    print("  WAL file after the kill:", f"{os.path.getsize(wal)} bytes" if os.path.exists(wal) else "none")

    # 3. Full-speed runs killed after varying delays: first time a whole run
    # (on a copy), then kill at fractions of that time, so that some are
    # killed mid-write and some around the commit.
    import shutil
    import threading
    base_copy = os.path.join(TMP, "base.sqlite")
    shutil.copy(STORE, base_copy)
    data = rows(500, N)
    full = (2, 1000 + N - 500, 1000 + N)  # 500 overlap with the baseline

    def timed_run(delay):
        shutil.copy(base_copy, STORE)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(STORE + suffix):
                os.remove(STORE + suffix)
        p = subprocess.Popen([KARTA, "history", "record", "--store", STORE, "--as-of",
                              "2026-11-23"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)

        def feed():
            try:
                p.stdin.write(data)
                p.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
        t = threading.Thread(target=feed)
        t0 = time.monotonic()
        t.start()
        if delay is None:
            p.wait()
        else:
            time.sleep(delay)
            p.kill()
            p.wait()
        t.join()
        return time.monotonic() - t0

    whole = timed_run(None)
    assert state() == full, state()
    print(f"a whole run of {N} records takes {whole:.2f}s")
    outcomes = {"none": 0, "all": 0}
    for frac in (0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1.05):
        timed_run(whole * frac)
        got = state()
        if got == base:
            outcomes["none"] += 1
        elif got == full:
            outcomes["all"] += 1
        else:
            print(f"FAIL: kill at {frac:.2f} of a run left {got}: neither none {base} nor all {full}")
            failures += 1
    print("kill -9 at varying times:", outcomes)
    shutil.copy(base_copy, STORE)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(STORE + suffix):
            os.remove(STORE + suffix)
    half = len(data) // 2

    # 4. Ctrl-C.
    p = subprocess.Popen([KARTA, "history", "record", "--store", STORE, "--as-of", "2026-11-23"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p.stdin.write(rows(500, N)[: half])
    p.stdin.flush()
    time.sleep(1.0)
    os.kill(p.pid, signal.SIGINT)
    p.stdin.write(b"https://ads.example/x,K,c\n")
    p.stdin.flush()
    _, err = p.communicate()
    got = state()
    print("SIGINT mid-run: exit", p.returncode, got, err.decode().strip())
    if p.returncode != 130 or got != base:
        print("FAIL: Ctrl-C did not leave the store as it was")
        failures += 1

    # 5. Inside karta run.
    routine = os.path.join(TMP, "rec.karta")
    with open(routine, "w") as f:
        f.write("# records, then keeps the url\n"
                "set store = h.sqlite\n"
                "karta select url,kommun,cluster |\n"
                "karta history record --store ${store} --as-of 2026-11-23 |\n"
                "karta select url\n")
    got = kill_mid_feed([KARTA, "run", routine])
    print("kill -9 inside karta run:", got)
    if got != base:
        print("FAIL: the store holds part of the run killed inside karta run")
        failures += 1
    # And the routine completes normally afterwards.
    p = subprocess.run([KARTA, "run", routine], input=rows(500, 2000),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    got = state()
    print("the same routine, not killed:", got, p.stderr.decode().strip())
    if p.returncode != 0 or got != (2, 2500, 3000):
        print("FAIL: the routine did not record its run")
        failures += 1

    subprocess.run(["rm", "-rf", TMP])
    print("FAILED" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
