#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of a report: the practice site's
# corpus through the whole pipeline (filter, extract, geotag, dedupe, report),
# opened offline in headless Chromium and screenshotted at 1280x1600.
# Usage: docs/report.sh [OUTDIR]   (default out/report-demo; karta built in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
k=build/karta
out=${1:-out/report-demo}
mkdir -p "$out"
build/karta-practice --seed 11 --ads 3000 --weeks 12 --as-of 2026-11-30 --out "$out/practice" >/dev/null
$k filter --rules queries/rules/ads.rules --where 'ad and not clinic' "$out/practice/corpus.csv" \
  | $k extract \
  | $k geotag --region stockholm \
  | $k dedupe \
  | $k select '!text,!title' -o "$out/pipeline.csv"
$k report --title "Övningssajten: annonser de senaste 12 veckorna" \
  -o "$out/report.html" --geojson "$out/report.geojson" "$out/pipeline.csv"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
  --hide-scrollbars --virtual-time-budget=5000 --window-size=1280,1600 \
  --screenshot="$PWD/docs/report.png" "file://$PWD/$out/report.html" 2>/dev/null
echo "docs/report.sh: wrote docs/report.png from $out/report.html"
