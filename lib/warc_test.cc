#include "lib/warc.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdio>

#include <doctest/doctest.h>

namespace karta {

TEST_CASE("warc: write then read back, gzip per record") {
  char path[] = "/tmp/karta-warc-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    auto w = WarcWriter::Open(path, false);
    REQUIRE(w.ok());
    REQUIRE((*w)->Write("warcinfo", {{"Content-Type", "application/warc-fields"}},
                        "software: karta\r\n").ok());
    auto id = (*w)->WriteExchange(
        "http://a.example/x", "127.0.0.1", "GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        "Content-Length: 10\r\n\r\n",
        "<p>hello</p>");
    REQUIRE(id.ok());
    CHECK(id->rfind("<urn:uuid:", 0) == 0);
  }
  auto r = WarcReader::Open(path);
  REQUIRE(r.ok());
  WarcRecord rec;
  REQUIRE(*(*r)->Next(&rec));
  CHECK(rec.Get("WARC-Type") == "warcinfo");
  CHECK(rec.block == "software: karta\r\n");
  REQUIRE(*(*r)->Next(&rec));
  CHECK(rec.Get("warc-type") == "response");
  CHECK(rec.Get("WARC-Target-URI") == "http://a.example/x");
  HttpMessage m = ParseHttpResponse(rec.block, 1 << 20);
  CHECK(m.status == 200);
  CHECK(m.content_type == "text/html");
  CHECK(m.body == "<p>hello</p>");
  CHECK(m.error.empty());
  CHECK(rec.block.find("X-Karta-Decoded-Content-Encoding: gzip") != std::string::npos);
  CHECK(rec.block.find("Content-Length: 12") != std::string::npos);
  std::string resp_id = rec.Get("WARC-Record-ID");
  REQUIRE(*(*r)->Next(&rec));
  CHECK(rec.Get("WARC-Type") == "request");
  CHECK(rec.Get("WARC-Concurrent-To") == resp_id);
  CHECK(!*(*r)->Next(&rec));
  unlink(path);
}

TEST_CASE("warc: foreign responses: chunked and gzip payloads") {
  std::string gz;
  {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    std::string in = "<p>zipped</p>";
    gz.resize(256);
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    deflate(&z, Z_FINISH);
    gz.resize(z.total_out);
    deflateEnd(&z);
  }
  std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n";
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", gz.size());
  chunked += size + gz + "\r\n0\r\n\r\n";
  HttpMessage m = ParseHttpResponse(chunked, 1 << 20);
  CHECK(m.error == "");
  CHECK(m.body == "<p>zipped</p>");
  HttpMessage small = ParseHttpResponse(chunked, 4);
  CHECK(!small.error.empty());
  HttpMessage br = ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx", 100);
  CHECK(br.error == "content encoding 'br' cannot be decoded in replay");
  CHECK(UnescapeField(EscapeField("a\\b\nc\rd")) == "a\\b\nc\rd");
  CHECK(EscapeField("a\nb") == "a\\nb");
}

TEST_CASE("warc: not a WARC file") {
  char path[] = "/tmp/karta-warc-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "hello\n\nworld", 12) == 12);
  close(fd);
  auto r = WarcReader::Open(path);
  REQUIRE(r.ok());
  WarcRecord rec;
  auto n = (*r)->Next(&rec);
  CHECK(!n.ok());
  unlink(path);
}

}  // namespace karta
