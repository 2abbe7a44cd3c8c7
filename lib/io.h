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

// The whole of `path` ("-": stdin), or an error naming it. With `limit`,
// reading stops once more than `limit` bytes are read: a result longer than
// `limit` means the file is larger (the caller says what that means).
Result<std::string> ReadFileToString(const std::string& path,
                                     size_t limit = static_cast<size_t>(-1));

// The folder for temporary files: `dir` when not empty, else $TMPDIR, else
// /tmp.
std::string TempDirectory(const std::string& dir = "");

// The one way karta makes a temporary file (sort's runs, dedupe's rows,
// a routine's table between stages), mode 0600, in TempDirectory(dir).
// With `path` null the file has no name: O_TMPFILE, or where the file system
// lacks it PREFIX-XXXXXX unlinked before anything is written; it goes away
// with its last descriptor, so even kill -9 leaves nothing of a spill of
// personal data behind. With `path`, the file is named PREFIX-XXXXXX, its
// name is stored in *path and the caller removes it. Returns the
// descriptor; an error reads "cannot create a temporary WHAT in DIR:
// REASON" (errno is left as the failing call set it).
Result<int> CreateTempFile(const std::string& dir, std::string_view prefix, std::string_view what,
                           std::string* path);

// Buffered output to stdout ("-"), to a file that is created complete, or in
// place to a stream (a pipe, a terminal, a character device).
//
// What Open(path) does depends on what `path` is (lstat, no link followed):
//   "-" or ""                   stdout.
//   /dev/stdout, /dev/stderr,   the process's own descriptor, duplicated:
//   /dev/fd/N, /proc/self/fd/N  written in place, never opened or replaced.
//   no such file, or a regular  an unnamed file (O_TMPFILE, mode `mode`) in
//   file                        the same directory, linked as PATH.tmp-XXXXXXXX
//                               and renamed over PATH by Commit(): the file
//                               appears complete, and a kill -9 before Commit
//                               leaves nothing. Where O_TMPFILE or /proc is
//                               missing, PATH.tmp-XXXXXX (O_EXCL) from the
//                               start, removed unless committed.
//   a FIFO, a socket, a         opened for writing and written in place (no
//   character device            temporary file, no rename): `-o /dev/null`,
//                               `-o fifo` and `-o >(gzip > x.gz)` work.
//   a symbolic link             to a stream (above): written in place; to a
//                               regular file or nothing: refused, since a link
//                               can point anywhere (name the real file).
//   a directory, a block        refused with an error.
//   device
// Replacing a special file is never right: as root, renaming over /dev/null
// would break every program on the machine.
class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path, int mode = 0600);
  // Opens the regular file `path` itself for writing (created if need be,
  // made 0600 whatever mode it had), cut back to its first `keep` bytes,
  // writing from there: for output that must survive a kill row by row
  // (fetch --state; Flush() after each row). No temporary file, no symbolic
  // link followed; anything but a regular file is refused. Commit() flushes
  // and closes; without it the destructor does the same.
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
  // True when output goes to a stream written in place (stdout, a pipe, a
  // device, or a file opened by OpenInPlace), not to a file that appears on
  // Commit().
  bool is_stdout() const { return temp_.empty(); }

 private:
  static constexpr size_t kBufferSize = 1 << 16;
  OutputFile(int fd, std::string name, std::string temp, bool owns_fd);
  Status WriteSlow(std::string_view bytes);
  Status WriteAll(const char* p, size_t n);
  int fd_;
  std::string name_;
  std::string temp_;
  std::unique_ptr<char[]> buf_;
  size_t buffered_ = 0;
  bool committed_ = false;
  bool owns_fd_ = false;  // an in-place stream opened (or duplicated) here
  bool unnamed_ = false;  // temp_ is /proc/self/fd/N of an O_TMPFILE file
};

}  // namespace karta

#endif  // KARTA_LIB_IO_H_
