// karta outreach: the team's work list over the history store: the people to
// contact in priority order, who works on whom (claims), what was tried
// (contacts and outcomes), and aggregates for the project's evaluation.
//
// Reads the store that `karta history record` fills (SQLite file or the
// team's PostgreSQL server); writes a terminal table or CSV. This is the one
// place where karta shows raw contact details (phones, e-mails, handles).
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <map>
#include <set>

#include "lib/io.h"
#include "lib/report.h"
#include "lib/store.h"
#include "lib/table.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
ACTION is one of:
  list              the people to contact, most urgent first
  claim ID...       take people on: nobody else can claim them until the
                    claim expires (--for, default 2d) or you release them
  release ID...     give people back
  contacted ID      record a contact attempt: --channel and --outcome
  show ID           a person's contact history (it follows the person when a
                    later run merges or splits clusters)
  stats             aggregates for the evaluation, small counts suppressed

A person is a cluster from karta dedupe (use dedupe --state so that ids stay
the same from week to week), or one ad without a cluster. list shows the
people with an ad seen in the --since period (default 7d) up to the latest
run, in this order:
  1. under18   an age under 18 is stated: NOT for an outreach text. Handle
               as a report to the social services' child protection, today;
               record it with --channel report --outcome referred.
  2. young     a young age is stated (karta extract --flag-young)
  3. new       first seen in the --since period
  4. other
and, within each, the most recently seen first. Columns: the contact
channels (phones, emails, handles), kommun, number of ads, first and last
seen, status (open, claimed, or the outcome of the latest contact), who
holds a claim and until when, and the number of contacts so far.

Claims name the worker: your login, or --as NAME. A claim is one atomic
statement in the store, so two workers can never hold the same person, even
on the team's server. Outcomes: reached, no-answer, declined, wrong-number,
referred. Channels: sms, call, email, chat, visit, report, other.

Notes (--note) are free text that the team reads. Write only what the next
worker needs ("prefers sms in the evening", "referred to the clinic"). Do
NOT write personal identity numbers, full names, addresses, health, sexual
or criminal details, or anything the person told you in confidence: they
stay in the unit's case system, not here. A note with a long number in it
is refused.

Privacy: list and show print phone numbers, e-mails and handles. Write them
only where the unit's data may be kept (-o FILE is created readable by you
alone). 'karta history purge' removes contact records older than the
retention period too, keeping only counts per week, kommun and outcome.

Examples:
  karta outreach list --store history.sqlite
  karta outreach list --store history.sqlite --status open --kommun Solna
  karta outreach list --store history.sqlite --format csv -o arbetslista.csv
  karta outreach claim c0123456789abc --store history.sqlite
  karta outreach contacted c0123456789abc --store history.sqlite \
      --channel sms --outcome no-answer --note "försök igen på kvällen"
  karta outreach show c0123456789abc --store history.sqlite
  karta outreach release c0123456789abc --store history.sqlite
  karta outreach stats --store postgresql://karta@db.unit.example/karta
)";

const std::vector<std::string> kOutcomes = {"reached", "no-answer", "declined", "wrong-number",
                                            "referred"};
const std::vector<std::string> kChannels = {"sms",   "call",   "email", "chat",
                                            "visit", "report", "other"};

bool OneOf(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Joined(const std::vector<std::string>& v) {
  return fmt::format("{}", fmt::join(v, ";"));
}

struct Options {
  std::string action;
  std::vector<std::string> ids;
  std::string store;
  std::string as;
  std::string at;
  std::string for_ = "2d";
  std::string channel, outcome, note;
  bool note_given = false;
  std::string kommun, status;
  bool only_new = false;
  std::string since = "7d";
  std::string format;
  int min_count = 3;
  bool force = false;
};

// "36h" or a store period (7d, 2w, ...), in seconds.
Result<int64_t> ParseDuration(const std::string& s) {
  if (s.size() >= 2 && s.back() == 'h') {
    int64_t h = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, h);
    if (ec == std::errc() && p == s.data() + s.size() - 1 && h > 0 && h <= 24 * 365) {
      return h * 3600;
    }
  } else if (auto p = ParsePeriod(s); p.ok()) {
    return PeriodDays(*p) * 86400;
  }
  return Status::Usage(fmt::format("--for {}: not a duration (write 36h, 2d or 1w)", s));
}

// A person's place in the list: 1 under18, 2 young, 3 new, 4 other.
int Priority(const Person& p) { return p.under18 ? 1 : p.young ? 2 : p.is_new ? 3 : 4; }
const char* PriorityName(int k) {
  switch (k) {
    case 1:
      return "under18";
    case 2:
      return "young";
    case 3:
      return "new";
    default:
      return "other";
  }
}

std::string StatusOf(const Person& p) {
  if (!p.last_outcome.empty()) return p.last_outcome;
  return p.holder.empty() ? "open" : "claimed";
}

// True if `note` holds a run of 6 or more digits (spaces, dashes allowed
// between them): a phone or personal identity number has no place there.
bool HasLongNumber(std::string_view note) {
  int run = 0;
  for (char c : note) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (++run >= 6) return true;
    } else if (c != ' ' && c != '-' && c != '.') {
      run = 0;
    }
  }
  return false;
}

std::string Median(std::vector<double> v) {
  if (v.empty()) return "";
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return FormatNumber(m, 1);
}

class Outreach : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("ACTION", o_.action,
                    "list, claim, release, contacted, show or stats (see below)")
        ->required();
    app->add_option("ID", o_.ids, "claim, release, contacted, show: person ids (from list)");
    app->add_option("--store", o_.store,
                    "The history store: an SQLite file or postgresql://USER@HOST/DB")
        ->type_name("STORE")
        ->required();
    app->add_option("--as", o_.as, "claim, release, contacted: the worker (default: your login)")
        ->type_name("NAME");
    app->add_option("--at", o_.at,
                    "the time of the action or view (default: now), e.g. to record a contact "
                    "made earlier")
        ->type_name("TIME");
    app->add_option("--for", o_.for_, "claim: how long the claim holds (default 2d; 36h, 1w)")
        ->type_name("DURATION");
    app->add_option("--channel", o_.channel,
                    "contacted: sms, call, email, chat, visit, report or other")
        ->type_name("CHANNEL");
    app->add_option("--outcome", o_.outcome,
                    "contacted: reached, no-answer, declined, wrong-number or referred")
        ->type_name("OUTCOME");
    app->add_option("--note", o_.note,
                    "contacted: a short note for the team (no identity numbers, names, health or "
                    "other sensitive details; see below)")
        ->type_name("TEXT");
    app->add_option("--kommun", o_.kommun, "list: only people with ads in this kommun")
        ->type_name("KOMMUN");
    app->add_option("--status", o_.status,
                    "list: only people with this status: open, claimed, contacted, or an "
                    "outcome")
        ->type_name("STATUS");
    app->add_flag("--new", o_.only_new, "list: only people first seen in the --since period");
    app->add_option("--since", o_.since,
                    "list: people seen in this period up to the latest run (default 7d)")
        ->type_name("PERIOD");
    app->add_option("--format", o_.format,
                    "list, show, stats: text (a table; the default on a terminal) or csv")
        ->type_name("FORMAT");
    app->add_option("--min-count", o_.min_count,
                    "stats: show counts below this as \"<N\" (default 3)")
        ->type_name("N");
    app->add_flag("--force", o_.force,
                  "release: also someone else's claim (e.g. when they are away)");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("outreach reads the store, not CSV input");
  }

  Status RunCommand(const ToolEnv& env) override {
    env_ = &env;
    static const std::vector<std::string> kActions = {"list",      "claim", "release",
                                                      "contacted", "show",  "stats"};
    if (!OneOf(kActions, o_.action)) {
      return Status::Usage(fmt::format(
          "'{}' is not an action (use list, claim, release, contacted, show or stats)", o_.action));
    }
    KARTA_RETURN_IF_ERROR(CheckFlags());
    const bool reads_only = o_.action == "list" || o_.action == "show" || o_.action == "stats";
    KARTA_ASSIGN_OR_RETURN(auto store, Store::Open(o_.store, true, !reads_only));
    store_ = std::move(store);
    if (o_.action == "list") return List();
    if (o_.action == "claim") return Claim();
    if (o_.action == "release") return Release();
    if (o_.action == "contacted") return Contacted();
    if (o_.action == "show") return Show();
    return Stats();
  }

 private:
  Status CheckFlags() {
    const std::string& a = o_.action;
    auto only = [&](bool given, const char* flag, std::vector<std::string> actions) -> Status {
      if (!given || OneOf(actions, a)) return Status::Ok();
      return Status::Usage(fmt::format("{} is for outreach {}, not for outreach {}", flag,
                                       fmt::join(actions, "/"), a));
    };
    KARTA_RETURN_IF_ERROR(only(!o_.channel.empty(), "--channel", {"contacted"}));
    KARTA_RETURN_IF_ERROR(only(!o_.outcome.empty(), "--outcome", {"contacted"}));
    KARTA_RETURN_IF_ERROR(only(!o_.note.empty(), "--note", {"contacted"}));
    KARTA_RETURN_IF_ERROR(only(o_.for_ != "2d", "--for", {"claim"}));
    KARTA_RETURN_IF_ERROR(only(!o_.kommun.empty(), "--kommun", {"list"}));
    KARTA_RETURN_IF_ERROR(only(!o_.status.empty(), "--status", {"list"}));
    KARTA_RETURN_IF_ERROR(only(o_.only_new, "--new", {"list"}));
    KARTA_RETURN_IF_ERROR(only(o_.since != "7d", "--since", {"list"}));
    KARTA_RETURN_IF_ERROR(only(o_.force, "--force", {"release"}));
    KARTA_RETURN_IF_ERROR(only(!o_.as.empty(), "--as", {"claim", "release", "contacted"}));
    KARTA_RETURN_IF_ERROR(only(o_.min_count != 3, "--min-count", {"stats"}));
    bool takes_ids = a == "claim" || a == "release" || a == "contacted" || a == "show";
    if (!takes_ids && !o_.ids.empty()) {
      return Status::Usage(fmt::format("outreach {} takes no person id ({})", a, o_.ids[0]));
    }
    if (takes_ids && o_.ids.empty()) {
      return Status::Usage(fmt::format(
          "outreach {} needs a person id (the person column of 'karta outreach list')", a));
    }
    if ((a == "contacted" || a == "show") && o_.ids.size() > 1) {
      return Status::Usage(fmt::format("outreach {} takes one person id at a time", a));
    }
    if (a == "contacted") {
      if (o_.channel.empty() || !OneOf(kChannels, o_.channel)) {
        return Status::Usage(fmt::format(
            "--channel {}: say how you made contact: sms, call, email, chat, visit, report or "
            "other",
            o_.channel.empty() ? "missing" : o_.channel));
      }
      if (o_.outcome.empty() || !OneOf(kOutcomes, o_.outcome)) {
        return Status::Usage(
            fmt::format("--outcome {}: use reached, no-answer, declined, wrong-number or referred",
                        o_.outcome.empty() ? "missing" : o_.outcome));
      }
      if (HasLongNumber(o_.note)) {
        return Status::Usage(
            "--note holds a long number: do not write phone or personal identity numbers in "
            "notes (the person's channels are in the list already)");
      }
      if (o_.note.size() > 500) {
        return Status::Usage("--note is longer than 500 characters: keep notes short");
      }
    }
    if (!o_.format.empty() && o_.format != "text" && o_.format != "csv") {
      return Status::Usage(fmt::format("--format {}: use text or csv", o_.format));
    }
    if (auto p = ParsePeriod(o_.since); !p.ok()) return p.status().WithPrefix("--since");
    if (auto d = ParseDuration(o_.for_); !d.ok()) return d.status();
    if (o_.min_count < 1) return Status::Usage("--min-count must be 1 or more");
    if (!o_.status.empty() && o_.status != "open" && o_.status != "claimed" &&
        o_.status != "contacted" && !OneOf(kOutcomes, o_.status)) {
      return Status::Usage(
          fmt::format("--status {}: use open, claimed, contacted, reached, no-answer, declined, "
                      "wrong-number or referred",
                      o_.status));
    }
    if (o_.at.empty()) {
      now_ = static_cast<int64_t>(std::time(nullptr));
    } else {
      auto t = ParseTime(o_.at);
      if (!t.ok()) return t.status().WithPrefix("--at");
      now_ = *t;
    }
    return Status::Ok();
  }

  std::string Worker() const {
    if (!o_.as.empty()) return o_.as;
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    if (const char* u = std::getenv("USER")) return u;
    return "unknown";
  }

  Status Write(Table t) {
    for (size_t i = 0; i < t.columns.size(); ++i) t.numeric.push_back(false);
    Format f = o_.format == "csv"                          ? Format::kCsv
               : o_.format == "text"                       ? Format::kText
               : ::isatty(1) && env_->common.output == "-" ? Format::kText
                                                           : Format::kCsv;
    KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env_->common.output));
    KARTA_RETURN_IF_ERROR(out->Write(FormatTable(t, f)));
    return out->Commit();
  }

  Result<Person> RequirePerson(const std::string& id) {
    KARTA_ASSIGN_OR_RETURN(auto p, store_->FindPerson(id, FormatTime(now_)));
    if (!p.has_value()) {
      return Status::Data(fmt::format(
          "{}: no person {} in the store (take ids from 'karta outreach list --store {}')",
          o_.store, id, o_.store));
    }
    return std::move(*p);
  }

  Status List() {
    KARTA_ASSIGN_OR_RETURN(auto latest, store_->LatestRun());
    Table t;
    t.columns = {"rank",          "person",     "priority",  "status",   "holder",
                 "claim_expires", "phones",     "emails",    "handles",  "kommun",
                 "ads",           "first_seen", "last_seen", "contacts", "last_contact"};
    if (!latest.has_value()) {
      env_->Warn(fmt::format("{} holds no runs yet", o_.store));
      return Write(std::move(t));
    }
    KARTA_ASSIGN_OR_RETURN(auto ref, ParseTime(*latest));
    int64_t days = PeriodDays(*ParsePeriod(o_.since));
    int64_t day = ref / 86400;
    std::string since = FormatTime((day - days + 1) * 86400);
    KARTA_ASSIGN_OR_RETURN(auto people, store_->People(since, since, FormatTime(now_)));
    std::vector<Person>& v = people;
    std::stable_sort(v.begin(), v.end(), [](const Person& a, const Person& b) {
      int pa = Priority(a), pb = Priority(b);
      if (pa != pb) return pa < pb;
      if (a.last_seen != b.last_seen) return a.last_seen > b.last_seen;
      if (a.first_seen != b.first_seen) return a.first_seen > b.first_seen;
      return a.id < b.id;
    });
    int64_t rank = 0, under18_open = 0;
    for (const Person& p : v) {
      std::string status = StatusOf(p);
      if (!o_.kommun.empty() && !OneOf(p.kommuner, o_.kommun)) continue;
      if (o_.only_new && !p.is_new) continue;
      if (!o_.status.empty()) {
        bool contacted = !p.last_outcome.empty();
        bool keep = o_.status == "contacted" ? contacted
                    : o_.status == "claimed" ? !p.holder.empty()
                                             : status == o_.status;
        if (!keep) continue;
      }
      if (p.under18 && p.last_outcome != "referred") ++under18_open;
      t.rows.push_back({std::to_string(++rank), p.id, PriorityName(Priority(p)), status, p.holder,
                        p.claim_expires, Joined(p.phones), Joined(p.emails), Joined(p.handles),
                        Joined(p.kommuner), std::to_string(p.ads), p.first_seen, p.last_seen,
                        std::to_string(p.contacts), p.last_contact});
    }
    if (under18_open > 0) {
      env_->Warn(fmt::format(
          "{} {} flagged under 18 and not yet referred: report to child protection today, not "
          "an outreach text (then: outreach contacted ID --channel report --outcome referred)",
          under18_open, under18_open == 1 ? "person is" : "people are"));
    }
    return Write(std::move(t));
  }

  Status Claim() {
    auto dur = ParseDuration(o_.for_);
    std::string worker = Worker();
    std::string now = FormatTime(now_), until = FormatTime(now_ + *dur);
    Table t;
    t.columns = {"person", "claimed", "holder", "expires_at"};
    std::vector<std::string> refused;
    for (const auto& id : o_.ids) {
      KARTA_RETURN_IF_ERROR(RequirePerson(id).status());
      KARTA_ASSIGN_OR_RETURN(auto r, store_->Claim(id, worker, now, until));
      t.rows.push_back({id, r.claimed ? "yes" : "no", r.holder, r.expires_at});
      if (!r.claimed) {
        refused.push_back(fmt::format("{} is held by {} until {}", id, r.holder, r.expires_at));
      }
    }
    KARTA_RETURN_IF_ERROR(Write(std::move(t)));
    if (!refused.empty()) {
      return Status::Io(
          fmt::format("{} (ask them, or wait until the claim expires)", fmt::join(refused, "; ")));
    }
    return Status::Ok();
  }

  Status Release() {
    std::string worker = Worker();
    for (const auto& id : o_.ids) {
      KARTA_ASSIGN_OR_RETURN(auto r, store_->Release(id, worker, o_.force));
      if (!r) {
        return Status::Data(fmt::format(
            "{}: you ({}) hold no claim on it (someone else's claim needs --force)", id, worker));
      }
      env_->Warn(fmt::format("released {}", id));
    }
    return Status::Ok();
  }

  Status Contacted() {
    const std::string& id = o_.ids[0];
    KARTA_ASSIGN_OR_RETURN(auto p, RequirePerson(id));
    std::string worker = Worker();
    if (!p.holder.empty() && p.holder != worker) {
      return Status::Io(fmt::format(
          "{} is held by {} until {}: record contacts only for people you hold or nobody holds", id,
          p.holder, p.claim_expires));
    }
    if (p.under18 && o_.outcome != "referred") {
      return Status::Usage(fmt::format(
          "{} is flagged under 18: this is a report to child protection, not outreach; record "
          "it with --channel report --outcome referred",
          id));
    }
    ContactEvent e;
    e.person = id;
    e.at = FormatTime(now_);
    e.worker = worker;
    e.channel = o_.channel;
    e.outcome = o_.outcome;
    e.note = o_.note;
    e.kommun = p.kommuner.empty() ? "" : p.kommuner[0];
    e.first_seen = p.first_seen;
    e.under18_since = p.under18_since;
    KARTA_ASSIGN_OR_RETURN(auto r, store_->AddContact(e));
    env_->Warn(fmt::format("recorded contact {} with {}: {} by {}", r, id, e.outcome, e.channel));
    return Status::Ok();
  }

  Status Show() {
    const std::string& id = o_.ids[0];
    KARTA_ASSIGN_OR_RETURN(auto events, store_->Contacts(id));
    if (events.empty()) {
      KARTA_RETURN_IF_ERROR(RequirePerson(id).status());
    }
    Table t;
    t.columns = {"at", "worker", "channel", "outcome", "note", "recorded_for"};
    for (const auto& e : events) {
      t.rows.push_back({e.at, e.worker, e.channel, e.outcome, e.note, e.person});
    }
    return Write(std::move(t));
  }

  Status Stats() {
    KARTA_ASSIGN_OR_RETURN(auto events, store_->AllContacts());
    KARTA_ASSIGN_OR_RETURN(auto purged, store_->PurgedCounts());
    const int mc = o_.min_count;
    // attempts per (week, kommun); people contacted / reached per (week, kommun).
    std::map<std::pair<std::string, std::string>, int64_t> attempts;
    std::map<std::pair<std::string, std::string>, std::set<std::string>> contacted, reached;
    std::map<std::string, int64_t> outcomes;
    std::map<std::string, ContactEvent> first;  // first attempt per person
    for (const auto& e : events) {
      auto t = ParseTime(e.at);
      std::string week = t.ok() ? IsoWeek(*t) : "";
      for (const auto& k : {std::pair{week, std::string()}, std::pair{std::string(), e.kommun}}) {
        ++attempts[k];
        contacted[k].insert(e.person);
        if (e.outcome == "reached") reached[k].insert(e.person);
      }
      ++outcomes[e.outcome];
      first.try_emplace(e.person, e);
    }
    for (const auto& c : purged) {
      attempts[{c.week, ""}] += c.attempts;
      attempts[{"", c.kommun}] += c.attempts;
      outcomes[c.outcome] += c.attempts;
    }
    Table t;
    t.columns = {"measure", "week", "kommun", "value"};
    auto row = [&](std::string m, const std::pair<std::string, std::string>& k, std::string v) {
      t.rows.push_back({std::move(m), k.first, k.second, std::move(v)});
    };
    for (const auto& [k, n] : attempts) row("attempts", k, Suppressed(n, mc));
    for (const auto& [k, s] : contacted) {
      row("people_contacted", k, Suppressed(static_cast<int64_t>(s.size()), mc));
    }
    for (const auto& [k, s] : contacted) {
      auto it = reached.find(k);
      int64_t n = it == reached.end() ? 0 : static_cast<int64_t>(it->second.size());
      row("people_reached", k, Suppressed(n, mc));
    }
    for (const auto& o : kOutcomes) {
      row("outcome_" + o, {}, Suppressed(outcomes.count(o) ? outcomes[o] : 0, mc));
    }
    std::vector<double> days;
    for (const auto& [person, e] : first) {
      auto a = ParseTime(e.at), f = ParseTime(e.first_seen);
      if (a.ok() && f.ok()) days.push_back(static_cast<double>(*a - *f) / 86400.0);
    }
    row("median_days_first_ad_to_first_attempt", {},
        static_cast<int>(days.size()) < mc ? fmt::format("(fewer than {} people)", mc)
                                           : Median(days));
    // Under-18 flags: every person in the store flagged under 18, and
    // whether a first attempt (a referral) followed within 24 hours.
    KARTA_ASSIGN_OR_RETURN(auto people, store_->People("", "", FormatTime(now_)));
    int64_t flagged = 0, within = 0;
    std::map<std::string, std::string> first_at;
    for (const auto& [person, e] : first) first_at[person] = e.at;
    for (const auto& p : people) {
      if (!p.under18) continue;
      ++flagged;
      KARTA_ASSIGN_OR_RETURN(auto hist, store_->Contacts(p.id));
      if (hist.empty()) continue;
      auto a = ParseTime(hist.front().at), f = ParseTime(p.under18_since);
      if (a.ok() && f.ok() && *a - *f <= 24 * 3600) ++within;
    }
    row("under18_flagged", {}, Suppressed(flagged, mc));
    row("under18_handled_within_24h", {}, Suppressed(within, mc));
    row("under18_share_handled_within_24h", {},
        flagged < mc ? fmt::format("(fewer than {} people)", mc)
                     : FormatNumber(static_cast<double>(within) / static_cast<double>(flagged), 2));
    return Write(std::move(t));
  }

  Options o_;
  const ToolEnv* env_ = nullptr;
  std::unique_ptr<Store> store_;
  int64_t now_ = 0;
};

}  // namespace

ToolInfo OutreachTool() {
  return {"outreach",
          "The team's work list: people to contact, claims, contacts and outcomes",
          kHelp,
          kOutput,
          [] { return std::unique_ptr<Tool>(new Outreach()); },
          ToolRole::kCommand};
}

}  // namespace karta
