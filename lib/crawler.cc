#include "lib/crawler.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "lib/civil.h"
#include "lib/csv.h"
#include "lib/digest.h"
#include "lib/html.h"
#include "lib/text.h"

namespace karta {

const std::vector<std::string>& FetchColumns() {
  static const std::vector<std::string> kColumns = {"url",        "final_url",    "status", "error",
                                                    "fetched_at", "content_type", "sha256", "site",
                                                    "title",      "text"};
  return kColumns;
}

std::string UrlHost(std::string_view url) {
  std::string k = HostKey(url);
  if (k.empty()) return {};
  std::string h = k.substr(k.find("://") + 3);
  size_t colon = h.rfind(':');
  return colon == std::string::npos ? h : h.substr(0, colon);
}

PageColumns::PageColumns(const Header& input, const SiteProfile* profile, const TimeZone& tz)
    : profile_(profile), tz_(tz), input_(input), header_(input) {
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
  if (profile_ && !profile_->date_field.empty()) posted_ = header_.AddOrGet("posted_at");
  if (profile_) {
    for (const auto& field : profile_->fields) {
      field_cols_.push_back(header_.AddOrGet(field.first));
      if (field.first == profile_->date_field) date_ = field_cols_.back();
    }
  }
}

std::string PageColumns::SiteOf(const std::string& url) const {
  return profile_ && !profile_->name.empty() ? profile_->name : UrlHost(url);
}

std::string ErrorKind(const std::string& e) {
  if (e.rfind("HTTP ", 0) == 0) return e.substr(0, 8);
  if (e.rfind("robots.txt unreachable", 0) == 0) return "robots.txt unreachable";
  if (e.rfind("timed out", 0) == 0) return "timed out";
  if (e.rfind("TLS", 0) == 0) return "TLS";
  if (e.find("larger than") != std::string::npos) return "too large";
  return "no connection";
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
  f[site_] = SiteOf(p.final_url.empty() ? p.url : p.final_url);
  f[title_].clear();
  f[text_].clear();
  for (size_t c : field_cols_) f[c].clear();
  if (posted_ != kNone) f[posted_].clear();
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
  if (date_ != kNone) {
    // posted_at: the date text read against the page's own fetch time.
    DateOptions o;
    o.tz = &tz_;
    o.ref = ParseTimeSeconds(p.fetched_at);
    if (auto t = ReadDate(f[date_], o)) f[posted_] = FormatRfc3339(*t);
  }
  if (links) *links = page->Links();
}

namespace {

constexpr size_t kMaxPending = 4096;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

struct Crawler::Job {
  std::vector<std::string> fields;
  std::string kind;
  int depth = 0;
  std::string sha256;            // from the state, for a 304
  std::vector<std::string> row;  // from the state: the page columns a 304 re-emits
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
  KARTA_ASSIGN_OR_RETURN(auto f, Fetcher::Create(fo));
  fetcher_ = std::move(f);
  if (!opts_.warc.empty()) {
    KARTA_ASSIGN_OR_RETURN(auto w, WarcWriter::Open(opts_.warc, opts_.resume));
    warc_ = std::move(w);
    fetcher_->OnExchange([this](const HttpResponse& r) {
      if (!warc_status_.ok()) return;
      auto id =
          warc_->WriteExchange(r.final_url, r.remote_ip, r.request_head, r.response_head, r.body);
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
      KARTA_ASSIGN_OR_RETURN(auto i,
                             RequireColumn(in, "url", "with --site, input rows add start URLs"));
      url_idx_ = i;
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
  cols_ = std::make_unique<PageColumns>(h, profile_.get(), opts_.tz);
  // The summary names every site the crawl starts on, also one that gives
  // no page at all.
  if (profile_) {
    for (const std::string& u : profile_->start) stats_[cols_->SiteOf(u)];
  }
  if (state_) {
    // Rows kept in the state are reused only with the same columns.
    std::string layout;
    for (size_t i = cols_->input_width(); i < cols_->width(); ++i) {
      layout += cols_->header()[i] + "\n";
    }
    KARTA_ASSIGN_OR_RETURN(auto old, state_->GetMeta("row_columns"));
    rows_ok_ = old == layout;
    if (!rows_ok_) KARTA_RETURN_IF_ERROR(state_->SetMeta("row_columns", layout));
  }
  if (warc_) {
    std::string fields = "software: karta/" KARTA_VERSION "\r\nformat: WARC File Format 1.1\r\n";
    fields += "karta-input-header: " + EscapeField(CsvWriter::FormatRow(h.names())) + "\r\n";
    KARTA_RETURN_IF_ERROR(
        warc_->Write("warcinfo", {{"Content-Type", "application/warc-fields"}}, fields).status());
  }
  // Warnings once the run is sure to start.
  if (warn_) {
    if (no_contact_) {
      warn_(
          "no contact in the User-Agent: set --contact or KARTA_CONTACT (an e-mail or web "
          "page) so that site owners can reach you");
    }
    if (!opts_.fetch.robots) {
      warn_(
          "--ignore-robots: robots.txt is not read; fetch only where the site owner "
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
    KARTA_ASSIGN_OR_RETURN(auto p, state_->Lookup(url));
    if (p.has_value() && p->done) return Status::Ok();  // written before the interruption
    KARTA_RETURN_IF_ERROR(state_->Queue(url, 0, "input").status());
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
      KARTA_ASSIGN_OR_RETURN(auto f, state_->Frontier());
      queued_ = state_->done_count();
      for (CrawlState::Page& p : f) {
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
  Status incomplete = Summarize();
  if (!incomplete.ok() && incomplete.code() != Status::Code::kIncomplete) return incomplete;
  // A routine stops here on a failed site, so that nothing downstream
  // (history record) takes the week as complete.
  if (!incomplete.ok() && opts_.stop_on_incomplete) return incomplete;
  KARTA_RETURN_IF_ERROR(next_->End());
  return incomplete;
}

Status Crawler::AddUrl(const std::string& url, int depth, const std::string& kind) {
  if (!seen_.insert(url).second) return Status::Ok();
  if (max_pages_ > 0 && queued_ >= max_pages_) return Status::Ok();
  if (state_) {
    KARTA_ASSIGN_OR_RETURN(auto q, state_->Queue(url, depth, kind));
    if (!q) {
      KARTA_ASSIGN_OR_RETURN(auto p, state_->Lookup(url));
      if (p.has_value() && (p->done || p->queued)) return Status::Ok();
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
    KARTA_ASSIGN_OR_RETURN(auto p, state_->Lookup(url));
    // Listing pages are always fetched in full: their links are needed.
    // An ad page is asked for conditionally only when the state holds its
    // row, so that a 304 can give the ad as it was.
    if (p.has_value() && !p->sha256.empty() && (job.kind == "ad" || job.kind == "input") &&
        rows_ok_ && p->row.size() == cols_->width() - cols_->input_width()) {
      fj.etag = p->etag;
      fj.last_modified = p->last_modified;
      job.sha256 = p->sha256;
      job.row = std::move(p->row);
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
  if (!opts_.as_of.empty()) p.fetched_at = opts_.as_of;
  if (r.status == 304) p.sha256 = job.sha256;
  std::vector<std::string> links;
  bool row = !profile_ || profile_->emit_all || job.kind == "ad";
  const bool kept = r.status == 304 && r.error.empty() && !job.row.empty();
  if (kept) {
    // Unchanged since the last crawl: the ad as it was, marked 304.
    job.fields.resize(cols_->input_width());
    job.fields.insert(job.fields.end(), job.row.begin(), job.row.end());
    job.fields[cols_->status_column()] = "304";
    job.fields[cols_->fetched_at_column()] = p.fetched_at;
  } else if (row) {
    cols_->Fill(p, &job.fields, profile_ ? &links : nullptr);
  } else {
    // A listing page gives no row unless it fails: its links are all that
    // is needed, found without building a document tree.
    cols_->Fill(p, &job.fields, nullptr, /*parse=*/false);
    if (p.error.empty() && p.status >= 200 && p.status < 300 && IsHtmlContentType(p.content_type)) {
      links = ScanLinks(p.body, p.content_type, p.final_url);
    }
  }
  bool failed = cols_->Failed(job.fields);
  ++pages_;
  if (failed) ++errors_;
  Count(job.fields, row && !failed);
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
  // What the state keeps, taken before the row goes downstream (later
  // stages of a routine may change the record in place).
  std::string sha256 = cols_->Sha256(job.fields);
  std::vector<std::string> keep_row;
  if (state_ && emit && !failed && !kept && (job.kind == "ad" || job.kind == "input")) {
    keep_row.assign(job.fields.begin() + static_cast<long>(cols_->input_width()), job.fields.end());
  }
  if (emit) {
    if (warc_) {
      std::vector<std::pair<std::string, std::string>> h = {
          {"WARC-Target-URI", p.final_url}, {"Content-Type", "application/warc-fields"}};
      if (auto lr = last_response_.find(p.final_url); lr != last_response_.end()) {
        h.emplace_back("WARC-Refers-To", lr->second);
        last_response_.erase(lr);
      }
      std::vector<std::string> input(job.fields.begin(),
                                     job.fields.begin() + static_cast<long>(cols_->input_width()));
      std::string block;
      block += "karta-url: " + EscapeField(p.url) + "\r\n";
      block += "karta-final-url: " + EscapeField(p.final_url) + "\r\n";
      block += "karta-status: " + std::to_string(p.status) + "\r\n";
      block += "karta-error: " + EscapeField(p.error) + "\r\n";
      block += "karta-fetched-at: " + p.fetched_at + "\r\n";
      block += "karta-sha256: " + cols_->Sha256(job.fields) + "\r\n";
      block += "karta-input-row: " + EscapeField(CsvWriter::FormatRow(input)) + "\r\n";
      KARTA_RETURN_IF_ERROR(warc_->Write("metadata", h, block).status());
    }
    KARTA_RETURN_IF_ERROR(Emit(job.fields));
  }
  int64_t bytes = -1;
  if (after_row_ && emit) {
    KARTA_ASSIGN_OR_RETURN(auto b, after_row_());
    bytes = b;
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
    sp.sha256 = sha256;
    sp.row = std::move(keep_row);
  }
  return state_->MarkDone(sp, bytes);
}

void Crawler::Count(const std::vector<std::string>& f, bool ad_row) {
  SiteStats& s = stats_[f[cols_->site_column()]];
  ++s.pages;
  const std::string& e = f[cols_->error_column()];
  if (e.rfind("disallowed by robots.txt", 0) == 0) {
    ++s.disallowed;
  } else if (!e.empty()) {
    ++s.errors;
    ++s.kinds[ErrorKind(e)];
    if (s.first_error.empty()) s.first_error = e;
  } else if (f[cols_->status_column()] == "304") {
    ++s.unchanged;
  } else {
    ++s.fetched;
  }
  size_t posted = cols_->posted_at_column();
  if (ad_row && posted != PageColumns::kNone && f[posted].empty()) ++s.undated;
}

Status Crawler::Summarize() {
  SiteStats all;
  std::vector<std::string> not_covered;
  std::vector<std::vector<std::string>> rows;
  auto kinds = [](const SiteStats& s) {
    std::string k;
    for (const auto& [kind, n] : s.kinds)
      k += fmt::format("{}{} {}", k.empty() ? "" : ", ", n, kind);
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
      if (warn_) {
        warn_(fmt::format("{}: NOT COVERED: {}; its ads do not count as gone this run", site, why));
      }
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
  if (warn_) warn_(line);
  if (!opts_.summary.empty()) {
    rows.push_back({"(all)", not_covered.empty() ? "1" : "0", std::to_string(all.pages),
                    std::to_string(all.fetched), std::to_string(all.unchanged),
                    std::to_string(all.errors), std::to_string(all.disallowed),
                    std::to_string(all.undated), line});
    auto out = OutputFile::Open(opts_.summary);
    if (!out.ok()) return out.status().WithPrefix("--summary");
    std::string text =
        "site,covered,pages,fetched,unchanged,errors,disallowed,unreadable_dates,note\n";
    for (const auto& r : rows) text += CsvWriter::FormatRow(r) + "\n";
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
