#include "lib/io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace karta {

Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<InputFile>(new InputFile(0, "<stdin>"));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::Io(fmt::format("{}: is a directory, not a file", path));
  }
  return std::unique_ptr<InputFile>(new InputFile(fd, path));
}

InputFile::~InputFile() {
  if (fd_ > 0) ::close(fd_);
}

Result<size_t> InputFile::Read(char* buf, size_t n) {
  for (;;) {
    ssize_t got = ::read(fd_, buf, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EINTR) continue;
    return Status::Io(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
  }
}

bool InputFile::Ready() const {
  pollfd p{fd_, POLLIN, 0};
  int n = ::poll(&p, 1, 0);
  return n != 0;  // an error says "try the read": it will report it
}

OutputFile::OutputFile(int fd, std::string name, std::string temp)
    : fd_(fd), name_(std::move(name)), temp_(std::move(temp)), buf_(new char[kBufferSize]) {}

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path, int mode) {
  if (path == "-" || path.empty()) {
    return std::unique_ptr<OutputFile>(new OutputFile(1, "<stdout>", ""));
  }
  std::string tmpl = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot create output file: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  return std::unique_ptr<OutputFile>(new OutputFile(fd, path, tmpl));
}

Result<std::unique_ptr<OutputFile>> OutputFile::OpenInPlace(const std::string& path,
                                                            int64_t keep) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot write ({})", path, std::strerror(errno)));
  }
  if (::ftruncate(fd, keep) != 0 || ::lseek(fd, keep, SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return Status::Io(fmt::format("{}: cannot cut back the output ({})", path, std::strerror(err)));
  }
  std::unique_ptr<OutputFile> out(new OutputFile(fd, path, ""));
  out->in_place_ = true;
  return out;
}

OutputFile::~OutputFile() {
  if (in_place_) {
    if (!committed_) {
      (void)Flush();
      ::close(fd_);
    }
  } else if (!temp_.empty() && !committed_) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  } else if (temp_.empty()) {
    // stdout: flush what is left; errors here have nowhere to go.
    (void)Flush();
  }
}

Status OutputFile::WriteAll(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return Status::BrokenPipe();
      return Status::Io(fmt::format("{}: write error: {}", name_, std::strerror(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status OutputFile::Flush() {
  if (buffered_ == 0) return Status::Ok();
  size_t n = buffered_;
  buffered_ = 0;
  return WriteAll(buf_.get(), n);
}

Status OutputFile::WriteSlow(std::string_view bytes) {
  KARTA_RETURN_IF_ERROR(Flush());
  if (bytes.size() >= kBufferSize) return WriteAll(bytes.data(), bytes.size());
  std::memcpy(buf_.get(), bytes.data(), bytes.size());
  buffered_ = bytes.size();
  return Status::Ok();
}

Status OutputFile::Commit() {
  if (committed_) return Status::Ok();
  KARTA_RETURN_IF_ERROR(Flush());
  if (in_place_) {
    committed_ = true;
    if (::close(fd_) != 0) {
      return Status::Io(fmt::format("{}: cannot write ({})", name_, std::strerror(errno)));
    }
    return Status::Ok();
  }
  if (temp_.empty()) {
    committed_ = true;
    return Status::Ok();
  }
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    return Status::Io(fmt::format("{}: cannot write output file: {}", name_, std::strerror(errno)));
  }
  if (::rename(temp_.c_str(), name_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_.c_str());
    committed_ = true;
    return Status::Io(fmt::format("{}: cannot rename output file into place: {}", name_,
                                  std::strerror(err)));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace karta
