// karta fetch: get pages over HTTP(S) politely, crawl a site by profile, and
// turn each page into one CSV row of visible text and profile fields.
//
// Reads URLs (CSV with a `url` column, other columns kept; or plain lines with
// --text), or crawls from a site profile (--site FILE, TOML), or replays a WARC
// file offline (--from-warc FILE). Writes one row per page: the input columns,
// then url, final_url, status, error, fetched_at, content_type, sha256, site,
// title, text, then the profile's fields. Every failure is a row with its
// status and error. Transport, politeness, retries and limits live in
// lib/http; HTML in lib/html; robots.txt in lib/robots; crawl state in
// lib/crawl; WARC in lib/warc.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include "lib/civil.h"
#include "lib/crawl.h"
#include "lib/dates.h"
#include "lib/envvars.h"
#include "lib/html.h"
#include "lib/http.h"
#include "lib/io.h"
#include "lib/warc.h"
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

const std::vector<std::string> kFetchColumns = {"url",          "final_url", "status",
                                                "error",        "fetched_at", "content_type",
                                                "sha256",       "site",      "title",
                                                "text"};

Result<int64_t> ParseSize(const std::string& s, const char* flag) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  double mult = 1;
  if (unit == "K" || unit == "k" || unit == "KiB") mult = 1024;
  else if (unit == "M" || unit == "m" || unit == "MiB") mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "g" || unit == "GiB") mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) mult = -1;
  // NaN, infinities and sizes past 1 GiB are refused before the cast (a
  // huge value overflowed to a negative limit).
  if (end == s.c_str() || mult < 0 || !(v > 0) || !(v * mult <= double(kMaxBodyBytes))) {
    return Status::Usage(fmt::format("{} '{}': give a size such as 500K, 10M or 1G (at most 1G)",
                                     flag, s));
  }
  return static_cast<int64_t>(v * mult);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(n * 2);
  static const char* kHex = "0123456789abcdef";
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string HostOf(std::string_view url) {
  std::string k = HostKey(url);
  if (k.empty()) return {};
  std::string h = k.substr(k.find("://") + 3);
  size_t colon = h.rfind(':');
  return colon == std::string::npos ? h : h.substr(0, colon);
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line.push_back(',');
    CsvWriter::AppendField(&line, fields[i]);
  }
  return line;
}

// Splits one CSV line (as written by CsvLine) into fields.
std::vector<std::string> SplitCsvLine(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (any) out.push_back(std::move(cur));
  return out;
}

struct Profile {
  std::string path;
  std::string name;
  std::vector<std::string> start;
  std::vector<std::unique_ptr<RE2>> follow;
  std::vector<std::unique_ptr<RE2>> ads;
  int max_depth = 1000;
  int64_t max_pages = 100000;
  std::optional<double> delay;
  bool emit_all = false;  // rows for listing pages too (else only ads and failures)
  bool same_host = true;
  std::vector<std::pair<std::string, XPathField>> fields;
  std::vector<std::string> headers;
  std::vector<std::string> resolve;  // HOST:PORT:ADDRESS, as --resolve
  std::string cookie;
  std::string contact;
  std::string date_field;  // the field whose text becomes posted_at
};

Result<Profile> LoadProfile(const std::string& path) {
  Profile p;
  p.path = path;
  toml::table t;
  try {
    // ${KARTA_PRACTICE_PORT:-18080} and other environment variables (lib/envvars.h).
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Usage(fmt::format("{}: cannot read the site profile (check the path)", path));
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto text = ExpandEnvVars(raw, path);
    if (!text.ok()) return text.status();
    t = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    if (src.begin.line == 0) {
      return Status::Usage(fmt::format("{}: {} (check the path)", path, e.description()));
    }
    return Status::Usage(fmt::format("{}:{}: {} (see karta fetch --help for the profile format)",
                                     path, src.begin.line, e.description()));
  }
  auto bad = [&](const toml::node* n, const std::string& what) {
    int line = n ? static_cast<int>(n->source().begin.line) : 0;
    return Status::Usage(line ? fmt::format("{}:{}: {}", path, line, what)
                              : fmt::format("{}: {}", path, what));
  };
  static const std::unordered_set<std::string> kKeys = {
      "name", "start", "follow", "ads", "max_depth", "max_pages", "delay", "emit", "same_host",
      "fields", "headers", "cookie", "contact", "resolve", "date_field"};
  for (const auto& [k, v] : t) {
    if (!kKeys.count(std::string(k.str()))) {
      return bad(&v, fmt::format("unknown key '{}' (known: name, start, follow, ads, max_depth, "
                                 "max_pages, delay, emit, same_host, fields, headers, cookie, "
                                 "contact, resolve, date_field)",
                                 k.str()));
    }
  }
  auto strings = [&](const char* key, std::vector<std::string>* out) -> Status {
    const toml::node* n = t.get(key);
    if (!n) return Status::Ok();
    if (auto s = n->value<std::string>()) {
      out->push_back(*s);
      return Status::Ok();
    }
    const toml::array* a = n->as_array();
    if (!a) return bad(n, fmt::format("'{}' must be a string or a list of strings", key));
    for (const toml::node& e : *a) {
      auto s = e.value<std::string>();
      if (!s) return bad(&e, fmt::format("'{}' must be a list of strings", key));
      out->push_back(*s);
    }
    return Status::Ok();
  };
  p.name = t["name"].value_or(std::string());
  KARTA_RETURN_IF_ERROR(strings("start", &p.start));
  if (p.start.empty()) return bad(nullptr, "no start URLs (add start = [\"http://...\"])");
  for (const std::string& u : p.start) {
    if (HostKey(u).empty()) {
      return bad(t.get("start"), fmt::format("start URL '{}' is not an http(s) URL", u));
    }
  }
  for (auto [key, out] : {std::pair{"follow", &p.follow}, std::pair{"ads", &p.ads}}) {
    std::vector<std::string> pats;
    KARTA_RETURN_IF_ERROR(strings(key, &pats));
    for (const std::string& pat : pats) {
      auto re = std::make_unique<RE2>(pat, RE2::Quiet);
      if (!re->ok()) {
        return bad(t.get(key), fmt::format("bad {} pattern '{}': {} (RE2 syntax)", key, pat,
                                           re->error()));
      }
      out->push_back(std::move(re));
    }
  }
  if (p.follow.empty() && p.ads.empty()) {
    return bad(nullptr, "neither 'follow' nor 'ads' patterns: nothing to crawl beyond the start");
  }
  if (auto v = t["max_depth"].value<int64_t>()) p.max_depth = static_cast<int>(*v);
  if (auto v = t["max_pages"].value<int64_t>()) p.max_pages = *v;
  if (auto v = t["delay"].value<double>()) p.delay = *v;
  std::string emit = t["emit"].value_or(std::string("ads"));
  if (emit != "ads" && emit != "all") return bad(t.get("emit"), "emit must be \"ads\" or \"all\"");
  p.emit_all = emit == "all" || p.ads.empty();
  p.same_host = t["same_host"].value_or(true);
  KARTA_RETURN_IF_ERROR(strings("headers", &p.headers));
  KARTA_RETURN_IF_ERROR(strings("resolve", &p.resolve));
  p.cookie = t["cookie"].value_or(std::string());
  p.contact = t["contact"].value_or(std::string());
  if (const toml::node* f = t.get("fields")) {
    const toml::table* ft = f->as_table();
    if (!ft) return bad(f, "[fields] must be a table of name = \"XPath\"");
    // Columns come in the order the file names them (toml++ sorts keys).
    std::vector<std::pair<std::string, const toml::node*>> ordered;
    for (const auto& [k, v] : *ft) ordered.emplace_back(std::string(k.str()), &v);
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      const auto& sa = a.second->source().begin;
      const auto& sb = b.second->source().begin;
      return sa.line != sb.line ? sa.line < sb.line : sa.column < sb.column;
    });
    for (const auto& [k, vp] : ordered) {
      const toml::node& v = *vp;
      auto expr = v.value<std::string>();
      if (!expr) return bad(&v, fmt::format("field '{}' must be an XPath string", k));
      auto x = XPathField::Compile(*expr);
      if (!x.ok()) return bad(&v, fmt::format("field '{}': {}", k, x.status().message()));
      p.fields.emplace_back(k, std::move(*x));
    }
  }
  // The date field: named, or a field called posted_text.
  p.date_field = t["date_field"].value_or(std::string());
  bool has_posted_at = false, has_date = false;
  for (const auto& [name, x] : p.fields) {
    has_posted_at = has_posted_at || name == "posted_at";
    has_date = has_date || name == (p.date_field.empty() ? "posted_text" : p.date_field);
  }
  if (!p.date_field.empty() && !has_date) {
    return bad(t.get("date_field"),
               fmt::format("date_field names '{}', which is not a field in [fields]", p.date_field));
  }
  if (p.date_field.empty() && has_date) p.date_field = "posted_text";
  if (!p.date_field.empty() && has_posted_at) {
    return bad(nullptr, fmt::format("posted_at is filled from the date field '{}'; remove the field "
                                    "posted_at from [fields]",
                                    p.date_field));
  }
  return p;
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

// What fetch saw of one site, for the summary.
struct SiteStats {
  int64_t pages = 0, fetched = 0, unchanged = 0, errors = 0, disallowed = 0, undated = 0;
  std::map<std::string, int64_t> kinds;  // errors by kind ("HTTP 503", "timed out", ...)
  std::string first_error;
};

// The kind of an error message, for the summary.
std::string ErrorKind(const std::string& e) {
  if (e.rfind("HTTP ", 0) == 0) return e.substr(0, 8);
  if (e.rfind("robots.txt unreachable", 0) == 0) return "robots.txt unreachable";
  if (e.rfind("timed out", 0) == 0) return "timed out";
  if (e.rfind("TLS", 0) == 0) return "TLS";
  if (e.find("larger than") != std::string::npos) return "too large";
  return "no connection";
}

// One row sink that writes each row at once (no buffering across rows), so a
// kill loses nothing written; bytes() is the output length for the state.
class RowSink : public RecordSink {
 public:
  RowSink(std::function<Status(std::string_view)> write, bool write_header)
      : write_(std::move(write)), write_header_(write_header) {}
  Status Begin(const Header& h) override {
    if (!write_header_ || h.empty()) return Status::Ok();
    return Emit(h.names());
  }
  Status Push(Record& r) override { return Emit(r.fields); }
  Status End() override { return Status::Ok(); }
  int64_t bytes() const { return bytes_; }
  void set_bytes(int64_t b) { bytes_ = b; }

 private:
  Status Emit(const std::vector<std::string>& fields) {
    line_.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) line_.push_back(',');
      CsvWriter::AppendField(&line_, fields[i]);
    }
    line_.push_back('\n');
    KARTA_RETURN_IF_ERROR(write_(line_));
    bytes_ += static_cast<int64_t>(line_.size());
    return Status::Ok();
  }
  std::function<Status(std::string_view)> write_;
  bool write_header_;
  std::string line_;
  int64_t bytes_ = 0;
};

class FetchStage : public Stage {
 public:
  FetchStage(const ToolEnv& env, Options opts, std::optional<Profile> profile)
      : env_(env), opts_(std::move(opts)), profile_(std::move(profile)) {}

  // Set by the tool: the crawl state (may be null) and a hook called after
  // each row is written that returns the output length (or -1).
  void SetState(CrawlState* state) { state_ = state; }
  void SetAfterRow(std::function<Result<int64_t>()> fn) { after_row_ = std::move(fn); }

  Status Init() {
    FetchOptions fo;
    fo.jobs = std::max(1, opts_.jobs);
    fo.per_host = std::clamp(opts_.per_host, 1, 8);
    fo.delay = opts_.delay ? *opts_.delay : (profile_ && profile_->delay ? *profile_->delay : 1.0);
    fo.retries = std::max(0, opts_.retries);
    fo.retry_wait = opts_.retry_wait;
    fo.max_retry_after = opts_.max_retry_after;
    fo.max_redirects = opts_.max_redirects;
    fo.robots = !opts_.ignore_robots;
    fo.robots_token = "karta";
    auto mb = ParseSize(opts_.max_body, "--max-body");
    if (!mb.ok()) return mb.status();
    auto md = ParseSize(opts_.max_decoded, "--max-decoded");
    if (!md.ok()) return md.status();
    max_decoded_ = *md;
    HttpOptions& h = fo.http;
    h.max_body = *mb;
    h.max_decoded = *md;
    h.timeout_ms = static_cast<long>(opts_.timeout * 1000);
    h.connect_timeout_ms = static_cast<long>(opts_.connect_timeout * 1000);
    h.insecure = opts_.insecure;
    for (const std::string& hd : opts_.headers) {
      if (hd.find(':') == std::string::npos) {
        return Status::Usage(fmt::format("--header '{}': give 'Name: value'", hd));
      }
      h.headers.push_back(hd);
    }
    std::vector<std::string> resolve = opts_.resolve;
    if (profile_) resolve.insert(resolve.end(), profile_->resolve.begin(), profile_->resolve.end());
    for (const std::string& r : resolve) {
      size_t a = r.find(':');
      size_t b = a == std::string::npos ? a : r.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos || b + 1 >= r.size()) {
        return Status::Usage(fmt::format("--resolve '{}': give HOST:PORT:ADDRESS as in curl", r));
      }
      h.resolve.push_back(r);
    }
    h.cookie = opts_.cookie;
    std::string contact = opts_.contact;
    if (profile_) {
      for (const std::string& hd : profile_->headers) h.headers.push_back(hd);
      if (h.cookie.empty()) h.cookie = profile_->cookie;
      if (contact.empty()) contact = profile_->contact;
    }
    if (contact.empty()) {
      if (const char* c = std::getenv("KARTA_CONTACT")) contact = c;
    }
    h.user_agent = contact.empty() ? fmt::format("karta/{}", KARTA_VERSION)
                                   : fmt::format("karta/{} (+{})", KARTA_VERSION, contact);
    no_contact_ = contact.empty();
    h.capture = !opts_.warc.empty();
    if (opts_.from_warc.empty()) {
      auto f = Fetcher::Create(fo);
      if (!f.ok()) return f.status();
      fetcher_ = std::move(*f);
    }
    if (!opts_.warc.empty()) {
      auto w = WarcWriter::Open(opts_.warc, opts_.resume);
      if (!w.ok()) return w.status();
      warc_ = std::move(*w);
      fetcher_->OnExchange([this](const HttpResponse& r) {
        if (!warc_status_.ok()) return;
        auto id = warc_->WriteExchange(r.final_url, r.remote_ip, r.request_head, r.response_head,
                                       r.body);
        if (!id.ok()) {
          warc_status_ = id.status();
        } else if (!id->empty()) {
          last_response_[r.final_url] = *id;
        }
      });
    }
    max_pages_ = opts_.max_pages ? *opts_.max_pages : (profile_ ? profile_->max_pages : 0);
    max_depth_ = opts_.max_depth ? *opts_.max_depth : (profile_ ? profile_->max_depth : 0);
    auto tz = TimeZone::Load(opts_.tz);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    tz_ = *tz;
    if (!opts_.as_of.empty() && opts_.as_of != "now") {
      auto t = ReadTime(opts_.as_of, tz_);
      if (!t) {
        return Status::Usage(fmt::format(
            "--as-of '{}': give 'now' or a time such as 2026-11-22T20:00:00Z", opts_.as_of));
      }
      as_of_ = FormatRfc3339(*t);
    }
    if (!(opts_.max_error_rate >= 0 && opts_.max_error_rate <= 1)) {
      return Status::Usage("--max-error-rate must be from 0 to 1 (a share of the pages, e.g. 0.2)");
    }
    // The crawl state, also when fetch is a stage of a routine.
    if (!opts_.state.empty()) {
      auto s = CrawlState::Open(opts_.state, opts_.resume);
      if (!s.ok()) return s.status();
      own_state_ = std::move(*s);
      state_ = own_state_.get();
    }
    return Status::Ok();
  }

  CrawlState* state() const { return state_; }

  Status Begin(const Header& in) override {
    Header h;
    if (!opts_.from_warc.empty()) {
      // A record is held only up to the decoded-body limit (plus room for
      // its HTTP head): a larger one is reported on its row, not read.
      auto r = WarcReader::Open(opts_.from_warc, max_decoded_ + (int64_t{1} << 20));
      if (!r.ok()) return r.status();
      reader_ = std::move(*r);
      WarcRecord rec;
      auto more = reader_->Next(&rec);
      if (!more.ok()) return more.status();
      if (*more && rec.Get("WARC-Type") == "warcinfo") {
        for (const auto& [k, v] : ParseWarcFields(rec.block)) {
          if (k == "karta-input-header") {
            karta_warc_ = true;
            h = Header(SplitCsvLine(UnescapeField(v)));
          }
        }
      } else if (*more) {
        pending_record_ = std::move(rec);
      }
      input_width_ = h.size();
    } else if (profile_) {
      // A crawl: input rows only add start URLs; their columns are not kept.
      if (!in.empty()) {
        auto i = RequireColumn(in, "url", "with --site, input rows add start URLs");
        if (!i.ok()) return i.status();
        url_idx_ = *i;
      }
    } else if (!in.empty()) {
      h = in;
      auto i = in.Find("url");
      if (!i && in.size() == 1 && in[0] == "text") {
        // --text: the lines are the URLs.
        h = Header(std::vector<std::string>{"url"});
        i = 0;
      }
      if (!i) {
        auto r = RequireColumn(in, "url", "fetch reads URLs from it (or use --text)");
        return r.status();
      }
      url_idx_ = *i;
      input_width_ = h.size();
    }
    input_header_ = h;
    for (const std::string& c : kFetchColumns) col_[c] = h.AddOrGet(c);
    if (profile_ && !profile_->date_field.empty()) posted_col_ = h.AddOrGet("posted_at");
    if (profile_) {
      for (auto& [name, x] : profile_->fields) {
        field_cols_.push_back(h.AddOrGet(name));
        if (name == profile_->date_field) date_col_ = field_cols_.back();
      }
      // The summary names every site the crawl starts on, also one that
      // gives no page at all.
      for (const std::string& u : profile_->start) stats_[SiteOf(u)];
    }
    out_header_ = h;
    width_ = h.size();
    if (state_) {
      // Rows kept in the state are reused only with the same columns.
      std::string layout;
      for (size_t i = input_width_; i < width_; ++i) layout += h[i] + "\n";
      auto old = state_->GetMeta("row_columns");
      if (!old.ok()) return old.status();
      rows_ok_ = *old == layout;
      if (!rows_ok_) KARTA_RETURN_IF_ERROR(state_->SetMeta("row_columns", layout));
    }
    if (warc_) {
      std::string fields = "software: karta/" KARTA_VERSION "\r\nformat: WARC File Format 1.1\r\n";
      fields += "karta-input-header: " + EscapeField(CsvLine(input_header_.names())) + "\r\n";
      auto id = warc_->Write("warcinfo", {{"Content-Type", "application/warc-fields"}}, fields);
      if (!id.ok()) return id.status();
    }
    if (state_ && opts_.resume && !profile_ && opts_.from_warc.empty()) {
      // URL input: queued-but-not-done pages of the last run are fetched
      // again as the input comes by; nothing to load here.
    }
    // Warnings once the run is sure to start.
    if (no_contact_ && opts_.from_warc.empty()) {
      env_.Warn("no contact in the User-Agent: set --contact or KARTA_CONTACT (an e-mail or web "
                "page) so that site owners can reach you");
    }
    if (opts_.ignore_robots && opts_.from_warc.empty()) {
      env_.Warn("--ignore-robots: robots.txt is not read; fetch only where the site owner "
                "allows it");
    }
    last_progress_ = Now();
    start_time_ = last_progress_;
    return next_->Begin(out_header_);
  }

  Status Push(Record& rec) override {
    if (!opts_.from_warc.empty()) return Status::Ok();
    std::string url = Trim(url_idx_ < rec.fields.size() ? rec.fields[url_idx_] : "");
    if (profile_) {
      return AddUrl(url, 0, "start");
    }
    if (state_) {
      auto p = state_->Lookup(url);
      if (!p.ok()) return p.status();
      if (p->has_value() && (*p)->done) return Status::Ok();  // written before the interruption
      auto q = state_->Queue(url, 0, "input");
      if (!q.ok()) return q.status();
    }
    Job job;
    job.fields = std::move(rec.fields);
    job.fields.resize(width_);
    job.kind = "input";
    KARTA_RETURN_IF_ERROR(Submit(url, std::move(job)));
    // Bounded memory: let the fetcher work off its queue before reading more.
    while (fetcher_->pending() >= kMaxPending) KARTA_RETURN_IF_ERROR(Step(200));
    return Status::Ok();
  }

  Status End() override {
    if (!opts_.from_warc.empty()) {
      KARTA_RETURN_IF_ERROR(Replay());
      return next_->End();
    }
    if (profile_) {
      bool resumed = false;
      if (state_ && opts_.resume) {
        auto f = state_->Frontier();
        if (!f.ok()) return f.status();
        auto seen = state_->done_count();
        queued_ = seen;
        for (CrawlState::Page& p : *f) {
          seen_.insert(p.url);
          Job job;
          job.kind = p.kind;
          job.depth = p.depth;
          KARTA_RETURN_IF_ERROR(Submit(p.url, std::move(job)));
          ++queued_;
          resumed = true;
        }
        if (state_->done_count() > 0) resumed = true;
        if (resumed) {
          // Links of pages done before the interruption are in the state.
          resumed_ = true;
        }
      }
      if (!resumed) {
        for (const std::string& u : profile_->start) KARTA_RETURN_IF_ERROR(AddUrl(u, 0, "start"));
      }
    }
    while (fetcher_->pending() > 0) KARTA_RETURN_IF_ERROR(Step(200));
    KARTA_RETURN_IF_ERROR(warc_status_);
    if (env_.stderr_tty && progress_shown_) std::fputs("\r\033[K", stderr);
    Status incomplete = Summarize();
    if (!incomplete.ok() && incomplete.code() != Status::Code::kIncomplete) return incomplete;
    // A routine stops here on a failed site, so that nothing downstream
    // (history record) takes the week as complete.
    if (!incomplete.ok() && env_.stop_on_incomplete) return incomplete;
    KARTA_RETURN_IF_ERROR(next_->End());
    return incomplete;
  }

 private:
  static constexpr size_t kMaxPending = 4096;

  struct Job {
    std::vector<std::string> fields;
    std::string kind;
    int depth = 0;
    std::string sha256;  // from the state, for a 304
    std::vector<std::string> row;  // from the state: the page columns a 304 re-emits
  };

  static double Now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  static std::string Trim(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    return std::string(s);
  }

  Status AddUrl(const std::string& url, int depth, const std::string& kind) {
    if (!seen_.insert(url).second) return Status::Ok();
    if (max_pages_ > 0 && queued_ >= max_pages_) return Status::Ok();
    if (state_) {
      auto q = state_->Queue(url, depth, kind);
      if (!q.ok()) return q.status();
      if (!*q) {
        auto p = state_->Lookup(url);
        if (!p.ok()) return p.status();
        if (p->has_value() && ((*p)->done || (*p)->queued)) return Status::Ok();
      }
    }
    ++queued_;
    Job job;  // fields are sized when the page is done: a queued URL costs little
    job.kind = kind;
    job.depth = depth;
    return Submit(url, std::move(job));
  }

  Status Submit(const std::string& url, Job job) {
    FetchJob fj;
    fj.id = next_id_++;
    fj.url = url;
    if (state_) {
      auto p = state_->Lookup(url);
      if (!p.ok()) return p.status();
      // Listing pages are always fetched in full: their links are needed.
      // An ad page is asked for conditionally only when the state holds its
      // row, so that a 304 can give the ad as it was.
      if (p->has_value() && !(*p)->sha256.empty() && (job.kind == "ad" || job.kind == "input") &&
          rows_ok_ && (*p)->row.size() == width_ - input_width_) {
        fj.etag = (*p)->etag;
        fj.last_modified = (*p)->last_modified;
        job.sha256 = (*p)->sha256;
        job.row = std::move((*p)->row);
      }
    }
    jobs_.emplace(fj.id, std::move(job));
    fetcher_->Add(std::move(fj));
    return Status::Ok();
  }

  Status Step(int timeout_ms) {
    if (env_.cancel && env_.cancel->load()) {
      return Status::Interrupted("interrupted");
    }
    done_.clear();
    KARTA_RETURN_IF_ERROR(fetcher_->Poll(timeout_ms, &done_));
    KARTA_RETURN_IF_ERROR(warc_status_);
    for (FetchResult& r : done_) KARTA_RETURN_IF_ERROR(Process(r));
    Progress();
    return Status::Ok();
  }

  void Progress() {
    if (!env_.stderr_tty) return;
    double now = Now();
    if (now - last_progress_ < 0.5) return;
    last_progress_ = now;
    double rate = pages_ / std::max(0.001, now - start_time_);
    size_t queued = fetcher_ ? fetcher_->pending() : 0;
    std::string eta = "-";
    if (rate > 0 && queued > 0) {
      int s = static_cast<int>(queued / rate);
      eta = fmt::format("{}:{:02d}:{:02d}", s / 3600, s / 60 % 60, s % 60);
    }
    std::string line = fmt::format("\rkarta fetch: {} done, {} queued, {} errors, {:.1f} pages/s, "
                                   "ETA {}\033[K",
                                   pages_, queued, errors_, rate, eta);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    progress_shown_ = true;
  }

  struct Page {
    std::string url, final_url, error, fetched_at, content_type, body, sha256;
    long status = 0;
  };

  // Fills `fields` from a fetched page; returns the page's links when
  // `links` is given and the page is HTML.
  void Extract(const Page& p, std::vector<std::string>* fields, std::vector<std::string>* links,
               bool parse = true) {
    auto& f = *fields;
    f.resize(width_);  // crawl jobs carry no fields until here
    f[col_["url"]] = p.url;
    f[col_["final_url"]] = p.final_url;
    f[col_["status"]] = std::to_string(p.status);
    f[col_["error"]] = p.error;
    f[col_["fetched_at"]] = p.fetched_at;
    f[col_["content_type"]] = p.content_type;
    f[col_["sha256"]] = p.sha256.empty() && p.status >= 200 && p.status < 300 && p.error.empty()
                            ? Sha256Hex(p.body)
                            : p.sha256;
    f[col_["site"]] = SiteOf(p.final_url.empty() ? p.url : p.final_url);
    f[col_["title"]].clear();
    f[col_["text"]].clear();
    for (size_t c : field_cols_) f[c].clear();
    if (posted_col_ != kNone) f[posted_col_].clear();
    if (!p.error.empty() || p.status < 200 || p.status >= 300) return;
    if (!parse || !IsHtmlContentType(p.content_type)) return;  // recorded, not parsed
    auto page = HtmlPage::Parse(p.body, p.content_type, p.final_url);
    if (!page.ok()) {
      f[col_["error"]] = page.status().message();
      return;
    }
    f[col_["title"]] = page->Title();
    f[col_["text"]] = page->VisibleText();
    if (profile_) {
      for (size_t k = 0; k < profile_->fields.size(); ++k) {
        const auto& [name, x] = profile_->fields[k];
        std::string v = x.Eval(*page);
        if (name == "title") {
          if (!v.empty()) f[col_["title"]] = v;
        } else {
          f[field_cols_[k]] = v;
        }
      }
    }
    if (date_col_ != kNone) {
      // posted_at: the date text read against the page's own fetch time.
      DateOptions o;
      o.tz = &tz_;
      o.ref = ParseTimeSeconds(p.fetched_at);
      if (auto t = ReadDate(f[date_col_], o)) f[posted_col_] = FormatRfc3339(*t);
    }
    if (links) *links = page->Links();
  }

  // The site column's value for a URL.
  std::string SiteOf(const std::string& url) const {
    return profile_ && !profile_->name.empty() ? profile_->name : HostOf(url);
  }

  Status Emit(std::vector<std::string>& fields) {
    Record out;
    out.fields = std::move(fields);
    Status st = next_->Push(out);
    fields = std::move(out.fields);
    return st;
  }

  Status Process(FetchResult& r) {
    auto it = jobs_.find(r.id);
    if (it == jobs_.end()) return Status::Ok();
    Job job = std::move(it->second);
    jobs_.erase(it);
    Page p;
    p.url = r.url;
    p.final_url = r.final_url;
    p.status = r.status;
    p.error = r.error;
    p.fetched_at = r.fetched_at;
    p.content_type = r.content_type;
    p.body = std::move(r.body);
    if (!as_of_.empty()) p.fetched_at = as_of_;
    if (r.status == 304) p.sha256 = job.sha256;
    std::vector<std::string> links;
    bool row = !profile_ || profile_->emit_all || job.kind == "ad";
    const bool kept = r.status == 304 && r.error.empty() && !job.row.empty();
    if (kept) {
      // Unchanged since the last crawl: the ad as it was, marked 304.
      job.fields.resize(input_width_);
      job.fields.insert(job.fields.end(), job.row.begin(), job.row.end());
      job.fields[col_["status"]] = "304";
      job.fields[col_["fetched_at"]] = p.fetched_at;
    } else if (row) {
      Extract(p, &job.fields, profile_ ? &links : nullptr);
    } else {
      // A listing page gives no row unless it fails: its links are all that
      // is needed, found without building a document tree.
      Extract(p, &job.fields, nullptr, /*parse=*/false);
      if (p.error.empty() && p.status >= 200 && p.status < 300 &&
          IsHtmlContentType(p.content_type)) {
        links = ScanLinks(p.body, p.content_type, p.final_url);
      }
    }
    bool failed = !job.fields[col_["error"]].empty();
    ++pages_;
    if (failed) ++errors_;
    Count(job.fields, row && !failed);
    // Follow links from listing pages.
    if (profile_ && job.kind != "ad" && job.depth < max_depth_) {
      std::string host = HostOf(p.final_url);
      for (const std::string& l : links) {
        if (profile_->same_host && HostOf(l) != host && !StartHost(l)) continue;
        bool ad = false;
        for (const auto& re : profile_->ads) ad = ad || RE2::PartialMatch(l, *re);
        bool list = false;
        if (!ad) {
          for (const auto& re : profile_->follow) list = list || RE2::PartialMatch(l, *re);
        }
        if (ad || list) KARTA_RETURN_IF_ERROR(AddUrl(l, job.depth + 1, ad ? "ad" : "list"));
      }
    }
    bool emit = !profile_ || profile_->emit_all || job.kind == "ad" || failed;
    // What the state keeps, taken before the row goes downstream (later
    // stages of a routine may change the record in place).
    std::string sha256 = job.fields[col_["sha256"]];
    std::vector<std::string> keep_row;
    if (state_ && emit && !failed && !kept && (job.kind == "ad" || job.kind == "input")) {
      keep_row.assign(job.fields.begin() + static_cast<long>(input_width_), job.fields.end());
    }
    if (emit) {
      if (warc_) {
        std::vector<std::pair<std::string, std::string>> h = {
            {"WARC-Target-URI", p.final_url},
            {"Content-Type", "application/warc-fields"}};
        if (auto lr = last_response_.find(p.final_url); lr != last_response_.end()) {
          h.emplace_back("WARC-Refers-To", lr->second);
          last_response_.erase(lr);
        }
        std::vector<std::string> input(job.fields.begin(),
                                       job.fields.begin() + static_cast<long>(input_width_));
        std::string block;
        block += "karta-url: " + EscapeField(p.url) + "\r\n";
        block += "karta-final-url: " + EscapeField(p.final_url) + "\r\n";
        block += "karta-status: " + std::to_string(p.status) + "\r\n";
        block += "karta-error: " + EscapeField(p.error) + "\r\n";
        block += "karta-fetched-at: " + p.fetched_at + "\r\n";
        block += "karta-sha256: " + job.fields[col_["sha256"]] + "\r\n";
        block += "karta-input-row: " + EscapeField(CsvLine(input)) + "\r\n";
        auto id = warc_->Write("metadata", h, block);
        if (!id.ok()) return id.status();
      }
      KARTA_RETURN_IF_ERROR(Emit(job.fields));
    }
    if (state_) {
      int64_t bytes = -1;
      if (after_row_ && emit) {
        auto b = after_row_();
        if (!b.ok()) return b.status();
        bytes = *b;
      }
      CrawlState::Page sp;
      sp.url = r.url;
      sp.depth = job.depth;
      sp.kind = job.kind;
      sp.status = p.status;
      if (p.status == 304) {
        auto old = state_->Lookup(r.url);
        if (old.ok() && old->has_value()) {
          sp.etag = (*old)->etag;
          sp.last_modified = (*old)->last_modified;
        }
        sp.sha256 = job.sha256;
      } else if (!failed) {
        sp.etag = r.etag;
        sp.last_modified = r.last_modified;
        sp.sha256 = sha256;
        sp.row = std::move(keep_row);
      }
      KARTA_RETURN_IF_ERROR(state_->MarkDone(sp, bytes));
    } else if (after_row_ && emit) {
      auto b = after_row_();
      if (!b.ok()) return b.status();
    }
    return Status::Ok();
  }

  // Counts a page for the summary; `ad_row`: a row of an ad that was read.
  void Count(const std::vector<std::string>& f, bool ad_row) {
    SiteStats& s = stats_[f[col_["site"]]];
    ++s.pages;
    const std::string& e = f[col_["error"]];
    if (e.rfind("disallowed by robots.txt", 0) == 0) {
      ++s.disallowed;
    } else if (!e.empty()) {
      ++s.errors;
      ++s.kinds[ErrorKind(e)];
      if (s.first_error.empty()) s.first_error = e;
    } else if (f[col_["status"]] == "304") {
      ++s.unchanged;
    } else {
      ++s.fetched;
    }
    if (ad_row && posted_col_ != kNone && f[posted_col_].empty()) ++s.undated;
  }

  // The summary: one line on stderr (and one per site not covered), the
  // --summary file; Status::Incomplete if a site was not covered.
  Status Summarize() {
    SiteStats all;
    std::vector<std::string> not_covered;
    std::vector<std::vector<std::string>> rows;
    auto kinds = [](const SiteStats& s) {
      std::string k;
      for (const auto& [kind, n] : s.kinds) k += fmt::format("{}{} {}", k.empty() ? "" : ", ", n, kind);
      return k;
    };
    for (const auto& [site, s] : stats_) {
      all.pages += s.pages;
      all.fetched += s.fetched;
      all.unchanged += s.unchanged;
      all.errors += s.errors;
      all.disallowed += s.disallowed;
      all.undated += s.undated;
      for (const auto& [kind, n] : s.kinds) all.kinds[kind] += n;
      // Coverage is a crawl's: a URL list is what it is.
      std::string why;
      if (!profile_) {
      } else if (s.fetched + s.unchanged == 0) {
        why = s.pages == 0 ? "no page was fetched"
                           : fmt::format("no page could be fetched ({})",
                                         s.first_error.empty() ? "all disallowed by robots.txt"
                                                               : s.first_error);
      } else if (s.errors > opts_.max_error_rate * static_cast<double>(s.pages)) {
        why = fmt::format("{} of {} pages failed ({}), more than --max-error-rate {}", s.errors,
                          s.pages, kinds(s), opts_.max_error_rate);
      }
      if (!why.empty()) {
        not_covered.push_back(site);
        env_.Warn(fmt::format("{}: NOT COVERED: {}; its ads do not count as gone this run", site,
                              why));
      }
      rows.push_back({site, why.empty() ? "1" : "0", std::to_string(s.pages),
                      std::to_string(s.fetched), std::to_string(s.unchanged),
                      std::to_string(s.errors), std::to_string(s.disallowed),
                      std::to_string(s.undated), why});
    }
    std::string line = fmt::format(
        "{} page{} from {} site{}: {} fetched, {} unchanged (304), {} error{}{}, {} disallowed, {} "
        "without a readable date, {:.1f} s",
        all.pages, all.pages == 1 ? "" : "s", stats_.size(), stats_.size() == 1 ? "" : "s",
        all.fetched, all.unchanged, all.errors, all.errors == 1 ? "" : "s",
        all.kinds.empty() ? "" : " (" + kinds(all) + ")", all.disallowed, all.undated,
        Now() - start_time_);
    env_.Warn(line);
    if (!opts_.summary.empty()) {
      rows.push_back({"(all)", not_covered.empty() ? "1" : "0", std::to_string(all.pages),
                      std::to_string(all.fetched), std::to_string(all.unchanged),
                      std::to_string(all.errors), std::to_string(all.disallowed),
                      std::to_string(all.undated), line});
      auto out = OutputFile::Open(opts_.summary);
      if (!out.ok()) return out.status().WithPrefix("--summary");
      std::string text = "site,covered,pages,fetched,unchanged,errors,disallowed,unreadable_dates,note\n";
      for (const auto& r : rows) text += CsvLine(r) + "\n";
      KARTA_RETURN_IF_ERROR((*out)->Write(text));
      KARTA_RETURN_IF_ERROR((*out)->Commit());
    }
    if (not_covered.empty()) return Status::Ok();
    std::string sites;
    for (const auto& s : not_covered) sites += (sites.empty() ? "" : ", ") + s;
    return Status::Incomplete(fmt::format(
        "finished, but incomplete: {} not covered (see the lines above); everything fetched is "
        "written",
        sites));
  }

  bool StartHost(const std::string& url) {
    std::string h = HostOf(url);
    for (const std::string& s : profile_->start) {
      if (HostOf(s) == h) return true;
    }
    return false;
  }

  std::string OversizedError(int64_t bytes) const {
    return fmt::format("the WARC record holds {} bytes, more than --max-decoded ({} bytes); "
                       "not replayed (raise --max-decoded if the page is right)",
                       bytes, max_decoded_);
  }

  Status Replay() {
    struct Resp {
      std::string uri, date, block;
      int64_t oversized = 0;
    };
    std::unordered_map<std::string, Resp> responses;
    std::deque<std::string> order;
    size_t held = 0;  // bytes of the blocks in `responses`
    constexpr size_t kMaxHeldBytes = size_t{128} << 20;
    WarcRecord rec;
    bool first = true;
    for (;;) {
      if (env_.cancel && env_.cancel->load()) return Status::Interrupted("interrupted");
      if (first && pending_record_) {
        rec = std::move(*pending_record_);
        pending_record_.reset();
      } else {
        auto more = reader_->Next(&rec);
        if (!more.ok()) return more.status();
        if (!*more) break;
      }
      first = false;
      std::string type = rec.Get("WARC-Type");
      if (type == "response") {
        Resp resp{rec.Get("WARC-Target-URI"), rec.Get("WARC-Date"), std::move(rec.block)};
        resp.oversized = rec.oversized;
        if (!karta_warc_) {
          HttpMessage m = ParseHttpResponse(resp.block, max_decoded_);
          Page p;
          p.url = p.final_url = resp.uri;
          p.status = m.status;
          p.error = resp.oversized ? OversizedError(resp.oversized) : m.error;
          if (p.error.empty() && m.status >= 400) p.error = fmt::format("HTTP {}", m.status);
          p.fetched_at = resp.date;
          p.content_type = m.content_type;
          p.body = std::move(m.body);
          std::vector<std::string> fields(width_);
          Extract(p, &fields, nullptr);
          KARTA_RETURN_IF_ERROR(Emit(fields));
          continue;
        }
        std::string id = rec.Get("WARC-Record-ID");
        held += resp.block.size();
        if (auto old = responses.find(id); old != responses.end()) held -= old->second.block.size();
        responses[id] = std::move(resp);
        order.push_back(id);
        // Responses wait for their metadata record; bound them in number and
        // in bytes (a WARC of many large responses without metadata).
        while (order.size() > 4096 || (held > kMaxHeldBytes && order.size() > 1)) {
          if (auto it = responses.find(order.front()); it != responses.end()) {
            held -= it->second.block.size();
            responses.erase(it);
          }
          order.pop_front();
        }
      } else if (type == "metadata" && karta_warc_) {
        std::unordered_map<std::string, std::string> kv;
        for (auto& [k, v] : ParseWarcFields(rec.block)) kv[k] = UnescapeField(v);
        if (!kv.count("karta-url")) continue;
        Page p;
        p.url = kv["karta-url"];
        p.final_url = kv["karta-final-url"];
        p.status = std::strtol(kv["karta-status"].c_str(), nullptr, 10);
        p.error = kv["karta-error"];
        p.fetched_at = kv["karta-fetched-at"];
        p.sha256 = kv["karta-sha256"];
        std::string ref = rec.Get("WARC-Refers-To");
        if (auto it = responses.find(ref); it != responses.end()) {
          HttpMessage m = ParseHttpResponse(it->second.block, max_decoded_);
          p.content_type = m.content_type;
          p.body = std::move(m.body);
          if (it->second.oversized) {
            p.error = OversizedError(it->second.oversized);
          } else if (!m.error.empty() && p.error.empty()) {
            p.error = m.error;
          }
          held -= it->second.block.size();
          responses.erase(it);
        }
        if (p.status >= 200 && p.status < 300 && p.error.empty()) p.sha256.clear();
        std::vector<std::string> fields = SplitCsvLine(kv["karta-input-row"]);
        fields.resize(input_width_);
        Extract(p, &fields, nullptr);
        KARTA_RETURN_IF_ERROR(Emit(fields));
      }
    }
    return Status::Ok();
  }

  static constexpr size_t kNone = static_cast<size_t>(-1);

  ToolEnv env_;  // a copy: `karta run` may build stages from a temporary env
  Options opts_;
  std::optional<Profile> profile_;
  std::unique_ptr<CrawlState> own_state_;
  CrawlState* state_ = nullptr;
  TimeZone tz_ = TimeZone::Default();
  std::string as_of_;             // --as-of as RFC 3339, or empty: now
  size_t posted_col_ = kNone;     // posted_at, when the profile has a date field
  size_t date_col_ = kNone;       // the date field's column
  bool rows_ok_ = false;          // the state's rows have this run's columns
  std::map<std::string, SiteStats> stats_;
  std::function<Result<int64_t>()> after_row_;
  std::unique_ptr<Fetcher> fetcher_;
  std::unique_ptr<WarcWriter> warc_;
  Status warc_status_;
  std::unordered_map<std::string, std::string> last_response_;
  std::unique_ptr<WarcReader> reader_;
  std::optional<WarcRecord> pending_record_;
  bool karta_warc_ = false;
  int64_t max_decoded_ = int64_t{50} << 20;
  Header input_header_;
  Header out_header_;
  size_t input_width_ = 0;
  size_t width_ = 0;
  size_t url_idx_ = 0;
  std::unordered_map<std::string, size_t> col_;
  std::vector<size_t> field_cols_;
  std::unordered_map<uint64_t, Job> jobs_;
  std::unordered_set<std::string> seen_;
  std::vector<FetchResult> done_;
  uint64_t next_id_ = 1;
  int64_t queued_ = 0;
  int64_t max_pages_ = 0;
  int max_depth_ = 0;
  int64_t pages_ = 0;
  int64_t errors_ = 0;
  bool resumed_ = false;
  bool no_contact_ = false;
  double last_progress_ = 0;
  double start_time_ = 0;
  bool progress_shown_ = false;
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
    app->add_option("--connect-timeout", o_.connect_timeout, "Seconds to connect")
        ->default_val(10);
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
    app->add_option("--warc", o_.warc, "Also write every request and response to FILE (WARC 1.1, "
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
    auto st = Check();
    if (!st.ok()) return st;
    std::optional<Profile> profile;
    if (!o_.site.empty()) {
      auto p = LoadProfile(o_.site);
      if (!p.ok()) return p.status();
      profile = std::move(*p);
    }
    auto stage = std::make_unique<FetchStage>(env, o_, std::move(profile));
    KARTA_RETURN_IF_ERROR(stage->Init());
    return std::unique_ptr<Stage>(std::move(stage));
  }

  Status Run(const ToolEnv& env) override {
    auto made = MakeStage(env);
    if (!made.ok()) return made.status();
    auto* stage = static_cast<FetchStage*>(made->get());
    CrawlState* state = stage->state();  // opened by the stage (--state)
    // Output: rows are written one by one as pages complete.
    const std::string& out_path = env.common.output;
    std::unique_ptr<OutputFile> out;
    int fd = -1;
    bool write_header = true;
    int64_t start_bytes = 0;
    if (out_path == "-" || out_path.empty() || !state) {
      auto o = OutputFile::Open(out_path.empty() ? "-" : out_path);
      if (!o.ok()) return o.status();
      out = std::move(*o);
    } else {
      // With a state the output file is written in place so that a kill
      // keeps every row, and cut back to the last recorded row on --resume.
      // (An append mode: never through a symbolic link, only a regular file,
      // and made 0600 whatever mode it had. Recovery: --resume cuts it back
      // to the last row the state recorded.)
      fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
      if (fd < 0) {
        return Status::Io(fmt::format("{}: cannot write ({}{})", out_path, std::strerror(errno),
                                      errno == ELOOP ? "; karta does not write through symbolic "
                                                       "links: name the real file"
                                                     : ""));
      }
      struct stat ost;
      if (::fstat(fd, &ost) != 0 || !S_ISREG(ost.st_mode) ||
          ((ost.st_mode & 0777) != 0600 && ::fchmod(fd, 0600) != 0)) {
        ::close(fd);
        return Status::Io(fmt::format(
            "{}: with --state, -o must name a regular file karta can make private (0600)",
            out_path));
      }
      int64_t keep = o_.resume ? state->out_bytes() : 0;
      if (::ftruncate(fd, keep) != 0 || ::lseek(fd, keep, SEEK_SET) < 0) {
        ::close(fd);
        return Status::Io(fmt::format("{}: cannot cut back the output ({})", out_path,
                                      std::strerror(errno)));
      }
      write_header = keep == 0;
      start_bytes = keep;
    }
    auto write = [&](std::string_view s) -> Status {
      if (out) return out->Write(s);
      while (!s.empty()) {
        ssize_t w = ::write(fd, s.data(), s.size());
        if (w < 0) {
          if (errno == EINTR) continue;
          return Status::Io(fmt::format("{}: cannot write ({})", out_path, std::strerror(errno)));
        }
        s.remove_prefix(static_cast<size_t>(w));
      }
      return Status::Ok();
    };
    RowSink sink(write, write_header);
    sink.set_bytes(start_bytes);
    stage->SetNext(&sink);
    stage->SetAfterRow([&]() -> Result<int64_t> {
      if (out && out->is_stdout()) KARTA_RETURN_IF_ERROR(out->Flush());
      return sink.bytes();
    });
    Status st;
    int64_t records = 0;
    if ((!o_.site.empty() || !o_.from_warc.empty()) && env.common.inputs.empty()) {
      st = stage->Begin(Header());
      if (st.ok()) st = stage->End();
    } else {
      auto reader = CsvReader::Open(env.common.inputs, env.Csv());
      if (!reader.ok()) return reader.status();
      st = Pump(reader->get(), stage);
      records = (*reader)->records();
    }
    (void)records;
    if (fd >= 0) ::close(fd);
    if (st.code() == Status::Code::kInterrupted) {
      if (out) KARTA_RETURN_IF_ERROR(out->Commit());
      return Status::Interrupted(fmt::format(
          "interrupted; the rows written so far are kept{}",
          state ? " (run again with --resume to continue)" : ""));
    }
    if (!st.ok() && st.code() != Status::Code::kIncomplete) return st;
    if (out) KARTA_RETURN_IF_ERROR(out->Commit());
    return st;  // Ok, or finished but incomplete (exit 3) with every row written
  }

 private:
  Status Check() {
    if (o_.resume && o_.state.empty()) {
      return Status::Usage("--resume needs --state FILE (the state of the run to continue)");
    }
    if (!o_.from_warc.empty() && (!o_.warc.empty() || !o_.state.empty())) {
      return Status::Usage("--from-warc replays a WARC offline; it cannot be used with --warc or "
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
};

}  // namespace

ToolInfo FetchTool() {
  return {"fetch",
          "Get pages politely (robots.txt, delays, retries), crawl by site profile, extract text",
          kHelp, kInputFlags | kInputFiles | kOutput,
          [] { return std::unique_ptr<Tool>(new Fetch()); }};
}

}  // namespace karta
