// karta extract: phones, emails, stated ages, prices and messaging handles
// out of the text of ads, optionally as keyed pseudonyms.
//
// Reads CSV (or plain lines with --text) and writes every input column
// followed by one column per extractor (lib/extract's Extractors() table:
// phones, emails, ages, prices, handles; each `;`-separated, de-duplicated,
// in order of appearance) and, when ages are extracted, `young` and
// `under18`. The work is done by lib/extract (the extractors) and
// lib/pseudonym (the keyed tokens).
#include "lib/extract.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "lib/pieces.h"
#include "lib/pseudonym.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelpBody = R"(
What is found (see lib/extract.h for the details):
  phones   070-123 45 67, +46 (0)70 123 45 67, 0046 70…, 070.123.45.67,
           O7O-123 45 67 (letter O), noll sju noll … (digits as words),
           070📞123 45 67 (split by emoji); written E.164: +46701234567.
           Prices, dates, years, ad ids and postal codes are not phones: a
           number must start with 0, + or 00.
           Links: wa.me/46…, t.me/+46…, signal.me/#p/+46…, tel:, sms:.
           Fullwidth (０７０) and keycap (0️⃣7️⃣0️⃣) digits, ring0701234567nu,
           nollsjunoll 1234567; foreign numbers with their country code.
  emails   anna@example.se, anna (at) example [dot] se, anna at example dot se
  handles  snap: name, Snapchat @name, kik - name, t.me/name,
           instagram.com/name, OF: name, 👻 name, Wickr Me: name; written
           kind:name with kind one of
{platforms}
  ages     19 år, 19år, 19-åring, 19yo, 19 y/o, 19 years, ålder: 19, age 19,
           Anna (19), jag är 19, I'm 19, nitton år, tjugotvå år, jag är
           nitton; född 2006, född -07, 07:a, född i mars 2008 (counted from
           the record's date); snart 18 / fyller 18 (17), nybliven 18 / nyss
           fyllt 18 (18). Not ages: prices, times, sizes, 24/7, 18+, "i 5 år"
           (a duration), "17 år i branschen", "min dotter är 16".
  prices   1500 kr/h, 2000:-, 1 500 SEK, 200 €, €200 -> 1500 SEK/h, 2000 SEK,
           200 EUR (units: h, 2h, 30min, night)

Columns, one per extractor (those chosen with --only):{columns}
and with ages also
  young    1 if a stated or implied age is --flag-young or below, or an
           under-18 signal ("inte 18 än"); 0 if ages are stated and none
           is; empty if no age is stated
  under18  1 if a stated or implied age is below 18 or an under-18 signal
           ("inte 18 än", "jag är under 18") is there; 0 if ages are stated
           and none is; empty if no age is stated
Sort or filter on these to see first the ads staff must see first.

Birth years and "snart"/"fyller" are counted from the record's own date:
posted_at (or --date-field), else fetched_at, else --as-of, else today.

Pseudonyms: with --pseudonymize KEYFILE, phones, emails and handles are
written as keyed tokens (tel:3f9a07c1d2e4b5a6, mail:…, snap:…) instead of
the raw values, in the new columns and in place in every other column where
they are written (text, title, url, profile fields; in any form extract
reads, "O7O-174 O6 17" as well as "070…" in a URL); --drop-text leaves
the free-text columns (title, text, posted_text and --field) out entirely, so that the output can be counted, linked and shared without
holding anyone's number. The same value always gives the same token with the
same key, so keep one key for one body of work (tokens from different keys do
not match). Use a key whenever the output leaves the person who fetched the
ads: for statistics, reports, shared work lists. Run without a key only when
you need the raw number, e.g. to send an outreach text message, and keep that
output to yourself. The key file is a secret like a password: it must be
readable by you only (mode 0600; karta refuses anything looser), and anyone
holding it can check whether a given number is in the data.

Examples:
  karta extract ads.csv                          all extractors, title and text
  karta extract --only phones,ages ads.csv       just these columns
  karta extract --field body notes.csv           look in the column 'body'
  karta extract --text notes.txt                 plain lines
  karta extract --new-key ~/karta.key            make a key (once)
  karta extract --pseudonymize ~/karta.key ads.csv > ads-safe.csv
  karta extract --pseudonymize ~/karta.key --drop-text ads.csv > ads-min.csv
  karta extract --flag-young 21 ads.csv | karta select '!text'
)";

// The extractors' names, "a,b,c".
std::string ExtractorNames() {
  std::string names;
  for (const ExtractorInfo& x : Extractors()) {
    if (!names.empty()) names += ",";
    names += x.name;
  }
  return names;
}

// The help, with the lists from lib/extract's tables.
const char* Help() {
  static const std::string help = [] {
    std::string columns;
    for (const ExtractorInfo& x : Extractors()) {
      columns += fmt::format("\n  {:8s} {}", x.name, x.help);
    }
    std::vector<std::string_view> seen;
    std::string kinds;
    for (const HandlePlatform& p : HandlePlatforms()) {
      if (std::find(seen.begin(), seen.end(), p.kind) != seen.end()) continue;
      seen.push_back(p.kind);
      // Wrapped to the help's width, indented under "handles".
      size_t nl = kinds.rfind('\n');
      size_t line = nl == std::string::npos ? kinds.size() : kinds.size() - nl - 1;
      if (kinds.empty())
        kinds += "          ";
      else if (line + p.kind.size() + 2 > 76)
        kinds += "\n          ";
      kinds += " ";
      kinds += p.kind;
      kinds += ",";
    }
    std::string out = kHelpBody;
    auto put = [&](std::string_view key, const std::string& value) {
      size_t at = out.find(key);
      if (at != std::string::npos) out.replace(at, key.size(), value);
    };
    if (!kinds.empty()) kinds.pop_back();
    put("{platforms}", kinds);
    put("{columns}", columns);
    return out;
  }();
  return help.c_str();
}

class ExtractStage : public Stage {
 public:
  ExtractStage(ExtractWhat what, std::vector<std::string> fields, std::string date_field,
               bool date_field_given, int flag_young, std::optional<Pseudonymizer> pseudo,
               RefDate as_of, bool drop_text)
      : what_(what),
        extractor_(what),
        fields_(std::move(fields)),
        date_field_(std::move(date_field)),
        date_field_given_(date_field_given),
        flag_young_(flag_young),
        pseudo_(std::move(pseudo)),
        as_of_(as_of),
        drop_text_(drop_text) {
    if (pseudo_) finder_ = IdentifierFinderFor(&id_extractor_);
  }

  Status Begin(const Header& in) override {
    if (in.empty()) return next_->Begin(in);  // empty input: nothing to add to
    Header out = in;
    src_.clear();
    if (!fields_.empty()) {
      for (const std::string& f : fields_) {
        KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(in, f, "name the text columns with --field"));
        src_.push_back(i);
      }
    } else if (!in.empty()) {
      auto t = in.Find("title");
      auto x = in.Find("text");
      if (t) src_.push_back(*t);
      if (x) src_.push_back(*x);
      if (src_.empty()) {
        for (size_t i = 0; i < in.size(); ++i) src_.push_back(i);
      }
    }
    date_col_.reset();
    fetched_col_.reset();
    if (!in.empty()) {
      if (date_field_given_) {
        KARTA_ASSIGN_OR_RETURN(
            auto d, RequireColumn(in, date_field_, "--date-field names the date column"));
        date_col_ = d;
      } else {
        date_col_ = in.Find("posted_at");
      }
      fetched_col_ = in.Find("fetched_at");
    }
    cols_.clear();
    for (const ExtractorInfo& x : Extractors()) {
      if (what_.*x.on) cols_.push_back({&x, out.AddOrGet(std::string(x.name))});
    }
    if (what_.ages) {
      young_col_ = out.AddOrGet("young");
      under18_col_ = out.AddOrGet("under18");
    }
    width_ = out.size();
    in_width_ = in.size();
    // Free-text columns dropped with --drop-text; columns pseudonymised in
    // place (all but machine columns and our own).
    keep_.clear();
    rewrite_.assign(in.size(), false);
    std::vector<std::string> kept;
    for (size_t i = 0; i < out.size(); ++i) {
      const std::string& name = out[i];
      bool ours = what_.ages && (i == young_col_ || i == under18_col_);
      for (const auto& c : cols_) ours = ours || c.second == i;
      if (i < in.size() && !ours) rewrite_[i] = !IsMachineColumn(name);
      bool free_text = name == "title" || name == "text" || name == "posted_text" ||
                       std::find(fields_.begin(), fields_.end(), name) != fields_.end();
      if (drop_text_ && free_text && !ours) continue;
      keep_.push_back(i);
      kept.push_back(name);
    }
    if (drop_text_) return next_->Begin(Header(std::move(kept)));
    return next_->Begin(out);
  }

  Status Push(Record& rec) override {
    ex_.Clear();
    // The record's own date: posted_at (or --date-field), else fetched_at,
    // else --as-of (default today).
    RefDate ref = as_of_;
    for (const auto& col : {date_col_, fetched_col_}) {
      if (col && *col < rec.fields.size()) {
        RefDate d = RefDateOf(rec.fields[*col]);
        if (d.year > 0) {
          ref = d;
          break;
        }
      }
    }
    for (size_t i : src_) {
      if (i >= rec.fields.size()) continue;
      // A large field piece by piece (lib/pieces.h): bounded memory.
      for (std::string_view rest = rec.fields[i], p;
           !(p = NextPiece(&rest, kPieceBytes)).empty();) {
        extractor_.Extract(p, ref, &ex_);
      }
    }
    if (rec.fields.size() < width_) rec.fields.resize(width_);
    for (const auto& [x, col] : cols_) {
      ExtractedValues(ex_, *x, &values_);
      Join(values_, x->token_kind, &rec.fields[col]);
    }
    if (what_.ages) {
      bool young = ex_.minor, minor = ex_.minor;
      for (int v : ex_.ages) {
        young = young || v <= flag_young_;
        minor = minor || v < 18;
      }
      bool any = !ex_.ages.empty() || ex_.minor;
      rec.fields[young_col_] = any ? (young ? "1" : "0") : "";
      rec.fields[under18_col_] = any ? (minor ? "1" : "0") : "";
    }
    if (pseudo_) {
      known_.clear();
      AppendIdentifiers(ex_, &known_);
      for (size_t i = 0; i < in_width_; ++i) {
        if (rewrite_[i] && !rec.fields[i].empty()) {
          PseudonymizeText(*pseudo_, finder_, known_, &rec.fields[i]);
        }
      }
    }
    if (drop_text_) {
      for (size_t k = 0; k < keep_.size(); ++k) {
        if (k != keep_[k]) rec.fields[k] = std::move(rec.fields[keep_[k]]);
      }
      rec.fields.resize(keep_.size());
    }
    return next_->Push(rec);
  }

  Status End() override { return next_->End(); }

 private:
  // Writes `values` `;`-separated into `cell`, as tokens when pseudonymising.
  // `kind` is the token prefix; "*" keeps each value's own "kind:" prefix;
  // "" never makes tokens.
  void Join(const std::vector<std::string>& values, std::string_view kind, std::string* cell) {
    cell->clear();
    for (const std::string& v : values) {
      if (!cell->empty()) cell->push_back(';');
      if (!pseudo_ || kind.empty()) {
        cell->append(v);
      } else if (kind == "*") {
        size_t colon = v.find(':');
        *cell += pseudo_->Token(std::string_view(v).substr(0, colon),
                                std::string_view(v).substr(colon + 1));
      } else {
        *cell += pseudo_->Token(kind, v);
      }
    }
  }

  ExtractWhat what_;
  Extractor extractor_;
  std::vector<std::string> fields_;
  std::string date_field_;
  bool date_field_given_;
  int flag_young_;
  std::optional<Pseudonymizer> pseudo_;
  RefDate as_of_;
  bool drop_text_;
  Extractor id_extractor_{ExtractWhat{true, true, false, false, true}};
  IdentifierFinder finder_;
  std::vector<Identifier> known_;
  std::vector<bool> rewrite_;
  std::vector<size_t> keep_;
  size_t in_width_ = 0;
  std::vector<size_t> src_;
  std::optional<size_t> date_col_;
  std::optional<size_t> fetched_col_;
  std::vector<std::pair<const ExtractorInfo*, size_t>> cols_;  // extractor, column
  size_t young_col_ = 0;
  size_t under18_col_ = 0;
  size_t width_ = 0;
  Extraction ex_;
  std::vector<std::string> values_;
};

class Extract : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("FILE", inputs_, "Input files (CSV; '-' or none: stdin)")->type_name("FILE");
    static const std::string only_help = "Extract only these, comma-separated: " + ExtractorNames();
    app->add_option("--only", only_, only_help)->type_name("LIST");
    app->add_option(
           "--field", fields_,
           "A column to read (repeat, or NAME,NAME; default: title and text if present, else "
           "every column)")
        ->type_name("NAME")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--date-field", date_field_,
                    "The date column 'född 2006' is counted from (default: posted_at if present, "
                    "else fetched_at)")
        ->type_name("NAME");
    app->add_option("--as-of", as_of_,
                    "The date ages are counted from when a record has none (YYYY-MM-DD; "
                    "default: today)")
        ->type_name("DATE");
    app->add_option("--flag-young", flag_young_,
                    "young=1 when a stated age is N or below (default 20)")
        ->type_name("N");
    app->add_option("--pseudonymize", key_file_,
                    "Write phones, emails and handles as keyed tokens made with the key in KEYFILE")
        ->type_name("KEYFILE");
    app->add_flag("--drop-text", drop_text_,
                  "Leave out the free-text columns (title, text, posted_text, --field)");
    app->add_option("--new-key", new_key_, "Create a new key file (mode 0600) and exit")
        ->type_name("FILE");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    if (!new_key_.empty()) {
      // Making a key is a one-off act with no records: not a stage.
      return Status::Usage(fmt::format(
          "--new-key {} creates a key file and exits, so it cannot be a stage of a routine; run "
          "'karta extract --new-key {}' once on the command line, then use --key {}",
          new_key_, new_key_, new_key_));
    }
    ExtractWhat what;
    if (!only_.empty()) {
      bool any = false;
      for (const ExtractorInfo& x : Extractors()) what.*x.on = false;
      for (const std::string& name : SplitList(only_)) {
        auto all = Extractors();
        auto x = std::find_if(all.begin(), all.end(),
                              [&](const ExtractorInfo& e) { return e.name == name; });
        if (x == all.end()) {
          return Status::Usage(fmt::format("--only: '{}' is not an extractor (choose from {})",
                                           name, ExtractorNames()));
        }
        what.*x->on = true;
        any = true;
      }
      if (!any) {
        return Status::Usage(
            fmt::format("--only is empty (name at least one of {})", ExtractorNames()));
      }
    }
    RefDate as_of;
    if (!as_of_.empty()) {
      as_of = RefDateOf(as_of_);
      if (as_of.year == 0 || as_of.month == 0) {
        return Status::Usage(
            fmt::format("--as-of '{}': give a date as YYYY-MM-DD (e.g. 2026-05-10)", as_of_));
      }
    } else {
      std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      as_of = RefDate{tm.tm_year + 1900, tm.tm_mon + 1};
    }
    if (flag_young_ < 0 || flag_young_ > 150) {
      return Status::Usage(
          fmt::format("--flag-young {}: give an age in years (e.g. 20)", flag_young_));
    }
    std::optional<Pseudonymizer> pseudo;
    if (!key_file_.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto p, Pseudonymizer::FromKeyFile(key_file_));
      pseudo = std::move(p);
    }
    (void)env;
    return std::unique_ptr<Stage>(new ExtractStage(what, fields_, date_field_, !date_field_.empty(),
                                                   flag_young_, std::move(pseudo), as_of,
                                                   drop_text_));
  }

  Status TakeInputs(CommonOptions* common) override {
    common->inputs = inputs_;
    return Status::Ok();
  }

  // --new-key makes a key and exits: a one-off act, not a stage.
  bool CommandMode() const override { return !new_key_.empty(); }

  Status RunCommand(const ToolEnv& env) override {
    if (!inputs_.empty() || !key_file_.empty()) {
      return Status::Usage("--new-key only creates a key file; run extract again to use it");
    }
    KARTA_RETURN_IF_ERROR(Pseudonymizer::CreateKeyFile(new_key_));
    env.Warn(fmt::format("created the key file {} (mode 0600); keep it secret and back it up",
                         new_key_));
    return Status::Ok();
  }

 private:
  std::vector<std::string> inputs_;
  std::string only_;
  std::vector<std::string> fields_;
  std::string date_field_;
  std::string as_of_;
  int flag_young_ = 20;
  std::string key_file_;
  std::string new_key_;
  bool drop_text_ = false;
};

}  // namespace

ToolInfo ExtractTool() {
  return {"extract", "Phones, emails, ages, prices and handles out of ad text; keyed pseudonyms",
          Help(), kInputFlags | kOutput, [] { return std::unique_ptr<Tool>(new Extract()); }};
}

}  // namespace karta
