#!/usr/bin/env python3
"""The practice sites under nginx: serve.sh starts it on a free port, curl
fetches robots.txt, a listing page, an ad page and the sitemap of every site
by host name (curl --resolve), checks content types, gzip and ETag, then
serve.sh stops it. Exit 77 (skipped) if nginx or curl is missing."""
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVE = os.path.join(ROOT, "examples", "practice-site", "serve.sh")
CORPUS = os.path.join(ROOT, "examples", "practice-site", "small")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curl(port, url, *extra):
    host = url.split("/")[2]
    full = url.replace(host, f"{host}:{port}", 1)
    out = subprocess.run(["curl", "-sS", "-D", "-", "--max-time", "10", "--resolve", f"{host}:{port}:127.0.0.1",
                          *extra, full], capture_output=True, check=True)
    head, _, body = out.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return status, headers, body


def main():
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")) or not shutil.which("curl"):
        print("skipped: nginx or curl not installed")
        return 77
    run = tempfile.mkdtemp(prefix="karta-serve-")
    port = free_port()
    failures = []

    def expect(cond, what):
        print(("ok: " if cond else "FAIL: ") + what)
        if not cond:
            failures.append(what)

    start = subprocess.run([SERVE, "start", "--port", str(port), "--run", run], capture_output=True, text=True)
    try:
        expect(start.returncode == 0, f"serve.sh start exits 0 ({start.stderr.strip()})")
        status = subprocess.run([SERVE, "status", "--run", run], capture_output=True, text=True)
        expect(status.returncode == 0 and f"http://127.0.0.1:{port}/" in status.stdout, "serve.sh status says running and the URL")
        again = subprocess.run([SERVE, "start", "--port", str(port), "--run", run], capture_output=True, text=True)
        expect(again.returncode == 1 and "already running" in again.stderr, "a second start refuses")

        ads = {}
        with open(os.path.join(CORPUS, "corpus.csv"), encoding="utf-8") as f:
            for row in csv.DictReader(f):
                ads.setdefault(row["site"], row)
        for host, ad in sorted(ads.items()):
            st, h, body = curl(port, f"http://{host}/robots.txt")
            expect(st == 200 and b"Disallow: /admin/" in body and h.get("content-type", "").startswith("text/plain"),
                   f"{host}: robots.txt")
            st, h, body = curl(port, f"http://{host}/")
            expect(st == 200 and h.get("content-type", "").startswith("text/html") and b"href=" in body and "etag" in h
                   and "last-modified" in h, f"{host}: listing page with ETag and Last-Modified")
            st, h, body = curl(port, f"http://{host}/", "-H", "Accept-Encoding: gzip")
            expect(st == 200 and h.get("content-encoding") == "gzip", f"{host}: listing page gzip-encoded on request")
            st, h, body = curl(port, ad["url"])
            charset = "iso-8859-1" if b"charset=iso-8859-1" in body else "utf-8"
            text = body.decode(charset)
            expect(st == 200 and ad["ad_id"] in text and ad["title"].split(" ")[0] in text, f"{host}: ad page {ad['url']}")
            st, h, body = curl(port, f"http://{host}/sitemap.xml")
            expect(st == 200 and b"<urlset" in body and ad["url"].encode() in body, f"{host}: sitemap.xml lists the ad")
            st, _, _ = curl(port, f"http://{host}/no-such-page")
            expect(st == 404, f"{host}: missing page is 404")
        st, h, body = curl(port, f"http://127.0.0.1/")
        expect(st == 200 and b"annonsera.example" in body, "default server lists the sites")
    finally:
        stop = subprocess.run([SERVE, "stop", "--run", run], capture_output=True, text=True)
        expect(stop.returncode == 0 and "stopped" in stop.stdout, "serve.sh stop")
        status = subprocess.run([SERVE, "status", "--run", run], capture_output=True, text=True)
        expect(status.returncode == 3 and "not running" in status.stdout, "serve.sh status says not running")
        shutil.rmtree(run, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
