// Sort: a stable external merge sort of a record stream by key columns, in
// bounded memory.
//
// A Sorter is a Stage (lib/record.h). It passes the header on at once, keeps
// the records it is given, and sends them on sorted when End() is called (so
// it must see the whole stream first, like every sort). Each record gets one
// byte key when it arrives (lib/collate.h: Swedish collation for text,
// numbers by value, times by instant, each key ascending or descending, empty
// cells last in either direction); after that, sorting only compares bytes.
//
// Memory: records are packed into an arena. When the arena and the index
// reach SorterOptions::buffer_bytes, the records so far are sorted and
// written to a temporary file (a "run"), and the arena starts again. End()
// merges the runs and what is left in memory, at most `fan_in` at a time
// (more runs are first merged into bigger ones), so a file many times the
// size of memory sorts in about buffer_bytes (plus the sort's scratch index,
// half the size of the index, and a 64 KiB buffer per open run: 1M rows of
// 75 MB sort in about 160 MiB, or 92 MiB with a 64 MiB budget). Temporary
// files are created mode 0600 in temp_dir and unlinked as soon as they are
// opened, so they disappear when the Sorter does (at the end, on an error,
// on Ctrl-C) and even if the process is killed.
//
// Order: stable. Records with equal keys keep their input order (the merge
// breaks ties by run, and runs are in input order). With `unique`, only the
// first of the records with equal keys is kept (equal: the same key bytes;
// for text, equal but for case: "Apa" and "apa" are one key).
//
// Errors: a key column that is not in the header is a usage error that lists
// the columns; a cell that is not a number (type kNumber) or not an RFC 3339
// time (type kTime) is a data error naming FILE:LINE and the column; a
// temporary file that cannot be written is an I/O error naming the folder.
//
// Example:
//   SorterOptions o;
//   o.keys = *ParseSortKeys("posted_at:desc,title", SortType::kText, false);
//   Sorter s(std::move(o));
//   s.SetNext(&writer);
//   ... Pump(reader, &s) ...
//
// Thread-safety: a Sorter is driven from one thread.
#ifndef KARTA_LIB_SORT_H_
#define KARTA_LIB_SORT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/dates.h"
#include "lib/record.h"
#include "lib/status.h"

namespace karta {

enum class SortType {
  kText,     // Swedish collation (A..Z Å Ä Ö; case never counts, accents break ties)
  kBytes,    // UTF-8 byte order (ASCII order: 'B' before 'a')
  kNumber,   // decimal numbers by value ("12,5" allowed); others are an error
  kNatural,  // Swedish collation with digit runs by value ("ad 9" < "ad 10")
  kTime,     // RFC 3339 times by instant, to the second (lib/civil.h); others an error
};

struct SortKey {
  std::string column;
  SortType type = SortType::kText;
  bool desc = false;
};

// Parses "COL[:MOD]...[,COL[:MOD]...]". MOD is one of asc, desc, text, bytes,
// n (or num, number), natural, time; a key's own MODs win over the defaults.
// Usage error for an unknown MOD or an empty list.
Result<std::vector<SortKey>> ParseSortKeys(std::string_view spec, SortType default_type,
                                           bool default_desc);

// Parses a memory size: "1000000", "64K", "256M", "2G" (powers of 1024,
// optional trailing "B" or "iB"). Usage error if it is not one or < 64K.
Result<size_t> ParseMemorySize(std::string_view s);

struct SorterOptions {
  std::vector<SortKey> keys;  // empty: every column, in order, with the defaults
  SortType default_type = SortType::kText;
  bool default_desc = false;
  size_t buffer_bytes = size_t{256} << 20;
  std::string temp_dir;  // empty: $TMPDIR, else /tmp
  bool unique = false;
  size_t fan_in = 64;                         // runs merged at once (>= 2)
  const std::atomic<bool>* cancel = nullptr;  // checked while merging
  TimeZone tz = TimeZone::Default();          // of :time keys written without a zone
};

class Sorter : public Stage {
 public:
  explicit Sorter(SorterOptions opts);
  ~Sorter() override;

  Status Begin(const Header& header) override;
  Status Push(Record& record) override;
  Status End() override;

  // How many runs were written to temporary files (0: sorted in memory).
  size_t runs_spilled() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace karta

#endif  // KARTA_LIB_SORT_H_
