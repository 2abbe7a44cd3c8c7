# libpq for the team store on PostgreSQL (lib/pg.cc; Debian libpq-dev).
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
target_link_libraries(karta_core PUBLIC PkgConfig::PQ)
