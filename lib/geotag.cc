#include "lib/geotag.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <map>

#include "lib/record.h"
#include "lib/text.h"
#include "lib/wordscan.h"

namespace karta {
namespace {

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return h;
}

// Mask of the low n bytes (0 < n <= 8).
inline uint64_t LowBytes(size_t n) { return ~uint64_t{0} >> (64 - 8 * n); }

// The hash of a folded word (HashWord, HashWordRegs and HashWordPadded
// agree): its first 16 bytes (zeros past the end) and its length in two
// multiplications, then 8 bytes at a time for longer words. Never 0 (0
// marks an empty slot). Most words are short, so the head is the hash.
inline uint64_t HashHead(uint64_t lo, uint64_t hi, size_t n) {
  const uint64_t h = ((lo ^ n) * 0x9E3779B97F4A7C15ULL) ^ (hi * 0xC2B2AE3D27D4EB4FULL);
  return h ^ (h >> 29);
}

// The bytes of p[0, n) from `from` on, 8 at a time, mixed into h. `load`
// reads the last, partial word.
template <typename Tail>
inline uint64_t HashRest(uint64_t h, const char* p, size_t n, size_t from, Tail load) {
  for (; from + 8 <= n; from += 8) {
    uint64_t w;
    std::memcpy(&w, p + from, 8);
    h = Mix(h ^ w);
  }
  if (from < n) h = Mix(h ^ load(p + from, n - from) ^ 0x5555);
  return h;
}

inline uint64_t CopyTail(const char* p, size_t len) {
  uint64_t w = 0;
  std::memcpy(&w, p, len);
  return w;
}

// Hash of the folded word at p (any buffer).
inline uint64_t HashWord(const char* p, size_t n) {
  uint64_t head[2] = {0, 0};
  std::memcpy(head, p, std::min<size_t>(n, 16));
  return HashRest(HashHead(head[0], head[1], n), p, n, 16, CopyTail) | 1;
}

// Calls f(HashWord of w with its letter k left out) for each k in order:
// the near-miss forms of a word (symmetric delete). One buffer: from "w
// without its first letter", each next k changes only del[k - 1] back.
template <typename F>
void ForEachDeletionHash(std::string_view w, F&& f) {
  if (w.empty()) return;
  char small[64];
  std::string large;
  char* del = small;
  if (w.size() > sizeof small) {
    large.resize(w.size());
    del = large.data();
  }
  std::memcpy(del, w.data() + 1, w.size() - 1);
  for (size_t k = 0; k < w.size(); ++k) {
    if (k > 0) del[k - 1] = w[k - 1];
    f(HashWord(del, w.size() - 1));
  }
}

// HashWord of a word of 1..15 bytes whose first and second 8 bytes are lo
// and hi (garbage past the word), without touching memory.
inline uint64_t HashWordRegs(uint64_t lo, uint64_t hi, size_t n) {
  lo &= n >= 8 ? ~uint64_t{0} : LowBytes(n);
  hi &= n > 8 ? LowBytes(n - 8) : 0;
  return HashHead(lo, hi, n) | 1;
}

// HashWord of the n bytes at p, for p inside a buffer with 16 readable
// bytes past the word (GeoScan::folded_): masked loads, not byte copies
// that the next load would have to wait for.
inline uint64_t HashWordPadded(const char* p, size_t n) {
  uint64_t lo, hi;
  std::memcpy(&lo, p, 8);
  std::memcpy(&hi, p + 8, 8);
  if (n == 0) return HashHead(0, 0, 0) | 1;  // a word of marks only folds to nothing
  if (n < 16) return HashWordRegs(lo, hi, n);
  return HashRest(HashHead(lo, hi, n), p, n, 16, LoadTail) | 1;
}

// Hash of a run of words from the hashes of its words.
inline uint64_t CombineWords(uint64_t h, uint64_t word) {
  return Mix(h * 0x9E3779B97F4A7C15ULL + word) | 1;
}

uint64_t HashKey(std::string_view key) {  // words joined by ' '
  uint64_t h = 0;
  bool first = true;
  size_t i = 0;
  while (i <= key.size()) {
    size_t j = key.find(' ', i);
    if (j == std::string_view::npos) j = key.size();
    uint64_t w = HashWord(key.data() + i, j - i);
    h = first ? w : CombineWords(h, w);
    first = false;
    i = j + 1;
  }
  return h;
}

// How a code point folds, precomputed below U+0250 (Latin, Latin-1,
// Latin Extended-A and -B), computed on the fly above.
struct CharInfo {
  char folded[7] = {};  // then len: Fold copies these 8 bytes at once
  uint8_t len = 0;
  bool word = false;
  bool upper = false;
};
static_assert(offsetof(CharInfo, folded) == 0 && offsetof(CharInfo, len) == 7);

CharInfo ComputeInfo(char32_t cp) {
  CharInfo ci;
  ci.word = IsWordChar(cp);
  if (!ci.word) return ci;
  const auto* prop = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  ci.upper = prop->category == UTF8PROC_CATEGORY_LU || prop->category == UTF8PROC_CATEGORY_LT;
  std::string one;
  AppendUtf8(&one, cp);
  std::string f = karta::Fold(one, FoldOptions{true, true});
  if (f.size() > sizeof ci.folded) f.resize(0);
  std::copy(f.begin(), f.end(), ci.folded);
  ci.len = static_cast<uint8_t>(f.size());
  return ci;
}

const std::array<CharInfo, 0x250>& InfoTable() {
  static const std::array<CharInfo, 0x250> table = [] {
    std::array<CharInfo, 0x250> t{};
    for (char32_t c = 0; c < 0x250; ++c) t[c] = ComputeInfo(c);
    return t;
  }();
  return table;
}

// The letters U+00C0..U+00FF (UTF-8 0xC3 0x80..0xBF) that fold to one ASCII
// letter ("Å" -> 'a', "é" -> 'e'), by their second byte: the letter, with
// 0x80 set if it is upper case; 0 for the others (×, ÷, æ, ø, ß, ...).
const std::array<unsigned char, 256>& Latin1Table() {
  static const std::array<unsigned char, 256> table = [] {
    std::array<unsigned char, 256> t{};
    for (unsigned b = 0x80; b < 0xC0; ++b) {
      const CharInfo& ci = InfoTable()[0xC0 + (b - 0x80)];
      if (ci.word && ci.len == 1 && static_cast<unsigned char>(ci.folded[0]) < 0x80) {
        t[b] = static_cast<unsigned char>(ci.folded[0] | (ci.upper ? 0x80 : 0));
      }
    }
    return t;
  }();
  return table;
}

// The code point at text[i] (not ASCII) and where the next one starts: a
// valid two-byte sequence (Latin-1 and Latin Extended: å ä ö é) decoded here,
// anything else by DecodeUtf8 (the same result, a function call slower).
inline char32_t DecodeAt(std::string_view text, size_t i, size_t* next) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char c = p[i];
  if (c >= 0xC2 && c <= 0xDF && i + 1 < text.size() && (p[i + 1] & 0xC0) == 0x80) {
    *next = i + 2;
    return static_cast<char32_t>(((c & 0x1F) << 6) | (p[i + 1] & 0x3F));
  }
  *next = i;
  return DecodeUtf8(text, next);
}

// Words that mark a place: "i Kista", "nära Slussen", "near Solna".
struct Evidence {
  std::string_view word;
  double weight;
};
constexpr Evidence kEvidence[] = {
    {"i", 2},         {"pa", 2},       {"nara", 2},        {"vid", 2},        {"utanfor", 2},
    {"centrala", 2},  {"norra", 2},    {"sodra", 2},       {"vastra", 2},     {"ostra", 2},
    {"till", 2},      {"runt", 2},     {"omkring", 2},     {"bakom", 2},      {"besoker", 2},
    {"in", 2},        {"near", 2},     {"at", 2},          {"around", 2},     {"outside", 2},
    {"central", 2},   {"visiting", 2}, {"to", 2},          {"north", 2},      {"south", 2},
    {"fran", 0.7},    {"from", 0.7},   {"station", 2},     {"tunnelbana", 2}, {"tbana", 2},
    {"pendeltag", 2}, {"bana", 2},     {"tunnelbanan", 2}, {"stationen", 2},  {"inom", 2},
    {"ovanfor", 2},   {"mellan", 2},   {"innanfor", 2},    {"within", 2},     {"downtown", 2},
};

// Words after a name that mark a place: "Kista station", "Alby T-bana".
constexpr std::string_view kStationAfter[] = {"station",     "stationen",
                                              "stn",         "tbana",
                                              "tunnelbana",  "tunnelbanestation",
                                              "pendeltag",   "pendeltagsstation",
                                              "centrum",     "c",
                                              "torg",        "galleria",
                                              "centrumgang", "t",
                                              "metro",       "omradet",
                                              "kommun",      "stad",
                                              "city",        "gard",
                                              "strand"};

constexpr std::string_view kDirections[] = {"soder",   "norr",    "vaster",   "oster", "sydost",
                                            "sydvast", "nordost", "nordvast", "south", "north",
                                            "west",    "east",    "sodost"};

// Names every town has ("centralen" = its central station): a place named
// in another kommun beside one wins.
constexpr std::string_view kGeneric[] = {"centralen", "centralstationen", "city", "innerstan",
                                         "stan",      "centrum"};

constexpr std::string_view kSuffixes[] = {"somradet", "strakten", "omradet", "trakten", "s"};

struct County {
  std::string_view name;  // folded
  std::string_view code;
};
constexpr County kCounties[] = {
    {"stockholm", "01"},    {"uppsala", "03"},      {"sodermanland", "04"},
    {"ostergotland", "05"}, {"jonkoping", "06"},    {"kronoberg", "07"},
    {"kalmar", "08"},       {"gotland", "09"},      {"blekinge", "10"},
    {"skane", "12"},        {"halland", "13"},      {"vastra gotaland", "14"},
    {"varmland", "17"},     {"orebro", "18"},       {"vastmanland", "19"},
    {"dalarna", "20"},      {"gavleborg", "21"},    {"vasternorrland", "22"},
    {"jamtland", "23"},     {"vasterbotten", "24"}, {"norrbotten", "25"},
    {"sweden", ""},         {"sverige", ""},        {"all", ""},
};

}  // namespace

// What a byte does between words (Fold): bits below.
enum : unsigned char {
  kGapWord = 1,   // an ASCII letter or digit: not a gap byte
  kGapSpace = 2,  // white space
  kGapGlue = 4,   // '@', '_', '#', '/', '.', '\\': joins a handle, e-mail or URL
  kGapComma = 8,
  kGapSentence = 16,  // ends a sentence
  kGapNoJoin = 32,    // anything but ' ', '-', ':' and tab: the words are not one name
  kGapHigh = 64,      // >= 0x80: part of a non-ASCII character (decoded to see)
};
struct GapTable {
  unsigned char bits[256];
  constexpr GapTable() : bits() {
    for (int c = 128; c < 256; ++c) bits[c] = kGapHigh;
    for (int c = 0; c < 128; ++c) {
      unsigned char b = 0;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        bits[c] = kGapWord;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') b |= kGapSpace;
      if (c == '@' || c == '_' || c == '#' || c == '/' || c == '.' || c == '\\') b |= kGapGlue;
      if (c == ',') b |= kGapComma;
      if (c == '.' || c == '!' || c == '?' || c == '\n' || c == '|' || c == ';' || c == '*') {
        b |= kGapSentence;
      }
      if (c != ' ' && c != '-' && c != ':' && c != '\t') b |= kGapNoJoin;
      bits[c] = b;
    }
  }
};
constexpr GapTable kGap;

// A word's flags from the kGap bits of the gap before it (comma: false, set
// by the gap after it).
struct GapFlagsTable {
  GeoScan::GapFlags of[64];
  constexpr GapFlagsTable() : of() {
    for (unsigned g = 0; g < 64; ++g) {
      of[g] = GeoScan::GapFlags{(g & kGapSentence) != 0, !(g & kGapNoJoin), false,
                                (g & (kGapGlue | kGapSpace)) == kGapGlue};
    }
  }
};
constexpr GapFlagsTable kGapFlags;

// Notes the last token as one that may start a name if its hash passes the
// Bloom filter of first words. No branch: which words pass is unpredictable.
inline void Geotagger::Candidate(uint64_t hash, GeoScan* s) const {
  const uint64_t b = hash >> 48;
  s->cands_.PushIf(static_cast<uint32_t>(s->toks_.size() - 1), (bloom_[b >> 6] >> (b & 63)) & 1);
}

void Geotagger::Fold(std::string_view text, GeoScan* s) const {
  const auto& table = InfoTable();
  const size_t n = text.size();
  // A code point folds to at most 7 bytes (CharInfo::folded; longer ones
  // fold to nothing) and takes at least 2 bytes when it folds to more than
  // one, so 4x covers every text; the slack is for 16-byte stores
  // (FoldAsciiAlnum) and 8-byte loads (HashWordPadded).
  if (s->folded_.size() < n * 4 + 64) s->folded_.resize(n * 4 + 64);  // only grows
  s->toks_.Reset(n / 2 + 1);   // words are apart: at most n/2+1 of them
  s->cands_.Reset(n / 2 + 2);  // one more for PushIf
  char* out = s->folded_.data();
  size_t o = 0;
  // kGap bits of everything between the last word and here; a non-ASCII
  // character that is not part of a word adds its own (kGapSpace, and
  // kGapNoJoin unless it is a no-break space or a Unicode hyphen, and
  // kGapSentence for bullets). The text's start counts as a gap that ends a
  // sentence and joins nothing.
  unsigned gap = kGapSentence | kGapNoJoin | kGapSpace;
  // The last word, whose comma and glued flags the gap after it sets; before
  // the first word, a scratch token.
  GeoScan::Token none{};
  GeoScan::Token* prev = &none;
  CharInfo computed;  // CharInfo of a code point above the table
  auto info = [&](char32_t cp) -> const CharInfo* {
    if (cp < 0x250) return &table[cp];
    computed = ComputeInfo(cp);
    return &computed;
  };
  const auto& latin1 = Latin1Table();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < n) {
    // The gap: ASCII bytes by table; a non-ASCII character is decoded, and
    // either starts a word or adds to the gap.
    unsigned char c = p[i];
    const unsigned g = kGap.bits[c];
    const CharInfo* ci = nullptr;
    size_t next;
    if (!(g & (kGapWord | kGapHigh))) {
      gap |= g;
      ++i;
      continue;
    }
    if (g & kGapHigh) {
      const char32_t cp = DecodeAt(text, i, &next);
      ci = info(cp);
      if (!ci->word) {
        // Emoji, no-break space, dashes: not part of a handle. No-break
        // space and Unicode hyphens join; bullets start a sentence.
        gap |= kGapSpace;
        if (cp == 0x2022 || cp == 0x2026) {
          gap |= kGapSentence | kGapNoJoin;
        } else if (!(cp == 0xA0 || (cp >= 0x2010 && cp <= 0x2013) || cp == 0x202F)) {
          gap |= kGapNoJoin;
        }
        i = next;
        continue;
      }
    }
    // A word: letters, marks and digits, folded as they are copied.
    GeoScan::Token& t = s->toks_.emplace_back();
    prev->comma |= (gap & kGapComma) != 0;
    t.fb = static_cast<uint32_t>(o);
    t.ob = static_cast<uint32_t>(i);
    t.cap = ci ? ci->upper : static_cast<unsigned>(c - 'A') < 26;
    static_cast<GeoScan::GapFlags&>(t) = kGapFlags.of[gap];
    prev->glued |= t.glued;
    prev = &t;
    gap = 0;
    if (!ci) {
      // Most words: short, ASCII, followed by ASCII; hashed from registers.
      uint64_t lo = 0, hi = 0;
      size_t len = FoldShortAsciiWord(text.data(), i, n, out + o, &lo, &hi);
      if (len) {
        o += len;
        i += len;
        t.fe = static_cast<uint32_t>(o);
        t.oe = static_cast<uint32_t>(i);
        t.hash = HashWordRegs(lo, hi, len);
        Candidate(t.hash, s);
        continue;
      }
    }
    // Any other word, character by character: ASCII, then the Latin-1
    // letters by table, then anything else decoded.
    while (i < n) {
      c = p[i];
      if (c < 0x80) {
        if (!(kGap.bits[c] & kGapWord)) break;
        out[o++] = static_cast<char>(c | 0x20);  // lower-cases letters, keeps digits
        ++i;
        continue;
      }
      if (!ci && c == 0xC3 && i + 1 < n && latin1[p[i + 1]]) {
        out[o++] = static_cast<char>(latin1[p[i + 1]] & 0x7F);
        i += 2;
        continue;
      }
      if (!ci) {
        ci = info(DecodeAt(text, i, &next));
        if (!ci->word) break;
      }
      // The folded bytes and then `len` (CharInfo's first 8 bytes): one
      // copy; `out` has room past the word.
      std::memcpy(out + o, ci, 8);
      o += ci->len;
      i = next;
      ci = nullptr;
    }
    t.fe = static_cast<uint32_t>(o);
    t.oe = static_cast<uint32_t>(i);
    t.hash = HashWordPadded(out + t.fb, o - t.fb);
    Candidate(t.hash, s);
  }
  prev->comma |= (gap & kGapComma) != 0;
}

// The plain version of Fold, character by character, kept to test Fold
// against (DebugTokens): the same tokens, flags, hashes and candidates.
void Geotagger::FoldReference(std::string_view text, GeoScan* s) const {
  const auto& table = InfoTable();
  const size_t n = text.size();
  // A code point folds to at most 7 bytes (CharInfo::folded; longer ones
  // fold to nothing) and takes at least 2 bytes when it folds to more than
  // one, so 4x covers every text; the slack is for 16-byte stores
  // (FoldAsciiAlnum) and 8-byte loads (HashWordPadded).
  if (s->folded_.size() < n * 4 + 64) s->folded_.resize(n * 4 + 64);  // only grows
  s->toks_.Reset(n / 2 + 1);  // words are apart: at most n/2+1 of them
  s->cands_.Reset(n / 2 + 2);
  char* out = s->folded_.data();
  size_t o = 0;
  bool sentence_start = true;
  bool joinable = false;  // only spaces, hyphens and ':' since the last word
  bool gap_space = true;  // white space since the last word
  bool gap_glue = false;  // '@', '_', '#', '/', '.' or '\\' since the last word
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    // A word: letters, marks and digits, folded as they are copied.
    bool word_start = false;
    bool upper = false;
    const CharInfo* ci = nullptr;
    CharInfo computed;
    size_t next = i + 1;
    if (c < 0x80) {
      const unsigned g = kGap.bits[c];
      if (!(g & kGapWord)) {
        // Between words: note what the gap holds.
        gap_space = gap_space || (g & kGapSpace);
        gap_glue = gap_glue || (g & kGapGlue);
        if ((g & kGapComma) && !s->toks_.empty()) s->toks_.back().comma = true;
        sentence_start = sentence_start || (g & kGapSentence);
        joinable = joinable && !(g & kGapNoJoin);
        ++i;
        continue;
      }
      word_start = true;
      upper = c >= 'A' && c <= 'Z';
    } else {
      char32_t cp = DecodeAt(text, i, &next);
      if (cp < 0x250) {
        ci = &table[cp];
      } else {
        computed = ComputeInfo(cp);
        ci = &computed;
      }
      word_start = ci->word;
      upper = ci->upper;
      if (!word_start) {
        gap_space = true;  // emoji, no-break space, dashes: not part of a handle
        // no-break space and Unicode hyphens join; bullets start a sentence
        if (cp == 0x2022 || cp == 0x2026) {
          sentence_start = true;
          joinable = false;
        } else if (!(cp == 0xA0 || (cp >= 0x2010 && cp <= 0x2013) || cp == 0x202F)) {
          joinable = false;
        }
        i = next;
        continue;
      }
    }
    GeoScan::Token t;
    t.fb = static_cast<uint32_t>(o);
    t.ob = static_cast<uint32_t>(i);
    t.cap = upper;
    t.initial = sentence_start;
    t.joined = joinable && !s->toks_.empty();
    t.comma = false;
    t.glued = gap_glue && !gap_space;
    if (t.glued && !s->toks_.empty()) s->toks_.back().glued = true;
    gap_space = false;
    gap_glue = false;
    uint64_t lo = 0, hi = 0;
    if (c < 0x80) {
      // Most words: short, ASCII, followed by ASCII; hashed from registers.
      size_t len = FoldShortAsciiWord(text.data(), i, n, out + o, &lo, &hi);
      if (len) {
        o += len;
        i += len;
        t.fe = static_cast<uint32_t>(o);
        t.oe = static_cast<uint32_t>(i);
        t.hash = HashWordRegs(lo, hi, len);
        s->toks_.push_back(t);
        Candidate(t.hash, s);
        sentence_start = false;
        joinable = true;
        continue;
      }
    }
    while (true) {
      if (c < 0x80) {
        size_t j = FoldAsciiAlnum(text.data(), i, n, out + o);
        if (j == i) break;
        o += j - i;
        i = j;
      } else {
        if (!ci) {
          char32_t cp = DecodeAt(text, i, &next);
          if (cp < 0x250) {
            ci = &table[cp];
          } else {
            computed = ComputeInfo(cp);
            ci = &computed;
          }
          if (!ci->word) break;
        }
        for (uint8_t k = 0; k < ci->len; ++k) out[o++] = ci->folded[k];
        i = next;
        ci = nullptr;
      }
      if (i >= n) break;
      c = p[i];
    }
    t.fe = static_cast<uint32_t>(o);
    t.oe = static_cast<uint32_t>(i);
    t.hash = HashWordPadded(out + t.fb, o - t.fb);
    s->toks_.push_back(t);
    Candidate(t.hash, s);
    sentence_start = false;
    joinable = true;
  }
}

std::string Geotagger::DebugTokens(std::string_view text, bool reference) const {
  GeoScan s;
  if (reference) {
    FoldReference(text, &s);
  } else {
    Fold(text, &s);
  }
  std::string r;
  for (const auto& t : s.toks_) {
    r += fmt::format("{}-{} '{}' {:016x} cap={} initial={} joined={} comma={} glued={}\n", t.ob,
                     t.oe, std::string_view(s.folded_).substr(t.fb, t.fe - t.fb), t.hash, t.cap,
                     t.initial, t.joined, t.comma, t.glued);
  }
  r += "candidates:";
  for (uint32_t c : s.cands_) r += fmt::format(" {}", c);
  return r;
}

std::string Geotagger::FoldName(std::string_view name) {
  static const Geotagger none(nullptr);
  GeoScan s;
  none.Fold(name, &s);
  std::string out;
  for (const auto& t : s.toks_) {
    if (!out.empty()) out += ' ';
    out.append(s.folded_, t.fb, t.fe - t.fb);
  }
  return out;
}

void Geotagger::Insert(std::vector<Slot>* table, uint64_t hash, uint32_t value, bool keep_max) {
  const uint32_t tag = Tag(hash);
  for (size_t k = hash & mask_;; k = (k + 1) & mask_) {
    Slot& sl = (*table)[k];
    if (sl.tag == 0) {
      sl.tag = tag;
      sl.value = value;
      return;
    }
    if (sl.tag == tag) {
      if (keep_max) sl.value = std::max(sl.value, value);
      return;
    }
  }
}

uint32_t Geotagger::Find(const std::vector<Slot>& table, uint64_t hash) const {
  const uint32_t tag = Tag(hash);
  for (size_t k = hash & mask_;; k = (k + 1) & mask_) {
    const Slot& sl = table[k];
    if (sl.tag == tag) return sl.value;
    if (sl.tag == 0) return 0;
  }
}

Geotagger::Geotagger(const Gazetteer* gazetteer) : gaz_(gazetteer) {
  bloom_.assign(1024, 0);  // empty without a gazetteer (FoldName)
  // The context words, looked up by the hash every token already has.
  evidence_.assign(128, Slot{});
  for (uint32_t k = 0; k < std::size(kEvidence); ++k) InsertSmall(&evidence_, kEvidence[k].word, k);
  station_.assign(64, Slot{});
  for (uint32_t k = 0; k < std::size(kStationAfter); ++k)
    InsertSmall(&station_, kStationAfter[k], k);
  if (!gaz_) return;
  const auto& es = gaz_->entries();
  std::map<std::string, uint32_t> by_key;
  case_folded_.reserve(es.size());
  for (const GazEntry& e : es) case_folded_.push_back(karta::Fold(e.name));
  for (uint32_t i = 0; i < es.size(); ++i) {
    std::string key = FoldName(es[i].name);
    if (key.empty()) continue;
    auto [it, fresh] = by_key.emplace(key, static_cast<uint32_t>(groups_.size()));
    if (fresh) groups_.push_back(Group{key, {}, PlaceContext::kAny, key == "soder", true});
    Group& g = groups_[it->second];
    g.entries.push_back(i);
    g.context = std::max(g.context, es[i].context);
    g.street = g.street && es[i].kind == PlaceKind::kStreet;
  }
  for (Group& g : groups_) {
    std::stable_sort(g.entries.begin(), g.entries.end(), [&](uint32_t a, uint32_t b) {
      if (es[a].population != es[b].population) return es[a].population > es[b].population;
      return static_cast<int>(es[a].kind) > static_cast<int>(es[b].kind);
    });
  }
  // At most half full: every name, and each one-word name with each suffix.
  size_t cap = 64;
  while (cap < groups_.size() * 2 * (1 + std::size(kSuffixes))) cap <<= 1;
  mask_ = cap - 1;
  names_.assign(cap, Slot{});
  first_.assign(cap, Slot{});
  auto add_first = [&](uint64_t h, uint32_t words) {
    Insert(&first_, h, words, true);
    bloom_[(h >> 48) >> 6] |= uint64_t{1} << ((h >> 48) & 63);
  };
  for (uint32_t gi = 0; gi < groups_.size(); ++gi) {
    const std::string& key = groups_[gi].key;
    Insert(&names_, HashKey(key), gi + 1, false);
    size_t sp = key.find(' ');
    uint32_t words = static_cast<uint32_t>(std::count(key.begin(), key.end(), ' ') + 1);
    add_first(HashKey(std::string_view(key).substr(0, sp)), words);
  }
  // Genitive and compound forms of one-word names ("solnas",
  // "kistaomradet"), unless a real name is spelled so.
  for (uint32_t gi = 0; gi < groups_.size(); ++gi) {
    const std::string& key = groups_[gi].key;
    if (key.find(' ') != std::string::npos || key.size() < 4 ||
        groups_[gi].context == PlaceContext::kStrict) {
      continue;
    }
    for (std::string_view suf : kSuffixes) {
      uint64_t h = HashKey(key + std::string(suf));
      if (Find(names_, h)) continue;
      uint32_t kind = suf == "s" ? 1 : 2;
      Insert(&names_, h, (gi + 1) | (kind << 28), false);
      add_first(h, 1);
    }
  }
  // Near misses of long names: every form of a long one-word name with one
  // letter left out, so that one edit away is a lookup (symmetric delete).
  for (uint32_t gi = 0; gi < groups_.size(); ++gi) {
    const std::string& key = groups_[gi].key;
    if (!FuzzyTarget(gi)) continue;
    auto add = [&](uint64_t h) {
      auto [it, fresh] = near_.emplace(h, gi);
      if (!fresh && it->second != gi) it->second = UINT32_MAX;  // two names: no guess
    };
    add(HashWord(key.data(), key.size()));
    ForEachDeletionHash(key, add);
  }
  // The largest kommun of each county (by its seat's population): a bare
  // mention of it often means the whole region.
  std::map<std::string, std::pair<int64_t, std::string>> largest;  // county -> (pop, code)
  for (const GazEntry& e : es) {
    if (e.kind != PlaceKind::kKommun || e.name != e.kommun) continue;
    auto& best = largest[e.kommunkod.substr(0, 2)];
    if (e.population > best.first) best = {e.population, e.kommunkod};
  }
  code_.assign(es.size(), 0);
  for (uint32_t i = 0; i < es.size(); ++i) {
    unsigned v = 0;
    for (char c : es[i].kommunkod)
      v = v * 10 + static_cast<unsigned>(c - '0');  // 4 digits (Load checks)
    if (es[i].kommunkod.size() == 2) v *= 100;      // a county-level area: "01" -> 0100
    code_[i] = static_cast<uint16_t>(v);
  }
  main_city_.assign(es.size(), 0);
  for (uint32_t i = 0; i < es.size(); ++i) {
    auto it = largest.find(es[i].kommunkod.substr(0, 2));
    bool county_wide = (es[i].kind == PlaceKind::kKommun && it != largest.end() &&
                        it->second.second == es[i].kommunkod) ||
                       es[i].kommunkod.size() == 2;
    // "centralen", "city": every town has one; the town named decides.
    std::string key = FoldName(es[i].name);
    bool generic = false;
    for (std::string_view g : kGeneric) generic = generic || key == g;
    main_city_[i] = generic ? 2 : county_wide ? 1 : 0;
  }
}

int Geotagger::MatchAt(const GeoScan& s, size_t i, uint32_t* group, int* suffix) const {
  const auto& t = s.toks_;
  *suffix = 0;
  const uint64_t h0 = t[i].hash;  // passed the Bloom filter (Scan calls for candidates only)
  uint32_t maxw = Find(first_, h0);
  if (maxw == 0) return 0;
  size_t avail = 1;
  while (avail < maxw && i + avail < t.size() && t[i + avail].joined) ++avail;
  std::string_view folded = s.folded_;
  auto word = [&](size_t k) { return folded.substr(t[k].fb, t[k].fe - t[k].fb); };
  for (size_t n = avail; n >= 1; --n) {
    uint64_t h = h0;
    for (size_t k = 1; k < n; ++k) h = CombineWords(h, t[i + k].hash);
    uint32_t v = Find(names_, h);
    if (v == 0) continue;
    uint32_t g = (v & 0x0FFFFFFF) - 1;
    int kind = static_cast<int>(v >> 28);
    const std::string& key = groups_[g].key;
    // Check the words themselves (a hash collision must not match).
    bool same = true;
    if (kind) {
      std::string_view w = word(i);
      same = n == 1 && w.size() > key.size() && w.compare(0, key.size(), key) == 0;
    } else {
      size_t pos = 0;
      for (size_t k = 0; k < n && same; ++k) {
        std::string_view w = word(i + k);
        if (k) same = pos < key.size() && key[pos++] == ' ';
        same = same && key.compare(pos, w.size(), w) == 0;
        pos += w.size();
      }
      same = same && pos == key.size();
    }
    if (same) {
      *group = g;
      *suffix = kind;
      return static_cast<int>(n);
    }
  }
  return 0;
}

void Geotagger::InsertSmall(std::vector<Slot>* table, std::string_view word, uint32_t index) {
  uint64_t h = HashWord(word.data(), word.size());
  for (size_t k = h & (table->size() - 1);; k = (k + 1) & (table->size() - 1)) {
    Slot& sl = (*table)[k];
    if (sl.tag == Tag(h)) return;  // the first entry of a word wins
    if (sl.tag == 0) {
      sl = Slot{Tag(h), index + 1};
      return;
    }
  }
}

int Geotagger::FindSmall(const std::vector<Slot>& table, uint64_t hash) {
  for (size_t k = hash & (table.size() - 1);; k = (k + 1) & (table.size() - 1)) {
    const Slot& sl = table[k];
    if (sl.tag == Tag(hash)) return static_cast<int>(sl.value) - 1;
    if (sl.tag == 0) return -1;
  }
}

bool Geotagger::HasEvidenceBefore(const GeoScan& s, size_t i, double* weight) const {
  if (i == 0 || !s.toks_[i].joined) return false;
  const auto& p = s.toks_[i - 1];
  int k = FindSmall(evidence_, p.hash);  // by the word's hash, then the word itself
  if (k < 0) return false;
  std::string_view w = std::string_view(s.folded_).substr(p.fb, p.fe - p.fb);
  if (w != kEvidence[k].word) return false;
  *weight = kEvidence[k].weight;
  return true;
}

bool Geotagger::HasStationAfter(const GeoScan& s, size_t j) const {
  if (j >= s.toks_.size() || !s.toks_[j].joined) return false;
  const auto& p = s.toks_[j];
  std::string_view w = std::string_view(s.folded_).substr(p.fb, p.fe - p.fb);
  int k = FindSmall(station_, p.hash);
  if (k < 0 || w != kStationAfter[k]) return false;
  if (w == "t") {  // "T-bana", not a lone letter
    // The folded words from the next one on (they are contiguous in
    // folded_) start with "bana".
    if (j + 1 >= s.toks_.size()) return false;
    size_t fb = s.toks_[j + 1].fb;
    size_t avail = s.toks_[s.toks_.size() - 1].fe - fb;
    return std::string_view(s.folded_).substr(fb, std::min<size_t>(4, avail)) == "bana";
  }
  return true;
}

void Geotagger::Scan(std::string_view text, bool location, GeoScan* s) const {
  if (groups_.empty() || text.empty()) return;
  Fold(text, s);
  const auto& t = s->toks_;
  // Only the words whose hash passed the first-word Bloom filter can start a
  // name (MatchAt is 0 for every other word); a match skips the words it
  // spans.
  size_t next = 0;
  s->spans_.clear();
  for (uint32_t ci : s->cands_) {
    size_t i = ci;
    if (i < next) continue;
    uint32_t g = 0;
    int suffix = 0;
    int n = MatchAt(*s, i, &g, &suffix);
    if (n == 0) continue;
    if (!location && (t[i].glued || t[i + static_cast<size_t>(n) - 1].glued)) {
      next = i + static_cast<size_t>(n);  // a handle or address, not a place: "@mira_sthlm"
      continue;
    }
    const Group& grp = groups_[g];
    size_t after = i + static_cast<size_t>(n);
    bool skip = false;
    if (grp.direction && after < t.size() &&
        std::string_view(s->folded_).substr(t[after].fb, t[after].fe - t[after].fb) == "om") {
      skip = true;  // "söder om Stockholm": a direction, not Södermalm
    }
    if (i >= 2 && t[i].joined && t[i - 1].joined) {
      // "söder om Stockholm", "north of Solna": somewhere else, not there.
      auto word = [&](size_t k) {
        return std::string_view(s->folded_).substr(t[k].fb, t[k].fe - t[k].fb);
      };
      std::string_view of = word(i - 1);
      if (of == "om" || of == "of") {
        for (std::string_view d : kDirections) skip = skip || word(i - 2) == d;
      }
    }
    double ew = 0;
    bool before = HasEvidenceBefore(*s, i, &ew);
    bool station = HasStationAfter(*s, after);
    bool evidence = before || station || suffix == 2;
    if (!before && evidence) ew = 2;
    bool cap = t[i].cap;
    double weight = 0;
    if (location) {
      weight = 3;
    } else if (!skip) {
      switch (grp.context) {
        case PlaceContext::kAny:
          weight = evidence ? ew : 1.0;
          break;
        case PlaceContext::kEvidence:
          if (evidence) {
            weight = ew;
          } else if (i > 0 && t[i].joined && IsWord(*s, i - 1, "heter")) {
            // "heter Vega": a person's name
          } else if (cap && (!t[i].initial || t[after - 1].comma)) {
            weight = 0.8;  // "Stockholm, Kista" or a heading "Kista, nära ..."
          } else if (i == 0 && after == t.size()) {
            weight = 0.8;  // the whole field is the name
          }
          break;
        case PlaceContext::kStrict:
          if (cap && evidence) weight = ew;
          break;
      }
      if (suffix) weight *= 0.9;
      // A street is named in many towns ("Kungsgatan i Göteborg"): it
      // never outweighs a town or kommun named beside it.
      if (grp.street) weight = std::min(weight, 1.0);
    }
    if (weight > 0) {
      GeoMention m{g, weight, s->next_order++, t[i].ob, t[after - 1].oe};
      if (grp.entries.size() > 1 && !suffix) {
        // "Vårberg" and "Varberg" fold alike: the spelling used decides.
        // Only when the entries are spelled differently: otherwise the
        // kommun named beside it decides (Resolve).
        std::string spelled = karta::Fold(text.substr(m.begin, m.end - m.begin));
        bool differ = false;
        for (uint32_t e : grp.entries)
          differ = differ || case_folded_[e] != case_folded_[grp.entries[0]];
        for (uint32_t e : grp.entries) {
          if (differ && case_folded_[e] == spelled) {
            m.exact = e;
            break;
          }
        }
      }
      s->mentions.push_back(m);
    }
    s->spans_.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(after));
    next = after;
  }
  if (!near_.empty()) ScanNearMisses(location, s);
}

bool Geotagger::IsWord(const GeoScan& s, size_t i, std::string_view w) {
  return std::string_view(s.folded_).substr(s.toks_[i].fb, s.toks_[i].fe - s.toks_[i].fb) == w;
}

bool Geotagger::FuzzyTarget(uint32_t g) const {
  const Group& grp = groups_[g];
  return grp.key.size() >= kNearMissMinLength && grp.key.find(' ') == std::string::npos &&
         grp.context == PlaceContext::kAny;
}

namespace {
// True iff a and b are one edit apart: one letter left out, added, changed,
// or two neighbours swapped (and not equal).
bool OneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() < b.size()) return a.substr(i) == b.substr(i + 1);
  if (i == a.size()) return false;                      // equal
  if (a.substr(i + 1) == b.substr(i + 1)) return true;  // changed
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
         a.substr(i + 2) == b.substr(i + 2);
}
}  // namespace

int Geotagger::NearMiss(std::string_view w) const {
  int found = -1;
  auto consider = [&](uint32_t g) {
    if (g == UINT32_MAX || !FuzzyTarget(g)) return;
    const std::string& key = groups_[g].key;
    if (key[0] != w[0] || !OneEdit(w, key)) return;
    found = found < 0 || static_cast<uint32_t>(found) == g ? static_cast<int>(g) : -2;
  };
  auto near = [&](uint64_t h) {
    auto it = near_.find(h);
    if (it != near_.end()) consider(it->second);
  };
  near(HashWord(w.data(), w.size()));  // a letter left out
  ForEachDeletionHash(w, [&](uint64_t h) {
    uint32_t v = Find(names_, h);  // a letter added
    if (v && (v >> 28) == 0) consider(v - 1);
    near(h);  // a letter changed, or two swapped
  });
  return found >= 0 ? found : -1;
}

void Geotagger::ScanNearMisses(bool location, GeoScan* s) const {
  const auto& t = s->toks_;
  size_t span = 0;  // the next matched span (s->spans_, in order)
  for (size_t i = 0; i < t.size(); ++i) {
    const auto& tok = t[i];
    if (!tok.cap || tok.fe - tok.fb < kNearMissMinLength - 1) continue;
    while (span < s->spans_.size() && s->spans_[span].second <= i) ++span;
    if (span < s->spans_.size() && s->spans_[span].first <= i) continue;  // part of a name
    if (!location && tok.glued) continue;
    if (Find(names_, tok.hash)) continue;  // a name, turned down by its context
    std::string_view w = std::string_view(s->folded_).substr(tok.fb, tok.fe - tok.fb);
    int g = NearMiss(w);
    if (g < 0) continue;
    // Guarded: the first letter is right (NearMiss), and the word is a
    // place by its context or a capitalised word inside a sentence.
    double ew = 0;
    bool evidence = HasEvidenceBefore(*s, i, &ew) || HasStationAfter(*s, i + 1);
    if (evidence && ew == 0) ew = 2;
    double weight = location ? 3 : evidence ? ew : !tok.initial ? 0.8 : 0;
    if (weight <= 0) continue;
    if (groups_[static_cast<size_t>(g)].street && !location) weight = std::min(weight, 1.0);
    s->mentions.push_back(
        GeoMention{static_cast<uint32_t>(g), weight * 0.9, s->next_order++, tok.ob, tok.oe});
  }
}

GeoResult Geotagger::Resolve(const GeoScan& scan) const {
  GeoResult r;
  Resolve(scan, &r);
  return r;
}

void Geotagger::Resolve(const GeoScan& scan, GeoResult* result) const {
  GeoResult& r = *result;
  r.entry = nullptr;
  r.score = 0;
  r.mentions.clear();
  const auto& ms = scan.mentions;
  if (ms.empty()) return;
  const auto& es = gaz_->entries();
  // Kommuner are compared by their code as a number (the gazetteer checks
  // that every kommunkod is 4 digits; the county is its first two).
  auto code = [&](uint32_t e) { return code_[e]; };
  auto county = [&](uint32_t e) { return code_[e] / 100; };
  // Scratch reused from record to record (per thread).
  struct Chosen {
    uint32_t entry;
    double weight;
    uint32_t order;
  };
  struct Kommun {
    uint16_t code;
    double weight = 0;
    int best_kind = 0;
    uint32_t first = UINT32_MAX;
  };
  thread_local std::vector<uint16_t> firm;
  thread_local std::vector<Chosen> ch;
  thread_local std::vector<Kommun> ks;
  firm.clear();
  ch.clear();
  ks.clear();
  // Kommuner named without doubt (every entry of the name in one kommun).
  for (const GeoMention& m : ms) {
    const Group& g = groups_[m.group];
    bool one = true;
    for (uint32_t e : g.entries) one = one && code(e) == code(g.entries[0]);
    if (one) firm.push_back(code(g.entries[0]));
  }
  // Choose an entry per mention: one in a kommun named elsewhere, else the
  // largest; within a kommun the most specific.
  for (const GeoMention& m : ms) {
    const Group& g = groups_[m.group];
    uint32_t pick = g.entries[0];
    if (m.exact != UINT32_MAX) {
      pick = m.exact;
    } else {
      for (uint32_t e : g.entries) {
        if (std::find(firm.begin(), firm.end(), code(e)) != firm.end()) {
          pick = e;
          break;
        }
      }
    }
    for (uint32_t e : g.entries) {  // same kommun, more specific kind
      if (code(e) == code(pick) && es[e].kind > es[pick].kind) pick = e;
    }
    ch.push_back({pick, m.weight, m.order});
  }
  // A county's largest kommun named bare, or a county-level area
  // (Norrort), yields to a place elsewhere in the county.
  for (Chosen& c : ch) {
    if (!main_city_[c.entry]) continue;
    for (const Chosen& o : ch) {
      if (code(o.entry) != code(c.entry) &&
          (main_city_[c.entry] == 2 || county(o.entry) == county(c.entry))) {
        c.weight *= 0.4;
        break;
      }
    }
  }
  double total = 0;
  for (const Chosen& c : ch) {
    uint16_t k = code(c.entry);
    auto it = std::find_if(ks.begin(), ks.end(), [&](const Kommun& x) { return x.code == k; });
    if (it == ks.end()) {
      ks.push_back(Kommun{k});
      it = ks.end() - 1;
    }
    it->weight += c.weight;
    it->best_kind = std::max(it->best_kind, static_cast<int>(es[c.entry].kind));
    it->first = std::min(it->first, c.order);
    total += c.weight;
  }
  const Kommun* win = &ks[0];
  for (const Kommun& k : ks) {
    if (k.weight > win->weight + 1e-9 ||
        (std::abs(k.weight - win->weight) <= 1e-9 &&
         (k.best_kind > win->best_kind ||
          (k.best_kind == win->best_kind && k.first < win->first)))) {
      win = &k;
    }
  }
  const Chosen* best = nullptr;
  for (const Chosen& c : ch) {
    if (code(c.entry) != win->code) continue;
    if (!best || es[c.entry].kind > es[best->entry].kind ||
        (es[c.entry].kind == es[best->entry].kind && c.weight > best->weight)) {
      best = &c;
    }
  }
  r.entry = &es[best->entry];
  r.score = total > 0 ? (win->weight / total) * std::min(1.0, win->weight / 2.0) : 0;
  for (const Chosen& c : ch) {
    const std::string& p = es[c.entry].place;
    if (std::find(r.mentions.begin(), r.mentions.end(), p) == r.mentions.end()) {
      r.mentions.push_back(p);
    }
  }
}

GeoResult Geotagger::Tag(std::string_view text) const {
  GeoScan s;
  Scan(text, false, &s);
  return Resolve(s);
}

Result<std::vector<std::string>> ParseRegion(std::string_view spec) {
  std::vector<std::string> out;
  for (const std::string& item : SplitList(spec)) {
    bool digits = item.size() <= 4;
    for (char c : item) digits = digits && c >= '0' && c <= '9';
    if (digits) {
      out.push_back(item);
      continue;
    }
    std::string f = Geotagger::FoldName(item);
    for (std::string_view suffix : {" lan", "s lan", " county"}) {
      if (f.size() > suffix.size() &&
          f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0) {
        f.resize(f.size() - suffix.size());
        break;
      }
    }
    bool found = false;
    for (const County& c : kCounties) {
      if (f == c.name) {
        out.emplace_back(c.code);
        found = true;
        break;
      }
    }
    if (!found) {
      return Status::Usage(fmt::format(
          "--region: '{}' is neither a county name (stockholm, uppsala, skane, ...) nor a "
          "kommunkod prefix of up to 4 digits (01, 0180)",
          item));
    }
  }
  if (out.empty()) return Status::Usage("--region is empty (e.g. --region stockholm or 01,0380)");
  return out;
}

bool InRegion(std::string_view kommunkod, const std::vector<std::string>& prefixes) {
  if (kommunkod.empty()) return false;
  for (const std::string& p : prefixes) {
    if (kommunkod.substr(0, p.size()) == p) return true;
  }
  return false;
}

}  // namespace karta
