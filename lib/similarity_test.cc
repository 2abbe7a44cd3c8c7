#include "lib/similarity.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

namespace karta {

TEST_CASE("NormalizeForDedupe folds case, space, punctuation and emoji") {
  CHECK(NormalizeForDedupe("  Hej!  Jag   heter ANNA \xF0\x9F\x98\x98\xF0\x9F\x8C\xB9 ") ==
        "hej jag heter anna");
  CHECK(NormalizeForDedupe("Östermalm, Södermalm") == "ostermalm sodermalm");
  CHECK(NormalizeForDedupe("") == "");
  CHECK(NormalizeForDedupe("\xF0\x9F\x98\x98 !!!") == "");
}

TEST_CASE("NormalizeForDedupe folds prices but keeps other numbers") {
  CHECK(NormalizeForDedupe("Pris 1500 kr/h") == "pris #kr h");
  CHECK(NormalizeForDedupe("Pris 1 500 kr") == "pris #kr");
  CHECK(NormalizeForDedupe("Pris 1.500 SEK") == "pris #kr");
  CHECK(NormalizeForDedupe("Pris 2000:-") == "pris #kr");
  CHECK(NormalizeForDedupe("Pris 2000 :-") == "pris #kr");
  CHECK(NormalizeForDedupe("Pris 1500kr") == "pris #kr");
  CHECK(NormalizeForDedupe("Pris 1500 kronor") == "pris #kr");
  CHECK(NormalizeForDedupe("ring 070 123 45 67") == "ring 070 123 45 67");
  CHECK(NormalizeForDedupe("Jag är 25 år") == "jag ar 25 ar");
  // A different price, the same ad.
  CHECK(NormalizeForDedupe("Massage 800 kr, ring!") == NormalizeForDedupe("massage 1 200 KR ring"));
}

TEST_CASE("Hash64 is fixed") {
  // Pinned values: cluster ids and stored signatures depend on them.
  CHECK(Hash64("") == Hash64(""));
  CHECK(Hash64("abc") != Hash64("abd"));
  CHECK(Hash64("abcdefghij") != Hash64("abcdefghik"));
  CHECK(Hash64("hello world") == 0x8015c34ad6a731c4ULL);
}

TEST_CASE("ParseShingleSpec") {
  auto w = ParseShingleSpec("word:2");
  REQUIRE(w.ok());
  CHECK(w->kind == ShingleKind::kWord);
  CHECK(w->size == 2);
  auto c = ParseShingleSpec("char");
  REQUIRE(c.ok());
  CHECK(c->kind == ShingleKind::kChar);
  CHECK(c->size == 5);
  CHECK(FormatShingleSpec(*c) == "char:5");
  CHECK_FALSE(ParseShingleSpec("line:3").ok());
  CHECK_FALSE(ParseShingleSpec("word:0").ok());
  CHECK_FALSE(ParseShingleSpec("word:x").ok());
  CHECK(ParseShingleSpec("word:99").status().code() == Status::Code::kUsage);
}

TEST_CASE("word shingles") {
  ShingleSpec w3{ShingleKind::kWord, 3};
  auto s = Shingles("a b c d", w3);
  CHECK(s.size() == 2);
  std::set<uint64_t> want = {Hash64("a b c"), Hash64("b c d")};
  CHECK(std::set<uint64_t>(s.begin(), s.end()) == want);
  // Shorter than one shingle: the whole text.
  auto short_text = Shingles("a b", w3);
  REQUIRE(short_text.size() == 1);
  CHECK(short_text[0] == Hash64("a b"));
  CHECK(Shingles("", w3).empty());
  // Repeats collapse.
  CHECK(Shingles("a a a a a", ShingleSpec{ShingleKind::kWord, 1}).size() == 1);
}

TEST_CASE("char shingles count code points") {
  ShingleSpec c2{ShingleKind::kChar, 2};
  auto s = Shingles(
      "\xC3\xA5"
      "ab",
      c2);  // "åab": "åa", "ab"
  std::set<uint64_t> want = {Hash64("\xC3\xA5"
                                    "a"),
                             Hash64("ab")};
  CHECK(std::set<uint64_t>(s.begin(), s.end()) == want);
}

TEST_CASE("Jaccard") {
  std::vector<uint64_t> a = {1, 2, 3, 4};
  std::vector<uint64_t> b = {3, 4, 5, 6};
  CHECK(Jaccard(a, b) == doctest::Approx(2.0 / 6.0));
  CHECK(Jaccard(a, a) == 1.0);
  CHECK(Jaccard({}, {}) == 0.0);
}

TEST_CASE("MinHash estimates Jaccard and is deterministic") {
  MinHasher mh(256);
  std::vector<uint64_t> a, b;
  for (uint64_t i = 0; i < 300; ++i) a.push_back(Mix64(i));
  for (uint64_t i = 100; i < 400; ++i) b.push_back(Mix64(i));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double exact = Jaccard(a, b);  // 200 / 400
  CHECK(exact == doctest::Approx(0.5));
  double est = EstimatedJaccard(mh.Sign(a), mh.Sign(b));
  CHECK(est == doctest::Approx(exact).epsilon(0.2));
  CHECK(EstimatedJaccard(mh.Sign(a), mh.Sign(a)) == 1.0);
  // Same seed, same signature; another seed, another one.
  CHECK(MinHasher(256).Sign(a) == mh.Sign(a));
  CHECK(MinHasher(256, 7).Sign(a) != mh.Sign(a));
  // Empty sets match nothing.
  auto e = mh.Sign(std::vector<uint64_t>{});
  CHECK(EstimatedJaccard(e, e) == 0.0);
}

TEST_CASE("LSH bands: equal bands collide, others do not") {
  MinHasher mh(64);
  std::vector<uint64_t> a = {1, 2, 3}, b = {1, 2, 3}, c = {7, 8, 9};
  auto sa = mh.Sign(a), sb = mh.Sign(b), sc = mh.Sign(c);
  for (int band = 0; band < 16; ++band) {
    CHECK(BandHash(sa.data(), band, 4) == BandHash(sb.data(), band, 4));
    CHECK(BandHash(sa.data(), band, 4) != BandHash(sc.data(), band, 4));
  }
  // Same values, different band number: different hash.
  std::vector<uint32_t> same(8, 5);
  CHECK(BandHash(same.data(), 0, 4) != BandHash(same.data(), 1, 4));
  CHECK(LshCandidateProbability(1.0, 16, 4) == doctest::Approx(1.0));
  CHECK(LshCandidateProbability(0.0, 16, 4) == doctest::Approx(0.0));
  CHECK(LshCandidateProbability(0.8, 16, 4) > 0.99);
}

TEST_CASE("UnionFind") {
  UnionFind uf(5);
  CHECK(uf.Union(0, 1));
  CHECK_FALSE(uf.Union(1, 0));
  CHECK(uf.Union(3, 4));
  CHECK(uf.Same(0, 1));
  CHECK_FALSE(uf.Same(1, 3));
  CHECK(uf.Union(1, 4));
  CHECK(uf.Same(0, 3));
  CHECK(uf.SetSize(4) == 4);
  CHECK(uf.SetSize(2) == 1);
  uf.Grow(7);
  CHECK(uf.size() == 7);
  CHECK(uf.Find(6) == 6);
  // A long chain is flattened by path compression.
  UnionFind chain(1000);
  for (uint32_t i = 1; i < 1000; ++i) chain.Union(i - 1, i);
  CHECK(chain.SetSize(999) == 1000);
  CHECK(chain.Find(0) == chain.Find(999));
}

}  // namespace karta
