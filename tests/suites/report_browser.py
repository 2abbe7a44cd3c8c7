#!/usr/bin/env python3
"""Browser test for `karta report`: the report renders in a real browser, offline.

Makes a report from tests/data/report/pipeline.csv, opens it from disk in
headless Chromium with networking disabled (a dead proxy, no DNS), and checks
with --dump-dom that the page's own script marked the page as rendered
(<body data-render="ok">, set after the map circles and the charts are
drawn), that no script error was recorded (#render-error), and that one
circle was drawn per place with coordinates. Saves a screenshot
(--screenshot, 1280x1600) as a test artifact in the build directory.

Usage: report_browser.py --karta BIN --out DIR [--input CSV]
Exit 77 (skipped) when no Chromium is installed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(browser, url, extra, timeout=240):
    profile = tempfile.mkdtemp(prefix="karta-chromium-")
    try:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
               "--user-data-dir=" + profile, "--proxy-server=127.0.0.1:9",
               "--host-resolver-rules=MAP * ~NOTFOUND"] + extra + [url]
        return subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=profile)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--input", default=os.path.join(ROOT, "tests", "data", "report", "pipeline.csv"))
    args = ap.parse_args()
    browser = chromium()
    if not browser:
        print("report_browser: no chromium installed (scripts/install-deps.sh installs it); skipped")
        return 77
    os.makedirs(args.out, exist_ok=True)
    html = os.path.abspath(os.path.join(args.out, "report.html"))
    geo = os.path.join(args.out, "report.geojson")
    subprocess.run([args.karta, "report", "-o", html, "--geojson", geo, args.input], check=True)
    with open(geo) as f:
        places = len(json.load(f)["features"])
    url = "file://" + html
    failures = []

    dom = run_browser(browser, url, ["--dump-dom", "--virtual-time-budget=5000"])
    text = dom.stdout.decode("utf-8", "replace")
    with open(os.path.join(args.out, "report.dom.html"), "w") as f:
        f.write(text)
    body = re.search(r"<body[^>]*>", text)
    if not body:
        failures.append("no <body> in the dumped DOM (chromium exit %d): %s" %
                        (dom.returncode, dom.stderr.decode("utf-8", "replace")[-2000:]))
    else:
        tag = body.group(0)
        print("body:", tag)
        if 'data-render="ok"' not in tag:
            failures.append("the page did not mark itself rendered: " + tag)
        m = re.search(r'data-circles="(\d+)"', tag)
        if not m or int(m.group(1)) != places:
            failures.append("expected %d circles on the map, body says %s" % (places, tag))
        m = re.search(r'data-charts="(\d+)"', tag)
        if not m or int(m.group(1)) < 3:
            failures.append("expected 3 charts (trend, kommun, place): " + tag)
    err = re.search(r'<pre id="render-error">(.*?)</pre>', text, re.S)
    if err:
        failures.append("script error on the page: " + err.group(1))
    if not re.search(r'<div class="leaflet-pane leaflet-overlay-pane">\s*<svg', text):
        failures.append("Leaflet did not draw an SVG overlay (the circles)")
    if re.search(r'<img[^>]*leaflet-tile', text):
        failures.append("tiles were requested although --tiles was not given")

    png = os.path.join(args.out, "report.png")
    if os.path.exists(png):
        os.remove(png)
    shot = run_browser(browser, url, ["--screenshot=" + os.path.abspath(png),
                                      "--window-size=1280,1600", "--virtual-time-budget=5000"])
    if not os.path.exists(png):
        failures.append("no screenshot (chromium exit %d): %s" %
                        (shot.returncode, shot.stderr.decode("utf-8", "replace")[-2000:]))
    else:
        with open(png, "rb") as f:
            head = f.read(8)
        size = os.path.getsize(png)
        print("screenshot:", png, size, "bytes")
        if head != b"\x89PNG\r\n\x1a\n" or size < 20000:
            failures.append("the screenshot is not a plausible PNG (%d bytes)" % size)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
