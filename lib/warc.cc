#include "lib/warc.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "lib/civil.h"
#include "lib/text.h"

namespace karta {
namespace {

std::string Uuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    for (unsigned char& c : b) c = static_cast<unsigned char>(std::rand());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return fmt::format(
      "<urn:uuid:{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}>",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

Result<std::string> Gzip(std::string_view in) {
  z_stream z;
  std::memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Io("cannot start gzip");
  }
  std::string out;
  out.resize(deflateBound(&z, in.size()) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::Io("gzip failed");
  out.resize(z.total_out);
  return out;
}

// Inflates gzip or zlib (`windowBits` 47 detects either) or raw deflate.
bool Inflate(std::string_view in, int64_t limit, std::string* out, bool* over_limit) {
  *over_limit = false;
  for (int bits : {47, -15}) {
    z_stream z;
    std::memset(&z, 0, sizeof z);
    if (inflateInit2(&z, bits) != Z_OK) return false;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    out->clear();
    char buf[65536];
    int rc = Z_OK;
    bool too_big = false;
    while (rc == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      out->append(buf, sizeof buf - z.avail_out);
      if (static_cast<int64_t>(out->size()) > limit) {
        too_big = true;
        break;
      }
      if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    inflateEnd(&z);
    if (too_big) {
      out->clear();
      *over_limit = true;
      return false;
    }
    if (rc == Z_STREAM_END || (rc == Z_BUF_ERROR && !out->empty())) return true;
  }
  return false;
}

bool Dechunk(std::string_view in, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < in.size()) {
    size_t eol = in.find('\n', i);
    if (eol == std::string_view::npos) return false;
    std::string size_line(TrimAsciiSpace(in.substr(i, eol - i)));
    size_t n = std::strtoul(size_line.c_str(), nullptr, 16);
    i = eol + 1;
    if (n == 0) return true;
    if (i + n > in.size()) return false;
    out->append(in.substr(i, n));
    i += n;
    if (i < in.size() && in[i] == '\r') ++i;
    if (i < in.size() && in[i] == '\n') ++i;
  }
  return true;
}

}  // namespace

std::string WarcRecord::Get(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsNoCaseAscii(k, name)) return v;
  }
  return {};
}

std::string EscapeField(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string UnescapeField(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      char n = v[++i];
      out.push_back(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseWarcFields(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < block.size()) {
    size_t j = block.find('\n', i);
    if (j == std::string_view::npos) j = block.size();
    std::string_view line = block.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t c = line.find(':');
    if (c == std::string_view::npos) continue;
    std::string_view v = line.substr(c + 1);
    if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    out.emplace_back(std::string(line.substr(0, c)), std::string(v));
  }
  return out;
}

Result<std::unique_ptr<WarcWriter>> WarcWriter::Open(const std::string& path, bool append) {
  // Never through a symbolic link (it can point anywhere), only a regular
  // file, and always 0600 whatever mode an existing file had: a WARC holds
  // whole pages. Without `append` the file is written from the start.
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | (append ? O_APPEND : 0),
                  0600);
  if (fd < 0) {
    if (errno == ELOOP) {
      return Status::Io(
          fmt::format("{}: is a symbolic link; karta does not write the WARC "
                      "through links: name the real file",
                      path));
    }
    return Status::Io(
        fmt::format("{}: cannot create the WARC file ({})", path, std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Io(fmt::format("{}: is not a regular file; the WARC must be a file", path));
  }
  if ((st.st_mode & 0777) != 0600 && ::fchmod(fd, 0600) != 0) {
    int e = errno;
    ::close(fd);
    return Status::Io(fmt::format("{}: cannot make the WARC file private (mode 0600): {}", path,
                                  std::strerror(e)));
  }
  if (!append && ::ftruncate(fd, 0) != 0) {
    int e = errno;
    ::close(fd);
    return Status::Io(fmt::format("{}: cannot empty the WARC file: {}", path, std::strerror(e)));
  }
  std::unique_ptr<WarcWriter> w(new WarcWriter());
  w->fd_ = fd;
  w->path_ = path;
  return w;
}

WarcWriter::~WarcWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::string> WarcWriter::Write(
    std::string_view type, const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view block) {
  std::string id = Uuid();
  std::string rec;
  rec.reserve(block.size() + 512);
  rec += "WARC/1.1\r\n";
  rec += fmt::format("WARC-Type: {}\r\n", type);
  rec += fmt::format("WARC-Record-ID: {}\r\n", id);
  rec += fmt::format("WARC-Date: {}\r\n", NowRfc3339());
  for (const auto& [k, v] : headers) rec += fmt::format("{}: {}\r\n", k, v);
  rec += fmt::format("Content-Length: {}\r\n\r\n", block.size());
  rec.append(block);
  rec += "\r\n\r\n";
  KARTA_ASSIGN_OR_RETURN(auto gz, Gzip(rec));
  const char* p = gz.data();
  size_t n = gz.size();
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::Io(
          fmt::format("{}: cannot write the WARC file ({})", path_, std::strerror(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return id;
}

Result<std::string> WarcWriter::WriteExchange(std::string_view url, std::string_view ip,
                                              std::string_view request_head,
                                              std::string_view response_head,
                                              std::string_view body) {
  if (response_head.empty()) return std::string();
  // Rewrite the head for the decoded body (see the header comment).
  std::string head;
  std::string decoded_from;
  size_t i = 0;
  bool first = true;
  while (i < response_head.size()) {
    size_t j = response_head.find('\n', i);
    if (j == std::string_view::npos) j = response_head.size();
    std::string_view line = response_head.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!first) {
      size_t c = line.find(':');
      std::string_view name =
          c == std::string_view::npos ? line : TrimAsciiSpace(line.substr(0, c));
      if (EqualsNoCaseAscii(name, "content-encoding")) {
        decoded_from = std::string(TrimAsciiSpace(line.substr(c + 1)));
        continue;
      }
      if (EqualsNoCaseAscii(name, "transfer-encoding") ||
          EqualsNoCaseAscii(name, "content-length")) {
        continue;
      }
    }
    first = false;
    head.append(line);
    head += "\r\n";
  }
  head += fmt::format("Content-Length: {}\r\n", body.size());
  if (!decoded_from.empty()) {
    head += fmt::format("X-Karta-Decoded-Content-Encoding: {}\r\n", decoded_from);
  }
  head += "\r\n";
  std::string block = head;
  block.append(body);
  std::vector<std::pair<std::string, std::string>> rh = {
      {"WARC-Target-URI", std::string(url)}, {"Content-Type", "application/http;msgtype=response"}};
  if (!ip.empty()) rh.emplace_back("WARC-IP-Address", std::string(ip));
  KARTA_ASSIGN_OR_RETURN(auto resp, Write("response", rh, block));
  if (!request_head.empty()) {
    KARTA_RETURN_IF_ERROR(Write("request",
                                {{"WARC-Target-URI", std::string(url)},
                                 {"WARC-Concurrent-To", resp},
                                 {"Content-Type", "application/http;msgtype=request"}},
                                request_head)
                              .status());
  }
  return resp;
}

Status WarcWriter::Flush() { return Status::Ok(); }  // every record is written whole

struct WarcReader::Inflater {
  z_stream z;
  Inflater() {
    std::memset(&z, 0, sizeof z);
    ok = inflateInit2(&z, 31) == Z_OK;  // gzip only
  }
  ~Inflater() {
    if (ok) inflateEnd(&z);
  }
  bool ok = false;
};

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::string& path, int64_t max_block) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Io(
        fmt::format("{}: cannot open the WARC file ({})", path, std::strerror(errno)));
  }
  std::unique_ptr<WarcReader> r(new WarcReader());
  r->fd_ = fd;
  r->path_ = path;
  r->max_block_ = max_block;
  // gzip (one member per record, or one for all) or plain WARC.
  while (r->in_.size() < 2 && r->ReadRaw()) {
  }
  if (!r->error_.ok()) return r->error_;
  if (r->in_.size() >= 2 && static_cast<unsigned char>(r->in_[0]) == 0x1f &&
      static_cast<unsigned char>(r->in_[1]) == 0x8b) {
    r->z_ = std::make_unique<Inflater>();
    if (!r->z_->ok) return Status::Io(fmt::format("{}: cannot start gzip", path));
  }
  return r;
}

WarcReader::~WarcReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool WarcReader::ReadRaw() {
  if (raw_eof_) return false;
  if (in_pos_ > 0) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  size_t old = in_.size();
  in_.resize(old + (1 << 17));
  ssize_t n;
  do {
    n = ::read(fd_, in_.data() + old, 1 << 17);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    in_.resize(old);
    raw_eof_ = true;
    if (n < 0) {
      error_ = Status::Io(
          fmt::format("{}: cannot read the WARC file ({})", path_, std::strerror(errno)));
    }
    return false;
  }
  in_.resize(old + static_cast<size_t>(n));
  return true;
}

Status WarcReader::GzipError(std::string_view what) const {
  return Status::Data(fmt::format(
      "{}: byte {}: {}, after record {} (the records before were read; the rest of the file "
      "is lost: recover what is left with a WARC repair tool or fetch again)",
      path_, raw_offset_, what, offset_));
}

bool WarcReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  if (!z_) {
    // Plain WARC: the raw bytes are the text.
    if (in_pos_ == in_.size() && !ReadRaw()) {
      eof_ = true;
      return false;
    }
    buf_.append(in_, in_pos_, std::string::npos);
    raw_offset_ += static_cast<int64_t>(in_.size() - in_pos_);
    in_pos_ = in_.size();
    return true;
  }
  z_stream& z = z_->z;
  const size_t old = buf_.size();
  const size_t want = 1 << 17;
  buf_.resize(old + want);
  size_t produced = 0;
  while (produced == 0) {
    if (in_pos_ == in_.size() && !ReadRaw()) {
      buf_.resize(old);
      eof_ = true;
      if (!error_.ok()) return false;
      if (in_member_) error_ = GzipError("the file ends inside a gzip member (it was cut short)");
      return false;
    }
    if (!in_member_) {
      // The next member must start here: anything else is damage.
      while (in_.size() - in_pos_ < 2 && ReadRaw()) {
      }
      if (in_.size() - in_pos_ < 2 || static_cast<unsigned char>(in_[in_pos_]) != 0x1f ||
          static_cast<unsigned char>(in_[in_pos_ + 1]) != 0x8b) {
        buf_.resize(old);
        eof_ = true;
        if (error_.ok())
          error_ = GzipError("bytes that are not a gzip member (garbage between records)");
        return false;
      }
      inflateReset(&z);
      in_member_ = true;
    }
    z.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    z.avail_in = static_cast<uInt>(in_.size() - in_pos_);
    z.next_out = reinterpret_cast<Bytef*>(buf_.data() + old + produced);
    z.avail_out = static_cast<uInt>(want - produced);
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t used = (in_.size() - in_pos_) - z.avail_in;
    in_pos_ += used;
    raw_offset_ += static_cast<int64_t>(used);
    produced = want - z.avail_out;
    if (rc == Z_STREAM_END) {
      in_member_ = false;
      continue;
    }
    if (rc == Z_OK || (rc == Z_BUF_ERROR && z.avail_in == 0)) continue;
    buf_.resize(old);
    eof_ = true;
    error_ = GzipError(fmt::format("corrupt gzip data ({})", z.msg ? z.msg : "unknown error"));
    return false;
  }
  buf_.resize(old + produced);
  return true;
}

Result<bool> WarcReader::Next(WarcRecord* rec) {
  rec->headers.clear();
  rec->block.clear();
  // Skip blank lines between records.
  rec->oversized = 0;
  for (;;) {
    while (pos_ < buf_.size() && (buf_[pos_] == '\r' || buf_[pos_] == '\n')) ++pos_;
    if (pos_ < buf_.size()) break;
    if (!Fill()) {
      if (!error_.ok()) return error_;
      return false;
    }
  }
  // The header ends at an empty line.
  size_t end;
  for (;;) {
    end = buf_.find("\r\n\r\n", pos_);
    size_t lf = buf_.find("\n\n", pos_);
    if (lf != std::string::npos && (end == std::string::npos || lf < end)) end = lf;
    if (end != std::string::npos) break;
    if (buf_.size() - pos_ > (1 << 20) || !Fill()) {
      if (!error_.ok()) return error_;
      return Status::Data(
          fmt::format("{}: record {}: no end of the WARC header (is this a WARC "
                      "file?)",
                      path_, offset_ + 1));
    }
  }
  std::string_view head(buf_.data() + pos_, end - pos_);
  size_t head_len = end - pos_ + (buf_[end] == '\r' ? 4 : 2);
  if (head.substr(0, 5) != "WARC/") {
    return Status::Data(fmt::format(
        "{}: record {}: does not start with WARC/ (is this a WARC file?)", path_, offset_ + 1));
  }
  rec->headers = ParseWarcFields(head.substr(head.find('\n') + 1));
  std::string len = rec->Get("Content-Length");
  char* stop = nullptr;
  long long n = std::strtoll(len.c_str(), &stop, 10);
  if (len.empty() || *stop != '\0' || n < 0) {
    return Status::Data(
        fmt::format("{}: record {}: bad Content-Length '{}'", path_, offset_ + 1, len));
  }
  pos_ += head_len;
  if (n > max_block_) {
    // Too large to hold: skip the block, keep the headers and say how large.
    rec->oversized = n;
    uint64_t left = static_cast<uint64_t>(n);
    for (;;) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(left, buf_.size() - pos_));
      pos_ += take;
      left -= take;
      if (left == 0) break;
      if (!Fill()) {
        if (!error_.ok()) return error_;
        return Status::Data(
            fmt::format("{}: record {}: truncated (the file ends inside it)", path_, offset_ + 1));
      }
    }
    ++offset_;
    return true;
  }
  while (buf_.size() - pos_ < static_cast<size_t>(n)) {
    if (!Fill()) {
      if (!error_.ok()) return error_;
      return Status::Data(
          fmt::format("{}: record {}: truncated (the file ends inside it)", path_, offset_ + 1));
    }
  }
  rec->block.assign(buf_, pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  ++offset_;
  return true;
}

HttpMessage ParseHttpResponse(std::string_view block, int64_t max_decoded) {
  HttpMessage m;
  size_t end = block.find("\r\n\r\n");
  size_t skip = 4;
  size_t lf = block.find("\n\n");
  if (lf != std::string_view::npos && (end == std::string_view::npos || lf < end)) {
    end = lf;
    skip = 2;
  }
  std::string_view head = end == std::string_view::npos ? block : block.substr(0, end);
  std::string_view body = end == std::string_view::npos ? "" : block.substr(end + skip);
  size_t sp = head.find(' ');
  if (head.substr(0, 5) != "HTTP/" || sp == std::string_view::npos) {
    m.error = "not an HTTP response";
    return m;
  }
  m.status = std::strtol(std::string(head.substr(sp + 1, 3)).c_str(), nullptr, 10);
  std::string encoding;
  bool chunked = false;
  for (const auto& [k, v] : ParseWarcFields(head.substr(head.find('\n') + 1))) {
    std::string_view val = TrimAsciiSpace(v);
    if (EqualsNoCaseAscii(k, "content-type")) m.content_type = std::string(val);
    if (EqualsNoCaseAscii(k, "content-encoding")) encoding = std::string(val);
    if (EqualsNoCaseAscii(k, "transfer-encoding") && EqualsNoCaseAscii(val, "chunked"))
      chunked = true;
  }
  std::string tmp;
  if (chunked && Dechunk(body, &tmp)) {
    m.body = std::move(tmp);
  } else {
    m.body = std::string(body);
  }
  if (!encoding.empty() && !EqualsNoCaseAscii(encoding, "identity")) {
    if (EqualsNoCaseAscii(encoding, "gzip") || EqualsNoCaseAscii(encoding, "x-gzip") ||
        EqualsNoCaseAscii(encoding, "deflate")) {
      bool too_big = false;
      if (Inflate(m.body, max_decoded, &tmp, &too_big)) {
        m.body = std::move(tmp);
      } else if (too_big) {
        m.error = fmt::format(
            "the {} body decodes to more than the limit of {} bytes (a "
            "decompression bomb? raise --max-decoded if the page is right)",
            encoding, max_decoded);
        m.body.clear();
      } else {
        m.error = fmt::format("cannot decode the {} body (it is corrupt)", encoding);
        m.body.clear();
      }
    } else {
      m.error = fmt::format("content encoding '{}' cannot be decoded in replay", encoding);
      m.body.clear();
    }
  }
  return m;
}

}  // namespace karta
