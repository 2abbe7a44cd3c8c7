# The history store's unit tests again, against a real PostgreSQL 15 server
# (tests/pg/pgserver.py starts one on 127.0.0.1 as an unprivileged user and
# stops it): the same suite runs on SQLite and PostgreSQL. Skipped (77) when
# postgresql-15 is not installed.
add_test(NAME unit_store_pg
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/pg/pgserver.py --
          $<TARGET_FILE:karta_unit> -tc=store*,pg*)
set_tests_properties(unit_store_pg PROPERTIES LABELS "unit;pg" TIMEOUT 300 SKIP_RETURN_CODE 77)
