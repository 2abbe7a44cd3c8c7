// karta fetch: get pages over HTTP(S) politely, crawl a site by profile, and
// turn each page into one CSV row of visible text and profile fields.
//
// Reads URLs (CSV with a `url` column, other columns kept; or plain lines with
// --text), or crawls from a site profile (--site FILE, TOML), or replays a WARC
// file offline (--from-warc FILE). Writes one row per page: the input columns,
// then url, final_url, status, error, fetched_at, content_type, sha256, site,
// title, text, then the profile's fields. Every failure is a row with its
// status and error. This file parses the flags and wires the engine: the
// site profile is lib/site_profile, the crawler (frontier, politeness, rows)
// lib/crawler, the crawl state lib/crawl, WARC replay lib/replay; transport,
// retries and limits lib/http; HTML lib/html; robots.txt lib/robots.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "lib/civil.h"
#include "lib/crawl.h"
#include "lib/crawler.h"
#include "lib/dates.h"
#include "lib/io.h"
#include "lib/replay.h"
#include "lib/site_profile.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
Input is a list of URLs: a CSV file with a 'url' column (the other columns are
kept), or plain lines with --text. With --site, karta crawls a site from a
profile instead: start URLs, which links to follow, and fields to extract.
With --from-warc, pages come from a WARC file (no network).

Output: one row per page with the input columns, then
  url, final_url, status, error, fetched_at, content_type, sha256, site,
  title, text
(and posted_at when the profile has a date field) and one column per
profile field. 'text' is the visible text of the page
(no scripts, styles or hidden parts). A page that failed still has a row:
'status' is the HTTP status (0 if there was no reply) and 'error' says why.
Pages that are not HTML are recorded (status, type, sha256) but not parsed.

Politeness: robots.txt is obeyed (RFC 9309), one request at a time per host
with --delay seconds between them (or the site's Crawl-delay if longer), and
karta names itself in the User-Agent with your --contact (or KARTA_CONTACT).

Examples:
  karta fetch --text urls.txt -o pages.csv --contact outreach@city.example
  karta fetch --site queries/sites/practice.toml -o ads.csv
  karta fetch --site site.toml --state crawl.db -o ads.csv    (resumable)
  karta fetch --site site.toml --state crawl.db -o ads.csv --resume
  karta fetch --text urls.txt --warc evidence.warc.gz -o pages.csv
  karta fetch --from-warc evidence.warc.gz -o pages.csv      (offline replay)
  karta fetch --text urls.txt --cookie 'age_ok=1' --resolve ads.example:80:127.0.0.1

A site profile (TOML):
  name = "practice"                         # the 'site' column
  start = ["http://ads.example/list/1.html"]
  follow = ['/list/\d+\.html$']             # RE2: listing and pagination pages
  ads = ['/ad/\d+\.html$']                  # RE2: pages that become rows
  max_depth = 1000
  max_pages = 20000
  delay = 1.0
  [fields]                                  # XPath; 'title' fills the title column
  title = "//h1"
  posted_at = "//time/@datetime"
  location_field = "//*[@class='location']"
  body = "//*[@class='body']"

  date_field = "posted_text"                # the field holding the posting date
  [fields] ... posted_text = "//*[@class='date']"

Dates: the profile's date field (date_field; by default a field called
posted_text) holds the page's own date text ("igår 14:05", "22 nov 2026
14:05", "för 3 timmar sedan", "2026-11-22 14:05"); posted_at gets it as an
RFC 3339 UTC time, relative forms read against the page's fetched_at and
local times in --tz (default Europe/Stockholm). Text that cannot be read
leaves posted_at empty and is counted in the summary.

State: with --state FILE the crawl state is kept in SQLite. After Ctrl-C or
a kill, run the same command with --resume: the output file (-o) is cut back
to the last page recorded, so no row is lost or written twice. A later run
with the same --state (without --resume) asks for every ad page it has a
row for with If-None-Match/If-Modified-Since; a page that has not changed
answers 304, is not downloaded again, and its row is written as it was last
time (title, text, fields, sha256, posted_at), with status 304 and this
run's fetched_at. Listing pages are always fetched in full.

Summary and exit code: fetch always ends with one line on stderr (pages,
fetched, unchanged, errors by kind, disallowed, dates it could not read,
time), and a line for each site it could not cover. --summary FILE writes
the same per site as CSV (site, covered, pages, fetched, unchanged, errors,
disallowed, unreadable_dates, note; the row '(all)' holds the summary line),
for 'karta history record --coverage FILE'. A site that yielded no page, or
whose share of failed pages is above --max-error-rate, is not covered: fetch
writes everything it has and exits 3 (finished, but incomplete). In 'karta
run' the run stops there, before the later stages finish (so history record
records nothing), unless 'karta run --keep-going'.
)";

Result<int64_t> ParseSize(const std::string& s, const char* flag) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  double mult = 1;
  if (unit == "K" || unit == "k" || unit == "KiB")
    mult = 1024;
  else if (unit == "M" || unit == "m" || unit == "MiB")
    mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "g" || unit == "GiB")
    mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty())
    mult = -1;
  // NaN, infinities and sizes past 1 GiB are refused before the cast (a
  // huge value overflowed to a negative limit).
  if (end == s.c_str() || mult < 0 || !(v > 0) || !(v * mult <= double(kMaxBodyBytes))) {
    return Status::Usage(
        fmt::format("{} '{}': give a size such as 500K, 10M or 1G (at most 1G)", flag, s));
  }
  return static_cast<int64_t>(v * mult);
}

struct Options {
  std::string site;
  int jobs = 8;
  int per_host = 1;
  std::optional<double> delay;
  double timeout = 30;
  double connect_timeout = 10;
  int retries = 3;
  double retry_wait = 1;
  double max_retry_after = 120;
  int max_redirects = 5;
  std::string max_body = "10M";
  std::string max_decoded = "50M";
  std::vector<std::string> headers;
  std::string cookie;
  std::vector<std::string> resolve;
  bool insecure = false;
  bool ignore_robots = false;
  std::string contact;
  std::string state;
  bool resume = false;
  std::string warc;
  std::string from_warc;
  std::optional<int64_t> max_pages;
  std::optional<int> max_depth;
  std::string summary;
  std::string as_of;
  std::string tz;
  double max_error_rate = 0.2;
};

// fetch as the last stage of its chain (the command line, or a routine's
// last stage): it writes -o itself, row by row as pages complete. With a
// crawl state the file is written in place, so that a kill keeps every row,
// and on --resume it is cut back to the last row the state recorded.
class FetchOutput : public OutputStage {
 public:
  FetchOutput(std::unique_ptr<Stage> inner, Crawler* crawler, std::string path, bool resume)
      : inner_(std::move(inner)),
        crawler_(crawler),
        path_(path.empty() ? "-" : std::move(path)),
        resume_(resume) {}

  Status Begin(const Header& header) override {
    CrawlState* state = crawler_ ? crawler_->state() : nullptr;
    const bool in_place = state && path_ != "-";
    const int64_t keep = in_place && resume_ ? state->out_bytes() : 0;
    KARTA_ASSIGN_OR_RETURN(
        auto out, in_place ? OutputFile::OpenInPlace(path_, keep) : OutputFile::Open(path_));
    out_ = std::move(out);
    rows_ = std::make_unique<RowWriter>(out_.get(), keep == 0, keep);
    inner_->SetNext(rows_.get());
    if (crawler_) {
      crawler_->SetAfterRow([this, in_place]() -> Result<int64_t> {
        if (in_place || out_->is_stdout()) KARTA_RETURN_IF_ERROR(out_->Flush());
        return rows_->bytes();
      });
    }
    return Checked(inner_->Begin(header));
  }
  Status Push(Record& record) override { return Checked(inner_->Push(record)); }
  Status End() override {
    Status st = Checked(inner_->End());
    if (!st.ok() && st.code() != Status::Code::kIncomplete) return st;
    KARTA_RETURN_IF_ERROR(out_->Commit());
    return st;  // Ok, or finished but incomplete (exit 3) with every row written
  }
  Status Interrupted(int64_t) override {
    if (!interrupted_.ok()) return interrupted_;
    if (out_) KARTA_RETURN_IF_ERROR(out_->Commit());
    interrupted_ = Status::Interrupted(
        fmt::format("interrupted; the rows written so far are kept{}",
                    crawler_ && crawler_->state() ? " (run again with --resume to continue)" : ""));
    return interrupted_;
  }

 private:
  Status Checked(Status st) {
    if (st.code() == Status::Code::kInterrupted) return Interrupted(0);
    return st;
  }

  std::unique_ptr<Stage> inner_;
  Crawler* crawler_;
  std::string path_;
  bool resume_;
  std::unique_ptr<OutputFile> out_;
  std::unique_ptr<RowWriter> rows_;
  Status interrupted_;
};

class Fetch : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--site", o_.site, "Crawl by a site profile (TOML; see below)")
        ->type_name("FILE");
    app->add_option("-j,--jobs", o_.jobs, "Requests in flight at once, across hosts")
        ->default_val(8);
    app->add_option("--per-host", o_.per_host, "Connections per host (1 or 2 is polite)")
        ->default_val(1);
    app->add_option("--delay", o_.delay,
                    "Seconds between requests to one host (default 1, or the profile's)");
    app->add_option("--timeout", o_.timeout, "Seconds for a whole request")->default_val(30);
    app->add_option("--connect-timeout", o_.connect_timeout, "Seconds to connect")->default_val(10);
    app->add_option("--retries", o_.retries,
                    "Retries after a timeout, a failed connection, 429 or 5xx")
        ->default_val(3);
    app->add_option("--retry-wait", o_.retry_wait,
                    "Seconds before the first retry; doubled each time, with jitter")
        ->default_val(1);
    app->add_option("--max-retry-after", o_.max_retry_after,
                    "Give up on a page whose Retry-After asks for longer (seconds)")
        ->default_val(120);
    app->add_option("--max-redirects", o_.max_redirects, "Redirects to follow")->default_val(5);
    app->add_option("--max-body", o_.max_body, "Largest body to receive (e.g. 10M)")
        ->default_val("10M");
    app->add_option("--max-decoded", o_.max_decoded,
                    "Largest body after gzip/brotli decoding (e.g. 50M)")
        ->default_val("50M");
    app->add_option("--header", o_.headers, "Extra request header 'Name: value' (repeatable)")
        ->type_name("HEADER");
    app->add_option("--cookie", o_.cookie, "Cookie to send, e.g. 'over18=1; lang=sv'");
    app->add_option("--resolve", o_.resolve,
                    "HOST:PORT:ADDRESS: connect to ADDRESS for HOST:PORT, as in curl (repeatable)");
    app->add_flag("--insecure", o_.insecure, "Do not verify TLS certificates");
    app->add_flag("--ignore-robots", o_.ignore_robots,
                  "Do not read robots.txt (warns; only with the site owner's permission)");
    app->add_option("--contact", o_.contact,
                    "E-mail or web page named in the User-Agent (default $KARTA_CONTACT)");
    app->add_option("--state", o_.state, "Keep the crawl state in FILE (SQLite) for --resume")
        ->type_name("FILE");
    app->add_flag("--resume", o_.resume, "Continue the interrupted run kept in --state");
    app->add_option("--warc", o_.warc,
                    "Also write every request and response to FILE (WARC 1.1, "
                    "gzip per record)")
        ->type_name("FILE");
    app->add_option("--from-warc", o_.from_warc, "Read pages from a WARC file instead of the web")
        ->type_name("FILE");
    app->add_option("--max-pages", o_.max_pages, "Crawl at most N pages (default: the profile's)");
    app->add_option("--max-depth", o_.max_depth, "Follow links at most N deep");
    app->add_option("--summary", o_.summary,
                    "Also write the summary per site to FILE (CSV; for history record "
                    "--coverage)")
        ->type_name("FILE");
    app->add_option("--max-error-rate", o_.max_error_rate,
                    "A site with a larger share of failed pages is not covered: exit 3 "
                    "(default 0.2)")
        ->type_name("SHARE");
    app->add_option("--as-of", o_.as_of,
                    "The crawl's time for fetched_at and relative dates: now (default) or an "
                    "RFC 3339 time, to redo a week or replay a site generated for a date")
        ->type_name("TIME");
    app->add_option("--tz", o_.tz, kTzHelp)->type_name("ZONE");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    KARTA_RETURN_IF_ERROR(Check());
    std::shared_ptr<const SiteProfile> profile;
    if (!o_.site.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto p, LoadSiteProfile(o_.site));
      profile = std::make_shared<const SiteProfile>(std::move(p));
    }
    KARTA_ASSIGN_OR_RETURN(auto mb, ParseSize(o_.max_body, "--max-body"));
    KARTA_ASSIGN_OR_RETURN(auto md, ParseSize(o_.max_decoded, "--max-decoded"));
    auto tz = TimeZone::Load(o_.tz);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    if (!o_.from_warc.empty()) {
      auto replay = std::make_unique<WarcReplay>(o_.from_warc, md, profile, env.cancel);
      replay->SetTimeZone(*tz);
      return Output(env, std::move(replay), nullptr);
    }
    CrawlerOptions c;
    c.tz = *tz;
    if (!o_.as_of.empty() && o_.as_of != "now") {
      auto t = ReadTime(o_.as_of, *tz);
      if (!t) {
        return Status::Usage(fmt::format(
            "--as-of '{}': give 'now' or a time such as 2026-11-22T20:00:00Z", o_.as_of));
      }
      c.as_of = FormatRfc3339(*t);
    }
    if (!(o_.max_error_rate >= 0 && o_.max_error_rate <= 1)) {
      return Status::Usage("--max-error-rate must be from 0 to 1 (a share of the pages, e.g. 0.2)");
    }
    c.max_error_rate = o_.max_error_rate;
    c.summary = o_.summary;
    c.stop_on_incomplete = env.stop_on_incomplete;
    FetchOptions& fo = c.fetch;
    fo.jobs = o_.jobs;
    fo.per_host = o_.per_host;
    fo.retries = o_.retries;
    fo.retry_wait = o_.retry_wait;
    fo.max_retry_after = o_.max_retry_after;
    fo.max_redirects = o_.max_redirects;
    fo.robots = !o_.ignore_robots;
    fo.robots_token = "karta";
    HttpOptions& h = fo.http;
    h.max_body = mb;
    h.max_decoded = md;
    h.timeout_ms = static_cast<long>(o_.timeout * 1000);
    h.connect_timeout_ms = static_cast<long>(o_.connect_timeout * 1000);
    h.insecure = o_.insecure;
    c.delay = o_.delay;
    c.headers = o_.headers;
    c.cookie = o_.cookie;
    c.resolve = o_.resolve;
    c.contact = o_.contact;
    if (const char* contact = std::getenv("KARTA_CONTACT")) c.default_contact = contact;
    c.warc = o_.warc;
    c.resume = o_.resume;
    c.max_pages = o_.max_pages;
    c.max_depth = o_.max_depth;
    c.cancel = env.cancel;
    KARTA_ASSIGN_OR_RETURN(auto crawler, Crawler::Create(std::move(c), std::move(profile)));
    ToolEnv warn_env = env;  // a copy: `karta run` may build stages from a temporary env
    crawler->SetWarn([warn_env](std::string_view m) { warn_env.Warn(m); });
    if (env.stderr_tty) {
      crawler->SetProgress([shown = false](const CrawlProgress& p) mutable {
        if (p.finished) {
          if (shown) std::fputs("\r\033[K", stderr);
          return;
        }
        std::string eta = "-";
        if (p.pages_per_second > 0 && p.queued > 0) {
          int s = static_cast<int>(static_cast<double>(p.queued) / p.pages_per_second);
          eta = fmt::format("{}:{:02d}:{:02d}", s / 3600, s / 60 % 60, s % 60);
        }
        std::string line = fmt::format(
            "\rkarta fetch: {} done, {} queued, {} errors, {:.1f} pages/s, ETA {}\033[K", p.done,
            p.queued, p.errors, p.pages_per_second, eta);
        std::fputs(line.c_str(), stderr);
        std::fflush(stderr);
        shown = true;
      });
    }
    // The crawl state belongs to the stage, so that `karta run` and the
    // command line keep it alike.
    if (!o_.state.empty()) {
      if (o_.resume && env.in_routine) {
        return Status::Usage(
            "--resume continues the output file of the interrupted run in place, which a "
            "routine's stage cannot do; run 'karta fetch ... --state FILE --resume -o FILE' "
            "on the command line (--state without --resume works in a routine)");
      }
      KARTA_ASSIGN_OR_RETURN(auto state, CrawlState::Open(o_.state, o_.resume));
      crawler->AdoptState(std::move(state));
    }
    Crawler* c_ptr = crawler.get();
    return Output(env, std::move(crawler), c_ptr);
  }

  bool ReadsInput() const override {
    return (o_.site.empty() && o_.from_warc.empty()) || has_inputs_;
  }

  // Input files given with --site or --from-warc are read too (their rows
  // go to the crawl as they did before the stage path).
  Status TakeInputs(CommonOptions* common) override {
    has_inputs_ = !common->inputs.empty();
    return Status::Ok();
  }

 private:
  // As the last stage, fetch writes -o itself (FetchOutput); before other
  // stages it hands them its rows.
  std::unique_ptr<Stage> Output(const ToolEnv& env, std::unique_ptr<Stage> stage,
                                Crawler* crawler) {
    if (!env.last) return stage;
    return std::make_unique<FetchOutput>(std::move(stage), crawler, env.common.output, o_.resume);
  }

  Status Check() {
    if (o_.resume && o_.state.empty()) {
      return Status::Usage("--resume needs --state FILE (the state of the run to continue)");
    }
    if (!o_.from_warc.empty() && (!o_.warc.empty() || !o_.state.empty())) {
      return Status::Usage(
          "--from-warc replays a WARC offline; it cannot be used with --warc or "
          "--state");
    }
    if (o_.jobs < 1) return Status::Usage("--jobs must be at least 1");
    if (o_.per_host < 1 || o_.per_host > 8) return Status::Usage("--per-host must be 1 to 8");
    if (o_.delay && *o_.delay < 0) return Status::Usage("--delay cannot be negative");
    if (o_.timeout <= 0 || o_.connect_timeout <= 0) {
      return Status::Usage("--timeout and --connect-timeout must be positive");
    }
    if (o_.retries < 0 || o_.max_redirects < 0) {
      return Status::Usage("--retries and --max-redirects cannot be negative");
    }
    return Status::Ok();
  }

  Options o_;
  bool has_inputs_ = false;
};

}  // namespace

ToolInfo FetchTool() {
  return {"fetch",
          "Get pages politely (robots.txt, delays, retries), crawl by site profile, extract text",
          kHelp,
          kInputFlags | kInputFiles | kOutput,
          [] { return std::unique_ptr<Tool>(new Fetch()); },
          ToolRole::kSource};
}

}  // namespace karta
