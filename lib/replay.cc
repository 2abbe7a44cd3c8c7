#include "lib/replay.h"

#include <fmt/format.h>

#include <cstdlib>
#include <deque>
#include <unordered_map>

#include "lib/csv.h"
#include "lib/http.h"

namespace karta {

Status WarcReplay::Begin(const Header&) {
  Header h;
  // A record is held only up to the decoded-body limit (plus room for its
  // HTTP head): a larger one is reported on its row, not read.
  KARTA_ASSIGN_OR_RETURN(auto r, WarcReader::Open(path_, max_decoded_ + (int64_t{1} << 20)));
  reader_ = std::move(r);
  WarcRecord rec;
  KARTA_ASSIGN_OR_RETURN(auto more, reader_->Next(&rec));
  if (more && rec.Get("WARC-Type") == "warcinfo") {
    for (const auto& [k, v] : ParseWarcFields(rec.block)) {
      if (k == "karta-input-header") {
        karta_warc_ = true;
        h = Header(ParseCsvRow(UnescapeField(v)));
      }
    }
  } else if (more) {
    pending_ = std::move(rec);
  }
  cols_ = std::make_unique<PageColumns>(h, profile_.get(), tz_);
  return next_->Begin(cols_->header());
}

std::string WarcReplay::OversizedError(int64_t bytes) const {
  return fmt::format(
      "the WARC record holds {} bytes, more than --max-decoded ({} bytes); "
      "not replayed (raise --max-decoded if the page is right)",
      bytes, max_decoded_);
}

Status WarcReplay::End() {
  struct Resp {
    std::string uri, date, block;
    int64_t oversized = 0;
  };
  std::unordered_map<std::string, Resp> responses;
  std::deque<std::string> order;
  size_t held = 0;  // bytes of the blocks in `responses`
  WarcRecord rec;
  Record out;
  auto emit = [&](const FetchedPage& p, std::vector<std::string> fields) {
    cols_->Fill(p, &fields, nullptr);
    out.fields = std::move(fields);
    return next_->Push(out);
  };
  for (;;) {
    if (cancel_ && cancel_->load()) return Status::Interrupted("interrupted");
    if (pending_) {
      rec = std::move(*pending_);
      pending_.reset();
    } else {
      KARTA_ASSIGN_OR_RETURN(auto more, reader_->Next(&rec));
      if (!more) break;
    }
    std::string type = rec.Get("WARC-Type");
    if (type == "response") {
      Resp resp{rec.Get("WARC-Target-URI"), rec.Get("WARC-Date"), std::move(rec.block)};
      resp.oversized = rec.oversized;
      if (!karta_warc_) {
        HttpMessage m = ParseHttpResponse(resp.block, max_decoded_);
        FetchedPage p;
        p.url = p.final_url = resp.uri;
        p.status = m.status;
        p.error = resp.oversized ? OversizedError(resp.oversized) : m.error;
        if (p.error.empty() && m.status >= 400) p.error = fmt::format("HTTP {}", m.status);
        p.fetched_at = resp.date;
        p.content_type = m.content_type;
        p.body = std::move(m.body);
        KARTA_RETURN_IF_ERROR(emit(p, {}));
        continue;
      }
      std::string id = rec.Get("WARC-Record-ID");
      held += resp.block.size();
      if (auto old = responses.find(id); old != responses.end()) held -= old->second.block.size();
      responses[id] = std::move(resp);
      order.push_back(id);
      // Responses wait for their metadata record; bound them in number and
      // in bytes (a WARC of many large responses without metadata).
      while (order.size() > kMaxHeldRecords || (held > kMaxHeldBytes && order.size() > 1)) {
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
      FetchedPage p;
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
      std::vector<std::string> fields = ParseCsvRow(kv["karta-input-row"]);
      fields.resize(cols_->input_width());
      KARTA_RETURN_IF_ERROR(emit(p, std::move(fields)));
    }
  }
  return next_->End();
}

}  // namespace karta
