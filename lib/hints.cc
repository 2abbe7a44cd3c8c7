#include "lib/hints.h"

#include <algorithm>

namespace karta {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string Closest(std::string_view name, const std::vector<std::string>& candidates) {
  size_t limit = name.size() <= 4 ? 1 : name.size() <= 8 ? 2 : 3;
  limit = std::min(limit, name.size() > 0 ? name.size() - 1 : 0);
  const std::string* best = nullptr;
  size_t best_d = limit + 1;
  for (const std::string& c : candidates) {
    if (c == name) continue;
    size_t d = EditDistance(name, c);
    if (d < best_d) {
      best_d = d;
      best = &c;
    }
  }
  return best ? *best : std::string();
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  std::string c = Closest(name, candidates);
  return c.empty() ? std::string() : " (did you mean '" + c + "'?)";
}

std::string DelimiterHint(const std::vector<std::string>& header, char delimiter) {
  if (header.size() != 1) return "";
  const std::string& h = header[0];
  if (delimiter != ';' && h.find(';') != std::string::npos) {
    return "the header looks semicolon-separated: give -d ';'";
  }
  if (delimiter != '\t' && h.find('\t') != std::string::npos) {
    return "the header looks tab-separated: give -d '\\t'";
  }
  return "";
}

}  // namespace karta
