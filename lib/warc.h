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
// The reader never loses records silently: a gzip file cut short, a corrupt
// member, a bad CRC or bytes between members that are not a gzip member are
// each a Status::Data error naming the file, the byte offset in it and the
// last record read whole (the records before are returned as usual). Memory
// is bounded: a record whose block is larger than `max_block` is not held;
// its headers are returned with `block` empty and `oversized` set to its
// size, so that replay reports it like a live body over --max-body.
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
  // The Content-Length of a block larger than the reader's max_block (the
  // block itself was skipped, `block` is empty); 0 otherwise.
  int64_t oversized = 0;
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
                                    std::string_view request_head, std::string_view response_head,
                                    std::string_view body);
  Status Flush();
  const std::string& path() const { return path_; }

 private:
  WarcWriter() = default;
  int fd_ = -1;
  std::string path_;
};

class WarcReader {
 public:
  // `max_block` bounds the bytes of one record held in memory (see above).
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path,
                                                  int64_t max_block = kDefaultMaxBlock);
  static constexpr int64_t kDefaultMaxBlock = int64_t{64} << 20;
  ~WarcReader();
  WarcReader(const WarcReader&) = delete;
  WarcReader& operator=(const WarcReader&) = delete;
  // Reads the next record; false at the end.
  Result<bool> Next(WarcRecord* rec);
  const std::string& path() const { return path_; }

 private:
  WarcReader() = default;
  // Appends the next bytes of (decompressed) input to buf_; false at the end
  // of the input or on an error (then error_ is set).
  bool Fill();
  bool ReadRaw();  // more compressed bytes into in_; false at the end of the file
  Status GzipError(std::string_view what) const;
  struct Inflater;
  std::unique_ptr<Inflater> z_;  // set for a gzip file
  int fd_ = -1;
  std::string path_;
  std::string in_;  // raw bytes read, not yet inflated
  size_t in_pos_ = 0;
  int64_t raw_offset_ = 0;  // file offset of in_[in_pos_]
  bool in_member_ = false;  // inside a gzip member
  bool raw_eof_ = false;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  Status error_;
  int64_t max_block_ = kDefaultMaxBlock;
  int64_t offset_ = 0;  // records read, for messages
};

// An HTTP response parsed from a WARC response block.
struct HttpMessage {
  long status = 0;
  std::string content_type;
  std::string body;
  std::string error;  // a payload that could not be decoded
};
// A body that decodes to more than `max_decoded` bytes is an error saying so
// (a decompression bomb), not a corrupt body.
HttpMessage ParseHttpResponse(std::string_view block, int64_t max_decoded);

// Escapes CR, LF and backslash so a value fits on one warc-fields line;
// Unescape reverses it.
std::string EscapeField(std::string_view v);
std::string UnescapeField(std::string_view v);
// Parses application/warc-fields ("name: value" lines).
std::vector<std::pair<std::string, std::string>> ParseWarcFields(std::string_view block);

}  // namespace karta

#endif  // KARTA_LIB_WARC_H_
