// karta audit: reads the audit log: who ran what, when, on which data.
//
// Writes CSV, one row per logged run: time, user, host, tool, exit,
// records_in, args (masked as they were logged), inputs (path=sha256, `;`
// between), outputs. The log itself is JSON lines (lib/audit.h).
#include "lib/audit.h"

#include <fmt/format.h>

#include <fstream>

#include "lib/csv.h"
#include "lib/io.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
The audit log is on when KARTA_AUDIT_LOG names a file, or when the config
file (KARTA_CONFIG, else ~/.config/karta/config.toml) says
  audit_log = "/srv/karta/audit.jsonl"
Every karta run then appends one JSON line: time (UTC), OS user, host, tool,
arguments (keys, passwords and key files written as ***), input files with
their SHA-256, output files, records read, exit status. The file is created
mode 0600; appends are atomic, so parallel runs are safe. Retention: karta
purge --older-than PERIOD also removes older lines from the log.

Filters (all must hold): --user, --tool, --since/--until (RFC 3339 or a
date), --file (a path or SHA-256 among the inputs or outputs), --failed.

Examples:
  karta audit                                  every run, oldest first
  karta audit --tool extract --since 2026-11-01
  karta audit --file ads.csv                   who read or wrote ads.csv
  karta audit --failed --user anna
  karta audit --log /srv/karta/audit.jsonl --json   the lines as logged
)";

class Audit : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--log", log_, "The audit log (default: KARTA_AUDIT_LOG or the config file)")
        ->type_name("FILE");
    app->add_option("--user", user_, "Only runs by this OS user")->type_name("NAME");
    app->add_option("--tool", tool_, "Only runs of this tool")->type_name("TOOL");
    app->add_option("--since", since_, "Only runs at or after this time")->type_name("TIME");
    app->add_option("--until", until_, "Only runs before this time")->type_name("TIME");
    app->add_option("--file", file_, "Only runs that read or wrote this path or SHA-256")
        ->type_name("PATH");
    app->add_flag("--failed", failed_, "Only runs that exited non-zero");
    app->add_flag("--json", json_, "Write the matching lines as logged (JSON lines)");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("audit reads the log; it is not a pipeline stage");
  }

  Status RunCommand(const ToolEnv& env) override {
    std::string path = log_;
    if (path.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto p, AuditLogPath());
      path = p;
    }
    if (path.empty()) {
      return Status::Usage(
          "no audit log configured: set KARTA_AUDIT_LOG or audit_log in the config file, or give "
          "--log FILE");
    }
    std::ifstream in(path);
    if (!in) return Status::Io(fmt::format("{}: cannot read the audit log", path));
    KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env.common.output));
    CsvWriter w(out.get());
    if (!json_) {
      KARTA_RETURN_IF_ERROR(w.WriteRow(
          {"time", "user", "host", "tool", "exit", "records_in", "args", "inputs", "outputs"}));
    }
    std::string line;
    int64_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      auto time = AuditField(line, "time");
      if (!time) {
        return Status::Data(
            fmt::format("{}:{}: not an audit line (no \"time\"); the log may be "
                        "damaged",
                        path, n));
      }
      std::string user = AuditField(line, "user").value_or("");
      std::string tool = AuditField(line, "tool").value_or("");
      std::string exit = AuditField(line, "exit").value_or("");
      std::string inputs = AuditField(line, "inputs").value_or("");
      std::string outputs = AuditField(line, "outputs").value_or("");
      if (!user_.empty() && user != user_) continue;
      if (!tool_.empty() && tool != tool_) continue;
      if (!since_.empty() && *time < since_) continue;
      if (!until_.empty() && *time >= until_) continue;
      if (failed_ && exit == "0") continue;
      if (!file_.empty() && inputs.find("\"" + file_ + "\"") == std::string::npos &&
          outputs.find("\"" + file_ + "\"") == std::string::npos) {
        continue;
      }
      if (json_) {
        KARTA_RETURN_IF_ERROR(out->Write(line + "\n"));
        continue;
      }
      KARTA_RETURN_IF_ERROR(w.WriteRow({*time, user, AuditField(line, "host").value_or(""), tool,
                                        exit, AuditField(line, "records_in").value_or(""),
                                        Flatten(AuditField(line, "args").value_or("")),
                                        FlattenInputs(inputs), Flatten(outputs)}));
    }
    KARTA_RETURN_IF_ERROR(w.End());
    return out->Commit();
  }

 private:
  // ["a","b c"] -> "a b c" (the strings, space-separated).
  static std::string Flatten(std::string_view arr) {
    std::string out;
    for (size_t i = 0; i < arr.size(); ++i) {
      if (arr[i] != '"') continue;
      std::string s;
      size_t j = i + 1;
      for (; j < arr.size() && arr[j] != '"'; ++j) {
        if (arr[j] == '\\' && j + 1 < arr.size()) ++j;
        s.push_back(arr[j]);
      }
      if (!out.empty()) out.push_back(' ');
      out += s;
      i = j;
    }
    return out;
  }
  // [{"path":"a","sha256":"h"}] -> "a=h" joined by ';'.
  static std::string FlattenInputs(std::string_view arr) {
    std::string out;
    size_t pos = 0;
    while ((pos = arr.find('{', pos)) != std::string_view::npos) {
      size_t end = arr.find('}', pos);
      if (end == std::string_view::npos) break;
      std::string obj(arr.substr(pos, end - pos + 1));
      if (!out.empty()) out.push_back(';');
      out += AuditField(obj, "path").value_or("") + "=" + AuditField(obj, "sha256").value_or("");
      pos = end + 1;
    }
    return out;
  }

  std::string log_, user_, tool_, since_, until_, file_;
  bool failed_ = false, json_ = false;
};

}  // namespace

ToolInfo AuditTool() {
  return {"audit", "Read the audit log: who ran what, when, on which data", kHelp,
          kOutput, [] { return std::unique_ptr<Tool>(new Audit()); },       ToolRole::kCommand};
}

}  // namespace karta
