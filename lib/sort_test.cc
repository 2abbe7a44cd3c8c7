#include "lib/sort.h"

#include <dirent.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "lib/collate.h"

namespace karta {
namespace {

Record Row(std::vector<std::string> f, int64_t line) {
  Record r;
  r.fields = std::move(f);
  r.source = "test.csv";
  r.line = line;
  return r;
}

// Runs `rows` (header first) through a Sorter; returns the output or the error.
Result<std::vector<Record>> Sort(SorterOptions o, const std::vector<std::vector<std::string>>& rows,
                                 size_t* spilled = nullptr) {
  Sorter s(std::move(o));
  CollectSink out;
  s.SetNext(&out);
  KARTA_RETURN_IF_ERROR(s.Begin(Header(rows.empty() ? std::vector<std::string>{} : rows[0])));
  for (size_t i = 1; i < rows.size(); ++i) {
    Record r = Row(rows[i], static_cast<int64_t>(i + 1));
    KARTA_RETURN_IF_ERROR(s.Push(r));
  }
  KARTA_RETURN_IF_ERROR(s.End());
  if (spilled) *spilled = s.runs_spilled();
  CHECK(out.ended());
  return out.records();
}

std::vector<std::string> Col(const std::vector<Record>& recs, size_t c) {
  std::vector<std::string> v;
  for (const Record& r : recs) v.push_back(r.fields[c]);
  return v;
}

int CountTempFiles() {
  int n = 0;
  DIR* d = opendir("/tmp");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (std::string_view(e->d_name).rfind("karta-sort-", 0) == 0) ++n;
  }
  closedir(d);
  return n;
}

TEST_CASE("ParseSortKeys: per-key options win over the defaults") {
  auto k = ParseSortKeys("posted_at:desc, age:n ,name:bytes:asc,x:natural,t:time", SortType::kText,
                         true);
  REQUIRE(k.ok());
  REQUIRE(k->size() == 5);
  CHECK((*k)[0].column == "posted_at");
  CHECK((*k)[0].desc);
  CHECK((*k)[0].type == SortType::kText);
  CHECK((*k)[1].type == SortType::kNumber);
  CHECK((*k)[1].desc);  // the default (-r)
  CHECK((*k)[2].type == SortType::kBytes);
  CHECK(!(*k)[2].desc);
  CHECK((*k)[3].type == SortType::kNatural);
  CHECK((*k)[4].type == SortType::kTime);
  CHECK(ParseSortKeys("a:sideways", SortType::kText, false).status().code() ==
        Status::Code::kUsage);
  CHECK(ParseSortKeys(" , ", SortType::kText, false).status().code() == Status::Code::kUsage);
  CHECK(ParseSortKeys(":desc", SortType::kText, false).status().code() == Status::Code::kUsage);
}

TEST_CASE("ParseMemorySize") {
  CHECK(*ParseMemorySize("64K") == 65536);
  CHECK(*ParseMemorySize("256M") == (size_t{256} << 20));
  CHECK(*ParseMemorySize("2G") == (size_t{2} << 30));
  CHECK(*ParseMemorySize("1000000") == 1000000);
  CHECK(*ParseMemorySize("1MiB") == (size_t{1} << 20));
  CHECK(!ParseMemorySize("1T").ok());
  CHECK(!ParseMemorySize("lots").ok());
  CHECK(!ParseMemorySize("").ok());
  CHECK(!ParseMemorySize("1000").ok());  // too small
}

TEST_CASE("Swedish text order, stable ties, empty last") {
  SorterOptions o;
  o.keys = *ParseSortKeys("place", SortType::kText, false);
  auto r = Sort(o, {{"place", "n"},
                    {"Östermalm", "1"},
                    {"", "2"},
                    {"Akalla", "3"},
                    {"Åkersberga", "4"},
                    {"akalla", "5"},
                    {"Zinkensdamm", "6"},
                    {"Akalla", "7"},
                    {"Älvsjö", "8"}});
  REQUIRE(r.ok());
  // akalla and Akalla are equal (case does not count): input order.
  CHECK(Col(*r, 1) == std::vector<std::string>{"3", "5", "7", "6", "4", "8", "1", "2"});
  // Lines travel with their records.
  CHECK((*r)[0].line == 4);
  CHECK((*r)[0].source == "test.csv");
}

TEST_CASE("descending keys keep empty cells last; numbers by value") {
  SorterOptions o;
  o.keys = *ParseSortKeys("n:n:desc", SortType::kText, false);
  auto r = Sort(o, {{"n"}, {"9"}, {""}, {"10"}, {"-2"}, {"12,5"}, {"9"}});
  REQUIRE(r.ok());
  CHECK(Col(*r, 0) == std::vector<std::string>{"12,5", "10", "9", "9", "-2", ""});
  o.keys = *ParseSortKeys("n:n", SortType::kText, false);
  r = Sort(o, {{"n"}, {"9"}, {""}, {"10"}, {"-2"}});
  REQUIRE(r.ok());
  CHECK(Col(*r, 0) == std::vector<std::string>{"-2", "9", "10", ""});
}

TEST_CASE("several keys; times by instant") {
  SorterOptions o;
  o.keys = *ParseSortKeys("young:n:desc,posted_at:time:desc", SortType::kText, false);
  auto r = Sort(o, {{"young", "posted_at", "id"},
                    {"0", "2026-03-05T10:00:00Z", "a"},
                    {"1", "2026-03-01T10:00:00Z", "b"},
                    {"1", "2026-03-02T00:30:00+01:00", "c"},  // 2026-03-01T23:30Z
                    {"1", "2026-03-01T23:00:00Z", "d"},
                    {"", "2026-03-09T10:00:00Z", "e"}});
  REQUIRE(r.ok());
  CHECK(Col(*r, 2) == std::vector<std::string>{"c", "d", "b", "a", "e"});
}

TEST_CASE("bad cells are data errors naming FILE:LINE and the column") {
  SorterOptions o;
  o.keys = *ParseSortKeys("age:n", SortType::kText, false);
  auto r = Sort(o, {{"age"}, {"23"}, {"twenty"}});
  CHECK(r.status().code() == Status::Code::kData);
  CHECK(r.status().message().find("test.csv:3: age: 'twenty' is not a number") == 0);
  o.keys = *ParseSortKeys("t:time", SortType::kText, false);
  r = Sort(o, {{"t"}, {"2026-03-02"}, {"last week"}});
  CHECK(r.status().code() == Status::Code::kData);
  CHECK(r.status().message().find("test.csv:3: t: 'last week' is not a time") == 0);
}

TEST_CASE("an unknown key column is a usage error that lists the columns") {
  SorterOptions o;
  o.keys = *ParseSortKeys("nope", SortType::kText, false);
  auto r = Sort(o, {{"a", "b"}, {"1", "2"}});
  CHECK(r.status().code() == Status::Code::kUsage);
  CHECK(r.status().message().find("no column 'nope'") != std::string::npos);
  CHECK(r.status().message().find("(columns: a, b)") != std::string::npos);
}

TEST_CASE("empty input passes through; no keys means every column") {
  SorterOptions o;
  o.keys = *ParseSortKeys("x", SortType::kText, false);
  auto r = Sort(o, {});
  REQUIRE(r.ok());
  CHECK(r->empty());
  SorterOptions all;
  r = Sort(all, {{"a", "b"}, {"b", "2"}, {"a", "9"}, {"a", "10"}});
  REQUIRE(r.ok());
  CHECK(Col(*r, 1) == std::vector<std::string>{"10", "9", "2"});  // text order: "10" < "9"
}

TEST_CASE("unique keeps the first record of each key") {
  SorterOptions o;
  o.keys = *ParseSortKeys("k", SortType::kText, false);
  o.unique = true;
  auto r = Sort(o, {{"k", "n"}, {"b", "1"}, {"a", "2"}, {"b", "3"}, {"A", "4"}, {"a", "5"}});
  REQUIRE(r.ok());
  CHECK(Col(*r, 1) == std::vector<std::string>{"2", "1"});  // a, A and a are one key
}

// The external merge: a tiny budget spills every record or few into runs;
// the result must equal an in-memory stable sort, also with multi-pass
// merges (fan_in 2 and 3), descending keys and unique.
TEST_CASE("external merge equals an in-memory stable sort") {
  std::mt19937 rng(42);
  const char* words[] = {"Åre", "apa", "Apa", "Östermalm", "zebra", "", "Ängby", "bil", "é", "e"};
  std::vector<std::vector<std::string>> rows{{"w", "n", "seq"}};
  for (int i = 0; i < 800; ++i) {
    rows.push_back({words[rng() % 10], rng() % 7 == 0 ? "" : std::to_string(int(rng() % 50) - 10),
                    std::to_string(i)});
  }
  for (const char* spec : {"w", "n:n:desc,w:desc", "w:bytes,n:n"}) {
    for (bool unique : {false, true}) {
      SorterOptions mem;
      mem.keys = *ParseSortKeys(spec, SortType::kText, false);
      mem.unique = unique;
      size_t spilled = 99;
      auto want = Sort(mem, rows, &spilled);
      REQUIRE(want.ok());
      CHECK(spilled == 0);
      for (size_t budget : {size_t{1}, size_t{8} << 10, size_t{2} << 20}) {
        for (size_t fan_in : {size_t{2}, size_t{3}, size_t{64}}) {
          SorterOptions ext = mem;
          ext.buffer_bytes = budget;
          ext.fan_in = fan_in;
          auto got = Sort(ext, rows, &spilled);
          REQUIRE(got.ok());
          CAPTURE(spec);
          CAPTURE(unique);
          CAPTURE(budget);
          CAPTURE(fan_in);
          if (budget == 1) CHECK(spilled > 100);
          if (budget == (size_t{8} << 10)) CHECK((spilled > 1 && spilled < 100));
          CHECK(Col(*got, 2) == Col(*want, 2));
          CHECK(Col(*got, 0) == Col(*want, 0));
        }
        if (budget > (size_t{8} << 10)) CHECK(spilled == 0);  // 2 MiB holds all 800 rows
      }
    }
  }
  // The reference itself: stable and in Swedish order.
  SorterOptions o;
  o.keys = *ParseSortKeys("w", SortType::kText, false);
  auto r = Sort(o, rows);
  REQUIRE(r.ok());
  auto sv = Collator::Swedish();
  for (size_t i = 1; i < r->size(); ++i) {
    const std::string& a = (*r)[i - 1].fields[0];
    const std::string& b = (*r)[i].fields[0];
    if (b.empty()) continue;
    REQUIRE(!a.empty());
    int c = (*sv)->Compare(a, b);
    CHECK(c <= 0);
    if (c == 0) CHECK(std::stoi((*r)[i - 1].fields[2]) < std::stoi((*r)[i].fields[2]));
  }
}

TEST_CASE("temporary runs leave no files, also when the sort fails") {
  int before = CountTempFiles();
  SorterOptions o;
  o.keys = *ParseSortKeys("n:n", SortType::kText, false);
  o.buffer_bytes = 1;
  o.temp_dir = "/tmp";
  std::vector<std::vector<std::string>> rows{{"n"}};
  for (int i = 0; i < 200; ++i) rows.push_back({std::to_string(200 - i)});
  {
    Sorter s(o);
    CollectSink out;
    s.SetNext(&out);
    REQUIRE(s.Begin(Header(rows[0])).ok());
    for (size_t i = 1; i < rows.size(); ++i) {
      Record r = Row(rows[i], 0);
      REQUIRE(s.Push(r).ok());
    }
    CHECK(s.runs_spilled() > 100);
    CHECK(CountTempFiles() == before);  // unlinked while open
  }
  rows.push_back({"oops"});
  auto r = Sort(o, rows);
  CHECK(r.status().code() == Status::Code::kData);
  CHECK(CountTempFiles() == before);
}

TEST_CASE("a temp folder that does not exist is an I/O error naming it") {
  SorterOptions o;
  o.keys = *ParseSortKeys("n", SortType::kText, false);
  o.buffer_bytes = 1;
  o.temp_dir = "/nonexistent/karta";
  auto r = Sort(o, {{"n"}, {"b"}, {"a"}});
  CHECK(r.status().code() == Status::Code::kIo);
  CHECK(r.status().message().find("/nonexistent/karta") != std::string::npos);
}

}  // namespace
}  // namespace karta
