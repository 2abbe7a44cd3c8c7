#include "lib/geotag.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace karta {
namespace {

const Gazetteer& Gaz() {
  static const Gazetteer g = [] {
    auto r = Gazetteer::Load(std::string(KARTA_SOURCE_DIR) + "/data/gazetteer/gazetteer.csv");
    REQUIRE(r.ok());
    return std::move(*r);
  }();
  return g;
}

const Geotagger& Tagger() {
  static const Geotagger t(&Gaz());
  return t;
}

std::string Code(std::string_view text) {
  GeoResult r = Tagger().Tag(text);
  return r.entry ? r.entry->kommunkod : "";
}

std::string Place(std::string_view text) {
  GeoResult r = Tagger().Tag(text);
  return r.entry ? r.entry->place : "";
}

TEST_CASE("near-miss spelling of long names, guarded") {
  CHECK(Place("Bor på Kungsholmn, nära vattnet.") == "Kungsholmen");      // a letter left out
  CHECK(Place("Träffas nära Flemmingsberg station.") == "Flemingsberg");  // one added
  CHECK(Place("Lägenhet på Södermamlm.") == "Södermalm");                 // two swapped
  CHECK(Place("Möts vid Fridhemspaln.") == "Fridhemsplan");
  CHECK(Place("bor på kungsholmn") == "");      // not capitalised
  CHECK(Place("Kungsholmn är fint.") == "");    // sentence start, no context
  CHECK(Place("Bor på Hungsholmen.") == "");    // the first letter is wrong
  CHECK(Place("Bor på Kungsholmarna.") == "");  // two edits away
  CHECK(Place("Kungsholmare i själen.") == "");
  CHECK(Place("Bor i Solnna.") == "");  // too short to guess
}

TEST_CASE("streets never outweigh a town named beside them") {
  CHECK(Place("Lägenhet på Sveavägen, ring.") == "Sveavägen");
  CHECK(Code("Lägenhet på Sveavägen, ring.") == "0180");
  CHECK(Code("Kungsgatan i Göteborg, nära allt.") == "1480");
  CHECK(Code("Göteborg, nära Järntorget.") == "1480");
  CHECK(Code("Järntorget, nära Slussen.") == "0180");
}

TEST_CASE("county-level areas and names every town has") {
  GeoResult r = Tagger().Tag("Bor i Norrort, kan komma till dig.");
  REQUIRE(r.entry != nullptr);
  CHECK(r.entry->place == "Norrort");
  CHECK(r.entry->kommunkod == "01");
  CHECK(r.entry->kommun.empty());
  CHECK(InRegion(r.entry->kommunkod, {"01"}));
  CHECK(!InRegion(r.entry->kommunkod, {"0180"}));
  CHECK(Code("Norrort, i Täby.") == "0160");  // a kommun in the county wins
  CHECK(Code("Besöker Uppsala, hotell nära centralen.") == "0380");
  CHECK(Place("Hotell nära centralen.") == "T-Centralen");
}

TEST_CASE("Skåne in the default gazetteer: Malmö's districts") {
  CHECK(Place("Ny tjej på Möllan, ring.") == "Möllevången");
  CHECK(Place("Finns i Rosengård.") == "Rosengård");
  CHECK(Place("Havsutsikt i Västra hamnen.") == "Västra hamnen");
  CHECK(Place("Möts vid Triangeln.") == "Triangeln");
  CHECK(Place("Han ritade en triangeln-form.") == "");
  CHECK(Code("Nära Hyllie station.") == "1280");
}

TEST_CASE("names fold case and diacritics") {
  CHECK(Geotagger::FoldName("S:t Eriksplan") == "s t eriksplan");
  CHECK(Geotagger::FoldName("Rinkeby-Kista") == "rinkeby kista");
  CHECK(Geotagger::FoldName("ÅKERSBERGA") == "akersberga");
  CHECK(Place("SÖDERMALM") == "Södermalm");
  CHECK(Place("sodermalm") == "Södermalm");
  CHECK(Place("Åkersberga") == "Åkersberga");
}

TEST_CASE("multi-word names, hyphens and the longest match") {
  CHECK(Place("Rinkeby-Kista") == "Rinkeby-Kista");
  CHECK(Place("Hässelby strand") == "Hässelby strand");
  CHECK(Place("Farsta strand station") == "Farsta strand");
  CHECK(Place("Upplands Väsby") == "Upplands Väsby");
  CHECK(Place("nära T-Centralen") == "T-Centralen");
  // a comma breaks a name
  CHECK(Place("Farsta, strand") == "Farsta");
}

TEST_CASE("genitive, compound and -området forms") {
  CHECK(Code("Solnas bästa") == "0184");
  CHECK(Code("Kistaområdet") == "0180");
  CHECK(Code("Kista-området") == "0180");
  CHECK(Code("Södertäljetrakten") == "0181");
  CHECK(Code("Stockholmsområdet") == "0180");
}

TEST_CASE("long words, mixed scripts and text ends fold the same on every path") {
  // Words of 16 bytes and more, words with å ä ö inside, words at the very
  // end of a text (the 16-byte fast paths must not read past it).
  CHECK(Geotagger::FoldName("SUPERLÅNGTORDMEDÅÄÖOCHMERA Södertäljetrakten") ==
        "superlangtordmedaaoochmera sodertaljetrakten");
  CHECK(Geotagger::FoldName("abcdefghijklmnopqrstuvwxyz0123456789") ==
        "abcdefghijklmnopqrstuvwxyz0123456789");
  CHECK(Geotagger::FoldName("x") == "x");
  CHECK(Geotagger::FoldName("Ny tjej i stan, bor nära MEDBORGARPLATSEN") ==
        "ny tjej i stan bor nara medborgarplatsen");
  CHECK(Code("Ny tjej i stan, välkommen hem till mig i lägenheten nära Medborgarplatsen") ==
        "0180");
  CHECK(Code("Medborgarplatsen") == "0180");
  CHECK(Code("Solna") == "0184");
  CHECK(Code("nära Kista T-bana") == "0180");
  CHECK(Code("Kista T-ba") == "");  // "T-ba" is no station word: Kista needs context
}

TEST_CASE("Fold and the plain FoldReference give the same tokens on random text") {
  // Pieces from every path: ASCII words of every length (16 and more too),
  // gap bytes of every kind, Latin-1 letters (folding to one letter or not:
  // å, É, æ, ß, ×), combining marks, no-break space, Unicode hyphens,
  // bullets, emoji, other scripts, and broken UTF-8.
  const std::vector<std::string> pieces = {
      "a",
      "Kista",
      "SOLNA",
      "i",
      "på",
      "T",
      "bana",
      "station",
      "abcdefghijklmnop",
      "Q7",
      "0180",
      "x1y2z3",
      " ",
      "  ",
      "\t",
      "\n",
      ",",
      ", ",
      ".",
      ". ",
      "!",
      "?",
      ";",
      "*",
      "|",
      "-",
      ":",
      "@",
      "_",
      "#",
      "/",
      "\\",
      "(",
      "\"",
      "'",
      "\xC3\xA5",
      "\xC3\x85",
      "\xC3\xA4",
      "\xC3\xB6",
      "\xC3\x96",
      "\xC3\x89",
      "\xC3\xA6",
      "\xC3\x9F",
      "\xC3\x97",
      "\xC3\xB7",
      "o\xCC\x88",
      "\xC2\xA0",
      "\xE2\x80\x93",
      "\xE2\x80\x94",
      "\xE2\x80\xA2",
      "\xE2\x80\xA6",
      "\xE2\x80\xAF",
      "\xF0\x9F\x92\x95",
      "\xD0\x9C\xD0\xBE",
      "\xC5\x81",
      "\xC3",
      "\x80",
      "\xFF",
      "S\xC3\xB6"
      "dermalm",
      "V\xC3\xA4sby",
      "\xC3\x85KERSBERGA",
      "sthlm",
      "Farsta strand",
      "s\xC3\xB6"
      "der om",
  };
  std::mt19937 rng(11);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t n = rng() % 40;
    for (size_t k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    const std::string fast = Tagger().DebugTokens(text, false);
    const std::string plain = Tagger().DebugTokens(text, true);
    REQUIRE_MESSAGE(fast == plain, "text: ", text);
  }
}

TEST_CASE("Unicode word boundaries") {
  CHECK(Code("Solnabo") == "");  // not a word of its own
  CHECK(Code("Nackaälven") == "");
  CHECK(Code("(Solna)") == "0184");
  CHECK(Code("«Solna»") == "0184");
  CHECK(Code("Solna\u00a0centrum") == "0184");
}

TEST_CASE("words that are also places need context") {
  CHECK(Code("Jag har en gammal kista till salu") == "");
  CHECK(Code("Träffas i Kista") == "0180");
  CHECK(Code("träffas i kista") == "0180");
  CHECK(Code("Kista med lock") == "");
  CHECK(Code("Jag håller dig i handen") == "");
  CHECK(Code("Bor i Handen") == "0136");
  CHECK(Code("Handen station") == "0136");
  CHECK(Code("Vi går över bron") == "");
  CHECK(Code("Bro, du måste se") == "");
  CHECK(Code("Bor i Bro") == "0139");
  CHECK(Code("Massage i Alby") == "0127");
  CHECK(Code("ett alby-hus") == "");
  CHECK(Code("Finns i Mölnbo") == "0181");
  CHECK(Code("in the city") == "");
  CHECK(Code("mitt i city") == "0180");
  CHECK(Code("Are you free?") == "");  // not Åre
  CHECK(Code("Vi ses i Åre") == "2321");
}

TEST_CASE("handles, e-mails and URLs are not places") {
  CHECK(Code("Telegram @mira_sthlm") == "");
  CHECK(Code("Mejl: solna@mejl.example") == "");
  CHECK(Code("se kista.example/annons") == "");
  CHECK(Code("Bor i Solna. Ring!") == "0184");
  CHECK(Code("Snap: sthlm_girl, bor i Nacka") == "0182");
}

TEST_CASE("söder om is a direction") {
  CHECK(Code("Bor på Söder") == "0180");
  CHECK(Code("bor på söder") == "0180");
  CHECK(Code("fin utsikt mot söder") == "");
  CHECK(Code("Jag bor söder om stan") == "");
  CHECK(Code("Jag bor söder om Stockholm") == "");
  CHECK(Code("Järna, söder om Södertälje") == "0181");
  CHECK(Code("north of Solna") == "");
}

TEST_CASE("the most specific place wins over its kommun") {
  CHECK(Place("Stockholm, Kista") == "Kista");
  CHECK(Place("Södermalm, nära Medborgarplatsen") == "Medborgarplatsen");
  CHECK(Place("Solna centrum, Solna") == "Solna centrum");
  // a bare Stockholm yields to another kommun of the county
  CHECK(Code("Tjej i Solna, Stockholm") == "0184");
  CHECK(Code("Stockholm / Nacka") == "0182");
}

TEST_CASE("evidence outweighs a plain or a from-mention; conflicts lower the score") {
  CHECK(Code("Tjej från Malmö, nu i Stockholm") == "0180");
  CHECK(Code("From Gothenburg, now living in Huddinge") == "0126");
  GeoResult one = Tagger().Tag("Bor i Kista");
  GeoResult two = Tagger().Tag("Bor i Kista, besöker Malmö");
  CHECK(one.score == doctest::Approx(1.0));
  CHECK(two.score < one.score);
  CHECK(two.mentions.size() == 2);
  CHECK(Tagger().Tag("Ring mig").entry == nullptr);
}

TEST_CASE("the location field counts every name") {
  GeoScan s;
  Tagger().Scan("Handen", true, &s);
  Tagger().Scan("Ny tjej i stan", false, &s);
  GeoResult r = Tagger().Resolve(s);
  REQUIRE(r.entry);
  CHECK(r.entry->kommunkod == "0136");
}

TEST_CASE("outside the county") {
  CHECK(Code("Just nu i Malmö") == "1280");
  CHECK(Code("In Malmo next week") == "1280");
  CHECK(Code("Gbg i helgen") == "1480");
}

TEST_CASE("region parsing") {
  auto r = ParseRegion("stockholm");
  REQUIRE(r.ok());
  CHECK(*r == std::vector<std::string>{"01"});
  r = ParseRegion("01, 0380");
  REQUIRE(r.ok());
  CHECK(r->size() == 2);
  CHECK(ParseRegion("Skåne län").ok());
  CHECK_FALSE(ParseRegion("atlantis").ok());
  CHECK_FALSE(ParseRegion("01234").ok());
  CHECK_FALSE(ParseRegion("").ok());
  CHECK(InRegion("0180", {"01"}));
  CHECK(InRegion("0380", {"01", "0380"}));
  CHECK_FALSE(InRegion("1280", {"01"}));
  CHECK_FALSE(InRegion("", {"01"}));
}

}  // namespace
}  // namespace karta
