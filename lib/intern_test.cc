#include "lib/intern.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

namespace karta {
namespace {

TEST_CASE("StringIndex gives ids in order of first appearance") {
  StringIndex idx;
  bool added = false;
  CHECK(idx.Intern("Solna", &added) == 0);
  CHECK(added);
  CHECK(idx.Intern("Söder") == 1);
  CHECK(idx.Intern("") == 2);
  CHECK(idx.Intern("Solna", &added) == 0);
  CHECK_FALSE(added);
  CHECK(idx.Find("Söder") == 1u);
  CHECK(idx.Find("") == 2u);
  CHECK_FALSE(idx.Find("Sol").has_value());
  CHECK(idx.Get(1) == "Söder");
  CHECK(idx.size() == 3);
  StringIndex empty;
  CHECK_FALSE(empty.Find("x").has_value());
}

TEST_CASE("StringIndex keeps every string through growth") {
  StringIndex idx;
  // Many strings sharing prefixes and lengths, so hashes and tags collide
  // in the table's low bits.
  for (int i = 0; i < 100000; ++i) {
    REQUIRE(idx.Intern(fmt::format("c{}", i)) == static_cast<uint32_t>(i));
  }
  for (int i = 0; i < 100000; i += 7) {
    REQUIRE(idx.Intern(fmt::format("c{}", i)) == static_cast<uint32_t>(i));
    REQUIRE(idx.Get(static_cast<uint32_t>(i)) == fmt::format("c{}", i));
  }
  CHECK_FALSE(idx.Find("c100000").has_value());
  CHECK(HashBytes("abcdefgh1") != HashBytes("abcdefgh2"));
  CHECK(HashBytes("a") != HashBytes(std::string_view("a\0", 2)));
}

TEST_CASE("PairSet counts distinct partners across compactions") {
  for (size_t limit : {size_t{4}, size_t{1000}, size_t{1} << 20}) {
    PairSet set(limit);
    std::map<uint32_t, std::set<uint32_t>> ref;
    uint64_t x = 12345;
    for (int i = 0; i < 50000; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      auto a = static_cast<uint32_t>(x % 50);
      auto b = static_cast<uint32_t>((x >> 16) % (i < 25000 ? 300 : 70000));
      set.Add(a, b);
      ref[a].insert(b);
    }
    set.Add(70000, 1);  // a first id beyond n is ignored by the count
    std::vector<int64_t> got = set.CountPerFirst(60);
    for (uint32_t a = 0; a < 60; ++a) {
      CHECK(got[a] == static_cast<int64_t>(ref.count(a) ? ref[a].size() : 0));
    }
  }
}

}  // namespace
}  // namespace karta
