#!/usr/bin/env bash
# The test command: installs what is needed, checks the C++ formatting
# (scripts/check-format.sh), builds a normal and an
# ASan+UBSan build, runs every test on the normal build, the unit, CLI and
# hostile-input tests on the sanitizer build, each libFuzzer target for a
# short fixed time over its seed corpus (clang-15, ASan + UBSan, build-fuzz/;
# any finding fails), builds Release (as a packager would) with its unit and
# CLI tests, makes the .deb from it and tests the installed package, and a
# smoke run of the benches.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== formatting (.clang-format; fix with scripts/check-format.sh --fix)"
scripts/check-format.sh
scripts/build.sh normal
scripts/build.sh asan
scripts/build.sh fuzz
echo "== all tests (normal build)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
echo "== unit, CLI and hostile-input tests (ASan + UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L 'unit|cli|hostile'
echo "== fuzz targets, each for a fixed time over its seed corpus (ASan + UBSan)"
ctest --test-dir build-fuzz --output-on-failure -j "$(nproc)" -L fuzz
echo "== Release build: unit and CLI tests, the .deb, the installed tour"
scripts/build.sh release
ctest --test-dir build-release --output-on-failure -j "$(nproc)" -L 'unit|cli'
scripts/package.sh
tests/installed_tour.sh build-release/karta_*.deb
echo "== bench smoke run"
bench/run-all.sh --smoke
