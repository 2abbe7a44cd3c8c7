#include "lib/crawler.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "lib/digest.h"

namespace karta {
namespace {

std::string TempDir() {
  char dir[] = "/tmp/karta-crawler-XXXXXX";
  REQUIRE(mkdtemp(dir));
  return dir;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Crawler options that need no network: robots off, no retries.
CrawlerOptions Offline() {
  CrawlerOptions o;
  o.fetch.robots = false;
  o.fetch.retries = 0;
  o.delay = 0;
  o.contact = "tests@karta.example";
  return o;
}

}  // namespace

TEST_CASE("crawler: page columns keep the input, append fetch's, overwrite their own") {
  Header in(std::vector<std::string>{"id", "url", "title"});
  PageColumns cols(in, nullptr);
  CHECK(cols.input_width() == 3);
  CHECK(cols.header().names() ==
        std::vector<std::string>{"id", "url", "title", "final_url", "status", "error", "fetched_at",
                                 "content_type", "sha256", "site", "text"});
  FetchedPage p;
  p.url = "http://a.example:8080/x";
  p.final_url = "http://a.example:8080/y";
  p.status = 200;
  p.content_type = "text/html; charset=utf-8";
  p.body =
      "<html><head><title>T</title><style>p{}</style></head><body><p>Hej då</p>"
      "<a href='/z'>z</a></body></html>";
  std::vector<std::string> f = {"7", "old", "old title"};
  std::vector<std::string> links;
  cols.Fill(p, &f, &links);
  CHECK(f[0] == "7");
  CHECK(f[1] == "http://a.example:8080/x");
  CHECK(f[2] == "T");
  CHECK(f[4] == "200");
  CHECK(f[8] == Sha256Hex(p.body));
  CHECK(f[9] == "a.example");
  CHECK(f[10].find("Hej då") != std::string::npos);
  CHECK(f[10].find("p{}") == std::string::npos);
  CHECK(links == std::vector<std::string>{"http://a.example:8080/z"});
  CHECK(!cols.Failed(f));
}

TEST_CASE("crawler: failures and 304s are rows without text; a 304 keeps the old sha256") {
  PageColumns cols(Header(), nullptr);
  FetchedPage p;
  p.url = p.final_url = "http://a.example/x";
  p.status = 404;
  p.error = "HTTP 404";
  p.body = "<p>not found</p>";
  std::vector<std::string> f;
  cols.Fill(p, &f, nullptr);
  CHECK(cols.Failed(f));
  CHECK(cols.Sha256(f).empty());
  CHECK(f[9].empty());  // text
  p.status = 304;
  p.error.clear();
  p.sha256 = "abc";
  cols.Fill(p, &f, nullptr);
  CHECK(!cols.Failed(f));
  CHECK(cols.Sha256(f) == "abc");
}

TEST_CASE("crawler: profile fields become columns; 'title' fills the title column") {
  auto prof = ParseSiteProfile(
      "name = 's'\nstart = 'http://a.example/'\nads = ['/ad/']\n[fields]\n"
      "title = \"//h1\"\nplace = \"//*[@class='loc']\"\n",
      "p.toml");
  REQUIRE(prof.ok());
  PageColumns cols(Header(), &*prof);
  CHECK(cols.header().names().back() == "place");
  FetchedPage p;
  p.url = p.final_url = "http://a.example/ad/1";
  p.status = 200;
  p.content_type = "text/html";
  p.body = "<title>x</title><h1>Ad one</h1><span class='loc'>Solna</span>";
  std::vector<std::string> f;
  cols.Fill(p, &f, nullptr);
  CHECK(f[7] == "s");  // site: the profile's name
  CHECK(f[8] == "Ad one");
  CHECK(f[10] == "Solna");
}

TEST_CASE("crawler: a URL list gives one row per input, failures included") {
  auto c = Crawler::Create(Offline(), nullptr);
  REQUIRE(c.ok());
  CollectSink out;
  (*c)->SetNext(&out);
  std::vector<std::string> warnings;
  (*c)->SetWarn([&](std::string_view w) { warnings.emplace_back(w); });
  int after = 0;
  (*c)->SetAfterRow([&]() -> Result<int64_t> { return ++after; });
  REQUIRE((*c)->Begin(Header(std::vector<std::string>{"text"})).ok());
  Record r;
  r.fields = {" ftp://a.example/x "};
  REQUIRE((*c)->Push(r).ok());
  r.fields = {"not a url"};
  REQUIRE((*c)->Push(r).ok());
  REQUIRE((*c)->End().ok());
  CHECK(out.header().names().front() == "url");
  REQUIRE(out.records().size() == 2);
  CHECK(after == 2);
  // A contact was given, so the warnings are that robots.txt is off and,
  // at the end, the summary (a URL list has no coverage: no Incomplete).
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].rfind("--ignore-robots", 0) == 0);
  CHECK(warnings[1].rfind("2 pages from 1 site: 0 fetched, 0 unchanged (304), 2 errors", 0) == 0);
  for (const Record& rec : out.records()) CHECK(!rec.fields[3].empty());
  CHECK(out.records()[0].fields[0] == "ftp://a.example/x");
}

TEST_CASE("crawler: bad --header and --resolve are usage errors") {
  CrawlerOptions o = Offline();
  o.headers = {"NoColon"};
  CHECK(Crawler::Create(o, nullptr).status().code() == Status::Code::kUsage);
  o = Offline();
  o.resolve = {"a.example:80"};
  CHECK(Crawler::Create(o, nullptr).status().code() == Status::Code::kUsage);
}

namespace {

// Runs a URL list through a crawler with the state at `path`; returns the
// rows and sets *done to the state's done count.
std::vector<Record> RunWithState(const std::string& path, bool resume,
                                 const std::vector<std::string>& urls, int64_t* done) {
  auto s = CrawlState::Open(path, resume);
  REQUIRE(s.ok());
  auto c = Crawler::Create(Offline(), nullptr);
  REQUIRE(c.ok());
  (*c)->SetState(s->get());
  CollectSink out;
  (*c)->SetNext(&out);
  REQUIRE((*c)->Begin(Header(std::vector<std::string>{"url"})).ok());
  Record r;
  for (const std::string& u : urls) {
    r.fields = {u};
    REQUIRE((*c)->Push(r).ok());
  }
  REQUIRE((*c)->End().ok());
  *done = (*s)->done_count();
  return out.records();
}

}  // namespace

TEST_CASE("crawler: with a state, input URLs done before an interruption are skipped") {
  std::string path = TempDir() + "/s.db";
  int64_t done = 0;
  CHECK(RunWithState(path, false, {"ftp://a.example/1"}, &done).size() == 1);
  CHECK(done == 1);
  auto rows = RunWithState(path, true, {"ftp://a.example/1", "ftp://a.example/2"}, &done);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].fields[0] == "ftp://a.example/2");
  CHECK(done == 2);
}

TEST_CASE("crawler: RowWriter counts bytes; an in-place file is cut back and continued") {
  std::string path = TempDir() + "/out.csv";
  {
    auto f = OutputFile::OpenInPlace(path, 0);
    REQUIRE(f.ok());
    RowWriter w(f->get(), true, 0);
    REQUIRE(w.Begin(Header(std::vector<std::string>{"a", "b"})).ok());
    Record r;
    r.fields = {"1", "x,y"};
    REQUIRE(w.Push(r).ok());
    CHECK(w.bytes() == 4 + 8);
    r.fields = {"2", "lost"};
    REQUIRE(w.Push(r).ok());
    REQUIRE((*f)->Commit().ok());
  }
  CHECK(Slurp(path) == "a,b\n1,\"x,y\"\n2,lost\n");
  {
    auto f = OutputFile::OpenInPlace(path, 12);
    REQUIRE(f.ok());
    RowWriter w(f->get(), false, 12);
    REQUIRE(w.Begin(Header(std::vector<std::string>{"a", "b"})).ok());
    Record r;
    r.fields = {"3", "z"};
    REQUIRE(w.Push(r).ok());
    CHECK(w.bytes() == 16);
    REQUIRE((*f)->Commit().ok());
  }
  CHECK(Slurp(path) == "a,b\n1,\"x,y\"\n3,z\n");
}

TEST_CASE("crawler: UrlHost drops scheme and port") {
  CHECK(UrlHost("http://A.example:8080/x") == "a.example");
  CHECK(UrlHost("https://b.example/") == "b.example");
  CHECK(UrlHost("ftp://c.example/").empty());
}

}  // namespace karta
