// karta sort: sort CSV records by columns, in Swedish alphabetical order.
//
// Reads CSV (or plain lines with --text) and writes the same records, header
// first, sorted by the key columns given with -k: text in Swedish order
// (A..Z, Å, Ä, Ö; case never counts, accents break ties), numbers by value, RFC
// 3339 times by instant, each key ascending or descending. The sort is
// stable, and works in bounded memory: past --buffer-size it spills sorted
// runs to temporary files and merges them (lib/sort.h), so a file larger than
// memory sorts too. It can be a stage of `karta run`; like any sort it writes
// nothing until it has read everything.
#include "lib/sort.h"

#include <fmt/format.h>

#include "lib/dates.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
Keys (-k, comma-separated; the first decides, the next break ties):
  COL              text in Swedish order: A..Z Å Ä Ö          -k place
  COL:desc         descending (also -r for every key)          -k posted_at:desc
  COL:n            a number by value ("9" before "10"; "12,5") -k age:n
  COL:time         an RFC 3339 time by instant (offsets count) -k fetched_at:time
  COL:natural      text with digit runs by value ("ad 9" < "ad 10")
  COL:bytes        plain byte order (ASCII: 'B' before 'a')
Options join: -k young_max:n:desc,posted_at_max:desc. A key's own options win
over -r, -n, --bytes and --natural, which set the default for every key.
Without -k, every column is a key, in order.

Rules: case never counts in text ("Akalla" and "akalla" are equal), accents
only break ties (e, é, f); the sort is stable (equal keys keep input order);
empty cells sort last, ascending or descending; with :n or -n a cell that is
not a number stops the run (exit 1, naming FILE:LINE), as does a cell that is
not a time with :time. RFC 3339 UTC times ("2026-03-02T10:00:00Z") also sort
right as text. -u keeps only the first record of each key.

Memory: records are kept in --buffer-size (default 256M); past that, sorted
runs go to temporary files in -T DIR ($TMPDIR, else /tmp), mode 0600, removed
as soon as they are opened, so nothing is left behind even on Ctrl-C.

Examples:
  karta sort -k kommun,place ads.csv                 by kommun, then place (Å Ä Ö last)
  karta sort -k posted_at:desc ads.csv               newest first
  karta sort -k young_max:n:desc,posted_at_max:desc clusters.csv
                                                     young first, newest first within
  karta sort -k price:n -r prices.csv                the most expensive first
  karta sort -u -k cluster ads.csv                   one (the first) ad per cluster
  karta sort -k title -S 1G -T /data/tmp big.csv     a big file: 1 GiB of memory, spill to /data/tmp
)";

class SortCmd : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("-k,--key", key_, "Sort by these columns, each COL[:OPTION...] (see below)")
        ->type_name("KEYS");
    app->add_flag("-r,--reverse", reverse_, "Descending order for every key");
    app->add_flag("-n,--numeric", numeric_, "Compare every key as a number");
    app->add_flag("--bytes", bytes_, "Compare text by bytes, not in Swedish order");
    app->add_flag("--natural", natural_,
                  "Compare text with digit runs by value (\"ad 9\" before \"ad 10\")");
    app->add_flag("-u,--unique", unique_, "Keep only the first record of each key");
    app->add_option("-S,--buffer-size", buffer_,
                    "Memory for records before spilling to temporary files (default 256M)")
        ->type_name("SIZE");
    app->add_option("--tz", tz_, kTzHelp)->type_name("ZONE");
    app->add_option("-T,--temp-dir", temp_dir_,
                    "Folder for temporary files (default $TMPDIR, else /tmp)")
        ->type_name("DIR");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    SorterOptions o;
    int types = int{numeric_} + int{bytes_} + int{natural_};
    if (types > 1) return Status::Usage("give at most one of -n, --bytes and --natural");
    o.default_type = numeric_   ? SortType::kNumber
                     : bytes_   ? SortType::kBytes
                     : natural_ ? SortType::kNatural
                                : SortType::kText;
    o.default_desc = reverse_;
    if (!key_.empty()) {
      KARTA_ASSIGN_OR_RETURN(o.keys, ParseSortKeys(key_, o.default_type, o.default_desc));
    }
    if (!buffer_.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto b, ParseMemorySize(buffer_));
      o.buffer_bytes = b;
    }
    auto tz = TimeZone::Load(tz_);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    o.tz = *tz;
    o.temp_dir = temp_dir_;
    o.unique = unique_;
    o.cancel = env.cancel;
    return std::unique_ptr<Stage>(new Sorter(std::move(o)));
  }

 private:
  std::string tz_;
  std::string key_;
  bool reverse_ = false;
  bool numeric_ = false;
  bool bytes_ = false;
  bool natural_ = false;
  bool unique_ = false;
  std::string buffer_;
  std::string temp_dir_;
};

}  // namespace

ToolInfo SortTool() {
  return {"sort", "Sort records by columns: Swedish order, numbers, times; any file size", kHelp,
          kInputOutput, [] { return std::unique_ptr<Tool>(new SortCmd()); }};
}

}  // namespace karta
