#include "lib/basemap.h"

namespace karta {

std::string BasemapScript() {
  std::string s;
  s.reserve(kBasemapLayersJs.size() + kMapJs.size() + 32);
  s += "<script>\n";
  s += kBasemapLayersJs;
  s += kMapJs;
  s += "</script>\n";
  return s;
}

}  // namespace karta
