#include "lib/io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

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

Result<std::string> ReadFileToString(const std::string& path, size_t limit) {
  KARTA_ASSIGN_OR_RETURN(auto in, InputFile::Open(path));
  std::string text;
  char buf[1 << 16];
  while (text.size() <= limit) {
    KARTA_ASSIGN_OR_RETURN(auto n, in->Read(buf, sizeof buf));
    if (n == 0) break;
    text.append(buf, n);
  }
  return text;
}

std::string TempDirectory(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* t = std::getenv("TMPDIR");
  return t && *t ? std::string(t) : std::string("/tmp");
}

Result<int> CreateTempFile(const std::string& dir, std::string_view prefix, std::string_view what,
                           std::string* path) {
  std::string folder = TempDirectory(dir);
  auto failed = [&] {
    int err = errno;
    Status st = Status::Io(
        fmt::format("cannot create a temporary {} in {}: {}", what, folder, std::strerror(err)));
    errno = err;
    return st;
  };
  if (!path) {
    int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno != EISDIR && errno != EOPNOTSUPP && errno != EINVAL) return failed();
    // No O_TMPFILE here: a named file, unlinked before anything is written.
  }
  std::string tmpl = fmt::format("{}/{}-XXXXXX", folder, prefix);
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return failed();
  if (path) {
    *path = std::move(tmpl);
  } else {
    ::unlink(tmpl.c_str());
  }
  return fd;
}

OutputFile::OutputFile(int fd, std::string name, std::string temp, bool owns_fd)
    : fd_(fd),
      name_(std::move(name)),
      temp_(std::move(temp)),
      buf_(new char[kBufferSize]),
      owns_fd_(owns_fd) {}

namespace {

// The descriptor a path names directly: /dev/stdout, /dev/stderr, /dev/fd/N,
// /proc/self/fd/N. -1 when the path is not one of these.
int NamedDescriptor(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0) {
      int n = 0;
      for (size_t i = prefix.size(); i < path.size(); ++i) {
        char c = path[i];
        if (c < '0' || c > '9' || n > 100000000) return -1;
        n = n * 10 + (c - '0');
      }
      return n;
    }
  }
  return -1;
}

bool IsStream(mode_t m) { return S_ISFIFO(m) || S_ISCHR(m) || S_ISSOCK(m); }

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path, int mode) {
  if (path == "-" || path.empty()) {
    return std::unique_ptr<OutputFile>(new OutputFile(1, "<stdout>", "", false));
  }
  if (int named = NamedDescriptor(path); named >= 0) {
    int fd = ::fcntl(named, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
      return Status::Io(fmt::format("{}: cannot write: descriptor {} is not open: {}", path, named,
                                    std::strerror(errno)));
    }
    return std::unique_ptr<OutputFile>(new OutputFile(fd, path, "", true));
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    bool link = S_ISLNK(st.st_mode);
    if (link && ::stat(path.c_str(), &st) != 0) {
      return Status::Io(fmt::format(
          "{}: is a symbolic link to nothing; karta does not write through links: name the real "
          "file",
          path));
    }
    if (IsStream(st.st_mode)) {
      // Written in place: a temporary file renamed over a device or a pipe
      // would replace it (and the reader would get nothing).
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0) {
        return Status::Io(
            fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
      }
      return std::unique_ptr<OutputFile>(new OutputFile(fd, path, "", true));
    }
    if (S_ISDIR(st.st_mode)) {
      return Status::Io(fmt::format("{}: is a directory; name a file to write", path));
    }
    if (link) {
      return Status::Io(fmt::format(
          "{}: is a symbolic link; karta does not write through links (a link can point "
          "anywhere): name the real file",
          path));
    }
    if (!S_ISREG(st.st_mode)) {
      return Status::Io(fmt::format(
          "{}: is not a regular file, a pipe or a character device; refusing to write to it",
          path));
    }
  }
  // An unnamed file in the target's folder, linked under a temporary name
  // and renamed over the target by Commit(): until then it has no name, so
  // even a kill -9 leaves no partial file behind.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::string self = fmt::format("/proc/self/fd/{}", fd);
    if (::access(self.c_str(), F_OK) == 0) {
      ::fchmod(fd, static_cast<mode_t>(mode));
      auto out = std::unique_ptr<OutputFile>(new OutputFile(fd, path, self, false));
      out->unnamed_ = true;
      return out;
    }
    ::close(fd);  // no /proc to link it by: a named temporary file instead
  }
  std::string tmpl = path + ".tmp-XXXXXX";
  fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot create output file: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  return std::unique_ptr<OutputFile>(new OutputFile(fd, path, tmpl, false));
}

Result<std::unique_ptr<OutputFile>> OutputFile::OpenInPlace(const std::string& path, int64_t keep) {
  // An append mode: never through a symbolic link, only a regular file, and
  // made private whatever mode it had.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot write ({}{})", path, std::strerror(errno),
                                  errno == ELOOP ? "; karta does not write through symbolic "
                                                   "links: name the real file"
                                                 : ""));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      ((st.st_mode & 0777) != 0600 && ::fchmod(fd, 0600) != 0)) {
    ::close(fd);
    return Status::Io(fmt::format(
        "{}: with --state, -o must name a regular file karta can make private (0600)", path));
  }
  if (::ftruncate(fd, keep) != 0 || ::lseek(fd, keep, SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return Status::Io(fmt::format("{}: cannot cut back the output ({})", path, std::strerror(err)));
  }
  return std::unique_ptr<OutputFile>(new OutputFile(fd, path, "", true));
}

OutputFile::~OutputFile() {
  if (!temp_.empty() && !committed_) {
    ::close(fd_);
    if (!unnamed_) ::unlink(temp_.c_str());
  } else if (temp_.empty()) {
    // A stream: flush what is left; errors here have nowhere to go.
    (void)Flush();
    if (owns_fd_) ::close(fd_);
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
  if (temp_.empty()) {
    committed_ = true;
    if (owns_fd_) {
      // Closing tells a reader on a pipe that the output is complete.
      owns_fd_ = false;
      if (::close(fd_) != 0 && errno != EINTR) {
        return Status::Io(fmt::format("{}: cannot write: {}", name_, std::strerror(errno)));
      }
    }
    return Status::Ok();
  }
  if (unnamed_) {
    // Give the unnamed file a temporary name beside the target.
    if (::fsync(fd_) != 0) {
      int err = errno;
      ::close(fd_);
      committed_ = true;
      return Status::Io(fmt::format("{}: cannot write output file: {}", name_, std::strerror(err)));
    }
    std::random_device random;
    std::string link;
    int err = EEXIST;
    for (int attempt = 0; attempt < 100 && err == EEXIST; ++attempt) {
      link = fmt::format("{}.tmp-{:08x}", name_, random());
      err = ::linkat(AT_FDCWD, temp_.c_str(), AT_FDCWD, link.c_str(), AT_SYMLINK_FOLLOW) == 0
                ? 0
                : errno;
    }
    ::close(fd_);
    if (err != 0) {
      committed_ = true;
      return Status::Io(
          fmt::format("{}: cannot put the output file in place: {}", name_, std::strerror(err)));
    }
    temp_ = link;
  } else if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    return Status::Io(fmt::format("{}: cannot write output file: {}", name_, std::strerror(errno)));
  }
  // Checked again just before the rename: whatever appeared at the path since
  // Open() must be a regular file for the rename to be right.
  if (struct stat st; ::lstat(name_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    ::unlink(temp_.c_str());
    committed_ = true;
    return Status::Io(fmt::format(
        "{}: is no longer a regular file (something else was put there while karta wrote); "
        "the output was not put in place",
        name_));
  }
  if (::rename(temp_.c_str(), name_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_.c_str());
    committed_ = true;
    return Status::Io(
        fmt::format("{}: cannot rename output file into place: {}", name_, std::strerror(err)));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace karta
