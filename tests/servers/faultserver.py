#!/usr/bin/env python3
"""A small programmable HTTP server for karta fetch's fault tests (stdlib only).

Listens on 127.0.0.1 only. Start it with --port 0 and --port-file F: it writes
the chosen port to F once it is listening. Every request is counted per path
(without the query); GET /_counts returns the counts as JSON, so a test can
assert how many times a page was asked for (retries).

Paths (N, K, M are numbers):
  /page/NAME            an HTML page titled NAME with a little visible text
  /slow/MS/NAME         the page after MS milliseconds
  /hang                 never answers (sleeps 120 s)
  /status/CODE          an empty reply with that status
  /flaky/K/NAME         503 for the first K requests, then the page
  /ratelimit/K/N/NAME   429 with Retry-After: N for the first K requests, then the page
  /redirect-loop/N      302 to /redirect-loop/N+1, forever
  /redirect?to=URL      302 to URL (file://, ftp://, another path...)
  /huge/M               an M MiB text/html body (streamed)
  /bomb/M               M MiB of zeros, gzip-compressed, Content-Encoding: gzip
  /gzip/NAME            the page gzip-compressed
  /pdf                  a small application/pdf body
  /image                a small image/png body
  /latin1               a page in ISO-8859-1 declared in the Content-Type header
  /meta-latin1          a page in ISO-8859-1 declared only in a <meta> tag
  /hidden               a page with script, style and hidden parts
  /etag/NAME            a page with ETag and Last-Modified; 304 on a match
  /echo                 the request headers, in an HTML <pre>
  /site/list/N          listing page N of a small site (M ads per page, see
                        --site-pages and --site-ads), links to ads and page N+1
  /site/ad/N            ad N with title, time, location and body
  /robots.txt           per --robots-file / --robots-status (default 404)
  /_counts              JSON {path: count}
"""
import argparse
import gzip
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

COUNTS = {}
LOCK = threading.Lock()
ARGS = None
LAST_MODIFIED = "Sun, 01 Nov 2026 10:00:00 GMT"


def page(title, body="", links=()):
    items = "".join('<li><a href="%s">%s</a></li>' % (h, h) for h in links)
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"
            "<body><h1>%s</h1><p>%s</p><ul>%s</ul></body></html>" % (title, title, body, items)
            ).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if ARGS.verbose:
            sys.stderr.write("faultserver: " + (fmt % args) + "\n")

    def send(self, code, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        u = urlparse(self.path)
        path = u.path
        q = parse_qs(u.query)
        with LOCK:
            COUNTS[path] = COUNTS.get(path, 0) + 1
            count = COUNTS[path]
        parts = [p for p in path.split("/") if p]
        try:
            self.route(path, parts, q, count)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, path, parts, q, count):
        head = parts[0] if parts else ""
        if path == "/_counts":
            with LOCK:
                body = json.dumps(COUNTS, sort_keys=True).encode()
            return self.send(200, body, "application/json")
        if path == "/robots.txt":
            if ARGS.robots_status:
                return self.send(ARGS.robots_status, b"", "text/plain")
            if ARGS.robots_file:
                with open(ARGS.robots_file, "rb") as f:
                    return self.send(200, f.read(), "text/plain")
            return self.send(404, b"not found", "text/plain")
        if head == "page" and len(parts) == 2:
            return self.send(200, page(parts[1], "Text of %s." % parts[1]))
        if head == "slow" and len(parts) == 3:
            time.sleep(int(parts[1]) / 1000.0)
            return self.send(200, page(parts[2], "Slow text of %s." % parts[2]))
        if head == "hang":
            time.sleep(120)
            return self.send(200, page("late"))
        if head == "status" and len(parts) == 2:
            return self.send(int(parts[1]), b"")
        if head == "flaky" and len(parts) == 3:
            if count <= int(parts[1]):
                return self.send(503, b"busy")
            return self.send(200, page(parts[2], "Flaky text."))
        if head == "ratelimit" and len(parts) == 4:
            if count <= int(parts[1]):
                return self.send(429, b"slow down", headers=[("Retry-After", parts[2])])
            return self.send(200, page(parts[3], "Rate limited text."))
        if head == "redirect-loop" and len(parts) == 2:
            return self.send(302, b"", headers=[("Location", "/redirect-loop/%d" % (int(parts[1]) + 1))])
        if head == "redirect":
            return self.send(302, b"", headers=[("Location", q.get("to", ["/"])[0])])
        if head == "huge" and len(parts) == 2:
            size = int(parts[1]) << 20
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65529 + b"</p>"
            sent = 0
            while sent < size:
                n = min(len(chunk), size - sent)
                self.wfile.write(chunk[:n])
                sent += n
            return
        if head == "bomb" and len(parts) == 2:
            body = gzip.compress(b"\0" * (int(parts[1]) << 20), compresslevel=9)
            return self.send(200, body, "text/html", headers=[("Content-Encoding", "gzip")])
        if head == "gzip" and len(parts) == 2:
            body = gzip.compress(page(parts[1], "Compressed text."))
            return self.send(200, body, headers=[("Content-Encoding", "gzip")])
        if path == "/pdf":
            return self.send(200, b"%PDF-1.4\n% not really a pdf\n", "application/pdf")
        if path == "/image":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "image/png")
        if path == "/latin1":
            body = "<html><head><title>Latin</title></head><body><p>Söder & Åre</p></body></html>"
            return self.send(200, body.encode("latin-1"), "text/html; charset=ISO-8859-1")
        if path == "/meta-latin1":
            body = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                    "charset=iso-8859-1\"><title>Meta</title></head><body><p>Östermalm</p></body></html>")
            return self.send(200, body.encode("latin-1"), "text/html")
        if path == "/hidden":
            body = ("<html><head><title>Hidden</title><style>.x{}</style><script>var s=1</script>"
                    "</head><body><p>Shown &amp; seen</p><div hidden>not shown</div>"
                    "<p style='display:none'>not shown either</p><script>alert(1)</script>"
                    "<p>end</p></body></html>")
            return self.send(200, body.encode())
        if head == "etag" and len(parts) == 2:
            etag = '"v1-%s"' % parts[1]
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm == etag or (inm is None and ims == LAST_MODIFIED):
                return self.send(304, b"", None, headers=[("ETag", etag)])
            return self.send(200, page(parts[1], "Stable text."),
                             headers=[("ETag", etag), ("Last-Modified", LAST_MODIFIED)])
        if path == "/echo":
            body = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            body = "<html><body><pre>" + body.replace("&", "&amp;").replace("<", "&lt;") + "</pre></body></html>"
            return self.send(200, body.encode())
        if head == "site" and len(parts) == 3 and parts[1] == "list":
            n = int(parts[2])
            per = ARGS.site_ads
            first = (n - 1) * per + 1
            links = ["/site/ad/%d" % i for i in range(first, first + per)]
            if n < ARGS.site_pages:
                links.append("/site/list/%d" % (n + 1))
            links.append("/elsewhere/%d" % n)
            return self.send(200, page("Listing %d" % n, "Ads on page %d." % n, links))
        if head == "site" and len(parts) == 3 and parts[1] == "ad":
            n = int(parts[2])
            body = ("<html><head><title>Ad %d</title></head><body><h1 class='title'>Ad number %d</h1>"
                    "<time datetime='2026-11-%02dT10:00:00Z'>day %d</time>"
                    "<span class='loc'>Södermalm</span><div class='body'><p>Synthetic ad text %d.</p>"
                    "</div><script>tracker()</script></body></html>") % (n, n, n % 28 + 1, n, n)
            return self.send(200, body.encode())
        return self.send(404, b"<html><body>not found</body></html>")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--robots-file")
    ap.add_argument("--robots-status", type=int, default=0)
    ap.add_argument("--site-pages", type=int, default=3)
    ap.add_argument("--site-ads", type=int, default=4)
    ap.add_argument("--verbose", action="store_true")
    ARGS = ap.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    # A client that hangs up (a size limit, a kill) is not an error here.
    ThreadingHTTPServer.handle_error = lambda self, request, client_address: None
    ThreadingHTTPServer.request_queue_size = 128
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    port = srv.server_address[1]
    if ARGS.port_file:
        tmp = ARGS.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, ARGS.port_file)
    else:
        print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
