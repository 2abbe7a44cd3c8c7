// karta export: what may leave the unit, as a package directory for a
// partner (police, the county's infection control, NGOs, another city).
//
// Reads records (after extract, geotag and dedupe) and writes a directory:
// README.md (what the package is, the period, the routine that made it,
// the definitions, the suppression rule), by_kommun.csv, by_week.csv and
// kommun.geojson: counts only, small counts suppressed with complementary
// suppression (lib/suppress). With --records and a key, a record-level
// pseudonymised file instead, for the police cooperation, which says so.
#include "lib/export.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "lib/audit.h"
#include "lib/csv.h"
#include "lib/io.h"
#include "lib/pseudonym.h"
#include "lib/suppress.h"
#include "lib/xlsx.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
The package (--out DIR, created mode 0700, files 0600):
  README.md        what this is, the period, the routine and inputs that made
                   it (with SHA-256), the definitions, the suppression rule
  by_kommun.csv    kommun, kommunkod, ads, advertisers_distinct, young, under18
  by_week.csv      ISO week, the same counts
  kommun.geojson   one point per kommun (mean position of its ads), same counts
No free text, no URLs, no titles, no identifiers: only kommun names, weeks
and counts. Counts from 1 to --min-count - 1 (default 3) are written '..'
(null in GeoJSON), and so is every other count that would let a reader work
one out (row and column totals, the other columns of the row).
--format xlsx writes the two tables as Excel workbooks instead,
by_kommun.xlsx and by_week.xlsx: counts are numbers, kommunkod (0180) and
'..' are text cells.

--records --key KEYFILE: a record-level package for the police cooperation:
records.csv with the columns site, posted_at, kommun, kommunkod, cluster,
cluster_size, ages, young, under18, prices, phones, emails, handles (the
last three as keyed tokens: raw values are tokenised with the key), nothing
else. README.md says that it is pseudonymised personal data.

Examples:
  karta run queries/stockholm-weekly.karta > week.csv
  karta export --out to-partner --routine queries/stockholm-weekly.karta week.csv
  karta export --out to-partner --format xlsx week.csv
  karta export --out to-police --records --key ~/karta.key week.csv
)";

Status WriteFile(const std::string& path, std::string_view data) {
  KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(path));
  KARTA_RETURN_IF_ERROR(out->Write(data));
  return out->Commit();
}

bool LooksLikeToken(std::string_view v) {
  size_t c = v.find(':');
  if (c == std::string_view::npos || v.size() - c - 1 != 16) return false;
  for (char ch : v.substr(c + 1)) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

class Export : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--out", dir_, "The package directory to create")->type_name("DIR");
    app->add_option("--min-count", min_count_, "Hide counts below N (default 3)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000000));
    app->add_option("--routine", routine_, "The routine that made the input (named in README)")
        ->type_name("FILE");
    app->add_option("--title", title_, "A title for the README")->type_name("TEXT");
    app->add_flag("--records", records_, "A record-level pseudonymised package (needs --key)");
    app->add_option("--key", key_, "The pseudonym key file for --records")->type_name("KEYFILE");
    app->add_option("--format", format_,
                    "The tables as csv (default) or xlsx (by_kommun.xlsx, by_week.xlsx)")
        ->type_name("FORMAT");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("export writes a package directory; it is not a pipeline stage");
  }

  Status RunCommand(const ToolEnv& env) override {
    if (dir_.empty()) return Status::Usage("give the package directory with --out DIR");
    if (format_ != "csv" && format_ != "xlsx") {
      return Status::Usage(fmt::format("--format {}: csv or xlsx", format_));
    }
    if (records_ && format_ != "csv") {
      return Status::Usage("--format xlsx is for the aggregate tables; --records writes CSV");
    }
    if (records_ && key_.empty()) {
      return Status::Usage(
          "--records needs --key KEYFILE: records leave the unit only "
          "pseudonymised");
    }
    if (::mkdir(dir_.c_str(), 0700) != 0) {
      return Status::Io(
          fmt::format("{}: cannot create the package directory: {} (choose a new "
                      "name; a package is never written into an existing one)",
                      dir_, std::strerror(errno)));
    }
    KARTA_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(env.common.inputs, env.Csv()));
    std::string readme;
    std::string made = Rfc3339Utc(std::time(nullptr));
    std::string source;
    if (!routine_.empty()) {
      auto h = Sha256File(routine_);
      source += fmt::format("- routine: `{}` (SHA-256 {})\n", routine_, h.ok() ? *h : "unreadable");
    }
    for (const std::string& in : env.common.inputs) {
      auto h = Sha256File(in);
      source += fmt::format("- input: `{}` (SHA-256 {})\n", in, h.ok() ? *h : "stdin");
    }
    if (env.common.inputs.empty()) source += "- input: standard input\n";
    if (records_) return RecordPackage(env, reader.get(), made, source);

    ExportAggregator agg;
    KARTA_RETURN_IF_ERROR(Pump(reader.get(), &agg));
    Table kommun = agg.ByKommun(), week = agg.ByWeek();
    size_t hidden =
        SuppressTable(&kommun, min_count_, false) + SuppressTable(&week, min_count_, false);
    const std::string ext = format_;
    for (const auto& [name, table] :
         {std::pair<const char*, const Table*>{"by_kommun", &kommun}, {"by_week", &week}}) {
      std::string path = fmt::format("{}/{}.{}", dir_, name, ext);
      if (ext == "xlsx") {
        XlsxOptions xo;
        xo.sheet = name;
        KARTA_ASSIGN_OR_RETURN(auto bytes, XlsxBytes(*table, xo));
        KARTA_RETURN_IF_ERROR(WriteFile(path, bytes));
      } else {
        KARTA_RETURN_IF_ERROR(WriteFile(path, FormatTable(*table, Format::kCsv)));
      }
    }
    KARTA_RETURN_IF_ERROR(WriteFile(dir_ + "/kommun.geojson", agg.GeoJson(kommun)));
    readme = fmt::format(
        "# {}\n\n"
        "Aggregate counts of online sex-work advertising, made with karta export.\n"
        "This package holds no free text, no URLs, no titles and no identifiers\n"
        "(phone numbers, e-mail addresses, handles): only kommun names and codes,\n"
        "ISO weeks and counts.\n\n"
        "- created: {}\n- period (posting times): {} to {}\n- records: {}\n{}\n"
        "## Files\n\n"
        "- `by_kommun.{}`: counts per kommun, biggest first, a `total` row last\n"
        "- `by_week.{}`: counts per ISO week (e.g. 2026-W40), a `total` row last\n"
        "- `kommun.geojson`: one point per kommun at the mean position of its ads,\n"
        "  with the same counts (null where hidden); kommuner whose ad count is\n"
        "  hidden have no point\n\n"
        "## Definitions\n\n"
        "- **ads**: advertisements (records) in the period, after the routine's\n"
        "  filters; a reposted ad counts each time it was seen as its own record\n"
        "- **advertisers_distinct**: distinct clusters (karta dedupe): ads linked by\n"
        "  near-identical text or a shared contact are taken to be one advertiser\n"
        "- **young**: ads stating an age of 20 or less\n"
        "- **under18**: ads stating an age under 18\n"
        "- **kommun**: the municipality the ad's place mentions resolve to\n"
        "  (karta geotag); `(no kommun)`: none found\n\n"
        "## Suppression\n\n"
        "Counts from 1 to {} are shown as `..` (in GeoJSON: null). So are the\n"
        "other counts of such a row (so that a row cannot tell what the few\n"
        "people in it are like), and, where a row or column total would let a\n"
        "hidden count be worked out, the next smallest count of that row or\n"
        "column. {} cells are hidden. Do not publish finer tables made from\n"
        "the same data without the same rule.\n",
        title_.empty() ? "Package from karta" : title_, made,
        agg.first().empty() ? "unknown" : agg.first(), agg.last().empty() ? "unknown" : agg.last(),
        agg.records(), source, ext, ext, min_count_ - 1, hidden);
    KARTA_RETURN_IF_ERROR(WriteFile(dir_ + "/README.md", readme));
    AuditNoteRecords(agg.records(), -1);
    env.Warn(
        fmt::format("wrote {} (README.md, by_kommun.{}, by_week.{}, kommun.geojson); {} "
                    "cell{} hidden (--min-count {})",
                    dir_, ext, ext, hidden, hidden == 1 ? "" : "s", min_count_));
    return Status::Ok();
  }

 private:
  Status RecordPackage(const ToolEnv& env, CsvReader* reader, const std::string& made,
                       const std::string& source) {
    KARTA_ASSIGN_OR_RETURN(auto key, Pseudonymizer::FromKeyFile(key_));
    const Header& h = reader->header();
    std::vector<std::pair<size_t, std::string>> cols;
    for (const std::string& c : RecordExportColumns()) {
      if (auto i = h.Find(c)) cols.emplace_back(*i, c);
    }
    KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(dir_ + "/records.csv"));
    CsvWriter w(out.get());
    std::vector<std::string> names;
    for (auto& [i, n] : cols) names.push_back(n);
    KARTA_RETURN_IF_ERROR(w.WriteRow(names));
    Record rec;
    std::vector<std::string> row;
    int64_t n = 0, tokenised = 0;
    for (;;) {
      KARTA_ASSIGN_OR_RETURN(auto more, reader->Next(&rec));
      if (!more) break;
      ++n;
      row.clear();
      for (auto& [i, name] : cols) {
        std::string v = i < rec.fields.size() ? rec.fields[i] : "";
        if (name == "phones" || name == "emails" || name == "handles") {
          std::string t;
          for (const std::string& part : SplitList(v, ';')) {
            if (!t.empty()) t.push_back(';');
            if (LooksLikeToken(part)) {
              t += part;
              continue;
            }
            ++tokenised;
            if (name == "phones")
              t += key.Token("tel", part);
            else if (name == "emails")
              t += key.Token("mail", part);
            else {
              size_t c = part.find(':');
              t += c == std::string::npos ? key.Token("handle", part)
                                          : key.Token(part.substr(0, c), part.substr(c + 1));
            }
          }
          v = std::move(t);
        }
        row.push_back(std::move(v));
      }
      KARTA_RETURN_IF_ERROR(w.WriteRow(row));
    }
    KARTA_RETURN_IF_ERROR(w.End());
    KARTA_RETURN_IF_ERROR(out->Commit());
    std::string kept;
    for (auto& nm : names) kept += (kept.empty() ? "" : ", ") + nm;
    std::string readme = fmt::format(
        "# {}\n\n"
        "**RECORD-LEVEL PSEUDONYMISED PERSONAL DATA, for the police cooperation\n"
        "only.** Each row is one ad. Phone numbers, e-mail addresses and handles\n"
        "are keyed pseudonyms (HMAC-SHA-256 with the unit's key): rows with the\n"
        "same token share the contact, but the contact cannot be read from the\n"
        "token without the key, which stays with the unit. No free text, no URLs,\n"
        "no titles. Handle it as personal data: keep it on protected storage,\n"
        "share it no further, delete it when the purpose is met.\n\n"
        "- created: {}\n- records: {}\n- columns: {}\n{}\n",
        title_.empty() ? "Record-level package from karta" : title_, made, n, kept, source);
    KARTA_RETURN_IF_ERROR(WriteFile(dir_ + "/README.md", readme));
    AuditNoteRecords(n, n);
    env.Warn(
        fmt::format("wrote {} (README.md, records.csv: {} records, pseudonymised; {} raw "
                    "value{} tokenised here)",
                    dir_, n, tokenised, tokenised == 1 ? "" : "s"));
    return Status::Ok();
  }

  std::string dir_, routine_, title_, key_;
  std::string format_ = "csv";
  int min_count_ = 3;
  bool records_ = false;
};

}  // namespace

ToolInfo ExportTool() {
  return {"export",
          "A package for a partner: suppressed aggregates or pseudonymised records",
          kHelp,
          kInputFlags | kInputFiles,
          [] { return std::unique_ptr<Tool>(new Export()); },
          ToolRole::kCommand};
}

}  // namespace karta
