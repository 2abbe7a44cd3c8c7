#include "lib/gazetteer.h"

#include <doctest/doctest.h>

namespace karta {
namespace {

constexpr const char* kHeader =
    "name,kind,place,kommun,kommunkod,lat,lon,population,context,source\n";

TEST_CASE("gazetteer parses the documented format") {
  auto g =
      Gazetteer::Parse(std::string(kHeader) +
                           "Söder,district,Södermalm,Stockholm,0180,59.31278,18.07577,,evidence,"
                           "\"curated: local name, Södermalm\"\n"
                           "Solna,kommun,Solna,Solna,0184,59.36004,18.00086,66909,any,SCB\n",
                       "g.csv");
  REQUIRE(g.ok());
  REQUIRE(g->size() == 2);
  const GazEntry& e = g->entries()[0];
  CHECK(e.name == "Söder");
  CHECK(e.kind == PlaceKind::kDistrict);
  CHECK(e.place == "Södermalm");
  CHECK(e.kommunkod == "0180");
  CHECK(e.lat == "59.31278");
  CHECK(e.context == PlaceContext::kEvidence);
  CHECK(e.source == "curated: local name, Södermalm");
  CHECK(g->entries()[1].population == 66909);
}

TEST_CASE("gazetteer columns may come in any order; population and source are optional") {
  auto g = Gazetteer::Parse(
      "kommunkod,name,place,kommun,kind,lon,lat,context\r\n"
      "1280,Malmö,Malmö,Malmö,kommun,13.00073,55.60587,any\r\n",
      "malmo.csv");
  REQUIRE(g.ok());
  CHECK(g->entries()[0].kommunkod == "1280");
  CHECK(g->entries()[0].lon == "13.00073");
}

TEST_CASE("gazetteer: streets, and county-level areas with a 2-digit code") {
  auto g =
      Gazetteer::Parse(std::string(kHeader) +
                           "Sveavägen,street,Sveavägen,Stockholm,0180,59.34,18.059,,any,curated\n"
                           "Norrort,area,Norrort,,01,59.45,18.05,,any,curated\n",
                       "g.csv");
  REQUIRE(g.ok());
  CHECK(g->entries()[0].kind == PlaceKind::kStreet);
  CHECK(g->entries()[1].kommunkod == "01");
  CHECK(g->entries()[1].kommun.empty());
  // Only an area may be county-wide.
  auto bad = Gazetteer::Parse(
      std::string(kHeader) + "Norrort,town,Norrort,,01,59.45,18.05,,any,x\n", "g.csv");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find(
            "g.csv:2: 'Norrort': kommunkod '01' is not a 4-digit SCB code") != std::string::npos);
}

TEST_CASE("gazetteer errors name the file and line") {
  auto check = [](std::string body, std::string want) {
    auto g = Gazetteer::Parse(std::string(kHeader) + body, "g.csv");
    REQUIRE_FALSE(g.ok());
    CHECK(g.status().code() == Status::Code::kUsage);
    CHECK(g.status().message().find(want) != std::string::npos);
  };
  check("Kista,village,Kista,Stockholm,0180,59.4,17.9,,any,x\n",
        "g.csv:2: 'Kista': unknown kind 'village'");
  check("Kista,town,Kista,Stockholm,180,59.4,17.9,,any,x\n",
        "kommunkod '180' is not a 4-digit SCB code");
  check("Kista,town,Kista,Stockholm,0180,north,17.9,,any,x\n", "bad coordinates");
  check("Kista,town,Kista,Stockholm,0180,59.4,17.9,,maybe,x\n", "unknown context 'maybe'");
  check("Kista,town,Kista,Stockholm,0180,59.4,17.9,many,any,x\n", "population 'many'");
  check("Kista,town,Kista,Stockholm,0180,59.4\n", "g.csv:2: 6 fields, the header has 10");
  check(",town,Kista,Stockholm,0180,59.4,17.9,,any,x\n", "empty name");
  auto missing = Gazetteer::Parse("name,kind,place\nKista,town,Kista\n", "g.csv");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("g.csv:1: no column 'kommun'") != std::string::npos);
  CHECK_FALSE(Gazetteer::Parse("", "g.csv").ok());
  CHECK_FALSE(Gazetteer::Parse(kHeader, "g.csv").ok());
  CHECK_FALSE(Gazetteer::Parse(std::string(kHeader) + "\"Kista,town\n", "g.csv").ok());
}

TEST_CASE("the committed gazetteer loads") {
  auto g = Gazetteer::Load(std::string(KARTA_SOURCE_DIR) + "/data/gazetteer/gazetteer.csv");
  REQUIRE(g.ok());
  CHECK(g->size() > 600);
  int kommuner = 0;
  for (const GazEntry& e : g->entries()) {
    if (e.kind == PlaceKind::kKommun && e.name == e.kommun) ++kommuner;
  }
  CHECK(kommuner == 290);
}

TEST_CASE("a missing gazetteer is a usage error") {
  auto g = Gazetteer::Load("/nonexistent/gazetteer.csv");
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().code() == Status::Code::kUsage);
}

}  // namespace
}  // namespace karta
