#include "lib/csv.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KARTA_CSV_AVX2 1
#endif
#include <fmt/format.h>

#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "lib/text.h"

namespace karta {
namespace {
// 64 KiB: the read buffer stays in L2 from one read to the next; with
// 256 KiB the batches evicted it, and the kernel's copy into it was a fifth
// of `karta select`'s time.
constexpr size_t kBufSize = size_t{1} << 16;

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Nonzero iff some byte of `v` equals `c` (the classic SWAR zero-byte test).
inline uint64_t HasByte(uint64_t v, unsigned char c) {
  uint64_t x = v ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

// Returns the first byte in [p, e) equal to a, b, c or d, or e, eight bytes
// at a time (SWAR): the scan for builds without SSE2, where FindAnyPadded and
// CopyPlain below have no vector loop.
inline const char* FindAny(const char* p, const char* e, char a, char b, char c, char d) {
  while (p + 8 <= e) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if (HasByte(v, static_cast<unsigned char>(a)) | HasByte(v, static_cast<unsigned char>(b)) |
        HasByte(v, static_cast<unsigned char>(c)) | HasByte(v, static_cast<unsigned char>(d))) {
      break;
    }
    p += 8;
  }
  while (p < e && *p != a && *p != b && *p != c && *p != d) ++p;
  return p;
}

// The read buffer has this many readable bytes after its end, so that a scan
// may load sixteen bytes past the data instead of finishing byte by byte.
constexpr size_t kBufPad = 64;

#if defined(KARTA_CSV_AVX2)
// Long fields are scanned 32 bytes at a time when the CPU has AVX2
// (CpuHasAvx2, lib/text.h).
//
// FindAnyPadded's loop for long fields, 32 bytes at a time.
__attribute__((target("avx2"))) const char* FindAnyPaddedAvx2(const char* p, const char* e, char a,
                                                              char b, char c) {
  const __m256i va = _mm256_set1_epi8(a), vb = _mm256_set1_epi8(b), vc = _mm256_set1_epi8(c);
  for (;; p += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, va), _mm256_cmpeq_epi8(v, vb)),
                        _mm256_cmpeq_epi8(v, vc))));
    if (mask != 0) {
      const char* s = p + __builtin_ctz(mask);
      return s < e ? s : e;
    }
    if (p + 32 >= e) return e;
  }
}

// CopyPlain's loop for fields of 32 bytes or more, 32 bytes at a time.
__attribute__((target("avx2"))) bool CopyPlainAvx2(char* d, const char* p, size_t n,
                                                   char delimiter) {
  const __m256i vd = _mm256_set1_epi8(delimiter), vq = _mm256_set1_epi8('"'),
                vl = _mm256_set1_epi8('\n'), vr = _mm256_set1_epi8('\r');
#define KARTA_COPY32(at)                                                                       \
  do {                                                                                         \
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + (at)));                \
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + (at)), v);                              \
    hit = _mm256_or_si256(                                                                     \
        hit,                                                                                   \
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, vd), _mm256_cmpeq_epi8(v, vq)),   \
                        _mm256_or_si256(_mm256_cmpeq_epi8(v, vl), _mm256_cmpeq_epi8(v, vr)))); \
  } while (0)
  __m256i hit = _mm256_setzero_si256();
  KARTA_COPY32(n - 32);  // the last block, overlapping the one before
  for (size_t i = 0; i + 32 <= n; i += 32) KARTA_COPY32(i);
#undef KARTA_COPY32
  return _mm256_movemask_epi8(hit) == 0;
}
#endif

// Returns the first byte in [p, e) equal to a, b or c, or e; p < e, and
// kBufPad bytes after e may be read. Sixteen bytes first (short fields),
// then thirty-two at a time with one movemask per block.
[[gnu::always_inline]] inline const char* FindAnyPadded(const char* p, const char* e, char a,
                                                        char b, char c) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  auto hits = [&](const char* at) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                        _mm_cmpeq_epi8(v, vc));
  };
  auto first = [&](const char* at, __m128i hit) {
    const char* s = at + __builtin_ctz(static_cast<unsigned>(_mm_movemask_epi8(hit)));
    return s < e ? s : e;
  };
  __m128i h0 = hits(p);
  if (_mm_movemask_epi8(h0) != 0) return first(p, h0);
  p += 16;
  if (p >= e) return e;
  // One 32-byte step, then the field is long: AVX2 when the CPU has it.
  h0 = hits(p);
  __m128i h1 = hits(p + 16);
  if (_mm_movemask_epi8(_mm_or_si128(h0, h1)) != 0) {
    if (_mm_movemask_epi8(h0) != 0) return first(p, h0);
    return first(p + 16, h1);
  }
#if defined(KARTA_CSV_AVX2)
  if (p + 32 < e && CpuHasAvx2()) return FindAnyPaddedAvx2(p + 32, e, a, b, c);
#endif
  for (p += 32; p < e; p += 32) {
    h0 = hits(p);
    h1 = hits(p + 16);
    if (_mm_movemask_epi8(_mm_or_si128(h0, h1)) != 0) {
      if (_mm_movemask_epi8(h0) != 0) return first(p, h0);
      return first(p + 16, h1);
    }
  }
  return e;
#else
  return FindAny(p, e, a, b, c, c);
#endif
}
}  // namespace

// The parsing state of a reader: one thread at a time (the background thread
// or the caller's).
class CsvParser {
 public:
  CsvParser(CsvOptions opts, std::vector<std::string> paths)
      : opts_(opts), paths_(std::move(paths)), buf_(new char[kBufSize + kBufPad]()) {}

  Status Start() { return OpenNext(); }
  const Header& header() const { return header_; }
  // The next good record (malformed ones are skipped with skip_bad); false at
  // the end of all input.
  Result<bool> Next(Record* rec);
  int64_t skipped() const { return skipped_; }
  const std::string& first_skip() const { return first_skip_; }
  std::string_view name() const { return name_; }
  int64_t line() const { return line_; }
  // True when the next record may have to wait for input: nothing is
  // buffered and the input has nothing ready (a pipe whose writer pauses).
  bool WouldWait() const { return pos_ == end_ && !eof_ && in_ && !in_->Ready(); }

 private:
  Status OpenNext();  // opens paths_[next_path_] and reads its header
  Status ReadHeader();
  // True when there is a byte at pos_, refilling the buffer when it is used
  // up; false at end of file.
  bool Fill() { return pos_ < end_ || Refill(); }
  bool Refill();
  Status ParseRecord(Record* rec, bool* got);
  // Parses a well-formed record that lies wholly in the buffer from pos_
  // into `rec` (fields from 0; the count is left in *nf); false, with pos_
  // and line_ untouched, when the record needs more input or is malformed:
  // then ParseRecord's general path parses it again from the start.
  bool ParseBuffered(Record* rec, size_t* nf);
  Status ParseLine(Record* rec, bool* got);
  Status Validate(const Record& rec);
  Status Bad(int64_t line, std::string what);
  void SkipRestOfLine();
  void SkipRestOfQuoted();
  Status FieldTooLarge(int64_t line) const;
  // Offset of the first UTF-8 byte order mark in buf_[from, end_), or end_.
  size_t FirstBom(size_t from) const;
  // True when the bytes from `start` (in the buffer filled `fill` times) to
  // pos_ were all checked as UTF-8 text when the buffer was filled.
  bool Clean(uint64_t fill, size_t start) const {
    return fill == fills_ && start >= clean_begin_ && pos_ <= clean_end_;
  }

  CsvOptions opts_;
  std::vector<std::string> paths_;
  size_t next_path_ = 0;
  std::unique_ptr<InputFile> in_;
  std::vector<std::unique_ptr<std::string>> names_;  // stable file names
  std::string_view name_;
  Header header_;
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  // Buffer bytes [clean_begin_, clean_end_) are valid UTF-8 without NUL:
  // records wholly inside need no field-by-field check.
  size_t clean_begin_ = 0;
  size_t clean_end_ = 0;
  uint64_t fills_ = 0;
  bool eof_ = true;
  Status read_error_;
  int64_t line_ = 1;
  int64_t skipped_ = 0;
  std::string first_skip_;
};

Result<char> ParseDelimiter(std::string_view spec) {
  if (spec == "\\t" || spec == "tab" || spec == "\t") return '\t';
  if (spec == "comma") return ',';
  if (spec == "semicolon") return ';';
  if (spec == "pipe") return '|';
  if (spec.size() == 1 && spec[0] != '"' && spec[0] != '\n' && spec[0] != '\r') return spec[0];
  return Status::Usage(
      fmt::format("invalid delimiter '{}' (give one character such as ';', or \\t for tab)", spec));
}

Status CsvParser::OpenNext() {
  KARTA_ASSIGN_OR_RETURN(auto f, InputFile::Open(paths_[next_path_]));
  in_ = std::move(f);
  names_.push_back(std::make_unique<std::string>(in_->name()));
  name_ = *names_.back();
  ++next_path_;
  pos_ = end_ = 0;
  eof_ = false;
  line_ = 1;
  if (!Fill()) return read_error_;
  // Drop a UTF-8 byte order mark.
  if (end_ - pos_ >= 3 && std::memcmp(buf_.get() + pos_, "\xEF\xBB\xBF", 3) == 0) {
    pos_ += 3;
    clean_begin_ = pos_;
    clean_end_ = pos_ + Utf8TextPrefix(std::string_view(buf_.get() + pos_, end_ - pos_));
    clean_end_ = std::min(clean_end_, FirstBom(pos_));
  }
  return ReadHeader();
}

size_t CsvParser::FirstBom(size_t from) const {
  const char* b = buf_.get();
  for (size_t i = from; i < end_;) {
    const void* p = std::memchr(b + i, 0xEF, end_ - i);
    if (p == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(p) - b);
    // A mark cut by the end of the buffer counts too (its record is checked).
    if ((i + 1 >= end_ || static_cast<unsigned char>(b[i + 1]) == 0xBB) &&
        (i + 2 >= end_ || static_cast<unsigned char>(b[i + 2]) == 0xBF)) {
      return i;
    }
    ++i;
  }
  return end_;
}

Status CsvParser::FieldTooLarge(int64_t line) const {
  return Status::Data(fmt::format(
      "{}:{}: field larger than the limit of {} MiB (raise it with --max-field MIB if the "
      "data is right)",
      name_, line, opts_.max_field_bytes >> 20));
}

void CsvParser::SkipRestOfQuoted() {
  // Inside a quoted field: on to its closing quote, then the rest of the line.
  while (Fill()) {
    const char* p = buf_.get() + pos_;
    const char* q = static_cast<const char*>(std::memchr(p, '"', end_ - pos_));
    size_t take = q ? static_cast<size_t>(q - p) : end_ - pos_;
    for (const char* nl = p;
         (nl = static_cast<const char*>(std::memchr(nl, '\n', static_cast<size_t>(p + take - nl))));
         ++nl) {
      ++line_;
    }
    pos_ += take;
    if (!q) continue;
    ++pos_;
    if (Fill() && buf_[pos_] == '"') {
      ++pos_;
      continue;
    }
    break;
  }
  SkipRestOfLine();
}

bool CsvParser::Refill() {
  if (eof_) return false;
  auto n = in_->Read(buf_.get(), kBufSize);
  pos_ = 0;
  if (!n.ok()) {
    read_error_ = n.status();
    eof_ = true;
    end_ = 0;
    return false;
  }
  end_ = *n;
  ++fills_;
  // Check the whole chunk at once: one long run is much faster than a check
  // per field. Continuation bytes at the start belong to a character cut by
  // the previous read; the records around such a cut are checked field by
  // field instead.
  clean_begin_ = 0;
  while (clean_begin_ < end_ && clean_begin_ < 3 &&
         (static_cast<unsigned char>(buf_[clean_begin_]) & 0xC0) == 0x80) {
    ++clean_begin_;
  }
  clean_end_ = clean_begin_ +
               Utf8TextPrefix(std::string_view(buf_.get() + clean_begin_, end_ - clean_begin_));
  // A byte order mark inside a file (files joined with cat) is valid UTF-8,
  // but must not become part of a value: records from it on are checked
  // field by field (Validate rejects it).
  clean_end_ = std::min(clean_end_, FirstBom(clean_begin_));
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

Status CsvParser::Bad(int64_t line, std::string what) {
  return Status::Data(fmt::format("{}:{}: {}", name_, line, what));
}

Status CsvParser::ReadHeader() {
  Header h;
  if (opts_.text) {
    h = Header({"text"});
  } else {
    Record rec;
    bool got = false;
    Status st = ParseRecord(&rec, &got);
    if (!st.ok()) return st;
    if (!read_error_.ok()) return read_error_;
    if (got) {
      st = Validate(rec);
      if (!st.ok()) return st;
      std::unordered_map<std::string_view, size_t> seen;
      for (size_t i = 0; i < rec.fields.size(); ++i) {
        auto [it, fresh] = seen.emplace(rec.fields[i], i);
        if (!fresh) {
          return Status::Data(fmt::format(
              "{}:1: the header names column '{}' twice (columns {} and {}); a tool would "
              "read only the first, so rename one",
              name_, rec.fields[i].substr(0, 80), it->second + 1, i + 1));
        }
      }
      h = Header(std::move(rec.fields));
    }
  }
  if (next_path_ == 1) {
    header_ = std::move(h);
  } else if (!(h == header_) && !(h.empty() && !opts_.text)) {
    return Status::Data(fmt::format(
        "{}:1: header differs from the first input's (inputs read together must have the "
        "same columns in the same order)",
        name_));
  }
  return Status::Ok();
}

void CsvParser::SkipRestOfLine() {
  while (Fill()) {
    const char* p = buf_.get() + pos_;
    const void* nl = std::memchr(p, '\n', end_ - pos_);
    if (nl) {
      pos_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.get()) + 1;
      ++line_;
      return;
    }
    pos_ = end_;
  }
}

Status CsvParser::ParseLine(Record* rec, bool* got) {
  *got = false;
  rec->fields.resize(1);
  std::string& f = rec->fields[0];
  for (;;) {
    if (!Fill()) {
      if (!read_error_.ok()) return read_error_;
      return Status::Ok();
    }
    // Skip empty lines.
    f.clear();
    rec->line = line_;
    bool ended = false;
    while (!ended) {
      if (!Fill()) break;
      const char* p = buf_.get() + pos_;
      size_t avail = end_ - pos_;
      const void* nl = std::memchr(p, '\n', avail);
      size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - p) : avail;
      f.append(p, take);
      pos_ += take;
      if (nl) {
        ++pos_;
        ++line_;
        ended = true;
      }
      if (f.size() > opts_.max_field_bytes) {
        SkipRestOfLine();
        return FieldTooLarge(rec->line);
      }
      if (f.size() > opts_.max_record_bytes) {
        SkipRestOfLine();
        return Bad(rec->line, fmt::format("line longer than {} MiB (is this a text file?)",
                                          opts_.max_record_bytes >> 20));
      }
    }
    if (!read_error_.ok()) return read_error_;
    if (!f.empty() && f.back() == '\r') f.pop_back();
    if (f.empty()) continue;
    *got = true;
    return Status::Ok();
  }
}

bool CsvParser::ParseBuffered(Record* rec, size_t* nf_out) {
  const char delim = opts_.delimiter;
  const char* p = buf_.get() + pos_;
  const char* const e = buf_.get() + end_;
  int64_t line = line_;
  size_t nf = 0;
  for (;;) {  // one field per iteration; p < e
    if (nf == rec->fields.size()) rec->fields.emplace_back();
    std::string& f = rec->fields[nf++];
    f.clear();
    if (*p == '"') {
      ++p;
      for (;;) {
        const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(e - p)));
        if (!q) return false;
        for (const char* nl = p;
             (nl = static_cast<const char*>(std::memchr(nl, '\n', static_cast<size_t>(q - nl))));
             ++nl) {
          ++line;
        }
        f.append(p, static_cast<size_t>(q - p));
        p = q + 1;
        if (p == e) return false;  // a doubled quote or the end: more input decides
        if (*p != '"') break;
        f.push_back('"');
        ++p;
      }
      if (*p != delim && *p != '\n' && *p != '\r') return false;  // an error: the slow path says
    } else {
      const char* s = FindAnyPadded(p, e, delim, '\n', '\r');
      if (s == e) return false;
      f.append(p, static_cast<size_t>(s - p));
      p = s;
    }
    char c = *p++;
    if (c == delim) {
      if (p == e) return false;
      continue;
    }
    if (c == '\r') {
      if (p == e) return false;
      if (*p == '\n') ++p;
    }
    ++line;
    break;
  }
  pos_ = static_cast<size_t>(p - buf_.get());
  line_ = line;
  *nf_out = nf;
  return true;
}

Status CsvParser::ParseRecord(Record* rec, bool* got) {
  *got = false;
  const char delim = opts_.delimiter;
  // Skip empty lines before the record.
  for (;;) {
    if (!Fill()) return read_error_;
    char c = buf_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r') {
      ++pos_;
    } else {
      break;
    }
  }
  rec->line = line_;
  rec->source = name_;
  size_t nf = 0;
  // The fast path parses records wholly inside the buffer, so they are
  // within both limits.
  if (opts_.max_record_bytes >= kBufSize && opts_.max_field_bytes >= kBufSize &&
      ParseBuffered(rec, &nf)) {
    rec->fields.resize(nf);
    *got = true;
    return Status::Ok();
  }
  nf = 0;
  size_t total = 0;
  for (;;) {  // one field per iteration
    if (nf == rec->fields.size()) rec->fields.emplace_back();
    std::string& f = rec->fields[nf++];
    f.clear();
    if (Fill() && buf_[pos_] == '"') {
      int64_t quote_line = line_;
      ++pos_;
      for (;;) {
        if (!Fill()) {
          if (!read_error_.ok()) return read_error_;
          return Bad(quote_line,
                     "unterminated quoted field: a quote opened here is never closed "
                     "(look for a stray \" in this record)");
        }
        const char* p = buf_.get() + pos_;
        size_t avail = end_ - pos_;
        const char* q = static_cast<const char*>(std::memchr(p, '"', avail));
        size_t take = q ? static_cast<size_t>(q - p) : avail;
        for (const char* nl = p; (nl = static_cast<const char*>(
                                      std::memchr(nl, '\n', static_cast<size_t>(p + take - nl))));
             ++nl) {
          ++line_;
        }
        f.append(p, take);
        pos_ += take;
        total += take;
        if (f.size() > opts_.max_field_bytes) {
          f.clear();
          f.shrink_to_fit();
          SkipRestOfQuoted();
          return FieldTooLarge(quote_line);
        }
        if (total > opts_.max_record_bytes) {
          return Bad(quote_line, fmt::format("record larger than {} MiB: probably an "
                                             "unterminated quote",
                                             opts_.max_record_bytes >> 20));
        }
        if (!q) continue;
        ++pos_;  // the quote
        if (Fill() && buf_[pos_] == '"') {
          f.push_back('"');
          ++pos_;
          continue;
        }
        break;  // closing quote
      }
      // After a closing quote: delimiter, line end or end of input.
      if (Fill()) {
        char c = buf_[pos_];
        if (c != delim && c != '\n' && c != '\r') {
          int64_t at = line_;
          SkipRestOfLine();
          return Bad(at, fmt::format("unexpected '{}' after a closing quote (a quote inside a "
                                     "quoted field must be doubled: \"\")",
                                     c));
        }
      }
    } else {
      // Unquoted field: up to the delimiter or line end.
      for (;;) {
        if (!Fill()) break;
        const char* p = buf_.get() + pos_;
        const char* e = buf_.get() + end_;
        const char* s = FindAnyPadded(p, e, delim, '\n', '\r');
        f.append(p, static_cast<size_t>(s - p));
        total += static_cast<size_t>(s - p);
        pos_ += static_cast<size_t>(s - p);
        if (f.size() > opts_.max_field_bytes) {
          int64_t at = line_;
          f.clear();
          f.shrink_to_fit();
          SkipRestOfLine();
          return FieldTooLarge(at);
        }
        if (s < e) break;
        if (total > opts_.max_record_bytes) {
          int64_t at = rec->line;
          SkipRestOfLine();
          return Bad(at, fmt::format("record larger than {} MiB (is this a CSV file?)",
                                     opts_.max_record_bytes >> 20));
        }
      }
    }
    // Field terminator.
    if (!Fill()) break;  // end of input ends the record
    char c = buf_[pos_++];
    if (c == delim) continue;
    if (c == '\r') {
      if (Fill() && buf_[pos_] == '\n') ++pos_;
      ++line_;
      break;
    }
    ++line_;  // '\n'
    break;
  }
  if (!read_error_.ok()) return read_error_;
  rec->fields.resize(nf);
  *got = true;
  return Status::Ok();
}

Status CsvParser::Validate(const Record& rec) {
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    const std::string& f = rec.fields[i];
    auto col = [&] {
      return i < header_.size() ? fmt::format("column '{}'", header_[i])
                                : fmt::format("field {}", i + 1);
    };
    if (std::memchr(f.data(), '\0', f.size())) {
      return Bad(rec.line, fmt::format("NUL byte in {} (binary data is not CSV text)", col()));
    }
    if (f.find("\xEF\xBB\xBF") != std::string::npos) {
      return Bad(rec.line, fmt::format("byte order mark (U+FEFF) inside {}: were files joined "
                                       "with cat? Give them as separate inputs instead",
                                       col()));
    }
    size_t bad = 0;
    if (!Utf8Valid(f, &bad)) {
      return Bad(rec.line, fmt::format("invalid UTF-8 in {} at byte {} (convert the file to "
                                       "UTF-8, e.g. iconv -f latin1 -t utf-8)",
                                       col(), bad + 1));
    }
  }
  return Status::Ok();
}

Result<bool> CsvParser::Next(Record* rec) {
  for (;;) {
    if (opts_.cancel && opts_.cancel->load(std::memory_order_relaxed)) {
      return Status::Interrupted(fmt::format("{}:{}: interrupted", name_, line_));
    }
    bool got = false;
    // Where the record starts: after empty lines, which are ASCII anyway.
    Fill();
    const uint64_t fill = fills_;
    const size_t start = pos_;
    Status st = opts_.text ? ParseLine(rec, &got) : ParseRecord(rec, &got);
    rec->source = name_;
    if (st.ok() && !got) {
      if (!read_error_.ok()) return read_error_;
      // End of this file: go on with the next one, if any.
      if (next_path_ < paths_.size()) {
        st = OpenNext();
        if (!st.ok()) return st;
        continue;
      }
      return false;
    }
    if (st.ok() && !Clean(fill, start)) st = Validate(*rec);
    if (st.ok() && !opts_.text && rec->fields.size() != header_.size()) {
      st = Bad(rec->line,
               fmt::format("record has {} field{}, the header has {} (check the "
                           "quoting and the delimiter)",
                           rec->fields.size(), rec->fields.size() == 1 ? "" : "s", header_.size()));
    }
    if (!st.ok()) {
      if (st.code() != Status::Code::kData || !opts_.skip_bad) return st;
      if (skipped_++ == 0) first_skip_ = st.message();
      continue;
    }
    return true;
  }
}

// What the background thread and the reader share. The thread holds a
// reference too, so that a reader destroyed while the thread is blocked in a
// read (an interactive stdin after Ctrl-C) leaves it nothing dangling.
struct CsvShared {
  explicit CsvShared(CsvOptions opts, std::vector<std::string> paths)
      : parser(opts, std::move(paths)) {}
  CsvParser parser;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<CsvReader::Batch*> full;  // parsed, in order
  std::vector<CsvReader::Batch*> free;
  std::vector<std::unique_ptr<CsvReader::Batch>> all;
  bool stop = false;      // the reader is gone or done
  bool finished = false;  // the thread has returned
};

// A run of parsed records. The last batch has `end` set and, after its
// records, the error that ended the input (ok at the normal end).
//
// The background thread parses straight into the batch's records, and Next()
// swaps a record's field vector with the caller's: no field is copied on the
// way. The caller's old strings go back with the batch and are parsed into
// next time round, so their buffers are reused and rarely reallocated.
struct CsvReader::Batch {
  std::vector<Record> rows;  // rows[0, count) hold records
  size_t count = 0;
  bool end = false;
  Status status;
  int64_t skipped = 0;  // the parser's count after this batch
  std::string first_skip;
};

namespace {
constexpr size_t kBatchRecords = 256;
constexpr size_t kBatchBytes = size_t{1} << 20;
constexpr size_t kBatches = 4;
}  // namespace

void CsvReader::FillBatch(CsvParser& parser, Batch* b) {
  b->count = 0;
  b->end = false;
  b->status = Status::Ok();
  size_t bytes = 0;
  while (b->count < kBatchRecords && bytes < kBatchBytes) {
    // Hand over what is parsed before waiting for more input, so that records
    // flow through a pipeline as they come (karta fetch | karta filter).
    if (b->count > 0 && parser.WouldWait()) break;
    if (b->count == b->rows.size()) b->rows.emplace_back();
    Record& r = b->rows[b->count];
    auto more = parser.Next(&r);
    if (!more.ok() || !*more) {
      b->end = true;
      if (!more.ok()) b->status = more.status();
      break;
    }
    ++b->count;
    bytes += 16 * r.fields.size();
    for (const auto& f : r.fields) bytes += f.size();
  }
  b->skipped = parser.skipped();
  if (b->skipped > 0 && b->first_skip.empty()) b->first_skip = parser.first_skip();
}

void CsvReader::Produce(std::shared_ptr<CsvShared> s) {
  for (;;) {
    Batch* b = nullptr;
    {
      std::unique_lock lock(s->mu);
      s->cv.wait(lock, [&] { return s->stop || !s->free.empty(); });
      if (s->stop) break;
      b = s->free.back();
      s->free.pop_back();
    }
    FillBatch(s->parser, b);
    bool end = b->end;
    {
      std::lock_guard lock(s->mu);
      s->full.push_back(b);
    }
    s->cv.notify_all();
    if (end) break;
  }
  {
    std::lock_guard lock(s->mu);
    s->finished = true;
  }
  s->cv.notify_all();
}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(std::vector<std::string> paths,
                                                   CsvOptions opts) {
  if (paths.empty()) paths.push_back("-");
  // Open every file first so that a missing one fails before any output.
  for (const auto& p : paths) {
    if (p == "-") continue;
    KARTA_RETURN_IF_ERROR(InputFile::Open(p).status());
  }
  std::unique_ptr<CsvReader> r(new CsvReader(opts));
  r->shared_ = std::make_shared<CsvShared>(opts, std::move(paths));
  KARTA_RETURN_IF_ERROR(r->shared_->parser.Start());
  r->header_ = r->shared_->parser.header();
  r->last_source_ = r->shared_->parser.name();
  r->last_line_ = r->shared_->parser.line();
  CsvShared& s = *r->shared_;
  if (opts.background) {
    for (size_t i = 0; i < kBatches; ++i) {
      s.all.push_back(std::make_unique<Batch>());
      s.free.push_back(s.all.back().get());
    }
    r->thread_ = std::thread(&CsvReader::Produce, r->shared_);
  }
  return r;
}

CsvReader::~CsvReader() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->cv.notify_all();
  // The thread ends at once unless it is blocked reading input that does not
  // come (a terminal); then it is left to end with the process, holding its
  // own reference to what it uses.
  std::unique_lock lock(shared_->mu);
  if (shared_->cv.wait_for(lock, std::chrono::milliseconds(200),
                           [&] { return shared_->finished; })) {
    lock.unlock();
    thread_.join();
  } else {
    lock.unlock();
    thread_.detach();
  }
}

Result<bool> CsvReader::NextBatch() {
  CsvShared& s = *shared_;
  if (batch_) {
    if (batch_->end) return false;
    std::lock_guard lock(s.mu);
    s.free.push_back(batch_);
    batch_ = nullptr;
  }
  s.cv.notify_all();  // a free batch for the thread
  std::unique_lock lock(s.mu);
  // Wake now and then to notice Ctrl-C while the thread waits for input.
  while (!s.cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return !s.full.empty(); })) {
    if (opts_.cancel && opts_.cancel->load(std::memory_order_relaxed)) {
      return Status::Interrupted(fmt::format("{}:{}: interrupted", last_source_, last_line_));
    }
  }
  batch_ = s.full.front();
  s.full.pop_front();
  at_ = 0;
  skipped_ = batch_->skipped;
  if (first_skip_.empty()) first_skip_ = batch_->first_skip;
  return true;
}

Result<bool> CsvReader::Next(Record* rec) {
  if (opts_.cancel && opts_.cancel->load(std::memory_order_relaxed)) {
    return Status::Interrupted(fmt::format("{}:{}: interrupted", last_source_, last_line_));
  }
  if (!opts_.background) {
    auto more = shared_->parser.Next(rec);
    skipped_ = shared_->parser.skipped();
    first_skip_ = shared_->parser.first_skip();
    if (!more.ok() || !*more) return more;
  } else {
    while (!batch_ || at_ == batch_->count) {
      if (batch_ && batch_->end) {
        if (!batch_->status.ok()) return batch_->status;
        return false;
      }
      KARTA_ASSIGN_OR_RETURN(auto more, NextBatch());
      if (!more) return false;
    }
    Record& row = batch_->rows[at_++];
    rec->fields.swap(row.fields);
    rec->source = row.source;
    rec->line = row.line;
  }
  last_source_ = rec->source;
  last_line_ = rec->line;
  ++records_;
  return true;
}

Status CsvWriter::Begin(const Header& header) {
  if (header.empty()) return Status::Ok();
  return WriteRow(header.names());
}

namespace {
#if defined(__SSE2__)
// Bytes of `v` that force quoting (0xFF): the delimiter, '"', LF or CR.
inline __m128i QuoteHits(__m128i v, __m128i delim) {
  return _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, delim), _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
}

// Copies the n bytes at p to d while looking for a byte that forces quoting;
// true when there is none. Sixteen bytes at a time, copied as they are
// checked; the last block overlaps the one before instead of going byte by
// byte, and short fields are read as two overlapping 8- or 4-byte words (or
// the first, middle and last byte), so no byte outside [p, p+n) is read.
[[gnu::always_inline]] inline bool CopyPlain(char* d, const char* p, size_t n, char delimiter) {
  const __m128i delim = _mm_set1_epi8(delimiter);
#if defined(KARTA_CSV_AVX2)
  if (n >= 64 && CpuHasAvx2()) return CopyPlainAvx2(d, p, n, delimiter);
#endif
  if (n >= 16) {
    auto copy = [&](size_t at) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + at), v);
      return QuoteHits(v, delim);
    };
    // The hits are gathered in a register and looked at once per field.
    __m128i hit = copy(n - 16);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) hit = _mm_or_si128(hit, _mm_or_si128(copy(i), copy(i + 16)));
    if (i + 16 <= n) hit = _mm_or_si128(hit, copy(i));
    return _mm_movemask_epi8(hit) == 0;
  }
  __m128i v;
  if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
    v = _mm_set_epi64x(static_cast<int64_t>(b), static_cast<int64_t>(a));
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
    v = _mm_cvtsi64_si128(static_cast<int64_t>(a | uint64_t{b} << 32));
  } else if (n > 0) {
    char a = p[0], b = p[n >> 1], c = p[n - 1];
    d[0] = a;
    d[n >> 1] = b;
    d[n - 1] = c;
    // Padded with copies of a: a byte that is there anyway.
    v = _mm_set1_epi8(a);
    v = _mm_insert_epi16(
        v, static_cast<int>(static_cast<unsigned char>(b) << 8 | static_cast<unsigned char>(c)), 0);
  } else {
    return true;
  }
  return _mm_movemask_epi8(QuoteHits(v, delim)) == 0;
}
#else
inline bool CopyPlain(char* d, const char* p, size_t n, char delimiter) {
  if (FindAny(p, p + n, delimiter, '"', '\n', '\r') != p + n) return false;
  std::memcpy(d, p, n);
  return true;
}
#endif

// Writes `field` at `d`, quoted if it must be; returns the end. `d` has room
// for 2 * field.size() + 2 bytes.
[[gnu::always_inline]] inline char* PutField(char* d, std::string_view field, char delimiter) {
  const char* p = field.data();
  const char* e = p + field.size();
  if (CopyPlain(d, p, field.size(), delimiter)) return d + field.size();
  *d++ = '"';
  while (p < e) {
    const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(e - p)));
    const char* stop = q ? q + 1 : e;
    std::memcpy(d, p, static_cast<size_t>(stop - p));
    d += stop - p;
    if (q) *d++ = '"';
    p = stop;
  }
  *d++ = '"';
  return d;
}
}  // namespace

void CsvWriter::AppendField(std::string* out, std::string_view field, char delimiter) {
  size_t at = out->size();
  out->resize(at + 2 * field.size() + 2);
  char* end = PutField(out->data() + at, field, delimiter);
  out->resize(static_cast<size_t>(end - out->data()));
}

std::string CsvWriter::FormatRow(const std::vector<std::string>& fields, char delimiter) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line.push_back(delimiter);
    AppendField(&line, fields[i], delimiter);
  }
  return line;
}

std::vector<std::string> ParseCsvRow(std::string_view s, char delimiter) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c != '"') {
        cur.push_back(c);
      } else if (i + 1 < s.size() && s[i + 1] == '"') {
        cur.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!s.empty()) out.push_back(std::move(cur));
  return out;
}

Status CsvWriter::WriteRow(const std::vector<std::string>& fields) {
  // Formatted straight into the output buffer when the row surely fits.
  size_t most = fields.size() + 1;
  for (const auto& f : fields) most += 2 * f.size() + 2;
  KARTA_ASSIGN_OR_RETURN(auto room, out_->Room(most));
  if (char* d = room) {
    char* start = d;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) *d++ = ',';
      d = PutField(d, fields[i], ',');
    }
    *d++ = '\n';
    out_->Wrote(static_cast<size_t>(d - start));
    return Status::Ok();
  }
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line_.push_back(',');
    AppendField(&line_, fields[i]);
  }
  line_.push_back('\n');
  return out_->Write(line_);
}

}  // namespace karta
