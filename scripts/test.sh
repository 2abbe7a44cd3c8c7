#!/usr/bin/env bash
# The test command: installs what is needed, builds a normal and an
# ASan+UBSan build, runs every test on the normal build, the unit and CLI
# tests on the sanitizer build, builds Release (as a packager would) with
# its unit and CLI tests, makes the .deb from it and tests the installed
# package, and a smoke run of the benches.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh normal
scripts/build.sh asan
echo "== all tests (normal build)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
echo "== unit and CLI tests (ASan + UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L 'unit|cli'
echo "== Release build: unit and CLI tests, the .deb, the installed tour"
scripts/build.sh release
ctest --test-dir build-release --output-on-failure -j "$(nproc)" -L 'unit|cli'
scripts/package.sh
tests/installed_tour.sh build-release/karta_*.deb
echo "== bench smoke run"
bench/run-all.sh --smoke
