#include "lib/robots.h"

#include <doctest/doctest.h>

namespace karta {

TEST_CASE("robots: longest match, Allow wins ties, wildcards") {
  auto r = Robots::Parse(
      "# comment\n"
      "User-agent: *\n"
      "Disallow: /private/\n"
      "Allow: /private/open/\n"
      "Disallow: /*.pdf$\n"
      "Disallow: /tie\n"
      "Allow: /tie\n"
      "Disallow: /search?*q=\n"
      "Disallow:\n",
      "karta");
  CHECK(r.Allowed("/"));
  CHECK(r.Allowed(""));
  CHECK(!r.Allowed("/private/x.html"));
  CHECK(r.Allowed("/private/open/x.html"));
  CHECK(!r.Allowed("/docs/a.pdf"));
  CHECK(r.Allowed("/docs/a.pdf?download=1"));  // $ anchors the end
  CHECK(r.Allowed("/tie/x"));
  CHECK(!r.Allowed("/search?page=2&q=x"));
  CHECK(r.Allowed("/search?page=2"));
  CHECK(r.Allowed("/robots.txt"));
}

// Regression (#23.10): RFC 9309 2.2.3, "%2A" and "%24" in a rule stand for a
// literal '*' and '$' (the two of 130 conformance cases karta missed).
TEST_CASE("robots: percent-encoded-star-and-dollar match literally") {
  auto r = Robots::Parse(
      "User-agent: *\n"
      "Disallow: /path/file-with-a-%2A.html\n"
      "Disallow: /path/foo-%24\n"
      "Disallow: /mid$dle\n"
      "Disallow: /end$\n",
      "karta");
  CHECK(!r.Allowed("/path/file-with-a-*.html"));
  CHECK(!r.Allowed("/path/file-with-a-%2A.html"));
  CHECK(!r.Allowed("/path/file-with-a-%2a.html"));
  CHECK(r.Allowed("/path/file-with-a-x.html"));  // %2A is no wildcard
  CHECK(!r.Allowed("/path/foo-$"));
  CHECK(!r.Allowed("/path/foo-%24"));
  CHECK(!r.Allowed("/path/foo-$/more"));  // %24 does not anchor the end
  CHECK(r.Allowed("/path/foo-"));
  CHECK(!r.Allowed("/mid$dle"));  // a '$' that does not end the rule is literal
  CHECK(r.Allowed("/middle"));
  CHECK(!r.Allowed("/end"));
  CHECK(r.Allowed("/end/x"));
}

TEST_CASE("robots: user-agent groups") {
  std::string txt =
      "User-agent: googlebot\n"
      "Disallow: /\n"
      "\n"
      "User-agent: Karta/1.0\n"
      "User-agent: other\n"
      "Disallow: /no-karta/\n"
      "Crawl-delay: 2.5\n"
      "\n"
      "User-agent: *\n"
      "Disallow: /no-star/\n"
      "Sitemap: http://a.example/sitemap.xml\n"
      "User-agent: KARTA\n"
      "Disallow: /also/\n";
  auto k = Robots::Parse(txt, "karta");
  CHECK(!k.Allowed("/no-karta/a"));
  CHECK(!k.Allowed("/also/a"));    // groups for the same agent merge
  CHECK(k.Allowed("/no-star/a"));  // the * group does not apply
  REQUIRE(k.crawl_delay().has_value());
  CHECK(*k.crawl_delay() == doctest::Approx(2.5));
  REQUIRE(k.sitemaps().size() == 1);
  auto other = Robots::Parse(txt, "wget");
  CHECK(!other.Allowed("/no-star/a"));
  CHECK(other.Allowed("/no-karta/a"));
  CHECK(!other.crawl_delay().has_value());
  auto none = Robots::Parse("User-agent: googlebot\nDisallow: /\n", "karta");
  CHECK(none.Allowed("/anything"));
}

TEST_CASE("robots: status table and percent-encoding") {
  CHECK(Robots::ForStatus(404, "", "karta").Allowed("/x"));
  CHECK(Robots::ForStatus(403, "", "karta").Allowed("/x"));
  CHECK(!Robots::ForStatus(500, "", "karta").Allowed("/x"));
  CHECK(!Robots::ForStatus(503, "", "karta").Allowed("/x"));
  CHECK(!Robots::ForStatus(0, "", "karta").Allowed("/x"));
  CHECK(Robots::ForStatus(0, "", "karta").Allowed("/robots.txt"));
  CHECK(!Robots::ForStatus(200, "User-agent: *\nDisallow: /x\n", "karta").Allowed("/x"));
  auto r = Robots::Parse("User-agent: *\nDisallow: /%7euser/\nDisallow: /s\xc3\xb6k\n", "karta");
  CHECK(!r.Allowed("/~user/a"));
  CHECK(!r.Allowed("/%7Euser/a"));
  CHECK(!r.Allowed("/s%C3%B6k"));
  CHECK(!r.Allowed("/s\xc3\xb6k"));
  auto crlf = Robots::Parse("User-agent: *\r\nDisallow: /a\r\n", "karta");
  CHECK(!crlf.Allowed("/a"));
  CHECK(UrlPathAndQuery("http://h.example/a/b?q=1#f") == "/a/b?q=1");
  CHECK(UrlPathAndQuery("http://h.example") == "/");
  CHECK(UrlPathAndQuery("http://h.example?x") == "/?x");
}

}  // namespace karta
