// karta filter: keep, drop or annotate records by named search rules.
//
// Reads CSV (or plain lines with --text) and rule files (lib/rules.h; the
// format is taught in queries/README.md). Writes the records whose text
// fields satisfy --where, unchanged; with --annotate every record, with a
// `matched` column naming the rules that matched; with --count one CSV row of
// counts per rule instead of records. All rules are matched in one pass over
// each field.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ctime>

#include "lib/rules.h"
#include "lib/where.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
Rules live in .rules files (see queries/README.md), for example:
  rule ad
    words: träffas, sällskap, diskret, massage*
    regex: \d{2}\s*(år|yo)
  rule clinic
    words: naprapat, legitimerad, kiropraktor, friskvård
Words match whole words ignoring case ('ung' does not find 'ungdom'; 'ung*'
does); Å, Ä and Ö are letters like any other.

--where combines rule names with and, or, not and parentheses; not binds
tightest, then and, then or: 'a or b and not c' means 'a or (b and (not c))'.
Without --where a record is kept if any rule matches.

By default every text column is searched: all columns except ids and times
(names ending in _id or _at), url, final_url, status, error, content_type,
sha256, matched and the numeric columns of other tools (lat, lon, geo_score,
kommunkod, cluster, cluster_size, first_seen, in_region). --field chooses.

Examples:
  karta filter --rules queries/rules/ads.rules --where 'ad and not clinic' corpus.csv
  karta filter --rules queries/rules/young.rules --annotate ads.csv     add 'matched'
  karta filter --rules my.rules --where 'not ad' --field title ads.csv
  karta filter --rules queries/rules/ads.rules --invert --where ad corpus.csv
  karta filter --rules queries/rules/ads.rules --count corpus.csv       counts per rule
  karta filter --rules a.rules --rules b.rules --where 'a1 or b2' corpus.csv
  karta filter --text --rules queries/rules/stockholm.rules notes.txt   plain lines
)";

bool DefaultTextColumn(const std::string& name) {
  static const char* const kSkip[] = {
      "id",      "url",          "final_url",  "status",    "error",      "content_type",
      "sha256",  "matched",      "lat",        "lon",       "geo_score",  "kommunkod",
      "cluster", "cluster_size", "first_seen", "in_region", "fetched_at", "posted_at"};
  for (const char* s : kSkip) {
    if (name == s) return false;
  }
  auto ends = [&](std::string_view suffix) {
    return name.size() > suffix.size() &&
           std::string_view(name).substr(name.size() - suffix.size()) == suffix;
  };
  return !(ends("_id") || ends("_at"));
}

struct Options {
  std::vector<std::string> rule_files;
  std::string where;
  bool where_given = false;
  std::vector<std::string> fields;
  bool annotate = false;
  bool invert = false;
  bool count = false;
};

class FilterStage : public Stage {
 public:
  FilterStage(Options opts, RuleSet rules, std::unique_ptr<Matcher> matcher,
              std::optional<WhereExpr> where)
      : opts_(std::move(opts)),
        rules_(std::move(rules)),
        matcher_(std::move(matcher)),
        where_(std::move(where)),
        hit_(rules_.size(), 0),
        counts_(rules_.size(), 0) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    today_ = RefDate{tm.tm_year + 1900, tm.tm_mon + 1};
  }

  Status Begin(const Header& in) override {
    Header out = in;
    empty_ = in.empty();
    if (empty_) return opts_.count ? Status::Ok() : next_->Begin(out);
    std::vector<std::string> wanted;
    for (const std::string& f : opts_.fields) {
      for (std::string& s : SplitList(f)) wanted.push_back(std::move(s));
    }
    if (!wanted.empty()) {
      for (const std::string& name : wanted) {
        KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(in, name, "--field names a column to search"));
        fields_.push_back(i);
      }
    } else {
      for (size_t i = 0; i < in.size(); ++i) {
        if (DefaultTextColumn(in[i])) fields_.push_back(i);
      }
      if (fields_.empty()) {
        return Status::Usage(
            fmt::format("no text column to search among: {} (choose one with --field)",
                        fmt::join(in.names(), ", ")));
      }
    }
    std::sort(fields_.begin(), fields_.end());
    fields_.erase(std::unique(fields_.begin(), fields_.end()), fields_.end());
    if (opts_.annotate) matched_col_ = out.AddOrGet("matched");
    date_cols_.clear();  // `age:` rules count birth years from the record's date
    for (const char* d : {"posted_at", "fetched_at"}) {
      if (auto i = in.Find(d)) date_cols_.push_back(*i);
    }
    width_ = out.size();
    if (opts_.count) return Status::Ok();
    return next_->Begin(out);
  }

  Status Push(Record& rec) override {
    std::fill(hit_.begin(), hit_.end(), 0);
    if (matcher_->HasAgeTests()) {
      RefDate ref = today_;
      for (size_t c : date_cols_) {
        RefDate d = c < rec.fields.size() ? RefDateOf(rec.fields[c]) : RefDate{};
        if (d.year > 0) {
          ref = d;
          break;
        }
      }
      matcher_->SetReferenceDate(ref);
    }
    for (size_t f : fields_) {
      if (!matcher_->Match(rec.fields[f], &hit_)) {
        return Status::Data(
            fmt::format("{}: the rules need more memory than RE2 allows on this field (shorten the "
                        "field or the rules)",
                        rec.Where()));
      }
    }
    ++total_;
    bool keep;
    if (where_) {
      keep = where_->Eval(hit_);
    } else {
      keep = std::find(hit_.begin(), hit_.end(), 1) != hit_.end();
    }
    if (opts_.invert) keep = !keep;
    if (opts_.count) {
      for (size_t r = 0; r < hit_.size(); ++r) counts_[r] += hit_[r];
      kept_ += keep;
      return Status::Ok();
    }
    if (opts_.annotate) {
      std::string names;
      for (size_t r = 0; r < hit_.size(); ++r) {
        if (!hit_[r]) continue;
        if (!names.empty()) names += ';';
        names += rules_.rules()[r].name;
      }
      rec.fields.resize(width_);
      rec.fields[matched_col_] = std::move(names);
      return next_->Push(rec);
    }
    if (!keep) return Status::Ok();
    return next_->Push(rec);
  }

  Status End() override {
    if (opts_.count) {
      KARTA_RETURN_IF_ERROR(next_->Begin(Header({"rule", "records"})));
      Record row;
      row.fields.resize(2);
      for (size_t r = 0; r < rules_.size(); ++r) {
        row.fields[0] = rules_.rules()[r].name;
        row.fields[1] = std::to_string(counts_[r]);
        KARTA_RETURN_IF_ERROR(next_->Push(row));
      }
      row.fields[0] = "(kept)";
      row.fields[1] = std::to_string(kept_);
      KARTA_RETURN_IF_ERROR(next_->Push(row));
      row.fields[0] = "(all)";
      row.fields[1] = std::to_string(total_);
      KARTA_RETURN_IF_ERROR(next_->Push(row));
    }
    return next_->End();
  }

 private:
  Options opts_;
  RuleSet rules_;
  std::unique_ptr<Matcher> matcher_;
  std::vector<size_t> date_cols_;
  RefDate today_;
  std::optional<WhereExpr> where_;
  std::vector<char> hit_;
  std::vector<int64_t> counts_;
  std::vector<size_t> fields_;
  size_t matched_col_ = 0;
  size_t width_ = 0;
  bool empty_ = false;
  int64_t total_ = 0;
  int64_t kept_ = 0;
};

class Filter : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--rules", opts_.rule_files,
                    "Rule file (repeat for several; each may include others)")
        ->type_name("FILE")
        ->allow_extra_args(false);
    app->add_option("--where", opts_.where,
                    "Keep records for which this holds: rule names with and, or, not, ( )")
        ->type_name("EXPR");
    app->add_option("--field", opts_.fields,
                    "Search only this column (repeat, or NAME,NAME; default: every text column)")
        ->type_name("NAME")
        ->allow_extra_args(false);
    app->add_flag("--annotate", opts_.annotate,
                  "Keep every record; fill column 'matched' with the rules that matched (;)");
    app->add_flag("--invert", opts_.invert, "Keep the records that --where does NOT keep");
    app->add_flag("--count", opts_.count,
                  "Print only how many records each rule matched (CSV: rule,records)");
    where_opt_ = app->get_option("--where");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    Options o = opts_;
    o.where_given = where_opt_ != nullptr && where_opt_->count() > 0;
    if (o.rule_files.empty()) {
      return Status::Usage("no rule file given (e.g. --rules queries/rules/ads.rules)");
    }
    for (const std::string& in : env.common.inputs) {
      if (in.size() > 6 && in.compare(in.size() - 6, 6, ".rules") == 0) {
        return Status::Usage(fmt::format(
            "'{}' looks like a rule file but is given as input (write --rules before each "
            "rule file: --rules a.rules --rules b.rules)",
            in));
      }
    }
    if (o.annotate && (o.where_given || o.invert)) {
      return Status::Usage(
          "--annotate keeps every record, so --where and --invert do nothing with it (leave "
          "them out, or filter the annotated output with a second karta filter)");
    }
    if (o.annotate && o.count) {
      return Status::Usage("--annotate and --count do not go together (choose one)");
    }
    KARTA_ASSIGN_OR_RETURN(auto rules, RuleSet::Load(o.rule_files));
    std::vector<std::string> names;
    for (const Rule& r : rules.rules()) names.push_back(r.name);
    std::optional<WhereExpr> where;
    if (o.where_given) {
      KARTA_ASSIGN_OR_RETURN(auto w, WhereExpr::Parse(o.where, names));
      where = std::move(w);
    }
    // Plain filtering needs only the rules --where names.
    std::vector<size_t> only;
    bool narrow = where && !o.annotate && !o.count;
    if (narrow) only = where->Rules();
    KARTA_ASSIGN_OR_RETURN(auto matcher, Matcher::Compile(rules, narrow ? &only : nullptr));
    return std::unique_ptr<Stage>(
        new FilterStage(std::move(o), std::move(rules), std::move(matcher), std::move(where)));
  }

 private:
  Options opts_;
  CLI::Option* where_opt_ = nullptr;
};

}  // namespace

ToolInfo FilterTool() {
  return {"filter", "Keep or annotate records by named rules (words, regexes) and --where", kHelp,
          kInputOutput, [] { return std::unique_ptr<Tool>(new Filter()); }};
}

}  // namespace karta
