// Basemap: what the report's map draws under the places when no tile server
// is used (the default: tiles would tell a third party where the unit looks).
//
// The base layer is land and water from GSHHG (LGPL; Debian's gmt-gshhg),
// rasterised by scripts/build-basemap.py into two-colour PNG layers
// (Sweden coarse, Stockholm county and Skåne fine) in data/basemap/basemap.js,
// and data/basemap/map.js places the place labels so that none overlaps
// another (or another place's circle) at any zoom. Both are embedded into
// the binary at build time (cmake/parts/basemap.cmake), so the report needs
// no network and no files beside it. No open dataset of kommun outlines was
// found among Debian's or npm's packages, so there are none.
//
// Thread-safety: constant data only.
#ifndef KARTA_LIB_BASEMAP_H_
#define KARTA_LIB_BASEMAP_H_

#include <string>
#include <string_view>

namespace karta {

// Embedded at build time (generated/basemap_assets.cc).
extern const std::string_view kBasemapLayersJs;  // var KARTA_BASEMAP_LAYERS = [...]
extern const std::string_view kMapJs;            // var KARTA_MAP = {drawBase, labels}

// One <script> element defining KARTA_BASEMAP_LAYERS and KARTA_MAP, to be
// placed after Leaflet and before the script that draws the map. The map
// script then calls KARTA_MAP.drawBase(map) and KARTA_MAP.labels(map,
// places, radius) (see data/basemap/map.js).
std::string BasemapScript();

}  // namespace karta

#endif  // KARTA_LIB_BASEMAP_H_
