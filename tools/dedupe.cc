// karta dedupe: cluster reposted ads into the advertisers behind them.
//
// Reads CSV (ads: by default the title and text columns, plus phones, emails
// and handles if present, as karta extract writes them) and writes the same
// records in the same order with three columns appended: cluster (a stable
// id), cluster_size and first_seen (1 for the first record of its cluster).
// It must see every record before it can write the first, so it keeps only a
// MinHash signature per record in memory and spills the rows to an unlinked
// temporary file. The work is in lib/dedupe.h and lib/similarity.h.
#include "lib/dedupe.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <limits>
#include <memory>

#include "lib/civil.h"
#include "lib/dates.h"
#include "lib/io.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr double kDefaultThreshold = 0.5;

constexpr const char* kHelp = R"(
Three ways two ads end up in one cluster (and --explain says which):
  same text    the texts are equal once case, spacing, punctuation, emoji
               and prices are folded ("1 500 kr" = "2000:-")
  similarity   the texts are near copies: MinHash over word 3-grams (or
               --shingle char:5), candidates from LSH banding, joined when
               the estimated Jaccard similarity is >= --threshold
  shared id    the ads share a phone, email or handle (the columns that
               karta extract writes; raw or pseudonymised values alike)
Joins are transitive: A~B and B~C puts A, B and C in one cluster. Two
clusters that both have phones (or emails, or handles) and share none are
never joined by text or by another kind of identifier: two numbers mean two
advertisers, however alike the template text (--allow-conflicts to join).

The default --threshold, 0.5, was measured on the practice corpus (17 314
ads, tests/dedupe_accuracy.sh): with linking, pairwise precision/recall
were 0.875/0.972 at 0.3, 0.986/0.968 at 0.5 and 0.989/0.963 at 0.7. Below 0.5
ads of different advertisers written from the same phrases are joined;
above it reposts with a new greeting or price format are missed.

Cluster ids are "c" + 14 hex digits derived from the first record's key
(--key, default ad_id, else url, else the row number), so the same input
gives the same ids. With --state FILE (SQLite, created if missing) a later
run remembers earlier records: old ads keep their ids, new ads that join
an old cluster get its id, and cluster_size counts old and new ads.
first_seen is 1 for the earliest record of a cluster: by --time-field if
given, else by input order (with --state, an earlier run comes first).

Examples:
  karta dedupe ads.csv                              cluster, keep all ads
  karta dedupe --keep first ads.csv                 one ad per cluster
  karta extract ads.csv | karta dedupe              link by contacts too
  karta dedupe --no-link --threshold 0.7 ads.csv    text only, stricter
  karta dedupe --explain why.csv ads.csv            why each join was made
  karta dedupe --state weeks.db week5.csv           week by week, stable ids
  karta dedupe --exact --field text --keep first ads.csv   like sort -u, folded
  karta dedupe ads.csv | karta tabulate --count-distinct cluster
)";

// The kind of identifier a column holds, for messages: phones -> phone.
std::string KindName(const std::string& column) {
  if (column.size() > 1 && column.back() == 's') return column.substr(0, column.size() - 1);
  return column;
}

// Rows are spilled to an unlinked temporary file as
//   [u32 fields][u32 source][i64 line] then per field [u32 len][bytes].
class Spill {
 public:
  Status Open() {
    auto fd = CreateTempFile("", "karta-dedupe", "file for the rows", nullptr);
    if (!fd.ok()) return Status::Io(fmt::format("{} (set TMPDIR)", fd.status().message()));
    f_ = ::fdopen(*fd, "w+b");
    if (!f_) {
      ::close(*fd);
      return Status::Io("cannot open the temporary file of rows (set TMPDIR)");
    }
    buf_ = std::make_unique<char[]>(kBuf);
    std::setvbuf(f_, buf_.get(), _IOFBF, kBuf);
    return Status::Ok();
  }
  ~Spill() {
    if (f_) std::fclose(f_);
  }
  Status Write(const Record& rec, uint32_t source) {
    uint32_t n = static_cast<uint32_t>(rec.fields.size());
    int64_t line = rec.line;
    bool ok = std::fwrite(&n, 4, 1, f_) == 1 && std::fwrite(&source, 4, 1, f_) == 1 &&
              std::fwrite(&line, 8, 1, f_) == 1;
    for (const std::string& s : rec.fields) {
      uint32_t len = static_cast<uint32_t>(s.size());
      ok = ok && std::fwrite(&len, 4, 1, f_) == 1 &&
           (len == 0 || std::fwrite(s.data(), 1, len, f_) == len);
    }
    if (!ok) return Status::Io("cannot write the temporary file of rows (disk full? set TMPDIR)");
    return Status::Ok();
  }
  Status Rewind() {
    if (std::fflush(f_) != 0) return Status::Io("cannot write the temporary file of rows");
    std::rewind(f_);
    return Status::Ok();
  }
  Status Read(Record* rec, uint32_t* source) {
    uint32_t n = 0;
    int64_t line = 0;
    bool ok = std::fread(&n, 4, 1, f_) == 1 && std::fread(source, 4, 1, f_) == 1 &&
              std::fread(&line, 8, 1, f_) == 1;
    if (ok) rec->fields.resize(n);
    for (uint32_t i = 0; ok && i < n; ++i) {
      uint32_t len = 0;
      ok = std::fread(&len, 4, 1, f_) == 1;
      if (!ok) break;
      rec->fields[i].resize(len);
      ok = len == 0 || std::fread(rec->fields[i].data(), 1, len, f_) == len;
    }
    if (!ok) return Status::Io("cannot read back the temporary file of rows");
    rec->line = line;
    return Status::Ok();
  }

 private:
  static constexpr size_t kBuf = 1 << 20;
  std::FILE* f_ = nullptr;
  std::unique_ptr<char[]> buf_;
};

struct Settings {
  std::vector<std::string> fields;
  std::string key;
  std::string time_field;
  TimeZone tz = TimeZone::Default();  // of times without a zone
  std::vector<std::string> link;
  bool link_given = false;
  bool no_link = false;
  bool exact = false;
  std::string keep = "all";
  std::string explain;
  std::string state;
  DedupeOptions opts;
};

class DedupeStage : public Stage {
 public:
  DedupeStage(const ToolEnv& env, Settings s) : env_(env), s_(std::move(s)) {}

  Status Begin(const Header& in) override {
    if (in.empty()) {
      empty_ = true;
      return next_->Begin(in);
    }
    if (s_.fields.empty()) {
      for (const char* name : {"title", "text"}) {
        if (auto i = in.Find(name)) text_cols_.push_back(*i);
      }
      if (text_cols_.empty()) {
        KARTA_RETURN_IF_ERROR(
            RequireColumn(in, "text", "choose the text with --field NAME").status());
      }
    } else {
      for (const std::string& f : s_.fields) {
        KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(in, f, "--field names the text to compare"));
        text_cols_.push_back(i);
      }
    }
    if (!s_.key.empty()) {
      KARTA_ASSIGN_OR_RETURN(
          auto i, RequireColumn(in, s_.key, "--key names a column that identifies each ad"));
      key_col_ = static_cast<int>(i);
    } else if (auto i = in.Find("ad_id")) {
      key_col_ = static_cast<int>(*i);
    } else if (auto j = in.Find("url")) {
      key_col_ = static_cast<int>(*j);
    }
    if (!s_.state.empty() && key_col_ < 0) {
      return Status::Usage(
          "--state needs a column that identifies each ad across runs (ad_id or url; or name "
          "one with --key)");
    }
    if (!s_.time_field.empty()) {
      KARTA_ASSIGN_OR_RETURN(
          auto i, RequireColumn(in, s_.time_field, "--time-field names an RFC 3339 time column"));
      time_col_ = static_cast<int>(i);
    }
    std::vector<std::string> kinds;
    if (!s_.no_link) {
      std::vector<std::string> names =
          s_.link_given ? s_.link : std::vector<std::string>{"phones", "emails", "handles"};
      for (const std::string& name : names) {
        auto i = in.Find(name);
        if (!i) {
          if (!s_.link_given) continue;
          auto r = RequireColumn(in, name, "--link names identifier columns (or use --no-link)");
          return r.status();
        }
        link_cols_.push_back(*i);
        kinds.push_back(KindName(name));
      }
    }
    ids_.resize(link_cols_.size());
    Header out = in;
    cluster_col_ = out.AddOrGet("cluster");
    size_col_ = out.AddOrGet("cluster_size");
    first_col_ = out.AddOrGet("first_seen");
    width_ = out.size();
    s_.opts.near = !s_.exact;
    deduper_ = std::make_unique<Deduper>(s_.opts, std::move(kinds), !s_.explain.empty());
    if (!s_.state.empty()) KARTA_RETURN_IF_ERROR(deduper_->LoadState(s_.state));
    KARTA_RETURN_IF_ERROR(spill_.Open());
    return next_->Begin(out);
  }

  Status Push(Record& rec) override {
    if (empty_) return Status::Ok();
    text_.clear();
    for (size_t c : text_cols_) {
      if (!text_.empty()) text_.push_back('\n');
      text_.append(rec.fields[c]);
    }
    for (size_t k = 0; k < link_cols_.size(); ++k) {
      ids_[k].clear();
      std::string_view cell = rec.fields[link_cols_[k]];
      size_t i = 0;
      while (i <= cell.size()) {
        size_t j = cell.find(';', i);
        if (j == std::string_view::npos) j = cell.size();
        std::string_view v = cell.substr(i, j - i);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        if (!v.empty()) ids_[k].push_back(v);
        i = j + 1;
      }
    }
    int64_t time = 0;
    if (time_col_ >= 0) {
      const std::string& t = rec.fields[static_cast<size_t>(time_col_)];
      if (t.empty()) {
        time = std::numeric_limits<int64_t>::max();  // undated records come last
      } else if (auto parsed = ReadTime(t, s_.tz); parsed) {
        time = *parsed;
      } else {
        return Status::Data(
            fmt::format("{}: {} '{}' is not an RFC 3339 time (e.g. 2026-11-02T14:05:00Z)",
                        rec.Where(), s_.time_field, t));
      }
    }
    std::string row_key;
    std::string_view key;
    if (key_col_ >= 0) {
      key = rec.fields[static_cast<size_t>(key_col_)];
    } else {
      row_key = fmt::format("row {}", rows_ + 1);
      key = row_key;
    }
    deduper_->Add(key, key_col_ >= 0 && !key.empty(), text_, time, ids_);
    ++rows_;
    uint32_t src = 0;
    for (; src < sources_.size(); ++src) {
      if (sources_[src] == rec.source) break;
    }
    if (src == sources_.size()) sources_.push_back(rec.source);
    return spill_.Write(rec, src);
  }

  Status End() override {
    if (empty_) return next_->End();
    KARTA_RETURN_IF_ERROR(deduper_->Cluster());
    KARTA_RETURN_IF_ERROR(deduper_->SaveState());
    if (!s_.explain.empty()) KARTA_RETURN_IF_ERROR(WriteExplain());
    KARTA_RETURN_IF_ERROR(spill_.Rewind());
    const uint32_t base = deduper_->known();
    Record rec;
    for (uint32_t r = 0; r < rows_; ++r) {
      if (env_.cancel && env_.cancel->load()) {
        return Status::Interrupted("interrupted while writing");
      }
      uint32_t src = 0;
      KARTA_RETURN_IF_ERROR(spill_.Read(&rec, &src));
      rec.source = src < sources_.size() ? sources_[src] : std::string_view();
      uint32_t i = base + r;
      bool first = deduper_->FirstSeen(i);
      if (s_.keep == "first" && !first) continue;
      rec.fields.resize(width_);
      rec.fields[cluster_col_] = deduper_->ClusterId(i);
      rec.fields[size_col_] = std::to_string(deduper_->ClusterSize(i));
      rec.fields[first_col_] = first ? "1" : "0";
      KARTA_RETURN_IF_ERROR(next_->Push(rec));
    }
    return next_->End();
  }

 private:
  Status WriteExplain() {
    KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(s_.explain));
    CsvWriter w(out.get());
    KARTA_RETURN_IF_ERROR(
        w.Begin(Header({"cluster", "record", "joined_to", "reason", "similarity"})));
    std::vector<Link> links = deduper_->links();
    std::stable_sort(links.begin(), links.end(), [&](const Link& a, const Link& b) {
      return deduper_->ClusterId(a.b) < deduper_->ClusterId(b.b);
    });
    std::vector<std::string> row(5);
    for (const Link& l : links) {
      row[0] = deduper_->ClusterId(l.b);
      row[1] = std::string(deduper_->Key(l.b));
      row[2] = std::string(deduper_->Key(l.a));
      row[4].clear();
      switch (l.reason) {
        case LinkReason::kSameKey:
          row[3] = fmt::format("same {}", key_col_ >= 0 ? header_name_key() : "key");
          break;
        case LinkReason::kSameText:
          row[3] = "same text";
          row[4] = "1.00";
          break;
        case LinkReason::kSimilar:
          row[3] = fmt::format("similarity {:.2f}", l.similarity);
          row[4] = fmt::format("{:.2f}", l.similarity);
          break;
        case LinkReason::kShared:
          row[3] = "shared " + deduper_->kinds()[l.kind];
          break;
      }
      KARTA_RETURN_IF_ERROR(w.WriteRow(row));
    }
    KARTA_RETURN_IF_ERROR(w.End());
    return out->Commit();
  }
  std::string header_name_key() const { return s_.key.empty() ? "id" : s_.key; }

  ToolEnv env_;
  Settings s_;
  bool empty_ = false;
  std::vector<size_t> text_cols_;
  std::vector<size_t> link_cols_;
  int key_col_ = -1;
  int time_col_ = -1;
  size_t cluster_col_ = 0, size_col_ = 0, first_col_ = 0, width_ = 0;
  std::unique_ptr<Deduper> deduper_;
  Spill spill_;
  std::string text_;
  std::vector<std::vector<std::string_view>> ids_;
  std::vector<std::string_view> sources_;
  uint32_t rows_ = 0;
};

class Dedupe : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--field", field_,
                    "Text columns to compare (repeat, or NAME,NAME; default: title and text)")
        ->type_name("COLS");
    app->add_option("--threshold", threshold_,
                    fmt::format("Estimated Jaccard similarity that joins two texts, 0-1 "
                                "(default {})",
                                kDefaultThreshold))
        ->type_name("X");
    app->add_option("--shingle", shingle_,
                    "What texts are compared by: word:N (N words) or char:N (N characters) "
                    "(default word:3)")
        ->type_name("KIND:N");
    app->add_option("--link", link_,
                    "Identifier columns whose shared values join ads, comma-separated "
                    "(default: phones,emails,handles where present)")
        ->type_name("COLS");
    app->add_flag("--no-link", no_link_, "Do not join ads by shared identifiers");
    app->add_flag("--allow-conflicts", allow_conflicts_,
                  "Join clusters even if their identifiers conflict (different phones)");
    app->add_flag("--exact", exact_,
                  "Only exact duplicates (folded text) and shared identifiers; no MinHash");
    app->add_option("--keep", keep_, "Which records to write: all (default) or first")
        ->type_name("first|all");
    app->add_option("--explain", explain_, "Write FILE (CSV): for each join, the two ads and why")
        ->type_name("FILE");
    app->add_option("--state", state_,
                    "SQLite FILE remembering earlier runs, so old cluster ids stay (created if "
                    "missing)")
        ->type_name("FILE");
    app->add_option("--time-field", time_field_,
                    "RFC 3339 time column deciding which record is first (default: input order)")
        ->type_name("NAME");
    app->add_option("--tz", tz_, kTzHelp)->type_name("ZONE");
    app->add_option("--key", key_,
                    "Column identifying each ad (default: ad_id, else url, else the row number)")
        ->type_name("NAME");
    app->add_option("--threads", threads_, "Threads for signatures (default: all cores)")
        ->type_name("N");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    Settings s;
    s.fields = SplitList(field_);
    if (!field_.empty() && s.fields.empty()) return Status::Usage("--field: no column named");
    if (!(threshold_ > 0.0 && threshold_ <= 1.0)) {
      return Status::Usage(fmt::format(
          "--threshold {} is out of range (a similarity above 0 and at most 1, e.g. 0.5)",
          threshold_));
    }
    s.opts.threshold = threshold_;
    if (!shingle_.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto spec, ParseShingleSpec(shingle_));
      s.opts.shingle = spec;
    }
    if (keep_ != "all" && keep_ != "first") {
      return Status::Usage(fmt::format("--keep '{}': use first or all", keep_));
    }
    if (no_link_ && !link_.empty()) {
      return Status::Usage("--link and --no-link contradict each other (use one)");
    }
    if (threads_ < 0 || threads_ > 64) {
      return Status::Usage("--threads must be from 1 to 64 (0: all cores)");
    }
    s.link = SplitList(link_);
    s.link_given = !link_.empty();
    s.no_link = no_link_;
    s.exact = exact_;
    s.keep = keep_;
    s.explain = explain_;
    s.state = state_;
    s.time_field = time_field_;
    auto tz = TimeZone::Load(tz_);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    s.tz = *tz;
    s.key = key_;
    s.opts.threads = threads_;
    s.opts.conflicts = !allow_conflicts_;
    return std::unique_ptr<Stage>(new DedupeStage(env, std::move(s)));
  }

 private:
  std::string field_;
  double threshold_ = kDefaultThreshold;
  std::string shingle_;
  std::string link_;
  bool no_link_ = false;
  bool exact_ = false;
  bool allow_conflicts_ = false;
  std::string keep_ = "all";
  std::string explain_;
  std::string state_;
  std::string time_field_;
  std::string tz_;
  std::string key_;
  int threads_ = 0;
};

}  // namespace

ToolInfo DedupeTool() {
  return {"dedupe", "Cluster exact and near-duplicate ads, linked by shared contacts", kHelp,
          kInputOutput, [] { return std::unique_ptr<Tool>(new Dedupe()); }};
}

}  // namespace karta
