// Civil (proleptic Gregorian) dates as day counts since 1970-01-01, after
// Howard Hinnant's algorithms, and the one RFC 3339 time parser. Shared by
// the tools that bucket or compare times (table, report, store, dedupe).
//
// Thread-safety: pure functions.
#ifndef KARTA_LIB_CIVIL_H_
#define KARTA_LIB_CIVIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace karta {

// Days from 1970-01-01 to y-m-d. REQUIRES: 1 <= m <= 12, 1 <= d <= 31.
inline int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The y-m-d of day `z` counted from 1970-01-01.
inline void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

// Reads the `n` ASCII digits at s[pos] into *out; false if any is not a
// digit or they run past the end.
bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out);

// Days in month `m` (1-12) of year `y`.
unsigned DaysInMonth(int64_t y, unsigned m);

// Weekday of day `z`: 0 is Monday, 6 Sunday.
inline int64_t Weekday(int64_t z) { return ((z % 7) + 7 + 3) % 7; }

// Floor division of seconds to days.
inline int64_t DayOfSeconds(int64_t t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

// Parses a time as seconds since 1970-01-01T00:00:00Z: an RFC 3339 time
// ("2026-03-02T10:00:00Z", "2026-03-02T11:00:00+01:00"; fractions of a second
// are dropped) or a date ("2026-03-02", midnight UTC). With `strict` a time
// must have seconds and a zone, as RFC 3339 says; without, "2026-03-02 10:00"
// (no seconds, no zone: UTC) is accepted too, as people type it.
std::optional<int64_t> ParseTimeSeconds(std::string_view s, bool strict = false);

// Seconds since 1970 as an RFC 3339 UTC time, "2026-11-23T08:00:00Z".
std::string FormatRfc3339(int64_t t);
// The current time as FormatRfc3339 writes it.
std::string NowRfc3339();

// The ISO 8601 week of day `z`, as "2026-W09" (the year is the ISO year:
// that of the week's Thursday).
std::string IsoWeekLabel(int64_t z);

}  // namespace karta

#endif  // KARTA_LIB_CIVIL_H_
