#include "lib/collate.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace karta {
namespace {

std::vector<std::string> SortedByKey(std::vector<std::string> v, Collator* c) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const std::string& s : v) {
    std::string k;
    AppendTextSegment(s, c, &k);
    kv.emplace_back(k, s);
  }
  std::stable_sort(kv.begin(), kv.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& p : kv) out.push_back(p.second);
  return out;
}

TEST_CASE("Swedish collation: Å Ä Ö after Z, case never counts, accents break ties") {
  auto sv = Collator::Swedish();
  REQUIRE(sv.ok());
  Collator* c = sv->get();
  CHECK(c->Compare("zebra", "Åre") < 0);
  CHECK(c->Compare("Åre", "ärta") < 0);
  CHECK(c->Compare("ärta", "Östermalm") < 0);
  CHECK(c->Compare("Ängby", "Ö") < 0);
  CHECK(c->Compare("apa", "Apa") == 0);  // case does not count
  CHECK(c->Compare("Apa", "apb") < 0);
  CHECK(c->Compare("e", "é") < 0);
  CHECK(c->Compare("é", "f") < 0);
  CHECK(c->Compare("vb", "wa") < 0);  // v and w are separate letters
  CHECK(c->Compare("Täby", "Täby") == 0);
  auto got = SortedByKey(
      {"Östermalm", "zebra", "Åre", "ärta", "Apa", "apa", "Zinken", "Vällingby", "Täby", "Akalla"},
      c);
  // Equal keys keep their input order (Apa before apa).
  CHECK(got == std::vector<std::string>{"Akalla", "Apa", "apa", "Täby", "Vällingby", "zebra",
                                        "Zinken", "Åre", "ärta", "Östermalm"});
}

TEST_CASE("sort keys agree with Compare") {
  auto sv = Collator::Swedish();
  REQUIRE(sv.ok());
  std::vector<std::string> words{"å", "a", "Ä", "ö", "o", "Ö", "", "z", "10", "9", "Ab", "aB"};
  for (const auto& a : words) {
    for (const auto& b : words) {
      std::string ka, kb;
      (*sv)->AppendKey(a, &ka);
      (*sv)->AppendKey(b, &kb);
      int byk = ka < kb ? -1 : (ka == kb ? 0 : 1);
      int cmp = (*sv)->Compare(a, b);
      CHECK_MESSAGE(byk == (cmp < 0 ? -1 : (cmp == 0 ? 0 : 1)), a, " vs ", b);
    }
  }
}

TEST_CASE("natural order compares digit runs by value") {
  auto nat = Collator::Swedish(true);
  REQUIRE(nat.ok());
  CHECK(SortedByKey({"ad 10", "ad 9", "ad 100", "Ad 1"}, nat->get()) ==
        std::vector<std::string>{"Ad 1", "ad 9", "ad 10", "ad 100"});
  auto sv = Collator::Swedish();
  CHECK(SortedByKey({"ad 10", "ad 9"}, sv->get()) == std::vector<std::string>{"ad 10", "ad 9"});
}

TEST_CASE("invalid UTF-8 does not crash and still orders") {
  auto sv = Collator::Swedish();
  std::string k;
  (*sv)->AppendKey(std::string("a\xff\xfe"
                               "b"),
                   &k);
  CHECK(!k.empty());
  CHECK(k.back() == '\0');
}

TEST_CASE("CompareSwedish is total: collation first, then bytes") {
  CHECK(CompareSwedish("Zorn", "Åkesson") < 0);
  CHECK(CompareSwedish("B", "b") < 0);  // equal but for case: bytes decide
  CHECK(CompareSwedish("b", "B") > 0);
  CHECK(CompareSwedish("b", "C") < 0);
  CHECK(CompareSwedish("x", "x") == 0);
}

TEST_CASE("byte segments: plain byte order, zero bytes escaped, prefix-free") {
  auto got = SortedByKey(
      {"b", "a", "B", std::string("a\0b", 3), "ab", "a", std::string("a\x01", 2)}, nullptr);
  CHECK(got == std::vector<std::string>{"B", "a", "a", std::string("a\0b", 3),
                                        std::string("a\x01", 2), "ab", "b"});
}

TEST_CASE("number segments order by value; descending and empty cells") {
  std::vector<double> v{3, -1.5, 0, -0.0, 1e9, -1e9, 2.25, 12.5};
  std::vector<std::pair<std::string, double>> kv;
  for (double d : v) {
    std::string k;
    AppendNumberSegment(d, &k);
    kv.emplace_back(k, d);
  }
  std::stable_sort(kv.begin(), kv.end());
  std::vector<double> got;
  for (auto& p : kv) got.push_back(p.second);
  CHECK(got == std::vector<double>{-1e9, -1.5, 0, -0.0, 2.25, 3, 12.5, 1e9});
  std::string zero, negzero;
  AppendNumberSegment(0.0, &zero);
  AppendNumberSegment(-0.0, &negzero);
  CHECK(zero == negzero);

  // Descending: inverted value segments; an empty cell stays last.
  std::string k1, k2, ke;
  AppendNumberSegment(1, &k1);
  InvertSegment(&k1, 0);
  AppendNumberSegment(2, &k2);
  InvertSegment(&k2, 0);
  AppendEmptySegment(&ke);
  InvertSegment(&ke, 0);
  CHECK(k2 < k1);
  CHECK(k1 < ke);
}

TEST_CASE("composite keys: descending text stays prefix-correct") {
  auto sv = Collator::Swedish();
  auto key = [&](std::string_view a, std::string_view b) {
    std::string k;
    AppendTextSegment(a, sv->get(), &k);
    InvertSegment(&k, 0);
    size_t from = k.size();
    AppendTextSegment(b, sv->get(), &k);
    (void)from;
    return k;
  };
  // First column descending: "ab" before "a"; then second ascending.
  CHECK(key("ab", "z") < key("a", "a"));
  CHECK(key("a", "a") < key("a", "b"));
  CHECK(key("ö", "a") < key("z", "a"));
}

}  // namespace
}  // namespace karta
