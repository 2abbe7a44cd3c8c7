// Table: group-by aggregation over a record stream, and the formats a table
// is shown in (aligned text, CSV, Markdown, JSON, Excel-friendly CSV, and
// small terminal charts).
//
// An Aggregator is a RecordSink. It is told the keys to group by (columns, or
// time buckets of a column: day(col), week(col) with ISO 8601 weeks,
// month(col)), the aggregates to keep per group (count always; distinct
// count, sum, min, max, mean of columns) and one or more grouping sets: the
// subsets of the keys to group by at once. Each record is counted once in
// every grouping set, so a totals row (the empty set) and the row and column
// totals of a crosstab are exact, also for distinct counts (the distinct
// clusters of a kommun are not the sum of its weeks' distinct clusters).
//
// Memory is bounded by the number of groups and, for a distinct count, by the
// number of distinct (group, value) pairs; rows themselves are not kept, so a
// million-row file groups in a few megabytes.
//
// Empty cells: a group key may be empty (a group of its own, shown as ""); an
// empty cell is not a value for distinct/sum/min/max/mean (an ad without a
// cluster is not a person). A time cell must be RFC 3339 ("2026-03-02T10:00:00Z",
// offsets are turned into UTC) or empty; a number cell must be a decimal
// number ("1500", "12.5", also the Swedish "12,5") or empty; anything else is
// a data error naming FILE:LINE.
//
// Example:
//   TableSpec spec;
//   spec.keys = {*ParseKey("kommun")};
//   spec.aggs = {{AggKind::kDistinct, "cluster"}};
//   Aggregator agg(spec, {{0}, {}});
//   ... Pump(reader, &agg) ...
//   Table t = agg.GroupTable(0, 1, SortOptions{});
//   std::string csv = FormatTable(t, Format::kCsv);
//
// Thread-safety: an Aggregator is used from one thread; the functions are pure.
#ifndef KARTA_LIB_TABLE_H_
#define KARTA_LIB_TABLE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/dates.h"
#include "lib/record.h"
#include "lib/status.h"

namespace karta {

// ---- Time --------------------------------------------------------------

enum class TimeUnit { kNone, kDay, kWeek, kMonth };

// Reads a time as every karta tool does (lib/dates.h: RFC 3339, ISO 8601
// without seconds or zone, "22 nov 2026 14:05"; a time without a zone is
// local time in `tz`) and returns its local calendar day in `tz`, as days
// since 1970-01-01, or nullopt if it is not a time. Weeks and days are those
// of the calendar the unit lives by: 00:30 on a Monday in Stockholm is that
// Monday's week, though it is still Sunday in UTC.
std::optional<int64_t> ParseLocalDay(std::string_view s, const TimeZone& tz);

// A bucket is an ordinal: days since the epoch (day), the Monday of the ISO
// week as days since the epoch (week), or year*12 + month-1 (month).
int64_t BucketOf(int64_t day, TimeUnit unit);
// The next bucket after `b`.
int64_t NextBucket(int64_t b, TimeUnit unit);
// "2026-03-02" (day), "2026-W10" (ISO week), "2026-03" (month).
std::string BucketLabel(int64_t b, TimeUnit unit);

// ---- What to compute ------------------------------------------------------

// A group key: a column, or a time bucket of a column.
struct KeySpec {
  std::string column;  // input column
  TimeUnit unit = TimeUnit::kNone;
  std::string name;  // output column: the column, or "day"/"week"/"month"
  // Bare "week"/"day"/"month" given: means week(posted_at) unless the input
  // has a column of that name.
  bool bare_unit = false;
};

// Parses "kommun", "week(posted_at)", "day(fetched_at)", "month(posted_at)"
// or a bare "week"/"day"/"month" (see KeySpec::bare_unit).
Result<KeySpec> ParseKey(std::string_view s);

enum class AggKind { kCount, kDistinct, kSum, kMin, kMax, kMean };

struct AggSpec {
  AggKind kind = AggKind::kCount;
  std::string column;  // empty for kCount
  // Output column: "count", "COL_distinct", "COL_sum", "COL_min", "COL_max",
  // "COL_mean" (Miller's names, so that results line up with mlr stats1).
  std::string Name() const;
};

struct TableSpec {
  std::vector<KeySpec> keys;
  std::vector<AggSpec> aggs;          // besides the row count, which is always kept
  TimeZone tz = TimeZone::Default();  // of times without a zone, and of day/week/month
};

// ---- Tables -----------------------------------------------------------------

// A finished table: header, rows of cells, and which columns are numbers.
struct Table {
  std::vector<std::string> columns;
  std::vector<bool> numeric;                   // per column
  std::vector<std::vector<std::string>> rows;  // cells, numbers already formatted
  bool totals = false;                         // the last row is a totals row
};

enum class SortBy { kCount, kKey, kInput, kColumn };

struct SortOptions {
  SortBy by = SortBy::kCount;  // kCount: biggest first, ties by key
  std::string column;          // for kColumn: an output column, biggest first
  bool reverse = false;
  size_t top = 0;  // keep the first N rows after sorting (0: all)
  bool totals = false;
  std::string totals_label = "total";
};

// ---- The aggregator -----------------------------------------------------------

class Aggregator : public RecordSink {
 public:
  // `sets` lists grouping sets as positions into spec.keys (in key order);
  // {} is the grand total.
  Aggregator(TableSpec spec, std::vector<std::vector<size_t>> sets);
  ~Aggregator() override;

  Status Begin(const Header& header) override;
  Status Push(Record& record) override;
  // Counts the distinct values; call before reading tables.
  Status End() override;

  const TableSpec& spec() const { return spec_; }
  int64_t rows() const { return rows_; }

  // The groups of grouping set `set` as a table: its key columns, count, and
  // the aggregates. With opts.totals, a last row from grouping set
  // `totals_set` (which must be the empty set) labelled opts.totals_label.
  Table GroupTable(size_t set, std::optional<size_t> totals_set, const SortOptions& opts) const;

  // A crosstab: rows are the values of key `row_key`, columns the values of
  // key `col_key` (sorted by value; time buckets in time order with empty
  // weeks filled in), cells the `value` aggregate (index into spec.aggs, or
  // nullopt for the count). Needs grouping sets {row,col}, {row}, {col}, {}
  // at positions cell_set, row_set, col_set, all_set. Rows sort by their
  // total; a "total" column is always there, a totals row with opts.totals.
  Table Crosstab(size_t cell_set, size_t row_set, size_t col_set, size_t all_set,
                 std::optional<size_t> value, const SortOptions& opts) const;

  // A sparkline per group over time: key `time_key` must be a time bucket.
  // Rows are the groups of set `group_set` (the keys other than time), with
  // the value's total and a sparkline over every bucket from the first to the
  // last (empty buckets count 0). `cell_set` holds the keys of group_set plus
  // the time key.
  Table Sparklines(size_t cell_set, size_t group_set, size_t time_key, std::optional<size_t> value,
                   const SortOptions& opts) const;

 private:
  struct Impl;
  TableSpec spec_;
  std::unique_ptr<Impl> impl_;
  int64_t rows_ = 0;
};

// ---- Output formats ---------------------------------------------------------

enum class Format { kText, kCsv, kMarkdown, kJson, kExcel };

// Parses "text", "csv", "md"/"markdown", "json", "excel".
Result<Format> ParseFormat(std::string_view s);

// Renders `t`. kText: aligned columns (numbers right-aligned, width counted
// in characters, not bytes) with a rule under the header and above totals.
// kCsv: RFC 4180, LF line ends. kMarkdown: a GitHub table. kJson: an array
// of objects, numbers as JSON numbers (empty: null). kExcel: what Excel with
// Swedish settings opens as columns: UTF-8 BOM, ';' separators, CRLF line
// ends, and decimal commas in number columns.
std::string FormatTable(const Table& t, Format f);

// Appends a column `bar` with a horizontal bar per row, scaled so that the
// largest value of column `value_col` fills `width` characters (Unicode
// eighth blocks); the totals row gets no bar.
void AddBarColumn(Table* t, size_t value_col, int width);

// A horizontal bar for `v` of `max` in `width` characters (eighth blocks).
std::string Bar(double v, double max, int width);
// A sparkline (one of ▁▂▃▄▅▆▇█ per value; zero is the lowest block).
std::string Sparkline(const std::vector<double>& values);

// Formats a number as tables show it: integers without a decimal point,
// others with up to `decimals` decimals, trailing zeros removed.
std::string FormatNumber(double v, int decimals = 6);

// Parses a decimal number cell ("1500", "-2.5", "12,5", and Swedish thousands
// "1 500", "1 500,50" with a space, no-break or narrow no-break space);
// nullopt if it is not one.
std::optional<double> ParseNumber(std::string_view s);

// Display width of UTF-8 text in a terminal (code points; combining marks 0).
size_t DisplayWidth(std::string_view s);

}  // namespace karta

#endif  // KARTA_LIB_TABLE_H_
