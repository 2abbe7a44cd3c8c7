#include "lib/store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace karta {
namespace {

// A fresh store path in a temporary directory.
std::string TempStore() {
  char dir[] = "/tmp/karta-store-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  return std::string(dir) + "/h.sqlite";
}

void Record(Store* s, const std::string& as_of, const std::vector<Sighting>& seen) {
  REQUIRE(s->BeginRun(as_of).ok());
  for (const auto& x : seen) REQUIRE(s->Add(x).ok());
  auto r = s->CommitRun();
  REQUIRE(r.ok());
}

std::vector<std::string> Keys(const Result<std::vector<Entry>>& r) {
  REQUIRE(r.ok());
  std::vector<std::string> k;
  for (const auto& e : *r) k.push_back(e.key);
  return k;
}

TEST_CASE("time: parse and format RFC 3339") {
  CHECK(FormatTime(*ParseTime("2026-11-23")) == "2026-11-23T00:00:00Z");
  CHECK(FormatTime(*ParseTime("2026-11-23T08:05:09Z")) == "2026-11-23T08:05:09Z");
  CHECK(FormatTime(*ParseTime("2026-11-23T08:05:09+01:00")) == "2026-11-23T07:05:09Z");
  CHECK(FormatTime(*ParseTime("2026-11-23 08:05")) == "2026-11-23T08:05:00Z");
  CHECK(FormatTime(*ParseTime("2026-11-23T08:05:09.123Z")) == "2026-11-23T08:05:09Z");
  CHECK(FormatTime(0) == "1970-01-01T00:00:00Z");
  CHECK(!ParseTime("2026-13-01").ok());
  CHECK(!ParseTime("2026-02-30").ok());
  CHECK(!ParseTime("yesterday").ok());
  CHECK(!ParseTime("2026-11-23T08").ok());
}

TEST_CASE("time: ISO weeks") {
  CHECK(IsoWeek(*ParseTime("2026-11-23")) == "2026-W48");  // a Monday
  CHECK(IsoWeek(*ParseTime("2026-11-29")) == "2026-W48");  // a Sunday
  CHECK(IsoWeek(*ParseTime("2026-11-30")) == "2026-W49");
  CHECK(IsoWeek(*ParseTime("2021-01-03")) == "2020-W53");
  CHECK(IsoWeek(*ParseTime("2024-12-30")) == "2025-W01");
  CHECK(IsoWeek(*ParseTime("1970-01-01")) == "1970-W01");
}

TEST_CASE("periods") {
  CHECK(ParsePeriod("7d")->count == 7);
  CHECK(ParsePeriod("12m")->unit == 'm');
  CHECK(!ParsePeriod("7").ok());
  CHECK(!ParsePeriod("d").ok());
  CHECK(!ParsePeriod("-1d").ok());
  CHECK(!ParsePeriod("7h").ok());
  int64_t t = *ParseTime("2026-03-31T10:00:00Z");
  CHECK(FormatTime(Before(t, *ParsePeriod("1m"))) == "2026-02-28T10:00:00Z");
  CHECK(FormatTime(Before(t, *ParsePeriod("12m"))) == "2025-03-31T10:00:00Z");
  CHECK(FormatTime(Before(t, *ParsePeriod("2w"))) == "2026-03-17T10:00:00Z");
  CHECK(FormatTime(Before(t, *ParsePeriod("1y"))) == "2025-03-31T10:00:00Z");
  CHECK(PeriodDays(*ParsePeriod("2w")) == 14);
}

TEST_CASE("store: new, gone and trend over two weekly runs") {
  std::string path = TempStore();
  auto s = Store::Open(path);
  REQUIRE(s.ok());
  CHECK((*s)->schema_version() == Store::kSchemaVersion);
  Record(s->get(), "2026-11-16T09:00:00Z",
         {{"a", "c1", "Solna", "", ""}, {"b", "c1", "Solna", "", ""}, {"c", "c2", "Stockholm", "", ""}});
  // The next run, half an hour later in the day.
  Record(s->get(), "2026-11-23T09:30:00Z",
         {{"b", "c1", "Solna", "", ""}, {"c", "c2", "Nacka", "", ""}, {"d", "", "Nacka", "", ""},
          {"d", "c3", "", "", ""}});
  CHECK(Keys((*s)->New("2026-11-23T09:30:00Z", 7)) == std::vector<std::string>{"d"});
  CHECK(Keys((*s)->Gone("2026-11-23T09:30:00Z", 7)) == std::vector<std::string>{"a"});
  // Looking two weeks back, everything is new.
  CHECK(Keys((*s)->New("2026-11-23T09:30:00Z", 14)).size() == 4);
  auto latest = (*s)->LatestRun();
  REQUIRE(latest.ok());
  CHECK(**latest == "2026-11-23T09:30:00Z");

  auto runs = (*s)->Runs();
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].records == 3);
  CHECK((*runs)[0].new_keys == 3);
  CHECK((*runs)[1].records == 3);  // d twice counts once
  CHECK((*runs)[1].new_keys == 1);

  auto t = (*s)->Trend({"kommun", "week"}, false);
  REQUIRE(t.ok());
  std::vector<std::string> rows;
  for (const auto& r : *t) {
    rows.push_back(r.group[0] + "," + r.group[1] + "," + std::to_string(r.ads) + "," +
                   std::to_string(r.new_ads) + "," + std::to_string(r.clusters));
  }
  CHECK(rows == std::vector<std::string>{"Nacka,2026-W48,2,1,2", "Solna,2026-W47,2,2,1",
                                         "Solna,2026-W48,1,0,1", "Stockholm,2026-W47,1,1,1"});
  CHECK(!(*s)->Trend({"colour"}, false).ok());
}

TEST_CASE("store: an entry keeps its latest cluster and counts its runs") {
  std::string path = TempStore();
  auto s = Store::Open(path);
  REQUIRE(s.ok());
  Record(s->get(), "2026-11-16T09:00:00Z", {{"a", "c1", "Solna", "2026-11-10T00:00:00Z", ""}});
  Record(s->get(), "2026-11-23T09:00:00Z", {{"a", "c9", "", "", ""}});
  auto e = (*s)->New("2026-11-23T09:00:00Z", 30);
  REQUIRE(e.ok());
  REQUIRE(e->size() == 1);
  CHECK((*e)[0].cluster == "c9");
  CHECK((*e)[0].kommun == "Solna");
  CHECK((*e)[0].posted_at == "2026-11-10T00:00:00Z");
  CHECK((*e)[0].first_seen == "2026-11-16T09:00:00Z");
  CHECK((*e)[0].last_seen == "2026-11-23T09:00:00Z");
  CHECK((*e)[0].times_seen == 2);
}

TEST_CASE("store: a run not committed leaves no trace") {
  std::string path = TempStore();
  {
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Record(s->get(), "2026-11-16T09:00:00Z", {{"a", "", "", "", ""}});
    REQUIRE((*s)->BeginRun("2026-11-23T09:00:00Z").ok());
    REQUIRE((*s)->Add({"b", "", "", "", ""}).ok());
    // Destroyed without CommitRun.
  }
  auto s = Store::Open(path, true);
  REQUIRE(s.ok());
  auto runs = (*s)->Runs();
  REQUIRE(runs.ok());
  CHECK(runs->size() == 1);
  CHECK(Keys((*s)->New("2026-11-23", 30)) == std::vector<std::string>{"a"});
}

TEST_CASE("store: purge removes what was last seen before the cutoff") {
  std::string path = TempStore();
  auto s = Store::Open(path);
  REQUIRE(s.ok());
  Record(s->get(), "2025-01-06T09:00:00Z", {{"old", "", "", "", ""}, {"both", "", "", "", ""}});
  Record(s->get(), "2026-11-23T09:00:00Z", {{"both", "", "", "", ""}, {"new", "", "", "", ""}});
  auto p = (*s)->Purge("2025-11-23T09:00:00Z");
  REQUIRE(p.ok());
  CHECK(p->ads == 1);
  CHECK(p->sightings == 2);
  CHECK(p->runs == 1);
  CHECK(p->ads_left == 2);
  auto again = (*s)->Purge("2025-11-23T09:00:00Z");
  REQUIRE(again.ok());
  CHECK(again->ads + again->sightings + again->runs == 0);
  CHECK((*s)->Runs()->size() == 1);
}

TEST_CASE("store: created 0600, refuses a file that is not a store, and a newer schema") {
  std::string path = TempStore();
  {
    auto s = Store::Open(path);
    REQUIRE(s.ok());
  }
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // Reopening does not migrate again.
  {
    auto s = Store::Open(path, true);
    REQUIRE(s.ok());
    CHECK((*s)->schema_version() == Store::kSchemaVersion);
  }
  // A store from the future.
  {
    sqlite3* db;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
    auto s = Store::Open(path, true);
    REQUIRE(!s.ok());
    CHECK(s.status().message().find("schema version 99, newer than this karta knows") !=
          std::string::npos);
  }
  std::string junk = TempStore();
  FILE* f = fopen(junk.c_str(), "w");
  fputs("url,text\nhttp://x.example/1,hello hello hello hello hello hello hello hello\n", f);
  fclose(f);
  auto bad = Store::Open(junk, true);
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("not a karta history store") != std::string::npos);
  CHECK(!Store::Open(TempStore(), true).ok());
}

}  // namespace
}  // namespace karta

namespace karta {
namespace {

// Records a run that covered `covered` (and failed `failed`).
void RecordCovering(Store* s, const std::string& as_of, const std::vector<Sighting>& seen,
                    const std::vector<std::string>& covered,
                    const std::vector<std::string>& failed = {}) {
  REQUIRE(s->BeginRun(as_of).ok());
  for (const auto& x : seen) REQUIRE(s->Add(x).ok());
  Coverage c;
  for (const auto& site : covered) c.sites.push_back({site, true, ""});
  for (const auto& site : failed) c.sites.push_back({site, false, "connection refused"});
  c.summary = "fetch: summary of " + as_of;
  REQUIRE(s->SetCoverage(c).ok());
  REQUIRE(s->CommitRun().ok());
}

TEST_CASE("store: an ad is gone only when a run that covered its site missed it") {
  std::string path = TempStore();
  auto s = Store::Open(path);
  REQUIRE(s.ok());
  Store* st = s->get();
  // Week 1: both sites up.
  RecordCovering(st, "2026-11-15T20:00:00Z",
                 {{"a1", "", "Solna", "", "a.example"}, {"a2", "", "Solna", "", "a.example"},
                  {"b1", "", "Nacka", "", "b.example"}, {"b2", "", "Nacka", "", "b.example"}},
                 {"a.example", "b.example"});
  // Week 2: b.example is down. a2 has gone; nothing of b is gone.
  RecordCovering(st, "2026-11-22T20:00:00Z",
                 {{"a1", "", "Solna", "", "a.example"}, {"a3", "", "Solna", "", "a.example"}},
                 {"a.example"}, {"b.example"});
  CHECK(Keys(st->Gone("2026-11-22T20:00:00Z", 7)) == std::vector<std::string>{"a2"});
  CHECK(Keys(st->New("2026-11-22T20:00:00Z", 7)) == std::vector<std::string>{"a3"});
  // Week 3: b is back without b2: b2 is gone now (its last sighting was
  // two weeks ago, the first run since that covered b.example missed it).
  RecordCovering(st, "2026-11-29T20:00:00Z",
                 {{"a1", "", "Solna", "", "a.example"}, {"a3", "", "Solna", "", "a.example"},
                  {"b1", "", "Nacka", "", "b.example"}},
                 {"a.example", "b.example"});
  CHECK(Keys(st->Gone("2026-11-29T20:00:00Z", 7)) == std::vector<std::string>{"b2"});
  // a2 was gone a week earlier and is not counted again.
  CHECK(Keys(st->Gone("2026-11-29T20:00:00Z", 14)) == std::vector<std::string>{"a2", "b2"});
  // Week 4: a run with no coverage given covers the sites it saw.
  Record(st, "2026-12-06T20:00:00Z", {{"a1", "", "Solna", "", "a.example"}});
  CHECK(Keys(st->Gone("2026-12-06T20:00:00Z", 7)) == std::vector<std::string>{"a3"});

  auto runs = st->Runs();
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 4);
  CHECK((*runs)[1].sites == std::vector<std::string>{"a.example"});
  CHECK((*runs)[1].missing == std::vector<std::string>{"b.example: connection refused"});
  CHECK((*runs)[1].summary == "fetch: summary of 2026-11-22T20:00:00Z");
  CHECK((*runs)[2].sites == std::vector<std::string>{"a.example", "b.example"});
  CHECK((*runs)[3].sites == std::vector<std::string>{"a.example"});
  CHECK((*runs)[3].summary.empty());
  CHECK((*runs)[1].gone == 1);
  CHECK((*runs)[2].gone == 1);
  CHECK((*runs)[3].gone == 1);

  // Purge takes the coverage of removed runs with it.
  auto p = st->Purge("2026-11-20T00:00:00Z");
  REQUIRE(p.ok());
  CHECK(p->runs == 1);
  CHECK(st->Runs()->size() == 3);
}

TEST_CASE("store: ads without a site are covered by every run (stores from before coverage)") {
  std::string path = TempStore();
  auto s = Store::Open(path);
  REQUIRE(s.ok());
  Record(s->get(), "2026-11-16T09:00:00Z", {{"x", "", "", "", ""}, {"y", "", "", "", ""}});
  RecordCovering(s->get(), "2026-11-23T09:00:00Z", {{"x", "", "", "", ""}}, {"a.example"});
  CHECK(Keys((*s)->Gone("2026-11-23T09:00:00Z", 7)) == std::vector<std::string>{"y"});
}

TEST_CASE("store: a version 1 store is migrated and keeps its runs") {
  std::string path = TempStore();
  {
    sqlite3* db;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    // The schema as karta 0.1 wrote it, with one run.
    const char* v1 =
        "CREATE TABLE schema_version(version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES(1);"
        "CREATE TABLE runs(id INTEGER PRIMARY KEY, as_of TEXT NOT NULL, recorded_at TEXT NOT "
        "NULL, records INTEGER NOT NULL DEFAULT 0, new INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE ads(key TEXT PRIMARY KEY, cluster TEXT NOT NULL DEFAULT '', kommun TEXT "
        "NOT NULL DEFAULT '', posted_at TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL, "
        "last_seen TEXT NOT NULL, first_run INTEGER NOT NULL, last_run INTEGER NOT NULL, "
        "times_seen INTEGER NOT NULL DEFAULT 1);"
        "CREATE TABLE sightings(run INTEGER NOT NULL, key TEXT NOT NULL, cluster TEXT NOT NULL "
        "DEFAULT '', kommun TEXT NOT NULL DEFAULT '', PRIMARY KEY(run, key)) WITHOUT ROWID;"
        "INSERT INTO runs VALUES(1, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z', 2, 2);"
        "INSERT INTO ads VALUES('x', '', 'Solna', '', '2026-11-16T09:00:00Z', "
        "'2026-11-16T09:00:00Z', 1, 1, 1);"
        "INSERT INTO ads VALUES('y', '', 'Solna', '', '2026-11-16T09:00:00Z', "
        "'2026-11-16T09:00:00Z', 1, 1, 1);"
        "INSERT INTO sightings VALUES(1, 'x', '', 'Solna'), (1, 'y', '', 'Solna');";
    REQUIRE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto s = Store::Open(path, true);
  REQUIRE(s.ok());
  CHECK((*s)->schema_version() == Store::kSchemaVersion);
  RecordCovering(s->get(), "2026-11-23T09:00:00Z", {{"x", "", "Solna", "", "a.example"}},
                 {"a.example"});
  CHECK(Keys((*s)->Gone("2026-11-23T09:00:00Z", 7)) == std::vector<std::string>{"y"});
  auto runs = (*s)->Runs();
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].sites.empty());  // the old run: no coverage recorded (covers everything)
}

}  // namespace
}  // namespace karta
