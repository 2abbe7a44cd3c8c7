// The forgiving parts of karta's command line, kept apart from the harness
// (lib/cli.h) so that they change in one place:
//
//  - one list syntax: every list option takes "a,b" and repeats
//    (--field a,b and --field a --field b mean the same);
//  - `karta TOOL --version`;
//  - "did you mean" for a mistyped tool or flag.
//
// lib/ never includes this file; the harness calls it.
//
// Thread-safety: the functions touch only the apps they are given.
#ifndef KARTA_LIB_CLI_HINTS_H_
#define KARTA_LIB_CLI_HINTS_H_

#include <CLI/CLI.hpp>
#include <string>

namespace karta {

// Whether option `opt` holds a list of names. A repeatable option (a
// vector) is one, except those whose values are whole strings that may hold
// commas (--header, --resolve, --set); a single-valued option is one when
// its type name says so (LIST, COLS, KEYS, NAMES, ROW,COL).
bool IsListOption(const CLI::Option& opt);

// Prepares a tool's app after the tool added its options: every list option
// takes "a,b" and repeats, and --version prints karta's version.
void PrepareToolApp(CLI::App* app, const std::string& version);

// After a parse error: a line suggesting the tool or flag the user probably
// meant ("did you mean 'fetch'?"), or "" when there is none. `app` is the
// main app with one subcommand per tool.
std::string ParseErrorHint(const CLI::App& app, int argc, const char* const* argv);

// Before parsing: a message when a list option is given a value made only of
// commas (`-k ,`, `--field=,,`), which CLI11 would split into nothing and
// then fill from the next argument (an input file); "" when there is none.
std::string EmptyListError(const CLI::App& app, int argc, const char* const* argv);

}  // namespace karta

#endif  // KARTA_LIB_CLI_HINTS_H_
