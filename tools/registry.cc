#include "tools/tools.h"

namespace karta {

ToolInfo ExportTool();  // tools/export.cc
ToolInfo AuditTool();   // tools/audit.cc
ToolInfo PurgeTool();   // tools/purge.cc

const std::vector<ToolInfo>& AllTools() {
  static const std::vector<ToolInfo> tools = {
      FetchTool(),    FilterTool(), ExtractTool(), GeotagTool(), DedupeTool(),
      TabulateTool(), ReportTool(), RunTool(),     HistoryTool(), OutreachTool(), SelectTool(),
      SortTool(),     ExportTool(), AuditTool(),  PurgeTool(),
  };
  return tools;
}

const ToolInfo* FindTool(std::string_view name) {
  for (const auto& t : AllTools()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace karta
