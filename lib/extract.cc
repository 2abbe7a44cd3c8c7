#include "lib/extract.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "lib/wordscan.h"

namespace i18n::phonenumbers {
// The metadata libphonenumber is built with (exported by the library).
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace karta {

// The words of a text (defined below).
struct Tokens;

namespace {

// ---------------------------------------------------------------- helpers

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiAlpha(c); }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }
inline unsigned char U(char c) { return static_cast<unsigned char>(c); }

// std::strchr(set, c) != nullptr without the call: c is one of the bytes of
// `set` or NUL (strchr finds the terminator too).
struct ByteSet {
  bool in[256] = {};
  constexpr explicit ByteSet(const char* set) {
    in[0] = true;
    for (; *set; ++set) in[static_cast<unsigned char>(*set)] = true;
  }
  bool Has(char c) const { return in[static_cast<unsigned char>(c)]; }
};
constexpr ByteSet kNumberGlueBefore("./:,-+");
constexpr ByteSet kNumberGlueAfter("./:,-");
constexpr ByteSet kCurrencyFirst(
    "kKsS:,\xE2"
    "eE$uUnNdD");

// A letter byte sequence starts at s[i]: an ASCII letter or a Latin-1
// supplement letter (å ä ö é ü ..., encoded C3 xx). Returns its length or 0.
inline size_t LetterAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  char c = s[i];
  if (IsAsciiAlpha(c)) return 1;
  if (U(c) == 0xC3 && i + 1 < s.size()) {
    unsigned char d = U(s[i + 1]);
    if (d >= 0x80 && d <= 0xBF && d != 0x97 && d != 0xB7) return 2;  // not × ÷
  }
  return 0;
}

// Byte classes: 1 ASCII letter or digit, 2 the lead byte C3 of a Latin-1
// letter, 0 anything else.
struct ByteClass {
  unsigned char c[256] = {};
  constexpr ByteClass() {
    for (int i = '0'; i <= '9'; ++i) c[i] = 1;
    for (int i = 'a'; i <= 'z'; ++i) c[i] = 1;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = 1;
    c[0xC3] = 2;
  }
};
constexpr ByteClass kClass;

// The end of the word-character run (letters and digits) starting at i.
inline size_t WordEnd(std::string_view s, size_t i) {
  const size_t n = s.size();
  while (i < n) {
    unsigned char k = kClass.c[U(s[i])];
    if (k == 1) {
      ++i;
    } else if (k == 2 && LetterAt(s, i) == 2) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// True iff the char before i is not a word character.
inline bool WordStartAt(std::string_view s, size_t i) {
  if (i == 0) return true;
  char p = s[i - 1];
  if (IsAsciiAlnum(p)) return false;
  if (i >= 2 && U(s[i - 2]) == 0xC3 && U(p) >= 0x80 && U(p) <= 0xBF) return false;
  return true;
}

// The words of a text, found once and shared by the extractors, which then
// look at words (and '@' signs) instead of at every byte. A word is a maximal
// run of ASCII letters and digits and Latin-1 letters (å ä ö é ...).
struct Tok {
  uint32_t b, e;
  bool digit_first;  // starts with a digit
  bool has_digit;
};
}  // namespace

struct Tokens {
  PodVec<Tok> words;
  PodVec<uint32_t> ats;  // positions of '@'
  // Indices into `words` of the words each extractor may start at (every
  // other word it would skip at once, so it does not visit them at all):
  PodVec<uint32_t> digits;     // starting with a digit (prices)
  PodVec<uint32_t> ages;       // those and number words' first letters, 3..16 bytes
  PodVec<uint32_t> keys;       // an ASCII platform word's first letter (handles)
  PodVec<uint32_t> ats_words;  // "at" and "snabel" (emails)
  PodVec<uint32_t> phones;     // with a digit, or a zero word's first letter, <= 5 bytes
};

namespace {

// The handle platforms (HandlePlatforms()): the one list of the words that
// name a platform. The tokenizer's first letters and the handle scanner's
// word lengths are computed from it below.
constexpr HandlePlatform kPlatforms[] = {
    {"whatsapp", "whatsapp", false},
    {"wa", "whatsapp", true},
    {"wapp", "whatsapp", false},
    {"telegram", "telegram", false},
    {"telegramm", "telegram", false},
    {"tg", "telegram", true},
    {"tele", "telegram", true},
    {"snapchat", "snap", false},
    {"snap", "snap", false},
    {"sc", "snap", true},
    {"kik", "kik", false},
    {"instagram", "instagram", false},
    {"insta", "instagram", false},
    {"ig", "instagram", true},
    {"onlyfans", "onlyfans", false},
    {"of", "onlyfans", true},
    {"signal", "signal", true},
    {"wickr", "wickr", false},
    {"threema", "threema", false, 1},
    {"session", "session", true, 2},
    {"viber", "viber", false},
};

// What the fast path needs from kPlatforms: the first letters (both cases)
// and the set of word lengths.
struct PlatformIndex {
  bool first[256] = {};
  uint32_t lengths = 0;         // bit n: a platform word has n letters
  uint32_t by_first[256] = {};  // per first letter (both cases): its words' lengths
  size_t max_len = 0;
  constexpr PlatformIndex() {
    for (const HandlePlatform& p : kPlatforms) {
      auto c = static_cast<unsigned char>(p.word[0]);
      first[c] = true;
      first[c - 32] = true;
      lengths |= uint32_t{1} << p.word.size();
      by_first[c] |= uint32_t{1} << p.word.size();
      by_first[c - 32] |= uint32_t{1} << p.word.size();
      if (p.word.size() > max_len) max_len = p.word.size();
    }
  }
  bool First(char c) const { return first[static_cast<unsigned char>(c)]; }
  bool Length(size_t n) const { return n < 32 && ((lengths >> n) & 1) != 0; }
  // A platform word starts with c and has n letters.
  bool FirstAndLength(char c, size_t n) const {
    return n < 32 && ((by_first[static_cast<unsigned char>(c)] >> n) & 1) != 0;
  }
};
constexpr PlatformIndex kPlat;
static_assert(kPlat.max_len < 16, "HandlesImpl lower-cases platform words into 16 bytes");

// Byte classes for the tokenizer: bit 0 a word byte (letter or digit), bit 1
// an ASCII letter, bit 2 a digit; 8 the C3 lead of a Latin-1 letter, 16 '@'.
// The first-byte flags say which word lists a word starting so goes to:
// 32 a number word's first letter (a e f n s t, Å Ä Ö É), 64 a platform
// word's first letter (from kPlatforms), 128 a zero word's first letter (n
// z o: "noll", "zero", "oh", "O7O").
struct TokClass {
  unsigned char c[256] = {};
  constexpr TokClass() {
    for (int i = '0'; i <= '9'; ++i) c[i] = 1 | 4;
    for (int i = 'a'; i <= 'z'; ++i) c[i] = 1 | 2;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = 1 | 2;
    c[0xC3] = 8;
    c['@'] = 16;
    for (char l : {'a', 'e', 'f', 'n', 's', 't'}) {
      c[static_cast<unsigned char>(l)] |= 32;
      c[static_cast<unsigned char>(l - 32)] |= 32;
    }
    c[0xC3] |= 32;
    for (int i = 0; i < 256; ++i) {
      if (kPlat.first[i]) c[i] |= 64;
    }
    for (char l : {'n', 'z', 'o'}) {
      c[static_cast<unsigned char>(l)] |= 128;
      c[static_cast<unsigned char>(l - 32)] |= 128;
    }
  }
};
constexpr TokClass kTok;

// A word that starts with "noll" or "zero": digit words written together
// ("nollsjunoll") may follow.
inline bool GluedZeroWord(const unsigned char* w, size_t len) {
  if (len < 4) return false;
  char a = char(w[0] | 0x20), b = char(w[1] | 0x20), c = char(w[2] | 0x20), d = char(w[3] | 0x20);
  return (a == 'n' && b == 'o' && c == 'l' && d == 'l') ||
         (a == 'z' && b == 'e' && c == 'r' && d == 'o');
}

void Tokenize(std::string_view s, Tokens* t) {
  const size_t n = s.size();
  const size_t max_words = n / 2 + 1;
  t->words.Reset(max_words);
  t->ats.Reset(n);
  t->digits.Reset(max_words);
  t->ages.Reset(max_words);
  t->keys.Reset(max_words);
  t->ats_words.Reset(max_words);
  t->phones.Reset(max_words);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < n) {
    unsigned k = kTok.c[p[i]];
    if (!(k & (1 | 8 | 16))) {
      ++i;
      continue;
    }
    if (k & 16) {
      t->ats.push_back(static_cast<uint32_t>(i));
      ++i;
      continue;
    }
    if ((k & 8) && LetterAt(s, i) != 2) {
      ++i;
      continue;
    }
    const size_t b = i;
    const unsigned first = k;
    bool has_digit = false;
    while (true) {
      i = AsciiAlnumEnd(s.data(), i, n, &has_digit);
      if (i < n && (kTok.c[p[i]] & 8) && LetterAt(s, i) == 2) {
        i += 2;
        continue;
      }
      break;
    }
    const auto idx = static_cast<uint32_t>(t->words.size());
    const bool digit_first = (first & 4) != 0;
    t->words.push_back(
        {static_cast<uint32_t>(b), static_cast<uint32_t>(i), digit_first, has_digit});
    const size_t len = i - b;
    if (has_digit || ((first & 128) && (len <= 5 || GluedZeroWord(p + b, len)))) {
      t->phones.push_back(idx);
    }
    if (digit_first) {
      t->digits.push_back(idx);
      t->ages.push_back(idx);
      continue;
    }
    if ((first & 32) && len >= 3 && len <= 16) t->ages.push_back(idx);
    if (first & 64) t->keys.push_back(idx);
    if ((len == 2 && (p[b] | 0x20) == 'a') || (len == 6 && (p[b] | 0x20) == 's')) {
      t->ats_words.push_back(idx);
    }
  }
}

// Lower-cases ASCII and the Swedish upper-case letters Å Ä Ö É.
std::string LowerWord(std::string_view w) {
  std::string out(w);
  for (size_t i = 0; i < out.size(); ++i) {
    if (U(out[i]) == 0xC3 && i + 1 < out.size()) {
      unsigned char d = U(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = char(d + 0x20);
      ++i;
    } else {
      out[i] = Lower(out[i]);
    }
  }
  return out;
}

// LowerWord into `buf` (at least w.size() bytes), without a string.
[[gnu::always_inline]] inline std::string_view LowerInto(std::string_view w, char* buf) {
  for (size_t i = 0; i < w.size(); ++i) {
    if (U(w[i]) == 0xC3 && i + 1 < w.size()) {
      unsigned char d = U(w[i + 1]);
      buf[i] = w[i];
      buf[i + 1] = (d >= 0x80 && d <= 0x9E && d != 0x97) ? char(d + 0x20) : w[i + 1];
      ++i;
    } else {
      buf[i] = Lower(w[i]);
    }
  }
  return std::string_view(buf, w.size());
}

// Inlined: called with literals on hot paths (prices' "sek"/"eur", the age
// checks), where the first byte rejects almost every call.
[[gnu::always_inline]] inline bool StartsWithNoCase(std::string_view s, size_t i,
                                                    std::string_view lit) {
  if (i + lit.size() > s.size()) return false;
  if (lit.empty()) return true;
  if (Lower(s[i]) != lit[0]) return false;
  for (size_t k = 1; k < lit.size(); ++k) {
    if (Lower(s[i + k]) != lit[k]) return false;
  }
  return true;
}

template <typename T>
void AddUnique(std::vector<T>* out, T v) {
  if (std::find(out->begin(), out->end(), v) == out->end()) out->push_back(std::move(v));
}

// ----------------------------------------------------------- number words

// A small set of words with values, looked up by (length, first and last
// byte) first: far cheaper than hashing every word looked up, almost all of
// which are not in the set.
class WordDict {
 public:
  WordDict(std::initializer_list<std::pair<std::string_view, int>> words) {
    for (const auto& w : words) buckets_[Bucket(w.first)].push_back(w);
  }
  int Find(std::string_view w) const {
    if (w.empty()) return -1;
    for (const auto& [k, v] : buckets_[Bucket(w)]) {
      if (k == w) return v;
    }
    return -1;
  }

 private:
  static size_t Bucket(std::string_view w) {
    return (w.size() * 7 + U(w.front()) * 3 + U(w.back())) & 127;
  }
  std::vector<std::pair<std::string_view, int>> buckets_[128];
};

// Digit words for phone numbers ("noll sju noll", "zero seven").
int DigitWord(std::string_view lw) {
  static const WordDict kWords = {
      {"noll", 0},  {"nolla", 0}, {"zero", 0},  {"oh", 0},   {"o", 0},    {"ett", 1},   {"en", 1},
      {"etta", 1},  {"one", 1},   {"två", 2},   {"tvåa", 2}, {"two", 2},  {"tre", 3},   {"trea", 3},
      {"three", 3}, {"fyra", 4},  {"fyran", 4}, {"four", 4}, {"fem", 5},  {"femma", 5}, {"five", 5},
      {"sex", 6},   {"sexa", 6},  {"six", 6},   {"sju", 7},  {"sjua", 7}, {"seven", 7}, {"åtta", 8},
      {"eight", 8}, {"nio", 9},   {"nia", 9},   {"nine", 9},
  };
  if (lw.size() > 6) return -1;
  return kWords.Find(lw);
}

// Digit words written together ("nollsjunoll", "zerosevenzero",
// "ettsjufyra"), lower case: appends the digits to *digits and returns true
// iff the whole word splits into digit words of two or more letters.
bool SplitDigitWords(std::string_view lw, std::string* digits) {
  static const std::string_view kParts[] = {
      "noll", "nolla", "zero",  "oh",    "ett",  "etta",  "one",   "två",  "tvåa", "two",
      "tre",  "trea",  "three", "fyra",  "four", "fem",   "femma", "five", "sex",  "sexa",
      "six",  "sju",   "sjua",  "seven", "åtta", "eight", "nio",   "nia",  "nine"};
  static const char kDigit[] = "00001112223334455566677788999";
  static_assert(sizeof(kDigit) - 1 == std::size(kParts), "one digit per part");
  if (lw.size() > 64) return false;
  // reach[i]: the part that ends a split of lw[0, i), +1 (0: none).
  int reach[65] = {};
  size_t from[65] = {};
  reach[0] = -1;
  for (size_t i = 0; i < lw.size(); ++i) {
    if (reach[i] == 0) continue;
    for (size_t k = 0; k < std::size(kParts); ++k) {
      std::string_view w = kParts[k];
      if (lw.substr(i, w.size()) == w && reach[i + w.size()] == 0) {
        reach[i + w.size()] = static_cast<int>(k) + 1;
        from[i + w.size()] = i;
      }
    }
  }
  if (reach[lw.size()] <= 0) return false;
  std::string rev;
  for (size_t i = lw.size(); i > 0; i = from[i]) rev.push_back(kDigit[reach[i] - 1]);
  if (rev.size() < 2) return false;
  digits->append(rev.rbegin(), rev.rend());
  return true;
}

// A written-out number 0..99 in Swedish or English, as one word
// ("nitton", "tjugotvå", "twentytwo"); -1 if not one.
int NumberWord(std::string_view w) {
  static const std::pair<std::string_view, int> kTens[] = {
      {"tjugo", 20},  {"trettio", 30}, {"fyrtio", 40}, {"femtio", 50}, {"sextio", 60},
      {"twenty", 20}, {"thirty", 30},  {"forty", 40},  {"fifty", 50},  {"sixty", 60}};
  static const WordDict kSmall = {
      {"ett", 1},      {"en", 1},         {"två", 2},       {"tre", 3},       {"fyra", 4},
      {"fem", 5},      {"sex", 6},        {"sju", 7},       {"åtta", 8},      {"nio", 9},
      {"tio", 10},     {"elva", 11},      {"tolv", 12},     {"tretton", 13},  {"fjorton", 14},
      {"femton", 15},  {"sexton", 16},    {"sjutton", 17},  {"arton", 18},    {"nitton", 19},
      {"one", 1},      {"two", 2},        {"three", 3},     {"four", 4},      {"five", 5},
      {"six", 6},      {"seven", 7},      {"eight", 8},     {"nine", 9},      {"ten", 10},
      {"eleven", 11},  {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14}, {"fifteen", 15},
      {"sixteen", 16}, {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19}, {"aderton", 18}};
  if (int v = kSmall.Find(w); v >= 0) return v;
  for (const auto& [t, v] : kTens) {
    if (w[0] == t[0] && w.size() >= t.size() && w.substr(0, t.size()) == t) {
      std::string_view rest = w.substr(t.size());
      if (!rest.empty() && rest.front() == '-') rest.remove_prefix(1);
      if (rest.empty()) return v;
      int u = kSmall.Find(rest);
      if (u >= 0 && u < 10) return v + u;
      return -1;
    }
  }
  return -1;
}

}  // namespace

void Extraction::Clear() {
  phones.clear();
  emails.clear();
  ages.clear();
  prices.clear();
  handles.clear();
  minor = false;
}

int YearOf(std::string_view date) {
  if (date.size() < 4) return 0;
  int y = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (!IsDigit(date[i])) return 0;
    y = y * 10 + (date[i] - '0');
  }
  if (date.size() > 4 && IsDigit(date[4])) return 0;
  return y;
}

RefDate RefDateOf(std::string_view date) {
  RefDate r;
  r.year = YearOf(date);
  if (r.year == 0) return r;
  if (date.size() >= 7 && date[4] == '-' && IsDigit(date[5]) && IsDigit(date[6]) &&
      (date.size() == 7 || !IsDigit(date[7]))) {
    int m = (date[5] - '0') * 10 + (date[6] - '0');
    if (m >= 1 && m <= 12) r.month = m;
  }
  return r;
}

// The first occurrence of the UTF-8 sequence `seq` in s at or after `from`,
// found by its last byte (a continuation byte, rare in Swedish text, where
// the lead bytes E2, EF, F0 are common: dashes, quotes, emoji).
size_t FindSeq(std::string_view s, std::string_view seq, size_t from = 0) {
  const size_t k = seq.size() - 1;
  for (size_t i = from + k; i < s.size();) {
    const void* hit = std::memchr(s.data() + i, seq.back(), s.size() - i);
    if (hit == nullptr) return std::string_view::npos;
    i = static_cast<size_t>(static_cast<const char*>(hit) - s.data());
    if (s.compare(i - k, k, seq.substr(0, k)) == 0) return i - k;
    ++i;
  }
  return std::string_view::npos;
}

bool NormalizeDigits(std::string_view s, std::string* out) {
  // Fullwidth forms are EF BC xx (the digits EF BC 90..99: found by the
  // byte BC); a keycap is a digit, an optional FE0F (EF B8 8F) and U+20E3
  // (E2 83 A3).
  if (std::memchr(s.data(), '\xBC', s.size()) == nullptr &&
      FindSeq(s, "\xE2\x83\xA3") == std::string_view::npos &&
      std::memchr(s.data(), '%', s.size()) == nullptr) {
    return false;
  }
  out->clear();
  out->reserve(s.size());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = U(s[i]);
    if (c == 0xEF && i + 2 < n && U(s[i + 1]) == 0xBC) {
      unsigned char d = U(s[i + 2]);
      if (d >= 0x90 && d <= 0x99) {  // ０..９
        out->push_back(char('0' + (d - 0x90)));
        i += 3;
        continue;
      }
      if (d == 0x8B || d == 0x8D) {  // ＋ －
        out->push_back(d == 0x8B ? '+' : '-');
        i += 3;
        continue;
      }
    }
    if (IsDigit(char(c)) || c == '#' || c == '*') {
      size_t k = i + 1;
      if (k + 2 < n && U(s[k]) == 0xEF && U(s[k + 1]) == 0xB8 && U(s[k + 2]) == 0x8F) k += 3;
      if (k + 2 < n && U(s[k]) == 0xE2 && U(s[k + 1]) == 0x83 && U(s[k + 2]) == 0xA3) {
        out->push_back(char(c));
        i = k + 3;
        continue;
      }
    }
    if (c == '%' && i + 2 < n && s[i + 1] == '2' && (s[i + 2] == 'B' || s[i + 2] == 'b')) {
      out->push_back('+');
      i += 3;
      continue;
    }
    out->push_back(char(c));
    ++i;
  }
  return true;
}

// ------------------------------------------------------------ validation

struct PhoneValidator::Impl {
  struct Desc {
    std::unique_ptr<RE2> re;
    std::vector<int> lengths;
  };
  std::string region;
  std::string cc;               // "46"
  std::string national_prefix;  // "0"
  std::unique_ptr<RE2> general;
  std::vector<int> general_lengths;
  std::vector<Desc> types;
  bool fast = false;  // metadata for the region loaded
  std::unordered_map<std::string, std::string> cache;

  static bool Has(const std::vector<int>& v, int n) {
    return std::find(v.begin(), v.end(), n) != v.end();
  }

  void Load() {
    using namespace i18n::phonenumbers;
    PhoneMetadataCollection coll;
    if (!coll.ParseFromArray(metadata_get(), metadata_size())) return;
    for (const PhoneMetadata& m : coll.metadata()) {
      if (m.id() != region) continue;
      cc = std::to_string(m.country_code());
      national_prefix = m.national_prefix();
      RE2::Options opt;
      opt.set_log_errors(false);
      auto compile = [&](const std::string& p) {
        return std::make_unique<RE2>("(?:" + p + ")", opt);
      };
      const PhoneNumberDesc& g = m.general_desc();
      general = compile(g.national_number_pattern());
      if (!general->ok()) return;
      general_lengths.assign(g.possible_length().begin(), g.possible_length().end());
      // The common types first: a valid number usually matches early.
      const PhoneNumberDesc* descs[] = {
          &m.mobile(), &m.fixed_line(),      &m.premium_rate(), &m.toll_free(), &m.shared_cost(),
          &m.voip(),   &m.personal_number(), &m.pager(),        &m.uan(),       &m.voicemail()};
      for (const PhoneNumberDesc* d : descs) {
        if (!d->has_national_number_pattern()) continue;
        Desc out;
        out.re = compile(d->national_number_pattern());
        if (!out.re->ok()) return;
        out.lengths.assign(d->possible_length().begin(), d->possible_length().end());
        if (out.lengths.empty()) out.lengths = general_lengths;
        if (out.lengths.size() == 1 && out.lengths[0] == -1) continue;
        types.push_back(std::move(out));
      }
      fast = !national_prefix.empty() && !types.empty();
      return;
    }
  }

  // ValidNational, remembered: ads repeat the same numbers. A direct-mapped
  // cache keyed by the digits as an integer (and their count), so a lookup
  // costs no string and no allocation.
  static constexpr size_t kCacheSize = 1 << 16;
  std::vector<uint64_t> national_keys = std::vector<uint64_t>(kCacheSize, 0);  // 0: empty
  std::vector<uint8_t> national_valid = std::vector<uint8_t>(kCacheSize, 0);

  bool ValidNationalCached(std::string_view nat) {
    if (nat.size() > 15) return ValidNational(nat);
    uint64_t key = 0;
    for (char c : nat) {
      if (!IsDigit(c)) return ValidNational(nat);
      key = key * 10 + static_cast<uint64_t>(c - '0');
    }
    key = (key << 4 | nat.size()) + 1;  // never 0
    uint64_t h = key * 0x9E3779B97F4A7C15ULL;
    size_t slot = static_cast<size_t>(h >> 50) & (kCacheSize - 1);
    if (national_keys[slot] == key) return national_valid[slot] != 0;
    bool ok = ValidNational(nat);
    national_keys[slot] = key;
    national_valid[slot] = ok ? 1 : 0;
    return ok;
  }

  // libphonenumber's IsValidNumber for the region, over RE2.
  bool ValidNational(std::string_view nat) const {
    int n = static_cast<int>(nat.size());
    if (!general_lengths.empty() && !Has(general_lengths, n)) return false;
    if (!RE2::FullMatch(nat, *general)) return false;
    for (const Desc& d : types) {
      if (Has(d.lengths, n) && RE2::FullMatch(nat, *d.re)) return true;
    }
    return false;
  }

  std::string Slow(const std::string& intl) {
    using namespace i18n::phonenumbers;
    auto it = cache.find(intl);
    if (it != cache.end()) return it->second;
    if (cache.size() > 50000) cache.clear();
    PhoneNumberUtil* u = PhoneNumberUtil::GetInstance();
    PhoneNumber num;
    std::string out;
    if (u->Parse(intl, region, &num) == PhoneNumberUtil::NO_PARSING_ERROR &&
        u->IsValidNumber(num)) {
      u->Format(num, PhoneNumberUtil::E164, &out);
    }
    cache.emplace(intl, out);
    return out;
  }
};

PhoneValidator::PhoneValidator(std::string region) : impl_(new Impl) {
  impl_->region = std::move(region);
  impl_->Load();
}

PhoneValidator::~PhoneValidator() = default;

std::string PhoneValidator::ToE164(std::string_view cand) {
  Impl& m = *impl_;
  std::string_view intl;  // digits after the international prefix
  if (!cand.empty() && cand.front() == '+') {
    intl = cand.substr(1);
  } else if (cand.size() > 2 && cand[0] == '0' && cand[1] == '0') {
    intl = cand.substr(2);
  } else if (m.fast && !cand.empty() &&
             cand.substr(0, m.national_prefix.size()) == m.national_prefix) {
    std::string_view nat = cand.substr(m.national_prefix.size());
    if (nat.empty() || nat.front() == '0') return "";
    return m.ValidNationalCached(nat) ? "+" + m.cc + std::string(nat) : "";
  } else {
    return "";  // no prefix: not taken as a phone number (prices, ids, years)
  }
  if (intl.size() < 6 || intl.front() == '0') return "";
  if (m.fast && intl.substr(0, m.cc.size()) == m.cc) {
    std::string_view nat = intl.substr(m.cc.size());
    // "+46 (0)70…": the national prefix written after the country code.
    if (!m.national_prefix.empty() &&
        nat.substr(0, m.national_prefix.size()) == m.national_prefix) {
      nat.remove_prefix(m.national_prefix.size());
    }
    if (nat.empty() || nat.front() == '0') return "";
    return m.ValidNationalCached(nat) ? "+" + m.cc + std::string(nat) : "";
  }
  std::string s = "+";
  s.append(intl);
  std::string e164 = m.Slow(s);
  // "+40 (0)712…": a national prefix 0 written after a country code of 1..3
  // digits.
  for (size_t cl = 1; e164.empty() && cl <= 3 && cl + 1 < intl.size(); ++cl) {
    if (intl[cl] != '0') continue;
    std::string t = "+";
    t.append(intl.substr(0, cl));
    t.append(intl.substr(cl + 1));
    e164 = m.Slow(t);
  }
  return e164;
}

// ----------------------------------------------------------------- phones

namespace {

struct PGroup {
  std::string digits;
  size_t begin = 0, end = 0;
  bool plus = false;
  bool word = false;
  char sep = 0;  // the first punctuation in the gap before this group (0: none)
};

// Digits at b follow a link that writes a number without its '+':
// "wa.me/46701234567", "api.whatsapp.com/send?phone=46701234567".
bool IntlLinkBefore(std::string_view s, size_t b) {
  if (b < 6 || (s[b - 1] != '/' && s[b - 1] != '=')) return false;
  return StartsWithNoCase(s, b - 6, "wa.me/") || StartsWithNoCase(s, b - 6, "phone=");
}

inline bool MayStartZero(char c) {
  c = Lower(c);
  return c == 'n' || c == 'z' || c == 'o';
}

// Is [b, e) a gap that may sit between two groups of one phone number?
// Sets *sep to its first punctuation char.
bool PhoneGap(std::string_view s, size_t b, size_t e, bool words, char* sep) {
  if (e - b > 24) return false;
  int punct = 0, spaces = 0, newlines = 0;
  *sep = 0;
  for (size_t i = b; i < e;) {
    unsigned char c = U(s[i]);
    if (c == ' ' || c == '\t') {
      ++spaces;
      ++i;
    } else if (c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '_' || c == '*' ||
               c == '|' || c == '~' || (c == ',' && words)) {
      if (*sep == 0) *sep = char(c);
      ++punct;
      ++i;
    } else if (c == '+') {
      return false;
    } else if (c == '\n' && newlines++ == 0) {
      ++spaces;  // "070\n123 45 67"
      ++i;
    } else if (c >= 0xC0) {
      // Multi-byte: a non-letter (space variant, dash, emoji, symbol).
      size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (c == 0xC3) return false;  // a Latin-1 letter
      i += n;
      ++spaces;
    } else {
      return false;  // newline, colon, letters' punctuation...
    }
  }
  return punct <= 3 && spaces <= 6;
}

bool DateShaped(const std::vector<PGroup>& g, size_t s, size_t e) {
  if (e - s == 2) {
    size_t a = g[s].digits.size(), b = g[s + 1].digits.size(), c = g[s + 2].digits.size();
    char s1 = g[s + 1].sep, s2 = g[s + 2].sep;
    bool seps = s1 != 0 && s1 == s2 && (s1 == '.' || s1 == '-' || s1 == '/');
    if (seps && ((a <= 2 && b <= 2 && c == 4) || (a == 4 && b <= 2 && c <= 2))) return true;
  }
  if (e - s == 1 && g[s].digits.size() == 6 && g[s + 1].digits.size() == 4 &&
      (g[s + 1].sep == '-' || g[s + 1].sep == '+')) {
    // A personnummer, YYMMDD-NNNN ("070101-1234").
    int mm = (g[s].digits[2] - '0') * 10 + (g[s].digits[3] - '0');
    if (mm >= 1 && mm <= 12) return true;
  }
  if (e - s == 3) {  // 08.00-20.00
    bool two = true;
    for (size_t k = s; k <= e; ++k) two = two && g[k].digits.size() == 2;
    if (two && g[s + 1].sep == '.' && g[s + 3].sep == '.' && g[s + 2].sep == '-') return true;
  }
  return false;
}

// The word before `b` names an id ("ID: 0701234567", "Annons-id",
// "Ref 0701234567"): the number is not a phone.
bool IdBefore(std::string_view text, size_t b) {
  size_t e = b;
  while (e > 0 &&
         (text[e - 1] == ' ' || text[e - 1] == ':' || text[e - 1] == '#' || text[e - 1] == '.')) {
    --e;
  }
  if (e < 2 || b - e > 4) return false;
  auto is = [&](std::string_view w) {
    return e >= w.size() && StartsWithNoCase(text, e - w.size(), w) &&
           (e == w.size() || !IsAsciiAlnum(text[e - w.size() - 1]));
  };
  return is("id") || is("ref") || is("annonsnr") || is("annonsnummer");
}

void EvaluateRun(std::string_view text, const std::vector<PGroup>& g, PhoneValidator* v,
                 std::vector<std::string>* out) {
  size_t total = 0;
  for (const PGroup& x : g) total += x.digits.size();
  if (total < 7) return;
  size_t s = 0;
  while (s < g.size()) {
    const PGroup& first = g[s];
    if ((!first.plus && first.digits[0] != '0') || IdBefore(text, first.begin)) {
      ++s;
      continue;
    }
    // Longest run of groups from s that makes a valid number.
    size_t len = 0, last = s;
    while (last < g.size() && len + g[last].digits.size() <= 15) len += g[last++].digits.size();
    bool found = false;
    std::string cand;
    for (size_t e = last; e > s; --e) {
      cand.clear();
      if (first.plus) cand.push_back('+');
      for (size_t k = s; k < e; ++k) cand += g[k].digits;
      if (cand.size() < 7) break;
      if (DateShaped(g, s, e - 1)) continue;
      std::string e164 = v->ToE164(cand);
      if (!e164.empty()) {
        AddUnique(out, std::move(e164));
        s = e;
        found = true;
        break;
      }
    }
    if (!found) ++s;
  }
}

void PhonesImpl(std::string_view s, const Tokens& toks, PhoneValidator* v,
                std::vector<std::string>* out) {
  thread_local std::vector<PGroup> run;  // scratch, keeps its room from text to text
  run.clear();
  size_t run_digits = 0;
  bool run_words = false;  // the run has a digit word (commas may then separate groups)
  auto flush = [&] {
    if (run_digits >= 7) EvaluateRun(s, run, v, out);
    run.clear();
    run_digits = 0;
    run_words = false;
  };
  const auto& all = toks.words;
  const auto& starts = toks.phones;  // the words that can start a run
  size_t si = 0;
  for (size_t wi = 0; wi < all.size(); ++wi) {
    if (run_digits == 0) {
      // Outside a run only a word with a digit or a zero word ("noll",
      // "zero", "oh", "O") can start one: go to the next such word.
      while (si < starts.size() && starts[si] < wi) ++si;
      if (si == starts.size()) break;
      wi = starts[si];
    }
    const Tok& t = all[wi];
    size_t b = t.b, e = t.e;
    PGroup gr;
    if (!t.has_digit) {
      if (run_digits == 0 &&
          !(MayStartZero(s[b]) &&
            (e - b <= 5 ||
             GluedZeroWord(reinterpret_cast<const unsigned char*>(s.data() + b), e - b)))) {
        continue;
      }
      if (e - b > 6) {
        // Digit words written together: "nollsjunoll", "ettsjufyra".
        std::string lw = LowerWord(s.substr(b, e - b));
        if ((run_digits == 0 &&
             !GluedZeroWord(reinterpret_cast<const unsigned char*>(lw.data()), lw.size())) ||
            !SplitDigitWords(lw, &gr.digits)) {
          flush();
          continue;
        }
        gr.word = true;
        gr.begin = b;
        gr.end = e;
        if (!run.empty()) {
          char sep = 0;
          if (!PhoneGap(s, run.back().end, b, true, &sep))
            flush();
          else
            gr.sep = sep;
        }
        run_digits += gr.digits.size();
        run_words = true;
        run.push_back(std::move(gr));
        continue;
      }
    }
    // Classify the word: a digit group ([0-9Oo] with a digit), a digit word,
    // or something that ends the run.
    bool has_digit = false, num = true;
    for (size_t k = b; k < e; ++k) {
      char d = s[k];
      if (IsDigit(d)) {
        has_digit = true;
      } else if (d != 'O' && d != 'o') {
        num = false;
        break;
      }
    }
    // All O's ("OO") inside an open run are zeros too: "O8-O71 28O OO".
    if (num && (has_digit || (run_digits > 0 && e - b >= 2))) {
      gr.digits.reserve(e - b);
      for (size_t k = b; k < e; ++k) gr.digits.push_back(IsDigit(s[k]) ? s[k] : '0');
    } else if (!has_digit && e - b <= 6 &&
               (run_digits > 0 ? true : MayStartZero(s[b]) && e - b <= 5)) {
      // A run of digit words must start with a zero ("noll", "zero", "oh"),
      // so a word outside a run is only looked up if it could be one.
      char lw[8];  // e - b <= 6 here
      int d = DigitWord(LowerInto(s.substr(b, e - b), lw));
      if (run_digits == 0 && d != 0) d = -1;
      if (d < 0) {
        flush();
        continue;
      }
      gr.digits.push_back(char('0' + d));
      gr.word = true;
    } else if (t.has_digit) {
      // Digits glued to letters: "ring0701234567nu", "tel0701234567".
      size_t db = b;
      while (db < e && !IsDigit(s[db])) ++db;
      size_t de = db;
      while (de < e && IsDigit(s[de])) ++de;
      bool letters = true;
      for (size_t k = b; k < e && letters; k = (k + 1 == db ? de : k + 1)) {
        if (k >= db && k < de) continue;
        letters = IsAsciiAlpha(s[k]) || U(s[k]) >= 0x80;
      }
      flush();
      if (de - db < 7 || !letters) continue;
      gr.digits.assign(s.substr(db, de - db));
      gr.begin = db;
      gr.end = de;
      run_digits = gr.digits.size();
      run.push_back(std::move(gr));
      if (de < e) flush();
      continue;
    } else {
      flush();
      continue;
    }
    gr.begin = b;
    gr.end = e;
    gr.plus = b > 0 && !gr.word && (s[b - 1] == '+' || IntlLinkBefore(s, b));
    if (!run.empty()) {
      char sep = 0;
      bool words = gr.word || run.back().word || run_words;
      if (gr.plus || !PhoneGap(s, run.back().end, b, words, &sep)) {
        flush();
      } else {
        gr.sep = sep;
      }
    }
    run_digits += gr.digits.size();
    run_words = run_words || gr.word;
    run.push_back(std::move(gr));
  }
  flush();
}

}  // namespace

void ExtractPhones(std::string_view s, PhoneValidator* v, std::vector<std::string>* out) {
  std::string norm;
  if (NormalizeDigits(s, &norm)) s = norm;
  Tokens t;
  Tokenize(s, &t);
  PhonesImpl(s, t, v, out);
}

// ----------------------------------------------------------------- emails

namespace {

inline bool LocalChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
inline bool LabelChar(char c) { return IsAsciiAlnum(c) || c == '-'; }

// Matches an obfuscated separator word at s[i] ("dot", "(dot)", "[dot]",
// "punkt") with the spaces around it; returns the end or npos.
size_t ObfuscatedDot(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && s[j] == ' ') ++j;
  bool spaced = j > i;
  static const std::string_view kBracketed[] = {"(dot)",   "[dot]", "{dot}", "(punkt)",
                                                "[punkt]", "(.)",   "[.]",   "{.}"};
  for (std::string_view w : kBracketed) {
    if (StartsWithNoCase(s, j, w)) {
      j += w.size();
      while (j < s.size() && s[j] == ' ') ++j;
      return j;
    }
  }
  if (!spaced) return std::string_view::npos;
  for (std::string_view w : {std::string_view("dot"), std::string_view("punkt")}) {
    if (StartsWithNoCase(s, j, w) && j + w.size() < s.size() && s[j + w.size()] == ' ') {
      j += w.size();
      while (j < s.size() && s[j] == ' ') ++j;
      return j;
    }
  }
  return std::string_view::npos;
}

// Parses a domain at s[i]; returns it lower case with '.' or "" if none.
std::string ParseDomain(std::string_view s, size_t i) {
  std::vector<std::string> labels;
  size_t j = i;
  for (;;) {
    size_t b = j;
    while (j < s.size() && LabelChar(s[j])) ++j;
    if (j == b) break;
    labels.push_back(LowerWord(s.substr(b, j - b)));
    if (j < s.size() && s[j] == '.' && j + 1 < s.size() && LabelChar(s[j + 1])) {
      ++j;
      continue;
    }
    size_t k = ObfuscatedDot(s, j);
    if (k != std::string_view::npos && k < s.size() && LabelChar(s[k])) {
      j = k;
      continue;
    }
    break;
  }
  // The top-level domain: letters only, 2..12; drop trailing labels that are
  // not ("gmail.com.Ring" cannot happen, but "x dot com 070" can).
  while (labels.size() >= 2) {
    const std::string& t = labels.back();
    bool ok = t.size() >= 2 && t.size() <= 12;
    for (char c : t) ok = ok && IsAsciiAlpha(c);
    if (ok) break;
    labels.pop_back();
  }
  if (labels.size() < 2) return "";
  std::string out;
  for (const std::string& l : labels) {
    if (!out.empty()) out.push_back('.');
    out += l;
  }
  return out;
}

std::string LocalBefore(std::string_view s, size_t end) {
  size_t b = end;
  while (b > 0 && LocalChar(s[b - 1])) --b;
  while (b < end && (s[b] == '.' || s[b] == '-')) ++b;
  return LowerWord(s.substr(b, end - b));
}

}  // namespace

namespace {

void EmailsImpl(std::string_view s, const Tokens& toks, std::vector<std::string>* out) {
  const size_t n = s.size();
  // Where an "@" may be: the '@' signs, the 't' of a word "at", the word
  // "snabel" (of "snabel-a").
  std::vector<uint32_t> cand(toks.ats.begin(), toks.ats.end());
  for (uint32_t wi : toks.ats_words) {
    const Tok& t = toks.words[wi];
    size_t len = t.e - t.b;
    if (len == 2 && Lower(s[t.b]) == 'a' && Lower(s[t.b + 1]) == 't') {
      cand.push_back(t.b + 1);
    } else if (len == 6 && Lower(s[t.b]) == 's' && StartsWithNoCase(s, t.b, "snabel")) {
      cand.push_back(t.b);
    }
  }
  if (cand.empty()) return;
  std::sort(cand.begin(), cand.end());
  size_t consumed = 0;
  for (uint32_t ci : cand) {
    size_t i = ci;
    if (i < consumed) continue;
    char c = s[i];
    size_t at_b = 0, at_e = 0;  // the "@" and its obfuscations: [at_b, at_e)
    if (c == '@') {
      at_b = i;
      at_e = i + 1;
    } else if ((c == 't' || c == 'T') && i >= 2 && (s[i - 1] == 'a' || s[i - 1] == 'A') &&
               i + 1 < n) {
      char open = s[i - 2], close = s[i + 1];
      bool ok = (open == '(' && close == ')') || (open == '[' && close == ']') ||
                (open == '{' && close == '}') || (open == ' ' && close == ' ');
      if (!ok) continue;
      at_b = i - 2;
      at_e = i + 2;
    } else if ((c == 's' || c == 'S') && StartsWithNoCase(s, i, "snabel-a") && WordStartAt(s, i)) {
      at_b = i;
      at_e = i + 8;
      if (at_b > 0 && (s[at_b - 1] == '(' || s[at_b - 1] == '[')) --at_b;
      if (at_e < n && (s[at_e] == ')' || s[at_e] == ']')) ++at_e;
    } else {
      continue;
    }
    size_t lb = at_b;
    while (lb > 0 && s[lb - 1] == ' ' && at_b - lb < 2) --lb;
    std::string local = LocalBefore(s, lb);
    if (local.empty()) continue;
    size_t db = at_e;
    while (db < n && s[db] == ' ' && db - at_e < 2) ++db;
    std::string domain = ParseDomain(s, db);
    if (domain.empty()) continue;
    AddUnique(out, local + "@" + domain);
    consumed = at_e;
  }
}

}  // namespace

void ExtractEmails(std::string_view s, std::vector<std::string>* out) {
  Tokens t;
  Tokenize(s, &t);
  EmailsImpl(s, t, out);
}

// ---------------------------------------------------------------- handles

namespace {

const HandlePlatform* FindHandleKey(std::string_view lw) {
  if (lw.size() < 2 || !kPlat.Length(lw.size())) return nullptr;
  for (const HandlePlatform& k : kPlatforms) {
    if (k.word.size() == lw.size() && k.word[0] == lw[0] && k.word == lw) return &k;
  }
  return nullptr;
}

// Does `name` have the shape platform `k` gives its names?
bool NameShape(const HandlePlatform& k, std::string_view name) {
  if (k.shape == 1) {
    if (name.size() != 8) return false;
    for (char c : name) {
      if (!IsAsciiAlnum(c)) return false;
    }
    return true;
  }
  if (k.shape == 2) {
    if (name.size() != 66 || name.substr(0, 2) != "05") return false;
    for (char c : name) {
      if (!IsDigit(c) && !((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) return false;
    }
    return true;
  }
  // Viber's name is the phone number (taken by the phone extractor).
  return k.kind != "viber";
}

bool StopWord(std::string_view lw) {
  static const std::string_view kStop[] = {
      "eller",      "och",         "or",     "and",      "me",           "mig",
      "mej",        "på",          "pa",     "i",        "för",          "finns",
      "också",      "only",        "nu",     "to",       "on",           "at",
      "with",       "med",         "är",     "ar",       "is",           "the",
      "du",         "jag",         "min",    "my",       "name",         "namn",
      "här",        "har",         "direkt", "also",     "kan",          "can",
      "if",         "om",          "så",     "till",     "via",          "add",
      "lägg",       "till",        "följ",   "follow",   "dm",           "msg",
      "sms",        "ring",        "call",   "just",     "bara",         "endast",
      "available",  "tillgänglig", "me:",    "username", "användarnamn", "message",
      "meddelande", "skicka",      "send",   "text",     "videosamtal",  "video",
      "samtal"};
  for (std::string_view w : kStop) {
    if (w == lw) return true;
  }
  return false;
}

inline bool NameChar(char c) { return IsAsciiAlnum(c) || c == '_' || c == '.' || c == '-'; }

// Reads a handle name at s[i]; "" if none. `max` is the longest name.
std::string ReadName(std::string_view s, size_t i, bool in_url = false, size_t max = 30) {
  size_t j = i;
  while (j < s.size() && NameChar(s[j])) ++j;
  while (j > i && (s[j - 1] == '.' || s[j - 1] == '-')) --j;
  if (j < s.size() && LetterAt(s, j) == 2) return "";  // runs into å/ä/ö: a word
  if (!in_url && j < s.size() && (s[j] == '/' || s[j] == '@')) return "";  // a URL, an email
  std::string_view name = s.substr(i, j - i);
  if (name.size() < 2 || name.size() > max) return "";
  // A name has a letter other than O/o (else it is a number: "O7O-174 06 05").
  bool letter = false;
  for (char c : name) letter = letter || (IsAsciiAlpha(c) && c != 'o' && c != 'O');
  if (!letter) return "";
  return LowerWord(name);
}

}  // namespace

namespace {

// Skips the separators between a platform word and a name at s[j]: spaces,
// ':', '=', '-', '–', '>', '|', an emoji, a filler word ("Wickr Me:",
// "Threema ID:") and an optional '@'. Sets *strong when one of them says a
// name follows (anything but spaces and emoji).
size_t SkipHandleSeparators(std::string_view s, size_t j, bool* strong) {
  const size_t n = s.size();
  int spaces = 0;
  bool filler_done = false;
  while (j < n) {
    char d = s[j];
    if (d == ' ' || d == '\t' || d == '\n') {
      ++spaces;
      ++j;
    } else if (d == ':' || d == '=' || d == '-' || d == '>' || d == '|') {
      *strong = true;
      ++j;
    } else if (U(d) == 0xE2 && j + 2 < n && U(s[j + 1]) == 0x80 &&
               (U(s[j + 2]) == 0x93 || U(s[j + 2]) == 0x94)) {
      *strong = true;
      j += 3;
    } else if (U(d) >= 0xF0 && j + 3 < n) {
      j += 4;  // an emoji: "Snap 👻 name"
      ++spaces;
    } else if (!filler_done && (Lower(d) == 'm' || Lower(d) == 'i') && j > 0 &&
               !IsAsciiAlnum(s[j - 1]) &&
               (StartsWithNoCase(s, j, "me:") || StartsWithNoCase(s, j, "me ") ||
                StartsWithNoCase(s, j, "id:") || StartsWithNoCase(s, j, "id "))) {
      filler_done = true;
      if (Lower(s[j]) == 'i') *strong = true;  // "Session ID 05…"
      j += 2;
    } else {
      break;
    }
    if (spaces > 3) break;
  }
  if (j < n && s[j] == '@') {
    *strong = true;
    ++j;
  }
  return j;
}

void HandlesImpl(std::string_view s, const Tokens& toks, std::vector<std::string>* out) {
  const size_t n = s.size();
  size_t last_key_end = std::string_view::npos;
  std::string_view last_kind;
  size_t consumed = 0;
  const auto& words = toks.words;
  const auto& keys = toks.keys;  // words that may be a platform word
  const auto& ats = toks.ats;
  size_t wi = 0, ai = 0;
  // Those words and '@' signs, in order.
  while (wi < keys.size() || ai < ats.size()) {
    size_t i;
    if (ai < ats.size() && (wi >= keys.size() || ats[ai] < words[keys[wi]].b)) {
      i = ats[ai++];
    } else {
      i = words[keys[wi++]].b;
    }
    if (i < consumed) continue;
    char c = s[i];
    if (c == '@') {
      // A bare "@name": kind from a platform named just before.
      bool bare = i == 0 || !LocalChar(s[i - 1]);
      if (bare && last_key_end != std::string_view::npos && i - last_key_end <= 40) {
        std::string name = ReadName(s, i + 1);
        if (!name.empty()) {
          AddUnique(out, std::string(last_kind) + ":" + name);
          last_key_end = std::string_view::npos;
        }
      }
      continue;
    }
    if (!kPlat.First(c)) continue;
    size_t e = i;
    while (e < n && IsAsciiAlpha(s[e])) ++e;
    const size_t len = e - i;
    // URL form t.me/name.
    if (len == 1) {
      if (Lower(c) == 't' && StartsWithNoCase(s, e, ".me/")) {
        size_t j = e + 4;
        std::string name = ReadName(s, j, true);
        if (!name.empty()) AddUnique(out, "telegram:" + name);
        consumed = j;
      }
      continue;
    }
    if (!kPlat.FirstAndLength(c, len)) continue;  // no platform word so long with this letter
    char lw[16];                                  // len <= kPlat.max_len < 16, ASCII letters only
    for (size_t k = 0; k < len; ++k) lw[k] = Lower(s[i + k]);
    const HandlePlatform* key = FindHandleKey(std::string_view(lw, len));
    if (key == nullptr) continue;
    size_t j = e;
    // URL forms: instagram.com/name, snapchat.com/add/name, kik.me/name,
    // telegram.me/name.
    bool com = j < n && s[j] == '.' && StartsWithNoCase(s, j, ".com/");
    if (com || (j < n && s[j] == '.' && StartsWithNoCase(s, j, ".me/") && !key->weak)) {
      if (key->kind == "whatsapp") continue;  // wa.me/46…, whatsapp.com/send?phone=: a phone
      j += com ? 5 : 4;
      if (StartsWithNoCase(s, j, "add/")) j += 4;
      if (j < n && s[j] == '@') ++j;
      std::string name = ReadName(s, j, true);
      if (!name.empty() && NameShape(*key, name))
        AddUnique(out, std::string(key->kind) + ":" + name);
      consumed = j;
      continue;
    }
    last_key_end = e;
    last_kind = key->kind;
    bool strong = false;
    j = SkipHandleSeparators(s, j, &strong);
    if (j >= n || (!strong && (key->weak || j == e))) continue;
    if (!IsAsciiAlnum(s[j]) && s[j] != '_') continue;
    std::string name = ReadName(s, j, false, key->shape == 2 ? 66 : 30);
    if (name.empty() || StopWord(name) || FindHandleKey(name) != nullptr) continue;
    if (StartsWithNoCase(s, j + name.size(), "://")) continue;  // "WhatsApp: https://…"
    if (!NameShape(*key, name)) continue;
    if (!strong && NumberWord(name) >= 0) continue;
    AddUnique(out, std::string(key->kind) + ":" + name);
    last_key_end = std::string_view::npos;
    consumed = j + name.size();
  }
  // "👻 name", "👻: name": Snapchat's ghost for the word.
  static constexpr std::string_view kGhost = "\xF0\x9F\x91\xBB";
  for (size_t g = FindSeq(s, kGhost); g != std::string_view::npos; g = FindSeq(s, kGhost, g + 4)) {
    size_t j = g + kGhost.size();
    while (j < n && (s[j] == ' ' || s[j] == ':' || s[j] == '-')) ++j;
    if (j < n && s[j] == '@') ++j;
    if (j >= n || !(IsAsciiAlnum(s[j]) || s[j] == '_')) continue;
    std::string name = ReadName(s, j);
    if (name.empty() || StopWord(name) || FindHandleKey(name) != nullptr) continue;
    AddUnique(out, "snap:" + name);
  }
}

}  // namespace

void ExtractHandles(std::string_view s, std::vector<std::string>* out) {
  std::string norm;
  if (NormalizeDigits(s, &norm)) s = norm;
  Tokens t;
  Tokenize(s, &t);
  HandlesImpl(s, t, out);
}

// ------------------------------------------------------------------- ages

namespace {

// The word (lower case) that ends just before position `end`, skipping
// spaces and the separators in `skip`.
std::string WordBefore(std::string_view s, size_t end, std::string_view skip = " ") {
  size_t e = end;
  while (e > 0 && (skip.find(s[e - 1]) != std::string_view::npos || U(s[e - 1]) == 0xA0)) {
    if (U(s[e - 1]) == 0xA0 && e >= 2 && U(s[e - 2]) == 0xC2) --e;
    --e;
  }
  size_t b = e;
  while (b > 0) {
    if (IsAsciiAlnum(s[b - 1])) {
      --b;
    } else if (b >= 2 && U(s[b - 2]) == 0xC3 && U(s[b - 1]) >= 0x80 && U(s[b - 1]) <= 0xBF) {
      b -= 2;
    } else {
      break;
    }
  }
  if (e - b > 20) return "";
  return LowerWord(s.substr(b, e - b));
}

// Is s[i..] an age unit ("år", "yo", "y/o", "years", "åring")? Returns the
// end of the unit or npos. A unit that means a duration ("års erfarenhet",
// "år sedan") is not one.
size_t AgeUnit(std::string_view s, size_t i) {
  const size_t n = s.size();
  auto word_end = [&](size_t k) { return k >= n || LetterAt(s, k) == 0; };
  if (i + 1 < n && U(s[i]) == 0xC3 && (U(s[i + 1]) == 0xA5 || U(s[i + 1]) == 0x85)) {
    size_t k = i + 2;
    if (k < n && Lower(s[k]) == 'r') {
      ++k;
      if (word_end(k)) {
        // "år sedan", "år sen", "år ago": a time ago, not an age.
        size_t m = k;
        while (m < n && s[m] == ' ') ++m;
        if (StartsWithNoCase(s, m, "sedan") ||
            (StartsWithNoCase(s, m, "sen") && (m + 3 >= n || !IsAsciiAlpha(s[m + 3]))) ||
            StartsWithNoCase(s, m, "tillbaka")) {
          return std::string_view::npos;
        }
        return k;
      }
      if (StartsWithNoCase(s, k, "ing") || StartsWithNoCase(s, k, "ig")) return WordEnd(s, k);
    }
    return std::string_view::npos;
  }
  if (StartsWithNoCase(s, i, "yo") && word_end(i + 2)) return i + 2;
  if (StartsWithNoCase(s, i, "y/o")) return i + 3;
  if (StartsWithNoCase(s, i, "y.o")) return i + 3;
  if (StartsWithNoCase(s, i, "yrs") && word_end(i + 3)) return i + 3;
  if (StartsWithNoCase(s, i, "years") && word_end(i + 5)) {
    size_t m = i + 5;
    while (m < n && s[m] == ' ') ++m;
    if (StartsWithNoCase(s, m, "ago") || StartsWithNoCase(s, m, "of ") ||
        StartsWithNoCase(s, m, "experience")) {
      return std::string_view::npos;
    }
    return i + 5;
  }
  if (StartsWithNoCase(s, i, "year") && word_end(i + 4)) {
    size_t m = i + 4;
    if (m < n && (s[m] == ' ' || s[m] == '-')) ++m;
    if (StartsWithNoCase(s, m, "old")) return i + 4;
  }
  return std::string_view::npos;
}

// A word before a number that makes "N år" a duration or a rule, not an age.
bool DurationWord(std::string_view lw) {
  static const std::string_view kWords[] = {
      "i",     "in",   "for",   "för",  "sedan", "sen",         "efter", "after", "på",
      "varit", "över", "under", "over", "minst", "least",       "vara",  "be",    "än",
      "than",  "from", "från",  "mer",  "more",  "plus",        "alla",  "all",   "ingen",
      "no",    "inga", "not",   "ej",   "inte",  "åldersgräns", "gräns", "limit"};
  for (std::string_view w : kWords) {
    if (w == lw) return true;
  }
  return false;
}

bool PlausibleAge(int a) { return a >= 12 && a <= 99; }

// Classifieds state the age of things too: "Gammal byrå, 19 år", "Byrån är
// 19 år gammal", "bilen är 12 år", "ett 10 år gammalt bord". True if the
// number at [b, unit_end) is the age of a thing: the unit is followed by
// "gammalt" (neuter: a thing), or one of the two words before it (skipping
// "är"/"is") names a thing.
bool ObjectAge(std::string_view s, size_t b, size_t unit_end) {
  static const std::string_view kThings[] = {
      "byrå", "byrån", "soffa", "soffan", "bil", "bilen", "cykel", "cykeln", "bord", "bordet",
      "stol", "stolen", "säng", "sängen", "hylla", "hyllan", "bokhylla", "bokhyllan", "skrivbord",
      "skrivbordet", "lampa", "lampan", "dator", "datorn", "tv", "tv:n", "telefon", "telefonen",
      "mobil", "mobilen", "hus", "huset", "lägenhet", "lägenheten", "båt", "båten", "moped",
      "mopeden", "matta", "mattan", "fåtölj", "fåtöljen", "massagestol", "garderob", "garderoben",
      "möbel", "möbeln", "möbler", "möblerna", "bänk", "bänken", "skåp", "skåpet", "kyl", "kylen",
      "spis", "spisen", "barnvagn", "barnvagnen", "car", "bike", "table", "chair", "sofa",
      "dresser", "bed", "house",
      // Other people: "min son är 17 år".
      "dotter", "dottern", "son", "sonen", "syster", "systern", "lillasyster", "storasyster",
      "bror", "brodern", "lillebror", "storebror", "barn", "barnet", "kusin", "daughter", "sister",
      "brother", "kid", "child", "cousin"};
  size_t k = unit_end;
  while (k < s.size() && s[k] == ' ') ++k;
  if (StartsWithNoCase(s, k, "gammalt") || StartsWithNoCase(s, k, "gamla")) return true;
  size_t end = b;
  for (int words = 0; words < 2; ++words) {
    std::string w = WordBefore(s, end, " ,");
    if (w.empty()) return false;
    for (std::string_view t : kThings) {
      if (w == t) return true;
    }
    // Step back over this word (and the separators before it).
    size_t e = end;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == ',')) --e;
    end = e >= w.size() ? e - w.size() : 0;
    if (w != "är" && w != "is" && w != "var" && w != "was") return false;
  }
  return false;
}

}  // namespace

namespace {

// The text before `b`, lower case (ASCII and Å Ä Ö É), line breaks and tabs
// as spaces, runs of spaces as one, trailing spaces dropped: at most the
// last 40 bytes, written into buf (>= 48 bytes). For phrase tests before a
// number ("jag är", "snart", "född i mars").
std::string_view Before(std::string_view s, size_t b, char* buf) {
  size_t from = b > 40 ? b - 40 : 0;
  size_t n = 0;
  for (size_t i = from; i < b; ++i) {
    char c = s[i];
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && (n == 0 || buf[n - 1] == ' ')) continue;
    if (U(c) == 0xC3 && i + 1 < b) {
      unsigned char d = U(s[i + 1]);
      buf[n++] = c;
      buf[n++] = (d >= 0x80 && d <= 0x9E && d != 0x97) ? char(d + 0x20) : s[i + 1];
      ++i;
      continue;
    }
    buf[n++] = Lower(c);
  }
  while (n > 0 && buf[n - 1] == ' ') --n;
  return std::string_view(buf, n);
}

// `ctx` ends with the word or phrase `w` (a word boundary before it).
bool EndsWithWord(std::string_view ctx, std::string_view w) {
  if (ctx.size() < w.size() || ctx.substr(ctx.size() - w.size()) != w) return false;
  size_t k = ctx.size() - w.size();
  if (k == 0) return true;
  char p = ctx[k - 1];
  if (IsAsciiAlnum(p)) return false;
  if (k >= 2 && U(ctx[k - 2]) == 0xC3) return false;
  return true;
}

// `ctx` without its last word (and the space before it).
std::string_view DropWord(std::string_view ctx) {
  size_t k = ctx.size();
  while (k > 0 && ctx[k - 1] != ' ') --k;
  while (k > 0 && ctx[k - 1] == ' ') --k;
  return ctx.substr(0, k);
}

bool EndsWithAny(std::string_view ctx, std::initializer_list<std::string_view> ws) {
  for (std::string_view w : ws) {
    if (EndsWithWord(ctx, w)) return true;
  }
  return false;
}

// What the words before a number say about it.
enum class AgeCue {
  kNone,
  kSelf,    // "jag är 19", "I'm 19": an age without a unit
  kSoon,    // "snart 18", "fyller 18", "turning 18": one year less
  kJust,    // "nybliven 18", "nyss fyllt 18", "just turned 18"
  kNotYet,  // "inte 18 än", "jag är under 18": under 18, no age
};

// A cheap first test for CueBefore: the word just before `b` (over spaces)
// is the last word of some cue. Returns 0 if not, 1 for the last word of
// "jag är", "I'm", "jag är typ" (a number with an age unit is an age
// anyway), 2 for "snart", "nyss fyllt", "inte" (they change the age).
struct CueLast {
  std::string_view word;
  int kind;
};
constexpr CueLast kCueLast[] = {
    {"är", 1},     {"e", 1},      {"ä", 1},     {"am", 1},       {"m", 1},        {"im", 1},
    {"is", 1},     {"typ", 1},    {"bara", 1},  {"nu", 1},       {"alltså", 1},   {"only", 1},
    {"just", 1},   {"like", 1},   {"snart", 2}, {"nästan", 2},   {"almost", 2},   {"turning", 2},
    {"fyller", 2}, {"fylla", 2},  {"turn", 2},  {"nybliven", 2}, {"nyblivna", 2}, {"nyblivet", 2},
    {"fyllde", 2}, {"turned", 2}, {"newly", 2}, {"fyllt", 2},    {"inte", 2},     {"not", 2},
    {"under", 2}};
// Per first byte (lower case, or the lead byte C3): bit n set iff a word of
// kCueLast starts so and has n bytes. Most words before a number fail here.
struct CueIndex {
  uint16_t lengths[256] = {};
  constexpr CueIndex() {
    for (const CueLast& k : kCueLast) {
      lengths[static_cast<unsigned char>(k.word[0])] |= uint16_t(1u << k.word.size());
    }
  }
};
constexpr CueIndex kCueIndex;

int MayCueBefore(std::string_view s, size_t b) {
  size_t e = b;
  int gap = 0;
  while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\n') && gap < 3) --e, ++gap;
  if (gap == 0) return 0;
  size_t w = e;
  while (w > 0 && e - w <= 9 && (IsAsciiAlpha(s[w - 1]) || U(s[w - 1]) >= 0x80)) --w;
  size_t len = e - w;
  if (len == 0 || len > 9) return 0;
  // LowerInto keeps a C3 lead byte and lower-cases an ASCII one: the same
  // first byte as Lower(s[w]).
  if (((kCueIndex.lengths[U(Lower(s[w]))] >> len) & 1) == 0) return 0;
  char buf[10];
  std::string_view lw = LowerInto(s.substr(w, len), buf);
  for (const CueLast& k : kCueLast) {
    if (k.word.size() != lw.size() || k.word[0] != lw[0]) continue;
    bool same = true;
    for (size_t i = 1; i < lw.size() && same; ++i) same = k.word[i] == lw[i];
    if (same) return k.kind;
  }
  return 0;
}

AgeCue CueBefore(std::string_view ctx) {
  // Fillers between "jag är" and the number: "jag är typ 20".
  std::string_view core = ctx;
  if (EndsWithAny(core, {"typ", "bara", "nu", "alltså", "only", "just", "like"})) {
    std::string_view d = DropWord(core);
    if (EndsWithAny(d, {"är", "e", "ä", "am", "i'm", "i\xE2\x80\x99m", "im"})) core = d;
  }
  if (EndsWithAny(core, {"jag är", "ja är", "jag e", "ja e", "jag ä", "och är", "o är", "i'm",
                         "i\xE2\x80\x99m", "im", "i am", "ålder är", "age is"})) {
    return AgeCue::kSelf;
  }
  if (EndsWithAny(ctx, {"snart", "nästan", "almost", "turning", "fyller", "will turn", "ska fylla",
                        "fyller snart"})) {
    return AgeCue::kSoon;
  }
  if (EndsWithAny(ctx, {"nybliven", "nyblivna", "nyblivet", "fyllde", "just turned",
                        "recently turned", "newly"})) {
    return AgeCue::kJust;
  }
  if (EndsWithWord(ctx, "fyllt")) {
    std::string_view d = DropWord(ctx);
    if (EndsWithAny(d, {"nyss", "precis", "har", "just", "har nyss", "har precis"})) {
      return AgeCue::kJust;
    }
    if (EndsWithAny(d, {"inte", "ej"})) return AgeCue::kNotYet;
    return AgeCue::kNone;
  }
  if (EndsWithAny(ctx, {"inte", "not", "jag är under", "i'm under", "im under", "i am under",
                        "är inte", "am not"})) {
    return AgeCue::kNotYet;
  }
  return AgeCue::kNone;
}

// Words after a number or an age unit that make it not an age: "17 år i
// branschen", "18 år och äldre", "60 kg".
bool NotAgeAfter(std::string_view s, size_t k, bool unit) {
  const size_t n = s.size();
  while (k < n && (s[k] == ' ' || s[k] == '\n')) ++k;
  if (k >= n) return false;
  if (!unit && (s[k] == '+' || s[k] == '%' || s[k] == '/')) return true;
  const char f = Lower(s[k]);
  if (unit && f != 'i' && f != 'e' && f != 'o' && f != 'a' && f != '+') return false;
  static const std::string_view kAfterUnit[] = {
      "i branschen", "i yrket",   "i branchen", "in the business", "in the industry", "erfarenhet",
      "experience",  "och äldre", "och uppåt",  "eller äldre",     "or older",        "and older",
      "and up",      "+"};
  for (std::string_view w : kAfterUnit) {
    if (StartsWithNoCase(s, k, w)) return true;
  }
  if (unit) return false;
  static const std::string_view kUnits[] = {
      "cm",     "kg",      "kr",    "min",     "mm",  "km",    "m",        "st",
      "kilo",   "liter",   "l",     "euro",    "eur", "sek",   "procent",  "timmar",
      "timme",  "tim",     "h",     "minuter", "mil", "meter", "sekunder", "dagar",
      "veckor", "månader", "hours", "minutes", "lbs", "kilos", "dollar",   "usd"};
  size_t e = k;
  while (e < n && (IsAsciiAlpha(s[e]) || (U(s[e]) == 0xC3 && e + 1 < n)))
    e += U(s[e]) == 0xC3 ? 2 : 1;
  if (e == k) return false;
  std::string w = LowerWord(s.substr(k, e - k));
  for (std::string_view u : kUnits) {
    if (w == u) return true;
  }
  return false;
}

// A month name (Swedish or English, full or short), 1..12, or 0.
int MonthWord(std::string_view w) {
  static const std::pair<std::string_view, int> kMonths[] = {
      {"januari", 1},  {"january", 1},   {"jan", 1},       {"februari", 2}, {"february", 2},
      {"feb", 2},      {"mars", 3},      {"march", 3},     {"mar", 3},      {"april", 4},
      {"apr", 4},      {"maj", 5},       {"may", 5},       {"juni", 6},     {"june", 6},
      {"jun", 6},      {"juli", 7},      {"july", 7},      {"jul", 7},      {"augusti", 8},
      {"august", 8},   {"aug", 8},       {"september", 9}, {"sept", 9},     {"sep", 9},
      {"oktober", 10}, {"october", 10},  {"okt", 10},      {"oct", 10},     {"november", 11},
      {"nov", 11},     {"december", 12}, {"dec", 12}};
  for (const auto& [m, v] : kMonths) {
    if (m == w) return v;
  }
  return 0;
}

// `ctx` (Before() of a year) says "born": "född", "född -", "f.", "born
// in", "född i mars", "född mars". Sets *month when one is named.
bool BornBefore(std::string_view ctx, int* month) {
  *month = 0;
  while (!ctx.empty() && (ctx.back() == '-' || ctx.back() == '\'' || ctx.back() == ' ')) {
    ctx.remove_suffix(1);
  }
  size_t k = ctx.size();
  while (k > 0 && IsAsciiAlpha(ctx[k - 1])) --k;
  if (k < ctx.size()) {
    if (int m = MonthWord(ctx.substr(k)); m > 0) {
      *month = m;
      ctx = DropWord(ctx);
      if (EndsWithAny(ctx, {"i", "in"})) ctx = DropWord(ctx);
    }
  }
  return EndsWithAny(ctx,
                     {"född", "fodd", "född år", "born", "born in", "f.", "f", "b.", "årgång"});
}

// A cheap first test for BornBefore: the word before `b` (over spaces, '-',
// '\'' and '.') is "född", "born", "in", "f", "b", "årgång", "år" or a month.
bool MayBornBefore(std::string_view s, size_t b) {
  size_t e = b;
  while (e > 0 && b - e < 3 &&
         (s[e - 1] == ' ' || s[e - 1] == '-' || s[e - 1] == '\'' || s[e - 1] == '.' ||
          s[e - 1] == '\n')) {
    --e;
  }
  if (e == b) return false;
  size_t w = e;
  while (w > 0 && e - w <= 9 && (IsAsciiAlpha(s[w - 1]) || U(s[w - 1]) >= 0x80)) --w;
  size_t len = e - w;
  if (len == 0 || len > 9) return false;
  char buf[10];
  std::string_view lw = LowerInto(s.substr(w, len), buf);
  switch (lw[0]) {
    case 'f':
      return lw == "f" || lw == "född" || lw == "fodd" || lw == "feb" || lw == "februari";
    case 'b':
      return lw == "b" || lw == "born";
    case 'i':
      return lw == "in";  // "born in 2008"
    case '\xC3':
      return lw == "år" || lw == "årgång";
    default:
      return MonthWord(lw) > 0;
  }
}

// The age of someone born in `year` (and `month`, 0: unknown) on `ref`.
int AgeFromBirth(int year, int month, RefDate ref) {
  int age = ref.year - year;
  if (month > 0 && ref.month > 0 && ref.month < month) --age;
  return age;
}

void AgesImpl(std::string_view s, const Tokens& toks, RefDate ref, std::vector<int>* out,
              bool* minor) {
  const size_t n = s.size();
  size_t consumed = 0;
  char ctx_buf[48];
  for (uint32_t wi : toks.ages) {
    const Tok& t = toks.words[wi];
    size_t i = t.b;
    if (i < consumed) continue;
    char c = s[i];
    if (IsDigit(c)) {
      size_t b = i;
      size_t e = b;
      while (e < n && IsDigit(s[e])) ++e;
      i = e;
      // Part of a larger number, a time, a fraction, a phone: "1.500",
      // "24/7", "19:00", "070-...".
      bool glued_before = b > 0 && (IsAsciiAlpha(s[b - 1]) || (b >= 2 && IsDigit(s[b - 2]) &&
                                                               kNumberGlueBefore.Has(s[b - 1])));
      bool glued_after =
          e < n && ((e + 1 < n && IsDigit(s[e + 1]) && kNumberGlueAfter.Has(s[e])) || s[e] == '%');
      if (glued_before || glued_after) continue;
      size_t nd = e - b;
      if (nd != 2 && nd != 4 && nd != 1) continue;
      // Birth years: "född 2006", "född -07", "07:a", "2007:a", "född i mars 2008".
      bool year_a = e + 1 < n && (s[e] == ':' || s[e] == '\'') && Lower(s[e + 1]) == 'a' &&
                    (e + 2 >= n || LetterAt(s, e + 2) == 0);
      if (nd == 4 || (nd == 2 && ref.year > 0)) {
        int y = 0;
        for (size_t k = b; k < e; ++k) y = y * 10 + (s[k] - '0');
        if (nd == 2) y += (2000 + y <= ref.year) ? 2000 : 1900;
        int month = 0;
        // Cheap tests first: a year of birth is 10..80 years back; a
        // two-digit one follows '-' or '\'' ("född -07") or "född"/"f."/"born".
        bool may = ref.year == 0 || (y >= ref.year - 80 && y <= ref.year - 10);
        if (may && nd == 2 && b > 0 && s[b - 1] != '-' && s[b - 1] != '\'') {
          size_t p = b;
          while (p > 0 && s[p - 1] == ' ') --p;
          may = p < b && ((p >= 5 && StartsWithNoCase(s, p - 5, "född")) ||
                          (p >= 4 && (StartsWithNoCase(s, p - 4, "fodd") ||
                                      StartsWithNoCase(s, p - 4, "born"))) ||
                          (p >= 2 && StartsWithNoCase(s, p - 2, "f.")));
        }
        bool born =
            year_a || (may && MayBornBefore(s, b) && BornBefore(Before(s, b, ctx_buf), &month));
        if (born) {
          if (ref.year > 0) {
            int age = AgeFromBirth(y, month, ref);
            if (PlausibleAge(age) && age < 80) AddUnique(out, age);
          }
          continue;
        }
        if (nd == 4) continue;
      }
      int v = (nd == 1) ? s[b] - '0' : (s[b] - '0') * 10 + (s[b + 1] - '0');
      if (!PlausibleAge(v) || s[b] == '0') continue;
      // "Anna (19)".
      if (b > 0 && s[b - 1] == '(' && e < n && s[e] == ')') {
        size_t p = b - 1;
        while (p > 0 && s[p - 1] == ' ') --p;
        if (p > 0 &&
            (LetterAt(s, p - 1) || (p >= 2 && LetterAt(s, p - 2) == 2) || s[p - 1] == ',')) {
          AddUnique(out, v);
          continue;
        }
      }
      // "19 år", "19år", "19-åring", "19yo", "19 y/o", "19 years", "19\når",
      // "19🌸år".
      size_t k = e;
      if (k < n && (s[k] == ' ' || s[k] == '-' || s[k] == '\n'))
        ++k;
      else if (k + 1 < n && U(s[k]) == 0xC2 && U(s[k + 1]) == 0xA0)
        k += 2;
      else if (k + 3 < n && U(s[k]) >= 0xF0) {
        k += 4;
        if (k < n && s[k] == ' ') ++k;
      }
      size_t ue = std::string_view::npos;
      if (k < n && (U(s[k]) == 0xC3 || Lower(s[k]) == 'y')) ue = AgeUnit(s, k);
      // What the words before say: "snart 18", "jag är 16", "inte 18 än"
      // (with a unit, only the words that change the age are looked at).
      AgeCue cue = AgeCue::kNone;
      int may = MayCueBefore(s, b);
      if (may == 2 || (may == 1 && ue == std::string_view::npos)) {
        cue = CueBefore(Before(s, b, ctx_buf));
      }
      if (cue == AgeCue::kNotYet) {
        if (v == 18 && minor != nullptr) *minor = true;
        continue;
      }
      const int age = cue == AgeCue::kSoon ? v - 1 : v;
      if (ue != std::string_view::npos) {
        if (!DurationWord(WordBefore(s, b)) && !ObjectAge(s, b, ue) && !NotAgeAfter(s, ue, true)) {
          AddUnique(out, age);
        }
        continue;
      }
      if (cue != AgeCue::kNone) {
        if (!NotAgeAfter(s, e, false)) AddUnique(out, age);
        continue;
      }
      // "ålder: 19", "age 19", "Ålder 19", "min ålder är 22" (cheap test on
      // the last letter first).
      size_t p = b;
      while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == ':' || s[p - 1] == '=' || s[p - 1] == '-' ||
                       s[p - 1] == '\n')) {
        --p;
      }
      if (p > 0 && p < b) {
        char l = Lower(s[p - 1]);
        if (l == 'r' || l == 'e' || l == 'n' || l == 'd') {
          std::string before = WordBefore(s, b, " :=-\n");
          if (before == "ålder" || before == "alder" || before == "age" || before == "åldern" ||
              before == "aged") {
            AddUnique(out, v);
          }
        }
      }
      continue;
    }
    // Words: written-out numbers before an age unit ("nitton år",
    // "tjugo två år", "twenty-two years old"), or after "jag är", "snart".
    size_t b = i;
    size_t e = t.e;
    if (e - b < 3 || e - b > 16) continue;
    char f = Lower(s[b]);
    if (f != 'a' && f != 'e' && f != 'f' && f != 'n' && f != 's' && f != 't' && U(s[b]) != 0xC3) {
      continue;
    }
    // Cheap test first: a unit ("år", "y…") or a second word must follow,
    // or a word that may be a cue ("är", "am", "snart") come before.
    bool unit_or_tens = false;
    {
      size_t k = e;
      if (k < n && (s[k] == ' ' || s[k] == '-')) ++k;
      if (k < n) {
        char u = s[k];
        unit_or_tens =
            U(u) == 0xC3 || u == 'y' || u == 'Y' || ((f == 't' || f == 'f') && LetterAt(s, k) != 0);
      }
    }
    // Without a unit, only after "är", "e", "am", "I'm" ("jag är nitton",
    // "I'm nineteen"): a cheap byte test first.
    if (!unit_or_tens) {
      bool after_self = b >= 3 && (s[b - 1] == ' ' || s[b - 1] == '\n') &&
                        ((U(s[b - 3]) == 0xA4 && Lower(s[b - 2]) == 'r') ||
                         Lower(s[b - 2]) == 'm' || (Lower(s[b - 2]) == 'e' && s[b - 3] == ' '));
      if (!after_self) continue;
    }
    if (!WordStartAt(s, b)) continue;
    char lw_buf[16];  // e - b <= 16
    int v = NumberWord(LowerInto(s.substr(b, e - b), lw_buf));
    if (v < 0) continue;
    const bool cue_maybe = MayCueBefore(s, b) != 0;
    if (!unit_or_tens && !cue_maybe) continue;
    size_t k = e;
    // "tjugo två", "twenty-two".
    if (v >= 20 && v % 10 == 0 && k < n && (s[k] == ' ' || s[k] == '-')) {
      size_t b2 = k + 1;
      size_t e2 = WordEnd(s, b2);
      if (e2 > b2) {
        int u = NumberWord(LowerWord(s.substr(b2, e2 - b2)));
        if (u > 0 && u < 10) {
          v += u;
          k = e2;
        }
      }
    }
    if (!PlausibleAge(v)) continue;
    AgeCue cue = cue_maybe ? CueBefore(Before(s, b, ctx_buf)) : AgeCue::kNone;
    if (cue == AgeCue::kNotYet) {
      if (v == 18 && minor != nullptr) *minor = true;
      continue;
    }
    const int age = cue == AgeCue::kSoon ? v - 1 : v;
    size_t end = k;
    if (k < n && (s[k] == ' ' || s[k] == '-')) ++k;
    size_t ue = AgeUnit(s, k);
    if (ue != std::string_view::npos) {
      if (!DurationWord(WordBefore(s, b)) && !NotAgeAfter(s, ue, true)) {
        AddUnique(out, age);
        consumed = k;
      }
    } else if (cue != AgeCue::kNone && !NotAgeAfter(s, end, false)) {
      AddUnique(out, age);
      consumed = end;
    }
  }
}

}  // namespace

void ExtractAges(std::string_view s, RefDate ref, std::vector<int>* out, bool* minor) {
  std::string norm;
  if (NormalizeDigits(s, &norm)) s = norm;
  Tokens t;
  Tokenize(s, &t);
  AgesImpl(s, t, ref, out, minor);
}

void ExtractAges(std::string_view s, int ref_year, std::vector<int>* out) {
  ExtractAges(s, RefDate{ref_year, 0}, out, nullptr);
}

// ----------------------------------------------------------------- prices

namespace {

// A currency at s[i]: returns its code and sets *end, or "".
std::string_view CurrencyAt(std::string_view s, size_t i, size_t* end) {
  const size_t n = s.size();
  auto word_end = [&](size_t k) { return k >= n || (!IsAsciiAlnum(s[k]) && LetterAt(s, k) == 0); };
  if (StartsWithNoCase(s, i, "kronor") && word_end(i + 6)) return *end = i + 6, "SEK";
  if (StartsWithNoCase(s, i, "kr") && (word_end(i + 2) || s[i + 2] == '.')) {
    *end = i + 2 + (i + 2 < n && s[i + 2] == '.' ? 1 : 0);
    return "SEK";
  }
  if (StartsWithNoCase(s, i, "sek") && word_end(i + 3)) return *end = i + 3, "SEK";
  if (StartsWithNoCase(s, i, ":-") || StartsWithNoCase(s, i, ",-")) return *end = i + 2, "SEK";
  if (StartsWithNoCase(s, i, "\xE2\x82\xAC")) return *end = i + 3, "EUR";  // €
  if (StartsWithNoCase(s, i, "euro") && word_end(i + 4)) return *end = i + 4, "EUR";
  if (StartsWithNoCase(s, i, "euros") && word_end(i + 5)) return *end = i + 5, "EUR";
  if (StartsWithNoCase(s, i, "eur") && word_end(i + 3)) return *end = i + 3, "EUR";
  if (StartsWithNoCase(s, i, "$")) return *end = i + 1, "USD";
  if (StartsWithNoCase(s, i, "usd") && word_end(i + 3)) return *end = i + 3, "USD";
  if (StartsWithNoCase(s, i, "nok") && word_end(i + 3)) return *end = i + 3, "NOK";
  if (StartsWithNoCase(s, i, "dkk") && word_end(i + 3)) return *end = i + 3, "DKK";
  return "";
}

// A unit after a price ("/h", "/tim", " per timme", "/30 min", "/natt").
std::string UnitAt(std::string_view s, size_t i) {
  const size_t n = s.size();
  size_t j = i;
  while (j < n && s[j] == ' ') ++j;
  if (j < n && s[j] == '/') {
    ++j;
  } else if (StartsWithNoCase(s, j, "per ")) {
    j += 4;
  } else if (StartsWithNoCase(s, j, "för ")) {
    j += 5;  // "för" is 4 bytes + space
  } else if (StartsWithNoCase(s, j, "for ")) {
    j += 4;
  } else if (StartsWithNoCase(s, j, "i timmen") || StartsWithNoCase(s, j, "i timme")) {
    return "h";
  } else {
    return "";
  }
  while (j < n && s[j] == ' ') ++j;
  int num = 0;
  size_t d = j;
  while (j < n && IsDigit(s[j]) && j - d < 3) num = num * 10 + (s[j++] - '0');
  bool has_num = j > d;
  while (j < n && s[j] == ' ') ++j;
  auto word = [&](std::string_view w) {
    return StartsWithNoCase(s, j, w) && (j + w.size() >= n || LetterAt(s, j + w.size()) == 0);
  };
  if (word("halvtimme") || word("halvtimmen") || word("halvtimma")) return "30min";
  if (word("min") || word("minuter") || word("mins") || word("minutes")) {
    return has_num && num > 0 ? std::to_string(num) + "min" : "";
  }
  if (word("h") || word("tim") || word("timme") || word("timmen") || word("timma") ||
      word("hour") || word("hr") || word("t")) {
    if (!has_num || num == 1) return "h";
    return num > 0 ? std::to_string(num) + "h" : "";
  }
  if (word("natt") || word("natten") || word("night")) return "night";
  return "";
}

}  // namespace

namespace {

void PricesImpl(std::string_view s, const Tokens& toks, std::vector<std::string>* out) {
  const size_t n = s.size();
  size_t consumed = 0;
  for (uint32_t wi : toks.digits) {
    const Tok& t = toks.words[wi];
    if (!t.digit_first || t.b < consumed) continue;
    size_t i = t.b;
    size_t b = i;
    std::string_view prefix_cur;
    if (b > 0) {
      size_t p = b;
      if (s[p - 1] == ' ') --p;
      if (p >= 1 && s[p - 1] == '$')
        prefix_cur = "USD";
      else if (p >= 3 && s.substr(p - 3, 3) == "\xE2\x82\xAC")
        prefix_cur = "EUR";
      else if (p >= 3 && StartsWithNoCase(s, p - 3, "sek") && WordStartAt(s, p - 3))
        prefix_cur = "SEK";
      else if (p >= 3 && StartsWithNoCase(s, p - 3, "eur") && WordStartAt(s, p - 3))
        prefix_cur = "EUR";
    }
    bool glued = b > 0 && (IsAsciiAlpha(s[b - 1]) || s[b - 1] == '+' ||
                           ((s[b - 1] == '-' || s[b - 1] == '.') && b >= 2 && IsDigit(s[b - 2])));
    size_t e = b;
    while (e < n && IsDigit(s[e])) ++e;
    i = e;
    if (glued) continue;
    std::string amount(s.substr(b, e - b));
    // Thousands separated by a space, thin space or dot: "1 500", "1.500".
    if (amount.size() <= 3) {
      size_t k = e;
      while (k < n) {
        size_t sep = 0;
        if (s[k] == ' ' || s[k] == '.')
          sep = 1;
        else if (k + 1 < n && U(s[k]) == 0xC2 && U(s[k + 1]) == 0xA0)
          sep = 2;
        else if (k + 2 < n && U(s[k]) == 0xE2 && U(s[k + 1]) == 0x80 &&
                 (U(s[k + 2]) == 0xAF || U(s[k + 2]) == 0x89))
          sep = 3;
        if (sep == 0) break;
        size_t g = k + sep;
        if (g + 3 <= n && IsDigit(s[g]) && IsDigit(s[g + 1]) && IsDigit(s[g + 2]) &&
            (g + 3 == n || !IsDigit(s[g + 3]))) {
          amount.append(s.substr(g, 3));
          k = g + 3;
        } else {
          break;
        }
      }
      e = k;
    }
    size_t k = e;
    if (k < n && s[k] == ' ') ++k;
    size_t cend = 0;
    std::string_view cur;
    if (k < n && kCurrencyFirst.Has(s[k])) cur = CurrencyAt(s, k, &cend);
    if (cur.empty()) {
      if (prefix_cur.empty()) continue;
      cur = prefix_cur;
      cend = e;
    }
    while (amount.size() > 1 && amount[0] == '0') amount.erase(0, 1);
    if (amount == "0" || amount.size() > 7) continue;
    std::string price = amount + " " + std::string(cur);
    std::string unit = UnitAt(s, cend);
    if (!unit.empty()) price += "/" + unit;
    AddUnique(out, std::move(price));
    consumed = std::max(i, cend);
  }
}

}  // namespace

void ExtractPrices(std::string_view s, std::vector<std::string>* out) {
  Tokens t;
  Tokenize(s, &t);
  PricesImpl(s, t, out);
}

// -------------------------------------------------------------- extractor

namespace {

// What one extractor gets: the text, its words and the shared state.
struct ExtractContext {
  std::string_view text;
  const Tokens& tokens;
  PhoneValidator* phones;
  RefDate ref;
  Extraction* out;
};

struct ExtractorRow {
  ExtractorInfo info;
  void (*run)(const ExtractContext&);
};

// The one table of extractors: it drives Extractor::Extract, `--only`, the
// output columns and the help.
const ExtractorRow kExtractorRows[] = {
    {{"phones", &ExtractWhat::phones, "tel",
      "phone numbers as E.164 (+46701234567), also from links, words and keycaps"},
     [](const ExtractContext& c) { PhonesImpl(c.text, c.tokens, c.phones, &c.out->phones); }},
    {{"emails", &ExtractWhat::emails, "mail", "email addresses, also written \"(at)\" \"[dot]\""},
     [](const ExtractContext& c) { EmailsImpl(c.text, c.tokens, &c.out->emails); }},
    {{"ages", &ExtractWhat::ages, "",
      "stated and implied ages in years (with the young and under18 flags)"},
     [](const ExtractContext& c) {
       AgesImpl(c.text, c.tokens, c.ref, &c.out->ages, &c.out->minor);
     }},
    {{"prices", &ExtractWhat::prices, "", "prices as \"1500 SEK/h\""},
     [](const ExtractContext& c) { PricesImpl(c.text, c.tokens, &c.out->prices); }},
    {{"handles", &ExtractWhat::handles, "*", "messaging handles as kind:name (snap:anna)"},
     [](const ExtractContext& c) { HandlesImpl(c.text, c.tokens, &c.out->handles); }},
};

const std::vector<ExtractorInfo>& ExtractorInfos() {
  static const std::vector<ExtractorInfo> infos = [] {
    std::vector<ExtractorInfo> v;
    for (const ExtractorRow& r : kExtractorRows) v.push_back(r.info);
    return v;
  }();
  return infos;
}

}  // namespace

std::span<const ExtractorInfo> Extractors() { return ExtractorInfos(); }

std::span<const HandlePlatform> HandlePlatforms() { return kPlatforms; }

void ExtractedValues(const Extraction& ex, const ExtractorInfo& x, std::vector<std::string>* out) {
  out->clear();
  if (x.on == &ExtractWhat::phones)
    *out = ex.phones;
  else if (x.on == &ExtractWhat::emails)
    *out = ex.emails;
  else if (x.on == &ExtractWhat::prices)
    *out = ex.prices;
  else if (x.on == &ExtractWhat::handles)
    *out = ex.handles;
  else if (x.on == &ExtractWhat::ages) {
    for (int a : ex.ages) out->push_back(std::to_string(a));
  }
}

Extractor::Extractor(ExtractWhat what, std::string region)
    : what_(what), phones_(std::move(region)), tokens_(std::make_unique<Tokens>()) {}

Extractor::~Extractor() = default;

void Extractor::Extract(std::string_view text, RefDate ref, Extraction* out) {
  if (NormalizeDigits(text, &norm_)) text = norm_;
  Tokens& t = *tokens_;
  Tokenize(text, &t);
  const ExtractContext ctx{text, t, &phones_, ref, out};
  for (const ExtractorRow& r : kExtractorRows) {
    if (what_.*r.info.on) r.run(ctx);
  }
}

}  // namespace karta
