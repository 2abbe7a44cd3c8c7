// karta history: remember what was seen, run after run, and ask what changed.
//
// `history record` is a stage: it reads CSV, records every record's key (url
// or ad id), cluster and kommun in the history store (SQLite) as one run, and
// writes its input unchanged, so it can sit anywhere in a pipeline or
// routine. `history new`, `gone`, `trend`, `runs` and `purge` read the store
// and write CSV.
#include <fmt/format.h>

#include <ctime>

#include "lib/csv.h"
#include "lib/dates.h"
#include "lib/hints.h"
#include "lib/io.h"
#include "lib/store.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
ACTION is one of:
  record   a stage: records what passes through as one run, passes it on
  new      ads first seen in the last --since period      (CSV)
  gone     ads seen in the --since period before the latest run, but not in
           it: the ads that disappeared                    (CSV)
  trend    ads, new ads and clusters per --by group        (CSV)
  runs     the runs in the store                           (CSV)
  purge    remove everything last seen more than --older-than ago (CSV)

The store is one SQLite file, or a PostgreSQL server shared by the team
(--store postgresql://USER@HOST/DB; see docs/team-store.md): same tables,
same answers, and several karta processes may record into a server at once.
A run is recorded completely or not at all: if the run fails, is
interrupted or the PC crashes, the store stays as it was.
Keep the store where only the unit can read it: it links ads over time. The
file is created readable by you alone (mode 0600).

record takes the key from --key (default: the column url, else ad_id, else
id), and cluster (from karta dedupe), kommun (from karta geotag) and site
(from karta fetch) when the input has them; phones, emails, handles, young
and under18 (karta extract) are kept for the outreach work list (karta
outreach) and shown only there. The run's time is now, or --as-of.
--time-field names a column with the ad's own time (e.g. posted_at) for
'trend --posted'; times without a zone are read in --tz.

Coverage: a run records which sites it covered. With --coverage FILE (the
file 'karta fetch --summary FILE' wrote) that is the sites fetch reached;
a site that was down is kept as not covered, with why, and fetch's summary
line is kept with the run. Without --coverage, the run covers the sites its
records name (column site), or every site if they name none. An ad is gone
only when a run that covered its site did not see it: a site that failed
one week makes nothing of it gone, and its ads that went away meanwhile are
counted gone by the next run that reaches the site.

new and gone count back from the latest run (or --as-of), in whole days:
with weekly runs, 'new --since 7d' is what this week's run found that last
week's did not, and 'gone --since 7d' is what this week's run found gone:
seen before, not seen now, on a site this week's run covered.

runs shows each run: its time, ads, new, gone, the sites it covered, those
it did not (and why) and the source's summary line.

Periods: 7d (days), 2w (weeks), 12m (months), 1y (years).

Retention: personal data may be kept no longer than needed (GDPR art. 5(1)(e)).
Run 'purge --older-than 12m' (or what the unit's retention policy says) on a
schedule; it says how much it removed and rewrites the file so that nothing
removed can be recovered from it. It removes the outreach records too
(karta outreach): contacts recorded before the cutoff, keeping only their
counts per week, kommun and outcome, and expired claims.

Examples:
  karta run queries/stockholm-weekly.karta       (records with history record)
  karta dedupe ads.csv | karta history record --store h.sqlite > clusters.csv
  karta history record --store h.sqlite --as-of 2026-11-23 week47.csv > /dev/null
  karta fetch --site s.toml --summary f.csv | ... | karta history record --store h.sqlite --coverage f.csv
  karta history new --store h.sqlite --since 7d
  karta history gone --store h.sqlite --since 7d
  karta history trend --store h.sqlite --by kommun,week
  karta history trend --store h.sqlite --by week --posted
  karta history purge --store h.sqlite --older-than 12m
)";

enum class Action { kRecord, kNew, kGone, kTrend, kRuns, kPurge };

struct Options {
  std::string action;
  std::string store;
  std::string key;
  std::string time_field;
  std::string as_of;
  std::string since;
  std::string by = "kommun,week";
  bool posted = false;
  std::string older_than;
  std::string coverage;
  std::string tz;
};

// Reads the summary file of karta fetch (--summary): one row per site with
// at least the columns site and covered (1 or 0) and optionally note; the
// row "(all)" holds the one-line summary in note.
Result<Coverage> ReadCoverage(const std::string& path) {
  CsvOptions o;
  auto reader = CsvReader::Open({path}, o);
  if (!reader.ok()) return reader.status().WithPrefix("--coverage");
  const Header& h = (*reader)->header();
  auto site = RequireColumn(h, "site", "--coverage reads the file of karta fetch --summary");
  if (!site.ok()) return site.status().WithPrefix(path);
  auto covered = RequireColumn(h, "covered", "--coverage reads the file of karta fetch --summary");
  if (!covered.ok()) return covered.status().WithPrefix(path);
  auto note = h.Find("note");
  Coverage c;
  Record rec;
  for (;;) {
    KARTA_ASSIGN_OR_RETURN(auto more, (*reader)->Next(&rec));
    if (!more) break;
    const std::string& cov = rec.fields[*covered];
    std::string n = note ? rec.fields[*note] : std::string();
    if (rec.fields[*site] == "(all)") {
      c.summary = n;
      continue;
    }
    if (cov != "0" && cov != "1") {
      return Status::Data(
          fmt::format("{}: covered is '{}', not 1 or 0 (is this the file of "
                      "karta fetch --summary?)",
                      rec.Where(), cov));
    }
    c.sites.push_back({rec.fields[*site], cov == "1", std::move(n)});
  }
  return c;
}

// Records what passes; commits the run when the stream has ended well.
class RecordStage : public Stage {
 public:
  RecordStage(const ToolEnv& env, std::unique_ptr<Store> store, Options opts, std::string as_of,
              TimeZone tz)
      : env_(env),
        store_(std::move(store)),
        opts_(std::move(opts)),
        as_of_(std::move(as_of)),
        tz_(std::move(tz)) {}

  Status Begin(const Header& header) override {
    if (header.empty()) {
      // Empty input: nothing to record (End refuses the run).
      key_ = -1;
    } else {
      std::optional<size_t> k;
      if (!opts_.key.empty()) {
        KARTA_ASSIGN_OR_RETURN(
            auto r,
            RequireColumn(header, opts_.key, "--key names the column that identifies an ad"));
        k = r;
      } else {
        for (const char* name : {"url", "ad_id", "id"}) {
          if ((k = header.Find(name))) break;
        }
        if (!k) {
          return RequireColumn(header, "url",
                               "history record needs a key column: url, ad_id or id, or name "
                               "one with --key")
              .status();
        }
      }
      key_ = static_cast<int>(*k);
      cluster_ = Index(header, "cluster");
      kommun_ = Index(header, "kommun");
      // For karta outreach (shown only in its views): contacts and flags.
      phones_ = Index(header, "phones");
      emails_ = Index(header, "emails");
      handles_ = Index(header, "handles");
      young_ = Index(header, "young");
      under18_ = Index(header, "under18");
      site_ = Index(header, "site");
      if (!opts_.time_field.empty()) {
        KARTA_ASSIGN_OR_RETURN(auto r, RequireColumn(header, opts_.time_field, "--time-field"));
        time_ = static_cast<int>(r);
      }
    }
    KARTA_RETURN_IF_ERROR(store_->BeginRun(as_of_));
    return next_->Begin(header);
  }

  Status Push(Record& rec) override {
    if (key_ >= 0) {
      s_.key = rec.fields[key_];
      if (s_.key.empty()) {
        ++no_key_;
      } else {
        s_.cluster = cluster_ >= 0 ? rec.fields[cluster_] : std::string();
        s_.kommun = kommun_ >= 0 ? rec.fields[kommun_] : std::string();
        s_.phones = phones_ >= 0 ? rec.fields[phones_] : std::string();
        s_.emails = emails_ >= 0 ? rec.fields[emails_] : std::string();
        s_.handles = handles_ >= 0 ? rec.fields[handles_] : std::string();
        s_.young = young_ >= 0 && IsSet(rec.fields[young_]);
        s_.under18 = under18_ >= 0 && IsSet(rec.fields[under18_]);
        s_.site = site_ >= 0 ? rec.fields[site_] : std::string();
        s_.posted_at.clear();
        if (time_ >= 0 && !rec.fields[time_].empty()) {
          auto t = ReadTime(rec.fields[time_], tz_);
          if (!t) {
            return Status::Data(fmt::format(
                "{}: {}: '{}' is not a date or time (write 2026-11-23T08:00:00Z, or a local "
                "time such as 2026-11-23 09:00)",
                rec.Where(), opts_.time_field, rec.fields[time_].substr(0, 40)));
          }
          s_.posted_at = FormatTime(*t);
        }
        KARTA_RETURN_IF_ERROR(store_->Add(s_));
        ++added_;
      }
    }
    return next_->Push(rec);
  }

  Status End() override {
    // Commit only when everything downstream went well too: a failed run
    // leaves no trace and can simply be run again.
    KARTA_RETURN_IF_ERROR(next_->End());
    if (added_ == 0) {
      // A run of no ads would make every ad of the last run look gone
      // (`history gone` reported 1,000 of 1,000 after `: | history record`).
      store_->AbortRun();
      return Status::Data(fmt::format(
          "{}: no ads to record (the input {}), so no run was recorded: an empty run would make "
          "every ad look gone. Check the step before this one",
          opts_.store, key_ < 0 ? "was empty" : "had no record with a key"));
    }
    if (!opts_.coverage.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto c, ReadCoverage(opts_.coverage));
      KARTA_RETURN_IF_ERROR(store_->SetCoverage(c));
      for (const SiteCoverage& sc : c.sites) {
        if (!sc.covered) {
          env_.Warn(fmt::format("{} was not covered this run ({}): none of its ads count as gone",
                                sc.site, sc.note.empty() ? "see the fetch summary" : sc.note));
        }
      }
    }
    KARTA_ASSIGN_OR_RETURN(auto r, store_->CommitRun());
    env_.Warn(fmt::format("recorded run {} as of {} in {}: {} ad{}, {} new", r.run, r.as_of,
                          opts_.store, r.records, r.records == 1 ? "" : "s", r.new_keys));
    if (no_key_ > 0) {
      env_.Warn(fmt::format("{} record{} had an empty key and {} not recorded (passed on)", no_key_,
                            no_key_ == 1 ? "" : "s", no_key_ == 1 ? "was" : "were"));
    }
    return Status::Ok();
  }

 private:
  // A flag cell as karta extract writes it (1), or as people type it.
  static bool IsSet(std::string_view v) {
    return v == "1" || v == "true" || v == "yes" || v == "ja";
  }
  static int Index(const Header& h, std::string_view name) {
    auto i = h.Find(name);
    return i ? static_cast<int>(*i) : -1;
  }

  ToolEnv env_;
  std::unique_ptr<Store> store_;
  Options opts_;
  std::string as_of_;
  TimeZone tz_;
  int key_ = -1, cluster_ = -1, kommun_ = -1, site_ = -1, time_ = -1;
  int phones_ = -1, emails_ = -1, handles_ = -1, young_ = -1, under18_ = -1;
  int64_t no_key_ = 0;
  int64_t added_ = 0;
  Sighting s_;
};

// A query: a source stage that reads nothing and, at the end of its (empty)
// input, writes the answer.
class QueryStage : public Stage {
 public:
  QueryStage(const ToolEnv& env, std::unique_ptr<Store> store, Action action, Options opts)
      : env_(env), store_(std::move(store)), action_(action), opts_(std::move(opts)) {}

  Status Begin(const Header& header) override {
    if (!header.empty()) {
      return Status::Usage(
          fmt::format("history {} reads no input (it reads the store)", opts_.action));
    }
    return Status::Ok();
  }
  Status Push(Record&) override {
    return Status::Usage(fmt::format("history {} reads no input", opts_.action));
  }
  Status End() override {
    switch (action_) {
      case Action::kNew:
      case Action::kGone:
        return NewOrGone();
      case Action::kTrend:
        return Trend();
      case Action::kRuns:
        return Runs();
      case Action::kPurge:
        return Purge();
      case Action::kRecord:
        break;
    }
    return Status::Ok();
  }

 private:
  Status Emit(const std::vector<std::string>& names, std::vector<std::vector<std::string>> rows) {
    KARTA_RETURN_IF_ERROR(next_->Begin(Header(names)));
    Record rec;
    for (auto& row : rows) {
      rec.fields = std::move(row);
      KARTA_RETURN_IF_ERROR(next_->Push(rec));
    }
    return next_->End();
  }

  // The reference time: --as-of, else the latest run.
  Result<std::optional<std::string>> Reference() {
    if (!opts_.as_of.empty()) {
      auto t = ParseAsOf(opts_.as_of);
      if (!t.ok()) return t.status().WithPrefix("--as-of");
      return std::optional<std::string>(FormatTime(*t));
    }
    return store_->LatestRun();
  }

  Status NewOrGone() {
    auto p = ParsePeriod(opts_.since.empty() ? "7d" : opts_.since);
    if (!p.ok()) return p.status().WithPrefix("--since");
    KARTA_ASSIGN_OR_RETURN(auto ref, Reference());
    std::vector<std::vector<std::string>> rows;
    if (!ref.has_value()) {
      env_.Warn(fmt::format("{} holds no runs yet", opts_.store));
    } else {
      KARTA_ASSIGN_OR_RETURN(auto entries,
                             action_ == Action::kNew
                                 ? store_->New(*ref, static_cast<int>(PeriodDays(*p)))
                                 : store_->Gone(*ref, static_cast<int>(PeriodDays(*p))));
      for (auto& e : entries) {
        rows.push_back({e.key, e.cluster, e.kommun, e.posted_at, e.first_seen, e.last_seen,
                        std::to_string(e.times_seen)});
      }
    }
    return Emit({"key", "cluster", "kommun", "posted_at", "first_seen", "last_seen", "times_seen"},
                std::move(rows));
  }

  Status Trend() {
    std::vector<std::string> by = SplitList(opts_.by);
    KARTA_ASSIGN_OR_RETURN(auto rows, store_->Trend(by, opts_.posted));
    std::vector<std::string> names = by;
    for (const char* n : {"ads", "new", "clusters"}) names.emplace_back(n);
    std::vector<std::vector<std::string>> out;
    for (auto& r : rows) {
      std::vector<std::string> row = r.group;
      row.push_back(std::to_string(r.ads));
      row.push_back(std::to_string(r.new_ads));
      row.push_back(std::to_string(r.clusters));
      out.push_back(std::move(row));
    }
    return Emit(names, std::move(out));
  }

  Status Runs() {
    KARTA_ASSIGN_OR_RETURN(auto runs, store_->Runs());
    std::vector<std::vector<std::string>> out;
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
      return s;
    };
    for (auto& r : runs) {
      out.push_back({std::to_string(r.run), r.as_of, std::to_string(r.records),
                     std::to_string(r.new_keys), std::to_string(r.gone),
                     r.sites.empty() && r.missing.empty() ? "(all)" : join(r.sites),
                     join(r.missing), r.summary});
    }
    return Emit({"run", "as_of", "ads", "new", "gone", "sites", "not_covered", "summary"},
                std::move(out));
  }

  Status Purge() {
    auto p = ParsePeriod(opts_.older_than);
    if (!p.ok()) return p.status().WithPrefix("--older-than");
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    if (!opts_.as_of.empty()) {
      auto t = ParseAsOf(opts_.as_of);
      if (!t.ok()) return t.status().WithPrefix("--as-of");
      now = *t;
    }
    std::string cutoff = FormatTime(Before(now, *p));
    KARTA_ASSIGN_OR_RETURN(auto r, store_->Purge(cutoff));
    env_.Warn(
        fmt::format("removed {} ad{} last seen before {} (older than {}), {} sighting{} "
                    "and {} run{}; {} ad{} remain",
                    r.ads, r.ads == 1 ? "" : "s", cutoff, opts_.older_than, r.sightings,
                    r.sightings == 1 ? "" : "s", r.runs, r.runs == 1 ? "" : "s", r.ads_left,
                    r.ads_left == 1 ? "" : "s"));
    if (r.contacts + r.claims > 0) {
      env_.Warn(
          fmt::format("outreach: removed {} contact record{} (counted per week, kommun and "
                      "outcome first) and {} expired claim{}",
                      r.contacts, r.contacts == 1 ? "" : "s", r.claims, r.claims == 1 ? "" : "s"));
    }
    return Emit({"cutoff", "removed_ads", "removed_sightings", "removed_runs", "ads_left"},
                {{cutoff, std::to_string(r.ads), std::to_string(r.sightings),
                  std::to_string(r.runs), std::to_string(r.ads_left)}});
  }

  ToolEnv env_;
  std::unique_ptr<Store> store_;
  Action action_;
  Options opts_;
};

class History : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("ACTION", o_.action, "record, new, gone, trend, runs or purge (see below)")
        ->required();
    app->add_option(
           "--store", o_.store,
           "The history store: an SQLite file (record creates it) or postgresql://USER@HOST/DB")
        ->type_name("STORE")
        ->required();
    app->add_option("--key", o_.key,
                    "record: the column identifying an ad (default: url, else ad_id, else id)")
        ->type_name("COLUMN");
    app->add_option("--time-field", o_.time_field,
                    "record: a column with the ad's own time, e.g. posted_at (for trend --posted)")
        ->type_name("COLUMN");
    app->add_option("--as-of", o_.as_of,
                    "now, a date or an RFC 3339 time. record: the run's time (default: now); "
                    "new, gone: count back from it (default: the latest run); purge: count "
                    "back from it (default: now)")
        ->type_name("TIME");
    app->add_option("--since", o_.since, "new, gone: the period to look back (default 7d)")
        ->type_name("PERIOD");
    app->add_option("--by", o_.by,
                    "trend: group by these, comma-separated: kommun, cluster, week, month, day "
                    "(default kommun,week)")
        ->type_name("LIST");
    app->add_flag("--posted", o_.posted,
                  "trend: week/month/day of the ad's posted time (record --time-field) instead "
                  "of the run's");
    app->add_option("--older-than", o_.older_than, "purge: remove what was last seen before this")
        ->type_name("PERIOD");
    app->add_option("--coverage", o_.coverage,
                    "record: the sites the run covered, from karta fetch --summary FILE")
        ->type_name("FILE");
    app->add_option("--tz", o_.tz, kTzHelp)->type_name("ZONE");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    static const std::vector<std::pair<const char*, Action>> kActions = {
        {"record", Action::kRecord}, {"new", Action::kNew},   {"gone", Action::kGone},
        {"trend", Action::kTrend},   {"runs", Action::kRuns}, {"purge", Action::kPurge}};
    std::optional<Action> action;
    for (const auto& [name, a] : kActions) {
      if (o_.action == name) action = a;
    }
    if (!action) {
      return Status::Usage(fmt::format(
          "'{}' is not an action (use record, new, gone, trend, runs or purge)", o_.action));
    }
    auto only = [&](bool given, const char* flag, std::initializer_list<Action> for_actions,
                    const char* which) -> Status {
      if (!given) return Status::Ok();
      for (Action a : for_actions) {
        if (a == *action) return Status::Ok();
      }
      return Status::Usage(fmt::format("{} is for {}, not for history {}", flag, which, o_.action));
    };
    KARTA_RETURN_IF_ERROR(only(!o_.key.empty(), "--key", {Action::kRecord}, "record"));
    KARTA_RETURN_IF_ERROR(
        only(!o_.time_field.empty(), "--time-field", {Action::kRecord}, "record"));
    KARTA_RETURN_IF_ERROR(only(!o_.coverage.empty(), "--coverage", {Action::kRecord}, "record"));
    KARTA_RETURN_IF_ERROR(only(!o_.tz.empty(), "--tz", {Action::kRecord}, "record"));
    KARTA_RETURN_IF_ERROR(
        only(!o_.since.empty(), "--since", {Action::kNew, Action::kGone}, "new and gone"));
    KARTA_RETURN_IF_ERROR(
        only(o_.by != "kommun,week" || o_.posted, "--by/--posted", {Action::kTrend}, "trend"));
    KARTA_RETURN_IF_ERROR(only(!o_.older_than.empty(), "--older-than", {Action::kPurge}, "purge"));
    KARTA_RETURN_IF_ERROR(only(!o_.as_of.empty(), "--as-of",
                               {Action::kRecord, Action::kNew, Action::kGone, Action::kPurge},
                               "record, new, gone and purge"));
    if (*action == Action::kPurge && o_.older_than.empty()) {
      return Status::Usage("purge needs --older-than PERIOD, e.g. --older-than 12m");
    }
    // Check flags before touching the store.
    if (!o_.since.empty()) {
      if (auto p = ParsePeriod(o_.since); !p.ok()) return p.status().WithPrefix("--since");
    }
    if (!o_.older_than.empty()) {
      if (auto p = ParsePeriod(o_.older_than); !p.ok())
        return p.status().WithPrefix("--older-than");
    }
    std::string as_of;
    if (!o_.as_of.empty()) {
      auto t = ParseAsOf(o_.as_of);
      if (!t.ok()) return t.status().WithPrefix("--as-of");
      as_of = FormatTime(*t);
    }
    if (*action == Action::kTrend) {
      if (SplitList(o_.by).empty())
        return Status::Usage("--by: name at least one of kommun, cluster, week, month, day");
      for (const auto& d : SplitList(o_.by)) {
        if (d != "kommun" && d != "cluster" && d != "week" && d != "month" && d != "day") {
          return Status::Usage(fmt::format(
              "--by {}: not a dimension of the history (use kommun, cluster, week, month, day){}",
              d, DidYouMean(d, {"kommun", "cluster", "week", "month", "day"})));
        }
      }
    }
    auto tz = TimeZone::Load(o_.tz.empty() ? TimeZone::Default().name() : o_.tz);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    const bool writes = *action == Action::kRecord || *action == Action::kPurge;
    KARTA_ASSIGN_OR_RETURN(auto store, Store::Open(o_.store, *action != Action::kRecord, writes));
    if (*action == Action::kRecord) {
      if (as_of.empty()) as_of = FormatTime(static_cast<int64_t>(std::time(nullptr)));
      return std::unique_ptr<Stage>(
          new RecordStage(env, std::move(store), o_, std::move(as_of), std::move(*tz)));
    }
    if (!env.common.inputs.empty()) {
      return Status::Usage(fmt::format("history {} reads the store, not input files ({})",
                                       o_.action, env.common.inputs.front()));
    }
    return std::unique_ptr<Stage>(new QueryStage(env, std::move(store), *action, o_));
  }

  bool ReadsInput() const override { return o_.action == "record"; }

 private:
  Options o_;
};

}  // namespace

ToolInfo HistoryTool() {
  return {"history",
          "Record runs in a history store; what is new, gone, growing; purge old data",
          kHelp,
          kInputOutput,
          [] { return std::unique_ptr<Tool>(new History()); },
          ToolRole::kSource};
}

}  // namespace karta
