// The history store: what karta has seen, run after run, in one SQLite file
// on one PC, or on a PostgreSQL server shared by a team (lib/pg.h).
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
// Backends: Open() takes a file path (SQLite) or a postgresql:// URL (a team
// store on a PostgreSQL server). Both hold the same schema, migrated by the
// same steps, and answer every query the same way (store_test.cc runs one
// suite against both). On PostgreSQL a run is also one transaction; several
// processes on several machines may record at once: each run stages its
// sightings (COPY) and merges them into the ads in key order at CommitRun,
// so concurrent runs neither lose nor double a sighting and do not deadlock.
//
// Outreach (karta outreach): the same store holds the team's work list:
// claims (who works on a person, until when), and contact events (channel,
// outcome, note). A person is a cluster (dedupe), or an ad without one. An
// event is linked to the ads the person had when it was recorded, so when a
// later run merges or splits clusters, the history follows the ads into
// their new clusters. Raw contact details (phones, emails, handles) are kept
// per ad for the outreach views only; the history views never show them.
//
// Thread-safety: one Store per thread. Several processes may use one file;
// a second writer waits up to 30 s for the first.
#ifndef KARTA_LIB_STORE_H_
#define KARTA_LIB_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

class SqlDb;

// One record seen in a run.
struct Sighting {
  std::string key;        // the ad's url or id; required
  std::string cluster;    // dedupe's cluster, may be empty
  std::string kommun;     // geotag's kommun, may be empty
  std::string posted_at;  // the ad's own time (RFC 3339), may be empty
  // Outreach: contact channels (';'-separated, from karta extract) and flags.
  std::string phones, emails, handles;
  bool young = false, under18 = false;
  std::string site;  // fetch's site (profile name or host), may be empty
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
  int64_t records = 0;               // distinct keys recorded in the run
  int64_t new_keys = 0;              // of which never seen before
  int64_t gone = 0;                  // ads this run found gone (see Gone)
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
  int64_t ads = 0;                 // distinct keys seen in the group
  int64_t new_ads = 0;             // of which first seen in the group's period
  int64_t clusters = 0;            // distinct non-empty clusters
};

struct PurgeSummary {
  std::string cutoff;  // entries last seen before this time were removed
  int64_t ads = 0;
  int64_t sightings = 0;
  int64_t runs = 0;
  int64_t ads_left = 0;
  int64_t contacts = 0;  // outreach contact events removed (counted first)
  int64_t claims = 0;    // outreach claims removed
};

// A person on the outreach work list.
struct Person {
  std::string id;  // the cluster, or the ad's key when it has none
  std::vector<std::string> phones, emails, handles, kommuner;  // sorted, distinct
  int64_t ads = 0;
  std::string first_seen, last_seen;
  std::string under18_since;  // first_seen of the first ad flagged under18, or ""
  bool under18 = false, young = false, is_new = false;
  std::string holder, claim_expires;       // a claim not yet expired, or ""
  std::string last_contact, last_outcome;  // the latest contact event, or ""
  int64_t contacts = 0;
};

// One contact attempt (or a child-protection referral).
struct ContactEvent {
  int64_t id = 0;
  std::string person;  // the person id when recorded
  std::string at, worker, channel, outcome, note;
  // Snapshots taken when recorded, for outreach stats after a purge:
  std::string kommun, first_seen, under18_since;
};

// Aggregates kept when contact events are purged: per week, kommun, outcome.
struct OutcomeCount {
  std::string week, kommun, outcome;
  int64_t attempts = 0;
};

struct ClaimResult {
  bool claimed = false;  // true: `worker` holds the person now
  std::string holder;    // who holds it (the worker, or someone else)
  std::string expires_at;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 4;

  // Opens (creating if needed, unless `must_exist`) and migrates the store:
  // an SQLite file, or a PostgreSQL server for a postgresql:// URL (the
  // database must exist; the tables are created on first use).
  // `writes`: the caller will write (record, purge, claim): an SQLite store is
  // checked whole first (quick_check); readers skip that cost.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, bool must_exist = false,
                                             bool writes = true);
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
  // Outreach records go too: contact events recorded before `cutoff` (their
  // counts are kept per week, kommun and outcome), events whose ads are all
  // gone, and expired claims.
  Result<PurgeSummary> Purge(const std::string& cutoff);

  // ---- Outreach ----------------------------------------------------------
  // The people with an ad last seen at or after `since`, with their contact
  // channels, flags and outreach status at time `now`; is_new when the
  // person's first ad was first seen at or after `new_since`. Unordered.
  Result<std::vector<Person>> People(const std::string& since, const std::string& new_since,
                                     const std::string& now);
  // One person (any ads, however old), or nullopt if the store has none.
  Result<std::optional<Person>> FindPerson(const std::string& id, const std::string& now);
  // Claims `person` for `worker` until `expires_at`, in one statement: it
  // succeeds when nobody holds the person, the holder's claim has expired at
  // `now`, or `worker` holds it already (then it is extended).
  Result<ClaimResult> Claim(const std::string& person, const std::string& worker,
                            const std::string& now, const std::string& expires_at);
  // Drops `worker`'s claim (any holder's with `force`); false if none was dropped.
  Result<bool> Release(const std::string& person, const std::string& worker, bool force);
  // Records a contact event, linked to the person's ads at this moment.
  Result<int64_t> AddContact(const ContactEvent& e);
  // The contact events of a person, following merges and splits, oldest first.
  Result<std::vector<ContactEvent>> Contacts(const std::string& person);
  // Every contact event in the store, oldest first.
  Result<std::vector<ContactEvent>> AllContacts();
  // Counts kept from purged contact events.
  Result<std::vector<OutcomeCount>> PurgedCounts();

  // The connection (for tests and the bench).
  SqlDb* db() { return db_.get(); }

 private:
  Store(std::unique_ptr<SqlDb> db);
  Status Migrate();
  Status Q(const char* sql, const std::vector<std::string>& params,
           const std::function<Status(const class SqlRow&)>& each = nullptr);
  // Trend from the counts CommitRun keeps per run, when they answer exactly;
  // an empty optional when the slow path over every sighting must.
  Result<std::optional<std::vector<TrendRow>>> TrendFromRunCounts(
      const std::vector<std::string>& by, bool posted);
  Result<std::vector<Person>> Gather(const char* where, const std::vector<std::string>& params,
                                     const std::string& new_since, const std::string& now);

  std::unique_ptr<SqlDb> db_;
  int version_ = 0;
  bool in_run_ = false;
  std::optional<Coverage> coverage_;  // set by SetCoverage, written by CommitRun
  int64_t run_ = 0;
  std::string as_of_;
};

// Time helpers (RFC 3339 UTC, whole seconds).

// Parses "2026-11-23", "2026-11-23T08:00:00Z", "2026-11-23T08:00:00+01:00",
// "2026-11-23 08:00:00" into seconds since 1970 (UTC).
Result<int64_t> ParseTime(std::string_view s);
// An --as-of value: "now" (the clock) or anything ParseTime reads.
Result<int64_t> ParseAsOf(std::string_view s);
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
