// karta run: run a saved routine (a .karta file) in one process.
//
// Reads the routine (lib/pipeline.h), parses every stage's arguments exactly
// as `karta TOOL` would on the command line, builds the stages and chains them
// in one process, passing records without writing CSV in between. The first
// stage reads the input files given to karta run (or stdin); a source stage
// such as `fetch --site` or `history new` reads nothing. CSV from the last
// stage goes to stdout or -o. With --explain, a table of records in, records
// out and time per stage goes to stderr.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>

#include "lib/csv.h"
#include "lib/io.h"
#include "lib/pipeline.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
A routine is a saved pipeline: the same tools and flags as on the command
line, one stage per line, joined by '|'. For example queries/one-off.karta:

  # Which kommuner have the most ads this week?
  set rules = rules/ads.rules
  filter --rules ${rules} --where 'ad and not clinic' |
  geotag --region stockholm |
  tabulate --by kommun --sort count

Rules of a routine (no shell is used, so it runs the same on any PC):
  - '#' starts a comment; a line ending in '\' continues the stage.
  - Quote with '...' or "..." as in a shell.
  - ${name} is a variable: 'set name = VALUE' in the routine gives a default,
    --set name=VALUE on the command line overrides it; a variable named
    KARTA_... is also read from the environment (before 'set'). Built in: ${here} (the
    routine's folder), ${cwd} (the folder you run from), ${today} (UTC date).
  - Paths in the routine (rule files, site profiles, a stage's own input or
    -o file) are relative to the routine's folder, so it runs from anywhere.
    Input files and -o given to karta run are relative to where you are.
  - The first stage reads the input files given to karta run (or stdin),
    unless it is a source such as 'fetch --site' or 'history new'.
  - Only the last stage may write a file with -o; karta run -o overrides it.
  - tabulate and report write a table, not records, so they come last; but
    a tabulate's CSV table may feed more stages, as in a shell pipe:
    ... | tabulate --by cluster --max posted_at | sort -k posted_at_max:desc

The output is the same, byte for byte, as the same stages run as a shell
pipeline (karta a | karta b | ...), but faster: records pass between the
stages in memory.

--explain prints what each stage did, on stderr, after the run:
   #  line  stage                      records in  records out      time
   1     4  filter --rules rules/ad…          500          312   0.012 s

An error in a stage names the stage, its tool and the routine's FILE:LINE.

Examples:
  karta run queries/one-off.karta ads.csv                  run on a file
  karta run queries/stockholm-weekly.karta --set since=14d two weeks back
  karta run --explain queries/young-first.karta ads.csv    show each step
  karta run --describe queries/young-first.karta           what it is for
  karta run queries/one-off.karta -o result.csv ads.csv    write a file
)";

// Restores the working directory when it goes out of scope.
class DirGuard {
 public:
  explicit DirGuard(std::string dir) : dir_(std::move(dir)) {}
  ~DirGuard() {
    if (!dir_.empty() && ::chdir(dir_.c_str()) != 0) {
      // Nothing sensible to do: the process is about to end.
    }
  }

 private:
  std::string dir_;
};

std::string CurrentDir() {
  std::string buf(4096, '\0');
  if (::getcwd(buf.data(), buf.size()) == nullptr) return ".";
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

std::string Absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path == "-" || path[0] == '/') return path;
  return cwd + "/" + path;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string TodayUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The stage's words as one line, shortened for the --explain table.
std::string Shorten(const std::vector<std::string>& args, size_t width) {
  std::string s;
  for (size_t k = 0; k < args.size(); ++k) {
    if (k) s += ' ';
    s += args[k];
  }
  for (char& c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  // Count code points, not bytes, so that åäö line up.
  size_t cps = 0, cut = std::string::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (cps == width - 1 && cut == std::string::npos) cut = i;
    ++cps;
  }
  if (cps > width) {
    s.resize(cut);
    s += "\u2026";
    cps = width;
  }
  s.append(width - cps, ' ');
  return s;
}

// `word` as a shell would need it written: as is when safe, else in '...'.
std::string ShellQuote(const std::string& word) {
  bool safe = !word.empty();
  for (unsigned char c : word) {
    if (!(std::isalnum(c) || c >= 0x80 || std::strchr("_,./:=@%+-", c) != nullptr)) safe = false;
  }
  if (safe) return word;
  std::string q = "'";
  for (char c : word) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

struct BuiltStage {
  const ToolInfo* info = nullptr;
  std::unique_ptr<Tool> tool;
  CommonOptions opts;
  std::unique_ptr<Stage> stage;
  // The stage writes its output itself (lib/cli.h OutputStage): a table
  // sink, or fetch as the last stage. Points into `stage` (or the chain).
  OutputStage* own_output = nullptr;
};

// Where a chain whose last stage writes its own output sends records: none
// arrive.
class NoOutput : public RecordSink {
 public:
  Status Begin(const Header&) override { return Status::Ok(); }
  Status Push(Record&) override { return Status::Ok(); }
  Status End() override { return Status::Ok(); }
};

// A temporary CSV file: the table of a tabulate that feeds more stages. It may
// hold personal data, so it never has a name: an unnamed file (mode 0600,
// lib/io CreateTempFile) reached through /proc/self/fd/N, which the writer
// writes in place and each reader opens afresh. Closing it removes it, and
// a kill -9 leaves nothing in $TMPDIR. Without /proc, a named file in
// $TMPDIR, removed when done.
class TempCsv {
 public:
  ~TempCsv() {
    if (fd_ >= 0) ::close(fd_);
    if (named_) ::unlink(path_.c_str());
  }
  Status Create() {
    KARTA_ASSIGN_OR_RETURN(fd_, CreateTempFile("", "karta-run", "file", nullptr));
    path_ = fmt::format("/proc/self/fd/{}", fd_);
    if (::access(path_.c_str(), R_OK | W_OK) == 0) return Status::Ok();
    ::close(fd_);
    fd_ = -1;
    KARTA_ASSIGN_OR_RETURN(int named, CreateTempFile("", "karta-run", "file", &path_));
    ::close(named);
    named_ = true;
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  bool named_ = false;
  std::string path_;
};

class Runner : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("ROUTINE", routine_, "The routine to run (a .karta file)")
        ->required()
        ->type_name("FILE");
    app->add_option("--set", sets_,
                    "Give a variable of the routine a value, e.g. --set since=14d (repeatable)")
        ->type_name("NAME=VALUE")
        ->allow_extra_args(false);
    app->add_flag("--keep-going", keep_going_,
                  "When a source finishes incomplete (a site failed: exit 3), still run the "
                  "later stages (history record records the sites that worked)");
    app->add_flag("--explain", explain_,
                  "After the run, print records in, records out and time per stage on stderr");
    app->add_flag("--describe", describe_,
                  "Print the routine's documentation (its opening comment) and its stages; "
                  "run nothing");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("a routine cannot run another routine");
  }

  Status RunCommand(const ToolEnv& env) override;

 private:
  // Parses and builds every stage. `output`: where the last stage writes
  // (karta run's -o, else the last stage's own -o; set here). `table`: the
  // file a tabulate that feeds more stages writes to (created here when
  // needed). `sink_at`: set to the index of that tabulate, else the number
  // of stages.
  Status Build(const ToolEnv& env, const Routine& routine, std::string* output, TempCsv* table,
               size_t* sink_at, std::vector<BuiltStage>* built);
  // `tail`: the stages after a tabulate (they start at routine stage
  // tail_at), or null.
  void Explain(const Routine& routine, const std::vector<BuiltStage>& built, const Chain& chain,
               int64_t input_records, bool source, const Chain* tail = nullptr,
               size_t tail_at = 0) const;

  std::string routine_;
  std::vector<std::string> sets_;
  bool explain_ = false;
  bool describe_ = false;
  bool keep_going_ = false;
};

std::string StageName(const Routine& r, size_t k) {
  return fmt::format("{}:{}: stage {} ({})", r.path, r.stages[k].line, k + 1, r.stages[k].args[0]);
}

Status Runner::Build(const ToolEnv& env, const Routine& routine, std::string* output,
                     TempCsv* table, size_t* sink_at, std::vector<BuiltStage>* built) {
  const size_t n = routine.stages.size();
  *sink_at = n;
  std::string input_label;  // how a report names its input: as given, not a temporary file
  for (size_t k = 0; k < n; ++k) {
    const RoutineStage& rs = routine.stages[k];
    const std::string where = StageName(routine, k);
    const std::string& name = rs.args[0];
    BuiltStage b;
    b.info = FindTool(name);
    if (b.info == nullptr) {
      std::string names;
      for (const auto& t : AllTools()) {
        if (!names.empty()) names += ", ";
        names += t.name;
      }
      return Status::Usage(fmt::format(
          "{}:{}: stage {}: '{}' is not a karta tool (tools: {}; a stage continued on the "
          "next line? end the line with \\)",
          routine.path, rs.line, k + 1, name, names));
    }
    b.tool = b.info->make();
    auto app = MakeToolApp(*b.info, b.tool.get(), &b.opts);
    // CLI11 takes the arguments in reverse order.
    std::vector<std::string> args(rs.args.rbegin(), rs.args.rend() - 1);
    try {
      app->parse(args);
    } catch (const CLI::CallForHelp&) {
      return Status::Usage(
          fmt::format("{}: --help in a routine (run 'karta {} --help')", where, name));
    } catch (const CLI::CallForAllHelp&) {
      return Status::Usage(
          fmt::format("{}: --help in a routine (run 'karta {} --help')", where, name));
    } catch (const CLI::ParseError& e) {
      return Status::Usage(
          fmt::format("{}: {} (run 'karta {} --help' for usage)", where, e.what(), name));
    }
    KARTA_RETURN_IF_ERROR(b.tool->TakeInputs(&b.opts).WithPrefix(where));
    if (auto d = ParseDelimiter(b.opts.delimiter); !d.ok()) return d.status().WithPrefix(where);
    if (k > 0 && !b.opts.inputs.empty()) {
      return Status::Usage(fmt::format(
          "{}: names input files, but only the first stage reads files (stage {} reads what "
          "stage {} writes)",
          where, k + 1, k));
    }
    if (k + 1 < n && b.opts.output != "-") {
      return Status::Usage(fmt::format(
          "{}: writes to -o {}, but only the last stage may write a file (its output feeds "
          "stage {})",
          where, b.opts.output, k + 2));
    }
    if (k == 0) {
      for (const std::string& in : env.common.inputs.empty() ? b.opts.inputs : env.common.inputs) {
        input_label += (input_label.empty() ? "" : ", ") + in;
      }
      const bool source = b.info->role == ToolRole::kSource && !b.tool->ReadsInput();
      if (input_label.empty() && !source) input_label = "standard input";
    }
    if (k + 1 == n && *output == "-") *output = b.opts.output;
    ToolEnv e;
    e.tool = name;
    e.common = b.opts;
    e.in_routine = true;
    e.last = k + 1 == n;
    if (e.last) e.common.output = *output;
    e.input_label = input_label;
    e.cancel = env.cancel;
    e.stderr_tty = env.stderr_tty;
    e.stop_on_incomplete = !keep_going_;
    if (b.info->role == ToolRole::kSink && k + 1 < n) {
      // A sink in the middle (a tabulate writing CSV): its table feeds the
      // stages after it, as in a shell pipe; the tool says whether it can.
      if (*sink_at < n) {
        return Status::Usage(fmt::format(
            "{}: only one table in a routine may feed later stages (stage {} already does)", where,
            *sink_at + 1));
      }
      KARTA_RETURN_IF_ERROR(b.tool->FeedsStages().WithPrefix(where));
      KARTA_RETURN_IF_ERROR(table->Create());
      *sink_at = k;
      e.last = true;
      e.common.output = table->path();
    }
    auto stage = b.tool->MakeStage(e);
    if (!stage.ok()) return stage.status().WithPrefix(where);
    b.stage = std::move(stage.value());
    b.own_output = dynamic_cast<OutputStage*>(b.stage.get());
    built->push_back(std::move(b));
  }
  return Status::Ok();
}

void Runner::Explain(const Routine& routine, const std::vector<BuiltStage>& built,
                     const Chain& chain, int64_t input_records, bool source, const Chain* tail,
                     size_t tail_at) const {
  constexpr size_t kWidth = 32;
  std::string out = fmt::format("karta run: {}\n", routine.path);
  out += fmt::format("{:>3}  {:>4}  {}  {:>10}  {:>11}  {:>9}\n", "#", "line",
                     Shorten({"stage"}, kWidth), "records in", "records out", "time");
  double total = 0;
  // The rows of one chain, whose first stage is routine stage `at`.
  auto rows = [&](const Chain& c, size_t at) {
    auto stats = c.Stats();
    for (size_t j = 0; j < stats.size(); ++j) {
      const size_t k = at + j;
      total += stats[j].seconds;
      std::string records_out = std::to_string(stats[j].records_out);
      if (built[k].info->role == ToolRole::kSink) {
        // A table or report, not records; not run when a stage before it failed.
        records_out = c.fault() >= 0 && c.fault() < static_cast<int>(j) ? "(not run)" : "(a table)";
      }
      out += fmt::format("{:>3}  {:>4}  {}  {:>10}  {:>11}  {:>7.3f} s\n", k + 1,
                         routine.stages[k].line, Shorten(routine.stages[k].args, kWidth),
                         stats[j].records_in, records_out, stats[j].seconds);
    }
  };
  rows(chain, 0);
  if (tail) rows(*tail, tail_at);
  const Chain& last = tail ? *tail : chain;
  const bool csv = built.back().own_output == nullptr;
  if (csv) {
    total += last.output_seconds();
    out += fmt::format("{:>3}  {:>4}  {}  {:>10}  {:>11}  {:>7.3f} s\n", "", "",
                       Shorten({"(write CSV)"}, kWidth), last.records_out(), "",
                       last.output_seconds());
  }
  out += fmt::format("{:>3}  {:>4}  {}  {:>10}  {:>11}  {:>7.3f} s\n", "", "",
                     Shorten({source ? "total (a source: no input)" : "total"}, kWidth),
                     input_records, csv ? std::to_string(last.records_out()) : "", total);
  std::fwrite(out.data(), 1, out.size(), stderr);
}

Status Runner::RunCommand(const ToolEnv& env) {
  const std::string cwd = CurrentDir();
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> given;
  for (const std::string& s : sets_) {
    auto a = ParseAssignment(s);
    if (!a.ok()) return a.status().WithPrefix("--set");
    if (given.count(a->first)) {
      return Status::Usage(fmt::format("--set {}: given twice", a->first));
    }
    given[a->first] = a->second;
  }
  const std::string routine_abs = Absolute(routine_, cwd);
  const std::string dir = DirName(routine_abs);
  vars["here"] = dir;
  vars["cwd"] = cwd;
  vars["today"] = TodayUtc();
  for (const auto& [k, v] : given) vars[k] = v;

  if (describe_) {
    KARTA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(routine_));
    KARTA_ASSIGN_OR_RETURN(auto routine, ParseRoutine(text, routine_, vars));
    std::string out = RoutineDescription(text);
    out += "\nStages:\n";
    for (size_t k = 0; k < routine.stages.size(); ++k) {
      out += fmt::format("  {}. (line {}) karta", k + 1, routine.stages[k].line);
      for (const auto& a : routine.stages[k].args) out += " " + ShellQuote(a);
      out += '\n';
    }
    if (!routine.defaults.empty()) {
      out += "\nVariables (change with --set NAME=VALUE):\n";
      for (const auto& [k, v] : routine.defaults) {
        out += fmt::format("  {} = {}{}\n", k, v,
                           given.count(k) ? fmt::format(" (now {})", given[k]) : "");
      }
    }
    KARTA_ASSIGN_OR_RETURN(auto o, OutputFile::Open(env.common.output));
    KARTA_RETURN_IF_ERROR(o->Write(out));
    return o->Commit();
  }

  KARTA_ASSIGN_OR_RETURN(auto routine, LoadRoutine(routine_, vars));
  for (const auto& [k, v] : given) {
    if (!routine.used.count(k)) {
      std::string known;
      for (const auto& u : routine.used) {
        if (u == "here" || u == "cwd" || u == "today") continue;
        if (!known.empty()) known += ", ";
        known += u;
      }
      return Status::Usage(fmt::format("--set {}: {} has no variable '{}' ({})", k, routine_, k,
                                       known.empty() ? "it has none" : "it has: " + known));
    }
  }

  // Paths given to karta run are relative to here; paths in the routine to
  // the routine's folder, where the stages are built and run.
  std::vector<std::string> inputs;
  for (const auto& in : env.common.inputs) inputs.push_back(Absolute(in, cwd));
  std::string output = Absolute(env.common.output, cwd);
  if (::chdir(dir.c_str()) != 0) {
    return Status::Io(
        fmt::format("{}: cannot enter the routine's folder: {}", dir, std::strerror(errno)));
  }
  DirGuard back(cwd);

  std::vector<BuiltStage> built;
  TempCsv table;
  size_t sink_at = 0;
  KARTA_RETURN_IF_ERROR(Build(env, routine, &output, &table, &sink_at, &built));
  const bool source =
      built.front().info->role == ToolRole::kSource && !built.front().tool->ReadsInput();
  const CommonOptions& first = built.front().opts;
  if (source && (!inputs.empty() || !first.inputs.empty())) {
    return Status::Usage(
        fmt::format("{}: the first stage ({}) reads no input, but input files were given",
                    StageName(routine, 0), routine.stages[0].args[0]));
  }
  if (!inputs.empty() && !first.inputs.empty()) {
    return Status::Usage(
        fmt::format("{}: the routine names its own input files, and karta run was given others too "
                    "(give them in one place)",
                    StageName(routine, 0)));
  }
  if (inputs.empty()) inputs = first.inputs;

  // The input is read with the first stage's input flags, or karta run's.
  CsvOptions csv = env.Csv();
  if (first.text) csv.text = true;
  if (first.skip_bad) csv.skip_bad = true;
  if (first.delimiter != ",") csv.delimiter = *ParseDelimiter(first.delimiter);

  std::unique_ptr<CsvReader> reader;
  if (!source) {
    KARTA_ASSIGN_OR_RETURN(auto r, CsvReader::Open(inputs, csv));
    reader = std::move(r);
  }
  // The stages up to a tabulate that feeds more stages (or all), then the
  // stages after it (they read its table). A chain whose last stage writes
  // its output itself (a table, a report, fetch) gets no CSV writer.
  const size_t n = built.size();
  const bool tail = sink_at < n;
  const size_t head_end = tail ? sink_at + 1 : n;
  OutputStage* own = built[head_end - 1].own_output;
  NoOutput none;
  std::unique_ptr<OutputFile> out;
  const bool replaces = !own && ReplacesFile(output);
  if (!own) {
    KARTA_ASSIGN_OR_RETURN(out, OutputFile::Open(output));
  }
  std::optional<CsvWriter> writer;
  if (out) writer.emplace(out.get());
  std::vector<std::unique_ptr<Stage>> stages;
  for (size_t k = 0; k < head_end; ++k) stages.push_back(std::move(built[k].stage));
  Chain chain(std::move(stages), own ? static_cast<RecordSink*>(&none) : &*writer, explain_);
  Status st;
  if (source) {
    st = chain.head()->Begin(Header());
    if (st.ok()) st = chain.head()->End();
  } else {
    st = Pump(reader.get(), chain.head());
  }
  const int64_t input_records = reader ? reader->records() : 0;
  if (st.code() == Status::Code::kInterrupted && own) st = own->Interrupted(input_records);
  // A source that finished incomplete (a site failed): without --keep-going
  // the later stages did not finish; say so, and that nothing was recorded.
  Status incomplete;
  // (A table sink's own "empty input" is an error of that stage, below.)
  const bool sink_failed = chain.fault() >= 0 && static_cast<size_t>(chain.fault()) < n &&
                           built[static_cast<size_t>(chain.fault())].info->role == ToolRole::kSink;
  if (st.code() == Status::Code::kIncomplete && !sink_failed) {
    if (!keep_going_) {
      std::string later;
      for (size_t k = 1; k < routine.stages.size(); ++k) {
        // A stage is named by its tool, and by its action for a tool that
        // has actions (history record): a word before any flag.
        const std::vector<std::string>& args = routine.stages[k].args;
        later += (later.empty() ? "" : ", ") + args[0] +
                 (args.size() > 1 && built[k].info->role == ToolRole::kSource && !args[1].empty() &&
                          args[1][0] != '-'
                      ? " " + args[1]
                      : "");
      }
      return Status::Incomplete(fmt::format(
          "{}: {}; the run stopped there, before {} (nothing was recorded): run it again when "
          "the site is back, or with --keep-going to record the sites that worked",
          StageName(routine, 0), st.message(), later.empty() ? "the end" : later));
    }
    incomplete = st.WithPrefix(StageName(routine, 0));
    st = Status::Ok();
  }
  if (st.ok() && tail) {
    // The stages after a tabulate read its table, as they would in a pipe.
    std::vector<std::unique_ptr<Stage>> rest;
    for (size_t k = sink_at + 1; k < n; ++k) rest.push_back(std::move(built[k].stage));
    OutputStage* rest_own = built.back().own_output;
    CsvOptions tcsv;
    tcsv.cancel = env.cancel;
    KARTA_ASSIGN_OR_RETURN(auto r, CsvReader::Open({table.path()}, tcsv));
    std::unique_ptr<OutputFile> final_out;
    if (!rest_own) {
      KARTA_ASSIGN_OR_RETURN(final_out, OutputFile::Open(output));
    }
    std::optional<CsvWriter> final_writer;
    if (final_out) final_writer.emplace(final_out.get());
    Chain rest_chain(std::move(rest), rest_own ? static_cast<RecordSink*>(&none) : &*final_writer,
                     explain_);
    st = Pump(r.get(), rest_chain.head());
    if (st.code() == Status::Code::kInterrupted && rest_own)
      st = rest_own->Interrupted(r->records());
    if (st.ok() && final_out) st = final_out->Commit();
    if (explain_) Explain(routine, built, chain, input_records, source, &rest_chain, sink_at + 1);
    if (st.code() == Status::Code::kBrokenPipe) return st;
    if (!st.ok() && st.code() != Status::Code::kInterrupted) {
      int f = rest_chain.fault();
      if (f >= 0 && f < static_cast<int>(rest_chain.Stats().size())) {
        return st.WithPrefix(StageName(routine, sink_at + 1 + static_cast<size_t>(f)));
      }
    }
    return st.ok() ? incomplete : st;
  }
  if (explain_) Explain(routine, built, chain, input_records, source);
  if (st.code() == Status::Code::kBrokenPipe) return st;
  if (st.code() == Status::Code::kInterrupted) {
    if (own) return st;
    return InterruptedOutput(out.get(), replaces, input_records);
  }
  if (!st.ok()) {
    int f = chain.fault();
    if (f >= 0 && f < static_cast<int>(chain.Stats().size())) {
      return st.WithPrefix(StageName(routine, f));
    }
    return st;
  }
  if (out) KARTA_RETURN_IF_ERROR(out->Commit());
  if (reader) {
    env.WarnSkipped(*reader);
    // As on the command line: an empty input is a warning (exit 3).
    if (incomplete.ok()) return EmptyInputStatus(*reader);
  }
  return incomplete;  // Ok, or --keep-going past a source that finished incomplete
}

}  // namespace

ToolInfo RunTool() {
  return {"run",
          "Run a saved routine (.karta) in one process; --explain shows each step",
          kHelp,
          kInputOutput,
          [] { return std::unique_ptr<Tool>(new Runner()); },
          ToolRole::kCommand};
}

}  // namespace karta
