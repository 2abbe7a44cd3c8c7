#include "lib/text.h"

#include <utf8proc.h>

#include <bit>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstdlib>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KARTA_TEXT_AVX2 1
#endif

namespace karta {

namespace {
constexpr uint64_t kLowBits = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Length of the longest prefix of [p, p+n) that is valid UTF-8 and, with
// `no_nul`, free of NUL bytes. Eight bytes at a time over ASCII: the word's
// high bits (non-ASCII) and its zero bytes (NUL) mark where the slow path
// starts, found with one count-trailing-zeros instead of a byte loop. The
// common two-byte letters (å ä ö é) are checked inline.
#if defined(KARTA_TEXT_AVX2)
// The 32 bits of an AVX2 movemask, as the low half of 64.
#define KARTA_BITS32(v) static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(v)))

// The 64-byte block loop of ValidPrefix below with two 32-byte AVX2 loads
// per block: returns where it stopped (a block it could not pass whole).
__attribute__((target("avx2"))) size_t AsciiTwoByteRunAvx2(const unsigned char* p, size_t i,
                                                           size_t n, bool no_nul) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i e0 = _mm256_set1_epi8(static_cast<char>(0xE0));
  const __m256i fe = _mm256_set1_epi8(static_cast<char>(0xFE));
  const __m256i c0 = _mm256_set1_epi8(static_cast<char>(0xC0));
  const __m256i below_c0 = _mm256_set1_epi8(-64);
  while (i + 64 <= n) {
    __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    if (no_nul && _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(v0, v1), zero)) != 0) {
      break;
    }
    if (_mm256_movemask_epi8(_mm256_or_si256(v0, v1)) == 0) {
      i += 64;
      continue;
    }
    __m256i bad0 = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_max_epu8(v0, e0), v0),
                                   _mm256_cmpeq_epi8(_mm256_and_si256(v0, fe), c0));
    __m256i bad1 = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_max_epu8(v1, e0), v1),
                                   _mm256_cmpeq_epi8(_mm256_and_si256(v1, fe), c0));
    if (_mm256_movemask_epi8(_mm256_or_si256(bad0, bad1)) != 0) break;
    uint64_t high = KARTA_BITS32(v0) | KARTA_BITS32(v1) << 32;
    uint64_t cont = KARTA_BITS32(_mm256_cmpgt_epi8(below_c0, v0)) |
                    KARTA_BITS32(_mm256_cmpgt_epi8(below_c0, v1)) << 32;
    uint64_t lead = high & ~cont;
    if ((lead << 1) != cont) break;
    i += 64 - static_cast<size_t>(lead >> 63);
  }
  return i;
}
#undef KARTA_BITS32
#endif

size_t ValidPrefix(const unsigned char* p, size_t n, bool no_nul) {
  size_t i = 0;
  bool avx2 = false;
#if defined(KARTA_TEXT_AVX2)
  avx2 = CpuHasAvx2();
#endif
  while (i < n) {
#if defined(KARTA_TEXT_AVX2)
    if (avx2) i = AsciiTwoByteRunAvx2(p, i, n, no_nul);
#endif
#if defined(__SSE2__)
    // Sixty-four bytes at a time while they hold only ASCII and two-byte
    // sequences: one OR of the four 16-byte loads finds the all-ASCII blocks;
    // a mixed block is checked with 64-bit masks (every byte >= 0x80 is a
    // continuation 80..BF or a two-byte lead C2..DF, and the continuations
    // are exactly the bytes after the leads). A lead in the last byte is left
    // for the next block. Anything else goes to the 16-byte path below.
    if (!avx2) {
      const __m128i zero = _mm_setzero_si128();
      const __m128i e0 = _mm_set1_epi8(static_cast<char>(0xE0));
      const __m128i fe = _mm_set1_epi8(static_cast<char>(0xFE));
      const __m128i c0 = _mm_set1_epi8(static_cast<char>(0xC0));
      const __m128i below_c0 = _mm_set1_epi8(-64);
      // Bytes C0, C1 and E0..FF: never part of an ASCII/two-byte run.
      auto bad = [&](__m128i v) {
        return _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, e0), v),
                            _mm_cmpeq_epi8(_mm_and_si128(v, fe), c0));
      };
      auto bits = [](__m128i v) {
        return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(v)));
      };
      while (i + 64 <= n) {
        const auto* q = reinterpret_cast<const __m128i*>(p + i);
        __m128i v0 = _mm_loadu_si128(q), v1 = _mm_loadu_si128(q + 1), v2 = _mm_loadu_si128(q + 2),
                v3 = _mm_loadu_si128(q + 3);
        if (no_nul) {
          __m128i m = _mm_min_epu8(_mm_min_epu8(v0, v1), _mm_min_epu8(v2, v3));
          if (_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero)) != 0) break;
        }
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(v0, v1), _mm_or_si128(v2, v3))) == 0) {
          i += 64;
          continue;
        }
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(bad(v0), bad(v1)),
                                           _mm_or_si128(bad(v2), bad(v3)))) != 0) {
          break;
        }
        uint64_t high = bits(v0) | bits(v1) << 16 | bits(v2) << 32 | bits(v3) << 48;
        uint64_t cont =
            bits(_mm_cmplt_epi8(v0, below_c0)) | bits(_mm_cmplt_epi8(v1, below_c0)) << 16 |
            bits(_mm_cmplt_epi8(v2, below_c0)) << 32 | bits(_mm_cmplt_epi8(v3, below_c0)) << 48;
        uint64_t lead = high & ~cont;
        if ((lead << 1) != cont) break;
        i += 64 - static_cast<size_t>(lead >> 63);
      }
    }
    // Sixteen bytes at a time while they hold only ASCII and two-byte
    // sequences (Swedish and most European text): every lead byte C2..DF is
    // followed by a continuation byte 80..BF and every continuation byte
    // follows a lead. Anything else goes to the byte-wise path below.
    const __m128i zero = _mm_setzero_si128();
    while (i + 17 <= n) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      auto high = static_cast<uint32_t>(_mm_movemask_epi8(v));
      if (no_nul && _mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) != 0) break;
      if (high == 0) {
        i += 16;
        continue;
      }
      // As signed bytes: continuations are -128..-65, two-byte leads -62..-33.
      auto cont = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(-64))));
      auto lead = static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(
          _mm_cmpgt_epi8(v, _mm_set1_epi8(-63)), _mm_cmplt_epi8(v, _mm_set1_epi8(-32)))));
      if ((lead | cont) != high || ((lead << 1) & 0xFFFF) != cont) break;
      if (lead & 0x8000) {  // the last lead's continuation is the next byte
        if ((p[i + 16] & 0xC0) != 0x80) break;
        i += 17;
      } else {
        i += 16;
      }
    }
#endif
    while (i + 8 <= n) {
      uint64_t w;
      __builtin_memcpy(&w, p + i, 8);
      uint64_t stop = w & kHighBits;
      if (no_nul) stop |= (w - kLowBits) & ~w & kHighBits;
      if (stop == 0) {
        i += 8;
        continue;
      }
      if constexpr (std::endian::native == std::endian::little) {
        i += static_cast<size_t>(__builtin_ctzll(stop)) / 8;
      }
      break;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0 && no_nul) return i;
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) return i;
      i += 2;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += len;
  }
  return n;
}
}  // namespace

bool Utf8Valid(std::string_view s, size_t* bad_offset) {
  size_t ok = ValidPrefix(reinterpret_cast<const unsigned char*>(s.data()), s.size(), false);
  if (ok == s.size()) return true;
  if (bad_offset) *bad_offset = ok;
  return false;
}

size_t Utf8TextPrefix(std::string_view s) {
  return ValidPrefix(reinterpret_cast<const unsigned char*>(s.data()), s.size(), true);
}

bool EqualsNoCaseAscii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCaseAscii(a, b);
}

bool StartsWithNoCaseAscii(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLower(s[i]) != AsciiLower(prefix[i])) return false;
  }
  return true;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool CpuHasAvx2() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && std::getenv("KARTA_NO_AVX2") == nullptr;
  }();
  return have;
#else
  return false;
#endif
}

char32_t DecodeUtf8(std::string_view s, size_t* i) {
  utf8proc_int32_t cp = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + *i),
                            static_cast<utf8proc_ssize_t>(s.size() - *i), &cp);
  if (n <= 0) {
    *i += 1;
    return 0xFFFD;
  }
  *i += static_cast<size_t>(n);
  return static_cast<char32_t>(cp);
}

void AppendUtf8(std::string* out, char32_t c) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

bool IsLetter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

namespace {

// Appends the folded form of code point `c`.
void FoldChar(char32_t c, FoldOptions opts, std::string* out) {
  if (c < 0x80) {
    char ch = static_cast<char>(c);
    if (opts.case_fold && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    out->push_back(ch);
    return;
  }
  utf8proc_int32_t buf[8];
  int options = UTF8PROC_DECOMPOSE;
  if (opts.case_fold) options |= UTF8PROC_CASEFOLD;
  if (opts.diacritics) options |= UTF8PROC_STRIPMARK;
  int last = 0;
  auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buf, 8,
                                   static_cast<utf8proc_option_t>(options), &last);
  if (n < 0 || n > 8) {
    AppendUtf8(out, c);
    return;
  }
  if (!opts.diacritics) {
    // Recompose so that ö stays one code point (o + U+0308 would split words).
    std::string tmp;
    for (int k = 0; k < n; ++k) AppendUtf8(&tmp, static_cast<char32_t>(buf[k]));
    utf8proc_uint8_t* composed = nullptr;
    auto m = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(tmp.data()),
                          static_cast<utf8proc_ssize_t>(tmp.size()), &composed,
                          static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE));
    if (m >= 0 && composed) {
      out->append(reinterpret_cast<const char*>(composed), static_cast<size_t>(m));
    } else {
      out->append(tmp);
    }
    std::free(composed);
    return;
  }
  for (int k = 0; k < n; ++k) AppendUtf8(out, static_cast<char32_t>(buf[k]));
}

}  // namespace

std::string Fold(std::string_view s, FoldOptions opts) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      char ch = static_cast<char>(b);
      if (opts.case_fold && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      out.push_back(ch);
      ++i;
      continue;
    }
    FoldChar(DecodeUtf8(s, &i), opts, &out);
  }
  return out;
}

FoldedText FoldWithOffsets(std::string_view s, FoldOptions opts) {
  FoldedText f;
  f.text.reserve(s.size());
  f.origin.reserve(s.size() + 1);
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      char ch = static_cast<char>(b);
      if (opts.case_fold && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      f.text.push_back(ch);
      f.origin.push_back(static_cast<uint32_t>(start));
      ++i;
      continue;
    }
    char32_t c = DecodeUtf8(s, &i);
    size_t before = f.text.size();
    FoldChar(c, opts, &f.text);
    for (size_t k = before; k < f.text.size(); ++k)
      f.origin.push_back(static_cast<uint32_t>(start));
  }
  f.origin.push_back(static_cast<uint32_t>(s.size()));
  return f;
}

std::vector<WordSpan> Words(std::string_view s) {
  std::vector<WordSpan> words;
  size_t i = 0;
  bool in_word = false;
  size_t begin = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t c = DecodeUtf8(s, &i);
    bool w = IsWordChar(c);
    if (w && !in_word) {
      begin = start;
      in_word = true;
    } else if (!w && in_word) {
      words.push_back({begin, start});
      in_word = false;
    }
  }
  if (in_word) words.push_back({begin, s.size()});
  return words;
}

namespace {
// Decodes the code point that ends just before byte `end`.
char32_t DecodeBefore(std::string_view s, size_t end) {
  size_t b = end;
  do {
    --b;
  } while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80 && end - b < 4);
  size_t i = b;
  return DecodeUtf8(s, &i);
}
}  // namespace

bool AtWordBoundaries(std::string_view s, size_t begin, size_t end) {
  if (begin > 0 && IsWordChar(DecodeBefore(s, begin))) return false;
  if (end < s.size()) {
    size_t i = end;
    if (IsWordChar(DecodeUtf8(s, &i))) return false;
  }
  return true;
}

std::string NormalizeSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    bool space;
    size_t start = i;
    if (b < 0x80) {
      space = b == ' ' || (b >= '\t' && b <= '\r');
      ++i;
    } else {
      char32_t c = DecodeUtf8(s, &i);
      auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
      space = cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
              cat == UTF8PROC_CATEGORY_ZP || c == 0x85;
    }
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.append(s.substr(start, i - start));
  }
  return out;
}

void AppendJsonString(std::string* out, std::string_view s, bool for_script) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        *out += "\\\"";
        continue;
      case '\\':
        *out += "\\\\";
        continue;
      case '\n':
        *out += "\\n";
        continue;
      case '\r':
        *out += "\\r";
        continue;
      case '\t':
        *out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || (for_script && (c == '<' || c == '>' || c == '&'))) {
      *out += "\\u00";
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else if (for_script && c == 0xE2 && i + 2 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      // U+2028/U+2029 end a line in older JavaScript.
      *out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

std::string JsonString(std::string_view s, bool for_script) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(&out, s, for_script);
  return out;
}

}  // namespace karta
