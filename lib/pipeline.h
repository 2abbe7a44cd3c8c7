// Saved routines (`.karta` files) and the in-process stage chain that runs them.
//
// A routine is a pipeline of karta tools written as on the command line, so a
// trainer can copy it from a shell and back:
//
//   # Ads in Stockholm county, per kommun.
//   set rules = rules/ads.rules          # a default; --set rules=... overrides
//   select url,title,text |
//   filter --rules ${rules} --where 'ad and not clinic' --skip-bad
//   | tabulate --by kommun
//
// The grammar is a small, shell-compatible subset (no shell is used):
//  - Stages are separated by '|' and by line ends. A line ending in '\'
//    continues the same stage; a line may start or end with '|'. A stage may
//    start with the word `karta`, which is dropped.
//  - '#' at the start of a word begins a comment to the end of the line.
//  - Words are split on blanks. 'single quotes' keep everything literally;
//    "double quotes" expand variables and take \" \\ \$ as escapes; a
//    backslash outside quotes escapes the next character.
//  - `${name}` expands a variable (unquoted or in double quotes). A variable
//    never splits into several words. A '$' not followed by '{' is literal.
//  - `set NAME = VALUE` (or `set NAME=VALUE`) on its own line declares a
//    variable with a default; values given to ParseRoutine (from --set) win.
//  - Shell operators that would need a shell (< > ; & ` $( ) are errors, so a
//    routine means the same in `karta run` and in `sh`.
// Every error names FILE:LINE of the routine.
//
// Chain runs a list of Stages in one process, passing Records (no CSV in
// between), counting records in and out of every stage and, optionally, the
// time spent in each; when a call fails it remembers which stage failed.
//
// Thread-safety: a Chain is driven from one thread.
#ifndef KARTA_LIB_PIPELINE_H_
#define KARTA_LIB_PIPELINE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lib/record.h"
#include "lib/status.h"

namespace karta {

struct RoutineStage {
  std::vector<std::string> args;  // args[0] is the tool name
  int line = 0;                   // line of the routine the stage starts on
};

struct Routine {
  std::string path;                             // as given, for messages
  std::vector<RoutineStage> stages;             // at least one
  std::map<std::string, std::string> defaults;  // from `set` lines
  std::set<std::string> used;                   // variables the routine expands or sets
};

// Parses routine text. `path` is used in messages only. `vars` are values
// given from outside (--set, and built-ins such as `here`); they take
// precedence over `set` defaults.
Result<Routine> ParseRoutine(std::string_view text, const std::string& path,
                             const std::map<std::string, std::string>& vars);

// Reads and parses the routine file at `path`.
Result<Routine> LoadRoutine(const std::string& path,
                            const std::map<std::string, std::string>& vars);

// "since=7d" -> {"since", "7d"}; a usage error if there is no '=' or the name
// is not a valid variable name.
Result<std::pair<std::string, std::string>> ParseAssignment(std::string_view s);

// The comment block at the top of a routine (its documentation), without
// the leading '#' characters.
std::string RoutineDescription(std::string_view text);

struct StageStats {
  int64_t records_in = 0;
  int64_t records_out = 0;
  double seconds = 0;  // time spent in the stage itself, not in later stages
};

class Chain {
 public:
  // Chains `stages` in order; the last one writes to `out`. With `timed`,
  // measures time per stage (two clock reads per record per stage).
  Chain(std::vector<std::unique_ptr<Stage>> stages, RecordSink* out, bool timed);
  ~Chain();
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;

  // Where the input goes (the first stage, behind its meter).
  RecordSink* head();

  // Per-stage counts and times, in stage order.
  std::vector<StageStats> Stats() const;
  // Records that reached `out`, and the time spent in it.
  int64_t records_out() const;
  double output_seconds() const;

  // The stage whose call returned the first error: 0-based stage index,
  // stages.size() for the output, or -1 if no call into the chain failed.
  int fault() const { return fault_; }

 private:
  class Meter;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<std::unique_ptr<Meter>> meters_;  // one per stage, then the output
  int fault_ = -1;
};

}  // namespace karta

#endif  // KARTA_LIB_PIPELINE_H_
