#!/usr/bin/env python3
"""The workshop's exercises, run for real: every command of every exercise in
examples/workshop/NN-*.md is run and its standard output compared exactly
with the block shown after it.

An exercise is Markdown. A command block is a fenced block whose lines start
with "$ " (a line ending in a backslash continues on the next line); the next
fenced block, if it is not itself a command block, is the expected standard
output (absent: the command must print nothing). A block's info string may say
`exit=N` to expect exit status N (default 0). A line
`<!-- pending: karta TOOL not built yet -->` before a command block marks that
block pending: it is not run and the exercise is reported "pending" (not
passed). Nothing is ever faked: a pending block's output block may be empty.

Commands run with bash -o pipefail (not for a pipeline ending in head,
which closes its input early on purpose) in a scratch directory holding
symlinks to the
repository's examples/, queries/ and data/ and an empty out/, with the karta
binary's directory first on PATH, so a trainer can type them from the top of
the repository. The practice site is started
with examples/practice-site/serve.sh on a free port other than 18080,
passed in KARTA_PRACTICE_PORT (which the commands, site profiles and
routines read); in the output that port is replaced by 18080, the port
the exercises show.

Usage: workshop_test.py --karta build/karta [--root DIR] [--update] [FILE...]
  --update  rewrite the expected-output blocks of non-pending commands with
            what the commands print now (read the diff before committing!)
Exit: 0 all passed, 1 a command failed, 77 none failed but some are pending.
"""
import argparse
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PENDING = re.compile(r"<!--\s*pending:(.*?)-->")
FENCE = re.compile(r"^(\s*)(```+)(.*)$")


class Block:
    def __init__(self, info, start, end, lines):
        self.info, self.start, self.end, self.lines = info, start, end, lines  # start/end: fence line numbers

    def is_command(self):
        body = [l for l in self.lines if l.strip()]
        return bool(body) and body[0].startswith("$ ")

    def commands(self):
        cmds, cur = [], None
        for line in self.lines:
            if line.startswith("$ ") and cur is None:
                cur = line[2:]
            elif cur is not None:
                cur += "\n" + line
            else:
                continue
            if not cur.endswith("\\"):
                cmds.append(cur)
                cur = None
        if cur is not None:
            cmds.append(cur)
        return cmds

    def exit_code(self):
        m = re.search(r"exit=(\d+)", self.info)
        return int(m.group(1)) if m else 0


def parse(path):
    """Returns (lines, [(command_block, output_block_or_None, pending_reason_or_None)])."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, pend_at = [], {}
    i, pending = 0, None
    while i < len(lines):
        m = PENDING.search(lines[i])
        if m:
            pending = m.group(1).strip()
        fm = FENCE.match(lines[i])
        if fm:
            fence = fm.group(2)
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                j += 1
            b = Block(fm.group(3).strip(), i, j, lines[i + 1:j])
            blocks.append(b)
            if b.is_command():
                pend_at[id(b)] = pending
                pending = None
            i = j + 1
            continue
        i += 1
    steps = []
    for k, b in enumerate(blocks):
        if not b.is_command():
            continue
        out = None
        if k + 1 < len(blocks) and not blocks[k + 1].is_command():
            between = lines[b.end + 1:blocks[k + 1].start]
            if all(not l.strip() for l in between):
                out = blocks[k + 1]
        steps.append((b, out, pend_at[id(b)]))
    return lines, steps


class Site:
    def __init__(self, root):
        self.root, self.port, self.run = root, None, None

    def ensure(self):
        if self.port:
            return self.port
        # Never 18080: the test proves that the port set in one place
        # (KARTA_PRACTICE_PORT) reaches every exercise, profile and routine.
        for want in (0, 0, 0):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", want))
                except OSError:
                    continue
                if s.getsockname()[1] == 18080:
                    continue
                self.port = s.getsockname()[1]
                break
        self.run = tempfile.mkdtemp(prefix="karta-workshop-run-")
        serve = os.path.join(self.root, "examples", "practice-site", "serve.sh")
        r = subprocess.run([serve, "start", "--port", str(self.port), "--run", self.run], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("serve.sh start failed: " + r.stderr)
        return self.port

    def stop(self):
        if self.run:
            serve = os.path.join(self.root, "examples", "practice-site", "serve.sh")
            subprocess.run([serve, "stop", "--run", self.run], capture_output=True)
            shutil.rmtree(self.run, ignore_errors=True)


def PipeFail(cmd):
    """bash options for a command: pipefail (a failing stage fails the
    command), except for a pipeline that ends in `head`. head stops reading
    early on purpose, and a stage still writing then fails: curl exits 23,
    others die of SIGPIPE, whenever head is first. The output check still
    catches a stage that failed before it wrote what head shows."""
    return [] if re.search(r"\|\s*head\b[^|]*$", cmd) else ["-o", "pipefail"]


def workspace(root, port):
    """A scratch directory that looks like the top of the repository, with
    the workshop's own files copied (they read the port from
    KARTA_PRACTICE_PORT, which the runner sets; nothing is rewritten)."""
    ws = tempfile.mkdtemp(prefix="karta-workshop-")
    for name in ("queries", "data"):
        if os.path.exists(os.path.join(root, name)):
            os.symlink(os.path.join(root, name), os.path.join(ws, name))
    os.mkdir(os.path.join(ws, "examples"))
    for name in os.listdir(os.path.join(root, "examples")):
        src = os.path.join(root, "examples", name)
        if name != "workshop":
            os.symlink(src, os.path.join(ws, "examples", name))
    shutil.copytree(os.path.join(root, "examples", "workshop"), os.path.join(ws, "examples", "workshop"))
    os.mkdir(os.path.join(ws, "out"))
    return ws


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    files = args.files or sorted(glob.glob(os.path.join(root, "examples", "workshop", "[0-9][0-9]-*.md")))
    bindir = os.path.dirname(os.path.abspath(args.karta))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8", TZ="UTC")
    site = Site(root)
    results = {}
    try:
        for path in files:
            name = os.path.basename(path)
            lines, steps = parse(path)
            status, notes, edits = "passed", [], []
            ws = workspace(root, site.ensure())
            try:
                for cmd_block, out_block, pending in steps:
                    if pending is not None:
                        status = "pending" if status != "failed" else status
                        notes.append(f"pending: {pending}")
                        continue
                    port = str(site.ensure())
                    env["KARTA_PRACTICE_PORT"] = port
                    text = "\n".join(cmd_block.commands())
                    got = ""
                    rc_bad = None
                    for cmd in cmd_block.commands():
                        run_cmd = cmd
                        r = subprocess.run(["bash", *PipeFail(run_cmd), "-c", run_cmd], cwd=ws, env=env,
                                           capture_output=True, text=True, timeout=300)
                        out = r.stdout.replace(port, "18080")
                        got += out
                        if r.returncode != cmd_block.exit_code():
                            rc_bad = f"$ {cmd}\n  exit {r.returncode}, want {cmd_block.exit_code()}\n  stderr: {r.stderr.strip()[:800]}"
                    want = "\n".join(out_block.lines) + "\n" if out_block and out_block.lines else ""
                    if args.update and rc_bad is None:
                        edits.append((cmd_block, out_block, got))
                        continue
                    if rc_bad or got != want:
                        status = "failed"
                        msg = rc_bad or ""
                        if got != want:
                            import difflib
                            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                                "expected", "actual"))
                            msg += f"\n$ {text}\n{diff}"
                        notes.append(msg)
            finally:
                shutil.rmtree(ws, ignore_errors=True)
            if args.update and edits:
                for cmd_block, out_block, got in sorted(edits, key=lambda e: -e[0].start):
                    body = got[:-1].split("\n") if got.endswith("\n") else (got.split("\n") if got else [])
                    if out_block:
                        lines[out_block.start + 1:out_block.end] = body
                    elif body:
                        lines[cmd_block.end + 1:cmd_block.end + 1] = ["", "```text"] + body + ["```"]
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines))
            results[name] = status
            print(f"{status:8} {name}")
            for n in notes:
                print("  " + n.replace("\n", "\n  "))
    finally:
        site.stop()
    counts = {s: sum(1 for v in results.values() if v == s) for s in ("passed", "pending", "failed")}
    print(f"workshop: {counts['passed']} passed, {counts['pending']} pending, {counts['failed']} failed")
    if counts["failed"]:
        return 1
    return 77 if counts["pending"] else 0


if __name__ == "__main__":
    sys.exit(main())
