// The table of karta's tools. Each tools/<tool>.cc defines one function that
// returns its ToolInfo; tools/registry.cc lists them, one line each, in the
// order `karta --help` shows them. Adding a tool: write tools/<tool>.cc and
// add one line to KARTA_TOOLS there.
#ifndef KARTA_TOOLS_TOOLS_H_
#define KARTA_TOOLS_TOOLS_H_

#include <vector>

#include "lib/cli.h"

namespace karta {

// Every tool, in `karta --help` order.
const std::vector<ToolInfo>& AllTools();

// The tool called `name`, or nullptr.
const ToolInfo* FindTool(std::string_view name);

}  // namespace karta

#endif  // KARTA_TOOLS_TOOLS_H_
