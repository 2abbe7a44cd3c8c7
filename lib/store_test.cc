#include "lib/store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include "lib/pg.h"
#include "lib/store_db.h"

namespace karta {
namespace {

// A fresh store path in a temporary directory.
std::string TempStore() {
  char dir[] = "/tmp/karta-store-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  return std::string(dir) + "/h.sqlite";
}

// A fresh database on the test server, when tests/pg/pgserver.py runs us
// (KARTA_TEST_PG_URL, e.g. postgresql://karta@127.0.0.1:PORT/postgres).
std::string TempPgStore() {
  static int n = 0;
  const char* admin = std::getenv("KARTA_TEST_PG_URL");
  REQUIRE(admin != nullptr);
  std::string name = "karta_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
  auto db = OpenPgDb(admin);
  REQUIRE(db.ok());
  REQUIRE((*db)->Exec("CREATE DATABASE " + name).ok());
  std::string url(admin);
  return url.substr(0, url.rfind('/') + 1) + name;
}

// The stores every backend-independent test runs on: a fresh SQLite file,
// and a fresh PostgreSQL database when a test server is there.
std::vector<std::string> FreshStores() {
  std::vector<std::string> out = {TempStore()};
  if (std::getenv("KARTA_TEST_PG_URL")) out.push_back(TempPgStore());
  return out;
}

Sighting Sg(std::string key, std::string cluster, std::string kommun, std::string posted,
            std::string site = "") {
  Sighting s;
  s.site = std::move(site);
  s.key = std::move(key);
  s.cluster = std::move(cluster);
  s.kommun = std::move(kommun);
  s.posted_at = std::move(posted);
  return s;
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
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    CHECK((*s)->schema_version() == Store::kSchemaVersion);
    Record(
        s->get(), "2026-11-16T09:00:00Z",
        {Sg("a", "c1", "Solna", ""), Sg("b", "c1", "Solna", ""), Sg("c", "c2", "Stockholm", "")});
    // The next run, half an hour later in the day.
    Record(s->get(), "2026-11-23T09:30:00Z",
           {Sg("b", "c1", "Solna", ""), Sg("c", "c2", "Nacka", ""), Sg("d", "", "Nacka", ""),
            Sg("d", "c3", "", "")});
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
}

// Trend rows as "g1,g2,...,ads,new,clusters".
std::vector<std::string> TrendRows(Store* s, const std::vector<std::string>& by) {
  auto t = s->Trend(by, false);
  REQUIRE(t.ok());
  std::vector<std::string> rows;
  for (const auto& r : *t) {
    std::string line;
    for (const auto& g : r.group) line += g + ",";
    rows.push_back(line + std::to_string(r.ads) + "," + std::to_string(r.new_ads) + "," +
                   std::to_string(r.clusters));
  }
  return rows;
}

TEST_CASE("store: trend from the per-run counts equals trend over the sightings") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Store* st = s->get();
    // Week 48 recorded first, then week 47 (a late backfill): a and b move
    // their first sighting to week 47, so week 48's new drops to c.
    Record(st, "2026-11-23T09:00:00Z",
           {Sg("a", "c1", "Solna", ""), Sg("b", "c1", "Nacka", ""), Sg("c", "c2", "Solna", "")});
    CHECK(TrendRows(st, {"kommun", "week"}) ==
          std::vector<std::string>{"Nacka,2026-W48,1,1,1", "Solna,2026-W48,2,2,2"});
    Record(st, "2026-11-16T09:00:00Z", {Sg("a", "c1", "Solna", ""), Sg("b", "c1", "Nacka", "")});
    CHECK(TrendRows(st, {"kommun", "week"}) ==
          std::vector<std::string>{"Nacka,2026-W47,1,1,1", "Nacka,2026-W48,1,0,1",
                                   "Solna,2026-W47,1,1,1", "Solna,2026-W48,2,1,2"});
    // The week alone: clusters are distinct over the kommuner (c1 is in both).
    CHECK(TrendRows(st, {"week"}) == std::vector<std::string>{"2026-W47,2,2,1", "2026-W48,3,1,2"});
    // The same order of dimensions as asked.
    CHECK(TrendRows(st, {"week", "kommun"}).front() == "2026-W47,Nacka,1,1,1");
    // A second run in week 48: a key seen in both runs counts once (the
    // counts per run cannot say so; the sightings answer).
    Record(st, "2026-11-25T09:00:00Z", {Sg("a", "c1", "Solna", ""), Sg("d", "c3", "Solna", "")});
    CHECK(TrendRows(st, {"kommun", "week"}) ==
          std::vector<std::string>{"Nacka,2026-W47,1,1,1", "Nacka,2026-W48,1,0,1",
                                   "Solna,2026-W47,1,1,1", "Solna,2026-W48,3,2,3"});
    // By day the two week-48 runs are apart again.
    CHECK(TrendRows(st, {"day"}) ==
          std::vector<std::string>{"2026-11-16,2,2,1", "2026-11-23,3,1,2", "2026-11-25,2,1,2"});
    // Purge takes a run's counts with it.
    REQUIRE(st->Purge("2026-11-20T00:00:00Z").ok());
    CHECK(TrendRows(st, {"day"}) ==
          std::vector<std::string>{"2026-11-23,3,1,2", "2026-11-25,2,1,2"});
  }
}

TEST_CASE("store: an entry keeps its latest cluster and counts its runs") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Record(s->get(), "2026-11-16T09:00:00Z", {Sg("a", "c1", "Solna", "2026-11-10T00:00:00Z")});
    Record(s->get(), "2026-11-23T09:00:00Z", {Sg("a", "c9", "", "")});
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
}

TEST_CASE("store: a run not committed leaves no trace") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    {
      auto s = Store::Open(path);
      REQUIRE(s.ok());
      Record(s->get(), "2026-11-16T09:00:00Z", {Sg("a", "", "", "")});
      REQUIRE((*s)->BeginRun("2026-11-23T09:00:00Z").ok());
      REQUIRE((*s)->Add(Sg("b", "", "", "")).ok());
      // Destroyed without CommitRun.
    }
    auto s = Store::Open(path, true);
    REQUIRE(s.ok());
    auto runs = (*s)->Runs();
    REQUIRE(runs.ok());
    CHECK(runs->size() == 1);
    CHECK(Keys((*s)->New("2026-11-23", 30)) == std::vector<std::string>{"a"});
  }
}

TEST_CASE("store: purge removes what was last seen before the cutoff") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Record(s->get(), "2025-01-06T09:00:00Z", {Sg("old", "", "", ""), Sg("both", "", "", "")});
    Record(s->get(), "2026-11-23T09:00:00Z", {Sg("both", "", "", ""), Sg("new", "", "", "")});
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

Sighting Person1(std::string key, std::string cluster, std::string phones, bool under18 = false) {
  Sighting s = Sg(std::move(key), std::move(cluster), "Solna", "");
  s.phones = std::move(phones);
  s.under18 = under18;
  return s;
}

TEST_CASE("store: outreach people, claims and contacts that follow merges and splits") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Store* st = s->get();
    // Week 1: A has ads a1, a2; B has b1; C has c1 (flagged under 18).
    Record(st, "2026-11-16T09:00:00Z",
           {Person1("a1", "A", "+46701740605"), Person1("a2", "A", "+46701740606"),
            Person1("b1", "B", "+46701740607"), Person1("c1", "C", "", true)});
    auto people =
        st->People("2026-11-10T00:00:00Z", "2026-11-10T00:00:00Z", "2026-11-16T10:00:00Z");
    REQUIRE(people.ok());
    REQUIRE(people->size() == 3);
    const Person& a = (*people)[0];
    CHECK(a.id == "A");
    CHECK(a.ads == 2);
    CHECK(a.phones == std::vector<std::string>{"+46701740605", "+46701740606"});
    CHECK(a.is_new);
    CHECK((*people)[2].under18);
    CHECK((*people)[2].under18_since == "2026-11-16T09:00:00Z");

    // Claims: one holder; the same worker extends; expired claims are free.
    auto c1 = st->Claim("A", "anna", "2026-11-16T10:00:00Z", "2026-11-18T10:00:00Z");
    REQUIRE(c1.ok());
    CHECK(c1->claimed);
    auto c2 = st->Claim("A", "bo", "2026-11-16T11:00:00Z", "2026-11-18T11:00:00Z");
    REQUIRE(c2.ok());
    CHECK_FALSE(c2->claimed);
    CHECK(c2->holder == "anna");
    CHECK(st->Claim("A", "anna", "2026-11-16T12:00:00Z", "2026-11-19T12:00:00Z")->claimed);
    auto c3 = st->Claim("A", "bo", "2026-11-19T12:00:00Z", "2026-11-21T12:00:00Z");
    CHECK(c3->claimed);
    CHECK(c3->holder == "bo");
    CHECK_FALSE(*st->Release("A", "anna", false));
    CHECK(*st->Release("A", "bo", false));
    CHECK(st->Claim("B", "bo", "2026-11-16T10:00:00Z", "2026-11-18T10:00:00Z")->claimed);
    CHECK(*st->Release("B", "anna", true));

    // Contacts with A and B.
    ContactEvent e;
    e.person = "A";
    e.at = "2026-11-17T10:00:00Z";
    e.worker = "anna";
    e.channel = "sms";
    e.outcome = "reached";
    REQUIRE(st->AddContact(e).ok());
    e.person = "B";
    e.at = "2026-11-17T11:00:00Z";
    e.outcome = "no-answer";
    REQUIRE(st->AddContact(e).ok());

    // Week 2: B's ad now belongs to A (a merge); a2 moved to a new cluster D
    // (a split); E is new.
    Record(st, "2026-11-23T09:00:00Z",
           {Person1("a1", "A", "+46701740605"), Person1("a2", "D", "+46701740606"),
            Person1("b1", "A", "+46701740607"), Person1("e1", "E", "+46701740608")});
    auto hist = st->Contacts("A");
    REQUIRE(hist.ok());
    REQUIRE(hist->size() == 2);  // its own and B's, merged in
    CHECK((*hist)[0].outcome == "reached");
    CHECK((*hist)[1].outcome == "no-answer");
    auto split = st->Contacts("D");
    REQUIRE(split.ok());
    REQUIRE(split->size() == 1);  // a2 carries A's contact into D
    CHECK((*split)[0].outcome == "reached");
    CHECK(st->Contacts("E")->empty());
    people = st->People("2026-11-17T00:00:00Z", "2026-11-17T00:00:00Z", "2026-11-23T10:00:00Z");
    REQUIRE(people.ok());
    std::map<std::string, Person> by;
    for (auto& p : *people) by[p.id] = p;
    CHECK(by.count("B") == 0);
    CHECK(by["A"].last_outcome == "no-answer");
    CHECK(by["A"].contacts == 2);
    CHECK_FALSE(by["A"].is_new);
    CHECK(by["E"].is_new);
    CHECK(by["E"].last_outcome.empty());
    CHECK(by["D"].last_outcome == "reached");
    auto found = st->FindPerson("C", "2026-11-23T10:00:00Z");
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->under18);
    CHECK(!(*st->FindPerson("nobody", "2026-11-23T10:00:00Z")).has_value());

    // Purge: contacts before the cutoff go, their counts stay.
    REQUIRE(st->Claim("E", "bo", "2026-11-23T10:00:00Z", "2026-11-25T10:00:00Z")->claimed);
    auto p = st->Purge("2026-11-20T00:00:00Z");
    REQUIRE(p.ok());
    CHECK(p->contacts == 2);
    CHECK(p->claims == 0);
    CHECK(st->AllContacts()->empty());
    auto counts = st->PurgedCounts();
    REQUIRE(counts.ok());
    REQUIRE(counts->size() == 2);
    CHECK((*counts)[0].week == "2026-W47");
    CHECK((*counts)[0].attempts == 1);
    CHECK(st->Purge("2026-12-20T00:00:00Z")->claims == 1);
  }
}

TEST_CASE("store: several runs recorded at once lose and double nothing") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    // Two connections, runs open at the same time on the server (on SQLite
    // the second waits for the first; here they take turns).
    auto s1 = Store::Open(path);
    REQUIRE(s1.ok());
    auto s2 = Store::Open(path);
    REQUIRE(s2.ok());
    Record(s1->get(), "2026-11-23T09:00:00Z", {Sg("x", "", "", ""), Sg("y", "", "", "")});
    Record(s2->get(), "2026-11-23T09:05:00Z", {Sg("y", "", "", ""), Sg("z", "", "", "")});
    auto runs = (*s1)->Runs();
    REQUIRE(runs.ok());
    REQUIRE(runs->size() == 2);
    CHECK((*runs)[0].records + (*runs)[1].records == 4);
    CHECK((*runs)[0].new_keys + (*runs)[1].new_keys == 3);
    auto e = (*s2)->New("2026-11-23", 1);
    REQUIRE(e.ok());
    CHECK(e->size() == 3);
  }
}

TEST_CASE("store: a version 1 store is migrated and keeps its data") {
  std::string path = TempStore();
  {
    sqlite3* db;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const char* v1 =
        "CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version "
        "VALUES(1);"
        "CREATE TABLE runs(id INTEGER PRIMARY KEY, as_of TEXT NOT NULL, recorded_at TEXT NOT "
        "NULL, records INTEGER NOT NULL DEFAULT 0, new INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE ads(key TEXT PRIMARY KEY, cluster TEXT NOT NULL DEFAULT '', kommun TEXT "
        "NOT NULL DEFAULT '', posted_at TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL, "
        "last_seen TEXT NOT NULL, first_run INTEGER NOT NULL, last_run INTEGER NOT NULL, "
        "times_seen INTEGER NOT NULL DEFAULT 1);"
        "CREATE TABLE sightings(run INTEGER NOT NULL, key TEXT NOT NULL, cluster TEXT NOT NULL "
        "DEFAULT '', kommun TEXT NOT NULL DEFAULT '', PRIMARY KEY(run, key)) WITHOUT ROWID;"
        "INSERT INTO runs VALUES(1, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z', 1, 1);"
        "INSERT INTO ads VALUES('a', 'c1', 'Solna', '', '2026-11-16T09:00:00Z', "
        "'2026-11-16T09:00:00Z', 1, 1, 1);"
        "INSERT INTO sightings VALUES(1, 'a', 'c1', 'Solna');";
    REQUIRE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto s = Store::Open(path, true);
  REQUIRE(s.ok());
  CHECK((*s)->schema_version() == Store::kSchemaVersion);
  auto people = (*s)->People("2026-11-01", "2026-11-01", "2026-11-16T10:00:00Z");
  REQUIRE(people.ok());
  REQUIRE(people->size() == 1);
  CHECK((*people)[0].id == "c1");
  // The old run recorded no coverage: it covers everything, and the ads
  // (without a site) are covered by every later run.
  REQUIRE((*s)->BeginRun("2026-11-23T09:00:00Z").ok());
  REQUIRE((*s)->Add(Sg("b", "c2", "Solna", "", "a.example")).ok());
  REQUIRE((*s)->CommitRun().ok());
  CHECK(Keys((*s)->Gone("2026-11-23T09:00:00Z", 7)) == std::vector<std::string>{"a"});
  auto runs = (*s)->Runs();
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].sites.empty());
  CHECK((*runs)[1].sites == std::vector<std::string>{"a.example"});
  // The counts per run were made for the old run by the migration.
  CHECK(TrendRows(s->get(), {"kommun", "week"}) ==
        std::vector<std::string>{"Solna,2026-W47,1,1,1", "Solna,2026-W48,1,1,1"});
}

TEST_CASE("pg: the URL is shown without its password") {
  CHECK(PgRedactUrl("postgresql://karta:secret@db.example:5432/karta") ==
        "postgresql://karta:***@db.example:5432/karta");
  CHECK(PgRedactUrl("postgresql://karta@db.example/karta") ==
        "postgresql://karta@db.example/karta");
  CHECK(PgRedactUrl("postgresql://db.example/karta?password=secret&sslmode=require") ==
        "postgresql://db.example/karta?password=***&sslmode=require");
  CHECK(PgSchemaSql("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER) WITHOUT ROWID;") ==
        "CREATE TABLE t(id BIGSERIAL PRIMARY KEY, n BIGINT);");
  CHECK(IsPostgresUrl("postgres://x/y"));
  CHECK(!IsPostgresUrl("h.sqlite"));
  auto bad = OpenPgDb("postgresql://karta:secret@127.0.0.1:1/karta?connect_timeout=2");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("secret") == std::string::npos);
  CHECK(bad.status().message().find("cannot connect to the team store") != std::string::npos);
}

// Regression (#23.11): readers waited 30 s behind a recording writer, and a
// damaged store exited 2 (usage) with no integrity check at open.
TEST_CASE("store: reader-does-not-wait-for-writer, damaged-store is bad data") {
  std::string path = TempStore();
  auto writer = Store::Open(path);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->BeginRun("2026-11-16T00:00:00Z").ok());
  auto start = std::chrono::steady_clock::now();
  {
    auto reader = Store::Open(path, true);
    REQUIRE_MESSAGE(reader.ok(), reader.status().message());
    CHECK((*reader)->Runs().ok());
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  (*writer)->AbortRun();
  writer->reset();

  // Damage the store in the middle of the file: bad data, not a usage error.
  std::string damaged = TempStore();
  {
    auto s = Store::Open(damaged);
    REQUIRE(s.ok());
    REQUIRE((*s)->BeginRun("2026-11-16T00:00:00Z").ok());
    Sighting g;
    for (int i = 0; i < 2000; ++i) {
      g.key = "https://x.example/" + std::to_string(i);
      g.kommun = "Solna";
      REQUIRE((*s)->Add(g).ok());
    }
    REQUIRE((*s)->CommitRun().ok());
  }
  {
    sqlite3* db;
    REQUIRE(sqlite3_open(damaged.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
  }
  FILE* f = fopen(damaged.c_str(), "r+b");
  REQUIRE(f);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  REQUIRE(size > 8192);
  std::string junk(4096, '\x5a');
  fseek(f, 4096, SEEK_SET);  // page 2 onwards: schema and data pages
  fwrite(junk.data(), 1, junk.size(), f);
  fclose(f);
  auto bad = Store::Open(damaged, true);
  REQUIRE(!bad.ok());
  CHECK_MESSAGE(bad.status().code() == Status::Code::kData, bad.status().message());
  CHECK(bad.status().message().find("damaged") != std::string::npos);
  // A reader skips the whole-file check; the damaged pages it reads say so.
  auto reader = Store::Open(damaged, true, /*writes=*/false);
  if (reader.ok()) {
    auto n = (*reader)->New("2026-11-16T00:00:00Z", 7);
    REQUIRE(!n.ok());
    CHECK_MESSAGE(n.status().code() == Status::Code::kData, n.status().message());
    CHECK(n.status().message().find("damaged") != std::string::npos);
  } else {
    CHECK(reader.status().code() == Status::Code::kData);
  }
}

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
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Store* st = s->get();
    // Week 1: both sites up.
    RecordCovering(st, "2026-11-15T20:00:00Z",
                   {Sg("a1", "", "Solna", "", "a.example"), Sg("a2", "", "Solna", "", "a.example"),
                    Sg("b1", "", "Nacka", "", "b.example"), Sg("b2", "", "Nacka", "", "b.example")},
                   {"a.example", "b.example"});
    // Week 2: b.example is down. a2 has gone; nothing of b is gone.
    RecordCovering(st, "2026-11-22T20:00:00Z",
                   {Sg("a1", "", "Solna", "", "a.example"), Sg("a3", "", "Solna", "", "a.example")},
                   {"a.example"}, {"b.example"});
    CHECK(Keys(st->Gone("2026-11-22T20:00:00Z", 7)) == std::vector<std::string>{"a2"});
    CHECK(Keys(st->New("2026-11-22T20:00:00Z", 7)) == std::vector<std::string>{"a3"});
    // Week 3: b is back without b2: b2 is gone now (its last sighting was
    // two weeks ago, the first run since that covered b.example missed it).
    RecordCovering(st, "2026-11-29T20:00:00Z",
                   {Sg("a1", "", "Solna", "", "a.example"), Sg("a3", "", "Solna", "", "a.example"),
                    Sg("b1", "", "Nacka", "", "b.example")},
                   {"a.example", "b.example"});
    CHECK(Keys(st->Gone("2026-11-29T20:00:00Z", 7)) == std::vector<std::string>{"b2"});
    // a2 was gone a week earlier and is not counted again.
    CHECK(Keys(st->Gone("2026-11-29T20:00:00Z", 14)) == std::vector<std::string>{"a2", "b2"});
    // Week 4: a run with no coverage given covers the sites it saw.
    Record(st, "2026-12-06T20:00:00Z", {Sg("a1", "", "Solna", "", "a.example")});
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
}

TEST_CASE("store: ads without a site are covered by every run (stores from before coverage)") {
  for (const std::string& path : FreshStores()) {
    CAPTURE(path);
    auto s = Store::Open(path);
    REQUIRE(s.ok());
    Record(s->get(), "2026-11-16T09:00:00Z", {Sg("x", "", "", "", ""), Sg("y", "", "", "", "")});
    RecordCovering(s->get(), "2026-11-23T09:00:00Z", {Sg("x", "", "", "", "")}, {"a.example"});
    CHECK(Keys((*s)->Gone("2026-11-23T09:00:00Z", 7)) == std::vector<std::string>{"y"});
  }
}

}  // namespace
}  // namespace karta
