// Wordscan: fast inner loops shared by the text scanners (lib/extract.cc,
// lib/geotag.cc), which spend most of their time finding where a run of
// ASCII letters and digits ends.
//
//   AsciiAlnumEnd(p, i, n, &has_digit)
//                            the end of the run of ASCII letters and digits
//                            that starts at p[i] (i itself if p[i] is none);
//                            sets has_digit if the run holds a digit
//   FoldAsciiAlnum(p, i, n, out)
//                            the same, and writes the run lower-cased to
//                            `out` (which must have room for the run plus
//                            16 bytes: whole 16-byte blocks are stored, so
//                            the bytes after the run are garbage)
//   FoldShortAsciiWord(p, i, n, out, &lo, &hi)
//                            a whole ASCII word of < 16 bytes at once, its
//                            folded bytes also in registers (see below)
//   PodVec<T>                a scratch array whose appends check nothing
//   LoadTail(p, len)         the first len (< 8) bytes at p as a
//                            little-endian word, the rest zero, reading 8
//                            bytes: p must have 8 readable bytes
//
// With SSE2 (every x86-64) 16 bytes are classified at once, so a word costs
// one step instead of one branch per byte; elsewhere plain loops do the same.
// Only whole 16-byte blocks inside [0, n) are loaded: never past the end.
#ifndef KARTA_LIB_WORDSCAN_H_
#define KARTA_LIB_WORDSCAN_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace karta {

// A growable array of trivially copyable T whose appends check nothing: the
// scanner sizes it for the text first (a text of n bytes has at most n/2+1
// words), so appending a word is a store. Used for per-text scratch arrays
// that are reused from text to text.
template <typename T>
class PodVec {
 public:
  // Empties the array and makes room for n elements.
  void Reset(size_t n) {
    size_ = 0;
    if (n > cap_) {
      cap_ = n > cap_ * 2 ? n : cap_ * 2;
      data_ = std::make_unique<T[]>(cap_);
    }
  }
  void push_back(const T& v) { data_[size_++] = v; }  // within the room made by Reset
  T& emplace_back() { return data_[size_++]; }        // uninitialised POD, to fill in
  // Appends v if `keep`, without a branch: v is stored either way, so the
  // room made by Reset must be one more than the elements kept.
  void PushIf(const T& v, bool keep) {
    data_[size_] = v;
    size_ += keep;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& operator[](size_t i) { return data_[i]; }
  T& back() { return data_[size_ - 1]; }

 private:
  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

inline bool IsAsciiAlnumByte(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

#if defined(__SSE2__)
namespace wordscan_detail {
// Bytes of v in [lo, hi] (unsigned), as 0xFF.
inline __m128i InRange(__m128i v, unsigned char lo, unsigned char hi) {
  __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(lo)));
  return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(static_cast<char>(hi - lo))), t);
}
}  // namespace wordscan_detail
#endif

inline size_t AsciiAlnumEnd(const char* p, size_t i, size_t n, bool* has_digit) {
#if defined(__SSE2__)
  using namespace wordscan_detail;
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i alpha = InRange(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
    __m128i digit = InRange(v, '0', '9');
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(alpha, digit)));
    unsigned d = static_cast<unsigned>(_mm_movemask_epi8(digit));
    if (m != 0xFFFF) {
      unsigned len = static_cast<unsigned>(__builtin_ctz(~m));
      if (d & ((1u << len) - 1)) *has_digit = true;
      return i + len;
    }
    if (d) *has_digit = true;
    i += 16;
  }
#endif
  while (i < n) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c >= '0' && c <= '9') {
      *has_digit = true;
    } else if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      break;
    }
    ++i;
  }
  return i;
}

inline size_t FoldAsciiAlnum(const char* p, size_t i, size_t n, char* out) {
#if defined(__SSE2__)
  using namespace wordscan_detail;
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));  // as in FoldShortAsciiWord
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), folded);
    unsigned m = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(InRange(folded, 'a', 'z'), InRange(v, '0', '9'))));
    if (m != 0xFFFF) return i + static_cast<size_t>(__builtin_ctz(~m));
    i += 16;
    out += 16;
  }
#endif
  while (i < n) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c >= '0' && c <= '9') {
      *out++ = static_cast<char>(c);
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      *out++ = static_cast<char>(c | 0x20);
    } else {
      break;
    }
    ++i;
  }
  return i;
}

// A whole short ASCII word in one step: if p[i] starts a run of ASCII
// letters and digits shorter than 16 bytes that is followed (inside [0, n))
// by an ASCII byte, stores it lower-cased at `out` (16 bytes are written),
// sets *lo and *hi to its first and second 8 folded bytes (little-endian,
// garbage past the word) and returns its length; else returns 0 and the
// caller takes the general path. Always 0 without SSE2.
inline size_t FoldShortAsciiWord(const char* p, size_t i, size_t n, char* out, uint64_t* lo,
                                 uint64_t* hi) {
#if defined(__SSE2__)
  using namespace wordscan_detail;
  if (i + 16 > n) return 0;
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
  // | 0x20 lower-cases letters and keeps digits: the folded word (garbage
  // past its end).
  __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i alnum = _mm_or_si128(InRange(folded, 'a', 'z'), InRange(v, '0', '9'));
  unsigned m = static_cast<unsigned>(_mm_movemask_epi8(alnum));
  unsigned len = static_cast<unsigned>(__builtin_ctz(~m | 0x10000u));
  if (len == 16 || static_cast<unsigned char>(p[i + len]) >= 0x80) return 0;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), folded);
  *lo = static_cast<uint64_t>(_mm_cvtsi128_si64(folded));
  *hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(folded, folded)));
  return len;
#else
  (void)p, (void)i, (void)n, (void)out, (void)lo, (void)hi;
  return 0;
#endif
}

inline uint64_t LoadTail(const char* p, size_t len) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  if (len == 0) return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return w & (~uint64_t{0} << (64 - 8 * len));  // the first byte is the highest
#else
  return w & (~uint64_t{0} >> (64 - 8 * len));  // the first byte is the lowest
#endif
}

}  // namespace karta

#endif  // KARTA_LIB_WORDSCAN_H_
