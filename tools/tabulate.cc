// karta tabulate: how much, where, and how it changes: counts per group.
//
// Reads CSV (any columns; usually the output of geotag and dedupe) and writes
// one row per group with its count and the aggregates asked for: distinct
// counts (distinct clusters = people, not ads), sums, minima, maxima, means.
// Groups are values of columns or time buckets of a time column (ISO weeks).
// The result is a table: an aligned text table on a terminal, CSV otherwise,
// or Markdown, JSON, or CSV for Swedish Excel; with small terminal charts.
// Only the groups are kept in memory, never the rows.
#include <fmt/format.h>
#include <unistd.h>

#include "lib/dates.h"
#include "lib/io.h"
#include "lib/suppress.h"
#include "lib/table.h"
#include "lib/xlsx.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
Groups (--by, comma-separated):
  COL                a column's values                 kommun
  week(COL)          ISO 8601 week of an RFC 3339 time week(posted_at) -> 2026-W10
  day(COL) month(COL)                                  day(posted_at) -> 2026-03-02
  week, day, month   the same of posted_at             kommun,week
Every row is counted; add aggregates of other columns:
  --count-distinct cluster    distinct clusters (people, not ads): cluster_distinct
  --sum/--min/--max/--mean price                       price_sum, price_min, ...
Empty cells are not values (an ad without a cluster is not a person); an
empty group value is a group of its own.

Small counts (--min-count N, e.g. 3): counts from 1 to N-1 are hidden as
'..'; so are the other numbers of the same row (a row "advertisers .. |
young 6" would say the people there are young), and, where totals would let
a reader work a hidden count out, the next smallest count of that column or
row. A table with --min-count is safe to share; sparklines are refused.

Output: a text table when stdout is a terminal, CSV otherwise; --format
text|csv|md|json|xlsx. A real Excel workbook (.xlsx) is written whenever -o
names a .xlsx file or --format xlsx is given: counts and sums are numbers,
codes and identifiers (kommunkod 0180, phone numbers) text cells that keep
their leading zeros; --lang sv gives Swedish headings (antal, ... (olika)).
--excel writes CSV that Excel with Swedish settings opens as columns (UTF-8
BOM, ';' between fields, decimal comma). --sum and --mean read numbers
written the Swedish way too: 1 500 and 1 500,50. Rows are sorted
biggest count first (--sort key|input|COLUMN to change, --reverse).

Examples:
  karta tabulate --by kommun ads.csv                    ads per kommun
  karta tabulate --by kommun --count-distinct cluster --totals ads.csv
                                                        ads and people per kommun, with totals
  karta tabulate --by week --count-distinct cluster --sort key ads.csv
                                                        a weekly time series
  karta tabulate --crosstab kommun,week --totals ads.csv
                                                        kommun by week, with totals
  karta tabulate --by place --top 10 --bar ads.csv      the ten biggest places, with bars
  karta tabulate --by kommun,week --spark ads.csv       one sparkline per kommun
  karta tabulate --by kommun --count-distinct cluster --lang sv -o kommun.xlsx ads.csv
                                                        an Excel workbook, Swedish headings
  karta tabulate --by kommun --excel -o kommun.csv ads.csv
                                                        CSV for Excel
  karta tabulate --by kommun --format md ads.csv        a table for a wiki or e-mail
)";

class Tabulate : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--by", by_, "Group by these columns or time buckets (see below)")
        ->type_name("KEYS");
    app->add_option("--count-distinct", distinct_, "Count distinct values of COL per group")
        ->allow_extra_args(false)
        ->type_name("COL");
    app->add_option("--sum", sum_, "Sum of the numbers in COL per group")
        ->allow_extra_args(false)
        ->type_name("COL");
    app->add_option("--min", min_, "Smallest number, or earliest RFC 3339 time, in COL per group")
        ->allow_extra_args(false)
        ->type_name("COL");
    app->add_option("--max", max_, "Largest number, or latest RFC 3339 time, in COL per group")
        ->allow_extra_args(false)
        ->type_name("COL");
    app->add_option("--mean", mean_, "Mean of the numbers in COL per group")
        ->allow_extra_args(false)
        ->type_name("COL");
    app->add_option("--crosstab", crosstab_,
                    "A cross table: rows by ROW, columns by COL (either may be week(...))")
        ->type_name("ROW,COL");
    app->add_option("--top", top_, "Keep only the first N rows after sorting")
        ->type_name("N")
        ->check(CLI::Range(1, 1000000000));
    app->add_option("--sort", sort_,
                    "count (biggest first, the default), key (Swedish order: A..Z Å Ä Ö), "
                    "input (first seen), or an output column such as cluster_distinct")
        ->type_name("WHAT");
    app->add_flag("--reverse", reverse_, "Reverse the sort order");
    app->add_option("--min-count", min_count_,
                    "Hide counts below N as '..', and the cells that would reveal them "
                    "(for tables that leave the unit; see below)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000000));
    app->add_flag("--totals", totals_, "Add a totals row (distinct counts are over all rows)");
    app->add_option("--format", format_,
                    "text, csv, md, json, xlsx or excel (default: xlsx when -o names a .xlsx "
                    "file, text on a terminal, else csv)")
        ->type_name("FMT");
    app->add_flag("--excel", excel_,
                  "CSV for Excel with Swedish settings (BOM, ';', decimal comma)");
    app->add_option("--lang", lang_, "Language of the column headings: en (default) or sv")
        ->type_name("LANG");
    app->add_flag("--bar", bar_, "Add a bar per row (Unicode blocks) for the first aggregate");
    app->add_option("--bar-width", bar_width_, "Width of the longest bar (default 40)")
        ->type_name("N")
        ->check(CLI::Range(1, 400));
    app->add_option("--tz", tz_, kTzHelp)->type_name("ZONE");
    app->add_flag("--spark", spark_,
                  "One row per group with a sparkline over time (--by must hold a time key)");
  }

  Status FeedsStages() const override {
    if (!format_.empty() || excel_) {
      return Status::Usage(
          "a tabulate followed by more stages writes CSV for them; --format and --excel only on "
          "a last stage");
    }
    return Status::Ok();
  }

  // Checks the options, then counts what it is given and writes the table
  // to -o at the end (TabulateStage).
  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    if (spark_ && min_count_ > 1) {
      return Status::Usage(
          "--spark draws every weekly value; it cannot hide small counts "
          "(drop --spark, or use --crosstab KEY,week with --min-count)");
    }
    // What to compute.
    TableSpec spec;
    auto tz = TimeZone::Load(tz_);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    spec.tz = *tz;
    std::vector<std::string> keys = SplitList(by_);
    if (!crosstab_.empty()) {
      if (!by_.empty()) return Status::Usage("give --by or --crosstab, not both");
      keys = SplitList(crosstab_);
      if (keys.size() != 2) {
        return Status::Usage(fmt::format(
            "--crosstab takes two keys, ROW,COL (e.g. kommun,week), not '{}'", crosstab_));
      }
    }
    if (keys.empty()) {
      return Status::Usage("nothing to group by (e.g. --by kommun; see karta tabulate --help)");
    }
    for (const std::string& k : keys) {
      KARTA_ASSIGN_OR_RETURN(auto key, ParseKey(k));
      spec.keys.push_back(key);
    }
    auto add = [&](const std::vector<std::string>& cols, AggKind kind) {
      for (const std::string& list : cols) {
        for (const std::string& c : SplitList(list)) spec.aggs.push_back({kind, c});
      }
    };
    add(distinct_, AggKind::kDistinct);
    add(sum_, AggKind::kSum);
    add(min_, AggKind::kMin);
    add(max_, AggKind::kMax);
    add(mean_, AggKind::kMean);
    std::optional<size_t> value;  // what crosstab cells, bars and sparklines show
    if (!spec.aggs.empty()) value = 0;

    SortOptions sort;
    sort.reverse = reverse_;
    sort.top = static_cast<size_t>(top_);
    sort.totals = totals_;
    if (sort_ == "count") {
      sort.by = SortBy::kCount;
    } else if (sort_ == "key") {
      sort.by = SortBy::kKey;
    } else if (sort_ == "input") {
      sort.by = SortBy::kInput;
    } else {
      bool known = false;
      for (const AggSpec& a : spec.aggs) known = known || a.Name() == sort_;
      if (!known) {
        std::string names = "count, key, input";
        for (const AggSpec& a : spec.aggs) names += ", " + a.Name();
        return Status::Usage(fmt::format("--sort {}: not something to sort by ({})", sort_, names));
      }
      sort.by = SortBy::kColumn;
      sort.column = sort_;
    }

    Format format = ::isatty(1) && env.common.output == "-" ? Format::kText : Format::kCsv;
    bool xlsx = format_ == "xlsx" || IsXlsxPath(env.common.output);
    if (lang_ != "en" && lang_ != "sv") {
      return Status::Usage(fmt::format("--lang {}: en or sv", lang_));
    }
    if (xlsx && env.common.output == "-" && ::isatty(1)) {
      return Status::Usage("--format xlsx writes a workbook: give -o FILE.xlsx");
    }
    if (!format_.empty() && !xlsx) {
      KARTA_ASSIGN_OR_RETURN(auto f, ParseFormat(format_));
      format = f;
    }
    if (excel_) {
      if (!format_.empty() && format_ != "excel") {
        return Status::Usage(
            fmt::format("--excel and --format {} both given; choose one", format_));
      }
      format = Format::kExcel;
    }

    // Grouping sets.
    std::vector<std::vector<size_t>> sets;
    std::optional<size_t> time_key;
    if (spark_) {
      if (!crosstab_.empty()) return Status::Usage("--spark and --crosstab cannot be combined");
      if (bar_) return Status::Usage("--bar and --spark cannot be combined");
      for (size_t k = 0; k < spec.keys.size(); ++k) {
        if (spec.keys[k].unit == TimeUnit::kNone) continue;
        if (time_key) return Status::Usage("--spark needs exactly one time key in --by");
        time_key = k;
      }
      if (!time_key) {
        return Status::Usage("--spark needs a time key in --by, e.g. --by kommun,week(posted_at)");
      }
      std::vector<size_t> all, others;
      for (size_t k = 0; k < spec.keys.size(); ++k) {
        all.push_back(k);
        if (k != *time_key) others.push_back(k);
      }
      sets = {all, others};
    } else if (!crosstab_.empty()) {
      sets = {{0, 1}, {0}, {1}, {}};
    } else {
      std::vector<size_t> all;
      for (size_t k = 0; k < spec.keys.size(); ++k) all.push_back(k);
      sets = {all, {}};
    }

    return std::unique_ptr<Stage>(new TabulateStage(
        this, env, std::make_unique<Aggregator>(spec, sets), time_key, value, sort, format, xlsx));
  }

 private:
  // Counts the records it is given; at the end shapes the table and writes
  // it to -o (env.common.output).
  class TabulateStage : public OutputStage {
   public:
    TabulateStage(const Tabulate* t, ToolEnv env, std::unique_ptr<Aggregator> agg,
                  std::optional<size_t> time_key, std::optional<size_t> value, SortOptions sort,
                  Format format, bool xlsx)
        : t_(t),
          env_(std::move(env)),
          agg_(std::move(agg)),
          time_key_(time_key),
          value_(value),
          sort_(sort),
          format_(format),
          xlsx_(xlsx) {}
    Status Begin(const Header& header) override {
      empty_input_ = header.empty();
      return empty_input_ ? Status::Ok() : agg_->Begin(header);
    }
    Status Push(Record& record) override { return agg_->Push(record); }
    Status End() override;
    Status Interrupted(int64_t records) override {
      return Status::Interrupted(
          fmt::format("interrupted after {} records; no table written", records));
    }

   private:
    const Tabulate* t_;
    ToolEnv env_;
    std::unique_ptr<Aggregator> agg_;
    std::optional<size_t> time_key_, value_;
    SortOptions sort_;
    Format format_;
    bool xlsx_;
    bool empty_input_ = true;
  };

 private:
  std::string tz_;
  std::string by_;
  std::vector<std::string> distinct_, sum_, min_, max_, mean_;
  std::string crosstab_;
  int top_ = 0;
  std::string sort_ = "count";
  bool reverse_ = false;
  bool totals_ = false;
  std::string format_;
  std::string lang_ = "en";
  bool excel_ = false;
  bool bar_ = false;
  int bar_width_ = 40;
  bool spark_ = false;
  int min_count_ = 1;
};

Status Tabulate::TabulateStage::End() {
  const Tabulate& t = *t_;
  if (!empty_input_) {
    KARTA_RETURN_IF_ERROR(agg_->End());
  } else if (t.spark_ || !t.crosstab_.empty()) {
    return EmptyInputStatus();  // nothing to draw
  }
  if (t.spark_ && agg_->spec().keys[*time_key_].unit == TimeUnit::kNone) {
    return Status::Usage(fmt::format(
        "--spark: the input has a column '{}', so it is not a time key; use week(posted_at)",
        agg_->spec().keys[*time_key_].name));
  }

  // Shape the table.
  Table table;
  size_t value_col = 0;
  if (t.spark_) {
    table = agg_->Sparklines(0, 1, *time_key_, value_, sort_);
  } else if (!t.crosstab_.empty()) {
    table = agg_->Crosstab(0, 1, 2, 3, value_, sort_);
    value_col = table.columns.size() - 1;
  } else {
    table = agg_->GroupTable(0, 1, sort_);
    value_col = agg_->spec().keys.size() + (value_ ? 1 + *value_ : 0);
  }
  if (t.min_count_ > 1) {
    size_t hidden = SuppressTable(&table, t.min_count_, !t.crosstab_.empty());
    if (hidden > 0) {
      env_.Warn(
          fmt::format("--min-count {}: {} cell{} hidden as '{}' (small, or needed to keep "
                      "a small one from being worked out)",
                      t.min_count_, hidden, hidden == 1 ? "" : "s", kHidden));
    }
  }
  if (t.bar_) AddBarColumn(&table, value_col, t.bar_width_);

  if (t.lang_ == "sv") {
    for (std::string& c : table.columns) c = SwedishHeading(c);
    if (table.totals && !table.rows.empty() && !table.rows.back().empty() &&
        table.rows.back()[0] == "total") {
      table.rows.back()[0] = "totalt";
    }
  }
  KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env_.common.output));
  if (xlsx_) {
    KARTA_ASSIGN_OR_RETURN(auto bytes, XlsxBytes(table));
    KARTA_RETURN_IF_ERROR(out->Write(bytes));
  } else {
    KARTA_RETURN_IF_ERROR(out->Write(FormatTable(table, format_)));
  }
  KARTA_RETURN_IF_ERROR(out->Commit());
  // An empty table from an empty input: written, and warned about (exit 3).
  return empty_input_ ? EmptyInputStatus() : Status::Ok();
}

}  // namespace

ToolInfo TabulateTool() {
  return {"tabulate",
          "Count per group: distinct counts, sums, time series, crosstabs, top-N",
          kHelp,
          kInputFlags | kInputFiles | kOutput,
          [] { return std::unique_ptr<Tool>(new Tabulate()); },
          ToolRole::kSink};
}

}  // namespace karta
