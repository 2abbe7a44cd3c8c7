#include "lib/replay.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include "lib/csv.h"

namespace karta {

TEST_CASE("replay: a karta WARC gives back its rows with their input columns") {
  char dir[] = "/tmp/karta-replay-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/a.warc.gz";
  {
    auto w = WarcWriter::Open(path, false);
    REQUIRE(w.ok());
    std::string info =
        "karta-input-header: " + EscapeField(CsvWriter::FormatRow({"id", "url"})) + "\r\n";
    REQUIRE((*w)->Write("warcinfo", {{"Content-Type", "application/warc-fields"}}, info).ok());
    auto id = (*w)->WriteExchange(
        "http://a.example/1", "127.0.0.1", "GET /1 HTTP/1.1\r\nHost: a.example\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", "<title>One</title><p>first, ad</p>");
    REQUIRE(id.ok());
    std::string meta =
        "karta-url: http://a.example/1\r\nkarta-final-url: http://a.example/1\r\n"
        "karta-status: 200\r\nkarta-error: \r\n"
        "karta-fetched-at: 2026-01-02T03:04:05Z\r\nkarta-sha256: x\r\n"
        "karta-input-row: " +
        EscapeField(CsvWriter::FormatRow({"7, seven", "http://a.example/1"})) + "\r\n";
    REQUIRE((*w)->Write("metadata", {{"WARC-Refers-To", *id}}, meta).ok());
    std::string failed =
        "karta-url: http://a.example/2\r\nkarta-final-url: \r\n"
        "karta-status: 0\r\nkarta-error: timeout\r\n"
        "karta-fetched-at: 2026-01-02T03:04:06Z\r\nkarta-sha256: \r\n"
        "karta-input-row: 8,http://a.example/2\r\n";
    REQUIRE((*w)->Write("metadata", {}, failed).ok());
  }
  WarcReplay replay(path, 1 << 20, nullptr, nullptr);
  CollectSink out;
  replay.SetNext(&out);
  REQUIRE(replay.Begin(Header()).ok());
  REQUIRE(replay.End().ok());
  CHECK(out.ended());
  CHECK(out.header().names() == std::vector<std::string>{"id", "url", "final_url", "status",
                                                         "error", "fetched_at", "content_type",
                                                         "sha256", "site", "title", "text"});
  REQUIRE(out.records().size() == 2);
  const auto& a = out.records()[0].fields;
  CHECK(a[0] == "7, seven");
  CHECK(a[3] == "200");
  CHECK(a[6] == "text/html");
  CHECK(a[7].size() == 64);  // recomputed from the body, not the stored "x"
  CHECK(a[9] == "One");
  CHECK(a[10] == "first, ad");
  const auto& b = out.records()[1].fields;
  CHECK(b[0] == "8");
  CHECK(b[4] == "timeout");
  CHECK(b[10].empty());
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("replay: another crawler's WARC gives one row per response") {
  char dir[] = "/tmp/karta-replay-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/b.warc.gz";
  {
    auto w = WarcWriter::Open(path, false);
    REQUIRE(w.ok());
    REQUIRE((*w)->WriteExchange("http://b.example/x", "127.0.0.1", "GET /x HTTP/1.1\r\n\r\n",
                                "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n",
                                "<p>gone</p>")
                .ok());
  }
  WarcReplay replay(path, 1 << 20, nullptr, nullptr);
  CollectSink out;
  replay.SetNext(&out);
  REQUIRE(replay.Begin(Header()).ok());
  REQUIRE(replay.End().ok());
  REQUIRE(out.records().size() == 1);
  CHECK(out.records()[0].fields[0] == "http://b.example/x");
  CHECK(out.records()[0].fields[2] == "404");
  CHECK(out.records()[0].fields[3] == "HTTP 404");
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("replay: a file that is not a WARC is an error") {
  WarcReplay replay("/nonexistent/karta.warc", 1 << 20, nullptr, nullptr);
  CollectSink out;
  replay.SetNext(&out);
  CHECK(!replay.Begin(Header()).ok());
}

}  // namespace karta
