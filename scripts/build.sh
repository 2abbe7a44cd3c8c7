#!/usr/bin/env bash
# Builds karta. Usage: scripts/build.sh [normal|asan] (default normal).
# normal: build/      asan: build-asan/ (AddressSanitizer + UBSan)
# Warnings are errors in both.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-normal}
case "$kind" in
  normal) dir=build; flags=() ;;
  asan) dir=build-asan; flags=(-DKARTA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  *) echo "build.sh: unknown build '$kind' (normal or asan)" >&2; exit 2 ;;
esac
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja -DKARTA_WERROR=ON "${launcher[@]}" "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
