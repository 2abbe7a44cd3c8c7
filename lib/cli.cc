#include "lib/cli.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "lib/audit.h"
#include "lib/cli_hints.h"
#include "lib/hints.h"
#include "lib/io.h"

namespace karta {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void OnSignal(int sig) {
  if (g_cancel.load()) {
    // A second Ctrl-C: stop at once.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_cancel.store(true);
}

void InstallSignals() {
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void PrintError(std::string_view tool, std::string_view msg) {
  std::string line =
      tool.empty() ? fmt::format("karta: {}\n", msg) : fmt::format("karta {}: {}\n", tool, msg);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

constexpr const char* kMainHelp =
    "karta: search and mapping of online ads, for social-services outreach.\n"
    "Every tool reads CSV (or plain lines with --text) and writes CSV, so tools\n"
    "compose with pipes:\n"
    "  karta fetch --site site.toml | karta filter --rules ads.rules --where ad \\\n"
    "    | karta extract | karta geotag --region stockholm | karta dedupe \\\n"
    "    | karta tabulate --by kommun --count-distinct cluster\n";

}  // namespace

void ToolEnv::Warn(std::string_view message) const { PrintError(tool, message); }

CsvOptions ToolEnv::Csv() const {
  CsvOptions o;
  auto d = ParseDelimiter(common.delimiter);
  if (d.ok()) o.delimiter = *d;
  o.text = common.text;
  o.skip_bad = common.skip_bad;
  o.max_field_bytes = common.max_field_mib << 20;
  o.cancel = cancel;
  return o;
}

void AddCommonOptions(CLI::App* app, unsigned flags, CommonOptions* opts) {
  if (flags & kInputFiles) {
    app->add_option("FILE", opts->inputs,
                    "Input files (CSV with a header row; '-' or none: stdin). Several files "
                    "must have the same columns.");
  }
  if (flags & kInputFlags) {
    app->add_option("-d,--delimiter", opts->delimiter,
                    "Input field delimiter: one character such as ';', or \\t for tab")
        ->type_name("CHAR")
        ->default_str(",");
    app->add_flag("--skip-bad", opts->skip_bad,
                  "Skip malformed records (count them on stderr) instead of stopping");
    app->add_flag("--text", opts->text, "Read plain lines as records with one column, 'text'");
    app->add_option("--max-field", opts->max_field_mib,
                    "Largest field (or --text line) to accept, in MiB; a larger one is an "
                    "error naming the record (bounds memory on hostile input)")
        ->type_name("MIB")
        ->default_str("16")
        ->check(CLI::Range(1, 4096));
  }
  if (flags & kOutput) {
    app->add_option("-o,--output", opts->output,
                    "Write to FILE (created complete, mode 0600) instead of stdout")
        ->type_name("FILE");
  }
}

Status Tool::RunCommand(const ToolEnv&) {
  return Status::Usage("this tool is a stage, not a command");
}

Status RunTool(const ToolInfo& info, Tool* tool, const ToolEnv& env) {
  if (info.role == ToolRole::kCommand || tool->CommandMode()) return tool->RunCommand(env);
  KARTA_ASSIGN_OR_RETURN(std::unique_ptr<Stage> stage, tool->MakeStage(env));
  return RunStage(env, stage.get());
}

Status Pump(CsvReader* reader, RecordSink* sink) {
  KARTA_RETURN_IF_ERROR(sink->Begin(reader->header()));
  Record rec;
  for (;;) {
    KARTA_ASSIGN_OR_RETURN(auto more, reader->Next(&rec));
    if (!more) break;
    KARTA_RETURN_IF_ERROR(sink->Push(rec));
  }
  return sink->End();
}

bool ReplacesFile(const std::string& path) {
  struct stat st;
  return path != "-" && !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Status InterruptedOutput(OutputFile* out, bool replaces, int64_t records) {
  if (replaces && !out->is_stdout()) {
    return Status::Interrupted(fmt::format(
        "interrupted after {} records; {} is left as it was (a partial output never replaces a "
        "complete one): run again to write it",
        records, out->name()));
  }
  KARTA_RETURN_IF_ERROR(out->Commit());
  return Status::Interrupted(
      fmt::format("interrupted after {} records; what was written so far is kept{}", records,
                  out->is_stdout() ? "" : " in " + out->name()));
}

Status RunStage(const ToolEnv& env, Stage* stage) {
  if (auto* own = dynamic_cast<OutputStage*>(stage)) {
    // It writes -o itself.
    if (!env.reads_input) {
      KARTA_RETURN_IF_ERROR(stage->Begin(Header()));
      return stage->End();
    }
    KARTA_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(env.common.inputs, env.Csv()));
    Status st = Pump(reader.get(), stage);
    if (st.code() == Status::Code::kInterrupted) return own->Interrupted(reader->records());
    if (!st.ok()) return st;
    AuditNoteRecords(reader->records(), -1);
    env.WarnSkipped(*reader);
    return EmptyInputStatus(*reader);
  }
  if (!env.reads_input) {
    // A source: it makes its records itself.
    KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env.common.output));
    CsvWriter writer(out.get());
    stage->SetNext(&writer);
    KARTA_RETURN_IF_ERROR(stage->Begin(Header()));
    KARTA_RETURN_IF_ERROR(stage->End());
    return out->Commit();
  }
  KARTA_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(env.common.inputs, env.Csv()));
  const bool replaces = ReplacesFile(env.common.output);
  KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env.common.output));
  CsvWriter writer(out.get());
  stage->SetNext(&writer);
  Status st = Pump(reader.get(), stage);
  if (st.code() == Status::Code::kInterrupted) {
    return InterruptedOutput(out.get(), replaces, reader->records());
  }
  if (!st.ok()) return st;
  KARTA_RETURN_IF_ERROR(out->Commit());
  AuditNoteRecords(reader->records(), -1);
  env.WarnSkipped(*reader);
  return EmptyInputStatus(*reader);
}

Status EmptyInputStatus(const CsvReader& reader) {
  if (!reader.header().empty()) return Status::Ok();
  return EmptyInputStatus();
}

Status EmptyInputStatus() {
  return Status::Incomplete(
      "warning: the input is empty (0 bytes, not even a header row); nothing was read "
      "(exit 3: check the file, or the stage before this one)");
}

void ToolEnv::WarnSkipped(const CsvReader& reader) const {
  if (reader.skipped() == 0) return;
  Warn(fmt::format("skipped {} bad record{} (--skip-bad); the first: {}", reader.skipped(),
                   reader.skipped() == 1 ? "" : "s", reader.first_skip()));
}

int ExitCode(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
    case Status::Code::kBrokenPipe:
      return 0;
    case Status::Code::kUsage:
      return 2;
    case Status::Code::kInterrupted:
      return 130;
    case Status::Code::kIncomplete:
      return 3;
    case Status::Code::kData:
    case Status::Code::kIo:
      return 1;
  }
  return 1;
}

std::unique_ptr<CLI::App> MakeToolApp(const ToolInfo& info, Tool* tool, CommonOptions* opts) {
  auto app = std::make_unique<CLI::App>(info.summary, std::string("karta ") + info.name);
  tool->AddOptions(app.get());
  AddCommonOptions(app.get(), info.common, opts);
  PrepareToolApp(app.get(), KARTA_VERSION);
  if (info.help && *info.help) app->footer(info.help);
  return app;
}

int Main(int argc, char** argv, const std::vector<ToolInfo>& tools) {
  InstallSignals();
  CLI::App app(kMainHelp, "karta");
  app.set_version_flag("-V,--version", std::string("karta ") + KARTA_VERSION);
  app.require_subcommand(0, 1);
  app.footer("Run 'karta TOOL --help' for a tool's options and worked examples.");
  std::vector<std::unique_ptr<Tool>> instances;
  std::vector<CommonOptions> opts(tools.size());
  std::vector<CLI::App*> subs;
  for (size_t i = 0; i < tools.size(); ++i) {
    instances.push_back(tools[i].make());
    CLI::App* sub = app.add_subcommand(tools[i].name, tools[i].summary);
    // The tool's own positionals come before the input files.
    instances.back()->AddOptions(sub);
    AddCommonOptions(sub, tools[i].common, &opts[i]);
    PrepareToolApp(sub, KARTA_VERSION);
    if (tools[i].help && *tools[i].help) sub->footer(tools[i].help);
    subs.push_back(sub);
  }
  // The tool named on the command line, for messages.
  std::string tool_name;
  for (int a = 1; a < argc && tool_name.empty(); ++a) {
    for (const auto& t : tools) {
      if (std::strcmp(argv[a], t.name) == 0) tool_name = t.name;
    }
  }
  if (std::string e = EmptyListError(app, argc, argv); !e.empty()) {
    PrintError(tool_name, e);
    PrintError(tool_name, fmt::format("run 'karta {} --help' for usage", tool_name));
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    PrintError(tool_name, e.what());
    if (std::string hint = ParseErrorHint(app, argc, argv); !hint.empty()) {
      PrintError(tool_name, hint);
    }
    PrintError(tool_name, tool_name.empty()
                              ? "run 'karta --help' for the list of tools"
                              : fmt::format("run 'karta {} --help' for usage", tool_name));
    return 2;
  }
  for (size_t i = 0; i < tools.size(); ++i) {
    if (!subs[i]->parsed()) continue;
    ToolEnv env;
    env.tool = tools[i].name;
    env.common = opts[i];
    env.cancel = &g_cancel;
    env.stderr_tty = ::isatty(2) != 0;
    Status st = instances[i]->TakeInputs(&env.common);
    env.reads_input = tools[i].role != ToolRole::kSource || instances[i]->ReadsInput();
    if (auto d = ParseDelimiter(env.common.delimiter); !st.ok() || !d.ok()) {
      if (st.ok()) st = d.status();
    } else {
      try {
        st = RunTool(tools[i], instances[i].get(), env);
      } catch (const std::bad_alloc&) {
        st = Status::Io("out of memory");
      }
    }
    if (!st.ok() && st.code() != Status::Code::kBrokenPipe) PrintError(env.tool, st.message());
    int code = ExitCode(st);
    // The audit log (lib/audit.h): one line per run, when configured.
    std::vector<std::string> args;
    for (int a = 1; a < argc; ++a) {
      if (args.empty() && env.tool == argv[a] && a == 1) continue;
      args.emplace_back(argv[a]);
    }
    if (Status au = AuditRun(env.tool, args, code); !au.ok()) {
      PrintError(env.tool, au.message());
      if (code == 0) code = 1;
    }
    return code;
  }
  // No tool given.
  std::string help = app.help();
  std::fwrite(help.data(), 1, help.size(), stderr);
  PrintError("", "no tool given; run 'karta TOOL --help' for one tool");
  return 2;
}

}  // namespace karta
