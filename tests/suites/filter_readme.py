#!/usr/bin/env python3
"""Runs the examples of queries/README.md and checks their output.

Every fenced block marked ```console is a list of commands, each on a line
starting with '$ ', followed by the output it must print (stdout and stderr
together). Commands run with sh in the source tree, with `karta` on PATH.

Usage: filter_readme.py --karta BIN [--update]   (--update rewrites the outputs)
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, "queries", "README.md")


def run(cmd, env):
    p = subprocess.run(["sh", "-c", cmd], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    return p.stdout.decode("utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="karta-readme-")
    os.symlink(os.path.abspath(args.karta), os.path.join(tmp, "karta"))
    env = dict(os.environ, PATH=tmp + os.pathsep + os.environ.get("PATH", ""),
               LC_ALL="C.UTF-8", TZ="UTC")
    lines = open(README, encoding="utf-8").read().split("\n")
    out, failures, count = [], 0, 0
    i = 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].strip() != "```console":
            i += 1
            continue
        i += 1
        block = []
        while i < len(lines) and lines[i].strip() != "```":
            block.append(lines[i])
            i += 1
        # Split into (command, expected) pairs.
        pairs = []
        for line in block:
            if line.startswith("$ "):
                pairs.append([line[2:], []])
            elif pairs:
                pairs[-1][1].append(line)
        for cmd, expected in pairs:
            count += 1
            got = run(cmd, env)
            want = "\n".join(expected) + ("\n" if expected else "")
            if got != want:
                if not args.update:
                    failures += 1
                    print(f"FAIL: $ {cmd}\n--- expected\n{want}--- got\n{got}", file=sys.stderr)
            out.append("$ " + cmd)
            out.extend(got.rstrip("\n").split("\n") if got else [])
        if i < len(lines):
            out.append(lines[i])
        i += 1
    if args.update:
        with open(README, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
        print(f"updated {count} examples in {README}")
        return 0
    print(f"{count - failures} of {count} README examples give the output shown")
    if count == 0:
        print("no ```console examples found", file=sys.stderr)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
