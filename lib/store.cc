#include "lib/civil.h"
#include "lib/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace karta {
namespace {

// Schema migrations: entry k takes the store from version k to k+1. Never
// edit a released entry; add a new one.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> m = {
      // 0 -> 1: runs, ads, sightings.
      "CREATE TABLE runs("
      "  id INTEGER PRIMARY KEY,"
      "  as_of TEXT NOT NULL,"         // the run's time (RFC 3339 UTC)
      "  recorded_at TEXT NOT NULL,"   // wall-clock time of recording
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
      // 1 -> 2: coverage. Each ad's site; the sites each run covered (or
      // failed to cover, with why) and the source's summary line. Plain SQL
      // that PostgreSQL runs as well.
      "ALTER TABLE ads ADD COLUMN site TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE runs ADD COLUMN summary TEXT NOT NULL DEFAULT '';"
      "CREATE TABLE run_sites("
      "  run INTEGER NOT NULL,"
      "  site TEXT NOT NULL,"
      "  covered INTEGER NOT NULL DEFAULT 1,"
      "  note TEXT NOT NULL DEFAULT '',"
      "  PRIMARY KEY(run, site));",
  };
  return m;
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return s_; }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  int Step() { return sqlite3_step(s_); }
  std::string Text(int i) {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(s_, i)))
             : std::string();
  }
  int64_t Int(int i) { return sqlite3_column_int64(s_, i); }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

// The run that found ad `a` gone: the first run after its last sighting that
// covered its site. A run covers a site it lists as covered; a run that
// lists no site covers every site; an ad without a site is covered by every
// run.
constexpr const char* kGoneRun =
    "(SELECT r.id FROM runs r WHERE r.as_of > a.last_seen AND (a.site = '' OR EXISTS ("
    "SELECT 1 FROM run_sites c WHERE c.run = r.id AND c.site = a.site AND c.covered = 1) OR "
    "NOT EXISTS (SELECT 1 FROM run_sites c WHERE c.run = r.id)) ORDER BY r.as_of, r.id LIMIT 1)";

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t DayOf(int64_t t) { return FloorDiv(t, 86400); }


}  // namespace

Result<int64_t> ParseTime(std::string_view s) {
  auto t = ParseTimeSeconds(s);
  if (!t) {
    return Status::Usage(fmt::format(
        "'{}' is not a date or time (write 2026-11-23 or 2026-11-23T08:00:00Z)", s));
  }
  return *t;
}

std::string FormatTime(int64_t t) { return FormatRfc3339(t); }

std::string IsoWeek(int64_t t) { return IsoWeekLabel(DayOf(t)); }

Result<Period> ParsePeriod(std::string_view s) {
  Period p;
  auto bad = [&] {
    return Status::Usage(fmt::format(
        "'{}' is not a period (write a number and d, w, m or y: 7d, 2w, 12m, 1y)", s));
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

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, bool must_exist) {
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists) {
    if (must_exist) {
      return Status::Usage(fmt::format(
          "{}: no such history store (record a run first: ... | karta history record --store {})",
          path, path));
    }
    // Create it 0600 ourselves: SQLite would use the umask, and gives its
    // -wal and -shm files the mode of the database file.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return Status::Io(fmt::format("{}: cannot create the history store: {}", path,
                                    std::strerror(errno)));
    }
    if (fd >= 0) ::close(fd);
  } else if (S_ISDIR(st.st_mode)) {
    return Status::Usage(fmt::format("{}: is a directory, not a history store file", path));
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Store> store(new Store(db, path));
  if (rc != SQLITE_OK) return store->Error("cannot open the history store");
  sqlite3_busy_timeout(db, 30000);
  sqlite3_extended_result_codes(db, 1);
  // Check that this is a SQLite file before changing anything.
  if (Status s = store->Exec("SELECT count(*) FROM sqlite_master"); !s.ok()) {
    return Status::Usage(fmt::format("{}: not a karta history store ({})", path,
                                     sqlite3_errmsg(db)));
  }
  KARTA_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  KARTA_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  KARTA_RETURN_IF_ERROR(store->Exec("PRAGMA secure_delete=ON"));
  KARTA_RETURN_IF_ERROR(store->Exec("PRAGMA foreign_keys=ON"));
  KARTA_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Store::~Store() {
  AbortRun();
  sqlite3_finalize(ins_sighting_);
  sqlite3_finalize(upsert_ad_);
  sqlite3_close_v2(db_);
}

Status Store::Error(std::string_view what) const {
  const char* msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
  int code = db_ ? sqlite3_errcode(db_) : SQLITE_NOMEM;
  if ((code & 0xff) == SQLITE_NOTADB) {
    return Status::Usage(fmt::format("{}: not a karta history store ({})", path_, msg));
  }
  if ((code & 0xff) == SQLITE_BUSY) {
    return Status::Io(fmt::format(
        "{}: {}: the store is busy (another karta is recording into it; try again when it is "
        "done)",
        path_, what));
  }
  return Status::Io(fmt::format("{}: {}: {}", path_, what, msg));
}

Status Store::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return Error("database error");
  return Status::Ok();
}

Status Store::Migrate() {
  KARTA_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto fail = [&](Status s) {
    Exec("ROLLBACK");
    return s;
  };
  Status s = Exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  if (!s.ok()) return fail(s);
  int version = 0;
  bool has_row = false;
  {
    Stmt q(db_, "SELECT version FROM schema_version");
    if (!q.ok()) return fail(Error("reading the schema version"));
    if (q.Step() == SQLITE_ROW) {
      version = static_cast<int>(q.Int(0));
      has_row = true;
    }
  }
  const auto& steps = Migrations();
  if (version > static_cast<int>(steps.size())) {
    fail(Status::Ok());
    return Status::Usage(fmt::format(
        "{}: the store has schema version {}, newer than this karta knows ({}); use a newer "
        "karta",
        path_, version, steps.size()));
  }
  for (int v = version; v < static_cast<int>(steps.size()); ++v) {
    s = Exec(steps[v]);
    if (!s.ok()) return fail(s.WithPrefix(fmt::format("migrating the store to version {}", v + 1)));
  }
  if (version < static_cast<int>(steps.size())) {
    std::string sql = has_row ? fmt::format("UPDATE schema_version SET version = {}", steps.size())
                              : fmt::format("INSERT INTO schema_version VALUES({})", steps.size());
    s = Exec(sql.c_str());
    if (!s.ok()) return fail(s);
  }
  s = Exec("COMMIT");
  if (!s.ok()) return fail(s);
  version_ = static_cast<int>(steps.size());
  return Status::Ok();
}

Status Store::BeginRun(const std::string& as_of) {
  if (in_run_) return Status::Io("a run is already open");
  KARTA_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  in_run_ = true;
  Stmt ins(db_, "INSERT INTO runs(as_of, recorded_at) VALUES(?, ?)");
  if (!ins.ok()) return Error("starting a run");
  ins.Bind(1, as_of);
  ins.Bind(2, NowRfc3339());
  if (ins.Step() != SQLITE_DONE) return Error("starting a run");
  run_ = sqlite3_last_insert_rowid(db_);
  as_of_ = as_of;
  run_records_ = run_new_ = 0;
  coverage_set_ = false;
  if (!ins_sighting_ &&
      sqlite3_prepare_v2(db_,
                         "INSERT INTO sightings(run, key, cluster, kommun) VALUES(?1, ?2, ?3, ?4) "
                         "ON CONFLICT(run, key) DO UPDATE SET "
                         "cluster = CASE WHEN excluded.cluster <> '' THEN excluded.cluster ELSE cluster END, "
                         "kommun = CASE WHEN excluded.kommun <> '' THEN excluded.kommun ELSE kommun END",
                         -1, &ins_sighting_, nullptr) != SQLITE_OK) {
    return Error("preparing the store");
  }
  if (!upsert_ad_ &&
      sqlite3_prepare_v2(
          db_,
          "INSERT INTO ads(key, cluster, kommun, posted_at, first_seen, last_seen, first_run, "
          "last_run, times_seen, site) VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6, ?6, 1, ?7) "
          "ON CONFLICT(key) DO UPDATE SET "
          "site = CASE WHEN excluded.site <> '' THEN excluded.site ELSE site END, "
          "cluster = CASE WHEN excluded.cluster <> '' AND excluded.last_seen >= last_seen "
          "  THEN excluded.cluster ELSE cluster END, "
          "kommun = CASE WHEN excluded.kommun <> '' AND excluded.last_seen >= last_seen "
          "  THEN excluded.kommun ELSE kommun END, "
          "posted_at = CASE WHEN posted_at = '' THEN excluded.posted_at ELSE posted_at END, "
          "first_run = CASE WHEN excluded.first_seen < first_seen THEN excluded.first_run "
          "  ELSE first_run END, "
          "first_seen = min(first_seen, excluded.first_seen), "
          "last_run = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_run "
          "  ELSE last_run END, "
          "last_seen = max(last_seen, excluded.last_seen), "
          "times_seen = times_seen + (last_run <> excluded.last_run) "
          "RETURNING first_run",
          -1, &upsert_ad_, nullptr) != SQLITE_OK) {
    return Error("preparing the store");
  }
  return Status::Ok();
}

Status Store::Add(const Sighting& s) {
  if (!in_run_) return Status::Io("no run is open");
  sqlite3_stmt* q = ins_sighting_;
  sqlite3_reset(q);
  sqlite3_bind_int64(q, 1, run_);
  sqlite3_bind_text(q, 2, s.key.data(), static_cast<int>(s.key.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 3, s.cluster.data(), static_cast<int>(s.cluster.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 4, s.kommun.data(), static_cast<int>(s.kommun.size()), SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_DONE) return Error("recording");
  q = upsert_ad_;
  sqlite3_reset(q);
  sqlite3_bind_text(q, 1, s.key.data(), static_cast<int>(s.key.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 2, s.cluster.data(), static_cast<int>(s.cluster.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 3, s.kommun.data(), static_cast<int>(s.kommun.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 4, s.posted_at.data(), static_cast<int>(s.posted_at.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 5, as_of_.data(), static_cast<int>(as_of_.size()), SQLITE_STATIC);
  sqlite3_bind_int64(q, 6, run_);
  sqlite3_bind_text(q, 7, s.site.data(), static_cast<int>(s.site.size()), SQLITE_STATIC);
  // RETURNING yields one row; step on to the end to finish the statement.
  if (sqlite3_step(q) != SQLITE_ROW || sqlite3_step(q) != SQLITE_DONE) return Error("recording");
  return Status::Ok();
}

Status Store::SetCoverage(const Coverage& c) {
  if (!in_run_) return Status::Io("no run is open");
  Stmt del(db_, "DELETE FROM run_sites WHERE run = ?1");
  del.Bind(1, run_);
  if (!del.ok() || del.Step() != SQLITE_DONE) return Error("recording the coverage");
  for (const SiteCoverage& sc : c.sites) {
    Stmt ins(db_,
             "INSERT INTO run_sites(run, site, covered, note) VALUES(?1, ?2, ?3, ?4) "
             "ON CONFLICT(run, site) DO UPDATE SET covered = excluded.covered, note = excluded.note");
    if (!ins.ok()) return Error("recording the coverage");
    ins.Bind(1, run_);
    ins.Bind(2, sc.site);
    ins.Bind(3, static_cast<int64_t>(sc.covered ? 1 : 0));
    ins.Bind(4, sc.note);
    if (ins.Step() != SQLITE_DONE) return Error("recording the coverage");
  }
  Stmt u(db_, "UPDATE runs SET summary = ?2 WHERE id = ?1");
  u.Bind(1, run_);
  u.Bind(2, c.summary);
  if (!u.ok() || u.Step() != SQLITE_DONE) return Error("recording the coverage");
  coverage_set_ = true;
  return Status::Ok();
}

Result<RunSummary> Store::CommitRun() {
  if (!in_run_) return Status::Io("no run is open");
  if (!coverage_set_) {
    // The run covers the sites it saw.
    Stmt c(db_,
           "INSERT INTO run_sites(run, site, covered, note) SELECT DISTINCT ?1, a.site, 1, '' "
           "FROM sightings s JOIN ads a ON a.key = s.key WHERE s.run = ?1 AND a.site <> ''");
    c.Bind(1, run_);
    if (!c.ok() || c.Step() != SQLITE_DONE) return Error("recording the coverage");
  }
  RunSummary r;
  r.run = run_;
  r.as_of = as_of_;
  {
    Stmt c(db_,
           "SELECT count(*), (SELECT count(*) FROM ads WHERE first_run = ?1) FROM sightings "
           "WHERE run = ?1");
    if (!c.ok()) return Error("counting the run");
    c.Bind(1, run_);
    if (c.Step() != SQLITE_ROW) return Error("counting the run");
    r.records = c.Int(0);
    r.new_keys = c.Int(1);
  }
  {
    Stmt u(db_, "UPDATE runs SET records = ?2, new = ?3 WHERE id = ?1");
    u.Bind(1, run_);
    u.Bind(2, r.records);
    u.Bind(3, r.new_keys);
    if (u.Step() != SQLITE_DONE) return Error("finishing the run");
  }
  KARTA_RETURN_IF_ERROR(Exec("COMMIT"));
  in_run_ = false;
  return r;
}

void Store::AbortRun() {
  if (!in_run_) return;
  in_run_ = false;
  sqlite3_reset(ins_sighting_);
  sqlite3_reset(upsert_ad_);
  Exec("ROLLBACK");
}

Result<std::optional<std::string>> Store::LatestRun() {
  Stmt q(db_, "SELECT max(as_of) FROM runs");
  if (!q.ok() || q.Step() != SQLITE_ROW) return Error("reading the runs");
  if (sqlite3_column_type(q.get(), 0) == SQLITE_NULL) return std::optional<std::string>();
  return std::optional<std::string>(q.Text(0));
}

Result<std::vector<RunSummary>> Store::Runs() {
  std::vector<RunSummary> out;
  std::map<int64_t, size_t> index;
  {
    Stmt q(db_, "SELECT id, as_of, records, new, summary FROM runs ORDER BY as_of, id");
    if (!q.ok()) return Error("reading the runs");
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      RunSummary r;
      r.run = q.Int(0);
      r.as_of = q.Text(1);
      r.records = q.Int(2);
      r.new_keys = q.Int(3);
      r.summary = q.Text(4);
      index[r.run] = out.size();
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Error("reading the runs");
  }
  {
    Stmt q(db_, "SELECT run, site, covered, note FROM run_sites ORDER BY run, site");
    if (!q.ok()) return Error("reading the runs");
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      auto it = index.find(q.Int(0));
      if (it == index.end()) continue;
      RunSummary& r = out[it->second];
      if (q.Int(2) != 0) {
        r.sites.push_back(q.Text(1));
      } else {
        std::string note = q.Text(3);
        r.missing.push_back(note.empty() ? q.Text(1) : q.Text(1) + ": " + note);
      }
    }
    if (rc != SQLITE_DONE) return Error("reading the runs");
  }
  {
    std::string sql = fmt::format(
        "SELECT g, count(*) FROM (SELECT {} AS g FROM ads a) AS t WHERE g IS NOT NULL GROUP BY g",
        kGoneRun);
    Stmt q(db_, sql.c_str());
    if (!q.ok()) return Error("reading the runs");
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      auto it = index.find(q.Int(0));
      if (it != index.end()) out[it->second].gone = q.Int(1);
    }
    if (rc != SQLITE_DONE) return Error("reading the runs");
  }
  return out;
}

namespace {

Result<std::vector<Entry>> Entries(Stmt* q, const std::function<Status()>& error) {
  std::vector<Entry> out;
  int rc;
  while ((rc = q->Step()) == SQLITE_ROW) {
    Entry e;
    e.key = q->Text(0);
    e.cluster = q->Text(1);
    e.kommun = q->Text(2);
    e.posted_at = q->Text(3);
    e.first_seen = q->Text(4);
    e.last_seen = q->Text(5);
    e.times_seen = q->Int(6);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return error();
  return out;
}

std::string DayStart(int64_t day) { return FormatTime(day * 86400); }

}  // namespace

Result<std::vector<Entry>> Store::New(const std::string& ref, int days) {
  auto t = ParseTime(ref);
  if (!t.ok()) return t.status();
  int64_t day = DayOf(*t);
  Stmt q(db_,
         "SELECT key, cluster, kommun, posted_at, first_seen, last_seen, times_seen FROM ads "
         "WHERE first_seen >= ?1 AND first_seen < ?2 ORDER BY first_seen DESC, key");
  if (!q.ok()) return Error("querying");
  q.Bind(1, DayStart(day - days + 1));
  q.Bind(2, DayStart(day + 1));
  return Entries(&q, [&] { return Error("querying"); });
}

Result<std::vector<Entry>> Store::Gone(const std::string& ref, int days) {
  auto t = ParseTime(ref);
  if (!t.ok()) return t.status();
  int64_t day = DayOf(*t);
  std::string sql = fmt::format(
      "SELECT a.key, a.cluster, a.kommun, a.posted_at, a.first_seen, a.last_seen, a.times_seen "
      "FROM ads a JOIN runs g ON g.id = {} WHERE g.as_of >= ?1 AND g.as_of < ?2 "
      "ORDER BY a.last_seen DESC, a.key",
      kGoneRun);
  Stmt q(db_, sql.c_str());
  if (!q.ok()) return Error("querying");
  q.Bind(1, DayStart(day - days + 1));
  q.Bind(2, DayStart(day + 1));
  return Entries(&q, [&] { return Error("querying"); });
}

Result<std::vector<TrendRow>> Store::Trend(const std::vector<std::string>& by, bool posted) {
  for (const auto& d : by) {
    if (d != "kommun" && d != "cluster" && d != "week" && d != "month" && d != "day") {
      return Status::Usage(fmt::format(
          "--by {}: not a dimension of the history (use kommun, cluster, week, month, day)", d));
    }
  }
  Stmt q(db_,
         "SELECT s.key, s.cluster, s.kommun, r.as_of, a.posted_at, a.first_run = s.run "
         "FROM sightings s JOIN runs r ON r.id = s.run LEFT JOIN ads a ON a.key = s.key");
  if (!q.ok()) return Error("querying");
  struct Acc {
    std::set<std::string> keys, fresh, clusters;
  };
  std::map<std::vector<std::string>, Acc> groups;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    std::string key = q.Text(0), cluster = q.Text(1), kommun = q.Text(2);
    std::string when = posted ? q.Text(4) : q.Text(3);
    std::optional<int64_t> t;
    if (!when.empty()) {
      auto p = ParseTime(when);
      if (p.ok()) t = *p;
    }
    std::vector<std::string> g;
    for (const auto& d : by) {
      if (d == "kommun") {
        g.push_back(kommun);
      } else if (d == "cluster") {
        g.push_back(cluster);
      } else if (!t) {
        g.emplace_back();
      } else if (d == "week") {
        g.push_back(IsoWeek(*t));
      } else if (d == "month") {
        g.push_back(FormatTime(*t).substr(0, 7));
      } else {
        g.push_back(FormatTime(*t).substr(0, 10));
      }
    }
    Acc& a = groups[g];
    if (q.Int(5) != 0) a.fresh.insert(key);
    if (!cluster.empty()) a.clusters.insert(cluster);
    a.keys.insert(std::move(key));
  }
  if (rc != SQLITE_DONE) return Error("querying");
  std::vector<TrendRow> out;
  for (auto& [g, a] : groups) {
    TrendRow r;
    r.group = g;
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
  KARTA_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto del = [&](const char* sql, int64_t* n) -> Status {
    Stmt q(db_, sql);
    if (!q.ok()) return Error("purging");
    q.Bind(1, cutoff);
    if (q.Step() != SQLITE_DONE) return Error("purging");
    *n = sqlite3_changes(db_);
    return Status::Ok();
  };
  int64_t ignored = 0;
  Status s = del("DELETE FROM run_sites WHERE run IN (SELECT id FROM runs WHERE as_of < ?1)",
                 &ignored);
  if (s.ok()) {
    s = del("DELETE FROM sightings WHERE run IN (SELECT id FROM runs WHERE as_of < ?1)",
            &p.sightings);
  }
  if (s.ok()) s = del("DELETE FROM runs WHERE as_of < ?1", &p.runs);
  if (s.ok()) s = del("DELETE FROM ads WHERE last_seen < ?1", &p.ads);
  if (s.ok()) {
    Stmt c(db_, "SELECT count(*) FROM ads");
    if (!c.ok() || c.Step() != SQLITE_ROW) {
      s = Error("purging");
    } else {
      p.ads_left = c.Int(0);
    }
  }
  if (s.ok()) s = Exec("COMMIT");
  if (!s.ok()) {
    Exec("ROLLBACK");
    return s;
  }
  // Leave no copy of what was removed: rewrite the file and empty the WAL.
  if (p.ads + p.sightings + p.runs > 0) {
    KARTA_RETURN_IF_ERROR(Exec("VACUUM"));
    KARTA_RETURN_IF_ERROR(Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  return p;
}

}  // namespace karta
