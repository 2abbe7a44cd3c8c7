// karta geotag: not built yet (placeholder so that the tool table is complete).
#include "tools/tools.h"

namespace karta {
namespace {

class GeotagPlaceholder : public Tool {
 public:
  void AddOptions(CLI::App* app) override { app->allow_extras(); }
  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("this tool is not built yet");
  }
};

}  // namespace

ToolInfo GeotagTool() {
  return {"geotag", "(not built yet)", "", kNoCommon,
          [] { return std::unique_ptr<Tool>(new GeotagPlaceholder()); }};
}

}  // namespace karta
