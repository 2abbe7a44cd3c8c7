#!/usr/bin/env bash
# Crawl + extract: `karta fetch --site` vs `wget2 --recursive --max-threads=8`
# on the same static synthetic ad site of ADS ad pages (50 per listing page)
# served by nginx on 127.0.0.1, politeness delay 0, 8 connections. Prints
# times, pages/s, the ratio and peak memory of each; then karta's peak memory
# with 100,000 URLs queued at once (one page linking 100,000 ad URLs).
# Targets (issue 4): karta pages/s >= wget2's; peak memory < 100 MiB with
# 100,000 URLs queued.
# Usage: bench/fetch.sh [--smoke] [ADS]   (default 10,000; --smoke 200)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ads=10000
queued=100000
[ "${1:-}" = --smoke ] && { ads=200; queued=2000; shift; }
[ -n "${1:-}" ] && ads=$1
karta=${KARTA:-$here/../build/karta}
work=$here/work/fetch
site=$work/site-$ads-$queued
mkdir -p "$work"
[ -f "$site/big.html" ] || python3 "$here/fetch_site.py" "$site" "$ads" --big "$queued"

# nginx on a free port of 127.0.0.1, everything under $work.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ngx=$work/nginx
mkdir -p "$ngx"
cat > "$ngx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $ngx/body; proxy_temp_path $ngx/proxy;
  fastcgi_temp_path $ngx/fastcgi; uwsgi_temp_path $ngx/uwsgi; scgi_temp_path $ngx/scgi;
  types { text/html html; text/plain txt; }
  keepalive_requests 100000;
  server { listen 127.0.0.1:$port; root $site; }
}
CONF
user=$(id -un)
[ "$user" = root ] && sed -i "1i user root;" "$ngx/nginx.conf"
nginx -c "$ngx/nginx.conf" -p "$ngx" &
ngx_pid=$!
trap 'kill $ngx_pid 2>/dev/null; wait $ngx_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/robots.txt" >/dev/null && break
  sleep 0.05
done
base=http://127.0.0.1:$port
cat > "$work/site.toml" <<TOML
name = "bench"
start = ["$base/list/1.html"]
follow = ['/list/\\d+\\.html\$']
ads = ['/ad/\\d+\\.html']
max_pages = 1000000
[fields]
title = "//h1"
posted_at = "//time/@datetime"
location_field = "//*[@class='location']"
body = "//*[@class='body']"
TOML
pages=$((ads + (ads + 49) / 50))
echo "fetch crawl + extract, $ads ads + $(((ads + 49) / 50)) listing pages, nginx on 127.0.0.1, delay 0, 8 connections"
measure "karta fetch --site" "$work/karta.csv" "$karta" fetch --site "$work/site.toml" \
  --delay 0 -j 8 --per-host 8 --contact bench@karta.example
k_secs=$M_SECS k_kb=$M_KB
rows=$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1]))))' "$work/karta.csv") - 1))
rm -rf "$work/wget2"
measure "wget2 --recursive -j8" /dev/null wget2 --recursive --level=inf --max-threads=8 \
  --no-verbose --quiet -P "$work/wget2" "$base/list/1.html"
w_secs=$M_SECS
w_files=$(find "$work/wget2" -name '*.html' | wc -l)
k=$(echo "if ($k_secs < 0.01) 0.01 else $k_secs" | bc -l)
w=$(echo "if ($w_secs < 0.01) 0.01 else $w_secs" | bc -l)
echo "  karta: $rows ad rows ($pages pages fetched), $(echo "scale=0; $pages / $k" | bc -l) pages/s (fetch, parse, extract, CSV)"
echo "  wget2: $w_files pages saved, $(echo "scale=0; $w_files / $w" | bc -l) pages/s (fetch and save only)"
echo "  speed ratio (wget2 time / karta time): $(ratio "$w" "$k")x  (target >= 1x)"
echo "  karta peak memory: $((k_kb / 1024)) MiB"
cat > "$work/big.toml" <<TOML
name = "bench"
start = ["$base/big.html"]
ads = ['/ad/\\d+\\.html']
max_pages = 1000000
TOML
echo "karta fetch with $queued URLs queued at once (one page links them all)"
measure "karta fetch (queue $queued)" /dev/null "$karta" fetch --site "$work/big.toml" \
  --delay 0 -j 8 --per-host 8 --contact bench@karta.example
echo "  karta peak memory with $queued URLs queued: $((M_KB / 1024)) MiB  (target < 100 MiB)"
rm -rf "$work/wget2" "$work/karta.csv"
