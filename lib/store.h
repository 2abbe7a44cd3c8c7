// The history store: what karta has seen, run after run, in one SQLite file.
//
// Staff run the same routine every week; the store remembers every ad (by its
// key: url or ad id) with its cluster, kommun, first_seen and last_seen, and
// which runs saw it, so that later one can ask what is new, what has gone and
// where it is growing:
//
//   auto store = Store::Open("history.sqlite");
//   if (!store.ok()) return store.status();
//   KARTA_RETURN_IF_ERROR((*store)->BeginRun("2026-11-23T08:00:00Z"));
//   KARTA_RETURN_IF_ERROR((*store)->Add({.key = url, .cluster = c, .kommun = k}));
//   auto summary = (*store)->CommitRun();
//
// Guarantees:
//  - One transaction per run. BeginRun starts it, CommitRun ends it; if the
//    process is interrupted or killed (even kill -9) before CommitRun, the
//    store holds nothing of that run (SQLite WAL journal; synchronous=FULL
//    makes a committed run durable).
//  - The schema is versioned (table schema_version) and migrated forward in
//    one transaction on open; a store from a newer karta is refused.
//  - The file is created with mode 0600 (SQLite gives its -wal and -shm files
//    the same mode). secure_delete is on, so purged data is overwritten, and
//    Purge() checkpoints and vacuums so it leaves no copy behind.
//
// Times are RFC 3339 UTC strings ("2026-11-23T08:00:00Z"). Windows such as
// "new in the last 7 days" count whole UTC days back from a reference time,
// so weekly runs compare week against week whatever the hour of the run.
//
// Thread-safety: one Store per thread. Several processes may use one file;
// a second writer waits up to 30 s for the first.
#ifndef KARTA_LIB_STORE_H_
#define KARTA_LIB_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace karta {

// One record seen in a run.
struct Sighting {
  std::string key;        // the ad's url or id; required
  std::string cluster;    // dedupe's cluster, may be empty
  std::string kommun;     // geotag's kommun, may be empty
  std::string posted_at;  // the ad's own time (RFC 3339), may be empty
  std::string site;       // fetch's site (profile name or host), may be empty
};

// Which sites a run covered: a site is covered when the crawl reached it
// (fetch's summary says so). An ad is gone only when a run that covered its
// site did not see it, so a site that was down makes nothing of it gone.
struct SiteCoverage {
  std::string site;
  bool covered = true;
  std::string note;  // why a site was not covered ("no page could be fetched: ...")
};
struct Coverage {
  std::vector<SiteCoverage> sites;
  std::string summary;  // the source's one-line summary, kept with the run
};

struct RunSummary {
  int64_t run = 0;
  std::string as_of;
  int64_t records = 0;  // distinct keys recorded in the run
  int64_t new_keys = 0; // of which never seen before
  int64_t gone = 0;      // ads this run found gone (see Gone)
  std::vector<std::string> sites;    // covered; empty: every site (no coverage known)
  std::vector<std::string> missing;  // not covered, as "site: why"
  std::string summary;
};

// An ad as the store knows it.
struct Entry {
  std::string key, cluster, kommun, posted_at, first_seen, last_seen;
  int64_t times_seen = 0;  // number of runs that saw it
};

struct TrendRow {
  std::vector<std::string> group;  // one value per --by dimension
  int64_t ads = 0;       // distinct keys seen in the group
  int64_t new_ads = 0;   // of which first seen in the group's period
  int64_t clusters = 0;  // distinct non-empty clusters
};

struct PurgeSummary {
  std::string cutoff;  // entries last seen before this time were removed
  int64_t ads = 0;
  int64_t sightings = 0;
  int64_t runs = 0;
  int64_t ads_left = 0;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 2;

  // Opens (creating if needed, unless `must_exist`) and migrates the store.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, bool must_exist = false);
  ~Store();  // rolls back a run not committed
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const { return version_; }

  // Starts a run at time `as_of` (RFC 3339 UTC). REQUIRES: no run open.
  Status BeginRun(const std::string& as_of);
  // Records one sighting in the open run (a key seen twice counts once).
  Status Add(const Sighting& s);
  // Says which sites the open run covered. Without it, a run covers the
  // sites of its sightings, and a run whose sightings name no site covers
  // every site.
  Status SetCoverage(const Coverage& c);
  // Commits the open run.
  Result<RunSummary> CommitRun();
  // Abandons the open run (the store stays as it was).
  void AbortRun();

  // The time of the latest run, if any.
  Result<std::optional<std::string>> LatestRun();
  // All runs, oldest first.
  Result<std::vector<RunSummary>> Runs();

  // Ads first seen on one of the `days` UTC days up to and including the day
  // of `ref`, newest first.
  Result<std::vector<Entry>> New(const std::string& ref, int days);
  // The ads that disappeared: those found gone by a run on one of the `days`
  // UTC days up to and including `ref`'s day. A run finds an ad gone when it
  // is the first run after the ad's last sighting that covered the ad's site
  // (ads without a site: the first run after it).
  Result<std::vector<Entry>> Gone(const std::string& ref, int days);
  // Counts per group of sightings. `by` holds dimensions among kommun,
  // cluster, week, month, day; with `posted`, week/month/day are those of the
  // ad's posted_at instead of the run.
  Result<std::vector<TrendRow>> Trend(const std::vector<std::string>& by, bool posted);
  // Removes every ad last seen before `cutoff`, its sightings, and runs left
  // without sightings; then reclaims the space so no copy remains.
  Result<PurgeSummary> Purge(const std::string& cutoff);

 private:
  Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);
  Status Error(std::string_view what) const;
  Status Migrate();

  sqlite3* db_;
  std::string path_;
  int version_ = 0;
  bool in_run_ = false;
  int64_t run_ = 0;
  std::string as_of_;
  int64_t run_records_ = 0;
  int64_t run_new_ = 0;
  bool coverage_set_ = false;
  sqlite3_stmt* ins_sighting_ = nullptr;
  sqlite3_stmt* upsert_ad_ = nullptr;
};

// Time helpers (RFC 3339 UTC, whole seconds).

// Parses "2026-11-23", "2026-11-23T08:00:00Z", "2026-11-23T08:00:00+01:00",
// "2026-11-23 08:00:00" into seconds since 1970 (UTC).
Result<int64_t> ParseTime(std::string_view s);
// Formats seconds since 1970 as "2026-11-23T08:00:00Z".
std::string FormatTime(int64_t t);
// "2026-W48" (ISO 8601 week), "2026-11", "2026-11-23" for a time.
std::string IsoWeek(int64_t t);

// A period such as "7d", "2w", "12m" (months), "1y".
struct Period {
  int64_t count = 0;
  char unit = 'd';  // d, w, m, y
};
Result<Period> ParsePeriod(std::string_view s);
// `t` moved back by `p` (months and years by the calendar, clamping the day).
int64_t Before(int64_t t, const Period& p);
// Whole days in `p` (months as 30, years as 365); for day windows.
int64_t PeriodDays(const Period& p);

}  // namespace karta

#endif  // KARTA_LIB_STORE_H_
