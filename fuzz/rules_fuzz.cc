// libFuzzer target: rule files, --where expressions and matching. The input
// is "RULES\0WHERE\0TEXT" (missing parts are empty).
#include <cstdint>
#include <string_view>
#include <vector>

#include "lib/rules.h"
#include "lib/where.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto part = [&in]() {
    size_t z = in.find('\0');
    std::string_view p = in.substr(0, z);
    in = z == std::string_view::npos ? std::string_view() : in.substr(z + 1);
    return p;
  };
  std::string_view rules_text = part();
  std::string_view where_text = part();
  std::string_view text = in;
  // Inline only: includes would read files of the machine.
  if (rules_text.find("include") != std::string_view::npos) return 0;
  auto rules = karta::RuleSet::Parse(rules_text, "fuzz.rules");
  if (!rules.ok()) return 0;
  std::vector<std::string> names;
  for (const karta::Rule& r : rules->rules()) names.push_back(r.name);
  auto where = karta::WhereExpr::Parse(where_text, names);
  std::vector<size_t> only;
  if (where.ok()) only = where->Rules();
  auto m = karta::Matcher::Compile(*rules, where.ok() ? &only : nullptr);
  if (!m.ok()) return 0;
  std::vector<char> hit(rules->size(), 0);
  (*m)->Match(text, &hit);
  if (where.ok()) where->Eval(hit);
  return 0;
}
