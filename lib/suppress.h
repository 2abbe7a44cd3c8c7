// Suppress: small-count suppression for every table karta lets out
// (tabulate --min-count, the report, export), with complementary
// suppression so that a hidden count cannot be worked out again.
//
// A table is a grid of counts with optional margins. Three rules, applied
// until nothing changes:
//
//   1. Primary: a count n with 0 < n < min_count is hidden.
//   2. Same row (attribute disclosure): when a row's population count (how
//      many ads or people: ads, advertisers, count) is small, every other
//      cell of that row except its first column (the row's size: ads,
//      records) is hidden too, zeros included. A row "ads 6 |
//      advertisers <3 | young 6" would otherwise say that the one or two
//      people there are young; "young 0" that none of them is.
//   3. Complementary (margins): for each published sum (an additive
//      column's total row, the total column of a row), if exactly one of the
//      sum's terms, or the sum itself, is hidden, it could be computed from
//      the others: the smallest visible term is hidden as well (a nonzero
//      one if there is one).
//
// Hidden cells are shown as kHidden (".."), the same for primary and
// complementary cells so a reader cannot tell which is small.
//
// Thread-safety: pure functions.
#ifndef KARTA_LIB_SUPPRESS_H_
#define KARTA_LIB_SUPPRESS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace karta {

inline constexpr const char* kHidden = "..";

struct CountGrid {
  // rows x columns of counts; -1 for a cell that is not a count (a mean, a
  // date): never hidden, never a term.
  std::vector<std::vector<int64_t>> cells;
  // Per column: true if the column is a sum over rows (counts, sums; not
  // distinct counts), so the total row, if any, is the sum of the rows.
  std::vector<bool> additive;
  // The last row is the column totals (of additive columns).
  bool total_row = false;
  // The last column of every row is the sum of its other columns (a
  // crosstab's row total).
  bool total_column = false;
  // Column 0 is the row's size (rule 2 keeps it visible when it is not
  // itself small). False for a crosstab, whose columns are all alike.
  bool first_column_is_size = true;
  // Per column: a population count (ads, advertisers) rather than an
  // attribute of the population (young, under18, a mean). Empty: all are.
  std::vector<bool> population;
};

// Which cells to hide (same shape as grid.cells). min_count <= 1 hides
// nothing.
std::vector<std::vector<bool>> SuppressionMask(const CountGrid& grid, int min_count);

// Number of hidden cells in a mask.
size_t CountHidden(const std::vector<std::vector<bool>>& mask);

struct Table;

// Suppresses a table made by lib/table (tabulate, export): its numeric
// columns are the grid (key columns are left alone); "count", "ads",
// "young", "under18", "*_sum", crosstab cells and "total" are additive counts, "*_distinct" counts
// that are not additive, other numbers (sums, means, minima) attributes that rule 2 hides in a
// small row. `crosstab`: the table is one (its columns are alike, the last is the row total).
// Hidden cells become kHidden. Returns how many.
size_t SuppressTable(Table* t, int min_count, bool crosstab);

}  // namespace karta

#endif  // KARTA_LIB_SUPPRESS_H_
