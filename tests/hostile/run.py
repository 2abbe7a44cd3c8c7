#!/usr/bin/env python3
"""Hostile-input suite (issue #23): each case feeds karta one hostile input
and asserts the outcome (exit code, a message naming the limit) and that the
child's peak memory (getrusage via wait4: ru_maxrss) stays under the bound,
600 MiB by default. Run under the ASan+UBSan build too; there the quarantine
is capped (ASAN_OPTIONS quarantine_size_mb=32) so that the bound measures
karta, not the sanitizer's delay of frees.

Usage: run.py --karta PATH [--bound-mib 600] [--only NAME] [--list]
"""
import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(argv, stdin_gen=None, stdin_bytes=None, env=None, timeout=300):
    """Runs argv; feeds stdin from a generator of bytes chunks (streamed, so
    the test itself holds little). Returns (rc, stdout, stderr, maxrss_mib)."""
    e = dict(os.environ)
    e.setdefault("ASAN_OPTIONS", "")
    e["ASAN_OPTIONS"] = (e["ASAN_OPTIONS"] + ":quarantine_size_mb=32:detect_leaks=0").lstrip(":")
    e["LC_ALL"] = "C.UTF-8"
    if env:
        e.update(env)
    out_f = tempfile.TemporaryFile()
    err_f = tempfile.TemporaryFile()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out_f, stderr=err_f, env=e)

    def feed():
        try:
            if stdin_gen is not None:
                for chunk in stdin_gen:
                    p.stdin.write(chunk)
            elif stdin_bytes is not None:
                p.stdin.write(stdin_bytes)
        except BrokenPipeError:
            pass
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass

    t = threading.Thread(target=feed)
    t.start()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    t.join()
    out_f.seek(0)
    err_f.seek(0)
    return p.returncode, out_f.read(), err_f.read().decode("utf-8", "replace"), ru.ru_maxrss / 1024


def big_field(header, mib, prefix=b"", suffix=b"\n"):
    yield header
    yield prefix
    chunk = (b"Hej fr\xc3\xa5n S\xc3\xb6dermalm ring 0701234567 ") * 1000
    left = mib << 20
    while left > 0:
        yield chunk[:left]
        left -= len(chunk)
    yield suffix


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def field_100mb_geotag(k, tmp):
    rc, _, err, rss = run([k, "geotag"], stdin_gen=big_field(b"id,text\n1,", 100))
    return rc == 1 and "field larger than the limit of 16 MiB" in err and "--max-field" in err, rc, err, rss


@case
def field_100mb_extract(k, tmp):
    rc, _, err, rss = run([k, "extract"], stdin_gen=big_field(b"id,text\n1,\"", 100, suffix=b"\"\n"))
    return rc == 1 and "field larger than the limit" in err, rc, err, rss


@case
def text_line_100mb_filter(k, tmp):
    rules = os.path.join(ROOT, "queries", "rules", "ads.rules")
    rc, _, err, rss = run([k, "filter", "--rules", rules, "--text", "--count"], stdin_gen=big_field(b"", 100))
    return rc == 1 and "field larger than the limit" in err, rc, err, rss


@case
def field_15mb_geotag_within_limit(k, tmp):
    rc, out, err, rss = run([k, "geotag"], stdin_gen=big_field(b"id,text\n1,", 15))
    return rc == 0 and out.startswith(b"id,text,"), rc, err, rss


@case
def rules_150_of_3_words(k, tmp):
    path = os.path.join(tmp, "r150.rules")
    with open(path, "w") as f:
        for i in range(150):
            f.write(f"rule r{i}\n  words: ord{i}a tre, ord{i}b*, ord{i}c\n")
    rc, out, err, rss = run([k, "filter", "--rules", path, "--count", "--text"],
                            stdin_bytes=b"ett ord7a tre\nord149b\n")
    return rc == 0 and err == "" and b"(kept),2" in out, rc, err, rss


@case
def rules_one_rule_300000_words(k, tmp):
    path = os.path.join(tmp, "r300k.rules")
    with open(path, "w") as f:
        f.write("rule big\n  words: " + ", ".join("070%07d" % i for i in range(300000)) + "\n")
    rc, out, err, rss = run([k, "filter", "--rules", path, "--count", "--text"],
                            stdin_bytes=b"ring 0700299999\ninget\n", timeout=120)
    return rc == 0 and err == "" and b"big,1" in out, rc, err, rss


@case
def include_chain_125_deep(k, tmp):
    for i in range(125):
        with open(os.path.join(tmp, f"c{i}.rules"), "w") as f:
            if i + 1 < 125:
                f.write(f"include c{i + 1}.rules\n")
            f.write(f"rule c{i}\n  words: w{i}\n")
    rc, _, err, rss = run([k, "filter", "--rules", os.path.join(tmp, "c0.rules")], stdin_bytes=b"text\nw1\n")
    return rc == 2 and "nested more than 32 files deep" in err, rc, err, rss


@case
def where_112kb(k, tmp):
    rules = os.path.join(ROOT, "queries", "rules", "ads.rules")
    expr = " or ".join(["nosuchrule"] * 8000)  # 112 KB: one argument is at most 128 KiB
    rc, _, err, rss = run([k, "filter", "--rules", rules, "--where", expr], stdin_bytes=b"text\nx\n")
    return rc == 2 and len(err) < 1000, rc, err, rss


def warc_record(typ, block, extra=b""):
    return (b"WARC/1.1\r\nWARC-Type: " + typ + b"\r\nWARC-Target-URI: http://a.example/x\r\n" + extra +
            b"Content-Length: " + str(len(block)).encode() + b"\r\n\r\n" + block + b"\r\n\r\n")


@case
def warc_300mb_response(k, tmp):
    # 300 MB of HTML in one response record, gzip-compressed to ~1 MB.
    path = os.path.join(tmp, "bomb.warc.gz")
    size = 300 << 20
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    with gzip.open(path, "wb", compresslevel=9) as g:
        g.write(b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/x\r\n"
                b"Content-Length: " + str(len(head) + size).encode() + b"\r\n\r\n" + head)
        chunk = b"<p>" + b"a" * 1021
        for _ in range(size // len(chunk)):
            g.write(chunk)
        g.write(b"\r\n\r\n")
    with gzip.open(path, "ab") as g:
        g.write(warc_record(b"response", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>small page</p>"))
    rc, out, err, rss = run([k, "fetch", "--from-warc", path], timeout=300)
    return rc in (0, 1) and b"small page" in out, rc, err, rss


@case
def warc_truncated_gzip(k, tmp):
    path = os.path.join(tmp, "cut.warc.gz")
    data = b"".join(gzip.compress(warc_record(b"response", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>page %d</p>" % i + b"x" * 3000)) for i in range(11))
    with open(path, "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    rc, out, err, rss = run([k, "fetch", "--from-warc", path])
    return rc == 1 and "the file ends inside a gzip member" in err, rc, err, rss


@case
def warc_garbage_between_members(k, tmp):
    path = os.path.join(tmp, "garbage.warc.gz")
    members = [gzip.compress(warc_record(b"response", b"HTTP/1.1 200 OK\r\n\r\n<p>page %d</p>" % i)) for i in range(4)]
    with open(path, "wb") as f:
        f.write(members[0] + members[1] + b"JUNKJUNK" + members[2] + members[3])
    rc, out, err, rss = run([k, "fetch", "--from-warc", path])
    return rc == 1 and "not a gzip member" in err, rc, err, rss


@case
def csv_header_200000_columns(k, tmp):
    header = ",".join("c%d" % i for i in range(200000)).encode() + b"\n"
    rc, out, err, rss = run([k, "select", "c5"], stdin_bytes=header + b",".join([b"x"] * 200000) + b"\n")
    return rc == 0 and out == b"c5\nx\n", rc, err, rss


@case
def csv_unterminated_quote_200mb(k, tmp):
    rc, _, err, rss = run([k, "geotag"], stdin_gen=big_field(b"id,text\n1,\"", 200, suffix=b""))
    return rc == 1 and "field larger than the limit" in err, rc, err, rss


@case
def html_1m_nested_divs(k, tmp):
    path = os.path.join(tmp, "deep.warc")
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>" + b"<div>" * 1000000 + b"deep text"
    with open(path, "wb") as f:
        f.write(warc_record(b"response", page))
    rc, out, err, rss = run([k, "fetch", "--from-warc", path])
    return b"more than 256 deep" in out, rc, err, rss


@case
def history_empty_input_is_not_a_run(k, tmp):
    store = os.path.join(tmp, "h.sqlite")
    run([k, "history", "record", "--store", store, "--as-of", "2026-11-09"],
        stdin_bytes=b"url\n" + b"".join(b"https://x.example/%d\n" % i for i in range(1000)))
    rc, _, err, rss = run([k, "history", "record", "--store", store, "--as-of", "2026-11-16"], stdin_bytes=b"")
    rc2, out, _, _ = run([k, "history", "runs", "--store", store])
    return rc == 1 and "no ads to record" in err and out.count(b"\n") == 2, rc, err, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--karta", required=True)
    ap.add_argument("--bound-mib", type=float, default=600)
    ap.add_argument("--only")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for c in CASES:
            print(c.__name__)
        return 0
    failed = 0
    for c in CASES:
        if a.only and a.only not in c.__name__:
            continue
        with tempfile.TemporaryDirectory(prefix="karta-hostile-") as tmp:
            ok, rc, err, rss = c(a.karta, tmp)
        mem_ok = rss < a.bound_mib
        verdict = "ok" if ok and mem_ok else "FAIL"
        print(f"{verdict:4} {c.__name__:34} exit {rc:3}  peak {rss:7.1f} MiB")
        if not (ok and mem_ok):
            failed += 1
            if not mem_ok:
                print(f"     peak memory {rss:.1f} MiB is over the bound of {a.bound_mib} MiB")
            print("     stderr: " + err[:500].replace("\n", "\n             "))
    print(f"hostile: {len(CASES) - failed if not a.only else '-'} ok, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
