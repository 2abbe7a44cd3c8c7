// Crawl state in SQLite: the frontier and the done set of a fetch run, so that
// an interrupted run (Ctrl-C, kill -9) continues with --resume, and the
// validators (ETag, Last-Modified) and content hash of every page, so that a
// later run asks with a conditional GET and an unchanged page is not
// downloaded again. For pages that gave a row (ads), the state also keeps
// the row's page columns as they were written (fields, text, sha256, the
// normalised posted_at), so that a 304 re-emits the ad as it was: every
// later stage sees it, not an empty row.
//
// A state file holds a sequence of runs. Open() with resume=false starts a
// new run (the pages of earlier runs stay, as validators); with resume=true
// it continues the last run. A page is "queued" in a run when it was found
// (a start URL, an input URL or a followed link) and "done" when its row was
// written. MarkDone() also records how many bytes of output had been written
// after the row (out_bytes), in the same transaction: on resume the output
// file is cut back to that length, so a row written just before a kill but
// not yet marked done is fetched again and written once, never twice.
//
// Writes are one transaction per call (WAL journal, synchronous=NORMAL: a
// crash of the process loses nothing committed; a power loss may lose the
// last pages, which are then fetched again).
//
// Thread-safety: one object per thread.
#ifndef KARTA_LIB_CRAWL_H_
#define KARTA_LIB_CRAWL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

class CrawlState {
 public:
  struct Page {
    std::string url;
    int depth = 0;
    std::string kind;     // "start", "list", "ad", "input"
    bool queued = false;  // queued in this run
    bool done = false;    // done in this run
    std::string etag;
    std::string last_modified;
    std::string sha256;
    long status = 0;
    // The page columns of the last row written for the page (empty: none
    // kept). MarkDone with an empty row keeps the one stored.
    std::vector<std::string> row;
  };

  // Opens (creating if need be) the state file. With `resume`, continues the
  // last run (an error if there is none); else starts a new one.
  static Result<std::unique_ptr<CrawlState>> Open(const std::string& path, bool resume);
  ~CrawlState();
  CrawlState(const CrawlState&) = delete;
  CrawlState& operator=(const CrawlState&) = delete;

  int64_t run() const { return run_; }
  // Output bytes after the last row marked done in this run (0 if none).
  int64_t out_bytes() const { return out_bytes_; }

  // What the state knows of `url` (validators from any run; queued/done for
  // this run), or nullopt.
  Result<std::optional<Page>> Lookup(std::string_view url);
  // Marks `url` queued in this run; returns false if it already was.
  Result<bool> Queue(std::string_view url, int depth, std::string_view kind);
  // Marks `url` done in this run with what was fetched, and the output length.
  Status MarkDone(const Page& page, int64_t out_bytes);
  // Pages queued but not done in this run, in the order they were queued.
  Result<std::vector<Page>> Frontier();
  // Counts for this run.
  int64_t done_count() const { return done_count_; }

  // Removes the pages last written before `cutoff` (seconds since 1970),
  // and pages of unknown age, with their rows, from the state file at
  // `path`; keeps the frontier of an interrupted run; rewrites the file
  // (secure_delete, VACUUM) so that nothing removed stays in free pages.
  // Returns the number of pages removed.
  static Result<int64_t> Purge(const std::string& path, int64_t cutoff);
  // A free-form value kept with the state (e.g. the profile in use).
  Result<std::string> GetMeta(std::string_view key);
  Status SetMeta(std::string_view key, std::string_view value);

 private:
  CrawlState() = default;
  Status Exec(const char* sql);
  void* db_ = nullptr;
  void* queue_stmt_ = nullptr;
  void* done_stmt_ = nullptr;
  void* lookup_stmt_ = nullptr;
  void* meta_stmt_ = nullptr;
  int64_t run_ = 0;
  int64_t out_bytes_ = 0;
  int64_t done_count_ = 0;
  int64_t seq_ = 0;
  std::string path_;
};

}  // namespace karta

#endif  // KARTA_LIB_CRAWL_H_
