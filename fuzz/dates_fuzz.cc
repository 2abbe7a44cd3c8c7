// libFuzzer target: the date normaliser (Swedish/English date text to an
// instant), with and without a reference time, and its formatting.
#include <cstdint>
#include <string_view>

#include "lib/dates.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const karta::TimeZone& tz = karta::TimeZone::Default();
  karta::DateOptions with_ref;
  with_ref.ref = 1795000000;  // 2026-11-18
  for (const karta::DateOptions* o : {&with_ref, static_cast<const karta::DateOptions*>(nullptr)}) {
    karta::DateOptions plain;
    auto t = karta::ReadDate(text, o ? *o : plain);
    if (t) {
      karta::LocalDay(*t, tz);
      karta::FormatLocal(*t, tz);
    }
  }
  if (auto t = karta::ReadTime(text, tz)) karta::FormatLocal(*t, tz);
  return 0;
}
