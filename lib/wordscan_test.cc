#include "lib/wordscan.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace karta {
namespace {

// The plain definitions the fast paths must agree with.
size_t RefEnd(const std::string& s, size_t i, bool* digit) {
  while (i < s.size() && IsAsciiAlnumByte(static_cast<unsigned char>(s[i]))) {
    if (s[i] >= '0' && s[i] <= '9') *digit = true;
    ++i;
  }
  return i;
}

std::string RefFold(const std::string& s, size_t b, size_t e) {
  std::string out;
  for (size_t i = b; i < e; ++i) {
    char c = s[i];
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c);
  }
  return out;
}

TEST_CASE("wordscan: runs of ASCII letters and digits, folded, agree with a plain loop") {
  std::mt19937 rng(7);
  const std::string alphabet =
      "abcXYZ09 ,.-@_\xC3\xA5\xC3\x96"
      "\xE2\x80\x93";
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    size_t len = rng() % 70;
    for (size_t k = 0; k < len; ++k) {
      // Long runs of letters too, to cross 16-byte blocks.
      s.push_back(rng() % 3 ? "aBcDeFgHiJkLmNoP0123"[rng() % 20]
                            : alphabet[rng() % alphabet.size()]);
    }
    for (size_t i = 0; i <= s.size(); ++i) {
      bool d1 = false, d2 = false;
      size_t want = RefEnd(s, i, &d1);
      CHECK(AsciiAlnumEnd(s.data(), i, s.size(), &d2) == want);
      CHECK(d1 == d2);
      std::string out(s.size() + 32, '\0');
      CHECK(FoldAsciiAlnum(s.data(), i, s.size(), out.data()) == want);
      CHECK(out.substr(0, want - i) == RefFold(s, i, want));
      uint64_t lo = 0, hi = 0;
      std::string out2(48, '\0');
      size_t n = FoldShortAsciiWord(s.data(), i, s.size(), out2.data(), &lo, &hi);
      if (n) {  // only a whole word < 16 bytes followed by an ASCII byte
        CHECK(n == want - i);
        CHECK(n < 16);
        CHECK(i + n < s.size());
        CHECK(static_cast<unsigned char>(s[i + n]) < 0x80);
        CHECK(out2.substr(0, n) == RefFold(s, i, want));
        std::string regs(16, '\0');
        std::memcpy(regs.data(), &lo, 8);
        std::memcpy(regs.data() + 8, &hi, 8);
        CHECK(regs.substr(0, n) == RefFold(s, i, want));
      }
    }
  }
}

TEST_CASE("wordscan: LoadTail keeps the first len bytes") {
  const char buf[16] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
                        'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'};
  for (size_t len = 0; len < 8; ++len) {
    uint64_t want = 0;
    std::memcpy(&want, buf, len);
    CHECK(LoadTail(buf, len) == want);
  }
}

TEST_CASE("wordscan: PodVec appends within the room made by Reset") {
  PodVec<int> v;
  v.Reset(3);
  CHECK(v.empty());
  v.push_back(1);
  v.push_back(2);
  v.push_back(3);
  CHECK(v.size() == 3);
  CHECK(v[2] == 3);
  CHECK(v.back() == 3);
  int sum = 0;
  for (int x : v) sum += x;
  CHECK(sum == 6);
  v.Reset(100);  // grows, empties
  CHECK(v.size() == 0);
  for (int k = 0; k < 100; ++k) v.push_back(k);
  CHECK(v[99] == 99);
  v.clear();
  CHECK(v.empty());
}

}  // namespace
}  // namespace karta
