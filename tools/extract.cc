// karta extract: phones, emails, stated ages, prices and messaging handles
// out of the text of ads, optionally as keyed pseudonyms.
//
// Reads CSV (or plain lines with --text) and writes every input column
// followed by `phones, emails, ages, prices, handles` (each `;`-separated,
// de-duplicated, in order of appearance) and, when ages are extracted,
// `young` and `under18`. The work is done by lib/extract (the extractors)
// and lib/pseudonym (the keyed tokens).
#include <ctime>

#include <fmt/format.h>

#include "lib/extract.h"
#include "lib/pseudonym.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
What is found (see lib/extract.h for the details):
  phones   070-123 45 67, +46 (0)70 123 45 67, 0046 70…, 070.123.45.67,
           O7O-123 45 67 (letter O), noll sju noll … (digits as words),
           070📞123 45 67 (split by emoji); written E.164: +46701234567.
           Prices, dates, years, ad ids and postal codes are not phones: a
           number must start with 0, + or 00.
  emails   anna@example.se, anna (at) example [dot] se, anna at example dot se
  handles  snap: name, Snapchat @name, kik - name, t.me/name,
           instagram.com/name, OF: name; written kind:name with kind one of
           whatsapp, telegram, snap, kik, instagram, onlyfans
  ages     19 år, 19år, 19-åring, 19yo, 19 y/o, 19 years, ålder: 19, age 19,
           Anna (19), född 2006 / born 2006, nitton år, tjugotvå år.
           Not ages: prices, times, 24/7, "i 5 år" (a duration).
  prices   1500 kr/h, 2000:-, 1 500 SEK, 200 €, €200 -> 1500 SEK/h, 2000 SEK,
           200 EUR (units: h, 2h, 30min, night)

Columns: phones, emails, ages, prices, handles (those chosen with --only),
and with ages also
  young    1 if a stated age is --flag-young or below, 0 if ages are stated
           and none is, empty if no age is stated
  under18  1 if a stated age is below 18, 0 if ages are stated and none is,
           empty if no age is stated
Sort or filter on these to see first the ads staff must see first.

"född 2006" is counted from the year of the record's date column
(posted_at, or --date-field), else from the current year.

Pseudonyms: with --pseudonymize KEYFILE, phones, emails and handles are
written as keyed tokens (tel:3f9a07c1d2e4b5a6, mail:…, snap:…) instead of
the raw values, so that the output can be counted, linked and shared without
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
  karta extract --flag-young 21 ads.csv | karta select '!text'
)";

constexpr std::string_view kAllColumns[] = {"phones", "emails", "ages", "prices", "handles"};

class ExtractStage : public Stage {
 public:
  ExtractStage(ExtractWhat what, std::vector<std::string> fields, std::string date_field,
               bool date_field_given, int flag_young, std::optional<Pseudonymizer> pseudo)
      : what_(what),
        extractor_(what),
        fields_(std::move(fields)),
        date_field_(std::move(date_field)),
        date_field_given_(date_field_given),
        flag_young_(flag_young),
        pseudo_(std::move(pseudo)) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    this_year_ = tm.tm_year + 1900;
  }

  Status Begin(const Header& in) override {
    if (in.empty()) return next_->Begin(in);  // empty input: nothing to add to
    Header out = in;
    src_.clear();
    if (!fields_.empty()) {
      for (const std::string& f : fields_) {
        auto i = RequireColumn(in, f, "name the text columns with --field");
        if (!i.ok()) return i.status();
        src_.push_back(*i);
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
    if (!in.empty()) {
      if (date_field_given_) {
        auto d = RequireColumn(in, date_field_, "--date-field names the date column");
        if (!d.ok()) return d.status();
        date_col_ = *d;
      } else {
        date_col_ = in.Find("posted_at");
      }
    }
    col_ = {};
    if (what_.phones) col_[0] = out.AddOrGet("phones");
    if (what_.emails) col_[1] = out.AddOrGet("emails");
    if (what_.ages) col_[2] = out.AddOrGet("ages");
    if (what_.prices) col_[3] = out.AddOrGet("prices");
    if (what_.handles) col_[4] = out.AddOrGet("handles");
    if (what_.ages) {
      col_[5] = out.AddOrGet("young");
      col_[6] = out.AddOrGet("under18");
    }
    width_ = out.size();
    return next_->Begin(out);
  }

  Status Push(Record& rec) override {
    ex_.Clear();
    int year = this_year_;
    if (date_col_ && *date_col_ < rec.fields.size()) {
      int y = YearOf(rec.fields[*date_col_]);
      if (y > 0) year = y;
    }
    for (size_t i : src_) {
      if (i < rec.fields.size()) extractor_.Extract(rec.fields[i], year, &ex_);
    }
    if (rec.fields.size() < width_) rec.fields.resize(width_);
    if (what_.phones) Join(ex_.phones, "tel", &rec.fields[*col_[0]]);
    if (what_.emails) Join(ex_.emails, "mail", &rec.fields[*col_[1]]);
    if (what_.ages) {
      std::string& a = rec.fields[*col_[2]];
      a.clear();
      bool young = false, minor = false;
      for (int v : ex_.ages) {
        if (!a.empty()) a.push_back(';');
        a += std::to_string(v);
        young = young || v <= flag_young_;
        minor = minor || v < 18;
      }
      bool any = !ex_.ages.empty();
      rec.fields[*col_[5]] = any ? (young ? "1" : "0") : "";
      rec.fields[*col_[6]] = any ? (minor ? "1" : "0") : "";
    }
    if (what_.prices) Join(ex_.prices, "", &rec.fields[*col_[3]]);
    if (what_.handles) Join(ex_.handles, "handle", &rec.fields[*col_[4]]);
    return next_->Push(rec);
  }

  Status End() override { return next_->End(); }

 private:
  // Writes `values` `;`-separated into `cell`, as tokens when pseudonymising.
  // `kind` is the token prefix; "handle" keeps each handle's own kind.
  void Join(const std::vector<std::string>& values, std::string_view kind, std::string* cell) {
    cell->clear();
    for (const std::string& v : values) {
      if (!cell->empty()) cell->push_back(';');
      if (!pseudo_ || kind.empty()) {
        cell->append(v);
      } else if (kind == "handle") {
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
  int this_year_ = 0;
  std::vector<size_t> src_;
  std::optional<size_t> date_col_;
  std::array<std::optional<size_t>, 7> col_;
  size_t width_ = 0;
  Extraction ex_;
};

class Extract : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("FILE", inputs_, "Input files (CSV; '-' or none: stdin)")->type_name("FILE");
    app->add_option("--only", only_,
                    "Extract only these, comma-separated: phones,emails,ages,prices,handles")
        ->type_name("LIST");
    app->add_option("--field", fields_,
                    "A column to read (repeat, or NAME,NAME; default: title and text if present, else "
                    "every column)")
        ->type_name("NAME")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--date-field", date_field_,
                    "The date column 'född 2006' is counted from (default: posted_at if present, "
                    "else today)")
        ->type_name("NAME");
    app->add_option("--flag-young", flag_young_,
                    "young=1 when a stated age is N or below (default 20)")
        ->type_name("N");
    app->add_option("--pseudonymize", key_file_,
                    "Write phones, emails and handles as keyed tokens made with the key in KEYFILE")
        ->type_name("KEYFILE");
    app->add_option("--new-key", new_key_, "Create a new key file (mode 0600) and exit")
        ->type_name("FILE");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    ExtractWhat what;
    if (!only_.empty()) {
      what = ExtractWhat{false, false, false, false, false};
      for (const std::string& name : SplitList(only_)) {
        if (name == "phones") what.phones = true;
        else if (name == "emails") what.emails = true;
        else if (name == "ages") what.ages = true;
        else if (name == "prices") what.prices = true;
        else if (name == "handles") what.handles = true;
        else {
          return Status::Usage(fmt::format(
              "--only: '{}' is not an extractor (choose from phones,emails,ages,prices,handles)",
              name));
        }
      }
      if (!(what.phones || what.emails || what.ages || what.prices || what.handles)) {
        return Status::Usage("--only is empty (name at least one of phones,emails,ages,prices,handles)");
      }
    }
    if (flag_young_ < 0 || flag_young_ > 150) {
      return Status::Usage(fmt::format("--flag-young {}: give an age in years (e.g. 20)", flag_young_));
    }
    std::optional<Pseudonymizer> pseudo;
    if (!key_file_.empty()) {
      auto p = Pseudonymizer::FromKeyFile(key_file_);
      if (!p.ok()) return p.status();
      pseudo = std::move(p.value());
    }
    (void)env;
    return std::unique_ptr<Stage>(new ExtractStage(what, fields_, date_field_,
                                                   !date_field_.empty(), flag_young_,
                                                   std::move(pseudo)));
  }

  Status Run(const ToolEnv& env) override {
    if (!new_key_.empty()) {
      if (!inputs_.empty() || !key_file_.empty()) {
        return Status::Usage("--new-key only creates a key file; run extract again to use it");
      }
      KARTA_RETURN_IF_ERROR(Pseudonymizer::CreateKeyFile(new_key_));
      env.Warn(fmt::format("created the key file {} (mode 0600); keep it secret and back it up",
                           new_key_));
      return Status::Ok();
    }
    ToolEnv e = env;
    e.common.inputs = inputs_;
    auto stage = MakeStage(e);
    if (!stage.ok()) return stage.status();
    return RunStage(e, stage->get());
  }

 private:
  std::vector<std::string> inputs_;
  std::string only_;
  std::vector<std::string> fields_;
  std::string date_field_;
  int flag_young_ = 20;
  std::string key_file_;
  std::string new_key_;
};

}  // namespace

ToolInfo ExtractTool() {
  return {"extract", "Phones, emails, ages, prices and handles out of ad text; keyed pseudonyms",
          kHelp, kInputFlags | kOutput, [] { return std::unique_ptr<Tool>(new Extract()); }};
}

}  // namespace karta
