#include "lib/pseudonym.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

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
    return Status::Io(
        fmt::format("{}: cannot open the key file: {} (make one with karta extract "
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
    return Status::Io(
        fmt::format("{}: cannot create the key file: {}", path, std::strerror(errno)));
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

namespace karta {
namespace {

bool Contains(const std::vector<Identifier>& v, const Identifier& id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

// The first identifier of `ids` that is also in `ref`, or nullptr.
const Identifier* FirstIn(const std::vector<Identifier>& ids, const std::vector<Identifier>& ref) {
  for (const Identifier& id : ids) {
    if (Contains(ref, id)) return &id;
  }
  return nullptr;
}

// A UTF-8 character boundary at or before i (never before lo).
size_t BoundaryAtOrBefore(std::string_view s, size_t i, size_t lo) {
  while (i > lo && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// Bisects (lo, hi) for the transition of `pred`, which is `lo_value` at lo and
// !lo_value at hi, on character boundaries. Returns the boundary next to the
// transition on hi's side.
template <typename Pred>
size_t Bisect(std::string_view s, size_t lo, size_t hi, Pred pred, bool lo_value) {
  while (hi - lo > 1) {
    size_t mid = BoundaryAtOrBefore(s, lo + (hi - lo) / 2, lo);
    if (mid == lo) {
      mid = lo + 1;
      while (mid < hi && (static_cast<unsigned char>(s[mid]) & 0xC0) == 0x80) ++mid;
      if (mid >= hi) break;
    }
    if (pred(mid) == lo_value) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo_value ? lo : hi;
}

constexpr size_t kFirstWindow = 128;

}  // namespace

std::vector<IdentifierSpan> LocateIdentifiers(std::string_view text, const IdentifierFinder& find) {
  std::vector<IdentifierSpan> spans;
  std::vector<Identifier> ref, found;
  find(text, &ref);
  if (ref.empty()) return spans;
  size_t n = text.size();
  size_t p = 0;
  while (p < n) {
    // The end: the shortest text[p, e) holding an identifier of ref.
    auto holds_any = [&](size_t e) {
      found.clear();
      find(text.substr(p, e - p), &found);
      return FirstIn(found, ref) != nullptr;
    };
    size_t lo = p, step = kFirstWindow;
    size_t hi = BoundaryAtOrBefore(text, std::min(n, p + step), p);
    while (!holds_any(hi)) {
      if (hi >= n) return spans;
      lo = hi;
      step *= 2;
      hi = BoundaryAtOrBefore(text, std::min(n, p + step), p);
      if (hi <= lo) hi = n;
    }
    size_t e = Bisect(text, lo, hi, holds_any, false);
    found.clear();
    find(text.substr(p, e - p), &found);
    const Identifier* first = FirstIn(found, ref);
    if (first == nullptr) {  // not monotone here: take the bracket's end
      e = hi;
      found.clear();
      find(text.substr(p, e - p), &found);
      first = FirstIn(found, ref);
      if (first == nullptr) return spans;
    }
    Identifier id = *first;
    // The start: the latest b with id still seen in text[b, e).
    auto holds_id = [&](size_t b) {
      found.clear();
      find(text.substr(b, e - b), &found);
      return Contains(found, id);
    };
    size_t bhi = e, blo = p;
    step = 64;
    for (;;) {
      size_t b = e - p > step ? BoundaryAtOrBefore(text, e - step, p) : p;
      if (b == p || holds_id(b)) {
        blo = b;
        break;
      }
      bhi = b;
      step *= 2;
    }
    size_t b = Bisect(text, blo, bhi, holds_id, true);
    spans.push_back(IdentifierSpan{b, e, std::move(id)});
    p = e;
  }
  return spans;
}

namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }

// Every case-insensitive occurrence of `lit` in `text` that does not sit
// inside a longer word or number, as [begin, end).
void FindLiteral(std::string_view text, std::string_view lit,
                 std::vector<std::pair<size_t, size_t>>* out) {
  if (lit.empty() || lit.size() > text.size()) return;
  for (size_t i = 0; i + lit.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < lit.size() && LowerAscii(text[i + k]) == LowerAscii(lit[k])) ++k;
    if (k != lit.size()) continue;
    size_t end = i + lit.size();
    bool before_ok = i == 0 || !NameChar(text[i - 1]) || !NameChar(lit.front());
    bool after_ok = end == text.size() || !NameChar(text[end]) || !NameChar(lit.back());
    if (before_ok && after_ok) out->emplace_back(i, end);
  }
}

}  // namespace

size_t PseudonymizeText(const Pseudonymizer& p, const IdentifierFinder& find,
                        const std::vector<Identifier>& known, std::string* text) {
  struct Range {
    size_t begin, end;
    std::string token;
  };
  std::vector<Range> ranges;
  for (IdentifierSpan& s : LocateIdentifiers(*text, find)) {
    ranges.push_back({s.begin, s.end, p.Token(s.id.kind, s.id.value)});
  }
  std::vector<std::pair<size_t, size_t>> hits;
  for (const Identifier& id : known) {
    std::vector<std::string> forms = {id.value};
    if (id.kind == "tel" && id.value.rfind("+46", 0) == 0) {
      forms.push_back("0" + id.value.substr(3));
      forms.push_back("00" + id.value.substr(1));
    } else if (id.kind == "tel" && id.value.rfind("+", 0) == 0) {
      forms.push_back("00" + id.value.substr(1));
    }
    if (id.kind != "tel" && id.kind != "mail" && id.value.size() < 3) continue;
    std::string token = p.Token(id.kind, id.value);
    for (const std::string& f : forms) {
      hits.clear();
      FindLiteral(*text, f, &hits);
      for (auto [b, e] : hits) ranges.push_back({b, e, token});
    }
  }
  if (ranges.empty()) return 0;
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  // Overlapping ranges are merged (the union is replaced, by the first token).
  std::vector<Range> merged;
  for (Range& r : ranges) {
    if (!merged.empty() && r.begin < merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(std::move(r));
    }
  }
  std::string out;
  out.reserve(text->size());
  size_t pos = 0;
  for (const Range& r : merged) {
    out.append(*text, pos, r.begin - pos);
    out += r.token;
    pos = r.end;
  }
  out.append(*text, pos, std::string::npos);
  *text = std::move(out);
  return merged.size();
}

void AppendIdentifiers(const Extraction& x, std::vector<Identifier>* out) {
  for (const std::string& v : x.phones) out->push_back({"tel", v});
  for (const std::string& v : x.emails) out->push_back({"mail", v});
  for (const std::string& v : x.handles) {
    size_t c = v.find(':');
    if (c == std::string::npos) continue;
    out->push_back({v.substr(0, c), v.substr(c + 1)});
  }
}

IdentifierFinder IdentifierFinderFor(Extractor* ex) {
  return [ex, x = std::make_shared<Extraction>()](std::string_view text,
                                                  std::vector<Identifier>* out) {
    x->Clear();
    ex->Extract(text, 0, x.get());
    AppendIdentifiers(*x, out);
  };
}

bool IsMachineColumn(std::string_view name) {
  return name == "sha256" || name == "status" || name == "fetched_at" || name == "posted_at" ||
         name == "content_type";
}

}  // namespace karta
