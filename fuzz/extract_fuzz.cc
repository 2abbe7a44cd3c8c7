// libFuzzer target: the phone, email, age, price and handle extractors.
#include <cstdint>
#include <string_view>

#include "lib/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static karta::Extractor extractor;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  karta::Extraction out;
  extractor.Extract(text, 2026, &out);
  karta::YearOf(text);
  return 0;
}
