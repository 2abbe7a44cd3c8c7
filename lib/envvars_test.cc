#include "lib/envvars.h"

#include <doctest/doctest.h>

#include <cstdlib>

namespace karta {

TEST_CASE("envvars: ${NAME} and ${NAME:-default}") {
  ::setenv("KARTA_TEST_PORT", "18123", 1);
  ::unsetenv("KARTA_TEST_UNSET");
  CHECK(*ExpandEnvVars("http://a.example:${KARTA_TEST_PORT}/", "p") == "http://a.example:18123/");
  CHECK(*ExpandEnvVars("${KARTA_TEST_PORT:-18080}", "p") == "18123");
  CHECK(*ExpandEnvVars("${KARTA_TEST_UNSET:-18080}", "p") == "18080");
  CHECK(*ExpandEnvVars("'^a\\.example:${KARTA_TEST_UNSET:-18080}/x$'", "p") ==
        "'^a\\.example:18080/x$'");
  CHECK(*ExpandEnvVars("no vars, $ and ${lower} and \\d{2}$", "p") ==
        "no vars, $ and ${lower} and \\d{2}$");
  auto bad = ExpandEnvVars("a = 1\nb = \"${KARTA_TEST_UNSET}\"\n", "site.toml");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("site.toml:2: the environment variable KARTA_TEST_UNSET") == 0);
  ::unsetenv("KARTA_TEST_PORT");
}

}  // namespace karta
