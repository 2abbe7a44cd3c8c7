#include "lib/suppress.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <random>

namespace karta {
namespace {

using Mask = std::vector<std::vector<bool>>;

// The derivation attack, by brute force: for every hidden cell, try every
// assignment of values 0..limit to the hidden cells that agrees with every
// published sum; a hidden cell is disclosed if it takes one value only (or,
// for a primary cell, if every consistent assignment has it in 1..k-1 and
// the reader can also pin it to one value). Returns the disclosed cells.
std::vector<std::pair<size_t, size_t>> Disclosed(const CountGrid& g, const Mask& m, int limit) {
  std::vector<std::pair<size_t, size_t>> hid;
  for (size_t r = 0; r < m.size(); ++r)
    for (size_t c = 0; c < m[r].size(); ++c)
      if (m[r][c]) hid.push_back({r, c});
  std::vector<std::vector<int64_t>> v = g.cells;
  std::vector<std::vector<int64_t>> seen(hid.size());
  size_t rows = v.size(), cols = rows ? v[0].size() : 0;
  auto consistent = [&] {
    if (g.total_row) {
      for (size_t c = 0; c < cols; ++c) {
        if (c < g.additive.size() && !g.additive[c]) continue;
        int64_t s = 0;
        for (size_t r = 0; r + 1 < rows; ++r) s += v[r][c];
        if (s != v[rows - 1][c]) return false;
      }
    }
    if (g.total_column) {
      for (size_t r = 0; r < rows; ++r) {
        int64_t s = 0;
        for (size_t c = 0; c + 1 < cols; ++c) s += v[r][c];
        if (s != v[r][cols - 1]) return false;
      }
    }
    return true;
  };
  std::function<void(size_t)> rec = [&](size_t i) {
    if (i == hid.size()) {
      if (!consistent()) return;
      for (size_t k = 0; k < hid.size(); ++k) {
        int64_t x = v[hid[k].first][hid[k].second];
        auto& s = seen[k];
        if (std::find(s.begin(), s.end(), x) == s.end()) s.push_back(x);
      }
      return;
    }
    for (int x = 0; x <= limit; ++x) {
      v[hid[i].first][hid[i].second] = x;
      rec(i + 1);
    }
  };
  rec(0);
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t k = 0; k < hid.size(); ++k) {
    if (seen[k].size() <= 1) out.push_back(hid[k]);
  }
  return out;
}

TEST_CASE("suppress: small counts hidden, zeros and big counts kept") {
  CountGrid g;
  g.cells = {{10, 5}, {2, 1}, {0, 0}, {7, 3}};
  g.additive = {true, false};
  Mask m = SuppressionMask(g, 3);
  CHECK(!m[0][0]);
  CHECK(!m[0][1]);
  CHECK(m[1][0]);
  CHECK(m[1][1]);
  CHECK(!m[2][0]);
  CHECK(!m[3][0]);
  CHECK(CountHidden(SuppressionMask(g, 1)) == 0);
}

TEST_CASE("suppress: the row attack (advertisers <3 | young 6)") {
  // ads, advertisers, young: the young count would say the people are young.
  CountGrid g;
  g.cells = {{6, 2, 6}, {40, 12, 3}};
  g.additive = {true, false, true};
  Mask m = SuppressionMask(g, 3);
  CHECK(!m[0][0]);  // ads 6 stays: the row's size
  CHECK(m[0][1]);   // advertisers 2: primary
  CHECK(m[0][2]);   // young 6: would disclose the attribute
  CHECK(!m[1][2]);
  // A zero in a small row says "none of them": hidden too.
  g.cells = {{6, 2, 0}, {40, 12, 3}};
  CHECK(SuppressionMask(g, 3)[0][2]);
  // A small attribute in a big row hides that attribute only.
  g.population = {true, true, false};
  g.cells = {{28, 21, 2}, {40, 12, 3}};
  Mask a = SuppressionMask(g, 3);
  CHECK(a[0][2]);
  CHECK(!a[0][1]);
  CHECK(!a[0][0]);
}

TEST_CASE("suppress: the totals attack (one hidden cell in a column with a total)") {
  CountGrid g;
  g.cells = {{10}, {2}, {7}, {19}};
  g.additive = {true};
  g.total_row = true;
  Mask m = SuppressionMask(g, 3);
  CHECK(m[1][0]);
  CHECK(CountHidden(m) == 2);
  CHECK(m[2][0]);  // the smallest other term
  CHECK(Disclosed(g, m, 20).empty());
  // Without the complementary cell, 2 = 19 - 10 - 7 would be disclosed.
  Mask weak = m;
  weak[2][0] = false;
  CHECK(Disclosed(g, weak, 20).size() == 1);
}

TEST_CASE("suppress: crosstab with row and column totals, random tables attacked") {
  std::mt19937 rng(7);
  for (int round = 0; round < 150; ++round) {
    size_t rows = 2 + rng() % 2, cols = 2 + rng() % 2;
    CountGrid g;
    g.total_row = true;
    g.total_column = true;
    g.first_column_is_size = false;
    g.cells.assign(rows + 1, std::vector<int64_t>(cols + 1, 0));
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) g.cells[r][c] = rng() % 4 == 0 ? rng() % 3 : rng() % 7;
    for (size_t r = 0; r <= rows; ++r) {
      for (size_t c = 0; c <= cols; ++c) {
        if (r < rows && c < cols) continue;
        int64_t s = 0;
        if (r < rows)
          for (size_t k = 0; k < cols; ++k) s += g.cells[r][k];
        else
          for (size_t k = 0; k < rows; ++k) s += g.cells[k][c];
        g.cells[r][c] = s;
      }
    }
    g.additive.assign(cols + 1, true);
    Mask m = SuppressionMask(g, 3);
    // Every primary cell is hidden and no hidden cell is pinned to one value.
    for (size_t r = 0; r <= rows; ++r)
      for (size_t c = 0; c <= cols; ++c)
        if (g.cells[r][c] > 0 && g.cells[r][c] < 3) CHECK(m[r][c]);
    if (CountHidden(m) <= 4) {
      int64_t top = 0;
      for (size_t r = 0; r <= rows; ++r)
        for (size_t c = 0; c <= cols; ++c)
          if (m[r][c]) top = std::max(top, g.cells[r][c]);
      CAPTURE(round);
      CHECK(Disclosed(g, m, static_cast<int>(top) + 3).empty());
    }
  }
}

}  // namespace
}  // namespace karta
