#!/usr/bin/env bash
# Builds the Debian package from the Release build (scripts/build.sh
# release): build-release/karta_VERSION_ARCH.deb, with its Depends computed
# from the linked libraries. Install it with
#   sudo apt-get install ./build-release/karta_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build-release/CPackConfig.cmake ] || scripts/build.sh release
cmake --build build-release -j "$(nproc)" --target karta karta_docs
rm -f build-release/karta_*.deb
(cd build-release && cpack -G DEB >/dev/null)
ls build-release/karta_*.deb
