#include "lib/similarity.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "lib/text.h"

namespace karta {

namespace {

uint64_t Load64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | u[i];
  return v;
}

bool IsPriceUnit(std::string_view w) {
  return w == "kr" || w == "kronor" || w == "sek" || w == "spann" || w == "kr/h" || w == "kr/tim";
}

}  // namespace

uint64_t Hash64(std::string_view bytes, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = seed ^ (bytes.size() * m);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    uint64_t k = Load64(p);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t k = 0;
    for (size_t i = n; i-- > 0;) k = (k << 8) | static_cast<unsigned char>(p[i]);
    h ^= k;
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

namespace {

// Folded form and word-character class of U+0080..U+024F (Latin-1 and the
// Latin Extended blocks: all of Swedish and most European names), computed
// once; other code points go through Fold() one by one.
struct FoldTable {
  static constexpr char32_t kEnd = 0x250;
  std::string folded[kEnd];
  bool word[kEnd];
  FoldTable() {
    for (char32_t c = 0x80; c < kEnd; ++c) {
      std::string one;
      AppendUtf8(&one, c);
      folded[c] = Fold(one, FoldOptions{.case_fold = true, .diacritics = true});
      word[c] = IsWordChar(c);
    }
  }
};

const FoldTable& Table() {
  static const FoldTable table;
  return table;
}

struct Token {
  uint32_t begin, end;  // in the folded buffer
  bool digits;          // only ASCII digits
  bool number_gap;      // the separator before it is " ", "." or "," (at most 2 chars)
  bool mark_after;      // followed by ":-" (a price mark)
};

}  // namespace

std::string NormalizeForDedupe(std::string_view text) {
  const FoldTable& table = Table();
  std::string buf;
  buf.reserve(text.size());
  std::vector<Token> toks;
  bool in_word = false;
  // The separator since the last word: its length and kind, and a small
  // state machine for ":-" (0 start, 1 saw [:,;], 2 matched, 3 failed).
  size_t gap_len = 0;
  bool gap_numsep = true;
  int mark = 0;
  auto end_word = [&] {
    toks.back().end = static_cast<uint32_t>(buf.size());
    in_word = false;
    gap_len = 0;
    gap_numsep = true;
    mark = 0;
  };
  auto gap_char = [&](char32_t c) {
    if (in_word) end_word();
    ++gap_len;
    if (c != ' ' && c != '.' && c != ',') gap_numsep = false;
    if (mark == 0 && (c == ':' || c == ',' || c == ';')) {
      mark = 1;
    } else if (mark == 1 && (c == '-' || c == 0x2013)) {
      mark = 2;
      if (!toks.empty()) toks.back().mark_after = true;
    } else if (!(mark == 0 && c == ' ') && mark != 2) {
      mark = 3;
    }
  };
  auto word_bytes = [&](std::string_view folded, bool digit) {
    if (!in_word) {
      toks.push_back(Token{static_cast<uint32_t>(buf.size()), 0, true,
                           !toks.empty() && gap_len <= 2 && gap_len > 0 && gap_numsep, false});
      in_word = true;
    }
    if (!digit) toks.back().digits = false;
    buf.append(folded);
  };
  size_t i = 0;
  while (i < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      char ch = static_cast<char>(b);
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      bool digit = ch >= '0' && ch <= '9';
      if (digit || (ch >= 'a' && ch <= 'z') || ch == '_') {
        word_bytes(std::string_view(&ch, 1), digit);
      } else {
        gap_char(static_cast<char32_t>(b));
      }
      continue;
    }
    size_t start = i;
    char32_t c = DecodeUtf8(text, &i);
    if (c < FoldTable::kEnd) {
      if (table.word[c]) {
        word_bytes(table.folded[c], false);
      } else {
        gap_char(c);
      }
      continue;
    }
    if (IsWordChar(c)) {
      word_bytes(
          Fold(text.substr(start, i - start), FoldOptions{.case_fold = true, .diacritics = true}),
          false);
    } else {
      gap_char(c);
    }
  }
  if (in_word) toks.back().end = static_cast<uint32_t>(buf.size());
  // Prices: a run of numbers ("1 500") followed by a unit or ":-" -> "#kr".
  static constexpr std::string_view kPrice = "#kr";
  std::vector<std::string_view> out;
  out.reserve(toks.size());
  size_t num_run = std::string_view::npos;
  for (const Token& t : toks) {
    std::string_view w(buf.data() + t.begin, t.end - t.begin);
    if (IsPriceUnit(w) && num_run != std::string_view::npos) {
      out.resize(num_run);
      out.push_back(kPrice);
      num_run = std::string_view::npos;
      continue;
    }
    if (t.digits) {
      if (num_run == std::string_view::npos || !t.number_gap) num_run = out.size();
      out.push_back(w);
      if (t.mark_after) {
        out.resize(num_run);
        out.push_back(kPrice);
        num_run = std::string_view::npos;
      }
      continue;
    }
    num_run = std::string_view::npos;
    size_t d = 0;
    while (d < w.size() && w[d] >= '0' && w[d] <= '9') ++d;
    if (d > 0 && IsPriceUnit(w.substr(d))) {
      out.push_back(kPrice);
      continue;
    }
    out.push_back(w);
  }
  std::string s;
  s.reserve(buf.size() + out.size());
  for (size_t k = 0; k < out.size(); ++k) {
    if (k) s.push_back(' ');
    s.append(out[k]);
  }
  return s;
}

Result<ShingleSpec> ParseShingleSpec(std::string_view spec) {
  ShingleSpec out;
  size_t colon = spec.find(':');
  std::string_view kind = spec.substr(0, colon);
  if (kind == "word") {
    out.kind = ShingleKind::kWord;
    out.size = 3;
  } else if (kind == "char") {
    out.kind = ShingleKind::kChar;
    out.size = 5;
  } else {
    return Status::Usage(fmt::format(
        "--shingle '{}': the kind must be 'word' or 'char' (e.g. word:3 or char:5)", spec));
  }
  if (colon != std::string_view::npos) {
    std::string_view num = spec.substr(colon + 1);
    int k = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), k);
    if (ec != std::errc() || p != num.data() + num.size() || k < 1 || k > 16) {
      return Status::Usage(
          fmt::format("--shingle '{}': the size must be a number from 1 to 16", spec));
    }
    out.size = k;
  }
  return out;
}

std::string FormatShingleSpec(const ShingleSpec& spec) {
  return fmt::format("{}:{}", spec.kind == ShingleKind::kWord ? "word" : "char", spec.size);
}

std::vector<uint64_t> Shingles(std::string_view s, const ShingleSpec& spec) {
  std::vector<uint64_t> out;
  if (s.empty()) return out;
  // Boundaries: for word shingles the start of each token; for character
  // shingles the start of each code point. A shingle of k units is the bytes
  // from bounds[i] to bounds[i+k] (minus the separating space for words).
  std::vector<uint32_t> starts;
  if (spec.kind == ShingleKind::kWord) {
    starts.push_back(0);
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == ' ') starts.push_back(static_cast<uint32_t>(i + 1));
    }
    starts.push_back(static_cast<uint32_t>(s.size() + 1));  // as if a space ended the text
  } else {
    for (size_t i = 0; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
        starts.push_back(static_cast<uint32_t>(i));
      }
    }
    starts.push_back(static_cast<uint32_t>(s.size()));
  }
  size_t units = starts.size() - 1;
  size_t k = static_cast<size_t>(spec.size);
  bool word = spec.kind == ShingleKind::kWord;
  auto piece = [&](size_t i, size_t j) {  // units [i, j)
    size_t b = starts[i];
    size_t e = starts[j] - (word ? 1 : 0);
    return s.substr(b, e - b);
  };
  if (units <= k) {
    out.push_back(Hash64(piece(0, units)));
  } else {
    out.reserve(units - k + 1);
    for (size_t i = 0; i + k <= units; ++i) out.push_back(Hash64(piece(i, i + k)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t i = 0, j = 0, both = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++both;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(both) / static_cast<double>(a.size() + b.size() - both);
}

MinHasher::MinHasher(int k, uint64_t seed) {
  uint64_t state = seed;
  auto next = [&state] {
    state += 0x9e3779b97f4a7c15ULL;
    return Mix64(state);
  };
  a_.resize(static_cast<size_t>(k));
  b_.resize(static_cast<size_t>(k));
  for (int i = 0; i < k; ++i) {
    a_[i] = next() | 1;  // odd: a bijection on 64-bit values
    b_[i] = next();
  }
}

void MinHasher::Sign(std::span<const uint64_t> shingles, uint32_t* out) const {
  const size_t k = a_.size();
  for (size_t i = 0; i < k; ++i) out[i] = 0xFFFFFFFFu;
  const uint64_t* a = a_.data();
  const uint64_t* b = b_.data();
  for (uint64_t x : shingles) {
    for (size_t i = 0; i < k; ++i) {
      uint32_t h = static_cast<uint32_t>((a[i] * x + b[i]) >> 32);
      out[i] = h < out[i] ? h : out[i];
    }
  }
}

std::vector<uint32_t> MinHasher::Sign(std::span<const uint64_t> shingles) const {
  std::vector<uint32_t> out(a_.size());
  Sign(shingles, out.data());
  return out;
}

double EstimatedJaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  if (a.empty() || a.size() != b.size()) return 0.0;
  size_t same = 0;
  bool empty_a = true;
  for (size_t i = 0; i < a.size(); ++i) {
    same += a[i] == b[i];
    empty_a = empty_a && a[i] == 0xFFFFFFFFu;
  }
  if (empty_a) return 0.0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

uint64_t BandHash(const uint32_t* sig, int band, int rows) {
  uint64_t h = Mix64(0xba4d0000ULL + static_cast<uint64_t>(band));
  const uint32_t* p = sig + static_cast<ptrdiff_t>(band) * rows;
  for (int i = 0; i < rows; ++i) h = Mix64(h ^ (p[i] + 0x9e3779b97f4a7c15ULL * (i + 1)));
  return h;
}

double LshCandidateProbability(double j, int bands, int rows) {
  return 1.0 - std::pow(1.0 - std::pow(j, rows), bands);
}

void UnionFind::Grow(size_t n) {
  size_t old = parent_.size();
  if (n <= old) return;
  parent_.resize(n);
  size_.resize(n, 1);
  for (size_t i = old; i < n; ++i) parent_[i] = static_cast<uint32_t>(i);
}

uint32_t UnionFind::Find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

bool UnionFind::Union(uint32_t a, uint32_t b) {
  a = Find(a);
  b = Find(b);
  if (a == b) return false;
  if (size_[a] < size_[b]) std::swap(a, b);
  parent_[b] = a;
  size_[a] += size_[b];
  return true;
}

}  // namespace karta
