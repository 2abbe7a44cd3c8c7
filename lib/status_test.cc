#include "lib/status.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace karta {
namespace {

Result<std::unique_ptr<int>> Make(bool ok) {
  if (!ok) return Status::Data("no value");
  return std::make_unique<int>(7);
}

Result<int> Twice(bool ok) {
  KARTA_ASSIGN_OR_RETURN(auto p, Make(ok));  // a move-only value
  int n = 0;
  KARTA_ASSIGN_OR_RETURN(n, Result<int>(*p));     // into an existing variable
  KARTA_ASSIGN_OR_RETURN(int m, Result<int>(n));  // twice in one function
  return n + m;
}

TEST_CASE("status: KARTA_ASSIGN_OR_RETURN assigns the value or returns the error") {
  auto good = Twice(true);
  REQUIRE(good.ok());
  CHECK(*good == 14);
  auto bad = Twice(false);
  REQUIRE(!bad.ok());
  CHECK(bad.status().code() == Status::Code::kData);
  CHECK(bad.status().message() == "no value");
}

}  // namespace
}  // namespace karta
