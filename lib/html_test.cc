#include "lib/html.h"

#include <doctest/doctest.h>

namespace karta {

// Regression (#23.11): 1M nested <div>s gave an empty text and no error.
TEST_CASE("html: nested-too-deep is an error naming the limit") {
  std::string deep = "<html><body>";
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "deep text";
  auto page = HtmlPage::Parse(deep, "text/html", "http://a.example/");
  REQUIRE_FALSE(page.ok());
  CHECK(page.status().message().find("more than 256 deep") != std::string::npos);
  std::string ok = "<html><body>";
  for (int i = 0; i < 200; ++i) ok += "<div>";
  ok += "deep text";
  auto fine = HtmlPage::Parse(ok, "text/html", "http://a.example/");
  REQUIRE(fine.ok());
  CHECK(fine->VisibleText() == "deep text");
}

TEST_CASE("html: visible text drops scripts, styles and hidden elements") {
  std::string html =
      "<html><head><title> Ad  title </title><style>p{color:red}</style>"
      "<script>var x = 1;</script></head><body>"
      "<h1>Hello</h1><p>S&ouml;dermalm &amp; city&nbsp;centre</p>"
      "<div hidden>secret one</div><p style=\"color: blue; DISPLAY : none\">secret two</p>"
      "<span aria-hidden=\"true\">secret three</span><noscript>enable js</noscript>"
      "<script>alert(1)</script><p>last<br>line</p><!-- comment --></body></html>";
  auto page = HtmlPage::Parse(html, "text/html", "http://a.example/x/");
  REQUIRE(page.ok());
  CHECK(page->Title() == "Ad title");
  CHECK(page->VisibleText() == "Hello Södermalm & city centre last line");
}

TEST_CASE("html: charset from header, meta, or guessed") {
  // "Söder" in ISO-8859-1.
  std::string latin =
      "<html><body><p>S\xf6"
      "der</p></body></html>";
  auto a = HtmlPage::Parse(latin, "text/html; charset=ISO-8859-1", "http://a.example/");
  REQUIRE(a.ok());
  CHECK(a->VisibleText() == "Söder");
  CHECK(a->charset() == "iso-8859-1");
  std::string meta =
      "<html><head><meta charset=\"iso-8859-1\"></head><body>S\xf6"
      "der</body></html>";
  auto b = HtmlPage::Parse(meta, "text/html", "http://a.example/");
  REQUIRE(b.ok());
  CHECK(b->VisibleText() == "Söder");
  std::string equiv =
      "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>"
      "</head><body>S\xf6"
      "der \x80</body></html>";
  auto c = HtmlPage::Parse(equiv, "", "http://a.example/");
  REQUIRE(c.ok());
  CHECK(c->VisibleText() == "Söder €");
  // The header wins over the meta tag.
  std::string utf8meta = "<meta charset=latin1><body>Söder</body>";
  auto d = HtmlPage::Parse(utf8meta, "text/html;charset=utf-8", "http://a.example/");
  REQUIRE(d.ok());
  CHECK(d->VisibleText() == "Söder");
  // No declaration and not UTF-8: windows-1252.
  auto e = HtmlPage::Parse(
      "<p>S\xf6"
      "der</p>",
      "", "http://a.example/");
  REQUIRE(e.ok());
  CHECK(e->VisibleText() == "Söder");
  CHECK(CharsetFromContentType("text/html; Charset=\"UTF-8\"") == "utf-8");
  CHECK(CharsetFromContentType("text/html") == "");
}

TEST_CASE("html: links resolve against the page and <base>") {
  std::string html =
      "<a href='/ads/1.html#top'>1</a><a href=\"2.html\">2</a><a href='mailto:x@y'>m</a>"
      "<a href='javascript:void(0)'>j</a><a href='ftp://h/x'>f</a>"
      "<a href='https://b.example/q?a=1&amp;b=2'>b</a><a href='/ads/1.html'>dup</a>";
  auto page = HtmlPage::Parse(html, "text/html", "http://a.example/list/page1.html");
  REQUIRE(page.ok());
  auto links = page->Links();
  REQUIRE(links.size() == 3);
  CHECK(links[0] == "http://a.example/ads/1.html");
  CHECK(links[1] == "http://a.example/list/2.html");
  CHECK(links[2] == "https://b.example/q?a=1&b=2");
  auto based = HtmlPage::Parse("<head><base href='http://c.example/d/'></head><a href='e'>e</a>",
                               "text/html", "http://a.example/");
  REQUIRE(based.ok());
  REQUIRE(based->Links().size() == 1);
  CHECK(based->Links()[0] == "http://c.example/d/e");
}

TEST_CASE("html: ScanLinks finds what Links finds, without a tree") {
  std::string html =
      "<html><head><base href='http://c.example/d/'></head><body><a href='/ads/1.html#top'>1</a>"
      "<a href=\"2.html\">2</a><a href='mailto:x@y'>m</a><AREA HREF='3.html'>"
      "<a href='2.html'>dup</a><p>S\xf6"
      "der</p></body></html>";
  auto page = HtmlPage::Parse(html, "text/html; charset=iso-8859-1", "http://a.example/x/");
  REQUIRE(page.ok());
  auto scanned = ScanLinks(html, "text/html; charset=iso-8859-1", "http://a.example/x/");
  CHECK(scanned == page->Links());
  REQUIRE(scanned.size() == 3);
  CHECK(scanned[0] == "http://c.example/ads/1.html");
  CHECK(scanned[2] == "http://c.example/d/3.html");
}

TEST_CASE("html: XPath fields") {
  std::string html =
      "<body><h1 class='t'> Title  here </h1><time datetime='2026-11-02T10:00:00Z'>2 nov</time>"
      "<ul><li>a</li><li></li><li>b <script>x</script></li></ul></body>";
  auto page = HtmlPage::Parse(html, "text/html", "http://a.example/");
  REQUIRE(page.ok());
  auto t = XPathField::Compile("//h1[@class='t']");
  REQUIRE(t.ok());
  CHECK(t->Eval(*page) == "Title here");
  auto d = XPathField::Compile("//time/@datetime");
  REQUIRE(d.ok());
  CHECK(d->Eval(*page) == "2026-11-02T10:00:00Z");
  auto li = XPathField::Compile("//li");
  CHECK(li->Eval(*page) == "a;b");
  auto n = XPathField::Compile("count(//li)");
  CHECK(n->Eval(*page) == "3");
  auto none = XPathField::Compile("//nothing");
  CHECK(none->Eval(*page) == "");
  auto bad = XPathField::Compile("//[");
  CHECK(!bad.ok());
  CHECK(bad.status().code() == Status::Code::kUsage);
}

TEST_CASE("html: content types and broken input") {
  CHECK(IsHtmlContentType("text/html; charset=utf-8"));
  CHECK(IsHtmlContentType(""));
  CHECK(IsHtmlContentType("application/xhtml+xml"));
  CHECK(!IsHtmlContentType("application/pdf"));
  CHECK(!IsHtmlContentType("image/png"));
  auto page = HtmlPage::Parse("<p>unclosed <b>bold <i>x", "", "http://a.example/");
  REQUIRE(page.ok());
  CHECK(page->VisibleText() == "unclosed bold x");
  auto empty = HtmlPage::Parse("", "", "http://a.example/");
  if (empty.ok()) CHECK(empty->VisibleText() == "");
}

}  // namespace karta
