# karta outreach on both backends: each test runs on a fresh SQLite file and
# on a throwaway PostgreSQL 15 server (tests/pg/pgserver.py; skipped, 77,
# when postgresql-15 is not installed).
#   outreach_concurrency: 8 processes claim the same 50 people at once; 4
#                         record overlapping runs at once
#   outreach_two_weeks:   the outreach loop over two weeks of the practice site
add_test(NAME outreach_concurrency
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/pg/pgserver.py --
          ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/outreach/concurrency.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(outreach_concurrency PROPERTIES LABELS "pg;outreach" TIMEOUT 600
  SKIP_RETURN_CODE 77)
add_test(NAME outreach_two_weeks
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/pg/pgserver.py --
          ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/outreach/practice_two_weeks.py
          --karta $<TARGET_FILE:karta> --practice $<TARGET_FILE:karta-practice>)
set_tests_properties(outreach_two_weeks PROPERTIES LABELS "pg;outreach" TIMEOUT 600
  SKIP_RETURN_CODE 77)
