#include "lib/suppress.h"

#include <optional>

#include "lib/table.h"

namespace karta {
namespace {

using Mask = std::vector<std::vector<bool>>;

struct Cell {
  size_t r, c;
};

// One published equation: sum == terms[0] + terms[1] + ...
struct Equation {
  std::vector<Cell> terms;
  std::optional<Cell> sum;
};

std::vector<Equation> Equations(const CountGrid& g) {
  std::vector<Equation> eqs;
  size_t rows = g.cells.size();
  if (rows == 0) return eqs;
  size_t cols = g.cells[0].size();
  if (g.total_row && rows >= 2) {
    for (size_t c = 0; c < cols; ++c) {
      if (c < g.additive.size() && !g.additive[c]) continue;
      Equation e;
      for (size_t r = 0; r + 1 < rows; ++r) e.terms.push_back({r, c});
      e.sum = Cell{rows - 1, c};
      eqs.push_back(std::move(e));
    }
  }
  if (g.total_column && cols >= 2) {
    for (size_t r = 0; r < rows; ++r) {
      Equation e;
      for (size_t c = 0; c + 1 < cols; ++c) e.terms.push_back({r, c});
      e.sum = Cell{r, cols - 1};
      eqs.push_back(std::move(e));
    }
  }
  return eqs;
}

}  // namespace

Mask SuppressionMask(const CountGrid& g, int min_count) {
  Mask mask(g.cells.size());
  for (size_t r = 0; r < g.cells.size(); ++r) mask[r].assign(g.cells[r].size(), false);
  if (min_count <= 1) return mask;
  auto value = [&](Cell x) { return g.cells[x.r][x.c]; };
  auto hidden = [&](Cell x) { return static_cast<bool>(mask[x.r][x.c]); };
  // 1. Primary.
  for (size_t r = 0; r < g.cells.size(); ++r) {
    for (size_t c = 0; c < g.cells[r].size(); ++c) {
      int64_t v = g.cells[r][c];
      if (v > 0 && v < min_count) mask[r][c] = true;
    }
  }
  const Mask primary = mask;
  auto population = [&](size_t c) {
    return g.population.empty() || (c < g.population.size() && g.population[c]);
  };
  std::vector<Equation> eqs = Equations(g);
  for (bool changed = true; changed;) {
    changed = false;
    // 2. Same row: a small population hides the row's attributes.
    for (size_t r = 0; r < g.cells.size(); ++r) {
      bool any = false;
      for (size_t c = 0; c < g.cells[r].size(); ++c) any = any || (primary[r][c] && population(c));
      if (!any) continue;
      size_t first = g.first_column_is_size ? 1 : 0;
      for (size_t c = first; c < g.cells[r].size(); ++c) {
        if (!mask[r][c]) {
          mask[r][c] = true;
          changed = true;
        }
      }
    }
    // 3. Complementary.
    for (const Equation& e : eqs) {
      size_t unknown = 0;
      for (Cell t : e.terms) unknown += hidden(t) && value(t) >= 0;
      if (e.sum && hidden(*e.sum)) ++unknown;
      if (unknown != 1) continue;
      std::optional<Cell> pick;
      for (Cell t : e.terms) {
        if (hidden(t) || value(t) < 0) continue;
        bool better = !pick || (value(t) > 0 && (value(*pick) == 0 || value(t) < value(*pick)));
        if (better) pick = t;
      }
      if (!pick && e.sum && !hidden(*e.sum)) pick = e.sum;
      if (pick) {
        mask[pick->r][pick->c] = true;
        changed = true;
      }
    }
  }
  return mask;
}

size_t SuppressTable(Table* t, int min_count, bool crosstab) {
  if (min_count <= 1 || t->rows.empty()) return 0;
  std::vector<size_t> cols;  // the numeric columns, in order
  for (size_t c = 0; c < t->columns.size(); ++c) {
    if (c < t->numeric.size() && t->numeric[c]) cols.push_back(c);
  }
  if (cols.empty()) return 0;
  CountGrid g;
  g.total_row = t->totals;
  g.total_column = crosstab;
  g.first_column_is_size = !crosstab;
  std::vector<bool> is_count(cols.size());
  for (size_t k = 0; k < cols.size(); ++k) {
    const std::string& name = t->columns[cols[k]];
    bool distinct = name.size() > 9 && name.ends_with("_distinct");
    // A sum of a 0/1 flag (young_sum) is a count too; a sum that is not a
    // whole number is no count and is left to rule 2.
    bool additive = crosstab || name == "count" || name == "total" || name == "ads" ||
                    name == "young" || name == "under18" || name.ends_with("_sum");
    is_count[k] = additive || distinct;
    g.additive.push_back(additive);
    g.population.push_back(crosstab || name == "count" || name == "total" || name == "ads" ||
                           distinct);
  }
  for (const auto& row : t->rows) {
    std::vector<int64_t> cells;
    for (size_t k = 0; k < cols.size(); ++k) {
      int64_t v = -1;
      if (is_count[k] && cols[k] < row.size()) {
        auto n = ParseNumber(row[cols[k]]);
        if (n && *n >= 0 && *n == static_cast<double>(static_cast<int64_t>(*n))) {
          v = static_cast<int64_t>(*n);
        }
      }
      cells.push_back(v);
    }
    g.cells.push_back(std::move(cells));
  }
  Mask mask = SuppressionMask(g, min_count);
  size_t hidden = 0;
  for (size_t r = 0; r < t->rows.size(); ++r) {
    for (size_t k = 0; k < cols.size(); ++k) {
      if (mask[r][k] && cols[k] < t->rows[r].size()) {
        t->rows[r][cols[k]] = kHidden;
        ++hidden;
      }
    }
  }
  return hidden;
}

size_t CountHidden(const Mask& mask) {
  size_t n = 0;
  for (const auto& row : mask) {
    for (bool b : row) n += b;
  }
  return n;
}

}  // namespace karta
