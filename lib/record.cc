#include "lib/record.h"

#include <fmt/format.h>

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

}  // namespace karta
