#!/usr/bin/env python3
"""Every tool, both ways: `karta TOOL ARGS` on the command line and the same
line as a one-stage routine (`karta run`) must give the same output, exit code
and side files (state files, stores, GeoJSON, keys).

A tool listed by `karta --help` without a line in CASES fails the test: a new
tool adds its line here (see docs/ARCHITECTURE.md).

Commands (ToolRole::kCommand: run, outreach, purge, audit, export) act on
stores and files, not on a stream of records: on the command line they work;
as a routine's stage they are refused (exit 2, naming the routine's line) and
change nothing. They are listed in COMMANDS with a command line that works.

Usage: both_ways.py KARTA SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# tool -> list of (args, input file or None). Paths are relative to the
# source tree's tests/data (copied into the working folder), side files are
# written in the working folder.
CASES = {
    "fetch": [
        (["fetch", "--from-warc", "fetch/foreign.warc"], None),
        (["fetch", "--text", "--state", "s.db", "--contact", "tests@karta.example"],
         "urls.txt"),
    ],
    "filter": [(["filter", "--rules", "ads.rules", "--where", "ad and not clinic"],
                "run/week1.csv"),
               # an empty input: a warning and exit 3 both ways
               (["filter", "--rules", "ads.rules", "--where", "ad"], "/dev/null")],
    "extract": [(["extract"], "extract/ads.csv"),
                # input files among the tool's own positionals (Tool::TakeInputs)
                (["extract", "extract/ads.csv"], None),
                (["extract", "--new-key", "k.key"], None)],
    "geotag": [(["geotag", "--region", "stockholm"], "run/week1.csv")],
    "dedupe": [(["dedupe"], "dedupe/ads.csv")],
    "tabulate": [(["tabulate", "--by", "kommun", "--sort", "key"], "run/week1.csv"),
                 (["tabulate", "--by", "kommun", "--format", "md", "run/week1.csv"], None)],
    "report": [(["report", "--geojson", "places.geojson", "--xlsx", "tables.xlsx",
                 "--created", "2026-11-23T10:00:00Z"], "run/week1.csv")],
    "history": [(["history", "record", "--store", "h.sqlite", "--as-of", "2026-11-23",
                  "--time-field", "posted_at"], "run/week1.csv")],
    "select": [(["select", "url,title"], "run/week1.csv"),
               (["select", "url,title", "run/week1.csv"], None)],
    "sort": [(["sort", "-k", "title"], "run/week1.csv")],
}
# Commands: tool -> (args, input file or None, setup commands run first in
# the working folder, extra environment). The command line must exit 0; the
# routine must exit 2 and leave the folder as the setup left it.
STORE_SETUP = [["history", "record", "--store", "h.sqlite", "--as-of", "2026-11-16T09:00:00Z",
                "outreach/week1.csv"]]
COMMANDS = {
    "run": (["run", "inner.karta"], "run/week1.csv",
            [["!write", "inner.karta", "select url\n"]], {}),
    "outreach": (["outreach", "list", "--store", "h.sqlite", "--at", "2026-11-16T10:00:00Z"],
                 None, STORE_SETUP, {}),
    "purge": (["purge", "--older-than", "12m", "--store", "h.sqlite"], None, STORE_SETUP, {}),
    "audit": (["audit"], None, [["select", "url", "run/week1.csv", "-o", "sel.csv"]],
              {"KARTA_AUDIT_LOG": "audit.jsonl"}),
    "export": (["export", "--out", "pkg"], "tabulate/ads.csv", [], {}),
}
SKIP = set()
NO_OUTPUT = {"export"}  # writes a package folder (--out), takes no -o


def tools(karta):
    out = subprocess.run([karta, "--help"], capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"\s{2}(\w+)\s{2,}", line)
        if m and "not built yet" not in line:
            found.append(m.group(1))
    return found


def quote(word):
    return "'" + word.replace("'", "'\\''") + "'"


def side_files(folder):
    out = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            # input data copied in (the same every way), or a package
            out[name + "/"] = tuple(sorted(os.listdir(path)))
            continue
        # (the audit log, when a case turns it on, logs every run: the
        # refused routine too)
        if name.startswith("in.") or name.endswith((".karta", ".db-wal", ".db-shm",
                                                     "-wal", "-shm", ".jsonl")):
            continue
        if name in ("out.csv", "ads.rules", "urls.txt"):
            continue
        size = os.path.getsize(path)
        # SQLite files differ in bytes run to run; their existence and
        # non-emptiness is what counts. Text side files are compared whole.
        if name.endswith((".db", ".sqlite", ".key")):
            out[name] = "non-empty" if size else "empty"
        else:
            with open(path, "rb") as f:
                out[name] = f.read()
    return out


def run_one(karta, src, args, infile, how, setup=(), extra_env=None):
    """Runs `args` in a fresh folder: how is "cli", "run" (a one-line
    routine) or "setup" (only the setup commands). Returns (exit, out.csv,
    side files) and stderr."""
    work = tempfile.mkdtemp(prefix="karta-both-")
    shutil.copy(os.path.join(src, "queries/rules/ads.rules"), os.path.join(work, "ads.rules"))
    with open(os.path.join(work, "urls.txt"), "w") as f:
        f.write("ftp://a.example/x\nnot a url\n")
    for a in list(args) + [w for cmd in setup for w in cmd]:
        if a.endswith((".warc", ".csv")) and os.path.exists(os.path.join(src, "tests/data", a)):
            os.makedirs(os.path.join(work, os.path.dirname(a)), exist_ok=True)
            shutil.copy(os.path.join(src, "tests/data", a), os.path.join(work, a))
    stdin = None
    if infile:
        path = infile if infile == "urls.txt" else os.path.join(src, "tests/data", infile)
        stdin = open(os.path.join(work, path) if infile == "urls.txt" else path, "rb")
    env = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC")
    env.pop("KARTA_CONTACT", None)
    env.pop("KARTA_AUDIT_LOG", None)
    env["KARTA_CONFIG"] = "/nonexistent"
    for k, v in (extra_env or {}).items():
        env[k] = os.path.join(work, v)
    for cmd in setup:
        if cmd[0] == "!write":
            with open(os.path.join(work, cmd[1]), "w") as f:
                f.write(cmd[2])
            continue
        subprocess.run([karta] + cmd, cwd=work, env=env, capture_output=True, check=True)
    if how == "setup":
        cmd = ["true"]
    elif how == "cli":
        cmd = [karta] + args + ([] if args[0] in NO_OUTPUT else ["-o", "out.csv"])
    else:
        with open(os.path.join(work, "r.karta"), "w") as f:
            f.write(" ".join(quote(a) for a in args) + "\n")
        cmd = [karta, "run", "r.karta", "-o", "out.csv"]
    p = subprocess.run(cmd, cwd=work, stdin=stdin or subprocess.DEVNULL, capture_output=True,
                       env=env)
    if stdin:
        stdin.close()
    out_path = os.path.join(work, "out.csv")
    out = open(out_path, "rb").read() if os.path.exists(out_path) else None
    # The fetched_at column holds the time of the run: blank it.
    if out and args[0] == "fetch":
        out = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", b"TIME", out)
    result = (p.returncode, out, side_files(work))
    shutil.rmtree(work)
    return result, p.stderr.decode(errors="replace")


def main():
    karta, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failures = 0
    listed = tools(karta)
    for t in listed:
        if t not in CASES and t not in COMMANDS and t not in SKIP:
            print(f"FAIL {t}: no line in CASES of tests/contract/both_ways.py")
            failures += 1
    # (tool, args, input, setup, environment, is a command)
    runs = [(tool, args, infile, (), None, False)
            for tool, cases in CASES.items() for args, infile in cases]
    runs += [(tool, args, infile, setup, extra_env, True)
             for tool, (args, infile, setup, extra_env) in COMMANDS.items()]
    for tool, args, infile, setup, extra_env, command in runs:
        if tool not in listed:
            continue
        (cli, cli_err) = run_one(karta, src, args, infile, "cli", setup, extra_env)
        (run, run_err) = run_one(karta, src, args, infile, "run", setup, extra_env)
        name = " ".join(args)
        if command:
            # Works on the command line; refused in a routine, changing nothing.
            (base, _) = run_one(karta, src, args, infile, "setup", setup, extra_env)
            ok = (cli[0] == 0 and run[0] == 2 and run[1] is None and run[2] == base[2]
                  and f"r.karta:1: stage 1 ({tool})" in run_err)
        elif tool == "extract" and "--new-key" in args:
            # A command-line act: it works there and fails loudly in a routine.
            ok = cli[0] == 0 and cli[2].get("k.key") == "non-empty" and run[0] == 2 \
                and "k.key" not in run[2] and "cannot be a stage" in run_err
        else:
            ok = cli == run
        if ok:
            print(f"ok   {name}{' (a command: refused in a routine)' if command else ''}")
            continue
        failures += 1
        print(f"FAIL {name}")
        print(f"  command line: exit {cli[0]}, side files {sorted(cli[2])}; {cli_err.strip()}")
        print(f"  routine:      exit {run[0]}, side files {sorted(run[2])}; {run_err.strip()}")
        if cli[1] != run[1]:
            print("  outputs differ")
    print(f"both ways: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
