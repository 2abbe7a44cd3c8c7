#include "lib/envvars.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace karta {
namespace {

bool IsNameChar(char c, bool first) {
  return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

}  // namespace

Result<std::string> ExpandEnvVars(std::string_view text, std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t d = text.find("${", i);
    if (d == std::string_view::npos) break;
    size_t j = d + 2;
    while (j < text.size() && IsNameChar(text[j], j == d + 2)) ++j;
    std::string_view name = text.substr(d + 2, j - d - 2);
    bool has_default = text.substr(j, 2) == ":-";
    size_t close = text.find('}', j);
    size_t nl = text.find('\n', j);
    if (name.empty() || close == std::string_view::npos ||
        (nl != std::string_view::npos && nl < close) || (!has_default && close != j)) {
      out.append(text.substr(i, j - i));  // not a variable: keep as written
      i = j;
      continue;
    }
    out.append(text.substr(i, d - i));
    const char* v = std::getenv(std::string(name).c_str());
    if (v && *v) {
      out += v;
    } else if (has_default) {
      out.append(text.substr(j + 2, close - j - 2));
    } else {
      auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(d), '\n');
      return Status::Usage(
          fmt::format("{}:{}: the environment variable {} is not set (export {}=VALUE, or write "
                      "${{{}:-DEFAULT}})",
                      path, line, name, name, name));
    }
    i = close + 1;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

}  // namespace karta
