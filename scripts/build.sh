#!/usr/bin/env bash
# Builds karta. Usage: scripts/build.sh [normal|asan|release|fuzz] (default normal).
# normal: build/          (RelWithDebInfo)
# asan: build-asan/       (AddressSanitizer + UBSan, Debug)
# release: build-release/ (Release, as a packager builds it; the .deb comes from here)
# fuzz: build-fuzz/ (clang-15, libFuzzer targets of fuzz/ with ASan + UBSan;
# only the library and the targets are built)
# normal and asan treat warnings as errors (KARTA_WERROR=ON); release is
# configured as a packager would (`cmake -DCMAKE_BUILD_TYPE=Release`, KARTA_WERROR
# left at its default, off), so that CI proves the usual build works.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-normal}
case "$kind" in
  normal) dir=build; flags=(-DKARTA_WERROR=ON) ;;
  asan) dir=build-asan; flags=(-DKARTA_WERROR=ON -DKARTA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  release) dir=build-release; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  fuzz) dir=build-fuzz; flags=(-DKARTA_SANITIZE=ON -DKARTA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
        -DCMAKE_CXX_COMPILER=clang++-15 -DKARTA_WERROR=OFF) ;;
  *) echo "build.sh: unknown build '$kind' (normal, asan, release or fuzz)" >&2; exit 2 ;;
esac
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "${flags[@]}" >/dev/null
if [ "$kind" = fuzz ]; then
  cmake --build "$dir" -j "$(nproc)" --target fuzz_all
elif [ "$kind" = release ]; then
  # What the packager's tests (-L 'unit|cli') and the .deb need, no more.
  cmake --build "$dir" -j "$(nproc)" --target karta karta_unit karta_docs
else
  cmake --build "$dir" -j "$(nproc)"
fi
