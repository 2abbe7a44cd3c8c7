#include "lib/record.h"

#include <fmt/format.h>

#include "lib/hints.h"

namespace karta {

Header::Header(std::vector<std::string> names) : names_(std::move(names)) {
  // A repeated name keeps its columns; lookups find the first.
  for (size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], i);
}

std::optional<size_t> Header::Find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

size_t Header::AddOrGet(std::string name) {
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  size_t i = names_.size();
  index_.emplace(name, i);
  names_.push_back(std::move(name));
  return i;
}

std::string Record::Where() const {
  if (line > 0) return fmt::format("{}:{}", source.empty() ? "<input>" : source, line);
  return std::string(source.empty() ? "<input>" : source);
}

Result<size_t> RequireColumn(const Header& header, std::string_view name, std::string_view why) {
  auto i = header.Find(name);
  if (i) return *i;
  std::string cols;
  for (size_t k = 0; k < header.size(); ++k) {
    if (k) cols += ", ";
    cols += header[k];
  }
  const std::vector<std::string>& names = header.names();
  std::string hint = DelimiterHint(names, ',');
  if (hint.empty()) hint = DidYouMean(name, names);
  return Status::Usage(fmt::format("no column '{}' in the input{}{} (columns: {}){}", name,
                                   why.empty() ? "" : "; ", why,
                                   cols.empty() ? "none: empty input" : cols,
                                   hint.empty() || hint[0] == ' ' ? hint : "; " + hint));
}

std::vector<std::string> SplitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(sep, i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view item = s.substr(i, j - i);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    i = j + 1;
  }
  return out;
}

}  // namespace karta
