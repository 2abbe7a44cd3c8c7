// HTTP: polite concurrent fetching over the libcurl multi interface.
//
// Two layers:
//
// HttpClient runs single HTTP exchanges (no redirects followed) concurrently
// on one curl multi handle: keep-alive and HTTP/2 multiplexing where the
// server offers it, gzip/brotli decoding (CURLOPT_ACCEPT_ENCODING), http and
// https only (CURLOPT_PROTOCOLS_STR), TLS verified unless `insecure`, connect
// and total timeouts, a limit on the bytes received and on the decoded body
// (the transfer is aborted as soon as either is passed: a gzip bomb never
// fills memory), --resolve HOST:PORT:ADDR, extra headers and a cookie;
// proxies come from the usual environment variables (libcurl reads them).
//
// Fetcher schedules jobs over an HttpClient the way a careful crawler must:
//   - at most `jobs` requests in flight, at most `per_host` per host;
//   - a delay between request starts to one host (the larger of `delay` and
//     the host's robots.txt Crawl-delay);
//   - robots.txt fetched once per host before any other request to it
//     (lib/robots.h; 4xx allows all, 5xx or no reply disallows all);
//   - retries with exponential backoff and jitter on timeouts, connection
//     failures, 429 and 5xx, waiting at least Retry-After (and holding the
//     whole host back that long); a Retry-After above `max_retry_after` ends
//     the job with an error instead of a long stall;
//   - redirects followed one hop at a time (each hop is robots-checked and
//     scheduled like any request), at most `max_redirects`; a redirect to any
//     scheme other than http or https ends the job with an error.
// Every job ends in exactly one FetchResult, with status and error set on
// failure: nothing is dropped silently.
//
// Thread-safety: both classes are used from one thread.
#ifndef KARTA_LIB_HTTP_H_
#define KARTA_LIB_HTTP_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/civil.h"  // NowRfc3339
#include "lib/robots.h"
#include "lib/status.h"

namespace karta {

// Bounds Fetcher::Create enforces (a Usage error names the flag): delays
// and retry waits are finite seconds from 0 to kMaxDelaySeconds; body sizes
// are 1 byte to kMaxBodyBytes.
inline constexpr double kMaxDelaySeconds = 3600;
inline constexpr int64_t kMaxBodyBytes = int64_t{1} << 30;

struct HttpOptions {
  std::string user_agent = "karta";
  std::vector<std::string> headers;  // "Name: value"
  std::string cookie;                // "name=value; name2=value2"
  std::vector<std::string> resolve;  // "HOST:PORT:ADDR"
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;
  int64_t max_body = int64_t{10} << 20;     // bytes received
  int64_t max_decoded = int64_t{50} << 20;  // bytes after decoding gzip/br
  bool insecure = false;
  int max_host_connections = 2;
  int max_connections = 8;
  bool capture = false;  // keep the request and response heads (for WARC)
};

struct HttpRequest {
  uint64_t id = 0;
  std::string url;
  std::vector<std::string> headers;  // extra "Name: value" for this request
  bool follow = false;               // follow redirects (robots.txt only)
};

struct HttpResponse {
  uint64_t id = 0;
  std::string url;         // as requested
  std::string final_url;   // after redirects when `follow`, else = url
  long status = 0;         // 0: no HTTP reply
  std::string error;       // "" on a reply; else what went wrong
  bool retryable = false;  // a timeout or connection failure
  std::string content_type;
  std::string body;      // decoded
  std::string location;  // absolute redirect target of a 3xx, if any
  std::string etag;
  std::string last_modified;
  int64_t retry_after = -1;   // seconds, -1 if absent
  std::string request_head;   // when capture: the request as sent
  std::string response_head;  // when capture: status line and headers
  std::string remote_ip;
  std::string fetched_at;  // RFC 3339 UTC, when the reply ended
};

class HttpClient {
 public:
  static Result<std::unique_ptr<HttpClient>> Create(const HttpOptions& opts);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void Start(HttpRequest req);
  size_t running() const { return transfers_.size(); }
  // Drives transfers for at most `timeout_ms` (returning earlier when one
  // ends) and appends the finished ones to `done`.
  Status Poll(int timeout_ms, std::vector<HttpResponse>* done);

  struct Transfer;

 private:
  explicit HttpClient(const HttpOptions& opts);
  HttpOptions opts_;
  void* multi_ = nullptr;
  void* resolve_ = nullptr;  // curl_slist
  std::unordered_map<void*, std::unique_ptr<Transfer>> transfers_;
};

struct FetchOptions {
  HttpOptions http;
  int jobs = 8;
  int per_host = 1;
  double delay = 1.0;  // seconds between request starts to one host
  int retries = 3;
  double retry_wait = 1.0;  // first backoff, doubled each retry (with jitter)
  double max_retry_after = 120;
  int max_redirects = 5;
  bool robots = true;
  std::string robots_token = "karta";
};

struct FetchJob {
  uint64_t id = 0;
  std::string url;
  std::string etag;           // conditional GET: If-None-Match
  std::string last_modified;  // conditional GET: If-Modified-Since
};

struct FetchResult {
  uint64_t id = 0;
  std::string url;
  std::string final_url;
  long status = 0;
  std::string error;
  std::string content_type;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string fetched_at;
  int attempts = 0;
};

class Fetcher {
 public:
  static Result<std::unique_ptr<Fetcher>> Create(const FetchOptions& opts);
  ~Fetcher();

  // Called with every HTTP exchange (robots.txt, redirects and retries
  // included) as it ends; for WARC capture.
  void OnExchange(std::function<void(const HttpResponse&)> fn) { on_exchange_ = std::move(fn); }

  void Add(FetchJob job);
  // Jobs not yet finished (queued, waiting to retry, or in flight).
  size_t pending() const { return pending_; }
  size_t hosts() const { return hosts_.size(); }
  // Starts what politeness allows, drives transfers for at most
  // `timeout_ms`, and appends finished jobs to `done`.
  Status Poll(int timeout_ms, std::vector<FetchResult>* done);

 private:
  struct Task {
    FetchJob job;
    std::string current;  // URL of the next request after a redirect; "" before
    int attempts = 0;     // requests made for the current URL
    int total_attempts = 0;
    int redirects = 0;
  };
  struct Host {
    std::deque<Task> queue;
    int inflight = 0;
    double next_at = 0;    // monotonic seconds: earliest next request start
    int robots_state = 0;  // 0 unknown, 1 fetching, 2 known
    Robots robots;
    double delay = 0;
  };
  struct Waiting {
    double at;
    uint64_t seq;
    std::string host;
    Task task;
    bool operator>(const Waiting& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  explicit Fetcher(const FetchOptions& opts) : opts_(opts) {}
  static const std::string& Cur(const Task& t) { return t.current.empty() ? t.job.url : t.current; }
  void Enqueue(Task task, bool front);
  void StartReady(double now);
  void Finish(Task& task, const HttpResponse* r, std::string error, std::vector<FetchResult>* done);
  void HandleResponse(HttpResponse& r, double now, std::vector<FetchResult>* done);
  double Backoff(int attempt);

  FetchOptions opts_;
  std::unique_ptr<HttpClient> client_;
  std::map<std::string, Host> hosts_;  // by scheme://host:port
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<Waiting>> waiting_;
  std::unordered_map<uint64_t, std::pair<std::string, Task>> inflight_;  // request id -> task
  std::unordered_map<uint64_t, std::string> robots_inflight_;            // request id -> host
  uint64_t next_request_ = 1;
  uint64_t seq_ = 0;
  size_t pending_ = 0;
  std::function<void(const HttpResponse&)> on_exchange_;
  std::mt19937_64 rng_{0x6b61727461};
};

// "scheme://host:port" of an absolute http(s) URL (lower-case), or "" if it
// is not one.
std::string HostKey(std::string_view url);
// The scheme of a URL, lower-case ("" if none).
std::string UrlScheme(std::string_view url);

}  // namespace karta

#endif  // KARTA_LIB_HTTP_H_
