// libFuzzer target: routine (.karta) files.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "lib/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> vars = {{"here", "/tmp"}, {"since", "7d"}};
  auto r = karta::ParseRoutine(text, "fuzz.karta", vars);
  karta::RoutineDescription(text);
  karta::ParseAssignment(text);
  return 0;
}
