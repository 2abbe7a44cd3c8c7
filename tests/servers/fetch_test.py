#!/usr/bin/env python3
"""Server tests for karta fetch: every case starts its own fault server on
127.0.0.1 (tests/servers/faultserver.py), runs the real karta binary against
it and stops it. Proves the "Done when" bullets of the fetch issue: robots
cases, retries, limits, redirects to disallowed schemes, resume after kill -9
without loss or duplicates, conditional GET, and a WARC round trip through
--from-warc producing identical rows.

Usage: fetch_test.py --karta build/karta [unittest args]
"""
import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
KARTA = None


class FaultServer:
    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="karta-fs-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "faultserver.py"), "--port-file", port_file] + list(args),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())
        self.base = "http://127.0.0.1:%d" % self.port

    def counts(self):
        with urllib.request.urlopen(self.base + "/_counts") as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def run(args, stdin=None, timeout=120):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("KARTA_CONTACT", None)
    p = subprocess.run([KARTA, "fetch"] + args, input=stdin, capture_output=True,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def slurp(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


COMMON = ["--contact", "test@karta.example", "--delay", "0", "--retry-wait", "0.05"]


class FetchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="karta-fetch-test-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()

    def server(self, *args):
        s = FaultServer(*args)
        self.servers.append(s)
        return s

    def path(self, name):
        return os.path.join(self.tmp, name)

    def fetch_urls(self, urls, extra=(), **kw):
        data = "".join(u + "\n" for u in urls).encode()
        return run(["--text"] + COMMON + list(extra), stdin=data, **kw)

    # ---- extraction ----
    def test_pages_text_charset_and_non_html(self):
        s = self.server()
        code, out, err = self.fetch_urls([s.base + p for p in
                                          ["/page/one", "/latin1", "/meta-latin1", "/hidden", "/pdf",
                                           "/gzip/zipped", "/status/404"]])
        self.assertEqual(code, 0, err)
        by = {r["url"][len(s.base):]: r for r in rows(out)}
        self.assertEqual(len(by), 7)
        self.assertEqual(by["/page/one"]["title"], "one")
        self.assertEqual(by["/page/one"]["text"], "one Text of one.")
        self.assertEqual(by["/page/one"]["status"], "200")
        self.assertEqual(len(by["/page/one"]["sha256"]), 64)
        self.assertEqual(by["/latin1"]["text"], "Söder & Åre")
        self.assertEqual(by["/meta-latin1"]["text"], "Östermalm")
        self.assertEqual(by["/hidden"]["text"], "Shown & seen end")
        self.assertEqual(by["/pdf"]["content_type"], "application/pdf")
        self.assertEqual(by["/pdf"]["text"], "")
        self.assertEqual(by["/pdf"]["error"], "")
        self.assertEqual(len(by["/pdf"]["sha256"]), 64)
        self.assertEqual(by["/gzip/zipped"]["text"], "zipped Compressed text.")
        self.assertEqual(by["/status/404"]["status"], "404")
        self.assertEqual(by["/status/404"]["error"], "HTTP 404")
        self.assertEqual(by["/page/one"]["site"], "127.0.0.1")

    def test_csv_input_keeps_columns(self):
        s = self.server()
        data = ("id,url,note\n7,%s/page/a,first\n8,%s/page/b,\"x, y\"\n" % (s.base, s.base)).encode()
        code, out, err = run(COMMON, stdin=data)
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("id,url,note,final_url,status,error,"), lines[0])
        got = sorted((r["id"], r["note"], r["title"]) for r in rows(out))
        self.assertEqual(got, [("7", "first", "a"), ("8", "x, y", "b")])

    def test_headers_cookie_user_agent_resolve(self):
        s = self.server()
        url = "http://ads.example:%d/echo" % s.port
        code, out, err = self.fetch_urls(
            [url], ["--header", "X-Test: yes", "--cookie", "over18=1",
                    "--resolve", "ads.example:%d:127.0.0.1" % s.port])
        self.assertEqual(code, 0, err)
        r = rows(out)[0]
        self.assertEqual(r["status"], "200", r)
        self.assertIn("X-Test: yes", r["text"])
        self.assertIn("Cookie: over18=1", r["text"])
        self.assertIn("User-Agent: karta/", r["text"])
        self.assertIn("(+test@karta.example)", r["text"])
        self.assertIn("Host: ads.example", r["text"])
        self.assertIn("Accept-Encoding:", r["text"])

    # ---- robots.txt ----
    def robots(self, text):
        p = self.path("robots.txt")
        with open(p, "w") as f:
            f.write(text)
        return p

    def test_robots_groups_longest_match(self):
        s = self.server("--robots-file", self.robots(
            "User-agent: *\nDisallow: /\n\nUser-agent: karta\nDisallow: /page/\n"
            "Allow: /page/open\nDisallow: /*.pdf$\n"))
        code, out, err = self.fetch_urls([s.base + p for p in ["/page/secret", "/page/open", "/hidden"]])
        self.assertEqual(code, 0, err)
        by = {r["url"][len(s.base):]: r for r in rows(out)}
        self.assertEqual(by["/page/secret"]["error"], "disallowed by robots.txt")
        self.assertEqual(by["/page/secret"]["status"], "0")
        self.assertEqual(by["/page/open"]["status"], "200")
        self.assertEqual(by["/hidden"]["status"], "200")  # the karta group, not *
        c = s.counts()
        self.assertNotIn("/page/secret", c)
        self.assertEqual(c["/robots.txt"], 1)  # cached per host

    def test_robots_unreachable_disallows_all(self):
        s = self.server("--robots-status", "503")
        code, out, err = self.fetch_urls([s.base + "/page/a", s.base + "/page/b"])
        self.assertEqual(code, 0, err)
        for r in rows(out):
            self.assertEqual(r["status"], "0")
            self.assertIn("robots.txt unreachable", r["error"])
        self.assertNotIn("/page/a", s.counts())

    def test_robots_404_allows_all(self):
        s = self.server("--robots-status", "404")
        code, out, err = self.fetch_urls([s.base + "/page/a"])
        self.assertEqual(rows(out)[0]["status"], "200")

    def test_robots_crawl_delay(self):
        s = self.server("--robots-file", self.robots("User-agent: *\nCrawl-delay: 0.4\n"))
        t0 = time.time()
        code, out, err = self.fetch_urls([s.base + "/page/%d" % i for i in range(4)])
        elapsed = time.time() - t0
        self.assertEqual(code, 0, err)
        self.assertEqual([r["status"] for r in rows(out)], ["200"] * 4)
        # robots.txt, then 4 pages, 0.4 s apart: at least 3 gaps.
        self.assertGreaterEqual(elapsed, 1.15)

    def test_ignore_robots_warns(self):
        s = self.server("--robots-status", "503")
        code, out, err = self.fetch_urls([s.base + "/page/a"], ["--ignore-robots"])
        self.assertEqual(code, 0)
        self.assertIn("--ignore-robots", err)
        self.assertEqual(rows(out)[0]["status"], "200")
        self.assertNotIn("/robots.txt", s.counts())

    def test_per_host_delay(self):
        s = self.server()
        t0 = time.time()
        data = "".join("%s/page/%d\n" % (s.base, i) for i in range(4)).encode()
        code, out, err = run(["--text", "--contact", "x", "--delay", "0.3"], stdin=data)
        self.assertEqual(code, 0, err)
        self.assertGreaterEqual(time.time() - t0, 4 * 0.3 - 0.05)

    # ---- retries ----
    def test_retry_5xx_then_success(self):
        s = self.server()
        code, out, err = self.fetch_urls([s.base + "/flaky/2/f"])
        r = rows(out)[0]
        self.assertEqual(r["status"], "200")
        self.assertEqual(r["error"], "")
        self.assertEqual(s.counts()["/flaky/2/f"], 3)

    def test_retry_gives_up(self):
        s = self.server()
        code, out, err = self.fetch_urls([s.base + "/flaky/10/f"], ["--retries", "2"])
        r = rows(out)[0]
        self.assertEqual(r["status"], "503")
        self.assertEqual(r["error"], "HTTP 503 (after 3 attempts)")
        self.assertEqual(s.counts()["/flaky/10/f"], 3)

    def test_retry_after_honoured(self):
        s = self.server()
        t0 = time.time()
        code, out, err = self.fetch_urls([s.base + "/ratelimit/1/2/r"])
        self.assertEqual(rows(out)[0]["status"], "200")
        self.assertGreaterEqual(time.time() - t0, 2.0)
        self.assertEqual(s.counts()["/ratelimit/1/2/r"], 2)

    def test_retry_after_too_long(self):
        s = self.server()
        t0 = time.time()
        code, out, err = self.fetch_urls([s.base + "/ratelimit/1/3600/r"])
        r = rows(out)[0]
        self.assertEqual(r["status"], "429")
        self.assertIn("Retry-After 3600 s is longer than --max-retry-after", r["error"])
        self.assertLess(time.time() - t0, 10)

    def test_timeout_retried(self):
        s = self.server()
        code, out, err = self.fetch_urls([s.base + "/hang"], ["--timeout", "0.5", "--retries", "1"])
        r = rows(out)[0]
        self.assertEqual(r["status"], "0")
        self.assertTrue(r["error"].startswith("timed out"), r["error"])
        self.assertEqual(s.counts()["/hang"], 2)

    def test_connection_refused_is_a_row(self):
        s = self.server()
        port = s.port
        s.stop()
        self.servers.remove(s)
        code, out, err = self.fetch_urls(["http://127.0.0.1:%d/page/x" % port], ["--retries", "1"])
        self.assertEqual(code, 0, err)
        r = rows(out)[0]
        self.assertEqual(r["status"], "0")
        self.assertNotEqual(r["error"], "")

    # ---- limits and safety ----
    def test_limits_and_schemes(self):
        s = self.server()
        urls = [s.base + p for p in ["/huge/3", "/bomb/20", "/redirect-loop/1",
                                     "/redirect?to=file:///etc/passwd", "/redirect?to=ftp://127.0.0.1/x",
                                     "/redirect?to=/page/landed"]] + ["file:///etc/passwd", "gopher://127.0.0.1/"]
        code, out, err = self.fetch_urls(urls, ["--max-body", "1M", "--max-decoded", "2M"])
        self.assertEqual(code, 0, err)
        by = {r["url"].replace(s.base, ""): r for r in rows(out)}
        self.assertEqual(len(by), 8)
        self.assertEqual(by["/huge/3"]["error"], "body larger than 1 MiB (--max-body)")
        self.assertIn("decoded body larger than 2 MiB", by["/bomb/20"]["error"])
        self.assertEqual(by["/redirect-loop/1"]["error"], "more than 5 redirects (--max-redirects)")
        self.assertIn("redirect to a disallowed scheme 'file'", by["/redirect?to=file:///etc/passwd"]["error"])
        self.assertIn("redirect to a disallowed scheme 'ftp'", by["/redirect?to=ftp://127.0.0.1/x"]["error"])
        self.assertEqual(by["/redirect?to=/page/landed"]["final_url"], s.base + "/page/landed")
        self.assertEqual(by["/redirect?to=/page/landed"]["title"], "landed")
        self.assertEqual(by["file:///etc/passwd"]["error"], "scheme 'file' not allowed: http and https only")
        self.assertEqual(by["gopher://127.0.0.1/"]["error"], "scheme 'gopher' not allowed: http and https only")

    # ---- site crawl, resume, conditional GET ----
    def profile(self, base, extra=""):
        p = self.path("site.toml")
        with open(p, "w") as f:
            f.write('name = "fault"\nstart = ["%s/site/list/1"]\nfollow = [\'/site/list/\\d+$\']\n'
                    'ads = [\'/site/ad/\\d+$\']\ndelay = 0\n%s\n[fields]\ntitle = "//h1"\n'
                    'posted_at = "//time/@datetime"\nlocation_field = "//span[@class=\'loc\']"\n'
                    'body = "//div[@class=\'body\']"\n' % (base, extra))
        return p

    def test_site_crawl_fields(self):
        s = self.server("--site-pages", "3", "--site-ads", "4")
        code, out, err = run(["--site", self.profile(s.base)] + COMMON)
        self.assertEqual(code, 0, err)
        rs = rows(out)
        self.assertEqual(len(rs), 12)
        header = out.splitlines()[0]
        self.assertEqual(header, "url,final_url,status,error,fetched_at,content_type,sha256,site,"
                                 "title,text,posted_at,location_field,body")
        ad1 = [r for r in rs if r["url"].endswith("/site/ad/1")][0]
        self.assertEqual(ad1["title"], "Ad number 1")
        self.assertEqual(ad1["posted_at"], "2026-11-02T10:00:00Z")
        self.assertEqual(ad1["location_field"], "Södermalm")
        self.assertEqual(ad1["body"], "Synthetic ad text 1.")
        self.assertEqual(ad1["site"], "fault")
        self.assertNotIn("/elsewhere/1", s.counts())  # not matched by a pattern

    def test_site_max_pages(self):
        s = self.server("--site-pages", "3", "--site-ads", "4")
        code, out, err = run(["--site", self.profile(s.base), "--max-pages", "5"] + COMMON)
        self.assertEqual(code, 0, err)
        self.assertLessEqual(sum(s.counts().get(p, 0) for p in s.counts() if p.startswith("/site/")), 5)

    def test_resume_after_kill9(self):
        s = self.server("--site-pages", "10", "--site-ads", "10")
        prof = self.profile(s.base)
        state, out = self.path("state.db"), self.path("out.csv")
        args = [KARTA, "fetch", "--site", prof, "--state", state, "-o", out, "-j", "1"] + COMMON
        # Slow the crawl down so that the kill lands mid-way: one request at
        # a time with a small delay.
        args[args.index("--delay") + 1] = "0.02"
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if os.path.exists(out) and len(slurp(out).splitlines()) > 30:
                break
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        before = len(rows(slurp(out)))
        self.assertGreater(before, 0)
        self.assertLess(before, 100)
        code, _, err = run(["--site", prof, "--state", state, "-o", out, "--resume"] + COMMON)
        self.assertEqual(code, 0, err)
        rs = rows(slurp(out))
        urls = [r["url"] for r in rs]
        self.assertEqual(len(urls), 100)
        self.assertEqual(len(set(urls)), 100)
        self.assertEqual(sorted(urls), sorted("%s/site/ad/%d" % (s.base, i) for i in range(1, 101)))
        self.assertTrue(all(r["status"] == "200" for r in rs))

    def test_resume_url_list_after_kill9(self):
        s = self.server()
        urls = ["%s/slow/20/p%d" % (s.base, i) for i in range(60)]
        src = self.path("urls.txt")
        with open(src, "w") as f:
            f.write("\n".join(urls) + "\n")
        state, out = self.path("state.db"), self.path("out.csv")
        args = [KARTA, "fetch", "--text", src, "--state", state, "-o", out, "-j", "1"] + COMMON
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if os.path.exists(out) and len(slurp(out).splitlines()) > 15:
                break
            time.sleep(0.01)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        code, _, err = run(["--text", src, "--state", state, "-o", out, "--resume"] + COMMON)
        self.assertEqual(code, 0, err)
        got = [r["url"] for r in rows(slurp(out))]
        self.assertEqual(sorted(got), sorted(urls))

    def test_conditional_get(self):
        s = self.server()
        state = self.path("state.db")
        code, out1, err = self.fetch_urls([s.base + "/etag/a"], ["--state", state])
        self.assertEqual(code, 0, err)
        code, out2, err = self.fetch_urls([s.base + "/etag/a"], ["--state", state])
        self.assertEqual(code, 0, err)
        r1, r2 = rows(out1)[0], rows(out2)[0]
        self.assertEqual(r1["status"], "200")
        self.assertEqual(r2["status"], "304")
        self.assertEqual(r2["error"], "")
        self.assertEqual(r1["sha256"], r2["sha256"])

    # ---- WARC ----
    def test_warc_round_trip(self):
        s = self.server()
        warc = self.path("ev.warc.gz")
        data = ("id,url\n" + "".join("%d,%s%s\n" % (i, s.base, p) for i, p in enumerate(
            ["/page/a", "/latin1", "/gzip/g", "/pdf", "/status/404", "/redirect?to=/page/b",
             "/redirect?to=file:///etc/passwd", "/flaky/1/f"]))).encode()
        code, live, err = run(["--warc", warc] + COMMON, stdin=data)
        self.assertEqual(code, 0, err)
        code, replay, err = run(["--from-warc", warc])
        self.assertEqual(code, 0, err)
        self.assertEqual(sorted(live.splitlines()), sorted(replay.splitlines()))
        self.assertEqual(live.splitlines()[0], replay.splitlines()[0])
        self.assertEqual(len(rows(live)), 8)
        # An independent reader: Python's gzip reads the members, and every
        # record's Content-Length matches its block.
        raw = gzip.open(warc).read()
        types = []
        pos = 0
        while pos < len(raw):
            end = raw.index(b"\r\n\r\n", pos)
            head = raw[pos:end].decode()
            self.assertTrue(head.startswith("WARC/1.1\r\n"))
            fields = dict(l.split(": ", 1) for l in head.split("\r\n")[1:])
            n = int(fields["Content-Length"])
            types.append(fields["WARC-Type"])
            pos = end + 4 + n
            self.assertEqual(raw[pos:pos + 4], b"\r\n\r\n")
            pos += 4
        self.assertEqual(types[0], "warcinfo")
        self.assertIn("request", types)
        self.assertIn("response", types)
        self.assertEqual(types.count("metadata"), 8)

    def test_replay_foreign_warc(self):
        # A WARC as another crawler writes it: uncompressed, chunked, gzip payload.
        body = gzip.compress(b"<html><title>T</title><body><p>foreign</p></body></html>")
        chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Encoding: gzip\r\n\r\n" + chunked)
        rec = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/a\r\n"
               b"WARC-Date: 2026-01-02T03:04:05Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
               b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
               % len(http)) + http + b"\r\n\r\n"
        p = self.path("foreign.warc")
        with open(p, "wb") as f:
            f.write(rec)
        code, out, err = run(["--from-warc", p])
        self.assertEqual(code, 0, err)
        r = rows(out)[0]
        self.assertEqual((r["url"], r["status"], r["title"], r["text"], r["fetched_at"]),
                         ("http://x.example/a", "200", "T", "foreign", "2026-01-02T03:04:05Z"))


ROOT = os.path.dirname(os.path.dirname(HERE))
SERVE = os.path.join(ROOT, "examples", "practice-site", "serve.sh")


@unittest.skipUnless(os.path.exists(SERVE), "the practice site is not in this tree")
class PracticeSiteTest(unittest.TestCase):
    """The practice sites under nginx (examples/practice-site/serve.sh)."""

    @classmethod
    def setUpClass(cls):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        cls.port = s.getsockname()[1]
        s.close()
        cls.tmp = tempfile.mkdtemp(prefix="karta-practice-")
        cls.run_dir = os.path.join(cls.tmp, "run")
        subprocess.run(["bash", SERVE, "start", "--port", str(cls.port), "--run", cls.run_dir],
                       check=True, capture_output=True, timeout=60)
        with open(os.path.join(ROOT, "queries", "sites", "practice.toml")) as f:
            prof = f.read().replace("${KARTA_PRACTICE_PORT:-18080}", "18080").replace("18080", str(cls.port))
        cls.profile = os.path.join(cls.tmp, "practice.toml")
        with open(cls.profile, "w") as f:
            f.write(prof)
        cls.corpus = list(csv.DictReader(open(os.path.join(
            ROOT, "examples", "practice-site", "small", "corpus.csv"), encoding="utf-8")))

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", SERVE, "stop", "--run", cls.run_dir], capture_output=True, timeout=60)

    def test_crawl_two_sites_matches_corpus(self):
        # annonsera asks for Crawl-delay: 1, so this crawl leaves it out.
        prof = os.path.join(self.tmp, "two.toml")
        with open(self.profile) as f:
            text = f.read().replace('  "http://annonsera.example:%d/",\n' % self.port, "")
        with open(prof, "w") as f:
            f.write(text)
        code, out, err = run(["--site", prof, "--delay", "0", "-j", "4", "--contact", "t@karta.example"],
                             timeout=300)
        self.assertEqual(code, 0, err)
        got = {r["url"].replace(":%d" % self.port, ""): r for r in rows(out)}
        want = {c["url"]: c for c in self.corpus if c["site"] != "annonsera.example"}
        self.assertEqual(set(got), set(want))
        for url, c in want.items():
            g = got[url]
            self.assertEqual(g["status"], "200")
            self.assertEqual(g["site"], c["site"])
            self.assertEqual(g["title"], c["title"], url)
            self.assertTrue(g["body"], url)
            if c["location_field"]:
                self.assertIn(c["location_field"], g["location_field"], url)
        # traffpunkten is ISO-8859-1 declared only in <meta>: decoded right.
        self.assertTrue(any("å" in r["text"] or "ä" in r["text"] for r in got.values()
                            if r["site"] == "traffpunkten.example"))

    def test_robots_and_crawl_delay(self):
        base = "http://annonsera.example:%d" % self.port
        resolve = "annonsera.example:%d:127.0.0.1" % self.port
        paths = [c["url"].split("annonsera.example", 1)[1] for c in self.corpus
                 if c["site"] == "annonsera.example"][:3]
        urls = [base + paths[0], base + paths[1], base + "/admin/", base + paths[2]]
        t0 = time.time()
        code, out, err = run(["--text", "--delay", "0", "--contact", "t@karta.example", "--resolve", resolve],
                             stdin="".join(u + "\n" for u in urls).encode())
        self.assertEqual(code, 0, err)
        by = {r["url"][len(base):]: r for r in rows(out)}
        self.assertEqual(by["/admin/"]["error"], "disallowed by robots.txt")
        for p in paths:
            self.assertEqual(by[p]["status"], "200")
        self.assertGreaterEqual(time.time() - t0, 2.0)  # Crawl-delay: 1 between 3 pages


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--karta" in args:
        i = args.index("--karta")
        KARTA = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    if not KARTA:
        sys.exit("usage: fetch_test.py --karta BIN [unittest args]")
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)
