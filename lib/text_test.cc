#include "lib/text.h"

#include <doctest/doctest.h>

namespace karta {
namespace {

TEST_CASE("UTF-8 validation") {
  CHECK(Utf8Valid("plain ascii text, longer than eight bytes"));
  CHECK(Utf8Valid("Östermalm, Åkersberga, Älta 😀"));
  size_t at = 0;
  CHECK_FALSE(Utf8Valid("abc\xC3", &at));  // truncated
  CHECK(at == 3);
  CHECK_FALSE(Utf8Valid("\xC0\xAF"));          // overlong
  CHECK_FALSE(Utf8Valid("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(Utf8Valid("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(Utf8Valid("caf\xE9 au lait"));   // Latin-1
}

// A byte-at-a-time reference for the word-at-a-time validator.
size_t ReferencePrefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return i;
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (len == 0 || i + len > s.size()) return i;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += len;
  }
  return i;
}

TEST_CASE("UTF-8 text prefix: NUL and bad bytes at every position") {
  CHECK(Utf8TextPrefix("") == 0);
  CHECK(Utf8TextPrefix("Söder, Sthlm") == std::string_view("Söder, Sthlm").size());
  for (size_t at = 0; at < 24; ++at) {
    std::string s(24, 'a');
    s[at] = '\0';
    CHECK(Utf8TextPrefix(s) == at);
    s[at] = '\xC3';  // lead byte followed by ASCII: bad
    CHECK(Utf8TextPrefix(s) == at);
    CHECK(Utf8Valid(std::string_view(s).substr(0, at)));
  }
  std::string cut = "ab\xC3\xA5\xE2\x82";  // "abå" then a cut-off three-byte sequence
  CHECK(Utf8TextPrefix(cut) == 4);
  // Pseudo-random byte strings biased towards UTF-8 lead and continuation
  // bytes agree with the reference.
  uint64_t x = 88172645463325252ULL;
  const unsigned char alphabet[] = {'a',  ' ',  0,    0x80, 0xA5, 0xBF, 0xC3, 0xC2, 0xC0,
                                    0xE2, 0xED, 0xE0, 0xF0, 0xF4, 0xF5, 0x9F, 0x90};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    size_t n = 1 + (round % 40);
    for (size_t k = 0; k < n; ++k) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      s.push_back(static_cast<char>(x % 3 == 0 ? 'a' : alphabet[(x >> 8) % sizeof alphabet]));
    }
    REQUIRE(Utf8TextPrefix(s) == ReferencePrefix(s));
  }
}

TEST_CASE("UTF-8 text prefix: 64-byte blocks of ASCII and two-byte letters") {
  // The validator checks 64 bytes at a time while they hold only ASCII and
  // two-byte sequences; a bad byte, a NUL, a three-byte letter or a letter
  // cut at the block edge at every offset of three blocks must agree with the
  // reference.
  const std::string pads[] = {std::string(200, 'a'), [] {
                                std::string t;
                                while (t.size() < 200) t += "på Söder ";
                                return t;
                              }()};
  const std::string inserts[] = {std::string(1, '\0'), "\xC3",     "\xA5",     "\xC3\xA5",
                                 "\xE2\x82\xAC",       "\xC0\xAF", "\xDF\xBF", "\xC2\x80",
                                 "\xF0\x9F\x98\x80",   "\xFF"};
  for (const std::string& pad : pads) {
    for (const std::string& ins : inserts) {
      for (size_t at = 0; at + ins.size() <= 192; ++at) {
        std::string s = pad.substr(0, 192);
        s.replace(at, ins.size(), ins);
        REQUIRE(Utf8TextPrefix(s) == ReferencePrefix(s));
        std::string no_nul = s;  // Utf8Valid allows NUL
        for (char& c : no_nul) c = c == '\0' ? 'a' : c;
        size_t bad = 0;
        bool valid = Utf8Valid(no_nul, &bad);
        REQUIRE(valid == (ReferencePrefix(no_nul) == no_nul.size()));
        if (!valid) REQUIRE(bad == ReferencePrefix(no_nul));
      }
    }
  }
  // Long random runs mostly of 'a' and two-byte letters with rare bad bytes.
  uint64_t x = 1234567ULL;
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    size_t n = 60 + (round % 200);
    while (s.size() < n) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      unsigned r = x % 100;
      s += r < 70   ? "a"
           : r < 95 ? "\xC3\xB6"
           : r < 97 ? "\xE2\x82\xAC"
           : r < 98 ? "\x80"
           : r < 99 ? "\xC3"
                    : std::string(1, '\0');
    }
    REQUIRE(Utf8TextPrefix(s) == ReferencePrefix(s));
  }
}

TEST_CASE("case and diacritic folding") {
  CHECK(Fold("ÖSTERMALM Åkersberga") == "östermalm åkersberga");
  CHECK(Fold("ÖSTERMALM Åkersberga", {true, true}) == "ostermalm akersberga");
  CHECK(Fold("Café", {true, true}) == "cafe");
  CHECK(Fold("Straße") == "strasse");
  CHECK(Fold("ABC", {false, false}) == "ABC");
}

TEST_CASE("folded offsets map back to the original") {
  FoldedText f = FoldWithOffsets("Öl i Älta", {true, true});
  CHECK(f.text == "ol i alta");
  auto pos = f.text.find("alta");
  REQUIRE(pos != std::string::npos);
  CHECK(f.origin[pos] == 6);  // "Ö" is two bytes, "l i " four
  CHECK(f.origin.back() == std::string("Öl i Älta").size());
}

TEST_CASE("Unicode word boundaries") {
  std::string s = "Träffas på Östermalm, 24/7!";
  auto words = Words(s);
  REQUIRE(words.size() == 5);
  CHECK(s.substr(words[2].begin, words[2].end - words[2].begin) == "Östermalm");
  auto at = s.find("Östermalm");
  CHECK(AtWordBoundaries(s, at, at + std::string("Östermalm").size()));
  auto in = s.find("ster");
  CHECK_FALSE(AtWordBoundaries(s, in, in + 4));  // inside Östermalm: Ö is a letter
}

TEST_CASE("white space is normalised") {
  CHECK(NormalizeSpace("  a \t b\n\nc\u00a0d  ") == "a b c d");
  CHECK(NormalizeSpace("") == "");
}

}  // namespace
}  // namespace karta
