#include "lib/pieces.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace karta {

TEST_CASE("pieces: bounded, whole, cut at line, sentence, space, character") {
  auto cut = [](std::string_view text, size_t max) {
    std::string joined;
    std::vector<std::string> out;
    for (std::string_view rest = text, p; !(p = NextPiece(&rest, max)).empty();) {
      CHECK(p.size() <= max);
      joined += p;
      out.emplace_back(p);
    }
    CHECK(joined == text);
    return out;
  };
  CHECK(cut("", 16).empty());
  CHECK(cut("short", 16) == std::vector<std::string>{"short"});
  CHECK(cut("line one two\nxx yy zz", 16)[0] == "line one two\n");
  CHECK(cut("Hej hej. Ring mig nu", 16)[0] == "Hej hej. Ring ");
  CHECK(cut("aaaaaaaaaaaaa bbbbbbbbbbb", 16)[0] == "aaaaaaaaaaaaa ");
  // No space: cut at a character boundary, never inside å (2 bytes).
  std::string a;
  for (int i = 0; i < 20; ++i) a += "å";
  for (const std::string& p : cut(a, 15)) CHECK(p.size() % 2 == 0);
}

}  // namespace karta
