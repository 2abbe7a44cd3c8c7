// Unit tests of the practice world (karta-practice-test, ctest label
// "practice"): the place-table self-check catches the class of bug where the
// generator can write a place that truth cannot name (the annonsera region
// field said "Sigtuna", a kommun without its own entry, and truth had no
// place); every place the generator writes is one karta geotag knows;
// identifiers follow people; shared phones are rare and in pairs.
#include "examples/practice-site/gen/world.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lib/gazetteer.h"
#include "lib/geotag.h"

namespace practice {
namespace {

bool Mentions(const std::vector<std::string>& problems, const std::string& a,
              const std::string& b) {
  for (const auto& p : problems)
    if (p.find(a) != std::string::npos && p.find(b) != std::string::npos) return true;
  return false;
}

std::vector<Place> Without(const char* canon) {
  std::vector<Place> out;
  for (const Place& p : Places())
    if (std::strcmp(p.canon, canon) != 0) out.push_back(p);
  return out;
}

int64_t End() {
  int64_t day = 0;
  ParseDate("2026-11-23", &day);
  return day * 86400;
}

TEST_CASE("the place table passes its self-check") {
  const auto problems = CheckTables();
  for (const auto& p : problems) INFO(p);
  CHECK(problems.empty());
}

TEST_CASE("a kommun without its own entry is caught (the Sigtuna bug)") {
  // Before the fix the table had Märsta (kommun Sigtuna) but no "Sigtuna".
  const auto problems = CheckPlaceTable(Without("Värmdö"));
  CHECK(Mentions(problems, "Gustavsberg", "Värmdö"));
  std::vector<Place> t = Places();
  for (Place& p : t)
    if (std::strcmp(p.canon, "Sigtuna") == 0) p.canon = "Sigtuna kommun";
  CHECK(Mentions(CheckPlaceTable(t), "Märsta", "has no kommun-level entry"));
}

TEST_CASE("inconsistent codes, ambiguous forms and a place outside its side are caught") {
  std::vector<Place> t = Places();
  for (Place& p : t)
    if (std::strcmp(p.canon, "Märsta") == 0) p.kommunkod = "0192";
  CHECK(Mentions(CheckPlaceTable(t), "Märsta", "differs from its kommun"));

  t = Places();
  t.push_back({"Söder om söder", "Stockholm", "0180", {{"på", "Söder"}}});
  CHECK(Mentions(CheckPlaceTable(t), "Södermalm", "also names"));

  t = Places();
  for (Place& p : t)
    if (std::strcmp(p.canon, "Solna") == 0) p.kommunkod = "184";
  CHECK(Mentions(CheckPlaceTable(t), "Solna", "not 4 digits"));

  t = Places();
  for (Place& p : t)
    if (std::strcmp(p.canon, "Gävle") == 0) {
      p.kommun = "Gävle";
      p.kommunkod = "0199";
    }
  CHECK(Mentions(CheckPlaceTable(t), "Gävle", "wrong side"));
}

TEST_CASE(
    "every written place form geotags to its kommun (the gazetteer knows the generator's places)") {
  // Catches a form the gazetteer lacks (it missed "Tälje" for Södertälje).
  auto gaz = karta::Gazetteer::Load(karta::DefaultGazetteerPath());
  REQUIRE(gaz.ok());
  const karta::Geotagger tagger(&*gaz);
  for (const Place& p : Places()) {
    for (const PlaceForm& f : p.forms) {
      // As the texts write it (a title's bare "Handen" needs the text's "i Handen").
      for (const std::string& text :
           {std::string("Jag bor ") + f.prep + " " + f.word + ".",
            std::string("Incall ") +
                (std::strcmp(f.prep, "nära") == 0 || std::strcmp(f.prep, "vid") == 0 ? "near "
                                                                                     : "in ") +
                f.word + ", outcall possible."}) {
        const karta::GeoResult r = tagger.Tag(text);
        INFO(std::string(p.canon) << ": '" << text << "'");
        REQUIRE(r.entry != nullptr);
        CHECK(r.entry->kommunkod == p.kommunkod);
      }
      // kontaktbladet's Plats field holds the bare word, annonsera's the kommun.
      karta::GeoScan scan;
      tagger.Scan(f.word, true, &scan);
      const karta::GeoResult r = tagger.Resolve(scan);
      INFO(std::string(p.canon) << ": location field '" << f.word << "'");
      REQUIRE(r.entry != nullptr);
      CHECK(r.entry->kommunkod == p.kommunkod);
    }
    karta::GeoScan scan;
    tagger.Scan(p.kommun, true, &scan);
    const karta::GeoResult r = tagger.Resolve(scan);
    INFO(std::string(p.canon) << ": region field '" << p.kommun << "'");
    REQUIRE(r.entry != nullptr);
    CHECK(r.entry->kommunkod == p.kommunkod);
  }
}

TEST_CASE("shared phones: pairs of ads' advertisers, about 1.5%") {
  Params p;
  p.seed = 7;
  const uint64_t count = 100000;
  uint64_t sharing = 0;
  for (uint64_t a = 0; a < count; ++a) {
    const bool s = SharesPhone(p, a, count);
    CHECK(s == SharesPhone(p, a ^ 1, count));  // both members of a pair, or neither
    sharing += s;
  }
  CHECK(sharing % 2 == 0);
  CHECK(sharing * 1000 >= count * 10);  // >= 1.0%
  CHECK(sharing * 1000 <= count * 20);  // <= 2.0%
}

TEST_CASE(
    "generated ads: a location field always has a truth place; e-mails and handles are personal") {
  Params p;
  p.seed = 7;
  p.ads = 20000;
  p.end = End();
  const World w(p);
  std::map<std::string, std::set<uint64_t>> owners;
  std::map<std::string, std::set<uint64_t>> phone_owners;
  int64_t fields = 0;
  for (uint64_t i = 0; i < p.ads; ++i) {
    const Ad ad = w.Generate(i);
    if (!ad.location_field.empty()) {
      ++fields;
      INFO("ad " << ad.id << " location field " << ad.location_field);
      REQUIRE(ad.place >= 0);
      const Place& pl = Places()[ad.place];
      bool named = ad.location_field == pl.kommun;
      for (const PlaceForm& f : pl.forms) named |= ad.location_field == f.word;
      CHECK(named);
    }
    if (ad.kind != kAd) continue;
    for (const auto& e : ad.emails) owners[e].insert(ad.advertiser);
    for (const auto& h : ad.handles) owners[h].insert(ad.advertiser);
    for (const auto& t : ad.phones) phone_owners[t].insert(ad.advertiser);
  }
  CHECK(fields > 5000);
  for (const auto& [value, who] : owners) {
    INFO(value);
    CHECK(who.size() == 1);
  }
  for (const auto& [value, who] : phone_owners) {
    INFO(value);
    CHECK(who.size() <= 2);
  }
}

}  // namespace
}  // namespace practice
