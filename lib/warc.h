// WARC 1.1 (ISO 28500:2017): a writer for evidence capture and a reader for
// replay (`karta fetch --from-warc`).
//
// The writer writes each record as its own gzip member (the ".warc.gz"
// convention every WARC tool reads): a `warcinfo` record first, then for
// every HTTP exchange a `request` record and a `response` record
// (WARC-Concurrent-To links them), and, for every page karta turns into a
// row, a `metadata` record (application/warc-fields with karta-* fields)
// naming the row's url, final_url, status, error, fetched_at and input
// columns, with WARC-Refers-To pointing at the page's final response. Replay
// uses the metadata records to rebuild exactly the rows of the live run.
//
// What is stored is what libcurl delivered: the body after gzip/brotli
// decoding. The response head is therefore stored without Content-Encoding,
// Transfer-Encoding and Content-Length; a Content-Length for the stored body
// and an X-Karta-Decoded-Content-Encoding header (naming the encoding that
// was removed) take their place, so that the record is self-consistent.
//
// The reader accepts gzip-per-record and uncompressed WARC 1.0/1.1 files from
// any crawler; response payloads with Transfer-Encoding: chunked or
// Content-Encoding gzip/deflate are decoded (bounded by `max_decoded`).
//
// Thread-safety: one object per thread.
#ifndef KARTA_LIB_WARC_H_
#define KARTA_LIB_WARC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/status.h"

namespace karta {

struct WarcRecord {
  std::vector<std::pair<std::string, std::string>> headers;  // in file order
  std::string block;
  // The value of the first header called `name` (case-insensitive), or "".
  std::string Get(std::string_view name) const;
};

class WarcWriter {
 public:
  // Creates `path` (mode 0600); with `append`, adds to an existing file.
  static Result<std::unique_ptr<WarcWriter>> Open(const std::string& path, bool append);
  ~WarcWriter();
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Writes one record with the given WARC-Type and extra headers; returns its
  // WARC-Record-ID. WARC-Date and Content-Length are added.
  Result<std::string> Write(std::string_view type,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view block);
  // A request/response pair. Returns the response record's ID ("" if there
  // was no response to record).
  Result<std::string> WriteExchange(std::string_view url, std::string_view ip,
                                    std::string_view request_head,
                                    std::string_view response_head, std::string_view body);
  Status Flush();
  const std::string& path() const { return path_; }

 private:
  WarcWriter() = default;
  int fd_ = -1;
  std::string path_;
};

class WarcReader {
 public:
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path);
  ~WarcReader();
  WarcReader(const WarcReader&) = delete;
  WarcReader& operator=(const WarcReader&) = delete;
  // Reads the next record; false at the end.
  Result<bool> Next(WarcRecord* rec);
  const std::string& path() const { return path_; }

 private:
  WarcReader() = default;
  bool Fill();
  void* gz_ = nullptr;
  std::string path_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  int64_t offset_ = 0;  // records read, for messages
};

// An HTTP response parsed from a WARC response block.
struct HttpMessage {
  long status = 0;
  std::string content_type;
  std::string body;
  std::string error;  // a payload that could not be decoded
};
HttpMessage ParseHttpResponse(std::string_view block, int64_t max_decoded);

// Escapes CR, LF and backslash so a value fits on one warc-fields line;
// Unescape reverses it.
std::string EscapeField(std::string_view v);
std::string UnescapeField(std::string_view v);
// Parses application/warc-fields ("name: value" lines).
std::vector<std::pair<std::string, std::string>> ParseWarcFields(std::string_view block);

}  // namespace karta

#endif  // KARTA_LIB_WARC_H_
