#include "lib/collate.h"

#include <fmt/format.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace karta {

struct Collator::Impl {
  UCollator* coll = nullptr;
  std::vector<UChar> u16;    // scratch: the text in UTF-16
  std::vector<uint8_t> key;  // scratch: one sort key
  ~Impl() {
    if (coll) ucol_close(coll);
  }
  // Converts UTF-8 to UTF-16 in `buf` (invalid sequences become U+FFFD).
  int32_t ToU16(std::string_view s, std::vector<UChar>* buf) {
    if (buf->size() < s.size() + 1) buf->resize(s.size() + 1);
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    // UTF-16 never needs more code units than UTF-8 has bytes.
    u_strFromUTF8WithSub(buf->data(), static_cast<int32_t>(buf->size()), &len, s.data(),
                         static_cast<int32_t>(s.size()), 0xFFFD, nullptr, &st);
    if (U_FAILURE(st)) return 0;
    return len;
  }
};

Collator::Collator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Collator::~Collator() = default;

Result<std::unique_ptr<Collator>> Collator::Swedish(bool numeric) {
  auto impl = std::make_unique<Impl>();
  UErrorCode st = U_ZERO_ERROR;
  impl->coll = ucol_open("sv", &st);
  if (U_FAILURE(st) || !impl->coll) {
    return Status::Io(
        fmt::format("cannot open ICU's Swedish collation ({}; is libicu's data "
                    "installed?)",
                    u_errorName(st)));
  }
  // Secondary strength: letters and accents count, case does not ("Akalla"
  // and "akalla" are the same place; a stable sort keeps their input order).
  ucol_setStrength(impl->coll, UCOL_SECONDARY);
  if (numeric) {
    ucol_setAttribute(impl->coll, UCOL_NUMERIC_COLLATION, UCOL_ON, &st);
    if (U_FAILURE(st)) {
      return Status::Io(fmt::format("ICU: cannot turn on numeric collation ({})", u_errorName(st)));
    }
  }
  impl->key.resize(256);
  return std::unique_ptr<Collator>(new Collator(std::move(impl)));
}

void Collator::AppendKey(std::string_view text, std::string* out) {
  Impl& m = *impl_;
  int32_t n = m.ToU16(text, &m.u16);
  for (;;) {
    int32_t need =
        ucol_getSortKey(m.coll, m.u16.data(), n, m.key.data(), static_cast<int32_t>(m.key.size()));
    if (need <= static_cast<int32_t>(m.key.size())) {
      out->append(reinterpret_cast<const char*>(m.key.data()), static_cast<size_t>(need));
      return;
    }
    m.key.resize(static_cast<size_t>(need));
  }
}

int Collator::Compare(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  // ICU compares UTF-8 directly and stops at the first difference.
  UErrorCode st = U_ZERO_ERROR;
  UCollationResult r = ucol_strcollUTF8(impl_->coll, a.data(), static_cast<int32_t>(a.size()),
                                        b.data(), static_cast<int32_t>(b.size()), &st);
  if (U_FAILURE(st)) {
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return r == UCOL_LESS ? -1 : (r == UCOL_EQUAL ? 0 : 1);
}

int CompareSwedish(std::string_view a, std::string_view b) {
  thread_local std::unique_ptr<Collator> sv = [] {
    auto c = Collator::Swedish();
    return c.ok() ? std::move(c.value()) : nullptr;
  }();
  if (sv) {
    int c = sv->Compare(a, b);
    if (c != 0) return c;
  }
  // Equal to the collator (or no collator): bytes decide, so the order is total.
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// ---- Key segments --------------------------------------------------------------

namespace {
constexpr char kValue = 0x01;
constexpr char kEmpty = 0x02;
}  // namespace

void AppendEmptySegment(std::string* out) { out->push_back(kEmpty); }

void AppendTextSegment(std::string_view text, Collator* c, std::string* out) {
  out->push_back(kValue);
  if (c) {
    c->AppendKey(text, out);
    return;
  }
  // Byte order, escaped so that the segment has no zero byte inside:
  // 00 -> 01 01, 01 -> 01 02; ends with 00.
  for (char ch : text) {
    if (ch == 0x00 || ch == 0x01) {
      out->push_back(0x01);
      out->push_back(static_cast<char>(ch + 1));
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('\0');
}

void AppendNumberSegment(double v, std::string* out) {
  out->push_back(kValue);
  if (v == 0) v = 0;  // -0 -> +0
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  // IEEE 754 order as unsigned bytes: flip the sign bit of positives, every
  // bit of negatives.
  bits = (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void InvertSegment(std::string* out, size_t from) {
  if (from >= out->size() || (*out)[from] != kValue) return;
  for (size_t i = from + 1; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
}

}  // namespace karta
