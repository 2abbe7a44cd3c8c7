#!/usr/bin/env python3
"""Golden CLI tests: run each case and compare stdout, stderr and exit code.

A case is a directory tests/cases/<tool>/<name>/ holding:
  cmd     a shell script (run by sh in the case directory; `karta` is on PATH,
          $KARTA is the binary, $ROOT the source tree, $DATA tests/data,
          $TMP a fresh temporary directory)
  stdout  the expected standard output (absent: must be empty)
  stderr  the expected standard error  (absent: must be empty)
  exit    the expected exit code       (absent: 0)
  stdin   optional: fed to the command's standard input

Usage: run_cases.py --karta BIN DIR [DIR...]   (a DIR of cases or one case)
       run_cases.py --karta BIN --update DIR   rewrite the expectations
"""
import argparse
import difflib
import os
import shutil
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_cases(path):
    if os.path.isfile(os.path.join(path, "cmd")):
        return [path]
    out = []
    for name in sorted(os.listdir(path)):
        sub = os.path.join(path, name)
        if os.path.isdir(sub):
            out.extend(find_cases(sub))
    return out


def read(path, default=b""):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default


def run_case(case, karta, update):
    tmp = tempfile.mkdtemp(prefix="karta-case-")
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    os.symlink(os.path.abspath(karta), os.path.join(bindir, "karta"))
    env = dict(os.environ)
    env.update({
        "PATH": bindir + os.pathsep + env.get("PATH", ""),
        "KARTA": os.path.abspath(karta),
        "ROOT": ROOT,
        "DATA": os.path.join(ROOT, "tests", "data"),
        "TMP": tmp,
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    })
    stdin = read(os.path.join(case, "stdin"), None)
    try:
        p = subprocess.run(["sh", "cmd"], cwd=case, env=env, input=stdin,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=300)
        got = {"stdout": p.stdout, "stderr": p.stderr, "exit": p.returncode}
    except subprocess.TimeoutExpired:
        got = {"stdout": b"", "stderr": b"timed out after 300 s\n", "exit": -1}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Paths of the temporary directory vary between runs.
    for k in ("stdout", "stderr"):
        got[k] = got[k].replace(tmp.encode(), b"$TMP").replace(ROOT.encode(), b"$ROOT")
    # fetch's summary line ends with the elapsed time, which varies too.
    got["stderr"] = re.sub(rb"(?m)^(karta fetch: .*), [0-9]+\.[0-9] s$", rb"\1, $SECONDS s",
                           got["stderr"])
    if update:
        for k in ("stdout", "stderr"):
            path = os.path.join(case, k)
            if got[k]:
                with open(path, "wb") as f:
                    f.write(got[k])
            elif os.path.exists(path):
                os.remove(path)
        path = os.path.join(case, "exit")
        if got["exit"] != 0:
            with open(path, "w") as f:
                f.write("%d\n" % got["exit"])
        elif os.path.exists(path):
            os.remove(path)
        return []
    want = {
        "stdout": read(os.path.join(case, "stdout")),
        "stderr": read(os.path.join(case, "stderr")),
        "exit": int(read(os.path.join(case, "exit"), b"0").strip() or b"0"),
    }
    problems = []
    for k in ("stdout", "stderr"):
        if got[k] != want[k]:
            diff = difflib.unified_diff(
                want[k].decode("utf-8", "replace").splitlines(True),
                got[k].decode("utf-8", "replace").splitlines(True),
                "expected " + k, "actual " + k)
            problems.append("".join(list(diff)[:60]))
    if got["exit"] != want["exit"]:
        problems.append("exit code: expected %d, got %d\n" % (want["exit"], got["exit"]))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    cases = [c for d in args.dirs for c in find_cases(d)]
    failed = 0
    for case in cases:
        problems = run_case(case, args.karta, args.update)
        name = os.path.relpath(case, os.path.join(ROOT, "tests", "cases"))
        if problems:
            failed += 1
            print("FAIL %s\n%s" % (name, "".join(problems)))
        else:
            print("ok   %s" % name)
    print("%d passed, %d failed" % (len(cases) - failed, failed))
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
