#include "lib/crawl.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>

namespace karta {

TEST_CASE("crawl: runs, frontier, resume and validators") {
  char dir[] = "/tmp/karta-crawl-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/state.db";
  CHECK(CrawlState::Open(path, true).status().code() == Status::Code::kUsage);
  {
    auto s = CrawlState::Open(path, false);
    REQUIRE(s.ok());
    CHECK((*s)->run() == 1);
    CHECK(*(*s)->Queue("http://a.example/1", 0, "start"));
    CHECK(!*(*s)->Queue("http://a.example/1", 0, "start"));
    CHECK(*(*s)->Queue("http://a.example/2", 1, "ad"));
    CrawlState::Page p;
    p.url = "http://a.example/1";
    p.etag = "\"x\"";
    p.sha256 = "abc";
    p.status = 200;
    REQUIRE((*s)->MarkDone(p, 120).ok());
  }
  {
    auto s = CrawlState::Open(path, true);
    REQUIRE(s.ok());
    CHECK((*s)->run() == 1);
    CHECK((*s)->out_bytes() == 120);
    CHECK((*s)->done_count() == 1);
    auto f = (*s)->Frontier();
    REQUIRE(f.ok());
    REQUIRE(f->size() == 1);
    CHECK((*f)[0].url == "http://a.example/2");
    CHECK((*f)[0].depth == 1);
  }
  {
    auto s = CrawlState::Open(path, false);  // a new run keeps the validators
    REQUIRE(s.ok());
    CHECK((*s)->run() == 2);
    CHECK((*s)->out_bytes() == 0);
    auto p = (*s)->Lookup("http://a.example/1");
    REQUIRE(p.ok());
    REQUIRE(p->has_value());
    CHECK((*p)->etag == "\"x\"");
    CHECK(!(*p)->done);
    CHECK(!(*p)->queued);
    CHECK(*(*s)->Queue("http://a.example/1", 0, "start"));
    CHECK((*s)->Frontier()->size() == 1);
  }
  {
    // The row of an ad is kept for a 304, and a 304 without a row keeps it.
    auto s = CrawlState::Open(path, false);
    REQUIRE(s.ok());
    CrawlState::Page p;
    p.url = "http://a.example/2";
    p.kind = "ad";
    p.etag = "\"y\"";
    p.sha256 = "def";
    p.status = 200;
    p.row = {"http://a.example/2",
             "",
             "200",
             "",
             "2026-11-22T20:00:00Z",
             "text/html",
             "def",
             "a.example",
             "Ny i stan",
             "rad 1\nrad 2, \"citat\"; 3:4",
             ""};
    REQUIRE((*s)->MarkDone(p, -1).ok());
    auto back = (*s)->Lookup(p.url);
    REQUIRE(back.ok());
    REQUIRE(back->has_value());
    CHECK((*back)->row == p.row);
    CrawlState::Page again = p;
    again.status = 304;
    again.row.clear();
    REQUIRE((*s)->MarkDone(again, -1).ok());
    CHECK((*(*s)->Lookup(p.url))->row == p.row);
    CHECK((*(*s)->Lookup("http://a.example/1"))->row.empty());
  }
  unlink(path.c_str());
  unlink((path + "-wal").c_str());
  unlink((path + "-shm").c_str());
  rmdir(dir);
}

// Regression (#23.11): std::stoll on a damaged state aborted the tool (134).
TEST_CASE("crawl: damaged-state-number is an error, not an abort") {
  char dir[] = "/tmp/karta-crawl-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/state.db";
  { REQUIRE(CrawlState::Open(path, false).ok()); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "UPDATE meta SET value = 'x99999999999999999999' WHERE key = 'run'",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto s = CrawlState::Open(path, true);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == Status::Code::kData);
  CHECK(s.status().message().find("the crawl state is damaged (run is 'x9999") !=
        std::string::npos);
  std::string cmd = std::string("rm -rf ") + dir;
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("crawl: purge removes pages written before the cutoff, rows and all") {
  char dir[] = "/tmp/karta-crawl-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/state.db";
  {
    auto s = CrawlState::Open(path, false);
    REQUIRE(s.ok());
    for (const char* url : {"http://a.example/old", "http://a.example/new"}) {
      CrawlState::Page p;
      p.url = url;
      p.kind = "ad";
      p.status = 200;
      p.row = {"Rubrik", std::string("text of ") + url};
      REQUIRE((*s)->Queue(url, 1, "ad").ok());
      REQUIRE((*s)->MarkDone(p, 10).ok());
    }
  }
  // Date the old page back a year.
  {
    sqlite3* db;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "UPDATE pages SET done_at = done_at - 366 * 86400 WHERE url LIKE '%old'",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  // An interrupted second run: a page queued, not done.
  {
    auto s = CrawlState::Open(path, false);
    REQUIRE(s.ok());
    REQUIRE((*s)->Queue("http://a.example/pending", 1, "ad").ok());
  }
  int64_t cutoff = static_cast<int64_t>(std::time(nullptr)) - 30 * 86400;
  auto n = CrawlState::Purge(path, cutoff);
  REQUIRE(n.ok());
  CHECK(*n == 1);
  {
    auto s = CrawlState::Open(path, true);  // resume: the frontier is still there
    REQUIRE(s.ok());
    CHECK(!(*s)->Lookup("http://a.example/old")->has_value());
    auto kept = (*s)->Lookup("http://a.example/new");
    REQUIRE(kept.ok());
    REQUIRE(kept->has_value());
    CHECK((**kept).row.size() == 2);
    auto frontier = (*s)->Frontier();
    REQUIRE(frontier.ok());
    REQUIRE(frontier->size() == 1);
    CHECK((*frontier)[0].url == "http://a.example/pending");
  }
  // Nothing of the removed page is left in the file.
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(bytes.find("a.example/old") == std::string::npos);
  CHECK(CrawlState::Purge(std::string(dir) + "/none.db", cutoff).status().code() ==
        Status::Code::kIo);
}

}  // namespace karta
