# The report map's base layer (land and water from GSHHG, data/basemap/) and
# its label placement, embedded into the binary like Leaflet so that the
# report draws a readable map offline.
set(KARTA_BASEMAP_CC ${CMAKE_BINARY_DIR}/generated/basemap_assets.cc)
add_custom_command(
  OUTPUT ${KARTA_BASEMAP_CC}
  COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_SOURCE_DIR}/data/basemap -DOUT=${KARTA_BASEMAP_CC}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_basemap.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/cmake/embed_basemap.cmake ${CMAKE_SOURCE_DIR}/data/basemap/basemap.js
          ${CMAKE_SOURCE_DIR}/data/basemap/map.js
  COMMENT "Embedding the report's base map from data/basemap"
  VERBATIM)
target_sources(karta_core PRIVATE ${KARTA_BASEMAP_CC})
set_source_files_properties(${KARTA_BASEMAP_CC} PROPERTIES COMPILE_OPTIONS "-Wno-overlength-strings")
