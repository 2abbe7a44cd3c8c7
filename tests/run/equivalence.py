#!/usr/bin/env python3
"""run == pipe: every routine in tests/data/run/equiv/ must give the same bytes
through `karta run ROUTINE INPUT` as through a real shell pipeline.

The routines there are written so that they are also valid sh scripts (each
stage starts with `karta`, stages are joined by a trailing '|'); the only
rewrite is `set NAME = VALUE` -> `NAME=VALUE`. Each routine names its input
on a line `# input: PATH` (relative to the source tree). A routine that uses
a tool not built yet is skipped (and said so); exit 77 if all were skipped.

The shipped routines in queries/ are checked the same way, on the input
named in their "Try: karta run queries/X.karta INPUT" line (those without one,
such as a crawl, are not).

Usage: equivalence.py KARTA SOURCE_DIR
"""
import datetime
import os
import re
import subprocess
import sys
import tempfile


def tools_not_built(karta):
    out = subprocess.run([karta, "--help"], capture_output=True, text=True).stdout
    missing = set()
    for line in out.splitlines():
        m = re.match(r"\s+(\w+)\s+\(not built yet\)", line)
        if m:
            missing.add(m.group(1))
    return missing


def main():
    karta, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    eqdir = os.path.join(src, "tests", "data", "run", "equiv")
    missing = tools_not_built(karta)
    tmp = tempfile.mkdtemp(prefix="karta-equiv-")
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    os.symlink(karta, os.path.join(bindir, "karta"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
               LC_ALL="C.UTF-8", TZ="UTC", TMP=tmp)
    failed, ran = [], 0
    routines = [os.path.join(eqdir, n) for n in sorted(os.listdir(eqdir)) if n.endswith(".karta")]
    qdir = os.path.join(src, "queries")
    routines += [os.path.join(qdir, n) for n in sorted(os.listdir(qdir)) if n.endswith(".karta")]
    for path in routines:
        name = os.path.relpath(path, src)
        rdir = os.path.dirname(path)
        text = open(path, encoding="utf-8").read()
        m = re.search(r"(?m)^# input: (\S+)", text) or \
            re.search(r"(?m)^# Try: karta run \S+\.karta (\S+)$", text)
        if not m:
            print(f"SKIP {name}: no input named (a source routine)")
            continue
        inp = os.path.join(src, m.group(1))
        used = set(re.findall(r"(?m)(?:^|\|)\s*karta\s+(\w+)", text))
        if used & missing:
            print(f"SKIP {name}: {', '.join(sorted(used & missing))} not built yet")
            continue
        # The built-in variables of a routine, for sh.
        env.update(here=rdir, cwd=tmp, today=datetime.datetime.utcnow().strftime("%Y-%m-%d"))
        script = re.sub(r"(?m)^set\s+(\w+)\s*=\s*", r"\1=", text)
        with open(inp, "rb") as f:
            data = f.read()
        a = subprocess.run([karta, "run", path], input=data, capture_output=True,
                           cwd=tmp, env=env)
        b = subprocess.run(["sh", "-c", script], input=data, capture_output=True,
                           cwd=rdir, env=env)
        ran += 1
        same = a.stdout == b.stdout and a.returncode == b.returncode
        lines = a.stdout.count(b"\n")
        print(f"{'OK  ' if same else 'FAIL'} {name}: {lines} lines, exit {a.returncode}"
              f"{'' if same else f' (pipe: exit {b.returncode}, {b.stdout.count(chr(10).encode())} lines)'}")
        if not same or a.returncode != 0:
            if a.returncode != 0 or b.returncode != 0:
                print("  run stderr:", a.stderr.decode(errors="replace")[-2000:])
                print("  pipe stderr:", b.stderr.decode(errors="replace")[-2000:])
            if a.returncode != 0:
                failed.append(name)
        if not same:
            failed.append(name)
            for i, (x, y) in enumerate(zip(a.stdout.splitlines(), b.stdout.splitlines())):
                if x != y:
                    print(f"  first difference at line {i + 1}:\n    run:  {x[:200]!r}\n    pipe: {y[:200]!r}")
                    break
    subprocess.run(["rm", "-rf", tmp])
    if failed:
        print(f"{len(set(failed))} routine(s) differ or failed: {', '.join(sorted(set(failed)))}")
        return 1
    if ran == 0:
        print("every routine was skipped")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
