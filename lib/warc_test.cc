#include "lib/warc.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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
                        "software: karta\r\n")
                .ok());
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
  std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n";
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

namespace {

std::string ReadAll(const std::string& path) {
  std::string s;
  FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f);
  char b[4096];
  size_t n;
  while ((n = std::fread(b, 1, sizeof b, f)) > 0) s.append(b, n);
  std::fclose(f);
  return s;
}

void WriteAll(const std::string& path, const std::string& data) {
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  REQUIRE(std::fwrite(data.data(), 1, data.size(), f) == data.size());
  std::fclose(f);
}

// A .warc.gz of 11 records, one gzip member each; `starts` gets each member's offset.
std::string ElevenRecords(std::vector<size_t>* starts) {
  char path[] = "/tmp/karta-warc-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    auto w = WarcWriter::Open(path, false);
    REQUIRE(w.ok());
    for (int i = 0; i < 11; ++i) {
      std::string body = "record " + std::to_string(i) + " " + std::string(2000, 'a' + i % 26);
      REQUIRE((*w)->Write("resource",
                          {{"WARC-Target-URI", "http://a.example/" + std::to_string(i)}}, body)
                  .ok());
    }
  }
  std::string data = ReadAll(path);
  unlink(path);
  starts->clear();
  for (size_t i = 0; i + 2 < data.size(); ++i) {
    // Each member starts with the gzip magic and deflate method.
    if (data.compare(i, 3, "\x1f\x8b\x08") == 0) starts->push_back(i);
  }
  REQUIRE(starts->size() == 11);
  return data;
}

struct ReadResult {
  int records = 0;
  Status status;
};

ReadResult ReadWarc(const std::string& data, int64_t max_block = WarcReader::kDefaultMaxBlock) {
  char path[] = "/tmp/karta-warc-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  WriteAll(path, data);
  ReadResult out;
  auto r = WarcReader::Open(path, max_block);
  REQUIRE(r.ok());
  WarcRecord rec;
  for (;;) {
    auto more = (*r)->Next(&rec);
    if (!more.ok()) {
      out.status = more.status();
      break;
    }
    if (!*more) break;
    ++out.records;
  }
  unlink(path);
  return out;
}

}  // namespace

// Regression (#23.3): a gzip file cut at 2/3 gave 7 of 11 rows, a corrupt
// member or a bad CRC gave 0, garbage between members gave 2, all silently.
TEST_CASE("warc: damaged-gzip is reported, never silent") {
  std::vector<size_t> at;
  std::string good = ElevenRecords(&at);
  CHECK(ReadWarc(good).records == 11);
  CHECK(ReadWarc(good).status.ok());

  // Cut at 2/3, inside a member.
  ReadResult cut = ReadWarc(good.substr(0, good.size() * 2 / 3));
  CHECK(cut.status.code() == Status::Code::kData);
  CHECK(cut.status.message().find("the file ends inside a gzip member") != std::string::npos);
  CHECK(cut.records >= 6);
  // Cut exactly between two members: a complete file of 7 records, no error.
  ReadResult seven = ReadWarc(good.substr(0, at[7]));
  CHECK(seven.status.ok());
  CHECK(seven.records == 7);

  // A bad CRC in member 4 (the 8 bytes before member 5 are its CRC and size).
  std::string crc = good;
  crc[at[5] - 8] ^= 0x55;
  ReadResult bad_crc = ReadWarc(crc);
  CHECK(bad_crc.status.code() == Status::Code::kData);
  CHECK(bad_crc.status.message().find("corrupt gzip data (incorrect data check)") !=
        std::string::npos);
  CHECK(bad_crc.records == 4);

  // Corrupt deflate data in the middle of member 2.
  std::string corrupt = good;
  for (size_t k = at[2] + 20; k < at[2] + 40; ++k) corrupt[k] = '\xff';
  ReadResult c = ReadWarc(corrupt);
  CHECK(c.status.code() == Status::Code::kData);
  CHECK(c.status.message().find("corrupt gzip data") != std::string::npos);
  CHECK(c.records <= 2);

  // Garbage between members 2 and 3.
  std::string garbage = good.substr(0, at[3]) + "GARBAGE!" + good.substr(at[3]);
  ReadResult g = ReadWarc(garbage);
  CHECK(g.status.code() == Status::Code::kData);
  CHECK(g.status.message().find(fmt::format("byte {}: bytes that are not a gzip member", at[3])) !=
        std::string::npos);
  CHECK(g.status.message().find("after record 3") != std::string::npos);
  CHECK(g.records == 3);
}

// Regression (#23.2): a 1.7 MB .warc.gz holding a 300 MB response took
// 10.9 GiB; a record larger than max_block is skipped and flagged instead.
TEST_CASE("warc: oversized-record is flagged, not held") {
  std::vector<size_t> at;
  std::string good = ElevenRecords(&at);
  char path[] = "/tmp/karta-warc-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  WriteAll(path, good);
  auto r = WarcReader::Open(path, 1000);
  REQUIRE(r.ok());
  WarcRecord rec;
  int n = 0;
  for (;;) {
    auto more = (*r)->Next(&rec);
    REQUIRE(more.ok());
    if (!*more) break;
    ++n;
    CHECK(rec.block.empty());
    CHECK(rec.oversized > 2000);
    CHECK(rec.Get("WARC-Type") == "resource");
  }
  CHECK(n == 11);
  unlink(path);
}

TEST_CASE("warc: decompression-bomb body is named as such") {
  std::string zeros(size_t{8} << 20, '\0');
  uLongf len = compressBound(static_cast<uLong>(zeros.size()));
  std::string z(len, '\0');
  REQUIRE(compress(reinterpret_cast<Bytef*>(z.data()), &len,
                   reinterpret_cast<const Bytef*>(zeros.data()),
                   static_cast<uLong>(zeros.size())) == Z_OK);
  z.resize(len);
  std::string block = "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n" + z;
  HttpMessage m = ParseHttpResponse(block, 1 << 20);
  CHECK(m.body.empty());
  CHECK(m.error.find("decodes to more than the limit of 1048576 bytes (a decompression bomb?") !=
        std::string::npos);
  HttpMessage ok = ParseHttpResponse(block, int64_t{16} << 20);
  CHECK(ok.error.empty());
  CHECK(ok.body.size() == zeros.size());
  HttpMessage broken =
      ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip at all", 100);
  CHECK(broken.error == "cannot decode the gzip body (it is corrupt)");
}

TEST_CASE("warc: plain (uncompressed) files still read") {
  std::string rec1 = "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";
  ReadResult r = ReadWarc(rec1 + rec1 + rec1);
  CHECK(r.status.ok());
  CHECK(r.records == 3);
  ReadResult t = ReadWarc(rec1 + rec1.substr(0, 40));
  CHECK(t.status.code() == Status::Code::kData);
  CHECK(t.records == 1);
}

// Regression (#23.4): --warc FILE followed symlinks, truncated the target
// and kept its mode (a 0644 file ended up holding crawled pages).
TEST_CASE("warc: writer-refuses-symlinks and makes the file 0600") {
  char dir[] = "/tmp/karta-warc-dir-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string target = std::string(dir) + "/target.txt";
  WriteAll(target, "precious\n");
  std::string link = std::string(dir) + "/link.warc.gz";
  REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
  auto w = WarcWriter::Open(link, false);
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().message().find("is a symbolic link") != std::string::npos);
  CHECK(ReadAll(target) == "precious\n");
  CHECK_FALSE(WarcWriter::Open(link, true).ok());
  CHECK_FALSE(WarcWriter::Open(dir, false).ok());

  std::string existing = std::string(dir) + "/old.warc.gz";
  WriteAll(existing, "old");
  REQUIRE(chmod(existing.c_str(), 0644) == 0);
  {
    auto ok = WarcWriter::Open(existing, false);
    REQUIRE(ok.ok());
  }
  struct stat st;
  REQUIRE(stat(existing.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 0);
  std::string cmd = std::string("rm -rf ") + dir;
  CHECK(std::system(cmd.c_str()) == 0);
}

}  // namespace karta
