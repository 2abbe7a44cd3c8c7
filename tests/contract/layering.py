#!/usr/bin/env python3
"""The layers stay apart (docs/ARCHITECTURE.md): no file of lib/ but the
harness itself (lib/cli.*, lib/cli_hints.*) includes the CLI harness or CLI11, and no file of
lib/ includes anything from tools/.

Usage: layering.py SOURCE_DIR
"""
import os
import re
import sys

HARNESS = {"cli.h", "cli.cc", "cli_test.cc", "cli_hints.h", "cli_hints.cc", "cli_hints_test.cc"}
FORBIDDEN = re.compile(r'^\s*#\s*include\s*[<"](lib/cli\.h|CLI/[^">]*|tools/[^">]*)[">]', re.M)


def main():
    lib = os.path.join(os.path.abspath(sys.argv[1]), "lib")
    failures = 0
    for name in sorted(os.listdir(lib)):
        if name in HARNESS or not name.endswith((".h", ".cc")):
            continue
        with open(os.path.join(lib, name), encoding="utf-8", errors="replace") as f:
            for m in FORBIDDEN.finditer(f.read()):
                failures += 1
                print(f"FAIL lib/{name} includes {m.group(1)}: lib/ sits below the harness "
                      "(move the helper it needs into lib/, e.g. lib/record.h)")
    print(f"layering: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
