#include "lib/table.h"

#include <doctest/doctest.h>

namespace karta {
namespace {

Record Row(std::vector<std::string> f) {
  Record r;
  r.fields = std::move(f);
  r.source = "test.csv";
  return r;
}

// The day of a time in UTC, for the calendar checks below.
std::optional<int64_t> ParseRfc3339Day(std::string_view s) {
  static const TimeZone utc = *TimeZone::Load("UTC");
  if (s.size() >= 19 && s[10] == 'T' && s.find_first_of("Zz+-", 19) == std::string_view::npos) {
    return std::nullopt;  // these checks want a zone
  }
  return ParseLocalDay(s, utc);
}

TEST_CASE("times to local days (Europe/Stockholm unless told)") {
  const TimeZone& se = TimeZone::Default();
  // 00:30 on Monday 2 March in Stockholm is still Sunday in UTC: it is
  // Monday's, and week 10's.
  auto d = ParseLocalDay("2026-03-01T23:30:00Z", se);
  REQUIRE(d);
  CHECK(BucketLabel(*d, TimeUnit::kDay) == "2026-03-02");
  CHECK(BucketLabel(BucketOf(*d, TimeUnit::kWeek), TimeUnit::kWeek) == "2026-W10");
  // ISO 8601 without seconds or zone is local time (the report used to fail on it).
  CHECK(BucketLabel(*ParseLocalDay("2026-09-11T20:51", se), TimeUnit::kDay) == "2026-09-11");
  CHECK(BucketLabel(*ParseLocalDay("2026-03-02 00:10", se), TimeUnit::kDay) == "2026-03-02");
  CHECK(BucketLabel(*ParseLocalDay("22 nov 2026 14:05", se), TimeUnit::kDay) == "2026-11-22");
  CHECK_FALSE(
      ParseLocalDay("igår 14:05", se));  // relative: only fetch reads it, against fetched_at
  CHECK_FALSE(ParseLocalDay("yesterday", se));
}

TEST_CASE("RFC 3339 times to UTC days and ISO weeks") {
  auto d = ParseRfc3339Day("2026-03-02T10:00:00Z");
  REQUIRE(d);
  CHECK(BucketLabel(*d, TimeUnit::kDay) == "2026-03-02");
  CHECK(BucketLabel(BucketOf(*d, TimeUnit::kWeek), TimeUnit::kWeek) == "2026-W10");
  CHECK(BucketLabel(BucketOf(*d, TimeUnit::kMonth), TimeUnit::kMonth) == "2026-03");
  // Offsets move the day.
  CHECK(BucketLabel(*ParseRfc3339Day("2026-03-16T23:30:00-01:00"), TimeUnit::kDay) == "2026-03-17");
  CHECK(BucketLabel(*ParseRfc3339Day("2026-03-01T00:30:00+01:00"), TimeUnit::kDay) == "2026-02-28");
  // ISO week years at the turn of the year.
  auto week = [](const char* s) {
    return BucketLabel(BucketOf(*ParseRfc3339Day(s), TimeUnit::kWeek), TimeUnit::kWeek);
  };
  CHECK(week("2020-12-31T00:00:00Z") == "2020-W53");
  CHECK(week("2021-01-03T23:59:59Z") == "2020-W53");
  CHECK(week("2021-01-04T00:00:00Z") == "2021-W01");
  CHECK(week("2024-12-30T12:00:00.5Z") == "2025-W01");
  CHECK(week("2026-12-31") == "2026-W53");
  CHECK(week("1969-12-31T00:00:00Z") == "1970-W01");
  CHECK(NextBucket(BucketOf(*ParseRfc3339Day("2026-01-31"), TimeUnit::kMonth), TimeUnit::kMonth) ==
        BucketOf(*ParseRfc3339Day("2026-02-01"), TimeUnit::kMonth));
  // Not times.
  CHECK_FALSE(ParseRfc3339Day("yesterday"));
  CHECK_FALSE(ParseRfc3339Day("2026-02-30T00:00:00Z"));
  CHECK_FALSE(ParseRfc3339Day("2026-03-02T10:00:00"));  // no zone
  CHECK_FALSE(ParseRfc3339Day("2026-03-02T25:00:00Z"));
  CHECK_FALSE(ParseRfc3339Day("2026-03-02T10:00:00Zjunk"));
}

TEST_CASE("numbers") {
  CHECK(*ParseNumber("1500") == 1500);
  CHECK(*ParseNumber("-2.5") == -2.5);
  CHECK(*ParseNumber("12,5") == 12.5);
  CHECK_FALSE(ParseNumber("1,000.5"));
  CHECK_FALSE(ParseNumber("12 kr"));
  CHECK_FALSE(ParseNumber(""));
  CHECK_FALSE(ParseNumber("nan"));
  CHECK(FormatNumber(1500) == "1500");
  CHECK(FormatNumber(1200.5) == "1200.5");
  CHECK(FormatNumber(2.0 / 3, 2) == "0.67");
}

TEST_CASE("group keys") {
  CHECK(ParseKey("kommun")->unit == TimeUnit::kNone);
  auto k = ParseKey("week(posted_at)");
  REQUIRE(k.ok());
  CHECK(k->column == "posted_at");
  CHECK(k->name == "week");
  CHECK(ParseKey("week")->bare_unit);
  CHECK_FALSE(ParseKey("year(posted_at)").ok());
  CHECK_FALSE(ParseKey("week(posted_at").ok());
}

TEST_CASE("count, distinct count and totals are exact") {
  TableSpec spec;
  spec.keys = {*ParseKey("kommun")};
  spec.aggs = {{AggKind::kDistinct, "cluster"}, {AggKind::kMean, "price"}};
  Aggregator agg(spec, {{0}, {}});
  REQUIRE(agg.Begin(Header({"kommun", "cluster", "price"})).ok());
  for (auto f : std::vector<std::vector<std::string>>{{"Solna", "c1", "100"},
                                                      {"Solna", "c1", "200"},
                                                      {"Nacka", "c1", ""},
                                                      {"Nacka", "c2", "50"},
                                                      {"Nacka", "", "60"}}) {
    Record r = Row(f);
    REQUIRE(agg.Push(r).ok());
  }
  REQUIRE(agg.End().ok());
  SortOptions o;
  o.totals = true;
  Table t = agg.GroupTable(0, 1, o);
  REQUIRE(t.rows.size() == 3);
  CHECK(t.columns == std::vector<std::string>{"kommun", "count", "cluster_distinct", "price_mean"});
  CHECK(t.rows[0] == std::vector<std::string>{"Nacka", "3", "2", "55"});
  CHECK(t.rows[1] == std::vector<std::string>{"Solna", "2", "1", "150"});
  // Two distinct clusters overall, not 2 + 1.
  CHECK(t.rows[2] == std::vector<std::string>{"total", "5", "2", "102.5"});
}

TEST_CASE("bad cells are data errors with FILE:LINE") {
  TableSpec spec;
  spec.keys = {*ParseKey("week(t)")};
  Aggregator agg(spec, {{0}});
  REQUIRE(agg.Begin(Header({"t"})).ok());
  Record r = Row({"soon"});
  r.line = 7;
  Status st = agg.Push(r);
  CHECK(st.code() == Status::Code::kData);
  CHECK(st.message().find("test.csv:7") != std::string::npos);
}

TEST_CASE("--min/--max of RFC 3339 times: the earliest and latest instant, in UTC") {
  TableSpec spec;
  spec.keys = {*ParseKey("cluster")};
  spec.aggs = {{AggKind::kMin, "posted_at"}, {AggKind::kMax, "posted_at"}};
  Aggregator agg(spec, {{0}});
  REQUIRE(agg.Begin(Header({"cluster", "posted_at"})).ok());
  for (auto f : std::vector<std::vector<std::string>>{{"c1", "2026-03-02T10:00:00Z"},
                                                      {"c1", "2026-03-03T00:30:00+01:00"},
                                                      {"c1", ""},
                                                      {"c2", "2026-03-01T09:00:00Z"}}) {
    Record r = Row(f);
    REQUIRE(agg.Push(r).ok());
  }
  SortOptions o;
  o.by = SortBy::kColumn;
  o.column = "posted_at_max";
  Table t = agg.GroupTable(0, std::nullopt, o);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0] ==
        std::vector<std::string>{"c1", "3", "2026-03-02T10:00:00Z", "2026-03-02T23:30:00Z"});
  CHECK(t.rows[1] ==
        std::vector<std::string>{"c2", "1", "2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z"});
  CHECK(!t.numeric[2]);
  // A number after times is a data error.
  Record r = Row({"c3", "17"});
  r.line = 9;
  Status st = agg.Push(r);
  CHECK(st.code() == Status::Code::kData);
  CHECK(st.message().find("test.csv:9: posted_at: '17' is a number") != std::string::npos);
}

TEST_CASE("--sort key: text in Swedish order, numbers by value, empty last") {
  TableSpec spec;
  spec.keys = {*ParseKey("place")};
  Aggregator agg(spec, {{0}});
  REQUIRE(agg.Begin(Header({"place"})).ok());
  for (const char* p :
       {"Östermalm", "", "Åkersberga", "akalla", "Zinkensdamm", "Älvsjö", "Bromma"}) {
    Record r = Row({p});
    REQUIRE(agg.Push(r).ok());
  }
  SortOptions o;
  o.by = SortBy::kKey;
  Table t = agg.GroupTable(0, std::nullopt, o);
  std::vector<std::string> got;
  for (const auto& row : t.rows) got.push_back(row[0]);
  CHECK(got == std::vector<std::string>{"akalla", "Bromma", "Zinkensdamm", "Åkersberga", "Älvsjö",
                                        "Östermalm", ""});
}

TEST_CASE("formats") {
  Table t;
  t.columns = {"kommun", "mean"};
  t.numeric = {false, true};
  t.rows = {{"Södermalm; x", "1.5"}, {"Nacka", ""}};
  CHECK(FormatTable(t, Format::kCsv) == "kommun,mean\nSödermalm; x,1.5\nNacka,\n");
  CHECK(FormatTable(t, Format::kExcel) ==
        "\xEF\xBB\xBFkommun;mean\r\n\"Södermalm; x\";1,5\r\nNacka;\r\n");
  CHECK(FormatTable(t, Format::kJson) ==
        "[\n  {\"kommun\": \"Södermalm; x\", \"mean\": 1.5},\n  {\"kommun\": \"Nacka\", \"mean\": "
        "null}\n]\n");
  CHECK(FormatTable(t, Format::kText) ==
        "kommun        mean\n------------  ----\nSödermalm; x   1.5\nNacka\n");
  CHECK(DisplayWidth("Östermalm") == 9);
  CHECK(Bar(1, 2, 4) == "██");
  CHECK(Bar(1, 16, 2) == "▏");
  CHECK(Sparkline({0, 1, 2, 4}) == "▁▃▅█");
}

}  // namespace
TEST_CASE("table: ParseNumber reads Swedish thousands") {
  CHECK(ParseNumber("1 500") == 1500.0);
  CHECK(ParseNumber("1 500,50") == 1500.5);
  CHECK(ParseNumber("12 345 678") == 12345678.0);
  CHECK(ParseNumber("1\xc2\xa0"
                    "500") == 1500.0);  // no-break space
  CHECK(ParseNumber("-2\xe2\x80\xaf"
                    "000,5") == -2000.5);  // narrow no-break space
  CHECK(!ParseNumber("1 50"));
  CHECK(!ParseNumber("1500 kr"));
  CHECK(!ParseNumber("1234 567"));
  CHECK(!ParseNumber("1 500,5 0"));
  CHECK(!ParseNumber(" "));
}

}  // namespace karta
