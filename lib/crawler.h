// The fetch engine: turns fetched pages into rows (PageColumns), fetches a
// list of URLs or crawls a site by profile (Crawler), and writes rows one at a
// time so that a kill loses nothing written (RowWriter). WARC replay, the
// offline source of the same rows, is lib/replay.h.
//
// Crawler is a Stage. Without a profile it fetches the URL of every input
// record (column `url`, or the one column of --text input) and appends the
// page columns; with a profile it ignores the input columns (input URLs only
// add start URLs), starts at the profile's start URLs when the input ends, and
// follows links that match the profile's `follow` (listing) and `ads` patterns
// up to max_depth and max_pages. Rows: one per ad page (or per page with
// emit = "all") and one per failed page.
//
// Politeness, retries and limits are lib/http's Fetcher; robots.txt is
// lib/robots; the crawl state (frontier, done set, validators) is
// lib/crawl.h's CrawlState: with a state, a page known from an earlier run is
// asked for with a conditional GET, and a 304 row carries the earlier sha256.
// With `resume`, the frontier of the interrupted run is fetched instead of the
// start URLs, and pages already done are skipped.
//
// The engine never prints: warnings and progress go to callbacks.
//
// Thread-safety: one Crawler per thread.
#ifndef KARTA_LIB_CRAWLER_H_
#define KARTA_LIB_CRAWLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/crawl.h"
#include "lib/dates.h"
#include "lib/http.h"
#include "lib/io.h"
#include "lib/record.h"
#include "lib/site_profile.h"
#include "lib/status.h"
#include "lib/warc.h"

namespace karta {

// The columns fetch appends, in order.
const std::vector<std::string>& FetchColumns();

// One fetched (or replayed) page.
struct FetchedPage {
  std::string url, final_url, error, fetched_at, content_type, body;
  std::string sha256;  // given for a 304 or a replayed failure; else computed
  long status = 0;
};

// The host of a URL without scheme and port ("" if not http(s)).
std::string UrlHost(std::string_view url);

// The output layout: the kept input columns, fetch's columns, posted_at
// (when the profile has a date field), then the profile's fields; and how a
// page fills a row. posted_at is the date field's text read as a time
// (lib/dates: relative forms against the page's fetched_at, local times in
// `tz`), RFC 3339 UTC, or empty when it cannot be read.
class PageColumns {
 public:
  PageColumns(const Header& input, const SiteProfile* profile,
              const TimeZone& tz = TimeZone::Default());
  const Header& header() const { return header_; }
  const Header& input() const { return input_; }
  size_t width() const { return header_.size(); }
  size_t input_width() const { return input_.size(); }

  // Fills fetch's columns of `fields` (resized to width()) from `page`. With
  // `parse`, an HTML page is parsed for title, text and profile fields, and
  // `links` (when given) gets its links.
  void Fill(const FetchedPage& page, std::vector<std::string>* fields,
            std::vector<std::string>* links, bool parse = true) const;
  bool Failed(const std::vector<std::string>& fields) const { return !fields[error_].empty(); }
  const std::string& Sha256(const std::vector<std::string>& fields) const {
    return fields[sha256_];
  }
  size_t status_column() const { return status_; }
  size_t error_column() const { return error_; }
  size_t fetched_at_column() const { return fetched_at_; }
  size_t site_column() const { return site_; }
  // posted_at's column, or kNone without a date field.
  size_t posted_at_column() const { return posted_; }
  static constexpr size_t kNone = static_cast<size_t>(-1);
  // The site column's value for a URL.
  std::string SiteOf(const std::string& url) const;

 private:
  const SiteProfile* profile_;
  TimeZone tz_;
  size_t posted_ = kNone, date_ = kNone;  // posted_at and the date field's column
  Header input_, header_;
  size_t url_, final_url_, status_, error_, fetched_at_, content_type_, sha256_, site_, title_,
      text_;
  std::vector<size_t> field_cols_;
};

struct CrawlerOptions {
  FetchOptions fetch;  // jobs, per_host, retries, http limits; delay/headers merged by Create
  std::optional<double> delay;       // else the profile's, else 1 s
  std::vector<std::string> headers;  // "Name: value"
  std::string cookie;
  std::vector<std::string> resolve;  // HOST:PORT:ADDRESS
  std::string contact;               // given on the command line
  std::string default_contact;       // used when neither flag nor profile names one
  std::string warc;                  // also capture every exchange to this WARC file
  bool resume = false;
  std::optional<int64_t> max_pages;  // else the profile's
  std::optional<int> max_depth;      // else the profile's
  const std::atomic<bool>* cancel = nullptr;
  TimeZone tz = TimeZone::Default();  // for posted_at
  std::string as_of;                  // RFC 3339: fetched_at of every page (else now)
  double max_error_rate = 0.2;        // a crawled site with more failed pages is not covered
  std::string summary;                // also write the summary per site to this CSV file
  // End() returns Status::Incomplete before the next stage's End() (a
  // routine without --keep-going); else after it, every row passed on.
  bool stop_on_incomplete = false;
};

// What the crawler saw of one site, for the summary.
struct SiteStats {
  int64_t pages = 0, fetched = 0, unchanged = 0, errors = 0, disallowed = 0, undated = 0;
  std::map<std::string, int64_t> kinds;  // errors by kind ("HTTP 503", "timed out", ...)
  std::string first_error;
};

// The kind of an error message, for the summary.
std::string ErrorKind(const std::string& error);

struct CrawlProgress {
  int64_t done = 0;
  size_t queued = 0;
  int64_t errors = 0;
  double pages_per_second = 0;
  bool finished = false;  // the last call, when the crawl is over
};

class Crawler : public Stage {
 public:
  // Checks the options and builds the fetcher (a usage error for a bad
  // --header or --resolve). `profile` may be null (a URL list).
  static Result<std::unique_ptr<Crawler>> Create(CrawlerOptions opts,
                                                 std::shared_ptr<const SiteProfile> profile);
  ~Crawler() override;

  // The crawl state (may be null; not owned), or one the crawler owns.
  void SetState(CrawlState* state) { state_ = state; }
  void AdoptState(std::unique_ptr<CrawlState> state) {
    owned_state_ = std::move(state);
    state_ = owned_state_.get();
  }
  CrawlState* state() const { return state_; }
  // Called after each row is written; returns the output length for the
  // state (or -1 when unknown).
  void SetAfterRow(std::function<Result<int64_t>()> fn) { after_row_ = std::move(fn); }
  // Warnings, given once the run starts (no contact, robots ignored).
  void SetWarn(std::function<void(std::string_view)> fn) { warn_ = std::move(fn); }
  // Progress, at most twice a second, and once with finished=true.
  void SetProgress(std::function<void(const CrawlProgress&)> fn) { progress_ = std::move(fn); }

  Status Begin(const Header& in) override;
  Status Push(Record& rec) override;
  // Fetches what is left, then ends with the summary: one line through the
  // warning callback (pages, fetched, unchanged, errors by kind, disallowed,
  // dates not read, time) and one per site not covered (a crawled site that
  // gave no page, or whose share of failed pages is above max_error_rate),
  // the summary file, and Status::Incomplete when a site was not covered.
  Status End() override;

 private:
  struct Job;
  void Count(const std::vector<std::string>& fields, bool ad_row);
  Status Summarize();
  Crawler(CrawlerOptions opts, std::shared_ptr<const SiteProfile> profile);
  Status Init();
  Status AddUrl(const std::string& url, int depth, const std::string& kind);
  Status Submit(const std::string& url, Job job);
  Status Step(int timeout_ms);
  void Progress(bool finished);
  Status Emit(std::vector<std::string>& fields);
  Status Process(FetchResult& r);
  bool StartHost(const std::string& url) const;

  CrawlerOptions opts_;
  std::shared_ptr<const SiteProfile> profile_;
  std::unique_ptr<CrawlState> owned_state_;
  CrawlState* state_ = nullptr;
  std::function<Result<int64_t>()> after_row_;
  std::function<void(std::string_view)> warn_;
  std::function<void(const CrawlProgress&)> progress_;
  std::unique_ptr<Fetcher> fetcher_;
  std::unique_ptr<WarcWriter> warc_;
  Status warc_status_;
  std::unordered_map<std::string, std::string> last_response_;
  std::unique_ptr<PageColumns> cols_;
  size_t url_idx_ = 0;
  std::unordered_map<uint64_t, Job> jobs_;
  std::unordered_set<std::string> seen_;
  std::vector<FetchResult> done_;
  uint64_t next_id_ = 1;
  int64_t queued_ = 0;
  int64_t max_pages_ = 0;
  int max_depth_ = 0;
  int64_t pages_ = 0;
  int64_t errors_ = 0;
  bool no_contact_ = false;
  bool rows_ok_ = false;  // the state's rows have this run's columns
  std::map<std::string, SiteStats> stats_;
  double last_progress_ = 0;
  double start_time_ = 0;
};

// Writes CSV rows one at a time to an OutputFile, flushing each, and counts
// the bytes written (for the crawl state's out_bytes).
class RowWriter : public RecordSink {
 public:
  // `bytes`: the length of what the file already holds; with `header` false,
  // Begin() writes no header row (a resumed run).
  RowWriter(OutputFile* out, bool header, int64_t bytes)
      : out_(out), header_(header), bytes_(bytes) {}
  Status Begin(const Header& h) override;
  Status Push(Record& r) override { return Write(r.fields); }
  Status End() override { return Status::Ok(); }
  int64_t bytes() const { return bytes_; }

 private:
  Status Write(const std::vector<std::string>& fields);
  OutputFile* out_;
  bool header_;
  int64_t bytes_;
  std::string line_;
};

}  // namespace karta

#endif  // KARTA_LIB_CRAWLER_H_
