// Byte-level input and output for the tools: buffered reads from a file or
// stdin, buffered writes to stdout or to an output file that appears only when
// complete (written to a temporary file beside it, mode 0600, renamed on
// Commit).
//
// A write to a closed pipe returns Status::BrokenPipe() so that `karta … | head`
// ends quietly; the process must ignore SIGPIPE for that (lib/cli does).
//
// Thread-safety: one object per thread.
#ifndef KARTA_LIB_IO_H_
#define KARTA_LIB_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "lib/status.h"

namespace karta {

// Reads bytes from a file descriptor it owns (or stdin for "-").
class InputFile {
 public:
  // Opens `path`; "-" is stdin. The display name is "<stdin>" for "-".
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `n` bytes into `buf`. Returns the count, 0 at end of file.
  Result<size_t> Read(char* buf, size_t n);
  // True when a Read() would not wait: data or end of file is there (always
  // for a regular file), false for a pipe or terminal with nothing yet.
  bool Ready() const;
  const std::string& name() const { return name_; }

 private:
  InputFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_;
  std::string name_;
};

// Buffered output to stdout ("-") or to a file that is created complete.
class OutputFile {
 public:
  // For a path other than "-", creates PATH.tmp-XXXXXX (mode 0600) in the same
  // directory; Commit() renames it to PATH. `mode` applies to the final file.
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path, int mode = 0600);
  // Opens `path` itself for writing (created mode 0600 if need be), cut back
  // to its first `keep` bytes, writing from there: for output that must
  // survive a kill row by row (fetch --state; Flush() after each row). There
  // is no temporary file; Commit() flushes, syncs and closes.
  static Result<std::unique_ptr<OutputFile>> OpenInPlace(const std::string& path, int64_t keep);
  ~OutputFile();  // Without Commit(), a temporary file is removed.
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status Write(std::string_view bytes) {
    if (bytes.size() > kBufferSize - buffered_) return WriteSlow(bytes);
    std::memcpy(buf_.get() + buffered_, bytes.data(), bytes.size());
    buffered_ += bytes.size();
    return Status::Ok();
  }
  Status Put(char c) {
    if (buffered_ == kBufferSize) KARTA_RETURN_IF_ERROR(Flush());
    buf_[buffered_++] = c;
    return Status::Ok();
  }
  // For formatters that write in place: room for `n` bytes at the end of the
  // buffer (flushing it first when needed), to be claimed with Wrote(k),
  // k <= n. Returns nullptr when `n` is more than the buffer holds: then use
  // Write().
  Result<char*> Room(size_t n) {
    if (n > kBufferSize) return static_cast<char*>(nullptr);
    if (n > kBufferSize - buffered_) KARTA_RETURN_IF_ERROR(Flush());
    return buf_.get() + buffered_;
  }
  void Wrote(size_t k) { buffered_ += k; }
  Status Flush();
  // Flushes, syncs, closes and renames into place. Idempotent.
  Status Commit();
  const std::string& name() const { return name_; }
  bool is_stdout() const { return temp_.empty() && !in_place_; }

 private:
  static constexpr size_t kBufferSize = 1 << 16;
  OutputFile(int fd, std::string name, std::string temp);
  Status WriteSlow(std::string_view bytes);
  Status WriteAll(const char* p, size_t n);
  int fd_;
  std::string name_;
  std::string temp_;
  std::unique_ptr<char[]> buf_;
  size_t buffered_ = 0;
  bool committed_ = false;
  bool in_place_ = false;
};

}  // namespace karta

#endif  // KARTA_LIB_IO_H_
