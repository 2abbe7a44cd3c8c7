#include "lib/warc.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

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
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
      b[14], b[15]);
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
bool Inflate(std::string_view in, int64_t limit, std::string* out) {
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
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
                  0600);
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot create the WARC file ({})", path,
                                  std::strerror(errno)));
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
  auto gz = Gzip(rec);
  if (!gz.ok()) return gz.status();
  const char* p = gz->data();
  size_t n = gz->size();
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::Io(fmt::format("{}: cannot write the WARC file ({})", path_,
                                    std::strerror(errno)));
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
      std::string_view name = c == std::string_view::npos ? line : TrimAsciiSpace(line.substr(0, c));
      if (EqualsNoCaseAscii(name, "content-encoding")) {
        decoded_from = std::string(TrimAsciiSpace(line.substr(c + 1)));
        continue;
      }
      if (EqualsNoCaseAscii(name, "transfer-encoding") || EqualsNoCaseAscii(name, "content-length")) {
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
      {"WARC-Target-URI", std::string(url)},
      {"Content-Type", "application/http;msgtype=response"}};
  if (!ip.empty()) rh.emplace_back("WARC-IP-Address", std::string(ip));
  auto resp = Write("response", rh, block);
  if (!resp.ok()) return resp.status();
  if (!request_head.empty()) {
    auto req = Write("request",
                     {{"WARC-Target-URI", std::string(url)},
                      {"WARC-Concurrent-To", *resp},
                      {"Content-Type", "application/http;msgtype=request"}},
                     request_head);
    if (!req.ok()) return req.status();
  }
  return *resp;
}

Status WarcWriter::Flush() { return Status::Ok(); }  // every record is written whole

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Io(fmt::format("{}: cannot open the WARC file ({})", path,
                                  std::strerror(errno)));
  }
  gzFile gz = gzdopen(fd, "rb");
  if (!gz) {
    ::close(fd);
    return Status::Io(fmt::format("{}: cannot read the WARC file", path));
  }
  gzbuffer(gz, 1 << 17);
  std::unique_ptr<WarcReader> r(new WarcReader());
  r->gz_ = gz;
  r->path_ = path;
  return r;
}

WarcReader::~WarcReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

bool WarcReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + (1 << 17));
  int n = gzread(static_cast<gzFile>(gz_), buf_.data() + old, 1 << 17);
  if (n <= 0) {
    buf_.resize(old);
    eof_ = true;
    return false;
  }
  buf_.resize(old + static_cast<size_t>(n));
  return true;
}

Result<bool> WarcReader::Next(WarcRecord* rec) {
  rec->headers.clear();
  rec->block.clear();
  // Skip blank lines between records.
  for (;;) {
    while (pos_ < buf_.size() && (buf_[pos_] == '\r' || buf_[pos_] == '\n')) ++pos_;
    if (pos_ < buf_.size()) break;
    if (!Fill()) return false;
  }
  // The header ends at an empty line.
  size_t end;
  for (;;) {
    end = buf_.find("\r\n\r\n", pos_);
    size_t lf = buf_.find("\n\n", pos_);
    if (lf != std::string::npos && (end == std::string::npos || lf < end)) end = lf;
    if (end != std::string::npos) break;
    if (buf_.size() - pos_ > (1 << 20) || !Fill()) {
      return Status::Data(fmt::format("{}: record {}: no end of the WARC header (is this a WARC "
                                      "file?)",
                                      path_, offset_ + 1));
    }
  }
  std::string_view head(buf_.data() + pos_, end - pos_);
  size_t head_len = end - pos_ + (buf_[end] == '\r' ? 4 : 2);
  if (head.substr(0, 5) != "WARC/") {
    return Status::Data(
        fmt::format("{}: record {}: does not start with WARC/ (is this a WARC file?)", path_,
                    offset_ + 1));
  }
  rec->headers = ParseWarcFields(head.substr(head.find('\n') + 1));
  std::string len = rec->Get("Content-Length");
  char* stop = nullptr;
  long long n = std::strtoll(len.c_str(), &stop, 10);
  if (len.empty() || *stop != '\0' || n < 0) {
    return Status::Data(fmt::format("{}: record {}: bad Content-Length '{}'", path_, offset_ + 1,
                                    len));
  }
  pos_ += head_len;
  while (buf_.size() - pos_ < static_cast<size_t>(n)) {
    if (!Fill()) {
      return Status::Data(fmt::format("{}: record {}: truncated (the file ends inside it)", path_,
                                      offset_ + 1));
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
    if (EqualsNoCaseAscii(k, "transfer-encoding") && EqualsNoCaseAscii(val, "chunked")) chunked = true;
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
      if (Inflate(m.body, max_decoded, &tmp)) {
        m.body = std::move(tmp);
      } else {
        m.error = fmt::format("cannot decode the {} body (corrupt, or larger than --max-decoded)",
                              encoding);
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
