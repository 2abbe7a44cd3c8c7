#!/usr/bin/env python3
"""Runs the examples in `karta TOOL --help` as printed.

For each tool named on the command line, takes the lines under "Examples:" in
its help that start with `karta `, runs each (without a shell: the quoting is
split as a shell would, by shlex) in a temporary folder holding the fixture
files of tests/data/<tool>/help/, and fails unless every example exits 0 and
writes a CSV header (or, for plain-text output, something). Prints each
command with its first output line, so the test log shows what ran.

Usage: help_examples.py --karta PATH TOOL...
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

def examples(karta, tool):
    out = subprocess.run([karta, tool, "--help"], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    if "Examples:" not in lines:
        sys.exit(f"help_examples: `karta {tool} --help` has no Examples: section")
    cmds = []
    for line in lines[lines.index("Examples:") + 1:]:
        s = line.strip()
        if not s:
            if cmds:
                break
            continue
        if not s.startswith("karta "):
            continue
        # The command ends where two or more spaces start the comment.
        cmd = s.split("  ")[0].strip()
        cmds.append(cmd)
    return cmds

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("tools", nargs="+")
    a = ap.parse_args()
    a.karta = os.path.abspath(a.karta)
    root = os.path.dirname(os.path.abspath(__file__))
    failed = 0
    for tool in a.tools:
        cmds = examples(a.karta, tool)
        if not cmds:
            sys.exit(f"help_examples: no examples in `karta {tool} --help`")
        with tempfile.TemporaryDirectory() as tmp:
            fixtures = os.path.join(root, "data", tool, "help")
            for name in os.listdir(fixtures):
                shutil.copy(os.path.join(fixtures, name), tmp)
            for cmd in cmds:
                argv = shlex.split(cmd)
                argv[0] = a.karta
                r = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, timeout=60)
                first = r.stdout.splitlines()[0] if r.stdout else ""
                ok = r.returncode == 0 and first != ""
                print(f"{'ok  ' if ok else 'FAIL'} {cmd}  ->  {first}")
                if not ok:
                    print(f"     exit {r.returncode}: {r.stderr.strip()}")
                    failed += 1
    if failed:
        sys.exit(f"help_examples: {failed} example(s) failed")

if __name__ == "__main__":
    main()
