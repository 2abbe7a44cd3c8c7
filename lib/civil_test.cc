#include "lib/civil.h"

#include <doctest/doctest.h>

namespace karta {
namespace {

TEST_CASE("civil days round-trip") {
  for (int64_t z = -800000; z < 800000; z += 997) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(z, &y, &m, &d);
    REQUIRE(DaysFromCivil(y, m, d) == z);
    REQUIRE(d <= DaysInMonth(y, m));
  }
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(Weekday(0) == 3);  // 1970-01-01 was a Thursday
  CHECK(DayOfSeconds(-1) == -1);
  CHECK(DayOfSeconds(86399) == 0);
}

TEST_CASE("RFC 3339 times and dates") {
  CHECK(ParseTimeSeconds("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseTimeSeconds("2026-11-02T14:05:00Z") == 1793628300);
  CHECK(ParseTimeSeconds("2026-11-02T15:05:00+01:00") == 1793628300);
  CHECK(ParseTimeSeconds("2026-11-02T14:05:00.250Z") == 1793628300);
  CHECK(ParseTimeSeconds("2026-11-02") == 1793577600);
  CHECK(ParseTimeSeconds("2026-11-02 14:05") == 1793628300);   // lenient: as typed
  CHECK_FALSE(ParseTimeSeconds("2026-11-02 14:05", true));     // strict: no seconds
  CHECK_FALSE(ParseTimeSeconds("2026-11-02T14:05:00", true));  // strict: no zone
  CHECK(ParseTimeSeconds("2026-11-02T14:05:00", false) == 1793628300);
  CHECK(ParseTimeSeconds("2026-11-02", true) == 1793577600);
  CHECK_FALSE(ParseTimeSeconds("yesterday"));
  CHECK_FALSE(ParseTimeSeconds("2026-13-02"));
  CHECK_FALSE(ParseTimeSeconds("2026-02-30"));
  CHECK_FALSE(ParseTimeSeconds("2026-11-02T24:00:00Z"));
  CHECK_FALSE(ParseTimeSeconds("2026-11-02T14:05:00Zjunk"));
  CHECK_FALSE(ParseTimeSeconds("2026-11-02T14:05:00.Z"));
  CHECK_FALSE(ParseTimeSeconds("2026-11-02T14:05:00+1:00"));
}

TEST_CASE("ISO week labels") {
  auto week = [](const char* date) { return IsoWeekLabel(*ParseTimeSeconds(date) / 86400); };
  CHECK(week("2026-11-23") == "2026-W48");  // a Monday
  CHECK(week("2026-11-29") == "2026-W48");  // a Sunday
  CHECK(week("2026-11-30") == "2026-W49");
  CHECK(week("2021-01-03") == "2020-W53");
  CHECK(week("2024-12-30") == "2025-W01");
  CHECK(week("1970-01-01") == "1970-W01");
}

}  // namespace
}  // namespace karta
