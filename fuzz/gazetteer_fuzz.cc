// libFuzzer target: the gazetteer matcher (geotag) over the shipped
// Stockholm gazetteer.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/gazetteer.h"
#include "lib/geotag.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const karta::Gazetteer* gaz = [] {
    auto g = karta::Gazetteer::Load(karta::DefaultGazetteerPath());
    if (!g.ok()) std::abort();
    return new karta::Gazetteer(std::move(*g));
  }();
  static const karta::Geotagger tagger(gaz);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  karta::GeoScan scan;
  tagger.Scan(text, size % 2 == 0, &scan);
  tagger.Resolve(scan);
  karta::Geotagger::FoldName(text);
  return 0;
}
