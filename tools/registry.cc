#include "tools/tools.h"

namespace karta {

// Every tool, one line each, in `karta --help` order: X(Name) stands for
// NameTool(), defined in tools/<name>.cc. Adding a tool is its file and one
// line here.
#define KARTA_TOOLS(X) \
  X(Fetch)             \
  X(Filter)            \
  X(Extract)           \
  X(Geotag)            \
  X(Dedupe)            \
  X(Tabulate)          \
  X(Report)            \
  X(Run)               \
  X(History)           \
  X(Outreach)          \
  X(Select)            \
  X(Sort)              \
  X(Export)            \
  X(Audit)             \
  X(Purge)

#define KARTA_DECLARE_TOOL(Name) ToolInfo Name##Tool();
KARTA_TOOLS(KARTA_DECLARE_TOOL)
#undef KARTA_DECLARE_TOOL

const std::vector<ToolInfo>& AllTools() {
#define KARTA_LIST_TOOL(Name) Name##Tool(),
  static const std::vector<ToolInfo> tools = {KARTA_TOOLS(KARTA_LIST_TOOL)};
#undef KARTA_LIST_TOOL
  return tools;
}

const ToolInfo* FindTool(std::string_view name) {
  for (const auto& t : AllTools()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace karta
