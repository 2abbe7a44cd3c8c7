// karta report: not built yet (placeholder so that the tool table is complete).
#include "tools/tools.h"

namespace karta {
namespace {

class ReportPlaceholder : public Tool {
 public:
  void AddOptions(CLI::App* app) override { app->allow_extras(); }
  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("this tool is not built yet");
  }
};

}  // namespace

ToolInfo ReportTool() {
  return {"report", "(not built yet)", "", kNoCommon,
          [] { return std::unique_ptr<Tool>(new ReportPlaceholder()); }};
}

}  // namespace karta
