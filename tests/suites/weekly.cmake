# Week after week (issue 15): the weekly routine on generated weeks of the
# practice sites under nginx (new, gone and trend against the generator's
# truth, a week with a site down, the unchanged re-run with 304s, posted_at
# on every site). Skipped (77) without nginx.
if(TARGET karta-practice)
  add_test(NAME weekly_practice
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/run/weekly.py
            $<TARGET_FILE:karta> $<TARGET_FILE:karta-practice> ${CMAKE_SOURCE_DIR})
  set_tests_properties(weekly_practice PROPERTIES LABELS "server;weekly" TIMEOUT 900
                       SKIP_RETURN_CODE 77)
endif()
