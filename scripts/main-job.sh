#!/usr/bin/env bash
# The main job, end to end, on the bundled practice site: installs what is
# needed, builds karta, serves the practice site with nginx on 127.0.0.1:18080,
# runs the weekly routine (queries/stockholm-weekly.karta: crawl, filter,
# extract, geotag, dedupe, history, report), prints a table per kommun, stops
# the site and says where the results are.
# Usage: scripts/main-job.sh [OUTDIR]   (default: out/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh
scripts/build.sh normal
out=$(mkdir -p "${1:-out}" && cd "${1:-out}" && pwd)
run="$out/site-run"
examples/practice-site/serve.sh start --run "$run" >&2
trap '"$root"/examples/practice-site/serve.sh stop --run "$run" >&2 || true' EXIT
cd "$out"
# Every karta run appends a line to the audit log (who, what, which files).
export KARTA_AUDIT_LOG="${KARTA_AUDIT_LOG:-$out/audit.jsonl}"
"$root/build/karta" run "$root/queries/stockholm-weekly.karta" --explain \
  --set report="$out/report.html" --set store="$out/history.sqlite" --set state="$out/clusters.db"
echo
echo "Ads, new ads and distinct advertisers (clusters) per kommun, from the history store:"
"$root/build/karta" history trend --store "$out/history.sqlite" --by kommun
echo
echo "main-job: results in $out:"
echo "  report.html     the HTML report (open it in a browser; it works offline)"
echo "  history.sqlite  the history store (karta history new|gone|trend --store $out/history.sqlite)"
echo "  clusters.db     dedupe's cluster state, so next week's clusters keep their ids"
echo "  audit.jsonl     the audit log of these runs (karta audit --log $KARTA_AUDIT_LOG)"
