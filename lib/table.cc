#include "lib/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>

#include "lib/civil.h"
#include "lib/collate.h"
#include "lib/csv.h"
#include "lib/intern.h"
#include "lib/record.h"
#include "lib/text.h"

namespace karta {
namespace {

// ---- Calendar (civil dates: lib/civil.h) ------------------------------------

// ---- Small helpers -----------------------------------------------------------

constexpr char kSep = '\x1f';  // joins the parts of a multi-column key

std::vector<std::string> SplitKey(std::string_view k, size_t n) {
  std::vector<std::string> parts;
  parts.reserve(n);
  if (n == 0) return parts;
  size_t i = 0;
  for (size_t p = 0; p + 1 < n; ++p) {
    size_t j = k.find(kSep, i);
    parts.emplace_back(k.substr(i, j - i));
    i = j + 1;
  }
  parts.emplace_back(k.substr(i));
  return parts;
}

// Orders keys as people expect: numbers by value, text in Swedish order
// (A..Z Å Ä Ö, lib/collate.h; it keeps ISO dates and weeks in time order).
int CompareCell(const std::string& a, const std::string& b) {
  auto na = ParseNumber(a);
  auto nb = ParseNumber(b);
  if (na && nb) {
    if (*na < *nb) return -1;
    if (*na > *nb) return 1;
    return 0;
  }
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;  // empty last
  return CompareSwedish(a, b);
}

int CompareKeys(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareCell(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

}  // namespace

// ---- Time ------------------------------------------------------------------------

std::optional<int64_t> ParseLocalDay(std::string_view s, const TimeZone& tz) {
  auto t = ReadTime(s, tz);
  if (!t) return std::nullopt;
  return LocalDay(*t, tz);
}

int64_t BucketOf(int64_t day, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kWeek:
      return day - Weekday(day);
    case TimeUnit::kMonth: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(day, &y, &m, &d);
      return y * 12 + (m - 1);
    }
    default:
      return day;
  }
}

int64_t NextBucket(int64_t b, TimeUnit unit) { return b + (unit == TimeUnit::kWeek ? 7 : 1); }

std::string BucketLabel(int64_t b, TimeUnit unit) {
  int64_t y;
  unsigned m, d;
  switch (unit) {
    case TimeUnit::kWeek:
      return IsoWeekLabel(b);
    case TimeUnit::kMonth: {
      int64_t yy = b >= 0 ? b / 12 : -((-b + 11) / 12);
      return fmt::format("{:04}-{:02}", yy, b - yy * 12 + 1);
    }
    default:
      CivilFromDays(b, &y, &m, &d);
      return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  }
}

// ---- Specs ---------------------------------------------------------------------

Result<KeySpec> ParseKey(std::string_view s) {
  KeySpec k;
  auto unit_of = [](std::string_view u) {
    if (u == "day") return TimeUnit::kDay;
    if (u == "week") return TimeUnit::kWeek;
    if (u == "month") return TimeUnit::kMonth;
    return TimeUnit::kNone;
  };
  auto open = s.find('(');
  if (open != std::string_view::npos) {
    std::string_view u = s.substr(0, open);
    TimeUnit unit = unit_of(u);
    if (unit == TimeUnit::kNone || s.back() != ')' || s.size() <= open + 2) {
      return Status::Usage(fmt::format(
          "'{}' is not a group key (a column name, or day(COL), week(COL), month(COL) of a time "
          "column)",
          s));
    }
    k.column = std::string(s.substr(open + 1, s.size() - open - 2));
    k.unit = unit;
    k.name = std::string(u);
    return k;
  }
  k.column = std::string(s);
  k.name = k.column;
  if (unit_of(s) != TimeUnit::kNone) {
    k.unit = unit_of(s);
    k.bare_unit = true;
  }
  return k;
}

std::string AggSpec::Name() const {
  switch (kind) {
    case AggKind::kCount:
      return "count";
    case AggKind::kDistinct:
      return column + "_distinct";
    case AggKind::kSum:
      return column + "_sum";
    case AggKind::kMin:
      return column + "_min";
    case AggKind::kMax:
      return column + "_max";
    case AggKind::kMean:
      return column + "_mean";
  }
  return column;
}

// ---- Aggregator ----------------------------------------------------------------

namespace {

struct Acc {
  int64_t n = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  int64_t distinct = 0;
};

struct Group {
  std::string key;  // parts joined by kSep
  int64_t count = 0;
  std::vector<Acc> acc;
};

struct GroupingSet {
  std::vector<size_t> keys;
  StringIndex index;           // key -> position in groups
  std::vector<Group> groups;   // first-appearance order
  std::vector<PairSet> pairs;  // per aggregate (used by distinct ones): (group, value id)
};

}  // namespace

struct Aggregator::Impl {
  std::vector<GroupingSet> sets;
  std::vector<size_t> key_col;           // input column of each key
  std::vector<size_t> agg_col;           // input column of each aggregate
  std::vector<StringIndex> interned;     // per aggregate: distinct values -> id
  std::vector<std::string> key_scratch;  // time bucket labels of this record
  std::vector<std::string_view> key_val;
  std::string joined;
  std::vector<int64_t> bucket_min, bucket_max;  // per time key
  std::vector<bool> bucket_empty;               // per time key: an empty time seen
  std::vector<int64_t> last_day;                // per time key: label cache
  std::vector<std::optional<double>> num;       // per aggregate, this record
  std::vector<uint32_t> value_id;               // per aggregate, this record
  // Per --min/--max aggregate: 0 nothing seen yet, 1 numbers, 2 RFC 3339
  // times (kept as seconds since the epoch, shown as RFC 3339 UTC).
  std::vector<char> value_kind;
  bool IsTime(size_t a) const { return a < value_kind.size() && value_kind[a] == 2; }

  // The value of aggregate `a` (nullopt: count) for a group, and its text.
  double Value(const Group& g, std::optional<size_t> a, const TableSpec& spec) const {
    if (!a) return static_cast<double>(g.count);
    const Acc& c = g.acc[*a];
    switch (spec.aggs[*a].kind) {
      case AggKind::kCount:
        return static_cast<double>(g.count);
      case AggKind::kDistinct:
        return static_cast<double>(c.distinct);
      case AggKind::kSum:
        return c.sum;
      case AggKind::kMin:
        return c.n ? c.min : 0;
      case AggKind::kMax:
        return c.n ? c.max : 0;
      case AggKind::kMean:
        return c.n ? c.sum / static_cast<double>(c.n) : 0;
    }
    return 0;
  }
  std::string Text(const Group& g, std::optional<size_t> a, const TableSpec& spec) const {
    if (!a) return std::to_string(g.count);
    const Acc& c = g.acc[*a];
    switch (spec.aggs[*a].kind) {
      case AggKind::kCount:
        return std::to_string(g.count);
      case AggKind::kDistinct:
        return std::to_string(c.distinct);
      case AggKind::kSum:
        return FormatNumber(c.sum);
      case AggKind::kMin:
        if (!c.n) return "";
        return IsTime(*a) ? FormatRfc3339(static_cast<int64_t>(c.min)) : FormatNumber(c.min);
      case AggKind::kMax:
        if (!c.n) return "";
        return IsTime(*a) ? FormatRfc3339(static_cast<int64_t>(c.max)) : FormatNumber(c.max);
      case AggKind::kMean:
        return c.n ? FormatNumber(c.sum / static_cast<double>(c.n), 2) : "";
    }
    return "";
  }
  const Group* Find(size_t set, std::string_view key) const {
    auto i = sets[set].index.Find(key);
    return i ? &sets[set].groups[*i] : nullptr;
  }
};

Aggregator::Aggregator(TableSpec spec, std::vector<std::vector<size_t>> sets)
    : spec_(std::move(spec)), impl_(std::make_unique<Impl>()) {
  for (auto& s : sets) {
    GroupingSet g;
    g.keys = std::move(s);
    g.pairs.resize(spec_.aggs.size());
    impl_->sets.push_back(std::move(g));
  }
}

Aggregator::~Aggregator() = default;

Status Aggregator::End() {
  for (GroupingSet& set : impl_->sets) {
    for (size_t a = 0; a < spec_.aggs.size(); ++a) {
      if (spec_.aggs[a].kind != AggKind::kDistinct) continue;
      std::vector<int64_t> n = set.pairs[a].CountPerFirst(set.groups.size());
      for (size_t g = 0; g < set.groups.size(); ++g) set.groups[g].acc[a].distinct = n[g];
    }
  }
  return Status::Ok();
}

Status Aggregator::Begin(const Header& header) {
  Impl& m = *impl_;
  size_t nk = spec_.keys.size();
  m.key_col.clear();
  for (KeySpec& k : spec_.keys) {
    if (k.bare_unit) {
      if (header.Find(k.column)) {
        k.unit = TimeUnit::kNone;  // a real column called week/day/month
      } else {
        k.column = "posted_at";
      }
      k.bare_unit = false;
    }
    KARTA_ASSIGN_OR_RETURN(
        auto i,
        RequireColumn(header, k.column,
                      k.unit == TimeUnit::kNone ? "" : "the time column of " + k.name + "()"));
    m.key_col.push_back(i);
  }
  m.agg_col.clear();
  for (const AggSpec& a : spec_.aggs) {
    if (a.kind == AggKind::kCount) {
      m.agg_col.push_back(0);
      continue;
    }
    KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(header, a.column));
    m.agg_col.push_back(i);
  }
  m.interned.assign(spec_.aggs.size(), StringIndex());
  m.key_scratch.assign(nk, "");
  m.key_val.assign(nk, "");
  m.bucket_min.assign(nk, std::numeric_limits<int64_t>::max());
  m.bucket_max.assign(nk, std::numeric_limits<int64_t>::min());
  m.bucket_empty.assign(nk, false);
  m.last_day.assign(nk, std::numeric_limits<int64_t>::min());
  m.num.assign(spec_.aggs.size(), std::nullopt);
  m.value_id.assign(spec_.aggs.size(), 0);
  m.value_kind.assign(spec_.aggs.size(), 0);
  return Status::Ok();
}

Status Aggregator::Push(Record& rec) {
  Impl& m = *impl_;
  ++rows_;
  // Keys of this record.
  for (size_t k = 0; k < spec_.keys.size(); ++k) {
    const std::string& cell = rec.fields[m.key_col[k]];
    TimeUnit unit = spec_.keys[k].unit;
    if (unit == TimeUnit::kNone) {
      m.key_val[k] = cell;
      continue;
    }
    if (cell.empty()) {
      m.key_val[k] = "";
      m.bucket_empty[k] = true;
      continue;
    }
    auto day = ParseLocalDay(cell, spec_.tz);
    if (!day) {
      return Status::Data(
          fmt::format("{}: {}: '{}' is not a time (e.g. 2026-03-02T10:00:00Z or 2026-03-02 11:00)",
                      rec.Where(), spec_.keys[k].column, cell.substr(0, 40)));
    }
    if (*day != m.last_day[k]) {
      int64_t b = BucketOf(*day, unit);
      m.key_scratch[k] = BucketLabel(b, unit);
      m.last_day[k] = *day;
      m.bucket_min[k] = std::min(m.bucket_min[k], b);
      m.bucket_max[k] = std::max(m.bucket_max[k], b);
    }
    m.key_val[k] = m.key_scratch[k];
  }
  // Values of this record.
  for (size_t a = 0; a < spec_.aggs.size(); ++a) {
    const AggSpec& spec = spec_.aggs[a];
    if (spec.kind == AggKind::kCount) continue;
    const std::string& cell = rec.fields[m.agg_col[a]];
    m.num[a].reset();
    if (cell.empty()) continue;
    if (spec.kind == AggKind::kDistinct) {
      m.value_id[a] = m.interned[a].Intern(cell);
      m.num[a] = 0;  // marks "has a value"
      continue;
    }
    m.num[a] = ParseNumber(cell);
    if (spec.kind == AggKind::kMin || spec.kind == AggKind::kMax) {
      // The latest (or first) time of a group: RFC 3339 times compare by instant.
      char kind = m.num[a] ? 1 : 2;
      if (!m.num[a]) {
        if (auto t = ReadTime(cell, spec_.tz)) m.num[a] = static_cast<double>(*t);
      }
      if (m.num[a] && m.value_kind[a] && m.value_kind[a] != kind) {
        return Status::Data(fmt::format(
            "{}: {}: '{}' is a {}, but the column held {} before (for --{})", rec.Where(),
            spec.column, cell.substr(0, 40), kind == 1 ? "number" : "time",
            kind == 1 ? "times" : "numbers", spec.Name().substr(spec.column.size() + 1)));
      }
      if (m.num[a]) m.value_kind[a] = kind;
    }
    if (!m.num[a]) {
      bool time_ok = spec.kind == AggKind::kMin || spec.kind == AggKind::kMax;
      return Status::Data(fmt::format(
          "{}: {}: '{}' is not a number{} (for --{})", rec.Where(), spec.column, cell.substr(0, 40),
          time_ok ? " or an RFC 3339 time" : "", spec.Name().substr(spec.column.size() + 1)));
    }
  }
  // Count the record once in every grouping set.
  for (GroupingSet& set : m.sets) {
    std::string_view key;
    if (set.keys.size() == 1) {
      key = m.key_val[set.keys[0]];
    } else {
      m.joined.clear();
      for (size_t i = 0; i < set.keys.size(); ++i) {
        if (i) m.joined.push_back(kSep);
        m.joined.append(m.key_val[set.keys[i]]);
      }
      key = m.joined;
    }
    bool added = false;
    uint32_t gi = set.index.Intern(key, &added);
    if (added) {
      Group g;
      g.key = std::string(key);
      g.acc.resize(spec_.aggs.size());
      set.groups.push_back(std::move(g));
    }
    Group& g = set.groups[gi];
    ++g.count;
    for (size_t a = 0; a < spec_.aggs.size(); ++a) {
      if (!m.num[a]) continue;
      Acc& c = g.acc[a];
      if (spec_.aggs[a].kind == AggKind::kDistinct) {
        set.pairs[a].Add(gi, m.value_id[a]);  // counted in End()
        continue;
      }
      double v = *m.num[a];
      ++c.n;
      c.sum += v;
      c.min = std::min(c.min, v);
      c.max = std::max(c.max, v);
    }
  }
  return Status::Ok();
}

namespace {

// Sorts group indices of `set` as `opts` says; `value` is the sort value.
template <typename ValueFn>
std::vector<size_t> SortGroups(const std::vector<Group>& groups, size_t nkeys,
                               const SortOptions& opts, ValueFn value) {
  std::vector<size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::vector<std::string>> keys;
  keys.reserve(groups.size());
  for (const Group& g : groups) keys.push_back(SplitKey(g.key, nkeys));
  auto by_key = [&](size_t a, size_t b) { return CompareKeys(keys[a], keys[b]) < 0; };
  switch (opts.by) {
    case SortBy::kInput:
      break;
    case SortBy::kKey:
      std::stable_sort(order.begin(), order.end(), by_key);
      break;
    case SortBy::kCount:
    case SortBy::kColumn:
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        double va = value(a), vb = value(b);
        if (va != vb) return va > vb;
        return by_key(a, b);
      });
      break;
  }
  if (opts.reverse) std::reverse(order.begin(), order.end());
  if (opts.top > 0 && order.size() > opts.top) order.resize(opts.top);
  return order;
}

std::optional<size_t> SortValue(const TableSpec& spec, const SortOptions& opts) {
  if (opts.by == SortBy::kColumn) {
    for (size_t a = 0; a < spec.aggs.size(); ++a) {
      if (spec.aggs[a].Name() == opts.column) return a;
    }
  }
  return std::nullopt;
}

}  // namespace

Table Aggregator::GroupTable(size_t set_index, std::optional<size_t> totals_set,
                             const SortOptions& opts) const {
  const Impl& m = *impl_;
  const GroupingSet& set = m.sets[set_index];
  Table t;
  for (size_t k : set.keys) {
    t.columns.push_back(spec_.keys[k].name);
    t.numeric.push_back(false);
  }
  t.columns.push_back("count");
  t.numeric.push_back(true);
  for (size_t a = 0; a < spec_.aggs.size(); ++a) {
    t.columns.push_back(spec_.aggs[a].Name());
    t.numeric.push_back(!m.IsTime(a));
  }
  std::optional<size_t> sv = SortValue(spec_, opts);
  auto order = SortGroups(set.groups, set.keys.size(), opts,
                          [&](size_t i) { return m.Value(set.groups[i], sv, spec_); });
  auto row_of = [&](const Group& g, std::vector<std::string> keys) {
    std::vector<std::string> row = std::move(keys);
    row.push_back(std::to_string(g.count));
    for (size_t a = 0; a < spec_.aggs.size(); ++a) row.push_back(m.Text(g, a, spec_));
    return row;
  };
  for (size_t i : order) {
    t.rows.push_back(row_of(set.groups[i], SplitKey(set.groups[i].key, set.keys.size())));
  }
  if (opts.totals && totals_set) {
    const GroupingSet& all = m.sets[*totals_set];
    Group empty;
    empty.acc.resize(spec_.aggs.size());
    const Group& g = all.groups.empty() ? empty : all.groups[0];
    std::vector<std::string> keys(set.keys.size());
    if (!keys.empty()) keys[0] = opts.totals_label;
    t.rows.push_back(row_of(g, std::move(keys)));
    t.totals = true;
  }
  return t;
}

Table Aggregator::Crosstab(size_t cell_set, size_t row_set, size_t col_set, size_t all_set,
                           std::optional<size_t> value, const SortOptions& opts) const {
  const Impl& m = *impl_;
  const GroupingSet& rows = m.sets[row_set];
  const GroupingSet& cols = m.sets[col_set];
  size_t col_key = cols.keys[0];
  // Column values: time buckets in order with the gaps filled, else sorted.
  std::vector<std::string> col_values;
  TimeUnit unit = spec_.keys[col_key].unit;
  if (unit != TimeUnit::kNone && m.bucket_min[col_key] <= m.bucket_max[col_key]) {
    for (int64_t b = m.bucket_min[col_key]; b <= m.bucket_max[col_key]; b = NextBucket(b, unit)) {
      col_values.push_back(BucketLabel(b, unit));
    }
    if (m.bucket_empty[col_key]) col_values.push_back("");
  } else {
    for (const Group& g : cols.groups) col_values.push_back(g.key);
    std::sort(col_values.begin(), col_values.end(),
              [](const std::string& a, const std::string& b) { return CompareCell(a, b) < 0; });
  }
  Table t;
  t.columns.push_back(spec_.keys[rows.keys[0]].name);
  t.numeric.push_back(false);
  for (const std::string& c : col_values) {
    t.columns.push_back(c.empty() ? "(empty)" : c);
    t.numeric.push_back(true);
  }
  t.columns.push_back("total");
  t.numeric.push_back(true);
  SortOptions o = opts;
  if (o.by == SortBy::kColumn) o.by = SortBy::kCount;
  auto order = SortGroups(rows.groups, 1, o,
                          [&](size_t i) { return m.Value(rows.groups[i], value, spec_); });
  std::string key;
  auto cell = [&](const std::string& r, const std::string& c) -> std::string {
    key = r;
    key.push_back(kSep);
    key += c;
    const Group* g = m.Find(cell_set, key);
    if (!g) return value && spec_.aggs[*value].kind >= AggKind::kMin ? "" : "0";
    return m.Text(*g, value, spec_);
  };
  for (size_t i : order) {
    const Group& rg = rows.groups[i];
    std::vector<std::string> row{rg.key};
    for (const std::string& c : col_values) row.push_back(cell(rg.key, c));
    row.push_back(m.Text(rg, value, spec_));
    t.rows.push_back(std::move(row));
  }
  if (opts.totals) {
    std::vector<std::string> row{opts.totals_label};
    for (const std::string& c : col_values) {
      const Group* g = m.Find(col_set, c);
      row.push_back(g ? m.Text(*g, value, spec_) : "0");
    }
    const GroupingSet& all = m.sets[all_set];
    row.push_back(all.groups.empty() ? "0" : m.Text(all.groups[0], value, spec_));
    t.rows.push_back(std::move(row));
    t.totals = true;
  }
  return t;
}

Table Aggregator::Sparklines(size_t cell_set, size_t group_set, size_t time_key,
                             std::optional<size_t> value, const SortOptions& opts) const {
  const Impl& m = *impl_;
  const GroupingSet& groups = m.sets[group_set];
  const GroupingSet& cells = m.sets[cell_set];
  TimeUnit unit = spec_.keys[time_key].unit;
  std::vector<std::string> buckets;
  if (m.bucket_min[time_key] <= m.bucket_max[time_key]) {
    for (int64_t b = m.bucket_min[time_key]; b <= m.bucket_max[time_key]; b = NextBucket(b, unit)) {
      buckets.push_back(BucketLabel(b, unit));
    }
  }
  Table t;
  for (size_t k : groups.keys) {
    t.columns.push_back(spec_.keys[k].name);
    t.numeric.push_back(false);
  }
  t.columns.push_back(value ? spec_.aggs[*value].Name() : "count");
  t.numeric.push_back(true);
  t.columns.push_back(buckets.empty() ? std::string("trend")
                                      : fmt::format("{} {}..{}", spec_.keys[time_key].name,
                                                    buckets.front(), buckets.back()));
  t.numeric.push_back(false);
  SortOptions o = opts;
  if (o.by == SortBy::kColumn) o.by = SortBy::kCount;
  auto order = SortGroups(groups.groups, groups.keys.size(), o,
                          [&](size_t i) { return m.Value(groups.groups[i], value, spec_); });
  std::string key;
  for (size_t i : order) {
    const Group& g = groups.groups[i];
    std::vector<std::string> parts = SplitKey(g.key, groups.keys.size());
    std::vector<double> series;
    for (const std::string& b : buckets) {
      key.clear();
      size_t p = 0;
      for (size_t c = 0; c < cells.keys.size(); ++c) {
        if (c) key.push_back(kSep);
        key += cells.keys[c] == time_key ? b : parts[p++];
      }
      const Group* cg = m.Find(cell_set, key);
      series.push_back(cg ? m.Value(*cg, value, spec_) : 0);
    }
    std::vector<std::string> row = parts;
    row.push_back(m.Text(g, value, spec_));
    row.push_back(Sparkline(series));
    t.rows.push_back(std::move(row));
  }
  (void)cells;
  return t;
}

// ---- Numbers and text -------------------------------------------------------------

// "1 500,50" -> "1500,50": the separators removed when every group after
// the first has three digits; "" when the spaces are not thousands.
static std::string SwedishThousands(std::string_view s) {
  std::string out;
  int group = -1;  // digits since the last separator (-1: none seen yet)
  size_t i = 0;
  while (i < s.size()) {
    size_t sep = s[i] == ' '                            ? 1
                 : s.compare(i, 2, "\xc2\xa0") == 0     ? 2
                 : s.compare(i, 3, "\xe2\x80\xaf") == 0 ? 3
                                                        : 0;
    if (sep) {
      if (out.empty() || !std::isdigit(static_cast<unsigned char>(out.back()))) return "";
      if (group != -1 && group != 3) return "";
      if (group == -1 && (out.size() - (out[0] == '-' || out[0] == '+')) > 3) return "";
      group = 0;
      i += sep;
      continue;
    }
    char c = s[i++];
    if (c == ',' || c == '.') {
      if (group != -1 && group != 3) return "";
      group = -2;  // decimals: no more separators
      out += c;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) && group >= 0) ++group;
    out += c;
  }
  if (group >= 0 && group != 3) return "";
  return out;
}

std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string tmp;
  if (s.find(' ') != std::string_view::npos || s.find("\xc2\xa0") != std::string_view::npos ||
      s.find("\xe2\x80\xaf") != std::string_view::npos) {
    // Swedish thousands: "1 500", with a space, no-break space or narrow
    // no-break space between groups of three digits.
    tmp = SwedishThousands(s);
    if (tmp.empty()) return std::nullopt;
    s = tmp;
  }
  if (s.find(',') != std::string_view::npos) {
    // The Swedish decimal comma: "12,5". Only one, and no point as well.
    if (std::count(s.begin(), s.end(), ',') != 1 || s.find('.') != std::string_view::npos) {
      return std::nullopt;
    }
    tmp = std::string(s);  // may alias tmp: the copy is made first
    tmp[tmp.find(',')] = '.';
    s = tmp;
  }
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  if (b == e) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(b, e, v, std::chars_format::fixed);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string FormatNumber(double v, int decimals) {
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t before = i;
    char32_t cp = 0;
    if (c < 0x80) {
      cp = c;
      ++i;
    } else {
      int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      cp = n == 1 ? 0xFFFD : (c & (0x7F >> n));
      for (int k = 1; k < n && i + k < s.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      }
      i += n;
    }
    (void)before;
    // Combining diacritical marks take no cell.
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x20D0 && cp <= 0x20FF) || cp == 0x200B) {
      continue;
    }
    ++w;
  }
  return w;
}

std::string Bar(double v, double max, int width) {
  static const char* kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  if (max <= 0 || v <= 0 || width <= 0) return "";
  long eighths = std::lround(v / max * width * 8);
  if (eighths == 0) eighths = 1;  // something, so that non-zero shows
  std::string s;
  for (long i = 0; i < eighths / 8; ++i) s += "█";
  s += kEighths[eighths % 8];
  return s;
}

std::string Sparkline(const std::vector<double>& values) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  double max = 0;
  for (double v : values) max = std::max(max, v);
  std::string s;
  for (double v : values) {
    int level = max > 0 && v > 0 ? 1 + static_cast<int>(std::floor(v / max * 6.999)) : 0;
    s += kBlocks[std::min(level, 7)];
  }
  return s;
}

void AddBarColumn(Table* t, size_t value_col, int width) {
  double max = 0;
  for (size_t r = 0; r < t->rows.size(); ++r) {
    if (t->totals && r + 1 == t->rows.size()) continue;
    if (auto v = ParseNumber(t->rows[r][value_col])) max = std::max(max, *v);
  }
  t->columns.push_back("bar");
  t->numeric.push_back(false);
  for (size_t r = 0; r < t->rows.size(); ++r) {
    bool total = t->totals && r + 1 == t->rows.size();
    auto v = ParseNumber(t->rows[r][value_col]);
    t->rows[r].push_back(total || !v ? "" : Bar(*v, max, width));
  }
}

// ---- Formats --------------------------------------------------------------------------

Result<Format> ParseFormat(std::string_view s) {
  if (s == "text") return Format::kText;
  if (s == "csv") return Format::kCsv;
  if (s == "md" || s == "markdown") return Format::kMarkdown;
  if (s == "json") return Format::kJson;
  if (s == "excel") return Format::kExcel;
  return Status::Usage(fmt::format("unknown format '{}' (text, csv, md, json or excel)", s));
}

std::string FormatTable(const Table& t, Format f) {
  std::string out;
  const size_t nc = t.columns.size();
  switch (f) {
    case Format::kCsv:
    case Format::kExcel: {
      const char sep = f == Format::kExcel ? ';' : ',';
      const char* eol = f == Format::kExcel ? "\r\n" : "\n";
      if (f == Format::kExcel) out += "\xEF\xBB\xBF";
      auto row = [&](const std::vector<std::string>& cells, bool header) {
        for (size_t c = 0; c < nc; ++c) {
          if (c) out.push_back(sep);
          if (f == Format::kExcel && !header && t.numeric[c]) {
            std::string v = cells[c];
            std::replace(v.begin(), v.end(), '.', ',');
            CsvWriter::AppendField(&out, v, sep);
          } else {
            CsvWriter::AppendField(&out, cells[c], sep);
          }
        }
        out += eol;
      };
      row(t.columns, true);
      for (const auto& r : t.rows) row(r, false);
      return out;
    }
    case Format::kJson: {
      out += "[";
      for (size_t r = 0; r < t.rows.size(); ++r) {
        out += r ? ",\n  {" : "\n  {";
        for (size_t c = 0; c < nc; ++c) {
          if (c) out += ", ";
          AppendJsonString(&out, t.columns[c]);
          out += ": ";
          const std::string& v = t.rows[r][c];
          if (t.numeric[c] && ParseNumber(v) && v.find(',') == std::string::npos) {
            out += v;
          } else if (t.numeric[c] && v.empty()) {
            out += "null";
          } else {
            AppendJsonString(&out, v);
          }
        }
        out += "}";
      }
      out += t.rows.empty() ? "]\n" : "\n]\n";
      return out;
    }
    case Format::kMarkdown: {
      auto cell = [](const std::string& s) {
        std::string e;
        for (char c : s) {
          if (c == '|')
            e += "\\|";
          else if (c == '\n' || c == '\r')
            e += ' ';
          else
            e.push_back(c);
        }
        return e;
      };
      out += "|";
      for (size_t c = 0; c < nc; ++c) out += " " + cell(t.columns[c]) + " |";
      out += "\n|";
      for (size_t c = 0; c < nc; ++c) out += t.numeric[c] ? " ---: |" : " --- |";
      out += "\n";
      for (size_t r = 0; r < t.rows.size(); ++r) {
        bool total = t.totals && r + 1 == t.rows.size();
        out += "|";
        for (size_t c = 0; c < nc; ++c) {
          std::string v = cell(t.rows[r][c]);
          if (total && !v.empty()) v = "**" + v + "**";
          out += " " + v + " |";
        }
        out += "\n";
      }
      return out;
    }
    case Format::kText: {
      std::vector<size_t> width(nc, 0);
      auto shown = [](const std::string& s) {
        std::string v;
        for (char c : s) v.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
        return v;
      };
      for (size_t c = 0; c < nc; ++c) width[c] = DisplayWidth(t.columns[c]);
      for (const auto& r : t.rows) {
        for (size_t c = 0; c < nc; ++c) width[c] = std::max(width[c], DisplayWidth(shown(r[c])));
      }
      auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (size_t c = 0; c < nc; ++c) {
          std::string v = shown(cells[c]);
          size_t pad = width[c] - DisplayWidth(v);
          if (c) l += "  ";
          if (t.numeric[c]) {
            l.append(pad, ' ');
            l += v;
          } else {
            l += v;
            if (c + 1 < nc) l.append(pad, ' ');
          }
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
      };
      auto rule = [&] {
        std::string l;
        for (size_t c = 0; c < nc; ++c) {
          if (c) l += "  ";
          l.append(width[c], '-');
        }
        out += l + "\n";
      };
      line(t.columns);
      rule();
      for (size_t r = 0; r < t.rows.size(); ++r) {
        if (t.totals && r + 1 == t.rows.size()) rule();
        line(t.rows[r]);
      }
      return out;
    }
  }
  return out;
}

}  // namespace karta
