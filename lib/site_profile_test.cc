#include "lib/site_profile.h"

#include <doctest/doctest.h>

namespace karta {

TEST_CASE("site profile: a full profile loads with defaults and fields in file order") {
  auto p = ParseSiteProfile(R"(
name = "practice"
start = ["http://ads.example/list/1.html"]
follow = ['/list/\d+\.html$']
ads = '/ad/\d+\.html$'
delay = 0.5
[fields]
zeta = "//p[@class='z']"
title = "//h1"
alpha = "//time/@datetime"
)",
                            "p.toml");
  REQUIRE(p.ok());
  CHECK(p->name == "practice");
  CHECK(p->start == std::vector<std::string>{"http://ads.example/list/1.html"});
  CHECK(p->max_depth == 1000);
  CHECK(p->max_pages == 100000);
  CHECK(*p->delay == 0.5);
  CHECK(!p->emit_all);
  CHECK(p->same_host);
  REQUIRE(p->fields.size() == 3);
  CHECK(p->fields[0].first == "zeta");
  CHECK(p->fields[1].first == "title");
  CHECK(p->fields[2].first == "alpha");
  CHECK(p->IsAd("http://ads.example/ad/12.html"));
  CHECK(!p->IsAd("http://ads.example/list/2.html"));
  CHECK(p->IsListing("http://ads.example/list/2.html"));
}

TEST_CASE("site profile: no ads patterns means every page is a row") {
  auto p = ParseSiteProfile("start = 'http://a.example/'\nfollow = ['/p/']\n", "p.toml");
  REQUIRE(p.ok());
  CHECK(p->emit_all);
}

TEST_CASE("site profile: mistakes are usage errors naming the file and line") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"start = 'http://a.example/'\nads = ['x']\nfolow = ['y']\n",
       "p.toml:3: unknown key 'folow'"},
      {"ads = ['x']\n", "p.toml: no start URLs"},
      {"start = 'ftp://a.example/'\nads = ['x']\n",
       "p.toml:1: start URL 'ftp://a.example/' is not an http(s) URL"},
      {"start = 'http://a.example/'\nads = ['(']\n", "p.toml:2: bad ads pattern '('"},
      {"start = 'http://a.example/'\n", "p.toml: neither 'follow' nor 'ads' patterns"},
      {"start = 'http://a.example/'\nads = ['x']\nemit = 'some'\n",
       "p.toml:3: emit must be \"ads\" or \"all\""},
      {"start = 'http://a.example/'\nads = ['x']\n[fields]\nbody = '//['\n",
       "p.toml:4: field 'body':"},
      {"start = 'http://a.example/'\nads = [1]\n", "p.toml:2: 'ads' must be a list of strings"},
      {"start = [\n", "p.toml:"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto p = ParseSiteProfile(c.text, "p.toml");
    REQUIRE(!p.ok());
    CHECK(p.status().code() == Status::Code::kUsage);
    CHECK(p.status().message().rfind(c.message, 0) == 0);
  }
}

TEST_CASE("site profile: a missing file says to check the path") {
  auto p = LoadSiteProfile("/nonexistent/karta/site.toml");
  REQUIRE(!p.ok());
  CHECK(p.status().code() == Status::Code::kUsage);
  CHECK(p.status().message().find("check the path") != std::string::npos);
}

}  // namespace karta
