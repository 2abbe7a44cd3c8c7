#include "lib/cli_hints.h"

#include <cstring>
#include <vector>

#include "lib/hints.h"

namespace karta {
namespace {

// Repeatable options whose values are whole strings, never split at commas.
constexpr const char* kWholeValues[] = {"--header", "--resolve", "--set"};
// Type names of single-valued options that hold comma-separated lists.
constexpr const char* kListTypes[] = {"LIST", "COLS", "KEYS", "NAMES", "ROW,COL"};

std::vector<std::string> LongNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
  }
  return names;
}

// The tool named on the command line (the first argument naming one), and
// the index of the argument after it in *next; nullptr if none is named.
const CLI::App* NamedTool(const CLI::App& app, int argc, const char* const* argv, int* next) {
  for (int a = 1; a < argc; ++a) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == argv[a]) {
        *next = a + 1;
        return sub;
      }
    }
  }
  return nullptr;
}

}  // namespace

bool IsListOption(const CLI::Option& opt) {
  if (opt.get_lnames().empty()) return false;  // positionals and short-only flags
  for (const char* w : kWholeValues) {
    if (opt.check_lname(w + 2)) return false;
  }
  if (opt.get_items_expected_max() > 1) return true;
  if (opt.get_items_expected_max() != 1) return false;
  for (const char* t : kListTypes) {
    if (opt.get_type_name() == t) return true;
  }
  return false;
}

void PrepareToolApp(CLI::App* app, const std::string& version) {
  for (CLI::Option* o : app->get_options()) {
    if (!IsListOption(*o)) continue;
    o->delimiter(',');
    if (o->get_items_expected_max() == 1) o->multi_option_policy(CLI::MultiOptionPolicy::Join);
  }
  app->set_version_flag("--version", "karta " + version);
}

std::string ParseErrorHint(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> tools;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    tools.push_back(sub->get_name());
  }
  int next = 0;
  const CLI::App* tool = NamedTool(app, argc, argv, &next);
  if (!tool) {
    // The first word that is not a flag should have been a tool.
    for (int a = 1; a < argc; ++a) {
      if (argv[a][0] == '-') continue;
      std::string c = Closest(argv[a], tools);
      if (!c.empty()) return "no tool '" + std::string(argv[a]) + "'; did you mean '" + c + "'?";
      return "";
    }
    return "";
  }
  std::vector<std::string> flags = LongNames(*tool);
  for (int a = next; a < argc; ++a) {
    std::string arg = argv[a];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
    if (auto eq = arg.find('='); eq != std::string::npos) arg.resize(eq);
    bool known = false;
    for (const std::string& f : flags) known = known || f == arg;
    if (known) continue;
    std::string c = Closest(arg, flags);
    if (!c.empty()) return "no flag " + arg + "; did you mean " + c + "?";
  }
  return "";
}

std::string EmptyListError(const CLI::App& app, int argc, const char* const* argv) {
  int a = 0;
  const CLI::App* tool = NamedTool(app, argc, argv, &a);
  if (!tool) return "";
  for (; a < argc; ++a) {
    std::string arg = argv[a];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    std::string name = arg, value;
    bool inline_value = false;
    if (arg.compare(0, 2, "--") == 0) {
      if (auto eq = arg.find('='); eq != std::string::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        inline_value = true;
      }
    } else if (arg.size() > 2) {
      name = arg.substr(0, 2);
      value = arg.substr(2);
      inline_value = true;
    }
    const CLI::Option* opt = tool->get_option_no_throw(name);
    if (!opt || !IsListOption(*opt)) continue;
    if (!inline_value) {
      if (a + 1 >= argc) continue;
      value = argv[++a];
    }
    if (!value.empty() && value.find_first_not_of(',') == std::string::npos) {
      return name + " '" + value + "' is an empty list (give at least one value, e.g. " + name +
             " a,b)";
    }
  }
  return "";
}

}  // namespace karta
