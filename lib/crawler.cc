#include "lib/crawler.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "lib/csv.h"
#include "lib/digest.h"
#include "lib/html.h"
#include "lib/text.h"

namespace karta {

const std::vector<std::string>& FetchColumns() {
  static const std::vector<std::string> kColumns = {
      "url",          "final_url", "status", "error", "fetched_at",
      "content_type", "sha256",    "site",   "title", "text"};
  return kColumns;
}

std::string UrlHost(std::string_view url) {
  std::string k = HostKey(url);
  if (k.empty()) return {};
  std::string h = k.substr(k.find("://") + 3);
  size_t colon = h.rfind(':');
  return colon == std::string::npos ? h : h.substr(0, colon);
}

PageColumns::PageColumns(const Header& input, const SiteProfile* profile)
    : profile_(profile), input_(input), header_(input) {
  url_ = header_.AddOrGet("url");
  final_url_ = header_.AddOrGet("final_url");
  status_ = header_.AddOrGet("status");
  error_ = header_.AddOrGet("error");
  fetched_at_ = header_.AddOrGet("fetched_at");
  content_type_ = header_.AddOrGet("content_type");
  sha256_ = header_.AddOrGet("sha256");
  site_ = header_.AddOrGet("site");
  title_ = header_.AddOrGet("title");
  text_ = header_.AddOrGet("text");
  if (profile_) {
    for (const auto& field : profile_->fields) field_cols_.push_back(header_.AddOrGet(field.first));
  }
}

void PageColumns::Fill(const FetchedPage& p, std::vector<std::string>* fields,
                       std::vector<std::string>* links, bool parse) const {
  auto& f = *fields;
  f.resize(width());  // crawl jobs carry no fields until here
  f[url_] = p.url;
  f[final_url_] = p.final_url;
  f[status_] = std::to_string(p.status);
  f[error_] = p.error;
  f[fetched_at_] = p.fetched_at;
  f[content_type_] = p.content_type;
  f[sha256_] = p.sha256.empty() && p.status >= 200 && p.status < 300 && p.error.empty()
                   ? Sha256Hex(p.body)
                   : p.sha256;
  f[site_] = profile_ && !profile_->name.empty()
                 ? profile_->name
                 : UrlHost(p.final_url.empty() ? p.url : p.final_url);
  f[title_].clear();
  f[text_].clear();
  for (size_t c : field_cols_) f[c].clear();
  if (!p.error.empty() || p.status < 200 || p.status >= 300) return;
  if (!parse || !IsHtmlContentType(p.content_type)) return;  // recorded, not parsed
  auto page = HtmlPage::Parse(p.body, p.content_type, p.final_url);
  if (!page.ok()) {
    f[error_] = page.status().message();
    return;
  }
  f[title_] = page->Title();
  f[text_] = page->VisibleText();
  if (profile_) {
    for (size_t k = 0; k < profile_->fields.size(); ++k) {
      const auto& [name, x] = profile_->fields[k];
      std::string v = x.Eval(*page);
      if (name == "title") {
        if (!v.empty()) f[title_] = v;
      } else {
        f[field_cols_[k]] = v;
      }
    }
  }
  if (links) *links = page->Links();
}

namespace {

constexpr size_t kMaxPending = 4096;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Crawler::Job {
  std::vector<std::string> fields;
  std::string kind;
  int depth = 0;
  std::string sha256;  // from the state, for a 304
};

Crawler::Crawler(CrawlerOptions opts, std::shared_ptr<const SiteProfile> profile)
    : opts_(std::move(opts)), profile_(std::move(profile)) {}

Crawler::~Crawler() = default;

Result<std::unique_ptr<Crawler>> Crawler::Create(CrawlerOptions opts,
                                                 std::shared_ptr<const SiteProfile> profile) {
  std::unique_ptr<Crawler> c(new Crawler(std::move(opts), std::move(profile)));
  KARTA_RETURN_IF_ERROR(c->Init());
  return c;
}

Status Crawler::Init() {
  FetchOptions& fo = opts_.fetch;
  fo.jobs = std::max(1, fo.jobs);
  fo.per_host = std::clamp(fo.per_host, 1, 8);
  fo.delay = opts_.delay ? *opts_.delay : (profile_ && profile_->delay ? *profile_->delay : 1.0);
  fo.retries = std::max(0, fo.retries);
  HttpOptions& h = fo.http;
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
  if (contact.empty()) contact = opts_.default_contact;
  h.user_agent = contact.empty() ? fmt::format("karta/{}", KARTA_VERSION)
                                 : fmt::format("karta/{} (+{})", KARTA_VERSION, contact);
  no_contact_ = contact.empty();
  h.capture = !opts_.warc.empty();
  auto f = Fetcher::Create(fo);
  if (!f.ok()) return f.status();
  fetcher_ = std::move(*f);
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
  return Status::Ok();
}

Status Crawler::Begin(const Header& in) {
  Header h;
  if (profile_) {
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
  }
  cols_ = std::make_unique<PageColumns>(h, profile_.get());
  if (warc_) {
    std::string fields = "software: karta/" KARTA_VERSION "\r\nformat: WARC File Format 1.1\r\n";
    fields += "karta-input-header: " + EscapeField(CsvWriter::FormatRow(h.names())) + "\r\n";
    auto id = warc_->Write("warcinfo", {{"Content-Type", "application/warc-fields"}}, fields);
    if (!id.ok()) return id.status();
  }
  // Warnings once the run is sure to start.
  if (warn_) {
    if (no_contact_) {
      warn_("no contact in the User-Agent: set --contact or KARTA_CONTACT (an e-mail or web "
            "page) so that site owners can reach you");
    }
    if (!opts_.fetch.robots) {
      warn_("--ignore-robots: robots.txt is not read; fetch only where the site owner "
            "allows it");
    }
  }
  last_progress_ = Now();
  start_time_ = last_progress_;
  return next_->Begin(cols_->header());
}

Status Crawler::Push(Record& rec) {
  std::string url(TrimAsciiSpace(url_idx_ < rec.fields.size() ? rec.fields[url_idx_] : ""));
  if (profile_) return AddUrl(url, 0, "start");
  if (state_) {
    auto p = state_->Lookup(url);
    if (!p.ok()) return p.status();
    if (p->has_value() && (*p)->done) return Status::Ok();  // written before the interruption
    auto q = state_->Queue(url, 0, "input");
    if (!q.ok()) return q.status();
  }
  Job job;
  job.fields = std::move(rec.fields);
  job.fields.resize(cols_->width());
  job.kind = "input";
  KARTA_RETURN_IF_ERROR(Submit(url, std::move(job)));
  // Bounded memory: let the fetcher work off its queue before reading more.
  while (fetcher_->pending() >= kMaxPending) KARTA_RETURN_IF_ERROR(Step(200));
  return Status::Ok();
}

Status Crawler::End() {
  if (profile_) {
    bool resumed = false;
    if (state_ && opts_.resume) {
      auto f = state_->Frontier();
      if (!f.ok()) return f.status();
      queued_ = state_->done_count();
      for (CrawlState::Page& p : *f) {
        seen_.insert(p.url);
        Job job;
        job.kind = p.kind;
        job.depth = p.depth;
        KARTA_RETURN_IF_ERROR(Submit(p.url, std::move(job)));
        ++queued_;
        resumed = true;
      }
      // Links of pages done before the interruption are in the state.
      if (state_->done_count() > 0) resumed = true;
    }
    if (!resumed) {
      for (const std::string& u : profile_->start) KARTA_RETURN_IF_ERROR(AddUrl(u, 0, "start"));
    }
  }
  while (fetcher_->pending() > 0) KARTA_RETURN_IF_ERROR(Step(200));
  KARTA_RETURN_IF_ERROR(warc_status_);
  Progress(/*finished=*/true);
  return next_->End();
}

Status Crawler::AddUrl(const std::string& url, int depth, const std::string& kind) {
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

Status Crawler::Submit(const std::string& url, Job job) {
  FetchJob fj;
  fj.id = next_id_++;
  fj.url = url;
  if (state_) {
    auto p = state_->Lookup(url);
    if (!p.ok()) return p.status();
    // Listing pages are always fetched in full: their links are needed.
    if (p->has_value() && !(*p)->sha256.empty() && (job.kind == "ad" || job.kind == "input")) {
      fj.etag = (*p)->etag;
      fj.last_modified = (*p)->last_modified;
      job.sha256 = (*p)->sha256;
    }
  }
  jobs_.emplace(fj.id, std::move(job));
  fetcher_->Add(std::move(fj));
  return Status::Ok();
}

Status Crawler::Step(int timeout_ms) {
  if (opts_.cancel && opts_.cancel->load()) return Status::Interrupted("interrupted");
  done_.clear();
  KARTA_RETURN_IF_ERROR(fetcher_->Poll(timeout_ms, &done_));
  KARTA_RETURN_IF_ERROR(warc_status_);
  for (FetchResult& r : done_) KARTA_RETURN_IF_ERROR(Process(r));
  Progress(/*finished=*/false);
  return Status::Ok();
}

void Crawler::Progress(bool finished) {
  if (!progress_) return;
  double now = Now();
  if (!finished && now - last_progress_ < 0.5) return;
  last_progress_ = now;
  CrawlProgress p;
  p.done = pages_;
  p.queued = fetcher_->pending();
  p.errors = errors_;
  p.pages_per_second = pages_ / std::max(0.001, now - start_time_);
  p.finished = finished;
  progress_(p);
}

Status Crawler::Emit(std::vector<std::string>& fields) {
  Record out;
  out.fields = std::move(fields);
  Status st = next_->Push(out);
  fields = std::move(out.fields);
  return st;
}

Status Crawler::Process(FetchResult& r) {
  auto it = jobs_.find(r.id);
  if (it == jobs_.end()) return Status::Ok();
  Job job = std::move(it->second);
  jobs_.erase(it);
  FetchedPage p;
  p.url = r.url;
  p.final_url = r.final_url;
  p.status = r.status;
  p.error = r.error;
  p.fetched_at = r.fetched_at;
  p.content_type = r.content_type;
  p.body = std::move(r.body);
  if (r.status == 304) p.sha256 = job.sha256;
  std::vector<std::string> links;
  bool row = !profile_ || profile_->emit_all || job.kind == "ad";
  if (row) {
    cols_->Fill(p, &job.fields, profile_ ? &links : nullptr);
  } else {
    // A listing page gives no row unless it fails: its links are all that
    // is needed, found without building a document tree.
    cols_->Fill(p, &job.fields, nullptr, /*parse=*/false);
    if (p.error.empty() && p.status >= 200 && p.status < 300 &&
        IsHtmlContentType(p.content_type)) {
      links = ScanLinks(p.body, p.content_type, p.final_url);
    }
  }
  bool failed = cols_->Failed(job.fields);
  ++pages_;
  if (failed) ++errors_;
  // Follow links from listing pages.
  if (profile_ && job.kind != "ad" && job.depth < max_depth_) {
    std::string host = UrlHost(p.final_url);
    for (const std::string& l : links) {
      if (profile_->same_host && UrlHost(l) != host && !StartHost(l)) continue;
      bool ad = profile_->IsAd(l);
      bool list = !ad && profile_->IsListing(l);
      if (ad || list) KARTA_RETURN_IF_ERROR(AddUrl(l, job.depth + 1, ad ? "ad" : "list"));
    }
  }
  bool emit = row || failed;
  if (emit) {
    if (warc_) {
      std::vector<std::pair<std::string, std::string>> h = {
          {"WARC-Target-URI", p.final_url}, {"Content-Type", "application/warc-fields"}};
      if (auto lr = last_response_.find(p.final_url); lr != last_response_.end()) {
        h.emplace_back("WARC-Refers-To", lr->second);
        last_response_.erase(lr);
      }
      std::vector<std::string> input(
          job.fields.begin(), job.fields.begin() + static_cast<long>(cols_->input_width()));
      std::string block;
      block += "karta-url: " + EscapeField(p.url) + "\r\n";
      block += "karta-final-url: " + EscapeField(p.final_url) + "\r\n";
      block += "karta-status: " + std::to_string(p.status) + "\r\n";
      block += "karta-error: " + EscapeField(p.error) + "\r\n";
      block += "karta-fetched-at: " + p.fetched_at + "\r\n";
      block += "karta-sha256: " + cols_->Sha256(job.fields) + "\r\n";
      block += "karta-input-row: " + EscapeField(CsvWriter::FormatRow(input)) + "\r\n";
      auto id = warc_->Write("metadata", h, block);
      if (!id.ok()) return id.status();
    }
    KARTA_RETURN_IF_ERROR(Emit(job.fields));
  }
  int64_t bytes = -1;
  if (after_row_ && emit) {
    auto b = after_row_();
    if (!b.ok()) return b.status();
    bytes = *b;
  }
  if (!state_) return Status::Ok();
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
    sp.sha256 = cols_->Sha256(job.fields);
  }
  return state_->MarkDone(sp, bytes);
}

bool Crawler::StartHost(const std::string& url) const {
  std::string h = UrlHost(url);
  for (const std::string& s : profile_->start) {
    if (UrlHost(s) == h) return true;
  }
  return false;
}

Status RowWriter::Begin(const Header& h) {
  if (!header_ || h.empty()) return Status::Ok();
  return Write(h.names());
}

Status RowWriter::Write(const std::vector<std::string>& fields) {
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line_.push_back(',');
    CsvWriter::AppendField(&line_, fields[i]);
  }
  line_.push_back('\n');
  KARTA_RETURN_IF_ERROR(out_->Write(line_));
  bytes_ += static_cast<int64_t>(line_.size());
  return Status::Ok();
}

}  // namespace karta
