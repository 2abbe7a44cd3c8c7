#include "lib/http.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "lib/civil.h"
#include "lib/text.h"

namespace karta {
namespace {

double MonoNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct CurlInit {
  CurlInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

std::string HumanBytes(int64_t n) {
  if (n >= (int64_t{1} << 20) && n % (int64_t{1} << 20) == 0) {
    return fmt::format("{} MiB", n >> 20);
  }
  if (n >= 1024 && n % 1024 == 0) return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} bytes", n);
}

}  // namespace

struct HttpClient::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  HttpResponse resp;
  const HttpOptions* opts = nullptr;
  bool too_big = false;
  bool too_big_decoded = false;
  char errbuf[CURL_ERROR_SIZE] = {0};

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }

  static size_t OnWrite(char* p, size_t size, size_t n, void* self) {
    auto* t = static_cast<Transfer*>(self);
    size_t len = size * n;
    if (static_cast<int64_t>(t->resp.body.size() + len) > t->opts->max_decoded) {
      t->too_big_decoded = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->resp.body.append(p, len);
    return len;
  }

  static size_t OnHeader(char* p, size_t size, size_t n, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string_view line(p, size * n);
    if (StartsWithNoCaseAscii(line, "HTTP/")) {
      // A new response (after 100 Continue, or a followed redirect).
      t->resp.response_head.clear();
      t->resp.etag.clear();
      t->resp.last_modified.clear();
    } else if (StartsWithNoCaseAscii(line, "etag:")) {
      t->resp.etag = std::string(TrimAsciiSpace(line.substr(5)));
    } else if (StartsWithNoCaseAscii(line, "last-modified:")) {
      t->resp.last_modified = std::string(TrimAsciiSpace(line.substr(14)));
    }
    if (t->opts->capture) t->resp.response_head.append(line);
    return size * n;
  }

  static int OnProgress(void* self, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(self);
    if (dlnow > t->opts->max_body) {
      t->too_big = true;
      return 1;
    }
    return 0;
  }

  static int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
    auto* t = static_cast<Transfer*>(self);
    if (type == CURLINFO_HEADER_OUT) t->resp.request_head.assign(data, size);
    return 0;
  }
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(const HttpOptions& opts) {
  static CurlInit init;
  std::unique_ptr<HttpClient> c(new HttpClient(opts));
  CURLM* m = curl_multi_init();
  if (!m) return Status::Io("cannot start libcurl");
  c->multi_ = m;
  curl_multi_setopt(m, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(opts.max_host_connections));
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(opts.max_connections));
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(opts.max_connections * 4 + 8));
  curl_slist* resolve = nullptr;
  for (const std::string& r : opts.resolve) resolve = curl_slist_append(resolve, r.c_str());
  c->resolve_ = resolve;
  return c;
}

HttpClient::HttpClient(const HttpOptions& opts) : opts_(opts) {}

HttpClient::~HttpClient() {
  for (auto& [easy, t] : transfers_) {
    curl_multi_remove_handle(static_cast<CURLM*>(multi_), t->easy);
  }
  transfers_.clear();
  if (multi_) curl_multi_cleanup(static_cast<CURLM*>(multi_));
  if (resolve_) curl_slist_free_all(static_cast<curl_slist*>(resolve_));
}

void HttpClient::Start(HttpRequest req) {
  auto t = std::make_unique<Transfer>();
  t->opts = &opts_;
  t->resp.id = req.id;
  t->resp.url = req.url;
  t->resp.final_url = req.url;
  CURL* e = curl_easy_init();
  t->easy = e;
  curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::OnWrite);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &Transfer::OnProgress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, t.get());
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // http and https only, also on redirects.
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, req.follow ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
  curl_easy_setopt(e, CURLOPT_USERAGENT, opts_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, opts_.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, opts_.timeout_ms);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opts_.max_body));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, opts_.insecure ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, opts_.insecure ? 0L : 2L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  for (const std::string& h : opts_.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  for (const std::string& h : req.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  if (!opts_.cookie.empty()) curl_easy_setopt(e, CURLOPT_COOKIE, opts_.cookie.c_str());
  if (resolve_) curl_easy_setopt(e, CURLOPT_RESOLVE, static_cast<curl_slist*>(resolve_));
  if (opts_.capture) {
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Transfer::OnDebug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, t.get());
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  }
  curl_multi_add_handle(static_cast<CURLM*>(multi_), e);
  transfers_.emplace(e, std::move(t));
}

Status HttpClient::Poll(int timeout_ms, std::vector<HttpResponse>* done) {
  CURLM* m = static_cast<CURLM*>(multi_);
  int running = 0;
  auto drain = [&]() -> size_t {
    size_t n = 0;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = transfers_.find(e);
      if (it == transfers_.end()) continue;
      Transfer& t = *it->second;
      HttpResponse& r = t.resp;
      long status = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
      r.status = status;
      char* s = nullptr;
      if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s) r.content_type = s;
      if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s) r.final_url = s;
      if (curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &s) == CURLE_OK && s) r.location = s;
      if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &s) == CURLE_OK && s) r.remote_ip = s;
      curl_off_t ra = -1;
      if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0) {
        r.retry_after = static_cast<int64_t>(ra);
      }
      r.fetched_at = NowRfc3339();
      if (t.too_big_decoded) {
        r.error = fmt::format("decoded body larger than {} (--max-decoded; a compression bomb?)",
                              HumanBytes(opts_.max_decoded));
        r.body.clear();
      } else if (t.too_big || code == CURLE_FILESIZE_EXCEEDED) {
        r.error = fmt::format("body larger than {} (--max-body)", HumanBytes(opts_.max_body));
        r.body.clear();
      } else if (code != CURLE_OK) {
        std::string detail = t.errbuf[0] ? t.errbuf : curl_easy_strerror(code);
        switch (code) {
          case CURLE_OPERATION_TIMEDOUT:
            r.error = "timed out (" + detail + ")";
            r.retryable = true;
            break;
          case CURLE_COULDNT_CONNECT:
          case CURLE_SEND_ERROR:
          case CURLE_RECV_ERROR:
          case CURLE_GOT_NOTHING:
          case CURLE_PARTIAL_FILE:
          case CURLE_HTTP2:
          case CURLE_HTTP2_STREAM:
            r.error = detail;
            r.retryable = true;
            break;
          case CURLE_UNSUPPORTED_PROTOCOL:
            r.error = "scheme not allowed: http and https only (" + detail + ")";
            break;
          case CURLE_PEER_FAILED_VERIFICATION:
          case CURLE_SSL_CONNECT_ERROR:
            r.error = "TLS: " + detail + " (--insecure skips certificate checks)";
            break;
          default:
            r.error = detail;
        }
        r.body.clear();
        if (r.status != 0 && !r.retryable) r.status = status;
      }
      curl_multi_remove_handle(m, e);
      done->push_back(std::move(r));
      transfers_.erase(it);
      ++n;
    }
    return n;
  };
  curl_multi_perform(m, &running);
  if (drain() > 0) return Status::Ok();
  int fds = 0;
  curl_multi_poll(m, nullptr, 0, timeout_ms, &fds);
  curl_multi_perform(m, &running);
  drain();
  return Status::Ok();
}

std::string HostKey(std::string_view url) {
  CURLU* u = curl_url();
  std::string s(url);
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, s.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    if (scheme && host && port) {
      std::string sc = scheme;
      if (sc == "http" || sc == "https") {
        std::string h = host;
        for (char& c : h) c = AsciiLower(c);
        out = sc + "://" + h + ":" + port;
      }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return out;
}

std::string UrlScheme(std::string_view url) {
  size_t c = url.find(':');
  if (c == std::string_view::npos) return {};
  std::string s(url.substr(0, c));
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '+' || ch == '-' || ch == '.')) {
      return {};
    }
  }
  for (char& ch : s) ch = AsciiLower(ch);
  return s;
}

// ---- Fetcher ----

Result<std::unique_ptr<Fetcher>> Fetcher::Create(const FetchOptions& opts) {
  // Politeness and size bounds are checked here, whatever set them (a flag
  // or a site profile): a NaN or negative delay removed the per-host delay,
  // an infinite one hung, and an overflowed size became negative.
  auto seconds = [](double v, double max, const char* what) -> Status {
    if (!std::isfinite(v) || v < 0 || v > max) {
      return Status::Usage(
          fmt::format("{} {}: give a number of seconds from 0 to {:g}", what, v, max));
    }
    return Status::Ok();
  };
  KARTA_RETURN_IF_ERROR(
      seconds(opts.delay, kMaxDelaySeconds, "the delay (--delay, or delay in the site profile)"));
  KARTA_RETURN_IF_ERROR(seconds(opts.retry_wait, kMaxDelaySeconds, "--retry-wait"));
  KARTA_RETURN_IF_ERROR(seconds(opts.max_retry_after, 86400, "--max-retry-after"));
  for (auto [v, what] : {std::pair{opts.http.max_body, "--max-body"},
                         std::pair{opts.http.max_decoded, "--max-decoded"}}) {
    if (v <= 0 || v > kMaxBodyBytes) {
      return Status::Usage(
          fmt::format("{} {}: give a size from 1 byte to {} GiB", what, v, kMaxBodyBytes >> 30));
    }
  }
  std::unique_ptr<Fetcher> f(new Fetcher(opts));
  HttpOptions h = opts.http;
  h.max_connections = std::max(1, opts.jobs);
  h.max_host_connections = std::max(1, opts.per_host);
  KARTA_ASSIGN_OR_RETURN(auto c, HttpClient::Create(h));
  f->client_ = std::move(c);
  return f;
}

Fetcher::~Fetcher() = default;

void Fetcher::Add(FetchJob job) {
  ++pending_;
  Task t;  // `current` stays empty until a redirect: a queued URL is stored once
  t.job = std::move(job);
  Enqueue(std::move(t), false);
}

void Fetcher::Enqueue(Task task, bool front) {
  std::string key = HostKey(Cur(task));
  Host& h = hosts_[key];  // "" collects URLs that are not http(s); failed in StartReady
  if (h.delay == 0) h.delay = opts_.delay;
  if (front) {
    h.queue.push_front(std::move(task));
  } else {
    h.queue.push_back(std::move(task));
  }
}

double Fetcher::Backoff(int attempt) {
  double base = opts_.retry_wait * std::pow(2.0, std::max(0, attempt - 1));
  base = std::min(base, 60.0);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return base * jitter(rng_);
}

void Fetcher::Finish(Task& task, const HttpResponse* r, std::string error,
                     std::vector<FetchResult>* done) {
  FetchResult res;
  res.id = task.job.id;
  res.url = task.job.url;
  res.final_url = Cur(task);
  res.attempts = task.total_attempts;
  res.error = std::move(error);
  if (r) {
    res.status = r->status;
    res.content_type = r->content_type;
    res.etag = r->etag;
    res.last_modified = r->last_modified;
    res.fetched_at = r->fetched_at;
  } else {
    res.fetched_at = NowRfc3339();
  }
  done->push_back(std::move(res));
  --pending_;
}

void Fetcher::StartReady(double now) {
  while (!waiting_.empty() && waiting_.top().at <= now) {
    // priority_queue::top is const; the task is moved out before pop.
    Waiting w = std::move(const_cast<Waiting&>(waiting_.top()));
    waiting_.pop();
    hosts_[w.host].queue.push_front(std::move(w.task));
  }
}

Status Fetcher::Poll(int timeout_ms, std::vector<FetchResult>* done) {
  double now = MonoNow();
  StartReady(now);
  double next_event = now + timeout_ms / 1000.0;
  if (!waiting_.empty()) next_event = std::min(next_event, waiting_.top().at);
  int total = static_cast<int>(client_->running());
  for (auto it = hosts_.begin(); it != hosts_.end();) {
    const std::string& key = it->first;
    Host& h = it->second;
    if (key.empty()) {
      // Not an http(s) URL: nothing to fetch.
      while (!h.queue.empty()) {
        Task t = std::move(h.queue.front());
        h.queue.pop_front();
        std::string scheme = UrlScheme(Cur(t));
        Finish(t, nullptr,
               scheme.empty() || scheme == "http" || scheme == "https"
                   ? "not a valid URL"
                   : fmt::format("scheme '{}' not allowed: http and https only", scheme),
               done);
      }
      it = hosts_.erase(it);
      continue;
    }
    if (h.queue.empty()) {
      // Forget idle hosts whose robots.txt we know only when memory matters;
      // keeping them keeps the robots cache.
      ++it;
      continue;
    }
    if (total >= opts_.jobs) break;
    if (opts_.robots && h.robots_state == 0) {
      if (now < h.next_at) {
        next_event = std::min(next_event, h.next_at);
        ++it;
        continue;
      }
      uint64_t id = next_request_++;
      robots_inflight_[id] = key;
      HttpRequest req;
      req.id = id;
      req.url = key + "/robots.txt";
      req.follow = true;
      client_->Start(std::move(req));
      h.robots_state = 1;
      h.inflight++;
      total++;
      h.next_at = now + h.delay;
      ++it;
      continue;
    }
    if (opts_.robots && h.robots_state == 1) {
      ++it;
      continue;
    }
    while (!h.queue.empty() && h.inflight < opts_.per_host && total < opts_.jobs) {
      if (now < h.next_at) {
        next_event = std::min(next_event, h.next_at);
        break;
      }
      Task t = std::move(h.queue.front());
      h.queue.pop_front();
      if (opts_.robots && !h.robots.Allowed(UrlPathAndQuery(Cur(t)))) {
        Finish(t, nullptr,
               h.robots.kind() == "disallow-all"
                   ? "robots.txt unreachable (server error or no reply), so the site is "
                     "disallowed (RFC 9309; --ignore-robots overrides)"
                   : "disallowed by robots.txt",
               done);
        continue;
      }
      uint64_t id = next_request_++;
      HttpRequest req;
      req.id = id;
      req.url = Cur(t);
      if (t.current.empty()) {
        if (!t.job.etag.empty()) req.headers.push_back("If-None-Match: " + t.job.etag);
        if (!t.job.last_modified.empty()) {
          req.headers.push_back("If-Modified-Since: " + t.job.last_modified);
        }
      }
      client_->Start(std::move(req));
      inflight_.emplace(id, std::make_pair(key, std::move(t)));
      h.inflight++;
      total++;
      if (h.delay > 0) h.next_at = now + h.delay;
    }
    ++it;
  }
  if (!done->empty()) timeout_ms = 0;
  int wait_ms = static_cast<int>(std::ceil(std::max(0.0, next_event - now) * 1000.0));
  wait_ms = std::min(wait_ms, timeout_ms);
  std::vector<HttpResponse> responses;
  KARTA_RETURN_IF_ERROR(client_->Poll(wait_ms, &responses));
  now = MonoNow();
  for (HttpResponse& r : responses) HandleResponse(r, now, done);
  return Status::Ok();
}

void Fetcher::HandleResponse(HttpResponse& r, double now, std::vector<FetchResult>* done) {
  if (on_exchange_) on_exchange_(r);
  if (auto rit = robots_inflight_.find(r.id); rit != robots_inflight_.end()) {
    Host& h = hosts_[rit->second];
    robots_inflight_.erase(rit);
    h.inflight--;
    long status = r.error.empty() ? r.status : 0;
    h.robots = Robots::ForStatus(status, r.body, opts_.robots_token);
    if (h.robots.crawl_delay()) h.delay = std::max(h.delay, *h.robots.crawl_delay());
    h.robots_state = 2;
    return;
  }
  auto it = inflight_.find(r.id);
  if (it == inflight_.end()) return;
  std::string key = std::move(it->second.first);
  Task task = std::move(it->second.second);
  inflight_.erase(it);
  Host& h = hosts_[key];
  h.inflight--;
  task.attempts++;
  task.total_attempts++;
  bool retry_status = r.error.empty() && (r.status == 429 || r.status >= 500);
  if (r.retryable || retry_status) {
    if (r.retry_after > opts_.max_retry_after) {
      Finish(task, &r,
             fmt::format("HTTP {}: Retry-After {} s is longer than --max-retry-after {} s",
                         r.status, r.retry_after, opts_.max_retry_after),
             done);
      return;
    }
    if (task.attempts <= opts_.retries) {
      double wait = Backoff(task.attempts);
      if (r.retry_after >= 0) {
        wait = std::max(wait, static_cast<double>(r.retry_after));
        h.next_at = std::max(h.next_at, now + static_cast<double>(r.retry_after));
      }
      waiting_.push(Waiting{now + wait, seq_++, key, std::move(task)});
      return;
    }
    std::string what = r.error.empty() ? fmt::format("HTTP {}", r.status) : r.error;
    Finish(
        task, &r,
        task.total_attempts > 1 ? fmt::format("{} (after {} attempts)", what, task.attempts) : what,
        done);
    return;
  }
  if (!r.error.empty()) {
    Finish(task, &r, r.error, done);
    return;
  }
  if (r.status >= 300 && r.status < 400 && r.status != 304 && !r.location.empty()) {
    std::string scheme = UrlScheme(r.location);
    if (scheme != "http" && scheme != "https") {
      Finish(task, &r,
             fmt::format("redirect to a disallowed scheme '{}' ({}): http and https only", scheme,
                         r.location),
             done);
      return;
    }
    if (task.redirects >= opts_.max_redirects) {
      Finish(task, &r, fmt::format("more than {} redirects (--max-redirects)", opts_.max_redirects),
             done);
      return;
    }
    task.redirects++;
    task.current = r.location;
    task.attempts = 0;
    Enqueue(std::move(task), true);
    return;
  }
  std::string error;
  if (r.status >= 400) error = fmt::format("HTTP {}", r.status);
  Finish(task, &r, error, done);
  done->back().body = std::move(r.body);
}

}  // namespace karta
