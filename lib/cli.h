// The command-line harness shared by every tool.
//
// A tool is a Tool: it adds its options to a CLI11 app and, once they are
// parsed, builds a Stage (lib/record.h). The harness adds the shared options
// with the same wording everywhere (input files, -o, -d, --skip-bad, --text),
// reads the input, runs the stage, writes CSV, and is the one place that
// turns a Status into a message and an exit code:
//
//   0  success, also when nothing matched and when the reader closed the pipe
//   1  bad data or a runtime failure (and 130 when interrupted)
//   2  a usage error: bad flags, a bad rule or config file
//   3  finished, but incomplete: the input was empty (0 bytes; a warning says so)
//
// Messages go to stderr as "karta TOOL: FILE:LINE: what is wrong (hint)".
// Output given with -o is written to a temporary file (mode 0600) and renamed
// into place at the end; on Ctrl-C the records already written are kept.
//
// Thread-safety: the harness runs one tool on the main thread.
#ifndef KARTA_LIB_CLI_H_
#define KARTA_LIB_CLI_H_

#include <CLI/CLI.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/csv.h"
#include "lib/record.h"
#include "lib/status.h"

namespace karta {

// Which shared options a tool takes.
enum CommonFlags : unsigned {
  kNoCommon = 0,
  kInputFiles = 1,  // [FILE...]
  kInputFlags = 2,  // -d --skip-bad --text
  kOutput = 4,      // -o FILE
  kInput = kInputFiles | kInputFlags,
  kInputOutput = kInput | kOutput,
};

struct CommonOptions {
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string delimiter = ",";
  bool skip_bad = false;
  bool text = false;
  size_t max_field_mib = 16;  // --max-field: the CSV field-size limit (CsvOptions)
};

// What a running tool may use: its name, the shared options, the cancel flag
// (set on SIGINT/SIGTERM) and a way to warn on stderr.
struct ToolEnv {
  std::string tool;
  CommonOptions common;
  // True when the stage is built for `karta run`.
  bool in_routine = false;
  // True when the stage is the last of its chain (always on the command
  // line): its records go to common.output, which an OutputStage writes
  // itself. False: they go to the next stage of a routine.
  bool last = true;
  // How the input is named to people (report's source line) when it is not
  // env.common.inputs: a routine's sink reads a temporary file, but its
  // input is what karta run was given. Empty: the inputs (or stdin).
  std::string input_label;
  // False for a kSource tool that, with the flags given, reads no input
  // (Tool::ReadsInput()): the driver then runs its stage without a reader.
  bool reads_input = true;
  const std::atomic<bool>* cancel = nullptr;
  bool stderr_tty = false;
  // Set by `karta run` (unless --keep-going): a source that finished
  // incomplete (Status::Incomplete) ends the run there, before the later
  // stages finish (so history record records nothing).
  bool stop_on_incomplete = false;
  // Prints "karta TOOL: MESSAGE" on stderr.
  void Warn(std::string_view message) const;
  // Says on stderr how many bad records --skip-bad skipped, if any.
  void WarnSkipped(const CsvReader& reader) const;
  // The CSV options from the shared flags (delimiter already checked).
  CsvOptions Csv() const;
};

// A tool's role, declared in its ToolInfo; the drivers act on it and never
// on a tool's name.
enum class ToolRole {
  kFilter,   // records in, records out (select, filter, extract, geotag, ...)
  kSource,   // makes records; reads input only when ReadsInput() (fetch --site, history new)
  kSink,     // writes a table or report itself (tabulate, report): a routine's last stage,
             // except that a tabulate writing CSV may feed more stages
  kCommand,  // acts on stores or files, not on a stream of records (run, outreach, purge,
             // audit, export): command line only; MakeStage says why in a routine
};

// A stage that writes the chain's output (-o, env.common.output) itself
// instead of handing its records to the driver's CSV writer: a table sink
// (tabulate, report) or fetch writing its rows as they come. For it the
// driver opens no output and calls Interrupted() when Ctrl-C stopped the
// input; an interruption the stage saw itself it reports from End().
class OutputStage : public Stage {
 public:
  // The run was interrupted after `records` input records: keep what may
  // be kept and say what happened.
  virtual Status Interrupted(int64_t records) = 0;
};

// How a tool is built and run, the same way on the command line and in
// `karta run` (no driver knows a tool by name):
//   1. AddOptions, then the harness parses the arguments;
//   2. TakeInputs: the tool hands over input files among its own positionals;
//   3. a kCommand tool, or a tool in CommandMode(), runs RunCommand (command
//      line only; in a routine its MakeStage says why not);
//   4. otherwise MakeStage builds the stage and the driver (RunStage, or
//      karta run's chain) feeds it and writes its output.
class Tool {
 public:
  virtual ~Tool() = default;
  // For a kSource tool: whether, with the flags given, it also reads input
  // (fetch with a URL list does; fetch --site and history new do not).
  virtual bool ReadsInput() const { return true; }
  // For a kSink tool: Ok when, with the flags given, its table is CSV that
  // may feed more stages of a routine (tabulate's is, unless --format or
  // --excel); else a usage error saying why (report's HTML never does).
  virtual Status FeedsStages() const {
    return Status::Usage(
        "writes a table or report for people, not records: it can only be "
        "the last stage of a routine");
  }
  // Adds the tool's own options and positionals.
  virtual void AddOptions(CLI::App* app) = 0;
  // After the options are parsed: a tool whose own positionals also name
  // input files (select SELECTION FILE..., extract FILE...) moves them to
  // common->inputs, so that every driver sees them alike.
  virtual Status TakeInputs(CommonOptions* common) {
    (void)common;
    return Status::Ok();
  }
  // Builds the stage that does the work, after the options are parsed.
  // A kCommand tool returns a usage error saying why it is not a stage.
  virtual Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) = 0;
  // Whether, with the flags given, the tool does a one-off act instead of
  // being a stage (extract --new-key): the command line runs RunCommand.
  virtual bool CommandMode() const { return false; }
  // The work of a kCommand tool, or of a tool in CommandMode().
  virtual Status RunCommand(const ToolEnv& env);
};

struct ToolInfo {
  const char* name;
  const char* summary;  // one line for `karta --help`
  const char* help;     // usage notes and worked examples for `karta TOOL --help`
  unsigned common;      // CommonFlags
  std::unique_ptr<Tool> (*make)();
  ToolRole role = ToolRole::kFilter;
};

// Adds the shared options named by `flags` to `app`.
void AddCommonOptions(CLI::App* app, unsigned flags, CommonOptions* opts);

// Pumps every record of `reader` through `sink` (Begin, Push..., End).
// On interruption, End() is not called; the caller keeps what was written.
Status Pump(CsvReader* reader, RecordSink* sink);

// Ok, or the "empty input" status (exit 3) when `reader` read 0 bytes.
Status EmptyInputStatus(const CsvReader& reader);

// Whether -o `path` names an existing regular file, which an interrupted
// run must not replace with a partial output. Ask before opening it.
bool ReplacesFile(const std::string& path);

// An interrupted run's CSV output `out` after `records` input records: kept
// (committed) where it replaces nothing, else the previous file is left as
// it was; the interrupted status says which. Both drivers (RunStage, karta
// run) end this way.
Status InterruptedOutput(OutputFile* out, bool replaces, int64_t records);

// Runs `stage` over the inputs named in env.common, writing CSV to -o (an
// OutputStage writes it itself); when !env.reads_input, runs it without
// input (Begin with an empty header, End).
Status RunStage(const ToolEnv& env, Stage* stage);

// Runs one tool as the command line does: RunCommand for a command, else
// MakeStage and RunStage.
Status RunTool(const ToolInfo& info, Tool* tool, const ToolEnv& env);

// The "empty input" warning (exit 3), for a stage that ends on no input.
Status EmptyInputStatus();

// The main program: parses argv against `tools`, runs one, returns the exit code.
int Main(int argc, char** argv, const std::vector<ToolInfo>& tools);

// Exit code for a status (see the table above).
int ExitCode(const Status& status);

// Builds the CLI11 app of one tool (used by Main and by `karta run`, which
// parses each stage of a routine with the same options as the command line).
std::unique_ptr<CLI::App> MakeToolApp(const ToolInfo& info, Tool* tool, CommonOptions* opts);

}  // namespace karta

#endif  // KARTA_LIB_CLI_H_
