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
  Header h({"place", "kommun", "kommunkod", "lat", "lon", "cluster", "posted_at", "young", "text",
            "phones"});
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

// The workbook's sheet `name`, or nullptr.
const Table* Sheet(const std::vector<XlsxSheet>& sheets, std::string_view name) {
  for (const XlsxSheet& s : sheets) {
    if (s.name == name) return &s.table;
  }
  return nullptr;
}

TEST_CASE("the workbook holds the page's tables, suppressed the same way") {
  ReportBuilder b;
  REQUIRE(b.Begin(Header({"place", "kommun", "kommunkod", "cluster", "posted_at", "young"})).ok());
  auto push = [&](std::vector<std::string> f) {
    Record r;
    r.fields = std::move(f);
    r.source = "t.csv";
    return b.Push(r);
  };
  for (int i = 0; i < 6; ++i) {
    REQUIRE(push({"Södermalm", "Stockholm", "0180", fmt::format("c{}", i), "2026-03-02T10:00:00Z",
                  i < 4 ? "1" : "0"})
                .ok());
  }
  for (int i = 0; i < 5; ++i) {
    REQUIRE(push({"Nacka C", "Nacka", "0182", fmt::format("n{}", i), "2026-03-16T10:00:00Z", "0"})
                .ok());
  }
  REQUIRE(push({"Märsta", "Sigtuna", "0191", "s0", "2026-03-16T10:00:00Z", "0"}).ok());
  ReportOptions o;
  o.created = "2026-03-20T08:00:00Z";
  o.source = "vecka.karta";
  auto sheets = b.Tables(o);
  std::vector<std::string> names;
  for (const auto& s : sheets) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"Översikt", "Per vecka", "Per kommun", "Per plats",
                                          "Underlag och definitioner"});
  const Table* k = Sheet(sheets, "Per kommun");
  REQUIRE(k);
  CHECK(k->columns ==
        std::vector<std::string>{"Kommun", "Kod", "Annonser", "Andel (%)", "Annonsörer", "Unga"});
  CHECK(k->numeric == std::vector<bool>{false, false, true, true, true, true});
  REQUIRE(k->rows.size() == 3);
  // Stockholm's 4 young would tell that the other kommuner have none:
  // hidden too (complementary suppression), as on the page.
  CHECK(k->rows[0] == std::vector<std::string>{"Stockholm", "0180", "6", "50", "6", ".."});
  // Sigtuna's 1 ad is "<3" and its share hidden.
  CHECK(k->rows[2][0] == "Sigtuna");
  CHECK(k->rows[2][2] == "<3");
  CHECK(k->rows[2][3] == "..");
  // The same cells as the HTML table.
  std::string html = b.Html(o);
  CHECK(html.find("<td>Sigtuna</td><td>0191</td><td class=\"n\">&lt;3</td>") != std::string::npos);
  CHECK(html.find("<td>Stockholm</td><td>0180</td><td class=\"n\">6</td><td class=\"n\">50\u00a0%"
                  "</td><td class=\"n\">6</td><td class=\"n\">..</td>") != std::string::npos);
  const Table* w = Sheet(sheets, "Per vecka");
  REQUIRE(w);
  REQUIRE(w->rows.size() == 3);  // W10, the empty W11, W12
  CHECK(w->rows[1] == std::vector<std::string>{"2026-W11", "0", "0", "0"});
  const Table* head = Sheet(sheets, "Översikt");
  REQUIRE(head);
  CHECK(head->rows[0] == std::vector<std::string>{"Annonser", "12"});
  // Every ad is in the county: no share-in-county figure, as on the page.
  for (const auto& row : head->rows) CHECK(row[0].find("Andel") == std::string::npos);
  const Table* d = Sheet(sheets, "Underlag och definitioner");
  REQUIRE(d);
  CHECK(d->rows[0] == std::vector<std::string>{"Skapad", "2026-03-20T08:00:00Z"});
  CHECK(d->rows[1] == std::vector<std::string>{"Datakälla", "vecka.karta"});
  auto bytes = b.Xlsx(o);
  REQUIRE(bytes.ok());
  CHECK(bytes->substr(0, 2) == "PK");
}

TEST_CASE("the committee page: created, source, definitions, no share when filtered") {
  auto page = [](const std::vector<std::string>& codes) {
    ReportBuilder b;
    REQUIRE(b.Begin(Header({"kommun", "kommunkod", "cluster", "site"})).ok());
    for (size_t i = 0; i < codes.size(); ++i) {
      Record r;
      r.fields = {"K" + codes[i], codes[i], fmt::format("c{}", i), "exempel.example"};
      r.source = "t.csv";
      REQUIRE(b.Push(r).ok());
    }
    ReportOptions o;
    o.created = "2026-03-20T08:00:00Z";
    o.source = "rutin vecka.karta";
    return b.Html(o);
  };
  std::vector<std::string> county(8, "0180"), mixed = county;
  mixed.insert(mixed.end(), 4, "0380");
  std::string in_county = page(county), with_uppsala = page(mixed);
  CHECK(in_county.find("<dd id=\"created\">2026-03-20T08:00:00Z</dd>") != std::string::npos);
  CHECK(in_county.find("<dd id=\"source\">rutin vecka.karta. Sajter: exempel.example</dd>") !=
        std::string::npos);
  CHECK(in_county.find("<dt>Annonsörer (kluster)</dt><dd>Antal olika kluster") !=
        std::string::npos);
  CHECK(in_county.find("<dt>&lt;3, ..</dt>") != std::string::npos);
  // Filtered to the county: neither the card nor its definition.
  CHECK(in_county.find("h-region") == std::string::npos);
  CHECK(in_county.find("Andel i Stockholms län") == std::string::npos);
  CHECK(with_uppsala.find("id=\"h-region\"><div class=\"n\">66,7") != std::string::npos);
  CHECK(with_uppsala.find("<dt>Andel i Stockholms län</dt>") != std::string::npos);
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
