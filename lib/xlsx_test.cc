#include "lib/xlsx.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

namespace karta {

TEST_CASE("xlsx: Swedish headings") {
  CHECK(SwedishHeading("count") == "antal");
  CHECK(SwedishHeading("cluster_distinct") == "cluster (olika)");
  CHECK(SwedishHeading("price_mean") == "price (medel)");
  CHECK(SwedishHeading("kommun") == "kommun");
  CHECK(SwedishHeading("_sum") == "_sum");
}

TEST_CASE("xlsx: paths") {
  CHECK(IsXlsxPath("k.xlsx"));
  CHECK(IsXlsxPath("/a/B.XLSX"));
  CHECK(!IsXlsxPath("k.csv"));
  CHECK(!IsXlsxPath("xlsx"));
}

TEST_CASE("xlsx: a workbook is a zip file with the sheet") {
  Table t;
  t.columns = {"kommunkod", "count"};
  t.numeric = {false, true};
  t.rows = {{"0180", "12"}, {"0114", "3"}};
  auto bytes = XlsxBytes(t);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->size() > 100);
  CHECK(bytes->substr(0, 2) == "PK");
  CHECK(bytes->find("xl/worksheets/sheet1.xml") != std::string::npos);
}

TEST_CASE("xlsx: a workbook with one sheet per table") {
  Table a;
  a.columns = {"kommunkod", "count"};
  a.numeric = {false, true};
  a.rows = {{"0180", "12"}};
  Table b = a;
  b.rows = {{"0114", "<3"}};
  auto bytes = XlsxWorkbookBytes({{"Per kommun", a}, {"Per plats", b}});
  REQUIRE(bytes.ok());
  CHECK(bytes->substr(0, 2) == "PK");
  CHECK(bytes->find("xl/worksheets/sheet1.xml") != std::string::npos);
  CHECK(bytes->find("xl/worksheets/sheet2.xml") != std::string::npos);
  CHECK(bytes->find("xl/worksheets/sheet3.xml") == std::string::npos);
  // A name Excel forbids is an error, not a broken file.
  auto bad = XlsxWorkbookBytes({{"a/b", a}});
  CHECK(!bad.ok());
  CHECK(bad.status().message().find("a/b") != std::string::npos);
}

TEST_CASE("xlsx: a fixed creation time makes the same bytes at another time") {
  Table t;
  t.columns = {"kommun", "count"};
  t.numeric = {false, true};
  t.rows = {{"Solna", "4"}};
  XlsxOptions o;
  o.created = 1795000000;  // 2026-11-18
  auto a = XlsxBytes(t, o);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past a second
  auto b = XlsxBytes(t, o);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  o.created = 1795000001;
  auto c = XlsxBytes(t, o);
  REQUIRE(c.ok());
  CHECK(*c != *a);
}

}  // namespace karta
