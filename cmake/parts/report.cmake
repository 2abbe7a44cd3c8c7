# Leaflet for `karta report`, embedded into the binary at build time so that
# the report is one self-contained HTML file that opens offline and karta
# needs no files beside it. Leaflet comes from the npm registry, pinned in
# package-lock.json (`npm ci`, which scripts/install-deps.sh runs). Without
# node_modules configuring stops here, rather than building a karta whose
# report fails later.
set(KARTA_LEAFLET_DIST ${CMAKE_SOURCE_DIR}/node_modules/leaflet/dist)
set(KARTA_LEAFLET_CC ${CMAKE_BINARY_DIR}/generated/leaflet_assets.cc)
set(_karta_leaflet_deps ${CMAKE_SOURCE_DIR}/cmake/embed_leaflet.cmake)
if(EXISTS ${KARTA_LEAFLET_DIST}/leaflet.js AND EXISTS ${KARTA_LEAFLET_DIST}/leaflet.css)
  list(APPEND _karta_leaflet_deps ${KARTA_LEAFLET_DIST}/leaflet.js ${KARTA_LEAFLET_DIST}/leaflet.css)
else()
  message(FATAL_ERROR "Leaflet is missing: ${KARTA_LEAFLET_DIST}/leaflet.js not found.\n"
    "karta embeds Leaflet (for the report's map) at build time. Run 'npm ci' in "
    "${CMAKE_SOURCE_DIR} (scripts/install-deps.sh does it), then configure again.")
endif()
add_custom_command(
  OUTPUT ${KARTA_LEAFLET_CC}
  COMMAND ${CMAKE_COMMAND} -DDIST=${KARTA_LEAFLET_DIST} -DOUT=${KARTA_LEAFLET_CC}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_leaflet.cmake
  DEPENDS ${_karta_leaflet_deps}
  COMMENT "Embedding Leaflet from node_modules/leaflet/dist"
  VERBATIM)
target_sources(karta_core PRIVATE ${KARTA_LEAFLET_CC})
# One string literal of ~150 KB: longer than ISO C++ promises, fine for GCC and Clang.
set_source_files_properties(${KARTA_LEAFLET_CC} PROPERTIES COMPILE_OPTIONS "-Wno-overlength-strings")
