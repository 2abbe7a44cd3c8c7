#include "lib/store.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "lib/civil.h"
#include "lib/pg.h"
#include "lib/store_db.h"

namespace karta {
namespace {

// The two statements that fill run_counts for the runs `runs` names (an SQL
// set of run ids): per run and kommun (whole = 0), and per run (whole = 1).
// Used by the migration that made the table and by CommitRun.
std::vector<std::string> RunCountsInserts(std::string_view runs) {
  std::vector<std::string> out;
  for (bool whole : {false, true}) {
    out.push_back(fmt::format(
        "INSERT INTO run_counts(run, whole, kommun, ads, new, clusters) SELECT s.run, {}, {}, "
        "count(*), sum(CASE WHEN a.first_run = s.run THEN 1 ELSE 0 END), "
        "count(DISTINCT NULLIF(s.cluster, '')) FROM sightings s LEFT JOIN ads a ON "
        "a.key = s.key WHERE s.run IN {} GROUP BY s.run{}",
        whole ? 1 : 0, whole ? "''" : "s.kommun", runs, whole ? "" : ", s.kommun"));
  }
  return out;
}

// Schema migrations: entry k takes the store from version k to k+1. Never
// edit a released entry; add a new one.
const std::vector<const char*>& Migrations() {
  // 3 -> 4: counts per run and kommun (whole = 0) and per run (whole = 1,
  // kommun ''), kept by CommitRun, so that `history trend` by week and
  // kommun reads a few rows per run instead of every sighting.
  static const std::string v4 =
      "CREATE TABLE run_counts("
      "  run INTEGER NOT NULL,"
      "  whole INTEGER NOT NULL,"
      "  kommun TEXT NOT NULL,"
      "  ads INTEGER NOT NULL,"
      "  new INTEGER NOT NULL,"
      "  clusters INTEGER NOT NULL,"
      "  PRIMARY KEY(run, whole, kommun));" +
      fmt::format("{};", fmt::join(RunCountsInserts("(SELECT id FROM runs)"), ";"));
  static const std::vector<const char*> m = {
      // 0 -> 1: runs, ads, sightings.
      "CREATE TABLE runs("
      "  id INTEGER PRIMARY KEY,"
      "  as_of TEXT NOT NULL,"        // the run's time (RFC 3339 UTC)
      "  recorded_at TEXT NOT NULL,"  // wall-clock time of recording
      "  records INTEGER NOT NULL DEFAULT 0,"
      "  new INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX runs_as_of ON runs(as_of);"
      "CREATE TABLE ads("
      "  key TEXT PRIMARY KEY,"
      "  cluster TEXT NOT NULL DEFAULT '',"
      "  kommun TEXT NOT NULL DEFAULT '',"
      "  posted_at TEXT NOT NULL DEFAULT '',"
      "  first_seen TEXT NOT NULL,"
      "  last_seen TEXT NOT NULL,"
      "  first_run INTEGER NOT NULL,"
      "  last_run INTEGER NOT NULL,"
      "  times_seen INTEGER NOT NULL DEFAULT 1);"
      "CREATE INDEX ads_first_seen ON ads(first_seen);"
      "CREATE INDEX ads_last_seen ON ads(last_seen);"
      "CREATE TABLE sightings("
      "  run INTEGER NOT NULL,"
      "  key TEXT NOT NULL,"
      "  cluster TEXT NOT NULL DEFAULT '',"
      "  kommun TEXT NOT NULL DEFAULT '',"
      "  PRIMARY KEY(run, key)) WITHOUT ROWID;",
      // 1 -> 2: outreach: contact channels and flags per ad, claims, contact
      // events linked to the ads of the person, counts kept after a purge.
      "ALTER TABLE ads ADD COLUMN phones TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE ads ADD COLUMN emails TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE ads ADD COLUMN handles TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE ads ADD COLUMN young INTEGER NOT NULL DEFAULT 0;"
      "ALTER TABLE ads ADD COLUMN under18 INTEGER NOT NULL DEFAULT 0;"
      "CREATE INDEX ads_cluster ON ads(cluster);"
      "CREATE TABLE outreach_claims("
      "  person TEXT PRIMARY KEY,"
      "  worker TEXT NOT NULL,"
      "  claimed_at TEXT NOT NULL,"
      "  expires_at TEXT NOT NULL);"
      "CREATE TABLE outreach_contacts("
      "  id INTEGER PRIMARY KEY,"
      "  person TEXT NOT NULL,"  // the person id when recorded
      "  at TEXT NOT NULL,"
      "  worker TEXT NOT NULL,"
      "  channel TEXT NOT NULL,"
      "  outcome TEXT NOT NULL,"
      "  note TEXT NOT NULL DEFAULT '',"
      "  kommun TEXT NOT NULL DEFAULT '',"  // snapshots for stats
      "  first_seen TEXT NOT NULL DEFAULT '',"
      "  under18_since TEXT NOT NULL DEFAULT '');"
      "CREATE INDEX outreach_contacts_person ON outreach_contacts(person);"
      "CREATE TABLE outreach_contact_ads("
      "  contact INTEGER NOT NULL,"
      "  key TEXT NOT NULL,"
      "  PRIMARY KEY(contact, key));"
      "CREATE INDEX outreach_contact_ads_key ON outreach_contact_ads(key);"
      "CREATE TABLE outreach_counts("
      "  week TEXT NOT NULL,"
      "  kommun TEXT NOT NULL,"
      "  outcome TEXT NOT NULL,"
      "  attempts INTEGER NOT NULL,"
      "  PRIMARY KEY(week, kommun, outcome));",
      // 2 -> 3: coverage. Each ad's site; the sites each run covered (or
      // failed to cover, with why) and the source's summary line.
      "ALTER TABLE ads ADD COLUMN site TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE runs ADD COLUMN summary TEXT NOT NULL DEFAULT '';"
      "CREATE TABLE run_sites("
      "  run INTEGER NOT NULL,"
      "  site TEXT NOT NULL,"
      "  covered INTEGER NOT NULL DEFAULT 1,"
      "  note TEXT NOT NULL DEFAULT '',"
      "  PRIMARY KEY(run, site));",
      v4.c_str(),
  };
  return m;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t DayOf(int64_t t) { return FloorDiv(t, 86400); }

// The run that found ad `a` gone: the first run after its last sighting that
// covered its site. A run covers a site it lists as covered; a run that
// lists no site covers every site; an ad without a site is covered by every
// run.
constexpr const char* kGoneRun =
    "(SELECT r.id FROM runs r WHERE r.as_of > a.last_seen AND (a.site = '' OR EXISTS ("
    "SELECT 1 FROM run_sites c WHERE c.run = r.id AND c.site = a.site AND c.covered = 1) OR "
    "NOT EXISTS (SELECT 1 FROM run_sites c WHERE c.run = r.id)) ORDER BY r.as_of, r.id LIMIT 1)";

}  // namespace

Result<int64_t> ParseTime(std::string_view s) {
  auto t = ParseTimeSeconds(s);
  if (!t) {
    return Status::Usage(
        fmt::format("'{}' is not a date or time (write 2026-11-23 or 2026-11-23T08:00:00Z)", s));
  }
  return *t;
}

Result<int64_t> ParseAsOf(std::string_view s) {
  if (s == "now") return static_cast<int64_t>(std::time(nullptr));
  auto t = ParseTimeSeconds(s);
  if (!t) {
    return Status::Usage(fmt::format(
        "'{}' is not 'now', a date or a time (write now, 2026-11-23 or 2026-11-23T08:00:00Z)", s));
  }
  return *t;
}

std::string FormatTime(int64_t t) { return FormatRfc3339(t); }

std::string IsoWeek(int64_t t) { return IsoWeekLabel(DayOf(t)); }

Result<Period> ParsePeriod(std::string_view s) {
  Period p;
  auto bad = [&] {
    return Status::Usage(
        fmt::format("'{}' is not a period (write a number and d, w, m or y: 7d, 2w, 12m, 1y)", s));
  };
  if (s.size() < 2) return bad();
  p.unit = s.back();
  if (p.unit != 'd' && p.unit != 'w' && p.unit != 'm' && p.unit != 'y') return bad();
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, p.count);
  if (ec != std::errc() || ptr != s.data() + s.size() - 1 || p.count <= 0 || p.count > 100000) {
    return bad();
  }
  return p;
}

int64_t Before(int64_t t, const Period& p) {
  if (p.unit == 'd') return t - p.count * 86400;
  if (p.unit == 'w') return t - p.count * 7 * 86400;
  int64_t days = DayOf(t);
  int64_t rem = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t months = y * 12 + (m - 1) - (p.unit == 'm' ? p.count : p.count * 12);
  int64_t ny = FloorDiv(months, 12);
  unsigned nm = static_cast<unsigned>(months - ny * 12) + 1;
  unsigned nd = std::min(d, DaysInMonth(ny, nm));
  return DaysFromCivil(ny, nm, nd) * 86400 + rem;
}

int64_t PeriodDays(const Period& p) {
  switch (p.unit) {
    case 'w':
      return p.count * 7;
    case 'm':
      return p.count * 30;
    case 'y':
      return p.count * 365;
    default:
      return p.count;
  }
}

Store::Store(std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, bool must_exist, bool writes) {
  KARTA_ASSIGN_OR_RETURN(
      auto db, IsPostgresUrl(path) ? OpenPgDb(path) : OpenSqliteDb(path, must_exist, writes));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  KARTA_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Store::~Store() { AbortRun(); }

Status Store::Q(const char* sql, const std::vector<std::string>& params,
                const std::function<Status(const SqlRow&)>& each) {
  return db_->Query(sql, params, each);
}

Status Store::Migrate() {
  const bool pg = db_->kind() == SqlDb::Kind::kPostgres;
  {
    // Read the version without a write lock first: a store already up to
    // date needs none, so readers do not wait behind a recording writer
    // (they waited 30 s when this took the write lock every time).
    int current = -1;
    Status r = Q("SELECT version FROM schema_version", {}, [&](const SqlRow& row) {
      current = static_cast<int>(row.Int(0));
      return Status::Ok();
    });
    if (r.ok() && current == static_cast<int>(Migrations().size())) {
      version_ = current;
      return Status::Ok();
    }
  }
  KARTA_RETURN_IF_ERROR(db_->Begin());
  auto fail = [&](Status s) {
    db_->Rollback();
    return s;
  };
  // On a server, processes that open a fresh store at once take turns.
  if (pg) {
    if (Status s = db_->Exec("SELECT pg_advisory_xact_lock(727274)"); !s.ok()) return fail(s);
  }
  Status s = db_->Exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  if (!s.ok()) return fail(s);
  int version = 0;
  bool has_row = false;
  s = Q("SELECT version FROM schema_version", {}, [&](const SqlRow& r) {
    version = static_cast<int>(r.Int(0));
    has_row = true;
    return Status::Ok();
  });
  if (!s.ok()) return fail(s.WithPrefix("reading the schema version"));
  const auto& steps = Migrations();
  if (version > static_cast<int>(steps.size())) {
    return fail(Status::Usage(fmt::format(
        "{}: the store has schema version {}, newer than this karta knows ({}); use a newer "
        "karta",
        db_->name(), version, steps.size())));
  }
  for (int v = version; v < static_cast<int>(steps.size()); ++v) {
    s = db_->Exec(pg ? PgSchemaSql(steps[v]) : std::string(steps[v]));
    if (!s.ok()) return fail(s.WithPrefix(fmt::format("migrating the store to version {}", v + 1)));
  }
  if (version < static_cast<int>(steps.size())) {
    std::string sql = has_row ? fmt::format("UPDATE schema_version SET version = {}", steps.size())
                              : fmt::format("INSERT INTO schema_version VALUES({})", steps.size());
    s = db_->Exec(sql);
    if (!s.ok()) return fail(s);
  }
  s = db_->Commit();
  if (!s.ok()) return fail(s);
  version_ = static_cast<int>(steps.size());
  return Status::Ok();
}

namespace {

const std::vector<std::string> kStageColumns = {"key",     "cluster", "kommun",  "posted_at",
                                                "phones",  "emails",  "handles", "young",
                                                "under18", "site"};

}  // namespace

Status Store::BeginRun(const std::string& as_of) {
  if (in_run_) return Status::Io("a run is already open");
  KARTA_RETURN_IF_ERROR(db_->Begin());
  in_run_ = true;
  Status s = db_->Exec(
      "CREATE TEMP TABLE IF NOT EXISTS stage(key TEXT, cluster TEXT, kommun TEXT, posted_at "
      "TEXT, phones TEXT, emails TEXT, handles TEXT, young INTEGER, under18 INTEGER, site TEXT);"
      "DELETE FROM stage");
  if (!s.ok()) return s.WithPrefix("starting a run");
  run_ = 0;
  s = Q("INSERT INTO runs(as_of, recorded_at) VALUES($1, $2) RETURNING id", {as_of, NowRfc3339()},
        [&](const SqlRow& r) {
          run_ = r.Int(0);
          return Status::Ok();
        });
  if (!s.ok()) return s.WithPrefix("starting a run");
  as_of_ = as_of;
  coverage_.reset();
  return db_->BeginCopy("stage", kStageColumns);
}

Status Store::Add(const Sighting& s) {
  if (!in_run_) return Status::Io("no run is open");
  return db_->CopyRow({s.key, s.cluster, s.kommun, s.posted_at, s.phones, s.emails, s.handles,
                       s.young ? "1" : "0", s.under18 ? "1" : "0", s.site});
}

Result<RunSummary> Store::CommitRun() {
  if (!in_run_) return Status::Io("no run is open");
  KARTA_RETURN_IF_ERROR(db_->EndCopy());
  RunSummary r;
  r.run = run_;
  r.as_of = as_of_;
  const std::string run = std::to_string(run_);
  // A key seen twice in a run counts once. Keys go in order, so that runs
  // recorded at once on a server lock the ads they share in the same order.
  KARTA_RETURN_IF_ERROR(
      Q("INSERT INTO sightings(run, key, cluster, kommun) "
        "SELECT CAST($1 AS BIGINT), key, max(cluster), max(kommun) FROM stage WHERE true "
        "GROUP BY key ORDER BY key",
        {run}));
  auto newer = [](const char* col) {
    return fmt::format(
        "{0} = CASE WHEN excluded.{0} <> '' AND excluded.last_seen >= ads.last_seen "
        "THEN excluded.{0} ELSE ads.{0} END",
        col);
  };
  static const std::string upsert = fmt::format(
      "INSERT INTO ads(key, cluster, kommun, posted_at, first_seen, last_seen, first_run, "
      "last_run, times_seen, phones, emails, handles, young, under18, site) "
      "SELECT key, max(cluster), max(kommun), max(posted_at), CAST($2 AS TEXT), CAST($2 AS TEXT), "
      "CAST($1 AS BIGINT), CAST($1 AS BIGINT), 1, max(phones), max(emails), max(handles), "
      "max(young), max(under18), max(site) FROM stage WHERE true GROUP BY key ORDER BY key "
      "ON CONFLICT(key) DO UPDATE SET {}, {}, {}, {}, {}, {}, "
      "posted_at = CASE WHEN ads.posted_at = '' THEN excluded.posted_at ELSE ads.posted_at END, "
      "young = CASE WHEN excluded.young > ads.young THEN excluded.young ELSE ads.young END, "
      "under18 = CASE WHEN excluded.under18 > ads.under18 THEN excluded.under18 "
      "  ELSE ads.under18 END, "
      "first_run = CASE WHEN excluded.first_seen < ads.first_seen THEN excluded.first_run "
      "  ELSE ads.first_run END, "
      "first_seen = CASE WHEN excluded.first_seen < ads.first_seen THEN excluded.first_seen "
      "  ELSE ads.first_seen END, "
      "last_run = CASE WHEN excluded.last_seen >= ads.last_seen THEN excluded.last_run "
      "  ELSE ads.last_run END, "
      "last_seen = CASE WHEN excluded.last_seen > ads.last_seen THEN excluded.last_seen "
      "  ELSE ads.last_seen END, "
      "times_seen = ads.times_seen + CASE WHEN ads.last_run <> excluded.last_run THEN 1 ELSE 0 "
      "END",
      newer("cluster"), newer("kommun"), newer("phones"), newer("emails"), newer("handles"),
      newer("site"));
  KARTA_RETURN_IF_ERROR(Q(upsert.c_str(), {run, as_of_}));
  KARTA_RETURN_IF_ERROR(
      Q("SELECT count(*), (SELECT count(*) FROM ads WHERE first_run = CAST($1 AS BIGINT)) "
        "FROM sightings WHERE run = CAST($1 AS BIGINT)",
        {run}, [&](const SqlRow& row) {
          r.records = row.Int(0);
          r.new_keys = row.Int(1);
          return Status::Ok();
        }));
  if (coverage_) {
    for (const SiteCoverage& sc : coverage_->sites) {
      KARTA_RETURN_IF_ERROR(
          Q("INSERT INTO run_sites(run, site, covered, note) "
            "VALUES(CAST($1 AS BIGINT), $2, CAST($3 AS BIGINT), $4) ON CONFLICT(run, site) "
            "DO UPDATE SET covered = excluded.covered, note = excluded.note",
            {run, sc.site, sc.covered ? "1" : "0", sc.note}));
    }
    KARTA_RETURN_IF_ERROR(
        Q("UPDATE runs SET summary = $2 WHERE id = CAST($1 AS BIGINT)", {run, coverage_->summary}));
  } else {
    // The run covers the sites it saw.
    KARTA_RETURN_IF_ERROR(
        Q("INSERT INTO run_sites(run, site, covered, note) SELECT DISTINCT CAST($1 AS BIGINT), "
          "a.site, 1, '' FROM sightings s JOIN ads a ON a.key = s.key "
          "WHERE s.run = CAST($1 AS BIGINT) AND a.site <> ''",
          {run}));
  }
  // Counts of this run, and of the runs after it: recording an earlier week
  // after a later one moves the first sighting of the ads they share.
  static const std::vector<std::string> kRecount = [] {
    std::string runs =
        "(SELECT id FROM runs WHERE id = CAST($1 AS BIGINT) OR as_of > CAST($2 AS TEXT))";
    std::vector<std::string> out = {"DELETE FROM run_counts WHERE run IN " + runs};
    for (std::string& insert : RunCountsInserts(runs)) out.push_back(std::move(insert));
    return out;
  }();
  if (db_->kind() == SqlDb::Kind::kPostgres) {
    // Runs recorded at once on a server recount one after the other: each
    // waits here until the one before has committed, so that its counts see
    // that run's first sightings (two recounts of the same later run at
    // once wrote its rows twice: run_counts_pkey). SQLite's writers are one
    // at a time already. Nothing after this waits for a row lock, so the
    // order cannot deadlock.
    KARTA_RETURN_IF_ERROR(Q("LOCK TABLE run_counts IN EXCLUSIVE MODE", {}));
  }
  for (const std::string& sql : kRecount) KARTA_RETURN_IF_ERROR(Q(sql.c_str(), {run, as_of_}));
  KARTA_RETURN_IF_ERROR(
      Q("UPDATE runs SET records = CAST($2 AS BIGINT), new = CAST($3 AS BIGINT) "
        "WHERE id = CAST($1 AS BIGINT)",
        {run, std::to_string(r.records), std::to_string(r.new_keys)}));
  KARTA_RETURN_IF_ERROR(db_->Exec("DELETE FROM stage"));
  KARTA_RETURN_IF_ERROR(db_->Commit());
  in_run_ = false;
  return r;
}

Status Store::SetCoverage(const Coverage& c) {
  if (!in_run_) return Status::Io("no run is open");
  // Written by CommitRun: while the run's rows stream in (COPY on a server),
  // the connection takes no other statement.
  coverage_ = c;
  return Status::Ok();
}

void Store::AbortRun() {
  if (!in_run_) return;
  in_run_ = false;
  (void)db_->EndCopy();
  db_->Rollback();
}

Result<std::optional<std::string>> Store::LatestRun() {
  std::optional<std::string> out;
  KARTA_RETURN_IF_ERROR(Q("SELECT max(as_of) FROM runs", {}, [&](const SqlRow& r) {
    if (!r.IsNull(0)) out = r.Str(0);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<RunSummary>> Store::Runs() {
  std::vector<RunSummary> out;
  std::map<int64_t, size_t> index;
  KARTA_RETURN_IF_ERROR(Q("SELECT id, as_of, records, new, summary FROM runs ORDER BY as_of, id",
                          {}, [&](const SqlRow& q) {
                            RunSummary r;
                            r.run = q.Int(0);
                            r.as_of = q.Str(1);
                            r.records = q.Int(2);
                            r.new_keys = q.Int(3);
                            r.summary = q.Str(4);
                            index[r.run] = out.size();
                            out.push_back(std::move(r));
                            return Status::Ok();
                          }));
  KARTA_RETURN_IF_ERROR(Q("SELECT run, site, covered, note FROM run_sites ORDER BY run, site", {},
                          [&](const SqlRow& q) {
                            auto it = index.find(q.Int(0));
                            if (it == index.end()) return Status::Ok();
                            RunSummary& r = out[it->second];
                            if (q.Int(2) != 0) {
                              r.sites.push_back(q.Str(1));
                            } else {
                              std::string note = q.Str(3);
                              r.missing.push_back(note.empty() ? q.Str(1) : q.Str(1) + ": " + note);
                            }
                            return Status::Ok();
                          }));
  static const std::string gone = fmt::format(
      "SELECT g, count(*) FROM (SELECT {} AS g FROM ads a) AS t WHERE g IS NOT NULL GROUP BY g",
      kGoneRun);
  KARTA_RETURN_IF_ERROR(Q(gone.c_str(), {}, [&](const SqlRow& q) {
    auto it = index.find(q.Int(0));
    if (it != index.end()) out[it->second].gone = q.Int(1);
    return Status::Ok();
  }));
  return out;
}

namespace {

std::string DayStart(int64_t day) { return FormatTime(day * 86400); }

constexpr const char* kEntryColumns =
    "SELECT key, cluster, kommun, posted_at, first_seen, last_seen, times_seen FROM ads ";

Status AddEntry(std::vector<Entry>* out, const SqlRow& r) {
  Entry e;
  e.key = r.Str(0);
  e.cluster = r.Str(1);
  e.kommun = r.Str(2);
  e.posted_at = r.Str(3);
  e.first_seen = r.Str(4);
  e.last_seen = r.Str(5);
  e.times_seen = r.Int(6);
  out->push_back(std::move(e));
  return Status::Ok();
}

}  // namespace

Result<std::vector<Entry>> Store::New(const std::string& ref, int days) {
  KARTA_ASSIGN_OR_RETURN(auto t, ParseTime(ref));
  int64_t day = DayOf(t);
  std::vector<Entry> out;
  static const std::string sql = std::string(kEntryColumns) +
                                 "WHERE first_seen >= $1 AND first_seen < $2 "
                                 "ORDER BY first_seen DESC, key";
  KARTA_RETURN_IF_ERROR(Q(sql.c_str(), {DayStart(day - days + 1), DayStart(day + 1)},
                          [&](const SqlRow& r) { return AddEntry(&out, r); }));
  return out;
}

Result<std::vector<Entry>> Store::Gone(const std::string& ref, int days) {
  KARTA_ASSIGN_OR_RETURN(auto t, ParseTime(ref));
  int64_t day = DayOf(t);
  std::vector<Entry> out;
  static const std::string sql = fmt::format(
      "SELECT a.key, a.cluster, a.kommun, a.posted_at, a.first_seen, a.last_seen, a.times_seen "
      "FROM ads a JOIN runs g ON g.id = {} WHERE g.as_of >= $1 AND g.as_of < $2 "
      "ORDER BY a.last_seen DESC, a.key",
      kGoneRun);
  KARTA_RETURN_IF_ERROR(Q(sql.c_str(), {DayStart(day - days + 1), DayStart(day + 1)},
                          [&](const SqlRow& r) { return AddEntry(&out, r); }));
  return out;
}

namespace {

// A run's time as the label of `unit` (week, month or day).
std::string TimeLabel(int64_t t, const std::string& unit) {
  if (unit == "week") return IsoWeek(t);
  return FormatTime(t).substr(0, unit == "month" ? 7 : 10);
}

}  // namespace

Result<std::optional<std::vector<TrendRow>>> Store::TrendFromRunCounts(
    const std::vector<std::string>& by, bool posted) {
  // The counts per run answer exactly when the groups are runs (one time
  // dimension, each period holding one run) or runs and kommuner.
  std::optional<size_t> time, kommun;
  for (size_t i = 0; i < by.size(); ++i) {
    if (by[i] == "kommun" && !kommun) {
      kommun = i;
    } else if ((by[i] == "week" || by[i] == "month" || by[i] == "day") && !time) {
      time = i;
    } else {
      return std::optional<std::vector<TrendRow>>();
    }
  }
  if (posted || !time) return std::optional<std::vector<TrendRow>>();
  std::map<int64_t, std::string> label;
  std::set<std::string> labels;
  bool one_run_each = true;
  KARTA_RETURN_IF_ERROR(Q("SELECT id, as_of FROM runs", {}, [&](const SqlRow& r) {
    auto t = ParseTime(r.Text(1));
    std::string l = t.ok() ? TimeLabel(*t, by[*time]) : std::string();
    if (l.empty() || !labels.insert(l).second) one_run_each = false;
    label[r.Int(0)] = std::move(l);
    return Status::Ok();
  }));
  if (!one_run_each) return std::optional<std::vector<TrendRow>>();
  std::map<std::vector<std::string>, TrendRow> groups;
  KARTA_RETURN_IF_ERROR(
      Q("SELECT run, kommun, ads, new, clusters FROM run_counts WHERE whole = "
        "CAST($1 AS BIGINT)",
        {kommun ? "0" : "1"}, [&](const SqlRow& r) {
          auto it = label.find(r.Int(0));
          if (it == label.end()) return Status::Ok();
          std::vector<std::string> g(by.size());
          g[*time] = it->second;
          if (kommun) g[*kommun] = r.Str(1);
          TrendRow& row = groups[g];
          row.group = std::move(g);
          row.ads = r.Int(2);
          row.new_ads = r.Int(3);
          row.clusters = r.Int(4);
          return Status::Ok();
        }));
  std::vector<TrendRow> out;
  out.reserve(groups.size());
  for (auto& [g, row] : groups) out.push_back(std::move(row));
  return std::optional<std::vector<TrendRow>>(std::move(out));
}

Result<std::vector<TrendRow>> Store::Trend(const std::vector<std::string>& by, bool posted) {
  for (const auto& d : by) {
    if (d != "kommun" && d != "cluster" && d != "week" && d != "month" && d != "day") {
      return Status::Usage(fmt::format(
          "--by {}: not a dimension of the history (use kommun, cluster, week, month, day)", d));
    }
  }
  auto fast = TrendFromRunCounts(by, posted);
  if (!fast.ok() || fast->has_value()) {
    if (!fast.ok()) return fast.status();
    return std::move(**fast);
  }
  struct Acc {
    std::set<std::string> keys, fresh, clusters;
  };
  std::map<std::vector<std::string>, Acc> groups;
  // Times repeat (one per run): parse each distinct one once.
  std::map<std::string, std::optional<int64_t>, std::less<>> times;
  auto time_of = [&](std::string_view when) -> std::optional<int64_t> {
    auto it = times.find(when);
    if (it != times.end()) return it->second;
    std::optional<int64_t> t;
    if (!when.empty()) {
      auto p = ParseTime(when);
      if (p.ok()) t = *p;
    }
    times.emplace(std::string(when), t);
    return t;
  };
  std::vector<std::string> g;
  KARTA_RETURN_IF_ERROR(
      Q("SELECT s.key, s.cluster, s.kommun, r.as_of, a.posted_at, "
        "CASE WHEN a.first_run = s.run THEN 1 ELSE 0 END "
        "FROM sightings s JOIN runs r ON r.id = s.run LEFT JOIN ads a ON a.key = s.key",
        {}, [&](const SqlRow& q) {
          std::optional<int64_t> t = time_of(posted ? q.Text(4) : q.Text(3));
          g.clear();
          for (const auto& d : by) {
            if (d == "kommun") {
              g.emplace_back(q.Text(2));
            } else if (d == "cluster") {
              g.emplace_back(q.Text(1));
            } else {
              g.push_back(t ? TimeLabel(*t, d) : std::string());
            }
          }
          Acc& a = groups[g];
          std::string key(q.Text(0));
          if (q.Int(5) != 0) a.fresh.insert(key);
          if (!q.Text(1).empty()) a.clusters.emplace(q.Text(1));
          a.keys.insert(std::move(key));
          return Status::Ok();
        }));
  std::vector<TrendRow> out;
  for (auto& [grp, a] : groups) {
    TrendRow r;
    r.group = grp;
    r.ads = static_cast<int64_t>(a.keys.size());
    r.new_ads = static_cast<int64_t>(a.fresh.size());
    r.clusters = static_cast<int64_t>(a.clusters.size());
    out.push_back(std::move(r));
  }
  return out;
}

Result<PurgeSummary> Store::Purge(const std::string& cutoff) {
  if (in_run_) return Status::Io("a run is open");
  PurgeSummary p;
  p.cutoff = cutoff;
  KARTA_RETURN_IF_ERROR(db_->Begin());
  auto del = [&](const char* sql, int64_t* n) -> Status {
    KARTA_RETURN_IF_ERROR(Q(sql, {cutoff}));
    if (n) *n = db_->Changes();
    return Status::Ok();
  };
  Status s =
      del("DELETE FROM run_sites WHERE run IN (SELECT id FROM runs WHERE as_of < $1)", nullptr);
  if (s.ok()) {
    s = del("DELETE FROM run_counts WHERE run IN (SELECT id FROM runs WHERE as_of < $1)", nullptr);
  }
  if (s.ok()) {
    s = del("DELETE FROM sightings WHERE run IN (SELECT id FROM runs WHERE as_of < $1)",
            &p.sightings);
  }
  if (s.ok()) s = del("DELETE FROM runs WHERE as_of < $1", &p.runs);
  if (s.ok()) s = del("DELETE FROM ads WHERE last_seen < $1", &p.ads);
  // Outreach: links to removed ads; then contact events recorded before the
  // cutoff or left with no ad and no person, counted first.
  if (s.ok()) {
    s =
        del("DELETE FROM outreach_contact_ads WHERE $1 <> '' AND NOT EXISTS "
            "(SELECT 1 FROM ads a WHERE a.key = outreach_contact_ads.key)",
            nullptr);
  }
  static constexpr const char* kDoomed =
      "FROM outreach_contacts c WHERE c.at < $1 OR (NOT EXISTS (SELECT 1 FROM "
      "outreach_contact_ads l WHERE l.contact = c.id) AND NOT EXISTS (SELECT 1 FROM ads a "
      "WHERE a.cluster = c.person OR a.key = c.person))";
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> counts;
  if (s.ok()) {
    s = Q((std::string("SELECT c.at, c.kommun, c.outcome ") + kDoomed).c_str(), {cutoff},
          [&](const SqlRow& r) {
            auto t = ParseTime(r.Text(0));
            ++counts[{t.ok() ? IsoWeek(*t) : std::string(), r.Str(1), r.Str(2)}];
            return Status::Ok();
          });
  }
  for (const auto& [k, n] : counts) {
    if (!s.ok()) break;
    s =
        Q("INSERT INTO outreach_counts(week, kommun, outcome, attempts) "
          "VALUES($1, $2, $3, CAST($4 AS BIGINT)) ON CONFLICT(week, kommun, outcome) "
          "DO UPDATE SET attempts = outreach_counts.attempts + excluded.attempts",
          {std::get<0>(k), std::get<1>(k), std::get<2>(k), std::to_string(n)});
  }
  if (s.ok()) {
    s = del((std::string("DELETE FROM outreach_contact_ads WHERE contact IN (SELECT c.id ") +
             kDoomed + ")")
                .c_str(),
            nullptr);
  }
  if (s.ok()) {
    s =
        del("DELETE FROM outreach_contacts WHERE at < $1 OR (NOT EXISTS (SELECT 1 FROM "
            "outreach_contact_ads l WHERE l.contact = outreach_contacts.id) AND NOT EXISTS "
            "(SELECT 1 FROM ads a WHERE a.cluster = outreach_contacts.person OR "
            "a.key = outreach_contacts.person))",
            &p.contacts);
  }
  if (s.ok()) s = del("DELETE FROM outreach_claims WHERE expires_at < $1", &p.claims);
  if (s.ok()) {
    s = Q("SELECT count(*) FROM ads", {}, [&](const SqlRow& r) {
      p.ads_left = r.Int(0);
      return Status::Ok();
    });
  }
  if (s.ok()) s = db_->Commit();
  if (!s.ok()) {
    db_->Rollback();
    return s.WithPrefix("purging");
  }
  // Leave no copy of what was removed: rewrite the file and empty the WAL.
  // (A server reclaims the space with its autovacuum; see docs/team-store.md
  // for backups, which keep copies until they expire.)
  if (db_->kind() == SqlDb::Kind::kSqlite && p.ads + p.sightings + p.runs + p.contacts > 0) {
    KARTA_RETURN_IF_ERROR(db_->Exec("VACUUM"));
    KARTA_RETURN_IF_ERROR(db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  return p;
}

// ---- Outreach ---------------------------------------------------------------

namespace {

// Adds the ';'-separated values of `cell` to the sorted set `out`.
void AddValues(std::vector<std::string>* out, std::string_view cell) {
  while (!cell.empty()) {
    size_t e = cell.find(';');
    std::string_view v = cell.substr(0, e);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (!v.empty()) {
      auto it = std::lower_bound(out->begin(), out->end(), v);
      if (it == out->end() || *it != v) out->insert(it, std::string(v));
    }
    if (e == std::string_view::npos) break;
    cell.remove_prefix(e + 1);
  }
}

constexpr const char* kPersonColumns =
    "SELECT CASE WHEN cluster <> '' THEN cluster ELSE key END, kommun, first_seen, last_seen, "
    "phones, emails, handles, young, under18 FROM ads ";

}  // namespace

Result<std::vector<Person>> Store::Gather(const char* where, const std::vector<std::string>& params,
                                          const std::string& new_since, const std::string& now) {
  std::map<std::string, Person> people;
  KARTA_RETURN_IF_ERROR(
      Q((std::string(kPersonColumns) + where).c_str(), params, [&](const SqlRow& r) {
        auto [it, fresh] = people.try_emplace(r.Str(0));
        Person& p = it->second;
        if (fresh) p.id = it->first;
        ++p.ads;
        AddValues(&p.kommuner, r.Text(1));
        std::string_view first = r.Text(2), last = r.Text(3);
        if (p.first_seen.empty() || first < p.first_seen) p.first_seen = first;
        if (last > p.last_seen) p.last_seen = last;
        AddValues(&p.phones, r.Text(4));
        AddValues(&p.emails, r.Text(5));
        AddValues(&p.handles, r.Text(6));
        p.young = p.young || r.Int(7) != 0;
        if (r.Int(8) != 0) {
          p.under18 = true;
          if (p.under18_since.empty() || first < p.under18_since) p.under18_since = first;
        }
        return Status::Ok();
      }));
  for (auto& [id, p] : people) p.is_new = p.first_seen >= new_since;
  KARTA_RETURN_IF_ERROR(
      Q("SELECT person, worker, expires_at FROM outreach_claims "
        "WHERE expires_at > $1",
        {now}, [&](const SqlRow& r) {
          auto it = people.find(r.Str(0));
          if (it != people.end()) {
            it->second.holder = r.Str(1);
            it->second.claim_expires = r.Str(2);
          }
          return Status::Ok();
        }));
  // Contact events reach a person through the ads they were linked to (so
  // they follow merges and splits) and through the person id they named.
  std::map<std::string, std::set<int64_t>> seen;
  KARTA_RETURN_IF_ERROR(
      Q("SELECT CASE WHEN a.cluster <> '' THEN a.cluster ELSE a.key END, c.id, c.at, c.outcome "
        "FROM outreach_contacts c JOIN outreach_contact_ads l ON l.contact = c.id "
        "JOIN ads a ON a.key = l.key "
        "UNION ALL SELECT c.person, c.id, c.at, c.outcome FROM outreach_contacts c",
        {}, [&](const SqlRow& r) {
          auto it = people.find(r.Str(0));
          if (it == people.end()) return Status::Ok();
          Person& p = it->second;
          if (!seen[p.id].insert(r.Int(1)).second) return Status::Ok();
          ++p.contacts;
          if (r.Text(2) >= p.last_contact) {
            p.last_contact = r.Str(2);
            p.last_outcome = r.Str(3);
          }
          return Status::Ok();
        }));
  std::vector<Person> out;
  out.reserve(people.size());
  for (auto& [id, p] : people) out.push_back(std::move(p));
  return out;
}

Result<std::vector<Person>> Store::People(const std::string& since, const std::string& new_since,
                                          const std::string& now) {
  return Gather(
      "WHERE cluster IN (SELECT cluster FROM ads WHERE last_seen >= $1 AND cluster <> '') "
      "UNION ALL SELECT key, kommun, first_seen, last_seen, phones, emails, handles, young, "
      "under18 FROM ads WHERE cluster = '' AND last_seen >= $1",
      {since}, new_since, now);
}

Result<std::optional<Person>> Store::FindPerson(const std::string& id, const std::string& now) {
  KARTA_ASSIGN_OR_RETURN(
      auto r, Gather("WHERE cluster = $1 OR (cluster = '' AND key = $1)", {id}, "", now));
  std::optional<Person> p;
  for (auto& x : r) {
    if (x.id == id) p = std::move(x);
  }
  if (p) p->is_new = false;
  return p;
}

Result<ClaimResult> Store::Claim(const std::string& person, const std::string& worker,
                                 const std::string& now, const std::string& expires_at) {
  ClaimResult out;
  // One statement: a second worker's claim on a live claim updates nothing
  // and returns no row, whatever the timing.
  KARTA_RETURN_IF_ERROR(
      Q("INSERT INTO outreach_claims(person, worker, claimed_at, expires_at) "
        "VALUES($1, $2, $3, $4) ON CONFLICT(person) DO UPDATE SET "
        "worker = excluded.worker, claimed_at = excluded.claimed_at, "
        "expires_at = excluded.expires_at "
        "WHERE outreach_claims.expires_at <= excluded.claimed_at "
        "OR outreach_claims.worker = excluded.worker RETURNING worker, expires_at",
        {person, worker, now, expires_at}, [&](const SqlRow& r) {
          out.claimed = true;
          out.holder = r.Str(0);
          out.expires_at = r.Str(1);
          return Status::Ok();
        }));
  if (!out.claimed) {
    KARTA_RETURN_IF_ERROR(Q("SELECT worker, expires_at FROM outreach_claims WHERE person = $1",
                            {person}, [&](const SqlRow& r) {
                              out.holder = r.Str(0);
                              out.expires_at = r.Str(1);
                              return Status::Ok();
                            }));
  }
  return out;
}

Result<bool> Store::Release(const std::string& person, const std::string& worker, bool force) {
  KARTA_RETURN_IF_ERROR(
      Q("DELETE FROM outreach_claims WHERE person = $1 AND (worker = $2 OR $3 = '1')",
        {person, worker, force ? "1" : "0"}));
  return db_->Changes() > 0;
}

Result<int64_t> Store::AddContact(const ContactEvent& e) {
  KARTA_RETURN_IF_ERROR(db_->Begin());
  int64_t id = 0;
  Status s =
      Q("INSERT INTO outreach_contacts(person, at, worker, channel, outcome, note, kommun, "
        "first_seen, under18_since) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        {e.person, e.at, e.worker, e.channel, e.outcome, e.note, e.kommun, e.first_seen,
         e.under18_since},
        [&](const SqlRow& r) {
          id = r.Int(0);
          return Status::Ok();
        });
  if (s.ok()) {
    s =
        Q("INSERT INTO outreach_contact_ads(contact, key) SELECT CAST($1 AS BIGINT), key "
          "FROM ads WHERE cluster = $2 OR (cluster = '' AND key = $2)",
          {std::to_string(id), e.person});
  }
  if (s.ok()) s = db_->Commit();
  if (!s.ok()) {
    db_->Rollback();
    return s;
  }
  return id;
}

namespace {

constexpr const char* kContactColumns =
    "SELECT c.id, c.person, c.at, c.worker, c.channel, c.outcome, c.note, c.kommun, "
    "c.first_seen, c.under18_since FROM outreach_contacts c ";

Status AddContactRow(std::vector<ContactEvent>* out, const SqlRow& r) {
  ContactEvent e;
  e.id = r.Int(0);
  e.person = r.Str(1);
  e.at = r.Str(2);
  e.worker = r.Str(3);
  e.channel = r.Str(4);
  e.outcome = r.Str(5);
  e.note = r.Str(6);
  e.kommun = r.Str(7);
  e.first_seen = r.Str(8);
  e.under18_since = r.Str(9);
  out->push_back(std::move(e));
  return Status::Ok();
}

}  // namespace

Result<std::vector<ContactEvent>> Store::Contacts(const std::string& person) {
  std::vector<ContactEvent> out;
  static const std::string sql =
      std::string(kContactColumns) +
      "WHERE c.person = $1 OR c.id IN (SELECT l.contact FROM outreach_contact_ads l "
      "JOIN ads a ON a.key = l.key WHERE a.cluster = $1 OR (a.cluster = '' AND a.key = $1)) "
      "ORDER BY c.at, c.id";
  KARTA_RETURN_IF_ERROR(
      Q(sql.c_str(), {person}, [&](const SqlRow& r) { return AddContactRow(&out, r); }));
  return out;
}

Result<std::vector<ContactEvent>> Store::AllContacts() {
  std::vector<ContactEvent> out;
  static const std::string sql = std::string(kContactColumns) + "ORDER BY c.at, c.id";
  KARTA_RETURN_IF_ERROR(
      Q(sql.c_str(), {}, [&](const SqlRow& r) { return AddContactRow(&out, r); }));
  return out;
}

Result<std::vector<OutcomeCount>> Store::PurgedCounts() {
  std::vector<OutcomeCount> out;
  KARTA_RETURN_IF_ERROR(
      Q("SELECT week, kommun, outcome, attempts FROM outreach_counts "
        "ORDER BY week, kommun, outcome",
        {}, [&](const SqlRow& r) {
          out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Int(3)});
          return Status::Ok();
        }));
  return out;
}

}  // namespace karta
