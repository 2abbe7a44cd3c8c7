#!/usr/bin/env bash
# The main job, end to end, on the bundled practice material: installs, builds,
# runs the routine, and prints where the result is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh normal
out=${KARTA_OUT:-out}
mkdir -p "$out"
build/karta select 'url,title,text' examples/sample/ads.csv -o "$out/ads.csv"
echo "main-job: wrote $out/ads.csv ($(($(wc -l < "$out/ads.csv") - 1)) records)"
