#!/usr/bin/env bash
# Installs everything karta needs on a fresh Debian 12 machine: the build
# toolchain and libraries (apt), the peers the benches compare against, the
# servers and browser the tests use, and the npm assets (from the lockfile).
# Safe to run again; skips apt when every package is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config ccache clang-format clang-tidy
  # fuzzing (scripts/build.sh fuzz, scripts/fuzz.sh): clang 15 and its libFuzzer
  clang-15 libfuzzer-15-dev
  # instruction counts of the baseline benches (bench/base.sh, bench/extract_base.sh)
  valgrind
  # libraries (see the dependency table in README.md)
  libcurl4-openssl-dev libcli11-dev libre2-dev libfmt-dev doctest-dev libxml2-dev libpq-dev
  libphonenumber-dev libutf8proc-dev libsqlite3-dev libtomlplusplus-dev libssl-dev
  zlib1g-dev libbrotli-dev libxlsxwriter-dev
  # packaging: the .deb (cpack, dpkg-shlibdeps), its man pages, and zsh for the completion test
  dpkg-dev file man-db zsh
  # test servers (nginx; PostgreSQL 15 for the team store), test runner, browser test
  nginx python3 chromium postgresql-15
  # peers measured in bench/
  miller ripgrep wget2 grep coreutils time hyperfine
  # npm assets
  nodejs
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq npm >/dev/null
fi
# npm assets, exactly as pinned in package-lock.json.
if [ ! -d node_modules/leaflet ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
