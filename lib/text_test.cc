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
