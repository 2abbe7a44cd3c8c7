// Civil (proleptic Gregorian) dates as day counts since 1970-01-01, after
// Howard Hinnant's algorithms. Shared by the tools that bucket or compare
// RFC 3339 times (table, store, dedupe).
//
// Thread-safety: pure functions.
#ifndef KARTA_LIB_CIVIL_H_
#define KARTA_LIB_CIVIL_H_

#include <cstdint>

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

}  // namespace karta

#endif  // KARTA_LIB_CIVIL_H_
