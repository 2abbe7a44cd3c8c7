#include "lib/datadir.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

namespace karta {

TEST_CASE("datadir: KARTA_DATA_DIR comes first and a missing file is empty") {
  const char* old = std::getenv("KARTA_DATA_DIR");
  std::string saved = old ? old : "";
  ::setenv("KARTA_DATA_DIR", KARTA_SOURCE_DIR, 1);
  CHECK(DataRoots().front() == KARTA_SOURCE_DIR);
  CHECK(FindData("data/gazetteer/gazetteer.csv") ==
        std::string(KARTA_SOURCE_DIR) + "/data/gazetteer/gazetteer.csv");
  CHECK(FindData("no/such/file.csv").empty());
  if (old) {
    ::setenv("KARTA_DATA_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("KARTA_DATA_DIR");
  }
}

TEST_CASE("datadir: the binary's folder is known") { CHECK(!ExecutableDir().empty()); }

}  // namespace karta
