# Installing karta: `cmake --install build` (PREFIX/bin/karta, its data in
# PREFIX/share/karta, man pages, shell completion) and a Debian package
# (`cpack --config build/CPackConfig.cmake -G DEB`, or scripts/package.sh).
#
# karta finds its data relative to its own binary (lib/datadir.h): the
# layout under share/karta is the source tree's, so rules and routines that
# name each other by relative paths work the same installed.
include(GNUInstallDirs)
# `cmake --install` and cpack install what was built (karta, karta_docs)
# without building every other target first (the practice generator, ...).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS karta RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set(KARTA_SHARE ${CMAKE_INSTALL_DATADIR}/karta)
install(DIRECTORY data/gazetteer DESTINATION ${KARTA_SHARE}/data
        FILES_MATCHING PATTERN "*.csv" PATTERN "*.md" PATTERN "*.txt")
install(DIRECTORY queries DESTINATION ${KARTA_SHARE})
install(DIRECTORY examples/practice-site/small DESTINATION ${KARTA_SHARE}/examples/practice-site)
install(FILES examples/practice-site/README.md DESTINATION ${KARTA_SHARE}/examples/practice-site)
install(PROGRAMS examples/practice-site/serve.sh DESTINATION ${KARTA_SHARE}/examples/practice-site)
install(DIRECTORY examples/workshop DESTINATION ${KARTA_SHARE}/examples)
install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages and completion, generated from the help the binary prints
# (packaging/gen_docs.py), so they say what `karta TOOL --help` says.
set(KARTA_DOCS ${CMAKE_BINARY_DIR}/docs)
add_custom_command(
  OUTPUT ${KARTA_DOCS}/man1/karta.1 ${KARTA_DOCS}/completion/karta.bash ${KARTA_DOCS}/completion/_karta
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/packaging/gen_docs.py
          --karta $<TARGET_FILE:karta> --out ${KARTA_DOCS}
  DEPENDS karta ${CMAKE_SOURCE_DIR}/packaging/gen_docs.py
  COMMENT "Man pages and shell completion from karta --help"
  VERBATIM)
add_custom_target(karta_docs ALL DEPENDS ${KARTA_DOCS}/man1/karta.1)
install(DIRECTORY ${KARTA_DOCS}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR})
install(FILES ${KARTA_DOCS}/completion/karta.bash RENAME karta
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${KARTA_DOCS}/completion/_karta
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

# The Debian package. Its Depends are computed by dpkg-shlibdeps from the
# libraries the binary links (so they cannot drift from the -dev packages in
# scripts/install-deps.sh); `apt-get install ./karta_VERSION_amd64.deb` on a
# fresh machine fetches them.
set(CPACK_PACKAGE_NAME karta)
set(CPACK_PACKAGE_VENDOR "karta")
set(CPACK_PACKAGE_CONTACT "karta maintainers <karta@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "search and mapping of online ads, for social-services outreach")
set(CPACK_PACKAGE_DESCRIPTION "karta is a command-line toolkit for a city social-services unit that
follows sex-work advertising on the web, to reach and support the people in
the ads: fetch, filter, extract, geotag, dedupe, tabulate, report.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "chromium, nginx-light | nginx, man-db")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
set(CPACK_STRIP_FILES ON)
include(CPack)
