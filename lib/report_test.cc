#include "lib/report.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "lib/text.h"

namespace karta {
namespace {

TEST_CASE("small counts are suppressed") {
  CHECK(Suppressed(0, 3) == "0");
  CHECK(Suppressed(1, 3) == "<3");
  CHECK(Suppressed(2, 3) == "<3");
  CHECK(Suppressed(3, 3) == "3");
  CHECK(Suppressed(1, 1) == "1");
}

TEST_CASE("escaping for HTML and for JSON inside <script>") {
  CHECK(HtmlEscape("<b>\"Ö&'") == "&lt;b&gt;&quot;Ö&amp;&#39;");
  CHECK(JsonString("</script><!--", /*for_script=*/true) == "\"\\u003c/script\\u003e\\u003c!--\"");
  CHECK(JsonString("a\"b\\\n", /*for_script=*/true) == "\"a\\\"b\\\\\\n\"");
  CHECK(JsonString("x\xE2\x80\xA8y", /*for_script=*/true) == "\"x\\u2028y\"");
  // Outside a script: < and U+2028 stay, control characters do not.
  CHECK(JsonString("<a>\x01\xE2\x80\xA8") == "\"<a>\\u0001\xE2\x80\xA8\"");
}

TEST_CASE("the report holds counts, never the other columns") {
  ReportBuilder b;
  Header h({"place", "kommun", "kommunkod", "lat", "lon", "cluster", "posted_at", "young",
            "text", "phones"});
  REQUIRE(b.Begin(h).ok());
  auto push = [&](std::vector<std::string> f) {
    Record r;
    r.fields = std::move(f);
    r.source = "t.csv";
    return b.Push(r);
  };
  for (int i = 0; i < 4; ++i) {
    REQUIRE(push({"Södermalm", "Stockholm", "0180", "59.315", "18.071", fmt::format("c{}", i % 2),
                  "2026-03-02T10:00:00Z", i == 0 ? "1" : "0", "call +46700000000", "+46700000000"})
                .ok());
  }
  REQUIRE(push({"<Tensta>", "Stockholm", "0180", "59.39", "17.90", "c9", "2026-03-10T10:00:00Z",
                "ja", "secret", "+46701111111"})
              .ok());
  CHECK(b.MissingColumns() == "under18");
  ReportOptions o;
  std::string geo = b.GeoJson(o);
  CHECK(geo.find("\"coordinates\": [18.071, 59.315]") != std::string::npos);
  // Södermalm's 4 ads would give away Tensta's 1 from the total of 5: hidden
  // as well (complementary suppression, lib/suppress).
  CHECK(geo.find("\"ads\": 4") == std::string::npos);
  CHECK(geo.find("\"ads\": null, \"ads_shown\": \"..\"") != std::string::npos);
  CHECK(geo.find("\"advertisers\": null, \"advertisers_shown\": \"\\u003c3\"") !=
        std::string::npos);
  std::string html = b.Html(o);
  CHECK(html.find("+4670") == std::string::npos);
  CHECK(html.find("secret") == std::string::npos);
  CHECK(html.find("<Tensta>") == std::string::npos);  // escaped
  CHECK(html.find("&lt;Tensta&gt;") != std::string::npos);
  CHECK(html.find("id=\"h-ads\"><div class=\"n\">5<") != std::string::npos);
  CHECK(html.find("id=\"h-young\"><div class=\"n\">&lt;3<") != std::string::npos);
  CHECK(html.find("2026-W10 – 2026-W11") != std::string::npos);
}

TEST_CASE("bad coordinates are a data error") {
  ReportBuilder b;
  REQUIRE(b.Begin(Header({"place", "lat", "lon"})).ok());
  Record r;
  r.fields = {"X", "91", "18"};
  r.source = "t.csv";
  r.line = 4;
  Status st = b.Push(r);
  CHECK(st.code() == Status::Code::kData);
  CHECK(st.message().find("t.csv:4") != std::string::npos);
}

}  // namespace
}  // namespace karta
