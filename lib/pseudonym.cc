#include "lib/pseudonym.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace karta {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(const unsigned char* p, size_t n) {
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

}  // namespace

Result<Pseudonymizer> Pseudonymizer::FromKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot open the key file: {} (make one with karta extract "
                                  "--new-key {})",
                                  path, std::strerror(errno), path));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Usage(fmt::format("{}: the key file is not a regular file", path));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::Usage(fmt::format(
        "{}: the key file is open to other users (mode {:04o}); it is a secret: run chmod 600 {} "
        "and, if others may have read it, make a new key",
        path, st.st_mode & 07777, path));
  }
  std::string data;
  char buf[256];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int err = errno;
      ::close(fd);
      return Status::Io(fmt::format("{}: cannot read the key file: {}", path, std::strerror(err)));
    }
    if (r == 0) break;
    data.append(buf, static_cast<size_t>(r));
    if (data.size() > 4096) break;
  }
  ::close(fd);
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r' || data.back() == ' ')) {
    data.pop_back();
  }
  if (data.size() < 32 || data.size() > 4096) {
    return Status::Usage(fmt::format(
        "{}: this does not look like a key file (expected 64 hex digits; make one with karta "
        "extract --new-key FILE)",
        path));
  }
  return Pseudonymizer(std::move(data));
}

Status Pseudonymizer::CreateKeyFile(const std::string& path) {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) {
    return Status::Io("cannot get random bytes for a new key from OpenSSL");
  }
  std::string text = Hex(key, sizeof key) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status::Usage(fmt::format(
          "{}: the file exists; a key is never overwritten (tokens made with it would be lost). "
          "Choose another name",
          path));
    }
    return Status::Io(fmt::format("{}: cannot create the key file: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd, 0600);  // whatever the umask
  size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status::Io(fmt::format("{}: cannot write the key file: {}", path, std::strerror(err)));
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(path.c_str());
    return Status::Io(fmt::format("{}: cannot write the key file: {}", path, std::strerror(errno)));
  }
  return Status::Ok();
}

std::string Pseudonymizer::Token(std::string_view kind, std::string_view value) const {
  std::string msg;
  msg.reserve(kind.size() + 1 + value.size());
  msg.append(kind);
  msg.push_back(':');
  msg.append(value);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  std::string out(kind);
  out.push_back(':');
  out += Hex(mac, 8);
  return out;
}

}  // namespace karta
